"""A complete emergency on the kiosk's screens, as two custodians would drive it.

Only clicks, typed text and scans (keystrokes through the real ScanFilter);
keys simulated at the device, touched with the demo panel's buttons; the
printer is the in-memory SimulatedPrinter. Every step is the real flow.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.sim.scenarios import REASON, WITNESS
from tests.ui.kiosk_driver import (
    approve,
    build_template,
    editor,
    fill,
    make_window,
    scan,
    submit,
    unlock,
    wait_step,
)
from ui.main_window import MainWindow

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kiosk-template") / "t"
    build_template(root)
    return root


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "terminal"
    shutil.copytree(template, dest)
    return dest


def qr_of(root: Path) -> dict[str, str]:
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


def declare(qtbot: QtBot, w: MainWindow, approved: bool = True, drill: bool = False) -> None:
    d = w.dashboard
    qtbot.mouseClick(d.drill_button if drill else d.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    fill(qtbot, w, DETAILS)
    submit(qtbot, w)
    wait_step(qtbot, w, "approver")
    if approved:
        fill(
            qtbot,
            w,
            {
                "outcome": "approved",
                "approver": "Dana Whitfield",
                "channel": "phone",
                "conditions": "Revert the policy only.",
            },
        )
        submit(qtbot, w)
    wait_step(qtbot, w, "declare") if approved else None


def acknowledge(qtbot: QtBot, w: MainWindow) -> None:
    fill(qtbot, w, {"confirm": True})
    submit(qtbot, w)
    wait_step(qtbot, w, "acknowledge")
    fill(qtbot, w, {"declared_by_ack": True, "second_person_ack": True, "witness_present": True})
    submit(qtbot, w)
    approve(qtbot, w, "dana")
    approve(qtbot, w, "sam")
    wait_step(qtbot, w, None)


def cont(qtbot: QtBot, w: MainWindow, first_step: str) -> None:
    f = w.flow_screen
    assert f.continue_button.isVisible(), f.step_help.text()
    qtbot.mouseClick(f.continue_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, first_step)


CHECKLIST = {
    "seal_unbroken": True,
    "signatures_undisturbed": True,
    "no_tears_or_holes": True,
    "no_steaming": True,
}


def retrieve(qtbot: QtBot, w: MainWindow, sc: Any, root: Path, tamper: bool = False) -> str:
    state = w.journal.state  # type: ignore[union-attr]
    sealed = sorted(e.serial for e in state.envelopes_for("entra-01", "sealed"))
    serial = sealed[0]
    scan(qtbot, w, sc, serial)
    assert editor(w, "serial").value() == serial
    submit(qtbot, w)
    approve(qtbot, w, "dana")
    approve(qtbot, w, "sam")
    wait_step(qtbot, w, "inspect")
    if tamper:
        fill(qtbot, w, {**CHECKLIST, "no_steaming": False})
        submit(qtbot, w)
        qtbot.waitUntil(lambda: not w.flow_screen.busy, timeout=20000)
        assert editor(w, "photo_ref").error.isVisible()  # a photo is required
        fill(qtbot, w, {"photo_ref": "PHOTO-1..4"})
        submit(qtbot, w)
        wait_step(qtbot, w, "checkout")
        serial = sealed[1]
        scan(qtbot, w, sc, serial)
        submit(qtbot, w)
        approve(qtbot, w, "dana")
        approve(qtbot, w, "sam")
        wait_step(qtbot, w, "inspect")
    fill(qtbot, w, CHECKLIST)
    submit(qtbot, w)
    wait_step(qtbot, w, "open")
    fill(qtbot, w, {"exterior_signed": True})
    scan(qtbot, w, sc, serial)
    submit(qtbot, w)
    approve(qtbot, w, "dana")
    approve(qtbot, w, "sam")
    wait_step(qtbot, w, "confirm_sheet")
    scan(qtbot, w, sc, qr_of(root)[serial])
    submit(qtbot, w)
    wait_step(qtbot, w, None)
    return serial


def session_and_docs(qtbot: QtBot, w: MainWindow, clock: Any) -> None:
    cont(qtbot, w, "start")
    fill(qtbot, w, {"outcome": "established", "baseline_ref": "baseline.json"})
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
    submit(qtbot, w)
    wait_step(qtbot, w, None)


def test_a_complete_emergency_by_clicks_typing_and_scans(qtbot: QtBot, root: Path) -> None:
    w, clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    printer = w.ctx.printer
    before = len(printer.jobs)  # type: ignore[union-attr]
    declare(qtbot, w)
    # the step bar shows every step, the current one marked, and the time
    bar = w.flow_screen.bar
    assert "now: 3. Invocation record" in bar.steps.accessibleDescription()
    assert "Elapsed" in bar.times.text()
    acknowledge(qtbot, w)
    assert w.flow_screen.signed_log[-2:] == [
        "✓ Custodian A — Dana Whitfield approved",
        "✓ Custodian B — Sam Okafor approved",
    ]
    cont(qtbot, w, "checkout")
    clock.advance(minutes=5)
    retrieve(qtbot, w, sc, root)
    session_and_docs(qtbot, w, clock)
    assert len(printer.jobs) > before  # type: ignore[union-attr]
    inc = next(iter(w.journal.state.incidents.open_incidents()))  # type: ignore[union-attr]
    assert inc.sheet_confirmed and inc.session_ended_at is not None
    w.lock()
