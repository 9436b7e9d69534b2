"""course_lib.synth: determinism, levels, and the physics each generator promises."""

import librosa
import numpy as np
import pytest
from scipy import signal

from course_lib import synth

SR = 16000


def _spectrum(y, sr, n_fft=None):
    """Magnitude spectrum (Hann window, zero-padded) and its frequencies."""
    y = np.asarray(y, dtype=np.float64)
    n_fft = n_fft or 4 * y.size
    mag = np.abs(np.fft.rfft(y * np.hanning(y.size), n_fft))
    return np.fft.rfftfreq(n_fft, 1.0 / sr), mag


def _peak_hz(y, sr, fmin=0.0, fmax=None):
    """Frequency of the largest spectral peak in [fmin, fmax], parabolic interpolation."""
    f, mag = _spectrum(y, sr)
    fmax = sr / 2 if fmax is None else fmax
    band = np.flatnonzero((f >= fmin) & (f <= fmax))
    i = band[np.argmax(mag[band])]
    a, b, c = np.log(mag[i - 1 : i + 2] + 1e-300)
    delta = 0.5 * (a - c) / (a - 2 * b + c)
    return (i + delta) * (f[1] - f[0])


def _cents(f, ref):
    return 1200.0 * np.log2(f / ref)


def _inst_freq(y, sr, smooth=1):
    """Instantaneous frequency (Hz) from the analytic signal's phase derivative.

    ``smooth`` > 1 averages over that many samples (a centred moving average).
    """
    phase = np.unwrap(np.angle(signal.hilbert(np.asarray(y, dtype=np.float64))))
    inst = np.diff(phase) * sr / (2 * np.pi)
    return np.convolve(inst, np.ones(smooth) / smooth, mode="same") if smooth > 1 else inst


# every generator, called with small arguments: (name, callable(rng) -> y, expected length)
GENERATORS = [
    ("sine", lambda r: synth.sine(440, sr=SR, duration=0.5), 8000),
    ("sawtooth", lambda r: synth.sawtooth(220, sr=SR, duration=0.5), 8000),
    ("sawtooth_naive", lambda r: synth.sawtooth(220, sr=SR, duration=0.5, band_limited=False), 8000),
    ("harmonic_tone", lambda r: synth.harmonic_tone(220, sr=SR, duration=0.5, vibrato_rate=5, vibrato_cents=50, glide_to=330), 8000),
    ("plucked_string", lambda r: synth.plucked_string(196, sr=SR, duration=0.5, rng=r), 8000),
    ("plucked_melody", lambda r: synth.plucked_melody([60, 64, 67], 0.25, sr=SR, rng=r), 12000),
    ("organ_note", lambda r: synth.organ_note(duration=0.5), 8000),
    ("white_noise", lambda r: synth.white_noise(sr=SR, duration=0.5, rng=r), 8000),
    ("pink_noise", lambda r: synth.pink_noise(sr=SR, duration=0.5, rng=r), 8000),
    ("brown_noise", lambda r: synth.brown_noise(sr=SR, duration=0.5, rng=r), 8000),
    ("chirp", lambda r: synth.chirp(100, 4000, sr=SR, duration=0.5), 8000),
    ("babble", lambda r: synth.babble(sr=SR, duration=0.5, n_voices=3, rng=r), 8000),
    ("siren", lambda r: synth.siren(sr=SR, duration=0.5, kind="yelp"), 8000),
    ("engine_hum", lambda r: synth.engine_hum(sr=SR, duration=0.5, rng=r), 8000),
    ("rain", lambda r: synth.rain(sr=SR, duration=0.5, rng=r), 8000),
    ("bird_chirp", lambda r: synth.bird_chirp(sr=SR, duration=0.5, rng=r), 8000),
    ("bark", lambda r: synth.bark(sr=SR, duration=0.5, n_barks=1, rng=r), 8000),
    ("clock_ticks", lambda r: synth.clock_ticks(sr=SR, duration=0.5, rate=2.0, rng=r), 8000),
    ("door_knock", lambda r: synth.door_knock(sr=SR, duration=0.5, rng=r), 8000),
    ("mains_hum", lambda r: synth.mains_hum(sr=SR, duration=0.5, rng=r), 8000),
] + [(f"background_{kind}", lambda r, kind=kind: synth.background_noise(kind, sr=SR, duration=0.5, rng=r), 8000)
     for kind in synth.NOISE_KINDS]
