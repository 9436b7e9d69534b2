"""course_lib.experiments.augment_ablation: chapter 05's study keeps its test conditions unseen and its views reproducible."""

import numpy as np
import pytest

from course_lib import corpora, experiments
from course_lib.errors import StaleResultsError
from course_lib.experiments import augment_ablation as ae

SR = 8000


def _pools():
    """Small pools of synthetic stand-ins (the tests check the plumbing, not the recordings)."""
    gen = np.random.default_rng(0)
    decay = lambda n, tau: (gen.normal(size=n) * np.exp(-np.arange(n) / tau)).astype(np.float32)  # noqa: E731
    side = lambda k: {"rooms": {f"room{k}": decay(800, 200)},  # noqa: E731
                      "backgrounds": {f"bg{k}": gen.normal(size=3 * SR).astype(np.float32) * 0.1},
                      "devices": {f"dev{k}": decay(64, 8)}}
    return {"train": side(0), "test": side(1)}


def test_train_and_test_conditions_are_disjoint_and_cover_the_real_sets():
    for a, b, every in ((ae.TRAIN_BACKGROUNDS, ae.TEST_BACKGROUNDS, corpora.background_names()),
                        (ae.TRAIN_ROOMS, ae.TEST_ROOMS, corpora.room_ir_names()),
                        (ae.TRAIN_DEVICES, ae.TEST_DEVICES, corpora.device_ir_names())):
        assert not set(a) & set(b)
        assert set(a) | set(b) == set(every)
    assert ae.CONDITIONS[0] == "none" and "specaugment" in ae.CONDITIONS and "all" in ae.CONDITIONS


def test_views_keep_the_clip_first_and_repeat_exactly():
    x = (0.3 * np.sin(2 * np.pi * 300 * np.arange(2, SR + 2)[None, :] / SR * np.array([[1.0], [1.5], [2.0]]))).astype(np.float32)
    pools = _pools()
    for condition in ("none", "specaugment"):
        v = ae.make_views(x, SR, condition=condition, pools=pools)
        assert v.shape == (3, 1, SR) and np.array_equal(v[:, 0], x)
    for condition in ("reverb", "noise", "device", "all"):
        v = ae.make_views(x, SR, condition=condition, pools=pools, settings={"n_views": 2})
        assert v.shape == (3, 3, SR) and np.array_equal(v[:, 0], x)
        assert not np.allclose(v[:, 1], x, atol=1e-3), condition
        np.testing.assert_array_equal(v, ae.make_views(x, SR, condition=condition, pools=pools, settings={"n_views": 2}))
    with pytest.raises(ValueError, match="condition"):
        ae.make_views(x, SR, condition="echo", pools=pools)


def test_shifted_test_set_uses_only_the_test_side():
    x = (0.3 * np.sin(2 * np.pi * 440 * np.arange(SR) / SR))[None, :].repeat(2, axis=0).astype(np.float32)
    pools = _pools()
    shifted = ae.shifted_test_set(x, SR, pools=pools)
    assert shifted.shape == x.shape and not np.allclose(shifted, x)
    np.testing.assert_array_equal(shifted, ae.shifted_test_set(x, SR, pools=pools))
    pools["train"] = {"rooms": {}, "backgrounds": {}, "devices": {}}  # the training side plays no part
    np.testing.assert_array_equal(shifted, ae.shifted_test_set(x, SR, pools=pools))


def test_features_are_floored_top_db_below_each_clips_maximum():
    x = np.zeros((2, SR), np.float32)
    x[0, 3000:4000] = 0.5 * np.sin(2 * np.pi * 500 * np.arange(1000) / SR)
    x[1, 3000:4000] = 0.05 * np.sin(2 * np.pi * 500 * np.arange(1000) / SR)
    F = ae.features(x, SR)
    assert F.shape[0] == 2 and F.shape[-1] == 1
    for f in F:
        assert np.isclose(f.max() - f.min(), ae.SETTINGS["top_db"], atol=1e-3)
    same = np.abs((F[0] - F[0].max()) - (F[1] - F[1].max())) < 0.01
    assert same.mean() > 0.95  # the level no longer matters (but for rounding at the floor)
    assert ae.features(x[:, None, :], SR).shape == (2, 1) + F.shape[1:]


def test_the_saved_results_hold_every_condition_and_seed():
    results = experiments.load("augment_ablation")
    assert results["conditions"] == list(ae.CONDITIONS)
    runs = results["runs"]
    assert [(r["condition"], r["seed"]) for r in runs] == [(c, s) for c in ae.CONDITIONS for s in ae.SETTINGS["seeds"]]
    assert all(len(r["y_pred_shifted"]) == len(results["y_test"]) == 1000 for r in runs)


@pytest.mark.slow
def test_quick_run_goes_through_the_whole_path(tmp_path):
    experiments.run("augment_ablation", tmp_path, quick=True, progress=False)
    results = experiments.load("augment_ablation", tmp_path, quick=True)
    assert results["conditions"] == list(ae.QUICK["conditions"])
    runs = results["runs"]
    assert [(r["condition"], r["seed"]) for r in runs] == [(c, 0) for c in ae.QUICK["conditions"]]
    for r in runs:
        for part in ("clean", "shifted"):
            assert np.isfinite(r[f"accuracy_{part}"]) and 0 <= r[f"accuracy_{part}"] <= 1
            assert len(r[f"y_pred_{part}"]) == len(results["y_test"]) == 40
        assert np.all(np.isfinite(r["history"]["loss"]))


@pytest.mark.slow
def test_a_changed_setting_makes_load_refuse_the_results(tmp_path):
    experiments.run("augment_ablation", tmp_path, quick=True, progress=False, conditions=("none",))
    with pytest.raises(StaleResultsError, match=r"settings \['conditions'\].*python -m course_lib.experiments augment_ablation"):
        experiments.load("augment_ablation", tmp_path, quick=True)


def test_only_the_specaugment_condition_masks_its_training_examples():
    rng = np.random.default_rng(0)
    views = rng.normal(size=(6, 2, 40, 16, 1)).astype(np.float32) + 5.0  # no value is 0 before masking
    labels = np.arange(6) % 3
    for condition in ae.CONDITIONS:
        batches = list(ae.training_pipeline(views, labels, condition, 0, settings={"batch_size": 6}))
        x = np.concatenate([b[0].numpy() for b in batches])
        assert x.shape == (6, 40, 16, 1)
        masked = np.mean(x == 0.0)
        if condition == "specaugment":
            assert masked > 0.01, "SpecAugment masks part of every example"
        else:
            assert masked == 0.0, f"{condition!r} trains unmasked ('all' has no SpecAugment)"
    with pytest.raises(ValueError, match="condition"):
        ae.training_pipeline(views, labels, "mixup", 0)
