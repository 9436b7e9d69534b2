"""course_lib.datasets: the synthetic sound-scenes data set, FSDD split by speaker, the augmented-views pipeline."""

import librosa
import numpy as np
import pytest

from course_lib import datasets
from course_lib.datasets import SOUND_SCENE_CLASSES, SoundScenes, make_sound_scenes, sound_scene_clip


@pytest.fixture(scope="module")
def scenes():
    return make_sound_scenes(n_per_class=10, rng=0)


def test_classes():
    assert len(SOUND_SCENE_CLASSES) >= 8 and len(set(SOUND_SCENE_CLASSES)) == len(SOUND_SCENE_CLASSES)
    assert {"siren", "engine", "rain", "bird", "dog_bark", "clock_tick", "door_knock", "speech"} <= set(SOUND_SCENE_CLASSES)


def test_shapes_dtypes_and_balance(scenes):
    n_classes = len(SOUND_SCENE_CLASSES)
    assert isinstance(scenes, SoundScenes)
    assert scenes.x.shape == (10 * n_classes, 16000) and scenes.x.dtype == np.float32
    assert scenes.y.shape == (10 * n_classes,) and scenes.y.dtype == np.int64
    assert len(scenes) == 10 * n_classes
    assert scenes.class_names == SOUND_SCENE_CLASSES and scenes.sr == 16000 and scenes.seed == 0
    assert scenes.duration == 1.0 and scenes.n_samples == 16000
    assert scenes.class_counts() == {name: 10 for name in SOUND_SCENE_CLASSES}
    assert scenes.labels[0] == SOUND_SCENE_CLASSES[scenes.y[0]]
    # shuffled: not sorted by label
    assert np.any(np.diff(scenes.y) < 0)
    assert "SoundScenes(80 clips" in repr(scenes)


def test_clips_are_finite_in_range_and_audible(scenes):
    assert np.all(np.isfinite(scenes.x))
    peaks = np.max(np.abs(scenes.x), axis=1)
    assert peaks.max() <= 1.0
    assert peaks.min() > 10 ** (-22 / 20)  # the event peak is at least -20 dBFS (plus background)


def test_determinism_and_seed_dependence(scenes):
    again = make_sound_scenes(n_per_class=10, rng=0)
    np.testing.assert_array_equal(again.x, scenes.x)
    np.testing.assert_array_equal(again.y, scenes.y)
    drawn = make_sound_scenes(n_per_class=1, rng=np.random.default_rng(5))  # a Generator draws the seed
    np.testing.assert_array_equal(make_sound_scenes(n_per_class=1, rng=drawn.seed).x, drawn.x)
    other = make_sound_scenes(n_per_class=10, rng=1)
    assert not np.array_equal(other.x, scenes.x)
    # no clip of seed 1 equals a clip of seed 0
    assert not set(map(bytes, other.x)) & set(map(bytes, scenes.x))


def test_more_clips_keep_the_first_ones():
    small = make_sound_scenes(n_per_class=2, rng=3, classes=("rain", "bird"))
    big = make_sound_scenes(n_per_class=4, rng=3, classes=("rain", "bird"))
    assert set(map(bytes, small.x)) <= set(map(bytes, big.x))


def test_clips_differ_within_a_class(scenes):
    for c in range(len(SOUND_SCENE_CLASSES)):
        clips = scenes.x[scenes.y == c].astype(np.float64)
        assert len(set(map(bytes, clips))) == len(clips)
        corr = np.corrcoef(clips)
        off_diagonal = corr[~np.eye(len(clips), dtype=bool)]
        assert np.max(np.abs(off_diagonal)) < 0.9, SOUND_SCENE_CLASSES[c]
        # loudness varies too
        rms = np.sqrt(np.mean(clips**2, axis=1))
        assert rms.max() / rms.min() > 1.5, SOUND_SCENE_CLASSES[c]


