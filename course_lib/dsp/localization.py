"""Where does a sound come from? Microphone arrays in simulated rooms, GCC-PHAT, direction of arrival.

A sound reaches the microphones of an array at slightly different times; the time differences
of arrival (TDOAs) give its direction. This module holds the tested pieces chapter
``09_detection_localization`` writes out:

- :func:`circular_array` (microphone positions) and :func:`simulate_array` (a real sound played at
  a known azimuth in a shoebox room simulated by pyroomacoustics' image-source method, with the
  RT60 set by Sabine's formula), :func:`add_diffuse_noise` (a real background recording, an
  independent segment per microphone, at a given SNR);
- :func:`gcc_phat` (the generalized cross-correlation with the phase transform of Knapp & Carter
  1976, with optional upsampling and parabolic interpolation of its peak), :func:`pair_angle`
  (far field, one pair: θ = arccos(c·τ/d)), :func:`array_tdoas` and :func:`doa_least_squares`
  (a planar array: the direction that best explains all TDOAs), :func:`gcc_doa` (both in one call);
- :func:`pra_doa`: pyroomacoustics' own estimators (SRP-PHAT, MUSIC, NormMUSIC, TOPS) on the same
  signals, and :func:`angular_error` (degrees on the circle);
- :func:`random_scene` and :func:`evaluate_scenes`: the errors of each method over many sources,
  rooms, RT60s and SNRs.

Angles are azimuths in degrees, counter-clockwise from the x axis, in [0, 360); the source is in
the array's plane (far field, elevation 0). Layer 3: imports only :mod:`course_lib._checks` (and
pyroomacoustics); the real sounds come from :mod:`course_lib.corpora` in the callers.
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import _checks
from . import augment

__all__ = ["SPEED_OF_SOUND", "DOA_METHODS", "circular_array", "simulate_array", "add_diffuse_noise", "gcc_phat",
           "pair_angle", "array_tdoas", "doa_least_squares", "gcc_doa", "pra_doa", "angular_error", "random_scene",
           "source_segment", "evaluate_scenes"]

#: Speed of sound in air (m/s), the value pyroomacoustics uses by default.
SPEED_OF_SOUND = 343.0

#: The direction-of-arrival estimators :func:`evaluate_scenes` knows: GCC-PHAT + least squares
#: (this module) and pyroomacoustics' SRP-PHAT, MUSIC, NormMUSIC and TOPS.
DOA_METHODS = ("GCC-PHAT", "SRP", "MUSIC", "NormMUSIC", "TOPS")


def _positions(mic_positions, name: str = "mic_positions") -> np.ndarray:
    """Microphone positions as a (2, n_mics) float array, at least 2 distinct microphones."""
    p = _checks.real_array(mic_positions, name)
    if p.ndim != 2 or p.shape[0] != 2 or p.shape[1] < 2:
        raise ValueError(f"{name} must be 2-D (2, n_mics) in metres with n_mics >= 2 (x row, y row), got shape {p.shape}")
    return p


def _signals(signals, n_mics: int | None = None, name: str = "signals") -> np.ndarray:
    x = _checks.audio(signals, name, ndim=2)
    if x.shape[0] < 2:
        raise ValueError(f"{name} must be (n_mics, n_samples) with n_mics >= 2, got shape {x.shape}")
    if n_mics is not None and x.shape[0] != n_mics:
        raise ValueError(f"{name} has {x.shape[0]} channels but mic_positions has {n_mics} microphones")
    return x.astype(np.float64)


def circular_array(n_mics=4, radius=0.05):
    """Positions of ``n_mics`` microphones evenly spaced on a circle, the first on the x axis.

    Parameters
    ----------
    n_mics : int, default 4
        Microphones (>= 2).
    radius : float, default 0.05
        Radius (m). Four microphones on 5 cm are 7.1 cm (neighbours) and 10 cm (opposite) apart.

    Returns
    -------
    ndarray, shape (2, n_mics)
        x and y (m) relative to the array's centre (pyroomacoustics' ``circular_2D_array`` layout).

    Notebook: 09_detection_localization
    """
    n_mics = _checks.integer(n_mics, "n_mics", minimum=2, what="microphones")
    radius = _checks.positive(radius, "radius", "m")
    phi = 2 * np.pi * np.arange(n_mics) / n_mics
    return np.vstack([radius * np.cos(phi), radius * np.sin(phi)])


def _room(room_dim) -> np.ndarray:
    d = _checks.real_array(room_dim, "room_dim")
    if d.shape != (3,) or np.any(d <= 0):
        raise ValueError(f"room_dim must be 3 positive lengths (m): (length, width, height), got {room_dim!r}")
    return d


def simulate_array(source, sr, *, mic_positions, azimuth, room_dim=(6.0, 5.0, 3.0), center=None, distance=1.5,
                   height=1.5, rt60=None, max_order=None):
    """A mono sound played at a known azimuth and recorded by an array in a shoebox room.

    The array lies in the horizontal plane at ``height``; the source sits ``distance`` metres from
    its centre at azimuth ``azimuth`` and at the same height. Walls absorb the fraction of energy
    and the image-source order that ``pyroomacoustics.inverse_sabine`` picks for ``rt60`` (None or
    0: an anechoic room, direct sound only, ``max_order=0``).

    Parameters
    ----------
    source : array_like, shape (n_samples,)
        The sound (a real recording: an ESC-10 clip, speech).
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphones relative to the array's centre (m), e.g. :func:`circular_array`.
    azimuth : float
        True direction of the source (degrees, counter-clockwise from the x axis).
    room_dim : (float, float, float), default (6, 5, 3)
        Room size (m).
    center : (float, float) or None
        Array centre in the room (m); None puts it in the middle of the floor plan.
    distance : float, default 1.5
        Source-to-centre distance (m); far field needs it large against the array's size.
    height : float, default 1.5
        Height of array and source (m).
    rt60 : float or None
        Reverberation time (s); None or 0 for an anechoic room.
    max_order : int or None
        Image-source order; default the one ``inverse_sabine`` picks (0 when anechoic). A cap
        makes long reverberation cheaper but cuts its tail.

    Returns
    -------
    ndarray of float64, shape (n_mics, n_samples)
        What each microphone records, from the direct sound's arrival at the array's centre on,
        as long as ``source`` (the reverberant tail after it is dropped).

    Raises
    ------
    ValueError
        A position outside the room (with 10 cm to spare), a room that cannot have ``rt60``.

    Notebook: 09_detection_localization
    """
    import pyroomacoustics as pra

    source = _checks.audio(source, "source", ndim=1).astype(np.float64)
    sr = _checks.sample_rate(sr)
    mics = _positions(mic_positions)
    azimuth = _checks.number(azimuth, "azimuth", "degrees")
    dims = _room(room_dim)
    distance = _checks.positive(distance, "distance", "m")
    height = _checks.number(height, "height", "m", minimum=0.1, maximum=float(dims[2]) - 0.1)
    c = dims[:2] / 2 if center is None else _checks.real_array(center, "center")
    if c.shape != (2,):
        raise ValueError(f"center must be (x, y) in metres, got {center!r}")
    theta = np.deg2rad(azimuth)
    src = c + distance * np.array([np.cos(theta), np.sin(theta)])
    for name, point in (("source", src), ("center", c), ("mic_positions", c[:, None] + mics)):
        point = np.reshape(point, (2, -1))
        if np.any(point < 0.1) or np.any(point > dims[:2, None] - 0.1):
            raise ValueError(f"{name} falls outside the {dims.tolist()} m room (10 cm margin): "
                             f"azimuth {azimuth}°, distance {distance} m, center {c.tolist()}")
    if rt60 is None or rt60 == 0:
        absorption, order = 1.0, 0
    else:
        absorption, order = augment.sabine_absorption(rt60, dims)
    if max_order is not None:
        order = min(order, _checks.integer(max_order, "max_order", minimum=0)) if rt60 else 0
    room = pra.ShoeBox(dims.tolist(), fs=sr, materials=pra.Material(float(absorption)), max_order=int(order))
    room.add_microphone_array(np.vstack([c[:, None] + mics, np.full(mics.shape[1], height)]))
    room.add_source([src[0], src[1], height], signal=source)
    room.simulate()
    start = pra.constants.get("frac_delay_length") // 2 + int(round(distance / SPEED_OF_SOUND * sr))
    out = np.asarray(room.mic_array.signals, dtype=np.float64)[:, start:start + len(source)]
    if out.shape[1] < len(source):
        out = np.pad(out, ((0, 0), (0, len(source) - out.shape[1])))
    return out


def add_diffuse_noise(signals, noise, snr_db, rng=None):
    """Add a real background to every channel, an independent segment per microphone, at an SNR.

    Each microphone gets its own segment of ``noise`` (random, non-overlapping starts where the
    recording is long enough), scaled so that the power of ``signals`` averaged over the channels
    is ``snr_db`` above the noise's. Independent segments are a crude diffuse field: real
    diffuse noise is correlated between close microphones at low frequencies (coherence
    sinc(2πfd/c), above 0.5 below ~c/(4d) ≈ 860 Hz for d = 10 cm), which pulls estimators toward
    broadside; independent noise does not.

    Parameters
    ----------
    signals : array_like, shape (n_mics, n_samples)
        The array's recordings.
    noise : array_like, shape (n_noise,)
        A mono background recording, at least ``n_samples`` long.
    snr_db : float
        Signal-to-noise ratio (dB).
    rng : int, numpy.random.Generator or None
        Where the segments start.

    Returns
    -------
    ndarray of float64, shape (n_mics, n_samples)

    Notebook: 09_detection_localization (via ``evaluate_scenes``)
    """
    x = _signals(signals)
    noise = _checks.audio(noise, "noise", ndim=1).astype(np.float64)
    snr_db = _checks.number(snr_db, "snr_db", "dB")
    gen = _checks.rng(rng)
    n_mics, n = x.shape
    if len(noise) < n:
        raise ValueError(f"noise must be at least as long as signals ({n} samples), got {len(noise)}")
    slots = len(noise) // n
    if slots >= n_mics:
        starts = gen.choice(slots, size=n_mics, replace=False) * n + gen.integers(0, len(noise) - slots * n + 1)
    else:
        starts = gen.integers(0, len(noise) - n + 1, size=n_mics)
    segments = np.stack([noise[s:s + n] for s in starts])
    p_noise = np.mean(segments ** 2)
    if p_noise == 0:
        raise ValueError("noise is silent: it cannot be scaled to an SNR")
    gain = np.sqrt(np.mean(x ** 2) / (p_noise * 10 ** (snr_db / 10)))
    return x + gain * segments


def gcc_phat(x, y, sr, *, max_tau=None, interp=1, parabolic=True):
    """Time difference of arrival of ``y`` relative to ``x`` by GCC-PHAT (Knapp & Carter 1976).

    The cross-spectrum ``Y·X*`` is divided by its magnitude (the phase transform keeps only the
    phase, which holds the delay, and whitens the spectrum, so one strong band does not dominate),
    its inverse FFT (zero-padded ``interp`` times to sample lags finer) peaks at the delay; a
    parabola through the peak and its two neighbours refines it below one lag step.

    Parameters
    ----------
    x, y : array_like, shape (n_samples,)
        Two microphones' signals (same length).
    sr : int
        Sampling rate (Hz).
    max_tau : float or None
        Largest delay searched (s), e.g. the pair's distance / c; None: all lags.
    interp : int, default 1
        Upsampling factor of the correlation (lag step ``1 / (interp·sr)`` s).
    parabolic : bool, default True
        Refine the peak by parabolic interpolation.

    Returns
    -------
    tau : float
        The delay (s); positive when ``y`` lags ``x`` (``y[n] = x[n − k]`` gives ``k / sr``).
    lags : ndarray, shape (2·m + 1,)
        The lags (s) at which the correlation is returned.
    cc : ndarray, shape (2·m + 1,)
        The GCC-PHAT correlation at those lags (1 at a perfect single-path delay).

    Notebook: 09_detection_localization
    """
    x = _checks.audio(x, "x", ndim=1).astype(np.float64)
    y = _checks.audio(y, "y", ndim=1).astype(np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)} samples")
    sr = _checks.sample_rate(sr)
    interp = _checks.positive_int(interp, "interp", what="upsampling factor")
    n = 2 * len(x)
    cross = np.fft.rfft(y, n) * np.conj(np.fft.rfft(x, n))
    cross /= np.maximum(np.abs(cross), 1e-12)
    cc = np.fft.irfft(cross, interp * n) * interp
    m = interp * n // 2
    if max_tau is not None:
        max_tau = _checks.positive(max_tau, "max_tau", "s")
        m = min(m, int(np.ceil(max_tau * sr * interp)))
    cc = np.concatenate([cc[-m:], cc[:m + 1]])
    k = int(np.argmax(cc))
    shift = 0.0
    if parabolic and 0 < k < len(cc) - 1:
        a, b, c = cc[k - 1], cc[k], cc[k + 1]
        denom = a - 2 * b + c
        shift = 0.5 * (a - c) / denom if denom != 0 else 0.0
    lags = np.arange(-m, m + 1) / (sr * interp)
    return (k - m + shift) / (sr * interp), lags, cc


def pair_angle(tau, distance, c=SPEED_OF_SOUND):
    """Far-field angle between a pair's axis and the source: θ = arccos(c·τ / d), in degrees.

    θ is the angle between the source's direction and the pair's axis pointing from the second
    microphone (``y`` of :func:`gcc_phat`) to the first (``x``), and ``tau`` the delay of the second
    relative to the first: a source beyond the first microphone reaches it d/c earlier (τ = d/c,
    θ = 0°), one broadside reaches both together (τ = 0, θ = 90°). One pair cannot tell the two
    sides of its axis apart: θ and −θ give the same delay (the front–back ambiguity).

    Parameters
    ----------
    tau : float or array_like
        Delay (s).
    distance : float
        Microphone spacing d (m).
    c : float
        Speed of sound (m/s).

    Returns
    -------
    float or ndarray
        θ in degrees, in [0, 180] (``c·τ/d`` clipped to [−1, 1]: reverberation and noise can push
        a measured delay beyond the physical maximum).

    Notebook: 09_detection_localization
    """
    tau = _checks.real_array(tau, "tau")
    distance = _checks.positive(distance, "distance", "m")
    c = _checks.positive(c, "c", "m/s")
    theta = np.rad2deg(np.arccos(np.clip(c * tau / distance, -1.0, 1.0)))
    return float(theta) if theta.ndim == 0 else theta


def array_tdoas(signals, sr, *, mic_positions, interp=8, c=SPEED_OF_SOUND):
    """GCC-PHAT delays of every microphone pair of an array.

    Parameters
    ----------
    signals : array_like, shape (n_mics, n_samples)
        The array's recordings.
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m).
    interp : int, default 8
        Upsampling of each correlation (see :func:`gcc_phat`).
    c : float
        Speed of sound (m/s); each pair searches delays up to its spacing / c.

    Returns
    -------
    pairs : list of (int, int)
        ``(i, j)`` with ``i < j``.
    taus : ndarray, shape (n_pairs,)
        Delay of microphone ``j`` relative to ``i`` (s).

    Notebook: 09_detection_localization
    """
    mics = _positions(mic_positions)
    x = _signals(signals, mics.shape[1])
    c = _checks.positive(c, "c", "m/s")
    pairs = list(itertools.combinations(range(mics.shape[1]), 2))
    taus = []
    for i, j in pairs:
        d = float(np.linalg.norm(mics[:, j] - mics[:, i]))
        taus.append(gcc_phat(x[i], x[j], sr, max_tau=d / c, interp=interp)[0])
    return pairs, np.array(taus)


def doa_least_squares(taus, pairs, mic_positions, c=SPEED_OF_SOUND):
    """The azimuth that best explains the delays of a planar array (far field, least squares).

    A plane wave from the unit direction **u** reaches microphone m at t₀ − **r**ₘ·**u**/c, so the
    delay of j relative to i is τᵢⱼ = −(**r**ⱼ − **r**ᵢ)·**u**/c: one linear equation per pair,
    ``D u = −c τ``. The least-squares **u** (``numpy.linalg.lstsq``) gives the azimuth
    ``atan2(u_y, u_x)``; its length (about 1 when the delays agree) is not used.

    Parameters
    ----------
    taus : array_like, shape (n_pairs,)
        Delays (s), e.g. from :func:`array_tdoas`.
    pairs : sequence of (int, int)
        The pair of each delay.
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m), not all on one line.
    c : float
        Speed of sound (m/s).

    Returns
    -------
    float
        Azimuth (degrees, in [0, 360)).

    Notebook: 09_detection_localization
    """
    mics = _positions(mic_positions)
    taus = _checks.real_array(taus, "taus")
    pairs = [tuple(p) for p in pairs]
    if taus.ndim != 1 or len(pairs) != len(taus):
        raise ValueError(f"taus must be 1-D with one delay per pair, got shape {taus.shape} for {len(pairs)} pairs")
    if any(len(p) != 2 or not all(_checks.is_integer(k) and 0 <= k < mics.shape[1] for k in p) for p in pairs):
        raise ValueError(f"pairs must be (i, j) microphone indices in [0, {mics.shape[1]}), got {pairs}")
    c = _checks.positive(c, "c", "m/s")
    D = np.array([mics[:, j] - mics[:, i] for i, j in pairs])
    if np.linalg.matrix_rank(D) < 2:
        raise ValueError("mic_positions and pairs span a line: a planar array needs two independent directions")
    u = np.linalg.lstsq(D, -c * taus, rcond=None)[0]
    return float(np.rad2deg(np.arctan2(u[1], u[0])) % 360.0)


def gcc_doa(signals, sr, *, mic_positions, interp=8, c=SPEED_OF_SOUND):
    """Azimuth of a source by GCC-PHAT on every pair and least squares (:func:`array_tdoas`, :func:`doa_least_squares`).

    Parameters
    ----------
    signals : array_like, shape (n_mics, n_samples)
        The array's recordings.
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m).
    interp : int, default 8
        Upsampling of each correlation.
    c : float
        Speed of sound (m/s).

    Returns
    -------
    float
        Azimuth (degrees, in [0, 360)).

    Notebook: 09_detection_localization
    """
    pairs, taus = array_tdoas(signals, sr, mic_positions=mic_positions, interp=interp, c=c)
    return doa_least_squares(taus, pairs, mic_positions, c=c)


def pra_doa(signals, sr, *, mic_positions, method="SRP", n_fft=512, freq_range=(300.0, 3500.0), n_grid=360,
            c=SPEED_OF_SOUND):
    """Azimuth of one source by one of pyroomacoustics' estimators (``pra.doa.algorithms``).

    The signals' STFT (``n_fft`` samples, hop ``n_fft/2``, Hann analysis window from
    ``pra.transform.stft.analysis``) feeds ``locate_sources`` on a grid of ``n_grid`` azimuths;
    SRP is SRP-PHAT (DiBiase 2000), MUSIC the subspace method of Schmidt (1986), NormMUSIC its
    frequency-normalised variant, TOPS the test of orthogonality of projected subspaces.

    Parameters
    ----------
    signals : array_like, shape (n_mics, n_samples)
        The array's recordings.
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m).
    method : {"SRP", "MUSIC", "NormMUSIC", "TOPS"}
        The estimator.
    n_fft : int, default 512
        STFT frame (samples).
    freq_range : (float, float), default (300, 3500)
        Band used (Hz).
    n_grid : int, default 360
        Azimuths searched (a 1° grid by default).
    c : float
        Speed of sound (m/s).

    Returns
    -------
    float
        Azimuth (degrees, in [0, 360)).

    Notebook: 09_detection_localization
    """
    import pyroomacoustics as pra

    mics = _positions(mic_positions)
    x = _signals(signals, mics.shape[1])
    sr = _checks.sample_rate(sr)
    method = _checks.choice(method, "method", DOA_METHODS[1:])
    n_fft = _checks.integer(n_fft, "n_fft", minimum=16, what="samples")
    lo, hi = _checks.interval(freq_range, "freq_range", "Hz", minimum=0.0, maximum=sr / 2)
    n_grid = _checks.integer(n_grid, "n_grid", minimum=4, what="azimuths")
    if x.shape[1] < 2 * n_fft:
        raise ValueError(f"signals must hold at least 2·n_fft = {2 * n_fft} samples, got {x.shape[1]}")
    X = pra.transform.stft.analysis(x.T, n_fft, n_fft // 2).transpose([2, 1, 0])
    doa = pra.doa.algorithms[method](mics, sr, n_fft, c=c, num_src=1, n_grid=n_grid)
    doa.locate_sources(X, freq_range=[lo, hi])
    return float(np.rad2deg(doa.azimuth_recon[0]) % 360.0)


def angular_error(estimate, truth):
    """Absolute difference of azimuths on the circle (degrees, in [0, 180]).

    Parameters
    ----------
    estimate, truth : float or array_like
        Azimuths (degrees); 359° and 1° are 2° apart.

    Returns
    -------
    float or ndarray

    Notebook: 09_detection_localization
    """
    e = _checks.real_array(estimate, "estimate")
    t = _checks.real_array(truth, "truth")
    d = np.abs((e - t + 180.0) % 360.0 - 180.0)
    return float(d) if d.ndim == 0 else d


def source_segment(y, sr, *, duration=0.5):
    """The loudest ``duration`` seconds of a clip (most energy in a sliding window), peak-normalised.

    ESC-10 clips are 5 s long and often mostly silent; localizing silence is meaningless.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        A mono clip.
    sr : int
        Sampling rate (Hz).
    duration : float
        Length of the segment (s); the clip is zero-padded if shorter.

    Returns
    -------
    ndarray of float64, shape (round(duration·sr),)

    Notebook: 09_detection_localization
    """
    y = _checks.audio(y, "y", ndim=1).astype(np.float64)
    sr = _checks.sample_rate(sr)
    n = int(round(_checks.positive(duration, "duration", "s") * sr))
    if len(y) < n:
        y = np.pad(y, (0, n - len(y)))
    energy = np.convolve(y ** 2, np.ones(n), mode="valid")
    start = int(np.argmax(energy))
    seg = y[start:start + n]
    peak = np.max(np.abs(seg))
    return seg / peak if peak > 0 else seg


def random_scene(rng, rt60=None):
    """A random room, array position and source direction (what :func:`evaluate_scenes` averages over).

    The room is 5–8 m × 4–6 m × 2.7–3.5 m; the array's centre is at least 1.7 m from every wall
    (so a source 1–1.5 m away in any direction fits); the azimuth is uniform in [0°, 360°).

    Parameters
    ----------
    rng : int or numpy.random.Generator
        The randomness.
    rt60 : float or None
        Stored in the scene as is (None: anechoic).

    Returns
    -------
    dict
        ``room_dim`` (list of 3 floats, m), ``center`` (2 floats, m), ``azimuth`` (degrees),
        ``distance`` (m), ``height`` (m), ``rt60``.

    Notebook: (tooling, the study that remakes data/doa_results.json: python -m course_lib.experiments doa_network)
    """
    gen = _checks.rng(rng)
    dims = np.array([gen.uniform(5.0, 8.0), gen.uniform(4.0, 6.0), gen.uniform(2.7, 3.5)])
    center = np.array([gen.uniform(1.7, dims[0] - 1.7), gen.uniform(1.7, dims[1] - 1.7)])
    return {"room_dim": [round(float(v), 3) for v in dims], "center": [round(float(v), 3) for v in center],
            "azimuth": round(float(gen.uniform(0.0, 360.0)), 2), "distance": round(float(gen.uniform(1.0, 1.5)), 3),
            "height": round(float(gen.uniform(1.2, 1.8)), 3), "rt60": rt60}


def evaluate_scenes(sources, noises, *, sr, mic_positions, scenes, snrs_db, methods=("GCC-PHAT", "SRP", "MUSIC"),
                    rng=0, max_order=None, extra=None):
    """Errors of direction-of-arrival methods over scenes (sources × rooms) and SNRs.

    Every scene is simulated once (:func:`simulate_array`); each SNR adds its own real background
    (:func:`add_diffuse_noise`), and every method estimates the azimuth of the same signals.

    Parameters
    ----------
    sources : sequence of 1-D arrays
        One sound per scene.
    noises : sequence of 1-D arrays
        Background recordings; scene ``k`` uses ``noises[k % len(noises)]``.
    sr : int
        Sampling rate (Hz).
    mic_positions : array_like, shape (2, n_mics)
        Microphone positions (m).
    scenes : sequence of dict
        From :func:`random_scene` (its ``rt60`` sets the room).
    snrs_db : sequence of float
        SNRs (dB).
    methods : sequence of str
        Names from :data:`DOA_METHODS`.
    rng : int or numpy.random.Generator
        Where the noise segments start.
    max_order : int or None
        Cap of the image-source order (see :func:`simulate_array`).
    extra : callable or None
        ``extra(signals) -> dict of {name: azimuth}``: more estimators (the direction network).

    Returns
    -------
    list of dict
        One per (scene, SNR): ``scene`` (index), ``rt60``, ``snr_db``, ``azimuth`` (true) and, per
        method, ``estimate`` and ``error`` (degrees) in ``estimates`` / ``errors`` dicts.

    Notebook: 09_detection_localization
    """
    sr = _checks.sample_rate(sr)
    mics = _positions(mic_positions)
    scenes = list(scenes)
    sources = list(sources)
    noises = list(noises)
    if len(sources) != len(scenes):
        raise ValueError(f"sources and scenes must pair up, got {len(sources)} sources for {len(scenes)} scenes")
    if not noises:
        raise ValueError("noises must hold at least one background recording")
    unknown = [m for m in methods if m not in DOA_METHODS]
    if unknown:
        raise ValueError(f"methods must be among {DOA_METHODS}, got {unknown}")
    snrs = [_checks.number(s, "snrs_db", "dB") for s in snrs_db]
    gen = _checks.rng(rng)
    records = []
    for k, (src, scene) in enumerate(zip(sources, scenes)):
        clean = simulate_array(src, sr, mic_positions=mics, azimuth=scene["azimuth"], room_dim=scene["room_dim"], center=scene["center"],
                               distance=scene["distance"], height=scene["height"], rt60=scene["rt60"], max_order=max_order)
        for snr in snrs:
            x = add_diffuse_noise(clean, noises[k % len(noises)], snr, gen)
            est = {}
            for m in methods:
                est[m] = gcc_doa(x, sr, mic_positions=mics) if m == "GCC-PHAT" else pra_doa(x, sr, mic_positions=mics, method=m)
            if extra is not None:
                est.update(extra(x))
            records.append({"scene": k, "rt60": scene["rt60"], "snr_db": snr, "azimuth": scene["azimuth"],
                            "estimates": {m: round(float(v), 3) for m, v in est.items()},
                            "errors": {m: round(angular_error(v, scene["azimuth"]), 3) for m, v in est.items()}})
    return records
