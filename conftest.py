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

try:
    import nbval.plugin as _nbval
except ImportError:  # nbval not installed: only unit tests run
    _nbval = None

if _nbval is not None:
    _original_init = _nbval.IPyNbFile.__init__

    def _init_without_stderr(self, *args, **kwargs):
        _original_init(self, *args, **kwargs)
        self.skip_compare = tuple(self.skip_compare) + ("stderr",)

    _nbval.IPyNbFile.__init__ = _init_without_stderr
