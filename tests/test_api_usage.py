"""Every public function and class of course_lib is used by the course, or is listed here on purpose.

"Public" means a top-level ``def`` or ``class`` whose name does not start with ``_``, in any module
under ``course_lib/``. "Used" means reached from what the course runs: the code cells of the
notebooks, the benchmarks, the Makefile (its ``python -m`` commands) and each module's top-level
statements (imports, a ``__main__`` block: a command's ``main``), then, through the names that
code uses, every definition and constant it reaches, in its own module or another. A function
that only dead code (or only tests) calls is dead. Names count as code, not in docstrings,
comments or ``__all__``; a private name refers to its own module only. A name is matched as a
word, so a variable ``rain`` in a notebook keeps a function ``rain`` alive: the test misses some
dead code, it never calls live code dead.

The scan parses with :mod:`ast` and reads the notebooks as JSON; nothing is imported (no
TensorFlow), so it takes a second. Run ``python tests/test_api_usage.py`` to print the unused
names (those expected are marked).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course_lib"

#: Public names that nothing in the course uses and that stay, each with its reason. Listing a
#: name used today is fine (a guarantee that it stays); the second test checks that each exists.
EXPECTED_UNUSED = {
    # COURSE.md's public API: a contract for code outside the package, whoever calls it.
    "dsp/audio.py": {"load"},
    "models/vggish.py": {"waveform_to_examples", "log_mel"},
    "models/crepe.py": {"predict"},
    "models/wavenet.py": {"mu_law_encode", "mu_law_decode"},
    "datasets/corpora.py": {"load_esc10", "load_fsdd"},
    "datasets/instruments.py": {"instrument_note"},
    "datasets/audioset.py": {"read_embeddings", "write_embeddings"},
    # The student edition's first cell calls it: code that book.student_notebook writes as text.
    "tools/book.py": {"student_mode"},
}


def public_definitions() -> dict[str, set[str]]:
    """``{module path under course_lib: names}`` of the public top-level functions and classes."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                found.setdefault(path.relative_to(PACKAGE).as_posix(), set()).add(node.name)
    return found


def _is_main_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return (isinstance(node, ast.If) and isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name) and test.left.id == "__name__")


def _targets(node: ast.AST) -> list:
    return node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]


def _is_all(node: ast.AST) -> bool:
    return isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in _targets(node))


def _words(node: ast.AST) -> set[str]:
    """The identifiers a piece of code uses: names, attributes, imported names (not docstrings or comments)."""
    words = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            words.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            words.add(sub.attr)
        elif isinstance(sub, ast.alias):
            words.update(sub.name.split("."))
    return words


def _units(source: str):
    """``(name or None, words)`` for each top-level statement of a module.

    A definition (public or private) and a constant (``NAME = ...``) are named: their words count
    only once something uses them. Any other statement (an import, a ``__main__`` block) always
    counts, except ``__all__``.
    """
    for node in ast.parse(source).body:
        if _is_all(node):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, _words(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and all(isinstance(t, ast.Name) for t in _targets(node)):
            for target in _targets(node):  # a constant: what it refers to counts once it is used
                yield target.id, _words(node.value) if node.value is not None else set()
        else:
            yield None, _words(node)


def notebook_words() -> set[str]:
    """The identifiers the code cells of every notebook use (IPython's ``!`` and ``%`` lines left out)."""
    words = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            code = "\n".join("" if line.lstrip().startswith(("!", "%")) else line for line in source.splitlines())
            try:
                words |= _words(ast.parse(code))
            except SyntaxError:   # not Python: every word counts
                words |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))
    return words


def unused_names() -> dict[str, set[str]]:
    """``{module path under course_lib: names}`` of the public definitions nothing in the course uses.

    Use is followed from the roots (notebooks, Makefile, benchmarks, each module's top-level
    statements) through the definitions they use: a function that only dead code calls is dead.
    A private name (``_x``) refers to its own module's definition only; a public one to every
    module's definition of that name.
    """
    units = {}   # (module, name) -> words
    roots = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for name, words in _units(path.read_text(encoding="utf-8")):
            if name is None:
                roots |= {(module, w) for w in words}
            else:
                units.setdefault((module, name), set()).update(words)
    outside = notebook_words()
    for path in sorted((ROOT / "benchmarks").glob("*.py")):
        outside |= _words(ast.parse(path.read_text(encoding="utf-8")))
    outside |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", (ROOT / "Makefile").read_text(encoding="utf-8")))
    modules_of = {}
    for module, name in units:
        modules_of.setdefault(name, []).append(module)

    def targets(module, word):
        if word.startswith("_"):
            return [(module, word)] if (module, word) in units else []
        return [(m, word) for m in modules_of.get(word, ())]

    todo = [t for w in outside for t in targets("", w)]
    todo += [t for module, w in roots for t in targets(module, w)]
    reached = set()
    while todo:
        unit = todo.pop()
        if unit in reached:
            continue
        reached.add(unit)
        todo += [t for w in units[unit] for t in targets(unit[0], w) if t not in reached]
    unused = {}
    for module, names in public_definitions().items():
        dead = {n for n in names if (module, n) not in reached}
        if dead:
            unused[module] = dead
    return unused


def test_every_public_definition_is_used_or_expected():
    unused = unused_names()
    unexpected = {m: sorted(n - EXPECTED_UNUSED.get(m, set())) for m, n in unused.items()}
    unexpected = {m: n for m, n in unexpected.items() if n}
    assert not unexpected, (
        "public functions or classes that no notebook, course_lib module, benchmark or Makefile "
        f"target uses (delete them with their tests, or list them in EXPECTED_UNUSED with a reason): {unexpected}")


def test_expected_unused_names_exist():
    """The list stays true: a name listed here that no longer exists is taken off the list."""
    definitions = public_definitions()
    missing = {m: sorted(n - definitions.get(m, set())) for m, n in EXPECTED_UNUSED.items()}
    missing = {m: n for m, n in missing.items() if n}
    assert not missing, f"EXPECTED_UNUSED names that no longer exist (take them off the list): {missing}"


if __name__ == "__main__":
    for module, names in sorted(unused_names().items()):
        for name in sorted(names):
            print(f"{module}: {name}{'  (expected)' if name in EXPECTED_UNUSED.get(module, ()) else ''}")
