"""Responsiveness rules of the kiosk that a test can hold (timings live in benchmarks/ui.py).

* the unlock screen paints before any heavy module is imported (python-fido2,
  reportlab, the procedures, the journal, ``hardware``...): checked in a
  fresh process started like ``sealroom run``, which lists ``sys.modules``
  at the first paint;
* the policy's calendar check (the holidays package) runs behind it too, and
  a policy that fails it keeps the terminal locked with the reason on screen;
* nor are PySide6's costly types built then (the ``Qt`` namespace, every
  ``QObject`` subclass): the preloader builds them first, and the key filter
  and the lock screen's cursors come after it;
* the rest loads behind the painted unlock screen (preloader, then the flow
  screen and the dashboard), with no module of the list failing to import;
* the garbage collector, off during the start, comes back with the start-up
  frozen once the window is warm;
* a big step's field editors are built in slices across event-loop turns,
  and anything that needs them all (submit, a scan) builds the rest first;
* one key filter, on the windows: input seen by it restarts the idle lock;
* the dashboard fits 1280 px beside the demo's device panel (no sideways
  scrolling).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.kiosk_driver import (
    T,
    make_window,
    scan,
    step_editors_ready,
    unlock,
)
from ui.main_window import HEAVY, SCREENS
from ui.screens.flow import FlowScreen

ROOT = Path(__file__).resolve().parents[2]

#: Top-level packages and modules that must not be loaded when the lock screen paints.
NOT_BEFORE_PAINT = (
    "fido2",
    "reportlab",
    "qrcode",
    "PIL",
    "cryptography",
    "stdnum",
    "holidays",
    "hardware",
    "kiosk.procedures",
    "kiosk.journal",
    "kiosk.terminal",
    "kiosk.deadlines",
    "kiosk.verify",
    "ui.session",
    "ui.screens.flow",
    "ui.screens.dashboard",
)

FIRST_PAINT_PROBE = textwrap.dedent(
    """
    import json, logging, os, sys

    WATCH = json.loads(sys.argv[2])

    class FirstPaint(logging.Handler):
        def emit(self, record):
            if record.getMessage().startswith("unlock screen painted"):
                found = sorted(
                    m for m in sys.modules
                    if any(m == w or m.startswith(w + ".") for w in WATCH)
                )
                print("LOADED " + json.dumps(found), flush=True)
                from PySide6 import QtCore, QtWidgets

                built = {
                    "Qt": "Qt" in QtCore.__dict__,
                    "QWizard": "QWizard" in QtWidgets.__dict__,
                    "QProcess": "QProcess" in QtCore.__dict__,
                }
                print("BUILT " + json.dumps(built), flush=True)
                os._exit(0)

    log = logging.getLogger("sealroom.ui.start")
    log.setLevel(logging.INFO)
    log.addHandler(FirstPaint())
    from ui.cli import main

    main(["run", "--data", sys.argv[1], "--windowed"])
    """
)


def test_the_unlock_screen_paints_before_any_heavy_module_is_imported(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            FIRST_PAINT_PROBE,
            str(tmp_path / "data"),
            json.dumps(NOT_BEFORE_PAINT),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("LOADED ")]
    assert lines, f"the unlock screen never painted: {out.stderr[-2000:]}"
    loaded = json.loads(lines[0].removeprefix("LOADED "))
    assert loaded == [], f"imported before the unlock screen painted: {loaded}"
    # Nor are PySide6's costly types built: the Qt namespace (a hundred Python
    # enums), and every QObject subclass (which PySide6 builds when the key
    # filter sees an object of a class it does not wrap, e.g. QMainWindow's
    # animation timer).
    built = [ln for ln in out.stdout.splitlines() if ln.startswith("BUILT ")]
    assert json.loads(built[0].removeprefix("BUILT ")) == {
        "Qt": False,
        "QWizard": False,
        "QProcess": False,
    }


def test_the_rest_loads_behind_the_painted_unlock_screen(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    qtbot.waitUntil(lambda: w.warmed, timeout=T)
    assert w.preloader.failed == []  # every module of the list exists and imports
    assert set(HEAVY + SCREENS) <= set(sys.modules)
    assert w.stack.indexOf(w.flow_screen) > 0 and w.stack.indexOf(w.dashboard) > 0
    assert w.stack.currentWidget() is w.unlock_screen and w.locked


def test_the_key_filter_and_the_lock_screen_cursors_come_after_the_qt_namespace(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    u = w.unlock_screen
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    seen: list[str] = []
    w.preloader.qt_ready.connect(lambda: seen.append("ready"))
    qtbot.waitUntil(lambda: w.warmed, timeout=T)
    assert seen == ["ready"]
    for button in (u.key_button, u.pin_ok, u.cancel_button, u.recovery_link, u.unlock_button):
        assert button.cursor().shape() == Qt.CursorShape.PointingHandCursor
    # The filter is on the window: a fast burst meant for the PIN field is a scan.
    got: list[str] = []
    w.scans.scanned.connect(lambda text, _ok: got.append(text))
    u.pin.show()
    u.pin.setFocus()
    scan(qtbot, w, _sc, "ENV-000123")
    assert got == ["ENV-000123"] and u.pin.text() == ""


def test_a_window_closed_before_its_key_filter_came_leaves_none_behind(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    # Closed as soon as it painted: before the preloader said the Qt namespace is ready.
    w.unlock_screen.painted.connect(w.close)
    qtbot.waitUntil(lambda: w.preloader.done, timeout=T)
    qtbot.wait(50)  # its qt_ready and loaded signals are delivered
    # The next window (the terminal restarted) takes typing: no filter of the closed
    # window holds its keys (it held the passphrase's last key, and unlocking failed).
    w2, _clock2, _sc2 = make_window(qtbot, root)
    unlock(qtbot, w2)
    assert not w2.locked


def test_lock_screen_text_and_alignment_written_without_the_qt_namespace(
    qtbot: QtBot, root: Path
) -> None:
    from ui.widgets import body

    label = body("text")
    qtbot.addWidget(label)
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction
    w, _clock, _sc = make_window(qtbot, root)
    u = w.unlock_screen
    demo = [x for x in u.findChildren(type(label)) if x.objectName() == "demo"]
    assert demo and demo[0].textInteractionFlags() == (Qt.TextInteractionFlag.TextSelectableByMouse)
    qtbot.waitUntil(lambda: u.recovery_link.isVisible(), timeout=T)
    # "at the left, at its natural width": as Qt.AlignLeft in the layout did
    assert u.recovery_link.x() == u.layout().contentsRect().x()
    assert u.recovery_link.width() == u.recovery_link.sizeHint().width() < u.width() // 2


def test_the_collector_comes_back_frozen_when_the_window_is_warm(qtbot: QtBot, root: Path) -> None:
    import gc

    from ui.app import collect_when_warm

    frozen_before = gc.get_freeze_count()
    gc.disable()
    try:
        w, _clock, _sc = make_window(qtbot, root)
        collect_when_warm(w)
        assert not gc.isenabled()
        qtbot.waitUntil(lambda: w.warmed, timeout=T)
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen_before  # the start-up, out of the collector's sight
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_big_step_is_built_in_slices_and_submit_builds_the_rest(
    qtbot: QtBot, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FlowScreen, "BUILD_SLICE_S", 0.0)  # one editor per event-loop turn
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    f = w.flow_screen
    qtbot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
    assert f.flow is not None and f.flow.current == "details"
    fields = [x.name for x in f.flow.step.fields]
    assert len(fields) > 3
    assert list(f.editors) == fields[:1]  # the first at once, with the focus
    assert f.editors[fields[0]].focus_target().hasFocus() or not w.isActiveWindow()
    qtbot.waitUntil(lambda: step_editors_ready(w), timeout=T)
    assert list(f.editors) == fields  # in the step's order
    # the same step again: reading the answers (as submit does) needs no event loop
    f.render_step()
    assert len(f.editors) == 1
    assert f.values() == {} and list(f.editors) == fields


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


def test_a_policy_failing_its_deferred_calendar_check_keeps_the_terminal_locked(
    qtbot: QtBot, root: Path
) -> None:
    import dataclasses

    from kiosk.policy import load_policy

    policy = dataclasses.replace(load_policy(calendar=False), calendar_country="XX")
    w, _clock, _sc = make_window(qtbot, root, policy=policy)
    u = w.unlock_screen
    qtbot.waitUntil(lambda: w.preloader.done, timeout=T)
    qtbot.waitUntil(lambda: not u.key_button.isEnabled(), timeout=T)
    assert not u.unlock_button.isEnabled()
    message = u.status.text()
    assert f"line {policy.calendar_line}" in message and "holidays calendar" in message
    # Even a passphrase typed before the check finished does not unlock.
    w.on_unlocked(_open_journal(root, _clock))
    assert w.locked and w.stack.currentWidget() is u
    u.reset()  # a lock screen reset keeps the reason on screen
    assert "holidays calendar" in u.status.text()


def _open_journal(root: Path, clock: object) -> object:
    from hardware.sim.terminal import TEST_PASSPHRASE
    from kiosk.terminal import unlock_with_passphrase

    return unlock_with_passphrase(root / "data", TEST_PASSPHRASE, clock)  # type: ignore[arg-type]
