"""Tests for course_lib.audio: file reading at every supported bit depth, bad input, helpers."""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
import pytest
import scipy.io.wavfile
import soundfile as sf
from hypothesis import given, settings, strategies as st

from course_lib import audio
from course_lib.audio import AudioError

SETTINGS = settings(max_examples=25, deadline=None)
RATES = [8000, 16000, 22050, 44100, 48000]

# (format, subtype, bits) for lossless integer subtypes; codes are written as integers
# with soundfile so the expected float value is exactly code / 2**(bits-1).
INT_SUBTYPES = [
    ("WAV", "PCM_U8", 8),
    ("WAV", "PCM_16", 16),
    ("WAV", "PCM_24", 24),
    ("WAV", "PCM_32", 32),
    ("FLAC", "PCM_16", 16),
    ("FLAC", "PCM_24", 24),
]
EXT = {"WAV": ".wav", "FLAC": ".flac", "OGG": ".ogg"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("audio")


def _sine(f0, sr, n_samples, amplitude=1.0, channels=None):
    t = np.arange(n_samples) / sr
    y = amplitude * np.sin(2 * np.pi * f0 * t)
    if channels is None:
        return y
    return np.stack([y * (1 - 0.1 * c) for c in range(channels)], axis=1)


def _dominant_frequency(y, sr):
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return np.fft.rfftfreq(len(y), 1 / sr)[np.argmax(spectrum)]


def _check_loaded(y, n_samples, n_channels, mono):
    assert y.dtype == np.float32
    if mono:
        assert y.shape == (n_samples,)
    else:
        assert y.shape == (n_samples, n_channels)
    assert np.all(np.isfinite(y))
    assert np.max(np.abs(y)) <= 1.0


# --------------------------------------------------------------------------- round trips


@SETTINGS
@given(
    kind=st.sampled_from(INT_SUBTYPES),
    sr=st.sampled_from(RATES),
    n_channels=st.integers(1, 4),
    n_samples=st.integers(1, 600),
    seed=st.integers(0, 2**32 - 1),
    mono=st.booleans(),
)
def test_integer_pcm_round_trip_is_exact(workdir, kind, sr, n_channels, n_samples, seed, mono):
    fmt, subtype, bits = kind
    rng = np.random.default_rng(seed)
    # int16 storage for <= 16 bits, int32 for 24/32 bits; low bits that the subtype
    # cannot store are zero so the file holds exactly these codes.
    if bits <= 16:
        shift = 16 - bits
        codes = rng.integers(-(2**15), 2**15, size=(n_samples, n_channels))
        codes = ((codes >> shift) << shift).astype(np.int16)
        full_scale = 2.0**15
    else:
        shift = 32 - bits
        codes = rng.integers(-(2**31), 2**31, size=(n_samples, n_channels), dtype=np.int64)
        codes = ((codes >> shift) << shift).astype(np.int32)
        full_scale = 2.0**31
    codes[0, 0] = codes.dtype.type(np.iinfo(codes.dtype).min)  # full-scale negative sample
    path = workdir / f"int_{subtype}{EXT[fmt]}"
    sf.write(path, codes, sr, subtype=subtype, format=fmt)

    y, sr_out = audio.load(path, mono=mono)
    assert sr_out == sr
    _check_loaded(y, n_samples, n_channels, mono)
    expected = codes.astype(np.float64) / full_scale
    if mono:
        expected = expected.mean(axis=1)
    step = 2.0 ** -(bits - 1)  # quantization step of this bit depth
    error = np.max(np.abs(y.astype(np.float64) - expected))
    # Exact up to float32 rounding (half an ulp, at most 2**-25 below 1.0). float32
    # has a 24-bit significand, so up to 24-bit PCM is exact and only 32-bit PCM
    # loses its lowest bits in float32.
    assert error <= 2.0**-25
    if bits <= 24:
        assert error < step
        if not mono:
            np.testing.assert_array_equal(y, expected.astype(np.float32))
    if not mono:
        assert y[0, 0] == -1.0


@SETTINGS
@given(
    kind=st.sampled_from(INT_SUBTYPES + [("WAV", "FLOAT", 24), ("WAV", "DOUBLE", 53)]),
    sr=st.sampled_from(RATES),
    n_channels=st.integers(1, 4),
    n_samples=st.integers(1, 600),
    seed=st.integers(0, 2**32 - 1),
)
def test_float_write_round_trip_within_quantization(
    workdir, kind, sr, n_channels, n_samples, seed
):
    fmt, subtype, bits = kind
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n_samples, n_channels))
    path = workdir / f"float_{subtype}{EXT[fmt]}"
    sf.write(path, x, sr, subtype=subtype, format=fmt)

    y, sr_out = audio.load(str(path), mono=False)
    assert sr_out == sr
    _check_loaded(y, n_samples, n_channels, mono=False)
    error = np.abs(y.astype(np.float64) - x)
    if subtype in ("FLOAT", "DOUBLE"):
        # Only float32 rounding (load returns float32).
        assert np.all(error <= np.abs(x) * 2.0**-24 + 1e-12)
    else:
        step = 2.0 ** -(bits - 1)
        # Writing quantizes to the grid k * step (libsndfile rounds for some subtypes
        # and truncates for others, e.g. PCM_U8): the error is below one step, plus
        # float32 rounding on load (only matters for 32-bit PCM).
        assert np.all(error < step + np.abs(x) * 2.0**-24)
        # The loaded values lie on that grid.
        if bits <= 24:
            codes = y.astype(np.float64) / step
            np.testing.assert_array_equal(codes, np.round(codes))


