"""The course as a whole: the chapter list from ``book.yml``, executing notebooks, the book, the slides, the student edition.

``book.yml`` at the repository root is the single source of the chapter order and titles; this
module reads it and

- runs every chapter's notebook top to bottom, storing fresh, deterministic outputs
  (``make execute``). Stored notebooks keep no stderr: TensorFlow and warnings write
  machine-dependent lines there, and nbval compares stdout and rich outputs only;
- writes the student edition (``make student``): every solution between ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` replaced by a stub that raises ``NotImplementedError``, outputs
  cleared, and a first cell that turns that error into a one-line "not solved yet" message
  instead of a traceback;
- builds the book (``make book``): a Jupyter Book 1 (Sphinx, sphinx-book-theme, MyST-NB) site
  in ``_build/book`` from the notebooks' stored outputs (nothing is executed). ``_config.yml``
  and ``_toc.yml`` are generated from ``book.yml`` into ``_build/book_src`` together with the
  intro, a slides-and-Binder page and the resources page; each chapter page links its deck and
  its Binder session;
- builds the slides (``make slides``): one reveal.js deck per chapter,
  ``_build/slides/NN_topic.slides.html``, from the cells' slide metadata, with speaker notes.
  Slides are 1280 × 720 with scrolling off; the deck's copy of each notebook
  (:func:`slides_notebook`) keeps on a slide what a speaker shows and moves long code and prose
  into the speaker notes, made from the same cells. ``slides --measure`` measures every slide in
  headless Chromium (:func:`measure_slides`; ``tests/test_slide_fit.py`` fails on any that does
  not fit).

Book and slides load nothing from outside at view time: MathJax 3, require.js, jQuery,
reveal.js 5 and the widget renderer (``@jupyter-widgets/html-manager``) come from npm
(``package-lock.json``, installed into ``node_modules`` by ``npm ci`` when missing) and are
copied next to the pages; the theme's fonts come with its pip package. Chapters of ``book.yml``
whose notebook does not exist yet are skipped with a note.

Used by the Makefile and the tests; the student notebooks call :func:`student_mode`.
``python -m course_lib.tools.book badge`` rewrites the README's Binder badge from ``book.yml``'s
``repository`` (the one setting of the course's address; see the README on forks).

Usage::

    python -m course_lib.tools.book execute                 # every chapter that exists, in book order
    python -m course_lib.tools.book execute notebooks/02_dft_windowing.ipynb
    python -m course_lib.tools.book student                 # -> _build/student/notebooks/*.ipynb
    python -m course_lib.tools.book book                    # -> _build/book/index.html
    python -m course_lib.tools.slides                       # -> _build/slides/NN_topic.slides.html (course_lib.tools.slides)
    python -m course_lib.tools.slides --measure             # every slide's height and width at 1280x720
    python -m course_lib.tools.book badge                   # README's Binder badge from book.yml
    python -m course_lib.tools.book list
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .chapters import Chapter, Repository, read_book, repo_root, split_chapters
from .chapters import translatable as _t

__all__ = ["Chapter", "Repository", "repo_root", "read_book", "execute_notebook", "student_notebook", "student_mode",
           "write_student_edition", "split_chapters", "binder_url", "readme_badge", "write_readme_badge", "node_modules",
           "copy_vendor", "book_notebook", "write_book_sources", "sphinx_warnings", "build_book", "main"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("exercise not solved yet: write your solution here")'
NOT_SOLVED = "✘ Not solved yet"


def _strip_volatile(nb) -> None:
    """Drop stderr streams from every code cell (see the module docstring), and cell timings.

    Timings (``metadata.execution``, written by executors that record them) change on every run.
    """
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]


#: Environment the course's kernels run with (set where not already set): a fixed hash seed,
#: TensorFlow's C++ info logs off, and oneDNN's reordered floating-point sums off, so that stored
#: outputs are the same on every run. The Makefile, the tests and Binder's ``start`` set the same.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def execute_notebook(path: str | os.PathLike, timeout: int = 600) -> float:
    """Run a notebook top to bottom in its own folder and store its outputs in place.

    Parameters
    ----------
    path : str or os.PathLike
        The notebook; it runs with its folder as the working directory, in a kernel started with
        :data:`KERNEL_ENV`, and is written back with stderr and volatile metadata stripped.
    timeout : int
        Seconds one cell may run before the execution fails.

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
    for key, value in KERNEL_ENV.items():  # the kernel inherits them
        os.environ.setdefault(key, value)
    # store_widget_state (nbclient's default, spelled out): the book and the slides render the
    # widgets from the state saved in the notebook's metadata.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False, store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
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


