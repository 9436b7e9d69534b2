"""course_lib.experiments.crepe_heads: chapter 07's classification-vs-regression study (its quick run
goes through the whole path: frames -> both heads trained -> scores -> saved results -> load), its
frames, scores and loss curves, and the saved results."""

import json

import numpy as np
import pytest

from course_lib import crepe, experiments, pitch
from course_lib.errors import StaleResultsError
from course_lib.experiments import crepe_heads, study

TINY = dict(crepe_heads.SETTINGS, steps=3, batch_size=16, chunk_steps=2, curve_every=2, n_val=20, n_test=24, seeds=[0, 1])


@pytest.mark.slow
def test_quick_run_saves_and_loads_sane_scores(tmp_path):
    experiments.run("crepe_heads", tmp_path, quick=True, progress=False)
    res = experiments.load("crepe_heads", tmp_path, quick=True)
    runs, settings = res["runs"], res.record["settings"]
    assert [(r["head"], r["seed"]) for r in runs] == [("classification", 0), ("regression", 0)]
    assert len(res["test_kind"]) == len(res["test_midi"]) == settings["n_test"] == 24
    assert len(res["sweep"]) == 2 * len(settings["learning_rates"])
    assert all(res["chosen"][r["head"]] == r["learning_rate"] for r in runs)
    for head in crepe.HEADS:  # each head keeps its rate with the best validation RPA
        tried = [s for s in res["sweep"] if s["head"] == head]
        assert res["chosen"][head] == max(tried, key=lambda s: s["validation"]["all"]["rpa"])["learning_rate"]
    for r in runs:
        assert set(r["scores"]) == {"all", "note", "instrument", "tone", "ambiguous"}
        assert 0 <= r["scores"]["all"]["rpa"] <= r["scores"]["all"]["rca"] <= 1
        assert len(r["loss_curve"]) == 2 and np.isfinite(r["loss_curve"]).all() and r["final_loss"] == r["loss_curve"][-1]
        assert len(r["errors"]) == 24


def test_other_settings_make_the_results_stale(tmp_path):
    record = study.record_for("crepe_heads", study.settings_for("crepe_heads", quick=True, steps=4), quick=True)
    (tmp_path / "crepe_heads.json").write_text(json.dumps({"record": record, "runs": []}))
    with pytest.raises(StaleResultsError, match=r"steps.*python -m course_lib.experiments crepe_heads"):
        experiments.load("crepe_heads", tmp_path, quick=True)


