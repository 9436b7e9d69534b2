"""course_lib.wavenet: mu-law coding, causality, receptive field, naive = fast generation, training."""

import json
import time

import librosa
import numpy as np
import pytest

from course_lib import assets, wavenet

MU = 255


# --------------------------------------------------------------------------- mu-law


def test_mu_law_round_trip_on_all_256_codes():
    codes = np.arange(256)
    x = wavenet.mu_law_decode(codes)
    assert x.dtype == np.float32 and np.all(np.abs(x) <= 1.0)
    assert np.all(np.diff(x) > 0), "decoding must be strictly increasing"
    np.testing.assert_array_equal(wavenet.mu_law_encode(x), codes)
    assert wavenet.mu_law_encode(x).dtype == np.int64


def test_mu_law_fixed_points_and_formula():
    assert wavenet.mu_law_encode(0.0) == 128  # (0 + 1) / 2 · 255 + 0.5 = 128
    assert wavenet.mu_law_encode(1.0) == 255 and wavenet.mu_law_encode(-1.0) == 0
    assert wavenet.mu_law_encode(3.0) == 255 and wavenet.mu_law_encode(-7.0) == 0  # clipped
    assert wavenet.mu_law_decode(0) == -1.0 and wavenet.mu_law_decode(255) == 1.0
    # the textbook formula written independently
    x = np.linspace(-1, 1, 1001)
    y = np.sign(x) * np.log(1 + MU * np.abs(x)) / np.log(1 + MU)
    np.testing.assert_array_equal(wavenet.mu_law_encode(x), np.floor((y + 1) / 2 * MU + 0.5))
    assert wavenet.mu_law_encode(x).shape == x.shape


def test_mu_law_encode_rounds_to_the_nearest_level():
    x = np.random.default_rng(0).uniform(-1, 1, 20000)
    y = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)
    levels = 2 * np.arange(MU + 1) / MU - 1  # companded value of each code
    nearest = np.argmin(np.abs(y[:, None] - levels[None, :]), axis=1)
    np.testing.assert_array_equal(wavenet.mu_law_encode(x), nearest)
    # decoding the code lands within half a step of y, in the companded domain
    y_hat = 2 * wavenet.mu_law_encode(x) / MU - 1
    assert np.max(np.abs(y - y_hat)) <= 1 / MU + 1e-12


def test_mu_law_against_librosa_differs_by_at_most_one_code():
    x = np.random.default_rng(1).uniform(-1, 1, 20000)
    ours = wavenet.mu_law_encode(x)
    theirs = librosa.mu_compress(x, mu=MU, quantize=True).astype(np.int64) + 128
    diff = theirs - ours
    assert set(np.unique(diff)) <= {0, 1}, "librosa rounds up (digitize), we round to nearest"
    assert 0.35 < np.mean(diff == 1) < 0.65
    # librosa decodes on a different grid (code / 128), within one step of ours
    back = librosa.mu_expand(theirs - 128, mu=MU, quantize=True)
    assert np.max(np.abs(wavenet.mu_law_encode(back) - ours)) <= 1


def test_mu_law_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        wavenet.mu_law_encode([0.0, np.nan])
    with pytest.raises(TypeError, match="numeric"):
        wavenet.mu_law_encode(["a"])
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        wavenet.mu_law_decode([0, 256])
    with pytest.raises(ValueError, match="integers"):
        wavenet.mu_law_decode([1.5])
    with pytest.raises(ValueError, match="mu"):
        wavenet.mu_law_encode(0.1, mu=0)


def test_one_hot():
    m = wavenet.one_hot(np.array([0, 3, 255]))
    assert m.shape == (3, 256) and m.dtype == np.float32
    np.testing.assert_array_equal(m.sum(axis=1), 1)
    np.testing.assert_array_equal(np.argmax(m, axis=1), [0, 3, 255])
    with pytest.raises(ValueError):
        wavenet.one_hot(np.array([256]))


