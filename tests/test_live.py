"""The live re-run checks (course_lib.experiments.live) and McNemar's test behind them.

A check must pass a re-run that differs from the cache only by training noise (another machine)
and fail one that is really worse, with the remake command in its message; its printed line must
hold no number of the live run, so a notebook's stored output is the same on every machine.
"""

import numpy as np
import pytest

from course_lib.errors import StaleResultsError
from course_lib.evaluation import stats
from course_lib.experiments import live


def test_mcnemar_counts_the_discordant_items_and_gives_the_exact_p():
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    a = np.array([0, 1, 2, 0, 1, 2, 1, 2])   # 6 right
    b = np.array([0, 1, 0, 1, 1, 2, 0, 2])   # 5 right
    assert stats.mcnemar(y, a, b)[:2] == (2, 1)
    assert stats.mcnemar(y, a, b)[2] == pytest.approx(1.0)
    assert stats.mcnemar(y, a, a) == (0, 0, 1.0)
    # 10 discordant items all one way: p = 2 / 2**10
    y = np.zeros(10, int)
    assert stats.mcnemar(y, y, y + 1)[2] == pytest.approx(2 / 1024)
    with pytest.raises(ValueError, match="same length"):
        stats.mcnemar([0, 1], [0], [1, 1])


def test_same_accuracy_passes_noise_and_fails_a_worse_model():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 79)
    cached = np.where(rng.random(79) < 0.75, y, (y + 1) % 10)
    drift = cached.copy()
    flip = rng.choice(79, 6, replace=False)          # 6 of 79 clips change, as across thread counts
    drift[flip] = np.where(drift[flip] == y[flip], (y[flip] + 1) % 10, y[flip])
    line = live.same_accuracy("mel_bands", y, drift, cached, what="fold 1")
    assert line == "✔ fold 1 is as accurate as the cached run (McNemar's exact test, α = 0.001)"
    worse = np.where(rng.random(79) < 0.2, y, (y + 1) % 10)
    with pytest.raises(StaleResultsError, match=r"mel_bands: fold 1 disagrees.*python -m course_lib.experiments "
                                                r"mel_bands`"):
        live.same_accuracy("mel_bands", y, worse, cached, what="fold 1")


def test_within_seed_spread_allows_students_t_times_root_two_sigma():
    seeds = [0.60, 0.64, 0.62, 0.58, 0.66]
    sigma = np.std(seeds, ddof=1)
    k = 8.610 * np.sqrt(2)     # t(0.9995, 4 degrees of freedom) = 8.610
    live.within_seed_spread("detection", 0.62 + (k - 0.05) * sigma, 0.62, seeds)
    with pytest.raises(StaleResultsError, match="spread across 5 seeds"):
        live.within_seed_spread("detection", 0.62 + (k + 0.05) * sigma, 0.62, seeds)
    with pytest.raises(ValueError, match="at least 3 seeds"):
        live.within_seed_spread("detection", 0.6, 0.6, [0.6, 0.61])


def test_close_values_states_its_reason():
    line = live.close_values("crepe_heads", [1.0, 2.01], [1.0, 2.0], rtol=0.02, why="float drift over 300 steps")
    assert "float drift over 300 steps" in line and "2.01" not in line
    with pytest.raises(StaleResultsError, match="relative difference of 0.05"):
        live.close_values("crepe_heads", [1.05], [1.0], rtol=0.02, why="x")
    with pytest.raises(ValueError, match="same shape"):
        live.close_values("crepe_heads", [1.0], [1.0, 2.0], rtol=0.02, why="x")
