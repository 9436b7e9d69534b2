"""Strongly labelled soundscapes: real sound events placed at known times over real backgrounds.

Sound event detection needs *strong* labels, the onset and offset of every event, and nobody
annotates thousands of recordings to 10 ms. DCASE's domestic task (DESED, Turpault et al. 2019)
therefore trains on synthetic soundscapes made with Scaper (Salamon et al. 2017): isolated real
events are mixed at chosen times and event-to-background ratios over real ambient recordings,
and the generator writes down where it put each one. This module does the same with the
course's own recordings (Scaper itself needs the SoX library and its ``soxbindings`` wheel,
which does not build on Python 3.13):

- :func:`audible_intervals` finds where a clip is audible: the frames whose RMS is within
  ``top_db`` dB of the clip's loudest frame (``librosa.effects.split``), with short gaps merged;
- :func:`prepare_events` cuts each ESC-10 clip to its audible part and keeps those intervals;
- :func:`mix` places events at given onsets and event-to-background ratios (dB) over a
  background, optionally reverberated by a measured room response, and returns the mixture,
  each placed event on its own and the strong labels;
- :func:`random_soundscape` draws onsets, levels and overlaps; :func:`make_set` builds a
  training, validation or test set: each from its own ESC-10 folds, its own backgrounds and its
  own measured rooms, none shared with another split.

A label is the *dry* event's audible interval: reverberation lengthens what one hears a little,
as in DESED, whose labels also come from the dry sources. Used by ``09_detection_localization``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _checks
from ..dsp import augment
from . import corpora

__all__ = [
    "EVENT_CLASSES",
    "SPLITS",
    "TRAIN_FOLDS",
    "VALIDATION_FOLDS",
    "TEST_FOLDS",
    "TRAIN_BACKGROUNDS",
    "VALIDATION_BACKGROUNDS",
    "TEST_BACKGROUNDS",
    "TRAIN_ROOMS",
    "VALIDATION_ROOMS",
    "TEST_ROOMS",
    "Event",
    "Soundscape",
    "audible_intervals",
    "prepare_events",
    "prepare_room_ir",
    "mix",
    "random_soundscape",
    "make_set",
]

#: ESC-10 classes that are *events* (a bark, a cry, a sneeze: a start and an end). Rain, sea
#: waves and crackling fire are textures that fill the whole clip; helicopter and chainsaw are
#: long, steady sounds that mostly fill their 5 s clips too, so they are left out.
EVENT_CLASSES = ("Dog bark", "Baby cry", "Clock tick", "Person sneeze", "Rooster")
#: The splits :func:`make_set` builds, each from its own folds, backgrounds and rooms.
SPLITS = ("train", "validation", "test")
#: ESC-10 folds whose clips make each split's events: training folds 1-3, validation fold 4, test
#: fold 5 (ESC-50's folds keep the clips cut from one source recording in one fold).
TRAIN_FOLDS = (1, 2, 3)
VALIDATION_FOLDS = (4,)
TEST_FOLDS = (5,)
#: Real ambient recordings (:func:`course_lib.corpora.background_names`) split between the sets; the
#: validation pair is a city street and sea waves (not the coffee shop, which carries speech).
TRAIN_BACKGROUNDS = ("birds", "coffee-shop", "rain", "summer-night")
VALIDATION_BACKGROUNDS = ("city", "waves")
TEST_BACKGROUNDS = ("boat", "fireplace", "storm", "train", "wind")
#: Measured room responses (:func:`course_lib.corpora.room_ir_names`) split between the sets: three
#: OpenAIR spaces for training, the fourth (a church) for validation, the seminar-room clap for testing.
TRAIN_ROOMS = ("Arthur Sykes Rymer Auditorium", "Genesis 6 Studio Live Room", "Jack Lyons Hall")
VALIDATION_ROOMS = ("St Margaret's Church",)
TEST_ROOMS = ("Seminar room (clap)",)
_PARTS = {"train": (TRAIN_FOLDS, TRAIN_BACKGROUNDS, TRAIN_ROOMS, 0),
          "validation": (VALIDATION_FOLDS, VALIDATION_BACKGROUNDS, VALIDATION_ROOMS, 2),
          "test": (TEST_FOLDS, TEST_BACKGROUNDS, TEST_ROOMS, 1)}


@dataclass
class Event:
    """One isolated event ready to be placed: the audible part of a clip and where it sounds.

    Attributes
    ----------
    y : ndarray of float32
        The clip from its first audible sample to its last.
    label : str
        Its class.
    intervals : ndarray, shape (n, 2)
        Audible intervals (s) relative to the start of ``y``.
    source : int
        Index of the clip it was cut from.
    """

    y: np.ndarray
    label: str
    intervals: np.ndarray
    source: int = -1


@dataclass
class Soundscape:
    """A mixture and its strong labels.

    Attributes
    ----------
    audio : ndarray of float32
        The mixture.
    sr : int
        Sample rate (Hz).
    events : list of (float, float, str)
        ``(onset, offset, label)`` of every audible stretch of every placed event, in seconds,
        sorted by onset.
    sources : list of ndarray
        Each placed event on its own (scaled, reverberated), as long as the mixture.
    background : ndarray of float32
        The background part of the mixture.
    info : list of dict
        Per placed event: ``label``, ``onset`` (s), ``ebr_db``, ``source`` (clip index), ``room``.
    """

    audio: np.ndarray
    sr: int
    events: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    background: np.ndarray | None = None
    info: list = field(default_factory=list)

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.audio.size / self.sr


def audible_intervals(y, sr, *, top_db=30.0, min_gap=0.5, frame_length=1024, hop_length=256) -> np.ndarray:
    """Where a clip is audible: frames within ``top_db`` dB of its loudest frame, short gaps merged.

    ``librosa.effects.split`` marks the frames whose RMS level is at least ``max - top_db`` dB
    (the reference is the clip's own loudest frame); stretches separated by less than
    ``min_gap`` seconds are joined, so a dog's double bark is one event and two barks a second
    apart are two.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    sr : int
        Sample rate (Hz).
    top_db : float
        Dynamic range kept below the loudest frame (dB), > 0.
    min_gap : float
        Gaps shorter than this are merged (s), >= 0.
    frame_length, hop_length : int
        Frame and hop of the RMS analysis (samples).

    Returns
    -------
    ndarray of float, shape (n, 2)
        ``(onset, offset)`` in seconds, sorted; empty for digital silence.

    Raises
    ------
    ValueError
        Bad ``y``, ``sr``, ``top_db`` or ``min_gap``.

    Notebook: 09_detection_localization
    """
    import librosa

    y = _checks.audio(y, ndim=(1,))
    sr = _checks.sample_rate(sr)
    top_db = _checks.positive(top_db, "top_db", "dB")
    min_gap = _checks.number(min_gap, "min_gap", "s", minimum=0.0)
    frame_length = _checks.positive_int(frame_length, "frame_length", what="samples")
    hop_length = _checks.positive_int(hop_length, "hop_length", what="samples")
    if not np.any(y):
        return np.zeros((0, 2))
    spans = librosa.effects.split(np.asarray(y, dtype=np.float32), top_db=top_db, frame_length=frame_length,
                                  hop_length=hop_length)
    merged = []
    for start, end in spans:
        if merged and start - merged[-1][1] < min_gap * sr:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return np.asarray(merged, dtype=np.float64).reshape(-1, 2) / sr


def prepare_events(clips, labels, class_names, *, sr, classes=EVENT_CLASSES, top_db=30.0, min_gap=0.5,
                   max_duration=4.0) -> list[Event]:
    """Cut clips of the chosen classes to their audible part (:func:`audible_intervals`).

    Parameters
    ----------
    clips : sequence of 1-D arrays
        Mono clips (e.g. ESC-10 from :func:`course_lib.corpora.load_esc10`).
    labels : 1-D array_like of int
        Class index of each clip.
    class_names : sequence of str
        Name of each class index.
    sr : int
        Sample rate (Hz).
    classes : sequence of str
        Classes to keep.
    top_db, min_gap : float
        As in :func:`audible_intervals` (dB, s).
    max_duration : float
        Longest event kept (s): a longer audible part is cut there (its intervals too).

    Returns
    -------
    list of Event
        One per kept clip that is not silent, in clip order.

    Raises
    ------
    ValueError
        A class not in ``class_names``, or lengths that differ.

    Notebook: 09_detection_localization
    """
    sr = _checks.sample_rate(sr)
    max_duration = _checks.positive(max_duration, "max_duration", "s")
    labels = np.asarray(labels)
    if len(clips) != labels.size:
        raise ValueError(f"clips and labels must have the same length, got {len(clips)} and {labels.size}")
    names = list(class_names)
    unknown = [c for c in classes if c not in names]
    if unknown:
        raise ValueError(f"classes {unknown} are not in class_names {names}")
    keep = {names.index(c) for c in classes}
    events = []
    for i, (clip, lab) in enumerate(zip(clips, labels)):
        if int(lab) not in keep:
            continue
        iv = audible_intervals(clip, sr, top_db=top_db, min_gap=min_gap)
        if iv.size == 0:
            continue
        start = iv[0, 0]
        iv = iv - start
        iv = iv[iv[:, 0] < max_duration]
        iv[:, 1] = np.minimum(iv[:, 1], max_duration)
        end = int(round((start + iv[-1, 1]) * sr))
        y = np.asarray(clip[int(round(start * sr)):end], dtype=np.float32)
        events.append(Event(y=y, label=names[int(lab)], intervals=iv, source=i))
    return events


def prepare_room_ir(ir, sr, *, max_duration=1.0) -> np.ndarray:
    """Make a measured impulse response ready for :func:`mix`: start at its direct sound, cut, fade.

    Parameters
    ----------
    ir : array_like, shape (n,)
        Impulse response (e.g. :func:`course_lib.corpora.load_room_ir`).
    sr : int
        Its sample rate (Hz).
    max_duration : float
        Length kept after the direct sound (s); the last 10 % fades out linearly.

    Returns
    -------
    ndarray of float32
        The response from its largest sample on, so a reverberated event starts where the dry one does.

    Notebook: 09_detection_localization
    """
    ir = _checks.audio(ir, "ir", ndim=(1,))
    sr = _checks.sample_rate(sr)
    n = int(round(_checks.positive(max_duration, "max_duration", "s") * sr))
    if not np.any(ir):
        raise ValueError("ir is all zeros: convolving with it gives silence")
    out = np.asarray(ir[int(np.argmax(np.abs(ir))):][:n], dtype=np.float32).copy()
    fade = max(1, out.size // 10)
    out[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return out


def _rms(x) -> float:
    return float(np.sqrt(np.mean(np.square(np.asarray(x, dtype=np.float64))))) if np.size(x) else 0.0


def mix(background, events, *, onsets, ebr_db, sr, room_irs=None) -> Soundscape:
    """Place events at given onsets and event-to-background ratios over a background.

    The event-to-background ratio (EBR) is ``20·log10(rms(event) / rms(background))`` with the
    event's RMS taken over its audible intervals only (a 0.3 s bark in a 2 s cut is not made
    quieter by its silences) and the background's over the whole mixture. Scaper and DESED
    measure the same ratio in LUFS; plain RMS is close for these short sounds.

    Parameters
    ----------
    background : array_like, shape (n_samples,)
        The background, as long as the soundscape.
    events : sequence of Event
        Events from :func:`prepare_events`.
    onsets : sequence of float
        Where each event starts (s); it must end inside the soundscape.
    ebr_db : sequence of float
        Event-to-background ratio of each event (dB).
    sr : int
        Sample rate (Hz).
    room_irs : sequence of (ndarray or None), optional
        An impulse response per event (:func:`prepare_room_ir`), or None to keep it dry. The
        reverberated event keeps the dry event's RMS energy and its tail may pass its offset.

    Returns
    -------
    Soundscape
        The mixture, each placed event and the labels ``(onset, offset, label)`` (the audible
        intervals shifted by the onsets, rounded to the millisecond).

    Raises
    ------
    ValueError
        Lengths that differ, an event that does not fit, a silent background with events.

    Notebook: 09_detection_localization
    """
    sr = _checks.sample_rate(sr)
    bg = np.asarray(_checks.audio(background, "background", ndim=(1,)), dtype=np.float64)
    n = bg.size
    onsets = [float(o) for o in onsets]
    ebr_db = [float(e) for e in ebr_db]
    room_irs = [None] * len(events) if room_irs is None else list(room_irs)
    if not (len(events) == len(onsets) == len(ebr_db) == len(room_irs)):
        raise ValueError(f"events, onsets, ebr_db and room_irs must have the same length, got "
                         f"{len(events)}, {len(onsets)}, {len(ebr_db)} and {len(room_irs)}")
    bg_rms = _rms(bg)
    if events and bg_rms == 0.0:
        raise ValueError("background is silent: an event-to-background ratio needs a background with energy")
    total = bg.copy()
    sources, labels, info = [], [], []
    for k, (ev, onset, ebr, ir) in enumerate(zip(events, onsets, ebr_db, room_irs)):
        start = int(round(onset * sr))
        if onset < 0 or start + ev.y.size > n:
            raise ValueError(f"onsets[{k}] = {onset} s: event {k} ({ev.y.size / sr:.2f} s) must fit in the "
                             f"{n / sr:.2f} s soundscape")
        audible = np.concatenate([ev.y[int(a * sr):int(b * sr)] for a, b in ev.intervals])
        gain = 10.0 ** (ebr / 20.0) * bg_rms / max(_rms(audible), 1e-12)
        y = np.zeros(n)
        if ir is None:
            y[start:start + ev.y.size] = gain * ev.y
        else:
            padded = np.zeros(n - start, dtype=np.float32)
            padded[:ev.y.size] = ev.y
            y[start:] = gain * augment.reverb(padded, ir, level="rms")
        total += y
        sources.append(y.astype(np.float32))
        for a, b in ev.intervals:
            labels.append((round(float(onset + a), 3), round(float(onset + b), 3), ev.label))
        info.append(dict(label=ev.label, onset=round(onset, 3), ebr_db=round(ebr, 2), source=int(ev.source),
                         room=ir is not None))
    peak = float(np.max(np.abs(total))) if n else 0.0
    scale = 0.95 / peak if peak > 0.95 else 1.0  # no clipping: scale everything, ratios stay
    labels.sort(key=lambda e: (e[0], e[2]))
    return Soundscape(audio=(scale * total).astype(np.float32), sr=sr, events=labels,
                      sources=[scale * s for s in sources], background=(scale * bg).astype(np.float32), info=info)


def random_soundscape(pool, background, *, sr, n_events=(1, 4), ebr_db=(0.0, 15.0), max_polyphony=2, room_irs=(),
                      reverb_probability=0.5, rng=None) -> Soundscape:
    """Draw a soundscape: how many events, which, where, how loud, which room (Scaper's recipe).

    Onsets are uniform over the times where an event fits; a draw that would make more than
    ``max_polyphony`` events sound at once, or overlap an event of the same class, is drawn again.

    Parameters
    ----------
    pool : sequence of Event
        Events to draw from (uniformly).
    background : array_like
        The background, as long as the soundscape.
    sr : int
        Sample rate (Hz).
    n_events : (int, int)
        Fewest and most events (both included).
    ebr_db : (float, float)
        Range of the event-to-background ratio (dB), uniform.
    max_polyphony : int
        Most events sounding at the same time.
    room_irs : sequence of ndarray
        Impulse responses (:func:`prepare_room_ir`) to draw from; empty: always dry.
    reverb_probability : float
        Chance that an event is reverberated (when ``room_irs`` is not empty).
    rng : int, numpy.random.Generator or None
        Random source.

    Returns
    -------
    Soundscape

    Notebook: 09_detection_localization (via ``make_set``)
    """
    rng = _checks.rng(rng)
    sr = _checks.sample_rate(sr)
    lo, hi = (int(v) for v in _checks.interval(n_events, "n_events", minimum=0))
    ebr_lo, ebr_hi = _checks.interval(ebr_db, "ebr_db", "dB")
    max_polyphony = _checks.positive_int(max_polyphony, "max_polyphony", what="events")
    reverb_probability = _checks.number(reverb_probability, "reverb_probability", minimum=0.0, maximum=1.0)
    if not pool:
        raise ValueError("pool is empty: there is no event to place")
    n = np.size(background)
    chosen, onsets, spans = [], [], []
    for _ in range(int(rng.integers(lo, hi + 1))):
        for _attempt in range(50):
            ev = pool[int(rng.integers(len(pool)))]
            room = ev.y.size
            if room > n:
                continue
            onset = float(rng.integers(0, n - room + 1)) / sr
            span = (onset, onset + room / sr, ev.label)
            overlapping = [s for s in spans if s[0] < span[1] and span[0] < s[1]]
            if any(s[2] == ev.label for s in overlapping):
                continue
            times = [span[0]] + [s[0] for s in overlapping if s[0] > span[0]]
            if max(sum(s[0] <= t < s[1] for s in spans + [span]) for t in times) > max_polyphony:
                continue
            chosen.append(ev)
            onsets.append(onset)
            spans.append(span)
            break
    levels = [float(rng.uniform(ebr_lo, ebr_hi)) for _ in chosen]
    irs = [room_irs[int(rng.integers(len(room_irs)))] if len(room_irs) and rng.random() < reverb_probability
           else None for _ in chosen]
    return mix(background, chosen, onsets=onsets, ebr_db=levels, sr=sr, room_irs=irs)


def make_set(split, n, *, sr=16000, duration=10.0, rng=0, classes=EVENT_CLASSES, n_events=(1, 4), ebr_db=(0.0, 15.0),
             reverb_probability=0.5) -> list[Soundscape]:
    """A training, validation or test set of soundscapes from real ESC-10 events over real backgrounds.

    Each split has its own ESC-10 folds, backgrounds and measured rooms, shared with no other split:
    ``"train"`` draws from :data:`TRAIN_FOLDS`, :data:`TRAIN_BACKGROUNDS` and :data:`TRAIN_ROOMS`
    (folds 1-3, four backgrounds, three OpenAIR spaces), ``"validation"`` from
    :data:`VALIDATION_FOLDS`, :data:`VALIDATION_BACKGROUNDS` and :data:`VALIDATION_ROOMS` (fold 4,
    two backgrounds, the church), ``"test"`` from :data:`TEST_FOLDS`, :data:`TEST_BACKGROUNDS` and
    :data:`TEST_ROOMS` (fold 5, five backgrounds, the seminar-room clap). So no clip, source
    recording, background or room is shared, and a choice made on the validation set (a threshold,
    a filter length) is made on sounds and places the model never trained on. Each soundscape takes
    a random ``duration`` excerpt of a background (looped if shorter) and, with probability
    ``reverb_probability`` per event, one of the split's room responses.

    Parameters
    ----------
    split : {"train", "validation", "test"}
    n : int
        Number of soundscapes.
    sr : int
        Sample rate (Hz).
    duration : float
        Length of each soundscape (s).
    rng : int, numpy.random.Generator or None
        The randomness of every choice: an int seeds the set's own generator together with the
        split (the same int gives the same set, and the three splits draw differently); a Generator
        is used as is.
    classes : sequence of str
        ESC-10 classes used as events.
    n_events, ebr_db, reverb_probability
        As in :func:`random_soundscape`.

    Returns
    -------
    list of Soundscape

    Raises
    ------
    ValueError
        An unknown ``split``, or a bad ``n``, ``sr``, ``duration`` or ``rng``.

    Notebook: 09_detection_localization
    """
    split = _checks.choice(split, "split", SPLITS)
    n = _checks.positive_int(n, "n", what="soundscapes")
    sr = _checks.sample_rate(sr)
    length = int(round(_checks.positive(duration, "duration", "s") * sr))
    split_folds, split_backgrounds, split_rooms, stream = _PARTS[split]
    if _checks.is_integer(rng):
        rng = np.random.default_rng([_checks.integer(rng, "rng", minimum=0), stream])  # train 0, test 1, validation 2
    else:
        rng = _checks.rng(rng)
    clips, labels, folds, names = corpora.load_esc10(sr=sr)
    wanted = np.isin(folds, split_folds)
    pool = prepare_events([clips[i] for i in np.flatnonzero(wanted)], np.asarray(labels)[wanted], names, sr=sr,
                          classes=classes)
    for ev, i in zip(pool, np.flatnonzero(wanted)[[e.source for e in pool]]):
        ev.source = int(i)
    backgrounds = [corpora.load_background(b, sr=sr)[0] for b in split_backgrounds]
    irs = [prepare_room_ir(corpora.load_room_ir(r, sr=sr)[0], sr) for r in split_rooms]
    out = []
    for _ in range(n):
        b = backgrounds[int(rng.integers(len(backgrounds)))]
        if b.size < length:
            b = np.tile(b, int(np.ceil(length / b.size)))
        start = int(rng.integers(0, b.size - length + 1))
        out.append(random_soundscape(pool, b[start:start + length], sr=sr, n_events=n_events, ebr_db=ebr_db, room_irs=irs,
                                     reverb_probability=reverb_probability, rng=rng))
    return out
