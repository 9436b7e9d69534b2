"""Held out means held out (issue 21): every train/test (and validation) split of the course is disjoint
in what its claim is about, not only by file name.

- FSDD (chapters 05, 06): speakers; no recording on both sides.
- ESC-10 (chapters 00, 03, 04, 09): the official folds, and no Freesound source recording (nor the same
  upload under another id) in two folds; the transfer experiment's source and target classes.
- Chapter 05's shifted test: backgrounds, rooms and devices that augmentation never draws from (by name,
  by file, by source recording, by content).
- Chapter 09: training, validation and test soundscapes from disjoint folds over disjoint backgrounds in
  disjoint rooms, and Exercise 2 choosing its median filter on the validation split (it drew from the
  training clips before issue 21); the direction-of-arrival study's clips and backgrounds.
- Chapters 07 and 08: notes (instrument and MIDI key; for 08 also by content), training vs validation vs
  test. The original studies cut test frames (07) and validation notes (08) from the training notes'
  renderings: these tests fail on them (issue 21 audit), and pass on the remade studies.

Each split is taken from the code that builds it (spies record what a study's own function loads,
without training anything) and, where a study's cached results record the split, from the cache too,
so a regression fails. A known leak not yet fixed is written as the test of what should hold, marked
``xfail(strict=True, raises=AssertionError)``: it fails loudly once the split is held out (then drop the
mark), and any other error (a renamed setting, a changed cell) fails it too.

The recordings come from the mirror (``$COURSE_DATA_MIRROR`` or ``../shared/reference``) or the user's
cache; a test whose recordings cannot be found is skipped.
"""
import collections
import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib import corpora, fetch, soundscapes, training
from course_lib.datasets import melodies, splits
from course_lib.experiments import (augment_ablation, crepe_heads, detection, doa_network, raw_waveform,
                                    vggish_esc10, wavenet_notes)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
MIRROR = Path(os.environ.get(fetch.MIRROR_ENV) or ROOT.parent / "shared" / "reference")

@pytest.fixture(scope="module", autouse=True)
def _mirror():
    """Read the real sets from the mirror when there is one (as CI does), else from the user's cache."""
    saved = os.environ.get(fetch.MIRROR_ENV)
    if not saved and MIRROR.is_dir():
        os.environ[fetch.MIRROR_ENV] = str(MIRROR)
    yield
    if saved is None:
        os.environ.pop(fetch.MIRROR_ENV, None)


def _real(load, *args, **kwargs):
    try:
        return load(*args, **kwargs)
    except corpora.DataError as e:
        pytest.skip(f"the real recordings are not available here: {e}")


def _cached(name):
    """A study's cached results, read as stored (no staleness check: the split is what is tested)."""
    return json.loads((DATA / name).read_text())


def _digest(y):
    return hashlib.sha256(np.ascontiguousarray(y).tobytes()).hexdigest()


class _Stop(Exception):
    """Raised by a spy once it has seen what the test needs (before any training)."""


# ------------------------------------------------------------------------------------------------------
# shared data


@pytest.fixture(scope="module")
def fsdd():
    clips, digits, speakers, takes = _real(corpora.load_fsdd)
    return clips, np.asarray(digits), np.asarray(speakers), np.asarray(takes)


@pytest.fixture(scope="module")
def esc10_16k():
    """ESC-10 at 16 kHz as chapters 00 and 09 load it (decoded once, then cached)."""
    return _real(corpora.load_esc10, sr=16000)


@pytest.fixture(scope="module")
def esc10_meta():
    return corpora.esc10_metadata()  # from the committed registry: no audio needed


def _freesound_ids(meta, indices):
    return {meta[int(i)]["freesound_id"] for i in indices}


def _registry_source(entry):
    """The source recording an entry's attribution names (its URL), e.g. a Freesound page."""
    urls = re.findall(r"\((https?://[^)\s]+)\)", entry.attribution)
    assert urls, f"{entry.path}: no source URL in its attribution {entry.attribution!r}"
    return urls[-1].rstrip("/").lower()


# ------------------------------------------------------------------------------------------------------
# FSDD, chapter 05: the speaker split of the augmentation study


def _ch05_split(settings):
    return splits.fsdd_speaker_split(test_speakers=tuple(settings["test_speakers"]),
                                     train_takes=tuple(settings["train_takes"]),
                                     test_takes=tuple(settings["test_takes"]), duration=settings["duration"])


def test_ch05_study_tests_on_speakers_it_never_trains_on(monkeypatch, fsdd):
    _, _, speakers, _ = fsdd
    real_split = splits.fsdd_speaker_split
    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        raise _Stop

    monkeypatch.setattr(augment_ablation.datasets, "fsdd_speaker_split", spy)
    with pytest.raises(_Stop):
        augment_ablation.prepare(pools={})  # the study's own data step, with its SETTINGS
    monkeypatch.undo()
    assert len(calls) == 1
    data = real_split(**calls[0])
    train, test = set(data["speakers_train"].tolist()), set(data["speakers_test"].tolist())
    assert test == set(augment_ablation.SETTINGS["test_speakers"])
    assert train and test and not train & test, (train, test)
    assert train | test == set(speakers.tolist())  # every other speaker trains
    # no recording on both sides, not even one of another speaker's file name
    assert not {_digest(x) for x in data["x_train"]} & {_digest(x) for x in data["x_test"]}


