"""The file-writing layer of an export: every byte of a bundle goes through here.

Why a class and not :func:`kiosk.fsutil.atomic_write`: an export must report
progress while a large journal is written, check free space first, clean up
a half-written bundle, and — in tests — be replaced at the device boundary by
a writer whose medium fills up or disappears mid-write. ``hardware.media``
opens one of these on a removable volume after checking it.

Invariants:

* a file appears under its final name only complete and fsynced: it is
  written to ``.<name>.<random>.tmp`` in the same directory, fsynced,
  renamed, and the directory fsynced;
* an ``OSError`` from the medium propagates unchanged (the writer maps it to
  a message); :meth:`remove_bundle` never raises, since it runs while the
  medium may already be gone.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

CHUNK = 1 << 20

Progress = Callable[[int], None]


class DirectoryWriter:
    """Writes bundles into ``root`` (a mounted volume's root directory)."""

    def __init__(self, root: Path, label: str | None = None) -> None:
        self.root = root
        self.label = label or str(root)

    def free_bytes(self) -> int:
        st = os.statvfs(self.root)
        return st.f_bavail * st.f_frsize

    def make_bundle_dir(self, name: str) -> None:
        """Create the bundle directory; ``FileExistsError`` if it is already there."""
        os.mkdir(self.root / name, 0o755)
        self.sync_dir(self.root)

    def write_file(self, bundle: str, name: str, data: bytes, progress: Progress) -> None:
        """Write one file durably under its final name; ``progress(n)`` after each chunk."""
        directory = self.root / bundle
        tmp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = self._write(fd, view[:CHUNK])
                view = view[written:]
                progress(written)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(fd)
        try:
            os.replace(tmp, directory / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self.sync_dir(directory)

    def _write(self, fd: int, chunk: memoryview) -> int:
        return os.write(fd, chunk)

    def sync_dir(self, directory: Path) -> None:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def remove_bundle(self, bundle: str) -> bool:
        """Remove what an unfinished export left (signature first); True if nothing is left."""
        directory = self.root / bundle
        with contextlib.suppress(OSError):
            (directory / "manifest.json.sig").unlink(missing_ok=True)
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        for n in names:
            with contextlib.suppress(OSError):
                os.unlink(directory / n)
        with contextlib.suppress(OSError):
            os.rmdir(directory)
        with contextlib.suppress(OSError):
            self.sync_dir(self.root)
        return not directory.exists()
