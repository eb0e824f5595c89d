"""Durable file writes.

A file the terminal writes (key slots, export files, kiosk.pub) is written to
a temporary name in the same directory, fsynced, renamed over the target and
the directory fsynced, so that after a crash or a pulled stick the target is
either the old file or the complete new one, never a torn mixture.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

Writer = Callable[[int, memoryview], int]


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(
    path: Path,
    data: bytes,
    mode: int = 0o644,
    *,
    write: Writer = os.write,
    chunk: int = 1 << 30,
    progress: Callable[[int], None] | None = None,
    sync_dir: Callable[[Path], None] = fsync_dir,
) -> None:
    """Write ``data`` to ``path`` atomically and durably.

    ``write`` is the low-level write (``os.write``; a test or the export's
    media layer may wrap it to simulate a full or vanished volume),
    ``progress(n)`` is told after each chunk of ``n`` bytes.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(data)
        while view:
            written = write(fd, view[:chunk])
            view = view[written:]
            if progress is not None:
                progress(written)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    sync_dir(path.parent)
