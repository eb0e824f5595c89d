"""USB media for audit exports: the sticks to choose from, opened safely, refused otherwise.

On the appliance nothing mounts a stick by itself: the export screen lists
the file systems of removable USB drives that udisks2 knows
(:func:`export_targets`), and the chosen one is mounted by the kiosk,
``nodev,nosuid,noexec``, for the export only (:func:`open_stick`,
:mod:`hardware.udisks`). Where udisks2 does not answer (a development
machine without it), the volumes already mounted are offered instead, under
the same rule: a volume is written to only if its mount has
``nodev,nosuid,noexec`` (:func:`check_mount`).

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
  only for a mounted, removable, writable volume mounted ``nodev,nosuid,noexec``;
  anything else raises an :class:`~kiosk.errors.ExportError` whose message
  says what to do;
* :func:`open_stick` unmounts the stick when the export ends, whatever the
  outcome, and refuses (after unmounting) a mount without those options;
* nothing here writes to a volume (the writer does, through the export code).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hardware.udisks import OPTIONS, Stick, UDisks
from kiosk.errors import ExportError
from kiosk.export.directory import DirectoryWriter

log = logging.getLogger("sealroom.media")

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

    def open(self) -> AbstractContextManager[DirectoryWriter]:
        """A writer on this (already mounted) volume: :func:`open_volume`."""
        return contextlib.nullcontext(open_volume(self.mount_point))


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


def _mount_at(mount_point: Path, mountinfo: Path) -> _Mount | None:
    """The mount at ``mount_point`` (the last one, if several are stacked there)."""
    wanted = Path(os.path.realpath(mount_point))
    found = None
    for m in _mounts(mountinfo):
        if Path(os.path.realpath(m.mount_point)) == wanted:
            found = m
    return found


def check_mount(mount_point: Path, label: str, mountinfo: Path = MOUNTINFO) -> None:
    """Refuse a mount without ``nodev,nosuid,noexec`` (``stick.unsafe``), or read-only."""
    mount = _mount_at(mount_point, mountinfo)
    if mount is None:
        raise ExportError("stick.gone", stick=label)
    missing = [o for o in OPTIONS.split(",") if o not in mount.options]
    if missing:
        raise ExportError("stick.unsafe", stick=label, missing=", ".join(missing))
    if "ro" in mount.options:
        raise ExportError("export.read_only", path=str(mount_point))


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
        check_mount(v.mount_point, v.describe(), mountinfo)
        return DirectoryWriter(v.mount_point, v.describe())
    raise ExportError("export.not_removable", path=str(mount_point))


@contextlib.contextmanager
def open_stick(
    stick: Stick, udisks: UDisks, mountinfo: Path = MOUNTINFO
) -> Iterator[DirectoryWriter]:
    """The stick mounted ``nodev,nosuid,noexec`` for one export, and unmounted after it.

    A stick already mounted (a kiosk that stopped mid-export) is used if its
    mount is safe. Whatever the outcome the kiosk unmounts it at the end; an
    unmount that fails after a good export is reported (``stick.not_closed``),
    one that fails after a failed export is logged and the first error kept.
    """
    if stick.read_only:
        raise ExportError("export.read_only", path=stick.describe())
    current = udisks.find(stick.object_path)
    where = current.mount_points[0] if current.mount_points else udisks.mount(current)
    try:
        check_mount(where, stick.describe(), mountinfo)
        yield DirectoryWriter(where, stick.describe())
    except BaseException:
        with contextlib.suppress(ExportError):
            udisks.unmount(current)
        raise
    udisks.unmount(current)


class ExportTarget(Protocol):
    """What the export screen lists: a description, and a writer for one export."""

    def describe(self) -> str: ...

    def open(self) -> AbstractContextManager[DirectoryWriter]: ...


@dataclass(frozen=True)
class StickTarget:
    """A stick udisks2 knows, mounted by :func:`open_stick` when chosen."""

    stick: Stick
    udisks: UDisks
    mountinfo: Path = MOUNTINFO

    def describe(self) -> str:
        return self.stick.describe()

    def open(self) -> AbstractContextManager[DirectoryWriter]:
        return open_stick(self.stick, self.udisks, self.mountinfo)


def export_targets(udisks: UDisks | None = None) -> list[ExportTarget]:
    """The removable USB sticks udisks2 knows; without udisks2, the volumes already mounted."""
    client = udisks if udisks is not None else UDisks()
    try:
        return [StickTarget(s, client) for s in client.sticks()]
    except ExportError as exc:
        if exc.code != "stick.no_service":
            raise
        log.warning("udisks2 does not answer (%s): offering mounted volumes only", exc.params)
        return list(removable_volumes())
