"""Tests of course_lib.augment: each augmentation measured against what it claims."""

import math

import numpy as np
import pytest
import scipy.signal

from course_lib import augment, synth


def _white(rng, n, peak=0.5):
    """Gaussian white noise scaled to ``peak`` (synthetic; the course's noises are real recordings)."""
    x = np.random.default_rng(rng).standard_normal(n)
    return (peak * x / np.abs(x).max()).astype(np.float32)

SR = 16000


def peak_frequency(y, sr, fmin=0.0, fmax=None):
    """Precise frequency of the strongest sinusoid in [fmin, fmax] Hz: Hann window, 8x zero
    padding, parabolic interpolation of the log-magnitude peak."""
    y = np.asarray(y, dtype=np.float64)
    n = 8 * y.size
    mag = np.abs(np.fft.rfft(y * np.hanning(y.size), n))
    freqs = np.arange(mag.size) * sr / n
    band = np.flatnonzero((freqs >= fmin) & (freqs <= (fmax or sr / 2)))
    k = int(band[np.argmax(mag[band])])
    a, b, c = np.log(mag[k - 1 : k + 2])
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / n


def cents(f, ref):
    return 1200.0 * math.log2(f / ref)


def rms(y):
    return float(np.sqrt(np.mean(np.asarray(y, dtype=np.float64) ** 2)))


# --------------------------------------------------------------------------- pitch and time


@pytest.fixture(scope="module")
def tone():
    return synth.sine(440.0, sr=SR, duration=2.0, amplitude=0.5)


@pytest.mark.parametrize("n_steps", [-5, -1, 2, 7, 12])
def test_pitch_shift_moves_a_tone_by_n_semitones(tone, n_steps):
    out = augment.pitch_shift(tone, SR, n_steps=n_steps)
    assert out.shape == tone.shape and out.dtype == np.float32
    expected = 440.0 * 2.0 ** (n_steps / 12)
    measured = peak_frequency(out[2000:-2000], SR)
    assert abs(cents(measured, expected)) < 10, f"{n_steps} steps: {measured:.2f} Hz, expected {expected:.2f} Hz"
    # the level of a steady tone is kept (phase locking: no phasiness loss)
    assert abs(20 * math.log10(rms(out[2000:-2000]) / rms(tone))) < 0.1


def test_pitch_shift_moves_every_harmonic_and_zero_is_identity(tone):
    y = synth.harmonic_tone(220.0, sr=SR, duration=1.5, harmonics=(1.0, 0.5, 0.33))
    out = augment.pitch_shift(y, SR, n_steps=3)[1500:-1500]
    for k in (1, 2, 3):
        expected = k * 220.0 * 2 ** 0.25
        measured = peak_frequency(out, SR, expected - 60, expected + 60)
        assert abs(cents(measured, expected)) < 10, f"harmonic {k}: {measured:.2f} Hz, expected {expected:.2f} Hz"
    np.testing.assert_array_equal(augment.pitch_shift(tone, SR, n_steps=0), tone)


@pytest.mark.parametrize("rate", [0.5, 0.8, 1.25, 2.0])
def test_time_stretch_changes_length_not_pitch(tone, rate):
    out = augment.time_stretch(tone, rate)
    assert out.size == round(tone.size / rate)
    assert abs(cents(peak_frequency(out[2000:-2000], SR), 440.0)) < 5
    assert abs(20 * math.log10(rms(out[2000:-2000]) / rms(tone))) < 0.1


