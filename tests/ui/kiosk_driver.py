"""Drive the kiosk like two custodians would: clicks, typed text, scans.

A commissioned simulated terminal (``hardware.sim.simulation.setup``) is
built once and copied per test. Keys are simulated at the device (their
touch is the demo panel's button), the printer is the in-memory
``SimulatedPrinter``, the scanner is keystrokes through the real
``ScanFilter`` with a controllable millisecond clock.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QAccessible, QKeyEvent, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QScrollBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from hardware.printing.sim import SimulatedPrinter
from hardware.sim.people import REASON, WITNESS
from hardware.sim.simulation import save, setup
from hardware.sim.terminal import DEFAULT_PIN, TEST_PASSPHRASE
from kiosk.format.clock import FakeClock, parse_ts
from kiosk.policy import load_policy
from ui.app_context import AppContext, DemoInfo
from ui.devices import KeyDesk
from ui.main_window import MainWindow
from ui.screens.fields import FieldEditor, TimeInput
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
    if kw.pop("trusted_clock", True):
        clock.watch.trust(clock)  # the saved terminal goes on where it stopped (sim.resume)
    keys = KeyDesk.from_state_files(root / "keys", OWNERS)
    keys.auto_plug = kw.pop("auto_plug", True)
    scan_clock = ScanClock()
    ctx = AppContext(
        kw.pop("policy", None) or load_policy(),
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
    # no modal "Close Sealroom?" when the test ends mid-procedure (tests of it set their own)
    w.confirm_close = lambda: True
    qtbot.addWidget(w)
    w.resize(1280, 900)
    w.show()
    return w, clock, scan_clock


def keys_to_window(qtbot: QtBot, window: QWindow, text: str) -> None:
    """``text`` key by key, delivered as the input system does: to the window.

    The window's key filter (``ScanFilter``) sees each key, holds it while
    it might be part of a scan, and hands typing on to the focused widget.
    QTest can name only ASCII keys; any other character arrives as a key
    event carrying just its text, sent to the window the same way.
    """
    for ch in text:
        if ch.isascii() and ch.isprintable():
            qtbot.keyClick(window, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(window, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def type_into(qtbot: QtBot, w: MainWindow, widget: QWidget, text: str) -> None:
    """A person types ``text`` into ``widget`` (slow keys: typing, not a scan)."""
    widget.setFocus()
    window = w.windowHandle()
    assert window is not None, "the window is not shown"
    keys_to_window(qtbot, window, text)
    w.scans.flush()


def scan(qtbot: QtBot, w: MainWindow, clock: ScanClock, code: str) -> None:
    """``code`` as a wedge scanner types it (fast keys, Return), into whatever has focus.

    The keys go where a scanner's go: to the window, through the input
    system, which hands them to the focused widget unless the key filter
    on the window (``ScanFilter``) takes them as a scan.
    """
    window = w.windowHandle()
    assert window is not None, "the window is not shown"
    clock.step = 3
    keys_to_window(qtbot, window, code)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    w.scans.flush()
    clock.step = 200


def unlock(qtbot: QtBot, w: MainWindow, who: str = "dana", *, passphrase: bool = False) -> None:
    """``who`` unlocks with their key (PIN typed, key touched); or the recovery passphrase.

    Every unlock is journaled (``terminal.unlocked``); the passphrase also
    raises an alert, with its slip.
    """
    u = w.unlock_screen
    if passphrase:
        qtbot.mouseClick(u.recovery_link, Qt.MouseButton.LeftButton)
        assert unnamed_controls(w) == [], "controls without an accessible name on the lock screen"
        type_into(qtbot, w, u.passphrase, TEST_PASSPHRASE)
        qtbot.mouseClick(u.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not w.locked, timeout=T)
        return
    assert unnamed_controls(w) == [], "controls without an accessible name on the lock screen"
    assert w.demo_panel is not None
    w.ctx.keys.plug_only(who)
    qtbot.mouseClick(u.key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: u.pin.isVisible(), timeout=T)
    type_into(qtbot, w, u.pin, DEFAULT_PIN)
    qtbot.keyClick(u.pin, Qt.Key.Key_Return)
    w.scans.flush()
    qtbot.waitUntil(lambda: "Touch your security key" in u.key_prompt.text(), timeout=T)
    qtbot.mouseClick(w.demo_panel.touch_buttons[who], Qt.MouseButton.LeftButton)
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
        elif e.kind == "rows":
            fill_rows(qtbot, w, e, value)
        elif e.kind == "time":
            e.edit.clear()
            type_into(qtbot, w, e.edit, value)
        elif e.kind in ("longtext", "lines", "scanlist"):
            text = "\n".join(value) if isinstance(value, list) else value
            e.box.setFocus()
            e.box.setPlainText(text)  # multi-line paste; typing newlines moves focus
        elif e.value() != value:  # a pre-filled answer (a custodian's role) is replaced
            e.edit.clear()
            type_into(qtbot, w, e.edit, value)


def fill_rows(qtbot: QtBot, w: MainWindow, e: FieldEditor, rows: list[dict[str, Any]]) -> None:
    """Type each row into the table, pressing "Add row" for every row after the first."""
    table = e.table
    for i, row in enumerate(rows):
        if i >= len(table.rows):
            qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
        cells = table.rows[i]
        for col, value in row.items():
            cell = cells[col]
            if isinstance(cell, TimeInput):
                cell.edit.clear()
                type_into(qtbot, w, cell.edit, value)
            elif isinstance(cell, QCheckBox):
                if bool(value) != cell.isChecked():
                    qtbot.mouseClick(
                        cell, Qt.MouseButton.LeftButton, pos=QPoint(12, cell.height() // 2)
                    )
            elif isinstance(cell, QComboBox):
                cell.setFocus()
                cell.setCurrentIndex(cell.findData(value))
            elif isinstance(cell, QLineEdit):
                type_into(qtbot, w, cell, value)


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
    assert unnamed_controls(w) == [], f"controls without an accessible name at {step}"


def controls(top: QWidget) -> Iterator[QWidget]:
    """The visible widgets under ``top`` that take the focus: what people operate.

    Scroll bars are left out: they are parts of their scroll area.
    """
    for x in top.findChildren(QWidget):
        if not x.isVisible() or x.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if not isinstance(x, QScrollBar):
            yield x


def unnamed_controls(top: QWidget) -> list[str]:
    """Visible controls a screen reader would announce without a name (should be none).

    Asks Qt's accessibility layer, as assistive technology does: a button's
    text counts, an input needs its accessible name.
    """
    missing = []
    for x in controls(top):
        face = QAccessible.queryAccessibleInterface(x)
        name = face.text(QAccessible.Text.Name) if face is not None else ""
        if not name.strip():
            missing.append(f"{type(x).__name__} {x.objectName()!r}")
    return missing


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


# ---------------------------------------------------------------- the procedure, step by step
def qr_of(root: Path) -> dict[str, str]:
    import json

    return dict(json.loads((root / "simulation.json").read_text("utf-8"))["qr_of"])


DETAILS: dict[str, Any] = {
    "declared_by": "dana",
    "declared_by_role": "IT Director",
    "second_person": "sam",
    "second_person_role": "Chief Operating Officer",
    "witness": dict(WITNESS),
    "system": "Microsoft Entra ID",
    "system_purpose": "Tenant identity provider",
    "account": "entra-01",
    "reason": REASON,
    "evidence": "Screenshot set INC-EVID-1",
}
SOLO_DETAILS: dict[str, Any] = {
    "declared_by": "dana",
    "declared_by_role": "IT Director",
    "solo_urgent": True,
    "solo_unavailable_reason": "Sam is on a flight until tonight.",
    "solo_urgency_reason": "No one can sign in to the domain; it cannot wait.",
    "witness": dict(WITNESS),
    "system": "Domain Controller",
    "system_purpose": "Local administrator of the domain controllers",
    "account": "dc-local",
    "reason": REASON,
    "evidence": "Screenshot set INC-EVID-2",
}
DRILL_REASON = (
    "Quarterly test of the break-glass procedure. "
    "The emergency is simulated and documented as a test."
)
CHECKLIST = {
    "seal_unbroken": True,
    "signatures_undisturbed": True,
    "no_tears_or_holes": True,
    "no_steaming": True,
}
#: Independent of the incident's people (issue 19): not Dana or Sam, who declare.
APPROVER = "Priya Raman"
#: Every designated approver must be tried before the emergency exception.
APPROVERS = ("Dana Whitfield", "Sam Okafor", "Priya Raman")
#: answers of the post-incident review of the driven emergency
REVIEW = {
    "participants": [
        {"name": "Dana Whitfield", "role": "Custodian", "capacity": "invoker"},
        {"name": "Sam Okafor", "role": "Custodian", "capacity": "invoker"},
        {"name": "Priya Raman", "role": "Approver", "capacity": "approver"},
        {"name": "Lee Park", "role": "Security Lead", "capacity": "security"},
        {"name": "Ari Novak", "role": "System owner", "capacity": "system-owner"},
    ],
    "prerequisites_met": True,
    "dual_control_followed": True,
    "only_necessary_actions": True,
    "documentation_complete_and_signed": True,
    "credentials_reset": True,
    "audit_log_ref": "Entra sign-in and audit logs, incident window",
    "audit_log_outcome": "consistent",
    "root_cause": "configuration-error",
    "violations": False,
    "unexplained_actions": False,
    "security_reviewer": "lee",
    "ticket_ref": "SNOW INC0012345",
}


def the_state(w: MainWindow) -> Any:
    journal = w.journal
    if journal is None:
        raise RuntimeError("the terminal is locked")
    return journal.state


def incident(w: MainWindow) -> Any:
    """The incident of the flow on screen (else the one open incident)."""
    iid = getattr(w.flow_screen.flow, "incident", None)
    if isinstance(iid, str):
        return the_state(w).incidents.get(iid)
    return next(iter(the_state(w).incidents.open_incidents()))


def declare(
    qtbot: QtBot,
    w: MainWindow,
    *,
    drill: bool = False,
    details: dict[str, Any] | None = None,
    unreachable: bool = False,
    clock: FakeClock | None = None,
) -> None:
    """Invocation: details, then the approver (approved, or 15 minutes of attempts)."""
    d = w.dashboard
    qtbot.mouseClick(d.drill_button if drill else d.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    values = dict(details or DETAILS)
    if drill:
        values["reason"] = DRILL_REASON
    fill(qtbot, w, values)
    submit(qtbot, w)
    wait_step(qtbot, w, "approver")
    if unreachable:
        for i, channel in enumerate(("phone", "messaging", "email")):
            fill(
                qtbot,
                w,
                {
                    "outcome": "attempt",
                    "approver": APPROVERS[i % len(APPROVERS)],
                    "channel": channel,
                    "attempt_outcome": "no-answer",
                },
            )
            submit(qtbot, w)
            wait_step(qtbot, w, "approver")
            if clock is not None:
                clock.advance(minutes=8)
        fill(qtbot, w, {"outcome": "unreachable"})
    else:
        fill(
            qtbot,
            w,
            {
                "outcome": "approved",
                "approver": APPROVER,
                "channel": "phone",
                "conditions": "Revert the policy only.",
                "followup_ref": "E-mail from Priya Raman, 09:12",
            },
        )
    submit(qtbot, w)
    wait_step(qtbot, w, "declare")


def both(qtbot: QtBot, w: MainWindow, solo: bool = False) -> None:
    approve(qtbot, w, "dana")
    if not solo:
        approve(qtbot, w, "sam")


def acknowledge(qtbot: QtBot, w: MainWindow, solo: bool = False) -> None:
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    wait_step(qtbot, w, "acknowledge")
    ack = {"declared_by_ack": True, "witness_present": True}
    if not solo:
        ack["second_person_ack"] = True
    fill(qtbot, w, ack)
    submit(qtbot, w)
    both(qtbot, w, solo)
    wait_step(qtbot, w, None)


def cont(qtbot: QtBot, w: MainWindow, first_step: str) -> None:
    """Press the flow screen's "Continue: ..." button; the next flow starts at ``first_step``."""
    f = w.flow_screen
    if not f.continue_button.isVisible():
        raise AssertionError(f"no Continue button: {f.step_help.text()} {f.banner.text()}")
    qtbot.mouseClick(f.continue_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, first_step)


