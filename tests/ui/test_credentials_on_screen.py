"""Issue 18 on screen: a superseded envelope refused at check-out, and tamper-then-reset.

Driven as people would (clicks, typing, scans, key touches) on the demo's
simulated terminal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hardware.sim.simulation import resume, save
from tests.ui.kiosk_driver import (
    T,
    access_session,
    acknowledge,
    both,
    cont,
    declare,
    document,
    editor,
    fill,
    incident,
    kinds,
    make_window,
    press,
    reset,
    retrieve,
    scan,
    submit,
    the_state,
    unlock,
    wait_step,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def supersede(root: Path, account: str) -> list[str]:
    """A new credential sealed for ``account`` (by the simulated people); the old copies."""
    sim = resume(root)
    try:
        old = sorted(e.serial for e in sim.journal.state.envelopes_for(account, "sealed"))
        sim.seal_new(account)
        save(sim)
    finally:
        sim.terminal.close()
    return old


def test_a_superseded_envelope_is_refused_at_checkout_with_the_reason(
    qtbot: QtBot, root: Path
) -> None:
    old = supersede(root, "entra-01")
    w, _clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    assert [the_state(w).envelope_state(s) for s in old] == ["superseded", "superseded"]
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    before = len(kinds(w, "envelope.checked_out"))
    scan(qtbot, w, sc, old[0])
    submit(qtbot, w)
    serial = editor(w, "serial")
    qtbot.waitUntil(serial.error.isVisible, timeout=T)
    text = serial.error.text()
    assert "superseded" in text and "no longer works" in text and old[0] in text
    assert w.flow_screen.flow is not None and w.flow_screen.flow.current == "checkout"
    assert len(kinds(w, "envelope.checked_out")) == before  # nothing recorded


def test_a_tampered_envelope_makes_rotation_due_and_the_reset_destroys_it(
    qtbot: QtBot, root: Path
) -> None:
    w, clock, sc = make_window(qtbot, root)
    unlock(qtbot, w)
    declare(qtbot, w)
    acknowledge(qtbot, w)
    cont(qtbot, w, "checkout")
    state = the_state(w)
    first, second = sorted(e.serial for e in state.envelopes_for("entra-01", "sealed"))
    opened = retrieve(qtbot, w, sc, root, tamper=True)
    assert opened == second
    state = the_state(w)
    account = state.accounts["entra-01"]
    assert account.rotation_due_since is not None and account.rotation_reason == "tampered"
    assert any("rotated now" in a.summary for a in state.open_alerts())
    access_session(qtbot, w, clock)
    document(qtbot, w)
    bag, _qr = reset(qtbot, w, sc, opened)  # signed by Dana and Lee (security, not of the incident)
    state = the_state(w)
    assert state.envelope_state(first) == "destroyed"
    assert state.envelope_state(opened) == "destroyed"
    assert state.envelope_state(bag) == "sealed"
    assert state.accounts["entra-01"].rotation_due_since is None
    (rotated,) = kinds(w, "credential.rotated")
    assert {a["custodian"] for a in rotated.attest} == {"dana", "lee"}
    destroyed = {e.data["serial"]: e.data for e in kinds(w, "envelope.destroyed")}
    assert destroyed[first]["reason"].startswith("tampered envelope")
    assert incident(w).rotated_at is not None


def test_an_account_is_updated_then_retired_from_the_dashboard_with_two_keys(
    qtbot: QtBot, root: Path
) -> None:
    """Accounts change (issue 18): each change is a dual entry started from the account's row;
    a retired account offers no new sealing and no further change."""
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    d = w.dashboard
    update, retire = d.account_change_buttons["entra-02"]
    assert update.accessibleName() == "Update account entra-02"
    press(qtbot, update)
    wait_step(qtbot, w, "details")
    fill(qtbot, w, {"reason": "Moved to the new safe", "storage_location": "Safe B"})
    submit(qtbot, w)
    both(qtbot, w)
    wait_step(qtbot, w, None)
    (updated,) = kinds(w, "account.updated")
    assert updated.data["storage_location"] == "Safe B" and len(updated.attest) == 2
    assert the_state(w).accounts["entra-02"].storage_location == "Safe B"
    press(qtbot, w.flow_screen.close_button)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is d, timeout=T)
    _update, retire = d.account_change_buttons["entra-02"]
    press(qtbot, retire)
    wait_step(qtbot, w, "retire")
    fill(qtbot, w, {"reason": "The tenant was decommissioned"})
    submit(qtbot, w)
    both(qtbot, w)
    wait_step(qtbot, w, None)
    (retired,) = kinds(w, "account.retired")
    assert len(retired.attest) == 2 and the_state(w).accounts["entra-02"].retired
    press(qtbot, w.flow_screen.close_button)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is d, timeout=T)
    assert "entra-02" not in d.account_change_buttons
    assert not d.account_buttons["entra-02"].isEnabled() or "uperseded" in (
        d.account_buttons["entra-02"].text()
    )
