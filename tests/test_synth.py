"""course_lib.synth: determinism, levels, and the physics each generator promises."""

import time

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


# every generator, called with small arguments: (name, callable(seed) -> y, expected length)
GENERATORS = [
    ("sine", lambda s: synth.sine(440, 0.5, SR), 8000),
    ("sawtooth", lambda s: synth.sawtooth(220, 0.5, SR), 8000),
    ("sawtooth_naive", lambda s: synth.sawtooth(220, 0.5, SR, band_limited=False), 8000),
    ("square", lambda s: synth.square(220, 0.5, SR), 8000),
    ("harmonic_tone", lambda s: synth.harmonic_tone(220, 0.5, SR, vibrato_rate=5, vibrato_cents=50, glide_to=330), 8000),
    ("plucked_string", lambda s: synth.plucked_string(196, 0.5, SR, seed=s), 8000),
    ("plucked_melody", lambda s: synth.plucked_melody([60, 64, 67], 0.25, SR, seed=s), 12000),
    ("guitar_melody", lambda s: synth.guitar_melody(sr=SR, duration=0.75, seed=s), 12000),
    ("organ_note", lambda s: synth.organ_note(duration=0.5), 8000),
    ("white_noise", lambda s: synth.white_noise(0.5, SR, seed=s), 8000),
    ("pink_noise", lambda s: synth.pink_noise(0.5, SR, seed=s), 8000),
    ("brown_noise", lambda s: synth.brown_noise(0.5, SR, seed=s), 8000),
    ("chirp", lambda s: synth.chirp(100, 4000, 0.5, SR), 8000),
    ("formant_vowel", lambda s: synth.formant_vowel(120, "a", 0.5, SR, seed=s), 8000),
    ("babble", lambda s: synth.babble(0.5, SR, n_voices=3, seed=s), 8000),
    ("siren", lambda s: synth.siren(0.5, SR, kind="yelp"), 8000),
    ("engine_hum", lambda s: synth.engine_hum(0.5, SR, seed=s), 8000),
    ("rain", lambda s: synth.rain(0.5, SR, seed=s), 8000),
    ("bird_chirp", lambda s: synth.bird_chirp(0.5, SR, seed=s), 8000),
    ("bark", lambda s: synth.bark(0.5, SR, n_barks=1, seed=s), 8000),
    ("clock_ticks", lambda s: synth.clock_ticks(0.5, SR, rate=2.0, seed=s), 8000),
    ("door_knock", lambda s: synth.door_knock(0.5, SR, seed=s), 8000),
    ("mains_hum", lambda s: synth.mains_hum(0.5, SR, seed=s), 8000),
]
RANDOM = {
    "plucked_string", "plucked_melody", "guitar_melody", "white_noise", "pink_noise", "brown_noise",
    "formant_vowel", "babble", "engine_hum", "rain", "bird_chirp", "bark", "clock_ticks", "door_knock", "mains_hum",
}


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


