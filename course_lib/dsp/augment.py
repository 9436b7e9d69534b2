"""Data augmentation for sound: pitch shift, time stretch, reverb, background noise, devices, SpecAugment, mixup.

A model trained on clean recordings fails on sounds captured in another room, over a café or
through a small loudspeaker. The talk's "Técnicas para aumentar datos" slide lists five remedies,
all here as plain functions on float32 NumPy arrays: **pitch shift** (:func:`pitch_shift`, with
:func:`time_stretch`, a phase vocoder with identity phase locking on
:func:`course_lib.spectral.stft` and :func:`course_lib.spectral.istft`), **reverberation** by
convolution with room impulse responses (:func:`reverb`; measured rooms come from
:func:`course_lib.corpora.load_room_ir`, simulated shoebox rooms from
:func:`room_impulse_response` with pyroomacoustics; :func:`measure_rt60`,
:func:`direct_to_reverberant_ratio`), **background noise** at a chosen SNR (:func:`mix_at_snr`,
:func:`add_noise`; real backgrounds come from :func:`course_lib.corpora.load_background`),
**capture devices** (measured loudspeaker responses from :func:`course_lib.corpora.load_device_ir`,
convolved by :func:`reverb`; and :data:`DEVICES`, five documented filters: :func:`device_response`)
and the **microphone
position** (the ``mic`` argument of :func:`room_impulse_response`). :func:`random_augment` chains
them. Two augmentations of the features, staples of DCASE systems since 2019:
:func:`spec_augment` (time and frequency masks) and :func:`mixup` (convex combinations of
examples and labels). Chapter ``05_augmentation`` teaches and uses the module;
:mod:`course_lib.datasets` and :mod:`course_lib.pitch_eval` mix their noises with
:func:`mix_at_snr` and :func:`add_noise`. Nothing here imports TensorFlow.

Layer 3: imports :mod:`course_lib._checks`, :mod:`course_lib.synth` and :mod:`course_lib.spectral`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.signal

from .. import _checks
from . import spectral, synth

__all__ = [
    "pitch_shift",
    "time_stretch",
    "mix_at_snr",
    "add_noise",
    "measure_snr_db",
    "reverb",
    "room_impulse_response",
    "sabine_absorption",
    "pra_delay_offset",
    "measure_rt60",
    "direct_to_reverberant_ratio",
    "Device",
    "DEVICES",
    "device_filter",
    "device_response",
    "random_augment",
    "spec_augment",
    "mixup",
]

#: Speed of sound used for room acoustics, m/s (pyroomacoustics' default).
SPEED_OF_SOUND = 343.0


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def _mono(y, name: str = "y") -> np.ndarray:
    """Mono audio checked by :func:`course_lib._checks.audio`, as float64."""
    return np.asarray(_checks.audio(y, name, ndim=1), dtype=np.float64)


def _limit_peak(y: np.ndarray, peak: float = 0.99) -> np.ndarray:
    """Scale the whole signal down (never up) so that its peak is at most ``peak``."""
    m = float(np.max(np.abs(y))) if y.size else 0.0
    return y * (peak / m) if m > peak else y


# ---------------------------------------------------------------------------------------
# time stretch and pitch shift (a phase vocoder)
# ---------------------------------------------------------------------------------------
def _phase_vocoder(y: np.ndarray, rate: float, n_fft: int, hop_length: int) -> np.ndarray:
    """Time-scale ``y`` by ``1 / rate`` keeping its frequencies (float64 in, float64 out)."""
    S = spectral.stft(y, n_fft=n_fft, hop_length=hop_length, center=True).astype(np.complex128)
    n_frames = S.shape[1]
    steps = np.arange(0.0, n_frames, rate)
    S = np.pad(S, ((0, 0), (0, 2)))
    i = np.floor(steps).astype(int)
    alpha = steps - i
    mag = (1.0 - alpha) * np.abs(S[:, i]) + alpha * np.abs(S[:, i + 1])
    # expected phase advance of bin k over one hop, then the measured deviation from it
    advance = 2.0 * np.pi * hop_length * np.arange(S.shape[0]) / n_fft
    dphi = np.angle(S[:, i + 1]) - np.angle(S[:, i]) - advance[:, None]
    dphi -= 2.0 * np.pi * np.round(dphi / (2.0 * np.pi))
    increments = advance[:, None] + dphi
    # Identity phase locking (Laroche & Dolson 1999): only spectral peaks advance by their own
    # instantaneous frequency; the bins around each peak keep their input phase relative to it,
    # so the bins of one sinusoid stay coherent (no "phasiness", no loss of level).
    near = np.minimum(i + (alpha > 0.5), n_frames - 1)
    in_phase = np.angle(S[:, near])
    bins = np.arange(S.shape[0])
    phase = np.empty_like(mag)
    phase[:, 0] = in_phase[:, 0]
    for j in range(1, steps.size):
        m = mag[:, j]
        is_peak = np.r_[m[0] > m[1], (m[1:-1] > m[:-2]) & (m[1:-1] >= m[2:]), m[-1] > m[-2]]
        peaks = np.flatnonzero(is_peak)
        if peaks.size == 0:
            phase[:, j] = phase[:, j - 1] + increments[:, j - 1]
            continue
        owner = peaks[np.searchsorted((peaks[:-1] + peaks[1:]) / 2.0, bins)]
        peak_phase = phase[owner, j - 1] + increments[owner, j - 1]
        phase[:, j] = peak_phase + in_phase[bins, j] - in_phase[owner, j]
    out = mag * np.exp(1j * phase)
    return spectral.istft(out, hop_length=hop_length, n_fft=n_fft, length=max(1, int(round(y.size / rate))))


def time_stretch(y, rate, n_fft=1024, hop_length=None):
    """Change the duration of a sound without changing its pitch (phase vocoder).

    The STFT frames are resampled in time at ``rate`` frames per frame: magnitudes are
    interpolated between neighbouring frames and each bin's phase advances by its measured
    instantaneous frequency, so sinusoids keep their frequency while the sound gets longer
    (``rate < 1``) or shorter (``rate > 1``). The algorithm of ``librosa.effects.time_stretch``
    plus *identity phase locking* (Laroche & Dolson 1999: bins around each spectral peak keep
    their phase relative to the peak), which keeps a steady tone's level exactly, in NumPy on
    :func:`course_lib.spectral.stft`.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    rate : float
        Speed factor (> 0): 2 plays twice as fast (half the duration), 0.5 twice as slow.
    n_fft : int, default 1024
        STFT size in samples (64 ms at 16 kHz).
    hop_length : int, optional
        Samples between STFT frames; default ``n_fft // 4``.

    Returns
    -------
    np.ndarray
        float32, ``round(n_samples / rate)`` samples.

    Raises
    ------
    ValueError, TypeError
        Non-positive ``rate``, audio that is not 1-D, empty or not finite.

    Notebook: 05_augmentation
    """
    y = _mono(y)
    rate = _checks.positive(rate, "rate")
    n_fft = _checks.integer(n_fft, "n_fft", minimum=16, what="samples")
    hop_length = n_fft // 4 if hop_length is None else _checks.positive_int(hop_length, "hop_length", "samples")
    if rate == 1.0:
        return y.astype(np.float32)
    return _phase_vocoder(y, rate, n_fft, hop_length).astype(np.float32)


def pitch_shift(y, sr, *, n_steps, bins_per_octave=12, n_fft=1024, hop_length=None):
    """Transpose a sound by ``n_steps`` semitones, keeping its duration.

    A time stretch by the frequency ratio ``r = 2 ** (n_steps / bins_per_octave)``
    (:func:`time_stretch` with ``rate = 1 / r``: ``r`` times longer, same pitch) followed by a
    band-limited resampling back to the original number of samples (``scipy.signal.resample``,
    FFT-based): played at the original rate, every frequency is multiplied by ``r``. A 440 Hz
    tone shifted by +12 steps comes out at 880 Hz.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    sr : int
        Sampling rate in Hz (only checked: the shift is relative).
    n_steps : float
        Semitones (fractions allowed), positive up.
    bins_per_octave : int, default 12
        Steps per octave.
    n_fft, hop_length
        Phase-vocoder STFT size and hop (samples), see :func:`time_stretch`.

    Returns
    -------
    np.ndarray
        float32, the same length as ``y``. Content shifted above ``sr / 2`` is lost.

    Notebook: 05_augmentation
    """
    y = _mono(y)
    _checks.sample_rate(sr)
    n_steps = _checks.number(n_steps, "n_steps", "semitones")
    bins_per_octave = _checks.positive_int(bins_per_octave, "bins_per_octave")
    n_fft = _checks.integer(n_fft, "n_fft", minimum=16, what="samples")
    hop_length = n_fft // 4 if hop_length is None else _checks.positive_int(hop_length, "hop_length", "samples")
    if n_steps == 0:
        return y.astype(np.float32)
    ratio = 2.0 ** (n_steps / bins_per_octave)
    stretched = _phase_vocoder(y, 1.0 / ratio, n_fft, hop_length)
    return scipy.signal.resample(stretched, y.size).astype(np.float32)


# ---------------------------------------------------------------------------------------
# background noise at a chosen SNR
# ---------------------------------------------------------------------------------------
def measure_snr_db(signal, noise) -> float:
    """Signal-to-noise ratio in dB: ``10 · log10(Σ signal² / Σ noise²)`` (mean powers over the clip).

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        The clean signal.
    noise : array_like, shape (n_noise,)
        What was added to it (for a mixture ``mixed``: ``mixed - signal``).

    Returns
    -------
    float
        dB; ``inf`` for silent noise, ``-inf`` for a silent signal.

    Notebook: 05_augmentation
    """
    s = _mono(signal, "signal")
    n = _mono(noise, "noise")
    ps, pn = float(np.sum(s**2)), float(np.sum(n**2))
    if pn == 0.0:
        return math.inf
    if ps == 0.0:
        return -math.inf
    return 10.0 * math.log10(ps / pn)


def mix_at_snr(y, noise, snr_db):
    """Add ``noise`` (as long as ``y``) scaled to a signal-to-noise ratio of ``snr_db``, without clipping.

    The noise is multiplied by ``g = sqrt(mean(y²) / mean(noise²) / 10^(snr_db / 10))`` so that
    ``10 · log10(mean(y²) / mean((g · noise)²)) = snr_db``, and added. Only if the sum would
    exceed full scale is the whole mixture scaled down to a peak of 0.99, which leaves the SNR
    unchanged. The one place course_lib mixes at an SNR: :func:`add_noise` (a random stretch of a
    longer noise) uses it.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Clean mono audio (not silent).
    noise : array_like, shape (n_samples,)
        Noise of the same length (not silent).
    snr_db : float
        Wanted SNR in dB (0 dB: as loud as the signal; 20 dB: 10 times lower in amplitude).

    Returns
    -------
    np.ndarray
        float32, shape ``(n_samples,)``.

    Raises
    ------
    ValueError
        Silent ``y`` or ``noise`` (the SNR is undefined), arrays of different lengths, that are
        not 1-D, empty or not finite, a non-finite ``snr_db``.
    TypeError
        Non-numeric arrays or ``snr_db``.

    Notebook: 05_augmentation (via `add_noise`)
    """
    y = _mono(y, "y")
    noise = _mono(noise, "noise")
    snr_db = _checks.number(snr_db, "snr_db", "dB")
    if noise.shape != y.shape:
        raise ValueError(f"noise must have as many samples as y ({y.size}), got {noise.size}; add_noise takes any length")
    p_y, p_n = float(np.mean(y**2)), float(np.mean(noise**2))
    if p_y == 0.0:
        raise ValueError("y is silent (all zeros): the SNR of a silent signal is undefined")
    if p_n == 0.0:
        raise ValueError("noise is silent (all zeros where it meets y): it cannot be scaled to any SNR")
    gain = math.sqrt(p_y / p_n / 10.0 ** (snr_db / 10.0))
    return _limit_peak(y + gain * noise).astype(np.float32)


def add_noise(y, noise, snr_db, rng=None):
    """Add background noise at a given signal-to-noise ratio.

    A segment of ``noise`` as long as ``y`` is taken at a random offset: cropped when the
    noise is longer than ``y``, looped (circularly) when it is shorter. It is then mixed in
    by :func:`mix_at_snr`: scaled so that ``10 · log10(mean(y²) / mean(segment²)) = snr_db``
    exactly, added, and the mixture scaled down to a peak of 0.99 only if it would clip.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Clean mono audio (not silent).
    noise : array_like, shape (n_noise,)
        Background noise (not silent), any length.
    snr_db : float
        Wanted SNR in dB (0 dB: as loud as the signal; 20 dB: 10 times lower in amplitude).
    rng : numpy.random.Generator, int or None
        Random source of the offset (an int seeds a new generator; None is unseeded).

    Returns
    -------
    np.ndarray
        float32, shape ``(n_samples,)``.

    Raises
    ------
    ValueError
        Silent ``y`` or ``noise`` (the SNR is undefined), arrays that are not 1-D, empty or
        not finite, non-finite ``snr_db``.
    TypeError
        Non-numeric arrays or ``snr_db``, a bad ``rng``.

    Notebook: 05_augmentation
    """
    y = _mono(y, "y")
    noise = _mono(noise, "noise")
    gen = _checks.rng(rng)
    n = y.size
    if noise.size >= n:
        start = int(gen.integers(0, noise.size - n + 1))
        seg = noise[start : start + n]
    else:
        start = int(gen.integers(0, noise.size))
        seg = noise[(start + np.arange(n)) % noise.size]
    if not np.any(seg):  # a silent stretch of a mostly silent noise: take the stretch from its start
        seg = noise[np.arange(n) % noise.size]
    return mix_at_snr(y, seg, snr_db)  # checks snr_db, and that y and the stretch are not silent


# ---------------------------------------------------------------------------------------
# reverberation: rooms and convolution
# ---------------------------------------------------------------------------------------
def reverb(y, ir, level="rms"):
    """Reverberate a sound: convolve it with an impulse response (``scipy.signal.fftconvolve``).

    ``out[n] = Σ_k ir[k] · y[n - k]``, kept to the first ``len(y)`` samples (the reverberant
    tail after the end of ``y`` is cut, so the clip keeps its length).

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Dry mono audio.
    ir : array_like, shape (n_ir,)
        Impulse response (e.g. :func:`room_impulse_response`).
    level : {"rms", "peak", None}, default "rms"
        ``"rms"``: scale the output to the RMS level of ``y`` (the reverberant sound is as loud
        as the dry one); ``"peak"``: to the peak of ``y``; ``None``: the raw convolution. With
        ``"rms"``, if matching the RMS would push the peak past full scale the output is scaled
        down to a peak of 0.99 instead (no clipping).

    Returns
    -------
    np.ndarray
        float32, shape ``(n_samples,)``; silent input gives silence.

    Raises
    ------
    ValueError
        Empty, non-1-D, non-finite or all-zero ``ir``; bad ``y``; unknown ``level``.

    Notebook: 05_augmentation
    """
    y = _mono(y, "y")
    ir = _mono(ir, "ir")
    if not np.any(ir):
        raise ValueError("ir is all zeros: convolving with it gives silence")
    if level is not None:
        _checks.choice(level, "level (or None)", ("rms", "peak"))
    wet = scipy.signal.fftconvolve(y, ir)[: y.size]
    if level is None:
        return wet.astype(np.float32)
    if level == "rms":
        ref, got = math.sqrt(float(np.mean(y**2))), math.sqrt(float(np.mean(wet**2)))
    else:
        ref, got = float(np.max(np.abs(y))), float(np.max(np.abs(wet)))
    if ref == 0.0 or got == 0.0:
        return np.zeros(y.size, dtype=np.float32)
    wet *= ref / got
    return _limit_peak(wet).astype(np.float32) if level == "rms" else wet.astype(np.float32)


def pra_delay_offset() -> int:
    """Samples by which pyroomacoustics delays every impulse response: ``frac_delay_length // 2``.

    pyroomacoustics places each image source with a windowed-sinc fractional-delay filter of
    ``frac_delay_length`` (81) taps centred on the arrival time, so the whole response is
    shifted by half the filter, 40 samples at any sampling rate.

    Notebook: (not yet used by a chapter: room_impulse_response applies it)
    """
    import pyroomacoustics as pra

    return int(pra.constants.get("frac_delay_length")) // 2


def _point(p, name: str, room_dim=None) -> np.ndarray:
    try:
        arr = np.asarray(p, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be 3 coordinates in metres, got {p!r}") from None
    if arr.shape != (3,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be 3 finite coordinates (x, y, z) in metres, got {p!r}")
    if room_dim is None:
        if np.any(arr <= 0):
            raise ValueError(f"{name} must be 3 positive lengths in metres, got {p!r}")
    elif np.any(arr <= 0) or np.any(arr >= room_dim):
        raise ValueError(f"{name}={arr.tolist()} m must lie strictly inside the room {room_dim.tolist()} m")
    return arr


def sabine_absorption(rt60, room_dim) -> tuple[float, int]:
    """The wall absorption and image-source order that give a shoebox room a reverberation time.

    Sabine's formula inverted by pyroomacoustics (``pra.inverse_sabine``), with the cases it
    cannot meet refused: a room too small or too dead for ``rt60`` (absorption outside (0, 1)).

    Parameters
    ----------
    rt60 : float
        Reverberation time (s), > 0.
    room_dim : array_like of 2 or 3 floats
        The room's size (m).

    Returns
    -------
    (absorption, max_order) : (float, int)
        Energy absorption of every wall, and the reflection order pyroomacoustics suggests.

    Raises
    ------
    ValueError
        ``rt60`` not positive, or no absorption in (0, 1) gives it in this room (the message names both).

    Notebook: 05_augmentation (via ``room_impulse_response``), 09_detection_localization (via ``simulate_array``)
    """
    import pyroomacoustics as pra

    rt60 = _checks.positive(rt60, "rt60", "s")
    dims = [float(d) for d in np.asarray(room_dim, dtype=float).ravel()]
    try:
        absorption, order = pra.inverse_sabine(rt60, dims)
    except ValueError as err:
        raise ValueError(f"a {dims} m room cannot have rt60={rt60} s: {err}") from err
    if not 0.0 < absorption < 1.0:
        raise ValueError(f"a {dims} m room cannot have rt60={rt60} s (absorption {absorption:.3g})")
    return float(absorption), int(order)


def room_impulse_response(room_dim, source, mic, *, sr=16000, rt60=0.5, max_order=None, compensate_delay=True):
    """Impulse response from a source to a microphone in a shoebox room (pyroomacoustics).

    The walls get one frequency-independent energy absorption and the image-source method a
    maximum reflection order, both chosen by ``pyroomacoustics.inverse_sabine(rt60, room_dim)``
    from Sabine's formula ``RT60 = 0.161 · V / (S · α)`` so that the reverberation time is
    about ``rt60``. The direct sound arrives after ``distance / 343`` seconds.

    Parameters
    ----------
    room_dim : (float, float, float)
        Room size in metres (length, width, height).
    source, mic : (float, float, float)
        Positions in metres, strictly inside the room. Moving the microphone changes the
        arrival times, the direct-to-reverberant ratio and the comb of early reflections.
    sr : int, default 16000
        Sampling rate in Hz.
    rt60 : float, default 0.5
        Reverberation time wanted, in seconds (time for the sound to decay by 60 dB).
    max_order : int, optional
        Image-source order; default the one from ``inverse_sabine``.
    compensate_delay : bool, default True
        Remove pyroomacoustics' constant delay of :func:`pra_delay_offset` samples (half its
        fractional-delay filter), so that sample ``round(distance / 343 · sr)`` is the direct
        path. False keeps the response exactly as pyroomacoustics computes it.

    Returns
    -------
    np.ndarray
        float32, shape ``(n_ir,)``, unnormalized (the direct path's amplitude falls as
        ``1 / distance``; :func:`reverb` sets the output level).

    Raises
    ------
    ValueError
        Bad sizes or positions (outside the room), a non-positive ``rt60`` or one the room
        cannot have (a reverberation time too short for its size needs an absorption above 1).

    Notebook: 05_augmentation
    """
    import pyroomacoustics as pra

    room_dim = _point(room_dim, "room_dim")
    source = _point(source, "source", room_dim)
    mic = _point(mic, "mic", room_dim)
    sr = _checks.sample_rate(sr)
    e_absorption, order = sabine_absorption(rt60, room_dim)
    if max_order is not None:
        order = _checks.integer(max_order, "max_order", minimum=0)
    room = pra.ShoeBox(room_dim.tolist(), fs=sr, materials=pra.Material(float(e_absorption)), max_order=int(order))
    room.add_source(source.tolist())
    room.add_microphone(mic.tolist())
    room.compute_rir()
    h = np.asarray(room.rir[0][0], dtype=np.float64)
    if compensate_delay:
        h = h[pra_delay_offset() :]
    return h.astype(np.float32)


def _energy_decay_db(ir: np.ndarray) -> np.ndarray:
    """Schroeder's backward-integrated energy decay curve, in dB relative to its start."""
    e = np.cumsum(ir[::-1] ** 2)[::-1]
    return 10.0 * np.log10(np.maximum(e / e[0], 1e-300))


