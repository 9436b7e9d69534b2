"""AudioSet's file formats, byte for byte: the ontology, the class index, the segment lists, the embeddings.

Google's AudioSet (Gemmeke et al., ICASSP 2017) ships four kinds of files, and this module reads and
writes each of them exactly as published, so that writing what was read gives the same bytes:

- ``ontology.json``: 632 sound classes as a JSON list of entries (``id``, ``name``,
  ``description``, ``citation_uri``, ``positive_examples``, ``child_ids``, ``restrictions``)
  forming a hierarchy with several roots, in which a class may have more than one parent
  (:func:`load_ontology`, :class:`Ontology`, :func:`write_ontology`);
- ``class_labels_indices.csv``: the 527 classes of the released labels, embeddings and models,
  ``index,mid,display_name`` with every display name quoted (:func:`read_class_labels`,
  :func:`write_class_labels`);
- the segment lists (``eval_segments.csv``, ``balanced_train_segments.csv``, ...): three ``#``
  header lines, then ``YTID, start_seconds, end_seconds, "mid,mid,..."`` (:func:`read_segments`,
  :func:`write_segments`);
- the embeddings: TFRecord files of ``tf.train.SequenceExample`` protocol buffers, one per 10 s
  segment, holding one 128-byte quantized VGGish embedding per 0.96 s of audio
  (:func:`read_embeddings`, :func:`write_embeddings`, :func:`quantize`, :func:`dequantize`), and
  the multi-label targets of their class indices (:func:`multi_hot`).

The TFRecord framing and the protocol buffers are decoded by :mod:`course_lib.tfrecord`, in plain
Python, without TensorFlow; this module checks that each record is an AudioSet embedding record. A
truncated, corrupted or malformed file raises :class:`AudioSetFormatError` (from
:mod:`course_lib.errors`) naming the file and the line or record, never skips data. Chapter
``04_audioset_vggish`` teaches these formats; :mod:`course_lib.vggish` uses :func:`quantize` and
:data:`EMBEDDING_SIZE`. The full published files can be fetched with :func:`course_lib.fetch.file`
(for example ``fetch.file("audioset/ontology.json")``); the course ships small samples in these
formats (``data/audioset_*``, made by :mod:`course_lib.assets`). :func:`reference_segments` gives
the first rows of the real segment lists (from the mirror's excerpts or the full file), and
:func:`mix_clips` makes real multi-label material: mixtures of ESC-10 clips with known labels.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from .. import _checks
from . import fetch, tfrecord
from ..errors import AudioSetFormatError

__all__ = [
    "REFERENCE_SEGMENTS",
    "reference_segments",
    "mix_clips",
    "N_CLASSES",
    "N_ONTOLOGY_ENTRIES",
    "N_CLIPS",
    "EMBEDDING_SIZE",
    "EMBEDDING_HOP_SECONDS",
    "QUANTIZE_MIN_VAL",
    "QUANTIZE_MAX_VAL",
    "AudioSetFormatError",
    "OntologyEntry",
    "Ontology",
    "load_ontology",
    "write_ontology",
    "ClassLabel",
    "ClassLabels",
    "read_class_labels",
    "write_class_labels",
    "Segment",
    "Segments",
    "read_segments",
    "write_segments",
    "segments_header",
    "EmbeddingRecord",
    "read_embeddings",
    "write_embeddings",
    "parse_embedding_record",
    "serialize_embedding_record",
    "quantize",
    "dequantize",
    "multi_hot",
]

#: Classes of the released labels, embeddings and models (rows of class_labels_indices.csv).
N_CLASSES = 527
#: Entries of the full ontology (the 527 classes plus abstract and blacklisted ones).
N_ONTOLOGY_ENTRIES = 632
#: Human-labelled 10-second clips announced with the data set (Gemmeke et al. 2017).
N_CLIPS = 2_084_320
#: Bytes (dimensions) of one quantized VGGish embedding (:mod:`course_lib.vggish` imports it).
EMBEDDING_SIZE = 128
#: Seconds of audio behind one embedding frame (96 frames of 10 ms).
EMBEDDING_HOP_SECONDS = 0.96
#: The range [-2, 2] that quantization maps onto the bytes 0..255 (vggish_params.py).
QUANTIZE_MIN_VAL = -2.0
QUANTIZE_MAX_VAL = 2.0


def _shown(path) -> str:
    return os.fspath(path) if isinstance(path, (str, os.PathLike)) else repr(path)


def _all_of(items, kind: type, name: str) -> tuple:
    """``items`` as a tuple, after checking that each is a ``kind`` (TypeError naming the index)."""
    items = tuple(items)
    for i, item in enumerate(items):
        if not isinstance(item, kind):
            article = "an" if kind.__name__[0] in "AEIOU" else "a"
            raise TypeError(f"{name}[{i}] must be {article} {kind.__name__}, got {type(item).__name__}")
    return items


# ============================================================================================
# The ontology
# ============================================================================================
_ONTOLOGY_KEYS = ("id", "name", "description", "citation_uri", "positive_examples", "child_ids", "restrictions")


@dataclass(frozen=True)
class OntologyEntry:
    """One node of the AudioSet ontology (one object of ``ontology.json``).

    Attributes
    ----------
    id : str
        Knowledge-graph machine id ("mid"), e.g. ``"/m/09x0r"``; ``/t/...`` ids were made for AudioSet.
    name : str
        Display name, e.g. ``"Speech"``.
    description : str
        A sentence or two defining the class.
    citation_uri : str
        Where the description comes from (often a Wikipedia URL), or ``""``.
    positive_examples : tuple of str
        YouTube clips (``youtu.be/ID?start=S&end=E``) that contain the sound.
    child_ids : tuple of str
        Ids of the more specific classes below this one.
    restrictions : tuple of str
        ``"abstract"`` (a grouping node, never used as a label) and/or ``"blacklist"`` (a class the
        raters found too ambiguous or hard to label reliably; most of them, though not all, are
        missing from the 527 released classes).

    Notebook: 04_audioset_vggish (via ``load_ontology``)
    """

    id: str
    name: str
    description: str = ""
    citation_uri: str = ""
    positive_examples: tuple = ()
    child_ids: tuple = ()
    restrictions: tuple = ()

    def to_json_dict(self) -> dict:
        """The entry as ``ontology.json`` stores it (keys in the published order, lists as lists)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "citation_uri": self.citation_uri,
            "positive_examples": list(self.positive_examples),
            "child_ids": list(self.child_ids),
            "restrictions": list(self.restrictions),
        }