@SETTINGS
@given(
    sr=st.sampled_from(RATES),
    n_channels=st.integers(1, 4),
    f0=st.floats(200, 1000),
)
def test_ogg_vorbis_round_trip(workdir, sr, n_channels, f0):
    n_samples = sr // 4
    x = _sine(f0, sr, n_samples, amplitude=0.5, channels=n_channels)
    path = workdir / "sine.ogg"
    sf.write(path, x, sr, subtype="VORBIS")
    y, sr_out = audio.load(path, mono=False)
    assert sr_out == sr
    _check_loaded(y, n_samples, n_channels, mono=False)
    for c in range(n_channels):
        assert np.corrcoef(y[:, c], x[:, c])[0, 1] > 0.9
    y_mono, _ = audio.load(path)
    _check_loaded(y_mono, n_samples, n_channels, mono=True)


# --------------------------------------------------------------------------- bit depths


def test_24_bit_scipy_is_left_aligned_and_pcm_to_float_fixes_it(tmp_path):
    sr = 16000
    x = _sine(440, sr, 1600, amplitude=0.8)
    path = tmp_path / "s24.wav"
    sf.write(path, x, sr, subtype="PCM_24")

    rate, raw = scipy.io.wavfile.read(path)
    assert rate == sr
    assert raw.dtype == np.int32
    assert np.all(raw % 256 == 0)  # 24-bit codes shifted left by 8 bits
    assert np.max(np.abs(raw)) > 2**30

    wrong = raw / (2**15 - 1)  # the int16 rule applied to 24-bit data
    assert 0.8 * 65536 * 0.99 < np.max(np.abs(wrong)) < 0.8 * 65536 * 1.01
    assert np.max(np.abs(wrong)) / np.max(np.abs(x)) == pytest.approx(2**31 / (2**15 - 1), rel=1e-3)

    right = audio.pcm_to_float(raw)
    y, _ = audio.load(path)
    assert right.dtype == np.float32
    np.testing.assert_array_equal(right, y)
    np.testing.assert_allclose(right, x, atol=2.0**-23)


def test_8_bit_unsigned_matches_load(tmp_path):
    sr = 8000
    x = _sine(300, sr, 800, amplitude=0.9)
    path = tmp_path / "u8.wav"
    sf.write(path, x, sr, subtype="PCM_U8")
    _, raw = scipy.io.wavfile.read(path)
    assert raw.dtype == np.uint8
    converted = audio.pcm_to_float(raw)
    y, _ = audio.load(path)
    np.testing.assert_array_equal(converted, y)
    np.testing.assert_allclose(y, x, atol=1.5 / 128)


