"""WaveNet: mu-law coding, a Keras WaveNet, its NumPy twin, training and naive vs fast generation.

WaveNet (van den Oord et al. 2016) models a waveform as a product of next-sample
distributions, ``p(x) = Π_t p(x_t | x_1, ..., x_{t-1})``: each sample is one of 256 mu-law
codes and a stack of causal, dilated convolutions with gated residual blocks predicts a
softmax over those codes from the samples before it. This module holds the model side of
chapter ``08_wavenet``: mu-law companding (:func:`mu_law_encode`, :func:`mu_law_decode`), the
model (:func:`build_model`, :func:`receptive_field`), the same maths in float64 NumPy
(:func:`numpy_weights`, :func:`forward`), training examples and training (:func:`make_examples`,
:func:`train`, :func:`evaluate`), saving and the shipped pretrained model (:func:`save`,
:func:`load`) and sampling (:func:`generate`): ``"naive"`` recomputes the
whole receptive field for every new sample, ``"fast"`` keeps a queue of past activations per layer
(Paine et al. 2016, "Fast Wavenet Generation Algorithm"), so each sample costs one step per layer.
Both run one compiled (numba) step function, in float32 by default or float64, with each layer's
filter and gate in one matrix and its skip and residual in another, and return identical codes for
the same ``rng``: fast generation of the shipped model runs several times faster than real time at
8 kHz on one CPU core (``python -m benchmarks.wavenet_generation``).

The notes the shipped model learned from are in :mod:`course_lib.datasets.melodies`; the study
that trains it and the loader of the trained model are :mod:`course_lib.experiments.wavenet_notes`
(``python -m course_lib.experiments wavenet_notes``). TensorFlow and Keras are imported only inside
the functions that need them. Layer 4: it imports ``melodies`` (the sampling rate and classes of
the shipped model).
"""

from __future__ import annotations

import json
from pathlib import Path

import numba
import numpy as np

from .. import _checks
from ..datasets import melodies
from ..errors import WeightsNotFoundError

__all__ = [
    "MU",
    "SAMPLE_RATE",
    "CONDITIONS",
    "DEFAULT_HYPERPARAMETERS",
    "WeightsNotFoundError",
    "mu_law_encode",
    "logits_model",
    "mu_law_decode",
    "one_hot",
    "dilations_for",
    "receptive_field",
    "build_model",
    "hyperparameters_of",
    "numpy_weights",
    "forward",
    "make_examples",
    "train",
    "evaluate",
    "save",
    "load",
    "generate",
]

#: Number of mu-law steps: codes run from 0 to MU (256 classes, 8 bits).
MU = 255
#: Sampling rate (Hz) of the shipped model: that of the notes it learned from.
SAMPLE_RATE = melodies.SAMPLE_RATE
#: Classes of the shipped model's global conditioning (``condition=0`` or ``"guitar"``, ...).
CONDITIONS = melodies.NOTE_CONDITIONS
#: Hyperparameters of :func:`build_model` by default: one stack of dilations 1..512 (receptive field
#: 1024 samples, 128 ms at 8 kHz). Measured on 2 CPU cores, this trains to a lower loss in ten
#: minutes than two stacks (receptive field 2047), which take twice as long per step.
DEFAULT_HYPERPARAMETERS = {
    "n_classes": 256,
    "residual_channels": 32,
    "dilation_channels": 32,
    "skip_channels": 64,
    "kernel_size": 2,
    "n_layers": 10,
    "n_stacks": 1,
    "n_conditions": 0,
}
#: The command that makes the shipped model (named when its files are missing).
_SHIPPED_COMMAND = "python -m course_lib.experiments wavenet_notes"
_ATTRIBUTE = "wavenet_hyperparameters"


def _int_seed(rng) -> int:
    # Keras initializers take an int: an int rng as is, a Generator (or None) draws one small enough
    # that seed * 100003 + k stays an int32.
    return _checks.seed(rng, high=2**31 // 100003)


def _codes(codes, name="codes", n_classes=None) -> np.ndarray:
    """A 1-D array of integer codes, in [0, n_classes) where given."""
    c = np.asarray(codes)
    if c.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an array of integer codes, got dtype {c.dtype}")
    if c.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n_samples,), got shape {c.shape}")
    if n_classes is not None and c.size and (c.min() < 0 or c.max() >= n_classes):
        raise ValueError(f"{name} must lie in [0, {n_classes - 1}], got values from {c.min()} to {c.max()}")
    return c


# --------------------------------------------------------------------------- mu-law


def mu_law_encode(x, mu=MU):
    """Compand audio with the mu-law and quantize it to integer codes 0..mu (round to nearest).

    ``y = sign(x) · ln(1 + mu·|x|) / ln(1 + mu)`` maps [-1, 1] to [-1, 1], stretching small
    amplitudes; the code is ``floor((y + 1) / 2 · mu + 0.5)``, the nearest of ``mu + 1`` evenly
    spaced levels of ``y``. Silence (0.0) is code 128 for ``mu = 255``.

    Parameters
    ----------
    x : array_like of float
        Audio in [-1, 1] (values outside are clipped to ±1).
    mu : int, default 255
        Number of quantization steps; ``mu + 1`` codes (256 = 8 bits).

    Returns
    -------
    numpy.ndarray of int64
        Codes in [0, mu], the shape of ``x`` (a 0-d array for a scalar).

    Raises
    ------
    TypeError
        Non-numeric ``x``, or ``mu`` not an integer.
    ValueError
        NaN or infinite samples, more than 2 dimensions, or ``mu`` < 1.

    Notes
    -----
    ``librosa.mu_compress(x, quantize=True)`` gives codes in [-128, 127] that differ from
    ``mu_law_encode(x) - 128`` by one on about half the inputs: it bins ``y`` with
    ``np.digitize`` against ``linspace(-1, 1, 256)`` (so it rounds *up*, a ceiling) instead of
    rounding to the nearest level.

    Notebook: 08_wavenet
    """
    mu = _checks.integer(mu, "mu", minimum=1, what="quantization steps, 255 for 8-bit mu-law")
    x = _checks.audio(x, "x", ndim=(0, 1, 2), allow_empty=True).astype(np.float64)
    x = np.clip(x, -1.0, 1.0)
    y = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    return np.floor((y + 1.0) / 2.0 * mu + 0.5).astype(np.int64)


