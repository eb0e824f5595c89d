"""Telling a full disk apart from a wrong key, a damaged file or a busy journal.

SQLite reports a disk that filled up mostly as a plain "disk I/O error"
(``SQLITE_IOERR``: creating the write-ahead log or extending it), sometimes
as ``SQLITE_FULL``. At unlock that error used to be read as "the key does
not open it, or the file is damaged", which sent custodians to look for a
wrong key or a broken journal while the fix was to free some disk space.

So a database error at open or at an append is classified here: SQLite's
own codes first (busy or locked: another program holds the journal; full:
the disk), then, for an I/O error, the file system's free space. Below
:data:`MIN_FREE_BYTES` (or with no free inode) the error is reported as a
full disk, naming the directory and what is left, and what to do.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from kiosk.errors import JournalError

#: Less free space than this, with an I/O error, is a full disk: SQLite needs
#: room for its write-ahead log (a few pages per entry, up to the checkpoint).
MIN_FREE_BYTES = 1 << 20

#: SQLite's primary result codes (``sqlite3.h``) this module tells apart.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_IOERR = 10
SQLITE_FULL = 13

#: ``errno`` values that mean "no room left" on a file write.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def free_bytes(directory: Path) -> int | None:
    """Bytes an unprivileged writer may still use in ``directory``'s file system, if known."""
    try:
        st = os.statvfs(directory)
    except OSError:
        return None
    if st.f_files and st.f_favail == 0:
        return 0  # no inode left: no new file (the write-ahead log) can be made
    return st.f_bavail * st.f_frsize


def disk_full(directory: Path) -> bool:
    free = free_bytes(directory)
    return free is not None and free < MIN_FREE_BYTES


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.0f} KiB"
    return f"{n} bytes"


def disk_full_error(directory: Path) -> JournalError:
    free = free_bytes(directory)
    return JournalError(
        "journal.disk_full", path=str(directory), free=_size(free) if free is not None else "none"
    )


def classify(exc: BaseException, directory: Path) -> JournalError | None:
    """What ``exc`` (from SQLite or the OS) really means, if a busy journal or a full disk.

    None when it is neither: the caller keeps its own reading (wrong key,
    damaged file, failed write).
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        if primary in (SQLITE_BUSY, SQLITE_LOCKED):
            return JournalError("journal.locked", path=str(directory))
        if primary == SQLITE_FULL:
            return disk_full_error(directory)
        if primary == SQLITE_IOERR and disk_full(directory):
            return disk_full_error(directory)
        return None
    if isinstance(exc, OSError) and exc.errno in NO_SPACE:
        return disk_full_error(directory)
    return None


def write_failure(exc: BaseException, directory: Path) -> JournalError:
    """What an append that failed with ``exc`` tells the person: a full disk, or a failed write."""
    return classify(exc, directory) or JournalError(
        "journal.write_failed", reason=type(exc).__name__
    )
