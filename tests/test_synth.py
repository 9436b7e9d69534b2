"""course_lib.synth: determinism, levels, and the physics each generator promises."""

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


# every generator, called with small arguments: (name, callable() -> y, expected length)
GENERATORS = [
    ("sine", lambda: synth.sine(440, sr=SR, duration=0.5), 8000),
    ("sawtooth", lambda: synth.sawtooth(220, sr=SR, duration=0.5), 8000),
    ("sawtooth_naive", lambda: synth.sawtooth(220, sr=SR, duration=0.5, band_limited=False), 8000),
    ("harmonic_tone", lambda: synth.harmonic_tone(220, sr=SR, duration=0.5, vibrato_rate=5, vibrato_cents=50, glide_to=330), 8000),
    ("chirp", lambda: synth.chirp(100, 4000, sr=SR, duration=0.5), 8000),
]


@pytest.mark.parametrize("name,make,n", GENERATORS, ids=[g[0] for g in GENERATORS])
def test_dtype_length_range_and_determinism(name, make, n):
    y = make()
    assert y.dtype == np.float32 and y.ndim == 1 and y.shape == (n,)
    assert np.all(np.isfinite(y))
    assert np.max(np.abs(y)) <= 1.0
    assert np.max(np.abs(y)) > 0.05  # not silent
    np.testing.assert_array_equal(make(), y)  # same arguments, same samples


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
        synth.harmonic_tone(196, SR, 1.0)


def test_sr_and_duration_are_keyword_only():
    with pytest.raises(TypeError):
        synth.sine(440.0, 0.5, SR)  # sine(freq, *, sr, duration): no positional duration or rate
    with pytest.raises(TypeError):
        synth.chirp(100.0, 1000.0, 0.5, SR)


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
    assert synth.fade(np.ones(10), 1000, fade_in=0.0).tolist() == [1.0] * 10
    assert synth.fade([1, 1, 1, 1], 1000, fade_in=0.002).dtype == np.float64
    with pytest.raises(ValueError, match="fade_in"):
        synth.fade(y, 1000, fade_in=-0.1)
    with pytest.raises(ValueError, match="1-D"):
        synth.fade(np.ones((10, 2)), 1000)


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
        (lambda: synth.chirp(0.0, 1000, sr=SR, duration=1.0), ValueError, "exponential"),
        (lambda: synth.chirp(100, 1000, sr=SR, duration=1.0, method="cubic"), ValueError, "method"),
    ],
)
def test_argument_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
