"""CREPE's command line: ``python -m course_lib.tools.crepe_cli [options] FILE_OR_DIR...``.

The original ``crepe`` package's command line, on :func:`course_lib.crepe.predict`: for each audio
file (directories: their .wav/.flac/.ogg files) it writes ``FILE.f0.csv`` (``time,frequency,
confidence``, formatted as the original's), and on request the activation matrix
(``FILE.activation.npy``) and the salience image (``FILE.activation.png``, drawn by
:func:`course_lib.plot.salience`, the function chapter ``07_crepe`` plots with). Options:
``--capacity/-c`` (default tiny), ``--viterbi/-V``, ``--step-size/-s`` (ms), ``--no-centering/-n``,
``--output/-o DIR``, ``--save-activation/-a``, ``--plot/-p``, ``--plot-voicing/-v``,
``--batch-size/-b``, ``--quiet/-q``. A file that cannot be read stops the run with a one-line
message naming it (exit status 1).

It also remakes chapter ``07_crepe``'s two cached experiments: ``python -m course_lib.tools.crepe_cli
benchmark`` (CREPE tiny and small, FCN-F0 and pYIN on real instrument notes in real backgrounds,
:func:`run_benchmark`, writes ``data/pitch_benchmark.json``) and ``python -m course_lib.tools.crepe_cli
heads`` (the same small network trained with a classification and a regression head,
:func:`run_heads`, writes ``data/crepe_heads.json``).

Layer 5 (a tool, like :mod:`course_lib.book`): it uses :mod:`course_lib.crepe`,
:mod:`course_lib.fcn_f0`, :mod:`course_lib.pitch_eval`, :mod:`course_lib.audio` and
:mod:`course_lib.plot`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

import numpy as np

from .. import _checks
from ..datasets import assets, pitch_eval
from ..models import crepe, fcn_f0
from ..dsp import pitch
from ..teaching import plot
from ..dsp import audio as _audio
from ..errors import AudioError

__all__ = [
    "output_path", "save_salience_png", "process_file", "main",
    "TRACKERS", "BENCHMARK_SNRS", "BENCHMARK_FILE", "HEADS_FILE", "track", "benchmark_excerpt", "run_benchmark",
    "HEAD_SETTINGS", "head_data", "head_errors", "head_scores", "loss_curve", "run_heads",
]

#: Rows of the voicing strips under the salience image (confidence, then confidence > 0.5).
_STRIP_ROWS = 20


def output_path(file, suffix, output_dir=None) -> str:
    """Output file name next to ``file`` (or in ``output_dir``): ``x.wav`` → ``x.f0.csv``.

    A ``.wav`` extension (any case) is replaced by ``suffix`` as in the original; other
    extensions are kept (``x.flac`` → ``x.flac.f0.csv``).

    Parameters
    ----------
    file : str or os.PathLike
        The input audio file.
    suffix : str
        What to append, e.g. ``".f0.csv"``.
    output_dir : str or os.PathLike, optional
        Directory for the output (default: the input's).

    Returns
    -------
    str

    Notebook: (tooling, the command line)
    """
    path = os.fspath(file)
    if not isinstance(suffix, str):
        raise TypeError(f"suffix must be a str, got {type(suffix).__name__}")
    path = path[:-4] + suffix if path.lower().endswith(".wav") else path + suffix
    if output_dir is not None:
        path = os.path.join(os.fspath(output_dir), os.path.basename(path))
    return path


def save_salience_png(path, activation, confidence=None) -> None:
    """Write the activation matrix as an image: one pixel per frame and per bin.

    Time runs left to right, low pitch at the bottom, the inferno colour map on [0, 1], like the
    original's ``--save-plot``; with ``confidence``, a 20-pixel strip below shows the soft
    (confidence) and hard (> 0.5) voicing. The image is :func:`course_lib.plot.salience` without
    axes, saved at one pixel per cell: ``n_frames`` wide, 360 (380 with the strip) high.

    Parameters
    ----------
    path : str or os.PathLike
        The PNG file to write.
    activation : array_like, shape (n_frames, 360)
        CREPE's salience, in [0, 1].
    confidence : array_like, shape (n_frames,), optional
        Voicing confidence per frame (add the strip).

    Returns
    -------
    None

    Notebook: (tooling, the command line's --plot)
    """
    from matplotlib.figure import Figure

    activation = np.asarray(activation)
    rows = crepe.N_BINS + (_STRIP_ROWS if confidence is not None else 0)
    fig = Figure(figsize=(activation.shape[0], rows), dpi=1)  # one pixel per frame and per row
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    plot.salience(activation, ax=ax, confidence=confidence, voicing_strip=confidence is not None, labels=False)
    fig.savefig(os.fspath(path), dpi=1)


def process_file(
    file,
    output=None,
    capacity="tiny",
    viterbi=False,
    center=True,
    save_activation=False,
    save_plot=False,
    plot_voicing=False,
    step_size=10,
    batch_size=256,
):
    """Estimate the pitch of an audio file and write ``FILE.f0.csv`` (and optional extras).

    The CSV has the header ``time,frequency,confidence`` and one line per frame formatted
    ``%.3f,%.3f,%.6f``, exactly as the original's. ``save_activation`` writes the activation
    matrix to ``FILE.activation.npy``, ``save_plot`` the salience image to
    ``FILE.activation.png`` (:func:`save_salience_png`).

    Parameters
    ----------
    file : str or os.PathLike
        Audio file (anything :func:`course_lib.audio.load` reads: WAV, FLAC, OGG).
    output : str or None
        Directory for the outputs (default: next to the input).
    capacity, viterbi, center, step_size, batch_size
        As :func:`course_lib.crepe.predict`.
    save_activation : bool
        Also write ``FILE.activation.npy``.
    save_plot : bool
        Also write ``FILE.activation.png``.
    plot_voicing : bool
        With ``save_plot``: add the voicing strips under the image.

    Returns
    -------
    str
        Path of the CSV file.

    Raises
    ------
    course_lib.errors.AudioError
        A file that cannot be read as audio (the message names it).

    Notebook: (tooling, the command line)
    """
    y, sr = _audio.load(file)
    time, frequency, confidence, activation = crepe.predict(
        y, sr, capacity=capacity, viterbi=viterbi, center=center, step_size=step_size, batch_size=batch_size
    )
    f0_file = output_path(file, ".f0.csv", output)
    f0_data = np.vstack([time, frequency, confidence]).transpose()
    np.savetxt(f0_file, f0_data, fmt=["%.3f", "%.3f", "%.6f"], delimiter=",", header="time,frequency,confidence", comments="")
    if save_activation:
        np.save(output_path(file, ".activation.npy", output), activation)
    if save_plot:
        save_salience_png(output_path(file, ".activation.png", output), activation, confidence if plot_voicing else None)
    return f0_file


def _positive_int(text):
    """argparse type: a positive integer (argparse turns the error into a usage message)."""
    try:
        return _checks.positive_int(int(text), "value")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from exc


def _collect_files(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(f for f in os.listdir(path) if f.lower().endswith((".wav", ".flac", ".ogg")))
            if not found:
                raise AudioError(f"cannot read '{path}': directory contains no WAV, FLAC or OGG files")
            files += [os.path.join(path, f) for f in found]
        elif os.path.exists(path):
            files.append(path)
        else:
            raise AudioError(f"cannot read '{path}': file not found (no such file or directory)")
    return files


# ============================================================================================
# the cached experiments of chapter 07: the pitch-tracker benchmark and the two heads
# ============================================================================================
#: The trackers of the benchmark, in table order.
TRACKERS = ("CREPE tiny", "CREPE small", "FCN-F0", "pYIN")
#: SNRs of the benchmark, dB over the whole excerpt (inf: no background).
BENCHMARK_SNRS = (math.inf, 20.0, 10.0, 0.0, -5.0)
#: Where the cached results live (relative to the repository root).
#: The cached results, files of the course's ``data/`` folder (:func:`course_lib.assets.path`).
BENCHMARK_FILE = "pitch_benchmark.json"
HEADS_FILE = "crepe_heads.json"
_STEP_MS = 20  # one frame every 20 ms for every tracker
_CONF_EDGES = tuple(np.round(np.linspace(0.0, 1.0, 11), 1))


def track(name, y, sr, step_size=_STEP_MS):
    """Run one tracker of :data:`TRACKERS` on a clip: times, frequencies, voicing, confidence.

    CREPE (:func:`course_lib.crepe.predict`) and FCN-F0 (:func:`course_lib.fcn_f0.predict`) say
    *voiced* where their confidence exceeds 0.5; pYIN (:func:`course_lib.pitch_eval.pyin`, 1024
    samples, the same hop) uses its own voicing decision and reports its voiced probability as
    confidence.

    Parameters
    ----------
    name : str
        One of :data:`TRACKERS`.
    y : np.ndarray
        Mono audio.
    sr : int
        Hz.
    step_size : float
        Hop, ms.

    Returns
    -------
    time, frequency, voiced, confidence : np.ndarray
        Seconds, Hz, bool, [0, 1].

    Notebook: 07_crepe (via `benchmark_excerpt`)
    """
    name = _checks.choice(name, "name", TRACKERS)
    if name.startswith("CREPE"):
        t, f, c, _ = crepe.predict(y, sr, capacity=name.split()[1], step_size=step_size)
        return t, f, c > 0.5, c
    if name == "FCN-F0":
        t, f, c, _ = fcn_f0.predict(y, sr, step_size=step_size)
        return t, f, c > 0.5, c
    t, f, v, p = pitch_eval.pyin(y, sr, hop_length=int(round(sr * step_size / 1000)))
    return t, np.nan_to_num(f), np.asarray(v, bool), np.nan_to_num(p)


def benchmark_excerpt(excerpt, trackers=TRACKERS, step_size=_STEP_MS):
    """Score every tracker on one :class:`~course_lib.pitch_eval.NoteExcerpt`.

    Parameters
    ----------
    excerpt : course_lib.pitch_eval.NoteExcerpt
    trackers : sequence of str
    step_size : float
        ms.

    Returns
    -------
    records : list of dict
        One per tracker: ``tracker``, the excerpt's ``name``, ``instrument``, ``midi``,
        ``background``, ``snr_db`` (``"inf"`` when clean) and the scores of
        :func:`course_lib.pitch_eval.score_tracker`.
    frames : dict
        ``{tracker: (confidence, correct)}`` on the scored reference-voiced frames (correct:
        within 50 cents whatever the voicing decision), for reliability tables.

    Notebook: 07_crepe
    """
    records, frames = [], {}
    for name in trackers:
        t, f, v, c = track(name, excerpt.y, excerpt.sr, step_size)
        n = len(excerpt.y) // int(round(excerpt.sr * step_size / 1000))  # frames every tracker has
        t, f, v, c = t[:n], f[:n], v[:n], c[:n]
        ref, scored = pitch_eval.note_reference(excerpt, t)
        scores = pitch_eval.score_tracker(ref, f, v, scored)
        records.append({"tracker": name, "name": excerpt.name, "instrument": excerpt.instrument, "midi": excerpt.midi,
                        "background": excerpt.background,
                        "snr_db": "inf" if excerpt.snr_db == math.inf else excerpt.snr_db, **scores})
        voiced_ref = scored & (ref > 0)
        ok = np.zeros(len(f), bool)
        good = voiced_ref & (f > 0)
        ok[good] = np.abs(pitch.interval_cents(ref[good], f[good])) < 50
        frames[name] = (c[voiced_ref], ok[voiced_ref])
    return records, frames


def run_benchmark(out=None, n=5, seed=0, snrs=BENCHMARK_SNRS, instruments=None, trackers=TRACKERS):
    """Run the whole benchmark (instruments × SNRs × ``n`` excerpts × trackers) and cache it as JSON.

    Parameters
    ----------
    out : str or os.PathLike, optional
        Default: :data:`BENCHMARK_FILE` in the course's ``data/`` folder.
        The JSON file (:func:`course_lib.training.save_results`' format: ``config`` and ``runs``,
        one run per tracker and excerpt); ``config["reliability"]`` holds, per tracker, the frame
        counts and correct counts per confidence bin (edges 0, 0.1, …, 1).
    n : int
        Excerpts per instrument × SNR cell.
    seed : int
    snrs, instruments, trackers : sequences
        Default: :data:`BENCHMARK_SNRS`, all of :data:`course_lib.pitch_eval.BENCHMARK_INSTRUMENTS`,
        :data:`TRACKERS`.

    Returns
    -------
    list of dict
        The runs.

    Notebook: (tooling, ``python -m course_lib.tools.crepe_cli benchmark``)
    """
    from ..models import training

    instruments = list(pitch_eval.BENCHMARK_INSTRUMENTS) if instruments is None else list(instruments)
    runs = []
    conf = {name: [] for name in trackers}
    ok = {name: [] for name in trackers}
    for instrument in instruments:
        for snr in snrs:
            for excerpt in pitch_eval.note_excerpts(instrument, snr, n, seed=seed):
                records, frames = benchmark_excerpt(excerpt, trackers)
                runs += records
                for name, (c, k) in frames.items():
                    conf[name].append(c)
                    ok[name].append(k)
            print(f"{instrument} at {snr:g} dB done", flush=True)
    reliability = {}
    for name in trackers:
        counts, n_correct, mean_conf = pitch_eval.reliability(np.concatenate(conf[name]), np.concatenate(ok[name]), _CONF_EDGES)
        reliability[name] = {"counts": counts.tolist(), "correct": n_correct.tolist(),
                             "mean_confidence": [None if np.isnan(m) else float(m) for m in mean_conf]}
    import librosa
    import mir_eval

    config = {"n_per_cell": n, "seed": seed, "snrs_db": ["inf" if s == math.inf else s for s in snrs],
              "instruments": {k: list(pitch_eval.BENCHMARK_INSTRUMENTS[k]) for k in instruments},
              "backgrounds": list(pitch_eval.BENCHMARK_BACKGROUNDS), "trackers": list(trackers), "step_ms": _STEP_MS,
              "confidence_edges": list(_CONF_EDGES), "reliability": reliability,
              "versions": {"librosa": librosa.__version__, "mir_eval": mir_eval.__version__}}
    training.save_results(assets.data_dir() / BENCHMARK_FILE if out is None else out, runs, config)
    return runs


#: Settings of the regression-vs-classification experiment: ``steps`` batches of ``batch_size``
#: fresh frames (each frame seen once), made in chunks of ``chunk_steps`` batches so that the
#: first steps can be remade alone; the loss curve keeps the mean of every ``curve_every`` steps.
HEAD_SETTINGS = {"steps": 1500, "batch_size": 32, "learning_rate": 0.003, "multiplier": 1,
                 "n_test": 400, "seeds": (0, 1, 2), "data_seed": 7, "chunk_steps": 100, "curve_every": 25}


def _head_frames(count, rng):
    half = count // 2
    xn, _, fn = crepe.note_frames(half, rng=rng)
    xs, _, fs, amb = crepe.synthetic_frames(count - half, fmin=65.0, fmax=1000.0, rng=rng, octave_ambiguous=0.5)
    kind = np.array(["note"] * half + ["ambiguous" if a else "tone" for a in amb])
    return np.concatenate([xn, xs]), np.concatenate([fn, fs]), kind


def head_data(settings=None, steps=None):
    """Training and test frames of the heads experiment (the same for both heads and every seed).

    Half of each set are real sampled-instrument notes (:func:`course_lib.crepe.note_frames`),
    half synthetic harmonic tones 65–1000 Hz (:func:`course_lib.crepe.synthetic_frames`), half of
    these octave-ambiguous (weak fundamental, strongest second harmonic). The training frames are
    made in chunks of ``chunk_steps · batch_size`` frames, chunk ``i`` shuffled and drawn from
    the seed ``(data_seed, 1, i)``, the test frames from ``(data_seed, 0)``: the first ``steps``
    batches are the same whether or not the rest is made.

    Parameters
    ----------
    settings : dict, optional
        Default :data:`HEAD_SETTINGS`.
    steps : int, optional
        Make only the frames of the first ``steps`` batches (default ``settings["steps"]``).

    Returns
    -------
    train : (frames, f0)
        ``steps · batch_size`` frames in training order.
    test : (frames, f0, kind)
        ``kind``: ``"note"``, ``"tone"`` or ``"ambiguous"`` per frame.

    Notebook: 07_crepe
    """
    s = dict(HEAD_SETTINGS if settings is None else settings)
    steps = _checks.positive_int(s["steps"] if steps is None else steps, "steps", what="batches")
    n_train, chunk = steps * s["batch_size"], s["chunk_steps"] * s["batch_size"]
    xs, fs = [], []
    for i, start in enumerate(range(0, n_train, chunk)):
        rng = np.random.default_rng((s["data_seed"], 1, i))
        x, f, _ = _head_frames(min(chunk, n_train - start), rng)
        order = rng.permutation(len(f))
        xs.append(x[order])
        fs.append(f[order])
    test = _head_frames(s["n_test"], np.random.default_rng((s["data_seed"], 0)))
    return (np.concatenate(xs), np.concatenate(fs)), test


def head_errors(cents, f0) -> np.ndarray:
    """Signed pitch errors in cents (estimate minus truth; 10,000 where the estimate is not finite).

    Parameters
    ----------
    cents : array_like
        Predicted cents above 10 Hz.
    f0 : array_like
        True Hz.

    Returns
    -------
    np.ndarray of float64

    Notebook: 07_crepe (via `head_scores`)
    """
    err = np.asarray(cents, float) - pitch.hz_to_cents(np.asarray(f0, float))
    return np.where(np.isfinite(err), err, 1e4)


def head_scores(cents, f0, kind):
    """Scores of one trained head on the test frames: overall and per kind of frame.

    Parameters
    ----------
    cents : np.ndarray
        Predicted cents above 10 Hz.
    f0 : np.ndarray
        True Hz.
    kind : np.ndarray of str

    Returns
    -------
    dict
        For ``all``, ``note``, ``tone``, ``ambiguous``: ``rpa`` (within 50 cents), ``rca``
        (within 50 cents after folding octaves), ``median_error`` and ``mean_error`` (absolute,
        cents).

    Notebook: 07_crepe
    """
    err = head_errors(cents, f0)
    folded = np.abs(err - 1200 * np.round(err / 1200))
    out = {}
    for k in ("all", "note", "tone", "ambiguous"):
        m = np.ones(len(err), bool) if k == "all" else (kind == k)
        out[k] = {"rpa": float(np.mean(np.abs(err[m]) < 50)), "rca": float(np.mean(folded[m] < 50)),
                  "median_error": float(np.median(np.abs(err[m]))), "mean_error": float(np.mean(np.abs(err[m])))}
    return out


def loss_curve(losses, every=25) -> list:
    """Mean loss of each block of ``every`` training steps (the last block may be shorter).

    Parameters
    ----------
    losses : sequence of float
        One loss per step (:func:`course_lib.crepe.train_head`).
    every : int
        Steps per block.

    Returns
    -------
    list of float

    Notebook: 07_crepe
    """
    every = _checks.positive_int(every, "every", what="steps")
    losses = np.asarray(losses, float)
    return [float(np.mean(losses[i : i + every])) for i in range(0, len(losses), every)]


def run_heads(out=None, settings=None):
    """Train both heads with every seed of :data:`HEAD_SETTINGS` and cache the results as JSON.

    Parameters
    ----------
    out : str or os.PathLike, optional
        The JSON file (default: :data:`HEADS_FILE` in the course's ``data/`` folder).
    settings : dict, optional

    Returns
    -------
    list of dict
        One run per head and seed: ``head``, ``seed``, ``final_loss`` (mean of the last
        ``curve_every`` steps), ``loss_curve`` (:func:`loss_curve`), ``scores``
        (:func:`head_scores`) and ``errors`` (:func:`head_errors` per test frame, rounded to
        0.1 cent).

    Notebook: (tooling, ``python -m course_lib.tools.crepe_cli heads``)
    """
    import keras

    from ..models import training

    s = dict(HEAD_SETTINGS if settings is None else settings)
    (x, f), (xt, ft, kind) = head_data(s)
    runs = []
    for seed in s["seeds"]:
        for head in crepe.HEADS:
            model, losses = crepe.train_head(head, x, f, seed=seed, batch_size=s["batch_size"],
                                             learning_rate=s["learning_rate"], multiplier=s["multiplier"])
            cents = crepe.head_cents(model, xt)
            curve = loss_curve(losses, s["curve_every"])
            runs.append({"head": head, "seed": seed, "final_loss": curve[-1], "loss_curve": curve,
                         "scores": head_scores(cents, ft, kind),
                         "errors": [round(float(e), 1) for e in head_errors(cents, ft)]})
            print(f"{head} seed {seed}: RPA {runs[-1]['scores']['all']['rpa']:.3f}", flush=True)
    training.save_results(assets.data_dir() / HEADS_FILE if out is None else out, runs, {**{k: list(v) if isinstance(v, tuple) else v for k, v in s.items()},
                                      "test_kind": kind.tolist(), "keras": keras.__version__})
    return runs


def main(argv=None) -> int:
    """Command line: ``python -m course_lib.tools.crepe_cli [options] FILE_OR_DIR...``.

    For each audio file (directories: their .wav/.flac/.ogg files) write ``FILE.f0.csv``
    (time, frequency, confidence) with the pretrained model, showing a tqdm progress bar over the
    files. Options: ``--capacity/-c`` (default tiny), ``--viterbi/-V``, ``--step-size/-s`` (ms),
    ``--no-centering/-n``, ``--output/-o DIR``, ``--save-activation/-a``, ``--plot/-p``
    (``FILE.activation.png``), ``--plot-voicing/-v``, ``--batch-size/-b``, ``--quiet/-q``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    course_lib.errors.AudioError
        For a missing or unreadable file, naming it (``python -m`` prints just the message and
        exits with status 1).

    Notebook: (tooling, the command line)
    """
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.tools.crepe_cli",
        description="CREPE pitch estimation: writes FILE.f0.csv (time,frequency,confidence) for each audio file.",
    )
    parser.add_argument("filename", nargs="+", help="audio file(s) or directories of audio files")
    parser.add_argument("--output", "-o", default=None, help="directory for the outputs (default: next to each input)")
    parser.add_argument("--capacity", "--model-capacity", "-c", default="tiny", choices=list(crepe.CAPACITIES))
    parser.add_argument("--viterbi", "-V", action="store_true", help="Viterbi-smooth the pitch curve")
    parser.add_argument("--save-activation", "-a", action="store_true", help="save FILE.activation.npy")
    parser.add_argument("--plot", "--save-plot", "-p", action="store_true", help="save the salience image FILE.activation.png")
    parser.add_argument("--plot-voicing", "-v", action="store_true", help="add voicing strips under the salience image")
    parser.add_argument("--no-centering", "-n", action="store_true", help="frames start (not centre) at their time stamps")
    parser.add_argument("--step-size", "-s", default=10, type=_positive_int, help="hop in milliseconds (default 10)")
    parser.add_argument("--batch-size", "-b", default=256, type=_positive_int, help="frames per forward pass")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("benchmark", "heads"):
        sub = argparse.ArgumentParser(prog=f"python -m course_lib.tools.crepe_cli {argv[0]}",
                                      description="remake chapter 07's cached " + ("tracker benchmark" if argv[0] == "benchmark" else "heads experiment"))
        sub.add_argument("--out", default=None, help="the JSON file to write (default: its name in the course's data/ folder)")
        extra = sub.parse_args(argv[1:])
        (run_benchmark if argv[0] == "benchmark" else run_heads)(extra.out)
        return 0
    args = parser.parse_args(argv)
    if args.output is not None and not os.path.isdir(args.output):
        parser.error(f"--output directory does not exist: {args.output}")
    from tqdm.auto import tqdm

    files = _collect_files(args.filename)
    for file in tqdm(files, desc="CREPE", unit="file", disable=args.quiet):
        process_file(
            file,
            output=args.output,
            capacity=args.capacity,
            viterbi=args.viterbi,
            center=not args.no_centering,
            save_activation=args.save_activation,
            save_plot=args.plot,
            plot_voicing=args.plot_voicing,
            step_size=args.step_size,
            batch_size=args.batch_size,
        )
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through subprocess in the tests
    try:
        sys.exit(main())
    except AudioError as exc:
        print(f"python -m course_lib.tools.crepe_cli: error: {exc}", file=sys.stderr)
        sys.exit(1)
