"""Synthetic, deterministic "sound scenes": a small environmental-sound data set.

The chapters that train models (``03_mel_perception``'s "how many mel filters?"
experiment, ``04_audioset_vggish``'s classifier, ``05_augmentation``, ``06_raw_waveform``)
need labelled audio that needs no download, is the same on every machine and is made in
a second. :func:`make_sound_scenes` synthesizes it with :mod:`course_lib.synth`: eight
AudioSet-like classes (siren, engine, rain, bird, dog bark, clock tick, door knock,
speech), each clip a randomly varied event (pitch, timing, rate, loudness) over a random
background (pink or brown noise or mains hum) at a random SNR. Chapter 01's "which sound
is it?" quiz draws single clips with :func:`sound_scene_clip`. A :class:`SoundScenes`
holds the arrays and gives stratified splits and ``tf.data`` pipelines.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from . import synth

__all__ = ["SOUND_SCENE_CLASSES", "SoundScenes", "make_sound_scenes", "sound_scene_clip"]

#: The classes of the synthetic sound-scenes data set, in label order.
SOUND_SCENE_CLASSES = ("siren", "engine", "rain", "bird", "dog_bark", "clock_tick", "door_knock", "speech")

_BACKGROUNDS = ("pink", "brown", "hum")


@dataclass(eq=False, repr=False)
class SoundScenes:
    """A labelled set of equally long mono clips.

    Attributes
    ----------
    x : np.ndarray
        float32 audio, shape ``(n_clips, n_samples)``, values in [-1, 1].
    y : np.ndarray
        int64 class indices, shape ``(n_clips,)``, into ``class_names``.
    class_names : tuple of str
        Name of each class index.
    sr : int
        Sampling rate in Hz.
    seed : int
        Seed the clips were generated with.

    Notebook: 04_audioset_vggish
    """

    x: np.ndarray
    y: np.ndarray
    class_names: tuple
    sr: int
    seed: int

    def __post_init__(self):
        self.x = np.asarray(self.x)
        self.y = np.asarray(self.y)
        self.class_names = tuple(self.class_names)
        if self.x.ndim != 2:
            raise ValueError(f"x must have shape (n_clips, n_samples), got {self.x.shape}")
        if self.x.dtype != np.float32:
            raise TypeError(f"x must be float32, got {self.x.dtype}")
        if self.y.shape != (self.x.shape[0],):
            raise ValueError(f"y must have shape ({self.x.shape[0]},) to match x, got {self.y.shape}")
        if self.y.dtype != np.int64:
            raise TypeError(f"y must be int64, got {self.y.dtype}")
        if self.y.size and (self.y.min() < 0 or self.y.max() >= len(self.class_names)):
            raise ValueError(f"y must hold class indices in [0, {len(self.class_names)})")
        if isinstance(self.sr, bool) or not isinstance(self.sr, numbers.Integral) or self.sr <= 0:
            raise ValueError(f"sr must be a positive integer (Hz), got {self.sr!r}")

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def __repr__(self) -> str:
        return (
            f"SoundScenes({len(self)} clips × {self.n_samples} samples at {self.sr} Hz "
            f"({self.duration:g} s), {len(self.class_names)} classes, seed={self.seed})"
        )

    @property
    def n_samples(self) -> int:
        """Samples per clip."""
        return int(self.x.shape[1])

    @property
    def duration(self) -> float:
        """Seconds per clip."""
        return self.n_samples / self.sr

    @property
    def labels(self) -> list:
        """Class name of every clip (list of str)."""
        return [self.class_names[i] for i in self.y]

    def class_counts(self) -> dict:
        """Number of clips per class, as ``{class_name: count}`` in label order.

        Notebook: 04_audioset_vggish
        """
        counts = np.bincount(self.y, minlength=len(self.class_names))
        return {name: int(c) for name, c in zip(self.class_names, counts)}

    def subset(self, indices) -> "SoundScenes":
        """The clips at ``indices`` (integer positions or a boolean mask), as a new set.

        Notebook: 04_audioset_vggish
        """
        idx = np.asarray(indices)
        if idx.dtype == bool:
            if idx.shape != (len(self),):
                raise ValueError(f"a boolean mask must have shape ({len(self)},), got {idx.shape}")
            idx = np.flatnonzero(idx)
        elif idx.size and not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"indices must be integers or a boolean mask, got dtype {idx.dtype}")
        idx = idx.astype(np.int64).ravel()
        if idx.size and (idx.min() < -len(self) or idx.max() >= len(self)):
            raise IndexError(f"indices out of range for {len(self)} clips")
        return SoundScenes(self.x[idx], self.y[idx], self.class_names, self.sr, self.seed)

    def split(self, test_fraction=0.25, seed=0):
        """Stratified train/test split: ``round(test_fraction · n_c)`` clips of each class go to test.

        Each class keeps at least one clip on both sides when it has two or more. Clips
        keep their original order within each part.

        Parameters
        ----------
        test_fraction : float, default 0.25
            Fraction of every class held out, in (0, 1).
        seed : int, default 0
            Seed of the random choice of test clips.

        Returns
        -------
        train, test : SoundScenes

        Notebook: 04_audioset_vggish
        """
        f = float(test_fraction)
        if not 0.0 < f < 1.0:
            raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction!r}")
        gen = np.random.default_rng(seed)
        test = np.zeros(len(self), dtype=bool)
        for c in range(len(self.class_names)):
            members = np.flatnonzero(self.y == c)
            if members.size < 2:
                continue
            k = int(np.clip(round(f * members.size), 1, members.size - 1))
            test[gen.choice(members, size=k, replace=False)] = True
        return self.subset(~test), self.subset(test)

    def to_tf_dataset(self, batch_size=32, shuffle=True, seed=0, features=None):
        """A ``tf.data.Dataset`` of ``(features, label)`` batches.

        Parameters
        ----------
        batch_size : int, default 32
            Clips per batch (the last batch may be smaller).
        shuffle : bool, default True
            Shuffle the whole set (reshuffled every epoch, reproducibly from ``seed``).
        seed : int, default 0
            Shuffle seed.
        features : callable, optional
            Applied once to the whole ``x`` array (``features(x) -> array`` with one row
            per clip, e.g. log-mel spectrograms) before the dataset is built; None feeds
            the raw waveforms ``(batch, n_samples)``.

        Returns
        -------
        tf.data.Dataset
            Elements ``(float32 features, int64 labels)``.

        Notebook: 04_audioset_vggish
        """
        import tensorflow as tf  # imported here: `import course_lib.datasets` stays fast

        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        feats = self.x if features is None else np.asarray(features(self.x))
        if feats.shape[:1] != (len(self),):
            raise ValueError(f"features(x) must return one row per clip ({len(self)}), got shape {feats.shape}")
        if np.issubdtype(feats.dtype, np.floating):
            feats = feats.astype(np.float32, copy=False)
        ds = tf.data.Dataset.from_tensor_slices((feats, self.y))
        if shuffle:
            ds = ds.shuffle(max(1, len(self)), seed=seed, reshuffle_each_iteration=True)
        return ds.batch(int(batch_size)).prefetch(tf.data.AUTOTUNE)


# ---------------------------------------------------------------------------------------
# one clip
# ---------------------------------------------------------------------------------------
def _presence(n: int, sr: int, gen: np.random.Generator, min_fraction: float = 0.6) -> np.ndarray:
    """Gate of a continuous sound covering a random 60–100 % stretch of the clip."""
    dur = n / sr
    length = dur * float(gen.uniform(min_fraction, 1.0))
    onset = float(gen.uniform(0.0, dur - length))
    fade = float(gen.uniform(0.02, 0.08))
    return synth._event_envelope(n, sr, onset, length, fade, fade)


def _event(name: str, sr: int, duration: float, gen: np.random.Generator) -> np.ndarray:
    """The foreground sound of one class with randomized parameters (float64)."""
    n = synth.n_samples_for(duration, sr)
    nyq = 0.5 * sr
    if name == "siren":
        kind = str(gen.choice(["wail", "yelp", "hilo"], p=[0.45, 0.25, 0.3]))
        f_low = float(gen.uniform(500.0, 900.0))
        ratio = float(gen.uniform(1.25, 1.5)) if kind == "hilo" else float(gen.uniform(1.6, 2.4))
        rate = {"wail": gen.uniform(0.2, 0.6), "yelp": gen.uniform(2.5, 5.0), "hilo": gen.uniform(0.8, 1.6)}[kind]
        y = synth.siren(duration, sr, kind=kind, f_low=f_low, f_high=min(f_low * ratio, 0.45 * sr), rate=float(rate), mod_phase=float(gen.random()), n_harmonics=int(gen.integers(3, 9)))
        return y * _presence(n, sr, gen)
    if name == "engine":
        y = synth.engine_hum(duration, sr, rpm=float(gen.uniform(700.0, 3000.0)), cylinders=int(gen.choice([4, 6, 8])), brightness=float(gen.uniform(0.2, 0.8)), rpm_wobble=float(gen.uniform(0.005, 0.04)), rng=gen)
        return y * _presence(n, sr, gen)
    if name == "rain":
        y = synth.rain(duration, sr, density=float(np.exp(gen.uniform(np.log(150.0), np.log(1200.0)))), brightness=float(gen.uniform(0.2, 0.9)), rng=gen)
        return y * _presence(n, sr, gen)
    if name == "bird":
        f_low = float(gen.uniform(1800.0, 3000.0))
        f_high = min(f_low + float(gen.uniform(1500.0, 3500.0)), 0.45 * sr)
        y = synth.bird_chirp(duration, sr, f_low=min(f_low, f_high), f_high=f_high, chirp_rate=float(gen.uniform(4.0, 12.0)), chirp_duration=float(gen.uniform(0.03, 0.1)), rng=gen)
        return y * _presence(n, sr, gen, 0.5)
    if name == "dog_bark":
        n_barks = int(gen.integers(1, 4))
        interval = float(gen.uniform(0.2, 0.4))
        bark_duration = float(gen.uniform(0.1, 0.22))
        latest = max(0.0, duration - (n_barks - 1) * interval - bark_duration - 0.05)
        return synth.bark(duration, sr, f0=float(gen.uniform(250.0, 750.0)), n_barks=n_barks, interval=interval, onset=float(gen.uniform(0.0, latest)), bark_duration=bark_duration, rng=gen)
    if name == "clock_tick":
        rate = float(gen.uniform(1.0, 2.5))
        return synth.clock_ticks(duration, sr, rate=rate, f_ring=min(float(gen.uniform(2000.0, 5000.0)), 0.4 * sr), onset=float(gen.uniform(0.0, min(1.0 / rate, 0.9 * duration))), ring_time=float(gen.uniform(0.005, 0.02)), rng=gen)
    if name == "door_knock":
        n_knocks = int(gen.integers(2, 5))
        interval = float(gen.uniform(0.12, 0.25))
        latest = max(0.0, duration - (n_knocks - 1) * interval - 0.1)
        return synth.door_knock(duration, sr, n_knocks=n_knocks, interval=interval, f_res=float(gen.uniform(100.0, 300.0)), onset=float(gen.uniform(0.0, latest)), rng=gen)
    if name == "speech":
        n_voices = 1 if gen.random() < 0.75 else 2
        y = synth.babble(duration, sr, n_voices=n_voices, rng=gen, syllable_rate=float(gen.uniform(3.0, 5.5)))
        return y * _presence(n, sr, gen)
    raise ValueError(f"class_name must be one of {SOUND_SCENE_CLASSES}, got {name!r}")  # pragma: no cover


def _background(kind: str, sr: int, duration: float, gen: np.random.Generator) -> np.ndarray:
    if kind == "pink":
        return synth.pink_noise(duration, sr, rng=gen).astype(np.float64)
    if kind == "brown":
        return synth.brown_noise(duration, sr, rng=gen).astype(np.float64)
    hum = synth.mains_hum(duration, sr, mains=float(gen.choice([50.0, 60.0])), n_harmonics=int(gen.integers(3, 10)), rng=gen).astype(np.float64)
    return hum + 0.3 * synth.pink_noise(duration, sr, rng=gen)


def _check_pair(value, name: str, lo: float = -np.inf, hi: float = np.inf):
    try:
        a, b = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a (low, high) pair of numbers, got {value!r}") from None
    if not (np.isfinite(a) and np.isfinite(b) and lo <= a <= b <= hi):
        raise ValueError(f"{name} must satisfy {lo} <= low <= high <= {hi}, got {value!r}")
    return a, b


def sound_scene_clip(class_name, sr=16000, duration=1.0, rng=None, snr_db=(10, 30), level_db=(-20, -6)) -> np.ndarray:
    """One clip of the sound-scenes data set: a randomized event of ``class_name`` over background.

    The event's parameters (pitch, timing, rate, length) are drawn at random, it is scaled
    to a peak level drawn from ``level_db`` (dBFS), and a background (pink noise, brown
    noise or mains hum with a little pink noise) is added at an SNR drawn from ``snr_db``,
    the SNR being the ratio of mean powers over the whole clip. The result peaks within
    [-1, 1].

    Parameters
    ----------
    class_name : str
        One of :data:`SOUND_SCENE_CLASSES`.
    sr : int, default 16000
        Sampling rate in Hz (>= 8000).
    duration : float, default 1.0
        Seconds (>= 0.5).
    rng : numpy.random.Generator or int or None
        Random source (or a seed for one).
    snr_db : (float, float), default (10, 30)
        Range of signal-to-background ratios in dB.
    level_db : (float, float), default (-20, -6)
        Range of the event's peak level in dBFS (<= 0).

    Returns
    -------
    np.ndarray
        float32, shape ``(round(duration · sr),)``.

    Raises
    ------
    ValueError
        Unknown class, or an argument out of range.

    Notebook: 01_sound_physics
    """
    if class_name not in SOUND_SCENE_CLASSES:
        raise ValueError(f"class_name must be one of {SOUND_SCENE_CLASSES}, got {class_name!r}")
    sr = synth._check_sr(sr)
    if sr < 8000:
        raise ValueError(f"sr must be at least 8000 Hz for the sound scenes, got {sr}")
    duration = synth._check_positive(duration, "duration")
    if duration < 0.5:
        raise ValueError(f"duration must be at least 0.5 s for the sound scenes, got {duration}")
    snr_lo, snr_hi = _check_pair(snr_db, "snr_db")
    lvl_lo, lvl_hi = _check_pair(level_db, "level_db", hi=0.0)
    if rng is not None and not isinstance(rng, (np.random.Generator, numbers.Integral)) or isinstance(rng, bool):
        raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__}")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)

    event = np.asarray(_event(class_name, sr, duration, gen), dtype=np.float64)
    peak = np.max(np.abs(event))
    if peak > 0:
        event *= 10.0 ** (float(gen.uniform(lvl_lo, lvl_hi)) / 20.0) / peak
    bg = _background(str(gen.choice(_BACKGROUNDS)), sr, duration, gen)
    p_event = float(np.mean(event**2))
    p_bg = float(np.mean(bg**2))
    if p_bg > 0 and p_event > 0:
        bg *= np.sqrt(p_event / p_bg / 10.0 ** (float(gen.uniform(snr_lo, snr_hi)) / 10.0))
    clip = event + bg
    peak = np.max(np.abs(clip))
    if peak > 0.99:
        clip *= 0.99 / peak
    return clip.astype(np.float32)


def make_sound_scenes(n_per_class=40, sr=16000, duration=1.0, seed=0, classes=None, snr_db=(10, 30), level_db=(-20, -6)) -> SoundScenes:
    """Make the synthetic sound-scenes data set: balanced, shuffled, reproducible.

    Clip ``i`` of a class is drawn from its own generator, seeded by ``(seed, class, i)``:
    the same arguments give bit-identical arrays, another seed gives other clips, and
    asking for more clips per class keeps the first ones. The order of the clips is then
    shuffled (deterministically, from ``seed``).

    Parameters
    ----------
    n_per_class : int, default 40
        Clips per class.
    sr : int, default 16000
        Sampling rate in Hz.
    duration : float, default 1.0
        Seconds per clip.
    seed : int, default 0
        Seed of everything random.
    classes : sequence of str, optional
        A subset of :data:`SOUND_SCENE_CLASSES` (its order sets the labels); all by default.
    snr_db : (float, float), default (10, 30)
        Range of signal-to-background ratios in dB.
    level_db : (float, float), default (-20, -6)
        Range of event peak levels in dBFS.

    Returns
    -------
    SoundScenes
        ``x`` float32 ``(n_per_class · n_classes, round(duration · sr))``, ``y`` int64.

    Examples
    --------
    >>> data = make_sound_scenes(n_per_class=4, seed=1)
    >>> data.x.shape, data.class_counts()["siren"]
    ((32, 16000), 4)

    Notebook: 04_audioset_vggish
    """
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, numbers.Integral) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer, got {n_per_class!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    classes = SOUND_SCENE_CLASSES if classes is None else tuple(classes)
    if not classes:
        raise ValueError("classes must not be empty")
    unknown = [c for c in classes if c not in SOUND_SCENE_CLASSES]
    if unknown:
        raise ValueError(f"classes must be drawn from {SOUND_SCENE_CLASSES}, unknown: {unknown}")
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes must not repeat, got {classes}")
    sr = synth._check_sr(sr)
    n = synth.n_samples_for(duration, sr)
    x = np.empty((n_per_class * len(classes), n), dtype=np.float32)
    y = np.empty(n_per_class * len(classes), dtype=np.int64)
    row = 0
    for label, name in enumerate(classes):
        code = SOUND_SCENE_CLASSES.index(name)
        for i in range(n_per_class):
            gen = np.random.default_rng([int(seed), code, i])
            x[row] = sound_scene_clip(name, sr, duration, rng=gen, snr_db=snr_db, level_db=level_db)
            y[row] = label
            row += 1
    order = np.random.default_rng([int(seed), 1_000_003]).permutation(len(y))
    return SoundScenes(x[order], y[order], classes, sr, int(seed))
