"""course_lib.wavenet (mu-law coding, causality, receptive field, naive = fast generation, training),
course_lib.melodies (its data set) and course_lib.experiments.wavenet_notes (the study that trained the
shipped model, its held-out split, per-note losses and count baselines).

How fast fast generation is, next to naive generation, is measured by
``python -m benchmarks.wavenet_generation``; here only that both give the same codes (no wall-clock
ratio is asserted)."""

import json

import librosa
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib import experiments, melodies, wavenet
from course_lib.errors import ResultsNotFoundError, StaleResultsError
from course_lib.experiments import study, wavenet_notes

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


def _compand(x, mu):
    return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)


MUS = st.integers(1, 4095)
SIGNALS = hnp.arrays(np.float64, st.integers(1, 64), elements=st.floats(-1.0, 1.0))


@settings(max_examples=200, deadline=None)
@given(x=SIGNALS, mu=MUS)
def test_mu_law_decode_of_encode_is_within_one_code_step(x, mu):
    codes = wavenet.mu_law_encode(x, mu)
    x_hat = wavenet.mu_law_decode(codes, mu).astype(np.float64)
    # companded, x lies within half a step (a step is 2 / mu) of its code's level ...
    assert np.all(np.abs(_compand(x, mu) - _compand(x_hat, mu)) <= 1 / mu + 1e-6)
    # ... so in amplitude it lies between the levels of the codes either side of its own
    below = wavenet.mu_law_decode(np.maximum(codes - 1, 0), mu)
    above = wavenet.mu_law_decode(np.minimum(codes + 1, mu), mu)
    assert np.all((below - 1e-7 <= x) & (x <= above + 1e-7))


@settings(max_examples=100, deadline=None)
@given(mu=MUS, data=st.data())
def test_mu_law_encode_of_decode_gives_the_codes_back(mu, data):
    codes = data.draw(hnp.arrays(np.int64, st.integers(1, 64), elements=st.integers(0, mu)))
    np.testing.assert_array_equal(wavenet.mu_law_encode(wavenet.mu_law_decode(codes, mu), mu), codes)


@settings(max_examples=200, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(1, 64), elements=st.floats(-1e300, 1e300)), mu=MUS)
def test_mu_law_codes_always_lie_in_0_to_mu(x, mu):
    codes = wavenet.mu_law_encode(x, mu)
    assert codes.dtype == np.int64 and codes.shape == x.shape
    assert codes.min() >= 0 and codes.max() <= mu
    # beyond ±1 the signal is clipped: the extreme codes
    np.testing.assert_array_equal(codes[x >= 1], mu)
    np.testing.assert_array_equal(codes[x <= -1], 0)


@settings(max_examples=200, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(2, 64), elements=st.floats(-1.5, 1.5)), mu=MUS)
def test_mu_law_is_monotonic(x, mu):
    x = np.sort(x)
    assert np.all(np.diff(wavenet.mu_law_encode(x, mu)) >= 0), "a larger sample never gets a smaller code"
    assert np.all(np.diff(wavenet.mu_law_decode(np.arange(mu + 1), mu)) > 0), "decoding is strictly increasing"


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
    with pytest.raises(TypeError, match="mu"):
        wavenet.mu_law_encode(0.1, mu=255.0)


def test_one_hot():
    m = wavenet.one_hot(np.array([0, 3, 255]))
    assert m.shape == (3, 256) and m.dtype == np.float32
    np.testing.assert_array_equal(m.sum(axis=1), 1)
    np.testing.assert_array_equal(np.argmax(m, axis=1), [0, 3, 255])
    with pytest.raises(ValueError, match="codes"):
        wavenet.one_hot(np.array([256]))
    with pytest.raises(TypeError, match="codes"):
        wavenet.one_hot(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="n_classes"):
        wavenet.one_hot(np.array([1, 2]), n_classes=256.0)


# --------------------------------------------------------------------------- the model

SMALL = dict(residual_channels=8, dilation_channels=8, skip_channels=16, n_layers=4, n_stacks=2)


@pytest.fixture(scope="module")
def small_model():
    return wavenet.build_model(rng=1, **SMALL)


@pytest.fixture(scope="module")
def conditioned_model():
    return wavenet.build_model(rng=2, n_conditions=3, **SMALL)


