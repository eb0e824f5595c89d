"""The deadline model: every deadline of the procedure, computed from the journal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kiosk.format.clock import UTC, format_ts
from kiosk.format.entry import GENESIS_PREV, Entry
from kiosk.policy import Policy
from kiosk.rules.deadlines import Calendar
from kiosk.state import State
from kiosk.state import due as deadlines

A = {"custodian": "alice", "credential_id": "KA", "role": "custodian_a"}
B = {"custodian": "bob", "credential_id": "KB", "role": "custodian_b"}
C = {"custodian": "carol", "credential_id": "KC", "role": "custodian_b"}
INTACT: dict[str, Any] = {
    "serial": "SR00000018",
    "result": "intact",
    "checklist": {
        "seal_unbroken": True,
        "signatures_undisturbed": True,
        "no_tears_or_holes": True,
        "no_steaming": True,
    },
}
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
DUAL = {
    "account.registered",
    "envelope.registered",
    "envelope.checked_out",
    "envelope.opened",
    "envelope.returned",
    "envelope.destroyed",
    "session.signed",
    "credential.rotated",
    "policy.changed",
}
GENESIS: dict[str, Any] = {
    "kiosk_id": "k",
    "kiosk_key": "x",
    "policy_hash": "0" * 64,
    "uv_required": True,
    "journal_id": "j",
}


class Journal:
    """Folds synthetic entries at chosen times (structural signers only)."""

    def __init__(self) -> None:
        self.state = State()
        self.prev = GENESIS_PREV

    def add(
        self, when: dt.datetime, kind: str, data: dict[str, Any], attest: tuple[Any, ...] = ()
    ) -> None:
        if kind in DUAL and not attest:
            attest = (A, B)
        e = Entry(self.state.seq + 1, format_ts(when), kind, data, self.prev, attest).sealed()
        self.state.check(e)
        self.state.apply(e)
        self.prev = e.hash


def enrolment(who: str, key: str) -> dict[str, Any]:
    return {
        "custodian": who,
        "name": who.title(),
        "role": "IT",
        "duties": ["custodian"],
        "credential": {"id": key, "public_key": "pk", "alg": -7, "rp_id": "sealroom.local"},
    }


@pytest.fixture
def j() -> Journal:
    j = Journal()
    j.add(T0, "journal.genesis", GENESIS)
    j.add(T0, "custodian.enrolled", enrolment("alice", "KA"), (A,))
    j.add(T0, "custodian.enrolled", enrolment("bob", "KB"), (B,))
    j.add(
        T0,
        "account.registered",
        {
            "account": "acc1",
            "username": "u",
            "system": "Entra ID",
            "purpose": "p",
            "storage_location": "Safe A",
            "authorised": ["alice", "bob"],
        },
    )
    j.add(T0, "envelope.stock_received", {"serials": ["SR00000018", "SR00000026"]})
    j.add(
        T0,
        "envelope.registered",
        {"serial": "SR00000018", "account": "acc1", "signed_across_seal": True},
    )
    return j


def by_kind(j: Journal, policy: Policy) -> dict[str, deadlines.Deadline]:
    return {d.kind: d for d in deadlines.compute(j.state, policy)}


def emergency(j: Journal, start: dt.datetime, exception: str | None = None) -> None:
    data: dict[str, Any] = {
        "incident": "INC-1",
        "record": {"reason": "IdP outage"},
        "account": "acc1",
    }
    j.add(start, "invocation.declared", data)
    if exception:
        j.add(
            start + dt.timedelta(minutes=16),
            "exception.opened",
            {"incident": "INC-1", "exception": exception, "reason": "r"},
        )


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999000), tzinfo=UTC)


def test_business_days_skip_weekends_and_holidays(policy: Policy) -> None:
    england = Calendar("GB", "ENG")
    thursday = dt.datetime(2026, 4, 2, 10, 0, tzinfo=UTC)  # Thursday before Good Friday (GB)
    due = deadlines.add_business_days(thursday, 5, england)
    # Good Friday 3 Apr and Easter Monday 6 Apr are holidays; weekend skipped;
    # the whole of the fifth business day counts.
    assert due == end_of(dt.date(2026, 4, 13))
    plain = deadlines.add_business_days(T0, 5, england)
    assert plain == end_of(dt.date(2026, 3, 9))
    # In the policy's time zone (London, on summer time from 29 March), the day
    # ends at 23:59:59.999 BST, an hour before UTC midnight.
    assert deadlines.calendar_of(policy) == Calendar("GB", "ENG", "Europe/London")
    local = deadlines.add_business_days(thursday, 5, deadlines.calendar_of(policy))
    assert local == end_of(dt.date(2026, 4, 13)) - dt.timedelta(hours=1)


def test_review_is_due_in_five_business_days_and_met_by_review(j: Journal, policy: Policy) -> None:
    emergency(j, T0 + dt.timedelta(hours=1))
    d = by_kind(j, policy)["review"]
    assert d.due == end_of(dt.date(2026, 3, 9))  # Monday to the Monday after, all day
    assert d.status(dt.datetime(2026, 3, 9, 22, 0, tzinfo=UTC)) == "open"
    assert d.status(d.due + dt.timedelta(minutes=1)) == "overdue"
    j.add(
        T0 + dt.timedelta(days=2),
        "review.completed",
        {
            "incident": "INC-1",
            "participants": [{"name": "D", "role": "R"}],
            "checklist": {},
            "root_cause": "IdP outage",
            "corrective_actions": [],
            "escalated": False,
        },
    )
    d = by_kind(j, policy)["review"]
    assert d.status(T0 + dt.timedelta(days=30)) == "met"


def session(j: Journal, end: dt.datetime, minutes: int) -> None:
    """INC-1's access session, ``minutes`` long, ending at ``end``."""
    start = end - dt.timedelta(minutes=minutes)
    j.add(
        start,
        "session.started",
        {"incident": "INC-1", "account": "acc1", "system": "Entra ID", "at": format_ts(start)},
    )
    j.add(
        end,
        "session.ended",
        {"incident": "INC-1", "at": format_ts(end), "duration_minutes": minutes},
    )


