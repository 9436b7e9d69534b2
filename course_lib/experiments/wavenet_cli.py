"""The command line that trains the shipped WaveNets: ``python -m course_lib.wavenet_cli train``.

The shipped model of chapter ``08_wavenet``, ``data/wavenet_notes.weights.h5`` (with its
hyperparameters, training settings, per-epoch loss history and a check loss in
``data/wavenet_notes.json``), was trained on CPU by::

    python -m course_lib.wavenet_cli train

(the defaults: ``--data notes --out data/wavenet_notes.weights.h5``): a WaveNet of
:data:`course_lib.wavenet.DEFAULT_HYPERPARAMETERS` conditioned on the instrument (3 classes,
:data:`course_lib.melodies.NOTE_CONDITIONS`), trained on the 60 real sampled notes of
:func:`course_lib.melodies.note_dataset` (velocities 75 and 127) and validated on the same notes at
velocity 100, which it never sees in training: 10 epochs of 90 steps, 979 s on two CPU cores shared
with other jobs (365 CPU-seconds; a few minutes on two idle cores). The first shipped model, trained on synthetic
melodies (``data/wavenet_melodies.*``), was made by ``train --data melodies --out
data/wavenet_melodies.weights.h5 --epochs 14 --batch-size 4 --learning-rate 3e-3 --n-per-clip 4
--segment-length 4096`` (its JSON records its settings). The command shows a progress bar, prints
the final training and validation loss and writes the JSON beside the weights. Layer 5 (tooling):
it imports ``melodies`` and ``wavenet``; no chapter imports it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ..datasets import melodies
from ..models import wavenet

__all__ = ["parser", "main"]


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m course_lib.wavenet_cli`` (its defaults trained the shipped model).

    Notebook: (tooling, trains the shipped model in data/)
    """
    hp = wavenet.DEFAULT_HYPERPARAMETERS
    p = argparse.ArgumentParser(prog="python -m course_lib.wavenet_cli", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="train a conditioned WaveNet on CPU and save its weights and JSON")
    tr.add_argument("--data", choices=("notes", "melodies"), default="notes",
                    help="real sampled notes (3 instruments) or synthetic melodies (plucked, organ)")
    tr.add_argument("--out", default="data/" + wavenet.PRETRAINED, help="weights file, ending in .weights.h5")
    tr.add_argument("--epochs", type=int, default=10)
    tr.add_argument("--batch-size", type=int, default=8)
    tr.add_argument("--learning-rate", type=float, default=3e-3, help="peak of a cosine decay")
    tr.add_argument("--n-melodies", type=int, default=256, help="training melodies (--data melodies)")
    tr.add_argument("--segment-length", type=int, default=2048, help="samples per training example")
    tr.add_argument("--n-per-clip", type=int, default=12, help="training examples cut from each clip")
    tr.add_argument("--seed", type=int, default=0, help="seed of the data, the initial weights and the shuffling")
    tr.add_argument("--n-layers", type=int, default=hp["n_layers"], help="layers per stack")
    tr.add_argument("--n-stacks", type=int, default=hp["n_stacks"])
    tr.add_argument("--residual-channels", type=int, default=hp["residual_channels"])
    tr.add_argument("--skip-channels", type=int, default=hp["skip_channels"])
    tr.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _datasets(args, rf):
    """(training examples, validation examples, class names) for ``--data``."""
    if args.data == "melodies":
        clips, labels = melodies.melody_dataset(args.n_melodies, rng=args.seed)
        vclips, vlabels = melodies.melody_dataset(max(8, args.n_melodies // 8), rng=args.seed + 1000)
        names = melodies.CONDITIONS
    else:
        clips, labels, _ = melodies.note_dataset(velocities=(75, 127))
        vclips, vlabels, _ = melodies.note_dataset(velocities=(100,))
        names = melodies.NOTE_CONDITIONS
    train = wavenet.make_examples(clips, labels, args.segment_length, args.n_per_clip, history=rf, rng=args.seed)
    val = wavenet.make_examples(vclips, vlabels, args.segment_length, 2, history=rf, rng=args.seed + 1)
    return train, val, names


def _train(args) -> int:
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(args.seed)
    names = melodies.NOTE_CONDITIONS if args.data == "notes" else melodies.CONDITIONS
    hp = dict(
        wavenet.DEFAULT_HYPERPARAMETERS,
        n_conditions=len(names),
        n_layers=args.n_layers,
        n_stacks=args.n_stacks,
        residual_channels=args.residual_channels,
        dilation_channels=args.residual_channels,
        skip_channels=args.skip_channels,
    )
    rf = wavenet.receptive_field(hp)
    t0, c0 = time.perf_counter(), time.process_time()
    train_data, val_data, names = _datasets(args, rf)
    model = wavenet.build_model(rng=args.seed, **hp)
    steps = int(np.ceil(len(train_data["targets"]) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps * args.epochs, alpha=0.05)
    print(
        f"training a WaveNet (receptive field {rf} samples, {model.count_params()} parameters) on {args.data} "
        f"({len(train_data['targets'])} examples of {args.segment_length} samples), {args.epochs} epochs",
        flush=True,
    )
    history = wavenet.train(model, train_data, args.epochs, args.batch_size, schedule, val_data, progress=not args.quiet,
                            rng=args.seed)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    extra = {}
    if args.data == "notes":
        extra["check_loss"] = wavenet.evaluate(model, wavenet.check_batch(rf))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    command = f"{wavenet.TRAIN_COMMAND} --data {args.data} --out {args.out}"
    jp = wavenet.save(
        model,
        out,
        sr=melodies.SAMPLE_RATE,
        mu=wavenet.MU,
        conditions=list(names),
        history=history,
        training={
            "command": command,
            "data": args.data,
            "seed": args.seed,
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "learning_rate": args.learning_rate,
            "n_melodies": args.n_melodies,
            "segment_length": args.segment_length,
            "n_per_clip": args.n_per_clip,
            "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu_seconds, 1),
        },
        **extra,
    )
    print(f"final loss: train {history['loss'][-1]:.4f}, validation {history['val_loss'][-1]:.4f} nats/sample")
    print(f"trained in {seconds:.0f} s; wrote {out} ({out.stat().st_size} bytes) and {jp}")
    return 0


def main(argv=None) -> int:
    """Run the command line: ``python -m course_lib.wavenet_cli train [--data notes|melodies] [--out ...]``.

    ``train`` trains a conditioned WaveNet (:data:`course_lib.wavenet.DEFAULT_HYPERPARAMETERS`) on
    the real notes of :func:`course_lib.melodies.note_dataset` (3 classes) or on the synthetic
    melodies of :func:`course_lib.melodies.melody_dataset` (2 classes) and writes the weights and the
    JSON beside them (see :func:`course_lib.wavenet.save`). Returns the exit status.

    Notebook: (tooling, trains the shipped model in data/)
    """
    args = parser().parse_args(argv)
    return _train(args)  # "train" is the only command (the parser requires one)


if __name__ == "__main__":
    sys.exit(main())
