"""The database is its own single-writer lock; a full disk is said to be a full disk.

The full-disk tests use a real, small file system (a tmpfs mounted for the
test and unmounted after it): SQLite's reaction to a full disk, not a
simulation of it, is what was misreported. They are skipped only where no
file system can be mounted (not root, or no ``CAP_SYS_ADMIN`` in a
container), saying so.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3

from kiosk.errors import JournalError
from kiosk.format.clock import FakeClock
from kiosk.journal import diskspace
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.journal.store import DB_NAME, LOCK_NAME, Journal
from kiosk.policy import Policy
from kiosk.terminal.lifecycle import Commissioned, commission, unlock_with_passphrase
from kiosk.terminal.signers import journal_check

PASS = "TEST-PASS-PHRASE-0001"


def test_a_second_journal_is_refused_by_the_database_when_the_lock_file_is_gone(
    terminal: Commissioned, clock: FakeClock
) -> None:
    d = terminal.journal.data_dir
    (d / LOCK_NAME).unlink()
    with pytest.raises(JournalError) as exc:
        Journal.open(d, terminal.db_key, clock, approval_check=journal_check)
    assert exc.value.code == "journal.locked"
    # nor can a bare connection with the key read or write a row
    raw = sqlcipher3.connect(str(d / DB_NAME), timeout=0.2)
    raw.execute(f"PRAGMA key = \"x'{terminal.db_key.hex()}'\"")
    with pytest.raises(sqlcipher3.OperationalError, match="locked"):
        raw.execute("SELECT count(*) FROM entries").fetchone()
    raw.close()
    # the first writer carries on
    clock.advance(seconds=1)
    terminal.journal.append("alert.raised", {"alert": "test", "summary": "still the writer"})
    assert terminal.journal.verify_or_raise().entries == 2


def test_the_journal_database_is_held_in_exclusive_locking_mode(terminal: Commissioned) -> None:
    conn = terminal.journal._conn
    assert conn.execute("PRAGMA locking_mode").fetchone()[0] == "exclusive"
    assert not (terminal.journal.data_dir / (DB_NAME + "-shm")).exists()


def test_closing_the_journal_lets_the_next_one_in(terminal: Commissioned, clock: FakeClock) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    (d / LOCK_NAME).unlink()
    Journal.open(d, terminal.db_key, clock, approval_check=journal_check).close()


# ------------------------------------------------------------------ full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs, unmounted (with everything on it) after the test."""
    where = tmp_path / "disk"
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(
            "cannot mount a small file system here (needs root with CAP_SYS_ADMIN): "
            + (done.stderr.strip() or f"mount exited {done.returncode}")
        )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the file system refuses another byte."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return filler


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def test_unlock_on_a_full_disk_says_disk_full_not_wrong_key_and_changes_nothing(
    small_disk: Path, policy: Policy, clock: FakeClock
) -> None:
    d = small_disk / "data"
    done = commission(d, policy, clock, passphrase=PASS, argon=FAST_TEST_PARAMS)
    clock.advance(seconds=1)
    done.journal.append("alert.raised", {"alert": "test", "summary": "before the disk filled"})
    done.journal.close()
    filler = fill(small_disk)
    before = _files(d)
    with pytest.raises(JournalError) as exc:
        unlock_with_passphrase(d, PASS, clock)
    assert exc.value.code == "journal.disk_full"
    words = exc.value.user_message()
    assert "disk is full" in words and "free space" in words
    assert "decrypt" not in words and "key-slot" not in words
    assert _files(d) == before
    # Space freed: the same passphrase unlocks, nothing was lost.
    filler.unlink()
    j = unlock_with_passphrase(d, PASS, clock)
    kinds = [(e.kind, e.data.get("summary")) for e in j.entries()][-3:]
    assert kinds[0] == ("alert.raised", "before the disk filled")
    assert kinds[1][0] == "terminal.unlocked"  # then this unlock, and its passphrase alert
    j.close()


def test_a_disk_that_fills_while_unlocked_refuses_the_append_as_disk_full(
    small_disk: Path, policy: Policy, clock: FakeClock
) -> None:
    d = small_disk / "data"
    done = commission(d, policy, clock, passphrase=PASS, argon=FAST_TEST_PARAMS)
    j = done.journal
    filler = fill(small_disk)
    head = j.head
    clock.advance(seconds=1)
    with pytest.raises(JournalError) as exc:
        for i in range(200):  # the WAL may still have room for a few pages
            j.append("alert.raised", {"alert": "test", "summary": f"entry {i} " + "x" * 400})
    assert exc.value.code == "journal.disk_full"
    written = j.head.seq
    assert written >= head.seq
    filler.unlink()
    j.append("alert.raised", {"alert": "test", "summary": "after space was freed"})
    assert j.verify_or_raise().entries == written + 1
    j.close()
    j = unlock_with_passphrase(d, PASS, clock)
    after = j.entry(written + 1)
    assert after is not None and after.data["summary"] == "after space was freed"
    assert [e.kind for e in j.entries(written + 2)] == ["terminal.unlocked", "alert.raised"]
    j.close()


def test_an_io_error_on_a_roomy_disk_is_not_called_a_full_disk(tmp_path: Path) -> None:
    class IOErr(Exception):
        sqlite_errorcode = diskspace.SQLITE_IOERR

    class Full(Exception):
        sqlite_errorcode = diskspace.SQLITE_FULL

    class Busy(Exception):
        sqlite_errorcode = diskspace.SQLITE_BUSY

    assert diskspace.classify(IOErr(), tmp_path) is None
    assert diskspace.write_failure(IOErr(), tmp_path).code == "journal.write_failed"
    assert diskspace.write_failure(Full(), tmp_path).code == "journal.disk_full"
    assert diskspace.write_failure(Busy(), tmp_path).code == "journal.locked"
    no_room = OSError(errno.ENOSPC, "No space left on device")
    assert diskspace.write_failure(no_room, tmp_path).code == "journal.disk_full"
