"""course_lib.corpora: every loader on the real files (counts, rates, shapes, labels, folds, speakers,
no silent or non-finite clip), the registries against the mirror, the data cards, bad arguments.

The files come from the mirror when there is one (``$COURSE_DATA_MIRROR`` or ``../shared/reference``,
as in CI), through a cache private to this test module; elsewhere from the user's cache, which
``make test`` fills first (``make data-real``).
"""

import hashlib
import os
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from course_lib import corpora, fetch

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get(fetch.MIRROR_ENV) or ROOT.parent / "shared" / "reference")
HAS_MIRROR = MIRROR.is_dir()
needs_mirror = pytest.mark.skipif(not HAS_MIRROR, reason=f"no mirror at {MIRROR} to compare the registries with")


@pytest.fixture(scope="module", autouse=True)
def data_env(tmp_path_factory):
    """Serve the real files from the mirror through a private cache (when there is a mirror)."""
    saved = {k: os.environ.get(k) for k in (fetch.CACHE_ENV, fetch.MIRROR_ENV)}
    if HAS_MIRROR:
        os.environ[fetch.MIRROR_ENV] = str(MIRROR)
        os.environ[fetch.CACHE_ENV] = str(tmp_path_factory.mktemp("cache"))
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _audible(y, sr):
    """Finite, not silent: some 50 ms window rises above -60 dBFS RMS."""
    assert y.dtype == np.float32 and y.ndim == 1 and np.isfinite(y).all()
    assert np.abs(y).max() <= 1.0
    n = max(1, int(0.05 * sr))
    frames = y[: len(y) // n * n].reshape(-1, n) if len(y) >= n else y[None, :]
    return float(np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1)).max()) > 1e-3


# ------------------------------------------------------------------------------ ESC-10
@pytest.mark.slow
def test_esc10_as_published():
    clips, labels, folds, names = corpora.load_esc10()
    assert names == corpora.ESC10_CLASSES and len(names) == 10
    assert len(clips) == len(labels) == len(folds) == 398
    assert all(c.shape == (220500,) for c in clips)  # 5 s at 44.1 kHz
    counts = Counter(labels.tolist())
    assert counts == {k: 40 for k in range(10) if k != 8} | {8: 38}  # two CC Sampling+ roosters left out
    assert set(folds.tolist()) == {1, 2, 3, 4, 5}
    assert all(70 <= n <= 80 for n in Counter(folds.tolist()).values())
    for label in range(10):  # every class in every fold
        assert set(folds[labels == label].tolist()) == {1, 2, 3, 4, 5}
    assert all(_audible(c, 44100) for c in clips)
    raw, *_ = corpora.load_esc10(duration=None)  # as decoded: Vorbis padding, and a few odd lengths
    lengths = Counter(len(c) for c in raw)
    assert lengths.most_common(1) == [(220544, 378)] and min(lengths) > 3.5 * 44100 and max(lengths) < 7.3 * 44100
    assert all(np.array_equal(c, r[:220500]) for c, r in zip(clips, raw) if len(r) >= 220500)


@pytest.mark.slow
def test_esc10_at_16k_is_resampled_and_the_decoded_cache_is_exact():
    clips, labels, folds, _ = corpora.load_esc10(sr=16000)
    assert all(c.shape == (80000,) for c in clips)
    again, labels2, folds2, _ = corpora.load_esc10(sr=16000)  # from the decoded cache
    assert all(np.array_equal(a, b) for a, b in zip(clips, again))
    assert np.array_equal(labels, labels2) and np.array_equal(folds, folds2)
    decoded = list((fetch.cache_dir() / "decoded").glob("esc10-16000-*.npy"))
    assert len(decoded) == 1 if HAS_MIRROR else decoded
    assert all(_audible(c, 16000) for c in clips)