def test_ch05_cached_results_were_tested_on_the_held_out_speakers(fsdd):
    cached = _cached("augment_ablation.json")
    settings = cached["record"]["settings"]
    data = _ch05_split(settings)
    assert cached["speakers_test"] == data["speakers_test"].tolist()
    assert cached["y_test"] == data["y_test"].tolist()
    assert not set(cached["speakers_test"]) & set(data["speakers_train"].tolist())
    for run in cached["runs"]:
        assert len(run["y_pred_clean"]) == len(run["y_pred_shifted"]) == len(cached["y_test"])


def test_fsdd_split_rejects_a_test_speaker_in_training():
    with pytest.raises(ValueError, match="test_speakers"):
        splits.fsdd_speaker_split(test_speakers=("nobody",))


# ------------------------------------------------------------------------------------------------------
# FSDD, chapter 06: three speaker folds


def test_ch06_every_fold_tests_on_speakers_unheard_in_training(fsdd):
    clips, digits, speakers, takes = fsdd
    s = raw_waveform.SETTINGS
    folds = raw_waveform.speaker_folds(speakers, s["n_folds"])
    tested = []
    for fold in s["test_folds"]:
        train, test = training.fold_split(folds, fold)
        assert not set(speakers[train].tolist()) & set(speakers[test].tolist())
        assert len(set(speakers[test].tolist())) == 6 // s["n_folds"]
        tested += sorted(set(speakers[test].tolist()))
        for fraction in s["fractions"]:
            subset = raw_waveform.training_subset(train, takes, fraction, rng=fold)
            assert subset.size and np.isin(subset, train).all()  # the smaller sets come from training speakers only
    assert sorted(tested) == sorted(set(speakers.tolist()))  # each speaker is a test speaker exactly once
    # no recording of FSDD appears twice (under two speakers' names)
    assert len({_digest(c) for c in clips}) == len(clips)


def test_ch06_cached_runs_were_tested_on_their_fold_speakers(fsdd):
    _, digits, speakers, takes = fsdd
    cached = _cached("rawconv_fsdd_results.json")
    s = cached["record"]["settings"]
    keep = takes < s["n_takes"]
    digits, speakers, takes = digits[keep], speakers[keep], takes[keep]
    folds = raw_waveform.speaker_folds(speakers, s["n_folds"])
    expected = {str(k): sorted(set(speakers[folds == k].tolist())) for k in range(s["n_folds"])}
    assert cached["test_speakers"] == expected
    held = [set(v) for v in cached["test_speakers"].values()]
    assert all(not a & b for i, a in enumerate(held) for b in held[i + 1:])
    for run in cached["runs"]:
        train, test = training.fold_split(folds, run["fold"])
        assert run["y_true"] == digits[test].tolist()
        assert run["n_train"] == raw_waveform.training_subset(train, takes, run["fraction"], rng=run["fold"]).size


# ------------------------------------------------------------------------------------------------------
# Chapter 05: the shifted test's backgrounds, rooms and devices


def test_ch05_shifted_test_conditions_are_other_names_files_and_sources():
    A = augment_ablation
    for what, train, test in (("backgrounds", A.TRAIN_BACKGROUNDS, A.TEST_BACKGROUNDS),
                              ("rooms", A.TRAIN_ROOMS, A.TEST_ROOMS), ("devices", A.TRAIN_DEVICES, A.TEST_DEVICES)):
        assert train and test and not set(train) & set(test), what
    bg = {Path(e.path).stem: e for e in fetch.registry("blanket")}
    dev = {Path(e.path).stem: e for e in fetch.registry("device")}
    for reg, train, test in ((bg, A.TRAIN_BACKGROUNDS, A.TEST_BACKGROUNDS), (dev, A.TRAIN_DEVICES, A.TEST_DEVICES)):
        assert not {reg[n].sha256 for n in train} & {reg[n].sha256 for n in test}
    # the backgrounds are different recordings, not two edits of one
    sources = {side: {_registry_source(bg[n]) for n in names}
               for side, names in (("train", A.TRAIN_BACKGROUNDS), ("test", A.TEST_BACKGROUNDS))}
    assert not sources["train"] & sources["test"]
    # the cached results name the same, disjoint, conditions
    cached = _cached("augment_ablation.json")
    for key, names in (("backgrounds", (A.TRAIN_BACKGROUNDS, A.TEST_BACKGROUNDS)),
                       ("rooms", (A.TRAIN_ROOMS, A.TEST_ROOMS)), ("devices", (A.TRAIN_DEVICES, A.TEST_DEVICES))):
        assert cached[f"train_{key}"] == list(names[0]) and cached[f"test_{key}"] == list(names[1])


