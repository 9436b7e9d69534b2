"""Sound event detection: frame targets, a small CRNN, its window baseline, post-processing, prediction.

A detector answers *which* sound is active *when*. It outputs, for every frame of a log-mel
spectrogram and every class, a score in [0, 1]; post-processing (a threshold and a median
filter) turns the scores into events ``(onset, offset, label)``. This module holds:

- :func:`log_mel` (the features) and :func:`frame_targets` (strong labels as a frame-by-class
  matrix; the frame timing is :func:`course_lib.evaluation.detection.frame_boundaries`);
- :func:`crnn`, the convolutional recurrent network of Çakır et al. (2017) in small: conv blocks
  that pool only along frequency (so every frame keeps its own output), a bidirectional GRU, and
  a sigmoid per class and frame;
- the baseline: a window classifier (:func:`window_cnn`: the CRNN's convolution blocks, an average
  over the window's frames instead of the GRU, and the same sigmoid per class) on 1 s windows,
  trained on multi-label window targets and slid over the soundscape (:func:`windows`,
  :func:`window_targets`, :func:`windows_to_frames`);
- :func:`scores_to_events` (post-processing: the median filter of
  :func:`course_lib.evaluation.detection.median_filter`, a threshold, runs of active frames) and
  :func:`predict` (frame scores of either model).

The scores (event F1, segment F1, PSDS) are in :mod:`course_lib.evaluation.detection`; the
chapter's study (training, cached models and results) is :mod:`course_lib.experiments.detection`.
Used by ``09_detection_localization``. TensorFlow/Keras are imported only inside the functions
that need them. Layer 4: imports the core, ``evaluation.detection`` and ``training``.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..evaluation.detection import frame_boundaries, median_filter
from . import training

# teaching.widgets.detection_explorer calls seld.event_f1 and seld.segment_f1: remove this import once it
# calls course_lib.evaluation.detection, where the scores live now.

__all__ = [
    "SR", "N_FFT", "HOP_LENGTH", "N_MELS", "FMAX", "WINDOW_FRAMES", "WINDOW_HOP", "WINDOW_COVER",
    "log_mel", "frame_boundaries", "frame_targets", "crnn", "window_cnn", "median_filter", "scores_to_events",
    "windows", "window_targets", "windows_to_frames", "predict",
]

SR = 16000
N_FFT = 2048
HOP_LENGTH = 1024  # 64 ms frames: 157 per 10 s
N_MELS = 64
FMAX = 8000.0
WINDOW_FRAMES = 16  # the baseline's 1 s windows (16 frames of 64 ms)
WINDOW_HOP = 4  # and their hop (0.256 s)
WINDOW_COVER = 0.25  # a class is on in a window where it covers at least this share of its frames


def log_mel(clips, sr=SR) -> np.ndarray:
    """Log-mel spectrograms (dB) of equal-length clips: 64 bands up to 8 kHz, 64 ms hop.

    Parameters
    ----------
    clips : sequence of 1-D arrays
        Mono clips of the same length.
    sr : int
        Sample rate (Hz).

    Returns
    -------
    ndarray of float32, shape (n, frames, 64, 1)
        :func:`course_lib.training.log_mel_batch` with n_fft 2048, hop 1024 (128 and 64 ms), fmax 8 kHz.

    Notebook: 09_detection_localization
    """
    return training.log_mel_batch(clips, sr, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=N_MELS, fmax=FMAX)


def frame_targets(events, class_names, n_frames, *, sr=SR, hop_length=HOP_LENGTH) -> np.ndarray:
    """Strong labels as frame targets: 1 where a frame's centre lies inside an event of the class.

    Parameters
    ----------
    events : sequence of (onset, offset, label)
        Events in seconds.
    class_names : sequence of str
        Column order.
    n_frames : int
        Frames of the clip.
    sr, hop_length : int
        Sample rate (Hz) and hop (samples): frame ``k`` is centred at ``k·hop_length/sr`` s.

    Returns
    -------
    ndarray of float32, shape (n_frames, n_classes)

    Raises
    ------
    ValueError
        A label not in ``class_names`` or an event with offset < onset.

    Notebook: 09_detection_localization
    """
    names = list(class_names)
    n_frames = _checks.positive_int(n_frames, "n_frames", what="frames")
    centres = np.arange(n_frames) * _checks.positive_int(hop_length, "hop_length", what="samples") / _checks.sample_rate(sr)
    y = np.zeros((n_frames, len(names)), dtype=np.float32)
    for onset, offset, label in events:
        if label not in names:
            raise ValueError(f"events: label {label!r} is not one of class_names {names}")
        if offset < onset:
            raise ValueError(f"events: offset {offset} s is before onset {onset} s")
        y[(centres >= onset) & (centres < offset), names.index(label)] = 1.0
    return y


def crnn(n_mels=N_MELS, n_classes=5, *, filters=(16, 32, 64), pools=(4, 4, 4), gru_units=32, dropout=0.2, name="crnn",
         n_frames=None):
    """A small convolutional recurrent network with one sigmoid per class and frame (Çakır et al. 2017).

    Each conv block is a 3×3 'same' convolution, batch normalisation, ReLU and max pooling over
    *frequency only* (``pool`` bands into one), so the time axis keeps every frame; after the
    blocks the remaining bands × filters of each frame form a vector, a bidirectional GRU reads
    the sequence of vectors both ways, and a dense sigmoid layer gives each class's score per
    frame. Any number of frames fits.

    Parameters
    ----------
    n_mels : int
        Mel bands of the input.
    n_classes : int
        Classes (outputs per frame).
    filters, pools : sequences of int, same length
        Filters and frequency pooling of each block.
    gru_units : int
        Units of each GRU direction.
    dropout : float
        Dropout after the conv blocks and after the GRU, in [0, 1).
    name : str
    n_frames : int, optional
        Fix the number of frames of the input (default None: any).

    Returns
    -------
    keras.Model
        Input ``(frames, n_mels, 1)``, output ``(frames, n_classes)`` in [0, 1]; uncompiled.

    Notebook: 09_detection_localization
    """
    import keras
    from keras import layers

    n_mels = _checks.positive_int(n_mels, "n_mels", what="bands")
    n_classes = _checks.positive_int(n_classes, "n_classes", what="classes")
    gru_units = _checks.positive_int(gru_units, "gru_units", what="units")
    dropout = _checks.number(dropout, "dropout", minimum=0.0, maximum=0.99)
    inputs = keras.Input(shape=(n_frames, n_mels, 1), name="log_mel")
    x = _conv_blocks(inputs, n_mels, filters, pools, dropout)
    x = layers.Bidirectional(layers.GRU(gru_units, return_sequences=True), name="bigru")(x)
    x = layers.Dropout(dropout, name="dropout_gru")(x)
    outputs = layers.Dense(n_classes, activation="sigmoid", name="classes")(x)
    return keras.Model(inputs, outputs, name=name)


def _conv_blocks(inputs, n_mels, filters, pools, dropout):
    """The CRNN's convolution blocks (pooling along frequency only), then one vector per frame, then dropout."""
    from keras import layers

    if len(filters) != len(pools):
        raise ValueError(f"filters and pools must have the same length, got {len(filters)} and {len(pools)}")
    bands = n_mels
    for p in pools:
        bands //= _checks.positive_int(p, "pools", what="bands")
    if bands < 1:
        raise ValueError(f"pools {tuple(pools)} pool {n_mels} bands below one band")
    x = inputs
    for i, (f, p) in enumerate(zip(filters, pools), start=1):
        x = layers.Conv2D(_checks.positive_int(f, f"filters[{i - 1}]", what="filters"), 3, padding="same",
                          use_bias=False, name=f"conv{i}")(x)
        x = layers.BatchNormalization(name=f"bn{i}")(x)
        x = layers.Activation("relu", name=f"relu{i}")(x)
        x = layers.MaxPooling2D((1, p), name=f"pool{i}")(x)
    x = layers.Reshape((-1, bands * filters[-1]), name="frames")(x)
    return layers.Dropout(dropout, name="dropout_conv")(x)


