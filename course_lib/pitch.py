"""Pitch units: Hz, MIDI note numbers, note names and cents.

A cent is 1/100 of an equal-tempered semitone, 1/1200 of an octave: the interval between
``f1`` and ``f2`` is ``1200·log2(f2/f1)`` cents whatever the register, which is why pitch
trackers (CREPE, chapter 07) predict on a cents grid and are scored in cents. Chapter 03
(``03_mel_perception``) uses these conversions to explain why 80 → 100 Hz is a big step and
3000 → 3020 Hz a tiny one; chapters 07 and 08 use them for evaluation and synthesis.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "hz_to_midi",
    "midi_to_hz",
    "hz_to_cents",
    "cents_to_hz",
    "interval_cents",
    "midi_to_note",
    "note_to_midi",
]

_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_NOTE_OFFSETS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def _positive_hz(frequencies, name="frequencies"):
    f = np.asanyarray(frequencies, dtype=np.float64)
    if np.any(~np.isfinite(f)) or np.any(f <= 0):
        raise ValueError(f"{name} must be finite and positive (Hz)")
    return f


def _scalar_or_array(x):
    return float(x) if np.ndim(x) == 0 else x


def hz_to_midi(frequencies):
    """MIDI note number of a frequency: ``69 + 12·log2(f / 440)`` (A4 = 440 Hz = 69).

    Parameters
    ----------
    frequencies : float or array_like
        Hz, positive.

    Returns
    -------
    float or np.ndarray
        Fractional MIDI numbers (60 = middle C, 261.63 Hz).

    Notebook: 03_mel_perception
    """
    return _scalar_or_array(69.0 + 12.0 * np.log2(_positive_hz(frequencies) / 440.0))


def midi_to_hz(notes):
    """Frequency (Hz) of MIDI note numbers: ``440 · 2^((m - 69) / 12)``.

    Notebook: 03_mel_perception
    """
    m = np.asanyarray(notes, dtype=np.float64)
    if np.any(~np.isfinite(m)):
        raise ValueError("notes must be finite")
    return _scalar_or_array(440.0 * 2.0 ** ((m - 69.0) / 12.0))


def hz_to_cents(frequencies, fref: float = 10.0):
    """Cents above a reference frequency: ``1200·log2(f / fref)``.

    The default ``fref = 10 Hz`` is CREPE's convention (its 360 bins start at 1997.38 cents
    above 10 Hz ≈ 31.7 Hz).

    Notebook: 07_crepe
    """
    if not fref > 0:
        raise ValueError(f"fref must be positive (Hz), got {fref!r}")
    return _scalar_or_array(1200.0 * np.log2(_positive_hz(frequencies) / fref))


def cents_to_hz(cents, fref: float = 10.0):
    """Frequency (Hz) of a number of cents above ``fref``; inverse of :func:`hz_to_cents`.

    Notebook: 07_crepe
    """
    if not fref > 0:
        raise ValueError(f"fref must be positive (Hz), got {fref!r}")
    c = np.asanyarray(cents, dtype=np.float64)
    return _scalar_or_array(fref * 2.0 ** (c / 1200.0))


def interval_cents(f1, f2):
    """Interval from ``f1`` to ``f2`` in cents: ``1200·log2(f2 / f1)`` (positive if ``f2`` is higher).

    80 → 100 Hz is 386 cents (almost a major third); 3000 → 3020 Hz is 11.5 cents, about the
    smallest pitch step a trained listener can hear.

    Notebook: 03_mel_perception
    """
    return _scalar_or_array(1200.0 * np.log2(_positive_hz(f2, "f2") / _positive_hz(f1, "f1")))


def midi_to_note(note: float, cents: bool = False) -> str:
    """Name of the nearest MIDI note, e.g. ``69 -> "A4"``, ``60.3 -> "C4"`` (``"C4+30"`` with cents).

    Notebook: 03_mel_perception
    """
    if not np.isfinite(note):
        raise ValueError(f"note must be finite, got {note!r}")
    nearest = int(np.round(note))
    name = f"{_NOTE_NAMES[nearest % 12]}{nearest // 12 - 1}"
    if cents:
        deviation = int(np.round(100 * (note - nearest)))
        name += f"{deviation:+d}"
    return name


def note_to_midi(name: str) -> int:
    """MIDI number of a note name such as ``"A4"``, ``"C#3"``, ``"Bb2"``.

    Notebook: 03_mel_perception
    """
    if not isinstance(name, str) or len(name) < 2 or name[0].upper() not in _NOTE_OFFSETS:
        raise ValueError(f"not a note name: {name!r} (expected e.g. 'A4', 'C#3', 'Bb2')")
    pitch = _NOTE_OFFSETS[name[0].upper()]
    rest = name[1:]
    while rest and rest[0] in "#b♯♭":
        pitch += 1 if rest[0] in "#♯" else -1
        rest = rest[1:]
    try:
        octave = int(rest)
    except ValueError:
        raise ValueError(f"not a note name: {name!r} (missing octave number)") from None
    return pitch + 12 * (octave + 1)