def take_out(qtbot: QtBot, w: MainWindow, sc: ScanClock, serial: str, solo: bool = False) -> None:
    """At check-out: ``serial`` scanned (it fills the serial field), recorded with the keys."""
    scan(qtbot, w, sc, serial)
    if editor(w, "serial").value() != serial:
        raise AssertionError("the scan did not fill the serial field")
    submit(qtbot, w)
    both(qtbot, w, solo)
    wait_step(qtbot, w, "inspect")


def open_envelope(
    qtbot: QtBot, w: MainWindow, sc: ScanClock, serial: str, solo: bool = False
) -> None:
    """At the inspection: an intact envelope, its exterior signed and opened; up to its sheet."""
    fill(qtbot, w, CHECKLIST)
    submit(qtbot, w)
    wait_step(qtbot, w, "open")
    fill(qtbot, w, {"exterior_signed": True})
    scan(qtbot, w, sc, serial)
    submit(qtbot, w)
    both(qtbot, w, solo)
    wait_step(qtbot, w, "confirm_sheet")


def retrieve(
    qtbot: QtBot,
    w: MainWindow,
    sc: ScanClock,
    root: Path,
    *,
    account: str = "entra-01",
    tamper: bool = False,
    solo: bool = False,
) -> str:
    """Check out, inspect (tampered: quarantine and take the other), open, confirm the sheet."""
    sealed = sorted(e.serial for e in the_state(w).envelopes_for(account, "sealed"))
    serial = sealed[0]
    take_out(qtbot, w, sc, serial, solo)
    if tamper:
        fill(qtbot, w, {**CHECKLIST, "no_steaming": False})
        submit(qtbot, w)
        qtbot.waitUntil(lambda: not w.flow_screen.busy, timeout=T)
        qtbot.waitUntil(editor(w, "photo_ref").error.isVisible, timeout=T)
        fill(qtbot, w, {"photo_ref": "PHOTO-1..4"})
        submit(qtbot, w)
        wait_step(qtbot, w, "checkout")
        serial = sealed[1]
        take_out(qtbot, w, sc, serial, solo)
    open_envelope(qtbot, w, sc, serial, solo)
    scan(qtbot, w, sc, qr_of(root)[serial])
    submit(qtbot, w)
    wait_step(qtbot, w, None)
    return serial


