"""WaveNet: mu-law coding, a Keras WaveNet, its training data and naive vs fast generation.

WaveNet (van den Oord et al. 2016) models a waveform as a product of next-sample
distributions, ``p(x) = Π_t p(x_t | x_1, ..., x_{t-1})``: each sample is one of 256 mu-law
codes and a stack of causal, dilated convolutions with gated residual blocks predicts a
softmax over those codes from the samples before it. This module holds everything chapter
``08_wavenet`` teaches and tests: mu-law companding (:func:`mu_law_encode`,
:func:`mu_law_decode`), the model (:func:`build_model`, :func:`receptive_field`), a small
synthetic data set of plucked-string and organ melodies at 8 kHz (:func:`melody`,
:func:`melody_dataset`, :func:`make_examples`), training (:func:`train`), the shipped
pretrained model (:func:`load_pretrained`) and sampling (:func:`generate`): ``"naive"``
recomputes the whole receptive field for every new sample, ``"fast"`` keeps a queue of past
activations per layer (Paine et al. 2016, "Fast Wavenet Generation Algorithm"), so each
sample costs one step per layer. Both run the model's own weights in float64 NumPy and
return identical codes for the same seed.

The shipped weights ``data/wavenet_melodies.weights.h5`` (and their hyperparameters and
training history, ``data/wavenet_melodies.json``) are trained on CPU by::

    python -m course_lib.wavenet train --out data/wavenet_melodies.weights.h5

(a conditioned WaveNet with the default hyperparameters, on 256 melodies, 14 epochs of 256
steps: about 13 minutes on two idle CPU cores, 29 minutes measured on two shared ones; it shows a
progress bar, prints the final training and validation loss - 1.426 and 1.443 nats per sample for
the shipped file - and writes the JSON beside the weights). TensorFlow
and Keras are imported only inside the functions that need them.
"""

from __future__ import annotations

import argparse
import json
import numbers
import sys
import time
from pathlib import Path

import numpy as np

__all__ = [
    "MU",
    "SR",
    "CONDITIONS",
    "SCALE",
    "DEFAULT_HYPERPARAMETERS",
    "PRETRAINED",
    "mu_law_encode",
    "mu_law_decode",
    "one_hot",
    "dilations_for",
    "receptive_field",
    "build_model",
    "hyperparameters_of",
    "numpy_weights",
    "forward",
    "melody",
    "melody_dataset",
    "make_examples",
    "train",
    "evaluate",
    "save",
    "load",
    "load_pretrained",
    "generate",
    "main",
]

#: Number of mu-law steps: codes run from 0 to MU (256 classes, 8 bits).
MU = 255
#: Sampling rate (Hz) of the melody data set and the shipped model.
SR = 8000
#: Class labels of the melody data set (global conditioning): index 0 and 1.
CONDITIONS = ("plucked", "organ")
#: The scale melodies are drawn from: A minor pentatonic, MIDI 57 (A3, 220 Hz) to 81 (A5, 880 Hz).
SCALE = (57, 60, 62, 64, 67, 69, 72, 74, 76, 79, 81)
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
#: File name (in ``data/``) of the shipped weights; its hyperparameters are in ``wavenet_melodies.json``.
PRETRAINED = "wavenet_melodies.weights.h5"
_ATTRIBUTE = "wavenet_hyperparameters"


# --------------------------------------------------------------------------- checks


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _check_int(value, name: str, lo: int = 1) -> int:
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < lo:
        raise ValueError(f"{name} must be >= {lo}, got {value}")
    return int(value)


