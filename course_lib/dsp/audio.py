"""Audio input and output: loading, saving, resampling, mono mixing, normalization and playback.

Every chapter of the course reads, writes or listens to sound through this module
(00_introduction to 08_wavenet); 01_sound_physics teaches it. Audio is always a
float32 NumPy array with values in [-1, 1], shaped ``(n_samples,)`` for mono or
``(n_samples, n_channels)`` for multichannel sound (time first, as soundfile and
``scipy.io.wavfile`` use; librosa uses ``(n_channels, n_samples)`` instead). Files are
read and written with ``soundfile`` (libsndfile): WAV (8-bit unsigned, 16/24/32-bit
integer, 32/64-bit float), FLAC and OGG Vorbis. Bad input never passes silently:
``load`` raises :class:`AudioError` naming the file and the problem.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from .. import _checks
from ..errors import AudioError  # re-exported: course_lib.audio.AudioError is the course's AudioError

__all__ = [
    "AudioError",
    "load",
    "save",
    "resample",
    "to_mono",
    "pcm_to_float",
    "peak_normalize",
    "rms_db",
    "play",
]

# First bytes of the containers libsndfile reads most often; used only to word error
# messages (libsndfile itself decides what it can read).
_MAGIC = {
    b"RIFF": "WAV",
    b"RIFX": "WAV",
    b"RF64": "WAV (RF64)",
    b"fLaC": "FLAC",
    b"OggS": "OGG",
    b"FORM": "AIFF",
}

_EXTENSION_FORMAT = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG"}
_FLOAT_SUBTYPES = {"FLOAT", "DOUBLE"}
# Lossy codecs: decoding can overshoot [-1, 1] slightly (real ESC-10 clips reach 1.004).
_LOSSY_SUBTYPES = {"VORBIS", "OPUS", "MPEG_LAYER_I", "MPEG_LAYER_II", "MPEG_LAYER_III"}
# More channels than this in a 2-D array almost always means (n_channels, n_samples).
_MAX_CHANNELS = 64


# --------------------------------------------------------------------------- helpers


def _display_path(path) -> str:
    """The path as the caller gave it, for error messages."""
    try:
        return os.fspath(path) if not isinstance(path, bytes) else path.decode(errors="replace")
    except TypeError:
        return repr(path)


def _sniff_problem(path: str, size: int) -> str:
    """Word the reason libsndfile could not open ``path`` (exists, non-empty)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:  # pragma: no cover - permission problems depend on the OS
        return f"cannot open the file ({exc.strerror or exc})"
    container = _MAGIC.get(head[:4])
    if container is not None:
        return (
            f"corrupt or truncated {container} header ({size} bytes); "
            "the file may be incomplete or damaged"
        )
    return (
        f"not a recognized audio file (unknown format, starts with {head[:8]!r}); "
        "expected WAV, FLAC or OGG"
    )


# --------------------------------------------------------------------------- loading


