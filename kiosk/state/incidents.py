"""Incidents: one break-glass invocation from declaration to review.

An incident is opened by ``invocation.declared`` and followed through the
procedure's phases by the entries that name it (``data.incident``). Like
every projection it is folded from the journal, never stored.

Phases, in the procedure's order::

    declared → retrieval → access → documentation → reset → review → verification → closed

(``reset`` is the credential rotation after an opening; an incident whose
envelope was never opened skips it, and its verification. The verification
after the reset closes the incident (issue 18); a drill has no review and
goes from its reset to its verification; a failed verification sends the
incident back to ``reset``.) Times that the procedure's deadlines
run from are kept here; :mod:`kiosk.state.due` turns them into deadlines.

What each kind does to the incident it names is one function in
:data:`STEPS` (every kind the journal knows, checked at import). The rules
the state checks about incidents before an entry is written are at the end:
an incident is declared once, its later steps need the declaration, a drill's
entries are all marked ``test`` (and only those), a claimed exception was
recorded, a stand-down leaves nothing opened or out of the safe, and the access
session starts once and ends once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk.errors import TransitionError
from kiosk.format.clock import parse_ts
from kiosk.format.entry import Entry
from kiosk.format.kinds import KINDS
from kiosk.state.kinds import require_every_kind

if TYPE_CHECKING:
    from kiosk.state.projection import State

PHASES = (
    "declared",
    "retrieval",
    "access",
    "documentation",
    "reset",
    "review",
    "verification",
    "closed",
)

EXCEPTION_APPROVER_UNREACHABLE = "approver-unreachable"
EXCEPTION_SOLO_ACCESS = "solo-access"
EXCEPTIONS = (EXCEPTION_APPROVER_UNREACHABLE, EXCEPTION_SOLO_ACCESS)
#: Kinds recorded before the invocation record exists (kept until it does).
EARLY_KINDS = frozenset({"approver.contacted", "exception.opened"})


def when(entry: Entry, data: dict[str, Any], key: str = "at") -> dt.datetime:
    """The time an event happened: ``data.at`` if recorded, else the entry's ts.

    A recorded time later than the entry itself cannot be when the event
    happened; the entry's ts is used then, as the auditors' verifier does
    (:mod:`kiosk.rules.deadlines`), so both judge a deadline from the same time.
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
    #: the exception ``invocation.declared`` declared with the incident: the only
    #: one that may cover a dual entry short of two custodians (spec Amendment 1)
    declared_exception: str | None = None
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
    #: when the verification's test login last failed (``verification.failed``)
    verification_failed_at: dt.datetime | None = None
    verification_serial: str | None = None
    #: the journal's business-day calendar when the incident was declared
    #: (set by :func:`apply_declared`); None in journals that record none
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

    def apply(self, entry: Entry) -> None:
        """Fold an entry into the incident it names (``data.incident``), if any."""
        iid = entry.data.get("incident")
        if not isinstance(iid, str):
            return
        if entry.kind == "invocation.declared":
            self._declare(iid, entry)
            return
        inc = self.by_id.get(iid)
        if inc is None:
            if entry.kind in EARLY_KINDS:
                self._early.setdefault(iid, []).append(entry)
            return
        STEPS[entry.kind](inc, entry)

    def _declare(self, iid: str, entry: Entry) -> None:
        data = entry.data
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
            inc.declared_exception = str(data["exception"])
        for early in self._early.pop(iid, []):
            self.apply(early)

    def note_rotation(self, account: str, at: dt.datetime) -> None:
        """``account``'s credential reset is finished: so is that of its opened incidents."""
        for inc in self.by_id.values():
            if inc.account == account and inc.envelope_opened and inc.rotated_at is None:
                inc.rotated_at = at
                if inc.reviewed_at is not None:
                    inc.advance("verification")
                elif inc.signed_at is not None:
                    inc.advance("verification" if inc.test else "review")


