"""course_lib.localization_net: GCC-PHAT features, the direction MLP, training and the cached network."""

import numpy as np
import pytest

from course_lib import assets, localization, localization_net as ln

SR = 16000
MICS = localization.circular_array()


def _anechoic(azimuth, seed=0, n=4000):
    y = np.random.default_rng(seed).standard_normal(n)
    return localization.simulate_array(y, SR, MICS, azimuth)


def test_gcc_features_shape_and_peaks():
    f = ln.gcc_features(_anechoic(0.0), SR, MICS, interp=4)
    assert f.shape == (6, 43) and f.dtype == np.float32
    np.testing.assert_allclose(np.abs(f).max(axis=1), 1.0)
    # mics 0 and 2 lie on the x axis: a source at 0° reaches mic 0 first, so mic 2 lags by ~0.1 m / c
    lags = (np.arange(43) - 21) / (SR * 4)
    assert lags[np.argmax(f[1])] == pytest.approx(0.1 / 343, abs=1.5 / (SR * 4))
    with pytest.raises(ValueError, match="signals has 3 channels"):
        ln.gcc_features(np.zeros((3, 100)), SR, MICS)


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


def test_training_is_repeatable_and_learns_anechoic_directions():
    rng = np.random.default_rng(5)
    az = rng.uniform(0, 360, 160)
    x = np.stack([ln.gcc_features(_anechoic(a, i, 2000), SR, MICS) for i, a in enumerate(az)])
    settings = dict(ln.SETTINGS, epochs=40, hidden=(32,))
    model, history = ln.train(x, az, seed=0, settings=settings, validation=0.2)
    assert set(history) == {"loss", "val_loss", "val_error_deg"} and len(history["loss"]) == 40
    assert history["loss"][-1] < history["loss"][0] / 3
    assert history["val_error_deg"][-1] < 25.0  # from 90° (chance) down
    again, _ = ln.train(x, az, seed=0, settings=settings, validation=0.2)
    np.testing.assert_array_equal(model.get_weights()[0], again.get_weights()[0])
    with pytest.raises(ValueError, match="x must be"):
        ln.train(x[:, 0], az, settings=settings)


def test_load_model_missing_file_says_how_to_remake(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m course_lib.localization_net"):
        ln.load_model(tmp_path / "none.weights.h5")


def test_the_cached_network_finds_anechoic_directions():
    try:
        path = assets.path(ln.WEIGHTS)
    except FileNotFoundError:
        pytest.skip("no cached direction network; remake it with python -m course_lib.localization_net")
    model = ln.load_model(path)
    from course_lib import corpora

    y = localization.source_segment(corpora.load_voice(SR), SR, 0.5)
    errors = [localization.angular_error(ln.predict_azimuth(model, localization.simulate_array(y, SR, MICS, a), SR, MICS), a)
              for a in (10.0, 100.0, 190.0, 280.0)]
    assert np.mean(errors) < 10.0
