"""The windowed demo: closing it mid-procedure asks first; a failed start leaves no folder.

Issue 22: closing the windowed demo mid-procedure quit at once, and a demo
whose display Qt could not use aborted after making its throw-away folder
(with the simulated keys' state in it), which stayed behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.kiosk_driver import DETAILS, fill, make_window, submit, unlock, wait_step

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parents[2]


def test_closing_the_windowed_terminal_mid_procedure_asks_first(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root, windowed=True)
    asked: list[bool] = []
    answer = [False]

    def confirm() -> bool:
        asked.append(True)
        return answer[0]

    w.confirm_close = confirm
    unlock(qtbot, w)
    assert not w.in_procedure()
    qtbot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    fill(qtbot, w, DETAILS)
    submit(qtbot, w)
    wait_step(qtbot, w, "approver")
    assert w.in_procedure()
    w.close()  # the person says Cancel: nothing happens
    assert asked == [True] and w.isVisible() and not w.locked
    assert w.flow_screen.flow is not None and w.flow_screen.flow.current == "approver"
    answer[0] = True
    w.close()  # the person says Close: the terminal locks and the window goes
    assert len(asked) == 2 and not w.isVisible() and w.locked


def test_closing_with_no_procedure_does_not_ask(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root, windowed=True)
    w.confirm_close = lambda: pytest.fail("asked with nothing in progress")  # type: ignore[assignment]
    unlock(qtbot, w)
    w.close()
    assert not w.isVisible() and w.locked


def test_a_demo_that_qt_cannot_start_leaves_no_throwaway_folder(tmp_path: Path) -> None:
    """A platform plugin Qt cannot load aborts the process (qFatal): no folder may exist by then."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), QT_QPA_PLATFORM="no-such-platform")
    run = subprocess.run(
        [sys.executable, "-m", "ui.cli", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert run.returncode != 0
    assert list(tmp.iterdir()) == []


def test_an_unplugged_simulated_key_cannot_be_touched(qtbot: QtBot, root: Path) -> None:
    """Issue 22: touching an unplugged simulated key must not work (nor count later)."""
    w, _clock, _sc = make_window(qtbot, root, auto_plug=False)
    panel = w.demo_panel
    assert panel is not None
    key = next(k for k in w.ctx.keys.simulated if k.owner == "dana")
    key.plugged = False
    panel.sync()
    button = panel.touch_buttons["dana"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not key.button._pressed.is_set()  # not felt, and not kept for later
    qtbot.mouseClick(panel.plug_boxes["dana"], Qt.MouseButton.LeftButton)
    assert key.plugged
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert key.button._pressed.is_set()


def test_the_demo_scanner_scans_what_lies_on_the_desk(qtbot: QtBot, root: Path) -> None:
    """Issue 22: the demo had no scanner; its panel now scans envelopes, bags and sheets."""
    from tests.ui.kiosk_driver import acknowledge, cont, declare, editor, the_state

    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    panel = w.demo_panel
    assert panel is not None
    panel.refresh_codes()
    serial = sorted(e.serial for e in the_state(w).envelopes_for("entra-01", "sealed"))[0]
    labels = [panel.to_scan.itemText(i) for i in range(panel.to_scan.count())]
    assert any(serial in x and "entra-01" in x for x in labels)
    assert any(x.startswith("Blank bag") for x in labels)
    panel.to_scan.setCurrentIndex(panel.to_scan.findData(serial))
    qtbot.mouseClick(panel.scan_button, Qt.MouseButton.LeftButton)
    assert editor(w, "serial").value() == serial
