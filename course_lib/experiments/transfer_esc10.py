"""Chapter 04's transfer study: what a pretrained model buys on ESC-10, against the bar and a network trained from scratch.

Three descriptions of every ESC-10 clip, each given to the **same classifier** (chapter 00's: standardise,
then an L2 logistic regression with ``C = 0.1``, :func:`course_lib.models.training.logistic_regression_folds`'s
model) on the 5 official folds:

- **log-mel statistics**, the course's bar (:func:`course_lib.models.training.log_mel_statistics`, 128 numbers);
- the **small VGGish trained from scratch** (:mod:`course_lib.experiments.vggish_esc10`'s network and seed): for
  each test fold *k* a network is trained on the other four folds only (:func:`vggish_fold`, which is
  :func:`~course_lib.experiments.vggish_esc10.esc10_fold`), and every clip is described by that network's
  32-d embedding (mean over its 5 examples); fold *k*'s classifier sees only network *k*'s embeddings, so no
  test clip ever shaped the features it is judged with;
- **BirdNET V2.4's embeddings** (:mod:`course_lib.models.birdnet`, 1,024 numbers: the mean of the clip's two
  3 s windows at 48 kHz), a network trained by others on birds and some other sounds, never on ESC-10.

Then few labels (:func:`few_label_runs`: 1, 2, 4, 8, 16 clips per class drawn from the training folds only,
10 seeds, tested on the held-out fold) for BirdNET against the bar. The nearest neighbours in each space
(:func:`nearest_neighbours`) are cheap and computed by the chapter itself.

Files: ``data/transfer_esc10.json`` (results: per fold accuracy and predictions of each system, the networks'
training clips, few-label runs; the record of what made them), ``data/transfer_esc10_birdnet.npz``
(BirdNET's embedding and its 5 most confident classes of every clip) and ``data/transfer_esc10_vggish.npz``
(the 5 networks' embeddings of every clip and the clips each network trained on). Remake them with
``python -m course_lib.experiments transfer_esc10`` (BirdNET on 796 windows on one thread, then five small
VGGish trainings: about 6 minutes on a 2-core CPU); the chapter recomputes BirdNET on three clips live and
checks them against the cache.

**Licence.** BirdNET's model is CC BY-NC-SA 4.0, and so is what the course derives from its outputs:
``transfer_esc10_birdnet.npz`` and ``transfer_esc10.json`` (which holds predictions made from its
embeddings) are CC BY-NC-SA 4.0, non-commercial; each carries the licence in a ``licence`` field.
``transfer_esc10_vggish.npz`` is the course's own (CC0).

Layer 5: imports :mod:`course_lib.datasets.corpora`, :mod:`course_lib.models.birdnet`,
:mod:`course_lib.models.training`, :mod:`course_lib.models.vggish` and :mod:`course_lib.experiments.vggish_esc10`.
"""

from __future__ import annotations

import time

import numpy as np

from .. import _checks
from ..datasets import corpora
from ..models import birdnet, training, vggish
from . import vggish_esc10

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "LICENCE", "SYSTEMS", "birdnet_outputs",
           "vggish_fold", "logistic_regression_fold", "few_label_runs", "nearest_neighbours", "subset", "run"]

#: The small VGGish's settings that decide its fold runs: the same as :mod:`vggish_esc10`'s.
_NETWORK = ("filters", "embedding_size", "input_pool", "epochs", "batch_size", "learning_rate", "seed")

#: ``C`` of the classifier (the bar's), the folds held out in turn, how many clips of each class and fold
#: are used (None: all), the few-label grid (clips per class, seeds), how many of BirdNET's classes are kept
#: per clip, BirdNET's threads (1: the same numbers on every machine), and the small VGGish's network,
#: training and seed (those of :mod:`vggish_esc10`, so that its fold runs are the ones chapter 04 shows).
SETTINGS = {"C": 0.1, "test_folds": [1, 2, 3, 4, 5], "clips_per_fold": None, "ks": [1, 2, 4, 8, 16],
            "seeds": list(range(10)), "top_k": 5, "birdnet_threads": 1,
            **{k: vggish_esc10.SETTINGS[k] for k in _NETWORK}}
#: ``--quick``: one clip of each class and fold, one test fold, one epoch, 1 and 2 labels, two seeds.
QUICK = {"test_folds": [1], "clips_per_fold": 1, "ks": [1, 2], "seeds": [0, 1], "epochs": 1}
FILES = ("transfer_esc10.json", "transfer_esc10_birdnet.npz", "transfer_esc10_vggish.npz")
DATA = ("esc10",)
CHAPTER = "04_audioset_vggish"
TITLE = "what a pretrained model buys: log-mel statistics, a small VGGish and BirdNET's embeddings on ESC-10"
#: The licence of the files derived from BirdNET (its model's).
LICENCE = (f"{birdnet.LICENCE} (derived from BirdNET V2.4, Kahl et al. 2021, Cornell Lab of Ornithology and "
           "Chemnitz University of Technology): non-commercial use only, with attribution, derivatives under the "
           "same licence")
