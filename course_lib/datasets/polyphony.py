"""Polyphonic test passages with known notes, and the note segmentation of a monophonic tracker.

Chapter ``07_crepe`` goes from one pitch to many notes: it transcribes short passages played
from the recorded samples of the FluidR3 SoundFont (:mod:`course_lib.datasets.instruments`) with
Basic Pitch and with a monophonic tracker, and scores both against the notes that were played.

- :func:`compose`: the notes of a passage, drawn from a seed: block **chords** (diatonic triads
  and dyads, one every two beats), **two voices** (a melody, one note a beat, over an independent
  bass line, one note every two beats) or **one voice** (that melody alone); a random major key;
- :func:`render`: the passage played by an ensemble of :data:`ENSEMBLES` (piano, nylon guitar,
  or brass: trumpet over trombone), each note a separate recorded-sample note with its release
  tail, summed and scaled to a fixed peak;
- :func:`passages`: a set of them, ensemble × kind × index, each a :class:`Passage`;
- :func:`notes_from_f0`: the simple segmentation that turns a monophonic pitch track into notes
  (voiced frames, rounded to MIDI keys, runs of one key lasting at least 100 ms);

A transcription of them is scored by :func:`course_lib.evaluation.pitch_scores.note_scores`.

Reference offsets are the key releases, as in MIDI and in MIREX's references: a sound that rings
on in its release tail does not extend the note. Layer 3: imports :mod:`course_lib.dsp.pitch`,
:mod:`course_lib.datasets.instruments` and :mod:`course_lib.evaluation.pitch_scores` (its note checks); randomness comes from ``rng``.
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np

from .. import _checks
from ..dsp import pitch
from ..evaluation import pitch_scores
from . import instruments

__all__ = [
    "SAMPLE_RATE",
    "KINDS",
    "ENSEMBLES",
    "UPPER_RANGE",
    "LOWER_RANGE",
    "CHORD_RANGE",
    "NOTE_DTYPE",
    "Passage",
    "compose",
    "render",
    "passages",
    "notes_from_f0",
    
]

#: Sampling rate of the passages, Hz (Basic Pitch's own).
SAMPLE_RATE = 22050
#: The kinds of passage, from most to least polyphonic.
KINDS = ("chords", "two voices", "one voice")
#: Ensembles: (instrument of the upper voice and the chords, instrument of the lower voice), as
#: General MIDI names of :mod:`course_lib.datasets.instruments`.
ENSEMBLES = {
    "piano": ("Acoustic Grand Piano", "Acoustic Grand Piano"),
    "guitar": ("Acoustic Guitar (nylon)", "Acoustic Guitar (nylon)"),
    "brass": ("Trumpet", "Trombone"),
}
#: MIDI keys of the melody (E4-A5, 330-880 Hz), of the bass line (G2-A3, 98-220 Hz) and of the
#: chord tones (G3-G5, 196-784 Hz); all inside the ranges of the instruments that play them.
UPPER_RANGE = (64, 81)
LOWER_RANGE = (43, 57)
CHORD_RANGE = (55, 79)
#: A note: onset and offset (key release) in seconds, MIDI key, voice (0: melody or chord, 1: bass).
NOTE_DTYPE = np.dtype([("onset", np.float64), ("offset", np.float64), ("pitch", np.int64), ("voice", np.int64)])

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_STEPS = (-3, -2, -1, 1, 2, 3)       # a melody moves by a second, a third or a fourth, never repeats a key
_GAP = 0.05                          # seconds between a key's release and the next onset in the same voice


@dataclasses.dataclass(frozen=True, eq=False)
class Passage:
    """A passage played from recorded samples, with the notes that were played.

    Attributes
    ----------
    name : str
        ``"{ensemble}|{kind}|{index}"``.
    y : numpy.ndarray
        float32 mono audio, peak ``peak`` (:func:`render`).
    sr : int
        Hz.
    ensemble : str
        A key of :data:`ENSEMBLES`.
    kind : str
        One of :data:`KINDS`.
    notes : numpy.ndarray of NOTE_DTYPE
        The reference: onset, offset (key release) in seconds, MIDI key, voice; sorted by onset
        then pitch.
    tonic : int
        Pitch class of the major key (0 = C).
    """

    name: str
    y: np.ndarray = dataclasses.field(repr=False)
    sr: int
    ensemble: str
    kind: str
    notes: np.ndarray = dataclasses.field(repr=False)
    tonic: int


def _scale(tonic, low, high):
    return [k for k in range(low, high + 1) if (k - tonic) % 12 in _MAJOR]


def _walk(rng, keys, n):
    """``n`` keys of ``keys`` (a scale), a random start, then random steps of ``_STEPS`` degrees."""
    i = int(rng.integers(len(keys)))
    out = []
    for _ in range(n):
        out.append(keys[i])
        steps = [s for s in _STEPS if 0 <= i + s < len(keys)]
        i += int(steps[int(rng.integers(len(steps)))])
    return out


def compose(kind, rng=0, *, n_beats=6, beat=0.4, lead=0.25):
    """The notes of one passage: chords, two voices or one voice, in a random major key.

    Every draw comes from ``rng``: the tonic (a pitch class), then

    - ``"chords"``: one chord every two beats, held until 50 ms before the next: a diatonic triad
      in close position (root, third, fifth of the key's scale) or a dyad (a third, a fifth or a
      sixth), equally likely, inside :data:`CHORD_RANGE`;
    - ``"two voices"``: a melody of one note a beat, each held until 50 ms before the next,
      inside :data:`UPPER_RANGE`, moving by 1-3 scale degrees (never repeating a key), over a bass
      line of one note every two beats inside :data:`LOWER_RANGE`, moving the same way;
    - ``"one voice"``: the same melody alone (the same ``rng`` gives the same melody as
      ``"two voices"``, so the two kinds differ only by the bass line).

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    rng : int, numpy.random.Generator or None
        Seed or generator.
    n_beats : int, optional
        Beats in the passage (even; default 6).
    beat : float, optional
        Seconds per beat (default 0.4: 150 beats a minute).
    lead : float, optional
        Seconds of silence before the first onset (default 0.25).

    Returns
    -------
    notes : numpy.ndarray of NOTE_DTYPE
        Sorted by onset, then pitch.
    tonic : int
        The key's pitch class, 0-11 (0 = C).

    Raises
    ------
    TypeError, ValueError
        An unknown kind, an odd or non-positive ``n_beats``, a non-positive ``beat`` (or one
        shorter than 0.2 s, which leaves no note after the gap), a negative ``lead``, a bad ``rng``.

    Notebook: 07_crepe (via ``passages``)
    """
    kind = _checks.choice(kind, "kind", KINDS)
    n_beats = _checks.positive_int(n_beats, "n_beats", "beats")
    if n_beats % 2:
        raise ValueError(f"n_beats must be even (chords and bass notes last two beats), got {n_beats}")
    beat = _checks.number(beat, "beat", "s", minimum=0.2)
    lead = _checks.number(lead, "lead", "s", minimum=0.0)
    rng = _checks.rng(rng)
    tonic = int(rng.integers(12))
    rows = []
    if kind == "chords":
        keys = _scale(tonic, *CHORD_RANGE)
        for b in range(0, n_beats, 2):
            onset = lead + b * beat
            if rng.integers(2):                                  # a triad: degrees 0, 2, 4
                degrees = (0, 2, 4)
            else:                                                # a dyad: a third, a fifth or a sixth
                degrees = (0, (2, 4, 5)[int(rng.integers(3))])
            root = int(rng.integers(len(keys) - degrees[-1]))
            rows += [(onset, onset + 2 * beat - _GAP, keys[root + d], 0) for d in degrees]
    else:
        melody = _walk(rng, _scale(tonic, *UPPER_RANGE), n_beats)
        rows += [(lead + b * beat, lead + (b + 1) * beat - _GAP, k, 0) for b, k in enumerate(melody)]
        bass = _walk(rng, _scale(tonic, *LOWER_RANGE), n_beats // 2)
        if kind == "two voices":
            rows += [(lead + 2 * b * beat, lead + 2 * (b + 1) * beat - _GAP, k, 1) for b, k in enumerate(bass)]
    notes = np.array(rows, dtype=NOTE_DTYPE)
    return np.sort(notes, order=["onset", "pitch"]), tonic


def render(notes, ensemble, *, sr=SAMPLE_RATE, velocity=100, tail=0.5, peak=0.5):
    """A passage played from the recorded samples of an ensemble, scaled to a fixed peak.

    Each note is one :func:`course_lib.datasets.instruments.instrument_note` (the key held from
    its onset to its offset, then ``tail`` seconds of the instrument's release), played by the
    ensemble's upper instrument (voice 0) or lower one (voice 1) and added at its onset; the sum
    lasts until the last release ends and is scaled to a peak of ``peak``. Notes that overlap
    (chord tones, the two voices, a release tail under the next note) simply add, as in a player
    with one voice per note.

    Parameters
    ----------
    notes : numpy.ndarray of NOTE_DTYPE
        As :func:`compose` returns them.
    ensemble : str
        A key of :data:`ENSEMBLES`.
    sr : int, optional
        Hz (default 22,050).
    velocity : int, optional
        MIDI velocity of every note, 1-127 (default 100).
    tail : float, optional
        Seconds of release after each key release (default 0.5).
    peak : float, optional
        Peak amplitude of the passage, in (0, 1] (default 0.5, 6 dB below full scale).

    Returns
    -------
    numpy.ndarray of float32

    Raises
    ------
    TypeError, ValueError
        Notes of another dtype, none, or with an offset not after its onset or a negative onset; a
        bad ensemble, rate, velocity, tail or peak.
    OSError
        The SoundFont cannot be found, fetched or verified.

    Notebook: 07_crepe (via ``passages``)
    """
    notes = pitch_scores.note_array(notes, "notes", NOTE_DTYPE.names)
    if len(notes) == 0:
        raise ValueError("notes is empty: nothing to play")
    if np.any(notes["onset"] < 0):
        raise ValueError("notes must not start before 0 s")
    ensemble = _checks.choice(ensemble, "ensemble", ENSEMBLES)
    sr = _checks.sample_rate(sr)
    velocity = _checks.integer(velocity, "velocity", 1, 127, "MIDI velocity")
    tail = _checks.number(tail, "tail", "s", minimum=0.0)
    peak = _checks.number(peak, "peak", minimum=0.0, maximum=1.0, open_minimum=True)
    if np.any(~np.isin(notes["voice"], (0, 1))):
        raise ValueError("every note's voice must be 0 (upper) or 1 (lower)")
    y = np.zeros(int(round((notes["offset"].max() + tail) * sr)) + 1, np.float64)
    for onset, offset, key, voice in notes.tolist():
        x = instruments.instrument_note(ENSEMBLES[ensemble][voice], key, velocity=velocity,
                                        duration=offset - onset + tail, sr=sr, release=tail)
        start = int(round(onset * sr))
        y[start:start + len(x)] += x
    return (y * (peak / np.max(np.abs(y)))).astype(np.float32)


def passages(ensembles=tuple(ENSEMBLES), kinds=KINDS, n=2, *, rng=0, sr=SAMPLE_RATE, n_beats=6, beat=0.4,
             peak=0.5):
    """A set of passages: every kind × ensemble × index, ``n`` per ensemble and kind.

    Passage ``i`` of an ensemble is composed (:func:`compose`) from a generator seeded by
    ``(rng, ensemble, i)``: the same seed for every kind, so its one-voice passage is the melody of
    its two-voice passage without the bass, and any passage can be remade alone.

    Parameters
    ----------
    ensembles : sequence of str, optional
        Keys of :data:`ENSEMBLES` (default: all three).
    kinds : sequence of str, optional
        Of :data:`KINDS` (default: all three).
    n : int, optional
        Passages per ensemble and kind (default 2).
    rng : int, optional
        Base seed, a non-negative int (default 0).
    sr : int, optional
        Hz (default 22,050).
    n_beats, beat : optional
        As :func:`compose`.
    peak : float, optional
        As :func:`render`.

    Returns
    -------
    list of Passage
        Ordered by kind, then ensemble, then index: the same passages in the same order for the
        same arguments, bit for bit.

    Raises
    ------
    TypeError, ValueError
        Unknown or repeated ensembles or kinds, an empty list, a bad ``n`` or seed, or as
        :func:`compose` and :func:`render`.
    OSError
        The SoundFont cannot be found, fetched or verified.

    Notebook: 07_crepe
    """
    ensembles = _names(ensembles, "ensembles", ENSEMBLES)
    kinds = _names(kinds, "kinds", KINDS)
    n = _checks.positive_int(n, "n", "passages")
    seed = _checks.integer(rng, "rng", minimum=0, what="seed")
    out = []
    for kind in kinds:
        for ensemble in ensembles:
            for i in range(n):
                generator = np.random.default_rng([seed, zlib.crc32(ensemble.encode()), i])
                notes, tonic = compose(kind, generator, n_beats=n_beats, beat=beat)
                y = render(notes, ensemble, sr=sr, peak=peak)
                out.append(Passage(f"{ensemble}|{kind}|{i}", y, sr, ensemble, kind, notes, tonic))
    return out


def _names(values, name, options):
    values = [values] if isinstance(values, str) else list(values)
    if not values:
        raise ValueError(f"{name} is empty; give some of {list(options)}")
    for v in values:
        _checks.choice(v, name, options)
    if len(set(values)) != len(values):
        raise ValueError(f"{name} repeats a name: {values}")
    return values


def notes_from_f0(times, f0, voiced, *, min_duration=0.1):
    """Notes from a monophonic pitch track: runs of voiced frames on one MIDI key.

    The segmentation is deliberately simple: each voiced frame's f0 is rounded to the nearest MIDI
    key; a run of consecutive voiced frames on the same key is one note, from its first frame's
    time to its last frame's time plus one hop; runs shorter than ``min_duration`` are dropped
    (a glitch, or the slide between two notes). At most one note sounds at any time: that is
    what a monophonic tracker can say.

    Parameters
    ----------
    times : array_like, shape (n_frames,)
        Frame times in seconds, evenly spaced, increasing (at least 2 frames).
    f0 : array_like, shape (n_frames,)
        Hz; any value where ``voiced`` is False (0 is fine).
    voiced : array_like of bool, shape (n_frames,)
        The tracker's voicing decision.
    min_duration : float, optional
        Seconds (default 0.1): shorter runs are not notes.

    Returns
    -------
    numpy.ndarray of NOTE_DTYPE
        Sorted by onset; ``voice`` is 0.

    Raises
    ------
    TypeError, ValueError
        Arrays of other lengths or fewer than 2 frames, times not increasing, a voiced frame with a
        non-positive f0, a negative ``min_duration``.

    Notebook: 07_crepe
    """
    times = _checks.real_array(times, "times")
    f0 = _checks.real_array(f0, "f0")
    voiced = np.asarray(voiced)
    if voiced.dtype != bool:
        raise TypeError(f"voiced must be booleans, got dtype {voiced.dtype}")
    if not (times.ndim == f0.ndim == voiced.ndim == 1 and times.shape == f0.shape == voiced.shape):
        raise ValueError(f"times, f0 and voiced must be 1-D of one length, got shapes {times.shape}, {f0.shape}, "
                         f"{voiced.shape}")
    if times.size < 2 or np.any(np.diff(times) <= 0):
        raise ValueError("times must hold at least 2 increasing frame times")
    if np.any(f0[voiced] <= 0):
        raise ValueError("every voiced frame needs a positive f0 (Hz)")
    min_duration = _checks.number(min_duration, "min_duration", "s", minimum=0.0)
    hop = float(np.median(np.diff(times)))
    key = np.full(times.size, -1, np.int64)
    key[voiced] = np.round(pitch.hz_to_midi(f0[voiced])).astype(np.int64)
    change = np.flatnonzero(np.diff(key)) + 1
    starts, ends = np.r_[0, change], np.r_[change, key.size]      # runs [start, end) of one key
    rows = [(times[s], times[e - 1] + hop, key[s], 0) for s, e in zip(starts, ends)
            if key[s] >= 0 and (e - s) * hop >= min_duration - 1e-9]
    return np.array(rows, dtype=NOTE_DTYPE)
