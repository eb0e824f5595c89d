"""Touch targets: every control people touch is at least 56 px high (the theme's promise).

With the terminal's style sheet on (sizes come from it), through the lock
screen, the dashboard, its secondary screens and every step of an emergency
up to the opened envelope; a multi-line text area may be a little lower
(48 px: it grows with its text). The demo's simulated-device panel is not
part of the terminal and is compact on purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QScrollArea
from pytestqt.qtbot import QtBot

from tests.ui import kiosk_driver as drv
from ui.main_window import MainWindow

MIN_PX = 56
TEXT_AREA_MIN_PX = 48


def small_targets(w: MainWindow) -> list[str]:
    """Visible controls of the terminal (not the demo panel) smaller than a finger."""
    small = []
    for x in drv.controls(w):
        if isinstance(x, QScrollArea):
            continue
        if w.demo_panel is not None and w.demo_panel.isAncestorOf(x):
            continue
        least = TEXT_AREA_MIN_PX if isinstance(x, QPlainTextEdit) else MIN_PX
        if x.height() < least:
            small.append(f"{type(x).__name__} {x.accessibleName()!r} {x.height()} px")
    return small


@pytest.mark.usefixtures("themed")
def test_every_control_people_touch_is_big_enough(
    qtbot: QtBot, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, clock, sc = drv.make_window(qtbot, root)
    checked: list[str | None] = []
    real_wait_step = drv.wait_step

    def wait_and_measure(qtbot: QtBot, w: MainWindow, step: str | None) -> None:
        real_wait_step(qtbot, w, step)
        qtbot.wait(20)  # the layout settles
        assert small_targets(w) == [], f"at step {step}"
        checked.append(step)

    monkeypatch.setattr(drv, "wait_step", wait_and_measure)
    u = w.unlock_screen
    qtbot.mouseClick(u.recovery_link, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(u.passphrase.isVisible)
    assert small_targets(w) == []
    drv.unlock(qtbot, w)
    qtbot.wait(20)
    assert small_targets(w) == []
    for name in ("journal", "export", "custodians", "troubleshooting"):
        w.open_screen(name)
        screen: Any = w.screen_named(name)
        qtbot.waitUntil(screen.isVisible)
        qtbot.wait(20)
        assert small_targets(w) == [], name
        w.show_dashboard()
    drv.declare(qtbot, w)
    drv.acknowledge(qtbot, w)
    drv.cont(qtbot, w, "checkout")
    clock.advance(minutes=5)
    drv.retrieve(qtbot, w, sc, root)
    assert len(checked) >= 8  # every step on the way was measured


def test_the_check_finds_a_small_control(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = drv.make_window(qtbot, root)
    u = w.unlock_screen
    u.key_button.setFixedHeight(30)
    qtbot.waitUntil(lambda: u.key_button.height() == 30)
    assert any("30 px" in s for s in small_targets(w))
