"""course_lib.datasets: the synthetic sound-scenes data set."""

import librosa
import numpy as np
import pytest

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
