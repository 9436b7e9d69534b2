"""The slides: each chapter as a reveal.js deck an instructor presents, and the measure that every slide fits.

``make slides`` (``python -m course_lib.tools.slides``) writes one deck per chapter and
language from the stored notebooks, through nbconvert's slides exporter and the course's template
(``book/templates/course_reveal``). What a deck shows is made here, from the same cells as the
book, so slide, notes and book cannot drift (:func:`slides_notebook`): long code shows its output on
the slide and its code in the speaker notes; long prose keeps its heading and lead sentence on the
slide and goes whole into the notes; long lists and tall slides continue on subslides; exercises
become one slide naming them; every slide with a figure, a sound, a widget or a result gets the
notebook's own explanation as notes. ``slides --measure`` measures every slide in headless
Chromium at 1280×720, and the smallest text of every figure as the slide shows it (each figure's
PNG records its own, :mod:`course_lib.teaching.figures`) (:func:`measure_slides`; ``tests/test_slide_fit.py`` fails on any slide that
does not fit, beyond the exceptions marked in a cell's ``deck`` metadata).
"""

from __future__ import annotations

import json
import os
import re
import argparse
import shutil
import sys
import time
from pathlib import Path

from ..teaching.figures import TEXT_RECORD, text_record
from .translate import translator
from .chapters import translatable as _t
from .book import BEGIN, EDITIONS, MATHJAX_SCRIPT, SLIDES_SUFFIX, Chapter, copy_vendor, repo_root, split_chapters

__all__ = ["SLIDE_WIDTH", "SLIDE_HEIGHT", "SLIDE_EDITIONS", "slides_notebook", "build_slides", "headless_chromium",
           "measure_deck", "measure_slides", "slide_fit_problems", "slide_fit_table", "main"]

#: The deck's own slide size (reveal.js units) and the screen an instructor presents on.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
#: Deck folders under the repository root, one per published language (``course_lib.tools.book.EDITIONS``);
#: the measuring command and the browser test cover each folder.
SLIDE_EDITIONS = {lang: ed["slides"] for lang, ed in EDITIONS.items()}
#: What the decks must meet (issue 24): no slide taller or wider than the slide, except marked
#: exceptions (cell metadata ``deck.overflow_ok``: why), at most 5 % of a deck's slides and each at
#: most 10 % over; English aims at 85 % of the height (the Spanish text runs 15-25 % longer).
FIT_LIMIT, EXCEPTION_LIMIT, EXCEPTION_SHARE, FIT_TARGET = 1.0, 1.10, 0.05, 0.85
#: A slide shrinks its figures to the height its text and code leave (CSS); a figure shown at less
#: than this fraction of its stored size does not count as fitting (its labels become unreadable).
FIGURE_MIN = 0.75
#: The smallest figure text a slide may show (px at 1280×720): the deck's printed output (15 px). A
#: figure's PNG records its smallest text (``course_lib.teaching.figures``); the measure multiplies
#: it by the scale the slide shows the figure at.
FIGURE_TEXT_MIN = 15.0


# --- The deck's copy of a notebook: what a speaker shows, the rest in the speaker notes -------------

#: A code cell longer than this (lines) or wider (characters) shows only its output on the slide;
#: its code goes into the slide's speaker notes (``deck.code: "show"`` keeps it on the slide).
DECK_CODE_LINES, DECK_CODE_COLUMNS = 8, 100
#: A markdown cell with more words than this (headings and display math not counted) keeps on the
#: slide its headings, the lead sentence of its first paragraph, display math, tables, images and
#: lists; the whole cell goes into the speaker notes (``deck.prose``: "show" keeps it all, "lead"
#: trims it whatever its length, "notes" leaves only the headings).
DECK_PROSE_WORDS = 40
#: In a trimmed markdown cell, a list item longer than this (words) keeps only its lead sentence.
DECK_ITEM_WORDS = 30
#: A printed output longer than this (lines) flows in columns where its lines are short, and gets a
#: smaller font where it is still too long or wider than this (characters); see ``_text_output_layout``.
DECK_OUTPUT_LINES, DECK_OUTPUT_COLUMNS = 16, 125
#: A list kept on a slide is split over continuation subslides at about this many lines of text
#: (``DECK_LINE_CHARS`` characters a line at the deck's body font).
DECK_LIST_LINES, DECK_LINE_CHARS = 11, 105
#: The few words the deck writes itself: the label of code moved into the notes, and the note on a
#: widget, which shows its stored view. Marked with ``_t`` like the book's own words, they are
#: translated from the book's catalog (``locale/LANG/LC_MESSAGES/book.po``) for the notebook's
#: ``metadata.language`` (set by ``course_lib.tools.translate``; English without it).
DECK_CODE_LABEL = _t("Code (in the book and the notebook):")
DECK_WIDGET_NOTE = _t("*(Widget: the deck shows its stored view; its controls need a running notebook: "
                      "Jupyter, Binder or Colab.)*")
_EXERCISES = re.compile(r"^#{1,6}\s+(?:\d+\s*·\s*)?(?:Exercises?|Ejercicios?)\b", re.I | re.M)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_LEAD_WORDS = 4  # a lead shorter than this ("**Exercise 1.**") goes on to the next sentence's end
_ABBREVIATIONS = ("e.g", "i.e", "vs", "cf", "etc", "approx", "Eq", "Fig", "al", "Dr", "resp", "p. ej", "aprox", "Ec")


def _exercises_start(cells) -> int | None:
    """Index of the markdown cell that opens the exercises: the heading "Exercises" (in English or
    Spanish), else the last slide-level heading before the first ``### BEGIN SOLUTION``."""
    shown = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and _slide_type(c) not in ("skip", "notes")]
    for i in shown:
        if _EXERCISES.search(cells[i].source):
            return i
    first = next((i for i, c in enumerate(cells) if c.cell_type == "code" and BEGIN in c.source), None)
    if first is None:
        return None
    return next((i for i in reversed(shown) if i < first and re.match(r"#{1,6}\s", cells[i].source)
                 and _slide_type(cells[i]) == "slide"), None)


def _deck_options(cell) -> dict:
    """The cell's ``deck`` metadata (documented in :func:`slides_notebook`)."""
    return dict(cell.metadata.get("deck", {}))


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-"


