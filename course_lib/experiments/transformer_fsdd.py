"""Chapter 10's study: a small spectrogram transformer against a CNN of the same size, FSDD's unseen speakers.

Which digit (0-9) was spoken? FSDD's 3,000 recordings at 8 kHz (6 speakers × 10 digits × 50 takes), each
scaled to peak 1 and cut or zero-padded to 0.75 s (chapter 06's :func:`course_lib.experiments.raw_waveform.fsdd_examples`),
described by a log-mel spectrogram of 94 frames × 32 bands (n_fft 256 = 32 ms, hop 64 = 8 ms; chapter 06's).
The speakers are split into folds (:func:`course_lib.experiments.raw_waveform.speaker_folds`): each model
trains on the other speakers and is tested on speakers it never heard.

Three models, each trained with the **same budget** (epochs, batch, Adam with a cosine decay of the step size
to 0, no augmentation) on every test fold × seed:

- ``"transformer"``: :func:`course_lib.models.transformer.spectrogram_transformer` (patches of 8 frames × 8
  bands, 44 tokens + the class token, 3 pre-norm blocks of width 64 and 4 heads, about 108 k weights);
- ``"cnn"``: :func:`course_lib.models.transformer.similar_cnn`, chapter 03's small CNN widened to the
  transformer's number of weights;
- ``"patchout"``: the transformer with PaSST's patchout in training (a fraction of the tokens dropped at
  random each step, :data:`SETTINGS` ``patchout``), which makes a step cheaper.

Each run records the test accuracy, predictions, per-epoch history (training loss and accuracy, test
accuracy), the measured seconds per epoch and the tokens a training step attends over. The weights of the
first fold's first seed's transformer are kept (``data/transformer_fsdd.weights.h5``) for the chapter's
attention maps. ``python -m course_lib.experiments transformer_fsdd`` remakes it (about 25 minutes on a loaded
2-core CPU); chapter ``10_transformers_ssl`` reads it (:func:`course_lib.experiments.load`), re-trains the
first epochs of one run live (:func:`train_run` with ``stop_after``) and checks the losses against the cache
(:func:`course_lib.experiments.live.close_values`).

Layer 5: imports :mod:`course_lib.models.training`, :mod:`course_lib.models.transformer` and
:mod:`course_lib.experiments.raw_waveform` (FSDD's clips and speaker folds).
"""

from __future__ import annotations

import time

import numpy as np

from .. import _checks
from ..models import training, transformer
from . import raw_waveform

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "MODELS", "WEIGHTS_FILE", "load_data",
           "build", "learning_rate", "train_run", "run"]

#: Data (chapter 06's clips and log-mel), speaker folds (``n_folds``; ``test_folds`` held out in turn), seeds,
#: the shared training budget, the transformer (patch, width, heads, blocks, MLP ratio, dropout), the patchout
#: fraction of the ``"patchout"`` model, the CNN's dropout, and ``n_takes`` (FSDD has 50; the quick run keeps 4).
SETTINGS = dict(sr=8000, n_samples=6000, n_fft=256, hop_length=64, n_mels=32, n_folds=3, test_folds=(0, 1, 2),
                seeds=(0, 1, 2), epochs=15, batch_size=32, learning_rate=1e-3, patch=(8, 8), stride=(8, 8),
                d_model=48, n_heads=4, n_layers=2, mlp_ratio=2, dropout=0.1, patchout=0.5, cnn_dropout=0.3,
                models=("transformer", "cnn", "patchout"), n_takes=50)
#: ``--quick``: one fold, one seed, 4 takes per speaker and digit, one epoch.
QUICK = dict(test_folds=(0,), seeds=(0,), n_takes=4, epochs=1)

#: The models of the study, in the order each (fold, seed) trains them.
MODELS = ("transformer", "cnn", "patchout")
WEIGHTS_FILE = "transformer_fsdd.weights.h5"
FILES = ("transformer_fsdd.json", WEIGHTS_FILE)
DATA = ("fsdd",)
CHAPTER = "10_transformers_ssl"
TITLE = "a small spectrogram transformer vs a CNN of the same size (and with patchout), FSDD's unseen speakers"


