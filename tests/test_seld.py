"""course_lib.seld: frame targets, post-processing on known scores, the CRNN's shapes; the detection scores
(course_lib.evaluation.detection) on known cases; the detection study (course_lib.experiments.detection)."""

import numpy as np
import pytest

from course_lib import experiments, seld
from course_lib.errors import ResultsNotFoundError, StaleResultsError
from course_lib.evaluation import detection as metrics
from course_lib.experiments import detection

NAMES = ["dog", "cry"]
DELTA = seld.HOP_LENGTH / seld.SR  # 64 ms


def test_frame_boundaries_start_at_zero_and_follow_the_frame_centres():
    np.testing.assert_allclose(metrics.frame_boundaries(3), [0.0, 0.032, 0.096, 0.160])
    assert metrics.frame_boundaries(157)[-1] == pytest.approx(10.016)
    with pytest.raises(ValueError, match="n_frames"):
        metrics.frame_boundaries(0)


def test_frame_targets_mark_the_frames_whose_centre_is_inside():
    y = seld.frame_targets([(0.1, 0.3, "cry"), (0.0, 0.064, "dog")], NAMES, 6)
    # centres 0, 0.064, 0.128, 0.192, 0.256, 0.32 s
    np.testing.assert_array_equal(y[:, 1], [0, 0, 1, 1, 1, 0])
    np.testing.assert_array_equal(y[:, 0], [1, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="label 'bird'"):
        seld.frame_targets([(0.0, 1.0, "bird")], NAMES, 6)
    with pytest.raises(ValueError, match="offset"):
        seld.frame_targets([(1.0, 0.5, "dog")], NAMES, 6)


def test_median_filter_removes_short_blips_and_commutes_with_the_threshold():
    s = np.array([[0, 0, 0.9, 0, 0, 0.8, 0.9, 0.7, 0, 0.6, 0.9, 0.8]], float).T
    np.testing.assert_array_equal(metrics.median_filter(s, 3)[:, 0], [0, 0, 0, 0, 0, 0.8, 0.8, 0.7, 0.6, 0.6, 0.8, 0.8])
    rng = np.random.default_rng(0)
    r = rng.random((200, 3))
    for size in (3, 7, 11):
        for th in (0.3, 0.5, 0.8):
            np.testing.assert_array_equal(metrics.median_filter(r, size) >= th,
                                          metrics.median_filter((r >= th).astype(float), size) >= 0.5)
    np.testing.assert_array_equal(metrics.median_filter(r, 1), r)
    with pytest.raises(ValueError, match="odd"):
        metrics.median_filter(r, 4)
    with pytest.raises(ValueError, match="scores"):
        metrics.median_filter(np.zeros(5), 3)


def test_scores_to_events_on_a_known_score_array():
    s = np.zeros((12, 2))
    s[:, 0] = [0, 0, 0.9, 0, 0, 0.8, 0.9, 0.7, 0, 0.6, 0.9, 0.8]
    s[3:6, 1] = 0.55
    raw = seld.scores_to_events(s, NAMES, threshold=0.5, median_frames=1)
    # frame k spans [(k - 1/2)·64 ms, (k + 1/2)·64 ms)
    assert raw == [(0.096, 0.16, "dog"), (0.16, 0.352, "cry"), (0.288, 0.48, "dog"), (0.544, 0.736, "dog")]
    filtered = seld.scores_to_events(s, NAMES, threshold=0.5, median_frames=3)
    assert filtered == [(0.16, 0.352, "cry"), (0.288, 0.736, "dog")]  # blip gone, gap bridged
    assert seld.scores_to_events(s, NAMES, threshold=0.95) == []
    with pytest.raises(ValueError, match="class_names"):
        seld.scores_to_events(s, ["dog"])


def _aligned_reference():
    b = metrics.frame_boundaries(157)
    return [[(b[10], b[30], "dog"), (b[50], b[60], "cry")], [(b[5], b[120], "cry")], [(b[20], b[40], "dog")]]


def test_reference_against_itself_scores_one_on_every_metric():
    refs = _aligned_reference()
    scores = [seld.frame_targets(r, NAMES, 157) for r in refs]
    assert metrics.event_f1(scores, refs, NAMES) == pytest.approx(1.0)
    assert metrics.segment_f1(scores, refs, NAMES) == pytest.approx(1.0)
    assert metrics.psds1(scores, refs, NAMES) == pytest.approx(1.0)
    assert metrics.evaluate(scores, refs, NAMES) == dict(event_f1=1.0, segment_f1=1.0, psds1=1.0)


def test_the_collar_decides_whether_a_late_detection_counts():
    refs = _aligned_reference()
    late = [[(a + 0.32, min(b + 0.32, 10.0), c) for a, b, c in r] for r in refs]  # every detection 320 ms late
    scores = [seld.frame_targets(r, NAMES, 157) for r in late]
    assert metrics.event_f1(scores, refs, NAMES, collar=0.2) == pytest.approx(0.0)
    assert metrics.event_f1(scores, refs, NAMES, collar=0.5) == pytest.approx(1.0)
    assert 0.5 < metrics.segment_f1(scores, refs, NAMES) < 1.0  # segments forgive part of it
    silent = [np.zeros((157, 2)) for _ in refs]
    assert metrics.event_f1(silent, refs, NAMES) == 0.0 and metrics.psds1(silent, refs, NAMES) == 0.0


def test_classes_without_reference_events_are_left_out():
    refs = [[(1.0, 2.0, "dog")]]
    s = seld.frame_targets(refs[0], NAMES, 157)
    s[50:60, 1] = 1.0  # a "cry" no reference has: sed_scores_eval cannot score that class
    assert metrics.event_f1([s], refs, NAMES) == 1.0
    with pytest.raises(ValueError, match="nothing to detect"):
        metrics.event_f1([s], [[]], NAMES)


def test_windows_targets_and_back_to_frames():
    x = np.arange(2 * 40).reshape(2, 40, 1, 1).astype(float)
    w = seld.windows(x, size=16, hop=4)
    assert w.shape == (2 * 7, 16, 1, 1) and w[1, 0, 0, 0] == 4 and w[7, 0, 0, 0] == 40
    targets = np.zeros((1, 40, 2))
    targets[0, 0:12, 0] = 1  # class 0 covers 12 of the first window's 16 frames
    targets[0, 6:14, 1] = 1  # class 1 overlaps it: 8 frames
    on = seld.window_targets(targets, size=16, hop=4)
    assert on.shape == (7, 2) and on.dtype == np.float32
    # class 0 covers 12, 8, 4, 0 ... frames of windows 0, 1, 2, 3: on while it covers at least a quarter (4 of 16)
    assert on[:, 0].tolist() == [1, 1, 1, 0, 0, 0, 0]
    assert on[:, 1].tolist() == [1, 1, 1, 0, 0, 0, 0]  # 8, 8, 6, 2 frames: both classes on together
    assert seld.window_targets(targets, size=16, hop=4, min_cover=0.6)[:, 1].sum() == 0  # 8 of 16 < 60 %
    with pytest.raises(ValueError, match="min_cover"):
        seld.window_targets(targets, size=16, hop=4, min_cover=0)
    with pytest.raises(ValueError, match="targets"):
        seld.window_targets(targets[0])
    frames = seld.windows_to_frames(np.array([[1.0], [0.0], [0.5]]), 30, size=16, hop=4)
    assert frames[0, 0] == 1.0 and frames[5, 0] == 0.5 and frames[10, 0] == pytest.approx(0.5)
    assert frames[29, 0] == frames[23, 0] == 0.5  # uncovered frames take the nearest covered one
    with pytest.raises(ValueError, match="size"):
        seld.windows(np.zeros((1, 10, 4)), size=16)


@pytest.mark.slow
def test_crnn_keeps_every_frame_and_checks_its_pooling():
    model = seld.crnn(n_mels=64, n_classes=5)
    out = model(np.zeros((2, 157, 64, 1), np.float32))
    assert tuple(out.shape) == (2, 157, 5)
    assert tuple(model(np.zeros((1, 40, 64, 1), np.float32)).shape) == (1, 40, 5)
    assert 30_000 < model.count_params() < 60_000
    with pytest.raises(ValueError, match="pools"):
        seld.crnn(n_mels=16, pools=(4, 4, 4))


def test_seld_keeps_the_frame_timing_and_post_processing_of_the_scores():
    assert seld.frame_boundaries is metrics.frame_boundaries and seld.median_filter is metrics.median_filter


@pytest.mark.slow
def test_window_cnn_is_the_crnn_without_its_gru_and_can_output_overlapping_classes():
    crnn, base = seld.crnn(n_classes=5), seld.window_cnn(5)
    out = np.asarray(base(np.zeros((3, 16, 64, 1), np.float32)))
    assert out.shape == (3, 5) and base.layers[-1].activation.__name__ == "sigmoid"  # one sigmoid per class
    assert [l.name for l in base.layers if l.name.startswith(("conv", "bn"))] == \
        [l.name for l in crnn.layers if l.name.startswith(("conv", "bn"))]
    assert not any("gru" in l.name for l in base.layers)
    conv = sum(l.count_params() for l in crnn.layers if l.name.startswith(("conv", "bn")))
    assert base.count_params() == conv + 64 * 5 + 5  # the same conv blocks, then a dense layer on the window average
    assert crnn.count_params() - base.count_params() == 18_816  # what the CRNN adds: the bidirectional GRU
    with pytest.raises(ValueError, match="pools"):
        seld.window_cnn(5, n_mels=16)


def _patches(rng, classes, length):
    """16 synthetic (n, 40, 64, 1) inputs with one loud patch of ``length`` frames per class (class c in bands
    8 + 32c to 24 + 32c), at random times so that two classes often overlap, and their frame targets."""
    x = rng.standard_normal((16, 40, 64, 1)).astype(np.float32)
    y = np.zeros((16, 40, classes), np.float32)
    for i in range(16):
        for c in range(classes):
            a = int(rng.integers(0, 40 - length))
            x[i, a:a + length, 8 + 32 * c:24 + 32 * c] += 3.0
            y[i, a:a + length, c] = 1.0
    return x, y


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["baseline", "crnn"])
def test_fit_is_repeatable_and_learns_overlapping_patches(kind):
    """Both models: the same seed gives the same history, the loss falls, and the baseline (a sigmoid per class)
    scores windows where two classes overlap with probabilities strictly inside (0, 1)."""
    x, y = _patches(np.random.default_rng(0), classes=2, length=16)
    fit = detection.fit_baseline if kind == "baseline" else detection.fit_crnn
    m1, h1 = fit(x, y, rng=3, epochs=3, batch_size=4, learning_rate=3e-3)
    _, h2 = fit(x, y, rng=3, epochs=3, batch_size=4, learning_rate=3e-3)
    assert h1 == h2 and len(h1["loss"]) == 3 and h1["loss"][-1] < h1["loss"][0]
    if kind == "baseline":
        both = seld.window_targets(y).sum(axis=1) == 2
        assert both.any()
        p = np.asarray(m1(seld.windows(x)[both], training=False))
        assert p.shape[1] == 2 and (p > 0.0).all() and (p < 1.0).all()
    else:
        p = np.asarray(m1(x, training=False))
        assert p.shape == y.shape and (p > 0.0).all() and (p < 1.0).all()
    with pytest.raises(ValueError, match="x_train"):
        fit(x[..., 0], y)


