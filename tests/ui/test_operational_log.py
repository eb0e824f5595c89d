"""The operational log of a whole simulated emergency: everything support needs, no secret.

Logging is configured as on the terminal (``sealroom``'s ``main`` sends it
to journald's socket, here one the test binds). Then, in one process:

* ``sealroom simulate --scenario emergency --export DIR``: a whole
  emergency through the reset, which prints a credential sheet (its password
  is caught on the way to the printer), approvals with the keys' PINs, an
  audit export; then the same command again, which fails (an error);
* the kiosk on that terminal: an unlock refused while a network interface
  is up, a recovery-passphrase unlock typed on screen, the USB bus with an
  allowed key and a refused device, the lock button, an unlock with a
  custodian's key and its PIN typed on screen, an interface coming up
  (alert), the lock button again.

Every byte that reached the journal socket is then searched for the printed
passwords, the PIN and the recovery passphrase (none may be there), and the
log must hold each event a support person looks for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware import journald
from hardware.printing.paper import RenderingPaper
from hardware.sim.terminal import DEFAULT_PIN, TEST_PASSPHRASE
from hardware.usb_devices import StaticUsbBus, UsbDescriptor
from kiosk.paper.documents import CredentialSheet, Document
from kiosk.paper.passwords import grouped
from kiosk.paper.printer import PrintResult
from tests.journal_socket import FakeJournal
from tests.ui.kiosk_driver import T, make_window, type_into, unlock
from ui.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ETH0 = {
    "interface": "eth0",
    "operstate": "up",
    "flags": "0x1003",
    "kind": "ethernet",
    "description": "eth0 (ethernet, up)",
}
WLAN0 = {**ETH0, "interface": "wlan0", "kind": "wireless", "description": "wlan0 (wireless, up)"}
YUBIKEY = UsbDescriptor(0x1050, 0x0407, 0, (3, 11), 1, 4, "Yubico", "YubiKey OTP+FIDO+CCID")
LAN_ADAPTER = UsbDescriptor(0x0BDA, 0x8153, 0, (0xFF,), 1, 5, "Realtek", "USB 10/100/1000 LAN")


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    j = FakeJournal(tmp_path / "journal.socket")
    monkeypatch.setenv(journald.SOCKET_ENV, str(j.path))
    yield j
    journald.unconfigure()
    j.close()


@pytest.fixture
def printed_passwords(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The password of every credential sheet, caught on its way to the printer."""
    caught: list[str] = []
    original = RenderingPaper.print_document

    def spy(
        self: RenderingPaper, doc: Document, sensitive: bool, *, ask_again: bool = True
    ) -> PrintResult:
        if isinstance(doc, CredentialSheet):
            caught.append(doc.password.reveal())
        return original(self, doc, sensitive, ask_again=ask_again)

    monkeypatch.setattr(RenderingPaper, "print_document", spy)
    return caught


