"""course_lib.crepe_cli: the original CREPE's command line (CSV, activations, salience PNG) and its
error messages."""

import os
import subprocess
import sys

import matplotlib
import matplotlib.image
import numpy as np
import pytest

from course_lib import assets, audio, crepe, crepe_cli, pitch, synth

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_command_line_writes_the_originals_csv(tmp_path):
    y = synth.harmonic_tone(330.0, duration=0.3, sr=22050)
    wav = tmp_path / "tone.WAV"
    audio.save(wav, y, 22050)
    assert crepe_cli.main([str(wav), "--plot", "-q", "--viterbi"]) == 0
    csv = tmp_path / "tone.f0.csv"
    lines = csv.read_text().splitlines()
    assert lines[0] == "time,frequency,confidence"
    n = 1 + int(len(y) * 16000 / 22050) // 160
    assert len(lines) == 1 + n
    assert lines[1].startswith("0.000,") and lines[2].startswith("0.010,")
    time_s, freq_s, conf_s = lines[10].split(",")
    assert len(time_s.split(".")[1]) == 3 and len(freq_s.split(".")[1]) == 3 and len(conf_s.split(".")[1]) == 6
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    assert np.median(np.abs(pitch.interval_cents(330.0, data[3:-3, 1]))) < 10
    image = matplotlib.image.imread(tmp_path / "tone.activation.png")
    assert image.shape[:2] == (360, n)
    out = tmp_path / "out"
    out.mkdir()
    flac = tmp_path / "tone.flac"
    audio.save(flac, y, 22050)
    crepe_cli.main([str(flac), "-o", str(out), "-q", "--save-activation"])
    assert (out / "tone.flac.f0.csv").exists() and np.load(out / "tone.flac.activation.npy").shape == (n, 360)
    assert crepe_cli.output_path("a/b.wav", ".f0.csv", "c") == os.path.join("c", "b.f0.csv")


def test_salience_png_is_one_pixel_per_frame_and_bin(tmp_path):
    rng = np.random.default_rng(0)
    activation = rng.random((37, 360)).astype(np.float32)
    confidence = np.linspace(0.0, 1.0, 37)
    cmap = matplotlib.colormaps["inferno"]
    as_bytes = lambda rgba: np.round(255 * np.asarray(rgba)[..., :3]).astype(int)
    crepe_cli.save_salience_png(tmp_path / "a.png", activation)
    image = matplotlib.image.imread(tmp_path / "a.png")
    assert image.shape[:2] == (360, 37)
    # top row: the highest bin; left column: the first frame (the original's picture)
    expected = as_bytes(cmap(np.flip(activation.astype(np.float64), axis=1).T))
    assert np.max(np.abs(as_bytes(image) - expected)) <= 1
    crepe_cli.save_salience_png(tmp_path / "v.png", activation, confidence)
    image = as_bytes(matplotlib.image.imread(tmp_path / "v.png"))
    assert image.shape[:2] == (380, 37)
    assert np.max(np.abs(image[:360] - expected)) <= 1
    np.testing.assert_allclose(image[365], as_bytes(cmap(confidence)), atol=1)  # soft voicing
    np.testing.assert_allclose(image[375], as_bytes(cmap((confidence > 0.5).astype(float))), atol=1)  # hard


