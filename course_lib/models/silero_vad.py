"""Silero VAD: a pretrained voice activity detector, run with ONNX Runtime on the course's arrays.

Silero VAD (Silero Team, MIT licence; github.com/snakers4/silero-vad, PyPI ``silero-vad`` 6.2.3)
is a small recurrent network that reads audio in chunks of 512 samples at 16 kHz (32 ms; 256
samples at 8 kHz) and outputs, for each chunk, the probability that it contains speech. It is
*stateful*: a recurrent state of shape ``(2, 1, 128)`` is carried from chunk to chunk, and the
model is fed each chunk with the last 64 samples of the previous one prepended (32 at 8 kHz),
exactly as the package's own ``OnnxWrapper`` (``silero_vad/utils_vad.py``) does: both start at
zero, so the network hears a sound in its context, not one 32 ms chunk at a time.

This module loads the ONNX file shipped inside the installed ``silero-vad`` wheel
(:func:`course_lib.datasets.packaged.model_file`, checked by size and SHA-256) without importing
the package, whose ``__init__`` imports torch, and rewrites the wrapper's loop in NumPy:

- :class:`SileroVAD`: one stream (``vad(chunk)`` returns a probability, ``vad.reset()``);
- :func:`speech_probability`: a whole recording, ``(times_s, prob)``, one value per 32 ms;
- :func:`speech_segments`: the package's hysteresis (``get_speech_timestamps_from_probs``:
  threshold 0.5, exit at 0.35, 250 ms minimum speech, 100 ms minimum silence, 30 ms padding),
  without its maximum-segment-length splitting.

Audio at 16 kHz or 8 kHz goes to the model as it is (the two rates it was trained for); any
other rate is resampled to 16 kHz with :func:`course_lib.dsp.audio.resample` (a polyphase
low-pass filter; the package instead keeps every k-th sample of a multiple of 16 kHz, without
filtering, and refuses other rates). Runs on the CPU with one thread by default, which is
deterministic and well over 100 times faster than real time. ``tests/test_silero_vad.py`` runs
the package's own ``OnnxWrapper`` and ``get_speech_timestamps_from_probs`` (their source, with a
NumPy stand-in for torch) and gets the same probabilities and segments, bit for bit.

Chapter ``00_introduction`` compares it with an energy detector. Layer 4: imports ``numpy``, ``onnxruntime`` (inside the
functions that run the model), :mod:`course_lib._checks`, :mod:`course_lib.errors`,
:mod:`course_lib.dsp.audio` (resampling) and :mod:`course_lib.models.runtimes` (the ONNX Runtime session of the model file found by :mod:`course_lib.datasets.packaged`).
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..dsp import audio as _audio
from ..errors import WeightsNotFoundError  # re-exported: silero_vad.WeightsNotFoundError is the course's
from . import runtimes

__all__ = [
    "SR",
    "SAMPLE_RATES",
    "CHUNK_LENGTHS",
    "CONTEXT_LENGTHS",
    "STATE_SHAPE",
    "HOP_S",
    "WeightsNotFoundError",
    "SileroVAD",
    "speech_probability",
    "speech_segments",
]

#: The sampling rate (Hz) of the course's calls: 16 kHz, in 512-sample chunks.
SR = 16000
#: The sampling rates (Hz) the network was trained for; others are resampled to 16 kHz.
SAMPLE_RATES = (8000, 16000)
#: Samples per chunk the network reads, by sampling rate (32 ms each).
CHUNK_LENGTHS = {16000: 512, 8000: 256}
#: Samples of the previous chunk prepended to each chunk, by sampling rate (4 ms).
CONTEXT_LENGTHS = {16000: 64, 8000: 32}
#: Shape of the recurrent state carried between chunks (layers, batch, units).
STATE_SHAPE = (2, 1, 128)
#: Seconds between two probabilities (one chunk).
HOP_S = 0.032


def _session(num_threads):
    """The model's ONNX Runtime session (:func:`course_lib.models.runtimes.onnx_session`)."""
    return runtimes.onnx_session("silero-vad", num_threads)


def _check_threads(num_threads):
    return None if num_threads is None else _checks.positive_int(num_threads, "num_threads", "CPU threads")


def _check_float_audio(y, name="y") -> np.ndarray:
    y = _checks.audio(y, name, ndim=1)
    if y.dtype.kind != "f":
        raise TypeError(f"{name} must be floating-point samples in [-1, 1], got dtype {y.dtype}; convert integer "
                        f"PCM with course_lib.audio.pcm_to_float")
    return y