RANDOM = {
    "plucked_string", "plucked_melody", "white_noise", "pink_noise", "brown_noise", "babble", "engine_hum", "rain",
    "bird_chirp", "bark", "clock_ticks", "door_knock", "mains_hum",
} | {f"background_{kind}" for kind in synth.NOISE_KINDS}


@pytest.mark.parametrize("name,make,n", GENERATORS, ids=[g[0] for g in GENERATORS])
def test_dtype_length_range_and_determinism(name, make, n):
    y = make(1)
    assert y.dtype == np.float32 and y.ndim == 1 and y.shape == (n,)
    assert np.all(np.isfinite(y))
    assert np.max(np.abs(y)) <= 1.0
    assert np.max(np.abs(y)) > 0.05  # not silent
    np.testing.assert_array_equal(make(1), y)  # same seed, same samples
    if name in RANDOM:
        assert not np.array_equal(make(2), y), "another seed must give another sound"


def test_rng_int_and_generator_agree_and_none_is_random():
    a = synth.white_noise(sr=SR, duration=0.1, rng=np.random.default_rng(7))
    b = synth.white_noise(sr=SR, duration=0.1, rng=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(synth.white_noise(sr=SR, duration=0.1), synth.white_noise(sr=SR, duration=0.1))
    gen = np.random.default_rng(3)  # a Generator is drawn from: two calls, two different noises
    assert not np.array_equal(synth.pink_noise(sr=SR, duration=0.1, rng=gen), synth.pink_noise(sr=SR, duration=0.1, rng=gen))


def test_time_axis_and_length_rounding():
    t = synth.time_axis(sr=8000, duration=0.001)
    np.testing.assert_allclose(t, np.arange(8) / 8000)
    assert synth.n_samples_for(sr=22050, duration=5.0) == 110250
    assert synth.time_axis(sr=11025, duration=1.5).size == 16538  # 16537.5 rounds half up
    assert synth.sine(100, sr=16000.0, duration=1.0).size == 16000  # an integral float sr is accepted


def test_sr_and_duration_are_keywords():
    with pytest.raises(TypeError):
        synth.sawtooth(220, 16000, 1.0)  # sawtooth never took them by position
    with pytest.raises(TypeError):
        synth.babble(1.0, SR)


def test_sr_and_duration_are_keyword_only():
    with pytest.raises(TypeError):
        synth.sine(440.0, 0.5, SR)  # sine(freq, *, sr, duration): no positional duration or rate
    with pytest.raises(TypeError):
        synth.white_noise(0.5, SR)


@pytest.mark.parametrize("freq", [440.0, 1000.0, 3170.0])
def test_sine_frequency_amplitude_and_phase(freq):
    y = synth.sine(freq, sr=SR, duration=1.0, amplitude=0.5, phase=np.pi / 2)
    assert abs(_peak_hz(y, SR) - freq) < 0.5
    assert y[0] == pytest.approx(0.5)  # cos at t = 0
    assert np.max(np.abs(y)) == pytest.approx(0.5, abs=1e-4)


def test_sine_above_nyquist_aliases():
    # A 15 kHz sine sampled at 16 kHz has exactly the samples of a 1 kHz sine (phase-inverted).
    y = synth.sine(SR - 1000, sr=SR, duration=1.0)
    assert abs(_peak_hz(y, SR) - 1000.0) < 0.5
    np.testing.assert_allclose(y, -synth.sine(1000, sr=SR, duration=1.0), atol=1e-4)
    assert abs(_peak_hz(synth.sine(9000, sr=SR, duration=1.0), SR) - 7000.0) < 0.5


def _non_harmonic_energy_ratio(y, f0, sr):
    """Fraction of the energy away from the multiples of f0 (1-s signal, integer f0: exact bins)."""
    power = np.abs(np.fft.rfft(np.asarray(y, dtype=np.float64))) ** 2
    f = np.fft.rfftfreq(len(y), 1.0 / sr)
    harmonic = np.isclose(np.mod(f, f0), 0.0) | np.isclose(np.mod(f, f0), f0)
    return power[~harmonic].sum() / power.sum()


def test_band_limited_sawtooth_does_not_alias_but_naive_does():
    f0 = 1234  # integer Hz, 1 s: every harmonic sits on an FFT bin, aliases do not
    bl = synth.sawtooth(f0, sr=SR, duration=1.0, band_limited=True)
    naive = synth.sawtooth(f0, sr=SR, duration=1.0, band_limited=False)
    assert _non_harmonic_energy_ratio(bl, f0, SR) < 1e-6
    assert _non_harmonic_energy_ratio(naive, f0, SR) > 1e-3
    # the aliased partial of harmonic 7 (8638 Hz) folds to 16000 - 8638 = 7362 Hz
    f, mag = _spectrum(naive, SR, n_fft=SR)
    _, mag_bl = _spectrum(bl, SR, n_fft=SR)
    assert mag[7362] > 100 * mag_bl[7362]
    # the band-limited one keeps harmonics 1..6 with 1/k amplitudes
    ratios = mag_bl[[f0 * k for k in range(1, 7)]] / mag_bl[f0]
    np.testing.assert_allclose(ratios, 1.0 / np.arange(1, 7), rtol=0.02)
    # and matches the ideal ramp at low frequency (Gibbs ripple aside)
    ramp = synth.sawtooth(50, sr=SR, duration=0.1, band_limited=False)
    smooth = synth.sawtooth(50, sr=SR, duration=0.1, band_limited=True)
    assert np.corrcoef(ramp, smooth)[0, 1] > 0.99


def test_harmonic_tone_glide_track_and_measured_frequency():
    y, f0 = synth.harmonic_tone(220, sr=SR, duration=1.0, harmonics=(1.0,), glide_to=440, return_f0=True, fade=0.0)
    assert f0.shape == y.shape == (SR,)
    assert f0[0] == pytest.approx(220.0)
    assert f0[-1] == pytest.approx(440.0 * 2 ** (-1 / SR))  # t = (n - 1) / sr
    assert f0[SR // 2] == pytest.approx(np.sqrt(220 * 440), rel=1e-3)  # exponential: geometric midpoint
    inst = _inst_freq(y, SR, smooth=81)[400:-400]
    np.testing.assert_allclose(inst, f0[400:-401], rtol=0.003)


def test_harmonic_tone_vibrato_depth_and_rate():
    y, f0 = synth.harmonic_tone(300, sr=SR, duration=2.0, harmonics=(1.0,), vibrato_rate=5.0, vibrato_cents=50.0,
                                fade=0.0, return_f0=True)
    dev = _cents(f0, 300.0)
    assert dev.max() == pytest.approx(50.0, abs=0.5) and dev.min() == pytest.approx(-50.0, abs=0.5)
    assert abs(_peak_hz(dev, SR, 1.0, 20.0) - 5.0) < 0.1
    inst = _inst_freq(y, SR, smooth=81)[400:-400]
    assert np.max(np.abs(_cents(inst, f0[400:-401]))) < 5.0


def test_harmonic_tone_omits_harmonics_above_nyquist():
    # 3000 Hz with 4 harmonics at 16 kHz: 9000 and 12000 Hz would alias to 7000 and 4000 Hz.
    y = synth.harmonic_tone(3000, sr=SR, duration=1.0, harmonics=(1.0, 0.5, 0.5, 0.5))
    f, mag = _spectrum(y, SR, n_fft=SR)
    assert mag[6000] > 0.3 * mag[3000]
    assert mag[7000] < 1e-4 * mag[3000] and mag[4000] < 1e-4 * mag[3000]


def test_midi_to_hz():
    assert synth.midi_to_hz(69) == 440.0 and isinstance(synth.midi_to_hz(69), float)
    assert synth.midi_to_hz(60) == pytest.approx(261.6256, abs=1e-4)
    np.testing.assert_allclose(synth.midi_to_hz([57, 81, 69.5]), [220.0, 880.0, 440.0 * 2 ** (1 / 24)])
    with pytest.raises(ValueError, match="finite"):
        synth.midi_to_hz([60, np.nan])
    with pytest.raises(TypeError, match="notes"):
        synth.midi_to_hz("A4")


def test_fade_ramps_both_ends_and_keeps_the_middle():
    y = np.ones(1000, dtype=np.float32)
    out = synth.fade(y, 1000, fade_in=0.1, fade_out=0.2)
    assert out.dtype == np.float32 and np.array_equal(y, np.ones(1000))  # a copy
    assert out[0] < 0.001 and out[-1] < 0.001
    assert np.all(np.diff(out[:100]) > 0) and np.all(np.diff(out[800:]) < 0)
    np.testing.assert_array_equal(out[100:800], 1.0)
    np.testing.assert_allclose(out[:100] + out[99::-1], 1.0, atol=1e-6)  # raised cosine: symmetric about 1/2
    assert synth.fade(np.ones(10), 1000, 0.0).tolist() == [1.0] * 10
    assert synth.fade([1, 1, 1, 1], 1000, 0.002).dtype == np.float64
    with pytest.raises(ValueError, match="fade_in"):
        synth.fade(y, 1000, -0.1)
    with pytest.raises(ValueError, match="1-D"):
        synth.fade(np.ones((10, 2)), 1000)


@pytest.mark.parametrize("f0,sr", [(82.41, 22050), (110.0, 16000), (196.0, 22050), (440.0, 22050), (659.26, 44100), (880.0, 16000)])
def test_plucked_string_pitch_within_15_cents(f0, sr):
    y = synth.plucked_string(f0, sr=sr, duration=2.0, rng=3)
    measured = _peak_hz(y, sr, f0 * 2 ** (-1 / 12), f0 * 2 ** (1 / 12))
    assert abs(_cents(measured, f0)) < 15.0
    # an independent estimator agrees: librosa's YIN on the first half second
    est = librosa.yin(y[: sr // 2], fmin=f0 / 2, fmax=min(2 * f0, sr / 2 - 1), sr=sr, frame_length=4096)
    assert abs(_cents(np.median(est), f0)) < 15.0


def test_plucked_string_decays_and_brightness_matters():
    sr = 22050
    y = synth.plucked_string(220, sr=sr, duration=3.0).astype(np.float64)
    rms = [np.sqrt(np.mean(y[i : i + sr // 2] ** 2)) for i in range(0, 3 * sr - sr // 2, sr // 2)]
    assert all(a > b for a, b in zip(rms, rms[1:]))
    assert synth.plucked_string(220, sr=sr, duration=3.0, decay=0.999).astype(float)[-sr:].std() > y[-sr:].std()

    def centroid(z):
        return librosa.feature.spectral_centroid(y=z[: sr // 4], sr=sr).mean()

    assert centroid(synth.plucked_string(220, sr=sr, duration=1.0, brightness=1.0)) > centroid(
        synth.plucked_string(220, sr=sr, duration=1.0, brightness=0.0))


def test_plucked_melody_lengths_onsets_and_pitches():
    notes = [52, 56, 59, 64, 59, 56, 52, 59, 64, 68]
    y = synth.plucked_melody(notes, 0.5, sr=22050, rng=7)
    assert y.shape == (110250,) and y.dtype == np.float32  # 10 notes of 0.5 s: the course's guitar file
    onsets = librosa.onset.onset_detect(y=y, sr=22050, units="time")
    assert 8 <= len(onsets) <= 12
    assert synth.plucked_melody([57, 64], [0.5, 0.7], sr=22050).size == 26460
    first = y[int(0.05 * 22050) : int(0.45 * 22050)]  # the first note alone: MIDI 52 = 164.8 Hz
    assert abs(_cents(_peak_hz(first, 22050, 140, 190), synth.midi_to_hz(52))) < 15
    gen = np.random.default_rng(0)  # a Generator is drawn from note after note
    assert synth.plucked_melody([57, 64], 0.25, sr=SR, rng=gen).shape == (8000,)


def test_organ_note_partials():
    f0 = 200.0
    y = synth.organ_note(f0, sr=SR, duration=1.0, tremolo_depth=0.0)
    f, mag = _spectrum(y, SR, n_fft=SR)
    present = mag[[200, 400, 600, 800, 1200, 1600]]
    absent = mag[[1000, 1400, 300, 500]]
    assert present.min() > 100 * absent.max()
    assert synth.organ_note().size == 4 * 16000  # NSynth format: 4 s at 16 kHz, MIDI 59
    assert abs(_peak_hz(synth.organ_note(duration=1.0), 16000, 200, 300) - 246.94) < 0.5


def _slope_db_per_octave(y, sr, fmin=50.0, fmax=5000.0):
    f, pxx = signal.welch(np.asarray(y, dtype=np.float64), sr, nperseg=4096)
    band = (f >= fmin) & (f <= fmax)
    slope, _ = np.polyfit(np.log2(f[band]), 10 * np.log10(pxx[band]), 1)
    return slope


@pytest.mark.parametrize("make,expected", [(synth.white_noise, 0.0), (synth.pink_noise, -3.01), (synth.brown_noise, -6.02)])
def test_noise_spectral_slopes(make, expected):
    y = make(sr=SR, duration=10.0, rng=0)
    assert _slope_db_per_octave(y, SR) == pytest.approx(expected, abs=1.0)
    assert abs(float(np.mean(y))) < 0.02
    assert _slope_db_per_octave(synth.colored_noise(-1.0, sr=SR, duration=10.0, rng=0), SR) == pytest.approx(3.01, abs=1.0)


@pytest.mark.parametrize("method", ["linear", "exponential"])
def test_chirp_instantaneous_frequency(method):
    f_start, f_end, duration = 200.0, 4000.0, 2.0
    y = synth.chirp(f_start, f_end, sr=SR, duration=duration, method=method)
    inst = _inst_freq(y, SR, smooth=41)
    t = (np.arange(inst.size) + 0.5) / SR
    if method == "linear":
        expected = f_start + (f_end - f_start) * t / duration
    else:
        expected = f_start * (f_end / f_start) ** (t / duration)
    core = slice(200, -200)
    np.testing.assert_allclose(inst[core], expected[core], rtol=0.02)
    # near the ends: start and end frequencies (medians over 10 ms)
    assert np.median(inst[200:360]) == pytest.approx(expected[280], rel=0.02)
    assert np.median(inst[-360:-200]) == pytest.approx(expected[-280], rel=0.02)
    assert expected[-1] == pytest.approx(f_end, rel=0.005)
    if method == "exponential":  # equal time per octave: 1000 Hz reached at log2(5)/log2(20) of the way
        i = int(np.log2(5) / np.log2(20) * duration * SR)
        assert np.median(inst[i - 40 : i + 40]) == pytest.approx(1000.0, rel=0.02)


def test_babble_has_syllabic_modulation():
    y = synth.babble(sr=SR, duration=6.0, n_voices=1, rng=4).astype(np.float64)
    hop = SR // 100
    rms = np.sqrt(np.mean(y[: y.size // hop * hop].reshape(-1, hop) ** 2, axis=1))  # 100 Hz envelope
    mod_f, mod = _spectrum(rms - rms.mean(), 100)
    band = (mod_f > 0.5) & (mod_f < 20)
    peak = mod_f[band][np.argmax(mod[band])]
    assert 2.0 <= peak <= 8.0
    # speech band: most energy below 4 kHz
    f, mag = _spectrum(y, SR)
    assert (mag[f < 4000] ** 2).sum() > 0.9 * (mag**2).sum()


def test_environmental_generators_sit_in_their_bands():
    def fraction(y, lo, hi):
        f, mag = _spectrum(y, SR)
        p = mag**2
        return p[(f >= lo) & (f < hi)].sum() / p.sum()

    assert fraction(synth.bird_chirp(sr=SR, duration=1.0, rng=0), 1800, 6600) > 0.9
    assert fraction(synth.engine_hum(sr=SR, duration=1.0, rng=0), 0, 1000) > 0.8
    assert fraction(synth.door_knock(sr=SR, duration=1.0, rng=0), 0, 1000) > 0.7
    assert fraction(synth.clock_ticks(sr=SR, duration=1.0, f_ring=3000, rng=0), 2000, 8000) > 0.7
    assert fraction(synth.rain(sr=SR, duration=1.0, rng=0), 500, 8000) > 0.8
    wail = synth.siren(sr=SR, duration=2.5, kind="wail", f_low=600, f_high=1200, rate=0.4)
    f0s = [_peak_hz(wail[i : i + 1600], SR, 400, 1400) for i in range(0, wail.size - 1600, 1600)]
    assert 550 < min(f0s) and max(f0s) < 1260 and max(f0s) - min(f0s) > 400


def test_event_generators_place_their_events():
    def onsets(y, thresh=0.2, refractory=0.08):
        env = np.abs(signal.hilbert(y.astype(np.float64)))
        env = np.convolve(env, np.ones(80) / 80, mode="same")
        above = env > thresh * env.max()
        found = []
        for i in np.flatnonzero(above[1:] & ~above[:-1]) + 1:
            if not found or i - found[-1] > refractory * SR:
                found.append(i)
        return np.array(found)

    ticks = onsets(synth.clock_ticks(sr=SR, duration=3.0, rate=2.0, onset=0.1, rng=0))
    assert len(ticks) == 6
    np.testing.assert_allclose(np.diff(ticks) / SR, 0.5, atol=0.01)
    knocks = onsets(synth.door_knock(sr=SR, duration=1.0, n_knocks=3, interval=0.2, onset=0.1, rng=0), 0.3)
    assert len(knocks) == 3 and abs(knocks[0] / SR - 0.1) < 0.01
    barks = onsets(synth.bark(sr=SR, duration=1.5, n_barks=3, interval=0.4, onset=0.1, rng=0), 0.3, refractory=0.2)
    assert len(barks) == 3


# --------------------------------------------------------------------------- background noises by name


def _band_fraction(y, lo, hi):
    f, p = signal.welch(y, SR, nperseg=4096)
    return p[(f >= lo) & (f < hi)].sum() / p.sum()


def _flatness(y):
    _, p = signal.welch(y, SR, nperseg=4096)
    return float(np.exp(np.mean(np.log(p[1:] + 1e-30))) / np.mean(p[1:]))


def _level_range_db(y, window=0.5):
    n = int(window * SR)
    frames = y[: y.size // n * n].reshape(-1, n).astype(np.float64)
    level = 10 * np.log10(np.mean(frames**2, axis=1))
    return float(level.max() - level.min())


SCENES = ("rain", "traffic", "babble", "hum", "wind", "cafe")


@pytest.fixture(scope="module")
def noises():
    return {kind: synth.background_noise(kind, sr=SR, duration=6.0, rng=0) for kind in synth.NOISE_KINDS}


def test_background_noises_have_their_level_and_are_not_white(noises):
    white = synth.white_noise(sr=SR, duration=6.0, rng=0)
    assert set(SCENES) | {"white", "pink", "brown"} == set(synth.NOISE_KINDS)
    for kind, y in noises.items():
        assert y.shape == (6 * SR,) and y.dtype == np.float32
        assert abs(np.max(np.abs(y)) - 0.5) < 1e-6
        if kind in SCENES:
            assert _flatness(y) < 0.6 < _flatness(white), f"{kind} is as flat as white noise"
    np.testing.assert_array_equal(noises["pink"], synth.pink_noise(sr=SR, duration=6.0, rng=0))
    np.testing.assert_array_equal(noises["white"], white)
    with pytest.raises(ValueError, match="kind must be one of"):
        synth.background_noise("thunder", sr=SR, duration=1.0)


def test_each_background_noise_has_its_character(noises):
    # rain: bright droplets, impulsive (kurtosis above Gaussian noise's 3)
    rain = noises["rain"].astype(np.float64)
    assert _band_fraction(rain, 1000, 8000) > 0.8
    assert np.mean(rain**4) / np.mean(rain**2) ** 2 > 3.5
    # traffic: mostly below 1 kHz, its level rises and falls as cars pass
    assert _band_fraction(noises["traffic"], 0, 1000) > 0.45
    assert _level_range_db(noises["traffic"]) > 5
    # hum: most power on the mains harmonics
    f, p = signal.welch(noises["hum"], SR, nperseg=4096)
    on_harmonics = max(sum(p[np.abs(f - k * m) <= 2].sum() for k in range(1, 11)) for m in (50, 60)) / p.sum()
    assert on_harmonics > 0.35
    # babble and cafe: speech band, syllabic level modulation
    for kind in ("babble", "cafe"):
        assert _band_fraction(noises[kind], 80, 4000) > 0.8
        assert _level_range_db(noises[kind], 0.125) > 3
    # wind: low-frequency gusts
    assert _band_fraction(noises["wind"], 0, 1000) > 0.9
    assert _level_range_db(noises["wind"]) > 8


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: synth.sine(440, sr=SR, duration=-1.0), ValueError, "duration"),
        (lambda: synth.sine(440, sr=SR, duration=0.0), ValueError, "duration"),
        (lambda: synth.sine(440, sr=0, duration=1.0), ValueError, "sr"),
        (lambda: synth.sine(440, sr=100.5, duration=1.0), ValueError, "sr"),
        (lambda: synth.sine(440, sr="16000", duration=1.0), TypeError, "sr"),
        (lambda: synth.sine(440, sr=True, duration=1.0), TypeError, "sr"),
        (lambda: synth.sine(np.nan, sr=SR, duration=1.0), ValueError, "freq"),
        (lambda: synth.sine(-5.0, sr=SR, duration=1.0), ValueError, "freq"),
        (lambda: synth.sine("440", sr=SR, duration=1.0), TypeError, "freq"),
        (lambda: synth.sine(440, sr=SR, duration=1.0, amplitude=1.5), ValueError, "amplitude"),
        (lambda: synth.time_axis(sr=SR, duration=np.inf), ValueError, "duration"),
        (lambda: synth.sawtooth(0.0, sr=SR, duration=1.0), ValueError, "freq"),
        (lambda: synth.harmonic_tone(0.0, sr=SR, duration=1.0), ValueError, "f0"),
        (lambda: synth.harmonic_tone(220, sr=SR, duration=1.0, glide_to=-1), ValueError, "glide_to"),
        (lambda: synth.harmonic_tone(220, sr=SR, duration=1.0, harmonics=()), ValueError, "harmonics"),
        (lambda: synth.harmonic_tone(220, sr=SR, duration=1.0, vibrato_cents=-3), ValueError, "vibrato_cents"),
        (lambda: synth.organ_note(sr=SR, duration=1.0, attack=-0.1), ValueError, "attack"),
        (lambda: synth.organ_note(sr=SR, duration=1.0, drawbars=(1, 2)), ValueError, "drawbars"),
        (lambda: synth.plucked_string(220, sr=SR, duration=1.0, decay=1.5), ValueError, "decay"),
        (lambda: synth.plucked_string(5000, sr=SR, duration=1.0), ValueError, "f0"),
        (lambda: synth.plucked_string(220, sr=SR, duration=1.0, rng=1.5), TypeError, "rng"),
        (lambda: synth.plucked_melody([60, 62], [0.5], sr=SR), ValueError, "durations"),
        (lambda: synth.plucked_melody([60, 62], 0.5, sr=SR, rng=-1), ValueError, "rng"),
        (lambda: synth.white_noise(sr=SR, duration=1.0, rng="x"), TypeError, "rng"),
        (lambda: synth.colored_noise("pink", sr=SR, duration=1.0), TypeError, "exponent"),
        (lambda: synth.chirp(0.0, 1000, sr=SR, duration=1.0), ValueError, "exponential"),
        (lambda: synth.chirp(100, 1000, sr=SR, duration=1.0, method="cubic"), ValueError, "method"),
        (lambda: synth.babble(sr=SR, duration=1.0, n_voices=0), ValueError, "n_voices"),
        (lambda: synth.babble(sr=SR, duration=1.0, n_voices=2.0), TypeError, "n_voices"),
        (lambda: synth.siren(sr=SR, duration=1.0, kind="whoop"), ValueError, "kind"),
        (lambda: synth.siren(sr=SR, duration=1.0, f_low=1000, f_high=500), ValueError, "f_high"),
        (lambda: synth.bird_chirp(sr=8000, duration=1.0, f_high=6000), ValueError, "f_high"),
        (lambda: synth.rain(sr=SR, duration=1.0, density=0), ValueError, "density"),
        (lambda: synth.door_knock(sr=SR, duration=1.0, n_knocks=0), ValueError, "n_knocks"),
        (lambda: synth.clock_ticks(sr=SR, duration=1.0, rate=-1), ValueError, "rate"),
        (lambda: synth.engine_hum(sr=SR, duration=1.0, rpm=0), ValueError, "rpm"),
        (lambda: synth.background_noise("rain", sr=SR, duration=1.0, amplitude=2.0), ValueError, "amplitude"),
        (lambda: synth.background_noise(3, sr=SR, duration=1.0), TypeError, "kind"),
    ],
)
def test_argument_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
