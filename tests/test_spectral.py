"""course_lib.spectral against numpy and librosa."""

import librosa
import numpy as np
import pytest

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
    freqs = spectral.fft_frequencies(sr, n_fft)
    assert freqs[1] - freqs[0] == pytest.approx(10.0)
    assert freqs[np.argmax(np.abs(X[: len(freqs)]))] == pytest.approx(440.0)


def test_fft_frequencies_matches_librosa():
    np.testing.assert_allclose(spectral.fft_frequencies(22050, 2048), librosa.fft_frequencies(sr=22050, n_fft=2048))


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
    with pytest.raises(ValueError, match="shape"):
        spectral.get_window(np.ones(3), 4)


def test_frame_count_and_content():
    y = np.arange(10.0)
    frames = spectral.frame(y, 4, 3)
    assert frames.shape == (3, 4)
    np.testing.assert_array_equal(frames[2], [6, 7, 8, 9])
    with pytest.raises(ValueError, match="shorter"):
        spectral.frame(y, 11, 1)


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


def test_stft_rejects_bad_input():
    with pytest.raises(ValueError, match="1-D"):
        spectral.stft(np.zeros((2, 100)))
    with pytest.raises(ValueError, match="NaN"):
        spectral.stft(np.array([0.0, np.nan] * 2000))
    with pytest.raises(ValueError, match="win_length"):
        spectral.stft(np.zeros(4000), n_fft=256, win_length=512)


def test_frames_to_time():
    np.testing.assert_allclose(spectral.frames_to_time([0, 1, 10], sr=16000, hop_length=160), [0, 0.01, 0.1])


def test_db_conversions_match_librosa_and_invert():
    S = np.abs(np.random.default_rng(1).standard_normal((20, 30))) ** 2
    np.testing.assert_allclose(spectral.power_to_db(S), librosa.power_to_db(S), atol=1e-5)
    np.testing.assert_allclose(spectral.power_to_db(S, ref=np.max), librosa.power_to_db(S, ref=np.max), atol=1e-5)
    A = np.sqrt(S)
    np.testing.assert_allclose(spectral.amplitude_to_db(A, ref=np.max), librosa.amplitude_to_db(A, ref=np.max), atol=1e-4)
    np.testing.assert_allclose(spectral.db_to_power(spectral.power_to_db(S, top_db=None)), S, rtol=1e-9)
    np.testing.assert_allclose(spectral.db_to_amplitude(spectral.amplitude_to_db(A, top_db=None)), A, rtol=1e-9)
    assert spectral.amplitude_to_db(2.0, top_db=None) == pytest.approx(6.0206, abs=1e-4)
    assert spectral.power_to_db(2.0, top_db=None) == pytest.approx(3.0103, abs=1e-4)


def test_sixteen_bit_dynamic_range_is_96_db():
    assert 20 * np.log10(2**16) == pytest.approx(96.33, abs=0.01)
    assert spectral.amplitude_to_db(2**16, top_db=None) == pytest.approx(96.33, abs=0.01)


def test_spectrogram_is_stft_magnitude_to_the_power():
    y = np.random.default_rng(2).standard_normal(3000)
    S = spectral.stft(y, n_fft=256, hop_length=64)
    np.testing.assert_allclose(spectral.spectrogram(y, n_fft=256, hop_length=64, power=1), np.abs(S))
    np.testing.assert_allclose(spectral.spectrogram(y, n_fft=256, hop_length=64), np.abs(S) ** 2)
    with pytest.raises(ValueError, match="power"):
        spectral.spectrogram(y, power=0)


def test_parseval_energy_is_preserved_by_the_dft():
    x = np.random.default_rng(3).standard_normal(256)
    assert np.sum(np.abs(spectral.dft(x)) ** 2) / 256 == pytest.approx(np.sum(x**2))
