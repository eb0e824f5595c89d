"""The terminal writes its sealed backups by itself where it can reach the medium (issue 21).

The issue asks for a backup after every incident closes, after every
enrolment or revocation, and at least every ``[backup] every_days``. The
journal's state knows when one is due (:func:`kiosk.state.due.backup_deadline`,
the deadline the overdue alert and the auditors' verifier judge); this module
acts on it:

* **A medium always mounted** (the policy's ``[backup] path``, a second disk):
  :meth:`BackupDuty.run_if_due` writes the backup (:func:`kiosk.terminal.backups.make_backup`,
  journaled ``backup.written``) the moment it is due. It is called right after
  each procedure step (:meth:`kiosk.procedures.context.Context.backup_if_due`,
  from ``kiosk/procedures/framework.py``), after an enrolment or a revocation
  (the custodians screen's job), and at every deadline check (each unlock and
  every minute while unlocked), so "every ``every_days``" is met too. Always
  in a worker, never on the GUI thread: it reads the whole journal.
* A write that fails is journaled (``backup.failed``, its code and plain
  words; the path and the system's reason, never a secret) and leaves the
  deadline due: the overdue alert follows as for any deadline, and the next
  try is :data:`RETRY_AFTER` later (not every minute: each try is an entry).
* **A stick kept in the safe** (no ``path``): the terminal cannot write by
  itself. Nothing is written here; the overdue alert says "bring the backup
  stick from the safe" (:func:`kiosk.terminal.overdue.backup_summary`), and
  the backup screen calls :func:`~kiosk.terminal.backups.make_backup` with
  the mounted stick's directory.

A signature being collected (the journal takes nothing else meanwhile) puts
the write off to the next call: it is never waited for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from pathlib import Path

from kiosk.errors import JournalBusyError, JournalError, SealroomError
from kiosk.format.clock import parse_ts
from kiosk.format.entry import Entry
from kiosk.journal.store import Journal
from kiosk.policy import Policy
from kiosk.state.due import backup_deadline
from kiosk.terminal.backups import make_backup

#: how long after a failed automatic backup the terminal tries again
RETRY_AFTER = dt.timedelta(hours=1)


class BackupDuty:
    """Writes the backup that is due to the always-mounted medium; journals the outcome."""

    def __init__(self, journal: Journal, policy: Policy) -> None:
        self.journal = journal
        self.policy = policy
        #: one write at a time: a step's worker and the minute's deadline check may
        #: both find the backup due; the second gives way rather than write it twice
        self._writing = threading.Lock()

    @property
    def automatic(self) -> bool:
        """True if the terminal can write by itself (the policy names a ``[backup] path``)."""
        return self.policy.backup_path is not None

    def owed(self, now: dt.datetime) -> str | None:
        """The reason a backup is due now (``incident``, ``enrolment``, ``revocation``,
        ``schedule``), or ``None`` (not due, or no medium registered)."""
        deadline = backup_deadline(self.journal.state, self.policy)
        if deadline is None or now < deadline.due:
            return None
        trigger = self.journal.state.backup.trigger
        return trigger.what if trigger is not None else "schedule"

    def run_if_due(self, now: dt.datetime | None = None) -> Entry | None:
        """Write the backup if one is due and the medium is always mounted; return its entry.

        Returns the ``backup.written`` or ``backup.failed`` entry, or ``None``
        when nothing was due, the medium is a stick, the last failure is
        less than :data:`RETRY_AFTER` old, a signature is pending, or another
        thread is writing it. Never raises: a failure is journaled.
        """
        where = self.policy.backup_path
        if where is None or not self._writing.acquire(blocking=False):
            return None
        try:
            return self._run(Path(where), now or self.journal.clock.now())
        finally:
            self._writing.release()

    def _run(self, path: Path, now: dt.datetime) -> Entry | None:
        reason = self.owed(now)
        backup = self.journal.state.backup
        if reason is None or backup.medium is None:
            return None
        if backup.failed is not None and now - parse_ts(backup.failed.ts) < RETRY_AFTER:
            return None
        try:
            if not path.is_dir():
                raise JournalError("backup.path_missing", path=str(path)[:200])
            try:
                return make_backup(
                    self.journal, path, backup.medium, reason, self.policy.backup_every_days
                )
            except OSError as exc:
                raise JournalError(
                    "backup.write_failed",
                    path=str(path)[:200],
                    reason=exc.strerror or type(exc).__name__,
                ) from exc
        except JournalBusyError:
            return None  # a signature is being collected: the next call writes it
        except SealroomError as exc:
            return self._failed(backup.medium, reason, exc)

    def _failed(self, medium: str, reason: str, exc: SealroomError) -> Entry | None:
        """Journal the failure (``backup.failed``): its code and what it means, no secret."""
        words = exc.user_message()
        with contextlib.suppress(SealroomError):
            return self.journal.append(
                "backup.failed",
                {
                    "medium": medium[:200],
                    "reason": reason,
                    "error": exc.code[:80],
                    "words": words[:500],
                },
            )
        return None


__all__ = ["RETRY_AFTER", "BackupDuty"]
