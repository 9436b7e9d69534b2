"""course_lib.tfrecord against TensorFlow: the framing against ``tf.data.TFRecordDataset`` and
``tf.io.TFRecordWriter``, the SequenceExample codec against ``tf.train.SequenceExample``, damaged
files against TensorFlow's own verdict, and the round trip as a property (hypothesis)."""

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import tfrecord

REAL_SHARD = Path(__file__).resolve().parents[2] / "shared" / "reference" / "audioset" / "audioset_v1_embeddings" / "eval" / "00.tfrecord"


def tf_payloads(path):
    import tensorflow as tf

    return [r.numpy() for r in tf.data.TFRecordDataset(str(path))]


# ---------------------------------------------------------------------------------------- checksums
def test_crc32c_known_values():
    assert tfrecord.crc32c(b"123456789") == 0xE3069283  # the standard check value of CRC-32C
    assert tfrecord.crc32c(b"") == 0
    assert tfrecord.crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720, 32 bytes of zeros
    assert tfrecord.crc32c(bytearray(b"123456789")) == tfrecord.crc32c(memoryview(b"123456789"))
    with pytest.raises(TypeError, match="data must be bytes"):
        tfrecord.crc32c("123456789")


def test_masked_crc_is_tensorflows(tmp_path):
    import tensorflow as tf

    # TensorFlow writes the masked CRC of the 8 length bytes right after them, and of the data last
    payload = b"course_lib"
    with tf.io.TFRecordWriter(str(tmp_path / "probe.tfrecord")) as w:
        w.write(payload)
    data = (tmp_path / "probe.tfrecord").read_bytes()
    assert struct.unpack("<I", data[8:12])[0] == tfrecord.masked_crc32c(data[:8])
    assert struct.unpack("<I", data[-4:])[0] == tfrecord.masked_crc32c(payload)


# ----------------------------------------------------------------------------------------- framing
PAYLOADS = [b"", b"x", bytes(range(256)) * 40, "ünï".encode()]


def test_records_written_here_are_read_by_tensorflow_and_back(tmp_path):
    p = tmp_path / "ours.tfrecord"
    assert tfrecord.write_records(p, iter(PAYLOADS)) == len(PAYLOADS)
    assert tf_payloads(p) == PAYLOADS
    assert list(tfrecord.read_records(p)) == PAYLOADS
    assert list(tfrecord.read_records(str(p))) == PAYLOADS
    assert tfrecord.write_records(tmp_path / "empty.tfrecord", []) == 0
    assert (tmp_path / "empty.tfrecord").read_bytes() == b""


def test_records_written_by_tensorflow_are_read_byte_for_byte(tmp_path):
    import tensorflow as tf

    p = tmp_path / "theirs.tfrecord"
    with tf.io.TFRecordWriter(str(p)) as w:
        for payload in PAYLOADS:
            w.write(payload)
    assert list(tfrecord.read_records(p)) == PAYLOADS
    tfrecord.write_records(tmp_path / "ours.tfrecord", PAYLOADS)
    assert (tmp_path / "ours.tfrecord").read_bytes() == p.read_bytes()


def test_write_refuses_what_is_not_bytes_and_writes_nothing(tmp_path):
    p = tmp_path / "x.tfrecord"
    with pytest.raises(TypeError, match=r"payloads\[1\] must be bytes"):
        tfrecord.write_records(p, [b"ok", "text"])
    assert not p.exists()