#: the answers of a login to entra-01 (its provider alerts security on sign-in)
SIGNED_IN_SCREEN: dict[str, Any] = {
    "outcome": "established",
    "baseline_ref": "baseline.json",
    "provider_session_ref": "6f1c2e9a-4b7d",
    "idp_alert_received": True,
}


def access_session(qtbot: QtBot, w: MainWindow, clock: FakeClock) -> None:
    cont(qtbot, w, "start")
    fill(qtbot, w, SIGNED_IN_SCREEN)
    submit(qtbot, w)
    wait_step(qtbot, w, "action")
    clock.advance(minutes=3)
    fill(
        qtbot,
        w,
        {
            "action": "Reverted policy CA-014",
            "outcome": "Policy reverted",
            "narrated": True,
            "outside_reason": False,
            "then": "logout",
        },
    )
    submit(qtbot, w)
    wait_step(qtbot, w, "logout")
    fill(qtbot, w, {"post_change_ref": "after.json"})
    submit(qtbot, w)
    wait_step(qtbot, w, None)


def document(qtbot: QtBot, w: MainWindow, solo: bool = False) -> None:
    cont(qtbot, w, "compile")
    fill(qtbot, w, {"exceeds": False, "both_reviewed": True})
    submit(qtbot, w)
    wait_step(qtbot, w, "sign")
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    both(qtbot, w, solo)
    wait_step(qtbot, w, None)


