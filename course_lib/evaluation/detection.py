"""Sound event detection scores: collar-based F1, segment-based F1 and PSDS, from frame scores.

A detector gives, for every frame and class, a score in [0, 1]. DCASE scores it with
``sed_scores_eval`` (Ebbers et al. 2022), which takes the scores of each clip as a table of
frame boundaries and one column per class. This module holds the frame timing
(:func:`frame_boundaries`: frame ``k`` centred at ``k·hop/sr`` covers ``[(k − ½)Δ, (k + ½)Δ)``),
the median filter applied to the scores first (:func:`median_filter`), the tables
(:func:`score_tables`) and the three numbers DCASE reports: :func:`event_f1` (collar-based),
:func:`segment_f1` (1 s segments) and :func:`psds1` (the polyphonic sound detection score,
scenario 1), with :func:`evaluate` giving all three. The default frame timing (16 kHz, hop 1024
samples = 64 ms) is that of the course's detector, :mod:`course_lib.models.seld`.

Used by ``09_detection_localization`` and its study (:mod:`course_lib.experiments.detection`).
Layer 2: imports the core only (and the external ``sed_scores_eval``, ``scipy``, ``pandas``).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from .. import _checks

__all__ = ["frame_boundaries", "median_filter", "score_tables", "event_f1", "segment_f1", "psds1", "evaluate"]


def frame_boundaries(n_frames, *, sr=16000, hop_length=1024) -> np.ndarray:
    """Start and end times of the frames: frame ``k`` (centred at ``k·hop/sr``) covers ``[(k − ½)Δ, (k + ½)Δ)``.

    The first frame starts at 0 s (not −Δ/2), so ``n_frames`` frames give ``n_frames + 1``
    boundaries, the form ``sed_scores_eval`` takes as timestamps.

    Parameters
    ----------
    n_frames : int
        Number of frames.
    sr : int
        Sample rate (Hz); default that of :mod:`course_lib.models.seld`.
    hop_length : int
        Hop between frames (samples); Δ = hop_length / sr seconds (64 ms by default).

    Returns
    -------
    ndarray of float, shape (n_frames + 1,)
        Boundaries in seconds.

    Notebook: 09_detection_localization
    """
    n_frames = _checks.positive_int(n_frames, "n_frames", what="frames")
    delta = _checks.positive_int(hop_length, "hop_length", what="samples") / _checks.sample_rate(sr)
    b = (np.arange(n_frames + 1) - 0.5) * delta
    b[0] = 0.0
    return b


def median_filter(scores, size) -> np.ndarray:
    """Median-filter each class's frame scores along time (``scipy.ndimage.median_filter``).

    A median over ``size`` frames removes detections and gaps shorter than about half of it.
    Median filtering commutes with thresholding (both are monotone), so filtering the scores
    and then thresholding gives the same events as thresholding and filtering the decisions.

    Parameters
    ----------
    scores : array_like, shape (frames, n_classes)
    size : int
        Odd filter length (frames); 1 leaves the scores as they are.

    Returns
    -------
    ndarray of float, same shape

    Raises
    ------
    ValueError
        ``size`` not a positive odd int, or ``scores`` not 2-D.

    Notebook: 09_detection_localization
    """
    from scipy import ndimage

    s = _checks.real_array(scores, "scores")
    if s.ndim != 2:
        raise ValueError(f"scores must be (frames, n_classes), got shape {s.shape}")
    size = _checks.positive_int(size, "size", what="frames")
    if size % 2 == 0:
        raise ValueError(f"size must be odd (a median has a middle frame), got {size}")
    return ndimage.median_filter(s, size=(size, 1), mode="nearest") if size > 1 else s.copy()


def score_tables(scores, class_names, ids=None, *, sr=16000, hop_length=1024) -> dict:
    """Frame scores as ``sed_scores_eval``'s tables: one DataFrame (onset, offset, one column per class) per clip.

    Parameters
    ----------
    scores : sequence of arrays (frames, n_classes)
    class_names : sequence of str
    ids : sequence of str, optional
        Clip names (default ``"0"``, ``"1"``, ...).
    sr, hop_length : int
        Frame timing (:func:`frame_boundaries`): Hz and samples.

    Returns
    -------
    dict of str to pandas.DataFrame

    Notebook: 09_detection_localization
    """
    from sed_scores_eval.base_modules.scores import create_score_dataframe

    frame = _score_frame_class()
    ids = [str(i) for i in range(len(scores))] if ids is None else [str(i) for i in ids]
    if len(ids) != len(scores):
        raise ValueError(f"ids must name every clip: {len(ids)} ids for {len(scores)} clips")
    return {i: frame(create_score_dataframe(np.asarray(s, dtype=np.float64),
                                            frame_boundaries(len(s), sr=sr, hop_length=hop_length), list(class_names)))
            for i, s in zip(ids, scores)}


@functools.cache
def _score_frame_class():
    """A DataFrame whose ``to_numpy`` returns a writable copy.

    Under pandas 3's copy-on-write, ``to_numpy`` returns a read-only view, which
    sed_scores_eval 0.0.4's Cython code rejects ("buffer source array is read-only"); fixed
    upstream after that release (fgnt/sed_scores_eval pull request 17).
    """
    import pandas as pd

    class ScoreFrame(pd.DataFrame):
        @property
        def _constructor(self):
            return ScoreFrame

        def to_numpy(self, *args, **kwargs):
            return np.array(super().to_numpy(*args, **kwargs))

    return ScoreFrame


def _sse():
    with warnings.catch_warnings():  # dcase_util, imported by sed_scores_eval, warns about pkg_resources
        warnings.simplefilter("ignore")
        import sed_scores_eval
    return sed_scores_eval


def _ground_truth(references) -> dict:
    return {str(i): [(float(a), float(b), str(c)) for a, b, c in ev] for i, ev in enumerate(references)}


def _tables(scores, class_names, median_frames, references, sr, hop_length):
    """Score tables of the classes that have reference events (sed_scores_eval needs one per class)."""
    names = list(class_names)
    present = [c for c in names if any(lab == c for ref in references for _, _, lab in ref)]
    if not present:
        raise ValueError("references hold no event of any class in class_names: there is nothing to detect")
    cols = [names.index(c) for c in present]
    return score_tables([median_filter(s, median_frames)[:, cols] for s in scores], present, sr=sr, hop_length=hop_length)


def _durations(scores, sr, hop_length) -> dict:
    return {str(i): float(frame_boundaries(len(s), sr=sr, hop_length=hop_length)[-1]) for i, s in enumerate(scores)}


def event_f1(scores, references, class_names, threshold=0.5, median_frames=1, collar=0.2, *, offset_collar_rate=0.2,
             sr=16000, hop_length=1024):
    """Event-based (collar-based) macro F1 of thresholded, median-filtered scores (``sed_scores_eval``).

    A detected event matches a reference event of the same class when its onset is within
    ``collar`` of the reference onset and its offset within ``max(collar, offset_collar_rate ·
    reference length)`` of the reference offset (Mesaros et al. 2016; DCASE's 200 ms and 20 %).

    Parameters
    ----------
    scores : sequence of arrays (frames, n_classes)
        Frame scores of each clip.
    references : sequence of lists of (onset, offset, label)
        Reference events of each clip (s).
    class_names : sequence of str
    threshold : float
        Decision threshold.
    median_frames : int
        Median filter (frames, odd) applied to the scores first.
    collar : float
        Onset (and least offset) collar (s).
    offset_collar_rate : float
        Offset collar as a share of the reference length.
    sr, hop_length : int
        Frame timing (:func:`frame_boundaries`): Hz and samples.

    Returns
    -------
    float
        F1 averaged over the classes that have reference events (macro); ``sed_scores_eval``
        cannot score a class without any, so such a class's false alarms are not counted.

    Notebook: 09_detection_localization
    """
    sse = _sse()
    collar = _checks.number(collar, "collar", "s", minimum=0.0)
    f, *_ = sse.collar_based.fscore(_tables(scores, class_names, median_frames, references, sr, hop_length),
                                   _ground_truth(references), threshold=float(threshold), onset_collar=collar,
                                   offset_collar=collar, offset_collar_rate=float(offset_collar_rate))
    return float(f["macro_average"])


def segment_f1(scores, references, class_names, threshold=0.5, median_frames=1, segment_length=1.0, *, sr=16000,
               hop_length=1024):
    """Segment-based macro F1 (``sed_scores_eval``): is each class active in each 1 s segment?

    Parameters
    ----------
    scores, references, class_names, threshold, median_frames, sr, hop_length
        As in :func:`event_f1`.
    segment_length : float
        Segment length (s).

    Returns
    -------
    float
        F1 averaged over classes (macro).

    Notebook: 09_detection_localization
    """
    sse = _sse()
    f, *_ = sse.segment_based.fscore(_tables(scores, class_names, median_frames, references, sr, hop_length),
                                    _ground_truth(references), _durations(scores, sr, hop_length),
                                    threshold=float(threshold),
                                    segment_length=_checks.positive(segment_length, "segment_length", "s"))
    return float(f["macro_average"])


def psds1(scores, references, class_names, median_frames=1, *, sr=16000, hop_length=1024):
    """PSDS in DCASE's scenario 1 (2021 onwards), from the scores over all thresholds (``sed_scores_eval``).

    Settings: detection tolerance criterion 0.7, ground-truth intersection criterion 0.7, no
    cross-trigger criterion, α_ST = 1, α_CT = 0, at most 100 false positives per hour (Bilen et
    al. 2020). The area under the PSD-ROC curve, normalised to [0, 1].

    Parameters
    ----------
    scores, references, class_names, median_frames, sr, hop_length
        As in :func:`event_f1`.

    Returns
    -------
    float

    Notebook: 09_detection_localization
    """
    sse = _sse()
    value, *_ = sse.intersection_based.psds(_tables(scores, class_names, median_frames, references, sr, hop_length),
                                           _ground_truth(references), _durations(scores, sr, hop_length),
                                           dtc_threshold=0.7, gtc_threshold=0.7, cttc_threshold=None,
                                           alpha_ct=0.0, alpha_st=1.0, max_efpr=100.0)
    return float(value)


def evaluate(scores, references, class_names, threshold=0.5, median_frames=7, *, collar=0.2, segment_length=1.0,
             sr=16000, hop_length=1024) -> dict:
    """The three numbers DCASE reports: event F1, segment F1 and PSDS (scenario 1), rounded to 4 decimals.

    Parameters
    ----------
    scores, references, class_names, threshold, median_frames, collar, segment_length, sr, hop_length
        As in :func:`event_f1`, :func:`segment_f1` and :func:`psds1` (the median filter applies to all three).

    Returns
    -------
    dict
        ``event_f1``, ``segment_f1``, ``psds1``.

    Notebook: 09_detection_localization
    """
    timing = dict(sr=sr, hop_length=hop_length)
    return dict(event_f1=round(event_f1(scores, references, class_names, threshold, median_frames, collar, **timing), 4),
                segment_f1=round(segment_f1(scores, references, class_names, threshold, median_frames, segment_length,
                                            **timing), 4),
                psds1=round(psds1(scores, references, class_names, median_frames, **timing), 4))
