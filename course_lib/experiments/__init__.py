"""Experiments: the chapters' studies, each in one shape, and the command that remakes them.

Layer 5: imports everything below it (core, ``dsp``, ``evaluation``, ``datasets``, ``models``).
"""
