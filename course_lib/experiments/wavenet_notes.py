"""Chapter 08's study: the shipped WaveNet, conditioned on the instrument, tested on notes it never heard.

A WaveNet of :data:`course_lib.models.wavenet.DEFAULT_HYPERPARAMETERS` (10 layers, dilations 1 to
512, receptive field 1024 samples) conditioned on the instrument (3 classes,
:data:`course_lib.datasets.melodies.NOTE_CONDITIONS`) learns from real sampled notes of
:func:`course_lib.datasets.melodies.note_dataset`. What is held out is what the chapter's claims
are about (:func:`note_sets`):

- **training**: the three instruments at six of the ten pitches (MIDI 57, 60, 64, 67, 74, 79),
  velocities 75 and 127: 36 notes;
- **validation** (the learning curve, and the smoothing of the count baselines): the three
  instruments at MIDI 72, velocities 75, 100 and 127: 9 notes;
- **test, unheard pitches**: the three instruments at MIDI 62, 69 and 76 (velocity 100): 9 notes
  whose pitch no training note has, on any instrument;
- **test, unheard instrument**: a fourth instrument, the FluidR3 clarinet (GM 71), never seen in
  training, at all ten pitches (velocity 100): 10 notes.

(The same instrument and key at another velocity is no held-out note: the SoundFont renders it
from the same recording, bit-identical for the trumpet.) Training: 10 epochs of 90 steps of 8
windows of 2048 samples, a cosine decay of the learning rate, as before the split changed.

The measure is the field's for autoregressive models of audio: the **teacher-forced
cross-entropy** of the next 8-bit mu-law code, in nats per sample (``ln 256 ≈ 5.55`` for a
uniform guess; divide by ln 2 for bits), here over every sample of each one-second note, started
from silence (:func:`note_losses`). The per-note losses are recorded for every set, and for the two
test sets under each of the three instrument labels, so that a chapter can compare the right label
with the wrong ones note by note. Baselines on the same notes (:func:`count_baselines`): the
marginal distribution of the training notes' codes and a first-order Markov chain of the codes
(bigram counts), each add-alpha smoothed with the alpha that does best on the validation notes.
The loss on a fixed batch of windows of the unheard-pitch notes (:func:`check_batch`) is recorded
as ``check_loss``, so a chapter can tell whether the weights still match their results.

``python -m course_lib.experiments wavenet_notes`` writes ``data/wavenet_notes.weights.h5`` and
``data/wavenet_notes.json``. That JSON is both the study's results (with their record) and the
model's metadata that :func:`course_lib.models.wavenet.load` reads beside the weights: its
``hyperparameters``, ``sr``, ``mu``, ``conditions``, per-epoch ``history``, ``training`` (time
taken), ``check_loss``, ``sets`` (which notes are in which set), ``losses`` (per note) and
``baselines``. Chapter ``08_wavenet`` loads the model with :func:`load_model` and recomputes the
check loss and some per-note losses live.

Layer 5: imports :mod:`course_lib.datasets.melodies`, :mod:`course_lib.datasets.instruments` and
:mod:`course_lib.models.wavenet`.
"""

from __future__ import annotations

import time

import numpy as np

from .. import _checks
from ..datasets import instruments, melodies
from ..models import wavenet
from . import study

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "SETS", "TEST_INSTRUMENT", "note_sets",
           "note_losses", "count_baselines", "check_batch", "load_model", "run"]

#: The split (the held-out pitches and instrument, the velocities of each set), the examples cut
#: from the training and validation notes, the network (layers, stacks, channels), the training
#: (seed, epochs, batch, peak learning rate of a cosine decay that ends at ``learning_rate_floor``
#: times it), the count baselines' candidate smoothings and the length of the check batch's windows.
#: The training pitches are the other pitches of :data:`course_lib.datasets.melodies.NOTE_PITCHES`.
SETTINGS = dict(test_pitches=(62, 69, 76), validation_pitches=(72,), test_instrument=71, train_velocities=(75, 127),
                validation_velocities=(75, 100, 127), test_velocity=100, segment_length=2048, n_per_clip=20,
                validation_per_clip=4, n_layers=10, n_stacks=1, residual_channels=32, skip_channels=64, seed=0,
                epochs=10, batch_size=8, learning_rate=3e-3, learning_rate_floor=0.05,
                smoothing=(0.01, 0.03, 0.1, 0.3, 1.0, 3.0), check_segment_length=1024)

