"""Interactive ipywidgets for the notebooks: the listening quiz and the explorers with sliders.

- :func:`sound_quiz` — "which sound is it?": waveforms and players, a drop-down per sound, a
  button that scores the answers (chapter 01).
- :func:`aliasing_explorer` — a slider for a sine's frequency against a fixed sampling rate,
  showing and playing the alias it becomes above Nyquist (chapter 01).
- :func:`stft_explorer` — sliders for the STFT window length and hop, showing the
  time–frequency trade-off (chapter 02).
- :func:`filterbank_explorer` — n_mels, fmin/fmax, HTK or Slaney, norm: the mel filterbank and its
  single-bin filters (chapter 03).
- :func:`multilabel_explorer` — a mixture's sigmoid scores against a threshold (chapter 04).
- :func:`augmentation_explorer` — background, SNR and room over a real clip, heard (chapter 05).
- :func:`detection_explorer` — threshold and median filter turning frame scores into events,
  with their F1 (chapter 09).
- :func:`doa_explorer` — move a source around a microphone array and watch GCC-PHAT and the
  estimated direction (chapter 09).

Each returns the widget; the pieces a test needs (drop-downs, button, output) are attributes of
the returned object. The DSP they show lives in the lower layers (the alias of a frequency is
:func:`course_lib.spectral.alias_frequency`). Notebooks only; no other course_lib module imports
this one. Layer 5: imports :mod:`course_lib._checks`, :mod:`course_lib.spectral`,
:mod:`course_lib.synth`, and inside the explorers :mod:`course_lib.plot`, :mod:`course_lib.mel`,
:mod:`course_lib.augment`, :mod:`course_lib.localization` and :mod:`course_lib.seld`.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..dsp import spectral, synth
from . import figures

__all__ = ["SoundQuiz", "sound_quiz", "aliasing_explorer", "stft_explorer", "filterbank_explorer", "multilabel_explorer",
           "augmentation_explorer", "detection_explorer", "doa_explorer"]


def _audio_widget(y, sr):
    """An ``ipywidgets.Audio`` player holding ``y`` as 16-bit WAV bytes."""
    import io

    import ipywidgets as widgets
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, np.clip(np.asarray(y, dtype=np.float32), -1, 1), int(sr), format="WAV", subtype="PCM_16")
    return widgets.Audio(value=buf.getvalue(), format="wav", autoplay=False, loop=False)


def _figure_widget(draw, figsize=(3.0, 1.7)):
    """Render ``draw(ax)`` to PNG and wrap it in an ``ipywidgets.Image``."""
    import ipywidgets as widgets

    return widgets.Image(value=_render(lambda fig, ax: draw(ax), figsize=figsize), format="png")


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
                parts.append(_figure_widget(lambda ax, t=t, y=y: (ax.plot(t, y, lw=0.6), ax.set_xlabel("Time (s)"),
                                                                  ax.set_yticks([]))))
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


def _render(draw, figsize=(8, 2.6)):
    """PNG bytes of a figure drawn by ``draw(fig, ax)`` in the course style (no pyplot state, nothing
    displayed), with the record of its smallest text (:func:`course_lib.teaching.figures.figure_png`)."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(figures.STYLE):
        fig = Figure(figsize=figsize)
        ax = fig.add_subplot()
        draw(fig, ax)
        fig.tight_layout()
        return figures.figure_png(fig, tight=False)


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


def aliasing_explorer(sr=8000, *, duration=1.0, max_freq=16000):
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
            ax.legend(loc="upper right")

        return _render(draw), (synth.sine(freq, sr=sr, duration=duration, amplitude=0.5), sr)

    slider = widgets.IntSlider(value=1000, min=100, max=max_freq, step=100, description="f (Hz)", continuous_update=False)
    return _explorer([slider], redraw, with_audio=True)


def stft_explorer(y, sr, *, max_window_ms=200.0):
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
        png = _render(lambda fig, ax: plot.spectrogram(S, sr, hop_length=hop, ax=ax, n_fft=n_fft, vmin=-70, title=title), figsize=(8, 3.2))
        return png, None

    window = widgets.FloatLogSlider(value=32, base=10, min=np.log10(2), max=np.log10(max_window_ms), step=0.05,
                                    description="window (ms)", continuous_update=False)
    hop = widgets.IntSlider(value=25, min=10, max=100, step=5, description="hop (%)", continuous_update=False)
    return _explorer([window, hop], redraw)


