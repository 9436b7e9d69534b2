"""course_lib.pitch conversions against librosa and known values, and their algebra as properties."""

import librosa
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import pitch

# audible frequencies and a wide range of MIDI numbers and references
hz = st.floats(min_value=1.0, max_value=40000.0, allow_nan=False, allow_infinity=False)
midi = st.floats(min_value=-60.0, max_value=200.0, allow_nan=False, allow_infinity=False)


def test_midi_against_librosa_and_known_values():
    f = np.array([27.5, 110.0, 261.6256, 440.0, 4186.0])
    np.testing.assert_allclose(pitch.hz_to_midi(f), librosa.hz_to_midi(f), rtol=1e-12)
    assert pitch.hz_to_midi(440.0) == 69.0
    assert pitch.midi_to_hz(60) == pytest.approx(261.6256, abs=1e-4)
    assert isinstance(pitch.hz_to_midi(440.0), float) and pitch.hz_to_midi(f).shape == (5,)


def test_cents_known_values():
    assert pitch.interval_cents(440.0, 880.0) == pytest.approx(1200.0)
    assert pitch.interval_cents(80.0, 100.0) == pytest.approx(386.31, abs=0.01)
    assert pitch.interval_cents(3000.0, 3020.0) == pytest.approx(11.50, abs=0.01)
    np.testing.assert_allclose(pitch.hz_to_cents(np.array([10.0, 20.0, 5.0])), [0.0, 1200.0, -1200.0])
    assert pitch.hz_to_cents(440.0, fref=440.0) == 0.0
    assert pitch.cents_to_hz(1200.0, fref=220.0) == pytest.approx(440.0)


@given(hz, st.floats(min_value=1.0, max_value=1000.0))
def test_hz_cents_hz_round_trip(f, fref):
    assert pitch.cents_to_hz(pitch.hz_to_cents(f, fref), fref) == pytest.approx(f, rel=1e-12)


@given(hz, hz, hz)
def test_intervals_add_up(f1, f2, f3):
    # f1 → f2 → f3 is the interval f1 → f3; cents above any reference differ by the interval
    whole = pitch.interval_cents(f1, f3)
    assert pitch.interval_cents(f1, f2) + pitch.interval_cents(f2, f3) == pytest.approx(whole, abs=1e-9)
    assert pitch.hz_to_cents(f2) - pitch.hz_to_cents(f1) == pytest.approx(pitch.interval_cents(f1, f2), abs=1e-9)
    assert pitch.interval_cents(f2, f1) == pytest.approx(-pitch.interval_cents(f1, f2), abs=1e-9)


@given(midi)
def test_midi_hz_midi_round_trip_and_octaves(m):
    f = pitch.midi_to_hz(m)
    assert pitch.hz_to_midi(f) == pytest.approx(m, abs=1e-9)
    assert pitch.midi_to_hz(m + 12) == pytest.approx(2 * f, rel=1e-12)  # an octave doubles the frequency
    assert pitch.interval_cents(f, pitch.midi_to_hz(m + 1)) == pytest.approx(100.0)  # a semitone is 100 cents


@given(hz)
def test_cents_and_midi_agree(f):
    # MIDI counts semitones above 8.18 Hz; cents count hundredths of a semitone above fref
    assert pitch.hz_to_cents(f, fref=pitch.midi_to_hz(0)) == pytest.approx(100 * pitch.hz_to_midi(f), abs=1e-7)


def test_note_names():
    assert pitch.midi_to_note(69) == "A4"
    assert pitch.midi_to_note(60.3, cents=True) == "C4+30"
    assert pitch.midi_to_note(41.52, cents=True) == "F#2-48"
    for m in range(21, 109):
        assert pitch.midi_to_note(m) == librosa.midi_to_note(m, unicode=False)
    with pytest.raises(ValueError, match="note"):
        pitch.midi_to_note(float("nan"))
    with pytest.raises(TypeError, match="note"):
        pitch.midi_to_note("A4")


@pytest.mark.parametrize("bad, problem", [(0.0, "positive"), (-1.0, "positive"), (np.nan, "finite"), (np.inf, "finite")])
def test_bad_frequencies_raise(bad, problem):
    with pytest.raises(ValueError, match=f"frequencies must be {problem}"):
        pitch.hz_to_midi(bad)
    with pytest.raises(ValueError, match=f"f2 must be {problem}"):
        pitch.interval_cents(440.0, bad)


def test_bad_types_and_references_raise():
    with pytest.raises(TypeError, match="frequencies"):
        pitch.hz_to_cents("440")
    with pytest.raises(ValueError, match="fref"):
        pitch.hz_to_cents(440.0, fref=0.0)
    with pytest.raises(TypeError, match="fref"):
        pitch.cents_to_hz(0.0, fref="10")
    with pytest.raises(ValueError, match="cents must be finite"):
        pitch.cents_to_hz(np.nan)
