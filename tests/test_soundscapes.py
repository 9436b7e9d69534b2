"""course_lib.soundscapes: audible intervals, mixing at an event-to-background ratio, labels where the energy is."""

import numpy as np
import pytest

from course_lib import soundscapes
from course_lib.soundscapes import Event

SR = 16000


def _burst(duration, freq=1000.0, amplitude=0.5):
    t = np.arange(int(duration * SR)) / SR
    return (amplitude * np.sin(2 * np.pi * freq * t) * np.hanning(t.size) ** 0.1).astype(np.float32)


def _clip_with_bursts(spans, length=3.0):
    """Silence with a 1 kHz burst over each (start, end) span, in seconds."""
    y = np.zeros(int(length * SR), np.float32)
    for a, b in spans:
        y[int(a * SR):int(a * SR) + int((b - a) * SR)] = _burst(b - a)
    return y


def _frame_db(y, n=256):
    frames = y[: y.size // n * n].reshape(-1, n).astype(np.float64)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)


def test_audible_intervals_find_the_bursts_and_merge_short_gaps():
    y = _clip_with_bursts([(0.5, 0.8), (1.0, 1.3), (2.2, 2.6)])
    iv = soundscapes.audible_intervals(y, SR, top_db=30, min_gap=0.5)
    # the 0.2 s gap is merged, the 0.9 s gap is not; edges within one analysis frame (64 ms)
    np.testing.assert_allclose(iv, [[0.5, 1.3], [2.2, 2.6]], atol=0.064)
    apart = soundscapes.audible_intervals(y, SR, top_db=30, min_gap=0.1)
    assert len(apart) == 3
    assert soundscapes.audible_intervals(np.zeros(SR), SR).shape == (0, 2)


def test_audible_intervals_reject_bad_arguments():
    with pytest.raises(ValueError, match="top_db"):
        soundscapes.audible_intervals(np.ones(100), SR, top_db=-3)
    with pytest.raises(ValueError, match="min_gap"):
        soundscapes.audible_intervals(np.ones(100), SR, min_gap=-1)


def test_prepare_events_cuts_to_the_audible_part():
    clips = [_clip_with_bursts([(1.0, 1.5)]), _clip_with_bursts([(0.2, 0.4)]), np.zeros(3 * SR, np.float32)]
    events = soundscapes.prepare_events(clips, [0, 1, 0], ["a", "b"], sr=SR, classes=("a",))
    assert [e.source for e in events] == [0]  # class b left out, the silent clip dropped
    ev = events[0]
    assert ev.label == "a" and ev.intervals[0, 0] == 0.0
    assert ev.y.size / SR == pytest.approx(0.5, abs=0.07)
    with pytest.raises(ValueError, match="classes"):
        soundscapes.prepare_events(clips, [0, 1, 0], ["a", "b"], sr=SR, classes=("c",))


def _event(label, spans, length, source=-1):
    y = _clip_with_bursts(spans, length)
    return Event(y=y, label=label, intervals=np.asarray(spans, float), source=source)


def test_mix_labels_are_where_the_energy_was_placed():
    rng = np.random.default_rng(0)
    background = (1e-3 * rng.standard_normal(10 * SR)).astype(np.float32)
    events = [_event("dog", [(0.0, 0.3), (1.0, 1.4)], 1.4), _event("cry", [(0.0, 2.0)], 2.0)]
    s = soundscapes.mix(background, events, onsets=[1.0, 5.5], ebr_db=[40.0, 35.0], sr=SR)  # background 40 dB down
    assert [(a, b, c) for a, b, c in s.events] == [(1.0, 1.3, "dog"), (2.0, 2.4, "dog"), (5.5, 7.5, "cry")]
    loud = _frame_db(s.audio) > _frame_db(s.audio).max() - 30  # frames with the events' energy
    t = (np.arange(loud.size) + 0.5) * 256 / SR
    inside = np.zeros_like(loud)
    for a, b, _ in s.events:
        inside |= (t > a - 0.02) & (t < b + 0.02)
    assert loud[inside].mean() > 0.9, "the labelled spans hold the events' energy"
    assert not loud[~inside].any(), "no event energy outside the labels"
    assert s.audio.size == background.size and len(s.sources) == 2
    np.testing.assert_allclose(s.audio, s.background + s.sources[0] + s.sources[1], atol=1e-6)


def test_mix_sets_the_event_to_background_ratio():
    rng = np.random.default_rng(1)
    background = (0.01 * rng.standard_normal(5 * SR)).astype(np.float32)
    ev = _event("dog", [(0.0, 0.5)], 0.5)
    for ebr in (0.0, 6.0, -3.0):
        s = soundscapes.mix(background, [ev], onsets=[1.0], ebr_db=[ebr], sr=SR)
        part = s.sources[0][SR:SR + SR // 2]
        measured = 20 * np.log10(np.sqrt(np.mean(part.astype(float) ** 2)) / np.sqrt(np.mean(s.background.astype(float) ** 2)))
        assert measured == pytest.approx(ebr, abs=0.01)


def test_mix_with_a_room_keeps_onset_and_energy():
    background = (0.01 * np.random.default_rng(2).standard_normal(4 * SR)).astype(np.float32)
    ir = np.zeros(SR // 2, np.float32)
    ir[100] = 1.0
    ir[100 + 800:] = 0.05 * np.exp(-np.arange(SR // 2 - 900) / 1000)
    ir = soundscapes.prepare_room_ir(ir, SR, max_duration=0.3)
    assert ir[0] == 1.0 and ir.size == int(0.3 * SR) and ir[-1] == 0.0
    ev = _event("dog", [(0.0, 0.5)], 0.5)
    dry = soundscapes.mix(background, [ev], onsets=[1.0], ebr_db=[6.0], sr=SR)
    wet = soundscapes.mix(background, [ev], onsets=[1.0], ebr_db=[6.0], sr=SR, room_irs=[ir])
    assert wet.events == dry.events and wet.info[0]["room"]
    assert not np.any(wet.sources[0][:SR])  # nothing before the onset
    assert np.sum(wet.sources[0].astype(float) ** 2) == pytest.approx(np.sum(dry.sources[0].astype(float) ** 2), rel=0.02)
    assert np.any(wet.sources[0][int(1.5 * SR):int(1.6 * SR)])  # the tail rings past the offset


def test_mix_rejects_what_does_not_fit():
    bg = np.ones(SR, np.float32) * 0.01
    ev = _event("dog", [(0.0, 0.5)], 0.5)
    with pytest.raises(ValueError, match=r"onsets\[0\]"):
        soundscapes.mix(bg, [ev], onsets=[0.8], ebr_db=[0.0], sr=SR)
    with pytest.raises(ValueError, match="same length"):
        soundscapes.mix(bg, [ev], onsets=[0.1, 0.2], ebr_db=[0.0], sr=SR)
    with pytest.raises(ValueError, match="background is silent"):
        soundscapes.mix(np.zeros(SR), [ev], onsets=[0.1], ebr_db=[0.0], sr=SR)


def test_random_soundscape_respects_polyphony_and_is_repeatable():
    pool = [_event(lab, [(0.0, d)], d, i) for i, (lab, d) in enumerate([("a", 1.5), ("b", 2.0), ("c", 0.7), ("a", 1.0)])]
    bg = (0.01 * np.random.default_rng(3).standard_normal(6 * SR)).astype(np.float32)
    for seed in range(20):
        s = soundscapes.random_soundscape(pool, bg, sr=SR, n_events=(3, 5), max_polyphony=2, rng=seed)
        spans = [(i["onset"], i["onset"] + pool[i["source"]].y.size / SR, i["label"])
                 for i in s.info]
        for t in np.arange(0, 6, 0.01):
            active = [lab for a, b, lab in spans if a <= t < b - 1e-3]
            assert len(active) <= 2 and len(set(active)) == len(active)
        assert all(0.0 <= i["ebr_db"] <= 15.0 for i in s.info)
    one = soundscapes.random_soundscape(pool, bg, sr=SR, rng=7)
    two = soundscapes.random_soundscape(pool, bg, sr=SR, rng=7)
    assert one.events == two.events and np.array_equal(one.audio, two.audio)
    with pytest.raises(ValueError, match="pool is empty"):
        soundscapes.random_soundscape([], bg, sr=SR)


@pytest.mark.slow
def test_train_validation_and_test_sets_share_no_fold_background_or_room():
    from course_lib import corpora

    _, _, folds, _ = corpora.load_esc10(sr=SR)
    sets = {split: soundscapes.make_set(split, 4, rng=0) for split in soundscapes.SPLITS}
    parts = {"train": (soundscapes.TRAIN_FOLDS, soundscapes.TRAIN_BACKGROUNDS, soundscapes.TRAIN_ROOMS),
             "validation": (soundscapes.VALIDATION_FOLDS, soundscapes.VALIDATION_BACKGROUNDS, soundscapes.VALIDATION_ROOMS),
             "test": (soundscapes.TEST_FOLDS, soundscapes.TEST_BACKGROUNDS, soundscapes.TEST_ROOMS)}
    for split, scapes in sets.items():
        assert {folds[i["source"]] for s in scapes for i in s.info} <= set(parts[split][0]), split
        assert all(s.audio.size == 10 * SR and s.events for s in scapes), split
        assert {e[2] for s in scapes for e in s.events} <= set(soundscapes.EVENT_CLASSES)
    for k in range(3):  # folds, backgrounds, rooms: pairwise disjoint, all real names
        for one, other in (("train", "validation"), ("train", "test"), ("validation", "test")):
            assert not set(parts[one][k]) & set(parts[other][k]), (k, one, other)
    assert sorted(f for p in parts.values() for f in p[0]) == [1, 2, 3, 4, 5]
    assert {b for p in parts.values() for b in p[1]} <= set(corpora.background_names())
    assert [r for p in parts.values() for r in p[2]] == corpora.room_ir_names()  # every room, each in one split
    assert "coffee-shop" not in soundscapes.VALIDATION_BACKGROUNDS  # its murmur is speech
    again = soundscapes.make_set("test", 4, rng=0)
    assert [s.events for s in again] == [s.events for s in sets["test"]]
    assert [s.events for s in soundscapes.make_set("validation", 4, rng=0)] == [s.events for s in sets["validation"]]
    with pytest.raises(ValueError, match="split"):
        soundscapes.make_set("valid", 2)


def test_make_set_seeds_each_split_with_its_own_stream(monkeypatch):
    """An int rng seeds ``[rng, stream]``: train 0, test 1 (as before the validation split existed, so the
    test soundscapes did not change), validation 2."""
    seen = []

    def default_rng(seed=None):
        seen.append(seed)
        raise _Stop

    class _Stop(Exception):
        pass

    monkeypatch.setattr(soundscapes.np.random, "default_rng", default_rng)
    for split in ("train", "test", "validation"):
        with pytest.raises(_Stop):
            soundscapes.make_set(split, 1, rng=5)
    assert seen == [[5, 0], [5, 1], [5, 2]]
