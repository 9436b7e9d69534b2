"""One shape for every chapter study: settings, a run that writes results, a loader, one command.

A study is a module of :mod:`course_lib.experiments` that defines

- ``SETTINGS``: a dict of everything that decides its numbers (features, network, epochs, seeds);
- ``QUICK``: overrides of ``SETTINGS`` for ``--quick``, a run of a few seconds that goes through
  the whole path (train, save, load, score) on a sliver of the data;
- ``FILES``: the names of the files a run writes, the results JSON first (then weights, arrays);
- ``DATA``: the registries of real recordings it reads (``course_lib/registry/NAME.csv``);
- ``run(settings, out_dir, progress)``: runs the study with those settings, writes its weights or
  arrays (``FILES[1:]``) into ``out_dir`` and returns the results (a JSON-serialisable dict);
- optionally ``CHAPTER`` (the notebook that reads it) and ``TITLE`` (one line).

:func:`run` saves the returned dict as ``FILES[0]`` with a ``record`` of what made it: the study,
its settings, whether it was a quick run, a hash of the code (the study's module and every
course_lib module it imports, transitively, with docstrings and comments left out), a hash of the
registries of its data, the library versions, and the command that remakes it. :func:`load`
reads it back and, with ``check=True``, refuses a file whose settings, code or data differ from
what the study would run now (:class:`~course_lib.errors.StaleResultsError`, naming the command).
A missing file raises :class:`~course_lib.errors.ResultsNotFoundError`, naming the file and the
command. Library versions are recorded but not compared: another machine may differ in them.

Every study is remade by ``python -m course_lib.experiments NAME [--quick] [--out DIR]``;
``python -m course_lib.experiments --list`` lists them. A change of code that provably computes
the same numbers (a function moved or renamed) need not cost hours of retraining: :func:`restamp`
(``--restamp "why"``) gives the saved results the current code's hash and keeps the old hash and
the reason in the record's ``restamped`` list, in plain sight; the chapter's live re-run is then
the evidence that the numbers still hold. Layer 5.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..datasets import assets, fetch
from ..errors import ResultsNotFoundError, StaleResultsError

__all__ = ["STUDIES", "COMMAND", "Results", "module", "settings_for", "code_version", "data_version",
           "library_versions", "record_for", "run", "load", "results_path", "check_record", "jsonable", "restamp"]

#: Every study: its name on the command line and its module in :mod:`course_lib.experiments` (or,
#: where there is no such module, a top-level module's name: the tests register a study of their own).
STUDIES: dict[str, str] = {
    "mel_bands": "mel_bands",                  # 03: how many mel bands, ESC-10's 5 folds
    "vggish_esc10": "vggish_esc10",            # 04: a small VGGish on ESC-10's folds, the transfer source
    "transfer_esc10": "transfer_esc10",        # 04: log-mel statistics, small VGGish and BirdNET embeddings
    "augment_ablation": "augment_ablation",    # 05: each augmentation alone, FSDD's unseen speakers
    "raw_waveform": "raw_waveform",            # 06: raw waveform vs log-mel front ends, FSDD
    "pitch_benchmark": "pitch_benchmark",      # 07: CREPE, FCN-F0, pYIN on notes in real noise
    "crepe_heads": "crepe_heads",              # 07: classification vs regression heads
    "wavenet_notes": "wavenet_notes",          # 08: the conditioned WaveNet on recorded notes
    "detection": "detection",                  # 09: CRNN vs sliding-window baseline, soundscapes
    "doa_network": "doa_network",              # 09: the direction-of-arrival network
    "ssl_esc10": "ssl_esc10",                  # 10: COLA pretraining and a few-label linear probe, ESC-10
    "transformer_fsdd": "transformer_fsdd",    # 10: a spectrogram transformer vs a CNN of its size, FSDD
    "pesto_notes": "pesto_notes",              # 10: a small PESTO trained without labels, unheard instruments
}

#: The command that remakes a study (``COMMAND.format(name=...)``).
COMMAND = "python -m course_lib.experiments {name}"

#: The record's fields that must equal the study's own for saved results to be used.
CHECKED = ("study", "settings", "quick", "code", "data")


def module(name: str):
    """The module of study ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`STUDIES`.

    Returns
    -------
    module

    Raises
    ------
    KeyError
        An unknown study (the message lists the known ones).

    Notebook: (tooling, ``python -m course_lib.experiments``)
    """
    if name not in STUDIES:
        raise KeyError(f"no study {name!r}; the studies are {', '.join(sorted(STUDIES))}")
    target = STUDIES[name]
    here = f"{__package__}.{target}"
    return importlib.import_module(here if _is_module(here) else target)


def settings_for(name: str, quick: bool = False, **overrides) -> dict:
    """The settings a run of study ``name`` uses: ``SETTINGS``, then ``QUICK`` if ``quick``, then overrides.

    Parameters
    ----------
    name : str
        A study.
    quick : bool
        Apply the study's ``QUICK`` overrides.
    **overrides
        Further settings (each must be a key of ``SETTINGS``).

    Returns
    -------
    dict

    Raises
    ------
    KeyError
        An override that is no setting of the study.

    Notebook: (tooling, ``python -m course_lib.experiments``)
    """
    mod = module(name)
    unknown = sorted(set(overrides) - set(mod.SETTINGS))
    if unknown:
        raise KeyError(f"{name}: no such setting {unknown}; the settings are {sorted(mod.SETTINGS)}")
    return jsonable({**mod.SETTINGS, **(mod.QUICK if quick else {}), **overrides})


def jsonable(value):
    """``value`` with tuples as lists, NumPy scalars as Python numbers and floats rounded to 6 decimals.

    The form results and settings are saved in, so that a saved record compares equal to a fresh one.

    Parameters
    ----------
    value : object
        Dicts, lists, tuples, numbers, strings, None, NumPy scalars and arrays.

    Returns
    -------
    object

    Notebook: (tooling, how results are saved)
    """
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _source_file(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(name)
    return Path(spec.origin)


def _imports_of(name: str, tree: ast.AST, is_package: bool) -> set[str]:
    """The course_lib modules a module imports (relative or absolute, at any depth of its code)."""
    parts = name.split(".")
    package = parts if is_package else parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if _is_module(full) else base)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course_lib"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if _is_module(full) else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("course_lib"))
    return {f for f in found if f.startswith("course_lib")}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _canonical(name: str) -> str:
    """The real module of a flat alias name (``course_lib.training`` -> ``course_lib.models.training``)."""
    import course_lib

    head, _, rest = name.partition(".")
    return f"course_lib.{course_lib.ALIASES[rest]}" if head == "course_lib" and rest in course_lib.ALIASES else name


def _normalized_source(source: str) -> str:
    """The source without docstrings, comments, trailing spaces and blank lines.

    Done on the text (positions from :mod:`ast` and :mod:`tokenize`), not by unparsing the syntax
    tree, whose printed form changes between Python versions: the same file gives the same text on
    Python 3.10 and 3.13, so a cache made on one is current on the other.
    """
    import io
    import tokenize

    lines = [line.encode() for line in source.splitlines(keepends=True)]
    spans = []   # (line, start byte, line, end byte), 1-based lines
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                spans.append((first.lineno, first.col_offset, first.end_lineno, first.end_col_offset))
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            (l1, c1), (l2, c2) = tok.start, tok.end
            text = source.splitlines(keepends=True)[l1 - 1]
            spans.append((l1, len(text[:c1].encode()), l2, len(text[:c2].encode())))
    for l1, c1, l2, c2 in sorted(spans, reverse=True):
        head, tail = lines[l1 - 1][:c1], lines[l2 - 1][c2:]
        lines[l1 - 1:l2] = [head + tail]
    kept = (line.rstrip() for line in b"".join(lines).decode().splitlines())
    return "\n".join(line for line in kept if line)


def code_version(module_name: str) -> dict:
    """A hash of the code a module runs: its source and that of every course_lib module it imports.

    Docstrings, comments and blank lines are left out, so rewording a docstring keeps the hash; any
    change to what the code computes changes it. The same files give the same hash on every
    supported Python (the text is trimmed, not re-printed from the syntax tree).

    Parameters
    ----------
    module_name : str
        A dotted module name, e.g. ``"course_lib.experiments.mel_bands"``.

    Returns
    -------
    dict
        ``{"sha256": hex digest, "modules": sorted module names}``.

    Notebook: (tooling, the record of saved results)
    """
    seen, todo = {}, [_canonical(module_name)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _source_file(name)
        source = path.read_text(encoding="utf-8")
        todo.extend(_canonical(m) for m in _imports_of(name, ast.parse(source), path.name == "__init__.py"))
        seen[name] = _normalized_source(source)
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(f"{name}\n{seen[name]}\n".encode())
    return {"sha256": digest.hexdigest(), "modules": sorted(seen)}


def data_version(datasets) -> dict:
    """A hash of the registries (file, URL, sha256 of every file) of the real data a study reads.

    Parameters
    ----------
    datasets : sequence of str
        Registry names (``"esc10"``, ``"fsdd"``, ...: :func:`course_lib.datasets.fetch.set_names`).

    Returns
    -------
    dict
        ``{"sha256": hex digest, "datasets": sorted names}``.

    Notebook: (tooling, the record of saved results)
    """
    digest = hashlib.sha256()
    names = sorted(set(datasets))
    for name in names:
        for e in fetch.registry(name):
            digest.update(f"{e.path}\t{e.sha256}\n".encode())
    return {"sha256": digest.hexdigest(), "datasets": names}


def library_versions() -> dict:
    """Versions of the libraries that decide the studies' numbers (recorded, not compared).

    Returns
    -------
    dict
        ``{"python": ..., "numpy": ..., "scipy": ..., "librosa": ..., "sklearn": ..., "keras": ...,
        "tensorflow": ...}`` (a library that is not installed is left out).

    Notebook: (tooling, the record of saved results)
    """
    import platform

    out = {"python": platform.python_version()}
    for lib in ("numpy", "scipy", "librosa", "sklearn", "keras", "tensorflow"):
        try:
            out[lib] = importlib.import_module(lib).__version__
        except ImportError:
            pass
    return out


def record_for(name: str, settings: dict, quick: bool = False) -> dict:
    """The record of a run of study ``name`` with ``settings``: what :func:`load` compares.

    Parameters
    ----------
    name : str
        A study.
    settings : dict
        Its settings (:func:`settings_for`).
    quick : bool
        Whether the run is a quick one.

    Returns
    -------
    dict
        ``study``, ``settings``, ``quick``, ``code``, ``data``, ``versions``, ``command``.

    Notebook: (tooling, the record of saved results)
    """
    mod = module(name)
    return {"study": name, "settings": jsonable(settings), "quick": bool(quick),
            "code": code_version(mod.__name__), "data": data_version(getattr(mod, "DATA", ())),
            "versions": library_versions(), "command": COMMAND.format(name=name) + (" --quick" if quick else "")}


def results_path(name: str, out_dir=None) -> Path:
    """Where study ``name`` keeps its results JSON (``FILES[0]``) in ``out_dir`` (default ``data/``).

    Parameters
    ----------
    name : str
        A study.
    out_dir : str or Path, optional
        A folder; default :func:`course_lib.datasets.assets.data_dir`.

    Returns
    -------
    Path

    Notebook: (tooling, where results are saved)
    """
    folder = Path(out_dir) if out_dir is not None else assets.data_dir()
    return folder / module(name).FILES[0]


@dataclass(frozen=True)
class Results:
    """A study's saved results: what :func:`load` returns.

    Attributes
    ----------
    name : str
        The study.
    record : dict
        What made them (:func:`record_for`).
    results : dict
        What the study's ``run`` returned.
    folder : Path
        The folder of the results and of the study's other files (weights, arrays).

    Notebook: (tooling, how a chapter reads a study)
    """

    name: str
    record: dict
    results: dict
    folder: Path

    def path(self, file: str) -> Path:
        """One of the study's files (a name in its ``FILES``), which must exist."""
        if file not in module(self.name).FILES:
            raise KeyError(f"{self.name} writes no file {file!r}; its files are {module(self.name).FILES}")
        p = self.folder / file
        if not p.is_file():
            raise ResultsNotFoundError(f"{p}: missing; remake it with `{COMMAND.format(name=self.name)}`")
        return p

    def __getitem__(self, key):
        return self.results[key]


