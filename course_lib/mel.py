"""Mel scales, mel filterbanks and (log-)mel spectrograms.

The mel scale bends frequency the way pitch perception does: roughly linear below 1 kHz and
logarithmic above. Two definitions are in use and both are here: HTK's
``2595·log10(1 + f/700)`` and Slaney's (Auditory Toolbox, librosa's default) which is exactly
linear below 1 kHz. The filterbank is a set of triangles evenly spaced on the chosen mel scale,
the same matrix as ``librosa.filters.mel``. Chapter 03 (``03_mel_perception``) teaches it;
chapters 04–06 use log-mel spectrograms as model input, one clip or a whole batch at a time.

Layer 2: imports :mod:`course_lib._checks` and :mod:`course_lib.spectral`.
"""

from __future__ import annotations

import numpy as np

from . import _checks, spectral

__all__ = [
    "hz_to_mel",
    "mel_to_hz",
    "mel_frequencies",
    "mel_filterbank",
    "melspectrogram",
    "log_melspectrogram",
]

# Slaney's scale: linear (200/3 Hz per mel) up to 1000 Hz, then logarithmic with 27 mels per
# factor 6.4 in frequency. These constants make the two pieces meet continuously at 1000 Hz.
_F_SP = 200.0 / 3.0
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def hz_to_mel(frequencies, htk: bool = False):
    """Convert frequencies (Hz) to mels.

    Parameters
    ----------
    frequencies : float or array_like
        Frequencies in Hz (non-negative).
    htk : bool
        ``True``: HTK formula ``2595·log10(1 + f/700)`` (1000 Hz ≈ 1000 mel).
        ``False``: Slaney's scale, linear below 1 kHz (1000 Hz = 15 mel), log above.

    Returns
    -------
    float or np.ndarray
        Mels: a float for a scalar, an array otherwise; increasing with frequency.

    Raises
    ------
    TypeError
        Non-numeric frequencies.
    ValueError
        Negative or non-finite frequencies.

    Notebook: 03_mel_perception
    """
    f = _checks.real_array(frequencies, "frequencies")
    if np.any(f < 0):
        raise ValueError(f"frequencies must be non-negative (Hz), got {f[f < 0].ravel()[0]!r}")
    if htk:
        mels = 2595.0 * np.log10(1.0 + f / 700.0)
    else:
        mels = f / _F_SP
        high = f >= _MIN_LOG_HZ
        mels = np.where(high, _MIN_LOG_MEL + np.log(np.maximum(f, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOGSTEP, mels)
    return mels if mels.ndim else float(mels)


def mel_to_hz(mels, htk: bool = False):
    """Convert mels to frequencies (Hz); the inverse of :func:`hz_to_mel`.

    Parameters
    ----------
    mels : float or array_like
        Mels (finite).
    htk : bool
        Use the HTK formula ``700·(10^(m/2595) − 1)`` instead of Slaney's scale.

    Returns
    -------
    float or np.ndarray
        Hz: a float for a scalar, an array otherwise.

    Raises
    ------
    TypeError
        Non-numeric mels.
    ValueError
        Non-finite mels.

    Notebook: 03_mel_perception
    """
    m = _checks.real_array(mels, "mels")
    if htk:
        f = 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    else:
        f = _F_SP * m
        high = m >= _MIN_LOG_MEL
        f = np.where(high, _MIN_LOG_HZ * np.exp(_LOGSTEP * (np.maximum(m, _MIN_LOG_MEL) - _MIN_LOG_MEL)), f)
    return f if f.ndim else float(f)


def mel_frequencies(n_mels: int = 128, fmin: float = 0.0, fmax: float = 11025.0, htk: bool = False) -> np.ndarray:
    """``n_mels`` frequencies (Hz) evenly spaced on the mel scale from ``fmin`` to ``fmax``.

    Parameters
    ----------
    n_mels : int, default 128
        How many frequencies (>= 1).
    fmin, fmax : float
        First and last frequency in Hz, ``0 <= fmin < fmax``.
    htk : bool
        Use the HTK mel scale instead of Slaney's.

    Returns
    -------
    np.ndarray, float64, shape (n_mels,)
        Hz, increasing.

    Raises
    ------
    TypeError
        A non-integer ``n_mels``, non-numeric ``fmin`` or ``fmax``.
    ValueError
        ``n_mels`` < 1, or not ``0 <= fmin < fmax``.

    Notebook: 03_mel_perception
    """
    n_mels = _checks.positive_int(n_mels, "n_mels", "mel bands")
    fmin = _checks.number(fmin, "fmin", "Hz", minimum=0.0)
    fmax = _checks.number(fmax, "fmax", "Hz", minimum=0.0)
    if not fmin < fmax:
        raise ValueError(f"need 0 <= fmin < fmax (Hz), got fmin={fmin!r}, fmax={fmax!r}")
    mels = np.linspace(hz_to_mel(fmin, htk=htk), hz_to_mel(fmax, htk=htk), n_mels)
    return np.asarray(mel_to_hz(mels, htk=htk))


def mel_filterbank(
    sr: float,
    n_fft: int,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: str | None = "slaney",
) -> np.ndarray:
    """Triangular mel filterbank, the same matrix as ``librosa.filters.mel``.

    Filter ``i`` rises linearly (in Hz) from edge ``i`` to its peak at edge ``i + 1`` and falls to
    zero at edge ``i + 2``, where the ``n_mels + 2`` edges are evenly spaced in mels between
    ``fmin`` and ``fmax``. Multiplying a (power) spectrogram by this matrix sums each band.

    Parameters
    ----------
    sr : int
        Sampling rate (Hz).
    n_fft : int
        FFT size (samples); the matrix has ``1 + n_fft // 2`` columns, one per bin.
    n_mels : int
        Number of mel bands (rows).
    fmin, fmax : float
        Lowest and highest edge (Hz); ``fmax`` defaults to ``sr / 2`` and may not exceed it.
    htk : bool
        Use the HTK mel formula instead of Slaney's.
    norm : {"slaney", None}
        ``"slaney"`` divides each triangle by its width in Hz (``2 / (f[i+2] - f[i])``) so every
        band has the same area (constant energy per band for white noise); ``None`` leaves peaks at 1.

    Returns
    -------
    np.ndarray, float32, shape (n_mels, 1 + n_fft // 2)

    Raises
    ------
    ValueError
        ``fmax`` above the Nyquist frequency, an unknown ``norm``, bad sizes.

    Notebook: 03_mel_perception
    """
    sr = _checks.sample_rate(sr)
    n_fft = _checks.positive_int(n_fft, "n_fft", "samples")
    fmax = sr / 2 if fmax is None else _checks.number(fmax, "fmax", "Hz", minimum=0.0)
    if fmax > sr / 2 + 1e-9:
        raise ValueError(f"fmax={fmax} Hz is above the Nyquist frequency sr/2={sr / 2} Hz")
    if norm is not None:
        _checks.choice(norm, "norm (or None)", ("slaney",))
    fftfreqs = spectral.fft_frequencies(sr, n_fft)
    edges = mel_frequencies(_checks.positive_int(n_mels, "n_mels", "mel bands") + 2, fmin=fmin, fmax=fmax, htk=htk)
    widths = np.diff(edges)
    ramps = edges[:, None] - fftfreqs[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    if norm == "slaney":
        weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


def melspectrogram(
    y: np.ndarray,
    sr: float,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    power: float = 2.0,
    htk: bool = False,
    norm: str | None = "slaney",
    center: bool = True,
) -> np.ndarray:
    """Mel spectrogram: the mel filterbank applied to ``|STFT|^power``.

    Same defaults and result as ``librosa.feature.melspectrogram`` (Hann window, centred frames).

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
        One clip, or a batch of equally long clips along the leading axes.
    sr : int
        Sampling rate (Hz).
    n_fft, hop_length : int
        STFT size and hop (samples).
    n_mels, fmin, fmax, htk, norm
        See :func:`mel_filterbank`.
    power : float
        1 for magnitude, 2 for power.
    center : bool
        Centre the frames (see :func:`course_lib.spectral.stft`).

    Returns
    -------
    np.ndarray, shape (..., n_mels, n_frames)
        ``n_frames = 1 + n_samples // hop_length`` when ``center=True``
        (:func:`course_lib.spectral.n_frames`).

    Notebook: 03_mel_perception
    """
    S = spectral.spectrogram(y, n_fft=n_fft, hop_length=hop_length, center=center, power=power)
    fb = mel_filterbank(sr, n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    return fb @ S


def log_melspectrogram(y: np.ndarray, sr: float, top_db: float | None = 80.0, **kwargs) -> np.ndarray:
    """Log-mel power spectrogram in dB relative to each clip's maximum, the usual model input.

    ``10·log10`` of :func:`melspectrogram` with ``power=2``, referred to the clip's largest
    value (0 dB) and floored ``top_db`` below it, as ``librosa.power_to_db(M, ref=np.max)``
    does for one clip. A batch gets the same, clip by clip: ``log_melspectrogram(x)[i]`` equals
    ``log_melspectrogram(x[i])``.

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
        One clip, or a batch of equally long clips along the leading axes.
    sr : int
        Sampling rate (Hz).
    top_db : float or None, default 80.0
        Dynamic range kept below each clip's maximum (dB, >= 0); None keeps everything.
    **kwargs
        Passed to :func:`melspectrogram` (``n_fft``, ``hop_length``, ``n_mels``, ``fmin``,
        ``fmax``, ``htk``, ``norm``, ``center``); ``power`` must stay 2.

    Returns
    -------
    np.ndarray, shape (..., n_mels, n_frames)
        dB: maximum 0 and floor ``-top_db`` in every clip.

    Raises
    ------
    ValueError
        ``power`` other than 2, a negative ``top_db``.

    Notebook: 03_mel_perception, 05_augmentation
    """
    if kwargs.get("power", 2.0) != 2.0:
        raise ValueError("log_melspectrogram works on power (power=2); use amplitude_to_db for magnitudes")
    top_db = None if top_db is None else _checks.number(top_db, "top_db", "dB", minimum=0.0)
    M = melspectrogram(y, sr, **kwargs)
    ref = M.max(axis=(-2, -1), keepdims=True)
    db = spectral.power_to_db(M, ref=ref, top_db=None)
    if top_db is not None:
        db = np.maximum(db, db.max(axis=(-2, -1), keepdims=True) - top_db)
    return db
