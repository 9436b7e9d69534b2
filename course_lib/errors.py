"""The course's own errors: one family under :class:`CourseLibError`.

Wrong arguments raise Python's ``TypeError`` or ``ValueError`` (the rule is in
:mod:`course_lib._checks`); these classes are for what is specific to the course, and each is
also the built-in error it refines, so ``except ValueError`` or ``except OSError`` keeps working:

- :class:`AudioError` (a ``ValueError``): a file that cannot be read as audio, or bad audio data;
- :class:`AudioSetFormatError` (a ``ValueError``): a damaged AudioSet file;
- :class:`DataError` (an ``OSError``): a real recording that cannot be found, fetched or verified;
- :class:`WeightsNotFoundError` (a ``FileNotFoundError``): pretrained weights that are not here;
- :class:`DataFileNotFoundError` (a ``FileNotFoundError``): a file of the course's own ``data/``
  folder that is not here (the message names it and ``make data``);
- :class:`ResultsNotFoundError` (a ``FileNotFoundError``): a study's saved results or trained
  weights that are not here (the message names the file and the command that makes it);
- :class:`StaleResultsError` (a ``ValueError``): saved results whose record (settings, code, data)
  differs from what the study would run now.

Each module that raises one re-exports it (``course_lib.audio.AudioError`` is this class).
Layer 0: imports nothing from the course.
"""

from __future__ import annotations

__all__ = ["CourseLibError", "AudioError", "AudioSetFormatError", "DataError", "WeightsNotFoundError", "DataFileNotFoundError", "ResultsNotFoundError",
           "StaleResultsError"]


class CourseLibError(Exception):
    """Base class of every error specific to course_lib."""


class AudioError(CourseLibError, ValueError):
    """Bad audio input: a file that cannot be read as audio, or invalid audio data.

    The message names the file (the path as given) and the problem, for example
    ``cannot read 'x.wav': file is empty (0 bytes)``.

    Notebook: 01_sound_physics
    """


class AudioSetFormatError(CourseLibError, ValueError):
    """A file that does not follow AudioSet's format; the message names the file and the record."""


class DataError(CourseLibError, OSError):
    """A real data file that cannot be found, fetched or verified.

    The message names the set, the file and what to do (the URL and the command that fetches
    it, or the expected and the found sha256).
    """


class WeightsNotFoundError(CourseLibError, FileNotFoundError):
    """Pretrained weights that are not on this machine; the message says where to get them."""


class DataFileNotFoundError(CourseLibError, FileNotFoundError):
    """A file of the course's own ``data/`` folder that is not here; the message names the file and the
    command that makes it (``make data``, or a study's ``python -m course_lib.experiments NAME``)."""


class ResultsNotFoundError(CourseLibError, FileNotFoundError):
    """A study's results or trained weights that are not here; the message names the file and the
    command that makes it (``python -m course_lib.experiments NAME``)."""


class StaleResultsError(CourseLibError, ValueError):
    """Saved results made by other settings, code or data than the study's own; the message says
    what differs and the command that remakes them."""
