"""make book, make slides and Binder: the built site follows book.yml, keeps every stored output and is offline.

The book and the slides are built once per test session (the ``built_site`` fixture of the root
``conftest.py``: only if missing or older than what they are made from, the book afresh so that its
recorded Sphinx warnings are the whole book's; parallel workers share one build through a lock
file). Nothing here executes a notebook, except one tiny notebook that checks that
``make execute`` stores widget state.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

from course_lib import book
from course_lib.tools import slides

ROOT = Path(__file__).resolve().parent.parent
BOOK, SLIDES = ROOT / book.BOOK_OUT, ROOT / book.SLIDES_OUT
PRESENT, MISSING = book.split_chapters()
STEMS = [Path(ch.file).stem for ch in PRESENT]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def site(built_site):
    """The book and the slides, built from the stored outputs if missing or stale."""
    return built_site


class _Tags(HTMLParser):
    """Every tag of a page with its attributes, and the text of widget-state scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(path):
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def _loaded_urls(tags):
    """The URLs a browser loads by itself: src of any element, href of stylesheets, icons, preloads."""
    for tag, attrs in tags:
        if attrs.get("src"):
            yield tag, attrs["src"]
        rel = (attrs.get("rel") or "").lower()
        if tag == "link" and attrs.get("href") and any(r in rel for r in ("stylesheet", "icon", "preload", "modulepreload")):
            yield tag, attrs["href"]


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _notebook(stem):
    return nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)


# --- the sources generated from book.yml ---------------------------------------------------------

def test_every_chapter_of_book_yml_is_in_the_book():
    # The builder leaves out a chapter whose notebook does not exist yet (with a note); the
    # course's own book must have them all.
    assert MISSING == [], f"book.yml lists chapters whose notebook does not exist: {[ch.file for ch in MISSING]}"


@pytest.mark.slow
def test_config_and_toc_are_generated_from_book_yml(tmp_path, capsys):
    present = book.write_book_sources(tmp_path)
    assert present == PRESENT
    notes = capsys.readouterr().out
    for ch in MISSING:
        assert f"{ch.file} does not exist yet" in notes
    toc = yaml.safe_load((tmp_path / "_toc.yml").read_text())
    chapters, extra = toc["parts"]
    assert [c["file"] for c in chapters["chapters"]] == [f"notebooks/{s}" for s in STEMS]
    assert [c["file"] for c in extra["chapters"]] == ["slides", "credits", "resources"], "resources close the book"
    config = yaml.safe_load((tmp_path / "_config.yml").read_text())
    assert config["title"] == book.read_book()["title"]
    assert config["execute"]["execute_notebooks"] == "off", "the book must use the stored outputs"
    sphinx = config["sphinx"]["config"]
    assert not sphinx["mathjax_path"].startswith(("http", "//"))
    assert all(not url.startswith(("http", "//")) for url in sphinx["nb_ipywidgets_js"])
    assert "sphinx_thebe" not in sphinx["extensions"]
    for stem in STEMS:
        assert (tmp_path / "notebooks" / f"{stem}.ipynb").exists()
    # Unchanged sources are not rewritten (Sphinx then rebuilds only what changed).
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    book.write_book_sources(tmp_path)
    assert before == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}


def test_book_notebook_puts_slides_and_binder_links_under_the_title():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 05 · Title"), nbformat.v4.new_code_cell("1")]
    chapter = book.Chapter(file="notebooks/05_augmentation.ipynb", title="Data augmentation")
    out = book.book_notebook(nb, chapter)
    assert len(nb.cells) == 2 and len(out.cells) == 3
    links = out.cells[1].source
    assert 'href="../../slides/05_augmentation.slides.html"' in links
    assert book.binder_url(chapter) in links
    assert "urlpath=lab/tree/notebooks/05_augmentation.ipynb" in book.binder_url(chapter)


