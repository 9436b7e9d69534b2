"""The editions in other languages stay in step with the English notebooks (course_lib.tools.translate).

For every published language and every chapter: the catalog is well formed (``msgfmt --check``),
complete (no empty, fuzzy or obsolete entry) and current (one entry per English paragraph and
comment of today); every translation keeps its paragraph's math, inline code, links, images and
HTML tags and uses the glossary's terms; the committed notebook in ``notebooks/LANG/`` is exactly
what building it now gives, with the English notebook's cells, code tokens and outputs.
"""

import io
import shutil
import subprocess
import tokenize
from pathlib import Path

import nbformat
import pytest

from course_lib.tools import book, translate

ROOT = Path(__file__).resolve().parent.parent
LANGS = sorted(translate.LANGUAGES)
CHAPTERS = [Path(ch.file) for ch in book.split_chapters()[0]]
CASES = [(lang, ch) for lang in LANGS for ch in CHAPTERS]
IDS = [f"{lang}-{ch.stem}" for lang, ch in CASES]
polib = pytest.importorskip("polib", reason="polib is not installed (pip install -e '.[test]')")


def _live(lang, chapter):
    return [e for e in translate.read_catalog(translate.catalog_path(lang, chapter.stem)) if not e.obsolete]


CATALOGS = CASES + [(lang, Path(translate.BOOK)) for lang in LANGS]
CATALOG_IDS = IDS + [f"{lang}-book" for lang in LANGS]


def _english(chapter):
    if chapter == Path(translate.BOOK):
        return set(translate.book_units())
    return {u.text for u in translate.notebook_units(nbformat.read(ROOT / chapter, as_version=4))}


@pytest.mark.parametrize("lang,chapter", CATALOGS, ids=CATALOG_IDS)
def test_catalog_is_complete_and_current(lang, chapter):
    po = translate.read_catalog(translate.catalog_path(lang, chapter.stem))
    english = _english(chapter)
    live = {e.msgid for e in po if not e.obsolete}
    assert english - live == set(), (f"{chapter.stem}: English paragraphs or comments without an entry (run "
                                      f"`python -m course_lib.tools.translate update {lang}` and translate them): "
                                      f"{sorted(t[:60] for t in english - live)[:5]}")
    assert live - english == set(), f"{chapter.stem}: entries whose English is gone (run update): {sorted(t[:60] for t in live - english)[:5]}"
    assert not [e for e in po if e.obsolete], f"{chapter.stem}: obsolete entries left in the catalog (remove them once used)"
    empty = [e.msgid[:60] for e in po if not e.obsolete and not e.msgstr.strip()]
    fuzzy = [e.msgid[:60] for e in po if not e.obsolete and "fuzzy" in e.flags]
    assert not empty, f"{chapter.stem}: {len(empty)} untranslated entries, e.g. {empty[:3]}"
    assert not fuzzy, f"{chapter.stem}: {len(fuzzy)} fuzzy entries to revise, e.g. {fuzzy[:3]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed (apt-get install gettext)")
@pytest.mark.parametrize("lang,chapter", CATALOGS, ids=CATALOG_IDS)
def test_catalog_is_well_formed(lang, chapter):
    path = translate.catalog_path(lang, chapter.stem)
    done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, f"{path}: msgfmt --check fails:\n{done.stderr}"


@pytest.mark.parametrize("lang,chapter", CATALOGS, ids=CATALOG_IDS)
def test_translations_keep_math_code_links_and_terms(lang, chapter):
    glossary = translate.read_glossary(lang)
    bad = [(e.msgid[:60], translate.problems(e.msgid, e.msgstr) + translate.term_problems(e.msgid, e.msgstr, glossary))
           for e in _live(lang, chapter) if e.msgstr]
    bad = [b for b in bad if b[1]]
    assert not bad, f"{chapter.stem}: {len(bad)} translations lose a piece or leave the glossary: {bad[:4]}"


def _code_tokens(source):
    return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]


@pytest.mark.parametrize("lang,chapter", CASES, ids=IDS)
def test_built_notebook_is_committed_and_in_step(lang, chapter, tmp_path):
    committed = ROOT / "notebooks" / lang / chapter.name
    assert committed.exists(), f"{committed}: missing (run `python -m course_lib.tools.translate build {lang}`)"
    translate.build(lang, [ROOT / chapter], out_dir=tmp_path)
    assert (tmp_path / chapter.name).read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
        f"{committed} differs from what the English notebook and the catalog give now "
        f"(run `python -m course_lib.tools.translate build {lang}` and commit it)")
    en, tr = nbformat.read(ROOT / chapter, as_version=4), nbformat.read(committed, as_version=4)
    assert [(c.cell_type, c.get("id")) for c in en.cells] == [(c.cell_type, c.get("id")) for c in tr.cells]
    for a, b in zip(en.cells, tr.cells):
        assert a.metadata == b.metadata, f"cell {a.get('id')}: metadata differ"
        if a.cell_type == "code":
            assert _code_tokens(a.source) == _code_tokens(b.source), f"cell {a.get('id')}: code tokens differ"
            assert a.outputs == b.outputs, f"cell {a.get('id')}: outputs differ"
    assert tr.metadata.get("language") == lang


