"""course_lib.experiments.raw_waveform: chapter 06's study, raw waveform vs log-mel front ends on FSDD."""

import numpy as np
import pytest

from course_lib import experiments, rawconv
from course_lib.errors import StaleResultsError
from course_lib.experiments import raw_waveform


@pytest.fixture(scope="module")
def keras():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    return keras


def test_speaker_folds_keep_each_speaker_in_one_fold():
    speakers = np.repeat(["f", "a", "c", "b", "e", "d"], 4)
    folds = raw_waveform.speaker_folds(speakers, 3)
    for s in set(speakers):
        assert len(set(folds[speakers == s])) == 1
    np.testing.assert_array_equal(np.bincount(folds), [8, 8, 8])
    assert folds[speakers == "a"][0] == folds[speakers == "b"][0] == 0  # sorted names, two per fold
    with pytest.raises(ValueError, match="n_folds"):
        raw_waveform.speaker_folds(speakers, 4)


def test_training_subset_is_stratified_and_nested():
    takes = np.tile(np.arange(50), 6)  # 6 (speaker, digit) groups of 50 takes
    train = np.arange(takes.size)[: 4 * 50]
    sizes = []
    previous = set()
    for fraction in (0.1, 0.25, 0.5, 1.0):
        subset = raw_waveform.training_subset(train, takes, fraction, rng=2)
        assert set(subset) <= set(train) and previous <= set(subset)
        counts = np.bincount(subset // 50)
        assert np.all(counts == counts[0])  # every group keeps the same share
        sizes.append(subset.size)
        previous = set(subset)
    assert sizes == [20, 48, 100, 200]
    assert not np.array_equal(raw_waveform.training_subset(train, takes, 0.1, rng=0), raw_waveform.training_subset(train, takes, 0.1, rng=1))
    with pytest.raises(ValueError, match="fraction"):
        raw_waveform.training_subset(train, takes, 0.0)


def test_epochs_for_gives_small_sets_more_passes():
    assert [raw_waveform.epochs_for(f, 10) for f in (0.1, 0.25, 0.5, 1.0)] == [32, 20, 15, 10]
    with pytest.raises(ValueError, match="fraction"):
        raw_waveform.epochs_for(1.5)


def test_log_mel_and_raw_models_share_their_back_end(keras):
    raw = raw_waveform.fsdd_builder("conv", (6000,), rng=1)()
    mel_model = raw_waveform.fsdd_builder("log_mel", (94, 32), rng=1)()

    def back_end(model):
        return [(l.name, [tuple(w.shape) for w in l.weights]) for l in model.layers if l.name.startswith(("conv", "bn", "classes"))]

    assert back_end(raw) == back_end(mel_model)
    assert raw.count_params() - mel_model.count_params() == 32 * 65 + 128  # the learned front end and its batch norm
    # same seed, same back-end weights
    np.testing.assert_array_equal(raw.get_layer("conv2").get_weights()[0], mel_model.get_layer("conv2").get_weights()[0])
    assert raw_waveform.fsdd_builder("sinc", (6000,))().get_layer("frontend").kernel_size == 129
    # the matched raw front end: 257 taps (32 ms, the log-mel's n_fft), frames of 4 · 16 = 64 samples (its hop)
    matched = raw_waveform.fsdd_builder("log_energy", (6000,), rng=1)()
    front = matched.get_layer("frontend")
    assert front.kernel_size == (257,) and front.strides == (4,) and matched.get_layer("frontend_pool").pool_size == (16,)
    assert front.strides[0] * matched.get_layer("frontend_pool").pool_size[0] == raw_waveform.SETTINGS["hop_length"]
    assert front.kernel_size[0] - 1 == raw_waveform.SETTINGS["n_fft"]
    assert matched.get_layer("frontend_log").output.shape[1:] == (89, 32)
    assert back_end(matched) == back_end(mel_model) and matched.count_params() - mel_model.count_params() == 32 * 257 + 128
    np.testing.assert_array_equal(matched.get_layer("conv2").get_weights()[0], mel_model.get_layer("conv2").get_weights()[0])
    np.testing.assert_array_equal(raw_waveform.fsdd_features(np.ones((2, 10)), "log_energy"), np.ones((2, 10), "float32"))
    with pytest.raises(ValueError, match="frontend"):
        raw_waveform.fsdd_builder("mfcc", (6000,))
    with pytest.raises(ValueError, match="n_mels"):
        rawconv.log_mel_classifier(94, 0, 10)


@pytest.mark.slow
def test_fsdd_features_and_one_run_on_synthetic_clips(keras):
    # synthetic stand-ins (noise bursts), only to check the plumbing of one run
    rng = np.random.default_rng(0)
    x = (0.1 * rng.standard_normal((40, 2000))).astype("float32")
    digits = np.tile([0, 1], 20)
    x[digits == 1, :1000] *= 5
    folds = np.repeat([0, 1], 20)
    takes = np.tile(np.repeat(np.arange(10), 2), 2)
    settings = dict(n_samples=2000, base_epochs=1, block_filters=(4,), first_filters=8)
    mel_feats = raw_waveform.fsdd_features(x, "log_mel", settings=dict(settings, n_mels=8))
    assert mel_feats.shape == (40, 1 + 2000 // 64, 8) and mel_feats.dtype == np.float32
    np.testing.assert_array_equal(raw_waveform.fsdd_features(x, "conv"), x)
    rec, model, initial = raw_waveform.fsdd_run("conv", x, digits, folds, takes, fold=1, fraction=0.5, settings=settings)
    assert rec["n_train"] == 10 and rec["epochs"] == 2 and len(rec["y_pred"]) == 20 and 0 <= rec["accuracy"] <= 1
    assert initial[0].shape == (65, 1, 8) and not np.array_equal(initial[0], model.get_layer("frontend").get_weights()[0])
    again, _, _ = raw_waveform.fsdd_run("conv", x, digits, folds, takes, fold=1, fraction=0.5, settings=settings)
    assert again["y_pred"] == rec["y_pred"] and again["history"] == rec["history"]  # deterministic
    base = raw_waveform.fsdd_baseline(mel_feats, digits, folds, takes, fold=1, fraction=0.5)
    assert base["frontend"] == "baseline" and base["n_train"] == 10 and len(base["y_pred"]) == 20


def test_fsdd_examples_are_fixed_length_and_peak_normalised():
    from course_lib import corpora

    try:
        x, digits, speakers, takes = raw_waveform.fsdd_examples(n_samples=4000)
    except corpora.DataError as exc:  # no mirror, cache or network here
        pytest.skip(str(exc))
    assert x.shape == (3000, 4000) and x.dtype == np.float32
    np.testing.assert_allclose(np.abs(x).max(axis=1), 1.0, atol=1e-6)  # every recording peaks within its first 0.5 s
    assert sorted(set(speakers.tolist())) == ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]
    assert np.bincount(digits).tolist() == [300] * 10 and takes.max() == 49
    with pytest.raises(ValueError, match="n_samples"):
        raw_waveform.fsdd_examples(0)


def test_importing_the_study_does_not_import_tensorflow():
    import subprocess
    import sys

    code = "import sys, course_lib.experiments.raw_waveform; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_saved_results_hold_every_fold_fraction_and_front_end():
    results = experiments.load("raw_waveform")
    s = raw_waveform.SETTINGS
    keys = sorted((r["frontend"], r["fold"], r["fraction"]) for r in results["runs"])
    expected = sorted([(f, k, p) for k in s["test_folds"] for p in s["fractions"] for f in ("baseline", "log_mel", "conv", "log_energy")]
                      + [("sinc", k, 1.0) for k in s["test_folds"]])
    assert keys == expected and all(0 <= r["accuracy"] <= 1 for r in results["runs"])
    assert results["test_speakers"] == {"0": ["george", "jackson"], "1": ["lucas", "nicolas"], "2": ["theo", "yweweler"]}
    fronts = np.load(results.path(raw_waveform.FRONTENDS_FILE))
    assert sorted(fronts.files) == sorted(f"{kind}_{when}_fold{k}" for kind in ("conv", "sinc", "log_energy") for when in ("initial", "learned")
                                          for k in s["test_folds"])


@pytest.mark.slow
def test_quick_run_goes_through_the_whole_path(tmp_path):
    experiments.run("raw_waveform", tmp_path, quick=True, progress=False)
    results = experiments.load("raw_waveform", tmp_path, quick=True)
    runs = results["runs"]
    assert [(r["frontend"], r["fold"], r["fraction"]) for r in runs] == [
        ("baseline", 0, 1.0), ("log_mel", 0, 1.0), ("conv", 0, 1.0), ("sinc", 0, 1.0), ("log_energy", 0, 1.0)]
    for r in runs:
        assert np.isfinite(r["accuracy"]) and 0 <= r["accuracy"] <= 1
        assert r["n_train"] == 4 * 10 * 4 and len(r["y_pred"]) == len(r["y_true"]) == 2 * 10 * 4
    fronts = np.load(results.path(raw_waveform.FRONTENDS_FILE))
    assert fronts["conv_learned_fold0"].shape == (65, 1, 32) and fronts["sinc_learned_fold0"].shape == (2, 32)
    assert np.all(np.isfinite(fronts["sinc_learned_fold0"])) and fronts["log_energy_learned_fold0"].shape == (257, 1, 32)


@pytest.mark.slow
def test_a_changed_setting_makes_load_refuse_the_results(tmp_path):
    experiments.run("raw_waveform", tmp_path, quick=True, progress=False, fractions=(0.5,))
    with pytest.raises(StaleResultsError, match=r"settings \['fractions'\].*python -m course_lib.experiments raw_waveform"):
        experiments.load("raw_waveform", tmp_path, quick=True)
