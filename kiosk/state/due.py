"""One deadline model for everything the procedure says is due.

Each deadline is computed from the journal's projection and the policy in
force; none is stored. The same list drives the dashboard's countdowns, the
overdue alerts (one ``alert.raised`` entry and one alert slip per deadline)
and the auditors' report.

=====================  ===========================================  ===============================
deadline               starts                                       met by
=====================  ===========================================  ===============================
approver_notice        session ended (no approver: see below)       ``approver.notified``
solo_signoff           solo-access exception opened                 ``exception.signed_off``
documentation          session ended (logout)                       ``session.signed``
review                 invocation declared (5 business days)        ``review.completed``
rotation               envelope opened or found tampered            ``credential.rotated``
verification           reset done (and, for an incident, reviewed)  ``verification.completed``
destroy_superseded     envelope superseded by a newer credential    ``envelope.destroyed``
checkout               envelope checked out                         opened, returned or quarantined
drill                  last test of the account (or registration)   a drill's login (``test``)
backup                 an incident closed, a key enrolled or        ``backup.written``
                       revoked (due at once); else the last backup
                       (or the medium's registration) + every_days
=====================  ===========================================  ===============================

Business days come from the policy's ``holidays`` calendar: weekends and
public holidays of the chosen country (and subdivision) do not count.

Invariant: the terminal judges every procedure deadline as the auditors'
verifier does (:mod:`kiosk.rules.deadlines`), from the same start, or it
would alarm (or stay quiet) where the auditors' report says otherwise. So:

* the approver of an emergency exception (no approver reached) is to be
  notified within 1 hour "of completing the procedure": the window starts
  when the session ends, or, when nothing was opened, when the envelope
  went back to the safe; never at the exception itself, which would raise
  an overdue alarm while the custodians are still working;
* the review is due by the end (23:59:59.999 local time) of the last
  business day counted, with the verifier's own business-day function, on
  the calendar (and in the time zone) the journal recorded as in force when
  the incident was declared: a policy change later does not move it;
* the policy may shorten a procedure window but never lengthen it
  (:mod:`kiosk.policy` refuses that), so a deadline the terminal counts as
  met is met for the auditors too;
* one deliberate difference, in the same direction: the quarterly test is
  counted here from the last *test opening* of the account's envelope,
  while the verifier, which must accept any terminal's journal, counts from
  the last entry marked ``test`` that names the account (never earlier). A
  test the terminal counts as on time is on time for the auditors.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.format.clock import parse_ts as _parse_ts
from kiosk.policy import Policy
from kiosk.rules import deadlines as _audit
from kiosk.state import State

KINDS = (
    "approver_notice",
    "solo_signoff",
    "documentation",
    "review",
    "rotation",
    "checkout",
    "drill",
    "verification",
    "destroy_superseded",
    "session_limit",
    "opening_ack",
    "backup",
)

#: Deadlines that start again for the same subject (see :attr:`Deadline.key`).
RECURRING = frozenset({"drill", "checkout", "backup"})

LABELS = {
    "approver_notice": "Notify the emergency approver",
    "solo_signoff": "Executive sign-off for solo access",
    "documentation": "Session documentation signed",
    "review": "Post-incident review",
    "rotation": "Credential rotated and a new envelope sealed",
    "checkout": "Envelope opened or returned to the safe",
    "drill": "Quarterly break-glass test",
    "verification": "Reset credential verified (test retrieval)",
    "destroy_superseded": "Superseded envelope destroyed",
    "session_limit": "Access session ended (longest session)",
    "opening_ack": "Security acknowledged the envelope's opening",
    "backup": "Sealed backup written to the backup medium",
}


@dataclass(frozen=True)
class Deadline:
    kind: str
    subject: str  # incident id, account id or envelope serial
    starts: dt.datetime
    due: dt.datetime
    met_at: dt.datetime | None = None
    test: bool = False

    @property
    def key(self) -> str:
        """Identifies the deadline for "alert once".

        Deadlines that recur for the same subject (the quarterly test of an
        account, a second check-out of a returned envelope) carry their start
        date, so each occurrence is alerted once rather than only the first.
        """
        if self.kind in RECURRING:
            return f"{self.kind}:{self.subject}@{self.starts.strftime('%Y%m%dT%H%M%S')}"
        return f"{self.kind}:{self.subject}"

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def status(self, now: dt.datetime) -> str:
        """``met``, ``met_late``, ``open`` or ``overdue``."""
        if self.met_at is not None:
            return "met" if self.met_at <= self.due else "met_late"
        return "open" if now <= self.due else "overdue"

    def remaining(self, now: dt.datetime) -> dt.timedelta:
        return self.due - now


@functools.lru_cache(maxsize=1 << 16)
def parse_ts(text: str) -> dt.datetime:
    """:func:`kiosk.format.clock.parse_ts`, memoised: the deadline model re-reads every history."""
    return _parse_ts(text)


def calendar_of(policy: Policy) -> _audit.Calendar:
    """The policy's business-day calendar, as the journal records it (``Policy.calendar``)."""
    return _audit.Calendar(policy.calendar_country, policy.calendar_subdivision, policy.timezone)


