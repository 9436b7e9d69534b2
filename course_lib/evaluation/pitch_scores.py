"""Scoring pitch trackers: the reference at frame times, mir_eval's measures, reliability tables.

Chapter ``07_crepe`` compares CREPE, FCN-F0 and librosa's pYIN the way the field does, with
``mir_eval.melody``'s **raw pitch accuracy** (RPA: the fraction of voiced reference frames whose
estimate lies within 50 cents of the truth), **raw chroma accuracy** (RCA: the same, forgiving
octave errors) and the **voicing recall** and **false alarm**, kept apart
(:func:`score_tracker`); a tracker's confidence is judged by a reliability table
(:func:`reliability`); the exact reference f0 of a synthetic tone at a tracker's frame times is
:func:`reference_f0`. The benchmark these scores serve (real instrument notes in real
backgrounds) is :mod:`course_lib.datasets.pitch_eval` and
:mod:`course_lib.experiments.pitch_benchmark`. Only NumPy and mir_eval are used (no TensorFlow).
Layer 2: imports the core only.
"""

from __future__ import annotations

import numpy as np

from .. import _checks

__all__ = ["reference_f0", "score_tracker", "reliability"]


def reference_f0(f0_track, sr, *, times) -> np.ndarray:
    """The true f0 at frame times: ``f0_track[round(t · sr)]`` (0 Hz, unvoiced, outside the signal).

    Parameters
    ----------
    f0_track : array_like, shape (n_samples,)
        Hz per sample (e.g. from ``synth.harmonic_tone(..., return_f0=True)``); values <= 0 mean
        unvoiced.
    sr : int
        Hz.
    times : array_like
        Frame centres in seconds (e.g. ``crepe.predict``'s ``time``).

    Returns
    -------
    np.ndarray of float64, same shape as ``times``.

    Notebook: 07_crepe
    """
    f0_track = _checks.audio(f0_track, "f0_track", ndim=1).astype(np.float64)
    sr = _checks.sample_rate(sr)
    times = np.asarray(times, dtype=np.float64)
    index = np.round(times * sr).astype(np.int64)
    inside = (index >= 0) & (index < f0_track.size)
    out = np.zeros(times.shape)
    out[inside] = f0_track[index[inside]]
    return np.maximum(out, 0.0)