def test_classes_subset_sets_labels():
    data = make_sound_scenes(n_per_class=3, rng=0, classes=("speech", "siren"))
    assert data.class_names == ("speech", "siren")
    assert data.class_counts() == {"speech": 3, "siren": 3}
    # label 1 is "siren": the clips are those of the full set's siren class (same seed)
    full = make_sound_scenes(n_per_class=3, rng=0)
    sirens_full = set(map(bytes, full.x[full.y == SOUND_SCENE_CLASSES.index("siren")]))
    assert set(map(bytes, data.x[data.y == 1])) == sirens_full


def test_split_is_stratified_and_disjoint(scenes):
    train, test = scenes.split(test_fraction=0.25, rng=0)
    assert len(train) + len(test) == len(scenes)
    assert all(v == 2 for v in test.class_counts().values())  # round(0.25 * 10) = 2 (banker's rounding of 2.5)
    assert all(v == 8 for v in train.class_counts().values())
    train_rows, test_rows = set(map(bytes, train.x)), set(map(bytes, test.x))
    assert not train_rows & test_rows
    assert train_rows | test_rows == set(map(bytes, scenes.x))
    assert train.class_names == test.class_names == scenes.class_names and train.sr == scenes.sr
    # reproducible, and the seed matters
    np.testing.assert_array_equal(scenes.split(0.25, 0)[1].x, test.x)
    assert not np.array_equal(scenes.split(0.25, rng=1)[1].x, test.x)
    _, big_test = scenes.split(test_fraction=0.5, rng=0)
    assert big_test.class_counts() == {name: 5 for name in SOUND_SCENE_CLASSES}


def test_subset_and_validation(scenes):
    sub = scenes.subset([0, 2, 4])
    np.testing.assert_array_equal(sub.x, scenes.x[[0, 2, 4]])
    np.testing.assert_array_equal(sub.y, scenes.y[[0, 2, 4]])
    mask = scenes.y == 0
    assert len(scenes.subset(mask)) == 10
    with pytest.raises(IndexError):
        scenes.subset([len(scenes)])
    with pytest.raises(ValueError, match="test_fraction"):
        scenes.split(test_fraction=1.0)
    with pytest.raises(ValueError, match="y must"):
        SoundScenes(scenes.x, scenes.y[:-1], scenes.class_names, 16000, 0)
    with pytest.raises(TypeError, match="float32"):
        SoundScenes(scenes.x.astype(np.float64), scenes.y, scenes.class_names, 16000, 0)
    with pytest.raises(ValueError, match="class indices"):
        SoundScenes(scenes.x, scenes.y + 100, scenes.class_names, 16000, 0)
    with pytest.raises(ValueError, match="sr"):
        SoundScenes(scenes.x, scenes.y, scenes.class_names, 16000.5, 0)
    assert SoundScenes(scenes.x, scenes.y, scenes.class_names, 16000.0, 0).sr == 16000


def test_a_bird_clip_whose_chirps_miss_its_stretch_is_background_alone():
    # clip 9 of "bird" with seed 1: every chirp falls outside the bird's stretch of the clip
    gen = np.random.default_rng([1, SOUND_SCENE_CLASSES.index("bird"), 9])
    y = sound_scene_clip("bird", rng=gen)
    assert y.dtype == np.float32 and np.all(np.isfinite(y)) and 0 < np.max(np.abs(y)) < 0.99
    assert len(make_sound_scenes(n_per_class=13, rng=1)) == 104