def test_a_whole_emergency_is_logged_for_support_without_a_secret(
    qtbot: QtBot, tmp_path: Path, journal: FakeJournal, printed_passwords: list[str]
) -> None:
    root = tmp_path / "terminal"
    stick = tmp_path / "stick"
    assert (
        main(["simulate", "--data", str(root), "--scenario", "emergency", "--export", str(stick)])
        == 0
    )
    assert printed_passwords, "the reset printed a credential sheet"
    assert main(["simulate", "--data", str(root), "--scenario", "emergency"]) == 1  # not empty

    up: list[dict[str, str]] = [ETH0]
    w, _clock, _sc = make_window(
        qtbot, root, network=lambda: list(up), usb_bus=StaticUsbBus([YUBIKEY, LAN_ADAPTER])
    )
    u = w.unlock_screen
    qtbot.mouseClick(u.key_button, Qt.MouseButton.LeftButton)  # eth0 is up: refused
    assert w.locked and "eth0 (ethernet, up)" in u.status.text() and not u.pin.isVisible()

    up.clear()  # unplugged
    unlock(qtbot, w, passphrase=True)  # the recovery passphrase, typed
    qtbot.waitUntil(lambda: len(alerts_of(w, "network.up")) == 1, timeout=T)
    qtbot.waitUntil(lambda: len(alerts_of(w, "usb.refused")) == 1, timeout=T)
    qtbot.mouseClick(w.dashboard.lock_button, Qt.MouseButton.LeftButton)
    assert w.locked

    w.ctx.keys.plug_only("dana")
    qtbot.mouseClick(u.key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: u.pin.isVisible(), timeout=T)
    type_into(qtbot, w, u.pin, DEFAULT_PIN)
    qtbot.keyClick(u.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Touch your security key" in u.key_prompt.text(), timeout=T)
    assert w.demo_panel is not None
    qtbot.mouseClick(w.demo_panel.touch_buttons["dana"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.locked, timeout=T)
    up.append(WLAN0)
    w.alerts.check_network()  # the minute's look
    qtbot.waitUntil(lambda: len(alerts_of(w, "network.up")) == 2, timeout=T)
    qtbot.mouseClick(w.dashboard.lock_button, Qt.MouseButton.LeftButton)

    blob = journal.everything()
    records = journal.records()
    # -- no secret: not the printed passwords (as typed or as printed), not the PIN, not the
    # recovery passphrase
    secrets = [DEFAULT_PIN, TEST_PASSPHRASE]
    for password in printed_passwords:
        secrets += [password, grouped(password)]
    for secret in secrets:
        assert secret.encode() not in blob, "a secret reached the log"
    assert not [r for r in records if r.get("SEALROOM_EVENT") == "log.refused"]

    # -- everything support needs
    def events(name: str, **fields: str) -> list[dict[str, str]]:
        return [
            r
            for r in records
            if r.get("SEALROOM_EVENT") == name
            and all(r.get("SEALROOM_" + k.upper()) == v for k, v in fields.items())
        ]

    assert events("start", command="simulate") and events("stop", status="0")
    assert events("unlock", how="passphrase")
    [by_key] = events("unlock", how="key")
    assert by_key["SEALROOM_CUSTODIAN"] == "dana"
    [refused] = events("unlock.refused")
    assert refused["SEALROOM_CODE"] == "airgap.network_up" and "eth0" in refused["MESSAGE"]
    locks = events("lock", how="button")
    assert [r["SEALROOM_UNLOCKED_WITH"] for r in locks] == ["recovery passphrase", "security key"]
    assert events("device.attached") and "YubiKey" in events("device.attached")[0]["MESSAGE"]
    assert "0bda:8153" in events("device.refused")[0]["MESSAGE"]
    assert events("print", document="credential-sheet", outcome="completed")
    assert events("print", document="alert-slip")
    assert events("export", outcome="completed")
    assert {r["SEALROOM_ALERT"] for r in events("alert")} >= {"network.up", "usb.refused"}
    assert events("airgap.up", interface="wlan0")
    [error] = events("error", code="simulate.not_empty")
    assert error["SEALROOM_TYPE"] == "SealroomError"
    assert error["SEALROOM_WHERE"].startswith("hardware/sim/simulation.py:")
    assert events("entry", kind="invocation.declared")
    assert all(r["SYSLOG_IDENTIFIER"] == "sealroom" for r in records)


def alerts_of(w: Any, name: str) -> list[Any]:
    journal = w.journal
    if journal is None:
        return []
    return [a for a in journal.state.alerts.values() if a.alert == name]


def test_an_error_a_person_is_shown_is_logged_with_its_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every failure of a background job reaches the log: code, type, where it was raised."""
    import logging

    from hardware.network import interfaces
    from kiosk.errors import DeviceError
    from kiosk.errors.oplog import EVENT_ATTR, FIELDS_ATTR
    from ui.workers import as_user_error

    caplog.set_level(logging.INFO, logger="sealroom")
    try:
        interfaces(Path("/nonexistent-sealroom-test"))
    except DeviceError as exc:
        assert as_user_error(exc) is exc
    try:
        {}["defect"]  # an unexpected exception
    except KeyError as exc:
        assert as_user_error(exc).code == "internal"
    errors = [r for r in caplog.records if getattr(r, EVENT_ATTR, None) == "error"]
    assert [r.levelname for r in errors] == ["WARNING", "ERROR"]
    shown, defect = (getattr(r, FIELDS_ATTR) for r in errors)
    assert shown["code"] == "airgap.unreadable" and shown["type"] == "DeviceError"
    assert shown["where"].startswith("hardware/network.py:")
    assert defect["type"] == "KeyError" and errors[1].exc_info is not None