def measure_rt60(ir, sr, *, decay_db=30.0, start_db=-5.0):
    """Reverberation time of an impulse response, by Schroeder integration.

    The energy decay curve ``EDC(t) = Σ_{τ ≥ t} ir(τ)²`` (in dB) falls linearly for an
    exponentially decaying response. A straight line is fitted (least squares) where it lies
    between ``start_db`` and ``start_db - decay_db`` and extrapolated to 60 dB:
    ``RT60 = 60 / slope``. ``decay_db=20`` gives the T20, ``30`` the T30 of ISO 3382.

    Parameters
    ----------
    ir : array_like, shape (n_ir,)
        Impulse response (e.g. :func:`room_impulse_response`).
    sr : int
        Sampling rate in Hz.
    decay_db : float, default 30
        Range of the fit in dB.
    start_db : float, default -5
        Where the fit starts, in dB (skips the direct sound).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    ValueError
        An all-zero response, or one that does not decay by ``-start_db + decay_db`` dB.

    Notebook: 05_augmentation
    """
    ir = _mono(ir, "ir")
    sr = _checks.sample_rate(sr)
    decay_db = _checks.positive(decay_db, "decay_db", "dB")
    start_db = _checks.number(start_db, "start_db", "dB")
    if not np.any(ir):
        raise ValueError("ir is all zeros: it has no decay to measure")
    edc = _energy_decay_db(ir)
    end_db = start_db - decay_db
    sel = np.flatnonzero((edc <= start_db) & (edc >= end_db))
    if edc.min() > end_db or sel.size < 2:
        raise ValueError(f"ir decays by only {-edc[edc > -299].min():.1f} dB; need {-end_db:.0f} dB to measure the RT60 with decay_db={decay_db}")
    t = sel / sr
    slope = np.polyfit(t, edc[sel], 1)[0]  # dB per second (negative)
    return float(-60.0 / slope)


