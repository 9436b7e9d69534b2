"""course_lib.datasets (splits): FSDD split by speaker, the augmented-views pipeline."""

import numpy as np
import pytest

from course_lib import datasets


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
        ds = datasets.augmented_views_dataset(views, y, batch_size=16, rng=seed, transform=transform)
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
