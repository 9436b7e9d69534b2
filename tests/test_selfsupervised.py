"""course_lib.models.selfsupervised: COLA's loss against NumPy, the views, the unlabelled pool, masked prediction."""

import numpy as np
import pytest

from course_lib.models import selfsupervised as ss

SR = 16000


def _clips(n=6, seconds=5.0, seed=0):
    """Distinct synthetic clips (a tone of its own in noise, silent padding at the end)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(SR * seconds)) / SR
    clips = []
    for i in range(n):
        y = 0.3 * np.sin(2 * np.pi * (200 + 150 * i) * t) + rng.normal(0, 0.01, t.size)
        y[int(SR * 3.5):] = 0.0                       # ESC-10 pads clips with digital silence
        clips.append(y.astype(np.float32))
    return np.stack(clips)


def test_cola_loss_in_keras_equals_the_numpy_reference():
    from keras import ops

    rng = np.random.default_rng(0)
    z_a, z_b = np.tanh(rng.normal(size=(2, 8, 5))).astype(np.float32)
    W = rng.normal(size=(5, 5)).astype(np.float32)
    keras_loss = float(ops.convert_to_numpy(ss.cola_loss(ops.convert_to_tensor(z_a), ops.convert_to_tensor(z_b),
                                                         ops.convert_to_tensor(W))))
    assert keras_loss == pytest.approx(ss.cola_loss_numpy(z_a, z_b, W), rel=1e-5)
    # the reference itself: with W = 0 every pair is equally similar, the loss is log n; matched one-hot views win
    assert ss.cola_loss_numpy(z_a, z_b, np.zeros((5, 5))) == pytest.approx(np.log(8))
    eye = np.eye(4)
    assert ss.cola_loss_numpy(eye, eye, 20 * eye) < 1e-6
    assert ss.cola_loss_numpy(eye, eye[::-1], 20 * eye) > 19      # every anchor most similar to a negative


def test_cola_loss_numpy_refuses_bad_shapes_and_a_single_pair():
    with pytest.raises(ValueError, match="z_a and z_b must be"):
        ss.cola_loss_numpy(np.zeros((4, 3)), np.zeros((4, 2)), np.eye(3))
    with pytest.raises(ValueError, match="at least 2 pairs"):
        ss.cola_loss_numpy(np.zeros((1, 3)), np.zeros((1, 3)), np.eye(3))


def test_views_differ_keep_their_shape_stay_on_the_sound_and_repeat_with_the_seed():
    clips = _clips(4)
    noise = np.random.default_rng(1).normal(0, 0.1, SR * 3).astype(np.float32)
    a = ss.views(clips, 0, segment=1.0, noises=[noise])
    gen = np.random.default_rng(0)
    v1, v2 = ss.views(clips, gen, segment=1.0, noises=[noise]), ss.views(clips, gen, segment=1.0, noises=[noise])
    assert a.shape == v1.shape == v2.shape == (4, 1 + SR // 320, 64, 1) and a.dtype == np.float32
    assert np.array_equal(a, v1), "the same seed gives the same views"
    assert not np.allclose(v1, v2), "two views of one clip differ"
    # no view is cut from the silent padding: every view holds the clip's tone
    quiet = ss.views(clips, 3, segment=1.0, spec={"n_freq_masks": 0, "n_time_masks": 0})
    assert (quiet.max(axis=(1, 2, 3)) > -20).all()
    ext = ss.audible_extent(clips)
    assert np.all(ext[:, 1] <= int(3.5 * SR) + 160) and np.all(ext[:, 0] < 160)


def test_views_refuse_bad_arguments():
    clips = _clips(2, seconds=1.0)
    with pytest.raises(ValueError, match="segment"):
        ss.views(clips, 0, segment=2.0)
    with pytest.raises(ValueError, match="p_noise"):
        ss.views(clips, 0, segment=0.5, p_noise=1.5)
    with pytest.raises(ValueError, match="std"):
        ss.views(clips, 0, segment=0.5, std=0.0)
    with pytest.raises(ValueError, match="sr must be 16000"):
        ss.log_mel(clips, 22050)


def test_the_pool_holds_the_training_folds_and_background_excerpts_and_no_test_fold_clip():
    clips = _clips(8)
    folds = np.array([1, 1, 2, 2, 3, 3, 5, 5])
    background = np.random.default_rng(2).normal(0, 0.1, int(SR * 12.3)).astype(np.float32)
    pool, source = ss.unlabelled_pool(list(clips), folds, 5, backgrounds=[background])
    assert pool.shape == (6 + 2, 5 * SR) and source.tolist() == [0, 1, 2, 3, 4, 5, -1, -1]
    test_clips = {clips[i].tobytes() for i in np.flatnonzero(folds == 5)}
    assert not test_clips & {row.tobytes() for row in pool}, "a test-fold clip is in the pool"
    assert {row.tobytes() for row in pool[:6]} == {clips[i].tobytes() for i in np.flatnonzero(folds != 5)}
    assert np.array_equal(pool[7], background[5 * SR:10 * SR])
    with pytest.raises(ValueError, match="test_fold"):
        ss.unlabelled_pool(list(clips), folds, 4)
    with pytest.raises(ValueError, match="same clips"):
        ss.unlabelled_pool(list(clips), folds[:3], 5)
    with pytest.raises(ValueError, match="piece"):
        ss.unlabelled_pool(list(clips[:, :SR]), folds, 5)


def test_the_esc10_pool_holds_no_clip_of_the_test_fold():
    from course_lib.datasets import corpora

    try:
        clips, labels, folds, _ = corpora.load_esc10(sr=SR)
    except corpora.DataError as exc:   # pragma: no cover - depends on the machine
        pytest.skip(f"ESC-10 is not available: {exc}")
    pool, source = ss.unlabelled_pool(clips, folds, 5)
    folds = np.asarray(folds)
    assert len(pool) == int(np.sum(folds != 5)) == 318 and not np.any(folds[source] == 5)
    test = {np.asarray(clips[i], dtype=np.float32).tobytes() for i in np.flatnonzero(folds == 5)}
    assert not test & {row.tobytes() for row in pool}, "a fold-5 clip is in the pool"


@pytest.mark.slow
def test_pretraining_repeats_with_its_seed_and_refuses_a_batch_larger_than_the_pool():
    pool = _clips(6)
    kw = dict(epochs=2, batch_size=3, filters=(4, 8), projection=8, segment=0.5, mean=-40.0, std=30.0)
    enc, h = ss.pretrain(pool, rng=1, **kw)
    _, again = ss.pretrain(pool, rng=1, **kw)
    assert len(h["step_loss"]) == 4 and len(h["loss"]) == len(h["accuracy"]) == 2
    assert np.all(np.isfinite(h["step_loss"])) and h["step_loss"] == again["step_loss"]
    emb = ss.embed(enc, (ss.log_mel(pool) + 40.0) / 30.0)
    assert emb.shape == (6, 8) and np.isfinite(emb).all()
    _, short = ss.pretrain(pool, rng=1, max_steps=1, **kw)
    assert short["step_loss"] == h["step_loss"][:1]
    with pytest.raises(ValueError, match="batch_size"):
        ss.pretrain(pool, rng=1, **{**kw, "batch_size": 7})
    with pytest.raises(ValueError, match="batch_size"):
        ss.pretrain(pool, rng=1, **{**kw, "batch_size": 1})


def test_segments_tile_the_audible_part_and_only_it():
    clips = _clips(3)                                 # sound for 3.5 s, then silence
    pieces, owner = ss.segments(clips, segment=1.0)
    assert pieces.shape == (12, SR) and owner.tolist() == [0] * 4 + [1] * 4 + [2] * 4, "ceil(3.5 s / 1 s) = 4 each"
    assert (np.abs(pieces).max(axis=1) > 0.2).all() and (np.abs(pieces[:, -160:]).max(axis=1) > 0.2).all(), \
        "no excerpt reaches into the silent padding"
    ramp = np.zeros(5 * SR, dtype=np.float32)
    ramp[:int(3.5 * SR)] = 0.1 + 1e-6 * np.arange(int(3.5 * SR))   # every sample tells where it is
    pieces, _ = ss.segments([ramp], segment=1.0)
    starts = [int(np.flatnonzero(ramp == p[0])[0]) for p in pieces]
    assert all(np.array_equal(ramp[s:s + SR], p) for s, p in zip(starts, pieces))
    (a, b), = ss.audible_extent([ramp])
    assert starts[0] == a and starts[-1] + SR == b and np.all(np.diff(starts) <= SR), "they cover [a, b) without gaps"
    short = np.zeros(5 * SR, dtype=np.float32)
    short[2 * SR:2 * SR + 3200] = 0.5                 # 0.2 s of sound: one excerpt, holding it
    piece, owner = ss.segments([short], segment=1.0)
    assert piece.shape == (1, SR) and owner.tolist() == [0] and np.sum(piece != 0) >= 3000
    with pytest.raises(ValueError, match="segment"):
        ss.segments(_clips(1, seconds=0.5), segment=1.0)


def test_predict_segments_averages_the_excerpts_probabilities():
    class Loudness:                                   # a stand-in model: P(class 1) grows with the excerpt's level
        def predict(self, x, batch_size, verbose):
            p1 = 1 / (1 + np.exp(-x.mean(axis=(1, 2, 3))))
            return np.stack([1 - p1, p1], axis=1)

    clips = _clips(2)
    p = ss.predict_segments(Loudness(), clips, segment=1.0, mean=-40.0, std=30.0)
    pieces, owner = ss.segments(clips, segment=1.0)
    each = Loudness().predict((ss.log_mel(pieces) + 40.0) / 30.0, 64, 0)
    assert p.shape == (2, 2) and np.allclose(p, [each[owner == i].mean(axis=0) for i in range(2)], atol=1e-6)
    with pytest.raises(ValueError, match="std"):
        ss.predict_segments(Loudness(), clips, segment=1.0, std=0.0)


@pytest.mark.slow
def test_supervised_baseline_trains_and_refuses_bad_labels():
    import keras

    clips = _clips(4)
    model = ss.train_supervised(clips, [0, 1, 0, 1], 2, steps=2, filters=(4, 8), segment=0.5, mean=-40.0, std=30.0)
    p = ss.predict_segments(model, clips, segment=0.5, mean=-40.0, std=30.0)
    assert p.shape == (4, 2) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    # precise BatchNorm: the first layer's statistics are those of the training clips' plain excerpts (one batch)
    pieces, _ = ss.segments(clips, segment=0.5)
    conv = keras.Model(model.inputs, model.get_layer("conv1").output)
    h = conv.predict((ss.log_mel(pieces) + 40.0) / 30.0, verbose=0)
    bn = model.get_layer("bn1")
    assert len(pieces) <= 32 and np.allclose(bn.moving_mean.numpy(), h.mean(axis=(0, 1, 2)), atol=1e-4)
    assert np.allclose(bn.moving_variance.numpy(), h.var(axis=(0, 1, 2)), rtol=1e-3, atol=1e-5)
    assert bn.momentum == 0.99, "the momentum is restored"
    with pytest.raises(ValueError, match="labels must lie"):
        ss.train_supervised(clips, [0, 1, 2, 1], 2, steps=1)
    with pytest.raises(ValueError, match="same clips"):
        ss.train_supervised(clips, [0, 1], 2, steps=1)


def test_mask_spans_hide_the_asked_share_in_spans():
    mask = ss.mask_spans(200, 0.4, 0, span=5)
    assert mask.sum() >= 80 and mask.sum() < 85
    runs = np.diff(np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0])))[::2]
    assert runs.min() >= 5, "hidden frames come in spans of at least 5"
    assert not ss.mask_spans(200, 0.0, 0).any()
    with pytest.raises(ValueError, match="ratio"):
        ss.mask_spans(200, 1.0, 0)


def test_interpolation_is_exact_on_straight_lines_and_the_predictor_learns_what_it_cannot():
    t = np.arange(60, dtype=float)
    ramp = np.stack([t, -2 * t + 5], axis=1)
    mask = np.zeros(60, bool)
    mask[10:20] = True
    assert np.allclose(ss.interpolate_frames(ramp, mask), ramp)
    with pytest.raises(ValueError, match="every frame"):
        ss.interpolate_frames(ramp, np.ones(60, bool))
    # a periodic pattern (a tick every 4 frames) that straight lines cannot follow but its context gives away
    rng = np.random.default_rng(0)
    tick = (np.arange(120) % 4 == 0).astype(float)
    specs = [np.outer(tick, rng.uniform(5, 10, 8)) + rng.normal(0, 0.1, (120, 8)) for _ in range(40)]
    w = ss.fit_masked_predictor(specs[:30], 0.3, 0, span=1, context=4, ridge=1e-3)
    err_model, err_line = [], []
    for i, x in enumerate(specs[30:]):
        m = ss.mask_spans(len(x), 0.3, 100 + i, span=1)
        err_model.append(np.mean((ss.predict_masked(w, x, m, context=4)[m] - x[m]) ** 2))
        err_line.append(np.mean((ss.interpolate_frames(x, m)[m] - x[m]) ** 2))
    assert np.mean(err_model) < 0.5 * np.mean(err_line)
    with pytest.raises(ValueError, match="another context"):
        ss.predict_masked(w, specs[0], ss.mask_spans(120, 0.3, 0), context=2)
