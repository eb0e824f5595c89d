"""Incidents: one break-glass invocation from declaration to review.

An incident is opened by ``invocation.declared`` and followed through the
procedure's phases by the entries that name it (``data.incident``). Like
every projection it is folded from the journal, never stored.

Phases, in the procedure's order::

    declared → retrieval → access → documentation → reset → review → closed

(``reset`` is the credential rotation after an opening; an incident whose
envelope was never opened skips it.) Times that the procedure's deadlines
run from are kept here; :mod:`kiosk.deadlines` turns them into deadlines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kiosk.clock import parse_ts
from kiosk.journal.entry import Entry

PHASES = ("declared", "retrieval", "access", "documentation", "reset", "review", "closed")

EXCEPTION_APPROVER_UNREACHABLE = "approver-unreachable"
EXCEPTION_SOLO_ACCESS = "solo-access"
EXCEPTIONS = (EXCEPTION_APPROVER_UNREACHABLE, EXCEPTION_SOLO_ACCESS)
#: Kinds recorded before the invocation record exists (kept until it does).
EARLY_KINDS = frozenset({"approver.contacted", "exception.opened"})


def when(entry: Entry, data: dict[str, Any], key: str = "at") -> dt.datetime:
    """The time an event happened: ``data.at`` if recorded, else the entry's ts.

    A recorded time later than the entry itself cannot be when the event
    happened; the entry's ts is used then, as the auditors' verifier does
    (:mod:`kiosk.verify.deadlines`), so both judge a deadline from the same time.
    """
    value = data.get(key)
    if isinstance(value, str) and value <= entry.ts:
        return parse_ts(value)
    return parse_ts(entry.ts)


@dataclass
class Incident:
    id: str
    declared_at: dt.datetime
    declared_seq: int
    test: bool = False
    account: str | None = None
    phase: str = "declared"
    exceptions: dict[str, dt.datetime] = field(default_factory=dict)
    signed_off: dict[str, dt.datetime] = field(default_factory=dict)
    approver_attempts: list[tuple[dt.datetime, str, str]] = field(default_factory=list)
    approver_notified_at: dt.datetime | None = None
    envelopes_checked_out: list[str] = field(default_factory=list)
    envelope_opened: str | None = None
    opened_at: dt.datetime | None = None
    tampered: list[str] = field(default_factory=list)
    session_started_at: dt.datetime | None = None
    session_ended_at: dt.datetime | None = None
    #: when the invocation ended with nothing opened: an envelope went back to the
    #: safe to end it, or it was stood down (``invocation.stood_down``)
    returned_at: dt.datetime | None = None
    actions: int = 0
    actions_outside_reason: int = 0
    signed_at: dt.datetime | None = None
    rotated_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    escalated: bool = False
    #: when ``review.escalated`` recorded to whom the review's findings went
    escalation_recorded_at: dt.datetime | None = None
    #: custodian ids of the declaring party and the second authorised person
    people: list[str] = field(default_factory=list)
    witness: dict[str, Any] | None = None
    #: what the acknowledgement recorded: was the witness there (None: not yet)
    witness_present: bool | None = None
    record: dict[str, Any] = field(default_factory=dict)
    acknowledged_at: dt.datetime | None = None
    sheet_confirmed: bool = False
    access_problems: list[str] = field(default_factory=list)
    discrepancies: int = 0
    verified_at: dt.datetime | None = None
    verification_serial: str | None = None
    #: the journal's business-day calendar when the incident was declared
    #: (set by :class:`kiosk.state.State`); None in journals that record none
    calendar: dict[str, Any] | None = None

    @property
    def solo(self) -> bool:
        """Solo access (second person unavailable) was declared."""
        return EXCEPTION_SOLO_ACCESS in self.exceptions

    @property
    def open(self) -> bool:
        return self.phase != "closed"

    def advance(self, phase: str) -> None:
        """Move forward only: a late entry never moves an incident back."""
        if PHASES.index(phase) > PHASES.index(self.phase):
            self.phase = phase


class IncidentBook:
    """All incidents of a journal, folded entry by entry."""

    def __init__(self) -> None:
        self.by_id: dict[str, Incident] = {}
        # Approver contact attempts (and the no-approver exception) happen
        # before the invocation record exists (procedure phase 1, steps 1-3):
        # they are kept here and attached when the incident is declared.
        self._early: dict[str, list[Entry]] = {}

    def get(self, incident_id: str) -> Incident | None:
        return self.by_id.get(incident_id)

    def open_incidents(self) -> list[Incident]:
        return [i for i in self.by_id.values() if i.open]

    def apply(self, entry: Entry, envelope_account: str | None = None) -> None:
        data = entry.data
        iid = data.get("incident")
        if entry.kind == "invocation.declared" and isinstance(iid, str):
            raw = data.get("record")
            record: dict[str, Any] = raw if isinstance(raw, dict) else {}
            inc = Incident(
                iid,
                parse_ts(entry.ts),
                entry.seq,
                test=bool(data.get("test")),
                account=data.get("account"),
                record=dict(record),
            )
            self.by_id[iid] = inc
            for key in ("declared_by", "second_person"):
                person = record.get(key)
                if isinstance(person, dict) and isinstance(person.get("custodian"), str):
                    inc.people.append(person["custodian"])
            witness = record.get("witness")
            inc.witness = dict(witness) if isinstance(witness, dict) else None
            if data.get("exception"):
                inc.exceptions[str(data["exception"])] = parse_ts(entry.ts)
            for early in self._early.pop(iid, []):
                self.apply(early)
            return
        if not isinstance(iid, str):
            return
        if iid not in self.by_id:
            if entry.kind in EARLY_KINDS:
                self._early.setdefault(iid, []).append(entry)
            return
        inc = self.by_id[iid]
        kind = entry.kind
        if kind == "approver.contacted":
            inc.approver_attempts.append(
                (when(entry, data), str(data.get("channel")), str(data.get("outcome")))
            )
        elif kind == "exception.opened":
            inc.exceptions.setdefault(str(data["exception"]), parse_ts(entry.ts))
        elif kind == "exception.signed_off":
            inc.signed_off.setdefault(str(data["exception"]), when(entry, data))
        elif kind == "approver.notified":
            inc.approver_notified_at = inc.approver_notified_at or when(entry, data)
        elif kind == "invocation.acknowledged":
            inc.acknowledged_at = parse_ts(entry.ts)
            inc.witness_present = bool(data.get("witness_present"))
        elif kind == "sheet.confirmed":
            inc.sheet_confirmed = True
        elif kind == "access.problem":
            inc.access_problems.append(str(data["problem"]))
        elif kind == "documentation.discrepancy":
            inc.discrepancies += 1
        elif kind == "review.escalated":
            inc.escalated = True
            inc.escalation_recorded_at = parse_ts(entry.ts)
        elif kind == "verification.completed":
            inc.verified_at = parse_ts(entry.ts)
        elif data.get("purpose") == "verification":
            # The test retrieval after a reset is not the incident's opening.
            if kind == "envelope.opened":
                inc.verification_serial = str(data["serial"])
        elif kind == "envelope.checked_out":
            inc.envelopes_checked_out.append(str(data["serial"]))
            inc.account = inc.account or envelope_account
            inc.advance("retrieval")
        elif kind == "envelope.inspected" and data.get("result") == "tampered":
            inc.tampered.append(str(data["serial"]))
        elif kind == "envelope.opened":
            inc.envelope_opened = str(data["serial"])
            inc.opened_at = parse_ts(entry.ts)
            inc.advance("retrieval")
        elif kind == "session.started":
            inc.session_started_at = when(entry, data)
            inc.advance("access")
        elif kind == "session.action":
            inc.actions += 1
            if data.get("outside_reason"):
                inc.actions_outside_reason += 1
        elif kind == "session.ended":
            inc.session_ended_at = when(entry, data)
            inc.advance("documentation")
        elif kind == "session.signed":
            inc.signed_at = parse_ts(entry.ts)
            inc.advance("reset" if inc.envelope_opened else "review")
        elif kind == "credential.rotated":
            inc.rotated_at = parse_ts(entry.ts)
            if inc.signed_at is not None:
                inc.advance("closed" if inc.test else "review")
        elif kind == "review.completed":
            inc.reviewed_at = parse_ts(entry.ts)
            inc.escalated = bool(data.get("escalated"))
            done = inc.rotated_at is not None or inc.envelope_opened is None
            inc.advance("closed" if done else "review")
        elif kind == "invocation.stood_down":
            inc.returned_at = inc.returned_at or parse_ts(entry.ts)
            inc.advance("documentation")
        elif kind == "envelope.returned" and data.get("ends_invocation") is False:
            pass  # back to the safe, and another one is checked out for the invocation
        elif kind == "envelope.returned":
            inc.returned_at = inc.returned_at or when(entry, data)
            if inc.envelope_opened is None:
                # Nothing was opened: the incident ends with its documentation.
                inc.advance("documentation")

    def note_rotation(self, account: str, at: dt.datetime) -> None:
        """A new envelope sealed for ``account`` completes its incidents' reset."""
        for inc in self.by_id.values():
            if inc.account == account and inc.envelope_opened and inc.rotated_at is None:
                inc.rotated_at = at
                if inc.reviewed_at is not None:
                    inc.advance("closed")
                elif inc.signed_at is not None:
                    inc.advance("closed" if inc.test else "review")
