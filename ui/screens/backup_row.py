"""The dashboard's "Backup" line (issue 21): the last sealed backup and the deadline of the next.

Why a module of its own: the dashboard is near its size limit, and this line
only reads :func:`kiosk.terminal.backups.backup_status` (the rule: at once
after an incident's review, an enrolment or a revocation, else every
``[backup] every_days``) — no rule lives here. There is no screen flow for
writing a backup yet, so the line says what to run (``sealroom backup``, as
README "When a terminal fails" says) and who to call. The words are the
dashboard's (translated in its context, ``DashboardScreen``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from kiosk.format.clock import parse_ts
from kiosk.journal.store import Journal
from kiosk.terminal.backups import BackupLedger

if TYPE_CHECKING:
    from ui.screens.dashboard import DashboardScreen

RED = "color:#b3261e;font-weight:700"


def _tr(text: str) -> str:
    return QCoreApplication.translate("DashboardScreen", text)


def _when(ts: str) -> str:
    return parse_ts(ts).strftime("%Y-%m-%d %H:%M")


class BackupLine(QLabel):
    """The line, and what it has read of the journal it shows (``BackupLedger``)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.journal: Journal | None = None
        self.ledger = BackupLedger()


def backup_line() -> BackupLine:
    """The empty line, filled by :func:`fill_backup` at every refresh."""
    label = BackupLine()
    label.setObjectName("backup")
    label.setAccessibleName(_tr("Backup"))
    return label


def fill_backup(d: DashboardScreen) -> None:
    """Say when the last backup was written, by when the next is due (red when overdue), and how."""
    label = d.backup_label
    if d.journal is None:
        label.setText("")
        return
    journal = d.journal
    every = d.ctx.policy.backup_every_days
    if label.journal is not journal:  # a journal opened since: read it once, then what it adds
        label.journal, label.ledger = journal, BackupLedger()
    status = label.ledger.update(journal).status(journal, every)
    ledger = label.ledger
    medium, last_medium = ledger.medium, ledger.last_medium
    if status.last_ts is None:
        last = _tr("Backup: no backup yet.")
    else:
        last = _tr("Backup: last written {when} to {medium} (entry {seq}).").format(
            when=_when(status.last_ts), medium=last_medium or "?", seq=status.last_seq
        )
    why = {
        "schedule": _tr("every {n} days").format(n=every),
        "incident": _tr("an incident was reviewed since"),
        "enrolment": _tr("a key was enrolled since"),
        "revocation": _tr("a key was revoked since"),
    }.get(status.reason, status.reason)
    overdue = status.overdue(journal.clock.now())
    if status.reason == "never":  # due since the first entry: "since" would move with each entry
        due = _tr("OVERDUE: one is due now.")
    elif overdue:
        due = _tr("OVERDUE since {when} ({why}).").format(when=_when(status.due_by), why=why)
    else:
        due = _tr("Next due by {when} ({why}).").format(when=_when(status.due_by), why=why)
    if medium is None:
        todo = _tr(
            "No backup medium is registered: call the administrator to register one with "
            'two custodians (sealroom backup … --register "where it is kept" --by A --by B).'
        )
    else:
        todo = _tr(
            "To write one: take the medium {medium} from the safe and ask the administrator "
            "to run sealroom backup --data … --medium-dir … --medium {medium} --by A "
            "(one custodian's key)."
        ).format(medium=medium)
    label.setText(f"{last} {due} {todo}")
    label.setStyleSheet(RED if overdue else "")
    label.setProperty("overdue", overdue)
