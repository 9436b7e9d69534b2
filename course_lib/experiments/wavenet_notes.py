"""Chapter 08's study: the shipped WaveNet, conditioned on the instrument, trained on real sampled notes.

A WaveNet of :data:`course_lib.models.wavenet.DEFAULT_HYPERPARAMETERS` (10 layers, dilations 1 to
512, receptive field 1024 samples) conditioned on the instrument (3 classes,
:data:`course_lib.datasets.melodies.NOTE_CONDITIONS`) learns from the 60 real sampled notes of
:func:`course_lib.datasets.melodies.note_dataset` (velocities 75 and 127) and is validated on the
same notes at velocity 100, which it never sees in training: 10 epochs of 90 steps, a cosine decay
of the learning rate. Its loss on a fixed batch of the held-out notes (:func:`check_batch`) is
recorded as ``check_loss``, so a chapter can tell whether the weights still match their results.

``python -m course_lib.experiments wavenet_notes`` writes ``data/wavenet_notes.weights.h5`` and
``data/wavenet_notes.json``. That JSON is both the study's results (with their record) and the
model's metadata that :func:`course_lib.models.wavenet.load` reads beside the weights: its
``hyperparameters``, ``sr``, ``mu``, ``conditions``, per-epoch ``history``, ``training`` (time
taken) and ``check_loss``. Chapter ``08_wavenet`` loads the model with :func:`load_model` and
recomputes the check loss live. The run took 979 s on two CPU cores shared with other jobs.

Layer 5: imports :mod:`course_lib.datasets.melodies` and :mod:`course_lib.models.wavenet`.
"""

from __future__ import annotations

import time

import numpy as np

from .. import _checks
from ..datasets import melodies
from ..models import wavenet
from . import study

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "check_batch", "load_model", "run"]

#: The notes (training and validation velocities), the examples cut from them, the network (layers,
#: stacks, channels), the training (seed, epochs, batch, peak learning rate of a cosine decay that
#: ends at ``learning_rate_floor`` times it) and the length of the check batch's windows.
SETTINGS = dict(train_velocities=(75, 127), validation_velocities=(100,), segment_length=2048, n_per_clip=12,
                validation_per_clip=2, n_layers=10, n_stacks=1, residual_channels=32, skip_channels=64, seed=0,
                epochs=10, batch_size=8, learning_rate=3e-3, learning_rate_floor=0.05, check_segment_length=1024)

#: The quick run: a tiny network, one epoch on the loudest notes, short windows.
QUICK = dict(train_velocities=(127,), segment_length=64, n_per_clip=1, validation_per_clip=1, n_layers=3,
             residual_channels=4, skip_channels=8, epochs=1, check_segment_length=64)

#: The results (also the model's metadata, read by ``wavenet.load``), then the weights (in ``data/``).
FILES = ("wavenet_notes.json", "wavenet_notes.weights.h5")

#: The recordings it reads: the SoundFont's instrument samples.
DATA = ("soundfont",)

CHAPTER = "08_wavenet"
TITLE = "a WaveNet conditioned on the instrument, trained on real sampled notes"


def check_batch(receptive_field, segment_length=1024) -> dict:
    """The fixed batch whose loss the study records (``check_loss``).

    One window of ``segment_length`` samples from each validation note (velocity 100, never used
    in training) of :func:`course_lib.datasets.melodies.note_dataset`, 30 windows, seed 0: a chapter
    recomputes the loss of the shipped weights on it with :func:`course_lib.models.wavenet.evaluate`
    and compares, so weights that no longer match their results fail.

    Parameters
    ----------
    receptive_field : int
        Samples of silence put before each note (:func:`course_lib.models.wavenet.receptive_field`).
    segment_length : int, default 1024
        Samples per window.

    Returns
    -------
    dict
        As :func:`course_lib.models.wavenet.make_examples`: ``inputs``, ``targets`` (30,
        segment_length), ``condition`` (30, 1).

    Notebook: 08_wavenet
    """
    receptive_field = _checks.integer(receptive_field, "receptive_field", minimum=0, what="samples")
    clips, labels, _ = melodies.note_dataset(velocities=(100,))
    return wavenet.make_examples(clips, labels, segment_length=segment_length, n_per_clip=1, history=receptive_field,
                                 rng=0)