def _max_xcorr(a, b):
    """Peak of the normalised cross-correlation over all lags (1: the same response, shifted and scaled)."""
    from scipy.signal import correlate

    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(correlate(a, b, mode="full", method="fft"))) / np.sqrt((a @ a) * (b @ b)))


def test_ch05_no_test_room_or_device_is_a_copy_of_a_training_one():
    A = augment_ablation
    sr = 8000
    rooms = {n: _real(corpora.load_room_ir, n, sr)[0] for n in A.TRAIN_ROOMS + A.TEST_ROOMS}
    devices = {n: _real(corpora.load_device_ir, n, sr)[0] for n in A.TRAIN_DEVICES + A.TEST_DEVICES}
    # measured (issue 21 audit): rooms at most 0.17; devices at most 0.94, as close as two training devices get
    for what, table, train, test, limit in (("room", rooms, A.TRAIN_ROOMS, A.TEST_ROOMS, 0.5),
                                            ("device", devices, A.TRAIN_DEVICES, A.TEST_DEVICES, 0.99)):
        for t in test:
            closest = max(train, key=lambda n: _max_xcorr(table[t], table[n]))
            assert _max_xcorr(table[t], table[closest]) < limit, f"test {what} {t!r} is a copy of training {closest!r}"


def test_ch05_augmentation_draws_only_training_conditions_and_the_shifted_test_only_unseen_ones(monkeypatch):
    A = augment_ablation
    rng = np.random.default_rng(0)
    pools = {side: {kind: {f"{side}-{kind}-{i}": rng.standard_normal(64).astype(np.float32) for i in range(3)}
                    for kind in ("rooms", "backgrounds", "devices")} for side in ("train", "test")}
    owner = {id(a): (side, kind) for side, p in pools.items() for kind, d in p.items() for a in d.values()}
    drawn = []

    def spy(y, sr, *, rng=None, n_steps=(0, 0), irs=(), noises=(), snr_db=(0, 0), devices=(), p=1.0):
        for kind, arrays in (("rooms", irs), ("backgrounds", noises), ("devices", devices)):
            drawn.append((kind, {owner[id(a)] for a in arrays}))
        return np.asarray(y, np.float32)

    monkeypatch.setattr(A.augment, "random_augment", spy)
    clips = rng.standard_normal((2, 800)).astype(np.float32)
    for condition in A.CONDITIONS:
        A.make_views(clips, condition=condition, pools=pools, settings={"n_views": 1})
    train_side = {o for _, owners in drawn for o in owners}
    assert train_side == {("train", k) for k in ("rooms", "backgrounds", "devices")}  # all three used, training only
    drawn.clear()
    A.shifted_test_set(clips, pools=pools)
    assert {o for _, owners in drawn for o in owners} == {("test", k) for k in ("rooms", "backgrounds", "devices")}


# ------------------------------------------------------------------------------------------------------
# ESC-10: folds and source recordings (chapters 00, 03, 04, 09)


def test_esc10_folds_keep_every_source_recording_together(esc10_meta):
    meta = esc10_meta
    assert len(meta) == 398  # of ESC-10's 400 clips (two CC Sampling+ roosters left out, DATA.md)
    fold_of_source = collections.defaultdict(set)
    fold_of_upload = collections.defaultdict(set)
    for m in meta:
        fold, fsid, take = re.fullmatch(r"(\d)-(\d+)-([A-Z])\.ogg", Path(m["path"]).name).groups()
        assert (int(fold), int(fsid), take) == (m["fold"], m["freesound_id"], m["take"])
        # the id in the file name is the Freesound recording the attribution credits
        assert re.search(rf"/sounds/{m['freesound_id']}/?\)", m["attribution"]), m["attribution"]
        fold_of_source[m["freesound_id"]].add(m["fold"])
        title_author = re.match(r"clip of “(.*)” by (.*) \(", m["attribution"])
        assert title_author, m["attribution"]
        fold_of_upload[title_author.group(1).lower(), title_author.group(2)].add(m["fold"])
    assert {f for v in fold_of_source.values() for f in v} == {1, 2, 3, 4, 5}
    split = {k: v for k, v in fold_of_source.items() if len(v) > 1}
    assert not split, f"takes of one source recording in several folds: {split}"
    twice = {k: v for k, v in fold_of_upload.items() if len(v) > 1}
    assert not twice, f"one recording (title, author) uploaded under several ids, in several folds: {twice}"


