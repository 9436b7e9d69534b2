#!/usr/bin/env bash
# The course as a student who never runs `make` gets it: a fresh virtual environment, a plain
# `pip install` of the repository (not editable), the recordings in the default cache, the
# notebooks copied to a folder outside the repository and run by a plain `jupyter nbconvert
# --execute` with none of the course's environment variables (so TensorFlow runs with oneDNN on
# and every core: not the settings the caches were made with).
#
#   bash .ci/plain_jupyter.sh PYTHON NOTEBOOK...      e.g. bash .ci/plain_jupyter.sh python3.13 notebooks/05_augmentation.ipynb
#
# The recordings: where a student runs `python -m course_lib.datasets.corpora fetch` (a download),
# this script copies them from the read-only mirror beside the repository (../shared/reference)
# into the default cache of a private HOME, verified: `fetch --copy`. Then no course variable is set.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:?usage: plain_jupyter.sh PYTHON NOTEBOOK...}"
shift
work="$(mktemp -d "${TMPDIR:-/tmp}/course-plain.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "== plain route in $work: pip install (not editable), default cache, nbconvert"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$repo" nbconvert ipykernel
"$work/venv/bin/python" -m pip install --quiet --no-deps -r "$repo/requirements-nodeps.txt"
mkdir -p "$work/home" "$work/notebooks"
mirror="$(cd "$repo/../shared/reference" 2>/dev/null && pwd || true)"
if [ -n "$mirror" ]; then
    env -i HOME="$work/home" PATH="$work/venv/bin:/usr/bin:/bin" COURSE_DATA_MIRROR="$mirror" \
        "$work/venv/bin/python" -m course_lib.datasets.corpora fetch --copy
else
    env -i HOME="$work/home" PATH="$work/venv/bin:/usr/bin:/bin" "$work/venv/bin/python" -m course_lib.datasets.corpora fetch
fi
for nb in "$@"; do cp "$repo/$nb" "$work/notebooks/"; done
cd "$work/notebooks"
env -i HOME="$work/home" PATH="$work/venv/bin:/usr/bin:/bin" LANG=C.UTF-8 \
    "$work/venv/bin/jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
    --output-dir "$work/out" ./*.ipynb
echo "== plain route: $(ls "$work/out" | wc -l) notebooks ran"