def load(path, sr=None, mono=True):
    """Read an audio file as float32 samples in [-1, 1].

    Reads WAV (8-bit unsigned, 16/24/32-bit integer, 32/64-bit float), FLAC and
    OGG Vorbis through soundfile (libsndfile), which scales integer samples by the
    full-scale code: uint8 as ``(x - 128) / 128``, int16 as ``x / 32768``, 24-bit as
    ``x / 2**23``, int32 as ``x / 2**31`` (see :func:`pcm_to_float`).

    Parameters
    ----------
    path : str or os.PathLike
        File to read.
    sr : int or None, optional
        Sampling rate wanted, in Hz. ``None`` (default) keeps the file's rate; an
        integer resamples with :func:`resample` (band-limited polyphase filtering).
        Filter ringing can overshoot full scale slightly; the resampled signal is
        clipped back to [-1, 1].
    mono : bool, optional
        If True (default) average the channels and return shape ``(n_samples,)``.
        If False return shape ``(n_samples, n_channels)``, always 2-D, also for a
        mono file.

    Returns
    -------
    y : numpy.ndarray of float32
        Samples in [-1, 1].
    sr : int
        Sampling rate of ``y`` in Hz.

    Raises
    ------
    AudioError
        For any bad input, with a message naming the file and the problem: missing
        file, a directory, an empty (0-byte) file, a file that is not audio, a
        corrupt or truncated header, a file with no samples, NaN or infinite
        samples, samples outside [-1, 1] (legal in float WAV files, refused rather
        than clipped silently; a lossy Ogg Vorbis, Opus or MP3 file is the exception:
        its decoder's overshoot of a fraction of a percent past full scale is clipped),
        or an invalid ``sr`` argument.

    Examples
    --------
    >>> y, sr = load("data/tone.wav", sr=16000)  # doctest: +SKIP

    Notebook: 01_sound_physics
    """
    import soundfile

    shown = _display_path(path)

    def fail(problem: str, cause: BaseException | None = None):
        raise AudioError(f"cannot read '{shown}': {problem}") from cause

    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        fail(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    if sr is not None:
        try:
            sr = _checks.sample_rate(sr, "sr")
        except (TypeError, ValueError) as exc:
            fail(f"invalid sr argument: {exc}")

    fs_path = os.fspath(path)
    if not os.path.exists(fs_path):
        fail("file not found (no such file or directory)")
    if os.path.isdir(fs_path):
        fail("is a directory, not a file")
    size = os.path.getsize(fs_path)
    if size == 0:
        fail("file is empty (0 bytes)")

    try:
        with soundfile.SoundFile(fs_path, mode="r") as f:
            file_sr = int(f.samplerate)
            subtype = f.subtype
            data = f.read(dtype="float64", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        detail = getattr(exc, "error_string", "") or ""
        problem = _sniff_problem(fs_path, size)
        if detail:
            problem += f" [libsndfile: {detail}]"
        fail(problem, exc)
    except OSError as exc:  # pragma: no cover - e.g. permission denied
        fail(f"cannot open the file ({exc.strerror or exc})", exc)

    if data.shape[0] == 0:
        fail("file contains no samples (valid header, 0 frames)")
    finite = np.isfinite(data)
    if not finite.all():
        n_bad = int(data.size - np.count_nonzero(finite))
        fail(f"file contains NaN or infinite samples ({n_bad} of {data.size})")
    if subtype in _LOSSY_SUBTYPES:
        # A lossy decoder reconstructs an approximation of the waveform, which can overshoot
        # full scale by a fraction of a percent where the original touched it: clip that.
        np.clip(data, -1.0, 1.0, out=data)
    peak = float(np.max(np.abs(data)))
    if peak > 1.0:
        fail(f"samples exceed [-1, 1] (peak {peak:.6g}); normalize it first")

    if mono:
        data = data.mean(axis=1)
    if sr is not None and sr != file_sr:
        y = np.clip(resample(data, file_sr, sr), -1.0, 1.0)
    else:
        y = data.astype(np.float32)
        sr = file_sr
    return y, sr


# --------------------------------------------------------------------------- saving


def save(path, y, sr, subtype="PCM_16"):
    """Write audio to a WAV, FLAC or OGG file, chosen by the file extension.

    Parameters
    ----------
    path : str or os.PathLike
        Destination ending in ``.wav``, ``.flac`` or ``.ogg``.
    y : array_like of float
        Samples in [-1, 1], shape ``(n_samples,)`` or ``(n_samples, n_channels)``.
    sr : int
        Sampling rate in Hz (positive integer).
    subtype : str, optional
        soundfile subtype: ``"PCM_U8"``, ``"PCM_16"`` (default), ``"PCM_24"``,
        ``"PCM_32"``, ``"FLOAT"``, ``"DOUBLE"`` for WAV; ``"PCM_16"``/``"PCM_24"``
        for FLAC; ``"VORBIS"`` for OGG.

    Raises
    ------
    AudioError
        (a ``ValueError``) for an unknown extension, a subtype the format does not
        support, non-float, empty, non-finite or badly shaped ``y``, an invalid
        ``sr``, or samples outside [-1, 1] with a non-float subtype (they would be
        clipped; only ``"FLOAT"``/``"DOUBLE"`` can store them).

    Notes
    -----
    Integer subtypes quantize the samples to multiples of ``2**-(bits-1)`` (the
    quantization step): a round trip ``save`` then :func:`load` changes each sample
    by less than one step (libsndfile rounds for most subtypes and truncates for
    some, e.g. ``PCM_U8``), and +1.0 becomes the largest code, ``1 - 2**-(bits-1)``.

    Notebook: (tooling, ``make data`` writes the course's data files with it)
    """
    import soundfile

    shown = _display_path(path)

    def fail(problem: str, cause: BaseException | None = None):
        raise AudioError(f"cannot save '{shown}': {problem}") from cause

    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        fail(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    ext = Path(os.fspath(path)).suffix.lower()
    fmt = _EXTENSION_FORMAT.get(ext)
    if fmt is None:
        fail(f"unknown extension {ext!r}; use .wav, .flac or .ogg")
    if not isinstance(subtype, str):
        fail(f"subtype must be a string such as 'PCM_16', got {subtype!r}")
    subtype = subtype.upper()
    if not soundfile.check_format(fmt, subtype):
        hint = "; use subtype='VORBIS'" if fmt == "OGG" else ""
        fail(f"subtype {subtype!r} is not valid for {fmt} files{hint}")
    try:
        sr = _checks.sample_rate(sr, "sr")
    except (TypeError, ValueError) as exc:
        fail(str(exc))

    y = np.asarray(y)
    if y.dtype.kind != "f":
        fail(
            f"y must be floating-point audio in [-1, 1], got dtype {y.dtype}; "
            "convert integer PCM with pcm_to_float first"
        )
    if y.ndim not in (1, 2):
        fail(f"y must be 1-D (n_samples,) or 2-D (n_samples, n_channels), got shape {y.shape}")
    if y.shape[0] == 0 or y.size == 0:
        fail(f"y is empty (shape {y.shape})")
    if y.ndim == 2 and y.shape[1] > _MAX_CHANNELS:
        fail(
            f"y has shape {y.shape}: {y.shape[1]} channels; expected (n_samples, n_channels) "
            "- transpose (n_channels, n_samples) arrays with y.T"
        )
    if not np.all(np.isfinite(y)):
        fail("y contains NaN or infinite values")
    peak = float(np.max(np.abs(y)))
    if peak > 1.0 and subtype not in _FLOAT_SUBTYPES:
        fail(
            f"samples exceed [-1, 1] (peak {peak:.6g}) and subtype {subtype!r} would clip "
            "them; normalize first (peak_normalize) or use subtype='FLOAT'"
        )
    try:
        soundfile.write(os.fspath(path), y, sr, subtype=subtype, format=fmt)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        fail(f"libsndfile could not write it ({exc})", exc)


# --------------------------------------------------------------------------- signal helpers


def resample(y, orig_sr, target_sr):
    """Change the sampling rate with band-limited polyphase filtering.

    Uses ``scipy.signal.resample_poly`` with ``up = target_sr / g`` and
    ``down = orig_sr / g`` where ``g = gcd(orig_sr, target_sr)``: the signal is
    upsampled by ``up``, low-pass filtered below the lower Nyquist frequency (no
    aliasing) and downsampled by ``down``.

    Parameters
    ----------
    y : array_like
        Audio, shape ``(n_samples,)`` or ``(n_samples, n_channels)``; resampled
        along axis 0 (time).
    orig_sr, target_sr : int
        Sampling rates in Hz (positive integers).

    Returns
    -------
    numpy.ndarray of float32
        ``ceil(n_samples * target_sr / orig_sr)`` samples along axis 0, the same
        channels. A copy of ``y`` as float32 when the rates are equal. Filter
        ringing can make the result exceed [-1, 1] slightly near full scale.

    Raises
    ------
    ValueError
        Non-positive or non-integer rates, bad shape, NaN or infinite values.
    TypeError
        Non-numeric ``y``.

    Notebook: 01_sound_physics
    """
    from scipy.signal import resample_poly

    orig_sr = _checks.sample_rate(orig_sr, "orig_sr")
    target_sr = _checks.sample_rate(target_sr, "target_sr")
    y = _checks.audio(y, allow_empty=True)
    if orig_sr == target_sr:
        return y.astype(np.float32)
    g = math.gcd(orig_sr, target_sr)
    up, down = target_sr // g, orig_sr // g
    if y.shape[0] == 0:
        return np.zeros((0,) + y.shape[1:], dtype=np.float32)
    out = resample_poly(y.astype(np.float64), up, down, axis=0)
    return out.astype(np.float32)


def to_mono(y):
    """Mix multichannel audio down to mono by averaging the channels.

    Parameters
    ----------
    y : array_like
        Shape ``(n_samples,)`` (returned as float32) or ``(n_samples, n_channels)``.

    Returns
    -------
    numpy.ndarray of float32, shape (n_samples,)

    Raises
    ------
    ValueError
        If ``y`` is not 1-D or 2-D, or holds NaN or infinite values.

    Notebook: 06_raw_waveform
    """
    y = _checks.audio(y, allow_empty=True)
    if y.ndim == 1:
        return y.astype(np.float32)
    return y.astype(np.float64).mean(axis=1).astype(np.float32)


def pcm_to_float(x):
    """Convert integer PCM samples to float32 in [-1, 1], by dtype.

    The divisor is the full-scale code of the integer type, ``2**(bits-1)``:

    ========  ========================  =========================
    dtype     formula                   range
    ========  ========================  =========================
    uint8     ``(x - 128) / 128``       [-1, 127/128]
    int16     ``x / 32768``             [-1, 32767/32768]
    int32     ``x / 2147483648``        [-1, 1)
    float     unchanged (as float32)
    ========  ========================  =========================

    Teaching point: ``scipy.io.wavfile.read`` returns 24-bit WAV files as int32
    arrays, *left-aligned* (the 24-bit code shifted up by 8 bits, i.e. multiplied
    by 256). Dividing them by ``2**15 - 1`` -- the int16 rule, as the original
    talk did -- gives values up to about 65536 instead of 1 (too large by a factor
    of ``2**31 / (2**15 - 1)``, about 65538). Dividing by ``2**31`` is right for
    any int32 data, 24-bit left-aligned or true 32-bit, and matches what soundfile
    (and :func:`load`) return.

    Parameters
    ----------
    x : numpy.ndarray
        PCM samples of dtype uint8, int16 or int32, or floating-point samples.

    Returns
    -------
    numpy.ndarray of float32, same shape as ``x``.

    Raises
    ------
    TypeError
        For any other dtype (int8, int64, uint16, bool, complex, ...).

    Notebook: 01_sound_physics
    """
    x = np.asarray(x)
    if x.dtype == np.uint8:
        return ((x.astype(np.float64) - 128.0) / 128.0).astype(np.float32)
    if x.dtype == np.int16:
        return (x.astype(np.float64) / 32768.0).astype(np.float32)
    if x.dtype == np.int32:
        return (x.astype(np.float64) / 2147483648.0).astype(np.float32)
    if x.dtype.kind == "f":
        return x.astype(np.float32)
    raise TypeError(
        f"pcm_to_float expects uint8, int16, int32 or float samples, got dtype {x.dtype}"
    )


def peak_normalize(y, peak=1.0):
    """Scale audio so that its largest absolute sample equals ``peak``.

    Parameters
    ----------
    y : array_like
        Audio, ``(n_samples,)`` or ``(n_samples, n_channels)``; all channels are
        scaled by the same gain.
    peak : float, optional
        Target peak amplitude (linear, full scale = 1.0), positive and finite;
        default 1.0. A peak above 1 leaves the [-1, 1] range.

    Returns
    -------
    numpy.ndarray of float32
        The scaled audio. Silent input (all zeros) is returned unchanged, since no
        gain can give it a peak.

    Raises
    ------
    TypeError
        A ``peak`` that is not a number, non-numeric ``y``.
    ValueError
        Non-positive or non-finite ``peak``, bad shape, NaN or infinite samples.

    Notebook: 05_augmentation
    """
    peak = _checks.positive(peak, "peak")
    y = _checks.audio(y, allow_empty=True).astype(np.float64)
    current = float(np.max(np.abs(y))) if y.size else 0.0
    if current == 0.0:
        return y.astype(np.float32)
    return (y * (float(peak) / current)).astype(np.float32)


def rms_db(y):
    """Root-mean-square level in dBFS, AES17 convention: ``20 * log10(sqrt(2) * sqrt(mean(y**2)))``.

    AES17 defines full scale by a sine: a sine whose peaks just reach full scale
    (amplitude 1) reads 0 dBFS. The level is therefore the RMS level in dB plus
    ``20*log10(sqrt(2))``, about 3.01 dB. Under this convention a full-scale square wave
    (RMS 1) reads +3.01 dBFS, and a peak level ``20*log10(max|y|)`` of a sine equals its RMS
    level. (Some meters use an RMS of 1 as 0 dB instead; they read 3.01 dB lower.)

    Parameters
    ----------
    y : array_like
        Audio in [-1, 1]; for multichannel audio the mean runs over all samples of
        all channels.

    Returns
    -------
    float
        Level in dBFS (at most +3.01 for audio in [-1, 1], reached by a full-scale square
        wave; 0 for a full-scale sine); ``-inf`` for digital silence.

    Raises
    ------
    ValueError
        Empty input, bad shape, NaN or infinite samples.

    Notebook: 00_introduction, 01_sound_physics
    """
    y = _checks.audio(y, allow_empty=True)
    if y.size == 0:
        raise ValueError("y is empty; the RMS level of no samples is undefined")
    rms = math.sqrt(float(np.mean(np.square(y.astype(np.float64)))))
    if rms == 0.0:
        return -math.inf
    return 20.0 * math.log10(math.sqrt(2.0) * rms)


def play(y, sr, *, normalize=False):
    """Return an ``IPython.display.Audio`` player for the samples.

    Parameters
    ----------
    y : array_like
        Audio, ``(n_samples,)`` or ``(n_samples, n_channels)`` (transposed for
        IPython, which expects ``(n_channels, n_samples)``).
    sr : int
        Sampling rate in Hz.
    normalize : bool, optional
        False (default): play the samples as they are, so loudness differences
        between clips are heard; they must lie in [-1, 1]. True: scale the clip so
        its peak is full scale.

    Returns
    -------
    IPython.display.Audio

    Raises
    ------
    ValueError
        Samples outside [-1, 1] with ``normalize=False``, empty or badly shaped
        input, NaN or infinite samples, invalid ``sr``.

    Notebook: 01_sound_physics
    """
    from IPython.display import Audio

    sr = _checks.sample_rate(sr, "sr")
    y = _checks.audio(y, allow_empty=True)
    if y.size == 0:
        raise ValueError(f"y is empty (shape {y.shape}); nothing to play")
    peak = float(np.max(np.abs(y)))
    if not normalize and peak > 1.0:
        raise ValueError(
            f"samples exceed [-1, 1] (peak {peak:.6g}); use play(y, sr, normalize=True) "
            "or scale them with peak_normalize"
        )
    data = y.T if y.ndim == 2 else y
    # IPython divides by the peak when normalizing: silence would become NaN.
    return Audio(data, rate=sr, normalize=bool(normalize) and peak > 0.0)