def run(settings, out_dir, progress) -> dict:
    """Train the conditioned WaveNet on the notes, save its weights, measure the check loss.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (or the quick ones).
    out_dir : Path
        Where ``wavenet_notes.weights.h5`` goes.
    progress : bool
        Show a progress bar and print the losses.

    Returns
    -------
    dict
        ``hyperparameters``, ``sr``, ``mu``, ``conditions``, ``history`` (``loss``, ``val_loss`` per
        epoch, nats per sample), ``training`` (the data, the training settings and the wall-clock
        and CPU ``seconds`` it took) and ``check_loss`` (:func:`check_batch`).

    Notebook: (tooling, ``python -m course_lib.experiments wavenet_notes``)
    """
    import keras
    import tensorflow as tf

    s = settings
    seed = s["seed"]
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)
    hp = dict(wavenet.DEFAULT_HYPERPARAMETERS, n_conditions=len(melodies.NOTE_CONDITIONS), n_layers=s["n_layers"],
              n_stacks=s["n_stacks"], residual_channels=s["residual_channels"], dilation_channels=s["residual_channels"],
              skip_channels=s["skip_channels"])
    rf = wavenet.receptive_field(hp)
    t0, c0 = time.perf_counter(), time.process_time()
    clips, labels, _ = melodies.note_dataset(velocities=tuple(s["train_velocities"]))
    vclips, vlabels, _ = melodies.note_dataset(velocities=tuple(s["validation_velocities"]))
    train_data = wavenet.make_examples(clips, labels, segment_length=s["segment_length"], n_per_clip=s["n_per_clip"],
                                       history=rf, rng=seed)
    val_data = wavenet.make_examples(vclips, vlabels, segment_length=s["segment_length"],
                                     n_per_clip=s["validation_per_clip"], history=rf, rng=seed + 1)
    model = wavenet.build_model(rng=seed, **hp)
    steps = int(np.ceil(len(train_data["targets"]) / s["batch_size"]))
    schedule = keras.optimizers.schedules.CosineDecay(s["learning_rate"], decay_steps=steps * s["epochs"],
                                                      alpha=s["learning_rate_floor"])
    if progress:
        print(f"training a WaveNet (receptive field {rf} samples, {model.count_params()} parameters) on notes "
              f"({len(train_data['targets'])} examples of {s['segment_length']} samples), {s['epochs']} epochs",
              flush=True)
    history = wavenet.train(model, train_data, epochs=s["epochs"], batch_size=s["batch_size"], learning_rate=schedule,
                            validation_data=val_data, progress=progress, rng=seed)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    check_loss = wavenet.evaluate(model, check_batch(rf, s["check_segment_length"]))
    info = dict(sr=melodies.SAMPLE_RATE, mu=wavenet.MU, conditions=list(melodies.NOTE_CONDITIONS), history=history,
                training={"data": "notes", "seed": seed, "epochs": s["epochs"], "batch_size": s["batch_size"],
                          "learning_rate": s["learning_rate"], "segment_length": s["segment_length"],
                          "n_per_clip": s["n_per_clip"], "seconds": round(seconds, 1),
                          "cpu_seconds": round(cpu_seconds, 1)},
                check_loss=check_loss)
    wavenet.save(model, out_dir / FILES[1], **info)  # the weights, and a JSON that course_lib.experiments.run completes
    if progress:
        print(f"final loss: train {history['loss'][-1]:.4f}, validation {history['val_loss'][-1]:.4f} nats/sample")
    return {"hyperparameters": wavenet.hyperparameters_of(model), **info}


def load_model(out_dir=None, *, quick=False, check=True):
    """The study's trained WaveNet and its results, from the results' folder (default ``data/``).

    Parameters
    ----------
    out_dir : str or Path, optional
        The results' folder (default ``data/``).
    quick : bool
        Read a quick run's results.
    check : bool
        Refuse results made by other settings, code or data (:func:`course_lib.experiments.load`).

    Returns
    -------
    model : keras.Model
        Rebuilt from the saved ``hyperparameters``, with the saved weights.
    results : course_lib.experiments.Results
        ``results["history"]`` (``loss``, ``val_loss`` per epoch), ``["training"]``
        (``seconds``, ``cpu_seconds``, ...), ``["check_loss"]``, ``["conditions"]``, and
        ``results.record`` (the settings, code and data that made them).

    Raises
    ------
    ResultsNotFoundError
        No results or no weights (the message names the file and the command that makes it).
    StaleResultsError
        ``check`` and results made by other settings, code or data.

    Notebook: 08_wavenet
    """
    results = study.load("wavenet_notes", out_dir, check=check, quick=quick)
    model, _ = wavenet.load(results.path(FILES[1]))
    return model, results
