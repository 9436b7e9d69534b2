"""Summary statistics of experiments: intervals, the one paired comparison, a confusion matrix, McNemar's test.

Every experiment of the course reports a spread over seeds or folds, not one run, and compares
two systems in one way. This module holds the numbers-to-conclusions tools the chapters share:

- :func:`mean_ci`: the mean and its Student-t confidence interval (the form DCASE and ISMIR
  papers report), clipped to the range the values can take (``bounds``);
- :func:`paired_difference`: **the** way the course compares system A with system B, on the
  differences over the same folds, seeds or test items, with the corrected resampled t-test of
  Nadeau and Bengio (2003) when the runs share training data (cross-validation folds); "A beats
  B" only when its interval excludes zero;
- :func:`proportion_ci`: Wilson's interval of one proportion (k of n), always inside [0, 1];
- :func:`confusion_matrix` (rows: true class, columns: predicted class) and :func:`mcnemar`, the
  exact test of whether two classifiers are equally accurate on the same test items (how a
  chapter checks a live re-run against its cache).

Used by the chapters that train (``03_mel_perception`` onwards) and directly.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import _checks

__all__ = ["mean_ci", "confusion_matrix", "format_ci", "mcnemar", "paired_difference", "PairedDifference",
           "proportion_ci"]


def mean_ci(values, confidence: float = 0.95, *, bounds=None) -> tuple[float, float, float]:
    """The mean of ``values`` and its Student-t confidence interval.

    With n values of sample standard deviation s, the interval is
    mean ± t(1 − (1 − confidence)/2, n − 1) · s / √n: it covers the true mean of the process
    that made the values (another seed, another fold) with probability ``confidence`` when
    the values are independent and roughly normal. Five folds give t = 2.78 at 95 %, so the
    half-width is 1.24 standard deviations.

    Values that cannot leave a range (accuracies and other fractions: ``bounds=(0, 1)``) give
    an interval clipped to it: near a bound the t interval's symmetric shape is wrong, and an
    accuracy above 1 is no statement at all. Cross-validation folds share training data, so
    their spread understates the uncertainty: compare two systems with
    :func:`paired_difference`, not by whether their intervals overlap.

    Parameters
    ----------
    values : 1-D array_like of float
        One result per seed or fold (at least 2, all finite).
    confidence : float
        Coverage of the interval, in (0, 1); default 0.95.
    bounds : (float, float), optional
        The range the values can take (e.g. ``(0, 1)`` for fractions); the interval is clipped to it.

    Returns
    -------
    (mean, low, high) : tuple of float
        The mean and the interval's ends (same units as ``values``).

    Raises
    ------
    ValueError
        Fewer than 2 values, a value that is not finite or outside ``bounds``, or ``confidence``
        outside (0, 1).

    Notebook: 03_mel_perception, 04_audioset_vggish, 05_augmentation, 06_raw_waveform, 07_crepe, 08_wavenet, 09_detection_localization
    """
    from scipy import stats

    v = _checks.real_array(values, "values")
    if v.ndim != 1:
        raise ValueError(f"values must be 1-D (one result per seed or fold), got shape {v.shape}")
    if v.size < 2:
        raise ValueError(f"values must hold at least 2 results (seeds or folds) for a spread, got {v.size}")
    confidence = _checks.number(confidence, "confidence", minimum=0.0, maximum=1.0, open_minimum=True)
    if confidence >= 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    mean = float(v.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    if bounds is None:
        return mean, mean - half, mean + half
    lo, hi = _bounds(bounds)
    if v.min() < lo or v.max() > hi:
        raise ValueError(f"values must lie in bounds [{lo}, {hi}], got values in [{v.min()}, {v.max()}]")
    return mean, max(lo, mean - half), min(hi, mean + half)


def _bounds(bounds) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be two numbers (low, high), got {bounds!r}") from None
    if not lo < hi:
        raise ValueError(f"bounds must be (low, high) with low < high, got {bounds!r}")
    return lo, hi


class PairedDifference(NamedTuple):
    """What :func:`paired_difference` found: the mean difference A − B, its interval and p-value.

    ``str()`` gives ``"+0.031 [+0.004, +0.058] (paired, n=5, ...)"``; :meth:`verdict` the sentence
    the course allows itself.
    """

    mean: float
    low: float
    high: float
    n: int
    p: float
    corrected: bool
    confidence: float

    @property
    def excludes_zero(self) -> bool:
        """True when the interval lies wholly above or wholly below zero."""
        return self.low > 0 or self.high < 0

    def verdict(self, a: str = "A", b: str = "B") -> str:
        """``"A beats B"``, ``"B beats A"`` or ``"no difference shown between A and B"`` (never "the same").

        Higher is better: pass the systems so that A − B > 0 means A is better (for an error
        rate, pass B first or negate the values).
        """
        if self.low > 0:
            return f"{a} beats {b}"
        if self.high < 0:
            return f"{b} beats {a}"
        return f"no difference shown between {a} and {b}"

    def __str__(self) -> str:
        how = "corrected resampled t" if self.corrected else "paired t"
        return (f"{self.mean:+.3f} [{self.low:+.3f}, {self.high:+.3f}] ({self.confidence:.0%} CI, {how}, n={self.n}, "
                f"p={self.p:.2g})")


def paired_difference(a, b, *, test_train_ratio=None, confidence: float = 0.95) -> PairedDifference:
    """Compare system A with system B on the same folds, seeds or test items: the paired difference.

    The differences d_i = a_i − b_i remove what the two runs share (the fold's difficulty, the
    seed's data order, the item), so a small but consistent advantage shows even when each
    system's own spread is wide: overlapping intervals of A and B are not evidence of no
    difference, and separate intervals are not needed for one. The interval is
    mean(d) ± t(n − 1) · √(c · s²), with s² the variance of the differences and

    - c = 1/n when the pairs are independent (seeds on fixed data, test items);
    - c = 1/n + n_test/n_train (Nadeau and Bengio 2003, the **corrected resampled t-test**) when
      the runs are cross-validation folds or resamples that share training data: the folds'
      results are correlated, the plain 1/n understates the variance and claims differences
      that are not there (Bouckaert and Frank 2004 measured the plain test's type I error far
      above its nominal level). For k-fold cross-validation n_test/n_train = 1/(k − 1).

    "A beats B" only when the interval excludes zero (:meth:`PairedDifference.verdict`); a
    difference whose interval includes zero is *not shown*, which is not the same as *none*.

    Parameters
    ----------
    a, b : 1-D array_like of float
        One result per fold, seed or item for each system, in the same order (same length ≥ 2).
    test_train_ratio : float, optional
        n_test / n_train of each run, for runs that share training data (0.25 for 5-fold
        cross-validation); leave out for independent pairs.
    confidence : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    PairedDifference
        ``mean``, ``low``, ``high`` (of A − B), ``n``, the two-sided ``p`` of "no difference",
        ``corrected`` and ``confidence``; ``verdict(a, b)`` and ``str()`` print it.

    Raises
    ------
    ValueError
        Arrays of other shapes or fewer than 2 pairs, values that are not finite, a
        ``test_train_ratio`` that is not positive, or ``confidence`` outside (0, 1).

    Notebook: 00_introduction, 03_mel_perception, 04_audioset_vggish, 05_augmentation, 06_raw_waveform, 07_crepe, 08_wavenet, 09_detection_localization
    """
    from scipy import stats

    x = _checks.real_array(a, "a")
    y = _checks.real_array(b, "b")
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"a and b must be 1-D and of the same length (one result per fold, seed or item, same "
                         f"order), got shapes {x.shape} and {y.shape}")
    if x.size < 2:
        raise ValueError(f"a and b must hold at least 2 pairs for an interval, got {x.size}")
    confidence = _checks.number(confidence, "confidence", minimum=0.0, maximum=1.0, open_minimum=True)
    if confidence >= 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    factor = 1.0 / x.size
    if test_train_ratio is not None:
        factor += _checks.positive(test_train_ratio, "test_train_ratio", "(n_test / n_train)")
    d = x - y
    mean = float(d.mean())
    se = math.sqrt(factor * float(d.var(ddof=1)))
    df = x.size - 1
    half = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
    if se == 0.0:
        p = 1.0 if mean == 0.0 else 0.0
    else:
        p = float(2 * stats.t.sf(abs(mean) / se, df))
    return PairedDifference(mean, mean - half, mean + half, int(x.size), p, test_train_ratio is not None, confidence)


def proportion_ci(successes, n, confidence: float = 0.95) -> tuple[float, float, float]:
    """A proportion k/n and Wilson's score interval, which stays inside [0, 1].

    The textbook interval p ± z·√(p(1 − p)/n) leaves [0, 1] near the ends and has a width of
    zero at p = 0 or 1 (10 of 10 right does not prove a perfect system). Wilson's interval
    (Wilson 1927; recommended by Brown, Cai and DasGupta 2001) inverts the score test:
    centre (k + z²/2)/(n + z²), half-width z·√(p(1 − p)/n + z²/(4n²)) / (1 + z²/n).

    Parameters
    ----------
    successes : int
        k, the items counted (0 ≤ k ≤ n).
    n : int
        Items in all (≥ 1).
    confidence : float
        Coverage, in (0, 1).

    Returns
    -------
    (p, low, high) : tuple of float
        k/n and the interval's ends, all in [0, 1].

    Raises
    ------
    ValueError
        ``n`` < 1, ``successes`` outside [0, n], ``confidence`` outside (0, 1).
    TypeError
        ``successes`` or ``n`` not an integer.

    Notebook: 04_audioset_vggish, 08_wavenet, 09_detection_localization
    """
    from scipy import stats

    n = _checks.integer(n, "n", minimum=1, what="items")
    k = _checks.integer(successes, "successes", minimum=0, what="items")
    if k > n:
        raise ValueError(f"successes must be at most n ({n}), got {k}")
    confidence = _checks.number(confidence, "confidence", minimum=0.0, maximum=1.0, open_minimum=True)
    if confidence >= 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return p, low, high


def format_ci(values, confidence: float = 0.95, digits: int = 3) -> str:
    """``"0.712 ± 0.041 (95% CI, n=5)"``: :func:`mean_ci` as a printed line.

    Parameters
    ----------
    values : 1-D array_like of float
        One result per seed or fold.
    confidence : float
        Coverage of the interval.
    digits : int
        Decimals printed.

    Returns
    -------
    str

    Notebook: 03_mel_perception, 04_audioset_vggish, 09_detection_localization
    """
    digits = _checks.integer(digits, "digits", minimum=0, what="decimals")
    mean, low, high = mean_ci(values, confidence)
    n = np.size(values)
    return f"{mean:.{digits}f} ± {(high - low) / 2:.{digits}f} ({confidence:.0%} CI, n={n})"


def confusion_matrix(y_true, y_pred, n_classes) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Parameters
    ----------
    y_true, y_pred : 1-D array_like of int
        Class indices in ``[0, n_classes)``, of the same length.
    n_classes : int
        Number of classes (rows and columns).

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)
        ``m[i, j]`` = examples of class ``i`` predicted as ``j``; the diagonal holds the correct ones.

    Raises
    ------
    ValueError
        Lengths differ, or a label is outside ``[0, n_classes)``.

    Notebook: 03_mel_perception, 04_audioset_vggish, 05_augmentation, 06_raw_waveform
    """
    n_classes = _checks.integer(n_classes, "n_classes", minimum=1, what="classes")
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    if t.ndim != 1 or p.ndim != 1 or t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must be 1-D and of the same length, got shapes {t.shape} and {p.shape}")
    for name, a in (("y_true", t), ("y_pred", p)):
        if a.size and (not np.issubdtype(a.dtype, np.integer) or a.min() < 0 or a.max() >= n_classes):
            raise ValueError(f"{name} must hold integer class indices in [0, {n_classes}), got {a.dtype} "
                             f"values in [{a.min()}, {a.max()}]")
    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(m, (t, p), 1)
    return m


def mcnemar(y_true, pred_a, pred_b) -> tuple[int, int, float]:
    """McNemar's exact test: are two classifiers equally accurate on the same test items?

    Only the items where exactly one of the two is right carry information: ``b`` (A right, B
    wrong) and ``c`` (A wrong, B right). If both are equally accurate, each of these ``b + c``
    discordant items is as likely to fall either way, so ``b`` ~ Binomial(b + c, 1/2). The
    two-sided p-value is the probability of a split at least as uneven as the one seen
    (Dietterich 1998 recommends this test for comparing two classifiers on one test set).

    Parameters
    ----------
    y_true, pred_a, pred_b : 1-D array_like
        The labels and the two classifiers' predictions for the same items (same length).

    Returns
    -------
    (b, c, p) : (int, int, float)
        Items only A gets right, items only B gets right, and the two-sided exact p-value
        (1.0 when there is no discordant item).

    Raises
    ------
    ValueError
        Arrays that are not 1-D or not of the same length.

    Notebook: 05_augmentation, 06_raw_waveform (via ``experiments.live.same_accuracy``)
    """
    from scipy.stats import binomtest

    t, a, b_ = (np.asarray(v) for v in (y_true, pred_a, pred_b))
    if t.ndim != 1 or a.shape != t.shape or b_.shape != t.shape:
        raise ValueError(f"y_true, pred_a and pred_b must be 1-D of the same length, got shapes {t.shape}, {a.shape}, "
                         f"{b_.shape}")
    right_a, right_b = a == t, b_ == t
    b = int(np.sum(right_a & ~right_b))
    c = int(np.sum(~right_a & right_b))
    p = 1.0 if b + c == 0 else float(binomtest(b, b + c, 0.5).pvalue)
    return b, c, p
