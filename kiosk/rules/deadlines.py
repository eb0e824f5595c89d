"""Deadline findings: what the journal shows was done late, or not at all.

Spec section 7 asks a verifier to report, as findings, the deadlines the
journal shows were missed: approver notice after 1 hour, session
documentation after 2 hours, post-incident review after 5 business days,
rotation not done after an opening, quarterly test overdue.

Why a table of rules: the spec fixes the *deadlines* but only some of the
*kinds* that start and meet them (``invocation.declared``,
``envelope.opened``, ``credential.rotated``, ``envelope.registered``,
``session.signed``). The rest are this project's kinds, recorded by the
procedure engine; their names are listed in :data:`RULES` (and in
``kiosk/verify/README.md``) so that adding or renaming a kind is a one-line
change, not new logic.

Invariants:

* A rule judges only what the journal records. If an incident has the entry
  that meets a deadline but not the one that starts it (for example a
  signed session record but no recorded session end), the rule says it
  could not judge, as a note, instead of guessing a start time.
* Times: an entry's ``data.at`` (when it says the thing happened) is used if
  it is not later than the entry's ``ts`` (when it was recorded); else ``ts``.
* "Now" is the bundle's ``created_at``: a deadline still open at export time
  is not a finding; one that had passed with nothing recorded is.
* Windows are the spec's fixed values, not the terminal's policy file (an
  auditor's machine does not have it). Business days are the dates from
  Monday to Friday, less the public holidays of the calendar the journal
  records (genesis or ``policy.changed`` ``calendar``, in force when the
  incident was declared), counted with the ``holidays`` package as the
  terminal counts them, in the calendar's recorded time zone (UTC for
  journals that record none, or where this machine does not know it).
  Where the journal names no calendar (journals before 2026-11-28), or
  ``holidays`` is not installed on the auditor's machine (it is optional
  here), or it does not know the country, holidays are not counted, so a
  review deadline across a public holiday may be reported a day early;
  every review finding says which calendar and time zone were used.
* Test drills (entries with ``data.test`` true) need no post-incident review
  and no approver notice, but an opened test envelope still needs rotation.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.format.clock import UTC, format_ts, is_ts, parse_ts
from kiosk.rules.backup_findings import BackupWatch

#: Project kinds (procedure engine, issue 5) that the rules below read.
SESSION_ENDED = "session.ended"
APPROVER_NOTIFIED = "approver.notified"
EXCEPTION_OPENED = "exception.opened"
EXCEPTION_SIGNED_OFF = "exception.signed_off"
REVIEW_COMPLETED = "review.completed"
ENVELOPE_RETURNED = "envelope.returned"
STOOD_DOWN = "invocation.stood_down"
#: An envelope returned so that another is checked out (``ends_invocation``
#: false): the invocation goes on, so it starts no window.
RETURNED_TO_GO_ON = "envelope.returned/go-on"
SOLO_ACCESS = "solo-access"
#: ``Incident.first`` also keys the first entry naming each exception, as this
#: prefix + the exception's name (no kind contains a colon).
EXCEPTION_AT = "exception:"

QUARTER = dt.timedelta(days=92)
#: ``Incident.first`` keys of a session's limit and of when its clocks start
#: (the end, or the limit if sooner); no kind contains a '#'.
SESSION_LIMIT = "#session.limit"
SESSION_CLOSED = "#session.closed"


@dataclass(frozen=True)
class DeadlineFinding:
    code: str
    message: str
    seq: int | None = None
    level: str = "review"  # "review" (a reviewer must look) or "note"


@dataclass(frozen=True)
class Calendar:
    """A business-day calendar as the journal records it.

    ``country``/``subdivision`` are ``holidays`` codes; ``timezone`` (an IANA
    name, the policy's ``[terminal] timezone``) is where the organisation's
    days begin and end. Journals before 2026-11-28 record no time zone, and
    their days are UTC days.
    """

    country: str
    subdivision: str | None = None
    timezone: str | None = None

    @staticmethod
    def of(data: dict[str, Any]) -> Calendar | None:
        """The ``calendar`` of a genesis or ``policy.changed`` entry, if it names one."""
        return Calendar.from_record(data.get("calendar"))

    @staticmethod
    def from_record(cal: object) -> Calendar | None:
        """A recorded ``calendar`` object (as those entries hold it), if it names a country."""
        if not isinstance(cal, dict) or not isinstance(cal.get("country"), str):
            return None
        sub, tz = cal.get("subdivision"), cal.get("timezone")
        return Calendar(
            cal["country"],
            sub if isinstance(sub, str) and sub else None,
            tz if isinstance(tz, str) and tz else None,
        )

    @property
    def name(self) -> str:
        return self.country + (f"-{self.subdivision}" if self.subdivision else "")

    @property
    def zone(self) -> dt.tzinfo:
        """The time zone days are counted in: the recorded one if known here, else UTC."""
        return (_zone(self.timezone) if self.timezone else None) or UTC

    @property
    def zone_name(self) -> str:
        return self.timezone if self.timezone and _zone(self.timezone) else "UTC"


@functools.lru_cache(maxsize=16)
def _zone(name: str) -> dt.tzinfo | None:
    """The IANA time zone ``name``, or None if this machine does not know it.

    ``zoneinfo`` is in the standard library, but its data may be missing on
    an auditor's machine (Windows without the ``tzdata`` package); days are
    then counted in UTC, and every finding says so.

    Memoised, as :func:`_public_holidays` is: business days are counted one
    day at a time, and zones and a year's holidays are reference data, the
    same for every journal (nothing read from a bundle is kept).
    """
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


@dataclass
class Incident:
    """What the journal says about one incident id (``data.incident``)."""

    id: str
    first: dict[str, tuple[str, int]] = field(default_factory=dict)  # kind -> (ts, seq)
    exceptions: set[str] = field(default_factory=set)
    test: bool = False
    #: the business-day calendar in force when the incident was declared
    calendar: Calendar | None = None


@dataclass
class AccountFacts:
    registered: tuple[str, int] | None = None
    openings: list[tuple[str, int]] = field(default_factory=list)
    renewals: list[int] = field(default_factory=list)  # seqs of credential.rotated
    last_test: str | None = None


@dataclass
class Facts:
    """Folded from the verified entries in order (see :meth:`observe`)."""

    incidents: dict[str, Incident] = field(default_factory=dict)
    accounts: dict[str, AccountFacts] = field(default_factory=dict)
    envelope_account: dict[str, str] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    #: the business-day calendar the journal last recorded
    calendar: Calendar | None = None
    #: sealed backups (issue 21): :mod:`kiosk.rules.backup_findings`
    backups: BackupWatch = field(default_factory=BackupWatch)

    def observe(self, seq: int, ts: str, kind: str, data: dict[str, Any]) -> None:
        self.kinds.add(kind)
        self.backups.observe(seq, ts, kind, data)
        if kind in ("journal.genesis", "policy.changed"):
            self.calendar = Calendar.of(data) or self.calendar
        test = data.get("test") is True
        exception = data.get("exception")
        incident_id = data.get("incident")
        if isinstance(incident_id, str) and incident_id:
            inc = self.incidents.setdefault(incident_id, Incident(incident_id))
            # The time the entry says it happened (data.at), never later than recorded.
            at = data.get("at")
            when = at if is_ts(at) and isinstance(at, str) and at <= ts else ts
            goes_on = kind == ENVELOPE_RETURNED and data.get("ends_invocation") is False
            inc.first.setdefault(RETURNED_TO_GO_ON if goes_on else kind, (when, seq))
            _session_closed(inc, kind, data, when, seq)
            if isinstance(exception, str) and exception:
                inc.exceptions.add(exception)
                # When this exception was first recorded (its exception.opened
                # entry, or the invocation record that declares it).
                inc.first.setdefault(EXCEPTION_AT + exception, (when, seq))
            if kind == "invocation.declared":
                inc.test = inc.test or test
                if inc.calendar is None:
                    inc.calendar = self.calendar
        serial = data.get("serial")
        account = data.get("account")
        if kind == "envelope.registered" and isinstance(serial, str) and isinstance(account, str):
            self.envelope_account[serial] = account
        if not isinstance(account, str) and isinstance(serial, str):
            account = self.envelope_account.get(serial)
        if not isinstance(account, str):
            return
        facts = self.accounts.setdefault(account, AccountFacts())
        if kind == "account.registered" and facts.registered is None:
            facts.registered = (ts, seq)
        elif kind == "envelope.opened" and data.get("purpose") != "verification":
            # The test retrieval after a reset opens the new envelope under dual
            # control and reseals its sheet; its credential is not rotated again.
            facts.openings.append((ts, seq))
        elif kind == "envelope.inspected" and data.get("result") == "tampered":
            # Its password may be known: rotation is due at once (issue 18).
            facts.openings.append((ts, seq))
        elif kind == "credential.rotated":
            facts.renewals.append(seq)
        if test:
            facts.last_test = ts


def _session_closed(inc: Incident, kind: str, data: dict[str, Any], when: str, seq: int) -> None:
    """When the session's clocks start: its end, or its recorded limit if sooner (issue 19).

    A session left open past ``max_minutes`` (recorded in ``session.started``
    since issue 19) starts the documentation and approver-notice windows at
    the limit, as the terminal counts them (:mod:`kiosk.state.due`).
    """
    if kind == "session.started":
        limit = data.get("max_minutes")
        start = _ts(when)
        if isinstance(limit, int) and start is not None:
            at = format_ts(start + dt.timedelta(minutes=limit))
            inc.first[SESSION_LIMIT] = (at, seq)
            inc.first.setdefault(SESSION_CLOSED, (at, seq))
    elif kind == SESSION_ENDED and inc.first[SESSION_ENDED][1] == seq:  # its first end
        limit_at = inc.first.get(SESSION_LIMIT)
        closed = (when, seq) if limit_at is None or when < limit_at[0] else limit_at
        inc.first[SESSION_CLOSED] = closed


def _holidays(calendar: Calendar, year: int) -> frozenset[dt.date] | None:
    """Public holidays of ``calendar`` in ``year``; None if they cannot be known here."""
    return _public_holidays(calendar.country, calendar.subdivision, year)


@functools.lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date] | None:
    """``holidays``' public holidays; None if they cannot be known here.

    ``holidays`` is imported here, not at the top: the verifier must run on an
    auditor's machine with only cryptography, and then counts
    Monday to Friday (and says so).
    """
    try:
        import holidays
    except ImportError:
        return None
    try:
        days = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except (NotImplementedError, KeyError, ValueError):
        return None
    return frozenset(days.keys())


def holidays_known(calendar: Calendar | None) -> bool:
    """True if public holidays of ``calendar`` can be counted on this machine."""
    return calendar is not None and _holidays(calendar, 2026) is not None


def calendar_words(calendar: Calendar | None) -> str:
    """Which business days a review deadline was counted in (said with every finding)."""
    if calendar is None:
        return "business days Monday-Friday, UTC; the journal names no holiday calendar"
    zone = calendar.zone_name
    if calendar.timezone and zone != calendar.timezone:
        zone += f" (the time zone {calendar.timezone} is not known on this machine)"
    if not holidays_known(calendar):
        return (
            f"business days Monday-Friday, {zone}; the public holidays of {calendar.name} "
            "are not known on this machine (the holidays package is missing or does not "
            "know that calendar)"
        )
    return f"business days Monday-Friday less the public holidays of {calendar.name}, {zone}"


def add_business_days(
    start: dt.datetime, days: int, calendar: Calendar | None = None
) -> dt.datetime:
    """The end of the ``days``-th business day after ``start``'s date, in UTC.

    Days are the calendar's local days (:attr:`Calendar.zone`; UTC without
    one): "within 5 business days" of a Friday-evening event in New York
    starts counting on that Friday, not on the Saturday it already is in
    UTC, and ends at 23:59:59.999 local time. Business days are Monday to
    Friday, less ``calendar``'s public holidays where they can be known here
    (:func:`holidays_known`).
    """
    zone = calendar.zone if calendar is not None else UTC
    day = start.astimezone(zone).date()
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day, calendar):
            left -= 1
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999000), tzinfo=zone).astimezone(UTC)


def is_business_day(day: dt.date, calendar: Calendar | None = None) -> bool:
    """Monday to Friday, and not a public holiday of ``calendar`` where that can be known.

    The terminal's deadlines count with this same function, so its
    dashboard and the auditors' report can never disagree on a due date.
    """
    if day.weekday() >= 5:
        return False
    off = _holidays(calendar, day.year) if calendar is not None else None
    return off is None or day not in off


def _ts(text: str) -> dt.datetime | None:
    """:func:`kiosk.format.clock.parse_ts`, or None for a value that is not a journal time."""
    try:
        return parse_ts(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class WindowRule:
    """An incident deadline: from the first ``start`` kind to the first ``done`` kind."""

    code: str
    label: str
    start: tuple[str, ...]
    done: tuple[str, ...]
    deadline: Callable[[dt.datetime, Incident], dt.datetime]
    applies: Callable[[Incident], bool] = lambda inc: True
    #: said after a finding's message (e.g. which business days were counted)
    detail: Callable[[Incident], str] = lambda inc: ""

    def status(self, inc: Incident, now: dt.datetime) -> DeadlineStatus | None:
        """Where this deadline stands for one incident (None: does not apply / not started)."""
        if not self.applies(inc):
            return None
        started = _first(inc, self.start)
        done = _first(inc, self.done)
        if started is None:
            if done is None:
                return None
            return DeadlineStatus(self, "not judged", None, done[0], done[1])
        start_at = _ts(started[0])
        if start_at is None:
            return DeadlineStatus(self, "not judged", None, None, started[1])
        due = self.deadline(start_at, inc)
        if done is not None:
            done_at = _ts(done[0])
            late = done_at is None or done_at > due
            return DeadlineStatus(self, "missed" if late else "met", due, done[0], done[1])
        if now > due:
            return DeadlineStatus(self, "missed", due, None, started[1])
        return DeadlineStatus(self, "open", due, None, started[1])

    def check(self, facts: Facts, now: dt.datetime) -> list[DeadlineFinding]:
        out: list[DeadlineFinding] = []
        for inc in facts.incidents.values():
            st = self.status(inc, now)
            if st is None or st.state in ("met", "open"):
                continue
            if st.state == "not judged":
                starts = " or ".join(k for k in self.start if not k.startswith((EXCEPTION_AT, "#")))
                out.append(
                    DeadlineFinding(
                        f"deadline.{self.code}.not_judged",
                        f"incident {inc.id}: {self.label} cannot be judged: the journal "
                        f"records no {starts} entry to start it",
                        st.seq,
                        "note",
                    )
                )
            else:
                if st.done_ts is not None:
                    what = f"done {st.done_ts} (entry {st.seq})"
                else:
                    what = f"no {' or '.join(self.done)} entry by the time of export"
                detail = self.detail(inc)
                out.append(
                    DeadlineFinding(
                        f"deadline.{self.code}",
                        f"incident {inc.id}: {self.label} missed — due {_fmt(st.due)}, {what}"
                        + (f" ({detail})" if detail else ""),
                        st.seq,
                    )
                )
        return out


@dataclass(frozen=True)
class DeadlineStatus:
    """One deadline of one incident: ``state`` is met, missed, open or "not judged"."""

    rule: WindowRule
    state: str
    due: dt.datetime | None
    done_ts: str | None
    seq: int | None


def _fmt(when: dt.datetime | None) -> str:
    return format_ts(when) if when is not None else "?"


def incident_deadlines(facts: Facts, now: dt.datetime) -> dict[str, list[DeadlineStatus]]:
    """Every incident's window deadlines, for the audit report (met ones too)."""
    out: dict[str, list[DeadlineStatus]] = {}
    for inc in facts.incidents.values():
        rows = []
        for rule in RULES:
            if isinstance(rule, WindowRule):
                st = rule.status(inc, now)
                if st is not None:
                    rows.append(st)
        out[inc.id] = rows
    return out


