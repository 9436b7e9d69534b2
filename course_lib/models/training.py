"""Training and evaluating small Keras classifiers over folds and seeds.

The chapters that train a classifier on real recordings (ESC-10 with its 5 official folds, FSDD
with unseen speakers) share one protocol, so that their numbers can be compared:

- :func:`log_mel_batch` (from :mod:`course_lib.dsp.mel`) turns clips into log-mel "images" ``(n, frames, bands, 1)`` with librosa
  (the seed's settings by default: n_fft 2048, hop 512, 64 bands up to 4 kHz);
- :func:`small_cnn` is the small convolutional network they train (a few thousand to a few tens
  of thousands of parameters, 3×3 convolutions, batch normalisation, global average pooling);
- :func:`fit` trains one model deterministically (``keras.utils.set_random_seed`` and TensorFlow's
  op determinism, so the same seed gives the same weights on the same machine, number of CPU
  threads and library versions), standardising the features with statistics of the training set only;
- :func:`cross_validate` runs the folds × seeds grid and returns one record per run (accuracy,
  predictions, per-epoch history), which a study of :mod:`course_lib.experiments` saves with a
  record of what made it (a notebook reads them, re-runs one fold live and asserts that both agree).

Summaries (mean and confidence interval, confusion matrix) are in :mod:`course_lib.stats`.
TensorFlow/Keras are imported only inside the functions that need them.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..dsp.mel import log_mel_batch  # the course's one log-mel of a batch, re-exported for the chapters

__all__ = [
    "log_mel_batch",
    "log_mel_statistics",
    "logistic_regression_folds",
    "standardize",
    "small_cnn",
    "set_seed",
    "fit",
    "fold_split",
    "cross_validate",
]


def standardize(x_train, *others):
    """Standardise features with the training set's mean and standard deviation (one number each).

    Parameters
    ----------
    x_train : ndarray
        Training features; its mean and standard deviation are used for every array.
    *others : ndarray
        More arrays (validation, test) scaled the same way.

    Returns
    -------
    tuple of ndarray (float32)
        ``x_train`` and each of ``others``, as ``(x - mean) / std``.

    Notebook: 03_mel_perception
    """
    x_train = np.asarray(x_train, dtype=np.float32)
    mean, std = float(x_train.mean()), float(x_train.std()) or 1.0
    return tuple(((np.asarray(x, dtype=np.float32) - mean) / std).astype(np.float32) for x in (x_train, *others))


def small_cnn(input_shape, n_classes, filters=(16, 32, 64), dropout=0.3, name="small_cnn"):
    """A small convolutional classifier of log-mel images.

    One block per entry of ``filters``: a 3×3 'same' convolution without bias, batch
    normalisation, ReLU and 2×2 max pooling; then global average pooling (so any number of
    frames and bands fits), dropout and a softmax layer. With the default filters it has about
    25 k parameters.

    Parameters
    ----------
    input_shape : tuple of 3 ints
        ``(frames, bands, channels)``.
    n_classes : int
        Classes of the softmax output (at least 2).
    filters : sequence of int
        Filters per block.
    dropout : float
        Dropout rate before the output layer, in [0, 1).
    name : str
        The model's name.

    Returns
    -------
    keras.Model
        Uncompiled; outputs class probabilities.

    Notebook: 03_mel_perception
    """
    import keras
    from keras import layers

    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    filters = [_checks.positive_int(f, f"filters[{i}]", what="filters") for i, f in enumerate(filters)]
    dropout = _checks.number(dropout, "dropout", minimum=0.0, maximum=0.99)
    inputs = keras.Input(shape=tuple(input_shape), name="log_mel")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(f, 3, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = layers.BatchNormalization(name=f"bn{i}")(x)
        x = layers.Activation("relu", name=f"relu{i}")(x)
        x = layers.MaxPooling2D(2, padding="same", name=f"pool{i}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name=name)


def set_seed(rng) -> int:
    """Make Keras training repeatable: seed Python, NumPy and Keras, and ask TensorFlow for deterministic ops.

    Parameters
    ----------
    rng : int or numpy.random.Generator
        The seed (>= 0), or a generator that draws one.

    Returns
    -------
    int
        The seed used.

    Notebook: 03_mel_perception
    """
    import keras
    import tensorflow as tf

    seed = _checks.seed(rng)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    return seed


def fit(build, x_train, y_train, x_test=None, y_test=None, *, epochs=20, batch_size=32, rng=0, learning_rate=1e-3,
        dataset=None):
    """Train a freshly built model with Adam and sparse cross-entropy; evaluate it on a test set.

    Parameters
    ----------
    build : callable
        ``build()`` returns an uncompiled Keras model (called after seeding, so its initial weights
        depend on ``rng`` only).
    x_train, y_train : ndarray
        Training features and integer labels (features already standardised).
    x_test, y_test : ndarray, optional
        Test features and labels; when given, accuracy and loss are recorded after each epoch.
    epochs, batch_size : int
        Passes over the training set, and examples per step.
    rng : int or numpy.random.Generator
        Seeds the weights, the shuffling and dropout (:func:`set_seed`).
    learning_rate : float
        Adam's step size.
    dataset : tf.data.Dataset, optional
        Use this pipeline (batched ``(x, y)`` pairs, e.g. with per-epoch augmentation) instead
        of ``x_train``/``y_train`` arrays; ``x_train`` then only gives the input shape.

    Returns
    -------
    (model, history) : (keras.Model, dict)
        The trained model and per-epoch ``loss``, ``accuracy`` (training) and, with a test set,
        ``test_loss`` and ``test_accuracy``, each a list of floats.

    Notebook: 03_mel_perception, 06_raw_waveform (via ``fsdd_run``)
    """
    import keras

    epochs = _checks.positive_int(epochs, "epochs", what="epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size", what="examples")
    set_seed(rng)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    kwargs = dict(epochs=epochs, verbose=0)
    if x_test is not None:
        kwargs["validation_data"] = (np.asarray(x_test), np.asarray(y_test))
    if dataset is not None:
        h = model.fit(dataset, **kwargs)
    else:
        h = model.fit(np.asarray(x_train), np.asarray(y_train), batch_size=batch_size, shuffle=True, **kwargs)
    names = {"loss": "loss", "accuracy": "accuracy", "val_loss": "test_loss", "val_accuracy": "test_accuracy"}
    history = {names[k]: [float(v) for v in vals] for k, vals in h.history.items() if k in names}
    return model, history


def fold_split(folds, test_fold):
    """Indices of the training and test examples of one cross-validation fold.

    Parameters
    ----------
    folds : 1-D array_like of int
        The fold of each example (ESC-10: 1 to 5).
    test_fold : int
        The fold held out for testing.

    Returns
    -------
    (train, test) : two ndarrays of int
        Indices of the examples in other folds, and in ``test_fold``.

    Raises
    ------
    ValueError
        ``test_fold`` is not one of the folds.

    Notebook: 03_mel_perception, 04_audioset_vggish (via ``logistic_regression_folds``)
    """
    folds = np.asarray(folds)
    if test_fold not in set(folds.tolist()):
        raise ValueError(f"test_fold must be one of the folds {sorted(set(folds.tolist()))}, got {test_fold!r}")
    return np.flatnonzero(folds != test_fold), np.flatnonzero(folds == test_fold)


def log_mel_statistics(clips, sr, *, n_fft=1024, hop_length=512, n_mels=64) -> np.ndarray:
    """Chapter 00's clip features: the mean and standard deviation over time of each log-mel band.

    ``librosa.power_to_db(melspectrogram(...), ref=1.0)`` (dB re 1, floored 80 dB below each
    clip's maximum), then per band its mean and standard deviation over the frames: ``2 · n_mels``
    numbers per clip, no frame order. With a logistic regression
    (:func:`logistic_regression_folds`) this is the course's ESC-10 bar.

    Parameters
    ----------
    clips : sequence of 1-D arrays, or 2-D array (n, samples)
        Mono clips of the same length.
    sr : int
        Hz.
    n_fft, hop_length : int
        Samples (chapter 00: 1024 and 512 at 16 kHz, 64 and 32 ms).
    n_mels : int
        Bands.

    Returns
    -------
    ndarray of float, shape (n, 2 · n_mels)
        The band means (dB), then the band standard deviations (dB).

    Raises
    ------
    ValueError
        Clips of different lengths or an empty batch.

    Notebook: 00_introduction, 03_mel_perception, 04_audioset_vggish
    """
    import librosa

    sr = _checks.sample_rate(sr)
    lengths = {np.shape(c) for c in clips}
    if len(lengths) != 1:
        raise ValueError(f"clips must be a non-empty batch of equal-length mono clips, got shapes {sorted(lengths)}")
    arr = np.stack([np.asarray(c, dtype=np.float32) for c in clips])
    mel = librosa.feature.melspectrogram(y=arr, sr=sr, n_fft=_checks.positive_int(n_fft, "n_fft", what="samples"),
                                         hop_length=_checks.positive_int(hop_length, "hop_length", what="samples"),
                                         n_mels=_checks.positive_int(n_mels, "n_mels", what="bands"))
    log_mel = librosa.power_to_db(mel, ref=1.0)
    return np.concatenate([log_mel.mean(axis=-1), log_mel.std(axis=-1)], axis=1)


def logistic_regression(C=0.1, max_iter=2000):
    """The course's linear classifier: standardise each feature, then an L2 logistic regression.

    Parameters
    ----------
    C : float
        Inverse L2 strength (0.1: chapter 00's bar; scikit-learn's default is 1).
    max_iter : int
        L-BFGS iterations at most.

    Returns
    -------
    sklearn.pipeline.Pipeline
        ``make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=max_iter))``, unfitted.

    Notebook: 04_audioset_vggish (via ``training.logistic_regression_folds``), 08_wavenet
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    C = _checks.positive(C, "C")
    max_iter = _checks.positive_int(max_iter, "max_iter", what="iterations")
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=max_iter))


