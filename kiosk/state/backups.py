"""What the journal says about sealed backups: the medium, the last backup, what made one due.

Folded entry by entry like the rest of the projection (:data:`kiosk.state.rules.RULES`),
so the dashboard, the overdue alert (:mod:`kiosk.state.due`, kind ``backup``)
and the automatic backup (:mod:`kiosk.terminal.backup_duty`) read one
answer, never a pass of their own over the journal.

Rules (issue 21), the same as the auditors' verifier counts them
(:mod:`kiosk.rules.backup_findings`, whose :data:`TRIGGERS` and
:data:`LONGEST_EVERY_DAYS` these are):

* nothing is due before a medium is registered (``backup.medium_registered``);
* a backup is due at once after an incident closes (``review.completed`` or
  ``review.escalated``), an enrolment (``custodian.enrolled``) or a
  revocation (``custodian.revoked``) — the first such entry after the last
  backup is the *trigger*;
* otherwise every ``every_days`` after the last backup (or after the
  registration, while none was written);
* ``every_days`` is the one recorded by the last ``backup.medium_registered``
  or ``backup.written`` (both carry it since 2026-12-07): an auditor has no
  policy file. Entries that carry none count as :data:`LONGEST_EVERY_DAYS`,
  the longest the policy allows, so no finding is ever made up; the terminal
  takes the shorter of that and its policy.
* a ``backup.failed`` entry (an automatic backup that could not be written)
  changes no deadline: the backup stays due.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.format.entry import Entry
from kiosk.rules.backup_findings import LONGEST_EVERY_DAYS, TRIGGERS, recorded_days

if TYPE_CHECKING:
    from kiosk.state.projection import State


@dataclass(frozen=True)
class Mark:
    """One entry the backup facts remember: where and when, and why (a reason or a medium)."""

    seq: int
    ts: str
    what: str


@dataclass
class BackupFacts:
    """The backup medium, the last backup and the first trigger since (the journal's word)."""

    #: the medium last registered (``what``: its label); ``None``: never
    registered: Mark | None = None
    #: the newest ``backup.written`` (``what``: its medium); ``None``: never
    last: Mark | None = None
    #: the head the newest backup holds
    last_head: int | None = None
    #: the first trigger after the newest backup (``what``: its reason)
    trigger: Mark | None = None
    #: the newest ``backup.failed`` after the newest backup (``what``: its reason)
    failed: Mark | None = None
    #: the interval last recorded; ``None``: no entry recorded one
    every_days: int | None = None

    @property
    def medium(self) -> str | None:
        return self.registered.what if self.registered is not None else None

    def interval(self, policy_days: int | None = None) -> int:
        """The days between scheduled backups: the recorded interval, or the policy's if shorter."""
        recorded = self.every_days or LONGEST_EVERY_DAYS
        return min(recorded, policy_days) if policy_days else recorded


def apply_registered(state: State, entry: Entry) -> None:
    b = state.backup
    b.registered = Mark(entry.seq, entry.ts, str(entry.data["medium"]))
    # The schedule starts here: what happened before no medium could have held.
    b.trigger = b.failed = None
    b.every_days = recorded_days(entry.data) or b.every_days


def apply_written(state: State, entry: Entry) -> None:
    b = state.backup
    b.last = Mark(entry.seq, entry.ts, str(entry.data["medium"]))
    b.last_head = int(entry.data["seq"])
    b.trigger = b.failed = None
    b.every_days = recorded_days(entry.data) or b.every_days


def apply_failed(state: State, entry: Entry) -> None:
    state.backup.failed = Mark(entry.seq, entry.ts, str(entry.data["reason"]))


def note_trigger(state: State, entry: Entry) -> None:
    """A trigger makes a backup due at once (the first since the last backup is kept)."""
    reason = TRIGGERS.get(entry.kind)
    if reason is not None and state.backup.trigger is None:
        state.backup.trigger = Mark(entry.seq, entry.ts, reason)


__all__ = [
    "LONGEST_EVERY_DAYS",
    "TRIGGERS",
    "BackupFacts",
    "Mark",
    "apply_failed",
    "apply_registered",
    "apply_written",
    "note_trigger",
]