def test_load_models_names_the_missing_file_and_the_command(tmp_path):
    with pytest.raises(ResultsNotFoundError, match="seld_results.json.*python -m course_lib.experiments detection"):
        detection.load_models("crnn", tmp_path)
    with pytest.raises(ValueError, match="kind"):
        detection.load_models("rnn", tmp_path)


@pytest.mark.slow
def test_the_quick_study_trains_saves_loads_and_scores(tmp_path):
    experiments.run("detection", tmp_path, quick=True, progress=False)
    results = experiments.load("detection", tmp_path, quick=True)
    assert results.record["settings"]["seeds"] == [0] and results["classes"] == list(seld_classes())
    assert [(r["model"], r["seed"]) for r in results["runs"]] == [("crnn", 0), ("baseline", 0)]
    for r in results["runs"]:
        assert all(0.0 <= r[m] <= 1.0 for m in ("event_f1", "segment_f1", "psds1"))
        assert all(np.isfinite(v) for v in r["history"]["loss"])
    crnn, = detection.load_models("crnn", tmp_path, quick=True)
    baseline, = detection.load_models("baseline", tmp_path, quick=True)
    sets = detection.build_sets(results.record["settings"])
    refs = [s.events for s in sets["test"]]
    s = results.record["settings"]
    for kind, model in (("crnn", crnn), ("baseline", baseline)):
        again = metrics.evaluate(seld.predict(kind, model, sets["x_test"]), refs, results["classes"], s["threshold"],
                                s["median_frames"], collar=s["collar"], segment_length=s["segment_length"])
        want = next(r for r in results["runs"] if r["model"] == kind)
        assert again == {m: want[m] for m in again}, "the loaded weights score what the run scored"
    # the full study's results are refused for a quick load and vice versa
    with pytest.raises(StaleResultsError, match="quick"):
        experiments.load("detection", tmp_path)


def seld_classes():
    from course_lib import soundscapes

    return soundscapes.EVENT_CLASSES


def test_other_settings_make_the_saved_results_stale(tmp_path, monkeypatch):
    import json

    from course_lib.experiments import study

    path = tmp_path / detection.FILES[0]
    path.write_text(json.dumps({"record": study.record_for("detection", study.settings_for("detection")),
                                "classes": [], "runs": []}))
    assert experiments.load("detection", tmp_path)["runs"] == []
    monkeypatch.setitem(detection.SETTINGS, "median_frames", 5)
    with pytest.raises(StaleResultsError, match=r"settings \['median_frames'\].*python -m course_lib.experiments detection"):
        experiments.load("detection", tmp_path)