def window_cnn(n_classes=5, *, n_mels=N_MELS, filters=(16, 32, 64), pools=(4, 4, 4), dropout=0.2, name="window_cnn",
               window_frames=WINDOW_FRAMES):
    """The baseline: the CRNN without its recurrent layer, on 1 s windows, one sigmoid per class.

    The same convolution blocks as :func:`crnn` (3×3 convolutions, batch normalisation, ReLU,
    pooling along frequency only) give one vector per frame of the window; instead of a GRU
    reading them in order, their **average** over the window's frames (no sequence modelling:
    the order of the frames inside the window is lost, and nothing outside the window is seen)
    goes to a dense layer with one **sigmoid** per class, so several classes may be on in one
    window (overlapping events), as in the CRNN. Trained with binary cross-entropy on
    :func:`window_targets`.

    Parameters
    ----------
    n_classes : int
        Event classes (outputs).
    n_mels : int
        Mel bands of the input.
    filters, pools : sequences of int, same length
        As in :func:`crnn`.
    dropout : float
        Dropout after the conv blocks, in [0, 1).
    name : str
    window_frames : int
        Frames of a window (default 16: 1.024 s).

    Returns
    -------
    keras.Model
        Input ``(window_frames, n_mels, 1)``, output ``(n_classes,)`` in [0, 1]; uncompiled.

    Notebook: 09_detection_localization (via ``course_lib.experiments.detection.load_models``)
    """
    import keras
    from keras import layers

    n_mels = _checks.positive_int(n_mels, "n_mels", what="bands")
    n_classes = _checks.positive_int(n_classes, "n_classes", what="classes")
    window_frames = _checks.positive_int(window_frames, "window_frames", what="frames")
    dropout = _checks.number(dropout, "dropout", minimum=0.0, maximum=0.99)
    inputs = keras.Input(shape=(window_frames, n_mels, 1), name="log_mel")
    x = _conv_blocks(inputs, n_mels, filters, pools, dropout)
    x = layers.GlobalAveragePooling1D(name="window_average")(x)
    outputs = layers.Dense(n_classes, activation="sigmoid", name="classes")(x)
    return keras.Model(inputs, outputs, name=name)


