"""How fast is CREPE on this machine, next to FCN-F0 and librosa's pYIN? Frames per second, side by side.

Runs ``course_lib.crepe.predict`` (framing, network, weighted-average decoding) with the
pretrained tiny and small models at several batch sizes, the Viterbi decoding alone,
``course_lib.fcn_f0.predict`` (the pretrained FCN-993, frame by frame at 8 kHz), and
``librosa.pyin`` (via ``course_lib.experiments.pitch_benchmark.pyin``: 50–2000 Hz, 1024-sample frames, 10 ms hop)
on the same audio -- a harmonic tone with vibrato and a glide, 16 kHz -- and prints one table.
Every method gets one untimed warm-up run (model building, weight loading, numba compilation);
the time reported is the best of ``--repeats`` runs. Frames are 10 ms hops, so "x real time" is
``frames per second / 100``.

Run from the repository root (course_lib is installed in the environment):

    python -m benchmarks.crepe_speed                       # 10 s of audio, tiny and small
    python -m benchmarks.crepe_speed --duration 30 --batch-sizes 64 256 1024
"""

from __future__ import annotations

import argparse
import os

from benchmarks.timing import best_time
from course_lib import crepe, fcn_f0, synth
from course_lib.experiments import pitch_benchmark


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of audio (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per method; the best counts")
    parser.add_argument("--capacities", nargs="+", default=["tiny", "small"], choices=list(crepe.CAPACITIES))
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[32, 128, 512])
    parser.add_argument("--no-pyin", action="store_true", help="skip librosa.pyin")
    parser.add_argument("--no-fcn", action="store_true", help="skip FCN-F0")
    args = parser.parse_args(argv)

    sr = crepe.SAMPLE_RATE
    y = synth.harmonic_tone(220.0, duration=args.duration, sr=sr, vibrato_rate=5.0, vibrato_cents=40.0, glide_to=440.0)
    n_frames = 1 + len(y) // 160
    rows = []

    for capacity in args.capacities:
        for batch_size in args.batch_sizes:
            seconds = best_time(lambda: crepe.predict(y, sr, capacity=capacity, batch_size=batch_size), args.repeats)
            rows.append((f"CREPE {capacity}", f"batch {batch_size}", n_frames / seconds))
    if args.capacities:
        activation = crepe.predict(y, sr, capacity=args.capacities[0])[3]
        seconds = best_time(lambda: crepe.to_viterbi_cents(activation), args.repeats)
        rows.append(("Viterbi decoding only", "360 states", n_frames / seconds))
    if not args.no_fcn:
        seconds = best_time(lambda: fcn_f0.predict(y, sr), args.repeats)
        rows.append(("FCN-F0 (993)", "batch 256, 8 kHz", n_frames / seconds))
    if not args.no_pyin:
        seconds = best_time(lambda: pitch_benchmark.pyin(y, sr), args.repeats)
        rows.append(("librosa.pyin", "50-2000 Hz, 1024", n_frames / seconds))

    print(f"{args.duration:g} s of 16 kHz audio = {n_frames} frames (10 ms hop); best of {args.repeats} runs; "
          f"{os.cpu_count()} CPUs")
    print(f"{'method':<24}{'setting':<20}{'frames/s':>10}{'x real time':>13}")
    for method, setting, fps in rows:
        print(f"{method:<24}{setting:<20}{fps:>10.0f}{fps / 100:>13.1f}")


if __name__ == "__main__":
    main()
