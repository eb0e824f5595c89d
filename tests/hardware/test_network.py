"""The air-gap check's reading of ``/sys/class/net``: a fake tree, then a real interface.

The fake tree holds what the kernel writes for each kind of interface. The
real test needs root and ``ip``: it creates a network namespace of its own
(``ip netns add``), adds an interface there, brings it up, and runs the
check inside the namespace (``ip netns exec`` mounts that namespace's
sysfs). It tries a ``dummy`` interface first; kernels built without it (the
CI machine's: "Unknown device type") get a ``veth`` pair, an equally real
kernel interface. Without root, ``ip`` or network namespaces it skips,
saying which.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.network import NetInterface, interfaces, up_interfaces
from kiosk.errors import DeviceError
from kiosk.terminal.airgap import AirGapWatch
from kiosk.terminal.lifecycle import Commissioned

ROOT = Path(__file__).resolve().parents[2]


def add_interface(
    root: Path,
    name: str,
    *,
    flags: int,
    operstate: str,
    kind: int = 1,
    address: str = "52:54:00:12:34:56",
    wireless: bool = False,
) -> None:
    d = root / name
    d.mkdir(parents=True)
    (d / "flags").write_text(f"0x{flags:x}\n")
    (d / "operstate").write_text(operstate + "\n")
    (d / "type").write_text(f"{kind}\n")
    (d / "address").write_text(address + "\n")
    if wireless:
        (d / "wireless").mkdir()


@pytest.fixture
def net(tmp_path: Path) -> Path:
    root = tmp_path / "class-net"
    root.mkdir()
    add_interface(root, "lo", flags=0x9, operstate="unknown", kind=772, address="00:00:00:00:00:00")
    return root


def test_only_loopback_up_is_an_air_gap(net: Path) -> None:
    assert [i.name for i in interfaces(net)] == ["lo"]
    assert up_interfaces(net) == []


def test_an_interface_down_is_not_up(net: Path) -> None:
    add_interface(net, "eth0", flags=0x1002, operstate="down")
    assert up_interfaces(net) == []


def test_a_cable_plugged_in_is_up(net: Path) -> None:
    add_interface(net, "eth0", flags=0x1003, operstate="up")
    [eth] = up_interfaces(net)
    assert eth.name == "eth0" and eth.kind == "ethernet"
    assert eth.alert_fields() == {
        "interface": "eth0",
        "operstate": "up",
        "flags": "0x1003",
        "kind": "ethernet",
        "description": "eth0 (ethernet, up)",
        "address": "52:54:00:12:34:56",
    }


def test_configured_up_without_a_cable_counts_as_up(net: Path) -> None:
    """IFF_UP set, no carrier: the kernel says "down", yet a cable would make it work."""
    add_interface(net, "eth0", flags=0x1003, operstate="down")
    add_interface(net, "wlan0", flags=0x1003, operstate="dormant", wireless=True)
    found = {i.name: i for i in up_interfaces(net)}
    assert set(found) == {"eth0", "wlan0"}
    assert found["wlan0"].kind == "wireless"


def test_loopback_is_told_by_its_flags_not_its_name(net: Path) -> None:
    add_interface(net, "lo-renamed", flags=0x9, operstate="unknown", kind=772)
    add_interface(net, "lo0", flags=0x1003, operstate="up")  # named like loopback, is not
    assert [i.name for i in up_interfaces(net)] == ["lo0"]


def test_an_interface_that_vanishes_while_read_is_skipped(net: Path) -> None:
    (net / "usb0").mkdir()  # pulled out: its attribute files are gone
    assert [i.name for i in interfaces(net)] == ["lo"]


def test_names_from_sysfs_are_cut_to_printable_text(net: Path) -> None:
    add_interface(net, "eth0", flags=0x1, operstate="up\x1b[2J" + "x" * 40)
    [eth] = up_interfaces(net)
    assert "\x1b" not in eth.operstate and len(eth.operstate) <= 16


def test_an_unreadable_directory_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DeviceError) as exc:
        interfaces(tmp_path / "missing")
    assert exc.value.code == "airgap.unreadable"
    assert str(tmp_path / "missing") in exc.value.user_message()


def test_up_is_the_flag_or_the_operstate() -> None:
    assert NetInterface("a", "up", 0x1000, 1).up
    assert NetInterface("a", "down", 0x1, 1).up
    assert not NetInterface("a", "down", 0x1000, 1).up


# -- a real interface in a network namespace of the test's own -----------------------------


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=False)


@pytest.fixture
def netns() -> Iterator[str]:
    if os.geteuid() != 0:
        pytest.skip("a network namespace of the test's own needs root")
    if shutil.which("ip") is None:
        pytest.skip("the ip command (iproute2) is missing")
    name = f"sealroom-test-{uuid.uuid4().hex[:8]}"
    made = _ip("netns", "add", name)
    if made.returncode != 0:
        pytest.skip(f"network namespaces are not available here: {made.stderr.strip()}")
    try:
        yield name
    finally:
        _ip("netns", "del", name)


def _check_inside(ns: str) -> list[dict[str, str]]:
    """The air-gap check run inside namespace ``ns`` (its own sysfs), as JSON."""
    code = (
        "import json; from hardware.network import up_interfaces; "
        "print(json.dumps([i.alert_fields() for i in up_interfaces()]))"
    )
    out = subprocess.run(
        ["ip", "netns", "exec", ns, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    result: list[dict[str, str]] = json.loads(out.stdout)
    return result


def test_a_real_interface_brought_up_raises_the_alert(netns: str, terminal: Commissioned) -> None:
    """Created, then brought up in the namespace: the check sees it, the watch alerts once."""
    assert _ip("-n", netns, "link", "set", "lo", "up").returncode == 0
    assert _check_inside(netns) == []  # loopback alone, even up, is the air gap
    kind = "dummy"
    if _ip("-n", netns, "link", "add", "sr0", "type", "dummy").returncode != 0:
        kind = "veth"  # this kernel has no dummy driver
        made = _ip("-n", netns, "link", "add", "sr0", "type", "veth", "peer", "name", "sr1")
        assert made.returncode == 0, made.stderr
    assert _check_inside(netns) == []  # created, still down
    assert _ip("-n", netns, "link", "set", "sr0", "up").returncode == 0
    [seen] = _check_inside(netns)
    assert seen["interface"] == "sr0", kind
    assert int(seen["flags"], 16) & 0x1
    watch = AirGapWatch()
    assert watch.observe([seen], "2026-01-05T09:00:00.000Z") == ["sr0"]
    [alert] = watch.record(terminal.journal)
    assert alert.data["alert"] == "network.up"
    assert alert.data["detail"]["interface"] == "sr0"
    assert watch.observe(_check_inside(netns), "2026-01-05T09:01:00.000Z") == []
    assert watch.record(terminal.journal) == []  # still up: not alerted again
    assert _ip("-n", netns, "link", "set", "sr0", "down").returncode == 0
    assert _check_inside(netns) == []


def test_the_check_sees_the_hosts_interfaces_from_a_private_network_namespace() -> None:
    """The kiosk's unit has a network namespace of its own (PrivateNetwork=yes, only
    loopback): without a remount of /sys (systemd 252) the check still sees the host's."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("unshare --net needs root and util-linux")
    code = (
        "import json; from hardware.network import interfaces; "
        "print(json.dumps([i.name for i in interfaces()]))"
    )
    inside = subprocess.run(
        ["unshare", "--net", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    if inside.returncode != 0:
        pytest.skip(f"network namespaces are not available here: {inside.stderr.strip()}")
    own = subprocess.run(
        ["unshare", "--net", "cat", "/proc/self/net/dev"], capture_output=True, text=True
    ).stdout
    assert [line.split(":")[0].strip() for line in own.splitlines()[2:]] == ["lo"]
    assert json.loads(inside.stdout) == [i.name for i in interfaces()]