def _direct_index(ir: np.ndarray, threshold: float = 0.25) -> int:
    a = np.abs(ir)
    first = int(np.argmax(a >= threshold * a.max()))
    return first + int(np.argmax(a[first : first + 4]))


def direct_to_reverberant_ratio(ir, sr, *, direct_ms=2.5, direct_index=None):
    """Energy of the direct sound over the energy of everything after it, in dB.

    The direct sound is the ``±direct_ms`` window around the direct-path arrival; the rest
    of the response after it is the reverberation. Near a source the DRR is high (dry,
    clear); across a reverberant room it falls below 0 dB.

    Parameters
    ----------
    ir : array_like, shape (n_ir,)
        Impulse response (e.g. :func:`room_impulse_response`).
    sr : int
        Sampling rate in Hz.
    direct_ms : float, default 2.5
        Half-width of the direct-sound window in milliseconds.
    direct_index : int, optional
        Sample of the direct arrival (e.g. ``round(distance / 343 · sr)``). By default the
        first sample reaching a quarter of the response's peak, moved to the local maximum
        within the next 3 samples (the earliest strong arrival).

    Returns
    -------
    float
        dB.

    Notebook: 05_augmentation
    """
    ir = _mono(ir, "ir")
    sr = _checks.sample_rate(sr)
    if not np.any(ir):
        raise ValueError("ir is all zeros")
    i = _direct_index(ir) if direct_index is None else _checks.integer(direct_index, "direct_index", minimum=0, what="samples")
    half = max(1, int(round(_checks.positive(direct_ms, "direct_ms", "ms") * 1e-3 * sr)))
    direct = float(np.sum(ir[max(0, i - half) : i + half + 1] ** 2))
    late = float(np.sum(ir[i + half + 1 :] ** 2))
    if late == 0.0:
        return math.inf
    return 10.0 * math.log10(direct / late)


