"""What attention costs as clips get longer, and how fast chapter 10's transformer and CNN train and infer.

Times, on the same machine in one run:

1. **Clip length.** Chapter 10's spectrogram transformer (:func:`course_lib.models.transformer.spectrogram_transformer`,
   the study's settings: 8 ms frames, 32 mel bands, patches of 8 × 8, width 48, 4 heads, 3 blocks) and the
   CNN of the same number of weights (:func:`course_lib.models.transformer.similar_cnn`) on batches of log-mel
   spectrograms of 0.75 s (FSDD's clips) to ``--max-seconds``; beside them one attention layer alone
   (``keras.layers.MultiHeadAttention`` over that many tokens) and the counted FLOPs and bytes of attention
   (:func:`course_lib.models.transformer.attention_cost`). Attention grows with the square of the tokens, the
   rest of the transformer and the CNN linearly.
2. **Throughput** at 0.75 s: training steps (Adam, batch 32) and inference, in clips per second, for the
   transformer, the transformer with patchout (half the tokens dropped in training) and the CNN.

Inputs are random numbers of the right shape (what is timed does not depend on the values). Every measurement
gets an untimed warm-up (building, tracing), then the best of ``--repeats`` (``benchmarks.timing.best_time``).

Run from the repository root:

    python -m benchmarks.attention_cost                     # up to 12 s clips
    python -m benchmarks.attention_cost --max-seconds 24 --repeats 5
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.timing import best_time
from course_lib.experiments import transformer_fsdd
from course_lib.models import transformer

S = transformer_fsdd.SETTINGS


def _frames(seconds):
    return 1 + int(round(seconds * S["sr"])) // S["hop_length"]


def _models(frames, patchout=0.0):
    shape = (frames, S["n_mels"], 1)
    kwargs = dict(patch=tuple(S["patch"]), stride=tuple(S["stride"]), d_model=S["d_model"], n_heads=S["n_heads"],
                  n_layers=S["n_layers"], mlp_ratio=S["mlp_ratio"], dropout=S["dropout"])
    tr = transformer.spectrogram_transformer(shape, 10, patchout=patchout, **kwargs)
    cnn = transformer.similar_cnn(shape, 10, transformer.spectrogram_transformer(shape, 10, **kwargs).count_params())
    return tr, cnn


def _forward(model, x):
    import tensorflow as tf

    fn = tf.function(lambda v: model(v, training=False))
    return lambda: fn(x).numpy()


def main(argv=None):
    import keras
    import tensorflow as tf

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-seconds", type=float, default=12.0, help="longest clip (default 12 s)")
    parser.add_argument("--batch", type=int, default=8, help="clips per forward pass in part 1 (default 8)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--clips", type=int, default=256, help="clips per throughput measurement (default 256)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)

    seconds = [0.75 * 2 ** k for k in range(12) if 0.75 * 2 ** k <= args.max_seconds]
    print(f"1. Forward pass of {args.batch} clips vs clip length (8 ms frames, 32 bands, patches 8 x 8, width "
          f"{S['d_model']}, {S['n_heads']} heads, {S['n_layers']} blocks); best of {args.repeats}\n")
    print(f"{'seconds':>7s} {'tokens':>6s} {'attn GFLOP':>10s} {'attn MB':>8s} {'1 attention layer':>18s} "
          f"{'transformer':>12s} {'CNN':>9s}")
    for sec in seconds:
        frames = _frames(sec)
        tr, cnn = _models(frames)
        tokens = tr.grid[0] * tr.grid[1] + 1
        cost = transformer.attention_cost(tokens, S["d_model"], S["n_heads"], n_layers=S["n_layers"], batch=args.batch)
        x = rng.standard_normal((args.batch, frames, S["n_mels"], 1)).astype(np.float32)
        layer = keras.layers.MultiHeadAttention(S["n_heads"], S["d_model"] // S["n_heads"])
        h = tf.constant(rng.standard_normal((args.batch, tokens, S["d_model"])).astype(np.float32))
        attend = tf.function(lambda v: layer(v, v))
        t_layer = best_time(lambda: attend(h).numpy(), args.repeats)
        t_tr = best_time(_forward(tr, x), args.repeats)
        t_cnn = best_time(_forward(cnn, x), args.repeats)
        print(f"{sec:7.2f} {tokens:6d} {cost['attention_flops'] / 1e9:10.3f} {cost['attention_bytes'] / 1e6:8.2f} "
              f"{1000 * t_layer:15.1f} ms {1000 * t_tr:9.1f} ms {1000 * t_cnn:6.1f} ms")
        keras.backend.clear_session()

    frames = _frames(S["n_samples"] / S["sr"])
    x = rng.standard_normal((args.clips, frames, S["n_mels"], 1)).astype(np.float32)
    y = np.arange(args.clips) % 10
    rows = []
    for name, make in (("transformer", lambda: _models(frames)[0]),
                       ("transformer + patchout 0.5", lambda: _models(frames, S["patchout"])[0]),
                       ("CNN (same weights)", lambda: _models(frames)[1])):
        model = make()
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        train = best_time(lambda: model.fit(x, y, batch_size=S["batch_size"], epochs=1, verbose=0), args.repeats)
        infer = best_time(lambda: model.predict(x, batch_size=256, verbose=0), args.repeats)
        rows.append((name, model.count_params(), getattr(model, "n_train_tokens", None), train, infer))
        keras.backend.clear_session()
    print(f"\n2. Throughput at {S['n_samples'] / S['sr']:.2f} s clips ({args.clips} clips, training batch "
          f"{S['batch_size']}), best of {args.repeats}\n")
    print(f"{'model':28s} {'weights':>8s} {'tokens/clip (train)':>20s} {'train clips/s':>14s} {'infer clips/s':>14s}")
    for name, params, tokens, train, infer in rows:
        print(f"{name:28s} {params:8d} {'-' if tokens is None else tokens:>20} {args.clips / train:14.0f} "
              f"{args.clips / infer:14.0f}")


if __name__ == "__main__":
    main()