def _first(inc: Incident, kinds: Iterable[str]) -> tuple[str, int] | None:
    """The first entry of the first kind (in preference order) the incident has."""
    for k in kinds:
        if k in inc.first:
            return inc.first[k]
    return None


def _mentions(word: str) -> Callable[[Incident], bool]:
    return lambda inc: not inc.test and any(word in e for e in inc.exceptions)


@dataclass(frozen=True)
class RotationRule:
    """An opened envelope's account must get its credential reset: ``credential.rotated``.

    A new sealed envelope alone is not a reset: the terminal records the
    reset only once the new envelope is sealed *and* the opened one destroyed
    (its state refuses ``credential.rotated`` before), so an auditor sees an
    unfinished reset as one.
    """

    code: str = "rotation"

    def check(self, facts: Facts, now: dt.datetime) -> list[DeadlineFinding]:
        out = []
        for account, acc in sorted(facts.accounts.items()):
            if not acc.openings:
                continue
            ts, seq = acc.openings[-1]
            if not any(r > seq for r in acc.renewals):
                out.append(
                    DeadlineFinding(
                        "deadline.rotation",
                        f"account {account}: rotation not done after the envelope opened at {ts} "
                        f"(entry {seq}); no credential.rotated (reset finished) since",
                        seq,
                    )
                )
        return out