def load_data(settings=None) -> dict:
    """FSDD's log-mel spectrograms, digits, speakers, takes and speaker folds (the first ``n_takes`` takes).

    Parameters
    ----------
    settings : dict, optional
        :data:`SETTINGS` by default.

    Returns
    -------
    dict
        ``x`` (float32, (n, frames, bands, 1), dB, not standardised), ``clips`` (float32, (n, samples)),
        ``digits``, ``speakers``, ``takes``, ``folds``.

    Notebook: 10_transformers_ssl
    """
    s = dict(SETTINGS, **(settings or {}))
    clips, digits, speakers, takes = (np.asarray(a) for a in raw_waveform.fsdd_examples(s["n_samples"]))
    keep = takes < s["n_takes"]
    clips, digits, speakers, takes = clips[keep], digits[keep], speakers[keep], takes[keep]
    x = training.log_mel_batch(clips, s["sr"], n_fft=s["n_fft"], hop_length=s["hop_length"], n_mels=s["n_mels"],
                               fmax=s["sr"] / 2)
    return dict(x=x, clips=clips, digits=digits, speakers=speakers, takes=takes,
                folds=raw_waveform.speaker_folds(speakers, s["n_folds"]))


def build(model, input_shape, *, rng=0, settings=None):
    """A function that builds one of the study's models (for :func:`course_lib.models.training.fit`).

    Parameters
    ----------
    model : {"transformer", "cnn", "patchout"}
    input_shape : (int, int, int)
        ``(frames, bands, 1)``.
    rng : int
        Seed of the patchout draws.
    settings : dict, optional

    Returns
    -------
    callable
        ``build()`` returning an uncompiled ``keras.Model``; the CNN is sized to the transformer's weights.

    Notebook: 10_transformers_ssl
    """
    s = dict(SETTINGS, **(settings or {}))
    model = _checks.choice(model, "model", MODELS)
    kwargs = dict(patch=tuple(s["patch"]), stride=tuple(s["stride"]), d_model=s["d_model"], n_heads=s["n_heads"],
                  n_layers=s["n_layers"], mlp_ratio=s["mlp_ratio"], dropout=s["dropout"])
    if model == "transformer":
        return lambda: transformer.spectrogram_transformer(input_shape, 10, rng=rng, **kwargs)
    if model == "patchout":
        return lambda: transformer.spectrogram_transformer(input_shape, 10, patchout=s["patchout"], rng=rng,
                                                           name="patchout_transformer", **kwargs)

    def cnn():
        import keras

        keras.backend.clear_session()
        params = transformer.spectrogram_transformer(input_shape, 10, **kwargs).count_params()
        return transformer.similar_cnn(input_shape, 10, params, dropout=s["cnn_dropout"])

    return cnn


