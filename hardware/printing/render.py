"""Render the core's document models (``kiosk.documents``) to PDF bytes with reportlab.

Invariants:

* Everything happens in memory: :func:`render` returns ``bytes`` and never
  writes a file, so a credential sheet exists only in RAM and on paper.
* Every page carries, in its frame: the document title and terminal id (top
  band), and in the footer the journal head (``Journal head N · hash…``),
  the terminal id, the title again and ``Page N of M``. ``M`` is known only
  after layout, so pages are buffered by :class:`_NumberedCanvas` and the
  footer drawn when the document is saved (the classic reportlab two-pass
  recipe, without rendering twice).
* Codes are vector graphics: the envelope serial as Code 128
  (``reportlab.graphics.barcode``), QR payloads as a module matrix computed
  by the ``qrcode`` package (error correction M) drawn as rectangles, with
  the quiet zones the standards ask for, so they scan from paper.
* The password is drawn in DejaVu Sans Mono Bold, grouped in fours, each
  group with its phonetic spelling under it. It is never put into a PDF
  outline, title or metadata field.
* Sample documents (``meta.sample``) carry a diagonal "SAMPLE" watermark so
  a layout check can never be mistaken for a real sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import qrcode
import qrcode.constants
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from hardware.printing.fonts import MONO, MONO_BOLD, SANS, SANS_BOLD, register_fonts
from kiosk.documents import (
    AlertSlip,
    AuditReport,
    CommissioningSheet,
    CredentialSheet,
    Document,
    DocumentMeta,
    EnvelopeLabel,
    InventoryAccount,
    InventoryReport,
    InvocationRecord,
    Person,
    SessionRecord,
)
from kiosk.errors import SealroomError
from kiosk.passwords import SecretText, grouped, phonetic

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

Story = list[Flowable]


# ---------------------------------------------------------------------------
# Styles


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=SANS, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "label": ParagraphStyle(
            "label", parent=base, fontName=SANS_BOLD, fontSize=7.5, leading=9.5, textColor=MUTED
        ),
        "value": ParagraphStyle("value", parent=base, fontSize=10.5, leading=13.5),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=9.5, leading=12.5),
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


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph from plain text (escaped; newlines kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _local(when: dt.datetime, tz: str) -> str:
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
# Codes


class QRFlowable(Flowable):  # type: ignore[misc]
    """A QR code drawn as vector modules, with a 4-module quiet zone."""

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
        qr.add_data(payload)
        qr.make(fit=True)
        self.matrix: list[list[bool]] = qr.get_matrix()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        c = self.canv
        n = len(self.matrix)
        cell = self.size / n
        c.setFillColor(colors.white)
        c.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        c.setFillColor(colors.black)
        for r, row in enumerate(self.matrix):
            y = self.size - (r + 1) * cell
            x0: int | None = None
            for col, dark in enumerate([*row, False]):
                if dark and x0 is None:
                    x0 = col
                elif not dark and x0 is not None:
                    # Overlap by a hair so anti-aliased rasterisers leave no seams.
                    c.rect(x0 * cell, y - 0.05, (col - x0) * cell + 0.05, cell + 0.1, 0, 1)
                    x0 = None


def _code128(value: str, height: float = 13 * mm, bar: float = 0.36 * mm) -> Code128:
    return Code128(
        value,
        barHeight=height,
        barWidth=bar,
        humanReadable=False,
        quiet=True,
        lquiet=10 * bar,
        rquiet=10 * bar,
    )


# ---------------------------------------------------------------------------
# Page frame: header band, footer, page count


class _Chrome:
    """What every page of one document shows around its content."""

    def __init__(self, doc: Document, band: str | None, fold_marks: bool) -> None:
        self.meta: DocumentMeta = doc.meta
        self.title = doc.title
        self.band = band
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
            PAGE_W - MARGIN, top + 7.5 * mm, "Printed " + _local(meta.printed_at, meta.timezone)
        )
        c.drawRightString(PAGE_W - MARGIN, top + 3.5 * mm, meta.head.label)
        if self.band:
            c.setFillColor(ALERT)
            c.rect(0, top - BAND_H, PAGE_W, BAND_H, stroke=0, fill=1)
            c.setFillColor(colors.white)
            c.setFont(SANS_BOLD, 9.5)
            c.drawCentredString(PAGE_W / 2, top - BAND_H + 2.7 * mm, self.band)
        if self.fold_marks:
            c.setStrokeColor(RULE)
            c.setLineWidth(0.5)
            c.setFont(SANS, 5.5)
            c.setFillColor(MUTED)
            for frac in (1 / 3, 2 / 3):
                y = PAGE_H * (1 - frac)
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


def _build(doc: Document, story: Story, band: str | None = None, fold_marks: bool = False) -> bytes:
    chrome = _Chrome(doc, band, fold_marks)
    buf = io.BytesIO()
    top = HEADER_H + (BAND_H if band else 0) + 5 * mm
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


# ---------------------------------------------------------------------------
# Building blocks


def _kv(
    rows: Sequence[tuple[str, Flowable | str]],
    st: dict[str, ParagraphStyle],
    label_w: float = 44 * mm,
    width: float = CONTENT_W,
) -> Table:
    """A two-column label/value table with light rules."""
    data = [
        [_p(k.upper(), st["label"]), v if isinstance(v, Flowable) else _p(v, st["value"])]
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


def _grid(
    header: Sequence[str],
    rows: Sequence[Sequence[Flowable | str]],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
) -> Table:
    """A bordered table that repeats its header row on each page."""
    cell = ParagraphStyle("cell", parent=st["base"], fontSize=8.5, leading=10.8)
    data: list[list[Flowable]] = [[_p(h.upper(), st["label"]) for h in header]]
    for row in rows:
        data.append([v if isinstance(v, Flowable) else _p(v, cell) for v in row])
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


def _box(content: list[Flowable], fill: colors.Color = FILL, border: colors.Color = RULE) -> Table:
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


def _blank() -> Flowable:
    """An empty cell (a bare "" cell would be drawn in reportlab's default Helvetica)."""
    return Spacer(1, 1)


def _blanks(n: int) -> list[Flowable]:
    return [_blank() for _ in range(n)]


def _people(people: Sequence[Person]) -> str:
    return ", ".join(p.label for p in people)


def _hash_block(h: str, style: ParagraphStyle) -> Paragraph:
    """A 64-hex hash as four lines of 16, in groups of four: easy to compare by eye."""
    lines = [grouped(h[i : i + 16]) for i in range(0, len(h), 16)]
    return Paragraph("<br/>".join(escape(x) for x in lines), style)


def _signature_line(st: dict[str, ParagraphStyle], who: str, width: float = CONTENT_W) -> Table:
    t = Table(
        [[_blank(), _blank()], [_p(f"Signature — {who}", st["small"]), _p("Date", st["small"])]],
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


def _password_block(secret: SecretText, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The password: groups of four in mono bold, each with its phonetic spelling below."""
    groups = secret.groups(4)
    per_row = 6
    big = ParagraphStyle(
        "pw", parent=st["base"], fontName=MONO_BOLD, fontSize=21, leading=25, alignment=TA_CENTER
    )
    idx = ParagraphStyle("idx", parent=st["small"], alignment=TA_CENTER, fontSize=6)
    col_w = (CONTENT_W - 18) / per_row
    out: list[Flowable] = []
    for start in range(0, len(groups), per_row):
        chunk = groups[start : start + per_row]
        row_idx = [_p(f"group {start + i + 1}", idx) for i in range(len(chunk))]
        row_pw = [_p(g, big) for g in chunk]
        row_ph: list[Flowable] = []
        for g in chunk:
            lines = [
                f"<font name='{MONO_BOLD}'>{escape(ch)}</font>&nbsp;{escape(name)}"
                for ch, name in zip(g, phonetic(g), strict=True)
            ]
            row_ph.append(Paragraph("<br/>".join(lines), st["phon"]))
        pad = per_row - len(chunk)
        t = Table(
            [row_idx + _blanks(pad), row_pw + _blanks(pad), row_ph + _blanks(pad)],
            colWidths=[col_w] * per_row,
        )
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 2), (-1, 2), 4),
            ("RIGHTPADDING", (0, 2), (-1, 2), 1),
        ]
        for i in range(len(chunk)):
            style += [
                ("BOX", (i, 1), (i, 1), 0.9, NAVY),
                ("BACKGROUND", (i, 1), (i, 1), colors.white),
            ]
        t.setStyle(TableStyle(style))
        out.append(t)
    return out


# ---------------------------------------------------------------------------
# Documents


def _credential_sheet(d: CredentialSheet) -> bytes:
    st = _styles()
    tz = d.meta.timezone
    story: Story = [
        _p(d.account, st["h1"]),
        _p(d.system, st["sub"]),
        Spacer(1, 3 * mm),
        _kv(
            [
                ("Account", d.account),
                ("System", d.system),
                ("Access URL", _p(d.access_url, st["mono"])),
                ("Username", _p(d.username, ParagraphStyle("u", parent=st["mono"], fontSize=11))),
            ],
            st,
        ),
        Spacer(1, 4 * mm),
    ]
    n = len(d.password)
    pw_head = _p(
        f"PASSWORD — {n} characters in groups of four. Type it without the spaces; "
        "the spelling under each group removes any doubt.",
        st["label"],
    )
    story.append(_box([pw_head, Spacer(1, 2 * mm), *_password_block(d.password, st)]))
    extra: list[tuple[str, Flowable | str]] = []
    if d.recovery_codes:
        extra.append(("Recovery codes", _p("   ".join(d.recovery_codes), st["mono"])))
    if d.token_serials:
        extra.append(("Token serials", _p(", ".join(d.token_serials), st["mono"])))
    if d.notes:
        extra.append(("Notes", d.notes))
    if extra:
        story += [Spacer(1, 2 * mm), _kv(extra, st)]

    # Binding: envelope barcode + QR.
    bc = _code128(d.envelope_serial)
    serial = ParagraphStyle("ser", parent=st["mono"], fontName=MONO_BOLD, fontSize=15, leading=18)
    left: list[Flowable] = [
        _p("ENVELOPE SERIAL", st["label"]),
        Spacer(1, 1.5 * mm),
        bc,
        Spacer(1, 1 * mm),
        _p(d.envelope_serial, serial),
        Spacer(1, 2.5 * mm),
        _p(
            "This sheet belongs in this envelope only. When the envelope is opened, scan the "
            "QR code at the terminal: it proves this is the sheet issued for this envelope and "
            "names the journal entry that recorded it.",
            st["small"],
        ),
        Spacer(1, 1.5 * mm),
        _p(f"Sheet reference {d.sheet_ref}", st["small"]),
    ]
    qr = QRFlowable(d.qr_payload, 38 * mm)
    binding = Table([[left, qr]], colWidths=[CONTENT_W - 44 * mm, 44 * mm])
    binding.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [Spacer(1, 4 * mm), binding, Spacer(1, 3 * mm)]
    story.append(
        _kv(
            [
                ("Issued at", _local(d.issued_at, tz)),
                ("Issued by", _people(d.issued_by)),
            ],
            st,
        )
    )
    steps = [
        "Log in once with this password and log out at once, to prove it works.",
        f"Fold this sheet in three along the marks, printed side inwards, and place it in "
        f"envelope {d.envelope_serial}. Nothing else goes in the envelope.",
        "Seal the envelope; both custodians sign across the seal with the date.",
        "Scan the envelope serial at the terminal to register it, then put it in the safe.",
    ]
    guide = [_p("BEFORE YOU SEAL", st["label"]), Spacer(1, 1 * mm)]
    guide += [_p(f"{i}.  {s}", st["base"]) for i, s in enumerate(steps, start=1)]
    story += [Spacer(1, 3 * mm), KeepTogether(_box(guide))]
    return _build(
        d,
        story,
        band="CONFIDENTIAL — BREAK-GLASS CREDENTIAL · seal at once · never copy or photograph",
        fold_marks=True,
    )


def _envelope_label(d: EnvelopeLabel) -> bytes:
    st = _styles()
    tz = d.meta.timezone
    serial = ParagraphStyle("ser", parent=st["mono"], fontName=MONO_BOLD, fontSize=22, leading=26)
    inner: list[Flowable] = [
        _p("BREAK-GLASS CREDENTIAL — TAMPER-EVIDENT ENVELOPE", st["label"]),
        Spacer(1, 1 * mm),
        _p(d.account, st["h1"]),
        _p(d.system, st["sub"]),
        Spacer(1, 3 * mm),
        _code128(d.envelope_serial, height=15 * mm, bar=0.42 * mm),
        _p(d.envelope_serial, serial),
        Spacer(1, 2 * mm),
        _kv(
            [
                ("Storage", d.storage_location),
                ("Sealed", _local(d.sealed_at, tz)),
                ("Sealed by", _people(d.sealed_by)),
                ("Sheet", d.sheet_ref),
                ("Journal", d.meta.head.label),
            ],
            st,
            label_w=24 * mm,
            width=CONTENT_W - 60 * mm,
        ),
    ]
    right: list[Flowable] = []
    if d.qr_payload:
        right = [QRFlowable(d.qr_payload, 36 * mm), _p("Scan at the terminal", st["small"])]
    label = Table([[inner, right]], colWidths=[CONTENT_W - 50 * mm, 50 * mm])
    label.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, NAVY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    notes = [
        "Cut along the frame and stick the label on the front of the bag, below the seal.",
        "Do not open this envelope except under the break-glass procedure, with two custodians.",
        "If the seal, the signatures across it or the bag look disturbed: do not open it; "
        "photograph it, record it as tampered at the terminal and call security.",
    ]
    story: Story = [label, Spacer(1, 6 * mm)]
    story += [_p("•  " + n, st["base"]) for n in notes]
    return _build(d, story)


def _invocation_record(d: InvocationRecord) -> bytes:
    st = _styles()
    tz = d.meta.timezone
    approver = (
        f"{d.approver.label}, approved {_local(d.approved_at, tz)}"
        if d.approver is not None and d.approved_at is not None
        else "No approver reachable — emergency exception"
    )
    rows: list[tuple[str, Flowable | str]] = [
        ("Date/Time", _local(d.declared_at, tz)),
        ("Declared by", d.declared_by.label),
        ("Second authorised person", d.second_person.label),
        ("Witness (if applicable)", d.witness.label if d.witness else "None"),
        ("System requiring access", f"{d.system} — {d.system_purpose}"),
        ("Reason for invocation", d.reason),
        ("Normal access failure evidence", d.evidence),
        ("Approver", approver),
        ("Approval method", d.approval_method),
        ("Conditions imposed", d.conditions or "None"),
    ]
    story: Story = [
        _p("BREAK-GLASS INVOCATION RECORD", st["h1"]),
        _p(f"Invocation {d.invocation_ref}", st["sub"]),
        Spacer(1, 3 * mm),
        _kv(rows, st, label_w=60 * mm),
    ]
    if d.emergency_exception:
        story.append(Spacer(1, 3 * mm))
        story.append(
            _box(
                [
                    _p(
                        "EMERGENCY EXCEPTION",
                        ParagraphStyle("x", parent=st["label"], textColor=ALERT),
                    ),
                    _p(
                        "No approver was reachable within 15 minutes. The approver must be "
                        "notified within 1 hour of completing the procedure.",
                        st["base"],
                    ),
                ],
                fill=ALERT_FILL,
                border=ALERT,
            )
        )
    if d.approver_attempts:
        story.append(_p("Attempts to reach an approver", st["h2"]))
        story.append(
            _grid(
                ["Time", "Channel", "Outcome"],
                [[_local(a.at, tz), a.channel, a.outcome] for a in d.approver_attempts],
                [46 * mm, 40 * mm, CONTENT_W - 86 * mm],
                st,
            )
        )
    story.append(_p("Journal", st["h2"]))
    story.append(
        _kv(
            [
                ("Entry", str(d.entry_seq)),
                ("Entry hash", _hash_block(d.entry_hash, st["mono"])),
            ],
            st,
            label_w=60 * mm,
        )
    )
    story += [CondPageBreak(40 * mm), _p("Acknowledged by both authorised persons", st["h2"])]
    story += [_signature_line(st, d.declared_by.label), Spacer(1, 2 * mm)]
    story += [_signature_line(st, d.second_person.label)]
    return _build(d, story)


def _session_record(d: SessionRecord) -> bytes:
    st = _styles()
    tz = d.meta.timezone
    story: Story = [
        _p("BREAK-GLASS SESSION RECORD", st["h1"]),
        _p(f"Invocation {d.invocation_ref}", st["sub"]),
        Spacer(1, 3 * mm),
        _kv(
            [
                ("Account used", d.account),
                ("System", d.system),
                ("Envelope", _p(d.envelope_serial, st["mono"])),
                ("Credential retrieval", d.retrieval_evidence),
                (
                    "Access established",
                    _local(d.access_established, tz)
                    if d.access_established is not None
                    else "Never: access could not be obtained (see below)",
                ),
                (
                    "Session terminated" if d.access_established else "Attempt concluded",
                    _local(d.terminated, tz),
                ),
                ("Total duration", f"{d.duration_minutes} minutes"),
                ("Witness", d.witness.label if d.witness else "None"),
                *(
                    [("Provider sign-in session", _p(d.provider_session, st["mono"]))]
                    if d.provider_session
                    else []
                ),
            ],
            st,
        ),
    ]
    if d.access_problems:
        story += [
            _p("Access problems", st["h2"]),
            *[_p(problem, st["base"]) for problem in d.access_problems],
        ]
    story += [
        _p("Actions performed", st["h2"]),
        _grid(
            ["Time", "Action and outcome"],
            [[_local(a.at, tz), a.text] for a in d.actions] or [["—", "No actions recorded"]],
            [44 * mm, CONTENT_W - 44 * mm],
            st,
        ),
    ]
    if d.baseline or d.post_change:
        story += [
            _p("Baseline and post-change configuration", st["h2"]),
            _kv(
                [
                    ("Before (baseline)", d.baseline or "not captured"),
                    ("After (post-change)", d.post_change or "not captured"),
                ],
                st,
            ),
        ]
    story += [CondPageBreak(60 * mm), _p("Signatures", st["h2"])]
    story.append(
        _p(
            "Each custodian below signed this record's journal entry with their FIDO2 security "
            "key; the entry hash is what they signed into the chain. Both sign every page.",
            st["small"],
        )
    )
    story.append(Spacer(1, 2 * mm))
    for s in d.signers:
        block = _box(
            [
                _p(s.name, ParagraphStyle("sn", parent=st["value"], fontName=SANS_BOLD)),
                _p(s.role, st["small"]),
                Spacer(1, 1.5 * mm),
                _kv(
                    [
                        ("Security key", _p(f"credential {s.credential_prefix}", st["mono"])),
                        ("Signed at", _local(s.signed_at, tz)),
                        ("Entry", f"{d.entry_seq}"),
                        ("Entry hash", _p(grouped(d.entry_hash, 8), st["mono"])),
                    ],
                    st,
                    label_w=30 * mm,
                    width=CONTENT_W - 18,
                ),
                Spacer(1, 2 * mm),
                _signature_line(st, s.name, CONTENT_W - 18),
            ],
            fill=colors.white,
        )
        story += [KeepTogether(block), Spacer(1, 3 * mm)]
    return _build(d, story)


def _commissioning_sheet(d: CommissioningSheet) -> bytes:
    st = _styles()
    tz = d.meta.timezone
    big_mono = ParagraphStyle(
        "bm", parent=st["mono"], fontName=MONO_BOLD, fontSize=11.5, leading=15
    )
    phrase = d.recovery_passphrase.reveal()
    if " " in phrase.strip() or "-" in phrase:
        parts = phrase.replace("-", " ").split()
        lines = ["   ".join(parts[i : i + 4]) for i in range(0, len(parts), 4)]
    else:
        compact = phrase.replace(" ", "")
        lines = [grouped(compact[i : i + 20], 5) for i in range(0, len(compact), 20)]
    pp_style = ParagraphStyle(
        "pp", parent=st["mono"], fontName=MONO_BOLD, fontSize=16, leading=22, alignment=TA_CENTER
    )
    pp = Paragraph("<br/>".join(escape(x) for x in lines), pp_style)
    del phrase
    story: Story = [
        _p(f"Terminal {d.kiosk_id}", st["h1"]),
        _p("Anchors for auditors, and the journal's recovery passphrase.", st["sub"]),
        Spacer(1, 3 * mm),
        _kv(
            [
                ("Kiosk id", _p(d.kiosk_id, st["mono"])),
                ("Commissioned", _local(d.commissioned_at, tz)),
                ("Custodians", _people(d.custodians) or "—"),
                ("Terminal key fingerprint", _p(d.key_fingerprint, big_mono)),
                (
                    "Terminal public key",
                    _p(
                        d.public_key,
                        ParagraphStyle("pk", parent=st["mono"], fontSize=7.5, leading=9.5),
                    ),
                ),
                ("Genesis hash (entry 1)", _hash_block(d.genesis_hash, big_mono)),
                ("Policy hash", _p(grouped(d.policy_hash, 8), st["mono"])),
            ],
            st,
            label_w=48 * mm,
        ),
        Spacer(1, 4 * mm),
        _box(
            [
                _p("RECOVERY PASSPHRASE", ParagraphStyle("r", parent=st["label"], textColor=ALERT)),
                Spacer(1, 2 * mm),
                pp,
                Spacer(1, 2 * mm),
                _p(
                    "Opens the journal if every custodian key is lost. Spaces and case do not "
                    "matter when typing it. Seal this sheet in its own envelope in the safe.",
                    st["small"],
                ),
            ],
            fill=ALERT_FILL,
            border=ALERT,
        ),
        _p("How auditors use this sheet", st["h2"]),
        _p(
            "Before trusting an export bundle, run  ssh-keygen -l -f kiosk.pub  on the key you "
            "were given: it must print the fingerprint above. Verify bundles with  sealroom "
            f"verify --anchor 1:{d.genesis_hash[:12]}…  using the full genesis hash above.",
            st["base"],
        ),
        Spacer(1, 5 * mm),
    ]
    for person in d.custodians[:2]:
        story += [_signature_line(st, person.label), Spacer(1, 2 * mm)]
    return _build(d, story, band="CONFIDENTIAL — RECOVERY PASSPHRASE · seal in the safe")


def _inventory_report(d: InventoryReport) -> bytes:
    st = _styles()
    tz = d.meta.timezone
    story: Story = [
        _p("Break-glass account inventory", st["h1"]),
        _p(
            f"{len(d.accounts)} accounts · {len(d.envelopes)} envelopes · as of "
            f"{_local(d.meta.printed_at, tz)}",
            st["sub"],
        ),
        Spacer(1, 2 * mm),
        _p("Accounts", st["h2"]),
        _accounts_grid(d.accounts, "Authorised persons", st),
    ]
    if d.drill_due:
        story.append(Spacer(1, 1.5 * mm))
        story.append(_p(f"Next quarterly test due {d.drill_due.isoformat()}.", st["small"]))
    story += [
        _p("Envelopes", st["h2"]),
        _grid(
            ["Serial", "Account", "State", "Since"],
            [[e.serial, e.account or "—", e.state, _local(e.since, tz)] for e in d.envelopes]
            or [["—", "", "", ""]],
            [32 * mm, 62 * mm, 30 * mm, CONTENT_W - 124 * mm],
            st,
        ),
    ]
    return _build(d, story)


def _alert_slip(d: AlertSlip) -> bytes:
    st = _styles()
    tz = d.meta.timezone
    what = ParagraphStyle("w", parent=st["h1"], textColor=ALERT, fontSize=19, leading=23)
    story: Story = [
        _p(
            d.severity.upper(),
            ParagraphStyle("sv", parent=st["label"], textColor=ALERT, fontSize=10),
        ),
        _p(d.what, what),
        Spacer(1, 2 * mm),
        _kv(
            [
                ("When", _local(d.occurred_at, tz)),
                ("Journal entry", str(d.entry_seq)),
                ("Entry hash", _hash_block(d.entry_hash, st["mono"])),
                ("Details", d.details or "—"),
            ],
            st,
        ),
        Spacer(1, 4 * mm),
    ]
    todo: list[Flowable] = [
        _p("WHAT TO DO NOW", ParagraphStyle("t", parent=st["label"], textColor=ALERT)),
        Spacer(1, 1 * mm),
    ]
    todo += [_p(f"{i}.  {a}", st["value"]) for i, a in enumerate(d.actions, start=1)]
    story.append(_box(todo, fill=ALERT_FILL, border=ALERT))
    story += [
        Spacer(1, 4 * mm),
        _p(
            "The terminal has no network: this slip is its alert. Hand it to security now and "
            "keep it with the incident record.",
            st["small"],
        ),
        Spacer(1, 6 * mm),
        _signature_line(st, "received by (security)"),
    ]
    return _build(d, story, band=f"{d.severity.upper()} — printed at once by the terminal")


# ---------------------------------------------------------------------------
# Audit report: long listings in a fixed layout

#: One piece of text on a listing row: (x offset, font, size, colour, text).
_Seg = tuple[float, str, float, colors.Color, str]
#: One row: its pieces, and whether it opens a block (light fill behind it).
_Row = tuple[tuple[_Seg, ...], bool]

_LIST_SIZE = 7.0
_LIST_LEADING = 9.2
_STATUS_COLOUR = {"met": INK, "missed": ALERT, "open": NAVY, "not judged": MUTED}


class _Listing(Flowable):  # type: ignore[misc]
    """Rows of text in fixed columns, drawn with one text object, split at any row.

    Why not platypus Tables: a ten-year audit report lists hundreds of
    incidents with every phase and deadline (thousands of rows); a table lays
    out and measures every cell (a Paragraph each), which cost seconds. Here
    a row is a few strings at fixed x offsets in one font size, cut to their
    column by character count, so layout is arithmetic and drawing is one
    ``textOut`` per piece.
    """

    def __init__(self, rows: Sequence[_Row]) -> None:
        super().__init__()
        self.rows = list(rows)
        self.width = CONTENT_W
        self.height = len(self.rows) * _LIST_LEADING

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        n = int(avail_h // _LIST_LEADING)
        # Never leave a block's first row alone at the foot of a page.
        while 0 < n < len(self.rows) and self.rows[n - 1][1]:
            n -= 1
        if n <= 0:
            return []
        return [_Listing(self.rows[:n]), _Listing(self.rows[n:])]

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(FILL)
        for k, (_segs, opens) in enumerate(self.rows):
            if opens:
                y = self.height - (k + 1) * _LIST_LEADING
                c.rect(0, y - 0.6, self.width, _LIST_LEADING, stroke=0, fill=1)
        text = c.beginText()
        font: tuple[str, float] | None = None
        colour: colors.Color | None = None
        for k, (segs, _opens) in enumerate(self.rows):
            y = self.height - (k + 1) * _LIST_LEADING + 2.0
            for x, name, size, col, piece in segs:
                if not piece:
                    continue
                if font != (name, size):
                    text.setFont(name, size)
                    font = (name, size)
                if col is not colour:
                    text.setFillColor(col)
                    colour = col
                text.setTextOrigin(x, y)
                # textLine, not textOut: every piece is placed absolutely, so
                # the cursor advance textOut measures (stringWidth) is wasted.
                text.textLine(piece)
        c.drawText(text)


def _fit(text: str, width: float, size: float = _LIST_SIZE) -> str:
    """Cut ``text`` to about ``width`` points (DejaVu Sans averages ~0.56 em a character)."""
    n = max(4, int(width / (size * 0.58)))
    return text if len(text) <= n else text[: n - 1] + "…"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _short_rule(label: str) -> str:
    """A deadline rule's label without its parenthesised remarks (the legend has them)."""
    out, depth = [], 0
    for ch in label:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return " ".join("".join(out).split())


def _incident_rows(d: AuditReport) -> list[_Row]:
    """Every incident: a title row, its phases in two columns, then each deadline."""
    half = CONTENT_W / 2
    label_w = 34 * mm
    rows: list[_Row] = []
    for inc in d.incidents:
        missed = sum(1 for x in inc.deadlines if x.status == "missed")
        summary = ", ".join(
            f"{n} {state}"
            for state in ("met", "missed", "open", "not judged")
            if (n := sum(1 for x in inc.deadlines if x.status == state))
        )
        rows.append(
            (
                (
                    (2, SANS_BOLD, 7.6, INK, _fit(f"Incident {inc.incident}", 38 * mm, 7.6)),
                    (40 * mm, SANS, _LIST_SIZE, MUTED, "test drill" if inc.test else "incident"),
                    (62 * mm, SANS, _LIST_SIZE, MUTED, f"{len(inc.phases)} phases"),
                    (
                        90 * mm,
                        SANS_BOLD if missed else SANS,
                        _LIST_SIZE,
                        ALERT if missed else INK,
                        "deadlines: " + (summary or "none apply"),
                    ),
                ),
                True,
            )
        )
        phases = list(inc.phases)
        for i in range(0, len(phases), 2):
            segs: list[_Seg] = []
            for j, (phase, when) in enumerate(phases[i : i + 2]):
                x = 4 + j * half
                segs.append((x, SANS, _LIST_SIZE, MUTED, _fit(phase, label_w - 2)))
                segs.append((x + label_w, SANS, _LIST_SIZE, INK, _fit(when, half - label_w - 6)))
            rows.append((tuple(segs), False))
        for x in inc.deadlines:
            colour = _STATUS_COLOUR.get(x.status, INK)
            rows.append(
                (
                    (
                        (4, SANS_BOLD, _LIST_SIZE, colour, x.status.upper()),
                        (22 * mm, SANS, _LIST_SIZE, INK, _fit(_short_rule(x.label), 84 * mm)),
                        (108 * mm, SANS, _LIST_SIZE, colour, _fit(x.detail, CONTENT_W - 108 * mm)),
                    ),
                    False,
                )
            )
    return rows


def _envelope_rows(d: AuditReport) -> list[_Row]:
    tz = d.meta.timezone
    cols = (0.0, 32 * mm, 72 * mm, 122 * mm)
    head: _Row = (
        tuple(
            (x + 2, SANS_BOLD, 6.8, MUTED, h)
            for x, h in zip(cols, ("SERIAL", "ACCOUNT", "STATE", "SINCE"), strict=True)
        ),
        True,
    )
    rows: list[_Row] = [head]
    for e in d.envelopes:
        cells = (e.serial, e.account or "—", e.state, _local(e.since, tz))
        widths = (32 * mm, 40 * mm, 50 * mm, CONTENT_W - 122 * mm)
        rows.append(
            (
                tuple(
                    (x + 2, SANS, _LIST_SIZE, INK, _fit(v, w - 3))
                    for x, v, w in zip(cols, cells, widths, strict=True)
                ),
                False,
            )
        )
    return rows


def _audit_report(d: AuditReport) -> bytes:
    """The auditor's report of an export bundle: what to compare, what to look at.

    Every incident is listed with each phase (when, which entry) and each
    deadline (met, missed, open, not judged, with its detail), and every
    envelope; those long listings use :class:`_Listing`, the short tables
    (custodians, accounts) the usual grids.
    """
    st = _styles()
    tz = d.meta.timezone
    story: Story = [
        _p("Audit export report", st["h1"]),
        _p(
            f"{d.entries} journal entries · bundle {d.bundle} · written {_local(d.created_at, tz)}",
            st["sub"],
        ),
        Spacer(1, 2 * mm),
        _kv(
            [
                ("Terminal key", _p(d.key_fingerprint, st["mono"])),
                ("Head entry", str(d.meta.head.seq)),
                ("Head hash", _hash_block(d.meta.head.hash, st["mono"])),
                ("Genesis", _hash_block(d.genesis_hash, st["mono"])),
            ],
            st,
        ),
        _p(
            "Compare the terminal key with the commissioning sheet and the head with the last "
            "paper record before trusting this bundle; README.txt says how.",
            st["small"],
        ),
        _p("Findings", st["h2"]),
    ]
    reviews = [f for f in d.findings if f.level == "review"]
    notes = [f for f in d.findings if f.level != "review"]
    if not d.findings:
        story.append(_p("None.", st["value"]))
    for f in reviews:
        story.append(_p(f"• {f.text}", st["value"]))
    for f in notes:
        story.append(_p(f"• (note) {f.text}", st["small"]))
    story += [
        _p("Custodians", st["h2"]),
        _grid(
            ["Id", "Name", "Status"],
            [[a, b, c] for a, b, c in d.custodians] or [["—", "", ""]],
            [36 * mm, 90 * mm, CONTENT_W - 126 * mm],
            st,
        ),
        _p("Accounts", st["h2"]),
        _accounts_grid(d.accounts, "Authorised", st),
        _p("Incidents", st["h2"]),
    ]
    if not d.incidents:
        story.append(_p("No incidents in the journal.", st["value"]))
    else:
        drills = sum(1 for inc in d.incidents if inc.test)
        missed = sum(1 for inc in d.incidents for x in inc.deadlines if x.status == "missed")
        rules = sorted({x.label for inc in d.incidents for x in inc.deadlines})
        story.append(
            _p(
                f"{_count(len(d.incidents) - drills, 'incident')} and "
                f"{_count(drills, 'test drill')}; {_count(missed, 'deadline')} missed. "
                "Each incident lists "
                "its phases (when, which journal entry) and each deadline that applies: MET, "
                "MISSED, OPEN (not yet due) or NOT JUDGED (the journal lacks its start); "
                "times are UTC. "
                "The deadline rules in full:",
                st["small"],
            )
        )
        for rule in rules:
            story.append(_p(f"• {rule}", st["small"]))
        story.append(Spacer(1, 1.5 * mm))
        story.append(_Listing(_incident_rows(d)))
    story += [
        _p("Envelopes", st["h2"]),
        _Listing(_envelope_rows(d)) if d.envelopes else _p("No envelopes.", st["value"]),
    ]
    return _build(d, story)


_RENDERERS: dict[type[Document], Callable[[Any], bytes]] = {
    CredentialSheet: _credential_sheet,
    EnvelopeLabel: _envelope_label,
    InvocationRecord: _invocation_record,
    SessionRecord: _session_record,
    CommissioningSheet: _commissioning_sheet,
    InventoryReport: _inventory_report,
    AlertSlip: _alert_slip,
    AuditReport: _audit_report,
}


def _accounts_grid(
    accounts: Sequence[InventoryAccount], authorised: str, st: dict[str, ParagraphStyle]
) -> Table:
    """The procedure's inventory table, as the inventory and audit reports both print it."""
    return _grid(
        ["Account", "System", "Storage location", authorised, "Last tested", "Status"],
        [
            [
                a.account,
                a.system,
                a.storage_location,
                ", ".join(a.authorised),
                a.last_tested.isoformat() if a.last_tested else "never",
                a.status,
            ]
            for a in accounts
        ]
        or [["—", "", "", "", "", ""]],
        [44 * mm, 26 * mm, 30 * mm, 30 * mm, 21 * mm, CONTENT_W - 151 * mm],
        st,
    )


def render(doc: Document) -> bytes:
    """PDF bytes of ``doc``. Raises ``document.invalid`` for an unknown document type."""
    register_fonts()
    fn = _RENDERERS.get(type(doc))
    if fn is None:
        raise SealroomError(
            "document.invalid", document=type(doc).__name__, field="type", reason="has no layout"
        )
    return fn(doc)


def render_empty_page() -> bytes:
    """reportlab's cost floor: one empty A4 page (used by ``benchmarks/print.py``)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.showPage()
    c.save()
    return buf.getvalue()
