"""Chapter 09's localization study: a direction-of-arrival network against GCC-PHAT, SRP-PHAT and MUSIC.

The network (:func:`course_lib.models.localization_net.direction_mlp`) learns the direction of a
sound from the GCC-PHAT vectors of a 4-microphone array. :func:`make_training_set` simulates its
training recordings: random rooms (RT60 0.2–1.0 s) with ESC-10 clips of folds 1–4 over eight real
backgrounds at −5 to 25 dB SNR; :func:`fit` trains it (three seeds). The evaluation
(:func:`test_scenes`: fold 5, two other backgrounds) runs every method and every seed's network over
3 RT60s × 3 SNRs. ``python -m course_lib.experiments doa_network`` writes ``data/doa_net.weights.h5``
(seed 0's weights) and ``data/doa_results.json`` (the test scenes, per-seed training histories and
every estimate); chapter ``09_detection_localization`` reads them (:func:`course_lib.experiments.load`,
:func:`load_model`), re-runs scene 0 live and asserts that it agrees with the cache.

Layer 5: imports :mod:`course_lib.datasets.corpora`, :mod:`course_lib.dsp.localization`,
:mod:`course_lib.models.localization_net` and :mod:`course_lib.models.training` (seeding).
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..datasets import corpora
from ..dsp import localization
from ..models import localization_net, training
from . import study

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "test_scenes", "make_training_set", "fit",
           "load_model", "run"]

#: The array, the sounds, the rooms, the training and the evaluation.
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

#: The quick run: 8 training rooms, 2 test scenes, one RT60 and SNR, one seed of 2 epochs.
QUICK = dict(n_train_scenes=8, n_test_scenes=2, epochs=2, seeds=(0,), rt60s=(0.2,), snrs_db=(10.0,))

#: The results, then seed 0's weights (in ``data/``).
FILES = ("doa_results.json", "doa_net.weights.h5")

#: The recordings it reads: ESC-10's clips and the real backgrounds.
DATA = ("esc10", "blanket")

CHAPTER = "09_detection_localization"
TITLE = "a direction-of-arrival network vs GCC-PHAT, SRP-PHAT and MUSIC in simulated rooms"


class _Segments:
    """The loudest ``duration`` seconds of ESC-10's clips of the training folds, cut when first asked for."""

    def __init__(self, sr, duration):
        clips, _, folds, _ = corpora.load_esc10(sr)
        self.clips = [clips[i] for i in range(len(clips)) if folds[i] != 5]
        self.sr, self.duration, self.cut = sr, duration, {}

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, i):
        if i not in self.cut:
            self.cut[i] = localization.source_segment(self.clips[i], self.sr, duration=self.duration)
        return self.cut[i]


def test_scenes(settings=None) -> list:
    """The evaluation's scenes: ESC-10 clips of fold 5 in random rooms (the same rooms at every RT60).

    Parameters
    ----------
    settings : dict, optional
        Overrides of :data:`SETTINGS` (``sr``, ``n_test_scenes``).

    Returns
    -------
    list of dict
        One per test source: a :func:`course_lib.dsp.localization.random_scene` (``rt60`` None) plus
        ``clip`` (index into ``load_esc10``'s clips) and ``label`` (class name).

    Notebook: (tooling, ``python -m course_lib.experiments doa_network``)
    """
    s = {**SETTINGS, **(settings or {})}
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


