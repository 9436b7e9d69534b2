"""Data sets for training: the synthetic "sound scenes", FSDD split by speaker, a pipeline of augmented views.

The synthetic sound scenes were the course's first training set (labelled audio that needs no
download, is the same on every machine and is made in a second); the chapters now train on
real recordings (ESC-10, FSDD) and the scenes serve the tests and ``data/quiz_siren.wav``.
:func:`make_sound_scenes` synthesizes them with :mod:`course_lib.synth`: eight
AudioSet-like classes (siren, engine, rain, bird, dog bark, clock tick, door knock,
speech), each clip a randomly varied event (pitch, timing, rate, loudness) over a random
background (pink or brown noise from :func:`course_lib.synth.background_noise`, or mains hum
over a faint hiss) mixed at a random SNR by :func:`course_lib.augment.mix_at_snr`. The
listening quiz of chapter 01 drew single clips with :func:`sound_scene_clip`. A :class:`SoundScenes` holds the arrays and gives stratified splits
and ``tf.data`` pipelines. Randomness comes from ``rng`` (an int seed, a Generator or None).

Real speech for chapter ``05_augmentation``: :func:`fsdd_speaker_split` gives the Free Spoken
Digit Dataset's recordings as equal-length clips (:func:`fix_length_centred`), training speakers
apart from test speakers, and :func:`augmented_views_dataset` is the ``tf.data`` pipeline that
draws, in every epoch, one of each clip's precomputed augmented views (or the clip itself) and
applies on-the-fly transforms such as SpecAugment.

Layer 3: imports :mod:`course_lib._checks`, :mod:`course_lib.synth`, :mod:`course_lib.augment`
and :mod:`course_lib.corpora`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..dsp import augment, synth

__all__ = ["SOUND_SCENE_CLASSES", "SoundScenes", "make_sound_scenes", "sound_scene_clip", "fix_length_centred",
           "fsdd_speaker_split", "augmented_views_dataset"]

#: The classes of the synthetic sound-scenes data set, in label order.
SOUND_SCENE_CLASSES = ("siren", "engine", "rain", "bird", "dog_bark", "clock_tick", "door_knock", "speech")

# The backgrounds a clip is drawn over: two of synth's named noises, and mains hum over a hiss.
_BACKGROUNDS = ("pink", "brown", "mains")


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

    Notebook: (not yet used by a chapter: chapters 03-05 now train on real recordings)
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
        self.sr = _checks.sample_rate(self.sr)
        self.seed = _checks.integer(self.seed, "seed", minimum=0)

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

        Notebook: (not yet used by a chapter)
        """
        counts = np.bincount(self.y, minlength=len(self.class_names))
        return {name: int(c) for name, c in zip(self.class_names, counts)}

    def subset(self, indices) -> "SoundScenes":
        """The clips at ``indices`` (integer positions or a boolean mask), as a new set.

        Notebook: (not yet used by a chapter: chapters 03-05 now train on real recordings)
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

    def split(self, test_fraction=0.25, rng=0):
        """Stratified train/test split: ``round(test_fraction · n_c)`` clips of each class go to test.

        Each class keeps at least one clip on both sides when it has two or more. Clips
        keep their original order within each part.

        Parameters
        ----------
        test_fraction : float, default 0.25
            Fraction of every class held out, in (0, 1).
        rng : int, numpy.random.Generator or None, default 0
            Source of the random choice of test clips.

        Returns
        -------
        train, test : SoundScenes

        Notebook: (not yet used by a chapter: chapters 03-05 now train on real recordings)
        """
        f = _checks.number(test_fraction, "test_fraction")
        if not 0.0 < f < 1.0:
            raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction!r}")
        gen = _checks.rng(rng)
        test = np.zeros(len(self), dtype=bool)
        for c in range(len(self.class_names)):
            members = np.flatnonzero(self.y == c)
            if members.size < 2:
                continue
            k = int(np.clip(round(f * members.size), 1, members.size - 1))
            test[gen.choice(members, size=k, replace=False)] = True
        return self.subset(~test), self.subset(test)

    def to_tf_dataset(self, batch_size=32, shuffle=True, rng=0, features=None):
        """A ``tf.data.Dataset`` of ``(features, label)`` batches.

        Parameters
        ----------
        batch_size : int, default 32
            Clips per batch (the last batch may be smaller).
        shuffle : bool, default True
            Shuffle the whole set (reshuffled every epoch, reproducibly from ``rng``).
        rng : int, numpy.random.Generator or None, default 0
            Shuffle seed for TensorFlow (a Generator draws one; None leaves TensorFlow's own).
        features : callable, optional
            Applied once to the whole ``x`` array (``features(x) -> array`` with one row
            per clip, e.g. log-mel spectrograms) before the dataset is built; None feeds
            the raw waveforms ``(batch, n_samples)``.

        Returns
        -------
        tf.data.Dataset
            Elements ``(float32 features, int64 labels)``.

        Notebook: (not yet used by a chapter: 04 and 06 train on NumPy arrays)
        """
        batch_size = _checks.positive_int(batch_size, "batch_size", "clips")
        if rng is None or _checks.is_integer(rng):
            tf_seed = None if rng is None else _checks.integer(rng, "rng", minimum=0)
        else:
            tf_seed = int(_checks.rng(rng).integers(2**31))
        import tensorflow as tf  # imported here: `import course_lib.datasets` stays fast

        feats = self.x if features is None else np.asarray(features(self.x))
        if feats.shape[:1] != (len(self),):
            raise ValueError(f"features(x) must return one row per clip ({len(self)}), got shape {feats.shape}")
        if np.issubdtype(feats.dtype, np.floating):
            feats = feats.astype(np.float32, copy=False)
        ds = tf.data.Dataset.from_tensor_slices((feats, self.y))
        if shuffle:
            ds = ds.shuffle(max(1, len(self)), seed=tf_seed, reshuffle_each_iteration=True)
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
    env = np.zeros(n)
    i0, i1 = max(0, int(round(onset * sr))), min(n, int(round((onset + length) * sr)))
    if i1 > i0:
        env[i0:i1] = synth.fade(np.ones(i1 - i0), sr, fade, fade)
    return env


def _event(name: str, sr: int, duration: float, gen: np.random.Generator) -> np.ndarray:
    """The foreground sound of one class with randomized parameters (float64)."""
    n = synth.n_samples_for(sr=sr, duration=duration)
    if name == "siren":
        kind = str(gen.choice(["wail", "yelp", "hilo"], p=[0.45, 0.25, 0.3]))
        f_low = float(gen.uniform(500.0, 900.0))
        ratio = float(gen.uniform(1.25, 1.5)) if kind == "hilo" else float(gen.uniform(1.6, 2.4))
        rate = {"wail": gen.uniform(0.2, 0.6), "yelp": gen.uniform(2.5, 5.0), "hilo": gen.uniform(0.8, 1.6)}[kind]
        y = synth.siren(sr=sr, duration=duration, kind=kind, f_low=f_low, f_high=min(f_low * ratio, 0.45 * sr), rate=float(rate), mod_phase=float(gen.random()), n_harmonics=int(gen.integers(3, 9)))
        return y * _presence(n, sr, gen)
    if name == "engine":
        y = synth.engine_hum(sr=sr, duration=duration, rpm=float(gen.uniform(700.0, 3000.0)), cylinders=int(gen.choice([4, 6, 8])), brightness=float(gen.uniform(0.2, 0.8)), rpm_wobble=float(gen.uniform(0.005, 0.04)), rng=gen)
        return y * _presence(n, sr, gen)
    if name == "rain":
        y = synth.rain(sr=sr, duration=duration, density=float(np.exp(gen.uniform(np.log(150.0), np.log(1200.0)))), brightness=float(gen.uniform(0.2, 0.9)), rng=gen)
        return y * _presence(n, sr, gen)
    if name == "bird":
        f_low = float(gen.uniform(1800.0, 3000.0))
        f_high = min(f_low + float(gen.uniform(1500.0, 3500.0)), 0.45 * sr)
        y = synth.bird_chirp(sr=sr, duration=duration, f_low=min(f_low, f_high), f_high=f_high, chirp_rate=float(gen.uniform(4.0, 12.0)), chirp_duration=float(gen.uniform(0.03, 0.1)), rng=gen)
        return y * _presence(n, sr, gen, 0.5)
    if name == "dog_bark":
        n_barks = int(gen.integers(1, 4))
        interval = float(gen.uniform(0.2, 0.4))
        bark_duration = float(gen.uniform(0.1, 0.22))
        latest = max(0.0, duration - (n_barks - 1) * interval - bark_duration - 0.05)
        return synth.bark(sr=sr, duration=duration, f0=float(gen.uniform(250.0, 750.0)), n_barks=n_barks, interval=interval, onset=float(gen.uniform(0.0, latest)), bark_duration=bark_duration, rng=gen)
    if name == "clock_tick":
        rate = float(gen.uniform(1.0, 2.5))
        return synth.clock_ticks(sr=sr, duration=duration, rate=rate, f_ring=min(float(gen.uniform(2000.0, 5000.0)), 0.4 * sr), onset=float(gen.uniform(0.0, min(1.0 / rate, 0.9 * duration))), ring_time=float(gen.uniform(0.005, 0.02)), rng=gen)
    if name == "door_knock":
        n_knocks = int(gen.integers(2, 5))
        interval = float(gen.uniform(0.12, 0.25))
        latest = max(0.0, duration - (n_knocks - 1) * interval - 0.1)
        return synth.door_knock(sr=sr, duration=duration, n_knocks=n_knocks, interval=interval, f_res=float(gen.uniform(100.0, 300.0)), onset=float(gen.uniform(0.0, latest)), rng=gen)
    if name == "speech":
        n_voices = 1 if gen.random() < 0.75 else 2
        y = synth.babble(sr=sr, duration=duration, n_voices=n_voices, rng=gen, syllable_rate=float(gen.uniform(3.0, 5.5)))
        return y * _presence(n, sr, gen)
    raise ValueError(f"class_name must be one of {SOUND_SCENE_CLASSES}, got {name!r}")  # pragma: no cover


def _background(kind: str, sr: int, duration: float, gen: np.random.Generator) -> np.ndarray:
    """The background of one clip (float64): pink or brown noise, or mains hum over a faint hiss."""
    if kind != "mains":
        return synth.background_noise(kind, sr=sr, duration=duration, rng=gen).astype(np.float64)
    mains = float(gen.choice([50.0, 60.0]))
    hum = synth.mains_hum(sr=sr, duration=duration, mains=mains, n_harmonics=int(gen.integers(3, 10)), rng=gen)
    return hum.astype(np.float64) + 0.3 * synth.pink_noise(sr=sr, duration=duration, rng=gen)


def sound_scene_clip(class_name, sr=16000, duration=1.0, rng=None, snr_db=(10, 30), level_db=(-20, -6)) -> np.ndarray:
    """One clip of the sound-scenes data set: a randomized event of ``class_name`` over background.

    The event's parameters (pitch, timing, rate, length) are drawn at random, it is scaled
    to a peak level drawn from ``level_db`` (dBFS), and a background (pink noise, brown
    noise or mains hum with a little pink noise) is mixed in at an SNR drawn from ``snr_db``
    by :func:`course_lib.augment.mix_at_snr`, the SNR being the ratio of mean powers over the
    whole clip. The result peaks within [-1, 1].

    Parameters
    ----------
    class_name : str
        One of :data:`SOUND_SCENE_CLASSES`.
    sr : int, default 16000
        Sampling rate in Hz (>= 8000).
    duration : float, default 1.0
        Seconds (>= 0.5).
    rng : int, numpy.random.Generator or None
        Random source (an int seeds a new generator; None is unseeded).
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
    TypeError
        An argument of the wrong type (a bad ``rng``, a range that is not a pair).

    Notebook: (tooling, makes data/quiz_siren.wav through course_lib.assets)
    """
    class_name = _checks.choice(class_name, "class_name", SOUND_SCENE_CLASSES)
    sr = _checks.sample_rate(sr)
    if sr < 8000:
        raise ValueError(f"sr must be at least 8000 Hz for the sound scenes, got {sr}")
    duration = _checks.number(duration, "duration", "s", minimum=0.5)
    snr_lo, snr_hi = _checks.interval(snr_db, "snr_db", "dB")
    lvl_lo, lvl_hi = _checks.interval(level_db, "level_db", "dBFS", maximum=0.0)
    gen = _checks.rng(rng)

    event = np.asarray(_event(class_name, sr, duration, gen), dtype=np.float64)
    peak = np.max(np.abs(event))
    if peak > 0:
        event *= 10.0 ** (float(gen.uniform(lvl_lo, lvl_hi)) / 20.0) / peak
    bg = _background(str(gen.choice(_BACKGROUNDS)), sr, duration, gen)
    if peak == 0:  # sparse chirps can all fall outside the event's stretch: the clip is background alone
        return bg.astype(np.float32)  # (peaks stay below 0.7: nothing to limit)
    return augment.mix_at_snr(event, bg, float(gen.uniform(snr_lo, snr_hi)))


def make_sound_scenes(n_per_class=40, sr=16000, duration=1.0, rng=0, classes=None, snr_db=(10, 30), level_db=(-20, -6)) -> SoundScenes:
    """Make the synthetic sound-scenes data set: balanced, shuffled, reproducible.

    The data set has one integer seed (an int ``rng``, or one drawn from a Generator). Clip
    ``i`` of a class is drawn from its own generator, seeded by ``(seed, class, i)``: the same
    arguments give bit-identical arrays, another seed gives other clips, and asking for more
    clips per class keeps the first ones. The order of the clips is then shuffled
    (deterministically, from the seed).

    Parameters
    ----------
    n_per_class : int, default 40
        Clips per class.
    sr : int, default 16000
        Sampling rate in Hz.
    duration : float, default 1.0
        Seconds per clip.
    rng : int, numpy.random.Generator or None, default 0
        The data set's seed (a non-negative int), or a source to draw one from.
    classes : sequence of str, optional
        A subset of :data:`SOUND_SCENE_CLASSES` (its order sets the labels); all by default.
    snr_db : (float, float), default (10, 30)
        Range of signal-to-background ratios in dB.
    level_db : (float, float), default (-20, -6)
        Range of event peak levels in dBFS.

    Returns
    -------
    SoundScenes
        ``x`` float32 ``(n_per_class · n_classes, round(duration · sr))``, ``y`` int64; its
        ``seed`` is the data set's seed.

    Examples
    --------
    >>> data = make_sound_scenes(n_per_class=4, rng=1)
    >>> data.x.shape, data.class_counts()["siren"]
    ((32, 16000), 4)

    Notebook: (not yet used by a chapter: chapters 03-05 now train on real recordings)
    """
    n_per_class = _checks.positive_int(n_per_class, "n_per_class", "clips")
    if _checks.is_integer(rng):
        seed = _checks.integer(rng, "rng", minimum=0)
    else:
        seed = int(_checks.rng(rng).integers(2**31))
    classes = SOUND_SCENE_CLASSES if classes is None else tuple(classes)
    if not classes:
        raise ValueError("classes must not be empty")
    unknown = [c for c in classes if c not in SOUND_SCENE_CLASSES]
    if unknown:
        raise ValueError(f"classes must be drawn from {SOUND_SCENE_CLASSES}, unknown: {unknown}")
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes must not repeat, got {classes}")
    sr = _checks.sample_rate(sr)
    n = synth.n_samples_for(sr=sr, duration=duration)
    x = np.empty((n_per_class * len(classes), n), dtype=np.float32)
    y = np.empty(n_per_class * len(classes), dtype=np.int64)
    row = 0
    for label, name in enumerate(classes):
        code = SOUND_SCENE_CLASSES.index(name)
        for i in range(n_per_class):
            gen = np.random.default_rng([seed, code, i])
            x[row] = sound_scene_clip(name, sr, duration, rng=gen, snr_db=snr_db, level_db=level_db)
            y[row] = label
            row += 1
    order = np.random.default_rng([seed, 1_000_003]).permutation(len(y))
    return SoundScenes(x[order], y[order], classes, sr, seed)


# ---------------------------------------------------------------------------------------
# real speech: FSDD digits with unseen speakers, and a tf.data pipeline of augmented views
# ---------------------------------------------------------------------------------------
def fix_length_centred(y, n_samples, peak=0.5):
    """A clip scaled to a peak of ``peak`` and centred in ``n_samples`` samples (zero-padded or cropped).

    Parameters
    ----------
    y : array_like, shape (n,)
        Mono audio (not silent).
    n_samples : int
        Length wanted.
    peak : float or None
        Peak level after scaling (0 < peak <= 1); None keeps the level.

    Returns
    -------
    np.ndarray
        float32, shape ``(n_samples,)``: the middle of a longer clip, or a shorter clip with
        half the padding on each side.

    Notebook: 05_augmentation (via `fsdd_speaker_split`)
    """
    y = np.asarray(_checks.audio(y, "y", ndim=1), dtype=np.float32)
    n_samples = _checks.positive_int(n_samples, "n_samples", "samples")
    if peak is not None:
        peak = _checks.number(peak, "peak", minimum=0.0, maximum=1.0, open_minimum=True)
        m = float(np.max(np.abs(y)))
        if m == 0.0:
            raise ValueError("y is silent: it cannot be scaled to a peak")
        y = y * (peak / m)
    if y.size >= n_samples:
        start = (y.size - n_samples) // 2
        return np.ascontiguousarray(y[start : start + n_samples], dtype=np.float32)
    pad = n_samples - y.size
    return np.pad(y, (pad // 2, pad - pad // 2)).astype(np.float32)


def fsdd_speaker_split(test_speakers=("george", "yweweler"), train_takes=(5, 17), test_takes=(0, 50), duration=1.0):
    """FSDD digits split by speaker: train on some speakers, test on speakers never heard.

    Every recording (8 kHz) is scaled to a peak of 0.5 and centred in ``duration`` seconds by
    :func:`fix_length_centred`. The training set keeps the takes ``train_takes[0] <= take <
    train_takes[1]`` of the other speakers (fewer clips: a smaller, faster experiment in which the
    model can fail); the test set keeps ``test_takes`` of ``test_speakers``.

    Parameters
    ----------
    test_speakers : sequence of str
        Speakers held out (see :func:`course_lib.corpora.fsdd_speakers`).
    train_takes, test_takes : (int, int)
        Half-open ranges of takes (0-49) kept for training and testing.
    duration : float
        Seconds per clip.

    Returns
    -------
    dict
        ``x_train``, ``x_test`` (float32, ``(n, round(duration · 8000))``), ``y_train``,
        ``y_test`` (int64 digits), ``speakers_train``, ``speakers_test`` (str arrays), ``sr``
        (8000).

    Raises
    ------
    ValueError
        An unknown speaker, no speaker left for training, or an empty range of takes.

    Notebook: 05_augmentation
    """
    from . import corpora

    clips, digits, speakers, takes = corpora.load_fsdd()
    speakers, takes, digits = np.asarray(speakers), np.asarray(takes), np.asarray(digits)
    known = sorted(set(speakers.tolist()))
    test_speakers = tuple(test_speakers)
    unknown = [s for s in test_speakers if s not in known]
    if unknown or not test_speakers:
        raise ValueError(f"test_speakers must be some of {known}, got {list(test_speakers)}")
    if set(test_speakers) == set(known):
        raise ValueError("test_speakers must leave at least one speaker for training")
    ranges = {}
    for name, pair in (("train_takes", train_takes), ("test_takes", test_takes)):
        lo, hi = (_checks.integer(v, name, minimum=0, maximum=50) for v in pair)
        if lo >= hi:
            raise ValueError(f"{name} must be a half-open range (low, high) of takes with low < high, got {pair!r}")
        ranges[name] = (lo, hi)
    sr = 8000
    n = synth.n_samples_for(sr=sr, duration=duration)
    held_out = np.isin(speakers, test_speakers)
    out = {"sr": sr}
    for part, mask in (("train", ~held_out), ("test", held_out)):
        lo, hi = ranges[f"{part}_takes"]
        idx = np.flatnonzero(mask & (takes >= lo) & (takes < hi))
        out[f"x_{part}"] = np.stack([fix_length_centred(clips[i], n) for i in idx])
        out[f"y_{part}"] = digits[idx].astype(np.int64)
        out[f"speakers_{part}"] = speakers[idx]
    return out


def augmented_views_dataset(views, y, batch_size=32, seed=0, transform=None):
    """A ``tf.data`` pipeline that gives every clip a freshly drawn augmented view in every epoch.

    ``views[i, k]`` is view ``k`` of clip ``i`` (e.g. its log-mel spectrogram, view 0 the clean
    clip and views 1..K augmented copies made beforehand). The pipeline shuffles the clip
    indices (reshuffled every epoch, seeded), batches them, and maps each batch through
    ``tf.numpy_function``: a NumPy generator seeded with ``seed`` draws one view per clip, then
    ``transform(x, rng)`` (e.g. SpecAugment) may change each drawn example. The generator is
    created once and advances batch after batch, so each epoch draws other views and other
    masks, and the same ``seed`` repeats the whole training run exactly (the map runs
    sequentially, in order).

    Parameters
    ----------
    views : ndarray, shape (n_clips, n_views, ...)
        Precomputed views (float32).
    y : array_like of int, shape (n_clips,)
        Labels.
    batch_size : int
        Clips per batch.
    seed : int
        Seeds the shuffle and the generator of the draws.
    transform : callable, optional
        ``transform(example, rng) -> example`` applied to each drawn example.

    Returns
    -------
    tf.data.Dataset
        Batches ``(float32 (b, ...), int64 (b,))``; iterate it once per epoch (Keras ``fit``
        does).

    Notebook: 05_augmentation
    """
    import tensorflow as tf

    views = np.ascontiguousarray(views, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    if views.ndim < 2 or len(views) != len(y) or len(y) == 0:
        raise ValueError(f"views must be (n_clips, n_views, ...) with one label per clip, got shapes {views.shape} and {y.shape}")
    batch_size = _checks.positive_int(batch_size, "batch_size", "clips")
    seed = _checks.integer(seed, "seed", minimum=0, what="seed")
    gen = np.random.default_rng([seed, 5])

    def draw(idx):
        k = gen.integers(0, views.shape[1], size=len(idx))
        x = views[idx, k]
        if transform is not None:
            x = np.stack([transform(e, gen) for e in x]).astype(np.float32)
        return x, y[idx]

    def mapped(idx):
        x, lab = tf.numpy_function(draw, [idx], (tf.float32, tf.int64), stateful=True)
        x.set_shape((None,) + views.shape[2:])
        lab.set_shape((None,))
        return x, lab

    ds = tf.data.Dataset.from_tensor_slices(np.arange(len(y), dtype=np.int64))
    ds = ds.shuffle(len(y), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    options = tf.data.Options()
    options.deterministic = True
    return ds.map(mapped).with_options(options)  # sequential map: the draws happen in order
