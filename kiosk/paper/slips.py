"""Paper the terminal prints on its own: the alert slip, the commissioning and identity sheets.

The terminal has no network; its alarm is a printed slip. Every
``alert.raised`` entry is turned into an :class:`~kiosk.paper.documents.AlertSlip`
by :func:`alert_slip` and printed by the procedure context's journal
listener the moment the entry is durable
(:meth:`kiosk.procedures.context.Context._on_entry`); a slip that does not
print is journaled (``alert.slip_failed``) and offered again on the
dashboard. The journal entry itself is never lost, and the dashboard lists
unacknowledged alerts whatever happened on paper.

The core builds the slip's content; rendering (reportlab) and printing
(CUPS) are the ``hardware`` layer's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kiosk.errors.messages import lookup
from kiosk.format.clock import parse_ts
from kiosk.format.entry import Entry
from kiosk.paper.documents import (
    AlertSlip,
    Document,
    DocumentMeta,
    IdentitySheet,
    JournalHead,
    ssh_key_fingerprint,
)

#: What to do beyond the message table's "next step", per alert (in the procedure's words).
EXTRA_ACTIONS: dict[str, tuple[str, ...]] = {
    "envelope.tampered": (
        "Do not open the envelope; it is quarantined in the safe.",
        "Use the account's alternative envelope if one is sealed in the safe.",
    ),
    "deadline.overdue": ("Tell the security team that it is late.",),
    "review.escalated": ("Consider suspending the individuals pending investigation.",),
}


def alert_slip(entry: Entry, terminal_id: str, timezone: str) -> AlertSlip:
    """The slip for one ``alert.raised`` entry, in the words of the message table.

    The one place an alert becomes paper: the procedure context's journal
    listener prints it, and prints it again on request.
    """
    data: dict[str, Any] = entry.data
    code = f"alert.{data.get('alert', '')}"
    message = lookup(code)
    detail = data.get("detail")
    details = str(data.get("summary", ""))
    if isinstance(detail, dict) and detail:
        details += "\n" + "; ".join(f"{k}: {v}" for k, v in sorted(detail.items()))
    if message is lookup("internal"):  # an alert this table does not know yet
        what, nxt = str(data.get("summary", "Alert")), "Call the security team now."
    else:
        what, nxt = message.what.format_map(_Blank(detail)), message.next.format_map(_Blank(detail))
    when = parse_ts(entry.ts)
    return AlertSlip(
        meta=DocumentMeta(terminal_id, JournalHead(entry.seq, entry.hash), when, timezone),
        what=what,
        details=details,
        occurred_at=when,
        entry_seq=entry.seq,
        entry_hash=entry.hash,
        actions=(
            nxt,
            *EXTRA_ACTIONS.get(str(data.get("alert", "")), ()),
            "Keep this slip with the incident record.",
        ),
    )


def refusal_slip(
    params: Mapping[str, Any], terminal_id: str, timezone: str, now: dt.datetime
) -> AlertSlip:
    """The slip of an unlock refused because the chain is broken (``journal.integrity``).

    Nothing can be appended to a broken chain, so this alarm has no entry of
    its own: the slip names the first bad entry and the last good one (the
    head printed on it), from the refusal's parameters.
    """
    seq = params.get("seq")
    last_seq, last_hash = params.get("last_seq"), params.get("last_hash")
    head = (
        JournalHead(last_seq, last_hash)
        if isinstance(last_seq, int) and last_seq >= 1 and isinstance(last_hash, str)
        else JournalHead(1, "0" * 64)
    )
    message = lookup("journal.integrity")
    return AlertSlip(
        meta=DocumentMeta(terminal_id, head, now, timezone),
        what=message.what.format_map(_Blank(dict(params))),
        details=f"The terminal refused to unlock. Last entry that checks: {head.label}.",
        occurred_at=now,
        entry_seq=seq if isinstance(seq, int) and seq >= 1 else 1,
        entry_hash=head.hash,
        actions=(
            message.next,
            "Nothing was repaired or deleted. Keep the terminal as it is for the investigation.",
            "Keep this slip with the incident record.",
        ),
    )


class _Blank(dict[str, Any]):
    def __init__(self, source: object) -> None:
        super().__init__(source if isinstance(source, dict) else {})

    def __missing__(self, key: str) -> str:
        return "(" + key + ")"


def commissioning_sheet(
    journal_state: Any,
    public_key: str,
    fingerprint: str,
    recovery_passphrase: str,
    policy_hash: str,
    timezone: str,
) -> Document:
    """The sheet printed once at commissioning and sealed in the safe.

    It carries the terminal key's fingerprint (what auditors trust), the
    genesis hash and journal head (paper anchors against truncation), and
    the recovery passphrase (held in a wipeable :class:`SecretText`).
    """
    from kiosk.paper.documents import CommissioningSheet, Person
    from kiosk.paper.passwords import SecretText

    state = journal_state
    now = parse_ts(state.last_ts)
    people = tuple(Person(c.name, c.role) for c in state.custodians.values() if not c.revoked)
    return CommissioningSheet(
        meta=DocumentMeta(state.kiosk_id, JournalHead(state.seq, state.head), now, timezone),
        kiosk_id=state.kiosk_id,
        key_fingerprint=fingerprint,
        public_key=public_key,
        genesis_hash=state.genesis_hash,
        policy_hash=policy_hash,
        recovery_passphrase=SecretText(recovery_passphrase),
        commissioned_at=now,
        custodians=people,
    )


def identity_sheet(
    *,
    kiosk_id: str,
    public_key: str,
    genesis_hash: str,
    commissioned_at: dt.datetime,
    head: JournalHead,
    printed_at: dt.datetime,
    timezone: str,
    reprint: bool = False,
) -> IdentitySheet:
    """The terminal identity sheet for the auditors' file: public anchors only.

    Printed at commissioning with the commissioning sheet (``reprint``
    False), and again on request from the terminal's public files
    (:mod:`kiosk.terminal.identity`). The fingerprint is computed here from
    the key line, never taken from elsewhere, so it cannot disagree with the
    QR code of ``kiosk.pub`` printed beside it.
    """
    fingerprint = ssh_key_fingerprint(public_key) or ""
    return IdentitySheet(
        meta=DocumentMeta(kiosk_id, head, printed_at, timezone),
        kiosk_id=kiosk_id,
        key_fingerprint=fingerprint,
        public_key=public_key,
        genesis_hash=genesis_hash,
        commissioned_at=commissioned_at,
        reprint=reprint,
    )
