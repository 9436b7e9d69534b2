"""course_lib.models.pesto and course_lib.experiments.pesto_notes: chapter 10's self-supervised pitch (PESTO).

The crop is a transposition, the Toeplitz layer and the losses do what PESTO's code does, the CQT puts a
tone at its bin, the study's quick run goes through the whole path (views -> training -> calibration ->
scores -> saved results -> load), and the saved results hold what the chapter states."""

import json

import numpy as np
import pytest

from course_lib import experiments
from course_lib.errors import StaleResultsError
from course_lib.experiments import pesto_notes, study
from course_lib.models import pesto

WIDTH = pesto.CQT["n_bins"] - 2 * pesto.MAX_SHIFT


def _peaked(n, at, batch=1):
    y = np.zeros((batch, n), np.float32)
    y[np.arange(batch), at] = 1.0
    return y / y.sum(axis=1, keepdims=True)


def test_the_crop_transposes_by_whole_bins():
    frame = np.zeros(pesto.CQT["n_bins"], np.float32)
    frame[100] = 1.0
    assert crop_peak(frame, 0) == 100 - pesto.MAX_SHIFT
    for k in (-pesto.MAX_SHIFT, -3, 1, 5, pesto.MAX_SHIFT):
        assert crop_peak(frame, k) == 100 - pesto.MAX_SHIFT + k   # up by k bins: the note transposed by k/3 semitones
    both = pesto.crop(np.stack([frame, frame]), np.array([2, -2]))
    assert both.shape == (2, WIDTH) and list(both.argmax(axis=1)) == [102 - pesto.MAX_SHIFT, 98 - pesto.MAX_SHIFT]
    with pytest.raises(ValueError, match="shift"):
        pesto.crop(frame, pesto.MAX_SHIFT + 1)
    with pytest.raises(TypeError, match="shift"):
        pesto.crop(frame, 1.5)
    with pytest.raises(ValueError, match="bins"):
        pesto.crop(frame[:200], 0)


def crop_peak(frame, k):
    return int(pesto.crop(frame, k).argmax())


def test_the_cqt_puts_a_tone_at_its_bin():
    t = np.arange(16000) / 16000
    for midi in (45, 69):
        y = 0.5 * np.sin(2 * np.pi * 440 * 2 ** ((midi - 69) / 12) * t)
        frames = pesto.cqt_frames(y)
        assert frames.shape == (101, pesto.CQT["n_bins"]) and frames.dtype == np.float32
        assert int(np.median(frames[30:70].argmax(axis=1))) == (midi - pesto.CQT["fmin_midi"]) * 3
    assert pesto.cqt_frames(np.stack([y, y])).shape == (2, 101, pesto.CQT["n_bins"])
    with pytest.raises(ValueError, match="sr"):
        pesto.cqt_frames(y, sr=22050)
    with pytest.raises(ValueError, match="y"):
        pesto.cqt_frames(np.full(100, np.nan))


def test_the_toeplitz_layer_is_a_dense_layer_that_moves_with_its_input():
    layer = pesto.toeplitz_layer(10, 7)
    x = np.random.default_rng(0).standard_normal((1, 10)).astype(np.float32)
    out = np.asarray(layer(x))
    w = np.asarray(layer.kernel)
    dense = np.array([[w[j - i + 9] for j in range(7)] for i in range(10)])
    np.testing.assert_allclose(out, x @ dense, rtol=1e-5, atol=1e-6)
    assert w.shape == (16,)                          # n_in + n_out - 1 weights, not n_in * n_out
    moved = np.zeros_like(x)
    moved[0, 1:] = x[0, :-1]                         # the input moved up one bin (a zero comes in)
    np.testing.assert_allclose(np.asarray(layer(moved))[0, 1:], out[0, :-1] - x[0, -1] * dense[-1, :-1], rtol=1e-4,
                               atol=1e-5)


def test_the_network_outputs_a_distribution():
    model = pesto.build_model(channels=4)
    x = np.random.default_rng(1).standard_normal((3, WIDTH)).astype(np.float32)
    y = np.asarray(model(x))
    assert y.shape == (3, pesto.OUTPUT_BINS)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="channels"):
        pesto.build_model(channels=0)


def test_the_losses_reward_a_move_by_the_transposition():
    n = pesto.OUTPUT_BINS
    y1 = _peaked(n, [100, 200], batch=2)
    k = np.array([3, -5])
    right = _peaked(n, [103, 195], batch=2)
    wrong = _peaked(n, [109, 185], batch=2)
    assert float(pesto.equivariance_loss(y1, right, k)) < 1e-6 < float(pesto.equivariance_loss(y1, wrong, k))
    assert float(pesto.shift_cross_entropy(y1, right, k)) < float(pesto.shift_cross_entropy(y1, wrong, k))
    flat = np.full((2, n), 1 / n, np.float32)
    # PESTO's cross-entropy (a softmax over the probabilities) prefers agreeing peaks to flat outputs
    assert float(pesto.invariance_loss(y1, y1)) < float(pesto.invariance_loss(flat, flat))
    assert float(pesto.invariance_loss(y1, y1)) < float(pesto.invariance_loss(y1, wrong))


