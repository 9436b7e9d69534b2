"""course_lib.stats: the mean with its t-interval, the confusion matrix, and their errors."""

import numpy as np
import pytest
from scipy import stats as sps

from course_lib import stats


def test_mean_ci_matches_the_t_interval_by_hand():
    values = [0.70, 0.65, 0.80, 0.72, 0.68]
    mean, low, high = stats.mean_ci(values)
    half = sps.t.ppf(0.975, 4) * np.std(values, ddof=1) / np.sqrt(5)
    assert mean == pytest.approx(np.mean(values))
    assert (low, high) == pytest.approx((np.mean(values) - half, np.mean(values) + half))
    # five folds: t = 2.776, the half-width is 1.24 standard deviations
    assert half / np.std(values, ddof=1) == pytest.approx(2.776 / np.sqrt(5), abs=1e-3)


def test_a_wider_confidence_gives_a_wider_interval_and_equal_values_none():
    v = [1.0, 2.0, 3.0]
    _, l90, h90 = stats.mean_ci(v, 0.90)
    _, l99, h99 = stats.mean_ci(v, 0.99)
    assert h99 - l99 > h90 - l90
    assert stats.mean_ci([0.5, 0.5, 0.5]) == (0.5, 0.5, 0.5)


def test_format_ci_prints_mean_half_width_and_n():
    assert stats.format_ci([0.6, 0.8]) == "0.700 ± 1.271 (95% CI, n=2)"
    assert stats.format_ci([1, 2, 3], digits=1) == "2.0 ± 2.5 (95% CI, n=3)"


@pytest.mark.parametrize("values, message", [([0.5], "at least 2"), ([[0.1, 0.2]], "1-D"), ([0.1, np.nan], "finite")])
def test_mean_ci_refuses_what_has_no_spread(values, message):
    with pytest.raises(ValueError, match=message):
        stats.mean_ci(values)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5])
def test_mean_ci_refuses_a_confidence_outside_0_1(confidence):
    with pytest.raises(ValueError, match="confidence"):
        stats.mean_ci([1, 2], confidence)


def test_confusion_matrix_counts_pairs_and_agrees_with_sklearn():
    from sklearn.metrics import confusion_matrix as sk

    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    m = stats.confusion_matrix(t, p, 4)
    assert np.array_equal(m, sk(t, p, labels=range(4)))
    assert m.sum() == 200 and np.trace(m) == np.sum(t == p)


def test_confusion_matrix_names_the_bad_argument():
    with pytest.raises(ValueError, match="y_pred"):
        stats.confusion_matrix([0, 1], [0, 3], 3)
    with pytest.raises(ValueError, match="same length"):
        stats.confusion_matrix([0, 1], [0], 3)
    with pytest.raises(ValueError, match="y_true"):
        stats.confusion_matrix([0.5, 1.0], [0, 1], 3)