def test_16_bit_scipy_matches_load(tmp_path):
    sr = 8000
    x = _sine(300, sr, 800, amplitude=0.9)
    path = tmp_path / "s16.wav"
    sf.write(path, x, sr, subtype="PCM_16")
    _, raw = scipy.io.wavfile.read(path)
    assert raw.dtype == np.int16
    np.testing.assert_array_equal(audio.pcm_to_float(raw), audio.load(path)[0])


# --------------------------------------------------------------------------- mono and resampling


def test_mono_averages_channels_and_mono_false_is_always_2d(tmp_path):
    sr = 8000
    left = _sine(200, sr, 1000, amplitude=0.5)
    right = _sine(500, sr, 1000, amplitude=0.25)
    path = tmp_path / "stereo.wav"
    sf.write(path, np.stack([left, right], axis=1), sr, subtype="FLOAT")
    y, _ = audio.load(path)
    assert y.shape == (1000,)
    np.testing.assert_allclose(y, (left + right) / 2, atol=1e-6)
    y2, _ = audio.load(path, mono=False)
    assert y2.shape == (1000, 2)
    np.testing.assert_allclose(y2[:, 1], right, atol=1e-6)

    mono_path = tmp_path / "mono.wav"
    sf.write(mono_path, left, sr, subtype="FLOAT")
    assert audio.load(mono_path, mono=False)[0].shape == (1000, 1)
    assert audio.load(mono_path)[0].shape == (1000,)


@pytest.mark.parametrize("mono", [True, False])
def test_load_resamples_and_keeps_frequency(tmp_path, mono):
    sr = 44100
    x = _sine(440, sr, sr, amplitude=0.9, channels=2)
    path = tmp_path / "a440.wav"
    sf.write(path, x, sr, subtype="PCM_16")
    y, sr_out = audio.load(path, sr=16000, mono=mono)
    assert sr_out == 16000
    assert y.dtype == np.float32
    assert y.shape[0] == math.ceil(sr * 16000 / 44100) == 16000
    assert y.ndim == (1 if mono else 2)
    assert np.max(np.abs(y)) <= 1.0
    first = y if mono else y[:, 0]
    assert abs(_dominant_frequency(first, 16000) - 440) <= 1.0
    # Same sr as the file: no resampling, identical to sr=None.
    np.testing.assert_array_equal(audio.load(path, sr=44100)[0], audio.load(path)[0])


def test_load_clips_resampling_overshoot_to_unit_range(tmp_path):
    sr = 16000
    x = np.zeros(400)
    x[::2] = 1.0  # full-scale square wave at Nyquist: resampling rings past 1
    x[1::2] = -1.0
    x[200:] = 1.0
    path = tmp_path / "edge.wav"
    sf.write(path, x, sr, subtype="FLOAT")
    assert np.max(np.abs(audio.resample(x, sr, 44100))) > 1.0
    y, _ = audio.load(path, sr=44100)
    assert np.max(np.abs(y)) <= 1.0


