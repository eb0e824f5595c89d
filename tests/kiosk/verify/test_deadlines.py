"""Deadline findings from journal facts (spec section 7), rule by rule."""

from __future__ import annotations

import datetime as dt

from kiosk.clock import UTC, format_ts
from kiosk.verify.deadlines import Facts, add_business_days, check_deadlines, incident_deadlines

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
    f.observe(6, at(days=3), "review.completed", {"incident": "I"})
    f.observe(
        7, at(days=60), "envelope.checked_out", {"serial": "S2", "account": "A", "test": True}
    )
    got = codes(f, T0 + dt.timedelta(days=100))
    assert not {"deadline.review", "deadline.rotation", "deadline.quarterly_test"} & set(got)


def test_test_drills_need_no_review() -> None:
    f = facts((at(), "invocation.declared", {"incident": "D", "test": True}))
    assert "deadline.review" not in codes(f, T0 + dt.timedelta(days=30))