class Ontology:
    """The AudioSet ontology: entries by id, names, and the class hierarchy (a directed acyclic graph).

    Build it with :func:`load_ontology` or from a list of :class:`OntologyEntry`. Ids are the
    keys: ``ontology["/m/09x0r"].name == "Speech"``. A class can have several parents (for example
    a sound that is both a kind of music and a kind of human sound), so :meth:`parents` returns a
    list and :meth:`ancestors` collects every path up.

    Raises
    ------
    AudioSetFormatError
        On duplicate ids or names, or a child id that is not an entry.

    Notebook: 04_audioset_vggish (via ``load_ontology``)
    """

    def __init__(self, entries: Iterable[OntologyEntry], source: str = "<ontology>"):
        self.entries = tuple(entries)
        self.source = source
        self._by_id: dict[str, OntologyEntry] = {}
        self._by_name: dict[str, str] = {}
        for e in self.entries:
            if e.id in self._by_id:
                raise AudioSetFormatError(f"{source}: id {e.id!r} appears twice")
            if e.name in self._by_name:
                raise AudioSetFormatError(f"{source}: name {e.name!r} appears twice ({self._by_name[e.name]} and {e.id})")
            self._by_id[e.id] = e
            self._by_name[e.name] = e.id
        self._parents: dict[str, list[str]] = {e.id: [] for e in self.entries}
        for e in self.entries:
            for c in e.child_ids:
                if c not in self._by_id:
                    raise AudioSetFormatError(f"{source}: entry {e.id} ({e.name!r}) lists child {c!r}, which is not an entry")
                self._parents[c].append(e.id)

    # -- lookups ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[OntologyEntry]:
        return iter(self.entries)

    def __contains__(self, id_) -> bool:
        return id_ in self._by_id

    def __getitem__(self, id_: str) -> OntologyEntry:
        try:
            return self._by_id[id_]
        except KeyError:
            raise KeyError(f"{id_!r} is not an id of this ontology ({len(self)} entries)") from None

    def __repr__(self) -> str:
        return f"Ontology({len(self)} entries, {len(self.roots())} roots)"

    def name(self, id_: str) -> str:
        """Display name of the entry ``id_`` (``"/m/09x0r"`` → ``"Speech"``)."""
        return self[id_].name

    def id_of(self, name: str) -> str:
        """Id of the entry called ``name`` (``"Speech"`` → ``"/m/09x0r"``); names are unique."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no entry is called {name!r}") from None

    # -- hierarchy -------------------------------------------------------------------------
    def roots(self) -> list[str]:
        """Ids of the top-level entries (those no entry lists as a child), in file order."""
        return [e.id for e in self.entries if not self._parents[e.id]]

    def parents(self, id_: str) -> list[str]:
        """Ids of the direct parents of ``id_`` (empty for a root; several for some classes)."""
        self[id_]
        return list(self._parents[id_])

    def ancestors(self, id_: str) -> list[str]:
        """Every entry above ``id_``, nearest first (breadth-first, each id once)."""
        seen: list[str] = []
        frontier = self.parents(id_)
        while frontier:
            nxt = []
            for p in frontier:
                if p not in seen:
                    seen.append(p)
                    nxt.extend(self._parents[p])
            frontier = nxt
        return seen

    def descendants(self, id_: str) -> list[str]:
        """Every entry below ``id_`` (depth-first, in file order, each id once)."""
        out: list[str] = []
        seen = set()

        def visit(node):
            for c in self._by_id[node].child_ids:
                if c not in seen:
                    seen.add(c)
                    out.append(c)
                    visit(c)

        self[id_]
        visit(id_)
        return out

    def walk(self, root: str | None = None, max_depth: int | None = None) -> Iterator[tuple[int, OntologyEntry]]:
        """Depth-first walk of the tree: yields ``(depth, entry)``, roots at depth 0.

        Starts at ``root`` (or at every root, in file order). A class with two parents appears
        under both, as on the AudioSet web site. ``max_depth`` stops the descent.
        """
        starts = self.roots() if root is None else [self[root].id]

        def visit(node, depth, path):
            yield depth, self._by_id[node]
            if max_depth is not None and depth >= max_depth:
                return
            for c in self._by_id[node].child_ids:
                if c in path:  # a cycle would be a broken file; do not loop forever
                    raise AudioSetFormatError(f"{self.source}: cycle through {c!r}")
                yield from visit(c, depth + 1, path | {c})

        for s in starts:
            yield from visit(s, 0, {s})

    def tree(self, root: str | None = None, max_depth: int | None = None) -> str:
        """The hierarchy as indented text, one ``name (id)`` per line, for printing."""
        lines = []
        for depth, e in self.walk(root, max_depth):
            flags = f" [{', '.join(e.restrictions)}]" if e.restrictions else ""
            lines.append(f"{'    ' * depth}{e.name} ({e.id}){flags}")
        return "\n".join(lines)

    def path_to_root(self, id_: str) -> list[str]:
        """Names from a root down to ``id_`` along first parents, e.g. ``['Animal', ..., 'Bark']``."""
        chain = [id_]
        while self.parents(chain[-1]):
            chain.append(self.parents(chain[-1])[0])
        return [self.name(i) for i in reversed(chain)]


def load_ontology(path) -> Ontology:
    """Read ``ontology.json`` (the full file or an excerpt in the same format).

    Parameters
    ----------
    path : str or Path
        The JSON file: a list of objects with exactly the keys ``id``, ``name``, ``description``,
        ``citation_uri``, ``positive_examples``, ``child_ids``, ``restrictions``.

    Returns
    -------
    Ontology
        With ``len(...) == 632`` for the published file.

    Raises
    ------
    AudioSetFormatError
        If the file is not valid JSON, an entry lacks a key or has an unknown one, a value has the
        wrong type, or a child id does not exist; the message names the file and the entry.

    Notebook: 04_audioset_vggish
    """
    shown = _shown(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AudioSetFormatError(f"{shown}: not valid JSON ({exc})") from exc
    if not isinstance(data, list):
        raise AudioSetFormatError(f"{shown}: expected a JSON list of entries, got {type(data).__name__}")
    entries = []
    for i, obj in enumerate(data):
        if not isinstance(obj, dict) or set(obj) != set(_ONTOLOGY_KEYS):
            keys = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
            raise AudioSetFormatError(f"{shown}: entry {i} must have exactly the keys {list(_ONTOLOGY_KEYS)}, got {keys}")
        for key in _ONTOLOGY_KEYS:
            want = list if key in ("positive_examples", "child_ids", "restrictions") else str
            value = obj[key]
            if not isinstance(value, want) or (want is list and not all(isinstance(v, str) for v in value)):
                raise AudioSetFormatError(f"{shown}: entry {i} ({obj.get('id')!r}): {key!r} must be a {want.__name__} of str")
        entries.append(OntologyEntry(**{k: tuple(obj[k]) if isinstance(obj[k], list) else obj[k] for k in _ONTOLOGY_KEYS}))
    return Ontology(entries, source=shown)


def _ontology_json_text(entries: Iterable[OntologyEntry]) -> str:
    """``ontology.json``'s layout: two-space indentation, one key per line, lists on one line,
    UTF-8 characters unescaped, a final newline."""
    blocks = []
    for e in entries:
        items = [f'    "{k}": {json.dumps(v, ensure_ascii=False)}' for k, v in e.to_json_dict().items()]
        blocks.append("  {\n" + ",\n".join(items) + "\n  }")
    return "[\n" + ",\n".join(blocks) + "\n]\n"


def write_ontology(path, ontology) -> None:
    """Write an ontology as ``ontology.json``, laid out as Google publishes it.

    Writing the published file's entries reproduces it byte for byte.

    Parameters
    ----------
    path : str or Path
        The JSON file to write.
    ontology : Ontology or iterable of OntologyEntry
        The entries, written in their order.

    Raises
    ------
    TypeError
        An item that is not an :class:`OntologyEntry`.
    AudioSetFormatError
        Entries that do not form an ontology (duplicate ids or names, a missing child).

    Notebook: 04_audioset_vggish
    """
    entries = ontology.entries if isinstance(ontology, Ontology) else _all_of(ontology, OntologyEntry, "ontology")
    Ontology(entries)  # validate before writing
    Path(path).write_bytes(_ontology_json_text(entries).encode("utf-8"))


# ============================================================================================
# The class index: class_labels_indices.csv
# ============================================================================================
_CLASS_HEADER = "index,mid,display_name"


@dataclass(frozen=True)
class ClassLabel:
    """One row of ``class_labels_indices.csv``: ``index`` (0..526), ``mid``, ``display_name``."""

    index: int
    mid: str
    display_name: str


class ClassLabels:
    """The class index: maps the integer labels of the embeddings to mids and display names.

    ``labels[0]`` is the :class:`ClassLabel` of class index 0 (``Speech``); :meth:`index` finds the
    index of a mid. The published file numbers its 527 rows 0..526; an excerpt (like the course's
    sample) keeps the real indices, so they need only be unique and ascending.

    Notebook: 04_audioset_vggish (via ``read_class_labels``)
    """

    def __init__(self, rows: Iterable[ClassLabel], source: str = "<class labels>"):
        self.rows = tuple(rows)
        self.source = source
        previous = -1
        for n, r in enumerate(self.rows, start=2):
            if not _checks.is_integer(r.index) or r.index <= previous:
                raise AudioSetFormatError(f"{source}: line {n} has index {r.index!r}; indices must be integers in ascending order")
            previous = r.index
        self._by_index = {r.index: r for r in self.rows}
        self._by_mid = {r.mid: r.index for r in self.rows}
        if len(self._by_mid) != len(self.rows):
            raise AudioSetFormatError(f"{source}: a mid appears twice")

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> ClassLabel:
        try:
            return self._by_index[int(index)]
        except KeyError:
            raise KeyError(f"class index {index} is not in {self.source}") from None

    def __iter__(self):
        return iter(self.rows)

    def __contains__(self, mid) -> bool:
        return mid in self._by_mid

    def __repr__(self) -> str:
        return f"ClassLabels({len(self)} classes)"

    def index(self, mid: str) -> int:
        """Class index of ``mid`` (``"/m/09x0r"`` → 0)."""
        try:
            return self._by_mid[mid]
        except KeyError:
            raise KeyError(f"{mid!r} is not one of the {len(self)} classes") from None

    def names(self, indices) -> list[str]:
        """Display names of a list of class indices (e.g. a record's ``labels``)."""
        return [self[i].display_name for i in indices]


def read_class_labels(path) -> ClassLabels:
    """Read ``class_labels_indices.csv``: header ``index,mid,display_name``, names quoted.

    Display names may hold commas (``"Male speech, man speaking"``); the file quotes every name.

    Raises
    ------
    AudioSetFormatError
        Wrong header, a malformed row (naming the line), or indices that are not ascending.

    Notebook: 04_audioset_vggish
    """
    shown = _shown(path)
    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0] != _CLASS_HEADER:
        raise AudioSetFormatError(f"{shown}: line 1 must be {_CLASS_HEADER!r}, got {lines[0] if lines else ''!r}")
    rows = []
    for n, fields in enumerate(csv.reader(io.StringIO("\n".join(lines[1:]))), start=2):
        if len(fields) != 3 or not fields[0].isdigit():
            raise AudioSetFormatError(f"{shown}: line {n} must be index,mid,\"display name\", got {fields!r}")
        rows.append(ClassLabel(int(fields[0]), fields[1], fields[2]))
    return ClassLabels(rows, source=shown)


