"""course_lib.plot draws labelled axes with the right extents."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import mel, plot, spectral


def teardown_function():
    plt.close("all")


def test_waveform_axis_in_seconds():
    ax = plot.waveform(np.zeros(16000), 16000, title="t")
    assert ax.get_xlabel() == "Time (s)"
    assert ax.get_xlim()[1] == pytest.approx(15999 / 16000)


def test_spectrum_labels():
    f = spectral.fft_frequencies(16000, 512)
    ax = plot.spectrum(f, np.zeros_like(f), xlim=(0, 4000))
    assert ax.get_xlabel() == "Frequency (Hz)" and ax.get_ylabel() == "Level (dB)"
    assert ax.get_xlim() == (0, 4000)


def test_spectrogram_linear_extent_reaches_nyquist():
    S = np.zeros((257, 100))
    ax = plot.spectrogram(S, 16000, 160)
    top = ax.get_ylim()[1]
    assert 8000 <= top <= 8000 + 16000 / 512
    assert ax.get_xlim()[1] == pytest.approx(100 * 160 / 16000 - 0.5 * 160 / 16000)


def test_spectrogram_mel_axis_labels_in_hz():
    ax = plot.spectrogram(np.zeros((64, 10)), 22050, 512, y_axis="mel", fmax=4000)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert ax.get_ylabel() == "Mel band centre (Hz)" and float(labels[-1]) < 4000
    with pytest.raises(ValueError, match="y_axis"):
        plot.spectrogram(np.zeros((4, 4)), 8000, 2, y_axis="log")


def test_filterbank_draws_every_nth_filter():
    fb = mel.mel_filterbank(16000, 512, n_mels=40)
    ax = plot.filterbank(fb, 16000, 512, every=4)
    assert len(ax.lines) == 10


def test_spectrogram_mel_labels_follow_the_scale():
    slaney = plot.spectrogram(np.zeros((10, 5)), 16000, 160, y_axis="mel", colorbar=False)
    htk = plot.spectrogram(np.zeros((10, 5)), 16000, 160, y_axis="mel", htk=True, colorbar=False)
    first = lambda ax: float(ax.get_yticklabels()[0].get_text())
    assert first(slaney) == pytest.approx(mel.mel_frequencies(12, 0, 8000)[1], abs=0.5)
    assert first(htk) == pytest.approx(mel.mel_frequencies(12, 0, 8000, htk=True)[1], abs=0.5)