#: The three descriptions of a clip, in the order the results list them.
SYSTEMS = ("log-mel statistics", "small VGGish", "BirdNET")


def subset(labels, folds, per_fold) -> np.ndarray:
    """Indices of the first ``per_fold`` clips of each class in each fold, in clip order (all when None).

    Parameters
    ----------
    labels, folds : 1-D array_like of int
        Class and fold of each clip.
    per_fold : int or None

    Returns
    -------
    ndarray of int

    Notebook: (tooling, the quick run)
    """
    labels, folds = np.asarray(labels), np.asarray(folds)
    if per_fold is None:
        return np.arange(len(labels))
    keep = [np.flatnonzero((labels == c) & (folds == f))[:per_fold] for c in np.unique(labels) for f in np.unique(folds)]
    return np.sort(np.concatenate(keep))


def birdnet_outputs(clips, sr, *, top_k=5, num_threads=1) -> dict:
    """BirdNET's embedding of every clip and its ``top_k`` most confident classes, in one pass.

    The embedding is :func:`course_lib.models.birdnet.embed`'s (the mean over the clip's 3 s windows); a
    class's score for a clip is its highest score over the windows (as :func:`~course_lib.models.birdnet.top_classes`).

    Parameters
    ----------
    clips : sequence of 1-D arrays
        Mono clips.
    sr : int
        Their sampling rate (Hz); 48 kHz is BirdNET's own.
    top_k : int
        Classes kept per clip.
    num_threads : int
        Interpreter threads.

    Returns
    -------
    dict
        ``embeddings`` (float32, (n, 1024)), ``top_classes`` (int, (n, top_k), indices into
        :func:`course_lib.models.birdnet.labels`, most confident first) and ``top_scores`` (float32, (n, top_k)).

    Notebook: (tooling, ``python -m course_lib.experiments transfer_esc10``, the cache chapter 04 reads)
    """
    top_k = _checks.positive_int(top_k, "top_k", what="classes")
    if len(clips) == 0:
        raise ValueError("clips is empty")
    per_clip = [birdnet.windows(y, sr) for y in clips]
    logits, e = birdnet.run(np.concatenate(per_clip), num_threads=num_threads)
    ends = np.cumsum([len(w) for w in per_clip])[:-1]
    embeddings = np.stack([part.mean(axis=0) for part in np.split(e, ends)]).astype(np.float32)
    scores = np.stack([part.max(axis=0) for part in np.split(birdnet.scores(logits), ends)])
    top = np.argsort(-scores, axis=1, kind="stable")[:, :top_k]
    return {"embeddings": embeddings, "top_classes": top,
            "top_scores": np.take_along_axis(scores, top, axis=1).astype(np.float32)}


def vggish_fold(examples, labels, folds, test_fold, *, settings=None):
    """The small VGGish trained without ``test_fold``, and its embedding of every clip.

    The network is :func:`course_lib.experiments.vggish_esc10.esc10_fold`'s (trained on the other folds'
    clips, standardised with their statistics, seed ``settings["seed"]``). Every clip, the training ones
    included, is then described by the network's 32-d embedding layer, averaged over the clip's examples
    (:func:`course_lib.models.vggish.clip_embeddings`, with the same standardisation).

    Parameters
    ----------
    examples : ndarray, shape (n_clips, n_examples, 96, 64)
        :func:`course_lib.models.vggish.clip_examples` of every clip (raw).
    labels, folds : 1-D array_like of int
        Class and fold of each clip.
    test_fold : int
        The fold the network never sees.
    settings : dict, optional
        Overrides of :data:`SETTINGS` (the network's and its training).

    Returns
    -------
    (record, embeddings) : (dict, ndarray of float32, shape (n_clips, embedding_size))
        ``record``: ``fold``, ``seed``, ``accuracy`` and ``y_pred`` of the network's own softmax on the
        test fold, ``train_clips`` (the indices of the clips it trained on), ``mean`` and ``std`` (its
        input standardisation).

    Notebook: (tooling, ``python -m course_lib.experiments transfer_esc10``, the cache chapter 04 reads)
    """
    s = {**SETTINGS, **(settings or {})}
    examples = np.asarray(examples, dtype=np.float32)
    train, _ = training.fold_split(folds, test_fold)
    fold_record, model = vggish_esc10.esc10_fold(examples, labels, folds, test_fold, rng=s["seed"],
                                                 settings={k: s[k] for k in _NETWORK if k != "seed"})
    x_train = examples[train]                              # as training.standardize computes them
    mean, std = float(x_train.mean()), float(x_train.std()) or 1.0
    embeddings = vggish.clip_embeddings(model, examples, mean=mean, std=std).astype(np.float32)
    record = {k: fold_record[k] for k in ("fold", "seed", "accuracy", "y_pred")}
    return {**record, "train_clips": train.tolist(), "mean": mean, "std": std}, embeddings


