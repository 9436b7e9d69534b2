"""Interactive ipywidgets for the notebooks: the listening quiz and the explorers with sliders.

- :func:`sound_quiz` — "which sound is it?": waveforms and players, a drop-down per sound, a
  button that scores the answers (chapter 01).
- :func:`aliasing_explorer` — a slider for a sine's frequency against a fixed sampling rate,
  showing and playing the alias it becomes above Nyquist (chapter 01).
- :func:`stft_explorer` — sliders for the STFT window length and hop, showing the
  time–frequency trade-off (chapter 02).

Each returns the widget; the pieces a test needs (drop-downs, button, output) are attributes of
the returned object. The DSP they show lives in the lower layers (the alias of a frequency is
:func:`course_lib.spectral.alias_frequency`). Notebooks only; no other course_lib module imports
this one. Layer 5: imports :mod:`course_lib._checks`, :mod:`course_lib.spectral`,
:mod:`course_lib.synth` and :mod:`course_lib.plot`.
"""

from __future__ import annotations

import numpy as np

from . import _checks, spectral, synth

__all__ = ["SoundQuiz", "sound_quiz", "aliasing_explorer", "stft_explorer"]


def _audio_widget(y, sr):
    """An ``ipywidgets.Audio`` player holding ``y`` as 16-bit WAV bytes."""
    import io

    import ipywidgets as widgets
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, np.clip(np.asarray(y, dtype=np.float32), -1, 1), int(sr), format="WAV", subtype="PCM_16")
    return widgets.Audio(value=buf.getvalue(), format="wav", autoplay=False, loop=False)


def _figure_widget(draw, figsize=(3.2, 1.6)):
    """Render ``draw(ax)`` to PNG and wrap it in an ``ipywidgets.Image``."""
    import ipywidgets as widgets

    return widgets.Image(value=_render(lambda fig, ax: draw(ax), figsize=figsize, dpi=80), format="png")


class SoundQuiz:
    """The "which sound is it?" quiz: see it, hear it, name it, check.

    The sounds are shown in a random order drawn from ``rng`` (a permutation of the order given).

    Parameters
    ----------
    sounds : sequence of (str, array_like, int)
        ``(label, y, sr)`` triples: the right answer, the mono audio and its sampling rate in Hz;
        at least 2.
    rng : int, numpy.random.Generator or None, default 0
        Source of the display order.
    show_waveform : bool, default True
        Draw each waveform above its player.
    title : str
        Heading of the quiz.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What the notebook displays.
    dropdowns : list of ipywidgets.Dropdown
        One per sound, in display order.
    button : ipywidgets.Button
        "Check my answers".
    result : ipywidgets.HTML
        The score after checking.
    answers : list of str
        The right label of each displayed sound.

    Notebook: 01_sound_physics (via `sound_quiz`)
    """

    def __init__(self, sounds, rng=0, show_waveform=True, title="Which sound is it?"):
        import ipywidgets as widgets

        sounds = list(sounds)
        if len(sounds) < 2:
            raise ValueError("sound_quiz needs at least 2 sounds, each (label, y, sr)")
        for item in sounds:
            if len(item) != 3:
                raise ValueError(f"each sound must be (label, y, sr), got {type(item).__name__} of length {len(item)}")
            _checks.audio(item[1], "y", ndim=1)
            _checks.sample_rate(item[2])
        order = _checks.rng(rng).permutation(len(sounds))
        self.answers = [sounds[i][0] for i in order]
        labels = sorted({label for label, _, _ in sounds})
        self.dropdowns, cards = [], []
        for k, i in enumerate(order):
            label, y, sr = sounds[i]
            name = f"Sound {chr(ord('A') + k)}"
            dropdown = widgets.Dropdown(options=["?"] + labels, value="?", description=name)
            self.dropdowns.append(dropdown)
            parts = [widgets.HTML(f"<b>{name}</b>")]
            if show_waveform:
                t = np.arange(len(y)) / sr
                parts.append(_figure_widget(lambda ax, t=t, y=y: (ax.plot(t, y, lw=0.6), ax.set_xlabel("Time (s)"))))
            parts += [_audio_widget(y, sr), dropdown]
            cards.append(widgets.VBox(parts))
        self.button = widgets.Button(description="Check my answers", button_style="primary")
        self.result = widgets.HTML("")
        self.button.on_click(lambda _: self.check())
        self.widget = widgets.VBox([widgets.HTML(f"<h4>{title}</h4>"), widgets.HBox(cards), self.button, self.result])

    def check(self):
        """Score the current answers; updates :attr:`result` and returns ``(correct, total)``."""
        given = [d.value for d in self.dropdowns]
        correct = sum(g == a for g, a in zip(given, self.answers))
        lines = [
            f"{d.description}: {'✔' if g == a else '✘'} {'' if g == a else f'(you said {g!r})'}"
            for d, g, a in zip(self.dropdowns, given, self.answers)
        ]
        self.result.value = f"<b>{correct} / {len(self.answers)} correct</b><br>" + "<br>".join(lines)
        return correct, len(self.answers)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def sound_quiz(sounds, rng=0, show_waveform=True) -> SoundQuiz:
    """Build the listening quiz from ``(label, y, sr)`` triples, shown in a random order.

    Parameters
    ----------
    sounds : sequence of (str, array_like, int)
        ``(label, y, sr)``: the answer, mono audio, its sampling rate in Hz; at least 2.
    rng : int, numpy.random.Generator or None, default 0
        Source of the display order (the same seed gives the same order).
    show_waveform : bool, default True
        Draw each waveform above its player.

    Returns
    -------
    SoundQuiz
        Displays itself; ``answers`` holds the right label of each displayed sound.

    Raises
    ------
    ValueError
        Fewer than 2 sounds, an item that is not a ``(label, y, sr)`` triple, bad audio.

    Notebook: 01_sound_physics
    """
    return SoundQuiz(sounds, rng=rng, show_waveform=show_waveform)