def check_record(name: str, record: dict, path=None, quick: bool = False) -> None:
    """Raise :class:`StaleResultsError` when ``record`` differs from study ``name``'s own (settings, code, data).

    Parameters
    ----------
    name : str
        A study.
    record : dict
        A saved record.
    path : str or Path, optional
        The file it came from (named in the message).
    quick : bool
        Whether the saved run should be a quick one.

    Raises
    ------
    StaleResultsError
        The fields that differ, and the command that remakes the results.

    Notebook: (tooling, how a chapter refuses stale results)
    """
    own = record_for(name, settings_for(name, quick=quick), quick=quick)
    differ = [k for k in CHECKED if jsonable(record.get(k)) != jsonable(own[k])]
    if differ:
        details = []
        for k in differ:
            if k == "settings":
                a, b = record.get(k) or {}, own[k]
                keys = sorted(key for key in set(a) | set(b) if a.get(key) != b.get(key))
                details.append(f"settings {keys}")
            elif k in ("code", "data"):
                details.append(f"{k} (saved {str((record.get(k) or {}).get('sha256'))[:12]}, now {own[k]['sha256'][:12]})")
            else:
                details.append(f"{k} (saved {record.get(k)!r}, now {own[k]!r})")
        where = f"{path}: " if path else ""
        raise StaleResultsError(f"{where}the saved results of {name} were made by other {', '.join(details)}; "
                                f"remake them with `{own['command']}`")


