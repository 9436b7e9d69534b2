"""Colab and Binder, per chapter: links made from book.yml's one repository setting, and a first cell
that sets a chapter up on Colab and does nothing anywhere else.

Colab itself cannot be reached from here, so the tests check the links' form, that every chapter's
set-up cell is the one generated from the setting, what the cell does outside Colab (nothing, and
it prints nothing, so nbval, `make lab` and the plain pip route see no difference), which commands
it runs on Colab (a stand-in ``google.colab`` module, the commands recorded), and that the data
command among them really fetches and verifies the recordings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib.tools import book

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = book.read_book()["chapters"]


def _first_code_cell(chapter):
    cells = json.loads((ROOT / chapter.file).read_text(encoding="utf-8"))["cells"]
    return next(c for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.number)
def test_links_open_the_chapter_from_the_one_setting(chapter):
    repo = book.read_book()["repository"]
    assert book.colab_url(chapter) == f"https://colab.research.google.com/github/{repo.slug}/blob/{repo.branch}/{chapter.file}"
    assert book.binder_url(chapter) == (f"https://mybinder.org/v2/gh/{repo.slug}/{repo.branch}"
                                        f"?urlpath=lab/tree/{chapter.file}")
    fork = book.Repository(url="https://github.com/someone/fork", branch="teaching")
    assert book.colab_url(chapter, fork).startswith("https://colab.research.google.com/github/someone/fork/blob/teaching/")
    with pytest.raises(ValueError, match="named branch"):
        book.colab_url(chapter, book.Repository(url=repo.url, branch="HEAD"))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.number)
def test_every_chapter_starts_with_the_generated_colab_cell(chapter):
    cell = _first_code_cell(chapter)
    assert "".join(cell["source"]) == book.colab_cell(), f"{chapter.file}: run `python -m course_lib.tools.book colab`"
    assert book.COLAB_TAG in cell["metadata"]["tags"] and "remove-cell" in cell["metadata"]["tags"]
    assert cell["metadata"]["slideshow"] == {"slide_type": "skip"}
    assert cell["outputs"] == [], "the cell prints nothing outside Colab"


def test_outside_colab_the_cell_runs_nothing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"ran {args}")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(book.colab_cell(), "colab-cell", "exec"), {})


def test_on_colab_the_cell_installs_the_course_then_fetches_the_data(monkeypatch):
    ran = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: ran.append((command, check)))
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    exec(compile(book.colab_cell(), "colab-cell", "exec"), {})
    repo = book.read_book()["repository"]
    assert [c for c, _ in ran] == [[sys.executable if a == "python" else a for a in c] for c in book.colab_commands()]
    assert all(check for _, check in ran)
    assert ran[0][0][-1] == f"course_lib @ git+{repo.url}@{repo.branch}"
    nodeps = (ROOT / "requirements-nodeps.txt").read_text().split("\n")
    assert ran[1][0][-1] in [line.split("#")[0].strip() for line in nodeps]


@pytest.mark.slow
def test_the_cells_data_command_fetches_and_verifies(tmp_path):
    """The third command, as Colab runs it (here from the mirror into an empty cache)."""
    command = book.colab_commands()[2]
    assert command[:3] == ["python", "-m", "course_lib.datasets.corpora"]
    env = {**os.environ, "COURSE_DATA_DIR": str(tmp_path / "cache"), "COURSE_DATA_OFFLINE": "1"}
    if not env.get("COURSE_DATA_MIRROR"):
        pytest.skip("no mirror of the recordings here (COURSE_DATA_MIRROR)")
    out = subprocess.run([sys.executable, *command[1:], "esc10"], env=env, capture_output=True, text=True, check=True)
    assert "esc10" in out.stdout and "verified" in out.stdout


def test_branch_head_cannot_make_a_colab_cell():
    with pytest.raises(ValueError, match="named branch"):
        book.colab_commands(book.Repository(url="https://github.com/someone/fork", branch="HEAD"))
