"""Study ssl_esc10 (chapter 10): COLA pretraining on ESC-10's unlabelled pool, a few-label probe, its baselines."""

import json

import numpy as np
import pytest

from course_lib import errors, experiments
from course_lib.datasets import corpora
from course_lib.experiments import ssl_esc10, study, transfer_esc10


def test_the_study_is_registered_with_one_fixed_split_and_birdnet_s_licence():
    assert "ssl_esc10" in study.STUDIES and experiments.module("ssl_esc10") is ssl_esc10
    s = ssl_esc10.SETTINGS
    assert s["test_fold"] == 5 and len(s["seeds"]) >= 3 and len(s["draws"]) >= 5 and s["ks"] == [1, 2, 4, 8, 16]
    assert s["C"] == transfer_esc10.SETTINGS["C"], "the probe is the bar's classifier"
    assert not set(s["mix_backgrounds"]) & {"rain", "storm", "waves", "fireplace"}, "no ESC-10 class as noise"
    assert "CC BY-NC-SA 4.0" in ssl_esc10.LICENCE


def test_other_settings_make_the_results_stale(tmp_path):
    record = study.record_for("ssl_esc10", study.settings_for("ssl_esc10", quick=True, epochs=2), quick=True)
    (tmp_path / ssl_esc10.FILES[0]).write_text(json.dumps({"record": record}))
    with pytest.raises(errors.StaleResultsError, match=r"epochs.*python -m course_lib.experiments ssl_esc10"):
        experiments.load("ssl_esc10", tmp_path, quick=True)
    with pytest.raises(KeyError, match="no such setting"):
        study.settings_for("ssl_esc10", quick=True, epoch=2)


@pytest.mark.slow
def test_quick_run_goes_through_the_whole_path(tmp_path):
    path = experiments.run("ssl_esc10", tmp_path, quick=True, progress=False)
    assert path == tmp_path / ssl_esc10.FILES[0]
    res = experiments.load("ssl_esc10", tmp_path, quick=True)
    folds = np.array(res["folds"])
    source = np.array(res["pool"]["source"])
    assert len(folds) == 2 * 10 * 5 and not np.any(folds[source[source >= 0]] == 5)
    assert res["pool"]["background_names"] == ["train"] and np.sum(source < 0) == 1
    for name in ssl_esc10.SYSTEMS:
        runs = res["few_labels"][name]
        assert {(r["k"], r["draw"]) for r in runs} == {(1, 0), ("all", 0)}, name
        assert all(0.0 <= r["accuracy"] <= 1.0 for r in runs)
    emb = np.load(res.path(ssl_esc10.FILES[1]))
    assert emb["embeddings"].shape == (1, 100, 64) and np.isfinite(emb["embeddings"]).all()
    assert len(res["pretraining"][0]["step_loss"]) == 1


@pytest.fixture(scope="module")
def saved():
    return experiments.load("ssl_esc10")


def test_saved_pool_holds_no_test_fold_clip_and_the_real_backgrounds(saved):
    folds = np.array(saved["folds"])
    source = np.array(saved["pool"]["source"])
    assert saved["clips"] == list(range(398)) and saved["test_fold"] == 5
    assert sorted(source[source >= 0].tolist()) == np.flatnonzero(folds != 5).tolist(), "the pool is the training folds"
    assert saved["pool"]["background_names"] == corpora.background_names() and np.sum(source < 0) == 109


def test_saved_grid_is_complete_and_every_system_saw_the_same_labelled_clips(saved):
    s = saved.record["settings"]
    grid = {(k, d) for k in [*s["ks"], "all"] for d in s["draws"]}
    for name in ssl_esc10.SYSTEMS:
        runs = saved["few_labels"][name]
        seeds = s["seeds"] if name in ("COLA probe", "random encoder") else [None]
        assert {(r["k"], r["draw"], r.get("seed")) for r in runs} == {(k, d, e) for k, d in grid for e in seeds}, name
    # the draws are few_label_runs' (seeded by draw and test fold): recomputed, they pick from the training folds only
    labels, folds = np.array(saved["labels"]), np.array(saved["folds"])
    again = transfer_esc10.few_label_runs(np.eye(10)[labels], labels, folds, ks=s["ks"], seeds=s["draws"], test_folds=[5])
    assert all(not np.any(folds[r["picked"]] == 5) for r in again)
    assert len(saved["pretraining"]) == len(s["seeds"]) and all(
        len(p["loss"]) == s["epochs"] and p["loss"][-1] < p["loss"][0] for p in saved["pretraining"])


def test_saved_results_carry_birdnet_s_licence(saved):
    assert "CC BY-NC-SA 4.0" in saved["licence"] and "non-commercial" in saved["licence"]
    emb = np.load(saved.path(ssl_esc10.FILES[1]))
    assert emb["embeddings"].shape == (len(saved.record["settings"]["seeds"]), 398, 64)


def test_saved_supervised_baseline_is_tested_as_trained_and_learns_from_its_labels(saved):
    # tested on the excerpts it learnt from (not on whole clips with their silent padding), it improves with labels
    acc = {k: np.mean([r["accuracy"] for r in saved["few_labels"]["supervised CNN"] if r["k"] == k]) for k in (1, 16)}
    assert acc[16] > acc[1] + 0.1 and acc[16] > 0.5, acc
