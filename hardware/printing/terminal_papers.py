"""The terminal's own papers: its commissioning sheet and its alert slips.

Why together: both speak for the terminal itself rather than for one account
or one invocation. The commissioning sheet, printed once, holds the anchors
auditors check bundles against (key fingerprint, genesis hash) and the
journal's recovery passphrase, and is sealed in the safe. An alert slip is
how a terminal without a network raises an alarm: printed at once, handed to
security.

Invariant: the recovery passphrase is revealed only to lay it out on the
sheet, and the revealed copy is dropped once laid out; it never reaches PDF
metadata.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from hardware.printing.fonts import MONO_BOLD
from hardware.printing.layout import (
    ALERT,
    ALERT_FILL,
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
from kiosk.paper.documents import AlertSlip, CommissioningSheet
from kiosk.paper.passwords import grouped


def commissioning_sheet(d: CommissioningSheet) -> bytes:
    """The terminal's anchors for auditors and the journal's recovery passphrase."""
    st = styles()
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
        para(f"Terminal {d.kiosk_id}", st["h1"]),
        para("Anchors for auditors, and the journal's recovery passphrase.", st["sub"]),
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
        para("How auditors use this sheet", st["h2"]),
        para(
            "Before trusting an export bundle, run  ssh-keygen -l -f kiosk.pub  on the key you "
            "were given: it must print the fingerprint above. Verify bundles with  sealroom "
            f"verify --anchor 1:{d.genesis_hash[:12]}…  using the full genesis hash above.",
            st["base"],
        ),
        Spacer(1, 5 * mm),
    ]
    for person in d.custodians[:2]:
        story += [signature_line(st, person.label), Spacer(1, 2 * mm)]
    return build(d, story, band="CONFIDENTIAL — RECOVERY PASSPHRASE · seal in the safe")


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
