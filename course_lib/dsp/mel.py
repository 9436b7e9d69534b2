"""Mel scales, mel filterbanks and (log-)mel spectrograms.

The mel scale bends frequency the way pitch perception does: roughly linear below 1 kHz and
logarithmic above. The ear's frequency *selectivity* has its own scales, kept apart here from
pitch: the ERB-rate scale and the equivalent rectangular bandwidth (Glasberg & Moore 1990) and
the Bark scale of critical bands (Zwicker & Terhardt 1980); and its sensitivity, the ISO 226:2003
equal-loudness contours (:func:`equal_loudness_contour`). Two definitions are in use and both are here: HTK's
``2595·log10(1 + f/700)`` and Slaney's (Auditory Toolbox, librosa's default) which is exactly
linear below 1 kHz. The filterbank is a set of triangles evenly spaced on the chosen mel scale,
the same matrix as ``librosa.filters.mel``. Chapter 03 (``03_mel_perception``) teaches it;
chapters 03–09 use log-mel spectrograms as model input, one clip or a whole batch at a time
(:func:`log_mel_batch`, the one log-mel of every trained study).

Layer 2: imports :mod:`course_lib._checks` and :mod:`course_lib.spectral`.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from . import spectral

__all__ = [
    "hz_to_mel",
    "mel_to_hz",
    "mel_frequencies",
    "mel_filterbank",
    "melspectrogram",
    "log_melspectrogram",
    "log_mel_batch",
    "filter_bin_counts",
    "hz_to_erb_rate",
    "erb_bandwidth",
    "hz_to_bark",
    "critical_bandwidth",
    "ISO226_FREQUENCIES",
    "equal_loudness_contour",
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
    *, n_fft: int,
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
        ``"slaney"`` multiplies each triangle by ``2 / (f[i+2] - f[i])`` (2 over its width in Hz), so
        every band has area 1 in Hz (a white spectrum gives the same value in every band);
        ``None`` leaves peaks at 1.

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
    fftfreqs = spectral.fft_frequencies(sr, n_fft=n_fft)
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
    *, n_fft: int = 2048,
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
    fb = mel_filterbank(sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    return fb @ S


def log_melspectrogram(y: np.ndarray, sr: float, *, top_db: float | None = 80.0, **kwargs) -> np.ndarray:
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

    Notebook: 03_mel_perception
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


def filter_bin_counts(sr: float, *, n_fft: int, n_mels: int = 128, fmin: float = 0.0, fmax: float | None = None,
                      htk: bool = False) -> np.ndarray:
    """How many FFT bins each mel filter holds (bins where its weight is above zero).

    A filter that holds 0 bins is empty (its band is always 0: librosa warns "Empty filters
    detected in mel frequency basis", except for a filter whose lower edge is 0 Hz); one that
    holds a single bin is a copy of that bin, not a band. Both happen when the triangles (``f[i]`` to ``f[i+2]``) are narrower than about two bin
    spacings ``sr / n_fft``: too many bands for the FFT size, at the bottom of the range.

    Parameters
    ----------
    sr : int
        Sampling rate (Hz).
    n_fft : int
        FFT size (samples); bins are ``sr / n_fft`` Hz apart.
    n_mels, fmin, fmax, htk
        As in :func:`mel_filterbank`.

    Returns
    -------
    np.ndarray of int, shape (n_mels,)
        Bins with non-zero weight in each filter, lowest band first.

    Notebook: 03_mel_perception
    """
    fb = mel_filterbank(sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=None)
    return (fb > 0).sum(axis=1).astype(np.int64)


def hz_to_erb_rate(frequencies):
    """ERB-rate (ERB number, "Cams") of frequencies: ``21.4·log10(1 + 0.00437·f)``.

    The number of equivalent rectangular bandwidths below ``f`` (Glasberg & Moore 1990): a scale
    of the ear's frequency *selectivity* (how wide its auditory filters are), not of pitch.

    Parameters
    ----------
    frequencies : float or array_like
        Hz, non-negative.

    Returns
    -------
    float or np.ndarray
        ERB numbers (Cams).

    Raises
    ------
    ValueError
        Negative or non-finite frequencies.

    Notebook: 03_mel_perception
    """
    f = _nonnegative_hz(frequencies)
    e = 21.4 * np.log10(1.0 + 0.00437 * f)
    return e if e.ndim else float(e)


def erb_bandwidth(frequencies):
    """Equivalent rectangular bandwidth of the auditory filter at ``f``: ``24.7·(4.37·f/1000 + 1)`` Hz.

    Glasberg & Moore (1990), for young normal-hearing listeners at moderate levels: 35 Hz at
    100 Hz, 133 Hz at 1 kHz, 456 Hz at 4 kHz.

    Parameters
    ----------
    frequencies : float or array_like
        Centre frequencies (Hz), non-negative.

    Returns
    -------
    float or np.ndarray
        Bandwidths (Hz).

    Raises
    ------
    ValueError
        Negative or non-finite frequencies.

    Notebook: 03_mel_perception
    """
    f = _nonnegative_hz(frequencies)
    b = 24.7 * (4.37 * f / 1000.0 + 1.0)
    return b if b.ndim else float(b)


def hz_to_bark(frequencies):
    """Critical-band rate (Bark) of frequencies, Zwicker & Terhardt's fit.

    ``13·arctan(0.00076·f) + 3.5·arctan((f/7500)²)``: 24 critical bands cover the range of
    hearing (about 8.5 Bark at 1 kHz, 24 at 15.5 kHz).

    Parameters
    ----------
    frequencies : float or array_like
        Hz, non-negative.

    Returns
    -------
    float or np.ndarray
        Bark.

    Raises
    ------
    ValueError
        Negative or non-finite frequencies.

    Notebook: 03_mel_perception
    """
    f = _nonnegative_hz(frequencies)
    z = 13.0 * np.arctan(0.00076 * f) + 3.5 * np.arctan((f / 7500.0) ** 2)
    return z if z.ndim else float(z)


def critical_bandwidth(frequencies):
    """Width of the critical band at ``f``, Zwicker & Terhardt's fit: ``25 + 75·(1 + 1.4·(f/1000)²)^0.69`` Hz.

    About 100 Hz up to 500 Hz, then roughly 20 % of the centre frequency.

    Parameters
    ----------
    frequencies : float or array_like
        Centre frequencies (Hz), non-negative.

    Returns
    -------
    float or np.ndarray
        Bandwidths (Hz).

    Raises
    ------
    ValueError
        Negative or non-finite frequencies.

    Notebook: 03_mel_perception
    """
    f = _nonnegative_hz(frequencies)
    b = 25.0 + 75.0 * (1.0 + 1.4 * (f / 1000.0) ** 2) ** 0.69
    return b if b.ndim else float(b)


def _nonnegative_hz(frequencies) -> np.ndarray:
    f = _checks.real_array(frequencies, "frequencies")
    if np.any(f < 0):
        raise ValueError(f"frequencies must be non-negative (Hz), got {f[f < 0].ravel()[0]!r}")
    return f


#: ISO 226:2003 Table 1: the 29 one-third-octave frequencies (Hz) of the equal-loudness contours.
ISO226_FREQUENCIES = np.array([20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000,
                               1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500], dtype=float)
# Table 1's exponent of loudness perception alpha_f, transfer-function magnitude L_U (dB, 0 at
# 1 kHz) and threshold of hearing T_f (dB SPL), one per frequency above.
_ISO226_ALPHA = np.array([0.532, 0.506, 0.480, 0.455, 0.432, 0.409, 0.387, 0.367, 0.349, 0.330, 0.315, 0.301, 0.288,
                          0.276, 0.267, 0.259, 0.253, 0.250, 0.246, 0.244, 0.243, 0.243, 0.243, 0.242, 0.242, 0.245,
                          0.254, 0.271, 0.301])
_ISO226_LU = np.array([-31.6, -27.2, -23.0, -19.1, -15.9, -13.0, -10.3, -8.1, -6.2, -4.5, -3.1, -2.0, -1.1, -0.4, 0.0,
                       0.3, 0.5, 0.0, -2.7, -4.1, -1.0, 1.7, 2.5, 1.2, -2.1, -7.1, -11.2, -10.7, -3.1])
_ISO226_TF = np.array([78.5, 68.7, 59.5, 51.1, 44.0, 37.5, 31.5, 26.5, 22.1, 17.9, 14.4, 11.4, 8.6, 6.2, 4.4, 3.0,
                       2.2, 2.4, 3.5, 1.7, -1.3, -4.2, -6.0, -5.4, -1.5, 6.0, 12.6, 13.9, 12.3])


def equal_loudness_contour(phon: float) -> np.ndarray:
    """ISO 226:2003 equal-loudness contour: the sound pressure level that sounds ``phon`` phon loud.

    Equation (1) of the standard with its Table 1, at its 29 frequencies
    (:data:`ISO226_FREQUENCIES`, 20 Hz to 12.5 kHz):
    ``L_p = (10/α_f)·log10(A_f) − L_U + 94`` dB with
    ``A_f = 4.47e-3·(10^(0.025·L_N) − 1.15) + (0.4·10^((T_f + L_U)/10 − 9))^α_f``.
    At 1 kHz, ``L_p`` equals ``L_N`` (to 0.1 dB): a phon is a dB SPL at 1 kHz.

    Parameters
    ----------
    phon : float
        Loudness level L_N (phon), 0 to 90; the standard vouches for 20 to 90 phon (80 above 4 kHz).

    Returns
    -------
    np.ndarray, float64, shape (29,)
        Sound pressure levels (dB SPL re 20 µPa) at :data:`ISO226_FREQUENCIES`.

    Raises
    ------
    ValueError
        ``phon`` outside [0, 90].

    Notebook: 03_mel_perception
    """
    phon = _checks.number(phon, "phon", "phon", minimum=0.0, maximum=90.0)
    a_f = (4.47e-3 * (10.0 ** (0.025 * phon) - 1.15)
           + (0.4 * 10.0 ** ((_ISO226_TF + _ISO226_LU) / 10.0 - 9.0)) ** _ISO226_ALPHA)
    return 10.0 / _ISO226_ALPHA * np.log10(a_f) - _ISO226_LU + 94.0


def log_mel_batch(clips, sr, *, n_fft=2048, hop_length=512, n_mels=64, fmin=0.0, fmax=4000.0, htk=False,
                  norm="slaney") -> np.ndarray:
    """Log-mel spectrograms (dB) of equal-length clips, as a batch of one-channel images.

    Parameters
    ----------
    clips : sequence of 1-D arrays, or 2-D array (n, samples)
        Mono clips of the same length.
    sr : int
        Sample rate (Hz).
    n_fft, hop_length : int
        Frame and hop (samples); the seed's 2048 and 512.
    n_mels : int
        Mel bands.
    fmin, fmax : float
        Band edges of the filterbank (Hz).
    htk : bool
        HTK's mel formula instead of Slaney's.
    norm : "slaney" or None
        Filter normalisation (librosa's ``norm``).

    Returns
    -------
    ndarray of float32, shape (n, frames, n_mels, 1)
        ``10·log10(mel power + 1e-10)`` in dB, time first as Keras (and VGGish) expect it
        (librosa returns ``(bands, frames)``; this is its transpose).

    Raises
    ------
    ValueError
        Clips of different lengths, or an empty batch.

    The one log-mel every trained study of the course feeds its networks (chapters 03, 05, 06, 09),
    each with its own settings; VGGish's front end (:func:`course_lib.models.vggish.log_mel`) is
    VGGish's own definition and stays apart.

    Notebook: 03_mel_perception (via ``training.log_mel_batch``)
    """
    import librosa

    sr = _checks.sample_rate(sr)
    if isinstance(clips, np.ndarray):
        arr = clips
    else:
        lengths = {np.shape(c) for c in clips}
        if len(lengths) > 1:
            raise ValueError(f"clips must all have the same length (cut or pad them first), got shapes {sorted(lengths)}")
        arr = np.asarray([np.asarray(c, dtype=np.float32) for c in clips])
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"clips must be a non-empty batch of equal-length mono clips, got shape {np.shape(arr)}")
    n_mels = _checks.positive_int(n_mels, "n_mels", what="bands")
    mel = librosa.feature.melspectrogram(y=arr.astype(np.float32), sr=sr, n_fft=n_fft, hop_length=hop_length,
                                         n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm, power=2.0)
    db = 10.0 * np.log10(mel + 1e-10)
    return np.ascontiguousarray(np.swapaxes(db, 1, 2)[..., None], dtype=np.float32)
