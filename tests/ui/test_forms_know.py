"""Forms that know what the terminal knows (issue 22), on screen.

Custodian A's PIN field has the focus when the keys are asked for, and
custodian B's when B's turn comes: nobody reaches for the mouse mid-approval.
The same test runs again on a real X11 server (Xvfb, Qt's ``xcb``
platform), where a window that is not the active one gives no widget the
focus: offscreen, Qt activates the window by itself, so only the X11 run
fails without the panel making its window the active one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hardware.sim.terminal import DEFAULT_PIN
from tests.ui.kiosk_driver import (
    OWNERS,
    T,
    declare,
    fill,
    make_window,
    submit,
    unlock,
    wait_step,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_each_custodians_pin_field_has_the_focus_on_their_turn(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    wait_step(qtbot, w, "acknowledge")
    fill(qtbot, w, {"declared_by_ack": True, "witness_present": True, "second_person_ack": True})
    submit(qtbot, w)
    panel = w.flow_screen.keys
    try:
        for who in ("dana", "sam"):
            qtbot.waitUntil(
                lambda who=who: OWNERS[who] in panel.prompt.text() and panel.pin.isVisible(),
                timeout=T,
            )
            qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.pin, timeout=T)
            # typed straight in, without a click: the focus is where the PIN goes
            qtbot.keyClicks(QApplication.focusWidget(), DEFAULT_PIN)
            qtbot.keyClick(panel.pin, Qt.Key.Key_Return)
            w.scans.flush()
            qtbot.waitUntil(lambda: "touch" in panel.prompt.text().lower(), timeout=T)
            assert w.demo_panel is not None
            qtbot.mouseClick(w.demo_panel.touch_buttons[who], Qt.MouseButton.LeftButton)
            if who == "dana":
                qtbot.waitUntil(lambda: OWNERS["dana"] in panel.signed.text(), timeout=T)
        wait_step(qtbot, w, None)
    finally:
        w.lock()


ROOT = Path(__file__).resolve().parents[2]


def test_the_pin_focus_holds_on_a_real_x11_server() -> None:
    """The test above under Xvfb with Qt's ``xcb`` platform (about 10 s)."""
    if os.environ.get("QT_QPA_PLATFORM") == "xcb":
        pytest.skip("already on X11 (this is the inner run)")
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        if os.environ.get("SEALROOM_REQUIRE_X11"):
            pytest.fail("Xvfb is required (SEALROOM_REQUIRE_X11) but not installed")
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen(  # the display number Xvfb picked comes back on the pipe
        [xvfb, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            display = pipe.readline().strip()
        assert display, "Xvfb did not start"
        env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        env.update(DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
        inner = test_each_custodians_pin_field_has_the_focus_on_their_turn.__name__
        node = f"{Path(__file__).relative_to(ROOT)}::{inner}"
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", node],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    finally:
        server.terminate()
        server.wait(timeout=10)