# ---------------------------------------------------------------------------------------
# capture devices
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Device:
    """A capture device as a cascade of filter stages with a documented frequency response.

    ``stages`` holds tuples: ``("highpass", f_hz, order)`` and ``("lowpass", f_hz, order)``
    (Butterworth: -3 dB at ``f_hz``, ``6 · order`` dB per octave beyond), ``("peak", f_hz,
    gain_db, q)`` (RBJ peaking equalizer: ``gain_db`` at ``f_hz``, bandwidth ``f_hz / q``).
    Stages above 0.45 · sr are left out at low sampling rates.

    Notebook: (not yet used by a chapter: chapter 05 colours sound with measured device responses instead)
    """

    name: str
    description: str
    stages: tuple


#: The capture devices :func:`device_response` simulates.
DEVICES = {
    d.name: d
    for d in (
        Device("phone", "narrowband telephone: 300–3400 Hz band-pass (4th-order Butterworth on each side)",
               (("highpass", 300.0, 4), ("lowpass", 3400.0, 4))),
        Device("laptop", "built-in laptop microphone: high-pass at 200 Hz (2nd order), +8 dB cavity resonance at 2.5 kHz (Q 2), low-pass at 7 kHz (2nd order)",
               (("highpass", 200.0, 2), ("peak", 2500.0, 8.0, 2.0), ("lowpass", 7000.0, 2))),
        Device("lavalier", "clip-on lavalier: high-pass at 80 Hz (2nd order), +6 dB presence boost around 5 kHz (Q 1)",
               (("highpass", 80.0, 2), ("peak", 5000.0, 6.0, 1.0))),
        Device("headset", "cheap USB headset: high-pass at 150 Hz (2nd order), -6 dB dip at 1 kHz (Q 1.5), low-pass at 5 kHz (4th order)",
               (("highpass", 150.0, 2), ("peak", 1000.0, -6.0, 1.5), ("lowpass", 5000.0, 4))),
        Device("radio", "two-way radio: 500–2500 Hz band-pass (2nd-order Butterworth on each side), +6 dB at 1.5 kHz (Q 1.5)",
               (("highpass", 500.0, 2), ("peak", 1500.0, 6.0, 1.5), ("lowpass", 2500.0, 2))),
    )
}