def test_receptive_field_formula_and_defaults(small_model):
    assert wavenet.receptive_field(small_model) == (2 - 1) * (1 + 2 + 4 + 8) * 2 + 1 == 31
    assert wavenet.receptive_field() >= 1024
    assert wavenet.receptive_field(n_layers=10, n_stacks=1) == 1024
    assert wavenet.receptive_field(kernel_size=3, dilations=[1, 3, 9]) == 2 * 13 + 1
    assert wavenet.hyperparameters_of(small_model)["dilations"] == [1, 2, 4, 8, 1, 2, 4, 8]
    with pytest.raises(TypeError, match="unknown hyperparameters"):
        wavenet.build_model(n_filters=3)


def test_counts_must_be_integers_and_rng_follows_the_convention():
    for call in (lambda: wavenet.dilations_for(3.0), lambda: wavenet.receptive_field(n_layers=4.0),
                 lambda: wavenet.build_model(kernel_size=2.0), lambda: wavenet.build_model(dilations=[1, 2.0])):
        with pytest.raises(TypeError, match="must be an integer"):
            call()
    with pytest.raises(ValueError, match="n_layers"):
        wavenet.dilations_for(0)
    with pytest.raises(TypeError, match="rng"):
        wavenet.build_model(rng="zero", n_layers=2)
    tiny = dict(residual_channels=2, dilation_channels=2, skip_channels=2, n_layers=2)
    a = wavenet.build_model(rng=np.random.default_rng(5), **tiny).get_weights()
    b = wavenet.build_model(rng=np.random.default_rng(5), **tiny).get_weights()
    c = wavenet.build_model(rng=np.random.default_rng(6), **tiny).get_weights()
    assert all(np.array_equal(u, v) for u, v in zip(a, b)), "the same generator state builds the same weights"
    assert not all(np.array_equal(u, v) for u, v in zip(a, c))


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
    model = wavenet.build_model(rng=4, residual_channels=4, dilation_channels=4, skip_channels=8, **hp)
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


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("conditioned", [False, True])
def test_fast_and_naive_generation_give_identical_codes(small_model, conditioned_model, conditioned, dtype):
    model = conditioned_model if conditioned else small_model
    cond = 1 if conditioned else None
    W = wavenet.numpy_weights(model)
    fast = wavenet.generate(W, 400, method="fast", rng=7, condition=cond, progress=False, dtype=dtype)
    naive = wavenet.generate(model, 400, method="naive", rng=7, condition=cond, progress=False, dtype=dtype)
    assert fast.dtype == np.int64 and fast.shape == (400,)
    assert fast.min() >= 0 and fast.max() <= 255
    np.testing.assert_array_equal(fast, naive)
    assert len(np.unique(fast)) > 10, "sampling should not be stuck on one code"


def test_fast_equals_naive_with_kernel_3_and_temperature():
    model = wavenet.build_model(rng=8, residual_channels=6, dilation_channels=6, skip_channels=8, kernel_size=3, dilations=[1, 2, 4, 8])
    for temperature in (0.0, 0.6):
        for dtype in ("float32", "float64"):
            a = wavenet.generate(model, 150, method="fast", rng=1, temperature=temperature, progress=False, dtype=dtype)
            b = wavenet.generate(model, 150, method="naive", rng=1, temperature=temperature, progress=False, dtype=dtype)
            np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_fast_equals_naive_on_the_shipped_model_across_chunks():
    W = wavenet.numpy_weights(wavenet_notes.load_model()[0])
    fast = wavenet.generate(W, 2100, method="fast", rng=3, condition=2, progress=False)  # two chunks of the fast loop
    naive = wavenet.generate(W, 45, method="naive", rng=3, condition=2, progress=False)  # three chunks of the naive loop
    np.testing.assert_array_equal(fast[:45], naive)
    assert len(np.unique(fast)) > 20


def test_float32_and_float64_distributions_agree(conditioned_model):
    """What both generators sample from, in float32 and float64, against the NumPy float64 forward pass."""
    W = wavenet.numpy_weights(conditioned_model)
    codes = np.random.default_rng(11).integers(0, 256, 200)
    reference = wavenet.forward(W, codes, condition=1)[-1]
    for dtype, tol in (("float64", 1e-12), ("float32", 1e-5)):
        logits = wavenet._window_logits(W, codes, condition=1, dtype=dtype).astype(np.float64)
        p = np.exp(logits - logits.max())
        np.testing.assert_allclose(p / p.sum(), reference, atol=tol, err_msg=dtype)
    a = wavenet.generate(W, 300, rng=0, condition=0, progress=False, dtype="float32")
    b = wavenet.generate(W, 300, rng=0, condition=0, progress=False, dtype="float64")
    assert np.mean(a == b) > 0.5, "float32 and float64 should draw mostly the same codes until a boundary case"