def review(qtbot: QtBot, w: MainWindow, values: dict[str, Any] | None = None) -> None:
    """The review, signed by security (Lee) and the invokers (Dana, Sam) with their keys."""
    fill(qtbot, w, values or REVIEW)
    submit(qtbot, w)
    for who in ("lee", "dana", "sam"):
        approve(qtbot, w, who)
    wait_step(qtbot, w, None)


def blank_bag(w: MainWindow) -> str:
    return sorted(e.serial for e in the_state(w).envelopes.values() if e.state == "blank_stock")[0]


def reset_both(qtbot: QtBot, w: MainWindow) -> None:
    """The reset's two approvers: Dana (of the incident) and Lee, security staff from outside."""
    approve(qtbot, w, "dana")
    approve(qtbot, w, "lee")


def reset(
    qtbot: QtBot, w: MainWindow, sc: ScanClock, opened: str, *, start: bool = True
) -> tuple[str, str]:
    """Rotation: a new bag per copy, the sheets approved and printed, test login, each copy
    sealed, every old envelope destroyed; returns (first bag, its sheet's QR).

    ``start=False``: the reset is already on screen at its first step (``bag``)."""
    if start:
        cont(qtbot, w, "bag")
    flow = w.flow_screen.flow
    if flow is None:
        raise AssertionError("no flow")
    bags: list[str] = []
    while w.flow_screen.flow is flow and flow.current == "bag":
        bag = sorted(
            e.serial
            for e in the_state(w).envelopes.values()
            if e.state == "blank_stock" and e.serial not in bags
        )[0]
        bags.append(bag)
        scan(qtbot, w, sc, bag)
        submit(qtbot, w)
        qtbot.waitUntil(
            lambda: len(flow.serials) == len(bags) and not w.flow_screen.busy, timeout=T
        )
        wait_step(qtbot, w, flow.current)
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    reset_both(qtbot, w)
    wait_step(qtbot, w, "test_login")
    qrs = dict(flow.info["qr_by_serial"])  # the codes printed on the sheets
    fill(qtbot, w, {"account_updated": True, "login_ok": True})
    submit(qtbot, w)
    seal_and_destroy(qtbot, w, flow, bags, opened, lambda code: scan(qtbot, w, sc, code))
    return bags[0], qrs[bags[0]]


