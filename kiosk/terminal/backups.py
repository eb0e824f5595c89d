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
  ``[backup] every_days``) after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import JournalError
from kiosk.format.clock import format_ts, parse_ts
from kiosk.format.entry import Entry
from kiosk.journal.backup import write_backup
from kiosk.journal.store import Journal
from kiosk.policy import Policy
from kiosk.terminal.approvals import DualApproval, SecurityKeys

#: the default interval between backups when nothing else makes one due
DEFAULT_EVERY_DAYS = 7
#: entries after which a backup is due at once, and the reason it records
TRIGGERS = {
    "review.completed": "incident",
    "review.escalated": "incident",
    "custodian.enrolled": "enrolment",
    "custodian.revoked": "revocation",
}


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
    data = {"medium": medium[:200], "description": description[:500]}
    return DualApproval(journal, policy, security_keys, "backup.medium_registered", data)


def registered_medium(journal: Journal) -> str | None:
    found = None
    for e in journal.entries():
        if e.kind == "backup.medium_registered":
            found = str(e.data["medium"])
    return found


def make_backup(
    journal: Journal, directory: Path, medium: str, reason: str = "manual"
) -> Entry | None:
    """Write a sealed backup of ``journal`` to the registered ``medium``, then record it.

    With ``reason`` ``"move"`` nothing is appended: the backup carries the
    ``terminal.moved`` entry as its head, the new machine's
    ``terminal.restored`` names it, and an entry written here would be the
    one thing the move loses.
    """
    if registered_medium(journal) != medium:
        raise JournalError("backup.unregistered_medium", medium=medium[:80])
    created_at = format_ts(journal.clock.now())
    header = write_backup(journal, directory, created_at)
    if reason == "move":
        return None
    return journal.append(
        "backup.written",
        {
            "medium": medium[:200],
            "file": header.path.name[:200],
            "seq": header.seq,
            "hash": header.hash,
            "reason": reason,
        },
    )


@dataclass(frozen=True)
class BackupStatus:
    """The last backup (``None``: never) and the time by which the next is due."""

    last_ts: str | None
    last_seq: int | None
    due_by: str
    reason: str  # why it is due: "schedule", "incident", "enrolment", "revocation", "never"

    def overdue(self, now: dt.datetime) -> bool:
        return format_ts(now) >= self.due_by


class BackupLedger:
    """What the journal says about backups, read once: each update reads only new entries.

    Why: the dashboard asks at every refresh, on the GUI thread; reading a
    ten-year journal whole each time would stall the screen. The journal
    only grows, so what was read stays true.
    """

    def __init__(self) -> None:
        self.seen = 0  #: the last seq read
        self.last: Entry | None = None  #: the newest ``backup.written``
        self.trigger: Entry | None = None  #: the first trigger after it
        self.medium: str | None = None  #: the registered medium's label
        self.last_medium: str | None = None  #: the medium of the newest backup

    def update(self, journal: Journal) -> BackupLedger:
        for e in journal.entries(self.seen + 1):
            self.seen = e.seq
            if e.kind == "backup.written":
                self.last, self.trigger = e, None
                self.last_medium = str(e.data["medium"])
            elif e.kind == "backup.medium_registered":
                self.medium = str(e.data["medium"])
            elif e.kind in TRIGGERS and self.trigger is None:
                self.trigger = e
        return self

    def status(self, journal: Journal, every_days: int = DEFAULT_EVERY_DAYS) -> BackupStatus:
        last, trigger = self.last, self.trigger
        if last is None:
            return BackupStatus(None, None, journal.state.last_ts, "never")
        if trigger is not None:
            return BackupStatus(last.ts, int(last.data["seq"]), trigger.ts, TRIGGERS[trigger.kind])
        due = format_ts(parse_ts(last.ts) + dt.timedelta(days=every_days))
        return BackupStatus(last.ts, int(last.data["seq"]), due, "schedule")


def backup_status(journal: Journal, every_days: int = DEFAULT_EVERY_DAYS) -> BackupStatus:
    """The last backup and the next deadline, from the whole journal."""
    return BackupLedger().update(journal).status(journal, every_days)


__all__ = [
    "DEFAULT_EVERY_DAYS",
    "BackupLedger",
    "BackupStatus",
    "backup_status",
    "make_backup",
    "registered_medium",
    "start_medium_registration",
]
