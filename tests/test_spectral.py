"""course_lib.spectral against numpy and librosa."""

import librosa
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import spectral


@pytest.mark.parametrize("n", [1, 2, 7, 16, 100, 512])
def test_dft_matches_numpy_fft(n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    np.testing.assert_allclose(spectral.dft(x), np.fft.fft(x), atol=1e-9 * n)


def test_dft_zero_pads_and_crops_like_numpy():
    x = np.arange(10.0)
    np.testing.assert_allclose(spectral.dft(x, 16), np.fft.fft(x, 16), atol=1e-9)
    np.testing.assert_allclose(spectral.dft(x, 4), np.fft.fft(x, 4), atol=1e-9)


def test_dft_matrix_is_unitary_up_to_scale():
    W = spectral.dft_matrix(32)
    np.testing.assert_allclose(W @ W.conj().T, 32 * np.eye(32), atol=1e-9)


def test_sine_on_a_bin_lands_on_that_bin():
    sr, n_fft = 16000, 1600  # Δf = 10 Hz
    t = np.arange(n_fft) / sr
    X = spectral.dft(np.sin(2 * np.pi * 440 * t))
    freqs = spectral.fft_frequencies(sr, n_fft=n_fft)
    assert freqs[1] - freqs[0] == pytest.approx(10.0)
    assert freqs[np.argmax(np.abs(X[: len(freqs)]))] == pytest.approx(440.0)


def test_fft_frequencies_matches_librosa():
    np.testing.assert_allclose(spectral.fft_frequencies(22050, n_fft=2048), librosa.fft_frequencies(sr=22050, n_fft=2048))
    np.testing.assert_array_equal(spectral.fft_frequencies(16000.0, n_fft=512), spectral.fft_frequencies(16000, n_fft=512))
    with pytest.raises(ValueError, match="sr"):
        spectral.fft_frequencies(16000.5, n_fft=512)
    with pytest.raises(TypeError, match="n_fft"):
        spectral.fft_frequencies(16000, n_fft="512")


@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "rectangular"])
def test_periodic_windows_match_scipy(name):
    import scipy.signal

    ref = scipy.signal.get_window("boxcar" if name == "rectangular" else name, 400, fftbins=True)
    np.testing.assert_allclose(spectral.get_window(name, 400), ref)


def test_window_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown window"):
        spectral.get_window("nope", 16)
    with pytest.raises(ValueError, match="win_length"):
        spectral.get_window("hann", 0)
    with pytest.raises(TypeError, match="win_length"):
        spectral.get_window("hann", 16.0)
    with pytest.raises(ValueError, match="shape"):
        spectral.get_window(np.ones(3), 4)


def test_frame_count_and_content():
    y = np.arange(10.0)
    frames = spectral.frame(y, 4, 3)
    assert frames.shape == (3, 4)
    np.testing.assert_array_equal(frames[2], [6, 7, 8, 9])
    batch = spectral.frame(np.stack([y, -y]), 4, 3)
    assert batch.shape == (2, 3, 4)
    np.testing.assert_array_equal(batch[1, 2], [-6, -7, -8, -9])
    with pytest.raises(ValueError, match="shorter"):
        spectral.frame(y, 11, 1)


