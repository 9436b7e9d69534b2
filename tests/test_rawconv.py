"""Tests of course_lib.rawconv: Conv1D arithmetic against Keras, filter responses, the sinc layer.

Chapter 06's FSDD study (raw waveform vs log-mel) is tested in test_raw_waveform.py."""

import itertools
import math

import numpy as np
import pytest

from course_lib import rawconv

SR = 8000


@pytest.fixture(scope="module")
def keras():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    return keras


# --------------------------------------------------------------------------- output lengths

GRID = [
    (n, k, s, p, d)
    for n, k, s, p, d in itertools.product((1, 4, 10, 17), (1, 3, 4), (1, 2, 3), rawconv.PADDINGS, (1, 2, 3))
    if not (s > 1 and d > 1)  # Keras forbids strides > 1 together with dilation > 1
]


@pytest.mark.slow
def test_output_length_and_values_match_keras_on_a_grid(keras):
    rng = np.random.default_rng(0)
    checked = 0
    for n, k, s, p, d in GRID:
        layer = keras.layers.Conv1D(2, k, strides=s, padding=p, dilation_rate=d)
        x = rng.standard_normal((2, n, 3)).astype("float32")
        span = d * (k - 1) + 1
        if p == "valid" and n < span:
            # No output exists. Keras' answer depends on its version (3.15 raises ValueError;
            # 3.12 raises TensorFlow's InvalidArgumentError for some shapes and returns a
            # meaningless tensor for others), so only ours is checked here: it must refuse.
            with pytest.raises(ValueError, match="empty"):
                rawconv.conv1d_output_length(n, k, s, p, d)
            continue
        y = np.asarray(layer(x))
        assert rawconv.conv1d_output_length(n, k, s, p, d) == y.shape[1], (n, k, s, p, d)
        kernel, bias = (np.asarray(w) for w in layer.get_weights())
        np.testing.assert_allclose(rawconv.conv1d(x, kernel, bias, s, p, d), y, atol=1e-5, err_msg=str((n, k, s, p, d)))
        checked += 1
    assert checked > 100


def test_talk_example_lengths():
    assert rawconv.conv1d_output_length(10, 3) == 10 - 3 + 1 == 8
    assert rawconv.conv1d_output_length(10, 3, padding="same") == 10
    assert rawconv.conv1d_output_length(10, 3, stride=2) == 4
    assert rawconv.conv1d_output_length(10, 3, dilation=2) == 6
    assert rawconv.conv1d_output_length(16000, 400, stride=160) == 98  # 25 ms frames, 10 ms hop


def test_output_length_errors():
    with pytest.raises(ValueError, match="stride > 1"):
        rawconv.conv1d_output_length(100, 3, stride=2, dilation=2)
    with pytest.raises(ValueError, match="padding"):
        rawconv.conv1d_output_length(100, 3, padding="full")
    with pytest.raises(TypeError, match="kernel_size"):
        rawconv.conv1d_output_length(100, 3.0)
    with pytest.raises(TypeError, match="n must be an integer"):
        rawconv.conv1d_output_length(np.float64(100), 3)
    with pytest.raises(ValueError, match="stride"):
        rawconv.conv1d_output_length(100, 3, stride=0)
    with pytest.raises(TypeError, match="padding"):
        rawconv.conv1d_output_length(100, 3, padding=None)
    with pytest.raises(TypeError, match="dilation"):
        rawconv.conv1d(np.zeros(10), np.zeros((3, 1)), dilation=2.0)


def test_conv1d_by_hand_on_the_talk_example():
    x = np.array([0.1, 0.2, 0.6, -0.3, 0.4, 0.3, -0.7, 0.4, 0.1, 0.3])
    w = np.array([1.0, -1.0, 0.5])
    out = rawconv.conv1d(x, w[:, None])
    expected = [sum(x[t + j] * w[j] for j in range(3)) for t in range(8)]
    np.testing.assert_allclose(out[:, 0], expected)
    same = rawconv.conv1d(x, w[:, None], padding="same")
    np.testing.assert_allclose(same[1:-1, 0], expected)  # one zero on each side
    np.testing.assert_allclose(same[0, 0], x[0] * w[1] + x[1] * w[2])
    with pytest.raises(ValueError, match="kernel"):
        rawconv.conv1d(np.zeros((1, 10, 2)), np.zeros((3, 1, 4)))


