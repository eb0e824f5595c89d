"""The credential sheet and its envelope label: the break-glass password on paper.

Why together: the sheet goes into one tamper-evident envelope and the label
onto it; both print the envelope serial (Code 128) and a QR code that binds
the two, so a custodian who opens the envelope can prove at the terminal that
this sheet was issued for this envelope.

Invariants:

* The sheet is folded in three to go into its envelope
  (:func:`hardware.printing.layout.build_folded`): everything secret — the
  privileged username, the password, the recovery codes — is in one panel,
  alone in the middle third, which no fold crosses and which both other
  thirds cover once folded printed side in. Nothing secret is printed
  anywhere else on the sheet.
* The password is drawn in DejaVu Sans Mono Bold, grouped in fours, each
  group with its phonetic spelling under it, so 0/O and 1/l/I cannot be
  confused when it is typed. It is never put into a PDF outline, title or
  metadata field.
* The sheet's "In this envelope" line and its sealing steps say the same
  thing about the account's security key, from the policy's
  ``[envelopes] token_in_envelope``.
* The label names the account by its id and its system, in type shrunk to
  fit and wrapped only between words; it never carries the username.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from hardware.printing.codes import QRFlowable, code128
from hardware.printing.fonts import MONO_BOLD, SANS_BOLD, register_fonts
from hardware.printing.layout import (
    ALERT,
    CONTENT_W,
    FILL,
    FOLD_YS,
    NAVY,
    RULE,
    Located,
    Story,
    blanks,
    box,
    build,
    build_folded,
    fitted,
    kv_table,
    local_time,
    names,
    para,
    styles,
    third_boxes,
)
from kiosk.paper.documents import CredentialSheet, EnvelopeLabel
from kiosk.paper.passwords import SecretText, phonetic

Box = tuple[float, float, float, float]
BAND = "CONFIDENTIAL — BREAK-GLASS CREDENTIAL · seal at once · never copy or photograph"


#: How much of the password's help fits the secret panel, most first: the
#: group numbers and the phonetic spelling; the spelling alone; the groups
#: alone (the policy's alphabet has no look-alike characters, and the mono
#: font tells the rest apart). :func:`_secret_panel` takes the first that
#: fits the panel's third unshrunk.
PASSWORD_MODES = ("full", "spelled", "bare")


def _password_block(
    secret: SecretText, st: dict[str, ParagraphStyle], width: float, mode: str
) -> list[Flowable]:
    """The password in groups of four, six a row, in mono bold; with ``mode``'s help under them."""
    groups = secret.groups(4)
    per_row = 6
    size = 21 if mode == "full" else 19
    big = ParagraphStyle(
        "pw",
        parent=st["base"],
        fontName=MONO_BOLD,
        fontSize=size,
        leading=size + 4,
        alignment=TA_CENTER,
    )
    idx = ParagraphStyle("idx", parent=st["small"], alignment=TA_CENTER, fontSize=6)
    phon = st["phon"] if mode == "full" else ParagraphStyle("ph2", parent=st["phon"], leading=7.2)
    col_w = width / per_row
    out: list[Flowable] = []
    for start in range(0, len(groups), per_row):
        chunk = groups[start : start + per_row]
        pad = per_row - len(chunk)
        rows: list[list[Flowable]] = []
        if mode == "full":
            rows.append([para(f"group {start + i + 1}", idx) for i in range(len(chunk))])
        rows.append([para(g, big) for g in chunk])
        if mode != "bare":
            row_ph: list[Flowable] = []
            for g in chunk:
                lines = [
                    f"<font name='{MONO_BOLD}'>{escape(ch)}</font>&nbsp;{escape(name)}"
                    for ch, name in zip(g, phonetic(g), strict=True)
                ]
                row_ph.append(Paragraph("<br/>".join(lines), phon))
            rows.append(row_ph)
        pw_row = 1 if mode == "full" else 0
        t = Table([r + blanks(pad) for r in rows], colWidths=[col_w] * per_row)
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, pw_row + 1), (-1, -1), 4),
            ("RIGHTPADDING", (0, pw_row + 1), (-1, -1), 1),
        ]
        for i in range(len(chunk)):
            style += [
                ("BOX", (i, pw_row), (i, pw_row), 0.9, NAVY),
                ("BACKGROUND", (i, pw_row), (i, pw_row), colors.white),
            ]
        t.setStyle(TableStyle(style))
        out.append(t)
    return out


@dataclass(frozen=True)
class SheetLayout:
    """Where a credential sheet's folds and secret panel ended up on the page (in points).

    ``folds`` are heights from the foot of the page; ``secret`` is the
    panel's ``(x0, y0, x1, y1)`` as drawn, after any shrinking.
    """

    folds: tuple[float, ...]
    secret: Box


