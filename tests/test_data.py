"""data/: every shipped file is made by course_lib, regenerates to its recorded checksum, is described
by data/README.md as course_lib.assets describes it, and is found with or without a git checkout."""

import re
from pathlib import Path

import pytest
import soundfile as sf

from course_lib import assets

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "data" / "README.md").read_text()
PLAIN = [a.name for a in assets.ASSETS if a.needs is None]
SPOKEN = [a.name for a in assets.ASSETS if a.needs == "espeak-ng"]


def test_every_asset_is_shipped_listed_and_checksummed():
    recorded = assets.read_checksums()
    assert set(recorded) == {a.name for a in assets.ASSETS}
    for a in assets.ASSETS:
        assert assets.sha256(assets.path(a.name)) == recorded[a.name], f"{a.name} differs from checksums.sha256"


def test_readme_describes_each_file_as_assets_does():
    recorded = assets.read_checksums()
    for a in assets.ASSETS:
        row = f"| `{a.name}` | {a.description} | {a.origin} | {a.licence} | `{recorded[a.name]}` |"
        assert row in README.splitlines(), f"data/README.md: the row of {a.name} is not what course_lib.assets says; run `make data`"
    assert len([line for line in README.splitlines() if line.startswith("| `")]) == len(assets.ASSETS)


def test_readme_states_what_each_remake_costs_as_the_records_say():
    import json

    studies = 0
    for a in assets.ASSETS:
        if not (a.trained and a.name.endswith(".json")):
            continue
        record = json.loads(assets.path(a.name).read_text()).get("record") or {}
        if "study" not in record:
            continue
        studies += 1
        row = next((line for line in README.splitlines() if line.startswith(f"| {record['study']} | `{a.name}` |")), None)
        assert row is not None, f"data/README.md does not say what remaking {record['study']} costs; run `make data`"
        if isinstance(record.get("seconds"), int):
            assert f"{record['seconds']:,} s" in row, f"{a.name}: the README's remake time is not the record's; run `make data`"
        else:
            assert "not timed" in row or "timed in a separate run" in row
    assert studies >= 9


def test_only_assets_are_shipped():
    shipped = {p.name for p in (ROOT / "data").iterdir()} - {"README.md", "checksums.sha256"}
    assert shipped == {a.name for a in assets.ASSETS}


def test_regeneration_reproduces_the_checksums():
    assert assets.verify(PLAIN) == {}


def test_spoken_files_regenerate_with_the_same_espeak():
    version = assets.espeak_version()
    if version is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng); speech files not regenerated")
    assert re.fullmatch(r"\d+(\.\d+)+", version), f"espeak_version() should be a version number, got {version!r}"
    built_with = re.search(r"built here with espeak-ng (\S+)\)", README)
    if built_with is None or built_with.group(1) != version:
        pytest.skip(f"data/ was built with another espeak-ng ({built_with and built_with.group(1)}), this is {version}")
    assert assets.verify(SPOKEN) == {}


def test_formats_are_what_the_chapters_expect():
    speech = sf.info(assets.path("speech_en.wav"))
    assert (speech.samplerate, speech.channels, speech.subtype) == (16000, 1, "PCM_16")


def test_path_refuses_unknown_names():
    with pytest.raises(ValueError, match=r"name must be one of \[.*'speech_en.wav'.*\], got 'nope.wav'"):
        assets.path("nope.wav")
    with pytest.raises(TypeError, match="name must be one of"):
        assets.path(Path("speech_en.wav"))


# ------------------------------------------------------------------ finding data/ without a checkout
def _data_folder(folder: Path, names=("speech_en.wav",)) -> Path:
    folder.mkdir(parents=True)
    (folder / "checksums.sha256").write_text("")
    for name in names:
        (folder / name).write_bytes(b"RIFF")
    return folder


def test_a_checkout_finds_data_beside_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "_PACKAGE_DIR", tmp_path / "repo" / "course_lib")
    (tmp_path / "repo" / "course_lib").mkdir(parents=True)
    data = _data_folder(tmp_path / "repo" / "data")
    assert assets.data_dir() == data
    assert assets.path("speech_en.wav") == data / "speech_en.wav"


def test_an_installed_package_finds_the_copy_it_carries(tmp_path, monkeypatch):
    # pip install . (not editable): site-packages/course_lib/data, and no data/ beside the package
    package = tmp_path / "site-packages" / "course_lib"
    monkeypatch.setattr(assets, "_PACKAGE_DIR", package)
    carried = _data_folder(package / "data")
    assert assets.data_dir() == carried
    assert assets.path("speech_en.wav") == carried / "speech_en.wav"
    _data_folder(tmp_path / "site-packages" / "data")  # a stray data/ beside it does not win
    assert assets.data_dir() == carried


def test_without_data_the_error_says_where_it_looked_and_what_to_do(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "course_lib"
    package.mkdir(parents=True)
    monkeypatch.setattr(assets, "_PACKAGE_DIR", package)
    (tmp_path / "site-packages" / "data").mkdir()  # a folder without checksums.sha256 is not the data
    for call in (assets.data_dir, lambda: assets.path("speech_en.wav")):
        with pytest.raises(FileNotFoundError) as info:
            call()
        message = str(info.value)
        assert str(package / "data") in message and str(tmp_path / "site-packages" / "data") in message
        assert "make data" in message and "checkout of the course's repository" in message and "pip install ." in message
    with pytest.raises(FileNotFoundError, match="not a checkout"):
        assets.build()


def test_a_missing_file_names_the_command_that_makes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "_PACKAGE_DIR", tmp_path / "course_lib")
    _data_folder(tmp_path / "course_lib" / "data", names=())
    with pytest.raises(FileNotFoundError, match="speech_en.wav is missing; regenerate data/ with `make data`"):
        assets.path("speech_en.wav")
    with pytest.raises(FileNotFoundError, match=r"wavenet_notes.weights.h5 is missing; retrain it with .*course_lib.experiments"):
        assets.path("wavenet_notes.weights.h5")
