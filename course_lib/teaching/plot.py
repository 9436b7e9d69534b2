"""Matplotlib figures the notebooks draw again and again, labelled with units, and a layer table.

Waveforms (seconds vs amplitude), magnitude spectra (Hz vs dB), spectrograms (seconds vs Hz or
mel bands, colour in dB), filterbanks (Hz vs weight), the magnitude responses of a network's
first-layer filters (Hz vs filter, colour in dB), CREPE's salience (seconds vs pitch in Hz) and a
compact table of a Keras model's layers (:func:`layer_table`), a GCC-PHAT curve (lag in ms and
samples, :func:`gcc_phat`) and reference vs detected events over a spectrogram
(:func:`sed_events`). Every plotting function draws on an ``ax`` it is given (or a new one) and
returns it, so notebooks can compose figures. Used by chapters 00–09 and by :mod:`course_lib.crepe_cli` (the salience PNG). Layer 5.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..models import crepe
from ..dsp import mel as _mel

__all__ = ["waveform", "spectrum", "spectrogram", "filterbank", "layer_table", "SALIENCE_HZ_TICKS", "salience",
           "filter_responses", "gcc_phat", "sed_events"]


def _matrix(values, name: str, layout: str) -> np.ndarray:
    """A 2-D array (``layout`` names its axes in the message)."""
    arr = np.asarray(values)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D {layout}, got shape {arr.shape}")
    return arr


def _axes(ax, figsize=(8, 3)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def waveform(y, sr, *, ax=None, title=None, start=0.0, **line_kwargs):
    """Plot a signal against time.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
    sr : float
        Sampling rate (Hz); the x axis is ``start + n / sr`` seconds.
    ax : matplotlib Axes, optional
    title : str, optional
    start : float
        Time of the first sample (s).

    Returns
    -------
    matplotlib Axes

    Notebook: 01_sound_physics
    """
    sr = _checks.sample_rate(sr)
    start = _checks.number(start, "start", "s")
    y = _checks.audio(y, ndim=1, allow_empty=True)
    ax = _axes(ax)
    t = start + np.arange(len(y)) / float(sr)
    ax.plot(t, y, linewidth=line_kwargs.pop("linewidth", 0.8), **line_kwargs)
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Amplitude")
    ax.set_xlim(t[0] if len(t) else 0, t[-1] if len(t) else 1)
    if title:
        ax.set_title(title)
    return ax


def spectrum(freqs, magnitude_db, ax=None, title=None, xlim=None, **line_kwargs):
    """Plot a magnitude spectrum: frequency (Hz) against level (dB).

    Parameters
    ----------
    freqs : np.ndarray
        Bin frequencies (Hz), e.g. :func:`course_lib.spectral.fft_frequencies`.
    magnitude_db : np.ndarray
        Levels in dB, same length.
    xlim : (float, float), optional
        Frequency range to show (Hz).

    Returns
    -------
    matplotlib Axes

    Notebook: 02_dft_windowing
    """
    ax = _axes(ax)
    ax.plot(freqs, magnitude_db, linewidth=line_kwargs.pop("linewidth", 0.9), **line_kwargs)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Level (dB)")
    if xlim is not None:
        ax.set_xlim(*xlim)
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    return ax


def spectrogram(
    S_db,
    sr,
    *, hop_length,
    ax=None,
    title=None,
    y_axis="linear",
    fmin=0.0,
    fmax=None,
    n_fft=None,
    colorbar=True,
    cmap="magma",
    vmin=None,
    htk=False,
):
    """Show a (log-)spectrogram with time in seconds and frequency in Hz or mel bands.

    Parameters
    ----------
    S_db : np.ndarray, shape (n_bins, n_frames)
        Levels in dB (rows: frequency bins or mel bands, low to high).
    sr : float
        Sampling rate (Hz).
    hop_length : int
        Samples between frames; frame ``m`` is drawn centred at ``m · hop_length / sr`` seconds.
    y_axis : {"linear", "mel", "bins"}
        ``"linear"``: rows are STFT bins from 0 to sr/2 Hz. ``"mel"``: rows are mel bands between
        ``fmin`` and ``fmax``, labelled with their centre frequency in Hz. ``"bins"``: row index.
    n_fft : int, optional
        FFT size, only to label the linear axis exactly (default ``2·(n_bins - 1)``).
    htk : bool
        With ``y_axis="mel"``: the bands are on the HTK mel scale (labels use it).
    colorbar : bool
        Add a colour bar labelled "dB".

    Returns
    -------
    matplotlib Axes

    Notebook: 02_dft_windowing
    """
    sr = _checks.sample_rate(sr)
    hop_length = _checks.positive_int(hop_length, "hop_length", what="samples")
    y_axis = _checks.choice(y_axis, "y_axis", ("linear", "mel", "bins"))
    S_db = _matrix(S_db, "S_db", "(n_bins, n_frames)")
    ax = _axes(ax, figsize=(8, 3.5))
    n_bins, n_frames = S_db.shape
    t_end = n_frames * hop_length / float(sr)
    if y_axis == "linear":
        n_fft = n_fft or 2 * (n_bins - 1)
        top = (n_bins - 0.5) * sr / n_fft
        extent = [-0.5 * hop_length / sr, t_end - 0.5 * hop_length / sr, -0.5 * sr / n_fft, top]
        ylabel = "Frequency (Hz)"
    else:
        extent = [-0.5 * hop_length / sr, t_end - 0.5 * hop_length / sr, -0.5, n_bins - 0.5]
        ylabel = "Mel band" if y_axis == "mel" else "Bin"
    image = ax.imshow(S_db, origin="lower", aspect="auto", extent=extent, cmap=cmap, vmin=vmin, interpolation="nearest")
    if y_axis == "mel":
        centres = _mel.mel_frequencies(n_bins + 2, fmin=fmin, fmax=fmax or sr / 2, htk=htk)[1:-1]
        ticks = np.linspace(0, n_bins - 1, min(6, n_bins)).round().astype(int)
        ax.set_yticks(ticks)
        ax.set_yticklabels([f"{centres[i]:.0f}" for i in ticks])
        ylabel = "Mel band centre (Hz)"
    ax.set_xlabel("Time (s)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="dB", pad=0.01)
    return ax


def filterbank(weights, sr, *, n_fft, ax=None, title=None, every=1, **line_kwargs):
    """Plot the rows of a filterbank matrix against frequency.

    Parameters
    ----------
    weights : np.ndarray, shape (n_filters, 1 + n_fft // 2)
    sr : float
        Sampling rate (Hz).
    n_fft : int
        FFT size (samples), giving each column's frequency ``k · sr / n_fft``.
    every : int
        Draw every ``every``-th filter (to keep dense banks readable).

    Returns
    -------
    matplotlib Axes

    Notebook: 03_mel_perception
    """
    sr = _checks.sample_rate(sr)
    n_fft = _checks.positive_int(n_fft, "n_fft", what="samples")
    every = _checks.positive_int(every, "every", what="filters")
    weights = _matrix(weights, "weights", "(n_filters, 1 + n_fft // 2)")
    ax = _axes(ax)
    freqs = np.arange(weights.shape[1]) * float(sr) / n_fft
    for row in weights[::every]:
        ax.plot(freqs, row, linewidth=line_kwargs.get("linewidth", 0.9), **{k: v for k, v in line_kwargs.items() if k != "linewidth"})
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Weight")
    if title:
        ax.set_title(title)
    return ax


def layer_table(model) -> None:
    """Print a Keras model's layers as a table: name, output shape and parameter count, then the total.

    A compact ``model.summary()``: one line per layer of ``model.layers`` with the shape of its
    output (``None``, the batch dimension, shown as ``batch``) and its number of parameters
    (trainable or not), then a ``total`` line with ``model.count_params()``. The columns are as
    wide as their longest entry, so long layer names keep the table aligned.

    Parameters
    ----------
    model : keras.Model
        A built model (every layer has an output).

    Returns
    -------
    None
        The table is printed.

    Raises
    ------
    TypeError
        ``model`` is not a Keras model (it has no ``layers`` and ``count_params``).

    Examples
    --------
    >>> layer_table(crepe.build_model(1, layout="conv1d"))  # doctest: +SKIP
    layer          output shape      parameters
    input          (batch, 1024)              0
    input-reshape  (batch, 1024, 1)           0
    conv1          (batch, 256, 32)      16,416
    ...
    total                                60,604

    Notebook: 04_audioset_vggish, 06_raw_waveform, 07_crepe
    """
    if not (hasattr(model, "layers") and callable(getattr(model, "count_params", None))):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    rows = []
    for layer in model.layers:
        outputs = layer.output if isinstance(layer.output, (list, tuple)) else [layer.output]
        shape = ", ".join(str(tuple(o.shape)).replace("None", "batch") for o in outputs)
        rows.append((layer.name, shape, f"{layer.count_params():,}"))
    total = f"{model.count_params():,}"
    header = ("layer", "output shape", "parameters")
    name_w, shape_w, count_w = (max(len(r[i]) for r in rows + [header]) for i in range(3))
    count_w = max(count_w, len(total))
    print(f"{header[0]:<{name_w}}  {header[1]:<{shape_w}}  {header[2]:>{count_w}}")
    for name, shape, count in rows:
        print(f"{name:<{name_w}}  {shape:<{shape_w}}  {count:>{count_w}}")
    print(f"{'total':<{name_w + 2 + shape_w}}  {total:>{count_w}}")


#: Pitches (Hz) labelled on the axis of :func:`salience`.
SALIENCE_HZ_TICKS = (50, 100, 200, 400, 800, 1600)


def salience(activation, time=None, *, ax=None, frequency=None, confidence=None, truth=None, threshold=0.5,
             hz_range=None, title=None, voicing_strip=False, labels=True):
    """Show CREPE's activation matrix: time across, the 360 pitch bins up (labelled in Hz).

    Each frame's 360 activations are a column coloured with the inferno map on [0, 1] (the
    original CREPE's picture). On top, optionally: a true pitch curve (``truth``, broad and
    translucent) and the estimated one (``frequency``, hidden where ``confidence`` is at most
    ``threshold``). With ``voicing_strip``, 20 rows under the bins show the voicing as the command
    line's ``--plot-voicing`` does: ``confidence`` (10 rows), then ``confidence > threshold``
    (the bottom 10). :func:`course_lib.crepe_cli.save_salience_png` saves this drawing without
    axes, one pixel per cell.

    Parameters
    ----------
    activation : array_like, shape (n_frames, 360)
        CREPE's activations (``predict``'s fourth output), in [0, 1].
    time : array_like, shape (n_frames,), optional
        Frame times in seconds (``predict``'s first output); default: the x axis counts frames.
    ax : matplotlib Axes, optional
    frequency : array_like, shape (n_frames,), optional
        Estimated f0 in Hz (0 = unvoiced), drawn as a line.
    confidence : array_like, shape (n_frames,), optional
        Voicing confidence in [0, 1]: masks the ``frequency`` line, and feeds the strip.
    truth : array_like, shape (n_frames,), optional
        True f0 in Hz (0 = unvoiced).
    threshold : float
        Confidence above which a frame counts as voiced.
    hz_range : (float, float), optional
        Pitch range to show, Hz.
    title : str, optional
    voicing_strip : bool
        Add the two voicing strips below (needs ``confidence``).
    labels : bool
        Ticks in Hz, axis labels and a legend; ``False`` draws the image alone (no axes).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        A shape that does not match, or ``voicing_strip`` without ``confidence``.

    Notebook: 07_crepe
    """
    a = np.asarray(activation, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != crepe.N_BINS or a.shape[0] == 0:
        raise ValueError(f"activation must have shape (n_frames >= 1, {crepe.N_BINS}), got {a.shape}")
    n = a.shape[0]
    threshold = _checks.number(threshold, "threshold", minimum=0.0, maximum=1.0)

    def per_frame(values, name):
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (n,):
            raise ValueError(f"{name} must have one value per frame, shape ({n},), got {values.shape}")
        return values

    if time is None:
        x0, x1, xlabel = -0.5, n - 0.5, "Frame"
        x = np.arange(n)
    else:
        x = per_frame(time, "time")
        step = x[1] - x[0] if n > 1 else 0.01
        x0, x1, xlabel = x[0] - step / 2, x[-1] + step / 2, "Time (s)"
    image = a.T
    bottom = -0.5
    if voicing_strip:
        if confidence is None:
            raise ValueError("voicing_strip needs confidence")
        conf = per_frame(confidence, "confidence")
        half = 10
        strips = np.concatenate([np.repeat((conf > threshold)[None, :].astype(np.float64), half, axis=0),
                                 np.repeat(conf[None, :], half, axis=0)])
        image = np.concatenate([strips, image])
        bottom -= 2 * half
    ax = _axes(ax, figsize=(9, 3.2))
    ax.imshow(image, origin="lower", aspect="auto", cmap="inferno", vmin=0.0, vmax=1.0,
              extent=[x0, x1, bottom, crepe.N_BINS - 0.5], interpolation="nearest")
    if not labels:
        ax.set_axis_off()
        return ax
    ticks = [f for f in SALIENCE_HZ_TICKS if 0 <= crepe.hz_to_bin(f) <= crepe.N_BINS - 1]
    ax.set_yticks(crepe.hz_to_bin(ticks), [str(f) for f in ticks])
    if voicing_strip:
        ax.set_yticks([-15.5, -5.5], ["voiced", "conf."], minor=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Pitch (Hz)")
    if truth is not None:
        ax.plot(x, crepe.hz_to_bin(per_frame(truth, "truth")), color="white", lw=5, alpha=0.35, label="true f0")
    if frequency is not None:
        bins = crepe.hz_to_bin(per_frame(frequency, "frequency"))
        label = "CREPE f0"
        if confidence is not None:
            bins[per_frame(confidence, "confidence") <= threshold] = np.nan
            label += f" (confidence > {threshold:g})"
        ax.plot(x, bins, color="deepskyblue", lw=1, label=label)
    if truth is not None or frequency is not None:
        ax.legend(loc="upper right")
    if hz_range is not None:
        low, high = (_checks.positive(f, "hz_range", "Hz") for f in hz_range)
        ax.set_ylim(*crepe.hz_to_bin([low, high]))
    if title:
        ax.set_title(title)
    return ax


def filter_responses(freqs, responses_db, *, ax=None, title=None, vmin=-40.0, fmax=None, colorbar=True):
    """Show the magnitude responses of a layer's filters as an image: Hz across, filters up, dB as colour.

    Draws what :func:`course_lib.rawconv.filter_responses` computes (one row per filter, sorted by
    peak frequency, each normalized to 0 dB), so the bands a first layer covers read from the
    bottom (low filters) up.

    Parameters
    ----------
    freqs : array_like, shape (n_freqs,)
        Evenly spaced frequencies in Hz, from 0.
    responses_db : array_like, shape (n_filters, n_freqs)
        Levels in dB, one row a filter.
    ax : matplotlib Axes, optional
    title : str, optional
    vmin : float
        Level (dB) at the bottom of the colour map; the top is the maximum (0 dB when normalized).
    fmax : float, optional
        Highest frequency to show, Hz (default: all).
    colorbar : bool
        Add a colour bar labelled "dB".

    Returns
    -------
    matplotlib Axes

    Notebook: 07_crepe
    """
    freqs = np.asarray(freqs, dtype=np.float64)
    db = np.asarray(responses_db, dtype=np.float64)
    if freqs.ndim != 1 or freqs.size < 2 or db.ndim != 2 or db.shape[1] != freqs.size:
        raise ValueError(f"need freqs (n_freqs >= 2,) and responses_db (n_filters, n_freqs), got {freqs.shape} and {db.shape}")
    vmin = _checks.number(vmin, "vmin", "dB")
    ax = _axes(ax, figsize=(7, 3.5))
    df = freqs[1] - freqs[0]
    image = ax.imshow(db, origin="lower", aspect="auto", cmap="magma", vmin=vmin, vmax=max(float(db.max()), vmin + 1e-9),
                      extent=[freqs[0] - df / 2, freqs[-1] + df / 2, -0.5, db.shape[0] - 0.5], interpolation="nearest")
    if fmax is not None:
        ax.set_xlim(0.0, _checks.positive(fmax, "fmax", "Hz"))
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Filter (sorted by peak frequency)")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="dB", pad=0.01)
    return ax


# --- chapter 09 (localization) ---

def gcc_phat(lags, cc, *, ax=None, true_tau=None, tau=None, sr=None, title=None):
    """Plot a GCC-PHAT correlation against lag in milliseconds (and samples on the top axis).

    Parameters
    ----------
    lags : array_like, shape (n,)
        Lags (s), as :func:`course_lib.localization.gcc_phat` returns them.
    cc : array_like, shape (n,)
        The correlation at those lags.
    ax : matplotlib Axes, optional
    true_tau, tau : float, optional
        The true delay and the estimated one (s), drawn as vertical lines.
    sr : int, optional
        Sampling rate (Hz); adds a top axis in samples.
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Notebook: 09_detection_localization
    """
    lags = _checks.real_array(lags, "lags")
    cc = _checks.real_array(cc, "cc")
    if lags.ndim != 1 or lags.shape != cc.shape or lags.size < 2:
        raise ValueError(f"lags and cc must be 1-D of the same length (>= 2), got shapes {lags.shape} and {cc.shape}")
    ax = _axes(ax, figsize=(7, 2.6))
    ax.plot(lags * 1000, cc, lw=1, label="GCC-PHAT")
    if true_tau is not None:
        ax.axvline(_checks.number(true_tau, "true_tau", "s") * 1000, color="k", ls="--", lw=1, label="true delay")
    if tau is not None:
        ax.axvline(_checks.number(tau, "tau", "s") * 1000, color="C3", ls=":", lw=1.5, label="peak (estimate)")
    ax.set_xlabel("Lag (ms)")
    ax.set_ylabel("Correlation")
    if sr is not None:
        sr = _checks.sample_rate(sr)
        top = ax.secondary_xaxis("top", functions=(lambda ms: ms * sr / 1000, lambda n: n * 1000 / sr))
        top.set_xlabel("Lag (samples)")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right")
    return ax


# --- chapter 09 (detection) ---

def sed_events(S_db, sr, *, hop_length, class_names, reference=(), estimated=(), ax=None, title=None, colorbar=False):
    """A log-mel spectrogram with sound events drawn over it: one lane per class.

    The height of the picture is split into one lane per class (first class at the bottom).
    In its lane, a reference event is a filled, translucent box over the lane's upper half and
    an estimated (detected) event a hatched, outlined box over its lower half, so hits, misses,
    false alarms and onset errors read at a glance against the sound's energy.

    Parameters
    ----------
    S_db : array_like, shape (n_mels, n_frames)
        Log-mel levels in dB (frame ``m`` centred at ``m · hop_length / sr`` s).
    sr : int
        Sample rate (Hz).
    hop_length : int
        Hop between frames (samples).
    class_names : sequence of str
        One lane per class, in this order from the bottom.
    reference, estimated : sequences of (onset, offset, label)
        Events in seconds.
    ax : matplotlib Axes, optional
    title : str, optional
    colorbar : bool
        Add a colour bar labelled "dB".

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        An event whose label is not in ``class_names``, or a bad spectrogram.

    Notebook: 09_detection_localization
    """
    from matplotlib.patches import Rectangle

    names = list(class_names)
    if not names:
        raise ValueError("class_names must name at least one class")
    ax = spectrogram(S_db, sr, hop_length=hop_length, ax=ax, title=title, y_axis="mel", colorbar=colorbar, cmap="Greys")
    n_bins = np.shape(S_db)[0]
    lane = n_bins / len(names)
    colours = [f"C{i}" for i in range(len(names))]
    for kind, events in (("reference", reference), ("estimated", estimated)):
        for onset, offset, label in events:
            if label not in names:
                raise ValueError(f"{kind}: label {label!r} is not one of class_names {names}")
            k = names.index(label)
            bottom = -0.5 + k * lane + (lane / 2 if kind == "reference" else 0.05 * lane)
            height = lane * (0.45 if kind == "reference" else 0.4)
            if kind == "reference":
                patch = Rectangle((onset, bottom), offset - onset, height, facecolor=colours[k], alpha=0.45,
                                  edgecolor=colours[k], gid="reference")
            else:
                patch = Rectangle((onset, bottom), offset - onset, height, facecolor="none", hatch="///",
                                  edgecolor=colours[k], lw=1.5, gid="estimated")
            ax.add_patch(patch)
    for k, name in enumerate(names):
        ax.axhline(-0.5 + k * lane, color="0.6", lw=0.5)
        ax.text(0.005, -0.5 + (k + 0.5) * lane, name, transform=ax.get_yaxis_transform(),
                color=colours[k], va="center", ha="left", fontweight="bold")
    ax.set_ylabel("Frequency (Hz, mel scale)\nlanes: classes")
    return ax
