"""Chapter 06's study: raw waveform vs log-mel front ends, same back end, FSDD's unseen speakers.

Which digit (0-9) was spoken? FSDD's 3,000 recordings at 8 kHz (6 speakers × 10 digits × 50
takes), every clip scaled to peak 1 and cut or zero-padded to 0.75 s (:func:`fsdd_examples`). The
speakers are split into 3 folds of 2 (:func:`speaker_folds`): each model trains on 4 speakers and is
tested on the 2 it never heard, every fold in turn (seed = fold). Three front ends feed the same
back end (:func:`course_lib.models.rawconv.raw_waveform_classifier`,
:func:`course_lib.models.rawconv.log_mel_classifier`; :func:`fsdd_builder`): log-mel frames, a free
strided ``Conv1D`` on the samples and a ``SincConv1D`` of learnable band-passes, and the matched
raw front end, ``"log_energy"``: the log-mel pipeline with learned filters (a ``Conv1D`` of 257 taps,
32 ms like the log-mel's window, squared, averaged over 64-sample frames like the log-mel's hop,
log-compressed; :func:`course_lib.models.rawconv.log_energy_frontend`). Each is trained on
10, 25, 50 and 100 % of the takes of every training speaker and digit (:func:`training_subset`,
nested sets; smaller sets get more epochs, :func:`epochs_for`) beside a logistic-regression
baseline on mean and standard deviation per mel band (:func:`fsdd_baseline`); the sinc front end
on the full set only (:func:`fsdd_run` trains one).

:func:`run` does it all; ``python -m course_lib.experiments raw_waveform`` writes
``data/rawconv_fsdd_results.json`` (every run's accuracy, predictions and history) and
``data/rawconv_fsdd_frontends.npz`` (the Conv1D kernels and sinc cut-offs before and after
training, full training set, per fold, and the matched front end's kernels). Chapter ``06_raw_waveform`` reads them
(:func:`course_lib.experiments.load`), re-runs one of them live and checks it against the cache with
McNemar's exact test (:func:`course_lib.experiments.live.same_accuracy`).

Layer 5: imports :mod:`course_lib.datasets.corpora`, :mod:`course_lib.models.rawconv` and
:mod:`course_lib.models.training`.
"""

from __future__ import annotations

import time

import numpy as np

from .. import _checks
from ..datasets import corpora
from ..models import rawconv, training

__all__ = ["SETTINGS", "QUICK", "FRONTENDS", "FILES", "DATA", "CHAPTER", "TITLE", "RESULTS_FILE", "FRONTENDS_FILE",
           "fsdd_examples", "speaker_folds", "training_subset", "fsdd_features", "fsdd_builder", "epochs_for",
           "fsdd_run", "fsdd_baseline", "run"]

#: Settings of the study: data, front ends, back end, training. ``test_folds`` are the speaker
#: folds held out in turn; ``n_takes`` keeps the takes below it (FSDD has 50; the quick run keeps 4).
#: ``matched_*``: the ``"log_energy"`` front end's kernel (257 taps = 32 ms, the log-mel's ``n_fft``
#: window), Conv1D stride and the steps averaged per frame (4 · 16 = 64 samples, the log-mel's hop).
SETTINGS = dict(sr=8000, n_samples=6000, n_folds=3, fractions=(0.1, 0.25, 0.5, 1.0), base_epochs=10, batch_size=32,
                learning_rate=3e-3, cosine_decay=True, first_filters=32, first_kernel=65, sinc_kernel=129,
                first_stride=16, matched_kernel=257, matched_stride=4, matched_pool=16, block_filters=(32, 64, 64), n_fft=256, hop_length=64, n_mels=32,
                test_folds=(0, 1, 2), n_takes=50)

#: The quick run: one fold, 4 takes per speaker and digit, the full (small) set, one epoch.
QUICK = dict(test_folds=(0,), n_takes=4, fractions=(1.0,), base_epochs=1)