def corrupt_copies(data: bytes):
    """(description, damaged bytes, index of the bad record) for truncated and bit-flipped copies."""
    starts, pos = [], 0
    while pos < len(data):
        starts.append((pos, int.from_bytes(data[pos:pos + 8], "little")))
        pos += 16 + starts[-1][1]
    (second, n2), (last, n_last) = starts[1], starts[-1]
    return [
        ("cut inside the header of record 1", data[: second + 5], 1),
        ("cut inside the data of record 1", data[: second + 12 + n2 // 2], 1),
        ("cut before the data CRC of the last record", data[: last + 12 + n_last + 2], len(starts) - 1),
        ("flipped byte in record 1's data", data[: second + 40] + bytes([data[second + 40] ^ 0x10]) + data[second + 41:], 1),
        ("flipped byte in record 1's length", data[:second] + bytes([data[second] ^ 0x01]) + data[second + 1:], 1),
    ]


@pytest.mark.parametrize("real", [False, True], ids=["made-here", "real-audioset-shard"])
def test_truncated_or_corrupted_files_raise_naming_file_record_and_offset(real, tmp_path):
    import tensorflow as tf

    if real:
        if not REAL_SHARD.is_file():
            pytest.skip(f"the real AudioSet reference files are absent ({REAL_SHARD})")
        data = REAL_SHARD.read_bytes()
    else:
        tfrecord.write_records(tmp_path / "src.tfrecord", [bytes(range(100)) * 3, b"second record" * 10, b"third"])
        data = (tmp_path / "src.tfrecord").read_bytes()
    for i, (desc, blob, index) in enumerate(corrupt_copies(data)):
        path = tmp_path / f"damaged{i}.tfrecord"
        path.write_bytes(blob)
        with pytest.raises(ValueError) as info:
            list(tfrecord.read_records(path))
        message = str(info.value)
        assert message.startswith(f"{path}: record {index} (byte offset "), (desc, message)
        assert ("truncated" in message) or ("CRC" in message), (desc, message)
        if desc == "cut inside the header of record 1":
            # TensorFlow takes a partial header for the end of the file and silently returns
            # fewer records: the reason course_lib reads the framing itself
            assert len(tf_payloads(path)) == index
            continue
        # TensorFlow agrees that the file is damaged (an independent check of the CRC logic)
        with pytest.raises(tf.errors.DataLossError):
            tf_payloads(path)


# ---------------------------------------------------------------------------------- SequenceExample
def tf_example(context, feature_lists):
    """The same message built with TensorFlow's protobuf classes."""
    import tensorflow as tf

    def fill(feature, kind, values):
        getattr(feature, {"bytes": "bytes_list", "float": "float_list", "int64": "int64_list"}[kind]).value.extend(values)

    ex = tf.train.SequenceExample()
    ex.context.SetInParent()  # present even when empty, as serialize_sequence_example writes them
    ex.feature_lists.SetInParent()
    for key, (kind, values) in context.items():
        fill(ex.context.feature[key], kind, values)
    for key, steps in feature_lists.items():
        fl = ex.feature_lists.feature_list[key]
        for kind, values in steps:
            fill(fl.feature.add(), kind, values)
    return ex


CONTEXT = {
    "video_id": tfrecord.Feature("bytes", [b"abc", b""]),
    "times": tfrecord.Feature("float", [0.5, -1.25, 2.0**100]),
    "labels": tfrecord.Feature("int64", [0, 526, -1, 2**62, -(2**63)]),
    "nothing": tfrecord.Feature("int64", []),
}
LISTS = {"frames": [tfrecord.Feature("bytes", [bytes(range(128))])] * 3, "scores": [tfrecord.Feature("float", [1.0, 2.0])]}


def test_sequence_example_agrees_with_tensorflow_both_ways():
    import tensorflow as tf

    ours = tfrecord.serialize_sequence_example(CONTEXT, LISTS)
    assert tf.train.SequenceExample.FromString(ours) == tf_example(CONTEXT, LISTS)
    # TensorFlow's serialization (its own map order) parses to the same features
    context, lists = tfrecord.parse_sequence_example(tf_example(CONTEXT, LISTS).SerializeToString())
    assert context == CONTEXT and lists == LISTS
    assert all(isinstance(f, tfrecord.Feature) for f in context.values())


def test_the_stored_order_of_features_is_kept():
    reordered = dict(reversed(list(CONTEXT.items())))
    a = tfrecord.serialize_sequence_example(CONTEXT, LISTS)
    b = tfrecord.serialize_sequence_example(reordered, LISTS)
    assert a != b  # the bytes follow the order...
    assert list(tfrecord.parse_sequence_example(b)[0]) == list(reordered)  # ...and parsing keeps it
    assert tfrecord.serialize_sequence_example(*tfrecord.parse_sequence_example(b)) == b


def test_malformed_messages_and_bad_features_raise():
    for garbage in (b"\x0a\x03abc", b"\x0a", b"\x0f\x00", b"\x0a\x05\x0a\x03\x0a\x01k"):
        with pytest.raises(ValueError):
            tfrecord.parse_sequence_example(garbage)
    with pytest.raises(TypeError, match="data must be bytes"):
        tfrecord.parse_sequence_example("text")
    with pytest.raises(ValueError, match="kind must be one of"):
        tfrecord.serialize_sequence_example({"x": ("string", ["a"])}, {})
    with pytest.raises(TypeError, match="must be integers"):
        tfrecord.serialize_sequence_example({"x": ("int64", [1.5])}, {})
    with pytest.raises(TypeError, match="must be bytes"):
        tfrecord.serialize_sequence_example({"x": ("bytes", ["text"])}, {})
    with pytest.raises(TypeError, match="real numbers"):
        tfrecord.serialize_sequence_example({"x": ("float", ["1.0"])}, {})
    with pytest.raises(ValueError, match="float32"):
        tfrecord.serialize_sequence_example({"x": ("float", [1e39])}, {})
    assert tfrecord.parse_sequence_example(b"") == ({}, {})


float32s = st.floats(width=32, allow_nan=False)
features = st.one_of(
    st.builds(tfrecord.Feature, st.just("bytes"), st.lists(st.binary(max_size=20), max_size=4)),
    st.builds(tfrecord.Feature, st.just("float"), st.lists(float32s, max_size=4)),
    st.builds(tfrecord.Feature, st.just("int64"), st.lists(st.integers(-(2**63), 2**63 - 1), max_size=4)),
)
keys = st.text(min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(keys, features, max_size=4), st.dictionaries(keys, st.lists(features, max_size=3), max_size=3))
def test_any_sequence_example_round_trips_and_tensorflow_reads_it(context, feature_lists):
    import tensorflow as tf

    data = tfrecord.serialize_sequence_example(context, feature_lists)
    assert tfrecord.parse_sequence_example(data) == (context, feature_lists)
    assert tf.train.SequenceExample.FromString(data) == tf_example(context, feature_lists)
