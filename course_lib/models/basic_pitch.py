"""Basic Pitch: Spotify's pretrained polyphonic note transcriber, run with ONNX Runtime, decoded in NumPy.

Basic Pitch (Bittner, Bosch, Rubinstein, Meseguer-Brocal and Ewert, "A Lightweight
Instrument-Agnostic Model for Polyphonic Note Transcription and Multipitch Estimation", ICASSP
2022; Spotify, Apache-2.0 licence; PyPI ``basic-pitch`` 0.4.0) is a small convolutional network
on a harmonic stack of a constant-Q transform computed inside the model. It reads windows of
43,844 samples at 22,050 Hz (2 s less one 256-sample hop) and outputs, every 256 samples
(11.6 ms, 172 frames per window), three *posteriorgrams*:

- ``note``: (frames, 88) probability that each piano key (MIDI 21-108) sounds;
- ``onset``: (frames, 88) probability that a note of that key starts;
- ``contour``: (frames, 264) multipitch salience at a third of a semitone.

This module loads ``nmp.onnx`` from the installed ``basic-pitch`` wheel
(:func:`course_lib.datasets.packaged.model_file`, checked by size and SHA-256) without importing the
package (whose ``__init__`` imports TensorFlow, resampy and pretty_midi) and rewrites the rest:

- :func:`windows` and :func:`posteriorgrams`: the package's ``run_inference`` (15 frames of
  zeros before the audio, windows overlapping by 30 frames, the 15 frames at each end of every
  window's output dropped and the rest joined);
- :func:`decode_notes`: ``output_to_notes_polyphonic`` of ``note_creation.py``, the same
  algorithm and defaults (onsets: local maxima in time of the onset posteriorgram, completed by
  rises of the note posteriorgram, above 0.5; a note lasts while its key stays above 0.3 and
  ends after 11 frames in a row below it; notes of 11 frames (127.7 ms) or less are dropped;
  then the "Melodia trick", which makes notes from the strongest remaining note activations),
  giving the same notes frame for frame (``tests/test_basic_pitch.py`` runs the package's own
  source beside it);
- :func:`transcribe`: both, from audio to notes ``(onset s, offset s, MIDI pitch, amplitude)``.

Differences from the package, all deliberate: frame times come from the windows' geometry
(:func:`frame_times`), where the package's ``model_frames_to_time`` subtracts a fitted
10.5 ms every 172 frames (at most 10.5 ms apart over ten minutes, none in the first 1.65 s;
on 14 piano chords over 20 s the geometry's onsets scatter less around the true ones: 4.8 ms
standard deviation against 6.5 ms); audio at another rate is resampled with ``librosa.resample`` (soxr, as
``librosa.load`` in the package); no pitch bends, no MIDI file and no frequency limits; if the note posteriorgram
never rises, no onsets are inferred from it (the package divides 0 by 0 and then finds none
from the onset posteriorgram either).

Chapter ``07_crepe`` transcribes chords and two-voice passages with it. Layer 4: imports ``numpy``, ``onnxruntime`` and ``librosa``
(inside the functions that need them), :mod:`course_lib._checks`, :mod:`course_lib.errors` and
:mod:`course_lib.models.runtimes` (the ONNX Runtime session of the model file found by :mod:`course_lib.datasets.packaged`).
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..errors import WeightsNotFoundError  # re-exported: basic_pitch.WeightsNotFoundError is the course's
from . import runtimes

__all__ = [
    "SR",
    "HOP_LENGTH",
    "WINDOW_LENGTH",
    "FRAMES_PER_WINDOW",
    "OVERLAP_FRAMES",
    "WINDOW_HOP",
    "MIDI_OFFSET",
    "N_KEYS",
    "CONTOUR_BINS_PER_SEMITONE",
    "NOTE_DTYPE",
    "WeightsNotFoundError",
    "windows",
    "posteriorgrams",
    "frame_times",
    "decode_notes",
    "transcribe",
]

#: Sampling rate of the model's input, Hz (other rates are resampled to it).
SR = 22050
#: Samples between two output frames (11.6 ms).
HOP_LENGTH = 256
#: Samples in one input window: 2 s less one hop.
WINDOW_LENGTH = 2 * SR - HOP_LENGTH
#: Output frames of one window.
FRAMES_PER_WINDOW = 172
#: Frames shared by two consecutive windows (half of them dropped at each window's ends).
OVERLAP_FRAMES = 30
#: Samples between the starts of two consecutive windows.
WINDOW_HOP = WINDOW_LENGTH - OVERLAP_FRAMES * HOP_LENGTH
#: MIDI number of the note posteriorgram's first key (A0, 27.5 Hz).
MIDI_OFFSET = 21
#: Keys of the note and onset posteriorgrams (A0 to C8).
N_KEYS = 88
#: Bins per semitone of the contour posteriorgram (264 bins).
CONTOUR_BINS_PER_SEMITONE = 3
#: The fields of the notes :func:`decode_notes` returns: seconds, seconds, MIDI number, mean note posterior.
NOTE_DTYPE = np.dtype([("onset", np.float64), ("offset", np.float64), ("pitch", np.int64), ("amplitude", np.float64)])

#: The ONNX graph's input and outputs.
_INPUT = "serving_default_input_2:0"
_OUTPUTS = {"note": "StatefulPartitionedCall:1", "onset": "StatefulPartitionedCall:2",
            "contour": "StatefulPartitionedCall:0"}
#: Kept frames per window, and the frame rate (an integer, 86) the package uses to count frames.
_KEPT = FRAMES_PER_WINDOW - OVERLAP_FRAMES
_PACKAGE_FPS = SR // HOP_LENGTH


def _session(num_threads):
    """The model's ONNX Runtime session (:func:`course_lib.models.runtimes.onnx_session`)."""
    return runtimes.onnx_session("basic-pitch", num_threads)


