"""course_lib.evaluation.pitch_scores: the reference f0 at frame times, mir_eval's measures with voicing
kept apart, and reliability tables."""

import math

import numpy as np
import pytest

from course_lib.evaluation import pitch_scores

SR = 16000


def test_reference_f0_at_frame_times():
    track = np.linspace(100.0, 200.0, SR)
    times = np.array([0.0, 0.5, 0.99, 2.0])
    ref = pitch_scores.reference_f0(track, SR, times=times)
    np.testing.assert_allclose(ref[:3], track[[0, 8000, 15840]])
    assert ref[3] == 0.0
    assert pitch_scores.reference_f0(-track, SR, times=times[:1])[0] == 0.0  # values <= 0 are unvoiced
    with pytest.raises(ValueError, match="sr"):
        pitch_scores.reference_f0(track, 16000.5, times=times)
    with pytest.raises(TypeError):
        pitch_scores.reference_f0(track, SR, times)  # times is keyword-only


def test_score_tracker_measures_pitch_and_octaves():
    truth = np.full(100, 220.0)
    voiced = np.ones(100, bool)
    close = pitch_scores.score_tracker(truth, truth * 2 ** (30 / 1200), voiced)
    assert close["rpa"] == close["rca"] == close["rpa_overall"] == 1.0
    octave = pitch_scores.score_tracker(truth, truth * 2, voiced)
    assert octave["rpa"] == 0.0 and octave["rca"] == 1.0
    wrong = truth.copy()
    wrong[:25] = 300.0
    assert pitch_scores.score_tracker(truth, wrong, voiced)["rpa"] == pytest.approx(0.75)
    assert pitch_scores.score_tracker(truth, wrong, voiced, cent_tolerance=600)["rpa"] == 1.0


def test_score_tracker_keeps_voicing_apart():
    ref = np.array([0, 0, 200, 200, 200, 200, 0, 0], float)
    est = np.array([100, 0, 201, 400, 200, 150, 0, 0], float)
    voiced = np.array([1, 0, 1, 1, 0, 1, 0, 1], bool)  # frame 4: right pitch but said unvoiced
    s = pitch_scores.score_tracker(ref, est, voiced)
    assert s["n_voiced"] == 4 and s["n_unvoiced"] == 4 and s["n_both"] == 3
    assert s["rpa"] == pytest.approx(1 / 3)  # frames 2, 3, 5: only 201 Hz is right
    assert s["rca"] == pytest.approx(2 / 3)  # 400 Hz is an octave error
    assert s["voicing_recall"] == pytest.approx(3 / 4)
    assert s["voicing_false_alarm"] == pytest.approx(1 / 4)  # frame 0 (frame 7 has no pitch)
    assert s["rpa_overall"] == pytest.approx(1 / 4)
    s = pitch_scores.score_tracker(ref, est, voiced, scored=ref > 0)
    assert math.isnan(s["voicing_false_alarm"]) and s["rpa"] == pytest.approx(1 / 3)
    none = pitch_scores.score_tracker(ref, est, np.zeros(8, bool))
    assert math.isnan(none["rpa"]) and none["voicing_recall"] == 0.0
    with pytest.raises(ValueError, match="1-D of one length"):
        pitch_scores.score_tracker(ref, est[:3], voiced)


def test_reliability_table():
    counts, correct, mean = pitch_scores.reliability([0.1, 0.15, 0.5, 0.9, 1.0], [0, 1, 1, 1, 1], edges=(0, 0.2, 0.6, 1.0))
    assert counts.tolist() == [2, 1, 2] and correct.tolist() == [1, 1, 2]
    np.testing.assert_allclose(mean, [0.125, 0.5, 0.95])
    counts, _, mean = pitch_scores.reliability([0.9], [1], edges=(0, 0.5, 1.0))
    assert counts.tolist() == [0, 1] and math.isnan(mean[0])
    with pytest.raises(ValueError, match="edges"):
        pitch_scores.reliability([0.5], [1], edges=(0.5, 0.2))
    with pytest.raises(ValueError, match="same size"):
        pitch_scores.reliability([0.5, 0.6], [1])
