"""Chapter 10's self-supervised study: COLA pretraining on ESC-10's unlabelled pool, then a linear probe with few labels.

One fixed split of ESC-10: **fold 5 is the test fold** (ESC-10's folds keep each source recording within one
fold), folds 1–4 the training folds. The study

1. builds the **unlabelled pool** (:func:`course_lib.models.selfsupervised.unlabelled_pool`): the training folds'
   318 clips with their labels thrown away, and 5 s excerpts of the 11 real ambient recordings of the mirror
   (109 excerpts); never a test-fold clip;
2. **pretrains** the encoder (chapter 03's small CNN up to its global pooling, 64-d embedding) with COLA's
   contrastive loss (:func:`~course_lib.models.selfsupervised.pretrain`): two 1 s views of each clip with
   chapter 05's augmentations (real background noise at 5–20 dB SNR, SpecAugment), the batch's other clips as
   negatives; ``seeds`` pretraining seeds;
3. describes every clip by each pretrained encoder's embedding and gives it to **chapter 00's classifier**
   (a linear probe: standardise, L2 logistic regression, ``C = 0.1``) with **k labelled clips per class**
   drawn from the training folds (:func:`course_lib.experiments.transfer_esc10.few_label_runs`: the draws of
   ``numpy.random.default_rng([draw, 5])``, nested in k, the same clips for every system) and with all of them;
4. scores the same draws with the baselines: **log-mel statistics** (the course's bar, same classifier),
   **BirdNET V2.4's embeddings** (cached by study ``transfer_esc10``, same classifier) and the **same network
   trained from scratch** on the k labelled clips only, on the same views
   (:func:`~course_lib.models.selfsupervised.train_supervised`, seed = the draw), and tested as it was trained:
   its class probabilities averaged over the 1 s excerpts that tile the test clip's audible part
   (:func:`~course_lib.models.selfsupervised.predict_segments`, the segmenting the views use, without their
   noise and masks), never on the silent padding it did not learn from; and the probe on the
   **untrained encoder** each pretraining seed starts from (``random encoder``: what the architecture alone
   gives, so that the gain of pretraining is measured, not assumed).

Each system is tested on all of fold 5 (80 clips) the way it was trained: the probes on the whole-clip
features they were fitted on, the supervised CNN on the excerpts its training views were cut from. The intervals a chapter draws from the ``draws`` cover the
noise of which clips are labelled (and of the pretraining seed); they do not cover the choice of test fold:
another fold could move every number.

Files: ``data/ssl_esc10.json`` (results and the record of what made them; it holds accuracies of probes on
BirdNET's embeddings, so it carries BirdNET's CC BY-NC-SA 4.0 in a ``licence`` field) and
``data/ssl_esc10_embeddings.npz`` (each pretraining seed's 64-d embedding of the 398 clips; the course's own).
Remake them with ``python -m course_lib.experiments ssl_esc10`` (about 20 minutes on a 2-core CPU).

Layer 5: imports :mod:`course_lib.datasets.corpora`, :mod:`course_lib.models.selfsupervised`,
:mod:`course_lib.models.training`, :mod:`course_lib.experiments.study` and
:mod:`course_lib.experiments.transfer_esc10`.
"""

from __future__ import annotations

import time

import numpy as np

from ..datasets import corpora
from ..models import selfsupervised, training
from . import study, transfer_esc10

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "LICENCE", "SYSTEMS", "pool", "view_settings",
           "run"]

#: The split (test fold), the pool's backgrounds and the clips used (None: all), the views (segment, noise,
#: SpecAugment), the encoder and COLA head, pretraining (epochs, batch, step size, seeds), the probe's ``C``, the
#: few-label grid (clips per class, label draws) and the supervised baseline's training (steps, batch, dropout).
SETTINGS = {
    "test_fold": 5, "clips_per_fold": None, "backgrounds": None, "mix_backgrounds": list(selfsupervised.MIX_BACKGROUNDS),
    "segment": 1.0, "snr_db": [5.0, 20.0], "p_noise": 0.5,
    "spec": {"n_freq_masks": 2, "max_freq_width": 8, "n_time_masks": 2, "max_time_width": 10},
    "filters": [16, 32, 64], "projection": 128,
    "epochs": 60, "batch_size": 64, "learning_rate": 1e-3, "seeds": [0, 1, 2],
    "C": 0.1, "ks": [1, 2, 4, 8, 16], "draws": [0, 1, 2, 3, 4],
    "supervised_steps": 240, "supervised_batch": 32, "dropout": 0.3,
}
#: ``--quick``: two clips of each class and fold, one background, one epoch, one seed, k = 1, one draw, 2 steps.
QUICK = {"clips_per_fold": 2, "backgrounds": ["train"], "epochs": 1, "seeds": [0], "ks": [1], "draws": [0],
         "supervised_steps": 2}
