"""Chapter 05's study: does augmentation help a digit classifier in rooms, noises and devices it never met?

The task: spoken digits of the Free Spoken Digit Dataset (real speech, 8 kHz), a small CNN
(:func:`course_lib.models.training.small_cnn`) on log-mel spectrograms, trained on four speakers
and tested on two speakers it never heard, once clean (**clean** test) and once through a
measured room, a real background and a measured loudspeaker that training never uses (**shifted**
test: :data:`TEST_ROOMS`, :data:`TEST_BACKGROUNDS`, :data:`TEST_DEVICES`, disjoint from the
``TRAIN_*`` lists the augmentations draw from).

Augmentation is applied per epoch: every training clip has :data:`SETTINGS` ``n_views`` augmented
copies made once (a pitch shift by the phase vocoder is too slow to redo every epoch on a CPU),
plus itself; :func:`course_lib.datasets.splits.augmented_views_dataset` draws one of them per clip
in every epoch, and SpecAugment masks are drawn afresh in every epoch. One condition per technique
(:data:`CONDITIONS`: none, pitch, reverb, noise, device, SpecAugment, and the four waveform
techniques together), five seeds each (the seed sets the weights, the order of the clips and the
draws of views and masks; the pool of views is fixed).

:func:`run` runs the whole grid; ``python -m course_lib.experiments augment_ablation`` saves it in
``data/augment_ablation.json``. The chapter reads it (:func:`course_lib.experiments.load`) and
re-runs one seed of one condition live (:func:`run_condition`), checked against the spread of the
cached seeds (:func:`course_lib.experiments.live.within_seed_spread`). Layer 5: imports
:mod:`course_lib.dsp.augment`, :mod:`course_lib.datasets.corpora`, :mod:`course_lib.datasets.splits`,
:mod:`course_lib.models.training` and :mod:`course_lib._checks`.
"""

from __future__ import annotations

import time

import numpy as np

from .. import _checks
from ..datasets import corpora, splits as datasets
from ..dsp import augment
from ..models import training

__all__ = [
    "TRAIN_BACKGROUNDS", "TEST_BACKGROUNDS", "TRAIN_ROOMS", "TEST_ROOMS", "TRAIN_DEVICES", "TEST_DEVICES",
    "CONDITIONS", "SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "load_pools", "features", "make_views",
    "shifted_test_set", "prepare", "training_pipeline", "run_condition", "run",
]

#: Real ambient recordings the training noise is drawn from, and the ones only the shifted test uses.
TRAIN_BACKGROUNDS = ("birds", "boat", "fireplace", "rain", "summer-night", "waves", "wind")
TEST_BACKGROUNDS = ("city", "coffee-shop", "storm", "train")
#: Measured rooms (OpenAIR, a clapped seminar room): three for training, two for the shifted test.
TRAIN_ROOMS = ("Arthur Sykes Rymer Auditorium", "Genesis 6 Studio Live Room", "St Margaret's Church")
TEST_ROOMS = ("Jack Lyons Hall", "Seminar room (clap)")
#: Measured loudspeaker and cabinet responses: twelve for training, five for the shifted test.
TRAIN_DEVICES = ("80s UK 001", "80s UK 002", "80s US 001", "80s US 002", "Modern UK 001", "Modern UK 002",
                 "Modern US 001", "Modern US 002", "Modern US 003", "Speaker 001", "Vintage UK 001", "Vintage US 001")
TEST_DEVICES = ("Modern US 004", "Radio 001", "Speaker 002", "Vintage UK 002", "Vintage US 002")

#: The ablation's conditions, in table order.
CONDITIONS = ("none", "pitch", "reverb", "noise", "device", "specaugment", "all")

