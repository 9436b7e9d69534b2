"""The student edition: solutions stubbed, outputs cleared, checks say "not solved yet"; instructor checks pass."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib import book

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "notebooks" / "00_introduction.ipynb"  # the quickest chapter to run


def _run(nb, allow_errors):
    NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=allow_errors,
                   resources={"metadata": {"path": str(CHAPTER.parent)}}).execute()
    return nb


def _check_cells(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    return [code[i + 1] for i, c in enumerate(code) if book.BEGIN in c.source or book.STUB in c.source]


def test_stub_keeps_indentation_and_removes_the_solution():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\nprint(f)"
    out = book._stub_solutions(src)
    assert "return 2 * x" not in out and "    " + book.STUB in out and out.endswith("print(f)")
    compile(out, "<cell>", "exec")
    with pytest.raises(ValueError, match="without"):
        book._stub_solutions("### BEGIN SOLUTION\nx = 1\n")


@pytest.mark.parametrize("lang", sorted(book.EDITIONS))
def test_student_edition_of_every_chapter_hides_solutions_and_outputs(tmp_path, lang):
    written = book.write_student_edition(tmp_path, lang)
    assert {p.name for p in written} == {Path(ch.file).name for ch in book.read_book()["chapters"] if (ROOT / ch.file).exists()}
    for p in written:
        assert nbformat.read(p, as_version=4).metadata.get("language", "en") == lang
        nb = nbformat.read(p, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert book.BEGIN not in code and book.END not in code
        assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")
        original = nbformat.read(ROOT / "notebooks" / p.name, as_version=4)
        assert len(nb.cells) == len(original.cells) + 1


@pytest.mark.slow
def test_student_checks_say_not_solved_yet_without_a_traceback_wall():
    nb = _run(book.student_notebook(nbformat.read(CHAPTER, as_version=4)), allow_errors=True)
    checks = _check_cells(nb)
    assert checks
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert book.NOT_SOLVED in text, f"check cell printed {text!r}"
        for o in cell.outputs:
            assert o.output_type != "error" or not o.get("traceback"), "a traceback was shown to the student"


@pytest.mark.slow
def test_instructor_checks_pass():
    nb = _run(nbformat.read(CHAPTER, as_version=4), allow_errors=False)
    for cell in _check_cells(nb):
        assert "✔" in "".join(o.get("text", "") for o in cell.outputs)