def test_generation_is_seeded_and_uses_the_model(small_model):
    W = wavenet.numpy_weights(small_model)
    a = wavenet.generate(W, 200, rng=0, progress=False)
    np.testing.assert_array_equal(a, wavenet.generate(W, 200, rng=0, progress=False))
    np.testing.assert_array_equal(a, wavenet.generate(W, 200, rng=np.random.default_rng(0), progress=False))
    assert not np.array_equal(a, wavenet.generate(W, 200, rng=1, progress=False))
    # the first sample follows p(x | silence): greedy decoding picks its argmax
    silence = np.full(wavenet.receptive_field(small_model), 128)
    first = np.argmax(wavenet.forward(W, silence)[-1])
    assert wavenet.generate(W, 1, temperature=0, progress=False, dtype="float64")[0] == first
    assert wavenet.generate(W, 0, progress=False).shape == (0,)


def test_generation_bad_arguments(small_model, conditioned_model):
    with pytest.raises(ValueError, match="method"):
        wavenet.generate(small_model, 5, method="slow", progress=False)
    with pytest.raises(TypeError, match="n_samples"):
        wavenet.generate(small_model, 5.0, progress=False)
    with pytest.raises(TypeError, match="rng"):
        wavenet.generate(small_model, 5, rng=0.5, progress=False)
    with pytest.raises(ValueError, match="no global conditioning"):
        wavenet.generate(small_model, 5, condition=0, progress=False)
    with pytest.raises(ValueError, match="conditioned"):
        wavenet.generate(conditioned_model, 5, progress=False)
    with pytest.raises(ValueError, match="condition"):
        wavenet.generate(conditioned_model, 5, condition=3, progress=False)
    with pytest.raises(ValueError, match="condition"):
        wavenet.generate(conditioned_model, 5, condition="violin", progress=False)
    np.testing.assert_array_equal(wavenet.generate(conditioned_model, 30, condition="trumpet", progress=False),
                                  wavenet.generate(conditioned_model, 30, condition=1, progress=False))
    with pytest.raises(ValueError, match="temperature"):
        wavenet.generate(small_model, 5, temperature=-1, progress=False)
    with pytest.raises(ValueError, match="dtype"):
        wavenet.generate(small_model, 5, dtype="float16", progress=False)


def test_generation_shows_a_progress_bar(small_model, capsys):
    wavenet.generate(small_model, 20, progress=True)
    assert "generate (fast)" in capsys.readouterr().err
    wavenet.generate(small_model, 20, progress=False)
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------- data and training


def _tone_clips(n, seconds=0.5):
    """n labelled clips at 8 kHz: pentatonic tones (label i % 2), 20-200 ms of silence first, as a model can learn."""
    rng = np.random.default_rng(n)
    clips = []
    for i in range(n):
        f = 440 * 2 ** ((melodies.SCALE[i % len(melodies.SCALE)] - 69) / 12)
        t = np.arange(int(seconds * 8000)) / 8000
        tone = (0.5 * np.sin(2 * np.pi * f * t) * (1 if i % 2 == 0 else np.sign(np.sin(2 * np.pi * f * t)))).astype(np.float32)
        clips.append(np.concatenate([np.zeros(int(rng.uniform(160, 1600)), np.float32), tone]))
    return clips, np.arange(n) % 2


def test_the_data_set_constants():
    assert wavenet.SAMPLE_RATE == melodies.SAMPLE_RATE == 8000 and wavenet.CONDITIONS == melodies.NOTE_CONDITIONS
    assert melodies.NOTE_PITCHES == melodies.SCALE[:-1] and len(melodies.NOTE_PITCHES) == 10