def test_keras_conv1d_runs_keras_with_the_given_weights(keras):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(23)
    kernel = rng.standard_normal((4, 3))
    bias = rng.standard_normal(3)
    for options in ({}, {"strides": 3}, {"padding": "same", "strides": 2}, {"padding": "causal", "dilation_rate": 3}):
        ours = rawconv.conv1d(x, kernel, bias, options.get("strides", 1), options.get("padding", "valid"),
                              options.get("dilation_rate", 1))
        got = rawconv.keras_conv1d(x, kernel, bias, **options)
        assert got.dtype == np.float32 and got.shape == ours.shape, options
        np.testing.assert_allclose(got, ours, atol=1e-5, err_msg=str(options))
    # Keras' own layout of the kernel, no bias, and a hand computation on the talk's example
    talk = np.array([0.1, 0.2, 0.6, -0.3, 0.4, 0.3, -0.7, 0.4, 0.1, 0.3])
    causal = rawconv.keras_conv1d(talk, np.array([0.5, -1.0]).reshape(2, 1, 1), padding="causal", dilation_rate=2)
    np.testing.assert_allclose(causal[:, 0], 0.5 * np.r_[0.0, 0.0, talk[:-2]] - talk, atol=1e-6)
    # (Whether building the layer advances Keras' global seed generator depends on the Keras
    # version: 3.12, on Python 3.10, does even with zero initializers; so that is not promised.)
    with pytest.raises(ValueError, match="kernel"):
        rawconv.keras_conv1d(talk, np.ones((3, 2, 4)))
    with pytest.raises(ValueError, match="bias"):
        rawconv.keras_conv1d(talk, np.ones((3, 2)), bias=np.ones(3))
    with pytest.raises(ValueError, match="1-D"):
        rawconv.keras_conv1d(np.ones((10, 2)), np.ones((3, 2)))
    with pytest.raises(TypeError, match="filters"):
        rawconv.keras_conv1d(talk, np.ones((3, 2)), filters=4)


# --------------------------------------------------------------------------- filter responses


def _tone_kernels(freqs, size=64, sr=SR):
    t = np.arange(size) / sr
    return np.stack([np.hanning(size) * np.cos(2 * np.pi * f * t) for f in freqs], axis=1)  # (size, filters)


def test_filter_responses_sorts_filters_by_peak_frequency():
    freqs_in = [3000.0, 500.0, 1500.0, 250.0]
    kernel = _tone_kernels(freqs_in)[:, None, :]  # Keras layout (kernel_size, 1, filters)
    freqs, db, order = rawconv.filter_responses(kernel, SR, n_fft=512, return_order=True)
    assert freqs.shape == (257,) and db.shape == (4, 257)
    assert freqs[-1] == SR / 2
    np.testing.assert_array_equal(order, [3, 1, 2, 0])
    peaks = freqs[np.argmax(db, axis=1)]
    np.testing.assert_allclose(peaks, sorted(freqs_in), atol=SR / 512)
    np.testing.assert_allclose(db.max(axis=1), 0.0)  # each filter normalized to its own peak
    assert db.min() >= -80.0
    np.testing.assert_allclose(rawconv.filter_peak_frequencies(kernel, SR), freqs_in, atol=SR / 512)
    # unnormalized: a filter twice as large is 6 dB higher
    _, raw, order = rawconv.filter_responses(np.concatenate([kernel, 2 * kernel], axis=2), SR, normalize=False, return_order=True)
    level = np.empty(8)
    level[order] = raw.max(axis=1)
    np.testing.assert_allclose(level[4:] - level[:4], 20 * math.log10(2), atol=1e-6)
    with pytest.raises(ValueError, match="n_fft"):
        rawconv.filter_responses(kernel, SR, n_fft=32)
    with pytest.raises(ValueError, match="one input channel"):
        rawconv.filter_responses(np.zeros((64, 2, 4)), SR)
    with pytest.raises(TypeError, match="n_fft"):
        rawconv.filter_responses(kernel, SR, n_fft=512.0)
    # an integral float sample rate is a sample rate; half a hertz is not
    np.testing.assert_array_equal(rawconv.filter_responses(kernel, float(SR))[1], rawconv.filter_responses(kernel, SR)[1])
    with pytest.raises(ValueError, match="sr"):
        rawconv.filter_responses(kernel, SR + 0.5)


