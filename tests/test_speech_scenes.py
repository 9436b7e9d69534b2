"""course_lib.datasets.speech_scenes: the reference is where the digits were placed, the SNR is the one asked for,
and the tuning and test splits share no speaker, recording or background."""

import numpy as np
import pytest

from course_lib.datasets import speech_scenes

SR = 16000


def _burst(spans, length=1.0, sr=SR, floor=0.0):
    """A 300 Hz tone over each (start, end) span (s), over white noise at amplitude ``floor``."""
    rng = np.random.default_rng(0)
    y = floor * rng.standard_normal(int(length * sr))
    t = np.arange(y.size) / sr
    for a, b in spans:
        on = (t >= a) & (t < b)
        y[on] += 0.5 * np.sin(2 * np.pi * 300 * t[on])
    return y.astype(np.float32)


def test_speech_extent_runs_from_the_first_to_the_last_active_frame():
    y = _burst([(0.2, 0.35), (0.45, 0.6)])  # a quiet closure inside the word belongs to it
    start, end = speech_scenes.speech_extent(y, SR)
    assert abs(start / SR - 0.2) <= 0.01 and abs(end / SR - 0.6) <= 0.01, (start, end)
    # over a noise floor 20 dB below the tone, 30 dB keeps the floor, 15 dB does not
    noisy = _burst([(0.3, 0.5)], floor=0.5 / np.sqrt(2) / 10)
    assert speech_scenes.speech_extent(noisy, SR, top_db=30) == (0, noisy.size)
    start, end = speech_scenes.speech_extent(noisy, SR, top_db=15)
    assert abs(start / SR - 0.3) <= 0.01 and abs(end / SR - 0.5) <= 0.01


def test_speech_extent_names_bad_arguments():
    with pytest.raises(ValueError, match="all zeros"):
        speech_scenes.speech_extent(np.zeros(100), SR)
    with pytest.raises(ValueError, match="top_db"):
        speech_scenes.speech_extent(np.ones(100), SR, top_db=0)
    with pytest.raises(ValueError, match="frame_duration"):
        speech_scenes.speech_extent(np.ones(100), SR, frame_duration=-0.01)
    with pytest.raises(ValueError):
        speech_scenes.speech_extent(np.ones((100, 2)), SR)


def test_frame_reference_marks_the_times_inside_an_interval():
    times = np.array([0.0, 0.05, 0.1, 0.15, 0.2, 0.5, 0.99])
    ref = speech_scenes.frame_reference([(0.1, 0.2, "7"), (0.5, 0.6, "3")], times)
    assert ref.tolist() == [False, False, True, True, False, True, False]  # [onset, offset)
    assert not speech_scenes.frame_reference(np.zeros((0, 2)), times).any()
    with pytest.raises(ValueError, match="onset <= offset"):
        speech_scenes.frame_reference([(0.3, 0.2)], times)
    with pytest.raises(ValueError, match="times"):
        speech_scenes.frame_reference([(0.1, 0.2)], times[None, :])


def test_the_splits_share_no_speaker_or_background_and_leave_the_coffee_shop_out():
    assert not set(speech_scenes.TUNE_SPEAKERS) & set(speech_scenes.TEST_SPEAKERS)
    assert not set(speech_scenes.TUNE_BACKGROUNDS) & set(speech_scenes.TEST_BACKGROUNDS)
    for left_out in speech_scenes.LEFT_OUT_BACKGROUNDS:
        assert left_out not in speech_scenes.TUNE_BACKGROUNDS + speech_scenes.TEST_BACKGROUNDS
    assert "coffee-shop" in speech_scenes.LEFT_OUT_BACKGROUNDS  # its murmur is speech
    assert speech_scenes.SPLITS == ("tune", "test")


def test_make_scenes_names_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        speech_scenes.make_scenes("train", 2, snr_db=10)
    with pytest.raises(ValueError, match=r"\bn\b"):
        speech_scenes.make_scenes("test", 0, snr_db=10)
    with pytest.raises(TypeError, match="snr_db"):
        speech_scenes.make_scenes("test", 2, snr_db="10 dB")
    with pytest.raises(ValueError, match="min_gap"):
        speech_scenes.make_scenes("test", 2, snr_db=10, min_gap=-0.1)