# --------------------------------------------------------------------------- the model

SMALL = dict(residual_channels=8, dilation_channels=8, skip_channels=16, n_layers=4, n_stacks=2)


@pytest.fixture(scope="module")
def small_model():
    return wavenet.build_model(seed=1, **SMALL)


@pytest.fixture(scope="module")
def conditioned_model():
    return wavenet.build_model(seed=2, n_conditions=2, **SMALL)


def test_receptive_field_formula_and_defaults(small_model):
    assert wavenet.receptive_field(small_model) == (2 - 1) * (1 + 2 + 4 + 8) * 2 + 1 == 31
    assert wavenet.receptive_field() >= 1024
    assert wavenet.receptive_field(n_layers=10, n_stacks=1) == 1024
    assert wavenet.receptive_field(kernel_size=3, dilations=[1, 3, 9]) == 2 * 13 + 1
    assert wavenet.hyperparameters_of(small_model)["dilations"] == [1, 2, 4, 8, 1, 2, 4, 8]
    with pytest.raises(TypeError, match="unknown hyperparameters"):
        wavenet.build_model(n_filters=3)


def _reach(W, n=120, t0=10):
    """Empirical receptive field: how far after input t0 the outputs change when it changes."""
    codes = np.random.default_rng(3).integers(0, 256, n)
    base = wavenet.forward(W, codes, logits=True)
    codes2 = codes.copy()
    codes2[t0] = (codes[t0] + 100) % 256
    changed = np.flatnonzero(np.any(np.abs(wavenet.forward(W, codes2, logits=True) - base) > 1e-12, axis=1))
    assert changed.min() == t0, "output at t0 must depend on input t0; nothing before it"
    return changed.max() - t0 + 1


@pytest.mark.parametrize("hp", [dict(n_layers=4, n_stacks=2), dict(dilations=[1, 3, 9], kernel_size=3), dict(n_layers=6, n_stacks=1)])
def test_receptive_field_matches_an_empirical_measurement(hp):
    model = wavenet.build_model(seed=4, residual_channels=4, dilation_channels=4, skip_channels=8, **hp)
    assert _reach(wavenet.numpy_weights(model)) == wavenet.receptive_field(model)


def test_keras_model_is_causal(small_model):
    codes = np.random.default_rng(5).integers(0, 256, (1, 200)).astype("int32")
    base = small_model.predict(codes, verbose=0)
    assert base.shape == (1, 200, 256)
    np.testing.assert_allclose(base.sum(axis=-1), 1, atol=1e-5)
    for t in (0, 57, 199):
        perturbed = codes.copy()
        perturbed[0, t] = (codes[0, t] + 128) % 256
        out = small_model.predict(perturbed, verbose=0)
        assert np.all(np.abs(out[0, :t] - base[0, :t]) < 1e-6), f"an output before {t} changed"
        assert np.max(np.abs(out[0, t] - base[0, t])) > 1e-4, f"output {t} ignores input {t}"
        if t + 31 < 200:  # beyond the receptive field: unchanged again
            assert np.max(np.abs(out[0, t + 31 :] - base[0, t + 31 :])) < 1e-6


def test_numpy_forward_matches_keras(conditioned_model):
    codes = np.random.default_rng(6).integers(0, 256, 300)
    for c in (0, 1):
        keras_p = conditioned_model.predict([codes[None].astype("int32"), np.array([[c]], "int32")], verbose=0)[0]
        np.testing.assert_allclose(wavenet.forward(conditioned_model, codes, condition=c), keras_p, atol=2e-5)
    p0 = wavenet.forward(conditioned_model, codes, condition=0)
    assert np.max(np.abs(p0 - wavenet.forward(conditioned_model, codes, condition=1))) > 1e-4, "condition is ignored"


# --------------------------------------------------------------------------- generation


