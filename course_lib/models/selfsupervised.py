"""Self-supervised learning for sound: COLA-style contrastive pretraining, and masked prediction at toy scale.

Labels are scarce, audio is not. A self-supervised method invents a task whose answer is in the audio itself
(a *pretext task*) and trains an encoder on it; a few labels then suffice for a linear classifier on the
encoder's embedding (a *linear probe*). Two families, both here at the course's scale:

- **contrastive** (COLA, Saeed, Grangier & Zeghidour, ICASSP 2021): two segments of the same clip are a
  positive pair, the other clips of the batch are the negatives; an encoder and a small projection map each
  segment to ``z``, a bilinear similarity ``s(a, b) = z_aᵀ W z_b`` scores every pair of the batch, and the
  loss is the cross-entropy of picking each anchor's own positive among the batch (:func:`cola_loss`,
  written once with NumPy in :func:`cola_loss_numpy`). The two *views* (:func:`views`) use chapter 05's
  augmentations: a random segment of the clip's audible part (COLA's), real background noise at a random
  SNR (:func:`course_lib.augment.add_noise`) and SpecAugment masks (:func:`course_lib.augment.spec_augment`);
  the encoder (:func:`encoder`) is chapter 03's small CNN (:func:`course_lib.training.small_cnn`) up to its
  global average pooling. :func:`pretrain` trains it, :func:`embed` describes whole clips with it, and
  :func:`train_supervised` trains the same network from scratch on labels, on the same views, as the
  baseline a pretrained encoder must beat, and :func:`predict_segments` tests it as it learnt: on the 1 s
  excerpts of the audible part (:func:`segments`), their probabilities averaged. :func:`unlabelled_pool` builds the audio it learns from: the
  training folds' clips with their labels dropped, and excerpts of real ambient recordings;
- **masked prediction** (wav2vec 2.0, HuBERT, BEATs, Audio-MAE): hide part of the input and predict it from
  what is left. :func:`mask_spans` hides spans of frames of a log-mel spectrogram; :func:`interpolate_frames`
  is the simple baseline (straight lines through time); :func:`fit_masked_predictor` is a tiny learned
  predictor (ridge regression from a window of the visible context, trained in well under a second) and
  :func:`predict_masked` applies it.

Chapter ``10_transformers_ssl`` teaches it; :mod:`course_lib.experiments.ssl_esc10` is its study on ESC-10.
TensorFlow/Keras are imported only inside the functions that need them.

Layer 4: imports :mod:`course_lib._checks`, :mod:`course_lib.dsp.augment`, :mod:`course_lib.dsp.mel`,
:mod:`course_lib.datasets.speech_scenes` and :mod:`course_lib.models.training`.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..datasets import speech_scenes
from ..dsp import augment, mel
from . import training

__all__ = ["FRONT_END", "MIX_BACKGROUNDS", "log_mel", "unlabelled_pool", "audible_extent", "views", "encoder",
           "cola_head", "cola_loss", "cola_loss_numpy", "pretrain", "embed", "train_supervised", "segments",
           "predict_segments", "mask_spans",
           "interpolate_frames", "fit_masked_predictor", "predict_masked"]

#: The log-mel front end of the encoder: 16 kHz, 64 ms windows, 20 ms hop, 64 mel bands up to Nyquist
#: (:func:`course_lib.mel.log_mel_batch`'s ``10·log10(power + 1e-10)`` dB).
FRONT_END = {"sr": 16000, "n_fft": 1024, "hop_length": 320, "n_mels": 64, "fmin": 0.0, "fmax": 8000.0}

#: The real ambient recordings mixed into the views as noise (:func:`course_lib.corpora.background_names`): all but
#: ``rain``, ``storm`` (rain and thunder), ``waves`` and ``fireplace``, which *are* ESC-10 classes (rain, sea waves,
#: fire crackling): an encoder taught to ignore them would learn to ignore three of the ten classes.
MIX_BACKGROUNDS = ("birds", "boat", "city", "coffee-shop", "summer-night", "train", "wind")


def log_mel(clips, sr=16000) -> np.ndarray:
    """The encoder's log-mel spectrograms (dB) of equal-length clips, :data:`FRONT_END`'s settings.

    Parameters
    ----------
    clips : sequence of 1-D arrays, or 2-D array (n, samples)
        Mono clips of one length, at ``FRONT_END["sr"]``.
    sr : int
        Their sampling rate in Hz (must be :data:`FRONT_END`'s 16 kHz).

    Returns
    -------
    ndarray of float32, shape (n, frames, 64, 1)
        Time first; 1 + samples // 320 frames (5 s: 251).

    Raises
    ------
    ValueError
        Another sampling rate, or clips of different lengths.

    Notebook: 10_transformers_ssl
    """
    sr = _checks.sample_rate(sr)
    if sr != FRONT_END["sr"]:
        raise ValueError(f"sr must be {FRONT_END['sr']} Hz (the encoder's front end), got {sr}; resample the clips first")
    return mel.log_mel_batch(clips, sr, **{k: v for k, v in FRONT_END.items() if k != "sr"})


def unlabelled_pool(clips, folds, test_fold, *, backgrounds=(), sr=16000, piece=5.0):
    """The audio a self-supervised encoder may learn from: the training folds' clips, unlabelled, and background excerpts.

    The clips of ``test_fold`` are left out (ESC-10's folds keep every source recording within one fold, so no
    excerpt of a test clip's recording enters the pool); the labels are never given. Each background recording
    is cut into consecutive ``piece``-second excerpts (a shorter tail is dropped).

    Parameters
    ----------
    clips : sequence of 1-D arrays
        Every clip of the corpus (all of one length, ``piece`` seconds at ``sr``).
    folds : 1-D array_like of int
        The fold of each clip.
    test_fold : int
        The fold held out for testing: none of its clips enters the pool.
    backgrounds : sequence of 1-D arrays
        Real ambient recordings at ``sr`` (e.g. :func:`course_lib.corpora.load_background`).
    sr : int
        Sampling rate (Hz).
    piece : float
        Seconds per background excerpt.

    Returns
    -------
    (pool, source) : (ndarray of float32, shape (n, piece·sr), ndarray of int)
        The pool's audio; ``source[i]`` is the corpus index of a clip, or ``-1 - b`` for an excerpt of
        background ``b``.

    Raises
    ------
    ValueError
        ``clips`` and ``folds`` of different lengths, a ``test_fold`` that is no fold, clips not ``piece``
        seconds long.

    Notebook: 10_transformers_ssl
    """
    sr = _checks.sample_rate(sr)
    n = int(round(_checks.positive(piece, "piece", "s") * sr))
    folds = np.asarray(folds)
    if len(clips) != len(folds):
        raise ValueError(f"clips and folds must describe the same clips, got {len(clips)} clips and {len(folds)} folds")
    train, _ = training.fold_split(folds, test_fold)
    if any(np.shape(clips[i]) != (n,) for i in train):
        raise ValueError(f"every clip must be mono and piece = {piece} s long ({n} samples at {sr} Hz)")
    pool = [np.asarray(clips[i], dtype=np.float32) for i in train]
    source = train.tolist()
    for b, y in enumerate(backgrounds):
        y = np.asarray(_checks.audio(y, f"backgrounds[{b}]", ndim=1), dtype=np.float32)
        for start in range(0, y.size - n + 1, n):
            pool.append(y[start:start + n])
            source.append(-1 - b)
    return np.stack(pool), np.asarray(source, dtype=np.int64)


def audible_extent(clips, sr=16000, *, top_db=40.0) -> np.ndarray:
    """Where each clip's sound is: its first and last 10 ms frame within ``top_db`` of its loudest.

    ESC-10's clips are padded with digital silence to 5 s; a segment cut from the padding would make a
    positive pair of two silences. Silent clips get their whole length.

    Parameters
    ----------
    clips : sequence of 1-D arrays
    sr : int
        Hz.
    top_db : float
        dB below the loudest frame still counted as sound.

    Returns
    -------
    ndarray of int, shape (n, 2)
        Start and end sample of each clip's audible part.

    Notebook: 10_transformers_ssl
    """
    sr = _checks.sample_rate(sr)
    out = []
    for y in clips:
        y = np.asarray(y, dtype=np.float64)
        out.append(speech_scenes.speech_extent(y, sr, top_db=top_db) if np.any(y) else (0, y.size))
    return np.asarray(out, dtype=np.int64).reshape(-1, 2)


def views(clips, rng, *, sr=16000, segment=2.0, extents=None, noises=(), snr_db=(5.0, 20.0), p_noise=0.5,
          spec=None, mean=0.0, std=1.0) -> np.ndarray:
    """One random view of each clip: a segment of its audible part, real background noise, log-mel, SpecAugment.

    1. a ``segment``-second excerpt starting at a uniform position, chosen so that it overlaps the clip's
       audible part (:func:`audible_extent`) as much as it can (COLA's random segments);
    2. with probability ``p_noise``, one of ``noises`` at a uniform SNR in ``snr_db``
       (:func:`course_lib.augment.add_noise`, chapter 05);
    3. :func:`log_mel`, standardised as ``(x − mean) / std``;
    4. SpecAugment (:func:`course_lib.augment.spec_augment`, chapter 05) with the masks of ``spec``.

    Called twice on the same clips with one generator, it gives the two views of a positive pair.

    Parameters
    ----------
    clips : 2-D array (n, samples) or sequence of 1-D arrays
        Mono clips at ``sr``, each at least ``segment`` seconds.
    rng : numpy.random.Generator or int
        Random source of every choice.
    sr : int
        Hz (16 kHz, the front end's).
    segment : float
        Seconds per view.
    extents : ndarray (n, 2), optional
        :func:`audible_extent` of the clips (computed when missing).
    noises : sequence of 1-D arrays
        Background recordings at ``sr`` to mix in.
    snr_db : (float, float)
        Range of the SNR (dB).
    p_noise : float
        Probability of adding noise, in [0, 1].
    spec : dict, optional
        Keyword arguments of :func:`course_lib.augment.spec_augment` (default: 2 masks of up to 8 bands and
        2 of up to 10 frames, 200 ms); ``{"n_freq_masks": 0, "n_time_masks": 0}`` turns it off.
    mean, std : float
        Standardisation of the log-mel (dB).

    Returns
    -------
    ndarray of float32, shape (n, frames, 64, 1)

    Raises
    ------
    ValueError
        A clip shorter than ``segment``, ``p_noise`` outside [0, 1], a non-positive ``std``.

    Notebook: 10_transformers_ssl
    """
    gen = _checks.rng(rng)
    sr = _checks.sample_rate(sr)
    n = int(round(_checks.positive(segment, "segment", "s") * sr))
    p_noise = _checks.number(p_noise, "p_noise", minimum=0.0, maximum=1.0)
    lo, hi = _checks.interval(snr_db, "snr_db", "dB")
    std = _checks.positive(std, "std", "dB")
    spec = {"n_freq_masks": 2, "max_freq_width": 8, "n_time_masks": 2, "max_time_width": 10, **(spec or {})}
    if extents is None:
        extents = audible_extent(clips, sr)
    out = []
    for y, (a, b) in zip(clips, np.asarray(extents)):
        y = np.asarray(y, dtype=np.float32)
        if y.ndim != 1 or y.size < n:
            raise ValueError(f"every clip must be mono and at least segment = {segment} s ({n} samples), got shape {y.shape}")
        lo_start = int(np.clip(min(a, b - n), 0, y.size - n))       # keep the segment on the audible part
        hi_start = int(np.clip(max(a, b - n), 0, y.size - n))
        start = int(gen.integers(lo_start, hi_start + 1))
        piece = y[start:start + n]
        if len(noises) and gen.random() < p_noise and np.any(piece):
            piece = augment.add_noise(piece, noises[int(gen.integers(len(noises)))], float(gen.uniform(lo, hi)), rng=gen)
        out.append(piece)
    x = (log_mel(np.stack(out), sr) - np.float32(mean)) / np.float32(std)
    return np.stack([augment.spec_augment(v, gen, value=0.0, **spec) for v in x]).astype(np.float32)


def encoder(input_shape=(None, 64, 1), filters=(32, 64, 128), name="encoder"):
    """The encoder: chapter 03's small CNN (:func:`course_lib.training.small_cnn`) up to its global average pooling.

    One block per entry of ``filters`` (3×3 convolution, batch normalisation, ReLU, 2×2 max pooling), then the
    mean over time and frequency: an embedding of ``filters[-1]`` numbers for a log-mel of any length.

    Parameters
    ----------
    input_shape : tuple
        ``(frames, bands, 1)``; ``frames`` may be None (any length).
    filters : sequence of int
        Filters per block.
    name : str

    Returns
    -------
    keras.Model
        Log-mel ``(batch, frames, bands, 1)`` → embedding ``(batch, filters[-1])``.

    Notebook: 10_transformers_ssl (via ``pretrain``)
    """
    import keras

    cnn = training.small_cnn(input_shape, 2, filters=filters, dropout=0.0, name=name)
    return keras.Model(cnn.input, cnn.get_layer("global_pool").output, name=name)


def cola_head(embedding_size, projection=128, name="cola_head"):
    """COLA's head: a dense projection, layer normalisation and tanh, and the bilinear similarity's matrix ``W``.

    Parameters
    ----------
    embedding_size : int
        The encoder's output size.
    projection : int
        Size of ``z``.
    name : str

    Returns
    -------
    (projector, W) : (keras.Model, keras.Variable of shape (projection, projection))

    Notebook: 10_transformers_ssl (via ``pretrain``)
    """
    import keras
    from keras import layers

    embedding_size = _checks.positive_int(embedding_size, "embedding_size", what="numbers")
    projection = _checks.positive_int(projection, "projection", what="numbers")
    inputs = keras.Input(shape=(embedding_size,))
    z = layers.Dense(projection, name="project")(inputs)
    z = layers.LayerNormalization(name="norm")(z)
    z = layers.Activation("tanh", name="tanh")(z)
    projector = keras.Model(inputs, z, name=name)
    W = keras.Variable(keras.initializers.GlorotUniform()((projection, projection)), name="bilinear")
    return projector, W


def cola_loss(z_a, z_b, W):
    """COLA's loss in Keras ops: cross-entropy of each anchor's positive among the batch under ``s = z_a W z_bᵀ``.

    Row ``i`` of the similarity matrix ``S = z_a W z_bᵀ`` scores anchor ``i`` against every second view of
    the batch; its own view (the diagonal) is the right answer:
    ``L = −(1/n) Σ_i log( exp S_ii / Σ_j exp S_ij )``.

    Parameters
    ----------
    z_a, z_b : tensor, shape (n, d)
        Projections of the first and second views (row i of both: the same clip).
    W : tensor, shape (d, d)

    Returns
    -------
    scalar tensor
        The mean loss (nats).

    Notebook: 10_transformers_ssl
    """
    from keras import ops

    logits = ops.matmul(ops.matmul(z_a, W), ops.transpose(z_b))
    targets = ops.arange(ops.shape(logits)[0])
    return ops.mean(ops.sparse_categorical_crossentropy(targets, logits, from_logits=True))


def cola_loss_numpy(z_a, z_b, W) -> float:
    """:func:`cola_loss` written with NumPy: the reference the Keras version is checked against.

    Parameters
    ----------
    z_a, z_b : array_like, shape (n, d)
        n ≥ 2 pairs (one pair has no negative).
    W : array_like, shape (d, d)

    Returns
    -------
    float
        Nats.

    Raises
    ------
    ValueError
        Shapes that do not fit, or fewer than 2 pairs.

    Notebook: 10_transformers_ssl
    """
    a, b, w = (np.asarray(v, dtype=np.float64) for v in (z_a, z_b, W))
    if a.ndim != 2 or a.shape != b.shape or w.shape != (a.shape[1], a.shape[1]):
        raise ValueError(f"z_a and z_b must be (n, d) and W (d, d), got shapes {a.shape}, {b.shape}, {w.shape}")
    if a.shape[0] < 2:
        raise ValueError(f"a contrastive loss needs at least 2 pairs (negatives), got {a.shape[0]}")
    s = a @ w @ b.T
    s = s - s.max(axis=1, keepdims=True)
    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.mean(np.diag(log_p)))


def pretrain(pool, *, rng=0, epochs=60, batch_size=64, learning_rate=1e-3, segment=2.0, noises=(), snr_db=(5.0, 20.0),
             p_noise=0.5, spec=None, filters=(32, 64, 128), projection=128, mean=0.0, std=1.0, max_steps=None,
             progress=None):
    """COLA pretraining: two views of every clip of a batch, the other clips as negatives, Adam on :func:`cola_loss`.

    Each epoch shuffles the pool (``numpy.random.default_rng(rng)``, which also draws every view) and runs
    ``len(pool) // batch_size`` steps (the last partial batch is dropped: a batch is the negatives). Keras and
    TensorFlow are seeded with ``rng`` and deterministic (:func:`course_lib.training.set_seed`): on one machine,
    thread count and library version the same seed gives the same losses.

    Parameters
    ----------
    pool : 2-D array (n, samples)
        Unlabelled clips at 16 kHz (:func:`unlabelled_pool`).
    rng : int
        Seeds weights and views.
    epochs : int
        Passes over the pool.
    batch_size : int
        Clips per step (≥ 2; each brings 2 views and is a negative for the others).
    learning_rate : float
        Adam's step size.
    segment, noises, snr_db, p_noise, spec, mean, std
        :func:`views`' arguments.
    filters : sequence of int
        :func:`encoder`'s.
    projection : int
        :func:`cola_head`'s.
    max_steps : int, optional
        Stop after this many steps (a live re-run of the first steps).
    progress : callable, optional
        Called as ``progress(epoch, mean_loss)`` after each epoch.

    Returns
    -------
    (encoder, history) : (keras.Model, dict)
        ``history``: ``loss`` (mean per epoch), ``step_loss`` (every step), ``accuracy`` (per epoch: how often
        an anchor's highest similarity is its own positive, the pretext task's accuracy), all lists of float.

    Raises
    ------
    ValueError
        A batch larger than the pool, or smaller than 2.

    Notebook: 10_transformers_ssl
    """
    import keras
    import tensorflow as tf
    from keras import ops

    pool = np.asarray(pool, dtype=np.float32)
    batch_size = _checks.integer(batch_size, "batch_size", minimum=2, what="clips")
    epochs = _checks.positive_int(epochs, "epochs", what="epochs")
    if pool.ndim != 2 or len(pool) < batch_size:
        raise ValueError(f"pool must be (n, samples) with n >= batch_size = {batch_size}, got shape {pool.shape}")
    gen = np.random.default_rng(training.set_seed(rng))
    enc = encoder((None, FRONT_END["n_mels"], 1), filters)
    projector, W = cola_head(enc.output_shape[-1], projection)
    optimizer = keras.optimizers.Adam(_checks.positive(learning_rate, "learning_rate"))
    weights = enc.trainable_variables + projector.trainable_variables + [W]
    extents = audible_extent(pool)
    kwargs = dict(sr=FRONT_END["sr"], segment=segment, noises=noises, snr_db=snr_db, p_noise=p_noise, spec=spec,
                  mean=mean, std=std)

    @tf.function(reduce_retracing=True)
    def step(x_a, x_b):
        with tf.GradientTape() as tape:
            z_a = projector(enc(x_a, training=True), training=True)
            z_b = projector(enc(x_b, training=True), training=True)
            loss = cola_loss(z_a, z_b, W)
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        logits = ops.matmul(ops.matmul(z_a, W), ops.transpose(z_b))
        hit = ops.mean(ops.cast(ops.argmax(logits, axis=1) == ops.arange(ops.shape(logits)[0]), "float32"))
        return loss, hit

    def batches():                              # every view, drawn in one fixed order from one generator
        for _ in range(epochs):
            order = gen.permutation(len(pool))
            for b in range(len(pool) // batch_size):
                idx = order[b * batch_size:(b + 1) * batch_size]
                yield (views(pool[idx], gen, extents=extents[idx], **kwargs),
                       views(pool[idx], gen, extents=extents[idx], **kwargs))

    history = {"loss": [], "step_loss": [], "accuracy": []}
    steps, ahead = 0, _prefetch(batches())
    for epoch in range(epochs):
        losses, hits = [], []
        for b in range(len(pool) // batch_size):
            x_a, x_b = next(ahead)
            loss, hit = step(tf.constant(x_a), tf.constant(x_b))
            losses.append(float(loss))
            hits.append(float(hit))
            steps += 1
            if max_steps is not None and steps >= max_steps:
                break
        history["step_loss"] += losses
        history["loss"].append(float(np.mean(losses)))
        history["accuracy"].append(float(np.mean(hits)))
        if progress is not None:
            progress(epoch, history["loss"][-1])
        if max_steps is not None and steps >= max_steps:
            break
    ahead.close()
    return enc, history


def _prefetch(iterator, depth=2):
    """Run ``iterator`` in a thread, ``depth`` items ahead (NumPy and librosa prepare views while TensorFlow trains).

    The items come in the iterator's order, made by one thread: the result is the same as without the thread.
    ``close()`` on the returned generator stops the thread.
    """
    import queue
    import threading

    items, stop, done = queue.Queue(maxsize=depth), threading.Event(), object()

    def work():
        try:
            for item in iterator:
                while not stop.is_set():
                    try:
                        items.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(done)
        except BaseException as exc:            # handed to the consumer, raised there
            items.put(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()

    def consume():
        try:
            while True:
                item = items.get()
                if item is done:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            thread.join()

    return consume()


def embed(model, log_mels, *, batch_size=64) -> np.ndarray:
    """An encoder's embedding of whole clips (the mean over time and frequency of its last block).

    Parameters
    ----------
    model : keras.Model
        :func:`encoder` (pretrained) or the encoder part of any model with the same input.
    log_mels : ndarray (n, frames, bands, 1)
        Standardised log-mel spectrograms (as in training).
    batch_size : int

    Returns
    -------
    ndarray of float32, shape (n, embedding_size)

    Notebook: (tooling, ``python -m course_lib.experiments ssl_esc10``, the cache chapter 10 reads)
    """
    x = np.asarray(log_mels, dtype=np.float32)
    if x.ndim != 4:
        raise ValueError(f"log_mels must be (n, frames, bands, 1), got shape {x.shape}")
    return np.asarray(model.predict(x, batch_size=_checks.positive_int(batch_size, "batch_size"), verbose=0),
                      dtype=np.float32)


def train_supervised(clips, labels, n_classes, *, rng=0, steps=300, batch_size=32, learning_rate=1e-3, segment=2.0,
                     noises=(), snr_db=(5.0, 20.0), p_noise=0.5, spec=None, filters=(32, 64, 128), dropout=0.3,
                     mean=0.0, std=1.0):
    """The baseline: the encoder's network trained from scratch with labels only, on the same views as pretraining.

    :func:`course_lib.training.small_cnn` with :func:`encoder`'s filters, Adam on sparse cross-entropy, ``steps``
    steps of ``min(batch_size, n)`` clips (each epoch a new shuffle), every clip one :func:`views` view per
    step. Then its BatchNorm statistics are recomputed ("precise BN") as the mean over the training clips'
    plain :func:`segments` (no noise, no masks), in batches of ``batch_size``: after a few hundred steps the
    moving averages still trail the weights and the network they describe is not the one trained. It learns
    from ``segment``-second excerpts of the audible part, so it is tested the same way
    (:func:`predict_segments`): not on whole clips, whose silent padding its pooled features never saw.

    Parameters
    ----------
    clips : 2-D array (n, samples)
        The labelled clips at 16 kHz.
    labels : 1-D array_like of int
        Their classes, in ``[0, n_classes)``.
    n_classes : int
    rng : int
        Seeds weights, dropout, shuffles and views.
    steps : int
        Optimisation steps (the same for every number of labels).
    batch_size : int
    learning_rate : float
    segment, noises, snr_db, p_noise, spec, mean, std
        :func:`views`' arguments.
    filters : sequence of int
    dropout : float

    Returns
    -------
    keras.Model
        Log-mel → class probabilities.

    Raises
    ------
    ValueError
        Clips and labels of different lengths, labels outside ``[0, n_classes)``.

    Notebook: (tooling, ``python -m course_lib.experiments ssl_esc10``, the cache chapter 10 reads)
    """
    import keras
    import tensorflow as tf

    clips = np.asarray(clips, dtype=np.float32)
    y = np.asarray(labels)
    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    if clips.ndim != 2 or len(clips) != len(y) or len(y) == 0:
        raise ValueError(f"clips (n, samples) and labels (n,) must describe the same clips, got {clips.shape} and {y.shape}")
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(f"labels must lie in [0, {n_classes}), got {y.min()}..{y.max()}")
    steps = _checks.positive_int(steps, "steps", what="steps")
    batch = min(_checks.positive_int(batch_size, "batch_size", what="clips"), len(y))
    gen = np.random.default_rng(training.set_seed(rng))
    model = training.small_cnn((None, FRONT_END["n_mels"], 1), n_classes, filters=filters, dropout=dropout)
    optimizer = keras.optimizers.Adam(_checks.positive(learning_rate, "learning_rate"))
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    extents = audible_extent(clips)
    kwargs = dict(sr=FRONT_END["sr"], segment=segment, noises=noises, snr_db=snr_db, p_noise=p_noise, spec=spec,
                  mean=mean, std=std)

    @tf.function(reduce_retracing=True)
    def step(x, t):
        with tf.GradientTape() as tape:
            loss = loss_fn(t, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    def batches():                              # every view, drawn in one fixed order from one generator
        order, at = gen.permutation(len(y)), 0
        for _ in range(steps):
            if at + batch > len(y):
                order, at = gen.permutation(len(y)), 0
            idx = order[at:at + batch]
            at += batch
            yield views(clips[idx], gen, extents=extents[idx], **kwargs), y[idx].astype(np.int32)

    for x, t in _prefetch(batches()):
        step(tf.constant(x), tf.constant(t))
    # precise BatchNorm: after a few hundred steps the moving averages (momentum 0.99) still trail the weights, and
    # the network tested with them is a different one (0.24 instead of 0.59 on fold 5 with k = 8). Replace them by
    # the mean statistics of the training clips' plain excerpts, the inputs it will be tested on.
    pieces, _ = segments(clips, sr=FRONT_END["sr"], segment=segment, extents=extents)
    x = (log_mel(pieces, FRONT_END["sr"]) - np.float32(mean)) / np.float32(std)
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [layer.momentum for layer in norms]
    order = gen.permutation(len(x))
    for i, at in enumerate(range(0, len(x), batch_size), start=1):
        for layer in norms:
            layer.momentum = (i - 1) / i            # the running mean of the batches' statistics
        model(tf.constant(x[order[at:at + batch_size]]), training=True)
    for layer, m in zip(norms, momenta):
        layer.momentum = m
    return model


def segments(clips, *, sr=16000, segment=2.0, extents=None):
    """The ``segment``-second excerpts that tile each clip's audible part, the ones :func:`views` draws from.

    The audible part ``[a, b)`` (:func:`audible_extent`) is covered by ``m = max(1, ceil((b − a) / n))``
    excerpts of ``n = segment·sr`` samples whose starts are spread evenly over the starts :func:`views` can
    draw (from ``min(a, b − n)`` to ``max(a, b − n)``, kept inside the clip): neighbours overlap a little,
    and a part shorter than ``n`` gives one excerpt centred as in :func:`views`.

    Parameters
    ----------
    clips : 2-D array (n, samples) or sequence of 1-D arrays
        Mono clips at ``sr``, each at least ``segment`` seconds.
    sr : int
        Hz.
    segment : float
        Seconds per excerpt.
    extents : ndarray (n, 2), optional
        :func:`audible_extent` of the clips (computed when missing).

    Returns
    -------
    pieces : ndarray of float32, shape (total, n)
        Every excerpt, clip after clip.
    owner : ndarray of int, shape (total,)
        The clip each excerpt comes from.

    Raises
    ------
    ValueError
        A clip shorter than ``segment``.

    Notebook: (tooling, ``python -m course_lib.experiments ssl_esc10``, the cache chapter 10 reads)
    """
    sr = _checks.sample_rate(sr)
    n = int(round(_checks.positive(segment, "segment", "s") * sr))
    if extents is None:
        extents = audible_extent(clips, sr)
    pieces, owner = [], []
    for i, (y, (a, b)) in enumerate(zip(clips, np.asarray(extents))):
        y = np.asarray(y, dtype=np.float32)
        if y.ndim != 1 or y.size < n:
            raise ValueError(f"every clip must be mono and at least segment = {segment} s ({n} samples), got shape {y.shape}")
        lo_start = int(np.clip(min(a, b - n), 0, y.size - n))
        hi_start = int(np.clip(max(a, b - n), 0, y.size - n))
        m = max(1, int(np.ceil((b - a) / n)))
        for start in np.unique(np.round(np.linspace(lo_start, hi_start, m)).astype(int)):
            pieces.append(y[start:start + n])
            owner.append(i)
    return np.stack(pieces), np.asarray(owner, dtype=np.int64)


def predict_segments(model, clips, *, sr=16000, segment=2.0, mean=0.0, std=1.0, extents=None,
                     batch_size=64) -> np.ndarray:
    """Class probabilities of whole clips from a model trained on segments: the mean over the clip's :func:`segments`.

    The test-time counterpart of :func:`views` without its random parts: each excerpt of the audible part
    (no noise, no SpecAugment) goes through :func:`log_mel`, standardised as ``(x − mean) / std``, and the
    model; a clip's probabilities are the mean of its excerpts'.

    Parameters
    ----------
    model : keras.Model
        Log-mel → class probabilities (:func:`train_supervised`'s).
    clips : 2-D array (n, samples) or sequence of 1-D arrays
        Mono clips at ``sr``.
    sr : int
        Hz.
    segment : float
        Seconds per excerpt (the training views').
    mean, std : float
        Standardisation of the log-mel (dB), the training views'.
    extents : ndarray (n, 2), optional
        :func:`audible_extent` of the clips.
    batch_size : int

    Returns
    -------
    ndarray of float32, shape (n, n_classes)

    Notebook: (tooling, ``python -m course_lib.experiments ssl_esc10``, the cache chapter 10 reads)
    """
    std = _checks.positive(std, "std", "dB")
    pieces, owner = segments(clips, sr=sr, segment=segment, extents=extents)
    x = (log_mel(pieces, sr) - np.float32(mean)) / np.float32(std)
    p = np.asarray(model.predict(x, batch_size=_checks.positive_int(batch_size, "batch_size"), verbose=0),
                   dtype=np.float64)
    out = np.zeros((int(owner.max()) + 1, p.shape[1]))
    np.add.at(out, owner, p)
    return (out / np.bincount(owner)[:, None]).astype(np.float32)


# ---------------------------------------------------------------------------------------
# masked prediction, at toy scale
# ---------------------------------------------------------------------------------------
def mask_spans(n_frames, ratio, rng=None, *, span=5) -> np.ndarray:
    """Hide spans of ``span`` frames until a ``ratio`` of the frames is hidden (wav2vec 2.0 / HuBERT-style masks).

    Span starts are drawn at random without replacement; spans may overlap, so starts are added until the
    hidden share reaches ``ratio`` (rounded to whole frames).

    Parameters
    ----------
    n_frames : int
    ratio : float
        Share of frames to hide, in [0, 1).
    rng : numpy.random.Generator, int or None
    span : int
        Frames per span (wav2vec 2.0: 10 frames of 20 ms).

    Returns
    -------
    ndarray of bool, shape (n_frames,)
        True where hidden.

    Notebook: 10_transformers_ssl
    """
    n_frames = _checks.integer(n_frames, "n_frames", minimum=2, what="frames")
    ratio = _checks.number(ratio, "ratio", minimum=0.0, maximum=0.99)
    span = _checks.integer(span, "span", minimum=1, maximum=n_frames, what="frames")
    gen = _checks.rng(rng)
    mask = np.zeros(n_frames, dtype=bool)
    want = int(round(ratio * n_frames))
    for start in gen.permutation(n_frames - span + 1):
        if mask.sum() >= want:
            break
        mask[start:start + span] = True
    return mask


def interpolate_frames(log_mel, mask) -> np.ndarray:
    """The baseline guess of hidden frames: per band, a straight line between the nearest visible frames.

    Parameters
    ----------
    log_mel : ndarray (frames, bands)
    mask : ndarray of bool (frames,)
        True where hidden (at least one frame visible).

    Returns
    -------
    ndarray of float32, shape (frames, bands)
        The visible frames unchanged, the hidden ones interpolated (held flat beyond the ends).

    Notebook: 10_transformers_ssl
    """
    x = np.asarray(log_mel, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    if x.ndim != 2 or mask.shape != (x.shape[0],):
        raise ValueError(f"log_mel must be (frames, bands) and mask (frames,), got shapes {x.shape} and {mask.shape}")
    if mask.all():
        raise ValueError("mask hides every frame: there is nothing to interpolate from")
    t, seen = np.arange(len(x)), np.flatnonzero(~mask)
    out = x.copy()
    for b in range(x.shape[1]):
        out[mask, b] = np.interp(t[mask], seen, x[seen, b])
    return out.astype(np.float32)


def _context(x, mask, context):
    """Per hidden frame: the window of interpolated frames around it, the window's mask bits and a 1."""
    filled = interpolate_frames(x, mask)
    pad = np.pad(filled, ((context, context), (0, 0)), mode="edge")
    bits = np.pad(mask.astype(np.float32), context, constant_values=1.0)
    rows = np.flatnonzero(mask)
    win = np.arange(-context, context + 1)
    feats = np.concatenate([pad[rows[:, None] + context + win].reshape(len(rows), -1),
                            bits[rows[:, None] + context + win], np.ones((len(rows), 1))], axis=1)
    return rows, feats


def fit_masked_predictor(log_mels, ratio, rng=None, *, span=5, context=4, ridge=10.0) -> np.ndarray:
    """A tiny masked-prediction model: ridge regression from the visible context to each hidden frame.

    For every training spectrogram a mask of :func:`mask_spans` is drawn; each hidden frame is described by the
    ``2·context + 1`` frames around it (hidden ones filled by :func:`interpolate_frames`) and their mask bits,
    and a linear map to the frame's true bands is fitted by ridge regression (closed form). It can reproduce
    the interpolation (which is one of its inputs), so what it learns is how sound differs from a straight line.

    Parameters
    ----------
    log_mels : sequence of ndarray (frames, bands)
        Training spectrograms (dB).
    ratio : float
        Share of frames hidden.
    rng : numpy.random.Generator, int or None
    span : int
        Frames per hidden span.
    context : int
        Frames on each side.
    ridge : float
        L2 strength (≥ 0).

    Returns
    -------
    ndarray of float64, shape ((2·context + 1)·(bands + 1) + 1, bands)
        The weights.

    Notebook: 10_transformers_ssl
    """
    gen = _checks.rng(rng)
    context = _checks.integer(context, "context", minimum=0, what="frames")
    ridge = _checks.number(ridge, "ridge", minimum=0.0)
    xs, ys = [], []
    for x in log_mels:
        x = np.asarray(x, dtype=np.float64)
        mask = mask_spans(len(x), ratio, gen, span=span)
        if not mask.any():
            continue
        rows, f = _context(x, mask, context)
        xs.append(f)
        ys.append(x[rows])
    if not xs:
        raise ValueError(f"ratio = {ratio} hides no frame: nothing to learn from")
    a, b = np.concatenate(xs), np.concatenate(ys)
    return np.linalg.solve(a.T @ a + ridge * np.eye(a.shape[1]), a.T @ b)


def predict_masked(weights, log_mel, mask, *, context=4) -> np.ndarray:
    """:func:`fit_masked_predictor`'s guess of the hidden frames of one spectrogram.

    Parameters
    ----------
    weights : ndarray
        From :func:`fit_masked_predictor` (with the same ``context``).
    log_mel : ndarray (frames, bands)
    mask : ndarray of bool (frames,)
    context : int

    Returns
    -------
    ndarray of float32, shape (frames, bands)
        Visible frames unchanged, hidden ones predicted.

    Notebook: 10_transformers_ssl
    """
    x = np.asarray(log_mel, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    out = interpolate_frames(x, mask).astype(np.float64)
    if mask.any():
        rows, f = _context(x, mask, context)
        if f.shape[1] != np.shape(weights)[0]:
            raise ValueError(f"weights were fitted for another context or number of bands ({np.shape(weights)[0]} "
                             f"inputs, this spectrogram gives {f.shape[1]})")
        out[rows] = f @ weights
    return out.astype(np.float32)
