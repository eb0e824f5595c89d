"""The house layout every printed document shares: page frame, styles and building blocks.

Why one module: the credential sheet, the procedure records, the terminal's
papers and the reports must look like one family on paper (same header band,
footer, fonts, colours and tables), so that a custodian or an auditor
recognises a genuine Sealroom page at a glance. A document module only says
*what* goes on its pages, in the blocks defined here, and hands its story to
:func:`build`.

Invariants:

* Everything happens in memory: :func:`build` returns ``bytes`` and never
  writes a file, so a credential sheet exists only in RAM and on paper.
* Every page carries, in its frame: the document title and terminal id (top
  band), and in the footer the journal head (``Journal head N · hash…``),
  the terminal id, the title again and ``Page N of M``. ``M`` is known only
  after layout, so pages are buffered by the numbered canvas and the footer
  drawn when the document is saved (the classic reportlab two-pass recipe,
  without rendering twice).
* Document metadata (title, author, subject) holds only the title, the
  terminal id and the journal head: never a secret.
* Sample documents (``meta.sample``) carry a diagonal "SAMPLE" watermark so
  a layout check can never be mistaken for a real sheet.
* The fonts must be registered (:func:`hardware.printing.fonts.register_fonts`)
  before anything here is drawn; :func:`hardware.printing.render.render` does it.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from hardware.printing.fonts import MONO, MONO_BOLD, SANS, SANS_BOLD
from kiosk.paper.documents import Document, DocumentMeta, Person
from kiosk.paper.passwords import grouped

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
HEADER_H = 19 * mm
BAND_H = 8 * mm
FOOTER_H = 16 * mm
CONTENT_W = PAGE_W - 2 * MARGIN

NAVY = colors.HexColor("#1B2A41")
INK = colors.HexColor("#1D232B")
MUTED = colors.HexColor("#5B6573")
RULE = colors.HexColor("#A7B0BC")
FILL = colors.HexColor("#F1F3F6")
ALERT = colors.HexColor("#9B1C1C")
ALERT_FILL = colors.HexColor("#FBEAEA")
#: The band of a paper that is public by design (the terminal identity sheet).
PUBLIC = colors.HexColor("#1F6F5C")

Story = list[Flowable]

#: The credential sheet is folded in three (a letter fold) to go into its
#: envelope: the two folds, as heights from the foot of the page (reportlab's
#: y). The marks in the margins show them; nothing of the sheet's body is laid
#: out closer than :data:`FOLD_CLEARANCE` to either, so a crease never runs
#: through what must be read (:func:`build_folded`).
FOLD_YS = (PAGE_H * 2 / 3, PAGE_H / 3)
#: A hand fold lands a few millimetres off the mark: keep this much paper clear.
FOLD_CLEARANCE = 7 * mm


# ---------------------------------------------------------------------------
# Styles


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles by name; a fresh set per document, so a tweak never leaks."""
    base = ParagraphStyle("base", fontName=SANS, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "label": ParagraphStyle(
            "label", parent=base, fontName=SANS_BOLD, fontSize=7.5, leading=9.5, textColor=MUTED
        ),
        "value": ParagraphStyle("value", parent=base, fontSize=10.5, leading=13.5),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=9.5, leading=12.5),
        # a head, hash or fingerprint a person compares character by character
        "big_mono": ParagraphStyle(
            "big_mono", parent=base, fontName=MONO_BOLD, fontSize=11.5, leading=15
        ),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=SANS_BOLD, fontSize=17, leading=21, spaceAfter=1 * mm
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=SANS_BOLD,
            fontSize=10,
            leading=13,
            textColor=NAVY,
            spaceBefore=4 * mm,
            spaceAfter=1.5 * mm,
        ),
        "sub": ParagraphStyle("sub", parent=base, fontSize=11, leading=14, textColor=MUTED),
        "phon": ParagraphStyle(
            "phon", parent=base, fontName=SANS, fontSize=6.2, leading=7.9, textColor=MUTED
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph from plain text (escaped; newlines kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def local_time(when: dt.datetime, tz: str) -> str:
    """``2026-01-05 09:00 GMT`` plus the UTC time when the zone is not UTC."""
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    loc = when.astimezone(zone)
    text = loc.strftime("%Y-%m-%d %H:%M ") + (loc.tzname() or tz)
    utc = when.astimezone(dt.UTC)
    if loc.utcoffset() != dt.timedelta(0):
        text += utc.strftime(" (%H:%M UTC)")
    return text


# ---------------------------------------------------------------------------
# Page frame: header band, footer, page count


class _Chrome:
    """What every page of one document shows around its content."""

    def __init__(
        self, doc: Document, band: str | None, fold_marks: bool, band_fill: colors.Color = ALERT
    ) -> None:
        self.meta: DocumentMeta = doc.meta
        self.title = doc.title
        self.band = band
        self.band_fill = band_fill
        self.fold_marks = fold_marks

    def page(self, c: Canvas, _doc: Any) -> None:
        """Drawn before each page's content (the page count comes later)."""
        meta = self.meta
        c.saveState()
        if meta.sample:
            c.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.10))
            c.setFont(SANS_BOLD, 54)
            c.translate(PAGE_W / 2, PAGE_H / 2)
            c.rotate(52)
            c.drawCentredString(0, -20, "SAMPLE — NOT REAL")
            c.rotate(-52)
            c.translate(-PAGE_W / 2, -PAGE_H / 2)
        top = PAGE_H - HEADER_H
        c.setFillColor(NAVY)
        c.rect(0, top, PAGE_W, HEADER_H, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont(SANS_BOLD, 7)
        c.drawString(MARGIN, top + 12.6 * mm, "S E A L R O O M")
        c.setFont(SANS_BOLD, 14)
        c.drawString(MARGIN, top + 5.2 * mm, self.title)
        c.setFont(SANS, 7.5)
        c.drawRightString(PAGE_W - MARGIN, top + 11.5 * mm, f"Terminal {meta.terminal_id}")
        c.drawRightString(
            PAGE_W - MARGIN, top + 7.5 * mm, "Printed " + local_time(meta.printed_at, meta.timezone)
        )
        c.drawRightString(PAGE_W - MARGIN, top + 3.5 * mm, meta.head.label)
        if self.band:
            c.setFillColor(self.band_fill)
            c.rect(0, top - BAND_H, PAGE_W, BAND_H, stroke=0, fill=1)
            c.setFillColor(colors.white)
            c.setFont(SANS_BOLD, 9.5)
            c.drawCentredString(PAGE_W / 2, top - BAND_H + 2.7 * mm, self.band)
        if self.fold_marks:
            c.setStrokeColor(RULE)
            c.setLineWidth(0.5)
            c.setFont(SANS, 5.5)
            c.setFillColor(MUTED)
            for y in FOLD_YS:
                c.line(0, y, 7 * mm, y)
                c.line(PAGE_W - 7 * mm, y, PAGE_W, y)
                c.drawString(1 * mm, y + 1 * mm, "fold")
        c.restoreState()

    def footer(self, c: Canvas, page: int, pages: int) -> None:
        """Drawn when the total is known; same on every page."""
        c.saveState()
        y = FOOTER_H - 5 * mm
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(MARGIN, y + 4 * mm, PAGE_W - MARGIN, y + 4 * mm)
        c.setFillColor(MUTED)
        c.setFont(MONO, 7.2)
        c.drawString(MARGIN, y, self.meta.head.label)
        c.setFont(SANS, 7.2)
        c.drawCentredString(PAGE_W / 2, y, f"{self.title} · terminal {self.meta.terminal_id}")
        c.setFont(SANS_BOLD, 7.2)
        c.setFillColor(INK)
        c.drawRightString(PAGE_W - MARGIN, y, f"Page {page} of {pages}")
        c.restoreState()


def _canvas_maker(chrome: _Chrome) -> Callable[..., Canvas]:
    class _NumberedCanvas(Canvas):  # type: ignore[misc]
        """Buffers pages so the footer can say "Page N of M"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Our own font from the first byte: no un-embedded Helvetica in the file.
            kwargs["initialFontName"] = SANS
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                chrome.footer(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return _NumberedCanvas


def build(
    doc: Document,
    story: Story,
    band: str | None = None,
    fold_marks: bool = False,
    band_fill: colors.Color = ALERT,
) -> bytes:
    """The PDF of ``story`` in the page frame; ``band``: a strip under the header (red: warning)."""
    chrome = _Chrome(doc, band, fold_marks, band_fill)
    buf = io.BytesIO()
    top = _top(band)
    template = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=top,
        bottomMargin=FOOTER_H + 3 * mm,
        title=doc.title,
        author=f"Sealroom terminal {doc.meta.terminal_id}",
        subject=doc.meta.head.label,
        creator="Sealroom",
        invariant=1,
    )
    frame = Frame(
        MARGIN,
        FOOTER_H + 3 * mm,
        CONTENT_W,
        PAGE_H - top - FOOTER_H - 3 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=chrome.page)])
    template.build(story, canvasmaker=_canvas_maker(chrome))
    return buf.getvalue()


def _top(band: str | None) -> float:
    """Height from the top of the page to where the body starts."""
    return float(HEADER_H + (BAND_H if band else 0) + 5 * mm)


def third_boxes(band: str | None) -> list[tuple[float, float]]:
    """``(bottom, top)`` of each third of a folded sheet's body, top third first.

    Each third ends :data:`FOLD_CLEARANCE` short of its folds; the top third
    starts under the header (and band), the bottom third above the footer.
    """
    edges = [PAGE_H - _top(band), *FOLD_YS, FOOTER_H + 3 * mm]
    boxes = []
    for i in range(3):
        top = edges[i] - (FOLD_CLEARANCE if i > 0 else 0)
        bottom = edges[i + 1] + (FOLD_CLEARANCE if i < 2 else 0)
        boxes.append((bottom, top))
    return boxes


def build_folded(doc: Document, thirds: Sequence[Story], band: str | None = None) -> bytes:
    """One page folded in three: each story in its own third, shrunk if it must be, never moved.

    Why frames and not one flowing story: with one story, anything taller
    than planned pushes the rest down across a fold. Here each third is its
    own frame and its story is wrapped in a shrink-to-fit ``KeepInFrame``,
    so whatever the content's length (a 128-character password, many
    recovery codes) each third stays between its folds, with the fold marks
    drawn in the margins.
    """
    if len(thirds) != 3:
        raise ValueError("a folded sheet has three thirds")
    chrome = _Chrome(doc, band, fold_marks=True)
    buf = io.BytesIO()
    template = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=_top(band),
        bottomMargin=FOOTER_H + 3 * mm,
        title=doc.title,
        author=f"Sealroom terminal {doc.meta.terminal_id}",
        subject=doc.meta.head.label,
        creator="Sealroom",
        invariant=1,
    )
    frames = []
    story: Story = []
    for i, ((bottom, top), content) in enumerate(zip(third_boxes(band), thirds, strict=True)):
        height = top - bottom
        frames.append(
            Frame(
                MARGIN,
                bottom,
                CONTENT_W,
                height,
                id=f"third{i + 1}",
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
        )
        # A hair less than the frame, so rounding never pushes it to a next page.
        story.append(KeepInFrame(CONTENT_W, height - 1, list(content), mode="shrink"))
        if i < 2:
            story.append(FrameBreak())
    template.addPageTemplates([PageTemplate(id="folded", frames=frames, onPage=chrome.page)])
    template.build(story, canvasmaker=_canvas_maker(chrome))
    return buf.getvalue()


class Located(Flowable):  # type: ignore[misc]
    """A flowable that records where on the page it was drawn (after any shrinking).

    ``boxes`` receives ``(x0, y0, x1, y1)`` in page points (origin at the
    page's foot) each time it is drawn: the credential sheet hands its
    secret panel's box to the checks that no fold crosses it.
    """

    def __init__(self, inner: Flowable, boxes: list[tuple[float, float, float, float]]) -> None:
        super().__init__()
        self.inner = inner
        self.boxes = boxes

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrapOn(self.canv, avail_w, avail_h)
        return self.width, self.height

    def draw(self) -> None:
        x0, y0 = self.canv.absolutePosition(0, 0)
        x1, y1 = self.canv.absolutePosition(self.width, self.height)
        self.boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        self.inner.drawOn(self.canv, 0, 0)


def fit_lines(
    text: str, font: str, width: float, largest: float, smallest: float
) -> tuple[float, list[str]]:
    """The font size and lines of ``text`` in ``width``: shrink first, then wrap between words.

    Largest size that holds the text on one line, down to ``smallest``;
    below that, ``smallest`` with the words wrapped at spaces only; and if a
    single word is wider than ``width`` even then, a smaller size still, so
    that no word is ever broken (an account id cut at a hyphen reads as two).
    """
    words = text.split()
    if not words:
        return largest, [""]
    line = " ".join(words)
    whole = stringWidth(line, font, 1)
    if whole * largest <= width:
        return largest, [line]
    if whole * smallest <= width:
        return width / whole * 0.99, [line]
    longest = max(stringWidth(w, font, 1) for w in words)
    size = min(smallest, width / longest * 0.99)
    lines: list[str] = []
    for word in words:
        if lines and stringWidth(lines[-1] + " " + word, font, size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return size, lines


def fitted(
    text: str,
    style: ParagraphStyle,
    width: float,
    largest: float,
    smallest: float,
    leading: float = 1.2,
) -> Paragraph:
    """``text`` sized and wrapped by :func:`fit_lines`: never broken inside a word."""
    size, lines = fit_lines(text, style.fontName, width, largest, smallest)
    st = ParagraphStyle(
        style.name + "-fit",
        parent=style,
        fontSize=size,
        leading=size * leading,
        splitLongWords=0,
    )
    return Paragraph("<br/>".join(escape(x) for x in lines), st)


# ---------------------------------------------------------------------------
# Building blocks


def kv_table(
    rows: Sequence[tuple[str, Flowable | str]],
    st: dict[str, ParagraphStyle],
    label_w: float = 44 * mm,
    width: float = CONTENT_W,
) -> Table:
    """A two-column label/value table with light rules."""
    data = [
        [para(k.upper(), st["label"]), v if isinstance(v, Flowable) else para(v, st["value"])]
        for k, v in rows
    ]
    t = Table(data, colWidths=[label_w, width - label_w])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.8),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (0, -1), 5),
            ]
        )
    )
    return t


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Flowable | str]],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
) -> Table:
    """A bordered table that repeats its header row on each page."""
    cell = ParagraphStyle("cell", parent=st["base"], fontSize=8.5, leading=10.8)
    data: list[list[Flowable]] = [[para(h.upper(), st["label"]) for h in header]]
    for row in rows:
        data.append([v if isinstance(v, Flowable) else para(v, cell) for v in row])
    t = Table(data, colWidths=list(widths), repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


def box(content: list[Flowable], fill: colors.Color = FILL, border: colors.Color = RULE) -> Table:
    """A framed panel the width of the page, for what must stand out (password, alerts)."""
    t = Table([[content]], colWidths=[CONTENT_W])
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("BOX", (0, 0), (-1, -1), 0.8, border),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return t


def blank() -> Flowable:
    """An empty cell (a bare "" cell would be drawn in reportlab's default Helvetica)."""
    return Spacer(1, 1)


def blanks(n: int) -> list[Flowable]:
    """``n`` empty cells, to pad a short table row."""
    return [blank() for _ in range(n)]


def names(people: Sequence[Person]) -> str:
    """``Name (Role), Name (Role)``: people as one line."""
    return ", ".join(p.label for p in people)


def hash_block(h: str, style: ParagraphStyle) -> Paragraph:
    """A 64-hex hash as four lines of 16, in groups of four: easy to compare by eye."""
    lines = [grouped(h[i : i + 16]) for i in range(0, len(h), 16)]
    return Paragraph("<br/>".join(escape(x) for x in lines), style)


def signature_line(st: dict[str, ParagraphStyle], who: str, width: float = CONTENT_W) -> Table:
    """A line to sign on and one for the date, captioned with who signs."""
    t = Table(
        [[blank(), blank()], [para(f"Signature — {who}", st["small"]), para("Date", st["small"])]],
        colWidths=[width * 0.62, width * 0.38],
        rowHeights=[11 * mm, None],
    )
    t.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (0, 0), 0.6, INK),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 12),
            ]
        )
    )
    return t
