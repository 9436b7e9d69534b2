"""course_lib: the tested feature, data and model code behind the "Deep Learning for Sounds" notebooks.

Organized by domain, in layers: a module imports only from its own layer or lower ones (never
in a cycle), and never a private name of another module. :data:`LAYERS` is the table;
``tests/test_layers.py`` checks every ``from . import`` against it and the README's list
against it.

0. ``_checks`` (the one argument-checking rule), ``errors`` (the course's error family)
1. ``audio`` (load, save, resample, mono, normalize, play), ``synth`` (deterministic synthesis),
   ``fetch`` (verified local copies of the real recordings: cache, mirror, download),
   ``compute`` (the device TensorFlow trains on), ``tfrecord`` (TFRecord files and the protobuf
   wire format, byte-exact without TensorFlow), ``stats`` (mean and confidence interval, confusion
   matrix)
2. ``spectral`` (DFT, windows, STFT, dB), ``mel`` (mel scales, filterbanks), ``pitch`` (Hz, MIDI, cents)
3. ``corpora`` (real recordings: ESC-10, FSDD, backgrounds, measured responses, librosa's
   examples), ``instruments`` (notes from a SoundFont's recorded samples), ``datasets`` (the
   synthetic sound-scenes data set, FSDD speaker splits, tf.data pipelines of augmented views),
   ``augment`` (pitch, rooms, noise, devices, SpecAugment, mixup), ``audioset`` (ontology, CSV,
   TFRecord embeddings), ``assets`` (the files in ``data/``), ``pitch_eval`` (pitch-tracker
   evaluation sets and scores), ``melodies`` (what WaveNet trains on: notes of recorded
   instruments, and the earlier synthetic melodies), ``soundscapes`` (strongly labelled scenes of
   real events over real backgrounds), ``localization`` (microphone arrays in simulated rooms,
   GCC-PHAT, direction of arrival)
4. ``vggish`` (front end, network, postprocessor), ``rawconv`` (Conv1D maths, raw-waveform models),
   ``crepe`` (pitch as classification), ``fcn_f0`` (FCN-F0, a second pretrained pitch model),
   ``wavenet`` (autoregressive generation), ``training`` (small classifiers trained over folds and
   seeds, cached results), ``seld`` (event detection: CRNN, post-processing, metrics),
   ``localization_net`` (a network that predicts the direction of arrival), ``mel_experiment``
   and ``augment_experiment`` (two cached experiments and the commands that remake them)
5. ``plot``, ``widgets`` (for notebooks), ``book`` (executes notebooks; builds book, slides, student
   edition), ``crepe_cli`` and ``wavenet_cli`` (the command lines)

Importing the package changes nothing in the environment. The course's quiet, deterministic
TensorFlow settings (``TF_CPP_MIN_LOG_LEVEL=2``, ``TF_ENABLE_ONEDNN_OPTS=0``) are set by the
Makefile, the test configuration, ``course_lib.book`` and Binder's ``start``, before any
kernel starts.
"""

__version__ = "0.1.0"

#: Layer of every module (0 lowest). A module may import modules of its own layer or lower.
LAYERS: dict[str, int] = {
    "_checks": 0, "errors": 0,
    "audio": 1, "synth": 1, "fetch": 1, "compute": 1, "tfrecord": 1, "stats": 1,
    "spectral": 2, "mel": 2, "pitch": 2,
    "corpora": 3, "instruments": 3, "datasets": 3, "augment": 3, "audioset": 3, "assets": 3, "pitch_eval": 3,
    "melodies": 3, "soundscapes": 3, "localization": 3,
    "vggish": 4, "rawconv": 4, "crepe": 4, "wavenet": 4, "training": 4, "seld": 4, "localization_net": 4,
    "fcn_f0": 4, "mel_experiment": 4, "augment_experiment": 4,
    "plot": 5, "widgets": 5, "book": 5, "crepe_cli": 5, "wavenet_cli": 5,
}