# --------------------------------------------------------------------------- sinc front end


def _gain_db(kernel_column, f, sr=SR):
    n = np.arange(kernel_column.size)
    return 20 * math.log10(abs(np.sum(kernel_column * np.exp(-2j * np.pi * f * n / sr))))


def test_sinc_kernels_pass_the_band_and_stop_outside():
    low = np.array([300.0, 1000.0, 2000.0])
    band = np.array([400.0, 800.0, 1200.0])
    size = 251
    h = rawconv.sinc_kernels(low, band, size, sr=SR)
    assert h.shape == (size, 3)
    np.testing.assert_allclose(h, h[::-1], atol=1e-12)  # symmetric: linear phase
    transition = 3.3 * SR / size  # Hamming window transition width, Hz
    for j in range(3):
        f1, f2 = low[j], low[j] + band[j]
        for f in np.linspace(f1 + transition, f2 - transition, 5):
            assert abs(_gain_db(h[:, j], f)) < 0.5, f"filter {j}: {f:.0f} Hz should pass"
        for f in (f1 - 2 * transition, f2 + 2 * transition, 0.0, SR / 2):
            if 0 <= f <= SR / 2:
                assert _gain_db(h[:, j], f) < -20, f"filter {j}: {f:.0f} Hz should be stopped"
    with pytest.raises(ValueError, match="odd"):
        rawconv.sinc_kernels(low, band, 250, sr=SR)
    with pytest.raises(ValueError, match="sr / 2"):
        rawconv.sinc_kernels([3000.0], [2000.0], 101, sr=SR)
    with pytest.raises(TypeError, match="kernel_size"):
        rawconv.sinc_kernels(low, band, 251.0, sr=SR)


def test_mel_band_edges_cover_the_range_evenly_in_mel():
    from course_lib import mel

    low, band = rawconv.mel_band_edges(10, 16000, fmin=30.0, fmax=7000.0)
    edges = np.r_[low, low[-1] + band[-1]]
    np.testing.assert_allclose(edges[[0, -1]], [30.0, 7000.0])
    np.testing.assert_allclose(np.diff(mel.hz_to_mel(edges, htk=True)), np.diff(mel.hz_to_mel(edges, htk=True))[0])
    with pytest.raises(TypeError, match="n_filters"):
        rawconv.mel_band_edges(10.0, 16000)
    with pytest.raises(ValueError, match="fmax"):
        rawconv.mel_band_edges(10, 16000, fmax=9000.0)