def _md_blocks(text: str) -> list[tuple[str, str]]:
    """Markdown as ``(kind, text)`` blocks: heading, math, code, table, list, html, para."""
    lines, blocks, i = text.split("\n"), [], 0
    while i < len(lines):
        s = lines[i].strip()
        if not s:
            i += 1
            continue
        start = i
        if re.match(r"#{1,6}\s", s):
            kind, i = "heading", i + 1
        elif s.startswith("$$") or s.startswith(r"\begin"):
            kind = "math"
            closed = (s.startswith("$$") and s.count("$$") >= 2) or (s.startswith(r"\begin") and r"\end" in s)
            i += 1
            while not closed and i < len(lines):
                closed = "$$" in lines[i] or r"\end" in lines[i]
                i += 1
        elif s.startswith(("```", "~~~")):
            kind, fence, i = "code", s[:3], i + 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                i += 1
            i += 1
        else:
            kind = ("table" if s.startswith("|") else "list" if _LIST_ITEM.match(lines[i])
                    else "html" if s.startswith("<") or s.startswith("![") else "para")
            i += 1
            while i < len(lines):
                nxt = lines[i]
                if not nxt.strip():
                    # a list goes on over a blank line when the next line is an item or indented
                    j = i
                    while j < len(lines) and not lines[j].strip():
                        j += 1
                    if kind == "list" and j < len(lines) and (_LIST_ITEM.match(lines[j]) or lines[j].startswith("  ")):
                        i = j
                        continue
                    break
                # (in a paragraph, "1984) said" goes on: only a bullet or "1." starts a list)
                if kind == "para" and (re.match(r"#{1,6}\s", nxt.strip()) or nxt.strip().startswith("$$")
                                       or re.match(r"\s*(?:[-*+]|1[.)])\s", nxt)):
                    break
                if kind != "list" and _LIST_ITEM.match(nxt) and kind != "para":
                    break
                i += 1
        blocks.append((kind, "\n".join(lines[start:i]).strip("\n")))
    return blocks


def _mask(text: str) -> str:
    """``text`` with inline math and code spans blanked (same length), so punctuation inside is ignored."""
    return re.sub(r"\$[^$]+\$|`[^`]+`|\([^()]*\)", lambda m: "x" * len(m.group()), text)


def _lead(paragraph: str) -> str:
    """The first sentence of a markdown paragraph (the whole paragraph if it is one sentence)."""
    masked = _mask(paragraph)
    for m in re.finditer(r"[.!?](\*\*|\*)?(?=\s|$)", masked):
        before = masked[:m.start()]
        if (any(before.endswith(a) for a in _ABBREVIATIONS) or re.search(r"\b[A-Z]$", before)
                or paragraph[:m.end()].count("**") % 2 or len(paragraph[:m.end()].split()) < _LEAD_WORDS):
            continue
        return paragraph[:m.end()].strip()
    return paragraph.strip()


def _words(text: str) -> int:
    return len(re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S).split())


