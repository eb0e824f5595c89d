"""Feedback that explains (issue 22), on the flow screen as custodians meet it.

A wrong PIN is said in red beside the PIN field, with the tries left and
what happens at zero, and the message goes once the PIN is right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.sim.terminal import DEFAULT_PIN
from tests.ui.kiosk_driver import (
    OWNERS,
    T,
    declare,
    fill,
    make_window,
    submit,
    type_into,
    unlock,
    wait_step,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_wrong_pin_is_said_in_red_with_the_tries_left_and_what_happens_at_zero(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    wait_step(qtbot, w, "acknowledge")
    fill(qtbot, w, {"declared_by_ack": True, "witness_present": True, "second_person_ack": True})
    submit(qtbot, w)
    try:
        panel = w.flow_screen.keys
        qtbot.waitUntil(
            lambda: OWNERS["dana"] in panel.prompt.text() and panel.pin.isVisible(), timeout=T
        )
        assert not panel.pin_error.isVisible()
        type_into(qtbot, w, panel.pin, "0000-0000")
        qtbot.keyClick(panel.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.pin_error.isVisible(), timeout=T)
        said = panel.pin_error.text()
        assert "That PIN was wrong" in said and "tries left" in said
        assert "At 0 the key locks itself for good" in said
        assert panel.pin_error.property("tone") == "error"
        assert panel.pin.isVisible() and panel.pin.hasFocus()
        type_into(qtbot, w, panel.pin, DEFAULT_PIN)
        qtbot.keyClick(panel.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "touch" in panel.prompt.text().lower(), timeout=T)
        assert not panel.pin_error.isVisible()  # no longer true: gone
    finally:
        w.lock()  # a failure must not leave a worker waiting for a PIN
