"""Slides an instructor can present (issue 24): every slide of every deck fits a 1280×720 screen.

One page load per deck: headless Chromium at 1280×720 opens the deck (reveal.js with the deck's own
slide size and scaling, scrolling off), visits every slide in JavaScript and measures its content
against the slide (``course_lib.tools.slides.SLIDE_FIT_JS``, the same measure as
``python -m course_lib.tools.slides --measure``). A slide fails when its content is taller or
wider than the slide, when the slide had to shrink a figure below ``slides.FIGURE_MIN`` of its
stored size to fit, or when a figure's smallest text, as shown, is under ``slides.FIGURE_TEXT_MIN``
(15 px: the PNG's own record of its smallest text, ``course_lib.teaching.figures``, times the scale
the slide shows it at; a figure without that record fails); a few deliberate exceptions (cell metadata ``deck.overflow_ok``: why) may be
at most 10 % over and at most 5 % of a deck's slides. Every slide that shows a figure, a sound or
a widget has speaker notes.

Every language the course publishes is measured: ``slides.SLIDE_EDITIONS`` maps each language to its
deck folder (English today; the Spanish edition adds one entry). Needs Debian's ``chromium`` and
``chromium-driver``; skips with a message where they are absent.
"""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from course_lib.tools import book, slides

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(
    shutil.which("chromedriver") is None
    or not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")),
    reason="headless Chromium is not installed: the slide measure needs `chromium` and `chromium-driver` "
           "(Debian/Ubuntu: sudo apt-get install chromium chromium-driver)")

PRESENT, _ = book.split_chapters()
DECKS = [pytest.param(language, Path(ch.file).stem, id=f"{language}-{Path(ch.file).stem}")
         for language in slides.SLIDE_EDITIONS for ch in PRESENT]


@pytest.fixture(scope="module")
def served(built_site):
    """The repository root over http://127.0.0.1 (each edition's deck folder lies under it)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(ROOT)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def screen():
    driver = slides.headless_chromium(slides.SLIDE_WIDTH, slides.SLIDE_HEIGHT)
    yield driver
    driver.quit()


@pytest.mark.parametrize("language, stem", DECKS)
def test_every_slide_fits_the_screen(served, screen, language, stem):
    folder = slides.SLIDE_EDITIONS[language]
    deck = ROOT / folder / f"{stem}{book.SLIDES_SUFFIX}"
    assert deck.exists(), f"no {language} deck for {stem} in {folder}"
    m = slides.measure_deck(screen, f"{served}/{folder}/{deck.name}")
    assert m["viewport"] == [slides.SLIDE_WIDTH, slides.SLIDE_HEIGHT], "the measure needs a 1280×720 page"
    assert (m["width"], m["height"]) == (slides.SLIDE_WIDTH, slides.SLIDE_HEIGHT), "the deck's own slide size changed"
    assert len(m["slides"]) >= 3
    problems = slides.slide_fit_problems(m)
    assert not problems, f"{stem} ({language}): {len(problems)} slides do not fit:\n" + "\n".join(problems)
    silent = [f"slide {s['h']}/{s['v']} (cell {s['cell']}, {s['title']!r})"
              for s in m["slides"] if s["media"] and not s["notes"]]
    assert not silent, f"{stem}: slides with a figure, a sound or a widget but no speaker notes:\n" + "\n".join(silent)


def test_the_measure_sees_an_overflow(served, screen, tmp_path_factory):
    """The measure can fail: a slide made taller and wider than the screen is reported, and a marked one
    is allowed only up to the exception limit."""
    folder = slides.SLIDE_EDITIONS["en"]
    stem = Path(PRESENT[0].file).stem
    html = (ROOT / folder / f"{stem}{book.SLIDES_SUFFIX}").read_text(encoding="utf-8")
    tall = '<div style="height: 2000px; width: 3000px">too much</div>'
    probe = ROOT / folder / f"zz_probe_{stem}{book.SLIDES_SUFFIX}"
    # the first slide's first cell gets a block twice the screen's height and width
    marker = '<section data-cell='
    first = html.index(marker, html.index(marker) + 1) if html.count(marker) > 1 else html.index(marker)
    close = html.index(">", first) + 1
    probe.write_text(html[:close] + tall + html[close:], encoding="utf-8")
    try:
        m = slides.measure_deck(screen, f"{served}/{folder}/{probe.name}")
    finally:
        probe.unlink()
    first_slide = m["slides"][0]
    assert first_slide["height"] > 2 and first_slide["width"] > 2
    problems = slides.slide_fit_problems(m)
    assert any("slide 0/0" in p for p in problems)
    m["slides"][0]["overflow_ok"] = "a test"
    assert any("marked" in p for p in slides.slide_fit_problems(m)), "a marked slide is allowed 10 %, not 100 %"
