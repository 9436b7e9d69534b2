"""Optional downloads of real data and weights, checked against a sha256 registry.

The course runs and tests offline: nothing here is called by a notebook cell or a test that needs
the network. A reader who wants the real thing (the full AudioSet ontology, class index and segment
lists, the 2.4 GB embedding release, or the pretrained VGGish checkpoint and PCA parameters of
chapter ``04_audioset_vggish``) calls :func:`fetch` with a name from :data:`REGISTRY`. Files land
in a cache folder (:func:`cache_dir`) and are verified against their recorded sha256; where no
checksum is recorded (the registry says ``None``: we could not hash the file when the course was
made) :func:`fetch` says clearly that it cannot verify the file and prints the hash it got, so
that the reader can record it. Layer 1: imports nothing from the course.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RemoteFile", "REGISTRY", "UnverifiedDownloadWarning", "ChecksumError", "cache_dir", "sha256_of", "fetch", "describe"]


class UnverifiedDownloadWarning(UserWarning):
    """A file was downloaded but the registry records no sha256 to check it against."""


class ChecksumError(OSError):
    """A downloaded (or cached) file's sha256 differs from the registry's."""


@dataclass(frozen=True)
class RemoteFile:
    """One downloadable file: where it comes from and what its bytes must hash to.

    Attributes
    ----------
    name : str
        File name in the cache folder.
    url : str
        Where to download it (``https://``, ``http://`` or ``file://``).
    sha256 : str or None
        Hex sha256 of the published file; ``None`` where the course could not hash it.
    folder : str
        Sub-folder kind: ``"audioset"`` or ``"vggish"`` (see :func:`cache_dir`).
    size : str
        Approximate size, for people deciding whether to download.
    description : str
        What it is and its licence.
    """

    name: str
    url: str
    sha256: str | None
    folder: str
    size: str
    description: str


_CSV = "http://storage.googleapis.com/us_audioset/youtube_corpus/v1/csv/"

#: The files :func:`fetch` knows. The two sha256 values recorded are those of the full published
#: files (ontology.json from the audioset/ontology repository, 632 entries; class_labels_indices.csv,
#: 527 classes); the others could not be hashed when the course was made (no network), so they are None.
REGISTRY: dict[str, RemoteFile] = {
    f.name: f
    for f in (
        RemoteFile("ontology.json", "https://raw.githubusercontent.com/audioset/ontology/master/ontology.json",
                   "9c685f4403eecc3ca9be37fd7285cf212feaaea6ff7229d3e7ca89e0d1f2d15d", "audioset", "340 kB",
                   "the AudioSet ontology, 632 entries (CC BY-SA 4.0)"),
        RemoteFile("class_labels_indices.csv", _CSV + "class_labels_indices.csv",
                   "cdd1049833c4b86127c2773ac0d14a2754b6a6d0d1798002ed5c66e699708429", "audioset", "15 kB",
                   "index, mid and display name of the 527 classes (CC BY 4.0)"),
        RemoteFile("eval_segments.csv", _CSV + "eval_segments.csv", None, "audioset", "1.6 MB",
                   "the evaluation segments, 20,371 rows (CC BY 4.0)"),
        RemoteFile("balanced_train_segments.csv", _CSV + "balanced_train_segments.csv", None, "audioset", "1.7 MB",
                   "the balanced training segments, 22,160 rows (CC BY 4.0)"),
        RemoteFile("unbalanced_train_segments.csv", _CSV + "unbalanced_train_segments.csv", None, "audioset", "150 MB",
                   "the unbalanced training segments, about 2 million rows (CC BY 4.0)"),
        RemoteFile("features.tar.gz", "http://storage.googleapis.com/us_audioset/youtube_corpus/v1/features/features.tar.gz",
                   None, "audioset", "2.4 GB",
                   "the 128-byte VGGish embeddings of every segment, TFRecord shards (CC BY 4.0)"),
        RemoteFile("vggish_model.ckpt", "https://storage.googleapis.com/audioset/vggish_model.ckpt", None, "vggish", "290 MB",
                   "the pretrained VGGish network, TensorFlow checkpoint (Apache 2.0)"),
        RemoteFile("vggish_pca_params.npz", "https://storage.googleapis.com/audioset/vggish_pca_params.npz", None, "vggish", "70 kB",
                   "VGGish's PCA matrix and means, used before 8-bit quantization (Apache 2.0)"),
    )
}

_ENV = {"audioset": "COURSE_AUDIOSET_DIR", "vggish": "COURSE_VGGISH_DIR"}


def cache_dir(kind: str = "audioset") -> Path:
    """Folder for downloaded files of a kind: ``$COURSE_AUDIOSET_DIR`` / ``$COURSE_VGGISH_DIR`` if set,
    else ``~/.cache/course_lib/audioset`` / ``~/.cache/course_lib/vggish``. Not created here.

    Notebook: 04_audioset_vggish
    """
    if kind not in _ENV:
        raise ValueError(f"kind must be one of {sorted(_ENV)}, got {kind!r}")
    env = os.environ.get(_ENV[kind])
    return Path(env).expanduser() if env else Path.home() / ".cache" / "course_lib" / kind


def sha256_of(path) -> str:
    """Hex sha256 of a file, read in 1 MB blocks.

    Notebook: 04_audioset_vggish
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def describe() -> str:
    """A table of the registry: name, size, whether it can be verified, what it is.

    Notebook: 04_audioset_vggish
    """
    rows = [f"{'name':30s} {'size':>7s}  {'sha256':10s}  description"]
    for f in REGISTRY.values():
        rows.append(f"{f.name:30s} {f.size:>7s}  {'recorded' if f.sha256 else 'NONE':10s}  {f.description}")
    return "\n".join(rows)


def _check(path: Path, remote: RemoteFile) -> str:
    got = sha256_of(path)
    if remote.sha256 is None:
        warnings.warn(
            f"cannot verify {remote.name}: the course records no sha256 for it (it could not be hashed "
            f"when the course was made). Its sha256 is {got}; compare it with a trusted source.",
            UnverifiedDownloadWarning,
            stacklevel=3,
        )
    elif got != remote.sha256:
        raise ChecksumError(f"{path}: sha256 is {got}, expected {remote.sha256} for {remote.name} ({remote.url}); "
                            "the download is damaged or the published file has changed. Delete it and try again.")
    return got


def fetch(name, folder=None, force: bool = False, quiet: bool = False) -> Path:
    """Download a file of :data:`REGISTRY` (once) and verify its sha256.

    Parameters
    ----------
    name : str or RemoteFile
        A registry name (``"ontology.json"``, ``"vggish_model.ckpt"``, ...) or a RemoteFile.
    folder : str or Path, optional
        Where to put it; default :func:`cache_dir` of the file's kind.
    force : bool
        Download again even if the file is there.
    quiet : bool
        Print nothing.

    Returns
    -------
    Path
        The local file. An existing file is checked, not downloaded again.

    Raises
    ------
    KeyError
        Unknown name.
    ChecksumError
        The bytes do not hash to the recorded sha256 (the partial download is removed).
    OSError
        Network or disk errors (``urllib.error.URLError`` is an OSError).

    Warns
    -----
    UnverifiedDownloadWarning
        When the registry has no sha256 for the file: it cannot be verified.

    Notebook: 04_audioset_vggish
    """
    remote = name if isinstance(name, RemoteFile) else REGISTRY.get(name)
    if remote is None:
        raise KeyError(f"{name!r} is not in the download registry; known: {sorted(REGISTRY)}")
    folder = Path(folder) if folder is not None else cache_dir(remote.folder)
    dest = folder / remote.name
    if dest.exists() and not force:
        _check(dest, remote)
        return dest
    folder.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(f"downloading {remote.name} ({remote.size}) from {remote.url} ...", file=sys.stderr)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{remote.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(remote.url) as response:
            shutil.copyfileobj(response, out, length=1 << 20)
        _check(Path(tmp), remote)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return dest
