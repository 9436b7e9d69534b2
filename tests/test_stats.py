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


# --- the one paired comparison, bounded means, Wilson's interval (issue 21) ---

def test_paired_difference_is_the_t_interval_of_the_differences():
    from scipy import stats as sps

    a = np.array([0.80, 0.74, 0.79, 0.83, 0.77])
    b = np.array([0.76, 0.73, 0.75, 0.80, 0.76])
    r = stats.paired_difference(a, b)
    d = a - b
    half = sps.t.ppf(0.975, 4) * d.std(ddof=1) / np.sqrt(5)
    assert r.mean == pytest.approx(d.mean()) and r.low == pytest.approx(d.mean() - half)
    assert r.p == pytest.approx(sps.ttest_rel(a, b).pvalue)
    assert r.excludes_zero and r.verdict("A", "B") == "A beats B"
    assert stats.paired_difference(b, a).verdict("B", "A") == "A beats B"
    assert "paired t" in str(r) and "n=5" in str(r)


def test_overlapping_intervals_can_hide_a_consistent_paired_difference():
    rng = np.random.default_rng(0)
    fold_difficulty = rng.normal(0.75, 0.05, 10)  # shared by both systems
    a, b = fold_difficulty + 0.02, fold_difficulty + rng.normal(0, 0.003, 10)
    _, a_lo, a_hi = stats.mean_ci(a)
    _, b_lo, b_hi = stats.mean_ci(b)
    assert a_lo < b_hi and b_lo < a_hi, "the two intervals overlap"
    assert stats.paired_difference(a, b).low > 0, "yet A is better on every fold"


def test_the_corrected_resampled_t_test_widens_the_interval_by_nadeau_and_bengio():
    a = np.array([0.80, 0.74, 0.79, 0.83, 0.77])
    b = np.array([0.76, 0.73, 0.75, 0.80, 0.76])
    plain, corrected = stats.paired_difference(a, b), stats.paired_difference(a, b, test_train_ratio=0.25)
    ratio = (corrected.high - corrected.low) / (plain.high - plain.low)
    assert ratio == pytest.approx(np.sqrt((1 / 5 + 0.25) / (1 / 5)))  # 1.5 for 5-fold cross-validation
    assert corrected.p > plain.p and corrected.corrected and "corrected" in str(corrected)


def test_a_difference_not_shown_is_not_called_the_same():
    r = stats.paired_difference([0.7, 0.8, 0.75], [0.72, 0.77, 0.76])
    assert not r.excludes_zero and r.verdict("CNN", "MLP") == "no difference shown between CNN and MLP"


@pytest.mark.parametrize("a, b, kw, message", [
    ([0.1, 0.2], [0.1], {}, "same length"),
    ([0.1], [0.2], {}, "at least 2"),
    ([0.1, np.nan], [0.1, 0.2], {}, "a"),
    ([0.1, 0.2], [0.1, 0.2], {"test_train_ratio": 0}, "test_train_ratio"),
    ([0.1, 0.2], [0.1, 0.3], {"confidence": 1.0}, "confidence"),
])
def test_paired_difference_names_the_bad_argument(a, b, kw, message):
    with pytest.raises(ValueError, match=message):
        stats.paired_difference(a, b, **kw)


def test_mean_ci_with_bounds_stays_inside_them_and_refuses_values_outside():
    values = [1.0, 1.0, 0.9, 1.0, 0.95]
    m, lo, hi = stats.mean_ci(values)
    assert hi > 1, "the plain t interval leaves [0, 1] here"
    m2, lo2, hi2 = stats.mean_ci(values, bounds=(0, 1))
    assert (m2, lo2, hi2) == (m, lo, 1.0)
    with pytest.raises(ValueError, match="bounds"):
        stats.mean_ci([0.5, 1.2], bounds=(0, 1))
    with pytest.raises(ValueError, match="bounds"):
        stats.mean_ci([0.5, 0.6], bounds=(1, 0))


@pytest.mark.parametrize("k, n", [(0, 10), (10, 10), (3, 10), (398, 400), (1, 1)])
def test_wilson_interval_stays_in_0_1_and_covers_the_proportion(k, n):
    p, lo, hi = stats.proportion_ci(k, n)
    assert 0 <= lo <= p <= hi <= 1 and p == k / n
    assert hi - lo > 0, "even 10 of 10 leaves room below 1"


@pytest.mark.parametrize("k, n", [(7, 20), (0, 5), (5, 5), (398, 400)])
def test_wilson_interval_matches_scipy(k, n):
    p, lo, hi = stats.proportion_ci(k, n)
    ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert (lo, hi) == pytest.approx((ref.low, ref.high), abs=1e-12)


@pytest.mark.parametrize("k, n, message", [(11, 10, "at most n"), (-1, 10, "successes"), (1, 0, "n"), (1.5, 3, "successes")])
def test_proportion_ci_names_the_bad_argument(k, n, message):
    with pytest.raises((ValueError, TypeError), match=message):
        stats.proportion_ci(k, n)