def _peaking_sos(f: float, gain_db: float, q: float, sr: int) -> np.ndarray:
    """RBJ audio-EQ-cookbook peaking filter as one second-order section."""
    a_lin = 10.0 ** (gain_db / 40.0)
    w0 = 2.0 * math.pi * f / sr
    alpha = math.sin(w0) / (2.0 * q)
    b = np.array([1.0 + alpha * a_lin, -2.0 * math.cos(w0), 1.0 - alpha * a_lin])
    a = np.array([1.0 + alpha / a_lin, -2.0 * math.cos(w0), 1.0 - alpha / a_lin])
    return np.concatenate([b / a[0], a / a[0]])[None, :]


def _device(device) -> Device:
    if isinstance(device, Device):
        return device
    return DEVICES[_checks.choice(device, "device", sorted(DEVICES))]


def device_filter(device, sr):
    """Second-order sections (``scipy.signal.sosfilt`` format) of a device at ``sr`` Hz.

    Parameters
    ----------
    device : str or Device
        A key of :data:`DEVICES` or a :class:`Device`.
    sr : int
        Sampling rate in Hz; stages at or above 0.45 · sr are left out.

    Returns
    -------
    np.ndarray, shape (n_sections, 6)
        The cascade (one pass-through section if every stage is left out).

    Notebook: (not yet used by a chapter: chapter 05 colours sound with measured device responses instead)
    """
    dev = _device(device)
    sr = _checks.sample_rate(sr)
    sections = []
    for stage in dev.stages:
        kind, f = stage[0], float(stage[1])
        if f >= 0.45 * sr:
            continue
        if kind in ("highpass", "lowpass"):
            sections.append(scipy.signal.butter(int(stage[2]), f, btype=kind, fs=sr, output="sos"))
        elif kind == "peak":
            sections.append(_peaking_sos(f, float(stage[2]), float(stage[3]), sr))
        else:  # pragma: no cover - DEVICES is fixed
            raise ValueError(f"unknown stage {kind!r}")
    if not sections:
        return np.array([[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]])
    return np.concatenate(sections, axis=0)


