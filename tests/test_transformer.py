"""course_lib.models.transformer: patches, attention against Keras, the cost counter, patchout, the builders."""

import numpy as np
import pytest

from course_lib.models import training, transformer

#: float32 Keras against float64 NumPy on unit-scale tokens: measured differences are below 1e-6.
ATOL = 1e-5


def test_token_grid_counts_patches_like_a_valid_convolution():
    assert transformer.token_grid(94, 32, (8, 8)) == (11, 4)
    assert transformer.token_grid(94, 32, 8, stride=4) == (22, 7)
    assert transformer.token_grid(16, 16, (16, 16)) == (1, 1)
    with pytest.raises(ValueError, match="patch"):
        transformer.token_grid(6, 32, (8, 8))
    with pytest.raises(TypeError, match="patch"):
        transformer.token_grid(94, 32, (8, 8, 1))
    with pytest.raises(TypeError, match="n_frames"):
        transformer.token_grid(94.0, 32, 8)


def test_patchify_orders_tokens_time_major():
    spec = np.arange(6 * 4, dtype=float).reshape(6, 4)       # frames × bands
    tokens = transformer.patchify(spec, (3, 2))
    assert tokens.shape == (4, 6)                             # grid (2, 2), 3·2 values each
    np.testing.assert_array_equal(tokens[1], spec[0:3, 2:4].ravel())   # time patch 0, frequency patch 1
    np.testing.assert_array_equal(tokens[2], spec[3:6, 0:2].ravel())   # time patch 1, frequency patch 0
    overlapping = transformer.patchify(spec[None, ..., None], (4, 2), stride=(2, 1))
    assert overlapping.shape == (1, 2 * 3, 8)
    np.testing.assert_array_equal(overlapping[0, 4], spec[2:6, 1:3].ravel())
    with pytest.raises(ValueError, match="spec"):
        transformer.patchify(np.zeros(10), 2)


def test_patch_embedding_equals_the_models_conv2d_layer():
    import keras

    model = transformer.spectrogram_transformer((40, 16, 1), 3, patch=(8, 4), stride=(4, 4), d_model=16, n_heads=2,
                                                n_layers=1)
    assert model.grid == transformer.token_grid(40, 16, (8, 4), (4, 4)) == (9, 4)
    x = np.random.default_rng(0).standard_normal((2, 40, 16, 1)).astype(np.float32)
    tokens = np.asarray(keras.Model(model.input, model.get_layer("tokens").output)(x))
    ref = transformer.patch_embedding(x, *model.get_layer("patch_embedding").get_weights(), (8, 4), (4, 4))
    assert tokens.shape == ref.shape == (2, 36, 16)
    np.testing.assert_allclose(tokens, ref, atol=ATOL)
    with pytest.raises(ValueError, match="kernel"):
        transformer.patch_embedding(x, np.zeros((5, 16)), np.zeros(16), (8, 4))


@pytest.mark.parametrize("heads, d_k, out", [(4, 8, None), (1, 16, 10), (3, 5, None)])
def test_attention_written_out_equals_keras(heads, d_k, out):
    import keras

    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 7, 12)).astype(np.float32)
    layer = keras.layers.MultiHeadAttention(heads, d_k, output_shape=out)
    y, scores = layer(x, x, return_attention_scores=True)
    mine, weights = transformer.multi_head_attention(x, layer.get_weights())
    np.testing.assert_allclose(mine, np.asarray(y), atol=ATOL)
    np.testing.assert_allclose(weights, np.asarray(scores), atol=ATOL)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-12)
    # one clip without a batch axis, and cross-attention over other tokens
    one, _ = transformer.multi_head_attention(x[0], layer.get_weights())
    np.testing.assert_allclose(one, mine[0], atol=1e-12)
    c = rng.standard_normal((2, 5, 12)).astype(np.float32)
    cross, w = transformer.multi_head_attention(x, layer.get_weights(), context=c)
    np.testing.assert_allclose(cross, np.asarray(layer(x, c)), atol=ATOL)
    assert w.shape == (2, heads, 7, 5)
    with pytest.raises(ValueError, match="weights"):
        transformer.multi_head_attention(x, layer.get_weights()[:6])


def test_attention_cost_is_the_stated_formula():
    cost = transformer.attention_cost(45, 48, 4, n_layers=3, batch=2)
    assert cost["qk_flops"] == cost["av_flops"] == 2 * 45 ** 2 * 48 * 3 * 2
    assert cost["attention_flops"] == 4 * 45 ** 2 * 48 * 6
    assert cost["projection_flops"] == 8 * 45 * 48 ** 2 * 6
    assert cost["attention_bytes"] == 4 * 45 ** 2 * 4 * 6
    doubled = transformer.attention_cost(90, 48, 4)
    single = transformer.attention_cost(45, 48, 4)
    assert doubled["attention_flops"] == 4 * single["attention_flops"]           # quadratic in tokens
    assert doubled["projection_flops"] == 2 * single["projection_flops"]         # linear in tokens
    with pytest.raises(ValueError, match="n_heads"):
        transformer.attention_cost(45, 50, 4)
    with pytest.raises(TypeError, match="n_tokens"):
        transformer.attention_cost(4.5, 48, 4)