def test_sound_scene_clip():
    for name in SOUND_SCENE_CLASSES:
        y = sound_scene_clip(name, sr=16000, duration=1.0, rng=5)
        assert y.shape == (16000,) and y.dtype == np.float32
        assert np.all(np.isfinite(y)) and np.max(np.abs(y)) <= 1.0
        np.testing.assert_array_equal(y, sound_scene_clip(name, rng=np.random.default_rng(5)))
    assert sound_scene_clip("bird", sr=22050, duration=2.0, rng=0).shape == (44100,)
    assert sound_scene_clip("bird", 22050.0, 2.0, rng=0).shape == (44100,)  # sr before duration
    with pytest.raises(ValueError, match="class_name"):
        sound_scene_clip("cat")
    with pytest.raises(TypeError, match="rng"):
        sound_scene_clip("rain", rng="seed")
    with pytest.raises(ValueError, match="snr_db"):
        sound_scene_clip("rain", snr_db=(30, 10))
    with pytest.raises(TypeError, match="snr_db"):
        sound_scene_clip("rain", snr_db=20)
    with pytest.raises(ValueError, match="level_db"):
        sound_scene_clip("rain", level_db=(-10, 6))
    with pytest.raises(ValueError, match="duration"):
        sound_scene_clip("rain", duration=0.2)
    with pytest.raises(ValueError, match="sr"):
        sound_scene_clip("rain", sr=4000)
    with pytest.raises(ValueError, match="n_per_class"):
        make_sound_scenes(n_per_class=0)
    with pytest.raises(TypeError, match="n_per_class"):
        make_sound_scenes(n_per_class=2.0)
    with pytest.raises(ValueError, match="rng"):
        make_sound_scenes(n_per_class=1, rng=-1)
    with pytest.raises(ValueError, match="classes"):
        make_sound_scenes(n_per_class=1, classes=("cat",))


@pytest.mark.parametrize("name", SOUND_SCENE_CLASSES)
def test_snr_is_as_requested(name):
    # The random draws do not depend on the SNR value, so two clips that differ only in the
    # SNR share the event: their difference is background.
    clean = sound_scene_clip(name, rng=11, snr_db=(200, 200), level_db=(-30, -30)).astype(np.float64)
    noisy = sound_scene_clip(name, rng=11, snr_db=(15, 15), level_db=(-30, -30)).astype(np.float64)
    background = noisy - clean
    snr = 10 * np.log10(np.mean(clean**2) / np.mean(background**2))
    assert snr == pytest.approx(15.0, abs=0.1)
    assert np.max(np.abs(clean)) == pytest.approx(10 ** (-30 / 20), rel=1e-3)


def test_to_tf_dataset(scenes):
    ds = scenes.to_tf_dataset(batch_size=32, shuffle=True, rng=0)
    batches = list(ds.as_numpy_iterator())
    assert [b[0].shape for b in batches] == [(32, 16000), (32, 16000), (16, 16000)]
    assert batches[0][0].dtype == np.float32 and batches[0][1].dtype == np.int64
    labels = np.concatenate([b[1] for b in batches])
    assert sorted(labels) == sorted(scenes.y) and not np.array_equal(labels, scenes.y)

    ordered = scenes.to_tf_dataset(batch_size=16, shuffle=False)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in ordered.as_numpy_iterator()]), scenes.y)

    def log_power_frames(x):  # (n, 16000) -> (n, 100, 160): a features callable on the whole array
        return np.log(x.reshape(len(x), 100, 160) ** 2 + 1e-6)

    xb, yb = next(iter(scenes.to_tf_dataset(batch_size=8, features=log_power_frames)))
    assert tuple(xb.shape) == (8, 100, 160) and tuple(yb.shape) == (8,)
    with pytest.raises(ValueError, match="batch_size"):
        scenes.to_tf_dataset(batch_size=0)
    with pytest.raises(TypeError, match="batch_size"):
        scenes.to_tf_dataset(batch_size=8.0)


def _log_mel_stats(x, sr):
    mel = librosa.feature.melspectrogram(y=x, sr=sr, n_fft=512, hop_length=256, n_mels=40)
    log_mel = np.log(mel + 1e-10)
    return np.concatenate([log_mel.mean(axis=-1), log_mel.std(axis=-1)], axis=1)


