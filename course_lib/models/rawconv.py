"""Convolutions on the raw waveform: Conv1D arithmetic, a raw-audio classifier, first-layer filters.

Instead of a spectrogram, a network can read the samples themselves: a 1-D convolution slides
``filters`` kernels of ``kernel_size`` samples over a ``(batch, steps, channels)`` signal. This
module holds what chapter ``06_raw_waveform`` teaches and tests: the output length of a Keras
``Conv1D`` for every padding, stride and dilation (:func:`conv1d_output_length`); the convolution
itself, written in NumPy (:func:`conv1d`, identical to Keras) and run through Keras with given
weights (:func:`keras_conv1d`, which chapters ``06_raw_waveform`` and ``08_wavenet`` compare their
hand-written convolutions with); a raw-waveform classifier with a strided first layer
(:func:`raw_waveform_classifier`; or, as its matched front end, the log-mel pipeline with learned
filters, :func:`log_energy_frontend`); the magnitude responses of learned first-layer filters
(:func:`filter_responses`, :func:`filter_peak_frequencies`; ``course_lib.plot.filter_responses``
draws them); and a parametric band-pass first layer in the spirit of SincNet and Zeghidour et al.'s
learned front ends (:func:`sinc_kernels` in NumPy; the Keras layer ``SincConv1D``, made on first
use so that ``import course_lib.rawconv`` does not import TensorFlow). What shape learned filters
really have: :func:`filter_bands` / :func:`band_edges` (peak and -3 dB band). Why not an RNN over
samples: :func:`sample_rnn` and :func:`activation_floats` (``benchmarks/raw_vs_rnn.py`` times
them). The log-mel model with the same back end (:func:`log_mel_classifier`) is the other side of
the chapter's study, raw waveform vs log-mel on FSDD digits by unseen speakers, which lives in
:mod:`course_lib.experiments.raw_waveform` (``python -m course_lib.experiments raw_waveform``).
Chapter ``07_crepe`` reuses :func:`filter_responses` for CREPE's first layer. Layer 4: it imports
``dsp.mel``.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..dsp import mel

__all__ = [
    "PADDINGS",
    "conv1d_output_length",
    "conv1d",
    "keras_conv1d",
    "raw_waveform_classifier",
    "LOG_ENERGY_FLOOR",
    "log_energy_frontend",
    "filter_responses",
    "filter_peak_frequencies",
    "mel_band_edges",
    "sinc_kernels",
    "SincConv1D",
    "log_mel_classifier",
    "filter_bands",
    "band_edges",
    "sample_rnn",
    "activation_floats",
]

#: The paddings of ``keras.layers.Conv1D``.
PADDINGS = ("valid", "same", "causal")


def conv1d_output_length(n, kernel_size, stride=1, padding="valid", dilation=1):
    """Number of output steps of ``keras.layers.Conv1D`` on ``n`` input steps.

    With the effective kernel span ``span = dilation · (kernel_size - 1) + 1``:

    - ``"valid"`` (no padding): ``floor((n - span) / stride) + 1``; with stride 1 the talk's
      ``seq len - kernel size + 1``;
    - ``"same"`` (zeros around the signal, more on the right when odd): ``ceil(n / stride)``;
      with stride 1 the output is as long as the input;
    - ``"causal"`` (``span - 1`` zeros on the left only; output ``t`` sees inputs ``<= t``):
      ``ceil(n / stride)``.

    Parameters
    ----------
    n : int
        Input steps (samples), >= 1.
    kernel_size : int
        Kernel length in steps, >= 1.
    stride : int, default 1
        Steps between successive kernel positions.
    padding : {"valid", "same", "causal"}
    dilation : int, default 1
        Spacing between kernel taps (``dilation - 1`` holes between them). Keras does not allow
        ``stride > 1`` together with ``dilation > 1``; neither does this function.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        A count that is not an integer (``3.0`` included), or a padding that is not a string.
    ValueError
        Non-positive arguments, an unknown padding, stride and dilation both above 1, or a
        ``"valid"`` output that would be empty (input shorter than the kernel span), as Keras raises.

    Examples
    --------
    >>> conv1d_output_length(10, 3)
    8
    >>> conv1d_output_length(10, 3, padding="same")
    10

    Notebook: 06_raw_waveform
    """
    n = _checks.positive_int(n, "n", "input steps")
    kernel_size = _checks.positive_int(kernel_size, "kernel_size", "steps")
    stride = _checks.positive_int(stride, "stride", "steps")
    dilation = _checks.positive_int(dilation, "dilation", "steps")
    padding = _checks.choice(padding, "padding", PADDINGS)
    if stride > 1 and dilation > 1:
        raise ValueError(f"stride > 1 is not supported together with dilation > 1 (as in Keras), got stride={stride}, dilation={dilation}")
    span = dilation * (kernel_size - 1) + 1
    if padding == "valid":
        if n < span:
            raise ValueError(f"'valid' output would be empty: n={n} steps is shorter than the kernel span {span} (= dilation · (kernel_size - 1) + 1)")
        return (n - span) // stride + 1
    return -(-n // stride)


def _pad_amounts(n: int, kernel_size: int, stride: int, padding: str, dilation: int):
    span = dilation * (kernel_size - 1) + 1
    out = conv1d_output_length(n, kernel_size, stride, padding, dilation)
    if padding == "valid":
        return 0, 0, out
    if padding == "causal":
        return span - 1, 0, out
    total = max((out - 1) * stride + span - n, 0)
    return total // 2, total - total // 2, out


def conv1d(x, kernel, bias=None, stride=1, padding="valid", dilation=1):
    """1-D convolution exactly as ``keras.layers.Conv1D`` computes it, in NumPy.

    ``out[b, t, f] = bias[f] + Σ_k Σ_c x_padded[b, t · stride + k · dilation, c] · kernel[k, c, f]``
    (a cross-correlation: the kernel is not flipped, as in every deep-learning library).

    Parameters
    ----------
    x : array_like
        Input ``(batch, steps, channels)``; ``(steps,)`` is treated as one mono example.
    kernel : array_like
        Weights ``(kernel_size, channels, filters)``, Keras' layout; ``(kernel_size, filters)``
        for mono input.
    bias : array_like, optional
        ``(filters,)``.
    stride, padding, dilation
        As in :func:`conv1d_output_length`.

    Returns
    -------
    np.ndarray
        float64 ``(batch, out_steps, filters)`` (``(out_steps, filters)`` for 1-D ``x``).

    Notebook: 06_raw_waveform
    """
    x = np.asarray(x, dtype=np.float64)
    squeeze = x.ndim == 1
    if squeeze:
        x = x[None, :, None]
    if x.ndim != 3:
        raise ValueError(f"x must be (batch, steps, channels) or (steps,), got shape {x.shape}")
    w = np.asarray(kernel, dtype=np.float64)
    if w.ndim == 2:
        w = w[:, None, :]
    if w.ndim != 3 or w.shape[1] != x.shape[2]:
        raise ValueError(f"kernel must be (kernel_size, channels={x.shape[2]}, filters), got shape {np.shape(kernel)}")
    k = w.shape[0]
    stride = _checks.positive_int(stride, "stride", "steps")
    dilation = _checks.positive_int(dilation, "dilation", "steps")
    padding = _checks.choice(padding, "padding", PADDINGS)
    left, right, out = _pad_amounts(x.shape[1], k, stride, padding, dilation)
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    idx = np.arange(out)[:, None] * stride + np.arange(k)[None, :] * dilation  # (out, k)
    patches = xp[:, idx, :]  # (batch, out, k, channels)
    y = np.einsum("btkc,kcf->btf", patches, w)
    if bias is not None:
        b = np.asarray(bias, dtype=np.float64)
        if b.shape != (w.shape[2],):
            raise ValueError(f"bias must have shape ({w.shape[2]},), got {b.shape}")
        y = y + b
    return y[0] if squeeze else y


def keras_conv1d(x, kernel, bias=None, **conv_options):
    """Run ``keras.layers.Conv1D`` with the given weights on one mono signal.

    A layer with ``filters`` and ``kernel_size`` taken from ``kernel`` is built for the signal,
    given ``kernel`` (and ``bias``) as its weights and applied to ``x[None, :, None]`` (one
    example, one channel), in float32. Chapters compare their own convolutions with it, and
    :func:`conv1d` computes the same numbers in NumPy.

    Parameters
    ----------
    x : array_like, shape (steps,)
        The signal (samples), finite real numbers.
    kernel : array_like
        ``(kernel_size, filters)``, or Keras' layout ``(kernel_size, 1, filters)``.
    bias : array_like, shape (filters,), optional
        Added to every output step; no bias when None.
    **conv_options
        More arguments of ``keras.layers.Conv1D``: ``strides``, ``padding``
        (``"valid"``, ``"same"``, ``"causal"``), ``dilation_rate``, ...

    Returns
    -------
    np.ndarray of float32, shape (out_steps, filters)
        ``out_steps`` as :func:`conv1d_output_length` says.

    Raises
    ------
    TypeError
        A non-numeric signal or kernel, or an option that sets the weights' shape
        (``filters``, ``kernel_size``, ``use_bias``).
    ValueError
        A signal that is not 1-D or holds NaN or infinite values, or a kernel or bias of
        another shape.

    Notebook: 06_raw_waveform, 08_wavenet
    """
    import keras

    x = _checks.audio(x, "x", ndim=1).astype(np.float32)
    w = np.asarray(kernel)
    if w.dtype.kind not in "fiu":
        raise TypeError(f"kernel must be a real numeric array, got dtype {w.dtype}")
    if w.ndim == 2:
        w = w[:, None, :]
    if w.ndim != 3 or w.shape[1] != 1:
        raise ValueError(f"kernel must be (kernel_size, filters) or (kernel_size, 1, filters), got shape {np.shape(kernel)}")
    fixed = {"filters", "kernel_size", "use_bias"} & set(conv_options)
    if fixed:
        raise TypeError(f"{sorted(fixed)} come from kernel and bias; do not pass them")
    weights = [w.astype(np.float32)]
    if bias is not None:
        b = np.asarray(bias, dtype=np.float32)
        if b.shape != (w.shape[2],):
            raise ValueError(f"bias must have shape ({w.shape[2]},), got {b.shape}")
        weights.append(b)
    # zero initializers: the layer's own initial weights are overwritten at once, so nothing
    # random needs drawing for them
    layer = keras.layers.Conv1D(w.shape[2], w.shape[0], use_bias=bias is not None, kernel_initializer="zeros",
                                bias_initializer="zeros", **conv_options)
    layer.build((None, x.size, 1))
    layer.set_weights(weights)
    return keras.ops.convert_to_numpy(layer(x[None, :, None]))[0]


# ---------------------------------------------------------------------------------------
# first-layer filters
# ---------------------------------------------------------------------------------------
def _kernels_2d(kernel) -> np.ndarray:
    """Filters as rows: ``(n_filters, kernel_size)`` from Keras ``(k, 1, f)``, ``(k, f)`` layouts."""
    w = np.asarray(kernel, dtype=np.float64)
    if w.ndim == 3:
        if w.shape[1] != 1:
            raise ValueError(f"kernel must have one input channel (raw mono audio), got shape {w.shape}")
        w = w[:, 0, :]
    if w.ndim != 2:
        raise ValueError(f"kernel must be (kernel_size, filters) or (kernel_size, 1, filters), got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError("kernel contains NaN or infinite values")
    return w.T


def _responses(kernel, sr, n_fft):
    w = _kernels_2d(kernel)
    sr = _checks.sample_rate(sr)
    n_fft = _checks.integer(n_fft, "n_fft", minimum=2, what="samples")
    if n_fft < w.shape[1]:
        raise ValueError(f"n_fft={n_fft} must be at least the kernel size {w.shape[1]}")
    mag = np.abs(np.fft.rfft(w, n=n_fft, axis=1))
    freqs = np.arange(mag.shape[1]) * sr / n_fft
    return freqs, mag


def filter_peak_frequencies(kernel, sr, *, n_fft=512):
    """Frequency (Hz) where each filter's magnitude response peaks, in the kernel's filter order.

    Parameters
    ----------
    kernel, sr, n_fft
        As in :func:`filter_responses` (the peaks are multiples of ``sr / n_fft`` Hz).

    Returns
    -------
    np.ndarray, shape (filters,)
        Hz.

    Notebook: 07_crepe
    """
    freqs, mag = _responses(kernel, sr, n_fft)
    return freqs[np.argmax(mag, axis=1)]


def filter_responses(kernel, sr, *, n_fft=512, normalize=True, floor_db=-80.0, return_order=False):
    """Magnitude responses of first-layer filters in dB, sorted by their peak frequency.

    Each filter (a column of the Keras kernel) is zero-padded to ``n_fft`` samples and
    Fourier-transformed: ``20 · log10 |FFT|``. The rows are sorted by the frequency of their
    maximum (ties by spectral centroid), so an image of them shows which frequency bands the
    layer covers, low filters at the bottom.

    Parameters
    ----------
    kernel : array_like
        ``(kernel_size, 1, filters)`` (``Conv1D.kernel``) or ``(kernel_size, filters)``.
    sr : int
        Sampling rate in Hz.
    n_fft : int, default 512
        FFT size (>= kernel_size); ``1 + n_fft // 2`` frequencies from 0 to ``sr / 2``.
    normalize : bool, default True
        Give each filter its own 0 dB maximum (the shape, not the gain, is compared).
    floor_db : float, default -80
        Lowest level returned (dB).
    return_order : bool, default False
        Also return the filter indices in sorted order.

    Returns
    -------
    freqs : np.ndarray, shape (1 + n_fft // 2,)
        Hz.
    responses_db : np.ndarray, shape (filters, 1 + n_fft // 2)
        dB, row ``i`` the ``i``-th lowest filter.
    order : np.ndarray of int, only with ``return_order=True``

    Notebook: 06_raw_waveform
    """
    freqs, mag = _responses(kernel, sr, n_fft)
    power = mag**2
    centroid = (power @ freqs) / np.maximum(power.sum(axis=1), 1e-300)
    order = np.lexsort((centroid, freqs[np.argmax(mag, axis=1)]))
    db = 20.0 * np.log10(np.maximum(mag[order], 1e-12))
    if normalize:
        db -= db.max(axis=1, keepdims=True)
    db = np.maximum(db, float(floor_db))
    return (freqs, db, order) if return_order else (freqs, db)


# ---------------------------------------------------------------------------------------
# the sinc (parametric band-pass) front end
# ---------------------------------------------------------------------------------------
def mel_band_edges(n_filters, sr, *, fmin=30.0, fmax=None):
    """Low cut-offs and bandwidths (Hz) of ``n_filters`` adjacent bands evenly spaced in mel.

    SincNet's initialization: ``n_filters + 1`` edges on the HTK mel scale from ``fmin`` to
    ``fmax`` (default ``sr / 2 - 100``); band ``i`` spans edges ``i`` to ``i + 1``.

    Parameters
    ----------
    n_filters : int
        Number of bands.
    sr : int
        Sampling rate in Hz.
    fmin : float, default 30
        Lowest edge, Hz.
    fmax : float, optional
        Highest edge, Hz (default ``sr / 2 - 100``).

    Returns
    -------
    low_hz, band_hz : np.ndarray, shape (n_filters,)
        Hz.

    Raises
    ------
    ValueError
        Unless ``0 <= fmin < fmax <= sr / 2``.

    Notebook: (not yet used by a chapter; SincConv1D, which 06_raw_waveform uses, starts from it)
    """
    n_filters = _checks.positive_int(n_filters, "n_filters", "bands")
    sr = _checks.sample_rate(sr)
    fmin = _checks.number(fmin, "fmin", "Hz")
    fmax = sr / 2 - 100.0 if fmax is None else _checks.number(fmax, "fmax", "Hz")
    if not 0 <= fmin < fmax <= sr / 2:
        raise ValueError(f"need 0 <= fmin < fmax <= sr / 2, got fmin={fmin}, fmax={fmax}, sr={sr}")
    edges = mel.mel_to_hz(np.linspace(mel.hz_to_mel(fmin, htk=True), mel.hz_to_mel(fmax, htk=True), n_filters + 1), htk=True)
    return np.asarray(edges[:-1]), np.diff(edges)


def sinc_kernels(low_hz, band_hz, kernel_size, *, sr, window="hamming"):
    """Band-pass kernels as the difference of two windowed sincs (SincNet's first layer).

    An ideal low-pass filter with cut-off ``f`` Hz has the impulse response
    ``(2 f / sr) · sinc(2 f n / sr)`` (unit gain below ``f``). The difference of two of them,
    with cut-offs ``f1 = low_hz`` and ``f2 = low_hz + band_hz``, passes ``[f1, f2]`` with unit
    gain; truncated to ``kernel_size`` taps centred on ``n = 0`` and multiplied by a window it
    becomes a practical FIR band-pass whose transitions are about ``3.3 · sr / kernel_size`` Hz
    wide (Hamming).

    Parameters
    ----------
    low_hz, band_hz : array_like, shape (filters,)
        Lower cut-offs and bandwidths in Hz (``low_hz + band_hz <= sr / 2``).
    kernel_size : int
        Taps (odd, so that the kernel is symmetric about its centre: linear phase).
    sr : int
        Sampling rate in Hz.
    window : str, default "hamming"
        Any ``scipy.signal.get_window`` name (symmetric).

    Returns
    -------
    np.ndarray
        ``(kernel_size, filters)``, float64.

    Notebook: 06_raw_waveform
    """
    import scipy.signal

    low = np.atleast_1d(np.asarray(low_hz, dtype=np.float64))
    band = np.atleast_1d(np.asarray(band_hz, dtype=np.float64))
    if low.shape != band.shape or low.ndim != 1:
        raise ValueError(f"low_hz and band_hz must be 1-D and of equal length, got {low.shape} and {band.shape}")
    kernel_size = _checks.integer(kernel_size, "kernel_size", minimum=3, what="taps")
    if kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be odd (a symmetric, linear-phase kernel), got {kernel_size}")
    sr = _checks.sample_rate(sr)
    high = low + band
    if np.any(low < 0) or np.any(band <= 0) or np.any(high > sr / 2 + 1e-9):
        raise ValueError("need low_hz >= 0, band_hz > 0 and low_hz + band_hz <= sr / 2")
    n = np.arange(kernel_size) - (kernel_size - 1) / 2
    win = scipy.signal.get_window(window, kernel_size, fftbins=False)

    def lowpass(f):
        return (2.0 * f[None, :] / sr) * np.sinc(2.0 * f[None, :] * n[:, None] / sr)

    return (lowpass(high) - lowpass(low)) * win[:, None]


_SINC_CLASS = None


def _make_sinc_class():
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="course_lib")
    class SincConv1D(keras.layers.Layer):
        """A first layer of learnable band-pass filters (SincNet, Ravanelli & Bengio 2018).

        Each of the ``filters`` kernels is :func:`course_lib.rawconv.sinc_kernels` of two
        learnable cut-offs in Hz: a low cut-off ``min_low_hz + sr · |low|`` and a bandwidth
        ``min_band_hz + sr · |band|`` (the top is clipped to ``sr / 2``). Instead of
        ``kernel_size`` free weights per filter, the network learns only where each band sits.
        Initialized with bands evenly spaced on the mel scale (:func:`mel_band_edges`). As in
        SincNet's code, the two weights hold frequencies divided by ``sr`` (cycles per sample),
        so that an optimizer step of 1e-3 moves a cut-off by ``sr / 1000`` Hz; read them in Hz
        with :meth:`cutoffs`.

        Parameters
        ----------
        filters : int
        kernel_size : int (odd)
        sr : int
            Sampling rate in Hz.
        strides : int, default 1
        padding : {"valid", "same"}
        min_low_hz, min_band_hz : float, default 50
            Lowest cut-off and narrowest band, Hz.

        Input ``(batch, steps, 1)``; output ``(batch, out_steps, filters)``.

        Notebook: 06_raw_waveform
        """

        def __init__(self, filters, kernel_size, sr, strides=1, padding="valid", min_low_hz=50.0, min_band_hz=50.0, **kwargs):
            super().__init__(**kwargs)
            self.filters = _checks.positive_int(filters, "filters")
            self.kernel_size = _checks.integer(kernel_size, "kernel_size", minimum=3, what="taps")
            if self.kernel_size % 2 == 0:
                raise ValueError(f"kernel_size must be odd, got {kernel_size}")
            self.sr = _checks.sample_rate(sr)
            self.strides = _checks.positive_int(strides, "strides", "samples")
            self.padding = _checks.choice(padding, "padding", ("valid", "same"))
            self.min_low_hz = _checks.number(min_low_hz, "min_low_hz", "Hz")
            self.min_band_hz = _checks.number(min_band_hz, "min_band_hz", "Hz")
            if not (self.min_low_hz >= 0 and self.min_band_hz > 0 and self.min_low_hz + self.min_band_hz < self.sr / 2):
                raise ValueError(f"need min_low_hz >= 0, min_band_hz > 0 and their sum below sr / 2, got {min_low_hz}, {min_band_hz}")

        def build(self, input_shape):
            if input_shape[-1] != 1:
                raise ValueError(f"SincConv1D expects mono input (batch, steps, 1), got {input_shape}")
            low, band = mel_band_edges(self.filters, self.sr, fmin=30.0, fmax=self.sr / 2 - (self.min_low_hz + self.min_band_hz))
            init = keras.initializers.Constant
            self.low = self.add_weight(name="low", shape=(self.filters,), initializer=init(np.maximum(low - self.min_low_hz, 0.0) / self.sr))
            self.band = self.add_weight(name="band", shape=(self.filters,), initializer=init((band - self.min_band_hz) / self.sr))
            n = np.arange(self.kernel_size) - (self.kernel_size - 1) / 2
            self._n = n.astype("float32")
            import scipy.signal

            self._window = scipy.signal.get_window("hamming", self.kernel_size, fftbins=False).astype("float32")

        def cutoffs(self):
            """``(low, high)`` cut-offs in Hz as tensors of shape ``(filters,)``."""
            low = self.min_low_hz + self.sr * ops.abs(self.low)
            high = ops.clip(low + self.min_band_hz + self.sr * ops.abs(self.band), self.min_low_hz, self.sr / 2)
            return low, high

        def kernel(self):
            """The band-pass kernels, ``(kernel_size, 1, filters)``."""
            low, high = self.cutoffs()
            n = ops.convert_to_tensor(self._n)[:, None]
            centre = ops.equal(n, 0.0)
            safe_n = ops.where(centre, 1.0, n)

            def lowpass(f):
                x = 2.0 * f[None, :] * safe_n / self.sr  # (kernel_size, filters)
                s = ops.sin(np.pi * x) / (np.pi * x)
                return ops.where(centre, 2.0 * f[None, :] / self.sr, 2.0 * f[None, :] / self.sr * s)

            h = (lowpass(high) - lowpass(low)) * ops.convert_to_tensor(self._window)[:, None]
            return ops.expand_dims(h, 1)

        def call(self, inputs):
            return ops.conv(inputs, self.kernel(), strides=self.strides, padding=self.padding)

        def compute_output_shape(self, input_shape):
            steps = input_shape[1]
            out = None if steps is None else conv1d_output_length(steps, self.kernel_size, self.strides, self.padding)
            return (input_shape[0], out, self.filters)

        def get_config(self):
            config = super().get_config()
            config.update(filters=self.filters, kernel_size=self.kernel_size, sr=self.sr, strides=self.strides,
                          padding=self.padding, min_low_hz=self.min_low_hz, min_band_hz=self.min_band_hz)
            return config

    return SincConv1D


def __getattr__(name):
    # SincConv1D is a Keras layer: build the class on first access (imports Keras then).
    global _SINC_CLASS
    if name == "SincConv1D":
        if _SINC_CLASS is None:
            _SINC_CLASS = _make_sinc_class()
        return _SINC_CLASS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------------------
# the raw-waveform classifier
# ---------------------------------------------------------------------------------------
#: The floor added to the energies of :func:`log_energy_frontend` before the logarithm: 60 dB below
#: the output power of a unit-gain filter on unit-variance white noise.
LOG_ENERGY_FLOOR = 1e-6


def raw_waveform_classifier(n_samples, n_classes, *, sr=8000, frontend="conv", first_filters=32, first_kernel=65,
                            first_stride=16, block_filters=(32, 64, 64), pool_size=4, dropout=0.2, rng=0,
                            log_floor=LOG_ENERGY_FLOOR, energy_pool=None):
    """A small CNN that classifies raw waveforms.

    ``waveform (n_samples,)`` → reshape ``(n_samples, 1)`` → **front end**: a strided
    ``Conv1D`` (``first_filters`` kernels of ``first_kernel`` samples, stride ``first_stride``;
    or, with ``frontend="sinc"``, :class:`SincConv1D` band-passes) → batch norm → ReLU → max
    pooling; or, with ``frontend="log_energy"``, the log-mel pipeline with learned filters
    (Sainath et al. 2015's order, see :func:`log_energy_frontend`): the same strided ``Conv1D`` →
    square (energy) → average pooling over ``energy_pool`` steps (one frame per
    ``first_stride · energy_pool`` samples) → ``log(energy + log_floor)`` → batch norm → for each
    entry of ``block_filters``: ``Conv1D`` (kernel 3, 'same') → batch norm → ReLU → max pooling (``pool_size``) → global max pooling over time → dropout → dense softmax
    over ``n_classes``. The front end plays the part of the STFT + filterbank of a spectrogram
    model, learned from data. Its kernels start as tiny random numbers (normal, standard
    deviation 1e-3): batch normalization behind it makes their scale irrelevant, and what the
    filters learn soon outweighs their random start, so that their spectra show what was
    learned even after a short training on a CPU.

    Parameters
    ----------
    n_samples : int
        Samples per input clip.
    n_classes : int
        Number of classes (>= 2).
    sr : int, default 8000
        Sampling rate in Hz (needed by the sinc front end).
    frontend : {"conv", "sinc", "log_energy"}
        A free ``Conv1D``, :class:`SincConv1D` band-passes, or a free ``Conv1D`` whose outputs are
        squared, averaged over a frame and log-compressed (its kernels start as normal numbers
        with standard deviation ``1 / sqrt(first_kernel)``: unit gain for white noise, so that
        the floor sits far below the first energies).
    first_filters, first_kernel, first_stride : int
        The front end's filters, kernel length (samples; odd for ``"sinc"``) and stride (samples).
    block_filters : sequence of int
        Filters of the later Conv1D blocks.
    pool_size : int, default 4
        Steps merged by each max pooling.
    dropout : float, default 0.2
        Dropout rate before the classifier, in [0, 1); 0 for none.
    rng : int, numpy.random.Generator or None, default 0
        Randomness of every initializer and of the dropout: an int seed builds the same weights
        every time (a Generator gives one seed from its stream).
    log_floor : float, default 1e-6
        Added to the energies before the logarithm of ``frontend="log_energy"`` (> 0).
    energy_pool : int, optional
        Steps of the Conv1D averaged into one frame by ``frontend="log_energy"`` (default
        ``pool_size``).

    Returns
    -------
    keras.Model
        Input ``"waveform"`` ``(batch, n_samples)``, output class probabilities; the front end
        layer is named ``"frontend"`` (with ``"log_energy"``, the log-energies are the output of the
        layer ``"frontend_log"``).

    Notebook: 06_raw_waveform
    """
    import keras
    from keras import layers

    n_samples = _checks.positive_int(n_samples, "n_samples", "samples")
    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    sr = _checks.sample_rate(sr)
    first_filters = _checks.positive_int(first_filters, "first_filters", "filters")
    first_kernel = _checks.positive_int(first_kernel, "first_kernel", "samples")
    first_stride = _checks.positive_int(first_stride, "first_stride", "samples")
    block_filters = [_checks.positive_int(f, "each of block_filters", "filters") for f in block_filters]
    pool_size = _checks.positive_int(pool_size, "pool_size", "steps")
    dropout = _checks.number(dropout, "dropout", minimum=0.0, maximum=1.0)
    if dropout == 1.0:
        raise ValueError("dropout must be below 1 (a rate of 1 drops everything), got 1.0")
    frontend = _checks.choice(frontend, "frontend", ("conv", "sinc", "log_energy"))
    log_floor = _checks.positive(log_floor, "log_floor", "energy")
    energy_pool = pool_size if energy_pool is None else _checks.positive_int(energy_pool, "energy_pool", "steps")
    generator = _checks.rng(rng)
    seed = int(rng) if _checks.is_integer(rng) else int(generator.integers(2**31 // 1009))  # Keras takes int seeds
    counter = iter(range(1, 1000))

    def init():
        return keras.initializers.GlorotUniform(seed=seed * 1009 + next(counter))

    steps = conv1d_output_length(n_samples, first_kernel, first_stride)  # raises if the clip is too short
    inputs = keras.Input(shape=(n_samples,), name="waveform")
    x = layers.Reshape((n_samples, 1), name="to_channels")(inputs)
    if frontend == "log_energy":
        if steps < energy_pool:
            raise ValueError(f"energy_pool={energy_pool} is more than the {steps} steps of the front end's Conv1D")
        x = log_energy_frontend(x, first_filters, first_kernel, first_stride, energy_pool, log_floor=log_floor, rng=seed * 1009)
        steps //= energy_pool
        outputs = _back_end(x, steps, block_filters, pool_size, dropout, n_classes, init, seed)
        return keras.Model(inputs, outputs, name="raw_log_energy_classifier")
    if frontend == "conv":
        x = layers.Conv1D(first_filters, first_kernel, strides=first_stride, use_bias=False, kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3, seed=seed * 1009), name="frontend")(x)
    else:
        x = __getattr__("SincConv1D")(first_filters, first_kernel, sr, strides=first_stride, name="frontend")(x)
    x = layers.BatchNormalization(momentum=0.9, name="frontend_bn")(x)
    x = layers.ReLU(name="frontend_relu")(x)
    if steps >= 2 * pool_size:
        x = layers.MaxPooling1D(pool_size, name="frontend_pool")(x)
        steps //= pool_size
    outputs = _back_end(x, steps, block_filters, pool_size, dropout, n_classes, init, seed)
    return keras.Model(inputs, outputs, name=f"raw_{frontend}_classifier")


def log_energy_frontend(x, filters, kernel_size, stride, pool_size, *, log_floor=LOG_ENERGY_FLOOR, rng=0):
    """The log-mel pipeline with learned filters: ``log(mean over a frame of (Conv1D output)²)`` (Keras layers).

    ``Conv1D`` (``filters`` kernels of ``kernel_size`` samples, stride ``stride``, no bias,
    'valid') → square → average pooling over ``pool_size`` steps → ``log(· + log_floor)`` → batch
    norm. Output frame ``t``, filter ``f``:
    ``log(log_floor + (1/P) Σ_{j<P} (Σ_k x[(tP + j)·stride + k] · w[k, f])²)`` with ``P = pool_size``:
    the log-energy of the signal through filter ``f`` in one frame of ``stride · pool_size``
    samples, as a log-mel band is the log-energy through a fixed mel filter of an STFT frame
    (Sainath et al. 2015 learn such a front end; they pool with a maximum over a rectified output).
    With ``kernel_size`` 257 at 8 kHz a filter spans 32 ms, the log-mel's 256-sample window.

    Parameters
    ----------
    x : keras tensor, shape (batch, samples, 1)
    filters, kernel_size, stride, pool_size : int
    log_floor : float, default 1e-6
        Added before the logarithm (> 0).
    rng : int or numpy.random.Generator, default 0
        Seed of the kernels' initializer (normal, standard deviation ``1 / sqrt(kernel_size)``; a
        Generator gives one seed from its stream).

    Returns
    -------
    keras tensor, shape (batch, frames, filters)
        Layers ``"frontend"`` (the Conv1D), ``"frontend_energy"``, ``"frontend_pool"``,
        ``"frontend_log"`` and ``"frontend_bn"``.

    Notebook: 06_raw_waveform (via ``fsdd_builder``)
    """
    import keras
    from keras import layers

    floor = float(_checks.positive(log_floor, "log_floor", "energy"))
    filters = _checks.positive_int(filters, "filters", "filters")
    kernel_size = _checks.positive_int(kernel_size, "kernel_size", "samples")
    stride = _checks.positive_int(stride, "stride", "samples")
    pool_size = _checks.positive_int(pool_size, "pool_size", "steps")
    seed = int(rng) if _checks.is_integer(rng) else int(_checks.rng(rng).integers(2**31 // 1009))
    init = keras.initializers.RandomNormal(stddev=1.0 / np.sqrt(kernel_size), seed=seed)
    x = layers.Conv1D(filters, kernel_size, strides=stride, use_bias=False, kernel_initializer=init, name="frontend")(x)
    x = layers.Lambda(keras.ops.square, name="frontend_energy")(x)
    x = layers.AveragePooling1D(pool_size, name="frontend_pool")(x)
    x = layers.Lambda(lambda e: keras.ops.log(e + floor), name="frontend_log")(x)
    return layers.BatchNormalization(momentum=0.9, name="frontend_bn")(x)


def _back_end(x, steps, block_filters, pool_size, dropout, n_classes, init, seed):
    """The classifier behind every front end: Conv1D blocks, global max pooling, dropout, softmax."""
    from keras import layers

    for i, f in enumerate(block_filters, start=1):
        x = layers.Conv1D(f, 3, padding="same", use_bias=False, kernel_initializer=init(), name=f"conv{i}")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"bn{i}")(x)
        x = layers.ReLU(name=f"relu{i}")(x)
        if steps >= 2 * pool_size:
            x = layers.MaxPooling1D(pool_size, name=f"pool{i}")(x)
            steps //= pool_size
    x = layers.GlobalMaxPooling1D(name="global_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, seed=seed, name="dropout")(x)
    return layers.Dense(n_classes, activation="softmax", kernel_initializer=init(), name="classes")(x)


def log_mel_classifier(n_frames, n_mels, n_classes, *, block_filters=(32, 64, 64), pool_size=4, dropout=0.2, rng=0):
    """The back end of :func:`raw_waveform_classifier`, reading log-mel frames instead of samples.

    ``log-mel (n_frames, n_mels)`` (time first, the bands as channels) → for each entry of
    ``block_filters``: ``Conv1D`` (kernel 3, 'same') → batch norm → ReLU → max pooling → global max
    pooling → dropout → dense softmax: exactly the layers that follow the learned front end of
    :func:`raw_waveform_classifier` (same names, same initializers for the same ``rng``). With
    ``n_mels`` equal to the raw model's ``first_filters`` and a frame rate equal to its rate after
    the front end's pooling, the two models differ only in their front end: a fixed mel
    filterbank and logarithm here, a learned strided convolution there.

    Parameters
    ----------
    n_frames : int
        Frames per clip.
    n_mels : int
        Mel bands (the input channels).
    n_classes : int
        Number of classes (>= 2).
    block_filters : sequence of int
        Filters of the Conv1D blocks.
    pool_size : int, default 4
        Steps merged by each max pooling (skipped once fewer than ``2 · pool_size`` steps remain).
    dropout : float, default 0.2
        Dropout rate before the classifier, in [0, 1).
    rng : int, default 0
        Seed of every initializer and of the dropout.

    Returns
    -------
    keras.Model
        Input ``"log_mel"`` ``(batch, n_frames, n_mels)``, output class probabilities.

    Notebook: 06_raw_waveform (via ``fsdd_builder``)
    """
    import keras

    n_frames = _checks.positive_int(n_frames, "n_frames", "frames")
    n_mels = _checks.positive_int(n_mels, "n_mels", "bands")
    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    block_filters = [_checks.positive_int(f, "each of block_filters", "filters") for f in block_filters]
    pool_size = _checks.positive_int(pool_size, "pool_size", "steps")
    dropout = _checks.number(dropout, "dropout", minimum=0.0, maximum=1.0)
    if dropout == 1.0:
        raise ValueError("dropout must be below 1 (a rate of 1 drops everything), got 1.0")
    seed = _checks.integer(rng, "rng", minimum=0, what="seed")
    counter = iter(range(1, 1000))

    def init():
        return keras.initializers.GlorotUniform(seed=seed * 1009 + next(counter))

    inputs = keras.Input(shape=(n_frames, n_mels), name="log_mel")
    outputs = _back_end(inputs, n_frames, block_filters, pool_size, dropout, n_classes, init, seed)
    return keras.Model(inputs, outputs, name="log_mel_classifier")


# ---------------------------------------------------------------------------------------
# what shape are learned filters? (peak, -3 dB band)
# ---------------------------------------------------------------------------------------
def filter_bands(kernel, sr, *, n_fft=512, drop_db=3.0):
    """Peak frequency and the band around it where each filter stays within ``drop_db`` of its peak.

    Starting at the peak of the magnitude response, the band extends down and up while the
    response stays above ``peak - drop_db``; its edges are the last frequencies inside. A band
    whose lower edge is 0 Hz is a **low-pass** response (it passes DC), one whose upper edge is
    ``sr / 2`` a **high-pass**, anything else a band-pass. Only the band that holds the peak is
    measured: a ragged response with several lobes gets the lobe of its maximum.

    Parameters
    ----------
    kernel, sr, n_fft
        As in :func:`filter_responses` (frequencies are multiples of ``sr / n_fft`` Hz).
    drop_db : float, default 3
        How far below the peak the band ends, dB (> 0).

    Returns
    -------
    peak_hz, low_hz, high_hz : np.ndarray, shape (filters,)
        Hz, in the kernel's filter order.

    Raises
    ------
    ValueError
        A kernel of the wrong shape or with NaN, ``n_fft`` below the kernel size, or ``drop_db <= 0``.

    Notebook: 06_raw_waveform
    """
    freqs, mag = _responses(kernel, sr, n_fft)
    return band_edges(freqs, 20.0 * np.log10(np.maximum(mag, 1e-300)), drop_db)


def band_edges(freqs, responses_db, drop_db=3.0):
    """Peak and ``drop_db`` band edges of magnitude responses given in dB (see :func:`filter_bands`).

    Parameters
    ----------
    freqs : array_like, shape (n_freqs,)
        Frequencies of the columns, Hz, increasing.
    responses_db : array_like, shape (filters, n_freqs)
        Magnitude responses in dB (e.g. a mel filterbank's ``20 · log10`` weights).
    drop_db : float, default 3
        How far below the peak the band ends, dB (> 0).

    Returns
    -------
    peak_hz, low_hz, high_hz : np.ndarray, shape (filters,)
        Hz: the peak, and the lowest and highest frequency of the contiguous band around the peak
        that stays within ``drop_db`` of it.

    Notebook: 06_raw_waveform
    """
    drop_db = _checks.positive(drop_db, "drop_db", "dB")
    freqs = np.asarray(freqs, dtype=np.float64)
    db = np.atleast_2d(np.asarray(responses_db, dtype=np.float64))
    if freqs.ndim != 1 or db.ndim != 2 or db.shape[1] != freqs.size:
        raise ValueError(f"responses_db must be (filters, {freqs.size}) for {freqs.size} frequencies, got shape {np.shape(responses_db)}")
    if np.any(np.isnan(db)):
        raise ValueError("responses_db contains NaN")
    peak = np.argmax(db, axis=1)
    low = np.empty(len(db), dtype=np.int64)
    high = np.empty(len(db), dtype=np.int64)
    for i, (row, p) in enumerate(zip(db, peak)):
        inside = row >= row[p] - drop_db
        lo = p
        while lo > 0 and inside[lo - 1]:
            lo -= 1
        hi = p
        while hi < len(row) - 1 and inside[hi + 1]:
            hi += 1
        low[i], high[i] = lo, hi
    return freqs[peak], freqs[low], freqs[high]


# ---------------------------------------------------------------------------------------
# why not an RNN over samples: the models and their activation memory
# ---------------------------------------------------------------------------------------
def sample_rnn(n_samples, n_classes=10, units=32, rng=0):
    """An LSTM that reads a waveform one sample per step (what chapter 06 argues against).

    ``waveform (n_samples,)`` → reshape ``(n_samples, 1)`` → ``LSTM(units)`` (last state) → dense
    softmax. Every one of the ``n_samples`` steps waits for the previous one.

    Parameters
    ----------
    n_samples : int
        Samples (= recurrent steps) per clip.
    n_classes : int, default 10
    units : int, default 32
        LSTM state size.
    rng : int, default 0
        Seed of the initializers.

    Returns
    -------
    keras.Model

    Notebook: 06_raw_waveform
    """
    import keras
    from keras import layers

    n_samples = _checks.positive_int(n_samples, "n_samples", "samples")
    n_classes = _checks.integer(n_classes, "n_classes", minimum=2, what="classes")
    units = _checks.positive_int(units, "units", "units")
    seed = _checks.integer(rng, "rng", minimum=0, what="seed")
    inputs = keras.Input(shape=(n_samples,), name="waveform")
    x = layers.Reshape((n_samples, 1), name="to_channels")(inputs)
    x = layers.LSTM(units, kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                    recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1), name="lstm")(x)
    outputs = layers.Dense(n_classes, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 2),
                           name="classes")(x)
    return keras.Model(inputs, outputs, name="lstm_over_samples")


def activation_floats(model):
    """Numbers one example's forward pass keeps for backpropagation, counted from the layers' output shapes.

    Every layer's output counts once (a reshape, which only relabels its input, not at all), and
    an LSTM keeps, for each of its steps, its four gate activations, its cell state and its
    hidden state: ``6 · units`` numbers per step (backpropagation through time needs all of
    them). Multiply by 4 for bytes in float32, and by the batch size.

    Parameters
    ----------
    model : keras.Model
        A built functional model.

    Returns
    -------
    dict
        ``{layer name: numbers}`` for one example, in layer order.

    Notebook: 06_raw_waveform
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    sizes = {}
    for layer in model.layers:
        if isinstance(layer, (keras.layers.InputLayer, keras.layers.Reshape)):
            continue
        if isinstance(layer, keras.layers.LSTM):
            steps = layer.input.shape[1]
            sizes[layer.name] = int(steps) * 6 * int(layer.units)
        else:
            sizes[layer.name] = int(np.prod(layer.output.shape[1:]))
    return sizes
