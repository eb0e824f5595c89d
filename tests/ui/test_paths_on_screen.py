"""The procedure's other paths on screen: tampered envelope, approver unreachable, solo, drill.

Driven as people would (clicks, typing, scans, key touches); each test stops
once its path's rule has shown on screen and in the journal, so the suite
stays quick. The complete emergency is ``test_emergency_on_screen``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.state.incidents import EXCEPTION_APPROVER_UNREACHABLE
from tests.ui.kiosk_driver import (
    APPROVER,
    SOLO_DETAILS,
    T,
    access_session,
    acknowledge,
    approve,
    cont,
    declare,
    document,
    editor,
    fill,
    incident,
    kinds,
    make_window,
    reset,
    retrieve,
    submit,
    unlock,
    wait_step,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_tampered_envelope_is_quarantined_and_the_other_one_opened(
    qtbot: QtBot, root: Path
) -> None:
    w, _clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    state = w.journal.state  # type: ignore[union-attr]
    first, second = sorted(e.serial for e in state.envelopes_for("entra-01", "sealed"))
    opened = retrieve(qtbot, w, sc, root, tamper=True)
    assert opened == second
    state = w.journal.state  # type: ignore[union-attr]
    assert state.envelopes[first].state == "quarantined"
    assert state.envelopes[second].state == "opened"
    assert incident(w).sheet_confirmed
    # the tampered envelope raised an alert the dashboard shows
    assert any(first in a.summary or "tamper" in a.summary.lower() for a in state.open_alerts())


def test_an_unreachable_approver_opens_the_exception_and_is_notified_after(
    qtbot: QtBot, root: Path
) -> None:
    w, clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w, unreachable=True, clock=clock)
    acknowledge(qtbot, w)
    inc = incident(w)
    assert EXCEPTION_APPROVER_UNREACHABLE in inc.exceptions
    assert len(inc.approver_attempts) == 3
    cont(qtbot, w, "checkout")
    retrieve(qtbot, w, sc, root)
    access_session(qtbot, w, clock)
    label = w.flow_screen.continue_button.text()
    assert "Notify the approver" in label  # before documentation, the approver is told
    cont(qtbot, w, "notify")
    fill(qtbot, w, {"approver": APPROVER, "channel": "phone"})
    submit(qtbot, w)
    wait_step(qtbot, w, None)
    assert incident(w).approver_notified_at is not None
    assert "Documentation" in w.flow_screen.continue_button.text()


def test_solo_access_proceeds_and_the_executive_comes_from_the_policy(
    qtbot: QtBot, root: Path
) -> None:
    """Issue 19: the reasons are required, the retrieval proceeds while the 1-hour
    sign-off runs, and the executive is chosen from the policy's list."""
    w, clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    no_reasons = {
        k: v
        for k, v in SOLO_DETAILS.items()
        if k not in ("solo_unavailable_reason", "solo_urgency_reason")
    }
    d = w.dashboard
    qtbot.mouseClick(d.emergency_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, w, "details")
    fill(qtbot, w, no_reasons)
    submit(qtbot, w)
    why = editor(w, "solo_unavailable_reason")
    qtbot.waitUntil(lambda: why.error.isVisible(), timeout=T)
    assert "both reasons" in why.error.text()
    w.flow_screen.close_button.click()
    declare(qtbot, w, details=SOLO_DETAILS)
    acknowledge(qtbot, w, solo=True)
    inc = incident(w)
    assert inc.solo
    assert w.flow_screen.signed_log[-1] == "✓ Custodian — Dana Whitfield approved"
    # The retrieval proceeds at once (sign-off first is a policy option, off by default).
    cont(qtbot, w, "checkout")
    retrieve(qtbot, w, sc, root, account="dc-local", solo=True)
    assert incident(w).sheet_confirmed
    assert len(incident(w).people) == 1
    access_session(qtbot, w, clock)
    assert "Executive sign-off" in w.flow_screen.continue_button.text()
    cont(qtbot, w, "sign_off")
    by = editor(w, "by")
    offered = (
        list(by.option_buttons)
        if hasattr(by, "option_buttons")
        else [by.combo.itemData(i) for i in range(by.combo.count()) if by.combo.itemData(i)]
    )
    assert offered == [a.name for a in w.ctx.policy.approvers]  # chosen, never typed
    fill(qtbot, w, {"by": "Sam Okafor", "method": "phone"})
    submit(qtbot, w)
    approve(qtbot, w, "dana")  # recorded with the key of the custodian present
    wait_step(qtbot, w, None)
    (signed_off,) = kinds(w, "exception.signed_off")
    assert [a["custodian"] for a in signed_off.attest] == ["dana"]
    assert signed_off.data["by"] == {"name": "Sam Okafor", "role": "Chief Operating Officer"}


def test_a_drill_goes_from_the_reset_to_its_verification_without_review(
    qtbot: QtBot, root: Path
) -> None:
    w, clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w, drill=True)
    acknowledge(qtbot, w)
    inc = incident(w)
    assert inc.test
    cont(qtbot, w, "checkout")
    opened = retrieve(qtbot, w, sc, root)
    access_session(qtbot, w, clock)
    document(qtbot, w)
    reset(qtbot, w, sc, opened)
    state = w.journal.state  # type: ignore[union-attr]
    done = state.incidents.get(inc.id)
    assert done is not None and done.rotated_at is not None and done.reviewed_at is None
    # a drill has no review; it does verify the reset (issue 18)
    assert "Verification after reset" in w.flow_screen.continue_button.text()
