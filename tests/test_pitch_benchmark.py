"""course_lib.experiments.pitch_benchmark: chapter 07's tracker benchmark (its quick run goes through the
whole path: notes in noise -> trackers -> scores -> saved results -> load), pYIN, and the saved results."""

import json
import math

import numpy as np
import pytest

from course_lib import experiments
from course_lib.datasets import pitch_eval
from course_lib.errors import ResultsNotFoundError, StaleResultsError
from course_lib.evaluation import pitch_scores
from course_lib.experiments import pitch_benchmark, study


@pytest.mark.slow
def test_quick_run_saves_and_loads_sane_scores(tmp_path):
    path = experiments.run("pitch_benchmark", tmp_path, quick=True, progress=False)
    assert path == tmp_path / "pitch_benchmark.json"
    res = experiments.load("pitch_benchmark", tmp_path, quick=True)
    runs, settings = res["runs"], res.record["settings"]
    assert len(runs) == 2 * 2 and settings["snrs_db"] == ["inf", 0.0] and res.record["quick"] is True
    clean = [r for r in runs if r["snr_db"] == "inf"]
    assert {r["tracker"] for r in clean} == {"CREPE tiny", "pYIN"}
    for r in clean:  # a clean real clarinet note: both trackers are right and hear the silences as silence
        assert r["rpa"] > 0.9 and r["voicing_recall"] > 0.8 and r["voicing_false_alarm"] < 0.1, r
    for r in runs:
        assert all(0 <= r[k] <= 1 for k in ("rpa", "rca", "overall_accuracy", "voicing_recall", "voicing_false_alarm",
                                             "rpa_25", "rpa_10", "overall_accuracy_10"))
        assert r["rpa_10"] <= r["rpa_25"] <= r["rpa"] <= r["rca"], "a tighter tolerance counts fewer frames right"
    rel = res["reliability"]["CREPE tiny"]
    assert len(rel["counts"]) == 10 and sum(rel["counts"]) == sum(r["n_voiced"] for r in runs if r["tracker"] == "CREPE tiny")
    assert res["key_ranges"] == {"Clarinet": list(pitch_eval.BENCHMARK_INSTRUMENTS["Clarinet"])}
    with pytest.raises(StaleResultsError):
        experiments.load("pitch_benchmark", tmp_path)  # a quick run is not the full study


def test_other_settings_make_the_results_stale(tmp_path):
    settings = study.settings_for("pitch_benchmark", quick=True, n_per_cell=2)
    record = study.record_for("pitch_benchmark", settings, quick=True)
    (tmp_path / "pitch_benchmark.json").write_text(json.dumps({"record": record, "runs": []}))
    with pytest.raises(StaleResultsError, match=r"n_per_cell.*python -m course_lib.experiments pitch_benchmark"):
        experiments.load("pitch_benchmark", tmp_path, quick=True)
    with pytest.raises(ResultsNotFoundError, match="python -m course_lib.experiments pitch_benchmark"):
        experiments.load("pitch_benchmark", tmp_path / "nowhere")


def test_saved_benchmark_is_current_and_complete():
    res = experiments.load("pitch_benchmark")
    settings, runs = res.record["settings"], res["runs"]
    cells = {(r["tracker"], r["instrument"], str(r["snr_db"])) for r in runs}
    assert len(cells) == len(pitch_benchmark.TRACKERS) * len(pitch_eval.BENCHMARK_INSTRUMENTS) * len(settings["snrs_db"])
    assert len(runs) == len(cells) * settings["n_per_cell"] and settings["n_per_cell"] >= 5
    assert set(res["reliability"]) == set(pitch_benchmark.TRACKERS)
    # no excerpt is dropped: every run has every measure at every tolerance, as a number
    for r in runs:
        for tol in settings["cent_tolerances"]:
            suffix = "" if tol == 50 else f"_{tol:g}"
            assert all(not math.isnan(r[k + suffix]) for k in ("rpa", "rca", "overall_accuracy")), r["name"]
        assert not math.isnan(r["voicing_recall"]) and not math.isnan(r["voicing_false_alarm"]), r["name"]


def test_pyin_on_a_harmonic_tone():
    from course_lib import synth

    y, f0 = synth.harmonic_tone(261.63, duration=0.6, sr=16000, return_f0=True)
    t, f, voiced, prob = pitch_benchmark.pyin(y, 16000)
    assert len(t) == 1 + len(y) // 160 and voiced.dtype == bool and np.all((prob >= 0) & (prob <= 1))
    scores = pitch_scores.score_tracker(pitch_scores.reference_f0(f0, 16000, times=t), f, np.isfinite(f))
    assert scores["rpa"] > 0.9
    with pytest.raises(TypeError):
        pitch_benchmark.pyin(y, 16000, 60.0)  # the search range is keyword-only


def test_track_refuses_an_unknown_tracker():
    with pytest.raises(ValueError, match="tracker"):
        pitch_benchmark.track(np.zeros(1600), 16000, tracker="YAAPT")


def test_settings_match_the_datasets():
    assert pitch_benchmark.SETTINGS["instruments"] == list(pitch_eval.BENCHMARK_INSTRUMENTS)
    assert pitch_benchmark.SETTINGS["confidence_edges"][:3] == [0.0, 0.1, 0.2]
    assert pitch_benchmark._snr("inf") == math.inf and pitch_benchmark._snr(-5.0) == -5.0


def _run(**counts):
    base = {"tracker": "CREPE tiny", "name": "Clarinet|MIDI 67|city|0 dB", "n_voiced": 40, "n_unvoiced": 35,
            "n_pitch": 32, "n_chroma": 33, "n_recalled": 21, "n_false_alarms": 0, "n_overall": 56,
            "n_pitch_25": 30, "n_chroma_25": 31, "n_overall_25": 55, "n_pitch_10": 25, "n_chroma_10": 25, "n_overall_10": 54}
    return {**base, **counts}


def test_check_live_allows_a_frame_on_a_threshold_and_refuses_more():
    cached = [_run(), _run(tracker="pYIN", n_pitch=0, n_chroma=39, n_recalled=1, n_false_alarms=23, n_overall=12)]
    line = pitch_benchmark.check_live(cached, cached)
    assert line.startswith("✔") and "32" not in line
    one_off = [_run(n_pitch=33, n_recalled=22, n_overall_10=53), cached[1] | {"n_false_alarms": 24}]
    pitch_benchmark.check_live(one_off, cached)                        # a frame per count: float drift on a threshold
    remake = r"python -m course_lib.experiments pitch_benchmark"
    with pytest.raises(StaleResultsError, match=r"false alarms in the silences: 25 now, 23 in the cache.*" + remake):
        pitch_benchmark.check_live([cached[1] | {"n_false_alarms": 25}], cached)
    with pytest.raises(StaleResultsError, match="within 50 cents: 30 now, 32"):
        pitch_benchmark.check_live([_run(n_pitch=30)], cached)
    with pytest.raises(StaleResultsError, match="right overall at 10 cents: 50 now, 54"):
        pitch_benchmark.check_live([_run(n_overall_10=50)], cached)
    with pytest.raises(StaleResultsError, match="other excerpts"):
        pitch_benchmark.check_live([_run(n_voiced=41)], cached)
    with pytest.raises(StaleResultsError, match="no run of FCN-F0"):
        pitch_benchmark.check_live([_run(tracker="FCN-F0")], cached)
    with pytest.raises(StaleResultsError, match=r"lack \[.voiced frames with a pitch within 10 cents.\]"):
        pitch_benchmark.check_live([{k: v for k, v in _run().items() if k != "n_pitch_10"}], cached)
