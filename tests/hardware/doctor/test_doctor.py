"""``sealroom doctor`` as a whole: a good appliance (a fake tree) passes, the table and the
JSON say why each check passed or failed, and the exit status follows the required checks."""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest
from fido2.ctap2.base import Ctap2
from fido2.ctap2.pin import ClientPin

from hardware import appliance_paths as paths
from hardware.doctor import CHECKS, Check, Options, run
from hardware.doctor.finding import as_json, exit_status, passed, table
from hardware.printing.sim import SimulatedPrinter
from hardware.sim.authenticator import SoftAuthenticator
from kiosk.policy import Policy
from tests.hardware.test_network import add_interface
from ui.cli import main

ME = pwd.getpwuid(os.getuid()).pw_name
OFFLINE = [
    "package",
    "kiosk unit",
    "udev rules",
    "usbguard",
    "air gap",
    "swap",
    "core dumps",
    "cups tmpfs",
    "data dir",
    "clock",
    "disk",
]


def under(root: Path, path: Path) -> Path:
    p = root / path.relative_to("/")
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def good_appliance(root: Path) -> dict[str, Path]:
    """A fake file tree of a correctly installed terminal."""
    status = under(root, Path("/var/lib/dpkg/status"))
    status.write_text("Package: sealroom\nStatus: install ok installed\nVersion: 0.1.0-1\n")
    unit = under(root, paths.UNIT_DIRS[0] / paths.KIOSK_UNIT)
    unit.write_text("[Service]\n")
    under(root, paths.UNIT_WANTS_ROOT / "graphical.target.wants" / paths.KIOSK_UNIT).symlink_to(
        unit
    )
    under(root, paths.UDEV_RULES).write_text('SUBSYSTEM=="hidraw"\n')
    under(root, Path("/usr/sbin/usbguard-daemon")).write_text("")
    under(root, paths.USBGUARD_RULES).write_text("allow id 1050:*\n")
    proc = root / "proc"
    under(root, Path("/proc/sys/kernel/core_pattern")).write_text("|/bin/false\n")
    (proc / "swaps").write_text("Filename\tType\tSize\tUsed\tPriority\n")
    (proc / "mounts").write_text(
        "/dev/sda1 / ext4 rw 0 0\ntmpfs /var/spool/cups tmpfs rw,mode=0710 0 0\n"
    )
    net = root / "sys/class/net"
    add_interface(net, "lo", flags=0x9, operstate="unknown", kind=772)
    add_interface(net, "eth0", flags=0x1002, operstate="down")
    data = root / "var/lib/sealroom"
    data.mkdir(parents=True, mode=0o700)
    data.chmod(0o700)
    return {"status": status, "proc": proc, "net": net, "data": data}


def options(root: Path, policy: Policy, **kw: object) -> Options:
    t = good_appliance(root)
    return Options(
        policy,
        data_dir=t["data"],
        root=root,
        proc=t["proc"],
        sys_class_net=t["net"],
        dpkg_status=t["status"],
        kiosk_user=ME,
        now=lambda: dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        **kw,  # type: ignore[arg-type]
    )


def test_a_good_appliance_passes_the_offline_checks(tmp_path: Path, policy: Policy) -> None:
    rows = run(options(tmp_path, policy, offline_only=True))
    assert [r.name for r in rows if r.finding.status == "pass"] == OFFLINE
    skipped = {r.name: r.finding.text for r in rows if r.finding.status == "skip"}
    assert skipped == {
        "cups queue": "Not run: needs a device (--offline-checks).",
        "test page": "Not run: needs a device and a person (--offline-checks).",
        "security keys": "Not run: needs a device (--offline-checks).",
        "scanner": "Not run: needs a device and a person (--offline-checks).",
    }
    assert exit_status(rows) == 0
    assert "11 checks run, 11 passed, 0 failed; 4 skipped." in table(rows)


def test_devices_are_checked_and_opt_in_checks_run_when_asked(
    tmp_path: Path, policy: Policy
) -> None:
    key = SoftAuthenticator(None, label="key")
    printer = SimulatedPrinter()
    o = options(tmp_path, policy, printer=printer, keys=[key.open_device()])
    rows = {r.name: r.finding for r in run(o)}
    assert rows["security keys"].status == "fail"  # no PIN yet
    assert rows["test page"].text == "Not run: ask for it with --print-test-page."
    ClientPin(Ctap2(key.open_device())).set_pin("4711-9876")
    o = options(tmp_path / "2", policy, printer=printer, keys=[key.open_device()])
    o.print_test_page = True
    result = run(o)
    assert exit_status(result) == 0
    assert {r.name: r.finding.status for r in result}["test page"] == "pass"
    assert [j.title for j in printer.jobs] == ["Sealroom test page"]


def test_each_failure_says_what_to_do_and_fails_the_run(tmp_path: Path, policy: Policy) -> None:
    o = options(tmp_path, policy, offline_only=True)
    (tmp_path / "proc/sys/kernel/core_pattern").write_text("core\n")
    add_interface(tmp_path / "sys/class/net", "wlan0", flags=0x1003, operstate="up")
    rows = run(o)
    text = table(rows)
    assert exit_status(rows) == 1
    assert "air gap        FAIL    Network interfaces up (1): wlan0 (ethernet, up)." in text
    assert "core dumps     FAIL" in text and "sysctl --system" in " ".join(text.split())
    doc = json.loads(as_json(rows))
    assert doc["ok"] is False
    assert {c["name"]: c["status"] for c in doc["checks"]}["core dumps"] == "fail"


def test_a_check_that_breaks_is_a_failure_not_a_traceback(policy: Policy, tmp_path: Path) -> None:
    def broken(_o: Options) -> object:
        raise PermissionError(13, "Permission denied", "/proc/swaps")

    checks = (Check("swap", broken), Check("fine", lambda _o: passed("doctor.swap.none")))  # type: ignore[arg-type]
    rows = run(Options(policy, data_dir=tmp_path), checks)
    assert rows[0].finding.code == "doctor.check_broke"
    assert "Permission denied" in rows[0].finding.text and rows[1].finding.ok
    assert exit_status(rows) == 1


def test_every_check_is_in_the_table_in_order() -> None:
    assert [c.name for c in CHECKS] == [
        *OFFLINE,
        "cups queue",
        "test page",
        "security keys",
        "scanner",
    ]
    assert {c.needs for c in CHECKS if c.name in OFFLINE} == {"nothing"}
    assert {c.opt_in for c in CHECKS} == {None, "--print-test-page", "--scan-test"}


def test_the_command_prints_json_and_exits_by_the_required_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On this machine (not an installed appliance) some checks fail: exit 1, never a crash."""
    status = main(["doctor", "--offline-checks", "--json", "--data", str(tmp_path)])
    doc = json.loads(capsys.readouterr().out)
    assert status == (0 if doc["ok"] else 1)
    assert [c["name"] for c in doc["checks"] if c["status"] != "skip"] == OFFLINE


def test_the_command_is_installed_with_its_options() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ui.cli", "doctor", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    ).stdout
    for option in ("--offline-checks", "--print-test-page", "--scan-test", "--json", "--data"):
        assert option in out