# --- chapter 09 (localization) ---

def doa_explorer(source, sr, *, mic_positions=None, pair=(0, 2), rt60=None, max_order=10):
    """Move a source around a microphone array and watch GCC-PHAT's peak and the estimated direction.

    A slider sets the true azimuth; the room (6 × 5 × 3 m, the array in its middle, the source
    1.5 m away) is simulated by :func:`course_lib.localization.simulate_array`. Left: the GCC-PHAT
    correlation of one pair, its peak and the true delay (ms); right: the true direction and the
    GCC-PHAT + least-squares estimate on a compass. The player plays the pair's two channels as
    a stereo sound (left, right).

    Parameters
    ----------
    source : array_like, shape (n_samples,)
        The sound (0.5–1 s keeps the widget responsive).
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics), optional
        Microphones (m); default :func:`course_lib.localization.circular_array` (4 on 5 cm).
    pair : (int, int), default (0, 2)
        The two microphones whose correlation is drawn and played.
    rt60 : float or None
        Reverberation time (s); None: anechoic.
    max_order : int, default 10
        Cap of the image-source order (keeps each redraw under a second).

    Returns
    -------
    ipywidgets.VBox
        Children: the azimuth slider, an Image, an Audio player; ``.update()`` redraws and
        ``.state["estimate"]`` holds the last estimated azimuth (degrees).

    Notebook: 09_detection_localization
    """
    import ipywidgets as widgets

    from ..dsp import localization

    source = _checks.audio(source, "source", ndim=1)
    sr = _checks.sample_rate(sr)
    mics = localization.circular_array() if mic_positions is None else np.asarray(mic_positions, dtype=np.float64)
    if mics.ndim != 2 or mics.shape[0] != 2 or mics.shape[1] < 2:
        raise ValueError(f"mic_positions must be (2, n_mics) in metres, got shape {mics.shape}")
    if (len(pair) != 2 or not all(_checks.is_integer(k) and 0 <= k < mics.shape[1] for k in pair)
            or pair[0] == pair[1]):
        raise ValueError(f"pair must be two different microphone indices in [0, {mics.shape[1]}), got {pair!r}")
    i, j = pair
    d = float(np.linalg.norm(mics[:, j] - mics[:, i]))
    state = {}

    def redraw(azimuth):
        from . import plot

        x = localization.simulate_array(source, sr, mic_positions=mics, azimuth=azimuth, rt60=rt60, max_order=max_order)
        tau, lags, cc = localization.gcc_phat(x[i], x[j], sr, max_tau=1.5 * d / localization.SPEED_OF_SOUND, interp=8)
        u = np.array([np.cos(np.deg2rad(azimuth)), np.sin(np.deg2rad(azimuth))])
        true_tau = -float((mics[:, j] - mics[:, i]) @ u) / localization.SPEED_OF_SOUND
        estimate = localization.gcc_doa(x, sr, mic_positions=mics)
        state["estimate"] = estimate

        def draw(fig, ax):
            fig.delaxes(ax)
            left = fig.add_subplot(1, 2, 1)
            plot.gcc_phat(lags, cc, ax=left, true_tau=true_tau, tau=tau, sr=sr, title=f"mics {i} and {j} ({100 * d:.0f} cm)")
            compass = fig.add_subplot(1, 2, 2, projection="polar")
            compass.plot(np.arctan2(mics[1], mics[0]), np.full(mics.shape[1], 0.15), "ks", ms=4)
            compass.annotate("", xy=(np.deg2rad(azimuth), 1.0), xytext=(0, 0), arrowprops=dict(color="k", width=1.5))
            compass.annotate("", xy=(np.deg2rad(estimate), 0.85), xytext=(0, 0), arrowprops=dict(color="C3", width=1))
            compass.set_rticks([])
            compass.set_title(f"true {azimuth:.0f}° (black), GCC-PHAT {estimate:.1f}° (red)")

        stereo = np.stack([x[i], x[j]], axis=1)
        return _render(draw, figsize=(9, 3.2)), (stereo / max(np.max(np.abs(stereo)), 1e-9) * 0.9, sr)

    slider = widgets.IntSlider(value=60, min=0, max=355, step=5, description="azimuth (°)", continuous_update=False)
    box = _explorer([slider], redraw, with_audio=True)
    box.state = state
    return box


