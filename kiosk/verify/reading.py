"""Reading a bundle safely (spec section 7, Amendment 1): what is read, and how much.

A bundle comes from a USB stick an insider may have prepared, so nothing in
it is trusted until checked, not even what kind of file a name is. The
verifier reads a bundle only through a :class:`Source`: a directory on disk
(:class:`DirectorySource`) or, for tests and the export writer's checks,
files in memory (:class:`MemorySource`).

Invariants:

* Only a name without a path in it is opened, relative to the bundle
  directory's own descriptor: nothing outside the directory is reachable.
* Only a regular file is read. A symbolic link, a directory, a FIFO, a
  socket or a device is refused and never followed nor opened: the name is
  checked with ``lstat`` first (so a device or FIFO is never opened), then
  opened with ``O_NOFOLLOW`` and the descriptor checked with ``fstat`` to be
  the same regular file (so swapping the name between the two is caught).
* Memory does not grow with a file's size: files are hashed in chunks
  (:func:`sha256_of`), ``journal.jsonl`` is read line by line with each line
  cut at :data:`kiosk.format.entry.MAX_LINE` (:class:`JournalLines`), and the
  small files (manifest, signature) are read up to a bound
  (:func:`read_small`).
* A failure to read is an :class:`Unreadable` with words for the report,
  never an ``OSError`` escaping to the auditor.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol

from kiosk.format.entry import MAX_LINE

#: How much of a file is hashed at a time.
CHUNK = 1 << 20
#: The largest manifest.json and manifest.json.sig read (a real one is a few KiB).
MAX_SMALL = 1 << 20

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after lstat must not block the open
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


class Unreadable(Exception):
    """A bundle file that was not read: ``reason`` completes "<name> …"; ``missing`` if absent."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


class Source(Protocol):
    """Where a bundle's files come from."""

    def names(self) -> list[str]:
        """The names in the bundle, sorted, without reading any file."""
        ...

    def open(self, name: str) -> BinaryIO:
        """The file ``name``, opened for reading; :class:`Unreadable` if it may not be read."""
        ...


def unsafe_name(name: str) -> bool:
    """A name that is not a plain file name of the bundle directory (a path, or hidden)."""
    return (
        not name or name in (".", "..") or name.startswith(".") or any(c in name for c in "/\\\x00")
    )


class MemorySource:
    """A bundle given as ``{file name: bytes}`` (the mutation suite, the export's own check)."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._files = files

    def names(self) -> list[str]:
        return sorted(self._files)

    def open(self, name: str) -> BinaryIO:
        if name not in self._files:
            raise Unreadable("is missing", missing=True)
        return io.BytesIO(self._files[name])


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, what in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return what
    return "not a regular file"


class DirectorySource:
    """A bundle directory on disk, read through its own descriptor (see the module's rules).

    Use it as a context manager, so the directory's descriptor is closed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._dir_fd: int | None = None
        if os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd:
            self._dir_fd = os.open(path, _DIR_FLAGS)

    def __enter__(self) -> DirectorySource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._dir_fd is not None:
            os.close(self._dir_fd)
            self._dir_fd = None

    def names(self) -> list[str]:
        where: int | Path = self._dir_fd if self._dir_fd is not None else self.path
        try:
            return sorted(os.listdir(where))
        except OSError:
            return []

    def _where(self, name: str) -> tuple[str, int | None]:
        if self._dir_fd is not None:
            return name, self._dir_fd
        return str(self.path / name), None

    def open(self, name: str) -> BinaryIO:
        if unsafe_name(name):
            raise Unreadable("is not a plain file name of the bundle directory")
        where, dir_fd = self._where(name)
        try:
            before = os.stat(where, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            raise Unreadable("is missing", missing=True) from None
        except (OSError, ValueError) as exc:
            raise Unreadable(f"cannot be read ({_why(exc)})") from None
        what = _not_regular(before.st_mode)
        if what is not None:
            raise Unreadable(f"is {what}, not a regular file: it was not read or followed")
        try:
            fd = os.open(where, _FLAGS, dir_fd=dir_fd)
        except OSError as exc:
            raise Unreadable(f"cannot be read ({_why(exc)}); it was not followed") from None
        try:
            after = os.fstat(fd)
            same = (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
            if not stat.S_ISREG(after.st_mode) or not same:
                raise Unreadable("was replaced while it was being opened: it was not read")
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise


def _why(exc: BaseException) -> str:
    """An ``OSError`` in words, without the path (the name is already in the message)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def read_small(source: Source, name: str, limit: int = MAX_SMALL) -> bytes:
    """The whole of a small file (manifest, signature); :class:`Unreadable` if over ``limit``."""
    with source.open(name) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise Unreadable(f"cannot be read ({_why(exc)})") from None
    if len(data) > limit:
        raise Unreadable(f"is larger than {limit} bytes, far more than it can hold: not read")
    return data


def sha256_of(fh: BinaryIO) -> str:
    """SHA-256 of the rest of ``fh``, read in chunks of :data:`CHUNK` bytes."""
    h = hashlib.sha256()
    while True:
        try:
            chunk = fh.read(CHUNK)
        except OSError as exc:
            raise Unreadable(f"cannot be read ({_why(exc)})") from None
        if not chunk:
            return h.hexdigest()
        h.update(chunk)


class JournalLines:
    """``journal.jsonl`` line by line, each without its newline; hashes what it reads.

    A line longer than :data:`MAX_LINE` is handed over cut at ``MAX_LINE + 1``
    bytes (so :func:`kiosk.format.entry.check_line` refuses it by its length)
    and reading stops there. A last line without its newline is not handed
    over: ``unterminated`` says so after the walk. ``complete`` is true once
    the whole file has been read, and ``hexdigest`` is then its SHA-256.
    """

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._sha = hashlib.sha256()
        self.unterminated = False
        self.complete = False

    @property
    def hexdigest(self) -> str:
        return self._sha.hexdigest()

    def __iter__(self) -> Iterator[bytes]:
        while True:
            try:
                chunk = self._fh.readline(MAX_LINE + 2)
            except OSError as exc:
                raise Unreadable(f"cannot be read ({_why(exc)})") from None
            if not chunk:
                self.complete = True
                return
            self._sha.update(chunk)
            if chunk.endswith(b"\n") and len(chunk) <= MAX_LINE + 1:
                yield chunk[:-1]
            elif len(chunk) > MAX_LINE:
                yield chunk[: MAX_LINE + 1]
                return
            else:
                self.unterminated = True
                self.complete = True
                return