# --- the tool itself, on small notebooks ------------------------------------------------------------

def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source in cells:
        cell = (nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell)(source)
        nb.cells.append(cell)
    return nb


def test_units_are_paragraphs_and_comments_not_code_or_math():
    md = "# Title\n\nA paragraph with $x^2$ and `code`.\n\n$$y = x$$\n\n```python\n# not a unit\nx = 1\n```\n\n<!-- a note -->"
    assert [u.text for u in translate.markdown_units(md)] == ["# Title", "A paragraph with $x^2$ and `code`."]
    code = "x = 1  # the first value\n# BEGIN nothing\n### BEGIN SOLUTION\ny = '# not a comment'\n"
    assert [u.text for u in translate.comment_units(code)] == ["the first value", "BEGIN nothing"]


def test_translation_replaces_words_and_keeps_code():
    nb = _nb(("md", "# Sound\n\nWe hear $f_0$."), ("code", "x = 1  # one\n# two words\nprint(x)"))
    out = translate.translate_notebook(nb, {"# Sound": "# Sonido", "We hear $f_0$.": "Oímos $f_0$.",
                                            "one": "uno", "two words": "dos palabras"}, "es")
    assert out.cells[0].source == "# Sonido\n\nOímos $f_0$."
    assert out.cells[1].source == "x = 1  # uno\n# dos palabras\nprint(x)"
    assert nb.cells[0].source == "# Sound\n\nWe hear $f_0$."  # the English is not touched
    with pytest.raises(KeyError, match="no es translation"):
        translate.translate_notebook(nb, {"# Sound": "# Sonido"}, "es")


def test_problems_catch_lost_math_code_links_and_structure():
    assert translate.problems("See $x$ and `f()` at [docs](https://a.b).", "Mira $x$ y `f()` en [docs](https://a.b).") == []
    assert translate.problems("See $x$.", "Mira x.")
    assert translate.problems("Call `f()`.", "Llama a f().")
    assert translate.problems("[docs](https://a.b)", "[docs](https://c.d)")
    assert translate.problems("## Title", "# Título")
    assert translate.problems("- a\n- b", "- a y b")


def test_glossary_terms_and_forbidden_words():
    glossary = translate.read_glossary("es")
    assert translate.term_problems("The sample rate is 16 kHz.", "La frecuencia de muestreo es 16 kHz.", glossary) == []
    assert translate.term_problems("The sample rate is 16 kHz.", "La tasa de sampleo es 16 kHz.", glossary)
    assert translate.term_problems("A library.", "Una librería.", glossary)
    assert translate.term_problems("Use `frame_length`.", "Usa `frame_length`.", glossary) == []


def test_update_keeps_translations_and_marks_changed_english_fuzzy(tmp_path, monkeypatch):
    monkeypatch.setattr(translate, "catalog_path", lambda lang, stem: tmp_path / f"{stem}.po")
    path = tmp_path / "ch.ipynb"
    nbformat.write(_nb(("md", "The sound of rain falls on the roof.\n\nA second paragraph.")), path)
    translate.update("es", [path])
    po = translate.read_catalog(tmp_path / "ch.po")
    for e in po:
        e.msgstr = {"The sound of rain falls on the roof.": "El sonido de la lluvia cae sobre el techo.",
                    "A second paragraph.": "Un segundo párrafo."}[e.msgid]
    po.save(str(tmp_path / "ch.po"))
    nbformat.write(_nb(("md", "The sound of rain falls on the tin roof.\n\nA new one.")), path)
    translate.update("es", [path])
    po = translate.read_catalog(tmp_path / "ch.po")
    changed = po.find("The sound of rain falls on the tin roof.")
    assert changed.msgstr == "El sonido de la lluvia cae sobre el techo." and "fuzzy" in changed.flags
    assert changed.previous_msgid == "The sound of rain falls on the roof."
    assert po.find("A new one.").msgstr == ""
    assert [e.msgid for e in po if e.obsolete] == ["A second paragraph."]  # kept, not lost


def test_bad_arguments_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="lang='xx'"):
        translate.catalog_path("xx", "00_introduction")
    with pytest.raises(FileNotFoundError, match="no such catalog"):
        translate.read_catalog(tmp_path / "missing.po")
    (tmp_path / "bad.po").write_text('msgid "a\nmsgstr', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.po: not a readable gettext catalog"):
        translate.read_catalog(tmp_path / "bad.po")
    with pytest.raises(ValueError, match="cannot be tokenized"):
        translate.comment_units("x = (1,\n", "c1")
