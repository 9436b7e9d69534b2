"""Chapter 10's self-supervised pitch: a small PESTO trained on unlabelled notes, scored on unheard instruments.

A small PESTO network (:mod:`course_lib.models.pesto`) is trained with no pitch label
(:func:`course_lib.models.pesto.pretrain`: invariance, shifted cross-entropy and equivariance) on the CQT
frames of sampled-instrument notes (:func:`course_lib.instruments.instrument_note`, 1 s, key held) of the
``train_instruments`` (every key of each one's range), augmented with real backgrounds (``train_backgrounds``)
at 5–30 dB SNR and ±12 dB of gain. Its one offset from relative to absolute pitch is calibrated with
``calibration`` (one labelled note: the piano's middle C, the median over its frames).

**Held out means held out.** It is scored on chapter 07's four benchmark instruments
(:data:`course_lib.datasets.pitch_eval.BENCHMARK_INSTRUMENTS`: cello, nylon guitar, clarinet, trumpet), none
of them among the training instruments, every key of their ranges, clean and mixed with *other* real
backgrounds (``test_backgrounds``) at each SNR of ``test_snrs_db``. Each test note is 1 s with the key held;
the frames between ``score_window`` seconds (10 ms hop) are scored against the key's pitch with mir_eval's
raw pitch and raw chroma accuracy at 50 cents
(:func:`course_lib.evaluation.pitch_scores.score_tracker`), the same frames for every tracker: the
PESTO network of each seed of ``seeds``, the pretrained CREPE tiny (:func:`course_lib.models.crepe.predict`,
trained with labels on hours of annotated audio) and pYIN
(:func:`course_lib.experiments.pitch_benchmark.pyin`). Equivariance is measured on the clean held-out frames:
how often the output's argmax moves by exactly the input's transposition
(:func:`course_lib.models.pesto.shift_agreement`), for the trained networks and for the same architecture
untrained.

Results (``data/pesto_notes.json``): ``runs`` (per seed: ``offset``, ``loss_curve``, ``equivariance``,
``untrained_equivariance`` and, per condition, ``scores`` and ``note_rpa``), ``baselines`` (per tracker and
condition: ``scores`` and ``note_rpa``), ``test_notes`` (instrument and key of each test note), ``live``
(the loss curve of :func:`live_run`), ``n_train_frames``; the weights of seed ``seeds[0]`` in
``data/pesto_notes.weights.h5``. Remake them with ``python -m course_lib.experiments pesto_notes`` (15
minutes wall, 5 minutes of CPU, on a 2-core CPU shared with other jobs); chapter ``10_transformers_ssl`` re-runs :func:`live_run` and checks its loss
curve against the cached one. Layer 5.
"""

from __future__ import annotations

import math

import numpy as np

from ..datasets import corpora, instruments, pitch_eval
from ..dsp import augment
from ..evaluation import pitch_scores
from ..models import crepe, pesto
from . import pitch_benchmark

__all__ = ["SETTINGS", "QUICK", "FILES", "DATA", "CHAPTER", "TITLE", "TRACKERS", "condition_name", "train_notes",
           "test_notes", "train_views", "live_run", "run"]

#: The trackers PESTO is compared with, on the same frames.
TRACKERS = ("CREPE tiny", "pYIN")

