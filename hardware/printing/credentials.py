"""The credential sheet and its envelope label: the break-glass password on paper.

Why together: the sheet goes into one tamper-evident envelope and the label
onto it; both print the envelope serial (Code 128) and a QR code that binds
the two, so a custodian who opens the envelope can prove at the terminal that
this sheet was issued for this envelope.

Invariants:

* The password is drawn in DejaVu Sans Mono Bold, grouped in fours, each
  group with its phonetic spelling under it, so 0/O and 1/l/I cannot be
  confused when it is typed. It is never put into a PDF outline, title or
  metadata field.
* The sheet carries a "CONFIDENTIAL" band and fold marks for the envelope.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from hardware.printing.codes import QRFlowable, code128
from hardware.printing.fonts import MONO_BOLD
from hardware.printing.layout import (
    CONTENT_W,
    NAVY,
    Story,
    blanks,
    box,
    build,
    kv_table,
    local_time,
    names,
    para,
    styles,
)
from kiosk.paper.documents import CredentialSheet, EnvelopeLabel
from kiosk.paper.passwords import SecretText, phonetic


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
        row_idx = [para(f"group {start + i + 1}", idx) for i in range(len(chunk))]
        row_pw = [para(g, big) for g in chunk]
        row_ph: list[Flowable] = []
        for g in chunk:
            lines = [
                f"<font name='{MONO_BOLD}'>{escape(ch)}</font>&nbsp;{escape(name)}"
                for ch, name in zip(g, phonetic(g), strict=True)
            ]
            row_ph.append(Paragraph("<br/>".join(lines), st["phon"]))
        pad = per_row - len(chunk)
        t = Table(
            [row_idx + blanks(pad), row_pw + blanks(pad), row_ph + blanks(pad)],
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


def credential_sheet(d: CredentialSheet) -> bytes:
    """The sheet sealed in the envelope: the account, its password, the binding codes."""
    st = styles()
    tz = d.meta.timezone
    story: Story = [
        para(d.account, st["h1"]),
        para(d.system, st["sub"]),
        Spacer(1, 3 * mm),
        kv_table(
            [
                ("Account", d.account),
                ("System", d.system),
                ("Access URL", para(d.access_url, st["mono"])),
                ("Username", para(d.username, ParagraphStyle("u", parent=st["mono"], fontSize=11))),
            ],
            st,
        ),
        Spacer(1, 4 * mm),
    ]
    n = len(d.password)
    pw_head = para(
        f"PASSWORD — {n} characters in groups of four. Type it without the spaces; "
        "the spelling under each group removes any doubt.",
        st["label"],
    )
    story.append(box([pw_head, Spacer(1, 2 * mm), *_password_block(d.password, st)]))
    extra: list[tuple[str, Flowable | str]] = []
    if d.recovery_codes:
        extra.append(("Recovery codes", para("   ".join(d.recovery_codes), st["mono"])))
    if d.token_serials:
        extra.append(("Token serials", para(", ".join(d.token_serials), st["mono"])))
    if d.notes:
        extra.append(("Notes", d.notes))
    if extra:
        story += [Spacer(1, 2 * mm), kv_table(extra, st)]

    # Binding: envelope barcode + QR.
    bc = code128(d.envelope_serial)
    serial = ParagraphStyle("ser", parent=st["mono"], fontName=MONO_BOLD, fontSize=15, leading=18)
    left: list[Flowable] = [
        para("ENVELOPE SERIAL", st["label"]),
        Spacer(1, 1.5 * mm),
        bc,
        Spacer(1, 1 * mm),
        para(d.envelope_serial, serial),
        Spacer(1, 2.5 * mm),
        para(
            "This sheet belongs in this envelope only. When the envelope is opened, scan the "
            "QR code at the terminal: it proves this is the sheet issued for this envelope and "
            "names the journal entry that recorded it.",
            st["small"],
        ),
        Spacer(1, 1.5 * mm),
        para(f"Sheet reference {d.sheet_ref}", st["small"]),
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
        kv_table(
            [
                ("Issued at", local_time(d.issued_at, tz)),
                ("Issued by", names(d.issued_by)),
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
    guide = [para("BEFORE YOU SEAL", st["label"]), Spacer(1, 1 * mm)]
    guide += [para(f"{i}.  {s}", st["base"]) for i, s in enumerate(steps, start=1)]
    story += [Spacer(1, 3 * mm), KeepTogether(box(guide))]
    return build(
        d,
        story,
        band="CONFIDENTIAL — BREAK-GLASS CREDENTIAL · seal at once · never copy or photograph",
        fold_marks=True,
    )


def envelope_label(d: EnvelopeLabel) -> bytes:
    """The label stuck on the sealed envelope: what is inside, where it is stored."""
    st = styles()
    tz = d.meta.timezone
    serial = ParagraphStyle("ser", parent=st["mono"], fontName=MONO_BOLD, fontSize=22, leading=26)
    inner: list[Flowable] = [
        para("BREAK-GLASS CREDENTIAL — TAMPER-EVIDENT ENVELOPE", st["label"]),
        Spacer(1, 1 * mm),
        para(d.account, st["h1"]),
        para(d.system, st["sub"]),
        Spacer(1, 3 * mm),
        code128(d.envelope_serial, height=15 * mm, bar=0.42 * mm),
        para(d.envelope_serial, serial),
        Spacer(1, 2 * mm),
        kv_table(
            [
                ("Storage", d.storage_location),
                ("Sealed", local_time(d.sealed_at, tz)),
                ("Sealed by", names(d.sealed_by)),
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
        right = [QRFlowable(d.qr_payload, 36 * mm), para("Scan at the terminal", st["small"])]
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
    story += [para("•  " + n, st["base"]) for n in notes]
    return build(d, story)
