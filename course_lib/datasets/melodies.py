"""WaveNet's training sets at 8 kHz: real sampled instrument notes, and synthetic melodies.

Chapter ``08_wavenet`` trains its shipped WaveNet on **real** notes: :func:`note_dataset` plays
the A minor pentatonic scale (:data:`SCALE`, 220 to 784 Hz) on three instruments of the FluidR3
SoundFont (:data:`NOTE_INSTRUMENTS`: its recorded nylon guitar, trumpet and flute samples, through
:func:`course_lib.instruments.nsynth_notes`), one second per note, peak-normalized; the instrument
is the class of the global conditioning (:data:`NOTE_CONDITIONS`). The older, **synthetic**
melodies stay for the chapter's small live training run and for the first shipped model
(``data/wavenet_melodies.*``): :func:`melody` makes one melody of random scale notes, a quarter of a
second each, as Karplus–Strong plucked strings or an additive electronic organ (the two classes
:data:`CONDITIONS`), and :func:`melody_dataset` a deterministic, labelled set of them. Layer 3: it
imports ``synth``, ``pitch`` and ``instruments``.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from . import instruments
from ..dsp import pitch, synth

__all__ = ["SAMPLE_RATE", "CONDITIONS", "SCALE", "NOTE_INSTRUMENTS", "NOTE_CONDITIONS", "NOTE_PITCHES", "melody",
           "melody_dataset", "note_dataset"]

#: Sampling rate (Hz) of the melodies (and of the WaveNet trained on them).
SAMPLE_RATE = 8000
#: Class labels of the data set (global conditioning): index 0 and 1.
CONDITIONS = ("plucked", "organ")
#: The scale melodies are drawn from: A minor pentatonic, MIDI 57 (A3, 220 Hz) to 81 (A5, 880 Hz).
SCALE = (57, 60, 62, 64, 67, 69, 72, 74, 76, 79, 81)
#: General MIDI programs of the real-note set: nylon guitar, trumpet, flute (three GM families).
NOTE_INSTRUMENTS = (24, 56, 73)
#: Class labels of the real-note set (global conditioning), in the order of NOTE_INSTRUMENTS.
NOTE_CONDITIONS = ("guitar", "trumpet", "flute")
#: MIDI keys of the real-note set: the scale from A3 (220 Hz) to G5 (784 Hz), ten notes.
NOTE_PITCHES = SCALE[:-1]


def melody(kind, n_notes=8, *, note_duration=0.25, sr=SAMPLE_RATE, rng=0, amplitude=0.6, notes=None, lead_in=0.0):
    """One synthetic melody of random notes from :data:`SCALE`: plucked strings or an organ.

    Parameters
    ----------
    kind : {"plucked", "organ"}
        Karplus–Strong notes (:func:`course_lib.synth.plucked_melody`) or electronic-organ notes
        (:func:`course_lib.synth.organ_note`, one per note, back to back).
    n_notes : int, default 8
        Number of random notes (ignored when ``notes`` is given).
    note_duration : float, default 0.25
        Seconds from one onset to the next.
    sr : int, default 8000
        Sampling rate in Hz.
    rng : int, numpy.random.Generator or None, default 0
        Randomness of the note choice and the pluck noises. An int seed gives the same melody
        every time.
    amplitude : float, default 0.6
        Peak value, in (0, 1].
    notes : sequence of int, optional
        MIDI notes to play instead of random ones.
    lead_in : float, default 0.0
        Seconds of silence before the first note.

    Returns
    -------
    numpy.ndarray of float32, shape (round(lead_in·sr) + n_notes·round(note_duration·sr),)

    Raises
    ------
    TypeError, ValueError
        For bad arguments (an unknown ``kind``, a non-integer ``n_notes``, ...).

    Notebook: (tooling, the data of the first shipped model; course_lib.wavenet_cli trains it)
    """
    kind = _checks.choice(kind, "kind", CONDITIONS)
    sr = _checks.sample_rate(sr)
    note_duration = _checks.positive(note_duration, "note_duration", "s")
    amplitude = _checks.number(amplitude, "amplitude", minimum=0.0, maximum=1.0, open_minimum=True)
    lead_in = _checks.number(lead_in, "lead_in", "s", minimum=0.0)
    generator = _checks.rng(rng)
    if notes is None:
        notes = generator.choice(SCALE, size=_checks.positive_int(n_notes, "n_notes", "notes"))
    notes = [_checks.integer(m, "each note", 0, 127, "MIDI") for m in notes]
    if not notes:
        raise ValueError("notes is empty; give at least one MIDI note")
    n_each = int(round(note_duration * sr))
    if kind == "plucked":
        # an int seed seeds the plucks as it seeded the note choice; a Generator goes on drawing
        plucks = rng if _checks.is_integer(rng) else generator
        y = synth.plucked_melody(notes, note_duration, sr=sr, rng=plucks, decay=0.995, ring=0.05, amplitude=amplitude)
    else:
        parts = [
            synth.organ_note(float(pitch.midi_to_hz(m)), sr=sr, duration=note_duration, attack=0.01, release=0.03,
                             tremolo_depth=0.0, amplitude=1.0)
            for m in notes
        ]
        y = np.concatenate(parts)
        y = (amplitude * y / max(np.max(np.abs(y)), 1e-12)).astype(np.float32)
    y = y[: n_each * len(notes)]
    return np.concatenate([np.zeros(int(round(lead_in * sr)), np.float32), y]).astype(np.float32)


def melody_dataset(n_melodies=64, *, n_notes=8, note_duration=0.25, sr=SAMPLE_RATE, rng=0):
    """A deterministic set of melodies, half plucked (label 0) and half organ (label 1).

    Melody ``i`` is of kind ``CONDITIONS[i % 2]``, with random notes, a random peak amplitude in
    [0.4, 0.8] and 20–200 ms of silence before its first note.

    Parameters
    ----------
    n_melodies : int, default 64
        Number of melodies.
    n_notes : int, default 8
        Notes per melody.
    note_duration : float, default 0.25
        Seconds per note.
    sr : int, default 8000
        Sampling rate in Hz.
    rng : int, numpy.random.Generator or None, default 0
        Randomness of the whole set; an int seed gives the same set every time.

    Returns
    -------
    clips : list of numpy.ndarray of float32
    labels : numpy.ndarray of int64, shape (n_melodies,)
        Indices into :data:`CONDITIONS`.

    Notebook: (tooling, the data of the first shipped model; course_lib.wavenet_cli trains it)
    """
    n_melodies = _checks.positive_int(n_melodies, "n_melodies", "melodies")
    generator = _checks.rng(rng)
    clips, labels = [], []
    for i in range(n_melodies):
        label = i % 2
        clip_seed = int(generator.integers(2**31))
        amp = float(generator.uniform(0.4, 0.8))
        lead = float(generator.uniform(0.02, 0.2))
        clips.append(melody(CONDITIONS[label], n_notes, note_duration=note_duration, sr=sr, rng=clip_seed, amplitude=amp,
                            lead_in=lead))
        labels.append(label)
    return clips, np.asarray(labels, dtype=np.int64)


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

    Notebook: 08_wavenet
    """
    peak = _checks.number(peak, "peak", minimum=0.0, maximum=1.0, open_minimum=True)
    notes = instruments.nsynth_notes(NOTE_INSTRUMENTS, NOTE_PITCHES, velocities, duration=duration, sr=sr)
    audio = notes.audio.astype(np.float64)
    audio = peak * audio / np.max(np.abs(audio), axis=1, keepdims=True)
    labels = np.array([NOTE_INSTRUMENTS.index(int(p)) for p in notes.instrument], dtype=np.int64)
    return audio.astype(np.float32), labels, notes.pitch.astype(np.int64)