def write_class_labels(path, labels) -> None:
    """Write ``class_labels_indices.csv`` as published (every display name quoted, LF line ends).

    Parameters
    ----------
    path : str or Path
        The CSV file to write.
    labels : ClassLabels or iterable of ClassLabel
        The rows, with unique ascending indices.

    Raises
    ------
    TypeError
        A row that is not a :class:`ClassLabel`.
    AudioSetFormatError
        Indices that are not ascending integers, or a mid that appears twice.

    Notebook: 04_audioset_vggish
    """
    rows = labels.rows if isinstance(labels, ClassLabels) else _all_of(labels, ClassLabel, "labels")
    ClassLabels(rows)
    out = [_CLASS_HEADER] + [f'{r.index},{r.mid},"{r.display_name.replace(chr(34), chr(34) * 2)}"' for r in rows]
    Path(path).write_bytes(("\n".join(out) + "\n").encode("utf-8"))


# ============================================================================================
# The segment lists: eval_segments.csv, balanced_train_segments.csv, unbalanced_train_segments.csv
# ============================================================================================
_SEGMENT_ROW = re.compile(r'^([^,\s]+), (\d+(?:\.\d+)?), (\d+(?:\.\d+)?), "([^"]*)"$')


@dataclass(frozen=True)
class Segment:
    """One row of a segments CSV: a YouTube id, the segment's start and end (s) and its label mids.

    Notebook: 04_audioset_vggish (via ``read_segments``)
    """

    ytid: str
    start_seconds: float
    end_seconds: float
    positive_labels: tuple

    @property
    def duration(self) -> float:
        """Seconds (normally 10)."""
        return self.end_seconds - self.start_seconds

    def to_line(self) -> str:
        """The row as the published files write it (times with three decimals)."""
        return f'{self.ytid}, {self.start_seconds:.3f}, {self.end_seconds:.3f}, "{",".join(self.positive_labels)}"'


