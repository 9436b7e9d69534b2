"""course_lib.mel against librosa, for both mel scales."""

import librosa
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import mel

HZ = st.floats(min_value=0.0, max_value=1e5, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("htk", [False, True])
def test_mel_scale_matches_librosa_and_inverts(htk):
    f = np.array([0.0, 60, 100, 440, 999, 1000, 1001, 4000, 8000, 22050])
    np.testing.assert_allclose(mel.hz_to_mel(f, htk=htk), librosa.hz_to_mel(f, htk=htk), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(mel.mel_to_hz(mel.hz_to_mel(f, htk=htk), htk=htk), f, rtol=1e-9, atol=1e-9)


@given(f=HZ, htk=st.booleans())
def test_hz_to_mel_round_trips(f, htk):
    m = mel.hz_to_mel(f, htk=htk)
    assert isinstance(m, float)
    assert mel.mel_to_hz(m, htk=htk) == pytest.approx(f, rel=1e-9, abs=1e-9)


@given(a=HZ, b=HZ, htk=st.booleans())
def test_both_mel_scales_increase_with_frequency(a, b, htk):
    lo, hi = sorted((a, b))
    m_lo, m_hi = mel.hz_to_mel(lo, htk=htk), mel.hz_to_mel(hi, htk=htk)
    assert m_lo <= m_hi
    if hi - lo > 1e-6 * max(hi, 1.0):
        assert m_lo < m_hi


@given(m=st.floats(min_value=0.0, max_value=4000.0, allow_nan=False), htk=st.booleans())
def test_mel_to_hz_round_trips(m, htk):
    assert mel.hz_to_mel(mel.mel_to_hz(m, htk=htk), htk=htk) == pytest.approx(m, rel=1e-9, abs=1e-9)


def test_landmarks_of_both_scales():
    assert mel.hz_to_mel(1000.0) == pytest.approx(15.0)  # Slaney: 200/3 Hz per mel below 1 kHz
    assert mel.hz_to_mel(1000.0, htk=True) == pytest.approx(999.99, abs=0.01)
    assert isinstance(mel.hz_to_mel(440.0), float)


def test_mel_frequencies_match_librosa():
    for htk in (False, True):
        np.testing.assert_allclose(
            mel.mel_frequencies(66, 125, 7500, htk=htk), librosa.mel_frequencies(66, fmin=125, fmax=7500, htk=htk), rtol=1e-9
        )


@pytest.mark.parametrize(
    "sr,n_fft,n_mels,fmin,fmax,htk,norm",
    [
        (22050, 2048, 64, 0.0, 4000.0, False, "slaney"),  # the talk's parameters
        (22050, 2048, 128, 0.0, None, False, "slaney"),
        (16000, 512, 64, 125.0, 7500.0, True, None),
        (16000, 512, 40, 0.0, 8000.0, True, "slaney"),
        (44100, 4096, 96, 20.0, 20000.0, False, None),
    ],
)
def test_filterbank_matches_librosa(sr, n_fft, n_mels, fmin, fmax, htk, norm):
    ours = mel.mel_filterbank(sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    ref = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    assert ours.shape == ref.shape == (n_mels, 1 + n_fft // 2)
    np.testing.assert_allclose(ours, ref, atol=1e-7, rtol=1e-5)


def test_slaney_norm_gives_equal_area_bands():
    fb = mel.mel_filterbank(16000, n_fft=4096, n_mels=20, fmin=100, fmax=7000, norm="slaney")
    df = 16000 / 4096
    areas = fb.sum(axis=1) * df
    np.testing.assert_allclose(areas, 1.0, rtol=0.05)


def test_filterbank_errors():
    with pytest.raises(ValueError, match="Nyquist"):
        mel.mel_filterbank(16000, n_fft=512, fmax=9000)
    with pytest.raises(ValueError, match="norm"):
        mel.mel_filterbank(16000, n_fft=512, norm="l3")
    with pytest.raises(ValueError, match="sr"):
        mel.mel_filterbank(16000.5, n_fft=512)
    with pytest.raises(TypeError, match="n_mels"):
        mel.mel_filterbank(16000, n_fft=512, n_mels=40.0)
    with pytest.raises(ValueError, match="fmin"):
        mel.mel_frequencies(10, fmin=500, fmax=100)
    with pytest.raises(ValueError, match="non-negative"):
        mel.hz_to_mel(-5.0)
    with pytest.raises(TypeError, match="frequencies"):
        mel.hz_to_mel("440 Hz")
    with pytest.raises(ValueError, match="finite"):
        mel.mel_to_hz([1.0, np.inf])


@pytest.mark.parametrize("n_mels,exc", [(2.5, TypeError), ("64", TypeError), (True, TypeError), (0, ValueError)])
def test_mel_frequencies_checks_n_mels_itself(n_mels, exc):
    with pytest.raises(exc, match="n_mels"):  # the message names the argument, not NumPy's linspace
        mel.mel_frequencies(n_mels)


def test_seed_log_mel_shape_is_64_by_216():
    sr = 22050
    y = np.random.default_rng(0).standard_normal(5 * sr).astype(np.float32) * 0.1
    M = mel.melspectrogram(y, sr, n_fft=2048, hop_length=512, n_mels=64, fmax=4000)
    assert M.shape == (64, 216)
    ref = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=2048, hop_length=512, n_mels=64, fmax=4000)
    np.testing.assert_allclose(M, ref, rtol=1e-3, atol=1e-6)
    L = mel.log_melspectrogram(y, sr, n_fft=2048, hop_length=512, n_mels=64, fmax=4000)
    assert L.max() == 0.0 and L.min() >= -80.0
    np.testing.assert_allclose(L, librosa.power_to_db(ref, ref=np.max), atol=1e-3)


def test_log_melspectrogram_of_a_batch_is_that_of_each_clip():
    rng = np.random.default_rng(1)
    clips = rng.standard_normal((3, 8000)).astype(np.float32) * np.array([[1.0], [0.01], [0.3]], dtype=np.float32)
    clips[1, :4000] = 0.0  # a clip with a long silence reaches the -top_db floor
    batch = mel.log_melspectrogram(clips, 16000, n_fft=512, hop_length=256, n_mels=40, top_db=60.0)
    assert batch.shape == (3, 40, 32)
    for i in range(3):  # each clip relative to its own maximum, floored 60 dB below it
        single = mel.log_melspectrogram(clips[i], 16000, n_fft=512, hop_length=256, n_mels=40, top_db=60.0)
        np.testing.assert_allclose(batch[i], single, atol=1e-4)
        assert batch[i].max() == pytest.approx(0.0, abs=1e-6) and batch[i].min() >= -60.0 - 1e-6
    assert batch[1].min() == pytest.approx(-60.0)
    stacked = mel.log_melspectrogram(clips.reshape(3, 1, 8000), 16000, n_fft=512, hop_length=256, n_mels=40, top_db=60.0)
    np.testing.assert_allclose(stacked[:, 0], batch, atol=1e-6)
    with pytest.raises(ValueError, match="power"):
        mel.log_melspectrogram(clips, 16000, power=1.0)
    with pytest.raises(ValueError, match="top_db"):
        mel.log_melspectrogram(clips, 16000, top_db=-3)


@pytest.mark.parametrize("sr,n_fft,n_mels,fmax", [(22050, 512, 128, 4000.0), (22050, 2048, 64, 4000.0),
                                                   (16000, 512, 128, 8000.0), (16000, 256, 96, 8000.0)])
def test_filter_bin_counts_agree_with_librosa_and_its_empty_filter_warning(sr, n_fft, n_mels, fmax):
    import warnings

    counts = mel.filter_bin_counts(sr, n_fft=n_fft, n_mels=n_mels, fmax=fmax)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmax=fmax, norm=None)
    np.testing.assert_array_equal(counts, (ref > 0).sum(axis=1))
    warned = any("Empty filters" in str(w.message) for w in caught)
    lower_edges = mel.mel_frequencies(n_mels + 2, fmax=fmax)[:-2]
    assert warned == bool(np.any((counts == 0) & (lower_edges > 0)))  # librosa skips a filter starting at 0 Hz


def test_filter_bin_counts_grow_with_n_fft_and_shrink_with_n_mels():
    thin = {(n_fft, n): int(np.sum(mel.filter_bin_counts(22050, n_fft=n_fft, n_mels=n, fmax=4000) <= 1))
            for n_fft in (512, 2048) for n in (32, 64, 128)}
    assert thin[(2048, 128)] == 0 and thin[(512, 32)] == 0
    assert 0 < thin[(512, 64)] < thin[(512, 128)]
    # a filter f[i]..f[i+2] narrower than one bin spacing cannot hold two bins
    edges = mel.mel_frequencies(130, fmax=4000)
    assert np.all(mel.filter_bin_counts(22050, n_fft=512, n_mels=128, fmax=4000)[(edges[2:] - edges[:-2]) < 22050 / 512] <= 1)


def test_erb_and_bark_landmarks():
    # Glasberg & Moore (1990): ERB(1 kHz) = 132.6 Hz, ERB-rate(1 kHz) = 15.6 Cams
    assert mel.erb_bandwidth(1000.0) == pytest.approx(132.639)
    assert mel.hz_to_erb_rate(1000.0) == pytest.approx(15.62, abs=0.01)
    # Zwicker & Terhardt: 8.5 Bark at 1 kHz, 24 Bark at 15.5 kHz, critical band ~100 Hz low down
    assert mel.hz_to_bark(1000.0) == pytest.approx(8.51, abs=0.01)
    assert mel.hz_to_bark(15500.0) == pytest.approx(24.0, abs=0.05)
    assert mel.critical_bandwidth(100.0) == pytest.approx(100.7, abs=0.1)
    f = np.geomspace(20, 16000, 50)
    for scale in (mel.hz_to_erb_rate, mel.hz_to_bark, mel.erb_bandwidth, mel.critical_bandwidth):
        assert np.all(np.diff(scale(f)) > 0)
        with pytest.raises(ValueError, match="non-negative"):
            scale(-1.0)
    # the ERB-rate is the integral of 1/ERB: its slope is 1/ERB(f) (to 0.5 %: 21.4 is 21.33 rounded)
    h = 1e-3
    np.testing.assert_allclose((mel.hz_to_erb_rate(f + h) - mel.hz_to_erb_rate(f - h)) / (2 * h),
                               1 / mel.erb_bandwidth(f), rtol=5e-3)


def test_iso226_contours():
    freqs = mel.ISO226_FREQUENCIES
    at_1k = int(np.flatnonzero(freqs == 1000)[0])
    for phon in (20, 40, 60, 80, 90):
        contour = mel.equal_loudness_contour(phon)
        assert contour.shape == (29,)
        assert contour[at_1k] == pytest.approx(phon, abs=0.1)  # a phon is a dB SPL at 1 kHz
        assert contour[0] > contour[at_1k] + 25  # 20 Hz needs far more pressure
        assert contour[np.flatnonzero(freqs == 4000)[0]] < contour[at_1k]  # most sensitive near 3-4 kHz
    # published values of ISO 226:2003 (40 phon: 99.85 dB at 20 Hz; 20 phon: 48.4 dB at 100 Hz)
    assert mel.equal_loudness_contour(40)[0] == pytest.approx(99.85, abs=0.1)
    assert mel.equal_loudness_contour(20)[7] == pytest.approx(48.4, abs=0.1)
    # louder contours are flatter: the 20 Hz to 1 kHz difference shrinks with level
    assert np.all(np.diff([mel.equal_loudness_contour(p)[0] - p for p in (20, 40, 60, 80)]) < 0)
    with pytest.raises(ValueError, match="phon"):
        mel.equal_loudness_contour(120)
    with pytest.raises(TypeError, match="phon"):
        mel.equal_loudness_contour("loud")
