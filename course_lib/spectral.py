"""Frequency analysis: the DFT written as a matrix, window functions, framing, the STFT and decibels.

This is the tested version of what chapter 02 (``02_dft_windowing``) derives by hand: the DFT from
its definition, the frequency of each bin (Δf = sr / n_fft), windows and leakage, zero padding and
the short-time Fourier transform. The STFT follows ``librosa.stft``'s conventions (centre padding,
periodic windows, shape ``(1 + n_fft // 2, n_frames)``) so results can be compared one to one.
Chapters 03 (mel), 04 (VGGish front end) and 07 (CREPE) build on it.
"""

from __future__ import annotations

import numpy as np
import scipy.signal

__all__ = [
    "dft_matrix",
    "dft",
    "fft_frequencies",
    "get_window",
    "frame",
    "stft",
    "spectrogram",
    "frames_to_time",
    "amplitude_to_db",
    "power_to_db",
    "db_to_amplitude",
    "db_to_power",
]


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def dft_matrix(n_fft: int) -> np.ndarray:
    """The ``n_fft × n_fft`` DFT matrix ``W[k, n] = exp(-2πj·k·n / n_fft)``.

    Multiplying a length-``n_fft`` signal by this matrix is the DFT
    ``X[k] = Σ_n x[n]·e^{-2πjkn/N}``: each row is a complex sinusoid of ``k`` cycles per
    ``n_fft`` samples, and the product measures how much of it the signal contains.

    Parameters
    ----------
    n_fft : int
        Size of the transform (samples).

    Returns
    -------
    np.ndarray, complex128, shape (n_fft, n_fft)

    Notebook: 02_dft_windowing
    """
    n_fft = _positive_int(n_fft, "n_fft")
    n = np.arange(n_fft)
    return np.exp(-2j * np.pi * np.outer(n, n) / n_fft)


def dft(x: np.ndarray, n_fft: int | None = None) -> np.ndarray:
    """Discrete Fourier transform by matrix product, the definition written out.

    ``O(N²)``: for teaching and checking, not for speed (``np.fft.fft`` gives the same numbers in
    ``O(N log N)``).

    Parameters
    ----------
    x : np.ndarray, shape (n,)
        Real or complex signal.
    n_fft : int, optional
        Transform size (samples). Shorter signals are zero padded at the end, longer ones cropped,
        as ``np.fft.fft(x, n_fft)`` does. Defaults to ``len(x)``.

    Returns
    -------
    np.ndarray, complex128, shape (n_fft,)
        ``X[k]`` for bins ``k = 0 .. n_fft - 1``; bin ``k`` is at ``k · sr / n_fft`` Hz.

    Notebook: 02_dft_windowing
    """
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    n_fft = len(x) if n_fft is None else _positive_int(n_fft, "n_fft")
    if n_fft == 0:
        raise ValueError("x is empty")
    padded = np.zeros(n_fft, dtype=np.result_type(x.dtype, np.float64))
    padded[: min(n_fft, len(x))] = x[:n_fft]
    return dft_matrix(n_fft) @ padded