def _secret_panel(d: CredentialSheet, st: dict[str, ParagraphStyle], height: float) -> Table:
    """Everything secret, in one framed panel: username, password, recovery codes.

    With the most help for the password that fits ``height`` (the panel's
    third); what is still too tall is shrunk by the third's frame, never
    moved across a fold.
    """
    panel = box([])
    for mode in PASSWORD_MODES:
        panel = _panel(d, st, mode)
        if panel.wrap(CONTENT_W, height)[1] <= height:
            break
    return panel


def _panel(d: CredentialSheet, st: dict[str, ParagraphStyle], mode: str) -> Table:
    inner_w = CONTENT_W - 18
    red = ParagraphStyle("sec", parent=st["label"], textColor=ALERT, fontSize=8.5, leading=11)
    user = ParagraphStyle("user", parent=st["mono"], fontName=MONO_BOLD)
    n = len(d.password)
    help_text = {
        "full": "the spelling under each group removes any doubt.",
        "spelled": "the spelling under each group removes any doubt.",
        "bare": "it has no look-alike characters (no 0, O, 1, l or I).",
    }[mode]
    label_w = 24 * mm
    username = Table(
        [[para("USERNAME", st["label"]), fitted(d.username, user, inner_w - label_w, 14, 10)]],
        colWidths=[label_w, inner_w - label_w],
    )
    username.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    content: list[Flowable] = [
        para(
            "SECRET — everything you type to sign in. Read it only where no one else can see.",
            red,
        ),
        Spacer(1, 2 * mm),
        username,
        Spacer(1, 2.5 * mm),
        para(
            f"PASSWORD — {n} characters in groups of four. Type it without the spaces; "
            + help_text,
            st["label"],
        ),
        Spacer(1, 1 * mm),
        *_password_block(d.password, st, inner_w, mode),
    ]
    if d.recovery_codes:
        codes = ParagraphStyle(
            "codes",
            parent=st["mono"],
            fontName=MONO_BOLD,
            fontSize=11,
            leading=14,
            splitLongWords=0,
        )
        content += [
            Spacer(1, 2 * mm),
            para("RECOVERY CODES — each works once", st["label"]),
            Spacer(1, 0.5 * mm),
            Paragraph("&nbsp;&nbsp; ".join(escape(c) for c in d.recovery_codes), codes),
        ]
    return box(content, fill=FILL, border=ALERT)


def _contents_and_step(d: CredentialSheet) -> tuple[str, str]:
    """The "In this envelope" text and the sealing step, from the one policy setting.

    Both are derived here, together, so they can never disagree.
    """
    serials = ", ".join(d.token_serials)
    put = (
        f"Fold this sheet in three along the fold marks, printed side inwards, and place it "
        f"in envelope {d.envelope_serial}"
    )
    if d.token_in_envelope:
        key = (
            f"the account's FIDO2 security key, serial {serials}"
            if serials
            else "the account's FIDO2 security key, if it has one (serial: ______________)"
        )
        return (
            f"This sheet, and {key}. The policy seals the security key in with the sheet.",
            f'{put} together with the security key named under "In this envelope". '
            "Nothing else goes in the envelope.",
        )
    if serials:
        return (
            f"This sheet only. The account's FIDO2 security key ({serials}) is kept outside "
            "this envelope, as the policy requires.",
            f"{put}. Nothing else goes in the envelope: the security key stays outside it.",
        )
    return "This sheet only.", f"{put}. Nothing else goes in the envelope."


def _top_third(d: CredentialSheet, st: dict[str, ParagraphStyle]) -> Story:
    """What the sheet is for: account id, system, where to sign in, who issued it; the QR."""
    tz = d.meta.timezone
    left_w = CONTENT_W - 46 * mm
    left: list[Flowable] = [
        para("ACCOUNT", st["label"]),
        fitted(d.account, st["h1"], left_w, 17, 11),
        fitted(d.system, st["sub"], left_w, 11, 9),
        Spacer(1, 2 * mm),
        kv_table(
            [
                ("Access URL", para(d.access_url, st["mono"])),
                ("Issued", local_time(d.issued_at, tz)),
                ("Issued by", names(d.issued_by)),
                ("Sheet reference", d.sheet_ref),
            ],
            st,
            label_w=32 * mm,
            width=left_w,
        ),
    ]
    right: list[Flowable] = [
        QRFlowable(d.qr_payload, 36 * mm),
        para(
            "When the envelope is opened, scan this at the terminal: it proves this sheet was "
            "issued for this envelope.",
            ParagraphStyle("qrn", parent=st["small"], fontSize=6.5, leading=8),
        ),
    ]
    t = Table([[left, right]], colWidths=[left_w, 46 * mm])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 6),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
            ]
        )
    )
    return [t]