# -- one step of an incident, per kind -------------------------------------------------
Step = Callable[[Incident, Entry], None]


def not_a_step(inc: Incident, entry: Entry) -> None:
    """The kind changes nothing an incident keeps, even when it names one."""


def _approver_contacted(inc: Incident, entry: Entry) -> None:
    data = entry.data
    inc.approver_attempts.append(
        (when(entry, data), str(data.get("channel")), str(data.get("outcome")))
    )


def _exception_opened(inc: Incident, entry: Entry) -> None:
    inc.exceptions.setdefault(str(entry.data["exception"]), parse_ts(entry.ts))


def _exception_signed_off(inc: Incident, entry: Entry) -> None:
    inc.signed_off.setdefault(str(entry.data["exception"]), when(entry, entry.data))


def _approver_notified(inc: Incident, entry: Entry) -> None:
    inc.approver_notified_at = inc.approver_notified_at or when(entry, entry.data)


def _acknowledged(inc: Incident, entry: Entry) -> None:
    inc.acknowledged_at = parse_ts(entry.ts)
    inc.witness_present = bool(entry.data.get("witness_present"))


def _sheet_confirmed(inc: Incident, entry: Entry) -> None:
    inc.sheet_confirmed = True


def _access_problem(inc: Incident, entry: Entry) -> None:
    inc.access_problems.append(str(entry.data["problem"]))


def _discrepancy(inc: Incident, entry: Entry) -> None:
    inc.discrepancies += 1


def _review_escalated(inc: Incident, entry: Entry) -> None:
    inc.escalated = True
    inc.escalation_recorded_at = parse_ts(entry.ts)


def _verification_completed(inc: Incident, entry: Entry) -> None:
    """The reset credential works: the incident's last step, it closes it."""
    inc.verified_at = parse_ts(entry.ts)
    inc.advance("closed")


def _verification_failed(inc: Incident, entry: Entry) -> None:
    """The reset credential failed its test login: the reset is to be done again."""
    inc.verified_at = None
    inc.rotated_at = None
    inc.verification_failed_at = parse_ts(entry.ts)
    inc.verification_serial = None  # the next verification retrieves a new copy
    inc.phase = "reset"


def _for_verification(entry: Entry) -> bool:
    """The test retrieval after a reset: not the incident's own retrieval."""
    return entry.data.get("purpose") == "verification"


def _checked_out(inc: Incident, entry: Entry) -> None:
    if _for_verification(entry):
        return
    inc.envelopes_checked_out.append(str(entry.data["serial"]))
    # The entry's account is the envelope's (State checks it before it is written).
    inc.account = inc.account or entry.data.get("account")
    inc.advance("retrieval")


def _inspected(inc: Incident, entry: Entry) -> None:
    if entry.data.get("result") == "tampered":
        inc.tampered.append(str(entry.data["serial"]))


def _opened(inc: Incident, entry: Entry) -> None:
    if _for_verification(entry):
        inc.verification_serial = str(entry.data["serial"])
        return
    inc.envelope_opened = str(entry.data["serial"])
    inc.opened_at = parse_ts(entry.ts)
    inc.advance("retrieval")


def _returned(inc: Incident, entry: Entry) -> None:
    if entry.data.get("ends_invocation") is False:
        return  # back to the safe, and another one is checked out for the invocation
    inc.returned_at = inc.returned_at or when(entry, entry.data)
    if inc.envelope_opened is None:
        # Nothing was opened: the incident ends with its documentation.
        inc.advance("documentation")


def _stood_down(inc: Incident, entry: Entry) -> None:
    inc.returned_at = inc.returned_at or parse_ts(entry.ts)
    inc.advance("documentation")


def _session_started(inc: Incident, entry: Entry) -> None:
    inc.session_started_at = when(entry, entry.data)
    inc.advance("access")


def _session_action(inc: Incident, entry: Entry) -> None:
    inc.actions += 1
    if entry.data.get("outside_reason"):
        inc.actions_outside_reason += 1


