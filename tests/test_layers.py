"""course_lib's layers, checked on the source: every ``from . import`` follows course_lib.LAYERS,
no module reaches into another's private names, and the README lists the same layers."""

import ast
import re
from pathlib import Path

import pytest

import course_lib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_lib"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def _imports(name: str):
    """(imported module, line, names imported from it) for every relative import of a module."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:  # from . import a, b
                for alias in node.names:
                    yield alias.name, node.lineno, ()
            else:  # from .a import x, y
                yield node.module.split(".")[0], node.lineno, tuple(a.name for a in node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [module] if module else [a.name for a in node.names]
            for full in names:
                if full and full.startswith("course_lib."):
                    yield full.split(".")[1], node.lineno, ()


def test_every_module_has_a_layer():
    assert set(MODULES) == set(course_lib.LAYERS), (
        f"not in LAYERS: {sorted(set(MODULES) - set(course_lib.LAYERS))}; "
        f"in LAYERS but absent: {sorted(set(course_lib.LAYERS) - set(MODULES))}")


@pytest.mark.parametrize("name", MODULES)
def test_imports_go_down_or_sideways_never_up(name):
    own = course_lib.LAYERS[name]
    for target, line, _ in _imports(name):
        assert target in course_lib.LAYERS, f"{name}.py:{line} imports unknown module {target}"
        assert course_lib.LAYERS[target] <= own, (
            f"{name}.py:{line} (layer {own}) imports {target} (layer {course_lib.LAYERS[target]})")


def test_no_import_cycles():
    graph = {m: {t for t, _, _ in _imports(m)} - {m} for m in MODULES}

    def visit(node, path):
        assert node not in path, f"import cycle: {' -> '.join(path + [node])}"
        for nxt in graph[node]:
            visit(nxt, path + [node])

    for m in MODULES:
        visit(m, [])


@pytest.mark.parametrize("name", MODULES)
def test_no_private_name_of_another_module(name):
    source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {}
    for target, line, names in _imports(name):
        for n in names:
            assert not n.startswith("_"), f"{name}.py:{line} imports the private {target}.{n}"
        if not names:
            imported[target] = line
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported
                and node.value.id != name and node.attr.startswith("_") and not node.attr.startswith("__")):
            raise AssertionError(f"{name}.py:{node.lineno} uses the private {node.value.id}.{node.attr}")


def test_readme_lists_the_same_layers():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"`course_lib` is organised by domain in layers.*?\n\n((?:\d\. [^\n]*\n)+)", readme, re.S)
    assert match, "README: the layer list is missing"
    listed = {}
    for number, body in re.findall(r"(\d)\. ([^\n]*)", match.group(1)):
        for module in re.findall(r"`(\w+)`", body):
            listed[module] = int(number)
    assert listed == course_lib.LAYERS


def test_importing_the_package_leaves_the_environment_alone():
    import os
    import subprocess
    import sys

    code = ("import os, json; before = dict(os.environ); import course_lib, course_lib.audio, course_lib.corpora; "
            "print(json.dumps(sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
