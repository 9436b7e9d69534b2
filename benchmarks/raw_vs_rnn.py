"""Why not an RNN over samples? An LSTM and a strided Conv1D classifier on one second of 16 kHz audio.

Chapter 06 counts what each model must do (16,000 sequential LSTM steps against 4 convolution
layers, each parallel along time) and the activations each keeps for training; this script
measures the time: one forward pass and one training step (forward, backward, Adam update) per
batch, for ``course_lib.rawconv.sample_rnn`` (LSTM, 32 units, one sample per step) and
``course_lib.rawconv.raw_waveform_classifier`` (the chapter's Conv1D network), on random input.
Each gets one untimed warm-up call (tracing, building); the best of ``--repeats`` runs counts.
Timings depend on the machine and its load: this is why they live here and not in a test.

Run from the repository root:

    python -m benchmarks.raw_vs_rnn                    # batch 4, 1 s at 16 kHz
    python -m benchmarks.raw_vs_rnn --batch 16 --seconds 0.5
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.timing import best_time
from course_lib import rawconv


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=4, help="clips per batch (default 4)")
    parser.add_argument("--seconds", type=float, default=1.0, help="clip length in seconds at 16 kHz (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the best counts")
    args = parser.parse_args(argv)

    import keras

    sr = 16000
    n = int(round(args.seconds * sr))
    x = np.random.default_rng(0).standard_normal((args.batch, n)).astype("float32")
    y = np.arange(args.batch) % 10
    rows = []
    for name, model in [("LSTM over samples", rawconv.sample_rnn(n)),
                        ("strided Conv1D", rawconv.raw_waveform_classifier(n, 10, sr=sr))]:
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        forward = best_time(lambda: model.predict_on_batch(x), args.repeats)  # compiled, as training is
        step = best_time(lambda: model.train_on_batch(x, y), args.repeats)
        memory = sum(rawconv.activation_floats(model).values()) * 4 * args.batch / 1e6
        rows.append((name, model.count_params(), forward, step, memory))
    print(f"batch of {args.batch} clips of {n} samples ({args.seconds:g} s at {sr} Hz)")
    print(f"{'model':20s} {'parameters':>10s} {'forward (s)':>12s} {'train step (s)':>15s} {'activations (MB)':>17s}")
    for name, params, forward, step, memory in rows:
        print(f"{name:20s} {params:10,d} {forward:12.4f} {step:15.4f} {memory:17.1f}")
    print(f"LSTM / Conv1D: forward {rows[0][2] / rows[1][2]:.0f}x, training step {rows[0][3] / rows[1][3]:.0f}x slower")


if __name__ == "__main__":
    main()