# --- chapter 05 ---
def augmentation_explorer(y, sr, *, backgrounds, rooms, snr_db=10.0):
    """Sliders for the SNR and the room over a real clip: see and hear the augmented sound.

    The clip is reverberated with the chosen room's impulse response (:func:`course_lib.augment.reverb`,
    at the dry clip's RMS level; "dry" skips it), then the chosen background is added at the
    chosen SNR (:func:`course_lib.augment.add_noise`, the same stretch of background for every
    setting), and its spectrogram is drawn and played.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono audio (not silent).
    sr : int
        Its sampling rate in Hz (also the rate of every background and impulse response).
    backgrounds : dict of str to array_like
        Background recordings by name (at least one).
    rooms : dict of str to array_like
        Room impulse responses by name; the slider also offers ``"dry"``.
    snr_db : float, default 10
        Starting SNR in dB (the slider spans -5 to 40 dB).

    Returns
    -------
    ipywidgets.VBox
        Children: the background drop-down, the SNR slider, the room slider, an Image with the
        spectrogram and an Audio player; ``.update()`` redraws, ``.current()`` returns the
        augmented clip.

    Notebook: 05_augmentation
    """
    import ipywidgets as widgets

    from ..dsp import augment
    from . import plot

    y = np.asarray(_checks.audio(y, "y", ndim=1), dtype=np.float32)
    sr = _checks.sample_rate(sr)
    if not backgrounds:
        raise ValueError("backgrounds must hold at least one recording")
    if not np.any(y):
        raise ValueError("y is silent: no SNR can be set")
    snr_db = _checks.number(snr_db, "snr_db", "dB", minimum=-5.0, maximum=40.0)
    rooms = {"dry": None, **{str(k): np.asarray(v, dtype=np.float32) for k, v in rooms.items()}}
    backgrounds = {str(k): np.asarray(v, dtype=np.float32) for k, v in backgrounds.items()}
    state = {}

    def augmented(background, snr, room):
        wet = y if rooms[room] is None else augment.reverb(y, rooms[room])
        return augment.add_noise(wet, backgrounds[background], snr, rng=0)

    def redraw(background, snr, room):
        out = augmented(background, snr, room)
        state["clip"] = out
        S = spectral.amplitude_to_db(np.abs(spectral.stft(out, n_fft=512, hop_length=128)), ref=np.max)
        title = f"{room}, {background} at {snr:.0f} dB SNR"
        png = _render(lambda fig, ax: plot.spectrogram(S, sr, hop_length=128, ax=ax, n_fft=512, vmin=-70, title=title), figsize=(8, 3.0))
        return png, (out, sr)

    background = widgets.Dropdown(options=list(backgrounds), description="background")
    snr = widgets.FloatSlider(value=snr_db, min=-5.0, max=40.0, step=1.0, description="SNR (dB)", continuous_update=False)
    room = widgets.SelectionSlider(options=list(rooms), value="dry", description="room", continuous_update=False)
    box = _explorer([background, snr, room], redraw, with_audio=True)
    box.current = lambda: state["clip"]
    return box


