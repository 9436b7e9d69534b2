"""Editions of the course in other languages: gettext catalogs for the words, the English notebooks for the rest.

The English notebooks stay the only source of code and outputs. The words of another language
live in gettext catalogs, one per chapter, ``locale/LANG/LC_MESSAGES/NN_topic.po``, with one
entry per paragraph of markdown (speaker notes are markdown cells too) and one per code comment.
From the English notebooks and the catalogs, :func:`build` writes ``notebooks/LANG/NN_topic.ipynb``:
the same cells, the same code tokens and the same stored outputs, with the paragraphs and the
comments translated. The built notebooks are committed (Binder, Colab and nbviewer show them), and
the tests fail when rebuilding them would change them, when a catalog misses, fuzzes or leaves empty
an English paragraph of today, or when a translation drops a formula, an inline code span, a link
target or an image of its paragraph.

Catalogs are kept in step the gettext way (sphinx-intl and ``msgmerge`` do the same for Sphinx
pages, but neither extracts the comments of code cells, so the course extracts them itself):
:func:`update` adds every new English paragraph with an empty translation, and where an edited
paragraph is close to one that has a translation, pre-fills that translation and marks it
``fuzzy`` (with the previous English as ``#| msgid``) for a translator to revise; entries whose
English is gone are kept at the end as obsolete (``#~``) so that no translation is lost.

A unit is a block of markdown between blank lines (a heading, a paragraph, a list, a table, a
fenced code block is kept whole and not translated), or the text of one ``#`` comment. Blocks
with no words outside math, code and links (a formula on its own, an image) are not units; HTML
comments are not either.

Usage::

    python -m course_lib.tools.translate update es     # English changed -> catalogs in step (new, fuzzy, obsolete)
    python -m course_lib.tools.translate build es      # catalogs -> notebooks/es/*.ipynb
    python -m course_lib.tools.translate check es      # what the tests check, as a report
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LANGUAGES", "Unit", "markdown_units", "comment_units", "notebook_units", "catalog_path", "read_catalog",
           "BOOK", "book_units", "translator", "translate_markdown", "update", "translate_notebook", "build", "kept_pieces", "problems", "read_glossary", "term_problems", "main"]

#: The languages the course publishes besides English, with their names in that language.
LANGUAGES = {"es": "Español"}

_FENCE = re.compile(r"^\s*(```|~~~)")
_HTML_COMMENT = re.compile(r"^\s*<!--.*-->\s*$", re.S)
# What must survive translation unchanged: display and inline math, inline code, link and image targets.
_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$", re.S)
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_TARGET = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
_HTML_ATTR = re.compile(r"(?:href|src)=\"([^\"]+)\"")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Comments that are instructions to tools, not words to a reader.
_DIRECTIVE = re.compile(r"^#+\s*(BEGIN SOLUTION|END SOLUTION|noqa|type:|pragma|fmt:|%%|!)", re.I)


@dataclass(frozen=True)
class Unit:
    """One translatable piece of a notebook: its text, the cell it is in, and where in that cell.

    ``kind`` is ``"markdown"`` (``start``, ``end``: line numbers of the block in the cell, end
    exclusive) or ``"comment"`` (``start``: the comment's line, 1-based as :mod:`tokenize` counts;
    ``end``: its column).
    """

    text: str
    cell_id: str
    kind: str
    start: int
    end: int


def _prose(text: str) -> str:
    """``text`` without math, code spans, link targets and HTML tags: what a reader reads as words."""
    text = _MATH.sub(" ", text)
    text = _CODE.sub(" ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return text


def markdown_units(source: str, cell_id: str = "") -> list[Unit]:
    """The blocks of a markdown cell worth translating, each with its line span in the cell.

    Parameters
    ----------
    source : str
        The cell's markdown.
    cell_id : str
        The cell's id (kept on each unit, to find it again).

    Returns
    -------
    list of Unit
        In order; fenced code blocks, HTML comments and blocks without words are left out.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    lines = source.split("\n")
    units, block, start, fenced = [], [], 0, False
    for i, line in enumerate(lines + [""]):
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and not line.strip() and i >= start:
            if block:
                text = "\n".join(block)
                in_fence = _FENCE.match(block[0]) is not None
                if not in_fence and not _HTML_COMMENT.match(text) and _WORD.search(_prose(text)):
                    units.append(Unit(text, cell_id, "markdown", start, start + len(block)))
            block, start = [], i + 1
        else:
            block.append(line)
    return units


