"""TFRecord files and ``tf.train.SequenceExample`` protocol buffers, byte for byte, in plain Python.

TensorFlow stores data sets as TFRecord files: a sequence of records, each framed as

==========  ===============================================================
bytes       content
==========  ===============================================================
8           ``uint64`` length *n* of the data (little-endian)
4           masked CRC-32C of those 8 bytes
*n*         the data (often one serialized protocol buffer)
4           masked CRC-32C of the data
==========  ===============================================================

:func:`read_records` and :func:`write_records` handle the framing, checking lengths and both
checksums (:func:`crc32c`, :func:`masked_crc32c`): a truncated or corrupted file raises a
``ValueError`` naming the file, the record (from 0) and its byte offset, where TensorFlow's own
reader silently stops at a record whose header is cut short. :func:`parse_sequence_example` and
:func:`serialize_sequence_example` decode and encode the ``tf.train.SequenceExample`` message in
protobuf wire format, keeping the order in which the file stores its features, so that writing
what was read gives the same bytes.

This is the codec under :mod:`course_lib.audioset` (AudioSet's embeddings are TFRecord files of
SequenceExamples); chapter ``04_audioset_vggish`` checks a record's framing with it and compares its
parse with TensorFlow's. Layer 1: imports nothing from the course, and not TensorFlow.
"""

from __future__ import annotations

import numbers
import operator
import os
import struct
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

__all__ = [
    "crc32c",
    "masked_crc32c",
    "read_records",
    "write_records",
    "Feature",
    "parse_sequence_example",
    "serialize_sequence_example",
]


# ============================================================================================
# Checksums
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


def _as_bytes(data, name: str) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be bytes, got {type(data).__name__}")
    return bytes(data)


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of ``data``, the checksum TFRecord files use.

    ``crc32c(b"123456789") == 0xE3069283`` (the standard check value).

    Raises
    ------
    TypeError
        ``data`` is not bytes, a bytearray or a memoryview.

    Notebook: 04_audioset_vggish (via ``masked_crc32c``)
    """
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for b in _as_bytes(data, "data"):
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: ``rotate_right(crc32c(data), 15) + 0xA282EAD8`` (mod 2**32).

    Notebook: 04_audioset_vggish
    """
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


# ============================================================================================
# TFRecord framing
# ============================================================================================
def read_records(path) -> Iterator[bytes]:
    """Yield the data of every record of a TFRecord file, checking lengths and both CRCs.

    Parameters
    ----------
    path : str or Path
        The file.

    Yields
    ------
    bytes
        The data of each record, in file order.

    Raises
    ------
    ValueError
        A truncated record or a CRC mismatch, naming the file, the record number (from 0) and
        its byte offset. Nothing is skipped.

    Notebook: 04_audioset_vggish (via ``read_embeddings``)
    """
    shown = os.fspath(path)
    with open(path, "rb") as f:
        index = 0
        while True:
            offset = f.tell()
            head = f.read(12)
            if not head:
                return

            def fail(problem):
                raise ValueError(f"{shown}: record {index} (byte offset {offset}): {problem}")

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


def write_records(path, payloads: Iterable[bytes]) -> int:
    """Write byte strings as a TFRecord file, readable by ``tf.data.TFRecordDataset``.

    Parameters
    ----------
    path : str or Path
        The file to write (replaced if it exists; nothing is written if a payload is not bytes).
    payloads : iterable of bytes
        The data of each record.

    Returns
    -------
    int
        The number of records written.

    Raises
    ------
    TypeError
        A payload that is not bytes, naming its index.

    Notebook: 04_audioset_vggish (via ``write_embeddings``)
    """
    out = bytearray()
    n = 0
    for data in payloads:
        data = _as_bytes(data, f"payloads[{n}]")
        length = struct.pack("<Q", len(data))
        out += length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))
        n += 1
    Path(path).write_bytes(bytes(out))
    return n


# ============================================================================================
# The protocol buffers: tf.train.SequenceExample in wire format
# ============================================================================================
# SequenceExample { Features context = 1; FeatureLists feature_lists = 2; }
# Features { map<string, Feature> feature = 1; }          (map entry: key = 1, value = 2)
# Feature { oneof { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
# BytesList { repeated bytes value = 1; }  FloatList { repeated float value = 1 [packed]; }
# Int64List { repeated int64 value = 1 [packed]; }
# FeatureLists { map<string, FeatureList> feature_list = 1; }  FeatureList { repeated Feature feature = 1; }
_KINDS = ("bytes", "float", "int64")  # field numbers 1, 2, 3 of Feature


class Feature(NamedTuple):
    """One ``tf.train.Feature``: its kind and its values.

    Attributes
    ----------
    kind : str
        ``"bytes"`` (values are bytes), ``"float"`` (float32 in the file) or ``"int64"`` (int).
    values : list
        The values, in order.

    Notebook: 04_audioset_vggish (via ``parse_sequence_example``)
    """

    kind: str
    values: list


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise ValueError("varint longer than 10 bytes")


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
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ValueError("field runs past the end of its message")
        yield number, wire, value