#: The front ends of the study (:func:`fsdd_features`, :func:`fsdd_builder`).
FRONTENDS = ("conv", "sinc", "log_energy", "log_mel")

#: The results, and the first layers before and after training.
RESULTS_FILE = "rawconv_fsdd_results.json"
FRONTENDS_FILE = "rawconv_fsdd_frontends.npz"
FILES = (RESULTS_FILE, FRONTENDS_FILE)

#: The recordings it reads.
DATA = ("fsdd",)

CHAPTER = "06_raw_waveform"
TITLE = "raw waveform (Conv1D, SincConv1D, matched log-energy Conv1D) vs log-mel, same back end, FSDD's unseen speakers"


def fsdd_examples(n_samples=6000):
    """FSDD's 3,000 spoken digits at 8 kHz, each scaled to peak 1 and cut or zero-padded to ``n_samples``.

    Parameters
    ----------
    n_samples : int, default 6000
        Samples per clip (0.75 s at 8 kHz: longer than 97 % of the recordings; longer ones lose
        their end, shorter ones get zeros after it).

    Returns
    -------
    x : np.ndarray of float32, shape (3000, n_samples)
    digits : np.ndarray of int
    speakers : np.ndarray of str
    takes : np.ndarray of int

    Notebook: 06_raw_waveform
    """
    n_samples = _checks.positive_int(n_samples, "n_samples", "samples")
    clips, digits, speakers, takes = corpora.load_fsdd()
    x = np.zeros((len(clips), n_samples), dtype=np.float32)
    for i, c in enumerate(clips):
        c = np.asarray(c, dtype=np.float32)[:n_samples]
        x[i, : c.size] = c / max(float(np.abs(c).max()), 1e-9)
    return x, digits, speakers, takes


