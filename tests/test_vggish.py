"""course_lib.vggish: the front end against a loop-based reimplementation of its definition, the
network against a NumPy forward pass of checkpoint weights, the postprocessor, the small model."""

import math

import librosa
import numpy as np
import pytest
import scipy.signal

from course_lib import audio, audioset, errors, mel, vggish

SR = 16000


# ------------------------------------------------------------------ an independent reference front end
def reference_mel_weights():
    """VGGish's mel matrix written from its definition with plain Python loops."""
    to_mel = lambda f: 1127.0 * math.log(1.0 + f / 700.0)  # noqa: E731
    lo, hi = to_mel(125.0), to_mel(7500.0)
    edges = [lo + (hi - lo) * j / 65 for j in range(66)]
    weights = np.zeros((257, 64))
    for b in range(1, 257):  # bin 0 (DC) stays zero
        m = to_mel(8000.0 * b / 256)
        for i in range(64):
            lower, centre, upper = edges[i], edges[i + 1], edges[i + 2]
            weights[b, i] = max(0.0, min((m - lower) / (centre - lower), (upper - m) / (upper - centre)))
    return weights


WEIGHTS = reference_mel_weights()
_K = np.arange(257)[:, None] * np.arange(400)[None, :]
DFT_COS, DFT_SIN = np.cos(2 * np.pi * _K / 512), np.sin(2 * np.pi * _K / 512)  # 512-point DFT of 400 samples
WINDOW = np.array([0.5 - 0.5 * math.cos(2 * math.pi * n / 400) for n in range(400)])


def reference_log_mel(x):
    """Frame by frame: window, DFT magnitude, mel weights, log(mel + 0.01)."""
    x = np.asarray(x, dtype=np.float64)
    rows = []
    t = 0
    while t + 400 <= len(x):
        seg = x[t:t + 400] * WINDOW
        magnitude = np.sqrt((DFT_COS @ seg) ** 2 + (DFT_SIN @ seg) ** 2)
        rows.append([math.log(float(magnitude @ WEIGHTS[:, i]) + 0.01) for i in range(64)])
        t += 160
    return np.array(rows).reshape(-1, 64)


def signals():
    rng = np.random.default_rng(7)
    t = np.arange(20000) / SR
    yield "white noise", 0.3 * rng.standard_normal(16160)
    yield "chirp", 0.8 * scipy.signal.chirp(t, 50, t[-1], 7900)
    yield "siren", 0.4 * np.sin(2 * np.pi * np.cumsum(900 + 400 * np.sin(2 * np.pi * 1.5 * t[:19200])) / SR)
    yield "harmonic tone", np.sum([0.3 / k * np.sin(2 * np.pi * 180 * k * t[:16000]) for k in range(1, 8)], axis=0)
    yield "tone in silence", np.concatenate([np.zeros(3000), 0.5 * np.sin(2 * np.pi * 440 * t[:9000]), np.zeros(4000)])
    yield "very quiet", 1e-4 * rng.uniform(-1, 1, 16000)
    yield "one frame", rng.uniform(-1, 1, 559)
    yield "two frames", rng.uniform(-1, 1, 560)


