"""The doctor's checks of the installed system: package, kiosk unit, rules, air gap, clock, disk.

Each reads files only (the roots are parameters, so the tests build fake
trees): ``dpkg``'s status database, systemd's unit directories, the rules
the package installs (:mod:`hardware.appliance_paths`), ``/sys/class/net``,
the data directory's times, and the file system's free space. None needs a
device or a person, so all run under ``sealroom doctor --offline-checks``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from hardware import appliance_paths as paths
from hardware.doctor.finding import Finding, failed, passed
from hardware.network import up_interfaces
from kiosk.errors import SealroomError

#: The clock is wrong if it says a time before this (older than this version of Sealroom).
CLOCK_FLOOR = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
CLOCK_CEILING = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
#: Files the journal writes on every append (their newest time is the last entry's).
JOURNAL_FILES = ("journal.db", "journal.db-wal", "keyslots.json")
#: How far behind the last journal write the clock may be (file systems round times).
CLOCK_SLACK = dt.timedelta(minutes=2)
#: Free space the data directory's file system needs (the journal, its WAL, exports' temp).
MIN_FREE_BYTES = 1 << 30


def _under(root: Path, absolute: Path) -> Path:
    return root / absolute.relative_to("/")


def read_dpkg_status(status: Path, package: str) -> dict[str, str] | None:
    """The ``dpkg`` status stanza of ``package`` (``Status``, ``Version`` …), or ``None``."""
    try:
        text = status.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        if fields.get("Package") == package:
            return fields
    return None


def check_package(
    status: Path = Path("/var/lib/dpkg/status"), package: str = paths.PACKAGE
) -> Finding:
    """The Debian package is installed (and which version)."""
    fields = read_dpkg_status(status, package)
    if fields is None or not fields.get("Status", "").endswith(" installed"):
        state = fields.get("Status", "") if fields else "no dpkg record"
        return failed("doctor.package.missing", package=package, state=state or "unknown")
    return passed("doctor.package.ok", package=package, version=fields.get("Version", "?"))


def check_kiosk_unit(root: Path = Path("/"), unit: str = paths.KIOSK_UNIT) -> Finding:
    """The kiosk's unit file is installed and enabled (a ``*.wants`` link to it)."""
    places = [_under(root, d) / unit for d in paths.UNIT_DIRS]
    places.append(_under(root, paths.UNIT_WANTS_ROOT) / unit)
    found = next((p for p in places if p.is_file()), None)
    if found is None:
        return failed("doctor.unit.missing", unit=unit)
    wants = _under(root, paths.UNIT_WANTS_ROOT)
    links = sorted(wants.glob(f"*.wants/{unit}")) if wants.is_dir() else []
    if not links:
        return failed("doctor.unit.disabled", unit=unit)
    target = links[0].parent.name.removesuffix(".wants")
    return passed("doctor.unit.ok", unit=unit, target=target)


def _rules_file(root: Path, path: Path) -> Path | None:
    """The rules file at ``path`` under ``root`` if it exists and is not empty."""
    full = _under(root, path)
    try:
        return full if full.is_file() and full.stat().st_size > 0 else None
    except OSError:
        return None


def check_udev_rules(root: Path = Path("/"), path: Path = paths.UDEV_RULES) -> Finding:
    """The udev rules giving the kiosk user its security keys and scanners are in place."""
    if _rules_file(root, path) is None:
        return failed("doctor.udev.missing", path=str(path))
    return passed("doctor.udev.ok", path=str(path))


def check_usbguard(root: Path = Path("/"), path: Path = paths.USBGUARD_RULES) -> Finding:
    """USBGuard is installed and its rules (from the policy's allow-list) are in place."""
    daemon = [_under(root, Path(d)) / "usbguard-daemon" for d in ("/usr/sbin", "/sbin")]
    if not any(d.exists() for d in daemon):
        return failed("doctor.usbguard.not_installed")
    if _rules_file(root, path) is None:
        return failed("doctor.usbguard.no_rules", path=str(path))
    return passed("doctor.usbguard.ok", path=str(path))


def check_air_gap(sys_class_net: Path = paths.SYS_CLASS_NET) -> Finding:
    """No network interface other than loopback is up."""
    try:
        up = up_interfaces(sys_class_net)
    except SealroomError as exc:
        return failed(exc.code, **exc.params)
    if up:
        return failed(
            "doctor.airgap.up", interfaces=", ".join(i.description for i in up), count=len(up)
        )
    return passed("doctor.airgap.ok")


def last_journal_write(data_dir: Path) -> dt.datetime | None:
    """The newest modification time of the journal's files, or ``None`` (no journal yet)."""
    times = []
    for name in JOURNAL_FILES:
        try:
            times.append((data_dir / name).stat().st_mtime)
        except OSError:
            continue
    if not times:
        return None
    return dt.datetime.fromtimestamp(max(times), dt.UTC)


def check_clock(now: dt.datetime, data_dir: Path | None = None) -> Finding:
    """The clock is plausible and not behind the journal's last write.

    The room has no time server, so NTP being off or absent is expected;
    every entry is stamped with this clock, so a clock behind the journal
    would stamp the next entry before the last one.
    """
    shown = now.strftime("%Y-%m-%d %H:%M:%S UTC")
    if not CLOCK_FLOOR <= now < CLOCK_CEILING:
        return failed("doctor.clock.implausible", now=shown)
    last = last_journal_write(data_dir) if data_dir is not None else None
    if last is not None and now + CLOCK_SLACK < last:
        return failed("doctor.clock.behind", now=shown, last=last.strftime("%Y-%m-%d %H:%M:%S UTC"))
    return passed("doctor.clock.ok", now=shown)


def check_disk(path: Path, min_free: int = MIN_FREE_BYTES) -> Finding:
    """The data directory's file system has room (at least ``min_free`` bytes)."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    free_mib = usage.free // (1 << 20)
    if usage.free < min_free:
        return failed(
            "doctor.disk.low", path=str(path), free=free_mib, needed=min_free // (1 << 20)
        )
    return passed("doctor.disk.ok", path=str(path), free=free_mib)