def comment_units(source: str, cell_id: str = "") -> list[Unit]:
    """The ``#`` comments of a code cell worth translating (not tool directives), with their position.

    Parameters
    ----------
    source : str
        The cell's Python code.
    cell_id : str
        The cell's id (kept on each unit).

    Returns
    -------
    list of Unit
        In order of lines.

    Raises
    ------
    ValueError
        If the code cannot be tokenized, naming the cell.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    units = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as err:
        raise ValueError(f"cell {cell_id}: its code cannot be tokenized ({err}); fix the cell") from None
    for tok in tokens:
        if tok.type != tokenize.COMMENT or _DIRECTIVE.match(tok.string):
            continue
        text = tok.string.lstrip("#").strip()
        if _WORD.search(_prose(text)):
            units.append(Unit(text, cell_id, "comment", tok.start[0], tok.start[1]))
    return units


def notebook_units(nb) -> list[Unit]:
    """Every unit of a notebook, in cell order.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    units = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            units += markdown_units(cell.source, cell.get("id", ""))
        elif cell.cell_type == "code":
            units += comment_units(cell.source, cell.get("id", ""))
    return units


#: The catalog of the book's own words (not a chapter's): ``locale/LANG/LC_MESSAGES/book.po``.
BOOK = "book"
_PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}")


def book_units() -> list[str]:
    """The book's own words: ``book.yml``'s title, description and chapter titles, ``book/intro.md``'s
    paragraphs, and every string that :mod:`course_lib.tools.book` and :mod:`course_lib.tools.slides` mark
    for translation with ``_t("...")`` (the deck's own words: the label of code in the notes, the widget note).

    The marked strings are found in the source (as ``xgettext`` does), so a new one cannot be missed.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    from .chapters import read_book

    data = read_book()
    units = [data["title"], str(data.get("description", "")).strip()]
    units += [ch.title for ch in data["chapters"]]
    units += [(data.get("resources") or {}).get("title", "Resources")]
    intro = (_root() / "book" / "intro.md").read_text(encoding="utf-8")
    units += [u.text for u in markdown_units(intro) if _WORD.search(_PLACEHOLDER.sub(" ", _prose(u.text)))]
    for source in ("book.py", "slides.py"):
        tree = ast.parse(Path(__file__).with_name(source).read_text(encoding="utf-8"))
        units += [_constant_text(node.args[0]) for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_t" and node.args
                  and _constant_text(node.args[0]) is not None]
    return list(dict.fromkeys(u for u in units if u))


def _constant_text(node) -> str | None:
    """The string of a literal, including adjacent literals joined by the parser (None otherwise)."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def translator(lang: str):
    """A function giving the ``lang`` translation of one of :func:`book_units` (English: the text itself).

    A text without a translation raises ``KeyError`` naming it and the catalog.

    Notebook: (tooling, ``make book`` and ``make slides`` in another language)
    """
    if lang == "en":
        return lambda text: text
    path = catalog_path(lang, BOOK)
    table = _translations(read_catalog(path), allow_missing=False)

    def tr(text: str) -> str:
        try:
            return table[text]
        except KeyError:
            raise KeyError(f"{path}: no translation of {text[:60]!r} (run `python -m course_lib.tools.translate "
                           f"update {lang}` and translate it)") from None
    return tr


def _root() -> Path:
    return Path(__file__).resolve().parents[2]


def _chapters() -> list[Path]:
    from .chapters import split_chapters

    present, _ = split_chapters()
    return [_root() / ch.file for ch in present]


def catalog_path(lang: str, stem: str) -> Path:
    """``locale/LANG/LC_MESSAGES/STEM.po`` in the repository.

    Parameters
    ----------
    lang : str
        A language of :data:`LANGUAGES` (a ``ValueError`` names the others).
    stem : str
        A chapter notebook's name without ``.ipynb``, or :data:`BOOK`.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r}: the course publishes {sorted(LANGUAGES)}")
    return _root() / "locale" / lang / "LC_MESSAGES" / f"{stem}.po"


def read_catalog(path):
    """A catalog read with polib; a missing or malformed file raises an error naming it.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    import polib

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such catalog (make it with `python -m course_lib.tools.translate update`)")
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: not a readable gettext catalog ({err})") from None