def test_lossy_decoder_overshoot_is_clipped_but_float_wav_overshoot_is_refused(tmp_path):
    # A full-scale square wave through Ogg Vorbis decodes past full scale (the codec's Gibbs
    # ringing), as real ESC-10 clips do (peak 1.004): load clips it, and only for lossy files.
    sr = 44100
    t = np.arange(sr // 2) / sr
    x = np.sign(np.sin(2 * np.pi * 441 * t)) * 0.999
    path = tmp_path / "square.ogg"
    sf.write(path, x, sr, format="OGG", subtype="VORBIS")
    raw, _ = sf.read(path, dtype="float64")
    assert np.max(np.abs(raw)) > 1.0
    y, _ = audio.load(path)
    assert np.max(np.abs(y)) <= 1.0 and np.array_equal(y, np.clip(raw, -1, 1).astype(np.float32))
    wav = tmp_path / "loud.wav"
    sf.write(wav, raw, sr, subtype="FLOAT")
    with pytest.raises(AudioError, match="exceed"):
        audio.load(wav)


# --------------------------------------------------------------------------- bad input


def _write_truncated(path):
    sf.write(path, np.zeros(100), 8000, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[:20])


def _write_no_samples(path):
    sf.write(path, np.zeros((0, 1)), 8000, subtype="PCM_16")


def _write_nan(path):
    sf.write(path, np.array([0.0, np.nan, 0.5]), 8000, subtype="FLOAT")


def _write_inf(path):
    sf.write(path, np.array([0.0, -np.inf, 0.5]), 8000, subtype="FLOAT")


def _write_too_loud(path):
    sf.write(path, np.array([0.0, 1.7, -0.5]), 8000, subtype="FLOAT")


BAD_FILES = [
    ("empty.wav", lambda p: p.write_bytes(b""), ["empty", "0 bytes"]),
    ("text.wav", lambda p: p.write_text("this is not audio, just text\n"), ["not a recognized"]),
    ("truncated.wav", _write_truncated, ["truncated"]),
    ("nosamples.wav", _write_no_samples, ["no samples"]),
    ("nan.wav", _write_nan, ["NaN"]),
    ("inf.wav", _write_inf, ["infinite"]),
    ("loud.wav", _write_too_loud, ["exceed", "peak 1.7", "normalize"]),
]


@pytest.mark.parametrize("as_path", [True, False])
@pytest.mark.parametrize("name, make, words", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_raise_audio_error_and_are_untouched(tmp_path, name, make, words, as_path):
    path = tmp_path / name
    make(path)
    before = path.read_bytes()
    given = path if as_path else str(path)
    with pytest.raises(AudioError) as info:
        audio.load(given)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message
    assert path.read_bytes() == before


def test_library_errors_are_chained(tmp_path):
    path = tmp_path / "text.wav"
    path.write_text("plain text")
    with pytest.raises(AudioError) as info:
        audio.load(path)
    assert isinstance(info.value.__cause__, (sf.LibsndfileError, RuntimeError))


def test_missing_file_and_directory(tmp_path):
    missing = tmp_path / "missing.wav"
    with pytest.raises(AudioError, match="not found") as info:
        audio.load(missing)
    assert str(missing) in str(info.value)
    assert not missing.exists()

    folder = tmp_path / "folder.wav"
    folder.mkdir()
    with pytest.raises(AudioError, match="directory") as info:
        audio.load(folder)
    assert str(folder) in str(info.value)
    assert folder.is_dir()


def test_an_integral_float_sample_rate_is_accepted(tmp_path):
    # One rule across course_lib (course_lib._checks): 16000.0 is 16000 Hz.
    path = tmp_path / "ok.wav"
    sf.write(path, np.zeros(10), 8000)
    y, sr = audio.load(path, sr=16000.0)
    assert sr == 16000 and isinstance(sr, int) and len(y) == 20


@pytest.mark.parametrize("bad_sr", [0, -16000, 22050.5, "16000", True])
def test_invalid_sr_argument(tmp_path, bad_sr):
    path = tmp_path / "ok.wav"
    sf.write(path, np.zeros(10), 8000)
    with pytest.raises(AudioError) as info:
        audio.load(path, sr=bad_sr)
    assert str(path) in str(info.value)
    assert "sr" in str(info.value)


def test_load_accepts_numpy_integer_sr(tmp_path):
    path = tmp_path / "ok.wav"
    sf.write(path, _sine(100, 8000, 800, 0.5), 8000)
    y, sr = audio.load(path, sr=np.int64(16000))
    assert sr == 16000 and isinstance(sr, int) and y.shape == (1600,)


def test_load_rejects_non_path():
    with pytest.raises(AudioError, match="path"):
        audio.load(123)


# --------------------------------------------------------------------------- save


@pytest.mark.parametrize(
    "name, subtype", [("a.wav", "PCM_16"), ("a.wav", "PCM_24"), ("a.wav", "FLOAT"),
                      ("a.flac", "PCM_16"), ("a.ogg", "VORBIS")]
)
def test_save_then_load(tmp_path, name, subtype):
    x = _sine(440, 16000, 1600, amplitude=0.5, channels=2).astype(np.float32)
    path = tmp_path / name
    audio.save(path, x, 16000, subtype=subtype)
    assert sf.info(path).subtype == subtype
    y, sr = audio.load(path, mono=False)
    assert sr == 16000 and y.shape == x.shape
    if subtype == "VORBIS":
        assert np.corrcoef(x[:, 0], y[:, 0])[0, 1] > 0.9
    else:
        np.testing.assert_allclose(y, x, atol=2.0**-14)


def test_save_float_subtype_keeps_values_above_one(tmp_path):
    path = tmp_path / "loud.wav"
    audio.save(path, np.array([0.0, 1.5]), 8000, subtype="FLOAT")
    data, _ = sf.read(path)
    np.testing.assert_allclose(data, [0.0, 1.5])


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(name="x.wav", y=np.array([0.0, 1.2]), sr=8000), ["exceed", "1.2"]),
        (dict(name="x.wav", y=np.array([0.0, np.nan]), sr=8000), ["NaN"]),
        (dict(name="x.wav", y=np.zeros((2, 2, 2)), sr=8000), ["shape"]),
        (dict(name="x.wav", y=np.zeros(0), sr=8000), ["empty"]),
        (dict(name="x.wav", y=np.zeros(10), sr=0), ["sr"]),
        (dict(name="x.wav", y=np.zeros(10), sr=8000.5), ["sr"]),
        (dict(name="x.wav", y=np.zeros(10, dtype=np.int16), sr=8000), ["int16", "pcm_to_float"]),
        (dict(name="x.wav", y=np.zeros((2, 8000)), sr=8000), ["y.T"]),
        (dict(name="x.mp4", y=np.zeros(10), sr=8000), ["extension"]),
        (dict(name="x.ogg", y=np.zeros(10), sr=8000), ["VORBIS"]),
        (dict(name="x.wav", y=np.zeros(10), sr=8000, subtype="NOPE"), ["NOPE"]),
    ],
)
def test_save_validation(tmp_path, kwargs, words):
    kwargs = dict(kwargs)
    path = tmp_path / kwargs.pop("name")
    with pytest.raises(ValueError) as info:
        audio.save(path, **kwargs)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message
    assert not path.exists()


