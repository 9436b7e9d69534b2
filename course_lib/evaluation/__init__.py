"""Evaluation: how the course scores and compares systems.

``stats`` (means with Student-t intervals, paired comparisons, confusion matrices); pitch and
detection scores. Layer 2: imports the core and ``course_lib.dsp``.
"""
