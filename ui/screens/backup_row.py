"""The dashboard's "Backup" line (issue 21): the last sealed backup and the deadline of the next.

Why a module of its own: the dashboard is near its size limit, and this line
only reads :func:`kiosk.terminal.backups.backup_status` (the rule: at once
after an incident's review, an enrolment or a revocation, else every
``[backup] every_days``) — no rule lives here. Its *Backups* button opens
the backup screen (``ui/screens/backup.py``), where the medium is
registered and backups are written. The words are the
dashboard's (translated in its context, ``DashboardScreen``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from kiosk.format.clock import parse_ts
from kiosk.journal.store import Journal
from kiosk.terminal.backups import BackupLedger
from ui.widgets import big_button

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


def describe(journal: Journal, ledger: BackupLedger, every: int) -> tuple[str, str, bool]:
    """The last backup, by when the next is due and why, and whether it is overdue.

    Shared by the dashboard's line and the backup screen (``ui/screens/backup.py``).
    """
    status = ledger.update(journal).status(journal, every)
    if status.last_ts is None:
        last = _tr("Backup: no backup yet.")
    else:
        last = _tr("Backup: last written {when} to {medium}, holding entries 1 to {seq}.").format(
            when=_when(status.last_ts), medium=ledger.last_medium or "?", seq=status.last_seq
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
    return last, due, overdue


def backup_row(open_screen: Callable[[str], None]) -> tuple[BackupLine, QPushButton, QHBoxLayout]:
    """The line and its *Backups* button, which opens the backup screen."""
    row = QHBoxLayout()
    label = backup_line()
    button = big_button(_tr("Backups"), _tr("Write a backup or register the backup medium"))
    button.setObjectName("backup_button")
    button.clicked.connect(lambda: open_screen("backup"))
    row.addWidget(label, 1)
    row.addWidget(button)
    return label, button, row


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
    last, due, overdue = describe(journal, label.ledger, every)
    medium = label.ledger.medium
    failed = journal.state.backup.failed
    if medium is None:
        todo = _tr(
            "No backup medium is registered: press Backups and register one with two custodians."
        )
    elif d.ctx.policy.backup_path is not None:  # a second disk: the terminal writes it itself
        todo = _tr("The terminal writes each backup itself to {path} when it is due.").format(
            path=d.ctx.policy.backup_path
        )
        if failed is not None:
            entry = journal.entry(failed.seq)
            words = str(entry.data.get("words", "")) if entry is not None else ""
            todo += " " + _tr(
                "The last try failed at {when} (entry {seq}): {words} It is tried again "
                "an hour later; or press Backups to write it now."
            ).format(when=_when(failed.ts), seq=failed.seq, words=words)
    else:
        todo = _tr(
            "To write one: take the medium {medium} from the safe, plug it in and press "
            "Backups (one custodian's session is enough)."
        ).format(medium=medium)
    label.setText(f"{last} {due} {todo}")
    label.setStyleSheet(RED if overdue else "")
    label.setProperty("overdue", overdue)
