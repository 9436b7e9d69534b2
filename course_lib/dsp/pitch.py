"""Pitch units: Hz, MIDI note numbers, note names and cents.

A cent is 1/100 of an equal-tempered semitone, 1/1200 of an octave: the interval between
``f1`` and ``f2`` is ``1200·log2(f2/f1)`` cents whatever the register, which is why pitch
trackers (CREPE, chapter 07) predict on a cents grid and are scored in cents. This module is the
one place that formula is written: chapter ``03_mel_perception`` uses :func:`interval_cents` to
explain why 80 → 100 Hz is a big step and 3000 → 3020 Hz a tiny one; chapter ``07_crepe`` and
:mod:`course_lib.crepe`, :mod:`course_lib.pitch_eval` use the conversions for CREPE's bins and for
scoring. :func:`midi_to_hz` is :func:`course_lib.synth.midi_to_hz` (synthesis needs it a layer
lower), re-exported beside its inverse :func:`hz_to_midi`.

Layer 2: imports :mod:`course_lib._checks` and :mod:`course_lib.synth`.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from .synth import midi_to_hz  # the formula's one implementation (layer 1), re-exported here

__all__ = [
    "hz_to_midi",
    "midi_to_hz",
    "hz_to_cents",
    "cents_to_hz",
    "interval_cents",
    "midi_to_note",
]

_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def _positive_hz(frequencies, name: str = "frequencies") -> np.ndarray:
    f = _checks.real_array(frequencies, name)
    if np.any(f <= 0):
        raise ValueError(f"{name} must be positive (Hz), got {f[f <= 0].ravel()[0]!r}")
    return f


def _scalar_or_array(x):
    return float(x) if np.ndim(x) == 0 else x


def hz_to_midi(frequencies):
    """MIDI note number of a frequency: ``69 + 12·log2(f / 440)`` (A4 = 440 Hz = 69); inverse of :func:`midi_to_hz`.

    Parameters
    ----------
    frequencies : float or array_like
        Hz, positive.

    Returns
    -------
    float or np.ndarray
        Fractional MIDI numbers (60 = middle C, 261.63 Hz).

    Raises
    ------
    TypeError
        Non-numeric input.
    ValueError
        A frequency that is not finite and positive.

    Notebook: 07_crepe
    """
    return _scalar_or_array(69.0 + 12.0 * np.log2(_positive_hz(frequencies) / 440.0))


def hz_to_cents(frequencies, fref=10.0):
    """Cents above a reference frequency: ``1200·log2(f / fref)``.

    The default ``fref = 10 Hz`` is CREPE's convention (its 360 bins start at 1997.38 cents
    above 10 Hz ≈ 31.7 Hz).

    Parameters
    ----------
    frequencies : float or array_like
        Hz, positive.
    fref : float
        Reference frequency in Hz (0 cents), positive.

    Returns
    -------
    float or np.ndarray
        Cents (negative below ``fref``).

    Raises
    ------
    TypeError
        Non-numeric frequencies or ``fref``.
    ValueError
        A frequency or ``fref`` that is not finite and positive.

    Notebook: 07_crepe
    """
    fref = _checks.positive(fref, "fref", "Hz")
    return _scalar_or_array(1200.0 * np.log2(_positive_hz(frequencies) / fref))


def cents_to_hz(cents, fref=10.0):
    """Frequency (Hz) of a number of cents above ``fref``: ``fref · 2^(cents / 1200)``.

    The inverse of :func:`hz_to_cents`.

    Parameters
    ----------
    cents : float or array_like
        Cents above ``fref``, finite.
    fref : float
        Reference frequency in Hz, positive.

    Returns
    -------
    float or np.ndarray
        Hz.

    Notebook: 07_crepe
    """
    fref = _checks.positive(fref, "fref", "Hz")
    return _scalar_or_array(fref * 2.0 ** (_checks.real_array(cents, "cents") / 1200.0))


def interval_cents(f1, f2):
    """Interval from ``f1`` to ``f2`` in cents: ``1200·log2(f2 / f1)`` (positive if ``f2`` is higher).

    80 → 100 Hz is 386 cents (almost a major third); 3000 → 3020 Hz is 11.5 cents, about the
    smallest pitch step a trained listener can hear.

    Parameters
    ----------
    f1, f2 : float or array_like
        Hz, positive; arrays broadcast.

    Returns
    -------
    float or np.ndarray
        Cents.

    Notebook: 03_mel_perception, 07_crepe
    """
    return _scalar_or_array(1200.0 * np.log2(_positive_hz(f2, "f2") / _positive_hz(f1, "f1")))


def midi_to_note(note, cents=False) -> str:
    """Name of the nearest MIDI note, e.g. ``69 -> "A4"``, ``60.3 -> "C4"`` (``"C4+30"`` with cents).

    Parameters
    ----------
    note : float
        MIDI number (fractional allowed; 60 = C4, 69 = A4).
    cents : bool
        Append the deviation from the named note in cents, signed (``"F#2+48"``).

    Returns
    -------
    str
        Sharps for black keys (``"C#4"``), octave numbers as in scientific pitch notation.

    Notebook: 07_crepe
    """
    note = _checks.number(note, "note")
    nearest = int(np.round(note))
    name = f"{_NOTE_NAMES[nearest % 12]}{nearest // 12 - 1}"
    if cents:
        deviation = int(np.round(100 * (note - nearest)))
        name += f"{deviation:+d}"
    return name
