"""The course as a whole: the chapter list from ``book.yml`` and re-executing notebooks in place.

``book.yml`` at the repository root is the single source of the chapter order and titles; this
module reads it and runs every chapter's notebook top to bottom, storing fresh, deterministic
outputs (``make execute``). Stored notebooks keep no stderr: TensorFlow and warnings write
machine-dependent lines there, and nbval compares stdout and rich outputs only. Used by the
Makefile and the tests, not by the notebooks.

Usage::

    python -m course_lib.book execute                 # every chapter that exists, in book order
    python -m course_lib.book execute notebooks/02_dft_windowing.ipynb
    python -m course_lib.book list
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Chapter", "repo_root", "read_book", "execute_notebook", "main"]


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.book", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="re-run notebooks in place, refreshing their stored outputs")
    run.add_argument("notebooks", nargs="*", help="notebook paths (default: every chapter of book.yml that exists)")
    sub.add_parser("list", help="list the chapters of book.yml and whether each notebook exists")
    args = parser.parse_args(argv)

    root = repo_root()
    chapters = read_book()["chapters"]
    if args.command == "list":
        for ch in chapters:
            state = "" if (root / ch.file).exists() else "  (not written yet)"
            print(f"{ch.file}  {ch.title}{state}")
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