# --- chapter 04 ---
def multilabel_explorer(scores, targets, class_names, *, clips=None, sr=None, threshold=0.5):
    """A mixture explorer: pick a multi-label clip, move the threshold, see which classes it predicts.

    One horizontal bar per class shows the clip's sigmoid output; bars at or above the threshold
    are the predicted labels (blue), the true labels are starred in the class names, and the title
    counts the hits, misses and false alarms at that threshold.

    Parameters
    ----------
    scores : ndarray, shape (n_clips, n_classes)
        Sigmoid outputs in [0, 1].
    targets : ndarray, shape (n_clips, n_classes)
        Multi-hot true labels (0 or 1).
    class_names : sequence of str
        One name per class.
    clips : ndarray, shape (n_clips, samples), optional
        The audio, to play the chosen clip (peak-normalised).
    sr : int, optional
        Its sampling rate in Hz (required with ``clips``).
    threshold : float
        Starting threshold, in [0, 1].

    Returns
    -------
    ipywidgets.VBox
        Children: the clip slider, the threshold slider, an Image (and an Audio player with
        ``clips``); ``.update()`` redraws.

    Raises
    ------
    ValueError
        Shapes that do not match, or ``clips`` without ``sr``.

    Notebook: 04_audioset_vggish
    """
    import ipywidgets as widgets

    scores = _checks.real_array(scores, "scores")
    targets = _checks.real_array(targets, "targets")
    names = [str(n) for n in class_names]
    if scores.ndim != 2 or scores.shape != targets.shape or scores.shape[1] != len(names):
        raise ValueError(f"scores and targets must both be (n_clips, {len(names)} classes), got shapes "
                         f"{scores.shape} and {targets.shape}")
    if clips is not None:
        if sr is None:
            raise ValueError("sr must be given with clips (the sampling rate of the audio, in Hz)")
        sr = _checks.sample_rate(sr)
        clips = _checks.audio(clips, "clips", ndim=2)
        if len(clips) != len(scores):
            raise ValueError(f"clips must hold one clip per row of scores ({len(scores)}), got {len(clips)}")
    threshold = _checks.number(threshold, "threshold", minimum=0.0, maximum=1.0)

    def redraw(index, thr):
        s, t = scores[index], targets[index] > 0.5
        predicted = s >= thr
        hits, misses, false_alarms = int(np.sum(predicted & t)), int(np.sum(~predicted & t)), int(np.sum(predicted & ~t))

        def draw(fig, ax):
            rows = np.arange(len(names))
            ax.barh(rows, s, color=np.where(predicted, "C0", "0.75"))
            ax.axvline(thr, color="C3", linestyle="--", linewidth=1, label=f"threshold {thr:.2f}")
            ax.set_yticks(rows, [f"★ {n}" if tt else n for n, tt in zip(names, t)])
            ax.invert_yaxis()
            ax.set_xlim(0, 1)
            ax.set_xlabel("sigmoid output (probability)")
            ax.set_title(f"clip {index}: {hits} hit(s), {misses} miss(es), {false_alarms} false alarm(s)  (★ = true label)")
            ax.legend(loc="lower right")

        sound = None
        if clips is not None:
            y = clips[index]
            sound = (y / max(float(np.abs(y).max()), 1e-9) * 0.9, sr)
        return _render(draw, figsize=(7, 3.2)), sound

    pick = widgets.IntSlider(value=0, min=0, max=len(scores) - 1, description="clip", continuous_update=False)
    thr = widgets.FloatSlider(value=threshold, min=0.0, max=1.0, step=0.05, description="threshold",
                              continuous_update=False)
    return _explorer([pick, thr], redraw, with_audio=clips is not None)


# --- chapter 03 ---
def filterbank_explorer(sr=16000, *, n_fft=512):
    """Controls for a mel filterbank: number of bands, frequency range, mel formula and normalisation.

    The picture shows every triangle against frequency, with the filters that hold one FFT bin or
    none (:func:`course_lib.mel.filter_bin_counts`) drawn in red and counted in the title.

    Parameters
    ----------
    sr : int, default 16000
        Sampling rate (Hz); the range slider goes up to ``sr / 2``.
    n_fft : int, default 512
        FFT size (samples): the bins are ``sr / n_fft`` Hz apart.

    Returns
    -------
    ipywidgets.VBox
        Children: the ``n_mels`` slider, the ``fmin–fmax (Hz)`` range slider, the ``scale``
        toggle (``"slaney"``/``"htk"``), the ``norm`` drop-down (``"slaney"``/``"none"``) and an
        Image with the plot; ``.update()`` redraws and ``.counts`` holds the bins per filter drawn last.

    Notebook: 03_mel_perception
    """
    import ipywidgets as widgets

    from ..dsp import mel

    sr = _checks.sample_rate(sr)
    n_fft = _checks.integer(n_fft, "n_fft", minimum=16, what="samples")
    nyquist = sr // 2
    state = {}

    def redraw(n_mels, f_range, scale, norm):
        fmin, fmax = (float(f) for f in f_range)
        if fmax <= fmin:
            fmax = min(float(nyquist), fmin + 100.0)
        htk = scale == "htk"
        weights = mel.mel_filterbank(sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk,
                                     norm=None if norm == "none" else norm)
        counts = mel.filter_bin_counts(sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk)
        state["counts"] = counts
        if "box" in state:
            state["box"].counts = counts
        freqs = np.arange(weights.shape[1]) * sr / n_fft

        def draw(fig, ax):
            for row, c in zip(weights, counts):
                ax.plot(freqs, row, lw=0.8, color="C3" if c <= 1 else "C0")
            ax.set_xlim(0, nyquist)
            ax.set_xlabel("Frequency (Hz)")
            ax.set_ylabel("Weight\n" + ("(area 1 in Hz)" if norm == "slaney" else "(peak 1)"))
            ax.set_title(f"{n_mels} {scale} mel bands, {fmin:.0f}–{fmax:.0f} Hz, n_fft {n_fft} "
                         f"(bins {sr / n_fft:.1f} Hz apart):\n{int(np.sum(counts == 0))} empty, "
                         f"{int(np.sum(counts == 1))} with one bin")

        return _render(draw, figsize=(8, 3.4)), None

    n_mels = widgets.IntSlider(value=40, min=4, max=256, step=4, description="n_mels", continuous_update=False)
    f_range = widgets.IntRangeSlider(value=(0, nyquist), min=0, max=nyquist, step=50,
                                     description="fmin–fmax (Hz)", continuous_update=False,
                                     style={"description_width": "initial"})
    scale = widgets.ToggleButtons(options=["slaney", "htk"], value="slaney", description="scale")
    norm = widgets.Dropdown(options=["slaney", "none"], value="slaney", description="norm")
    box = _explorer([n_mels, f_range, scale, norm], redraw)
    box.counts, state["box"] = state["counts"], box
    return box


