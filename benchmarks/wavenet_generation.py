"""Naive vs fast WaveNet generation: samples per second as the receptive field grows.

Run from the repository root::

    .venv/bin/python -m benchmarks.wavenet_generation      # about a minute or two on 2 cores

For receptive fields of 256 to 4096 samples (one stack of kernel-2 layers with dilations
1, 2, ..., 2**(L-1), L = 8..12; L = 10 is the default model of
:func:`course_lib.wavenet.build_model`) and for two stacks of dilations 1..512 (receptive field
2047), it times ``generate(method="naive")``, which runs the full model over the last receptive
field for every sample, and ``generate(method="fast")``, which keeps a queue of past activations
per layer (Paine et al. 2016), checks that both draw the same codes, and prints a table with the
speed-up. Naive cost grows with receptive field × layers, fast cost only with the number of
layers. Chapter ``08_wavenet`` discusses the result.

It exits with status 1 when fast generation of the default model is less than ``--min-speedup``
times (default 10) faster than naive generation: the wall-clock check that the test suite leaves
out (tests/test_wavenet.py checks that both methods give identical codes).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from course_lib import wavenet

DEFAULT_LABEL = "1 stack × 10 layers (default)"


def _rate(W, method, n):
    t0 = time.perf_counter()
    codes = wavenet.generate(W, n, method=method, rng=0, progress=False)
    return n / (time.perf_counter() - t0), codes


def run(configs, fast_samples=1000, naive_seconds=3.0):
    """Time both methods on each ``(label, hyperparameters)``; rows of (label, receptive field, layers, naive, fast, speed-up)."""
    rows = []
    for label, hp in configs:
        W = wavenet.numpy_weights(wavenet.build_model(rng=0, **hp))
        rf = wavenet.receptive_field(W["hp"])
        wavenet.generate(W, 20, "fast", progress=False)  # warm-up
        fast, fast_codes = _rate(W, "fast", fast_samples)
        probe, _ = _rate(W, "naive", 2)
        n_naive = int(max(3, min(200, naive_seconds * probe)))
        naive, naive_codes = _rate(W, "naive", n_naive)
        assert np.array_equal(naive_codes, fast_codes[:n_naive]), "naive and fast generation disagree"
        rows.append((label, rf, len(W["layers"]), naive, fast, fast / naive))
        print(f"  done: {label}", file=sys.stderr, flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wavenet_generation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast-samples", type=int, default=1000, help="samples generated with the fast method")
    parser.add_argument("--naive-seconds", type=float, default=3.0, help="about how long to time the naive method")
    parser.add_argument("--min-speedup", type=float, default=10.0,
                        help="fail (exit status 1) if fast generation of the default model is not this many times faster")
    args = parser.parse_args(argv)
    configs = [(DEFAULT_LABEL if L == 10 else f"1 stack × {L} layers", dict(n_layers=L, n_stacks=1)) for L in range(8, 13)]
    configs.insert(3, ("2 stacks × 10 layers", dict(n_layers=10, n_stacks=2)))
    t0 = time.perf_counter()
    rows = run(configs, args.fast_samples, args.naive_seconds)
    print(f"{'model':<30}{'receptive field':>16}{'layers':>8}{'naive (samples/s)':>20}{'fast (samples/s)':>19}{'speed-up':>10}")
    for label, rf, layers, naive, fast, speedup in rows:
        print(f"{label:<30}{rf:>16d}{layers:>8d}{naive:>20.1f}{fast:>19.0f}{speedup:>9.0f}×")
    print(f"(residual/dilation/skip channels 32/32/64, float64 NumPy, one CPU process; {time.perf_counter() - t0:.0f} s)")
    speedup = next(row[5] for row in rows if row[0] == DEFAULT_LABEL)
    if speedup < args.min_speedup:
        print(f"FAIL: fast generation of the default model is only {speedup:.1f}× faster than naive "
              f"(expected at least {args.min_speedup:g}×)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
