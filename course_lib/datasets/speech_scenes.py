"""Speech scenes: real spoken digits placed with gaps over real backgrounds, where the speech is known.

A voice activity detector (VAD) is scored against a reference that says, for every moment, whether
someone speaks; hand-labelled references are rare and slow to make. Here the reference is known by
construction: Free Spoken Digit Dataset (FSDD) recordings, each cut to its own active part
(:func:`speech_extent`), are placed with silent gaps over an excerpt of a real ambient recording
at a chosen signal-to-noise ratio, and the placed stretches *are* the reference speech
(:func:`make_scenes`; the mixing is :func:`course_lib.soundscapes.mix`). :func:`frame_reference`
turns the reference intervals into one speech / non-speech label per analysis frame.

Two splits share nothing: ``"tune"`` (four FSDD speakers, five backgrounds) is where a detector's
threshold is chosen, ``"test"`` (the two speakers chapter 05 holds out, chapter 09's five test
backgrounds) is where it is measured. The coffee-shop recording is in neither: it carries
background speech, so its "non-speech" would be speech.

Used by ``00_introduction``. Layer 3: imports :mod:`course_lib._checks`, :mod:`course_lib.dsp.audio`
(resampling), :mod:`course_lib.datasets.corpora` and :mod:`course_lib.datasets.soundscapes`.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _checks
from ..dsp import audio
from . import corpora, soundscapes

__all__ = [
    "SPLITS",
    "TUNE_SPEAKERS",
    "TEST_SPEAKERS",
    "TUNE_BACKGROUNDS",
    "TEST_BACKGROUNDS",
    "LEFT_OUT_BACKGROUNDS",
    "speech_extent",
    "make_scenes",
    "frame_reference",
]

#: The two splits :func:`make_scenes` builds: where a detector is tuned, where it is measured.
SPLITS = ("tune", "test")
#: FSDD speakers of each split (FSDD has six); the test pair is the one chapter 05 holds out.
TUNE_SPEAKERS = ("jackson", "lucas", "nicolas", "theo")
TEST_SPEAKERS = ("george", "yweweler")
#: Real ambient recordings (:func:`course_lib.corpora.background_names`) of each split; the test
#: five are chapter 09's test backgrounds.
TUNE_BACKGROUNDS = ("birds", "city", "rain", "summer-night", "waves")
TEST_BACKGROUNDS = ("boat", "fireplace", "storm", "train", "wind")
#: Backgrounds left out: the coffee shop's murmur is speech (Silero VAD calls half of it speech).
LEFT_OUT_BACKGROUNDS = ("coffee-shop",)
_PARTS = {"tune": (TUNE_SPEAKERS, TUNE_BACKGROUNDS, 0), "test": (TEST_SPEAKERS, TEST_BACKGROUNDS, 1)}


def speech_extent(y, sr, *, top_db=30.0, frame_duration=0.01) -> tuple[int, int]:
    """Where a recording of one word is active: from its first to its last loud enough frame.

    The recording is cut into consecutive frames of ``frame_duration`` seconds (the last one
    shorter); a frame is active when its mean power is within ``top_db`` dB of the loudest
    frame's. The extent runs from the start of the first active frame to the end of the last, so
    quiet stretches inside the word (the closure before a /k/) belong to it, as a person marking
    the word would mark it.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio, not all zeros.
    sr : int
        Sampling rate (Hz).
    top_db : float
        Range below the loudest frame that still counts as active (dB), > 0.
    frame_duration : float
        Frame length (s), > 0.

    Returns
    -------
    (start, end) : (int, int)
        Sample indices: the word is ``y[start:end]``.

    Raises
    ------
    ValueError
        Bad ``y`` (not 1-D, not finite, empty or all zeros), ``sr``, ``top_db`` or ``frame_duration``.

    Notebook: 00_introduction (via ``make_scenes``)
    """
    y = np.asarray(_checks.audio(y, ndim=(1,)), dtype=np.float64)
    sr = _checks.sample_rate(sr)
    top_db = _checks.positive(top_db, "top_db", "dB")
    n = max(1, int(round(_checks.positive(frame_duration, "frame_duration", "s") * sr)))
    if not np.any(y):
        raise ValueError("y is all zeros: a silent recording has no active part")
    starts = np.arange(0, y.size, n)
    power = np.add.reduceat(y**2, starts) / np.diff(np.r_[starts, y.size])
    active = np.flatnonzero(power >= power.max() * 10.0 ** (-top_db / 10.0))
    return int(starts[active[0]]), int(min(y.size, starts[active[-1]] + n))


@functools.lru_cache(maxsize=None)
def _background(name):
    """A background at its own rate, decoded once per session (several SNRs reuse it)."""
    y, sr = corpora.load_background(name)
    y.setflags(write=False)
    return y, sr


def _excerpt(background, native_sr, sr, length, rng) -> np.ndarray:
    """A random ``length``-sample excerpt at ``sr`` of a recording at ``native_sr`` (looped if shorter)."""
    need = int(np.ceil(length * native_sr / sr)) + 1
    if background.size < need:
        background = np.tile(background, int(np.ceil(need / background.size)))
    start = int(rng.integers(0, background.size - need + 1))
    piece = background[start:start + need]
    if native_sr != sr:
        piece = audio.resample(piece, native_sr, sr)
    return np.asarray(piece[:length], dtype=np.float32)


def make_scenes(split, n, *, snr_db, sr=16000, duration=6.0, n_digits=4, min_gap=0.3, top_db=30.0,
                rng=0) -> list[soundscapes.Soundscape]:
    """Scenes of real speech over real backgrounds, with the speech intervals known by construction.

    Each scene is a ``duration``-second excerpt of one of the split's backgrounds (in turn: scene
    ``i`` uses background ``i mod 5``; a random excerpt) with ``n_digits`` FSDD recordings of the
    split's speakers on it, drawn at random, each cut to its :func:`speech_extent` and placed in
    order with random gaps of at least ``min_gap`` seconds (before the first and after the last
    too). The **signal-to-noise ratio** is ``10·log10(P_speech / P_background)``: each digit's
    mean power over its placed samples against the background excerpt's mean power over the
    whole scene (:func:`course_lib.soundscapes.mix`, whose event-to-background ratio it is), the
    same for every digit. The randomness does not depend on ``snr_db``: the same ``rng`` gives
    the same digits, gaps and excerpts at every SNR, only louder or quieter, so results at two
    SNRs can be paired scene by scene.

    Parameters
    ----------
    split : {"tune", "test"}
        ``"tune"``: speakers :data:`TUNE_SPEAKERS` over :data:`TUNE_BACKGROUNDS`; ``"test"``:
        :data:`TEST_SPEAKERS` over :data:`TEST_BACKGROUNDS`. No speaker, recording or
        background is in both.
    n : int
        Number of scenes.
    snr_db : float
        Signal-to-noise ratio of every digit (dB).
    sr : int
        Sampling rate of the scenes (Hz); FSDD's 8 kHz recordings are resampled to it, so above
        8 kHz the speech has no energy over 4 kHz while the background does.
    duration : float
        Length of each scene (s).
    n_digits : int
        Digits per scene.
    min_gap : float
        Shortest silence between two digits, and before the first and after the last (s), >= 0.
    top_db : float
        The range of :func:`speech_extent` that defines each digit's extent (dB).
    rng : int, numpy.random.Generator or None
        An int seeds the set's own generator together with the split (the same int, the same
        scenes; the two splits draw differently); a Generator is used as is.

    Returns
    -------
    list of course_lib.soundscapes.Soundscape
        ``audio`` (float32, ``round(duration · sr)`` samples), ``events`` ``(onset, offset,
        digit)`` in seconds (the reference speech, rounded to the millisecond), ``sources`` (each
        placed digit alone), ``background`` and ``info`` (per digit: ``source``, its index in
        :func:`course_lib.corpora.load_fsdd`; ``onset``; ``ebr_db``, the SNR; ``background``, the
        recording's name).

    Raises
    ------
    ValueError
        An unknown ``split``; a bad ``n``, ``snr_db``, ``sr``, ``duration``, ``n_digits``,
        ``min_gap`` or ``rng``; or a ``duration`` too short for the digits and gaps drawn.

    Notebook: 00_introduction
    """
    split = _checks.choice(split, "split", SPLITS)
    n = _checks.positive_int(n, "n", what="scenes")
    snr_db = _checks.number(snr_db, "snr_db", "dB")
    sr = _checks.sample_rate(sr)
    length = int(round(_checks.positive(duration, "duration", "s") * sr))
    n_digits = _checks.positive_int(n_digits, "n_digits", what="digits")
    min_gap = _checks.number(min_gap, "min_gap", "s", minimum=0.0)
    speakers, backgrounds, stream = _PARTS[split]
    if _checks.is_integer(rng):
        rng = np.random.default_rng([_checks.integer(rng, "rng", minimum=0), stream])  # tune 0, test 1
    else:
        rng = _checks.rng(rng)

    clips, digits, who, _takes = corpora.load_fsdd(sr=sr)
    pool = np.flatnonzero(np.isin(who, speakers))
    loaded = [_background(b) for b in backgrounds]  # at its own rate: only the excerpt is resampled
    scenes = []
    for i in range(n):
        name = backgrounds[i % len(backgrounds)]
        bg = _excerpt(*loaded[i % len(backgrounds)], sr, length, rng)
        chosen = rng.choice(pool, size=n_digits, replace=False)
        events = []
        for k in chosen:
            a, b = speech_extent(clips[k], sr, top_db=top_db)
            y = np.asarray(clips[k][a:b], dtype=np.float32)
            events.append(soundscapes.Event(y=y, label=str(int(digits[k])), intervals=np.array([[0.0, y.size / sr]]),
                                            source=int(k)))
        free = length - sum(e.y.size for e in events) - int(round(min_gap * sr)) * (n_digits + 1)
        if free < 0:
            raise ValueError(f"duration = {duration} s is too short for {n_digits} digits "
                             f"({sum(e.y.size for e in events) / sr:.2f} s) and {n_digits + 1} gaps of {min_gap} s")
        gaps = int(round(min_gap * sr)) + np.floor(free * rng.dirichlet(np.ones(n_digits + 1))).astype(int)
        starts = np.cumsum(gaps[:-1]) + np.r_[0, np.cumsum([e.y.size for e in events])[:-1]]
        scene = soundscapes.mix(bg, events, onsets=starts / sr, ebr_db=[snr_db] * n_digits, sr=sr)
        for entry in scene.info:
            entry["background"] = name
        scenes.append(scene)
    return scenes


def frame_reference(intervals, times) -> np.ndarray:
    """Speech (True) or not at each frame time: whether the time lies inside a reference interval.

    Parameters
    ----------
    intervals : array_like, shape (n, 2), or a sequence of (onset, offset[, label])
        Reference speech in seconds, e.g. a scene's ``events``; each covers ``[onset, offset)``.
    times : array_like, shape (n_frames,)
        The frame times (s) to label, e.g. the centres of 10 ms frames.

    Returns
    -------
    numpy.ndarray of bool, shape (n_frames,)

    Raises
    ------
    ValueError
        Intervals that are not (onset, offset) pairs with onset <= offset, or times not 1-D.

    Notebook: 00_introduction
    """
    rows = [tuple(iv)[:2] for iv in intervals]
    iv = _checks.real_array(np.asarray(rows, dtype=np.float64).reshape(-1, 2), "intervals")
    if np.any(iv[:, 1] < iv[:, 0]):
        raise ValueError("intervals must be (onset, offset) pairs with onset <= offset")
    t = _checks.real_array(times, "times")
    if t.ndim != 1:
        raise ValueError(f"times must be 1-D (one time per frame), got shape {t.shape}")
    return np.any((t[:, None] >= iv[None, :, 0]) & (t[:, None] < iv[None, :, 1]), axis=1)
