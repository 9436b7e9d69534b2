"""A small spectrogram transformer, written out: patches, positions, a class token, self-attention, patchout.

Chapter ``10_transformers_ssl`` teaches the audio transformer (AST, Gong, Chung & Glass 2021; PaSST, Koutini
et al. 2022) from the inside, on clips small enough to train on a CPU:

- a log-mel spectrogram ``(frames, bands)`` is cut into **patches** of ``patch = (frames, bands)`` taken every
  ``stride`` (:func:`token_grid`, :func:`patchify` in NumPy), each flattened and projected to ``d_model``
  numbers: a **token** (:func:`patch_embedding` in NumPy; in Keras a ``Conv2D`` whose kernel is the patch and
  whose strides are the stride, which is the same sum); tokens are ordered time-major (token ``i · n_freq + j``
  is time patch ``i``, frequency patch ``j``);
- a learned **positional embedding** per token (``PositionEmbedding``) says where a patch came from, since
  attention alone does not know the order; a learned **class token** (``ClassToken``) is put in front, and its
  final state is what the classifier reads;
- **multi-head self-attention** (:func:`multi_head_attention`, NumPy, the same weights as
  ``keras.layers.MultiHeadAttention``): per head, softmax(Q Kᵀ / √d_k) V, then an output projection; it
  returns the attention weights too;
- **pre-norm encoder blocks** (LayerNorm → attention → residual, LayerNorm → MLP with GELU → residual) in
  :func:`spectrogram_transformer`, with optional **patchout** (``Patchout``: during training only, drop a
  fraction of the patch tokens at random and/or whole time and frequency stripes, so training steps get cheaper
  and the model cannot rely on any one patch; :func:`patchout_count` says how many tokens remain);
- a CNN of about the same number of weights for the comparison (:func:`similar_cnn`, chapter 03's
  :func:`course_lib.models.training.small_cnn` widened or narrowed; :func:`cnn_params` counts them);
- what attention costs for ``n`` tokens (:func:`attention_cost`: FLOPs of Q Kᵀ and of the weighted sum,
  bytes of the attention matrices; quadratic in ``n``) and what it looks at in a trained model
  (:func:`attention_maps`: the class token's attention in the last layer, or attention rollout, as a
  ``(freq_patches, time_patches)`` map over the spectrogram).

The study that trains it against the CNN on FSDD's unseen speakers is
:mod:`course_lib.experiments.transformer_fsdd`; ``benchmarks/attention_cost.py`` times it. The Keras layers
are made on first use (``PositionEmbedding``, ``ClassToken``, ``Patchout``), so importing this module does not
import TensorFlow. Layer 4: imports :mod:`course_lib.models.training`.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from . import training

__all__ = ["token_grid", "patchify", "patch_embedding", "softmax", "multi_head_attention", "attention_cost",
           "patchout_count", "patchout_indices", "spectrogram_transformer", "encoder_block", "cnn_params",
           "similar_cnn", "attention_maps", "attention_layers", "PositionEmbedding", "ClassToken", "Patchout"]


def _pair(value, name, what="frames, bands"):
    """``value`` as a pair of positive ints (an int means the same for both)."""
    if _checks.is_integer(value):
        value = (value, value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be an int or a pair of ints ({what}), got {value!r}")
    return tuple(_checks.positive_int(v, f"{name}[{i}]", what="") for i, v in enumerate(value))


def token_grid(n_frames, n_bands, patch, stride=None) -> tuple[int, int]:
    """How many patches fit along time and frequency: ``1 + (n - p) // s`` on each axis.

    Parameters
    ----------
    n_frames, n_bands : int
        Frames and mel bands of the spectrogram.
    patch : int or (int, int)
        Patch size ``(frames, bands)``.
    stride : int or (int, int), optional
        Step between patches ``(frames, bands)``; the patch size (no overlap) by default. Edges that do not fill
        a patch are left out, as Keras' ``Conv2D`` with ``padding="valid"`` leaves them.

    Returns
    -------
    (n_time, n_freq) : (int, int)
        Patches along time and along frequency; ``n_time · n_freq`` tokens.

    Raises
    ------
    ValueError
        A patch larger than the spectrogram.

    Notebook: 10_transformers_ssl
    """
    n_frames = _checks.positive_int(n_frames, "n_frames", "frames")
    n_bands = _checks.positive_int(n_bands, "n_bands", "bands")
    patch = _pair(patch, "patch")
    stride = patch if stride is None else _pair(stride, "stride")
    if patch[0] > n_frames or patch[1] > n_bands:
        raise ValueError(f"patch {patch} (frames, bands) is larger than the spectrogram ({n_frames}, {n_bands})")
    return 1 + (n_frames - patch[0]) // stride[0], 1 + (n_bands - patch[1]) // stride[1]


def patchify(spec, patch, stride=None) -> np.ndarray:
    """Cut spectrograms into flattened patches, time-major: the NumPy reference of the patch embedding's input.

    Parameters
    ----------
    spec : array_like, shape (frames, bands), (n, frames, bands) or (n, frames, bands, 1)
        Log-mel spectrograms (frames along the first axis, as :func:`course_lib.models.training.log_mel_batch`).
    patch, stride : int or (int, int)
        As :func:`token_grid`.

    Returns
    -------
    np.ndarray, shape (n_time · n_freq, patch_frames · patch_bands) or (n, n_time · n_freq, ...)
        Token ``i · n_freq + j`` is the patch starting at frame ``i · stride[0]`` and band ``j · stride[1]``,
        flattened frame by frame.

    Notebook: 10_transformers_ssl
    """
    x = np.asarray(spec, dtype=np.float64 if np.asarray(spec).dtype == np.float64 else np.float32)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim not in (2, 3):
        raise ValueError(f"spec must have shape (frames, bands), (n, frames, bands) or (n, frames, bands, 1), got {x.shape}")
    single = x.ndim == 2
    x = x[None] if single else x
    patch = _pair(patch, "patch")
    stride = patch if stride is None else _pair(stride, "stride")
    n_time, n_freq = token_grid(x.shape[1], x.shape[2], patch, stride)
    out = np.empty((x.shape[0], n_time * n_freq, patch[0] * patch[1]), dtype=x.dtype)
    for i in range(n_time):
        for j in range(n_freq):
            t, f = i * stride[0], j * stride[1]
            out[:, i * n_freq + j] = x[:, t:t + patch[0], f:f + patch[1]].reshape(x.shape[0], -1)
    return out[0] if single else out


def patch_embedding(spec, kernel, bias, patch, stride=None) -> np.ndarray:
    """Tokens of spectrograms: each flattened patch times a weight matrix plus a bias (NumPy).

    The same sum as the model's ``Conv2D`` patch layer (kernel ``patch``, strides ``stride``, valid padding):
    ``tokens = patchify(spec) @ kernel.reshape(-1, d_model) + bias``.

    Parameters
    ----------
    spec : array_like
        As :func:`patchify`.
    kernel : array_like, shape (patch_frames, patch_bands, 1, d_model) or (patch_frames · patch_bands, d_model)
        The ``Conv2D``'s kernel (``layer.get_weights()[0]``).
    bias : array_like, shape (d_model,)
    patch, stride : int or (int, int)

    Returns
    -------
    np.ndarray, shape (..., n_tokens, d_model)

    Notebook: 10_transformers_ssl
    """
    patch = _pair(patch, "patch")
    kernel = np.asarray(kernel)
    if kernel.ndim == 4:
        kernel = kernel.reshape(-1, kernel.shape[-1])
    if kernel.ndim != 2 or kernel.shape[0] != patch[0] * patch[1]:
        raise ValueError(f"kernel must have {patch[0] * patch[1]} rows (one per value of a {patch} patch), "
                         f"got shape {np.shape(kernel)}")
    return patchify(spec, patch, stride) @ kernel + np.asarray(bias)


def softmax(x, axis=-1) -> np.ndarray:
    """A numerically safe softmax (the row's maximum subtracted first).

    Parameters
    ----------
    x : array_like
    axis : int

    Returns
    -------
    np.ndarray
        Non-negative, summing to 1 along ``axis``.

    Notebook: 10_transformers_ssl (via ``multi_head_attention``)
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def multi_head_attention(x, weights, *, context=None):
    """Multi-head attention written out in NumPy, with the weights of ``keras.layers.MultiHeadAttention``.

    Per head ``h``: ``Q = x Wq_h + bq_h``, ``K = c Wk_h + bk_h``, ``V = c Wv_h + bv_h`` (``c`` is ``x`` for
    self-attention), ``A = softmax(Q Kᵀ / √d_k)`` along the keys, head output ``A V``; the heads' outputs are
    concatenated and projected: ``Σ_h (A_h V_h) Wo_h + bo``. ``weights`` are in Keras' ``get_weights()``
    order, so ``multi_head_attention(x, layer.get_weights())`` computes what ``layer(x, x)`` does.

    Parameters
    ----------
    x : array_like, shape (tokens, d_model) or (batch, tokens, d_model)
        The queries' tokens (and the keys' and values', unless ``context`` is given).
    weights : sequence of 8 arrays
        ``wq, bq, wk, bk, wv, bv, wo, bo``: query, key and value kernels of shape (d_model, heads, d_k) and
        biases (heads, d_k); the output kernel (heads, d_k, d_out) and bias (d_out,).
    context : array_like, optional
        Tokens the keys and values come from (cross-attention); ``x`` by default.

    Returns
    -------
    output : np.ndarray, shape (..., tokens, d_out)
    weights : np.ndarray, shape (..., heads, tokens, context tokens)
        The attention weights; each row sums to 1.

    Notebook: 10_transformers_ssl
    """
    if len(weights) != 8:
        raise ValueError(f"weights must be the 8 arrays wq, bq, wk, bk, wv, bv, wo, bo (a MultiHeadAttention "
                         f"layer's get_weights()), got {len(weights)}")
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    x = np.asarray(x, dtype=np.float64)
    c = x if context is None else np.asarray(context, dtype=np.float64)
    if x.ndim not in (2, 3) or c.ndim != x.ndim:
        raise ValueError(f"x must have shape (tokens, d_model) or (batch, tokens, d_model), got {x.shape}"
                         + ("" if context is None else f" and context {c.shape}"))
    wq, wk, wv, wo = (np.asarray(w, dtype=np.float64) for w in (wq, wk, wv, wo))
    if wq.ndim != 3 or wq.shape[0] != x.shape[-1]:
        raise ValueError(f"wq must have shape (d_model={x.shape[-1]}, heads, d_k), got {wq.shape}")
    d_k = wq.shape[2]
    q = np.einsum("...td,dhk->...htk", x, wq) + np.asarray(bq)[:, None, :]
    k = np.einsum("...td,dhk->...htk", c, wk) + np.asarray(bk)[:, None, :]
    v = np.einsum("...td,dhk->...htk", c, wv) + np.asarray(bv)[:, None, :]
    attention = softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(d_k), axis=-1)
    heads = attention @ v                                           # (..., heads, tokens, d_k)
    output = np.einsum("...htk,hkd->...td", heads, wo) + np.asarray(bo)
    return output, attention