def mu_law_decode(codes, mu=MU):
    """Turn mu-law codes 0..mu back into audio in [-1, 1]: the inverse of :func:`mu_law_encode`.

    ``y = 2·code/mu - 1`` and ``x = sign(y) · ((1 + mu)^|y| - 1) / mu``. Decoding and encoding
    again gives the same codes.

    Parameters
    ----------
    codes : array_like of int
        Integer codes in [0, mu] (integer-valued floats are accepted).
    mu : int, default 255
        Number of quantization steps, as for :func:`mu_law_encode`.

    Returns
    -------
    numpy.ndarray of float32
        Samples in [-1, 1], the shape of ``codes``.

    Raises
    ------
    TypeError
        Non-numeric codes, or ``mu`` not an integer.
    ValueError
        Codes that are not whole numbers or lie outside [0, mu], or ``mu`` < 1.

    Notebook: 08_wavenet
    """
    mu = _checks.integer(mu, "mu", minimum=1, what="quantization steps, 255 for 8-bit mu-law")
    c = np.asarray(codes)
    if c.dtype.kind not in "fiu":
        raise TypeError(f"codes must be integers in [0, {mu}], got dtype {c.dtype}")
    c = c.astype(np.float64)
    if not np.all(np.isfinite(c)) or np.any(c != np.round(c)):
        raise ValueError(f"codes must be integers in [0, {mu}]")
    if c.size and (c.min() < 0 or c.max() > mu):
        raise ValueError(f"codes must lie in [0, {mu}], got values from {c.min():g} to {c.max():g}")
    y = 2.0 * c / mu - 1.0
    x = np.sign(y) * np.expm1(np.abs(y) * np.log1p(mu)) / mu
    return x.astype(np.float32)


def one_hot(codes, n_classes=256):
    """One-hot matrix of integer codes: row ``i`` is all zeros except a 1 at column ``codes[i]``.

    Parameters
    ----------
    codes : array_like of int, shape (n_samples,)
        Codes in [0, n_classes).
    n_classes : int, default 256
        Number of classes (columns).

    Returns
    -------
    numpy.ndarray of float32, shape (n_samples, n_classes)

    Raises
    ------
    TypeError
        Codes that are not integers, or a non-integer ``n_classes``.
    ValueError
        Codes that are not 1-D or lie outside [0, n_classes).

    Notebook: 08_wavenet
    """
    n_classes = _checks.integer(n_classes, "n_classes", minimum=2)
    c = _codes(codes, "codes", n_classes)
    out = np.zeros((c.size, n_classes), dtype=np.float32)
    out[np.arange(c.size), c] = 1.0
    return out


# --------------------------------------------------------------------------- the model


def dilations_for(n_layers=10, n_stacks=1):
    """Dilations of the stacks: ``1, 2, 4, ..., 2**(n_layers-1)``, repeated ``n_stacks`` times.

    Parameters
    ----------
    n_layers : int, default 10
        Layers per stack.
    n_stacks : int, default 1
        Number of stacks.

    Returns
    -------
    list of int
        ``n_layers · n_stacks`` dilations, in samples.

    Notebook: 08_wavenet
    """
    n_layers = _checks.positive_int(n_layers, "n_layers", "layers per stack")
    n_stacks = _checks.positive_int(n_stacks, "n_stacks", "stacks")
    return [2**i for i in range(n_layers)] * n_stacks


def _hparams(**overrides):
    hp = dict(DEFAULT_HYPERPARAMETERS)
    unknown = set(overrides) - set(hp) - {"dilations"}
    if unknown:
        raise TypeError(f"unknown hyperparameters {sorted(unknown)}; known: {sorted(hp) + ['dilations']}")
    hp.update({k: v for k, v in overrides.items() if k != "dilations"})
    for name in ("n_classes", "residual_channels", "dilation_channels", "skip_channels", "kernel_size"):
        hp[name] = _checks.integer(hp[name], name, minimum=2 if name in ("n_classes", "kernel_size") else 1)
    hp["n_conditions"] = _checks.integer(hp["n_conditions"], "n_conditions", minimum=0, what="classes, 0 for none")
    dilations = overrides.get("dilations")
    if dilations is None:
        dilations = dilations_for(hp["n_layers"], hp["n_stacks"])
    else:
        dilations = list(dilations)
        if not dilations:
            raise ValueError("dilations must not be empty")
        dilations = [_checks.integer(d, "each dilation", minimum=1, what="samples") for d in dilations]
        if dilations != dilations_for(hp["n_layers"], hp["n_stacks"]):  # not the doubling stacks
            hp["n_layers"], hp["n_stacks"] = len(dilations), 1
    hp["dilations"] = dilations
    return hp


