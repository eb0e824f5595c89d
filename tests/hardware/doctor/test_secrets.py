"""Secrets at rest, each check against a fake /proc, /sys and /etc tree."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from hardware.doctor.secrets import (
    check_core_dumps,
    check_cups_tmpfs,
    check_data_dir,
    check_swap,
    cups_folders,
    mount_of,
    read_mounts,
)

SWAPS_HEADER = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
ME = pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for d in ("proc/sys/kernel", "sys/block", "dev/mapper", "etc/systemd", "usr/lib/systemd"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "proc/mounts").write_text(
        "/dev/sda1 / ext4 rw,relatime 0 0\n"
        "/dev/mapper/root\\040fs /encrypted ext4 rw 0 0\n"
        "tmpfs /run tmpfs rw,nosuid 0 0\n"
    )
    return tmp_path


def swaps(tree: Path, *lines: str) -> None:
    (tree / "proc/swaps").write_text(SWAPS_HEADER + "".join(line + "\n" for line in lines))


def dm(tree: Path, number: int, name: str, uuid: str) -> None:
    (tree / f"sys/block/dm-{number}/dm").mkdir(parents=True)
    (tree / f"sys/block/dm-{number}/dm/uuid").write_text(uuid + "\n")
    (tree / "dev/mapper" / name).symlink_to(f"../dm-{number}")


def swap_finding(tree: Path) -> tuple[str, str]:
    f = check_swap(tree / "proc", tree / "sys/block", tree / "dev")
    return f.status, f.code


def test_no_swap_passes(tree: Path) -> None:
    swaps(tree)
    assert swap_finding(tree) == ("pass", "doctor.swap.none")


def test_a_plain_swap_partition_fails_naming_it(tree: Path) -> None:
    swaps(tree, "/dev/sda2\tpartition\t2097148\t0\t-2")
    f = check_swap(tree / "proc", tree / "sys/block", tree / "dev")
    assert (f.status, f.code) == ("fail", "doctor.swap.plain")
    assert "/dev/sda2" in f.text and "swapoff" in f.text


def test_swap_on_dm_crypt_or_zram_passes(tree: Path) -> None:
    dm(tree, 0, "cryptswap", "CRYPT-PLAIN-cryptswap")
    swaps(tree, "/dev/dm-0\tpartition\t2097148\t0\t-2", "/dev/zram0\tpartition\t1024\t0\t100")
    assert swap_finding(tree) == ("pass", "doctor.swap.encrypted")


def test_swap_on_a_device_mapper_volume_that_is_not_crypt_fails(tree: Path) -> None:
    dm(tree, 1, "vg-swap", "LVM-abcdef")
    swaps(tree, "/dev/mapper/vg-swap\tpartition\t2097148\t0\t-2")
    assert swap_finding(tree) == ("fail", "doctor.swap.plain")


def test_a_swap_file_is_judged_by_the_file_system_it_is_on(tree: Path) -> None:
    dm(tree, 2, "root fs", "CRYPT-LUKS2-1234-root")
    swaps(tree, "/encrypted/swapfile\tfile\t1048572\t0\t-2")
    assert swap_finding(tree) == ("pass", "doctor.swap.encrypted")
    swaps(tree, "/swapfile\tfile\t1048572\t0\t-2")
    assert swap_finding(tree) == ("fail", "doctor.swap.plain")


def core(tree: Path, pattern: str) -> tuple[str, str]:
    (tree / "proc/sys/kernel/core_pattern").write_text(pattern + "\n")
    f = check_core_dumps(tree / "proc", tree / "etc", tree / "usr/lib")
    return f.status, f.code


def test_core_dumps_off_only_when_nothing_is_written(tree: Path) -> None:
    assert core(tree, "|/bin/false") == ("pass", "doctor.core.off")
    assert core(tree, "|/usr/bin/true %p") == ("pass", "doctor.core.off")
    assert core(tree, "core") == ("fail", "doctor.core.on")
    assert core(tree, "/var/crash/core.%p") == ("fail", "doctor.core.on")
    assert core(tree, "|/usr/share/apport/apport %p") == ("fail", "doctor.core.on")


def test_systemd_coredump_passes_only_with_storage_none(tree: Path) -> None:
    pattern = "|/lib/systemd/systemd-coredump %P %u %g %s %t 9223372036854775808 %h"
    assert core(tree, pattern) == ("fail", "doctor.core.coredump_stores")
    (tree / "usr/lib/systemd/coredump.conf").write_text("[Coredump]\n#Storage=external\n")
    (tree / "etc/systemd/coredump.conf.d").mkdir()
    (tree / "etc/systemd/coredump.conf.d/50-sealroom.conf").write_text(
        "[Coredump]\nStorage=none\nProcessSizeMax=0\n"
    )
    assert core(tree, pattern) == ("pass", "doctor.core.coredump_none")


def test_mounts_are_read_with_their_escapes_and_the_deepest_wins(tree: Path) -> None:
    mounts = read_mounts(tree / "proc")
    assert ("/dev/mapper/root fs", "/encrypted", "ext4") in mounts
    assert mount_of(Path("/run/cups"), mounts) == ("tmpfs", "/run", "tmpfs")
    assert mount_of(Path("/var/spool/cups"), mounts) == ("/dev/sda1", "/", "ext4")
    assert mount_of(Path("/running"), mounts) == ("/dev/sda1", "/", "ext4")


def test_cups_spool_and_temp_must_be_on_tmpfs(tree: Path) -> None:
    conf = tree / "cups-files.conf"
    f = check_cups_tmpfs(tree / "proc", conf)
    assert (f.status, f.code) == ("fail", "doctor.cups_tmpfs.on_disk")
    assert "/var/spool/cups (RequestRoot, on ext4)" in f.text
    assert "/var/spool/cups/tmp (TempDir, on ext4)" in f.text
    with (tree / "proc/mounts").open("a") as fh:
        fh.write("tmpfs /var/spool/cups tmpfs rw,mode=0710 0 0\n")
    f = check_cups_tmpfs(tree / "proc", conf)
    assert f.status == "pass"  # the temp folder is inside the spool's tmpfs
    conf.write_text("# moved\nTempDir /var/tmp/cups\n")
    f = check_cups_tmpfs(tree / "proc", conf)
    assert f.status == "fail" and "/var/tmp/cups (TempDir, on ext4)" in f.text


def test_cups_folders_follow_cups_files_conf(tmp_path: Path) -> None:
    conf = tmp_path / "cups-files.conf"
    conf.write_text("RequestRoot /srv/spool\n")
    assert cups_folders(conf) == {
        "RequestRoot": Path("/srv/spool"),
        "TempDir": Path("/srv/spool/tmp"),
    }
    assert cups_folders(tmp_path / "none")["TempDir"] == Path("/var/spool/cups/tmp")


def test_the_data_directory_must_be_0700_owned_by_the_kiosk_user(tmp_path: Path) -> None:
    d = tmp_path / "data"
    assert check_data_dir(d, ME).code == "doctor.data_dir.missing"
    d.mkdir(mode=0o755)
    d.chmod(0o755)
    f = check_data_dir(d, ME)
    assert f.code == "doctor.data_dir.permissions" and "mode 0755" in f.text
    assert f"chmod 0700 {d}" in f.text
    d.chmod(0o700)
    (d / "journal.db").write_bytes(b"x")
    (d / "journal.db").chmod(0o644)  # the world-readable journal
    f = check_data_dir(d, ME)
    assert f.code == "doctor.data_dir.files_open" and "journal.db" in f.text
    (d / "journal.db").chmod(0o600)
    f = check_data_dir(d, ME)
    assert (f.status, f.code) == ("pass", "doctor.data_dir.ok")


def test_a_missing_kiosk_user_or_a_symlink_fails(tmp_path: Path) -> None:
    assert check_data_dir(tmp_path, "no-such-user-sr").code == "doctor.data_dir.no_user"
    (tmp_path / "link").symlink_to(tmp_path)
    assert check_data_dir(tmp_path / "link", ME).code == "doctor.data_dir.not_dir"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a directory to another owner")
def test_a_directory_owned_by_someone_else_fails(tmp_path: Path) -> None:
    d = tmp_path / "data"
    d.mkdir(mode=0o700)
    os.chown(d, 65534, 65534)
    f = check_data_dir(d, "root")
    assert f.code == "doctor.data_dir.permissions"
