"""Drive the kiosk like two custodians would: clicks, typed text, scans.

A commissioned simulated terminal (``hardware.sim.scenarios.setup``) is
built once and copied per test. Keys are simulated at the device (their
touch is the demo panel's button), the printer is the in-memory
``SimulatedPrinter``, the scanner is keystrokes through the real
``ScanFilter`` with a controllable millisecond clock.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from hardware.printing.sim import SimulatedPrinter
from hardware.sim.scenarios import save, setup
from hardware.sim.terminal import DEFAULT_PIN, TEST_PASSPHRASE
from kiosk.clock import FakeClock, parse_ts
from kiosk.policy import load_policy
from ui.context import AppContext, DemoInfo
from ui.devices import KeyDesk
from ui.main_window import MainWindow
from ui.screens.fields import FieldEditor
from ui.workers import ThreadRunner

OWNERS = {"dana": "Dana Whitfield", "sam": "Sam Okafor", "lee": "Lee Park", "kim": "Kim Osei"}
T = 20000


class ScanClock:
    """Milliseconds for the ScanFilter: slow (typing) unless a scan is in progress."""

    def __init__(self) -> None:
        self.t = 1_000_000
        self.step = 200

    def __call__(self) -> int:
        self.t += self.step
        return self.t


def build_template(root: Path) -> dict[str, Any]:
    """A commissioned simulated terminal; returns its saved metadata (QR codes, clock)."""
    sim = setup(root)
    qr_of = dict(sim.qr_of)
    save(sim)
    sim.terminal.close()
    return {"qr_of": qr_of}


def copy_template(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    return dest


def make_window(qtbot: QtBot, root: Path, **kw: Any) -> tuple[MainWindow, FakeClock, ScanClock]:
    import json

    meta = json.loads((root / "simulation.json").read_text("utf-8"))
    clock = FakeClock(parse_ts(meta["now"]))
    keys = KeyDesk.from_state_files(root / "keys", OWNERS)
    keys.auto_plug = kw.pop("auto_plug", True)
    scan_clock = ScanClock()
    ctx = AppContext(
        load_policy(),
        root / "data",
        clock,
        ThreadRunner(),
        demo=DemoInfo(TEST_PASSPHRASE, root / "data", DEFAULT_PIN),
        keys=keys,
        printer=kw.pop("printer", SimulatedPrinter()),
        scan_clock_ms=scan_clock,
        **kw,
    )
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1280, 900)
    w.show()
    return w, clock, scan_clock


def type_into(qtbot: QtBot, w: MainWindow, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    w.scans.flush()


def scan(qtbot: QtBot, w: MainWindow, clock: ScanClock, code: str) -> None:
    """``code`` as a wedge scanner types it (fast keys, Return), into whatever has focus."""
    target = w.focusWidget() or w
    clock.step = 3
    for ch in code:
        qtbot.keyClicks(target, ch)
    qtbot.keyClick(target, Qt.Key.Key_Return)
    w.scans.flush()
    clock.step = 200


def unlock(qtbot: QtBot, w: MainWindow) -> None:
    u = w.unlock_screen
    qtbot.mouseClick(u.recovery_link, Qt.MouseButton.LeftButton)
    type_into(qtbot, w, u.passphrase, TEST_PASSPHRASE)
    qtbot.mouseClick(u.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.locked, timeout=T)


def editor(w: MainWindow, name: str) -> FieldEditor:
    return w.flow_screen.editors[name]


def fill(qtbot: QtBot, w: MainWindow, values: dict[str, Any]) -> None:
    """Answer the current step's fields as a person would."""
    for name, value in values.items():
        e = editor(w, name)
        if e.kind == "confirm":
            if value:
                qtbot.mouseClick(
                    e.check, Qt.MouseButton.LeftButton, pos=QPoint(12, e.check.height() // 2)
                )
        elif e.kind in ("yesno", "choice") and hasattr(e, "group"):
            qtbot.mouseClick(e.option_buttons[value], Qt.MouseButton.LeftButton)
        elif e.kind in ("custodian", "choice"):
            e.combo.setFocus()
            e.combo.setCurrentIndex(e.combo.findData(value))
        elif e.kind == "person":
            type_into(qtbot, w, e.name_edit, value["name"])
            type_into(qtbot, w, e.role_edit, value["role"])
        elif e.kind in ("longtext", "lines", "rows", "scanlist"):
            text = "\n".join(value) if isinstance(value, list) else value
            e.box.setFocus()
            e.box.setPlainText(text)  # multi-line paste; typing newlines moves focus
        else:
            type_into(qtbot, w, e.edit, value)


def submit(qtbot: QtBot, w: MainWindow) -> None:
    f = w.flow_screen
    qtbot.mouseClick(f.submit_button, Qt.MouseButton.LeftButton)


def wait_step(qtbot: QtBot, w: MainWindow, step: str | None) -> None:
    f = w.flow_screen

    def there() -> bool:
        if f.busy:
            return False
        if step is None:
            return f.flow is not None and f.flow.done
        return f.flow is not None and f.flow.current == step and step_editors_ready(w)

    qtbot.waitUntil(there, timeout=T)


def step_editors_ready(w: MainWindow) -> bool:
    f = w.flow_screen
    return f.flow is not None and set(f.editors) == {x.name for x in f.flow.step.fields}


def approve(qtbot: QtBot, w: MainWindow, who: str, keys: Any = None) -> None:
    """``who`` answers their key: PIN typed on screen, touch on the (simulated) key."""
    panel = keys or w.flow_screen.keys
    name = OWNERS[who]
    qtbot.waitUntil(lambda: name in panel.prompt.text() and panel.pin.isVisible(), timeout=T)
    type_into(qtbot, w, panel.pin, DEFAULT_PIN)
    qtbot.keyClick(panel.pin, Qt.Key.Key_Return)
    w.scans.flush()
    assert w.demo_panel is not None
    qtbot.waitUntil(
        lambda: "Touch" in panel.prompt.text() or "touch" in panel.prompt.text(), timeout=T
    )
    qtbot.mouseClick(w.demo_panel.touch_buttons[who], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: name in panel.signed.text() or not panel.isVisible(), timeout=T)