def seal_and_destroy(
    qtbot: QtBot,
    w: MainWindow,
    flow: Any,
    bags: list[str],
    opened: str,
    scan_one: Callable[[str], None],
    snap: Callable[[str], None] = lambda _name: None,
) -> None:
    """The reset's end: seal each bag, destroy each superseded envelope, the inventory.

    ``scan_one`` reads a code as the test's scanner does (the kiosk driver's, or
    the demo panel's); ``snap`` is called before each step is submitted.
    """
    for bag in bags:
        wait_step(qtbot, w, "seal")
        fill(qtbot, w, {"sealed": True, "signed_across_seal": True})
        scan_one(bag)
        snap("reset-seal")
        submit(qtbot, w)
        reset_both(qtbot, w)
        qtbot.waitUntil(lambda b=bag: b in flow.sealed and not w.flow_screen.busy, timeout=T)
    wait_step(qtbot, w, "destroy")
    assert opened in flow.to_destroy()
    while flow.current == "destroy":
        old = flow.to_destroy()[0]
        scan_one(old)
        fill(qtbot, w, {"method": "cross-cut shredder", "witness": dict(WITNESS)})
        snap("reset-destroy")
        submit(qtbot, w)
        reset_both(qtbot, w)
        qtbot.waitUntil(
            lambda o=old: the_state(w).envelope_state(o) == "destroyed" and not w.flow_screen.busy,
            timeout=T,
        )
        qtbot.waitUntil(lambda: flow.current in ("destroy", "inventory"), timeout=T)
    wait_step(qtbot, w, "inventory")
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    reset_both(qtbot, w)
    wait_step(qtbot, w, None)
    snap("reset-done")


