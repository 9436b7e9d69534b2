"""Repository-wide pytest setup: quiet TensorFlow, one numba cache per worker, no stderr compared in nbval.

TensorFlow's C++ runtime writes log lines to stderr that differ between runs and machines, and
warnings go there too; stored notebooks keep no stderr (``make execute`` strips it), so nbval
compares stdout and rich outputs only.
"""

import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# librosa's numba functions cache their compiled code (cache=True) next to librosa's sources.
# Processes compiling the same function into one cache at once (two test workers, the notebook
# kernels they start, another test run) can corrupt it, and every later load then segfaults.
# So each test process gets a private cache; the notebook kernels a worker starts inherit it.
if os.environ.get("PYTEST_XDIST_WORKER") or "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix=f"course-numba-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYTHONHASHSEED", "0")



def pytest_collection_modifyitems(config, items):
    """Compare no stderr in notebooks: nbval's skip_compare, extended on each collected notebook.

    Stored notebooks keep no stderr (``make execute`` strips it); a fresh run writes TensorFlow's
    and the warnings' lines there, which differ between machines and versions.
    """
    for item in items:
        notebook = item.parent
        skip = getattr(notebook, "skip_compare", None)
        if skip is not None and "stderr" not in skip:
            notebook.skip_compare = tuple(skip) + ("stderr",)
