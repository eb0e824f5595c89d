"""When and where the terminal writes its sealed backups, and what the dashboard says about them.

* The medium is registered under dual control (``backup.medium_registered``,
  :func:`start_medium_registration`), and must be the one the policy names
  (``[backup] medium``) when it names one; a backup is written only to the
  medium last registered (``backup.unregistered_medium`` otherwise).
* :func:`make_backup` writes one sealed backup (``kiosk/journal/backup.py``)
  and records it (``backup.written``): every backup is a journal entry.
* :func:`backup_status` says when the last backup was written and by when
  the next is due: at once after an incident closed, a key was enrolled or
  revoked since the last backup; otherwise ``every_days`` (the policy's
  ``[backup] every_days``) after it. It reads the journal's state
  (:mod:`kiosk.state.backups`), the same facts the overdue alert
  (:mod:`kiosk.state.due`, kind ``backup``) and the auditors' verifier judge.
* The terminal writes backups by itself where it can (a medium always
  mounted, ``[backup] path``): :mod:`kiosk.terminal.backup_duty`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import JournalError
from kiosk.format.clock import format_ts, parse_ts
from kiosk.format.entry import Entry
from kiosk.journal.backup import write_backup
from kiosk.journal.store import Journal
from kiosk.policy import Policy
from kiosk.state.backups import TRIGGERS
from kiosk.terminal.approvals import DualApproval, SecurityKeys

#: the default interval between backups when nothing else makes one due
DEFAULT_EVERY_DAYS = 7


def start_medium_registration(
    journal: Journal,
    policy: Policy,
    security_keys: SecurityKeys,
    medium: str,
    description: str,
) -> DualApproval:
    """Reserve the dual ``backup.medium_registered`` entry (two custodians sign it).

    A policy that names its medium (``[backup] medium``) takes only that one.
    """
    if policy.backup_medium is not None and policy.backup_medium != medium:
        raise JournalError("backup.not_in_policy", medium=medium[:80])
    data: dict[str, Any] = {
        "medium": medium[:200],
        "description": description[:500],
        "every_days": policy.backup_every_days,
    }
    if policy.backup_path is not None:
        data["path"] = policy.backup_path[:400]
    return DualApproval(journal, policy, security_keys, "backup.medium_registered", data)


def registered_medium(journal: Journal) -> str | None:
    """The label of the medium last registered (``None``: none yet)."""
    return journal.state.backup.medium


def make_backup(
    journal: Journal,
    directory: Path,
    medium: str,
    reason: str = "manual",
    every_days: int | None = None,
) -> Entry | None:
    """Write a sealed backup of ``journal`` to the registered ``medium``, then record it.

    With ``reason`` ``"move"`` nothing is appended: the backup carries the
    ``terminal.moved`` entry as its head, the new machine's
    ``terminal.restored`` names it, and an entry written here would be the
    one thing the move loses. ``every_days`` (the policy's ``[backup]
    every_days``) is recorded, so the auditors' verifier judges the next
    deadline as the terminal does (:mod:`kiosk.state.backups`).

    This is the function the backup screen and :class:`kiosk.terminal.backup_duty.BackupDuty`
    call, in a worker: it reads the whole journal under its lock. A screen
    writing to the stick brought from the safe passes the medium's label
    (``journal.state.backup.medium``), the reason the backup is due
    (``BackupDuty(journal, policy).owed(now)``, or ``"manual"`` when none
    is) and ``policy.backup_every_days``.
    """
    if registered_medium(journal) != medium:
        raise JournalError("backup.unregistered_medium", medium=medium[:80])
    created_at = format_ts(journal.clock.now())
    header = write_backup(journal, directory, created_at)
    if reason == "move":
        return None
    data: dict[str, Any] = {
        "medium": medium[:200],
        "file": header.path.name[:200],
        "seq": header.seq,
        "hash": header.hash,
        "reason": reason,
    }
    if every_days is not None:
        data["every_days"] = every_days
    return journal.append("backup.written", data)


@dataclass(frozen=True)
class BackupStatus:
    """The last backup (``None``: never) and the time by which the next is due."""

    last_ts: str | None
    last_seq: int | None
    due_by: str
    reason: str  # why it is due: "schedule", "incident", "enrolment", "revocation", "never"

    def overdue(self, now: dt.datetime) -> bool:
        return format_ts(now) >= self.due_by


def backup_status(journal: Journal, every_days: int = DEFAULT_EVERY_DAYS) -> BackupStatus:
    """The last backup and the next deadline, as the journal's state has them.

    The deadline is :func:`kiosk.state.due.backup_deadline`'s (the one the
    overdue alert and the auditors' verifier judge), with ``every_days`` the
    policy's (the registration starts the schedule while none was written);
    with no medium registered, "never" and due since the last entry.
    """
    state = journal.state
    b = state.backup
    last_ts = b.last.ts if b.last is not None else None
    if b.registered is None:
        return BackupStatus(last_ts, b.last_head, state.last_ts, "never")
    if b.trigger is not None:
        return BackupStatus(last_ts, b.last_head, b.trigger.ts, b.trigger.what)
    since = b.last or b.registered
    due = format_ts(parse_ts(since.ts) + dt.timedelta(days=b.interval(every_days)))
    return BackupStatus(last_ts, b.last_head, due, "schedule")


class BackupLedger:
    """The dashboard's view of :func:`backup_status`: the state's facts, no pass of its own.

    Kept for the dashboard's Backup line (``ui/screens/backup_row.py``): it
    used to read the journal's entries itself; the journal's state
    (:mod:`kiosk.state.backups`) now folds them as they are written.
    """

    def __init__(self) -> None:
        self.medium: str | None = None  #: the registered medium's label
        self.last_medium: str | None = None  #: the medium of the newest backup

    def update(self, journal: Journal) -> BackupLedger:
        b = journal.state.backup
        self.medium = b.medium
        self.last_medium = b.last.what if b.last is not None else None
        return self

    def status(self, journal: Journal, every_days: int = DEFAULT_EVERY_DAYS) -> BackupStatus:
        return backup_status(journal, every_days)


__all__ = [
    "DEFAULT_EVERY_DAYS",
    "TRIGGERS",
    "BackupLedger",
    "BackupStatus",
    "backup_status",
    "make_backup",
    "registered_medium",
    "start_medium_registration",
]
