"""course_lib.audioset against the real AudioSet files, the course's samples of them (made by
course_lib.assets), and its writers and errors.

The real files live in ../shared/reference/audioset (beside the repository, in CI); tests that need
them skip with a message where that folder is absent. The embedding shards are compared field by
field with an independent parse: TensorFlow's ``tf.data.TFRecordDataset`` and
``tf.train.SequenceExample.FromString``. The TFRecord codec itself is tested in test_tfrecord.py.
"""

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib import assets, audioset, errors, fetch, tfrecord

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "audioset"
SHARDS = {"bal_train/--.tfrecord": 7, "bal_train/00.tfrecord": 3, "eval/--.tfrecord": 4, "eval/00.tfrecord": 14}
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(),
    reason=f"the real AudioSet reference files are absent ({REFERENCE} does not exist: a fresh clone); "
    "these tests run where ../shared/reference/ sits beside the repository (CI)",
)


def shard(name: str) -> Path:
    return REFERENCE / "audioset_v1_embeddings" / name


@pytest.fixture(scope="module")
def ontology():
    return audioset.load_ontology(REFERENCE / "ontology.json")


@pytest.fixture(scope="module")
def class_labels():
    return audioset.read_class_labels(REFERENCE / "class_labels_indices.csv")


def tf_records(path):
    """Independent reader: TensorFlow's TFRecord reader and protobuf parser."""
    import tensorflow as tf

    out = []
    for raw in tf.data.TFRecordDataset(str(path)):
        ex = tf.train.SequenceExample.FromString(raw.numpy())
        ctx = ex.context.feature
        frames = ex.feature_lists.feature_list["audio_embedding"].feature
        out.append(
            dict(
                video_id=ctx["video_id"].bytes_list.value[0].decode(),
                start=ctx["start_time_seconds"].float_list.value[0],
                end=ctx["end_time_seconds"].float_list.value[0],
                labels=list(ctx["labels"].int64_list.value),
                frames=[f.bytes_list.value[0] for f in frames],
                context_keys=set(ctx.keys()),
                list_keys=set(ex.feature_lists.feature_list.keys()),
            )
        )
    return out


# ---------------------------------------------------------------------------------------- ontology
@needs_reference
def test_real_ontology_has_632_entries_seven_roots_and_a_walkable_hierarchy(ontology):
    assert len(ontology) == audioset.N_ONTOLOGY_ENTRIES == 632
    assert [ontology.name(r) for r in ontology.roots()] == [
        "Human sounds", "Animal", "Music", "Natural sounds", "Sounds of things",
        "Source-ambiguous sounds", "Channel, environment and background",
    ]
    bark = ontology.id_of("Bark")
    assert bark == "/m/05tny_" and ontology.name(bark) == "Bark"
    assert [ontology.name(i) for i in ontology.ancestors(bark)] == ["Dog", "Domestic animals, pets", "Animal"]
    assert ontology.path_to_root(bark) == ["Animal", "Domestic animals, pets", "Dog", "Bark"]
    assert bark in ontology.descendants(ontology.id_of("Animal"))
    # Knock has two parents, and both lead up to different roots
    knock = ontology.id_of("Knock")
    assert sorted(ontology.name(p) for p in ontology.parents(knock)) == ["Door", "Generic impact sounds"]
    assert {"Sounds of things", "Source-ambiguous sounds"} <= {ontology.name(a) for a in ontology.ancestors(knock)}
    # every entry is reached by walking down from the roots; ids <-> names is a bijection
    walked = {e.id for _, e in ontology.walk()}
    assert walked == {e.id for e in ontology}
    assert all(ontology.id_of(e.name) == e.id for e in ontology)
    # descendants and ancestors are consistent
    speech = ontology.id_of("Speech")
    for d in ontology.descendants(speech):
        assert speech in ontology.ancestors(d)
    assert ontology["/m/0dgw9r"].restrictions == ("abstract",)
    assert "Human voice" in ontology.tree(ontology.id_of("Human sounds"), max_depth=1)


@needs_reference
def test_real_ontology_is_rewritten_byte_for_byte(ontology, tmp_path):
    audioset.write_ontology(tmp_path / "ontology.json", ontology)
    assert (tmp_path / "ontology.json").read_bytes() == (REFERENCE / "ontology.json").read_bytes()


