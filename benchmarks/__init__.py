"""Speed comparisons, each printed side by side on one machine in one run (``make bench``).

They are kept out of the test suite: wall-clock ratios on a shared machine are noise there.
Run one from the repository root: ``python -m benchmarks.corpora_load``.
"""
