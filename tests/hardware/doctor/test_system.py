"""The installed system, each check against a fake tree: dpkg's database, units, rules, clock."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from hardware import appliance_paths as paths
from hardware.doctor.system import (
    check_air_gap,
    check_clock,
    check_disk,
    check_kiosk_unit,
    check_package,
    check_udev_rules,
    check_usbguard,
)
from tests.hardware.test_network import add_interface

UTC = dt.UTC
STATUS = """Package: cage
Status: install ok installed
Version: 0.1.4-4

Package: sealroom
Status: {status}
Priority: optional
Description: break-glass credential terminal
 a continuation line: Package: not-this
Version: 0.1.0-1
"""


def under(root: Path, path: Path) -> Path:
    return root / path.relative_to("/")


def test_the_package_is_installed_and_its_version_shown(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text(STATUS.format(status="install ok installed"))
    f = check_package(status)
    assert (f.status, f.text) == ("pass", "Package sealroom 0.1.0-1 is installed.")
    status.write_text(STATUS.format(status="deinstall ok config-files"))
    f = check_package(status)
    assert f.status == "fail" and "deinstall ok config-files" in f.text
    assert check_package(tmp_path / "none").code == "doctor.package.missing"


def test_the_kiosk_unit_must_be_installed_and_enabled(tmp_path: Path) -> None:
    assert check_kiosk_unit(tmp_path).code == "doctor.unit.missing"
    unit = under(tmp_path, paths.UNIT_DIRS[0]) / paths.KIOSK_UNIT
    unit.parent.mkdir(parents=True)
    unit.write_text("[Service]\nExecStart=/usr/bin/cage -- /opt/sealroom/bin/sealroom run\n")
    f = check_kiosk_unit(tmp_path)
    assert f.code == "doctor.unit.disabled" and f"systemctl enable {paths.KIOSK_UNIT}" in f.text
    wants = under(tmp_path, paths.UNIT_WANTS_ROOT) / "graphical.target.wants"
    wants.mkdir(parents=True)
    (wants / paths.KIOSK_UNIT).symlink_to(unit)
    f = check_kiosk_unit(tmp_path)
    assert f.status == "pass" and "graphical.target" in f.text


def test_device_rules_must_be_in_place(tmp_path: Path) -> None:
    assert check_udev_rules(tmp_path).code == "doctor.udev.missing"
    rules = under(tmp_path, paths.UDEV_RULES)
    rules.parent.mkdir(parents=True)
    rules.write_text("")
    assert check_udev_rules(tmp_path).status == "fail"  # empty: no rule
    rules.write_text('SUBSYSTEM=="hidraw", TAG+="uaccess"\n')
    assert check_udev_rules(tmp_path).status == "pass"


def test_usbguard_must_be_installed_with_rules(tmp_path: Path) -> None:
    assert check_usbguard(tmp_path).code == "doctor.usbguard.not_installed"
    daemon = tmp_path / "usr/sbin/usbguard-daemon"
    daemon.parent.mkdir(parents=True)
    daemon.write_text("")
    assert check_usbguard(tmp_path).code == "doctor.usbguard.no_rules"
    rules = under(tmp_path, paths.USBGUARD_RULES)
    rules.parent.mkdir(parents=True)
    rules.write_text("allow id 1050:* with-interface one-of { 03:*:* 0b:*:* }\n")
    assert check_usbguard(tmp_path).status == "pass"


def test_the_air_gap_check_names_what_is_up(tmp_path: Path) -> None:
    add_interface(tmp_path, "lo", flags=0x9, operstate="unknown", kind=772)
    assert check_air_gap(tmp_path).status == "pass"
    add_interface(tmp_path, "enp3s0", flags=0x1003, operstate="up")
    f = check_air_gap(tmp_path)
    assert f.status == "fail" and "enp3s0 (ethernet, up)" in f.text
    assert check_air_gap(tmp_path / "missing").code == "airgap.unreadable"


def test_the_clock_must_be_plausible_and_not_behind_the_journal(tmp_path: Path) -> None:
    now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert check_clock(now).status == "pass"
    assert check_clock(dt.datetime(2001, 1, 1, tzinfo=UTC)).code == "doctor.clock.implausible"
    assert check_clock(now, tmp_path).status == "pass"  # no journal yet
    db = tmp_path / "journal.db"
    db.write_bytes(b"")
    last = dt.datetime(2026, 3, 2, 11, 0, tzinfo=UTC).timestamp()
    os.utime(db, (last, last))
    f = check_clock(now, tmp_path)
    assert f.code == "doctor.clock.behind" and "2026-03-02 11:00:00 UTC" in f.text
    assert check_clock(now + dt.timedelta(hours=1, minutes=1), tmp_path).status == "pass"


def test_disk_space_is_measured_where_the_data_will_be(tmp_path: Path) -> None:
    f = check_disk(tmp_path / "not" / "yet")
    assert f.status == "pass" and "MiB free" in f.text
    f = check_disk(tmp_path, min_free=1 << 60)
    assert f.code == "doctor.disk.low"