def speaker_folds(speakers, n_folds=3):
    """Fold of each example such that every speaker's recordings are in one fold (sorted names, in turn).

    Parameters
    ----------
    speakers : 1-D array_like of str
        The speaker of each example.
    n_folds : int, default 3
        Folds; the number of speakers must be a multiple of it (FSDD's 6 speakers: 2 per fold).

    Returns
    -------
    np.ndarray of int, shape (examples,)
        0 to ``n_folds - 1``; testing on fold ``k`` means testing on speakers never heard in training.

    Notebook: 06_raw_waveform
    """
    speakers = np.asarray(speakers)
    n_folds = _checks.integer(n_folds, "n_folds", minimum=2, what="folds")
    names = sorted(set(speakers.tolist()))
    if len(names) % n_folds:
        raise ValueError(f"n_folds={n_folds} must divide the number of speakers ({len(names)})")
    per = len(names) // n_folds
    fold_of = {name: i // per for i, name in enumerate(names)}
    return np.array([fold_of[s] for s in speakers.tolist()], dtype=np.int64)


def training_subset(train, takes, fraction, *, rng=0):
    """The examples of a smaller training set: the same randomly chosen takes of every speaker and digit.

    FSDD has takes 0-49 of every (speaker, digit); a fraction keeps ``round(fraction · 50)`` of
    them, the first of one random order, so that every speaker and digit keeps its share and the
    sets are nested (10 % ⊂ 25 % ⊂ 50 % ⊂ 100 %).

    Parameters
    ----------
    train : 1-D array_like of int
        Indices of the full training set.
    takes : 1-D array_like of int
        The take of every example (all examples, not only ``train``).
    fraction : float
        In (0, 1].
    rng : int or numpy.random.Generator, default 0
        The random order of the takes (an int seed: the same order every time).

    Returns
    -------
    np.ndarray of int
        The subset of ``train``.

    Notebook: 06_raw_waveform (via ``fsdd_run``)
    """
    train = np.asarray(train)
    takes = np.asarray(takes)
    fraction = _checks.number(fraction, "fraction", minimum=0.0, maximum=1.0, open_minimum=True)
    n_takes = int(takes.max()) + 1
    keep = _checks.rng(rng).permutation(n_takes)[: max(1, round(fraction * n_takes))]
    return train[np.isin(takes[train], keep)]


def fsdd_features(x, frontend, *, settings=None):
    """The input of each front end: the waveforms themselves, or their log-mel frames.

    Parameters
    ----------
    x : np.ndarray, shape (n, samples)
        Clips from :func:`fsdd_examples`.
    frontend : {"conv", "sinc", "log_energy", "log_mel"}
    settings : dict, optional
        :data:`SETTINGS` by default (n_fft, hop_length, n_mels, sr).

    Returns
    -------
    np.ndarray of float32
        ``(n, samples)`` for the raw front ends; ``(n, frames, n_mels)`` dB for ``"log_mel"``
        (``course_lib.models.training.log_mel_batch``).

    Notebook: 06_raw_waveform
    """
    s = dict(SETTINGS, **(settings or {}))
    frontend = _checks.choice(frontend, "frontend", FRONTENDS)
    if frontend != "log_mel":
        return np.asarray(x, dtype=np.float32)
    return training.log_mel_batch(x, s["sr"], n_fft=s["n_fft"], hop_length=s["hop_length"], n_mels=s["n_mels"],
                                  fmax=s["sr"] / 2)[..., 0]


def fsdd_builder(frontend, input_shape, *, n_classes=10, rng=0, settings=None):
    """A function that builds the chapter's model for one front end (for ``course_lib.models.training.fit``).

    Parameters
    ----------
    frontend : {"conv", "sinc", "log_energy", "log_mel"}
        A free strided Conv1D, a SincConv1D, the matched log-energy Conv1D
        (``rawconv.raw_waveform_classifier(frontend="log_energy")`` with ``matched_kernel``,
        ``matched_stride`` and ``matched_pool``), or log-mel frames.
    input_shape : tuple
        Shape of one example (``(samples,)`` or ``(frames, n_mels)``).
    n_classes : int, default 10
    rng : int, default 0
        Seed of the initializers and dropout.
    settings : dict, optional
        :data:`SETTINGS` by default.

    Returns
    -------
    callable
        ``build()`` returning an uncompiled ``keras.Model``.

    Notebook: 06_raw_waveform
    """
    s = dict(SETTINGS, **(settings or {}))
    frontend = _checks.choice(frontend, "frontend", FRONTENDS)
    if frontend == "log_mel":
        return lambda: rawconv.log_mel_classifier(input_shape[0], input_shape[1], n_classes, block_filters=s["block_filters"],
                                          rng=rng)
    if frontend == "log_energy":
        return lambda: rawconv.raw_waveform_classifier(input_shape[0], n_classes, sr=s["sr"], frontend="log_energy",
                                               first_filters=s["first_filters"], first_kernel=s["matched_kernel"],
                                               first_stride=s["matched_stride"], energy_pool=s["matched_pool"],
                                               block_filters=s["block_filters"], rng=rng)
    kernel = s["first_kernel"] if frontend == "conv" else s["sinc_kernel"]
    return lambda: rawconv.raw_waveform_classifier(input_shape[0], n_classes, sr=s["sr"], frontend=frontend,
                                           first_filters=s["first_filters"], first_kernel=kernel,
                                           first_stride=s["first_stride"], block_filters=s["block_filters"], rng=rng)


def epochs_for(fraction, base_epochs=10):
    """Epochs for a training set of ``fraction`` of the clips: ``ceil(base_epochs / sqrt(fraction))``.

    A small set gets more passes (32 at 10 %, 10 at 100 %) so that a learning curve compares
    amounts of data, not merely numbers of updates; it still gets fewer updates than the full set.

    Parameters
    ----------
    fraction : float
        In (0, 1].
    base_epochs : int, default 10
        Epochs of the full set.

    Returns
    -------
    int

    Notebook: 06_raw_waveform (via ``fsdd_run``)
    """
    fraction = _checks.number(fraction, "fraction", minimum=0.0, maximum=1.0, open_minimum=True)
    base_epochs = _checks.positive_int(base_epochs, "base_epochs", "epochs")
    return int(np.ceil(base_epochs / np.sqrt(fraction) - 1e-9))


def fsdd_run(frontend, features, digits, folds, takes, *, fold, fraction, settings=None):
    """Train and test one model of the study: one front end, one test fold, one training fraction.

    The seed is the fold number (each fold's run has its own initial weights and order of takes).
    Features are standardised with the training subset's statistics
    (``course_lib.models.training.standardize``) and the model is trained by
    ``course_lib.models.training.fit``.

    Parameters
    ----------
    frontend : {"conv", "sinc", "log_energy", "log_mel"}
    features : np.ndarray
        :func:`fsdd_features` of every example.
    digits, folds, takes : 1-D np.ndarray
        Labels, :func:`speaker_folds` and takes of every example.
    fold : int
        The test fold (its speakers are unseen in training).
    fraction : float
        Share of the training takes used (:func:`training_subset`).
    settings : dict, optional
        :data:`SETTINGS` by default.

    Returns
    -------
    record : dict
        ``frontend``, ``fold``, ``seed``, ``fraction``, ``n_train``, ``epochs``, ``params``,
        ``accuracy``, ``y_true``, ``y_pred``, ``history``.
    model : keras.Model
        The trained model.
    initial_frontend : list of np.ndarray
        The front end's weights before training (empty for log-mel).

    Notebook: 06_raw_waveform
    """
    s = dict(SETTINGS, **(settings or {}))
    fold = int(fold)
    train, test = training.fold_split(folds, fold)
    train = training_subset(train, takes, fraction, rng=fold)
    x_train, x_test = training.standardize(features[train], features[test])
    build = fsdd_builder(frontend, features.shape[1:], n_classes=int(digits.max()) + 1, rng=fold, settings=s)
    initial = []

    def build_and_keep():
        model = build()
        if frontend != "log_mel":
            initial.extend(np.array(w) for w in model.get_layer("frontend").get_weights())
        return model

    epochs = epochs_for(fraction, s["base_epochs"])
    learning_rate = s["learning_rate"]
    if s.get("cosine_decay"):  # the step size falls to 0 along a half cosine: the last weights settle
        import keras

        steps = epochs * int(np.ceil(train.size / s["batch_size"]))
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, steps)
    model, history = training.fit(build_and_keep, x_train, digits[train], epochs=epochs,
                                  batch_size=s["batch_size"], rng=fold, learning_rate=learning_rate)
    y_pred = model.predict(x_test, batch_size=256, verbose=0).argmax(axis=1)
    record = dict(frontend=frontend, fold=fold, seed=fold, fraction=float(fraction), n_train=int(train.size),
                  epochs=epochs, params=int(model.count_params()), accuracy=float(np.mean(y_pred == digits[test])),
                  y_true=digits[test].tolist(), y_pred=y_pred.tolist(), history=history)
    return record, model, initial


