"""How long does loading ESC-10 take: decoding and resampling it, then reading it back from the cache?

Each measurement runs in a fresh Python process with an empty (or a warm) decoded-array cache,
as a student meets it: the first ``corpora.load_esc10(sr=16000)`` decodes the 398 Ogg Vorbis
files (44.1 kHz) and resamples them to 16 kHz; the second, in a new process, reads the arrays
back from ``<cache>/decoded``. It prints the time of the call itself and of the whole process
(interpreter start and imports included), the best of ``--repeats`` runs, and the same for FSDD.
The files come from the mirror (``$COURSE_DATA_MIRROR``, or ``../shared/reference``) or from
the user's cache; only the decoded arrays go to a temporary cache.

    python -m benchmarks.corpora_load               # from the repository root
    python -m benchmarks.corpora_load --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import json, sys, time
t0 = time.perf_counter()
from course_lib import corpora
t1 = time.perf_counter()
out = getattr(corpora, sys.argv[1])(sr=int(sys.argv[2]))
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "n": len(out[0])}))
"""


def run(loader: str, sr: int, env: dict) -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, loader, str(sr)], env=env, capture_output=True, text=True,
                          check=True, cwd=ROOT)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - start
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    mirror = ROOT.parent / "shared" / "reference"
    if not env.get("COURSE_DATA_MIRROR") and mirror.is_dir():
        env["COURSE_DATA_MIRROR"] = str(mirror)
    files_cache = env.get("COURSE_DATA_DIR")
    rows = []
    for loader, sr in (("load_esc10", 16000), ("load_fsdd", 16000)):
        cold, warm = [], []
        for _ in range(args.repeats):
            tmp = tempfile.mkdtemp(prefix="course-bench-")
            try:
                # The decoded arrays go to a fresh cache; the audio files keep coming from where they are.
                env_run = dict(env, COURSE_DATA_DIR=tmp)
                if files_cache:  # the user's cache holds the files: link them in, read-only use
                    for child in Path(files_cache).iterdir():
                        if child.name != "decoded":
                            os.symlink(child, Path(tmp) / child.name)
                cold.append(run(loader, sr, env_run))
                warm.append(run(loader, sr, env_run))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        for label, runs in (("decode + resample", cold), ("from the decoded cache", warm)):
            best = min(runs, key=lambda r: r["load"])
            rows.append((f"{loader}(sr={sr})", label, best["n"], best["load"], min(r["process"] for r in runs)))
    print(f"{'loader':22s} {'path':24s} {'clips':>6s} {'load s':>8s} {'process s':>10s}   (best of {args.repeats})")
    for name, label, n, load, proc in rows:
        print(f"{name:22s} {label:24s} {n:6d} {load:8.2f} {proc:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
