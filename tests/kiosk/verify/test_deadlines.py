"""Deadline findings from journal facts (spec section 7), rule by rule."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from kiosk.format.clock import UTC, format_ts
from kiosk.rules import deadlines as deadlines_module
from kiosk.rules.deadlines import (
    Calendar,
    Facts,
    add_business_days,
    check_deadlines,
    incident_deadlines,
)
from kiosk.state import due as terminal_deadlines

T0 = dt.datetime(2026, 3, 6, 10, 0, tzinfo=UTC)  # a Friday


def at(**kw: float) -> str:
    return format_ts(T0 + dt.timedelta(**kw))


def facts(*rows: tuple[str, str, dict]) -> Facts:
    f = Facts()
    for seq, (ts, kind, data) in enumerate(rows, start=1):
        f.observe(seq, ts, kind, data)
    return f


def codes(f: Facts, now: dt.datetime) -> dict[str, str]:
    return {x.code: x.level for x in check_deadlines(f, now)}


def test_business_days_skip_weekends() -> None:
    assert add_business_days(T0, 5).date() == dt.date(2026, 3, 13)  # Fri -> next Fri
    assert add_business_days(T0 + dt.timedelta(days=1), 1).date() == dt.date(2026, 3, 9)


def test_documentation_met_missed_and_open() -> None:
    base = [
        (at(), "invocation.declared", {"incident": "I"}),
        (at(minutes=30), "envelope.opened", {"incident": "I", "serial": "S"}),
        (at(hours=1), "session.ended", {"incident": "I", "at": at(minutes=55)}),
    ]
    on_time = facts(*base, (at(hours=2, minutes=50), "session.signed", {"incident": "I"}))
    assert "deadline.documentation" not in codes(on_time, T0 + dt.timedelta(days=1))
    late = facts(*base, (at(hours=3), "session.signed", {"incident": "I"}))
    assert "deadline.documentation" in codes(late, T0 + dt.timedelta(days=1))
    still_open = facts(*base)
    assert "deadline.documentation" not in codes(still_open, T0 + dt.timedelta(hours=2))
    assert "deadline.documentation" in codes(still_open, T0 + dt.timedelta(hours=3))
    status = incident_deadlines(on_time, T0 + dt.timedelta(days=1))["I"]
    assert {s.rule.code: s.state for s in status}["documentation"] == "met"


def test_signed_record_without_session_end_is_not_guessed() -> None:
    f = facts(
        (at(), "invocation.declared", {"incident": "I"}),
        (at(hours=5), "session.signed", {"incident": "I"}),
    )
    got = codes(f, T0 + dt.timedelta(hours=6))
    assert got["deadline.documentation.not_judged"] == "note"
    assert "deadline.documentation" not in got


def test_approver_notice_and_solo_signoff_apply_only_under_their_exception() -> None:
    rows = [
        (at(), "invocation.declared", {"incident": "I"}),
        (at(minutes=1), "exception.opened", {"incident": "I", "exception": "approver-unreachable"}),
        (at(minutes=40), "session.ended", {"incident": "I"}),
    ]
    assert "deadline.approver_notice" in codes(facts(*rows), T0 + dt.timedelta(hours=2))
    ok = facts(*rows, (at(minutes=90), "approver.notified", {"incident": "I"}))
    assert "deadline.approver_notice" not in codes(ok, T0 + dt.timedelta(hours=2))
    solo = facts(
        (at(), "invocation.declared", {"incident": "J"}),
        (at(minutes=5), "exception.opened", {"incident": "J", "exception": "solo-access"}),
    )
    assert "deadline.solo_signoff" in codes(solo, T0 + dt.timedelta(hours=2))
    assert "deadline.approver_notice" not in codes(solo, T0 + dt.timedelta(hours=2))


def due_of(f: Facts, rule: str, incident: str = "I") -> dt.datetime | None:
    rows = incident_deadlines(f, T0 + dt.timedelta(days=1))[incident]
    return {s.rule.code: s.due for s in rows}.get(rule)


def test_approver_notice_counts_from_the_return_when_nothing_was_opened() -> None:
    rows = [
        (at(), "invocation.declared", {"incident": "I"}),
        (at(minutes=1), "exception.opened", {"incident": "I", "exception": "approver-unreachable"}),
        (at(minutes=30), "envelope.returned", {"incident": "I", "serial": "S"}),
    ]
    assert due_of(facts(*rows), "approver_notice") == T0 + dt.timedelta(minutes=90)
    # A session that ended is the completion, even after an earlier return.
    ended = facts(*rows, (at(hours=2), "session.ended", {"incident": "I"}))
    assert due_of(ended, "approver_notice") == T0 + dt.timedelta(hours=3)


def test_approver_notice_counts_from_standing_down_not_from_a_return_to_go_on() -> None:
    unreachable = [
        (at(), "invocation.declared", {"incident": "I"}),
        (at(minutes=1), "exception.opened", {"incident": "I", "exception": "approver-unreachable"}),
    ]
    go_on = (
        at(minutes=20),
        "envelope.returned",
        {"incident": "I", "serial": "S", "ends_invocation": False},
    )
    assert due_of(facts(*unreachable, go_on), "approver_notice") is None  # not complete yet
    stood_down = (at(minutes=40), "invocation.stood_down", {"incident": "I", "reason": "r"})
    assert due_of(facts(*unreachable, go_on, stood_down), "approver_notice") == (
        T0 + dt.timedelta(minutes=100)
    )


def test_solo_signoff_counts_from_when_the_solo_exception_was_recorded() -> None:
    declared = facts(
        (at(), "invocation.declared", {"incident": "I", "exception": "solo-access"}),
        (at(minutes=40), "envelope.opened", {"incident": "I", "exception": "solo-access"}),
    )
    assert due_of(declared, "solo_signoff") == T0 + dt.timedelta(hours=1)
    # Another exception's entry does not start the solo window.
    other_first = facts(
        (at(), "invocation.declared", {"incident": "I"}),
        (at(minutes=1), "exception.opened", {"incident": "I", "exception": "approver-unreachable"}),
        (at(minutes=20), "exception.opened", {"incident": "I", "exception": "solo-access"}),
    )
    assert due_of(other_first, "solo_signoff") == T0 + dt.timedelta(minutes=80)


def test_review_rotation_and_quarterly_test() -> None:
    f = facts(
        (at(), "account.registered", {"account": "A"}),
        (at(minutes=1), "envelope.registered", {"serial": "S1", "account": "A"}),
        (at(days=1), "invocation.declared", {"incident": "I"}),
        (at(days=1, minutes=5), "envelope.opened", {"incident": "I", "serial": "S1"}),
    )
    got = codes(f, T0 + dt.timedelta(days=10))
    assert "deadline.review" in got and "deadline.rotation" in got
    assert "deadline.quarterly_test" not in got
    assert "deadline.quarterly_test" in codes(f, T0 + dt.timedelta(days=100))
    f.observe(5, at(days=2), "envelope.registered", {"serial": "S2", "account": "A"})
    # A new envelope alone is not a reset (the opened one still holds the password).
    assert "deadline.rotation" in codes(f, T0 + dt.timedelta(days=10))
    f.observe(6, at(days=2, minutes=9), "envelope.destroyed", {"serial": "S1"})
    f.observe(
        7,
        at(days=2, minutes=10),
        "credential.rotated",
        {"account": "A", "new_serial": "S2", "old_serial": "S1"},
    )
    f.observe(8, at(days=3), "review.completed", {"incident": "I"})
    f.observe(
        9, at(days=60), "envelope.checked_out", {"serial": "S2", "account": "A", "test": True}
    )
    got = codes(f, T0 + dt.timedelta(days=100))
    assert not {"deadline.review", "deadline.rotation", "deadline.quarterly_test"} & set(got)


def test_test_drills_need_no_review() -> None:
    f = facts((at(), "invocation.declared", {"incident": "D", "test": True}))
    assert "deadline.review" not in codes(f, T0 + dt.timedelta(days=30))


# Good Friday (3 April 2026) and Easter Monday (6 April) are public holidays in England.
MAUNDY_THURSDAY = dt.datetime(2026, 4, 2, 10, 0, tzinfo=UTC)
ENGLAND = {"country": "GB", "subdivision": "ENG"}


def review_facts(calendar: dict[str, str] | None, reviewed: dt.datetime) -> Facts:
    genesis: dict[str, object] = {"kiosk_id": "k"}
    if calendar is not None:
        genesis["calendar"] = calendar
    return facts(
        (format_ts(MAUNDY_THURSDAY - dt.timedelta(days=30)), "journal.genesis", genesis),
        (format_ts(MAUNDY_THURSDAY), "invocation.declared", {"incident": "I"}),
        (format_ts(reviewed), "review.completed", {"incident": "I"}),
    )


def test_business_days_skip_the_public_holidays_of_the_journal_calendar() -> None:
    england = Calendar("GB", "ENG")
    assert add_business_days(MAUNDY_THURSDAY, 5, england).date() == dt.date(2026, 4, 13)
    assert add_business_days(MAUNDY_THURSDAY, 5).date() == dt.date(2026, 4, 9)
    # The verifier's day is the terminal's day, on the same calendar.
    terminal = terminal_deadlines.add_business_days(MAUNDY_THURSDAY, 5, england)
    assert add_business_days(MAUNDY_THURSDAY, 5, england) == terminal


def test_business_days_are_the_recorded_time_zones_days() -> None:
    """A Thursday-evening event in New York is counted from that Thursday, to local midnight."""
    new_york = Calendar("US", None, "America/New_York")
    thursday_evening = dt.datetime(2026, 3, 6, 2, 0, tzinfo=UTC)  # Thu 5 Mar, 21:00 EST
    due = add_business_days(thursday_evening, 5, new_york)
    # Fri 6, Mon 9 .. Thu 12 March; 23:59:59.999 EDT (clocks went forward on 8 March).
    assert due == dt.datetime(2026, 3, 13, 3, 59, 59, 999000, tzinfo=UTC)
    # Counted in UTC it is already Friday: due at the end of the next Friday, UTC.
    assert add_business_days(thursday_evening, 5, Calendar("US")) == dt.datetime(
        2026, 3, 13, 23, 59, 59, 999000, tzinfo=UTC
    )
    assert "America/New_York" in deadlines_module.calendar_words(new_york)
    unknown_zone = Calendar("US", None, "Mars/Olympus_Mons")
    assert unknown_zone.zone_name == "UTC"
    assert "Mars/Olympus_Mons is not known on this machine" in deadlines_module.calendar_words(
        unknown_zone
    )
    # As the journal records it: genesis or policy.changed ``calendar``.
    assert Calendar.of({"calendar": {"country": "US", "timezone": "America/New_York"}}) == new_york


def test_a_review_after_easter_is_judged_on_the_terminal_calendar() -> None:
    friday_after = MAUNDY_THURSDAY + dt.timedelta(days=8)  # 10 April: the 4th business day
    now = MAUNDY_THURSDAY + dt.timedelta(days=30)
    assert "deadline.review" not in codes(review_facts(ENGLAND, friday_after), now)
    # Without a calendar in the journal, Monday-Friday: due 9 April, so late, and it says why.
    (late,) = [
        f
        for f in check_deadlines(review_facts(None, friday_after), now)
        if f.code == "deadline.review"
    ]
    assert "due 2026-04-09" in late.message
    assert "the journal names no holiday calendar" in late.message
    # Late on the calendar too: the finding names the calendar it counted.
    too_late = MAUNDY_THURSDAY + dt.timedelta(days=12)  # 14 April
    (found,) = [
        f
        for f in check_deadlines(review_facts(ENGLAND, too_late), now)
        if f.code == "deadline.review"
    ]
    assert "due 2026-04-13" in found.message and "public holidays of GB-ENG" in found.message


def test_a_calendar_unknown_here_counts_monday_to_friday_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    late = MAUNDY_THURSDAY + dt.timedelta(days=8)
    now = MAUNDY_THURSDAY + dt.timedelta(days=30)
    (unknown,) = [
        f
        for f in check_deadlines(review_facts({"country": "XQ"}, late), now)
        if f.code == "deadline.review"
    ]
    assert "public holidays of XQ are not known on this machine" in unknown.message
    # An auditor's machine without the holidays package (it is optional for the verifier).
    deadlines_module._public_holidays.cache_clear()
    monkeypatch.setitem(sys.modules, "holidays", None)
    try:
        (missing,) = [
            f
            for f in check_deadlines(review_facts(ENGLAND, late), now)
            if f.code == "deadline.review"
        ]
    finally:
        deadlines_module._public_holidays.cache_clear()
    assert "due 2026-04-09" in missing.message
    assert "public holidays of GB-ENG are not known on this machine" in missing.message


def test_the_calendar_in_force_when_declared_counts() -> None:
    f = facts(
        (format_ts(MAUNDY_THURSDAY - dt.timedelta(days=60)), "journal.genesis", {}),
        (
            format_ts(MAUNDY_THURSDAY - dt.timedelta(days=30)),
            "policy.changed",
            {"calendar": ENGLAND},
        ),
        (format_ts(MAUNDY_THURSDAY), "invocation.declared", {"incident": "I"}),
        (
            format_ts(MAUNDY_THURSDAY + dt.timedelta(days=1)),
            "policy.changed",
            {"calendar": {"country": "US"}},
        ),
    )
    assert f.incidents["I"].calendar == Calendar("GB", "ENG")
    assert f.calendar == Calendar("US")


def test_the_verification_opening_after_a_reset_starts_no_rotation() -> None:
    """The test retrieval reseals the new sheet; its credential is not rotated again."""
    f = facts(
        (at(), "account.registered", {"account": "A"}),
        (at(minutes=1), "envelope.registered", {"serial": "S1", "account": "A"}),
        (at(days=1), "envelope.opened", {"incident": "I", "serial": "S1"}),
        (at(days=1, hours=1), "envelope.registered", {"serial": "S2", "account": "A"}),
        (at(days=1, hours=2), "envelope.destroyed", {"serial": "S1"}),
        (
            at(days=1, hours=2),
            "credential.rotated",
            {"account": "A", "new_serial": "S2", "old_serial": "S1"},
        ),
        (
            at(days=2),
            "envelope.opened",
            {"incident": "I", "serial": "S2", "purpose": "verification"},
        ),
    )
    assert "deadline.rotation" not in codes(f, T0 + dt.timedelta(days=10))
    f.observe(8, at(days=3), "envelope.opened", {"incident": "J", "serial": "S2"})
    assert "deadline.rotation" in codes(f, T0 + dt.timedelta(days=10))  # a real opening does
