"""course_lib.models.silero_vad: Silero VAD 6.2.3 run with ONNX Runtime on real speech and real backgrounds.

Measured (ONNX Runtime 1.32, one thread; chunks of 32 ms):

- LibriSpeech ``libri1`` (14.8 s, 16 kHz): mean speech probability 0.998 over its voiced chunks
  (RMS within 20 dB of the loudest chunk, 72 % of them; smallest 0.64); 0.88 over all chunks.
  With the state and context reset at every chunk, the same voiced chunks average 0.24.
- FSDD's 300 test recordings (takes 0-4, 8 kHz, one digit each): 299 reach 0.5 somewhere.
- Real backgrounds, first 20-30 s at 16 kHz: rain 0.003 on average, never above 0.12; waves
  0.003, never above 0.30 (coffee-shop, which carries voices, averages 0.52: not used here).

The thresholds below (0.9 on voiced speech, 0.5 for the stateless run, 95 % of digits, 0.05 and
1 % on backgrounds) leave room for other ONNX Runtime versions and platforms but fail if the
state or the context is mishandled (see ``test_the_state_carried_between_chunks_matters``).
The package's own code is checked without importing it (its ``__init__`` imports torch): the
source of its ``OnnxWrapper`` and ``get_speech_timestamps_from_probs`` is executed here, the
former with a NumPy stand-in for the few torch calls it makes.
"""

import ast
import importlib.util
import os
import subprocess
import sys
import types
import typing
from pathlib import Path

import numpy as np
import pytest

from course_lib import errors
from course_lib.datasets import packaged

pytest.importorskip("onnxruntime", reason="ONNX Runtime is not installed (pip install onnxruntime)")
try:
    MODEL = packaged.model_file("silero-vad")
except errors.WeightsNotFoundError as exc:  # pragma: no cover - depends on the machine
    pytest.skip(f"Silero VAD is not installed: {exc}", allow_module_level=True)

from course_lib.datasets import corpora  # noqa: E402
from course_lib.dsp import audio  # noqa: E402
from course_lib.models import silero_vad as sv  # noqa: E402
from course_lib.models import runtimes  # noqa: E402

SR = 16000


def _data(load, *args, **kwargs):
    try:
        return load(*args, **kwargs)
    except errors.DataError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"real recording not here: {exc}")


@pytest.fixture(scope="module")
def libri():
    """LibriSpeech libri1 at 16 kHz, its probabilities, and which 32 ms chunks are voiced."""
    y, _ = _data(audio.load, _data(corpora.librosa_example, "libri1"), sr=SR)
    times, prob = sv.speech_probability(y, SR)
    n = len(y) // 512
    rms = np.sqrt(np.mean(y[: n * 512].reshape(n, 512).astype(np.float64) ** 2, axis=1))
    voiced = np.zeros(len(prob), bool)
    voiced[:n] = 20 * np.log10(rms / rms.max() + 1e-12) > -20
    return y, times, prob, voiced


def _package_source(name):
    """Top-level definitions ``name`` of the installed package's ``utils_vad.py``, as an AST module."""
    folder = packaged.package_dir("silero_vad", "silero-vad")
    tree = ast.parse((folder / "utils_vad.py").read_text(encoding="utf-8"))
    return ast.Module(body=[n for n in tree.body if getattr(n, "name", None) in name], type_ignores=[])


# --------------------------------------------------------------------------- real sound