#: Everything that fixes the study (saved in the record of its results).
SETTINGS = dict(
    sr=8000, duration=1.0, test_speakers=("george", "yweweler"), train_takes=(5, 17), test_takes=(0, 50),
    n_fft=512, hop_length=256, n_mels=32, fmax=4000.0, top_db=80.0,
    filters=(16, 32, 64), epochs=30, batch_size=32, learning_rate=3e-3, seeds=(0, 1, 2, 3, 4), conditions=CONDITIONS,
    n_views=4, view_seed=2026, shift_seed=7,
    n_steps=(-3.0, 3.0), snr_db_train=(0.0, 20.0), snr_db_test=(5.0, 15.0), p_all=0.75,
    spec_augment=dict(n_freq_masks=2, max_freq_width=6, n_time_masks=2, max_time_width=6),
)

#: The quick run: two takes per training speaker and digit, two per test one; two conditions, one
#: seed, one view, one epoch.
QUICK = dict(train_takes=(5, 7), test_takes=(0, 2), conditions=("none", "reverb"), seeds=(0,), n_views=1, epochs=1)

#: The results (in ``data/``).
FILES = ("augment_ablation.json",)

#: The recordings it reads: FSDD, the backgrounds, the rooms, the devices.
DATA = ("fsdd", "blanket", "openair", "clap", "device")

CHAPTER = "05_augmentation"
TITLE = "each augmentation alone (and all together), FSDD's unseen speakers, clean and shifted tests"


def load_pools(sr=8000, *, train_backgrounds=True) -> dict:
    """The measured rooms, real backgrounds and measured devices of both sides, at ``sr`` Hz.

    Parameters
    ----------
    sr : int
        Sampling rate in Hz.
    train_backgrounds : bool
        Load the training backgrounds (the longest files, up to 130 s each); False leaves that
        dict empty, for work that needs no noise augmentation.

    Returns
    -------
    dict
        ``{"train": {...}, "test": {...}}``, each with ``rooms``, ``backgrounds``, ``devices``:
        dicts from name to float32 array.

    Raises
    ------
    ValueError
        If a name is on both sides (the shifted test must use only unseen conditions).

    Notebook: 05_augmentation
    """
    sr = _checks.sample_rate(sr)
    for what, a, b in (("backgrounds", TRAIN_BACKGROUNDS, TEST_BACKGROUNDS), ("rooms", TRAIN_ROOMS, TEST_ROOMS),
                       ("devices", TRAIN_DEVICES, TEST_DEVICES)):
        if set(a) & set(b):
            raise ValueError(f"{what} used on both sides: {sorted(set(a) & set(b))}")
    side = lambda rooms, bgs, devs: {  # noqa: E731
        "rooms": {n: corpora.load_room_ir(n, sr)[0] for n in rooms},
        "backgrounds": {n: corpora.load_background(n, sr)[0] for n in bgs},
        "devices": {n: corpora.load_device_ir(n, sr)[0] for n in devs},
    }
    return {"train": side(TRAIN_ROOMS, TRAIN_BACKGROUNDS if train_backgrounds else (), TRAIN_DEVICES),
            "test": side(TEST_ROOMS, TEST_BACKGROUNDS, TEST_DEVICES)}


def features(x, sr=8000, *, settings=None) -> np.ndarray:
    """Log-mel spectrograms (dB) of equal-length clips, each floored ``top_db`` below its own maximum.

    :func:`course_lib.models.training.log_mel_batch` with :data:`SETTINGS`' ``n_fft``, ``hop_length``,
    ``n_mels`` and ``fmax``; the floor keeps the zero padding of short recordings from becoming
    a -100 dB plateau whose depth depends on the speaker's level.

    Parameters
    ----------
    x : ndarray, shape (n, samples) or (n, views, samples)
        Clips.
    sr : int
        Sampling rate in Hz.
    settings : dict, optional
        Overrides :data:`SETTINGS`.

    Returns
    -------
    ndarray of float32
        ``(n, frames, bands, 1)``, or ``(n, views, frames, bands, 1)``.

    Notebook: 05_augmentation
    """
    s = {**SETTINGS, **(settings or {})}
    x = np.asarray(x, dtype=np.float32)
    flat = x.reshape(-1, x.shape[-1])
    F = training.log_mel_batch(flat, sr, n_fft=s["n_fft"], hop_length=s["hop_length"], n_mels=s["n_mels"], fmax=s["fmax"])
    F = np.maximum(F, F.max(axis=(1, 2, 3), keepdims=True) - s["top_db"])
    return F.reshape(x.shape[:-1] + F.shape[1:])


