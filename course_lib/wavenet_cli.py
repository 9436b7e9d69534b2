"""The command line that trains the shipped melody WaveNet: ``python -m course_lib.wavenet_cli train``.

The shipped weights ``data/wavenet_melodies.weights.h5`` (and their hyperparameters and training
history, ``data/wavenet_melodies.json``) were trained on CPU by::

    python -m course_lib.wavenet_cli train --out data/wavenet_melodies.weights.h5

(then named ``python -m course_lib.wavenet train``, with the same options and defaults): a
conditioned WaveNet (:data:`course_lib.wavenet.DEFAULT_HYPERPARAMETERS`, the two classes of
:data:`course_lib.melodies.CONDITIONS`) on 256 melodies of :func:`course_lib.melodies.melody_dataset`,
14 epochs of 256 steps: about 13 minutes on two idle CPU cores, 29 minutes measured on two shared
ones. It shows a progress bar, prints the final training and validation loss (1.426 and 1.443 nats
per sample for the shipped file) and writes the JSON beside the weights. Layer 5 (tooling): it
imports ``melodies`` and ``wavenet``; no chapter imports it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from . import melodies, wavenet

__all__ = ["parser", "main"]


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m course_lib.wavenet_cli`` (its defaults trained the shipped model).

    Notebook: (tooling, trains the shipped model in data/)
    """
    hp = wavenet.DEFAULT_HYPERPARAMETERS
    p = argparse.ArgumentParser(prog="python -m course_lib.wavenet_cli", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="train the melody WaveNet on CPU and save its weights and JSON")
    tr.add_argument("--out", default="data/" + wavenet.PRETRAINED, help="weights file, ending in .weights.h5")
    tr.add_argument("--epochs", type=int, default=14)
    tr.add_argument("--batch-size", type=int, default=4)
    tr.add_argument("--learning-rate", type=float, default=3e-3, help="peak of a cosine decay")
    tr.add_argument("--n-melodies", type=int, default=256)
    tr.add_argument("--segment-length", type=int, default=4096, help="samples per training example")
    tr.add_argument("--n-per-clip", type=int, default=4, help="training examples cut from each melody")
    tr.add_argument("--seed", type=int, default=0, help="seed of the data, the initial weights and the shuffling")
    tr.add_argument("--n-layers", type=int, default=hp["n_layers"], help="layers per stack")
    tr.add_argument("--n-stacks", type=int, default=hp["n_stacks"])
    tr.add_argument("--residual-channels", type=int, default=hp["residual_channels"])
    tr.add_argument("--skip-channels", type=int, default=hp["skip_channels"])
    tr.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _train(args) -> int:
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(args.seed)
    hp = dict(
        wavenet.DEFAULT_HYPERPARAMETERS,
        n_conditions=len(melodies.CONDITIONS),
        n_layers=args.n_layers,
        n_stacks=args.n_stacks,
        residual_channels=args.residual_channels,
        dilation_channels=args.residual_channels,
        skip_channels=args.skip_channels,
    )
    rf = wavenet.receptive_field(hp)
    t0 = time.perf_counter()
    clips, labels = melodies.melody_dataset(args.n_melodies, rng=args.seed)
    vclips, vlabels = melodies.melody_dataset(max(8, args.n_melodies // 8), rng=args.seed + 1000)
    train_data = wavenet.make_examples(clips, labels, args.segment_length, args.n_per_clip, history=rf, rng=args.seed)
    val_data = wavenet.make_examples(vclips, vlabels, args.segment_length, 2, history=rf, rng=args.seed + 1)
    model = wavenet.build_model(rng=args.seed, **hp)
    steps = int(np.ceil(len(train_data["targets"]) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps * args.epochs, alpha=0.05)
    print(
        f"training a WaveNet (receptive field {rf} samples, {model.count_params()} parameters) on "
        f"{len(clips)} melodies ({len(train_data['targets'])} examples of {args.segment_length} samples), "
        f"{args.epochs} epochs",
        flush=True,
    )
    history = wavenet.train(model, train_data, args.epochs, args.batch_size, schedule, val_data, progress=not args.quiet,
                            rng=args.seed)
    seconds = time.perf_counter() - t0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    jp = wavenet.save(
        model,
        out,
        sr=melodies.SAMPLE_RATE,
        mu=wavenet.MU,
        conditions=list(melodies.CONDITIONS),
        history=history,
        training={
            "command": f"{wavenet.TRAIN_COMMAND} --out {args.out}",
            "seed": args.seed,
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "learning_rate": args.learning_rate,
            "n_melodies": args.n_melodies,
            "segment_length": args.segment_length,
            "n_per_clip": args.n_per_clip,
            "seconds": round(seconds, 1),
        },
    )
    print(f"final loss: train {history['loss'][-1]:.4f}, validation {history['val_loss'][-1]:.4f} nats/sample")
    print(f"trained in {seconds:.0f} s; wrote {out} ({out.stat().st_size} bytes) and {jp}")
    return 0


def main(argv=None) -> int:
    """Run the command line: ``python -m course_lib.wavenet_cli train --out data/wavenet_melodies.weights.h5``.

    ``train`` trains the conditioned melody WaveNet (:data:`course_lib.wavenet.DEFAULT_HYPERPARAMETERS`,
    2 classes) on :func:`course_lib.melodies.melody_dataset` and writes the weights and the JSON beside
    them (see :func:`course_lib.wavenet.save`). Returns the exit status.

    Notebook: (tooling, trains the shipped model in data/)
    """
    args = parser().parse_args(argv)
    return _train(args)  # "train" is the only command (the parser requires one)


if __name__ == "__main__":
    sys.exit(main())