def _text_lines(text: str) -> int:
    """Estimated lines of ``text`` on a slide at :data:`DECK_LINE_CHARS` characters a line."""
    plain = re.sub(r"\*\*|`|\$|\\[a-z]+|\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return sum(max(1, -(-len(line) // DECK_LINE_CHARS)) for line in _join_wrapped(plain))


def _join_wrapped(text: str) -> list[str]:
    """Source lines joined into the lines a browser lays out (a list item or paragraph = one line)."""
    out = []
    for line in text.split("\n"):
        if out and line.strip() and not _LIST_ITEM.match(line) and out[-1].strip():
            out[-1] += " " + line.strip()
        elif line.strip():
            out.append(line)
    return out


def _list_chunks(block: str, max_lines: int) -> list[str]:
    """A markdown list cut between items into parts of at most ``max_lines`` estimated lines."""
    parts, current, size = [], [], 0
    for item in _list_items(block):
        n = _text_lines(item)
        if current and size + n > max_lines:
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(item)
        size += n
    parts.append("\n".join(current))
    return parts


def _list_items(block: str) -> list[str]:
    """The items of a markdown list block, each with its continuation lines (nested lists stay inside)."""
    items = []
    for line in block.split("\n"):
        if _LIST_ITEM.match(line) and not line.startswith(" ") or not items:
            items.append(line)
        else:
            items[-1] += "\n" + line
    return items


def _trim_list(block: str) -> str:
    """A list on a slide: an item longer than :data:`DECK_ITEM_WORDS` words keeps its lead sentence."""
    out = []
    for item in _list_items(block):
        if _words(item) > DECK_ITEM_WORDS:
            marker = _LIST_ITEM.match(item).group()
            body = " ".join(line.strip() for line in item[len(marker):].split("\n"))
            item = marker + _lead(body)
        out.append(item)
    return "\n".join(out)


def _trim_markdown(source: str, mode: str) -> str:
    """What a slide shows of a markdown cell: see :data:`DECK_PROSE_WORDS`."""
    blocks = _md_blocks(source)
    prose = sum(_words(t) for k, t in blocks if k not in ("heading", "math", "code", "html", "table"))
    if mode == "show" or (mode == "auto" and prose <= DECK_PROSE_WORDS):
        return source
    kept, lead_done = [], False
    for kind, text in blocks:
        if kind == "list" and mode in ("auto", "lead"):
            kept.append(_trim_list(text))
        elif kind == "heading" or (mode in ("auto", "lead") and kind in ("math", "table", "html")):
            kept.append(text)
        elif kind == "para" and mode != "notes" and not lead_done:
            kept.append(_lead(text))
        if kind == "para":
            lead_done = True
    return "\n\n".join(kept)


def _notes_cell(text: str, after):
    """A speaker-notes cell holding ``text``, with an id made from the cell it follows and the text (a
    deck built twice from the same notebook is the same file)."""
    import hashlib

    import nbformat

    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = f"{after.get('id', 'cell')}-notes-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"
    cell.metadata["slideshow"] = {"slide_type": "notes"}
    cell.metadata["deck"] = {"generated": True}
    return cell


def _has_media(cell) -> dict:
    """What a code cell's stored outputs put on a slide: figure, audio, widget, text."""
    found = {"figure": False, "audio": False, "widget": False, "text": False}
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        html = "".join(data.get("text/html", ""))
        found["figure"] |= any(k.startswith("image/") for k in data)
        found["audio"] |= "<audio" in html
        found["widget"] |= "application/vnd.jupyter.widget-view+json" in data
        found["text"] |= out.get("output_type") == "stream" or (bool(data) and not (set(data) - {"text/plain"}))
    return found


def _without_asserts(source: str) -> str:
    """``source`` without its top-level ``assert`` statements (and the comment lines just above each).

    The asserts are the notebook's checks, for the book and the tests; the deck shows the code that
    makes the result. Returns ``source`` unchanged if it does not parse.
    """
    import ast

    try:
        body = ast.parse(source).body
    except SyntaxError:
        return source
    lines = source.split("\n")
    drop = set()
    for node in body:
        if isinstance(node, ast.Assert):
            first = node.lineno - 1
            while first > 0 and lines[first - 1].lstrip().startswith("#"):
                first -= 1
            drop.update(range(first, node.end_lineno))
    kept = [line for i, line in enumerate(lines) if i not in drop]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def _players_layout(cell) -> str | None:
    """``deck-players`` for a code cell with three or more sound players, each after a one-line label
    (if any): they flow in rows instead of one under the other."""
    outputs = cell.get("outputs", [])
    audio = ["<audio" in "".join(o.get("data", {}).get("text/html", "")) for o in outputs]
    if sum(audio) < 3:
        return None
    labels = ["".join(o.get("text", "")).strip() for o in outputs[audio.index(True):] if o.get("output_type") == "stream"]
    return "deck-players" if all("\n" not in t and len(t) <= 40 for t in labels) else None


def _text_output_layout(cell) -> str | None:
    """The CSS class (a ``deck-`` cell tag) that lays out a code cell's long printed output on a slide.

    Many short lines flow in 2 or 3 columns (``deck-cols2``, ``deck-cols3``); still many or very
    wide lines get a smaller font (``deck-small``; with columns, ``deck-cols2-small``...). None for
    an output that fits as printed.
    """
    text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    text += "".join("".join(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", [])
                    if o.get("output_type") in ("execute_result", "display_data") and set(o.get("data", {})) == {"text/plain"})
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    if len(lines) <= DECK_OUTPUT_LINES and max(map(len, lines), default=0) <= DECK_OUTPUT_COLUMNS:
        return None
    widest = max(map(len, lines))
    columns = 3 if widest <= 40 else 2 if widest <= 62 else 1
    columns = min(columns, -(-len(lines) // DECK_OUTPUT_LINES))
    small = -(-len(lines) // columns) > DECK_OUTPUT_LINES or widest > DECK_OUTPUT_COLUMNS
    name = (f"deck-cols{columns}" if columns > 1 else "deck") + ("-small" if small else "")
    return None if name == "deck" else name


def _code_for_notes(source: str, tr=None) -> str:
    return (tr or (lambda text: text))(DECK_CODE_LABEL) + "\n\n```python\n" + source.rstrip() + "\n```"


def slides_notebook(nb, chapter: Chapter):
    """The deck's copy of a chapter notebook: what a speaker shows on each slide, the rest in the notes.

    The stored notebook is the source of both the book (everything) and the deck; the deck's copy
    is made from the same cells at build time, so slide and book cannot drift:

    - **code**: a cell longer than :data:`DECK_CODE_LINES` lines or wider than
      :data:`DECK_CODE_COLUMNS` characters shows only its outputs; its code goes into the
      slide's speaker notes. A cell with a solution (``### BEGIN SOLUTION``) or in the
      exercises section is left out.
    - **prose**: a markdown cell longer than :data:`DECK_PROSE_WORDS` words keeps its headings,
      the lead sentence of its first paragraph, display math, tables, images and lists on the
      slide, and goes whole into the notes (what to say, already asserted by the notebook).
      Lists longer than :data:`DECK_LIST_LINES` lines go on over continuation subslides.
    - **exercises**: the section whose heading says "Exercises" becomes one slide naming each
      exercise (its lead sentence); the full text goes into the notes.
    - **notes everywhere**: a slide that shows a figure, a sound, a widget or a printed result
      and got no notes gets the notebook's nearest explanatory markdown as notes (and, for a
      widget, a line saying that the deck shows its stored view).

    Per-cell metadata ``deck`` (a dict) overrides the automation where a speaker needs it:
    ``code``: ``"show"`` or ``"notes"``; ``prose``: ``"show"``, ``"lead"`` or ``"notes"``;
    ``overflow_ok``: a reason: a deliberate exception to the fit rule (at most 5 % of a deck's
    slides, each at most 10 % taller or wider than the slide; the browser test counts them).
    Splitting and fragments use the notebook's own ``slideshow.slide_type``.

    Each slide's first cell gets ``slideshow.data`` ``cell`` (its id) and, where any of its cells is
    marked, ``overflow-ok``: the rendered ``<section>`` carries them as ``data-`` attributes, so the
    measure (:func:`measure_deck`) names the cell and knows the exception.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The chapter's notebook (not modified).
    chapter : Chapter
        Its entry in ``book.yml``.

    Returns
    -------
    nbformat.NotebookNode
        A new notebook, titled ``NN · title`` for the browser tab.

    Notebook: (tooling, ``make slides``)
    """
    import copy

    nb = copy.deepcopy(nb)
    nb.metadata["title"] = f"{chapter.number} · {chapter.title}"
    tr = translator(nb.metadata.get("language", "en"))
    start = _exercises_start(nb.cells)
    cells, in_exercises, exercise_level, full_text = [], False, 0, {}
    for index, cell in enumerate(nb.cells):
        kind, options = _slide_type(cell), _deck_options(cell)
        if cell.cell_type == "markdown" and kind not in ("skip", "notes"):
            heading = re.match(r"^(#{1,6})\s", cell.source)
            if index == start:
                level = re.search(r"^(#{1,6})\s", cell.source, re.M)
                in_exercises, exercise_level = True, len(level.group(1)) if level else 2
            elif in_exercises and heading and len(heading.group(1)) <= exercise_level:
                in_exercises = False
        if kind in ("skip", "notes"):
            cells.append(cell)
            continue
        if cell.cell_type == "code" and (in_exercises or BEGIN in cell.source):
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "skip"
            cells.append(cell)
            continue
        notes = []
        if cell.cell_type == "markdown":
            full = cell.source
            if in_exercises and index != start:
                mode = options.get("prose", "name")
                if kind in ("slide", "subslide"):  # every exercise on the one "Exercises" slide
                    cell.metadata["slideshow"]["slide_type"] = "-"
            else:
                mode = options.get("prose", "auto")
            full_text[id(cell)] = full
            shown = _trim_markdown(full, mode)
            if shown != full:
                notes.append(full)
            cell.source = shown
        elif cell.cell_type == "code":
            shown = _without_asserts(cell.source) if options.get("code") != "show" else cell.source
            lines = shown.rstrip().split("\n")
            long = not shown.strip() or len(lines) > DECK_CODE_LINES or max(map(len, lines)) > DECK_CODE_COLUMNS
            if options.get("code", "notes" if long else "show") == "notes":
                cell.metadata["transient"] = {"remove_source": True}
                notes.append(_code_for_notes(cell.source, tr))
            elif shown != cell.source:
                cell.source = shown
            for layout in (_text_output_layout(cell), _players_layout(cell)):
                if layout:
                    cell.metadata["tags"] = [*cell.metadata.get("tags", []), layout]
        cells.append(cell)
        cells.extend(_notes_cell(n, cell) for n in notes)
    cells = _auto_split(_split_long_lists(cells))
    nb.cells = _notes_on_every_media_slide(cells, full_text, tr(DECK_WIDGET_NOTE))
    _tag_sections(nb.cells)
    return nb


def _split_long_lists(cells) -> list:
    """A kept list longer than :data:`DECK_LIST_LINES` goes on over continuation subslides (same heading).

    The cell's notes stay on its first part; the continuations follow them.
    """
    import copy

    out, i = [], 0
    while i < len(cells):
        cell = cells[i]
        i += 1
        blocks = _md_blocks(cell.source) if cell.cell_type == "markdown" and _slide_type(cell) not in ("skip", "notes") else []
        if not any(k == "list" and _text_lines(t) > DECK_LIST_LINES for k, t in blocks):
            out.append(cell)
            continue
        heading = next((t for k, t in blocks if k == "heading"), None)
        parts, current, size = [], [], 0
        for kind, text in blocks:
            for chunk in (_list_chunks(text, DECK_LIST_LINES) if kind == "list" else [text]):
                n = 2 if kind == "heading" else _text_lines(chunk)
                if current and size + n > DECK_LIST_LINES + 2:
                    parts.append(current)
                    current, size = [], 0
                current.append(chunk)
                size += n
        parts.append(current)
        cell.source = "\n\n".join(parts[0])
        out.append(cell)
        while i < len(cells) and cells[i].metadata.get("deck", {}).get("generated"):
            out.append(cells[i])
            i += 1
        for part in parts[1:]:
            piece = copy.deepcopy(cell)
            prefix = [heading.rstrip() + " (…)"] if heading else []
            piece.source = "\n\n".join(prefix + part)
            piece.metadata["slideshow"] = {"slide_type": "subslide"}
            piece.metadata["deck"] = {**piece.metadata.get("deck", {}), "continued": True}
            piece.id = f"{cell.get('id', 'cell')}-{len(out)}"
            out.append(piece)
    return out


#: The automatic split: a slide whose estimated content passes this height (px, at the deck's fonts)
#: goes on over a new subslide at the next markdown cell or figure, sound or widget.
DECK_SPLIT_HEIGHT = 0.85 * SLIDE_HEIGHT
#: A figure under text only shrinks to fit; if even shrunk (as far as its text allows) the slide would
#: pass this height, the figure starts a subslide.
DECK_FIGURE_SPLIT_HEIGHT = 0.95 * SLIDE_HEIGHT
#: A markdown cell that closes its slide and is shorter than this (px) is never split off on its own.
DECK_SHORT_CLOSE = 100


def _png_size(data: str) -> tuple[int, int]:
    """(width, height) in pixels of a base64 PNG (its IHDR chunk), (0, 0) if it is not one."""
    import base64
    import struct

    try:
        head = base64.b64decode("".join(data)[:44])
    except ValueError:
        return 0, 0
    return struct.unpack(">II", head[16:24]) if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) >= 24 else (0, 0)


def _min_figure_scale(data: str) -> float:
    """How far a slide may shrink a stored figure: :data:`FIGURE_MIN`, or more while its text stays readable."""
    try:
        text = text_record(data)
    except ValueError:
        return 1.0
    return min(1.0, max(FIGURE_MIN, FIGURE_TEXT_MIN / text if text else 1.0))


def _estimate_height(cell) -> float:
    """A rough height (px) of what a cell puts on a slide, at the deck's fonts (the browser measures the truth)."""
    kind = _slide_type(cell)
    if kind in ("skip", "notes"):
        return 0.0
    if cell.cell_type == "markdown":
        height = 0.0
        for block, text in _md_blocks(cell.source):
            if block == "heading":
                height += {1: 60, 2: 50, 3: 44}.get(len(text) - len(text.lstrip("#")), 38)
            elif block == "math":  # a sum, a fraction or an integral with limits is about two lines high
                tall = re.search(r"\\(?:sum|frac|dfrac|int|prod|begin|underbrace|overbrace)", text)
                height += (75 if tall else 42) + 32 * text.count("\\\\")
            elif block == "table":
                height += 32 * text.count("\n")
            elif block == "html":
                height += 120
            else:
                height += 29 * _text_lines(text) + 8
        return height
    height = 0.0 if cell.metadata.get("transient", {}).get("remove_source") else 21 * (cell.source.count("\n") + 1) + 12
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/png" in data:
            w, h = _png_size(data["image/png"])
            # a figure may shrink to fit, as far as FIGURE_MIN and its smallest text allow; count it
            # at a little more than that
            height += min(1.0, _min_figure_scale(data["image/png"]) + 0.1) * h * min(1.0, (SLIDE_WIDTH - 32) / w) + 8 \
                if w else 300
        elif "application/vnd.jupyter.widget-view+json" in data:
            height += 250
        elif "text/html" in data:
            html = "".join(data["text/html"])
            height += 56 if "<audio" in html else 30 * max(1, html.count("<tr")) + 16
        else:
            text = out.get("text", "") or "".join(data.get("text/plain", ""))
            lines = sum(max(1, -(-len(line) // 130)) for line in "".join(text).rstrip("\n").split("\n"))
            height += 19 * lines + 8
    if "deck-players" in cell.metadata.get("tags", []):  # two or three players (and their labels) a row
        height -= sum(56 + 27 for o in cell.get("outputs", []) if "<audio" in "".join(o.get("data", {}).get("text/html", ""))) * 0.6
    layout = next((t for t in cell.metadata.get("tags", []) if t.startswith("deck-") and t != "deck-players"), "")
    if layout:  # the printed part, laid out in columns and/or smaller (see _text_output_layout)
        printed = sum(19 * len("".join(o.get("text", "")).rstrip("\n").split("\n")) for o in cell.get("outputs", [])
                      if o.get("output_type") == "stream")
        columns = int(layout[9]) if layout.startswith("deck-cols") else 1
        height -= printed * (1 - (0.8 if layout.endswith("small") else 1) / columns)
    return height


def _auto_split(cells) -> list:
    """Start a subslide where a slide's estimated content passes :data:`DECK_SPLIT_HEIGHT`.

    Only at a natural break: a markdown cell, or a code cell that shows an output (a figure, a
    sound, a widget, a printed result); not before a figure on a slide that holds only text so far
    (the figure shrinks to fit instead, down to :data:`FIGURE_MIN` and while its text stays at
    :data:`FIGURE_TEXT_MIN`) unless even so it would pass :data:`DECK_FIGURE_SPLIT_HEIGHT`, nor before a short markdown
    cell that closes the slide (:data:`DECK_SHORT_CLOSE`). The new subslide repeats the last heading,
    with "(…)". ``deck.split: false`` on a cell keeps it where it is. Returns the new cell list.
    """
    import nbformat

    out, height, first, has_output, heading = [], 0.0, True, False, None
    visible = [i for i, c in enumerate(cells) if _slide_type(c) not in ("skip", "notes")]
    last_of_slide = {i for i, j in zip(visible, visible[1:] + [None])
                     if j is None or _slide_type(cells[j]) in ("slide", "subslide")}
    for index, cell in enumerate(cells):
        kind = _slide_type(cell)
        if kind in ("skip", "notes"):
            out.append(cell)
            continue
        if kind in ("slide", "subslide") or first:
            height, first, has_output = 0.0, False, False
        h = _estimate_height(cell)
        media = cell.cell_type == "code" and any(_has_media(cell).values())
        shrinks = media and _has_media(cell)["figure"]  # a figure can shrink to fit under text
        # a short closing remark stays: the figures above it shrink to make room
        closing = (cell.cell_type == "markdown" and index in last_of_slide and h < DECK_SHORT_CLOSE
                   and height + h <= 0.95 * SLIDE_HEIGHT)
        # under text only, a figure shrinks to fit, as far as its text stays readable (the estimate
        # counts it at that scale): past the slide even so, it goes on to a subslide
        too_tall = height + h > DECK_FIGURE_SPLIT_HEIGHT
        if (height and not closing and (has_output or not shrinks or too_tall) and height + h > DECK_SPLIT_HEIGHT
                and (cell.cell_type == "markdown" or media)
                and cell.metadata.get("deck", {}).get("split", True)):
            if heading and not (cell.cell_type == "markdown" and cell.source.lstrip().startswith("#")):
                title = nbformat.v4.new_markdown_cell(heading.rstrip() + " (…)")
                title.metadata["slideshow"] = {"slide_type": "subslide"}
                title.metadata["deck"] = {"continued": True, "auto_split": True}
                title.id = f"{cell.get('id', 'cell')}-cont"
                out.append(title)
                cell.metadata["slideshow"] = {**cell.metadata.get("slideshow", {}), "slide_type": "-"}
                h += _estimate_height(title)
            else:
                cell.metadata.setdefault("slideshow", {})["slide_type"] = "subslide"
            cell.metadata["deck"] = {**cell.metadata.get("deck", {}), "auto_split": True}
            height = 0.0
        if cell.cell_type == "markdown":
            found = [t for k, t in _md_blocks(cell.source) if k == "heading"]
            heading = re.sub(r"\s*\(…\)$", "", found[-1]) if found else heading
        has_output = has_output or cell.cell_type == "code" and bool(cell.get("outputs"))
        height += h
        out.append(cell)
    return out


def _sections(cells) -> list[list[int]]:
    """Indices of the cells of each slide (a slide or subslide, as reveal shows it), notes included."""
    groups = []
    for i, cell in enumerate(cells):
        kind = _slide_type(cell)
        if kind == "skip":
            continue
        if kind in ("slide", "subslide") or (not groups and kind != "notes"):
            groups.append([])
        if groups:
            groups[-1].append(i)
    return groups


def _notes_on_every_media_slide(cells, full_text: dict, widget_note: str = DECK_WIDGET_NOTE) -> list:
    """Give notes to each slide that shows a figure, a sound, a widget or a printed result and has none."""
    inserts = {}
    for group in _sections(cells):
        media = [i for i in group if cells[i].cell_type == "code" and any(_has_media(cells[i]).values())]
        if not media:
            continue
        notes = []
        if not any(_slide_type(cells[i]) == "notes" for i in group):
            before = [j for j in range(media[0], -1, -1) if cells[j].cell_type == "markdown"
                      and _slide_type(cells[j]) not in ("skip", "notes") and not cells[j].metadata.get("deck", {}).get("continued")]
            if before:
                notes.append(full_text.get(id(cells[before[0]]), cells[before[0]].source))
        if any(_has_media(cells[i])["widget"] for i in media):
            notes.append(widget_note)
        if notes:
            inserts[group[-1]] = [_notes_cell(n, cells[group[-1]]) for n in notes]
    out = []
    for i, cell in enumerate(cells):
        out.append(cell)
        out.extend(inserts.get(i, []))
    return out


def _tag_sections(cells) -> None:
    """The first cell of each slide carries ``slideshow.data``: its ``cell`` id and any ``overflow_ok`` reason."""
    for group in _sections(cells):
        first = next(i for i in group if _slide_type(cells[i]) != "notes") if any(
            _slide_type(cells[i]) != "notes" for i in group) else group[0]
        data = {"cell": cells[first].get("id", "")}
        reasons = [cells[i].metadata.get("deck", {}).get("overflow_ok") for i in group]
        reasons = [r for r in reasons if r]
        if reasons:
            data["overflow_ok"] = "; ".join(reasons)
        cells[first].metadata.setdefault("slideshow", {}).setdefault("slide_type", "-")
        cells[first].metadata["slideshow"]["data"] = data


def build_slides(out: str | os.PathLike | None = None, language: str = "en") -> dict:
    """Write one reveal.js deck per chapter, ``NN_topic.slides.html``, into ``out`` (default: the
    language's folder in :data:`SLIDE_EDITIONS`, ``_build/slides`` for English).

    English decks come from ``notebooks/``; another language's from ``notebooks/LANG/`` (the
    translated notebooks of ``course_lib.tools.translate``; a chapter not translated yet is skipped
    with a note), into ``_build/LANG/slides`` unless :data:`SLIDE_EDITIONS` names another folder.

    nbconvert's slides exporter reads the cells' ``slideshow`` metadata (slide, subslide,
    fragment, skip, notes: the speaker notes) from the deck's copy of each stored notebook
    (:func:`slides_notebook`), through the course's template (``book/templates/course_reveal``:
    slides of :data:`SLIDE_WIDTH` × :data:`SLIDE_HEIGHT`, no scrolling, the deck's fonts and
    figure sizing, MathJax 3, nothing fetched from outside).
    reveal.js 5, MathJax, require.js, jQuery and the widget renderer are copied into
    ``out/vendor``, with the favicon and the MathJax 2 shim the widget renderer needs
    (``book/static``).

    Parameters
    ----------
    out : path, optional
        The deck folder.
    language : str
        ``"en"`` (the notebooks), or a language whose translated notebooks are in ``notebooks/LANG/``.

    Returns
    -------
    dict
        ``chapters`` (the chapter files), ``decks`` (paths written), ``language``, ``seconds``
        (wall-clock time), ``out``.

    Notebook: (tooling, ``make slides``)
    """
    import nbformat
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    root = repo_root()
    out = Path(out) if out is not None else root / SLIDE_EDITIONS.get(language, f"_build/slides/{language}")
    start = time.perf_counter()
    present, missing = split_chapters()
    for ch in missing:
        print(f"note: {ch.file} does not exist yet; no slides for chapter {ch.number}", flush=True)
    source = {ch.file: root / ch.file if language == "en" else root / "notebooks" / language / Path(ch.file).name
              for ch in present}
    for ch in [ch for ch in present if not source[ch.file].exists()]:
        print(f"note: {source[ch.file]} does not exist yet; no {language} slides for chapter {ch.number}", flush=True)
        present.remove(ch)
    out.mkdir(parents=True, exist_ok=True)
    copy_vendor(out / "vendor")
    for name in ("favicon.svg", "mathjax2-compat.js"):
        shutil.copy2(root / "book" / "static" / name, out / "vendor" / name)
    course = {"favicon_url": "vendor/favicon.svg", "mathjax_compat_url": "vendor/mathjax2-compat.js"}
    c = Config()
    c.TemplateExporter.extra_template_basedirs = [str(root / "book" / "templates")]
    c.SlidesExporter.template_name = "course_reveal"
    c.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
    c.SlidesExporter.reveal_theme = "white"  # its fonts ship with reveal.js (others import Google Fonts)
    c.SlidesExporter.reveal_scroll = False  # a slide that needs scrolling does not fit (issue 24)
    c.SlidesExporter.reveal_width, c.SlidesExporter.reveal_height = str(SLIDE_WIDTH), str(SLIDE_HEIGHT)
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.mathjax_url = f"vendor/{MATHJAX_SCRIPT}"
    c.SlidesExporter.require_js_url = "vendor/require.js"
    c.SlidesExporter.jquery_url = "vendor/jquery.min.js"
    c.SlidesExporter.widget_renderer_url = "vendor/html-manager/embed-amd.js"
    c.SlidesExporter.jupyter_widgets_base_url = "vendor/"
    c.SlidesExporter.font_awesome_url = ""
    c.SlidesExporter.language_code = language
    exporter = SlidesExporter(config=c)
    decks = []
    for ch in present:
        nb = nbformat.read(source[ch.file], as_version=4)
        nb.metadata.setdefault("language", language)
        nb = slides_notebook(nb, ch)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": Path(ch.file).stem}, "course": course})
        deck = out / (Path(ch.file).stem + SLIDES_SUFFIX)
        deck.write_text(body, encoding="utf-8")
        decks.append(deck)
    report = {"chapters": [ch.file for ch in present], "decks": [str(d) for d in decks], "language": language,
              "seconds": round(time.perf_counter() - start, 1), "out": str(out)}
    (out / ".course-slides.json").write_text(json.dumps(report, indent=1))
    return report


# --- Slides that fit the screen: the measure ---------------------------------------------------

#: Visits every slide of a loaded deck (scrolling off, transitions off) and returns, per slide, its
#: content's height and width over the deck's slide height and width. Content hidden inside a box
#: that clips or scrolls (a code cell cut at the right edge, an output that scrolls) counts as over.
SLIDE_FIT_JS = r"""
const done = arguments[arguments.length - 1];
const sleep = ms => new Promise(r => setTimeout(r, ms));
const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
// the smallest text a figure's PNG records (course_lib.teaching.figures.figure_png): a tEXt chunk
// before the image data; null when the PNG has none, Infinity for a figure without text
const records = new Map();
async function textRecord(src) {
  if (!records.has(src)) {
    records.set(src, (async () => {
      try {
        const b = new Uint8Array(await (await fetch(src)).arrayBuffer());
        const v = new DataView(b.buffer), ascii = (i, n) => String.fromCharCode(...b.subarray(i, i + n));
        for (let i = 8; i + 8 <= b.length;) {
          const n = v.getUint32(i), kind = ascii(i + 4, 4);
          if (kind === "IDAT") { break; }
          if (kind === "tEXt") {
            const [key, value] = ascii(i + 8, n).split("\0");
            if (key === "__TEXT_RECORD__") { return value === "none" ? Infinity : parseFloat(value); }
          }
          i += 12 + n;
        }
      } catch (e) { /* not a PNG the page can read: no record */ }
      return null;
    })());
  }
  return records.get(src);
}
(async () => {
  const t0 = performance.now();
  while (!(window.Reveal && Reveal.isReady && Reveal.isReady())) {
    if (performance.now() - t0 > 30000) { throw new Error("reveal.js did not start in 30 s"); }
    await sleep(100);
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await Promise.all([...document.images].map(i => i.complete ? null
      : new Promise(r => { i.addEventListener("load", r); i.addEventListener("error", r); })));
  const nWidgets = document.querySelectorAll("script[type='application/vnd.jupyter.widget-view+json']").length;
  while (nWidgets && document.querySelectorAll(".widget-subarea > .jupyter-widgets").length < nWidgets
         && performance.now() - t0 < 30000) { await sleep(100); }
  Reveal.configure({transition: "none", backgroundTransition: "none", scrollActivationWidth: null});
  const cfg = Reveal.getConfig(), W = cfg.width, H = cfg.height;
  const slides = [];
  for (const s of Reveal.getSlides()) {
    const ix = Reveal.getIndices(s);
    Reveal.slide(ix.h, ix.v);
    await frames();
    // the content's extent: the section is a column of the slide's height (its own box says nothing)
    const top = s.getBoundingClientRect().top, scale = s.getBoundingClientRect().height / s.offsetHeight || 1;
    let bottom = 0;
    for (const c of s.children) {
      if (c.matches("aside.notes") || getComputedStyle(c).display === "none") { continue; }
      bottom = Math.max(bottom, (c.getBoundingClientRect().bottom - top) / scale + parseFloat(getComputedStyle(c).marginBottom || 0));
    }
    let height = Math.max(bottom, s.scrollHeight > s.clientHeight + 2 ? s.scrollHeight : 0), width = s.scrollWidth;
    for (const e of s.querySelectorAll("*")) {
      // (inside a widget, a slider's handle or a label's ellipsis is the widget's own design; the
      // widget as a whole is measured with the slide)
      if (e.closest("aside.notes, mjx-container, .jupyter-widgets") || e.tagName === "MJX-ASSISTIVE-MML") { continue; }
      const cs = getComputedStyle(e);
      if (cs.display === "none") { continue; }
      if (cs.overflowX !== "visible" && e.scrollWidth > e.clientWidth + 2) {
        width = Math.max(width, W + e.scrollWidth - e.clientWidth);
      }
      if (cs.overflowY !== "visible" && e.scrollHeight > e.clientHeight + 2) {
        height = Math.max(height, bottom + e.scrollHeight - e.clientHeight);
      }
    }
    const head = [...s.querySelectorAll("h1, h2, h3, h4")].find(h => !h.closest("aside.notes"));
    const text = (head ? head.textContent : s.innerText).replace(/\s+/g, " ").replace("¶", "").trim();
    // how far the slide scaled its figures down (1: natural size; object-fit: contain), and the
    // smallest figure text as shown: the PNG's own record (px) times that scale (-1: no record)
    let figure = 1, figureText = null;
    for (const img of s.querySelectorAll("img")) {
      if (img.closest("aside.notes") || !img.naturalWidth) { continue; }
      const scale = Math.min(img.clientWidth / img.naturalWidth, img.clientHeight / img.naturalHeight);
      figure = Math.min(figure, scale);
      const px = await textRecord(img.src);
      figureText = px === null ? -1 : Math.min(figureText === null ? Infinity : figureText, px * scale);
      if (figureText < 0) { break; }
    }
    slides.push({h: ix.h, v: ix.v, cell: s.dataset.cell || null, overflow_ok: s.dataset.overflowOk || null,
                 title: text.slice(0, 60), height: height / H, width: width / W, figure: figure,
                 figure_text: figureText === Infinity ? null : figureText,
                 media: !!s.querySelector("img, audio, .jupyter-widgets"),
                 notes: [...s.querySelectorAll("aside.notes")].some(a => a.textContent.trim().length > 0)});
  }
  return {width: W, height: H,
          viewport: [window.innerWidth, window.innerHeight], slides: slides};
})().then(done, e => done({error: String(e)}));
""".replace("__TEXT_RECORD__", TEXT_RECORD)


def headless_chromium(width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT, log: bool = False):
    """A headless Chromium (selenium) whose page is ``width`` × ``height`` CSS pixels.

    Parameters
    ----------
    width, height : int
        The viewport in CSS pixels (default: the 1280 × 720 screen of :data:`SLIDE_WIDTH`).
    log : bool
        Keep the console and network logs (the browser test reads them).

    Raises
    ------
    RuntimeError
        Naming what to install when selenium, Chromium or chromedriver is missing.

    Notebook: (tooling, ``python -m course_lib.tools.slides --measure`` and the browser tests)
    """
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        raise RuntimeError("measuring the slides needs selenium: pip install -e '.[test]'") from e
    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        raise RuntimeError("measuring the slides needs headless Chromium: sudo apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"):
        options.add_argument(arg)
    if log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    # --window-size sets the window; make the page itself width × height (headless has no chrome, but be sure).
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if inner != [width, height]:
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    return driver


def measure_deck(driver, url: str) -> dict:
    """Every slide of one deck, measured in ``driver`` (one page load): content height and width over the slide's.

    Parameters
    ----------
    driver : selenium.webdriver.Remote
        A browser whose viewport is the screen to present on (:func:`headless_chromium`).
    url : str
        The deck's address (served over http so that its vendor scripts load).

    Returns
    -------
    dict
        ``width``, ``height`` (the deck's slide size), ``viewport``, and ``slides``: per slide
        ``h``, ``v`` (reveal's indices), ``cell`` (the id of the cell that starts it), ``title``,
        ``height`` and ``width`` (content over slide: > 1 does not fit), ``figure`` (the smallest
        scale a figure is shown at, 1 = its stored size), ``figure_text`` (the smallest figure
        text as shown, px: the PNG's record times its scale; -1 for a figure without a record;
        None without figures), ``media`` (a figure, sound or widget is
        on it), ``notes`` (it has speaker notes), ``overflow_ok`` (the reason of a marked
        exception, or None).

    Notebook: (tooling, ``python -m course_lib.tools.slides --measure`` and the browser tests)
    """
    driver.get(url)
    result = driver.execute_async_script(SLIDE_FIT_JS)
    if "error" in result:
        raise RuntimeError(f"{url}: {result['error']}")
    return result


def slide_fit_problems(measure: dict) -> list[str]:
    """What breaks issue 24's rule in one measured deck (empty: the deck fits).

    A slide over :data:`FIT_LIMIT` (height or width) is a problem unless marked ``overflow_ok``;
    a marked one may be at most :data:`EXCEPTION_LIMIT` over, and at most :data:`EXCEPTION_SHARE`
    of the deck's slides may be marked (rounded down, at least one).

    Notebook: (tooling, ``python -m course_lib.tools.slides --measure`` and the browser tests)
    """
    problems = []
    slides = measure["slides"]
    marked = [s for s in slides if s["overflow_ok"]]
    allowed = max(1, int(EXCEPTION_SHARE * len(slides)))
    if len(marked) > allowed:
        problems.append(f"{len(marked)} slides marked overflow_ok, at most {allowed} of {len(slides)} allowed")
    for s in slides:
        worst = max(s["height"], s["width"])
        limit = EXCEPTION_LIMIT if s["overflow_ok"] else FIT_LIMIT
        if s["figure"] < FIGURE_MIN - 1e-3:
            problems.append(f"slide {s['h']}/{s['v']} (cell {s['cell']}, {s['title']!r}): a figure shrunk to "
                            f"{s['figure']:.2f} of its size (at least {FIGURE_MIN})")
        text = s.get("figure_text")
        if text is not None and text < 0:
            problems.append(f"slide {s['h']}/{s['v']} (cell {s['cell']}, {s['title']!r}): a figure without the record "
                            f"of its smallest text (made outside course_lib.teaching.figures)")
        elif text is not None and text < FIGURE_TEXT_MIN - 1e-3:
            problems.append(f"slide {s['h']}/{s['v']} (cell {s['cell']}, {s['title']!r}): figure text shown at "
                            f"{text:.1f} px (at least {FIGURE_TEXT_MIN:g} px)")
        if worst > limit + 1e-3:
            what = "height" if s["height"] >= s["width"] else "width"
            problems.append(f"slide {s['h']}/{s['v']} (cell {s['cell']}, {s['title']!r}): {what} {worst:.2f} × the slide's"
                            + (f" (marked: {s['overflow_ok']}; at most {EXCEPTION_LIMIT:.2f})" if s["overflow_ok"] else ""))
    return problems


def _serve(folder: Path):
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure_slides(folder: str | os.PathLike | None = None, decks=None) -> dict:
    """Measure every slide of every deck in ``folder`` (default ``_build/slides``) at 1280 × 720.

    Parameters
    ----------
    folder : path, optional
        A deck folder made by :func:`build_slides`.
    decks : list of str, optional
        Deck file names to measure (default: every ``*.slides.html`` in ``folder``).

    Returns
    -------
    dict
        ``{deck file name: measure_deck's result}``.

    Notebook: (tooling, ``python -m course_lib.tools.slides --measure``)
    """
    folder = Path(folder) if folder is not None else repo_root() / SLIDE_EDITIONS["en"]
    names = decks or sorted(p.name for p in folder.glob("*" + SLIDES_SUFFIX))
    if not names:
        raise FileNotFoundError(f"no decks (*{SLIDES_SUFFIX}) in {folder}: run python -m course_lib.tools.slides")
    server = _serve(folder)
    driver = headless_chromium()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        return {name: measure_deck(driver, f"{base}/{name}") for name in names}
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()


def slide_fit_table(measures: dict) -> str:
    """One line per deck: slides; those over the slide (taller, wider or a figure shrunk below
    :data:`FIGURE_MIN`); those taller than the 85 % target; marked exceptions; the worst ratios.

    Notebook: (tooling, ``python -m course_lib.tools.slides --measure``)
    """
    lines = [f"{'deck':28s} {'slides':>6s} {'over':>5s} {'>85%':>5s} {'marked':>6s} {'worst h':>8s} {'worst w':>8s} "
             f"{'min fig':>8s} {'problems':>8s}"]
    totals = [0, 0, 0, 0]
    for name, m in measures.items():
        s = m["slides"]
        over = sum(max(x["height"], x["width"]) > FIT_LIMIT + 1e-3 or x["figure"] < FIGURE_MIN - 1e-3 for x in s)
        tight = sum(x["height"] > FIT_TARGET + 1e-3 for x in s)
        marked = sum(bool(x["overflow_ok"]) for x in s)
        for i, v in enumerate((len(s), over, tight, marked)):
            totals[i] += v
        lines.append(f"{name.removesuffix(SLIDES_SUFFIX):28s} {len(s):6d} {over:5d} {tight:5d} {marked:6d} "
                     f"{max(x['height'] for x in s):8.2f} {max(x['width'] for x in s):8.2f} "
                     f"{min(x['figure'] for x in s):8.2f} {len(slide_fit_problems(m)):8d}")
    lines.append(f"{'all':28s} {totals[0]:6d} {totals[1]:5d} {totals[2]:5d} {totals[3]:6d}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.tools.slides", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=None, help="output folder (default: the language's folder in SLIDE_EDITIONS)")
    parser.add_argument("--language", default=None,
                        help="only this language's decks (default: every language the course publishes)")
    parser.add_argument("--measure", action="store_true",
                        help="measure every slide of the built decks at 1280x720 in headless Chromium (no build)")
    args = parser.parse_args(argv)
    languages = [args.language] if args.language else list(SLIDE_EDITIONS)
    if args.measure:
        failed = 0
        for language in languages:
            folder = args.out or repo_root() / SLIDE_EDITIONS.get(language, f"_build/slides/{language}")
            measures = measure_slides(folder)
            print(f"[{language}] {folder}: content over slide, at {SLIDE_WIDTH}x{SLIDE_HEIGHT}")
            print(slide_fit_table(measures))
            for name, m in measures.items():
                for problem in slide_fit_problems(m):
                    print(f"  {name}: {problem}")
                    failed += 1
        return 1 if failed else 0
    for language in languages:
        report = build_slides(args.out, language=language)
        print(f"slides [{language}]: {len(report['decks'])} decks in {report['seconds']:.1f} s -> {report['out']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
