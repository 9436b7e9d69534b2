"""Data sets for training: FSDD split by speaker, and a pipeline of augmented views.

Real speech for chapter ``05_augmentation``: :func:`fsdd_speaker_split` gives the Free Spoken
Digit Dataset's recordings as equal-length clips (:func:`fix_length_centred`), training speakers
apart from test speakers, and :func:`augmented_views_dataset` is the ``tf.data`` pipeline that
draws, in every epoch, one of each clip's precomputed augmented views (or the clip itself) and
applies on-the-fly transforms such as SpecAugment.

Layer 3: imports :mod:`course_lib._checks`, :mod:`course_lib.synth` and :mod:`course_lib.corpora`.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..dsp import synth

__all__ = ["fix_length_centred", "fsdd_speaker_split", "augmented_views_dataset"]


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
        Speakers held out (FSDD has 6: george, jackson, lucas, nicolas, theo, yweweler).
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


def augmented_views_dataset(views, y, *, batch_size=32, rng=0, transform=None):
    """A ``tf.data`` pipeline that gives every clip a freshly drawn augmented view in every epoch.

    ``views[i, k]`` is view ``k`` of clip ``i`` (e.g. its log-mel spectrogram, view 0 the clean
    clip and views 1..K augmented copies made beforehand). The pipeline shuffles the clip
    indices (reshuffled every epoch, seeded), batches them, and maps each batch through
    ``tf.numpy_function``: a NumPy generator seeded from ``rng`` draws one view per clip, then
    ``transform(x, rng)`` (e.g. SpecAugment) may change each drawn example. The generator is
    created once and advances batch after batch, so each epoch draws other views and other
    masks, and the same ``rng`` repeats the whole training run exactly (the map runs
    sequentially, in order).

    Parameters
    ----------
    views : ndarray, shape (n_clips, n_views, ...)
        Precomputed views (float32).
    y : array_like of int, shape (n_clips,)
        Labels.
    batch_size : int
        Clips per batch.
    rng : int or numpy.random.Generator
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
    seed = _checks.seed(rng)
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
