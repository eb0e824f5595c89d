"""Finding removable volumes in a fake sysfs tree and mountinfo (the device boundary)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hardware.media import list_volumes, open_volume, removable_volumes
from kiosk.errors import ExportError
from kiosk.export import DirectoryWriter

USB = "devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0/block"
ATA = "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block"


def _disk(
    sys_root: Path,
    base: str,
    disk: str,
    part: str,
    majmin: str,
    *,
    removable: str,
    ro: str = "0",
    vendor: str = "",
) -> None:
    d = sys_root / base / disk
    (d / part).mkdir(parents=True)
    (d / part / "partition").write_text("1\n")
    (d / part / "ro").write_text("0\n")
    (d / "removable").write_text(removable + "\n")
    (d / "ro").write_text(ro + "\n")
    if vendor:
        (d / "device").mkdir()
        (d / "device" / "vendor").write_text(vendor + "  \n")
        (d / "device" / "model").write_text("Cruzer Blade\n")
    (sys_root / "dev" / "block").mkdir(parents=True, exist_ok=True)
    os.symlink(d / part, sys_root / "dev" / "block" / majmin)


@pytest.fixture
def fake(tmp_path: Path) -> tuple[Path, Path, Path]:
    sys_root = tmp_path / "sys"
    usb_mount = tmp_path / "media" / "usb stick"
    usb_mount.mkdir(parents=True)
    _disk(sys_root, USB, "sdb", "sdb1", "8:17", removable="1", vendor="SanDisk")
    _disk(sys_root, ATA, "sda", "sda1", "8:1", removable="0")
    _disk(sys_root, USB, "sdc", "sdc1", "8:33", removable="1", ro="1")
    # A USB card reader that reports removable=0 but sits on the USB bus.
    _disk(sys_root, USB.replace("1-2", "1-3"), "sdd", "sdd1", "8:49", removable="0")
    esc = str(usb_mount).replace(" ", "\\040")
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        f"40 22 8:17 / {esc} rw,nosuid,nodev,noexec shared:9 - vfat /dev/sdb1 rw,fmask=0022\n"
        f"41 22 8:33 / {tmp_path}/media/locked rw,nosuid - vfat /dev/sdc1 rw\n"
        f"42 22 8:49 / {tmp_path}/media/reader ro,nosuid - exfat /dev/sdd1 ro\n"
        "50 22 0:5 / /proc rw,nosuid - proc proc rw\n"
        "51 22 0:25 / /tmp rw - tmpfs tmpfs rw\n"
    )
    return mountinfo, sys_root, usb_mount


def test_lists_mounted_block_volumes_and_flags(fake: tuple[Path, Path, Path]) -> None:
    mountinfo, sys_root, usb_mount = fake
    vols = {v.disk: v for v in list_volumes(mountinfo, sys_root)}
    assert set(vols) == {"sda", "sdb", "sdc", "sdd"}  # proc and tmpfs skipped
    assert vols["sdb"].mount_point == usb_mount  # \040 unescaped
    assert vols["sdb"].removable and not vols["sdb"].read_only
    assert vols["sdb"].label == "SanDisk Cruzer Blade"
    assert not vols["sda"].removable
    assert vols["sdc"].read_only  # write-protect switch (device ro flag)
    assert vols["sdd"].removable and vols["sdd"].read_only  # USB bus; mounted ro
    assert {v.disk for v in removable_volumes(mountinfo, sys_root)} == {"sdb", "sdc", "sdd"}


def test_open_volume_refuses_fixed_and_read_only_volumes(fake: tuple[Path, Path, Path]) -> None:
    mountinfo, sys_root, usb_mount = fake
    w = open_volume(usb_mount, mountinfo, sys_root)
    assert isinstance(w, DirectoryWriter) and w.root == usb_mount
    assert "SanDisk" in w.label
    with pytest.raises(ExportError) as e:
        open_volume(Path("/"), mountinfo, sys_root)
    assert e.value.code == "export.not_removable" and "removable USB stick" in str(e.value)
    with pytest.raises(ExportError) as e:
        open_volume(usb_mount.parent / "locked", mountinfo, sys_root)
    assert e.value.code == "export.read_only" and "write-protect" in str(e.value)
    with pytest.raises(ExportError) as e:
        open_volume(usb_mount.parent / "nowhere", mountinfo, sys_root)
    assert e.value.code == "export.not_removable"


def test_open_volume_refuses_a_stick_mounted_without_noexec(
    fake: tuple[Path, Path, Path],
) -> None:
    """A desktop's automount (nosuid,nodev, but programs may run from it) is not written to."""
    mountinfo, sys_root, usb_mount = fake
    text = mountinfo.read_text().replace("rw,nosuid,nodev,noexec shared:9", "rw,nosuid shared:9")
    mountinfo.write_text(text)
    with pytest.raises(ExportError) as e:
        open_volume(usb_mount, mountinfo, sys_root)
    assert e.value.code == "stick.unsafe"
    assert e.value.params["missing"] == "nodev, noexec"
    assert "plug it in again" in str(e.value)


def test_real_system_listing_does_not_fail() -> None:
    """On the CI machine: reading the real /proc and /sys works (usually no stick)."""
    vols = list_volumes()
    assert all(v.device.startswith("/dev/") for v in vols)
