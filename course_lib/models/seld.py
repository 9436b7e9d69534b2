"""Sound event detection: frame targets, a small CRNN, post-processing and the DCASE metrics.

A detector answers *which* sound is active *when*. It outputs, for every frame of a log-mel
spectrogram and every class, a score in [0, 1]; post-processing (a threshold and a median
filter) turns the scores into events ``(onset, offset, label)``. This module holds:

- :func:`log_mel` (the features) and :func:`frame_boundaries`, :func:`frame_targets` (strong
  labels as a frame-by-class matrix);
- :func:`crnn`, the convolutional recurrent network of Çakır et al. (2017) in small: conv blocks
  that pool only along frequency (so every frame keeps its own output), a bidirectional GRU, and
  a sigmoid per class and frame; :func:`fit_crnn` trains it with binary cross-entropy;
- :func:`median_filter`, :func:`scores_to_events` (post-processing);
- :func:`event_f1`, :func:`segment_f1`, :func:`psds1` and :func:`evaluate`: collar-based F1,
  segment-based F1 and the polyphonic sound detection score, all computed by ``sed_scores_eval``
  (Ebbers et al. 2022) from the frame scores;
- the baseline: a clip classifier (:func:`course_lib.training.small_cnn`) trained on 1 s windows
  and slid over the soundscape (:func:`windows`, :func:`window_labels`, :func:`windows_to_frames`);
- :func:`train` and the command ``python -m course_lib.seld train``, which remakes the cached
  models and results in ``data/``.

Used by ``09_detection_localization``. TensorFlow/Keras are imported only inside the functions
that need them.
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from pathlib import Path

import numpy as np

from .. import _checks
from ..datasets import assets
from . import training

__all__ = [
    "SR", "N_FFT", "HOP_LENGTH", "N_MELS", "FMAX", "WINDOW_FRAMES", "WINDOW_HOP", "CONFIG",
    "log_mel", "frame_boundaries", "frame_targets", "crnn", "fit_crnn", "median_filter", "scores_to_events",
    "score_tables", "event_f1", "segment_f1", "psds1", "evaluate", "windows", "window_labels",
    "windows_to_frames", "build_sets", "predict", "train", "load_models", "main",
]

SR = 16000
N_FFT = 2048
HOP_LENGTH = 1024  # 64 ms frames: 157 per 10 s
N_MELS = 64
FMAX = 8000.0
WINDOW_FRAMES = 16  # the baseline's 1 s windows (16 frames of 64 ms)
WINDOW_HOP = 4  # and their hop (0.256 s)
#: Settings of the cached experiment (``python -m course_lib.seld train``).
CONFIG = dict(n_train=200, n_test=60, duration=10.0, set_seed=0, seeds=[0, 1, 2], epochs=25, batch_size=8,
              learning_rate=3e-3, baseline_epochs=6, threshold=0.5, median_frames=7, collar=0.2, segment_length=1.0)


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


def frame_boundaries(n_frames, sr=SR, hop_length=HOP_LENGTH) -> np.ndarray:
    """Start and end times of the frames: frame ``k`` (centred at ``k·hop/sr``) covers ``[(k − ½)Δ, (k + ½)Δ)``.

    The first frame starts at 0 s (not −Δ/2), so ``n_frames`` frames give ``n_frames + 1``
    boundaries, the form ``sed_scores_eval`` takes as timestamps.

    Parameters
    ----------
    n_frames : int
        Number of frames.
    sr : int
        Sample rate (Hz).
    hop_length : int
        Hop between frames (samples); Δ = hop_length / sr seconds.

    Returns
    -------
    ndarray of float, shape (n_frames + 1,)
        Boundaries in seconds.

    Notebook: 09_detection_localization
    """
    n_frames = _checks.positive_int(n_frames, "n_frames", what="frames")
    delta = _checks.positive_int(hop_length, "hop_length", what="samples") / _checks.sample_rate(sr)
    b = (np.arange(n_frames + 1) - 0.5) * delta
    b[0] = 0.0
    return b


def frame_targets(events, class_names, n_frames, sr=SR, hop_length=HOP_LENGTH) -> np.ndarray:
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


def crnn(n_mels=N_MELS, n_classes=5, filters=(16, 32, 64), pools=(4, 4, 4), gru_units=32, dropout=0.2, name="crnn",
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
    if len(filters) != len(pools):
        raise ValueError(f"filters and pools must have the same length, got {len(filters)} and {len(pools)}")
    bands = n_mels
    for p in pools:
        bands //= _checks.positive_int(p, "pools", what="bands")
    if bands < 1:
        raise ValueError(f"pools {tuple(pools)} pool {n_mels} bands below one band")
    inputs = keras.Input(shape=(n_frames, n_mels, 1), name="log_mel")
    x = inputs
    for i, (f, p) in enumerate(zip(filters, pools), start=1):
        x = layers.Conv2D(_checks.positive_int(f, f"filters[{i - 1}]", what="filters"), 3, padding="same",
                          use_bias=False, name=f"conv{i}")(x)
        x = layers.BatchNormalization(name=f"bn{i}")(x)
        x = layers.Activation("relu", name=f"relu{i}")(x)
        x = layers.MaxPooling2D((1, p), name=f"pool{i}")(x)
    x = layers.Reshape((-1, bands * filters[-1]), name="frames")(x)
    x = layers.Dropout(dropout, name="dropout_conv")(x)
    x = layers.Bidirectional(layers.GRU(gru_units, return_sequences=True), name="bigru")(x)
    x = layers.Dropout(dropout, name="dropout_gru")(x)
    outputs = layers.Dense(n_classes, activation="sigmoid", name="classes")(x)
    return keras.Model(inputs, outputs, name=name)


def fit_crnn(x_train, y_train, seed=0, epochs=25, batch_size=8, learning_rate=3e-3, n_classes=None):
    """Train a fresh :func:`crnn` with Adam and frame-wise binary cross-entropy, deterministically.

    Parameters
    ----------
    x_train : ndarray, shape (n, frames, n_mels, 1)
        Standardised features.
    y_train : ndarray, shape (n, frames, n_classes)
        Frame targets (:func:`frame_targets`).
    seed : int
        Seeds weights, shuffling and dropout (:func:`course_lib.training.set_seed`).
    epochs, batch_size : int
    learning_rate : float
        Adam's step size.
    n_classes : int, optional
        Default: ``y_train.shape[-1]``.

    Returns
    -------
    (model, history) : (keras.Model, dict)
        ``history["loss"]``: training loss after each epoch.

    Notebook: 09_detection_localization
    """
    import keras

    x_train, y_train = np.asarray(x_train, dtype=np.float32), np.asarray(y_train, dtype=np.float32)
    if x_train.ndim != 4 or y_train.ndim != 3 or x_train.shape[:2] != y_train.shape[:2]:
        raise ValueError(f"x_train must be (n, frames, bands, 1) and y_train (n, frames, classes) with the same n and "
                         f"frames, got {x_train.shape} and {y_train.shape}")
    epochs = _checks.positive_int(epochs, "epochs", what="epochs")
    training.set_seed(seed)
    model = crnn(n_mels=x_train.shape[2], n_classes=n_classes or y_train.shape[-1])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    h = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return model, {"loss": [float(v) for v in h.history["loss"]]}


def median_filter(scores, size) -> np.ndarray:
    """Median-filter each class's frame scores along time (``scipy.ndimage.median_filter``).

    A median over ``size`` frames removes detections and gaps shorter than about half of it.
    Median filtering commutes with thresholding (both are monotone), so filtering the scores
    and then thresholding gives the same events as thresholding and filtering the decisions.

    Parameters
    ----------
    scores : array_like, shape (frames, n_classes)
    size : int
        Odd filter length (frames); 1 leaves the scores as they are.

    Returns
    -------
    ndarray of float, same shape

    Raises
    ------
    ValueError
        ``size`` not a positive odd int, or ``scores`` not 2-D.

    Notebook: 09_detection_localization
    """
    from scipy import ndimage

    s = _checks.real_array(scores, "scores")
    if s.ndim != 2:
        raise ValueError(f"scores must be (frames, n_classes), got shape {s.shape}")
    size = _checks.positive_int(size, "size", what="frames")
    if size % 2 == 0:
        raise ValueError(f"size must be odd (a median has a middle frame), got {size}")
    return ndimage.median_filter(s, size=(size, 1), mode="nearest") if size > 1 else s.copy()


def scores_to_events(scores, class_names, threshold=0.5, median_frames=1, sr=SR, hop_length=HOP_LENGTH) -> list:
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
    b = frame_boundaries(s.shape[0], sr, hop_length)
    events = []
    for c, name in enumerate(names):
        active = np.concatenate([[0], (s[:, c] >= threshold).astype(np.int8), [0]])
        edges = np.diff(active)
        for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            events.append((round(float(b[start]), 3), round(float(b[end]), 3), name))
    events.sort(key=lambda e: (e[0], e[2]))
    return events


def score_tables(scores, class_names, ids=None, sr=SR, hop_length=HOP_LENGTH) -> dict:
    """Frame scores as ``sed_scores_eval``'s tables: one DataFrame (onset, offset, one column per class) per clip.

    Parameters
    ----------
    scores : sequence of arrays (frames, n_classes)
    class_names : sequence of str
    ids : sequence of str, optional
        Clip names (default ``"0"``, ``"1"``, ...).
    sr, hop_length : int
        Frame timing (:func:`frame_boundaries`).

    Returns
    -------
    dict of str to pandas.DataFrame

    Notebook: 09_detection_localization
    """
    from sed_scores_eval.base_modules.scores import create_score_dataframe

    frame = _score_frame_class()
    ids = [str(i) for i in range(len(scores))] if ids is None else [str(i) for i in ids]
    if len(ids) != len(scores):
        raise ValueError(f"ids must name every clip: {len(ids)} ids for {len(scores)} clips")
    return {i: frame(create_score_dataframe(np.asarray(s, dtype=np.float64), frame_boundaries(len(s), sr, hop_length),
                                            list(class_names))) for i, s in zip(ids, scores)}


@functools.cache
def _score_frame_class():
    """A DataFrame whose ``to_numpy`` returns a writable copy.

    Under pandas 3's copy-on-write, ``to_numpy`` returns a read-only view, which
    sed_scores_eval 0.0.4's Cython code rejects ("buffer source array is read-only"); fixed
    upstream after that release (fgnt/sed_scores_eval pull request 17).
    """
    import pandas as pd

    class ScoreFrame(pd.DataFrame):
        @property
        def _constructor(self):
            return ScoreFrame

        def to_numpy(self, *args, **kwargs):
            return np.array(super().to_numpy(*args, **kwargs))

    return ScoreFrame


def _sse():
    with warnings.catch_warnings():  # dcase_util, imported by sed_scores_eval, warns about pkg_resources
        warnings.simplefilter("ignore")
        import sed_scores_eval
    return sed_scores_eval


def _ground_truth(references) -> dict:
    return {str(i): [(float(a), float(b), str(c)) for a, b, c in ev] for i, ev in enumerate(references)}


def _tables(scores, class_names, median_frames, references):
    """Score tables of the classes that have reference events (sed_scores_eval needs one per class)."""
    names = list(class_names)
    present = [c for c in names if any(lab == c for ref in references for _, _, lab in ref)]
    if not present:
        raise ValueError("references hold no event of any class in class_names: there is nothing to detect")
    cols = [names.index(c) for c in present]
    return score_tables([median_filter(s, median_frames)[:, cols] for s in scores], present)


def event_f1(scores, references, class_names, threshold=0.5, median_frames=1, collar=0.2, offset_collar_rate=0.2):
    """Event-based (collar-based) macro F1 of thresholded, median-filtered scores (``sed_scores_eval``).

    A detected event matches a reference event of the same class when its onset is within
    ``collar`` of the reference onset and its offset within ``max(collar, offset_collar_rate ·
    reference length)`` of the reference offset (Mesaros et al. 2016; DCASE's 200 ms and 20 %).

    Parameters
    ----------
    scores : sequence of arrays (frames, n_classes)
        Frame scores of each clip.
    references : sequence of lists of (onset, offset, label)
        Reference events of each clip (s).
    class_names : sequence of str
    threshold : float
        Decision threshold.
    median_frames : int
        Median filter (frames, odd) applied to the scores first.
    collar : float
        Onset (and least offset) collar (s).
    offset_collar_rate : float
        Offset collar as a share of the reference length.

    Returns
    -------
    float
        F1 averaged over the classes that have reference events (macro); ``sed_scores_eval``
        cannot score a class without any, so such a class's false alarms are not counted.

    Notebook: 09_detection_localization
    """
    sse = _sse()
    collar = _checks.number(collar, "collar", "s", minimum=0.0)
    f, *_ = sse.collar_based.fscore(_tables(scores, class_names, median_frames, references), _ground_truth(references),
                                   threshold=float(threshold), onset_collar=collar, offset_collar=collar,
                                   offset_collar_rate=float(offset_collar_rate))
    return float(f["macro_average"])


def segment_f1(scores, references, class_names, threshold=0.5, median_frames=1, segment_length=1.0):
    """Segment-based macro F1 (``sed_scores_eval``): is each class active in each 1 s segment?

    Parameters
    ----------
    scores, references, class_names, threshold, median_frames
        As in :func:`event_f1`.
    segment_length : float
        Segment length (s).

    Returns
    -------
    float
        F1 averaged over classes (macro).

    Notebook: 09_detection_localization
    """
    sse = _sse()
    durations = {str(i): float(frame_boundaries(len(s))[-1]) for i, s in enumerate(scores)}
    f, *_ = sse.segment_based.fscore(_tables(scores, class_names, median_frames, references), _ground_truth(references), durations,
                                    threshold=float(threshold),
                                    segment_length=_checks.positive(segment_length, "segment_length", "s"))
    return float(f["macro_average"])


def psds1(scores, references, class_names, median_frames=1):
    """PSDS in DCASE's scenario 1 (2021 onwards), from the scores over all thresholds (``sed_scores_eval``).

    Settings: detection tolerance criterion 0.7, ground-truth intersection criterion 0.7, no
    cross-trigger criterion, α_ST = 1, α_CT = 0, at most 100 false positives per hour (Bilen et
    al. 2020). The area under the PSD-ROC curve, normalised to [0, 1].

    Parameters
    ----------
    scores, references, class_names, median_frames
        As in :func:`event_f1`.

    Returns
    -------
    float

    Notebook: 09_detection_localization
    """
    sse = _sse()
    durations = {str(i): float(frame_boundaries(len(s))[-1]) for i, s in enumerate(scores)}
    value, *_ = sse.intersection_based.psds(_tables(scores, class_names, median_frames, references), _ground_truth(references),
                                           durations, dtc_threshold=0.7, gtc_threshold=0.7, cttc_threshold=None,
                                           alpha_ct=0.0, alpha_st=1.0, max_efpr=100.0)
    return float(value)


def evaluate(scores, references, class_names, threshold=0.5, median_frames=7, collar=0.2, segment_length=1.0) -> dict:
    """The three numbers DCASE reports: event F1, segment F1 and PSDS (scenario 1), rounded to 4 decimals.

    Parameters
    ----------
    scores, references, class_names, threshold, median_frames, collar, segment_length
        As in :func:`event_f1`, :func:`segment_f1` and :func:`psds1` (the median filter applies to all three).

    Returns
    -------
    dict
        ``event_f1``, ``segment_f1``, ``psds1``.

    Notebook: 09_detection_localization
    """
    return dict(event_f1=round(event_f1(scores, references, class_names, threshold, median_frames, collar), 4),
                segment_f1=round(segment_f1(scores, references, class_names, threshold, median_frames, segment_length), 4),
                psds1=round(psds1(scores, references, class_names, median_frames), 4))


def windows(x, size=WINDOW_FRAMES, hop=WINDOW_HOP) -> np.ndarray:
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


def window_labels(targets, size=WINDOW_FRAMES, hop=WINDOW_HOP) -> np.ndarray:
    """A weak label per window: the class active in most of its frames, or "no event" (index n_classes).

    Parameters
    ----------
    targets : ndarray, shape (n, frames, n_classes)
        Frame targets (:func:`frame_targets`).
    size, hop : int
        As in :func:`windows`.

    Returns
    -------
    ndarray of int, shape (n · n_windows,)
        A class index, or ``n_classes`` where no class covers at least a quarter of the window.

    Notebook: 09_detection_localization
    """
    cover = windows(targets, size, hop).mean(axis=1)  # (n_windows, n_classes): share of frames active
    return np.where(cover.max(axis=1) >= 0.25, cover.argmax(axis=1), cover.shape[1]).astype(np.int64)


def windows_to_frames(window_scores, n_frames, size=WINDOW_FRAMES, hop=WINDOW_HOP) -> np.ndarray:
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


def build_sets(config=None):
    """The cached experiment's data: training and test soundscapes, features and targets.

    Parameters
    ----------
    config : dict, optional
        Default :data:`CONFIG`.

    Returns
    -------
    dict
        ``train``, ``test`` (lists of :class:`course_lib.soundscapes.Soundscape`), ``x_train``,
        ``x_test`` (standardised log-mel, (n, frames, 64, 1)), ``y_train``, ``y_test`` (frame targets),
        ``classes``, and ``mean`` and ``std`` (dB) of the training features, to standardise more
        clips the same way: ``(log_mel(clips) - mean) / std``.

    Notebook: 09_detection_localization
    """
    from ..datasets import soundscapes

    cfg = dict(CONFIG, **(config or {}))
    train_set = soundscapes.make_set("train", cfg["n_train"], SR, cfg["duration"], seed=cfg["set_seed"])
    test_set = soundscapes.make_set("test", cfg["n_test"], SR, cfg["duration"], seed=cfg["set_seed"])
    classes = list(soundscapes.EVENT_CLASSES)
    raw = log_mel([s.audio for s in train_set])
    x_train, x_test = training.standardize(raw, log_mel([s.audio for s in test_set]))
    n_frames = x_train.shape[1]
    y_train = np.stack([frame_targets(s.events, classes, n_frames) for s in train_set])
    y_test = np.stack([frame_targets(s.events, classes, n_frames) for s in test_set])
    return dict(train=train_set, test=test_set, x_train=x_train, x_test=x_test, y_train=y_train, y_test=y_test,
                classes=classes, mean=float(raw.mean()), std=float(raw.std()))


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
    per_clip = p.reshape(n, -1, p.shape[-1])[..., :-1]  # drop the "no event" column
    return [windows_to_frames(w, n_frames) for w in per_clip]


def _paths(data_dir):
    data_dir = assets.data_dir() if data_dir is None else Path(data_dir)
    return (data_dir / "seld_results.json",
            lambda kind, seed: data_dir / f"seld_{kind}_seed{seed}.weights.h5")


def _baseline_model(n_classes):
    return training.small_cnn((WINDOW_FRAMES, N_MELS, 1), n_classes + 1, filters=(16, 32, 64), name="window_cnn")


def train(data_dir=None, config=None, progress=True) -> dict:
    """Remake the cached experiment: a CRNN and the window baseline per seed, their weights and test results.

    Writes ``seld_crnn_seed{s}.weights.h5``, ``seld_baseline_seed{s}.weights.h5`` and
    ``seld_results.json`` (settings, per-seed training history and test metrics) into ``data_dir``.

    Parameters
    ----------
    data_dir : str or Path, optional
        Where to write (default: the course's ``data/`` folder, :func:`course_lib.assets.data_dir`).
    config : dict, optional
        Overrides of :data:`CONFIG`.
    progress : bool
        Print a line per model.

    Returns
    -------
    dict
        The settings and runs written.

    Notebook: (tooling: ``python -m course_lib.seld train``)
    """
    import keras

    cfg = dict(CONFIG, **(config or {}))
    results_path, weights = _paths(data_dir)
    sets = build_sets(cfg)
    classes = sets["classes"]
    runs = []
    xw, yw = windows(sets["x_train"]), window_labels(sets["y_train"])

    def keep(kind, seed, model, history):
        model.save_weights(weights(kind, seed))
        metrics = evaluate(predict(kind, model, sets["x_test"]), [s.events for s in sets["test"]], classes,
                           cfg["threshold"], cfg["median_frames"], cfg["collar"], cfg["segment_length"])
        runs.append(dict(model=kind, seed=seed, history=history, **metrics))
        if progress:
            print(f"{kind} seed {seed}: {metrics}", flush=True)

    for seed in cfg["seeds"]:
        keep("crnn", seed, *fit_crnn(sets["x_train"], sets["y_train"], seed=seed, epochs=cfg["epochs"],
                                     batch_size=cfg["batch_size"], learning_rate=cfg["learning_rate"]))
        keep("baseline", seed, *training.fit(lambda: _baseline_model(len(classes)), xw, yw,
                                             epochs=cfg["baseline_epochs"], batch_size=64, seed=seed))
        keras.backend.clear_session()
    versions = {"keras": keras.__version__, "python": sys.version.split()[0]}
    training.save_results(results_path, runs, dict(cfg, classes=classes, versions=versions))
    return dict(config=cfg, runs=runs)


def load_models(kind, seeds=None, data_dir=None, n_classes=5) -> list:
    """The cached trained models of one kind, one per seed.

    Parameters
    ----------
    kind : {"crnn", "baseline"}
    seeds : sequence of int, optional
        Default: :data:`CONFIG`'s seeds.
    data_dir : str or Path, optional
        Where the weights are (default: :func:`course_lib.assets.data_dir`).
    n_classes : int
        Event classes.

    Returns
    -------
    list of keras.Model

    Raises
    ------
    FileNotFoundError
        A weights file is missing (the message names it and the command that remakes it).

    Notebook: 09_detection_localization
    """
    kind = _checks.choice(kind, "kind", ("crnn", "baseline"))
    _, weights = _paths(data_dir)
    models = []
    for seed in CONFIG["seeds"] if seeds is None else seeds:
        path = weights(kind, seed)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no cached weights; remake them with `python -m course_lib.seld train`")
        model = crnn(n_classes=n_classes) if kind == "crnn" else _baseline_model(n_classes)
        model.load_weights(path)
        models.append(model)
    return models


def main(argv=None) -> int:
    """``python -m course_lib.seld train [--data-dir DIR]``: remake the cached detection experiment.

    Notebook: (tooling)
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course_lib.seld", description=main.__doc__.splitlines()[0])
    parser.add_argument("command", choices=["train"])
    parser.add_argument("--data-dir", default=None, help="where to write (default: the course's data/ folder)")
    args = parser.parse_args(argv)
    result = train(args.data_dir)
    print(json.dumps([{k: r[k] for k in ("model", "seed", "event_f1", "segment_f1", "psds1")} for r in result["runs"]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