# --------------------------------------------------------------------------- helpers


@SETTINGS
@given(
    orig_sr=st.sampled_from(RATES),
    target_sr=st.sampled_from(RATES),
    n_samples=st.integers(0, 3000),
    n_channels=st.sampled_from([None, 1, 2, 3]),
)
def test_resample_length_dtype_shape(orig_sr, target_sr, n_samples, n_channels):
    shape = (n_samples,) if n_channels is None else (n_samples, n_channels)
    y = np.random.default_rng(0).uniform(-0.5, 0.5, size=shape)
    out = audio.resample(y, orig_sr, target_sr)
    assert out.dtype == np.float32
    expected_len = math.ceil(n_samples * target_sr / orig_sr)
    assert out.shape == (expected_len,) + shape[1:]
    if orig_sr == target_sr:
        np.testing.assert_array_equal(out, y.astype(np.float32))


def test_resample_keeps_frequency_and_removes_aliases():
    sr = 48000
    # 1 kHz (kept) + 7 kHz (above the 4 kHz Nyquist of 8000 Hz: must be filtered out).
    y = _sine(1000, sr, sr, 0.4) + _sine(7000, sr, sr, 0.4)
    out = audio.resample(y, sr, 8000)
    assert _dominant_frequency(out, 8000) == pytest.approx(1000, abs=1)
    # Naive decimation y[::6] folds 7 kHz onto 1 kHz (here, in antiphase: it cancels
    # the real 1 kHz tone); the band-limited result is the clean 1 kHz sine.
    naive = y[::6]
    assert rms_ratio(out, _sine(1000, 8000, 8000, 0.4)) < 0.05
    assert rms_ratio(naive, _sine(1000, 8000, 8000, 0.4)) > 0.5
    # Stereo along axis 0 gives the same result per channel.
    stereo = audio.resample(np.stack([y, y], axis=1), sr, 8000)
    np.testing.assert_allclose(stereo[:, 1], out, atol=1e-6)