def test_readme_binder_badge_opens_chapter_00_in_jupyterlab():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badge = re.search(r"\]\((https://mybinder\.org/v2/gh/[^)]+)\)", readme)
    assert badge, "README has no Binder badge"
    first = book.read_book()["chapters"][0]
    assert badge.group(1) == book.binder_url(first), "the badge and the book's Binder links disagree"
    assert book.readme_badge() in readme.splitlines(), \
        "the README's Binder badge is not made from book.yml's repository: run `python -m course_lib.tools.book badge`"
    path = badge.group(1).split("urlpath=lab/tree/")[1]
    assert (ROOT / unquote(path)).exists() and Path(path).name.startswith("00_")


def test_the_repository_address_is_written_in_book_yml_only():
    """book.yml's ``repository`` is the one place of the address: nothing else in the course spells it."""
    repository = book.read_book()["repository"]
    assert repository.url == f"https://github.com/{repository.slug}" and repository.slug.count("/") == 1
    places = [ROOT / "Makefile", ROOT / "environment.yml", ROOT / "postBuild", ROOT / "start", ROOT / "DATA.md"]
    places += sorted((ROOT / "course_lib").rglob("*.py")) + sorted((ROOT / "book").rglob("*.*"))
    places += sorted((ROOT / "benchmarks").glob("*.py"))
    spelled = [str(p.relative_to(ROOT)) for p in places if p.is_file() and repository.slug in p.read_text(errors="replace")]
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):   # apart from the Colab cell made from book.yml
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        if any(repository.slug in json.dumps(c) for c in cells if book.COLAB_TAG not in c["metadata"].get("tags", [])):
            spelled.append(str(nb.relative_to(ROOT)))
    assert spelled == [], f"the repository's address is written out in {spelled}; take it from book.yml's repository"
    readme = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if repository.slug in line]
    assert readme == [book.readme_badge()], "the README names the address only in its badge (made from book.yml)"


@pytest.mark.slow
def test_a_fork_changes_every_link_and_the_badge_command_rewrites_the_readme(tmp_path, monkeypatch):
    fork = book.Repository(url="https://github.com/someone/my-course", branch="spring")
    chapter = book.read_book()["chapters"][0]
    assert book.binder_url(chapter, fork) == (
        f"https://mybinder.org/v2/gh/someone/my-course/spring?urlpath=lab/tree/{chapter.file}")
    real = book.read_book
    monkeypatch.setattr(book, "read_book", lambda path=None: {**real(path), "repository": fork})
    readme = tmp_path / "README.md"
    readme.write_text("# Course\n\n" + "[![Binder](https://mybinder.org/badge_logo.svg)](https://example.org)\n\ntext\n")
    assert book.write_readme_badge(readme) is True
    assert readme.read_text().splitlines()[2] == book.readme_badge() and "someone/my-course/spring" in book.readme_badge()
    assert book.write_readme_badge(readme) is False, "an up-to-date badge is left alone"
    book.write_book_sources(tmp_path / "src")
    config = yaml.safe_load((tmp_path / "src" / "_config.yml").read_text())
    assert config["repository"] == {"url": fork.url, "path_to_book": "", "branch": "spring"}
    assert "someone/my-course/spring" in (tmp_path / "src" / "slides.md").read_text()
    assert "someone/my-course/spring" in (tmp_path / "src" / chapter.file).read_text()
    (tmp_path / "no-badge.md").write_text("# nothing\n")
    with pytest.raises(ValueError, match="no Binder badge"):
        book.write_readme_badge(tmp_path / "no-badge.md")