@dataclass
class Segments:
    """A segments CSV: its three ``#`` header lines (without the newline) and its rows.

    Notebook: 04_audioset_vggish (via ``read_segments``)
    """

    header: list
    rows: list

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __repr__(self) -> str:
        return f"Segments({len(self)} rows, header={self.header[0]!r}...)"


def segments_header(rows: Iterable[Segment], created: str) -> list[str]:
    """The three header lines Google writes above the rows, computed from ``rows``.

    Parameters
    ----------
    rows : iterable of Segment
        The segments; line 2 counts their YouTube ids, segments, distinct labels and positive
        labels.
    created : str
        The creation date, in ``time.ctime`` form (``"Sun Mar  5 10:54:31 2017"``).

    Returns
    -------
    list of 3 str
        The header lines, without newlines.

    Notebook: (tooling, ``make data``: the header of ``data/audioset_segments_sample.csv``)
    """
    rows = list(rows)
    if not isinstance(created, str):
        raise TypeError(f"created must be a str (a date in time.ctime form), got {type(created).__name__}")
    n_labels = sum(len(r.positive_labels) for r in rows)
    unique = len({m for r in rows for m in r.positive_labels})
    return [
        f"# Segments csv created {created}",
        f"# num_ytids={len({r.ytid for r in rows})}, num_segs={len(rows)}, num_unique_labels={unique}, num_positive_labels={n_labels}",
        "# YTID, start_seconds, end_seconds, positive_labels",
    ]