def test_sinc_layer_builds_its_kernels_from_learnable_cutoffs(keras):
    layer = rawconv.SincConv1D(8, 101, SR, name="sinc")
    x = np.random.default_rng(0).standard_normal((2, 400, 1)).astype("float32")
    y = np.asarray(layer(x))
    assert y.shape == (2, 300, 8)
    assert {w.name for w in layer.trainable_weights} == {"low", "band"}
    low, high = (np.asarray(v) for v in layer.cutoffs())
    kernel = np.asarray(layer.kernel())
    np.testing.assert_allclose(kernel[:, 0, :], rawconv.sinc_kernels(low, high - low, 101, sr=SR), atol=1e-5)
    np.testing.assert_allclose(y, rawconv.conv1d(x, kernel), atol=1e-4)
    # a tone inside band j passes with about unit gain, one far outside is stopped
    j = 5
    t = np.arange(4000) / SR
    inside = np.cos(2 * np.pi * (low[j] + high[j]) / 2 * t)
    outside = np.cos(2 * np.pi * (low[j] / 3) * t)
    for tone, lo_db, hi_db in ((inside, -1.0, 1.0), (outside, -200.0, -20.0)):
        out = np.asarray(layer(tone[None, :, None].astype("float32")))[0, 200:-200, j]
        gain = 20 * math.log10(np.sqrt(np.mean(out**2)) / np.sqrt(np.mean(tone**2)))
        assert lo_db < gain < hi_db
    clone = rawconv.SincConv1D.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    with pytest.raises(ValueError, match="mono"):
        rawconv.SincConv1D(4, 101, SR)(np.zeros((1, 400, 2), "float32"))
    with pytest.raises(TypeError, match="filters"):
        rawconv.SincConv1D(4.0, 101, SR)
    with pytest.raises(ValueError, match="padding"):
        rawconv.SincConv1D(4, 101, SR, padding="causal")


@pytest.mark.slow
def test_sinc_layer_cutoffs_are_learned(keras):
    import tensorflow as tf

    layer = rawconv.SincConv1D(4, 65, SR)
    x = tf.constant(np.random.default_rng(1).standard_normal((4, 500, 1)), dtype="float32")
    layer(x)
    before = np.concatenate([np.asarray(c) for c in layer.cutoffs()])
    optimizer = keras.optimizers.Adam(1e-3)
    for _ in range(3):  # minimizing the output power pushes the bands somewhere else
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(layer(x)))
        grads = tape.gradient(loss, layer.trainable_weights)
        assert all(g is not None and np.all(np.isfinite(g)) and np.any(np.asarray(g) != 0) for g in grads)
        optimizer.apply_gradients(zip(grads, layer.trainable_weights))
    after = np.concatenate([np.asarray(c) for c in layer.cutoffs()])
    assert np.max(np.abs(after - before)) > 5.0, "three Adam steps of 1e-3 should move a cut-off by several Hz"


# --------------------------------------------------------------------------- the classifier


