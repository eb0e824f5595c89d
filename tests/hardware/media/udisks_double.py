"""A test double of udisks2 on D-Bus: the object tree, Mount and Unmount, and a mountinfo file.

It stands in for the system bus where udisks2 cannot run (the unit and UI
tests; CI's own udisks2 test is tests/packaging/test_sticks.py). It answers
as udisks2 2.9 does: properties as ``(signature, value)`` variants, device
paths as NUL-terminated bytes, errors as D-Bus error names. Mount records
the options asked for and writes the mount into a mountinfo file, with the
options udisks2 "applied" (``applied``: by default what was asked).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hardware.udisks import BLOCK, DRIVE, FILESYSTEM, BusError

ERR = "org.freedesktop.UDisks2.Error."


def drive(removable: bool, bus: str, vendor: str = "SanDisk", model: str = "Cruzer") -> dict:
    return {
        DRIVE: {
            "Removable": ("b", removable),
            "ConnectionBus": ("s", bus),
            "Vendor": ("s", vendor),
            "Model": ("s", model),
        }
    }


def block(device: str, drive_path: str, fs_type: str = "vfat", size: int = 16_000_000_000,
          mounted: list[str] | None = None, read_only: bool = False) -> dict:  # fmt: skip
    return {
        BLOCK: {
            "Device": ("ay", device.encode() + b"\0"),
            "PreferredDevice": ("ay", device.encode() + b"\0"),
            "Drive": ("o", drive_path),
            "IdType": ("s", fs_type),
            "IdLabel": ("s", "AUDIT"),
            "Size": ("t", size),
            "ReadOnly": ("b", read_only),
        },
        FILESYSTEM: {"MountPoints": ("aay", [m.encode() + b"\0" for m in mounted or []])},
    }


class FakeUDisks:
    """udisks2's answers; ``mount_error``/``unmount_error`` make the next call fail."""

    def __init__(self, media: Path, mountinfo: Path) -> None:
        self.media = media
        self.mountinfo = mountinfo
        self.objects: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str, tuple[Any, ...]]] = []
        self.applied: str | None = None
        self.mount_error: BusError | None = None
        self.unmount_error: BusError | None = None
        self.down: OSError | None = None
        mountinfo.write_text("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n")

    def standard(self) -> FakeUDisks:
        """A USB stick, a fixed disk, and an SD card in a built-in reader."""
        d = "/org/freedesktop/UDisks2/drives/"
        b = "/org/freedesktop/UDisks2/block_devices/"
        self.objects = {
            d + "stick": drive(True, "usb"),
            d + "ssd": drive(False, "", "Samsung", "SSD 870"),
            d + "sd": drive(True, "sdio", "", "SD card"),
            b + "sdb1": block("/dev/sdb1", d + "stick"),
            b + "sda1": block("/dev/sda1", d + "ssd", "ext4"),
            b + "mmcblk0p1": block("/dev/mmcblk0p1", d + "sd"),
            b + "sdb": {BLOCK: {"Drive": ("o", d + "stick")}},  # the disk itself: no file system
        }
        return self

    def call(self, path: str, interface: str, method: str, signature: str,
             body: tuple[Any, ...]) -> tuple[Any, ...]:  # fmt: skip
        if self.down is not None:
            raise self.down
        self.calls.append((path, method, body))
        if method == "GetManagedObjects":
            return (self.objects,)
        fs = self.objects[path][FILESYSTEM]
        if method == "Mount":
            if self.mount_error is not None:
                raise self.mount_error
            where = self.media / path.rpartition("/")[2]
            where.mkdir(parents=True)
            asked = body[0]["options"][1]
            options = self.applied or asked
            with self.mountinfo.open("a") as f:
                f.write(f"60 22 8:17 / {where} rw,{options},relatime - vfat /dev/x rw\n")
            fs["MountPoints"] = ("aay", [str(where).encode() + b"\0"])
            return (str(where),)
        if method == "Unmount":
            if self.unmount_error is not None:
                raise self.unmount_error
            mounted = fs["MountPoints"][1]
            if not mounted:
                raise BusError(ERR + "NotMounted", "not mounted")
            where = mounted[0].rstrip(b"\0").decode()
            lines = self.mountinfo.read_text().splitlines(keepends=True)
            self.mountinfo.write_text("".join(x for x in lines if f" {where} " not in x))
            fs["MountPoints"] = ("aay", [])
            return ()
        raise AssertionError(f"unexpected call {method}")

    def mounted(self) -> list[str]:
        return [line.split()[4] for line in self.mountinfo.read_text().splitlines()[1:]]