def receptive_field(model_or_hyperparameters=None, **hyperparameters):
    """Number of past samples (including the current one) an output can see.

    ``(kernel_size - 1) · Σ dilations + 1``: 1024 for one stack of dilations 1..512 with
    kernel 2, the default, and 2047 for two such stacks.

    Parameters
    ----------
    model_or_hyperparameters : keras.Model, dict or None
        A model from :func:`build_model`, or a dict of its hyperparameters; None uses the
        keyword arguments (as for :func:`build_model`).

    Returns
    -------
    int
        Samples.

    Notebook: 08_wavenet
    """
    source = model_or_hyperparameters
    if source is None:
        hp = _hparams(**hyperparameters)
    elif isinstance(source, dict):
        hp = _hparams(**{k: v for k, v in source.items() if k in DEFAULT_HYPERPARAMETERS or k == "dilations"})
    else:
        hp = hyperparameters_of(source)
    return (hp["kernel_size"] - 1) * int(sum(hp["dilations"])) + 1


def hyperparameters_of(model) -> dict:
    """The hyperparameters :func:`build_model` stored on ``model`` (a plain dict).

    Notebook: 08_wavenet
    """
    stored = getattr(model, _ATTRIBUTE, None)
    if stored is None:
        raise TypeError(f"{type(model).__name__} was not built by course_lib.wavenet.build_model")
    return {k: (list(v) if k == "dilations" else v) for k, v in dict(stored).items()}


def build_model(rng=0, **hyperparameters):
    """A WaveNet as a Keras 3 functional model: codes in, a softmax over the next code out.

    Layers: the integer codes are embedded (an ``Embedding`` is a one-hot vector times a
    matrix, i.e. a 1×1 convolution of the one-hot input) into ``residual_channels``; then, for
    every dilation ``d``, a residual block: a causal dilated ``Conv1D`` (``kernel_size``, dilation
    ``d``) gives ``2·dilation_channels`` pre-activations, plus (with ``n_conditions`` > 0) a
    learned per-class vector (global conditioning); the gated unit ``tanh(filter) ·
    sigmoid(gate)``; a 1×1 convolution to ``skip_channels`` (the skip connection) and one back
    to ``residual_channels`` added to the block's input (the residual connection). The skips are
    summed, then ReLU → 1×1 (``skip_channels``) → ReLU → 1×1 (``n_classes`` logits, layer
    ``"logits"``) → softmax (output ``"probabilities"``).

    Parameters
    ----------
    rng : int, numpy.random.Generator or None, default 0
        Randomness of the initial weights: an int seed builds the same weights every time (a
        Generator gives one seed from its stream).
    n_classes : int, default 256
        Number of codes (mu + 1).
    residual_channels, dilation_channels, skip_channels : int, default 32, 32, 64
    kernel_size : int, default 2
    n_layers, n_stacks : int, default 10, 1
        Dilations ``1, 2, ..., 2**(n_layers-1)``, repeated ``n_stacks`` times.
    dilations : sequence of int, optional
        Explicit dilations (overrides ``n_layers`` and ``n_stacks``).
    n_conditions : int, default 0
        Number of classes for global conditioning; 0 for none. With conditioning the model
        takes two inputs, ``codes`` (batch, time) and ``condition`` (batch, 1).

    Returns
    -------
    keras.Model
        Input ``codes``: int32 (batch, time); output: float32 (batch, time, n_classes) where
        ``[:, t]`` is ``p(x_{t+1} | x_{≤t})``. The hyperparameters are stored on it
        (:func:`hyperparameters_of`, :func:`receptive_field`).

    Notebook: 08_wavenet
    """
    import keras
    from keras import layers, ops

    seed = _int_seed(rng)
    hp = _hparams(**hyperparameters)
    R, D, S = hp["residual_channels"], hp["dilation_channels"], hp["skip_channels"]
    counter = iter(range(10**6))

    def init():
        return keras.initializers.GlorotUniform(seed=seed * 100003 + next(counter))

    codes = keras.Input(shape=(None,), dtype="int32", name="codes")
    inputs = [codes]
    embed = keras.initializers.RandomNormal(stddev=1.0, seed=seed * 100003 + 99991)
    x = layers.Embedding(hp["n_classes"], R, embeddings_initializer=embed, name="input_embedding")(codes)
    condition = None
    if hp["n_conditions"]:
        condition = keras.Input(shape=(1,), dtype="int32", name="condition")
        inputs.append(condition)
    skips = []
    last = len(hp["dilations"]) - 1
    for i, d in enumerate(hp["dilations"]):
        z = layers.Conv1D(
            2 * D, hp["kernel_size"], dilation_rate=d, padding="causal", kernel_initializer=init(), name=f"dilated_conv_{i}"
        )(x)
        if condition is not None:
            cond_init = keras.initializers.RandomNormal(stddev=0.1, seed=seed * 100003 + 50000 + i)
            z = z + layers.Embedding(hp["n_conditions"], 2 * D, embeddings_initializer=cond_init, name=f"condition_{i}")(condition)
        h = ops.tanh(z[..., :D]) * ops.sigmoid(z[..., D:])
        skips.append(layers.Conv1D(S, 1, kernel_initializer=init(), name=f"skip_{i}")(h))
        if i < last:
            x = x + layers.Conv1D(R, 1, kernel_initializer=init(), name=f"residual_{i}")(h)
    out = layers.Add(name="skip_sum")(skips) if len(skips) > 1 else skips[0]
    out = layers.Conv1D(S, 1, kernel_initializer=init(), name="output_conv")(ops.relu(out))
    out = layers.Conv1D(hp["n_classes"], 1, kernel_initializer=init(), name="logits")(ops.relu(out))
    probs = layers.Activation("softmax", dtype="float32", name="probabilities")(out)
    model = keras.Model(inputs, probs, name="wavenet")
    setattr(model, _ATTRIBUTE, {k: (tuple(v) if k == "dilations" else v) for k, v in hp.items()})
    return model