def test_esc10_metadata_carries_each_clips_author_and_licence():
    meta = corpora.esc10_metadata()
    assert len(meta) == 398
    assert {m["licence"] for m in meta} == {"CC0 1.0", "CC BY 3.0"}
    assert all(" by " in m["attribution"] and "freesound.org" in m["attribution"] for m in meta)
    first = meta[0]
    assert first["class_name"] == "Dog bark" and first["fold"] == 1 and first["freesound_id"] == 100032
    assert "nfrae" in first["attribution"] and "rose_bark.wav" in first["attribution"]


# ------------------------------------------------------------------------------ FSDD
@pytest.mark.slow
def test_fsdd_as_published():
    clips, digits, speakers, takes = corpora.load_fsdd()
    assert len(clips) == 3000
    assert Counter(digits.tolist()) == {d: 300 for d in range(10)}
    assert Counter(speakers.tolist()) == {s: 500 for s in ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")}
    assert set(takes.tolist()) == set(range(50))
    assert int((takes < 5).sum()) == 300  # the official test split
    lengths = np.array([len(c) for c in clips]) / 8000
    assert 0.1 < lengths.min() and lengths.max() < 2.5
    assert all(_audible(c, 8000) for c in clips)


@pytest.mark.slow
def test_fsdd_resampled():
    clips, *_ = corpora.load_fsdd(sr=16000)
    raw, *_ = corpora.load_fsdd()
    assert [len(c) for c in clips] == [2 * len(r) for r in raw]


# ------------------------------------------------------------------------------ backgrounds, responses, voices
@pytest.mark.slow
def test_backgrounds():
    names = corpora.background_names()
    assert names == ["birds", "boat", "city", "coffee-shop", "fireplace", "rain", "storm", "summer-night", "train",
                     "waves", "wind"]
    for name in names:
        y, _ = corpora.load_background(name, sr=16000)
        assert len(y) / 16000 > 7 and _audible(y, 16000), name
    assert len(corpora.load_background("Train")[0]) == pytest.approx(7.24 * 24000, abs=24000 * 0.01)


def test_room_impulse_responses_are_the_omnidirectional_channel():
    import soundfile as sf

    names = corpora.room_ir_names()
    assert len(names) == 5
    for name in names:
        ir, _ = corpora.load_room_ir(name)
        ir16, _ = corpora.load_room_ir(name, sr=16000)
        assert np.isfinite(ir).all() and ir.dtype == np.float32
        assert np.argmax(np.abs(ir16)) < 0.1 * 16000, name  # the direct sound comes first
    # The W channel of the B-format file, as recorded.
    path = fetch.file("rir/openair/Jack Lyons Hall, University of York.wav")
    data, sr = sf.read(path, dtype="float32", always_2d=True)
    assert data.shape[1] == 4 and sr == 96000
    assert np.array_equal(corpora.load_room_ir("jack lyons hall")[0], data[:, 0])


def test_device_responses():
    names = corpora.device_ir_names()
    assert len(names) == 17 and "Radio 001" in names
    for name in names:
        ir, _ = corpora.load_device_ir(name, sr=16000)
        assert 0.05 * 16000 < len(ir) < 0.25 * 16000 and np.isfinite(ir).all() and np.abs(ir).max() > 0.01


def test_voice_and_singing():
    voice, _ = corpora.load_voice(sr=16000)
    assert len(voice) == pytest.approx(2.59 * 16000, abs=200) and _audible(voice, 16000)
    y, sr, times, f0 = corpora.load_vocadito()
    assert sr == 44100 and 33 < len(y) / sr < 34 and _audible(y, sr)
    assert len(times) == len(f0) and np.all(np.diff(times) > 0)
    voiced = f0[f0 > 0]
    assert 0.3 < len(voiced) / len(f0) < 1 and 80 < np.median(voiced) < 600


@pytest.mark.parametrize("key", ["trumpet", "brahms", "humpback", "robin", "libri1", "libri2", "libri3", "vibeace",
                                 "nutcracker", "fishin"])
def test_librosa_examples_through_librosa_ex(key):
    import librosa

    path = corpora.librosa_example(key)
    assert Path(path).is_file() and path == librosa.ex(key)
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == fetch.entry(
        "librosa-data/audio/" + Path(path).name).sha256
    y, sr = librosa.load(path, sr=None, duration=2.0)
    assert _audible(y.astype(np.float32), sr)


def test_librosa_examples_refuse_what_the_course_does_not_carry():
    with pytest.raises(ValueError, match="non-free.*pistachio.*choose one of"):
        corpora.librosa_example("pistachio")


# ------------------------------------------------------------------------------ bad arguments
@pytest.mark.parametrize("call, error, words", [
    (lambda: corpora.load_esc10(sr=0), ValueError, "sr must be a positive"),
    (lambda: corpora.load_esc10(sr="16k"), TypeError, "sr must be a positive whole number of Hz"),
    (lambda: corpora.load_esc10(duration=0), ValueError, "duration must be > 0"),
    (lambda: corpora.load_esc10(duration="5 s"), TypeError, "duration must be a number"),
    (lambda: corpora.load_fsdd(sr=8000.5), ValueError, "sr must be"),
    (lambda: corpora.load_background("jungle")[0], ValueError, "unknown background 'jungle'; choose one of"),
    (lambda: corpora.load_background(3)[0], TypeError, "background must be a name"),
    (lambda: corpora.load_room_ir("cathedral")[0], ValueError, "unknown room 'cathedral'"),
    (lambda: corpora.load_device_ir("Radio 999")[0], ValueError, "unknown device 'Radio 999'"),
    (lambda: corpora.credits("nope"), ValueError, "unknown set 'nope'"),
    (lambda: corpora.fetch_all(["nope"]), ValueError, "unknown set 'nope'"),
])
def test_bad_arguments_are_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


# ------------------------------------------------------------------------------ registries, cards, the repository
@needs_mirror
def test_registries_are_what_the_mirror_gives(tmp_path):
    import base64  # noqa: F401  (the SoundFont's registry is checked in test_fetch)

    written = corpora.build_registries(MIRROR, out=tmp_path)
    assert written == {"esc10": 398, "fsdd": 3001, "librosa-data": 31, "blanket": 11, "openair": 4, "clap": 3,
                       "device": 17, "vocadito": 6}
    for name in written:
        assert (tmp_path / f"{name}.csv").read_bytes() == (fetch.REGISTRY_DIR / f"{name}.csv").read_bytes(), name


def test_the_data_cards_are_current():
    assert (ROOT / "DATA.md").read_text(encoding="utf-8") == corpora.data_cards() + "\n", \
        "DATA.md is stale: run `python -m course_lib.datasets.corpora cards`"


def test_every_set_is_described_and_credited():
    cards = corpora.data_cards()
    for c in corpora.CORPORA.values():
        assert c.title in cards and c.repository.removeprefix("npm: ") in cards and c.licence in cards
        assert all(lic and who for _, lic, who in corpora.credits(c.name))
    for name in ("nfrae", "kvgarlic", "Kristoffer Ekstrand", "openairlib", "Frank Wen"):
        assert name in cards


def test_no_registered_file_is_committed():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    registered = {e.sha256 for name in fetch.set_names() for e in fetch.registry(name) if e.sha256}
    for rel in filter(None, tracked):
        path = ROOT / rel.decode()
        if path.is_file() and path.stat().st_size < 50_000_000:
            assert hashlib.sha256(path.read_bytes()).hexdigest() not in registered, f"{rel.decode()} is a registered file"


def test_fetch_all_reports_files_and_sizes():
    sizes = corpora.fetch_all(["clap", "openair"], progress=False)
    assert sizes == {"clap": (3, sum(e.size for e in fetch.registry("clap"))),
                     "openair": (4, sum(e.size for e in fetch.registry("openair")))}
