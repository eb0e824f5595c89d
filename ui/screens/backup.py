"""Backups: the last one and the deadline, registering the medium, writing a backup now (issue 21).

Reached from the dashboard's *Backup* line. It only renders and forwards:

* the status is :func:`ui.screens.backup_row.describe` over the core's
  :class:`kiosk.terminal.backups.BackupLedger` (when, medium, entry; the
  deadline and why);
* *Register this medium* is :func:`kiosk.terminal.backups.start_medium_registration`
  (dual: two custodians' keys, with the key panel) for the stick plugged in
  now, recognised by its label (:mod:`hardware.backup_media`);
* *Write a backup now* is :func:`kiosk.terminal.backups.make_backup` onto the
  registered medium: the unlocked session is enough, as for ``sealroom
  backup`` (the core asks for no signature). The medium is found, mounted,
  written and unmounted in a worker, never on the GUI thread; Cancel stops
  it before the write starts (the write itself is one file, renamed into
  place only when complete: stopped half-way it is no backup).

A failure says what happened in the message table's words (stick full,
another stick, pulled out mid-write); nothing half-written is ever taken for
a backup, and no ``backup.written`` entry is appended for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from hardware.backup_media import BackupMedia, choose, media_for
from kiosk.errors import CancelledError, JournalError
from kiosk.terminal.backup_duty import BackupDuty
from kiosk.terminal.backups import (
    BackupLedger,
    make_backup,
    registered_medium,
    start_medium_registration,
)
from ui.app_context import AppContext
from ui.screens.approval_screen import ApprovalScreen
from ui.screens.backup_row import RED, describe
from ui.terminal_session import Session
from ui.widgets import big_button, body, heading


class BackupScreen(ApprovalScreen):
    """The last backup and the deadline; register the medium (dual); write a backup now."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, self.tr("Backups"), parent)
        self.status = body("", self)
        self.status.setAccessibleName(self.tr("Last backup and next deadline"))
        self.v.addWidget(self.status)
        self.medium_line = body("", self)
        self.medium_line.setAccessibleName(self.tr("Registered backup medium"))
        self.v.addWidget(self.medium_line)

        self.write_button = big_button(
            self.tr("Write a backup now"),
            self.tr("Write a sealed backup to the registered medium"),
            self,
            True,
        )
        self.write_button.clicked.connect(self.write)
        self.v.addWidget(self.write_button)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Backup progress"))
        self.progress.setRange(0, 0)  # one file: busy, not a percentage
        self.progress.hide()
        self.v.addWidget(self.progress)
        # Finding and mounting a stick can take a while (udisks2 waits up to a minute):
        # Cancel stops before the write starts; the write itself is one file, renamed
        # into place only when complete, so it is let finish.
        self.stop_write = big_button(
            self.tr("Cancel"), self.tr("Cancel the backup before it is written"), self
        )
        self.stop_write.clicked.connect(self.cancel)
        self.stop_write.hide()
        self.v.addWidget(self.stop_write)
        self.step = body("", self)
        self.step.setAccessibleName(self.tr("What the terminal is doing"))
        self.v.addWidget(self.step)

        self.register_box = QWidget(self)
        self.register_box.setAccessibleName(self.tr("Register a backup medium"))
        box = QVBoxLayout(self.register_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(heading(self.tr("Register this medium"), self.register_box, 2))
        box.addWidget(
            body(
                self.tr(
                    "Plug in the stick that will be kept in the safe for backups (its label "
                    "identifies it). Two custodians approve with their keys."
                ),
                self.register_box,
            )
        )
        box.addWidget(QLabel(self.tr("Where it is kept"), self.register_box))
        self.where = QLineEdit(self.register_box)
        self.where.setMinimumHeight(52)
        self.where.setPlaceholderText(self.tr("e.g. safe A, second shelf"))
        self.where.setAccessibleName(self.tr("Where the backup medium is kept"))
        box.addWidget(self.where)
        self.approvers: list[QComboBox] = []
        for n in "AB":
            combo = QComboBox(self.register_box)
            combo.setMinimumHeight(52)
            name = self.tr("Registration approved by custodian {n}").format(n=n)
            combo.setAccessibleName(name)
            box.addWidget(QLabel(name, self.register_box))
            box.addWidget(combo)
            self.approvers.append(combo)
        self.register_button = big_button(
            self.tr("Register this medium"),
            self.tr("Register the stick plugged in as the backup medium"),
            self.register_box,
        )
        self.register_button.clicked.connect(self.register)
        box.addWidget(self.register_button)
        self.v.addWidget(self.register_box)
        self.v.addWidget(self.keys)
        self.v.addStretch(1)
        self.ledger = BackupLedger()
        self._ledger_of: object = None
        #: the last outcome shown (tests, diagnostics): the entry written, or None
        self.written: Any = None

    # ------------------------------------------------------------------ state
    def media(self) -> BackupMedia:
        """The simulated media of the demo and tests, or the real ones the policy names."""
        if self.app.backup_media is not None:
            return self.app.backup_media
        return media_for(self.app.policy.backup_path, self.app.policy.backup_medium)

    def attach(self, session: Session) -> None:
        super().attach(session)
        state = session.journal.state
        for combo in self.approvers:
            combo.clear()
            combo.addItem(self.tr("— choose —"), None)
            for c in sorted(state.custodians.values(), key=lambda c: c.name):
                if not c.revoked and "custodian" in c.duties:
                    combo.addItem(c.name, c.id)
        self.step.setText("")
        self.banner.clear_message()
        self.refresh()

    def refresh(self) -> None:
        """The status from what the journal says (read once, then only the entries added)."""
        if self.session is None:
            return
        journal = self.session.journal
        if self._ledger_of is not journal:
            self.ledger, self._ledger_of = BackupLedger(), journal
        last, due, overdue = describe(journal, self.ledger, self.app.policy.backup_every_days)
        self.status.setText(f"{last}\n{due}")
        self.status.setStyleSheet(RED if overdue else "")
        medium = self.ledger.medium
        if medium is None:
            self.medium_line.setText(
                self.tr(
                    "No backup medium is registered yet: register one below before the first "
                    "backup."
                )
            )
        else:
            self.medium_line.setText(
                self.tr(
                    "Registered backup medium: {medium}. Take it from the safe and plug it in "
                    "to write a backup."
                ).format(medium=medium)
            )
        self.write_button.setVisible(medium is not None)  # registration comes first
        self.register_box.setVisible(medium is None)

    # ---------------------------------------------------------------- actions
    def _say(self, text: str) -> None:
        """A step of the worker, on the GUI thread (through the runner's progress signal)."""
        self.step.setText(text)

    def write(self) -> None:
        """Find the registered medium, mount it, write and record the backup, unmount it."""
        session = self.session
        if session is None or self.busy:
            return
        journal, policy, media = session.journal, self.app.policy, self.media()
        steps = {
            "find": self.tr("Looking for the backup medium…"),
            "write": self.tr("Writing the sealed backup…"),
        }
        self.written = None
        self.banner.clear_message()
        self.progress.show()
        self.stop_write.show()

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            medium_label = registered_medium(journal)
            if medium_label is None:
                raise JournalError("backup.unregistered_medium", medium="?")
            reason = BackupDuty(journal, policy).owed(journal.clock.now()) or "manual"
            progress(steps["find"])
            medium = choose(media, medium_label)
            if cancel.is_set():
                raise CancelledError("cancelled")
            with medium.open() as where:
                if cancel.is_set():  # mounted meanwhile: unmounted again, nothing written
                    raise CancelledError("cancelled")
                progress(steps["write"])
                entry = make_backup(journal, where, medium_label, reason, policy.backup_every_days)
            return medium, entry

        def done(result: Any) -> None:
            medium, entry = result
            self.progress.hide()
            self.stop_write.hide()
            self.step.setText("")
            self.written = entry
            if medium.removable:
                text = self.tr(
                    "Backup written to {medium} ({file}), entry #{seq}. The stick is closed: "
                    "you may remove it and return it to the safe."
                )
            else:
                text = self.tr("Backup written to {medium} ({file}), entry #{seq}.")
            self.banner.show_message(
                text.format(medium=medium.describe(), file=entry.data["file"], seq=entry.seq),
                "ok",
            )
            self.refresh()

        self.run_approved(job, done, self._say)

    def register(self) -> None:
        """Register the stick plugged in now, signed by two custodians."""
        session = self.session
        if session is None or self.busy:
            return
        by = [c.currentData() for c in self.approvers]
        where = self.where.text().strip()
        if not where or None in by:
            self.banner.show_message(
                self.tr("Say where the medium is kept and choose the two custodians."), "error"
            )
            return
        if by[0] == by[1]:
            self.banner.show_message(self.tr("Choose two different custodians."), "error")
            return
        journal, policy, media = session.journal, self.app.policy, self.media()
        self.banner.clear_message()

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            medium = choose(media, policy.backup_medium)
            approval = start_medium_registration(
                journal, policy, session.signatures.security_keys, medium.label, where
            )
            try:
                session.signatures.collect(approval, [str(b) for b in by])
                return approval.commit()
            except BaseException:
                if not approval.pending.closed:
                    approval.abandon()
                raise

        def done(entry: Any) -> None:
            self.where.clear()
            self.banner.show_message(
                self.tr(
                    "Backup medium {medium} registered (entry #{seq}). Now write the first backup."
                ).format(medium=entry.data["medium"], seq=entry.seq),
                "ok",
            )
            self.refresh()

        self.run_approved(job, done)

    def _failed(self, error: Any) -> None:
        super()._failed(error)
        self.progress.hide()
        self.stop_write.hide()
        self.step.setText("")