# --- chapter 09 (detection) ---

def detection_explorer(scores, reference, class_names, S_db, *, sr, hop_length, collar=0.2):
    """Threshold and median-filter sliders over one soundscape's frame scores: the events and the F1s change.

    Each move post-processes the scores (:func:`course_lib.seld.scores_to_events`), redraws the
    detected events against the reference over the spectrogram (:func:`course_lib.plot.sed_events`)
    and prints this soundscape's event-based F1 (collar ``collar``) and segment-based F1 (1 s),
    computed by ``sed_scores_eval`` (:func:`course_lib.evaluation.detection.event_f1`, :func:`course_lib.evaluation.detection.segment_f1`).

    Parameters
    ----------
    scores : array_like, shape (frames, n_classes)
        Frame scores in [0, 1].
    reference : sequence of (onset, offset, label)
        Reference events (s).
    class_names : sequence of str
    S_db : array_like, shape (n_mels, frames)
        The log-mel spectrogram drawn underneath (dB).
    sr, hop_length : int
        Sample rate (Hz) and hop (samples) of the frames.
    collar : float
        Onset collar of the event-based F1 (s).

    Returns
    -------
    ipywidgets.VBox
        Children: the threshold slider, the median-filter slider, an HTML line with the scores and
        an Image with the plot; ``.update()`` redraws, ``.metrics`` holds the last F1s.

    Notebook: 09_detection_localization
    """
    import ipywidgets as widgets

    from . import plot
    from ..evaluation import detection as metrics
    from ..models import seld

    s = np.asarray(scores, dtype=np.float64)
    names = list(class_names)
    if s.ndim != 2 or s.shape[1] != len(names):
        raise ValueError(f"scores must be (frames, {len(names)} classes), got shape {s.shape}")
    collar = _checks.number(collar, "collar", "s", minimum=0.0)
    reference = list(reference)
    text = widgets.HTML()

    def redraw(threshold, median_frames):
        events = seld.scores_to_events(s, names, threshold, median_frames, sr=sr, hop_length=hop_length)
        ef = metrics.event_f1([s], [reference], names, threshold, median_frames, collar)
        sf = metrics.segment_f1([s], [reference], names, threshold, median_frames)
        box.metrics = dict(event_f1=ef, segment_f1=sf, n_events=len(events))
        text.value = (f"<b>{len(events)}</b> events detected &nbsp; event-based F1 ({collar * 1000:.0f} ms collar) "
                      f"<b>{ef:.2f}</b> &nbsp; segment-based F1 (1 s) <b>{sf:.2f}</b>")
        title = f"threshold {threshold:.2f}, median filter {median_frames} frames ({median_frames * hop_length / sr:.2f} s)"
        return _render(lambda fig, ax: plot.sed_events(S_db, sr, hop_length=hop_length, class_names=names, reference=reference, estimated=events, ax=ax, title=title),
                       figsize=(9, 3.4)), None

    threshold = widgets.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.05, description="threshold",
                                    continuous_update=False)
    median = widgets.IntSlider(value=7, min=1, max=31, step=2, description="median (frames)", continuous_update=False)
    box = widgets.VBox()
    inner = _explorer([threshold, median], redraw)
    box.children = [threshold, median, text, inner.image]
    box.update, box.image = inner.update, inner.image
    return box