def score_tracker(ref_freq, est_freq, est_voiced, scored=None, *, cent_tolerance=50.0) -> dict:
    """Pitch and voicing scores of one tracker with ``mir_eval.melody``, voicing kept apart.

    ``mir_eval``'s raw pitch accuracy ignores the estimator's voicing only when the estimate
    carries a pitch in its unvoiced frames; here the pitch is scored **where the reference is
    voiced and the tracker says voiced** (``rpa``, ``rca``: mir_eval's raw pitch and chroma
    accuracy on those frames), and the voicing decision separately (``voicing_recall``,
    ``voicing_false_alarm``: ``mir_eval.melody.voicing_measures``). A tracker's "unvoiced" is
    thus never counted as a wrong pitch, and no pitch is invented for it. ``rpa_overall``
    (mir_eval's RPA with the estimate set to 0 Hz where the tracker says unvoiced) combines the
    two: the fraction of voiced reference frames with a voiced, correct estimate.

    Parameters
    ----------
    ref_freq : array_like
        Hz per frame, 0 = unvoiced.
    est_freq : array_like
        Hz per frame on the same grid (its value in unvoiced frames is not used).
    est_voiced : array_like of bool
        The tracker's voicing decision per frame.
    scored : array_like of bool, optional
        Frames to use (default: all).
    cent_tolerance : float
        Cents.

    Returns
    -------
    dict
        ``rpa``, ``rca`` (NaN when no frame is voiced in both), ``rpa_overall``,
        ``voicing_recall``, ``voicing_false_alarm`` (NaN without such frames), and the frame
        counts ``n_voiced``, ``n_unvoiced``, ``n_both``.

    Notebook: 07_crepe
    """
    import warnings

    cent_tolerance = _checks.positive(cent_tolerance, "cent_tolerance", "cents")
    ref = np.nan_to_num(np.asarray(ref_freq, dtype=np.float64))
    est = np.nan_to_num(np.asarray(est_freq, dtype=np.float64))
    ev = np.asarray(est_voiced, dtype=bool)
    m = np.ones(ref.shape, bool) if scored is None else np.asarray(scored, dtype=bool)
    if not (ref.shape == est.shape == ev.shape == m.shape) or ref.ndim != 1:
        raise ValueError(f"ref_freq, est_freq, est_voiced and scored must be 1-D of one length, got "
                         f"{ref.shape}, {est.shape}, {ev.shape}, {m.shape}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mir_eval warns of an all-unvoiced estimate: a valid result here
        return _score(ref[m], est[m], ev[m] & (est[m] > 0), cent_tolerance)


def _score(ref, est, ev, cent_tolerance) -> dict:
    import mir_eval

    rv = ref > 0
    rc = np.where(rv, 1200 * np.log2(np.where(rv, ref, 1.0) / 10.0), 0.0)
    ec = np.where(est > 0, 1200 * np.log2(np.where(est > 0, est, 1.0) / 10.0), 0.0)
    both = rv & ev
    out = {"n_voiced": int(rv.sum()), "n_unvoiced": int((~rv).sum()), "n_both": int(both.sum())}
    if both.any():
        one = np.ones(int(both.sum()))
        out["rpa"] = float(mir_eval.melody.raw_pitch_accuracy(one, rc[both], one, ec[both], cent_tolerance))
        out["rca"] = float(mir_eval.melody.raw_chroma_accuracy(one, rc[both], one, ec[both], cent_tolerance))
    else:
        out["rpa"] = out["rca"] = float("nan")
    ec_voiced = np.where(ev, ec, 0.0)
    out["rpa_overall"] = float(mir_eval.melody.raw_pitch_accuracy(rv.astype(float), rc, ev.astype(float), ec_voiced, cent_tolerance))
    recall = float(mir_eval.melody.voicing_recall(rv.astype(float), ev.astype(float))) if rv.any() else float("nan")
    false_alarm = float(mir_eval.melody.voicing_false_alarm(rv.astype(float), ev.astype(float))) if (~rv).any() else float("nan")
    out["voicing_recall"], out["voicing_false_alarm"] = recall, false_alarm
    return out


def reliability(confidence, correct, *, edges=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0)):
    """A reliability table: per confidence bin, the frames and the fraction of them that are correct.

    A tracker's confidence is *calibrated* when, among frames given confidence ``p``, a fraction
    ``p`` are right (here: within 50 cents). Bins are ``[edges[k], edges[k+1])`` (the last one
    closed).

    Parameters
    ----------
    confidence : array_like, in [0, 1]
    correct : array_like of bool, same shape
    edges : sequence of float
        Increasing bin edges.

    Returns
    -------
    counts : np.ndarray of int, shape (n_bins,)
    n_correct : np.ndarray of int, shape (n_bins,)
    mean_confidence : np.ndarray, shape (n_bins,), NaN for an empty bin

    Notebook: 07_crepe (via the reliability tables of ``course_lib.experiments.pitch_benchmark``)
    """
    c = np.asarray(confidence, dtype=np.float64).ravel()
    ok = np.asarray(correct, dtype=bool).ravel()
    if c.shape != ok.shape:
        raise ValueError(f"confidence and correct must have the same size, got {c.size} and {ok.size}")
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
        raise ValueError(f"edges must be at least two increasing numbers, got {edges!r}")
    k = np.clip(np.searchsorted(e, c, side="right") - 1, 0, e.size - 2)
    counts = np.bincount(k, minlength=e.size - 1)
    n_correct = np.bincount(k, weights=ok, minlength=e.size - 1).astype(int)
    sums = np.bincount(k, weights=c, minlength=e.size - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return counts, n_correct, mean_conf
