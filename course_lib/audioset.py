"""AudioSet's file formats, byte for byte: the ontology, the class index, the segment lists, the embeddings.

Google's AudioSet (Gemmeke et al., ICASSP 2017) ships four kinds of files, and this module reads and
writes each of them exactly as published, so that writing what was read gives the same bytes:

- ``ontology.json``: 632 sound classes as a JSON list of entries (``id``, ``name``,
  ``description``, ``citation_uri``, ``positive_examples``, ``child_ids``, ``restrictions``)
  forming a hierarchy with several roots, in which a class may have more than one parent
  (:func:`load_ontology`, :class:`Ontology`, :func:`write_ontology`);
- ``class_labels_indices.csv``: the 527 classes of the released labels, embeddings and models,
  ``index,mid,display_name`` with every display name quoted (:func:`read_class_labels`);
- the segment lists (``eval_segments.csv``, ``balanced_train_segments.csv``, ...): three ``#``
  header lines, then ``YTID, start_seconds, end_seconds, "mid,mid,..."`` (:func:`read_segments`,
  :func:`write_segments`);
- the embeddings: TFRecord files of ``tf.train.SequenceExample`` protocol buffers, one per 10 s
  segment, holding one 128-byte quantized VGGish embedding per 0.96 s of audio
  (:func:`read_embeddings`, :func:`write_embeddings`, :func:`quantize`, :func:`dequantize`).

The TFRecord framing (lengths and CRC-32C checksums) and the protocol buffers are decoded here in
plain Python, without TensorFlow, and checked: a truncated or corrupted file raises
:class:`AudioSetFormatError` naming the file and the record, never skips data. Chapter
``04_audioset_vggish`` teaches these formats; :mod:`course_lib.vggish` uses :func:`quantize`.
The full published files can be fetched with :func:`course_lib.fetch.file` (for example
``fetch.file("audioset/ontology.json")``); the course ships small samples made by this module (``data/audioset_*``, see :mod:`course_lib.assets`).
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

__all__ = [
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
    "read_tfrecords",
    "write_tfrecords",
    "crc32c",
    "masked_crc32c",
    "parse_embedding_record",
    "serialize_embedding_record",
    "quantize",
    "dequantize",
    "multi_hot",
    "ontology_json_text",
    "SOUND_SCENE_MIDS",
    "sample_ontology",
    "sample_class_labels",
    "sample_segments",
    "sample_embedding_records",
]

#: Classes of the released labels, embeddings and models (rows of class_labels_indices.csv).
N_CLASSES = 527
#: Entries of the full ontology (the 527 classes plus abstract and blacklisted ones).
N_ONTOLOGY_ENTRIES = 632
#: Human-labelled 10-second clips announced with the data set (Gemmeke et al. 2017).
N_CLIPS = 2_084_320
#: Bytes (dimensions) of one quantized VGGish embedding.
EMBEDDING_SIZE = 128
#: Seconds of audio behind one embedding frame (96 frames of 10 ms).
EMBEDDING_HOP_SECONDS = 0.96
#: The range [-2, 2] that quantization maps onto the bytes 0..255 (vggish_params.py).
QUANTIZE_MIN_VAL = -2.0
QUANTIZE_MAX_VAL = 2.0


class AudioSetFormatError(ValueError):
    """A file that is not in the AudioSet format it should be in: truncated, corrupted or malformed.

    The message names the file and where the problem is (line or record number, counting from 1
    for lines and from 0 for TFRecord records, and the byte offset). A ``ValueError`` subclass.

    Notebook: 04_audioset_vggish
    """


def _shown(path) -> str:
    return os.fspath(path) if isinstance(path, (str, os.PathLike)) else repr(path)


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

    Notebook: 04_audioset_vggish
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

    Notebook: 04_audioset_vggish
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

    def ids(self) -> list[str]:
        """All ids, in file order."""
        return [e.id for e in self.entries]

    # -- hierarchy -------------------------------------------------------------------------
    def roots(self) -> list[str]:
        """Ids of the top-level entries (those no entry lists as a child), in file order."""
        return [e.id for e in self.entries if not self._parents[e.id]]

    def children(self, id_: str) -> list[str]:
        """Ids of the direct children of ``id_``, in the order the file lists them."""
        return list(self[id_].child_ids)

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


def ontology_json_text(entries: Iterable[OntologyEntry]) -> str:
    """The text of ``ontology.json`` for ``entries``, laid out as Google publishes it.

    Two-space indentation, one key per line, lists on one line, UTF-8 characters unescaped, a
    final newline.

    Notebook: 04_audioset_vggish
    """
    blocks = []
    for e in entries:
        items = [f'    "{k}": {json.dumps(v, ensure_ascii=False)}' for k, v in e.to_json_dict().items()]
        blocks.append("  {\n" + ",\n".join(items) + "\n  }")
    return "[\n" + ",\n".join(blocks) + "\n]\n"


def write_ontology(path, ontology) -> None:
    """Write an :class:`Ontology` (or a list of entries) as ``ontology.json``, byte-compatible.

    Writing the published file's entries reproduces it byte for byte.

    Notebook: 04_audioset_vggish
    """
    entries = ontology.entries if isinstance(ontology, Ontology) else tuple(ontology)
    Ontology(entries)  # validate before writing
    Path(path).write_bytes(ontology_json_text(entries).encode("utf-8"))


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

    Notebook: 04_audioset_vggish
    """

    def __init__(self, rows: Iterable[ClassLabel], source: str = "<class labels>"):
        self.rows = tuple(rows)
        self.source = source
        previous = -1
        for n, r in enumerate(self.rows, start=2):
            if isinstance(r.index, bool) or not isinstance(r.index, numbers.Integral) or r.index <= previous:
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

    @property
    def mids(self) -> list[str]:
        """Mid of every row, in file order."""
        return [r.mid for r in self.rows]

    @property
    def display_names(self) -> list[str]:
        """Display name of every row, in file order."""
        return [r.display_name for r in self.rows]

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
    import csv
    import io

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

    Notebook: 04_audioset_vggish
    """
    rows = labels.rows if isinstance(labels, ClassLabels) else tuple(labels)
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

    Notebook: 04_audioset_vggish
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

    Notebook: 04_audioset_vggish
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

    ``created`` is the date text, in ``time.ctime`` form (``"Sun Mar  5 10:54:31 2017"``).
    Line 2 counts YouTube ids, segments, distinct labels and positive labels.

    Notebook: 04_audioset_vggish
    """
    rows = list(rows)
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
    segments : Segments or iterable of Segment
        A :class:`Segments` keeps its own header unless ``header`` is given.
    header : list of 3 str, optional
        Header lines; by default :func:`segments_header` of the rows with date ``created``.

    Notebook: 04_audioset_vggish
    """
    rows = list(segments.rows if isinstance(segments, Segments) else segments)
    if header is None:
        header = segments.header if isinstance(segments, Segments) else segments_header(rows, created)
    if len(header) != 3 or not all(h.startswith("#") for h in header):
        raise ValueError("header must be three lines starting with '#'")
    for r in rows:
        if not isinstance(r, Segment):
            raise TypeError(f"segments must hold Segment rows, got {type(r).__name__}")
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
    np.ndarray of uint8, same shape.

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

    Returns
    -------
    np.ndarray of float32, same shape, values in [-2, 2].

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
# TFRecord framing: [uint64 length][uint32 masked crc32c(length)][data][uint32 masked crc32c(data)]
# ============================================================================================
def _crc32c_table() -> list:
    poly = 0x82F63B78  # Castagnoli polynomial, bit-reversed
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of ``data``, the checksum TFRecord files use (pure Python).

    ``crc32c(b"123456789") == 0xE3069283``.

    Notebook: 04_audioset_vggish
    """
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for b in bytes(data):
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: ``rotate_right(crc32c(data), 15) + 0xA282EAD8`` (mod 2**32).

    Notebook: 04_audioset_vggish
    """
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_tfrecords(path) -> Iterator[bytes]:
    """Yield the payload of every record of a TFRecord file, checking lengths and both CRCs.

    Each record is ``uint64 length`` (little-endian), ``uint32`` masked CRC-32C of those 8 bytes,
    ``length`` bytes of data, ``uint32`` masked CRC-32C of the data.

    Raises
    ------
    AudioSetFormatError
        A truncated record or a CRC mismatch, naming the file, the record number (from 0) and
        its byte offset. Nothing is skipped.

    Notebook: 04_audioset_vggish
    """
    shown = _shown(path)
    with open(path, "rb") as f:
        index = 0
        while True:
            offset = f.tell()
            head = f.read(12)
            if not head:
                return

            def fail(problem):
                raise AudioSetFormatError(f"{shown}: record {index} (byte offset {offset}): {problem}")

            if len(head) < 12:
                fail(f"file ends inside the 12-byte record header ({len(head)} bytes left): truncated file")
            length_bytes, length_crc = head[:8], struct.unpack("<I", head[8:])[0]
            if masked_crc32c(length_bytes) != length_crc:
                fail("the CRC of the length field does not match: corrupted file (or not a TFRecord file)")
            (length,) = struct.unpack("<Q", length_bytes)
            data = f.read(length)
            if len(data) < length:
                fail(f"file ends inside the record's data ({len(data)} of {length} bytes): truncated file")
            tail = f.read(4)
            if len(tail) < 4:
                fail("file ends before the record's data CRC: truncated file")
            if masked_crc32c(data) != struct.unpack("<I", tail)[0]:
                fail("the CRC of the record's data does not match: corrupted data")
            yield data
            index += 1


def write_tfrecords(path, payloads: Iterable[bytes]) -> int:
    """Write byte strings as a TFRecord file (readable by ``tf.data.TFRecordDataset``); returns the count.

    Notebook: 04_audioset_vggish
    """
    out = bytearray()
    n = 0
    for data in payloads:
        data = bytes(data)
        length = struct.pack("<Q", len(data))
        out += length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))
        n += 1
    Path(path).write_bytes(bytes(out))
    return n


# ============================================================================================
# The protocol buffers: tf.train.SequenceExample, encoded and decoded by hand
# ============================================================================================
# SequenceExample { Features context = 1; FeatureLists feature_lists = 2; }
# Features { map<string, Feature> feature = 1; }          (map entry: key = 1, value = 2)
# Feature { oneof { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
# BytesList { repeated bytes value = 1; }  FloatList { repeated float value = 1 [packed]; }
# Int64List { repeated int64 value = 1 [packed]; }
# FeatureLists { map<string, FeatureList> feature_list = 1; }  FeatureList { repeated Feature feature = 1; }
CONTEXT_KEYS = ("video_id", "start_time_seconds", "labels", "end_time_seconds")
EMBEDDING_KEY = "audio_embedding"


class _ProtoError(ValueError):
    pass


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise _ProtoError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise _ProtoError("varint longer than 10 bytes")


def _fields(buf: bytes) -> Iterator[tuple[int, int, object]]:
    """Decode one message level: yields (field number, wire type, value)."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise _ProtoError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise _ProtoError("field runs past the end of its message")
        yield number, wire, value