def test_make_examples_shifts_targets_by_one_sample():
    clips, labels = _tone_clips(2)
    d = wavenet.make_examples(clips, labels, segment_length=300, n_per_clip=3, history=50)
    assert d["inputs"].shape == d["targets"].shape == (6, 300)
    np.testing.assert_array_equal(d["inputs"][:, 1:], d["targets"][:, :-1])
    np.testing.assert_array_equal(d["condition"][:, 0], [0, 0, 0, 1, 1, 1])
    assert d["inputs"].min() >= 0 and d["inputs"].max() <= 255
    with pytest.raises(ValueError, match="one class per clip"):
        wavenet.make_examples(clips, labels[:1])
    with pytest.raises(TypeError, match="segment_length"):
        wavenet.make_examples(clips, labels, segment_length=300.0)
    with pytest.raises(ValueError, match="empty"):
        wavenet.make_examples([])
    with pytest.raises(ValueError, match=r"clips\[1\]"):
        wavenet.make_examples([clips[0], np.zeros((10, 2))])
    again = wavenet.make_examples(clips, labels, segment_length=300, n_per_clip=3, history=50,
                                  rng=np.random.default_rng(0))
    np.testing.assert_array_equal(again["inputs"], d["inputs"])


@pytest.mark.slow
def test_training_lowers_the_loss_and_save_load_round_trip(tmp_path):
    clips, labels = _tone_clips(4)
    model = wavenet.build_model(rng=0, n_conditions=2, **SMALL)
    data = wavenet.make_examples(clips, labels, segment_length=256, n_per_clip=16, history=31)
    val = wavenet.make_examples(clips, labels, segment_length=256, n_per_clip=2, history=31, rng=9)
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
    with pytest.raises(wavenet.WeightsNotFoundError, match="missing.weights.h5.*python -m course_lib.experiments wavenet_notes"):
        wavenet.load(tmp_path / "missing.weights.h5")
    assert issubclass(wavenet.WeightsNotFoundError, FileNotFoundError)


def test_note_dataset_is_real_labelled_and_normalized():
    clips, labels, midi = melodies.note_dataset(velocities=(100,), duration=0.5)
    assert clips.shape == (30, 4000) and clips.dtype == np.float32
    np.testing.assert_array_equal(labels, np.repeat([0, 1, 2], 10))
    np.testing.assert_array_equal(midi, np.tile(melodies.NOTE_PITCHES, 3))
    np.testing.assert_allclose(np.max(np.abs(clips), axis=1), 0.5, rtol=1e-6)
    # each note sounds at its key (YIN searching from a fourth below the key to an octave above it)
    for clip, m in zip(clips[::7], midi[::7]):
        f = 440 * 2 ** ((m - 69) / 12)
        f0 = float(np.median(librosa.yin(clip[:3000].astype(np.float64), fmin=0.75 * f, fmax=2 * f, sr=8000, frame_length=512)))
        assert abs(12 * np.log2(f0 / f)) < 0.5, f"MIDI {m}: {f0:.1f} Hz"
    with pytest.raises(ValueError, match="peak"):
        melodies.note_dataset(peak=0.0)


@pytest.mark.slow
def test_the_shipped_model():
    model, info = wavenet_notes.load_model()
    assert info.path(wavenet_notes.FILES[1]).stat().st_size < 2_000_000
    hp = wavenet.hyperparameters_of(model)
    assert hp["n_conditions"] == 3 and info["conditions"] == list(melodies.NOTE_CONDITIONS) and info["sr"] == 8000
    assert wavenet.receptive_field(model) >= 1024
    history = info["history"]
    assert history["loss"][-1] < history["loss"][0] < np.log(256) and len(history["val_loss"]) == len(history["loss"])
    # the recorded check loss is the loss of these weights on the fixed check batch
    data = wavenet_notes.check_batch(wavenet.receptive_field(model))
    assert abs(wavenet.evaluate(model, data) - info["check_loss"]) < 1e-4
    # the recorded per-note losses are these weights' (three unheard-pitch notes under each label, recomputed)
    sets = wavenet_notes.note_sets()
    assert {k: len(v["midi"]) for k, v in info["sets"].items()} == {k: len(v["midi"]) for k, v in sets.items()}
    for name in wavenet_notes.SETS:
        assert info["sets"][name]["midi"] == sets[name]["midi"].tolist() and info["sets"][name]["instrument"] == sets[name]["instrument"]
    cached = np.array(info["losses"]["test_pitches"])
    assert cached.shape == (9, 3) and np.array(info["losses"]["test_instrument"]).shape == (10, 3)
    for c in range(3):
        again = wavenet_notes.note_losses(model, sets["test_pitches"]["clips"][::4], c)
        np.testing.assert_allclose(again, cached[::4, c], atol=1e-4)
    markov = wavenet_notes.count_baselines(sets["train"]["clips"], sets["test_instrument"]["clips"], info["baselines"]["alpha"])
    np.testing.assert_allclose(markov["markov"], info["baselines"]["test_instrument"]["markov"], atol=1e-5)
    # the results JSON is also the model's metadata, which wavenet.load reads beside the weights
    same, meta = wavenet.load(info.path(wavenet_notes.FILES[1]))
    assert meta["hyperparameters"] == info["hyperparameters"] and meta["record"] == info.record


