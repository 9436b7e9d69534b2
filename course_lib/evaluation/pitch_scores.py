"""Scoring pitch trackers: the reference at frame times, mir_eval's measures, reliability tables.

Chapter ``07_crepe`` compares CREPE, FCN-F0 and librosa's pYIN the way the field does, with
``mir_eval.melody``'s five measures under their own names (:func:`score_tracker`): **raw pitch
accuracy** (RPA: the fraction of voiced reference frames whose pitch guess lies within 50 cents
of the truth, whatever the voicing decision), **raw chroma accuracy** (RCA: the same, forgiving
octave errors), **voicing recall** and **false alarm**, and **overall accuracy**; a tracker's confidence is judged by a reliability table
(:func:`reliability`); the exact reference f0 of a synthetic tone at a tracker's frame times is
:func:`reference_f0`. The benchmark these scores serve (real instrument notes in real
backgrounds) is :mod:`course_lib.datasets.pitch_eval` and
:mod:`course_lib.experiments.pitch_benchmark`. Polyphonic transcriptions are scored note by note with ``mir_eval.transcription``
(:func:`note_scores`). Only NumPy and mir_eval are used (no TensorFlow).
Layer 2: imports the core and :mod:`course_lib.dsp.pitch` (MIDI to Hz).
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _checks
from ..dsp import pitch

__all__ = ["reference_f0", "score_tracker", "reliability", "note_array", "note_scores"]


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
    """The five MIREX melody measures of one tracker, as ``mir_eval.melody`` defines them, and their counts.

    Each frame has a reference (Hz, 0 = unvoiced), the tracker's pitch guess ``est_freq`` (Hz, in
    every frame, whatever its voicing decision; 0 or less = no guess) and its voicing decision
    ``est_voiced``. With V the reference-voiced frames and U the reference-unvoiced ones
    (Salamon et al. 2014; ``mir_eval.melody``):

    - **RPA**, raw pitch accuracy: the fraction of V whose pitch guess lies within
      ``cent_tolerance`` cents of the reference. The voicing decision is ignored: a frame the
      tracker calls unvoiced still counts with its guess, and a frame without a guess is a miss.
    - **RCA**, raw chroma accuracy: the same after folding octaves (RCA − RPA = octave errors).
    - **VR**, voicing recall: the fraction of V the tracker calls voiced.
    - **VFA**, voicing false alarm: the fraction of U the tracker calls voiced.
    - **OA**, overall accuracy: the fraction of all frames that are right: in U called unvoiced,
      or in V called voiced *and* within the tolerance.

    Every frame of ``scored`` counts; nothing is left out, so the scores of two trackers on one
    excerpt are always over the same frames.

    Parameters
    ----------
    ref_freq : array_like
        Hz per frame, 0 = unvoiced.
    est_freq : array_like
        The tracker's pitch guess per frame on the same grid, Hz (a value ≤ 0 or NaN = no guess).
    est_voiced : array_like of bool
        The tracker's voicing decision per frame.
    scored : array_like of bool, optional
        Frames to use (default: all).
    cent_tolerance : float
        Cents (50 is the MIREX standard; CREPE's paper also reports 25 and 10).

    Returns
    -------
    dict
        ``rpa``, ``rca``, ``voicing_recall``, ``voicing_false_alarm``, ``overall_accuracy``
        (fractions; ``rpa``, ``rca`` and ``voicing_recall`` are NaN without reference-voiced frames,
        ``voicing_false_alarm`` without unvoiced ones), and the whole-frame counts behind them:
        ``n_voiced``, ``n_unvoiced``, ``n_pitch`` (RPA's), ``n_chroma`` (RCA's), ``n_recalled``
        (VR's), ``n_false_alarms`` (VFA's), ``n_overall`` (OA's).

    Raises
    ------
    ValueError
        Arrays that are not 1-D of one length; a tolerance that is not positive.

    Notebook: 07_crepe
    """
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
        return _score(ref[m], est[m], ev[m], cent_tolerance)


def _score(ref, est, ev, cent_tolerance) -> dict:
    import mir_eval

    rv = ref > 0
    has_guess = est > 0
    rc = np.where(rv, 1200 * np.log2(np.where(rv, ref, 1.0) / 10.0), 0.0)
    ec = np.where(has_guess, 1200 * np.log2(np.where(has_guess, est, 1.0) / 10.0), 0.0)
    ref_v, est_v = rv.astype(float), ev.astype(float)
    n_voiced, n_unvoiced = int(rv.sum()), int((~rv).sum())
    # the counts, from the definitions
    both = rv & has_guess
    err = np.abs(rc - ec)
    pitch_ok = both & (err < cent_tolerance)
    chroma_err = np.abs(err - 1200 * np.floor(err / 1200 + 0.5))  # mir_eval's octave folding
    chroma_ok = both & (chroma_err < cent_tolerance)
    counts = {"n_voiced": n_voiced, "n_unvoiced": n_unvoiced, "n_pitch": int(pitch_ok.sum()),
              "n_chroma": int(chroma_ok.sum()), "n_recalled": int((rv & ev).sum()), "n_false_alarms": int((~rv & ev).sum()),
              "n_overall": int((pitch_ok & ev).sum() + (~rv & ~ev).sum())}
    nan = float("nan")
    out = {
        "rpa": float(mir_eval.melody.raw_pitch_accuracy(ref_v, rc, est_v, ec, cent_tolerance)) if n_voiced else nan,
        "rca": float(mir_eval.melody.raw_chroma_accuracy(ref_v, rc, est_v, ec, cent_tolerance)) if n_voiced else nan,
        "voicing_recall": float(mir_eval.melody.voicing_recall(ref_v, est_v)) if n_voiced else nan,
        "voicing_false_alarm": float(mir_eval.melody.voicing_false_alarm(ref_v, est_v)) if n_unvoiced else nan,
        "overall_accuracy": float(mir_eval.melody.overall_accuracy(ref_v, rc, est_v, ec, cent_tolerance)) if ref.size else nan,
    }
    # mir_eval's fractions are the counts over their frames: a check that the definitions above are mir_eval's
    for key, k, n in (("rpa", "n_pitch", n_voiced), ("rca", "n_chroma", n_voiced), ("voicing_recall", "n_recalled", n_voiced),
                      ("voicing_false_alarm", "n_false_alarms", n_unvoiced), ("overall_accuracy", "n_overall", ref.size)):
        if n and abs(out[key] - counts[k] / n) > 1e-9:
            raise AssertionError(f"{key}: mir_eval gives {out[key]}, the count gives {counts[k]}/{n}")
    return {**out, **counts}


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


def note_array(notes, name="notes", fields=("onset", "offset", "pitch")) -> np.ndarray:
    """Notes as a 1-D structured array with the given fields, each offset after its onset (checked, not copied).

    Parameters
    ----------
    notes : numpy.ndarray
        Structured, with at least ``fields`` (``onset`` and ``offset`` in seconds, ``pitch`` in MIDI).
    name : str
        The argument's name, for the message.
    fields : sequence of str
        The fields it must have.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    TypeError
        Not a 1-D structured array with those fields.
    ValueError
        An offset that is not after its onset.

    Notebook: 07_crepe (via ``note_scores`` and ``polyphony.render``)
    """
    arr = np.asarray(notes)
    if arr.dtype.names is None or not set(fields) <= set(arr.dtype.names) or arr.ndim != 1:
        raise TypeError(f"{name} must be a 1-D structured array with fields {list(fields)} (datasets.polyphony.NOTE_DTYPE, "
                        f"or models.basic_pitch.NOTE_DTYPE), got dtype {arr.dtype}")
    if len(arr) and np.any(arr["offset"] <= arr["onset"]):
        raise ValueError(f"{name}: every offset must come after its onset")
    return arr


def note_scores(reference, estimate, *, onset_tolerance=0.05, offset_ratio=None, offset_min_tolerance=0.05,
                pitch_tolerance=50.0):
    """Note precision, recall and F1 of a transcription, by ``mir_eval.transcription``.

    A reference note and an estimated note **match** when their onsets are within
    ``onset_tolerance`` (50 ms), their pitches within ``pitch_tolerance`` (50 cents) and, when
    ``offset_ratio`` is given, their offsets within ``max(offset_min_tolerance, offset_ratio ×
    reference duration)``; each note matches at most one other (a maximum bipartite matching).
    Precision = matches / estimated notes, recall = matches / reference notes, F1 their harmonic
    mean. ``offset_ratio=None`` is the "onset-only" score, ``offset_ratio=0.2`` mir_eval's
    default "onset-offset" score: the two note-tracking measures of MIREX's Multiple Fundamental
    Frequency Estimation & Tracking task.

    Parameters
    ----------
    reference, estimate : numpy.ndarray
        Structured arrays with fields ``onset``, ``offset`` (s) and ``pitch`` (MIDI), such as
        :data:`course_lib.datasets.polyphony.NOTE_DTYPE` or ``basic_pitch.NOTE_DTYPE``; the reference holds at least one note,
        the estimate may be empty (all scores 0).
    onset_tolerance : float, optional
        Seconds (default 0.05).
    offset_ratio : float or None, optional
        None (default): offsets ignored; else the fraction of the reference note's duration.
    offset_min_tolerance : float, optional
        Seconds (default 0.05).
    pitch_tolerance : float, optional
        Cents (default 50).

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1`` (floats in [0, 1]), ``n_reference``, ``n_estimate``,
        ``n_matched`` (ints) and ``matches``: the matched pairs ``(i, j)``, reference note ``i`` with
        estimated note ``j`` (indices into the arrays given), sorted.

    Raises
    ------
    TypeError, ValueError
        Arrays without those fields, an empty reference, an offset not after its onset, a bad
        tolerance.

    Notebook: 07_crepe
    """
    import mir_eval

    reference = note_array(reference, "reference")
    estimate = note_array(estimate, "estimate")
    if len(reference) == 0:
        raise ValueError("reference is empty: there is nothing to score against")
    onset_tolerance = _checks.positive(onset_tolerance, "onset_tolerance", "s")
    if offset_ratio is not None:
        offset_ratio = _checks.positive(offset_ratio, "offset_ratio")
    offset_min_tolerance = _checks.number(offset_min_tolerance, "offset_min_tolerance", "s", minimum=0.0)
    pitch_tolerance = _checks.positive(pitch_tolerance, "pitch_tolerance", "cents")

    def columns(notes):
        intervals = np.c_[notes["onset"], notes["offset"]].astype(np.float64).reshape(-1, 2)
        hz = pitch.midi_to_hz(notes["pitch"].astype(np.float64)) if len(notes) else np.zeros(0)
        return intervals, np.atleast_1d(hz)

    (ri, rp), (ei, ep) = columns(reference), columns(estimate)
    kwargs = dict(onset_tolerance=onset_tolerance, pitch_tolerance=pitch_tolerance, offset_ratio=offset_ratio,
                  offset_min_tolerance=offset_min_tolerance)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Estimated notes are empty")
        precision, recall, f1, _ = mir_eval.transcription.precision_recall_f1_overlap(ri, rp, ei, ep, **kwargs)
        matches = mir_eval.transcription.match_notes(ri, rp, ei, ep, **kwargs) if len(estimate) else []
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1),
            "n_reference": int(len(reference)), "n_estimate": int(len(estimate)), "n_matched": len(matches),
            "matches": sorted((int(i), int(j)) for i, j in matches)}