def run(name: str, out_dir=None, quick: bool = False, progress: bool = True, **overrides) -> Path:
    """Run study ``name`` and save its results with their record; its weights go beside them.

    Parameters
    ----------
    name : str
        A study.
    out_dir : str or Path, optional
        The folder (made if missing; default ``data/`` of the checkout).
    quick : bool
        The study's quick settings (seconds, a sliver of the data).
    progress : bool
        Print progress.
    **overrides
        Settings that differ from the study's (recorded; :func:`load` then refuses the results).

    Returns
    -------
    Path
        The results JSON.

    Notebook: (tooling, ``python -m course_lib.experiments NAME``)
    """
    mod = module(name)
    settings = settings_for(name, quick=quick, **overrides)
    folder = Path(out_dir) if out_dir is not None else assets.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    results = mod.run(settings, folder, progress)
    record = {**record_for(name, settings, quick=quick), "seconds": round(time.perf_counter() - t0)}
    path = folder / mod.FILES[0]
    path.write_text(json.dumps({"record": record, **jsonable(results)}, indent=1) + "\n")
    return path


def load(name: str, out_dir=None, check: bool = True, quick: bool = False) -> Results:
    """Read study ``name``'s saved results, refusing stale ones.

    Parameters
    ----------
    name : str
        A study.
    out_dir : str or Path, optional
        The folder (default ``data/``).
    check : bool
        Refuse results whose settings, code or data differ from the study's own.
    quick : bool
        Expect a quick run (what ``--quick`` wrote).

    Returns
    -------
    Results

    Raises
    ------
    ResultsNotFoundError
        No results file (the message names it and the command).
    StaleResultsError
        ``check`` and a record that differs.
    ValueError
        A file that is not a study's results (the message names it).

    Notebook: (tooling, how a chapter reads a study)
    """
    path = results_path(name, out_dir)
    command = COMMAND.format(name=name) + (" --quick" if quick else "")
    if not path.is_file():
        raise ResultsNotFoundError(f"{path}: no saved results of {name}; make them with `{command}`")
    try:
        doc = json.loads(path.read_text())
        record = doc.pop("record")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: not the results of a study (no JSON with a record: {exc}); "
                         f"remake them with `{command}`") from exc
    if check:
        check_record(name, record, path, quick=quick)
    return Results(name, record, doc, path.parent)