def fsdd_baseline(log_mel, digits, folds, takes, *, fold, fraction):
    """A non-deep baseline: logistic regression on each clip's mean and standard deviation per mel band.

    Parameters
    ----------
    log_mel : np.ndarray, shape (n, frames, n_mels)
        :func:`fsdd_features` with ``"log_mel"``.
    digits, folds, takes : 1-D np.ndarray
    fold : int
        Test fold.
    fraction : float
        Share of the training takes (:func:`training_subset`, seed = fold).

    Returns
    -------
    dict
        A record like :func:`fsdd_run`'s, ``frontend="baseline"``.

    Notebook: 06_raw_waveform (re-runs fold 0, 100 %, live; the study runs every fold and fraction)
    """
    feats = np.concatenate([log_mel.mean(axis=1), log_mel.std(axis=1)], axis=1)
    train, test = training.fold_split(folds, fold)
    train = training_subset(train, takes, fraction, rng=int(fold))
    clf = training.logistic_regression(C=1.0)
    clf.fit(feats[train], digits[train])
    y_pred = clf.predict(feats[test])
    return dict(frontend="baseline", fold=int(fold), seed=int(fold), fraction=float(fraction), n_train=int(train.size),
                accuracy=float(np.mean(y_pred == digits[test])), y_true=digits[test].tolist(), y_pred=y_pred.tolist())