def write_student_edition(out_dir: str | os.PathLike | None = None, lang: str = "en") -> list[Path]:
    """Write the student edition of every existing chapter to ``out_dir/notebooks/``.

    Parameters
    ----------
    out_dir : path, optional
        Default ``_build/student`` in the repository, and ``_build/student/LANG`` for another language.
    lang : str
        The edition (:data:`EDITIONS`): another language's notebooks come from ``notebooks/LANG/``.

    Returns
    -------
    list of Path
        The student notebooks written.

    Notebook: (tooling, ``make student``)
    """
    import nbformat

    root = repo_root()
    out = Path(out_dir) if out_dir is not None else root / _edition(lang)["student"]
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    written = []
    for ch in read_book()["chapters"]:
        src = root / edition_chapter(ch, lang).file
        if src.exists():
            dest = out / "notebooks" / src.name
            nbformat.write(student_notebook(nbformat.read(src, as_version=4)), dest)
            written.append(dest)
    return written


# --- The book and the slides ---------------------------------------------------------------------

BINDER = "https://mybinder.org/v2/gh/{slug}/{branch}?urlpath=lab/tree/{path}"
BINDER_BADGE = "[![Binder](https://mybinder.org/badge_logo.svg)]({url})"
BOOK_SRC, BOOK_OUT, SLIDES_OUT = "_build/book_src", "_build/book", "_build/slides"
#: The book of each published language: its pages (the other editions in a folder named by their
#: code inside the English book, so that a page has the same path in every edition and the language
#: switch of language.js finds it), the notebooks it shows and its decks. Spanish: README.es.md.
EDITIONS = {
    "en": {"book": BOOK_OUT, "src": BOOK_SRC, "notebooks": "notebooks", "slides": SLIDES_OUT, "student": "_build/student"},
    "es": {"book": "_build/book/es", "src": "_build/book_src_es", "notebooks": "notebooks/es", "slides": "_build/slides/es",
           "student": "_build/student/es"},
}


def _edition(lang: str) -> dict:
    if lang not in EDITIONS:
        raise ValueError(f"lang={lang!r}: the course publishes {sorted(EDITIONS)}")
    return EDITIONS[lang]


def edition_chapter(chapter: Chapter, lang: str, tr=None) -> Chapter:
    """``chapter`` as the ``lang`` edition shows it: its notebook in that edition's folder, its title translated.

    Parameters
    ----------
    chapter : Chapter
        A chapter of ``book.yml``.
    lang : str
        ``"en"`` or a language of :data:`EDITIONS`.
    tr : callable, optional
        The translation of the book's words (``course_lib.tools.translate.translator(lang)``).

    Notebook: (tooling, ``make book``, ``make slides`` and ``make student`` in every language)
    """
    folder = _edition(lang)["notebooks"]
    return Chapter(file=f"{folder}/{Path(chapter.file).name}", title=(tr or (lambda t: t))(chapter.title))
SLIDES_SUFFIX = ".slides.html"

MATHJAX_SCRIPT = "mathjax/tex-chtml.js"
# Browser assets: the name they get in _build (under the book's _static/vendor and the slides'
# vendor folder) and where npm puts them, relative to node_modules.
VENDOR = {
    "mathjax": "mathjax/es5",
    "require.js": "requirejs/require.js",
    "jquery.min.js": "jquery/dist/jquery.min.js",
    "html-manager": "@jupyter-widgets/html-manager/dist",
    "reveal.js": "reveal.js",
}
_VENDOR_IGNORE = {
    # MathJax: the CommonHTML components and what they load lazily; not the SVG/node builds.
    "mathjax": shutil.ignore_patterns("*.map", "node-main.js", "*svg*", "*-full*", "mml-chtml.js"),
    # The widget renderer for require.js pages and its icon fonts; not the other bundles.
    "html-manager": shutil.ignore_patterns("*.map", "embed.js", "libembed-amd.js"),
    # reveal.js: the built files and the speaker-notes plugin; not the sources or demos.
    "reveal.js": lambda folder, names: [
        n for n in names
        if n.startswith(".") or n.endswith((".map", ".esm.js", ".html", ".md", ".json"))
        or n in {"css", "js", "test", "examples"}
        or (Path(folder).name == "plugin" and n != "notes")
        # the white theme only: its font ships with reveal.js, other themes import Google Fonts
        or (Path(folder).name == "theme" and n.endswith(".css") and n != "white.css")
        or (Path(folder).name == "fonts" and n != "source-sans-pro")],
}


