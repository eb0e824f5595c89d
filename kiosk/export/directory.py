"""The file-writing layer of an export: every byte of a bundle goes through here.

Why a class and not :func:`kiosk.journal.durable.atomic_write`: an export must report
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
from collections.abc import Callable
from pathlib import Path

from kiosk.journal.durable import atomic_write, fsync_dir

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
        atomic_write(
            self.root / bundle / name,
            data,
            0o644,
            write=self._write,
            chunk=CHUNK,
            progress=progress,
            sync_dir=self.sync_dir,
        )

    def _write(self, fd: int, chunk: memoryview) -> int:
        return os.write(fd, chunk)

    def sync_dir(self, directory: Path) -> None:
        fsync_dir(directory)

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
