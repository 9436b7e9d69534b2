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
    f = spectral.fft_frequencies(16000, n_fft=512)
    ax = plot.spectrum(f, np.zeros_like(f), xlim=(0, 4000))
    assert ax.get_xlabel() == "Frequency (Hz)" and ax.get_ylabel() == "Level (dB)"
    assert ax.get_xlim() == (0, 4000)


def test_spectrogram_linear_extent_reaches_nyquist():
    S = np.zeros((257, 100))
    ax = plot.spectrogram(S, 16000, hop_length=160)
    top = ax.get_ylim()[1]
    assert 8000 <= top <= 8000 + 16000 / 512
    assert ax.get_xlim()[1] == pytest.approx(100 * 160 / 16000 - 0.5 * 160 / 16000)


def test_spectrogram_mel_axis_labels_in_hz():
    ax = plot.spectrogram(np.zeros((64, 10)), 22050, hop_length=512, y_axis="mel", fmax=4000)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert ax.get_ylabel() == "Mel band centre (Hz)" and float(labels[-1]) < 4000
    with pytest.raises(ValueError, match="y_axis"):
        plot.spectrogram(np.zeros((4, 4)), 8000, hop_length=2, y_axis="log")


def test_filterbank_draws_every_nth_filter():
    fb = mel.mel_filterbank(16000, n_fft=512, n_mels=40)
    ax = plot.filterbank(fb, 16000, n_fft=512, every=4)
    assert len(ax.lines) == 10


def test_spectrogram_mel_labels_follow_the_scale():
    slaney = plot.spectrogram(np.zeros((10, 5)), 16000, hop_length=160, y_axis="mel", colorbar=False)
    htk = plot.spectrogram(np.zeros((10, 5)), 16000, hop_length=160, y_axis="mel", htk=True, colorbar=False)
    first = lambda ax: float(ax.get_yticklabels()[0].get_text())
    assert first(slaney) == pytest.approx(mel.mel_frequencies(12, 0, 8000)[1], abs=0.5)
    assert first(htk) == pytest.approx(mel.mel_frequencies(12, 0, 8000, htk=True)[1], abs=0.5)


def test_layer_table_lists_every_layer_and_the_total(capsys):
    import keras

    inputs = keras.Input((100, 1), name="waveform")
    x = keras.layers.Conv1D(4, 9, name="a_rather_long_convolution_name")(inputs)
    outputs = keras.layers.Dense(3, name="classes")(keras.layers.GlobalMaxPooling1D(name="pool")(x))
    model = keras.Model(inputs, outputs)
    plot.layer_table(model)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["layer", "output", "shape", "parameters"]
    assert [line.split()[0] for line in lines[1:-1]] == ["waveform", "a_rather_long_convolution_name", "pool", "classes"]
    conv = lines[2]
    assert "(batch, 92, 4)" in conv and conv.endswith(f"{9 * 4 + 4:,}")
    assert lines[-1].split() == ["total", f"{model.count_params():,}"]
    # columns adapt: every row has the same width and the shapes start in one column
    assert len({len(line) for line in lines}) == 1
    assert len({line.index("(") for line in lines[1:-1]}) == 1
    assert lines[0].index("output shape") == conv.index("(batch")
    with pytest.raises(TypeError, match="Keras model"):
        plot.layer_table(np.zeros(3))


def test_salience_draws_bins_labelled_in_hz_and_masks_unvoiced_frames():
    from course_lib import crepe

    n = 50
    activation = np.zeros((n, 360))
    time = np.arange(n) * 0.01
    frequency = np.full(n, 440.0)
    confidence = np.where(np.arange(n) < 25, 0.9, 0.2)
    truth = np.full(n, 440.0)
    truth[:5] = 0.0  # unvoiced
    ax = plot.salience(activation, time, frequency=frequency, confidence=confidence, truth=truth,
                       hz_range=(100, 1000), title="t")
    image = ax.get_images()[0]
    assert image.get_array().shape == (360, n) and image.get_cmap().name == "inferno"
    assert image.get_extent() == pytest.approx([-0.005, 0.495, -0.5, 359.5])
    labels = {t.get_text(): tick for t, tick in zip(ax.get_yticklabels(), ax.get_yticks())}
    assert labels["400"] == pytest.approx(crepe.hz_to_bin(400.0))
    assert ax.get_ylim() == pytest.approx(tuple(crepe.hz_to_bin([100.0, 1000.0])))
    truth_line, f0_line = ax.get_lines()
    assert np.all(np.isnan(truth_line.get_ydata()[:5])) and truth_line.get_ydata()[5] == pytest.approx(227.70, abs=0.01)
    y = f0_line.get_ydata()
    assert np.allclose(y[:25], crepe.hz_to_bin(440.0)) and np.all(np.isnan(y[25:]))  # confidence <= 0.5: hidden
    assert ax.get_xlabel() == "Time (s)" and ax.get_ylabel() == "Pitch (Hz)"


