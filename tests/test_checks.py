"""course_lib._checks and course_lib.errors: one rule for arguments, one family of errors."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from course_lib import _checks, errors


@given(st.integers(1, 10**6))
def test_a_sample_rate_is_a_whole_positive_number_given_as_int_or_float(sr):
    assert _checks.sample_rate(sr) == sr == _checks.sample_rate(float(sr)) == _checks.sample_rate(np.int64(sr))
    assert type(_checks.sample_rate(float(sr))) is int


@pytest.mark.parametrize("sr, error", [(0, ValueError), (-8000, ValueError), (16000.5, ValueError),
                                       (float("nan"), ValueError), (float("inf"), ValueError), (True, TypeError),
                                       ("16000", TypeError), (None, TypeError), ([16000], TypeError)])
def test_bad_sample_rates(sr, error):
    with pytest.raises(error, match=r"^rate must be a positive whole number of Hz, got "):
        _checks.sample_rate(sr, "rate")


@pytest.mark.parametrize("value, error", [(3.0, TypeError), (True, TypeError), ("3", TypeError), (0, ValueError),
                                          (11, ValueError)])
def test_a_count_is_an_integer_never_a_float_or_bool(value, error):
    with pytest.raises(error, match="n_frames must be an integer"):
        _checks.integer(value, "n_frames", 1, 10, "frames")
    assert _checks.integer(np.int32(4), "n_frames", 1, 10) == 4


def test_numbers_and_bounds():
    assert _checks.number(2, "gain", "dB") == 2.0
    assert _checks.positive(0.5, "duration", "s") == 0.5
    with pytest.raises(ValueError, match=r"duration must be > 0.0 \(s\), got 0"):
        _checks.positive(0, "duration", "s")
    with pytest.raises(ValueError, match=r"p must be >= 0 and <= 1, got 1.5"):
        _checks.number(1.5, "p", minimum=0, maximum=1)
    with pytest.raises(TypeError, match=r"gain must be a number \(dB\), got 'loud'"):
        _checks.number("loud", "gain", "dB")
    with pytest.raises(ValueError, match="finite"):
        _checks.number(float("nan"), "gain")


def test_audio_arrays():
    y = np.zeros((10, 2), np.float32)
    assert _checks.audio(y) is y  # no copy
    with pytest.raises(ValueError, match=r"x must be 1-D \(n_samples,\), got shape \(10, 2\)"):
        _checks.audio(y, "x", ndim=1)
    with pytest.raises(TypeError, match="real numeric"):
        _checks.audio(np.array(["a"]))
    with pytest.raises(TypeError, match="real numeric"):
        _checks.audio(np.ones(3, complex))
    with pytest.raises(ValueError, match="empty"):
        _checks.audio(np.zeros(0))
    assert _checks.audio(np.zeros(0), allow_empty=True).size == 0
    with pytest.raises(ValueError, match="NaN"):
        _checks.audio(np.array([0.0, np.inf]))


def test_randomness_is_one_convention():
    g = np.random.default_rng(0)
    assert _checks.rng(g) is g
    assert _checks.rng(5).random() == np.random.default_rng(5).random()
    assert isinstance(_checks.rng(None), np.random.Generator)
    with pytest.raises(TypeError, match="rng must be an int seed"):
        _checks.rng(0.5)
    with pytest.raises(ValueError, match="non-negative"):
        _checks.rng(-1)


def test_choice():
    assert _checks.choice("same", "padding", ["valid", "same"]) == "same"
    with pytest.raises(ValueError, match=r"padding must be one of \['valid', 'same'\], got 'full'"):
        _checks.choice("full", "padding", ["valid", "same"])
    with pytest.raises(TypeError):
        _checks.choice(1, "padding", ["valid", "same"])


def test_the_error_family():
    assert issubclass(errors.AudioError, ValueError) and issubclass(errors.AudioSetFormatError, ValueError)
    assert issubclass(errors.DataError, OSError) and issubclass(errors.WeightsNotFoundError, FileNotFoundError)
    for cls in (errors.AudioError, errors.AudioSetFormatError, errors.DataError, errors.WeightsNotFoundError):
        assert issubclass(cls, errors.CourseLibError)
    from course_lib import audio, corpora, fetch

    assert audio.AudioError is errors.AudioError
    assert fetch.DataError is corpora.DataError is errors.DataError


def test_seed_keeps_an_int_and_draws_from_a_generator_below_high():
    import numpy as np

    assert _checks.seed(7) == 7
    a = _checks.seed(np.random.default_rng(3), high=1000)
    assert a == _checks.seed(np.random.default_rng(3), high=1000) and 0 <= a < 1000
    assert 0 <= _checks.seed(None, high=10) < 10
    with pytest.raises(ValueError, match="rng"):
        _checks.seed(-1)
    with pytest.raises(TypeError, match="rng"):
        _checks.seed("0")