#: The quick run: a tiny network, one epoch on the loudest notes, short windows (the same split).
QUICK = dict(train_velocities=(127,), segment_length=64, n_per_clip=1, validation_per_clip=1, n_layers=3,
             residual_channels=4, skip_channels=8, epochs=1, check_segment_length=64)

#: The results (also the model's metadata, read by ``wavenet.load``), then the weights (in ``data/``).
FILES = ("wavenet_notes.json", "wavenet_notes.weights.h5")

#: The recordings it reads: the SoundFont's instrument samples.
DATA = ("soundfont",)

CHAPTER = "08_wavenet"
TITLE = "a WaveNet conditioned on the instrument, tested on unheard pitches and an unheard instrument"

#: The four sets of :func:`note_sets`, in order.
SETS = ("train", "validation", "test_pitches", "test_instrument")

#: Name of the held-out instrument of :data:`SETTINGS` (GM program 71 of the FluidR3 SoundFont).
TEST_INSTRUMENT = "clarinet"


def _held_out_notes(program, velocity, peak=0.5):
    """The held-out instrument at every pitch of NOTE_PITCHES, normalized as note_dataset does."""
    notes = instruments.nsynth_notes([program], melodies.NOTE_PITCHES, velocities=(velocity,), duration=1.0,
                                     sr=melodies.SAMPLE_RATE)
    audio = notes.audio.astype(np.float64)
    audio = peak * audio / np.max(np.abs(audio), axis=1, keepdims=True)
    return audio.astype(np.float32), notes.pitch.astype(np.int64), notes.velocity.astype(np.int64)


