"""course_lib.localization: GCC-PHAT finds known delays, directions come back from anechoic rooms."""

import numpy as np
import pytest

from course_lib import corpora, localization

SR = 16000


def _delayed(x, k):
    """``x`` delayed by ``k`` samples (zeros shifted in), same length."""
    return np.concatenate([np.zeros(k), x[: len(x) - k]]) if k >= 0 else np.concatenate([x[-k:], np.zeros(-k)])


@pytest.mark.parametrize("k", [0, 1, 3, -7, 25])
def test_gcc_phat_recovers_an_integer_delay_of_noise_exactly(k):
    x = np.random.default_rng(0).standard_normal(4000)
    tau, lags, cc = localization.gcc_phat(x, _delayed(x, k), SR, parabolic=False)
    assert tau * SR == k
    assert lags[np.argmax(cc)] * SR == pytest.approx(k)
    tau, _, _ = localization.gcc_phat(x, _delayed(x, k), SR, interp=4)  # the parabola stays on the peak
    assert abs(tau * SR - k) < 1e-3


def test_gcc_phat_recovers_a_delay_of_a_real_clip_and_its_sign():
    y = localization.source_segment(corpora.load_voice(SR)[0], SR, duration=0.5)
    for k in (4, -4):
        tau = localization.gcc_phat(y, _delayed(y, k), SR, max_tau=10 / SR, parabolic=False)[0]
        assert round(tau * SR) == k
    # pyroomacoustics' own GCC-PHAT (experimental.localization.tdoa) measures the opposite sign
    from pyroomacoustics.experimental.localization import tdoa

    assert tdoa(y, _delayed(y, 4), fs=SR) * SR == pytest.approx(-4)


def test_gcc_phat_max_tau_limits_the_lags():
    x = np.random.default_rng(1).standard_normal(1000)
    tau, lags, cc = localization.gcc_phat(x, _delayed(x, 30), SR, max_tau=5 / SR, interp=2)
    assert len(lags) == len(cc) == 21 and abs(tau) <= 5 / SR  # the true delay is outside: not found


def test_pair_angle_endfire_broadside():
    d = 0.1
    assert localization.pair_angle(d / 343.0, d) == pytest.approx(0.0, abs=1e-6)
    assert localization.pair_angle(0.0, d) == pytest.approx(90.0)
    assert localization.pair_angle(-d / 343.0, d) == pytest.approx(180.0)
    assert localization.pair_angle(2 * d / 343.0, d) == 0.0  # clipped, not NaN
    np.testing.assert_allclose(localization.pair_angle([0.5 * d / 343.0], d), [60.0])


def test_least_squares_inverts_exact_far_field_delays():
    mics = localization.circular_array(4, 0.05)
    pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    for az in (0.0, 37.0, 181.5, 359.0):
        u = np.array([np.cos(np.deg2rad(az)), np.sin(np.deg2rad(az))])
        taus = [-(mics[:, j] - mics[:, i]) @ u / 343.0 for i, j in pairs]
        assert localization.angular_error(localization.doa_least_squares(taus, pairs, mics), az) < 1e-9


@pytest.mark.parametrize("azimuth", [0.0, 45.0, 123.0, 200.0, 290.0])
def test_anechoic_simulation_gives_the_known_angle_within_a_degree(azimuth):
    y = localization.source_segment(corpora.load_voice(SR)[0], SR, duration=0.5)
    mics = localization.circular_array(4, 0.05)
    x = localization.simulate_array(y, SR, mic_positions=mics, azimuth=azimuth)  # rt60=None: max_order=0
    assert x.shape == (4, len(y))
    assert localization.angular_error(localization.gcc_doa(x, SR, mic_positions=mics), azimuth) < 1.0
    for method in ("SRP", "MUSIC"):
        assert localization.angular_error(localization.pra_doa(x, SR, mic_positions=mics, method=method), azimuth) <= 1.0
    # one pair (mics 0 and 2, on the x axis): the far-field angle from the axis pointing to mic 0
    tau = localization.gcc_phat(x[0], x[2], SR, max_tau=0.1 / 343, interp=16)[0]
    expected = min(azimuth, 360 - azimuth)  # front-back ambiguity: the pair folds the circle
    assert abs(343 * tau / 0.1 - np.cos(np.deg2rad(expected))) < 0.01  # the delay is right ...
    if 20 < expected < 160:  # ... but arccos is steep near endfire: there 1 % of delay is ~5°
        assert abs(localization.pair_angle(tau, 0.1) - expected) < 1.5


