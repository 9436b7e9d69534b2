"""The course's figure style, sized for a projector, and each figure's record of its smallest text.

A figure in the course is read in three places: the notebook, the book, and the deck an instructor
projects at 1280×720. Matplotlib's defaults (10 pt text at 100 dpi, 6.4 × 4.8 in) give about 11 px
labels once a figure is scaled to a slide: unreadable from the back of a room. The course style
(:data:`STYLE`, set by :func:`use_course_style` in each chapter's first code cell) draws at
:data:`FIGURE_DPI` with no text smaller than :data:`SMALLEST_TEXT_PT`: 13 pt at 90 dpi is 16.25 px
in the stored PNG.

Every figure the course shows carries a record of the smallest text it actually drew, in pixels of
its PNG (a ``tEXt`` chunk named :data:`TEXT_RECORD`, written by :func:`figure_png` after the figure
is drawn, so tick labels and legends count). The deck measure (``course_lib.tools.slides``) reads
that record in the browser and multiplies it by the scale the slide shows the figure at: a figure
whose text ends up smaller than the deck's printed output (15 px) does not fit. A figure made
outside the style, or a label given ``fontsize=8``, is caught there.

Notebook: every chapter's setup cell (00–10); :mod:`course_lib.teaching.widgets` renders its views
with :func:`figure_png`. Layer 6: imports matplotlib (and IPython, when it runs inside one).
"""

from __future__ import annotations

import base64
import contextlib
import io
import math
import struct
import zlib

__all__ = ["FIGURE_DPI", "SMALLEST_TEXT_PT", "STYLE", "TEXT_RECORD", "OVERLAP_RECORD", "use_course_style",
           "figure_png", "text_record", "png_records"]

#: Dots per inch of every stored figure (a 9 × 3 in figure is 810 × 270 px).
FIGURE_DPI = 90
#: The smallest text the style draws (points): tick labels, legends, annotations.
SMALLEST_TEXT_PT = 13.0
#: The course's matplotlib settings: a wide, short default figure and text sized for a projector.
STYLE = {
    "figure.dpi": FIGURE_DPI, "savefig.dpi": "figure", "figure.figsize": (9.0, 3.0),
    "font.size": SMALLEST_TEXT_PT, "axes.titlesize": 14.0, "axes.labelsize": 14.0, "figure.titlesize": 15.0,
    "xtick.labelsize": SMALLEST_TEXT_PT, "ytick.labelsize": SMALLEST_TEXT_PT,
    "legend.fontsize": SMALLEST_TEXT_PT, "legend.title_fontsize": SMALLEST_TEXT_PT,
    "axes.titlepad": 8.0, "axes.labelpad": 3.0, "legend.framealpha": 0.85,
}
#: The PNG ``tEXt`` keywords under which :func:`figure_png` records the smallest text drawn (px) and
#: the texts that run into each other ("none", or pairs separated by " | ").
TEXT_RECORD, OVERLAP_RECORD = "course smallest text px", "course overlapping texts"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def use_course_style() -> None:
    """Set the course's figure style (:data:`STYLE`); inside IPython, show every figure through :func:`figure_png`.

    A chapter that sets a smaller text afterwards (``fontsize=8``, an rcParam) is not refused here:
    the figure's record shows it, and the stored-figure and slide tests fail on it.

    Notebook: (every chapter's setup cell, 00–10)
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(STYLE)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    # Load the backend now: the inline backend registers its own PNG formatter when it first loads,
    # which would otherwise replace this one at the first figure.
    plt.switch_backend(matplotlib.get_backend())
    shell.display_formatter.formatters["image/png"].for_type(Figure, _display_png)


def _display_png(fig) -> str | None:
    """The inline backend's PNG of ``fig`` (tight bounding box, base64), with its text record."""
    if not fig.axes and not fig.texts and not fig.images:
        return None  # an empty figure, as the inline backend does
    return base64.b64encode(figure_png(fig, tight=True)).decode("ascii")


@contextlib.contextmanager
def _drawn_texts():
    """Collect every text matplotlib draws inside the block: ``{id: (text, size in points, box in px, rotation)}``.

    Only drawn texts count: a tick label outside the axis' view, an invisible legend or an empty
    title is never drawn. A later draw of the same text (a tight bounding box draws twice) replaces
    the earlier one.
    """
    from matplotlib.text import Text

    drawn, original = {}, Text.draw

    def draw(self, renderer):
        original(self, renderer)
        text = str(self.get_text()).strip()
        if self.get_visible() and text:
            drawn[id(self)] = (text, self.get_fontsize(), self.get_window_extent(renderer), self.get_rotation())

    Text.draw = draw
    try:
        yield drawn
    finally:
        Text.draw = original