#: ``train_instruments``: name → [lowest, highest] MIDI key (every key, no label kept); ``test_instruments``:
#: the held-out ones (chapter 07's benchmark ranges), every ``test_key_step``-th key; backgrounds by name
#: (:func:`course_lib.corpora.load_background`), the training and the test ones disjoint; ``snr_db`` and
#: ``gain_db`` of the training views; ``test_snrs_db`` ("inf": clean); ``score_window`` in seconds; the
#: training (:func:`course_lib.models.pesto.pretrain`); ``shifts`` (bins) of the equivariance check;
#: ``live_instruments``, ``live_backgrounds`` (two short ones of the training backgrounds), ``live_steps``: the
#: small live re-run; the loss curve keeps the mean of every
#: ``curve_every`` steps.
SETTINGS = {
    "train_instruments": {"Acoustic Grand Piano": [36, 84], "Violin": [55, 88], "Viola": [48, 81], "Flute": [60, 93],
                          "Oboe": [58, 91], "Alto Sax": [49, 81], "Trombone": [40, 72], "French Horn": [41, 77],
                          "Bassoon": [34, 72], "Electric Piano 1": [36, 84], "Orchestral Harp": [36, 88],
                          "Acoustic Guitar (steel)": [40, 76]},
    "test_instruments": list(pitch_eval.BENCHMARK_INSTRUMENTS),
    "test_key_step": 1,
    "train_backgrounds": ["city", "coffee-shop", "rain", "wind"],
    "test_backgrounds": ["train", "birds", "waves", "fireplace"],
    "snr_db": [5.0, 30.0],
    "gain_db": [-12.0, 12.0],
    "test_snrs_db": ["inf", 10.0, 0.0],
    "score_window": [0.25, 0.75],
    "calibration": [["Acoustic Grand Piano", 60]],
    "steps": 600,
    "batch_size": 64,
    "learning_rate": 0.001,
    "channels": 16,
    "seeds": [0, 1, 2, 3, 4],
    "data_seed": 0,
    "curve_every": 20,
    "shifts": [-12, -6, -3, -1, 1, 3, 6, 12],
    "trackers": list(TRACKERS),
    "live_instruments": {"Violin": [60, 72]},
    "live_backgrounds": ["coffee-shop", "wind"],
    "live_steps": 40,
}
#: ``--quick``: two training instruments at a few keys, four steps, one seed, the clarinet's every 7th key, clean.
QUICK = {"train_instruments": {"Acoustic Grand Piano": [58, 62], "Violin": [60, 64]}, "test_instruments": ["Clarinet"],
         "test_key_step": 7, "test_snrs_db": ["inf"], "steps": 4, "seeds": [0], "curve_every": 2,
         "live_instruments": {"Violin": [60, 62]}, "live_steps": 4}
FILES = ("pesto_notes.json", "pesto_notes.weights.h5")
DATA = ("soundfont", "blanket")
CHAPTER = "10_transformers_ssl"
TITLE = "a small PESTO trained without labels, on unheard instruments, next to CREPE and pYIN"

_SR = 16000


def condition_name(snr) -> str:
    """``"clean"`` or ``"10 dB"``: the name of a test condition (an SNR of ``test_snrs_db``).

    Notebook: (tooling, ``python -m course_lib.experiments pesto_notes``)
    """
    return "clean" if snr == "inf" or snr == math.inf else f"{float(snr):g} dB"


def _note(name, midi):
    return instruments.instrument_note(name, int(midi), velocity=100, duration=1.0, sr=_SR, release=0.0)


def train_notes(ranges) -> np.ndarray:
    """The unlabelled training notes: every key of each instrument's range, 1 s, key held, 16 kHz.

    Parameters
    ----------
    ranges : dict
        ``{instrument: [lowest, highest]}`` MIDI keys.

    Returns
    -------
    np.ndarray of float32, shape (n_notes, 16000)

    Notebook: 10_transformers_ssl (via `live_run`)
    """
    notes = [_note(name, m) for name, (lo, hi) in ranges.items() for m in range(int(lo), int(hi) + 1)]
    if not notes:
        raise ValueError("ranges must hold at least one instrument with at least one key")
    return np.stack(notes)


def train_views(ranges, settings, rng):
    """:func:`course_lib.models.pesto.note_views` of :func:`train_notes` with the training backgrounds.

    Parameters
    ----------
    ranges : dict
        ``{instrument: [lowest, highest]}`` MIDI keys.
    settings : dict
        The study's (``train_backgrounds``, ``snr_db``, ``gain_db``).
    rng : int or numpy.random.Generator
        Seeds the augmentations.

    Returns
    -------
    clean, view_a, view_b : np.ndarray, shape (n_frames, n_bins)
    note : np.ndarray of int

    Notebook: 10_transformers_ssl (via `live_run`)
    """
    noises = [corpora.load_background(n, sr=_SR)[0] for n in settings["train_backgrounds"]]
    return pesto.note_views(train_notes(ranges), np.random.default_rng(rng), noises=noises,
                            snr_db=settings["snr_db"], gain_db=settings["gain_db"])