def test_speech_is_probable_on_librispeech(libri):
    y, times, prob, voiced = libri
    assert len(prob) == -(-len(y) // 512) and prob.dtype == np.float32
    np.testing.assert_allclose(np.diff(times), sv.HOP_S)
    assert times[0] == 0.0 and 0.0 <= prob.min() and prob.max() <= 1.0
    assert 0.6 < voiced.mean() < 0.85                       # measured 0.72
    assert prob[voiced].mean() >= 0.9                      # measured 0.998
    assert (prob > 0.5).mean() >= 0.75                     # measured 0.88 of all chunks, pauses included


@pytest.mark.parametrize("name", ["rain", "waves"])
def test_backgrounds_without_speech_are_improbable(name):
    y, _ = _data(corpora.load_background, name, sr=SR)
    _, prob = sv.speech_probability(y[: 20 * SR], SR)
    assert prob.mean() <= 0.05                             # measured 0.003 (rain), 0.003 (waves)
    assert (prob > 0.5).mean() <= 0.01                     # measured 0 for both


def test_spoken_digits_at_8_khz_go_to_the_network_as_they_are():
    clips, _, _, takes = _data(corpora.load_fsdd)
    test = np.flatnonzero(takes < 5)
    peaks = np.array([sv.speech_probability(clips[i], 8000)[1].max() for i in test])
    assert len(test) == 300 and (peaks > 0.5).mean() >= 0.95   # measured 299 of 300


def test_the_state_carried_between_chunks_matters(libri):
    y, _, prob, voiced = libri
    vad = sv.SileroVAD(SR)
    fresh = []
    for i in range(len(y) // 512):
        vad.reset()                                        # as if every chunk were a new recording
        fresh.append(vad(y[i * 512:(i + 1) * 512]))
    fresh = np.array(fresh)
    kept = voiced[: len(fresh)]
    assert fresh[kept].mean() < 0.5 < 0.9 <= prob[: len(fresh)][kept].mean()   # measured 0.24 and 0.998


def test_the_streaming_class_gives_the_same_probabilities(libri):
    y, _, prob, _ = libri
    vad = sv.SileroVAD(SR)
    first = [vad(y[i:i + 512]) for i in range(0, 40 * 512, 512)]
    np.testing.assert_array_equal(np.float32(first), prob[:40])
    vad.reset()
    assert vad(y[:512]) == first[0]
    assert repr(vad) == "SileroVAD(sr=16000)" and vad.chunk_length == 512 and vad.context_length == 64


def test_other_sampling_rates_are_resampled_to_16_khz(libri):
    y44, _ = _data(audio.load, _data(corpora.librosa_example, "libri1"), sr=44100)
    times, prob = sv.speech_probability(y44, 44100)
    _, _, ref, voiced = libri
    assert len(prob) == len(ref) and times[1] == pytest.approx(0.032)
    assert np.abs(prob - ref).max() < 0.01                 # measured 0.0004
    assert prob[voiced].mean() >= 0.9


def test_one_thread_and_the_default_give_the_same_numbers(libri):
    y, _, prob, _ = libri
    _, again = sv.speech_probability(y[: 150 * 512], SR, num_threads=None)   # whole chunks: the last is not padded
    np.testing.assert_allclose(again, prob[: len(again)], atol=1e-5)


# --------------------------------------------------------------------------- the package's own code


class _Tensor(np.ndarray):
    """The few torch.Tensor methods ``OnnxWrapper`` calls, on a NumPy array."""

    def dim(self):
        return self.ndim

    def unsqueeze(self, axis):
        return np.expand_dims(self, axis).view(_Tensor)

    def numpy(self):
        return np.asarray(self)

    def float(self):
        return self.astype(np.float32).view(_Tensor)


def _package_wrapper():
    torch = types.SimpleNamespace(
        zeros=lambda *shape: np.zeros(shape if len(shape) > 1 else shape[0], np.float32).view(_Tensor),
        cat=lambda xs, dim: np.concatenate([np.asarray(x, np.float32) for x in xs], axis=dim).view(_Tensor),
        from_numpy=lambda a: np.asarray(a).view(_Tensor))
    namespace = {"torch": torch, "warnings": __import__("warnings")}
    exec(compile(_package_source({"OnnxWrapper"}), "silero_vad/utils_vad.py", "exec"), namespace)
    return namespace["OnnxWrapper"](str(MODEL), force_onnx_cpu=True)


@pytest.mark.parametrize("sr", [16000, 8000])
def test_probabilities_equal_the_package_wrappers(libri, sr):
    y = libri[0][: 6 * SR] if sr == SR else audio.resample(libri[0][: 6 * SR], SR, sr)
    n = sv.CHUNK_LENGTHS[sr]
    wrapper = _package_wrapper()
    wrapper.reset_states()
    ref = [float(np.asarray(wrapper(y[i:i + n].view(_Tensor), sr))[0, 0]) for i in range(0, len(y) - n + 1, n)]
    _, prob = sv.speech_probability(y, sr)
    np.testing.assert_array_equal(prob[: len(ref)], np.float32(ref))


def _package_segments(prob, sr, **kwargs):
    namespace = {"List": typing.List, "Callable": typing.Callable}
    exec(compile(_package_source({"get_speech_timestamps_from_probs"}), "silero_vad/utils_vad.py", "exec"), namespace)
    return namespace["get_speech_timestamps_from_probs"](list(map(float, prob)), sampling_rate=sr, **kwargs)


def test_segments_equal_the_packages(libri):
    y, _, prob, _ = libri
    rng = np.random.default_rng(0)
    smooth = np.convolve(rng.random(3000), np.ones(9) / 9, mode="same")     # wanders around 0.5
    cases = [(prob, SR, len(y), {}), (prob, SR, None, {"threshold": 0.8, "neg_threshold": 0.3}),
             (smooth, SR, None, {}), (smooth, 8000, 3000 * 256 - 100, {"min_speech_duration_ms": 100,
                                                                           "min_silence_duration_ms": 300,
                                                                           "speech_pad_ms": 64}),
             (rng.random(2000), SR, None, {"threshold": 0.3}), (np.zeros(50), SR, None, {})]
    for p, sr, n_samples, kw in cases:
        ref = _package_segments(p, sr, audio_length_samples=n_samples, **kw)
        ours = sv.speech_segments(p, sr, n_samples=n_samples, threshold=kw.get("threshold", 0.5),
                                  neg_threshold=kw.get("neg_threshold"),
                                  min_speech_duration=kw.get("min_speech_duration_ms", 250) / 1000,
                                  min_silence_duration=kw.get("min_silence_duration_ms", 100) / 1000,
                                  speech_pad=kw.get("speech_pad_ms", 30) / 1000)
        assert ours.shape == (len(ref), 2)
        np.testing.assert_array_equal(np.rint(ours * sr).astype(int),
                                      np.reshape([[s["start"], s["end"]] for s in ref], (-1, 2)))
    assert len(_package_segments(smooth, SR)) > 20          # the random case does exercise the rules


def test_segments_find_speech_added_over_rain(libri):
    y = libri[0]
    rain, _ = _data(corpora.load_background, "rain", sr=SR)
    mix = rain[: 20 * SR].copy()
    mix[3 * SR: 3 * SR + len(y)] += y                      # speech from 3.0 s to 17.84 s, 18 dB above the rain
    _, prob = sv.speech_probability(mix, SR)
    segments = sv.speech_segments(prob, SR, n_samples=len(mix))
    assert 3.0 <= segments[0, 0] <= 3.6                     # measured 3.30 (libri1's first word at 0.32 s)
    assert 17.5 <= segments[-1, 1] <= 3 + len(y) / SR + 0.1  # measured 17.79
    assert np.all(np.diff(segments.ravel()) > 0)
    assert (segments[:, 1] - segments[:, 0]).sum() >= 10.0  # measured 13.1 s of 14.8


# --------------------------------------------------------------------------- errors and imports


def test_bad_input_is_refused_with_the_arguments_name():
    with pytest.raises(ValueError, match=r"y must be 1-D"):
        sv.speech_probability(np.zeros((SR, 2), np.float32), SR)
    with pytest.raises(ValueError, match=r"y is empty"):
        sv.speech_probability(np.zeros(0, np.float32), SR)
    with pytest.raises(ValueError, match=r"y contains NaN"):
        sv.speech_probability(np.full(SR, np.nan, np.float32), SR)
    with pytest.raises(TypeError, match=r"y must be floating-point samples.*pcm_to_float"):
        sv.speech_probability(np.zeros(SR, np.int16), SR)
    with pytest.raises(ValueError, match=r"sr must be a positive whole number of Hz"):
        sv.speech_probability(np.zeros(SR, np.float32), 16000.5)
    with pytest.raises(TypeError, match=r"sr must be"):
        sv.speech_probability(np.zeros(SR, np.float32), "16k")
    with pytest.raises(ValueError, match=r"num_threads must be an integer >= 1"):
        sv.speech_probability(np.zeros(SR, np.float32), SR, num_threads=0)
    with pytest.raises(ValueError, match=r"sr must be 16000 or 8000 Hz for SileroVAD"):
        sv.SileroVAD(44100)
    with pytest.raises(ValueError, match=r"chunk must have 512 samples at 16000 Hz, got 500"):
        sv.SileroVAD(SR)(np.zeros(500, np.float32))
    with pytest.raises(ValueError, match=r"prob must hold probabilities in \[0, 1\]"):
        sv.speech_segments([0.2, 1.5])
    with pytest.raises(ValueError, match=r"prob must be 1-D"):
        sv.speech_segments(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"sr must be 16000 or 8000 Hz"):
        sv.speech_segments([0.2], 44100)
    with pytest.raises(ValueError, match=r"threshold must be > 0.0"):
        sv.speech_segments([0.2], threshold=0)
    assert sv.speech_segments([]).shape == (0, 2)
    assert sv.speech_probability(np.zeros(100, np.float32), SR)[1].shape == (1,)   # padded to one chunk


def test_missing_onnxruntime_names_the_pip_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)   # `import onnxruntime` now fails
    runtimes.onnx_session.cache_clear()
    try:
        with pytest.raises(ModuleNotFoundError, match=r"`pip install onnxruntime`"):
            sv.speech_probability(np.zeros(SR, np.float32), SR)
    finally:
        runtimes.onnx_session.cache_clear()


def test_missing_wheel_raises_weights_not_found_with_the_install_command(monkeypatch):
    f = packaged.MODELS["silero-vad"]
    monkeypatch.setitem(packaged.MODELS, "silero-vad", packaged.PackagedFile(
        "no_silero_vad_here", f.path, f.distribution, f.version, f.size, f.sha256, f.licence))
    runtimes.onnx_session.cache_clear()
    try:
        with pytest.raises(errors.WeightsNotFoundError, match=r"pip install --no-deps silero-vad==6\.2\.3"):
            sv.SileroVAD(SR)
    finally:
        runtimes.onnx_session.cache_clear()


def test_neither_the_package_nor_torch_is_imported():
    code = ("import sys, numpy as np; from course_lib.models import silero_vad as sv; "
            "y = np.random.default_rng(0).normal(0, 0.1, 16000).astype(np.float32); "
            "sv.speech_probability(y, 16000); sv.speech_probability(y, 44100); "
            "print(sorted({'silero_vad', 'basic_pitch', 'torch', 'tensorflow'} & set(sys.modules)))")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert importlib.util.find_spec("silero_vad") is not None   # installed, just never imported
