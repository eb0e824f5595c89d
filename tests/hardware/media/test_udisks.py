"""The export stick mounted by the kiosk through udisks2, against a test double of the bus.

What CI's real udisks2 cannot show (its only block devices are loop devices,
which udisks2 never calls removable, and its kernel has no vfat): the
choice of sticks, the options asked for and checked, the unmount after any
ending, and each refusal's message. The real daemon, polkit rule and mount
options are tested in tests/packaging/test_sticks.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.media import StickTarget, export_targets, open_stick
from hardware.udisks import OPTIONS, BusError, UDisks
from kiosk.errors import ExportError
from tests.hardware.media.udisks_double import ERR, FakeUDisks


@pytest.fixture
def bus(tmp_path: Path) -> FakeUDisks:
    return FakeUDisks(tmp_path / "media", tmp_path / "mountinfo").standard()


def test_only_the_file_systems_of_removable_usb_drives_are_offered(bus: FakeUDisks) -> None:
    sticks = UDisks(bus).sticks()
    assert [s.device for s in sticks] == ["/dev/sdb1"]  # not the SSD, not the SD card reader
    (stick,) = sticks
    assert stick.describe() == "SanDisk Cruzer 16.0 GB (/dev/sdb1)"
    assert stick.fs_type == "vfat" and stick.removable and stick.bus == "usb"
    every = {s.device for s in UDisks(bus).filesystems()}
    assert every == {"/dev/sdb1", "/dev/sda1", "/dev/mmcblk0p1"}  # the bare disk has no fs


def test_a_stick_is_mounted_nodev_nosuid_noexec_for_the_export_then_unmounted(
    bus: FakeUDisks,
) -> None:
    udisks = UDisks(bus)
    (stick,) = udisks.sticks()
    with open_stick(stick, udisks, bus.mountinfo) as writer:
        assert bus.mounted() == [str(writer.root)]
        (writer.root / "bundle.txt").write_text("journal")
        assert "SanDisk" in writer.label
    mounts = [c for c in bus.calls if c[1] == "Mount"]
    (_, _, (options,)) = mounts[0]
    assert options == {"options": ("s", "nodev,nosuid,noexec"),
                       "auth.no_user_interaction": ("b", True)}  # fmt: skip
    assert bus.mounted() == []  # unmounted after the export
    assert [c[1] for c in bus.calls].count("Unmount") == 1


def test_the_stick_is_unmounted_when_the_export_fails(bus: FakeUDisks) -> None:
    udisks = UDisks(bus)
    (stick,) = udisks.sticks()
    with pytest.raises(ExportError) as e, open_stick(stick, udisks, bus.mountinfo):
        raise ExportError("export.medium_full", needed=10, free=1)
    assert e.value.code == "export.medium_full"  # the first error is what the person sees
    assert bus.mounted() == []


def test_a_mount_without_the_options_is_refused_and_unmounted(bus: FakeUDisks) -> None:
    """udisks2 configured to drop noexec (mount_options.conf): nothing is written."""
    bus.applied = "nodev,nosuid"
    udisks = UDisks(bus)
    (stick,) = udisks.sticks()
    with pytest.raises(ExportError) as e, open_stick(stick, udisks, bus.mountinfo):
        pytest.fail("the body must not run")
    assert e.value.code == "stick.unsafe" and e.value.params["missing"] == "noexec"
    assert bus.mounted() == []


def test_a_drive_polkit_refuses_gets_a_clear_message(bus: FakeUDisks) -> None:
    bus.mount_error = BusError(
        ERR + "NotAuthorizedCanObtain", "Not authorized to perform operation"
    )
    udisks = UDisks(bus)
    (stick,) = udisks.sticks()
    with pytest.raises(ExportError) as e, open_stick(stick, udisks, bus.mountinfo):
        pytest.fail("the body must not run")
    assert e.value.code == "stick.refused"
    assert "only a removable USB stick may take an export" in str(e.value)
    assert bus.mounted() == []


def test_options_udisks_does_not_allow_and_other_failures_say_why(bus: FakeUDisks) -> None:
    udisks = UDisks(bus)
    (stick,) = udisks.sticks()
    bus.mount_error = BusError(ERR + "OptionNotPermitted", "Mount option `noexec' is not allowed")
    with pytest.raises(ExportError) as e, open_stick(stick, udisks, bus.mountinfo):
        pass
    assert e.value.code == "stick.mount_failed" and OPTIONS in e.value.params["reason"]
    bus.mount_error = BusError(ERR + "Failed", "wrong fs type, bad superblock")
    with pytest.raises(ExportError) as e, open_stick(stick, udisks, bus.mountinfo):
        pass
    assert e.value.code == "stick.mount_failed" and "bad superblock" in str(e.value)
    assert "FAT, exFAT or ext4" in str(e.value)


def test_an_unmount_that_fails_after_a_good_export_is_reported(bus: FakeUDisks) -> None:
    udisks = UDisks(bus)
    (stick,) = udisks.sticks()
    bus.unmount_error = BusError(ERR + "DeviceBusy", "target is busy")
    with pytest.raises(ExportError) as e, open_stick(stick, udisks, bus.mountinfo):
        pass
    assert e.value.code == "stick.not_closed" and "Wait ten seconds" in str(e.value)


def test_a_stick_left_mounted_by_a_stopped_kiosk_is_reused_then_unmounted(
    bus: FakeUDisks,
) -> None:
    udisks = UDisks(bus)
    (stick,) = udisks.sticks()
    udisks.mount(stick)  # the kiosk stopped before its unmount
    with open_stick(stick, udisks, bus.mountinfo) as writer:
        assert bus.mounted() == [str(writer.root)]
    assert [c[1] for c in bus.calls].count("Mount") == 1
    assert bus.mounted() == []


def test_a_stick_pulled_out_before_it_is_opened(bus: FakeUDisks) -> None:
    udisks = UDisks(bus)
    (stick,) = udisks.sticks()
    del bus.objects["/org/freedesktop/UDisks2/block_devices/sdb1"]
    with pytest.raises(ExportError) as e, open_stick(stick, udisks, bus.mountinfo):
        pass
    assert e.value.code == "stick.gone"


def test_without_udisks_the_mounted_volumes_are_offered(bus: FakeUDisks) -> None:
    bus.down = FileNotFoundError(2, "No such file or directory")
    with pytest.raises(ExportError) as e:
        UDisks(bus).sticks()
    assert e.value.code == "stick.no_service"
    assert all(not isinstance(t, StickTarget) for t in export_targets(UDisks(bus)))
    bus.down = None
    targets = export_targets(UDisks(bus))
    assert [t.describe() for t in targets] == ["SanDisk Cruzer 16.0 GB (/dev/sdb1)"]


def test_a_bus_without_udisks_is_no_service(bus: FakeUDisks) -> None:
    bus.down = None
    bus.objects = {}

    class NoService(FakeUDisks):
        def call(self, *a: object) -> tuple[object, ...]:
            raise BusError("org.freedesktop.DBus.Error.ServiceUnknown", "no udisks2")

    with pytest.raises(ExportError) as e:
        UDisks(NoService(bus.media, bus.mountinfo)).sticks()
    assert e.value.code == "stick.no_service" and "no udisks2" in str(e.value)
