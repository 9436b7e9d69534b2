"""Scoring pitch trackers: ground truth, test signals in noise, pYIN, and mir_eval's measures.

Chapter ``07_crepe`` compares CREPE, FCN-F0 and librosa's pYIN the way the field does, with
``mir_eval.melody``'s **raw pitch accuracy** (RPA: the fraction of voiced reference frames whose
estimate lies within 50 cents of the truth), **raw chroma accuracy** (RCA: the same, forgiving
octave errors) and the **voicing recall** and **false alarm**, kept apart
(:func:`score_tracker`), on a benchmark of real sampled-instrument notes with exact MIDI pitch,
silence around them, mixed with real ambient recordings at a chosen SNR (:func:`note_excerpts`,
:func:`note_reference`), and with reliability tables of a tracker's confidence
(:func:`reliability`). It also holds pYIN with the course's settings (:func:`pyin`), the exact
reference f0 of synthetic tones at frame times (:func:`reference_f0`), and an older synthetic
test set (harmonic tones in :func:`course_lib.synth.background_noise`, optionally reverberated:
:func:`make_eval_set`, :func:`exponential_ir`, :func:`evaluate`, :func:`agreement`). Only NumPy,
SciPy, librosa and mir_eval are used (no TensorFlow). Layer 3 (it uses :mod:`course_lib.augment`,
:mod:`course_lib.corpora` and :mod:`course_lib.instruments`); randomness comes from ``rng`` or
``seed`` arguments, so every set is reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import _checks
from ..dsp import augment, pitch, synth

__all__ = [
    "TIMBRES",
    "EvalClip",
    "reference_f0",
    "exponential_ir",
    "make_eval_set",
    "pyin",
    "evaluate",
    "agreement",
    "BENCHMARK_INSTRUMENTS",
    "BENCHMARK_BACKGROUNDS",
    "NoteExcerpt",
    "note_excerpts",
    "note_reference",
    "score_tracker",
    "reliability",
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

    Notebook: (not yet used by a chapter: chapter 07 now benchmarks on real notes, :func:`note_excerpts`)
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

    Notebook: (not yet used by a chapter: chapter 07 now benchmarks on real notes, :func:`note_excerpts`)
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

    Notebook: 07_crepe (via `track`)
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

    Notebook: (not yet used by a chapter: chapter 07 now benchmarks on real notes, :func:`note_excerpts`)
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

    Notebook: (not yet used by a chapter: chapter 07 now benchmarks on real notes, :func:`note_excerpts`)
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


# ============================================================================================
# a benchmark on real instrument notes in real backgrounds
# ============================================================================================
#: Instruments of the benchmark and the MIDI keys drawn for them: among those whose rendered f0
#: is within 10 cents of the MIDI pitch (``course_lib.instruments``; tests/test_instruments.py),
#: keys inside each one's tested range, at most MIDI 81 (880 Hz) so that every tracker covers them
#: (FCN-F0's bins stop at 1000 Hz).
BENCHMARK_INSTRUMENTS = {
    "Cello": (36, 60),
    "Acoustic Guitar (nylon)": (48, 72),
    "Clarinet": (60, 81),
    "Trumpet": (60, 81),
}
#: Real ambient recordings (``course_lib.corpora.load_background``) the notes are mixed with.
BENCHMARK_BACKGROUNDS = ("city", "coffee-shop", "rain", "wind", "train", "birds", "waves", "fireplace")

_BACKGROUNDS: dict = {}


@dataclass(eq=False)
class NoteExcerpt:
    """A real instrument note with silence around it, in a real background, with its exact pitch.

    Attributes
    ----------
    name : str
        ``"{instrument}|MIDI {midi}|{background}|{snr} dB"``.
    y : np.ndarray
        float32 mixture, ``sr`` Hz.
    clean : np.ndarray
        float32, the note alone on the same time axis (zeros in the silences).
    sr : int
    instrument : str
    midi : int
        The key played; the true f0 is ``pitch.midi_to_hz(midi)`` Hz.
    background : str
    snr_db : float
        Of the whole excerpt (note and silences) over the background; ``inf`` when clean.
    onset : float
        Seconds from the start of the excerpt to the note.
    """

    name: str
    y: np.ndarray = field(repr=False)
    clean: np.ndarray = field(repr=False)
    sr: int
    instrument: str
    midi: int
    background: str
    snr_db: float
    onset: float


def _background(name, sr):
    from . import corpora

    if (name, sr) not in _BACKGROUNDS:
        _BACKGROUNDS[name, sr] = corpora.load_background(name, sr=sr)
    return _BACKGROUNDS[name, sr]


def note_excerpts(instrument, snr_db, n=5, *, sr=16000, silence=0.3, duration=1.0, seed=0,
                  backgrounds=BENCHMARK_BACKGROUNDS):
    """``n`` excerpts of one benchmark cell: a sampled instrument note in a real background.

    Each excerpt is ``silence`` s of nothing, one note of ``duration`` s
    (:func:`course_lib.instruments.instrument_note`, velocity 100, the key released after three
    quarters of it, NSynth's proportion) at a random key of :data:`BENCHMARK_INSTRUMENTS`, and
    ``silence`` s of nothing, mixed with a random stretch of a random real background
    (:data:`BENCHMARK_BACKGROUNDS`) by :func:`course_lib.augment.mix_at_snr` at ``snr_db``
    measured over the whole excerpt (``math.inf``: no background). The silences let a tracker's
    voicing false alarms be measured. The random draws depend only on ``(instrument, snr_db,
    seed)``, so one cell can be remade without the others.

    Parameters
    ----------
    instrument : str
        A key of :data:`BENCHMARK_INSTRUMENTS`.
    snr_db : float
        dB, or ``math.inf``.
    n : int
        Excerpts.
    sr : int
        Hz.
    silence, duration : float
        Seconds.
    seed : int
        Random seed of the benchmark.
    backgrounds : sequence of str
        Names for :func:`course_lib.corpora.load_background`.

    Returns
    -------
    list of NoteExcerpt

    Notebook: 07_crepe
    """
    import zlib

    from . import instruments

    instrument = _checks.choice(instrument, "instrument", BENCHMARK_INSTRUMENTS)
    if not (isinstance(snr_db, (int, float, np.integer, np.floating)) and not isinstance(snr_db, bool)):
        raise TypeError(f"snr_db must be a number (dB) or math.inf, got {snr_db!r}")
    snr_db = float(snr_db) if snr_db == math.inf else _checks.number(snr_db, "snr_db", "dB")
    n = _checks.positive_int(n, "n", what="excerpts")
    sr = _checks.sample_rate(sr)
    silence = _checks.positive(silence, "silence", "s")
    duration = _checks.positive(duration, "duration", "s")
    seed = _checks.integer(seed, "seed", 0)
    if not backgrounds:
        raise ValueError("backgrounds must name at least one background")
    lo, hi = BENCHMARK_INSTRUMENTS[instrument]
    rng = np.random.default_rng([seed, zlib.crc32(f"{instrument}|{snr_db:g}".encode())])
    pad = int(round(silence * sr))
    out = []
    for _ in range(n):
        midi = int(rng.integers(lo, hi + 1))
        note = instruments.instrument_note(instrument, midi, velocity=100, duration=duration, sr=sr)
        clean = np.concatenate([np.zeros(pad, np.float32), note, np.zeros(pad, np.float32)])
        name = str(backgrounds[int(rng.integers(len(backgrounds)))])
        if snr_db == math.inf:
            y = clean.copy()
        else:
            bg = _background(name, sr)
            start = int(rng.integers(0, bg.size - clean.size))
            y = augment.mix_at_snr(clean, bg[start : start + clean.size], snr_db)
        label = f"{instrument}|MIDI {midi}|{name if snr_db != math.inf else 'clean'}|{snr_db:g} dB"
        out.append(NoteExcerpt(label, y.astype(np.float32), clean, sr, instrument, midi,
                               name if snr_db != math.inf else "none", snr_db, pad / sr))
    return out


def note_reference(excerpt, times, floor_db=-20.0, margin=0.07):
    """Reference f0 of a :class:`NoteExcerpt` at frame times, and which frames to score.

    A frame is **voiced** (f0 = the MIDI pitch) where the clean note's RMS in a 64 ms window
    centred on it is within ``floor_db`` of the note's loudest frame; **unvoiced** (0 Hz) where
    the frame lies more than ``margin`` s (half of FCN-F0's 124 ms window) from any sample of the
    note, so that no tracker's window reaches it; the frames in between (attack, the fading tail)
    are not scored.

    Parameters
    ----------
    excerpt : NoteExcerpt
    times : array_like
        Frame centres, s.
    floor_db : float
        dB below the loudest frame (negative).
    margin : float
        Seconds.

    Returns
    -------
    ref_freq : np.ndarray, Hz (0 = unvoiced)
    scored : np.ndarray of bool

    Notebook: 07_crepe
    """
    times = np.asarray(times, dtype=np.float64)
    clean = excerpt.clean.astype(np.float64)
    sr = excerpt.sr
    half = int(0.032 * sr)
    centre = np.round(times * sr).astype(np.int64)
    csum = np.concatenate([[0.0], np.cumsum(clean**2)])
    lo = np.clip(centre - half, 0, clean.size)
    hi = np.clip(centre + half, 0, clean.size)
    rms = np.sqrt((csum[hi] - csum[lo]) / (2 * half))
    nz = np.flatnonzero(clean)
    first, last = nz[0] / sr, nz[-1] / sr
    voiced = rms >= rms.max() * 10 ** (floor_db / 20)
    silent = (times < first - margin) | (times > last + margin)
    ref = np.where(voiced, pitch.midi_to_hz(excerpt.midi), 0.0)
    return ref, voiced | silent


def score_tracker(ref_freq, est_freq, est_voiced, scored=None, cent_tolerance=50.0) -> dict:
    """Pitch and voicing scores of one tracker with ``mir_eval.melody``, voicing kept apart.

    ``mir_eval``'s raw pitch accuracy ignores the estimator's voicing only when the estimate
    carries a pitch in its unvoiced frames; here the pitch is scored **where the reference is
    voiced and the tracker says voiced** (``rpa``, ``rca``: mir_eval's raw pitch and chroma
    accuracy on those frames), and the voicing decision separately (``voicing_recall``,
    ``voicing_false_alarm``: ``mir_eval.melody.voicing_measures``). A tracker's "unvoiced" is
    thus never counted as a wrong pitch, and no pitch is invented for it. ``rpa_overall``
    (mir_eval's RPA with the estimate set to 0 Hz where the tracker says unvoiced) combines the
    two: the fraction of voiced reference frames with a voiced, correct estimate.

    Parameters
    ----------
    ref_freq : array_like
        Hz per frame, 0 = unvoiced.
    est_freq : array_like
        Hz per frame on the same grid (its value in unvoiced frames is not used).
    est_voiced : array_like of bool
        The tracker's voicing decision per frame.
    scored : array_like of bool, optional
        Frames to use (default: all).
    cent_tolerance : float
        Cents.

    Returns
    -------
    dict
        ``rpa``, ``rca`` (NaN when no frame is voiced in both), ``rpa_overall``,
        ``voicing_recall``, ``voicing_false_alarm`` (NaN without such frames), and the frame
        counts ``n_voiced``, ``n_unvoiced``, ``n_both``.

    Notebook: 07_crepe
    """
    import warnings

    cent_tolerance = _checks.positive(cent_tolerance, "cent_tolerance", "cents")
    ref = np.nan_to_num(np.asarray(ref_freq, dtype=np.float64))
    est = np.nan_to_num(np.asarray(est_freq, dtype=np.float64))
    ev = np.asarray(est_voiced, dtype=bool)
    m = np.ones(ref.shape, bool) if scored is None else np.asarray(scored, dtype=bool)
    if not (ref.shape == est.shape == ev.shape == m.shape) or ref.ndim != 1:
        raise ValueError(f"ref_freq, est_freq, est_voiced and scored must be 1-D of one length, got "
                         f"{ref.shape}, {est.shape}, {ev.shape}, {m.shape}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mir_eval warns of an all-unvoiced estimate: a valid result here
        return _score(ref[m], est[m], ev[m] & (est[m] > 0), cent_tolerance)


def _score(ref, est, ev, cent_tolerance) -> dict:
    import mir_eval

    rv = ref > 0
    rc = np.where(rv, 1200 * np.log2(np.where(rv, ref, 1.0) / 10.0), 0.0)
    ec = np.where(est > 0, 1200 * np.log2(np.where(est > 0, est, 1.0) / 10.0), 0.0)
    both = rv & ev
    out = {"n_voiced": int(rv.sum()), "n_unvoiced": int((~rv).sum()), "n_both": int(both.sum())}
    if both.any():
        one = np.ones(int(both.sum()))
        out["rpa"] = float(mir_eval.melody.raw_pitch_accuracy(one, rc[both], one, ec[both], cent_tolerance))
        out["rca"] = float(mir_eval.melody.raw_chroma_accuracy(one, rc[both], one, ec[both], cent_tolerance))
    else:
        out["rpa"] = out["rca"] = float("nan")
    ec_voiced = np.where(ev, ec, 0.0)
    out["rpa_overall"] = float(mir_eval.melody.raw_pitch_accuracy(rv.astype(float), rc, ev.astype(float), ec_voiced, cent_tolerance))
    recall = float(mir_eval.melody.voicing_recall(rv.astype(float), ev.astype(float))) if rv.any() else float("nan")
    false_alarm = float(mir_eval.melody.voicing_false_alarm(rv.astype(float), ev.astype(float))) if (~rv).any() else float("nan")
    out["voicing_recall"], out["voicing_false_alarm"] = recall, false_alarm
    return out


def reliability(confidence, correct, edges=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0)):
    """A reliability table: per confidence bin, the frames and the fraction of them that are correct.

    A tracker's confidence is *calibrated* when, among frames given confidence ``p``, a fraction
    ``p`` are right (here: within 50 cents). Bins are ``[edges[k], edges[k+1])`` (the last one
    closed).

    Parameters
    ----------
    confidence : array_like, in [0, 1]
    correct : array_like of bool, same shape
    edges : sequence of float
        Increasing bin edges.

    Returns
    -------
    counts : np.ndarray of int, shape (n_bins,)
    n_correct : np.ndarray of int, shape (n_bins,)
    mean_confidence : np.ndarray, shape (n_bins,), NaN for an empty bin

    Notebook: (tooling, the reliability tables that ``python -m course_lib.tools.crepe_cli benchmark`` caches for 07_crepe)
    """
    c = np.asarray(confidence, dtype=np.float64).ravel()
    ok = np.asarray(correct, dtype=bool).ravel()
    if c.shape != ok.shape:
        raise ValueError(f"confidence and correct must have the same size, got {c.size} and {ok.size}")
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
        raise ValueError(f"edges must be at least two increasing numbers, got {edges!r}")
    k = np.clip(np.searchsorted(e, c, side="right") - 1, 0, e.size - 2)
    counts = np.bincount(k, minlength=e.size - 1)
    n_correct = np.bincount(k, weights=ok, minlength=e.size - 1).astype(int)
    sums = np.bincount(k, weights=c, minlength=e.size - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return counts, n_correct, mean_conf