@pytest.mark.parametrize("entry,match", [
    (None, "needs a 'repository' mapping"),
    ({"url": "https://gitlab.com/a/b"}, "must be https://github.com/OWNER/NAME"),
    ({"url": "https://github.com/a/b.git"}, "must be https://github.com/OWNER/NAME"),
    ({"url": "https://github.com/a/b", "branch": "x y"}, "branch"),
])
def test_book_yml_refuses_a_repository_that_binder_cannot_open(tmp_path, entry, match):
    text = (ROOT / "book.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data.pop("repository")
    if entry is not None:
        data["repository"] = entry
    path = tmp_path / "book.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ValueError, match=match):
        book.read_book(path)


# --- the built book --------------------------------------------------------------------------------

def test_book_has_an_intro_and_a_page_per_chapter_in_book_order(site):
    assert site["book"]["chapters"] == [ch.file for ch in PRESENT]
    assert (BOOK / "index.html").exists() and (BOOK / "search.html").exists() and (BOOK / "searchindex.js").exists()
    nav = [a["href"] for tag, a in _tags(BOOK / "index.html")
           if tag == "a" and "reference internal" in a.get("class", "") and a.get("href", "").endswith(".html")]
    order = [h for h in nav if h.startswith("notebooks/") or h in ("slides.html", "credits.html", "resources.html")]
    expected = [f"notebooks/{s}.html" for s in STEMS] + ["slides.html", "credits.html", "resources.html"]
    assert [h for h in dict.fromkeys(order)] == expected, "navigation does not follow book.yml"
    # Each chapter's next/previous links chain the pages in book order.
    pages = ["index"] + [f"notebooks/{s}" for s in STEMS] + ["slides", "credits", "resources"]
    for prev, page, nxt in zip(pages, pages[1:], pages[2:]):
        links = {a.get("rel"): a.get("href") for tag, a in _tags(BOOK / f"{page}.html") if tag == "link"}
        here = (BOOK / page).parent
        assert (here / links["next"]).resolve() == (BOOK / f"{nxt}.html").resolve(), f"{page}: next is {links['next']}"
        assert (here / links["prev"]).resolve() == (BOOK / f"{prev}.html").resolve(), f"{page}: prev is {links['prev']}"
    index = (BOOK / "index.html").read_text(encoding="utf-8")
    for ch in MISSING:
        assert f"{ch.number} · {ch.title}" in index, "a chapter not written yet is listed as coming"


def test_the_book_builds_without_a_sphinx_warning(site):
    # The session's build is a fresh one (every page read and written), so its report holds the
    # warnings of the whole book: broken cross-references, unknown targets, bad markup...
    assert site["book"].get("fresh"), "the recorded warnings are those of an incremental build"
    assert site["book"]["warnings"] == [], "Sphinx warned while building the book:\n" + "\n".join(site["book"]["warnings"])


def test_sphinx_warnings_are_found_in_coloured_output():
    out = ("reading sources... [ 50%] credits\n"
           "\x1b[91m/src/credits.md:: WARNING: 'myst' cross-reference target not found: 'esc10' [myst.xref_missing]\x1b[39;49;00m\n"
           "/src/x.md:3: ERROR: Unknown directive type.\nbuild succeeded.\n")
    assert book.sphinx_warnings(out) == [
        "/src/credits.md:: WARNING: 'myst' cross-reference target not found: 'esc10' [myst.xref_missing]",
        "/src/x.md:3: ERROR: Unknown directive type."]


def test_credits_links_resolve_to_the_data_cards(site):
    html = (BOOK / "credits.html").read_text(encoding="utf-8")
    from course_lib import corpora

    for name in corpora.CORPORA:
        assert f'href="#{name}"' in html and f'id="{name}"' in html, name


@pytest.mark.parametrize("stem", STEMS)
def test_book_page_keeps_every_stored_output(site, stem):
    nb = _notebook(stem)
    page = BOOK / "notebooks" / f"{stem}.html"
    html = page.read_text(encoding="utf-8")
    tags = _tags(page)
    outputs = _outputs(nb)
    n_png = sum("image/png" in o.get("data", {}) for o in outputs)
    images = [a["src"] for tag, a in tags if tag == "img" and "_images/" in a.get("src", "")]
    assert len(images) == n_png, f"{n_png} stored plots, {len(images)} images on the page"
    n_audio = sum("".join(o.get("data", {}).get("text/html", "")).count("<audio") for o in outputs)
    assert sum(tag == "audio" for tag, _ in tags) == n_audio
    assert all(a.get("src", "").startswith("data:audio/") for tag, a in tags if tag == "source")
    n_views = sum(WIDGET_VIEW in o.get("data", {}) for o in outputs)
    assert html.count(f'type="{WIDGET_VIEW}"') == n_views
    if nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state"):
        assert f'type="{WIDGET_STATE}"' in html, "the saved widget state is not on the page"
        assert "vendor/html-manager/embed-amd.js" in html and "vendor/require.js" in html
    if any("$" in c.source for c in nb.cells if c.cell_type == "markdown"):
        assert 'class="math' in html and "vendor/mathjax/tex-chtml.js" in html
    assert 'class="course-links"' in html and f"slides/{stem}.slides.html" in html and "mybinder.org" in html


def test_search_index_knows_every_chapter(site):
    index = (BOOK / "searchindex.js").read_text(encoding="utf-8")
    for stem in STEMS:
        assert f"notebooks/{stem}" in index


def test_resources_page_closes_the_book_with_book_yml_items(site):
    html = (BOOK / "resources.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    resources = book.read_book()["resources"]
    assert resources["title"] in text
    for item in resources["items"]:
        assert re.sub(r"\W+", "", item)[:40] in re.sub(r"\W+", "", text)


def test_credits_page_credits_every_real_set_and_author(site):
    from course_lib import corpora

    import html

    text = html.unescape(re.sub(r"<[^>]+>", "", (BOOK / "credits.html").read_text(encoding="utf-8")))
    text = text.replace("\u2019", "'")  # Sphinx's smart quotes
    for c in corpora.CORPORA.values():
        assert c.title in text, c.title
    for author in ("nfrae", "soundscalpel.com", "kvgarlic", "Kristoffer Ekstrand", "Frank Wen", "Heather Barnett"):
        assert author in text, author


def test_slides_page_links_every_deck_and_binder(site):
    html = (BOOK / "slides.html").read_text(encoding="utf-8")
    for ch, stem in zip(PRESENT, STEMS):
        assert f'href="../slides/{stem}.slides.html"' in html
        assert book.binder_url(ch).replace("&", "&amp;") in html or book.binder_url(ch) in html


# --- the built slides ------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_deck_per_chapter_with_slides_and_speaker_notes(site, stem):
    deck = SLIDES / f"{stem}{book.SLIDES_SUFFIX}"
    assert deck.exists(), f"no deck for {stem}"
    nb = _notebook(stem)
    html = deck.read_text(encoding="utf-8")
    types = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert html.count("<section") >= types.count("slide")
    # the deck's copy (slides.slides_notebook) adds notes made from the same cells (long code, long prose)
    chapter = next(ch for ch in PRESENT if Path(ch.file).stem == stem)
    deck_types = [c.metadata.get("slideshow", {}).get("slide_type") for c in slides.slides_notebook(nb, chapter).cells]
    assert deck_types.count("notes") >= types.count("notes")
    assert html.count('<aside class="notes">') == deck_types.count("notes"), "speaker notes cells must become <aside class='notes'>"
    assert "vendor/reveal.js/dist/reveal.js" in html and "vendor/reveal.js/plugin/notes/notes.js" in html
    if nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state"):
        assert f'type="{WIDGET_STATE}"' in html and "vendor/html-manager/embed-amd.js" in html
    assert "MathJax.Hub.Config" not in html, "the deck must configure MathJax 3, not 2"


def test_slides_vendor_has_reveal_5_and_its_notes_plugin(site):
    import json

    version = json.loads((ROOT / "node_modules" / "reveal.js" / "package.json").read_text())["version"]
    assert version.startswith("5."), "nbconvert's template needs reveal.js 5 (6 moved its plugins)"
    for path in ("reveal.js/dist/reveal.js", "reveal.js/dist/theme/white.css", "reveal.js/plugin/notes/notes.js",
                 "mathjax/tex-chtml.js", "require.js", "jquery.min.js", "html-manager/embed-amd.js"):
        assert (SLIDES / "vendor" / path).exists(), path


# --- offline: nothing loads from outside -----------------------------------------------------------

def _site_pages():
    return sorted(BOOK.rglob("*.html")) + sorted(SLIDES.glob("*.html"))


def test_nothing_in_the_book_or_slides_loads_from_outside(site):
    pages = [p for p in _site_pages() if not {"vendor", "_static"} & set(p.relative_to(ROOT).parts)]
    assert len(pages) >= 2 * len(STEMS)
    outside, missing = [], []
    for page in pages:
        for tag, url in _loaded_urls(_tags(page)):
            if re.match(r"(https?:)?//", url, re.I):
                outside.append(f"{page.relative_to(ROOT)}: <{tag}> {url}")
            elif not url.startswith(("data:", "blob:", "#")):
                target = (page.parent / unquote(urlsplit(url).path)).resolve()
                if not target.exists():
                    missing.append(f"{page.relative_to(ROOT)}: <{tag}> {url}")
    assert not outside, "pages load from outside:\n" + "\n".join(outside[:20])
    assert not missing, "pages load local files that are not there:\n" + "\n".join(missing[:20])


def test_no_stylesheet_imports_from_outside(site):
    bad = []
    for css in list(BOOK.rglob("*.css")) + list(SLIDES.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        bad += [f"{css.relative_to(ROOT)}: {m}" for m in re.findall(r"(?:@import|url\()\s*['\"]?(?:https?:)?//[^)'\";]+", text)]
    assert not bad, "stylesheets that fetch from outside:\n" + "\n".join(bad[:20])


def test_every_chapter_has_a_page_a_deck_and_a_student_notebook(site, tmp_path):
    students = {p.stem for p in book.write_student_edition(tmp_path)}
    pages = {p.stem for p in (BOOK / "notebooks").glob("*.html")}
    decks = {p.name[: -len(book.SLIDES_SUFFIX)] for p in SLIDES.glob(f"*{book.SLIDES_SUFFIX}")}
    assert set(STEMS) == students == pages == decks


def test_the_book_builds_in_under_three_minutes(site):
    assert site["book"]["seconds"] < 180 and site["slides"]["seconds"] < 180


# --- widgets, RISE, make, Binder -------------------------------------------------------------------

@pytest.mark.slow
def test_execute_stores_widget_state(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(value=7, description='n')")]
    path = tmp_path / "widget.ipynb"
    nbformat.write(nb, path)
    book.execute_notebook(path)
    stored = nbformat.read(path, as_version=4)
    state = stored.metadata["widgets"][WIDGET_STATE]["state"]
    assert any(m["model_name"] == "IntSliderModel" and m["state"]["value"] == 7 for m in state.values())
    view = stored.cells[0].outputs[0]["data"][WIDGET_VIEW]
    assert view["model_id"] in state


def test_rise_is_installed_for_live_slides():
    from importlib.metadata import distribution

    dist = distribution("jupyterlab-rise")
    assert any("labextensions/jupyterlab-rise" in str(f) for f in dist.files or []), "RISE's JupyterLab extension is missing"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_book_and_slides_run_the_builders():
    out = subprocess.run(["make", "-n", "-o", ".venv/.installed", "book", "slides"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "-m course_lib.tools.book book" in out and "-m course_lib.tools.slides" in out
    assert "node_modules" in (ROOT / ".gitignore").read_text().split() or "node_modules/" in (ROOT / ".gitignore").read_text()


def _repo2docker():
    here = Path(sys.executable).parent / "repo2docker"
    return str(here) if here.exists() else shutil.which("repo2docker")


@pytest.mark.slow
@pytest.mark.skipif(_repo2docker() is None, reason="repo2docker is not installed (pip install -e '.[test]')")
def test_binder_configuration_uses_environment_yml_and_postbuild():
    postbuild = ROOT / "postBuild"
    assert postbuild.exists() and os.access(postbuild, os.X_OK), "postBuild must exist and be executable"
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), \
        "a binder/ folder would make repo2docker ignore the root environment.yml"
    run = subprocess.run([_repo2docker(), "--no-build", "--no-run", "--debug", str(ROOT)], capture_output=True,
                         text=True, timeout=120)
    dockerfile = run.stdout + run.stderr
    assert run.returncode == 0, dockerfile[-2000:]
    assert "environment.yml" in dockerfile and "env update" in dockerfile, "repo2docker does not use environment.yml"
    assert "./postBuild" in dockerfile, "repo2docker does not run postBuild"