@dataclass(frozen=True)
class DrillRule:
    """Every account in the inventory is tested (a drill, ``data.test``) each quarter."""

    code: str = "quarterly_test"

    def check(self, facts: Facts, now: dt.datetime) -> list[DeadlineFinding]:
        out = []
        for account, acc in sorted(facts.accounts.items()):
            if acc.registered is None:
                continue
            since = acc.last_test or acc.registered[0]
            since_at = _ts(since)
            if since_at is None or now - since_at <= QUARTER:
                continue
            what = f"last tested {acc.last_test}" if acc.last_test else "never tested"
            out.append(
                DeadlineFinding(
                    "deadline.quarterly_test",
                    f"account {account}: quarterly test overdue ({what}; due "
                    f"{format_ts(since_at + QUARTER)})",
                    acc.registered[1],
                )
            )
        return out


#: The deadline rules, in the order findings are listed.
RULES: tuple[WindowRule | RotationRule | DrillRule, ...] = (
    WindowRule(
        "approver_notice",
        "notifying the approver within 1 hour of completing the procedure "
        "(emergency exception: no approver reached)",
        # The procedure is complete when the session ends; when nothing was
        # opened, when the invocation ended (its envelope returned to end it,
        # or stood down).
        start=(SESSION_CLOSED, SESSION_ENDED, ENVELOPE_RETURNED, STOOD_DOWN),
        done=(APPROVER_NOTIFIED,),
        deadline=lambda t, _inc: t + dt.timedelta(hours=1),
        applies=_mentions("approver"),
    ),
    WindowRule(
        "solo_signoff",
        "executive sign-off of solo access within 1 hour",
        # From the first entry that records the solo-access exception (its
        # exception.opened, or the invocation record declaring it), as the
        # terminal counts; older journals naming it otherwise fall back.
        start=(
            EXCEPTION_AT + SOLO_ACCESS,
            EXCEPTION_OPENED,
            "envelope.opened",
            "invocation.declared",
        ),
        done=(EXCEPTION_SIGNED_OFF,),
        deadline=lambda t, _inc: t + dt.timedelta(hours=1),
        applies=_mentions("solo"),
    ),
    WindowRule(
        "documentation",
        "session documentation (signed session record) within 2 hours of the session's end",
        start=(SESSION_CLOSED, SESSION_ENDED),
        done=("session.signed",),
        deadline=lambda t, _inc: t + dt.timedelta(hours=2),
    ),
    WindowRule(
        "review",
        "post-incident review within 5 business days",
        start=("invocation.declared",),
        done=(REVIEW_COMPLETED,),
        deadline=lambda t, inc: add_business_days(t, 5, inc.calendar),
        applies=lambda inc: not inc.test,
        detail=lambda inc: calendar_words(inc.calendar),
    ),
    RotationRule(),
    DrillRule(),
)

#: Kinds some rule needs, and which incidents need them; if such incidents exist but
#: the kind never appears in the journal, a note says the deadline was judged partly.
NEEDED_KINDS: tuple[tuple[str, Callable[[Incident], bool]], ...] = (
    (SESSION_ENDED, lambda inc: "envelope.opened" in inc.first),
    (APPROVER_NOTIFIED, _mentions("approver")),
    (EXCEPTION_SIGNED_OFF, _mentions("solo")),
    (REVIEW_COMPLETED, lambda inc: not inc.test and "invocation.declared" in inc.first),
)


def check_deadlines(facts: Facts, now: dt.datetime) -> list[DeadlineFinding]:
    out: list[DeadlineFinding] = []
    for rule in RULES:
        out.extend(rule.check(facts, now))
    out.extend(DeadlineFinding(*f) for f in facts.backups.findings(now))
    for kind, needs in NEEDED_KINDS:
        if kind not in facts.kinds and any(needs(i) for i in facts.incidents.values()):
            out.append(
                DeadlineFinding(
                    "deadline.data_missing",
                    f"the journal has no {kind} entries, so the deadlines that need them "
                    "are judged only as far as the other entries allow",
                    None,
                    "note",
                )
            )
    return out
