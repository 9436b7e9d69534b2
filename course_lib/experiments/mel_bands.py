"""Chapter 03's study "how many mel bands?": a small CNN on ESC-10's log-mel spectrograms.

For each number of mel bands in ``SETTINGS["n_mels"]`` the same small convolutional network
(:func:`course_lib.models.training.small_cnn`) is trained on ESC-10's log-mel spectrograms
(:func:`features`) and tested on each of the 5 official folds in turn, with 3 seeds per fold
(:func:`run_setting`). Two baselines are scored on the same folds: the majority class of the
training folds (:func:`majority_baseline`), and a logistic regression on each clip's MFCC means
and standard deviations (:func:`mfcc_baseline`). :func:`run` does it all; ``python -m
course_lib.experiments mel_bands`` saves the results in ``data/mel_filters_esc10.json``. Chapter
``03_mel_perception`` reads them (:func:`course_lib.experiments.load`), compares the settings with
each other and with chapter 00's logistic regression (paired over the folds, each fold's seeds
averaged), and re-runs the first 3 epochs of one run (32 bands, fold 1, seed 0) live, checking its
training loss against the cached history (:func:`course_lib.experiments.live.close_values`).

The features are the talk's (22050 Hz, n_fft 2048, fmax 4000 Hz, Slaney mel) except the hop: 1024
samples (46 ms, half a frame: 108 frames per 5 s clip instead of 216) instead of 512, which halves
the cost of a run while the Hann windows still add up to a constant. The network has filters
(16, 32, 64) (about 24 k parameters); Adam's step size decays from 3e-3 to 0 along a cosine over
the 32 epochs (:func:`learning_rate`), so that each run ends at a settled point. Every run also
records its accuracy on its own training clips with dropout off (``train_accuracy``), to show
whether the network fits them. 75 runs (5 settings x 5 folds x 3 seeds): about an hour on 2 CPU
cores.

Layer 5: imports :mod:`course_lib.datasets.corpora` and :mod:`course_lib.models.training`.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..datasets import corpora
from ..models import training

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "features", "run_setting", "mfcc_baseline",
           "majority_baseline", "learning_rate", "run"]

#: Features (sr in Hz, duration in s, n_fft, hop_length in samples, fmin, fmax in Hz), network
#: (filters per block, dropout rate), training (epochs, batch_size in clips, Adam's initial
#: learning_rate, its ``schedule``: "cosine" decays it to 0 over the epochs, None keeps it), the
#: seeds per fold and the settings compared (the notebook's live re-run uses the same).
#: ``test_folds`` are the folds held out in turn; ``clips_per_class`` keeps the first clips of
#: every class in every fold (None: all of them; the quick run keeps one).
SETTINGS = dict(sr=22050, duration=5.0, n_fft=2048, hop_length=1024, fmin=0.0, fmax=4000.0,
                filters=(16, 32, 64), dropout=0.3, epochs=32, batch_size=16, learning_rate=3e-3,
                schedule="cosine", seeds=(0, 1, 2), n_mels=(8, 16, 32, 64, 128), test_folds=(1, 2, 3, 4, 5),
                clips_per_class=None)

#: The quick run: one setting, one fold, one epoch, one clip per class in each fold (all 3 seeds).
QUICK = dict(n_mels=(8,), epochs=1, test_folds=(1,), clips_per_class=1)

#: The results (in ``data/``).
FILES = ("mel_filters_esc10.json",)

#: The recordings it reads.
DATA = ("esc10",)

CHAPTER = "03_mel_perception"
TITLE = "how many mel bands? a small CNN on ESC-10's 5 folds, with two baselines"


def features(clips, n_mels, *, settings=None) -> np.ndarray:
    """Log-mel "images" of the clips with the study's settings and ``n_mels`` bands.

    Parameters
    ----------
    clips : sequence of 1-D arrays
        Equal-length mono clips at ``settings["sr"]``.
    n_mels : int
        Mel bands.
    settings : dict, optional
        Overrides of :data:`SETTINGS`.

    Returns
    -------
    ndarray of float32, shape (n, frames, n_mels, 1)
        From :func:`course_lib.models.training.log_mel_batch` (dB, time first).

    Notebook: 03_mel_perception
    """
    s = {**SETTINGS, **(settings or {})}
    n_mels = _checks.positive_int(n_mels, "n_mels", what="bands")
    return training.log_mel_batch(clips, s["sr"], n_fft=s["n_fft"], hop_length=s["hop_length"], n_mels=n_mels,
                                  fmin=s["fmin"], fmax=s["fmax"])


def run_setting(x, labels, folds, *, n_mels=None, test_folds=None, settings=None, progress=False) -> list[dict]:
    """Train and test the small CNN on the given features, fold by fold and seed by seed.

    :func:`course_lib.models.training.cross_validate` with the study's settings: for each test fold, split by
    fold (:func:`course_lib.models.training.fold_split`), standardise
    with the training folds' statistics (:func:`course_lib.models.training.standardize`); for each
    seed: build the network after seeding and train it (:func:`course_lib.models.training.fit`,
    step size from :func:`learning_rate`), then predict the test fold and, with dropout off, the
    training folds.

    Parameters
    ----------
    x : ndarray, shape (n, frames, bands, 1)
        Features of every clip (:func:`features`).
    labels, folds : 1-D ndarray of int
        Class and fold of every clip.
    n_mels : int, optional
        Recorded in each run (default: ``x.shape[2]``).
    test_folds : sequence of int, optional
        Folds to hold out (default: all of them).
    settings : dict, optional
        Overrides of :data:`SETTINGS` (``seeds``, ``epochs``, ``batch_size``, ``learning_rate``,
        ``schedule``, ``filters``, ``dropout``).
    progress : bool
        Print one line per run.

    Returns
    -------
    list of dict
        One record per (test fold, seed), folds then seeds in order: ``model="cnn"``, ``n_mels``,
        ``fold``, ``seed``, ``accuracy`` (test, in [0, 1]), ``train_accuracy`` (on the training
        folds after the last epoch, dropout off), ``y_true``, ``y_pred`` (lists of int) and
        ``history`` (per epoch, from :func:`course_lib.models.training.fit`: ``loss`` and
        ``accuracy`` on the training folds as Keras reports them while training, dropout on;
        ``test_loss`` and ``test_accuracy``).

    Notebook: (tooling, ``python -m course_lib.experiments mel_bands`` runs it for every setting; chapter
    03 repeats its steps for the first epochs of one run)
    """
    s = {**SETTINGS, **(settings or {})}
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must have shape (clips, frames, bands, 1), got {x.shape}")
    n_mels = int(x.shape[2]) if n_mels is None else n_mels
    n_classes = int(np.max(labels)) + 1
    labels, folds = np.asarray(labels), np.asarray(folds)

    def build():
        return training.small_cnn(x.shape[1:], n_classes, filters=s["filters"], dropout=s["dropout"])

    runs = training.cross_validate(build, x, labels, folds, test_folds=_test_folds(folds, test_folds), seeds=s["seeds"],
                                   epochs=s["epochs"], batch_size=s["batch_size"],
                                   learning_rate=lambda n_train: learning_rate(n_train, settings=s), progress=progress)
    return [dict(model="cnn", n_mels=int(n_mels), **r) for r in runs]


def learning_rate(n_train, *, settings=None):
    """Adam's step size: constant, or a cosine decay from ``learning_rate`` to zero over the whole training.

    Parameters
    ----------
    n_train : int
        Training examples (with ``batch_size``, the steps per epoch).
    settings : dict, optional
        Overrides of :data:`SETTINGS` (``learning_rate``, ``schedule``, ``epochs``, ``batch_size``).

    Returns
    -------
    float or keras.optimizers.schedules.CosineDecay
        ``schedule=None``: the number; ``"cosine"``: a schedule over ``epochs · ceil(n_train /
        batch_size)`` steps that ends at 0.

    Notebook: 03_mel_perception
    """
    s = {**SETTINGS, **(settings or {})}
    if s["schedule"] is None:
        return s["learning_rate"]
    if s["schedule"] != "cosine":
        raise ValueError(f"schedule must be None or 'cosine', got {s['schedule']!r}")
    import keras

    steps = int(s["epochs"]) * -(-int(n_train) // int(s["batch_size"]))
    return keras.optimizers.schedules.CosineDecay(float(s["learning_rate"]), decay_steps=steps, alpha=0.0)


def _test_folds(folds, test_folds):
    every = sorted(set(np.asarray(folds).tolist()))
    return every if test_folds is None else [f for f in every if f in set(test_folds)]


def mfcc_baseline(clips, sr=None, *, labels, folds, n_mfcc=13, test_folds=None) -> list[dict]:
    """Logistic regression on each clip's MFCC means and standard deviations over time, per fold.

    Parameters
    ----------
    clips : sequence of 1-D arrays
        Equal-length mono clips.
    sr : int, optional
        Sample rate (Hz), default ``SETTINGS["sr"]``.
    labels, folds : 1-D ndarray of int
        Class and fold of every clip.
    n_mfcc : int
        MFCCs per frame (librosa's defaults otherwise: 128 Slaney bands up to sr/2, n_fft 2048, hop 512).
    test_folds : sequence of int, optional
        Folds to hold out (default: all of them).

    Returns
    -------
    list of dict
        One record per fold: ``model="mfcc_logreg"``, ``fold``, ``accuracy``, ``y_true``, ``y_pred``.

    Notebook: (tooling, ``python -m course_lib.experiments mel_bands`` scores it)
    """
    import librosa

    sr = SETTINGS["sr"] if sr is None else _checks.sample_rate(sr)
    n_mfcc = _checks.positive_int(n_mfcc, "n_mfcc", what="coefficients")
    labels, folds = np.asarray(labels), np.asarray(folds)
    m = librosa.feature.mfcc(y=np.asarray(clips, dtype=np.float32), sr=sr, n_mfcc=n_mfcc)   # (clips, n_mfcc, frames)
    feats = np.concatenate([m.mean(axis=2), m.std(axis=2)], axis=1)
    records = []
    for fold in _test_folds(folds, test_folds):
        train, test = training.fold_split(folds, fold)
        model = training.logistic_regression(C=1.0, max_iter=5000)
        model.fit(feats[train], labels[train])
        y_pred = model.predict(feats[test])
        records.append(dict(model="mfcc_logreg", fold=int(fold), accuracy=float(np.mean(y_pred == labels[test])),
                            y_true=labels[test].tolist(), y_pred=y_pred.tolist()))
    return records


def majority_baseline(labels, folds, *, test_folds=None) -> list[dict]:
    """Predict the most frequent class of the training folds, per fold.

    Parameters
    ----------
    labels, folds : 1-D array_like of int
        Class and fold of every clip.
    test_folds : sequence of int, optional
        Folds to hold out (default: all of them).

    Returns
    -------
    list of dict
        One record per fold: ``model="majority"``, ``fold``, ``accuracy``, ``y_true``, ``y_pred``.

    Notebook: (tooling, ``python -m course_lib.experiments mel_bands`` scores it)
    """
    labels, folds = np.asarray(labels), np.asarray(folds)
    records = []
    for fold in _test_folds(folds, test_folds):
        train, test = training.fold_split(folds, fold)
        guess = int(np.bincount(labels[train]).argmax())
        y_pred = np.full(len(test), guess)
        records.append(dict(model="majority", fold=int(fold), accuracy=float(np.mean(y_pred == labels[test])),
                            y_true=labels[test].tolist(), y_pred=y_pred.tolist()))
    return records


def _subset(clips, labels, folds, per_class):
    """The first ``per_class`` clips of every class in every fold (all of them when None)."""
    if per_class is None:
        return clips, labels, folds
    keep = np.concatenate([np.flatnonzero((folds == f) & (labels == c))[: int(per_class)]
                           for f in sorted(set(folds.tolist())) for c in sorted(set(labels.tolist()))])
    keep.sort()
    return [clips[i] for i in keep], labels[keep], folds[keep]


def run(settings, out_dir, progress) -> dict:
    """The whole study: the two baselines, then every ``n_mels`` × test fold × seed of the CNN (75 runs).

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (with :data:`QUICK` for a quick run).
    out_dir : Path
        Unused (the study writes no weights).
    progress : bool
        Print one line per run.

    Returns
    -------
    dict
        ``n_mels`` (the settings done), ``class_names``, ``features`` and ``model`` (the functions
        used) and ``runs``: majority and MFCC records (one per fold), then the CNN's (one per
        setting, fold and seed: :func:`run_setting`).

    Notebook: (tooling, ``python -m course_lib.experiments mel_bands``)
    """
    s = settings
    clips, labels, folds, class_names = corpora.load_esc10(sr=s["sr"], duration=s["duration"])
    clips, labels, folds = _subset(clips, np.asarray(labels), np.asarray(folds), s["clips_per_class"])
    test_folds = s["test_folds"]
    records = majority_baseline(labels, folds, test_folds=test_folds) \
        + mfcc_baseline(clips, s["sr"], labels=labels, folds=folds, test_folds=test_folds)
    done = []
    for n in s["n_mels"]:
        x = features(clips, n, settings=s)
        if progress:
            print(f"n_mels={n}: features {x.shape}", flush=True)
        records += run_setting(x, labels, folds, n_mels=n, test_folds=_test_folds(folds, test_folds), settings=s,
                               progress=progress)
        done.append(int(n))
    return dict(n_mels=done, class_names=list(class_names), features="course_lib.training.log_mel_batch",
                model="course_lib.training.small_cnn", runs=records)
