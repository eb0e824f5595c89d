"""Backup findings: sealed backups the journal shows were written late, or not at all (issue 21).

The terminal keeps the same facts in its state (:mod:`kiosk.state.backups`)
and alerts an overdue backup (:mod:`kiosk.state.due`, kind ``backup``); this
is the auditors' side, judged from the bundle alone:

* nothing is judged before a medium is registered (``backup.medium_registered``);
* a backup is due at once after an incident closes (``review.completed`` or
  ``review.escalated``), an enrolment or a revocation (:data:`TRIGGERS`);
  otherwise every ``every_days`` after the last backup, or after the
  registration while none was written;
* ``every_days`` is the one last recorded (``backup.medium_registered`` or
  ``backup.written``); where none is recorded, :data:`LONGEST_EVERY_DAYS`,
  the longest the policy allows, so no finding is made up.

Findings (level ``review``): ``deadline.backup`` — no backup since a
trigger by the time of export, or none within ``every_days`` (a scheduled
backup written late, or still missing at export). One deliberate difference,
in the safe direction (as for the quarterly test): a trigger's backup written
*later* than the trigger is not a finding here — "at once" cannot mean the
same second when the medium is a stick brought from the safe — while the
terminal alerts it the moment it is due.

Pure Python, no third-party imports: part of the auditors' verifier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kiosk.format.clock import format_ts, parse_ts

#: the longest ``[backup] every_days`` the policy accepts
LONGEST_EVERY_DAYS = 90

#: entries after which a backup is due at once, and the reason a backup written for it records
TRIGGERS = {
    "review.completed": "incident",
    "review.escalated": "incident",
    "custodian.enrolled": "enrolment",
    "custodian.revoked": "revocation",
}

#: what each trigger reason is, in a finding
REASON_WORDS = {
    "incident": "an incident closed",
    "enrolment": "a key was enrolled",
    "revocation": "a key was revoked",
}

#: (code, message, seq, level), as :class:`kiosk.rules.deadlines.DeadlineFinding` takes them
Finding = tuple[str, str, int | None, str]


def recorded_days(data: dict[str, Any]) -> int | None:
    """The ``every_days`` an entry records, if it records a sensible one."""
    days = data.get("every_days")
    return days if isinstance(days, int) and not isinstance(days, bool) and days > 0 else None


@dataclass
class BackupWatch:
    """Folded from the verified entries in order (:meth:`observe`); judged at export."""

    #: (ts, seq, medium) of the last registration
    registered: tuple[str, int, str] | None = None
    #: (ts, seq) of the newest ``backup.written``
    last: tuple[str, int] | None = None
    #: (ts, seq, reason) of the first trigger since the newest backup
    trigger: tuple[str, int, str] | None = None
    every_days: int | None = None
    late: list[Finding] = field(default_factory=list)

    def scheduled_due(self) -> tuple[dt.datetime, int] | None:
        """When the next scheduled backup is due, and the entry it counts from."""
        since = self.last or (self.registered[:2] if self.registered else None)
        if since is None:
            return None
        try:
            start = parse_ts(since[0])
        except ValueError:
            return None
        days = self.every_days or LONGEST_EVERY_DAYS
        return start + dt.timedelta(days=days), since[1]

    def observe(self, seq: int, ts: str, kind: str, data: dict[str, Any]) -> None:
        if kind == "backup.medium_registered":
            self.registered = (ts, seq, str(data.get("medium", "")))
            self.trigger = None
            self.every_days = recorded_days(data) or self.every_days
        elif kind == "backup.written" and self.registered is not None:
            due = self.scheduled_due()
            if self.trigger is None and due is not None and ts > format_ts(due[0]):
                self.late.append(
                    (
                        "deadline.backup",
                        f"sealed backup written late: due {format_ts(due[0])} (every "
                        f"{self.every_days or LONGEST_EVERY_DAYS} days after entry {due[1]}), "
                        f"written {ts} (entry {seq})",
                        seq,
                        "review",
                    )
                )
            self.last, self.trigger = (ts, seq), None
            self.every_days = recorded_days(data) or self.every_days
        elif kind in TRIGGERS and self.registered is not None and self.trigger is None:
            self.trigger = (ts, seq, TRIGGERS[kind])

    def findings(self, now: dt.datetime) -> list[Finding]:
        out = list(self.late)
        if self.registered is None:
            return out
        if self.trigger is not None:
            ts, seq, reason = self.trigger
            out.append(
                (
                    "deadline.backup",
                    f"no sealed backup since {REASON_WORDS[reason]} at {ts} (entry {seq}): one "
                    "was due at once, and none was written by the time of export",
                    seq,
                    "review",
                )
            )
            return out
        due = self.scheduled_due()
        if due is not None and now > due[0]:
            what = f"last written at entry {self.last[1]}" if self.last else "never written"
            out.append(
                (
                    "deadline.backup",
                    f"sealed backup overdue: due {format_ts(due[0])} ({what}; every "
                    f"{self.every_days or LONGEST_EVERY_DAYS} days), none by the time of export",
                    due[1],
                    "review",
                )
            )
        return out


__all__ = ["LONGEST_EVERY_DAYS", "TRIGGERS", "BackupWatch", "recorded_days"]
