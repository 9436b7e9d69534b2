"""The pitch benchmark's excerpts: real instrument notes in real backgrounds, with their exact pitch.

Chapter ``07_crepe`` benchmarks CREPE, FCN-F0 and pYIN on notes rendered from a SoundFont's
recorded samples (:mod:`course_lib.datasets.instruments`) with exact MIDI pitch, silence around
them, mixed with real ambient recordings at a chosen SNR (:func:`note_excerpts`), and on which
frames to score them (:func:`note_reference`). The scores themselves are
:mod:`course_lib.evaluation.pitch_scores`; the benchmark is
:mod:`course_lib.experiments.pitch_benchmark`. Layer 3 (it uses :mod:`course_lib.dsp.augment`,
:mod:`course_lib.datasets.corpora` and :mod:`course_lib.datasets.instruments`); randomness comes
from an ``rng`` argument, so every excerpt is reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import _checks
from ..dsp import augment, pitch

__all__ = ["BENCHMARK_INSTRUMENTS", "BENCHMARK_BACKGROUNDS", "NoteExcerpt", "note_excerpts", "note_reference"]


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
        _BACKGROUNDS[name, sr] = corpora.load_background(name, sr=sr)[0]
    return _BACKGROUNDS[name, sr]


def note_excerpts(instrument, snr_db, n=5, *, sr=16000, silence=0.3, duration=1.0, rng=0,
                  backgrounds=BENCHMARK_BACKGROUNDS):
    """``n`` excerpts of one benchmark cell: a sampled instrument note in a real background.

    Each excerpt is ``silence`` s of nothing, one note of ``duration`` s
    (:func:`course_lib.instruments.instrument_note`, velocity 100, the key released after three
    quarters of it, NSynth's proportion) at a random key of :data:`BENCHMARK_INSTRUMENTS`, and
    ``silence`` s of nothing, mixed with a random stretch of a random real background
    (:data:`BENCHMARK_BACKGROUNDS`) by :func:`course_lib.augment.mix_at_snr` at ``snr_db``
    measured over the whole excerpt (``math.inf``: no background). The silences let a tracker's
    voicing false alarms be measured. With an int ``rng`` the random draws depend only on
    ``(instrument, snr_db, rng)``, so one cell can be remade without the others.

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
    rng : int or numpy.random.Generator
        The benchmark's seed (an int is combined with the cell's instrument and SNR), or a
        generator to draw from.
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
    if not backgrounds:
        raise ValueError("backgrounds must name at least one background")
    lo, hi = BENCHMARK_INSTRUMENTS[instrument]
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng([_checks.integer(rng, "rng", 0), zlib.crc32(f"{instrument}|{snr_db:g}".encode())])
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


def note_reference(excerpt, times, *, floor_db=-20.0, margin=0.07):
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
