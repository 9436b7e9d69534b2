"""A small network that tells the direction of a sound from an array's GCC-PHAT vectors.

GCC-PHAT + least squares (:mod:`course_lib.localization`) trusts one peak per microphone pair;
in a reverberant, noisy room the strongest peak is often a reflection's or the noise's. A
network sees the whole correlation of every pair at once and can learn which patterns of peaks
come from which direction. Here:

- :func:`gcc_features`: the GCC-PHAT correlation of each of the array's pairs over the lags a
  plane wave can produce (±d/c plus a margin), each scaled to a peak of 1: ``(n_pairs, n_lags)``;
- :func:`direction_mlp`: a multilayer perceptron from those vectors to the direction as
  ``(cos θ, sin θ)`` (a regression that has no wrap-around at 0°/360°), and
  :func:`targets_to_azimuth` back to degrees;
- :func:`make_training_set`: simulated rooms (random size, RT60 0.2–1.0 s, SNR −5–25 dB) with ESC-10
  clips of folds 1–4 over real backgrounds; the evaluation uses fold 5 and other backgrounds;
- :func:`remake` (``python -m course_lib.localization_net``): trains the network with three seeds and
  evaluates it with GCC-PHAT, SRP-PHAT and MUSIC over 3 RT60s × 3 SNRs; it writes
  ``data/doa_net.weights.h5`` (seed 0) and ``data/doa_results.json`` (settings, histories, every
  estimate).

Used by chapter ``09_detection_localization``. Layer 4: imports :mod:`course_lib._checks`,
:mod:`course_lib.corpora`, :mod:`course_lib.localization`, :mod:`course_lib.training` (seeding)
and :mod:`course_lib.assets`; Keras is imported inside the functions that need it.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

from .. import _checks
from ..dsp import localization

__all__ = ["SETTINGS", "gcc_features", "direction_mlp", "azimuth_to_targets", "targets_to_azimuth",
           "test_scenes", "make_training_set", "train", "predict_azimuth", "load_model", "remake", "main"]

#: The experiment's settings: the array, the sounds, the rooms, the training and the evaluation.
SETTINGS = {
    "sr": 16000,
    "duration": 0.5,
    "n_mics": 4,
    "radius": 0.05,
    "interp": 4,
    "max_order": 40,
    "train_rt60": (0.2, 1.0),
    "train_snr_db": (-5.0, 25.0),
    "train_noises": ("birds", "boat", "fireplace", "rain", "storm", "summer-night", "waves", "wind"),
    "test_noises": ("city", "coffee-shop"),
    "n_train_scenes": 400,
    "snrs_per_train_scene": 3,
    "rt60s": (0.2, 0.5, 0.9),
    "snrs_db": (20.0, 10.0, 0.0),
    "n_test_scenes": 20,
    "hidden": (128, 64),
    "epochs": 60,
    "batch_size": 32,
    "learning_rate": 1e-3,
    "seeds": (0, 1, 2),
    "methods": ("GCC-PHAT", "SRP", "MUSIC"),
}

WEIGHTS = "doa_net.weights.h5"
RESULTS = "doa_results.json"


def gcc_features(signals, sr, mic_positions, interp=4, c=localization.SPEED_OF_SOUND):
    """GCC-PHAT vectors of every microphone pair over the physically possible lags, peak-normalised.

    Each pair's correlation (:func:`course_lib.localization.gcc_phat`, upsampled ``interp`` times)
    is kept over ±(largest spacing / c) plus 2 lag steps, the same lags for every pair, and
    divided by its largest absolute value.

    Parameters
    ----------
    signals : array_like, shape (n_mics, n_samples)
        The array's recordings.
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m).
    interp : int, default 4
        Upsampling of the correlation.
    c : float
        Speed of sound (m/s).

    Returns
    -------
    ndarray of float32, shape (n_pairs, n_lags)
        Pairs in ``itertools.combinations`` order; 4 microphones on a 5 cm circle at 16 kHz with
        ``interp=4`` give 6 pairs × 43 lags.

    Notebook: 09_detection_localization
    """
    mics = np.asarray(mic_positions, dtype=np.float64)
    if mics.ndim != 2 or mics.shape[0] != 2 or mics.shape[1] < 2:
        raise ValueError(f"mic_positions must be (2, n_mics) in metres with n_mics >= 2, got shape {mics.shape}")
    x = _checks.audio(signals, "signals", ndim=2)
    if x.shape[0] != mics.shape[1]:
        raise ValueError(f"signals has {x.shape[0]} channels but mic_positions has {mics.shape[1]} microphones")
    sr = _checks.sample_rate(sr)
    interp = _checks.positive_int(interp, "interp", what="upsampling factor")
    c = _checks.positive(c, "c", "m/s")
    d_max = max(np.linalg.norm(mics[:, j] - mics[:, i]) for i, j in itertools.combinations(range(mics.shape[1]), 2))
    max_tau = (np.ceil(d_max / c * sr * interp) + 2) / (sr * interp)
    rows = []
    for i, j in itertools.combinations(range(mics.shape[1]), 2):
        cc = localization.gcc_phat(x[i], x[j], sr, max_tau=max_tau, interp=interp)[2]
        rows.append(cc / max(np.max(np.abs(cc)), 1e-12))
    return np.asarray(rows, dtype=np.float32)


def azimuth_to_targets(azimuth):
    """Azimuths (degrees) as regression targets ``(cos θ, sin θ)``.

    Parameters
    ----------
    azimuth : float or array_like, shape (n,)

    Returns
    -------
    ndarray of float32, shape (n, 2)

    Notebook: (tooling, the command that remakes data/doa_net.weights.h5)
    """
    a = np.deg2rad(np.atleast_1d(_checks.real_array(azimuth, "azimuth")))
    return np.stack([np.cos(a), np.sin(a)], axis=1).astype(np.float32)


def targets_to_azimuth(targets):
    """Network outputs ``(cos θ, sin θ)`` (any length) back to azimuths: ``atan2(sin, cos)`` in [0°, 360°).

    Parameters
    ----------
    targets : array_like, shape (n, 2)

    Returns
    -------
    ndarray of float64, shape (n,)

    Notebook: 09_detection_localization (via ``predict_azimuth``)
    """
    t = _checks.real_array(targets, "targets")
    if t.ndim != 2 or t.shape[1] != 2:
        raise ValueError(f"targets must be (n, 2): (cos θ, sin θ) per example, got shape {t.shape}")
    return np.rad2deg(np.arctan2(t[:, 1], t[:, 0])) % 360.0


def direction_mlp(n_pairs, n_lags, hidden=(128, 64), name="doa_mlp"):
    """A multilayer perceptron from GCC-PHAT vectors ``(n_pairs, n_lags)`` to ``(cos θ, sin θ)``.

    Flatten, then one ReLU ``Dense`` layer per entry of ``hidden``, then a linear ``Dense(2)``.

    Parameters
    ----------
    n_pairs, n_lags : int
        Shape of one example (:func:`gcc_features`).
    hidden : sequence of int
        Units of the hidden layers.
    name : str
        The model's name.

    Returns
    -------
    keras.Model
        Uncompiled; 4 mics (6 × 43 inputs) and ``hidden=(128, 64)`` give 41,538 parameters.

    Notebook: 09_detection_localization (via ``load_model``)
    """
    import keras
    from keras import layers

    n_pairs = _checks.positive_int(n_pairs, "n_pairs", what="microphone pairs")
    n_lags = _checks.positive_int(n_lags, "n_lags", what="lags")
    hidden = [_checks.positive_int(h, f"hidden[{i}]", what="units") for i, h in enumerate(hidden)]
    inputs = keras.Input(shape=(n_pairs, n_lags), name="gcc_phat")
    x = layers.Flatten()(inputs)
    for i, h in enumerate(hidden, start=1):
        x = layers.Dense(h, activation="relu", name=f"dense{i}")(x)
    outputs = layers.Dense(2, name="cos_sin")(x)
    return keras.Model(inputs, outputs, name=name)


def _sources(fold_filter, sr, duration):
    from ..datasets import corpora

    clips, labels, folds, names = corpora.load_esc10(sr)
    idx = [i for i in range(len(clips)) if fold_filter(folds[i])]
    return idx, [localization.source_segment(clips[i], sr, duration) for i in idx], [names[labels[i]] for i in idx]


def test_scenes(settings=None):
    """The evaluation's scenes: ESC-10 clips of fold 5 in random rooms (the same rooms at every RT60).

    Parameters
    ----------
    settings : dict or None
        :data:`SETTINGS` (None) or a copy with changes.

    Returns
    -------
    list of dict
        One per test source: a :func:`course_lib.localization.random_scene` (``rt60`` None) plus
        ``clip`` (index into ``load_esc10``'s clips) and ``label`` (class name).

    Notebook: (tooling, the command that remakes data/doa_results.json)
    """
    s = dict(SETTINGS if settings is None else settings)
    from ..datasets import corpora

    clips, labels, folds, names = corpora.load_esc10(s["sr"])
    candidates = np.flatnonzero(np.asarray(folds) == 5)
    gen = np.random.default_rng(2026)
    chosen = gen.choice(candidates, size=s["n_test_scenes"], replace=False)
    scenes = []
    for i in chosen:
        scene = localization.random_scene(gen)
        scene.update(clip=int(i), label=str(names[labels[i]]))
        scenes.append(scene)
    return scenes


def make_training_set(settings=None, seed=1):
    """GCC-PHAT features and true azimuths of simulated rooms with ESC-10 clips of folds 1–4.

    Each scene draws a clip, a room (:func:`course_lib.localization.random_scene`), an RT60 and,
    ``snrs_per_train_scene`` times, an SNR and a training background.

    Parameters
    ----------
    settings : dict or None
        :data:`SETTINGS` (None) or a copy with changes (``n_train_scenes`` sets the size).
    seed : int
        The randomness of the scenes.

    Returns
    -------
    (x, azimuth) : (ndarray float32 (n, n_pairs, n_lags), ndarray float64 (n,))

    Notebook: (tooling, the command that remakes data/doa_net.weights.h5)
    """
    from ..datasets import corpora

    s = dict(SETTINGS if settings is None else settings)
    sr = s["sr"]
    gen = _checks.rng(seed)
    mics = localization.circular_array(s["n_mics"], s["radius"])
    _, sources, _ = _sources(lambda f: f != 5, sr, s["duration"])
    noises = [corpora.load_background(n, sr) for n in s["train_noises"]]
    xs, az = [], []
    for _ in range(s["n_train_scenes"]):
        scene = localization.random_scene(gen, rt60=float(gen.uniform(*s["train_rt60"])))
        src = sources[int(gen.integers(len(sources)))]
        clean = localization.simulate_array(src, sr, mics, scene["azimuth"], scene["room_dim"], scene["center"],
                                            scene["distance"], scene["height"], scene["rt60"], s["max_order"])
        for _ in range(s["snrs_per_train_scene"]):
            noise = noises[int(gen.integers(len(noises)))]
            x = localization.add_diffuse_noise(clean, noise, float(gen.uniform(*s["train_snr_db"])), gen)
            xs.append(gcc_features(x, sr, mics, s["interp"]))
            az.append(scene["azimuth"])
    return np.asarray(xs), np.asarray(az)


def train(x, azimuth, seed=0, settings=None, validation=0.1):
    """Train :func:`direction_mlp` on features and azimuths (Adam, mean squared error on (cos θ, sin θ)).

    Parameters
    ----------
    x : ndarray, shape (n, n_pairs, n_lags)
        Features (:func:`gcc_features`).
    azimuth : array_like, shape (n,)
        True azimuths (degrees).
    seed : int
        Seeds the initial weights and the shuffling (:func:`course_lib.training.set_seed`).
    settings : dict or None
        :data:`SETTINGS` or a copy (``hidden``, ``epochs``, ``batch_size``, ``learning_rate``).
    validation : float
        Fraction of the examples (the last ones) held out to watch the loss.

    Returns
    -------
    (model, history) : (keras.Model, dict)
        ``history`` holds per-epoch ``loss``, ``val_loss`` and ``val_error_deg`` (mean absolute
        angular error on the held-out examples, degrees), lists of float.

    Notebook: (tooling, the command that remakes data/doa_net.weights.h5)
    """
    import keras

    from . import training

    s = dict(SETTINGS if settings is None else settings)
    x = np.asarray(x, dtype=np.float32)
    y = azimuth_to_targets(azimuth)
    if x.ndim != 3 or len(x) != len(y):
        raise ValueError(f"x must be (n, n_pairs, n_lags) with one azimuth per example, got {x.shape} and {len(y)}")
    n_val = int(round(len(x) * _checks.number(validation, "validation", minimum=0.0, maximum=0.5)))
    training.set_seed(seed)
    model = direction_mlp(x.shape[1], x.shape[2], s["hidden"])
    model.compile(optimizer=keras.optimizers.Adam(s["learning_rate"]), loss="mse")
    xt, yt, xv, yv = x[: len(x) - n_val], y[: len(x) - n_val], x[len(x) - n_val:], y[len(x) - n_val:]
    history = {"loss": [], "val_loss": [], "val_error_deg": []}

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            history["loss"].append(float(logs["loss"]))
            if n_val:
                p = self.model.predict(xv, verbose=0)
                history["val_loss"].append(float(np.mean((p - yv) ** 2)))
                err = localization.angular_error(targets_to_azimuth(p), targets_to_azimuth(yv))
                history["val_error_deg"].append(float(np.mean(err)))

    model.fit(xt, yt, epochs=s["epochs"], batch_size=s["batch_size"], shuffle=True, verbose=0, callbacks=[Watch()])
    return model, history


def predict_azimuth(model, signals, sr, mic_positions, interp=4):
    """The network's azimuth for one recording of the array (degrees, in [0, 360)).

    Parameters
    ----------
    model : keras.Model
        A trained :func:`direction_mlp`.
    signals : array_like, shape (n_mics, n_samples)
        The array's recordings.
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m), those the network was trained with.
    interp : int
        Upsampling of the correlations, as in training.

    Returns
    -------
    float

    Notebook: 09_detection_localization
    """
    f = gcc_features(signals, sr, mic_positions, interp)[None]
    return float(targets_to_azimuth(np.asarray(model(f, training=False)))[0])


def load_model(path=None, settings=None):
    """The cached direction network (``data/doa_net.weights.h5``), rebuilt and loaded.

    Parameters
    ----------
    path : str, Path or None
        The weights file; None: the course's copy in ``data/``.
    settings : dict or None
        :data:`SETTINGS` or the copy it was trained with.

    Returns
    -------
    keras.Model

    Notebook: 09_detection_localization
    """
    from ..datasets import assets

    s = dict(SETTINGS if settings is None else settings)
    path = assets.path(WEIGHTS) if path is None else Path(path)
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no direction network here; remake it with `python -m course_lib.localization_net`")
    n_pairs = s["n_mics"] * (s["n_mics"] - 1) // 2
    mics = localization.circular_array(s["n_mics"], s["radius"])
    n_lags = gcc_features(np.zeros((s["n_mics"], 64)) + np.eye(s["n_mics"], 64), s["sr"], mics, s["interp"]).shape[1]
    model = direction_mlp(n_pairs, n_lags, s["hidden"])
    model.load_weights(str(path))
    return model


def remake(out_dir, settings=None, log=print):
    """Train the direction network (every seed) and evaluate every method; write the cache.

    Parameters
    ----------
    out_dir : str or Path
        Folder for ``doa_net.weights.h5`` (seed 0's weights) and ``doa_results.json``.
    settings : dict or None
        :data:`SETTINGS` or a copy with changes (a quick run for the tests).
    log : callable
        Progress messages.

    Returns
    -------
    Path
        The results file.

    Notebook: (tooling, the command that remakes data/doa_net.weights.h5 and data/doa_results.json)
    """
    import keras
    import pyroomacoustics as pra

    from ..datasets import corpora
    from . import training

    s = dict(SETTINGS if settings is None else settings)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sr = s["sr"]
    mics = localization.circular_array(s["n_mics"], s["radius"])
    log(f"simulating {s['n_train_scenes']} training rooms ...")
    x, az = make_training_set(s)
    runs, models = [], {}
    for seed in s["seeds"]:
        model, history = train(x, az, seed, s)
        models[seed] = model
        runs.append({"kind": "training", "seed": seed, "history": history})
        log(f"seed {seed}: held-out error {history['val_error_deg'][-1]:.1f}°")
    model0 = models[s["seeds"][0]]
    model0.save_weights(str(out_dir / WEIGHTS))
    scenes = test_scenes(s)
    clips = corpora.load_esc10(sr)[0]
    sources = [localization.source_segment(clips[sc["clip"]], sr, s["duration"]) for sc in scenes]
    noises = [corpora.load_background(n, sr) for n in s["test_noises"]]

    def nets(signals):
        f = gcc_features(signals, sr, mics, s["interp"])[None]
        return {f"net (seed {k})": float(targets_to_azimuth(np.asarray(m(f, training=False)))[0])
                for k, m in models.items()}

    records = []
    for rt60 in s["rt60s"]:
        log(f"evaluating RT60 {rt60} s ...")
        rooms = [dict(sc, rt60=rt60) for sc in scenes]
        for r in localization.evaluate_scenes(sources, noises, sr, mics, rooms, s["snrs_db"], s["methods"],
                                              rng=int(round(rt60 * 1000)), max_order=s["max_order"], extra=nets):
            records.append(dict(kind="evaluation", **r))
    config = {k: list(v) if isinstance(v, tuple) else v for k, v in s.items()}
    config.update(scenes=scenes, keras=keras.__version__, pyroomacoustics=pra.__version__,
                  numpy=np.__version__, n_train_examples=int(len(x)))
    path = training.save_results(out_dir / RESULTS, runs + records, config)
    log(f"wrote {out_dir / WEIGHTS} and {path}")
    return path


def main(argv=None):
    """``python -m course_lib.localization_net [--out data] [--quick]``: remake the cache.

    Parameters
    ----------
    argv : list of str or None
        Command-line arguments (None: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.

    Notebook: (tooling, the command that remakes data/doa_net.weights.h5 and data/doa_results.json)
    """
    parser = argparse.ArgumentParser(prog="python -m course_lib.localization_net", description=main.__doc__)
    parser.add_argument("--out", default=None, help="output folder (default: the course's data/)")
    parser.add_argument("--quick", action="store_true", help="tiny settings, to test the command")
    args = parser.parse_args(argv)
    from ..datasets import assets

    s = dict(SETTINGS)
    if args.quick:
        s.update(n_train_scenes=8, n_test_scenes=2, epochs=2, seeds=(0,), rt60s=(0.2,), snrs_db=(10.0,))
    remake(args.out if args.out else assets.data_dir(), s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