def attention_cost(n_tokens, d_model, n_heads, *, n_layers=1, batch=1, bytes_per_value=4) -> dict:
    """What self-attention over ``n_tokens`` costs: FLOPs of Q Kᵀ and A V, and the attention matrices' memory.

    A multiply-add counts as 2 FLOPs. Per layer and clip, over all heads (``d_model = heads · d_k``):
    Q Kᵀ is ``heads · n² · d_k`` multiply-adds, ``2 n² d_model`` FLOPs; A V the same; the attention matrices
    are ``heads · n²`` values (kept for the backward pass in training). Both grow with the square of the
    number of tokens, while the projections (``4 · 2 n d_model²`` FLOPs for Q, K, V and the output) grow
    linearly. The softmax's few operations per weight are not counted.

    Parameters
    ----------
    n_tokens : int
        Tokens attended over (patches, plus the class token if any).
    d_model : int
        Width of a token; a multiple of ``n_heads``.
    n_heads : int
    n_layers : int, default 1
    batch : int, default 1
        Clips.
    bytes_per_value : int, default 4
        float32.

    Returns
    -------
    dict
        ``qk_flops``, ``av_flops``, ``attention_flops`` (their sum), ``projection_flops`` and
        ``attention_bytes`` (all attention matrices of all layers and clips), each an int.

    Notebook: 10_transformers_ssl
    """
    n = _checks.positive_int(n_tokens, "n_tokens", "tokens")
    d = _checks.positive_int(d_model, "d_model", "numbers per token")
    h = _checks.positive_int(n_heads, "n_heads", "heads")
    if d % h:
        raise ValueError(f"d_model={d} must be a multiple of n_heads={h}")
    layers = _checks.positive_int(n_layers, "n_layers", "layers") * _checks.positive_int(batch, "batch", "clips")
    b = _checks.positive_int(bytes_per_value, "bytes_per_value", "bytes")
    qk = 2 * n * n * d * layers
    return {"qk_flops": qk, "av_flops": qk, "attention_flops": 2 * qk, "projection_flops": 8 * n * d * d * layers,
            "attention_bytes": h * n * n * b * layers}


