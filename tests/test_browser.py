"""A real browser reads the book and the slides: headless Chromium opens a chapter page and its deck.

The pages are served from ``_build`` over http://127.0.0.1 (built first if missing or stale).
A page fails on a console error, a failed request, a request leaving 127.0.0.1, math left
untypeset, audio that cannot play, a broken image or widgets that did not render; the deck also
on speaker notes missing from a slide with a figure, or fragments that do not step. Every slide
of every deck is measured against the screen in ``tests/test_slide_fit.py``. Screenshots go
to ``_build/screenshots/``. Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run``
installs them); skips with a message where they are absent.
"""

import functools
import http.server
import json
import shutil
import threading
import time
from pathlib import Path

import nbformat
import pytest

from course_lib import book

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
SHOTS = BUILD / "screenshots"
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless Chromium is not installed: the browser test needs `chromium` and `chromium-driver` "
           "(Debian/Ubuntu: sudo apt-get install chromium chromium-driver)")


def _media(chapter):
    """What a chapter's stored outputs hold: audio players, widget views, math in its markdown."""
    nb = nbformat.read(ROOT / chapter.file, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    audio = sum("".join(o.get("data", {}).get("text/html", "")).count("<audio") for o in outputs)
    widgets = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    math = sum(c.source.count("$") for c in nb.cells if c.cell_type == "markdown")
    return audio, widgets, math


def _pick_chapter():
    """The first chapter whose stored outputs have audio, widgets and math (the richest test)."""
    present, _ = book.split_chapters()
    scored = [(all(_media(ch)), ch) for ch in present]
    return next((ch for ok, ch in scored if ok), present[0])


CHAPTER = _pick_chapter()
STEM = Path(CHAPTER.file).stem


@pytest.fixture(scope="module")
def site(built_site):
    """Build the book and the slides if needed (the root conftest's ``built_site``) and serve ``_build`` on a free local port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(BUILD)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _wait(driver, script, timeout=30, what="condition"):
    """Poll a JavaScript expression until it is truthy; fail with ``what`` after ``timeout`` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(f"return ({script});")
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout} s waiting for {what}: {script}")


