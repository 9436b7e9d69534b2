"""PESTO at the course's scale: pitch learned without labels from a transposition-equivariant objective.

PESTO (Riou, Lattner, Hadjeres & Peeters, ISMIR 2023, "PESTO: Pitch Estimation with Self-supervised
Transposition-equivariant Objective"; code: github.com/SonyCSLParis/pesto and pesto-full) learns pitch
with no pitch label. Its observation: in a constant-Q transform (CQT) with ``b`` bins per semitone,
transposing a note by ``k`` bins moves its whole CQT frame by ``k`` bins, and cropping the frame at an
offset (:func:`crop`) is such a transposition, exact and free. A network that maps a CQT frame to a
distribution over pitch bins (:func:`build_model`) is then trained so that

- **equivariance** (:func:`equivariance_loss`): the frame transposed by ``k`` bins gets a distribution
  whose projection ``z = Σ_i α^i y_i`` (``α = 2^(1/36)``) is multiplied by exactly ``α^k``, i.e. moves by
  ``k`` bins (PESTO's linear projection, with its Huber loss);
- **shifted cross-entropy** (:func:`shift_cross_entropy`): the transposed frame's distribution, moved back
  by ``k`` bins, is the original's (symmetric, each side's target held fixed);
- **invariance** (:func:`invariance_loss`): two views of the same frame that differ by background noise
  and gain (chapter 05's :func:`course_lib.augment.mix_at_snr`) get the same distribution.

The network is PESTO's shape made small: a layer norm over the frequency bins, two 1-D convolutions
along frequency (kernel 15, one residual), 1×1 convolutions down to one channel, and PESTO's
**Toeplitz** fully-connected layer (a linear map whose weight depends only on ``output − input`` bin,
:func:`toeplitz_layer`), so the whole network moves its output when its input moves: equivariance is
partly built in, and the objective pins down the rest (which bins, what shape). The output is
**relative** pitch: bin ``j`` is some pitch ``j / b − offset`` semitones, and the one ``offset`` is
calibrated with labelled notes (:func:`calibrate`: PESTO uses 12 synthetic tones; here one recorded
note by default). :func:`pretrain` trains it; :func:`note_views` makes its training frames from
sampled-instrument notes; :func:`predict_midi` reads out pitch (argmax with a local weighted average,
as PESTO and CREPE do).

Chapter ``10_transformers_ssl`` teaches it; :mod:`course_lib.experiments.pesto_notes` is its study
(held-out instruments, next to CREPE and pYIN). TensorFlow/Keras are imported only inside the functions
that need them. Layer 4: imports :mod:`course_lib._checks`, :mod:`course_lib.dsp.augment`,
:mod:`course_lib.dsp.pitch` and :mod:`course_lib.datasets.instruments`.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _checks
from ..dsp import augment, pitch

__all__ = ["CQT", "MAX_SHIFT", "OUTPUT_BINS", "cqt_frames", "crop", "note_views", "toeplitz_layer", "build_model",
           "equivariance_loss", "shift_cross_entropy", "invariance_loss", "pretrain", "predict_bins", "calibrate",
           "predict_midi", "shift_agreement"]

#: The CQT front end: 16 kHz, 10 ms hop, 8 octaves from A0 (MIDI 21, 27.5 Hz, PESTO's lowest bin) at 3 bins
#: per semitone (PESTO's resolution), up to MIDI 116⅔ (6.4 kHz); magnitudes in dB
#: (``20·log10(max(|C|, 1e-5))``).
CQT = {"sr": 16000, "hop_length": 160, "fmin_midi": 21, "bins_per_semitone": 3, "n_bins": 288}
#: The largest transposition of training, bins: ±12 semitones. PESTO's is ±5⅓ (16 bins); at the course's
#: scale (600 steps) that range let some seeds learn a mapping that jumps from one partial to another
#: between low and high notes (no transposition pair straddled the jump often enough to forbid it), so
#: the range is an octave each way. The network sees ``n_bins − 2 · MAX_SHIFT`` = 216 bins (MIDI 33–104⅔).
MAX_SHIFT = 36
#: Output bins: 128 semitones at 3 bins each (PESTO's ``128 · bins_per_semitone``).
OUTPUT_BINS = 384


def _bps() -> int:
    return CQT["bins_per_semitone"]


def cqt_frames(y, sr=16000) -> np.ndarray:
    """CQT frames in dB of one clip or a batch of equal-length clips (:data:`CQT`'s settings).

    Parameters
    ----------
    y : array_like, shape (samples,) or (clips, samples)
        Audio at ``sr``.
    sr : int
        Hz; must be :data:`CQT`'s 16000.

    Returns
    -------
    np.ndarray of float32, shape (frames, n_bins) or (clips, frames, n_bins)
        Frame ``t`` is centred at ``t · 10`` ms.

    Notebook: 10_transformers_ssl
    """
    import librosa

    sr = _checks.sample_rate(sr)
    if sr != CQT["sr"]:
        raise ValueError(f"sr must be {CQT['sr']} Hz (the CQT's rate), got {sr}")
    y = np.asarray(y, dtype=np.float32)
    if y.ndim not in (1, 2) or y.shape[-1] < 2 or not np.isfinite(y).all():
        raise ValueError(f"y must be finite audio of shape (samples,) or (clips, samples), got shape {y.shape}")
    bpo = 12 * _bps()
    with warnings.catch_warnings():  # librosa warns when a low octave's downsampled clip is shorter than its FFT
        warnings.filterwarnings("ignore", message="n_fft=.* is too large", category=UserWarning)
        c = librosa.cqt(y, sr=sr, hop_length=CQT["hop_length"], fmin=float(pitch.midi_to_hz(CQT["fmin_midi"])),
                        n_bins=CQT["n_bins"], bins_per_octave=bpo, res_type="soxr_hq")
    db = 20.0 * np.log10(np.maximum(np.abs(c), 1e-5))
    return np.swapaxes(db, -1, -2).astype(np.float32)


def crop(frames, shift=0) -> np.ndarray:
    """The network's input: frames cropped to ``n_bins − 2·MAX_SHIFT`` bins, transposed up by ``shift`` bins.

    ``crop(x, 0)`` keeps bins ``MAX_SHIFT … n_bins − MAX_SHIFT − 1``; ``crop(x, k)`` starts ``k`` bins
    lower, so every partial of the note lands ``k`` bins higher in the crop: the note transposed up by
    ``k / 3`` semitones, without resynthesis (PESTO's pitch shift).

    Parameters
    ----------
    frames : array_like, shape (..., n_bins)
        CQT frames (:func:`cqt_frames`).
    shift : int or array_like of int
        Bins, ``|shift| ≤ MAX_SHIFT``; one per frame (shape ``frames.shape[:-1]``) or one for all.

    Returns
    -------
    np.ndarray, shape (..., n_bins − 2·MAX_SHIFT)

    Notebook: 10_transformers_ssl
    """
    x = np.asarray(frames)
    if x.shape[-1] != CQT["n_bins"]:
        raise ValueError(f"frames must have {CQT['n_bins']} CQT bins in the last axis, got shape {x.shape}")
    k = np.asarray(shift)
    if not np.issubdtype(k.dtype, np.integer):
        raise TypeError(f"shift must be integer bins, got {k.dtype}")
    if np.any(np.abs(k) > MAX_SHIFT):
        raise ValueError(f"shift must be within ±{MAX_SHIFT} bins, got {k.min()}..{k.max()}")
    width = CQT["n_bins"] - 2 * MAX_SHIFT
    start = MAX_SHIFT - np.broadcast_to(k, x.shape[:-1])
    index = start[..., None] + np.arange(width)
    return np.take_along_axis(x, index, axis=-1)


def note_views(notes, rng, *, noises=(), snr_db=(5.0, 30.0), gain_db=(-12.0, 12.0), times=(0.2, 0.8), every=3,
               sr=16000):
    """Training frames of unlabelled notes: a clean view and two augmented views of each frame.

    Each note gets two independently augmented copies: a random stretch of a random real background of
    ``noises`` mixed in at a uniform SNR in ``snr_db`` (:func:`course_lib.augment.mix_at_snr`), then a gain
    uniform in ``gain_db``. The CQT frames (:func:`cqt_frames`) between ``times`` seconds, every ``every``-th
    one (10 ms hop), of the clean note and of both copies are kept, full width (the crop is the
    training's). No pitch label is kept.

    Parameters
    ----------
    notes : array_like, shape (n_notes, samples)
        Equal-length notes at ``sr`` (e.g. :func:`course_lib.instruments.instrument_note`).
    rng : int or numpy.random.Generator
    noises : sequence of 1-D arrays
        Real background recordings at ``sr`` (each longer than a note); empty: gain only.
    snr_db, gain_db : (float, float)
        dB.
    times : (float, float)
        Seconds.
    every : int
        Keep every ``every``-th frame.
    sr : int
        Hz.

    Returns
    -------
    clean, view_a, view_b : np.ndarray of float32, shape (n_notes · frames_per_note, n_bins)
    note : np.ndarray of int
        The note each frame comes from.

    Notebook: 10_transformers_ssl (via `live_run`)
    """
    notes = np.asarray(notes, dtype=np.float32)
    if notes.ndim != 2:
        raise ValueError(f"notes must be (n_notes, samples), got shape {notes.shape}")
    rng = _checks.rng(rng)
    every = _checks.positive_int(every, "every", what="frames")
    lo, hi = _checks.interval(times, "times", "s", minimum=0.0)
    hop = CQT["hop_length"] / sr
    keep = np.arange(int(np.ceil(lo / hop)), int(np.floor(hi / hop)) + 1, every)
    if keep[-1] >= notes.shape[1] // CQT["hop_length"] + 1:
        raise ValueError(f"times {times} reach past the notes' {notes.shape[1] / sr:g} s")

    def augmented():
        out = np.empty_like(notes)
        for i, y in enumerate(notes):
            if len(noises):
                bg = noises[int(rng.integers(len(noises)))]
                start = int(rng.integers(0, len(bg) - len(y)))
                y = augment.mix_at_snr(y, bg[start : start + len(y)], float(rng.uniform(*snr_db)))
            out[i] = y * 10 ** (rng.uniform(*gain_db) / 20)
        return out

    views = [cqt_frames(v, sr)[:, keep] for v in (notes, augmented(), augmented())]
    note = np.repeat(np.arange(len(notes)), len(keep))
    return tuple(v.reshape(-1, v.shape[-1]) for v in views) + (note,)


def toeplitz_layer(n_in, n_out, name="toeplitz"):
    """PESTO's Toeplitz fully-connected layer: ``out[j] = Σ_i w[j − i + n_in − 1] · in[i]``.

    A dense layer whose weight depends only on the difference of output and input bin: ``n_in + n_out − 1``
    weights instead of ``n_in · n_out``, and moving the input by one bin moves the output by one bin
    (away from the edges). The weight matrix is gathered from the weight vector at each call.

    Parameters
    ----------
    n_in, n_out : int
        Bins.
    name : str

    Returns
    -------
    keras.layers.Layer
        Maps ``(batch, n_in)`` to ``(batch, n_out)``.

    Notebook: 10_transformers_ssl (via `build_model`)
    """
    import keras

    n_in = _checks.positive_int(n_in, "n_in", what="bins")
    n_out = _checks.positive_int(n_out, "n_out", what="bins")

    class Toeplitz(keras.layers.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(n_in + n_out - 1,), initializer="glorot_uniform", name="kernel")
            self.index = np.arange(n_out)[None, :] - np.arange(n_in)[:, None] + n_in - 1

        def call(self, x):
            return keras.ops.matmul(x, keras.ops.take(self.kernel, self.index))

    return Toeplitz(name=name)


def build_model(channels=16, kernel_size=15, n_in=None, n_out=OUTPUT_BINS, name="pesto"):
    """The small PESTO network: a CQT crop (dB) to a probability distribution over ``n_out`` pitch bins.

    Layer norm over the bins; Conv1D(``channels``, ``kernel_size``, same) and LeakyReLU(0.3); a second one
    with a residual connection; 1×1 convolutions to ``channels // 2`` and to 1 channel; the Toeplitz layer
    (:func:`toeplitz_layer`); softmax. Every layer but the layer norm's statistics moves with the input.

    Parameters
    ----------
    channels, kernel_size : int
    n_in : int, optional
        Input bins (default ``n_bins − 2·MAX_SHIFT``, 216).
    n_out : int
        Output bins.
    name : str

    Returns
    -------
    keras.Model

    Notebook: 10_transformers_ssl
    """
    import keras

    channels = _checks.positive_int(channels, "channels", what="channels")
    kernel_size = _checks.positive_int(kernel_size, "kernel_size", what="bins")
    n_in = CQT["n_bins"] - 2 * MAX_SHIFT if n_in is None else _checks.positive_int(n_in, "n_in", what="bins")
    x_in = keras.Input((n_in,), name="cqt")
    x = keras.layers.Reshape((n_in, 1))(x_in)
    x = keras.layers.LayerNormalization(axis=(1, 2), name="norm")(x)
    x = keras.layers.Conv1D(channels, kernel_size, padding="same", name="conv1")(x)
    x = keras.layers.LeakyReLU(0.3)(x)
    h = keras.layers.Conv1D(channels, kernel_size, padding="same", name="conv2")(x)
    x = keras.layers.Add()([x, keras.layers.LeakyReLU(0.3)(h)])
    x = keras.layers.LeakyReLU(0.3)(keras.layers.Conv1D(max(channels // 2, 1), 1, name="mix1")(x))
    x = keras.layers.Conv1D(1, 1, name="mix2")(x)
    x = keras.layers.Flatten()(x)
    x = toeplitz_layer(n_in, n_out)(x)
    return keras.Model(x_in, keras.layers.Softmax(name="pitch")(x), name=name)


def _shift_rows(y, k):
    """Row ``i`` of ``y`` read at bin ``j + k[i]`` (zero outside): ``out[i, j] = y[i, j + k[i]]``."""
    import tensorflow as tf

    n = tf.shape(y)[1]
    index = tf.range(n)[None, :] + tf.cast(k, tf.int32)[:, None]
    inside = (index >= 0) & (index < n)
    return tf.where(inside, tf.gather(y, tf.clip_by_value(index, 0, n - 1), batch_dims=1), tf.zeros_like(y))


def _cross_entropy(target, probs):
    """PESTO's cross-entropy, as its code computes it: ``torch.nn.CrossEntropyLoss(probs, target)``.

    The network's outputs are probabilities already, and PESTO passes them to a loss that applies a
    softmax again: ``−Σ t_j · log softmax(p)_j = log Σ_j exp(p_j) − Σ_j t_j p_j``. Up to a nearly constant
    term this is ``−⟨t, p⟩``: it rewards two distributions that peak at the same bins, so, unlike a plain
    cross-entropy (whose minimum with a flat target is a flat output), it keeps the outputs from collapsing
    to a flat distribution. The target gets no gradient (PESTO's ``detach_targets``).
    """
    import tensorflow as tf

    return tf.reduce_mean(tf.reduce_sum(-tf.stop_gradient(target) * tf.nn.log_softmax(probs, axis=-1), axis=-1))


def equivariance_loss(y1, y2, k, *, value=2 ** (1 / 36), tau=2 ** (1 / 6) - 1):
    """PESTO's equivariance loss: the projection of the transposed frame's output is ``α^k`` times the original's.

    ``z = Σ_j α^(j − n + 1) · y_j`` (``α = value``, ``n`` bins) maps a distribution peaked at bin ``j`` to
    ``α^(j − n + 1)``, so a move by ``k`` bins multiplies ``z`` by ``α^k``. The loss is
    ``(h(z2/z1 − α^k) + h(z1/z2 − α^−k)) / 2`` with Huber's ``h`` of threshold ``tau``.

    Parameters
    ----------
    y1, y2 : tf.Tensor, shape (batch, n)
        Distributions of a frame and of its transposition by ``k`` bins.
    k : tf.Tensor of int, shape (batch,)
    value, tau : float
        PESTO's ``2^(1/36)`` and ``2^(1/6) − 1``.

    Returns
    -------
    tf.Tensor, scalar

    Notebook: 10_transformers_ssl
    """
    import tensorflow as tf

    n = y1.shape[-1]
    w = tf.constant(value ** np.arange(1 - n, 1, dtype=np.float64), tf.float32)
    z1, z2 = tf.linalg.matvec(y1, w), tf.linalg.matvec(y2, w)
    ratio = tf.pow(tf.constant(value, tf.float32), tf.cast(k, tf.float32))

    def huber(x):
        x = tf.abs(x)
        return tf.where(x <= tau, x**2 / 2, tau**2 / 2 + tau * (x - tau))

    return (tf.reduce_mean(huber(z2 / z1 - ratio)) + tf.reduce_mean(huber(z1 / z2 - 1 / ratio))) / 2


def shift_cross_entropy(y1, y2, k):
    """PESTO's shifted cross-entropy: ``y2`` moved back by ``k`` bins is the target of ``y1``, and the reverse.

    Each side's target is held fixed (no gradient through it), as in PESTO's configuration
    (``symmetric: true``, ``detach_targets: true``).

    Parameters
    ----------
    y1, y2 : tf.Tensor, shape (batch, n)
        Distributions of a frame and of its transposition up by ``k`` bins.
    k : tf.Tensor of int, shape (batch,)

    Returns
    -------
    tf.Tensor, scalar (nats)

    Notebook: 10_transformers_ssl (via `live_run`)
    """
    return (_cross_entropy(_shift_rows(y2, k), y1) + _cross_entropy(_shift_rows(y1, -k), y2)) / 2


def invariance_loss(y1, y2):
    """Symmetric cross-entropy of two views' distributions, each side's target held fixed (nats).

    Parameters
    ----------
    y1, y2 : tf.Tensor, shape (batch, n)

    Returns
    -------
    tf.Tensor, scalar

    Notebook: 10_transformers_ssl (via `live_run`)
    """
    return (_cross_entropy(y2, y1) + _cross_entropy(y1, y2)) / 2


def pretrain(clean, view_a, view_b, *, rng=0, steps=1500, batch_size=64, learning_rate=1e-3, channels=16,
             weights=(1.0, 1.0, 1.0), model=None):
    """Train the small PESTO network with no label: invariance + shifted cross-entropy + equivariance.

    Each step draws ``batch_size`` frames and a transposition ``k`` per frame, uniform in ±:data:`MAX_SHIFT`
    bins; the network sees the clean frame's centre crop ``x``, view A's centre crop ``xa`` and view B's crop
    transposed by ``k`` (``xt``, :func:`crop`), and the loss is
    ``w_inv · invariance(y, ya) + w_sce · shift_ce(ya, yt, k) + w_equiv · equivariance(ya, yt, k)``
    (PESTO's training step, its augmented view ``ya`` against the transposed one). Adam, cosine decay of the
    rate to 0 over ``steps``.

    Parameters
    ----------
    clean, view_a, view_b : np.ndarray, shape (n_frames, n_bins)
        :func:`note_views`.
    rng : int or numpy.random.Generator
        Seeds Keras (the initial weights) and the draws of frames and transpositions (a generator gives
        the seed).
    steps, batch_size : int
    learning_rate : float
    channels : int
        :func:`build_model`'s.
    weights : (float, float, float)
        Of the invariance, shifted cross-entropy and equivariance terms.
    model : keras.Model, optional
        Continue training this one (default: a new :func:`build_model`).

    Returns
    -------
    model : keras.Model
    history : dict
        Per step: ``loss``, ``invariance``, ``shift_ce``, ``equivariance`` (lists of float).

    Notebook: 10_transformers_ssl (via `live_run`)
    """
    import keras
    import tensorflow as tf

    clean, view_a, view_b = (np.asarray(v, np.float32) for v in (clean, view_a, view_b))
    if not (clean.shape == view_a.shape == view_b.shape) or clean.ndim != 2 or clean.shape[1] != CQT["n_bins"]:
        raise ValueError(f"clean, view_a and view_b must share a shape (n_frames, {CQT['n_bins']}), got "
                         f"{clean.shape}, {view_a.shape}, {view_b.shape}")
    steps = _checks.positive_int(steps, "steps", what="steps")
    batch_size = _checks.positive_int(batch_size, "batch_size", what="frames")
    seed = _checks.seed(rng)
    keras.utils.set_random_seed(seed)
    model = build_model(channels) if model is None else model
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps)
    optimizer = keras.optimizers.Adam(schedule)
    w_inv, w_sce, w_eq = (float(w) for w in weights)

    @tf.function
    def step(x, xa, xt, k):
        with tf.GradientTape() as tape:
            y, ya, yt = model(x, training=True), model(xa, training=True), model(xt, training=True)
            inv, sce, eq = invariance_loss(y, ya), shift_cross_entropy(ya, yt, k), equivariance_loss(ya, yt, k)
            loss = w_inv * inv + w_sce * sce + w_eq * eq
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss, inv, sce, eq

    draws = np.random.default_rng(seed)
    history = {"loss": [], "invariance": [], "shift_ce": [], "equivariance": []}
    for _ in range(steps):
        i = draws.integers(0, len(clean), batch_size)
        k = draws.integers(-MAX_SHIFT, MAX_SHIFT + 1, batch_size)
        out = step(crop(clean[i]), crop(view_a[i]), crop(view_b[i], k), tf.constant(k, tf.int32))
        for key, v in zip(history, out):
            history[key].append(float(v))
    return model, history


def predict_bins(model, frames, *, shift=0, batch_size=1024) -> np.ndarray:
    """The network's pitch distributions of CQT frames (cropped by :func:`crop` with ``shift``).

    Parameters
    ----------
    model : keras.Model
    frames : array_like, shape (n, n_bins)
    shift : int or array_like of int
        Transposition of the crop, bins.
    batch_size : int

    Returns
    -------
    np.ndarray of float32, shape (n, OUTPUT_BINS)

    Notebook: 10_transformers_ssl
    """
    x = crop(np.asarray(frames, np.float32), shift)
    return np.asarray(model.predict(x, batch_size=batch_size, verbose=0))


def _relative(probs) -> np.ndarray:
    """Argmax with a local weighted average over ±(b − 1) bins (PESTO's ``alwa``), in semitones (bin / b)."""
    p = np.asarray(probs, np.float64)
    b = _bps()
    centre = p.argmax(axis=1)
    index = np.clip(centre[:, None] + np.arange(1 - b, b), 0, p.shape[1] - 1)
    w = np.take_along_axis(p, index, axis=1)
    return (w * index).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-12) / b


def calibrate(model, frames, midi) -> float:
    """PESTO's calibration: the offset (semitones) from the network's relative pitch to MIDI.

    ``offset = median over frames of (relative pitch − true MIDI pitch)``: the one number the labels of
    the reference notes buy. PESTO computes it from 12 synthetic harmonic tones (MIDI 60–71); here the
    frames of one or a few labelled recorded notes.

    Parameters
    ----------
    model : keras.Model
    frames : array_like, shape (n, n_bins)
        CQT frames of the reference notes.
    midi : array_like, shape (n,)
        Their true MIDI pitch.

    Returns
    -------
    float
        Semitones.

    Notebook: 10_transformers_ssl
    """
    midi = np.asarray(midi, np.float64)
    frames = np.asarray(frames)
    if midi.shape != (len(frames),) or len(frames) == 0:
        raise ValueError(f"midi must give one pitch per frame, got {midi.shape} for {len(frames)} frames")
    return float(np.median(_relative(predict_bins(model, frames)) - midi))


def predict_midi(model, frames, offset, *, shift=0) -> np.ndarray:
    """Pitch of CQT frames, MIDI (fractional): relative pitch minus the calibrated ``offset``.

    Parameters
    ----------
    model : keras.Model
    frames : array_like, shape (n, n_bins)
    offset : float
        :func:`calibrate`'s, semitones.
    shift : int or array_like of int
        Transposition of the crop, bins (the pitch then reads ``shift / 3`` semitones higher).

    Returns
    -------
    np.ndarray of float64, shape (n,)

    Notebook: 10_transformers_ssl
    """
    return _relative(predict_bins(model, frames, shift=shift)) - float(offset)


def shift_agreement(model, frames, shifts) -> dict:
    """Measured equivariance: how often the output's argmax moves by exactly the input's transposition.

    For each ``k`` of ``shifts`` every frame is transposed by ``k`` bins (:func:`crop`) and the argmax of
    its distribution compared with the untransposed one's.

    Parameters
    ----------
    model : keras.Model
    frames : array_like, shape (n, n_bins)
    shifts : sequence of int
        Bins, within ±:data:`MAX_SHIFT`.

    Returns
    -------
    dict
        ``exact``: the fraction of (frame, shift) pairs whose argmax moved by exactly ``k``; ``within_one``:
        by ``k ± 1`` bins; ``per_shift``: ``{k: exact fraction}``.

    Notebook: (tooling, ``python -m course_lib.experiments pesto_notes``; the chapter reads its results)
    """
    base = predict_bins(model, frames).argmax(axis=1)
    per, hits, near = {}, [], []
    for k in shifts:
        k = _checks.integer(k, "shifts", -MAX_SHIFT, MAX_SHIFT, "bins")
        moved = predict_bins(model, frames, shift=k).argmax(axis=1) - base
        per[k] = float(np.mean(moved == k))
        hits.append(moved == k)
        near.append(np.abs(moved - k) <= 1)
    return {"exact": float(np.mean(hits)), "within_one": float(np.mean(near)), "per_shift": per}
