"""The deck's copy of a notebook (``slides.slides_notebook``): what a speaker shows, the rest in the notes.

Fast (no browser, no build): the transforms on small made-up notebooks, their contract on every
chapter (notes on every slide with a figure, a sound or a widget; notes made only of the notebook's
own text and code; no long code on a slide) and the fit rule of ``slides.slide_fit_problems``. The
browser measure of the built decks is ``tests/test_slide_fit.py``.
"""

import re
from pathlib import Path

import nbformat
import pytest

from course_lib.tools import book, slides, translate

ROOT = Path(__file__).resolve().parent.parent
PRESENT, _ = book.split_chapters()
def _chapter():
    return PRESENT[0]


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _md(text, slide_type="-", **deck):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if deck:
        cell.metadata["deck"] = deck
    return cell


def _code(source, slide_type="-", outputs=(), **deck):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    cell.outputs = list(outputs)
    if deck:
        cell.metadata["deck"] = deck
    return cell


PNG = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
TEXT = nbformat.v4.new_output("stream", name="stdout", text="0.781\n")
LONG_PROSE = ("The first sentence says what the slide shows. " + "More words that explain it at length. " * 12).strip()


def _types(nb):
    return [slides._slide_type(c) for c in nb.cells]


def _notes(nb):
    return [c.source for c in nb.cells if slides._slide_type(c) == "notes"]


def test_long_code_moves_to_the_notes_and_its_output_stays():
    source = "\n".join(f"x{i} = {i}" for i in range(slides.DECK_CODE_LINES + 3))
    nb = slides.slides_notebook(_nb(_md("# Title", "slide"), _code(source, outputs=[PNG])), _chapter())
    code = next(c for c in nb.cells if c.cell_type == "code")
    assert code.metadata["transient"] == {"remove_source": True} and code.outputs == [PNG] and code.source == source
    assert any(source in n for n in _notes(nb)), "the notes carry the cell's code, unchanged"


def test_short_code_stays_without_its_asserts_and_show_keeps_long_code():
    nb = slides.slides_notebook(_nb(_md("# T", "slide"),
                                  _code("y = 2 * 3\nprint(y)\n# the product\nassert y == 6", outputs=[TEXT])), _chapter())
    code = next(c for c in nb.cells if c.cell_type == "code")
    assert code.source == "y = 2 * 3\nprint(y)" and "transient" not in code.metadata
    only_checks = slides.slides_notebook(_nb(_md("# T", "slide"), _code("assert 1 == 1", outputs=[TEXT])), _chapter())
    assert next(c for c in only_checks.cells if c.cell_type == "code").metadata["transient"]["remove_source"]
    long = "\n".join(f"x{i} = {i}" for i in range(20))
    shown = slides.slides_notebook(_nb(_md("# T", "slide"), _code(long, code="show")), _chapter())
    assert next(c for c in shown.cells if c.cell_type == "code").source == long
    wide = "x = " + "1 + " * 40 + "1"
    hidden = slides.slides_notebook(_nb(_md("# T", "slide"), _code(wide, outputs=[TEXT])), _chapter())
    assert "transient" in next(c for c in hidden.cells if c.cell_type == "code").metadata


def test_long_prose_keeps_heading_lead_and_math_on_the_slide():
    text = "## 3 · A section\n\n" + LONG_PROSE + "\n\n$$X = W x$$\n\nA last paragraph, e.g. this one."
    nb = slides.slides_notebook(_nb(_md(text, "slide")), _chapter())
    assert nb.cells[0].source == "## 3 · A section\n\nThe first sentence says what the slide shows.\n\n$$X = W x$$"
    assert _notes(nb) == [text], "the whole cell, as written, is the speaker's text"
    short = "## Short\n\nA few words stay as they are."
    assert slides.slides_notebook(_nb(_md(short, "slide")), _chapter()).cells[0].source == short
    assert slides.slides_notebook(_nb(_md(text, "slide", prose="show")), _chapter()).cells[0].source == text
    assert slides.slides_notebook(_nb(_md(text, "slide", prose="notes")), _chapter()).cells[0].source == "## 3 · A section"


@pytest.mark.parametrize("paragraph, lead", [
    ("A short sentence here. Then more.", "A short sentence here."),
    ("Too short. Then the rest.", "Too short. Then the rest."),
    ("**Exercise 1.** Write a thing. Details.", "**Exercise 1.** Write a thing."),
    ("A ratio, e.g. 2 vs. 3, is fine. Next.", "A ratio, e.g. 2 vs. 3, is fine."),
    ("**Bold lead: with a colon.** Then text.", "**Bold lead: with a colon.**"),
    ("Math $x. y$ inside. Next.", "Math $x. y$ inside."),
    ("One sentence only", "One sentence only"),
])
def test_lead_sentence(paragraph, lead):
    assert slides._lead(paragraph) == lead


