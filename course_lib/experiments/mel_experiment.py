"""Chapter 03's experiment "how many mel filters?": a small CNN on ESC-10's log-mel spectrograms.

For each number of mel bands in :data:`N_MELS` the same small convolutional network
(:func:`course_lib.training.small_cnn`) is trained on ESC-10's log-mel spectrograms
(:func:`course_lib.training.log_mel_batch`) and tested on each of the 5 official folds in turn
(:func:`course_lib.training.cross_validate`). Two baselines are scored on the same folds: the
majority class of the training folds, and a logistic regression on each clip's MFCC means and
standard deviations (:func:`mfcc_baseline`). Everything is saved by
:func:`course_lib.training.save_results` to ``data/mel_filters_esc10.json``; chapter
``03_mel_perception`` reads it, re-runs one fold of one setting live (:func:`run_setting`) and
asserts that both agree.

The features are the talk's (22050 Hz, n_fft 2048, fmax 4000 Hz, Slaney mel) except the hop:
2048 samples (93 ms, one frame: 54 frames per 5 s clip instead of 216) instead of 512, so that
one fold trains in seconds; the network has filters (8, 16, 32). Remake the cache with
``python -m course_lib.mel_experiment``.

Layer 4: imports :mod:`course_lib.corpora`, :mod:`course_lib.training` and :mod:`course_lib.stats`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .. import _checks
from ..datasets import corpora
from ..models import training

__all__ = ["SETTINGS", "N_MELS", "RESULTS_FILE", "features", "mfcc_baseline", "majority_baseline", "run_setting",
           "library_versions", "run", "main"]

#: The number of mel bands compared.
N_MELS = (8, 16, 32, 64, 128)

#: Features, network and training of every run (the notebook's live fold uses the same).
SETTINGS = dict(sr=22050, duration=5.0, n_fft=2048, hop_length=2048, fmin=0.0, fmax=4000.0,
                filters=(8, 16, 32), dropout=0.3, epochs=30, batch_size=16, learning_rate=3e-3, seeds=(0,))

#: The cache in ``data/``.
RESULTS_FILE = "mel_filters_esc10.json"


def features(clips, n_mels, settings=None) -> np.ndarray:
    """Log-mel "images" of the clips with the experiment's settings and ``n_mels`` bands.

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
        From :func:`course_lib.training.log_mel_batch` (dB, time first).

    Notebook: 03_mel_perception
    """
    s = {**SETTINGS, **(settings or {})}
    n_mels = _checks.positive_int(n_mels, "n_mels", what="bands")
    return training.log_mel_batch(clips, s["sr"], n_fft=s["n_fft"], hop_length=s["hop_length"], n_mels=n_mels,
                                  fmin=s["fmin"], fmax=s["fmax"])


def run_setting(x, labels, folds, n_mels=None, test_folds=None, settings=None, progress=False) -> list[dict]:
    """Train and test the small CNN on the given features, fold by fold.

    Parameters
    ----------
    x : ndarray, shape (n, frames, bands, 1)
        Features of every clip (:func:`features`).
    labels, folds : 1-D ndarray of int
        Class and fold of every clip.
    n_mels : int, optional
        Recorded in each run (default: ``x.shape[2]``).
    test_folds : sequence of int, optional
        Folds to hold out (default: all 5).
    settings : dict, optional
        Overrides of :data:`SETTINGS`.
    progress : bool
        Print one line per fold.

    Returns
    -------
    list of dict
        :func:`course_lib.training.cross_validate`'s records, each with ``model="cnn"`` and
        ``n_mels`` added.

    Notebook: (tooling, ``python -m course_lib.mel_experiment`` remakes the cache with it)
    """
    s = {**SETTINGS, **(settings or {})}
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must have shape (clips, frames, bands, 1), got {x.shape}")
    n_mels = int(x.shape[2]) if n_mels is None else n_mels
    n_classes = int(np.max(labels)) + 1

    def build():
        return training.small_cnn(x.shape[1:], n_classes, filters=s["filters"], dropout=s["dropout"])

    runs = training.cross_validate(build, x, labels, folds, test_folds=test_folds, seeds=s["seeds"],
                                   epochs=s["epochs"], batch_size=s["batch_size"],
                                   learning_rate=s["learning_rate"], progress=progress)
    return [dict(model="cnn", n_mels=int(n_mels), **r) for r in runs]


def mfcc_baseline(clips, labels, folds, sr=None, n_mfcc=13) -> list[dict]:
    """Logistic regression on each clip's MFCC means and standard deviations over time, per fold.

    Parameters
    ----------
    clips : sequence of 1-D arrays
        Mono clips.
    labels, folds : 1-D ndarray of int
        Class and fold of every clip.
    sr : int, optional
        Sample rate (Hz), default ``SETTINGS["sr"]``.
    n_mfcc : int
        MFCCs per frame (librosa's defaults otherwise: 128 Slaney bands up to sr/2, n_fft 2048, hop 512).

    Returns
    -------
    list of dict
        One record per fold: ``model="mfcc_logreg"``, ``fold``, ``accuracy``, ``y_true``, ``y_pred``.

    Notebook: (tooling, ``python -m course_lib.mel_experiment`` remakes the cache with it)
    """
    import librosa
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    sr = SETTINGS["sr"] if sr is None else _checks.sample_rate(sr)
    n_mfcc = _checks.positive_int(n_mfcc, "n_mfcc", what="coefficients")
    labels, folds = np.asarray(labels), np.asarray(folds)
    m = librosa.feature.mfcc(y=np.asarray(clips, dtype=np.float32), sr=sr, n_mfcc=n_mfcc)   # (clips, n_mfcc, frames)
    feats = np.concatenate([m.mean(axis=2), m.std(axis=2)], axis=1)
    records = []
    for fold in sorted(set(folds.tolist())):
        train, test = training.fold_split(folds, fold)
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000, C=1.0))
        model.fit(feats[train], labels[train])
        y_pred = model.predict(feats[test])
        records.append(dict(model="mfcc_logreg", fold=int(fold), accuracy=float(np.mean(y_pred == labels[test])),
                            y_true=labels[test].tolist(), y_pred=y_pred.tolist()))
    return records


def majority_baseline(labels, folds) -> list[dict]:
    """Predict the most frequent class of the training folds, per fold.

    Parameters
    ----------
    labels, folds : 1-D array_like of int
        Class and fold of every clip.

    Returns
    -------
    list of dict
        One record per fold: ``model="majority"``, ``fold``, ``accuracy``, ``y_true``, ``y_pred``.

    Notebook: (tooling, ``python -m course_lib.mel_experiment`` remakes the cache with it)
    """
    labels, folds = np.asarray(labels), np.asarray(folds)
    records = []
    for fold in sorted(set(folds.tolist())):
        train, test = training.fold_split(folds, fold)
        guess = int(np.bincount(labels[train]).argmax())
        y_pred = np.full(len(test), guess)
        records.append(dict(model="majority", fold=int(fold), accuracy=float(np.mean(y_pred == labels[test])),
                            y_true=labels[test].tolist(), y_pred=y_pred.tolist()))
    return records


def library_versions() -> dict:
    """Versions of the libraries that decide the experiment's numbers (the cache records them).

    Returns
    -------
    dict
        ``{"numpy": ..., "librosa": ..., "keras": ..., "tensorflow": ..., "sklearn": ...}``.

    Notebook: 03_mel_perception
    """
    import keras
    import librosa
    import sklearn
    import tensorflow as tf

    return dict(numpy=np.__version__, librosa=librosa.__version__, keras=keras.__version__,
                tensorflow=tf.__version__, sklearn=sklearn.__version__)


def run(out=None, n_mels=N_MELS, progress=True) -> Path:
    """Run the whole experiment and save it: every ``n_mels`` × 5 folds, and the two baselines.

    Parameters
    ----------
    out : str or Path, optional
        The JSON file (default ``data/mel_filters_esc10.json`` of the checkout).
    n_mels : sequence of int
        The settings compared.
    progress : bool
        Print one line per run.

    Returns
    -------
    Path
        The file written.

    Notebook: (tooling, ``python -m course_lib.mel_experiment`` remakes the cache)
    """
    from ..datasets import assets

    out = Path(out) if out is not None else assets.data_dir() / RESULTS_FILE
    s = SETTINGS
    clips, labels, folds, class_names = corpora.load_esc10(sr=s["sr"], duration=s["duration"])
    t0 = time.perf_counter()
    records = majority_baseline(labels, folds) + mfcc_baseline(clips, labels, folds, sr=s["sr"])
    done = []
    for n in n_mels:
        x = features(clips, n)
        if progress:
            print(f"n_mels={n}: features {x.shape}", flush=True)
        records += run_setting(x, labels, folds, n_mels=n, progress=progress)
        done.append(int(n))
        # saved after every setting, so that an interrupted run keeps what it finished
        config = dict(SETTINGS, n_mels=done, class_names=class_names, versions=library_versions(),
                      features="course_lib.training.log_mel_batch", model="course_lib.training.small_cnn",
                      seconds=round(time.perf_counter() - t0))
        training.save_results(out, records, config)
    return out


def main(argv=None) -> int:
    """``python -m course_lib.mel_experiment [--out FILE] [--n-mels 8 16 ...]``.

    Notebook: (tooling, the command line)
    """
    parser = argparse.ArgumentParser(prog="python -m course_lib.mel_experiment", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=None, help="JSON file (default data/mel_filters_esc10.json)")
    parser.add_argument("--n-mels", type=int, nargs="+", default=list(N_MELS), help="numbers of mel bands")
    args = parser.parse_args(argv)
    print(run(args.out, n_mels=tuple(args.n_mels)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