def _render(draw, figsize=(8, 2.6), dpi=90):
    """PNG bytes of a figure drawn by ``draw(fig, ax)`` (no pyplot state, nothing displayed)."""
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    ax = fig.add_subplot()
    draw(fig, ax)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _explorer(controls, redraw, with_audio=False):
    """A VBox of ``controls``, an Image (and an Audio player) that ``redraw`` refreshes on change.

    The figure is rendered to PNG bytes held by an ``ipywidgets.Image``, not printed into an
    output area, so the widget shows the same thing live, in a saved notebook and in the book.
    """
    import ipywidgets as widgets

    image = widgets.Image(format="png")
    player = _audio_widget(np.zeros(1, np.float32), 8000) if with_audio else None
    box = widgets.VBox(list(controls) + [image] + ([player] if player is not None else []))

    def update(_=None):
        png, sound = redraw(*(c.value for c in controls))
        image.value = png
        if player is not None and sound is not None:
            player.value = _audio_widget(*sound).value

    for c in controls:
        c.observe(update, names="value")
    box.image, box.player, box.update = image, player, update
    update()
    return box


def aliasing_explorer(sr=8000, duration=1.0, max_freq=16000):
    """A frequency slider for a sine sampled at ``sr``: the plot and the sound show the alias.

    Parameters
    ----------
    sr : int, default 8000
        Sampling rate in Hz (the Nyquist frequency ``sr / 2`` is what the slider crosses).
    duration : float, default 1.0
        Seconds of the sine the player plays.
    max_freq : int, default 16000
        Top of the slider in Hz (>= 200).

    Returns
    -------
    ipywidgets.VBox
        Children: the slider, an Image with the plot, an Audio player; ``.update()`` redraws.

    Notebook: 01_sound_physics
    """
    import ipywidgets as widgets

    sr = _checks.sample_rate(sr)
    duration = _checks.positive(duration, "duration", "s")
    max_freq = _checks.integer(max_freq, "max_freq", minimum=200, what="Hz")

    def redraw(freq):
        alias = spectral.alias_frequency(freq, sr)
        t_fine = np.linspace(0, 0.005, 2000)
        n = np.arange(int(0.005 * sr) + 1)
        # Above sr/2 (mod sr) the samples trace the alias with its phase inverted.
        sign = 1.0 if np.mod(freq, sr) <= sr / 2 else -1.0

        def draw(fig, ax):
            ax.plot(t_fine * 1000, np.sin(2 * np.pi * freq * t_fine), lw=0.7, alpha=0.6, label=f"{freq} Hz (continuous)")
            ax.plot(n / sr * 1000, np.sin(2 * np.pi * freq * n / sr), "o", label=f"samples at {sr} Hz")
            ax.plot(t_fine * 1000, sign * np.sin(2 * np.pi * alias * t_fine), "--", lw=1, label=f"heard as {alias:.0f} Hz")
            ax.set_xlabel("Time (ms)")
            ax.set_ylabel("Amplitude")
            ax.legend(loc="upper right", fontsize=8)

        return _render(draw), (synth.sine(freq, sr=sr, duration=duration, amplitude=0.5), sr)

    slider = widgets.IntSlider(value=1000, min=100, max=max_freq, step=100, description="f (Hz)", continuous_update=False)
    return _explorer([slider], redraw, with_audio=True)


def stft_explorer(y, sr, max_window_ms=200.0):
    """Sliders for window length (ms) and hop (% of the window) over a spectrogram of ``y``.

    Short windows resolve events in time but blur frequency (the main lobe of the window is wide);
    long windows do the opposite.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio.
    sr : int
        Its sampling rate in Hz.
    max_window_ms : float, default 200.0
        Longest window the slider offers, in milliseconds (> 2).

    Returns
    -------
    ipywidgets.VBox
        Children: the two sliders and an Image with the spectrogram; ``.update()`` redraws.

    Notebook: 02_dft_windowing
    """
    import ipywidgets as widgets

    from . import plot

    y = _checks.audio(y, ndim=1)
    sr = _checks.sample_rate(sr)
    max_window_ms = _checks.number(max_window_ms, "max_window_ms", "ms", minimum=2.0, open_minimum=True)

    def redraw(window_ms, hop_percent):
        n_fft = max(16, int(round(window_ms / 1000 * sr)))
        hop = max(1, int(n_fft * hop_percent / 100))
        S = spectral.amplitude_to_db(np.abs(spectral.stft(y, n_fft=n_fft, hop_length=hop)), ref=np.max)
        title = f"window {n_fft} samples = {1000 * n_fft / sr:.1f} ms, Δf = {sr / n_fft:.1f} Hz, hop {1000 * hop / sr:.1f} ms"
        png = _render(lambda fig, ax: plot.spectrogram(S, sr, hop, ax=ax, n_fft=n_fft, vmin=-70, title=title), figsize=(8, 3.2))
        return png, None

    window = widgets.FloatLogSlider(value=32, base=10, min=np.log10(2), max=np.log10(max_window_ms), step=0.05,
                                    description="window (ms)", continuous_update=False)
    hop = widgets.IntSlider(value=25, min=10, max=100, step=5, description="hop (%)", continuous_update=False)
    return _explorer([window, hop], redraw)