@settings(max_examples=150, deadline=None)
@given(n_samples=st.integers(1, 3000), n_fft=st.integers(1, 600), hop=st.integers(1, 400), center=st.booleans())
def test_n_frames_is_the_number_of_frames_stft_returns(n_samples, n_fft, hop, center):
    y = np.ones(n_samples)
    if not center and n_samples < n_fft:
        with pytest.raises(ValueError, match="shorter"):
            spectral.n_frames(n_samples, n_fft, hop, center=center)
        with pytest.raises(ValueError, match="shorter"):
            spectral.stft(y, n_fft=n_fft, hop_length=hop, center=center)
        return
    expected = spectral.n_frames(n_samples, n_fft, hop, center=center)
    assert spectral.stft(y, n_fft=n_fft, hop_length=hop, center=center).shape == (1 + n_fft // 2, expected)
    if center and n_fft % 2 == 0:
        assert expected == 1 + n_samples // hop  # the chapters' formula for an even n_fft


def test_n_frames_of_the_talk_and_errors():
    assert spectral.n_frames(110250, 2048, 512) == 216  # the seed's 5 s guitar: a 64 x 216 log-mel
    assert spectral.n_frames(16000, 400, 160, center=False) == 98
    with pytest.raises(TypeError, match="hop_length"):
        spectral.n_frames(16000, 512, 160.0)
    with pytest.raises(ValueError, match="n_samples"):
        spectral.n_frames(0, 512, 160)


@pytest.mark.parametrize("f,sr,alias", [(1000, 8000, 1000), (5000, 8000, 3000), (7000, 8000, 1000),
                                        (8000, 8000, 0), (9000, 8000, 1000), (4000, 8000, 4000), (44100 - 50, 44100, 50)])
def test_alias_frequency(f, sr, alias):
    assert spectral.alias_frequency(f, sr) == pytest.approx(alias)
    assert isinstance(spectral.alias_frequency(f, sr), float)


def test_alias_frequency_is_what_the_samples_show():
    sr = 8000
    freqs = np.array([6500.0, 300.0, 11000.0, 15999.0])
    n = np.arange(sr)
    for f, alias in zip(freqs, spectral.alias_frequency(freqs, sr)):
        y = np.sin(2 * np.pi * f * n / sr)
        peak = np.argmax(np.abs(np.fft.rfft(y))) * sr / len(y)
        assert peak == pytest.approx(alias, abs=1)
    with pytest.raises(ValueError, match="freq"):
        spectral.alias_frequency(-5.0, sr)
    with pytest.raises(ValueError, match="sr"):
        spectral.alias_frequency(100.0, 0)


@pytest.mark.parametrize(
    "n_fft,hop,win,center,window",
    [(2048, 512, None, True, "hann"), (512, 160, 400, True, "hann"), (256, 100, 200, False, "hamming"), (64, 7, 64, True, "blackman")],
)
def test_stft_matches_librosa(n_fft, hop, win, center, window):
    y = np.random.default_rng(0).standard_normal(5000).astype(np.float32)
    ours = spectral.stft(y, n_fft=n_fft, hop_length=hop, win_length=win, center=center, window=window)
    ref = librosa.stft(y, n_fft=n_fft, hop_length=hop, win_length=win, center=center, window=window)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=2e-4, rtol=1e-4)


def test_stft_of_a_batch_is_the_stft_of_each_signal():
    Y = np.random.default_rng(4).standard_normal((2, 3, 3000)).astype(np.float32)
    S = spectral.stft(Y, n_fft=256, hop_length=64)
    assert S.shape == (2, 3, 129, spectral.n_frames(3000, 256, 64)) and S.dtype == np.complex64
    for i in range(2):
        for j in range(3):
            np.testing.assert_array_equal(S[i, j], spectral.stft(Y[i, j], n_fft=256, hop_length=64))
    np.testing.assert_allclose(S, librosa.stft(Y, n_fft=256, hop_length=64), atol=2e-4, rtol=1e-4)


def test_stft_rejects_bad_input():
    with pytest.raises(ValueError, match="time axis"):
        spectral.stft(np.float64(1.0))
    with pytest.raises(ValueError, match="NaN"):
        spectral.stft(np.array([0.0, np.nan] * 2000))
    with pytest.raises(TypeError, match="dtype"):
        spectral.stft(np.array(["a"] * 4000))
    with pytest.raises(ValueError, match="win_length"):
        spectral.stft(np.zeros(4000), n_fft=256, win_length=512)
    with pytest.raises(TypeError, match="n_fft"):
        spectral.stft(np.zeros(4000), n_fft=256.0)