def restamp(name: str, reason: str, out_dir=None) -> Path:
    """Record that saved results still hold for the current code, without retraining.

    For a change that moves or renames code but computes the same numbers. The results are not
    touched; the record gets the current code and data hashes and library-independent fields, and
    its ``restamped`` list gets ``{"from": old code hash, "to": new code hash, "reason": reason}``,
    so the record keeps saying which code really ran. Settings must already equal the study's
    own: a change of settings changes the numbers, and needs a real run.

    Parameters
    ----------
    name : str
        A study.
    reason : str
        Why the results still hold (kept in the record).
    out_dir : str or Path, optional
        The folder (default ``data/``).

    Returns
    -------
    Path
        The results file, rewritten.

    Raises
    ------
    ResultsNotFoundError
        No saved results.
    StaleResultsError
        Settings or the quick flag that differ from the study's own.
    ValueError
        An empty reason.

    Notebook: (tooling, ``python -m course_lib.experiments NAME --restamp "why"``)
    """
    if not str(reason).strip():
        raise ValueError("reason must say why the saved results still hold for the current code")
    path = results_path(name, out_dir)
    if not path.is_file():
        raise ResultsNotFoundError(f"{path}: no saved results of {name}; make them with `{COMMAND.format(name=name)}`")
    doc = json.loads(path.read_text())
    record = doc.pop("record", None)
    if not isinstance(record, dict):
        raise ValueError(f"{path}: not the results of a study (no record)")
    quick = bool(record.get("quick"))
    own = record_for(name, settings_for(name, quick=quick), quick=quick)
    if jsonable(record.get("settings")) != own["settings"]:
        raise StaleResultsError(f"{path}: the saved settings differ from the study's; a change of settings needs a "
                                f"real run: `{own['command']}`")
    history = list(record.get("restamped", []))
    history.append({"from": (record.get("code") or {}).get("sha256"), "to": own["code"]["sha256"],
                    "reason": str(reason).strip()})
    record = {**record, "code": own["code"], "data": own["data"], "command": own["command"], "restamped": history}
    path.write_text(json.dumps({"record": record, **doc}, indent=1) + "\n")
    return path