def make_training_set(settings=None, *, rng=1):
    """GCC-PHAT features and true azimuths of simulated rooms with ESC-10 clips of folds 1–4.

    Each scene draws a clip, a room (:func:`course_lib.dsp.localization.random_scene`), an RT60 and,
    ``snrs_per_train_scene`` times, an SNR and a training background.

    Parameters
    ----------
    settings : dict, optional
        Overrides of :data:`SETTINGS` (``n_train_scenes`` sets the size).
    rng : int, numpy.random.Generator or None
        The randomness of the scenes.

    Returns
    -------
    (x, azimuth) : (ndarray float32 (n, n_pairs, n_lags), ndarray float64 (n,))

    Notebook: (tooling, ``python -m course_lib.experiments doa_network``)
    """
    s = {**SETTINGS, **(settings or {})}
    sr = s["sr"]
    gen = _checks.rng(rng)
    mics = localization.circular_array(s["n_mics"], s["radius"])
    sources = _Segments(sr, s["duration"])
    noises = [corpora.load_background(n, sr)[0] for n in s["train_noises"]]
    xs, az = [], []
    for _ in range(s["n_train_scenes"]):
        scene = localization.random_scene(gen, rt60=float(gen.uniform(*s["train_rt60"])))
        src = sources[int(gen.integers(len(sources)))]
        clean = localization.simulate_array(src, sr, mic_positions=mics, azimuth=scene["azimuth"],
                                            room_dim=scene["room_dim"], center=scene["center"],
                                            distance=scene["distance"], height=scene["height"], rt60=scene["rt60"],
                                            max_order=s["max_order"])
        for _ in range(s["snrs_per_train_scene"]):
            noise = noises[int(gen.integers(len(noises)))]
            x = localization.add_diffuse_noise(clean, noise, float(gen.uniform(*s["train_snr_db"])), rng=gen)
            xs.append(localization_net.gcc_features(x, sr, mic_positions=mics, interp=s["interp"]))
            az.append(scene["azimuth"])
    return np.asarray(xs), np.asarray(az)


def fit(x, azimuth, settings=None, *, rng=0, validation=0.1):
    """Train :func:`course_lib.models.localization_net.direction_mlp` (Adam, mean squared error on (cos θ, sin θ)).

    Parameters
    ----------
    x : ndarray, shape (n, n_pairs, n_lags)
        Features (:func:`course_lib.models.localization_net.gcc_features`).
    azimuth : array_like, shape (n,)
        True azimuths (degrees).
    settings : dict, optional
        Overrides of :data:`SETTINGS` (``hidden``, ``epochs``, ``batch_size``, ``learning_rate``).
    rng : int, numpy.random.Generator or None
        Seeds the initial weights and the shuffling (:func:`course_lib.models.training.set_seed`);
        an int is the seed itself.
    validation : float
        Fraction of the examples (the last ones) held out to watch the loss.

    Returns
    -------
    (model, history) : (keras.Model, dict)
        ``history`` holds per-epoch ``loss``, ``val_loss`` and ``val_error_deg`` (mean absolute
        angular error on the held-out examples, degrees), lists of float.

    Notebook: (tooling, ``python -m course_lib.experiments doa_network``)
    """
    import keras

    s = {**SETTINGS, **(settings or {})}
    x = np.asarray(x, dtype=np.float32)
    y = localization_net.azimuth_to_targets(azimuth)
    if x.ndim != 3 or len(x) != len(y):
        raise ValueError(f"x must be (n, n_pairs, n_lags) with one azimuth per example, got {x.shape} and {len(y)}")
    n_val = int(round(len(x) * _checks.number(validation, "validation", minimum=0.0, maximum=0.5)))
    training.set_seed(rng)
    model = localization_net.direction_mlp(x.shape[1], x.shape[2], s["hidden"])
    model.compile(optimizer=keras.optimizers.Adam(s["learning_rate"]), loss="mse")
    xt, yt, xv, yv = x[: len(x) - n_val], y[: len(x) - n_val], x[len(x) - n_val:], y[len(x) - n_val:]
    history = {"loss": [], "val_loss": [], "val_error_deg": []}
    to_azimuth = localization_net.targets_to_azimuth

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            history["loss"].append(float(logs["loss"]))
            if n_val:
                p = self.model.predict(xv, verbose=0)
                history["val_loss"].append(float(np.mean((p - yv) ** 2)))
                err = localization.angular_error(to_azimuth(p), to_azimuth(yv))
                history["val_error_deg"].append(float(np.mean(err)))

    model.fit(xt, yt, epochs=s["epochs"], batch_size=s["batch_size"], shuffle=True, verbose=0, callbacks=[Watch()])
    return model, history