def test_notes(settings):
    """The held-out test clips: every ``test_key_step``-th key of each held-out instrument, per condition.

    Returns
    -------
    keys : list of (str, int)
        Instrument and MIDI key of each note.
    clips : dict
        Condition name (:func:`condition_name`) → float32 array (n_notes, 16000): the notes clean or mixed
        with a random stretch of a random test background at that SNR (drawn from ``data_seed``).

    Notebook: (tooling, ``python -m course_lib.experiments pesto_notes``)
    """
    ranges = pitch_eval.BENCHMARK_INSTRUMENTS
    keys = [(name, m) for name in settings["test_instruments"]
            for m in range(ranges[name][0], ranges[name][1] + 1, settings["test_key_step"])]
    clean = np.stack([_note(name, m) for name, m in keys])
    noises = [corpora.load_background(n, sr=_SR)[0] for n in settings["test_backgrounds"]]
    clips = {}
    for c, snr in enumerate(settings["test_snrs_db"]):
        if condition_name(snr) == "clean":
            clips["clean"] = clean
            continue
        rng = np.random.default_rng((settings["data_seed"], 3, c))
        mixed = []
        for y in clean:
            bg = noises[int(rng.integers(len(noises)))]
            start = int(rng.integers(0, len(bg) - len(y)))
            mixed.append(augment.mix_at_snr(y, bg[start : start + len(y)], float(snr)))
        clips[condition_name(snr)] = np.stack(mixed).astype(np.float32)
    return keys, clips


def _window(settings) -> np.ndarray:
    lo, hi = settings["score_window"]
    return np.arange(int(round(lo * 100)), int(round(hi * 100)) + 1)


def _scores(est_midi, ref_midi) -> tuple:
    """Pooled mir_eval RPA/RCA at 50 cents and per-note RPA, from (n_notes, n_frames) MIDI estimates."""
    est_hz = 440.0 * 2 ** ((np.nan_to_num(est_midi, nan=-1e3) - 69) / 12)
    ref_hz = np.broadcast_to(440.0 * 2 ** ((np.asarray(ref_midi, float)[:, None] - 69) / 12), est_hz.shape)
    s = pitch_scores.score_tracker(ref_hz.ravel(), est_hz.ravel(), np.ones(est_hz.size, bool))
    err = np.abs(est_midi - np.asarray(ref_midi, float)[:, None]) * 100
    note_rpa = np.mean(np.nan_to_num(err, nan=1e4) < 50, axis=1)
    return {"rpa": s["rpa"], "rca": s["rca"]}, [round(float(v), 4) for v in note_rpa]


def _tracker_midi(tracker, clips, window) -> np.ndarray:
    out = []
    for y in clips:
        if tracker == "CREPE tiny":
            _, f, _, _ = crepe.predict(y, _SR, capacity="tiny", step_size=10)
        else:
            _, f, _, _ = pitch_benchmark.pyin(y, _SR)
        f = np.asarray(f, float)[window]
        out.append(np.where(f > 0, 69 + 12 * np.log2(np.where(f > 0, f, 1.0) / 440.0), np.nan))
    return np.array(out)


def _curve(values, every) -> list:
    v = np.asarray(values, float)
    return [round(float(np.mean(v[i : i + every])), 6) for i in range(0, len(v), every)]


def live_run(settings, *, steps=None) -> list:
    """The chapter's live re-run: seed ``seeds[0]`` trained ``live_steps`` steps on the ``live_instruments``' notes.

    The views are made with the ``live_backgrounds`` only (two short recordings, quick to load).

    Parameters
    ----------
    settings : dict
        The study's.
    steps : int, optional
        Default ``live_steps``.

    Returns
    -------
    list of float
        The total loss of every step.

    Notebook: 10_transformers_ssl
    """
    views = train_views(settings["live_instruments"], dict(settings, train_backgrounds=settings["live_backgrounds"]),
                        settings["data_seed"])
    _, history = pesto.pretrain(*views[:3], rng=settings["seeds"][0], steps=steps or settings["live_steps"],
                                batch_size=settings["batch_size"], learning_rate=settings["learning_rate"],
                                channels=settings["channels"])
    return history["loss"]


