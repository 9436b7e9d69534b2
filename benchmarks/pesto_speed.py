"""How fast is the small PESTO next to CREPE tiny? Training and inference throughput, side by side.

Inference: ``course_lib.models.pesto`` (the CQT front end, then the network on 220-bin crops; also the
network alone) and ``course_lib.crepe.predict`` (the pretrained tiny model: framing, network, decoding) on
the same audio, a harmonic tone with vibrato and a glide at 16 kHz, one frame every 10 ms. Training: steps
of ``course_lib.models.pesto.pretrain`` (three forward passes per frame: clean, augmented, transposed) and
of CREPE tiny trained with labels (``course_lib.experiments.crepe_heads.train_head``, classification head,
Conv1D layout), both on batches of ``--batch-size`` frames; a step's time is the difference of a long and
a short run divided by the extra steps, so that building and compiling the model are not counted. Every
measurement is the best of ``--repeats`` runs after a warm-up (``benchmarks.timing.best_time``).

Run from the repository root:

    python -m benchmarks.pesto_speed                  # 10 s of audio, batches of 64
    python -m benchmarks.pesto_speed --duration 30 --steps 200
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from benchmarks.timing import best_time
from course_lib import crepe, synth
from course_lib.experiments import crepe_heads
from course_lib.models import pesto


def _per_step(train, short, long, repeats):
    """Seconds per training step: (best time of ``long`` steps − best of ``short``) / (long − short)."""
    return (best_time(lambda: train(long), repeats) - best_time(lambda: train(short), repeats)) / (long - short)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of audio for inference (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measurement; the best counts")
    parser.add_argument("--batch-size", type=int, default=64, help="frames per training step (default 64)")
    parser.add_argument("--steps", type=int, default=100, help="extra training steps timed (default 100)")
    args = parser.parse_args(argv)

    sr = 16000
    y = synth.harmonic_tone(220.0, duration=args.duration, sr=sr, vibrato_rate=5.0, vibrato_cents=40.0, glide_to=440.0)
    rows = []

    model = pesto.build_model()
    frames = pesto.cqt_frames(y)
    n_frames = len(frames)
    seconds = best_time(lambda: pesto.predict_bins(model, pesto.cqt_frames(y)), args.repeats)
    rows.append(("PESTO (small)", "inference", "CQT + network", n_frames / seconds, model.count_params()))
    seconds = best_time(lambda: pesto.predict_bins(model, frames), args.repeats)
    rows.append(("PESTO (small)", "inference", "network only", n_frames / seconds, model.count_params()))
    tiny = crepe.load_model("tiny")
    seconds = best_time(lambda: crepe.predict(y, sr, capacity="tiny", model=tiny), args.repeats)
    rows.append(("CREPE tiny", "inference", "predict, batch 256", n_frames / seconds, tiny.count_params()))

    rng = np.random.default_rng(0)
    views = [rng.standard_normal((4096, pesto.CQT["n_bins"])).astype(np.float32) for _ in range(3)]
    step = _per_step(lambda n: pesto.pretrain(*views, steps=n, batch_size=args.batch_size), 10, 10 + args.steps,
                     args.repeats)
    rows.append(("PESTO (small)", "training", f"batch {args.batch_size}, 3 views", args.batch_size / step,
                 model.count_params()))
    made = crepe.synthetic_frames(args.batch_size * (10 + args.steps), rng=0)
    x, f0 = made[0], made[2]  # frames, targets, f0 (Hz)

    def crepe_train(n):
        crepe_heads.train_head("classification", x[: n * args.batch_size], f0[: n * args.batch_size],
                               batch_size=args.batch_size, multiplier=crepe.CAPACITIES["tiny"])

    step = _per_step(crepe_train, 10, 10 + args.steps, args.repeats)
    rows.append(("CREPE tiny", "training", f"batch {args.batch_size}, labels", args.batch_size / step,
                 tiny.count_params()))

    print(f"{args.duration:g} s of 16 kHz audio = {n_frames} frames (10 ms hop); training: {args.steps} extra steps; "
          f"best of {args.repeats} runs; {os.cpu_count()} CPUs")
    print(f"{'model':<16}{'job':<11}{'setting':<22}{'frames/s':>10}{'x real time':>13}{'parameters':>12}")
    for name, job, setting, fps, params in rows:
        speed = f"{fps / 100:>13.1f}" if job == "inference" else f"{'':>13}"
        print(f"{name:<16}{job:<11}{setting:<22}{fps:>10.0f}{speed}{params:>12,}")


if __name__ == "__main__":
    main()