def test_a_long_list_goes_on_over_continuation_subslides_with_the_notes_on_the_first():
    items = "\n".join(f"- item {i}: " + "words " * 30 for i in range(12))
    nb = slides.slides_notebook(_nb(_md("# T", "slide"), _md("## Summary\n\n" + LONG_PROSE + "\n\n" + items, "slide")),
                              _chapter())
    kinds = _types(nb)
    assert kinds.count("subslide") >= 2
    summary = kinds.index("slide", 1)
    assert kinds[summary + 1] == "notes", "the notes stay with the list's first part"
    parts = [c.source for c in nb.cells if c.cell_type == "markdown" and slides._slide_type(c) != "notes"][1:]
    assert all(p.startswith("## Summary") for p in parts)
    assert sum(p.count("- item") for p in parts) == 12


def test_exercises_become_one_slide_naming_them():
    cells = [_md("# T", "slide"), _md("## Exercises", "slide"),
             _md("**Exercise 1.** Write a thing. " + "Details. " * 30, "subslide"),
             _code("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
             _code("assert f() == 1", outputs=[TEXT]),
             _md("**Exercise 2.** Measure another thing. And more.", "subslide"),
             _md("## References\n\n- A paper.", "slide")]
    nb = slides.slides_notebook(_nb(*cells), _chapter())
    shown = [(slides._slide_type(c), c.cell_type, c.source) for c in nb.cells if slides._slide_type(c) not in ("notes", "skip")]
    assert shown == [("slide", "markdown", "# T"), ("slide", "markdown", "## Exercises"),
                     ("-", "markdown", "**Exercise 1.** Write a thing."),
                     ("-", "markdown", "**Exercise 2.** Measure another thing."),
                     ("slide", "markdown", "## References\n\n- A paper.")]


def test_every_slide_with_a_figure_or_widget_gets_notes():
    widget = nbformat.v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                                          "text/plain": "w"})
    nb = slides.slides_notebook(_nb(_md("# T\n\nWhat the figure shows.", "slide"), _code("plot()", outputs=[PNG]),
                                  _code("explore()", "subslide", outputs=[widget])), _chapter())
    notes = _notes(nb)
    assert notes[0] == "# T\n\nWhat the figure shows.", "the nearest explanation is the speaker's text"
    assert slides.DECK_WIDGET_NOTE in notes


def test_sections_carry_their_cell_and_exceptions():
    first, second = _md("# T", "slide"), _md("## Big", "slide", overflow_ok="a full-width table")
    first.id, second.id = "c1", "c2"
    nb = slides.slides_notebook(_nb(first, second), _chapter())
    assert nb.cells[0].metadata["slideshow"]["data"] == {"cell": "c1"}
    assert nb.cells[1].metadata["slideshow"]["data"] == {"cell": "c2", "overflow_ok": "a full-width table"}


def test_slides_notebook_leaves_the_notebook_alone():
    nb = _nb(_md("# T\n\n" + LONG_PROSE, "slide"), _code("\n".join(["x = 1"] * 20), outputs=[PNG]))
    before = nbformat.writes(nb)
    slides.slides_notebook(nb, _chapter())
    assert nbformat.writes(nb) == before


def _fit(*slides):
    keys = ("height", "width", "figure", "overflow_ok", "figure_text")
    return {"slides": [dict(zip(keys, s), h=i, v=0, cell=f"c{i}", title="t") for i, s in enumerate(slides)]}


def test_fit_rule_counts_and_limits_the_exceptions():
    ok = [(0.8, 1.0, 1.0, None)] * 40
    assert slides.slide_fit_problems(_fit(*ok)) == []
    assert len(slides.slide_fit_problems(_fit(*ok, (1.05, 1.0, 1.0, None)))) == 1, "over the slide, not marked"
    assert slides.slide_fit_problems(_fit(*ok, (1.05, 1.0, 1.0, "why"))) == [], "marked, 5 % over"
    assert len(slides.slide_fit_problems(_fit(*ok, (1.2, 1.0, 1.0, "why")))) == 1, "marked but 20 % over"
    assert len(slides.slide_fit_problems(_fit(*ok, (0.5, 1.0, 0.5, None)))) == 1, "a figure shrunk to half"
    # a figure's smallest text as shown (its PNG's record times its scale): readable, too small, no record
    assert slides.slide_fit_problems(_fit(*ok, (0.8, 1.0, 0.95, None, 15.4))) == []
    assert any("12.0 px" in p for p in slides.slide_fit_problems(_fit(*ok, (0.8, 1.0, 1.0, None, 12.0))))
    assert any("without the record" in p for p in slides.slide_fit_problems(_fit(*ok, (0.8, 1.0, 1.0, None, -1))))
    marked = [(1.05, 1.0, 1.0, "why")] * 3
    assert any("marked" in p for p in slides.slide_fit_problems(_fit(*ok, *marked))), "3 of 43 > 5 %"


