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
        assert all(0 <= r[k] <= 1 for k in ("rpa_overall", "voicing_recall", "voicing_false_alarm"))
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


def _rescored(record, **counts):
    """``record`` with some of its frame counts changed (n_both, right, chroma, alarms) and its fractions redone."""
    n_v, n_u = record["n_voiced"], record["n_unvoiced"]
    both = counts.get("n_both", record["n_both"])
    right = counts.get("right", round(record["rpa"] * record["n_both"]) if record["n_both"] else 0)
    chroma = counts.get("chroma", round(record["rca"] * record["n_both"]) if record["n_both"] else 0)
    alarms = counts.get("alarms", round(record["voicing_false_alarm"] * n_u))
    return {**record, "n_both": both, "voicing_recall": both / n_v, "voicing_false_alarm": alarms / n_u,
            "rpa": right / both if both else math.nan, "rca": chroma / both if both else math.nan}


def test_check_live_allows_a_frame_on_a_threshold_and_refuses_more():
    cached = [{"tracker": "CREPE tiny", "name": "Clarinet|MIDI 67|city|0 dB", "n_voiced": 40, "n_unvoiced": 35,
               "n_both": 21, "rpa": 1.0, "rca": 1.0, "voicing_recall": 0.525, "voicing_false_alarm": 0.0},
              {"tracker": "pYIN", "name": "Clarinet|MIDI 63|rain|0 dB", "n_voiced": 40, "n_unvoiced": 35,
               "n_both": 0, "rpa": math.nan, "rca": math.nan, "voicing_recall": 0.0, "voicing_false_alarm": 0.2}]
    line = pitch_benchmark.check_live(cached, cached)
    assert line.startswith("✔") and "0.525" not in line
    one_off = [_rescored(cached[0], n_both=22, right=22, chroma=22), _rescored(cached[1], n_both=1, right=0, chroma=1, alarms=8)]
    pitch_benchmark.check_live(one_off, cached)                        # a frame per count: float drift on a threshold
    remake = r"python -m course_lib.experiments pitch_benchmark"
    with pytest.raises(StaleResultsError, match=r"false alarms in the silences: 9 now, 7 in the cache.*" + remake):
        pitch_benchmark.check_live([_rescored(cached[1], alarms=9)], cached)
    with pytest.raises(StaleResultsError, match="within 50 cents: 19 now, 21"):
        pitch_benchmark.check_live([_rescored(cached[0], right=19)], cached)
    with pytest.raises(StaleResultsError, match="other excerpts"):
        pitch_benchmark.check_live([{**cached[0], "n_voiced": 41}], cached)
    with pytest.raises(StaleResultsError, match="no run of FCN-F0"):
        pitch_benchmark.check_live([{**cached[0], "tracker": "FCN-F0"}], cached)
