"""course_lib.widgets: the quiz scores answers; the explorers build and redraw."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course_lib import synth, widgets


def _white(rng, n, peak=0.5):
    """Gaussian white noise scaled to ``peak`` (synthetic; the course's noises are real recordings)."""
    x = np.random.default_rng(rng).standard_normal(n)
    return (peak * x / np.abs(x).max()).astype(np.float32)


def _sounds(n=3):
    sr = 8000
    tones = [(f"{f} Hz", synth.sine(f, sr=sr, duration=0.2, amplitude=0.5), sr) for f in (200, 400, 800, 1600, 3200)]
    return ([("low", tones[0][1], sr), ("high", tones[4][1], sr), ("noise", _white(1, int(0.2 * sr)), sr)]
            if n == 3 else tones[:n])


def test_quiz_scores_right_and_wrong_answers():
    quiz = widgets.sound_quiz(_sounds(), rng=3, show_waveform=False)
    assert sorted(quiz.answers) == ["high", "low", "noise"]
    assert quiz.check() == (0, 3)
    for d, a in zip(quiz.dropdowns, quiz.answers):
        d.value = a
    assert quiz.check() == (3, 3)
    assert "3 / 3 correct" in quiz.result.value
    quiz.dropdowns[0].value = next(o for o in quiz.dropdowns[0].options if o not in ("?", quiz.answers[0]))
    quiz.button.click()
    assert "2 / 3 correct" in quiz.result.value


def test_quiz_order_is_shuffled_and_seeded():
    given = [label for label, _, _ in _sounds(5)]
    orders = {seed: widgets.sound_quiz(_sounds(5), rng=seed, show_waveform=False).answers for seed in range(4)}
    for order in orders.values():
        assert sorted(order) == sorted(given)
    assert any(order != given for order in orders.values()), "the quiz must not show the sounds in the order given"
    assert len({tuple(order) for order in orders.values()}) > 1, "another seed must give another order"
    assert widgets.sound_quiz(_sounds(5), rng=2, show_waveform=False).answers == orders[2]  # same seed, same order
    expected = [given[i] for i in np.random.default_rng(1).permutation(5)]  # rng is used as numpy's Generator
    assert widgets.sound_quiz(_sounds(5), rng=np.random.default_rng(1), show_waveform=False).answers == expected


def test_quiz_with_waveforms_builds_images():
    quiz = widgets.sound_quiz(_sounds()[:2], rng=0)
    card = quiz.widget.children[1].children[0]
    kinds = [type(w).__name__ for w in card.children]
    assert kinds == ["HTML", "Image", "Audio", "Dropdown"]
    assert card.children[1].value[:4] == b"\x89PNG"
    assert card.children[2].value[:4] == b"RIFF"


def test_quiz_rejects_bad_sounds():
    with pytest.raises(ValueError, match="at least 2"):
        widgets.sound_quiz(_sounds()[:1])
    with pytest.raises(ValueError, match=r"\(label, y, sr\)"):
        widgets.sound_quiz([("a", np.zeros(10)), ("b", np.zeros(10))])
    with pytest.raises(ValueError, match="sr"):
        widgets.sound_quiz([("a", np.zeros(10), 0), ("b", np.zeros(10), 8000)])
    with pytest.raises(TypeError, match="rng"):
        widgets.sound_quiz(_sounds(), rng="seed")


def test_aliasing_explorer_redraws_picture_and_sound_on_change():
    w = widgets.aliasing_explorer(sr=8000)
    slider, image, player = w.children
    first_png, first_wav = image.value, player.value
    assert first_png[:4] == b"\x89PNG" and first_wav[:4] == b"RIFF"
    slider.value = 7000
    assert image.value != first_png and player.value != first_wav


def test_stft_explorer_redraws_on_change_and_displays_nothing_itself(capsys):
    import matplotlib.pyplot as plt

    y = synth.chirp(200, 3000, sr=8000, duration=0.5)
    s = widgets.stft_explorer(y, 8000)
    window, hop, image = s.children
    before = image.value
    window.value = 64
    assert image.value != before
    assert plt.get_fignums() == [] and capsys.readouterr().out == ""


# --- chapter 09 (localization) ---

def test_doa_explorer_follows_the_source_around_the_array():
    y = _white(3, 4000)
    w = widgets.doa_explorer(y, 16000)
    slider, image, player = w.children
    assert abs(w.state["estimate"] - 60) < 2 and image.value[:4] == b"\x89PNG" and player.value[:4] == b"RIFF"
    before = image.value
    slider.value = 200
    assert abs(w.state["estimate"] - 200) < 2 and image.value != before
    with pytest.raises(ValueError, match="pair"):
        widgets.doa_explorer(y, 16000, pair=(0, 0))


# --- chapter 05 ---
def test_augmentation_explorer_mixes_at_the_slider_snr_and_reverberates():
    from course_lib import augment

    sr = 8000
    y = synth.sine(440, sr=sr, duration=0.5, amplitude=0.2)  # quiet: no mixture reaches the peak limit
    noise = _white(0, sr)
    ir = np.zeros(400, np.float32)
    ir[0], ir[300] = 1.0, 0.7
    w = widgets.augmentation_explorer(y, sr, backgrounds={"hiss": noise}, rooms={"echo room": ir}, snr_db=10)
    background, snr, room, image, player = w.children
    assert image.value[:4] == b"\x89PNG" and player.value[:4] == b"RIFF"
    assert abs(augment.measure_snr_db(y, w.current() - y) - 10) < 0.01
    snr.value = 25
    assert abs(augment.measure_snr_db(y, w.current() - y) - 25) < 0.01
    first_png = image.value
    room.value = "echo room"
    wet = augment.reverb(y, ir)
    assert abs(augment.measure_snr_db(wet, w.current() - wet) - 25) < 0.01
    assert image.value != first_png
    with pytest.raises(ValueError, match="backgrounds"):
        widgets.augmentation_explorer(y, sr, backgrounds={}, rooms={})
    with pytest.raises(ValueError, match="snr_db"):
        widgets.augmentation_explorer(y, sr, backgrounds={"hiss": noise}, rooms={}, snr_db=90)


# --- chapter 03 ---
def test_filterbank_explorer_counts_thin_filters_and_redraws(capsys):
    import matplotlib.pyplot as plt

    from course_lib import mel

    w = widgets.filterbank_explorer(sr=16000, n_fft=512)
    n_mels, f_range, scale, norm, image = w.children
    assert (n_mels.value, tuple(f_range.value), scale.value, norm.value) == (40, (0, 8000), "slaney", "slaney")
    np.testing.assert_array_equal(w.counts, mel.filter_bin_counts(16000, n_fft=512, n_mels=40))
    assert np.all(w.counts >= 2)
    before = image.value
    n_mels.value = 128                       # 128 bands on 257 bins: the lowest filters hold one bin
    assert image.value != before and image.value[:4] == b"\x89PNG"
    np.testing.assert_array_equal(w.counts, mel.filter_bin_counts(16000, n_fft=512, n_mels=128))
    assert np.sum(w.counts <= 1) > 0
    scale.value = "htk"
    np.testing.assert_array_equal(w.counts, mel.filter_bin_counts(16000, n_fft=512, n_mels=128, htk=True))
    f_range.value = (125, 7500)
    norm.value = "none"
    np.testing.assert_array_equal(w.counts, mel.filter_bin_counts(16000, n_fft=512, n_mels=128, fmin=125, fmax=7500, htk=True))
    assert plt.get_fignums() == [] and capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="n_fft"):
        widgets.filterbank_explorer(n_fft=8)