def test_ontology_errors_name_the_file_and_entry(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "/m/x", "name": "X"}]')
    with pytest.raises(audioset.AudioSetFormatError, match=r"bad\.json: entry 0 must have exactly the keys"):
        audioset.load_ontology(bad)
    bad.write_text("[{")
    with pytest.raises(audioset.AudioSetFormatError, match="not valid JSON"):
        audioset.load_ontology(bad)
    e = audioset.OntologyEntry("/m/a", "A", child_ids=("/m/missing",))
    with pytest.raises(audioset.AudioSetFormatError, match="/m/missing"):
        audioset.Ontology([e])
    with pytest.raises(KeyError, match="not an id"):
        assets.sample_ontology()["/m/nope"]
    with pytest.raises(TypeError, match=r"ontology\[0\] must be an OntologyEntry"):
        audioset.write_ontology(tmp_path / "o.json", [{"id": "/m/a", "name": "A"}])
    assert not (tmp_path / "o.json").exists()


# ------------------------------------------------------------------------------------ class index
@needs_reference
def test_real_class_index_has_527_classes_with_quoted_comma_names(class_labels, ontology, tmp_path):
    assert len(class_labels) == audioset.N_CLASSES == 527
    assert class_labels[0] == audioset.ClassLabel(0, "/m/09x0r", "Speech")
    assert class_labels[1].display_name == "Male speech, man speaking"
    assert class_labels[526].index == 526 and class_labels.index("/m/09x0r") == 0
    # every class is an ontology entry with the same name; none is abstract, 12 are blacklisted
    for row in class_labels:
        assert ontology.name(row.mid) == row.display_name
        assert "abstract" not in ontology[row.mid].restrictions
    assert sum("blacklist" in ontology[r.mid].restrictions for r in class_labels) == 12
    audioset.write_class_labels(tmp_path / "c.csv", class_labels)
    assert (tmp_path / "c.csv").read_bytes() == (REFERENCE / "class_labels_indices.csv").read_bytes()


def test_class_index_errors(tmp_path):
    bad = tmp_path / "c.csv"
    bad.write_text("index,mid,name\n")
    with pytest.raises(audioset.AudioSetFormatError, match="line 1"):
        audioset.read_class_labels(bad)
    bad.write_text('index,mid,display_name\n0,/m/a,"A"\n0,/m/b,"B"\n')
    with pytest.raises(audioset.AudioSetFormatError, match="ascending"):
        audioset.read_class_labels(bad)
    bad.write_text('index,mid,display_name\n0,/m/a\n')
    with pytest.raises(audioset.AudioSetFormatError, match="line 2"):
        audioset.read_class_labels(bad)
    with pytest.raises(TypeError, match=r"labels\[1\] must be a ClassLabel"):
        audioset.write_class_labels(tmp_path / "w.csv", [audioset.ClassLabel(0, "/m/a", "A"), (1, "/m/b", "B")])


# ------------------------------------------------------------------------------------ segments CSV
@needs_reference
@pytest.mark.parametrize("name", ["balanced_train_segments_head50.csv", "eval_segments_head50.csv"])
def test_real_segment_lists_parse_and_rewrite_byte_for_byte(name, class_labels, tmp_path):
    seg = audioset.read_segments(REFERENCE / name)
    assert len(seg) == 50 and len(seg.header) == 3
    assert seg.header[2] == "# YTID, start_seconds, end_seconds, positive_labels"
    assert re.match(r"# num_ytids=\d+, num_segs=\d+, num_unique_labels=527, num_positive_labels=\d+", seg.header[1])
    for row in seg:
        assert len(row.ytid) == 11 and 0 < row.duration <= 10.0 and row.positive_labels
        assert all(m in class_labels for m in row.positive_labels)
    first = (REFERENCE / name).read_text().splitlines()[3]
    assert first.startswith(f"{seg[0].ytid}, {seg[0].start_seconds:.3f}, ")
    audioset.write_segments(tmp_path / name, seg)
    assert (tmp_path / name).read_bytes() == (REFERENCE / name).read_bytes()