def device_response(y, sr, *, device):
    """Colour a sound as if recorded with ``device`` (a key of :data:`DEVICES`).

    The device's filter cascade (:func:`device_filter`) is applied causally with
    ``scipy.signal.sosfilt``; levels are not renormalized, so the pass band keeps its level
    and filtered-out bands lose theirs.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    sr : int
        Sampling rate in Hz.
    device : str or Device
        ``"phone"``, ``"laptop"``, ``"lavalier"``, ``"headset"`` or ``"radio"``.

    Returns
    -------
    np.ndarray
        float32, shape ``(n_samples,)``.

    Notebook: (not yet used by a chapter: chapter 05 colours sound with measured device responses instead)
    """
    y = _mono(y)
    return scipy.signal.sosfilt(device_filter(device, sr), y).astype(np.float32)


# ---------------------------------------------------------------------------------------
# a random chain
# ---------------------------------------------------------------------------------------
def random_augment(y, sr, *, rng=None, n_steps=(-2.0, 2.0), irs=(), noises=(), snr_db=(0.0, 20.0), devices=(), p=0.8):
    """Apply a random chain of augmentations, in the order sound meets them.

    1. pitch shift by a uniform number of semitones in ``n_steps`` (the source changes);
    2. reverb with one of ``irs`` (the room);
    3. one of ``noises`` at a uniform SNR in ``snr_db`` dB (the background);
    4. one of ``devices`` (the microphone colours everything it records).

    Each step happens with probability ``p`` (and only if it has something to choose from).
    The result is scaled down if it would exceed a peak of 0.99.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    sr : int
        Sampling rate in Hz.
    rng : numpy.random.Generator, int or None
        Random source of every choice (an int seeds a new generator).
    n_steps : (float, float)
        Range of the pitch shift in semitones; ``(0, 0)`` disables it.
    irs : sequence of arrays
        Impulse responses to choose from.
    noises : sequence of arrays
        Background noises to choose from.
    snr_db : (float, float)
        Range of SNRs in dB.
    devices : sequence of str or arrays
        Capture devices to choose from: keys of :data:`DEVICES` (documented filters) or measured
        impulse responses (e.g. :func:`course_lib.corpora.load_device_ir`), convolved by
        :func:`reverb` at the clip's RMS level.
    p : float, default 0.8
        Probability of each step.

    Returns
    -------
    np.ndarray
        float32, shape ``(n_samples,)``.

    Notebook: 05_augmentation
    """
    y = _mono(y)
    sr = _checks.sample_rate(sr)
    gen = _checks.rng(rng)
    lo_st, hi_st = _checks.interval(n_steps, "n_steps", "semitones")
    lo_snr, hi_snr = _checks.interval(snr_db, "snr_db", "dB")
    p = _checks.number(p, "p", minimum=0.0, maximum=1.0)
    for d in devices:
        if isinstance(d, (str, Device)):
            _device(d)
    out = y
    if hi_st > lo_st and gen.random() < p:
        out = pitch_shift(out, sr, n_steps=float(gen.uniform(lo_st, hi_st))).astype(np.float64)
    if len(irs) and gen.random() < p:
        out = reverb(out, irs[int(gen.integers(len(irs)))]).astype(np.float64)
    if len(noises) and gen.random() < p and np.any(out):
        out = add_noise(out, noises[int(gen.integers(len(noises)))], float(gen.uniform(lo_snr, hi_snr)), rng=gen).astype(np.float64)
    if len(devices) and gen.random() < p:
        device = devices[int(gen.integers(len(devices)))]
        if isinstance(device, (str, Device)):
            out = device_response(out, sr, device=device).astype(np.float64)
        elif np.any(out):
            out = reverb(out, device).astype(np.float64)
    return _limit_peak(np.asarray(out, dtype=np.float64)).astype(np.float32)


