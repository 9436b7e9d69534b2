"""Repository-wide pytest setup: quiet TensorFlow, one numba cache per worker, no stderr compared in nbval, the built site.

TensorFlow's C++ runtime writes log lines to stderr that differ between runs and machines, and
warnings go there too; stored notebooks keep no stderr (``make execute`` strips it), so nbval
compares stdout and rich outputs only.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# librosa's numba functions cache their compiled code (cache=True) next to librosa's sources.
# Processes compiling the same function into one cache at once (two test workers, the notebook
# kernels they start, another test run) can corrupt it, and every later load then segfaults.
# So each test process gets a private cache; the notebook kernels a worker starts inherit it.
if os.environ.get("PYTEST_XDIST_WORKER") or "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix=f"course-numba-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYTHONHASHSEED", "0")

# The editions in other languages (notebooks/LANG/) have the English notebooks' code and outputs,
# which tests/test_translations.py checks token by token and output by output; one of them runs under
# nbval (chapter 01, which trains nothing), to show that a translated notebook runs where it lies.
NBVAL_TRANSLATED = {"01_sound_physics.ipynb"}
collect_ignore = [str(p) for p in Path(__file__).resolve().parent.glob("notebooks/*/*.ipynb")
                  if p.name not in NBVAL_TRANSLATED]


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects
def pytest_collection_modifyitems(config, items):
    """Compare no stderr in notebooks, and mark slow every test that needs the built site.

    Stored notebooks keep no stderr (``make execute`` strips it); a fresh run writes TensorFlow's
    and the warnings' lines there, which differ between machines and versions: nbval's
    skip_compare is extended on each collected notebook. A test that uses the ``built_site``
    fixture may build the book and the slides (half a minute): it is slow, whatever its file says.
    """
    for item in items:
        if "built_site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    for item in items:
        notebook = item.parent
        skip = getattr(notebook, "skip_compare", None)
        if skip is not None and "stderr" not in skip:
            notebook.skip_compare = tuple(skip) + ("stderr",)


# --- the built book and slides, shared by tests/test_book_build.py and tests/test_browser.py ---------

def _site_inputs(root):
    """Everything the book and the slides are made from (their builds are stale if one is newer)."""
    from course_lib.tools import book, slides

    present, _ = book.split_chapters()
    inputs = [root / "book.yml", root / "package-lock.json", Path(slides.__file__).resolve()]
    inputs += [root / ch.file for ch in present]
    inputs += [p for p in (root / "notebooks").glob("*/*.ipynb")]  # the editions in other languages
    inputs += [p for p in (root / "locale").rglob("*.po")] + [Path(book.__file__).resolve()]
    inputs += [p for p in (root / "book").rglob("*") if p.is_file()]
    inputs += [root / "DATA.md", root / "course_lib" / "datasets" / "corpora.py"]  # the credits page
    return inputs


def ensure_site_built(force=False):
    """Build the book and the slides unless both are newer than everything they are made from.

    The book is built afresh (every page, ``book --fresh``), so that the warnings its report
    records are the whole book's. Concurrent callers (test workers) wait on a lock file, so the
    site is built once. Returns ``{"book-LANG": report, "slides-LANG": report}`` for every
    published language, and ``"book"``/``"slides"`` for the English ones.
    """
    import json
    import subprocess
    import sys

    from course_lib.tools import book

    root = Path(__file__).resolve().parent
    (root / "_build").mkdir(exist_ok=True)
    # Every published language: its book (afresh) and its decks.
    builds = {}
    for lang, ed in book.EDITIONS.items():
        builds[f"book-{lang}"] = (root / ed["book"] / ".course-book.json", "book", ["book", "--fresh", "--language", lang])
        builds[f"slides-{lang}"] = (root / ed["slides"] / ".course-slides.json", "slides", ["--language", lang])
    with open(root / "_build" / ".site.lock", "w") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # not POSIX: run the tests without parallel workers
            pass
        newest = max(p.stat().st_mtime for p in _site_inputs(root) if p.exists())
        present = [ch.file for ch in book.split_chapters()[0]]
        reports = {}
        for name, (stamp, kind, args) in builds.items():
            report = json.loads(stamp.read_text()) if stamp.exists() else None
            if (force or report is None or stamp.stat().st_mtime < newest or report.get("chapters") != present
                    or (kind == "book" and not report.get("fresh"))):
                # In a fresh interpreter: Sphinx keeps global state (weak references to extension
                # objects) that breaks when it runs inside a long-lived process such as a test worker.
                module = "course_lib.tools.book" if kind == "book" else "course_lib.tools.slides"
                done = subprocess.run([sys.executable, "-m", module, *args], cwd=root, capture_output=True, text=True)
                if done.returncode != 0 or not stamp.exists():
                    raise RuntimeError(f"`python -m {module} {' '.join(args)}` failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
                report = json.loads(stamp.read_text())
            reports[name] = report
        reports["book"], reports["slides"] = reports["book-en"], reports["slides-en"]
    return reports


@pytest.fixture(scope="session")
def built_site():
    """The book and the slides, built from the stored outputs if missing or stale (see ensure_site_built)."""
    root = Path(__file__).resolve().parent
    if shutil.which("npm") is None and not (root / "node_modules" / ".package-lock.json").exists():
        pytest.skip("the book and the slides need npm to install their browser assets (package-lock.json); "
                    "Debian/Ubuntu: sudo apt-get install npm")
    return ensure_site_built()


# --- honest tiers: a test that trains a Keras model is marked slow -----------------------------------

class TrainsWithoutSlowMarker(AssertionError):
    """A test not marked slow trained a model (``make test-fast`` promises to train nothing)."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Fail a test that is not marked ``slow`` and takes an optimizer step (``fit``,
    ``train_on_batch``, a ``GradientTape`` loop: every Keras optimizer step goes through
    ``Optimizer.apply``).

    Only where Keras is already imported when the test starts (importing it here would cost every
    run seconds); in a whole run it is, after the first test that needs it, so the net is wide.
    """
    import sys

    keras = sys.modules.get("keras")
    optimizer = getattr(getattr(keras, "optimizers", None), "Optimizer", None)
    if item.get_closest_marker("slow") is not None or optimizer is None:
        yield
        return
    original = optimizer.apply

    def apply(self, *args, **kwargs):
        raise TrainsWithoutSlowMarker(
            f"{item.nodeid} trains a model (a Keras optimizer step) but is not marked slow: "
            "add @pytest.mark.slow (make test-fast trains nothing)")

    optimizer.apply = apply
    try:
        yield
    finally:
        optimizer.apply = original