def test_segments_header_counts_and_errors(tmp_path):
    rows = [audioset.Segment("a", 0.0, 10.0, ("/m/1", "/m/2")), audioset.Segment("a", 10.0, 20.0, ("/m/2",))]
    header = audioset.segments_header(rows, "Thu Jan  1 00:00:00 1970")
    assert header[1] == "# num_ytids=1, num_segs=2, num_unique_labels=2, num_positive_labels=3"
    audioset.write_segments(tmp_path / "s.csv", rows)
    text = (tmp_path / "s.csv").read_text()
    assert text.splitlines()[3] == 'a, 0.000, 10.000, "/m/1,/m/2"' and text.endswith("\n")
    assert audioset.read_segments(tmp_path / "s.csv").rows == rows
    (tmp_path / "bad.csv").write_text(text.replace('"/m/2"', "/m/2"))
    with pytest.raises(audioset.AudioSetFormatError, match=r"bad\.csv: line 5"):
        audioset.read_segments(tmp_path / "bad.csv")
    with pytest.raises(TypeError, match=r"segments\[1\] must be a Segment"):
        audioset.write_segments(tmp_path / "t.csv", [rows[0], ("a", 0.0, 10.0, ())])
    assert not (tmp_path / "t.csv").exists()


# ------------------------------------------------------------------------------------- embeddings
@pytest.mark.slow
@needs_reference
@pytest.mark.parametrize("name", sorted(SHARDS))
def test_every_field_of_the_real_shards_matches_tensorflow(name):
    ours = list(audioset.read_embeddings(shard(name)))
    theirs = tf_records(shard(name))
    assert len(ours) == len(theirs) == SHARDS[name]
    for rec, ref in zip(ours, theirs):
        assert ref["context_keys"] == {"video_id", "start_time_seconds", "end_time_seconds", "labels"}
        assert ref["list_keys"] == {"audio_embedding"}
        assert isinstance(rec.video_id, str) and rec.video_id == ref["video_id"]
        assert isinstance(rec.start_time_seconds, float) and rec.start_time_seconds == ref["start"]
        assert isinstance(rec.end_time_seconds, float) and rec.end_time_seconds == ref["end"]
        assert rec.labels == ref["labels"] and all(type(v) is int for v in rec.labels)
        assert rec.labels == sorted(rec.labels) and max(rec.labels) < audioset.N_CLASSES
        assert rec.embedding.dtype == np.uint8 and rec.embedding.shape == (len(ref["frames"]), 128)
        assert [row.tobytes() for row in rec.embedding] == ref["frames"]
        assert rec.n_frames == int((rec.end_time_seconds - rec.start_time_seconds) / 0.96)


@needs_reference
def test_real_shards_include_a_short_segment():
    rec = [r for r in audioset.read_embeddings(shard("eval/--.tfrecord")) if r.n_frames != 10]
    assert len(rec) == 1 and rec[0].n_frames == 9 and rec[0].end_time_seconds - rec[0].start_time_seconds == 9.0


@needs_reference
@pytest.mark.parametrize("name", sorted(SHARDS))
def test_real_shards_write_back_byte_identical_and_lossless(name, tmp_path):
    records = list(audioset.read_embeddings(shard(name)))
    out = tmp_path / "copy.tfrecord"
    assert audioset.write_embeddings(out, records) == len(records)
    assert out.read_bytes() == shard(name).read_bytes()
    assert list(audioset.read_embeddings(out)) == records
    # rebuilt from plain attributes (default context order): same content, still readable by TensorFlow
    fresh = [audioset.EmbeddingRecord(r.video_id, r.start_time_seconds, r.end_time_seconds, list(r.labels), r.embedding.copy())
             for r in records]
    audioset.write_embeddings(tmp_path / "fresh.tfrecord", fresh)
    assert list(audioset.read_embeddings(tmp_path / "fresh.tfrecord")) == records
    assert [r["frames"] for r in tf_records(tmp_path / "fresh.tfrecord")] == [[x.tobytes() for x in r.embedding] for r in records]


def _sample_shard(tmp_path) -> Path:
    p = tmp_path / "sample.tfrecord"
    audioset.write_embeddings(p, assets.sample_embedding_records())
    return p


