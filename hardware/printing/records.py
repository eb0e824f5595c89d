"""The procedure's paper records: the invocation record and the session record.

Why these two together: the break-glass procedure asks for a signed paper
record when access is invoked (who, why, which approver) and another when the
session ends (what was done, for how long); both reproduce a journal entry
(its number and hash) and end with the custodians' signature lines, so the
paper and the journal can be compared line by line.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from hardware.printing.fonts import SANS_BOLD
from hardware.printing.layout import (
    ALERT,
    ALERT_FILL,
    CONTENT_W,
    Story,
    box,
    build,
    grid_table,
    hash_block,
    kv_table,
    local_time,
    para,
    signature_line,
    styles,
)
from kiosk.paper.documents import InvocationRecord, SessionRecord
from kiosk.paper.passwords import grouped


def invocation_record(d: InvocationRecord) -> bytes:
    """Who invoked break-glass access, why, and who approved it (or the emergency exception)."""
    st = styles()
    tz = d.meta.timezone
    approver = (
        f"{d.approver.label}, approved {local_time(d.approved_at, tz)}"
        if d.approver is not None and d.approved_at is not None
        else "No approver reachable — emergency exception"
    )
    rows: list[tuple[str, Flowable | str]] = [
        ("Date/Time", local_time(d.declared_at, tz)),
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
        para("BREAK-GLASS INVOCATION RECORD", st["h1"]),
        para(f"Invocation {d.invocation_ref}", st["sub"]),
        Spacer(1, 3 * mm),
        kv_table(rows, st, label_w=60 * mm),
    ]
    if d.emergency_exception:
        story.append(Spacer(1, 3 * mm))
        story.append(
            box(
                [
                    para(
                        "EMERGENCY EXCEPTION",
                        ParagraphStyle("x", parent=st["label"], textColor=ALERT),
                    ),
                    para(
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
        story.append(para("Attempts to reach an approver", st["h2"]))
        story.append(
            grid_table(
                ["Time", "Channel", "Outcome"],
                [[local_time(a.at, tz), a.channel, a.outcome] for a in d.approver_attempts],
                [46 * mm, 40 * mm, CONTENT_W - 86 * mm],
                st,
            )
        )
    story.append(para("Journal", st["h2"]))
    story.append(
        kv_table(
            [
                ("Entry", str(d.entry_seq)),
                ("Entry hash", hash_block(d.entry_hash, st["mono"])),
            ],
            st,
            label_w=60 * mm,
        )
    )
    story += [CondPageBreak(40 * mm), para("Acknowledged by both authorised persons", st["h2"])]
    story += [signature_line(st, d.declared_by.label), Spacer(1, 2 * mm)]
    story += [signature_line(st, d.second_person.label)]
    return build(d, story)


def session_record(d: SessionRecord) -> bytes:
    """What was done with the credential, for how long, signed by each custodian."""
    st = styles()
    tz = d.meta.timezone
    story: Story = [
        para("BREAK-GLASS SESSION RECORD", st["h1"]),
        para(f"Invocation {d.invocation_ref}", st["sub"]),
        Spacer(1, 3 * mm),
        kv_table(
            [
                ("Account used", d.account),
                ("System", d.system),
                ("Envelope", para(d.envelope_serial, st["mono"])),
                ("Credential retrieval", d.retrieval_evidence),
                (
                    "Access established",
                    local_time(d.access_established, tz)
                    if d.access_established is not None
                    else "Never: access could not be obtained (see below)",
                ),
                (
                    "Session terminated" if d.access_established else "Attempt concluded",
                    local_time(d.terminated, tz),
                ),
                ("Total duration", f"{d.duration_minutes} minutes"),
                ("Witness", d.witness.label if d.witness else "None"),
                *(
                    [("Provider sign-in session", para(d.provider_session, st["mono"]))]
                    if d.provider_session
                    else []
                ),
            ],
            st,
        ),
    ]
    if d.access_problems:
        story += [
            para("Access problems", st["h2"]),
            *[para(problem, st["base"]) for problem in d.access_problems],
        ]
    story += [
        para("Actions performed", st["h2"]),
        grid_table(
            ["Time", "Action and outcome"],
            [[local_time(a.at, tz), a.text] for a in d.actions] or [["—", "No actions recorded"]],
            [44 * mm, CONTENT_W - 44 * mm],
            st,
        ),
    ]
    if d.baseline or d.post_change:
        story += [
            para("Baseline and post-change configuration", st["h2"]),
            kv_table(
                [
                    ("Before (baseline)", d.baseline or "not captured"),
                    ("After (post-change)", d.post_change or "not captured"),
                ],
                st,
            ),
        ]
    story += [CondPageBreak(60 * mm), para("Signatures", st["h2"])]
    story.append(
        para(
            "Each custodian below signed this record's journal entry with their FIDO2 security "
            "key; the entry hash is what they signed into the chain. Both sign every page.",
            st["small"],
        )
    )
    story.append(Spacer(1, 2 * mm))
    for s in d.signers:
        block = box(
            [
                para(s.name, ParagraphStyle("sn", parent=st["value"], fontName=SANS_BOLD)),
                para(s.role, st["small"]),
                Spacer(1, 1.5 * mm),
                kv_table(
                    [
                        ("Security key", para(f"credential {s.credential_prefix}", st["mono"])),
                        ("Signed at", local_time(s.signed_at, tz)),
                        ("Entry", f"{d.entry_seq}"),
                        ("Entry hash", para(grouped(d.entry_hash, 8), st["mono"])),
                    ],
                    st,
                    label_w=30 * mm,
                    width=CONTENT_W - 18,
                ),
                Spacer(1, 2 * mm),
                signature_line(st, s.name, CONTENT_W - 18),
            ],
            fill=colors.white,
        )
        story += [KeepTogether(block), Spacer(1, 3 * mm)]
    return build(d, story)
