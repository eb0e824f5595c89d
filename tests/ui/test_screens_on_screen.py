"""The other screens, and what the kiosk refuses, as people meet them.

Custodians screen: enrolling an auditor's new key (PIN chosen on screen,
two touches, two approvers) and revoking a custodian. Audit export onto a
"USB stick" (a temporary directory offered by the volume lister), approved
by that auditor and a custodian, with live progress; the bundle verifies
offline. The idle lock on these screens. A flow left half-way resumes where
it was. Each refusal shows its reason where the person looks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.media import Volume
from kiosk.errors.messages import render
from kiosk.verify import verify_bundle
from tests.ui.kiosk_driver import (
    CHECKLIST,
    DETAILS,
    T,
    acknowledge,
    approve,
    both,
    choose,
    cont,
    declare,
    editor,
    fill,
    incident,
    make_window,
    open_envelope,
    qr_of,
    scan,
    serve_keys,
    submit,
    take_out,
    the_state,
    type_into,
    unlock,
    wait_step,
)
from ui.main_window import MainWindow
from ui.screens.custodians import CustodiansScreen
from ui.screens.export import ExportScreen

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def open_screen(qtbot: QtBot, w: MainWindow, button: str, name: str) -> object:
    qtbot.mouseClick(getattr(w.dashboard, button), Qt.MouseButton.LeftButton)
    screen = w.screens[name]
    assert w.stack.currentWidget() is screen
    return screen


def enrol_auditor(qtbot: QtBot, w: MainWindow) -> CustodiansScreen:
    screen = open_screen(qtbot, w, "custodians_button", "custodians")
    assert isinstance(screen, CustodiansScreen)
    type_into(qtbot, w, screen.new_id, "audrey")
    type_into(qtbot, w, screen.new_name, "Audrey Kim")
    type_into(qtbot, w, screen.new_role, "Internal Auditor")
    choose(screen.duty, "auditor")
    choose(screen.enrol_approvers[0], "dana")
    choose(screen.enrol_approvers[1], "sam")
    qtbot.mouseClick(screen.enrol_button, Qt.MouseButton.LeftButton)
    serve_keys(qtbot, w, screen.keys, lambda: not screen.busy)
    return screen


def test_an_auditor_is_enrolled_then_exports_a_bundle_that_verifies(
    qtbot: QtBot, root: Path, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    volume = Volume("/dev/sdz1", stick, "vfat", True, False, "sdz", "AUDIT-STICK")
    w, _clock, _sc = make_window(qtbot, root, volumes=lambda: [volume])
    unlock(qtbot, w)
    screen = enrol_auditor(qtbot, w)
    assert "Audrey Kim's key is enrolled" in screen.banner.text(), screen.banner.text()
    audrey = the_state(w).custodians["audrey"]
    assert audrey.duties == ("auditor",) or list(audrey.duties) == ["auditor"]
    assert "Audrey Kim — Internal Auditor: 1 key(s)" in screen.people.text()
    assert "audrey" in w.demo_panel.touch_buttons  # type: ignore[union-attr]

    qtbot.mouseClick(screen.back, Qt.MouseButton.LeftButton)
    export = open_screen(qtbot, w, "export_button", "export")
    assert isinstance(export, ExportScreen)
    qtbot.waitUntil(lambda: export.volume.count() == 1, timeout=T)
    assert "AUDIT-STICK" in export.volume.currentText()
    choose(export.auditor, "audrey")
    choose(export.custodian, "dana")
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    serve_keys(qtbot, w, export.keys, lambda: not export.busy)
    assert export.result_path is not None, export.banner.text()
    assert "Give the stick to the auditor" in export.banner.text()
    # progress came live from the worker, not only at the end
    assert export.progress_seen and export.progress_seen[-1] == 100
    assert any(0 < p < 100 for p in export.progress_seen), export.progress_seen
    kiosk_pub = (root / "data" / "kiosk.pub").read_text()
    result = verify_bundle(export.result_path, trusted_keys=[kiosk_pub])
    assert result.ok and result.authenticated, result
    assert export.result_path.parent == stick


def test_a_custodian_is_revoked_by_two_others(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    screen = open_screen(qtbot, w, "custodians_button", "custodians")
    assert isinstance(screen, CustodiansScreen)
    assert screen.who.currentData() is None  # nobody is preselected for revocation
    qtbot.mouseClick(screen.revoke_button, Qt.MouseButton.LeftButton)
    assert screen.banner.text() == "Choose who, why, and the two approvers."
    choose(screen.who, "kim")
    type_into(qtbot, w, screen.reason, "Left the company")
    choose(screen.approvers[0], "dana")
    choose(screen.approvers[1], "sam")
    qtbot.mouseClick(screen.revoke_button, Qt.MouseButton.LeftButton)
    serve_keys(qtbot, w, screen.keys, lambda: not screen.busy)
    assert screen.banner.text() == "Revoked and recorded."
    assert the_state(w).custodians["kim"].revoked
    assert "Kim Osei — Senior SysAdmin: revoked" in screen.people.text()
    assert screen.who.findData("kim") < 0  # no longer offered anywhere


def test_the_same_person_twice_is_refused_with_the_reason_and_can_be_cancelled(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    screen = open_screen(qtbot, w, "custodians_button", "custodians")
    assert isinstance(screen, CustodiansScreen)
    choose(screen.who, "kim")
    type_into(qtbot, w, screen.reason, "Key lost")
    choose(screen.approvers[0], "dana")
    choose(screen.approvers[1], "dana")
    qtbot.mouseClick(screen.revoke_button, Qt.MouseButton.LeftButton)
    serve_keys(qtbot, w, screen.keys, lambda: screen.keys.again.isVisible())
    said = screen.banner.text()
    assert "Dana Whitfield" in said and "already approved this step" in said, said
    qtbot.mouseClick(screen.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy, timeout=T)
    assert not the_state(w).custodians["kim"].revoked
    assert screen.back.isEnabled()


def test_the_same_key_twice_is_refused_then_the_right_key_approves(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, _sc = make_window(qtbot, root, auto_plug=False)
    panel = w.demo_panel
    assert panel is not None
    unlock(qtbot, w)
    declare(qtbot, w)
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    wait_step(qtbot, w, "acknowledge")
    fill(qtbot, w, {"declared_by_ack": True, "second_person_ack": True, "witness_present": True})
    qtbot.mouseClick(panel.plug_boxes["dana"], Qt.MouseButton.LeftButton)  # Dana's key in
    submit(qtbot, w)
    approve(qtbot, w, "dana")
    f = w.flow_screen
    # Sam's turn, but only Dana's key is plugged in: refused before any touch, naming
    # whose key it is and whose is expected (issue 22: it waited ~80 s for a touch).
    qtbot.waitUntil(f.keys.again.isVisible, timeout=T)
    assert "Custodian B — Sam Okafor" in f.keys.prompt.text()
    assert f.banner.text().startswith(
        "This is Dana Whitfield's key, which already approved this step: Sam Okafor must "
        "use their own key."
    ), f.banner.text()
    qtbot.mouseClick(panel.plug_boxes["dana"], Qt.MouseButton.LeftButton)  # out
    # Another custodian's key (Lee's): refused at once too, both named.
    qtbot.mouseClick(panel.plug_boxes["lee"], Qt.MouseButton.LeftButton)  # Lee's in
    qtbot.mouseClick(f.keys.again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Lee Park" in f.banner.text(), timeout=T)
    assert f.banner.text().startswith("This is Lee Park's key, not Sam Okafor's"), f.banner.text()
    qtbot.waitUntil(f.keys.again.isVisible, timeout=T)
    qtbot.mouseClick(panel.plug_boxes["lee"], Qt.MouseButton.LeftButton)  # out
    qtbot.mouseClick(panel.plug_boxes["sam"], Qt.MouseButton.LeftButton)  # Sam's in
    qtbot.mouseClick(f.keys.again, Qt.MouseButton.LeftButton)
    approve(qtbot, w, "sam")
    wait_step(qtbot, w, None)
    assert incident(w).acknowledged_at is not None


def test_the_same_person_as_declarer_and_second_person_is_refused_under_the_field(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    qtbot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    fill(qtbot, w, {**DETAILS, "second_person": "dana"})
    submit(qtbot, w)
    qtbot.waitUntil(lambda: not w.flow_screen.busy, timeout=T)
    e = editor(w, "second_person")
    assert e.error.isVisible() and e.error.text()
    assert w.flow_screen.flow is not None and w.flow_screen.flow.current == "details"


def test_wrong_and_malformed_scans_and_an_unskippable_step_say_what_is_wrong(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    # a scan where nothing is to be scanned says so
    scan(qtbot, w, sc, "SR00001234")
    assert w.flow_screen.banner.text() == render("ui.no_scan_here", {})
    # the record must be confirmed: Record without the tick is refused under it
    submit(qtbot, w)
    qtbot.waitUntil(lambda: not w.flow_screen.busy, timeout=T)
    assert editor(w, "confirm").error.isVisible()
    assert editor(w, "confirm").error.text() == render(
        "procedure.field_missing", {"field": "The record is complete and correct"}
    )
    assert w.flow_screen.flow.current == "declare"  # type: ignore[union-attr]
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    head = w.journal.head.seq  # type: ignore[union-attr]
    # a malformed scan is refused at once, under the field
    scan(qtbot, w, sc, "NOT A SERIAL")
    assert editor(w, "serial").error.isVisible()
    assert editor(w, "serial").error.text()
    # another account's envelope is refused by the flow, and nothing is recorded
    other = sorted(e.serial for e in the_state(w).envelopes_for("entra-02", "sealed"))[0]
    editor(w, "serial").edit.clear()
    scan(qtbot, w, sc, other)
    assert not editor(w, "serial").error.isVisible()
    submit(qtbot, w)
    qtbot.waitUntil(lambda: not w.flow_screen.busy, timeout=T)
    problem = editor(w, "serial").error
    assert problem.isVisible() and problem.text(), w.flow_screen.banner.text()
    assert w.flow_screen.flow.current == "checkout"  # type: ignore[union-attr]
    assert w.journal.head.seq == head  # type: ignore[union-attr]
    assert "holds the credentials of entra-02, not of entra-01" in problem.text()


def test_a_flow_left_half_way_resumes_at_its_step(qtbot: QtBot, root: Path) -> None:
    w, _clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    serial = sorted(e.serial for e in the_state(w).envelopes_for("entra-01", "sealed"))[0]
    take_out(qtbot, w, sc, serial)
    flow = w.flow_screen.flow
    iid = incident(w).id
    qtbot.mouseClick(w.flow_screen.close_button, Qt.MouseButton.LeftButton)
    assert w.stack.currentWidget() is w.dashboard
    button = w.dashboard.incident_buttons[iid]
    assert "at step: Check the envelope's integrity" in button.accessibleName(), button.text()
    assert button.text() == "Continue: Check the envelope's integrity"  # short: fits the screen
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "inspect")
    assert w.flow_screen.flow is flow  # the same flow, not a fresh one at "checkout"
    open_envelope(qtbot, w, sc, serial)
    scan(qtbot, w, sc, qr_of(root)[serial])
    submit(qtbot, w)
    wait_step(qtbot, w, None)
    assert incident(w).sheet_confirmed


def test_a_declaration_left_half_way_is_offered_on_the_dashboard(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    qtbot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    fill(qtbot, w, DETAILS)
    submit(qtbot, w)
    wait_step(qtbot, w, "approver")
    iid = w.flow_screen.flow.incident  # type: ignore[union-attr]
    qtbot.mouseClick(w.flow_screen.close_button, Qt.MouseButton.LeftButton)
    button = w.dashboard.incident_buttons[iid]
    assert "at step: Emergency approver" in button.accessibleName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "approver")


def test_the_idle_lock_ends_a_waiting_approval_and_forgets_the_screens(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    screen = open_screen(qtbot, w, "custodians_button", "custodians")
    assert isinstance(screen, CustodiansScreen)
    choose(screen.who, "kim")
    type_into(qtbot, w, screen.reason, "Key lost")
    choose(screen.approvers[0], "dana")
    choose(screen.approvers[1], "sam")
    qtbot.mouseClick(screen.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(screen.keys.pin.isVisible, timeout=T)  # Dana is asked for her PIN
    w.idle.timer.setInterval(300)  # the policy's idle time, shortened for the test
    w.idle.timer.start()
    qtbot.waitUntil(lambda: w.locked, timeout=T)
    assert w.stack.currentWidget() is w.unlock_screen
    qtbot.waitUntil(lambda: not screen.busy, timeout=T)  # the waiting worker ended
    assert screen.session is None and w.flow_screen.session is None
    unlock(qtbot, w)
    assert not the_state(w).custodians["kim"].revoked
    assert w.stack.currentWidget() is w.dashboard


def test_input_keeps_the_terminal_unlocked(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    qtbot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    w.idle.timer.setInterval(400)
    w.idle.timer.start()
    for _ in range(4):  # typing for longer than the idle time
        type_into(qtbot, w, editor(w, "system").edit, "x")
        qtbot.wait(150)
    assert not w.locked
    qtbot.waitUntil(lambda: w.locked, timeout=T)
    assert w.flow_screen.flow is None and not w.flow_screen.paused


def test_after_a_lock_mid_retrieval_continue_returns_the_envelope_first(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    serial = sorted(e.serial for e in the_state(w).envelopes_for("entra-01", "sealed"))[0]
    take_out(qtbot, w, sc, serial)
    iid = incident(w).id
    w.lock()  # the flow on hold is gone with the session
    unlock(qtbot, w)
    button = w.dashboard.incident_buttons[iid]
    assert f"Return envelope {serial}, left checked out" in button.text(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "scan")
    scan(qtbot, w, sc, serial)
    submit(qtbot, w)
    wait_step(qtbot, w, "inspect")
    fill(
        qtbot,
        w,
        {
            **CHECKLIST,
            "reason": "The terminal locked during the retrieval",
            "continue_retrieval": True,
        },
    )
    submit(qtbot, w)
    both(qtbot, w)
    wait_step(qtbot, w, None)
    assert the_state(w).envelopes[serial].state == "sealed"
    # then the retrieval starts again from the check-out, and works
    cont(qtbot, w, "checkout")
    take_out(qtbot, w, sc, serial)


@pytest.mark.usefixtures("themed")
def test_each_new_step_opens_at_its_first_question(qtbot: QtBot, root: Path) -> None:
    """The page of the step before was scrolled down while it was filled in; the next is not."""
    w, _clock, _sc = make_window(qtbot, root)
    w.resize(1280, 800)
    unlock(qtbot, w)
    qtbot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    f = w.flow_screen
    bar = f.scroller.verticalScrollBar()
    fill(qtbot, w, DETAILS)
    bar.setValue(bar.maximum())  # as when the last questions were answered
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=T)
    submit(qtbot, w)
    wait_step(qtbot, w, "approver")
    qtbot.wait(50)  # the new page is laid out
    assert bar.value() == 0
    assert f.editors["outcome"].visibleRegion().boundingRect().height() > 0
