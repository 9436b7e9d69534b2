"""Matplotlib figures the notebooks draw again and again, labelled with units.

Waveforms (seconds vs amplitude), magnitude spectra (Hz vs dB), spectrograms (seconds vs Hz or
mel bands, colour in dB) and filterbanks (Hz vs weight). Every function draws on an ``ax`` it is
given (or a new one) and returns it, so notebooks can compose figures. Used by chapters 01–08;
notebooks only (no other course_lib module imports it).
"""

from __future__ import annotations

import numpy as np

from . import mel as _mel

__all__ = ["waveform", "spectrum", "spectrogram", "filterbank"]


def _axes(ax, figsize=(8, 3)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def waveform(y, sr, ax=None, title=None, start=0.0, **line_kwargs):
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
    ax = _axes(ax)
    y = np.asarray(y)
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
    hop_length,
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
    ax = _axes(ax, figsize=(8, 3.5))
    S_db = np.asarray(S_db)
    n_bins, n_frames = S_db.shape
    t_end = n_frames * hop_length / float(sr)
    if y_axis == "linear":
        n_fft = n_fft or 2 * (n_bins - 1)
        top = (n_bins - 0.5) * sr / n_fft
        extent = [-0.5 * hop_length / sr, t_end - 0.5 * hop_length / sr, -0.5 * sr / n_fft, top]
        ylabel = "Frequency (Hz)"
    elif y_axis in ("mel", "bins"):
        extent = [-0.5 * hop_length / sr, t_end - 0.5 * hop_length / sr, -0.5, n_bins - 0.5]
        ylabel = "Mel band" if y_axis == "mel" else "Bin"
    else:
        raise ValueError(f"y_axis must be 'linear', 'mel' or 'bins', got {y_axis!r}")
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


def filterbank(weights, sr, n_fft, ax=None, title=None, every=1, **line_kwargs):
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
    ax = _axes(ax)
    freqs = np.arange(weights.shape[1]) * float(sr) / n_fft
    for row in np.asarray(weights)[::every]:
        ax.plot(freqs, row, linewidth=line_kwargs.get("linewidth", 0.9), **{k: v for k, v in line_kwargs.items() if k != "linewidth"})
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Weight")
    if title:
        ax.set_title(title)
    return ax
