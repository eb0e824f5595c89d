"""Unlock screen: open the journal, verify it, hand it to the dashboard.

The key-derivation (Argon2id) and the full chain verification run in a
worker; the screen shows progress and keeps the passphrase only as long as
the worker needs it (the field is cleared the moment it is submitted).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.errors import SealroomError
from kiosk.journal.store import Journal
from kiosk.terminal import unlock_with_passphrase
from ui.context import AppContext
from ui.widgets import Banner, big_button, body, heading


class UnlockScreen(QWidget):
    unlocked = Signal(object)  # Journal

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("unlock")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(80, 60, 80, 60)
        outer.setSpacing(24)
        outer.addWidget(heading(self.tr("Sealroom is locked")))
        outer.addWidget(
            body(
                self.tr(
                    "Break-glass credential terminal {kiosk}. Two custodians are needed for "
                    "every envelope. To unlock, type the recovery passphrase from the sealed "
                    "recovery sheet."
                ).format(kiosk=ctx.policy.kiosk_id)
            )
        )
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Recovery passphrase"))
        self.passphrase.setAccessibleName(self.tr("Recovery passphrase"))
        self.passphrase.setMinimumHeight(56)
        self.passphrase.returnPressed.connect(self.submit)
        outer.addWidget(self.passphrase)
        row = QHBoxLayout()
        self.unlock_button = big_button(
            self.tr("Unlock"), self.tr("Unlock the terminal"), self, True
        )
        self.unlock_button.clicked.connect(self.submit)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        outer.addLayout(row)
        self.status = Banner(self)
        outer.addWidget(self.status)
        if ctx.demo is not None:
            demo = body(
                self.tr(
                    "Demo terminal (throw-away journal in {path}). Recovery passphrase: {p}"
                ).format(path=ctx.demo.data_dir, p=ctx.demo.recovery_passphrase)
            )
            demo.setObjectName("demo")
            demo.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            outer.addWidget(demo)
        outer.addStretch(1)
        self._busy = False

    def submit(self) -> None:
        if self._busy:
            return
        phrase = self.passphrase.text()
        self.passphrase.clear()  # never leave a secret in a widget
        if not phrase.strip():
            self.status.show_message(self.tr("Type the recovery passphrase first."), "error")
            return
        self._busy = True
        self.unlock_button.setEnabled(False)
        self.status.show_message(self.tr("Checking the passphrase and verifying the journal…"))
        data_dir, clock = self.ctx.data_dir, self.ctx.clock

        held = [phrase]  # the worker takes it and drops it; the GUI keeps no copy
        del phrase

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Journal:
            secret = held.pop()
            try:
                return unlock_with_passphrase(data_dir, secret, clock)
            finally:
                del secret

        self.ctx.runner.submit(job, self._done, self._failed)

    def _done(self, journal: object) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.status.clear_message()
        self.unlocked.emit(journal)

    def _failed(self, error: SealroomError) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.status.show_message(error.user_message(), "error")
        self.passphrase.setFocus()

    def reset(self) -> None:
        self.passphrase.clear()
        self.status.clear_message()
        self.passphrase.setFocus()