class SileroVAD:
    """One Silero VAD stream: feed it consecutive chunks, get one speech probability per chunk.

    The recurrent state and the context (the last samples of the previous chunk) are kept between
    calls, as the package's ``OnnxWrapper`` keeps them; :meth:`reset` sets both to zero (a new
    recording).

    Parameters
    ----------
    sr : int
        Sampling rate of the chunks in Hz: 16000 (chunks of 512 samples) or 8000 (256 samples).
    num_threads : int or None, optional
        CPU threads of the ONNX Runtime session (default 1: deterministic and fast enough);
        None lets ONNX Runtime choose.

    Raises
    ------
    ValueError
        A sampling rate the network was not trained for.
    WeightsNotFoundError
        The ``silero-vad`` wheel is not installed (the message gives the ``pip install``).
    ModuleNotFoundError
        ONNX Runtime is not installed (``pip install onnxruntime``).

    Examples
    --------
    >>> vad = SileroVAD(16000)                                    # doctest: +SKIP
    >>> [vad(y[i:i + 512]) for i in range(0, len(y) - 511, 512)]  # doctest: +SKIP

    Notebook: 00_introduction (via ``speech_probability``)
    """

    def __init__(self, sr=SR, *, num_threads=1):
        sr = _checks.sample_rate(sr)
        if sr not in SAMPLE_RATES:
            raise ValueError(f"sr must be 16000 or 8000 Hz for SileroVAD (the rates the network was trained for), "
                             f"got {sr}; speech_probability resamples other rates")
        self.sr = sr
        self.chunk_length = CHUNK_LENGTHS[sr]
        self.context_length = CONTEXT_LENGTHS[sr]
        self._session = _session(_check_threads(num_threads))
        self._sr = np.array(sr, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        """Start a new recording: the recurrent state and the context back to zeros."""
        self.state = np.zeros(STATE_SHAPE, dtype=np.float32)
        self.context = np.zeros((1, self.context_length), dtype=np.float32)

    def __call__(self, chunk) -> float:
        """Speech probability of the next chunk (exactly :attr:`chunk_length` samples, float in [-1, 1])."""
        chunk = _check_float_audio(chunk, "chunk")
        if chunk.shape[0] != self.chunk_length:
            raise ValueError(f"chunk must have {self.chunk_length} samples at {self.sr} Hz, got {chunk.shape[0]}")
        x = np.concatenate([self.context, chunk.astype(np.float32)[None, :]], axis=1)
        prob, self.state = self._session.run(None, {"input": x, "state": self.state, "sr": self._sr})
        self.context = x[:, -self.context_length:]
        return float(prob[0, 0])

    def __repr__(self) -> str:
        return f"SileroVAD(sr={self.sr})"


def speech_probability(y, sr=SR, *, num_threads=1):
    """Speech probability of a recording, every 32 ms, from Silero VAD run over it as one stream.

    The recording is cut into consecutive chunks of 32 ms (512 samples at 16 kHz, 256 at 8 kHz),
    the last one padded with zeros, and the chunks go through one :class:`SileroVAD` that starts
    from a zero state, as the package's ``get_speech_timestamps`` does.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio, 1-D, floating point in [-1, 1].
    sr : int, optional
        Its sampling rate in Hz (default 16000). 16000 and 8000 go to the network as they are;
        any other rate is resampled to 16 kHz first (:func:`course_lib.dsp.audio.resample`).
    num_threads : int or None, optional
        CPU threads of ONNX Runtime (default 1, deterministic); None: ONNX Runtime's default.

    Returns
    -------
    times_s : numpy.ndarray of float
        Start of each chunk in seconds (chunk ``i`` covers ``[times_s[i], times_s[i] + 0.032)``).
    prob : numpy.ndarray of float32
        Probability of speech in each chunk, in [0, 1].

    Raises
    ------
    TypeError
        ``y`` is not floating point, or ``sr`` is not a number.
    ValueError
        ``y`` is not 1-D, empty, or holds NaN or infinite values; ``sr`` is not a positive
        whole number of Hz.
    WeightsNotFoundError
        The ``silero-vad`` wheel is not installed (the message gives the ``pip install``).
    ModuleNotFoundError
        ONNX Runtime is not installed (``pip install onnxruntime``).

    Notebook: 00_introduction
    """
    y = _check_float_audio(y)
    sr = _checks.sample_rate(sr)
    num_threads = _check_threads(num_threads)
    if sr not in SAMPLE_RATES:
        y = _audio.resample(y, sr, 16000)
        sr = 16000
    vad = SileroVAD(sr, num_threads=num_threads)
    n = vad.chunk_length
    y = y.astype(np.float32)
    chunks = np.zeros((-(-y.shape[0] // n), n), dtype=np.float32)
    chunks.reshape(-1)[: y.shape[0]] = y
    prob = np.array([vad(chunk) for chunk in chunks], dtype=np.float32)
    return np.arange(len(prob)) * (n / sr), prob


def speech_segments(prob, sr=SR, *, threshold=0.5, neg_threshold=None, min_speech_duration=0.25,
                    min_silence_duration=0.1, speech_pad=0.03, n_samples=None):
    """Speech segments from Silero VAD's probabilities, by the package's hysteresis.

    A segment starts at the first chunk whose probability reaches ``threshold`` and ends where
    the probability has stayed below ``neg_threshold`` for at least ``min_silence_duration``
    (probabilities between the two thresholds neither start nor end one); segments not longer
    than ``min_speech_duration`` are dropped, and each is widened by ``speech_pad`` on both sides
    (by half the gap when two segments are closer than twice that). This is
    ``get_speech_timestamps_from_probs`` of ``silero-vad`` 6.2.3 with its default
    ``max_speech_duration_s=inf`` (long segments are never split), computed in samples as there.

    Parameters
    ----------
    prob : array_like
        Speech probabilities of consecutive chunks, as :func:`speech_probability` returns them.
    sr : int, optional
        The sampling rate the probabilities were computed at, 16000 (default; 512-sample chunks)
        or 8000 (256-sample chunks). :func:`speech_probability` works at 16 kHz for every rate
        but 8000.
    threshold : float, optional
        Probability in (0, 1] that starts speech (default 0.5).
    neg_threshold : float or None, optional
        Probability below which speech may end; default ``max(threshold - 0.15, 0.01)``.
    min_speech_duration : float, optional
        Seconds; shorter segments are dropped (default 0.25).
    min_silence_duration : float, optional
        Seconds below ``neg_threshold`` that end a segment (default 0.1).
    speech_pad : float, optional
        Seconds added on each side of a segment (default 0.03).
    n_samples : int or None, optional
        Length of the recording in samples at ``sr`` (default: the chunks' total length); the last
        segment ends there at the latest.

    Returns
    -------
    numpy.ndarray of float, shape (n_segments, 2)
        ``[start, end]`` of each segment in seconds, in order.

    Raises
    ------
    ValueError
        ``prob`` not 1-D or outside [0, 1]; a threshold outside (0, 1]; a negative duration; a
        sampling rate other than 16000 or 8000.

    Notebook: 00_introduction
    """
    prob = _checks.real_array(prob, "prob")
    if prob.ndim != 1:
        raise ValueError(f"prob must be 1-D (one probability per chunk), got shape {prob.shape}")
    if prob.size and (prob.min() < 0 or prob.max() > 1):
        raise ValueError("prob must hold probabilities in [0, 1]")
    sr = _checks.sample_rate(sr)
    if sr not in SAMPLE_RATES:
        raise ValueError(f"sr must be 16000 or 8000 Hz (the rates of the chunks), got {sr}")
    threshold = _checks.number(threshold, "threshold", minimum=0.0, maximum=1.0, open_minimum=True)
    if neg_threshold is None:
        neg_threshold = max(threshold - 0.15, 0.01)
    neg_threshold = _checks.number(neg_threshold, "neg_threshold", minimum=0.0, maximum=1.0)
    # Durations in samples, rounded to a micro-sample so that 0.03 s is 480 samples, not 479.99...
    min_speech = round(sr * _checks.number(min_speech_duration, "min_speech_duration", "s", minimum=0.0), 6)
    min_silence = round(sr * _checks.number(min_silence_duration, "min_silence_duration", "s", minimum=0.0), 6)
    pad = round(sr * _checks.number(speech_pad, "speech_pad", "s", minimum=0.0), 6)
    hop = CHUNK_LENGTHS[sr]
    total = len(prob) * hop if n_samples is None else _checks.integer(n_samples, "n_samples", minimum=0,
                                                                      what="samples")

    segments = []          # [start, end] in samples
    start = None           # start of the open segment (None: not in speech)
    silence_from = 0       # first sample of the silence that may end it (0: none)
    for i, p in enumerate(prob):
        here = hop * i
        if p >= threshold:
            silence_from = 0
            if start is None:
                start = here
                continue
        if p < neg_threshold and start is not None:
            if not silence_from:
                silence_from = here
            if here - silence_from >= min_silence:
                if silence_from - start > min_speech:
                    segments.append([start, silence_from])
                start, silence_from = None, 0
    if start is not None and total - start > min_speech:
        segments.append([start, total])

    # Padding, as the package does it: the first start and every end move out by `pad`, or by
    # half the gap to the next segment when that is shorter than 2 * pad.
    for i, seg in enumerate(segments):
        if i == 0:
            seg[0] = int(max(0, seg[0] - pad))
        if i < len(segments) - 1:
            gap = segments[i + 1][0] - seg[1]
            if gap < 2 * pad:
                seg[1] += int(gap // 2)
                segments[i + 1][0] = int(max(0, segments[i + 1][0] - gap // 2))
            else:
                seg[1] = int(min(total, seg[1] + pad))
                segments[i + 1][0] = int(max(0, segments[i + 1][0] - pad))
        else:
            seg[1] = int(min(total, seg[1] + pad))
    return np.array(segments, dtype=np.float64).reshape(-1, 2) / sr
