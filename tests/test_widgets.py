"""course_lib.widgets: the quiz scores answers; the explorers build and redraw."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course_lib import synth, widgets


def _sounds(n=3):
    sr = 8000
    tones = [(f"{f} Hz", synth.sine(f, sr=sr, duration=0.2, amplitude=0.5), sr) for f in (200, 400, 800, 1600, 3200)]
    return ([("low", tones[0][1], sr), ("high", tones[4][1], sr), ("noise", synth.white_noise(sr=sr, duration=0.2, rng=1), sr)]
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
