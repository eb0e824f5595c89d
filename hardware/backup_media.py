"""The backup medium: found when it is plugged in, mounted for one backup, released after it.

Sealed backups (``kiosk/journal/backup.py``) go to one medium registered
under dual control (``backup.medium_registered``, its *label*). Two kinds:

* **a stick kept in the safe** (the usual case): recognised by its file
  system's label (udisks2's ``IdLabel``, e.g. ``SEALBACKUP``), mounted by
  the kiosk through udisks2 ``nodev,nosuid,noexec`` exactly like an export
  stick (:func:`hardware.media.open_stick`, :mod:`hardware.udisks`: one
  udisks2 client, not a second one), and unmounted when the backup or the
  restore's read ends — after which it may be pulled out;
* **a second disk always present**: the policy's ``[backup] path`` names
  the directory where it is mounted (``/srv/sealroom-backup``); that
  directory is the medium, its label the policy's ``[backup] medium`` (or
  the path when the policy names no label). Nothing is mounted or
  unmounted, and the terminal writes each backup itself when one is due
  (``kiosk/terminal/backup_duty.py``).

What the kiosk sees is :class:`BackupMedium` (a label, a description, whether
it is removable, and ``open()``: a context that yields the directory) and
:class:`BackupMedia` (what is plugged in now). :func:`choose` picks the
registered medium among those present, or says why not (absent, another
stick); :func:`media_for` builds the real one from the policy.

Every ``OSError`` raised while the medium is open becomes a message a
custodian can act on (``backup.medium_full``, ``backup.medium_lost``): the
backup file itself is written to a temporary name and renamed only when
complete and flushed (``kiosk.journal.durable.atomic_write``), so a stick
that is full or pulled out mid-write never holds a file taken for a backup,
and no ``backup.written`` entry is appended.

Simulator: :class:`SimulatedBackupMedia` — a folder standing for the USB
ports, one sub-folder per plugged stick named by its label; ``plug`` and
``unplug`` as a person would. The demo, the screens' tests and
``sealroom simulate`` use it; the udisks2 side is tested against the bus
double of the export sticks (``tests/hardware/media/udisks_double.py``).
"""

from __future__ import annotations

import contextlib
import errno
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hardware.media import MOUNTINFO, open_stick
from hardware.udisks import Stick, UDisks
from kiosk.errors import ExportError, JournalError


class BackupMedium(Protocol):
    """One medium the kiosk can write a backup to (or read one from)."""

    @property
    def label(self) -> str:
        """What is registered in the journal and shown: the stick's label, or the path."""
        ...

    @property
    def removable(self) -> bool: ...

    def describe(self) -> str: ...

    def open(self) -> AbstractContextManager[Path]:
        """The medium's directory for one backup; released (unmounted) when the context ends."""
        ...


class BackupMedia(Protocol):
    """What is plugged in now."""

    def present(self) -> list[BackupMedium]: ...


