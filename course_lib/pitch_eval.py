"""Scoring pitch trackers: ground truth, noisy test signals, pYIN, and mir_eval's accuracies.

Chapter ``07_crepe`` compares CREPE with librosa's pYIN the way the field does, with
``mir_eval.melody``'s **raw pitch accuracy** (RPA: the fraction of voiced reference frames whose
estimate lies within 50 cents of the truth) and **raw chroma accuracy** (RCA: the same, forgiving
octave errors). This module provides the pieces: the exact reference f0 of synthetic tones at the
trackers' frame times (:func:`reference_f0`), test signals (:func:`make_eval_set`) -- harmonic
tones with vibrato and glides in several timbres, mixed with a background noise of
:func:`course_lib.synth.background_noise` (white, pink, rain, babble, traffic ...) at a chosen SNR
with :func:`course_lib.augment.add_noise` and optionally
reverberated with :func:`course_lib.augment.reverb` and a synthetic exponentially decaying room
response (:func:`exponential_ir`) -- pYIN with the course's settings (:func:`pyin`), the two
accuracies (:func:`evaluate`) and the agreement of two trackers where there is no ground truth
(:func:`agreement`). Only NumPy, SciPy, librosa and mir_eval are used (no TensorFlow). Layer 3
(it uses :mod:`course_lib.augment`); randomness comes from ``rng`` arguments, so every set is
reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import _checks, augment, pitch, synth

__all__ = [
    "TIMBRES",
    "EvalClip",
    "reference_f0",
    "exponential_ir",
    "make_eval_set",
    "pyin",
    "evaluate",
    "agreement",
]

#: Harmonic amplitude sets (harmonic 1, 2, 3, ...) of the synthetic timbres.
TIMBRES = {
    "flute": (1.0, 0.25, 0.08, 0.03),
    "clarinet": (1.0, 0.02, 0.55, 0.02, 0.35, 0.02, 0.2, 0.02, 0.12),
    "bright": tuple(1.0 / k for k in range(1, 16)),
    "weak_fundamental": (0.12, 1.0, 0.8, 0.6, 0.45, 0.3, 0.2),
}

@dataclass(eq=False)
class EvalClip:
    """One test signal with its exact pitch.

    Attributes
    ----------
    name : str
        ``"{timbre}|{noise}|{snr}"`` (plus ``"|reverb"``).
    y : np.ndarray
        float32 audio in [-1, 1].
    sr : int
        Hz.
    f0 : np.ndarray
        True fundamental in Hz, one value per sample (float64).
    timbre, noise : str
    snr_db : float
        Signal-to-noise ratio in dB (``inf`` for a clean clip).
    reverb : bool
    """

    name: str
    y: np.ndarray = field(repr=False)
    sr: int
    f0: np.ndarray = field(repr=False)
    timbre: str
    noise: str
    snr_db: float
    reverb: bool = False


def reference_f0(f0_track, sr, times) -> np.ndarray:
    """The true f0 at frame times: ``f0_track[round(t · sr)]`` (0 Hz, unvoiced, outside the signal).

    Parameters
    ----------
    f0_track : array_like, shape (n_samples,)
        Hz per sample (e.g. from ``synth.harmonic_tone(..., return_f0=True)``); values <= 0 mean
        unvoiced.
    sr : int
        Hz.
    times : array_like
        Frame centres in seconds (e.g. ``crepe.predict``'s ``time``).

    Returns
    -------
    np.ndarray of float64, same shape as ``times``.

    Notebook: 07_crepe
    """
    f0_track = _checks.audio(f0_track, "f0_track", ndim=1).astype(np.float64)
    sr = _checks.sample_rate(sr)
    times = np.asarray(times, dtype=np.float64)
    index = np.round(times * sr).astype(np.int64)
    inside = (index >= 0) & (index < f0_track.size)
    out = np.zeros(times.shape)
    out[inside] = f0_track[index[inside]]
    return np.maximum(out, 0.0)


def exponential_ir(sr, rt60=0.5, wet=0.5, rng=0) -> np.ndarray:
    """A synthetic room impulse response: a direct path plus exponentially decaying noise.

    ``h[n] = (1 - wet)·δ[n] + wet · e[n] · 10^(-3 n / (rt60 · sr))`` for ``n < rt60 · sr``, with
    ``e`` white noise scaled so that the tail has unit energy: the tail's level falls by 60 dB in
    ``rt60`` seconds (the reverberation time). Convolve with :func:`course_lib.augment.reverb`.

    Parameters
    ----------
    sr : int
        Hz.
    rt60 : float
        Seconds.
    wet : float
        Share of the reverberant tail in [0, 1].
    rng : int, numpy.random.Generator or None
        Random source of the tail (an int seeds a new generator).

    Returns
    -------
    np.ndarray of float32, shape (round(rt60 · sr),)

    Notebook: 07_crepe (via `make_eval_set`)
    """
    sr = _checks.sample_rate(sr)
    rt60 = _checks.positive(rt60, "rt60", "s")
    wet = _checks.number(wet, "wet", minimum=0.0, maximum=1.0)
    n = max(2, int(round(rt60 * sr)))
    tail = _checks.rng(rng).standard_normal(n) * 10 ** (-3.0 * np.arange(n) / n)
    tail /= np.sqrt(np.sum(tail**2))
    h = wet * tail
    h[0] += 1.0 - wet
    return h.astype(np.float32)


def make_eval_set(
    *,
    snrs=(20.0, 10.0, 5.0, 0.0),
    noises=("white", "rain", "babble"),
    timbres=tuple(TIMBRES),
    n_per_condition=1,
    duration=1.0,
    sr=16000,
    reverb=False,
    fmin=110.0,
    fmax=880.0,
    rng=0,
) -> list:
    """Synthetic test clips with exact ground truth: ``n_per_condition`` per (noise, SNR).

    Each clip is a :func:`course_lib.synth.harmonic_tone` whose start pitch is log-uniform in
    [``fmin``, ``fmax``] Hz, gliding up or down by up to 7 semitones, with a 4–7 Hz vibrato of
    20–60 cents, in one of the ``timbres`` (:data:`TIMBRES`, taken in turn; the ``j``-th noise
    starts at the ``j``-th timbre, so that an SNR is not tied to one timbre), optionally
    reverberated (``reverb``: :func:`course_lib.augment.reverb` with an :func:`exponential_ir`
    of RT60 0.3–0.8 s) and mixed with the noise at the SNR (:func:`course_lib.augment.add_noise`;
    ``math.inf`` for a clean clip). Deterministic given an int ``rng``. Keyword arguments only.

    Parameters
    ----------
    snrs : sequence of float
        dB.
    noises : sequence of str
        Kinds of :func:`course_lib.synth.background_noise` (:data:`course_lib.synth.NOISE_KINDS`).
    timbres : sequence of str
        Keys of :data:`TIMBRES`, used in turn.
    n_per_condition : int
        Clips per (noise, SNR).
    duration : float
        Seconds per clip.
    sr : int
        Hz.
    reverb : bool
        Reverberate each clip before adding the noise.
    fmin, fmax : float
        Range of the start pitch, Hz.
    rng : int, numpy.random.Generator or None
        Random source (an int seeds a new generator).

    Returns
    -------
    list of EvalClip
        In the order noise, SNR, clip.

    Notebook: 07_crepe
    """
    timbres = tuple(_checks.choice(t, "timbres", TIMBRES) for t in timbres)
    if not timbres:
        raise ValueError("timbres must name at least one timbre")
    noises = tuple(_checks.choice(k, "noises", synth.NOISE_KINDS) for k in noises)
    n_per_condition = _checks.positive_int(n_per_condition, "n_per_condition", what="clips")
    sr = _checks.sample_rate(sr)
    duration = _checks.positive(duration, "duration", "s")
    fmin = _checks.positive(fmin, "fmin", "Hz")
    fmax = _checks.number(fmax, "fmax", "Hz", minimum=fmin)
    rng = _checks.rng(rng)
    clips = []
    for j, noise in enumerate(noises):
        count = j  # each noise starts one timbre further, so that no SNR always gets the same timbre
        for snr in snrs:
            for _ in range(n_per_condition):
                timbre = timbres[count % len(timbres)]
                count += 1
                f_start = float(np.exp(rng.uniform(np.log(fmin), np.log(fmax))))
                glide = float(f_start * 2 ** (rng.uniform(-7, 7) / 12))
                y, f0 = synth.harmonic_tone(
                    f_start, duration=duration, sr=sr, harmonics=TIMBRES[timbre],
                    vibrato_rate=float(rng.uniform(4, 7)), vibrato_cents=float(rng.uniform(20, 60)),
                    glide_to=glide, amplitude=0.5, return_f0=True,
                )
                noise_seed = int(rng.integers(2**31))
                if reverb:
                    ir = exponential_ir(sr, rt60=float(rng.uniform(0.3, 0.8)), rng=noise_seed)
                    y = augment.reverb(y, ir, level="rms")
                if snr != math.inf:
                    noise_y = synth.background_noise(noise, sr=sr, duration=duration, rng=noise_seed)
                    y = augment.add_noise(y, noise_y, snr, rng=noise_seed)
                name = f"{timbre}|{noise}|{snr:g} dB" + ("|reverb" if reverb else "")
                clips.append(EvalClip(name, y, sr, f0, timbre, noise, float(snr), bool(reverb)))
    return clips


def pyin(y, sr, fmin=50.0, fmax=2000.0, frame_length=1024, hop_length=None):
    """librosa's pYIN with the course's settings, on the same time grid as CREPE.

    ``librosa.pyin`` with centred frames (frame ``t`` centred at ``t · hop / sr`` seconds, like
    CREPE's), ``hop_length = sr / 100`` (10 ms) by default and ``fill_na=None``, so that unvoiced
    frames still carry pYIN's best pitch guess (raw pitch accuracy ignores voicing).

    Parameters
    ----------
    y : array_like, 1-D
        Mono audio.
    sr : int
        Hz.
    fmin, fmax : float
        Search range in Hz (default 50–2000 Hz).
    frame_length : int
        Samples (1024 = 64 ms at 16 kHz, CREPE's window).
    hop_length : int, optional
        Samples (default 10 ms).

    Returns
    -------
    time : np.ndarray, seconds
    f0 : np.ndarray, Hz (best guess in every frame)
    voiced_flag : np.ndarray of bool
    voiced_prob : np.ndarray

    Notebook: 07_crepe
    """
    import librosa

    y = _checks.audio(y, ndim=1).astype(np.float32)
    sr = _checks.sample_rate(sr)
    fmin = _checks.positive(fmin, "fmin", "Hz")
    fmax = _checks.number(fmax, "fmax", "Hz", minimum=fmin, open_minimum=True)
    frame_length = _checks.positive_int(frame_length, "frame_length", what="samples")
    hop_length = int(round(sr / 100)) if hop_length is None else _checks.positive_int(hop_length, "hop_length", what="samples")
    f0, voiced_flag, voiced_prob = librosa.pyin(
        y, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame_length, hop_length=hop_length, fill_na=None, center=True
    )
    time = np.arange(f0.size) * hop_length / sr
    return time, f0, voiced_flag, voiced_prob


def evaluate(ref_time, ref_freq, est_time, est_freq, cent_tolerance=50.0) -> dict:
    """Raw pitch and raw chroma accuracy of an estimate, with ``mir_eval.melody``.

    Both series are converted with ``mir_eval.melody.to_cent_voicing`` (the estimate resampled
    to the reference's times; frequencies <= 0 mean unvoiced), then
    ``raw_pitch_accuracy`` and ``raw_chroma_accuracy`` count the voiced reference frames whose
    estimate lies within ``cent_tolerance`` cents (RCA: after folding octaves).

    Parameters
    ----------
    ref_time, ref_freq : array_like
        Seconds, Hz (0 = unvoiced).
    est_time, est_freq : array_like
        Seconds, Hz (the estimate's voicing is ignored by both measures).
    cent_tolerance : float
        Largest error counted as correct, cents.

    Returns
    -------
    dict with ``"rpa"`` and ``"rca"`` (floats in [0, 1]).

    Notebook: 07_crepe
    """
    import mir_eval

    cent_tolerance = _checks.positive(cent_tolerance, "cent_tolerance", "cents")
    ref_time = np.asarray(ref_time, dtype=np.float64)
    est_time = np.asarray(est_time, dtype=np.float64)
    ref_freq = np.nan_to_num(np.asarray(ref_freq, dtype=np.float64), nan=0.0)
    est_freq = np.nan_to_num(np.asarray(est_freq, dtype=np.float64), nan=0.0)
    if ref_time.shape != ref_freq.shape or est_time.shape != est_freq.shape or ref_time.size == 0:
        raise ValueError("times and frequencies must be non-empty 1-D arrays of equal length")
    ref_v, ref_c, est_v, est_c = mir_eval.melody.to_cent_voicing(ref_time, ref_freq, est_time, est_freq)
    return {
        "rpa": float(mir_eval.melody.raw_pitch_accuracy(ref_v, ref_c, est_v, est_c, cent_tolerance)),
        "rca": float(mir_eval.melody.raw_chroma_accuracy(ref_v, ref_c, est_v, est_c, cent_tolerance)),
    }


def agreement(freq_a, freq_b, mask=None, cent_tolerance=50.0) -> float:
    """Fraction of frames (where ``mask``) in which two pitch tracks agree within ``cent_tolerance``.

    A check without ground truth (e.g. CREPE vs pYIN on speech); frames where either frequency
    is <= 0 or NaN count as disagreement.

    Parameters
    ----------
    freq_a, freq_b : array_like, shape (n_frames,)
        Hz, on the same time grid.
    mask : array_like of bool, shape (n_frames,), optional
        Frames to count (default: all).
    cent_tolerance : float
        Largest difference counted as agreement, cents.

    Returns
    -------
    float
        In [0, 1]; NaN when ``mask`` selects no frame.

    Notebook: 07_crepe
    """
    cent_tolerance = _checks.positive(cent_tolerance, "cent_tolerance", "cents")
    a = np.asarray(freq_a, dtype=np.float64)
    b = np.asarray(freq_b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"freq_a and freq_b must have the same shape, got {a.shape} and {b.shape}")
    m = np.ones(a.shape, bool) if mask is None else np.asarray(mask, bool)
    if m.shape != a.shape:
        raise ValueError(f"mask must have shape {a.shape}, got {m.shape}")
    if not m.any():
        return float("nan")
    ok = (a > 0) & (b > 0)  # False for NaN too
    diff = np.abs(pitch.interval_cents(np.where(ok, b, 1.0), np.where(ok, a, 1.0)))
    return float(np.mean((ok & (diff < cent_tolerance))[m]))
