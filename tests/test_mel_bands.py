"""course_lib.experiments.mel_bands: chapter 03's "how many mel bands?" study (the full training runs in the notebook)."""

import librosa
import numpy as np
import pytest

from course_lib import experiments, mel
from course_lib.errors import StaleResultsError
from course_lib.experiments import mel_bands


def test_features_follow_the_settings():
    clips = np.random.default_rng(0).standard_normal((3, 22050)).astype(np.float32) * 0.1
    x = mel_bands.features(clips, 8)
    s = mel_bands.SETTINGS
    assert x.shape == (3, 1 + 22050 // s["hop_length"], 8, 1) and x.dtype == np.float32
    ref = librosa.feature.melspectrogram(y=clips[1], sr=s["sr"], n_fft=s["n_fft"], hop_length=s["hop_length"], n_mels=8,
                                         fmax=s["fmax"])
    np.testing.assert_allclose(x[1, :, :, 0], 10 * np.log10(ref.T + 1e-10), atol=1e-3)
    assert np.all(mel.filter_bin_counts(s["sr"], n_fft=s["n_fft"], n_mels=max(s["n_mels"]), fmax=s["fmax"]) >= 2)
    with pytest.raises(TypeError, match="n_mels"):
        mel_bands.features(clips, 8.5)


def test_baselines_score_each_fold():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], 10)
    folds = np.tile([1, 2, 3, 4, 5], 6)
    runs = mel_bands.majority_baseline(labels, folds)
    assert [r["fold"] for r in runs] == [1, 2, 3, 4, 5]
    for r in runs:  # the majority of the training folds is one class: accuracy = its share of the test fold
        assert len(set(r["y_pred"])) == 1
        assert r["accuracy"] == pytest.approx(np.mean(np.array(r["y_true"]) == r["y_pred"][0]))
    assert [r["fold"] for r in mel_bands.majority_baseline(labels, folds, test_folds=(2, 4))] == [2, 4]
    # three classes of noise with different colours: MFCC statistics separate them
    t = np.arange(11025) / 22050
    clips = [rng.standard_normal(11025) * 0.05 + 0.3 * np.sin(2 * np.pi * (300 + 1500 * c) * t) for c in labels]
    scored = mel_bands.mfcc_baseline(clips, 22050, labels=labels, folds=folds)
    assert [r["model"] for r in scored] == ["mfcc_logreg"] * 5 and all(r["accuracy"] == 1.0 for r in scored)
    with pytest.raises(ValueError, match=r"shape \(clips, frames, bands, 1\)"):
        mel_bands.run_setting(np.zeros((4, 10, 8)), labels[:4], folds[:4])


def test_the_saved_results_hold_every_setting_and_fold():
    results = experiments.load("mel_bands")
    assert results["n_mels"] == list(mel_bands.SETTINGS["n_mels"])
    models = [(r["model"], r.get("n_mels")) for r in results["runs"]]
    assert models.count(("majority", None)) == 5 and models.count(("mfcc_logreg", None)) == 5
    s = mel_bands.SETTINGS
    for n in s["n_mels"]:   # every (fold, seed) once per setting
        cnn = [r for r in results["runs"] if r["model"] == "cnn" and r["n_mels"] == n]
        assert sorted((r["fold"], r["seed"]) for r in cnn) == [(f, seed) for f in s["test_folds"] for seed in s["seeds"]]
        assert all(len(r["history"]["loss"]) == s["epochs"] and 0 <= r["train_accuracy"] <= 1 for r in cnn)
    assert all(0 <= r["accuracy"] <= 1 for r in results["runs"])


def test_the_step_size_decays_along_a_cosine_to_zero():
    s = mel_bands.SETTINGS
    assert mel_bands.learning_rate(319, settings={"schedule": None}) == s["learning_rate"]
    schedule = mel_bands.learning_rate(319, settings={"epochs": 4, "batch_size": 16})   # 20 steps an epoch
    assert schedule.decay_steps == 80
    values = np.array([float(schedule(step)) for step in (0, 40, 80, 200)])
    np.testing.assert_allclose(values, [s["learning_rate"], s["learning_rate"] / 2, 0.0, 0.0], atol=1e-9)
    with pytest.raises(ValueError, match="schedule"):
        mel_bands.learning_rate(319, settings={"schedule": "step"})


@pytest.mark.slow
def test_quick_run_goes_through_the_whole_path(tmp_path):
    path = experiments.run("mel_bands", tmp_path, quick=True, progress=False)
    assert path == tmp_path / mel_bands.FILES[0]
    results = experiments.load("mel_bands", tmp_path, quick=True)
    assert results["n_mels"] == [8] and len(results["class_names"]) == 10
    runs = results["runs"]
    assert [(r["model"], r["fold"], r.get("seed")) for r in runs] == [("majority", 1, None), ("mfcc_logreg", 1, None),
                                                                      ("cnn", 1, 0), ("cnn", 1, 1), ("cnn", 1, 2)]
    for r in runs:
        assert np.isfinite(r["accuracy"]) and 0 <= r["accuracy"] <= 1 and len(r["y_pred"]) == len(r["y_true"]) == 10
    assert all(np.all(np.isfinite(r["history"]["loss"])) and 0 <= r["train_accuracy"] <= 1 for r in runs[2:])
    with pytest.raises(StaleResultsError, match="quick"):
        experiments.load("mel_bands", tmp_path)       # a quick run is not the study


@pytest.mark.slow
def test_a_changed_setting_makes_load_refuse_the_results(tmp_path):
    experiments.run("mel_bands", tmp_path, quick=True, progress=False, epochs=2)
    with pytest.raises(StaleResultsError, match=r"settings \['epochs'\].*python -m course_lib.experiments mel_bands"):
        experiments.load("mel_bands", tmp_path, quick=True)
