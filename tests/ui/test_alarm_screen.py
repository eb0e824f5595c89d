"""The alarm screen: an entry that breaks the rules halts the terminal at unlock.

An insider (one custodian, their own key, a shell) writes a one-signature
dual entry straight into the database; at the next unlock the terminal shows
nothing but the alarm — which entry, what is wrong, what to do — prints its
slip, and offers only the acknowledgement by two custodians with two keys,
or the lock. And an ordinary alert is acknowledged with the key of the
custodian chosen on the dashboard.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.printing.sim import SimulatedPrinter
from hardware.sim.authenticator import SoftAuthenticator
from hardware.sim.terminal import DEFAULT_PIN, TEST_PASSPHRASE
from tests.insider.tools import Insider, Signer
from tests.ui.kiosk_driver import OWNERS, T, approve, kinds, make_window, press, unlock
from ui.screens.acknowledge import AcknowledgeScreen


def insider_writes_a_one_person_entry(root: Path) -> int:
    """Dana, alone with the files: an account registered with her signature only."""
    key = SoftAuthenticator(root / "keys" / "dana.json", label="Dana's key")
    who = Insider(root / "data", Signer("dana", key, "", DEFAULT_PIN))
    who.unwrap()
    who.me.credential_id = next(
        e.data["credential"]["id"]
        for e in who.entries()
        if e.kind == "custodian.enrolled" and e.data["custodian"] == "dana"
    )
    entry = who.write(
        "account.registered",
        {
            "account": "shadow-01",
            "username": "u",
            "system": "Payroll",
            "purpose": "p",
            "storage_location": "Safe A",
            "authorised": ["dana", "sam"],
        },
        [who.me],
        minutes=0,
    )
    return entry.seq


def test_the_alarm_screen_names_the_entry_and_takes_two_keys(qtbot: QtBot, root: Path) -> None:
    bad = insider_writes_a_one_person_entry(root)
    printer = SimulatedPrinter()
    w, _clock, _sc = make_window(qtbot, root, printer=printer)
    unlock(qtbot, w)
    screen = w.screens.get("acknowledge")
    assert isinstance(screen, AcknowledgeScreen)
    assert w.stack.currentWidget() is screen  # the alarm, not the dashboard
    assert screen.alarm_mode and w.journal is not None and w.journal.state.halted
    text = screen.what.text()
    assert f"Entry {bad} (account.registered)" in text and "two distinct custodians" in text
    assert "Two custodians acknowledge" in screen.todo.text()
    assert not screen.back.isVisible() and screen.lock_button.isVisible()
    # The alarm's slip prints through the terminal's slip printer.
    (alarm,) = [e for e in kinds(w, "alert.raised") if e.data["alert"] == "journal.integrity"]
    qtbot.waitUntil(
        lambda: any(j.title == f"Terminal alert {alarm.seq}" for j in printer.jobs), timeout=T
    )
    # The dashboard stays out of reach while halted.
    w.show_dashboard()
    assert w.stack.currentWidget() is screen
    # One custodian twice is refused before any key is asked for.
    screen.first.setCurrentIndex(screen.first.findData("sam"))
    screen.second.setCurrentIndex(screen.second.findData("sam"))
    press(qtbot, screen.ack_button)
    assert "two different custodians" in screen.banner.text()
    # Two custodians, two keys.
    screen.second.setCurrentIndex(screen.second.findData("lee"))
    press(qtbot, screen.ack_button)
    approve(qtbot, w, "sam", keys=screen.keys)
    approve(qtbot, w, "lee", keys=screen.keys)
    qtbot.waitUntil(lambda: not w.journal.state.halted, timeout=T)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: screen.back.isVisible(), timeout=T)
    (ack,) = kinds(w, "alert.acknowledged")
    assert ack.data["alert_seq"] == alarm.seq
    assert {a["custodian"] for a in ack.attest} == {"sam", "lee"}
    press(qtbot, screen.back)
    assert w.stack.currentWidget() is w.dashboard
    assert w.journal is not None and bad in w.journal.state.quarantined  # still evidence


def test_the_alarm_screen_can_lock_the_terminal(qtbot: QtBot, root: Path) -> None:
    insider_writes_a_one_person_entry(root)
    w, _clock, _sc = make_window(qtbot, root, printer=SimulatedPrinter())
    unlock(qtbot, w)
    screen = w.screens["acknowledge"]
    assert isinstance(screen, AcknowledgeScreen)
    qtbot.mouseClick(screen.lock_button, Qt.MouseButton.LeftButton)
    assert w.locked and w.stack.currentWidget() is w.unlock_screen


def test_an_alert_is_acknowledged_with_the_key_of_who_saw_it(qtbot: QtBot, root: Path) -> None:
    w, _clock, _sc = make_window(qtbot, root, printer=SimulatedPrinter())
    unlock(qtbot, w, passphrase=True)
    assert w.journal is not None
    # The recovery passphrase opened the terminal: that is an alert itself.
    (alert,) = [e for e in kinds(w, "alert.raised") if e.data["alert"] == "unlock.passphrase"]
    d = w.dashboard
    d.refresh()
    d.ack_by.setCurrentIndex(d.ack_by.findData("dana"))
    press(qtbot, d.alert_buttons[alert.seq])
    screen = w.screens["acknowledge"]
    assert isinstance(screen, AcknowledgeScreen) and w.stack.currentWidget() is screen
    assert OWNERS["dana"] in screen.ack_button.text()
    assert not screen.pickers.isVisible()
    press(qtbot, screen.ack_button)
    approve(qtbot, w, "dana", keys=screen.keys)
    qtbot.waitUntil(lambda: len(kinds(w, "alert.acknowledged")) == 1, timeout=T)
    (ack,) = kinds(w, "alert.acknowledged")
    assert ack.data == {"alert_seq": alert.seq, "by": "dana"}
    assert [a["custodian"] for a in ack.attest] == ["dana"]
    assert w.journal.state.alerts[alert.seq].acknowledged


def test_a_broken_chain_refuses_to_unlock_and_prints_the_slip(qtbot: QtBot, root: Path) -> None:
    key = SoftAuthenticator(root / "keys" / "dana.json", label="Dana's key")
    who = Insider(root / "data", Signer("dana", key, "", DEFAULT_PIN))
    who.unwrap()
    account = next(e for e in who.entries() if e.kind == "account.registered")
    who.rewrite(account.seq, lambda line: line.replace(b'"Safe A"', b'"Safe B"'))
    printer = SimulatedPrinter()
    w, _clock, _sc = make_window(qtbot, root, printer=printer)
    u = w.unlock_screen
    qtbot.mouseClick(u.recovery_link, Qt.MouseButton.LeftButton)
    u.passphrase.setText(TEST_PASSPHRASE)
    qtbot.mouseClick(u.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"entry {account.seq}" in u.status.text(), timeout=T)
    assert w.locked
    qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=T)
    assert printer.jobs[0].title == "Terminal alert refused" and not printer.jobs[0].sensitive