def test_a_damaged_file_raises_audioset_format_error_naming_file_and_record(tmp_path):
    data = _sample_shard(tmp_path).read_bytes()
    second = 16 + int.from_bytes(data[:8], "little")  # byte offset of record 1
    cut, flipped = tmp_path / "cut.tfrecord", tmp_path / "flipped.tfrecord"
    cut.write_bytes(data[: second + 5])
    flipped.write_bytes(data[: second + 40] + bytes([data[second + 40] ^ 0x10]) + data[second + 41:])
    for path, problem in ((cut, "truncated file"), (flipped, "CRC of the record's data")):
        records = audioset.read_embeddings(path)
        assert next(records).video_id == "course00001"  # record 0 is intact and read first
        with pytest.raises(audioset.AudioSetFormatError) as info:
            next(records)
        message = str(info.value)
        assert message.startswith(f"{path}: record 1 (byte offset {second})") and problem in message
    assert audioset.AudioSetFormatError is errors.AudioSetFormatError


def test_a_record_that_is_not_a_sequence_example_names_file_and_record(tmp_path):
    p = tmp_path / "odd.tfrecord"
    good = audioset.serialize_embedding_record(assets.sample_embedding_records()[0])
    tfrecord.write_records(p, [good, b"\x0a\x03abc"])
    with pytest.raises(audioset.AudioSetFormatError, match=r"odd\.tfrecord: record 1: not an AudioSet embedding"):
        list(audioset.read_embeddings(p))
    # a 127-byte frame, a missing context feature: refused, not padded or skipped silently
    import tensorflow as tf

    ex = tf.train.SequenceExample()
    ex.context.feature["video_id"].bytes_list.value.append(b"v")
    ex.context.feature["start_time_seconds"].float_list.value.append(0.0)
    ex.context.feature["end_time_seconds"].float_list.value.append(10.0)
    ex.context.feature["labels"].int64_list.value.extend([1, 2])
    ex.feature_lists.feature_list["audio_embedding"].feature.add().bytes_list.value.append(bytes(127))
    with pytest.raises(ValueError, match="128-byte"):
        audioset.parse_embedding_record(ex.SerializeToString())
    del ex.context.feature["labels"]
    with pytest.raises(ValueError, match="context features must be"):
        audioset.parse_embedding_record(ex.SerializeToString())


def test_write_validates_records_and_writes_nothing_on_error(tmp_path):
    rec = assets.sample_embedding_records()[0]
    p = tmp_path / "x.tfrecord"
    bad_dtype = audioset.EmbeddingRecord("v", 0.0, 10.0, [1], rec.embedding.astype(np.float32))
    with pytest.raises(TypeError, match="record 1: .*uint8.*quantize"):
        audioset.write_embeddings(p, [rec, bad_dtype])
    assert not p.exists()
    with pytest.raises(ValueError, match=r"shape \(frames, 128\)"):
        audioset.write_embeddings(p, [audioset.EmbeddingRecord("v", 0.0, 10.0, [1], np.zeros((3, 64), np.uint8))])
    with pytest.raises(ValueError, match="finite"):
        audioset.write_embeddings(p, [audioset.EmbeddingRecord("v", float("nan"), 10.0, [1], rec.embedding)])
    with pytest.raises(TypeError, match="record 0: records must be EmbeddingRecord"):
        audioset.write_embeddings(p, [("v", 0.0, 10.0, [1], rec.embedding)])
    with pytest.raises(TypeError, match="labels must be an integer"):
        audioset.EmbeddingRecord("v", 0.0, 10.0, [1.5], rec.embedding)
    assert not p.exists()


