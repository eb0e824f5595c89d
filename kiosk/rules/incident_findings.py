"""The auditors' findings of issue 19: what an incident did quietly wrong.

Read from the journal alone (the verifier has no policy file), by the same
walk as every other per-entry check (:class:`kiosk.rules.entries.EntryChecker`
feeds :meth:`IncidentFacts.observe` and asks :func:`incident_findings` at the
end). Each is a finding (level "review"), never an error: the entries are
genuine, what they show is for a reviewer.

=============================  ======================================================
code                           what the journal shows
=============================  ======================================================
``opening.unacknowledged``     an ``envelope.opened`` whose alert no custodian with the
                               security duty, outside the incident, acknowledged
``session.too_long``           a session longer than its recorded ``max_minutes``
                               (240, the most a policy may set, when none is recorded),
                               or still open that long at export
``approver.party``             the approval came from the declarer, the second person
                               or the witness (names compared case and spacing aside)
``approver.after_refusal``     an approval that followed another approver's refusal
``approver.attempts_short``    the emergency exception opened less than 15 minutes
                               after the first attempt was *recorded* (entry ts)
``time.backdated``             a typed time (``data.at``) more than 10 minutes before
                               its entry was recorded, or marked ``entered_late_minutes``
``review.not_security``        a review not signed by a custodian with the security
                               duty who was not one of the incident's people
``idp_alert.missing``          security did not receive the provider's sign-in alert
=============================  ======================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.format.clock import format_ts, parse_ts
from kiosk.rules.findings import Finding

#: The longest session a policy may allow (``[incident] session_max_minutes``).
SESSION_MAX_MINUTES = 240
#: The most a typed time may precede its recording (``backdate_tolerance_minutes``).
BACKDATE_MINUTES = 10
ATTEMPT_MINUTES = 15
#: Kinds whose ``at`` is typed by a person during the incident (live).
TYPED = frozenset(
    {
        "approver.contacted",
        "session.started",
        "session.action",
        "session.ended",
        "exception.signed_off",
        "approver.notified",
    }
)


def _fold(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def _ts(text: object) -> dt.datetime | None:
    try:
        return parse_ts(str(text))
    except ValueError:
        return None


@dataclass
class _Incident:
    people: list[str] = field(default_factory=list)
    #: folded name -> capacity (declarer, second person, witness)
    parties: dict[str, str] = field(default_factory=dict)
    test: bool = False
    first_attempt: tuple[str, int] | None = None
    session: tuple[dt.datetime, int, int] | None = None  # start, max minutes, seq
    session_end: dt.datetime | None = None
    declined: set[str] = field(default_factory=set)


@dataclass
class IncidentFacts:
    """What the findings need, folded from the verified entries in order."""

    names: dict[str, str] = field(default_factory=dict)  # custodian -> name
    security: set[str] = field(default_factory=set)  # custodians with the security duty
    incidents: dict[str, _Incident] = field(default_factory=dict)
    #: alert seq -> (incident, opening seq) of an opening's alert
    opening_alerts: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: opening seq -> (incident, serial), removed once security acknowledged its alert
    openings: dict[int, tuple[str, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def _find(self, code: str, message: str, seq: int | None) -> None:
        self.findings.append(Finding(code, message, seq))

    def observe(
        self, seq: int, ts: str, kind: str, data: Mapping[str, Any], attest: Sequence[Any] = ()
    ) -> None:
        if kind == "custodian.enrolled":
            cid = str(data.get("custodian"))
            self.names[cid] = str(data.get("name", cid))
            duties = data.get("duties")
            if isinstance(duties, list) and "security" in duties:
                self.security.add(cid)
            return
        iid = data.get("incident")
        if not isinstance(iid, str):
            return
        inc = self.incidents.setdefault(iid, _Incident())
        if kind in TYPED and data.get("source") != "audit-log":
            self._typed(seq, ts, kind, data)
        handler = getattr(self, "_" + kind.replace(".", "_"), None)
        if handler is not None:
            handler(seq, ts, data, inc, attest)

    def _typed(self, seq: int, ts: str, kind: str, data: Mapping[str, Any]) -> None:
        at, recorded = _ts(data.get("at")), _ts(ts)
        marked = data.get("entered_late_minutes")
        if isinstance(marked, int) or (
            at is not None
            and recorded is not None
            and recorded - at > dt.timedelta(minutes=BACKDATE_MINUTES)
        ):
            self._find(
                "time.backdated",
                f"entry {seq} ({kind}): the time typed in, {data.get('at')}, is before the "
                f"entry was recorded at {ts} by more than the tolerance",
                seq,
            )

    def _invocation_declared(
        self, seq: int, ts: str, data: Mapping[str, Any], inc: _Incident, attest: Any
    ) -> None:
        inc.test = data.get("test") is True
        record = data.get("record")
        if not isinstance(record, dict):
            return
        for key, capacity in (("declared_by", "declarer"), ("second_person", "second person")):
            p = record.get(key)
            if isinstance(p, dict):
                if isinstance(p.get("custodian"), str):
                    inc.people.append(p["custodian"])
                inc.parties[_fold(p.get("name", ""))] = capacity
        witness = record.get("witness")
        if isinstance(witness, dict):
            inc.parties[_fold(witness.get("name", ""))] = "witness"
        approver = record.get("approver")
        if isinstance(approver, dict):
            self._party(seq, approver.get("name"), inc)

    def _party(self, seq: int, name: object, inc: _Incident) -> None:
        capacity = inc.parties.get(_fold(name))
        if capacity is not None:
            self._find(
                "approver.party",
                f"entry {seq}: the approver {name} was the incident's {capacity}, not an "
                "independent approver",
                seq,
            )

    def _approver_contacted(
        self, seq: int, ts: str, data: Mapping[str, Any], inc: _Incident, attest: Any
    ) -> None:
        outcome = data.get("outcome")
        if outcome in ("no-answer", "left-message") and inc.first_attempt is None:
            inc.first_attempt = (ts, seq)
        if outcome == "declined":
            inc.declined.add(_fold(data.get("approver")))
        if outcome == "approved" and (
            data.get("after_refusal") or inc.declined - {_fold(data.get("approver"))}
        ):
            self._find(
                "approver.after_refusal",
                f"entry {seq}: {data.get('approver')} approved after another approver had refused",
                seq,
            )

    def _exception_opened(
        self, seq: int, ts: str, data: Mapping[str, Any], inc: _Incident, attest: Any
    ) -> None:
        if data.get("exception") != "approver-unreachable":
            return
        first = _ts(inc.first_attempt[0]) if inc.first_attempt else None
        opened = _ts(ts)
        if (
            first is None
            or opened is None
            or opened - first < dt.timedelta(minutes=ATTEMPT_MINUTES)
        ):
            since = (
                f"after the first attempt recorded at {inc.first_attempt[0]}"
                if (inc.first_attempt)
                else "with no unanswered attempt recorded before it"
            )
            self._find(
                "approver.attempts_short",
                f"entry {seq}: the emergency exception opened at {ts}, {since}: less than "
                f"{ATTEMPT_MINUTES} minutes of attempts by the journal's clock",
                seq,
            )

    def _envelope_opened(
        self, seq: int, ts: str, data: Mapping[str, Any], inc: _Incident, attest: Any
    ) -> None:
        self.openings[seq] = (str(data.get("incident")), str(data.get("serial")))

    def _alert_raised(
        self, seq: int, ts: str, data: Mapping[str, Any], inc: _Incident, attest: Any
    ) -> None:
        if data.get("alert") != "envelope.opened":
            return
        detail = data.get("detail")
        serial = detail.get("serial") if isinstance(detail, dict) else None
        for opened, (iid, s) in sorted(self.openings.items(), reverse=True):
            if iid == data.get("incident") and s == serial:
                self.opening_alerts[seq] = (iid, opened)
                break

    def acknowledged(self, data: Mapping[str, Any], attest: Sequence[Any]) -> None:
        """An ``alert.acknowledged`` (it names no incident): an opening's, by security?"""
        got = self.opening_alerts.get(data.get("alert_seq"))  # type: ignore[arg-type]
        if got is None:
            return
        iid, opened = got
        inc = self.incidents.get(iid, _Incident())
        signers = {a.get("custodian") for a in attest if isinstance(a, dict)}
        by = data.get("by")
        if by in signers and by in self.security and by not in inc.people:
            self.openings.pop(opened, None)

    def _session_started(
        self, seq: int, ts: str, data: Mapping[str, Any], inc: _Incident, attest: Any
    ) -> None:
        start = _ts(data.get("at")) or _ts(ts)
        limit = data.get("max_minutes")
        if start is not None:
            inc.session = (start, limit if isinstance(limit, int) else SESSION_MAX_MINUTES, seq)
        if data.get("idp_alert_received") is False:
            self._find(
                "idp_alert.missing",
                f"entry {seq}: security did not receive the identity provider's sign-in alert "
                f"for account {data.get('account')}",
                seq,
            )

    def _session_ended(
        self, seq: int, ts: str, data: Mapping[str, Any], inc: _Incident, attest: Any
    ) -> None:
        inc.session_end = _ts(data.get("at")) or _ts(ts)

    def _review_completed(
        self, seq: int, ts: str, data: Mapping[str, Any], inc: _Incident, attest: Sequence[Any]
    ) -> None:
        signers = {a.get("custodian") for a in attest if isinstance(a, dict)}
        if not any(s in self.security and s not in inc.people for s in signers):
            self._find(
                "review.not_security",
                f"entry {seq}: the review of {data.get('incident')} is not signed by a custodian "
                "with the security duty who was not one of the incident's people",
                seq,
            )


def incident_findings(facts: IncidentFacts, now: dt.datetime | None) -> list[Finding]:
    """Every finding of the walk, plus those that need its end (openings, sessions)."""
    out = list(facts.findings)
    for seq, (iid, serial) in sorted(facts.openings.items()):
        out.append(
            Finding(
                "opening.unacknowledged",
                f"entry {seq}: the opening of envelope {serial} ({iid}) was never acknowledged "
                "by a custodian with the security duty from outside the incident",
                seq,
            )
        )
    for iid, inc in sorted(facts.incidents.items()):
        if inc.session is None:
            continue
        start, limit, seq = inc.session
        end = inc.session_end or now
        if end is not None and end - start > dt.timedelta(minutes=limit):
            how = f"ended {format_ts(end)}" if inc.session_end else "still open at the export"
            out.append(
                Finding(
                    "session.too_long",
                    f"incident {iid}: the access session started {format_ts(start)} and "
                    f"{how}: longer than its limit of {limit} minutes",
                    seq,
                )
            )
    return out
