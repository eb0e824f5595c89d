"""The air gap in the core: each interface coming up is one alert with its slip; the policy
decides whether the unlock is refused, with a message naming the interface."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from hardware.printing.paper import RenderingPaper
from hardware.printing.sim import SimulatedPrinter
from kiosk.errors import PolicyError
from kiosk.errors.messages import render
from kiosk.errors.oplog import EVENT_ATTR
from kiosk.policy import DEFAULT_POLICY_PATH, Policy, parse_policy
from kiosk.procedures import Context
from kiosk.terminal.airgap import AirGapWatch, unlock_refusal
from kiosk.terminal.lifecycle import Commissioned

ETH0 = {
    "interface": "eth0",
    "operstate": "up",
    "flags": "0x1003",
    "kind": "ethernet",
    "description": "eth0 (ethernet, up)",
}
WLAN0 = {**ETH0, "interface": "wlan0", "kind": "wireless", "description": "wlan0 (wireless, up)"}
T1, T2, T3 = "2026-01-05T09:00:00.000Z", "2026-01-05T09:01:00.000Z", "2026-01-05T09:02:00.000Z"


def alerts(terminal: Commissioned) -> list[dict[str, object]]:
    return [
        e.data
        for e in terminal.journal.entries()
        if e.kind == "alert.raised" and e.data["alert"] == "network.up"
    ]


def test_each_interface_coming_up_is_one_alert_with_its_slip(
    terminal: Commissioned, policy: Policy
) -> None:
    printer = SimulatedPrinter()
    Context(terminal.journal, policy, None, None, RenderingPaper(printer))  # type: ignore[arg-type]
    watch = AirGapWatch()
    assert watch.observe([ETH0], T1) == ["eth0"]
    [entry] = watch.record(terminal.journal)
    assert entry.data["detail"]["interface"] == "eth0"
    assert entry.data["detail"]["still_up"] is True
    assert [j.title for j in printer.jobs] == [f"Terminal alert {entry.seq}"]
    # Still up a minute later: no second alert.
    assert watch.observe([ETH0], T2) == []
    assert watch.record(terminal.journal) == []
    # Down, then up again: alerted again; a second interface is its own alert.
    watch.observe([], T2)
    assert sorted(watch.observe([ETH0, WLAN0], T3)) == ["eth0", "wlan0"]
    assert len(watch.record(terminal.journal)) == 2
    assert [a["detail"]["interface"] for a in alerts(terminal)] == ["eth0", "eth0", "wlan0"]  # type: ignore[index]
    assert len(printer.jobs) == 3


def test_what_came_up_while_locked_is_recorded_at_the_next_unlock(
    terminal: Commissioned,
) -> None:
    """The journal cannot be written while locked: the watch remembers, the unlock records."""
    watch = AirGapWatch()
    watch.observe([ETH0], T1)  # seen while locked (the unlock was refused)
    watch.observe([], T2)  # unplugged before the next unlock
    watch.observe([ETH0], T2)
    watch.observe([], T3)
    [entry] = watch.record(terminal.journal)  # the next unlock
    detail = entry.data["detail"]
    assert detail["first_seen"] == T2 and detail["times_up"] == 2
    assert detail["still_up"] is False
    assert "eth0" in entry.data["summary"]


def test_coming_up_and_going_down_are_in_the_operational_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="sealroom.airgap")
    watch = AirGapWatch()
    watch.observe([ETH0], T1)
    watch.observe([], T2)
    events = [(getattr(r, EVENT_ATTR), r.levelname) for r in caplog.records]
    assert events == [("airgap.up", "WARNING"), ("airgap.down", "INFO")]


def test_the_unlock_is_refused_naming_the_interface(policy: Policy) -> None:
    assert policy.airgap_on_network == "refuse"  # the default
    err = unlock_refusal([ETH0], policy)
    assert err is not None and err.code == "airgap.network_up"
    assert "eth0 (ethernet, up)" in err.user_message()
    assert unlock_refusal([], policy) is None


def test_by_policy_an_interface_up_only_alerts(policy: Policy) -> None:
    alert_only = dataclasses.replace(policy, airgap_on_network="alert")
    assert unlock_refusal([ETH0], alert_only) is None


def test_the_policy_setting_is_read_and_checked() -> None:
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    assert 'on_network = "refuse"' in text
    assert parse_policy(text.replace('"refuse"', '"alert"').encode()).airgap_on_network == "alert"
    without = text.replace("[airgap]", "").replace('on_network = "refuse"', "")
    assert parse_policy(without.encode()).airgap_on_network == "refuse"  # left out: refuse
    with pytest.raises(PolicyError, match="'on_network' must be one of refuse, alert"):
        parse_policy(text.replace('"refuse"', '"ignore"').encode())


def test_the_slip_says_what_came_up_and_what_to_do() -> None:
    text = render("alert.network.up", {**ETH0, "first_seen": T1, "still_up": False})
    assert "eth0 (ethernet, up)" in text and "unplug it" in text