def test_synthetic_records_round_trip_including_edge_cases(tmp_path):
    rng = np.random.default_rng(3)
    records = [
        audioset.EmbeddingRecord("ünï-cødé_01", 1.5, 11.5, [0, 5, 526], rng.integers(0, 256, (10, 128), dtype=np.uint8)),
        audioset.EmbeddingRecord("no-labels", 0.0, 3.0, [], rng.integers(0, 256, (3, 128), dtype=np.uint8)),
        audioset.EmbeddingRecord("no-frames", 0.0, 0.5, [7], np.zeros((0, 128), np.uint8)),
        audioset.EmbeddingRecord("big-index", 1e4, 1e4 + 10, [2**40], np.full((1, 128), 255, np.uint8)),
    ]
    p = tmp_path / "syn.tfrecord"
    audioset.write_embeddings(p, records)
    back = list(audioset.read_embeddings(p))
    assert back == records
    theirs = tf_records(p)
    assert [t["video_id"] for t in theirs] == [r.video_id for r in records]
    assert [t["labels"] for t in theirs] == [r.labels for r in records]
    assert "embedding=<uint8 array (10, 128)>" in repr(back[0])


# ------------------------------------------------------------------------------------ quantization
def test_quantize_is_the_vggish_postprocessor_and_dequantize_inverts_it():
    x = np.array([-5.0, -2.0, -1.99, 0.0, 0.5, 1.999, 2.0, 7.0])
    q = audioset.quantize(x)
    assert q.dtype == np.uint8
    expected = [int((min(max(v, -2), 2) + 2) * 255 / 4) for v in x]  # truncation, as astype(uint8)
    assert q.tolist() == expected == [0, 0, 0, 127, 159, 254, 255, 255]
    all_bytes = np.arange(256, dtype=np.uint8)
    d = audioset.dequantize(all_bytes)
    assert d.dtype == np.float32 and d.min() >= -2.0 and d.max() == 2.0 and np.all(np.diff(d) > 0)
    assert np.array_equal(audioset.quantize(d), all_bytes)
    v = np.random.default_rng(0).uniform(-2, 2, 10000)
    assert np.max(np.abs(audioset.dequantize(audioset.quantize(v)) - v)) <= 2 / 255 + 1e-6
    with pytest.raises(TypeError, match="uint8"):
        audioset.dequantize(np.array([1, 2]))
    with pytest.raises(ValueError, match="NaN"):
        audioset.quantize([np.nan])


def test_multi_hot_marks_every_label_of_a_clip():
    siren = assets.sample_embedding_records()[0]
    assert siren.labels == [396, 397]  # Siren and Civil defense siren: one clip, two classes
    target = audioset.multi_hot(siren.labels)
    assert target.dtype == np.float32 and target.shape == (audioset.N_CLASSES,)
    assert np.flatnonzero(target).tolist() == [396, 397] and target.sum() == 2
    assert audioset.multi_hot(np.array([3, 0, 3]), 5).tolist() == [1, 0, 0, 1, 0]  # repeats count once
    assert audioset.multi_hot([], 4).tolist() == [0, 0, 0, 0]
    with pytest.raises(ValueError, match=r"labels must be an integer from 0 to 4"):
        audioset.multi_hot([5], 5)
    with pytest.raises(ValueError, match="labels"):
        audioset.multi_hot([-1], 5)
    with pytest.raises(TypeError, match="labels must be an integer"):
        audioset.multi_hot([1.0], 5)
    with pytest.raises(ValueError, match="n_classes"):
        audioset.multi_hot([0], 0)


# ---------------------------------------------------------------------------------- shipped samples
def test_shipped_samples_are_in_the_formats_and_consistent():
    onto = audioset.load_ontology(assets.path("audioset_ontology_sample.json"))
    labels = audioset.read_class_labels(assets.path("audioset_class_labels_sample.csv"))
    segs = audioset.read_segments(assets.path("audioset_segments_sample.csv"))
    records = list(audioset.read_embeddings(assets.path("audioset_embeddings_sample.tfrecord")))
    assert len(onto) == 33 and len(labels) == 26 and len(segs) == 16 and len(records) == 16
    assert all(mid in labels for mid in assets.SOUND_SCENE_MIDS.values())
    for row in labels:
        assert onto.name(row.mid) == row.display_name and not onto[row.mid].restrictions
    for seg, rec in zip(segs, records):
        assert rec.video_id == seg.ytid and rec.start_time_seconds == seg.start_seconds
        assert rec.labels == sorted(labels.index(m) for m in seg.positive_labels)
        assert rec.n_frames == int(seg.duration / 0.96)
    assert sorted(r.n_frames for r in records)[:2] == [9, 10]
    assert records == assets.sample_embedding_records()
    # frames of one sound-scenes class are closer to each other than to other classes
    x = audioset.dequantize(np.stack([r.embedding.mean(axis=0).round().astype(np.uint8) for r in records]))
    dist = np.linalg.norm(x[:, None] - x[None], axis=-1)
    same = np.arange(16) % 8
    assert all(np.argsort(dist[i])[1] % 8 == same[i] for i in range(16))


