"""data/: every shipped file is made by course_lib and regenerates to its recorded checksum."""

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
        assert f"`{a.name}`" in README and recorded[a.name] in README and a.licence in README


def test_only_assets_are_shipped():
    shipped = {p.name for p in (ROOT / "data").iterdir()} - {"README.md", "checksums.sha256"}
    assert shipped == {a.name for a in assets.ASSETS}


def test_regeneration_reproduces_the_checksums():
    assert assets.verify(PLAIN) == {}


def test_spoken_files_regenerate_with_the_same_espeak():
    version = assets.espeak_version()
    if version is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng); speech files not regenerated")
    built_with = re.search(r"built here with espeak-ng (\S+)\)", README)
    if built_with is None or built_with.group(1) != version:
        pytest.skip(f"data/ was built with another espeak-ng ({built_with and built_with.group(1)}), this is {version}")
    assert assets.verify(SPOKEN) == {}


def test_formats_are_what_the_chapters_expect():
    guitar = sf.info(assets.path("guitar_melody_22050.wav"))
    assert (guitar.samplerate, guitar.frames, guitar.subtype) == (22050, 110250, "PCM_16")
    assert sf.info(assets.path("organ_electronic_059_24bit.wav")).subtype == "PCM_24"
    for name in ("speech_en.wav", "speech_es.wav", "quiz_siren.wav"):
        assert sf.info(assets.path(name)).samplerate == 16000


def test_path_errors_name_the_file_and_the_fix():
    with pytest.raises(FileNotFoundError, match="not one of the course's data files"):
        assets.path("nope.wav")