def numpy_weights(model) -> dict:
    """The model's weights as float64 NumPy arrays, layer by layer, for :func:`forward` and :func:`generate`.

    Returns
    -------
    dict
        ``embedding`` (n_classes, R); ``layers``: a list with, per residual block, ``dilation``,
        ``kernel`` (kernel_size·R, 2D) (the Conv1D taps stacked, oldest first), ``bias`` (2D,),
        ``condition`` (n_conditions, 2D) or None, ``out`` (D, S+R) and ``out_bias`` (S+R,)
        (skip and residual 1×1 convolutions side by side; the last block has no residual);
        ``output_conv``, ``output_bias``, ``logits``, ``logits_bias``; and ``hp``.

    Notebook: 08_wavenet
    """
    hp = hyperparameters_of(model)
    f64 = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
    W = {"hp": hp, "embedding": f64(model.get_layer("input_embedding").get_weights()[0])}
    blocks = []
    last = len(hp["dilations"]) - 1
    for i, d in enumerate(hp["dilations"]):
        k, b = model.get_layer(f"dilated_conv_{i}").get_weights()  # k: (kernel_size, R, 2D)
        ws, bs = model.get_layer(f"skip_{i}").get_weights()
        out_w, out_b = ws[0], bs
        if i < last:
            wr, br = model.get_layer(f"residual_{i}").get_weights()
            out_w, out_b = np.concatenate([ws[0], wr[0]], axis=1), np.concatenate([bs, br])
        cond = None
        if hp["n_conditions"]:
            cond = f64(model.get_layer(f"condition_{i}").get_weights()[0])
        blocks.append(
            {
                "dilation": int(d),
                "kernel": f64(k.reshape(k.shape[0] * k.shape[1], k.shape[2])),
                "bias": f64(b),
                "condition": cond,
                "out": f64(out_w),
                "out_bias": f64(out_b),
            }
        )
    W["layers"] = blocks
    w1, b1 = model.get_layer("output_conv").get_weights()
    w2, b2 = model.get_layer("logits").get_weights()
    W["output_conv"], W["output_bias"] = f64(w1[0]), f64(b1)
    W["logits"], W["logits_bias"] = f64(w2[0]), f64(b2)
    return W


def _as_weights(model_or_weights):
    if isinstance(model_or_weights, dict) and "layers" in model_or_weights:
        return model_or_weights
    return numpy_weights(model_or_weights)


def _condition_vectors(W, condition):
    n_cond = W["hp"]["n_conditions"]
    if n_cond == 0:
        if condition is not None:
            raise ValueError("condition was given but the model has no global conditioning (n_conditions=0)")
        return [None] * len(W["layers"])
    if condition is None:
        raise ValueError(f"this model is conditioned on a class: pass condition=0..{n_cond - 1}")
    if isinstance(condition, str):
        names = CONDITIONS if n_cond == len(CONDITIONS) else ()
        condition = names.index(_checks.choice(condition, "condition", names))
    condition = _checks.integer(condition, "condition", 0, n_cond - 1, "class index, or a name of CONDITIONS")
    return [blk["condition"][condition] for blk in W["layers"]]


def _gate(z, D):
    # tanh(filter) * sigmoid(gate), with sigmoid(g) = (1 + tanh(g/2)) / 2 (no overflow)
    return np.tanh(z[:, :D]) * (0.5 + 0.5 * np.tanh(0.5 * z[:, D:]))


def _head(W, skip):
    out = np.maximum(skip, 0.0) @ W["output_conv"] + W["output_bias"]
    return np.maximum(out, 0.0) @ W["logits"] + W["logits_bias"]


def _block(blk, taps, cv, x, skip, D, S):
    """One gated residual block on its taps (T, k·R): the new residual stream x and skip sum."""
    z = taps @ blk["kernel"] + blk["bias"]
    if cv is not None:
        z = z + cv
    o = _gate(z, D) @ blk["out"] + blk["out_bias"]
    return (x + o[:, S:] if o.shape[1] > S else x), skip + o[:, :S]


def _forward(W, codes, cond_vectors, keep_inputs=False):
    hp = W["hp"]
    k, D, S = hp["kernel_size"], hp["dilation_channels"], hp["skip_channels"]
    x = W["embedding"][codes]
    T = x.shape[0]
    skip = 0.0
    inputs = []
    for blk, cv in zip(W["layers"], cond_vectors):
        if keep_inputs:
            inputs.append(x)
        d = blk["dilation"]
        pad = np.concatenate([np.zeros(((k - 1) * d, x.shape[1])), x])
        taps = np.concatenate([pad[j * d : j * d + T] for j in range(k)], axis=1)  # (T, k·R), oldest first
        x, skip = _block(blk, taps, cv, x, skip, D, S)
    logits = _head(W, skip)
    return (logits, inputs) if keep_inputs else logits