def test_raw_waveform_classifier_shapes_and_seeds(keras):
    model = rawconv.raw_waveform_classifier(8000, 8, sr=SR, first_kernel=65, first_stride=8, rng=3)
    front = model.get_layer("frontend")
    assert front.strides == (8,) and front.kernel_size == (65,)
    probs = np.asarray(model(np.zeros((2, 8000), "float32")))
    assert probs.shape == (2, 8)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    again = rawconv.raw_waveform_classifier(8000, 8, sr=SR, first_kernel=65, first_stride=8, rng=3)
    np.testing.assert_array_equal(front.get_weights()[0], again.get_layer("frontend").get_weights()[0])
    other = rawconv.raw_waveform_classifier(8000, 8, sr=SR, first_kernel=65, first_stride=8, rng=np.random.default_rng(3))
    same_state = rawconv.raw_waveform_classifier(8000, 8, sr=SR, first_kernel=65, first_stride=8, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(other.get_layer("frontend").get_weights()[0], same_state.get_layer("frontend").get_weights()[0])
    sinc = rawconv.raw_waveform_classifier(8000, 8, sr=SR, frontend="sinc", first_kernel=65, first_stride=8)
    assert sinc.get_layer("frontend").__class__.__name__ == "SincConv1D"
    with pytest.raises(ValueError, match="empty"):
        rawconv.raw_waveform_classifier(32, 8, first_kernel=65)
    with pytest.raises(ValueError, match="frontend"):
        rawconv.raw_waveform_classifier(8000, 8, frontend="mel")
    with pytest.raises(TypeError, match="n_samples"):
        rawconv.raw_waveform_classifier(8000.0, 8)
    with pytest.raises(TypeError, match="block_filters"):
        rawconv.raw_waveform_classifier(8000, 8, block_filters=(8, 16.0))
    with pytest.raises(ValueError, match="dropout"):
        rawconv.raw_waveform_classifier(8000, 8, dropout=1.0)
    with pytest.raises(TypeError, match="rng"):
        rawconv.raw_waveform_classifier(8000, 8, rng="3")


def test_log_energy_front_end_is_the_log_energy_of_its_filters(keras):
    # the matched front end: Conv1D -> square -> mean over energy_pool steps -> log(. + floor) -> batch norm
    n, k, stride, pool, floor = 1000, 33, 4, 8, 1e-6
    model = rawconv.raw_waveform_classifier(n, 3, sr=SR, frontend="log_energy", first_filters=4, first_kernel=k,
                                            first_stride=stride, energy_pool=pool, block_filters=(4,), rng=2)
    names = [layer.name for layer in model.layers]
    assert names[2:7] == ["frontend", "frontend_energy", "frontend_pool", "frontend_log", "frontend_bn"]
    assert "frontend_relu" not in names and not model.get_layer("frontend").use_bias
    frames = rawconv.conv1d_output_length(n, k, stride) // pool
    assert model.get_layer("frontend_log").output.shape[1:] == (frames, 4) == (30, 4)
    # kernels set to known filters: a 500 Hz and a 2 kHz Hann-windowed cosine, a unit impulse, and zeros
    t = np.arange(k) - k // 2
    hann = np.hanning(k + 2)[1:-1]
    kernel = np.stack([hann * np.cos(2 * np.pi * 500 * t / SR), hann * np.cos(2 * np.pi * 2000 * t / SR),
                       (t == 0).astype(float), np.zeros(k)], axis=1)
    model.get_layer("frontend").set_weights([kernel[:, None, :].astype("float32")])
    rng = np.random.default_rng(0)
    x = (0.5 * np.sin(2 * np.pi * 500 * np.arange(n) / SR) + 0.1 * rng.standard_normal(n)).astype("float32")[None]
    log_energy = keras.Model(model.input, model.get_layer("frontend_log").output)
    got = np.asarray(log_energy(x))[0]
    # by hand: filter, square, average each frame's pool outputs, log with the floor
    y = rawconv.conv1d(x[0], kernel, stride=stride)                  # (steps, 4)
    energy = (y[: frames * pool] ** 2).reshape(frames, pool, 4).mean(axis=1)
    np.testing.assert_allclose(got, np.log(energy + floor), rtol=1e-4, atol=1e-4)
    assert np.allclose(got[:, 3], np.log(floor))                      # a zero filter reads the floor
    assert np.all(got[:, 0] > got[:, 1] + 3)                          # the 500 Hz tone passes the 500 Hz filter
    # a log: ten times the amplitude adds log(100) wherever the energy is far above the floor
    np.testing.assert_allclose(np.asarray(log_energy(10 * x))[0][:, :3] - got[:, :3], np.log(100), atol=1e-3)
    probs = np.asarray(model(x))
    assert probs.shape == (1, 3) and np.isfinite(probs).all()
    # the kernels start with unit gain on white noise (standard deviation 1 / sqrt(k))
    fresh = rawconv.raw_waveform_classifier(n, 3, frontend="log_energy", first_kernel=k, first_stride=stride, energy_pool=pool, rng=2)
    assert abs(np.std(fresh.get_layer("frontend").get_weights()[0]) * np.sqrt(k) - 1) < 0.1
    with pytest.raises(ValueError, match="log_floor"):
        rawconv.raw_waveform_classifier(n, 3, frontend="log_energy", first_kernel=k, log_floor=0.0)
    with pytest.raises(ValueError, match="energy_pool"):
        rawconv.raw_waveform_classifier(n, 3, frontend="log_energy", first_kernel=k, first_stride=stride, energy_pool=1000)
    with pytest.raises(TypeError, match="energy_pool"):
        rawconv.raw_waveform_classifier(n, 3, frontend="log_energy", first_kernel=k, energy_pool=2.0)


@pytest.mark.slow
def test_raw_waveform_classifier_learns_to_tell_low_from_high_tones(keras):
    rng = np.random.default_rng(0)
    n, size = 64, 2000
    labels = np.arange(n) % 2
    t = np.arange(size) / SR
    f = np.where(labels == 0, rng.uniform(200, 400, n), rng.uniform(1500, 2500, n))
    x = (0.3 * np.sin(2 * np.pi * f[:, None] * t + rng.uniform(0, 6, (n, 1))) + 0.05 * rng.standard_normal((n, size))).astype("float32")
    keras.utils.set_random_seed(0)
    model = rawconv.raw_waveform_classifier(size, 2, sr=SR, first_filters=8, first_kernel=33, first_stride=4, block_filters=(8,), rng=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:48], labels[:48], epochs=8, batch_size=16, verbose=0)
    assert model.evaluate(x[48:], labels[48:], verbose=0)[1] >= 0.9


