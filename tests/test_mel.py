"""course_lib.mel against librosa, for both mel scales."""

import librosa
import numpy as np
import pytest

from course_lib import mel


@pytest.mark.parametrize("htk", [False, True])
def test_mel_scale_matches_librosa_and_inverts(htk):
    f = np.array([0.0, 60, 100, 440, 999, 1000, 1001, 4000, 8000, 22050])
    np.testing.assert_allclose(mel.hz_to_mel(f, htk=htk), librosa.hz_to_mel(f, htk=htk), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(mel.mel_to_hz(mel.hz_to_mel(f, htk=htk), htk=htk), f, rtol=1e-9, atol=1e-9)


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
    ours = mel.mel_filterbank(sr, n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    ref = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    assert ours.shape == ref.shape == (n_mels, 1 + n_fft // 2)
    np.testing.assert_allclose(ours, ref, atol=1e-7, rtol=1e-5)


def test_slaney_norm_gives_equal_area_bands():
    fb = mel.mel_filterbank(16000, 4096, n_mels=20, fmin=100, fmax=7000, norm="slaney")
    df = 16000 / 4096
    areas = fb.sum(axis=1) * df
    np.testing.assert_allclose(areas, 1.0, rtol=0.05)


def test_filterbank_errors():
    with pytest.raises(ValueError, match="Nyquist"):
        mel.mel_filterbank(16000, 512, fmax=9000)
    with pytest.raises(ValueError, match="norm"):
        mel.mel_filterbank(16000, 512, norm="l3")
    with pytest.raises(ValueError, match="fmin"):
        mel.mel_frequencies(10, fmin=500, fmax=100)
    with pytest.raises(ValueError, match="non-negative"):
        mel.hz_to_mel(-5.0)


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
