"""Deterministic sound synthesis: the test signals the course needs where exact control is the point.

The chapters teach on real recordings; synthetic sound stays where exact control is the point,
and the chapters say so: sines, aliasing sawtooths and chirps (``01_sound_physics``,
``02_dft_windowing``), additive harmonic tones with glides and vibrato whose true f0 is known
sample by sample (``03_mel_perception``, ``07_crepe``), and raised-cosine fades.

Conventions, the same for every generator: ``sr`` (Hz) and ``duration`` (seconds) are keyword
arguments (``sine(440, sr=16000, duration=1.0)``); frequencies are in Hz; the result is a 1-D
float32 array whose peak lies in [-1, 1]; nothing here is random, so the same arguments always
give the same samples. Only numpy is used. Layer 1: imports only :mod:`course_lib._checks`.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _checks

__all__ = [
    "n_samples_for",
    "time_axis",
    "midi_to_hz",
    "fade",
    "sine",
    "sawtooth",
    "harmonic_tone",
    "chirp",
]

# ---------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------
def _amplitude(amplitude) -> float:
    return _checks.number(amplitude, "amplitude", minimum=0.0, maximum=1.0)


def n_samples_for(*, sr, duration) -> int:
    """Number of samples of ``duration`` seconds at ``sr`` Hz: ``round(duration · sr)``.

    Halves round up (``floor(duration · sr + 0.5)``), so 5 s at 22050 Hz is exactly
    110250 samples.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz, positive (an integral float such as 16000.0 is accepted).
    duration : float
        Seconds, positive.

    Returns
    -------
    int
        Samples (at least 1).

    Raises
    ------
    TypeError
        ``sr`` or ``duration`` is not a number.
    ValueError
        ``sr`` is not a positive whole number of Hz, or ``duration`` is not positive and finite.

    Notebook: 05_augmentation (via `fsdd_speaker_split`)
    """
    sr = _checks.sample_rate(sr)
    duration = _checks.positive(duration, "duration", "s")
    return max(1, int(math.floor(duration * sr + 0.5)))


def time_axis(*, sr, duration) -> np.ndarray:
    """Sample instants ``t[n] = n / sr`` (seconds) of a signal ``duration`` seconds long.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz, positive.
    duration : float
        Seconds, positive.

    Returns
    -------
    np.ndarray
        float64 (time, not audio: kept in double precision so that phases stay exact),
        shape ``(round(duration · sr),)``.

    Notebook: 01_sound_physics
    """
    sr = _checks.sample_rate(sr)
    return np.arange(n_samples_for(sr=sr, duration=duration), dtype=np.float64) / sr


def midi_to_hz(notes):
    """Frequency (Hz) of MIDI note numbers: ``440 · 2^((m − 69) / 12)`` (A4 = 69 = 440 Hz).

    The one implementation of the formula in course_lib: :func:`course_lib.pitch.midi_to_hz` is
    this function (re-exported).

    Parameters
    ----------
    notes : float or array_like
        MIDI note numbers, fractional allowed (60 = middle C).

    Returns
    -------
    float or np.ndarray
        Hz: a float for a scalar, a float64 array otherwise.

    Raises
    ------
    TypeError
        Non-numeric input.
    ValueError
        NaN or infinite notes.

    Notebook: (not yet used by a chapter directly: course_lib.pitch re-exports it; the pitch evaluation and the CREPE study use it)
    """
    m = _checks.real_array(notes, "notes")
    hz = 440.0 * 2.0 ** ((m - 69.0) / 12.0)
    return float(hz) if hz.ndim == 0 else hz


def _finish(y, amplitude: float | None = None) -> np.ndarray:
    """Peak-normalize to ``amplitude`` (when given) and return float32 within [-1, 1]."""
    y = np.asarray(y, dtype=np.float64)
    if amplitude is not None:
        peak = float(np.max(np.abs(y))) if y.size else 0.0
        if peak > 0:
            y = y * (amplitude / peak)
    return np.clip(y, -1.0, 1.0).astype(np.float32)


def _fade(y: np.ndarray, sr: int, fade_in: float, fade_out: float) -> np.ndarray:
    """Raised-cosine fades (seconds) applied in place to a float array; returns it."""
    n = y.size
    for seconds, head in ((fade_in, True), (fade_out, False)):
        k = min(n, int(round(seconds * sr)))
        if k <= 1:
            continue
        ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(k) + 0.5) / k)
        if head:
            y[:k] *= ramp
        else:
            y[n - k :] *= ramp[::-1]
    return y


def fade(y, sr, *, fade_in=0.01, fade_out=None) -> np.ndarray:
    """Raised-cosine fade-in and fade-out: a sound that starts or stops abruptly clicks.

    The first ``k = round(fade_in · sr)`` samples are multiplied by
    ``0.5 − 0.5·cos(π (n + ½) / k)`` (rising from 0 to 1), the last ones by the same ramp
    reversed; a fade longer than the signal covers all of it.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    sr : int
        Sampling rate in Hz.
    fade_in : float, default 0.01
        Seconds of fade-in (>= 0; 0 for none).
    fade_out : float or None, default None
        Seconds of fade-out (>= 0); None for the same as ``fade_in``.

    Returns
    -------
    np.ndarray
        A faded copy: float32 for float32 input, float64 otherwise.

    Raises
    ------
    TypeError, ValueError
        ``y`` that is not 1-D real finite audio, a bad ``sr``, a negative fade.

    Notebook: 03_mel_perception
    """
    y = _checks.audio(y, ndim=1)
    sr = _checks.sample_rate(sr)
    fade_in = _checks.number(fade_in, "fade_in", "s", minimum=0.0)
    fade_out = fade_in if fade_out is None else _checks.number(fade_out, "fade_out", "s", minimum=0.0)
    out = np.array(y, dtype=np.float32 if y.dtype == np.float32 else np.float64)
    return _fade(out, sr, fade_in, fade_out)


def _phase_from_frequency(f_track: np.ndarray, sr: int, phase0: float = 0.0) -> np.ndarray:
    """Phase (radians) as the cumulative sum of the instantaneous frequency, starting at phase0."""
    ph = np.empty(f_track.size, dtype=np.float64)
    ph[0] = 0.0
    np.cumsum(f_track[:-1], out=ph[1:])
    return phase0 + (2.0 * np.pi / sr) * ph


def _additive(f0_track, sr: int, amps, phases=None, taper: bool = True) -> np.ndarray:
    """Sum of harmonics ``a_k sin(k φ(t) + θ_k)`` of a (possibly varying) fundamental.

    Harmonics at or above Nyquist are omitted; with a varying f0 and ``taper`` they fade
    out smoothly over the top 2 % of the band instead of switching on and off (clicks).
    """
    f0_track = np.asarray(f0_track, dtype=np.float64)
    phi = _phase_from_frequency(f0_track, sr)
    nyq = 0.5 * sr
    const = bool(np.all(f0_track == f0_track[0]))
    fmax = float(f0_track.max())
    n = f0_track.size
    y = np.zeros(n, dtype=np.float64)
    # sin(kφ) and cos(kφ) by the Chebyshev recurrence u_k = 2 cos φ · u_{k-1} − u_{k-2}:
    # two multiply-adds per harmonic instead of a sin() call (errors stay ~k² · 1e-16).
    two_cos = 2.0 * np.cos(phi)
    s_prev, s_cur = np.zeros(n), np.sin(phi)
    c_prev, c_cur = (np.ones(n), np.cos(phi)) if phases is not None else (None, None)
    f_ref = float(f0_track[0]) if const else float(f0_track.min())
    tmp = np.empty(n)
    for k, a in enumerate(amps, start=1):
        if k * f_ref >= nyq:
            break
        if k > 1:
            np.multiply(two_cos, s_cur, out=tmp)
            tmp -= s_prev
            s_prev, s_cur, tmp = s_cur, tmp, s_prev
            if phases is not None:
                np.multiply(two_cos, c_cur, out=tmp)
                tmp -= c_prev
                c_prev, c_cur, tmp = c_cur, tmp, c_prev
        if a == 0:
            continue
        if phases is None or phases[k - 1] == 0:
            part = s_cur
        else:
            th = float(phases[k - 1])
            part = math.cos(th) * s_cur + math.sin(th) * c_cur
        if not const and taper and k * fmax > nyq - 0.02 * sr:
            y += a * part * np.clip((nyq - k * f0_track) / (0.02 * sr), 0.0, 1.0)
        else:
            y += a * part
    return y


def sine(freq, *, sr, duration, amplitude=1.0, phase=0.0) -> np.ndarray:
    """Pure tone ``amplitude · sin(2π f t + phase)``.

    ``freq`` may exceed the Nyquist frequency ``sr / 2``: the samples are then those of an
    alias (a sine at ``sr - 1000`` Hz sampled at ``sr`` looks and sounds like 1000 Hz),
    which chapter 01 plays on purpose. The previous form ``sine(freq, duration, sr)`` is
    still accepted.

    Parameters
    ----------
    freq : float
        Frequency in Hz, finite, >= 0.
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds, positive.
    amplitude : float, default 1.0
        Peak value, in [0, 1].
    phase : float, default 0.0
        Initial phase in radians.

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Raises
    ------
    TypeError, ValueError
        An argument of the wrong type or out of range (the message names it).

    Notebook: 01_sound_physics, 02_dft_windowing, 03_mel_perception
    """
    freq = _checks.number(freq, "freq", "Hz", minimum=0.0)
    amplitude = _amplitude(amplitude)
    phase = _checks.number(phase, "phase", "radians")
    t = time_axis(sr=sr, duration=duration)
    return _finish(amplitude * np.sin(2.0 * np.pi * freq * t + phase))


def sawtooth(freq, *, sr, duration, band_limited=True, amplitude=0.8) -> np.ndarray:
    """Rising sawtooth wave, band-limited (additive) or naive (aliasing).

    The ideal sawtooth ``2·frac(f t) − 1 = −(2/π) Σ_k sin(2π k f t) / k`` has harmonics at
    every multiple of ``f``. ``band_limited=True`` sums only the harmonics below ``sr / 2``
    (nothing folds back); ``band_limited=False`` samples the formula directly, so the
    harmonics above Nyquist alias to inharmonic frequencies you can hear (chapter 01).
    (A band-limited sawtooth whose fundamental is itself above Nyquist is silence.)

    Parameters
    ----------
    freq : float
        Fundamental in Hz, finite, > 0.
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    band_limited : bool, default True
        Additive synthesis below Nyquist (True) or the naive, aliased ramp (False).
    amplitude : float, default 0.8
        Peak value in [0, 1] (the band-limited wave is peak-normalized to it).

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: 01_sound_physics
    """
    freq = _checks.positive(freq, "freq", "Hz")
    amplitude = _amplitude(amplitude)
    t = time_axis(sr=sr, duration=duration)
    sr = _checks.sample_rate(sr)
    if not band_limited:
        return _finish(amplitude * (2.0 * np.mod(freq * t, 1.0) - 1.0))
    k_max = max(1, int(math.ceil(0.5 * sr / freq)) - 1)
    amps = -(2.0 / np.pi) / np.arange(1, k_max + 1)
    return _finish(_additive(np.full(t.size, freq), sr, amps), amplitude)


def _f0_track(f0, sr: int, duration, vibrato_rate, vibrato_cents, glide_to) -> np.ndarray:
    """The true f0 (Hz, float64) of :func:`harmonic_tone`, sample by sample."""
    f0 = _checks.positive(f0, "f0", "Hz")
    vibrato_rate = _checks.number(vibrato_rate, "vibrato_rate", "Hz", minimum=0.0)
    vibrato_cents = _checks.number(vibrato_cents, "vibrato_cents", "cents", minimum=0.0)
    duration = _checks.positive(duration, "duration", "s")
    t = time_axis(sr=sr, duration=duration)
    track = np.full(t.size, f0)
    if glide_to is not None:
        glide_to = _checks.positive(glide_to, "glide_to", "Hz")
        track = f0 * (glide_to / f0) ** (t / duration)
    if vibrato_cents > 0 and vibrato_rate > 0:
        track = track * 2.0 ** (vibrato_cents * np.sin(2.0 * np.pi * vibrato_rate * t) / 1200.0)
    return track


def harmonic_tone(
    f0,
    *,
    sr,
    duration,
    harmonics=(1.0, 0.5, 0.33, 0.25),
    vibrato_rate=0.0,
    vibrato_cents=0.0,
    glide_to=None,
    amplitude=0.8,
    fade=0.01,
    return_f0=False,
):
    """Additive harmonic tone with optional exponential glide and vibrato.

    The fundamental follows ``f0(t) = f0 · (glide_to / f0)^(t / duration) ·
    2^(vibrato_cents · sin(2π vibrato_rate t) / 1200)``: an exponential (constant cents per
    second) glide with a sinusoidal vibrato on top; ``return_f0=True`` also returns this curve,
    which pitch trackers are scored against (chapter 07). The phase is the running sum of the
    instantaneous frequency, so glides and vibrato are click-free; harmonic ``k`` has amplitude
    ``harmonics[k-1]`` and is omitted where ``k · f0(t)`` reaches Nyquist.
   

    Parameters
    ----------
    f0 : float
        Starting fundamental, Hz, > 0.
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    harmonics : sequence of float, default (1.0, 0.5, 0.33, 0.25)
        Relative amplitude of harmonics 1, 2, 3, ...
    vibrato_rate : float, default 0.0
        Vibrato frequency in Hz (>= 0).
    vibrato_cents : float, default 0.0
        Peak deviation in cents (>= 0).
    glide_to : float or None
        Fundamental reached at ``t = duration`` in Hz (> 0); None keeps ``f0``.
    amplitude : float, default 0.8
        Peak value in [0, 1].
    fade : float, default 0.01
        Raised-cosine fade-in and fade-out, seconds (0 for none).
    return_f0 : bool, default False
        Also return the true f0 per sample.

    Returns
    -------
    y : np.ndarray
        float32, shape ``(round(duration · sr),)``.
    f0_track : np.ndarray
        float64 Hz per sample (only when ``return_f0``).

    Notebook: 07_crepe
    """
    amplitude = _amplitude(amplitude)
    fade = _checks.number(fade, "fade", "s", minimum=0.0)
    amps = np.asarray(harmonics, dtype=np.float64).ravel()
    if amps.size == 0 or not np.all(np.isfinite(amps)) or np.all(amps == 0):
        raise ValueError("harmonics must be a non-empty sequence of finite amplitudes, not all zero")
    sr = _checks.sample_rate(sr)
    track = _f0_track(f0, sr, duration, vibrato_rate, vibrato_cents, glide_to)
    y = _additive(track, sr, amps)
    y = _fade(y, sr, fade, fade)
    y = _finish(y, amplitude)
    return (y, track) if return_f0 else y


# ---------------------------------------------------------------------------------------
# sweeps (chapters 01, 02)
# ---------------------------------------------------------------------------------------
def chirp(f_start, f_end, *, sr, duration, method="exponential", amplitude=0.8, phase=0.0) -> np.ndarray:
    """Frequency sweep from ``f_start`` to ``f_end`` Hz over ``duration`` seconds.

    Instantaneous frequency ``f(t) = f_start + (f_end − f_start) t / T`` (linear) or
    ``f_start · (f_end / f_start)^(t / T)`` (exponential: equal time per octave); the phase
    is its exact integral. The previous form ``chirp(f_start, f_end, duration, sr)`` is still
    accepted.

    Parameters
    ----------
    f_start, f_end : float
        Hz, finite, >= 0 (> 0 for ``"exponential"``).
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds (T).
    method : {"exponential", "linear"}
        Shape of the sweep.
    amplitude : float, default 0.8
        Peak value in [0, 1].
    phase : float, default 0.0
        Initial phase in radians.

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: 01_sound_physics, 02_dft_windowing
    """
    f_start = _checks.number(f_start, "f_start", "Hz", minimum=0.0)
    f_end = _checks.number(f_end, "f_end", "Hz", minimum=0.0)
    amplitude = _amplitude(amplitude)
    duration = _checks.positive(duration, "duration", "s")
    phase = _checks.number(phase, "phase", "radians")
    method = _checks.choice(method, "method", ("exponential", "linear"))
    t = time_axis(sr=sr, duration=duration)
    if method == "linear":
        ph = 2 * np.pi * (f_start * t + 0.5 * (f_end - f_start) / duration * t * t)
    else:
        if f_start <= 0 or f_end <= 0:
            raise ValueError("f_start and f_end must be > 0 Hz for an exponential chirp")
        if f_start == f_end:
            ph = 2 * np.pi * f_start * t
        else:
            k = math.log(f_end / f_start)
            ph = 2 * np.pi * f_start * duration / k * np.expm1(k * t / duration)
    return _finish(amplitude * np.sin(ph + phase))