# --------------------------------------------------------------------------- the study



def test_the_studys_sets_hold_out_pitches_and_an_instrument():
    sets = wavenet_notes.note_sets()
    assert tuple(sets) == wavenet_notes.SETS
    assert {k: len(v["clips"]) for k, v in sets.items()} == {"train": 36, "validation": 9, "test_pitches": 9,
                                                            "test_instrument": 10}
    train = sets["train"]
    trained_pitches = set(train["midi"].tolist())
    assert trained_pitches == {57, 60, 64, 67, 74, 79}
    for name in ("validation", "test_pitches"):  # no held-out pitch is played by any training note
        assert not set(sets[name]["midi"].tolist()) & trained_pitches, name
    assert not set(sets["validation"]["midi"].tolist()) & set(sets["test_pitches"]["midi"].tolist())
    assert set(sets["test_instrument"]["instrument"]) == {"clarinet"} and (sets["test_instrument"]["labels"] == -1).all()
    assert not set(sets["test_instrument"]["instrument"]) & set(train["instrument"])
    for name, d in sets.items():
        assert d["clips"].shape[1] == 8000 and len(d["labels"]) == len(d["midi"]) == len(d["velocity"]), name
        np.testing.assert_allclose(np.max(np.abs(d["clips"]), axis=1), 0.5, rtol=1e-6)
    assert [melodies.NOTE_CONDITIONS[c] for c in train["labels"]] == train["instrument"]
    # by content: no held-out note is a training note (the old split's velocity twins correlated >= 0.999)
    c = train["clips"].astype(np.float64)
    c = (c - c.mean(axis=1, keepdims=True)) / np.linalg.norm(c - c.mean(axis=1, keepdims=True), axis=1, keepdims=True)
    for name in ("validation", "test_pitches", "test_instrument"):
        v = sets[name]["clips"].astype(np.float64)
        v = (v - v.mean(axis=1, keepdims=True)) / np.linalg.norm(v - v.mean(axis=1, keepdims=True), axis=1, keepdims=True)
        assert np.max(v @ c.T) < 0.5, name
    with pytest.raises(ValueError, match="overlap"):
        wavenet_notes.note_sets(dict(wavenet_notes.SETTINGS, validation_pitches=(62,)))
    with pytest.raises(ValueError, match="test_instrument"):
        wavenet_notes.note_sets(dict(wavenet_notes.SETTINGS, test_instrument=56))
    with pytest.raises(ValueError, match="test_pitches"):
        wavenet_notes.note_sets(dict(wavenet_notes.SETTINGS, test_pitches=(61,)))


def test_note_losses_are_the_teacher_forced_cross_entropy(conditioned_model):
    clips, labels = _tone_clips(2)
    clips = np.stack([np.asarray(c, np.float32)[-300:] for c in clips])  # 300 samples of each tone
    got = wavenet_notes.note_losses(conditioned_model, clips, labels, batch_size=1)
    rf = wavenet.receptive_field(conditioned_model)
    for clip, c, loss in zip(clips, labels, got):
        codes = np.concatenate([np.full(rf, 128), wavenet.mu_law_encode(clip)])
        p = wavenet.forward(conditioned_model, codes[:-1], condition=int(c))[rf - 1 :]  # float64 NumPy, same maths
        expected = -np.mean(np.log(p[np.arange(len(clip)), codes[rf:]]))
        assert abs(loss - expected) < 1e-4
    one_label = wavenet_notes.note_losses(conditioned_model, clips, 1)
    assert abs(one_label[1] - got[1]) < 1e-6 and abs(one_label[0] - got[0]) > 1e-6  # the label is used
    with pytest.raises(ValueError, match="condition is required"):
        wavenet_notes.note_losses(conditioned_model, clips)
    with pytest.raises(ValueError, match="one label for all notes or one per note"):
        wavenet_notes.note_losses(conditioned_model, clips, [0, 1, 2])
    with pytest.raises(ValueError, match="clips"):
        wavenet_notes.note_losses(conditioned_model, clips[0])