@pytest.mark.parametrize("conditioned", [False, True])
def test_fast_and_naive_generation_give_identical_codes(small_model, conditioned_model, conditioned):
    model = conditioned_model if conditioned else small_model
    cond = 1 if conditioned else None
    W = wavenet.numpy_weights(model)
    fast = wavenet.generate(W, 400, method="fast", seed=7, condition=cond, progress=False)
    naive = wavenet.generate(model, 400, method="naive", seed=7, condition=cond, progress=False)
    assert fast.dtype == np.int64 and fast.shape == (400,)
    assert fast.min() >= 0 and fast.max() <= 255
    np.testing.assert_array_equal(fast, naive)
    assert len(np.unique(fast)) > 10, "sampling should not be stuck on one code"


def test_fast_equals_naive_with_kernel_3_and_temperature():
    model = wavenet.build_model(seed=8, residual_channels=6, dilation_channels=6, skip_channels=8, kernel_size=3, dilations=[1, 2, 4, 8])
    for temperature in (0.0, 0.6):
        a = wavenet.generate(model, 150, "fast", seed=1, temperature=temperature, progress=False)
        b = wavenet.generate(model, 150, "naive", seed=1, temperature=temperature, progress=False)
        np.testing.assert_array_equal(a, b)


def test_generation_is_seeded_and_uses_the_model(small_model):
    W = wavenet.numpy_weights(small_model)
    a = wavenet.generate(W, 200, seed=0, progress=False)
    np.testing.assert_array_equal(a, wavenet.generate(W, 200, seed=0, progress=False))
    assert not np.array_equal(a, wavenet.generate(W, 200, seed=1, progress=False))
    # the first sample follows p(x | silence): greedy decoding picks its argmax
    silence = np.full(wavenet.receptive_field(small_model), 128)
    first = np.argmax(wavenet.forward(W, silence)[-1])
    assert wavenet.generate(W, 1, temperature=0, progress=False)[0] == first
    assert wavenet.generate(W, 0, progress=False).shape == (0,)


def test_generation_bad_arguments(small_model, conditioned_model):
    with pytest.raises(ValueError, match="method"):
        wavenet.generate(small_model, 5, method="slow", progress=False)
    with pytest.raises(ValueError, match="no global conditioning"):
        wavenet.generate(small_model, 5, condition=0, progress=False)
    with pytest.raises(ValueError, match="conditioned"):
        wavenet.generate(conditioned_model, 5, progress=False)
    with pytest.raises(ValueError, match="condition"):
        wavenet.generate(conditioned_model, 5, condition=2, progress=False)
    with pytest.raises(ValueError, match="temperature"):
        wavenet.generate(small_model, 5, temperature=-1, progress=False)


def test_generation_shows_a_progress_bar(small_model, capsys):
    wavenet.generate(small_model, 20, progress=True)
    assert "generate (fast)" in capsys.readouterr().err
    wavenet.generate(small_model, 20, progress=False)
    assert capsys.readouterr().err == ""


def test_fast_is_at_least_10x_faster_than_naive_with_the_default_model():
    W = wavenet.numpy_weights(wavenet.build_model())
    assert wavenet.receptive_field(W["hp"]) >= 1024
    wavenet.generate(W, 20, "fast", progress=False)  # warm up
    t0 = time.perf_counter()
    wavenet.generate(W, 300, "fast", progress=False)
    fast = (time.perf_counter() - t0) / 300
    t0 = time.perf_counter()
    wavenet.generate(W, 4, "naive", progress=False)
    naive = (time.perf_counter() - t0) / 4
    assert naive / fast >= 10, f"fast generation is only {naive / fast:.1f}× faster than naive"


# --------------------------------------------------------------------------- data and training