def notify(j: Journal, when: dt.datetime) -> None:
    j.add(
        when,
        "approver.notified",
        {"incident": "INC-1", "approver": "Dana", "channel": "phone", "at": format_ts(when)},
    )


def test_approver_notice_one_hour_after_the_procedure_is_completed(
    j: Journal, policy: Policy
) -> None:
    emergency(j, T0, "approver-unreachable")
    # Still at work, hours after the exception: no notice is due yet (the
    # procedure says "within 1 hour of completing the procedure").
    assert "approver_notice" not in by_kind(j, policy)
    end = T0 + dt.timedelta(hours=3)
    session(j, end, 90)
    d = by_kind(j, policy)["approver_notice"]
    assert d.starts == end and d.due == end + dt.timedelta(minutes=60)
    assert d.status(end + dt.timedelta(minutes=59)) == "open"
    assert d.status(end + dt.timedelta(minutes=61)) == "overdue"
    notify(j, end + dt.timedelta(minutes=75))
    assert by_kind(j, policy)["approver_notice"].status(T0) == "met_late"


def test_approver_notice_counts_from_the_return_when_nothing_was_opened(
    j: Journal, policy: Policy
) -> None:
    emergency(j, T0, "approver-unreachable")
    back = T0 + dt.timedelta(minutes=50)
    j.add(
        T0 + dt.timedelta(minutes=20),
        "envelope.checked_out",
        {"serial": "SR00000018", "account": "acc1", "incident": "INC-1"},
    )
    j.add(
        back,
        "envelope.returned",
        {"serial": "SR00000018", "incident": "INC-1", "reason": "access restored"},
    )
    d = by_kind(j, policy)["approver_notice"]
    assert d.starts == back and d.due == back + dt.timedelta(hours=1)
    notify(j, back + dt.timedelta(minutes=30))
    assert by_kind(j, policy)["approver_notice"].status(T0) == "met"


def test_solo_access_needs_executive_signoff_within_one_hour(j: Journal, policy: Policy) -> None:
    emergency(j, T0, "solo-access")
    d = by_kind(j, policy)["solo_signoff"]
    assert d.due - d.starts == dt.timedelta(minutes=policy.solo_signoff_minutes)
    signed = d.starts + dt.timedelta(minutes=30)
    j.add(
        signed,
        "exception.signed_off",
        {
            "incident": "INC-1",
            "exception": "solo-access",
            "by": {"name": "Sam", "role": "COO"},
            "method": "phone",
            "at": format_ts(signed),
        },
        (A,),  # recorded by the custodian present, with their key
    )
    assert by_kind(j, policy)["solo_signoff"].status(signed) == "met"