def _check_mu(mu) -> int:
    if not _is_int(mu) or mu < 1:
        raise ValueError(f"mu must be a positive integer (255 for 8-bit mu-law), got {mu!r}")
    return int(mu)


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
    ValueError
        NaN or infinite samples, or ``mu`` not a positive integer.
    TypeError
        Non-numeric ``x``.

    Notes
    -----
    ``librosa.mu_compress(x, quantize=True)`` gives codes in [-128, 127] that differ from
    ``mu_law_encode(x) - 128`` by one on about half the inputs: it bins ``y`` with
    ``np.digitize`` against ``linspace(-1, 1, 256)`` (so it rounds *up*, a ceiling) instead of
    rounding to the nearest level.

    Notebook: 08_wavenet
    """
    mu = _check_mu(mu)
    x = np.asarray(x)
    if x.dtype.kind not in "fiu":
        raise TypeError(f"x must be a real numeric array, got dtype {x.dtype}")
    x = x.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinite values")
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

    Returns
    -------
    numpy.ndarray of float32
        Samples in [-1, 1], the shape of ``codes``.

    Raises
    ------
    ValueError
        Codes that are not integers or lie outside [0, mu].

    Notebook: 08_wavenet
    """
    mu = _check_mu(mu)
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
    n_classes : int, default 256

    Returns
    -------
    numpy.ndarray of float32, shape (n_samples, n_classes)

    Notebook: 08_wavenet
    """
    n_classes = _check_int(n_classes, "n_classes", 2)
    c = np.asarray(codes)
    if c.dtype.kind not in "iu" or c.ndim != 1:
        raise ValueError(f"codes must be a 1-D integer array, got dtype {c.dtype} and shape {c.shape}")
    if c.size and (c.min() < 0 or c.max() >= n_classes):
        raise ValueError(f"codes must lie in [0, {n_classes - 1}]")
    out = np.zeros((c.size, n_classes), dtype=np.float32)
    out[np.arange(c.size), c] = 1.0
    return out


# --------------------------------------------------------------------------- the model


def dilations_for(n_layers=10, n_stacks=1):
    """Dilations of the stacks: ``1, 2, 4, ..., 2**(n_layers-1)``, repeated ``n_stacks`` times.

    Notebook: 08_wavenet
    """
    n_layers = _check_int(n_layers, "n_layers")
    n_stacks = _check_int(n_stacks, "n_stacks")
    return [2**i for i in range(n_layers)] * n_stacks


def _hparams(**overrides):
    hp = dict(DEFAULT_HYPERPARAMETERS)
    unknown = set(overrides) - set(hp) - {"dilations"}
    if unknown:
        raise TypeError(f"unknown hyperparameters {sorted(unknown)}; known: {sorted(hp) + ['dilations']}")
    hp.update({k: v for k, v in overrides.items() if k != "dilations"})
    for name in ("n_classes", "residual_channels", "dilation_channels", "skip_channels", "kernel_size"):
        hp[name] = _check_int(hp[name], name, 2 if name in ("n_classes", "kernel_size") else 1)
    hp["n_conditions"] = _check_int(hp["n_conditions"], "n_conditions", 0)
    dilations = overrides.get("dilations")
    if dilations is None:
        dilations = dilations_for(hp["n_layers"], hp["n_stacks"])
    else:
        dilations = list(dilations)
        if not dilations:
            raise ValueError("dilations must not be empty")
        for d in dilations:
            _check_int(d, "each dilation", 1)
        dilations = [int(d) for d in dilations]
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


def build_model(seed=0, **hyperparameters):
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
    seed : int, default 0
        Seed of the initial weights.
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

    seed = _check_int(seed, "seed", 0)
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
        if condition not in CONDITIONS:
            raise ValueError(f"condition must be one of {CONDITIONS} or an integer, got {condition!r}")
        condition = CONDITIONS.index(condition)
    if not _is_int(condition) or not 0 <= condition < n_cond:
        raise ValueError(f"condition must be an integer in [0, {n_cond - 1}], got {condition!r}")
    return [blk["condition"][int(condition)] for blk in W["layers"]]


def _gate(z, D):
    # tanh(filter) * sigmoid(gate), with sigmoid(g) = (1 + tanh(g/2)) / 2 (no overflow)
    return np.tanh(z[:, :D]) * (0.5 + 0.5 * np.tanh(0.5 * z[:, D:]))


def _head(W, skip):
    out = np.maximum(skip, 0.0) @ W["output_conv"] + W["output_bias"]
    return np.maximum(out, 0.0) @ W["logits"] + W["logits_bias"]


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
        z = taps @ blk["kernel"] + blk["bias"]
        if cv is not None:
            z = z + cv
        o = _gate(z, D) @ blk["out"] + blk["out_bias"]
        skip = skip + o[:, :S]
        if o.shape[1] > S:
            x = x + o[:, S:]
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
    codes = np.asarray(codes)
    if codes.ndim != 1 or codes.dtype.kind not in "iu":
        raise ValueError(f"codes must be a 1-D integer array, got dtype {codes.dtype} and shape {codes.shape}")
    out = _forward(W, codes, _condition_vectors(W, condition))
    return out if logits else _softmax(out)


# --------------------------------------------------------------------------- data


def melody(kind, n_notes=8, note_duration=0.25, sr=SR, seed=0, amplitude=0.6, notes=None, lead_in=0.0):
    """One synthetic melody of random notes from :data:`SCALE`: plucked strings or an organ.

    Parameters
    ----------
    kind : {"plucked", "organ"}
        Karplus–Strong notes (:func:`course_lib.synth.plucked_melody`) or electronic-organ notes
        (:func:`course_lib.synth.organ_note`, one per note, back to back).
    n_notes : int, default 8
    note_duration : float, default 0.25
        Seconds from one onset to the next.
    sr : int, default 8000
        Hz.
    seed : int, default 0
        Seed of the note choice and the pluck noises.
    amplitude : float, default 0.6
        Peak value.
    notes : sequence of int, optional
        MIDI notes to play instead of random ones.
    lead_in : float, default 0.0
        Seconds of silence before the first note.

    Returns
    -------
    numpy.ndarray of float32, shape (round(lead_in·sr) + round(n_notes·note_duration·sr),)

    Notebook: 08_wavenet
    """
    from . import pitch, synth

    if kind not in CONDITIONS:
        raise ValueError(f"kind must be one of {CONDITIONS}, got {kind!r}")
    seed = _check_int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    if notes is None:
        notes = rng.choice(SCALE, size=_check_int(n_notes, "n_notes"))
    notes = [int(m) for m in notes]
    n_each = int(round(note_duration * sr))
    if kind == "plucked":
        y = synth.plucked_melody(notes, note_duration, sr, seed=seed, decay=0.995, ring=0.05, amplitude=amplitude)
    else:
        parts = [
            synth.organ_note(float(pitch.midi_to_hz(m)), note_duration, sr, attack=0.01, release=0.03, tremolo_depth=0.0, amplitude=1.0)
            for m in notes
        ]
        y = np.concatenate(parts)
        y = (amplitude * y / max(np.max(np.abs(y)), 1e-12)).astype(np.float32)
    y = y[: n_each * len(notes)]
    return np.concatenate([np.zeros(int(round(lead_in * sr)), np.float32), y]).astype(np.float32)


def melody_dataset(n_melodies=64, n_notes=8, note_duration=0.25, sr=SR, seed=0):
    """A deterministic set of melodies, half plucked (label 0) and half organ (label 1).

    Melody ``i`` is of kind ``CONDITIONS[i % 2]``, with random notes, a random peak amplitude in
    [0.4, 0.8] and 20–200 ms of silence before its first note.

    Parameters
    ----------
    n_melodies : int, default 64
    n_notes : int, default 8
    note_duration : float, default 0.25
        Seconds per note.
    sr : int, default 8000
    seed : int, default 0

    Returns
    -------
    clips : list of numpy.ndarray of float32
    labels : numpy.ndarray of int64, shape (n_melodies,)

    Notebook: 08_wavenet
    """
    n_melodies = _check_int(n_melodies, "n_melodies")
    rng = np.random.default_rng(_check_int(seed, "seed", 0))
    clips, labels = [], []
    for i in range(n_melodies):
        label = i % 2
        clip_seed = int(rng.integers(2**31))
        amp = float(rng.uniform(0.4, 0.8))
        lead = float(rng.uniform(0.02, 0.2))
        clips.append(melody(CONDITIONS[label], n_notes, note_duration, sr, seed=clip_seed, amplitude=amp, lead_in=lead))
        labels.append(label)
    return clips, np.asarray(labels, dtype=np.int64)


def make_examples(clips, labels=None, segment_length=2048, n_per_clip=4, history=2047, seed=0, mu=MU):
    """Cut training examples of mu-law codes out of clips: inputs and next-sample targets.

    Each clip is mu-law encoded and preceded by ``history`` samples of silence (so the model
    also learns how melodies start after silence, as in generation); then ``n_per_clip``
    random windows of ``segment_length + 1`` codes are cut: ``inputs = w[:-1]``,
    ``targets = w[1:]``.

    Parameters
    ----------
    clips : sequence of 1-D float arrays
    labels : array_like of int, optional
        One class per clip (global conditioning).
    segment_length : int, default 2048
        Samples per example.
    n_per_clip : int, default 4
    history : int, default 2047
        Samples of silence put before each clip.
    seed : int, default 0
    mu : int, default 255

    Returns
    -------
    dict
        ``inputs`` and ``targets``: int32 (n, segment_length); ``condition``: int32 (n, 1)
        when ``labels`` is given.

    Notebook: 08_wavenet
    """
    segment_length = _check_int(segment_length, "segment_length", 1)
    n_per_clip = _check_int(n_per_clip, "n_per_clip", 1)
    history = _check_int(history, "history", 0)
    rng = np.random.default_rng(_check_int(seed, "seed", 0))
    if labels is not None and len(labels) != len(clips):
        raise ValueError(f"labels must give one class per clip: {len(labels)} labels for {len(clips)} clips")
    silence = int(mu_law_encode(0.0, mu))
    windows, conds = [], []
    for i, clip in enumerate(clips):
        codes = np.concatenate([np.full(history, silence, np.int64), mu_law_encode(clip, mu)])
        if codes.size < segment_length + 1:
            codes = np.concatenate([codes, np.full(segment_length + 1 - codes.size, silence, np.int64)])
        starts = rng.integers(0, codes.size - segment_length, size=n_per_clip)
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


def train(model, data, epochs=1, batch_size=8, learning_rate=1e-3, validation_data=None, progress=True, seed=0, callbacks=()):
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
    batch_size : int, default 8
    learning_rate : float or keras schedule, default 1e-3
    validation_data : dict or tuple, optional
        Same format; its loss is measured after every epoch.
    progress : bool, default True
        Show a tqdm progress bar.
    seed : int, default 0
        Seeds Keras' shuffling (``keras.utils.set_random_seed``, which also seeds NumPy's and
        Python's global generators).
    callbacks : sequence of keras callbacks, optional

    Returns
    -------
    dict
        ``loss`` (and ``val_loss``): lists of nats per sample, one value per epoch.

    Notebook: 08_wavenet
    """
    import keras

    epochs = _check_int(epochs, "epochs")
    batch_size = _check_int(batch_size, "batch_size")
    keras.utils.set_random_seed(_check_int(seed, "seed", 0))
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

    Notebook: 08_wavenet
    """
    import keras

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

    Extra keyword arguments (e.g. the training history) go into the JSON.

    Returns
    -------
    pathlib.Path
        The JSON file.

    Notebook: 08_wavenet
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
    FileNotFoundError
        Naming the missing file and the command that makes it.

    Notebook: 08_wavenet
    """
    path = Path(path)
    jp = _json_path(path)
    for p in (path, jp):
        if not p.exists():
            raise FileNotFoundError(
                f"{p} not found; train it with `python -m course_lib.wavenet train --out {path}`"
            )
    info = json.loads(jp.read_text())
    hp = dict(info["hyperparameters"])
    model = build_model(**hp)
    model.load_weights(path)
    return model, info


