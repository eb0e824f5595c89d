"""USB media for audit exports: find mounted removable volumes, refuse the wrong ones.

How a volume is found: every mount in ``/proc/self/mountinfo`` whose source
is a block device is traced through ``/sys/dev/block/<major>:<minor>`` to its
whole disk, whose ``removable`` flag (or a USB bus in its device path: many
USB sticks and card readers report ``removable=0``) says whether it can be
pulled out. Read-only is the mount's ``ro`` option or the device's ``ro``
flag (write-protect switch).

Why sysfs and mountinfo and not pyudev: mount points are not in udev's
database at all, so mountinfo must be read anyway, and the two files above
give everything else. Reading them directly also lets the tests point the
module at a fake sysfs tree and mountinfo file (a documented fake of the
device boundary, as the scanner and key simulators are).

Invariants:

* :func:`open_volume` returns a :class:`~kiosk.export.directory.DirectoryWriter`
  only for a mounted, removable, writable volume; anything else raises an
  :class:`~kiosk.errors.ExportError` whose message says what to do;
* nothing here writes to a volume (the writer does, through the export code).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import ExportError
from kiosk.export.directory import DirectoryWriter

MOUNTINFO = Path("/proc/self/mountinfo")
SYS = Path("/sys")
#: File systems that never live on a stick (pseudo and network file systems).
_SKIP_FS = frozenset(
    {"proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "cgroup", "cgroup2", "overlay", "nfs", "nfs4"}
)


@dataclass(frozen=True)
class Volume:
    """A mounted file system on a block device."""

    device: str  # e.g. /dev/sdb1
    mount_point: Path
    fs_type: str
    removable: bool
    read_only: bool
    disk: str  # e.g. sdb
    label: str  # what the operator is shown

    def describe(self) -> str:
        return f"{self.label} ({self.device} at {self.mount_point})"


def _unescape(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as octal ``\\040`` etc."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class _Mount:
    major_minor: str
    mount_point: Path
    options: frozenset[str]
    fs_type: str
    source: str


def _mounts(mountinfo: Path) -> list[_Mount]:
    out = []
    for line in mountinfo.read_text(encoding="utf-8", errors="replace").splitlines():
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        f = left.split()
        r = right.split()
        if len(f) < 6 or len(r) < 2:
            continue
        out.append(_Mount(f[2], Path(_unescape(f[4])), frozenset(f[5].split(",")), r[0], r[1]))
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def _disk_of(sys_root: Path, major_minor: str) -> tuple[str, Path] | None:
    """The whole disk (name and sysfs path) that holds the device major:minor."""
    link = sys_root / "dev" / "block" / major_minor
    try:
        dev = link.resolve(strict=True)
    except OSError:
        return None
    disk = dev.parent if (dev / "partition").exists() else dev
    return disk.name, disk


def list_volumes(mountinfo: Path = MOUNTINFO, sys_root: Path = SYS) -> list[Volume]:
    """Every mounted block-device volume, removable or not (the caller filters)."""
    volumes = []
    for m in _mounts(mountinfo):
        if m.fs_type in _SKIP_FS or not m.source.startswith("/dev/"):
            continue
        found = _disk_of(sys_root, m.major_minor)
        if found is None:
            continue
        disk, disk_path = found
        removable = _read(disk_path / "removable") == "1" or "/usb" in str(disk_path)
        dev_ro = _read(disk_path / "ro") == "1"
        part_ro = _read(sys_root / "dev" / "block" / m.major_minor / "ro") == "1"
        vendor = _read(disk_path / "device" / "vendor")
        model = _read(disk_path / "device" / "model")
        label = " ".join(x for x in (vendor, model) if x) or disk
        volumes.append(
            Volume(
                m.source,
                m.mount_point,
                m.fs_type,
                removable,
                "ro" in m.options or dev_ro or part_ro,
                disk,
                label,
            )
        )
    return volumes


def removable_volumes(mountinfo: Path = MOUNTINFO, sys_root: Path = SYS) -> list[Volume]:
    """The volumes an operator may pick for an export (removable; read-only ones included
    so the screen can say why they cannot be used)."""
    return [v for v in list_volumes(mountinfo, sys_root) if v.removable]


def open_volume(
    mount_point: Path, mountinfo: Path = MOUNTINFO, sys_root: Path = SYS
) -> DirectoryWriter:
    """A writer on the chosen volume, after refusing what must not be written to."""
    wanted = Path(os.path.realpath(mount_point))
    for v in list_volumes(mountinfo, sys_root):
        if Path(os.path.realpath(v.mount_point)) != wanted:
            continue
        if not v.removable:
            raise ExportError("export.not_removable", path=str(v.mount_point))
        if v.read_only:
            raise ExportError("export.read_only", path=str(v.mount_point))
        return DirectoryWriter(v.mount_point, v.describe())
    raise ExportError("export.not_removable", path=str(mount_point))