def _decode_feature(buf: bytes):
    """A tf.train.Feature: returns ('bytes'|'float'|'int64', list of values)."""
    kinds = [(n, v) for n, w, v in _fields(buf) if w == 2]
    if len(kinds) != 1 or kinds[0][0] not in (1, 2, 3):
        raise _ProtoError("a Feature must hold exactly one of bytes_list, float_list, int64_list")
    number, inner = kinds[0]
    values: list = []
    for n, w, v in _fields(inner):
        if n != 1:
            raise _ProtoError(f"unexpected field {n} in a value list")
        if number == 1:
            values.append(bytes(v))
        elif number == 2:
            if w == 2:
                if len(v) % 4:
                    raise _ProtoError("packed floats are not a multiple of 4 bytes")
                values.extend(struct.unpack(f"<{len(v) // 4}f", v))
            else:
                values.append(struct.unpack("<f", v)[0])
        else:
            raws = []
            if w == 2:
                p = 0
                while p < len(v):
                    x, p = _varint(v, p)
                    raws.append(x)
            else:
                raws.append(v)
            values.extend(x - (1 << 64) if x >= 1 << 63 else x for x in raws)
    return ("bytes", "float", "int64")[number - 1], values


def _decode_map(buf: bytes) -> dict:
    """A map<string, message> field list: returns {key: value bytes} in the order stored."""
    out = {}
    for n, w, entry in _fields(buf):
        if n != 1 or w != 2:
            raise _ProtoError(f"unexpected field {n} in a feature map")
        key = value = None
        for en, ew, ev in _fields(entry):
            if en == 1:
                key = bytes(ev).decode("utf-8")
            elif en == 2:
                value = bytes(ev)
        if key is None:
            raise _ProtoError("a map entry without a key")
        out[key] = value if value is not None else b""
    return out