def _patchout_args(grid, rate, time_stripes, freq_stripes):
    n_time, n_freq = _pair(grid, "grid", "time patches, frequency patches")
    rate = _checks.number(rate, "rate", minimum=0.0, maximum=1.0)
    if rate >= 1.0:
        raise ValueError(f"rate must be below 1 (the fraction of tokens dropped), got {rate}")
    time_stripes = _checks.integer(time_stripes, "time_stripes", minimum=0, maximum=n_time - 1, what="time patches")
    freq_stripes = _checks.integer(freq_stripes, "freq_stripes", minimum=0, maximum=n_freq - 1, what="frequency patches")
    return n_time, n_freq, rate, time_stripes, freq_stripes


def patchout_count(grid, rate=0.0, time_stripes=0, freq_stripes=0) -> int:
    """How many patch tokens a training step keeps after patchout.

    First ``time_stripes`` whole time columns and ``freq_stripes`` whole frequency rows of the token grid are
    dropped (structured patchout), then the fraction ``rate`` of the remaining tokens at random (unstructured),
    rounded to the nearest token: ``round((1 - rate) · (n_time - time_stripes) · (n_freq - freq_stripes))``,
    at least 1.

    Parameters
    ----------
    grid : (int, int)
        ``(n_time, n_freq)`` of :func:`token_grid`.
    rate : float, default 0.0
        In [0, 1).
    time_stripes, freq_stripes : int, default 0
        Fewer than the grid's columns / rows.

    Returns
    -------
    int

    Notebook: 10_transformers_ssl
    """
    n_time, n_freq, rate, ts, fs = _patchout_args(grid, rate, time_stripes, freq_stripes)
    return max(1, int(round((1.0 - rate) * (n_time - ts) * (n_freq - fs))))


