"""Chapter 07's "regression or classification?": the same small CREPE trained with either head.

The talk asks whether pitch should be regressed (one number) or classified (CREPE's 360
Gaussian-blurred bins). Here the same network (:func:`course_lib.models.crepe.build_model`,
multiplier 1, no dropout, Conv1D layout) is trained with each head (:func:`train_head`) on the
same frames, in the same order, with the same seeds: half real sampled-instrument notes
(:func:`note_frames`), half synthetic harmonic tones 65–1000 Hz
(:func:`course_lib.models.crepe.synthetic_frames`), half of these octave-ambiguous
(:func:`head_data`).

**Held out means held out.** The notes are split by what the claim is about (:func:`split_keys`):
training notes come from three instruments (``train_instruments``) at two thirds of their MIDI
keys; validation notes from the same instruments at a sixth of the keys (``key % 6 == 0``); test
notes at the remaining sixth (``key % 6 == 3``), pitches no training note has, and from an
instrument never heard in training (``held_out_instrument``, every key of its range).
**Equal tuning.** Each head gets the same learning-rate sweep (``learning_rates``, seed 0), and
keeps the rate with the best validation RPA; the seeds then run at each head's own rate. Each
head is read out by :func:`course_lib.models.crepe.head_cents` and scored on the test frames
(:func:`head_scores`: RPA, RCA, median and mean absolute error, per kind of frame: ``note``
(unheard keys), ``instrument`` (unheard instrument), ``tone``, ``ambiguous``).

Results (``data/crepe_heads.json``): ``sweep`` (validation scores of every head and rate),
``chosen`` (each head's rate), ``runs`` (one per head and seed at the chosen rate: ``final_loss``,
``loss_curve`` of :func:`loss_curve`, ``scores``, and the signed error of every test frame),
``test_kind`` and ``test_midi``. Remake them with ``python -m course_lib.experiments crepe_heads``
(about 20 minutes on a 2-core CPU: 10 runs of 1,500 steps); chapter ``07_crepe`` re-trains the
first 300 steps of one run live and checks that its loss curve is the saved one. Layer 5.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..datasets import pitch_eval
from ..dsp import pitch
from ..models import crepe

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "KINDS", "split_keys", "note_frames",
           "train_head", "head_data", "head_errors", "head_scores", "loss_curve", "run"]

#: ``steps`` batches of ``batch_size`` fresh frames (each frame seen once), made in chunks of
#: ``chunk_steps`` batches so that the first steps can be remade alone; ``n_val`` validation and
#: ``n_test`` test frames (drawn from ``data_seed``); the notes of ``train_instruments`` split by
#: key (:func:`split_keys`), ``held_out_instrument`` for testing only; each head tried at every
#: rate of ``learning_rates`` (seed 0), then one run per seed of ``seeds`` at its best rate; the
#: loss curve keeps the mean of every ``curve_every`` steps.
SETTINGS = {"steps": 1500, "batch_size": 32, "learning_rates": [0.001, 0.003, 0.01], "multiplier": 1,
            "n_val": 400, "n_test": 600, "seeds": [0, 1, 2], "data_seed": 7, "chunk_steps": 100, "curve_every": 25,
            "train_instruments": ["Cello", "Acoustic Guitar (nylon)", "Clarinet"], "held_out_instrument": "Trumpet"}
#: ``--quick``: three steps of 16 frames, 20 validation and 24 test frames, one seed, two rates.
QUICK = {"steps": 3, "batch_size": 16, "chunk_steps": 2, "curve_every": 2, "n_val": 20, "n_test": 24, "seeds": [0],
         "learning_rates": [0.001, 0.003]}

#: The kinds of test frame: notes of the training instruments at unheard keys, notes of the unheard
#: instrument, plain synthetic tones, octave-ambiguous synthetic tones.
KINDS = ("note", "instrument", "tone", "ambiguous")
FILES = ("crepe_heads.json",)
DATA = ("soundfont",)
CHAPTER = "07_crepe"
TITLE = "the same small CREPE with a classification and a regression head"

_NOTES: dict = {}

#: The parts of :func:`split_keys`: which residue of ``key % 6`` each part gets.
_KEY_PARTS = {"validation": (0,), "test": (3,), "train": (1, 2, 4, 5)}


def split_keys(lowest, highest, part) -> list:
    """The MIDI keys of ``[lowest, highest]`` in one part of the key split: train, validation or test.

    Keys are split by ``key % 6``: 0 for validation, 3 for test, the other four for training. The
    split is by key number, not per instrument, so a test pitch is unheard for *every* training
    instrument, and the held-out keys are spread over the whole range (every sixth semitone).

    Parameters
    ----------
    lowest, highest : int
        MIDI keys, inclusive.
    part : {"train", "validation", "test"}

    Returns
    -------
    list of int

    Notebook: 07_crepe (via `head_data`)
    """
    lowest = _checks.integer(lowest, "lowest", minimum=0, maximum=127, what="MIDI key")
    highest = _checks.integer(highest, "highest", minimum=lowest, maximum=127, what="MIDI key")
    part = _checks.choice(part, "part", tuple(_KEY_PARTS))
    return [k for k in range(lowest, highest + 1) if k % 6 in _KEY_PARTS[part]]


def note_frames(n_frames, *, instruments=("Cello", "Acoustic Guitar (nylon)", "Clarinet", "Trumpet"),
                keys=None, snr_db=(10.0, 40.0), rng=0, sigma=25.0):
    """Frames of real sampled-instrument notes with known pitch, for training and testing.

    Each 1024-sample frame (16 kHz) is cut at a random time 0.1–0.4 s into a 0.6 s note of
    :func:`course_lib.datasets.instruments.instrument_note` (velocity 100) of a random instrument
    and a random one of its keys, with white noise at a uniform SNR in ``snr_db``; z-scored;
    the targets are :func:`course_lib.models.crepe.gaussian_targets` of the key's frequency.

    Parameters
    ----------
    n_frames : int
    instruments : sequence of str
        Instrument names; the keys default to every key of
        :data:`course_lib.datasets.pitch_eval.BENCHMARK_INSTRUMENTS`' ranges.
    keys : dict, optional
        ``{instrument: sequence of MIDI keys}`` to draw from (e.g. :func:`split_keys`).
    snr_db : (float, float)
        dB.
    rng : int or numpy.random.Generator
    sigma : float
        Target blur, cents.

    Returns
    -------
    frames : np.ndarray of float32, shape (n_frames, 1024)
    targets : np.ndarray of float32, shape (n_frames, 360)
    f0 : np.ndarray of float64, shape (n_frames,), Hz

    Notebook: 07_crepe (via `head_data`)
    """
    from ..datasets import instruments as _instruments

    n = _checks.positive_int(n_frames, "n_frames", what="frames")
    if keys is None:
        keys = {name: list(range(lo, hi + 1)) for name, (lo, hi) in pitch_eval.BENCHMARK_INSTRUMENTS.items()}
    keys = {name: [int(k) for k in ks] for name, ks in dict(keys).items()}
    names = list(instruments)
    if not names:
        raise ValueError("instruments must name at least one instrument")
    for name in names:
        if not keys.get(name):
            raise ValueError(f"instruments: no keys for {name!r}; pass keys={{{name!r}: [MIDI keys]}}")
    rng = _checks.rng(rng)
    sr, length = crepe.SAMPLE_RATE, crepe.FRAME_LENGTH
    frames = np.empty((n, length), np.float64)
    f0 = np.empty(n)
    for i in range(n):
        name = names[int(rng.integers(len(names)))]
        midi = keys[name][int(rng.integers(len(keys[name])))]
        if (name, midi) not in _NOTES:
            _NOTES[name, midi] = _instruments.instrument_note(name, midi, velocity=100, duration=0.6, sr=sr, release=0.0)
        start = int(rng.integers(int(0.1 * sr), int(0.4 * sr)))
        x = _NOTES[name, midi][start : start + length].astype(np.float64)
        snr = rng.uniform(*snr_db)
        frames[i] = x + rng.standard_normal(length) * np.sqrt(np.mean(x**2) / 10 ** (snr / 10))
        f0[i] = pitch.midi_to_hz(midi)
    return crepe.normalize_frames(frames), crepe.gaussian_targets(f0, sigma), f0


def train_head(head, frames, f0, *, rng=0, epochs=1, batch_size=32, learning_rate=0.003, multiplier=1):
    """Train a small CREPE (multiplier 1, no dropout, Conv1D layout) with one of the two heads.

    ``"classification"``: 360 sigmoids, binary cross-entropy on
    :func:`course_lib.models.crepe.gaussian_targets` (σ = 25 cents), decoded by
    :func:`course_lib.models.crepe.to_local_average_cents`. ``"regression"``: one linear output,
    mean squared error on ``(cents - REGRESSION_CENTER) / REGRESSION_SCALE``. Same network body,
    data, order of batches (no shuffling), optimizer (Adam) and seed.

    Parameters
    ----------
    head : {"classification", "regression"}
    frames : np.ndarray, shape (n, 1024)
        z-scored frames.
    f0 : np.ndarray, shape (n,)
        Hz.
    rng : int or numpy.random.Generator
        Seeds Keras, NumPy and Python (``keras.utils.set_random_seed``): the initial weights (a
        generator gives the seed).
    epochs, batch_size : int
    learning_rate : float
    multiplier : int
        Capacity multiplier of :func:`course_lib.models.crepe.build_model`.

    Returns
    -------
    model : keras.Model
    losses : list of float
        The loss of each batch (recovered from Keras' running mean over the epoch:
        ``(b + 1) · mean_b - b · mean_{b-1}`` for batch ``b``).

    Notebook: 07_crepe
    """
    import keras

    head = _checks.choice(head, "head", crepe.HEADS)
    frames = np.asarray(frames, np.float32)
    f0 = np.asarray(f0, np.float64)
    if frames.ndim != 2 or frames.shape[1] != crepe.FRAME_LENGTH or f0.shape != (frames.shape[0],):
        raise ValueError(f"frames must be (n, {crepe.FRAME_LENGTH}) and f0 (n,), got {frames.shape} and {f0.shape}")
    keras.utils.set_random_seed(_checks.seed(rng))
    model = crepe.build_model(multiplier, dropout=0.0, layout="conv1d", head=head)
    if head == "classification":
        target, loss = crepe.gaussian_targets(f0), "binary_crossentropy"
    else:
        target = ((pitch.hz_to_cents(f0) - crepe.REGRESSION_CENTER) / crepe.REGRESSION_SCALE).astype(np.float32)[:, None]
        loss = "mse"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
    losses, running = [], [0.0]

    def record(batch, logs):  # Keras logs the epoch's running mean; keep each batch's own loss
        mean = float(logs["loss"])
        losses.append((batch + 1) * mean - batch * running[0] if batch else mean)
        running[0] = mean

    log = keras.callbacks.LambdaCallback(on_train_batch_end=record)
    model.fit(frames, target, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0, callbacks=[log])
    return model, losses


def _part_keys(settings, part) -> dict:
    ranges = pitch_eval.BENCHMARK_INSTRUMENTS
    return {name: split_keys(*ranges[name], part) for name in settings["train_instruments"]}


def _head_frames(count, rng, settings, part):
    """``count`` frames of one part: half notes, half synthetic tones (half of them octave-ambiguous).

    ``train`` and ``validation`` notes: the training instruments at that part's keys; ``test``
    notes: half the training instruments at the test keys (``"note"``), half the held-out
    instrument at every key of its range (``"instrument"``). Returns frames, f0 (Hz), kind, MIDI
    key (0 for a synthetic tone).
    """
    half = count // 2
    if part == "test":
        quarter = half // 2
        xn, _, fn = note_frames(quarter, instruments=settings["train_instruments"], keys=_part_keys(settings, "test"), rng=rng)
        other = settings["held_out_instrument"]
        xi, _, fi = note_frames(half - quarter, instruments=(other,),
                                keys={other: range(pitch_eval.BENCHMARK_INSTRUMENTS[other][0],
                                                   pitch_eval.BENCHMARK_INSTRUMENTS[other][1] + 1)}, rng=rng)
        xn, fn = np.concatenate([xn, xi]), np.concatenate([fn, fi])
        note_kind = ["note"] * quarter + ["instrument"] * (half - quarter)
    else:
        xn, _, fn = note_frames(half, instruments=settings["train_instruments"], keys=_part_keys(settings, part), rng=rng)
        note_kind = ["note"] * half
    xs, _, fs, amb = crepe.synthetic_frames(count - half, fmin=65.0, fmax=1000.0, rng=rng, octave_ambiguous=0.5)
    kind = np.array(note_kind + ["ambiguous" if a else "tone" for a in amb])
    midi = np.concatenate([np.round(pitch.hz_to_midi(fn)), np.zeros(count - half)]).astype(int)
    return np.concatenate([xn, xs]), np.concatenate([fn, fs]), kind, midi


def head_data(settings=None, *, steps=None):
    """Training, validation and test frames of the study (the same for both heads and every seed).

    Half of each set are real sampled-instrument notes (:func:`note_frames`), half synthetic
    harmonic tones 65–1000 Hz (:func:`course_lib.models.crepe.synthetic_frames`), half of these
    octave-ambiguous (weak fundamental, strongest second harmonic). The notes are split by key
    and instrument (:func:`split_keys`): training notes at the training keys of the training
    instruments; validation notes at the validation keys; test notes at the test keys
    (``"note"``) and of the held-out instrument (``"instrument"``). The training frames are made
    in chunks of ``chunk_steps · batch_size`` frames, chunk ``i`` shuffled and drawn from the seed
    ``(data_seed, 1, i)``, the validation frames from ``(data_seed, 2)`` and the test frames from
    ``(data_seed, 0)``: the first ``steps`` batches are the same whether or not the rest is made.

    Parameters
    ----------
    settings : dict, optional
        Default :data:`SETTINGS`.
    steps : int, optional
        Make only the frames of the first ``steps`` batches (default ``settings["steps"]``).

    Returns
    -------
    train : (frames, f0, midi)
        ``steps · batch_size`` frames in training order; ``midi``: the note's key (0 for a tone).
    validation : (frames, f0, kind, midi)
    test : (frames, f0, kind, midi)
        ``kind``: one of :data:`KINDS` per frame.

    Notebook: 07_crepe
    """
    s = dict(SETTINGS if settings is None else settings)
    steps = _checks.positive_int(s["steps"] if steps is None else steps, "steps", what="batches")
    n_train, chunk = steps * s["batch_size"], s["chunk_steps"] * s["batch_size"]
    xs, fs, ms = [], [], []
    for i, start in enumerate(range(0, n_train, chunk)):
        rng = np.random.default_rng((s["data_seed"], 1, i))
        x, f, _, m = _head_frames(min(chunk, n_train - start), rng, s, "train")
        order = rng.permutation(len(f))
        xs.append(x[order])
        fs.append(f[order])
        ms.append(m[order])
    validation = _head_frames(s["n_val"], np.random.default_rng((s["data_seed"], 2)), s, "validation")
    test = _head_frames(s["n_test"], np.random.default_rng((s["data_seed"], 0)), s, "test")
    return (np.concatenate(xs), np.concatenate(fs), np.concatenate(ms)), validation, test


def head_errors(cents, f0) -> np.ndarray:
    """Signed pitch errors in cents (estimate minus truth; 10,000 where the estimate is not finite).

    Parameters
    ----------
    cents : array_like
        Predicted cents above 10 Hz.
    f0 : array_like
        True Hz.

    Returns
    -------
    np.ndarray of float64

    Notebook: 07_crepe (via `head_scores`)
    """
    err = np.asarray(cents, float) - pitch.hz_to_cents(np.asarray(f0, float))
    return np.where(np.isfinite(err), err, 1e4)


def head_scores(cents, f0, kind):
    """Scores of one trained head on the test frames: overall and per kind of frame.

    Parameters
    ----------
    cents : np.ndarray
        Predicted cents above 10 Hz.
    f0 : np.ndarray
        True Hz.
    kind : np.ndarray of str

    Returns
    -------
    dict
        For ``all`` and each kind of :data:`KINDS` present: ``rpa`` (within 50 cents), ``rca``
        (within 50 cents after folding octaves), ``median_error`` and ``mean_error`` (absolute,
        cents), ``n`` (frames).

    Notebook: 07_crepe
    """
    err = head_errors(cents, f0)
    kind = np.asarray(kind)
    folded = np.abs(err - 1200 * np.round(err / 1200))
    out = {}
    for k in ("all",) + KINDS:
        m = np.ones(len(err), bool) if k == "all" else (kind == k)
        if not m.any():
            continue
        out[k] = {"rpa": float(np.mean(np.abs(err[m]) < 50)), "rca": float(np.mean(folded[m] < 50)),
                  "median_error": float(np.median(np.abs(err[m]))), "mean_error": float(np.mean(np.abs(err[m]))),
                  "n": int(m.sum())}
    return out


def loss_curve(losses, *, every=25) -> list:
    """Mean loss of each block of ``every`` training steps (the last block may be shorter).

    Parameters
    ----------
    losses : sequence of float
        One loss per step (:func:`train_head`).
    every : int
        Steps per block.

    Returns
    -------
    list of float

    Notebook: 07_crepe
    """
    every = _checks.positive_int(every, "every", what="steps")
    losses = np.asarray(losses, float)
    return [float(np.mean(losses[i : i + every])) for i in range(0, len(losses), every)]


def run(settings, out_dir, progress) -> dict:
    """Tune each head's learning rate on validation frames, then train both heads with every seed.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (or the quick ones).
    out_dir : Path
        Unused: the study saves no weights.
    progress : bool
        Print a line per run.

    Returns
    -------
    dict
        ``sweep``: per head and rate of ``learning_rates`` (seed 0), the validation scores
        (:func:`head_scores`) and final loss; ``chosen``: each head's rate (the best validation
        RPA over all validation frames); ``runs``: one per seed and head (in that order) at its
        chosen rate: ``head``, ``seed``, ``learning_rate``, ``final_loss`` (mean of the last
        ``curve_every`` steps), ``loss_curve`` (:func:`loss_curve`), ``scores``
        (:func:`head_scores` on the test frames) and ``errors`` (:func:`head_errors` per test
        frame, rounded to 0.1 cent); ``test_kind`` and ``test_midi`` of every test frame.

    Notebook: (tooling, ``python -m course_lib.experiments crepe_heads``)
    """
    (x, f, _), (xv, fv, kv, _), (xt, ft, kt, mt) = head_data(settings)
    first = min(settings["seeds"])

    def train(head, seed, rate):
        model, losses = train_head(head, x, f, rng=seed, batch_size=settings["batch_size"], learning_rate=rate,
                                   multiplier=settings["multiplier"])
        return model, loss_curve(losses, every=settings["curve_every"])

    sweep, kept = [], {}
    for head in crepe.HEADS:
        for rate in settings["learning_rates"]:
            model, curve = train(head, first, rate)
            scores = head_scores(crepe.head_cents(model, xv), fv, kv)
            sweep.append({"head": head, "learning_rate": rate, "final_loss": curve[-1], "validation": scores})
            kept[head, rate] = (model, curve)
            if progress:
                print(f"{head} at {rate:g}: validation RPA {scores['all']['rpa']:.3f}", flush=True)
    chosen = {head: max((r for r in sweep if r["head"] == head), key=lambda r: r["validation"]["all"]["rpa"])["learning_rate"]
              for head in crepe.HEADS}
    runs = []
    for seed in settings["seeds"]:
        for head in crepe.HEADS:
            rate = chosen[head]
            model, curve = kept[head, rate] if seed == first else train(head, seed, rate)
            cents = crepe.head_cents(model, xt)
            runs.append({"head": head, "seed": seed, "learning_rate": rate, "final_loss": curve[-1], "loss_curve": curve,
                         "scores": head_scores(cents, ft, kt),
                         "errors": [round(float(e), 1) for e in head_errors(cents, ft)]})
            if progress:
                print(f"{head} seed {seed} at {rate:g}: test RPA {runs[-1]['scores']['all']['rpa']:.3f}", flush=True)
    return {"sweep": sweep, "chosen": chosen, "runs": runs, "test_kind": kt.tolist(), "test_midi": mt.tolist()}