def fft_frequencies(sr: float, n_fft: int) -> np.ndarray:
    """Centre frequency of each non-negative DFT bin: ``k · sr / n_fft`` for ``k = 0 .. n_fft // 2``.

    The spacing Δf = sr / n_fft is the frequency resolution of the transform.

    Parameters
    ----------
    sr : float
        Sampling rate (Hz).
    n_fft : int
        Transform size (samples).

    Returns
    -------
    np.ndarray, shape (1 + n_fft // 2,)
        Frequencies in Hz, from 0 to sr / 2.

    Notebook: 02_dft_windowing
    """
    if not np.isfinite(sr) or sr <= 0:
        raise ValueError(f"sr must be a positive number of Hz, got {sr!r}")
    n_fft = _positive_int(n_fft, "n_fft")
    return np.arange(1 + n_fft // 2) * (float(sr) / n_fft)


def get_window(window: str | np.ndarray, win_length: int, periodic: bool = True) -> np.ndarray:
    """A window function of ``win_length`` samples.

    Parameters
    ----------
    window : str or np.ndarray
        ``"hann"``, ``"hamming"``, ``"blackman"``, ``"rectangular"`` (``"boxcar"``), any name
        ``scipy.signal.get_window`` knows, or an explicit array of length ``win_length``.
    win_length : int
        Length in samples.
    periodic : bool
        ``True`` (the default, as in librosa and for spectral analysis) gives the "DFT-even"
        window whose period is ``win_length``; ``False`` the symmetric one used in filter design.

    Returns
    -------
    np.ndarray, float64, shape (win_length,)

    Notebook: 02_dft_windowing
    """
    win_length = _positive_int(win_length, "win_length")
    if isinstance(window, str):
        name = {"rectangular": "boxcar", "rect": "boxcar", "hanning": "hann"}.get(window, window)
        try:
            return scipy.signal.get_window(name, win_length, fftbins=periodic).astype(np.float64)
        except ValueError as err:
            raise ValueError(f"unknown window {window!r}: {err}") from err
    w = np.asarray(window, dtype=np.float64)
    if w.shape != (win_length,):
        raise ValueError(f"window array has shape {w.shape}, expected ({win_length},)")
    return w


def frame(y: np.ndarray, frame_length: int, hop_length: int) -> np.ndarray:
    """Slice a signal into overlapping frames (a strided view, no copy).

    Frames start at ``0, hop_length, 2·hop_length, …``; a last incomplete frame is dropped, so
    ``n_frames = 1 + (len(y) - frame_length) // hop_length``.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
    frame_length : int
        Samples per frame.
    hop_length : int
        Samples between the starts of consecutive frames.

    Returns
    -------
    np.ndarray, shape (n_frames, frame_length)
        Read-only view into ``y``.

    Notebook: 02_dft_windowing
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    frame_length = _positive_int(frame_length, "frame_length")
    hop_length = _positive_int(hop_length, "hop_length")
    if len(y) < frame_length:
        raise ValueError(f"signal of {len(y)} samples is shorter than frame_length={frame_length}")
    view = np.lib.stride_tricks.sliding_window_view(y, frame_length)
    return view[::hop_length]


def stft(
    y: np.ndarray,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: str | np.ndarray = "hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Short-time Fourier transform, with the same conventions as ``librosa.stft``.

    Each column is the DFT of one windowed frame: ``S[k, m] = Σ_n w[n]·y[m·hop + n]·e^{-2πjkn/n_fft}``.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
        Mono signal.
    n_fft : int
        DFT size (samples); the frequency resolution is ``sr / n_fft`` Hz.
    hop_length : int, optional
        Samples between frames; defaults to ``win_length // 4``.
    win_length : int, optional
        Window length (samples), at most ``n_fft``; the window is zero padded to ``n_fft`` in the
        middle, as librosa does. Defaults to ``n_fft``.
    window : str or np.ndarray
        Window name or array (see :func:`get_window`); periodic.
    center : bool
        If True, pad ``n_fft // 2`` samples on both sides so frame ``m`` is centred at sample
        ``m · hop_length``.
    pad_mode : str
        ``np.pad`` mode for centring (``"constant"`` = zeros, librosa's default).

    Returns
    -------
    np.ndarray, complex, shape (1 + n_fft // 2, n_frames)

    Notebook: 02_dft_windowing
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (mono), got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or Inf")
    n_fft = _positive_int(n_fft, "n_fft")
    win_length = n_fft if win_length is None else _positive_int(win_length, "win_length")
    if win_length > n_fft:
        raise ValueError(f"win_length={win_length} must be <= n_fft={n_fft}")
    hop_length = max(1, win_length // 4) if hop_length is None else _positive_int(hop_length, "hop_length")

    w = get_window(window, win_length, periodic=True)
    left = (n_fft - win_length) // 2
    w = np.pad(w, (left, n_fft - win_length - left))

    if center:
        y = np.pad(y, n_fft // 2, mode=pad_mode)
    frames = frame(y, n_fft, hop_length)
    spec = np.fft.rfft(frames * w, n=n_fft, axis=1)
    dtype = np.complex64 if y.dtype == np.float32 else np.complex128
    return spec.T.astype(dtype)


def spectrogram(y, n_fft=2048, hop_length=None, win_length=None, window="hann", center=True, power=2.0):
    """Magnitude (``power=1``) or power (``power=2``) spectrogram ``|STFT|^power``.

    Parameters are those of :func:`stft`; ``power`` is the exponent applied to the magnitude.

    Returns
    -------
    np.ndarray, float, shape (1 + n_fft // 2, n_frames)

    Notebook: 02_dft_windowing
    """
    if power <= 0:
        raise ValueError(f"power must be positive, got {power!r}")
    return np.abs(stft(y, n_fft, hop_length, win_length, window, center)) ** power


def frames_to_time(frames, sr: float, hop_length: int) -> np.ndarray:
    """Time (seconds) of STFT frame indices: ``frames · hop_length / sr``.

    With ``center=True`` this is the centre of each frame.

    Notebook: 02_dft_windowing
    """
    if sr <= 0:
        raise ValueError(f"sr must be positive, got {sr!r}")
    return np.asarray(frames) * (_positive_int(hop_length, "hop_length") / float(sr))


def power_to_db(S, ref=1.0, amin: float = 1e-10, top_db: float | None = 80.0) -> np.ndarray:
    """Power to decibels: ``10·log10(max(S, amin) / ref)``, as ``librosa.power_to_db``.

    Parameters
    ----------
    S : array_like
        Power values (non-negative).
    ref : float or callable
        Reference power (0 dB); a callable such as ``np.max`` is applied to ``S``.
    amin : float
        Floor that avoids ``log(0)``.
    top_db : float or None
        If set, values more than ``top_db`` dB below the maximum are raised to ``max - top_db``.

    Returns
    -------
    np.ndarray
        Level in dB.

    Notebook: 03_mel_perception
    """
    S = np.asarray(S)
    if amin <= 0:
        raise ValueError(f"amin must be positive, got {amin!r}")
    if np.iscomplexobj(S):
        raise ValueError("power_to_db takes power (real, non-negative); use np.abs(S) ** 2 first")
    ref_value = ref(S) if callable(ref) else ref
    log_spec = 10.0 * np.log10(np.maximum(amin, S))
    log_spec -= 10.0 * np.log10(np.maximum(amin, np.abs(ref_value)))
    if top_db is not None:
        if top_db < 0:
            raise ValueError(f"top_db must be non-negative, got {top_db!r}")
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def amplitude_to_db(S, ref=1.0, amin: float = 1e-5, top_db: float | None = 80.0) -> np.ndarray:
    """Amplitude to decibels: ``20·log10(|S| / ref)``, as ``librosa.amplitude_to_db``.

    An amplitude ratio of 2 is +6.02 dB; a power ratio of 2 is +3.01 dB.

    Parameters are those of :func:`power_to_db`, on amplitudes (``amin`` is squared).

    Notebook: 03_mel_perception
    """
    magnitude = np.abs(np.asarray(S))
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    return power_to_db(magnitude**2, ref=ref_value**2, amin=amin**2, top_db=top_db)


def db_to_power(S_db, ref: float = 1.0) -> np.ndarray:
    """Inverse of :func:`power_to_db` (without the ``top_db`` clipping): ``ref · 10^(dB/10)``.

    Notebook: 03_mel_perception
    """
    return ref * np.power(10.0, 0.1 * np.asarray(S_db))


def db_to_amplitude(S_db, ref: float = 1.0) -> np.ndarray:
    """Inverse of :func:`amplitude_to_db`: ``ref · 10^(dB/20)``.

    Notebook: 03_mel_perception
    """
    return ref * np.power(10.0, 0.05 * np.asarray(S_db))
