"""The air gap on screen: a network interface up refuses the unlock (naming it) and is alerted.

The kiosk's look at the interfaces is ``AppContext.network`` (``sealroom
run`` reads /sys/class/net; here a list the test changes, as if a cable
were plugged in and out).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.sim.terminal import TEST_PASSPHRASE
from kiosk.policy import load_policy
from tests.ui.kiosk_driver import T, make_window, type_into, unlock
from ui.alerts import NETWORK_CHECK_MS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ETH0 = {
    "interface": "eth0",
    "operstate": "up",
    "flags": "0x1003",
    "kind": "ethernet",
    "description": "eth0 (ethernet, up)",
}


def network_alerts(w: Any) -> list[Any]:
    if w.journal is None:
        return []
    return [e for e in w.journal.entries() if e.data.get("alert") == "network.up"]


def test_an_interface_up_refuses_the_unlock_then_is_recorded_at_the_next_one(
    qtbot: QtBot, root: Path
) -> None:
    up = [ETH0]
    w, _clock, _sc = make_window(qtbot, root, network=lambda: list(up))
    # Looked at from the start, and every minute, locked or not.
    assert w.alerts.network_timer.isActive()
    assert w.alerts.network_timer.interval() == NETWORK_CHECK_MS == 60_000
    u = w.unlock_screen
    qtbot.mouseClick(u.key_button, Qt.MouseButton.LeftButton)
    assert w.locked and not u.busy and not u.key_panel.isVisible()  # no PIN asked
    assert "eth0 (ethernet, up)" in u.status.text() and "stays locked" in u.status.text()
    # The passphrase path too; the passphrase leaves the field all the same.
    qtbot.mouseClick(u.recovery_link, Qt.MouseButton.LeftButton)
    type_into(qtbot, w, u.passphrase, TEST_PASSPHRASE)
    qtbot.mouseClick(u.unlock_button, Qt.MouseButton.LeftButton)
    assert w.locked and u.passphrase.text() == ""
    assert "eth0" in u.status.text()

    up.clear()  # unplugged: the next unlock works and records what was seen
    unlock(qtbot, w)
    qtbot.waitUntil(lambda: len(network_alerts(w)) == 1, timeout=T)
    [alert] = network_alerts(w)
    assert alert.data["detail"]["interface"] == "eth0"
    assert alert.data["detail"]["still_up"] is False
    printer: Any = w.ctx.printer
    slip = f"Terminal alert {alert.seq}"
    qtbot.waitUntil(lambda: slip in [j.title for j in printer.jobs], timeout=T)

    # Up while unlocked: the minute's look alerts it and says so; the session goes on.
    up.append(ETH0)
    w.alerts.check_network()
    qtbot.waitUntil(lambda: len(network_alerts(w)) == 2, timeout=T)
    qtbot.waitUntil(lambda: "eth0" in w.dashboard.banner.text(), timeout=T)
    assert not w.locked
    w.lock()
    assert w.alerts.network_timer.isActive()


def test_by_policy_an_interface_up_alerts_without_refusing(qtbot: QtBot, root: Path) -> None:
    policy = dataclasses.replace(load_policy(), airgap_on_network="alert")
    w, _clock, _sc = make_window(qtbot, root, network=lambda: [ETH0], policy=policy)
    unlock(qtbot, w)
    qtbot.waitUntil(lambda: len(network_alerts(w)) == 1, timeout=T)
    assert network_alerts(w)[0].data["detail"]["still_up"] is True
    w.lock()


def test_without_a_network_look_nothing_is_checked(qtbot: QtBot, root: Path) -> None:
    """The demo and the other screen tests run where a network is up: no look, no refusal."""
    w, _clock, _sc = make_window(qtbot, root)
    assert not w.alerts.network_timer.isActive()
    unlock(qtbot, w)
    w.lock()


def test_sealroom_run_looks_at_the_system_interfaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sealroom run`` hands the kiosk a look at /sys/class/net (or ``--sys-class-net``)."""
    import ui.app
    from tests.hardware.test_network import add_interface
    from ui.cli import main

    net = tmp_path / "net"
    add_interface(net, "lo", flags=0x9, operstate="unknown", kind=772)
    add_interface(net, "eth0", flags=0x1003, operstate="up")
    started: list[Any] = []
    monkeypatch.setattr(ui.app, "run", lambda ctx: started.append(ctx) or 0)
    assert main(["run", "--data", str(tmp_path / "data"), "--sys-class-net", str(net)]) == 0
    [ctx] = started
    assert ctx.network is not None
    assert [i["interface"] for i in ctx.network()] == ["eth0"]