def _check_float_audio(y, name="y") -> np.ndarray:
    y = _checks.audio(y, name, ndim=1)
    if y.dtype.kind != "f":
        raise TypeError(f"{name} must be floating-point samples in [-1, 1], got dtype {y.dtype}; convert integer "
                        f"PCM with course_lib.audio.pcm_to_float")
    return y


def _at_model_rate(y, sr) -> np.ndarray:
    """Checked mono float audio at :data:`SR` (resampled with librosa's soxr, as ``librosa.load`` does)."""
    y = _check_float_audio(y)
    sr = _checks.sample_rate(sr)
    if sr != SR:
        import librosa

        y = librosa.resample(y.astype(np.float32), orig_sr=sr, target_sr=SR, res_type="soxr_hq")
    return y.astype(np.float32)


def windows(y, sr=SR) -> np.ndarray:
    """The model's input windows of a recording, as the package cuts them.

    ``OVERLAP_FRAMES / 2 * HOP_LENGTH`` = 3,840 zeros go before the audio (at 22,050 Hz); windows
    of :data:`WINDOW_LENGTH` samples then start every :data:`WINDOW_HOP` = 36,164 samples (1.64 s)
    until the audio ends, the last one padded with zeros.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio, 1-D, floating point in [-1, 1].
    sr : int, optional
        Its sampling rate in Hz (default 22,050; other rates are resampled to it).

    Returns
    -------
    numpy.ndarray of float32, shape (n_windows, WINDOW_LENGTH)

    Notebook: 07_crepe (via ``posteriorgrams``)
    """
    y = _at_model_rate(y, sr)
    padded = np.concatenate([np.zeros(OVERLAP_FRAMES // 2 * HOP_LENGTH, dtype=np.float32), y])
    starts = range(0, padded.shape[0], WINDOW_HOP)
    out = np.zeros((len(starts), WINDOW_LENGTH), dtype=np.float32)
    for row, start in zip(out, starts):
        piece = padded[start:start + WINDOW_LENGTH]
        row[: piece.shape[0]] = piece
    return out


def posteriorgrams(y, sr, *, num_threads=1, batch_size=8):
    """Basic Pitch's three posteriorgrams of a recording: note, onset and contour.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio, 1-D, floating point in [-1, 1].
    sr : int
        Its sampling rate in Hz; resampled to 22,050 Hz (``librosa.resample``, soxr) if different.
    num_threads : int or None, optional
        CPU threads of ONNX Runtime (default 1, deterministic); None: ONNX Runtime's default.
    batch_size : int, optional
        Windows per call of the network (memory: about 3 MB per window).

    Returns
    -------
    dict of numpy.ndarray (float32)
        ``"note"`` (n_frames, 88) and ``"onset"`` (n_frames, 88), one column per MIDI key 21-108;
        ``"contour"`` (n_frames, 264), a third of a semitone per column from 27.5 Hz. One frame
        per 256 samples at 22,050 Hz; ``n_frames = floor(n_samples · 86 / 22050)`` as in the
        package (at 22,050 Hz); :func:`frame_times` gives their times.

    Raises
    ------
    TypeError
        ``y`` not floating point; ``sr``, ``num_threads`` or ``batch_size`` of the wrong type.
    ValueError
        ``y`` not 1-D, empty, or holding NaN or infinite values; a bad ``sr``.
    WeightsNotFoundError
        The ``basic-pitch`` wheel is not installed (the message gives the ``pip install``).
    ModuleNotFoundError
        ONNX Runtime is not installed (``pip install onnxruntime``).

    Notebook: 07_crepe
    """
    y = _at_model_rate(y, sr)
    num_threads = None if num_threads is None else _checks.positive_int(num_threads, "num_threads", "CPU threads")
    batch_size = _checks.positive_int(batch_size, "batch_size", "windows")
    session = _session(num_threads)
    x = windows(y, SR)
    parts = {k: [] for k in _OUTPUTS}
    for i in range(0, x.shape[0], batch_size):
        outputs = session.run(list(_OUTPUTS.values()), {_INPUT: x[i:i + batch_size, :, None]})
        for k, v in zip(_OUTPUTS, outputs):
            parts[k].append(v)
    n_frames = int(np.floor(y.shape[0] * (_PACKAGE_FPS / SR)))
    half = OVERLAP_FRAMES // 2
    out = {}
    for k, v in parts.items():
        v = np.concatenate(v)[:, half:-half, :]
        out[k] = np.ascontiguousarray(v.reshape(-1, v.shape[-1])[:n_frames])
    return out


def frame_times(n_frames) -> np.ndarray:
    """Time in seconds of each frame of :func:`posteriorgrams`, from the windows' geometry.

    Frame ``n`` is frame ``j = n mod 142`` kept from window ``w = n // 142``, centred on sample
    ``w · 36164 + j · 256`` of the audio (the model's constant-Q transform is centred): frames
    are 11.6 ms apart within a window, and each new window steps back 188 samples (8.5 ms).

    Parameters
    ----------
    n_frames : int
        Number of frames.

    Returns
    -------
    numpy.ndarray of float, shape (n_frames,)

    Notebook: 07_crepe
    """
    n = np.arange(_checks.integer(n_frames, "n_frames", minimum=0, what="frames"))
    return ((n // _KEPT) * WINDOW_HOP + (n % _KEPT) * HOP_LENGTH) / SR


def _check_posteriorgram(p, name) -> np.ndarray:
    arr = np.asarray(p)
    if arr.dtype.kind != "f":
        raise TypeError(f"{name} must be a floating-point posteriorgram, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != N_KEYS:
        raise ValueError(f"{name} must have shape (n_frames, {N_KEYS}), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _inferred_onsets(onset, note, n_diff=2) -> np.ndarray:
    """The onset posteriorgram, raised where the note posteriorgram rises over 1 and 2 frames.

    The smaller of the two rises (negative ones set to 0, none in the first two frames), scaled to
    the onset posteriorgram's maximum, replaces the onset posterior where it is larger.
    """
    n_frames = note.shape[0]
    padded = np.concatenate([np.zeros((n_diff, note.shape[1])), note])
    rise = np.min([padded[n_diff:] - padded[n_diff - n:n_frames + n_diff - n] for n in range(1, n_diff + 1)], axis=0)
    rise[rise < 0] = 0
    rise[:n_diff] = 0
    top = np.max(rise)
    if top > 0:
        rise = np.max(onset) * rise / top
    return np.maximum(onset, rise)


def _note_end(energy, t, key, threshold, tolerance):
    """Walk forwards from frame ``t`` while ``key`` stays above ``threshold``, tolerating up to
    ``tolerance - 1`` frames in a row below it, and never onto the last frame (as the package);
    returns (the frame after the walk, the frames below the threshold at its end)."""
    n_frames = energy.shape[0]
    i, below = t, 0
    while i < n_frames - 1 and below < tolerance:
        below = below + 1 if energy[i, key] < threshold else 0
        i += 1
    return i, below


def _clear(energy, start, end, key):
    """Zero the remaining energy of ``key`` and its two neighbours over frames ``[start, end)``."""
    energy[start:end, max(key - 1, 0):min(key + 2, N_KEYS)] = 0


def _decode_frames(note, onset, onset_threshold, frame_threshold, min_frames, infer_onsets, melodia_trick,
                   energy_tolerance):
    """Notes as ``(start frame, end frame, MIDI, amplitude)``, in the package's order."""
    n_frames = note.shape[0]
    if n_frames == 0:
        return []
    onset = _inferred_onsets(onset, note) if infer_onsets else onset
    # Onsets: strict local maxima in time of the onset posteriorgram, at least onset_threshold;
    # visited from the last to the first (and, at one frame, from the highest key down).
    peak = np.zeros(onset.shape, dtype=bool)
    peak[1:-1] = (onset[1:-1] > onset[:-2]) & (onset[1:-1] > onset[2:])
    times, keys = np.nonzero(peak & (onset >= onset_threshold))
    energy = note.astype(np.float64)     # what is left to explain; the amplitudes use `note` itself
    notes = []
    for start, key in zip(times[::-1], keys[::-1]):
        if start >= n_frames - 1:
            continue
        i, below = _note_end(energy, start + 1, key, frame_threshold, energy_tolerance)
        end = i - below                  # back to the last frame above the threshold, + 1
        if end - start <= min_frames:
            continue
        _clear(energy, start, end, key)
        notes.append((int(start), int(end), int(key) + MIDI_OFFSET, float(np.mean(note[start:end, key]))))

    # The Melodia trick: while some activation is left above frame_threshold, grow a note around
    # the strongest one, forwards and backwards, clearing it (and its neighbours) as it goes.
    while melodia_trick and np.max(energy) > frame_threshold:
        t, key = np.unravel_index(np.argmax(energy), energy.shape)
        energy[t, key] = 0
        i, below = t + 1, 0
        while i < n_frames - 1 and below < energy_tolerance:
            below = below + 1 if energy[i, key] < frame_threshold else 0
            _clear(energy, i, i + 1, key)
            i += 1
        end = i - 1 - below
        i, below = t - 1, 0
        while i > 0 and below < energy_tolerance:
            below = below + 1 if energy[i, key] < frame_threshold else 0
            _clear(energy, i, i + 1, key)
            i -= 1
        start = i + 1 + below
        if end - start <= min_frames:
            continue
        notes.append((int(start), int(end), int(key) + MIDI_OFFSET, float(np.mean(note[start:end, key]))))
    return notes


def decode_notes(note, onset, *, onset_threshold=0.5, frame_threshold=0.3, min_note_length=0.1277,
                 infer_onsets=True, melodia_trick=True, energy_tolerance=11):
    """Note events from the note and onset posteriorgrams, by Basic Pitch's decoding.

    1. Onsets: the onset posteriorgram (raised by the note posteriorgram's rises over one and two
       frames when ``infer_onsets``) at its strict local maxima in time, where they reach
       ``onset_threshold``.
    2. From each onset, latest first, a note of that key lasts while its note posterior stays
       at least ``frame_threshold``; it ends after ``energy_tolerance`` frames in a row below it
       (the end is the last frame above). A note longer than ``min_note_length`` is kept, and
       its frames (with the two neighbouring keys') are removed from what is left to explain.
    3. The Melodia trick (``melodia_trick``): while a note posterior above ``frame_threshold``
       is left, a note grows forwards and backwards from the largest one by the same rule, and
       is kept if long enough.

    The amplitude of a note is its mean note posterior. This is the package's
    ``output_to_notes_polyphonic`` (``note_creation.py``): the same notes, frame for frame.

    Parameters
    ----------
    note, onset : numpy.ndarray
        Posteriorgrams of shape (n_frames, 88), as :func:`posteriorgrams` returns them.
    onset_threshold : float, optional
        Minimum onset posterior of a note's start, in (0, 1] (default 0.5).
    frame_threshold : float, optional
        Note posterior above which a note goes on, in (0, 1] (default 0.3).
    min_note_length : float, optional
        Seconds (default 0.1277, the package's 127.70 ms): notes of at most
        ``round(min_note_length · 22050 / 256)`` frames (11) are dropped.
    infer_onsets : bool, optional
        Add onsets where the note posteriorgram rises (default True).
    melodia_trick : bool, optional
        Make notes from the activations no onset explained (default True).
    energy_tolerance : int, optional
        Frames in a row below ``frame_threshold`` that end a note (default 11).

    Returns
    -------
    numpy.ndarray of :data:`NOTE_DTYPE`
        One record per note, sorted by onset then pitch: ``onset`` and ``offset`` in seconds
        (:func:`frame_times` of the first frame and of the frame after the last), ``pitch`` the
        MIDI number (21-108), ``amplitude`` in [0, 1].

    Raises
    ------
    TypeError, ValueError
        Posteriorgrams of another shape or dtype, or holding NaN; thresholds outside (0, 1];
        a negative length; a tolerance below 1.

    Notebook: 07_crepe
    """
    note = _check_posteriorgram(note, "note")
    onset = _check_posteriorgram(onset, "onset")
    if note.shape != onset.shape:
        raise ValueError(f"note and onset must have the same shape, got {note.shape} and {onset.shape}")
    onset_threshold = _checks.number(onset_threshold, "onset_threshold", minimum=0.0, maximum=1.0, open_minimum=True)
    frame_threshold = _checks.number(frame_threshold, "frame_threshold", minimum=0.0, maximum=1.0, open_minimum=True)
    min_note_length = _checks.number(min_note_length, "min_note_length", "s", minimum=0.0)
    energy_tolerance = _checks.positive_int(energy_tolerance, "energy_tolerance", "frames")
    min_frames = int(np.round(min_note_length * SR / HOP_LENGTH))
    found = _decode_frames(note, onset, onset_threshold, frame_threshold, min_frames, bool(infer_onsets),
                           bool(melodia_trick), energy_tolerance)
    times = frame_times(note.shape[0])
    notes = np.array([(times[s], times[e], p, a) for s, e, p, a in found], dtype=NOTE_DTYPE)
    return np.sort(notes, order=["onset", "pitch", "offset"])


def transcribe(y, sr, *, onset_threshold=0.5, frame_threshold=0.3, min_note_length=0.1277, infer_onsets=True,
               melodia_trick=True, num_threads=1):
    """Notes of a recording by Basic Pitch: :func:`posteriorgrams`, then :func:`decode_notes`.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio, 1-D, floating point in [-1, 1].
    sr : int
        Its sampling rate in Hz (resampled to 22,050 Hz if different).
    onset_threshold, frame_threshold, min_note_length, infer_onsets, melodia_trick
        As :func:`decode_notes` (the package's defaults: 0.5, 0.3, 0.1277 s, True, True).
    num_threads : int or None, optional
        CPU threads of ONNX Runtime (default 1); None: ONNX Runtime's default.

    Returns
    -------
    numpy.ndarray of :data:`NOTE_DTYPE`
        ``onset`` (s), ``offset`` (s), ``pitch`` (MIDI), ``amplitude``, sorted by onset.

    Raises
    ------
    TypeError, ValueError, WeightsNotFoundError, ModuleNotFoundError
        As :func:`posteriorgrams` and :func:`decode_notes`.

    Examples
    --------
    >>> notes = transcribe(y, 22050)                             # doctest: +SKIP
    >>> notes["onset"], notes["pitch"]                           # doctest: +SKIP

    Notebook: (tooling, ``benchmarks.pretrained_speed``; chapter 07 calls its two steps, ``posteriorgrams`` and ``decode_notes``)
    """
    out = posteriorgrams(y, sr, num_threads=num_threads)
    return decode_notes(out["note"], out["onset"], onset_threshold=onset_threshold, frame_threshold=frame_threshold,
                        min_note_length=min_note_length, infer_onsets=infer_onsets, melodia_trick=melodia_trick)