def _augment_kwargs(condition: str, pools: dict, s: dict) -> dict:
    side = pools["train"]
    rooms, noises, devices = list(side["rooms"].values()), list(side["backgrounds"].values()), list(side["devices"].values())
    none = dict(n_steps=(0.0, 0.0), irs=(), noises=(), devices=(), snr_db=s["snr_db_train"], p=1.0)
    return {
        "pitch": {**none, "n_steps": s["n_steps"]},
        "reverb": {**none, "irs": rooms},
        "noise": {**none, "noises": noises},
        "device": {**none, "devices": devices},
        "all": dict(n_steps=s["n_steps"], irs=rooms, noises=noises, devices=devices, snr_db=s["snr_db_train"], p=s["p_all"]),
    }[condition]


def make_views(clips, sr=8000, *, condition, pools, settings=None) -> np.ndarray:
    """Each training clip and its ``n_views`` augmented copies for one condition: ``(n, 1 + n_views, samples)``.

    View 0 is the clip itself. ``"pitch"``, ``"reverb"``, ``"noise"``, ``"device"`` and ``"all"``
    add copies made by :func:`course_lib.dsp.augment.random_augment` from the training pools only
    (clip ``i`` uses a generator seeded by ``(view_seed, condition, i)``); ``"none"`` and
    ``"specaugment"`` (which masks features, not waveforms) keep the clip alone.

    Parameters
    ----------
    clips : ndarray, shape (n, samples)
        Training clips.
    sr : int
        Sampling rate in Hz.
    condition : str
        One of :data:`CONDITIONS`.
    pools : dict
        From :func:`load_pools`.
    settings : dict, optional
        Overrides :data:`SETTINGS`.

    Returns
    -------
    ndarray of float32

    Notebook: 05_augmentation
    """
    s = {**SETTINGS, **(settings or {})}
    condition = _checks.choice(condition, "condition", CONDITIONS)
    x_train = np.asarray(clips, dtype=np.float32)
    if condition in ("none", "specaugment"):
        return x_train[:, None, :].copy()
    kwargs = _augment_kwargs(condition, pools, s)
    code = CONDITIONS.index(condition)
    out = np.empty((len(x_train), 1 + s["n_views"], x_train.shape[1]), dtype=np.float32)
    for i, clip in enumerate(x_train):
        gen = np.random.default_rng([s["view_seed"], code, i])
        out[i, 0] = clip
        for k in range(1, 1 + s["n_views"]):
            out[i, k] = augment.random_augment(clip, sr, rng=gen, **kwargs)
    return out


def shifted_test_set(clips, sr=8000, *, pools, settings=None) -> np.ndarray:
    """The test clips through an unseen room, then an unseen background, then an unseen device.

    Clip ``i``: :func:`course_lib.dsp.augment.random_augment` with ``p = 1``, no pitch shift, one of
    the test rooms, one of the test backgrounds at an SNR uniform in ``snr_db_test``, one of the
    test devices, from a generator seeded by ``(shift_seed, i)``.

    Parameters
    ----------
    clips : ndarray, shape (n, samples)
        Clean test clips.
    sr : int
        Sampling rate in Hz.
    pools : dict
        From :func:`load_pools` (only its ``"test"`` side is used).
    settings : dict, optional
        Overrides :data:`SETTINGS`.

    Returns
    -------
    ndarray of float32, shape (n, samples)

    Notebook: 05_augmentation (via `prepare`)
    """
    s = {**SETTINGS, **(settings or {})}
    side = pools["test"]
    kwargs = dict(n_steps=(0.0, 0.0), irs=list(side["rooms"].values()), noises=list(side["backgrounds"].values()),
                  devices=list(side["devices"].values()), snr_db=s["snr_db_test"], p=1.0)
    return np.stack([augment.random_augment(c, sr, rng=np.random.default_rng([s["shift_seed"], i]), **kwargs)
                     for i, c in enumerate(np.asarray(clips, dtype=np.float32))])