def rms_ratio(a, b):
    """RMS of a - b relative to RMS of b, over the middle (no filter edge effects)."""
    mid = slice(len(b) // 10, -len(b) // 10)
    return np.sqrt(np.mean((a[mid] - b[mid]) ** 2) / np.mean(b[mid] ** 2))


@pytest.mark.parametrize("bad, error", [((0, 8000), ValueError), ((8000, -1), ValueError),
                                        ((8000.5, 16000), ValueError), ((8000, True), TypeError),
                                        ((8000, "16k"), TypeError)])
def test_resample_rejects_bad_rates(bad, error):
    with pytest.raises(error, match="sr"):
        audio.resample(np.zeros(10), *bad)


def test_resample_rejects_bad_arrays():
    with pytest.raises(ValueError, match="shape"):
        audio.resample(np.zeros((2, 2, 2)), 8000, 16000)
    with pytest.raises(ValueError, match="NaN"):
        audio.resample(np.array([0.0, np.nan]), 8000, 16000)


def test_to_mono():
    y = np.array([[1.0, 0.0, -0.5], [0.5, 0.5, 0.5]])
    out = audio.to_mono(y)
    assert out.dtype == np.float32 and out.shape == (2,)
    np.testing.assert_allclose(out, [1 / 6, 0.5])
    mono = np.array([0.25, -0.25], dtype=np.float64)
    out1 = audio.to_mono(mono)
    assert out1.dtype == np.float32
    np.testing.assert_array_equal(out1, mono)
    with pytest.raises(ValueError, match="shape"):
        audio.to_mono(np.zeros((2, 2, 2)))


def test_pcm_to_float_scaling():
    np.testing.assert_array_equal(
        audio.pcm_to_float(np.array([0, 128, 255], dtype=np.uint8)), [-1.0, 0.0, 127 / 128]
    )
    np.testing.assert_array_equal(
        audio.pcm_to_float(np.array([-32768, 0, 16384], dtype=np.int16)), [-1.0, 0.0, 0.5]
    )
    np.testing.assert_array_equal(
        audio.pcm_to_float(np.array([-(2**31), 0, 2**30], dtype=np.int32)), [-1.0, 0.0, 0.5]
    )
    out = audio.pcm_to_float(np.array([[0.25, -0.5]], dtype=np.float64))
    assert out.dtype == np.float32 and out.shape == (1, 2)
    np.testing.assert_array_equal(out, [[0.25, -0.5]])
    for dtype in [np.int8, np.int64, np.uint16, np.bool_, np.complex64]:
        with pytest.raises(TypeError, match="dtype"):
            audio.pcm_to_float(np.zeros(3, dtype=dtype))
    for dtype in [np.uint8, np.int16, np.int32]:
        info = np.iinfo(dtype)
        out = audio.pcm_to_float(np.array([info.min, info.max], dtype=dtype))
        assert out.dtype == np.float32
        # Largest code is 1 - 2**-(bits-1); for int32 that rounds to 1.0 in float32.
        assert out[0] == -1.0 and 0.99 < out[1] <= 1.0
        assert out[1] == np.float32(info.max / -float(info.min) if dtype != np.uint8 else 127 / 128)


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    peak=st.floats(0.01, 1.0),
    scale=st.floats(1e-3, 10.0),
)
def test_peak_normalize(seed, peak, scale):
    y = np.random.default_rng(seed).uniform(-1, 1, size=(200, 2)) * scale
    y[0, 0] = 0.9 * scale  # so that some samples are clearly nonzero
    out = audio.peak_normalize(y, peak=peak)
    assert out.dtype == np.float32 and out.shape == y.shape
    assert np.max(np.abs(out)) == pytest.approx(peak, rel=1e-6)
    # A single gain for every sample: shape of the waveform preserved.
    big = np.abs(y) > 0.1 * scale
    ratio = out[big] / y[big]
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-5)