FILES = ("ssl_esc10.json", "ssl_esc10_embeddings.npz")
DATA = ("esc10", "blanket")
CHAPTER = "10_transformers_ssl"
TITLE = "COLA pretraining on ESC-10's unlabelled pool, a linear probe with few labels against four baselines"
#: The licence of the results (they hold accuracies computed from BirdNET's embeddings).
LICENCE = transfer_esc10.LICENCE
#: The systems, in the order the results list them.
SYSTEMS = ("COLA probe", "random encoder", "supervised CNN", "log-mel statistics", "BirdNET")


def view_settings(settings) -> dict:
    """The keyword arguments of :func:`~course_lib.models.selfsupervised.views` that ``settings`` fix (not the noises).

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` or the quick ones.

    Returns
    -------
    dict
        ``segment``, ``snr_db``, ``p_noise``, ``spec``.

    Notebook: 10_transformers_ssl
    """
    return {k: settings[k] for k in ("segment", "snr_db", "p_noise", "spec")}


def pool(settings, clips, folds):
    """The unlabelled pool of a run, the noises its views mix in, and the log-mel standardisation.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` or the quick ones (``test_fold``, ``backgrounds``: names or None for all,
        ``mix_backgrounds``).
    clips : sequence of 1-D arrays
        The ESC-10 clips used, at 16 kHz.
    folds : 1-D array_like of int

    Returns
    -------
    dict
        ``pool`` (float32 (n, 80000)), ``source`` (:func:`~course_lib.models.selfsupervised.unlabelled_pool`'s),
        ``background_names``, ``noises`` (the mixing recordings at 16 kHz), ``mean`` and ``std`` (dB: of the
        pool's log-mel, the standardisation of every input).

    Notebook: 10_transformers_ssl
    """
    sr = selfsupervised.FRONT_END["sr"]
    names = corpora.background_names() if settings["backgrounds"] is None else list(settings["backgrounds"])
    recordings = {n: corpora.load_background(n, sr=sr)[0] for n in sorted(set(names) | set(settings["mix_backgrounds"]))}
    audio, source = selfsupervised.unlabelled_pool(clips, folds, settings["test_fold"],
                                                   backgrounds=[recordings[n] for n in names], sr=sr)
    x = selfsupervised.log_mel(audio, sr)
    return {"pool": audio, "source": source, "background_names": names,
            "noises": [recordings[n] for n in settings["mix_backgrounds"]],
            "mean": float(x.mean()), "std": float(x.std())}