def binder_url(chapter: Chapter, repository: Repository | None = None) -> str:
    """The Binder link that opens ``chapter``'s notebook in JupyterLab.

    Parameters
    ----------
    chapter : Chapter
        A chapter of ``book.yml``.
    repository : Repository, optional
        The course's repository; default: ``book.yml``'s.

    Returns
    -------
    str
        The mybinder.org URL.

    Notebook: (tooling, the book's chapter pages and the README badge)
    """
    repository = repository or read_book()["repository"]
    return BINDER.format(slug=repository.slug, branch=repository.branch, path=chapter.file)


COLAB = "https://colab.research.google.com/github/{slug}/blob/{branch}/{path}"
#: The tag of the first code cell of every chapter: the Colab set-up (:func:`colab_cell`).
COLAB_TAG = "colab-setup"


def _named_branch(repository: Repository | None) -> Repository:
    """The repository (default: ``book.yml``'s), refused when its branch is ``HEAD``: Colab needs a branch's name."""
    repository = repository or read_book()["repository"]
    if repository.branch == "HEAD":
        raise ValueError("Colab opens notebooks and installs the course from a named branch: set book.yml's "
                         "repository branch (e.g. main)")
    return repository


def colab_url(chapter: Chapter, repository: Repository | None = None) -> str:
    """The link that opens ``chapter``'s notebook on Google Colab, from the repository's branch.

    Parameters
    ----------
    chapter : Chapter
        A chapter of ``book.yml``.
    repository : Repository, optional
        The course's repository; default: ``book.yml``'s.

    Returns
    -------
    str
        ``https://colab.research.google.com/github/OWNER/NAME/blob/BRANCH/notebooks/NN_topic.ipynb``.

    Raises
    ------
    ValueError
        A repository whose branch is ``HEAD`` (Colab needs a branch's name).

    Notebook: (tooling, the book's chapter pages)
    """
    repository = _named_branch(repository)
    return COLAB.format(slug=repository.slug, branch=repository.branch, path=chapter.file)


def _nodeps_requirements() -> list[str]:
    """The requirements of ``requirements-nodeps.txt`` (installed with ``--no-deps``), comments left out."""
    lines = (repo_root() / "requirements-nodeps.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def colab_commands(repository: Repository | None = None) -> list[list[str]]:
    """The commands the Colab set-up cell runs, in order (``sys.executable`` written as ``"python"``).

    Install the course from the repository's branch, then the packages installed without their
    dependencies, then fetch and verify the real recordings into Colab's cache (about 145 MB, with
    progress bars).

    Parameters
    ----------
    repository : Repository, optional
        The course's repository; default: ``book.yml``'s.

    Returns
    -------
    list of list of str

    Notebook: (tooling, the Colab set-up cell and its test)
    """
    repository = _named_branch(repository)
    source = f"course_lib @ git+{repository.url}@{repository.branch}"
    return [["python", "-m", "pip", "install", "--quiet", source],
            ["python", "-m", "pip", "install", "--quiet", "--no-deps", *_nodeps_requirements()],
            ["python", "-m", "course_lib.datasets.corpora", "fetch"]]


def colab_cell(repository: Repository | None = None) -> str:
    """The source of every chapter's first code cell: on Colab it installs the course and its data.

    Anywhere else (``make lab``, the tests, a plain ``pip install``, Binder) it does nothing and
    prints nothing: it acts only when ``google.colab`` is imported, which only Colab's kernel does.
    Generated from ``book.yml``'s repository and ``requirements-nodeps.txt``;
    ``python -m course_lib.tools.book colab`` writes it into every chapter.

    Parameters
    ----------
    repository : Repository, optional
        The course's repository; default: ``book.yml``'s.

    Returns
    -------
    str

    Notebook: (tooling, ``python -m course_lib.tools.book colab``)
    """
    commands = colab_commands(repository)
    lines = ["# On Google Colab: install the course and fetch its recordings (verified). Elsewhere: nothing.",
             "import sys",
             "",
             'if "google.colab" in sys.modules:',
             "    import subprocess",
             "",
             "    for command in ["]
    lines += [f"        {command!r}," for command in commands]
    lines += ["    ]:",
              "        subprocess.run([sys.executable if c == \"python\" else c for c in command], check=True)"]
    return "\n".join(lines)


def _is_colab_cell(cell) -> bool:
    return cell.cell_type == "code" and COLAB_TAG in cell.metadata.get("tags", [])


def write_colab_cells(paths=None) -> list[Path]:
    """Put :func:`colab_cell` first among the code cells of every chapter (right after the title).

    A chapter that already has the cell (tagged ``colab-setup``) gets its source replaced; the cell
    is hidden in the book and skipped in the slides.

    Parameters
    ----------
    paths : iterable of path, optional
        Notebooks; default: every chapter of ``book.yml`` that exists.

    Returns
    -------
    list of Path
        The notebooks that changed.

    Notebook: (tooling, ``python -m course_lib.tools.book colab``)
    """
    import nbformat

    root = repo_root()
    paths = [Path(p) for p in paths] if paths is not None else [root / ch.file for ch in split_chapters()[0]]
    source = colab_cell()
    changed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells if _is_colab_cell(c)]
        if cells:
            cell = cells[0]
            if cell.source == source:
                continue
            cell.source = source
        else:
            cell = nbformat.v4.new_code_cell(source)
            cell.metadata["tags"] = [COLAB_TAG, "remove-cell"]
            cell.metadata["slideshow"] = {"slide_type": "skip"}
            cell["id"] = COLAB_TAG
            at = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
            nb.cells.insert(at, cell)
        nbformat.write(nb, path)
        changed.append(path)
    return changed