def prepare(*, pools=None, settings=None) -> dict:
    """The data every condition shares: the speaker split, its features, the shifted test set.

    Parameters
    ----------
    pools : dict, optional
        From :func:`load_pools` (loaded when None).
    settings : dict, optional
        Overrides :data:`SETTINGS`.

    Returns
    -------
    dict
        :func:`course_lib.datasets.splits.fsdd_speaker_split`'s arrays plus ``pools``, ``x_shifted``,
        ``F_train``, ``F_test``, ``F_shifted`` (log-mel, not standardised).

    Notebook: 05_augmentation
    """
    s = {**SETTINGS, **(settings or {})}
    data = datasets.fsdd_speaker_split(test_speakers=s["test_speakers"], train_takes=s["train_takes"],
                                       test_takes=s["test_takes"], duration=s["duration"])
    sr = data["sr"]
    data["pools"] = load_pools(sr) if pools is None else pools
    data["x_shifted"] = shifted_test_set(data["x_test"], sr, pools=data["pools"], settings=s)
    for part in ("train", "test", "shifted"):
        data[f"F_{part}"] = features(data[f"x_{part}"], sr, settings=s)
    return data


def training_pipeline(views, labels, condition, rng, *, settings=None):
    """The per-epoch ``tf.data`` pipeline one condition trains on: one view per clip, masks only for SpecAugment.

    :func:`course_lib.datasets.splits.augmented_views_dataset` over the (standardised) feature
    views, drawing one of each clip's views per epoch; :func:`course_lib.dsp.augment.spec_augment`
    masks (the settings' ``spec_augment``, masked value 0 = the training mean after
    standardisation) are drawn afresh for every example **only** for ``"specaugment"``: every
    other condition, ``"all"`` included, trains on its views unmasked. :func:`run_condition` trains
    on exactly this pipeline.

    Parameters
    ----------
    views : ndarray, shape (n, views, frames, bands, 1)
        Features of each clip's views (view 0 the clip itself).
    labels : 1-D array_like of int
        One label per clip.
    condition : str
        One of :data:`CONDITIONS`.
    rng : int or numpy.random.Generator
        The seed of the shuffle and of the draws of views and masks (what
        :func:`course_lib.datasets.splits.augmented_views_dataset` takes).
    settings : dict, optional
        Overrides :data:`SETTINGS` (``batch_size``, ``spec_augment``).

    Returns
    -------
    tf.data.Dataset
        Batches of (features, labels), one pass = one epoch.

    Notebook: 05_augmentation
    """
    s = {**SETTINGS, **(settings or {})}
    condition = _checks.choice(condition, "condition", CONDITIONS)
    transform = None
    if condition == "specaugment":
        masks = dict(s["spec_augment"])
        transform = lambda e, gen: augment.spec_augment(e, gen, value=0.0, **masks)  # noqa: E731
    return datasets.augmented_views_dataset(views, labels, batch_size=s["batch_size"], rng=rng, transform=transform)


