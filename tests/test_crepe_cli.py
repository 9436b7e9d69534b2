"""course_lib.tools.crepe_cli: the original CREPE's command line (CSV, activations, salience PNG) and its
error messages."""

import os
import subprocess
import sys

import matplotlib
import matplotlib.image
import numpy as np
import pytest

from course_lib import audio, crepe, crepe_cli, pitch, synth

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


@pytest.mark.slow
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


def test_the_study_commands_are_gone():
    """The benchmark and the heads study are remade by python -m course_lib.experiments now."""
    from course_lib.errors import AudioError

    with pytest.raises(AudioError, match="cannot read 'benchmark'"):
        crepe_cli.main(["benchmark", "-q"])  # only a file name now
    assert not hasattr(crepe_cli, "run_benchmark") and not hasattr(crepe_cli, "run_heads")
