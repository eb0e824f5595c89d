"""A verification after the reset, interrupted by the idle lock, resumed from the dashboard.

Driven as people would (clicks, typed text, scans through the real
ScanFilter, key touches on the demo panel); the lock is the window's real
IdleWatch with a shortened interval. The resumed verification must continue
with the envelope the journal says is opened — at the sheet's QR — and never
offer the check-out again (the account's other sealed envelope stays in the
safe).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.procedures.navigation import next_flow
from tests.ui.kiosk_driver import (
    cont,
    document,
    editor,
    finish_verification,
    idle_lock,
    incident,
    kinds,
    make_window,
    open_envelope,
    press,
    reset,
    review,
    scan,
    submit,
    take_out,
    the_state,
    unlock,
    up_to_documentation,
    wait_step,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_locked_after_opening_the_verification_envelope_it_continues_at_the_sheet(
    qtbot: QtBot, root: Path
) -> None:
    w, clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    opened = up_to_documentation(qtbot, w, sc, root, clock)
    iid = incident(w).id
    clock.advance(minutes=40)
    document(qtbot, w)
    clock.advance(hours=2)
    bag, qr = reset(qtbot, w, sc, opened)
    clock.advance(days=2)
    cont(qtbot, w, "review")
    review(qtbot, w)
    others = sorted(
        e.serial for e in the_state(w).envelopes_for("entra-01", "sealed") if e.serial != bag
    )
    assert others, "the account keeps another sealed envelope: the one that must stay in"

    # -- the verification: the new envelope out, inspected, opened; then the terminal locks
    clock.advance(hours=1)
    cont(qtbot, w, "checkout")
    take_out(qtbot, w, sc, bag)
    open_envelope(qtbot, w, sc, bag)
    outs = len(kinds(w, "envelope.checked_out"))
    recorded = w.journal.head.seq  # type: ignore[union-attr]

    idle_lock(qtbot, w)
    unlock(qtbot, w)
    # Nothing recorded while locked but the unlock's own record (issue 17).
    assert [e.kind for e in w.journal.entries(recorded + 1)] == ["terminal.unlocked"]  # type: ignore[union-attr]
    assert the_state(w).envelopes[bag].state == "opened"
    nxt = next_flow(the_state(w), the_state(w).incidents.get(iid))
    assert nxt is not None and nxt[0] == "Verification after reset"
    # A reviewed, reset incident is closed, but the dashboard keeps its row with a
    # Continue button for the verification still due.
    button = w.dashboard.incident_buttons[iid]
    assert "Verification after reset" in button.text()
    press(qtbot, button)
    # resumed at the sheet's QR for the opened envelope: no check-out is offered again
    wait_step(qtbot, w, "confirm_sheet")
    f = w.flow_screen
    assert f.flow is not None and getattr(f.flow, "serial", None) == bag
    assert "done: 3. Sign the exterior and open" in f.bar.steps.accessibleDescription()
    assert editor(w, "qr").value() is None
    scan(qtbot, w, sc, others[0])  # the other envelope's serial is not this sheet's QR
    submit(qtbot, w)
    qtbot.waitUntil(lambda: not f.busy and editor(w, "qr").error.isVisible(), timeout=20000)
    assert f.flow.current == "confirm_sheet"
    scan(qtbot, w, sc, qr)  # the QR printed on the new sheet (replaces the wrong scan)
    submit(qtbot, w)
    fresh = finish_verification(qtbot, w, sc)

    state = the_state(w)
    inc = state.incidents.get(iid)
    assert inc is not None and inc.verified_at is not None and inc.verification_serial == bag
    assert len(kinds(w, "envelope.checked_out")) == outs  # nothing checked out after the lock
    assert [e.data["serial"] for e in kinds(w, "envelope.opened")] == [opened, bag]
    assert state.envelopes[others[0]].state == "sealed"
    assert state.envelopes[fresh].state == "sealed" and state.envelopes[bag].state == "destroyed"