def read_segments(path) -> Segments:
    """Read a segments CSV as Google publishes it.

    The format: three lines starting with ``#`` (creation date; counts; column names), then one
    row per 10 s segment, ``YTID, start_seconds, end_seconds, "mid,mid,..."``, fields separated by
    a comma and a space, times with three decimals, the label mids quoted and separated by bare
    commas.

    Returns
    -------
    Segments
        ``header`` (the three lines) and ``rows`` (:class:`Segment`). ``write_segments`` on the
        result reproduces the file byte for byte.

    Raises
    ------
    AudioSetFormatError
        A missing header line or a row that does not follow the format, naming the file and line.

    Notebook: 04_audioset_vggish
    """
    shown = _shown(path)
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) < 3 or not all(line.startswith("#") for line in lines[:3]):
        raise AudioSetFormatError(f"{shown}: the first three lines must be '#' header lines")
    rows = []
    for n, line in enumerate(lines[3:], start=4):
        m = _SEGMENT_ROW.match(line)
        if m is None:
            raise AudioSetFormatError(f'{shown}: line {n} is not `YTID, start, end, "mid,mid,..."`: {line!r}')
        labels = tuple(m.group(4).split(",")) if m.group(4) else ()
        rows.append(Segment(m.group(1), float(m.group(2)), float(m.group(3)), labels))
    return Segments(header=lines[:3], rows=rows)


def write_segments(path, segments, header=None, created: str = "Thu Jan  1 00:00:00 1970") -> None:
    """Write a segments CSV in Google's format (LF line ends, final newline).

    Parameters
    ----------
    path : str or Path
        The CSV file to write.
    segments : Segments or iterable of Segment
        A :class:`Segments` keeps its own header unless ``header`` is given.
    header : list of 3 str, optional
        Header lines; by default :func:`segments_header` of the rows with date ``created``.
    created : str
        The date of a computed header, in ``time.ctime`` form.

    Raises
    ------
    TypeError
        A row that is not a :class:`Segment`.
    ValueError
        A header that is not three ``#`` lines, or a mid holding ``,`` or ``"``.

    Notebook: 04_audioset_vggish
    """
    rows = _all_of(segments.rows if isinstance(segments, Segments) else segments, Segment, "segments")
    if header is None:
        header = segments.header if isinstance(segments, Segments) else segments_header(rows, created)
    if len(header) != 3 or not all(isinstance(h, str) and h.startswith("#") for h in header):
        raise ValueError("header must be three lines starting with '#'")
    for r in rows:
        if any("," in m or '"' in m for m in r.positive_labels):
            raise ValueError(f"label mids cannot contain ',' or '\"': {r.positive_labels}")
    Path(path).write_bytes(("\n".join(list(header) + [r.to_line() for r in rows]) + "\n").encode("utf-8"))


# ============================================================================================
# Quantization of embeddings
# ============================================================================================
def quantize(x) -> np.ndarray:
    """Floats to bytes exactly as VGGish's postprocessor: clip to [-2, 2], ``(x + 2)·255/4``, truncate.

    The arithmetic is the original's, in float64: ``((clip(x, -2, 2) - (-2)) * (255.0 / 4.0))``
    then ``astype(uint8)``, which truncates toward zero. Byte ``q`` therefore stands for the
    interval ``[q·4/255 - 2, (q+1)·4/255 - 2)``, and 255 only for values ≥ 2.

    Parameters
    ----------
    x : array_like of float
        Embedding values (any shape).

    Returns
    -------
    np.ndarray of uint8
        Same shape as ``x``.

    Raises
    ------
    ValueError
        If ``x`` holds NaN.

    Notebook: 04_audioset_vggish
    """
    x = np.asarray(x, dtype=np.float64)
    if np.isnan(x).any():
        raise ValueError("x holds NaN values; they have no byte")
    clipped = np.clip(x, QUANTIZE_MIN_VAL, QUANTIZE_MAX_VAL)
    return ((clipped - QUANTIZE_MIN_VAL) * (255.0 / (QUANTIZE_MAX_VAL - QUANTIZE_MIN_VAL))).astype(np.uint8)


def dequantize(q) -> np.ndarray:
    """Bytes to floats in [-2, 2]: the centre of each byte's quantization interval.

    Because :func:`quantize` truncates, byte ``q`` covers ``[q·4/255 - 2, (q+1)·4/255 - 2)``; its
    centre ``(q + 0.5)·4/255 - 2`` is the best reconstruction (error at most half a step,
    4/510 ≈ 0.0078). Byte 255 means "2 or more" (clipped) and maps to 2.0. So
    ``quantize(dequantize(q)) == q`` for every byte. (YouTube-8M's reader uses
    ``q·4/255 + 4/512 - 2``, nearly the same.)

    Parameters
    ----------
    q : array_like of uint8
        Quantized embedding bytes (any shape).

    Returns
    -------
    np.ndarray of float32
        Same shape as ``q``, values in [-2, 2].

    Raises
    ------
    TypeError
        If ``q`` is not an array of uint8.

    Notebook: 04_audioset_vggish
    """
    q = np.asarray(q)
    if q.dtype != np.uint8:
        raise TypeError(f"q must be uint8 bytes, got dtype {q.dtype}")
    step = (QUANTIZE_MAX_VAL - QUANTIZE_MIN_VAL) / 255.0
    x = (q.astype(np.float64) + 0.5) * step + QUANTIZE_MIN_VAL
    return np.minimum(x, QUANTIZE_MAX_VAL).astype(np.float32)


