"""A clock that jumped forward stamps nothing until two custodians confirm it.

The journal's gate (``kiosk/journal/clockwatch.py``), through the real
clocks' readings: ``FakeClock.set_system_time`` is what ``date --set`` does
on the terminal (the wall clock moves, no time passes); ``advance`` is time
passing. The dual confirmation itself is tested with the procedure
(``tests/kiosk/procedures/test_clock_confirm.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.errors import JournalError
from kiosk.format.clock import ELAPSED_TIME, LAST_ENTRY, FakeClock, format_ts, parse_ts
from kiosk.journal.store import Journal
from kiosk.terminal.lifecycle import Commissioned, unlock_with_passphrase

PASS = "TEST-PASS-PHRASE-0001"
ALERT = {"alert": "test", "summary": "an entry"}
#: a judgement of the clock: refused while the clock awaits confirmation
OVERDUE = {
    "alert": "deadline.overdue",
    "summary": "Overdue: a probe",
    "detail": {
        "deadline": "probe",
        "kind": "probe",
        "subject": "x",
        "due": "2026-01-01T00:00:00.000Z",
    },
}


def refused(j: Journal) -> JournalError:
    head = j.head
    with pytest.raises(JournalError) as exc:
        j.append("alert.raised", OVERDUE)
    assert j.head == head  # nothing recorded
    return exc.value


def test_a_clock_set_forward_while_running_refuses_every_append_saying_what_to_do(
    terminal: Commissioned, clock: FakeClock
) -> None:
    j = terminal.journal
    clock.advance(minutes=1)
    j.append("alert.raised", ALERT)
    clock.set_system_time(dt.datetime(2099, 1, 1, 12, 0, tzinfo=dt.UTC))
    jump = j.clock_jump()
    assert jump is not None and jump.against == ELAPSED_TIME
    assert jump.clock.startswith("2099-01-01T12:00") and jump.expected.startswith("2026-01-05")
    err = refused(j)
    assert err.code == "clock.unconfirmed"
    words = err.user_message()
    assert "2099-01-01 12:00" in words and "Nothing was recorded" in words
    assert "Confirm the clock" in words and "correct the terminal's clock" in words
    # A signature cannot be begun either: its digest would carry the 2099 stamp.
    with pytest.raises(JournalError) as exc:
        j.begin("account.registered", {"account": "x"})
    assert exc.value.code == "clock.unconfirmed"
    assert j.pending is None
    assert all(not e.ts.startswith("2099") for e in j.entries())


def test_evidence_is_recorded_at_the_last_trusted_time_while_the_clock_waits(
    terminal: Commissioned, clock: FakeClock
) -> None:
    """An alarm (a refused USB device, a network up) cannot wait for two people to confirm the
    clock: it is recorded at once, stamped with the last entry's time, never the 2099 clock."""
    j = terminal.journal
    clock.advance(minutes=1)
    last = j.append("alert.raised", ALERT)
    clock.set_system_time(dt.datetime(2099, 1, 1, 12, 0, tzinfo=dt.UTC))
    alarm = j.append("alert.raised", {"alert": "usb.refused", "summary": "a device"})
    assert alarm.ts == last.ts and alarm.seq == last.seq + 1
    assert refused(j).code == "clock.unconfirmed"  # a judgement of the clock still waits


def test_time_that_really_passes_is_no_jump_even_a_long_quiet_spell(
    terminal: Commissioned, clock: FakeClock
) -> None:
    j = terminal.journal
    clock.advance(days=400)  # locked for more than a year, the program running
    assert j.clock_jump() is None
    j.append("alert.raised", ALERT)
    # ... and across a lock and an unlock in the same program (the same clock)
    j.close()
    clock.advance(days=90)
    j = unlock_with_passphrase(j.data_dir, PASS, clock)
    j.append("alert.raised", ALERT)
    j.close()


def test_small_pushes_add_up_against_a_reference_that_does_not_move(
    terminal: Commissioned, clock: FakeClock
) -> None:
    j = terminal.journal
    clock.set_system_time(clock.now() + dt.timedelta(minutes=9))  # within the 10 minutes
    j.append("alert.raised", ALERT)
    clock.advance(minutes=30)
    j.append("alert.raised", ALERT)
    clock.set_system_time(clock.now() + dt.timedelta(minutes=2))  # 11 minutes in all
    assert refused(j).code == "clock.unconfirmed"


def test_a_clock_put_right_again_lifts_the_refusal_with_nothing_recorded(
    terminal: Commissioned, clock: FakeClock
) -> None:
    j = terminal.journal
    right = clock.now()
    clock.set_system_time(right + dt.timedelta(days=30))
    refused(j)
    clock.set_system_time(right)
    entry = j.append("alert.raised", ALERT)
    assert parse_ts(entry.ts) == right
    assert [e.kind for e in j.entries()] == ["journal.genesis", "alert.raised"]


def test_the_tolerance_is_the_policys(terminal: Commissioned, clock: FakeClock) -> None:
    j = terminal.journal
    clock.watch.set_tolerance(60)
    clock.set_system_time(clock.now() + dt.timedelta(minutes=45))
    j.append("alert.raised", ALERT)
    clock.set_system_time(clock.now() + dt.timedelta(minutes=20))  # 65 minutes ahead
    assert refused(j).code == "clock.unconfirmed"


def test_after_a_restart_the_clock_is_measured_against_the_last_entry(
    terminal: Commissioned, clock: FakeClock
) -> None:
    """A new program has no elapsed time to go by: far past the last entry, it asks two people."""
    d = terminal.journal.data_dir
    last = parse_ts(terminal.journal.append("alert.raised", ALERT).ts)
    terminal.journal.close()
    # restarted a few minutes later: within the tolerance, trusted from then on
    soon = FakeClock(last + dt.timedelta(minutes=5))
    j = unlock_with_passphrase(d, PASS, soon)
    j.append("alert.raised", ALERT)
    soon.advance(days=30)  # the same program: time passing is fine
    j.append("alert.raised", ALERT)
    j.close()
    # restarted with the clock 3 days past the last entry: nothing tells how long it was off
    later = FakeClock(soon.now() + dt.timedelta(days=3))
    j = unlock_with_passphrase(d, PASS, later)
    # the unlock is evidence that cannot wait: recorded at once, with the last time trusted
    unlocked, alert = list(j.entries())[-2:]
    assert unlocked.kind == "terminal.unlocked" and alert.data["alert"] == "unlock.passphrase"
    assert unlocked.ts == alert.ts == list(j.entries())[-3].ts < format_ts(later.now())
    jump = j.clock_jump()
    assert jump is not None and jump.against == LAST_ENTRY
    err = refused(j)
    assert err.code == "clock.unconfirmed_start"
    assert "well after the last entry" in err.user_message()
    assert "Confirm the clock" in err.user_message()
    j.close()


def test_a_clock_that_went_back_is_still_recorded_once(
    terminal: Commissioned, clock: FakeClock
) -> None:
    """The backward rule is unchanged: an alert, entries keep the last time."""
    j = terminal.journal
    clock.advance(minutes=10)
    j.append("alert.raised", ALERT)
    clock.set_system_time(clock.now() - dt.timedelta(hours=2))
    j.append("alert.raised", ALERT)
    assert [e.data.get("alert") for e in j.entries()][-2:] == ["clock.moved_back", "test"]


def test_each_clock_object_has_its_own_watch() -> None:
    a, b = FakeClock(), FakeClock()
    assert a.watch is a.watch is not b.watch