def logistic_regression_folds(features, labels, folds, *, C=0.1, max_iter=2000):
    """Chapter 00's classifier over cross-validation folds: standardise, then a logistic regression.

    For each fold in turn: fit :func:`logistic_regression` (``StandardScaler`` and scikit-learn's
    L-BFGS ``LogisticRegression``, its default tolerance) on the other folds, predict the fold. The course's ESC-10
    bar is this on :func:`log_mel_statistics` (0.781 on the five folds in the environment that made
    chapter 00's outputs; the last digit moves with librosa's version and the BLAS, because the
    solver stops at its tolerance and a clip or two sit on a decision boundary).

    Parameters
    ----------
    features : ndarray, shape (n, d)
    labels : 1-D array_like of int
    folds : 1-D array_like of int
        The fold of each example.
    C : float
        Inverse L2 strength.
    max_iter : int
        L-BFGS iterations at most.

    Returns
    -------
    accuracy : ndarray of float, shape (n_folds,)
        Accuracy on each fold, folds in increasing order.
    predicted : ndarray of int, shape (n,)
        Every example's prediction by the model that did not train on it.

    Raises
    ------
    ValueError
        Arrays of different lengths, or a single fold.

    Notebook: 03_mel_perception, 04_audioset_vggish
    """
    x = np.asarray(features)
    y = np.asarray(labels)
    f = np.asarray(folds)
    if x.ndim != 2 or not (len(x) == len(y) == len(f)):
        raise ValueError(f"features must be (n, d) and labels and folds (n,), got {x.shape}, {y.shape} and {f.shape}")
    fold_ids = sorted(set(f.tolist()))
    if len(fold_ids) < 2:
        raise ValueError(f"folds must hold at least two folds, got {fold_ids}")
    logistic_regression(C, max_iter)   # checks C and max_iter before any fold is fitted
    predicted = np.empty_like(y)
    accuracy = []
    for k in fold_ids:
        train, test = fold_split(f, k)
        model = logistic_regression(C, max_iter).fit(x[train], y[train])
        predicted[test] = model.predict(x[test])
        accuracy.append(float(np.mean(predicted[test] == y[test])))
    return np.array(accuracy), predicted


