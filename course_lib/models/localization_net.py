"""A small network that tells the direction of a sound from an array's GCC-PHAT vectors.

GCC-PHAT + least squares (:mod:`course_lib.localization`) trusts one peak per microphone pair;
in a reverberant, noisy room the strongest peak is often a reflection's or the noise's. A
network sees the whole correlation of every pair at once and can learn which patterns of peaks
come from which direction. Here:

- :func:`gcc_features`: the GCC-PHAT correlation of each of the array's pairs over the lags a
  plane wave can produce (±d/c plus a margin), each scaled to a peak of 1: ``(n_pairs, n_lags)``;
- :func:`direction_mlp`: a multilayer perceptron from those vectors to the direction as
  ``(cos θ, sin θ)`` (a regression that has no wrap-around at 0°/360°), and
  :func:`targets_to_azimuth` back to degrees;
- :func:`predict_azimuth`: the network's direction for one recording of the array.

The chapter's study (training rooms, three seeds, the evaluation against GCC-PHAT, SRP-PHAT and
MUSIC, the cached network and results) is :mod:`course_lib.experiments.doa_network`.

Used by chapter ``09_detection_localization``. Layer 4: imports :mod:`course_lib._checks` and
:mod:`course_lib.dsp.localization`; Keras is imported inside the functions that need it.
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import _checks
from ..dsp import localization

__all__ = ["gcc_features", "direction_mlp", "azimuth_to_targets", "targets_to_azimuth", "predict_azimuth"]


def gcc_features(signals, sr, *, mic_positions, interp=4, c=localization.SPEED_OF_SOUND):
    """GCC-PHAT vectors of every microphone pair over the physically possible lags, peak-normalised.

    Each pair's correlation (:func:`course_lib.localization.gcc_phat`, upsampled ``interp`` times)
    is kept over ±(largest spacing / c) plus 2 lag steps, the same lags for every pair, and
    divided by its largest absolute value.

    Parameters
    ----------
    signals : array_like, shape (n_mics, n_samples)
        The array's recordings.
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m).
    interp : int, default 4
        Upsampling of the correlation.
    c : float
        Speed of sound (m/s).

    Returns
    -------
    ndarray of float32, shape (n_pairs, n_lags)
        Pairs in ``itertools.combinations`` order; 4 microphones on a 5 cm circle at 16 kHz with
        ``interp=4`` give 6 pairs × 43 lags.

    Notebook: 09_detection_localization
    """
    mics = np.asarray(mic_positions, dtype=np.float64)
    if mics.ndim != 2 or mics.shape[0] != 2 or mics.shape[1] < 2:
        raise ValueError(f"mic_positions must be (2, n_mics) in metres with n_mics >= 2, got shape {mics.shape}")
    x = _checks.audio(signals, "signals", ndim=2)
    if x.shape[0] != mics.shape[1]:
        raise ValueError(f"signals has {x.shape[0]} channels but mic_positions has {mics.shape[1]} microphones")
    sr = _checks.sample_rate(sr)
    interp = _checks.positive_int(interp, "interp", what="upsampling factor")
    c = _checks.positive(c, "c", "m/s")
    d_max = max(np.linalg.norm(mics[:, j] - mics[:, i]) for i, j in itertools.combinations(range(mics.shape[1]), 2))
    max_tau = (np.ceil(d_max / c * sr * interp) + 2) / (sr * interp)
    rows = []
    for i, j in itertools.combinations(range(mics.shape[1]), 2):
        cc = localization.gcc_phat(x[i], x[j], sr, max_tau=max_tau, interp=interp)[2]
        rows.append(cc / max(np.max(np.abs(cc)), 1e-12))
    return np.asarray(rows, dtype=np.float32)


def azimuth_to_targets(azimuth):
    """Azimuths (degrees) as regression targets ``(cos θ, sin θ)``.

    Parameters
    ----------
    azimuth : float or array_like, shape (n,)

    Returns
    -------
    ndarray of float32, shape (n, 2)

    Notebook: (tooling, the study course_lib.experiments.doa_network trains on these targets)
    """
    a = np.deg2rad(np.atleast_1d(_checks.real_array(azimuth, "azimuth")))
    return np.stack([np.cos(a), np.sin(a)], axis=1).astype(np.float32)


def targets_to_azimuth(targets):
    """Network outputs ``(cos θ, sin θ)`` (any length) back to azimuths: ``atan2(sin, cos)`` in [0°, 360°).

    Parameters
    ----------
    targets : array_like, shape (n, 2)

    Returns
    -------
    ndarray of float64, shape (n,)

    Notebook: 09_detection_localization (via ``predict_azimuth``)
    """
    t = _checks.real_array(targets, "targets")
    if t.ndim != 2 or t.shape[1] != 2:
        raise ValueError(f"targets must be (n, 2): (cos θ, sin θ) per example, got shape {t.shape}")
    return np.rad2deg(np.arctan2(t[:, 1], t[:, 0])) % 360.0


def direction_mlp(n_pairs, n_lags, hidden=(128, 64), name="doa_mlp"):
    """A multilayer perceptron from GCC-PHAT vectors ``(n_pairs, n_lags)`` to ``(cos θ, sin θ)``.

    Flatten, then one ReLU ``Dense`` layer per entry of ``hidden``, then a linear ``Dense(2)``.

    Parameters
    ----------
    n_pairs, n_lags : int
        Shape of one example (:func:`gcc_features`).
    hidden : sequence of int
        Units of the hidden layers.
    name : str
        The model's name.

    Returns
    -------
    keras.Model
        Uncompiled; 4 mics (6 × 43 inputs) and ``hidden=(128, 64)`` give 41,538 parameters.

    Notebook: 09_detection_localization (via ``course_lib.experiments.doa_network.load_model``)
    """
    import keras
    from keras import layers

    n_pairs = _checks.positive_int(n_pairs, "n_pairs", what="microphone pairs")
    n_lags = _checks.positive_int(n_lags, "n_lags", what="lags")
    hidden = [_checks.positive_int(h, f"hidden[{i}]", what="units") for i, h in enumerate(hidden)]
    inputs = keras.Input(shape=(n_pairs, n_lags), name="gcc_phat")
    x = layers.Flatten()(inputs)
    for i, h in enumerate(hidden, start=1):
        x = layers.Dense(h, activation="relu", name=f"dense{i}")(x)
    outputs = layers.Dense(2, name="cos_sin")(x)
    return keras.Model(inputs, outputs, name=name)


def predict_azimuth(model, signals, *, sr, mic_positions, interp=4):
    """The network's azimuth for one recording of the array (degrees, in [0, 360)).

    Parameters
    ----------
    model : keras.Model
        A trained :func:`direction_mlp`.
    signals : array_like, shape (n_mics, n_samples)
        The array's recordings.
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m), those the network was trained with.
    interp : int
        Upsampling of the correlations, as in training.

    Returns
    -------
    float

    Notebook: 09_detection_localization
    """
    f = gcc_features(signals, sr, mic_positions=mic_positions, interp=interp)[None]
    return float(targets_to_azimuth(np.asarray(model(f, training=False)))[0])