# --- chapter 09 (detection) ---

def test_detection_explorer_redraws_events_and_scores_on_change():
    from course_lib import seld
    from course_lib.evaluation import detection

    names = ["dog", "cry"]
    scores = np.zeros((157, 2))
    scores[20:40, 0] = 0.8  # one confident dog, 1.25-2.5 s
    scores[60:62, 0] = 0.6  # a two-frame blip a median filter removes
    scores[79:94, 1] = 0.7  # a cry, 5.02-5.98 s
    reference = [(1.25, 2.5, "dog"), (5.0, 6.0, "cry")]
    S = np.random.default_rng(0).normal(-40, 5, (64, 157))
    w = widgets.detection_explorer(scores, reference, names, S, sr=16000, hop_length=1024)
    threshold, median, text, image = w.children
    assert image.value[:4] == b"\x89PNG" and w.metrics == dict(event_f1=1.0, segment_f1=1.0, n_events=2)
    before = image.value
    median.value = 1  # the blip survives: a false dog (dog F1 2/3, cry F1 1)
    assert w.metrics["n_events"] == 3 and w.metrics["event_f1"] == pytest.approx(5 / 6) and image.value != before
    threshold.value = 0.9  # nothing passes
    assert w.metrics["n_events"] == 0 and "<b>0</b> events" in text.value
    assert detection.event_f1([scores], [reference], names, 0.5, 7) == 1.0
    with pytest.raises(ValueError, match="scores"):
        widgets.detection_explorer(scores[:, :1], reference, names, S, sr=16000, hop_length=1024)


# --- chapter 04 ---
def test_multilabel_explorer_redraws_on_clip_and_threshold_and_checks_shapes():
    scores = np.array([[0.9, 0.4, 0.1], [0.2, 0.8, 0.6]])
    targets = np.array([[1, 1, 0], [0, 1, 0]])
    clips = np.random.default_rng(0).normal(0, 0.1, (2, 800))
    w = widgets.multilabel_explorer(scores, targets, ["a", "b", "c"], clips=clips, sr=8000)
    pick, threshold, image, player = w.children
    assert image.value[:4] == b"\x89PNG" and player.value[:4] == b"RIFF"
    first = image.value
    threshold.value = 0.3
    assert image.value != first
    second, sound = image.value, player.value
    pick.value = 1
    assert image.value != second and player.value != sound
    with pytest.raises(ValueError, match="scores and targets"):
        widgets.multilabel_explorer(scores, targets[:, :2], ["a", "b", "c"])
    with pytest.raises(ValueError, match="sr must be given"):
        widgets.multilabel_explorer(scores, targets, ["a", "b", "c"], clips=clips)
    with pytest.raises(ValueError, match="threshold"):
        widgets.multilabel_explorer(scores, targets, ["a", "b", "c"], threshold=1.5)
