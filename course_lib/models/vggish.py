"""VGGish: the log-mel front end, the network, its checkpoint, PCA and 8-bit postprocessing.

VGGish (Hershey et al., "CNN Architectures for Large-Scale Audio Classification", ICASSP 2017)
turns 0.96 s of 16 kHz audio into a 128-number embedding; Google released AudioSet's embeddings
as those numbers after PCA and 8-bit quantization. This module reproduces each step as the
original code computes it (``vggish_input.py``, ``mel_features.py``, ``vggish_slim.py``,
``vggish_postprocess.py`` of tensorflow/models/research/audioset/vggish):

- the front end in NumPy: 25 ms periodic-Hann frames every 10 ms, the magnitude of a 512-point
  FFT, VGGish's own 64-band mel matrix (125–7500 Hz, triangles linear in mel, not librosa's),
  ``log(mel + 0.01)``, and non-overlapping 96 × 64 examples (:func:`log_mel`,
  :func:`waveform_to_examples`, :func:`mel_matrix`);
- the network in Keras 3 (:func:`build_vggish`, 72.1 M parameters) and a loader for the official
  ``vggish_model.ckpt`` (:func:`load_checkpoint`), which the course cannot ship: without it
  :func:`vggish_model` raises :class:`WeightsNotFoundError` (the course's one such error,
  :class:`course_lib.errors.WeightsNotFoundError`) saying what to download and where;
- the postprocessor (:func:`postprocess`, :class:`Postprocessor`): PCA with the released
  ``vggish_pca_params.npz``, clipping to [-2, 2] and quantization to bytes
  (:func:`course_lib.audioset.quantize`; the embedding size, :data:`EMBEDDING_SIZE`, is
  :data:`course_lib.audioset.EMBEDDING_SIZE`);
- a small VGGish-style network (:func:`small_vggish`) that chapter ``04_audioset_vggish`` trains
  on ESC-10, :func:`embedding_model` to read its embedding layer, and inference on whole clips:
  their examples (:func:`clip_examples`), a clip's probabilities as the mean of its examples'
  (:func:`clip_probabilities`) and its embedding (:func:`clip_embeddings`). The chapter's study
  (five folds, a source model for transfer) is :mod:`course_lib.experiments.vggish_esc10`.

One difference from the original is deliberate: resampling to 16 kHz uses
:func:`course_lib.audio.resample` (scipy's polyphase filter) where the original uses resampy's
Kaiser-windowed sinc; both are band-limited, so results differ only near the new Nyquist frequency
(the mel bands stop at 7500 Hz) and by the filters' tiny ripple. Audio already at 16 kHz is not
resampled and gives the original's numbers. TensorFlow/Keras are imported only inside the
functions that build or load networks.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .. import _checks
from ..datasets import audioset, fetch
from ..dsp import audio
from ..datasets.audioset import EMBEDDING_SIZE
from ..errors import WeightsNotFoundError

__all__ = [
    "SAMPLE_RATE",
    "STFT_WINDOW_LENGTH",
    "STFT_HOP_LENGTH",
    "FFT_LENGTH",
    "NUM_BANDS",
    "MEL_MIN_HZ",
    "MEL_MAX_HZ",
    "LOG_OFFSET",
    "NUM_FRAMES",
    "EMBEDDING_SIZE",
    "CHECKPOINT_URL",
    "PCA_PARAMS_URL",
    "WeightsNotFoundError",
    "hertz_to_mel",
    "periodic_hann",
    "frame",
    "stft_magnitude",
    "mel_matrix",
    "log_mel",
    "waveform_to_examples",
    "build_vggish",
    "checkpoint_variables",
    "load_checkpoint",
    "weights_dir",
    "vggish_model",
    "load_pca_params",
    "postprocess",
    "Postprocessor",
    "small_vggish",
    "embedding_model",
    "clip_examples",
    "clip_probabilities",
    "clip_embeddings",
]

#: Parameters of the original (vggish_params.py).
SAMPLE_RATE = 16000  # Hz
STFT_WINDOW_LENGTH = 400  # samples = 25 ms at 16 kHz
STFT_HOP_LENGTH = 160  # samples = 10 ms
FFT_LENGTH = 512  # the next power of two above 400
NUM_BANDS = 64  # mel bands
MEL_MIN_HZ = 125.0
MEL_MAX_HZ = 7500.0
LOG_OFFSET = 0.01  # log(mel + 0.01) avoids log(0)
NUM_FRAMES = 96  # frames per example: 96 × 10 ms = 0.96 s

CHECKPOINT_URL = fetch.entry("vggish/vggish_model.ckpt").url
PCA_PARAMS_URL = fetch.entry("vggish/vggish_pca_params.npz").url
CHECKPOINT_NAME = "vggish_model.ckpt"
PCA_PARAMS_NAME = "vggish_pca_params.npz"

# Keras layer name -> variable scope in the official checkpoint (vggish_slim.py).
_CHECKPOINT_SCOPES = (
    ("conv1", "vggish/conv1"),
    ("conv2", "vggish/conv2"),
    ("conv3_1", "vggish/conv3/conv3_1"),
    ("conv3_2", "vggish/conv3/conv3_2"),
    ("conv4_1", "vggish/conv4/conv4_1"),
    ("conv4_2", "vggish/conv4/conv4_2"),
    ("fc1_1", "vggish/fc1/fc1_1"),
    ("fc1_2", "vggish/fc1/fc1_2"),
    ("fc2", "vggish/fc2"),
)


# ============================================================================================
# The front end (vggish_input.py + mel_features.py)
# ============================================================================================
def hertz_to_mel(frequencies_hertz):
    """VGGish's (HTK-style) mel scale: ``1127 · ln(1 + f / 700)``.

    Numerically the same as ``2595 · log10(1 + f/700)`` (librosa's ``htk=True``) up to rounding.

    Parameters
    ----------
    frequencies_hertz : float or array_like
        Frequencies in Hz.

    Returns
    -------
    float or np.ndarray
        Mels.

    Notebook: 04_audioset_vggish
    """
    return 1127.0 * np.log(1.0 + (np.asarray(frequencies_hertz, dtype=np.float64) / 700.0))


def periodic_hann(window_length: int) -> np.ndarray:
    """The periodic Hann window ``0.5 - 0.5·cos(2πn/N)``, n = 0..N-1 (float64).

    Notebook: 04_audioset_vggish
    """
    window_length = _checks.positive_int(window_length, "window_length", what="samples")
    return 0.5 - (0.5 * np.cos(2 * np.pi / window_length * np.arange(window_length)))


def frame(data: np.ndarray, window_length: int, hop_length: int) -> np.ndarray:
    """Cut ``data`` along axis 0 into frames of ``window_length`` every ``hop_length``, no padding.

    ``1 + (n - window_length) // hop_length`` frames (0 if ``data`` is shorter than a window);
    a read-only strided view, like ``mel_features.frame``.

    Parameters
    ----------
    data : array_like, shape (n, ...)
        Samples (or rows of any array) along axis 0.
    window_length : int
        Samples per frame (400 = 25 ms at 16 kHz).
    hop_length : int
        Samples between the starts of consecutive frames (160 = 10 ms).

    Returns
    -------
    np.ndarray, shape ``(n_frames, window_length) + data.shape[1:]``

    Raises
    ------
    TypeError, ValueError
        ``window_length`` or ``hop_length`` is not a positive integer; ``data`` is a scalar.

    Notebook: 04_audioset_vggish
    """
    window_length = _checks.positive_int(window_length, "window_length", what="samples")
    hop_length = _checks.positive_int(hop_length, "hop_length", what="samples")
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError("data must have at least one dimension (samples along axis 0), got a scalar")
    n = data.shape[0]
    n_frames = 0 if n < window_length else 1 + (n - window_length) // hop_length
    shape = (n_frames, window_length) + data.shape[1:]
    strides = (data.strides[0] * hop_length,) + data.strides
    return np.lib.stride_tricks.as_strided(data, shape=shape, strides=strides, writeable=False)


def stft_magnitude(signal: np.ndarray, *, fft_length: int = FFT_LENGTH, hop_length: int = STFT_HOP_LENGTH,
                   window_length: int = STFT_WINDOW_LENGTH) -> np.ndarray:
    """``|rfft(frame · periodic Hann, fft_length)|``: the magnitude (not power) spectrogram.

    Parameters
    ----------
    signal : array_like of float, shape (n_samples,)
        Mono audio.
    fft_length : int
        FFT size in samples (512); a longer FFT zero-pads each frame.
    hop_length : int
        Samples between frames (160 = 10 ms at 16 kHz).
    window_length : int
        Samples per frame (400 = 25 ms at 16 kHz).

    Returns
    -------
    np.ndarray, float64, shape ``(n_frames, fft_length // 2 + 1)``
        Frames in rows.

    Raises
    ------
    TypeError, ValueError
        A length that is not a positive integer; ``signal`` not 1-D, or holding NaN or infinity.

    Notebook: 04_audioset_vggish
    """
    fft_length = _checks.positive_int(fft_length, "fft_length", what="samples")
    x = _checks.audio(signal, "signal", ndim=1, allow_empty=True).astype(np.float64, copy=False)
    frames = frame(x, window_length, hop_length)
    return np.abs(np.fft.rfft(frames * periodic_hann(window_length), fft_length))


def mel_matrix(num_mel_bins: int = NUM_BANDS, num_spectrogram_bins: int = FFT_LENGTH // 2 + 1,
               sample_rate: float = SAMPLE_RATE, lower_edge_hertz: float = MEL_MIN_HZ,
               upper_edge_hertz: float = MEL_MAX_HZ) -> np.ndarray:
    """VGGish's mel weight matrix (``mel_features.spectrogram_to_mel_matrix``).

    Parameters
    ----------
    num_mel_bins : int
        Mel bands (64).
    num_spectrogram_bins : int
        Bins of the spectrogram it multiplies, ``fft_length // 2 + 1`` (257); at least 2.
    sample_rate : float
        Sampling rate of the audio in Hz (16000); integral floats are accepted.
    lower_edge_hertz, upper_edge_hertz : float
        Lower edge of the lowest band and upper edge of the highest, in Hz (125 and 7500).

    Spectrogram bin ``k`` sits at ``linspace(0, sr/2, num_spectrogram_bins)[k]`` Hz; the
    ``num_mel_bins + 2`` band edges are evenly spaced in mel (:func:`hertz_to_mel`) from
    ``lower_edge_hertz`` to ``upper_edge_hertz``; band ``i`` weighs bin ``k`` by
    ``max(0, min((m_k - lower)/(centre - lower), (upper - m_k)/(upper - centre)))`` where ``m_k``
    is the bin's mel value, so the triangles are straight lines *in mel* (slightly curved in Hz),
    peak at 1 and are not area-normalised. The DC bin's row is zeroed. This differs from
    ``librosa.filters.mel(htk=True)``, whose triangles are straight in Hz and normalised to equal
    area (``norm="slaney"``).

    Returns
    -------
    np.ndarray, float64, shape ``(num_spectrogram_bins, num_mel_bins)``
        Multiply a ``(frames, bins)`` spectrogram on the right.

    Raises
    ------
    TypeError
        A count that is not an integer, or an edge or rate that is not a number.
    ValueError
        Counts below 1 (2 for the bins), or edges that are not ``0 <= lower < upper <= sr/2``.

    Notebook: 03_mel_perception, 04_audioset_vggish
    """
    num_mel_bins = _checks.positive_int(num_mel_bins, "num_mel_bins", what="bands")
    num_spectrogram_bins = _checks.integer(num_spectrogram_bins, "num_spectrogram_bins", minimum=2, what="bins")
    sample_rate = _checks.sample_rate(sample_rate, "sample_rate")
    lower_edge_hertz = _checks.number(lower_edge_hertz, "lower_edge_hertz", "Hz")
    upper_edge_hertz = _checks.number(upper_edge_hertz, "upper_edge_hertz", "Hz")
    nyquist_hertz = sample_rate / 2.0
    if lower_edge_hertz < 0.0:
        raise ValueError(f"lower_edge_hertz {lower_edge_hertz} must be >= 0")
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(f"lower_edge_hertz {lower_edge_hertz} must be below upper_edge_hertz {upper_edge_hertz}")
    if upper_edge_hertz > nyquist_hertz:
        raise ValueError(f"upper_edge_hertz {upper_edge_hertz} is above the Nyquist frequency {nyquist_hertz} Hz")
    bins_mel = hertz_to_mel(np.linspace(0.0, nyquist_hertz, num_spectrogram_bins))[:, None]
    edges = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz), num_mel_bins + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    lower_slope = (bins_mel - lower) / (center - lower)
    upper_slope = (upper - bins_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(lower_slope, upper_slope))
    weights[0, :] = 0.0
    return weights


def _float_samples(data, name: str, ndim) -> np.ndarray:
    """Audio checked by :func:`course_lib._checks.audio`, refusing integer PCM with a hint, as float64."""
    data = _checks.audio(data, name, ndim=ndim, allow_empty=True)
    if data.dtype.kind in "iu":
        raise TypeError(
            f"{name} holds integer PCM samples (dtype {data.dtype}); convert them to floats in [-1, 1] "
            f"first, e.g. course_lib.audio.pcm_to_float({name}) (int16 / 32768, as vggish_input.wavfile_to_examples does)"
        )
    return data.astype(np.float64, copy=False)


def log_mel(waveform_16k) -> np.ndarray:
    """VGGish's log-mel spectrogram of mono 16 kHz audio: ``log(|STFT| @ mel_matrix() + 0.01)``.

    400-sample (25 ms) periodic-Hann frames every 160 samples (10 ms), no padding
    (``1 + (n - 400) // 160`` frames), magnitude of a 512-point rfft (257 bins), the 64-band
    :func:`mel_matrix`, natural log with offset 0.01. Computed in float64, as the original.

    Parameters
    ----------
    waveform_16k : array_like of float, shape (n_samples,)
        Mono audio at 16000 Hz, nominally in [-1, 1].

    Returns
    -------
    np.ndarray, float32, shape (n_frames, 64)
        ``(0, 64)`` for fewer than 400 samples.

    Raises
    ------
    TypeError
        Integer samples (convert with :func:`course_lib.audio.pcm_to_float`) or a non-numeric array.
    ValueError
        Not 1-D (mono), or NaN/infinite values.

    Notebook: 03_mel_perception, 04_audioset_vggish
    """
    x = _float_samples(waveform_16k, "waveform_16k", ndim=1)
    spectrogram = stft_magnitude(x)
    mel = np.dot(spectrogram, mel_matrix())
    return np.log(mel + LOG_OFFSET).astype(np.float32)


def waveform_to_examples(data, sample_rate) -> np.ndarray:
    """The VGGish input: audio to non-overlapping 0.96 s log-mel examples of 96 frames × 64 bands.

    As ``vggish_input.waveform_to_examples``: average the channels, resample to 16 kHz
    (here with :func:`course_lib.audio.resample`; the original uses resampy), :func:`log_mel`,
    then cut the frames into consecutive blocks of 96 and drop an incomplete last block.

    Parameters
    ----------
    data : array_like of float, shape (n_samples,) or (n_samples, n_channels)
        Audio in [-1, 1]. Integer PCM is refused (see Raises).
    sample_rate : int or float
        Sampling rate of ``data`` in Hz (a whole number; ``16000.0`` is accepted).

    Returns
    -------
    np.ndarray, float32, shape (n_examples, 96, 64)
        ``n_examples = n_frames // 96``; ``(0, 96, 64)`` for audio shorter than 0.975 s at 16 kHz
        (15600 samples give exactly 96 frames, one example).

    Raises
    ------
    TypeError
        Integer samples (convert them with ``course_lib.audio.pcm_to_float`` first), a
        non-numeric array, or a sample rate that is not a number.
    ValueError
        Bad shape, NaN or infinite values, or a sample rate that is not a positive whole number.

    Notebook: 04_audioset_vggish
    """
    x = _float_samples(data, "data", ndim=(1, 2))
    sample_rate = _checks.sample_rate(sample_rate, "sample_rate")
    if x.ndim == 2:
        x = np.mean(x, axis=1)
    if sample_rate != SAMPLE_RATE:
        x = audio.resample(x, sample_rate, SAMPLE_RATE).astype(np.float64)
    frames = log_mel(x)
    n_examples = frames.shape[0] // NUM_FRAMES
    return np.ascontiguousarray(frames[: n_examples * NUM_FRAMES].reshape(n_examples, NUM_FRAMES, NUM_BANDS))


# ============================================================================================
# The network (vggish_slim.py) and its checkpoint
# ============================================================================================
def build_vggish(*, fc1_units: int = 4096, embedding_size: int = EMBEDDING_SIZE, fc2_activation=None, name: str = "vggish"):
    """The VGGish network in Keras 3, randomly initialised.

    Input ``[batch, 96, 64, 1]`` log-mel examples. Four blocks of 3×3 convolutions (stride 1,
    'same' padding, ReLU) with 64, 128, 256×2 and 512×2 filters, each block followed by 2×2 max
    pooling (stride 2, 'same'), leaving 6×4×512; flatten (12288); fully connected layers of 4096
    and 4096 units with ReLU; a final 128-unit layer, linear as in the current official
    ``vggish_slim.py`` (``fc2_activation=None``; the first release applied a ReLU). Layer names
    follow the checkpoint (``conv3_1``, ``fc1_2``, ...). 72,141,184 parameters with the defaults.

    Parameters
    ----------
    fc1_units : int
        Units of ``fc1_1`` and ``fc1_2`` (4096; smaller only for tests).
    embedding_size : int
        Units of ``fc2`` (128).
    fc2_activation : str or None
        Activation of ``fc2``.

    name : str
        The model's name.

    Returns
    -------
    keras.Model

    Raises
    ------
    TypeError, ValueError
        ``fc1_units`` or ``embedding_size`` is not a positive integer.

    Notebook: 04_audioset_vggish
    """
    import keras
    from keras import layers

    fc1_units = _checks.positive_int(fc1_units, "fc1_units", what="units")
    embedding_size = _checks.positive_int(embedding_size, "embedding_size", what="units")
    inputs = keras.Input(shape=(NUM_FRAMES, NUM_BANDS, 1), name="log_mel_examples")
    x = inputs
    blocks = (("conv1",), ("conv2",), ("conv3_1", "conv3_2"), ("conv4_1", "conv4_2"))
    for i, (names, filters) in enumerate(zip(blocks, (64, 128, 256, 512)), start=1):
        for conv in names:
            x = layers.Conv2D(filters, 3, strides=1, padding="same", activation="relu", name=conv)(x)
        x = layers.MaxPooling2D(pool_size=2, strides=2, padding="same", name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(fc1_units, activation="relu", name="fc1_1")(x)
    x = layers.Dense(fc1_units, activation="relu", name="fc1_2")(x)
    outputs = layers.Dense(embedding_size, activation=fc2_activation, name="fc2")(x)
    return keras.Model(inputs, outputs, name=name)


def checkpoint_variables(model) -> dict:
    """``{checkpoint variable name: (keras layer name, index in get_weights(), shape)}`` for VGGish.

    Names as in ``vggish_model.ckpt``: ``vggish/conv1/weights`` (HWIO ``[3, 3, 1, 64]``),
    ``vggish/conv1/biases``, ..., ``vggish/conv3/conv3_1/weights``, ..., ``vggish/fc1/fc1_1/weights``
    (``[12288, 4096]``, ``[in, out]``), ..., ``vggish/fc2/biases``.

    Notebook: 04_audioset_vggish
    """
    out = {}
    for layer_name, scope in _CHECKPOINT_SCOPES:
        kernel, bias = model.get_layer(layer_name).weights
        out[f"{scope}/weights"] = (layer_name, 0, tuple(kernel.shape))
        out[f"{scope}/biases"] = (layer_name, 1, tuple(bias.shape))
    return out


def load_checkpoint(model, checkpoint_path) -> None:
    """Copy the official VGGish checkpoint's variables into a :func:`build_vggish` model (in place).

    Reads with ``tf.train.load_checkpoint`` (the single-file ``vggish_model.ckpt`` as published, or
    a ``prefix`` of ``.index``/``.data`` files). Convolution kernels are stored HWIO
    ``[3, 3, in, out]`` and dense kernels ``[in, out]``, which is Keras's layout, so they are
    copied unchanged.

    Parameters
    ----------
    model : keras.Model
        A :func:`build_vggish` network (its layers are named like the checkpoint's scopes).
    checkpoint_path : str or Path
        The checkpoint file, or the prefix of its ``.index``/``.data`` files.

    Raises
    ------
    WeightsNotFoundError
        No checkpoint at ``checkpoint_path`` (a ``FileNotFoundError``; the message names the file
        and where to download it).
    ValueError
        A variable is missing or has another shape than the model's (message names it).

    Notebook: 04_audioset_vggish (via ``vggish_model``)
    """
    import tensorflow as tf

    path = str(checkpoint_path)
    if not (Path(path).exists() or Path(path + ".index").exists()):
        raise WeightsNotFoundError(f"no TensorFlow checkpoint at {path} (neither the file nor {path}.index exists); "
                                   f"download VGGish's checkpoint from {CHECKPOINT_URL}")
    reader = tf.train.load_checkpoint(path)
    shapes = reader.get_variable_to_shape_map()
    new = {}
    for var, (layer_name, idx, shape) in checkpoint_variables(model).items():
        if var not in shapes:
            raise ValueError(f"{path}: variable {var!r} is missing (has: {sorted(k for k in shapes if k.startswith('vggish/'))[:12]} ...)")
        if tuple(shapes[var]) != shape:
            raise ValueError(f"{path}: variable {var!r} has shape {tuple(shapes[var])}, the model's is {shape}")
        new.setdefault(layer_name, [None, None])[idx] = reader.get_tensor(var)
    for layer_name, weights in new.items():
        model.get_layer(layer_name).set_weights(weights)


def weights_dir() -> Path:
    """Where VGGish's pretrained files are looked for: ``$COURSE_VGGISH_DIR``, else ``vggish/`` in the cache.

    The cache is :func:`course_lib.fetch.cache_dir` (``$COURSE_DATA_DIR``, default
    ``~/.cache/course_lib``), where ``fetch.file("vggish/vggish_model.ckpt")`` downloads to.

    Notebook: 04_audioset_vggish
    """
    env = os.environ.get("COURSE_VGGISH_DIR")
    return Path(env).expanduser() if env else fetch.cache_dir() / "vggish"


def _missing(what: str, path: Path) -> WeightsNotFoundError:
    folder = path.parent
    return WeightsNotFoundError(
        f"VGGish's {what} is not on this machine: {path} does not exist. The course cannot ship it. "
        f"Download both files\n  {CHECKPOINT_URL}\n  {PCA_PARAMS_URL}\ninto {folder} "
        "(set the environment variable COURSE_VGGISH_DIR to use another folder), for example with\n"
        "  python -c \"from course_lib import fetch; fetch.file('vggish/vggish_model.ckpt'); fetch.file('vggish/vggish_pca_params.npz')\"\n"
        "(which downloads into the course's cache; the registry records no sha256 for these two files, so "
        "the download is reported as unverified)"
    )


def vggish_model(checkpoint="default"):
    """VGGish with pretrained weights.

    Parameters
    ----------
    checkpoint : "default", str, Path or None
        ``"default"``: ``vggish_model.ckpt`` in :func:`weights_dir`; a path: that checkpoint;
        None: random weights (the architecture only).

    Returns
    -------
    keras.Model

    Raises
    ------
    WeightsNotFoundError
        If the checkpoint file is absent, saying which files to download and where to put them.

    Notebook: 04_audioset_vggish
    """
    if checkpoint is not None:
        path = weights_dir() / CHECKPOINT_NAME if checkpoint == "default" else Path(checkpoint)
        if not (path.exists() or Path(str(path) + ".index").exists()):
            raise _missing("checkpoint", path)
    model = build_vggish()
    if checkpoint is not None:
        load_checkpoint(model, path)
    return model


def load_pca_params(path="default") -> tuple[np.ndarray, np.ndarray]:
    """Read ``vggish_pca_params.npz``: ``pca_eigen_vectors`` [128, 128] (rows) and ``pca_means`` [128].

    Parameters
    ----------
    path : "default", str or Path
        ``"default"``: ``vggish_pca_params.npz`` in :func:`weights_dir`; or the file.

    Returns
    -------
    tuple of np.ndarray
        ``(pca_eigen_vectors, pca_means)``, shapes ``(128, 128)`` and ``(128,)``.

    Raises
    ------
    WeightsNotFoundError
        The file is absent (``"default"``: in :func:`weights_dir`).
    ValueError
        Missing keys or wrong shapes.

    Notebook: 04_audioset_vggish (via ``Postprocessor``, which loads the released file by default)
    """
    path = weights_dir() / PCA_PARAMS_NAME if path == "default" else Path(path)
    if not path.exists():
        raise _missing("PCA parameter file", path)
    with np.load(path) as params:
        missing = {"pca_eigen_vectors", "pca_means"} - set(params.files)
        if missing:
            raise ValueError(f"{path}: missing arrays {sorted(missing)} (has {params.files})")
        vectors, means = params["pca_eigen_vectors"], params["pca_means"]
    if vectors.shape != (EMBEDDING_SIZE, EMBEDDING_SIZE) or means.reshape(-1).shape != (EMBEDDING_SIZE,):
        raise ValueError(f"{path}: expected pca_eigen_vectors (128, 128) and pca_means (128,), got {vectors.shape} and {means.shape}")
    return vectors, means.reshape(-1)


def postprocess(embeddings, pca_eigen_vectors, pca_means) -> np.ndarray:
    """VGGish's postprocessor: PCA, clip to [-2, 2], quantize to 8 bits — the bytes AudioSet released.

    ``pca_applied = (E @ (embeddings.T - means[:, None])).T``, then
    :func:`course_lib.audioset.quantize` (clip, ``(x + 2)·255/4``, truncate to uint8), exactly as
    ``vggish_postprocess.Postprocessor.postprocess``.

    Parameters
    ----------
    embeddings : array_like, shape (n, 128)
        Raw VGGish outputs.
    pca_eigen_vectors : array_like, shape (128, 128)
        PCA matrix, one component per row.
    pca_means : array_like, shape (128,)
        Means subtracted before the rotation.

    Returns
    -------
    np.ndarray of uint8, shape (n, 128)

    Raises
    ------
    ValueError
        Arrays of other shapes.

    Notebook: 04_audioset_vggish
    """
    emb = np.asarray(embeddings)
    if emb.ndim != 2 or emb.shape[1] != EMBEDDING_SIZE:
        raise ValueError(f"embeddings must have shape (n, {EMBEDDING_SIZE}), got {emb.shape}")
    matrix = np.asarray(pca_eigen_vectors)
    means = np.asarray(pca_means).reshape(-1, 1)
    if matrix.shape != (EMBEDDING_SIZE, EMBEDDING_SIZE) or means.shape != (EMBEDDING_SIZE, 1):
        raise ValueError(f"pca_eigen_vectors must be (128, 128) and pca_means (128,), got {matrix.shape} and {means.shape}")
    pca_applied = np.dot(matrix, (emb.T - means)).T
    return audioset.quantize(pca_applied)


class Postprocessor:
    """The original's ``Postprocessor`` class: holds the PCA parameters, ``postprocess(embeddings)``.

    Parameters
    ----------
    pca_params : "default", path, or (eigen_vectors, means)
        Where the PCA parameters come from: :func:`load_pca_params` of ``"default"`` or a path,
        or the two arrays themselves.

    Raises
    ------
    WeightsNotFoundError
        The default file is absent (see :func:`load_pca_params`).

    Notebook: 04_audioset_vggish
    """

    def __init__(self, pca_params="default"):
        if isinstance(pca_params, tuple):
            self.pca_eigen_vectors, self.pca_means = (np.asarray(p) for p in pca_params)
        else:
            self.pca_eigen_vectors, self.pca_means = load_pca_params(pca_params)

    def postprocess(self, embeddings) -> np.ndarray:
        """PCA, clip and quantize a ``(n, 128)`` batch to uint8 (see :func:`postprocess`)."""
        return postprocess(embeddings, self.pca_eigen_vectors, self.pca_means)


# ============================================================================================
# A small VGGish-style network the chapter can train on a CPU
# ============================================================================================
def small_vggish(n_classes: int, *, filters=(8, 16, 32, 64), embedding_size: int = 32, input_shape=(NUM_FRAMES, NUM_BANDS, 1),
                 batch_norm: bool = True, name: str = "small_vggish", input_pool: int = 1):
    """A VGGish-shaped classifier small enough to train in seconds (about 70 k parameters).

    The same layout as :func:`build_vggish` — 3×3 'same' ReLU convolutions, one in the first two
    blocks and two in the last two, each block closed by 2×2 max pooling — with ``filters`` per
    block instead of (64, 128, 256, 512), batch normalisation after each convolution (so that a
    few epochs suffice), global average pooling instead of flatten and 4096-unit layers, a ReLU
    ``embedding`` layer of ``embedding_size`` units, and a softmax over ``n_classes``.

    Parameters
    ----------
    n_classes : int
        Classes of the softmax output (at least 2).
    filters : 4 ints
        Filters of the four blocks.
    embedding_size : int
        Width of the layer named ``"embedding"`` (read it with :func:`embedding_model`).
    input_shape : tuple
        ``(frames, bands, 1)``, default one VGGish example.
    batch_norm : bool
        Batch normalisation after each convolution (then the convolutions have no bias).
    name : str
        The model's name.
    input_pool : int
        When above 1, a first ``AveragePooling2D(input_pool)`` layer named ``"input_pool"``
        averages ``input_pool`` × ``input_pool`` cells of the example (2: 20 ms × 2 mel bands), so
        the network still reads VGGish's 96 × 64 examples but computes on 48 × 32 (four times
        less work on a CPU).

    Returns
    -------
    keras.Model
        Uncompiled; outputs class probabilities.

    Raises
    ------
    TypeError, ValueError
        ``n_classes`` not an integer >= 2, ``filters`` not 4 positive integers, or
        ``embedding_size`` or ``input_pool`` not a positive integer.

    Notebook: 04_audioset_vggish
    """
    import keras
    from keras import layers

    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    embedding_size = _checks.positive_int(embedding_size, "embedding_size", what="units")
    if isinstance(filters, (str, bytes)) or len(filters) != 4:
        raise ValueError(f"filters must give 4 block widths, got {filters!r}")
    filters = [_checks.positive_int(f, f"filters[{i}]", what="filters") for i, f in enumerate(filters)]
    input_pool = _checks.positive_int(input_pool, "input_pool", what="cells")
    inputs = keras.Input(shape=input_shape, name="log_mel_examples")
    x = inputs
    if input_pool > 1:
        x = layers.AveragePooling2D(input_pool, name="input_pool")(x)
    for i, (n_convs, f) in enumerate(zip((1, 1, 2, 2), filters), start=1):
        for j in range(1, n_convs + 1):
            conv = f"conv{i}" if n_convs == 1 else f"conv{i}_{j}"
            if batch_norm:
                x = layers.Conv2D(f, 3, padding="same", use_bias=False, name=conv)(x)
                x = layers.BatchNormalization(momentum=0.9, name=f"{conv}_bn")(x)
                x = layers.Activation("relu", name=f"{conv}_relu")(x)
            else:
                x = layers.Conv2D(f, 3, padding="same", activation="relu", name=conv)(x)
        x = layers.MaxPooling2D(2, strides=2, padding="same", name=f"pool{i}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    x = layers.Dense(embedding_size, activation="relu", name="embedding")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name=name)


def embedding_model(model, layer: str = "embedding"):
    """A model sharing ``model``'s weights that outputs its layer ``layer`` (the embedding).

    Parameters
    ----------
    model : keras.Model
        A functional model, e.g. from :func:`small_vggish`.
    layer : str
        Name of the layer whose output becomes the new model's output.

    Returns
    -------
    keras.Model
        Same inputs as ``model``; computes nothing past ``layer``.

    Raises
    ------
    ValueError
        ``model`` has no layer called ``layer`` (Keras's message lists none; this one names it).

    Notebook: 04_audioset_vggish
    """
    import keras

    names = [lay.name for lay in model.layers]
    if layer not in names:
        raise ValueError(f"layer must name a layer of {model.name!r}, one of {names}, got {layer!r}")
    return keras.Model(model.inputs, model.get_layer(layer).output, name=f"{model.name}_{layer}")


# ============================================================================================
# Inference on whole clips: a clip's examples, its probabilities, its embedding
# ============================================================================================
def clip_examples(clips, sr) -> np.ndarray:
    """VGGish examples of equal-length clips: :func:`waveform_to_examples` of each, stacked.

    Parameters
    ----------
    clips : sequence of 1-D arrays, or 2-D array (n_clips, samples)
        Mono clips of the same length (a 5 s ESC-10 clip at 16 kHz gives 5 examples).
    sr : int
        Their sampling rate (Hz).

    Returns
    -------
    np.ndarray, float32, shape (n_clips, n_examples, 96, 64)

    Raises
    ------
    ValueError
        An empty batch, or clips that give different numbers of examples.

    Notebook: 04_audioset_vggish
    """
    if len(clips) == 0:
        raise ValueError("clips must hold at least one clip, got none")
    per_clip = [waveform_to_examples(c, sr) for c in clips]
    counts = sorted({len(e) for e in per_clip})
    if len(counts) != 1 or counts[0] == 0:
        raise ValueError(f"clips must all give the same, non-zero number of examples, got counts {counts}")
    return np.stack(per_clip)


def clip_probabilities(model, examples) -> np.ndarray:
    """A clip's class probabilities: the mean of its examples' probabilities.

    Parameters
    ----------
    model : keras.Model
        Maps ``(n, 96, 64, 1)`` examples to ``(n, n_classes)`` probabilities.
    examples : ndarray, shape (n_clips, n_examples, 96, 64)
        Standardised examples, as from :func:`clip_examples`.

    Returns
    -------
    np.ndarray, float32, shape (n_clips, n_classes)

    Raises
    ------
    ValueError
        ``examples`` is not 4-D.

    Notebook: 04_audioset_vggish (via ``vggish_esc10.esc10_fold``)
    """
    examples = np.asarray(examples, dtype=np.float32)
    if examples.ndim != 4:
        raise ValueError(f"examples must be (n_clips, n_examples, frames, bands), got shape {examples.shape}")
    n_clips, n_examples = examples.shape[:2]
    p = model.predict(examples.reshape(n_clips * n_examples, *examples.shape[2:], 1), batch_size=256, verbose=0)
    return p.reshape(n_clips, n_examples, -1).mean(axis=1)


def clip_embeddings(model, examples, *, mean=0.0, std=1.0) -> np.ndarray:
    """A clip's embedding: the mean over its examples of the ``embedding`` layer of ``model``.

    Parameters
    ----------
    model : keras.Model
        A :func:`small_vggish` (its ``embedding`` layer is read with :func:`embedding_model`).
    examples : ndarray, shape (n_clips, n_examples, 96, 64)
        Raw examples; ``(examples - mean) / std`` is fed to the network.
    mean, std : float
        The standardisation the model was trained with.

    Returns
    -------
    np.ndarray, float32, shape (n_clips, embedding_size)

    Notebook: 04_audioset_vggish
    """
    return clip_probabilities(embedding_model(model), (np.asarray(examples, dtype=np.float32) - mean) / std)