def test_patchout_keeps_the_stated_share_in_training_only():
    import keras

    grid = (11, 4)
    assert transformer.patchout_count(grid, 0.5) == 22
    assert transformer.patchout_count(grid, 0.0, time_stripes=2, freq_stripes=1) == 27
    assert transformer.patchout_count(grid, 0.5, time_stripes=2, freq_stripes=1) == 14
    kept = transformer.patchout_indices(grid, 0.25, time_stripes=1, rng=3)
    assert kept.size == transformer.patchout_count(grid, 0.25, time_stripes=1) == 30 and np.all(np.diff(kept) > 0)
    layer = transformer.Patchout(grid, rate=0.5, time_stripes=2, freq_stripes=1, seed=0)
    x = np.random.default_rng(0).standard_normal((3, 44, 8)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)                       # inference: every token
    out = np.asarray(layer(x, training=True))
    assert out.shape == (3, 14, 8)
    rows = [int(np.flatnonzero(np.all(x[0] == r, axis=1))[0]) for r in out[0]]   # each kept token is an input token
    assert rows == sorted(rows) and len(set(rows)) == 14
    np.testing.assert_array_equal(out[1], x[1, rows])                            # the same tokens for every clip
    assert len(set(r // 4 for r in rows)) <= 9                                   # 2 time stripes gone
    assert len(set(r % 4 for r in rows)) <= 3                                    # 1 frequency stripe gone
    second = np.asarray(layer(x, training=True))
    assert second.shape == out.shape and not np.array_equal(second, out)         # new tokens each step
    model = transformer.spectrogram_transformer((94, 32, 1), 10, patchout=0.5)
    assert model.n_train_tokens == 23 and model.get_layer("patchout").n_keep == 22
    assert transformer.spectrogram_transformer((94, 32, 1), 10).n_train_tokens == 45
    with pytest.raises(ValueError, match="rate"):
        transformer.patchout_count(grid, 1.0)
    with pytest.raises(ValueError, match="time_stripes"):
        transformer.patchout_count(grid, 0.0, time_stripes=11)
    with pytest.raises(TypeError, match="freq_stripes"):
        transformer.Patchout(grid, freq_stripes=1.0)
    assert keras.layers.Layer in type(layer).__mro__


def test_the_transformer_and_the_cnn_have_about_the_same_weights():
    model = transformer.spectrogram_transformer((94, 32, 1), 10)
    cnn = transformer.similar_cnn((94, 32, 1), 10, model.count_params())
    assert cnn.count_params() == transformer.cnn_params(1, 10, cnn.filters)
    assert abs(cnn.count_params() / model.count_params() - 1) < 0.05
    assert transformer.cnn_params(1, 10, (16, 32, 64)) == training.small_cnn((20, 8, 1), 10).count_params()
    assert model.output_shape == (None, 10) and model.get_layer("class_token").output.shape[1] == 45
    with pytest.raises(ValueError, match="d_model"):
        transformer.spectrogram_transformer((94, 32, 1), 10, d_model=50, n_heads=4)
    with pytest.raises(ValueError, match="input_shape"):
        transformer.spectrogram_transformer((94, 32), 10)
    with pytest.raises(TypeError, match="n_layers"):
        transformer.spectrogram_transformer((94, 32, 1), 10, n_layers=2.0)
    with pytest.raises(TypeError, match="params"):
        transformer.similar_cnn((94, 32, 1), 10, 1e5)


def test_attention_maps_are_the_class_tokens_row_over_the_patch_grid():
    model = transformer.spectrogram_transformer((32, 16, 1), 4, patch=8, d_model=16, n_heads=2, n_layers=2,
                                                patchout=0.5)
    x = np.random.default_rng(2).standard_normal((3, 32, 16, 1)).astype(np.float32)
    assert transformer.attention_layers(model) == ["block0_attention", "block1_attention"]
    cls = transformer.attention_maps(model, x)
    rollout = transformer.attention_maps(model, x, method="rollout")
    assert cls.shape == rollout.shape == (3, 2, 4)                       # (freq patches, time patches)
    assert np.all(cls > 0) and np.all(cls.sum(axis=(1, 2)) < 1)          # the rest is on the class token itself
    assert np.all(rollout > 0) and np.all(rollout.sum(axis=(1, 2)) < 1)
    with pytest.raises(ValueError, match="method"):
        transformer.attention_maps(model, x, method="grad")
    with pytest.raises(ValueError, match="encoder blocks"):
        transformer.attention_layers(training.small_cnn((32, 16, 1), 4))
