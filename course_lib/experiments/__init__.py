"""Experiments: the chapters' studies, each in one shape, and the one command that remakes them.

Each study is a module here with ``SETTINGS``, ``QUICK``, ``FILES``, ``DATA`` and
``run(settings, out_dir, progress)`` (:mod:`course_lib.experiments.study` says what each is).
:func:`run` writes a study's results with a record of what made them; :func:`load` reads them and
refuses results whose settings, code or data differ from the study's own. From a shell::

    python -m course_lib.experiments --list
    python -m course_lib.experiments NAME [--quick] [--out DIR]

Layer 5: imports everything below it (core, ``dsp``, ``evaluation``, ``datasets``, ``models``).
"""

from .study import STUDIES, Results, load, module, record_for, results_path, run, settings_for

__all__ = ["STUDIES", "Results", "load", "module", "record_for", "results_path", "run", "settings_for"]