def run(settings, out_dir, progress) -> dict:
    """Train every seed without labels, calibrate, score on the held-out instruments next to CREPE and pYIN.

    Parameters
    ----------
    settings : dict
    out_dir : Path
        Where the weights of the first seed are saved (``FILES[1]``).
    progress : bool

    Returns
    -------
    dict
        See the module's docstring.

    Notebook: (tooling, ``python -m course_lib.experiments pesto_notes``)
    """
    import keras

    window = _window(settings)
    clean, view_a, view_b, _ = train_views(settings["train_instruments"], settings, settings["data_seed"])
    if progress:
        print(f"{len(clean)} unlabelled training frames", flush=True)
    keys, clips = test_notes(settings)
    ref = np.array([m for _, m in keys], float)
    frames = {c: pesto.cqt_frames(y)[:, window] for c, y in clips.items()}
    calib = np.concatenate([pesto.cqt_frames(_note(name, m))[window] for name, m in settings["calibration"]])
    calib_midi = np.repeat([float(m) for _, m in settings["calibration"]], len(window))
    check = frames["clean"][:, ::5].reshape(-1, pesto.CQT["n_bins"])

    baselines = {}
    for tracker in settings["trackers"]:
        baselines[tracker] = {}
        for c, y in clips.items():
            scores, note_rpa = _scores(_tracker_midi(tracker, y, window), ref)
            baselines[tracker][c] = {"scores": scores, "note_rpa": note_rpa}
        if progress:
            print(f"{tracker}: " + ", ".join(f"{c} RPA {v['scores']['rpa']:.3f}" for c, v in baselines[tracker].items()),
                  flush=True)

    runs = []
    for seed in settings["seeds"]:
        keras.utils.set_random_seed(seed)
        untrained = pesto.shift_agreement(pesto.build_model(settings["channels"]), check, settings["shifts"])
        model, history = pesto.pretrain(clean, view_a, view_b, rng=seed, steps=settings["steps"],
                                        batch_size=settings["batch_size"], learning_rate=settings["learning_rate"],
                                        channels=settings["channels"])
        offset = pesto.calibrate(model, calib, calib_midi)
        per = {}
        for c, f in frames.items():
            est = pesto.predict_midi(model, f.reshape(-1, f.shape[-1]), offset).reshape(f.shape[:2])
            scores, note_rpa = _scores(est, ref)
            per[c] = {"scores": scores, "note_rpa": note_rpa}
        eq = pesto.shift_agreement(model, check, settings["shifts"])
        runs.append({"seed": seed, "offset": offset, "loss_curve": _curve(history["loss"], settings["curve_every"]),
                     "final_losses": {k: round(float(np.mean(v[-settings["curve_every"]:])), 6) for k, v in history.items()},
                     "equivariance": {"exact": eq["exact"], "within_one": eq["within_one"],
                                      "per_shift": {str(k): v for k, v in eq["per_shift"].items()}},
                     "untrained_equivariance": {"exact": untrained["exact"], "within_one": untrained["within_one"]},
                     **{"conditions": per}})
        if seed == settings["seeds"][0]:
            model.save_weights(str(out_dir / FILES[1]))
        if progress:
            print(f"seed {seed}: offset {offset:+.2f}, equivariance {eq['exact']:.3f}, "
                  + ", ".join(f"{c} RPA {v['scores']['rpa']:.3f}" for c, v in per.items()), flush=True)
    live = live_run(settings)
    return {"runs": runs, "baselines": baselines, "test_notes": [[n, int(m)] for n, m in keys],
            "conditions": list(clips), "n_train_frames": int(len(clean)), "live": [round(float(v), 6) for v in live]}