def serve_keys(qtbot: QtBot, w: MainWindow, panel: Any, done: Any, timeout: int = T) -> None:
    """Answer whatever the keys ask until ``done()``: the PIN when asked, a touch when blinking.

    The touch is the demo panel's button of the key that waits for it (the
    simulated key's own ``waiting`` flag), so nothing is pressed ahead of time.
    """
    desk = w.ctx.keys
    assert w.demo_panel is not None

    def waiting() -> Any:
        return next((k for k in desk.simulated if k.button.waiting.is_set()), None)

    for _ in range(40):
        qtbot.waitUntil(
            lambda: done() or panel.pin.isVisible() or waiting() is not None, timeout=timeout
        )
        if done():
            return
        key = waiting()
        if key is not None:
            w.demo_panel.sync()
            qtbot.mouseClick(w.demo_panel.touch_buttons[key.owner], Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda k=key: not k.button.waiting.is_set(), timeout=timeout)
        elif panel.pin.isVisible():
            type_into(qtbot, w, panel.pin, DEFAULT_PIN)
            qtbot.keyClick(panel.pin, Qt.Key.Key_Return)
            w.scans.flush()
            qtbot.waitUntil(lambda: not panel.pin.isVisible() or done(), timeout=timeout)
    raise AssertionError("the keys kept asking")


def choose(combo: QComboBox, data: Any) -> None:
    """Pick the entry carrying ``data`` (as a person would from the list)."""
    combo.setFocus()
    index = combo.findData(data)
    if index < 0:
        raise AssertionError(f"{data!r} is not offered")
    combo.setCurrentIndex(index)


# ---------------------------------------------------------------- added for more paths
def kinds(w: MainWindow, kind: str) -> list[Any]:
    """Every journal entry of ``kind`` (the terminal must be unlocked)."""
    journal = w.journal
    if journal is None:
        raise RuntimeError("the terminal is locked")
    return [e for e in journal.entries(1) if e.kind == kind]


def idle_lock(qtbot: QtBot, w: MainWindow, ms: int = 150) -> None:
    """Let the real idle watch lock the terminal (its interval shortened to ``ms``)."""
    w.idle.timer.setInterval(ms)
    w.idle.timer.start()
    qtbot.waitUntil(lambda: w.locked, timeout=T)
    w.idle.timer.setInterval(w.ctx.policy.idle_lock_seconds * 1000)  # as configured again


def tick_custodians(qtbot: QtBot, w: MainWindow, name: str, ids: list[str]) -> None:
    """Tick the custodians ``ids`` in a ``custodians`` field, as a person clicks them."""
    e = editor(w, name)
    for cid in ids:
        box = e.checks[cid]
        if not box.isChecked():
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(12, box.height() // 2))


def press(qtbot: QtBot, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def up_to_documentation(
    qtbot: QtBot, w: MainWindow, sc: ScanClock, root: Path, clock: FakeClock
) -> str:
    """Declare, retrieve and log the access session; returns the opened envelope's serial."""
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    opened = retrieve(qtbot, w, sc, root)
    access_session(qtbot, w, clock)
    return opened


def retype(qtbot: QtBot, w: MainWindow, widget: QWidget, text: str) -> None:
    """Select all in ``widget``, delete it and type ``text`` (a correction, as people make it)."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    if text:
        qtbot.keyClicks(widget, text)
    w.scans.flush()


def finish_verification(qtbot: QtBot, w: MainWindow, sc: ScanClock) -> str:
    """From the verification's ``check`` step to its end: test login, reseal, two approvals.

    Returns the serial of the fresh bag the sheet was resealed in.
    """
    wait_step(qtbot, w, "check")
    fill(
        qtbot,
        w,
        {
            "login_ok": True,
            "incident_login_logged": True,
            "test_login_logged": True,
            "change_logged": True,
        },
    )
    submit(qtbot, w)
    wait_step(qtbot, w, "reseal")
    fresh = blank_bag(w)
    scan(qtbot, w, sc, fresh)
    fill(qtbot, w, {"signed_across_seal": True, "witness": dict(WITNESS)})
    submit(qtbot, w)
    both(qtbot, w)
    both(qtbot, w)
    wait_step(qtbot, w, None)
    return fresh
