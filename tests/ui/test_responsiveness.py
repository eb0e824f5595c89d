"""Responsiveness rules of the kiosk that a test can hold (timings live in benchmarks/ui.py).

* one key filter, on the windows: a fast burst on the lock screen is a scan,
  and input seen by it restarts the idle lock; a window that closed leaves
  no filter behind on the next one;
* the lock screen's buttons show a pointing hand, its text is not
  selectable (the demo's passphrase is), its recovery link sits at the left
  at its natural width;
* the dashboard fits 1280 px beside the demo's device panel (no sideways
  scrolling).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from tests.ui.kiosk_driver import T, make_window, scan, unlock


def test_the_lock_screen_buttons_point_and_its_key_filter_takes_a_scan(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    u = w.unlock_screen
    for button in (u.key_button, u.pin_ok, u.cancel_button, u.recovery_link, u.unlock_button):
        assert button.cursor().shape() == Qt.CursorShape.PointingHandCursor
    # The filter is on the window: a fast burst meant for the PIN field is a scan.
    got: list[str] = []
    w.scans.scanned.connect(lambda text, _ok: got.append(text))
    u.pin.show()
    u.pin.setFocus()
    scan(qtbot, w, _sc, "ENV-000123")
    assert got == ["ENV-000123"] and u.pin.text() == ""


def test_a_closed_window_leaves_no_key_filter_behind(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    w.unlock_screen.painted.connect(w.close)  # closed as soon as it painted
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=T)
    # The next window (the terminal restarted) takes typing: no filter of the closed
    # window holds its keys (it held the passphrase's last key, and unlocking failed).
    w2, _clock2, _sc2 = make_window(qtbot, root)
    unlock(qtbot, w2)
    assert not w2.locked


def test_lock_screen_text_flags_and_alignment(qtbot: QtBot, root: Path) -> None:
    from ui.widgets import body

    label = body("text")
    qtbot.addWidget(label)
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction
    w, _clock, _sc = make_window(qtbot, root)
    u = w.unlock_screen
    demo = [x for x in u.findChildren(type(label)) if x.objectName() == "demo"]
    assert demo and demo[0].textInteractionFlags() == (Qt.TextInteractionFlag.TextSelectableByMouse)
    qtbot.waitUntil(lambda: u.recovery_link.isVisible(), timeout=T)
    # "at the left, at its natural width"
    assert u.recovery_link.x() == u.layout().contentsRect().x()
    assert u.recovery_link.width() == u.recovery_link.sizeHint().width() < u.width() // 2


def test_input_seen_by_the_scanner_filter_restarts_the_idle_lock(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    w.idle.timer.setInterval(3000)
    w.idle.timer.start()
    qtbot.wait(800)
    before = w.idle.timer.remainingTime()
    # input, no action: a right click, delivered as the input system does (to the window)
    qtbot.mouseClick(w.windowHandle(), Qt.MouseButton.RightButton, pos=QPoint(5, 5))
    assert not w.locked
    assert w.idle.timer.remainingTime() > before + 400  # started again


@pytest.mark.usefixtures("themed")
def test_the_dashboard_fits_1280_px_beside_the_demo_panel(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    assert w.demo_panel is not None
    w.resize(1280, 800)
    unlock(qtbot, w)
    d = w.dashboard
    qtbot.waitUntil(lambda: d.isVisible() and d.scroll_area.viewport().width() > 0, timeout=T)
    qtbot.wait(50)  # the layout settles
    assert d.scroll_area.horizontalScrollBar().maximum() == 0
    assert d.action_columns < 4  # four big buttons a row do not fit here
    w.resize(1900, 1000)
    qtbot.wait(50)
    assert d.action_columns == 4 and d.scroll_area.horizontalScrollBar().maximum() == 0