def test_importing_the_modules_does_not_import_tensorflow():
    import subprocess
    import sys

    code = "import sys, course_lib.rawconv, course_lib.augment; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- filter shapes (chapter 06)


def test_filter_bands_tells_band_pass_from_low_pass():
    band = rawconv.sinc_kernels([1000.0], [1000.0], 129, sr=SR)            # a band-pass 1000-2000 Hz
    lowpass = (2 * 500.0 / SR) * np.sinc(2 * 500.0 * (np.arange(129) - 64) / SR) * np.hamming(129)  # low-pass 500 Hz
    kernel = np.stack([band[:, 0], lowpass], axis=1)
    peak, low, high = rawconv.filter_bands(kernel[:, None, :], SR, n_fft=1024)
    assert 1000 <= peak[0] <= 2000 and 900 <= low[0] <= 1100 and 1900 <= high[0] <= 2100
    assert peak[1] < 500 and low[1] == 0.0 and 400 <= high[1] <= 550  # passes DC: low-pass
    # a wider drop widens the band; the edges never leave [0, sr / 2]
    _, low6, high6 = rawconv.filter_bands(kernel, SR, n_fft=1024, drop_db=20.0)
    assert np.all(low6 <= low) and np.all(high6 >= high) and high6.max() <= SR / 2
    # band_edges on responses given in dB, e.g. a filterbank's weights
    freqs = np.linspace(0, 4000, 5)
    p, lo, hi = rawconv.band_edges(freqs, [[-10.0, -2.0, 0.0, -1.0, -20.0], [0.0, -1.0, -5.0, -5.0, -5.0]])
    np.testing.assert_array_equal(p, [2000, 0])
    np.testing.assert_array_equal(lo, [1000, 0])
    np.testing.assert_array_equal(hi, [3000, 1000])
    with pytest.raises(ValueError, match="drop_db"):
        rawconv.filter_bands(kernel, SR, drop_db=0.0)
    with pytest.raises(ValueError, match="responses_db"):
        rawconv.band_edges(freqs, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        rawconv.band_edges(freqs, np.full((1, 5), np.nan))


# --------------------------------------------------------------------------- why not an RNN over samples


@pytest.mark.slow
def test_sample_rnn_activation_memory(keras):
    rnn = rawconv.sample_rnn(1000, n_classes=3, units=8)
    sizes = rawconv.activation_floats(rnn)
    assert sizes == {"lstm": 1000 * 6 * 8, "classes": 3}
    cnn = rawconv.raw_waveform_classifier(1000, 3, first_filters=4, first_kernel=9, first_stride=4, block_filters=(4,))
    conv_sizes = rawconv.activation_floats(cnn)
    assert conv_sizes["frontend"] == 248 * 4 and conv_sizes["frontend_pool"] == 62 * 4
    assert np.asarray(rnn(np.zeros((2, 1000), "float32"))).shape == (2, 3)
    with pytest.raises(TypeError, match="keras.Model"):
        rawconv.activation_floats("lstm")
