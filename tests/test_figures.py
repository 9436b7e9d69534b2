"""Figures sized for a projector (issue 24): the course style, each figure's record of its smallest
text and of texts that run into each other, and every figure the chapters store meets both.

The deck measure (``tests/test_slide_fit.py``) multiplies a figure's record by the scale a slide
shows it at; here the records themselves are checked, in every stored notebook and widget view."""

import base64
import json
import math
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib.teaching import figures, widgets  # noqa: E402
from course_lib.tools import book  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STYLE_PX = figures.SMALLEST_TEXT_PT * figures.FIGURE_DPI / 72
PRESENT, _ = book.split_chapters()
NOTEBOOKS = [ROOT / ch.file for ch in PRESENT]


@pytest.fixture
def style():
    with matplotlib.rc_context():
        figures.use_course_style()
        yield
    plt.close("all")


def _figure(**legend):
    fig = Figure(figsize=(6, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1, 0, 1], label="a line")
    ax.set(xlabel="Time (s)", ylabel="Amplitude", title="one title")
    ax.legend(**legend)
    fig.tight_layout()
    return fig


def test_the_style_sets_projector_sizes(style):
    assert matplotlib.rcParams["figure.dpi"] == figures.FIGURE_DPI
    # every text size matplotlib would use, relative ones ("medium", "large") resolved against font.size
    from matplotlib.font_manager import FontProperties

    sizes = {k: FontProperties(size=v).get_size_in_points() for k, v in matplotlib.rcParams.items()
             if k.endswith(("font.size", "fontsize", "labelsize", "titlesize")) and v is not None}
    assert min(sizes.values()) == figures.SMALLEST_TEXT_PT, sizes


def test_a_figure_records_its_smallest_drawn_text(style):
    fig = _figure()
    png = figures.figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert figures.text_record(png) == pytest.approx(STYLE_PX, abs=0.01)
    assert figures.text_record(base64.b64encode(png).decode()) == figures.text_record(png), "base64, as notebooks store it"
    small = figures.figure_png(_figure(fontsize=8))
    assert figures.text_record(small) == pytest.approx(8 * figures.FIGURE_DPI / 72, abs=0.01), "a legend at 8 pt counts"
    ticks = _figure()
    ticks.axes[0].tick_params(labelsize=6)
    assert figures.text_record(figures.figure_png(ticks)) == pytest.approx(6 * figures.FIGURE_DPI / 72, abs=0.01)
    # a tick label outside the axis' view is never drawn and does not count
    hidden = _figure()
    hidden.axes[0].set_yticks([-5, 0.5], ["tiny", "shown"])
    hidden.axes[0].get_yticklabels()[0].set_fontsize(4)
    hidden.axes[0].set_ylim(0, 1.1)
    assert figures.text_record(figures.figure_png(hidden)) == pytest.approx(STYLE_PX, abs=0.01)
    # a figure without text records none; a PNG made outside figure_png has no record
    bare = Figure(figsize=(2, 1))
    bare.add_subplot().axis("off")
    assert figures.text_record(figures.figure_png(bare)) == math.inf
    fig.savefig(buf := __import__("io").BytesIO(), format="png")
    assert figures.text_record(buf.getvalue()) is None


def test_texts_that_run_into_each_other_are_recorded(style):
    crowded = plt.figure(figsize=(8, 2.4))
    for k, ax in enumerate(crowded.subplots(1, 4)):
        ax.plot([0, 1], [0, 1])
        ax.set_title(f"row k = {k}: {k} cycles in N = 32")
    crowded.tight_layout()
    record = figures.png_records(figures.figure_png(crowded))[figures.OVERLAP_RECORD]
    assert "'row k = 0: 0 cycles in N = 32' / 'row k = 1: 1 cycles in N = 32'" in record
    assert figures.png_records(figures.figure_png(_figure()))[figures.OVERLAP_RECORD] == "none"


def test_a_png_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="not a PNG"):
        figures.png_records(b"GIF89a....")


def test_widget_views_carry_the_record(style):
    quiz = widgets.sound_quiz([("tone", __import__("numpy").zeros(800, "float32"), 8000)] * 2, rng=0)
    image = quiz.widget.children[1].children[0].children[1]
    assert figures.text_record(image.value) >= STYLE_PX - 0.01
    explorer = widgets.aliasing_explorer()
    pngs = [c.value for c in explorer.children if type(c).__name__ == "Image"]
    assert pngs and all(figures.text_record(p) >= STYLE_PX - 0.01 for p in pngs)


def _stored_figures(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                yield f"cell {index} ({cell.get('id')})", out["data"]["image/png"]
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model_id, model in state.get("state", {}).items():
        if model.get("model_name") == "ImageModel":
            for buffer in model.get("buffers", []):
                if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
                    yield f"widget image {model_id[:8]}", buffer["data"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_stored_figure_is_sized_for_a_projector(path):
    """Every figure a chapter stores was drawn in the course style: its smallest text is at least the
    style's (16.25 px at 90 dpi) and no two of its texts overlap."""
    found, problems = 0, []
    for where, data in _stored_figures(path):
        found += 1
        records = figures.png_records(data)
        px = records.get(figures.TEXT_RECORD)
        if px is None:
            problems.append(f"{where}: no record of its smallest text (drawn outside figures.use_course_style)")
        elif px != "none" and float(px) < STYLE_PX - 0.01:
            problems.append(f"{where}: smallest text {float(px):.1f} px, under the style's {STYLE_PX:.2f} px")
        if records.get(figures.OVERLAP_RECORD, "none") != "none":
            problems.append(f"{where}: texts overlap: {records[figures.OVERLAP_RECORD][:200]}")
    assert found, f"{path.name} stores no figure"
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