@pytest.mark.parametrize("name,x", list(signals()), ids=[n for n, _ in signals()])
def test_log_mel_matches_the_definition(name, x):
    ours = vggish.log_mel(x)
    ref = reference_log_mel(x)
    assert ours.shape == ref.shape == (1 + (len(x) - 400) // 160, 64)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, ref, atol=2e-4, rtol=0)
    examples = vggish.waveform_to_examples(x, SR)
    n = ref.shape[0] // 96
    assert examples.shape == (n, 96, 64)
    np.testing.assert_allclose(examples, ref[: n * 96].reshape(n, 96, 64), atol=2e-4, rtol=0)


def test_mel_matrix_is_vggish_not_librosa():
    ours = vggish.mel_matrix()
    assert ours.shape == (257, 64)
    np.testing.assert_allclose(ours, WEIGHTS, atol=1e-12)
    assert np.all(ours[0] == 0) and ours.max() <= 1.0 and np.all(ours.max(axis=0) > 0.6)  # low bands are narrower than a 31.25 Hz bin
    # librosa's HTK filterbank: edges at the same mels, but triangles straight in Hz (and, by
    # default, area-normalised) -- a different matrix
    lib_peak = librosa.filters.mel(sr=SR, n_fft=512, n_mels=64, fmin=125, fmax=7500, htk=True, norm=None).T
    lib_area = librosa.filters.mel(sr=SR, n_fft=512, n_mels=64, fmin=125, fmax=7500, htk=True).T
    diff = np.abs(ours - lib_peak)
    assert 0.001 < diff.max() < 0.01  # same bands and peaks, triangles straight in mel vs in Hz
    edges_hz = librosa.mel_frequencies(66, fmin=125, fmax=7500, htk=True)
    np.testing.assert_allclose(lib_area, lib_peak * (2.0 / (edges_hz[2:] - edges_hz[:-2])), rtol=1e-5, atol=1e-9)
    assert np.abs(ours - lib_area).max() > 0.5  # librosa's default norm="slaney": ~1/30 of the height
    np.testing.assert_allclose(vggish.hertz_to_mel([0, 125, 1000, 7500]), librosa.hz_to_mel([0, 125, 1000, 7500], htk=True), rtol=1e-4)
    np.testing.assert_allclose(vggish.hertz_to_mel(1000.0), mel.hz_to_mel(1000.0, htk=True), rtol=1e-4)
    np.testing.assert_allclose(vggish.periodic_hann(400), scipy.signal.get_window("hann", 400, fftbins=True), atol=1e-15)
    with pytest.raises(ValueError, match="Nyquist"):
        vggish.mel_matrix(upper_edge_hertz=9000)
    np.testing.assert_array_equal(vggish.mel_matrix(sample_rate=16000.0), ours)  # an integral float rate is a rate
    with pytest.raises(TypeError, match="num_mel_bins must be an integer"):
        vggish.mel_matrix(num_mel_bins=64.0)
    with pytest.raises(ValueError, match="sample_rate"):
        vggish.mel_matrix(sample_rate=16000.5)


def test_example_counts_and_short_inputs():
    rng = np.random.default_rng(0)
    for n, expected in [(0, 0), (399, 0), (400, 0), (15599, 0), (15600, 1), (30959, 1), (30960, 2), (48000, 3), (160000, 10)]:
        out = vggish.waveform_to_examples(rng.uniform(-0.5, 0.5, n), SR)
        assert out.shape == (expected, 96, 64) and out.dtype == np.float32, n
    assert vggish.log_mel(np.zeros(100)).shape == (0, 64)
    # the chapter's clips: 0.975 s at 16 kHz = 15600 samples = 96 frames = exactly one example
    clip = rng.uniform(-0.5, 0.5, int(0.975 * SR))
    assert clip.size == 15600 and vggish.log_mel(clip).shape == (96, 64)
    assert vggish.waveform_to_examples(clip, SR).shape == (1, 96, 64)
    # silence gives log(0.01) everywhere
    np.testing.assert_allclose(vggish.waveform_to_examples(np.zeros(15600), SR), math.log(0.01), atol=1e-6)


def test_channels_are_averaged_and_other_rates_resampled():
    rng = np.random.default_rng(1)
    stereo = rng.uniform(-0.5, 0.5, (16000, 2))
    np.testing.assert_allclose(vggish.waveform_to_examples(stereo, SR), vggish.waveform_to_examples(stereo.mean(axis=1), SR), atol=1e-6)
    np.testing.assert_array_equal(vggish.waveform_to_examples(stereo[:, :1], SR), vggish.waveform_to_examples(stereo[:, 0], SR))
    # 44.1 kHz input: resampled with course_lib.audio.resample, then the same front end
    t44 = np.arange(44100) / 44100
    tone44 = 0.5 * np.sin(2 * np.pi * 1000 * t44)
    ex44 = vggish.waveform_to_examples(tone44, 44100)
    np.testing.assert_allclose(ex44[0], vggish.log_mel(audio.resample(tone44, 44100, SR))[:96], atol=1e-6)
    tone16 = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(SR) / SR)
    ex16 = vggish.waveform_to_examples(tone16, SR)
    assert ex44.shape == ex16.shape == (1, 96, 64)
    band = np.argmax(ex16[0, 10])
    assert np.argmax(ex44[0, 10]) == band and abs(ex44[0, 10:-10, band] - ex16[0, 10:-10, band]).max() < 0.01
    assert vggish.waveform_to_examples(tone44.astype(np.float32), 44100.0).shape == (1, 96, 64)


