"""Chapter 04's study: a small VGGish on ESC-10's five folds, and the transfer experiment's source model.

The small VGGish (:func:`course_lib.models.vggish.small_vggish`, about 70 k parameters) reads the
VGGish examples of every 5 s ESC-10 clip (:func:`course_lib.models.vggish.clip_examples`: five
examples of 96 × 64 log-mel frames). For each official test fold in turn it is trained on the
other four (:func:`esc10_fold`: every example takes its clip's label; standardised with the
training folds' statistics) and tested clip by clip, a clip's probabilities being the mean of its
examples' (:func:`course_lib.models.vggish.clip_probabilities`). A second network, the transfer
experiment's *source model*, is trained on five classes only (:func:`train_source_model`); the
chapter reuses its frozen embeddings on the other five with few labels (:func:`few_shot_runs`,
computed live in the notebook).

Results (``data/vggish_esc10_folds.json``): ``runs`` (one per test fold: clip and example
accuracy, predictions, probabilities, per-epoch history), ``class_names``, ``sample_rate`` and
``source`` (its classes, the standardisation of its input, its history); the source model's
weights are ``data/vggish_esc10_source.weights.h5`` (:func:`source_model` loads them). Remake both
with ``python -m course_lib.experiments vggish_esc10`` (about 3 minutes on a 2-core CPU); chapter
``04_audioset_vggish`` re-trains fold 1 live and checks it against the saved run. Layer 5.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..errors import WeightsNotFoundError
from ..models import training, vggish

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "esc10_fold", "train_source_model",
           "source_model", "few_shot_runs", "spread_runs", "run"]

#: The network and its training (every model of the study and the notebook's live fold), the
#: training seed, the folds held out in turn, the source model's classes, how many clips of each
#: class and fold are used (None: all), and the other seeds trained on the first test fold: how
#: much the fold's accuracy moves with the training noise alone (the yardstick of the live check).
SETTINGS = {"filters": [8, 16, 32, 64], "embedding_size": 32, "input_pool": 2, "epochs": 12, "batch_size": 64,
            "learning_rate": 0.003, "seed": 0, "test_folds": [1, 2, 3, 4, 5],
            "source_classes": ["Dog bark", "Rain", "Sea waves", "Baby cry", "Clock tick"], "clips_per_fold": None,
            "spread_seeds": [1, 2, 3, 4, 5, 6]}
#: ``--quick``: two clips of each class and fold, one epoch, one test fold, one extra seed.
QUICK = {"epochs": 1, "test_folds": [1], "clips_per_fold": 2, "spread_seeds": [1]}
FILES = ("vggish_esc10_folds.json", "vggish_esc10_source.weights.h5")
DATA = ("esc10",)
CHAPTER = "04_audioset_vggish"
TITLE = "a small VGGish on ESC-10's five folds, and a source model for transfer"
_COMMAND = "python -m course_lib.experiments vggish_esc10"


def _settings(settings):
    return {**SETTINGS, **(settings or {})}


def _build(n_classes, s):
    return vggish.small_vggish(n_classes, filters=tuple(s["filters"]), embedding_size=s["embedding_size"],
                               input_pool=s["input_pool"])


def _train_examples(examples, labels, n_classes, seed, settings, x_test=None, y_test=None):
    """Train a small VGGish on every example of the given clips (each example takes its clip's label)."""
    s = _settings(settings)
    n_clips, n_examples = examples.shape[:2]
    x = examples.reshape(n_clips * n_examples, *examples.shape[2:], 1)
    y = np.repeat(np.asarray(labels), n_examples)
    return training.fit(lambda: _build(n_classes, s), x, y, x_test, y_test, epochs=s["epochs"],
                        batch_size=s["batch_size"], rng=seed, learning_rate=s["learning_rate"])


def esc10_fold(examples, labels, folds, test_fold, *, rng=0, settings=None):
    """Train a small VGGish on four ESC-10 folds and test it on the fifth, clip by clip.

    The examples are standardised with the training folds' mean and standard deviation
    (:func:`course_lib.models.training.standardize`); every example of a training clip is a
    training example with the clip's label; a test clip's prediction is the argmax of
    :func:`course_lib.models.vggish.clip_probabilities`.

    Parameters
    ----------
    examples : ndarray, shape (n_clips, n_examples, 96, 64)
        From :func:`course_lib.models.vggish.clip_examples` (raw, not standardised).
    labels : 1-D array_like of int
        Class of each clip.
    folds : 1-D array_like of int
        Official fold of each clip (1 to 5).
    test_fold : int
        The fold held out.
    rng : int or numpy.random.Generator
        Seeds the weights, shuffling and dropout (a generator gives the seed).
    settings : dict, optional
        Overrides of :data:`SETTINGS` (network and training).

    Returns
    -------
    (record, model) : (dict, keras.Model)
        ``record`` holds ``fold``, ``seed``, ``accuracy`` (clips), ``example_accuracy``,
        ``y_true``, ``y_pred``, ``probabilities`` (rounded to 4 decimals) and ``history`` (per
        epoch, test metrics on examples).

    Notebook: 04_audioset_vggish
    """
    seed = _checks.seed(rng)
    examples = np.asarray(examples, dtype=np.float32)
    labels = np.asarray(labels)
    train, test = training.fold_split(folds, test_fold)
    n_classes = int(labels.max()) + 1
    x_train, x_test = training.standardize(examples[train], examples[test])
    n_examples = examples.shape[1]
    model, history = _train_examples(x_train, labels[train], n_classes, seed, settings,
                                     x_test.reshape(-1, *examples.shape[2:], 1), np.repeat(labels[test], n_examples))
    p = vggish.clip_probabilities(model, x_test)
    y_pred = p.argmax(axis=1)
    record = dict(fold=int(test_fold), seed=int(seed), accuracy=float(np.mean(y_pred == labels[test])),
                  example_accuracy=history["test_accuracy"][-1], y_true=labels[test].tolist(),
                  y_pred=y_pred.tolist(), probabilities=np.round(p, 4).tolist(), history=history)
    return record, model


def train_source_model(examples, labels, class_names, *, source_classes=None, rng=0, settings=None):
    """The transfer experiment's source model: a small VGGish trained on some ESC-10 classes only.

    Parameters
    ----------
    examples : ndarray, shape (n_clips, n_examples, 96, 64)
        Every ESC-10 clip's examples (raw); only the source classes' clips are used.
    labels : 1-D array_like of int
        Class of each clip (indices into ``class_names``).
    class_names : sequence of str
        ESC-10's class names.
    source_classes : sequence of str, optional
        The classes the model learns (default ``SETTINGS["source_classes"]``).
    rng : int or numpy.random.Generator
        Training seed (a generator gives the seed).
    settings : dict, optional
        Overrides of :data:`SETTINGS` (network and training).

    Returns
    -------
    (model, info) : (keras.Model, dict)
        ``info`` holds ``mean`` and ``std`` (the standardisation of the source clips' examples,
        to apply to any input before :func:`course_lib.models.vggish.embedding_model`),
        ``source_classes`` and ``history``.

    Raises
    ------
    ValueError
        A source class that is not in ``class_names``.

    Notebook: 04_audioset_vggish (via ``source_model``)
    """
    seed = _checks.seed(rng)
    source_classes = list(SETTINGS["source_classes"] if source_classes is None else source_classes)
    names = list(class_names)
    unknown = [c for c in source_classes if c not in names]
    if unknown:
        raise ValueError(f"source_classes must be names of class_names {names}, got unknown {unknown}")
    source_idx = [names.index(c) for c in source_classes]
    labels = np.asarray(labels)
    keep = np.isin(labels, source_idx)
    x = np.asarray(examples, dtype=np.float32)[keep]
    mean, std = float(x.mean()), float(x.std())
    y = np.searchsorted(source_idx, labels[keep]) if source_idx == sorted(source_idx) else \
        np.array([source_idx.index(v) for v in labels[keep]])
    model, history = _train_examples((x - mean) / std, y, len(source_idx), seed, settings)
    return model, dict(mean=mean, std=std, source_classes=source_classes, history=history)


def source_model(results):
    """The saved source model of a run of this study, with its weights.

    Parameters
    ----------
    results : course_lib.experiments.Results
        ``course_lib.experiments.load("vggish_esc10")`` (its folder holds the weights).

    Returns
    -------
    keras.Model

    Raises
    ------
    WeightsNotFoundError
        The weights file is absent (the message names it and the command that makes it).

    Notebook: 04_audioset_vggish
    """
    path = results.folder / FILES[1]
    if not path.is_file():
        raise WeightsNotFoundError(f"{path}: no trained source model; make it with `{_COMMAND}`")
    model = _build(len(results["source"]["source_classes"]), _settings(results.record["settings"]))
    model.load_weights(path)
    return model


def few_shot_runs(features, labels, folds, *, ks=(1, 2, 4, 8), seeds=(0, 1, 2, 3, 4)) -> list[dict]:
    """Few labels: a logistic regression trained on k clips per class, tested on a held-out fold.

    For each test fold and seed, the clips of every class in the other folds are shuffled once
    (``numpy.random.default_rng([seed, fold])``) and the first k of each class are the labelled
    ones, so the labelled sets are nested (the 2 clips of k = 2 include the clip of k = 1) and two
    feature sets given the same labels, folds and seeds are trained on the same clips: a paired
    comparison. The model is scikit-learn's ``StandardScaler`` + ``LogisticRegression`` (L2, C = 1).

    Parameters
    ----------
    features : ndarray, shape (n_clips, n_features)
        One feature vector per clip (an embedding, or mean/std log-mel).
    labels : 1-D array_like of int
        Class of each clip.
    folds : 1-D array_like of int
        Fold of each clip; each fold is the test set in turn.
    ks : sequence of int
        Labelled clips per class.
    seeds : sequence of int
        One run per seed: which clips are labelled.

    Returns
    -------
    list of dict
        One record per (fold, seed, k): ``fold``, ``seed``, ``k``, ``accuracy`` (test fold).

    Raises
    ------
    ValueError
        Lengths that differ, or a k larger than a class's training clips.

    Notebook: 04_audioset_vggish
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels)
    folds = np.asarray(folds)
    if x.ndim != 2 or not (len(x) == len(y) == len(folds)):
        raise ValueError(f"features (n, d), labels and folds must describe the same clips, got shapes {x.shape}, "
                         f"{y.shape}, {folds.shape}")
    ks = [_checks.positive_int(k, "ks", what="clips per class") for k in ks]
    records = []
    for fold in sorted(set(folds.tolist())):
        train, test = training.fold_split(folds, fold)
        for seed in seeds:
            gen = np.random.default_rng([int(seed), int(fold)])
            order = {c: gen.permutation(train[y[train] == c]) for c in sorted(set(y[train].tolist()))}
            for k in ks:
                if k > min(len(v) for v in order.values()):
                    raise ValueError(f"ks must be at most {min(len(v) for v in order.values())} clips per class, got {k}")
                picked = np.concatenate([order[c][:k] for c in order])
                model = training.logistic_regression(C=1.0).fit(x[picked], y[picked])
                records.append(dict(fold=int(fold), seed=int(seed), k=int(k),
                                    accuracy=float(model.score(x[test], y[test]))))
    return records


def _subset(labels, folds, per_fold):
    """Indices of the first ``per_fold`` clips of each class in each fold (all clips when None)."""
    if per_fold is None:
        return np.arange(len(labels))
    keep = [np.flatnonzero((labels == c) & (folds == f))[:per_fold] for c in np.unique(labels) for f in np.unique(folds)]
    return np.sort(np.concatenate(keep))


def spread_runs(examples, labels, folds, settings, *, progress=False) -> list[dict]:
    """The first test fold trained again with each of ``settings["spread_seeds"]``: the training noise.

    Parameters
    ----------
    examples : ndarray, shape (n_clips, n_examples, 96, 64)
        From :func:`course_lib.models.vggish.clip_examples`.
    labels, folds : 1-D array_like of int
        Class and official fold of each clip.
    settings : dict
        The study's settings (``test_folds``, ``spread_seeds`` and the network's).
    progress : bool
        Print one line per seed.

    Returns
    -------
    list of dict
        ``fold``, ``seed``, ``accuracy`` (clips) of each run.

    Notebook: (tooling, ``python -m course_lib.experiments vggish_esc10``)
    """
    fold = settings["test_folds"][0]
    out = []
    for seed in settings["spread_seeds"]:
        record, _ = esc10_fold(examples, labels, folds, fold, rng=seed, settings=settings)
        out.append({"fold": int(fold), "seed": int(seed), "accuracy": record["accuracy"]})
        if progress:
            print(f"fold {fold}, seed {seed}: clip accuracy {record['accuracy']:.3f}", flush=True)
    return out


def run(settings, out_dir, progress) -> dict:
    """Train the small VGGish on each test fold and the source model; save the source model's weights.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (or the quick ones).
    out_dir : Path
        Where the source model's weights (``FILES[1]``) are written.
    progress : bool
        Print one line per model.

    Returns
    -------
    dict
        ``runs`` (:func:`esc10_fold`'s records), ``spread`` (:func:`spread_runs`), ``class_names``,
        ``sample_rate`` and ``source``
        (``source_classes``, ``mean``, ``std``, ``history`` of :func:`train_source_model`).

    Notebook: (tooling, ``python -m course_lib.experiments vggish_esc10``)
    """
    import time

    from ..datasets import corpora

    clips, labels, folds, class_names = corpora.load_esc10(sr=vggish.SAMPLE_RATE)
    labels, folds = np.asarray(labels), np.asarray(folds)
    keep = _subset(labels, folds, settings["clips_per_fold"])
    examples = vggish.clip_examples([clips[i] for i in keep], vggish.SAMPLE_RATE)
    labels, folds = labels[keep], folds[keep]
    runs = []
    for fold in settings["test_folds"]:
        t0 = time.time()
        record, _ = esc10_fold(examples, labels, folds, fold, rng=settings["seed"], settings=settings)
        runs.append(record)
        if progress:
            print(f"fold {fold}: clip accuracy {record['accuracy']:.3f} ({time.time() - t0:.0f} s)", flush=True)
    spread = spread_runs(examples, labels, folds, settings, progress=progress)
    t0 = time.time()
    model, info = train_source_model(examples, labels, class_names, source_classes=settings["source_classes"],
                                     rng=settings["seed"], settings=settings)
    model.save_weights(out_dir / FILES[1])
    if progress:
        print(f"source model on {', '.join(info['source_classes'])} ({time.time() - t0:.0f} s)", flush=True)
    return {"runs": runs, "spread": spread, "class_names": list(class_names), "sample_rate": vggish.SAMPLE_RATE,
            "source": info}
