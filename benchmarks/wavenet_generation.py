"""Naive vs fast WaveNet generation on one core: samples per second and the real-time factor.

Run from the repository root::

    .venv/bin/python -m benchmarks.wavenet_generation      # about a minute on an idle core

It pins every thread pool to one thread (``OMP_NUM_THREADS`` and friends, set here before NumPy
is imported, and checked with threadpoolctl); the compiled generators of
:func:`course_lib.wavenet.generate` are single-threaded anyway. For the shipped model
(``data/wavenet_notes.weights.h5``: 10 layers, receptive field 1024) and for random models of
receptive fields 256 to 4096 (one stack of kernel-2 layers, dilations 1..2**(L-1), L = 8..12)
and two stacks of 1..512 (2047), it times ``generate(method="naive")``, which runs the full model
over the last receptive field for every sample, and ``generate(method="fast")``, which keeps a
queue of past activations per layer (Paine et al. 2016), in float32 and float64, checks that both
methods draw the same codes, and prints samples per second and the real-time factor (samples per
second / 8000 Hz). Two clocks: the wall clock (best of ``--repeats``) and the thread's CPU time
(``time.thread_time``), which is what one idle core would take even when other processes share
the machine. As a reference it also times the pure-NumPy queue generator that the course used
before (one NumPy call per layer and sample; float64), written out below.

It exits with status 1 when fast float32 generation of the shipped model is slower than real
time on the CPU clock (``--min-rtf``, default 1): the wall-clock check the test suite leaves out
(tests/test_wavenet.py checks that naive and fast generation give identical codes).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
    os.environ[_var] = "1"  # before NumPy (and its BLAS) is imported: "one core"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from course_lib import wavenet  # noqa: E402
from course_lib.experiments import wavenet_notes  # noqa: E402

SR = 8000


def numpy_fast_generate(W, n_samples, rng=0, condition=None):
    """The course's first fast generator (until issue 14): Paine's queues, one NumPy call per layer, float64."""
    hp = W["hp"]
    k, D, S = hp["kernel_size"], hp["dilation_channels"], hp["skip_channels"]
    cond = [None] * len(W["layers"]) if condition is None else [b["condition"][condition] for b in W["layers"]]
    us = np.random.default_rng(rng).random(n_samples)
    rf = wavenet.receptive_field(hp)
    history = np.full(rf + n_samples, 128, dtype=np.int64)

    def block(blk, taps, cv, x, skip):
        z = taps @ blk["kernel"] + blk["bias"]
        if cv is not None:
            z = z + cv
        h = np.tanh(z[:, :D]) * (0.5 + 0.5 * np.tanh(0.5 * z[:, D:]))
        o = h @ blk["out"] + blk["out_bias"]
        return (x + o[:, S:] if o.shape[1] > S else x), skip + o[:, :S]

    def draw(logits, u):
        p = np.exp(logits - logits.max())
        cdf = np.cumsum(p)
        return int(min(np.searchsorted(cdf, u * cdf[-1], side="right"), len(cdf) - 1))

    def head(skip):
        out = np.maximum(skip, 0.0) @ W["output_conv"] + W["output_bias"]
        return (np.maximum(out, 0.0) @ W["logits"] + W["logits_bias"])[-1]

    # prime the queues with the silent history (its layer inputs are those of a silent window)
    x = W["embedding"][history[:rf]]
    queues, skip = [], 0.0
    for blk, cv in zip(W["layers"], cond):
        d = blk["dilation"]
        size = (k - 1) * d
        q = np.zeros((size, x.shape[1]))
        for p in range(rf - size, rf):
            q[p % size] = x[p]
        queues.append(q)
        pad = np.concatenate([np.zeros((size, x.shape[1])), x])
        taps = np.concatenate([pad[j * d : j * d + rf] for j in range(k)], axis=1)
        x, skip = block(blk, taps, cv, x, skip)
    history[rf] = draw(head(skip), us[0])
    emb = W["embedding"]
    for t in range(rf, rf + n_samples - 1):
        x = emb[history[t]][None, :]
        skip = 0.0
        for blk, cv, q in zip(W["layers"], cond, queues):
            d, size = blk["dilation"], q.shape[0]
            taps = np.concatenate([q[(t - m * d) % size][None, :] for m in range(k - 1, 0, -1)] + [x], axis=1)
            q[t % size] = x[0]
            x, skip = block(blk, taps, cv, x, skip)
        history[t + 1] = draw(head(skip), us[t + 1 - rf])
    return history[rf:]


def _rates(fn, n, repeats):
    """(best wall-clock rate, best CPU-time rate) in samples per second, and the codes."""
    fn(min(n, 50))  # warm-up (compiled code is loaded from numba's cache or compiled here)
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.thread_time()
        codes = fn(n)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    return n / min(wall), n / min(cpu), codes


def run(configs, fast_samples=8000, naive_samples=10, repeats=3, condition=None):
    """Rows of (label, receptive field, layers, dtype, naive wall, naive cpu, fast wall, fast cpu) in samples/s."""
    rows = []
    for label, W, cond in configs:
        rf = wavenet.receptive_field(W["hp"])
        for dtype in ("float32", "float64"):
            def fast(n, dtype=dtype):
                return wavenet.generate(W, n, method="fast", rng=0, condition=cond, progress=False, dtype=dtype)

            def naive(n, dtype=dtype):
                return wavenet.generate(W, n, method="naive", rng=0, condition=cond, progress=False, dtype=dtype)

            fw, fc, fast_codes = _rates(fast, fast_samples, repeats)
            nw, nc, naive_codes = _rates(naive, naive_samples, 1)
            assert np.array_equal(naive_codes, fast_codes[:naive_samples]), f"{label} {dtype}: naive and fast disagree"
            rows.append((label, rf, len(W["layers"]), dtype, nw, nc, fw, fc))
        print(f"  done: {label}", file=sys.stderr, flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wavenet_generation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast-samples", type=int, default=8000, help="samples per fast run (8000 = one second)")
    parser.add_argument("--naive-samples", type=int, default=10, help="samples per naive run")
    parser.add_argument("--repeats", type=int, default=3, help="fast runs; the best is reported")
    parser.add_argument("--min-rtf", type=float, default=1.0,
                        help="fail (exit status 1) if fast float32 generation of the shipped model is below this "
                             "real-time factor on the CPU clock")
    parser.add_argument("--shipped-only", action="store_true", help="time only the shipped model")
    args = parser.parse_args(argv)
    try:
        from threadpoolctl import threadpool_info

        threads = sorted({int(p["num_threads"]) for p in threadpool_info()})
    except ImportError:  # threadpoolctl comes with scikit-learn
        threads = ["?"]
    t0 = time.perf_counter()
    model, info = wavenet_notes.load_model()
    shipped = wavenet.numpy_weights(model)
    configs = [("shipped notes model (10 layers)", shipped, 0)]
    if not args.shipped_only:
        for L in range(8, 13):
            configs.append((f"random, 1 stack × {L} layers", wavenet.numpy_weights(wavenet.build_model(rng=0, n_layers=L)), None))
        configs.insert(4, ("random, 2 stacks × 10 layers",
                           wavenet.numpy_weights(wavenet.build_model(rng=0, n_layers=10, n_stacks=2)), None))
    rows = run(configs, args.fast_samples, args.naive_samples, args.repeats)
    ref_wall, ref_cpu, ref_codes = _rates(lambda n: numpy_fast_generate(shipped, n, 0, 0), 2000, 1)
    same = np.array_equal(ref_codes, wavenet.generate(shipped, 2000, rng=0, condition=0, progress=False, dtype="float64"))

    print(f"BLAS/OpenMP threads: {threads}; sampling rate {SR} Hz; rates in samples/s, best of {args.repeats} "
          f"(wall clock) and per CPU-second of the generating thread (cpu)")
    print(f"{'model':<34}{'RF':>6}{'layers':>7}{'dtype':>9}{'naive wall':>12}{'naive cpu':>11}"
          f"{'fast wall':>11}{'fast cpu':>10}{'RTF wall':>10}{'RTF cpu':>9}{'speed-up':>10}")
    for label, rf, layers, dtype, nw, nc, fw, fc in rows:
        print(f"{label:<34}{rf:>6d}{layers:>7d}{dtype:>9}{nw:>12.1f}{nc:>11.1f}{fw:>11.0f}{fc:>10.0f}"
              f"{fw / SR:>10.2f}{fc / SR:>9.2f}{fc / nc:>9.0f}×")
    print(f"reference, NumPy queues (one call per layer, float64), shipped model: {ref_wall:.0f} samples/s wall, "
          f"{ref_cpu:.0f} cpu (RTF {ref_cpu / SR:.2f}); same codes as the compiled float64 generator: {same}")
    print(f"({time.perf_counter() - t0:.0f} s)")
    rtf = next(fc / SR for label, _, _, dtype, _, _, _, fc in rows if label.startswith("shipped") and dtype == "float32")
    if rtf < args.min_rtf:
        print(f"FAIL: fast float32 generation of the shipped model runs at {rtf:.2f}× real time on one core "
              f"(expected at least {args.min_rtf:g}×)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