@pytest.mark.slow
def test_scenes_put_the_digits_where_the_reference_says_at_the_snr_asked():
    from course_lib import corpora

    _, _, speakers, _ = corpora.load_fsdd()
    scenes = speech_scenes.make_scenes("test", 5, snr_db=5.0, rng=3)
    assert [s.info[0]["background"] for s in scenes] == list(speech_scenes.TEST_BACKGROUNDS)  # in turn
    for s in scenes:
        assert s.audio.shape == (6 * SR,) and s.audio.dtype == np.float32 and len(s.events) == 4
        assert {speakers[i["source"]] for i in s.info} <= set(speech_scenes.TEST_SPEAKERS)
        onsets = [e[0] for e in s.events]
        assert onsets == sorted(onsets) and all(b - a >= 0.3 - 1e-3 for (_, a, _), (b, _, _) in
                                                 zip(s.events, s.events[1:]))  # gaps of 0.3 s at least
        np.testing.assert_allclose(s.audio, s.background + np.sum(s.sources, axis=0), atol=1e-6)  # nothing else
        bg_power = np.mean(s.background.astype(np.float64) ** 2)
        for (a, b, digit), source in zip(s.events, s.sources):
            placed = np.flatnonzero(source)  # the digit's samples lie in its interval (rounded to the ms)
            assert abs(placed[0] / SR - a) <= 0.001 and abs((placed[-1] + 1) / SR - b) <= 0.001, (placed[[0, -1]], a, b)
            snr = 10 * np.log10(np.mean(source[placed[0]:placed[-1] + 1].astype(np.float64) ** 2) / bg_power)
            assert abs(snr - 5.0) < 0.1, snr
            assert digit in [str(d) for d in range(10)]
        t = (np.arange(600) + 0.5) / 100
        ref = speech_scenes.frame_reference(s.events, t)
        assert 0.1 < ref.mean() < 0.6


@pytest.mark.slow
def test_tune_and_test_scenes_share_no_speaker_recording_or_background_and_repeat_at_every_snr():
    from course_lib import corpora

    _, _, speakers, _ = corpora.load_fsdd()
    tune = speech_scenes.make_scenes("tune", 5, snr_db=0.0, rng=0)
    test = speech_scenes.make_scenes("test", 5, snr_db=0.0, rng=0)
    for scenes, names, backgrounds in ((tune, speech_scenes.TUNE_SPEAKERS, speech_scenes.TUNE_BACKGROUNDS),
                                       (test, speech_scenes.TEST_SPEAKERS, speech_scenes.TEST_BACKGROUNDS)):
        assert {speakers[i["source"]] for s in scenes for i in s.info} <= set(names)
        assert {s.info[0]["background"] for s in scenes} == set(backgrounds)
    assert not {i["source"] for s in tune for i in s.info} & {i["source"] for s in test for i in s.info}
    assert set(speech_scenes.TUNE_BACKGROUNDS + speech_scenes.TEST_BACKGROUNDS) <= set(corpora.background_names())
    assert set(speech_scenes.TUNE_SPEAKERS + speech_scenes.TEST_SPEAKERS) == set(speakers.tolist())
    louder = speech_scenes.make_scenes("test", 5, snr_db=20.0, rng=0)  # the same scenes, only the level differs
    assert [s.events for s in louder] == [s.events for s in test]
    for quiet, loud in zip(test, louder):
        assert [i["source"] for i in quiet.info] == [i["source"] for i in loud.info]
        np.testing.assert_allclose(loud.sources[0] / np.abs(loud.sources[0]).max(),
                                   quiet.sources[0] / np.abs(quiet.sources[0]).max(), atol=1e-5)
    other = speech_scenes.make_scenes("test", 5, snr_db=0.0, rng=1)
    assert [s.events for s in other] != [s.events for s in test]
    with pytest.raises(ValueError, match="too short"):
        speech_scenes.make_scenes("test", 1, snr_db=0.0, duration=1.0)
