"""course_lib.pitch conversions against librosa and known values."""

import librosa
import numpy as np
import pytest

from course_lib import pitch


def test_midi_round_trip_and_librosa():
    f = np.array([27.5, 110.0, 261.6256, 440.0, 4186.0])
    np.testing.assert_allclose(pitch.hz_to_midi(f), librosa.hz_to_midi(f), rtol=1e-12)
    np.testing.assert_allclose(pitch.midi_to_hz(pitch.hz_to_midi(f)), f, rtol=1e-12)
    assert pitch.hz_to_midi(440.0) == 69.0
    assert pitch.midi_to_hz(60) == pytest.approx(261.6256, abs=1e-4)


def test_cents():
    assert pitch.interval_cents(440.0, 880.0) == pytest.approx(1200.0)
    assert pitch.interval_cents(80.0, 100.0) == pytest.approx(386.31, abs=0.01)
    assert pitch.interval_cents(3000.0, 3020.0) == pytest.approx(11.50, abs=0.01)
    c = pitch.hz_to_cents(np.array([10.0, 20.0, 31.70]))
    np.testing.assert_allclose(c[:2], [0.0, 1200.0])
    np.testing.assert_allclose(pitch.cents_to_hz(c), [10.0, 20.0, 31.70])


def test_note_names():
    assert pitch.midi_to_note(69) == "A4"
    assert pitch.midi_to_note(60.3, cents=True) == "C4+30"
    assert pitch.note_to_midi("A4") == 69
    assert pitch.note_to_midi("C#3") == 49
    assert pitch.note_to_midi("Bb2") == 46
    for m in range(21, 109):
        assert pitch.note_to_midi(pitch.midi_to_note(m)) == m
    assert pitch.midi_to_note(61) == librosa.midi_to_note(61, unicode=False)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_bad_frequencies_raise(bad):
    with pytest.raises(ValueError, match="positive"):
        pitch.hz_to_midi(bad)


def test_bad_note_names_raise():
    for bad in ["H4", "A", "", "C#x"]:
        with pytest.raises(ValueError, match="note name"):
            pitch.note_to_midi(bad)
