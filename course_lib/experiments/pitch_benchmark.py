"""Chapter 07's pitch-tracker benchmark: CREPE tiny and small, FCN-F0 and pYIN on real notes in real noise.

Every tracker of :data:`TRACKERS` runs on the same excerpts: for each instrument of
:data:`course_lib.datasets.pitch_eval.BENCHMARK_INSTRUMENTS` and each SNR, ``n_per_cell``
recorded-instrument notes with silence around them in a real background
(:func:`course_lib.datasets.pitch_eval.note_excerpts`), one frame every ``step_ms`` ms. Each run
is scored with :func:`course_lib.evaluation.pitch_scores.score_tracker` on the frames that
:func:`course_lib.datasets.pitch_eval.note_reference` scores: mir_eval's RPA, RCA, voicing recall
and false alarm and overall accuracy, at each of ``cent_tolerances`` (50 cents, the MIREX
standard, and 25 and 10, where CREPE's paper shows its advantage); every excerpt counts for
every tracker. Every tracker's confidence is
summarised in a reliability table over all excerpts
(:func:`course_lib.evaluation.pitch_scores.reliability`). CREPE and FCN-F0 say *voiced* above a
confidence of 0.5; pYIN (:func:`pyin`) uses its own voicing decision.

Results (``data/pitch_benchmark.json``): ``runs`` (one per tracker and excerpt), ``reliability``
(per tracker: ``counts``, ``correct``, ``mean_confidence`` per confidence bin) and ``key_ranges``
(the MIDI keys drawn per instrument). Remake them with ``python -m course_lib.experiments
pitch_benchmark`` (about 3 minutes on a 2-core CPU); chapter ``07_crepe`` re-runs two excerpts
live (:func:`benchmark_excerpt`) and checks them against the saved runs frame by frame
(:func:`check_live`). Layer 5.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _checks
from ..datasets import pitch_eval
from ..dsp import pitch
from ..errors import StaleResultsError
from ..evaluation import pitch_scores
from ..models import crepe, fcn_f0

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "TRACKERS", "pyin", "track",
           "benchmark_excerpt", "check_live", "run"]

#: The trackers of the benchmark, in table order.
TRACKERS = ("CREPE tiny", "CREPE small", "FCN-F0", "pYIN")

#: Everything that decides the benchmark's numbers. ``snrs_db`` in dB over the whole excerpt
#: (``"inf"``: no background); ``confidence_edges``: the reliability tables' bins.
SETTINGS = {
    "n_per_cell": 5,
    "seed": 0,
    "snrs_db": ["inf", 20.0, 10.0, 0.0, -5.0],
    "instruments": list(pitch_eval.BENCHMARK_INSTRUMENTS),
    "backgrounds": list(pitch_eval.BENCHMARK_BACKGROUNDS),
    "trackers": list(TRACKERS),
    "step_ms": 20,
    "cent_tolerances": [50.0, 25.0, 10.0],
    "confidence_edges": [float(e) for e in np.round(np.linspace(0.0, 1.0, 11), 1)],
}
#: ``--quick``: one clarinet note clean and at 0 dB, CREPE tiny and pYIN.
QUICK = {"n_per_cell": 1, "snrs_db": ["inf", 0.0], "instruments": ["Clarinet"], "trackers": ["CREPE tiny", "pYIN"]}
FILES = ("pitch_benchmark.json",)
DATA = ("soundfont", "blanket")
CHAPTER = "07_crepe"
TITLE = "CREPE tiny and small, FCN-F0 and pYIN on recorded notes in real backgrounds"


def _snr(value) -> float:
    return math.inf if value == "inf" or value == math.inf else float(value)


def pyin(y, sr, *, fmin=50.0, fmax=2000.0, frame_length=1024, hop_length=None):
    """librosa's pYIN with the course's settings, on the same time grid as CREPE.

    ``librosa.pyin`` with centred frames (frame ``t`` centred at ``t · hop / sr`` seconds, like
    CREPE's), ``hop_length = sr / 100`` (10 ms) by default and ``fill_na=None``, so that unvoiced
    frames still carry pYIN's best pitch guess (raw pitch accuracy ignores voicing).

    Parameters
    ----------
    y : array_like, 1-D
        Mono audio.
    sr : int
        Hz.
    fmin, fmax : float
        Search range in Hz (default 50–2000 Hz).
    frame_length : int
        Samples (1024 = 64 ms at 16 kHz, CREPE's window).
    hop_length : int, optional
        Samples (default 10 ms).

    Returns
    -------
    time : np.ndarray, seconds
    f0 : np.ndarray, Hz (best guess in every frame)
    voiced_flag : np.ndarray of bool
    voiced_prob : np.ndarray

    Notebook: 07_crepe (via `track`)
    """
    import librosa

    y = _checks.audio(y, ndim=1).astype(np.float32)
    sr = _checks.sample_rate(sr)
    fmin = _checks.positive(fmin, "fmin", "Hz")
    fmax = _checks.number(fmax, "fmax", "Hz", minimum=fmin, open_minimum=True)
    frame_length = _checks.positive_int(frame_length, "frame_length", what="samples")
    hop_length = int(round(sr / 100)) if hop_length is None else _checks.positive_int(hop_length, "hop_length", what="samples")
    f0, voiced_flag, voiced_prob = librosa.pyin(
        y, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame_length, hop_length=hop_length, fill_na=None, center=True
    )
    time = np.arange(f0.size) * hop_length / sr
    return time, f0, voiced_flag, voiced_prob


def track(y, sr, *, tracker, step_size=SETTINGS["step_ms"]):
    """Run one tracker of :data:`TRACKERS` on a clip: times, frequencies, voicing, confidence.

    CREPE (:func:`course_lib.models.crepe.predict`) and FCN-F0
    (:func:`course_lib.models.fcn_f0.predict`) say *voiced* where their confidence exceeds 0.5;
    pYIN (:func:`pyin`, 1024 samples, the same hop) uses its own voicing decision and reports its
    voiced probability as confidence.

    Parameters
    ----------
    y : np.ndarray
        Mono audio.
    sr : int
        Hz.
    tracker : str
        One of :data:`TRACKERS`.
    step_size : float
        Hop, ms.

    Returns
    -------
    time, frequency, voiced, confidence : np.ndarray
        Seconds, Hz, bool, [0, 1].

    Notebook: 07_crepe
    """
    tracker = _checks.choice(tracker, "tracker", TRACKERS)
    if tracker.startswith("CREPE"):
        t, f, c, _ = crepe.predict(y, sr, capacity=tracker.split()[1], step_size=step_size)
        return t, f, c > 0.5, c
    if tracker == "FCN-F0":
        t, f, c, _ = fcn_f0.predict(y, sr, step_size=step_size)
        return t, f, c > 0.5, c
    t, f, v, p = pyin(y, sr, hop_length=int(round(sr * step_size / 1000)))
    return t, np.nan_to_num(f), np.asarray(v, bool), np.nan_to_num(p)


#: The measures that depend on the cent tolerance (the voicing ones do not).
_PITCH_KEYS = ("rpa", "rca", "overall_accuracy", "n_pitch", "n_chroma", "n_overall")


def _at(key, tolerance) -> str:
    """The record's name of a pitch measure at a cent tolerance: ``rpa`` at 50 cents, ``rpa_25`` at 25."""
    return key if float(tolerance) == 50.0 else f"{key}_{float(tolerance):g}"


def benchmark_excerpt(excerpt, *, trackers=TRACKERS, step_size=SETTINGS["step_ms"],
                      cent_tolerances=tuple(SETTINGS["cent_tolerances"])):
    """Score every tracker on one :class:`~course_lib.datasets.pitch_eval.NoteExcerpt`.

    Parameters
    ----------
    excerpt : course_lib.datasets.pitch_eval.NoteExcerpt
    trackers : sequence of str
        Names of :data:`TRACKERS`.
    step_size : float
        ms.
    cent_tolerances : sequence of float
        Cents; 50 must be among them (the unsuffixed scores).

    Returns
    -------
    records : list of dict
        One per tracker: ``tracker``, the excerpt's ``name``, ``instrument``, ``midi``,
        ``background``, ``snr_db`` (``"inf"`` when clean) and the scores and counts of
        :func:`course_lib.evaluation.pitch_scores.score_tracker` at 50 cents (``rpa``, ``rca``,
        ``overall_accuracy``, ``voicing_recall``, ``voicing_false_alarm``, ``n_*``) and, for each
        other tolerance T of ``cent_tolerances``, the pitch measures with the suffix ``_T``
        (``rpa_25``, ``rca_25``, ``overall_accuracy_25``, ``n_pitch_25``, ...).
    frames : dict
        ``{tracker: (confidence, correct)}`` on the scored reference-voiced frames (correct:
        within 50 cents whatever the voicing decision), for reliability tables.

    Notebook: 07_crepe
    """
    records, frames = [], {}
    for name in trackers:
        t, f, v, c = track(excerpt.y, excerpt.sr, tracker=name, step_size=step_size)
        n = len(excerpt.y) // int(round(excerpt.sr * step_size / 1000))  # frames every tracker has
        t, f, v, c = t[:n], f[:n], v[:n], c[:n]
        ref, scored = pitch_eval.note_reference(excerpt, t)
        scores = pitch_scores.score_tracker(ref, f, v, scored)
        for tol in cent_tolerances:
            if float(tol) != 50.0:
                extra = pitch_scores.score_tracker(ref, f, v, scored, cent_tolerance=tol)
                scores.update({_at(k, tol): extra[k] for k in _PITCH_KEYS})
        records.append({"tracker": name, "name": excerpt.name, "instrument": excerpt.instrument, "midi": excerpt.midi,
                        "background": excerpt.background,
                        "snr_db": "inf" if excerpt.snr_db == math.inf else excerpt.snr_db, **scores})
        voiced_ref = scored & (ref > 0)
        ok = np.zeros(len(f), bool)
        good = voiced_ref & (f > 0)
        ok[good] = np.abs(pitch.interval_cents(ref[good], f[good])) < 50
        frames[name] = (c[voiced_ref], ok[voiced_ref])
    return records, frames


def _frame_counts(record, cent_tolerances=tuple(SETTINGS["cent_tolerances"])) -> dict:
    """The whole-frame counts behind a run's scores, by what they count, at every cent tolerance."""
    names = {"n_pitch": "voiced frames with a pitch within {T:g} cents",
             "n_chroma": "voiced frames within {T:g} cents after folding octaves",
             "n_overall": "frames right overall at {T:g} cents"}
    out = {"voiced frames called voiced": record["n_recalled"], "false alarms in the silences": record["n_false_alarms"]}
    for tol in cent_tolerances:
        out.update({what.format(T=float(tol)): record.get(_at(key, tol)) for key, what in names.items()})
    return out


def check_live(live_runs, cached_runs, *, max_frames=1) -> str:
    """Check runs of :func:`benchmark_excerpt` made now against the saved ones, frame by frame.

    A tracker's scores are fractions of frames, and each frame is decided by a threshold: a
    confidence above 0.5, a pitch within 50 (25, 10) cents. On another CPU, thread count or oneDNN
    setting the networks sum in another order and their activations differ by about 1e-6
    (measured: 1, 2 and 8 TensorFlow threads, oneDNN on and off); a frame changes its decision
    only where its confidence or pitch lies that close to a threshold, which is rare. So the check
    compares the frame counts behind the scores (voiced frames called voiced, false alarms in the
    silences, and at each tolerance the frames with a right pitch, a right chroma, right overall)
    and lets each move by ``max_frames``; the reference's counts (voiced and silent frames) must
    be equal.

    Parameters
    ----------
    live_runs : list of dict
        Records of :func:`benchmark_excerpt` made now.
    cached_runs : list of dict
        The saved ``runs`` (each live run's tracker and excerpt must be among them).
    max_frames : int
        Frames each count may differ by.

    Returns
    -------
    str
        A line to print, with no number of the live run.

    Raises
    ------
    StaleResultsError
        A live run missing from the cache, other reference counts, or a count that moved by more
        than ``max_frames`` (the message names the command that remakes the benchmark).

    Notebook: 07_crepe
    """
    max_frames = _checks.integer(max_frames, "max_frames", 0)
    cached = {(r["tracker"], r["name"]): r for r in cached_runs}
    remake = "remake it with `python -m course_lib.experiments pitch_benchmark`"
    for r in live_runs:
        key = (r["tracker"], r["name"])
        if key not in cached:
            raise StaleResultsError(f"pitch_benchmark: the cache has no run of {r['tracker']} on {r['name']}: {remake}")
        c = cached[key]
        if (r["n_voiced"], r["n_unvoiced"]) != (c["n_voiced"], c["n_unvoiced"]):
            raise StaleResultsError(
                f"pitch_benchmark: {r['name']} has {r['n_voiced']} voiced and {r['n_unvoiced']} silent frames now, "
                f"{c['n_voiced']} and {c['n_unvoiced']} in the cache: other excerpts; {remake}")
        now, saved = _frame_counts(r), _frame_counts(c)
        missing = sorted(what for what in now if now[what] is None or saved[what] is None)
        if missing:
            raise StaleResultsError(f"pitch_benchmark: the cache's runs or the live ones lack {missing}: {remake}")
        for what in now:
            if abs(now[what] - saved[what]) > max_frames:
                raise StaleResultsError(
                    f"pitch_benchmark: {r['tracker']} on {r['name']}: {what}: {now[what]} now, {saved[what]} in the "
                    f"cache, more than the {max_frames} frame(s) that the drift of floating-point sums can move "
                    f"across a threshold; {remake}")
    plural = "frame" if max_frames == 1 else "frames"
    return (f"✔ the live re-run decides the frames as the cached benchmark did (each count within {max_frames} "
            f"{plural}: float drift moves only a frame that lies on a threshold)")


def run(settings, out_dir, progress) -> dict:
    """Run the whole benchmark: instruments × SNRs × ``n_per_cell`` excerpts × trackers.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (or the quick ones).
    out_dir : Path
        Unused: the benchmark writes no file besides its results.
    progress : bool
        Print a line per instrument and SNR.

    Returns
    -------
    dict
        ``runs``, ``reliability``, ``key_ranges`` and ``mir_eval_version``.

    Notebook: (tooling, ``python -m course_lib.experiments pitch_benchmark``)
    """
    import mir_eval

    trackers, step = list(settings["trackers"]), settings["step_ms"]
    runs = []
    conf = {name: [] for name in trackers}
    ok = {name: [] for name in trackers}
    for instrument in settings["instruments"]:
        for snr in map(_snr, settings["snrs_db"]):
            for excerpt in pitch_eval.note_excerpts(instrument, snr, settings["n_per_cell"], rng=settings["seed"],
                                                    backgrounds=tuple(settings["backgrounds"])):
                records, frames = benchmark_excerpt(excerpt, trackers=trackers, step_size=step,
                                                    cent_tolerances=tuple(settings["cent_tolerances"]))
                runs += records
                for name, (c, k) in frames.items():
                    conf[name].append(c)
                    ok[name].append(k)
            if progress:
                print(f"{instrument} at {snr:g} dB done", flush=True)
    reliability = {}
    for name in trackers:
        counts, n_correct, mean_conf = pitch_scores.reliability(np.concatenate(conf[name]), np.concatenate(ok[name]),
                                                                edges=settings["confidence_edges"])
        reliability[name] = {"counts": counts.tolist(), "correct": n_correct.tolist(),
                             "mean_confidence": [None if np.isnan(m) else float(m) for m in mean_conf]}
    key_ranges = {k: list(pitch_eval.BENCHMARK_INSTRUMENTS[k]) for k in settings["instruments"]}
    return {"runs": runs, "reliability": reliability, "key_ranges": key_ranges, "mir_eval_version": mir_eval.__version__}
