"""How fast is chapter 10's self-supervised pipeline? Pretraining, embedding and probing throughput, side by side.

Times, on the same machine in one run, the pieces of study ``ssl_esc10`` (:mod:`course_lib.models.selfsupervised`)
on real ESC-10 clips (16 kHz, 5 s) and the mirror's ambient backgrounds, with the study's settings:

- **views**: one pair of 1 s views of a batch of 64 clips (a segment, real background noise, log-mel,
  SpecAugment), NumPy and librosa only;
- **COLA pretraining**: the marginal cost of one step (64 clips, 128 views; views made in a thread alongside,
  as the study does), measured as the difference between a run of ``--steps`` + 2 steps and one of 2 steps,
  so that building and compiling the model drop out; reported as views per second;
- **supervised baseline**: the same for :func:`~course_lib.models.selfsupervised.train_supervised`'s steps
  (32 clips, one view each);
- **embedding**: the encoder over whole 5 s clips (log-mel included), clips per second;
- **linear probe**: fitting chapter 00's classifier (standardise, logistic regression) on 1 and on all ~32
  labelled clips per class, for the 64-d COLA embedding, the 128 log-mel statistics and BirdNET's 1,024-d
  embedding (from the ``transfer_esc10`` cache).

Every piece gets one untimed warm-up and the best of ``--repeats`` runs (``benchmarks.timing.best_time``).
TensorFlow uses the threads it chooses (all cores); the probes one BLAS thread, as the study.

Run from the repository root (course_lib is installed in the environment):

    python -m benchmarks.ssl_speed
    python -m benchmarks.ssl_speed --steps 20 --repeats 3
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.timing import best_time
from course_lib import corpora, experiments
from course_lib.experiments import ssl_esc10, transfer_esc10
from course_lib.models import selfsupervised, training


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="training steps timed (default 10)")
    parser.add_argument("--repeats", type=int, default=2, help="timed runs per piece; the best counts")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    s = ssl_esc10.SETTINGS
    clips, labels, folds, _ = corpora.load_esc10(sr=16000)
    clips, labels, folds = np.stack(clips).astype(np.float32), np.asarray(labels), np.asarray(folds)
    made = ssl_esc10.pool(s, clips, folds)
    views = dict(ssl_esc10.view_settings(s), noises=made["noises"], mean=made["mean"], std=made["std"])
    pool, batch = made["pool"], s["batch_size"]
    extents = selfsupervised.audible_extent(pool)
    rows = []

    t = best_time(lambda: selfsupervised.views(pool[:batch], 0, extents=extents[:batch], **views), args.repeats)
    rows.append((f"two views of {batch} clips (1 s each)", "views", 2 * batch, t))

    def pretrain(steps):
        return lambda: selfsupervised.pretrain(pool, rng=0, epochs=100, batch_size=batch, filters=s["filters"],
                                               projection=s["projection"], max_steps=steps, **views)
    t = best_time(pretrain(args.steps + 2), args.repeats) - best_time(pretrain(2), args.repeats)
    rows.append((f"COLA pretraining, {args.steps} steps of {batch} clips", "views", 2 * batch * args.steps, t))

    train = np.flatnonzero(folds != s["test_fold"])

    def supervised(steps):
        return lambda: selfsupervised.train_supervised(clips[train], labels[train], 10, steps=steps,
                                                       batch_size=s["supervised_batch"], filters=s["filters"], **views)
    t = best_time(supervised(args.steps + 2), args.repeats) - best_time(supervised(2), args.repeats)
    rows.append((f"supervised CNN, {args.steps} steps of {s['supervised_batch']} clips", "views",
                 s["supervised_batch"] * args.steps, t))

    enc, _ = selfsupervised.pretrain(pool, rng=0, epochs=1, batch_size=batch, filters=s["filters"], max_steps=1, **views)
    x = (selfsupervised.log_mel(clips) - np.float32(made["mean"])) / np.float32(made["std"])
    rows.append(("log-mel of whole clips (5 s)", "clips", len(clips),
                 best_time(lambda: selfsupervised.log_mel(clips), args.repeats)))
    rows.append(("encoder embedding of whole clips", "clips", len(clips),
                 best_time(lambda: selfsupervised.embed(enc, x), args.repeats)))

    features = {"COLA embedding (64-d)": selfsupervised.embed(enc, x),
                "log-mel statistics (128-d)": training.log_mel_statistics(clips, 16000)}
    cache = np.load(experiments.load("transfer_esc10").path(transfer_esc10.FILES[1]))
    features["BirdNET embedding (1,024-d)"] = cache["embeddings"]
    one = np.concatenate([train[labels[train] == c][:1] for c in range(10)])
    with threadpool_limits(1):
        for name, f in features.items():
            for picked, what in ((one, "1 per class"), (train, "all per class")):
                t = best_time(lambda: training.logistic_regression(s["C"]).fit(f[picked], labels[picked]), args.repeats)
                rows.append((f"probe fit, {name}, {what}", "fits", 1, t))

    print(f"ESC-10 at 16 kHz, pool of {len(pool)} clips, study settings; best of {args.repeats} runs after a warm-up\n")
    print(f"{'piece':58s} {'seconds':>9s} {'per second':>14s}")
    for name, unit, n, t in rows:
        print(f"{name:58s} {t:9.3f} {n / t:9.1f} {unit}")


if __name__ == "__main__":
    main()