def run(settings, out_dir, progress) -> dict:
    """Pretrain on the pool, embed, and score the four systems on the few-label grid of the test fold.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (or the quick ones).
    out_dir : Path
        Where ``FILES[1]`` is written.
    progress : bool
        Print one line per step.

    Returns
    -------
    dict
        ``licence``, ``class_names``, ``clips`` (indices of :func:`course_lib.corpora.load_esc10`), ``labels``,
        ``folds``, ``pool`` (``source`` per pool item, ``background_names``, ``mean``, ``std``), ``pretraining``
        (per seed: ``seed``, ``loss``, ``accuracy``, ``step_loss``, ``seconds``), ``few_labels`` (per system of
        :data:`SYSTEMS`: records ``k`` (an int or ``"all"``), ``draw``, ``accuracy``, and for the COLA probe
        ``seed``), ``supervised_seconds``.

    Notebook: (tooling, ``python -m course_lib.experiments ssl_esc10``)
    """
    from threadpoolctl import threadpool_limits

    from sklearn.linear_model import LogisticRegression  # noqa: F401  (loaded before the thread limit applies)

    def say(text):
        if progress:
            print(text, flush=True)

    sr = selfsupervised.FRONT_END["sr"]
    clips, labels, folds, class_names = corpora.load_esc10(sr=sr)
    keep = transfer_esc10.subset(labels, folds, settings["clips_per_fold"])
    clips = np.stack([clips[i] for i in keep]).astype(np.float32)
    labels, folds = np.asarray(labels)[keep], np.asarray(folds)[keep]
    test_fold = settings["test_fold"]
    train, test = training.fold_split(folds, test_fold)
    made = pool(settings, clips, folds)
    say(f"pool: {int(np.sum(made['source'] >= 0))} training-fold clips and {int(np.sum(made['source'] < 0))} "
        f"background excerpts")
    views = dict(view_settings(settings), noises=made["noises"], mean=made["mean"], std=made["std"])
    x_all = (selfsupervised.log_mel(clips, sr) - np.float32(made["mean"])) / np.float32(made["std"])

    pretraining, embeddings, untrained = [], [], []
    for seed in settings["seeds"]:
        training.set_seed(seed)                 # the encoder pretraining starts from, untrained
        untrained.append(selfsupervised.embed(selfsupervised.encoder(filters=settings["filters"]), x_all))
        t0 = time.perf_counter()
        enc, history = selfsupervised.pretrain(made["pool"], rng=seed, epochs=settings["epochs"],
                                               batch_size=settings["batch_size"],
                                               learning_rate=settings["learning_rate"], filters=settings["filters"],
                                               projection=settings["projection"], **views)
        seconds = time.perf_counter() - t0
        embeddings.append(selfsupervised.embed(enc, x_all))
        pretraining.append({"seed": seed, **history, "seconds": seconds})
        say(f"COLA seed {seed}: loss {history['loss'][0]:.3f} → {history['loss'][-1]:.3f}, pretext accuracy "
            f"{history['accuracy'][-1]:.3f} ({seconds:.0f} s)")
    np.savez_compressed(out_dir / FILES[1], clips=keep, seeds=np.array(settings["seeds"]), embeddings=np.stack(embeddings))

    bn = study.load("transfer_esc10")
    cache = np.load(bn.path(transfer_esc10.FILES[1]))
    birdnet_features = cache["embeddings"][np.searchsorted(cache["clips"], keep)]
    log_mel = training.log_mel_statistics(clips, sr)

    few = {name: [] for name in SYSTEMS}
    grid = dict(ks=settings["ks"], seeds=settings["draws"], test_folds=[test_fold], C=settings["C"])

    picks = []                                  # the labelled clips of every (k, draw): the same for every system

    def probe(features, **extra):
        runs = transfer_esc10.few_label_runs(features, labels, folds, **grid)
        if picks and [r["picked"] for r in runs] != [p for _, _, p in picks]:
            raise RuntimeError("every system must be given the same labelled clips")
        picks[:] = [(r["k"], r["seed"], r["picked"]) for r in runs]
        acc, _ = transfer_esc10.logistic_regression_fold(features, labels, folds, test_fold, C=settings["C"])
        return ([dict(k=r["k"], draw=r["seed"], accuracy=r["accuracy"], **extra) for r in runs]
                + [dict(k="all", draw=d, accuracy=acc, **extra) for d in settings["draws"]])

    with threadpool_limits(1):                  # small problems: one BLAS thread is much faster
        for seed, emb in zip(settings["seeds"], embeddings):
            few["COLA probe"] += probe(emb, seed=seed)
        for seed, emb in zip(settings["seeds"], untrained):
            few["random encoder"] += probe(emb, seed=seed)
        few["log-mel statistics"] = probe(log_mel)
        few["BirdNET"] = probe(birdnet_features)
    for name in ("COLA probe", "random encoder", "log-mel statistics", "BirdNET"):
        say(f"{name}: " + ", ".join(f"k={k}: {np.mean([r['accuracy'] for r in few[name] if r['k'] == k]):.3f}"
                                    for k in [*settings["ks"], "all"]))

    t0 = time.perf_counter()
    test_extents = selfsupervised.audible_extent(clips[test], sr)
    draws = [(k, draw, np.array(picked)) for k, draw, picked in picks] + [("all", d, train) for d in settings["draws"]]
    for k, draw, picked in draws:
        model = selfsupervised.train_supervised(clips[picked], labels[picked], len(class_names), rng=draw,
                                                steps=settings["supervised_steps"],
                                                batch_size=settings["supervised_batch"], filters=settings["filters"],
                                                dropout=settings["dropout"], **views)
        p = selfsupervised.predict_segments(model, clips[test], sr=sr, segment=settings["segment"],
                                            mean=made["mean"], std=made["std"], extents=test_extents)
        y_pred = np.argmax(p, axis=1)
        few["supervised CNN"].append(dict(k=k, draw=draw, accuracy=float(np.mean(y_pred == labels[test]))))
    supervised_seconds = time.perf_counter() - t0
    say("supervised CNN: " + ", ".join(f"k={k}: {np.mean([r['accuracy'] for r in few['supervised CNN'] if r['k'] == k]):.3f}"
                                       for k in [*settings["ks"], "all"]) + f" ({supervised_seconds:.0f} s)")
    return {"licence": LICENCE, "class_names": list(class_names), "clips": keep.tolist(), "labels": labels.tolist(),
            "folds": folds.tolist(), "test_fold": test_fold,
            "pool": {"source": made["source"].tolist(), "background_names": made["background_names"],
                     "mean": made["mean"], "std": made["std"]},
            "pretraining": pretraining, "few_labels": few, "supervised_seconds": supervised_seconds}