@needs_reference
def test_sample_ontology_states_only_true_facts_and_copies_no_text(ontology, class_labels):
    sample = audioset.load_ontology(assets.path("audioset_ontology_sample.json"))
    real_text = (REFERENCE / "ontology.json").read_text()
    for e in sample:
        real = ontology[e.id]
        assert e.name == real.name and e.restrictions == real.restrictions
        # children: a subsequence, in order, of the real children
        positions = [real.child_ids.index(c) for c in e.child_ids]
        assert positions == sorted(positions)
        assert e.description and e.description not in real_text and real.description not in e.description
        assert e.positive_examples == () and e.citation_uri == ""
    for row in audioset.read_class_labels(assets.path("audioset_class_labels_sample.csv")):
        assert class_labels[row.index] == row


# ------------------------------------------------------------------ the registry of the full files
@needs_reference
def test_registry_hashes_are_those_of_the_full_published_files():
    for name in ("ontology.json", "class_labels_indices.csv"):
        e = fetch.entry(f"audioset/{name}")
        data = (REFERENCE / name).read_bytes()
        assert e.sha256 == hashlib.sha256(data).hexdigest() and e.size == len(data)


def test_unhashed_files_are_registered_as_such():
    # The course could not hash these (no network when it was made): fetch.file warns on download.
    assert fetch.entry("audioset/features.tar.gz").sha256 == ""
    assert fetch.entry("vggish/vggish_model.ckpt").sha256 == ""


# --- chapter 04: the real segment lists' first rows, and multi-label mixtures ---
@needs_reference
def test_reference_segments_read_the_real_first_rows(monkeypatch):
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(REFERENCE.parent))
    segs = audioset.reference_segments("balanced_train")
    assert len(segs) == 50 and "num_segs=22160" in segs.header[1]
    assert segs.rows == audioset.read_segments(REFERENCE / "balanced_train_segments_head50.csv").rows
    assert len(audioset.reference_segments("eval", n_rows=3)) == 3
    with pytest.raises(ValueError, match="split"):
        audioset.reference_segments("unbalanced")
    with pytest.raises(ValueError, match="n_rows"):
        audioset.reference_segments("eval", n_rows=51)


def test_mix_clips_sums_clips_of_one_fold_with_multi_hot_targets():
    rng = np.random.default_rng(0)
    clips = rng.normal(0, 0.1, (24, 100)).astype(np.float32)
    labels = np.tile(np.arange(4), 6)
    folds = np.repeat([1, 2, 3], 8)
    x, t, f, sources = audioset.mix_clips(clips, labels, folds, n_per_fold=10, max_sources=3, rng=1)
    assert x.shape == (30, 100) and t.shape == (30, 4) and list(np.bincount(f)[1:]) == [10, 10, 10]
    for xi, ti, fi, s in zip(x, t, f, sources):
        assert 1 <= len(s) <= 3 and {int(folds[i]) for i in s} == {int(fi)}
        assert np.allclose(xi, clips[list(s)].sum(axis=0), atol=1e-6)
        assert ti.sum() == len(s) and np.flatnonzero(ti).tolist() == sorted(labels[list(s)].tolist())
    again = audioset.mix_clips(clips, labels, folds, n_per_fold=10, max_sources=3, rng=1)
    assert np.array_equal(again[0], x) and again[3] == sources
    with pytest.raises(ValueError, match="max_sources must be at most the 4 classes"):
        audioset.mix_clips(clips, labels, folds, n_per_fold=2, max_sources=5)
    with pytest.raises(ValueError, match="same clips"):
        audioset.mix_clips(clips, labels[:3], folds, n_per_fold=2)
    with pytest.raises(ValueError, match="n_per_fold"):
        audioset.mix_clips(clips, labels, folds, n_per_fold=0)