def load_pretrained():
    """The WaveNet shipped in ``data/``, trained on :func:`melody_dataset` (conditioned: 0 plucked, 1 organ).

    Returns
    -------
    model : keras.Model
    info : dict
        Hyperparameters, training history (``history``: ``loss``, ``val_loss`` per epoch),
        sampling rate, training time and command.

    Notebook: 08_wavenet
    """
    from . import assets

    return load(assets.data_dir() / PRETRAINED)


# --------------------------------------------------------------------------- generation


class _Sampler:
    """Inverse-CDF sampling from float64 probabilities with a seeded NumPy generator."""

    def __init__(self, seed, temperature):
        self.rng = np.random.default_rng(seed)
        if not isinstance(temperature, numbers.Real) or not np.isfinite(temperature) or temperature < 0:
            raise ValueError(f"temperature must be a finite number >= 0, got {temperature!r}")
        self.temperature = float(temperature)

    def __call__(self, logits):
        u = self.rng.random()
        if self.temperature == 0.0:
            return int(np.argmax(logits))
        p = _softmax(logits / self.temperature)
        cdf = np.cumsum(p)
        cdf /= cdf[-1]
        return int(min(np.searchsorted(cdf, u, side="right"), len(cdf) - 1))


def generate(model, n_samples, method="fast", seed=0, temperature=1.0, condition=None, progress=True):
    """Sample new audio codes from a WaveNet, one sample at a time, starting from silence.

    The history starts as ``receptive_field`` samples of silence (code of 0.0). Each new code
    is drawn from the model's softmax at the last position, ``p(x_t | x_{<t})``, by inverse
    CDF: ``u ~ U[0, 1)`` from ``numpy.random.default_rng(seed)``, the first code whose
    cumulative probability exceeds ``u``.

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
        costs one step per layer (cost ∝ layers). Both use the same float64 maths and give
        identical codes for the same seed.
    seed : int, default 0
    temperature : float, default 1.0
        Divides the logits: < 1 is more conservative, > 1 noisier; 0 takes the most likely code.
    condition : int or str, optional
        Class for a conditioned model (0/"plucked" or 1/"organ" for the shipped model).
    progress : bool, default True
        Show a tqdm progress bar.

    Returns
    -------
    numpy.ndarray of int64, shape (n_samples,)
        Codes; :func:`mu_law_decode` turns them into audio.

    Notebook: 08_wavenet
    """
    from tqdm.auto import tqdm

    n_samples = _check_int(n_samples, "n_samples", 0)
    if method not in ("fast", "naive"):
        raise ValueError(f"method must be 'fast' or 'naive', got {method!r}")
    W = _as_weights(model)
    hp = W["hp"]
    cond = _condition_vectors(W, condition)
    sample = _Sampler(_check_int(seed, "seed", 0), temperature)
    rf = receptive_field(hp)
    silence = int(mu_law_encode(0.0, hp["n_classes"] - 1))
    history = np.full(rf + n_samples, silence, dtype=np.int64)
    bar = tqdm(total=n_samples, desc=f"generate ({method})", disable=not progress, unit="sample")
    if method == "naive":
        for n in range(n_samples):
            logits = _forward(W, history[n : n + rf], cond)[-1]
            history[rf + n] = sample(logits)
            bar.update(1)
    elif n_samples:
        k, D, S = hp["kernel_size"], hp["dilation_channels"], hp["skip_channels"]
        # prime the queues with the layer inputs of the silent history
        logits, inputs = _forward(W, history[:rf], cond, keep_inputs=True)
        queues = []
        for blk, xin in zip(W["layers"], inputs):
            size = (k - 1) * blk["dilation"]
            q = np.zeros((size, xin.shape[1]))
            for p in range(rf - size, rf):
                q[p % size] = xin[p]
            queues.append(q)
        history[rf] = sample(logits[-1])
        bar.update(1)
        emb = W["embedding"]
        for t in range(rf, rf + n_samples - 1):
            x = emb[history[t]][None, :]
            skip = 0.0
            for blk, cv, q in zip(W["layers"], cond, queues):
                d, size = blk["dilation"], q.shape[0]
                # taps oldest first: x[t-(k-1)d], ..., x[t-d], x[t]
                taps = np.concatenate([q[(t - m * d) % size][None, :] for m in range(k - 1, 0, -1)] + [x], axis=1)
                q[t % size] = x[0]
                z = taps @ blk["kernel"] + blk["bias"]
                if cv is not None:
                    z = z + cv
                o = _gate(z, D) @ blk["out"] + blk["out_bias"]
                skip = skip + o[:, :S]
                if o.shape[1] > S:
                    x = x + o[:, S:]
            history[t + 1] = sample(_head(W, skip)[-1])
            bar.update(1)
    bar.close()
    return history[rf:].copy()


