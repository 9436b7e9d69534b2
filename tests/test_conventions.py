"""One convention across course_lib, checked on the source of every public function.

- Randomness comes in through a parameter named ``rng`` (an int seed or a
  ``numpy.random.Generator``), never ``seed``.
- A sample rate ``sr`` comes first, or right after the one signal (or the one named sound) it
  describes; every parameter after ``sr`` is keyword-only (``mel.melspectrogram(y, sr, n_mels=64)``),
  so a call reads like the maths and no argument lands in the wrong place.
- No public function takes seven or more positional parameters.
- Every function that loads one sound from a file returns ``(y, sr)``.
- A missing file of the course's (weights, data, results) raises an error of the course's family
  (``course_lib.errors``), never a bare ``FileNotFoundError`` or ``OSError``.

The public API that COURSE.md fixes keeps its signatures where it disagrees; :data:`API` lists
those exceptions, each with the rule it breaks, and the test fails on any other.
"""

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_lib"

#: COURSE.md's public API, where it disagrees with a rule: (module path, function) -> why.
API = {
    ("dsp/audio", "load"): "COURSE.md: load(path, sr=None, mono=True)",
    ("datasets/corpora", "load_esc10"): "COURSE.md: load_esc10(sr=None) (duration follows)",
    ("datasets/instruments", "instrument_note"): "COURSE.md: instrument_note(instrument, midi, velocity=100, duration=1.0, sr=16000)",
    ("models/crepe", "predict"): "COURSE.md: predict(audio, sr, capacity='tiny', step_size=10, center=True, viterbi=False)",
    # Not COURSE.md's, but a convention older than ours: soundfile.write(file, data, samplerate).
    ("dsp/audio", "save"): "save(path, y, sr, *, subtype): soundfile's order, the file first",
    # Two signals, then the rate they share (as in the GCC-PHAT literature and pyroomacoustics).
    ("dsp/localization", "gcc_phat"): "gcc_phat(x, y, sr, *, ...): a pair of signals, then their rate",
}

def _functions():
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).with_suffix("").as_posix()
        if path.stem.startswith("_") and path.stem != "__init__":
            continue    # _checks: argument checks, whose first parameter is the value checked
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield module, node
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        yield module, item


FUNCTIONS = list(_functions())


def _positional(node):
    return [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]


def _violations(rule):
    found = []
    for module, node in FUNCTIONS:
        if (module, node.name) in API:
            continue
        problem = rule(node)
        if problem:
            found.append(f"{module}.{node.name}: {problem}")
    return found


def test_randomness_comes_in_as_rng():
    def rule(node):
        names = _positional(node) + [a.arg for a in node.args.kwonlyargs]
        return "takes `seed`; name it `rng` (an int or a numpy Generator)" if "seed" in names else None

    assert not _violations(rule), "\n".join(_violations(rule))


def test_sr_comes_first_or_after_its_signal_and_the_rest_is_keyword_only():
    def rule(node):
        pos = _positional(node)
        if "sr" not in pos:
            return None
        i = pos.index("sr")
        if i > 1:
            return f"sr is positional parameter {i + 1} after {pos[:i]}: make it keyword-only or second"
        if pos[i + 1:]:
            return f"{pos[i + 1:]} after sr must be keyword-only (add `*,` after sr)"
        return None

    assert not _violations(rule), "\n".join(_violations(rule))


def test_no_function_takes_seven_or_more_positional_parameters():
    def rule(node):
        pos = _positional(node)
        return f"{len(pos)} positional parameters: make the later ones keyword-only" if len(pos) >= 7 else None

    assert not _violations(rule), "\n".join(_violations(rule))


def test_api_exceptions_still_exist():
    defined = {(m, n.name) for m, n in FUNCTIONS}
    assert set(API) <= defined, f"API lists functions that are gone: {sorted(set(API) - defined)}"


def test_missing_files_raise_the_courses_errors():
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).with_suffix("").as_posix()
        if module.startswith("tools/"):
            continue    # the book's tooling reports a broken checkout (book.yml, npm), not course files
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name) \
                    and node.exc.func.id in ("FileNotFoundError", "OSError", "IOError"):
                bare.append(f"{module}:{node.lineno} raises a bare {node.exc.func.id}")
    assert not bare, "use course_lib.errors (DataError, WeightsNotFoundError, ResultsNotFoundError):\n" + "\n".join(bare)


@pytest.mark.parametrize("loader, args", [
    ("load_background", ("rain",)),
    ("load_room_ir", ("Seminar room (clap)",)),
    ("load_device_ir", ("Radio 001",)),
    ("load_voice", ()),
    ("load_vocadito", ()),
])
def test_every_loader_of_one_sound_returns_y_and_sr(loader, args):
    from course_lib import corpora

    function = getattr(corpora, loader)
    out = function(*args, sr=8000)
    assert isinstance(out, tuple) and len(out) >= 2, f"{loader} returns {type(out).__name__}, not (y, sr)"
    y, sr = out[:2]
    assert isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype == np.float32 and sr == 8000
    assert "sr" in inspect.signature(function).parameters