def run(settings, out_dir, progress) -> dict:
    """The whole study: per test fold and training fraction, the baseline and the front ends.

    For each fold of ``settings["test_folds"]`` and each training fraction: the baseline, the
    log-mel, the Conv1D and the matched log-energy front ends; the SincConv1D front end on the full
    training set only. Writes :data:`FRONTENDS_FILE` into ``out_dir``: the Conv1D kernels
    (``conv_initial_fold{k}``, ``conv_learned_fold{k}``; the matched front end's
    ``log_energy_initial_fold{k}``, ``log_energy_learned_fold{k}``) and the sinc cut-offs in Hz, rows low and high
    (``sinc_initial_fold{k}``, ``sinc_learned_fold{k}``), full training set, float32.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (with :data:`QUICK` for a quick run).
    out_dir : Path
        The folder of :data:`FRONTENDS_FILE`.
    progress : bool
        Print one line per run.

    Returns
    -------
    dict
        ``test_speakers`` (fold -> its two speakers) and ``runs`` (:func:`fsdd_baseline`'s and
        :func:`fsdd_run`'s records, in the order they ran).

    Notebook: (tooling, ``python -m course_lib.experiments raw_waveform``)
    """
    s = settings
    x, digits, speakers, takes = (np.asarray(a) for a in fsdd_examples(s["n_samples"]))
    if s["n_takes"] < int(takes.max()) + 1:
        keep = takes < s["n_takes"]
        x, digits, speakers, takes = x[keep], digits[keep], speakers[keep], takes[keep]
    folds = speaker_folds(speakers, s["n_folds"])
    feats = {"conv": fsdd_features(x, "conv", settings=s), "log_mel": fsdd_features(x, "log_mel", settings=s)}
    feats["sinc"] = feats["log_energy"] = feats["conv"]
    records, arrays = [], {}
    t0 = time.perf_counter()
    for fold in s["test_folds"]:
        for fraction in s["fractions"]:
            records.append(fsdd_baseline(feats["log_mel"], digits, folds, takes, fold=fold, fraction=fraction))
            frontends = ("log_mel", "conv", "sinc", "log_energy") if fraction == 1.0 else ("log_mel", "conv", "log_energy")
            for frontend in frontends:
                rec, model, initial = fsdd_run(frontend, feats[frontend], digits, folds, takes, fold=fold,
                                               fraction=fraction, settings=s)
                records.append(rec)
                if fraction == 1.0 and frontend in ("conv", "log_energy"):
                    arrays[f"{frontend}_initial_fold{fold}"] = initial[0]
                    arrays[f"{frontend}_learned_fold{fold}"] = model.get_layer("frontend").get_weights()[0]
                if fraction == 1.0 and frontend == "sinc":
                    layer = model.get_layer("frontend")
                    arrays[f"sinc_learned_fold{fold}"] = np.stack([np.asarray(v) for v in layer.cutoffs()])
                    low = layer.min_low_hz + layer.sr * np.abs(initial[0])
                    high = np.clip(low + layer.min_band_hz + layer.sr * np.abs(initial[1]), layer.min_low_hz, layer.sr / 2)
                    arrays[f"sinc_initial_fold{fold}"] = np.stack([low, high])
                if progress:
                    print(f"fold {fold} fraction {fraction:.2f} {frontend:8s} n_train {rec['n_train']:4d} "
                          f"accuracy {rec['accuracy']:.3f} ({time.perf_counter() - t0:.0f} s)", flush=True)
    np.savez_compressed(out_dir / FRONTENDS_FILE, **{k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()})
    test_speakers = {str(k): sorted(set(speakers[folds == k].tolist())) for k in range(s["n_folds"])}
    return {"test_speakers": test_speakers, "runs": records}