def test_note_views_keep_no_label_and_check_their_input():
    notes = np.stack([0.3 * np.sin(2 * np.pi * f * np.arange(16000) / 16000) for f in (220.0, 330.0)])
    noise = np.random.default_rng(0).standard_normal(40000).astype(np.float32)
    clean, a, b, note = pesto.note_views(notes, 0, noises=[noise], every=10)
    assert clean.shape == a.shape == b.shape == (14, pesto.CQT["n_bins"]) and list(note) == [0] * 7 + [1] * 7
    assert not np.allclose(a, b) and not np.allclose(a, clean)
    np.testing.assert_array_equal(a, pesto.note_views(notes, 0, noises=[noise], every=10)[1])
    with pytest.raises(ValueError, match="notes"):
        pesto.note_views(notes[0], 0)
    with pytest.raises(ValueError, match="times"):
        pesto.note_views(notes, 0, times=(0.2, 3.0))


def test_calibration_is_the_median_offset():
    model = pesto.build_model(channels=4)
    frames = np.random.default_rng(2).standard_normal((6, pesto.CQT["n_bins"])).astype(np.float32)
    offset = pesto.calibrate(model, frames, np.full(6, 60.0))
    np.testing.assert_allclose(np.median(pesto.predict_midi(model, frames, offset)), 60.0, atol=1e-6)
    with pytest.raises(ValueError, match="midi"):
        pesto.calibrate(model, frames, [60.0])


@pytest.mark.slow
def test_quick_run_saves_and_loads_sane_scores(tmp_path):
    experiments.run("pesto_notes", tmp_path, quick=True, progress=False)
    res = experiments.load("pesto_notes", tmp_path, quick=True)
    settings = res.record["settings"]
    assert (tmp_path / pesto_notes.FILES[1]).exists()
    assert res["conditions"] == ["clean"] and len(res["test_notes"]) == 4  # the clarinet's keys 60, 67, 74, 81
    assert [r["seed"] for r in res["runs"]] == settings["seeds"] and len(res["live"]) == settings["live_steps"]
    for r in res["runs"]:
        assert 0 <= r["conditions"]["clean"]["scores"]["rpa"] <= r["conditions"]["clean"]["scores"]["rca"] <= 1
        assert len(r["conditions"]["clean"]["note_rpa"]) == 4 and len(r["loss_curve"]) == 2
        assert 0 <= r["equivariance"]["exact"] <= r["equivariance"]["within_one"] <= 1
    assert set(res["baselines"]) == set(pesto_notes.TRACKERS)


def test_other_settings_make_the_results_stale(tmp_path):
    record = study.record_for("pesto_notes", study.settings_for("pesto_notes", quick=True, steps=5), quick=True)
    (tmp_path / "pesto_notes.json").write_text(json.dumps({"record": record, "runs": []}))
    with pytest.raises(StaleResultsError, match=r"steps.*python -m course_lib.experiments pesto_notes"):
        experiments.load("pesto_notes", tmp_path, quick=True)


def test_the_test_instruments_and_backgrounds_are_held_out():
    s = pesto_notes.SETTINGS
    assert not set(s["train_instruments"]) & set(s["test_instruments"])
    assert not set(s["live_instruments"]) - set(s["train_instruments"])
    assert not set(s["live_backgrounds"]) - set(s["train_backgrounds"])
    assert not set(s["train_backgrounds"]) & set(s["test_backgrounds"])
    assert {name for name, _ in s["calibration"]} <= set(s["train_instruments"]) and len(s["calibration"]) == 1
    keys, clips = pesto_notes.test_notes(dict(s, test_instruments=["Trumpet"], test_key_step=10, test_snrs_db=["inf", 0.0]))
    assert keys == [("Trumpet", 60), ("Trumpet", 70), ("Trumpet", 80)] and list(clips) == ["clean", "0 dB"]
    assert clips["0 dB"].shape == (3, 16000) and not np.allclose(clips["0 dB"], clips["clean"])
    assert pesto_notes.condition_name("inf") == "clean" and pesto_notes.condition_name(10.0) == "10 dB"


def test_saved_results_are_current_and_hold_the_chapter_claims():
    res = experiments.load("pesto_notes")
    s = res.record["settings"]
    assert s == study.jsonable(pesto_notes.SETTINGS)
    assert len(res["runs"]) == len(s["seeds"]) >= 3 and res["conditions"] == ["clean", "10 dB", "0 dB"]
    assert len(res["test_notes"]) == 94 and len(res["live"]) == s["live_steps"]
    for r in res["runs"]:
        assert len(r["loss_curve"]) == s["steps"] // s["curve_every"]
        assert r["equivariance"]["exact"] >= 0.9      # the argmax moves by the transposition on unheard notes
        assert r["conditions"]["clean"]["scores"]["rpa"] >= 0.9
