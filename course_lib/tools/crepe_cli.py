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

Chapter ``07_crepe``'s studies (the tracker benchmark, the two heads) are
:mod:`course_lib.experiments.pitch_benchmark` and :mod:`course_lib.experiments.crepe_heads`,
remade by ``python -m course_lib.experiments NAME``.

Layer 7 (a tool, like :mod:`course_lib.tools.book`): it uses :mod:`course_lib.models.crepe`,
:mod:`course_lib.dsp.audio` and :mod:`course_lib.teaching.plot`.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

from .. import _checks
from ..dsp import audio as _audio
from ..errors import AudioError
from ..models import crepe
from ..teaching import plot

__all__ = ["output_path", "save_salience_png", "process_file", "main"]

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
    *,
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