def _overlaps(drawn: dict, tolerance: float = 3.0) -> list[tuple[str, str]]:
    """Pairs of drawn texts (:func:`_drawn_texts`) whose boxes overlap, by their text.

    A text's box spans its font's ascent and descent, a few pixels of blank around digits and
    capitals; overlaps up to ``tolerance`` pixels are that blank. Text rotated by other than a
    right angle (slanted tick labels) is left out: its box is not its shape.
    """
    boxes = [(text, box) for text, _, box, rotation in drawn.values() if rotation % 90 == 0]
    clashes = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if dx > tolerance and dy > tolerance:
                clashes.append((a, b))
    return clashes


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def figure_png(fig, *, tight: bool = True) -> bytes:
    """PNG bytes of ``fig`` at its own dpi, with a ``tEXt`` record of its smallest text (px).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    tight : bool
        Crop to the drawn content (``bbox_inches="tight"``, as the inline backend shows figures).

    Returns
    -------
    bytes
        The PNG. Two ``tEXt`` chunks right after its header record what the figure drew:
        :data:`TEXT_RECORD`, the smallest text in pixels (``font size in points × dpi / 72``, two
        decimals; ``none`` for a figure without text), and :data:`OVERLAP_RECORD`, the pairs of
        texts whose boxes overlap by more than 3 px (``none``). Only drawn texts count: a tick
        label outside the view or an empty title does not; slanted text is left out of the overlaps.

    Notebook: 10_transformers_ssl (its patch explorer); every chapter's figures through :func:`use_course_style`
    """
    buf = io.BytesIO()
    with _drawn_texts() as drawn:
        fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight" if tight else None,
                    facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor())
    png = buf.getvalue()
    px = min(d[1] for d in drawn.values()) * fig.dpi / 72.0 if drawn else None
    clashes = _overlaps(drawn)
    records = {TEXT_RECORD: "none" if px is None else f"{px:.2f}",
               OVERLAP_RECORD: " | ".join(f"{a!r} / {b!r}" for a, b in clashes) if clashes else "none"}
    chunks = b"".join(_png_chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1", "replace"))
                      for key, value in records.items())
    end_of_header = len(_PNG_SIGNATURE) + 8 + 13 + 4  # signature, IHDR length and type, its 13 bytes, CRC
    return png[:end_of_header] + chunks + png[end_of_header:]


def png_records(png: bytes | str) -> dict[str, str]:
    """The ``tEXt`` chunks before a PNG's image data, as ``{keyword: text}``.

    Parameters
    ----------
    png : bytes, memoryview or str
        PNG bytes (an ``ipywidgets.Image`` holds a memoryview), or their base64 text (as a notebook
        stores them).

    Raises
    ------
    ValueError
        If ``png`` is not a PNG.

    Notebook: (tooling: ``tests/test_figures.py`` reads every stored figure's records)
    """
    png = base64.b64decode("".join(png)) if isinstance(png, str) else bytes(png)
    if png[:8] != _PNG_SIGNATURE:
        raise ValueError(f"png_records: not a PNG (starts {png[:8]!r})")
    found, i = {}, 8
    while i + 8 <= len(png):
        length, kind = struct.unpack(">I", png[i:i + 4])[0], png[i + 4:i + 8]
        if kind == b"IDAT":
            break
        if kind == b"tEXt":
            key, _, value = png[i + 8:i + 8 + length].partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
        i += 12 + length
    return found


def text_record(png: bytes | str) -> float | None:
    """The smallest text (px) recorded in a PNG by :func:`figure_png`.

    Parameters
    ----------
    png : bytes or str
        PNG bytes, or their base64 text (as a notebook stores them).

    Returns
    -------
    float or None
        The recorded size; ``inf`` for a figure without text; None for a PNG without the record
        (made outside :func:`figure_png`).

    Raises
    ------
    ValueError
        If ``png`` is not a PNG.

    Notebook: (tooling: the deck's layout estimate; ``tests/test_figures.py``)
    """
    value = png_records(png).get(TEXT_RECORD)
    return None if value is None else math.inf if value == "none" else float(value)