# ---------------------------------------------------------------------------------------
# augmenting the features: SpecAugment and mixup
# ---------------------------------------------------------------------------------------
def spec_augment(log_mel, rng=None, *, n_freq_masks=2, max_freq_width=8, n_time_masks=2, max_time_width=10, value=None):
    """SpecAugment's frequency and time masking of one log-mel spectrogram (Park et al. 2019).

    ``n_freq_masks`` times, a band of ``f`` consecutive mel bands, ``f`` uniform in
    ``[0, max_freq_width]``, starting at a uniform band, is set to ``value``; then
    ``n_time_masks`` times the same with ``t`` consecutive frames, ``t`` uniform in
    ``[0, max_time_width]``. (The paper's third step, time warping, is left out: it helped
    least.) Masks may overlap; a width of 0 masks nothing.

    Parameters
    ----------
    log_mel : array_like, shape (frames, bands) or (frames, bands, channels)
        A log-mel spectrogram, time first (as :func:`course_lib.training.log_mel_batch` gives
        each clip).
    rng : numpy.random.Generator, int or None
        Random source (an int seeds a new generator).
    n_freq_masks, n_time_masks : int
        Number of masks of each kind (>= 0).
    max_freq_width : int
        Widest frequency mask, in mel bands (>= 0, at most the number of bands).
    max_time_width : int
        Longest time mask, in frames (>= 0, at most the number of frames).
    value : float, optional
        What masked cells become; default the spectrogram's mean (0 for a standardised one, as
        in the paper).

    Returns
    -------
    np.ndarray
        float32, a masked copy of ``log_mel`` (the input is not changed).

    Raises
    ------
    ValueError
        ``log_mel`` not 2-D or 3-D, not finite, or a mask wider than the spectrogram.

    Notebook: 05_augmentation
    """
    x = np.array(log_mel, dtype=np.float32)
    if x.ndim not in (2, 3) or x.size == 0:
        raise ValueError(f"log_mel must be (frames, bands) or (frames, bands, channels), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("log_mel must be finite (no NaN or inf)")
    gen = _checks.rng(rng)
    n_frames, n_bands = x.shape[:2]
    n_freq_masks = _checks.integer(n_freq_masks, "n_freq_masks", minimum=0, what="masks")
    n_time_masks = _checks.integer(n_time_masks, "n_time_masks", minimum=0, what="masks")
    max_freq_width = _checks.integer(max_freq_width, "max_freq_width", minimum=0, maximum=n_bands, what="bands")
    max_time_width = _checks.integer(max_time_width, "max_time_width", minimum=0, maximum=n_frames, what="frames")
    fill = float(x.mean()) if value is None else _checks.number(value, "value")
    for _ in range(n_freq_masks):
        f = int(gen.integers(0, max_freq_width + 1))
        f0 = int(gen.integers(0, n_bands - f + 1))
        x[:, f0 : f0 + f] = fill
    for _ in range(n_time_masks):
        t = int(gen.integers(0, max_time_width + 1))
        t0 = int(gen.integers(0, n_frames - t + 1))
        x[t0 : t0 + t] = fill
    return x


def mixup(x, y, n_classes, alpha=0.2, rng=None):
    """mixup (Zhang et al. 2018): train on convex combinations of pairs of examples and of their labels.

    Every example ``i`` is paired with example ``π(i)`` of a random permutation ``π`` and mixed
    with its own weight ``λ_i ~ Beta(alpha, alpha)``: ``x̃_i = λ_i x_i + (1 − λ_i) x_π(i)`` and
    ``ỹ_i = λ_i e(y_i) + (1 − λ_i) e(y_π(i))``, ``e`` the one-hot vector. Small ``alpha`` gives
    ``λ`` near 0 or 1 (mostly one example with a little of another).

    Parameters
    ----------
    x : array_like, shape (n, ...)
        A batch of features (waveforms or log-mel spectrograms), n >= 1.
    y : array_like of int, shape (n,)
        Class indices in ``[0, n_classes)``.
    n_classes : int
        Number of classes (>= 2).
    alpha : float
        Parameter of the Beta distribution (> 0).
    rng : numpy.random.Generator, int or None
        Random source.

    Returns
    -------
    (x_mixed, y_mixed, lam) : (np.ndarray, np.ndarray, np.ndarray)
        float32 features of ``x``'s shape, float32 soft labels ``(n, n_classes)`` whose rows sum
        to 1, and the weights ``λ`` ``(n,)``.

    Raises
    ------
    ValueError
        ``x`` and ``y`` of different lengths, labels outside ``[0, n_classes)``, ``alpha <= 0``.

    Notebook: 05_augmentation
    """
    xa = np.asarray(x, dtype=np.float32)
    ya = np.asarray(y)
    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    alpha = _checks.positive(alpha, "alpha")
    if xa.ndim < 1 or ya.ndim != 1 or len(xa) != len(ya) or len(ya) == 0:
        raise ValueError(f"x and y must hold the same number (>= 1) of examples, got shapes {xa.shape} and {ya.shape}")
    if not np.issubdtype(ya.dtype, np.integer) or ya.min() < 0 or ya.max() >= n_classes:
        raise ValueError(f"y must hold integer class indices in [0, {n_classes}), got {ya.dtype} values {ya.min()}..{ya.max()}")
    gen = _checks.rng(rng)
    perm = gen.permutation(len(ya))
    lam = gen.beta(alpha, alpha, size=len(ya)).astype(np.float32)
    shape = (-1,) + (1,) * (xa.ndim - 1)
    x_mixed = lam.reshape(shape) * xa + (1.0 - lam.reshape(shape)) * xa[perm]
    onehot = np.eye(n_classes, dtype=np.float32)[ya]
    y_mixed = lam[:, None] * onehot + (1.0 - lam[:, None]) * onehot[perm]
    return x_mixed.astype(np.float32), y_mixed.astype(np.float32), lam