def _build(settings):
    """An untrained :func:`direction_mlp` of the shape the settings' array gives."""
    s = settings
    n_pairs = s["n_mics"] * (s["n_mics"] - 1) // 2
    mics = localization.circular_array(s["n_mics"], s["radius"])
    probe = np.zeros((s["n_mics"], 64)) + np.eye(s["n_mics"], 64)
    n_lags = localization_net.gcc_features(probe, s["sr"], mic_positions=mics, interp=s["interp"]).shape[1]
    return localization_net.direction_mlp(n_pairs, n_lags, s["hidden"])


def load_model(out_dir=None, *, quick=False, check=True):
    """The study's direction network (seed 0's weights), rebuilt with the saved settings and loaded.

    Parameters
    ----------
    out_dir : str or Path, optional
        The results' folder (default ``data/``).
    quick : bool
        Read a quick run's results.
    check : bool
        Refuse results made by other settings, code or data (:func:`course_lib.experiments.load`).

    Returns
    -------
    keras.Model

    Raises
    ------
    ResultsNotFoundError
        No results or no weights (the message names the file and the command that remakes it).
    StaleResultsError
        ``check`` and results made by other settings, code or data.

    Notebook: 09_detection_localization
    """
    results = study.load("doa_network", out_dir, check=check, quick=quick)
    path = results.path(FILES[1])
    model = _build(results.record["settings"])
    model.load_weights(str(path))
    return model


def run(settings, out_dir, progress) -> dict:
    """Train the direction network (every seed), evaluate every method, save seed 0's weights.

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (or the quick ones).
    out_dir : Path
        Where ``doa_net.weights.h5`` goes.
    progress : bool
        Print progress.

    Returns
    -------
    dict
        ``scenes`` (the test scenes), ``n_train_examples``, ``pyroomacoustics`` (its version, which
        simulates the rooms) and ``runs``: one ``{"kind": "training", "seed", "history"}`` per seed,
        then one ``{"kind": "evaluation", "scene", "rt60", "snr_db", "azimuth", "estimates",
        "errors"}`` per scene, RT60 and SNR.

    Notebook: (tooling, ``python -m course_lib.experiments doa_network``)
    """
    import pyroomacoustics as pra

    s = settings
    log = print if progress else (lambda *a, **k: None)
    sr = s["sr"]
    mics = localization.circular_array(s["n_mics"], s["radius"])
    log(f"simulating {s['n_train_scenes']} training rooms ...")
    x, az = make_training_set(s)
    runs, models = [], {}
    for seed in s["seeds"]:
        model, history = fit(x, az, s, rng=seed)
        models[seed] = model
        runs.append({"kind": "training", "seed": seed, "history": history})
        log(f"seed {seed}: held-out error {history['val_error_deg'][-1]:.1f}°")
    models[s["seeds"][0]].save_weights(str(out_dir / FILES[1]))
    scenes = test_scenes(s)
    clips = corpora.load_esc10(sr)[0]
    sources = [localization.source_segment(clips[sc["clip"]], sr, duration=s["duration"]) for sc in scenes]
    noises = [corpora.load_background(n, sr)[0] for n in s["test_noises"]]

    def nets(signals):
        f = localization_net.gcc_features(signals, sr, mic_positions=mics, interp=s["interp"])[None]
        return {f"net (seed {k})": float(localization_net.targets_to_azimuth(np.asarray(m(f, training=False)))[0])
                for k, m in models.items()}

    records = []
    for rt60 in s["rt60s"]:
        log(f"evaluating RT60 {rt60} s ...")
        rooms = [dict(sc, rt60=rt60) for sc in scenes]
        for r in localization.evaluate_scenes(sources, noises, sr=sr, mic_positions=mics, scenes=rooms,
                                              snrs_db=s["snrs_db"], methods=s["methods"], rng=int(round(rt60 * 1000)),
                                              max_order=s["max_order"], extra=nets):
            records.append(dict(kind="evaluation", **r))
    return {"scenes": scenes, "n_train_examples": int(len(x)), "pyroomacoustics": pra.__version__,
            "runs": runs + records}