def run_condition(data, condition, rng, *, views=None, settings=None) -> dict:
    """Train one model for one condition and seed; test it on the clean and the shifted test sets.

    Features are standardised with the clean training set's mean and standard deviation
    (:func:`course_lib.models.training.standardize`); training goes through
    :func:`course_lib.datasets.splits.augmented_views_dataset` (one view per clip per epoch, plus
    SpecAugment masks for ``"specaugment"``: :func:`training_pipeline`) and
    :func:`course_lib.models.training.fit`.

    Parameters
    ----------
    data : dict
        From :func:`prepare`.
    condition : str
        One of :data:`CONDITIONS`.
    rng : int or numpy.random.Generator
        The seed of the weights, the shuffle and the draws (a Generator gives one seed from its
        stream); the record's ``seed``.
    views : ndarray, optional
        :func:`make_views`' output for this condition (made when None).
    settings : dict, optional
        Overrides :data:`SETTINGS`.

    Returns
    -------
    dict
        ``condition``, ``seed``, ``accuracy_clean``, ``accuracy_shifted``, ``y_pred_clean``,
        ``y_pred_shifted`` (lists of int) and ``history`` (training loss and accuracy per epoch).

    Notebook: 05_augmentation
    """
    s = {**SETTINGS, **(settings or {})}
    condition = _checks.choice(condition, "condition", CONDITIONS)
    seed = int(rng) if _checks.is_integer(rng) else int(_checks.rng(rng).integers(2**31 - 1))
    sr = data["sr"]
    if views is None:
        views = make_views(data["x_train"], sr, condition=condition, pools=data["pools"], settings=s)
    V = features(views, sr, settings=s)
    n, k = V.shape[:2]
    _, V_std, F_test, F_shifted = training.standardize(data["F_train"], V.reshape((n * k,) + V.shape[2:]),
                                                       data["F_test"], data["F_shifted"])
    V_std = V_std.reshape(V.shape)
    training.set_seed(seed)  # before the pipeline exists: the first run of a process repeats exactly too
    ds = training_pipeline(V_std, data["y_train"], condition, seed, settings=s)
    build = lambda: training.small_cnn(V_std.shape[2:], 10, filters=s["filters"])  # noqa: E731
    model, history = training.fit(build, V_std[:, 0], data["y_train"], epochs=s["epochs"], rng=seed,
                                  learning_rate=s["learning_rate"], dataset=ds)
    record = dict(condition=condition, seed=int(seed), history=history)
    for part, F, y in (("clean", F_test, data["y_test"]), ("shifted", F_shifted, data["y_test"])):
        pred = model.predict(F, batch_size=256, verbose=0).argmax(axis=1)
        record[f"accuracy_{part}"] = float(np.mean(pred == y))
        record[f"y_pred_{part}"] = pred.tolist()
    return record




def run(settings, out_dir, progress) -> dict:
    """The whole ablation: every condition of ``settings["conditions"]`` × every seed.

    The shared data are made once (:func:`prepare`), each condition's views once
    (:func:`make_views`), then one model per seed (:func:`run_condition`).

    Parameters
    ----------
    settings : dict
        :data:`SETTINGS` (with :data:`QUICK` for a quick run).
    out_dir : Path
        Unused (the study writes no weights).
    progress : bool
        Print one line per run.

    Returns
    -------
    dict
        ``conditions``, the test set's labels and speakers (``y_test``, ``speakers_test``), the
        rooms, backgrounds and devices of each side, and ``runs`` (:func:`run_condition`'s records).

    Notebook: (tooling, ``python -m course_lib.experiments augment_ablation``)
    """
    s = settings
    t0 = time.perf_counter()
    data = prepare(settings=s)
    if progress:
        print(f"data ready: {len(data['y_train'])} training clips, {len(data['y_test'])} test clips "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
    records = []
    for condition in s["conditions"]:
        views = make_views(data["x_train"], data["sr"], condition=condition, pools=data["pools"], settings=s)
        for seed in s["seeds"]:
            rec = run_condition(data, condition, seed, views=views, settings=s)
            records.append(rec)
            if progress:
                print(f"{condition:12s} seed {seed}: clean {rec['accuracy_clean']:.3f}  shifted {rec['accuracy_shifted']:.3f}"
                      f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
    return {"conditions": list(s["conditions"]), "y_test": data["y_test"].tolist(),
            "speakers_test": data["speakers_test"].tolist(),
            "train_backgrounds": list(TRAIN_BACKGROUNDS), "test_backgrounds": list(TEST_BACKGROUNDS),
            "train_rooms": list(TRAIN_ROOMS), "test_rooms": list(TEST_ROOMS),
            "train_devices": list(TRAIN_DEVICES), "test_devices": list(TEST_DEVICES), "runs": records}