def _decode_feature(buf: bytes) -> Feature:
    kinds = [(n, v) for n, w, v in _fields(buf) if w == 2]
    if len(kinds) != 1 or kinds[0][0] not in (1, 2, 3):
        raise ValueError("a Feature must hold exactly one of bytes_list, float_list, int64_list")
    number, inner = kinds[0]
    values: list = []
    for n, w, v in _fields(inner):
        if n != 1:
            raise ValueError(f"unexpected field {n} in a value list")
        if number == 1:
            values.append(bytes(v))
        elif number == 2:
            if w == 2:
                if len(v) % 4:
                    raise ValueError("packed floats are not a multiple of 4 bytes")
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
    return Feature(_KINDS[number - 1], values)


def _decode_map(buf: bytes) -> dict:
    """A map<string, message> field list: returns {key: value bytes} in the order stored."""
    out = {}
    for n, w, entry in _fields(buf):
        if n != 1 or w != 2:
            raise ValueError(f"unexpected field {n} in a feature map")
        key = value = None
        for en, ew, ev in _fields(entry):
            if en == 1:
                key = bytes(ev).decode("utf-8")
            elif en == 2:
                value = bytes(ev)
        if key is None:
            raise ValueError("a map entry without a key")
        out[key] = value if value is not None else b""
    return out


def parse_sequence_example(data: bytes) -> tuple[dict, dict]:
    """Decode a serialized ``tf.train.SequenceExample``.

    Parameters
    ----------
    data : bytes
        The message in protobuf wire format (the data of one TFRecord record).

    Returns
    -------
    context : dict of str to Feature
        The context features, in the order the message stores them.
    feature_lists : dict of str to list of Feature
        Each feature list's features (one per time step), in stored order.

    Raises
    ------
    TypeError
        ``data`` is not bytes.
    ValueError
        The bytes are not a SequenceExample (truncated, wrong wire types, a Feature holding no
        or several value lists, invalid UTF-8 in a key); the message says what is wrong.

    Notebook: 04_audioset_vggish
    """
    data = _as_bytes(data, "data")
    try:
        context = feature_lists = b""
        for n, w, v in _fields(data):
            if w != 2 or n not in (1, 2):
                raise ValueError(f"unexpected field {n} in a SequenceExample")
            if n == 1:
                context += v  # repeated occurrences of a message field merge
            else:
                feature_lists += v
        features = {key: _decode_feature(value) for key, value in _decode_map(context).items()}
        lists = {}
        for key, value in _decode_map(feature_lists).items():
            steps = []
            for n, w, feat in _fields(value):
                if n != 1 or w != 2:
                    raise ValueError(f"unexpected field {n} in the FeatureList {key!r}")
                steps.append(_decode_feature(feat))
            lists[key] = steps
        return features, lists
    except (UnicodeDecodeError, struct.error) as exc:
        raise ValueError(str(exc)) from None


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


def _enc_feature(feature) -> bytes:
    kind, values = feature
    if kind not in _KINDS:
        raise ValueError(f"a Feature's kind must be one of {list(_KINDS)}, got {kind!r}")
    values = list(values)
    if kind == "bytes":
        for v in values:
            _as_bytes(v, "a bytes Feature's value")
        return _enc_len(1, b"".join(_enc_len(1, bytes(v)) for v in values))
    if kind == "float":
        for v in values:
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"a float Feature's values must be real numbers, got {v!r}")
        try:
            packed = struct.pack(f"<{len(values)}f", *values)
        except OverflowError:
            raise ValueError(f"a float Feature's value does not fit in float32 (|x| > 3.4e38): {values}") from None
        return _enc_len(2, _enc_len(1, packed) if values else b"")
    for v in values:
        if isinstance(v, bool) or not hasattr(v, "__index__"):
            raise TypeError(f"an int64 Feature's values must be integers, got {v!r}")
    packed = b"".join(_enc_varint(operator.index(v)) for v in values)
    return _enc_len(3, _enc_len(1, packed) if values else b"")


def _enc_map(entries: dict, encode) -> bytes:
    return b"".join(_enc_len(1, _enc_len(1, key.encode("utf-8")) + _enc_len(2, encode(value)))
                    for key, value in entries.items())


def serialize_sequence_example(context: dict, feature_lists: dict) -> bytes:
    """Encode a ``tf.train.SequenceExample`` in protobuf wire format, as TensorFlow writes it.

    Features are written in the dicts' order (a file's own order, when they come from
    :func:`parse_sequence_example`, so the bytes are reproduced); floats are packed float32, int64
    values packed varints, each bytes value its own field.

    Parameters
    ----------
    context : dict of str to Feature
        The context features (a ``(kind, values)`` pair works as well as a :class:`Feature`).
    feature_lists : dict of str to list of Feature
        The feature lists, one Feature per time step.

    Returns
    -------
    bytes
        The serialized message; ``tf.train.SequenceExample.FromString`` reads it.

    Raises
    ------
    TypeError
        A bytes value that is not bytes, a float value that is not a number, or an int64 value
        that is not an integer.
    ValueError
        An unknown kind, or a float that does not fit in float32.

    Notebook: 04_audioset_vggish (via ``write_embeddings``)
    """
    ctx = _enc_map(context, _enc_feature)
    lists = _enc_map(feature_lists, lambda steps: b"".join(_enc_len(1, _enc_feature(f)) for f in steps))
    return _enc_len(1, ctx) + _enc_len(2, lists)
