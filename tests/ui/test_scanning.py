"""Scanner bursts on any screen: one scan event, nothing leaks into the focused field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.policy import Policy
from ui.scanning import ScanFilter


class Clock:
    def __init__(self) -> None:
        self.t = 1000

    def __call__(self) -> int:
        return self.t


@pytest.fixture
def setup(qtbot: QtBot, policy: Policy) -> tuple[ScanFilter, QLineEdit, Clock, list[str]]:
    clock = Clock()
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    filt = ScanFilter(policy, clock_ms=clock)
    filt.install()
    got: list[str] = []
    filt.scanned.connect(lambda text, _ok: got.append(text))
    yield filt, field, clock, got
    filt.uninstall()


def press(qtbot: QtBot, field: QLineEdit, clock: Clock, text: str, gap_ms: int) -> None:
    """Keys as the input system delivers them: to the field's window, which has the filter."""
    window = field.windowHandle()
    for ch in text:
        clock.t += gap_ms
        if ch == "\n":
            qtbot.keyClick(window, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(window, ch)


def test_a_scanner_burst_becomes_one_scan_and_never_reaches_the_field(
    qtbot: QtBot, setup: tuple[ScanFilter, QLineEdit, Clock, list[str]]
) -> None:
    _filt, field, clock, got = setup
    press(qtbot, field, clock, "SR12345674\n", gap_ms=5)
    assert got == ["SR12345674"]
    assert field.text() == ""


def test_typing_reaches_the_field_in_order(
    qtbot: QtBot, setup: tuple[ScanFilter, QLineEdit, Clock, list[str]]
) -> None:
    filt, field, clock, got = setup
    press(qtbot, field, clock, "Dana W", gap_ms=150)
    clock.t += 500
    filt._poll()
    assert field.text() == "Dana W"
    assert got == []


def test_a_scan_in_the_middle_of_typing_leaves_the_typing_alone(
    qtbot: QtBot, setup: tuple[ScanFilter, QLineEdit, Clock, list[str]]
) -> None:
    filt, field, clock, got = setup
    press(qtbot, field, clock, "abc", gap_ms=200)
    clock.t += 300
    press(qtbot, field, clock, "SR00000018\n", gap_ms=4)
    clock.t += 300
    press(qtbot, field, clock, "de", gap_ms=200)
    clock.t += 300
    filt._poll()
    assert got == ["SR00000018"]
    assert field.text() == "abcde"


def test_a_window_that_takes_the_focus_later_is_watched_too(
    qtbot: QtBot, setup: tuple[ScanFilter, QLineEdit, Clock, list[str]]
) -> None:
    _filt, _field, clock, got = setup
    later = QLineEdit()  # a dialog or a list that pops up after the filter was installed
    qtbot.addWidget(later)
    later.show()
    later.activateWindow()
    later.setFocus()
    qtbot.waitUntil(lambda: later.windowHandle() is QApplication.focusWindow())
    press(qtbot, later, clock, "SR12345674\n", gap_ms=5)
    assert got == ["SR12345674"] and later.text() == ""


def test_after_uninstall_keys_reach_the_field_unfiltered(
    qtbot: QtBot, setup: tuple[ScanFilter, QLineEdit, Clock, list[str]]
) -> None:
    filt, field, clock, got = setup
    filt.uninstall()
    press(qtbot, field, clock, "SR12345674\n", gap_ms=5)
    assert got == [] and field.text() == "SR12345674"