def readme_badge(book: dict | None = None) -> str:
    """The README's Binder badge (Markdown): it opens the first chapter of ``book.yml`` on Binder.

    Notebook: (tooling, ``python -m course_lib.tools.book badge`` and its test)
    """
    book = book or read_book()
    return BINDER_BADGE.format(url=binder_url(book["chapters"][0], book["repository"]))


def write_readme_badge(readme: str | os.PathLike | None = None) -> bool:
    """Rewrite the Binder badge line of the README from ``book.yml``; True if it changed.

    The badge is the README's line that starts with ``[![Binder]``; nothing else is touched.

    Raises
    ------
    ValueError
        The README has no such line.

    Notebook: (tooling, ``python -m course_lib.tools.book badge``: pointing the course at a fork)
    """
    path = Path(readme) if readme is not None else repo_root() / "README.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    where = [i for i, line in enumerate(lines) if line.startswith("[![Binder](")]
    if not where:
        raise ValueError(f"{path} has no Binder badge line (a line starting with '[![Binder](')")
    badge = readme_badge()
    changed = any(lines[i] != badge for i in where)
    for i in where:
        lines[i] = badge
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed


def node_modules(install: bool = True) -> Path:
    """The repository's ``node_modules``, installed with ``npm ci`` from ``package-lock.json`` if needed.

    Parameters
    ----------
    install : bool
        Run ``npm ci`` when ``node_modules`` is missing or older than ``package-lock.json``;
        with False, raise instead.

    Raises
    ------
    RuntimeError
        If the modules are missing and cannot be installed (no ``npm`` on the PATH).

    Notebook: (tooling, ``make book`` and ``make slides``)
    """
    root = repo_root()
    modules, lock = root / "node_modules", root / "package-lock.json"
    stamp = modules / ".package-lock.json"  # npm's own record of what it installed
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return modules
    npm = shutil.which("npm")
    if not install or npm is None:
        raise RuntimeError(f"{modules} is missing or older than package-lock.json; install it with `npm ci` "
                           "(Debian/Ubuntu: `sudo apt-get install npm`)")
    print("installing the browser assets: npm ci", flush=True)
    subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=root, check=True)
    stamp.touch()
    return modules


def copy_vendor(dest: str | os.PathLike, names=tuple(VENDOR)) -> Path:
    """Copy the browser assets named in :data:`VENDOR` from ``node_modules`` into ``dest``.

    Parameters
    ----------
    dest : str or os.PathLike
        The folder to copy into (created; files already there are overwritten).
    names : iterable of str
        Keys of :data:`VENDOR` to copy (default: all).

    Returns
    -------
    pathlib.Path
        ``dest``.

    Notebook: (tooling, ``make book`` and ``make slides``)
    """
    modules, dest = node_modules(), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = modules / VENDOR[name]
        if not src.exists():
            raise FileNotFoundError(f"{src} is missing: run `npm ci` (package.json lists the browser assets)")
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=_VENDOR_IGNORE.get(name), dirs_exist_ok=True)
        else:
            shutil.copy2(src, dest / name)
    return dest


