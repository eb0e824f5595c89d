"""Unlocking with a custodian's key on screen: PIN asked, touch asked, journal opened.

The keys are simulated at the device (CTAP HID); python-fido2's client, the
key slots and the journal are real. The key conversation runs in a worker;
the test answers on screen as a custodian would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.sim.terminal import DEFAULT_PIN, SimulatedTerminal, make_terminal
from kiosk.format.clock import FakeClock
from tests.ui.kiosk_driver import ScanClock
from ui.app_context import AppContext, DemoInfo
from ui.devices import KeyDesk
from ui.main_window import MainWindow
from ui.workers import ThreadRunner


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimulatedTerminal]:
    t = make_terminal(tmp_path, keys_dir=tmp_path / "keys")
    t.close()
    yield t


@pytest.fixture
def window(qtbot: QtBot, sim: SimulatedTerminal, tmp_path: Path) -> MainWindow:
    keys = KeyDesk.from_state_files(
        tmp_path / "keys", {"dana": "Dana Whitfield", "sam": "Sam Okafor"}
    )
    ctx = AppContext(
        sim.policy,
        sim.data_dir,
        FakeClock(),
        ThreadRunner(),
        demo=DemoInfo(sim.passphrase, sim.data_dir, DEFAULT_PIN),
        keys=keys,
        scan_clock_ms=ScanClock(),
    )
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def test_custodian_unlocks_with_key_pin_and_touch(qtbot: QtBot, window: MainWindow) -> None:
    u = window.unlock_screen
    assert window.demo_panel is not None
    qtbot.mouseClick(window.demo_panel.plug_boxes["sam"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(u.key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: u.pin.isVisible(), timeout=10000)
    assert "attempts left" in u.key_prompt.text()
    qtbot.keyClicks(u.pin, DEFAULT_PIN)
    window.scans.flush()
    qtbot.keyClick(u.pin, Qt.Key.Key_Return)
    assert u.pin.text() == ""  # the PIN left the widget at once
    qtbot.waitUntil(lambda: "Touch your security key" in u.key_prompt.text(), timeout=10000)
    qtbot.mouseClick(window.demo_panel.touch_buttons["sam"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.locked, timeout=15000)
    assert window.stack.currentWidget() is window.dashboard
    window.lock()


def test_wrong_pin_shows_remaining_attempts_and_cancel_leaves_it_locked(
    qtbot: QtBot, window: MainWindow
) -> None:
    u = window.unlock_screen
    window.ctx.keys.plug_only("dana")
    qtbot.mouseClick(u.key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: u.pin.isVisible(), timeout=10000)
    first = u.key_prompt.text()
    qtbot.keyClicks(u.pin, "0000-0000")
    window.scans.flush()
    qtbot.keyClick(u.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: u.key_prompt.text() != first and "attempts left" in u.key_prompt.text(),
        timeout=10000,
    )
    assert "7 attempts left" in u.key_prompt.text()
    # issue 22: said in red, with the tries left and what happens at zero
    said = u.status.text()
    assert "That PIN was wrong. 7 tries left" in said and "At 0 the key locks itself" in said
    assert u.status.isVisible() and u.status.property("tone") == "error"
    qtbot.keyClicks(u.pin, DEFAULT_PIN)
    window.scans.flush()
    qtbot.keyClick(u.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Touch your security key" in u.key_prompt.text(), timeout=10000)
    assert not u.status.isVisible()  # no longer true: gone
    qtbot.mouseClick(u.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not u.busy, timeout=10000)
    assert window.locked
    assert "cancel" in u.status.text().lower()


def test_no_key_plugged_in_says_what_to_do(qtbot: QtBot, window: MainWindow) -> None:
    u = window.unlock_screen
    qtbot.mouseClick(u.key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not u.busy, timeout=10000)
    assert window.locked
    text = u.status.text()
    assert text and "Something unexpected" not in text
