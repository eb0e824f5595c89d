"""The unlock screen and the dashboard, driven like a person would (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.format.clock import FakeClock
from kiosk.policy import Policy
from kiosk.terminal.lifecycle import Commissioned
from tests.ui.kiosk_driver import ScanClock
from ui.app_context import AppContext
from ui.main_window import MainWindow
from ui.workers import InlineRunner, ThreadRunner

PASS = "TEST-PASS-PHRASE-0001"


def _flush() -> None:
    """Typed keys are held by the scanner filter until it knows they are typing."""
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow):
            w.scans.flush()


@pytest.fixture
def closed_terminal(terminal: Commissioned) -> Path:
    j = terminal.journal
    j.append("envelope.stock_received", {"serials": ["SR00000018", "SR00000026"]})
    j.close()
    return j.data_dir


def make_window(
    qtbot: QtBot, policy: Policy, data_dir: Path, clock: FakeClock, runner: object
) -> MainWindow:
    ctx = AppContext(policy, data_dir, clock, runner, scan_clock_ms=ScanClock())  # type: ignore[arg-type]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def test_unlock_with_passphrase_shows_dashboard_and_clears_the_field(
    qtbot: QtBot, policy: Policy, closed_terminal: Path, clock: FakeClock
) -> None:
    w = make_window(qtbot, policy, closed_terminal, clock, InlineRunner())
    assert w.locked
    assert not w.unlock_screen.recovery.isVisible()  # reachable, not prominent
    qtbot.mouseClick(w.unlock_screen.recovery_link, Qt.MouseButton.LeftButton)
    field = w.unlock_screen.passphrase
    assert field.isVisible()
    assert field.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(field, PASS.lower())
    QApplication.processEvents()
    _flush()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not w.locked
    assert field.text() == ""
    assert w.stack.currentWidget() is w.dashboard
    assert "2" in w.dashboard.envelopes.text() or "blank stock" in w.dashboard.envelopes.text()
    # Two entries, then the unlock's own record and its alert (a passphrase unlock).
    assert w.dashboard.tiles["head"].accessibleDescription().startswith("4 ")
    w.lock()
    assert w.locked and w.stack.currentWidget() is w.unlock_screen


def test_wrong_passphrase_says_what_to_do(
    qtbot: QtBot, policy: Policy, closed_terminal: Path, clock: FakeClock
) -> None:
    w = make_window(qtbot, policy, closed_terminal, clock, InlineRunner())
    w.unlock_screen.show_recovery()
    qtbot.keyClicks(w.unlock_screen.passphrase, "NOT-THE-PASSPHRASE")
    QApplication.processEvents()
    _flush()
    qtbot.mouseClick(w.unlock_screen.unlock_button, Qt.MouseButton.LeftButton)
    assert w.locked
    text = w.unlock_screen.status.text()
    assert "not correct" in text and "recovery sheet" in text
    assert "NOT-THE" not in text and w.unlock_screen.passphrase.text() == ""


def test_empty_passphrase_is_refused_without_work(
    qtbot: QtBot, policy: Policy, closed_terminal: Path, clock: FakeClock
) -> None:
    runner = InlineRunner()
    w = make_window(qtbot, policy, closed_terminal, clock, runner)
    w.unlock_screen.show_recovery()
    qtbot.mouseClick(w.unlock_screen.unlock_button, Qt.MouseButton.LeftButton)
    assert runner.jobs == 0 and "Type the recovery passphrase" in w.unlock_screen.status.text()


def test_unlock_runs_off_the_gui_thread(
    qtbot: QtBot, policy: Policy, closed_terminal: Path, clock: FakeClock
) -> None:
    runner = ThreadRunner()
    w = make_window(qtbot, policy, closed_terminal, clock, runner)
    w.unlock_screen.show_recovery()
    qtbot.keyClicks(w.unlock_screen.passphrase, PASS)
    QApplication.processEvents()
    _flush()
    with qtbot.waitSignal(w.unlock_screen.unlocked, timeout=20000):
        qtbot.keyClick(w.unlock_screen.passphrase, Qt.Key.Key_Return)
        assert not w.unlock_screen.unlock_button.isEnabled()  # busy while the worker runs
    assert not w.locked
    w.lock()


def test_idle_time_locks_the_terminal(
    qtbot: QtBot, policy: Policy, closed_terminal: Path, clock: FakeClock
) -> None:
    w = make_window(qtbot, policy, closed_terminal, clock, InlineRunner())
    w.unlock_screen.show_recovery()
    qtbot.keyClicks(w.unlock_screen.passphrase, PASS)
    QApplication.processEvents()
    _flush()
    qtbot.keyClick(w.unlock_screen.passphrase, Qt.Key.Key_Return)
    assert not w.locked
    assert w.idle.timer.interval() == policy.idle_lock_seconds * 1000
    w.idle.timer.setInterval(50)
    w.idle.timer.start()
    qtbot.waitUntil(lambda: w.locked, timeout=3000)
    assert w.stack.currentWidget() is w.unlock_screen


def test_kiosk_mode_cannot_be_closed_or_escaped(
    qtbot: QtBot, policy: Policy, closed_terminal: Path, clock: FakeClock
) -> None:
    ctx = AppContext(policy, closed_terminal, clock, InlineRunner(), windowed=False)
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not w.close()
    assert w.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert w.isVisible()
    w.ctx.windowed = True  # let the test tear the window down