def test_peak_normalize_silence_and_errors():
    silent = np.zeros(100)
    out = audio.peak_normalize(silent)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, silent)
    for bad in [0, -1.0, float("nan"), float("inf")]:
        with pytest.raises(ValueError, match="peak"):
            audio.peak_normalize(np.ones(3), peak=bad)
    for bad in ["1", True, None]:
        with pytest.raises(TypeError, match="peak"):
            audio.peak_normalize(np.ones(3), peak=bad)
    with pytest.raises(ValueError, match="NaN"):
        audio.peak_normalize(np.array([np.nan, 1.0]))


def test_rms_db():
    """dBFS by AES17: a full-scale sine reads 0 dBFS, a full-scale square wave +3.01 dBFS."""
    sr = 48000
    assert audio.rms_db(_sine(1000, sr, sr)) == pytest.approx(0.0, abs=1e-3)
    assert audio.rms_db(_sine(1000, sr, sr, amplitude=0.5)) == pytest.approx(-6.0206, abs=1e-3)
    # a sine's level equals its peak level 20*log10(amplitude), whatever the amplitude
    assert audio.rms_db(_sine(440, sr, sr, amplitude=10 ** (-30 / 20))) == pytest.approx(-30.0, abs=1e-3)
    square = np.sign(_sine(1000, sr, sr))
    square[square == 0] = 1.0
    assert audio.rms_db(square) == pytest.approx(3.0103, abs=1e-3)
    assert audio.rms_db(np.ones(10)) == pytest.approx(20 * np.log10(np.sqrt(2)))
    assert audio.rms_db(np.full((10, 2), 0.1)) == pytest.approx(-20.0 + 3.0103, abs=1e-4)
    assert audio.rms_db(np.zeros(10)) == -math.inf
    with pytest.raises(ValueError, match="empty"):
        audio.rms_db(np.zeros(0))
    # librosa's RMS over one frame agrees, 3.01 dB (a factor sqrt(2)) below the AES17 level.
    librosa = pytest.importorskip("librosa")
    y = np.random.default_rng(1).uniform(-0.3, 0.3, 2048)
    rms = librosa.feature.rms(y=y, frame_length=2048, hop_length=2048, center=False)[0, 0]
    assert audio.rms_db(y) == pytest.approx(20 * np.log10(np.sqrt(2) * rms), abs=1e-4)


def test_play_returns_audio_widget():
    from IPython.display import Audio

    sr = 8000
    y = _sine(440, sr, 800, amplitude=0.5)
    player = audio.play(y, sr)
    assert isinstance(player, Audio)
    assert player.data[:4] == b"RIFF"
    # Unnormalized: the WAV holds the quiet sine as it is (peak ~ 0.5 * 32767).
    rate, pcm = scipy.io.wavfile.read(io.BytesIO(player.data))
    assert rate == sr and pcm.ndim == 1
    assert abs(np.max(np.abs(pcm)) - 0.5 * 32767) < 2
    loud = audio.play(y, sr, normalize=True)
    _, pcm_loud = scipy.io.wavfile.read(io.BytesIO(loud.data))
    assert np.max(np.abs(pcm_loud)) > 32000

    stereo = np.stack([y, 0.5 * y], axis=1)
    _, pcm2 = scipy.io.wavfile.read(io.BytesIO(audio.play(stereo, sr).data))
    assert pcm2.shape == (800, 2)  # (n_samples, n_channels) kept, not transposed wrongly

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # IPython alone divides 0 / 0 here
        silent = audio.play(np.zeros(100), sr, normalize=True)
    _, pcm0 = scipy.io.wavfile.read(io.BytesIO(silent.data))
    assert np.all(pcm0 == 0)


def test_play_errors():
    with pytest.raises(ValueError, match=r"exceed \[-1, 1\].*normalize=True"):
        audio.play(np.array([0.0, 1.5]), 8000)
    assert audio.play(np.array([0.0, 1.5]), 8000, normalize=True) is not None
    with pytest.raises(ValueError, match="sr"):
        audio.play(np.zeros(10), 0)
    with pytest.raises(ValueError, match="NaN"):
        audio.play(np.array([0.0, np.nan]), 8000)
    with pytest.raises(ValueError, match="empty"):
        audio.play(np.zeros(0), 8000)