def note_sets(settings=None) -> dict:
    """The study's four sets of real notes: training, validation, unheard pitches, unheard instrument.

    Training and validation notes and the unheard-pitch test notes are notes of
    :func:`course_lib.datasets.melodies.note_dataset` (guitar, trumpet, flute), split by MIDI key:
    no pitch of the validation or test notes is the pitch of any training note, on any instrument.
    The unheard-instrument test notes are a fourth SoundFont instrument (``test_instrument``, a GM
    program), rendered and peak-normalized in the same way, at every pitch of
    :data:`course_lib.datasets.melodies.NOTE_PITCHES`.

    Parameters
    ----------
    settings : dict, optional
        :data:`SETTINGS` (default) or a run's settings: ``test_pitches``, ``validation_pitches``,
        ``test_instrument``, ``train_velocities``, ``validation_velocities``, ``test_velocity``.

    Returns
    -------
    dict
        For each name of :data:`SETS`, a dict of ``clips`` (float32, (n, 8000)), ``labels`` (the
        conditioning class, an index into :data:`course_lib.datasets.melodies.NOTE_CONDITIONS`;
        -1 for the unheard instrument, which has none), ``midi``, ``velocity`` and ``instrument``
        (names).

    Raises
    ------
    ValueError
        Test or validation pitches that are no pitches of the note set, that overlap, or that leave
        no training pitch; a test instrument that is one of the training instruments.

    Notebook: 08_wavenet
    """
    s = dict(SETTINGS if settings is None else settings)
    test_p = [_checks.integer(p, "test_pitches", 0, 127, "MIDI keys") for p in s["test_pitches"]]
    val_p = [_checks.integer(p, "validation_pitches", 0, 127, "MIDI keys") for p in s["validation_pitches"]]
    for name, keys in (("test_pitches", test_p), ("validation_pitches", val_p)):
        if not keys or not set(keys) <= set(melodies.NOTE_PITCHES):
            raise ValueError(f"{name} must be some of melodies.NOTE_PITCHES {melodies.NOTE_PITCHES}, got {keys}")
    if set(test_p) & set(val_p):
        raise ValueError(f"test_pitches and validation_pitches overlap: {sorted(set(test_p) & set(val_p))}")
    train_p = [p for p in melodies.NOTE_PITCHES if p not in test_p + val_p]
    if not train_p:
        raise ValueError("test_pitches and validation_pitches leave no training pitch")
    program = instruments.gm_program(s["test_instrument"])
    if program in melodies.NOTE_INSTRUMENTS:
        raise ValueError(f"test_instrument must be an instrument never trained on, not one of "
                         f"{melodies.NOTE_INSTRUMENTS}, got {program}")
    velocities = sorted({*s["train_velocities"], *s["validation_velocities"], s["test_velocity"]})
    clips, labels, midi = melodies.note_dataset(velocities=tuple(velocities))
    velocity = np.tile(np.array(velocities, np.int64), len(clips) // len(velocities))  # ordered by instrument, pitch, velocity
    names = np.array(melodies.NOTE_CONDITIONS)

    def pick(keys, vels):
        keep = np.isin(midi, keys) & np.isin(velocity, vels)
        return dict(clips=clips[keep], labels=labels[keep], midi=midi[keep], velocity=velocity[keep],
                    instrument=names[labels[keep]].tolist())

    held, held_midi, held_velocity = _held_out_notes(program, s["test_velocity"])
    return {"train": pick(train_p, list(s["train_velocities"])),
            "validation": pick(val_p, list(s["validation_velocities"])),
            "test_pitches": pick(test_p, [s["test_velocity"]]),
            "test_instrument": dict(clips=held, labels=np.full(len(held), -1, np.int64), midi=held_midi,
                                    velocity=held_velocity,
                                    instrument=[TEST_INSTRUMENT if program == SETTINGS["test_instrument"]
                                                else f"GM {program}"] * len(held))}


def _note_codes(clips, history, mu=wavenet.MU):
    silence = int(wavenet.mu_law_encode(0.0, mu))
    return np.stack([np.concatenate([np.full(history, silence, np.int64), wavenet.mu_law_encode(c, mu)]) for c in clips])


def note_losses(model, clips, condition=None, batch_size=4) -> np.ndarray:
    """Teacher-forced cross-entropy of each whole note: nats per sample of the next mu-law code.

    Each note is mu-law encoded and preceded by one receptive field of silence (as in training and
    generation); the model predicts every sample of the note from the true samples before it, and
    the loss of a note is the mean of ``-ln p(true code)`` over all its samples.

    Parameters
    ----------
    model : keras.Model
        A WaveNet (:func:`course_lib.models.wavenet.build_model` or :func:`load_model`).
    clips : array_like, shape (n, length)
        Notes in [-1, 1], all of one length.
    condition : int or array_like of int, optional
        The instrument label given to the model: one for all notes or one per note (required by a
        conditioned model).
    batch_size : int, default 4
        Notes per forward pass.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        Nats per sample, one value per note.

    Raises
    ------
    ValueError
        Clips that are not a 2-D array of audio, or a condition count that differs from the notes'.

    Notebook: 08_wavenet
    """
    from scipy.special import log_softmax

    batch_size = _checks.positive_int(batch_size, "batch_size", "notes")
    clips = _checks.audio(np.asarray(clips, np.float32), "clips", ndim=2)
    rf = wavenet.receptive_field(model)
    codes = _note_codes(clips, rf)
    n, length = clips.shape
    conditioned = wavenet.hyperparameters_of(model)["n_conditions"] > 0
    if conditioned:
        if condition is None:
            raise ValueError("condition is required: the model is conditioned on the instrument")
        cond = np.broadcast_to(np.asarray(condition, np.int64).reshape(-1), (n,)) if np.ndim(condition) == 0 \
            else np.asarray(condition, np.int64)
        if cond.shape != (n,):
            raise ValueError(f"condition must give one label for all notes or one per note: {cond.size} for {n} notes")
    net = wavenet.logits_model(model)
    out = np.empty(n)
    for i in range(0, n, batch_size):
        x = [codes[i : i + batch_size, :-1].astype(np.int32)]
        if conditioned:
            x.append(cond[i : i + batch_size, None].astype(np.int32))
        logits = np.asarray(net.predict(x, verbose=0, batch_size=batch_size), np.float64)[:, rf - 1 :]
        targets = codes[i : i + batch_size, rf:]
        log_p = np.take_along_axis(log_softmax(logits, axis=-1), targets[..., None], axis=-1)[..., 0]
        out[i : i + batch_size] = -log_p.mean(axis=1)
    return out


def count_baselines(train_clips, clips, alpha=1.0) -> dict:
    """Two count models of the mu-law codes of the training notes, scored per note like the WaveNet.

    - **marginal**: ``p(x_t)`` = how often code ``x_t`` occurs in the training notes (add-alpha);
    - **markov**: a first-order Markov chain, ``p(x_t | x_{t-1})`` from the counts of code pairs in
      the training notes (add-alpha per row).

    Each note starts after one code of silence, as the WaveNet's notes start after silence.

    Parameters
    ----------
    train_clips : array_like, shape (n_train, length)
        The notes whose codes are counted.
    clips : array_like, shape (n, length)
        The notes to score.
    alpha : float or dict, default 1.0
        Add-alpha smoothing (> 0); a dict gives one per model (``marginal``, ``markov``).

    Returns
    -------
    dict
        ``marginal`` and ``markov``: numpy arrays of nats per sample, one value per note.

    Raises
    ------
    ValueError
        A smoothing that is not positive.

    Notebook: (tooling, ``python -m course_lib.experiments wavenet_notes``; chapter 08 rebuilds the chain by hand)
    """
    a = alpha if isinstance(alpha, dict) else {"marginal": alpha, "markov": alpha}
    a = {k: _checks.positive(a[k], "alpha", "(add-alpha smoothing)") for k in ("marginal", "markov")}
    train = _note_codes(_checks.audio(np.asarray(train_clips, np.float32), "train_clips", ndim=2), 1)
    codes = _note_codes(_checks.audio(np.asarray(clips, np.float32), "clips", ndim=2), 1)
    n_classes = wavenet.MU + 1
    marginal = np.bincount(train[:, 1:].ravel(), minlength=n_classes) + a["marginal"]
    pairs = np.zeros((n_classes, n_classes))
    np.add.at(pairs, (train[:, :-1].ravel(), train[:, 1:].ravel()), 1.0)
    pairs += a["markov"]
    log_marginal = np.log(marginal / marginal.sum())
    log_markov = np.log(pairs / pairs.sum(axis=1, keepdims=True))
    return {"marginal": -log_marginal[codes[:, 1:]].mean(axis=1),
            "markov": -log_markov[codes[:, :-1], codes[:, 1:]].mean(axis=1)}


def check_batch(receptive_field, segment_length=1024) -> dict:
    """The fixed batch whose loss the study records (``check_loss``).

    One window of ``segment_length`` samples from each unheard-pitch test note of :func:`note_sets`
    (9 notes, with their instrument labels), seed 0: a chapter recomputes the loss of the shipped
    weights on it with :func:`course_lib.models.wavenet.evaluate` and compares, so weights that no
    longer match their results fail.

    Parameters
    ----------
    receptive_field : int
        Samples of silence put before each note (:func:`course_lib.models.wavenet.receptive_field`).
    segment_length : int, default 1024
        Samples per window.

    Returns
    -------
    dict
        As :func:`course_lib.models.wavenet.make_examples`: ``inputs``, ``targets`` (9,
        segment_length), ``condition`` (9, 1).

    Notebook: 08_wavenet
    """
    receptive_field = _checks.integer(receptive_field, "receptive_field", minimum=0, what="samples")
    test = note_sets()["test_pitches"]
    return wavenet.make_examples(test["clips"], test["labels"], segment_length=segment_length, n_per_clip=1,
                                 history=receptive_field, rng=0)


def _best_alpha(train_clips, validation_clips, candidates):
    scores = {a: count_baselines(train_clips, validation_clips, a) for a in candidates}
    return {k: min(candidates, key=lambda a: float(np.mean(scores[a][k]))) for k in ("marginal", "markov")}


def run(settings, out_dir, progress) -> dict:
    """Train the conditioned WaveNet on the training notes, save its weights, score every set.

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
        epoch on windows of the training and validation notes, nats per sample), ``training`` (the
        data, the training settings and the wall-clock and CPU ``seconds`` it took), ``check_loss``
        (:func:`check_batch`), ``sets`` (per set: ``instrument``, ``midi``, ``velocity`` of each
        note), ``losses`` (per set, per note, nats per sample: ``train`` and ``validation`` under
        the note's own label; ``test_pitches`` and ``test_instrument`` as one row per note and one
        column per label of ``conditions``), ``baselines`` (per set: ``marginal`` and ``markov``
        per note, and ``alpha``, the smoothing chosen on the validation notes) and
        ``evaluation_seconds``.

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
    sets = note_sets(s)
    train, val = sets["train"], sets["validation"]
    train_data = wavenet.make_examples(train["clips"], train["labels"], segment_length=s["segment_length"],
                                       n_per_clip=s["n_per_clip"], history=rf, rng=seed)
    val_data = wavenet.make_examples(val["clips"], val["labels"], segment_length=s["segment_length"],
                                     n_per_clip=s["validation_per_clip"], history=rf, rng=seed + 1)
    model = wavenet.build_model(rng=seed, **hp)
    steps = int(np.ceil(len(train_data["targets"]) / s["batch_size"]))
    schedule = keras.optimizers.schedules.CosineDecay(s["learning_rate"], decay_steps=steps * s["epochs"],
                                                      alpha=s["learning_rate_floor"])
    if progress:
        print(f"training a WaveNet (receptive field {rf} samples, {model.count_params()} parameters) on "
              f"{len(train['clips'])} notes ({len(train_data['targets'])} examples of {s['segment_length']} samples), "
              f"{s['epochs']} epochs", flush=True)
    history = wavenet.train(model, train_data, epochs=s["epochs"], batch_size=s["batch_size"], learning_rate=schedule,
                            validation_data=val_data, progress=progress, rng=seed)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    t1 = time.perf_counter()
    labels = range(len(melodies.NOTE_CONDITIONS))
    losses = {"train": note_losses(model, train["clips"], train["labels"]),
              "validation": note_losses(model, val["clips"], val["labels"])}
    for name in ("test_pitches", "test_instrument"):
        losses[name] = np.stack([note_losses(model, sets[name]["clips"], c) for c in labels], axis=1)
    alpha = _best_alpha(train["clips"], val["clips"], s["smoothing"])
    baselines = {"alpha": alpha, **{name: count_baselines(train["clips"], sets[name]["clips"], alpha) for name in SETS}}
    check_loss = wavenet.evaluate(model, wavenet.make_examples(
        sets["test_pitches"]["clips"], sets["test_pitches"]["labels"], segment_length=s["check_segment_length"],
        n_per_clip=1, history=rf, rng=0))  # = check_batch(rf, check_segment_length) for SETTINGS' split
    info = dict(sr=melodies.SAMPLE_RATE, mu=wavenet.MU, conditions=list(melodies.NOTE_CONDITIONS), history=history,
                training={"data": "notes", "seed": seed, "epochs": s["epochs"], "batch_size": s["batch_size"],
                          "learning_rate": s["learning_rate"], "segment_length": s["segment_length"],
                          "n_per_clip": s["n_per_clip"], "seconds": round(seconds, 1),
                          "cpu_seconds": round(cpu_seconds, 1)},
                check_loss=check_loss)
    wavenet.save(model, out_dir / FILES[1], **info)  # the weights, and a JSON that course_lib.experiments.run completes
    results = {"hyperparameters": wavenet.hyperparameters_of(model), **info,
               "sets": {name: {k: sets[name][k] for k in ("instrument", "midi", "velocity")} for name in SETS},
               "losses": losses, "baselines": baselines,
               "evaluation_seconds": round(time.perf_counter() - t1, 1)}
    if progress:
        own = losses["test_pitches"][np.arange(len(losses["test_pitches"])), sets["test_pitches"]["labels"]]
        print(f"final loss: train {history['loss'][-1]:.4f}, validation {history['val_loss'][-1]:.4f} nats/sample; "
              f"whole notes: unheard pitches (own label) {own.mean():.4f}, unheard instrument (best label) "
              f"{losses['test_instrument'].min(axis=1).mean():.4f}, Markov baseline {baselines['test_pitches']['markov'].mean():.4f} "
              f"and {baselines['test_instrument']['markov'].mean():.4f}", flush=True)
    return study.jsonable(results)


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
        (``seconds``, ``cpu_seconds``, ...), ``["check_loss"]``, ``["conditions"]``, ``["sets"]``,
        ``["losses"]``, ``["baselines"]``, and ``results.record`` (the settings, code and data that
        made them).

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