def test_esc10_loader_gives_the_official_folds_and_fold_split_holds_them_out(esc10_16k, esc10_meta):
    clips, labels, folds, names = esc10_16k
    assert folds.tolist() == [m["fold"] for m in esc10_meta]  # chapter 00 tests on `folds == k`
    assert labels.tolist() == [m["label"] for m in esc10_meta]
    fold_of_clip = {}
    for c, f in zip(clips, folds.tolist()):
        fold_of_clip.setdefault(_digest(c), set()).add(f)
    assert all(len(v) == 1 for v in fold_of_clip.values())  # no clip's audio is in two folds
    for k in range(1, 6):
        train, test = training.fold_split(folds, k)
        assert np.array_equal(test, np.flatnonzero(folds == k))
        assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(len(folds)))
        assert not _freesound_ids(esc10_meta, train) & _freesound_ids(esc10_meta, test)


def _esc10_subset(labels, folds, per):
    """The clips the ESC-10 studies keep: all, or the first ``per`` of each class in each fold, in clip order."""
    if per is None:
        return np.arange(len(labels))
    return np.sort(np.concatenate([np.flatnonzero((folds == f) & (labels == c))[: int(per)]
                                   for f in np.unique(folds) for c in np.unique(labels)]))


@pytest.mark.parametrize("results, subset_key", [("mel_filters_esc10.json", "clips_per_class"),
                                                 ("vggish_esc10_folds.json", "clips_per_fold")])
def test_esc10_cached_runs_were_tested_on_the_official_fold(results, subset_key, esc10_meta):
    labels = np.array([m["label"] for m in esc10_meta])
    folds = np.array([m["fold"] for m in esc10_meta])
    cached = _cached(results)
    keep = _esc10_subset(labels, folds, cached["record"]["settings"].get(subset_key))
    labels, folds = labels[keep], folds[keep]
    runs = [r for r in cached["runs"] if "y_true" in r]
    assert runs
    for r in runs:
        assert r["y_true"] == labels[folds == r["fold"]].tolist(), (results, r.get("model"), r["fold"])


def test_ch04_transfer_target_classes_share_no_clip_or_recording_with_the_source_model(monkeypatch, esc10_meta):
    cached = _cached("vggish_esc10_folds.json")
    names = cached["class_names"]
    source = cached["source"]["source_classes"]
    target = [c for c in names if c not in source]  # as the chapter takes them
    assert source and target and not set(source) & set(target)
    labels = np.array([m["label"] for m in esc10_meta])
    src = np.flatnonzero(np.isin(labels, [names.index(c) for c in source]))
    tgt = np.flatnonzero(np.isin(labels, [names.index(c) for c in target]))
    assert not _freesound_ids(esc10_meta, src) & _freesound_ids(esc10_meta, tgt)
    # few_shot_runs labels clips of the training folds only and scores the held-out fold
    import sklearn.pipeline

    fits = []

    class Spy:
        def fit(self, x, y):
            fits.append([x[:, 0].astype(int), None])
            return self

        def score(self, x, y):
            fits[-1][1] = x[:, 0].astype(int)
            return 0.0

    monkeypatch.setattr(sklearn.pipeline, "make_pipeline", lambda *steps: Spy())
    folds = np.array([m["fold"] for m in esc10_meta])[tgt]
    y = np.searchsorted(np.unique(labels[tgt]), labels[tgt])
    vggish_esc10.few_shot_runs(tgt[:, None].astype(float), y, folds, ks=(1, 8), seeds=(0, 1))
    assert len(fits) == 5 * 2 * 2
    fold_of = dict(zip(tgt.tolist(), folds.tolist()))
    for labelled, tested in fits:
        test_fold = {fold_of[i] for i in tested}
        assert len(test_fold) == 1 and not test_fold & {fold_of[i] for i in labelled}
        assert not _freesound_ids(esc10_meta, labelled) & _freesound_ids(esc10_meta, tested)


def test_ch04_multi_label_mixtures_never_mix_folds_so_train_and_test_share_no_recording(esc10_meta):
    from course_lib import audioset

    labels = np.array([m["label"] for m in esc10_meta])
    folds = np.array([m["fold"] for m in esc10_meta])
    clips = np.zeros((len(labels), 4), np.float32)  # the draws depend on labels and folds only
    _, _, mix_folds, sources = audioset.mix_clips(clips, labels, folds, n_per_fold=100, max_sources=3, rng=0)
    assert all({int(folds[i]) for i in src} == {int(f)} for src, f in zip(sources, mix_folds))
    for k in range(1, 6):  # train on four folds' mixtures, test on the fifth's (chapter 04, section 10)
        train = {i for src, f in zip(sources, mix_folds) if f != k for i in src}
        test = {i for src, f in zip(sources, mix_folds) if f == k for i in src}
        assert test and not _freesound_ids(esc10_meta, train) & _freesound_ids(esc10_meta, test)


# ------------------------------------------------------------------------------------------------------
# Chapter 09: soundscapes (events, backgrounds, rooms) and the direction-of-arrival scenes


