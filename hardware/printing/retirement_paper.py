"""The retirement certificate's layout (``kiosk/paper/retirement.py`` says what it holds).

One A4 page, drawn like the terminal identity sheet: the final head in full
with its QR code (``SEQ:HASH``, which ``sealroom verify --anchor`` takes as
it is), the final export and where it went, the retirement entry and who
signed it, what was destroyed, what is left to do, and signature lines.
Nothing on it is secret: it is printed as an ordinary job and may be
written to a PDF file.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from hardware.printing.codes import QRFlowable
from hardware.printing.layout import (
    CONTENT_W,
    PUBLIC,
    Story,
    box,
    build,
    hash_block,
    kv_table,
    local_time,
    names,
    para,
    signature_line,
    styles,
)
from kiosk.paper.retirement import RetirementCertificate


def retirement_certificate(d: RetirementCertificate) -> bytes:
    """The retired terminal's last paper: final head, final export, signatures."""
    st = styles()
    tz = d.meta.timezone
    big_mono = st["big_mono"]
    head = kv_table(
        [
            ("Final head entry", para(f"{d.final_seq}", big_mono)),
            ("Its hash", hash_block(d.final_hash, big_mono)),
            (
                "Final export",
                Paragraph(
                    f"{escape(d.bundle)}<br/>entries 1 to {d.final_seq}, on {escape(d.volume)}",
                    ParagraphStyle("bn", parent=st["mono"], fontSize=8, leading=10.5),
                ),
            ),
        ],
        st,
        label_w=34 * mm,
        width=CONTENT_W - 54 * mm,
    )
    qr: list[Flowable] = [
        QRFlowable(d.qr_payload, 42 * mm),
        para("The final head (SEQ:HASH), for sealroom verify --anchor", st["small"]),
    ]
    top = Table([[head, qr]], colWidths=[CONTENT_W - 52 * mm, 52 * mm])
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
    story: Story = [
        para(f"Terminal {d.kiosk_id} is retired", st["h1"]),
        para(
            "Its journal ends in the final audit export named below; the terminal can no "
            "longer open it.",
            st["sub"],
        ),
        Spacer(1, 3 * mm),
        top,
        Spacer(1, 3 * mm),
        kv_table(
            [
                ("Retired", local_time(d.retired_at, tz)),
                ("Retired by", names(d.retired_by)),
                ("Reason", d.reason),
                (
                    "Retirement entry",
                    f"{d.retired_seq} · {d.retired_hash[:16]}…"
                    + (" (the final head)" if d.retired_seq == d.final_seq else ""),
                ),
                (
                    "Manifest hash",
                    para(d.manifest_hash, ParagraphStyle("m", parent=st["mono"], fontSize=7.5)),
                ),
                (
                    "After the export",
                    f"entry {d.last_seq} · {d.last_hash[:16]}… (export.created, naming the "
                    "bundle): the terminal's last entry, not in the bundle",
                ),
                ("Terminal key", para(d.key_fingerprint, st["mono"])),
                (
                    "Genesis hash",
                    para(d.genesis_hash, ParagraphStyle("g", parent=st["mono"], fontSize=7.5)),
                ),
            ],
            st,
            label_w=34 * mm,
        ),
        Spacer(1, 3 * mm),
        box(
            [para("WHAT WAS DESTROYED", st["label"]), Spacer(1, 1 * mm)]
            + [para(f"•  {line}", st["small"]) for line in d.destroyed]
        ),
        para("What auditors and custodians do now", st["h2"]),
        para(
            "1.  Verify the final export against this head (and the identity sheet's key):",
            st["base"],
        ),
        para("sealroom verify BUNDLE --kiosk-key kiosk.pub \\", cmd),
        para(
            f"--anchor {d.final_seq}:{d.final_hash}",
            ParagraphStyle("c2", parent=cmd, leftIndent=30),
        ),
        para(
            "It must say VERIFIED and report the retirement (journal.retired). Keep the bundle "
            "and this certificate for as long as the journal must be kept.",
            st["base"],
        ),
        para(
            "2.  Sealed backups still open with a custodian's key or the recovery passphrase: "
            "wipe the backup medium, then shred the commissioning sheet.",
            st["base"],
        ),
        Spacer(1, 2 * mm),
    ]
    half = CONTENT_W / 2 - 3 * mm
    pair = Table(
        [[signature_line(st, p.label, half) for p in d.retired_by[:2]]],
        colWidths=[CONTENT_W / 2] * 2,
    )
    pair.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [pair, Spacer(1, 1 * mm), signature_line(st, "received for the auditors' file")]
    return build(
        d,
        story,
        band="PUBLIC — retirement certificate · keep with the final audit export",
        band_fill=PUBLIC,
    )
