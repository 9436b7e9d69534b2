"""environment.yml (Binder, conda) must pin the same packages pyproject.toml asks for, within its ranges."""

import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
BINDER_EXTRAS = ("lab", "test")  # the larger CREPE weights (extra crepe-large) stay optional
BINDER_MARKERS = {"sys_platform": "linux", "platform_system": "Linux", "python_version": "3.11"}


def _pyproject_requirements():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in meta["dependencies"]]
    for extra in BINDER_EXTRAS:
        reqs += [Requirement(r) for r in meta["optional-dependencies"][extra]]
    # Keep what applies on Binder's Linux / Python 3.11.
    return {canonicalize_name(r.name): r for r in reqs if r.marker is None or r.marker.evaluate(BINDER_MARKERS)}


def _environment_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    pins = {}
    for line in pip_section:
        name, _, version = line.partition("==")
        assert version, f"environment.yml: {line!r} is not pinned with =="
        pins[canonicalize_name(name)] = Version(version)
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    return pins, conda


def test_environment_pins_every_pyproject_requirement_inside_its_range():
    reqs = _pyproject_requirements()
    pins, _ = _environment_pins()
    assert set(reqs) == set(pins), (
        f"only in pyproject.toml: {sorted(set(reqs) - set(pins))}; only in environment.yml: {sorted(set(pins) - set(reqs))}"
    )
    for name, req in reqs.items():
        assert req.specifier.contains(pins[name]), f"{name}: environment.yml pins {pins[name]}, pyproject.toml allows {req.specifier}"


def test_every_range_is_bounded_above():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    every = meta["dependencies"] + [r for extra in meta["optional-dependencies"].values() for r in extra]
    for req in map(Requirement, every):
        name = req.name
        assert any(s.operator in ("<", "<=", "==", "~=") for s in req.specifier), f"{name}: {req.specifier} has no upper bound"


def test_binder_python_is_311():
    _, conda = _environment_pins()
    assert "python=3.11" in conda