# --- the contract on every chapter -----------------------------------------------------------------

@pytest.fixture(scope="module", params=PRESENT, ids=lambda ch: Path(ch.file).stem)
def deck(request):
    nb = nbformat.read(ROOT / request.param.file, as_version=4)
    return nb, slides.slides_notebook(nb, request.param)


def _numbers(text):
    return set(re.findall(r"\d+(?:[.,]\d+)*", text))


def test_chapter_notes_are_the_notebooks_own_words(deck):
    nb, deck_nb = deck
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for cell in deck_nb.cells:
        if not cell.metadata.get("deck", {}).get("generated"):
            continue
        text = cell.source
        if text.startswith(slides.DECK_CODE_LABEL):
            assert text.split("```python\n", 1)[1].rsplit("\n```", 1)[0] in code
        elif text != slides.DECK_WIDGET_NOTE:
            assert text in markdown, f"notes not taken from the notebook: {text[:80]!r}"


def test_chapter_slides_show_short_code_and_have_notes_where_they_show_media(deck):
    nb, deck_nb = deck
    for cell in deck_nb.cells:
        if cell.cell_type == "code" and slides._slide_type(cell) != "skip" and not cell.metadata.get("transient"):
            lines = cell.source.split("\n")
            if cell.metadata.get("deck", {}).get("code") != "show":
                assert len(lines) <= slides.DECK_CODE_LINES and max(map(len, lines)) <= slides.DECK_CODE_COLUMNS
    for group in slides._sections(deck_nb.cells):
        cells = [deck_nb.cells[i] for i in group]
        media = any(c.cell_type == "code" and any(slides._has_media(c).values()) for c in cells)
        if media:
            assert any(slides._slide_type(c) == "notes" for c in cells), f"no notes on the slide of {cells[0].get('id')}"
    assert slides._slide_type(deck_nb.cells[0]) in ("slide", "-") and deck_nb.cells[0].source.startswith("# ")


def test_markdown_blocks_follow_commonmark_where_it_matters():
    blocks = slides._md_blocks("## H\n\nText by Griffin and Lim (\n1984) goes on.\n- a bullet\n- another\n\n$$x$$\n\n| a |\n|---|")
    assert [k for k, _ in blocks] == ["heading", "para", "list", "math", "table"]
    assert blocks[1][1] == "Text by Griffin and Lim (\n1984) goes on."


def test_long_list_items_keep_their_lead_sentence():
    items = ("1. **Training has nearly settled.** " + "The loss falls slowly over the last epochs. " * 5 + "\n"
             "2. **Short item.** Stays whole.")
    nb = slides.slides_notebook(_nb(_md("### Limits\n\n" + LONG_PROSE + "\n\n" + items, "slide")), _chapter())
    assert nb.cells[0].source.endswith("1. **Training has nearly settled.**\n2. **Short item.** Stays whole.")


def test_another_language_gets_its_own_words_and_its_exercises_found_by_their_solutions():
    nb = _nb(_md("# T", "slide"), _md("## Resumen\n\n- uno", "slide"), _md("## Ejercicios", "slide"),
             _md("**Ejercicio 1.** Escriba una función. Más detalles.", "subslide"),
             _code("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
             _code("\n".join(f"x{i} = {i}" for i in range(20)), outputs=[TEXT]))
    nb.metadata["language"] = "es"
    deck_nb = slides.slides_notebook(nb, _chapter())
    assert [slides._slide_type(c) for c in deck_nb.cells][3:] == ["-", "notes", "skip", "skip"]
    renamed = _nb(*[c for c in nb.cells])
    renamed.cells[2] = _md("## Práctica", "slide")  # no known word: found before the first solution
    assert slides._exercises_start(renamed.cells) == 2
    shown = _nb(_md("# T", "slide"), _code("\n".join(f"x{i} = {i}" for i in range(20)), outputs=[PNG]))
    shown.metadata["language"] = "es"
    spanish = translate.translator("es")(slides.DECK_CODE_LABEL)
    assert spanish != slides.DECK_CODE_LABEL and spanish.startswith("Código")
    assert any(n.startswith(spanish) for n in _notes(slides.slides_notebook(shown, _chapter())))
