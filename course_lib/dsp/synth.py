"""Deterministic sound synthesis: every test signal, toy sound and synthetic background the course needs.

Synthetic sound stays where exact control is the point, and the chapters say so: sines,
aliasing sawtooths and chirps (``01_sound_physics``, ``02_dft_windowing``), additive harmonic
tones with glides and vibrato whose true f0 is known sample by sample (``03_mel_perception``,
``07_crepe``), Karplus–Strong plucked strings and an organ note (the course's ``data/`` files),
raised-cosine fades, coloured noises and speech-like babble, the environmental-sound generators
(siren, engine, rain, bird, dog bark, clock, door knock) behind the synthetic "sound scenes" of
:mod:`course_lib.datasets`, and the named background noises of :func:`background_noise` (white,
pink, brown, rain, traffic, babble, hum, wind, café). Since the chapters moved to real recordings
(ESC-10, FSDD, real backgrounds), the generators of environmental sounds and noises serve the
course's tests and ``data/`` files, not a chapter.

Conventions, the same for every generator: ``sr`` (Hz) and ``duration`` (seconds) are keyword
arguments (``sine(440, sr=16000, duration=1.0)``); frequencies are in Hz; the result is a 1-D
float32 array whose peak lies in [-1, 1]; anything random comes from ``rng`` (an int seed, a
``numpy.random.Generator`` or None, checked by :func:`course_lib._checks.rng`), so the same seed
always gives the same samples. :func:`sine` and :func:`chirp` still accept the previous call
form (``duration, sr`` by position) for a chapter that has not moved yet; each says so. Only
numpy and scipy are used. Layer 1: imports only :mod:`course_lib._checks`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import signal as _signal

from .. import _checks

__all__ = [
    "NOISE_KINDS",
    "n_samples_for",
    "time_axis",
    "midi_to_hz",
    "fade",
    "sine",
    "sawtooth",
    "harmonic_tone",
    "plucked_string",
    "plucked_melody",
    "organ_note",
    "white_noise",
    "colored_noise",
    "pink_noise",
    "brown_noise",
    "chirp",
    "babble",
    "siren",
    "engine_hum",
    "rain",
    "bird_chirp",
    "bark",
    "clock_ticks",
    "door_knock",
    "mains_hum",
    "background_noise",
]

#: The kinds of :func:`background_noise`: three coloured noises, then six real-world-like scenes.
NOISE_KINDS = ("white", "pink", "brown", "rain", "traffic", "babble", "hum", "wind", "cafe")

# Formant frequencies (Hz) of five vowels of an adult male voice (F1, F2, F3), after
# Peterson & Barney (1952)-style averages: the vowels of babble's talkers.
_VOWEL_FORMANTS = {
    "a": (730.0, 1090.0, 2440.0),
    "e": (530.0, 1840.0, 2480.0),
    "i": (270.0, 2290.0, 3010.0),
    "o": (570.0, 840.0, 2410.0),
    "u": (300.0, 870.0, 2240.0),
}
_FORMANT_BANDWIDTHS = (80.0, 100.0, 140.0)


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

    Notebook: (not yet used by a chapter: every generator here, augment and datasets size their signals with it)
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

    The one implementation of the formula in course_lib: :func:`plucked_melody` plays MIDI
    notes with it, and :func:`course_lib.pitch.midi_to_hz` (layer 2) is meant to be this function.

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

    Notebook: (not yet used by a chapter: plucked_melody and data/guitar_melody_22050.wav)
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


def fade(y, sr, fade_in=0.01, fade_out=None) -> np.ndarray:
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


def _blep_sawtooth(f_track: np.ndarray, sr: int, phase0: float = 0.0) -> np.ndarray:
    """Rising sawtooth in [-1, 1] with PolyBLEP anti-aliasing (O(n), any f0 track)."""
    dt = np.asarray(f_track, dtype=np.float64) / sr
    p = np.empty(dt.size)
    p[0] = 0.0
    np.cumsum(dt[:-1], out=p[1:])
    p = np.mod(p + phase0, 1.0)
    y = 2.0 * p - 1.0
    dt = np.maximum(dt, 1e-12)
    lo = p < dt
    x = p[lo] / dt[lo]
    y[lo] -= 2 * x - x * x - 1.0
    hi = p > 1.0 - dt
    x = (p[hi] - 1.0) / dt[hi]
    y[hi] -= x * x + 2 * x + 1.0
    return y


def _resonator(x: np.ndarray, freq: float, bandwidth: float, sr: int, unity_peak: bool = False) -> np.ndarray:
    """Two-pole resonator (Klatt): centre ``freq`` Hz, ``bandwidth`` Hz (unity gain at DC)."""
    r = math.exp(-math.pi * bandwidth / sr)
    c = 2.0 * r * math.cos(2.0 * math.pi * freq / sr)
    a = [1.0, -c, r * r]
    b0 = (1.0 - r) if unity_peak else (1.0 - c + r * r)
    return _signal.lfilter([b0], a, x)


def _ring(x: np.ndarray, freq: float, decay_time: float, sr: int) -> np.ndarray:
    """Impulse → exponentially decaying sinusoid at ``freq`` Hz (time constant ``decay_time`` s)."""
    r = math.exp(-1.0 / (decay_time * sr))
    w = 2.0 * math.pi * min(freq, 0.49 * sr) / sr
    return _signal.lfilter([0.0, r * math.sin(w)], [1.0, -2.0 * r * math.cos(w), r * r], x)


# ---------------------------------------------------------------------------------------
# elementary waveforms (chapters 01, 02)
# ---------------------------------------------------------------------------------------
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


def _adsr(n: int, sr: int, attack: float, decay: float, sustain: float, release: float) -> np.ndarray:
    """Piecewise-linear attack–decay–sustain–release envelope of ``n`` samples (float32).

    Rises from 0 to 1 in ``attack`` s, falls to ``sustain`` in ``decay`` s, holds, and falls to 0
    during the last ``release`` s; the three are shortened in proportion if they do not fit.
    """
    na, nd, nr = (int(round(v * sr)) for v in (attack, decay, release))
    total = na + nd + nr
    if total > n:
        scale = n / total
        na, nd, nr = int(na * scale), int(nd * scale), int(nr * scale)
    env = np.full(n, sustain, dtype=np.float64)
    if na:
        env[:na] = np.arange(na) / na
    if nd:
        env[na : na + nd] = 1.0 + (sustain - 1.0) * np.arange(nd) / nd
    if nr:
        start_level = env[n - nr - 1] if n - nr - 1 >= 0 else sustain
        env[n - nr :] = start_level * (1.0 - np.arange(1, nr + 1) / nr)
    return env.astype(np.float32)


# ---------------------------------------------------------------------------------------
# instruments (the course's data/ files, chapter 08's melodies)
# ---------------------------------------------------------------------------------------
def plucked_string(f0, *, sr, duration, decay=0.996, brightness=0.5, rng=0, amplitude=0.8) -> np.ndarray:
    """Karplus–Strong plucked string: a noise burst circulating in a damped delay line.

    The loop ``y[n] = x[n] + g · A(z) · (y[n-N] + y[n-N-1]) / 2`` has delay
    ``N + 0.5 + d`` samples, where ``A(z)`` is a first-order allpass adding the fractional
    delay ``d`` so that the pitch is ``sr / (N + 0.5 + d) = f0`` (within a few cents). The
    whole loop is one IIR filter, run by ``scipy.signal.lfilter`` (no Python loop).

    Parameters
    ----------
    f0 : float
        Fundamental in Hz, > 0 and below ``sr / 4``.
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    decay : float, default 0.996
        Loop gain per period ``g`` in (0, 1]: closer to 1 rings longer.
    brightness : float, default 0.5
        0 (dull, low-passed burst) … 1 (white-noise burst, bright).
    rng : int, numpy.random.Generator or None, default 0
        Source of the excitation noise (the default seed makes the note reproducible).
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (tooling: the notes of plucked_melody, hence data/guitar_melody_22050.wav)
    """
    sr = _checks.sample_rate(sr)
    f0 = _checks.positive(f0, "f0", "Hz")
    if f0 >= sr / 4:
        raise ValueError(f"f0 must be below sr / 4 = {sr / 4} Hz for a plucked string, got {f0!r}")
    g = _checks.number(decay, "decay", minimum=0.0, maximum=1.0, open_minimum=True)
    brightness = _checks.number(brightness, "brightness", minimum=0.0, maximum=1.0)
    amplitude = _amplitude(amplitude)
    n = n_samples_for(sr=sr, duration=duration)
    gen = _checks.rng(rng)

    loop = sr / f0  # total loop delay in samples
    n_int = int(math.floor(loop - 0.5 - 0.1))  # integer delay; allpass gets 0.1..1.1 samples
    frac = loop - 0.5 - n_int
    c = (1.0 - frac) / (1.0 + frac)  # first-order allpass (c + z^-1) / (1 + c z^-1)

    burst = gen.uniform(-1.0, 1.0, n_int + 1)
    p = 0.9 * (1.0 - brightness)
    burst = _signal.lfilter([1.0 - p], [1.0, -p], burst)
    burst -= burst.mean()
    x = np.zeros(n)
    x[: min(n, burst.size)] = burst[: min(n, burst.size)]

    # Y/X = (1 + c z^-1) / [(1 + c z^-1) - g/2 z^-N (c + (1+c) z^-1 + z^-2)]
    a = np.zeros(n_int + 3)
    a[0] = 1.0
    a[1] += c
    a[n_int] -= 0.5 * g * c
    a[n_int + 1] -= 0.5 * g * (1.0 + c)
    a[n_int + 2] -= 0.5 * g
    y = _signal.lfilter([1.0, c], a, x)
    y = _fade(y, sr, 0.0, min(0.01, 0.5 * n / sr))
    return _finish(y, amplitude)


def plucked_melody(midi_notes, durations, *, sr, rng=0, decay=0.996, brightness=0.5, ring=0.3, amplitude=0.8) -> np.ndarray:
    """A melody of Karplus–Strong notes (:func:`plucked_string`); each rings on under the next one.

    Parameters
    ----------
    midi_notes : sequence of float
        MIDI note numbers (69 = A4 = 440 Hz, see :func:`midi_to_hz`).
    durations : float or sequence of float
        Seconds from one onset to the next (one value for all notes, or one per note).
    sr : int
        Sampling rate in Hz.
    rng : int, numpy.random.Generator or None, default 0
        Source of the excitation noises: an int seed ``s`` plays note ``i`` with seed ``s + i``;
        a Generator is drawn from note after note.
    decay, brightness : float
        As in :func:`plucked_string`.
    ring : float, default 0.3
        Seconds each note keeps sounding after the next onset (overlap).
    amplitude : float, default 0.8
        Peak value of the whole melody, in [0, 1].

    Returns
    -------
    np.ndarray
        float32, exactly ``round(sum(durations) · sr)`` samples.

    Notebook: (tooling: data/guitar_melody_22050.wav and the synthetic melodies of ``course_lib.melodies``)
    """
    sr = _checks.sample_rate(sr)
    notes = np.asarray(midi_notes, dtype=np.float64).ravel()
    if notes.size == 0 or not np.all(np.isfinite(notes)):
        raise ValueError("midi_notes must be a non-empty sequence of finite MIDI numbers")
    durs = np.asarray(durations, dtype=np.float64)
    durs = np.full(notes.shape, float(durs)) if durs.ndim == 0 else durs.ravel()
    if durs.shape != notes.shape:
        raise ValueError(f"durations must be one number or one per note ({notes.size}), got {durs.size}")
    if not np.all(np.isfinite(durs)) or np.any(durs <= 0):
        raise ValueError("durations must be finite and positive (s)")
    ring = _checks.number(ring, "ring", "s", minimum=0.0)
    amplitude = _amplitude(amplitude)
    if _checks.is_integer(rng):
        seeds = [_checks.integer(rng, "rng", minimum=0) + i for i in range(notes.size)]
    else:
        gen = _checks.rng(rng)
        seeds = [gen] * notes.size
    total = n_samples_for(sr=sr, duration=float(durs.sum()))
    out = np.zeros(total)
    onset = 0.0
    for i, (m, d) in enumerate(zip(notes, durs)):
        i0 = int(round(onset * sr))
        length = min(d + ring, total / sr - onset)
        if length * sr >= 1 and i0 < total:
            y = plucked_string(midi_to_hz(m), sr=sr, duration=length, decay=decay, brightness=brightness, rng=seeds[i])
            y = y.astype(np.float64) * 0.8 ** (i % 2)  # gentle accent on every other note
            k = min(y.size, total - i0)
            out[i0 : i0 + k] += y[:k]
        onset += d
    _fade(out, sr, 0.0, min(0.02, 0.5 * total / sr))
    return _finish(out, amplitude)


def organ_note(f0=246.9417, *, sr=16000, duration=4.0, drawbars=(1.0, 0.7, 0.5, 0.4, 0.25, 0.2), tremolo_rate=6.0,
               tremolo_depth=0.08, attack=0.03, release=0.08, amplitude=0.8) -> np.ndarray:
    """Electronic-organ note: drawbar-like partials at 1, 2, 3, 4, 6 and 8 × f0.

    Shaped like NSynth's ``organ_electronic`` notes (4 s at 16 kHz; the default f0 is
    MIDI 59 = B3 ≈ 246.94 Hz): a piecewise-linear attack, decay to 0.9 and release, a slight
    tremolo, partials above Nyquist omitted.

    Parameters
    ----------
    f0 : float, default 246.9417
        Fundamental in Hz.
    sr : int, default 16000
        Sampling rate in Hz.
    duration : float, default 4.0
        Seconds.
    drawbars : sequence of 6 float
        Amplitudes of the partials 1, 2, 3, 4, 6, 8 × f0.
    tremolo_rate : float, default 6.0
        Hz.
    tremolo_depth : float, default 0.08
        Amplitude modulation depth in [0, 0.99].
    attack, release : float
        Seconds (>= 0).
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (tooling: data/organ_electronic_059.wav and the synthetic melodies of ``course_lib.melodies``)
    """
    f0 = _checks.positive(f0, "f0", "Hz")
    tremolo_rate = _checks.number(tremolo_rate, "tremolo_rate", "Hz", minimum=0.0)
    tremolo_depth = _checks.number(tremolo_depth, "tremolo_depth", minimum=0.0, maximum=0.99)
    attack = _checks.number(attack, "attack", "s", minimum=0.0)
    release = _checks.number(release, "release", "s", minimum=0.0)
    amplitude = _amplitude(amplitude)
    bars = np.asarray(drawbars, dtype=np.float64).ravel()
    if bars.size != 6 or not np.all(np.isfinite(bars)) or np.any(bars < 0):
        raise ValueError("drawbars must be 6 non-negative amplitudes (partials 1, 2, 3, 4, 6, 8 × f0)")
    t = time_axis(sr=sr, duration=duration)
    sr = _checks.sample_rate(sr)
    amps = np.zeros(8)
    amps[[0, 1, 2, 3, 5, 7]] = bars
    y = _additive(np.full(t.size, f0), sr, amps, phases=np.linspace(0, 1.5, 8))
    y *= 1.0 - tremolo_depth * (0.5 + 0.5 * np.sin(2 * np.pi * tremolo_rate * t))
    y *= _adsr(t.size, sr, attack, 0.2, 0.9, release)
    return _finish(y, amplitude)


# ---------------------------------------------------------------------------------------
# noises and sweeps (chapters 01, 02, 05)
# ---------------------------------------------------------------------------------------
def white_noise(*, sr, duration, rng=None, amplitude=0.5) -> np.ndarray:
    """Gaussian white noise (flat spectrum), peak-normalized.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    rng : int, numpy.random.Generator or None
        Random source (an int seeds a new generator; None is unseeded).
    amplitude : float, default 0.5
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: chapter 07's benchmark uses real backgrounds)
    """
    amplitude = _amplitude(amplitude)
    n = n_samples_for(sr=sr, duration=duration)
    return _finish(_checks.rng(rng).standard_normal(n), amplitude)


def colored_noise(exponent=1.0, *, sr, duration, rng=None, fmin=20.0, amplitude=0.5) -> np.ndarray:
    """Noise with power spectral density ∝ 1 / f^exponent, by shaping white noise's FFT.

    ``exponent`` 0 = white, 1 = pink (−3 dB/octave), 2 = brown (−6 dB/octave),
    −1 = blue. Below ``fmin`` the spectrum is held flat (no huge sub-audio drift); DC is 0.

    Parameters
    ----------
    exponent : float, default 1.0
        Spectral exponent β in PSD ∝ f^−β.
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    rng : int, numpy.random.Generator or None
        Random source.
    fmin : float, default 20.0
        Hz below which the shaping is flat.
    amplitude : float, default 0.5
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: chapter 05 mixes real backgrounds)
    """
    sr = _checks.sample_rate(sr)
    exponent = _checks.number(exponent, "exponent")
    fmin = _checks.positive(fmin, "fmin", "Hz")
    amplitude = _amplitude(amplitude)
    n = n_samples_for(sr=sr, duration=duration)
    white = _checks.rng(rng).standard_normal(n)
    spec = np.fft.rfft(white)
    f = np.fft.rfftfreq(n, 1.0 / sr)
    fc = np.maximum(f, fmin)
    if exponent == 1.0:
        scale = 1.0 / np.sqrt(fc)
    elif exponent == 2.0:
        scale = 1.0 / fc
    else:
        scale = fc ** (-exponent / 2.0)
    scale[0] = 0.0
    y = np.fft.irfft(spec * scale, n)
    return _finish(y, amplitude)


def pink_noise(*, sr, duration, rng=None, amplitude=0.5) -> np.ndarray:
    """Pink (1/f) noise: equal power per octave, −3 dB/octave (:func:`colored_noise` with exponent 1).

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    rng : int, numpy.random.Generator or None
        Random source.
    amplitude : float, default 0.5
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: the synthetic sound scenes of ``course_lib.datasets``; the chapters use ESC-10)
    """
    return colored_noise(1.0, sr=sr, duration=duration, rng=rng, amplitude=amplitude)


def brown_noise(*, sr, duration, rng=None, amplitude=0.5) -> np.ndarray:
    """Brown (1/f², random-walk-like) noise, −6 dB/octave (:func:`colored_noise` with exponent 2).

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    rng : int, numpy.random.Generator or None
        Random source.
    amplitude : float, default 0.5
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: chapter 05 mixes real backgrounds)
    """
    return colored_noise(2.0, sr=sr, duration=duration, rng=rng, amplitude=amplitude)


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


# ---------------------------------------------------------------------------------------
# voice (babble: speech class of the sound scenes, background noise)
# ---------------------------------------------------------------------------------------
def _formant_filter(source: np.ndarray, formants, bandwidths, sr: int) -> np.ndarray:
    y = source
    nyq = 0.5 * sr
    for f, b in zip(formants, bandwidths):
        if f < 0.95 * nyq:
            y = _resonator(y, f, b, sr)
    return y


def _talker(n: int, sr: int, gen: np.random.Generator, syllable_rate: float, f0_base: float) -> np.ndarray:
    """One synthetic talker: syllables of random vowels with an intonation contour."""
    # syllable onsets with a jittered rate and occasional pauses
    bounds = [float(gen.uniform(-0.15, 0.05))]
    while bounds[-1] < n / sr:
        d = float(np.clip(gen.normal(1.0 / syllable_rate, 0.3 / syllable_rate), 0.08, 0.5))
        if gen.random() < 0.12:
            d += float(gen.uniform(0.1, 0.3))  # short pause
        bounds.append(bounds[-1] + d)
    bounds = np.asarray(bounds)
    # intonation: pitch targets per syllable (semitones) + declination, linearly interpolated
    targets = gen.normal(0.0, 1.5, bounds.size) - 2.0 * (bounds - bounds[0]) / max(n / sr, 1e-3)
    t = np.arange(n) / sr
    semis = np.interp(t, bounds, targets)
    track = f0_base * 2.0 ** (semis / 12.0)
    src = -_blep_sawtooth(track, sr, phase0=float(gen.random()))
    src += 0.03 * gen.standard_normal(n)
    noise = gen.standard_normal(n)
    out = np.zeros(n)
    vowels = list(_VOWEL_FORMANTS)
    scale = float(gen.uniform(0.9, 1.15)) * (1.0 if f0_base < 160 else 1.15)  # vocal tract length
    for s0, s1 in zip(bounds[:-1], bounds[1:]):
        i0, i1 = max(0, int(s0 * sr)), min(n, int(s1 * sr))
        if i1 - i0 < 8:
            continue
        v = _VOWEL_FORMANTS[vowels[gen.integers(len(vowels))]]
        fs = np.asarray(v) * scale * gen.uniform(0.93, 1.07, 3)
        seg = _formant_filter(src[i0:i1], fs, _FORMANT_BANDWIDTHS, sr)
        L = i1 - i0
        # syllabic envelope: fast rise, slower fall (≈ 4 Hz amplitude modulation)
        u = np.linspace(0.0, 1.0, L, endpoint=False)
        env = np.sin(np.pi * np.minimum(u / 0.35, 1.0) * 0.5) * np.cos(0.5 * np.pi * np.clip((u - 0.55) / 0.45, 0, 1)) ** 2
        seg *= env * gen.uniform(0.5, 1.0)
        # an occasional fricative consonant (high-passed noise) at the syllable start
        if gen.random() < 0.4:
            k = min(L, int(gen.uniform(0.03, 0.08) * sr))
            fric = _resonator(noise[i0 : i0 + k], min(float(gen.uniform(3000.0, 6500.0)), 0.4 * sr), 1500.0, sr, unity_peak=True)
            fric *= np.hanning(k) * gen.uniform(0.5, 1.5) * np.std(seg) / (np.std(fric) + 1e-12)
            seg[:k] += fric
        out[i0:i1] += seg
    return out




def babble(*, sr, duration, n_voices=4, rng=None, syllable_rate=4.0, amplitude=0.8) -> np.ndarray:
    """Speech-like babble: formant-vowel syllables with syllabic (~4 Hz) amplitude modulation.

    Each voice speaks a stream of syllables (random vowel, jittered length around
    ``1 / syllable_rate`` seconds, occasional pauses and fricatives) with a wandering,
    declining intonation around a random base pitch (low or high voice). ``n_voices=1``
    is a single talker; many voices give cocktail-party babble, a classic background
    noise for augmentation.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz (>= 8000 recommended).
    duration : float
        Seconds.
    n_voices : int, default 4
        Number of simultaneous talkers (>= 1).
    rng : int, numpy.random.Generator or None
        Random source.
    syllable_rate : float, default 4.0
        Syllables per second (Hz).
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: chapter 05 mixes real backgrounds)
    """
    sr = _checks.sample_rate(sr)
    n = n_samples_for(sr=sr, duration=duration)
    n_voices = _checks.integer(n_voices, "n_voices", minimum=1)
    syllable_rate = _checks.positive(syllable_rate, "syllable_rate", "Hz")
    amplitude = _amplitude(amplitude)
    gen = _checks.rng(rng)
    out = np.zeros(n)
    for _ in range(n_voices):
        f0_base = float(gen.uniform(85.0, 140.0) if gen.random() < 0.5 else gen.uniform(170.0, 250.0))
        v = _talker(n, sr, gen, syllable_rate * float(gen.uniform(0.85, 1.15)), f0_base)
        out += v / (np.sqrt(np.mean(v**2)) + 1e-12)
    return _finish(out, amplitude)


# ---------------------------------------------------------------------------------------
# environmental sounds (the synthetic sound-scenes data set of course_lib.datasets)
# ---------------------------------------------------------------------------------------
def siren(*, sr, duration, kind="wail", f_low=650.0, f_high=1500.0, rate=None, mod_phase=0.0, n_harmonics=6, amplitude=0.8) -> np.ndarray:
    """Emergency siren: a harmonic tone whose pitch wails, yelps or alternates hi–lo.

    ``"wail"``: slow sinusoidal sweep between ``f_low`` and ``f_high`` (default rate
    0.4 Hz); ``"yelp"``: fast rising sweeps (default 3.5 Hz); ``"hilo"``: two-tone
    alternation (default 1 cycle per second, i.e. 0.5 s per tone). The pitch moves on a log
    scale; harmonics fall off as 1/k with odd ones emphasised (horn speaker).

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    kind : {"wail", "yelp", "hilo"}
        Modulation pattern.
    f_low, f_high : float
        Pitch range in Hz (0 < f_low <= f_high).
    rate : float or None
        Modulation cycles per second (Hz); None for the kind's default.
    mod_phase : float, default 0.0
        Where in the modulation cycle the sound starts, in cycles [0, 1).
    n_harmonics : int, default 6
        Harmonics of the pitch (those above Nyquist are dropped).
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: the synthetic sound scenes of ``course_lib.datasets``; the chapters use ESC-10)
    """
    f_low = _checks.positive(f_low, "f_low", "Hz")
    f_high = _checks.positive(f_high, "f_high", "Hz")
    if f_high < f_low:
        raise ValueError(f"f_high ({f_high}) must be >= f_low ({f_low}) Hz")
    defaults = {"wail": 0.4, "yelp": 3.5, "hilo": 1.0}
    kind = _checks.choice(kind, "kind", sorted(defaults))
    rate = defaults[kind] if rate is None else _checks.positive(rate, "rate", "Hz")
    n_harmonics = _checks.integer(n_harmonics, "n_harmonics", minimum=1)
    amplitude = _amplitude(amplitude)
    t = time_axis(sr=sr, duration=duration)
    sr = _checks.sample_rate(sr)
    cyc = rate * t + _checks.number(mod_phase, "mod_phase", "cycles")
    if kind == "wail":
        m = 0.5 - 0.5 * np.cos(2 * np.pi * cyc)
    elif kind == "yelp":
        fr = np.mod(cyc, 1.0)
        m = np.where(fr < 0.85, np.sin(0.5 * np.pi * fr / 0.85), 1.0 - (fr - 0.85) / 0.15)
    else:
        m = (np.mod(cyc, 1.0) < 0.5).astype(np.float64)
        k = max(1, int(0.015 * sr))  # 15 ms glide between the two tones
        m = np.convolve(np.pad(m, (k, k), mode="edge"), np.ones(k) / k, mode="same")[k:-k]
    track = f_low * (f_high / f_low) ** m
    k = np.arange(1, n_harmonics + 1)
    amps = (1.0 / k) * np.where(k % 2 == 1, 1.0, 0.5)
    y = _additive(track, sr, amps)
    y = _fade(y, sr, 0.01, 0.01)
    return _finish(y, amplitude)


def engine_hum(*, sr, duration, rpm=1800.0, cylinders=4, brightness=0.5, rpm_wobble=0.02, rng=None, amplitude=0.8) -> np.ndarray:
    """Idling combustion engine: low harmonic hum at the firing rate, pulsed noise.

    The firing frequency of a four-stroke engine is ``rpm / 60 · cylinders / 2`` Hz
    (1800 rpm, 4 cylinders → 60 Hz). The sound is a sum of its harmonics (and the
    half-order of the crankshaft) plus low-passed noise amplitude-modulated by each
    firing; the rpm wobbles slowly.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    rpm : float, default 1800.0
        Revolutions per minute (> 0).
    cylinders : int, default 4
        Number of cylinders.
    brightness : float, default 0.5
        0 (muffled) … 1 (rattly: more high harmonics and noise).
    rpm_wobble : float, default 0.02
        Relative slow speed variation.
    rng : int, numpy.random.Generator or None
        Random source.
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: the synthetic sound scenes of ``course_lib.datasets``; the chapters use ESC-10)
    """
    rpm = _checks.positive(rpm, "rpm", "rpm")
    cylinders = _checks.integer(cylinders, "cylinders", minimum=1)
    brightness = _checks.number(brightness, "brightness", minimum=0.0, maximum=1.0)
    rpm_wobble = _checks.number(rpm_wobble, "rpm_wobble", minimum=0.0, maximum=0.5)
    amplitude = _amplitude(amplitude)
    gen = _checks.rng(rng)
    t = time_axis(sr=sr, duration=duration)
    sr = _checks.sample_rate(sr)
    f_fire = rpm / 60.0 * cylinders / 2.0
    wob = rpm_wobble * (np.sin(2 * np.pi * gen.uniform(0.3, 1.2) * t + gen.uniform(0, 2 * np.pi)) + 0.5 * np.sin(2 * np.pi * gen.uniform(2, 4) * t + gen.uniform(0, 2 * np.pi)))
    track = 0.5 * f_fire * (1.0 + wob)  # half-order of the firing rate as the fundamental
    n_h = 24
    k = np.arange(1, n_h + 1)
    tilt = 1.0 + 1.5 * (1.0 - brightness)
    amps = np.where(k % 2 == 0, 1.0, 0.35) / k**tilt  # even orders (= firing harmonics) dominate
    amps *= gen.uniform(0.6, 1.4, n_h)
    y = _additive(track, sr, amps, phases=gen.uniform(0, 2 * np.pi, n_h))
    # firing pulses modulating low-passed noise
    phi = _phase_from_frequency(2 * track, sr)
    pulses = (0.5 + 0.5 * np.cos(phi)) ** 4
    cutoff = min(0.45 * sr, 200.0 + 1500.0 * brightness)
    b, a = _signal.butter(2, cutoff / (0.5 * sr))
    noise = _signal.lfilter(b, a, gen.standard_normal(t.size))
    y_rms = np.sqrt(np.mean(y**2)) + 1e-12
    noise *= pulses
    noise *= (0.3 + 0.5 * brightness) * y_rms / (np.sqrt(np.mean(noise**2)) + 1e-12)
    y = y + noise
    y = _fade(y, sr, 0.02, 0.02)
    return _finish(y, amplitude)


def rain(*, sr, duration, density=400.0, brightness=0.5, rng=None, amplitude=0.8) -> np.ndarray:
    """Rain: dense random droplet clicks over a bed of filtered noise.

    Droplets arrive as a Poisson process (``density`` per second) with log-uniform
    strengths; each one excites one of a few short, broad resonances (1–6 kHz, bubbles
    and surfaces), and a band-passed noise "hiss" fills the gaps.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    density : float, default 400.0
        Droplets per second (> 0).
    brightness : float, default 0.5
        0 (dull, distant) … 1 (bright, close).
    rng : int, numpy.random.Generator or None
        Random source.
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: chapter 05 mixes real backgrounds)
    """
    density = _checks.positive(density, "density", "droplets per second")
    brightness = _checks.number(brightness, "brightness", minimum=0.0, maximum=1.0)
    amplitude = _amplitude(amplitude)
    sr = _checks.sample_rate(sr)
    n = n_samples_for(sr=sr, duration=duration)
    gen = _checks.rng(rng)
    n_drops = gen.poisson(density * n / sr)
    pos = gen.integers(0, n, n_drops)
    strength = np.exp(gen.uniform(np.log(0.05), 0.0, n_drops)) * gen.choice([-1.0, 1.0], n_drops)
    n_groups = 8
    group = gen.integers(0, n_groups, n_drops)
    nyq = 0.5 * sr
    y = np.zeros(n)
    f_lo, f_hi = 800.0 + 1000.0 * brightness, 3000.0 + 3500.0 * brightness
    for gi in range(n_groups):
        sel = group == gi
        imp = np.bincount(pos[sel], weights=strength[sel], minlength=n).astype(np.float64)
        f = min(float(gen.uniform(f_lo, f_hi)), 0.45 * sr)
        y += _ring(imp, f, float(gen.uniform(0.0006, 0.002)), sr)
    # the clicks themselves (broadband) and the hiss bed
    clicks = np.bincount(pos, weights=0.5 * strength, minlength=n).astype(np.float64)
    y += _signal.lfilter([1.0, -0.9], [1.0], clicks)
    hiss = gen.standard_normal(n)
    lo, hi = 400.0 / nyq, min(0.95, (3000.0 + 4000.0 * brightness) / nyq)
    b, a = _signal.butter(2, [lo, hi], btype="band")
    hiss = _signal.lfilter(b, a, hiss)
    hiss *= 0.8 * np.sqrt(np.mean(y**2) + 1e-20) / (np.sqrt(np.mean(hiss**2)) + 1e-12)
    y = _fade(y + hiss, sr, 0.02, 0.02)
    return _finish(y, amplitude)


def bird_chirp(*, sr, duration, f_low=2000.0, f_high=6000.0, chirp_rate=8.0, chirp_duration=0.06, rng=None, amplitude=0.8) -> np.ndarray:
    """Bird song: quick frequency-modulated chirps (sweeps with a trill) in 2–6 kHz.

    A phrase of chirps, about ``chirp_rate`` per second, each ``≈ chirp_duration`` seconds
    long, sweeping up or down between random frequencies in [f_low, f_high] with a fast
    (30–80 Hz) frequency trill and a weak second harmonic.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz (f_high must stay below ``sr / 2``).
    duration : float
        Seconds.
    f_low, f_high : float
        Frequency range of the chirps in Hz.
    chirp_rate : float, default 8.0
        Chirps per second (Hz).
    chirp_duration : float, default 0.06
        Typical chirp length in seconds.
    rng : int, numpy.random.Generator or None
        Random source.
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: the synthetic sound scenes of ``course_lib.datasets``; the chapters use ESC-10)
    """
    sr = _checks.sample_rate(sr)
    f_low = _checks.positive(f_low, "f_low", "Hz")
    f_high = _checks.positive(f_high, "f_high", "Hz")
    if not f_low <= f_high < 0.5 * sr:
        raise ValueError(f"need f_low <= f_high < sr / 2 (Hz), got f_low={f_low}, f_high={f_high}, sr={sr}")
    chirp_rate = _checks.positive(chirp_rate, "chirp_rate", "Hz")
    chirp_duration = _checks.positive(chirp_duration, "chirp_duration", "s")
    amplitude = _amplitude(amplitude)
    n = n_samples_for(sr=sr, duration=duration)
    gen = _checks.rng(rng)
    freq = np.full(n, f_low)
    env = np.zeros(n)
    t0 = float(gen.uniform(0.0, 0.5 / chirp_rate))
    while t0 < n / sr:
        d = chirp_duration * float(gen.uniform(0.6, 1.5))
        i0, i1 = int(t0 * sr), min(n, int((t0 + d) * sr))
        if i1 - i0 > 4:
            u = np.linspace(0.0, 1.0, i1 - i0)
            fa, fb = gen.uniform(f_low, f_high, 2)
            shape = u ** float(gen.uniform(0.5, 2.0))
            trill = float(gen.uniform(0.0, 0.08)) * (fa + fb) / 2 * np.sin(2 * np.pi * gen.uniform(30, 80) * u * d)
            freq[i0:i1] = np.clip(fa + (fb - fa) * shape + trill, f_low * 0.9, min(f_high * 1.05, 0.45 * sr))
            env[i0:i1] = np.sin(np.pi * u) ** 1.5 * gen.uniform(0.4, 1.0)
        t0 += d + float(gen.exponential(1.0 / chirp_rate))
    # keep the frequency smooth across gaps (the phase never jumps)
    phi = _phase_from_frequency(freq, sr)
    y = env * (np.sin(phi) + 0.15 * np.sin(2 * phi) * (2 * freq < 0.5 * sr))
    return _finish(y, amplitude)


def bark(*, sr, duration, f0=450.0, n_barks=2, interval=0.3, onset=0.05, bark_duration=0.15, rng=None, amplitude=0.8) -> np.ndarray:
    """Dog bark: short harmonic bursts with a fast pitch drop and a noisy onset.

    Each bark is a PolyBLEP pulse train whose f0 falls from ≈ 1.3·``f0`` to ≈ 0.7·``f0``
    within ``bark_duration``, shaped by two mouth resonances, with a burst of noise at its
    start and a fast-attack, exponential-decay envelope.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    f0 : float, default 450.0
        Typical pitch in Hz (big dogs ≈ 250, small dogs ≈ 700).
    n_barks : int, default 2
        Number of barks.
    interval : float, default 0.3
        Seconds between bark onsets.
    onset : float, default 0.05
        Seconds before the first bark.
    bark_duration : float, default 0.15
        Seconds.
    rng : int, numpy.random.Generator or None
        Random source.
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: the synthetic sound scenes of ``course_lib.datasets``; the chapters use ESC-10)
    """
    sr = _checks.sample_rate(sr)
    f0 = _checks.positive(f0, "f0", "Hz")
    n_barks = _checks.integer(n_barks, "n_barks", minimum=1)
    interval = _checks.positive(interval, "interval", "s")
    onset = _checks.number(onset, "onset", "s", minimum=0.0)
    bark_duration = _checks.positive(bark_duration, "bark_duration", "s")
    amplitude = _amplitude(amplitude)
    n = n_samples_for(sr=sr, duration=duration)
    gen = _checks.rng(rng)
    y = np.zeros(n)
    for b in range(n_barks):
        t0 = onset + b * interval * float(gen.uniform(0.85, 1.15))
        i0 = int(t0 * sr)
        if i0 >= n:
            break
        d = bark_duration * float(gen.uniform(0.8, 1.25))
        L = min(n - i0, int(d * sr))
        if L < 16:
            continue
        u = np.arange(L) / L
        fb = f0 * float(gen.uniform(0.9, 1.1))
        track = fb * (1.3 - 0.6 * u**0.6) * (1.0 + 0.02 * gen.standard_normal(L))  # fast drop + roughness
        track = np.clip(track, 40.0, 0.2 * sr)
        src = _blep_sawtooth(track, sr, float(gen.random()))
        src += 0.25 * gen.standard_normal(L)
        vf = _resonator(src, min(float(gen.uniform(700, 1100)), 0.4 * sr), 250.0, sr, unity_peak=True)
        vf += 0.7 * _resonator(src, min(float(gen.uniform(1500, 2500)), 0.45 * sr), 400.0, sr, unity_peak=True)
        env = (1.0 - np.exp(-u * d / 0.006)) * np.exp(-u * d / (0.35 * d))
        burst_len = min(L, int(0.02 * sr))
        burst = _resonator(gen.standard_normal(burst_len), min(2500.0, 0.4 * sr), 2000.0, sr, unity_peak=True)
        vf *= env
        _fade(vf, sr, 0.0, 0.01)
        vf[:burst_len] += 1.5 * burst * np.hanning(burst_len) * np.std(vf) / (np.std(burst) + 1e-12)
        y[i0 : i0 + L] += vf * float(gen.uniform(0.7, 1.0))
    return _finish(y, amplitude)


def clock_ticks(*, sr, duration, rate=1.0, f_ring=3000.0, onset=0.1, ring_time=0.012, rng=None, amplitude=0.8) -> np.ndarray:
    """Mechanical clock: sharp clicks every ``1 / rate`` seconds with a metallic ring.

    Each tick is a broadband click exciting three high resonances near ``f_ring`` (a
    "tock" every other tick rings about 15 % lower).

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    rate : float, default 1.0
        Ticks per second (Hz).
    f_ring : float, default 3000.0
        Main ring frequency in Hz.
    onset : float, default 0.1
        Seconds before the first tick.
    ring_time : float, default 0.012
        Decay time constant of the ring in seconds.
    rng : int, numpy.random.Generator or None
        Random source.
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: the synthetic sound scenes of ``course_lib.datasets``; the chapters use ESC-10)
    """
    sr = _checks.sample_rate(sr)
    rate = _checks.positive(rate, "rate", "Hz")
    f_ring = _checks.positive(f_ring, "f_ring", "Hz")
    onset = _checks.number(onset, "onset", "s", minimum=0.0)
    ring_time = _checks.positive(ring_time, "ring_time", "s")
    amplitude = _amplitude(amplitude)
    n = n_samples_for(sr=sr, duration=duration)
    gen = _checks.rng(rng)
    times = onset + np.arange(int(max(0.0, (n / sr - onset)) * rate) + 1) / rate
    times = times[times * sr < n]
    tick = np.zeros(n)
    tock = np.zeros(n)
    for j, tt in enumerate(times):
        (tick if j % 2 == 0 else tock)[int(tt * sr)] = float(gen.uniform(0.85, 1.0))
    y = np.zeros(n)
    ratios = (1.0, 1.47, 2.09)
    for imp, shift in ((tick, 1.0), (tock, 0.85)):
        if not imp.any():
            continue
        for r, g in zip(ratios, (1.0, 0.6, 0.35)):
            f = f_ring * shift * r * float(gen.uniform(0.98, 1.02))
            if f < 0.47 * sr:
                y += g * _ring(imp, f, ring_time / r**0.5, sr)
        # the click: a short high-passed noise burst
        k = max(2, int(0.0015 * sr))
        burst = np.diff(gen.standard_normal(k + 1)) * np.hanning(k)
        y += 0.3 * np.convolve(imp, burst)[:n]
    return _finish(y, amplitude)


def door_knock(*, sr, duration, n_knocks=3, interval=0.18, f_res=180.0, onset=0.1, rng=None, amplitude=0.8) -> np.ndarray:
    """Knocking on a wooden door: 2–4 low resonant thumps in quick succession.

    Each knuckle strike is a short low-passed impulse exciting the door's low panel modes
    (around ``f_res``, 15–40 ms decay) plus a quieter mid-frequency "knock" at 1–2 kHz.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    n_knocks : int, default 3
        Number of knocks.
    interval : float, default 0.18
        Seconds between knocks (jittered by ±10 %).
    f_res : float, default 180.0
        Lowest panel resonance in Hz.
    onset : float, default 0.1
        Seconds before the first knock.
    rng : int, numpy.random.Generator or None
        Random source.
    amplitude : float, default 0.8
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: the synthetic sound scenes of ``course_lib.datasets``; the chapters use ESC-10)
    """
    sr = _checks.sample_rate(sr)
    n_knocks = _checks.integer(n_knocks, "n_knocks", minimum=1)
    interval = _checks.positive(interval, "interval", "s")
    f_res = _checks.positive(f_res, "f_res", "Hz")
    onset = _checks.number(onset, "onset", "s", minimum=0.0)
    amplitude = _amplitude(amplitude)
    n = n_samples_for(sr=sr, duration=duration)
    gen = _checks.rng(rng)
    imp = np.zeros(n)
    t = onset
    for j in range(n_knocks):
        i = int(t * sr)
        if i >= n:
            break
        imp[i] += float(gen.uniform(0.7, 1.0)) * (1.0 if j < n_knocks - 1 else 0.9)
        t += interval * float(gen.uniform(0.9, 1.1))
    k = max(2, int(0.003 * sr))
    strike = np.convolve(imp, np.hanning(k))[:n]  # a soft knuckle, ~3 ms
    y = np.zeros(n)
    for r, g, tau in ((1.0, 1.0, 0.035), (1.6, 0.6, 0.025), (2.3, 0.4, 0.018), (3.1, 0.25, 0.014)):
        f = f_res * r * float(gen.uniform(0.95, 1.05))
        if f < 0.45 * sr:
            y += g * _ring(strike, f, tau * float(gen.uniform(0.8, 1.2)), sr)
    y /= np.max(np.abs(y)) + 1e-12
    knock = _ring(imp, min(float(gen.uniform(1000, 2000)), 0.45 * sr), 0.004, sr)
    y += 0.25 * knock / (np.max(np.abs(knock)) + 1e-12)
    return _finish(y, amplitude)


def mains_hum(*, sr, duration, mains=50.0, n_harmonics=8, rng=None, amplitude=0.5) -> np.ndarray:
    """Electrical mains hum: ``mains`` Hz (50 or 60) and its harmonics, odd ones stronger.

    A common recording artefact, used as background noise.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    mains : float, default 50.0
        Mains frequency in Hz.
    n_harmonics : int, default 8
        Number of harmonics.
    rng : int, numpy.random.Generator or None
        Source of the harmonic phases and levels.
    amplitude : float, default 0.5
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Notebook: (not yet used by a chapter: chapter 05 mixes real backgrounds)
    """
    mains = _checks.positive(mains, "mains", "Hz")
    n_harmonics = _checks.integer(n_harmonics, "n_harmonics", minimum=1)
    amplitude = _amplitude(amplitude)
    gen = _checks.rng(rng)
    t = time_axis(sr=sr, duration=duration)
    k = np.arange(1, n_harmonics + 1)
    amps = np.where(k % 2 == 1, 1.0, 0.3) / k * gen.uniform(0.5, 1.5, n_harmonics)
    y = _additive(np.full(t.size, mains), _checks.sample_rate(sr), amps, phases=gen.uniform(0, 2 * np.pi, n_harmonics))
    return _finish(y, amplitude)


# ---------------------------------------------------------------------------------------
# background noises by name (chapter 05; augment mixes them in, pitch_eval scores in them)
# ---------------------------------------------------------------------------------------
def _bandpass_noise(gen, n, sr, lo, hi, order=2):
    hi = min(hi, 0.45 * sr)
    sos = _signal.butter(order, [lo, hi], btype="band", fs=sr, output="sos")
    return _signal.sosfilt(sos, gen.standard_normal(n))


def _slow_envelope(gen, n, sr, cutoff_hz, depth_db):
    """A smooth random level contour (linear gain) varying over about ``depth_db`` dB."""
    k = max(4, int(n / sr * cutoff_hz * 2) + 4)
    knots = gen.standard_normal(k)
    contour = np.interp(np.linspace(0, k - 1, n), np.arange(k), knots)
    contour = (contour - contour.min()) / (np.ptp(contour) + 1e-12)
    return 10.0 ** (depth_db * (contour - 1.0) / 20.0)


def _traffic(sr, duration, gen):
    n = n_samples_for(sr=sr, duration=duration)
    t = np.arange(n) / sr
    # distant rumble: brown noise low-passed at 300 Hz
    rumble = _signal.sosfilt(_signal.butter(2, 300.0, fs=sr, output="sos"),
                             brown_noise(sr=sr, duration=duration, rng=gen).astype(np.float64))
    y = 0.3 * rumble / (np.std(rumble) + 1e-12)
    n_cars = max(2, int(gen.poisson(0.5 * duration)))
    for _ in range(n_cars):
        t0 = float(gen.uniform(-1.0, duration + 1.0))  # time of closest approach
        speed = float(gen.uniform(8.0, 20.0))  # m/s
        d0 = float(gen.uniform(4.0, 15.0))  # closest distance, m
        r = np.sqrt(d0**2 + (speed * (t - t0)) ** 2)
        gain = 4.0 / r  # spherical spreading, relative to 4 m
        engine = engine_hum(sr=sr, duration=duration, rpm=float(gen.uniform(1500, 3500)), cylinders=int(gen.choice([4, 6])),
                            brightness=float(gen.uniform(0.3, 0.8)), rng=gen).astype(np.float64)
        tyres = _bandpass_noise(gen, n, sr, 250.0, 2500.0)
        car = 0.6 * engine / (np.std(engine) + 1e-12) + tyres / (np.std(tyres) + 1e-12)
        y += gain * car
    return y


def _wind(sr, duration, gen):
    n = n_samples_for(sr=sr, duration=duration)
    base = _signal.sosfilt(_signal.butter(2, 400.0, fs=sr, output="sos"), gen.standard_normal(n))
    base /= np.std(base) + 1e-12
    gusts = _slow_envelope(gen, n, sr, 0.4, 18.0)
    whistle = _bandpass_noise(gen, n, sr, float(gen.uniform(500, 700)), float(gen.uniform(800, 1000)), order=4)
    whistle /= np.std(whistle) + 1e-12
    return gusts * (base + 0.25 * whistle * gusts)


def _hum(sr, duration, gen):
    mains = float(gen.choice([50.0, 60.0]))
    hum = mains_hum(sr=sr, duration=duration, mains=mains, n_harmonics=10, rng=gen).astype(np.float64)
    n = hum.size
    fan = _signal.sosfilt(_signal.butter(2, [60.0, 1500.0], btype="band", fs=sr, output="sos"), gen.standard_normal(n))
    blade = float(gen.uniform(20.0, 40.0))  # blade-pass frequency, Hz
    fan *= 1.0 + 0.3 * np.sin(2 * np.pi * blade * np.arange(n) / sr)
    return hum / (np.std(hum) + 1e-12) + 0.5 * fan / (np.std(fan) + 1e-12)


def _cafe(sr, duration, gen):
    talk = babble(sr=sr, duration=duration, n_voices=6, rng=gen).astype(np.float64)
    n = talk.size
    y = talk / (np.std(talk) + 1e-12)
    n_clinks = int(gen.poisson(1.5 * duration))
    for _ in range(n_clinks):
        i0 = int(gen.integers(0, n))
        length = min(n - i0, int(0.3 * sr))
        tt = np.arange(length) / sr
        clink = np.zeros(length)
        f1 = float(gen.uniform(1800, 4000))
        for ratio, amp in ((1.0, 1.0), (2.32, 0.5), (4.25, 0.25)):
            f = f1 * ratio
            if f < 0.45 * sr:
                clink += amp * np.sin(2 * np.pi * f * tt) * np.exp(-tt / float(gen.uniform(0.03, 0.12)))
        y[i0 : i0 + length] += float(gen.uniform(1.0, 3.0)) * clink
    return y


_BACKGROUNDS = {
    "white": lambda sr, duration, gen: white_noise(sr=sr, duration=duration, rng=gen),
    "pink": lambda sr, duration, gen: pink_noise(sr=sr, duration=duration, rng=gen),
    "brown": lambda sr, duration, gen: brown_noise(sr=sr, duration=duration, rng=gen),
    "rain": lambda sr, duration, gen: rain(sr=sr, duration=duration, density=900.0, brightness=0.6, rng=gen),
    "traffic": _traffic,
    "babble": lambda sr, duration, gen: babble(sr=sr, duration=duration, n_voices=8, rng=gen),
    "hum": _hum,
    "wind": _wind,
    "cafe": _cafe,
}


def background_noise(kind, *, sr, duration, rng=None, amplitude=0.5) -> np.ndarray:
    """A background noise by name, synthesized deterministically from ``rng``.

    ================  ====================================================================
    kind              what it is
    ================  ====================================================================
    ``"white"``       Gaussian white noise (:func:`white_noise`)
    ``"pink"``        1/f noise, −3 dB/octave (:func:`pink_noise`)
    ``"brown"``       1/f² noise, −6 dB/octave (:func:`brown_noise`)
    ``"rain"``        dense droplets over hiss (:func:`rain`, 900 drops/s)
    ``"traffic"``     cars passing by (engine harmonics + tyre noise, level ∝ 1 / distance
                      along a straight road) over a low rumble
    ``"babble"``      a crowd of 8 talkers (:func:`babble`)
    ``"hum"``         50 or 60 Hz mains hum with harmonics and a ventilation fan
    ``"wind"``        low-frequency gusts (18 dB level swings) with a faint whistle
    ``"cafe"``        6 talkers and the clinks of cups and glasses
    ================  ====================================================================

    Parameters
    ----------
    kind : str
        One of :data:`NOISE_KINDS`.
    sr : int
        Sampling rate in Hz.
    duration : float
        Seconds.
    rng : int, numpy.random.Generator or None
        Random source: the same ``(kind, sr, duration, rng)`` with an int seed always gives
        the same samples; for the coloured noises the result equals the generator's own
        (``background_noise("pink", ..., rng=3)`` is ``pink_noise(..., rng=3)``).
    amplitude : float, default 0.5
        Peak value in [0, 1].

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Raises
    ------
    TypeError, ValueError
        An unknown ``kind``, a bad ``sr``, ``duration``, ``rng`` or ``amplitude``.

    Notebook: (not yet used by a chapter: chapter 05 mixes real backgrounds)
    """
    kind = _checks.choice(kind, "kind", NOISE_KINDS)
    sr = _checks.sample_rate(sr)
    duration = _checks.positive(duration, "duration", "s")
    amplitude = _amplitude(amplitude)
    gen = _checks.rng(rng)
    return _finish(_BACKGROUNDS[kind](sr, duration, gen), amplitude)