def patchout_indices(grid, rate=0.0, time_stripes=0, freq_stripes=0, *, rng=0) -> np.ndarray:
    """The tokens one training step keeps (NumPy reference of ``Patchout``): sorted indices into the grid.

    Parameters
    ----------
    grid, rate, time_stripes, freq_stripes
        As :func:`patchout_count`.
    rng : int, numpy.random.Generator or None

    Returns
    -------
    np.ndarray of int, shape (patchout_count(...),)

    Notebook: 10_transformers_ssl
    """
    n_time, n_freq, rate, ts, fs = _patchout_args(grid, rate, time_stripes, freq_stripes)
    gen = _checks.rng(rng)
    times = np.sort(gen.permutation(n_time)[: n_time - ts])
    freqs = np.sort(gen.permutation(n_freq)[: n_freq - fs])
    kept = (times[:, None] * n_freq + freqs[None, :]).ravel()
    n_keep = patchout_count((n_time, n_freq), rate, ts, fs)
    return np.sort(gen.permutation(kept)[:n_keep])


# ---------------------------------------------------------------------------------------
# Keras layers, made on first use
# ---------------------------------------------------------------------------------------
_LAYERS: dict = {}


def _make_layers():
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="course_lib")
    class PositionEmbedding(keras.layers.Layer):
        """Adds a learned vector to each token: ``tokens + P``, ``P`` of shape (tokens, d_model)."""

        def build(self, input_shape):
            self.positions = self.add_weight(shape=(1, int(input_shape[1]), int(input_shape[2])),
                                             initializer=keras.initializers.TruncatedNormal(stddev=0.02),
                                             name="positions")

        def call(self, x):
            return x + self.positions

    @keras.saving.register_keras_serializable(package="course_lib")
    class ClassToken(keras.layers.Layer):
        """Puts a learned token in front of the sequence: (batch, n, d) → (batch, n + 1, d)."""

        def build(self, input_shape):
            self.token = self.add_weight(shape=(1, 1, int(input_shape[2])),
                                         initializer=keras.initializers.TruncatedNormal(stddev=0.02), name="token")

        def call(self, x):
            batch = ops.shape(x)[0]
            return ops.concatenate([ops.broadcast_to(ops.cast(self.token, x.dtype), (batch, 1, ops.shape(x)[2])), x],
                                   axis=1)

        def compute_output_shape(self, input_shape):
            n = None if input_shape[1] is None else input_shape[1] + 1
            return (input_shape[0], n, input_shape[2])

    @keras.saving.register_keras_serializable(package="course_lib")
    class Patchout(keras.layers.Layer):
        """PaSST's patchout: in training, keep :func:`patchout_count` of the grid's tokens; at inference all.

        Structured stripes (whole time columns, whole frequency rows) then a random fraction ``rate`` of
        the rest; the same tokens for every clip of a batch (so the batch stays one tensor), new ones
        every step. Tokens enter in grid order (time-major) and keep their positional embeddings.
        """

        def __init__(self, grid, rate=0.0, time_stripes=0, freq_stripes=0, seed=0, **kwargs):
            super().__init__(**kwargs)
            n_time, n_freq, rate, ts, fs = _patchout_args(grid, rate, time_stripes, freq_stripes)
            self.grid, self.rate, self.time_stripes, self.freq_stripes = (n_time, n_freq), rate, ts, fs
            self.seed = _checks.seed(seed, "seed")
            self.n_keep = patchout_count(self.grid, rate, ts, fs)
            self.seed_generator = keras.random.SeedGenerator(self.seed)

        def call(self, x, training=False):
            if not training:
                return x
            n_time, n_freq = self.grid
            times = ops.sort(keras.random.shuffle(ops.arange(n_time), seed=self.seed_generator)[: n_time - self.time_stripes])
            freqs = ops.sort(keras.random.shuffle(ops.arange(n_freq), seed=self.seed_generator)[: n_freq - self.freq_stripes])
            kept = ops.reshape(times[:, None] * n_freq + freqs[None, :], (-1,))
            kept = ops.sort(keras.random.shuffle(kept, seed=self.seed_generator)[: self.n_keep])
            return ops.take(x, kept, axis=1)

        def compute_output_shape(self, input_shape):
            return input_shape   # at inference; in training the token axis shrinks to n_keep

        def get_config(self):
            return {**super().get_config(), "grid": list(self.grid), "rate": self.rate,
                    "time_stripes": self.time_stripes, "freq_stripes": self.freq_stripes, "seed": self.seed}

    return {"PositionEmbedding": PositionEmbedding, "ClassToken": ClassToken, "Patchout": Patchout}


