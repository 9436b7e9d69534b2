"""course_lib's layers, checked on the source: every import follows course_lib.LAYERS (subpackages
by job), no module reaches into another's private names, the flat names of earlier versions give
the very modules of the subpackages, and the README lists the same layers."""

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

import course_lib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_lib"
#: Every module as a dotted path below course_lib ("_checks", "dsp.audio", "dsp", ...).
FILES = {(".".join(p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
         for p in sorted(PACKAGE.rglob("*.py")) if p.name != "__init__.py" or p.parent != PACKAGE}
MODULES = sorted(FILES)


def _unit(module: str) -> str:
    """The layer unit of a module: its subpackage, or itself for a core module."""
    return module.split(".")[0]


def _resolve(module: str, level: int, target) -> str:
    """The dotted path below course_lib of a relative import in ``module``."""
    package = module.split(".") if FILES[module].name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _imports(module: str):
    """(imported module below course_lib, line, names imported from it) for every course_lib import."""
    tree = ast.parse(FILES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = _resolve(module, node.level, node.module)
            for alias in node.names:
                full = f"{base}.{alias.name}" if base else alias.name
                if full in FILES:       # from . import a: a module
                    yield full, node.lineno, ()
                else:                   # from .a import x: a name of module a
                    yield base, node.lineno, (alias.name,)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for full in names:
                if full and full.startswith("course_lib."):
                    yield full.removeprefix("course_lib."), node.lineno, ()


def test_every_subpackage_and_core_module_has_a_layer():
    units = {_unit(m) for m in MODULES}
    assert units == set(course_lib.LAYERS), (
        f"not in LAYERS: {sorted(units - set(course_lib.LAYERS))}; "
        f"in LAYERS but absent: {sorted(set(course_lib.LAYERS) - units)}")


def test_no_flat_module_beside_the_subpackages():
    flat = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert flat == ["_checks", "errors"], f"put these in a subpackage: {sorted(set(flat) - {'_checks', 'errors'})}"


@pytest.mark.parametrize("name", MODULES)
def test_imports_go_down_or_sideways_never_up(name):
    own = course_lib.LAYERS[_unit(name)]
    for target, line, _ in _imports(name):
        assert target in FILES or target == "", f"{name}:{line} imports unknown module course_lib.{target}"
        if target in course_lib.ALIASES:
            raise AssertionError(f"{name}:{line} imports the flat alias course_lib.{target}; "
                                 f"import course_lib.{course_lib.ALIASES[target]}")
        other = course_lib.LAYERS[_unit(target)]
        assert other < own or (other == own and _unit(target) == _unit(name)) or course_lib.LAYERS[_unit(name)] == 0 \
            and other == 0, f"{name}:{line} (layer {own}) imports {target} (layer {other})"


def test_no_import_cycles():
    graph = {m: {t for t, _, _ in _imports(m)} - {m} for m in MODULES}

    def visit(node, path):
        assert node not in path, f"import cycle: {' -> '.join(path + [node])}"
        for nxt in graph.get(node, ()):
            visit(nxt, path + [node])

    for m in MODULES:
        visit(m, [])


@pytest.mark.parametrize("name", MODULES)
def test_no_private_name_of_another_module(name):
    tree = ast.parse(FILES[name].read_text(encoding="utf-8"))
    imported = {}
    for target, line, names in _imports(name):
        for n in names:
            assert not n.startswith("_"), f"{name}:{line} imports the private {target}.{n}"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            for alias in node.names:
                full = f"{_resolve(name, node.level, node.module)}.{alias.name}".lstrip(".")
                if full in FILES:
                    imported[alias.asname or alias.name] = full
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported
                and imported[node.value.id] != name and node.attr.startswith("_") and not node.attr.startswith("__")):
            raise AssertionError(f"{name}:{node.lineno} uses the private {node.value.id}.{node.attr}")


@pytest.mark.parametrize("flat", sorted(course_lib.ALIASES))
def test_flat_names_are_the_same_modules(flat):
    real = importlib.import_module(f"course_lib.{course_lib.ALIASES[flat]}")
    assert importlib.import_module(f"course_lib.{flat}") is real
    assert sys.modules[f"course_lib.{flat}"] is real
    namespace = {}
    exec(f"from course_lib import {flat} as m", namespace)
    assert namespace["m"] is real
    assert real.__name__ == f"course_lib.{course_lib.ALIASES[flat]}"


def test_aliases_name_real_modules_only():
    for flat, target in course_lib.ALIASES.items():
        assert target in FILES, f"ALIASES[{flat!r}] = {target!r} is no module"
        assert target.split(".")[-1] == flat
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("course_lib.no_such_module")


def test_readme_lists_the_same_layers():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"`course_lib` is split by job into subpackages.*?\n\n((?:\d\. [^\n]*\n)+)", readme, re.S)
    assert match, "README: the layer list is missing"
    listed = {}
    for number, body in re.findall(r"(\d)\. ([^\n]*)", match.group(1)):
        units = re.findall(r"`(\w+)`", body) if number == "0" else re.findall(r"^`(\w+)`", body)
        for unit in units:
            listed[unit] = int(number)
    assert listed == course_lib.LAYERS


def test_importing_the_package_leaves_the_environment_alone():
    import os
    import subprocess

    code = ("import os, json; before = dict(os.environ); import course_lib, course_lib.audio, course_lib.corpora; "
            "print(json.dumps(sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
