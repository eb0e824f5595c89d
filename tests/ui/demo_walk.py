"""Walk the demo (``sealroom demo``) to the end, as a person at its desk would.

Issue 22's "Done when": from the unlock through an emergency (declare,
approvals, take out, scan the envelope, seal check, open, scan the sheet's
QR code, log the use, sign), the reset (a new sheet printed and sealed), the
review and an export onto the demo's stick, to a bundle the auditor's
``sealroom verify`` accepts. Everything a person scans is picked on the demo
panel's scanner or scanned off a printed paper opened from it; keys are
touched on the panel; the stick is plugged in on the panel; the verdict is
the panel's auditor's.

Used by tests/ui/test_demo_walk.py and by docs/screenshots/take_demo.py
(which passes ``snap`` to photograph every step).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from hardware.sim.desk import DemoDesk, Paper
from kiosk.policy import Policy
from tests.ui.kiosk_driver import (
    CHECKLIST,
    SIGNED_IN_SCREEN,
    ScanClock,
    T,
    acknowledge,
    approve,
    both,
    choose,
    cont,
    declare,
    document,
    editor,
    fill,
    press,
    reset_both,
    review,
    seal_and_destroy,
    serve_keys,
    submit,
    the_state,
    unlock,
    wait_step,
)
from ui.cli_simulation import demo_context
from ui.main_window import MainWindow
from ui.screens.export import ExportScreen

Snap = Callable[[str], None]


def open_demo(
    bot: QtBot, root: Path, policy: Policy, size: tuple[int, int] = (1280, 800)
) -> tuple[MainWindow, DemoDesk]:
    """The demo's window, built by the function ``sealroom demo`` uses (demo_context)."""
    ctx, desk = demo_context(root, policy)
    # QTest's synthesized keys carry no human timing: typed text would look like a scan
    # to the ScanFilter. The walk scans only through the demo panel's scanner.
    ctx.scan_clock_ms = ScanClock()
    w = MainWindow(ctx)
    w.confirm_close = lambda: True
    bot.addWidget(w)
    w.resize(*size)
    w.show()
    return w, desk


def panel_scan(bot: QtBot, w: MainWindow, code: str) -> None:
    """Pick ``code`` in the demo scanner's list (looked at again first) and scan it."""
    panel = w.demo_panel
    assert panel is not None
    press(bot, panel.refresh_button)
    index = panel.to_scan.findData(code)
    if index < 0:
        offered = [panel.to_scan.itemText(i) for i in range(panel.to_scan.count())]
        raise AssertionError(f"{code} is not on the demo scanner's list: {offered}")
    panel.to_scan.setCurrentIndex(index)
    press(bot, panel.scan_button)


def sheet_of(desk: DemoDesk, serial: str) -> Paper:
    """The printed credential sheet sealed in bag ``serial`` (its barcode names the bag)."""
    for paper in desk.printer.papers:
        if any(text == serial for _kind, text in paper.codes()):
            return paper
    raise AssertionError(f"no printed sheet for {serial}")


def scan_sheet(bot: QtBot, w: MainWindow, desk: DemoDesk, serial: str, snap: Snap) -> None:
    """Open the sheet of ``serial`` from the panel's printed documents and scan its QR code."""
    panel = w.demo_panel
    assert panel is not None
    paper = sheet_of(desk, serial)
    press(bot, panel.refresh_button)
    choose(panel.papers, paper.number)
    press(bot, panel.open_button)
    window = panel.paper_window
    assert window is not None
    bot.waitUntil(window.isVisible, timeout=T)
    assert window.page_labels, window.banner.text()
    snap("paper-open")
    qr = paper.qr()
    assert qr is not None and qr in window.scan_buttons
    press(bot, window.scan_buttons[qr])
    window.close()


def emergency(bot: QtBot, w: MainWindow, desk: DemoDesk, snap: Snap) -> str:
    """Declare, approve, take out, inspect, open, scan the sheet, log use, sign; the serial."""
    snap("dashboard")
    declare(bot, w)
    snap("declare")
    acknowledge(bot, w)
    snap("declared")
    cont(bot, w, "checkout")
    snap("checkout")
    serial = sorted(e.serial for e in the_state(w).envelopes_for("entra-01", "sealed"))[0]
    panel_scan(bot, w, serial)
    assert editor(w, "serial").value() == serial, "the panel's scan did not fill the serial"
    submit(bot, w)
    both(bot, w)
    wait_step(bot, w, "inspect")
    snap("inspect")
    fill(bot, w, CHECKLIST)
    submit(bot, w)
    wait_step(bot, w, "open")
    fill(bot, w, {"exterior_signed": True})
    panel_scan(bot, w, serial)
    snap("open")
    submit(bot, w)
    both(bot, w)
    wait_step(bot, w, "confirm_sheet")
    snap("confirm-sheet")
    scan_sheet(bot, w, desk, serial, snap)
    submit(bot, w)
    wait_step(bot, w, None)
    cont(bot, w, "start")
    fill(bot, w, SIGNED_IN_SCREEN)
    snap("session-start")
    submit(bot, w)
    wait_step(bot, w, "action")
    fill(
        bot,
        w,
        {
            "action": "Reverted policy CA-014",
            "outcome": "Policy reverted",
            "narrated": True,
            "outside_reason": False,
            "then": "logout",
        },
    )
    snap("session-action")
    submit(bot, w)
    wait_step(bot, w, "logout")
    fill(bot, w, {"post_change_ref": "after.json"})
    submit(bot, w)
    wait_step(bot, w, None)
    document(bot, w)
    snap("documented")
    return serial