def test_salience_voicing_strip_and_bare_image():
    activation = np.full((4, 360), 0.5)
    ax = plot.salience(activation, confidence=[0.1, 0.6, 0.9, 0.4], voicing_strip=True, labels=False)
    data = ax.get_images()[0].get_array()
    assert data.shape == (380, 4)
    np.testing.assert_array_equal(data[:10], np.tile([0.0, 1.0, 1.0, 0.0], (10, 1)))  # bottom: voiced or not
    np.testing.assert_array_equal(data[10:20], np.tile([0.1, 0.6, 0.9, 0.4], (10, 1)))  # then the confidence
    assert not ax.axison and ax.get_images()[0].get_extent() == pytest.approx([-0.5, 3.5, -20.5, 359.5])
    with pytest.raises(ValueError, match="confidence"):
        plot.salience(activation, voicing_strip=True)
    with pytest.raises(ValueError, match="activation"):
        plot.salience(np.zeros((4, 100)))
    with pytest.raises(ValueError, match="frequency"):
        plot.salience(activation, frequency=np.ones(3))


def test_filter_responses_image_in_hz():
    from course_lib import rawconv

    t = np.arange(64) / 8000
    kernel = np.stack([np.sin(2 * np.pi * f * t) * np.hanning(64) for f in (3000.0, 500.0, 1500.0)], axis=1)
    freqs, db = rawconv.filter_responses(kernel, 8000, n_fft=256)
    ax = plot.filter_responses(freqs, db, fmax=2000, title="t", colorbar=False)
    image = ax.get_images()[0]
    np.testing.assert_array_equal(image.get_array(), db)
    assert image.get_extent() == pytest.approx([-15.625, 4015.625, -0.5, 2.5])
    assert ax.get_xlim() == (0.0, 2000.0) and ax.get_xlabel() == "Frequency (Hz)"
    assert image.get_clim() == (-40.0, 0.0)
    with pytest.raises(ValueError, match="responses_db"):
        plot.filter_responses(freqs[:-1], db)


def test_plots_check_their_arguments():
    with pytest.raises(TypeError, match="sr"):
        plot.waveform(np.zeros(10), "16k")
    plot.waveform(np.zeros(10), 16000.0)  # an integral float rate is a rate
    with pytest.raises(ValueError, match="hop_length"):
        plot.spectrogram(np.zeros((4, 4)), 8000, hop_length=0)
    with pytest.raises(TypeError, match="every"):
        plot.filterbank(np.zeros((4, 257)), 16000, n_fft=512, every=1.5)


# --- chapter 09 (localization) ---

def test_gcc_phat_plot_draws_lags_in_ms_with_the_delays():
    lags = np.arange(-5, 6) / 16000
    cc = np.exp(-np.arange(-5, 6) ** 2)
    ax = plot.gcc_phat(lags, cc, true_tau=2 / 16000, tau=1 / 16000, sr=16000, title="t")
    np.testing.assert_allclose(ax.lines[0].get_xdata(), lags * 1000)
    assert ax.get_xlabel() == "Lag (ms)" and len(ax.lines) == 3
    assert ax.lines[1].get_xdata()[0] == pytest.approx(0.125)
    with pytest.raises(ValueError, match="lags and cc"):
        plot.gcc_phat(lags[:-1], cc)


# --- chapter 09 (detection) ---

def test_sed_events_draws_reference_and_estimated_boxes_in_class_lanes():
    S = np.zeros((64, 157))
    names = ["dog", "cat"]
    ref = [(1.0, 2.0, "cat"), (3.0, 3.5, "dog")]
    est = [(1.1, 2.2, "cat")]
    ax = plot.sed_events(S, 16000, hop_length=1024, class_names=names, reference=ref, estimated=est, title="t")
    boxes = {p.get_gid(): [] for p in ax.patches}
    for p in ax.patches:
        boxes[p.get_gid()].append((p.get_x(), p.get_y(), p.get_width(), p.get_height()))
    # lanes of 32 bands: "dog" from -0.5, "cat" from 31.5; reference in the upper half, estimate lower
    np.testing.assert_allclose(sorted(boxes["reference"]), [(1.0, 47.5, 1.0, 14.4), (3.0, 15.5, 0.5, 14.4)])
    np.testing.assert_allclose(boxes["estimated"], [(1.1, 31.5 + 1.6, 1.1, 12.8)])
    assert ax.get_xlabel() == "Time (s)" and "Frequency (Hz" in ax.get_ylabel()
    assert [t.get_text() for t in ax.texts] == names
    with pytest.raises(ValueError, match="label 'bird'"):
        plot.sed_events(S, 16000, hop_length=1024, class_names=names, reference=[(0.0, 1.0, "bird")])
    plt.close("all")
