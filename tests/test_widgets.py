"""course_lib.widgets: the quiz scores answers; the explorers build and redraw."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course_lib import synth, widgets


def _sounds():
    sr = 8000
    return [("low", synth.sine(200, 0.2, sr, 0.5), sr), ("high", synth.sine(2000, 0.2, sr, 0.5), sr),
            ("noise", synth.white_noise(0.2, sr, seed=1), sr)]


def test_quiz_scores_right_and_wrong_answers():
    quiz = widgets.sound_quiz(_sounds(), seed=3, show_waveform=False)
    assert sorted(quiz.answers) == ["high", "low", "noise"]
    assert quiz.check() == (0, 3)
    for d, a in zip(quiz.dropdowns, quiz.answers):
        d.value = a
    assert quiz.check() == (3, 3)
    assert "3 / 3 correct" in quiz.result.value
    quiz.dropdowns[0].value = next(o for o in quiz.dropdowns[0].options if o not in ("?", quiz.answers[0]))
    quiz.button.click()
    assert "2 / 3 correct" in quiz.result.value


def test_quiz_order_is_seeded():
    a = widgets.sound_quiz(_sounds(), seed=0, show_waveform=False).answers
    b = widgets.sound_quiz(_sounds(), seed=0, show_waveform=False).answers
    assert a == b


def test_quiz_with_waveforms_builds_images():
    quiz = widgets.sound_quiz(_sounds()[:2], seed=0)
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


@pytest.mark.parametrize("f,sr,alias", [(1000, 8000, 1000), (5000, 8000, 3000), (7000, 8000, 1000),
                                        (8000, 8000, 0), (9000, 8000, 1000), (4000, 8000, 4000), (44100 - 50, 44100, 50)])
def test_alias_frequency(f, sr, alias):
    assert widgets.alias_frequency(f, sr) == pytest.approx(alias)


def test_alias_frequency_is_what_the_samples_show():
    sr, f = 8000, 6500
    y = synth.sine(f, 1.0, sr)
    peak = np.argmax(np.abs(np.fft.rfft(y))) * sr / len(y)
    assert peak == pytest.approx(widgets.alias_frequency(f, sr), abs=1)


def test_aliasing_explorer_redraws_picture_and_sound_on_change():
    w = widgets.aliasing_explorer(sr=8000)
    slider, image, player = w.children
    first_png, first_wav = image.value, player.value
    assert first_png[:4] == b"\x89PNG" and first_wav[:4] == b"RIFF"
    slider.value = 7000
    assert image.value != first_png and player.value != first_wav


def test_stft_explorer_redraws_on_change_and_displays_nothing_itself(capsys):
    import matplotlib.pyplot as plt

    y = synth.chirp(200, 3000, 0.5, 8000)
    s = widgets.stft_explorer(y, 8000)
    window, hop, image = s.children
    before = image.value
    window.value = 64
    assert image.value != before
    assert plt.get_fignums() == [] and capsys.readouterr().out == ""
