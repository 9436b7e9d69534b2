"""The course as a whole: the chapter list from ``book.yml``, executing notebooks, the student edition.

``book.yml`` at the repository root is the single source of the chapter order and titles; this
module reads it and

- runs every chapter's notebook top to bottom, storing fresh, deterministic outputs
  (``make execute``). Stored notebooks keep no stderr: TensorFlow and warnings write
  machine-dependent lines there, and nbval compares stdout and rich outputs only;
- writes the student edition (``make student``): every solution between ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` replaced by a stub that raises ``NotImplementedError``, outputs
  cleared, and a first cell that turns that error into a one-line "not solved yet" message
  instead of a traceback.

Used by the Makefile and the tests; the student notebooks call :func:`student_mode`.

Usage::

    python -m course_lib.book execute                 # every chapter that exists, in book order
    python -m course_lib.book execute notebooks/02_dft_windowing.ipynb
    python -m course_lib.book student                 # -> _build/student/notebooks/*.ipynb
    python -m course_lib.book list
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Chapter", "repo_root", "read_book", "execute_notebook", "student_notebook", "student_mode",
           "write_student_edition", "main"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("exercise not solved yet: write your solution here")'
NOT_SOLVED = "✘ Not solved yet"


@dataclass(frozen=True)
class Chapter:
    """One chapter of ``book.yml``: its notebook path (relative to the repo root) and title."""

    file: str
    title: str

    @property
    def number(self) -> str:
        """Two-digit chapter number taken from the file name (``"03"``)."""
        return Path(self.file).name[:2]


def repo_root() -> Path:
    """The repository root: the folder holding ``book.yml`` above this package."""
    here = Path(__file__).resolve().parent.parent
    if not (here / "book.yml").exists():
        raise FileNotFoundError(f"book.yml not found in {here}; course_lib.book works from a checkout of the course")
    return here


def read_book(path: str | os.PathLike | None = None) -> dict:
    """Parse ``book.yml`` and check it: returns the mapping with ``chapters`` as :class:`Chapter` objects.

    Raises
    ------
    ValueError
        If the file lacks a title or chapters, or a chapter lacks ``file``/``title``.

    Notebook: (tooling, used by ``make execute`` and the tests)
    """
    import yaml

    path = Path(path) if path is not None else repo_root() / "book.yml"
    with open(path, encoding="utf-8") as fh:
        book = yaml.safe_load(fh)
    if not isinstance(book, dict) or "title" not in book or not book.get("chapters"):
        raise ValueError(f"{path}: needs a 'title' and a non-empty 'chapters' list")
    chapters = []
    for i, entry in enumerate(book["chapters"]):
        if not isinstance(entry, dict) or "file" not in entry or "title" not in entry:
            raise ValueError(f"{path}: chapter {i} needs 'file' and 'title', got {entry!r}")
        chapters.append(Chapter(file=entry["file"], title=entry["title"]))
    book["chapters"] = chapters
    return book


def _strip_volatile(nb) -> None:
    """Drop stderr streams from every code cell (see the module docstring)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]


def execute_notebook(path: str | os.PathLike, timeout: int = 600) -> float:
    """Run a notebook top to bottom in its own folder and store its outputs in place.

    Returns
    -------
    float
        Wall-clock seconds the execution took.

    Notebook: (tooling, used by ``make execute``)
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    _strip_volatile(nb)
    nbformat.write(nb, path)
    return elapsed


def _stub_solutions(source: str) -> str:
    """Replace each ``### BEGIN SOLUTION`` … ``### END SOLUTION`` block by a stub at its indentation."""
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"nested {BEGIN!r} in cell:\n{source}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}{STUB}")
        elif stripped == END:
            if not inside:
                raise ValueError(f"{END!r} without {BEGIN!r} in cell:\n{source}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r} in cell:\n{source}")
    return "\n".join(out)


def student_notebook(nb):
    """The student edition of a notebook (a new object; ``nb`` is unchanged).

    Solutions become stubs, every output and execution count is cleared, and a first code cell
    calls :func:`student_mode` so that check cells report "not solved yet" in one line.

    Notebook: (tooling, ``make student``)
    """
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            if BEGIN in cell.source:
                cell.source = _stub_solutions(cell.source)
            cell.outputs, cell.execution_count = [], None
    setup = nbformat.v4.new_code_cell(
        "# Student edition: unsolved exercises say so in one line instead of a traceback.\n"
        "from course_lib.book import student_mode\n\nstudent_mode()"
    )
    setup.metadata["slideshow"] = {"slide_type": "skip"}
    nb.cells.insert(1, setup)
    nb.metadata.pop("widgets", None)
    return nb


def student_mode() -> None:
    """Show ``NotImplementedError`` (an exercise stub) as one friendly line, not a traceback.

    Call it in a notebook (the student edition's first code cell does). The cell still counts
    as failed, so "Run all" stops at the first unsolved exercise.

    Notebook: (every chapter's student edition)
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        print(f"{NOT_SOLVED}: {value}. Write your solution in the exercise cell, run it, then run this check again.")
        return []

    shell.set_custom_exc((NotImplementedError,), handler)


def write_student_edition(out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write the student edition of every existing chapter to ``out_dir/notebooks/``.

    Returns the paths written. Default ``out_dir``: ``_build/student`` in the repository.

    Notebook: (tooling, ``make student``)
    """
    import nbformat

    root = repo_root()
    out = Path(out_dir) if out_dir is not None else root / "_build" / "student"
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    written = []
    for ch in read_book()["chapters"]:
        src = root / ch.file
        if src.exists():
            dest = out / "notebooks" / src.name
            nbformat.write(student_notebook(nbformat.read(src, as_version=4)), dest)
            written.append(dest)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.book", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="re-run notebooks in place, refreshing their stored outputs")
    run.add_argument("notebooks", nargs="*", help="notebook paths (default: every chapter of book.yml that exists)")
    sub.add_parser("list", help="list the chapters of book.yml and whether each notebook exists")
    student = sub.add_parser("student", help="write the student edition (solutions stubbed, outputs cleared)")
    student.add_argument("--out", default=None, help="output folder (default: _build/student)")
    args = parser.parse_args(argv)

    root = repo_root()
    chapters = read_book()["chapters"]
    if args.command == "list":
        for ch in chapters:
            state = "" if (root / ch.file).exists() else "  (not written yet)"
            print(f"{ch.file}  {ch.title}{state}")
        return 0

    if args.command == "student":
        written = write_student_edition(args.out)
        print(f"wrote {len(written)} student notebooks to {written[0].parent if written else args.out}")
        return 0

    paths = [Path(p) for p in args.notebooks] or [root / ch.file for ch in chapters if (root / ch.file).exists()]
    total = 0.0
    for p in paths:
        if not p.exists():
            print(f"error: {p}: no such notebook", file=sys.stderr)
            return 2
        print(f"executing {p.name} ...", end=" ", flush=True)
        seconds = execute_notebook(p)
        total += seconds
        print(f"{seconds:.1f} s", flush=True)
    print(f"{len(paths)} notebooks in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