def cross_validate(build, x, y, folds, *, test_folds=None, seeds=(0,), epochs=20, batch_size=32, learning_rate=1e-3,
                   progress=False) -> list[dict]:
    """Train and test one model per (test fold, seed): the folds × seeds grid of an experiment.

    Each run standardises with its own training folds (:func:`standardize`), trains with
    :func:`fit`, predicts the held-out fold, and measures its accuracy on its own training
    examples too (dropout off), which tells whether the network fits what it learned from.

    Parameters
    ----------
    build : callable
        ``build()`` returns an uncompiled Keras model.
    x : ndarray
        Features of every example (first axis: examples).
    y : 1-D ndarray of int
        Labels.
    folds : 1-D array_like of int
        The fold of each example.
    test_folds : sequence of int, optional
        Folds to hold out in turn (default: every fold).
    seeds : sequence of int
        Seeds per fold.
    epochs, batch_size : int
        As in :func:`fit`.
    learning_rate : float, Keras schedule or callable
        As in :func:`fit`; a callable is called with the number of training examples of the fold
        and returns the step size or schedule for it (a schedule counts steps, which depend on it).
    progress : bool
        Print one line per run.

    Returns
    -------
    list of dict
        One record per run: ``fold``, ``seed``, ``accuracy`` (test), ``train_accuracy``, ``y_true``,
        ``y_pred`` (lists of int) and ``history`` (from :func:`fit`).

    Notebook: (tooling, ``python -m course_lib.experiments mel_bands``; chapter 03 repeats its steps for
    the first epochs of one run)
    """
    y = np.asarray(y)
    folds = np.asarray(folds)
    if len(x) != len(y) or len(y) != len(folds):
        raise ValueError(f"x, y and folds must describe the same examples, got lengths {len(x)}, {len(y)}, {len(folds)}")
    test_folds = sorted(set(folds.tolist())) if test_folds is None else list(test_folds)
    records = []
    for fold in test_folds:
        train, test = fold_split(folds, fold)
        x_train, x_test = standardize(x[train], x[test])
        step_size = learning_rate(len(train)) if callable(learning_rate) else learning_rate
        for seed in seeds:
            model, history = fit(build, x_train, y[train], x_test, y[test], epochs=epochs, batch_size=batch_size,
                                 rng=seed, learning_rate=step_size)
            y_pred = model.predict(x_test, batch_size=256, verbose=0).argmax(axis=1)
            fitted = model.predict(x_train, batch_size=256, verbose=0).argmax(axis=1)
            acc = float(np.mean(y_pred == y[test]))
            records.append(dict(fold=int(fold), seed=int(seed), accuracy=acc,
                                train_accuracy=float(np.mean(fitted == y[train])), y_true=y[test].tolist(),
                                y_pred=y_pred.tolist(), history=history))
            if progress:
                print(f"fold {fold} seed {seed}: accuracy {acc:.3f}, training {records[-1]['train_accuracy']:.3f}",
                      flush=True)
    return records