def test_rng_argument_is_used_and_seed_none_is_random():
    a = synth.white_noise(0.1, SR, rng=np.random.default_rng(7))
    b = synth.white_noise(0.1, SR, seed=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(synth.white_noise(0.1, SR), synth.white_noise(0.1, SR))


def test_time_axis_and_length_rounding():
    t = synth.time_axis(0.001, 8000)
    np.testing.assert_allclose(t, np.arange(8) / 8000)
    assert synth.n_samples_for(5.0, 22050) == 110250
    assert synth.time_axis(1.5, 11025).size == 16538  # 16537.5 rounds half up
    assert synth.sine(100, 1.0, 16000.0).size == 16000  # an integral float sr is accepted


@pytest.mark.parametrize("freq", [440.0, 1000.0, 3170.0])
def test_sine_frequency_amplitude_and_phase(freq):
    y = synth.sine(freq, 1.0, SR, amplitude=0.5, phase=np.pi / 2)
    assert abs(_peak_hz(y, SR) - freq) < 0.5
    assert y[0] == pytest.approx(0.5)  # cos at t = 0
    assert np.max(np.abs(y)) == pytest.approx(0.5, abs=1e-4)


def test_sine_above_nyquist_aliases():
    # A 15 kHz sine sampled at 16 kHz has exactly the samples of a 1 kHz sine (phase-inverted).
    y = synth.sine(SR - 1000, 1.0, SR)
    assert abs(_peak_hz(y, SR) - 1000.0) < 0.5
    np.testing.assert_allclose(y, -synth.sine(1000, 1.0, SR), atol=1e-4)
    assert abs(_peak_hz(synth.sine(9000, 1.0, SR), SR) - 7000.0) < 0.5


def _non_harmonic_energy_ratio(y, f0, sr):
    """Fraction of the energy away from the multiples of f0 (1-s signal, integer f0: exact bins)."""
    power = np.abs(np.fft.rfft(np.asarray(y, dtype=np.float64))) ** 2
    f = np.fft.rfftfreq(len(y), 1.0 / sr)
    harmonic = np.isclose(np.mod(f, f0), 0.0) | np.isclose(np.mod(f, f0), f0)
    return power[~harmonic].sum() / power.sum()


def test_band_limited_sawtooth_does_not_alias_but_naive_does():
    f0 = 1234  # integer Hz, 1 s: every harmonic sits on an FFT bin, aliases do not
    bl = synth.sawtooth(f0, 1.0, SR, band_limited=True)
    naive = synth.sawtooth(f0, 1.0, SR, band_limited=False)
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
    ramp = synth.sawtooth(50, 0.1, SR, band_limited=False)
    smooth = synth.sawtooth(50, 0.1, SR, band_limited=True)
    assert np.corrcoef(ramp, smooth)[0, 1] > 0.99


def test_square_has_only_odd_harmonics_and_naive_aliases():
    f0 = 1000
    sq = synth.square(f0, 1.0, SR)
    power = np.abs(np.fft.rfft(sq.astype(np.float64))) ** 2
    odd = power[[1000, 3000, 5000, 7000]]
    even = power[[2000, 4000, 6000]]
    assert even.max() < 1e-8 * odd.max()
    np.testing.assert_allclose(np.sqrt(odd / odd[0]), [1, 1 / 3, 1 / 5, 1 / 7], rtol=0.02)
    assert _non_harmonic_energy_ratio(synth.square(1234, 1.0, SR, band_limited=False), 1234, SR) > 1e-3
    assert _non_harmonic_energy_ratio(synth.square(1234, 1.0, SR), 1234, SR) < 1e-6


def test_harmonic_tone_glide_track_and_measured_frequency():
    y, f0 = synth.harmonic_tone(220, 1.0, SR, harmonics=(1.0,), glide_to=440, return_f0=True, fade=0.0)
    assert f0.shape == y.shape == (SR,)
    assert f0[0] == pytest.approx(220.0)
    assert f0[-1] == pytest.approx(440.0 * 2 ** (-1 / SR))  # t = (n - 1) / sr
    assert f0[SR // 2] == pytest.approx(np.sqrt(220 * 440), rel=1e-3)  # exponential: geometric midpoint
    np.testing.assert_allclose(f0, synth.harmonic_tone_f0(220, 1.0, SR, glide_to=440))
    inst = _inst_freq(y, SR, smooth=81)[400:-400]
    np.testing.assert_allclose(inst, f0[400:-401], rtol=0.003)


def test_harmonic_tone_vibrato_depth_and_rate():
    f0 = synth.harmonic_tone_f0(300, 2.0, SR, vibrato_rate=5.0, vibrato_cents=50.0)
    dev = _cents(f0, 300.0)
    assert dev.max() == pytest.approx(50.0, abs=0.5) and dev.min() == pytest.approx(-50.0, abs=0.5)
    assert abs(_peak_hz(dev, SR, 1.0, 20.0) - 5.0) < 0.1
    y = synth.harmonic_tone(300, 2.0, SR, harmonics=(1.0,), vibrato_rate=5.0, vibrato_cents=50.0, fade=0.0)
    inst = _inst_freq(y, SR, smooth=81)[400:-400]
    assert np.max(np.abs(_cents(inst, f0[400:-401]))) < 5.0


def test_harmonic_tone_omits_harmonics_above_nyquist():
    # 3000 Hz with 4 harmonics at 16 kHz: 9000 and 12000 Hz would alias to 7000 and 4000 Hz.
    y = synth.harmonic_tone(3000, 1.0, SR, harmonics=(1.0, 0.5, 0.5, 0.5))
    f, mag = _spectrum(y, SR, n_fft=SR)
    assert mag[6000] > 0.3 * mag[3000]
    assert mag[7000] < 1e-4 * mag[3000] and mag[4000] < 1e-4 * mag[3000]


def test_adsr_shape():
    sr = 1000
    env = synth.adsr(1000, sr, attack=0.1, decay=0.2, sustain=0.5, release=0.3)
    assert env.dtype == np.float32 and env.shape == (1000,)
    assert env[0] == 0.0 and env[-1] == 0.0
    assert np.all(np.diff(env[:100]) > 0)  # attack rises
    assert env[100] == pytest.approx(1.0)  # peak at the end of the attack
    assert np.all(np.diff(env[100:300]) < 0)  # decay falls
    np.testing.assert_allclose(env[300:700], 0.5)  # sustain
    assert np.all(np.diff(env[700:]) < 0)  # release falls to 0
    assert env.min() >= 0 and env.max() <= 1
    short = synth.adsr(100, sr, 0.1, 0.1, 0.7, 0.1)  # too long: shortened in proportion
    assert short.shape == (100,) and short[-1] == 0.0 and short.max() == pytest.approx(1.0)


@pytest.mark.parametrize("f0,sr", [(82.41, 22050), (110.0, 16000), (196.0, 22050), (440.0, 22050), (659.26, 44100), (880.0, 16000)])
def test_plucked_string_pitch_within_15_cents(f0, sr):
    y = synth.plucked_string(f0, 2.0, sr, seed=3)
    measured = _peak_hz(y, sr, f0 * 2 ** (-1 / 12), f0 * 2 ** (1 / 12))
    assert abs(_cents(measured, f0)) < 15.0
    # an independent estimator agrees: librosa's YIN on the first half second
    est = librosa.yin(y[: sr // 2], fmin=f0 / 2, fmax=min(2 * f0, sr / 2 - 1), sr=sr, frame_length=4096)
    assert abs(_cents(np.median(est), f0)) < 15.0


def test_plucked_string_decays_and_brightness_matters():
    sr = 22050
    y = synth.plucked_string(220, 3.0, sr).astype(np.float64)
    rms = [np.sqrt(np.mean(y[i : i + sr // 2] ** 2)) for i in range(0, 3 * sr - sr // 2, sr // 2)]
    assert all(a > b for a, b in zip(rms, rms[1:]))
    assert synth.plucked_string(220, 3.0, sr, decay=0.999).astype(float)[-sr:].std() > y[-sr:].std()

    def centroid(z):
        return librosa.feature.spectral_centroid(y=z[: sr // 4], sr=sr).mean()

    assert centroid(synth.plucked_string(220, 1.0, sr, brightness=1.0)) > centroid(synth.plucked_string(220, 1.0, sr, brightness=0.0))


def test_plucked_string_is_fast():
    start = time.perf_counter()
    y = synth.plucked_string(110.0, 5.0, 22050)
    elapsed = time.perf_counter() - start
    print(f"plucked_string 5 s @ 22050 Hz: {elapsed * 1000:.1f} ms")
    assert y.size == 110250 and elapsed < 0.5


def test_guitar_melody_is_five_seconds_at_22050():
    y = synth.guitar_melody()
    assert y.shape == (110250,) and y.dtype == np.float32
    onsets = librosa.onset.onset_detect(y=y, sr=22050, units="time")
    assert 8 <= len(onsets) <= 16  # 0.4 s notes -> 13 plucks
    y2 = synth.plucked_melody([57, 64], [0.5, 0.7], 22050)
    assert y2.size == 26460


def test_organ_note_partials():
    f0 = 200.0
    y = synth.organ_note(f0, 1.0, SR, tremolo_depth=0.0)
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
    y = make(10.0, SR, seed=0)
    assert _slope_db_per_octave(y, SR) == pytest.approx(expected, abs=1.0)
    assert abs(float(np.mean(y))) < 0.02
    assert _slope_db_per_octave(synth.colored_noise(10.0, SR, exponent=-1.0, seed=0), SR) == pytest.approx(3.01, abs=1.0)


@pytest.mark.parametrize("method", ["linear", "exponential"])
def test_chirp_instantaneous_frequency(method):
    f_start, f_end, duration = 200.0, 4000.0, 2.0
    y = synth.chirp(f_start, f_end, duration, SR, method=method)
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


@pytest.mark.parametrize("vowel", ["a", "i", "u"])
def test_formant_vowel_spectral_envelope_peaks_at_f1_and_f2(vowel):
    f1, f2, _ = synth.VOWEL_FORMANTS[vowel]
    y = synth.formant_vowel(100.0, vowel, 1.0, SR, vibrato_cents=0.0, aspiration=0.0)
    f, mag = _spectrum(y, SR, n_fft=SR)
    harm = np.arange(100, 4000, 100)
    env = mag[harm] * np.sqrt(harm / 100.0)  # undo the source's -6 dB/octave tilt
    low = harm < (f1 + f2) / 2
    assert abs(harm[low][np.argmax(env[low])] - f1) <= 100
    high = (harm > (f1 + f2) / 2) & (harm < 2700)
    assert abs(harm[high][np.argmax(env[high])] - f2) <= 150


def test_babble_has_syllabic_modulation():
    y = synth.babble(6.0, SR, n_voices=1, seed=4).astype(np.float64)
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

    assert fraction(synth.bird_chirp(1.0, SR, seed=0), 1800, 6600) > 0.9
    assert fraction(synth.engine_hum(1.0, SR, seed=0), 0, 1000) > 0.8
    assert fraction(synth.door_knock(1.0, SR, seed=0), 0, 1000) > 0.7
    assert fraction(synth.clock_ticks(1.0, SR, f_ring=3000, seed=0), 2000, 8000) > 0.7
    assert fraction(synth.rain(1.0, SR, seed=0), 500, 8000) > 0.8
    wail = synth.siren(2.5, SR, kind="wail", f_low=600, f_high=1200, rate=0.4)
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

    ticks = onsets(synth.clock_ticks(3.0, SR, rate=2.0, onset=0.1, seed=0))
    assert len(ticks) == 6
    np.testing.assert_allclose(np.diff(ticks) / SR, 0.5, atol=0.01)
    knocks = onsets(synth.door_knock(1.0, SR, n_knocks=3, interval=0.2, onset=0.1, seed=0), 0.3)
    assert len(knocks) == 3 and abs(knocks[0] / SR - 0.1) < 0.01
    barks = onsets(synth.bark(1.5, SR, n_barks=3, interval=0.4, onset=0.1, seed=0), 0.3, refractory=0.2)
    assert len(barks) == 3


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: synth.sine(440, -1.0, SR), ValueError, "duration"),
        (lambda: synth.sine(440, 0.0, SR), ValueError, "duration"),
        (lambda: synth.sine(440, 1.0, 0), ValueError, "sr"),
        (lambda: synth.sine(440, 1.0, 100.5), ValueError, "sr"),
        (lambda: synth.sine(440, 1.0, "16000"), TypeError, "sr"),
        (lambda: synth.sine(np.nan, 1.0, SR), ValueError, "freq"),
        (lambda: synth.sine(-5.0, 1.0, SR), ValueError, "freq"),
        (lambda: synth.sine(440, 1.0, SR, amplitude=1.5), ValueError, "amplitude"),
        (lambda: synth.time_axis(np.inf, SR), ValueError, "duration"),
        (lambda: synth.sawtooth(0.0, 1.0, SR), ValueError, "freq"),
        (lambda: synth.harmonic_tone(0.0, 1.0, SR), ValueError, "f0"),
        (lambda: synth.harmonic_tone(220, 1.0, SR, glide_to=-1), ValueError, "glide_to"),
        (lambda: synth.harmonic_tone(220, 1.0, SR, harmonics=()), ValueError, "harmonics"),
        (lambda: synth.harmonic_tone(220, 1.0, SR, vibrato_cents=-3), ValueError, "vibrato_cents"),
        (lambda: synth.adsr(100, SR, 0.1, 0.1, 1.5, 0.1), ValueError, "sustain"),
        (lambda: synth.adsr(100, SR, -0.1, 0.1, 0.5, 0.1), ValueError, "attack"),
        (lambda: synth.adsr(0, SR, 0.1, 0.1, 0.5, 0.1), ValueError, "n_samples"),
        (lambda: synth.plucked_string(220, 1.0, SR, decay=1.5), ValueError, "decay"),
        (lambda: synth.plucked_string(5000, 1.0, SR), ValueError, "f0"),
        (lambda: synth.plucked_string(220, 1.0, SR, seed=1.5), TypeError, "seed"),
        (lambda: synth.plucked_melody([60, 62], [0.5], SR), ValueError, "durations"),
        (lambda: synth.white_noise(1.0, SR, rng="x"), TypeError, "rng"),
        (lambda: synth.chirp(0.0, 1000, 1.0, SR), ValueError, "exponential"),
        (lambda: synth.chirp(100, 1000, 1.0, SR, method="cubic"), ValueError, "method"),
        (lambda: synth.formant_vowel(120, "y", 1.0, SR), ValueError, "formants"),
        (lambda: synth.babble(1.0, SR, n_voices=0), ValueError, "n_voices"),
        (lambda: synth.siren(1.0, SR, kind="whoop"), ValueError, "kind"),
        (lambda: synth.siren(1.0, SR, f_low=1000, f_high=500), ValueError, "f_high"),
        (lambda: synth.bird_chirp(1.0, 8000, f_high=6000), ValueError, "f_high"),
        (lambda: synth.rain(1.0, SR, density=0), ValueError, "density"),
        (lambda: synth.door_knock(1.0, SR, n_knocks=0), ValueError, "n_knocks"),
        (lambda: synth.clock_ticks(1.0, SR, rate=-1), ValueError, "rate"),
        (lambda: synth.engine_hum(1.0, SR, rpm=0), ValueError, "rpm"),
    ],
)
def test_argument_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
