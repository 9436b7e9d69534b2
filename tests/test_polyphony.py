"""course_lib.datasets.polyphony: passages with known notes, the monophonic segmentation, note scores.

The reference notes must be what was played: the composition rules (grid, ranges, scale, chord
shapes, voices), the audio as the sum of the instrument notes at their onsets, the peak, the
seeds; then the segmentation of a pitch track and mir_eval's note scores on hand-made cases.
"""

import warnings

import mir_eval
import numpy as np
import pytest

from course_lib.datasets import instruments, polyphony
from course_lib.datasets.polyphony import KINDS, NOTE_DTYPE, compose, notes_from_f0, passages, render
from course_lib.evaluation.pitch_scores import note_scores
from course_lib.dsp import pitch

MAJOR = {0, 2, 4, 5, 7, 9, 11}


def in_key(keys, tonic):
    return all((int(k) - tonic) % 12 in MAJOR for k in keys)


def degree(key, tonic):
    """Index of ``key`` in the major scale of ``tonic`` counted from MIDI 0."""
    scale = [k for k in range(128) if (k - tonic) % 12 in MAJOR]
    return scale.index(int(key))


# --------------------------------------------------------------------------- compose


@pytest.mark.parametrize("seed", range(12))
def test_chords_are_diatonic_triads_and_dyads_on_a_two_beat_grid(seed):
    notes, tonic = compose("chords", seed, n_beats=8, beat=0.5, lead=0.3)
    assert notes.dtype == NOTE_DTYPE and 0 <= tonic < 12
    onsets = np.unique(notes["onset"])
    np.testing.assert_allclose(onsets, 0.3 + np.arange(4) * 1.0)
    for t in onsets:
        chord = notes[notes["onset"] == t]
        np.testing.assert_allclose(chord["offset"], t + 1.0 - 0.05)
        assert in_key(chord["pitch"], tonic) and np.all(chord["voice"] == 0)
        assert np.all((polyphony.CHORD_RANGE[0] <= chord["pitch"]) & (chord["pitch"] <= polyphony.CHORD_RANGE[1]))
        steps = np.diff([degree(k, tonic) for k in chord["pitch"]])
        assert (len(chord) == 3 and steps.tolist() == [2, 2]) or (len(chord) == 2 and steps[0] in (2, 4, 5)), chord


@pytest.mark.parametrize("seed", range(12))
def test_two_voices_are_a_melody_over_a_bass_line_and_one_voice_is_the_melody(seed):
    two, tonic = compose("two voices", seed, n_beats=6, beat=0.4)
    one, tonic_one = compose("one voice", seed, n_beats=6, beat=0.4)
    melody, bass = two[two["voice"] == 0], two[two["voice"] == 1]
    assert tonic == tonic_one and np.array_equal(one, melody)
    np.testing.assert_allclose(melody["onset"], 0.25 + 0.4 * np.arange(6))
    np.testing.assert_allclose(melody["offset"] - melody["onset"], 0.35)
    np.testing.assert_allclose(bass["onset"], 0.25 + 0.8 * np.arange(3))
    np.testing.assert_allclose(bass["offset"] - bass["onset"], 0.75)
    for line, (low, high) in ((melody, polyphony.UPPER_RANGE), (bass, polyphony.LOWER_RANGE)):
        assert in_key(line["pitch"], tonic) and np.all((low <= line["pitch"]) & (line["pitch"] <= high))
        steps = np.abs(np.diff([degree(k, tonic) for k in line["pitch"]]))
        assert np.all((1 <= steps) & (steps <= 3)), line["pitch"]      # moves, never repeats a key
    assert np.all(np.diff(two["onset"]) >= 0)


def test_compose_is_seeded():
    a, _ = compose("two voices", 3)
    b, _ = compose("two voices", np.random.default_rng(3))
    assert np.array_equal(a, b)
    assert any(not np.array_equal(compose("chords", s)[0], compose("chords", 0)[0]) for s in range(1, 4))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(kind="trio"), ValueError, "kind"),
    (dict(kind=3), TypeError, "kind"),
    (dict(kind="chords", n_beats=5), ValueError, "even"),
    (dict(kind="chords", n_beats=0), ValueError, "n_beats"),
    (dict(kind="chords", n_beats=4.0), TypeError, "n_beats"),
    (dict(kind="chords", beat=0.1), ValueError, "beat"),
    (dict(kind="chords", lead=-1.0), ValueError, "lead"),
    (dict(kind="chords", rng="seed"), TypeError, "rng"),
])
def test_compose_names_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        compose(**kwargs)


# --------------------------------------------------------------------------- render