def learning_rate(n_train, settings=None):
    """Adam's step size: ``learning_rate`` decaying along a half cosine to 0 over all the training steps.

    Parameters
    ----------
    n_train : int
        Training clips.
    settings : dict, optional

    Returns
    -------
    keras.optimizers.schedules.CosineDecay

    Notebook: 10_transformers_ssl (via ``train_run``)
    """
    import keras

    s = dict(SETTINGS, **(settings or {}))
    n_train = _checks.positive_int(n_train, "n_train", "clips")
    steps = int(s["epochs"]) * -(-n_train // int(s["batch_size"]))
    return keras.optimizers.schedules.CosineDecay(float(s["learning_rate"]), decay_steps=steps, alpha=0.0)


def train_run(data, model, fold, rng, *, settings=None, stop_after=None):
    """Train one model on every speaker but those of ``fold``; test it on them.

    Features are standardised with the training clips' mean and standard deviation. With ``stop_after``, the
    same run (same schedule, seed and order) stops after that many epochs: the chapter's live check.

    Parameters
    ----------
    data : dict
        :func:`load_data`.
    model : {"transformer", "cnn", "patchout"}
    fold : int
        The test fold.
    rng : int
        The seed of the weights, the order of the clips, dropout and patchout (the record's ``seed``).
    settings : dict, optional
    stop_after : int, optional
        Epochs to train (at most ``epochs``); the whole budget by default.

    Returns
    -------
    record : dict
        ``model``, ``fold``, ``seed``, ``params``, ``n_train``, ``epochs``, ``accuracy``, ``y_pred``,
        ``history`` (training ``loss`` and ``accuracy`` per epoch), ``seconds_per_epoch`` (measured),
        ``tokens_per_step`` (tokens a training step's attention sees: batch × tokens per clip; None for the CNN).
    net : keras.Model

    Notebook: 10_transformers_ssl
    """
    s = dict(SETTINGS, **(settings or {}))
    fold, seed = int(fold), _checks.seed(rng, "rng")
    epochs = int(s["epochs"]) if stop_after is None else _checks.integer(stop_after, "stop_after", minimum=1,
                                                                          maximum=int(s["epochs"]), what="epochs")
    train, test = training.fold_split(data["folds"], fold)
    x_train, x_test = training.standardize(data["x"][train], data["x"][test])
    y = data["digits"]
    t0 = time.perf_counter()
    net, history = training.fit(build(model, x_train.shape[1:], rng=seed, settings=s), x_train, y[train], epochs=epochs,
                                batch_size=s["batch_size"], rng=seed, learning_rate=learning_rate(train.size, s))
    seconds = time.perf_counter() - t0
    y_pred = net.predict(x_test, batch_size=256, verbose=0).argmax(axis=1)
    tokens = getattr(net, "n_train_tokens", None)
    record = dict(model=model, fold=fold, seed=seed, params=int(net.count_params()), n_train=int(train.size),
                  n_test=int(test.size), epochs=epochs, accuracy=float(np.mean(y_pred == y[test])),
                  y_pred=y_pred.tolist(),
                  history={k: history[k] for k in ("loss", "accuracy")},
                  seconds_per_epoch=seconds / epochs,
                  tokens_per_step=None if tokens is None else int(tokens) * int(s["batch_size"]))
    return record, net


def run(settings, out_dir, progress) -> dict:
    """The whole study: per test fold and seed, the transformer, the CNN and the transformer with patchout.

    Writes :data:`WEIGHTS_FILE` (the first fold's first seed's transformer) into ``out_dir``.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (with :data:`QUICK` for a quick run).
    out_dir : Path
    progress : bool
        Print one line per run.

    Returns
    -------
    dict
        ``test_speakers`` (fold → its speakers), ``y_true`` (fold → the test digits), ``weights_of``
        (the run whose weights are kept) and ``runs`` (:func:`train_run`'s records, in the order they ran).

    Notebook: (tooling, ``python -m course_lib.experiments transformer_fsdd``)
    """
    s = settings
    data = load_data(s)
    records = []
    t0 = time.perf_counter()
    kept = dict(model="transformer", fold=int(s["test_folds"][0]), seed=int(s["seeds"][0]))
    for fold in s["test_folds"]:
        for seed in s["seeds"]:
            for model in s["models"]:
                rec, net = train_run(data, model, fold, rng=seed, settings=s)
                records.append(rec)
                if dict(model=model, fold=int(fold), seed=int(seed)) == kept:
                    net.save_weights(out_dir / WEIGHTS_FILE)
                if progress:
                    print(f"fold {fold} seed {seed} {model:11s} params {rec['params']:6d} accuracy {rec['accuracy']:.3f} "
                          f"{rec['seconds_per_epoch']:.2f} s/epoch ({time.perf_counter() - t0:.0f} s)", flush=True)
    folds, speakers, digits = data["folds"], data["speakers"], data["digits"]
    return dict(test_speakers={str(k): sorted(set(speakers[folds == k].tolist())) for k in s["test_folds"]},
                y_true={str(k): digits[folds == k].tolist() for k in s["test_folds"]},
                weights_of=kept, runs=records)
