"""course_lib: the tested feature, data and model code behind the "Deep Learning for Sounds" notebooks.

Organized by domain, in layers (a module imports only from lower layers):

1. ``audio`` (load, save, resample, mono, normalize, play), ``synth`` (deterministic synthesis),
   ``fetch`` (verified local copies of the real recordings: cache, mirror, download)
2. ``spectral`` (DFT, windows, STFT, dB), ``mel`` (mel scales, filterbanks), ``pitch`` (Hz, MIDI, cents)
3. ``corpora`` (real recordings: ESC-10, FSDD, backgrounds, measured responses, librosa's
   examples), ``instruments`` (notes from a SoundFont's recorded samples), ``datasets`` (the
   synthetic sound-scenes data set), ``augment`` (pitch, rooms, noise, devices), ``audioset``
   (ontology, CSV, TFRecord embeddings), ``assets`` (the files in ``data/``)
4. ``vggish`` (front end, network, postprocessor), ``rawconv`` (Conv1D maths, raw-waveform models)
5. ``plot``, ``widgets`` (for notebooks), ``book`` (executes notebooks; builds book, slides, student edition)

Importing the package sets quiet, deterministic TensorFlow defaults (only where the user has not
set them): C++ info and warning logs off, oneDNN's reordered floating-point sums off.
"""

import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

__version__ = "0.1.0"
