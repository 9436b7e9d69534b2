"""WaveNet's training set at 8 kHz: real sampled instrument notes.

Chapter ``08_wavenet`` trains its shipped WaveNet on **real** notes: :func:`note_dataset` plays
the A minor pentatonic scale (:data:`NOTE_PITCHES`, 220 to 784 Hz) on three instruments of the
FluidR3 SoundFont (:data:`NOTE_INSTRUMENTS`: its recorded nylon guitar, trumpet and flute samples,
through :func:`course_lib.datasets.instruments.nsynth_notes`), one second per note, peak-normalized;
the instrument is the class of the global conditioning (:data:`NOTE_CONDITIONS`). Layer 3: it
imports ``instruments``.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from . import instruments

__all__ = ["SAMPLE_RATE", "SCALE", "NOTE_INSTRUMENTS", "NOTE_CONDITIONS", "NOTE_PITCHES", "note_dataset"]

#: Sampling rate (Hz) of the notes (and of the WaveNet trained on them).
SAMPLE_RATE = 8000
#: A minor pentatonic, MIDI 57 (A3, 220 Hz) to 81 (A5, 880 Hz).
SCALE = (57, 60, 62, 64, 67, 69, 72, 74, 76, 79, 81)
#: General MIDI programs of the real-note set: nylon guitar, trumpet, flute (three GM families).
NOTE_INSTRUMENTS = (24, 56, 73)
#: Class labels of the real-note set (global conditioning), in the order of NOTE_INSTRUMENTS.
NOTE_CONDITIONS = ("guitar", "trumpet", "flute")
#: MIDI keys of the real-note set: the scale from A3 (220 Hz) to G5 (784 Hz), ten notes.
NOTE_PITCHES = SCALE[:-1]


def note_dataset(*, velocities=(75, 127), duration=1.0, peak=0.5, sr=SAMPLE_RATE):
    """Real sampled notes for WaveNet: every NOTE_INSTRUMENTS × NOTE_PITCHES × velocity, labelled.

    Each note is rendered by :func:`course_lib.instruments.nsynth_notes` from the recorded samples
    of the FluidR3 SoundFont (key held for 3/4 of ``duration``, then released), at exactly the
    pitch of its MIDI key, and scaled to a peak of ``peak`` (the instruments' levels differ by up
    to 10 dB; the model need not learn them). Deterministic.

    Parameters
    ----------
    velocities : sequence of int, default (75, 127)
        MIDI velocities (they choose the SoundFont's sample layer and the attack).
    duration : float, default 1.0
        Seconds per note.
    peak : float, default 0.5
        Peak amplitude of every note, in (0, 1].
    sr : int, default 8000
        Sampling rate in Hz.

    Returns
    -------
    clips : numpy.ndarray of float32, shape (n_notes, round(duration·sr))
        60 notes by default, ordered by instrument, pitch, velocity.
    labels : numpy.ndarray of int64, shape (n_notes,)
        Indices into :data:`NOTE_CONDITIONS`.
    midi : numpy.ndarray of int64, shape (n_notes,)
        The MIDI key of each note.

    Raises
    ------
    TypeError, ValueError
        For bad arguments (as :func:`course_lib.instruments.nsynth_notes`, or ``peak`` outside (0, 1]).
    OSError
        If the SoundFont cannot be found, fetched or verified.

    Notebook: 08_wavenet (via ``wavenet_notes.note_sets``)
    """
    peak = _checks.number(peak, "peak", minimum=0.0, maximum=1.0, open_minimum=True)
    notes = instruments.nsynth_notes(NOTE_INSTRUMENTS, NOTE_PITCHES, velocities=velocities, duration=duration, sr=sr)
    audio = notes.audio.astype(np.float64)
    audio = peak * audio / np.max(np.abs(audio), axis=1, keepdims=True)
    labels = np.array([NOTE_INSTRUMENTS.index(int(p)) for p in notes.instrument], dtype=np.int64)
    return audio.astype(np.float32), labels, notes.pitch.astype(np.int64)