def logistic_regression_fold(features, labels, folds, test_fold, *, C=0.1) -> tuple[float, np.ndarray]:
    """Chapter 00's classifier (standardise, L2 logistic regression) trained on the other folds, tested on one.

    The same model as :func:`course_lib.models.training.logistic_regression_folds`, one fold at a time, so
    that each fold may have features of its own (the small VGGish's embeddings of network *k*).

    Parameters
    ----------
    features : ndarray, shape (n, d)
    labels, folds : 1-D array_like of int
    test_fold : int
    C : float
        Inverse L2 strength.

    Returns
    -------
    (accuracy, y_pred) : (float, ndarray of int)
        On the test fold's clips, in clip order.

    Notebook: 04_audioset_vggish
    """
    x, y = np.asarray(features, dtype=np.float64), np.asarray(labels)
    if x.ndim != 2 or len(x) != len(y) or len(y) != len(np.asarray(folds)):
        raise ValueError(f"features (n, d), labels and folds must describe the same clips, got shapes {x.shape}, "
                         f"{y.shape}, {np.shape(folds)}")
    train, test = training.fold_split(folds, test_fold)
    y_pred = training.logistic_regression(C).fit(x[train], y[train]).predict(x[test])
    return float(np.mean(y_pred == y[test])), y_pred


def few_label_runs(features, labels, folds, *, ks=(1, 2, 4, 8, 16), seeds=range(10), test_folds=None,
                   C=0.1) -> list[dict]:
    """Few labels: the bar's classifier trained on k clips per class of the training folds, tested on the held-out fold.

    For each test fold and seed the training folds' clips of every class are shuffled once
    (``numpy.random.default_rng([seed, fold])``, as :func:`course_lib.experiments.vggish_esc10.few_shot_runs`)
    and the first k of each class are the labelled ones: the sets are nested in k, and two feature sets
    given the same labels, folds and seeds are trained on the same clips, a paired comparison. The test
    fold is never drawn from.

    Parameters
    ----------
    features : ndarray, shape (n_clips, n_features)
    labels, folds : 1-D array_like of int
    ks : sequence of int
        Labelled clips per class.
    seeds : sequence of int
        One draw of labelled clips per seed.
    test_folds : sequence of int, optional
        Default: every fold.
    C : float
        Inverse L2 strength (the bar's 0.1).

    Returns
    -------
    list of dict
        One per (fold, seed, k): ``fold``, ``seed``, ``k``, ``accuracy`` (test fold), ``picked`` (the
        labelled clips' indices).

    Raises
    ------
    ValueError
        Lengths that differ, or a k larger than a class's training clips.

    Notebook: 04_audioset_vggish
    """
    x, y, folds = np.asarray(features, dtype=np.float64), np.asarray(labels), np.asarray(folds)
    if x.ndim != 2 or not (len(x) == len(y) == len(folds)):
        raise ValueError(f"features (n, d), labels and folds must describe the same clips, got shapes {x.shape}, "
                         f"{y.shape}, {folds.shape}")
    ks = [_checks.positive_int(k, "ks", what="clips per class") for k in ks]
    training.logistic_regression(C)   # checks C before any fold is fitted
    records = []
    for fold in (sorted(set(folds.tolist())) if test_folds is None else list(test_folds)):
        train, test = training.fold_split(folds, fold)
        for seed in seeds:
            gen = np.random.default_rng([int(seed), int(fold)])
            order = {c: gen.permutation(train[y[train] == c]) for c in sorted(set(y[train].tolist()))}
            for k in ks:
                if k > min(len(v) for v in order.values()):
                    raise ValueError(f"ks must be at most {min(len(v) for v in order.values())} clips per class, got {k}")
                picked = np.sort(np.concatenate([order[c][:k] for c in order]))
                model = training.logistic_regression(C).fit(x[picked], y[picked])
                records.append(dict(fold=int(fold), seed=int(seed), k=int(k),
                                    accuracy=float(model.score(x[test], y[test])), picked=picked.tolist()))
    return records