def test_reverberation_makes_it_harder_but_not_random():
    y = localization.source_segment(corpora.load_voice(SR)[0], SR, duration=0.5)
    mics = localization.circular_array()
    x = localization.simulate_array(y, SR, mic_positions=mics, azimuth=70.0, room_dim=(7, 5, 3), rt60=0.5, max_order=20)
    err = localization.angular_error(localization.gcc_doa(x, SR, mic_positions=mics), 70.0)
    assert 0.0 < err < 20.0


def test_add_diffuse_noise_sets_the_snr_with_independent_segments():
    rng = np.random.default_rng(2)
    clean = rng.standard_normal((4, 800))
    noise = rng.standard_normal(10000)
    noisy = localization.add_diffuse_noise(clean, noise, 6.0, rng=0)
    n = noisy - clean
    assert 10 * np.log10(np.mean(clean ** 2) / np.mean(n ** 2)) == pytest.approx(6.0)
    assert abs(np.corrcoef(n[0], n[1])[0, 1]) < 0.2  # different segments, not one copied
    np.testing.assert_array_equal(noisy, localization.add_diffuse_noise(clean, noise, 6.0, rng=0))


def test_angular_error_wraps_around():
    assert localization.angular_error(359.0, 1.0) == pytest.approx(2.0)
    np.testing.assert_allclose(localization.angular_error([180.0, 90.0], [0.0, 270.0]), [180.0, 180.0])


def test_random_scene_fits_the_room_and_is_repeatable():
    for seed in range(20):
        s = localization.random_scene(seed, rt60=0.5)
        assert s == localization.random_scene(seed, rt60=0.5)
        theta = np.deg2rad(s["azimuth"])
        src = np.array(s["center"]) + s["distance"] * np.array([np.cos(theta), np.sin(theta)])
        assert np.all(src > 0.1) and np.all(src < np.array(s["room_dim"][:2]) - 0.1)


def test_evaluate_scenes_returns_one_record_per_scene_and_snr():
    y = localization.source_segment(corpora.load_voice(SR)[0], SR, duration=0.5)
    scene = localization.random_scene(0)
    recs = localization.evaluate_scenes([y], [np.random.default_rng(0).standard_normal(SR)], sr=SR,
                                        mic_positions=localization.circular_array(), scenes=[scene], snrs_db=[30.0, 20.0], methods=("GCC-PHAT", "SRP"))
    assert [r["snr_db"] for r in recs] == [30.0, 20.0]
    assert all(set(r["errors"]) == {"GCC-PHAT", "SRP"} and max(r["errors"].values()) < 3 for r in recs)


def test_bad_input_names_the_argument():
    mics = localization.circular_array()
    x = np.zeros((4, 2000))
    with pytest.raises(ValueError, match="x and y"):
        localization.gcc_phat(np.zeros(10), np.zeros(11), SR)
    with pytest.raises(TypeError, match="sr"):
        localization.gcc_phat(np.zeros(10), np.zeros(10), "16k")
    with pytest.raises(TypeError, match="interp"):
        localization.gcc_phat(np.zeros(10), np.zeros(10), SR, interp=2.0)
    with pytest.raises(ValueError, match="max_tau"):
        localization.gcc_phat(np.zeros(10), np.zeros(10), SR, max_tau=-1.0)
    with pytest.raises(ValueError, match="mic_positions"):
        localization.gcc_doa(x, SR, mic_positions=np.zeros((3, 4)))
    with pytest.raises(ValueError, match="signals has 4 channels"):
        localization.gcc_doa(x, SR, mic_positions=localization.circular_array(3))
    with pytest.raises(ValueError, match="method"):
        localization.pra_doa(x, SR, mic_positions=mics, method="ESPRIT")
    with pytest.raises(ValueError, match="source falls outside"):
        localization.simulate_array(np.ones(100), SR, mic_positions=mics, azimuth=0.0, room_dim=(3, 3, 3), distance=2.0)
    with pytest.raises(ValueError, match="rt60"):
        localization.simulate_array(np.ones(100), SR, mic_positions=mics, azimuth=0.0, rt60=0.01)
    with pytest.raises(ValueError, match="room_dim"):
        localization.simulate_array(np.ones(100), SR, mic_positions=mics, azimuth=0.0, room_dim=(6, 5))
    with pytest.raises(ValueError, match="noise must be at least"):
        localization.add_diffuse_noise(x, np.ones(100), 10.0)
    with pytest.raises(ValueError, match="span a line"):
        localization.doa_least_squares([0.0], [(0, 1)], mics)
    with pytest.raises(ValueError, match="pairs"):
        localization.doa_least_squares([0.0], [(0, 9)], mics)
    with pytest.raises(ValueError, match="methods"):
        localization.evaluate_scenes([np.ones(100)], [np.ones(100)], sr=SR, mic_positions=mics, scenes=[localization.random_scene(0)], snrs_db=[0.0],
                                     methods=("ESPRIT",))
