"""A clock set forward is shown on the dashboard, and two custodians confirm it there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.kiosk_driver import (
    T,
    both,
    fill,
    kinds,
    make_window,
    press,
    submit,
    unlock,
    wait_step,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_clock_set_forward_is_shown_and_confirmed_by_two_custodians_on_screen(
    qtbot: QtBot, root: Path
) -> None:
    w, clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    d = w.dashboard
    assert not d.clock_row.isVisible()
    clock.set_system_time(clock.now() + dt.timedelta(days=2))
    # within a second (the dashboard's ticker), in red, with what to do
    qtbot.waitUntil(d.clock_row.isVisible, timeout=T)
    said = d.clock_row.text.text()
    assert clock.now().strftime("%Y-%m-%d %H:%M") in said
    assert "moved forward" in said and "two custodians" in said
    assert d.clock_row.button.accessibleName()
    before = w.journal.head if w.journal is not None else None
    press(qtbot, d.clock_row.button)
    wait_step(qtbot, w, "confirm")
    fill(qtbot, w, {"checked": True})
    submit(qtbot, w)
    both(qtbot, w)
    wait_step(qtbot, w, None)
    (entry,) = kinds(w, "clock.confirmed")
    assert len(entry.attest) == 2 and before is not None and entry.seq == before.seq + 1
    press(qtbot, w.flow_screen.close_button)
    qtbot.waitUntil(lambda: not d.clock_row.isVisible(), timeout=T)


def test_a_terminal_restarted_days_later_unlocks_and_two_custodians_confirm_its_clock(
    qtbot: QtBot, root: Path
) -> None:
    """After a power-off, nothing tells how long the terminal was off: the unlock still works
    (recorded at the last trusted time, as evidence must be), the dashboard asks two
    custodians to confirm the clock, and work goes on once they have."""
    w, clock, _sc = make_window(qtbot, root, trusted_clock=False)  # a new program
    clock.advance(days=3)  # switched off over a long weekend
    unlock(qtbot, w)
    assert w.journal is not None
    unlocked = w.journal.entry(w.journal.head.seq)
    assert unlocked is not None and unlocked.kind == "terminal.unlocked"
    previous = w.journal.entry(unlocked.seq - 1)
    assert previous is not None and unlocked.ts == previous.ts  # the last time trusted
    assert unlocked.ts < clock.now().isoformat()[:10]
    d = w.dashboard
    qtbot.waitUntil(d.clock_row.isVisible, timeout=T)
    assert "two custodians" in d.clock_row.text.text()
    before = w.journal.head
    press(qtbot, d.clock_row.button)
    wait_step(qtbot, w, "confirm")
    fill(qtbot, w, {"checked": True})
    submit(qtbot, w)
    both(qtbot, w)
    wait_step(qtbot, w, None)
    (entry,) = kinds(w, "clock.confirmed")
    assert entry.seq == before.seq + 1 and entry.data["against"] == "last-entry"
    assert entry.ts[:10] == clock.now().isoformat()[:10]
    press(qtbot, w.flow_screen.close_button)
    qtbot.waitUntil(lambda: not d.clock_row.isVisible(), timeout=T)
