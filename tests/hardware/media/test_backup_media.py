"""The backup medium: the registered stick found by its label, mounted and released; a directory.

udisks2 is the export sticks' bus double (``udisks_double.py``): the same
mount with ``nodev,nosuid,noexec`` and the unmount after any ending. The
real udisks2 and polkit are exercised by CI's packaging test for export
sticks (tests/packaging/test_sticks.py) through the same ``open_stick``.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from hardware.backup_media import (
    DirectoryBackupMedia,
    SimulatedBackupMedia,
    UDisksBackupMedia,
    choose,
    media_for,
)
from hardware.udisks import BLOCK, UDisks
from kiosk.errors import JournalError
from kiosk.errors.messages import render
from tests.hardware.media.udisks_double import FakeUDisks


@pytest.fixture
def bus(tmp_path: Path) -> FakeUDisks:
    fake = FakeUDisks(tmp_path / "media", tmp_path / "mountinfo").standard()
    fake.objects["/org/freedesktop/UDisks2/block_devices/sdb1"][BLOCK]["IdLabel"] = (
        "s",
        "SEALBACKUP",
    )
    return fake


def test_the_registered_stick_is_found_by_its_label_mounted_and_unmounted(bus: FakeUDisks) -> None:
    media = UDisksBackupMedia(UDisks(bus), bus.mountinfo)
    medium = choose(media, "SEALBACKUP")
    assert medium.label == "SEALBACKUP" and medium.removable
    with medium.open() as where:
        assert bus.mounted() == [str(where)]
        (where / "x.sealroom-backup").write_text("sealed")
    assert bus.mounted() == []  # unmounted: safe to remove
    (_, _, (options,)) = next(c for c in bus.calls if c[1] == "Mount")
    assert options["options"] == ("s", "nodev,nosuid,noexec")


def test_another_stick_is_refused_before_anything_is_written(bus: FakeUDisks) -> None:
    media = UDisksBackupMedia(UDisks(bus), bus.mountinfo)
    with pytest.raises(JournalError) as e:
        choose(media, "OTHERSTICK")
    assert e.value.code == "backup.wrong_medium"
    assert "SEALBACKUP" in e.value.user_message()
    assert not [c for c in bus.calls if c[1] == "Mount"]


def test_no_stick_and_no_udisks_say_plug_it_in(tmp_path: Path, bus: FakeUDisks) -> None:
    bus.down = OSError(errno.ENOENT, "no bus")
    media = UDisksBackupMedia(UDisks(bus), bus.mountinfo)
    with pytest.raises(JournalError) as e:
        choose(media, "SEALBACKUP")
    assert e.value.code == "backup.medium_absent"
    with pytest.raises(JournalError) as e:
        choose(media, None)
    assert e.value.code == "backup.no_medium"


def test_a_stick_full_mid_write_is_reported_and_still_unmounted(bus: FakeUDisks) -> None:
    medium = choose(UDisksBackupMedia(UDisks(bus), bus.mountinfo), "SEALBACKUP")
    with pytest.raises(JournalError) as e, medium.open():
        raise OSError(errno.ENOSPC, "No space left on device")
    assert e.value.code == "backup.medium_full"
    assert "not written" in e.value.user_message()
    assert bus.mounted() == []


def test_a_policy_path_is_a_medium_always_present(tmp_path: Path, bus: FakeUDisks) -> None:
    disk = tmp_path / "second-disk"
    media = media_for(str(disk))
    assert isinstance(media, DirectoryBackupMedia)
    with pytest.raises(JournalError) as e:
        choose(media, str(disk))
    assert e.value.code == "backup.medium_missing_dir"
    disk.mkdir()
    medium = choose(media, str(disk))
    assert not medium.removable
    with medium.open() as where:
        assert where == disk
    named = choose(media_for(str(disk), "SECOND-DISK"), "SECOND-DISK")  # the policy's label
    assert named.label == "SECOND-DISK" and not named.removable
    assert isinstance(media_for(None, "SEALBACKUP", UDisks(bus)), UDisksBackupMedia)


def test_the_simulator_plugs_keeps_and_pulls_out_sticks(tmp_path: Path) -> None:
    media = SimulatedBackupMedia(tmp_path / "ports")
    with pytest.raises(JournalError) as e:
        choose(media, None)
    assert e.value.code == "backup.no_medium"
    media.plug("SEALBACKUP")
    medium = choose(media, None)
    with medium.open() as where:
        (where / "a.sealroom-backup").write_text("x")
    media.unplug("SEALBACKUP")
    with pytest.raises(JournalError) as e:
        choose(media, "SEALBACKUP")
    assert e.value.code == "backup.medium_absent"
    media.plug("SEALBACKUP")  # the files stayed on the stick
    assert (tmp_path / "ports" / "SEALBACKUP" / "a.sealroom-backup").exists()
    with pytest.raises(JournalError) as e, medium.open() as where:
        media.unplug("SEALBACKUP")  # pulled out mid-write
        (where / "b.tmp").write_text("x")
    assert e.value.code == "backup.medium_lost"
    assert "Plug the stick in again" in render(e.value.code, e.value.params)