def test_count_baselines_by_hand():
    up = np.array([[0.0, 0.5, -0.5, 0.0]], np.float32)  # codes after the silence 128: 128, 239, 16, 128
    codes = [128, 128, 239, 16, 128]
    out = wavenet_notes.count_baselines(up, up, alpha=0.5)
    marginal = np.bincount(codes[1:], minlength=256) + 0.5
    assert abs(out["marginal"][0] + np.mean(np.log(marginal[codes[1:]] / marginal.sum()))) < 1e-12
    pairs = np.full((256, 256), 0.5)
    for a, b in zip(codes[:-1], codes[1:]):
        pairs[a, b] += 1
    expected = -np.mean([np.log(pairs[a, b] / pairs[a].sum()) for a, b in zip(codes[:-1], codes[1:])])
    assert abs(out["markov"][0] - expected) < 1e-12
    sharp = wavenet_notes.count_baselines(up, up, alpha=0.01)
    assert sharp["markov"][0] < sharp["marginal"][0] < np.log(256)  # lightly smoothed, the chain knows what follows what
    both = wavenet_notes.count_baselines(up, up, alpha={"marginal": 0.5, "markov": 2.0})
    assert both["marginal"][0] == out["marginal"][0] and both["markov"][0] > out["markov"][0]
    with pytest.raises(ValueError, match="alpha"):
        wavenet_notes.count_baselines(up, up, alpha=0.0)


@pytest.mark.slow
def test_the_studys_settings_are_the_shipped_models_training_settings():
    _, info = wavenet_notes.load_model()
    s, training, hp = info.record["settings"], info["training"], info["hyperparameters"]
    for name in ("seed", "epochs", "batch_size", "learning_rate", "segment_length", "n_per_clip"):
        assert s[name] == training[name], name
    for name in ("n_layers", "n_stacks", "residual_channels", "skip_channels"):
        assert s[name] == hp[name], name
    assert len(info["history"]["loss"]) == s["epochs"] and info.record["command"] == "python -m course_lib.experiments wavenet_notes"


def test_missing_and_stale_results_name_the_file_and_the_command(tmp_path, monkeypatch):
    with pytest.raises(ResultsNotFoundError, match="wavenet_notes.json.*python -m course_lib.experiments wavenet_notes"):
        wavenet_notes.load_model(tmp_path)
    record = study.record_for("wavenet_notes", study.settings_for("wavenet_notes"))
    (tmp_path / wavenet_notes.FILES[0]).write_text(json.dumps({"record": record, "history": {}}))
    with pytest.raises(ResultsNotFoundError, match="wavenet_notes.weights.h5.*python -m course_lib.experiments wavenet_notes"):
        wavenet_notes.load_model(tmp_path)
    monkeypatch.setitem(wavenet_notes.SETTINGS, "epochs", 11)
    with pytest.raises(StaleResultsError, match=r"settings \['epochs'\].*python -m course_lib.experiments wavenet_notes"):
        wavenet_notes.load_model(tmp_path)


@pytest.mark.slow
def test_the_quick_study_trains_saves_and_the_model_loads(tmp_path, capsys):
    experiments.run("wavenet_notes", tmp_path, quick=True, progress=True)
    printed = capsys.readouterr().out
    assert "receptive field 8 samples" in printed and "final loss" in printed
    model, info = wavenet_notes.load_model(tmp_path, quick=True)
    s = info.record["settings"]
    assert info["conditions"] == list(melodies.NOTE_CONDITIONS) and len(info["history"]["val_loss"]) == s["epochs"] == 1
    assert wavenet.hyperparameters_of(model)["n_conditions"] == 3 and wavenet.receptive_field(model) == 8
    assert all(0 < v < 2 * np.log(256) for v in info["history"]["loss"] + info["history"]["val_loss"])
    assert np.array(info["losses"]["test_pitches"]).shape == (9, 3) and np.array(info["losses"]["test_instrument"]).shape == (10, 3)
    assert len(info["losses"]["train"]) == 18 == len(info["baselines"]["train"]["markov"])  # velocity 127 only
    assert set(info["baselines"]["alpha"]) == {"marginal", "markov"} and "unheard pitches" in printed
    again = wavenet.evaluate(model, wavenet_notes.check_batch(wavenet.receptive_field(model), s["check_segment_length"]))
    assert abs(again - info["check_loss"]) < 1e-4, "the loaded weights give the check loss the run recorded"
    with pytest.raises(StaleResultsError, match="quick"):
        wavenet_notes.load_model(tmp_path)
