"""A chapter refuses a cached study that its code or settings no longer make.

The notebook runs in a kernel that imports a copy of course_lib in which one study is changed —
a setting, or a line of code that alters what it computes — while ``data/`` holds the cache made by
the unchanged study. The chapter must stop at the cell that reads the cache, with
:class:`~course_lib.errors.StaleResultsError` and the command that remakes it. (The other half, that
another machine, thread count or oneDNN setting is *not* refused, is the run of the training
chapters under those settings in ``.ci/run``.)
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "a setting": ("FILES = (", "SETTINGS = {**SETTINGS, \"base_epochs\": SETTINGS[\"base_epochs\"] + 1}\nFILES = ("),
    "the code": ("def run(settings, out_dir, progress) -> dict:",
                 "def run(settings, out_dir, progress) -> dict:\n    settings = {**settings, \"batch_size\": 16}"),
}


@pytest.mark.slow
@pytest.mark.parametrize("change", sorted(CASES))
def test_chapter_06_refuses_a_cache_its_study_no_longer_makes(change, tmp_path):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    copy = tmp_path / "course_lib"
    shutil.copytree(ROOT / "course_lib", copy, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "data").symlink_to(ROOT / "data")          # the checkout's caches, as made
    study = copy / "experiments" / "raw_waveform.py"
    old, new = CASES[change]
    source = study.read_text(encoding="utf-8")
    assert source.count(old) == 1, f"raw_waveform.py no longer has {old!r}: update this test"
    study.write_text(source.replace(old, new), encoding="utf-8")

    nb = nbformat.read(ROOT / "notebooks" / "06_raw_waveform.ipynb", as_version=4)
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    with pytest.raises(CellExecutionError) as info:
        client.execute(env=env)
    message = str(info.value)
    assert "StaleResultsError" in message and "python -m course_lib.experiments raw_waveform" in message, message[-2000:]
    what = "settings" if change == "a setting" else "code"
    assert f"made by other {what}" in message