def acknowledge_opening(bot: QtBot, w: MainWindow, snap: Snap) -> None:
    """Security (Lee, outside the incident) acknowledges the opening's alert with a key,
    then the incident is taken up again from the dashboard, at the reset."""
    press(bot, w.flow_screen.close_button)
    d = w.dashboard
    d.refresh()
    (alert,) = [a for a in the_state(w).open_alerts() if a.alert == "envelope.opened"]
    assert d.ack_by is not None and alert.seq in d.alert_buttons
    snap("opening-alert")
    choose(d.ack_by, "lee")
    press(bot, d.alert_buttons[alert.seq])
    screen = w.screens["acknowledge"]
    press(bot, screen.ack_button)  # type: ignore[attr-defined]
    approve(bot, w, "lee", keys=screen.keys)  # type: ignore[attr-defined]
    bot.waitUntil(lambda: the_state(w).alerts[alert.seq].acknowledged, timeout=T)
    w.show_dashboard()
    (button,) = w.dashboard.incident_buttons.values()
    press(bot, button)
    wait_step(bot, w, "bag")


def reset(bot: QtBot, w: MainWindow, desk: DemoDesk, opened: str, snap: Snap) -> list[str]:
    """The reset by the panel: blank bags scanned, sheets approved and printed, sealed,
    the old envelopes destroyed; returns the new bags (their sheets are on the desk)."""
    flow = w.flow_screen.flow
    if flow is None or flow.done:
        cont(bot, w, "bag")
    flow = w.flow_screen.flow
    assert flow is not None
    snap("reset-bag")
    bags: list[str] = []
    while w.flow_screen.flow is flow and flow.current == "bag":
        bag = sorted(
            e.serial
            for e in the_state(w).envelopes.values()
            if e.state == "blank_stock" and e.serial not in bags
        )[0]
        bags.append(bag)
        panel_scan(bot, w, bag)
        submit(bot, w)
        bot.waitUntil(lambda: len(flow.serials) == len(bags) and not w.flow_screen.busy, timeout=T)
        wait_step(bot, w, flow.current)
    fill(bot, w, {"confirm": True})
    snap("reset-print")
    printed = len(desk.printer.papers)
    submit(bot, w)
    reset_both(bot, w)
    wait_step(bot, w, "test_login")
    assert len(desk.printer.papers) > printed, "no new sheet printed"
    for bag in bags:  # each new sheet lies on the desk, its barcode naming its bag
        assert sheet_of(desk, bag).qr() == flow.info["qr_by_serial"][bag]
    fill(bot, w, {"account_updated": True, "login_ok": True})
    submit(bot, w)
    seal_and_destroy(bot, w, flow, bags, opened, lambda code: panel_scan(bot, w, code), snap)
    return bags


def post_review(bot: QtBot, w: MainWindow, snap: Snap) -> None:
    cont(bot, w, "review")
    snap("review")
    review(bot, w)
    press(bot, w.flow_screen.close_button)
    assert w.stack.currentWidget() is w.dashboard


def export(bot: QtBot, w: MainWindow, snap: Snap) -> Path:
    """Plug the demo's stick in, export onto it (auditor Audrey and Dana approve)."""
    panel = w.demo_panel
    assert panel is not None and panel.auditor is not None
    box = panel.auditor.stick_box
    panel.scroll_area.ensureWidgetVisible(box)
    bot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(12, box.height() // 2))
    assert box.isChecked(), "the stick could not be plugged in"
    press(bot, w.dashboard.export_button)
    screen = w.screens["export"]
    assert isinstance(screen, ExportScreen) and w.stack.currentWidget() is screen
    press(bot, screen.refresh_button)
    bot.waitUntil(lambda: screen.volume.count() == 1, timeout=T)
    choose(screen.auditor, "audrey")
    choose(screen.custodian, "dana")
    snap("export")
    press(bot, screen.export_button)
    serve_keys(bot, w, screen.keys, lambda: not screen.busy)
    assert screen.result_path is not None, screen.banner.text()
    snap("exported")
    return screen.result_path


def audit(bot: QtBot, w: MainWindow, snap: Snap) -> tuple[int, str]:
    """The panel's auditor runs ``sealroom verify`` with the kiosk key: (exit code, report)."""
    panel = w.demo_panel
    assert panel is not None and panel.auditor is not None
    auditor = panel.auditor
    press(bot, auditor.audit_button)
    bot.waitUntil(lambda: auditor.last is not None, timeout=120_000)
    snap("audited")
    assert auditor.last is not None
    return auditor.last


def walk(bot: QtBot, w: MainWindow, desk: DemoDesk, snap: Snap | None = None) -> dict[str, Any]:
    """The whole walk; returns what it saw (opened serial, new bags, bundle, verdict)."""
    say = snap or (lambda _name: None)
    say("unlock")
    unlock(bot, w)
    opened = emergency(bot, w, desk, say)
    acknowledge_opening(bot, w, say)
    bags = reset(bot, w, desk, opened, say)
    post_review(bot, w, say)
    bundle = export(bot, w, say)
    code, report = audit(bot, w, say)
    return {"opened": opened, "bags": bags, "bundle": bundle, "code": code, "report": report}


__all__ = ["approve", "walk"]