def _session_ended(inc: Incident, entry: Entry) -> None:
    inc.session_ended_at = when(entry, entry.data)
    inc.advance("documentation")


def _session_signed(inc: Incident, entry: Entry) -> None:
    inc.signed_at = parse_ts(entry.ts)
    inc.advance("reset" if inc.envelope_opened else "review")


def _credential_rotated(inc: Incident, entry: Entry) -> None:
    inc.rotated_at = parse_ts(entry.ts)
    if inc.signed_at is not None:
        inc.advance("verification" if inc.test else "review")


def _review_completed(inc: Incident, entry: Entry) -> None:
    inc.reviewed_at = parse_ts(entry.ts)
    inc.escalated = bool(entry.data.get("escalated"))
    if inc.envelope_opened is None:
        inc.advance("closed")  # nothing opened, nothing reset: nothing to verify
    elif inc.rotated_at is not None and inc.verified_at is None:
        inc.advance("verification")
    elif inc.rotated_at is not None:
        inc.advance("closed")
    else:
        inc.advance("review")


#: kind -> what an entry of that kind does to the incident it names. Every kind
#: the journal knows is here except ``invocation.declared``, which opens the
#: incident (:meth:`IncidentBook._declare`); a kind that changes nothing says so
#: (:func:`not_a_step`), so a new kind cannot be folded as nothing by omission.
STEPS: dict[str, Step] = {
    # phase 1: invocation
    "approver.contacted": _approver_contacted,
    "exception.opened": _exception_opened,
    "exception.signed_off": _exception_signed_off,
    "approver.notified": _approver_notified,
    "invocation.acknowledged": _acknowledged,
    "invocation.stood_down": _stood_down,
    # phase 2: retrieval
    "envelope.checked_out": _checked_out,
    "envelope.inspected": _inspected,
    "envelope.opened": _opened,
    "envelope.returned": _returned,
    "sheet.confirmed": _sheet_confirmed,
    # phase 3: access
    "session.started": _session_started,
    "session.action": _session_action,
    "access.problem": _access_problem,
    "session.ended": _session_ended,
    # phase 4: documentation
    "session.signed": _session_signed,
    "documentation.discrepancy": _discrepancy,
    # phase 5: credential reset
    "credential.rotated": _credential_rotated,
    "verification.completed": _verification_completed,
    "verification.failed": _verification_failed,
    # phase 6: review
    "review.completed": _review_completed,
    "review.escalated": _review_escalated,
    # no step of an incident (some may name one, for the record)
    "journal.genesis": not_a_step,
    "policy.changed": not_a_step,
    "clock.confirmed": not_a_step,
    "custodian.enrolled": not_a_step,
    "custodian.revoked": not_a_step,
    "account.registered": not_a_step,
    "account.updated": not_a_step,
    "account.retired": not_a_step,
    "credential.approved": not_a_step,
    "envelope.stock_received": not_a_step,
    "envelope.registered": not_a_step,
    "envelope.destroyed": not_a_step,
    "sheet.printed": not_a_step,
    "sheet.print_failed": not_a_step,
    "credential.reset_failed": not_a_step,
    "export.approved": not_a_step,
    "export.created": not_a_step,
    "export.failed": not_a_step,
    "alert.raised": not_a_step,
    "alert.slip_failed": not_a_step,
    "alert.slip_printed": not_a_step,
    "alert.acknowledged": not_a_step,
    "terminal.unlocked": not_a_step,
    "backup.medium_registered": not_a_step,
    "backup.written": not_a_step,
    "backup.failed": not_a_step,
    "terminal.restored": not_a_step,
    "terminal.moved": not_a_step,
    "terminal.retired": not_a_step,
}

require_every_kind(STEPS, "incident steps", set(KINDS) - {"invocation.declared"})