def is_business_day(day: dt.date, country: str, subdivision: str | None) -> bool:
    return _audit.is_business_day(day, _audit.Calendar(country, subdivision))


def add_business_days(start: dt.datetime, days: int, calendar: _audit.Calendar) -> dt.datetime:
    """The end of the ``days``-th business day after ``start``'s local date (as UTC).

    "Within 5 business days" gives the whole of the fifth business day, in
    the calendar's time zone, as the auditors' verifier counts it
    (:func:`kiosk.rules.deadlines.add_business_days`).
    """
    return _audit.add_business_days(start, days, calendar)


def compute(state: State, policy: Policy) -> list[Deadline]:
    """Every deadline the journal implies, met or not."""
    out: list[Deadline] = []
    minutes = dt.timedelta(minutes=1)
    for inc in state.incidents.by_id.values():
        # A session left open past the policy's limit starts the documentation
        # and approver-notice clocks anyway, at the limit (issue 19).
        ended = inc.session_ended_at
        if inc.session_started_at is not None:
            limit = inc.session_started_at + policy.session_max_minutes * minutes
            out.append(
                Deadline("session_limit", inc.id, inc.session_started_at, limit, ended, inc.test)
            )
            # An over-long session's clocks start at the limit, not at its late end.
            ended = limit if ended is None else min(ended, limit)
        completed = ended or inc.returned_at
        for name, started in inc.exceptions.items():
            if name == "approver-unreachable":
                if completed is not None:
                    out.append(
                        Deadline(
                            "approver_notice",
                            inc.id,
                            completed,
                            completed + policy.approver_notice_minutes * minutes,
                            inc.approver_notified_at,
                            inc.test,
                        )
                    )
            elif name == "solo-access":
                out.append(
                    Deadline(
                        "solo_signoff",
                        inc.id,
                        started,
                        started + policy.solo_signoff_minutes * minutes,
                        inc.signed_off.get(name),
                        inc.test,
                    )
                )
        if ended is not None:
            out.append(
                Deadline(
                    "documentation",
                    inc.id,
                    ended,
                    ended + policy.documentation_minutes * minutes,
                    inc.signed_at,
                    inc.test,
                )
            )
        # The verification follows the reset, and for an incident its review (whose
        # findings it checks are in the chain): it is due from the later of the two.
        verify_from = inc.rotated_at if inc.test else inc.reviewed_at
        if inc.rotated_at is not None and verify_from is not None:
            verify_from = max(verify_from, inc.rotated_at)
            out.append(
                Deadline(
                    "verification",
                    inc.id,
                    verify_from,
                    verify_from + dt.timedelta(hours=policy.verification_hours),
                    inc.verified_at,
                    inc.test,
                )
            )
        if not inc.test:
            out.append(
                Deadline(
                    "review",
                    inc.id,
                    inc.declared_at,
                    add_business_days(
                        inc.declared_at,
                        policy.review_business_days,
                        _audit.Calendar.from_record(inc.calendar) or calendar_of(policy),
                    ),
                    inc.reviewed_at,
                )
            )
    out.extend(_opening_acks(state, policy))
    backup = backup_deadline(state, policy)
    if backup is not None:
        out.append(backup)
    reset_times = _resets(state)
    for env in state.envelopes.values():
        opened = _last(env.history, "envelope.opened")
        if opened is not None and env.account is not None and not env.opened_for_verification:
            reset_after = _first_after(reset_times.get(env.account, []), opened)
            out.append(
                Deadline(
                    "rotation",
                    env.serial,
                    opened,
                    opened + dt.timedelta(hours=policy.rotation_hours),
                    reset_after,
                    env.test,
                )
            )
        tampered = _last(env.history, "envelope.quarantined")
        if tampered is not None and env.account is not None:
            # Its password may be known: rotation is due at once (issue 18).
            out.append(
                Deadline(
                    "rotation",
                    env.serial,
                    tampered,
                    tampered + dt.timedelta(hours=policy.rotation_hours),
                    _first_after(reset_times.get(env.account, []), tampered),
                    env.test,
                )
            )
        if env.superseded_at is not None:
            superseded = parse_ts(env.superseded_at)
            out.append(
                Deadline(
                    "destroy_superseded",
                    env.serial,
                    superseded,
                    superseded + dt.timedelta(days=policy.superseded_destroy_days),
                    _last(env.history, "envelope.destroyed"),
                    env.test,
                )
            )
        checked = _last(env.history, "envelope.checked_out")
        if checked is not None:
            ended = _first_event_after(
                env.history,
                checked,
                {"envelope.opened", "envelope.returned", "envelope.quarantined"},
            )
            out.append(
                Deadline(
                    "checkout",
                    env.serial,
                    checked,
                    checked + policy.checkout_limit_minutes * minutes,
                    ended,
                )
            )
    for account in state.accounts.values():
        base = (
            parse_ts(account.last_tested)
            if account.last_tested
            else account_registered(state, account.id)
        )
        if base is not None:
            out.append(
                Deadline(
                    "drill",
                    account.id,
                    base,
                    base + dt.timedelta(days=policy.drill_interval_days),
                    None,
                )
            )
    return out


