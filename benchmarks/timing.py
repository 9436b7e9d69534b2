"""The one timing rule of the benchmarks: one untimed warm-up run, then the best of ``repeats``."""

from __future__ import annotations

import time


def best_time(fn, repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` calls of ``fn()``, after one untimed warm-up call.

    Parameters
    ----------
    fn : callable
        What to time (called with no arguments).
    repeats : int
        Timed calls; the minimum is reported (the run least disturbed by other processes).
    """
    fn()  # warm-up: building, loading, compiling, caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)
