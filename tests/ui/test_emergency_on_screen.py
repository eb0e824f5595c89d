"""A complete emergency on the kiosk's screens, as two custodians would drive it.

Only clicks, typed text and scans (keystrokes through the real ScanFilter);
keys simulated at the device, touched with the demo panel's buttons; the
printer is the in-memory SimulatedPrinter. Every step is the real flow, and
each flow after the first is reached with the screen's own "Continue" button.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.kiosk_driver import (
    access_session,
    acknowledge,
    cont,
    declare,
    document,
    finish_verification,
    incident,
    make_window,
    open_envelope,
    reset,
    retrieve,
    review,
    scan,
    submit,
    take_out,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_complete_emergency_by_clicks_typing_and_scans(qtbot: QtBot, root: Path) -> None:
    w, clock, sc = make_window(qtbot, root)
    from tests.ui.kiosk_driver import unlock

    unlock(qtbot, w)
    printer = w.ctx.printer
    before = len(printer.jobs)  # type: ignore[union-attr]
    declare(qtbot, w)
    # the step bar shows every step, the current one marked, and the time
    bar = w.flow_screen.bar
    assert "now: 3. Invocation record" in bar.steps.accessibleDescription()
    assert "Elapsed" in bar.times.text()
    acknowledge(qtbot, w)
    assert w.flow_screen.signed_log[-2:] == [
        "✓ Custodian A — Dana Whitfield approved",
        "✓ Custodian B — Sam Okafor approved",
    ]
    cont(qtbot, w, "checkout")
    clock.advance(minutes=5)
    opened = retrieve(qtbot, w, sc, root)
    access_session(qtbot, w, clock)
    inc = incident(w)
    iid = inc.id
    assert inc.sheet_confirmed and inc.session_ended_at is not None
    clock.advance(minutes=40)
    document(qtbot, w)
    assert incident(w).signed_at is not None
    clock.advance(hours=2)
    bag, qr = reset(qtbot, w, sc, opened)
    state = w.journal.state  # type: ignore[union-attr]
    assert state.envelopes[opened].state == "destroyed"
    assert state.envelopes[bag].state == "sealed"
    assert incident(w).rotated_at is not None

    # -- post-incident review: the participants are a table, one row each
    clock.advance(days=2)
    cont(qtbot, w, "review")
    review(qtbot, w)
    assert w.journal.state.incidents.get(iid).reviewed_at is not None  # type: ignore[union-attr]

    # -- verification after reset: the new envelope out, checked, back in a fresh bag
    clock.advance(hours=1)
    cont(qtbot, w, "checkout")
    take_out(qtbot, w, sc, bag)
    open_envelope(qtbot, w, sc, bag)
    scan(qtbot, w, sc, qr)  # the QR printed on the new sheet
    submit(qtbot, w)
    fresh = finish_verification(qtbot, w, sc)

    state = w.journal.state  # type: ignore[union-attr]
    inc = state.incidents.get(iid)
    assert inc is not None and inc.verified_at is not None
    assert iid not in {i.id for i in state.incidents.open_incidents()}
    assert state.envelopes[fresh].state == "sealed"
    assert not w.flow_screen.continue_button.isVisible()  # nothing left to do
    assert len(printer.jobs) > before  # type: ignore[union-attr]
    qtbot.mouseClick(w.flow_screen.close_button, Qt.MouseButton.LeftButton)
    assert w.stack.currentWidget() is w.dashboard
    assert iid not in w.dashboard.incident_buttons
    w.lock()
