"""Checking a chapter's live re-run against its cached study, on any machine.

A chapter that reads a cached study re-runs a small part of it live. What a stale cache looks like
is decided elsewhere, exactly: :func:`course_lib.experiments.load` refuses results whose settings,
code or data differ from the study's own. The live re-run has another job: to show that the cached
numbers are what this code computes *here*, on whatever CPU, thread count, oneDNN setting or GPU
the student has. Those change the order of floating-point sums, so a network trained here is not
bit-identical to the cached one: it behaves like a re-run with another seed. So each check asks
whether the live and the cached run differ by more than training noise explains, with a stated
false-failure rate :data:`ALPHA` (a check that fails one honest machine in twenty is a broken
check; this one fails about one in a thousand):

- :func:`same_accuracy`: two classifiers' predictions on the same test items, compared by
  McNemar's exact test (:func:`course_lib.evaluation.stats.mcnemar`). It treats both as fixed
  classifiers: right for a run that repeats the cached one closely (the same seed, a few predictions
  apart), too strict where another machine moves the training as far as another seed does (then
  use :func:`within_seed_spread`);
- :func:`within_seed_spread`: a score compared with the cached one, against the spread the cached
  study shows across seeds (the difference of two runs has √2 times one run's standard deviation);
  the check for a trained network, whose accuracy moves with its training noise;
- :func:`close_values`: numbers that must agree to a stated relative tolerance (a loss curve of the
  same seed), with the reason for the tolerance in the call.

Each returns one line to print that holds no number of the live run (so a notebook's stored output
is the same on every machine) and raises :class:`~course_lib.errors.StaleResultsError`, naming the
command that remakes the study, when the check fails. Layer 5.
"""

from __future__ import annotations

import numpy as np

from ..errors import StaleResultsError
from ..evaluation import stats
from .study import COMMAND

__all__ = ["ALPHA", "same_accuracy", "within_seed_spread", "close_values"]

#: The false-failure rate of every live check: the chance that an honest run on another machine
#: fails it, if that machine's drift is no larger than a change of seed.
ALPHA = 1e-3


def _fail(name: str, what: str, detail: str) -> StaleResultsError:
    return StaleResultsError(
        f"{name}: {what} disagrees with the cached study beyond training noise ({detail}). The cache's record "
        f"matches this code, so a library or a machine changed what the study computes: remake it with "
        f"`{COMMAND.format(name=name)}` (an honest machine fails this check with probability {ALPHA:g}).")


def same_accuracy(name: str, y_true, live_pred, cached_pred, *, what: str = "the live re-run",
                  alpha: float = ALPHA) -> str:
    """Check that a live classifier is as accurate as the cached one on the same test items.

    Parameters
    ----------
    name : str
        The study (named in the message with its remake command).
    y_true, live_pred, cached_pred : 1-D array_like
        Labels and the two runs' predictions for the same items.
    what : str
        What the live run is, for the messages ("fold 1, 8 bands").
    alpha : float
        The false-failure rate (McNemar's exact two-sided test at this level).

    Returns
    -------
    str
        A line to print, with no number that depends on the machine.

    Raises
    ------
    StaleResultsError
        The two differ in accuracy with p < ``alpha``.

    Notebook: 06_raw_waveform
    """
    b, c, p = stats.mcnemar(y_true, live_pred, cached_pred)
    if p < alpha:
        raise _fail(name, what, f"of {len(np.asarray(y_true))} items, only the live run gets {b} right and only the "
                                f"cache {c}: McNemar's exact p = {p:.2g} < {alpha:g}")
    return f"✔ {what} is as accurate as the cached run (McNemar's exact test, α = {alpha:g})"


def within_seed_spread(name: str, live, cached, seed_values, *, what: str = "the live re-run",
                       alpha: float = ALPHA) -> str:
    """Check that a live score is within the noise the cached study shows across seeds.

    Two runs that differ only in their training noise differ by a variable of standard deviation
    √2·σ, where σ is the spread across seeds. σ is estimated from the n cached seeds (sample
    standard deviation s, n − 1 degrees of freedom), so the check allows t(1 − α/2, n − 1)·√2·s:
    Student's t, not the normal quantile, so that the false-failure rate is α even with a handful
    of seeds (7 seeds: 5.96·√2 = 8.4 s at α = 0.001). Such an allowance is wide: it catches a
    machine that computes something else (a broken kernel, a library that changed a default), not
    a small drift; a stale cache is caught exactly by the record (:func:`course_lib.experiments.load`).

    Parameters
    ----------
    name : str
        The study.
    live, cached : float
        The live run's score and the cached run's (same seed, same split).
    seed_values : 1-D array_like of float
        The cached study's scores of the same setting across seeds (at least 3).
    what : str
        What the live run is, for the messages.
    alpha : float
        The false-failure rate.

    Returns
    -------
    str
        A line to print, with no number that depends on the machine.

    Raises
    ------
    ValueError
        Fewer than 3 seed values.
    StaleResultsError
        ``|live − cached|`` beyond the allowance.

    Notebook: 05_augmentation
    """
    from scipy.stats import t as student_t

    values = np.asarray(seed_values, dtype=np.float64)
    if values.ndim != 1 or values.size < 3:
        raise ValueError(f"seed_values must hold the scores of at least 3 seeds, got shape {values.shape}")
    sigma = float(np.std(values, ddof=1))
    allowed = float(student_t.ppf(1 - alpha / 2, values.size - 1)) * np.sqrt(2.0) * sigma
    gap = abs(float(live) - float(cached))
    if gap > allowed:
        raise _fail(name, what, f"live {float(live):.4g} vs cached {float(cached):.4g}: a gap of {gap:.3g} against "
                                f"{allowed:.3g} allowed by the spread across {values.size} seeds (σ = {sigma:.3g})")
    return f"✔ {what} is within the cached study's seed-to-seed noise (allowance {allowed:.3g}, α = {alpha:g})"


def close_values(name: str, live, cached, *, rtol: float, why: str, what: str = "the live re-run") -> str:
    """Check numbers that must agree to a relative tolerance, stating why that tolerance.

    For a run that repeats the cached one with the same seed and stays short enough that the
    drift of floating-point sums has not grown into another trajectory (a few hundred steps of a
    loss curve), the tolerance is a measured bound on that drift, given in ``why``.

    Parameters
    ----------
    name : str
        The study.
    live, cached : array_like of float
        The same quantities, live and cached (same shape).
    rtol : float
        The largest allowed ``|live − cached| / |cached|``.
    why : str
        Why this tolerance (printed in the line returned).
    what : str
        What the live run is.

    Returns
    -------
    str
        A line to print, with no number that depends on the machine.

    Raises
    ------
    ValueError
        Shapes that differ, or a non-positive ``rtol``.
    StaleResultsError
        A relative difference above ``rtol``.

    Notebook: 03_mel_perception, 07_crepe
    """
    a = np.asarray(live, dtype=np.float64)
    b = np.asarray(cached, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"live and cached must have the same shape, got {a.shape} and {b.shape}")
    if not rtol > 0:
        raise ValueError(f"rtol must be positive, got {rtol!r}")
    rel = float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))) if a.size else 0.0
    if not rel <= rtol:
        raise _fail(name, what, f"a relative difference of {rel:.3g} against {rtol:g} allowed: {why}")
    return f"✔ {what} agrees with the cache to {rtol:g} relative ({why})"