def test_documentation_two_hours_after_logout(j: Journal, policy: Policy) -> None:
    emergency(j, T0)
    end = T0 + dt.timedelta(minutes=40)
    session(j, end, 11)
    d = by_kind(j, policy)["documentation"]
    assert d.starts == end and d.due == end + dt.timedelta(hours=2)
    assert d.status(end + dt.timedelta(hours=3)) == "overdue"
    assert j.state.incidents.get("INC-1").phase == "documentation"  # type: ignore[union-attr]


def test_rotation_and_checkout_deadlines(j: Journal, policy: Policy) -> None:
    emergency(j, T0)
    j.add(
        T0 + dt.timedelta(minutes=5),
        "envelope.checked_out",
        {"serial": "SR00000018", "account": "acc1", "incident": "INC-1"},
    )
    d = by_kind(j, policy)["checkout"]
    assert d.due == T0 + dt.timedelta(minutes=5 + policy.checkout_limit_minutes)
    opened = T0 + dt.timedelta(minutes=10)
    j.add(opened, "envelope.inspected", INTACT | {"incident": "INC-1"})
    j.add(
        opened,
        "envelope.opened",
        {"serial": "SR00000018", "incident": "INC-1", "exterior_signed": True},
    )
    ds = by_kind(j, policy)
    assert ds["checkout"].met_at == opened
    assert ds["rotation"].met_at is None and ds["rotation"].starts == opened
    assert (
        ds["rotation"].status(opened + dt.timedelta(hours=policy.rotation_hours, minutes=1))
        == "overdue"
    )
    sealed = opened + dt.timedelta(hours=3)
    # Security staff from outside the incident signs the new sealing (issue 18).
    j.add(sealed, "custodian.enrolled", dict(enrolment("carol", "KC"), duties=["security"]), (A, B))
    j.add(
        sealed,
        "envelope.registered",
        {"serial": "SR00000026", "account": "acc1", "signed_across_seal": True},
        (A, C),
    )
    # The new envelope alone does not meet it: the opened one still holds the password.
    assert by_kind(j, policy)["rotation"].met_at is None
    assert j.state.accounts["acc1"].rotation_due_since is not None
    j.add(
        sealed + dt.timedelta(minutes=5),
        "envelope.destroyed",
        {"serial": "SR00000018", "method": "cross-cut shredder"},
    )
    assert by_kind(j, policy)["rotation"].met_at is None
    rotated = sealed + dt.timedelta(minutes=10)
    j.add(
        rotated,
        "credential.rotated",
        {
            "account": "acc1",
            "new_serial": "SR00000026",
            "old_serial": "SR00000018",
            "test_login_ok": True,
        },
        (A, C),
    )
    assert by_kind(j, policy)["rotation"].met_at == rotated
    assert j.state.accounts["acc1"].rotation_due_since is None


def test_quarterly_drill_counts_from_registration_then_last_test(
    j: Journal, policy: Policy
) -> None:
    d = by_kind(j, policy)["drill"]
    assert d.starts == T0 and d.due == T0 + dt.timedelta(days=policy.drill_interval_days)
    when = T0 + dt.timedelta(days=80)
    j.add(
        when,
        "invocation.declared",
        {"incident": "DRILL-1", "record": {}, "account": "acc1", "test": True},
    )
    j.add(
        when,
        "envelope.checked_out",
        {"serial": "SR00000018", "account": "acc1", "incident": "DRILL-1", "test": True},
    )
    j.add(when, "envelope.inspected", INTACT | {"incident": "DRILL-1", "test": True})
    j.add(
        when,
        "envelope.opened",
        {"serial": "SR00000018", "incident": "DRILL-1", "exterior_signed": True, "test": True},
    )
    # Opened, but the login has not worked yet: not a test of the credential.
    assert by_kind(j, policy)["drill"].starts == T0
    login = when + dt.timedelta(minutes=5)
    j.add(
        login,
        "session.started",
        {
            "incident": "DRILL-1",
            "account": "acc1",
            "system": "S",
            "at": format_ts(login),
            "test": True,
        },
    )
    d = by_kind(j, policy)["drill"]
    assert d.starts == login
    assert "review" not in {
        x.kind for x in deadlines.compute(j.state, policy) if x.subject == "DRILL-1"
    }


