"""Frequency analysis: the DFT written as a matrix, aliasing, windows, framing, the STFT, its inverse and decibels.

This is the tested version of what chapter 02 (``02_dft_windowing``) derives by hand: the DFT from
its definition, the frequency of each bin (Δf = sr / n_fft), windows and leakage, zero padding and
the short-time Fourier transform; chapter 01 (``01_sound_physics``) takes :func:`alias_frequency`
from here. The STFT and its inverse follow ``librosa.stft`` and ``librosa.istft`` (centre
padding, periodic windows, shape ``(..., 1 + n_fft // 2, n_frames)``, any number of leading batch
axes) so results can be compared one to one. Chapters 03 (mel), 04 (VGGish front end), 05 (the
phase vocoder of :mod:`course_lib.augment`) and 07 (CREPE) build on it.

Layer 2: imports only :mod:`course_lib._checks`.
"""

from __future__ import annotations

import numpy as np
import scipy.signal

from .. import _checks

__all__ = [
    "dft_matrix",
    "dft",
    "fft_frequencies",
    "alias_frequency",
    "get_window",
    "frame",
    "n_frames",
    "stft",
    "istft",
    "spectrogram",
    "amplitude_to_db",
    "power_to_db",
]


def _signals(y, name: str = "y") -> np.ndarray:
    """Real, finite, non-empty signals of shape ``(..., n_samples)`` (checked, not copied)."""
    y = np.asarray(y)
    if y.ndim == 0:
        raise ValueError(f"{name} must have a time axis, shape (..., n_samples), got a scalar")
    _checks.audio(y.reshape(-1), name, ndim=1)
    return y


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
    n_fft = _checks.positive_int(n_fft, "n_fft", "samples")
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

    Raises
    ------
    TypeError
        A non-numeric ``x`` or a non-integer ``n_fft``.
    ValueError
        ``x`` that is not 1-D or is empty, ``n_fft`` < 1.

    Notebook: 02_dft_windowing
    """
    x = np.asarray(x)
    if x.dtype.kind not in "fiuc":
        raise TypeError(f"x must be a numeric array, got dtype {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    if x.size == 0:
        raise ValueError("x is empty")
    n_fft = len(x) if n_fft is None else _checks.positive_int(n_fft, "n_fft", "samples")
    padded = np.zeros(n_fft, dtype=np.result_type(x.dtype, np.float64))
    padded[: min(n_fft, len(x))] = x[:n_fft]
    return dft_matrix(n_fft) @ padded


def fft_frequencies(sr: float, *, n_fft: int) -> np.ndarray:
    """Centre frequency of each non-negative DFT bin: ``k · sr / n_fft`` for ``k = 0 .. n_fft // 2``.

    The spacing Δf = sr / n_fft is the **bin spacing** of the transform, not its resolution: the
    resolution is set by the window's main lobe (4 · sr / window length wide, null to null, for a
    Hann window; two equal sinusoids separate once they are about half of that apart), so zero
    padding (a larger ``n_fft`` for the same window) adds bins, not resolution.

    Parameters
    ----------
    sr : int
        Sampling rate (Hz).
    n_fft : int
        Transform size (samples).

    Returns
    -------
    np.ndarray, shape (1 + n_fft // 2,)
        Frequencies in Hz, from 0 to sr / 2.

    Notebook: 02_dft_windowing
    """
    sr = _checks.sample_rate(sr)
    n_fft = _checks.positive_int(n_fft, "n_fft", "samples")
    return np.arange(1 + n_fft // 2) * (float(sr) / n_fft)


def alias_frequency(freq, sr):
    """The frequency (Hz, in ``[0, sr/2]``) a sine of ``freq`` Hz appears at after sampling at ``sr``.

    Sampling cannot tell ``f`` from ``f + k·sr`` or ``k·sr − f``: frequencies fold back around
    multiples of the Nyquist frequency ``sr / 2``. With ``f' = f mod sr``, the alias is ``f'``
    when ``f' <= sr / 2`` and ``sr − f'`` otherwise.

    Parameters
    ----------
    freq : float or array_like
        Frequencies of the continuous sines, Hz (finite, >= 0).
    sr : int
        Sampling rate in Hz.

    Returns
    -------
    float or np.ndarray
        Hz: a float for a scalar ``freq``, a float64 array otherwise.

    Raises
    ------
    TypeError
        Non-numeric ``freq`` or ``sr``.
    ValueError
        Negative or non-finite frequencies, a bad ``sr``.

    Notebook: 01_sound_physics
    """
    sr = _checks.sample_rate(sr)
    f = _checks.real_array(freq, "freq")
    if np.any(f < 0):
        raise ValueError("freq must be >= 0 (Hz)")
    f = np.mod(f, sr)
    out = np.where(f > sr / 2, sr - f, f)
    return float(out) if out.ndim == 0 else out


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

    Raises
    ------
    ValueError
        An unknown window name, ``win_length`` < 1, an array of another length.

    Notebook: 02_dft_windowing
    """
    win_length = _checks.positive_int(win_length, "win_length", "samples")
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
    """Slice signals into overlapping frames (a strided view, no copy).

    Frames start at ``0, hop_length, 2·hop_length, …``; a last incomplete frame is dropped, so
    there are ``1 + (n_samples - frame_length) // hop_length`` of them
    (:func:`n_frames` with ``center=False``).

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
        One signal, or a batch along the leading axes.
    frame_length : int
        Samples per frame.
    hop_length : int
        Samples between the starts of consecutive frames.

    Returns
    -------
    np.ndarray, shape (..., n_frames, frame_length)
        Read-only view into ``y``.

    Raises
    ------
    ValueError
        Signals shorter than ``frame_length``, non-positive lengths.

    Notebook: 02_dft_windowing (via `stft`)
    """
    y = np.asarray(y)
    if y.ndim == 0:
        raise ValueError("y must have a time axis, shape (..., n_samples), got a scalar")
    frame_length = _checks.positive_int(frame_length, "frame_length", "samples")
    hop_length = _checks.positive_int(hop_length, "hop_length", "samples")
    if y.shape[-1] < frame_length:
        raise ValueError(f"signal of {y.shape[-1]} samples is shorter than frame_length={frame_length}")
    view = np.lib.stride_tricks.sliding_window_view(y, frame_length, axis=-1)
    return view[..., ::hop_length, :]


def n_frames(n_samples: int, n_fft: int, hop_length: int, center: bool = True) -> int:
    """Number of frames :func:`stft` returns for a signal of ``n_samples`` samples.

    With ``center=True`` the signal is padded by ``n_fft // 2`` on both sides first, so for an
    even ``n_fft`` this is ``1 + n_samples // hop_length`` whatever ``n_fft`` is; without
    centring it is ``1 + (n_samples - n_fft) // hop_length``.

    Parameters
    ----------
    n_samples : int
        Length of the signal in samples (>= 1).
    n_fft : int
        Frame length in samples.
    hop_length : int
        Samples between frames.
    center : bool, default True
        As in :func:`stft`.

    Returns
    -------
    int
        Frames (>= 1).

    Raises
    ------
    ValueError
        A signal too short for one frame (shorter than ``n_fft`` without centring).

    Notebook: 02_dft_windowing, 03_mel_perception
    """
    n_samples = _checks.positive_int(n_samples, "n_samples", "samples")
    n_fft = _checks.positive_int(n_fft, "n_fft", "samples")
    hop_length = _checks.positive_int(hop_length, "hop_length", "samples")
    padded = n_samples + 2 * (n_fft // 2) if center else n_samples
    if padded < n_fft:
        raise ValueError(f"signal of {n_samples} samples is shorter than n_fft={n_fft}"
                         f"{' after centring' if center else ''}: no complete frame")
    return 1 + (padded - n_fft) // hop_length


def _padded_window(window, win_length: int, n_fft: int) -> np.ndarray:
    """The periodic window of ``win_length`` samples, zero padded in the middle to ``n_fft``."""
    w = get_window(window, win_length, periodic=True)
    left = (n_fft - win_length) // 2
    return np.pad(w, (left, n_fft - win_length - left))


def stft(
    y: np.ndarray,
    n_fft: int = 2048,
    hop_length: int | None = None,
    *, win_length: int | None = None,
    window: str | np.ndarray = "hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Short-time Fourier transform, with the same conventions as ``librosa.stft``.

    Each column is the DFT of one windowed frame: ``S[k, m] = Σ_n w[n]·y[m·hop + n]·e^{-2πjkn/n_fft}``.

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
        A mono signal, or a batch of equally long signals along the leading axes.
    n_fft : int
        DFT size (samples); the bins are ``sr / n_fft`` Hz apart (the resolution is set by the
        window's length and shape, not by ``n_fft``).
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
    np.ndarray, complex, shape (..., 1 + n_fft // 2, n_frames)
        complex64 for float32 input, complex128 otherwise; ``n_frames`` is :func:`n_frames`.

    Raises
    ------
    TypeError, ValueError
        Non-numeric, empty or non-finite ``y``; ``win_length > n_fft``; a signal too short.

    Notebook: 02_dft_windowing
    """
    y = _signals(y)
    n_fft = _checks.positive_int(n_fft, "n_fft", "samples")
    win_length = n_fft if win_length is None else _checks.positive_int(win_length, "win_length", "samples")
    if win_length > n_fft:
        raise ValueError(f"win_length={win_length} must be <= n_fft={n_fft}")
    hop_length = max(1, win_length // 4) if hop_length is None else _checks.positive_int(hop_length, "hop_length", "samples")
    w = _padded_window(window, win_length, n_fft)
    dtype = np.complex64 if y.dtype == np.float32 else np.complex128
    if center:
        y = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(n_fft // 2, n_fft // 2)], mode=pad_mode)
    frames = frame(y, n_fft, hop_length)
    spec = np.fft.rfft(frames * w, n=n_fft, axis=-1)
    return np.swapaxes(spec, -1, -2).astype(dtype)


def istft(
    S: np.ndarray,
    hop_length: int | None = None,
    *, win_length: int | None = None,
    n_fft: int | None = None,
    window: str | np.ndarray = "hann",
    center: bool = True,
    length: int | None = None,
) -> np.ndarray:
    """Inverse short-time Fourier transform: weighted overlap-add, as ``librosa.istft``.

    Each column is inverted (``irfft``), multiplied by the window again and added at its place;
    the sum is divided by the overlapping squared windows ``Σ_m w²[n − m·hop]`` wherever that is
    not zero. For a window whose squared overlaps never vanish (Hann with ``hop <= n_fft / 2``),
    ``istft(stft(y), length=len(y))`` gives ``y`` back.

    Parameters
    ----------
    S : np.ndarray, complex, shape (..., 1 + n_fft // 2, n_frames)
        An STFT, as :func:`stft` returns it (leading batch axes allowed).
    hop_length : int, optional
        Samples between frames; defaults to ``win_length // 4``.
    win_length : int, optional
        Window length in samples; defaults to ``n_fft``.
    n_fft : int, optional
        DFT size in samples; defaults to ``2 · (S.shape[-2] − 1)``.
    window : str or np.ndarray
        The analysis window (see :func:`get_window`).
    center : bool
        The frames were centred (:func:`stft`'s default): drop the ``n_fft // 2`` padded samples.
    length : int, optional
        Samples of the result (cropped or zero padded to it); by default everything the frames cover.

    Returns
    -------
    np.ndarray, shape (..., n_samples)
        float32 for a complex64 ``S``, float64 otherwise.

    Raises
    ------
    TypeError, ValueError
        A non-numeric ``S``, one with fewer than 2 axes or no frames, ``n_fft`` that does not
        match ``S``'s number of bins, ``win_length > n_fft``.

    Notebook: 05_augmentation (via `time_stretch`)
    """
    S = np.asarray(S)
    if S.dtype.kind not in "fiuc":
        raise TypeError(f"S must be a numeric (complex) array, got dtype {S.dtype}")
    if S.ndim < 2 or S.shape[-1] == 0:
        raise ValueError(f"S must have shape (..., 1 + n_fft // 2, n_frames) with frames, got {S.shape}")
    n_fft = 2 * (S.shape[-2] - 1) if n_fft is None else _checks.positive_int(n_fft, "n_fft", "samples")
    if n_fft < 1 or S.shape[-2] != 1 + n_fft // 2:
        raise ValueError(f"S has {S.shape[-2]} frequency bins, n_fft={n_fft} needs 1 + n_fft // 2 = {1 + n_fft // 2}")
    win_length = n_fft if win_length is None else _checks.positive_int(win_length, "win_length", "samples")
    if win_length > n_fft:
        raise ValueError(f"win_length={win_length} must be <= n_fft={n_fft}")
    hop_length = max(1, win_length // 4) if hop_length is None else _checks.positive_int(hop_length, "hop_length", "samples")
    length = None if length is None else _checks.positive_int(length, "length", "samples")
    dtype = np.float32 if S.dtype == np.complex64 else np.float64
    w = _padded_window(window, win_length, n_fft)
    count = S.shape[-1]
    frames = np.fft.irfft(np.swapaxes(S, -1, -2), n=n_fft, axis=-1) * w  # (..., n_frames, n_fft)
    total = n_fft + hop_length * (count - 1)
    y = np.zeros(S.shape[:-2] + (total,))
    norm = np.zeros(total)
    w2 = w**2
    for m in range(count):
        y[..., m * hop_length : m * hop_length + n_fft] += frames[..., m, :]
        norm[m * hop_length : m * hop_length + n_fft] += w2
    nonzero = norm > np.finfo(dtype).tiny
    y[..., nonzero] /= norm[nonzero]
    if center:
        y = y[..., n_fft // 2 :] if length is not None else y[..., n_fft // 2 : total - n_fft // 2]
    if length is not None:
        y = y[..., :length] if y.shape[-1] >= length else np.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, length - y.shape[-1])])
    return y.astype(dtype)


def spectrogram(y, n_fft=2048, hop_length=None, *, win_length=None, window="hann", center=True, power=2.0):
    """Magnitude (``power=1``) or power (``power=2``) spectrogram ``|STFT|^power``.

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
        Signal(s), as for :func:`stft`.
    n_fft, hop_length, win_length, window, center
        As in :func:`stft` (samples).
    power : float, default 2.0
        Exponent applied to the magnitude (> 0): 1 for magnitude, 2 for power.

    Returns
    -------
    np.ndarray, float, shape (..., 1 + n_fft // 2, n_frames)

    Notebook: 03_mel_perception
    """
    power = _checks.positive(power, "power")
    return np.abs(stft(y, n_fft, hop_length, win_length=win_length, window=window, center=center)) ** power


def power_to_db(S, ref=1.0, amin: float = 1e-10, top_db: float | None = 80.0) -> np.ndarray:
    """Power to decibels: ``10·log10(max(S, amin) / ref)``, as ``librosa.power_to_db``.

    Parameters
    ----------
    S : array_like
        Power values (non-negative).
    ref : float, array_like or callable
        Reference power (0 dB); a callable such as ``np.max`` is applied to ``S``; an array
        broadcasts against ``S`` (one reference per clip of a batch).
    amin : float
        Floor that avoids ``log(0)`` (> 0).
    top_db : float or None
        If set (>= 0), values more than ``top_db`` dB below the maximum are raised to ``max - top_db``.

    Returns
    -------
    np.ndarray
        Level in dB.

    Raises
    ------
    ValueError
        Complex ``S``, a non-positive ``amin`` or a negative ``top_db``.

    Notebook: 02_dft_windowing, 03_mel_perception
    """
    S = np.asarray(S)
    amin = _checks.positive(amin, "amin")
    if np.iscomplexobj(S):
        raise ValueError("power_to_db takes power (real, non-negative); use np.abs(S) ** 2 first")
    top_db = None if top_db is None else _checks.number(top_db, "top_db", "dB", minimum=0.0)
    ref_value = ref(S) if callable(ref) else ref
    log_spec = 10.0 * np.log10(np.maximum(amin, S))
    log_spec = log_spec - 10.0 * np.log10(np.maximum(amin, np.abs(ref_value)))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def amplitude_to_db(S, ref=1.0, amin: float = 1e-5, top_db: float | None = 80.0) -> np.ndarray:
    """Amplitude to decibels: ``20·log10(|S| / ref)``, as ``librosa.amplitude_to_db``.

    An amplitude ratio of 2 is +6.02 dB; a power ratio of 2 is +3.01 dB.

    Parameters
    ----------
    S : array_like
        Amplitudes (complex values are replaced by their magnitude).
    ref : float or callable
        Reference amplitude (0 dB); a callable such as ``np.max`` is applied to ``|S|``.
    amin : float
        Floor that avoids ``log(0)`` (> 0, an amplitude: squared for :func:`power_to_db`).
    top_db : float or None
        If set (>= 0), values more than ``top_db`` dB below the maximum are raised to ``max - top_db``.

    Returns
    -------
    np.ndarray
        Level in dB.

    Notebook: 01_sound_physics, 02_dft_windowing, 03_mel_perception
    """
    magnitude = np.abs(np.asarray(S))
    amin = _checks.positive(amin, "amin")
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    return power_to_db(magnitude**2, ref=ref_value**2, amin=amin**2, top_db=top_db)
