"""course_lib.training: log-mel batches, the small CNN, deterministic fits, folds."""

import librosa
import numpy as np
import pytest

from course_lib import training


def test_log_mel_batch_is_librosas_log_mel_transposed():
    rng = np.random.default_rng(0)
    clips = rng.standard_normal((2, 22050)).astype(np.float32) * 0.1
    x = training.log_mel_batch(clips, 22050)
    assert x.shape == (2, 44, 64, 1) and x.dtype == np.float32  # 1 + 22050 // 512 frames, time first
    mel = librosa.feature.melspectrogram(y=clips[1], sr=22050, n_fft=2048, hop_length=512, n_mels=64, fmax=4000)
    assert np.allclose(x[1, :, :, 0], 10 * np.log10(mel + 1e-10).T, atol=1e-3)


def test_log_mel_batch_refuses_ragged_or_empty_batches():
    with pytest.raises(ValueError, match="clips"):
        training.log_mel_batch([np.zeros(100), np.zeros(200)], 16000)
    with pytest.raises(ValueError, match="clips"):
        training.log_mel_batch(np.zeros((0, 100)), 16000)
    with pytest.raises(ValueError, match="sr"):
        training.log_mel_batch(np.zeros((1, 100)), -1)


def test_standardize_uses_the_training_statistics_only():
    a, b = training.standardize(np.array([1.0, 3.0]), np.array([5.0]))
    assert np.allclose(a, [-1, 1]) and np.allclose(b, [3.0])


def test_small_cnn_shapes_and_checks():
    model = training.small_cnn((40, 32, 1), 5, filters=(4, 8))
    assert model.output_shape == (None, 5)
    assert [lay.name for lay in model.layers if lay.name.startswith("conv")] == ["conv1", "conv2"]
    with pytest.raises(ValueError, match="n_classes"):
        training.small_cnn((40, 32, 1), 1)
    with pytest.raises(ValueError, match="filters"):
        training.small_cnn((40, 32, 1), 3, filters=(4, 0))


def _toy(n=60, seed=0):
    # two classes that differ in where the energy is: a task a tiny CNN learns in a few epochs
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.standard_normal((n, 8, 8, 1)).astype(np.float32)
    x[y == 1, :4] += 3.0
    folds = np.arange(n) % 3 + 1
    return x, y, folds


def _build():
    return training.small_cnn((8, 8, 1), 2, filters=(4,), dropout=0.0)


@pytest.mark.slow
def test_fit_is_repeatable_with_a_seed_and_learns_an_easy_task():
    x, y, _ = _toy()
    _, h1 = training.fit(_build, x, y, x, y, epochs=8, batch_size=8, rng=3, learning_rate=1e-2)
    _, h2 = training.fit(_build, x, y, x, y, epochs=8, batch_size=8, rng=3, learning_rate=1e-2)
    assert h1 == h2
    assert set(h1) == {"loss", "accuracy", "test_loss", "test_accuracy"} and len(h1["loss"]) == 8
    assert h1["test_accuracy"][-1] > 0.9


@pytest.mark.slow
def test_cross_validate_holds_out_each_fold_once():
    x, y, folds = _toy()
    runs = training.cross_validate(_build, x, y, folds, seeds=(0, 1), epochs=3, batch_size=8, learning_rate=1e-2)
    assert [(r["fold"], r["seed"]) for r in runs] == [(f, s) for f in (1, 2, 3) for s in (0, 1)]
    for r in runs:
        assert len(r["y_true"]) == 20 and r["y_true"] == y[folds == r["fold"]].tolist()
        assert r["accuracy"] == np.mean(np.array(r["y_pred"]) == np.array(r["y_true"]))


def test_fold_split_and_its_error():
    train, test = training.fold_split([1, 2, 1, 3], 1)
    assert train.tolist() == [1, 3] and test.tolist() == [0, 2]
    with pytest.raises(ValueError, match="test_fold"):
        training.fold_split([1, 2], 5)


def test_cross_validate_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="same examples"):
        training.cross_validate(_build, np.zeros((3, 8, 8, 1)), [0, 1], [1, 2, 3])



def test_the_esc10_bar_functions_are_chapter_00s_features_and_classifier():
    rng = np.random.default_rng(0)
    clips = rng.normal(size=(30, 8000)).astype(np.float32) * np.repeat([0.01, 0.1, 1.0], 10)[:, None]
    labels = np.repeat([0, 1, 2], 10)
    folds = np.tile([1, 2, 3, 4, 5], 6)
    f = training.log_mel_statistics(clips, 16000)
    assert f.shape == (30, 128)
    import librosa

    by_hand = librosa.power_to_db(librosa.feature.melspectrogram(y=clips[3], sr=16000, n_fft=1024, hop_length=512, n_mels=64),
                                  ref=1.0)
    np.testing.assert_allclose(f[3], np.r_[by_hand.mean(axis=-1), by_hand.std(axis=-1)], rtol=1e-4, atol=1e-3)
    acc, predicted = training.logistic_regression_folds(f, labels, folds)
    assert acc.shape == (5,) and np.all(acc == 1.0) and np.array_equal(predicted, labels), "three loudness levels are easy"
    with pytest.raises(ValueError, match="folds"):
        training.logistic_regression_folds(f, labels, np.ones(30))
    with pytest.raises(ValueError, match="equal-length"):
        training.log_mel_statistics([clips[0], clips[1][:100]], 16000)