def __getattr__(name):
    # The Keras layers: built on first access (imports Keras then).
    if name in ("PositionEmbedding", "ClassToken", "Patchout"):
        if not _LAYERS:
            _LAYERS.update(_make_layers())
        return _LAYERS[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def encoder_block(x, index, *, n_heads, mlp_ratio=2, dropout=0.1):
    """One pre-norm transformer encoder block on a Keras tensor of tokens (batch, tokens, d_model).

    ``x + Attention(LayerNorm(x))`` then ``x + MLP(LayerNorm(x))``, the MLP two dense layers (``mlp_ratio ·
    d_model`` units with GELU, then ``d_model``). Layers are named ``block{index}_norm1``, ``_attention``,
    ``_norm2``, ``_mlp1``, ``_mlp2`` (what :func:`attention_maps` looks for).

    Parameters
    ----------
    x : KerasTensor
    index : int
        Block number (for the names).
    n_heads : int
        Heads; ``d_model`` must be a multiple.
    mlp_ratio : int, default 2
    dropout : float, default 0.1
        After the attention and the MLP (and on the attention weights).

    Returns
    -------
    KerasTensor

    Notebook: 10_transformers_ssl (via ``spectrogram_transformer``)
    """
    from keras import layers

    d = int(x.shape[-1])
    p = f"block{index}_"
    h = layers.LayerNormalization(epsilon=1e-6, name=p + "norm1")(x)
    h = layers.MultiHeadAttention(n_heads, d // n_heads, dropout=dropout, name=p + "attention")(h, h)
    x = layers.Add(name=p + "residual1")([x, layers.Dropout(dropout, name=p + "dropout1")(h)])
    h = layers.LayerNormalization(epsilon=1e-6, name=p + "norm2")(x)
    h = layers.Dense(mlp_ratio * d, activation="gelu", name=p + "mlp1")(h)
    h = layers.Dense(d, name=p + "mlp2")(h)
    return layers.Add(name=p + "residual2")([x, layers.Dropout(dropout, name=p + "dropout2")(h)])


def spectrogram_transformer(input_shape, n_classes, *, patch=(8, 8), stride=None, d_model=48, n_heads=4, n_layers=3,
                            mlp_ratio=2, dropout=0.1, patchout=0.0, time_stripes=0, freq_stripes=0, rng=0,
                            name="spectrogram_transformer"):
    """A small AST-like classifier: patches → tokens + positions (→ patchout) → class token → blocks → classes.

    ``log-mel (frames, bands, 1)`` → ``Conv2D(d_model, patch, strides=stride)`` (the patch embedding,
    :func:`patch_embedding`) → tokens ``(n_time · n_freq, d_model)``, time-major → + learned positions
    (``PositionEmbedding``) → ``Patchout`` in training if asked → ``ClassToken`` in front → ``n_layers``
    :func:`encoder_block` → LayerNorm → the class token's state → dropout → softmax over ``n_classes``.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(frames, bands, 1)``, as :func:`course_lib.models.training.log_mel_batch` makes.
    n_classes : int
    patch, stride : int or (int, int), default (8, 8) and the patch
        Patch size and step ``(frames, bands)`` (:func:`token_grid`).
    d_model : int, default 48
        Numbers per token; a multiple of ``n_heads``.
    n_heads, n_layers, mlp_ratio : int, default 4, 3, 2
    dropout : float, default 0.1
    patchout : float, default 0.0
        Fraction of patch tokens dropped at random in training (PaSST's unstructured patchout).
    time_stripes, freq_stripes : int, default 0
        Whole time columns / frequency rows of the token grid dropped in training (structured patchout).
    rng : int
        Seed of the patchout draws (weights are seeded by :func:`course_lib.models.training.fit`).
    name : str

    Returns
    -------
    keras.Model
        Uncompiled; outputs class probabilities. Attributes ``grid`` (n_time, n_freq) and ``n_train_tokens``
        (tokens a training step attends over, class token included).

    Notebook: 10_transformers_ssl
    """
    import keras
    from keras import layers

    if len(tuple(input_shape)) != 3 or tuple(input_shape)[2] != 1:
        raise ValueError(f"input_shape must be (frames, bands, 1), got {tuple(input_shape)}")
    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    patch = _pair(patch, "patch")
    stride = patch if stride is None else _pair(stride, "stride")
    d_model = _checks.positive_int(d_model, "d_model", "numbers per token")
    n_heads = _checks.positive_int(n_heads, "n_heads", "heads")
    if d_model % n_heads:
        raise ValueError(f"d_model={d_model} must be a multiple of n_heads={n_heads}")
    n_layers = _checks.positive_int(n_layers, "n_layers", "blocks")
    mlp_ratio = _checks.positive_int(mlp_ratio, "mlp_ratio", "")
    dropout = _checks.number(dropout, "dropout", minimum=0.0, maximum=0.99)
    grid = token_grid(input_shape[0], input_shape[1], patch, stride)
    n_keep = patchout_count(grid, patchout, time_stripes, freq_stripes)

    inputs = keras.Input(shape=tuple(int(v) for v in input_shape), name="log_mel")
    x = layers.Conv2D(d_model, patch, strides=stride, name="patch_embedding")(inputs)
    x = layers.Reshape((grid[0] * grid[1], d_model), name="tokens")(x)
    x = __getattr__("PositionEmbedding")(name="positions")(x)
    if n_keep < grid[0] * grid[1]:
        x = __getattr__("Patchout")(grid, patchout, time_stripes, freq_stripes, seed=rng, name="patchout")(x)
    x = __getattr__("ClassToken")(name="class_token")(x)
    x = layers.Dropout(dropout, name="token_dropout")(x)
    for i in range(n_layers):
        x = encoder_block(x, i, n_heads=n_heads, mlp_ratio=mlp_ratio, dropout=dropout)
    x = layers.LayerNormalization(epsilon=1e-6, name="final_norm")(x)
    x = x[:, 0]
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="classes")(x)
    model = keras.Model(inputs, outputs, name=name)
    model.grid, model.n_train_tokens = grid, n_keep + 1
    return model


def cnn_params(input_channels, n_classes, filters) -> int:
    """Weights of :func:`course_lib.models.training.small_cnn`: 3×3 convolutions without bias, batch norm, softmax.

    ``Σ 9 · c_in · c_out`` + ``4 · Σ c_out`` (batch norm's scale, offset and two running statistics) +
    ``(c_last + 1) · n_classes``.

    Parameters
    ----------
    input_channels, n_classes : int
    filters : sequence of int

    Returns
    -------
    int
        What ``model.count_params()`` says.

    Notebook: 10_transformers_ssl
    """
    c_in = _checks.positive_int(input_channels, "input_channels", "channels")
    total = 0
    for i, f in enumerate(filters):
        f = _checks.positive_int(f, f"filters[{i}]", "filters")
        total += 9 * c_in * f + 4 * f
        c_in = f
    return total + (c_in + 1) * _checks.integer(n_classes, "n_classes", minimum=2, what="classes")


def similar_cnn(input_shape, n_classes, params, *, blocks=4, dropout=0.3, name="similar_cnn"):
    """Chapter 03's small CNN with filters ``(w, 2w, 4w, …)``, sized to have about ``params`` weights.

    ``w`` is the width whose doubling filters come closest to ``params``; then the last block's filters alone
    are set to come closer still.

    Equal weights do not mean equal work: a convolution reuses its weights at every position of the
    spectrogram, so this CNN computes more per clip than a transformer of the same size
    (``benchmarks/attention_cost.py`` times both).

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(frames, bands, 1)``.
    n_classes : int
    params : int
        The parameter count to match (a transformer's ``count_params()``).
    blocks : int, default 4
        Convolution blocks (each halves time and frequency by max pooling).
    dropout : float
    name : str

    Returns
    -------
    keras.Model
        :func:`course_lib.models.training.small_cnn` with the closest width (attribute ``filters``).

    Notebook: 10_transformers_ssl
    """
    params = _checks.positive_int(params, "params", "weights")
    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    blocks = _checks.positive_int(blocks, "blocks", "blocks")
    channels = int(tuple(input_shape)[-1])

    def filters(w):
        return tuple(w * 2 ** i for i in range(blocks))

    width = min(range(1, 513), key=lambda w: abs(cnn_params(channels, n_classes, filters(w)) - params))
    head = filters(width)[:-1]       # then the last block's width, tuned alone, brings the count closer
    last = min(range(1, 2 ** blocks * width + 1), key=lambda f: abs(cnn_params(channels, n_classes, head + (f,)) - params))
    model = training.small_cnn(input_shape, n_classes, filters=head + (last,), dropout=dropout, name=name)
    model.filters = head + (last,)
    return model


def attention_layers(model) -> list[str]:
    """Names of the model's encoder blocks' attention layers, first block first.

    Parameters
    ----------
    model : keras.Model
        From :func:`spectrogram_transformer`.

    Returns
    -------
    list of str

    Notebook: 10_transformers_ssl
    """
    names = [layer.name for layer in model.layers if layer.name.startswith("block") and layer.name.endswith("_attention")]
    if not names:
        raise ValueError(f"model {model.name!r} has no encoder blocks (layers named block<i>_attention)")
    return sorted(names, key=lambda n: int(n[5:].split("_")[0]))


def attention_maps(model, x, *, method="cls", batch_size=64):
    """Where the class token looks, as a map over the spectrogram's patches (at inference: no patchout).

    The inputs of every attention layer are taken from the model, and the attention weights are computed by
    :func:`multi_head_attention` with the layer's own weights. ``"cls"``: the class token's row of the last
    layer, averaged over heads. ``"rollout"`` (Abnar & Zuidema 2020): per layer ``Â = ½ (mean over heads of
    A) + ½ I`` (the residual path), rows renormalised, multiplied over the layers; the class token's row.

    Parameters
    ----------
    model : keras.Model
        From :func:`spectrogram_transformer` (trained).
    x : array_like, shape (n, frames, bands, 1)
        Its inputs (standardised as in training).
    method : {"cls", "rollout"}
    batch_size : int

    Returns
    -------
    np.ndarray, shape (n, n_freq, n_time)
        Weight on each patch (frequency patches down the rows, low first; time patches along the columns);
        without the class token's weight on itself, so a row of ``"cls"`` sums to less than 1.

    Notebook: 10_transformers_ssl
    """
    import keras

    method = _checks.choice(method, "method", ("cls", "rollout"))
    names = attention_layers(model)
    n_time, n_freq = model.get_layer("patch_embedding").output.shape[1:3]
    norms = [model.get_layer(n.replace("_attention", "_norm1")).output for n in names]
    probe = keras.Model(model.input, norms)
    inputs = probe.predict(np.asarray(x, dtype=np.float32), batch_size=batch_size, verbose=0)
    inputs = inputs if isinstance(inputs, list) else [inputs]
    weights = [multi_head_attention(h, model.get_layer(n).get_weights())[1].mean(axis=1) for h, n in zip(inputs, names)]
    if method == "cls":
        row = weights[-1][:, 0, 1:]
    else:
        eye = np.eye(weights[0].shape[-1])
        rollout = None
        for a in weights:
            a = 0.5 * a + 0.5 * eye
            a = a / a.sum(axis=-1, keepdims=True)
            rollout = a if rollout is None else a @ rollout
        row = rollout[:, 0, 1:]
    return np.swapaxes(row.reshape(-1, n_time, n_freq), 1, 2)
