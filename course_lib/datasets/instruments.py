"""Sampled-instrument notes, NSynth-style: real recorded notes of the 128 General MIDI programs.

Each note is played from the recorded samples of the FluidR3 Mono General MIDI SoundFont
(``FluidR3Mono_GM.sf3`` 2.312, bank 0: Fluid R3 by Frank Wen, 2000-2002, mono version by Michael
Cowgill, 2014-16, MIT licence) by the TinySoundFont player (``tinysoundfont``), following NSynth's
recipe (Engel et al., 2017: 4 s notes at 16 kHz, the key held 3 s, named
``{family}_{source}_{instrument:03d}-{pitch:03d}-{velocity:03d}``; here ``instrument`` is the
General MIDI program number). The sound is a real instrument recording, not a synthesis model,
but not a recording of that exact note: the player takes the sample the SoundFont maps to the
key (recorded at a nearby pitch, its root key), resamples it by linear interpolation to the
requested pitch, loops its sustained part while the key is held and applies the SoundFont's
envelope and filter, with no reverb or chorus; a note far from its sample's root key is a sped-up
or slowed-down recording, timbre and vibrato included. 01_sound_physics listens to such notes
(the talk's NSynth organ note ``organ_electronic_057-059-075`` has its counterpart here in
``organ_electronic_016-059-075``), 07_crepe uses them as pitch ground truth (the MIDI key; most
instruments are within a few cents of it, a few recordings, e.g. the church organ and the flute,
are 5 to 15 cents sharp: see tests/test_instruments.py) and 08_wavenet trains on them. Layer 3:
the only course_lib module it imports is ``fetch``, which provides the verified SoundFont file.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import threading
from pathlib import Path

import numpy as np

from .. import _checks
from ..errors import DataError

__all__ = [
    "SOUNDFONT_NAME",
    "GM_PROGRAM_NAMES",
    "GM_FAMILIES",
    "PRESET_NAMES",
    "NSYNTH_DEFAULT_INSTRUMENTS",
    "NSYNTH_VELOCITIES",
    "NSynthNotes",
    "gm_program",
    "gm_source",
    "instrument_note",
    "nsynth_notes",
]

#: File name of the SoundFont the notes come from (SF3: SoundFont 2 with Ogg Vorbis samples).
SOUNDFONT_NAME = "FluidR3Mono_GM.sf3"

#: The 128 General MIDI Level 1 program names (the MIDI Association's sound set), by program
#: number 0–127 (MIDI user interfaces often number them 1–128).
GM_PROGRAM_NAMES = (
    # piano
    "Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano",
    "Electric Piano 1", "Electric Piano 2", "Harpsichord", "Clavi",
    # chromatic percussion
    "Celesta", "Glockenspiel", "Music Box", "Vibraphone",
    "Marimba", "Xylophone", "Tubular Bells", "Dulcimer",
    # organ
    "Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ",
    "Reed Organ", "Accordion", "Harmonica", "Tango Accordion",
    # guitar
    "Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Electric Guitar (jazz)",
    "Electric Guitar (clean)", "Electric Guitar (muted)", "Overdriven Guitar",
    "Distortion Guitar", "Guitar harmonics",
    # bass
    "Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass",
    "Slap Bass 1", "Slap Bass 2", "Synth Bass 1", "Synth Bass 2",
    # strings
    "Violin", "Viola", "Cello", "Contrabass",
    "Tremolo Strings", "Pizzicato Strings", "Orchestral Harp", "Timpani",
    # ensemble
    "String Ensemble 1", "String Ensemble 2", "SynthStrings 1", "SynthStrings 2",
    "Choir Aahs", "Voice Oohs", "Synth Voice", "Orchestra Hit",
    # brass
    "Trumpet", "Trombone", "Tuba", "Muted Trumpet",
    "French Horn", "Brass Section", "SynthBrass 1", "SynthBrass 2",
    # reed
    "Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax",
    "Oboe", "English Horn", "Bassoon", "Clarinet",
    # pipe
    "Piccolo", "Flute", "Recorder", "Pan Flute",
    "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
    # synth lead
    "Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)",
    "Lead 5 (charang)", "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)",
    # synth pad
    "Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)",
    "Pad 5 (bowed)", "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)",
    # synth effects
    "FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)", "FX 4 (atmosphere)",
    "FX 5 (brightness)", "FX 6 (goblins)", "FX 7 (echoes)", "FX 8 (sci-fi)",
    # ethnic
    "Sitar", "Banjo", "Shamisen", "Koto",
    "Kalimba", "Bag pipe", "Fiddle", "Shanai",
    # percussive
    "Tinkle Bell", "Agogo", "Steel Drums", "Woodblock",
    "Taiko Drum", "Melodic Tom", "Synth Drum", "Reverse Cymbal",
    # sound effects
    "Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet",
    "Telephone Ring", "Helicopter", "Applause", "Gunshot",
)

#: The 16 General MIDI instrument families; program ``p`` belongs to ``GM_FAMILIES[p // 8]``.
GM_FAMILIES = (
    "piano", "chromatic percussion", "organ", "guitar",
    "bass", "strings", "ensemble", "brass",
    "reed", "pipe", "synth lead", "synth pad",
    "synth effects", "ethnic", "percussive", "sound effects",
)

#: The preset names FluidR3Mono_GM.sf3 reports for bank 0, programs 0–127 (checked against the
#: file by the tests). They say which instrument was recorded, e.g. 0 is a Yamaha grand piano.
PRESET_NAMES = (
    "Yamaha Grand Piano", "Bright Yamaha Grand", "Electric Piano", "Honky Tonk",
    "Rhodes EP", "Legend EP 2", "Harpsichord", "Clavinet",
    "Celesta", "Glockenspiel", "Music Box", "Vibraphone",
    "Marimba", "Xylophone", "Tubular Bells", "Dulcimer",
    "DrawbarOrgan", "Percussive Organ", "Rock Organ", "Church Organ",
    "Reed Organ", "Accordion", "Harmonica", "Bandoneon",
    "Nylon String Guitar", "Steel String Guitar", "Jazz Guitar", "Clean Guitar",
    "Palm Muted Guitar", "Overdrive Guitar", "Distortion Guitar", "Guitar Harmonics",
    "Acoustic Bass", "Fingered Bass", "Picked Bass", "Fretless Bass",
    "Slap Bass", "Pop Bass", "Synth Bass 1", "Synth Bass 2",
    "Violin", "Viola", "Cello", "Contrabass",
    "Tremolo", "Pizzicato Section", "Harp", "Timpani",
    "Strings", "Slow Strings", "Synth Strings 1", "Synth Strings 2",
    "Ahh Choir", "Ohh Voices", "Synth Voice", "Orchestra Hit",
    "Trumpet", "Trombone", "Tuba", "Muted Trumpet",
    "French Horns", "Brass Section", "Synth Brass 1", "Synth Brass 2",
    "Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax",
    "Oboe", "English Horn", "Bassoon", "Clarinet",
    "Piccolo", "Flute", "Recorder", "Pan Flute",
    "Bottle Chiff", "Shakuhachi", "Whistle", "Ocarina",
    "Square Lead", "Saw Wave", "Calliope Lead", "Chiffer Lead",
    "Charang", "Solo Vox", "Fifth Sawtooth Wave", "Bass + Lead",
    "Fantasia", "Warm Pad", "Polysynth", "Space Voice",
    "Bowed Glass", "Metal Pad", "Halo Pad", "Sweep Pad",
    "Ice Rain", "Soundtrack", "Crystal", "Atmosphere",
    "Brightness", "Goblin", "Echo Drops", "Star Theme",
    "Sitar", "Banjo", "Shamisen", "Koto",
    "Kalimba", "BagPipe", "Fiddle", "Shenai",
    "Tinker Bell", "Agogo", "Steel Drums", "Woodblock",
    "Taiko Drum", "Melodic Tom", "Synth Drum", "Reverse Cymbal",
    "Fret Noise", "Breath Noise", "Sea Shore", "Bird Tweet",
    "Telephone", "Helicopter", "Applause", "Gun Shot",
)

# NSynth's instrument sources. "acoustic" is the default; "electronic" marks instruments whose
# sound comes from electric or electronic parts (electric pianos, tonewheel organs, electric
# guitars and basses); "synthetic" marks synthesizer sounds. Every note of this module is played
# from recorded samples whatever its source: the source describes the instrument recorded.
_ELECTRONIC = frozenset([2, 4, 5, 7, 16, 17, 18, *range(26, 32), *range(33, 38)])
_SYNTHETIC = frozenset([38, 39, 50, 51, 54, 62, 63, *range(80, 104), 118])

#: The instruments of :func:`nsynth_notes`' default set, one per family: Acoustic Grand Piano,
#: Drawbar Organ, Acoustic Guitar (nylon), Acoustic Bass, Violin, Trumpet, Clarinet, Flute.
NSYNTH_DEFAULT_INSTRUMENTS = (0, 16, 24, 32, 40, 56, 71, 73)

#: NSynth's five velocities.
NSYNTH_VELOCITIES = (25, 50, 75, 100, 127)

# Usual playing range (MIDI, inclusive) of the default instruments, used when nsynth_notes
# chooses the pitches itself; any other program gets _OTHER_RANGE.
_TYPICAL_RANGE = {
    0: (21, 108),  # piano A0–C8
    16: (36, 96),  # drawbar organ, manual C2–C7
    24: (40, 83),  # classical guitar E2–B5
    32: (28, 55),  # double bass (pizzicato) E1–G3
    40: (55, 103),  # violin G3–G7
    56: (52, 84),  # trumpet E3–C6
    71: (50, 94),  # B-flat clarinet D3–A#6 (sounding)
    73: (60, 96),  # flute C4–C7
}
_OTHER_RANGE = (48, 84)
# The candidate pitches of the default set: the Cs from C2 to C6.
_DEFAULT_PITCH_GRID = (36, 48, 60, 72, 84)

# A note whose peak stays below this (-80 dBFS) counts as silent in nsynth_notes.
_SILENT_PEAK = 1e-4


def _soundfont_path():
    from . import fetch

    return fetch.soundfont_path()


# --------------------------------------------------------------------------- names and numbers


def _name_key(name: str) -> str:
    """Lower case, no spaces or punctuation: 'Acoustic Guitar (nylon)' -> 'acousticguitarnylon'."""
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


def _build_name_table():
    table = {}
    for names in (GM_PROGRAM_NAMES, PRESET_NAMES):
        for program, name in enumerate(names):
            table.setdefault(_name_key(name), program)
    return table


_PROGRAM_BY_KEY = _build_name_table()
_ALL_NAMES = tuple(dict.fromkeys(GM_PROGRAM_NAMES + PRESET_NAMES))


def _check_release(release, duration: float) -> float:
    if release is None:
        return duration / 4.0
    release = _checks.number(release, "release", "s")
    if not 0 <= release < duration:
        raise ValueError(f"release must be at least 0 s and shorter than duration={duration!r} s, got {release!r}")
    return release


def gm_program(instrument) -> int:
    """General MIDI program number (0–127) of an instrument given by number or by name.

    Parameters
    ----------
    instrument : int or str
        A program number 0–127, or a name: a standard General MIDI name (``"Acoustic Grand
        Piano"``, ``"Acoustic Guitar (nylon)"``, ``"Church Organ"``) or a preset name of the
        SoundFont (``"Yamaha Grand Piano"``, ``"Nylon String Guitar"``); see
        :data:`GM_PROGRAM_NAMES` and :data:`PRESET_NAMES`. Names ignore case, spaces and
        punctuation (``"drawbar organ"``, ``"DrawbarOrgan"`` and ``"Drawbar-Organ"`` are one name).

    Returns
    -------
    int
        The program number, 0–127 (bank 0: the melodic General MIDI instruments).

    Raises
    ------
    TypeError
        If ``instrument`` is neither an integer nor a string.
    ValueError
        If the number is outside 0–127, or the name is unknown (the message lists close matches).

    Notebook: (not yet used by a chapter)
    """
    if isinstance(instrument, str):
        program = _PROGRAM_BY_KEY.get(_name_key(instrument))
        if program is None:
            folded = {name.casefold(): name for name in _ALL_NAMES}
            close = difflib.get_close_matches(instrument.casefold(), list(folded), n=5, cutoff=0.5)
            hint = (
                "; close matches: " + ", ".join(repr(folded[c]) for c in close)
                if close
                else "; see instruments.GM_PROGRAM_NAMES or instruments.PRESET_NAMES"
            )
            raise ValueError(
                f"instrument {instrument!r} is not a General MIDI program name or a preset name "
                f"of {SOUNDFONT_NAME}{hint}"
            )
        return program
    if not _checks.is_integer(instrument):
        raise TypeError(
            f"instrument must be a General MIDI program number (0 to 127) or a name, "
            f"got {instrument!r} ({type(instrument).__name__})"
        )
    if not 0 <= instrument <= 127:
        raise ValueError(
            f"instrument must be a General MIDI program number from 0 to 127, got {instrument!r}"
        )
    return int(instrument)


def gm_source(program) -> str:
    """NSynth-style source of a program: ``"acoustic"``, ``"electronic"`` or ``"synthetic"``.

    NSynth labels each instrument by how it makes its sound: acoustic instruments, electronic
    ones (electric pianos, tonewheel organs, electric guitars and basses) and synthesizers (synth
    bass, strings, brass, leads, pads and effects, synth drum). The label describes the instrument
    that was recorded; every note of this module is played from recorded samples.

    Parameters
    ----------
    program : int or str
        A program number 0–127 or an instrument name (as :func:`gm_program` accepts).

    Returns
    -------
    str

    Notebook: (not yet used by a chapter)
    """
    program = gm_program(program)
    if program in _SYNTHETIC:
        return "synthetic"
    if program in _ELECTRONIC:
        return "electronic"
    return "acoustic"


# --------------------------------------------------------------------------- the player

_LOCK = threading.Lock()
_LOADED: dict = {}  # {path: the loaded TinySoundFont SoundFont}, at most one; never played itself


def _tsf():
    try:
        from tinysoundfont import _tinysoundfont
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "instrument notes need the 'tinysoundfont' package (pip install tinysoundfont; "
            "its optional 'pyaudio' dependency is only for live playback and is not needed)"
        ) from err
    return _tinysoundfont


def _soundfont():
    """The loaded SoundFont, loaded once per process from ``_soundfont_path()``.

    Loading decodes every Ogg Vorbis sample to float32 (about 1 s, about 280 MB). The file is
    located and verified only for that first load; one loaded copy then serves every note and
    every sampling rate, because each render works on a fresh clone that shares the samples.
    """
    with _LOCK:
        if _LOADED:
            return next(iter(_LOADED.values()))
        path = Path(_soundfont_path())
        tsf = _tsf()
        try:
            loaded = tsf.SoundFont(str(path))
        except RuntimeError as err:
            raise DataError(f"cannot load the SoundFont '{path}': {err}") from err
        _LOADED[str(path)] = loaded
        return loaded


def _render(loaded, program: int, midi: int, velocity: int, n: int, n_on: int, sr: int):
    """Mono float32 note: key down at sample 0, up at sample ``n_on``, ``n`` samples in all.

    Stateless: every call plays on a fresh clone of ``loaded`` (voices, channels and output
    settings start from scratch; the decoded samples are shared), so the same arguments always
    give the same samples. The direct preset API is used, with no MIDI channel state; the mono
    output mode mixes voices without panning.
    """
    tsf = _tsf()
    with _LOCK:  # cloning and freeing touch the shared sample data's reference count
        player = tsf.SoundFont(loaded)
    try:
        player.set_output(tsf.OutputMode.Mono, sr, 0.0)
        index = player.get_preset_index(0, program)
        if index < 0:
            raise ValueError(f"{SOUNDFONT_NAME} has no preset for instrument program {program}")
        out = np.zeros(n, dtype=np.float32)
        buffer = memoryview(out).cast("B")
        step = out.itemsize
        player.note_on(index, midi, velocity / 127.0)
        if n_on > 0:
            player.render(buffer[: n_on * step])
        player.note_off(index, midi)
        if n > n_on:
            player.render(buffer[n_on * step :])
    finally:
        with _LOCK:
            del player
    return out


def _key_span(loaded, program: int, velocity: int):
    """(lowest, highest) MIDI key that sounds at ``velocity``, or None; probes 128 short notes."""
    keys = [k for k in range(128) if np.any(_render(loaded, program, k, velocity, 256, 256, 16000))]
    return (keys[0], keys[-1]) if keys else None


def _note_lengths(duration: float, release: float, sr: int):
    n = int(round(duration * sr))
    if n < 1:
        raise ValueError(
            f"duration={duration!r} s at sr={sr} Hz is less than one sample; use a longer duration"
        )
    n_on = min(n, max(0, int(round((duration - release) * sr))))
    return n, n_on


# --------------------------------------------------------------------------- public API


def instrument_note(instrument, midi, velocity=100, duration=1.0, sr=16000, release=None):
    """One note of a real sampled instrument: key down at 0 s, up at ``duration - release`` s.

    The note is played from the recorded samples of the FluidR3 Mono General MIDI SoundFont by
    TinySoundFont: the recording whose root key is nearest to ``midi`` is resampled to the
    requested pitch (a note far from that root key is a sped-up or slowed-down recording), looped
    while the key is held, and shaped by the SoundFont's envelope; no reverb, no chorus.

    Parameters
    ----------
    instrument : int or str
        General MIDI program number 0–127 or a name (``"Violin"``, ``"Church Organ"``,
        ``"Yamaha Grand Piano"``; case-insensitive), as :func:`gm_program` accepts.
    midi : int
        MIDI key 0–127 (60 = middle C, 261.63 Hz; 69 = A4, 440 Hz): the note's pitch.
    velocity : int, optional
        MIDI velocity 1–127 (NSynth uses 25, 50, 75, 100, 127). It selects the SoundFont's
        velocity layer, where a preset has several, and scales the amplitude by ``velocity/127``
        (TinySoundFont's velocity curve: 127 is 14 dB louder than 25 on the same sample).
    duration : float, optional
        Length of the returned note in seconds; it has exactly ``round(duration * sr)`` samples.
    sr : int, optional
        Sampling rate in Hz (NSynth: 16000). The samples are resampled to it by the player.
    release : float or None, optional
        Seconds between the key release (note-off) and the end of the note. ``None`` (default)
        uses NSynth's proportion, ``duration / 4`` (a 4 s note is held 3 s); ``0`` holds the key
        to the end. Must satisfy ``0 <= release < duration``. The release tail is cut at the
        end of the note if it lasts longer than ``release``.

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration * sr),)``, mono: TinySoundFont's mono output, which adds
        every sounding sample without panning. Most presets of this SoundFont play one mono
        sample per note (a stereo player puts it on both channels at -3 dB); the few that layer
        a left and a right sample (e.g. 26, Electric Guitar (jazz)) get their sum. Not
        normalized, so velocities and instruments keep their relative levels: the scale is
        TinySoundFont's mono output at 0 dB gain. At velocity 100, middle C peaks between 0.015
        (Lead 7 (fifths)) and 1.18 (Whistle), median 0.28 over the 128 programs (piano 0.15,
        trumpet 0.70); a few presets exceed 1.0 at velocity 127 or at extreme keys (Lead 5
        (charang) reaches 3.9 at MIDI 108). Values are never clipped: scale a note before saving
        it as integer PCM.

    Raises
    ------
    TypeError
        If an argument has the wrong type (e.g. ``midi=60.0``, ``sr=16000.0``).
    ValueError
        If an argument is out of range, the instrument name is unknown (close matches are
        listed), or the SoundFont has no sample for this key at this velocity (the note would be
        silent; the message gives the keys that sound).
    OSError
        If the SoundFont file cannot be found, fetched, verified or loaded.

    Notes
    -----
    The SoundFont is loaded once per process (about 1 s and 280 MB: its Ogg Vorbis samples are
    decoded to float32); each call then renders on a fresh copy of the player, so it is
    deterministic: the same arguments give bit-identical samples whatever was rendered before.
    Rendering takes well under a millisecond per second of sound.

    Examples
    --------
    >>> y = instrument_note("Trumpet", 60, velocity=100, duration=4.0)  # doctest: +SKIP
    >>> y.shape, y.dtype  # doctest: +SKIP
    ((64000,), dtype('float32'))

    Notebook: 01_sound_physics, 02_dft_windowing, 03_mel_perception, 08_wavenet
    """
    program = gm_program(instrument)
    midi = _checks.integer(midi, "midi", 0, 127, "MIDI note number")
    velocity = _checks.integer(velocity, "velocity", 1, 127, "MIDI velocity")
    duration = _checks.positive(duration, "duration", "s")
    sr = _checks.sample_rate(sr)
    release = _check_release(release, duration)
    n, n_on = _note_lengths(duration, release, sr)
    loaded = _soundfont()
    y = _render(loaded, program, midi, velocity, n, n_on, sr)
    if not np.any(y):
        span = _key_span(loaded, program, velocity)
        sounding = f"MIDI {span[0]} to {span[1]}" if span else "no key at all"
        raise ValueError(
            f"{SOUNDFONT_NAME} has no sample for instrument {program} "
            f"({GM_PROGRAM_NAMES[program]}) at midi={midi}, velocity={velocity}: the note would "
            f"be silent; at this velocity it sounds for {sounding}"
        )
    return y


@dataclasses.dataclass(frozen=True, eq=False)
class NSynthNotes:
    """A small NSynth-style set of notes; each per-note field has one entry per row of ``audio``.

    Attributes
    ----------
    audio : np.ndarray
        float32, shape ``(n_notes, n_samples)``; the scale is :func:`instrument_note`'s.
    sr : int
        Sampling rate in Hz.
    instrument : np.ndarray
        int, General MIDI program numbers 0–127.
    instrument_name : tuple of str
        Standard General MIDI names (``GM_PROGRAM_NAMES[instrument]``).
    preset_name : tuple of str
        The SoundFont's preset names: which instrument was recorded (``"Yamaha Grand Piano"``).
    family : tuple of str
        General MIDI family names (``GM_FAMILIES[program // 8]``, e.g. ``"synth lead"``).
    source : tuple of str
        ``"acoustic"``, ``"electronic"`` or ``"synthetic"`` (``gm_source(instrument)``).
    pitch : np.ndarray
        int, MIDI keys.
    velocity : np.ndarray
        int, MIDI velocities.
    note_str : tuple of str
        NSynth-style names ``{family}_{source}_{instrument:03d}-{pitch:03d}-{velocity:03d}``, the
        family's spaces replaced by ``_``: ``"organ_electronic_016-059-075"``.
    """

    audio: np.ndarray
    sr: int
    instrument: np.ndarray
    instrument_name: tuple
    preset_name: tuple
    family: tuple
    source: tuple
    pitch: np.ndarray
    velocity: np.ndarray
    note_str: tuple

    def __len__(self) -> int:
        return len(self.note_str)


def _as_sequence(values):
    """A list of the items of ``values``; a string or a scalar is one item."""
    if isinstance(values, (str, bytes)):
        return [values]
    try:
        return list(values)
    except TypeError:
        return [values]


def _no_duplicates(values, name: str):
    seen = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{name} lists {v!r} more than once")
        seen.add(v)


def nsynth_notes(
    instruments=NSYNTH_DEFAULT_INSTRUMENTS,
    pitches=None,
    *, velocities=(25, 75, 127),
    duration=4.0,
    sr=16000,
    release=None,
):
    """Render a small NSynth-style data set: every instrument × pitch × velocity that sounds.

    NSynth (Engel et al., 2017) holds 305,979 four-second notes of 1,006 instruments at 16 kHz,
    each held for 3 s, at every pitch of the instrument's range and five velocities. This
    function makes the same kind of set, much smaller, from the recorded samples of the FluidR3
    Mono SoundFont: by default 8 instruments from 8 families (piano, organ, guitar, bass,
    strings, brass, reed, pipe; see :data:`NSYNTH_DEFAULT_INSTRUMENTS`), the Cs from C2 (MIDI 36)
    to C6 (84) that lie in each instrument's usual range, and velocities 25, 75 and 127:
    81 notes of 4 s, about 21 MB, rendered in well under a second once the SoundFont is loaded.

    Parameters
    ----------
    instruments : sequence of int or str, optional
        General MIDI programs (numbers 0–127 or names, see :func:`gm_program`), each once.
    pitches : sequence of int or None, optional
        MIDI keys 0–127 to play on every instrument. ``None`` (default) chooses per instrument
        the Cs from 36 to 84 inside its usual playing range (MIDI 48–84 for programs without a
        listed range). Combinations the SoundFont leaves silent (no sample for the key, or a
        peak below -80 dBFS) are skipped.
    velocities : sequence of int, optional
        MIDI velocities 1–127 (NSynth's five are :data:`NSYNTH_VELOCITIES`).
    duration : float, optional
        Note length in seconds (NSynth: 4.0); every note has ``round(duration * sr)`` samples.
    sr : int, optional
        Sampling rate in Hz (NSynth: 16000).
    release : float or None, optional
        Seconds from note-off to the end of each note; ``None`` is ``duration / 4`` (NSynth's
        3 s held of 4 s), as in :func:`instrument_note`.

    Returns
    -------
    NSynthNotes
        Notes ordered by instrument (in the order given), then pitch (ascending), then velocity
        (ascending); deterministic: the same call gives bit-identical audio.

    Raises
    ------
    TypeError, ValueError
        For bad arguments (as :func:`instrument_note`), duplicates in a list, an empty list, or
        when no combination sounds.
    OSError
        If the SoundFont file cannot be found, fetched, verified or loaded.

    Notebook: 08_wavenet (via ``wavenet_notes.note_sets``)
    """
    programs = [gm_program(i) for i in _as_sequence(instruments)]
    if not programs:
        raise ValueError("instruments is empty; give at least one program number or name")
    _no_duplicates(programs, "instruments (as program numbers)")
    if pitches is not None:
        keys = sorted(
            _checks.integer(p, "pitches", 0, 127, "MIDI note numbers")
            for p in _as_sequence(pitches)
        )
        if not keys:
            raise ValueError("pitches is empty; give MIDI keys or None for the default choice")
        _no_duplicates(keys, "pitches")
    vels = sorted(
        _checks.integer(v, "velocities", 1, 127, "MIDI velocities")
        for v in _as_sequence(velocities)
    )
    if not vels:
        raise ValueError("velocities is empty; give MIDI velocities 1 to 127")
    _no_duplicates(vels, "velocities")
    duration = _checks.positive(duration, "duration", "s")
    sr = _checks.sample_rate(sr)
    release = _check_release(release, duration)
    n, n_on = _note_lengths(duration, release, sr)

    loaded = _soundfont()
    rows, meta = [], []
    for program in programs:
        if pitches is None:
            low, high = _TYPICAL_RANGE.get(program, _OTHER_RANGE)
            program_keys = [k for k in _DEFAULT_PITCH_GRID if low <= k <= high]
        else:
            program_keys = keys
        for key in program_keys:
            for vel in vels:
                y = _render(loaded, program, key, vel, n, n_on, sr)
                if float(np.max(np.abs(y))) < _SILENT_PEAK:
                    continue
                rows.append(y)
                meta.append((program, key, vel))
    if not rows:
        raise ValueError(
            f"no note sounds for instruments={programs}, pitches={pitches!r}, velocities={vels}"
        )
    families = tuple(GM_FAMILIES[p // 8] for p, _, _ in meta)
    sources = tuple(gm_source(p) for p, _, _ in meta)
    return NSynthNotes(
        audio=np.stack(rows),
        sr=sr,
        instrument=np.array([p for p, _, _ in meta], dtype=np.int64),
        instrument_name=tuple(GM_PROGRAM_NAMES[p] for p, _, _ in meta),
        preset_name=tuple(PRESET_NAMES[p] for p, _, _ in meta),
        family=families,
        source=sources,
        pitch=np.array([k for _, k, _ in meta], dtype=np.int64),
        velocity=np.array([v for _, _, v in meta], dtype=np.int64),
        note_str=tuple(
            f"{fam.replace(' ', '_')}_{src}_{p:03d}-{k:03d}-{v:03d}"
            for fam, src, (p, k, v) in zip(families, sources, meta)
        ),
    )
