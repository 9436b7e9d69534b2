"""course_lib.localization_net: GCC-PHAT features, the direction MLP; its study
(course_lib.experiments.doa_network): training, the quick run, the cached network."""

import json

import numpy as np
import pytest

from course_lib import experiments, localization, localization_net as ln
from course_lib.errors import ResultsNotFoundError, StaleResultsError
from course_lib.experiments import doa_network, study

SR = 16000
MICS = localization.circular_array()


def _anechoic(azimuth, seed=0, n=4000):
    y = np.random.default_rng(seed).standard_normal(n)
    return localization.simulate_array(y, SR, mic_positions=MICS, azimuth=azimuth)


def test_gcc_features_shape_and_peaks():
    f = ln.gcc_features(_anechoic(0.0), SR, mic_positions=MICS, interp=4)
    assert f.shape == (6, 43) and f.dtype == np.float32
    np.testing.assert_allclose(np.abs(f).max(axis=1), 1.0)
    # mics 0 and 2 lie on the x axis: a source at 0° reaches mic 0 first, so mic 2 lags by ~0.1 m / c
    lags = (np.arange(43) - 21) / (SR * 4)
    assert lags[np.argmax(f[1])] == pytest.approx(0.1 / 343, abs=1.5 / (SR * 4))
    with pytest.raises(ValueError, match="signals has 3 channels"):
        ln.gcc_features(np.zeros((3, 100)), SR, mic_positions=MICS)


def test_targets_round_trip_and_wrap():
    az = np.array([0.0, 90.0, 181.0, 359.5])
    np.testing.assert_allclose(ln.targets_to_azimuth(ln.azimuth_to_targets(az)), az, atol=1e-4)
    assert ln.targets_to_azimuth([[2.0, -2.0]])[0] == pytest.approx(315.0)  # any length: only the angle counts
    with pytest.raises(ValueError, match="targets"):
        ln.targets_to_azimuth(np.zeros((3, 3)))


def test_direction_mlp_size():
    model = ln.direction_mlp(6, 43, (128, 64))
    assert model.count_params() == 41538 and model.output_shape == (None, 2)
    with pytest.raises(ValueError, match="n_lags"):
        ln.direction_mlp(6, 0)


@pytest.mark.slow
def test_training_is_repeatable_and_learns_anechoic_directions():
    rng = np.random.default_rng(5)
    az = rng.uniform(0, 360, 160)
    x = np.stack([ln.gcc_features(_anechoic(a, i, 2000), SR, mic_positions=MICS) for i, a in enumerate(az)])
    settings = dict(epochs=40, hidden=(32,))
    model, history = doa_network.fit(x, az, settings, rng=0, validation=0.2)
    assert set(history) == {"loss", "val_loss", "val_error_deg"} and len(history["loss"]) == 40
    assert history["loss"][-1] < history["loss"][0] / 3
    assert history["val_error_deg"][-1] < 25.0  # from 90° (chance) down
    again, _ = doa_network.fit(x, az, settings, rng=0, validation=0.2)
    np.testing.assert_array_equal(model.get_weights()[0], again.get_weights()[0])
    with pytest.raises(ValueError, match="x must be"):
        doa_network.fit(x[:, 0], az, settings)


def test_load_model_missing_file_says_how_to_remake(tmp_path):
    with pytest.raises(ResultsNotFoundError, match="doa_results.json.*python -m course_lib.experiments doa_network"):
        doa_network.load_model(tmp_path)


def test_missing_weights_name_the_file_and_the_command(tmp_path):
    record = study.record_for("doa_network", study.settings_for("doa_network"))
    (tmp_path / doa_network.FILES[0]).write_text(json.dumps({"record": record, "runs": []}))
    with pytest.raises(ResultsNotFoundError, match="doa_net.weights.h5.*python -m course_lib.experiments doa_network"):
        doa_network.load_model(tmp_path)


def test_other_settings_make_the_saved_results_stale(tmp_path, monkeypatch):
    record = study.record_for("doa_network", study.settings_for("doa_network"))
    (tmp_path / doa_network.FILES[0]).write_text(json.dumps({"record": record, "runs": []}))
    assert experiments.load("doa_network", tmp_path)["runs"] == []
    monkeypatch.setitem(doa_network.SETTINGS, "epochs", 61)
    with pytest.raises(StaleResultsError, match=r"settings \['epochs'\].*python -m course_lib.experiments doa_network"):
        experiments.load("doa_network", tmp_path)


@pytest.mark.slow
def test_the_quick_study_trains_saves_loads_and_scores(tmp_path):
    experiments.run("doa_network", tmp_path, quick=True, progress=False)
    results = experiments.load("doa_network", tmp_path, quick=True)
    s = results.record["settings"]
    training = [r for r in results["runs"] if r["kind"] == "training"]
    evaluation = [r for r in results["runs"] if r["kind"] == "evaluation"]
    assert [r["seed"] for r in training] == [0] and len(training[0]["history"]["loss"]) == s["epochs"]
    assert results["n_train_examples"] == s["n_train_scenes"] * s["snrs_per_train_scene"]
    assert len(evaluation) == s["n_test_scenes"] * len(s["rt60s"]) * len(s["snrs_db"])
    for r in evaluation:
        assert set(r["errors"]) == set(s["methods"]) | {"net (seed 0)"}
        assert all(0.0 <= e <= 180.0 for e in r["errors"].values())
    model = doa_network.load_model(tmp_path, quick=True)
    mics = localization.circular_array(s["n_mics"], s["radius"])
    scene = results["scenes"][0]
    from course_lib import corpora

    source = localization.source_segment(corpora.load_esc10(SR)[0][scene["clip"]], SR, duration=s["duration"])
    noise, _ = corpora.load_background(s["test_noises"][0], SR)

    def network(x):
        return {"net (seed 0)": ln.predict_azimuth(model, x, sr=SR, mic_positions=mics, interp=s["interp"])}

    live = localization.evaluate_scenes([source], [noise], sr=SR, mic_positions=mics, scenes=[dict(scene, rt60=s["rt60s"][0])], snrs_db=s["snrs_db"],
                                        methods=s["methods"], rng=int(round(s["rt60s"][0] * 1000)), max_order=s["max_order"],
                                        extra=network)
    cached = next(r for r in evaluation if r["scene"] == 0)
    assert localization.angular_error(live[0]["estimates"]["net (seed 0)"], cached["estimates"]["net (seed 0)"]) < 0.01


def test_the_cached_network_finds_anechoic_directions():
    try:
        model = doa_network.load_model()
    except ResultsNotFoundError:
        pytest.skip("no cached direction network; remake it with python -m course_lib.experiments doa_network")
    from course_lib import corpora

    y = localization.source_segment(corpora.load_voice(SR)[0], SR, duration=0.5)
    errors = [localization.angular_error(
        ln.predict_azimuth(model, localization.simulate_array(y, SR, mic_positions=MICS, azimuth=a), sr=SR, mic_positions=MICS), a)
        for a in (10.0, 100.0, 190.0, 280.0)]
    assert np.mean(errors) < 10.0