def test_command_line_names_bad_files(tmp_path):
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(audio.AudioError, match="broken.wav"):
        crepe_cli.main([str(bad), "-q"])
    with pytest.raises(audio.AudioError, match="missing.wav"):
        crepe_cli.main([str(tmp_path / "missing.wav"), "-q"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(audio.AudioError, match="no WAV, FLAC or OGG"):
        crepe_cli.main([str(empty), "-q"])
    with pytest.raises(SystemExit):
        crepe_cli.main([str(bad), "--step-size", "0"])
    result = subprocess.run([sys.executable, "-m", "course_lib.tools.crepe_cli", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert "broken.wav" in result.stderr and "Traceback" not in result.stderr
    assert crepe.SAMPLE_RATE == 16000


# --------------------------------------------------------------------------- chapter 07's cached experiments
def test_benchmark_runner_writes_scores_and_reliability(tmp_path):
    import math

    from course_lib import training

    out = tmp_path / "bench.json"
    runs = crepe_cli.run_benchmark(out, n=1, snrs=(math.inf, 0.0), instruments=["Clarinet"], trackers=("CREPE tiny", "pYIN"))
    config, cached = training.load_results(out)
    assert len(runs) == len(cached) == 4 and config["snrs_db"] == ["inf", 0.0]
    clean = [r for r in cached if r["snr_db"] == "inf"]
    assert {r["tracker"] for r in clean} == {"CREPE tiny", "pYIN"}
    for r in clean:  # a clean real clarinet note: both trackers are right and hear the silences as silence
        assert r["rpa"] > 0.9 and r["voicing_recall"] > 0.8 and r["voicing_false_alarm"] < 0.1, r
    rel = config["reliability"]["CREPE tiny"]
    assert len(rel["counts"]) == 10 and sum(rel["counts"]) == sum(r["n_voiced"] for r in cached if r["tracker"] == "CREPE tiny")
    with pytest.raises(ValueError, match="name"):
        crepe_cli.track("YAAPT", np.zeros(1600), 16000)


def test_heads_runner_trains_both_heads(tmp_path):
    from course_lib import training

    settings = dict(crepe_cli.HEAD_SETTINGS, steps=3, batch_size=16, chunk_steps=2, curve_every=2, n_test=20, seeds=(0, 1))
    (x, f), (xt, ft, kind) = crepe_cli.head_data(settings)
    assert x.shape == (48, 1024) and f.shape == (48,) and set(kind) == {"note", "tone", "ambiguous"}
    (x1, f1), (xt1, _, _) = crepe_cli.head_data(settings, steps=2)  # the first steps alone: the same frames
    np.testing.assert_array_equal(x1, x[:32])
    np.testing.assert_array_equal(xt1, xt)
    runs = crepe_cli.run_heads(tmp_path / "heads.json", settings)
    assert [(r["head"], r["seed"]) for r in runs] == [("classification", 0), ("regression", 0), ("classification", 1), ("regression", 1)]
    config, cached = training.load_results(tmp_path / "heads.json")
    assert config["seeds"] == [0, 1] and set(cached[0]["scores"]) == {"all", "note", "tone", "ambiguous"}
    assert len(cached[0]["loss_curve"]) == 2 and len(cached[0]["errors"]) == 20 and len(config["test_kind"]) == 20
    perfect = crepe_cli.head_scores(pitch.hz_to_cents(ft), ft, kind)
    octave = crepe_cli.head_scores(pitch.hz_to_cents(2 * ft), ft, kind)
    assert perfect["all"]["rpa"] == 1.0 and octave["all"]["rpa"] == 0.0 and octave["all"]["rca"] == 1.0
    np.testing.assert_allclose(crepe_cli.head_errors(pitch.hz_to_cents(2 * ft), ft), 1200.0)
    assert crepe_cli.head_errors([np.nan], [440.0])[0] == 1e4
    assert crepe_cli.loss_curve([1.0, 3.0, 5.0], every=2) == [2.0, 5.0]
    with pytest.raises(ValueError, match="every"):
        crepe_cli.loss_curve([1.0], every=0)
    with pytest.raises(ValueError, match="steps"):
        crepe_cli.head_data(settings, steps=0)


def test_train_head_losses_are_per_batch():
    (x, f), _ = crepe_cli.head_data(dict(crepe_cli.HEAD_SETTINGS, steps=4, batch_size=8, chunk_steps=4, n_test=4))
    _, losses = crepe.train_head("regression", x, f, seed=0, batch_size=8)
    _, first = crepe.train_head("regression", x[:8], f[:8], seed=0, batch_size=8)
    _, two = crepe.train_head("regression", x[:16], f[:16], seed=0, batch_size=8)
    assert len(losses) == 4 and losses[0] == first[0]
    np.testing.assert_allclose(two, losses[:2], rtol=1e-5)  # a run's first steps are the run's start


def test_cached_benchmark_is_complete():
    from course_lib import pitch_eval, training

    config, runs = training.load_results(assets.path(crepe_cli.BENCHMARK_FILE))
    cells = {(r["tracker"], r["instrument"], str(r["snr_db"])) for r in runs}
    assert len(cells) == len(crepe_cli.TRACKERS) * len(pitch_eval.BENCHMARK_INSTRUMENTS) * len(crepe_cli.BENCHMARK_SNRS)
    assert len(runs) == len(cells) * config["n_per_cell"] and config["n_per_cell"] >= 5