def _softmax(logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def forward(model_or_weights, codes, condition=None, logits=False):
    """Run the model in float64 NumPy on one sequence of codes (the maths of :func:`build_model`).

    Parameters
    ----------
    model_or_weights : keras.Model or dict
        A model from :func:`build_model` or its :func:`numpy_weights`.
    codes : array_like of int, shape (n_samples,)
    condition : int or str, optional
        The class, for a conditioned model.
    logits : bool, default False
        Return the pre-softmax logits instead of probabilities.

    Returns
    -------
    numpy.ndarray of float64, shape (n_samples, n_classes)
        Row ``t`` is ``p(x_{t+1} | x_{≤t})`` (zero-padded before the first sample, like Keras'
        causal padding).

    Notebook: 08_wavenet
    """
    W = _as_weights(model_or_weights)
    codes = _codes(codes, "codes", W["hp"]["n_classes"])
    out = _forward(W, codes, _condition_vectors(W, condition))
    return out if logits else _softmax(out)


# --------------------------------------------------------------------------- training examples


def make_examples(clips, labels=None, *, segment_length=2048, n_per_clip=4, history=2047, rng=0, mu=MU):
    """Cut training examples of mu-law codes out of clips: inputs and next-sample targets.

    Each clip is mu-law encoded and preceded by ``history`` samples of silence (so the model
    also learns how notes start after silence, as in generation); then ``n_per_clip``
    random windows of ``segment_length + 1`` codes are cut: ``inputs = w[:-1]``,
    ``targets = w[1:]``.

    Parameters
    ----------
    clips : sequence of 1-D float arrays
        Mono audio in [-1, 1], e.g. from :func:`course_lib.datasets.melodies.note_dataset`.
    labels : array_like of int, optional
        One class per clip (global conditioning).
    segment_length : int, default 2048
        Samples per example.
    n_per_clip : int, default 4
        Examples cut from each clip.
    history : int, default 2047
        Samples of silence put before each clip (the receptive field is a good choice).
    rng : int, numpy.random.Generator or None, default 0
        Randomness of the window positions; an int seed gives the same examples every time.
    mu : int, default 255
        Mu-law steps (:func:`mu_law_encode`).

    Returns
    -------
    dict
        ``inputs`` and ``targets``: int32 (n, segment_length); ``condition``: int32 (n, 1)
        when ``labels`` is given.

    Raises
    ------
    TypeError, ValueError
        For bad arguments: no clips, a clip that is not 1-D audio, a label count that differs
        from the clip count, a non-integer length.

    Notebook: 08_wavenet
    """
    segment_length = _checks.positive_int(segment_length, "segment_length", "samples")
    n_per_clip = _checks.positive_int(n_per_clip, "n_per_clip", "examples")
    history = _checks.integer(history, "history", minimum=0, what="samples")
    generator = _checks.rng(rng)
    clips = [_checks.audio(clip, f"clips[{i}]", ndim=1) for i, clip in enumerate(clips)]
    if not clips:
        raise ValueError("clips is empty; give at least one clip")
    if labels is not None and len(labels) != len(clips):
        raise ValueError(f"labels must give one class per clip: {len(labels)} labels for {len(clips)} clips")
    silence = int(mu_law_encode(0.0, mu))
    windows, conds = [], []
    for i, clip in enumerate(clips):
        codes = np.concatenate([np.full(history, silence, np.int64), mu_law_encode(clip, mu)])
        if codes.size < segment_length + 1:
            codes = np.concatenate([codes, np.full(segment_length + 1 - codes.size, silence, np.int64)])
        starts = generator.integers(0, codes.size - segment_length, size=n_per_clip)
        for s in starts:
            windows.append(codes[s : s + segment_length + 1])
            if labels is not None:
                conds.append(int(labels[i]))
    w = np.stack(windows).astype(np.int32)
    data = {"inputs": w[:, :-1], "targets": w[:, 1:]}
    if labels is not None:
        data["condition"] = np.asarray(conds, dtype=np.int32)[:, None]
    return data


# --------------------------------------------------------------------------- training


def _model_inputs(data):
    if isinstance(data, dict):
        x = [data["inputs"]] + ([data["condition"]] if "condition" in data else [])
        return x, data["targets"]
    data = tuple(data)
    if len(data) == 2:
        return [data[0]], data[1]
    if len(data) == 3:
        return [data[0], data[2]], data[1]
    raise ValueError("data must be a dict from make_examples or a tuple (inputs, targets[, condition])")


def logits_model(model):
    """The network up to its logits (before the softmax): a Keras model with the same inputs.

    Parameters
    ----------
    model : keras.Model
        A WaveNet of :func:`build` (its last layer is the softmax over the 256 mu-law codes).

    Returns
    -------
    keras.Model
        Outputs the 256 logits per time step; scoring a note's cross-entropy from logits is stable
        where the softmax's probabilities underflow.

    Notebook: 08_wavenet (via ``wavenet_notes.note_losses``)
    """
    return _logits_model(model)


def _logits_model(model):
    import keras

    return keras.Model(model.inputs, model.get_layer("logits").output)


def _tqdm_callback(total, disable, desc):
    import keras
    from tqdm.auto import tqdm

    class TqdmCallback(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=total, desc=desc, disable=disable, unit="batch")

        def on_train_batch_end(self, batch, logs=None):
            self.bar.update(1)
            if logs and batch % 10 == 0:
                self.bar.set_postfix(loss=f"{float(logs['loss']):.3f}", refresh=False)

        def on_epoch_end(self, epoch, logs=None):
            if logs and "val_loss" in logs:
                self.bar.set_postfix(loss=f"{float(logs['loss']):.3f}", val_loss=f"{float(logs['val_loss']):.3f}")

        def on_train_end(self, logs=None):
            self.bar.close()

    return TqdmCallback()


def train(model, data, *, epochs=1, batch_size=8, learning_rate=1e-3, validation_data=None, progress=True, rng=0, callbacks=()):
    """Train a WaveNet by maximum likelihood: cross-entropy of the next code, Adam.

    The loss is computed from the ``logits`` layer (``from_logits=True``), which is the
    negative log-likelihood in nats per sample (``ln 256 ≈ 5.55`` for a uniform guess).

    Parameters
    ----------
    model : keras.Model
        From :func:`build_model` (trained in place).
    data : dict or tuple
        From :func:`make_examples`, or ``(inputs, targets)`` / ``(inputs, targets, condition)``.
    epochs : int, default 1
        Passes over ``data``.
    batch_size : int, default 8
        Examples per step.
    learning_rate : float or keras schedule, default 1e-3
        Adam's step size (gradients are clipped to norm 1).
    validation_data : dict or tuple, optional
        Same format; its loss is measured after every epoch.
    progress : bool, default True
        Show a tqdm progress bar.
    rng : int, numpy.random.Generator or None, default 0
        Seeds Keras' shuffling (``keras.utils.set_random_seed`` with the int seed, or one drawn
        from the Generator; it also seeds NumPy's and Python's global generators).
    callbacks : sequence of keras callbacks, optional
        More callbacks for ``fit``.

    Returns
    -------
    dict
        ``loss`` (and ``val_loss``): lists of nats per sample, one value per epoch.

    Notebook: 08_wavenet
    """
    import keras

    epochs = _checks.positive_int(epochs, "epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size", "examples")
    keras.utils.set_random_seed(_int_seed(rng))
    x, y = _model_inputs(data)
    val = None
    if validation_data is not None:
        vx, vy = _model_inputs(validation_data)
        val = (vx, vy)
    steps = int(np.ceil(len(y) / batch_size))
    net = _logits_model(model)
    net.compile(
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    cbs = [_tqdm_callback(epochs * steps, not progress, "train")] + list(callbacks)
    hist = net.fit(x, y, batch_size=batch_size, epochs=epochs, validation_data=val, shuffle=True, verbose=0, callbacks=cbs)
    return {k: [float(v) for v in vals] for k, vals in hist.history.items()}


def evaluate(model, data, batch_size=8):
    """Mean cross-entropy (nats per sample) of the model on examples from :func:`make_examples`.

    Parameters
    ----------
    model : keras.Model
        From :func:`build_model` or :func:`load`.
    data : dict or tuple
        As for :func:`train`.
    batch_size : int, default 8
        Examples per step.

    Returns
    -------
    float
        Nats per sample (``ln 256 ≈ 5.55`` for a uniform guess).

    Notebook: 08_wavenet
    """
    import keras

    batch_size = _checks.positive_int(batch_size, "batch_size", "examples")
    x, y = _model_inputs(data)
    net = _logits_model(model)
    net.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return float(net.evaluate(x, y, batch_size=batch_size, verbose=0))


# --------------------------------------------------------------------------- saving and loading


def _json_path(weights_path) -> Path:
    p = Path(weights_path)
    name = p.name[: -len(".weights.h5")] if p.name.endswith(".weights.h5") else p.stem
    return p.with_name(name + ".json")


def save(model, path, **metadata):
    """Save weights to ``path`` (must end in ``.weights.h5``) and hyperparameters to a ``.json`` beside it.

    Parameters
    ----------
    model : keras.Model
        From :func:`build_model`.
    path : str or pathlib.Path
        The weights file, ending in ``.weights.h5``; ``name.weights.h5`` gets ``name.json``.
    **metadata
        More entries for the JSON (e.g. the training history), JSON-serializable.

    Returns
    -------
    pathlib.Path
        The JSON file.

    Raises
    ------
    ValueError
        A file name that does not end in ``.weights.h5``.

    Notebook: (tooling, course_lib.experiments.wavenet_notes saves the shipped model with it)
    """
    path = Path(path)
    if not path.name.endswith(".weights.h5"):
        raise ValueError(f"path must end in '.weights.h5' (Keras 3 weights file), got {path.name!r}")
    hp = hyperparameters_of(model)
    model.save_weights(path)
    info = {"hyperparameters": hp, **metadata}
    jp = _json_path(path)
    jp.write_text(json.dumps(info, indent=1) + "\n")
    return jp


def load(path):
    """Build the model described by the JSON beside ``path`` and load the weights of ``path``.

    Returns
    -------
    model : keras.Model
    info : dict
        The JSON's content (``hyperparameters``, and e.g. ``history``).

    Raises
    ------
    WeightsNotFoundError
        (a ``FileNotFoundError``) naming the missing file and the command that makes it.

    Notebook: 08_wavenet (via ``course_lib.experiments.wavenet_notes.load_model``)
    """
    path = Path(path)
    jp = _json_path(path)
    for p in (path, jp):
        if not p.exists():
            raise WeightsNotFoundError(f"{p} not found; the shipped model (data/wavenet_notes.*) is made by "
                                       f"`{_SHIPPED_COMMAND}`")
    info = json.loads(jp.read_text())
    hp = dict(info["hyperparameters"])
    model = build_model(**hp)
    model.load_weights(path)
    return model, info


# --------------------------------------------------------------------------- generation
#
# Both generators run the same compiled (numba) step: one gated residual block at one time step,
# ``_nb_block``, with every sum in a fixed order (inputs outer, outputs inner). "naive" calls it at
# every position of the receptive-field window for every new sample; "fast" calls it once per layer,
# reading the older tap from a queue. The last output of a window depends only on positions whose
# inputs lie inside it, so both compute it with exactly the same floating-point operations on the
# same numbers: the logits, and hence the codes, are identical bit for bit, in float32 as in float64.


@numba.njit(cache=True)
def _nb_block(l, taps, K, B, O, OB, x, skip, z, o, new_x, half):
    """Block ``l`` at one time step: taps (k·R,) → new residual stream new_x (R,), skip += (S,)."""
    kR, twoD = K.shape[1], K.shape[2]
    D, SR = O.shape[1], O.shape[2]
    R = x.shape[0]
    S = SR - R
    for j in range(twoD):
        z[j] = B[l, j]
    for i in range(kR):
        t = taps[i]
        for j in range(twoD):
            z[j] += t * K[l, i, j]
    for j in range(SR):
        o[j] = OB[l, j]
    for i in range(D):
        h = np.tanh(z[i]) * (half + half * np.tanh(half * z[D + i]))
        for j in range(SR):
            o[j] += h * O[l, i, j]
    for j in range(S):
        skip[j] += o[j]
    for j in range(R):
        new_x[j] = x[j] + o[S + j]


@numba.njit(cache=True)
def _nb_head(skip, W1, b1, W2, b2, a, logits):
    """ReLU → 1×1 → ReLU → 1×1: the logits (C,) of one time step from its skip sum (S,)."""
    for j in range(W1.shape[1]):
        a[j] = b1[j]
    for i in range(W1.shape[0]):
        s = skip[i]
        if s > 0:  # ReLU; a zero row adds nothing, so skipping it changes no bit
            for j in range(W1.shape[1]):
                a[j] += s * W1[i, j]
    for j in range(W2.shape[1]):
        logits[j] = b2[j]
    for i in range(W2.shape[0]):
        s = a[i]
        if s > 0:
            for j in range(W2.shape[1]):
                logits[j] += s * W2[i, j]


@numba.njit(cache=True)
def _nb_sample(logits, u, temperature, p):
    """Inverse-CDF draw from softmax(logits / temperature) (float64) with the uniform number u."""
    C = logits.shape[0]
    best = 0
    for j in range(1, C):
        if logits[j] > logits[best]:
            best = j
    if temperature == 0.0:
        return best
    top = np.float64(logits[best])
    total = 0.0
    for j in range(C):
        total += np.exp((np.float64(logits[j]) - top) / temperature)
        p[j] = total
    target = u * total
    for j in range(C):
        if p[j] > target:
            return j
    return C - 1


@numba.njit(cache=True)
def _nb_window(window, emb, K, B, O, OB, dil, k, W1, b1, W2, b2, half, Q, keep, logits):
    """The full model over a window of codes (zero-padded on the left); logits of its last position.

    With ``keep``, the last ``(k-1)·d`` inputs of every layer go into its queue ``Q[l]`` at index
    ``position % ((k-1)·d)`` (positions count from the window's start).
    """
    T = window.shape[0]
    R = emb.shape[1]
    L = K.shape[0]
    dt = emb.dtype
    X = np.empty((T, R), dt)
    Xn = np.empty((T, R), dt)
    for p in range(T):
        X[p] = emb[window[p]]
    taps = np.zeros(k * R, dt)
    skip = np.zeros(O.shape[2] - R, dt)
    scratch = np.zeros(O.shape[2] - R, dt)
    z = np.empty(K.shape[2], dt)
    o = np.empty(O.shape[2], dt)
    for l in range(L):
        d = dil[l]
        size = (k - 1) * d
        if keep:
            for p in range(max(0, T - size), T):
                Q[l, p % size] = X[p]
        for p in range(T):
            for m in range(k):
                src = p - (k - 1 - m) * d
                for i in range(R):
                    taps[m * R + i] = X[src, i] if src >= 0 else 0.0
            _nb_block(l, taps, K, B, O, OB, X[p], skip if p == T - 1 else scratch, z, o, Xn[p], half)
        X, Xn = Xn, X
    a = np.empty(W1.shape[1], dt)
    _nb_head(skip, W1, b1, W2, b2, a, logits)


@numba.njit(cache=True)
def _nb_naive(hist, n0, n1, rf, emb, K, B, O, OB, dil, k, W1, b1, W2, b2, half, us, temperature):
    """Naive generation of hist[rf + n] for n in [n0, n1): the full model over the last rf codes each time."""
    Q = np.zeros((1, 1, 1), emb.dtype)
    logits = np.empty(W2.shape[1], emb.dtype)
    p = np.empty(W2.shape[1], np.float64)
    for n in range(n0, n1):
        _nb_window(hist[n : n + rf], emb, K, B, O, OB, dil, k, W1, b1, W2, b2, half, Q, False, logits)
        hist[rf + n] = _nb_sample(logits, us[n], temperature, p)


@numba.njit(cache=True)
def _nb_fast(hist, t0, t1, rf, emb, K, B, O, OB, dil, k, W1, b1, W2, b2, half, us, temperature, Q):
    """Fast generation (Paine et al. 2016) of hist[t + 1] for t in [t0, t1): one step per layer, queues Q."""
    R = emb.shape[1]
    L = K.shape[0]
    dt = emb.dtype
    x = np.empty(R, dt)
    xn = np.empty(R, dt)
    taps = np.empty(k * R, dt)
    skip = np.empty(O.shape[2] - R, dt)
    z = np.empty(K.shape[2], dt)
    o = np.empty(O.shape[2], dt)
    a = np.empty(W1.shape[1], dt)
    logits = np.empty(W2.shape[1], dt)
    p = np.empty(W2.shape[1], np.float64)
    for t in range(t0, t1):
        x[:] = emb[hist[t]]
        skip[:] = 0.0
        for l in range(L):
            d = dil[l]
            size = (k - 1) * d
            for m in range(k - 1):  # taps oldest first: x[t-(k-1)d], ..., x[t-d], then x[t]
                taps[m * R : (m + 1) * R] = Q[l, (t - (k - 1 - m) * d) % size]
            taps[(k - 1) * R :] = x
            Q[l, t % size] = x
            _nb_block(l, taps, K, B, O, OB, x, skip, z, o, xn, half)
            x, xn = xn, x
        _nb_head(skip, W1, b1, W2, b2, a, logits)
        hist[t + 1] = _nb_sample(logits, us[t + 1 - rf], temperature, p)


def _stacked(W, cond, dtype):
    """The weights as the compiled generators take them: per-layer arrays stacked, condition in the bias."""
    hp = W["hp"]
    R, S = hp["residual_channels"], hp["skip_channels"]
    L = len(W["layers"])
    blocks = W["layers"]
    K = np.stack([b["kernel"] for b in blocks]).astype(dtype)
    B = np.stack([b["bias"] + (0.0 if cv is None else cv) for b, cv in zip(blocks, cond)]).astype(dtype)
    O = np.zeros((L, hp["dilation_channels"], S + R), dtype)
    OB = np.zeros((L, S + R), dtype)
    for i, b in enumerate(blocks):  # the last block has no residual: its columns stay zero
        O[i, :, : b["out"].shape[1]] = b["out"]
        OB[i, : b["out"].shape[1]] = b["out_bias"]
    c = lambda a: np.ascontiguousarray(a, dtype=dtype)  # noqa: E731
    return dict(emb=c(W["embedding"]), K=K, B=B, O=O, OB=OB, dil=np.array([b["dilation"] for b in blocks], np.int64),
                k=int(hp["kernel_size"]), W1=c(W["output_conv"]), b1=c(W["output_bias"]), W2=c(W["logits"]),
                b2=c(W["logits_bias"]), half=np.dtype(dtype).type(0.5))


def _window_logits(W, codes, condition=None, dtype="float32"):
    """Logits of the compiled model at the last position of ``codes`` (what both generators sample from)."""
    W = _as_weights(W)
    a = _stacked(W, _condition_vectors(W, condition), dtype)
    logits = np.empty(W["hp"]["n_classes"], dtype)
    codes = _codes(codes, "codes", W["hp"]["n_classes"]).astype(np.int64)
    _nb_window(codes, a["emb"], a["K"], a["B"], a["O"], a["OB"], a["dil"], a["k"], a["W1"], a["b1"], a["W2"], a["b2"],
               a["half"], np.zeros((1, 1, 1), dtype), False, logits)
    return logits


def generate(model, n_samples, *, method="fast", rng=0, temperature=1.0, condition=None, progress=True, dtype="float32"):
    """Sample new audio codes from a WaveNet, one sample at a time, starting from silence.

    The history starts as ``receptive_field`` samples of silence (code of 0.0). Each new code
    is drawn from the model's softmax at the last position, ``p(x_t | x_{<t})``, by inverse
    CDF: ``u ~ U[0, 1)`` drawn from ``rng``, the first code whose cumulative probability
    exceeds ``u``.

    Parameters
    ----------
    model : keras.Model or dict
        From :func:`build_model`, or its :func:`numpy_weights` (faster to reuse).
    n_samples : int
        Number of codes to generate.
    method : {"fast", "naive"}
        ``"naive"`` runs the full model over the last ``receptive_field`` codes for every new
        sample (cost ∝ receptive field × layers). ``"fast"`` (Paine et al. 2016) keeps, for
        every layer, a queue of its last ``(kernel_size - 1)·dilation`` inputs, so a new sample
        costs one step per layer (cost ∝ layers). Both run the same compiled (numba) step
        function, with each layer's filter and gate in one matrix and its skip and residual in
        another, and give identical codes for the same ``rng`` and ``dtype``.
    rng : int, numpy.random.Generator or None, default 0
        Randomness of the sampling (one uniform number per sample); an int seed gives the same
        codes every time.
    temperature : float, default 1.0
        Divides the logits: < 1 is more conservative, > 1 noisier; 0 takes the most likely code.
    condition : int or str, optional
        Class for a conditioned model (0/"guitar", 1/"trumpet", 2/"flute" for the shipped model).
    progress : bool, default True
        Show a tqdm progress bar.
    dtype : {"float32", "float64"}, default "float32"
        Arithmetic of the network (the softmax and the draw are always float64). float32 is about
        1.4 times as fast (``python -m benchmarks.wavenet_generation``); its probabilities agree with float64 to about 1e-5, but a draw that lands
        that close to a boundary between codes can differ, after which the two streams diverge.

    Returns
    -------
    numpy.ndarray of int64, shape (n_samples,)
        Codes; :func:`mu_law_decode` turns them into audio.

    Notebook: 08_wavenet
    """
    from tqdm.auto import tqdm

    n_samples = _checks.integer(n_samples, "n_samples", minimum=0, what="samples")
    method = _checks.choice(method, "method", ("fast", "naive"))
    dtype = _checks.choice(dtype, "dtype", ("float32", "float64"))
    temperature = _checks.number(temperature, "temperature", minimum=0.0)
    generator = _checks.rng(rng)
    W = _as_weights(model)
    hp = W["hp"]
    a = _stacked(W, _condition_vectors(W, condition), dtype)
    weights = (a["emb"], a["K"], a["B"], a["O"], a["OB"], a["dil"], a["k"], a["W1"], a["b1"], a["W2"], a["b2"], a["half"])
    us = generator.random(n_samples)
    rf = receptive_field(hp)
    silence = int(mu_law_encode(0.0, hp["n_classes"] - 1))
    history = np.full(rf + n_samples, silence, dtype=np.int64)
    chunk = 2000 if method == "fast" else 20
    bar = tqdm(total=n_samples, desc=f"generate ({method})", disable=not progress, unit="sample")
    if method == "naive":
        for n0 in range(0, n_samples, chunk):
            n1 = min(n_samples, n0 + chunk)
            _nb_naive(history, n0, n1, rf, *weights, us, temperature)
            bar.update(n1 - n0)
    elif n_samples:
        k = hp["kernel_size"]
        Q = np.zeros((len(W["layers"]), (k - 1) * max(hp["dilations"]), hp["residual_channels"]), dtype)
        logits = np.empty(hp["n_classes"], dtype)
        # prime the queues with the layer inputs of the silent history, and draw the first sample
        _nb_window(history[:rf], *weights, Q, True, logits)
        history[rf] = _nb_sample(logits, us[0], temperature, np.empty(hp["n_classes"]))
        bar.update(1)
        for t0 in range(rf, rf + n_samples - 1, chunk):
            t1 = min(rf + n_samples - 1, t0 + chunk)
            _nb_fast(history, t0, t1, rf, *weights, us, temperature, Q)
            bar.update(t1 - t0)
    bar.close()
    return history[rf:].copy()
