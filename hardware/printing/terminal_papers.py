"""The terminal's own papers: its commissioning sheet, its identity sheet and its alert slips.

Why together: they speak for the terminal itself rather than for one account
or one invocation. The commissioning sheet, printed once, holds the anchors
auditors check bundles against (key fingerprint, genesis hash) and the
journal's recovery passphrase, and is sealed in the safe. The identity sheet
holds the same anchors and nothing secret, with ``kiosk.pub`` as a QR code:
it goes to the auditors' file, printed at commissioning and again on request
(``sealroom identity-sheet``). An alert slip is how a terminal without a
network raises an alarm: printed at once, handed to security.

Invariant: the recovery passphrase is revealed only to lay it out on the
sheet, and the revealed copy is dropped once laid out; it never reaches PDF
metadata.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from hardware.printing.codes import QRFlowable
from hardware.printing.fonts import MONO_BOLD
from hardware.printing.layout import (
    ALERT,
    ALERT_FILL,
    CONTENT_W,
    PUBLIC,
    Story,
    box,
    build,
    fitted,
    hash_block,
    kv_table,
    local_time,
    names,
    para,
    signature_line,
    styles,
)
from kiosk.paper.documents import AlertSlip, CommissioningSheet, IdentitySheet
from kiosk.paper.passwords import grouped


def commissioning_sheet(d: CommissioningSheet) -> bytes:
    """The terminal's anchors for auditors and the journal's recovery passphrase."""
    st = styles()
    tz = d.meta.timezone
    big_mono = st["big_mono"]
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
        para(f"Terminal {d.kiosk_id}", st["h1"]),
        para("The journal's recovery passphrase, and the terminal's anchors.", st["sub"]),
        Spacer(1, 3 * mm),
        kv_table(
            [
                ("Kiosk id", para(d.kiosk_id, st["mono"])),
                ("Commissioned", local_time(d.commissioned_at, tz)),
                ("Custodians", names(d.custodians) or "—"),
                ("Terminal key fingerprint", para(d.key_fingerprint, big_mono)),
                (
                    "Terminal public key",
                    para(
                        d.public_key,
                        ParagraphStyle("pk", parent=st["mono"], fontSize=7.5, leading=9.5),
                    ),
                ),
                ("Genesis hash (entry 1)", hash_block(d.genesis_hash, big_mono)),
                ("Policy hash", para(grouped(d.policy_hash, 8), st["mono"])),
            ],
            st,
            label_w=48 * mm,
        ),
        Spacer(1, 4 * mm),
        box(
            [
                para(
                    "RECOVERY PASSPHRASE", ParagraphStyle("r", parent=st["label"], textColor=ALERT)
                ),
                Spacer(1, 2 * mm),
                pp,
                Spacer(1, 2 * mm),
                para(
                    "Opens the journal if every custodian key is lost. Spaces and case do not "
                    "matter when typing it. Seal this sheet in its own envelope in the safe.",
                    st["small"],
                ),
            ],
            fill=ALERT_FILL,
            border=ALERT,
        ),
        para("This sheet stays sealed in the safe", st["h2"]),
        para(
            "Auditors do not need it: the terminal identity sheet, printed with this one, "
            "carries the same fingerprint and genesis hash and nothing secret. Give that sheet "
            "and kiosk.pub to the auditors. Open this envelope only to recover the journal, or "
            "to compare the anchors above when an identity sheet is in doubt.",
            st["base"],
        ),
        Spacer(1, 5 * mm),
    ]
    for person in d.custodians[:2]:
        story += [signature_line(st, person.label), Spacer(1, 2 * mm)]
    return build(d, story, band="CONFIDENTIAL — RECOVERY PASSPHRASE · seal in the safe")


def identity_sheet(d: IdentitySheet) -> bytes:
    """The public identity for the auditors' file: fingerprint, genesis hash, kiosk.pub as QR."""
    st = styles()
    tz = d.meta.timezone
    big_mono = st["big_mono"]
    fp_style = ParagraphStyle("fp", parent=big_mono, fontSize=15, leading=19)
    key_style = ParagraphStyle("pk", parent=st["mono"], fontSize=7.5, leading=9.5)
    origin = (
        "Printed again on request, from the terminal's public files (kiosk.pub and "
        "identity.json). Compare it with the identity sheet printed at commissioning: the "
        "fingerprint and genesis hash must be the same."
        if d.reprint
        else "Printed at commissioning, with the commissioning sheet that stays sealed in the "
        "safe. Nothing on this sheet is secret."
    )
    anchors = kv_table(
        [
            ("Terminal id", para(d.kiosk_id, st["mono"])),
            ("Commissioned", local_time(d.commissioned_at, tz)),
            ("Genesis hash (entry 1)", hash_block(d.genesis_hash, big_mono)),
        ],
        st,
        label_w=42 * mm,
        width=CONTENT_W - 54 * mm,
    )
    qr: list[Flowable] = [
        # The exact bytes of kiosk.pub (the line and its newline): scanned into a file,
        # it is the file.
        QRFlowable(d.public_key + "\n", 48 * mm),
        para("kiosk.pub, the terminal's public key", st["small"]),
    ]
    top = Table([[anchors, qr]], colWidths=[CONTENT_W - 52 * mm, 52 * mm])
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 4),
            ]
        )
    )
    cmd = ParagraphStyle("cmd", parent=st["mono"], fontSize=8.5, leading=11, leftIndent=14)
    steps: list[tuple[str, list[str]]] = [
        (
            "Keep kiosk.pub where the terminal cannot change it: scan the QR code above into a "
            "file, or take the file from the administrator.",
            [],
        ),
        (
            "Check the file: this must print the key fingerprint above.",
            ["ssh-keygen -l -f kiosk.pub"],
        ),
        (
            "Verify every export bundle against this key and this genesis hash:",
            [
                "sealroom verify BUNDLE --kiosk-key kiosk.pub \\",
                f"    --anchor 1:{d.genesis_hash}",
            ],
        ),
        ("Keep this sheet in the auditors' file, away from the terminal and its safe.", []),
    ]
    story: Story = [
        para(f"Terminal {d.kiosk_id}", st["h1"]),
        para("Its public identity, for the auditors' file.", st["sub"]),
        Spacer(1, 4 * mm),
        para("KEY FINGERPRINT — as  ssh-keygen -l -f kiosk.pub  prints it", st["label"]),
        Spacer(1, 1 * mm),
        fitted(d.key_fingerprint, fp_style, CONTENT_W, 15, 9),
        Spacer(1, 4 * mm),
        top,
        Spacer(1, 2 * mm),
        para("PUBLIC KEY (kiosk.pub)", st["label"]),
        Spacer(1, 1 * mm),
        para(d.public_key, key_style),
        para("How auditors use this sheet", st["h2"]),
    ]
    for i, (text, commands) in enumerate(steps, start=1):
        story.append(para(f"{i}.  {text}", st["base"]))
        for c in commands:  # a continuation line is indented further (spaces would collapse)
            indent = cmd.leftIndent + (len(c) - len(c.lstrip())) * 4
            story.append(para(c.strip(), ParagraphStyle("c", parent=cmd, leftIndent=indent)))
        story.append(Spacer(1, 1.2 * mm))
    story += [
        Spacer(1, 2 * mm),
        para(origin, st["small"]),
        Spacer(1, 8 * mm),
        signature_line(st, "received for the auditors' file"),
    ]
    return build(
        d,
        story,
        band="PUBLIC — terminal identity for the auditors' file · "
        + ("printed again on request" if d.reprint else "nothing secret"),
        band_fill=PUBLIC,
    )