def nearest_neighbours(features, folds, test_fold, *, k=1) -> np.ndarray:
    """The ``k`` nearest training-fold clips of every test-fold clip, by cosine similarity.

    Features are standardised with the training folds' mean and standard deviation per dimension (as the
    classifier's), then compared by the cosine of the angle between them.

    Parameters
    ----------
    features : ndarray, shape (n, d)
    folds : 1-D array_like of int
    test_fold : int
    k : int
        Neighbours per clip.

    Returns
    -------
    ndarray of int, shape (n_test, k)
        Indices (into ``features``) of each test clip's neighbours, nearest first.

    Notebook: 04_audioset_vggish
    """
    x = np.asarray(features, dtype=np.float64)
    k = _checks.positive_int(k, "k", what="neighbours")
    train, test = training.fold_split(folds, test_fold)
    mean, std = x[train].mean(axis=0), x[train].std(axis=0)
    z = (x - mean) / np.where(std > 0, std, 1.0)
    z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    similarity = z[test] @ z[train].T
    return train[np.argsort(-similarity, axis=1, kind="stable")[:, :k]]


def run(settings, out_dir, progress) -> dict:
    """Embed every clip with BirdNET and with the five fold networks; score the three systems and the few-label grid.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (or the quick ones).
    out_dir : Path
        Where the two ``.npz`` files (``FILES[1:]``) are written.
    progress : bool
        Print one line per step.

    Returns
    -------
    dict
        ``licence``, ``class_names``, ``clips`` (the ESC-10 clips used, indices of
        :func:`course_lib.datasets.corpora.load_esc10`), ``labels``, ``folds``, ``birdnet_seconds``,
        ``vggish`` (:func:`vggish_fold`'s records), ``systems`` (per system: ``accuracy`` and ``y_pred`` per test
        fold) and ``few_labels`` (per system: :func:`few_label_runs`' records).

    Notebook: (tooling, ``python -m course_lib.experiments transfer_esc10``)
    """
    from threadpoolctl import threadpool_limits

    from sklearn.linear_model import LogisticRegression  # noqa: F401  (loaded before the thread limit applies)

    def say(text):
        if progress:
            print(text, flush=True)

    clips48, labels, folds, class_names = corpora.load_esc10(sr=birdnet.SR)
    keep = subset(labels, folds, settings["clips_per_fold"])
    labels, folds = np.asarray(labels)[keep], np.asarray(folds)[keep]
    t0 = time.perf_counter()
    bn = birdnet_outputs([clips48[i] for i in keep], birdnet.SR, top_k=settings["top_k"],
                         num_threads=settings["birdnet_threads"])
    birdnet_seconds = time.perf_counter() - t0
    del clips48
    np.savez_compressed(out_dir / FILES[1], licence=np.array(LICENCE), clips=keep, **bn)
    say(f"BirdNET: {len(keep)} clips embedded ({birdnet_seconds:.0f} s)")

    clips16, *_ = corpora.load_esc10(sr=vggish.SAMPLE_RATE)
    clips16 = [clips16[i] for i in keep]
    examples = vggish.clip_examples(clips16, vggish.SAMPLE_RATE)
    log_mel = training.log_mel_statistics(clips16, vggish.SAMPLE_RATE)
    records, fold_embeddings = [], []
    for fold in settings["test_folds"]:
        t0 = time.perf_counter()
        record, emb = vggish_fold(examples, labels, folds, fold, settings=settings)
        records.append(record)
        fold_embeddings.append(emb)
        say(f"small VGGish without fold {fold}: its own accuracy {record['accuracy']:.3f} ({time.perf_counter() - t0:.0f} s)")
    np.savez_compressed(out_dir / FILES[2], clips=keep, test_folds=np.array(settings["test_folds"]),
                        embeddings=np.stack(fold_embeddings))

    features = {"log-mel statistics": lambda i: log_mel, "small VGGish": lambda i: fold_embeddings[i],
                "BirdNET": lambda i: bn["embeddings"]}
    systems, few = {}, {}
    with threadpool_limits(1):          # small problems: one BLAS thread is much faster
        for name in SYSTEMS:
            scored = [logistic_regression_fold(features[name](i), labels, folds, fold, C=settings["C"])
                      for i, fold in enumerate(settings["test_folds"])]
            systems[name] = {"accuracy": [a for a, _ in scored], "y_pred": [p.tolist() for _, p in scored]}
            say(f"{name}: accuracy per fold {np.round(systems[name]['accuracy'], 3).tolist()}")
        for name in ("log-mel statistics", "BirdNET"):
            runs = few_label_runs(features[name](0), labels, folds, ks=settings["ks"], seeds=settings["seeds"],
                                  test_folds=settings["test_folds"], C=settings["C"])
            few[name] = [{k: v for k, v in r.items() if k != "picked"} for r in runs]   # the seeds give the draws
            say(f"{name}: {len(few[name])} few-label runs")
    return {"licence": LICENCE, "class_names": list(class_names), "clips": keep.tolist(), "labels": labels.tolist(),
            "folds": folds.tolist(), "birdnet_seconds": birdnet_seconds, "vggish": records, "systems": systems,
            "few_labels": few}
