"""``sealroom doctor``: the commissioning self-test of a safe-room terminal.

The first step of installing a terminal: on the real machine, every thing
the appliance needs is checked and the result printed as a pass/fail table
(:func:`run`); the command exits 0 only if every required check passes.

| check | what passes | needs |
|---|---|---|
| package | the ``sealroom`` Debian package is installed (version shown) | nothing |
| kiosk unit | the kiosk's systemd unit is installed and enabled | nothing |
| udev rules | the rules giving the kiosk user its keys and scanners are in place | nothing |
| usbguard | USBGuard is installed and its rules are in place | nothing |
| air gap | no network interface other than loopback is up | nothing |
| swap | no swap, or swap in RAM or on dm-crypt | nothing |
| core dumps | ``kernel.core_pattern`` writes nothing | nothing |
| cups tmpfs | CUPS's spool and temp folders are on tmpfs | nothing |
| data dir | 0700, owned by the kiosk user, nothing open to others | nothing |
| clock | plausible, not behind the journal's last write | nothing |
| disk | at least 1 GiB free for the data directory | nothing |
| cups queue | the policy's queue exists and can print | a device |
| test page | a test page prints (``--print-test-page``) | a device and a person |
| security keys | each plugged-in key has a PIN and ``hmac-secret`` | a device |
| scanner | one test scan arrives (``--scan-test``) | a device and a person |

``--offline-checks`` runs only the first group (what CI's package test runs
from the installed path); the others are listed as skipped. The checks
themselves are small functions in :mod:`hardware.doctor.system`,
:mod:`hardware.doctor.secrets` and :mod:`hardware.doctor.devices`.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from hardware import appliance_paths as paths
from hardware.doctor import devices, secrets, system
from hardware.doctor.finding import Finding, Row, failed, skipped
from kiosk.errors import SealroomError
from kiosk.errors.oplog import error_fields, event
from kiosk.policy import Policy

__all__ = ["CHECKS", "Check", "Options", "run"]

log = logging.getLogger("sealroom.doctor")


@dataclass
class Options:
    """What the command line (or a test) gives the checks."""

    policy: Policy
    data_dir: Path = paths.DATA_DIR
    root: Path = Path("/")
    proc: Path = Path("/proc")
    sys_class_net: Path = paths.SYS_CLASS_NET
    dpkg_status: Path = Path("/var/lib/dpkg/status")
    kiosk_user: str = paths.KIOSK_USER
    offline_only: bool = False
    print_test_page: bool = False
    scan_test: bool = False
    scan_timeout: float = 30.0
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    #: the printer (``None``: the policy's CUPS queue)
    printer: Any = None
    #: the security keys to ask (``None``: every FIDO2 key on USB HID)
    keys: Any = None
    #: serial scanner ports (``None``: the policy's allowed scanners found on USB)
    scanner_ports: list[str] | None = None
    scanner_port_factory: Any = None
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    say: Callable[[str], None] = field(default=lambda text: print(text, flush=True))

    def the_printer(self) -> Any:
        if self.printer is None:
            from hardware.printing.cups import CupsPrinter

            self.printer = CupsPrinter.from_policy(self.policy)
        return self.printer


@dataclass(frozen=True)
class Check:
    """One row of the table: its name, what it needs, and the function that checks it."""

    name: str
    check: Callable[[Options], Finding]
    needs: str = "nothing"  # "nothing", "a device", or "a device and a person"
    opt_in: str | None = None  # the option that asks for it
    required: bool = True


def _scan(o: Options) -> Finding:
    from hardware.scanner.serial_scanner import find_scanner_ports

    ports = (
        o.scanner_ports
        if o.scanner_ports is not None
        else [p.device for p in find_scanner_ports(o.policy)]
    )
    return devices.check_scan(ports, o.stdin, o.say, o.scan_timeout, o.scanner_port_factory)


CHECKS: tuple[Check, ...] = (
    Check("package", lambda o: system.check_package(o.dpkg_status)),
    Check("kiosk unit", lambda o: system.check_kiosk_unit(o.root)),
    Check("udev rules", lambda o: system.check_udev_rules(o.root)),
    Check("usbguard", lambda o: system.check_usbguard(o.root)),
    Check("air gap", lambda o: system.check_air_gap(o.sys_class_net)),
    Check(
        "swap",
        lambda o: secrets.check_swap(o.proc, o.root / "sys/block", o.root / "dev"),
    ),
    Check(
        "core dumps",
        lambda o: secrets.check_core_dumps(o.proc, o.root / "etc", o.root / "usr/lib"),
    ),
    Check(
        "cups tmpfs",
        lambda o: secrets.check_cups_tmpfs(o.proc, o.root / "etc/cups/cups-files.conf"),
    ),
    Check("data dir", lambda o: secrets.check_data_dir(o.data_dir, o.kiosk_user)),
    Check("clock", lambda o: system.check_clock(o.now(), o.data_dir)),
    Check("disk", lambda o: system.check_disk(o.data_dir)),
    Check(
        "cups queue",
        lambda o: devices.check_cups_queue(o.the_printer(), o.policy.print_queue),
        needs="a device",
    ),
    Check(
        "test page",
        lambda o: devices.check_test_page(
            o.the_printer(), o.policy.kiosk_id, o.policy.print_queue, o.now()
        ),
        needs="a device and a person",
        opt_in="--print-test-page",
    ),
    Check("security keys", lambda o: devices.check_fido2_keys(o.keys), needs="a device"),
    Check("scanner", _scan, needs="a device and a person", opt_in="--scan-test"),
)

_ASKED = {"--print-test-page": "print_test_page", "--scan-test": "scan_test"}


def run_one(check: Check, options: Options) -> Finding:
    """One check's finding; a check that breaks is a failure naming why, never a traceback."""
    if options.offline_only and check.needs != "nothing":
        return skipped("doctor.skipped.offline", needs=check.needs)
    if check.opt_in is not None and not getattr(options, _ASKED[check.opt_in]):
        return skipped("doctor.skipped.opt_in", option=check.opt_in)
    try:
        return check.check(options)
    except SealroomError as exc:
        return failed("doctor.check_error", problem=exc.user_message())
    except (OSError, ValueError) as exc:
        event(
            log,
            "error",
            f"doctor check {check.name} failed",
            level=logging.WARNING,
            **error_fields(exc),
        )
        return failed("doctor.check_broke", reason=f"{type(exc).__name__}: {exc}")


def run(options: Options, checks: tuple[Check, ...] = CHECKS) -> list[Row]:
    """Every check in order; each row says pass, fail or skip and why."""
    rows = []
    for check in checks:
        finding = run_one(check, options)
        rows.append(Row(check.name, check.required, finding))
        event(
            log,
            "doctor",
            f"doctor: {check.name}: {finding.status}",
            level=logging.INFO if finding.ok else logging.WARNING,
            check=check.name,
            status=finding.status,
            code=finding.code,
        )
    return rows