def update(lang: str, notebooks=None) -> list[Path]:
    """Bring the catalogs of ``lang`` in step with the English notebooks; return the catalogs written.

    New English units get an empty entry; a unit whose English changed gets the translation of the
    closest obsolete entry (similarity ≥ 0.6) marked fuzzy with the previous English; entries no
    longer in English become obsolete. Translations are never deleted.

    Parameters
    ----------
    lang : str
        A language of :data:`LANGUAGES`.
    notebooks : list of path, optional
        English notebooks (``Path("book")`` for the book's own words); default every chapter and the book.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    import nbformat
    import polib

    written = []
    sources = list(map(Path, notebooks)) if notebooks else _chapters() + [Path(BOOK)]
    for path in sources:
        target = catalog_path(lang, path.stem)
        if path == Path(BOOK):
            units = [Unit(text, "book", "book", 0, 0) for text in book_units()]
        else:
            units = notebook_units(nbformat.read(path, as_version=4))
        old = read_catalog(target) if target.exists() else polib.POFile(wrapwidth=0)
        known = {e.msgid: e for e in old if e.msgstr or e.obsolete}
        po = polib.POFile(wrapwidth=0)
        po.metadata = {"Project-Id-Version": "Deep Learning for Sounds", "Language": lang,
                       "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                       "Content-Transfer-Encoding": "8bit"}
        seen = {}
        for unit in units:
            if unit.text in seen:
                seen[unit.text].occurrences.append((unit.cell_id, unit.kind))
                continue
            entry = polib.POEntry(msgid=unit.text, msgstr="", occurrences=[(unit.cell_id, unit.kind)])
            if unit.text in known:
                entry.msgstr = known.pop(unit.text).msgstr
                prev = next((e for e in old if e.msgid == unit.text), None)
                if prev is not None and "fuzzy" in prev.flags:
                    entry.flags.append("fuzzy")
                    entry.previous_msgid = prev.previous_msgid
            seen[unit.text] = entry
            po.append(entry)
        for entry in po:
            if entry.msgstr or not known:
                continue
            close = difflib.get_close_matches(entry.msgid, list(known), n=1, cutoff=0.6)
            if close:
                entry.msgstr = known.pop(close[0]).msgstr
                entry.flags.append("fuzzy")
                entry.previous_msgid = close[0]
        for msgid, e in known.items():
            po.append(polib.POEntry(msgid=msgid, msgstr=e.msgstr, obsolete=True))
        target.parent.mkdir(parents=True, exist_ok=True)
        text = po.__unicode__()
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


def _translations(po, allow_missing: bool) -> dict[str, str]:
    out = {}
    for e in po:
        if e.obsolete:
            continue
        if e.msgstr and "fuzzy" not in e.flags:
            out[e.msgid] = e.msgstr
        elif allow_missing:
            out[e.msgid] = e.msgid
    return out


def translate_markdown(text: str, tr) -> str:
    """``text`` (markdown) with each of its units replaced by ``tr(unit)``; the rest (blank lines, fences, placeholders) kept.

    Parameters
    ----------
    text : str
        Markdown, e.g. ``book/intro.md``.
    tr : callable
        The translation of one unit (:func:`translator`).

    Notebook: (tooling, ``make book`` in another language)
    """
    lines = text.split("\n")
    for unit in reversed(markdown_units(text)):
        if _WORD.search(_PLACEHOLDER.sub(" ", _prose(unit.text))):
            lines[unit.start:unit.end] = tr(unit.text).split("\n")
    return "\n".join(lines)


def translate_notebook(nb, translations: dict[str, str], lang: str):
    """A copy of ``nb`` with its markdown units and comments replaced by ``translations``.

    Code tokens, outputs, attachments and cell metadata are kept; the notebook's metadata gets
    ``language`` = ``lang``. A unit without a translation raises ``KeyError`` naming the cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An English notebook (not modified).
    translations : dict
        English unit -> its translation.
    lang : str
        The language code written into the copy's metadata.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    nb = copy.deepcopy(nb)
    nb.metadata["language"] = lang
    for cell in nb.cells:
        cid = cell.get("id", "")
        if cell.cell_type == "markdown":
            lines = cell.source.split("\n")
            for unit in reversed(markdown_units(cell.source, cid)):
                if unit.text not in translations:
                    raise KeyError(f"cell {cid}: no {lang} translation of {unit.text[:60]!r}")
                lines[unit.start:unit.end] = translations[unit.text].split("\n")
            cell.source = "\n".join(lines)
        elif cell.cell_type == "code":
            lines = cell.source.split("\n")
            for unit in reversed(comment_units(cell.source, cid)):
                if unit.text not in translations:
                    raise KeyError(f"cell {cid}: no {lang} translation of the comment {unit.text[:60]!r}")
                row = lines[unit.start - 1]
                hashes = re.match(r"#+\s*", row[unit.end:]).group(0)
                lines[unit.start - 1] = row[:unit.end] + hashes + translations[unit.text]
            cell.source = "\n".join(lines)
    return nb


