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
    assert close["rpa"] == close["rca"] == close["overall_accuracy"] == 1.0
    assert pitch_scores.score_tracker(truth, truth * 2 ** (30 / 1200), voiced, cent_tolerance=25)["rpa"] == 0.0
    octave = pitch_scores.score_tracker(truth, truth * 2, voiced)
    assert octave["rpa"] == 0.0 and octave["rca"] == 1.0
    wrong = truth.copy()
    wrong[:25] = 300.0
    assert pitch_scores.score_tracker(truth, wrong, voiced)["rpa"] == pytest.approx(0.75)
    assert pitch_scores.score_tracker(truth, wrong, voiced, cent_tolerance=600)["rpa"] == 1.0


def test_score_tracker_is_mir_eval_rpa_which_ignores_the_voicing_decision():
    ref = np.array([0, 0, 200, 200, 200, 200, 0, 0], float)
    est = np.array([100, 0, 201, 400, 200, 150, 0, 0], float)
    voiced = np.array([1, 0, 1, 1, 0, 1, 0, 1], bool)  # frame 4: right pitch but said unvoiced
    s = pitch_scores.score_tracker(ref, est, voiced)
    assert s["n_voiced"] == 4 and s["n_unvoiced"] == 4
    assert s["rpa"] == pytest.approx(2 / 4)  # of the 4 voiced frames, 201 and 200 Hz are right (frame 4 counts)
    assert s["rca"] == pytest.approx(3 / 4)  # 400 Hz is an octave error
    assert s["voicing_recall"] == pytest.approx(3 / 4)
    assert s["voicing_false_alarm"] == pytest.approx(2 / 4)  # frames 0 and 7 (a voicing decision without a pitch)
    assert s["overall_accuracy"] == pytest.approx(3 / 8)  # frame 2 (voiced, right) + frames 1, 6 (silent, silent)
    assert (s["n_pitch"], s["n_chroma"], s["n_recalled"], s["n_false_alarms"], s["n_overall"]) == (2, 3, 3, 2, 3)
    s = pitch_scores.score_tracker(ref, est, voiced, scored=ref > 0)
    assert math.isnan(s["voicing_false_alarm"]) and s["rpa"] == pytest.approx(2 / 4)
    silent = pitch_scores.score_tracker(ref, est, np.zeros(8, bool))
    assert silent["rpa"] == pytest.approx(2 / 4) and silent["voicing_recall"] == 0.0, "RPA ignores voicing"
    assert silent["overall_accuracy"] == pytest.approx(4 / 8)
    with pytest.raises(ValueError, match="1-D of one length"):
        pitch_scores.score_tracker(ref, est[:3], voiced)
    with pytest.raises(ValueError, match="cent_tolerance"):
        pitch_scores.score_tracker(ref, est, voiced, cent_tolerance=0)


def test_score_tracker_agrees_with_mir_eval_evaluate_on_a_real_style_track():
    import mir_eval

    rng = np.random.default_rng(0)
    times = np.arange(400) * 0.01
    ref = np.where((times > 0.5) & (times < 3.0), 220 * 2 ** (rng.normal(0, 0.5, 400) / 12), 0.0)
    est = ref * 2 ** (rng.normal(0, 40, 400) / 1200)
    est[ref == 0] = 150.0
    est[100:130] *= 2  # octave errors
    voiced = (ref > 0) ^ (rng.random(400) < 0.1)
    ours = pitch_scores.score_tracker(ref, est, voiced)
    # mir_eval's own form: a negative frequency is a pitch guess in a frame called unvoiced
    theirs = mir_eval.melody.evaluate(times, ref, times, np.where(voiced, est, -est))
    assert ours["rpa"] == pytest.approx(theirs["Raw Pitch Accuracy"])
    assert ours["rca"] == pytest.approx(theirs["Raw Chroma Accuracy"])
    assert ours["voicing_recall"] == pytest.approx(theirs["Voicing Recall"])
    assert ours["voicing_false_alarm"] == pytest.approx(theirs["Voicing False Alarm"])
    assert ours["overall_accuracy"] == pytest.approx(theirs["Overall Accuracy"])


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
