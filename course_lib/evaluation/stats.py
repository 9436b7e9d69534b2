"""Summary statistics of experiments: a mean with its confidence interval, a confusion matrix, McNemar's test.

Every experiment of the course reports a spread over seeds or folds, not one run. This module
holds the two numbers-to-conclusions tools the chapters share: :func:`mean_ci` (the mean and its
Student-t confidence interval, the form DCASE and ISMIR papers report) and
:func:`confusion_matrix` (rows: true class, columns: predicted class), and :func:`mcnemar`, the
exact test of whether two classifiers are equally accurate on the same test items (how a chapter
checks a live re-run against its cache). Used by the chapters that
train (``03_mel_perception`` onwards) through :mod:`course_lib.training` and directly.
"""

from __future__ import annotations

import numpy as np

from .. import _checks

__all__ = ["mean_ci", "confusion_matrix", "format_ci", "mcnemar"]


def mean_ci(values, confidence: float = 0.95) -> tuple[float, float, float]:
    """The mean of ``values`` and its Student-t confidence interval.

    With n values of sample standard deviation s, the interval is
    mean ± t(1 − (1 − confidence)/2, n − 1) · s / √n: it covers the true mean of the process
    that made the values (another seed, another fold) with probability ``confidence`` when
    the values are independent and roughly normal. Five folds give t = 2.78 at 95 %, so the
    half-width is 1.24 standard deviations.

    Parameters
    ----------
    values : 1-D array_like of float
        One result per seed or fold (at least 2, all finite).
    confidence : float
        Coverage of the interval, in (0, 1); default 0.95.

    Returns
    -------
    (mean, low, high) : tuple of float
        The mean and the interval's ends (same units as ``values``).

    Raises
    ------
    ValueError
        Fewer than 2 values, a value that is not finite, or ``confidence`` outside (0, 1).

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
    return mean, mean - half, mean + half


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

    Notebook: 03_mel_perception, 04_audioset_vggish, 05_augmentation, 09_detection_localization
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

    Notebook: 03_mel_perception (via ``experiments.live.same_accuracy``)
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