def test_render_is_the_sum_of_the_instrument_notes_scaled_to_the_peak():
    notes, _ = compose("two voices", 1, n_beats=4)
    sr = 16000
    y = render(notes, "brass", sr=sr, tail=0.3, peak=0.4)
    expected = np.zeros_like(y, dtype=np.float64)
    for onset, offset, key, voice in notes.tolist():
        name = ("Trumpet", "Trombone")[voice]
        x = instruments.instrument_note(name, key, velocity=100, duration=offset - onset + 0.3, sr=sr, release=0.3)
        start = int(round(onset * sr))
        expected[start:start + len(x)] += x
    assert y.dtype == np.float32 and len(y) == int(round((notes["offset"].max() + 0.3) * sr)) + 1
    assert np.max(np.abs(y)) == pytest.approx(0.4, rel=1e-6)
    np.testing.assert_allclose(y, expected * 0.4 / np.max(np.abs(expected)), atol=1e-6)
    assert not np.any(y[: int(0.25 * sr)]), "silence before the first onset"


@pytest.mark.parametrize("change, error, match", [
    (lambda n: n[:0], ValueError, "empty"),
    (lambda n: np.array(n.tolist()), TypeError, "structured"),
    (lambda n: n[["onset", "pitch"]], TypeError, "fields"),
])
def test_render_names_bad_notes(change, error, match):
    notes, _ = compose("one voice", 0)
    with pytest.raises(error, match=match):
        render(change(notes), "piano")


def test_render_names_bad_values():
    notes, _ = compose("one voice", 0)
    bad = notes.copy()
    bad["offset"][0] = bad["onset"][0]
    with pytest.raises(ValueError, match="offset"):
        render(bad, "piano")
    bad = notes.copy()
    bad["voice"][0] = 2
    with pytest.raises(ValueError, match="voice"):
        render(bad, "piano")
    with pytest.raises(ValueError, match="ensemble"):
        render(notes, "organ")
    with pytest.raises(ValueError, match="peak"):
        render(notes, "piano", peak=1.5)
    with pytest.raises(ValueError, match="velocity"):
        render(notes, "piano", velocity=0)


# --------------------------------------------------------------------------- passages


def test_passages_are_every_kind_ensemble_and_index_and_remake_bit_for_bit():
    made = passages(ensembles=("guitar", "piano"), n=2, rng=5, n_beats=4)
    assert [p.name for p in made] == [f"{e}|{k}|{i}" for k in KINDS for e in ("guitar", "piano") for i in range(2)]
    again = passages(ensembles=("piano",), kinds=("one voice",), n=2, rng=5, n_beats=4)
    for p in again:
        q = next(m for m in made if m.name == p.name)
        assert np.array_equal(p.y, q.y) and np.array_equal(p.notes, q.notes) and p.tonic == q.tonic
    for p in made:
        notes, tonic = compose(p.kind, np.random.default_rng([5, polyphony.zlib.crc32(p.ensemble.encode()),
                                                               int(p.name[-1])]), n_beats=4)
        assert np.array_equal(p.notes, notes) and p.tonic == tonic and p.sr == polyphony.SAMPLE_RATE
        assert np.max(np.abs(p.y)) == pytest.approx(0.5, rel=1e-6)
    by_name = {p.name: p for p in made}
    for e in ("guitar", "piano"):
        for i in range(2):
            two = by_name[f"{e}|two voices|{i}"].notes
            assert np.array_equal(by_name[f"{e}|one voice|{i}"].notes, two[two["voice"] == 0])
    assert not np.array_equal(by_name["piano|chords|0"].notes, by_name["piano|chords|1"].notes)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(ensembles=("piano", "piano")), ValueError, "repeats"),
    (dict(ensembles=()), ValueError, "empty"),
    (dict(ensembles=("harp",)), ValueError, "ensembles"),
    (dict(kinds=("chords", "trio")), ValueError, "kinds"),
    (dict(n=0), ValueError, "n"),
    (dict(rng=-1), ValueError, "rng"),
    (dict(rng=np.random.default_rng(0)), TypeError, "rng"),
])
def test_passages_name_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        passages(**kwargs)


# --------------------------------------------------------------------------- notes_from_f0


def test_notes_from_f0_makes_runs_of_one_key_and_drops_short_ones():
    hop = 0.02
    times = 0.1 + hop * np.arange(60)
    f0 = np.zeros(60)
    voiced = np.zeros(60, bool)
    f0[0:10], voiced[0:10] = 440.0, True                               # A4, 200 ms
    f0[10:13], voiced[10:13] = 466.16, True                            # A#4, 60 ms: dropped
    f0[20:35], voiced[20:35] = 220.0 * 2 ** (0.4 / 12), True           # 40 cents sharp: still A3
    f0[35:40], voiced[35:40] = 261.63, True                            # C4, 100 ms: kept
    f0[40:50] = 300.0                                                  # not voiced: ignored
    notes = notes_from_f0(times, f0, voiced)
    assert notes.dtype == NOTE_DTYPE
    assert notes["pitch"].tolist() == [69, 57, 60] and np.all(notes["voice"] == 0)
    np.testing.assert_allclose(notes["onset"], [0.1, 0.1 + 20 * hop, 0.1 + 35 * hop])
    np.testing.assert_allclose(notes["offset"], [0.1 + 10 * hop, 0.1 + 35 * hop, 0.1 + 40 * hop])
    assert len(notes_from_f0(times, f0, voiced, min_duration=0.25)) == 1
    assert len(notes_from_f0(times, f0, np.zeros(60, bool))) == 0


