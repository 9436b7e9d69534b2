"""The one shape of the chapter studies (course_lib.experiments.study): settings, run, record, load.

A small study of our own, written into a temporary folder, goes through the whole path in a
fraction of a second: run -> results with their record -> load; a changed setting, a changed line
of code and a changed data registry each make load refuse the results with the remake command;
a reworded docstring or comment does not. The real studies' quick runs are tested beside their
modules (they train, so they are marked slow); here every registered study is checked for the
shape alone.
"""

import importlib
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from course_lib import experiments
from course_lib.errors import CourseLibError, ResultsNotFoundError, StaleResultsError
from course_lib.experiments import study

TOY = '''
"""A toy study for the tests."""
import numpy as np

from course_lib.evaluation import stats

SETTINGS = {"n": 8, "seeds": (0, 1, 2)}
QUICK = {"n": 3}
FILES = ("toy.json", "toy.npy")
DATA = ("esc10",)
CHAPTER = "00_introduction"
TITLE = "a toy"


def run(settings, out_dir, progress):
    """Write an array; return one score per seed."""
    np.save(out_dir / "toy.npy", np.arange(settings["n"]))
    scores = [float(np.random.default_rng(s).random()) for s in settings["seeds"]]
    return {"runs": [{"seed": s, "score": v} for s, v in zip(settings["seeds"], scores)],
            "mean": stats.mean_ci(scores)[0]}
'''


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """Register the toy study (a module in a folder of its own on sys.path); yield its source file."""
    folder = tmp_path / "mods"
    folder.mkdir()
    source = folder / "toy_study.py"
    source.write_text(TOY)
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setitem(study.STUDIES, "toy", "toy_study")
    sys.modules.pop("toy_study", None)
    yield source
    sys.modules.pop("toy_study", None)


def _reload(source, text):
    source.write_text(text)
    sys.modules.pop("toy_study", None)
    importlib.invalidate_caches()


def test_run_then_load_gives_the_results_and_their_record(toy, tmp_path):
    out = tmp_path / "out"
    path = experiments.run("toy", out, quick=True, progress=False)
    assert path == out / "toy.json" and (out / "toy.npy").is_file()
    doc = json.loads(path.read_text())
    record = doc["record"]
    assert record["study"] == "toy" and record["quick"] is True
    assert record["settings"] == {"n": 3, "seeds": [0, 1, 2]}
    assert record["command"] == "python -m course_lib.experiments toy --quick"
    assert "course_lib.evaluation.stats" in record["code"]["modules"] and "toy_study" in record["code"]["modules"]
    assert record["data"]["datasets"] == ["esc10"] and len(record["data"]["sha256"]) == 64
    assert {"numpy", "python"} <= set(record["versions"])
    loaded = experiments.load("toy", out, quick=True)
    assert [r["seed"] for r in loaded["runs"]] == [0, 1, 2]
    assert loaded.results["mean"] == pytest.approx(np.mean([r["score"] for r in loaded["runs"]]), abs=1e-6)
    assert np.array_equal(np.load(loaded.path("toy.npy")), np.arange(3))
    with pytest.raises(KeyError, match="writes no file"):
        loaded.path("other.npy")


def test_a_changed_setting_is_refused_with_the_command(toy, tmp_path):
    experiments.run("toy", tmp_path, quick=True, progress=False)
    with pytest.raises(StaleResultsError, match=r"quick.*python -m course_lib.experiments toy`"):
        experiments.load("toy", tmp_path)          # a quick run is not the full study
    experiments.run("toy", tmp_path, progress=False, n=5)
    with pytest.raises(StaleResultsError, match=r"settings \['n'\]"):
        experiments.load("toy", tmp_path)
    assert experiments.load("toy", tmp_path, check=False)["runs"]


def test_changed_code_is_refused_but_not_a_reworded_docstring(toy, tmp_path):
    experiments.run("toy", tmp_path, progress=False)
    _reload(toy, TOY.replace('"""Write an array; return one score per seed."""', '"""Reworded."""  # and a comment'))
    experiments.load("toy", tmp_path)
    _reload(toy, TOY.replace("np.random.default_rng(s).random()", "np.random.default_rng(s + 1).random()"))
    with pytest.raises(StaleResultsError, match=r"code \(saved [0-9a-f]{12}, now [0-9a-f]{12}\)"):
        experiments.load("toy", tmp_path)


def test_a_change_in_an_imported_course_module_changes_the_code_version(toy):
    before = study.code_version("toy_study")
    assert before == study.code_version("toy_study")
    assert "course_lib._checks" in before["modules"]      # stats imports it: the closure is transitive
    _reload(toy, TOY.replace("from course_lib.evaluation import stats", "from course_lib.evaluation import stats\n"
                                                                         "from course_lib.dsp import mel"))
    after = study.code_version("toy_study")
    assert "course_lib.dsp.mel" in after["modules"] and after["sha256"] != before["sha256"]