def test_melody_dataset_is_deterministic_and_labelled():
    clips, labels = wavenet.melody_dataset(4, n_notes=3, seed=3)
    clips2, _ = wavenet.melody_dataset(4, n_notes=3, seed=3)
    np.testing.assert_array_equal(labels, [0, 1, 0, 1])
    for a, b in zip(clips, clips2):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == np.float32 and 0.39 < np.max(np.abs(a)) <= 0.8
        assert 3 * 2000 + 0.02 * 8000 <= a.size <= 3 * 2000 + 0.2 * 8000 + 1
        assert np.all(a[:100] == 0), "melodies start after a short silence"
    organ = wavenet.melody("organ", notes=[69], note_duration=0.5)
    spectrum = np.abs(np.fft.rfft(organ))
    assert abs(np.argmax(spectrum) * 8000 / organ.size - 440) < 3
    with pytest.raises(ValueError, match="kind"):
        wavenet.melody("violin")


def test_make_examples_shifts_targets_by_one_sample():
    clips, labels = wavenet.melody_dataset(2, n_notes=2, seed=0)
    d = wavenet.make_examples(clips, labels, segment_length=300, n_per_clip=3, history=50)
    assert d["inputs"].shape == d["targets"].shape == (6, 300)
    np.testing.assert_array_equal(d["inputs"][:, 1:], d["targets"][:, :-1])
    np.testing.assert_array_equal(d["condition"][:, 0], [0, 0, 0, 1, 1, 1])
    assert d["inputs"].min() >= 0 and d["inputs"].max() <= 255
    with pytest.raises(ValueError, match="one class per clip"):
        wavenet.make_examples(clips, labels[:1])


def test_training_lowers_the_loss_and_save_load_round_trip(tmp_path):
    clips, labels = wavenet.melody_dataset(4, n_notes=2, seed=1)
    model = wavenet.build_model(seed=0, n_conditions=2, **SMALL)
    data = wavenet.make_examples(clips, labels, segment_length=256, n_per_clip=16, history=31)
    val = wavenet.make_examples(clips, labels, segment_length=256, n_per_clip=2, history=31, seed=9)
    history = wavenet.train(model, data, epochs=4, batch_size=8, learning_rate=1e-2, validation_data=val, progress=False)
    assert set(history) == {"loss", "val_loss"} and len(history["loss"]) == 4
    assert history["val_loss"][-1] < np.log(256) - 1.0, f"validation loss still {history['val_loss'][-1]:.2f} nats"
    assert history["loss"][-1] < history["loss"][0]
    path = tmp_path / "m.weights.h5"
    json_path = wavenet.save(model, path, history=history)
    assert json.loads(json_path.read_text())["history"] == history
    loaded, info = wavenet.load(path)
    assert wavenet.hyperparameters_of(loaded) == wavenet.hyperparameters_of(model)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="weights.h5"):
        wavenet.save(model, tmp_path / "m.h5")
    with pytest.raises(FileNotFoundError, match="course_lib.wavenet train"):
        wavenet.load(tmp_path / "missing.weights.h5")


def test_the_shipped_model():
    path = assets.data_dir() / wavenet.PRETRAINED
    assert path.stat().st_size < 2_000_000
    model, info = wavenet.load_pretrained()
    hp = wavenet.hyperparameters_of(model)
    assert hp["n_conditions"] == 2 and info["conditions"] == ["plucked", "organ"] and info["sr"] == 8000
    assert wavenet.receptive_field(model) >= 1024
    history = info["history"]
    assert history["val_loss"][-1] < history["val_loss"][0] < np.log(256)
    assert history["val_loss"][-1] < 2.5
    assert "python -m course_lib.wavenet train" in info["training"]["command"]
    # it predicts held-out melodies far better than a uniform guess, for both classes
    clips, labels = wavenet.melody_dataset(2, n_notes=2, seed=12345)
    data = wavenet.make_examples(clips, labels, segment_length=1024, n_per_clip=1, history=wavenet.receptive_field(model))
    assert wavenet.evaluate(model, data) < 3.0