# ============================================================================================
# The embeddings: TFRecord files of tf.train.SequenceExample (the codec is course_lib.tfrecord)
# ============================================================================================
#: The context features of an embedding record, in the order :class:`EmbeddingRecord` writes by default.
CONTEXT_KEYS = ("video_id", "start_time_seconds", "labels", "end_time_seconds")
#: The one feature list: a 128-byte string per 0.96 s frame.
EMBEDDING_KEY = "audio_embedding"
# kind and count of each context feature (None: any count)
_CONTEXT_KINDS = {"video_id": ("bytes", 1), "start_time_seconds": ("float", 1),
                  "end_time_seconds": ("float", 1), "labels": ("int64", None)}


@dataclass(eq=False)
class EmbeddingRecord:
    """One AudioSet segment's embeddings: a ``tf.train.SequenceExample`` of the release.

    Attributes
    ----------
    video_id : str
        YouTube id of the clip.
    start_time_seconds, end_time_seconds : float
        The segment within the video, in seconds (float32 in the file).
    labels : list of int
        Class indices (rows of ``class_labels_indices.csv``), ascending in the release.
    embedding : np.ndarray of uint8, shape (frames, 128)
        One quantized VGGish embedding per 0.96 s (10 frames for a full 10 s segment).
    context_order : tuple of str
        The order in which the file stored the four context features (the protobuf map's order,
        which varies from record to record in the release); kept so that writing a record read
        from a file gives the same bytes. Not part of equality or the repr.

    Raises
    ------
    TypeError
        A label that is not an integer.

    Notebook: 04_audioset_vggish (via ``read_embeddings``)
    """

    video_id: str
    start_time_seconds: float
    end_time_seconds: float
    labels: list
    embedding: np.ndarray
    context_order: tuple = field(default=CONTEXT_KEYS, repr=False)

    def __post_init__(self):
        self.labels = [_checks.integer(v, "labels") for v in self.labels]
        self.embedding = np.asarray(self.embedding)

    def __eq__(self, other) -> bool:
        if not isinstance(other, EmbeddingRecord):
            return NotImplemented
        return (
            self.video_id == other.video_id
            and self.start_time_seconds == other.start_time_seconds
            and self.end_time_seconds == other.end_time_seconds
            and self.labels == other.labels
            and self.embedding.dtype == other.embedding.dtype
            and np.array_equal(self.embedding, other.embedding)
        )

    def __repr__(self) -> str:
        return (
            f"EmbeddingRecord(video_id={self.video_id!r}, start_time_seconds={self.start_time_seconds!r}, "
            f"end_time_seconds={self.end_time_seconds!r}, labels={self.labels!r}, "
            f"embedding=<{self.embedding.dtype} array {tuple(self.embedding.shape)}>)"
        )

    @property
    def n_frames(self) -> int:
        """Number of 0.96 s embedding frames."""
        return int(self.embedding.shape[0])


def parse_embedding_record(data: bytes) -> EmbeddingRecord:
    """Decode one serialized ``tf.train.SequenceExample`` of the AudioSet embedding release.

    Raises
    ------
    TypeError
        ``data`` is not bytes.
    ValueError
        Bytes that are not a SequenceExample, a context feature that is missing or has the wrong
        kind or count, an unexpected feature, or an embedding frame that is not 128 bytes.

    Notebook: 04_audioset_vggish (via ``read_embeddings``)
    """
    try:
        context, lists = tfrecord.parse_sequence_example(data)
        if set(context) != set(CONTEXT_KEYS):
            raise ValueError(f"context features must be {sorted(CONTEXT_KEYS)}, got {sorted(context)}")
        for key, (kind, count) in _CONTEXT_KINDS.items():
            got = context[key]
            if got.kind != kind or (count is not None and len(got.values) != count):
                raise ValueError(f"context feature {key!r} must be {count or 'a list of'} {kind} value(s), "
                                 f"got {len(got.values)} {got.kind}")
        if set(lists) != {EMBEDDING_KEY}:
            raise ValueError(f"feature lists must be exactly {[EMBEDDING_KEY]}, got {sorted(lists)}")
        frames = []
        for feature in lists[EMBEDDING_KEY]:
            kind, values = feature
            if kind != "bytes" or len(values) != 1 or len(values[0]) != EMBEDDING_SIZE:
                sizes = [len(x) if isinstance(x, bytes) else 1 for x in values]
                raise ValueError(f"frame {len(frames)} of {EMBEDDING_KEY} must be one {EMBEDDING_SIZE}-byte string, "
                                 f"got {len(values)} {kind} value(s) of {sizes} bytes")
            frames.append(values[0])
        video_id = context["video_id"].values[0].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not an AudioSet embedding SequenceExample: video_id is not UTF-8 ({exc})") from None
    except ValueError as exc:
        raise ValueError(f"not an AudioSet embedding SequenceExample: {exc}") from None
    embedding = np.frombuffer(b"".join(frames), dtype=np.uint8).reshape(len(frames), EMBEDDING_SIZE).copy()
    return EmbeddingRecord(
        video_id=video_id,
        start_time_seconds=float(context["start_time_seconds"].values[0]),
        end_time_seconds=float(context["end_time_seconds"].values[0]),
        labels=list(context["labels"].values),
        embedding=embedding,
        context_order=tuple(context),
    )


