"""Every screen fits 1280x800 and 1024x768, in kiosk and windowed mode, and never grows the window.

Issue 22: with an incident open the dashboard scrolled sideways and cut off
its buttons; after *Custodians and keys* the window grew to 1285x904 on an
800-pixel screen and stayed so. Each screen is shown at each size and
checked with :func:`tests.ui.fit.misfits`: the window's size is unchanged,
nothing scrolls sideways, every visible control is inside the window (or
within its scroll area's width).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.fit import SIZES, misfits
from tests.ui.kiosk_driver import DETAILS, fill, make_window, submit, unlock, wait_step
from ui.main_window import MainWindow

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def check(w: MainWindow, size: tuple[int, int], where: str, found: dict[str, list[str]]) -> None:
    bad = misfits(w, size)
    if bad:
        found[where] = bad
        w.resize(*size)  # each screen is judged on its own, not on the last one's growth


BUTTONS = {
    "custodians": "custodians_button",
    "journal": "journal_button",
    "export": "export_button",
    "troubleshooting": "help_button",
    "backup": "backup_button",
}


def visit(qtbot: QtBot, w: MainWindow, name: str) -> None:
    qtbot.mouseClick(getattr(w.dashboard, BUTTONS[name]), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.screens[name], timeout=5000)


@pytest.mark.parametrize("windowed", [True, False], ids=["windowed", "kiosk"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{a}x{b}" for a, b in SIZES])
def test_every_screen_fits_and_the_window_never_grows(
    qtbot: QtBot, root: Path, themed: None, size: tuple[int, int], windowed: bool
) -> None:
    w, _clock, _sc = make_window(qtbot, root, windowed=windowed)
    w.resize(*size)
    qtbot.waitUntil(lambda: (w.width(), w.height()) == size, timeout=5000)
    found: dict[str, list[str]] = {}
    check(w, size, "lock screen", found)
    w.ctx.keys.plug_only("dana")
    qtbot.mouseClick(w.unlock_screen.key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.unlock_screen.pin.isVisible(), timeout=5000)
    check(w, size, "lock screen, PIN asked", found)
    w.unlock_screen.reset()
    unlock(qtbot, w)
    check(w, size, "dashboard", found)
    for name in ("custodians", "journal", "export", "troubleshooting", "backup"):
        visit(qtbot, w, name)
        check(w, size, name, found)
        w.show_dashboard()
    qtbot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    check(w, size, "emergency: details", found)
    fill(qtbot, w, DETAILS)
    submit(qtbot, w)
    wait_step(qtbot, w, "approver")
    check(w, size, "emergency: approver", found)
    qtbot.mouseClick(w.flow_screen.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.dashboard, timeout=5000)
    check(w, size, "dashboard with an incident open", found)
    for name in ("custodians", "journal", "export", "troubleshooting"):
        visit(qtbot, w, name)
        check(w, size, f"{name} during an incident", found)
        w.show_dashboard()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


@pytest.mark.parametrize("size", SIZES, ids=[f"{a}x{b}" for a, b in SIZES])
def test_the_dashboard_with_alerts_to_acknowledge_fits(
    qtbot: QtBot, root: Path, themed: None, size: tuple[int, int]
) -> None:
    """Every opening leaves an alert for security on the dashboard (issue 19), with the
    chooser of who acknowledges it: the row must fit as the rest does."""
    w, _clock, _sc = make_window(qtbot, root, windowed=False)
    w.resize(*size)
    qtbot.waitUntil(lambda: (w.width(), w.height()) == size, timeout=5000)
    unlock(qtbot, w)
    assert w.journal is not None
    for n in range(2):
        w.journal.append(
            "alert.raised",
            {
                "alert": "usb.refused",
                "summary": f"A USB device not on the allow-list was connected ({n}): "
                "Realtek USB 10/100/1000 LAN adapter, vendor 0bda, product 8153",
            },
        )
    w.dashboard.refresh()
    qtbot.waitUntil(lambda: len(w.dashboard.alert_buttons) == 2, timeout=5000)
    # the rebuilt rows are laid out on the next turns of the event loop
    qtbot.waitUntil(
        lambda: all(b.height() < 480 for b in w.dashboard.account_buttons.values()), timeout=5000
    )
    found: dict[str, list[str]] = {}
    check(w, size, "dashboard with alerts", found)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_a_long_deadline_line_never_widens_the_flow_screen(qtbot: QtBot) -> None:
    """After a retrieval the step bar names the next deadline at length; unwrapped, it made
    the flow screen (and with it the window) 1,171 pixels wide."""
    from ui.screens.flow import StepBar

    bar = StepBar()
    qtbot.addWidget(bar)
    bar.times.setText(
        "Elapsed 0:45 since the declaration · next deadline: the credential reset within 24 "
        "hours of opening the envelope, due 2026-01-09 10:32 UTC (in 23 hours 47 minutes)"
    )
    assert bar.minimumSizeHint().width() < 600


@pytest.mark.parametrize("size", SIZES, ids=[f"{a}x{b}" for a, b in SIZES])
def test_the_lock_screen_with_no_journal_and_the_restore_screen_fit(
    qtbot: QtBot, root: Path, themed: None, size: tuple[int, int]
) -> None:
    """Issue 21: a machine with no journal offers the restore; its steps fit as the rest do."""
    import shutil

    shutil.rmtree(root / "data")
    w, _clock, _sc = make_window(qtbot, root, windowed=False)
    w.resize(*size)
    qtbot.waitUntil(lambda: (w.width(), w.height()) == size, timeout=5000)
    w.unlock_screen.reset()
    found: dict[str, list[str]] = {}
    assert w.unlock_screen.restore_button.isVisible()
    check(w, size, "lock screen, no journal", found)
    qtbot.mouseClick(w.unlock_screen.restore_button, Qt.MouseButton.LeftButton)
    check(w, size, "restore", found)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
