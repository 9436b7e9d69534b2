"""course_lib's documentation, checked: every ``Notebook:`` line is true, and every public function
of two or more arguments has a NumPy docstring with a Parameters section.

A ``Notebook:`` line names one or more chapters (``Notebook: 03_mel_perception``, or
``Notebook: 01_sound_physics, 05_augmentation``); the code of each named chapter must use the
function (its name appears in a code cell), or the line says ``via `X``` and the chapter uses X.
``Notebook: (tooling, ...)`` marks code used by the Makefile and the tests, and
``Notebook: (not yet used by a chapter ...)`` says so honestly.
"""

import ast
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_lib"
#: Every module with public code, as a path below course_lib ("dsp/audio", "errors", ...).
MODULES = sorted(p.relative_to(PACKAGE).with_suffix("").as_posix() for p in PACKAGE.rglob("*.py")
                 if not p.stem.startswith("_"))
NOTEBOOK_LINE = re.compile(r"^\s*Notebook:\s*(.+?)\s*$", re.M)


@lru_cache(maxsize=None)
def chapter_code(stem: str) -> str:
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    assert path.exists(), f"no chapter {stem}"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def public_definitions(module: str):
    """(name, node) of the public functions and classes defined at a module's top level."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            yield node.name, node


def _claims(line: str):
    """[(chapter, via)] of a Notebook: line, or None for the tooling / not-yet forms."""
    if line.startswith("("):
        assert line.startswith(("(tooling", "(not yet used by a chapter", "(every chapter")), line
        return None
    claims = []
    for part in re.split(r",\s*(?=\d\d_)", line):
        m = re.match(r"(\d\d_[a-z_]+)(?:\s*\(?via\s+``?([\w.]+)``?\)?)?\s*(.*)$", part)
        assert m, f"cannot read the Notebook: line {line!r}"
        claims.append((m.group(1), m.group(2)))
    return claims


@pytest.mark.parametrize("module", MODULES)
def test_every_notebook_line_is_true(module):
    wrong = []
    for name, node in public_definitions(module):
        doc = ast.get_docstring(node) or ""
        for line in NOTEBOOK_LINE.findall(doc):
            for chapter, via in _claims(line) or []:
                code = chapter_code(chapter)
                used = via.split(".")[-1] if via else name
                if not re.search(rf"\b{re.escape(used)}\b", code):
                    wrong.append(f"{module}.{name}: {chapter} does not use {used}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", MODULES)
def test_public_functions_of_two_or_more_arguments_have_numpy_docstrings(module):
    missing = []
    for name, node in public_definitions(module):
        if not isinstance(node, ast.FunctionDef):
            continue
        args = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs if a.arg != "self"]
        if len(args) < 2:
            continue
        doc = ast.get_docstring(node) or ""
        if not re.search(r"^\s*Parameters\s*\n\s*-{5,}", doc, re.M):
            missing.append(f"{module}.{name}({', '.join(args)})")
    assert not missing, "no NumPy Parameters section:\n" + "\n".join(missing)
