"""Chapter 09's detection study: a CRNN against a sliding-window classifier on real-sound soundscapes.

Training and test soundscapes (:func:`build_sets`, :func:`course_lib.datasets.soundscapes.make_set`:
ESC-10 events of folds 1-3 over four real backgrounds in three measured rooms for training, fold 5
over five other backgrounds in the seminar room for testing) give log-mel features and frame
targets. Fold 4, two more backgrounds and the fourth room are the validation split, left out of
training so that the chapter's choices (the median filter of exercise 2) are made on held-out sound. For every seed of ``SETTINGS["seeds"]`` the study trains the CRNN
(:func:`fit_crnn`, :func:`course_lib.models.seld.crnn`) and the baseline, a 1 s window classifier
slid over the soundscape (:func:`fit_baseline`, :func:`course_lib.models.seld.window_cnn`: the
CRNN's convolution blocks without the GRU, one sigmoid per class), saves both weights, and
scores both on the test soundscapes with the three numbers DCASE reports
(:func:`course_lib.evaluation.detection.evaluate`: event F1, segment F1, PSDS1).

The two get the same training budget: Adam at the same learning rate, binary cross-entropy, the
same epochs over the same 200 soundscapes, and the same number of steps (one step: the 8
soundscapes of a CRNN batch, or for the baseline as many windows as 8 soundscapes hold, 288).
What still differs is what the comparison is about: the CRNN's GRU (18,816 more parameters)
reads the whole 10 s and outputs every 64 ms frame; the baseline sees 1 s at a time, learns from
window targets (a class covering a quarter of the window) and its scores are window scores spread
back over the frames.
``python -m course_lib.experiments detection`` writes ``data/seld_results.json`` and
``data/seld_{crnn,baseline}_seed{0,1,2}.weights.h5``; chapter ``09_detection_localization`` reads
them (:func:`course_lib.experiments.load`, :func:`load_models`), re-trains one epoch of seed 0 of
each model live and re-scores every cached model, and asserts that both agree with the cache.

Layer 5: imports :mod:`course_lib.datasets.soundscapes`, :mod:`course_lib.models.seld`,
:mod:`course_lib.models.training` and :mod:`course_lib.evaluation.detection`.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..datasets import soundscapes
from ..evaluation import detection as scores
from ..models import seld, training
from . import study

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "build_sets", "fit_crnn", "fit_baseline",
           "load_models", "run"]

#: The soundscapes (how many, how long, the seed of the sets), the training of both models (epochs,
#: soundscapes per step and Adam's learning rate: the same for both) and the scoring (threshold,
#: median filter, collar, segment length), for every seed of ``seeds``.
SETTINGS = dict(n_train=200, n_test=60, duration=10.0, set_seed=0, seeds=(0, 1, 2), epochs=25, batch_size=8,
                learning_rate=3e-3, threshold=0.5, median_frames=7, collar=0.2, segment_length=1.0)

#: The quick run: a few soundscapes, one seed, one epoch of each model.
QUICK = dict(n_train=6, n_test=4, seeds=(0,), epochs=1)

#: The results, then the weights of both models for every seed (in ``data/``).
FILES = ("seld_results.json",) + tuple(f"seld_{kind}_seed{s}.weights.h5" for kind in ("crnn", "baseline")
                                       for s in SETTINGS["seeds"])

#: The recordings it reads: ESC-10's events, the backgrounds, the measured rooms.
DATA = ("esc10", "blanket", "openair", "clap")

CHAPTER = "09_detection_localization"
TITLE = "sound event detection: a CRNN vs a sliding-window classifier on real-sound soundscapes"


def _weights(kind, seed) -> str:
    return f"seld_{kind}_seed{seed}.weights.h5"


def build_sets(settings=None) -> dict:
    """The study's data: training and test soundscapes, features and targets.

    Training soundscapes come from ``make_set("train")`` (ESC-10 folds 1-3), test ones from
    ``make_set("test")`` (fold 5); the validation split (fold 4) is not used here.

    Parameters
    ----------
    settings : dict, optional
        Overrides of :data:`SETTINGS` (``n_train``, ``n_test``, ``duration``, ``set_seed``).

    Returns
    -------
    dict
        ``train``, ``test`` (lists of :class:`course_lib.datasets.soundscapes.Soundscape`),
        ``x_train``, ``x_test`` (standardised log-mel, (n, frames, 64, 1)), ``y_train``,
        ``y_test`` (frame targets), ``classes``, and ``mean`` and ``std`` (dB) of the training
        features, to standardise more clips the same way: ``(seld.log_mel(clips) - mean) / std``.

    Notebook: 09_detection_localization
    """
    s = {**SETTINGS, **(settings or {})}
    train_set = soundscapes.make_set("train", s["n_train"], sr=seld.SR, duration=s["duration"], rng=s["set_seed"])
    test_set = soundscapes.make_set("test", s["n_test"], sr=seld.SR, duration=s["duration"], rng=s["set_seed"])
    classes = list(soundscapes.EVENT_CLASSES)
    raw = seld.log_mel([sc.audio for sc in train_set])
    x_train, x_test = training.standardize(raw, seld.log_mel([sc.audio for sc in test_set]))
    n_frames = x_train.shape[1]
    y_train = np.stack([seld.frame_targets(sc.events, classes, n_frames) for sc in train_set])
    y_test = np.stack([seld.frame_targets(sc.events, classes, n_frames) for sc in test_set])
    return dict(train=train_set, test=test_set, x_train=x_train, x_test=x_test, y_train=y_train, y_test=y_test,
                classes=classes, mean=float(raw.mean()), std=float(raw.std()))


def _check_xy(x_train, y_train):
    x_train, y_train = np.asarray(x_train, dtype=np.float32), np.asarray(y_train, dtype=np.float32)
    if x_train.ndim != 4 or y_train.ndim != 3 or x_train.shape[:2] != y_train.shape[:2]:
        raise ValueError(f"x_train must be (n, frames, bands, 1) and y_train (n, frames, classes) with the same n and "
                         f"frames, got {x_train.shape} and {y_train.shape}")
    return x_train, y_train


def _fit(build, x, y, rng, epochs, batch_size, learning_rate):
    import keras

    epochs = _checks.positive_int(epochs, "epochs", what="epochs")
    batch_size = _checks.positive_int(batch_size, "batch_size", what="examples")
    learning_rate = _checks.positive(learning_rate, "learning_rate")
    training.set_seed(rng)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    h = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return model, {"loss": [float(v) for v in h.history["loss"]]}


def fit_crnn(x_train, y_train, *, rng=0, epochs=25, batch_size=8, learning_rate=3e-3, n_classes=None):
    """Train a fresh :func:`course_lib.models.seld.crnn` with Adam and frame-wise binary cross-entropy, deterministically.

    Parameters
    ----------
    x_train : ndarray, shape (n, frames, n_mels, 1)
        Standardised features.
    y_train : ndarray, shape (n, frames, n_classes)
        Frame targets (:func:`course_lib.models.seld.frame_targets`).
    rng : int, numpy.random.Generator or None
        Seeds weights, shuffling and dropout (:func:`course_lib.models.training.set_seed`); an int
        is the seed itself.
    epochs, batch_size : int
        Passes over the soundscapes, and soundscapes per step.
    learning_rate : float
        Adam's step size.
    n_classes : int, optional
        Default: ``y_train.shape[-1]``.

    Returns
    -------
    (model, history) : (keras.Model, dict)
        ``history["loss"]``: training loss after each epoch.

    Notebook: 09_detection_localization
    """
    x_train, y_train = _check_xy(x_train, y_train)
    return _fit(lambda: seld.crnn(n_mels=x_train.shape[2], n_classes=n_classes or y_train.shape[-1]), x_train, y_train,
                rng, epochs, batch_size, learning_rate)


def fit_baseline(x_train, y_train, *, rng=0, epochs=25, batch_size=8, learning_rate=3e-3):
    """Train a fresh :func:`course_lib.models.seld.window_cnn` on the soundscapes' 1 s windows, as the CRNN is trained.

    The soundscapes are cut into windows (:func:`course_lib.models.seld.windows`) with multi-label
    targets (:func:`course_lib.models.seld.window_targets`); Adam, binary cross-entropy, the same
    epochs and learning rate as :func:`fit_crnn`, and as many windows per step as ``batch_size``
    soundscapes hold (so both models take the same number of steps over the same audio).

    Parameters
    ----------
    x_train : ndarray, shape (n, frames, n_mels, 1)
        Standardised features of whole soundscapes.
    y_train : ndarray, shape (n, frames, n_classes)
        Their frame targets (:func:`course_lib.models.seld.frame_targets`).
    rng : int, numpy.random.Generator or None
        Seeds weights, shuffling and dropout (:func:`course_lib.models.training.set_seed`).
    epochs : int
        Passes over the windows (every soundscape once per pass).
    batch_size : int
        Soundscapes per step: a step takes ``batch_size × windows per soundscape`` windows.
    learning_rate : float
        Adam's step size.

    Returns
    -------
    (model, history) : (keras.Model, dict)
        ``history["loss"]``: training loss (binary cross-entropy of the window targets) after each epoch.

    Notebook: 09_detection_localization
    """
    x_train, y_train = _check_xy(x_train, y_train)
    xw, yw = seld.windows(x_train), seld.window_targets(y_train)
    per_clip = len(xw) // len(x_train)
    batch_size = _checks.positive_int(batch_size, "batch_size", what="soundscapes")
    return _fit(lambda: seld.window_cnn(y_train.shape[-1], n_mels=x_train.shape[2]), xw, yw, rng, epochs,
                batch_size * per_clip, learning_rate)


def run(settings, out_dir, progress) -> dict:
    """Train a CRNN and the window baseline per seed, save their weights, score both on the test soundscapes.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (or the quick ones).
    out_dir : Path
        Where the weights go (``seld_{crnn,baseline}_seed{s}.weights.h5``).
    progress : bool
        Print a line per model.

    Returns
    -------
    dict
        ``classes`` and ``runs``: per model and seed, ``model``, ``seed``, ``history`` and the
        test scores ``event_f1``, ``segment_f1``, ``psds1``.

    Notebook: (tooling, ``python -m course_lib.experiments detection``)
    """
    import keras

    s = settings
    sets = build_sets(s)
    classes = sets["classes"]
    runs = []

    def keep(kind, seed, model, history):
        model.save_weights(out_dir / _weights(kind, seed))
        metrics = scores.evaluate(seld.predict(kind, model, sets["x_test"]), [sc.events for sc in sets["test"]], classes,
                                  s["threshold"], s["median_frames"], collar=s["collar"],
                                  segment_length=s["segment_length"])
        runs.append(dict(model=kind, seed=seed, history=history, **metrics))
        if progress:
            print(f"{kind} seed {seed}: {metrics}", flush=True)

    for seed in s["seeds"]:
        keep("crnn", seed, *fit_crnn(sets["x_train"], sets["y_train"], rng=seed, epochs=s["epochs"],
                                     batch_size=s["batch_size"], learning_rate=s["learning_rate"]))
        keep("baseline", seed, *fit_baseline(sets["x_train"], sets["y_train"], rng=seed, epochs=s["epochs"],
                                             batch_size=s["batch_size"], learning_rate=s["learning_rate"]))
        keras.backend.clear_session()
    return dict(classes=classes, runs=runs)


def load_models(kind, out_dir=None, *, quick=False, check=True) -> list:
    """The study's trained models of one kind, one per seed, from its saved results' folder.

    Parameters
    ----------
    kind : {"crnn", "baseline"}
    out_dir : str or Path, optional
        The results' folder (default ``data/``).
    quick : bool
        Read a quick run's results.
    check : bool
        Refuse results made by other settings, code or data (:func:`course_lib.experiments.load`).

    Returns
    -------
    list of keras.Model
        In the order of the saved settings' ``seeds``.

    Raises
    ------
    ResultsNotFoundError
        No results, or a weights file missing (the message names it and the command that remakes it).
    StaleResultsError
        ``check`` and results made by other settings, code or data.

    Notebook: 09_detection_localization
    """
    kind = _checks.choice(kind, "kind", ("crnn", "baseline"))
    results = study.load("detection", out_dir, check=check, quick=quick)
    n_classes = len(results["classes"])
    models = []
    for seed in results.record["settings"]["seeds"]:
        path = results.path(_weights(kind, seed))
        model = seld.crnn(n_classes=n_classes) if kind == "crnn" else seld.window_cnn(n_classes)
        model.load_weights(path)
        models.append(model)
    return models