def test_classes_are_learnable_but_not_from_loudness_alone():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = make_sound_scenes(n_per_class=40, rng=1)
    train, test = data.split(test_fraction=0.25, rng=0)

    def fit_score(features):
        clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
        clf.fit(features(train), train.y)
        return clf.score(features(test), test.y)

    acc = fit_score(lambda d: _log_mel_stats(d.x, d.sr))
    print(f"logistic regression on 40 log-mel band means and stds: test accuracy {acc:.3f}")
    assert acc > 0.8

    def loudness(d):
        x = d.x.astype(np.float64)
        return np.stack([np.log(np.sqrt(np.mean(x**2, axis=1))), np.log(np.max(np.abs(x), axis=1))], axis=1)

    acc_loudness = fit_score(loudness)
    print(f"... on loudness (log RMS, log peak) only: {acc_loudness:.3f}")
    assert acc_loudness < 0.75


# --------------------------------------------------------------------------- real speech, augmented views


def test_fix_length_centred_pads_and_crops_around_the_middle():
    y = np.arange(1, 6, dtype=np.float32)  # 1..5, peak 5
    np.testing.assert_allclose(datasets.fix_length_centred(y, 9, peak=1.0), [0, 0, 0.2, 0.4, 0.6, 0.8, 1.0, 0, 0])
    np.testing.assert_allclose(datasets.fix_length_centred(y, 3, peak=None), [2, 3, 4])
    assert datasets.fix_length_centred(y, 8, peak=0.5).dtype == np.float32
    with pytest.raises(ValueError, match="silent"):
        datasets.fix_length_centred(np.zeros(4), 8)
    with pytest.raises(ValueError, match="peak"):
        datasets.fix_length_centred(y, 8, peak=2.0)


def test_fsdd_speaker_split_keeps_test_speakers_unseen():
    d = datasets.fsdd_speaker_split(test_speakers=("theo",), train_takes=(5, 7), test_takes=(0, 2), duration=0.5)
    assert d["sr"] == 8000 and d["x_train"].shape == (5 * 10 * 2, 4000) and d["x_test"].shape == (10 * 2, 4000)
    assert set(d["speakers_test"]) == {"theo"} and "theo" not in set(d["speakers_train"])
    assert sorted(np.bincount(d["y_train"]).tolist()) == [10] * 10
    assert np.allclose(np.abs(d["x_test"]).max(axis=1), 0.5, atol=1e-6)
    with pytest.raises(ValueError, match="test_speakers"):
        datasets.fsdd_speaker_split(test_speakers=("nobody",))
    with pytest.raises(ValueError, match="train_takes"):
        datasets.fsdd_speaker_split(train_takes=(5, 5))


def test_augmented_views_dataset_draws_new_views_every_epoch_reproducibly():
    n, k = 40, 5
    views = np.stack([np.stack([np.full((3,), 10 * i + v, np.float32) for v in range(k)]) for i in range(n)])
    y = np.arange(n) % 7

    def epochs(seed, count=3, transform=None):
        ds = datasets.augmented_views_dataset(views, y, batch_size=16, seed=seed, transform=transform)
        out = []
        for _ in range(count):
            xs, ys = zip(*[(xb.numpy(), yb.numpy()) for xb, yb in ds])
            out.append((np.concatenate(xs), np.concatenate(ys)))
        return out

    first = epochs(0)
    for x, lab in first:
        clip = (x[:, 0] // 10).astype(int)  # which clip each example is
        assert sorted(clip.tolist()) == list(range(n)), "every clip once per epoch"
        np.testing.assert_array_equal(lab, y[clip])
        assert np.all(x == x[:, :1])  # a whole view, not a mixture
    drawn = [x[:, 0] % 10 for x, _ in first]
    assert len({tuple(np.sort(x[:, 0]).tolist()) for x, _ in first}) == 3, "each epoch draws other views"
    assert set(np.concatenate(drawn).astype(int).tolist()) == set(range(k))
    again = epochs(0)
    for (a, la), (b, lb) in zip(first, again):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(la, lb)
    assert not np.array_equal(epochs(1, 1)[0][0], first[0][0])
    masked = epochs(0, 1, transform=lambda e, gen: np.zeros_like(e))[0][0]
    assert masked.shape == (n, 3) and not masked.any()
    with pytest.raises(ValueError, match="views"):
        datasets.augmented_views_dataset(views, y[:-1])