def _bottom_third(d: CredentialSheet, st: dict[str, ParagraphStyle]) -> Story:
    """Sealing: the envelope this sheet belongs in, what goes in it, the steps."""
    serial = ParagraphStyle("ser", parent=st["mono"], fontName=MONO_BOLD, fontSize=15, leading=18)
    contents, fold_step = _contents_and_step(d)
    left: list[Flowable] = [
        para("ENVELOPE SERIAL", st["label"]),
        Spacer(1, 1 * mm),
        code128(d.envelope_serial, height=11 * mm),
        Spacer(1, 0.5 * mm),
        para(d.envelope_serial, serial),
    ]
    right: list[Flowable] = [
        para("IN THIS ENVELOPE", st["label"]),
        Spacer(1, 1 * mm),
        para(contents, st["base"]),
    ]
    if d.notes:
        right += [Spacer(1, 1 * mm), para(d.notes, st["small"])]
    top = Table([[left, right]], colWidths=[62 * mm, CONTENT_W - 62 * mm])
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBEFORE", (1, 0), (1, 0), 0.4, RULE),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
            ]
        )
    )
    steps = [
        "Log in once with this password and log out at once, to prove it works.",
        fold_step,
        "Seal the envelope; both custodians sign across the seal with the date.",
        "Scan the envelope serial at the terminal to register it, then put it in the safe.",
    ]
    step = ParagraphStyle("step", parent=st["base"], fontSize=9, leading=11.5)
    guide: list[Flowable] = [para("BEFORE YOU SEAL", st["label"]), Spacer(1, 1 * mm)]
    guide += [para(f"{i}.  {s}", step) for i, s in enumerate(steps, start=1)]
    return [top, Spacer(1, 3 * mm), box(guide)]


def credential_sheet_layout(d: CredentialSheet) -> tuple[bytes, SheetLayout]:
    """The sheet's PDF, and where its folds and secret panel are (for the fold checks)."""
    register_fonts()  # also called directly, not only through render()
    st = styles()
    boxes: list[Box] = []
    bottom, top = third_boxes(BAND)[1]
    room = top - bottom - 1
    panel = _secret_panel(d, st, room)
    # Centred in its third: as far from each fold as it can be.
    margin = max(0.0, (room - panel.wrap(CONTENT_W, room)[1]) / 2)
    pdf = build_folded(
        d,
        [_top_third(d, st), [Spacer(1, margin), Located(panel, boxes)], _bottom_third(d, st)],
        band=BAND,
    )
    if len(boxes) != 1:  # drawn once, on the one page
        raise RuntimeError("the secret panel was not laid out exactly once")
    return pdf, SheetLayout(FOLD_YS, boxes[0])


def credential_sheet(d: CredentialSheet) -> bytes:
    """The sheet sealed in the envelope: the account, its secret panel, the binding codes."""
    return credential_sheet_layout(d)[0]


def envelope_label(d: EnvelopeLabel) -> bytes:
    """The label stuck on the sealed envelope: which account, which system, where it is kept.

    The account id and the system are each set as large as the label allows
    and wrapped only between words; the username is not on the label at all.
    """
    st = styles()
    tz = d.meta.timezone
    inner_w = CONTENT_W - 20
    ident = ParagraphStyle("id", parent=st["h1"], fontName=SANS_BOLD, textColor=colors.black)
    system = ParagraphStyle("sys", parent=st["sub"], fontName=SANS_BOLD, textColor=NAVY)
    serial = ParagraphStyle("ser", parent=st["mono"], fontName=MONO_BOLD, fontSize=20, leading=24)
    head: list[Flowable] = [
        para("BREAK-GLASS CREDENTIAL — TAMPER-EVIDENT ENVELOPE", st["label"]),
        Spacer(1, 2 * mm),
        para("ACCOUNT", st["label"]),
        fitted(d.account_id, ident, inner_w, 26, 16),
        Spacer(1, 1.5 * mm),
        para("SYSTEM", st["label"]),
        fitted(d.system, system, inner_w, 15, 10),
    ]
    left: list[Flowable] = [
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
            width=inner_w - 48 * mm,
        ),
    ]
    right: list[Flowable] = []
    if d.qr_payload:
        right = [QRFlowable(d.qr_payload, 36 * mm), para("Scan at the terminal", st["small"])]
    codes = Table([[left, right]], colWidths=[inner_w - 46 * mm, 46 * mm])
    codes.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 6),
            ]
        )
    )
    label = Table([[head], [codes]], colWidths=[CONTENT_W])
    label.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, NAVY),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
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