def test_saved_results_are_current():
    res = experiments.load("crepe_heads")
    settings = res.record["settings"]
    assert settings == study.jsonable(crepe_heads.SETTINGS)
    assert len(res["runs"]) == 2 * len(settings["seeds"]) and len(res["test_kind"]) == settings["n_test"]
    assert all(len(r["loss_curve"]) == settings["steps"] // settings["curve_every"] for r in res["runs"])
    assert len(res["sweep"]) == 2 * len(settings["learning_rates"]) and set(res["chosen"]) == set(crepe.HEADS)


def test_head_data_is_the_same_whatever_is_made_after_it():
    (x, f, m), (xv, fv, kv, mv), (xt, ft, kind, mt) = crepe_heads.head_data(TINY)
    assert x.shape == (48, 1024) and f.shape == m.shape == (48,) and set(kind) == set(crepe_heads.KINDS)
    assert set(kv) <= {"note", "tone", "ambiguous"} and xv.shape == (20, 1024)
    (x1, f1, _), _, (xt1, _, _, _) = crepe_heads.head_data(TINY, steps=2)  # the first steps alone: the same frames
    np.testing.assert_array_equal(x1, x[:32])
    np.testing.assert_array_equal(xt1, xt)
    with pytest.raises(ValueError, match="steps"):
        crepe_heads.head_data(TINY, steps=0)


def test_the_test_notes_are_unheard_keys_and_an_unheard_instrument():
    settings = dict(crepe_heads.SETTINGS, steps=8, chunk_steps=8, n_val=60, n_test=80)
    (_, _, m), (_, _, kv, mv), (_, _, kt, mt) = crepe_heads.head_data(settings)
    train_keys, val_keys = set(m[m > 0]), set(mv[kv == "note"])
    test_keys = set(mt[kt == "note"])
    assert train_keys and val_keys and test_keys
    assert not train_keys & test_keys and not train_keys & val_keys and not val_keys & test_keys
    assert all(k % 6 == 3 for k in test_keys) and all(k % 6 == 0 for k in val_keys)
    lo, hi = crepe_heads.pitch_eval.BENCHMARK_INSTRUMENTS[settings["held_out_instrument"]]
    assert set(mt[kt == "instrument"]) <= set(range(lo, hi + 1)) and (kt == "instrument").sum() == 20
    assert settings["held_out_instrument"] not in settings["train_instruments"]
    assert crepe_heads.split_keys(36, 47, "test") == [39, 45] and crepe_heads.split_keys(36, 47, "validation") == [36, 42]
    with pytest.raises(ValueError, match="part"):
        crepe_heads.split_keys(36, 47, "holdout")


def test_note_frames_are_real_notes_with_their_key():
    x, y, f0 = crepe_heads.note_frames(12, rng=0)
    assert x.shape == (12, 1024) and y.shape == (12, 360)
    midi = pitch.hz_to_midi(f0)
    assert np.allclose(midi, np.round(midi)) and midi.min() >= 36 and midi.max() <= 81
    np.testing.assert_allclose(x.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_array_equal(x, crepe_heads.note_frames(12, rng=np.random.default_rng(0))[0])
    with pytest.raises(ValueError, match="instruments"):
        crepe_heads.note_frames(2, instruments=("Kazoo",))
    only = crepe_heads.note_frames(20, instruments=("Cello",), keys={"Cello": [39, 45]}, rng=1)[2]
    assert set(np.round(pitch.hz_to_midi(only)).astype(int)) <= {39, 45}


def test_scores_errors_and_loss_curves():
    ft = np.array([110.0, 220.0, 440.0, 880.0])
    kind = np.array(["note", "tone", "ambiguous", "note"])
    perfect = crepe_heads.head_scores(pitch.hz_to_cents(ft), ft, kind)
    octave = crepe_heads.head_scores(pitch.hz_to_cents(2 * ft), ft, kind)
    assert perfect["all"]["rpa"] == 1.0 and octave["all"]["rpa"] == 0.0 and octave["all"]["rca"] == 1.0
    assert octave["note"]["median_error"] == pytest.approx(1200.0)
    np.testing.assert_allclose(crepe_heads.head_errors(pitch.hz_to_cents(2 * ft), ft), 1200.0)
    assert crepe_heads.head_errors([np.nan], [440.0])[0] == 1e4
    assert crepe_heads.loss_curve([1.0, 3.0, 5.0], every=2) == [2.0, 5.0]
    with pytest.raises(ValueError, match="every"):
        crepe_heads.loss_curve([1.0], every=0)


@pytest.mark.slow
def test_train_head_losses_are_per_batch_and_both_heads_read_out():
    (x, f, _), _, _ = crepe_heads.head_data(dict(TINY, steps=4, batch_size=8, chunk_steps=4, n_val=4, n_test=8))
    _, losses = crepe_heads.train_head("regression", x, f, rng=0, batch_size=8)
    _, first = crepe_heads.train_head("regression", x[:8], f[:8], rng=0, batch_size=8)
    _, two = crepe_heads.train_head("regression", x[:16], f[:16], rng=0, batch_size=8)
    assert len(losses) == 4 and losses[0] == first[0]
    np.testing.assert_allclose(two, losses[:2], rtol=1e-5)  # a run's first steps are the run's start
    for head in crepe.HEADS:
        trained, losses = crepe_heads.train_head(head, x, f, rng=np.random.default_rng(0), batch_size=16)
        assert len(losses) == 2 and np.isfinite(losses).all()
        assert crepe.head_cents(trained, x[:5]).shape == (5,)
    with pytest.raises(ValueError, match="frames"):
        crepe_heads.train_head("regression", x[:, :512], f)
    with pytest.raises(TypeError):
        crepe_heads.train_head("regression", x, f, seed=0)  # randomness comes through rng