def test_flat_alias_imports_count_as_the_real_module(toy):
    _reload(toy, TOY.replace("from course_lib.evaluation import stats", "from course_lib import stats"))
    assert "course_lib.evaluation.stats" in study.code_version("toy_study")["modules"]


def test_changed_data_registry_is_refused(toy, tmp_path, monkeypatch):
    experiments.run("toy", tmp_path, progress=False)
    real = study.fetch.registry

    def other(name):
        entries = real(name)
        return [entries[0].__class__(**{**entries[0].__dict__, "sha256": "0" * 64})] + list(entries[1:])

    monkeypatch.setattr(study.fetch, "registry", other)
    with pytest.raises(StaleResultsError, match="data"):
        experiments.load("toy", tmp_path)


def test_missing_or_damaged_results_name_the_file_and_the_command(toy, tmp_path):
    with pytest.raises(ResultsNotFoundError, match=r"toy\.json.*python -m course_lib.experiments toy") as info:
        experiments.load("toy", tmp_path)
    assert isinstance(info.value, (CourseLibError, FileNotFoundError))
    (tmp_path / "toy.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"toy\.json: not the results of a study"):
        experiments.load("toy", tmp_path)
    (tmp_path / "toy.json").write_text('{"runs": []}')
    with pytest.raises(ValueError, match="no JSON with a record"):
        experiments.load("toy", tmp_path)


def test_unknown_study_and_setting(toy):
    with pytest.raises(KeyError, match="no study 'nope'; the studies are"):
        experiments.module("nope")
    with pytest.raises(KeyError, match=r"no such setting \['epochs'\]"):
        experiments.settings_for("toy", epochs=3)


def test_jsonable_rounds_and_converts():
    assert study.jsonable({"a": (1, np.float32(0.1234567891)), 2: np.arange(2)}) == {"a": [1, 0.123457], "2": [0, 1]}


@pytest.mark.parametrize("name", sorted(study.STUDIES))
def test_every_registered_study_has_the_shape(name):
    mod = experiments.module(name)
    assert isinstance(mod.SETTINGS, dict) and mod.SETTINGS
    assert isinstance(mod.QUICK, dict) and mod.QUICK and set(mod.QUICK) <= set(mod.SETTINGS)
    assert mod.FILES and mod.FILES[0].endswith(".json")
    assert set(mod.DATA) <= set(study.fetch.set_names())
    assert callable(mod.run) and list(__import__("inspect").signature(mod.run).parameters) == \
        ["settings", "out_dir", "progress"]
    assert mod.CHAPTER and mod.TITLE
    assert not hasattr(mod, "main"), "a study has no command line of its own: python -m course_lib.experiments"


@pytest.mark.parametrize("name", sorted(study.STUDIES))
def test_the_saved_results_of_every_study_are_current(name):
    """data/ holds each study's results with a record equal to what the study would run now."""
    results = experiments.load(name)
    for file in experiments.module(name).FILES[1:]:
        assert results.path(file).stat().st_size > 0


@pytest.mark.slow
def test_the_command_lists_the_studies():
    out = subprocess.run([sys.executable, "-m", "course_lib.experiments", "--list"], capture_output=True, text=True,
                         check=True).stdout
    for name in study.STUDIES:
        assert name in out
    bad = subprocess.run([sys.executable, "-m", "course_lib.experiments", "nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and "invalid choice: 'nope'" in bad.stderr


def test_no_notebook_imports_a_command_line_module():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code")
        assert not __import__("re").search(r"\b(crepe_cli|wavenet_cli|__main__)\b", code), nb.name


def test_restamp_keeps_the_numbers_and_the_old_hash_in_plain_sight(toy, tmp_path):
    path = experiments.run("toy", tmp_path, progress=False)
    before = json.loads(path.read_text())
    _reload(toy, TOY.replace("def run(settings, out_dir, progress):", "def run(settings, out_dir, progress):\n    x = 1"))
    with pytest.raises(StaleResultsError, match="code"):
        experiments.load("toy", tmp_path)
    with pytest.raises(ValueError, match="reason"):
        study.restamp("toy", " ", tmp_path)
    study.restamp("toy", "an unused variable, the same numbers", tmp_path)
    after = json.loads(path.read_text())
    assert after["runs"] == before["runs"] and after["record"]["versions"] == before["record"]["versions"]
    assert after["record"]["restamped"] == [{"from": before["record"]["code"]["sha256"],
                                             "to": after["record"]["code"]["sha256"],
                                             "reason": "an unused variable, the same numbers"}]
    experiments.load("toy", tmp_path)
    experiments.run("toy", tmp_path, progress=False, n=4)            # other settings: restamp refuses
    with pytest.raises(StaleResultsError, match="real run"):
        study.restamp("toy", "x", tmp_path)