@pytest.mark.parametrize("args, error, match", [
    ((np.arange(3.0), np.ones(3), np.ones(2, bool)), ValueError, "one length"),
    ((np.arange(3.0), np.ones(3), np.ones(3)), TypeError, "booleans"),
    ((np.array([0.0, 0.0, 1.0]), np.ones(3), np.ones(3, bool)), ValueError, "increasing"),
    ((np.arange(3.0), np.array([1.0, 0.0, 1.0]), np.ones(3, bool)), ValueError, "positive f0"),
])
def test_notes_from_f0_names_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        notes_from_f0(*args)


# --------------------------------------------------------------------------- note_scores


def notes(*rows):
    return np.array([(a, b, k, 0) for a, b, k in rows], dtype=NOTE_DTYPE)


REF = notes((0.5, 1.0, 60), (0.5, 1.0, 64), (1.0, 2.0, 67))


def test_note_scores_on_hand_made_cases():
    assert note_scores(REF, REF) == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "n_reference": 3, "n_estimate": 3,
                                     "n_matched": 3, "matches": [(0, 0), (1, 1), (2, 2)]}
    late = notes((0.54, 1.0, 60), (0.56, 1.0, 64), (1.0, 2.0, 67))      # 40 ms in, 60 ms out
    assert note_scores(REF, late)["matches"] == [(0, 0), (2, 2)]
    sharp = notes((0.5, 1.0, 61), (0.5, 1.0, 64), (1.0, 2.0, 67))       # a semitone off
    s = note_scores(REF, sharp)
    assert s["n_matched"] == 2 and s["precision"] == s["recall"] == pytest.approx(2 / 3)
    long = notes((0.5, 1.3, 60), (0.5, 1.0, 64), (1.0, 2.0, 67))        # 0.3 s past a 0.5 s note
    assert note_scores(REF, long)["f1"] == 1.0
    assert note_scores(REF, long, offset_ratio=0.2)["n_matched"] == 2
    assert note_scores(REF, notes((0.5, 1.09, 60)), offset_ratio=0.2)["n_matched"] == 1   # within 0.2 · 0.5 s
    extra = notes((0.5, 1.0, 48), (0.5, 1.0, 60), (0.5, 1.0, 64), (1.0, 2.0, 67))
    s = note_scores(REF, extra)
    assert s["recall"] == 1.0 and s["precision"] == 0.75 and s["f1"] == pytest.approx(6 / 7)
    assert s["matches"] == [(0, 1), (1, 2), (2, 3)]


def test_note_scores_are_mir_evals_and_take_basic_pitch_notes():
    rng = np.random.default_rng(0)
    est = np.zeros(4, dtype=[("onset", float), ("offset", float), ("pitch", np.int64), ("amplitude", float)])
    est["onset"] = [0.47, 0.52, 1.03, 1.5]
    est["offset"] = est["onset"] + rng.uniform(0.3, 1.0, 4)
    est["pitch"] = [60, 64, 67, 72]
    for ratio in (None, 0.2):
        got = note_scores(REF, est, offset_ratio=ratio)
        want = mir_eval.transcription.precision_recall_f1_overlap(
            np.c_[REF["onset"], REF["offset"]], pitch.midi_to_hz(REF["pitch"].astype(float)),
            np.c_[est["onset"], est["offset"]], pitch.midi_to_hz(est["pitch"].astype(float)),
            onset_tolerance=0.05, offset_ratio=ratio)[:3]
        assert (got["precision"], got["recall"], got["f1"]) == pytest.approx(want)


def test_an_empty_transcription_scores_zero_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = note_scores(REF, REF[:0])
    assert (s["precision"], s["recall"], s["f1"], s["n_matched"], s["n_estimate"]) == (0.0, 0.0, 0.0, 0, 0)
    assert s["matches"] == []


def test_note_scores_name_bad_arguments():
    with pytest.raises(ValueError, match="reference is empty"):
        note_scores(REF[:0], REF)
    with pytest.raises(TypeError, match="fields"):
        note_scores(REF, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="offset"):
        note_scores(REF, notes((1.0, 0.5, 60)))
    with pytest.raises(ValueError, match="onset_tolerance"):
        note_scores(REF, REF, onset_tolerance=0)
    with pytest.raises(ValueError, match="offset_ratio"):
        note_scores(REF, REF, offset_ratio=-0.2)