def _problems(driver, base):
    """Console errors, failed requests and requests that leave 127.0.0.1, since the last call."""
    problems = [f"console {e['level']}: {e['message']}" for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        params = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith((base, "data:", "blob:", "about:", "chrome-extension:")):
                problems.append(f"request outside the site: {url}")
        elif msg["method"] == "Network.loadingFailed" and not params.get("canceled"):
            problems.append(f"failed request ({params.get('errorText')}) of type {params.get('type')}")
        elif msg["method"] == "Network.responseReceived" and params["response"]["status"] >= 400:
            problems.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
    return problems


MATHJAX_DONE = """
const done = arguments[arguments.length - 1];
const wait = () => (window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise.then(() => done(true), e => done('MathJax failed: ' + e))
    : setTimeout(wait, 100);
wait();
"""

AUDIO_STATE = """
return [...document.querySelectorAll('audio')].map(a => {
    if (a.readyState === 0 && a.networkState !== 2) { a.load(); }
    return {ready: a.readyState, duration: a.duration, error: a.error ? a.error.code : null};
});
"""

UNTYPESET_TEXT = r"""
const root = document.querySelector(arguments[0]);
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode: n =>
    n.parentElement.closest('pre, code, script, style, mjx-container, .highlight, textarea')
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
const bad = [];
const pattern = /\$[^$\s][^$]*\$|\\\(|\\\[|\$\$/;
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (pattern.test(n.textContent)) { bad.push(n.textContent.trim().slice(0, 80)); }
}
return bad;
"""


def _check_audio(driver):
    deadline = time.time() + 20
    while True:
        states = driver.execute_script(AUDIO_STATE)
        if all(s["ready"] >= 1 and s["duration"] > 0 for s in states) or time.time() > deadline:
            break
        time.sleep(0.25)
    assert states, "no <audio> element on the page"
    broken = [s for s in states if s["error"] or s["ready"] < 1 or not s["duration"] > 0]
    assert not broken, f"{len(broken)} of {len(states)} audio players cannot play: {broken[:3]}"
    return len(states)


def _check_images(driver):
    broken = driver.execute_script(
        "return [...document.querySelectorAll('img')].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
    assert not broken, f"images that did not load: {broken[:3]}"


def test_book_chapter_page_in_chromium(site, browser):
    n_audio, n_widgets, n_math = _media(CHAPTER)
    browser.get(f"{site}/book/notebooks/{STEM}.html")
    _problems(browser, site)  # (fills the logs; checked at the end)
    assert browser.execute_async_script(MATHJAX_DONE) is True
    _wait(browser, "document.readyState === 'complete'", what="the page to load")
    # Math: every MyST math node was typeset by the local MathJax, none failed.
    n_nodes, untypeset, errors = browser.execute_script(
        "const m = [...document.querySelectorAll('span.math, div.math')];"
        "return [m.length, m.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60)),"
        " document.querySelectorAll('mjx-merror').length];")
    if n_math:
        assert n_nodes > 0, "the chapter's markdown has math but the page has no math nodes"
    assert not untypeset, f"math left untypeset: {untypeset[:3]}"
    assert errors == 0, "MathJax reported errors in the math"
    # Widgets: the saved widget state renders through the local html-manager.
    if n_widgets:
        _wait(browser, f"document.querySelectorAll('.widget-subarea > .jupyter-widgets').length >= {n_widgets}",
              what=f"the {n_widgets} widgets to render")
    # Audio: every player decodes its clip; stored plots load.
    if n_audio:
        assert _check_audio(browser) >= n_audio
    _check_images(browser)
    # Navigation and the links to the slides and Binder are on the page.
    links = browser.execute_script(
        "return [...document.querySelectorAll('.course-links a')].map(a => a.getAttribute('href'));")
    assert any(h.endswith(f"/slides/{STEM}.slides.html") for h in links) and any("mybinder.org" in h for h in links)
    assert browser.execute_script("return document.querySelectorAll('nav.bd-links a').length") >= 2
    browser.save_screenshot(str(SHOTS / f"book_{STEM}.png"))
    widget = browser.execute_script("const w = document.querySelector('.jupyter-widgets');"
                                    "if (w) { w.scrollIntoView({block: 'center'}); } return !!w;")
    if widget:
        time.sleep(0.3)
        browser.save_screenshot(str(SHOTS / f"book_{STEM}_widget.png"))
    problems = _problems(browser, site)
    assert not problems, "\n".join(problems)


def test_book_search_finds_a_chapter(site, browser):
    browser.get(f"{site}/book/search.html?q=aliasing")
    found = _wait(browser, "document.querySelectorAll('#search-results li').length", timeout=30,
                  what="search results for 'aliasing'")
    assert found >= 1
    problems = _problems(browser, site)
    assert not problems, "\n".join(problems)


def test_slide_deck_in_chromium(site, browser):
    n_audio, n_widgets, n_math = _media(CHAPTER)
    browser.get(f"{site}/slides/{STEM}{book.SLIDES_SUFFIX}")
    _wait(browser, "window.Reveal && Reveal.isReady && Reveal.isReady()", what="reveal.js to start")
    assert browser.execute_async_script(MATHJAX_DONE) is True
    # Math: typeset, no raw $...$ left in the slides' text, no MathJax errors.
    if n_math:
        assert browser.execute_script("return document.querySelectorAll('.reveal mjx-container').length") > 0
    untypeset = browser.execute_script(UNTYPESET_TEXT, ".reveal .slides")
    assert not untypeset, f"math left untypeset in the slides: {untypeset[:3]}"
    assert browser.execute_script("return document.querySelectorAll('mjx-merror').length") == 0
    if n_audio:
        assert _check_audio(browser) >= n_audio
    if n_widgets:
        _wait(browser, f"document.querySelectorAll('.widget-subarea > .jupyter-widgets').length >= {n_widgets}",
              what=f"the {n_widgets} widgets to render")
    _check_images(browser)
    total = browser.execute_script("return Reveal.getTotalSlides()")
    assert total >= 3
    browser.save_screenshot(str(SHOTS / f"slides_{STEM}_title.png"))
    # Walk through the deck (exercises the slide-change handlers), then show a slide with math.
    for _ in range(min(total, 12)):
        browser.execute_script("Reveal.next()")
    target = browser.execute_script(
        "const s = [...document.querySelectorAll('.reveal .slides section')].find(s => !s.querySelector('section')"
        " && s.querySelector('mjx-container') && s.querySelector('img'))"
        " || [...document.querySelectorAll('.reveal .slides section')].find(s => s.querySelector('mjx-container'));"
        "if (!s) { return null; } const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); return i;")
    time.sleep(1.0)  # the slide transition
    browser.save_screenshot(str(SHOTS / f"slides_{STEM}.png"))
    if n_math:
        assert target is not None
    # Speaker notes (reveal's S view): the plugin is loaded and a slide with a figure has notes.
    notes = browser.execute_script(
        "const s = Reveal.getSlides().find(s => [...s.querySelectorAll('img')].some(i => !i.closest('aside.notes')));"
        "if (!s) { return null; } const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v);"
        "return [!!Reveal.getPlugin('notes'), Reveal.getSlideNotes(s) || ''];")
    assert notes is not None and notes[0], "no slide with a figure, or no notes plugin"
    assert len(notes[1].strip()) > 20, "a slide with a figure has no speaker notes"
    # Fragments step: on a slide with fragments, one more shows at each step.
    steps = browser.execute_script(
        "const s = Reveal.getSlides().find(s => s.querySelector('.fragment'));"
        "if (!s) { return null; } const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v, -1);"
        "const before = s.querySelectorAll('.fragment.visible').length; Reveal.nextFragment();"
        "return [before, s.querySelectorAll('.fragment.visible').length];")
    if steps is not None:
        assert steps[1] == steps[0] + 1, f"fragments did not step: {steps}"
    problems = _problems(browser, site)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", ["index.html", f"notebooks/{STEM}.html"])
@pytest.mark.parametrize("lang", sorted(book.EDITIONS))
def test_every_edition_links_the_same_page_in_the_others(site, browser, lang, page):
    """The language switch (book/static/language.js) on a page leads to that page in every other edition."""
    root = f"{site}/book/" + ("" if lang == "en" else f"{lang}/")
    browser.get(root + page)
    _wait(browser, "document.querySelector('.course-language')", what="the language switch")
    assert browser.execute_script("return document.documentElement.lang").startswith(lang)
    links = browser.execute_script(
        "return [...document.querySelectorAll('.course-language a')].map(a => [a.getAttribute('hreflang'), a.href]);")
    others = sorted(code for code in book.EDITIONS if code != lang)
    assert sorted(code for code, _ in links) == others, f"{lang}/{page}: the switch offers {links}"
    for code, href in links:
        assert href == f"{site}/book/" + ("" if code == "en" else f"{code}/") + page
        browser.get(href)
        _wait(browser, "document.readyState === 'complete'", what=f"the {code} page")
        assert browser.execute_script("return document.documentElement.lang").startswith(code)
        assert browser.execute_script("return document.querySelectorAll('.bd-article').length") == 1, f"{href}: no page"
    problems = _problems(browser, site)
    assert not problems, "\n".join(problems)


def test_widget_icon_fonts_load_from_the_book(site, browser):
    """The widget renderer's icon fonts (a drop-down's caret, a button's icon) come from the book's own
    copy of the renderer: book/static/widget-assets.js tells require.js where it is. Without it every
    chapter page with widgets asked for notebooks/@jupyter-widgets/html-manager/dist/*.woff2 (404)."""
    _problems(browser, site)
    browser.get(f"{site}/book/notebooks/01_sound_physics.html")  # the quiz: drop-downs and a button
    _wait(browser, "document.querySelectorAll('.widget-subarea > .jupyter-widgets').length >= 1", what="the widgets")
    _wait(browser, "document.readyState === 'complete'", what="the page to load")
    fonts = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => done(performance.getEntriesByType('resource')"
        "  .map(e => e.name).filter(n => /\\.(woff2?|ttf)$/.test(n))));")
    renderer = [f for f in fonts if "html-manager" in f or "@jupyter-widgets" in f]  # (the theme and MathJax have theirs)
    assert renderer, f"the renderer asked for no icon font: the test no longer shows what it checks ({fonts})"
    assert all("/book/_static/vendor/html-manager/" in f for f in renderer), renderer
    problems = _problems(browser, site)
    assert not problems, "\n".join(problems)


def test_spanish_chapter_page_is_in_spanish_and_links_its_own_deck(site, browser):
    browser.get(f"{site}/book/es/notebooks/{STEM}.html")
    _wait(browser, "document.readyState === 'complete'", what="the page to load")
    links = browser.execute_script(
        "return [...document.querySelectorAll('.course-links a')].map(a => [a.textContent, a.getAttribute('href')]);")
    assert any(text.endswith("Diapositivas") and href.endswith(f"/slides/es/{STEM}.slides.html") for text, href in links)
    assert any("notebooks/es/" in href for _, href in links if "mybinder.org" in href), "Binder opens the Spanish notebook"
    deck = browser.execute_script(
        "return new URL(document.querySelector('.course-link-slides').getAttribute('href'), location.href).href")
    browser.get(deck)
    _wait(browser, "window.Reveal && Reveal.isReady()", what="the Spanish deck")
    assert browser.execute_script("return document.documentElement.lang").startswith("es")