def _check_record(rec) -> None:
    if not isinstance(rec, EmbeddingRecord):
        raise TypeError(f"records must be EmbeddingRecord objects, got {type(rec).__name__}")
    if not isinstance(rec.video_id, str):
        raise TypeError(f"video_id must be a str, got {type(rec.video_id).__name__}")
    _checks.number(rec.start_time_seconds, "start_time_seconds", "s")
    _checks.number(rec.end_time_seconds, "end_time_seconds", "s")
    for v in rec.labels:
        _checks.integer(v, "labels")
    emb = np.asarray(rec.embedding)
    if emb.dtype != np.uint8:
        raise TypeError(f"embedding must be uint8 bytes (use audioset.quantize on floats), got dtype {emb.dtype}")
    if emb.ndim != 2 or emb.shape[1] != EMBEDDING_SIZE:
        raise ValueError(f"embedding must have shape (frames, {EMBEDDING_SIZE}), got {emb.shape}")
    if sorted(rec.context_order) != sorted(CONTEXT_KEYS):
        raise ValueError(f"context_order must be a permutation of {CONTEXT_KEYS}, got {rec.context_order}")


def serialize_embedding_record(rec: EmbeddingRecord) -> bytes:
    """Encode a record as the release does: a ``tf.train.SequenceExample`` in protobuf wire format.

    Context features in ``rec.context_order``; float32 times; packed label varints; one
    ``bytes_list`` Feature of 128 bytes per frame in the ``audio_embedding`` feature list.

    Raises
    ------
    TypeError
        Not an :class:`EmbeddingRecord`, a non-str id, non-integer labels, or an embedding that is
        not uint8.
    ValueError
        Non-finite times, an embedding not of shape ``(frames, 128)``, or a ``context_order`` that
        is not a permutation of the four context keys.

    Notebook: 04_audioset_vggish (via ``write_embeddings``)
    """
    _check_record(rec)
    values = {
        "video_id": tfrecord.Feature("bytes", [rec.video_id.encode("utf-8")]),
        "start_time_seconds": tfrecord.Feature("float", [float(rec.start_time_seconds)]),
        "end_time_seconds": tfrecord.Feature("float", [float(rec.end_time_seconds)]),
        "labels": tfrecord.Feature("int64", list(rec.labels)),
    }
    context = {key: values[key] for key in rec.context_order}
    frames = [tfrecord.Feature("bytes", [row.tobytes()]) for row in np.ascontiguousarray(rec.embedding)]
    return tfrecord.serialize_sequence_example(context, {EMBEDDING_KEY: frames})


def read_embeddings(path) -> Iterator[EmbeddingRecord]:
    """Yield the :class:`EmbeddingRecord` of every segment in an AudioSet embedding TFRecord file.

    Parameters
    ----------
    path : str or Path
        A shard of the release (e.g. ``bal_train/--.tfrecord``) or a file from
        :func:`write_embeddings`.

    Yields
    ------
    EmbeddingRecord
        ``video_id`` (str), ``start_time_seconds`` and ``end_time_seconds`` (float),
        ``labels`` (list of int), ``embedding`` (uint8, shape ``(frames, 128)``).

    Raises
    ------
    AudioSetFormatError
        Truncated or corrupted framing (CRC mismatch) or a record that is not an AudioSet
        SequenceExample; the message names the file and the record number (from 0).

    Notebook: 04_audioset_vggish
    """
    shown = _shown(path)
    records = tfrecord.read_records(path)
    index = 0
    while True:
        try:
            data = next(records)
        except StopIteration:
            return
        except ValueError as exc:  # the framing: the message names the file, the record and its offset
            raise AudioSetFormatError(str(exc)) from None
        try:
            record = parse_embedding_record(data)
        except ValueError as exc:
            raise AudioSetFormatError(f"{shown}: record {index}: {exc}") from None
        yield record
        index += 1


def write_embeddings(path, records: Iterable[EmbeddingRecord]) -> int:
    """Write records as an AudioSet embedding TFRecord file.

    The file is what the release holds and what ``tf.data.TFRecordDataset`` reads; records read
    with :func:`read_embeddings` are written back byte for byte. Nothing is written if a record
    is invalid.

    Parameters
    ----------
    path : str or Path
        The TFRecord file to write.
    records : iterable of EmbeddingRecord
        The segments, in file order.

    Returns
    -------
    int
        The number of records written.

    Raises
    ------
    TypeError, ValueError
        A record with a non-str id, non-finite times, non-integer labels or an embedding that is
        not uint8 of shape ``(frames, 128)``; the message names the record number (from 0).

    Notebook: 04_audioset_vggish
    """
    payloads = []
    for i, rec in enumerate(records):
        try:
            payloads.append(serialize_embedding_record(rec))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"record {i}: {exc}") from None
    return tfrecord.write_records(path, payloads)


def multi_hot(labels, n_classes: int = N_CLASSES) -> np.ndarray:
    """A clip's class indices as a 0/1 target vector: AudioSet's labels are multi-label.

    A clip carries every class heard in it (a siren may be labelled both "Siren" and "Civil
    defense siren"), so its training target is not one class index but a vector holding a 1 for
    each of its classes: what a classifier with one sigmoid output per class, trained with binary
    cross-entropy, learns (a softmax assumes exactly one class per clip).

    Parameters
    ----------
    labels : iterable of int
        Class indices (a record's ``labels``), each in ``[0, n_classes)``; a repeated index counts
        once.
    n_classes : int
        Length of the vector: the number of classes (527 for AudioSet).

    Returns
    -------
    np.ndarray of float32, shape (n_classes,)
        1.0 at each index of ``labels``, 0.0 elsewhere.

    Raises
    ------
    TypeError
        A label or ``n_classes`` that is not an integer.
    ValueError
        A label outside ``[0, n_classes)``, or ``n_classes`` < 1.

    Notebook: 04_audioset_vggish
    """
    n_classes = _checks.positive_int(n_classes, "n_classes", what="classes")
    out = np.zeros(n_classes, dtype=np.float32)
    for v in labels:
        out[_checks.integer(v, "labels", minimum=0, maximum=n_classes - 1, what="class indices")] = 1.0
    return out


