"""How fast are the synthetic sounds made: a Karplus–Strong string and the sound-scenes data set.

``course_lib.synth.plucked_string`` runs its whole feedback loop as one IIR filter
(``scipy.signal.lfilter``), so 5 s at 22050 Hz should take milliseconds, not the seconds a
Python loop over samples takes; ``course_lib.datasets.make_sound_scenes`` should make the 104
one-second clips of a small set in well under a second, which is why the chapters regenerate it
instead of shipping it. Each measurement is the best of ``--repeats`` runs after one warm-up,
printed next to the budget the course counts on (formerly asserted in the unit tests, where
wall-clock limits on a shared machine are noise).

    python -m benchmarks.synthesis_speed               # from the repository root
    python -m benchmarks.synthesis_speed --repeats 5
"""

from __future__ import annotations

import argparse

from benchmarks.timing import best_time
from course_lib import datasets, synth


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measurement; the best counts")
    args = parser.parse_args(argv)
    rows = [
        ("synth.plucked_string, 5 s at 22050 Hz", 0.5,
         best_time(lambda: synth.plucked_string(110.0, sr=22050, duration=5.0), args.repeats)),
        ("datasets.make_sound_scenes, 104 clips of 1 s at 16 kHz", 3.0,
         best_time(lambda: datasets.make_sound_scenes(n_per_class=13, rng=1), args.repeats)),
    ]
    print(f"{'what':58s} {'seconds':>8s} {'budget s':>9s}   (best of {args.repeats})")
    for name, budget, seconds in rows:
        print(f"{name:58s} {seconds:8.3f} {budget:9.1f}{'' if seconds <= budget else '   over budget'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