def _opening_acks(state: State, policy: Policy) -> list[Deadline]:
    """Each opening's alert, acknowledged by security within the policy's minutes."""
    out = []
    for alert in state.alerts.values():
        if alert.alert != "envelope.opened":
            continue
        raised = parse_ts(alert.ts)
        inc = state.incidents.get(str(alert.incident))
        out.append(
            Deadline(
                "opening_ack",
                f"{alert.incident} (alert {alert.seq})",
                raised,
                raised + dt.timedelta(minutes=policy.opening_ack_minutes),
                parse_ts(alert.acknowledged_at) if alert.acknowledged_at else None,
                inc.test if inc is not None else False,
            )
        )
    return out


def backup_deadline(state: State, policy: Policy) -> Deadline | None:
    """The next sealed backup (:mod:`kiosk.state.backups`); ``None`` while no medium is registered.

    Due at once after its trigger (an incident closed, a key enrolled or
    revoked), else ``every_days`` after the last backup or, while none was
    written, after the medium's registration. The subject is the medium's
    label; the start is part of the key, so each occurrence is alerted once.
    """
    b = state.backup
    if b.registered is None:
        return None
    if b.trigger is not None:
        start = parse_ts(b.trigger.ts)
        return Deadline("backup", b.registered.what, start, start)
    since = b.last or b.registered
    start = parse_ts(since.ts)
    every = dt.timedelta(days=b.interval(policy.backup_every_days))
    return Deadline("backup", b.registered.what, start, start + every)


def account_registered(state: State, account: str) -> dt.datetime | None:
    a = state.accounts.get(account)
    return parse_ts(a.registered_ts) if a is not None and a.registered_ts else None


def _last(history: Iterable[tuple[int, str, str]], kind: str) -> dt.datetime | None:
    found = None
    for _seq, ts, k in history:
        if k == kind:
            found = parse_ts(ts)
    return found


def _resets(state: State) -> dict[str, list[dt.datetime]]:
    """Per account, the sorted times its credential resets were finished.

    A reset is finished by ``credential.rotated``: the new envelope sealed
    *and* the opened one destroyed. A new envelope alone does not meet the
    rotation deadline, since the old password is still about.
    """
    return {a.id: sorted(map(parse_ts, a.rotations)) for a in state.accounts.values()}


def _first_after(done: list[dt.datetime], after: dt.datetime) -> dt.datetime | None:
    """The first time in ``done`` (sorted) at or after ``after``."""
    i = bisect.bisect_left(done, after)
    return done[i] if i < len(done) else None


def _first_event_after(
    history: Iterable[tuple[int, str, str]], after: dt.datetime, kinds: set[str]
) -> dt.datetime | None:
    for _seq, ts, kind in history:
        t = parse_ts(ts)
        if t >= after and kind in kinds:
            return t
    return None


def pending(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Deadlines not yet met, soonest first."""
    return sorted((d for d in deadlines if d.met_at is None), key=lambda d: d.due)


def overdue(deadlines: Iterable[Deadline], now: dt.datetime) -> list[Deadline]:
    return [d for d in pending(deadlines) if now > d.due]