def scores_to_events(scores, class_names, threshold=0.5, median_frames=1, *, sr=SR, hop_length=HOP_LENGTH) -> list:
    """Post-process frame scores into events: median filter, threshold, runs of active frames.

    Parameters
    ----------
    scores : array_like, shape (frames, n_classes)
        Scores in [0, 1].
    class_names : sequence of str
        Name of each column.
    threshold : float
        A frame is active where its (filtered) score is >= ``threshold``.
    median_frames : int
        Median filter length (frames, odd; :func:`median_filter`).
    sr, hop_length : int
        Frame timing (:func:`frame_boundaries`).

    Returns
    -------
    list of (onset, offset, label)
        In seconds (rounded to 1 ms), sorted by onset, then label.

    Notebook: 09_detection_localization
    """
    s = median_filter(scores, median_frames)
    names = list(class_names)
    if s.shape[1] != len(names):
        raise ValueError(f"scores has {s.shape[1]} columns but class_names {len(names)} names")
    threshold = _checks.number(threshold, "threshold")
    b = frame_boundaries(s.shape[0], sr=sr, hop_length=hop_length)
    events = []
    for c, name in enumerate(names):
        active = np.concatenate([[0], (s[:, c] >= threshold).astype(np.int8), [0]])
        edges = np.diff(active)
        for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            events.append((round(float(b[start]), 3), round(float(b[end]), 3), name))
    events.sort(key=lambda e: (e[0], e[2]))
    return events