@dataclass(eq=False)
class EmbeddingRecord:
    """One AudioSet segment's embeddings: a ``tf.train.SequenceExample`` of the release.

    Attributes
    ----------
    video_id : str
        YouTube id of the clip.
    start_time_seconds, end_time_seconds : float
        The segment within the video (float32 in the file).
    labels : list of int
        Class indices (rows of ``class_labels_indices.csv``), ascending in the release.
    embedding : np.ndarray of uint8, shape (frames, 128)
        One quantized VGGish embedding per 0.96 s (10 frames for a full 10 s segment).
    context_order : tuple of str
        The order in which the file stored the four context features (the protobuf map's order,
        which varies from record to record in the release); kept so that writing a record read
        from a file gives the same bytes. Not part of equality or the repr.

    Notebook: 04_audioset_vggish
    """

    video_id: str
    start_time_seconds: float
    end_time_seconds: float
    labels: list
    embedding: np.ndarray
    context_order: tuple = field(default=CONTEXT_KEYS, repr=False)

    def __post_init__(self):
        self.labels = [int(v) for v in self.labels]
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
    ValueError
        If a context feature is missing, has the wrong type or count, there is an unexpected
        feature, or an embedding frame is not 128 bytes.

    Notebook: 04_audioset_vggish
    """
    try:
        context = feature_lists = b""
        for n, w, v in _fields(data):
            if w != 2 or n not in (1, 2):
                raise _ProtoError(f"unexpected field {n} in a SequenceExample")
            if n == 1:
                context += v  # repeated occurrences of a message field merge
            else:
                feature_lists += v
        raw_ctx = _decode_map(context)
        ctx = {k: _decode_feature(v) for k, v in raw_ctx.items()}
        if set(ctx) != set(CONTEXT_KEYS):
            raise _ProtoError(f"context features must be {sorted(CONTEXT_KEYS)}, got {sorted(ctx)}")
        want = {"video_id": ("bytes", 1), "start_time_seconds": ("float", 1), "end_time_seconds": ("float", 1), "labels": ("int64", None)}
        for key, (kind, count) in want.items():
            got_kind, values = ctx[key]
            if got_kind != kind or (count is not None and len(values) != count):
                raise _ProtoError(f"context feature {key!r} must be {count or 'a list of'} {kind} value(s), got {len(values)} {got_kind}")
        lists = _decode_map(feature_lists)
        if set(lists) != {EMBEDDING_KEY}:
            raise _ProtoError(f"feature lists must be exactly {[EMBEDDING_KEY]}, got {sorted(lists)}")
        frames = []
        for n, w, feat in _fields(lists[EMBEDDING_KEY]):
            if n != 1 or w != 2:
                raise _ProtoError("unexpected field in the audio_embedding FeatureList")
            kind, values = _decode_feature(feat)
            if kind != "bytes" or len(values) != 1 or len(values[0]) != EMBEDDING_SIZE:
                raise _ProtoError(f"frame {len(frames)} of audio_embedding must be one {EMBEDDING_SIZE}-byte string, got {len(values)} {kind} value(s) of {[len(x) if isinstance(x, bytes) else 1 for x in values]} bytes")
            frames.append(values[0])
        embedding = np.frombuffer(b"".join(frames), dtype=np.uint8).reshape(len(frames), EMBEDDING_SIZE).copy()
        return EmbeddingRecord(
            video_id=ctx["video_id"][1][0].decode("utf-8"),
            start_time_seconds=float(ctx["start_time_seconds"][1][0]),
            end_time_seconds=float(ctx["end_time_seconds"][1][0]),
            labels=list(ctx["labels"][1]),
            embedding=embedding,
            context_order=tuple(raw_ctx),
        )
    except (_ProtoError, UnicodeDecodeError, struct.error) as exc:
        raise ValueError(f"not an AudioSet embedding SequenceExample: {exc}") from None


def _enc_varint(x: int) -> bytes:
    x &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = x & 0x7F
        x >>= 7
        if x:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _enc_len(number: int, payload: bytes) -> bytes:
    return _enc_varint((number << 3) | 2) + _enc_varint(len(payload)) + payload


def _enc_feature(kind: str, values) -> bytes:
    if kind == "bytes":
        return _enc_len(1, b"".join(_enc_len(1, v) for v in values))
    if kind == "float":
        packed = struct.pack(f"<{len(values)}f", *values)
        return _enc_len(2, _enc_len(1, packed) if values else b"")
    packed = b"".join(_enc_varint(int(v)) for v in values)
    return _enc_len(3, _enc_len(1, packed) if values else b"")


def _check_record(rec) -> None:
    if not isinstance(rec.video_id, str):
        raise TypeError(f"video_id must be a str, got {type(rec.video_id).__name__}")
    for name in ("start_time_seconds", "end_time_seconds"):
        v = getattr(rec, name)
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
            raise ValueError(f"{name} must be a finite number of seconds, got {v!r}")
    for v in rec.labels:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"labels must be integers (class indices), got {v!r}")
    emb = np.asarray(rec.embedding)
    if emb.dtype != np.uint8:
        raise TypeError(f"embedding must be uint8 bytes (use audioset.quantize on floats), got dtype {emb.dtype}")
    if emb.ndim != 2 or emb.shape[1] != EMBEDDING_SIZE:
        raise ValueError(f"embedding must have shape (frames, {EMBEDDING_SIZE}), got {emb.shape}")


def serialize_embedding_record(rec: EmbeddingRecord) -> bytes:
    """Encode a record as the release does: a ``tf.train.SequenceExample`` in protobuf wire format.

    Context features in ``rec.context_order``; float32 times; packed label varints; one
    ``bytes_list`` Feature of 128 bytes per frame in the ``audio_embedding`` feature list.

    Notebook: 04_audioset_vggish
    """
    _check_record(rec)
    values = {
        "video_id": ("bytes", [rec.video_id.encode("utf-8")]),
        "start_time_seconds": ("float", [float(rec.start_time_seconds)]),
        "end_time_seconds": ("float", [float(rec.end_time_seconds)]),
        "labels": ("int64", [int(v) for v in rec.labels]),
    }
    order = tuple(getattr(rec, "context_order", CONTEXT_KEYS))
    if sorted(order) != sorted(CONTEXT_KEYS):
        raise ValueError(f"context_order must be a permutation of {CONTEXT_KEYS}, got {order}")
    context = b"".join(_enc_len(1, _enc_len(1, k.encode()) + _enc_len(2, _enc_feature(*values[k]))) for k in order)
    emb = np.ascontiguousarray(rec.embedding, dtype=np.uint8)
    feature_list = b"".join(_enc_len(1, _enc_feature("bytes", [row.tobytes()])) for row in emb)
    lists = _enc_len(1, _enc_len(1, EMBEDDING_KEY.encode()) + _enc_len(2, feature_list))
    return _enc_len(1, context) + _enc_len(2, lists)


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
    for index, data in enumerate(read_tfrecords(path)):
        try:
            yield parse_embedding_record(data)
        except ValueError as exc:
            raise AudioSetFormatError(f"{shown}: record {index}: {exc}") from None


def write_embeddings(path, records: Iterable[EmbeddingRecord]) -> int:
    """Write records as an AudioSet embedding TFRecord file; returns the number written.

    The file is what the release holds and what ``tf.data.TFRecordDataset`` reads; records read
    with :func:`read_embeddings` are written back byte for byte. Nothing is written if a record
    is invalid.

    Raises
    ------
    TypeError, ValueError
        A record with a non-str id, non-finite times, non-integer labels or an embedding that is
        not uint8 of shape ``(frames, 128)``; the message names the record number.

    Notebook: 04_audioset_vggish
    """
    payloads = []
    for i, rec in enumerate(records):
        try:
            payloads.append(serialize_embedding_record(rec))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"record {i}: {exc}") from None
    return write_tfrecords(path, payloads)


def multi_hot(labels, n_classes: int = N_CLASSES) -> np.ndarray:
    """A record's class indices as a 0/1 vector of length ``n_classes`` (float32).

    Notebook: 04_audioset_vggish
    """
    out = np.zeros(n_classes, dtype=np.float32)
    idx = np.asarray(list(labels), dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= n_classes):
        raise ValueError(f"labels must lie in [0, {n_classes}), got {sorted(set(idx.tolist()))}")
    out[idx] = 1.0
    return out


# ============================================================================================
# The course's samples (data/audioset_*): small files the project makes, in exactly these formats
# ============================================================================================
#: The AudioSet class (mid) of each class of the sound-scenes data set (course_lib.datasets).
SOUND_SCENE_MIDS = {
    "siren": "/m/03kmc9",  # Siren
    "engine": "/m/02mk9",  # Engine
    "rain": "/m/06mb1",  # Rain
    "bird": "/m/015p6",  # Bird
    "dog_bark": "/m/05tny_",  # Bark
    "clock_tick": "/m/07qjznt",  # Tick
    "door_knock": "/m/07r4wb8",  # Knock
    "speech": "/m/09x0r",  # Speech
}

# One row per entry of the sample ontology: (id, name, class index or None, restrictions, child ids,
# description). Ids, names, class indices, restrictions and parent-child links are facts of the
# published ontology and class index (a test checks them against the real files); the descriptions
# are the course's own words; positive examples and citations are left empty.
_EXCERPT = (
    ("/m/0dgw9r", "Human sounds", None, ("abstract",), ("/m/09l8g",),
     "Grouping node for every sound a person makes with the body: voice, breath, steps, hands."),
    ("/m/09l8g", "Human voice", None, ("abstract",), ("/m/09x0r",),
     "Grouping node for sounds made with the vocal folds and the vocal tract."),
    ("/m/09x0r", "Speech", 0, (), ("/m/05zppz", "/m/02zsn", "/m/01h8n0"),
     "Spoken language: a voice producing words."),
    ("/m/05zppz", "Male speech, man speaking", 1, (), (), "Speech by an adult man."),
    ("/m/02zsn", "Female speech, woman speaking", 2, (), (), "Speech by an adult woman."),
    ("/m/01h8n0", "Conversation", 4, (), (), "Two or more people talking with each other, taking turns."),
    ("/m/0jbk", "Animal", 72, (), ("/m/068hy", "/m/01280g"), "Sounds made by animals, tame or wild."),
    ("/m/068hy", "Domestic animals, pets", 73, (), ("/m/0bt9lr",),
     "Sounds of animals that live with people as companions, such as dogs and cats."),
    ("/m/0bt9lr", "Dog", 74, (), ("/m/05tny_",), "Any sound a dog makes."),
    ("/m/05tny_", "Bark", 75, (), (), "The short, loud, abrupt call of a dog."),
    ("/m/01280g", "Wild animals", 108, (), ("/m/015p6",), "Sounds of animals that live outside human care."),
    ("/m/015p6", "Bird", 111, (), ("/m/020bb7",), "Sounds made by birds: calls, songs, wing beats."),
    ("/m/020bb7", "Bird vocalization, bird call, bird song", 112, (), ("/m/07pggtn",),
     "Calls and songs that birds produce with their vocal organ."),
    ("/m/07pggtn", "Chirp, tweet", 113, (), (), "A short, high-pitched call, typical of small birds."),
    ("/m/059j3w", "Natural sounds", None, ("blacklist",), ("/m/0838f",),
     "Sounds of nature not made by animals: wind, water, fire, thunder."),
    ("/m/0838f", "Water", 288, (), ("/m/06mb1",), "Sounds of water moving, flowing or falling."),
    ("/m/06mb1", "Rain", 289, (), ("/m/07r10fb", "/t/dd00038"), "Drops of water falling from clouds onto the ground and objects."),
    ("/m/07r10fb", "Raindrop", 290, (), (), "The sound of single drops of rain."),
    ("/t/dd00038", "Rain on surface", 291, (), (), "Rain heard hitting a particular surface such as a roof, a window or an umbrella."),
    ("/t/dd00041", "Sounds of things", None, ("blacklist",), ("/m/02mk9", "/t/dd00071", "/m/07pp_mv", "/t/dd00077"),
     "Grouping node for sounds made by objects, machines and vehicles rather than living beings."),
    ("/m/02mk9", "Engine", 343, (), (), "The running sound of a motor that turns fuel into motion, as in a car or a generator."),
    ("/t/dd00071", "Domestic sounds, home sounds", None, ("blacklist",), ("/m/02dgv",), "Sounds heard in and around a home."),
    ("/m/02dgv", "Door", 354, (), ("/m/07r4wb8",), "Sounds of a door being used: opening, closing, knocking."),
    ("/m/07r4wb8", "Knock", 359, (), (), "Striking a hard surface, usually a door, with the knuckles."),
    ("/m/07pp_mv", "Alarm", 388, (), ("/m/03kmc9",), "A sound made to warn people or to catch their attention."),
    ("/m/03kmc9", "Siren", 396, (), ("/m/0dgbq",), "A loud warning tone that sweeps up and down in pitch, as on emergency vehicles."),
    ("/m/0dgbq", "Civil defense siren", 397, (), (), "A powerful fixed siren that warns a whole area of a danger such as a storm."),
    ("/t/dd00077", "Mechanisms", 404, (), ("/m/01x3z",), "Sounds of mechanical devices with moving parts."),
    ("/m/01x3z", "Clock", 406, (), ("/m/07qjznt", "/m/07qjznl"), "Sounds made by the mechanism or the chimes of a clock."),
    ("/m/07qjznt", "Tick", 407, (), (), "A single short, sharp click, as from the escapement of a clock."),
    ("/m/07qjznl", "Tick-tock", 408, (), (), "The regular, alternating ticking of a mechanical clock."),
    ("/t/dd00098", "Source-ambiguous sounds", None, ("abstract",), ("/t/dd00099",),
     "Grouping node for sounds named by their character rather than by what makes them."),
    ("/t/dd00099", "Generic impact sounds", None, ("abstract",), ("/m/07r4wb8",),
     "Sounds of one object hitting another, whatever the objects are."),
)

# Extra labels some sample segments carry besides their sound-scenes class (mids).
_EXTRA_LABELS = {
    "siren": ("/m/0dgbq", None), "engine": (None, None), "rain": ("/m/07r10fb", "/t/dd00038"),
    "bird": ("/m/07pggtn", "/m/020bb7"), "dog_bark": ("/m/0bt9lr", None), "clock_tick": ("/m/01x3z", "/m/07qjznl"),
    "door_knock": ("/m/02dgv", None), "speech": ("/m/01h8n0", "/m/05zppz"),
}
SAMPLE_SEGMENTS_CREATED = "Mon Jan  6 12:00:00 2025"


def sample_ontology() -> Ontology:
    """The course's ontology excerpt: 33 real entries (ids, names, hierarchy) with the course's descriptions.

    It covers the eight sound-scenes classes (:data:`SOUND_SCENE_MIDS`) and their ancestors, and
    keeps two classes with two parents (Knock: Door and Generic impact sounds). Written to
    ``data/audioset_ontology_sample.json``.

    Notebook: 04_audioset_vggish
    """
    entries = [OntologyEntry(id=i, name=n, description=d, child_ids=tuple(c), restrictions=tuple(r))
               for i, n, _, r, c, d in _EXCERPT]
    return Ontology(entries, source="sample ontology")


def sample_class_labels() -> ClassLabels:
    """The rows of ``class_labels_indices.csv`` for the excerpt's non-abstract, non-blacklisted classes.

    Real indices (Speech 0, Bark 75, Siren 396, ...), ascending. Written to
    ``data/audioset_class_labels_sample.csv``.

    Notebook: 04_audioset_vggish
    """
    rows = sorted((idx, i, n) for i, n, idx, _, _, _ in _EXCERPT if idx is not None)
    return ClassLabels([ClassLabel(idx, i, n) for idx, i, n in rows], source="sample class labels")


def sample_segments(seed: int = 0) -> Segments:
    """A segments CSV for 16 made-up clips (two per sound-scenes class), in Google's format.

    The YouTube ids (``course00001`` ...) are invented and point to no video; one segment lasts
    9 s instead of 10. Written to ``data/audioset_segments_sample.csv``.

    Notebook: 04_audioset_vggish
    """
    gen = np.random.default_rng([seed, 4])
    rows = []
    n = 0
    for k in range(2):
        for name, mid in SOUND_SCENE_MIDS.items():
            n += 1
            start = float(gen.integers(0, 30) * 10)
            length = 9.0 if n == 13 else 10.0
            extra = _EXTRA_LABELS[name][k]
            labels = tuple(sorted({mid} | ({extra} if extra else set())))
            rows.append(Segment(f"course{n:05d}", start, start + length, labels))
    return Segments(header=segments_header(rows, SAMPLE_SEGMENTS_CREATED), rows=rows)


def sample_embedding_records(seed: int = 0) -> list[EmbeddingRecord]:
    """Embedding records for :func:`sample_segments`, in the release's format, with made-up bytes.

    Each class has a random prototype vector; each 0.96 s frame is the prototype of the segment's
    sound-scenes class plus noise, quantized with :func:`quantize` — so frames of a class are
    close, like real embeddings, but they come from no audio and no network. ``floor(duration /
    0.96)`` frames per segment (10, or 9 for the 9 s one); labels are the class indices of the
    segment's mids. Written to ``data/audioset_embeddings_sample.tfrecord``.

    Notebook: 04_audioset_vggish
    """
    gen = np.random.default_rng([seed, 5])
    protos = {name: gen.normal(0.0, 0.8, EMBEDDING_SIZE) for name in SOUND_SCENE_MIDS}
    by_mid = {mid: name for name, mid in SOUND_SCENE_MIDS.items()}
    labels = sample_class_labels()
    records = []
    for seg in sample_segments(seed).rows:
        name = next(by_mid[m] for m in seg.positive_labels if m in by_mid)
        n_frames = int(seg.duration / EMBEDDING_HOP_SECONDS)
        values = protos[name] + gen.normal(0.0, 0.35, (n_frames, EMBEDDING_SIZE))
        records.append(EmbeddingRecord(
            video_id=seg.ytid,
            start_time_seconds=seg.start_seconds,
            end_time_seconds=seg.end_seconds,
            labels=sorted(labels.index(m) for m in seg.positive_labels),
            embedding=quantize(values),
        ))
    return records
