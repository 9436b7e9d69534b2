"""The course's chapter list: ``book.yml`` read and checked, the chapters whose notebook exists, the checkout's root.

The one source of the chapter list and order, and of the repository's address, for everything that
walks the chapters: the book, the slides, the student edition, the translated editions
(:mod:`course_lib.tools.translate`), ``make execute`` and the tests. :mod:`course_lib.tools.book`
re-exports these names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Chapter", "Repository", "repo_root", "read_book", "split_chapters", "translatable"]


def translatable(text: str) -> str:
    """Mark one of the course's own English strings for translation and return it unchanged.

    ``book.py`` and ``slides.py`` import it as ``_t``; ``course_lib.tools.translate`` finds every
    ``_t("...")`` of those files in their source, as xgettext does, and puts the strings in the book's
    catalog; the page and deck builders translate them.

    Notebook: (tooling, ``make book`` and ``make slides``)
    """
    return text


@dataclass(frozen=True)
class Chapter:
    """One chapter of ``book.yml``: its notebook path (relative to the repo root) and title."""

    file: str
    title: str

    @property
    def number(self) -> str:
        """Two-digit chapter number taken from the file name (``"03"``)."""
        return Path(self.file).name[:2]


@dataclass(frozen=True)
class Repository:
    """Where the course lives: ``book.yml``'s ``repository`` (``url``, ``branch``).

    The one setting of the repository's address: the README's Binder badge, the book's Binder and
    repository links and the slides page's links are made from it.
    """

    url: str
    branch: str = "HEAD"

    @property
    def slug(self) -> str:
        """GitHub's ``owner/name``, as Binder's ``gh`` provider wants it."""
        return self.url.removeprefix("https://github.com/")


def _repository(entry, path) -> Repository:
    """Check ``book.yml``'s ``repository`` mapping: a GitHub URL ``https://github.com/owner/name``."""
    import re

    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        raise ValueError(f"{path}: needs a 'repository' mapping with the course's GitHub 'url' "
                         f"(and optionally a 'branch'), got {entry!r}")
    url, branch = entry["url"].rstrip("/"), str(entry.get("branch", "HEAD"))
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url) or url.endswith(".git"):
        raise ValueError(f"{path}: repository url must be https://github.com/OWNER/NAME (Binder opens GitHub "
                         f"repositories), got {entry['url']!r}")
    if not re.fullmatch(r"[\w./-]+", branch):
        raise ValueError(f"{path}: repository branch must be a branch, tag or HEAD, got {branch!r}")
    return Repository(url=url, branch=branch)


def repo_root() -> Path:
    """The repository root: the folder holding ``book.yml`` above this package."""
    here = Path(__file__).resolve().parents[2]
    if not (here / "book.yml").exists():
        raise FileNotFoundError(f"book.yml not found in {here}; course_lib.book works from a checkout of the course")
    return here


def read_book(path: str | os.PathLike | None = None) -> dict:
    """Parse ``book.yml`` and check it: returns the mapping with ``chapters`` as :class:`Chapter` objects
    and ``repository`` as a :class:`Repository`.

    Without ``path``: the checkout's ``book.yml``, or, for a course_lib installed with no checkout
    beside it, the copy in its data files (``data/book.yml``, made by ``make data``).

    Raises
    ------
    ValueError
        If the file lacks a title or chapters, a chapter lacks ``file``/``title``, or the
        repository is missing or not a GitHub URL.

    Notebook: (tooling, used by ``make execute`` and the tests)
    """
    import yaml

    if path is None:
        try:
            path = repo_root() / "book.yml"
        except FileNotFoundError:   # an installed course_lib, no checkout: the copy in its data/
            from ..datasets import assets

            path = assets.path("book.yml")
    path = Path(path)
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
    book["repository"] = _repository(book.get("repository"), path)
    return book


def split_chapters(book: dict | None = None) -> tuple[list[Chapter], list[Chapter]]:
    """The chapters of ``book.yml`` whose notebook exists, and those not written yet.

    Parameters
    ----------
    book : dict, optional
        A parsed ``book.yml`` (:func:`read_book`); default: the repository's.

    Returns
    -------
    (present, missing) : tuple of lists of Chapter
        Both in book order.

    Notebook: (tooling, ``make book`` and ``make slides``)
    """
    root = repo_root()
    chapters = (book or read_book())["chapters"]
    present = [ch for ch in chapters if (root / ch.file).exists()]
    return present, [ch for ch in chapters if ch not in present]