def test_bad_input_raises_clear_errors():
    with pytest.raises(TypeError, match=r"integer PCM.*pcm_to_float"):
        vggish.waveform_to_examples(np.zeros(16000, dtype=np.int16), SR)
    with pytest.raises(TypeError, match="pcm_to_float"):
        vggish.log_mel(np.zeros(16000, dtype=np.int32))
    with pytest.raises(TypeError, match="real numeric"):
        vggish.waveform_to_examples(np.zeros(16000, dtype=complex), SR)
    x = np.zeros(16000)
    x[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        vggish.waveform_to_examples(x, SR)
    with pytest.raises(ValueError, match="NaN or infinite"):
        vggish.log_mel(np.full(800, np.inf))
    with pytest.raises(ValueError, match="shape"):
        vggish.waveform_to_examples(np.zeros((2, 2, 2)), SR)
    with pytest.raises(ValueError, match=r"waveform_16k must be 1-D"):
        vggish.log_mel(np.zeros((800, 2)))
    for bad in (0, -16000, 16000.5, float("nan")):
        with pytest.raises(ValueError, match="sample_rate"):
            vggish.waveform_to_examples(np.zeros(16000), bad)
    for bad in (True, "16000", None):
        with pytest.raises(TypeError, match="sample_rate"):
            vggish.waveform_to_examples(np.zeros(16000), bad)
    # integer PCM converted as the original does (int16 / 32768) is accepted
    pcm = (np.random.default_rng(0).uniform(-0.5, 0.5, 16000) * 32767).astype(np.int16)
    np.testing.assert_allclose(vggish.waveform_to_examples(audio.pcm_to_float(pcm), SR),
                               vggish.waveform_to_examples(pcm / 32768.0, SR), atol=1e-5)


# ----------------------------------------------------------------------------------- the network
OFFICIAL_SHAPES = {
    "vggish/conv1/weights": (3, 3, 1, 64), "vggish/conv1/biases": (64,),
    "vggish/conv2/weights": (3, 3, 64, 128), "vggish/conv2/biases": (128,),
    "vggish/conv3/conv3_1/weights": (3, 3, 128, 256), "vggish/conv3/conv3_1/biases": (256,),
    "vggish/conv3/conv3_2/weights": (3, 3, 256, 256), "vggish/conv3/conv3_2/biases": (256,),
    "vggish/conv4/conv4_1/weights": (3, 3, 256, 512), "vggish/conv4/conv4_1/biases": (512,),
    "vggish/conv4/conv4_2/weights": (3, 3, 512, 512), "vggish/conv4/conv4_2/biases": (512,),
    "vggish/fc1/fc1_1/weights": (12288, 4096), "vggish/fc1/fc1_1/biases": (4096,),
    "vggish/fc1/fc1_2/weights": (4096, 4096), "vggish/fc1/fc1_2/biases": (4096,),
    "vggish/fc2/weights": (4096, 128), "vggish/fc2/biases": (128,),
}


@pytest.fixture(scope="module")
def full_model():
    return vggish.build_vggish()


def test_full_vggish_has_the_published_layout_and_72_1_million_parameters(full_model):
    assert full_model.count_params() == 72_141_184
    assert tuple(full_model.input.shape) == (None, 96, 64, 1) and tuple(full_model.output.shape) == (None, 128)
    assert tuple(full_model.get_layer("pool4").output.shape) == (None, 6, 4, 512)
    assert tuple(full_model.get_layer("flatten").output.shape) == (None, 12288)
    assert full_model.get_layer("fc2").activation.__name__ == "linear"
    assert full_model.get_layer("fc1_2").activation.__name__ == "relu"
    shapes = {name: shape for name, (_, _, shape) in vggish.checkpoint_variables(full_model).items()}
    assert shapes == OFFICIAL_SHAPES


def save_checkpoint(prefix, weights):
    import tensorflow as tf

    names = sorted(weights)
    tf.raw_ops.SaveV2(prefix=str(prefix), tensor_names=names, shape_and_slices=[""] * len(names),
                      tensors=[tf.constant(weights[n]) for n in names])


def numpy_vggish(x, w):
    """Forward pass of VGGish in NumPy (float64): 'same' 3x3 convolutions, 2x2 max pools, dense layers."""

    def conv(a, kernel, bias):
        n, h, wd, c = a.shape
        p = np.pad(a, ((0, 0), (1, 1), (1, 1), (0, 0)))
        patches = np.stack([p[:, i:i + h, j:j + wd, :] for i in range(3) for j in range(3)], axis=3)  # n,h,w,9,c
        return np.maximum(patches.reshape(n, h, wd, 9 * c) @ kernel.reshape(9 * c, -1) + bias, 0.0)

    def pool(a):
        n, h, wd, c = a.shape
        return a.reshape(n, h // 2, 2, wd // 2, 2, c).max(axis=(2, 4))

    a = x.astype(np.float64)
    for scopes in (["conv1"], ["conv2"], ["conv3/conv3_1", "conv3/conv3_2"], ["conv4/conv4_1", "conv4/conv4_2"]):
        for s in scopes:
            a = conv(a, w[f"vggish/{s}/weights"], w[f"vggish/{s}/biases"])
        a = pool(a)
    a = a.reshape(len(a), -1)
    for s in ("fc1/fc1_1", "fc1/fc1_2"):
        a = np.maximum(a @ w[f"vggish/{s}/weights"] + w[f"vggish/{s}/biases"], 0.0)
    return a @ w["vggish/fc2/weights"] + w["vggish/fc2/biases"]


def random_weights(fc1_units, seed=0):
    rng = np.random.default_rng(seed)
    shapes = dict(OFFICIAL_SHAPES)
    shapes["vggish/fc1/fc1_1/weights"] = (12288, fc1_units)
    shapes["vggish/fc1/fc1_1/biases"] = (fc1_units,)
    shapes["vggish/fc1/fc1_2/weights"] = (fc1_units, fc1_units)
    shapes["vggish/fc1/fc1_2/biases"] = (fc1_units,)
    shapes["vggish/fc2/weights"] = (fc1_units, 128)
    out = {}
    for name, shape in shapes.items():
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        scale = math.sqrt(2.0 / fan_in) if name.endswith("weights") else 0.05
        out[name] = (rng.standard_normal(shape) * scale).astype(np.float32)
    return out


def test_loader_reads_official_names_into_keras_and_matches_numpy(tmp_path, full_model):
    fc1 = 48  # a reduced fc1 keeps the checkpoint small; the names and all other shapes are official
    weights = random_weights(fc1)
    prefix = tmp_path / "vggish_model.ckpt"
    save_checkpoint(prefix, weights)
    model = vggish.build_vggish(fc1_units=fc1)
    vggish.load_checkpoint(model, prefix)
    x = np.random.default_rng(1).standard_normal((2, 96, 64, 1)).astype(np.float32)
    keras_out = np.asarray(model(x, training=False))
    numpy_out = numpy_vggish(x, weights)
    assert keras_out.shape == (2, 128)
    assert (numpy_out < 0).any()  # fc2 is linear: negative embeddings exist
    np.testing.assert_allclose(keras_out, numpy_out, rtol=1e-3, atol=1e-3 * np.abs(numpy_out).max())
    np.testing.assert_array_equal(model.get_layer("conv3_2").get_weights()[0], weights["vggish/conv3/conv3_2/weights"])
    # the full model refuses this checkpoint, naming the variable and both shapes
    with pytest.raises(ValueError, match=r"vggish/fc1/fc1_1/weights.*\(12288, 48\).*\(12288, 4096\)"):
        vggish.load_checkpoint(full_model, prefix)
    # a missing variable is named
    del weights["vggish/conv2/biases"]
    save_checkpoint(tmp_path / "partial.ckpt", weights)
    with pytest.raises(ValueError, match="vggish/conv2/biases.*missing"):
        vggish.load_checkpoint(model, tmp_path / "partial.ckpt")
    with pytest.raises(vggish.WeightsNotFoundError, match="no TensorFlow checkpoint"):
        vggish.load_checkpoint(model, tmp_path / "absent.ckpt")


def test_missing_weights_say_what_to_download_and_where(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_VGGISH_DIR", str(tmp_path / "weights"))
    assert vggish.weights_dir() == tmp_path / "weights"
    for call in (vggish.vggish_model, vggish.load_pca_params, vggish.Postprocessor):
        with pytest.raises(vggish.WeightsNotFoundError) as info:
            call()
        message = str(info.value)
        assert "https://storage.googleapis.com/audioset/vggish_model.ckpt" in message
        assert "https://storage.googleapis.com/audioset/vggish_pca_params.npz" in message
        assert str(tmp_path / "weights") in message and "COURSE_VGGISH_DIR" in message
    assert vggish.WeightsNotFoundError is errors.WeightsNotFoundError  # the course's one such error
    assert issubclass(vggish.WeightsNotFoundError, FileNotFoundError)


# ------------------------------------------------------------------------------- the postprocessor
def test_postprocessor_is_pca_clip_and_8_bit_truncation(tmp_path):
    rng = np.random.default_rng(2)
    vectors, _ = np.linalg.qr(rng.standard_normal((128, 128)))
    means = rng.standard_normal(128) * 0.1
    emb = rng.standard_normal((5, 128)).astype(np.float32)
    ours = vggish.postprocess(emb, vectors, means)
    expected = np.empty((5, 128), dtype=np.uint8)
    for r in range(5):
        for c in range(128):
            v = sum(vectors[c, k] * (float(emb[r, k]) - means[k]) for k in range(128))
            expected[r, c] = int((min(max(v, -2.0), 2.0) + 2.0) * 255.0 / 4.0)
    assert ours.dtype == np.uint8 and np.array_equal(ours, expected)
    np.savez(tmp_path / "vggish_pca_params.npz", pca_eigen_vectors=vectors, pca_means=means.reshape(-1, 1))
    post = vggish.Postprocessor(tmp_path / "vggish_pca_params.npz")
    assert np.array_equal(post.postprocess(emb), ours)
    assert np.array_equal(vggish.postprocess(emb, np.eye(128), np.zeros(128)), audioset.quantize(emb))
    with pytest.raises(ValueError, match=r"\(n, 128\)"):
        vggish.postprocess(emb[:, :64], vectors, means)
    np.savez(tmp_path / "bad.npz", eigen=vectors)
    with pytest.raises(ValueError, match="pca_eigen_vectors"):
        vggish.load_pca_params(tmp_path / "bad.npz")


# ----------------------------------------------------------------------------------- small model
def test_frame_and_stft_magnitude_follow_the_original():
    x = np.arange(1000.0)
    frames = vggish.frame(x, 400, 160)
    assert frames.shape == (1 + (1000 - 400) // 160, 400) and not frames.flags.writeable
    assert frames[2, 0] == 320 and frames[-1, -1] == 160 * 3 + 399
    assert vggish.frame(x[:399], 400, 160).shape == (0, 400)
    spectrum = vggish.stft_magnitude(np.sin(2 * np.pi * 1000 * np.arange(16000) / SR))
    assert spectrum.shape == (98, 257) and np.all(np.argmax(spectrum, axis=1) == 32)  # 1000 Hz = bin 32 of 31.25 Hz
    for bad, error in ((0, ValueError), (400.0, TypeError), (True, TypeError)):
        with pytest.raises(error, match="window_length"):
            vggish.frame(x, bad, 160)
    with pytest.raises(ValueError, match="hop_length"):
        vggish.stft_magnitude(x, hop_length=-1)
    with pytest.raises(ValueError, match="signal must be 1-D"):
        vggish.stft_magnitude(np.zeros((800, 2)))


@pytest.mark.slow
def test_small_vggish_size_embedding_and_learning():
    import keras

    keras.utils.set_random_seed(0)
    model = vggish.small_vggish(8)
    assert 50_000 <= model.count_params() <= 200_000
    assert tuple(model.output.shape) == (None, 8)
    emb = vggish.embedding_model(model)
    assert tuple(emb.output.shape) == (None, 32)
    with pytest.raises(ValueError, match="n_classes"):
        vggish.small_vggish(1)
    with pytest.raises(TypeError, match="n_classes"):
        vggish.small_vggish(8.0)
    with pytest.raises(ValueError, match="filters must give 4"):
        vggish.small_vggish(8, filters=(8, 16, 32))
    with pytest.raises(ValueError, match=r"filters\[1\]"):
        vggish.small_vggish(8, filters=(8, 0, 32, 64))
    with pytest.raises(ValueError, match="layer must name a layer.*'nope'"):
        vggish.embedding_model(model, "nope")
    # it learns: two classes (a low and a high tone in noise), a few epochs, the training loss drops
    rng = np.random.default_rng(3)
    t = np.arange(15600) / SR
    labels = np.array([0, 1] * 8)
    clips = [0.3 * np.sin(2 * np.pi * (rng.uniform(200, 400) if c == 0 else rng.uniform(2000, 4000)) * t)
             + rng.normal(0, 0.05, t.size) for c in labels]
    x = np.concatenate([vggish.waveform_to_examples(c, SR) for c in clips])[..., None]
    small = vggish.small_vggish(2, filters=(4, 8, 8, 16), embedding_size=8)
    small.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    history = small.fit(x, labels, epochs=5, batch_size=8, verbose=0).history["loss"]
    assert history[-1] < 0.8 * history[0], history
    out = emb.predict(x[:3], verbose=0)
    assert out.shape == (3, 32) and np.all(out >= 0)


# --- the chapter's ESC-10 experiments (clip examples, clip probabilities, folds, source model, CLI) ---
def test_clip_examples_stack_equal_clips_and_refuse_ragged_ones():
    rng = np.random.default_rng(0)
    clips = rng.uniform(-0.5, 0.5, (3, 2 * SR)).astype(np.float32)
    x = vggish.clip_examples(clips, SR)
    assert x.shape == (3, 2, 96, 64) and x.dtype == np.float32
    assert np.array_equal(x[1], vggish.waveform_to_examples(clips[1], SR))
    with pytest.raises(ValueError, match="same, non-zero number of examples"):
        vggish.clip_examples([clips[0], clips[1][:SR]], SR)
    with pytest.raises(ValueError, match="at least one clip"):
        vggish.clip_examples([], SR)


class _Constant:
    """A stand-in model: per-example probabilities given by the example's first value."""

    def predict(self, x, batch_size=None, verbose=0):
        first = x[:, 0, 0, 0]
        return np.stack([first, 1 - first], axis=1)


def test_clip_probabilities_average_the_examples_of_each_clip():
    ex = np.zeros((2, 3, 96, 64), np.float32)
    ex[0, :, 0, 0] = [0.2, 0.4, 0.9]
    ex[1, :, 0, 0] = [1.0, 1.0, 0.7]
    p = vggish.clip_probabilities(_Constant(), ex)
    assert np.allclose(p, [[0.5, 0.5], [0.9, 0.1]])
    with pytest.raises(ValueError, match="examples must be"):
        vggish.clip_probabilities(_Constant(), ex[0])


def test_small_vggish_input_pool_halves_the_grid_and_is_checked():
    model = vggish.small_vggish(3, input_pool=2)
    assert tuple(model.get_layer("input_pool").output.shape) == (None, 48, 32, 1)
    assert model.count_params() == vggish.small_vggish(3).count_params()
    with pytest.raises(ValueError, match="input_pool"):
        vggish.small_vggish(3, input_pool=0)


def test_clip_embeddings_are_the_mean_embedding_of_standardised_examples():
    import keras

    keras.utils.set_random_seed(0)
    model = vggish.small_vggish(3, filters=(4, 4, 8, 8), embedding_size=6)
    x = np.random.default_rng(1).normal(2.0, 3.0, (2, 3, 96, 64)).astype(np.float32)
    e = vggish.clip_embeddings(model, x, mean=2.0, std=3.0)
    per_example = vggish.embedding_model(model).predict(((x - 2.0) / 3.0).reshape(6, 96, 64, 1), verbose=0)
    np.testing.assert_allclose(e, per_example.reshape(2, 3, 6).mean(axis=1), rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError):
        vggish.clip_embeddings(model, x, 2.0, 3.0)  # mean and std are keyword-only