def test_time_stretch_scales_the_duration_of_an_event():
    y = np.zeros(2 * SR, dtype=np.float32)
    burst = synth.sine(1000.0, sr=SR, duration=0.4, amplitude=0.5)
    y[SR // 2 : SR // 2 + burst.size] = burst
    for rate in (0.5, 2.0):
        out = augment.time_stretch(y, rate)
        env = np.abs(scipy.signal.hilbert(out))
        on = np.flatnonzero(env > 0.25)
        duration = (on[-1] - on[0]) / SR
        assert abs(duration - 0.4 / rate) < 0.07, f"rate {rate}: burst lasts {duration:.3f} s, expected {0.4 / rate:.3f} s"
        assert abs(on[0] / SR - 0.5 / rate) < 0.07


def test_time_and_pitch_errors(tone):
    with pytest.raises(ValueError, match="rate"):
        augment.time_stretch(tone, 0)
    with pytest.raises(ValueError, match="1-D"):
        augment.time_stretch(np.zeros((100, 2)), 1.5)
    with pytest.raises(TypeError, match="n_steps"):
        augment.pitch_shift(tone, SR, n_steps="two")
    with pytest.raises(ValueError, match="NaN"):
        augment.pitch_shift(np.array([0.0, np.nan, 0.1]), SR, n_steps=1)
    with pytest.raises(TypeError, match="n_fft"):
        augment.time_stretch(tone, 1.5, n_fft=1024.0)
    with pytest.raises(ValueError, match="sr"):
        augment.pitch_shift(tone, 16000.5, n_steps=2)


def test_the_phase_vocoder_inverts_with_spectral_istft(tone):
    # rate 1 skips the vocoder; a rate that rounds the length to the same number of frames goes
    # through stft -> istft and must give the tone back where the frames overlap fully
    out = augment.time_stretch(tone, 1.0 + 1e-9)
    assert out.shape == tone.shape
    np.testing.assert_allclose(out[1024:-1024], tone[1024:-1024], atol=1e-4)


# --------------------------------------------------------------------------- noise


@pytest.mark.parametrize("snr", [-5.0, 0.0, 10.0, 30.0])
@pytest.mark.parametrize("noise_seconds", [0.3, 3.0])  # looped and cropped
def test_add_noise_hits_the_requested_snr(tone, snr, noise_seconds):
    y = 0.1 * tone[: SR]  # quiet enough that no mixture needs scaling down
    noise = _white(1, int(noise_seconds * SR), 0.1)
    out = augment.add_noise(y, noise, snr, rng=0)
    assert out.shape == y.shape and out.dtype == np.float32
    added = out.astype(np.float64) - y
    assert abs(augment.measure_snr_db(y, added) - snr) < 0.1


def test_add_noise_takes_a_contiguous_segment_at_a_random_offset():
    y = synth.sine(300.0, sr=SR, duration=0.5, amplitude=0.1)
    noise = np.random.default_rng(3).standard_normal(3 * SR) * 0.01
    offsets = set()
    for seed in range(4):
        added = augment.add_noise(y, noise, 10.0, rng=seed).astype(np.float64) - y
        # the added noise is gain * noise[start : start + n] for a single start
        corr = scipy.signal.correlate(noise, added, mode="valid")
        start = int(np.argmax(corr))
        gain = added @ noise[start : start + y.size] / (noise[start : start + y.size] @ noise[start : start + y.size])
        np.testing.assert_allclose(added, gain * noise[start : start + y.size], atol=1e-6)
        offsets.add(start)
    assert len(offsets) > 1, "different seeds should take different offsets"
    np.testing.assert_array_equal(augment.add_noise(y, noise, 5.0, rng=7), augment.add_noise(y, noise, 5.0, rng=7))


def test_mix_at_snr_scales_the_noise_and_only_limits_the_peak():
    y = synth.sine(300.0, sr=SR, duration=0.5, amplitude=0.1)
    noise = _white(2, SR // 2)
    for snr in (-10.0, 0.0, 17.5):
        out = augment.mix_at_snr(y, noise, snr)
        assert out.dtype == np.float32 and out.shape == y.shape
        added = out.astype(np.float64) - y
        assert abs(augment.measure_snr_db(y, added) - snr) < 0.01
        n64 = noise.astype(np.float64)
        np.testing.assert_allclose(added, (added @ n64) / (n64 @ n64) * n64, atol=1e-6)  # the noise times a gain
    loud = augment.mix_at_snr(9 * y, noise, -10.0)  # the sum would clip: scaled down as a whole
    assert np.max(np.abs(loud)) == pytest.approx(0.99, abs=1e-6)
    np.testing.assert_allclose(loud / np.max(np.abs(loud)), augment.mix_at_snr(y, noise, -10.0) / np.max(
        np.abs(augment.mix_at_snr(y, noise, -10.0))), atol=1e-5)
    with pytest.raises(ValueError, match="as many samples"):
        augment.mix_at_snr(y, noise[:-1], 10.0)
    with pytest.raises(ValueError, match="y is silent"):
        augment.mix_at_snr(np.zeros(8000), noise, 10.0)
    with pytest.raises(TypeError, match="snr_db"):
        augment.mix_at_snr(y, noise, "10 dB")


def test_add_noise_never_clips_and_keeps_the_snr():
    y = synth.sine(200.0, sr=SR, duration=0.5, amplitude=0.9)
    noise = _white(0, 2 * SR)
    loud = augment.add_noise(y, noise, 0.0, rng=1)
    quiet = augment.add_noise(0.01 * y, noise, 0.0, rng=1)
    assert np.max(np.abs(loud)) <= 0.99 + 1e-6
    ratio = float(loud @ quiet / (quiet @ quiet))
    np.testing.assert_allclose(loud, ratio * quiet, atol=2e-4)  # the same mixture, scaled down


def test_add_noise_errors(tone):
    noise = np.ones(100)
    with pytest.raises(ValueError, match="y is silent"):
        augment.add_noise(np.zeros(100), noise, 10)
    with pytest.raises(ValueError, match="noise is silent"):
        augment.add_noise(tone, np.zeros(100), 10)
    with pytest.raises(ValueError, match="noise must be 1-D"):
        augment.add_noise(tone, np.ones((100, 2)), 10)
    with pytest.raises(ValueError, match="y must be 1-D"):
        augment.add_noise(np.ones((100, 2)), noise, 10)
    with pytest.raises(ValueError, match="snr_db must be finite"):
        augment.add_noise(tone, noise, float("nan"))
    with pytest.raises(TypeError, match="rng"):
        augment.add_noise(tone, noise, 10, rng="seed")


# --------------------------------------------------------------------------- reverb


def test_reverb_is_a_convolution_with_matched_level():
    rng = np.random.default_rng(0)
    y = (0.2 * rng.standard_normal(4000)).astype(np.float32)
    ir = rng.standard_normal(500) * np.exp(-np.arange(500) / 80.0)
    raw = augment.reverb(y, ir, level=None)
    np.testing.assert_allclose(raw, np.convolve(y, ir)[: y.size], atol=1e-5)
    out = augment.reverb(y, ir)
    assert out.shape == y.shape
    assert abs(20 * math.log10(rms(out) / rms(y))) < 1e-3  # level="rms": same RMS as the input
    np.testing.assert_allclose(out / rms(out), raw / rms(raw), atol=1e-5)
    peak = augment.reverb(y, ir, level="peak")
    assert abs(np.max(np.abs(peak)) - np.max(np.abs(y))) < 1e-6
    np.testing.assert_allclose(augment.reverb(y, [1.0]), y, atol=1e-7)  # identity
    shifted = augment.reverb(y, [0.0] * 10 + [0.5], level=None)
    np.testing.assert_allclose(shifted[10:], 0.5 * y[:-10], atol=1e-7)


def test_reverb_never_clips_and_errors():
    y = synth.sine(440.0, sr=SR, duration=0.1, amplitude=0.5)
    y2 = np.full(1000, 0.5, dtype=np.float32)
    y2[500] = -0.99
    out = augment.reverb(y2, [1.0, -1.0])  # a differentiator turns the flat signal into two spikes
    assert np.max(np.abs(out)) <= 0.99 + 1e-6
    with pytest.raises(ValueError, match="all zeros"):
        augment.reverb(y, np.zeros(10))
    with pytest.raises(ValueError, match="ir must be 1-D"):
        augment.reverb(y, np.ones((10, 2)))
    with pytest.raises(ValueError, match="level"):
        augment.reverb(y, [1.0], level="loudness")
    assert not np.any(augment.reverb(np.zeros(100), [1.0, 0.5]))


# --------------------------------------------------------------------------- rooms

ROOM = (6.0, 4.0, 3.0)
SOURCE = (1.5, 1.0, 1.5)


def _distance(a, b):
    return float(np.linalg.norm(np.subtract(a, b)))


def test_pyroomacoustics_delay_offset_is_half_its_fractional_delay_filter():
    import pyroomacoustics as pra

    assert augment.pra_delay_offset() == pra.constants.get("frac_delay_length") // 2
    mic = (4.0, 2.5, 1.2)
    ir = augment.room_impulse_response(ROOM, SOURCE, mic, sr=SR, rt60=0.3, max_order=0, compensate_delay=False)
    expected = _distance(SOURCE, mic) / 343.0 * SR
    k = int(np.argmax(np.abs(ir)))
    a, b, c = ir[k - 1 : k + 2]
    measured = k + 0.5 * (a - c) / (a - 2 * b + c) - expected  # fractional peak of the direct path
    assert abs(measured - augment.pra_delay_offset()) < 0.5, f"measured offset {measured:.2f} samples"


@pytest.mark.parametrize("mic", [(4.0, 2.5, 1.2), (5.2, 3.4, 2.0)])
def test_direct_path_arrives_after_distance_over_c(mic):
    ir = augment.room_impulse_response(ROOM, SOURCE, mic, sr=SR, rt60=0.4)
    expected = _distance(SOURCE, mic) / 343.0 * SR
    first = int(np.argmax(np.abs(ir[: int(expected) + 8])))  # the earliest strong arrival
    assert abs(first - expected) <= 2, f"direct path at {first}, expected {expected:.1f}"
    assert np.max(np.abs(ir[: int(expected) - 4])) < 0.25 * np.abs(ir[first])  # nothing arrives earlier
    assert augment._direct_index(ir) == first
    raw = augment.room_impulse_response(ROOM, SOURCE, mic, sr=SR, rt60=0.4, compensate_delay=False)
    np.testing.assert_array_equal(raw[augment.pra_delay_offset():], ir)


def test_microphone_position_changes_the_response():
    near_mic, far_mic = (2.3, 1.5, 1.5), (5.3, 3.4, 1.5)
    near = augment.room_impulse_response(ROOM, SOURCE, near_mic, sr=SR, rt60=0.5)
    far = augment.room_impulse_response(ROOM, SOURCE, far_mic, sr=SR, rt60=0.5)
    n = min(near.size, far.size)
    assert np.corrcoef(near[:n], far[:n])[0, 1] < 0.5
    assert np.argmax(np.abs(far)) > np.argmax(np.abs(near))
    drr_near = augment.direct_to_reverberant_ratio(near, SR)
    drr_far = augment.direct_to_reverberant_ratio(far, SR)
    assert drr_near > drr_far + 3.0, f"DRR near {drr_near:.1f} dB, far {drr_far:.1f} dB"


@pytest.mark.parametrize("rt60", [0.3, 0.6])
def test_room_rt60_is_close_to_the_request(rt60):
    import pyroomacoustics as pra

    ir = augment.room_impulse_response(ROOM, SOURCE, (4.2, 2.9, 1.3), sr=SR, rt60=rt60)
    measured = augment.measure_rt60(ir, SR, decay_db=20)
    assert abs(measured - rt60) < 0.3 * rt60, f"RT60 {measured:.3f} s, requested {rt60} s"
    reference = pra.experimental.measure_rt60(ir, fs=SR, decay_db=20)
    assert abs(measured - reference) < 0.05 * reference


def test_measure_rt60_of_an_exponential_decay():
    rng = np.random.default_rng(0)
    t = np.arange(int(1.5 * SR)) / SR
    for rt60 in (0.25, 0.8):
        ir = rng.standard_normal(t.size) * 10 ** (-3 * t / rt60)  # -60 dB after rt60 seconds
        assert abs(augment.measure_rt60(ir, SR) - rt60) < 0.03 * rt60
    with pytest.raises(ValueError, match="decays by only"):
        augment.measure_rt60(np.ones(1000), SR)


def test_room_errors():
    with pytest.raises(ValueError, match="inside the room"):
        augment.room_impulse_response(ROOM, SOURCE, (7.0, 1.0, 1.0), sr=SR)
    with pytest.raises(ValueError, match="rt60"):
        augment.room_impulse_response(ROOM, SOURCE, (2.0, 2.0, 1.0), sr=SR, rt60=0)
    with pytest.raises(ValueError, match="cannot have rt60"):
        augment.room_impulse_response((30.0, 20.0, 10.0), (5, 5, 2), (10, 10, 2), sr=SR, rt60=0.05)
    with pytest.raises(ValueError, match="room_dim"):
        augment.room_impulse_response((6.0, 4.0), SOURCE, (2.0, 2.0, 1.0), sr=SR)


# --------------------------------------------------------------------------- devices


def _measured_gain_db(device, f, sr=SR):
    y = synth.sine(f, sr=sr, duration=1.0, amplitude=0.5)
    out = augment.device_response(y, sr, device=device)
    return 20 * math.log10(rms(out[sr // 2 :]) / rms(y[sr // 2 :]))


# device: [(frequency Hz, documented gain dB, tolerance dB)]; ("<=", value) for attenuation bounds
DOCUMENTED = {
    "phone": [(300, -3.0, 0.4), (1000, 0.0, 0.3), (3400, -3.0, 0.4), (100, "<=", -30.0), (6000, "<=", -20.0)],
    "laptop": [(200, -3.0, 0.5), (2500, 8.0, 0.5), (800, 0.0, 1.5)],
    "lavalier": [(80, -3.0, 0.5), (5000, 6.0, 0.3), (500, 0.0, 0.5)],
    "headset": [(1000, -6.0, 0.5), (5000, -3.0, 0.6), (150, -3.0, 0.6), (7500, "<=", -12.0)],
    "radio": [(1500, 6.0, 1.0), (100, "<=", -25.0), (6000, "<=", -12.0)],
}


@pytest.mark.parametrize("device", sorted(augment.DEVICES))
def test_device_gains_match_their_documentation(device):
    for f, *spec in DOCUMENTED[device]:
        measured = _measured_gain_db(device, f)
        if spec[0] == "<=":
            assert measured <= spec[1], f"{device} should attenuate {f} Hz by at least {-spec[1]} dB, got {measured:.1f}"
        else:
            assert abs(measured - spec[0]) < spec[1], f"{device} at {f} Hz: {measured:.2f} dB, documented {spec[0]} dB"


def test_an_unknown_device_is_refused():
    with pytest.raises(ValueError, match="device must be one of"):
        augment.device_response(_white(0, SR // 2), SR, device="gramophone")


def test_devices_at_8khz_leave_out_stages_above_nyquist():
    for device in augment.DEVICES:
        out = augment.device_response(_white(0, 4000), 8000, device=device)
        assert out.shape == (4000,) and np.all(np.isfinite(out))
    assert abs(_measured_gain_db("phone", 1000, sr=8000)) < 0.3


# --------------------------------------------------------------------------- the chain


def test_random_augment_is_deterministic_and_bounded():
    y = synth.sine(500.0, sr=SR, duration=0.5, amplitude=0.9)
    ir = augment.room_impulse_response(ROOM, SOURCE, (3.0, 2.0, 1.5), sr=SR, rt60=0.3)
    noise = _white(0, 2 * SR)
    kwargs = dict(irs=[ir], noises=[noise], devices=["phone", "laptop"], snr_db=(0, 10), p=1.0)
    a = augment.random_augment(y, SR, rng=5, **kwargs)
    b = augment.random_augment(y, SR, rng=5, **kwargs)
    c = augment.random_augment(y, SR, rng=6, **kwargs)
    assert a.shape == y.shape and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.max(np.abs(a)) <= 0.99 + 1e-6
    np.testing.assert_array_equal(augment.random_augment(y, SR, rng=5, p=0.0, **{k: v for k, v in kwargs.items() if k != "p"}), y)
    with pytest.raises(ValueError, match="device must be one of"):
        augment.random_augment(y, SR, rng=0, devices=["gramophone"])
    with pytest.raises(ValueError, match="n_steps"):
        augment.random_augment(y, SR, rng=0, n_steps=(2, -2))
    with pytest.raises(TypeError, match="snr_db"):
        augment.random_augment(y, SR, rng=0, snr_db=10)
    with pytest.raises(ValueError, match="p must be"):
        augment.random_augment(y, SR, rng=0, p=1.5)


def test_random_augment_convolves_measured_device_responses():
    y = synth.sine(500.0, sr=SR, duration=0.5, amplitude=0.5)
    ir = np.zeros(64, dtype=np.float32)
    ir[10] = 0.3  # a pure delay: the "device" shifts the clip by 10 samples, at the same RMS level
    out = augment.random_augment(y, SR, rng=0, n_steps=(0, 0), devices=[ir], p=1.0)
    delayed = np.r_[np.zeros(10), y[:-10]]
    np.testing.assert_allclose(out, delayed * rms(y) / rms(delayed), atol=1e-6)
    mixed = [ir, "phone"]  # measured responses and documented filters may be mixed
    assert augment.random_augment(y, SR, rng=3, n_steps=(0, 0), devices=mixed, p=1.0).shape == y.shape


# --------------------------------------------------------------------------- SpecAugment and mixup


def test_spec_augment_masks_whole_bands_and_frames():
    x = np.random.default_rng(0).normal(size=(60, 32)).astype(np.float32) + 5.0
    out = augment.spec_augment(x, rng=1, n_freq_masks=1, max_freq_width=8, n_time_masks=0, value=-7.0)
    masked = out == -7.0
    cols = np.flatnonzero(masked.all(axis=0))
    assert masked.sum() == 60 * cols.size and cols.size <= 8  # whole bands, at most 8 of them, contiguous
    if cols.size:
        assert np.all(np.diff(cols) == 1)
    np.testing.assert_array_equal(out[:, ~masked.all(axis=0)], x[:, ~masked.all(axis=0)])
    out = augment.spec_augment(x, rng=2, n_freq_masks=0, n_time_masks=3, max_time_width=5)
    rows = np.flatnonzero((out != x).any(axis=1))
    assert 0 < rows.size <= 15 and np.allclose(out[rows], x.mean())  # default value: the mean
    # many draws: every width from 0 to the maximum appears, and never more
    widths = {int((augment.spec_augment(x, rng=s, n_freq_masks=1, max_freq_width=4, n_time_masks=0, value=1e9) == 1e9)
                  .all(axis=0).sum()) for s in range(200)}
    assert widths == {0, 1, 2, 3, 4}
    # 3-D input (frames, bands, 1), determinism, no change to the input
    x3 = x[..., None].copy()
    a = augment.spec_augment(x3, rng=5)
    np.testing.assert_array_equal(a, augment.spec_augment(x3, rng=5))
    assert a.shape == x3.shape and np.array_equal(x3[..., 0], x)


def test_spec_augment_errors():
    x = np.zeros((20, 8))
    with pytest.raises(ValueError, match="max_freq_width"):
        augment.spec_augment(x, max_freq_width=9)
    with pytest.raises(ValueError, match="max_time_width"):
        augment.spec_augment(x, max_time_width=21)
    with pytest.raises(ValueError, match="log_mel"):
        augment.spec_augment(np.zeros(10))
    with pytest.raises(ValueError, match="n_time_masks"):
        augment.spec_augment(x, n_time_masks=-1)


def test_mixup_mixes_examples_and_labels_with_the_same_weights():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 5, 3)).astype(np.float32)
    y = np.arange(16) % 4
    xm, ym, lam = augment.mixup(x, y, 4, alpha=0.4, rng=3)
    assert xm.shape == x.shape and ym.shape == (16, 4) and lam.shape == (16,)
    assert xm.dtype == ym.dtype == np.float32
    np.testing.assert_allclose(ym.sum(axis=1), 1.0, atol=1e-6)
    assert np.all((lam >= 0) & (lam <= 1))
    # each mixed example is lam * x_i + (1 - lam) * x_j for the j whose label mixes in
    for i in range(16):
        j = [j for j in range(16) if np.allclose(xm[i], lam[i] * x[i] + (1 - lam[i]) * x[j], atol=1e-5)]
        assert j, f"example {i} is not a mixture of x[{i}] and another example"
        expected = np.zeros(4)
        expected[y[i]] += lam[i]
        expected[y[j[0]]] += 1 - lam[i]
        np.testing.assert_allclose(ym[i], expected, atol=1e-5)
    # small alpha: lam near 0 or 1 (Beta(0.1, 0.1) is U-shaped)
    _, _, lam_small = augment.mixup(x, y, 4, alpha=0.1, rng=1)
    _, _, lam_big = augment.mixup(x, y, 4, alpha=10.0, rng=1)
    assert np.mean(np.minimum(lam_small, 1 - lam_small)) < np.mean(np.minimum(lam_big, 1 - lam_big))
    with pytest.raises(ValueError, match="y must hold"):
        augment.mixup(x, y + 4, 4)
    with pytest.raises(ValueError, match="same number"):
        augment.mixup(x, y[:-1], 4)
    with pytest.raises(ValueError, match="alpha"):
        augment.mixup(x, y, 4, alpha=0)


def test_sabine_absorption_is_pyroomacoustics_inverse_and_refuses_impossible_rooms():
    import pyroomacoustics as pra

    absorption, order = augment.sabine_absorption(0.5, [6.0, 5.0, 3.0])
    assert (absorption, order) == pytest.approx(pra.inverse_sabine(0.5, [6.0, 5.0, 3.0]))
    assert 0 < absorption < 1 and isinstance(order, int)
    with pytest.raises(ValueError, match="rt60"):
        augment.sabine_absorption(0.0, [6.0, 5.0, 3.0])
    with pytest.raises(ValueError, match=r"cannot have rt60=0.01 s"):  # a big room cannot be that dead
        augment.sabine_absorption(0.01, [20.0, 15.0, 8.0])