# --------------------------------------------------------------------------- command line


def _train_command(args) -> int:
    import keras
    import tensorflow as tf

    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:  # pragma: no cover - older TensorFlow
        pass
    keras.utils.set_random_seed(args.seed)
    hp = dict(
        DEFAULT_HYPERPARAMETERS,
        n_conditions=len(CONDITIONS),
        n_layers=args.n_layers,
        n_stacks=args.n_stacks,
        residual_channels=args.residual_channels,
        dilation_channels=args.residual_channels,
        skip_channels=args.skip_channels,
    )
    rf = receptive_field(hp)
    t0 = time.perf_counter()
    clips, labels = melody_dataset(args.n_melodies, seed=args.seed)
    vclips, vlabels = melody_dataset(max(8, args.n_melodies // 8), seed=args.seed + 1000)
    train_data = make_examples(clips, labels, args.segment_length, args.n_per_clip, history=rf, seed=args.seed)
    val_data = make_examples(vclips, vlabels, args.segment_length, 2, history=rf, seed=args.seed + 1)
    model = build_model(seed=args.seed, **hp)
    steps = int(np.ceil(len(train_data["targets"]) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps * args.epochs, alpha=0.05)
    print(
        f"training a WaveNet (receptive field {rf} samples, {model.count_params()} parameters) on "
        f"{len(clips)} melodies ({len(train_data['targets'])} examples of {args.segment_length} samples), "
        f"{args.epochs} epochs",
        flush=True,
    )
    history = train(model, train_data, args.epochs, args.batch_size, schedule, val_data, progress=not args.quiet, seed=args.seed)
    seconds = time.perf_counter() - t0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    jp = save(
        model,
        out,
        sr=SR,
        mu=MU,
        conditions=list(CONDITIONS),
        history=history,
        training={
            "command": "python -m course_lib.wavenet train --out " + str(args.out),
            "seed": args.seed,
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "learning_rate": args.learning_rate,
            "n_melodies": args.n_melodies,
            "segment_length": args.segment_length,
            "n_per_clip": args.n_per_clip,
            "seconds": round(seconds, 1),
        },
    )
    print(f"final loss: train {history['loss'][-1]:.4f}, validation {history['val_loss'][-1]:.4f} nats/sample")
    print(f"trained in {seconds:.0f} s; wrote {out} ({out.stat().st_size} bytes) and {jp}")
    return 0


def main(argv=None) -> int:
    """Command line: ``python -m course_lib.wavenet train --out data/wavenet_melodies.weights.h5``.

    Trains the conditioned melody WaveNet (:data:`DEFAULT_HYPERPARAMETERS`, 2 classes) on
    :func:`melody_dataset` and writes the weights and the JSON beside them (see :func:`save`).

    Notebook: 08_wavenet
    """
    parser = argparse.ArgumentParser(prog="python -m course_lib.wavenet", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="train the melody WaveNet on CPU and save its weights and JSON")
    tr.add_argument("--out", default="data/" + PRETRAINED, help="weights file, ending in .weights.h5")
    tr.add_argument("--epochs", type=int, default=14)
    tr.add_argument("--batch-size", type=int, default=4)
    tr.add_argument("--learning-rate", type=float, default=3e-3, help="peak of a cosine decay")
    tr.add_argument("--n-melodies", type=int, default=256)
    tr.add_argument("--segment-length", type=int, default=4096)
    tr.add_argument("--n-per-clip", type=int, default=4)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--n-layers", type=int, default=DEFAULT_HYPERPARAMETERS["n_layers"], help="layers per stack")
    tr.add_argument("--n-stacks", type=int, default=DEFAULT_HYPERPARAMETERS["n_stacks"])
    tr.add_argument("--residual-channels", type=int, default=DEFAULT_HYPERPARAMETERS["residual_channels"])
    tr.add_argument("--skip-channels", type=int, default=DEFAULT_HYPERPARAMETERS["skip_channels"])
    tr.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.command == "train":
        return _train_command(args)
    return 2  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
