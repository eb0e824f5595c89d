"""Issue 19 on screen: the opening alert, the session limit, the approver refusal.

(Solo access as the procedure says is in ``test_paths_on_screen.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.printing.sim import SimulatedPrinter
from tests.ui.kiosk_driver import (
    DETAILS,
    OWNERS,
    SIGNED_IN_SCREEN,
    T,
    acknowledge,
    approve,
    cont,
    declare,
    editor,
    fill,
    kinds,
    make_window,
    press,
    retrieve,
    submit,
    unlock,
    wait_step,
)
from ui.screens.acknowledge import AcknowledgeScreen

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_an_opening_is_on_the_dashboard_until_security_acknowledges_it(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, sc = make_window(qtbot, root, printer=SimulatedPrinter())
    unlock(qtbot, w)
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    opened = retrieve(qtbot, w, sc, root)
    (alert,) = [e for e in kinds(w, "alert.raised") if e.data["alert"] == "envelope.opened"]
    assert alert.data["detail"]["serial"] == opened
    press(qtbot, w.flow_screen.close_button)
    d = w.dashboard
    d.refresh()
    assert alert.seq in d.alert_buttons  # unacknowledged, on the dashboard
    # security from outside the incident is the one already chosen, not whoever sorts first
    assert d.ack_by is not None and d.ack_by.currentData() == "lee"
    press(qtbot, d.alert_buttons[alert.seq])
    screen = w.screens["acknowledge"]
    assert isinstance(screen, AcknowledgeScreen) and w.stack.currentWidget() is screen
    assert OWNERS["lee"] in screen.ack_button.text()
    press(qtbot, screen.ack_button)
    approve(qtbot, w, "lee", keys=screen.keys)
    qtbot.waitUntil(lambda: len(kinds(w, "alert.acknowledged")) == 1, timeout=T)
    (ack,) = kinds(w, "alert.acknowledged")
    assert ack.data["by"] == "lee" and [a["custodian"] for a in ack.attest] == ["lee"]


def test_a_session_past_its_limit_is_alerted_on_the_dashboard(qtbot: QtBot, root: Path) -> None:
    w, clock, sc = make_window(qtbot, root, printer=SimulatedPrinter())
    unlock(qtbot, w)
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    retrieve(qtbot, w, sc, root)
    cont(qtbot, w, "start")
    fill(qtbot, w, SIGNED_IN_SCREEN)
    submit(qtbot, w)
    wait_step(qtbot, w, "action")
    press(qtbot, w.flow_screen.close_button)
    assert w.session is not None
    clock.advance(minutes=w.ctx.policy.session_max_minutes + 1)
    w.session.ctx.check_deadlines()  # what the minute timer does
    d = w.dashboard
    d.refresh()
    said = " ".join(
        d.alerts_box.itemAt(i).widget().text()  # type: ignore[union-attr]
        for i in range(d.alerts_box.count())
        if d.alerts_box.itemAt(i).widget() is not None
        and hasattr(d.alerts_box.itemAt(i).widget(), "text")
    )
    overdue = [e for e in kinds(w, "alert.raised") if e.data["alert"] == "deadline.overdue"]
    assert any(e.data["detail"]["kind"] == "session_limit" for e in overdue)
    assert all(e.seq in d.alert_buttons for e in overdue), said
    assert "Deadlines last judged: " in d.judged_label.text()
    assert clock.now().astimezone().strftime("%Y") in d.judged_label.text()


def test_the_approver_cannot_be_the_declarer_on_screen(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    qtbot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    fill(qtbot, w, dict(DETAILS))
    submit(qtbot, w)
    wait_step(qtbot, w, "approver")
    fill(
        qtbot,
        w,
        {
            "outcome": "approved",
            "approver": "Dana Whitfield",
            "channel": "email",
        },
    )
    submit(qtbot, w)
    who = editor(w, "approver")
    qtbot.waitUntil(lambda: who.error.isVisible(), timeout=T)
    assert "must be independent" in who.error.text()
    assert not [e for e in kinds(w, "approver.contacted") if e.data["outcome"] == "approved"]