def build(lang: str, notebooks=None, out_dir=None, allow_missing: bool = False) -> list[Path]:
    """Write ``notebooks/LANG/NN_topic.ipynb`` from the English notebooks and the catalogs; return the paths written.

    Parameters
    ----------
    lang : str
        A language of :data:`LANGUAGES`.
    notebooks : list of path, optional
        English notebooks; default every chapter of ``book.yml`` that exists.
    out_dir : path, optional
        Where to write; default ``notebooks/LANG``.
    allow_missing : bool
        Keep the English of a unit without a (non-fuzzy) translation instead of failing.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    import nbformat

    out = Path(out_dir) if out_dir is not None else _root() / "notebooks" / lang
    written = []
    for path in map(Path, notebooks or _chapters()):
        translations = _translations(read_catalog(catalog_path(lang, path.stem)), allow_missing)
        nb = translate_notebook(nbformat.read(path, as_version=4), translations, lang)
        out.mkdir(parents=True, exist_ok=True)
        dest = out / path.name
        text = nbformat.writes(nb) + "\n"
        if not dest.exists() or dest.read_text(encoding="utf-8") != text:
            dest.write_text(text, encoding="utf-8")
            written.append(dest)
    return written


def kept_pieces(text: str) -> dict[str, list[str]]:
    """What a translation must keep from its English: math, inline code, link and image targets, HTML tags.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    return {"math": sorted(_MATH.findall(text)),
            "code": sorted(m.group(0) for m in _CODE.finditer(_MATH.sub(" ", text))),
            "links": sorted(_TARGET.findall(text) + _HTML_ATTR.findall(text)),
            "images": sorted(_IMAGE.findall(text)),
            "tags": sorted(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", _CODE.sub(" ", _MATH.sub(" ", text))))}


def problems(msgid: str, msgstr: str) -> list[str]:
    """What a translation loses of its English's kept pieces (empty when none); it may add some (a command for Spanish readers).

    Parameters
    ----------
    msgid : str
        The English unit.
    msgstr : str
        Its translation.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    from collections import Counter

    want, got = kept_pieces(msgid), kept_pieces(msgstr)
    out = [f"{kind} lost: {sorted(lost)[:4]}" for kind in want
           if (lost := list((Counter(want[kind]) - Counter(got[kind])).elements()))]
    if msgid.startswith("#") != msgstr.startswith("#") or (msgid.startswith("#") and
                                                          msgid.split(" ")[0] != msgstr.split(" ")[0]):
        out.append("heading level differs")
    if msgid.count("\n") != msgstr.count("\n") and re.match(r"\s*([-*+]|\d+\.|\|)\s", msgid):
        out.append("a list or table has another number of lines")
    return out


def read_glossary(lang: str) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str]]]:
    """The fixed terms of ``lang`` (``locale/LANG/glossary.tsv``) and its forbidden words (``forbidden.txt``).

    Returns
    -------
    terms : list of (english, [accepted Spanish forms])
        A form ending in ``*`` accepts any ending (plural, gender).
    forbidden : list of (word, what to say instead)

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    folder = catalog_path(lang, "x").parent.parent
    terms, forbidden = [], []
    for line in (folder / "glossary.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip() and not line.startswith("#") and not line.startswith("english\t"):
            english, spanish, *_ = line.split("\t") + [""]
            terms.append((english.strip(), [f.strip() for f in spanish.split("|") if f.strip()]))
    for line in (folder / "forbidden.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, instead, *_ = line.split("\t") + [""]
            forbidden.append((word.strip(), instead.strip()))
    return terms, forbidden


def _has(text: str, form: str) -> bool:
    stem = form.rstrip("*")
    tail = r"\w*" if form.endswith("*") else ""
    return re.search(rf"(?<!\w){re.escape(stem)}{tail}(?!\w)", text, re.I) is not None


def term_problems(msgid: str, msgstr: str, glossary) -> list[str]:
    """Where a translation leaves the glossary: a term of the English without an accepted Spanish form, a forbidden word.

    Words inside math, inline code, link targets, double quotes and single-asterisk italics (titles
    of papers and books, which stay in English) are not counted, nor are the lines of a reference
    list written as "Author (year). Title. *Venue*".

    Parameters
    ----------
    msgid : str
        The English unit.
    msgstr : str
        Its translation.
    glossary : tuple
        :func:`read_glossary`'s terms and forbidden words.

    Notebook: (tooling, ``python -m course_lib.tools.translate``)
    """
    terms, forbidden = glossary
    quoted = re.compile(r'"[^"]*"|“[^”]*”|(?<![*\w])\*(?![*\s])[^*]+(?<![*\s])\*(?![*\w])')
    reference = re.compile(r"^\s*[-*]\s.*\(\d{4}[a-z]?\)\..*(?:\n(?!\s*[-*]\s).*)*", re.M)
    english = quoted.sub(" ", _prose(reference.sub(" ", msgid)))
    spanish = quoted.sub(" ", _prose(reference.sub(" ", msgstr)))
    out = []
    for en, forms in terms:
        # a longer term that holds this one ("speaker notes" holds "speaker") has its own translation
        longer = [other for other, _ in terms if len(other) > len(en) and _has(other, en)]
        text = english
        for other in longer:
            text = re.sub(rf"(?<!\w){re.escape(other)}(?!\w)", " ", text, flags=re.I)
        if _has(text, en) and not any(_has(spanish, f) for f in forms):
            out.append(f"'{en}' is not translated as {' or '.join(forms)}")
    out += [f"'{word}': say '{instead}'" for word, instead in forbidden if _has(spanish, word)]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.tools.translate", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["update", "build", "check"])
    parser.add_argument("lang", choices=sorted(LANGUAGES))
    parser.add_argument("notebooks", nargs="*", help="English notebooks (default: every chapter)")
    parser.add_argument("--allow-missing", action="store_true", help="build: keep English where a translation is missing")
    args = parser.parse_args(argv)
    if args.command == "update":
        written = update(args.lang, args.notebooks or None)
        print(f"updated {len(written)} catalogs" + "".join(f"\n  {p}" for p in written))
        return 0
    if args.command == "build":
        written = build(args.lang, args.notebooks or None, allow_missing=args.allow_missing)
        print(f"wrote {len(written)} notebooks" + "".join(f"\n  {p}" for p in written))
        return 0
    bad = 0
    for path in list(map(Path, args.notebooks)) or _chapters() + [Path(BOOK)]:
        po = read_catalog(catalog_path(args.lang, path.stem))
        live = [e for e in po if not e.obsolete]
        empty = sum(not e.msgstr for e in live)
        fuzzy = sum("fuzzy" in e.flags for e in live)
        glossary = read_glossary(args.lang)
        lost = [(e.msgid[:50], p) for e in live if e.msgstr
                for p in problems(e.msgid, e.msgstr) + term_problems(e.msgid, e.msgstr, glossary)]
        bad += empty + fuzzy + len(lost)
        print(f"{path.stem}: {len(live)} entries, {empty} empty, {fuzzy} fuzzy, {len(lost)} problems (lost pieces, glossary)")
        for msg, p in lost[:10]:
            print(f"    {msg!r}: {p}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