@pytest.fixture
def recorded_soundscapes(monkeypatch, esc10_16k):
    """make_set on the real ESC-10 clips and folds, recording what it draws from: the clips each call's pool of
    events is cut from (by identity, as indices), and the backgrounds and rooms it loads (by name). Their
    audio is replaced (noise, short bursts): decoding and cutting it takes seconds and does not decide the
    split; the events placed are still drawn from the recorded pool by make_set's own code."""
    clips = esc10_16k[0]
    index_of = {id(c): i for i, c in enumerate(clips)}
    log = {"backgrounds": [], "rooms": [], "pools": []}

    def load_esc10(sr=None, duration=5.0):
        assert sr == 16000 and duration == 5.0, "this spy serves ESC-10 at 16 kHz only"
        return esc10_16k

    def load_background(name, sr=None):
        log["backgrounds"].append(name)
        return np.random.default_rng(len(name)).uniform(-0.1, 0.1, 30 * sr).astype(np.float32), sr

    def load_room_ir(name, sr=None):
        log["rooms"].append(name)
        ir = np.random.default_rng(len(name)).standard_normal(sr // 4) * np.exp(-np.arange(sr // 4) / (0.02 * sr))
        return ir.astype(np.float32), sr

    def prepare_events(pool_clips, labels, class_names, *, sr, classes=soundscapes.EVENT_CLASSES, **kwargs):
        # every clip of the kept classes becomes a 0.5 s burst (librosa's first call of the audible-part cut
        # compiles for half a minute in a fresh numba cache; the split is decided before it)
        log["pools"].append({index_of[id(c)] for c in pool_clips})
        names = list(class_names)
        keep = {names.index(c) for c in classes}
        burst = (0.1 * np.hanning(sr // 2)).astype(np.float32)
        return [soundscapes.Event(y=burst, label=names[int(lab)], intervals=np.array([[0.0, 0.5]]), source=i)
                for i, lab in enumerate(labels) if int(lab) in keep]

    monkeypatch.setattr(corpora, "load_esc10", load_esc10)
    monkeypatch.setattr(corpora, "load_background", load_background)
    monkeypatch.setattr(corpora, "load_room_ir", load_room_ir)
    monkeypatch.setattr(soundscapes, "prepare_events", prepare_events)
    return log


def _sources(soundscape_set):
    return {i["source"] for s in soundscape_set for i in s.info}


def _drawn(log, split, n=4, rng=0):
    """What one make_set call draws from: its pool of clips, the backgrounds and rooms it loads, the set."""
    for v in log.values():
        v.clear()
    scapes = soundscapes.make_set(split, n, rng=rng)
    (pool,) = log["pools"]
    return dict(pool=pool, backgrounds=set(log["backgrounds"]), rooms=set(log["rooms"]), set=scapes)


def _assert_disjoint(one, other, what, esc10_meta, bg_registry):
    assert not one["pool"] & other["pool"], f"{what}: shared clips"
    assert not _freesound_ids(esc10_meta, one["pool"]) & _freesound_ids(esc10_meta, other["pool"]), \
        f"{what}: shared source recordings"
    assert one["backgrounds"] and other["backgrounds"] and not one["backgrounds"] & other["backgrounds"], \
        f"{what}: shared backgrounds"
    assert not ({_registry_source(bg_registry[n]) for n in one["backgrounds"]}
                & {_registry_source(bg_registry[n]) for n in other["backgrounds"]}), f"{what}: shared background sources"
    assert one["rooms"] and other["rooms"] and not one["rooms"] & other["rooms"], f"{what}: shared rooms"


def test_ch09_soundscape_sets_share_no_clip_recording_background_or_room(recorded_soundscapes, esc10_16k, esc10_meta):
    folds = esc10_16k[2]
    drawn = {split: _drawn(recorded_soundscapes, split) for split in soundscapes.SPLITS}
    constants = {"train": (soundscapes.TRAIN_FOLDS, soundscapes.TRAIN_BACKGROUNDS, soundscapes.TRAIN_ROOMS),
                 "validation": (soundscapes.VALIDATION_FOLDS, soundscapes.VALIDATION_BACKGROUNDS,
                                soundscapes.VALIDATION_ROOMS),
                 "test": (soundscapes.TEST_FOLDS, soundscapes.TEST_BACKGROUNDS, soundscapes.TEST_ROOMS)}
    for split, d in drawn.items():
        split_folds, backgrounds, rooms = constants[split]
        assert {int(folds[i]) for i in d["pool"]} == set(split_folds), split
        assert _sources(d["set"]) <= d["pool"], split  # the events placed
        assert d["backgrounds"] == set(backgrounds) and d["rooms"] == set(rooms), split
    assert (soundscapes.TRAIN_FOLDS, soundscapes.VALIDATION_FOLDS, soundscapes.TEST_FOLDS) == ((1, 2, 3), (4,), (5,))
    bg = {Path(e.path).stem: e for e in fetch.registry("blanket")}
    for one, other in (("train", "validation"), ("train", "test"), ("validation", "test")):
        _assert_disjoint(drawn[one], drawn[other], f"{one} vs {other}", esc10_meta, bg)


def test_ch09_detection_study_trains_on_the_training_split_and_tests_on_the_test_split(monkeypatch):
    calls = []

    def spy(split, n, **kwargs):
        calls.append(split)
        if len(calls) == 2:
            raise _Stop
        return []

    monkeypatch.setattr(soundscapes, "make_set", spy)
    with pytest.raises(_Stop):
        detection.build_sets()
    assert calls == ["train", "test"]


def test_ch09_validation_soundscapes_hold_out_the_training_recordings(recorded_soundscapes, esc10_meta):
    """Exercise 2 chooses the median filter on "validation" soundscapes: they share no clip, source recording,
    background or room with what the CRNN trained on, nor with the test. Before issue 21 the chapter drew them
    with ``make_set("train", 40, rng=1)``: 104 of their 110 events were clips of the study's 200 training
    soundscapes, 63 of their 67 source recordings too; this test fails on that call."""
    source = None
    for cell in json.loads((ROOT / "notebooks" / "09_detection_localization.ipynb").read_text())["cells"]:
        m = re.search(r"^validation = (soundscapes\.make_set\(.*\))\s*$", "".join(cell["source"]), re.M)
        if m:
            source = m.group(1)
    if source is None:
        pytest.fail("chapter 09 no longer makes its validation set with `validation = soundscapes.make_set(...)`: "
                    "update this test")
    log = recorded_soundscapes
    train, test = _drawn(log, "train", n=1), _drawn(log, "test", n=1)
    for v in log.values():
        v.clear()
    validation = eval(source, {"soundscapes": soundscapes})  # the chapter's own call
    (val_pool,) = log["pools"]
    val = dict(pool=val_pool, backgrounds=set(log["backgrounds"]), rooms=set(log["rooms"]), set=validation)
    assert len(validation) == 40 and _sources(validation) <= val_pool
    bg = {Path(e.path).stem: e for e in fetch.registry("blanket")}
    _assert_disjoint(val, train, "validation vs the training soundscapes", esc10_meta, bg)
    _assert_disjoint(val, test, "validation vs the test soundscapes", esc10_meta, bg)


def test_ch09_doa_network_trains_on_folds_1_to_4_and_other_backgrounds(monkeypatch, esc10_16k, esc10_meta):
    clips, _, folds, _ = esc10_16k
    index_of = {id(c): i for i, c in enumerate(clips)}
    s = doa_network.SETTINGS
    monkeypatch.setattr(corpora, "load_esc10", lambda sr=None, duration=5.0: esc10_16k)
    # the test scenes: the code's and the cached ones, all of fold 5
    scenes = doa_network.test_scenes()
    cached = _cached("doa_results.json")
    remade = doa_network.test_scenes(cached["record"]["settings"])
    assert [(c["clip"], c["azimuth"]) for c in cached["scenes"]] == [(c["clip"], c["azimuth"]) for c in remade]
    assert {int(folds[c["clip"]]) for c in cached["scenes"]} == {5}
    test_clips = [c["clip"] for c in scenes]
    assert {int(folds[i]) for i in test_clips} == {5}
    # the training sources: every clip of folds 1-4, none of fold 5
    segments = doa_network._Segments(s["sr"], s["duration"])
    train_clips = {index_of[id(c)] for c in segments.clips}
    assert train_clips == set(np.flatnonzero(folds != 5).tolist())
    assert not _freesound_ids(esc10_meta, train_clips) & _freesound_ids(esc10_meta, test_clips)
    # the backgrounds: the settings, the cache, and what make_training_set really loads
    for settings in (s, cached["record"]["settings"]):
        assert settings["train_noises"] and settings["test_noises"]
        assert not set(settings["train_noises"]) & set(settings["test_noises"])
    loaded = []

    def load_background(name, sr=None):
        loaded.append(name)
        return np.random.default_rng(0).uniform(-0.1, 0.1, 4 * sr).astype(np.float32), sr

    sources = []

    def source_segment(y, sr, *, duration=0.5):
        sources.append(index_of[id(y)])
        return np.random.default_rng(len(sources)).standard_normal(int(duration * sr))

    from course_lib.dsp import localization
    from course_lib.models import localization_net

    monkeypatch.setattr(corpora, "load_background", load_background)
    monkeypatch.setattr(localization, "source_segment", source_segment)
    monkeypatch.setattr(localization, "simulate_array",
                        lambda src, sr, mic_positions, **kw: np.tile(src, (mic_positions.shape[1], 1)))
    monkeypatch.setattr(localization_net, "gcc_features", lambda x, sr, **kw: np.zeros((6, 8), np.float32))
    doa_network.make_training_set({"n_train_scenes": 6})
    assert loaded == list(s["train_noises"])
    assert sources and {int(folds[i]) for i in sources} <= {1, 2, 3, 4}


# ------------------------------------------------------------------------------------------------------
# Chapter 07: the regression-vs-classification heads


class _NoteSpy(dict):
    """Stands for crepe_heads' cache of rendered notes: logs the (instrument, key) of every note frame cut."""

    def __init__(self):
        super().__init__()
        self.log = []

    def __getitem__(self, key):
        self.log.append(key)
        return dict.__getitem__(self, key)


_SYNTHETIC = ("tone", "ambiguous")


def _ch07_split(settings=None, steps=None):
    """The heads' frames as head_data makes them, with the rendering (instrument, key) of every note frame.

    head_data makes the training chunks first, then the held-out part(s) (validation, if any, then test);
    each part's note frames are its frames of a kind other than a synthetic tone, in order.
    """
    spy = _NoteSpy()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(crepe_heads, "_NOTES", spy)
        train, *held = _real(crepe_heads.head_data, settings, steps=steps)
    names = ("test",) if len(held) == 1 else ("validation", "test")
    assert len(held) == len(names)
    out, end = {}, len(spy.log)
    for name, part in reversed(list(zip(names, held))):
        kind = np.asarray(part[2])
        notes = ~np.isin(kind, _SYNTHETIC)
        n = int(notes.sum())
        out[name] = dict(notes=spy.log[end - n:end], f0=np.asarray(part[1])[notes], kind=kind[notes], all_kinds=kind)
        end -= n
    out["train"] = dict(notes=spy.log[:end], f0=np.asarray(train[1]))
    return out


@pytest.fixture(scope="module")
def ch07_first_chunk():
    return _ch07_split(steps=crepe_heads.SETTINGS["chunk_steps"])  # the first 3,200 training frames: about a second


def _shared(held, train):
    twins = set(held) & set(train)
    return [k for k in held if k in twins]


def test_ch07_every_note_frame_is_traced_to_its_rendering(ch07_first_chunk):
    from course_lib import pitch

    d = ch07_first_chunk
    assert d["train"]["notes"]
    for name in ("validation", "test"):
        if name in d:
            assert d[name]["notes"], name
            # the spy saw exactly these frames: each one's key is its f0
            np.testing.assert_allclose([pitch.midi_to_hz(k) for _, k in d[name]["notes"]], d[name]["f0"])


def test_ch07_test_notes_are_not_rendered_for_training(ch07_first_chunk):
    """Against the original study (issue 21 audit): all 200 test note frames had a training twin (same
    instrument and key, velocity 100): 84 of the 94 rendered notes, all of them already in the first chunk."""
    d = ch07_first_chunk
    twins = _shared(d["test"]["notes"], d["train"]["notes"])
    assert not twins, (f"{len(twins)} of {len(d['test']['notes'])} test note frames have a training twin: "
                       f"{sorted(set(twins))[:5]}")


def test_ch07_some_test_notes_are_of_an_instrument_never_trained(ch07_first_chunk):
    d = ch07_first_chunk
    assert {i for i, _ in d["test"]["notes"]} - {i for i, _ in d["train"]["notes"]}, \
        "every test instrument is a training instrument"


def test_ch07_test_notes_of_training_instruments_are_at_unheard_pitches(ch07_first_chunk):
    d = ch07_first_chunk
    trained_instruments = {i for i, _ in d["train"]["notes"]}
    trained_keys = {k for _, k in d["train"]["notes"]}
    heard = [(i, k) for i, k in d["test"]["notes"] if i in trained_instruments and k in trained_keys]
    assert not heard, f"{len(heard)} test notes of training instruments are at keys training has (any instrument)"


def test_ch07_validation_notes_are_neither_training_nor_test_notes(ch07_first_chunk):
    d = ch07_first_chunk
    if "validation" not in d:
        pytest.skip("this version of the study has no validation frames")
    val = d["validation"]["notes"]
    assert not _shared(val, d["train"]["notes"]), "validation notes rendered for training"
    assert not set(val) & set(d["test"]["notes"]), "validation notes (which choose the learning rate) are test notes"


def test_ch07_cached_results_score_the_test_frames_the_code_makes():
    cached = _cached("crepe_heads.json")
    settings = cached["record"]["settings"]
    missing = sorted(set(crepe_heads.SETTINGS) - set(settings))
    assert not missing, f"data/crepe_heads.json was made by another version of the study (no {missing}): remake it"
    *_, (_, test_f0, kind, *rest) = _real(crepe_heads.head_data, settings, steps=1)
    assert cached["test_kind"] == kind.tolist()
    if "test_midi" in cached:
        assert cached["test_midi"] == rest[0].tolist()
    assert all(len(r["errors"]) == len(test_f0) for r in cached["runs"])


@pytest.mark.slow
def test_ch07_held_out_notes_are_not_rendered_for_any_training_step():
    d = _ch07_split()  # all training steps (10-20 s)
    for name in ("validation", "test"):
        if name in d:
            twins = _shared(d[name]["notes"], d["train"]["notes"])
            assert not twins, f"{len(twins)} of {len(d[name]['notes'])} {name} note frames have a training twin"


# ------------------------------------------------------------------------------------------------------
# Chapter 08: the WaveNet's training, validation and test notes


def _ch08_sets(settings=None):
    """The study's note sets as its code makes them: ``{name: (instruments, midi, clips)}``, ``"train"`` first.

    The study's ``note_sets`` where it has one; the original study (training and validation told apart
    by velocity alone) otherwise.
    """
    if hasattr(wavenet_notes, "note_sets"):
        sets = _real(wavenet_notes.note_sets, settings)
        return {name: (list(v["instrument"]), np.asarray(v["midi"]), np.asarray(v["clips"]))
                for name, v in sets.items()}
    s = dict(wavenet_notes.SETTINGS, **(settings or {}))
    out = {}
    for name, key in (("train", "train_velocities"), ("validation", "validation_velocities")):
        clips, labels, midi = _real(melodies.note_dataset, velocities=tuple(s[key]))
        out[name] = ([melodies.NOTE_CONDITIONS[k] for k in labels], np.asarray(midi), np.asarray(clips))
    return out


@pytest.fixture(scope="module")
def ch08_sets():
    sets = _ch08_sets()
    assert list(sets)[0] == "train" and len(sets) >= 2
    return sets


def _max_correlation(v, clips):
    """Highest zero-lag correlation of one note with any of ``clips`` (notes all start at the onset)."""
    v = v - v.mean()
    c = clips - clips.mean(axis=1, keepdims=True)
    return float(np.max(c @ v / np.sqrt((c**2).sum(axis=1) * (v @ v))))


def test_ch08_held_out_notes_are_not_training_notes(ch08_sets):
    """Against the original study (issue 21 audit): all 30 validation notes shared instrument and key with a
    training note (the same recording at another velocity); the closest training note correlated at least
    0.9991 (flute), 0.9997 (guitar) and 1.0000 (trumpet: identical up to float32 rounding, |difference| <= 6e-8)."""
    instruments, midi, clips = ch08_sets["train"]
    trained = set(zip(instruments, midi.tolist()))
    train64 = clips.astype(np.float64)
    for name, (h_instruments, h_midi, h_clips) in ch08_sets.items():
        if name == "train":
            continue
        twins = [p for p in zip(h_instruments, h_midi.tolist()) if p in trained]
        assert not twins, (f"{len(twins)} of {len(h_clips)} {name} notes are a training note (instrument, key) "
                           "at another velocity")
        worst = max(_max_correlation(v.astype(np.float64), train64) for v in h_clips)
        assert worst < 0.5, f"a {name} note correlates {worst:.4f} with a training note"  # held-out notes: <= 0.18


def test_ch08_a_test_set_holds_out_pitches_and_another_an_instrument(ch08_sets):
    instruments, midi, _ = ch08_sets["train"]
    held = {name: v for name, v in ch08_sets.items() if name != "train"}
    unheard_pitches = [name for name, (i, m, _) in held.items()
                       if set(i) <= set(instruments) and not set(m.tolist()) & set(midi.tolist())]
    unheard_instrument = [name for name, (i, _, _) in held.items() if not set(i) & set(instruments)]
    assert unheard_pitches, "no held-out set of the training instruments at pitches no training note has"
    assert unheard_instrument, "no held-out set of an instrument never trained"


def test_ch08_cached_results_record_the_split_the_code_uses():
    cached = _cached("wavenet_notes.json")
    settings = cached["record"]["settings"]
    missing = sorted(set(wavenet_notes.SETTINGS) - set(settings))
    assert not missing, f"data/wavenet_notes.json was made by another version of the study (no {missing}): remake it"
    if "sets" in cached:  # which notes were in which set, as the results record them
        code = _ch08_sets(settings)
        for name, (instruments, midi, _) in code.items():
            assert cached["sets"][name]["instrument"] == instruments and cached["sets"][name]["midi"] == midi.tolist()
        trained = set(zip(cached["sets"]["train"]["instrument"], cached["sets"]["train"]["midi"]))
        for name, v in cached["sets"].items():
            if name != "train":
                assert not trained & set(zip(v["instrument"], v["midi"])), name


@pytest.mark.slow
def test_ch08_study_trains_and_validates_on_notes_unlike_each_other(monkeypatch, tmp_path):
    """Through the study's own run(): the clips it makes training and validation examples from (stopped
    before training), compared by content, whatever the settings call them."""
    import tensorflow as tf

    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: None)  # no global state left
    seen = []

    def spy(clips, labels, **kwargs):
        seen.append(np.asarray(clips, np.float64))
        if len(seen) == 2:
            raise _Stop
        return {}

    monkeypatch.setattr(wavenet_notes.wavenet, "make_examples", spy)
    with pytest.raises(_Stop):
        wavenet_notes.run(dict(wavenet_notes.SETTINGS), tmp_path, progress=False)
    train, validation = seen
    worst = max(_max_correlation(v, train) for v in validation)
    assert worst < 0.5, f"a validation note correlates {worst:.4f} with a training note"
