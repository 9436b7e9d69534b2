"""course_lib.experiments.transformer_fsdd: chapter 10's study (a spectrogram transformer, a CNN of its size and the
transformer with patchout on FSDD's unseen speakers): the same budget for every model, test speakers never in
training, the quick run through train, save and load, and the saved results' shape."""

import numpy as np
import pytest

from course_lib import experiments
from course_lib.errors import StaleResultsError
from course_lib.experiments import study, transformer_fsdd
from course_lib.models import transformer


def test_the_models_share_one_budget_and_about_one_size():
    s = transformer_fsdd.SETTINGS
    shape = (94, s["n_mels"], 1)
    models = {m: transformer_fsdd.build(m, shape)() for m in transformer_fsdd.MODELS}
    sizes = {m: net.count_params() for m, net in models.items()}
    assert sizes["transformer"] == sizes["patchout"]
    assert abs(sizes["cnn"] / sizes["transformer"] - 1) < 0.05
    assert models["transformer"].n_train_tokens == 45
    assert models["patchout"].n_train_tokens == transformer.patchout_count((11, 4), s["patchout"]) + 1 == 23
    schedule = transformer_fsdd.learning_rate(2000)
    steps = s["epochs"] * 63
    assert schedule.decay_steps == steps and float(schedule(steps)) == 0.0
    assert float(schedule(0)) == pytest.approx(s["learning_rate"], rel=1e-6)
    with pytest.raises(ValueError, match="model"):
        transformer_fsdd.build("rnn", shape)
    with pytest.raises(TypeError, match="n_train"):
        transformer_fsdd.learning_rate(20.5)


def test_the_saved_results_hold_every_model_fold_and_seed():
    results = experiments.load("transformer_fsdd")
    s = transformer_fsdd.SETTINGS
    runs = results["runs"]
    grid = sorted((r["model"], r["fold"], r["seed"]) for r in runs)
    assert grid == sorted((m, f, seed) for m in s["models"] for f in s["test_folds"] for seed in s["seeds"])
    for r in runs:
        assert 0 <= r["accuracy"] <= 1 and len(r["y_pred"]) == len(results["y_true"][str(r["fold"])]) == r["n_test"]
        assert len(r["history"]["loss"]) == s["epochs"] and r["seconds_per_epoch"] > 0
        assert (r["tokens_per_step"] is None) == (r["model"] == "cnn")
    speakers = [sp for k in s["test_folds"] for sp in results["test_speakers"][str(k)]]
    assert len(speakers) == len(set(speakers)) == 6                 # each speaker is tested once, never trained on then


@pytest.mark.slow
def test_quick_run_goes_through_the_whole_path(tmp_path):
    path = experiments.run("transformer_fsdd", tmp_path, quick=True, progress=False)
    assert path == tmp_path / transformer_fsdd.FILES[0]
    results = experiments.load("transformer_fsdd", tmp_path, quick=True)
    runs = results["runs"]
    assert [(r["model"], r["fold"], r["seed"]) for r in runs] == [(m, 0, 0) for m in transformer_fsdd.MODELS]
    assert all(r["n_train"] == 160 and r["n_test"] == 80 and np.isfinite(r["history"]["loss"][0]) for r in runs)
    assert runs[0]["tokens_per_step"] == 45 * 32 and runs[2]["tokens_per_step"] == 23 * 32
    assert set(results["test_speakers"]["0"]).isdisjoint(results["test_speakers"].get("1", []))
    # the kept weights load into a freshly built transformer and give its predictions
    data = transformer_fsdd.load_data(study.settings_for("transformer_fsdd", quick=True))
    net = transformer_fsdd.build("transformer", data["x"].shape[1:])()
    net.load_weights(tmp_path / transformer_fsdd.WEIGHTS_FILE)
    maps = transformer.attention_maps(net, data["x"][:2])
    assert maps.shape == (2, 4, 11)
    with pytest.raises(StaleResultsError, match="quick"):
        experiments.load("transformer_fsdd", tmp_path, quick=False)