def _write(path: Path, data: str | bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that (keeps Sphinx builds incremental)."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _links_html(chapter: Chapter, slides_href: str, repository: Repository | None, tr=None) -> str:
    """The row of links under a chapter's title: its deck, its Binder session and Colab (``chapter.file``: the notebook they open)."""
    tr = tr or (lambda t: t)
    stem = Path(chapter.file).stem
    return (
        '<div class="course-links">\n'
        f'<a class="course-link-slides" href="{slides_href}/{stem}{SLIDES_SUFFIX}">{tr(_t("▶ Slides"))}</a>\n'
        f'<a class="course-link-binder" href="{binder_url(chapter, repository)}">{tr(_t("Run it on Binder"))}</a>\n'
        f'<a class="course-link-colab" href="{colab_url(chapter, repository)}">{tr(_t("Open it in Colab"))}</a>\n'
        "</div>"
    )


def book_notebook(nb, chapter: Chapter, slides_href: str = "../../slides", repository: Repository | None = None, tr=None):
    """The book's copy of a chapter notebook: the links to its slides and Binder under the title.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The chapter's notebook (unchanged; a copy is returned).
    chapter : Chapter
        Its entry in ``book.yml``.
    slides_href : str
        The slides folder relative to the chapter's page (``_build/book/notebooks/NN.html`` ->
        ``_build/slides``).
    repository : Repository, optional
        For the Binder link; default: ``book.yml``'s.
    tr : callable, optional
        The translation of the links' words (another language's edition).

    Notebook: (tooling, ``make book``)
    """
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    links = nbformat.v4.new_markdown_cell(_links_html(chapter, slides_href, repository, tr))
    links.metadata["slideshow"] = {"slide_type": "skip"}
    links["id"] = "course-links"  # fixed, so that an unchanged chapter is not rebuilt
    nb.cells.insert(1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, links)
    return nb


def _intro_page(book: dict, present: list[Chapter], missing: list[Chapter], tr=None) -> str:
    """``index.md``: book/intro.md (translated by ``tr``) with the title, the description and the chapter list filled in."""
    from .translate import translate_markdown

    tr = tr or (lambda t: t)
    rows = []
    for ch in book["chapters"]:
        if ch in present:
            rows.append(f"- [{ch.number} · {tr(ch.title)}]({ch.file})")
        else:
            rows.append(f"- {ch.number} · {tr(ch.title)} *({tr(_t('coming'))})*")
    text = translate_markdown((repo_root() / "book" / "intro.md").read_text(encoding="utf-8"), tr)
    for key, value in (("title", tr(book["title"])), ("description", tr(str(book.get("description", "")).strip())),
                       ("chapters", "\n".join(rows))):
        text = text.replace("{{ " + key + " }}", value)
    return text


def _slides_page(present: list[Chapter], repository: Repository, lang: str = "en", tr=None) -> str:
    """``slides.md``: every chapter's deck, Binder and Colab links, and how to present live."""
    tr = tr or (lambda t: t)
    ed = _edition(lang)
    decks = Path(os.path.relpath(repo_root() / ed["slides"], repo_root() / ed["book"])).as_posix()
    lines = ["# " + tr(_t("Slides, Binder and Colab")), "",
             tr(_t("Every chapter is also a reveal.js deck made from the notebook's slide metadata, with the "
                   "instructor's speaker notes (press `S` in a deck to open them; `F` goes full screen, `Esc` "
                   "shows the overview). Binder runs the notebook itself in JupyterLab in your browser; Colab runs it on "
                   "Google's machines (its first cell installs the course and fetches the recordings there).")), "",
             tr(_t("To present live with running code, open the notebook in JupyterLab (`make lab`) and start "
                   "the slideshow with the RISE extension (`Alt`+`R`: *Render as Reveal Slideshow*).")), "",
             "| " + " | ".join(tr(w) for w in (_t("Chapter"), _t("Slides"), _t("Binder"), _t("Colab"))) + " |",
             "|---|---|---|---|"]
    for ch in present:
        stem = Path(ch.file).stem
        opened = edition_chapter(ch, lang)
        lines.append(f"| [{ch.number} · {tr(ch.title)}]({ch.file}) "
                     f'| <a href="{decks}/{stem}{SLIDES_SUFFIX}">{tr(_t("slides"))}</a> '
                     f'| <a href="{binder_url(opened, repository)}">{tr(_t("launch"))}</a> '
                     f'| <a href="{colab_url(opened, repository)}">{tr(_t("open"))}</a> |')
    return "\n".join(lines) + "\n"


def _resources_page(book: dict, tr=None) -> str:
    """``resources.md``: the talk's reading list from ``book.yml``'s ``resources`` (the items keep their language)."""
    tr = tr or (lambda t: t)
    res = book.get("resources") or {}
    lines = [f"# {tr(res.get('title', 'Resources'))}", "",
             tr(_t("The reading list of the talk *Deep Learning para sonidos*, where this course started; "
                   "each one goes much further than the course does.")), ""]
    lines += [f"- {item}" for item in res.get("items", [])]
    return "\n".join(lines) + "\n"


def _credits_page(tr=None) -> str:
    """``credits.md``: the cards of the real recordings and the pretrained models, every file's attribution (``DATA.md``).

    ``DATA.md`` marks each card's heading with an HTML anchor (``## Title <a id="esc10"></a>``),
    which GitHub links to but Sphinx does not know; here each becomes a MyST target
    (``(esc10)=`` above the heading), so that the table's ``[...](#esc10)`` links resolve.
    """
    import re

    from ..datasets import corpora

    text = corpora.data_cards().replace("[data/README.md](data/README.md)", "`data/README.md` in the repository")
    text = re.sub(r'^(#+ .*?) <a id="([^"]+)"></a>$', r"(\2)=\n\1", text, flags=re.MULTILINE)
    title = "# " + (tr or str)(_t("Credits: the real recordings and the pretrained models"))
    if tr is not None:  # another language's edition: the cards stay as their licences word them
        title += "\n\n" + tr(_t("The cards and the credits of each file are in English, as the licences give them."))
    return text.replace("# The real recordings of the course: data cards and credits", title, 1) + "\n"


def _book_config(book: dict, lang: str = "en", tr=None) -> dict:
    """``_config.yml`` for Jupyter Book 1: stored outputs only, local MathJax and widget renderer, the language switch."""
    tr = tr or (lambda t: t)
    return {
        "title": tr(book["title"]),
        "author": book.get("author", ""),
        "copyright": str(time.gmtime().tm_year),
        "only_build_toc_files": True,
        "exclude_patterns": ["_build", "**.ipynb_checkpoints"],
        "execute": {"execute_notebooks": "off"},
        "parse": {"myst_enable_extensions": ["amsmath", "colon_fence", "dollarmath", "linkify", "substitution"],
                  "myst_url_schemes": ["mailto", "http", "https"]},
        "html": {"use_repository_button": True, "use_issues_button": False, "use_edit_page_button": False,
                 "use_multitoc_numbering": False, "home_page_in_navbar": True,
                 "favicon": "_static/favicon.svg",
                 "extra_footer": tr(_t("Code MIT, data CC0. Built from the notebooks' stored outputs."))},
        "launch_buttons": {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org", "thebe": False},
        "repository": {"url": book["repository"].url, "path_to_book": "", "branch": book["repository"].branch},
        "latex": {"use_jupyterbook_latex": False},
        "sphinx": {"config": {
            # Jupyter Book's extensions without thebe and intersphinx: they add scripts
            # from CDNs (or fetch inventories) and the book uses none of them.
            "extensions": ["sphinx_togglebutton", "sphinx_copybutton", "myst_nb", "jupyter_book",
                           "sphinx_comments", "sphinx_external_toc", "sphinx_design", "sphinx_book_theme"],
            "mathjax_path": f"vendor/{MATHJAX_SCRIPT}",  # relative to _static
            "html_show_sourcelink": False,
            # Sphinx's own words (search, contents, next) in the edition's language, and <html lang>,
            # which language.js reads to draw the switch to the same page in the other editions.
            "language": lang,
            "html_js_files": ["language.js"],
            # (widget-assets.js, before the renderer: where the renderer finds its icon fonts)
            "nb_ipywidgets_js": {"widget-assets.js": {}, "vendor/require.js": {}, "vendor/html-manager/embed-amd.js": {}},
            "suppress_warnings": ["mystnb.unknown_mime_type", "myst.header"],
        }},
    }


def _toc(present: list[Chapter], tr=None) -> dict:
    """``_toc.yml``: the intro, the chapters in book order, slides and Binder, credits, resources last."""
    tr = tr or (lambda t: t)
    return {"format": "jb-book", "root": "index", "parts": [
        {"caption": tr(_t("Chapters")), "chapters": [{"file": str(Path(ch.file).with_suffix(""))} for ch in present]},
        {"caption": tr(_t("Around the course")), "chapters": [{"file": "slides"}, {"file": "credits"}, {"file": "resources"}]},
    ]}


def write_book_sources(src: str | os.PathLike | None = None, lang: str = "en") -> list[Chapter]:
    """Write the book's sources from ``book.yml``: ``_config.yml``, ``_toc.yml``, the pages, the notebooks.

    Files whose content did not change are left alone, so Sphinx rebuilds only what changed;
    files of chapters no longer present are removed.

    Parameters
    ----------
    src : str or os.PathLike, optional
        The folder of the sources; default ``_build/book_src`` (``_build/book_src_LANG``). The Binder
        and repository links come from ``book.yml``'s ``repository``.
    lang : str
        The edition: ``"en"``, or a language of :data:`EDITIONS` (its notebooks from
        ``notebooks/LANG/``, the book's own words from ``locale/LANG/LC_MESSAGES/book.po``).

    Returns
    -------
    list of Chapter
        The chapters in the book (those whose notebook exists), in order.

    Notebook: (tooling, ``make book``)
    """
    import nbformat
    import yaml

    from .translate import translator

    root = repo_root()
    ed = _edition(lang)
    tr = translator(lang)
    src = Path(src) if src is not None else root / ed["src"]
    book = read_book()
    present, missing = split_chapters(book)
    repository = book["repository"]
    for ch in missing:
        print(f"note: {ch.file} does not exist yet; chapter {ch.number} is left out of the book", flush=True)
    wanted = {
        "_config.yml": yaml.safe_dump(_book_config(book, lang, tr), sort_keys=False, allow_unicode=True),
        "_toc.yml": yaml.safe_dump(_toc(present, tr), sort_keys=False, allow_unicode=True),
        "index.md": _intro_page(book, present, missing, tr),
        "slides.md": _slides_page(present, repository, lang, tr),
        "credits.md": _credits_page(tr if lang != "en" else None),
        "resources.md": _resources_page(book, tr),
    }
    for path in sorted((root / "book" / "static").iterdir()):  # the stylesheet, the favicon, the MathJax shim
        wanted[f"_static/{path.name}"] = path.read_bytes()
    slides_href = Path(os.path.relpath(root / ed["slides"], (root / ed["book"] / "notebooks"))).as_posix()
    for ch in present:
        opened = edition_chapter(ch, lang)
        if not (root / opened.file).exists():
            raise FileNotFoundError(f"{opened.file}: the {lang} edition of {ch.file} is missing "
                                    f"(run `python -m course_lib.tools.translate build {lang}`)")
        nb = book_notebook(nbformat.read(root / opened.file, as_version=4), opened, slides_href, repository, tr)
        wanted[ch.file] = nbformat.writes(nb)
    for name, text in wanted.items():
        _write(src / name, text)
    for path in [p for p in src.rglob("*") if p.is_file()]:
        if path.relative_to(src).as_posix() not in wanted:
            path.unlink()
    return present


class _Tee:
    """A text stream that writes through to ``stream`` and keeps a copy of what was written."""

    def __init__(self, stream):
        self.stream, self.parts = stream, []

    def write(self, text):
        self.parts.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):  # flush, isatty (Sphinx colours a terminal), encoding, ...
        return getattr(self.stream, name)


def sphinx_warnings(text: str) -> list[str]:
    """The warning and error lines of Sphinx's output (colour codes removed).

    Notebook: (tooling, ``make book`` records them; a test fails on any)
    """
    import re

    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [line.strip() for line in plain.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL|SEVERE):", line)]


def build_book(out: str | os.PathLike | None = None, jobs: int = 1, quiet: bool = True, fresh: bool = False,
               lang: str = "en") -> dict:
    """Build the book (HTML) from the stored notebooks into ``out`` (default ``_build/book``).

    Generates the sources (:func:`write_book_sources`), runs Jupyter Book's Sphinx build without
    executing anything, and copies MathJax, require.js and the widget renderer into
    ``out/_static/vendor``. Sphinx's warnings are printed and recorded in the report: the book
    builds with none, and a test fails on any.

    Parameters
    ----------
    out : path, optional
        Output folder; the doctrees go next to it (``<out>_doctrees``).
    jobs : int
        Sphinx processes.
    quiet : bool
        Print warnings only, not Sphinx's progress.
    fresh : bool
        Read and write every page again (no incremental build), so that the recorded warnings
        are those of the whole book, not only of the pages that changed.
    lang : str
        The edition (:data:`EDITIONS`): ``"en"`` into ``_build/book``, Spanish into ``_build/book/es``.

    Returns
    -------
    dict
        ``chapters`` (the chapter files in the book), ``seconds`` (wall-clock build time), ``out``,
        ``warnings`` (Sphinx's warning lines) and ``fresh``; also written to
        ``out/.course-book.json``.

    Raises
    ------
    RuntimeError
        If Sphinx fails.

    Notebook: (tooling, ``make book``)
    """
    from jupyter_book.sphinx import build_sphinx

    root = repo_root()
    ed = _edition(lang)
    out = Path(out) if out is not None else root / ed["book"]
    src = out.parent / (out.name + "_src") if out != root / ed["book"] else root / ed["src"]
    doctrees = root / (ed["src"] + "_doctrees") if out == root / ed["book"] else out.parent / (out.name + "_doctrees")
    start = time.perf_counter()
    present = write_book_sources(src, lang)
    tee, stderr = _Tee(sys.stderr), sys.stderr
    sys.stderr = tee  # build_sphinx hands sys.stderr to Sphinx as its warning stream
    try:
        result = build_sphinx(src, out, path_config=src / "_config.yml", noconfig=True, quiet=quiet,
                              confoverrides={"latex_individualpages": False}, doctreedir=doctrees,
                              jobs=jobs, freshenv=fresh, force_all=fresh)
    finally:
        sys.stderr = stderr
    if result != 0:
        raise RuntimeError(f"the book did not build (Sphinx returned {result!r})")
    warnings = sphinx_warnings("".join(tee.parts))
    copy_vendor(out / "_static" / "vendor", ("mathjax", "require.js", "html-manager"))
    for path in (root / "book" / "static").iterdir():  # Sphinx 7.4 keeps stale copies on incremental builds
        shutil.copy2(path, out / "_static" / path.name)
    seconds = time.perf_counter() - start
    report = {"chapters": [ch.file for ch in present], "seconds": round(seconds, 1), "out": str(out),
              "warnings": warnings, "fresh": fresh, "language": lang}
    (out / ".course-book.json").write_text(json.dumps(report, indent=1))
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.tools.book", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="re-run notebooks in place, refreshing their stored outputs")
    run.add_argument("notebooks", nargs="*", help="notebook paths (default: every chapter of book.yml that exists)")
    sub.add_parser("list", help="list the chapters of book.yml and whether each notebook exists")
    sub.add_parser("badge", help="rewrite the README's Binder badge from book.yml's repository (after pointing it at a fork)")
    sub.add_parser("colab", help="write the Colab set-up cell (from book.yml's repository) into every chapter")
    student = sub.add_parser("student", help="write the student edition (solutions stubbed, outputs cleared)")
    student.add_argument("--out", default=None, help="output folder (default: _build/student, _build/student/LANG)")
    student.add_argument("--language", default=None, help="only this language's edition (default: every language)")
    book_cmd = sub.add_parser("book", help="build the book (HTML) from the stored outputs into _build/book")
    book_cmd.add_argument("--out", default=None, help="output folder (default: _build/book)")
    book_cmd.add_argument("-j", "--jobs", type=int, default=1, help="Sphinx processes (default 1)")
    book_cmd.add_argument("--fresh", action="store_true", help="rebuild every page (record the warnings of the whole book)")
    book_cmd.add_argument("--language", default="en", help="the edition: en (default) or es (into _build/book/es)")
    args = parser.parse_args(argv)

    root = repo_root()
    chapters = read_book()["chapters"]
    if args.command == "list":
        for ch in chapters:
            state = "" if (root / ch.file).exists() else "  (not written yet)"
            print(f"{ch.file}  {ch.title}{state}")
        return 0

    if args.command == "badge":
        changed = write_readme_badge()
        print(f"{'rewrote' if changed else 'kept'} the Binder badge of {root / 'README.md'}: {readme_badge()}")
        return 0

    if args.command == "colab":
        changed = write_colab_cells()
        print(f"rewrote the Colab cell of {len(changed)} chapters" + "".join(f"\n  {p}" for p in changed))
        return 0

    if args.command == "student":
        for lang in [args.language] if args.language else list(EDITIONS):
            written = write_student_edition(args.out, lang)
            print(f"wrote {len(written)} {lang} student notebooks to {written[0].parent if written else args.out}")
        return 0

    if args.command == "book":
        report = build_book(args.out, jobs=args.jobs, fresh=args.fresh, lang=args.language)
        warned = f", {len(report['warnings'])} Sphinx warnings (printed above)" if report["warnings"] else ""
        print(f"book: {len(report['chapters'])} chapters in {report['seconds']:.1f} s{warned} -> {Path(report['out']) / 'index.html'}")
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