@pytest.mark.parametrize(
    "n_fft,hop,win,center,length,window",
    [(512, 128, None, True, None, "hann"), (512, 128, 400, True, 4321, "hann"), (256, 64, None, False, None, "hann"),
     (255, 60, 200, True, 4000, "hamming"), (1024, 256, None, True, 6000, "blackman"), (64, 7, 64, False, 3000, "hann")],
)
def test_istft_matches_librosa(n_fft, hop, win, center, length, window):
    rng = np.random.default_rng(n_fft)
    S = librosa.stft(rng.standard_normal(5000), n_fft=n_fft, hop_length=hop, win_length=win, center=center, window=window)
    S = S * np.exp(1j * rng.uniform(0, 2 * np.pi, S.shape))  # not the STFT of any signal: overlap-add really averages
    ours = spectral.istft(S, hop_length=hop, win_length=win, n_fft=n_fft, center=center, length=length, window=window)
    ref = librosa.istft(S, hop_length=hop, win_length=win, n_fft=n_fft, center=center, length=length, window=window)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    np.testing.assert_allclose(ours, ref, atol=1e-10)


def test_istft_inverts_stft_for_one_signal_and_a_batch():
    y = np.random.default_rng(5).standard_normal((3, 4000)).astype(np.float32)
    S = spectral.stft(y, n_fft=512, hop_length=128)
    back = spectral.istft(S, hop_length=128, length=4000)
    assert back.dtype == np.float32 and back.shape == (3, 4000)
    np.testing.assert_allclose(back, y, atol=1e-5)
    np.testing.assert_allclose(spectral.istft(S[1], hop_length=128, length=4000), y[1], atol=1e-5)
    assert spectral.istft(S, hop_length=128).shape == (3, 128 * (S.shape[-1] - 1))  # centred, no length given
    with pytest.raises(ValueError, match="bins"):
        spectral.istft(S, n_fft=256)
    with pytest.raises(ValueError, match="n_frames"):
        spectral.istft(np.zeros(257, dtype=complex))


def test_db_conversions_match_librosa():
    S = np.abs(np.random.default_rng(1).standard_normal((20, 30))) ** 2
    np.testing.assert_allclose(spectral.power_to_db(S), librosa.power_to_db(S), atol=1e-5)
    np.testing.assert_allclose(spectral.power_to_db(S, ref=np.max), librosa.power_to_db(S, ref=np.max), atol=1e-5)
    np.testing.assert_allclose(spectral.power_to_db(S, ref=np.max, top_db=20), librosa.power_to_db(S, ref=np.max, top_db=20), atol=1e-5)
    A = np.sqrt(S)
    np.testing.assert_allclose(spectral.amplitude_to_db(A, ref=np.max), librosa.amplitude_to_db(A, ref=np.max), atol=1e-4)
    assert spectral.amplitude_to_db(2.0, top_db=None) == pytest.approx(6.0206, abs=1e-4)
    assert spectral.power_to_db(2.0, top_db=None) == pytest.approx(3.0103, abs=1e-4)
    with pytest.raises(ValueError, match="top_db"):
        spectral.power_to_db(S, top_db=-1)
    with pytest.raises(ValueError, match="amin"):
        spectral.amplitude_to_db(A, amin=0)
    with pytest.raises(ValueError, match="complex|power"):
        spectral.power_to_db(S + 0j)


def test_sixteen_bit_full_scale_is_96_db_above_one_step():
    # the largest 16-bit amplitude (2**15 steps either side: 2**16 levels) over one step
    assert spectral.amplitude_to_db(2**16, top_db=None) == pytest.approx(96.33, abs=0.01)
    assert spectral.amplitude_to_db(2**16, ref=2.0**8, top_db=None) == pytest.approx(48.16, abs=0.01)  # ref divides


def test_spectrogram_is_stft_magnitude_to_the_power():
    y = np.random.default_rng(2).standard_normal(3000)
    S = spectral.stft(y, n_fft=256, hop_length=64)
    np.testing.assert_allclose(spectral.spectrogram(y, n_fft=256, hop_length=64, power=1), np.abs(S))
    np.testing.assert_allclose(spectral.spectrogram(y, n_fft=256, hop_length=64), np.abs(S) ** 2)
    with pytest.raises(ValueError, match="power"):
        spectral.spectrogram(y, power=0)
    with pytest.raises(TypeError, match="power"):
        spectral.spectrogram(y, power="2")


def test_parseval_energy_is_preserved_by_the_dft():
    x = np.random.default_rng(3).standard_normal(256)
    assert np.sum(np.abs(spectral.dft(x)) ** 2) / 256 == pytest.approx(np.sum(x**2))