#: The segment lists :func:`reference_segments` knows, and their excerpt in the course's mirror.
REFERENCE_SEGMENTS = {"balanced_train": "balanced_train_segments", "eval": "eval_segments"}


def reference_segments(split: str, n_rows: int = 50) -> Segments:
    """The header and the first ``n_rows`` rows of one of AudioSet's real segment lists.

    Reads the mirror's excerpt ``audioset/<list>_head50.csv`` (its three header lines and first 50
    rows, byte for byte) when :func:`course_lib.fetch.mirror_dir` has it, else the full published
    list through :func:`course_lib.fetch.file` (a download, once); both give the same rows.

    Parameters
    ----------
    split : {"balanced_train", "eval"}
        Which list.
    n_rows : int
        Rows to keep, 1 to 50.

    Returns
    -------
    Segments
        The real header (whose second line counts the whole list) and ``n_rows`` rows.

    Raises
    ------
    ValueError
        An unknown ``split`` or ``n_rows`` outside 1..50.
    course_lib.errors.DataError
        Neither the excerpt nor the full list can be found or fetched.

    Notebook: 04_audioset_vggish
    """
    split = _checks.choice(split, "split", tuple(REFERENCE_SEGMENTS))
    n_rows = _checks.integer(n_rows, "n_rows", minimum=1, maximum=50, what="rows")
    name = REFERENCE_SEGMENTS[split]
    mirror = fetch.mirror_dir()
    excerpt = mirror / "audioset" / f"{name}_head50.csv" if mirror is not None else None
    path = excerpt if excerpt is not None and excerpt.is_file() else fetch.file(f"audioset/{name}.csv")
    full = read_segments(path)
    return Segments(header=list(full.header), rows=list(full.rows[:n_rows]))


def mix_clips(clips, labels, folds, n_per_fold: int, *, max_sources: int = 3, n_classes: int | None = None, rng=0):
    """Multi-label material from single-label clips: sums of 1 to ``max_sources`` clips of one fold.

    Each mixture draws its number of sources uniformly from 1..``max_sources``, then that many clips
    of *different* classes from one fold, and adds them sample by sample (each at its recorded
    level). Its target is the :func:`multi_hot` vector of its sources' classes, so, as in
    AudioSet, a clip has one or several labels and says nothing about when each sound occurs.
    Mixtures never mix folds, so train and test mixtures built from disjoint folds share no clip.

    Parameters
    ----------
    clips : ndarray, shape (n_clips, samples)
        Equal-length mono clips.
    labels : 1-D array_like of int
        Class of each clip.
    folds : 1-D array_like of int
        Fold of each clip.
    n_per_fold : int
        Mixtures made from each fold.
    max_sources : int
        Most clips in one mixture (at least 1).
    n_classes : int, optional
        Length of the targets (default: ``max(labels) + 1``).
    rng : int, numpy.random.Generator or None
        Source of the draws.

    Returns
    -------
    (x, targets, mixture_folds, sources) : (ndarray, ndarray, ndarray, list of tuple)
        ``x`` float32 (n, samples); ``targets`` float32 (n, n_classes); the fold of each mixture;
        the clip indices summed in each.

    Raises
    ------
    ValueError
        Lengths that differ, ``max_sources`` above the number of classes in a fold, or bad counts.

    Notebook: 04_audioset_vggish
    """
    x = np.asarray(clips)
    labels = np.asarray(labels)
    folds = np.asarray(folds)
    if x.ndim != 2 or not (len(x) == len(labels) == len(folds)):
        raise ValueError(f"clips (n, samples), labels and folds must describe the same clips, got shapes "
                         f"{x.shape}, {labels.shape}, {folds.shape}")
    n_per_fold = _checks.positive_int(n_per_fold, "n_per_fold", what="mixtures")
    max_sources = _checks.positive_int(max_sources, "max_sources", what="clips")
    n_classes = int(labels.max()) + 1 if n_classes is None else _checks.positive_int(n_classes, "n_classes", what="classes")
    gen = _checks.rng(rng)
    out, targets, out_folds, sources = [], [], [], []
    for fold in sorted(set(folds.tolist())):
        idx = np.flatnonzero(folds == fold)
        by_class = {c: idx[labels[idx] == c] for c in sorted(set(labels[idx].tolist()))}
        if max_sources > len(by_class):
            raise ValueError(f"max_sources must be at most the {len(by_class)} classes of fold {fold}, got {max_sources}")
        for _ in range(n_per_fold):
            n_src = int(gen.integers(1, max_sources + 1))
            classes = gen.choice(sorted(by_class), size=n_src, replace=False)
            chosen = tuple(sorted(int(gen.choice(by_class[c])) for c in classes))
            out.append(x[list(chosen)].sum(axis=0))
            targets.append(multi_hot(labels[list(chosen)].tolist(), n_classes))
            out_folds.append(fold)
            sources.append(chosen)
    return (np.asarray(out, dtype=np.float32), np.asarray(targets, dtype=np.float32), np.asarray(out_folds),
            sources)