def alert_slip(d: AlertSlip) -> bytes:
    """What happened, which journal entry recorded it, and what security must do now."""
    st = styles()
    tz = d.meta.timezone
    what = ParagraphStyle("w", parent=st["h1"], textColor=ALERT, fontSize=19, leading=23)
    story: Story = [
        para(
            d.severity.upper(),
            ParagraphStyle("sv", parent=st["label"], textColor=ALERT, fontSize=10),
        ),
        para(d.what, what),
        Spacer(1, 2 * mm),
        kv_table(
            [
                ("When", local_time(d.occurred_at, tz)),
                ("Journal entry", str(d.entry_seq)),
                ("Entry hash", hash_block(d.entry_hash, st["mono"])),
                ("Details", d.details or "—"),
            ],
            st,
        ),
        Spacer(1, 4 * mm),
    ]
    todo: list[Flowable] = [
        para("WHAT TO DO NOW", ParagraphStyle("t", parent=st["label"], textColor=ALERT)),
        Spacer(1, 1 * mm),
    ]
    todo += [para(f"{i}.  {a}", st["value"]) for i, a in enumerate(d.actions, start=1)]
    story.append(box(todo, fill=ALERT_FILL, border=ALERT))
    story += [
        Spacer(1, 4 * mm),
        para(
            "The terminal has no network: this slip is its alert. Hand it to security now and "
            "keep it with the incident record.",
            st["small"],
        ),
        Spacer(1, 6 * mm),
        signature_line(st, "received by (security)"),
    ]
    return build(d, story, band=f"{d.severity.upper()} — printed at once by the terminal")