def windows(x, *, size=WINDOW_FRAMES, hop=WINDOW_HOP) -> np.ndarray:
    """Cut feature sequences into overlapping windows (the baseline's "clips").

    Parameters
    ----------
    x : ndarray, shape (n, frames, ...)
    size, hop : int
        Window length and hop (frames).

    Returns
    -------
    ndarray, shape (n · n_windows, size, ...)
        Windows of clip 0 first; ``n_windows = 1 + (frames − size) // hop``.

    Notebook: 09_detection_localization
    """
    x = np.asarray(x)
    size = _checks.positive_int(size, "size", what="frames")
    hop = _checks.positive_int(hop, "hop", what="frames")
    if x.ndim < 2 or x.shape[1] < size:
        raise ValueError(f"x must be (n, frames, ...) with at least size={size} frames, got shape {x.shape}")
    starts = range(0, x.shape[1] - size + 1, hop)
    return np.stack([x[:, s:s + size] for s in starts], axis=1).reshape(-1, size, *x.shape[2:])


def window_targets(targets, *, size=WINDOW_FRAMES, hop=WINDOW_HOP, min_cover=WINDOW_COVER) -> np.ndarray:
    """Multi-label window targets: 1 for every class active in at least ``min_cover`` of the window's frames.

    Each class is decided on its own, as the CRNN's frame targets are, so two overlapping events
    are both on in a window they share; an event that covers less than ``min_cover`` of every
    window (shorter than a quarter of a second at the defaults) is on in none.

    Parameters
    ----------
    targets : ndarray, shape (n, frames, n_classes)
        Frame targets (:func:`frame_targets`).
    size, hop : int
        As in :func:`windows`.
    min_cover : float
        Share of the window's frames, in (0, 1].

    Returns
    -------
    ndarray of float32, shape (n · n_windows, n_classes)
        Windows of clip 0 first, as :func:`windows` cuts them.

    Notebook: 09_detection_localization
    """
    targets = np.asarray(targets)
    if targets.ndim != 3:
        raise ValueError(f"targets must be (n, frames, n_classes), got shape {targets.shape}")
    min_cover = _checks.number(min_cover, "min_cover", minimum=0.0, maximum=1.0, open_minimum=True)
    cover = windows(targets, size=size, hop=hop).mean(axis=1)  # (n · n_windows, n_classes): share of frames active
    return (cover >= min_cover).astype(np.float32)


def windows_to_frames(window_scores, n_frames, *, size=WINDOW_FRAMES, hop=WINDOW_HOP) -> np.ndarray:
    """Spread window scores back over frames: each frame gets the mean of the windows that cover it.

    Parameters
    ----------
    window_scores : ndarray, shape (n_windows, n_classes)
        One clip's window outputs, in order.
    n_frames : int
        Frames of the clip.
    size, hop : int
        As in :func:`windows`.

    Returns
    -------
    ndarray, shape (n_frames, n_classes)
        Frames no window covers take the nearest covered frame's scores.

    Notebook: 09_detection_localization (via ``predict``)
    """
    w = np.asarray(window_scores, dtype=np.float64)
    total = np.zeros((n_frames, w.shape[1]))
    count = np.zeros((n_frames, 1))
    for k, row in enumerate(w):
        total[k * hop:k * hop + size] += row
        count[k * hop:k * hop + size] += 1
    covered = np.flatnonzero(count[:, 0])
    nearest = covered[np.clip(np.searchsorted(covered, np.arange(n_frames)), 0, covered.size - 1)]
    return total[nearest] / count[nearest]


def predict(kind, model, x) -> list:
    """Frame scores of each clip: the CRNN's outputs, or the window classifier's spread over frames.

    Parameters
    ----------
    kind : {"crnn", "baseline"}
    model : keras.Model
    x : ndarray, shape (n, frames, n_mels, 1)
        Standardised features.

    Returns
    -------
    list of ndarray (frames, n_classes)

    Notebook: 09_detection_localization
    """
    kind = _checks.choice(kind, "kind", ("crnn", "baseline"))

    def run(batch, size):  # called eagerly: one model after another retraces no tf.function
        return np.concatenate([np.asarray(model(batch[i:i + size], training=False), dtype=np.float64)
                               for i in range(0, len(batch), size)])

    x = np.asarray(x, dtype=np.float32)
    if kind == "crnn":
        return list(run(x, 32))
    n, n_frames = x.shape[:2]
    p = run(windows(x), 512)
    return [windows_to_frames(w, n_frames) for w in p.reshape(n, -1, p.shape[-1])]
