"""Restore this terminal from a backup: the start screen's other way on a machine with no journal.

Reached from the lock screen when the data directory holds no journal (a
new or repaired machine). It renders the steps of
:class:`kiosk.terminal.restore_steps.RestoreSteps` one after the other and
forwards what people do; every decision is the core's:

1. plug in the backup medium, *Look for the backup*: the newest backup of
   this terminal on it, described (its head, when it was written);
2. open it with a custodian's key (PIN and touch, on the key panel) or the
   recovery passphrase: the journal is rebuilt and the chain and every
   signature checked, in a worker with a busy bar and Cancel;
3. the paper anchor: scan the QR of the newest record in the safe, or type
   the head printed on it; compared at once;
4. optionally the newest audit export, found on a stick plugged in;
5. what is known to be lost, shown before two custodians sign
   ``terminal.restored`` with their keys; then the terminal is unlocked.

Leaving before the signatures (*Back to the lock screen*, the lock) gives the
restore up: the journal is closed and every file it wrote removed, so the
machine is as empty as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QWidget

from hardware.backup_media import BackupMedia, BackupMedium, media_for
from kiosk.errors import JournalError, SealroomError
from kiosk.format.clock import parse_ts
from kiosk.journal.keyslots import KeySlots
from kiosk.paper.printer import Printer
from kiosk.terminal.restore import key_opener
from kiosk.terminal.restore_steps import RestoreSteps, newest_export
from ui.app_context import AppContext
from ui.prompts import QtPrompts
from ui.screens.approval_screen import ApprovalScreen
from ui.screens.backup_row import RED
from ui.terminal_session import Session
from ui.widgets import big_button, body, heading


class RestoreScreen(ApprovalScreen):
    """The restore's steps; ``restored`` carries the journal, unlocked, once both signed."""

    restored = Signal(object)  # Journal

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, self.tr("Restore this terminal from a backup"), parent)
        self.back.setText(self.tr("Back to the lock screen"))
        self.back.setAccessibleName(self.tr("Give the restore up and go back to the lock screen"))
        self.printer: Callable[[], Printer] | None = None
        self.steps = RestoreSteps(app.data_dir, app.clock, app.policy.kiosk_id, app.witness)
        self._medium: BackupMedium | None = None
        self._prompts: QtPrompts | None = None
        #: what the restore ended with, for the dashboard's banner
        self.outcome = ""
        self.v.addWidget(
            body(
                self.tr(
                    "For a new or repaired machine: the journal comes back from the newest "
                    "sealed backup, checked entry by entry, compared with the newest record in "
                    "the safe, and two custodians sign the restore. Whatever was written after "
                    "the backup is named as lost, never hidden."
                ),
                self,
            )
        )
        # 1 -- the medium
        self.v.addWidget(heading(self.tr("1. The backup medium"), self, 2))
        self.find_button = big_button(
            self.tr("Look for the backup"),
            self.tr("Look for the newest backup on the medium plugged in"),
            self,
            True,
        )
        self.find_button.clicked.connect(self.look_for_backup)
        self.found = body(self.tr("Plug in the backup stick from the safe."), self)
        self.found.setAccessibleName(self.tr("The backup found"))
        self._row(self.find_button, self.found)
        # 2 -- open it
        self.v.addWidget(heading(self.tr("2. Open it"), self, 2))
        self.key_button = big_button(
            self.tr("Open with my security key"),
            self.tr("Open the backup with a custodian's security key"),
            self,
        )
        self.key_button.clicked.connect(self.open_with_key)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setMinimumHeight(52)
        self.passphrase.setPlaceholderText(self.tr("or the recovery passphrase"))
        self.passphrase.setAccessibleName(self.tr("Recovery passphrase"))
        self.passphrase.returnPressed.connect(self.open_with_passphrase)
        self.phrase_button = big_button(
            self.tr("Open with the passphrase"),
            self.tr("Open the backup with the recovery passphrase"),
            self,
        )
        self.phrase_button.clicked.connect(self.open_with_passphrase)
        self.v.addWidget(self.key_button)
        self._row(self.passphrase, self.phrase_button, stretch_left=True)
        self.v.addWidget(self.keys)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # the check has no count to show: busy
        self.progress.setAccessibleName(self.tr("Checking the backup"))
        self.progress.hide()
        self.v.addWidget(self.progress)
        self.checked = body("", self)
        self.checked.setAccessibleName(self.tr("The check of the backup"))
        self.v.addWidget(self.checked)
        # 3 -- the anchor
        self.v.addWidget(heading(self.tr("3. The newest record in the safe"), self, 2))
        self.anchor = QLineEdit(self)
        self.anchor.setMinimumHeight(52)
        self.anchor.setPlaceholderText(
            self.tr("Scan its QR code, or type the head: 40 · 3fa2b19c0d11")
        )
        self.anchor.setAccessibleName(self.tr("The head printed on the newest record"))
        self.anchor.returnPressed.connect(lambda: self.give_anchor(self.anchor.text()))
        self.anchor_button = big_button(
            self.tr("Compare"), self.tr("Compare the backup with the record"), self
        )
        self.anchor_button.clicked.connect(lambda: self.give_anchor(self.anchor.text()))
        self._row(self.anchor, self.anchor_button, stretch_left=True)
        # 4 -- the export
        self.v.addWidget(heading(self.tr("4. The newest audit export (optional)"), self, 2))
        self.export_button = big_button(
            self.tr("Read the export from a stick"),
            self.tr("Compare with the newest audit export on a stick plugged in"),
            self,
        )
        self.export_button.clicked.connect(self.read_export)
        self.export_line = body("", self)
        self.export_line.setAccessibleName(self.tr("The audit export compared"))
        self._row(self.export_button, self.export_line)
        # 5 -- the loss and the signatures
        self.v.addWidget(heading(self.tr("5. What was lost, and the signatures"), self, 2))
        self.loss_line = body("", self)
        self.loss_line.setAccessibleName(self.tr("What is known to be lost"))
        self.v.addWidget(self.loss_line)
        self.approvers: list[QComboBox] = []
        for n in "AB":
            combo = QComboBox(self)
            combo.setMinimumHeight(52)
            name = self.tr("Restore signed by custodian {n}").format(n=n)
            combo.setAccessibleName(name)
            self.v.addWidget(QLabel(name, self))
            self.v.addWidget(combo)
            self.approvers.append(combo)
        self.sign_button = big_button(
            self.tr("Sign the restore"),
            self.tr("Both custodians sign the restore with their keys"),
            self,
            True,
        )
        self.sign_button.clicked.connect(self.sign)
        self.v.addWidget(self.sign_button)
        self.v.addStretch(1)
        self._enable()

    def _row(self, left: QWidget, right: QWidget, stretch_left: bool = False) -> None:
        row = QHBoxLayout()
        row.addWidget(left, 1 if stretch_left else 0)
        row.addWidget(right, 0 if stretch_left else 1)
        self.v.addLayout(row)

    def _enable(self) -> None:
        """Each step's controls only once the step before it is done."""
        s = self.steps
        found, opened = s.header is not None, s.journal is not None
        self.find_button.setEnabled(not opened)
        for w in (self.key_button, self.passphrase, self.phrase_button):
            w.setEnabled(found and not opened)
        for w in (self.anchor, self.anchor_button, self.export_button):
            w.setEnabled(opened)
        for c in self.approvers:
            c.setEnabled(s.anchor is not None)
        self.sign_button.setEnabled(s.anchor is not None)

    def media(self) -> BackupMedia:
        if self.app.backup_media is not None:
            return self.app.backup_media
        return media_for(self.app.policy.backup_path, self.app.policy.backup_medium)

    # ------------------------------------------------------ the window's side
    def attach(self, session: Session) -> None:
        """The window's session after an unlock: not this screen's (it makes its own)."""

    def detach(self) -> None:
        super().detach()
        self.give_up()

    def leave(self) -> None:
        if not self.busy:
            self.give_up()
            self.closed.emit()

    def give_up(self) -> None:
        """Before the signatures: close the journal, remove what the restore wrote."""
        self.steps.abandon()
        if not self.steps.signed:
            self.steps = RestoreSteps(
                self.app.data_dir, self.app.clock, self.app.policy.kiosk_id, self.app.witness
            )
            self.session = None
            for w in (self.checked, self.export_line, self.loss_line):
                w.setText("")
            self.loss_line.setStyleSheet("")
            self.found.setText(self.tr("Plug in the backup stick from the safe."))
            self.anchor.clear()
            self.banner.clear_message()
            self._enable()

    # ------------------------------------------------------------- steps
    def look_for_backup(self) -> None:
        """Step 1, in a worker: each medium plugged in is opened until one holds a backup."""
        steps, media = self.steps, self.media()

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            last: SealroomError = JournalError("backup.no_medium")
            for medium in media.present():
                try:
                    with medium.open() as where:
                        return medium, steps.find(where)
                except JournalError as exc:
                    if exc.code == "restore.not_empty":
                        raise
                    last = exc
            raise last

        def done(result: Any) -> None:
            medium, header = result
            self._medium = medium
            self.found.setText(
                self.tr("Newest backup on {medium}: entry {seq} · {hash}, written {when}.").format(
                    medium=medium.describe(),
                    seq=header.seq,
                    hash=header.hash[:12],
                    when=parse_ts(header.created_at).strftime("%Y-%m-%d %H:%M"),
                )
            )
            self.banner.show_message(
                self.tr("Now open it with a custodian's key or the recovery passphrase."), "info"
            )
            self._enable()

        self._run(job, done)

    def open_with_key(self) -> None:
        prompts = QtPrompts()
        prompts.pin_requested.connect(self._open_pin)
        prompts.touch_requested.connect(self._open_touch)
        self._prompts = prompts
        desk = self.app.keys

        def opener_for(cancel: threading.Event) -> Callable[[KeySlots], bytes]:
            prompts.cancel = cancel
            return key_opener(desk.security_keys(prompts), cancel)

        self.keys.prompt.setText(self.tr("Plug in your security key; it is asked for shortly."))
        self.keys.show()
        self._open(opener_for, checking_now=False)

    def _open_pin(self, attempts_left: object) -> None:
        self.keys.show()
        self.keys.pin_asked(attempts_left)
        self.keys.show_pin(True)
        self.keys.prompt.setText(self.tr("Enter your key's PIN to open the backup."))
        self.keys.pin.setFocus()

    def _open_touch(self) -> None:
        """Touched: the key gives the backup's key, and the check of every entry begins."""
        self._touch()
        self._checking()

    def open_with_passphrase(self) -> None:
        held = [self.passphrase.text()]
        self.passphrase.clear()  # never leave a secret in a widget
        if not held[0].strip():
            self.banner.show_message(self.tr("Type the recovery passphrase first."), "error")
            return

        def opener_for(cancel: threading.Event) -> Callable[[KeySlots], bytes]:
            secret = held.pop()

            def open_(slots: KeySlots) -> bytes:
                return bytes(slots.open_with_passphrase(secret))

            return open_

        self._open(opener_for)

    def _checking(self) -> None:
        header = self.steps.header
        self.progress.show()
        self.checked.setText(
            self.tr("Checking the chain and every signature of {n} entries…").format(
                n=header.seq if header is not None else "?"
            )
        )

    def _open(
        self,
        opener_for: Callable[[threading.Event], Callable[[KeySlots], bytes]],
        checking_now: bool = True,
    ) -> None:
        """Step 2, in a worker: mount the medium again, rebuild the journal, check it all."""
        steps, medium = self.steps, self._medium
        if medium is None or steps.header is None:
            return
        if checking_now:  # the passphrase: the check starts at once (a key: once touched)
            self._checking()

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            opener = opener_for(cancel)
            with medium.open() as where:
                return steps.open(opener, where)

        def done(journal: Any) -> None:
            self._prompts = None
            assert self.steps.header is not None  # noqa: S101 - step 1 was done
            self.checked.setText(
                self.tr(
                    "Opened and checked: {n} entries, every signature valid. You may unplug "
                    "the backup stick and return it to the safe."
                ).format(n=journal.head.seq)
            )
            printer = self.printer() if self.printer is not None else self.app.printer
            if printer is not None:
                self._use(Session.open(self.app, journal, printer))
            self.banner.show_message(
                self.tr("Now scan the QR code of the newest record in the safe, or type its head."),
                "info",
            )
            self._enable()
            self.anchor.setFocus()
            self.scroll_area.ensureWidgetVisible(self.anchor_button)

        self._run(job, done)

    def _use(self, session: Session) -> None:
        """This screen's own session over the restored journal (for the two signatures)."""
        super().attach(session)
        state = session.journal.state
        for combo in self.approvers:
            combo.clear()
            combo.addItem(self.tr("— choose —"), None)
            for c in sorted(state.custodians.values(), key=lambda c: c.name):
                if not c.revoked and "custodian" in c.duties:
                    combo.addItem(c.name, c.id)

    def on_scan(self, text: str, as_configured: bool) -> None:
        """A scanned QR (of the newest record) is the anchor when the backup is open."""
        if self.steps.journal is not None and not self.busy:
            self.anchor.setText("")
            self.give_anchor(text, scanned=True)

    def give_anchor(self, text: str, scanned: bool = False) -> None:
        """Step 3: compared at once (another history is refused here, before any signature)."""
        try:
            anchor = self.steps.give_anchor(text.strip(), scanned)
        except SealroomError as exc:
            self.banner.show_message(exc.user_message(), "error")
            self._enable()
            return
        self.anchor.setText(f"{anchor.seq} · {anchor.hash[:12]}")
        self._show_loss()
        self._enable()

    def read_export(self) -> None:
        """Step 4, in a worker: the newest audit bundle on the sticks plugged in."""
        steps, media = self.steps, self.media()

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            for medium in media.present():
                with medium.open() as where:
                    bundle = newest_export(where)
                    if bundle is not None:
                        return steps.give_export(bundle)
            return None

        def done(export: Any) -> None:
            if export is None:
                self.export_line.setText(self.tr("No audit export found on the sticks plugged in."))
                return
            self.export_line.setText(
                self.tr("Newest audit export: head {seq} · {hash}.").format(
                    seq=export.seq, hash=export.hash[:12]
                )
            )
            if self.steps.anchor is not None:
                self._show_loss()

        self._run(job, done)

    def _show_loss(self) -> None:
        loss = self.steps.loss()
        header = self.steps.header
        if loss.count == 0:
            text = self.tr("Nothing is lost: the backup holds the head of the newest record.")
        else:
            text = self.tr(
                "LOST: entries {first} to {last} ({n}), written after the backup (entry "
                "{seq}). They will be named in the journal as lost."
            ).format(
                first=loss.first, last=loss.last, n=loss.count, seq=header.seq if header else "?"
            )
        self.loss_line.setText(text)
        self.loss_line.setStyleSheet(RED if loss.count else "")
        self.banner.show_message(
            self.tr("Two custodians now sign the restore with their keys."), "info"
        )
        self.scroll_area.ensureWidgetVisible(self.sign_button)

    def sign(self) -> None:
        """Step 5: both custodians sign ``terminal.restored``; then the terminal is unlocked."""
        session = self.session
        by = [c.currentData() for c in self.approvers]
        if session is None or None in by:
            self.banner.show_message(self.tr("Choose the two custodians who sign."), "error")
            return
        if by[0] == by[1]:
            self.banner.show_message(JournalError("restore.one_person").user_message(), "error")
            return
        steps, policy = self.steps, self.app.policy

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            approval = steps.start_signing(policy, session.signatures.security_keys)
            try:
                session.signatures.collect(approval, [str(b) for b in by])
                entry = approval.commit()
            except BaseException:
                if not approval.pending.closed:
                    approval.abandon()
                raise
            steps.signed = True
            return entry

        def done(entry: Any) -> None:
            journal = self.steps.journal
            if entry.data["lost_count"]:
                text = self.tr(
                    "Terminal restored (entry #{seq}). Entries {first} to {last} are recorded "
                    "as lost: tell the security team."
                ).format(seq=entry.seq, first=entry.data["lost_from"], last=entry.data["lost_to"])
            else:
                text = self.tr("Terminal restored (entry #{seq}); nothing was lost.").format(
                    seq=entry.seq
                )
            self.outcome = text
            self.banner.show_message(text, "ok")
            self.restored.emit(journal)

        self.run_approved(job, done)

    # ---------------------------------------------------------- plumbing
    def _run(self, job: Any, done: Callable[[Any], None]) -> None:
        """A step before the session exists: a worker, with the key panel's Cancel."""
        if self.busy:
            return
        self.banner.clear_message()

        def ok(result: Any) -> None:
            self.progress.hide()
            self.back.setEnabled(True)
            self.keys.reset()
            done(result)

        self.back.setEnabled(False)
        self._handle = self.app.runner.submit(job, ok, self._failed, owner=self)

    def _failed(self, error: SealroomError) -> None:
        super()._failed(error)
        self.progress.hide()
        self._prompts = None
        if self.steps.journal is None:
            self.checked.setText("")

    def send_pin(self) -> None:
        if self._prompts is None:
            super().send_pin()
            return
        pin = self.keys.take_pin()
        if pin:
            self.keys.show_pin(False)
            self.keys.prompt.setText(self.tr("Checking the PIN…"))
            self._prompts.answer(pin)
        del pin

    def cancel(self) -> None:
        super().cancel()
        if self._prompts is not None:
            self._prompts.answer(None)