def test_pending_and_overdue_lists(j: Journal, policy: Policy) -> None:
    emergency(j, T0, "solo-access")
    now = T0 + dt.timedelta(hours=3)
    late = deadlines.overdue(deadlines.compute(j.state, policy), now)
    assert [d.kind for d in late] == ["solo_signoff"]
    pend = deadlines.pending(deadlines.compute(j.state, policy))
    assert pend == sorted(pend, key=lambda d: d.due)


def test_overdue_deadlines_are_alerted_once(terminal: object, policy: Policy) -> None:
    from kiosk.terminal.lifecycle import Commissioned
    from kiosk.terminal.overdue import raise_overdue

    assert isinstance(terminal, Commissioned)
    journal = terminal.journal
    journal.append("invocation.declared", {"incident": "INC-9", "record": {"reason": "r"}})
    journal.append(
        "exception.opened",
        {"incident": "INC-9", "exception": "solo-access", "reason": "second person abroad"},
    )
    now = journal.clock.now()
    assert raise_overdue(journal, policy, now) == []
    later = now + dt.timedelta(minutes=policy.solo_signoff_minutes + 5)
    first = raise_overdue(journal, policy, later)
    assert [e.data["detail"]["deadline"] for e in first] == ["solo_signoff:INC-9"]
    assert "Executive sign-off for solo access" in first[0].data["summary"]
    assert raise_overdue(journal, policy, later + dt.timedelta(hours=1)) == []


def test_a_recorded_time_later_than_its_entry_is_not_believed(j: Journal, policy: Policy) -> None:
    """``data.at`` after the entry's own ts: the ts counts (as the auditors' verifier counts)."""
    emergency(j, T0, "approver-unreachable")
    end = T0 + dt.timedelta(hours=1)
    session(j, end, 30)
    recorded = end + dt.timedelta(minutes=20)
    j.add(
        recorded,
        "approver.notified",
        {
            "incident": "INC-1",
            "approver": "Dana",
            "channel": "phone",
            "at": format_ts(end + dt.timedelta(hours=5)),
        },
    )
    d = by_kind(j, policy)["approver_notice"]
    assert d.met_at == recorded and d.status(T0) == "met"


def test_the_review_is_counted_on_the_calendar_in_force_at_the_declaration(
    policy: Policy,
) -> None:
    """As the journal recorded it then; a later approved policy change does not move it."""
    j = Journal()
    new_york = {"country": "US", "timezone": "America/New_York"}
    j.add(T0, "journal.genesis", {**GENESIS, "calendar": new_york})
    j.add(T0, "custodian.enrolled", enrolment("alice", "KA"), (A,))
    j.add(T0, "custodian.enrolled", enrolment("bob", "KB"), (B,))
    thursday_evening = dt.datetime(2026, 3, 6, 2, 0, tzinfo=UTC)  # Thu 5 Mar, 21:00 EST
    j.add(thursday_evening, "invocation.declared", {"incident": "INC-1", "record": {}})
    j.add(
        thursday_evening + dt.timedelta(hours=1),
        "policy.changed",
        {
            "policy_hash": "1" * 64,
            "uv_required": True,
            "calendar": {"country": "GB", "subdivision": "ENG", "timezone": "Europe/London"},
        },
    )
    j.add(
        thursday_evening + dt.timedelta(hours=2),
        "invocation.declared",
        {"incident": "INC-2", "record": {}},
    )
    due = {d.subject: d.due for d in deadlines.compute(j.state, policy) if d.kind == "review"}
    # New York's Thursday 5 .. Thursday 12 March, to local midnight (EDT).
    assert due["INC-1"] == dt.datetime(2026, 3, 13, 3, 59, 59, 999000, tzinfo=UTC)
    # Declared after the change: London's days (already Friday 6 March there).
    assert due["INC-2"] == end_of(dt.date(2026, 3, 13))