# -- the projection's rules about incidents (State.check) ------------------------------
#: Kinds that only make sense after their incident was declared.
NEEDS_DECLARED = frozenset(
    {
        "invocation.acknowledged",
        "invocation.stood_down",
        "session.started",
        "session.action",
        "session.ended",
        "session.signed",
        "exception.signed_off",
        "approver.notified",
        "review.completed",
        "review.escalated",
        "sheet.confirmed",
        "access.problem",
        "documentation.discrepancy",
        "verification.completed",
    }
)


def check_incident_fit(state: State, entry: Entry) -> None:
    """Every entry that names an incident must fit it.

    An incident is declared once; the steps after the declaration need a
    declared incident; a test (drill) incident's entries are all marked
    ``test`` and a real one's never are; and ``data.exception`` must name
    an exception recorded for that incident (solo access cannot be
    claimed after the fact by writing the word into an entry).
    """
    kind, data = entry.kind, entry.data
    iid = data.get("incident")
    if not isinstance(iid, str) or kind.startswith("alert."):
        return
    if kind == "invocation.declared":
        if iid in state.incidents.by_id:
            raise TransitionError("transition.declared_twice", incident=iid)
        return
    inc = state.incidents.get(iid)
    if inc is None:
        if kind in NEEDS_DECLARED:
            raise TransitionError("transition.not_declared", incident=iid)
        return
    if bool(data.get("test")) != inc.test:
        code = "transition.drill_step_unmarked" if inc.test else "transition.real_step_marked"
        raise TransitionError(code, incident=iid)
    exception = data.get("exception") if kind != "exception.opened" else None
    if exception is not None and exception not in inc.exceptions:
        raise TransitionError(
            "transition.exception_not_recorded", exception=exception, incident=iid
        )


def apply_declared(state: State, entry: Entry) -> None:
    """The incident keeps the business-day calendar in force when it was declared."""
    declared = state.incidents.get(str(entry.data.get("incident")))
    if declared is not None:
        declared.calendar = state.calendar


def check_stood_down(state: State, entry: Entry) -> None:
    """Only an invocation with nothing opened and nothing out of the safe stands down."""
    inc = state.incidents.get(str(entry.data.get("incident")))
    if inc is None:
        return
    if inc.envelope_opened is not None:
        raise TransitionError(
            "transition.stand_down_opened", serial=inc.envelope_opened, incident=inc.id
        )
    out = state.envelopes_out(inc)
    if out:
        raise TransitionError("transition.stand_down_out", serial=out[0], incident=inc.id)
    if inc.returned_at is not None:
        raise TransitionError("transition.incident_ended", incident=inc.id)


def check_session_started(state: State, entry: Entry) -> None:
    """One access session per incident: a second login would restart its windows."""
    inc = state.incidents.get(str(entry.data.get("incident")))
    if inc is not None and inc.session_started_at is not None:
        raise TransitionError("transition.session_started_twice", incident=inc.id)


def check_session_ended(state: State, entry: Entry) -> None:
    """The session ends once, after it started: its end starts the 2-hour documentation
    window and the approver notice, so a second end must not move them."""
    inc = state.incidents.get(str(entry.data.get("incident")))
    if inc is None:
        return
    if entry.data.get("established") is False:
        # Access never obtained: the attempt is concluded, with its failures on record.
        if inc.session_started_at is not None:
            raise TransitionError("transition.access_obtained", incident=inc.id)
        if not inc.access_problems:
            raise TransitionError("transition.no_failed_access", incident=inc.id)
    elif inc.session_started_at is None:
        raise TransitionError("transition.no_session", incident=inc.id)
    if inc.session_ended_at is not None:
        raise TransitionError("transition.session_ended_twice", incident=inc.id)


def check_signed_off(state: State, entry: Entry) -> None:
    """An executive sign-off is recorded by a custodian present, signed with their key."""
    if not entry.attest:
        raise TransitionError("integrity.signoff_unsigned")
