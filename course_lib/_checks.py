"""Argument checks every module of course_lib uses: one rule, one wording.

The rule (as librosa's ``util.valid_audio`` and ``ParameterError`` give one place for it):

- an argument of the wrong **type** raises ``TypeError``; one of the right type with a bad
  **value** raises ``ValueError``; every message names the argument, shows the value and says
  what is expected (with its unit);
- a **sample rate** is any real number equal to a positive integer: ``16000`` and ``16000.0``
  are accepted everywhere, ``16000.5`` is a bad value, ``True`` and ``"16k"`` are wrong types;
- a **count** (frames, layers, examples, ...) is an integer (Python or NumPy), never a bool or a
  float, not even an integral one;
- **randomness** comes from ``rng``: an int seed, a ``numpy.random.Generator`` or None;
- **audio** is a real numeric array, 1-D ``(n_samples,)`` or 2-D ``(n_samples, n_channels)``,
  with finite values.

Course-specific errors live in :mod:`course_lib.errors`. Layer 0: imports nothing from the course.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["is_integer", "sample_rate", "integer", "positive_int", "number", "positive", "interval", "real_array",
           "audio", "rng", "choice"]


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_integer(value) -> bool:
    """True for Python and NumPy integers; False for bool, floats and everything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def sample_rate(sr, name: str = "sr") -> int:
    """A sampling rate in Hz as an int: any real number equal to a positive integer.

    Raises
    ------
    TypeError
        ``sr`` is not a real number (a bool, a string, None, ...).
    ValueError
        ``sr`` is not finite, not positive, or not a whole number of Hz.
    """
    if not _is_real(sr):
        raise TypeError(f"{name} must be a positive whole number of Hz, got {_shown(sr)} ({type(sr).__name__})")
    value = float(sr)
    if not math.isfinite(value) or value <= 0 or value != int(value):
        raise ValueError(f"{name} must be a positive whole number of Hz, got {_shown(sr)}")
    return int(value)


def integer(value, name: str, minimum: int | None = None, maximum: int | None = None, what: str = "") -> int:
    """An integer (never a bool or a float) inside ``[minimum, maximum]`` where given.

    Parameters
    ----------
    value
        The argument.
    name : str
        Its name, for the message.
    minimum, maximum : int or None
        Inclusive bounds.
    what : str
        What it counts, for the message (e.g. ``"samples"``).
    """
    unit = f" ({what})" if what else ""
    if not is_integer(value):
        raise TypeError(f"{name} must be an integer{unit}, got {_shown(value)} ({type(value).__name__})")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            bound = f">= {minimum}"
        elif minimum is None:
            bound = f"<= {maximum}"
        else:
            bound = f"from {minimum} to {maximum}"
        raise ValueError(f"{name} must be an integer {bound}{unit}, got {_shown(value)}")
    return int(value)


def positive_int(value, name: str, what: str = "") -> int:
    """An integer >= 1 (see :func:`integer`)."""
    return integer(value, name, minimum=1, what=what)


def number(value, name: str, unit: str = "", minimum: float | None = None, maximum: float | None = None,
           open_minimum: bool = False) -> float:
    """A finite real number (not a bool) as a float, inside the bounds where given.

    ``open_minimum`` makes the lower bound exclusive (``value > minimum``).
    """
    shown_unit = f" ({unit})" if unit else ""
    if not _is_real(value):
        raise TypeError(f"{name} must be a number{shown_unit}, got {_shown(value)} ({type(value).__name__})")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite{shown_unit}, got {_shown(value)}")
    too_low = minimum is not None and (v <= minimum if open_minimum else v < minimum)
    too_high = maximum is not None and v > maximum
    if too_low or too_high:
        lo = "" if minimum is None else (f"> {minimum}" if open_minimum else f">= {minimum}")
        hi = "" if maximum is None else f"<= {maximum}"
        raise ValueError(f"{name} must be {' and '.join(filter(None, (lo, hi)))}{shown_unit}, got {_shown(value)}")
    return v


def positive(value, name: str, unit: str = "") -> float:
    """A finite number > 0 (see :func:`number`)."""
    return number(value, name, unit, minimum=0.0, open_minimum=True)


def interval(value, name: str, unit: str = "", minimum: float | None = None, maximum: float | None = None,
             open_minimum: bool = False) -> tuple[float, float]:
    """A ``(low, high)`` pair of numbers, each checked by :func:`number`, with ``low <= high``.

    Raises
    ------
    TypeError
        Not a pair (a tuple, list or array of two), or an element that is not a number.
    ValueError
        An element out of bounds, or ``low > high``.
    """
    pair = tuple(value) if isinstance(value, (tuple, list, np.ndarray)) else ()
    if len(pair) != 2:
        raise TypeError(f"{name} must be a (low, high) pair{f' ({unit})' if unit else ''}, got {_shown(value)}")
    low, high = (number(v, name, unit, minimum, maximum, open_minimum) for v in pair)
    if low > high:
        raise ValueError(f"{name} must be a (low, high) pair with low <= high, got {_shown(value)}")
    return low, high


def real_array(values, name: str) -> np.ndarray:
    """Real, finite numbers (a scalar or an array of any shape) as a float64 array.

    Raises
    ------
    TypeError
        A non-numeric dtype.
    ValueError
        NaN or infinite values.
    """
    arr = np.asanyarray(values)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got NaN or infinite values")
    return arr


def audio(y, name: str = "y", ndim=(1, 2), allow_empty: bool = False) -> np.ndarray:
    """Audio samples as a NumPy array of a real numeric dtype, checked (not copied when possible).

    Parameters
    ----------
    y : array_like
        Samples, ``(n_samples,)`` or ``(n_samples, n_channels)``.
    name : str
        The argument's name, for the message.
    ndim : int or tuple of int
        The allowed numbers of dimensions (``1`` for mono only).
    allow_empty : bool
        Accept zero samples.

    Raises
    ------
    TypeError
        A non-numeric dtype (strings, objects, booleans, complex numbers).
    ValueError
        Another number of dimensions, no samples, or NaN or infinite values.
    """
    arr = np.asarray(y)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in allowed:
        shapes = {1: "1-D (n_samples,)", 2: "2-D (n_samples, n_channels)"}
        expected = " or ".join(shapes.get(n, f"{n}-D") for n in allowed)
        raise ValueError(f"{name} must be {expected}, got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (no samples)")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def rng(value, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator`` from an int seed, a Generator (returned as is) or None (fresh)."""
    if isinstance(value, np.random.Generator):
        return value
    if value is None or is_integer(value):
        if value is not None and value < 0:
            raise ValueError(f"{name} must be a non-negative int seed, a numpy.random.Generator or None, got {value}")
        return np.random.default_rng(value)
    raise TypeError(f"{name} must be an int seed, a numpy.random.Generator or None, got {_shown(value)} "
                    f"({type(value).__name__})")


def seed(value, name: str = "rng", high: int = 2**31) -> int:
    """An int seed from ``rng``: a non-negative int is used as is, a Generator (or None: a fresh one)
    draws one below ``high``.

    For libraries that take an int seed (Keras, tf.data); everything else takes the Generator.
    """
    if value is None or isinstance(value, np.random.Generator):
        return int(rng(value, name).integers(high))
    return integer(value, name, minimum=0, what="seed")


def choice(value, name: str, options) -> str:
    """One of ``options`` (strings), compared exactly."""
    options = list(options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {options}, got {_shown(value)} ({type(value).__name__})")
    if value not in options:
        raise ValueError(f"{name} must be one of {options}, got {_shown(value)}")
    return value
