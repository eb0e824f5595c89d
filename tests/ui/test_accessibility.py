"""Every control has a name a screen reader can say (issue 7).

The driver checks each flow step as it reaches it (``kiosk_driver.wait_step``)
and the lock screen as it unlocks; this file covers the screens no flow
step shows: the dashboard and the secondary screens it opens.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.kiosk_driver import make_window, unlock, unnamed_controls


@pytest.mark.parametrize("screen", ["journal", "export", "custodians", "troubleshooting"])
def test_every_control_on_the_dashboard_and_its_screens_has_a_name(
    qtbot: QtBot, root: Path, screen: str
) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    assert w.stack.currentWidget() is w.dashboard
    assert unnamed_controls(w) == []
    w.open_screen(screen)
    shown = w.screen_named(screen)
    qtbot.waitUntil(shown.isVisible)
    assert unnamed_controls(w) == []


def test_the_check_finds_a_control_without_a_name(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    w.dashboard.scroll_area.setAccessibleName("")
    assert unnamed_controls(w) == ["QScrollArea ''"]