@contextlib.contextmanager
def _device_errors(label: str) -> Iterator[None]:
    """An OSError while the medium is open, in a custodian's words (nothing half-written counts)."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise JournalError("backup.medium_full", medium=label[:80]) from exc
        reason = exc.strerror or type(exc).__name__
        raise JournalError("backup.medium_lost", medium=label[:80], reason=reason) from exc


@dataclass(frozen=True)
class StickMedium:
    """A USB stick udisks2 knows, recognised by its file system label."""

    stick: Stick
    udisks: UDisks
    mountinfo: Path = MOUNTINFO

    @property
    def label(self) -> str:
        return self.stick.fs_label

    @property
    def removable(self) -> bool:
        return True

    def describe(self) -> str:
        return f"{self.stick.fs_label or '?'} — {self.stick.describe()}"

    @contextlib.contextmanager
    def open(self) -> Iterator[Path]:
        with (
            open_stick(self.stick, self.udisks, self.mountinfo) as writer,
            _device_errors(self.label),
        ):
            yield writer.root


@dataclass(frozen=True)
class UDisksBackupMedia:
    """The file systems of removable USB drives, as the export screen sees them."""

    udisks: UDisks
    mountinfo: Path = MOUNTINFO

    def present(self) -> list[BackupMedium]:
        return [StickMedium(s, self.udisks, self.mountinfo) for s in self.udisks.sticks()]


@dataclass(frozen=True)
class DirectoryMedium:
    """A directory always present (the policy's ``[backup] path``): a second disk."""

    path: Path
    #: the label it is registered under (the policy's ``[backup] medium``), else the path
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or str(self.path)

    @property
    def removable(self) -> bool:
        return False

    def describe(self) -> str:
        return str(self.path)

    @contextlib.contextmanager
    def open(self) -> Iterator[Path]:
        if not self.path.is_dir():
            raise JournalError("backup.medium_missing_dir", medium=str(self.path)[:80])
        with _device_errors(self.label):
            yield self.path


@dataclass(frozen=True)
class DirectoryBackupMedia:
    """The policy's backup directory, present when it exists."""

    path: Path
    name: str | None = None

    def present(self) -> list[BackupMedium]:
        if not self.path.is_dir():
            raise JournalError("backup.medium_missing_dir", medium=str(self.path)[:80])
        return [DirectoryMedium(self.path, self.name)]


def media_for(
    path: str | None, medium: str | None = None, udisks: UDisks | None = None
) -> BackupMedia:
    """The real media: the policy's ``[backup] path`` if it names one, else udisks2's sticks."""
    if path is not None:
        return DirectoryBackupMedia(Path(path), medium)
    return UDisksBackupMedia(udisks if udisks is not None else UDisks())


def choose(media: BackupMedia, registered: str | None) -> BackupMedium:
    """The registered medium among those present; with none registered, the one to register.

    Refused, with words a custodian can act on: nothing plugged in
    (``backup.medium_absent`` / ``backup.no_medium``), only other sticks
    (``backup.wrong_medium``: nothing is written to them), a stick with no
    label to recognise it by (``backup.medium_unlabelled``).
    """
    try:
        present = media.present()
    except ExportError as exc:  # udisks2 not answering: nothing can be mounted
        if exc.code != "stick.no_service":
            raise
        present = []
    if registered is not None:
        for medium in present:
            if medium.label == registered:
                return medium
        if present:
            found = ", ".join(m.describe() for m in present)[:120]
            raise JournalError("backup.wrong_medium", medium=registered[:80], found=found)
        raise JournalError("backup.medium_absent", medium=registered[:80])
    if not present:
        raise JournalError("backup.no_medium")
    medium = present[0]
    if not medium.label:
        raise JournalError("backup.medium_unlabelled", found=medium.describe()[:80])
    return medium


# ------------------------------------------------------------------ simulator
@dataclass(frozen=True)
class SimulatedMedium:
    """A simulated stick: the folder ``<ports>/<label>``."""

    path: Path

    @property
    def label(self) -> str:
        return self.path.name

    @property
    def removable(self) -> bool:
        return True

    def describe(self) -> str:
        return f"{self.label} (simulated stick)"

    @contextlib.contextmanager
    def open(self) -> Iterator[Path]:
        with _device_errors(self.label):
            if not self.path.is_dir():  # pulled out between the choice and the open
                raise FileNotFoundError(errno.ENOENT, "the stick is not plugged in")
            yield self.path


class SimulatedBackupMedia:
    """Simulated USB ports: a folder, one sub-folder per plugged stick (named by its label).

    ``plug(label)`` plugs in a stick (its files stay between plugs, in
    ``<store>/<label>``); ``unplug(label)`` pulls it out — also while a
    backup is being written, to test that nothing half-written counts.
    """

    def __init__(self, ports: Path, store: Path | None = None) -> None:
        self.ports = ports
        self.store = store if store is not None else ports.parent / f"{ports.name}-safe"
        self.ports.mkdir(parents=True, exist_ok=True)
        self.store.mkdir(parents=True, exist_ok=True)

    def plug(self, label: str) -> Path:
        kept, port = self.store / label, self.ports / label
        if kept.is_dir():
            kept.rename(port)
        port.mkdir(exist_ok=True)
        return port

    def unplug(self, label: str) -> None:
        port = self.ports / label
        if port.is_dir():
            shutil.rmtree(self.store / label, ignore_errors=True)
            port.rename(self.store / label)

    def present(self) -> list[BackupMedium]:
        return [SimulatedMedium(p) for p in sorted(self.ports.iterdir()) if p.is_dir()]


__all__ = [
    "BackupMedia",
    "BackupMedium",
    "DirectoryBackupMedia",
    "DirectoryMedium",
    "SimulatedBackupMedia",
    "SimulatedMedium",
    "StickMedium",
    "UDisksBackupMedia",
    "choose",
    "media_for",
]
