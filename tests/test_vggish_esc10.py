"""course_lib.experiments.vggish_esc10: chapter 04's study (its quick run goes through the whole path:
ESC-10 -> folds and source model trained -> results and weights saved -> loaded), its folds, source
model and few-shot runs, and the saved results."""

import json

import numpy as np
import pytest

from course_lib import experiments, vggish
from course_lib.errors import StaleResultsError, WeightsNotFoundError
from course_lib.experiments import study, vggish_esc10

SR = 16000


@pytest.mark.slow
def test_quick_run_saves_and_loads_sane_scores_and_the_source_model(tmp_path):
    experiments.run("vggish_esc10", tmp_path, quick=True, progress=False)
    res = experiments.load("vggish_esc10", tmp_path, quick=True)
    assert (tmp_path / vggish_esc10.FILES[1]).is_file()
    [run] = res["runs"]
    assert run["fold"] == 1 and len(run["y_true"]) == 20 and 0 <= run["accuracy"] <= 1
    p = np.array(run["probabilities"])
    assert p.shape == (20, 10) and np.allclose(p.sum(axis=1), 1, atol=1e-3) and np.isfinite(run["history"]["loss"]).all()
    assert res["source"]["source_classes"] == vggish_esc10.SETTINGS["source_classes"] and res["source"]["std"] > 0
    source = vggish_esc10.source_model(res)
    x = np.zeros((2, 5, 96, 64), np.float32)
    assert vggish.clip_embeddings(source, x, mean=res["source"]["mean"], std=res["source"]["std"]).shape == (2, 32)
    (tmp_path / vggish_esc10.FILES[1]).unlink()
    with pytest.raises(WeightsNotFoundError, match="vggish_esc10_source.weights.h5.*python -m course_lib.experiments vggish_esc10"):
        vggish_esc10.source_model(res)


def test_other_settings_make_the_results_stale(tmp_path):
    record = study.record_for("vggish_esc10", study.settings_for("vggish_esc10", quick=True, epochs=2), quick=True)
    (tmp_path / "vggish_esc10_folds.json").write_text(json.dumps({"record": record, "runs": []}))
    with pytest.raises(StaleResultsError, match=r"epochs.*python -m course_lib.experiments vggish_esc10"):
        experiments.load("vggish_esc10", tmp_path, quick=True)


def test_saved_results_hold_five_folds_and_the_source_model():
    res = experiments.load("vggish_esc10")
    assert [r["fold"] for r in res["runs"]] == [1, 2, 3, 4, 5]
    assert res["source"]["source_classes"] == vggish_esc10.SETTINGS["source_classes"]
    assert all(0.5 < r["accuracy"] < 0.99 for r in res["runs"])
    assert res.path(vggish_esc10.FILES[1]).is_file()


def test_subset_takes_the_first_clips_of_each_class_and_fold():
    labels = np.repeat([0, 1], 6)
    folds = np.tile([1, 1, 1, 2, 2, 2], 2)
    assert vggish_esc10._subset(labels, folds, None).tolist() == list(range(12))
    assert vggish_esc10._subset(labels, folds, 2).tolist() == [0, 1, 3, 4, 6, 7, 9, 10]


@pytest.mark.slow
def test_esc10_fold_and_source_model_train_and_reload(tmp_path):
    # two separable synthetic classes (a low and a high tone): the fold machinery, not ESC-10
    t = np.arange(SR * 2) / SR
    rng = np.random.default_rng(0)
    clips = [np.sin(2 * np.pi * (300 if c == 0 else 3000) * t) * 0.3 + rng.normal(0, 0.01, t.size) for c in (0, 1) * 6]
    labels = np.array([0, 1] * 6)
    folds = np.repeat([1, 2, 3], 4)
    x = vggish.clip_examples(clips, SR)
    settings = dict(filters=[4, 4, 8, 8], embedding_size=8, epochs=8, batch_size=8, learning_rate=0.01)
    record, model = vggish_esc10.esc10_fold(x, labels, folds, test_fold=2, rng=0, settings=settings)
    assert record["fold"] == 2 and record["seed"] == 0 and record["y_true"] == [0, 1, 0, 1]
    assert len(record["history"]["loss"]) == 8
    assert record["history"]["loss"][-1] < 0.7 * record["history"]["loss"][0], record["history"]["loss"]
    p = np.array(record["probabilities"])
    assert p.shape == (4, 2) and np.allclose(p.sum(axis=1), 1, atol=1e-3)
    assert record["y_pred"] == p.argmax(axis=1).tolist() and record["accuracy"] == np.mean(p.argmax(axis=1) == [0, 1, 0, 1])
    again, _ = vggish_esc10.esc10_fold(x, labels, folds, test_fold=2, rng=0, settings=settings)
    assert again["probabilities"] == record["probabilities"], "the same seed gives the same model"
    source, info = vggish_esc10.train_source_model(x, labels, ["low", "high"], source_classes=["low", "high"],
                                                   settings=settings)
    source.save_weights(tmp_path / vggish_esc10.FILES[1])
    saved = study.Results("vggish_esc10", {"settings": {**vggish_esc10.SETTINGS, **settings}}, {"source": info}, tmp_path)
    reloaded = vggish_esc10.source_model(saved)
    e1 = vggish.clip_embeddings(source, x, mean=info["mean"], std=info["std"])
    e2 = vggish.clip_embeddings(reloaded, x, mean=info["mean"], std=info["std"])
    assert e1.shape == (12, 8) and np.allclose(e1, e2)
    with pytest.raises(ValueError, match="source_classes.*unknown"):
        vggish_esc10.train_source_model(x, labels, ["low", "high"], source_classes=["mid"])
    with pytest.raises(TypeError):
        vggish_esc10.esc10_fold(x, labels, folds, 2, seed=0)  # randomness comes through rng


def test_few_shot_runs_are_nested_paired_and_checked():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], 20)
    folds = np.tile(np.repeat([1, 2], 10), 3)
    good = np.eye(3)[labels] * 3 + rng.normal(0, 1, (60, 3))
    noise = rng.normal(0, 1, (60, 3))
    a = vggish_esc10.few_shot_runs(good, labels, folds, ks=(1, 4), seeds=(0, 1))
    b = vggish_esc10.few_shot_runs(noise, labels, folds, ks=(1, 4), seeds=(0, 1))
    assert len(a) == 2 * 2 * 2 and [(r["fold"], r["seed"], r["k"]) for r in a] == [(r["fold"], r["seed"], r["k"]) for r in b]
    assert np.mean([r["accuracy"] for r in a if r["k"] == 4]) > np.mean([r["accuracy"] for r in b if r["k"] == 4]) + 0.3
    assert a == vggish_esc10.few_shot_runs(good, labels, folds, ks=(1, 4), seeds=(0, 1)), "seeded"
    with pytest.raises(ValueError, match="ks must be at most 10"):
        vggish_esc10.few_shot_runs(good, labels, folds, ks=(11,))
    with pytest.raises(ValueError, match="same clips"):
        vggish_esc10.few_shot_runs(good[:5], labels, folds)
