"""Unlock screen: a custodian's key and PIN, or the recovery passphrase.

One enrolled custodian's touch + PIN unwraps the database key (FIDO2
hmac-secret key slot); the recovery passphrase (from the sealed recovery
sheet) is the fallback, reachable but not prominent. Everything slow — the
key conversation, Argon2id, the full chain verification — runs in a worker;
the key asks for its PIN and touch through :class:`ui.prompts.QtPrompts`,
answered here on the GUI thread. Secrets leave the widgets the moment they
are submitted.

On a machine whose data directory holds no journal (a new or repaired one)
the screen also offers *Restore this terminal from a backup*
(``restore_requested``: the window shows ``ui/screens/restore.py``),
beside commissioning, which is done with ``sealroom commission``.

``painted`` fires once, after the first paint: the start's milestone
(:func:`ui.app.run` logs it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from hardware.printing.cups import CupsPrinter
from hardware.printing.render import render
from kiosk.errors import CancelledError, JournalIntegrityError, SealroomError
from kiosk.errors.messages import render as words
from kiosk.errors.oplog import event
from kiosk.format.clock import format_ts
from kiosk.journal.store import Journal
from kiosk.paper.slips import refusal_slip
from kiosk.terminal.airgap import unlock_refusal
from kiosk.terminal.lifecycle import unlock_with_key, unlock_with_passphrase
from kiosk.terminal.restore_steps import needs_restore
from ui.app_context import AppContext
from ui.prompts import QtPrompts
from ui.screens.key_panel import wrong_pin
from ui.widgets import Banner, big_button, body, heading
from ui.workers import Handle

log = logging.getLogger("sealroom.unlock")


class UnlockScreen(QWidget):
    unlocked = Signal(object)  # Journal
    restore_requested = Signal()  # no journal here: restore it from its backup
    painted = Signal()  # once, after the first paint

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("unlock")
        self._handle: Handle | None = None
        self._prompts: QtPrompts | None = None
        self._pin_sent = False  # a PIN went to the key; asked again means it was wrong
        self._painted = False
        #: how the last unlock was made: "security key" or "recovery passphrase"
        self.last_way = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(80, 60, 80, 60)
        outer.setSpacing(22)
        outer.addWidget(heading(self.tr("Sealroom is locked")))
        self.intro = body(
            self.tr(
                "Break-glass credential terminal {kiosk}. A custodian unlocks it: plug in "
                "your security key, press the button, then enter the key's PIN and touch it."
            ).format(kiosk=ctx.policy.kiosk_id)
        )
        outer.addWidget(self.intro)
        row = QHBoxLayout()
        self.key_button = big_button(
            self.tr("Unlock with my security key"),
            self.tr("Unlock with my security key"),
            self,
            True,
        )
        self.key_button.clicked.connect(self.unlock_with_key)
        row.addWidget(self.key_button)
        row.addStretch(1)
        outer.addLayout(row)

        # The key's questions (PIN, touch) appear here while it is working.
        self.key_panel = QWidget(self)
        kp = QVBoxLayout(self.key_panel)
        kp.setContentsMargins(0, 0, 0, 0)
        self.key_prompt = body("", self.key_panel)
        self.key_prompt.setObjectName("h2")
        kp.addWidget(self.key_prompt)
        pin_row = QHBoxLayout()
        self.pin = QLineEdit(self.key_panel)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("Security key PIN"))
        self.pin.setAccessibleName(self.tr("Security key PIN"))
        self.pin.setMinimumHeight(56)
        self.pin.returnPressed.connect(self.submit_pin)
        pin_row.addWidget(self.pin, 1)
        self.pin_ok = big_button(self.tr("OK"), self.tr("Send the PIN to the key"), self.key_panel)
        self.pin_ok.clicked.connect(self.submit_pin)
        pin_row.addWidget(self.pin_ok)
        kp.addLayout(pin_row)
        self.cancel_button = big_button(
            self.tr("Cancel"), self.tr("Cancel unlocking"), self.key_panel
        )
        self.cancel_button.clicked.connect(self.cancel)
        kp.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.key_panel.hide()
        outer.addWidget(self.key_panel)

        self.status = Banner(self)
        outer.addWidget(self.status)

        # The recovery path: reachable, not prominent.
        self.recovery_link = QPushButton(self.tr("Use the recovery passphrase instead"), self)
        self.recovery_link.setObjectName("link")
        self.recovery_link.setCursor(Qt.CursorShape.PointingHandCursor)
        self.recovery_link.setAccessibleName(self.tr("Use the recovery passphrase instead"))
        self.recovery_link.clicked.connect(self.show_recovery)
        outer.addWidget(self.recovery_link, 0, Qt.AlignmentFlag.AlignLeft)
        self.recovery = QWidget(self)
        rp = QHBoxLayout(self.recovery)
        rp.setContentsMargins(0, 0, 0, 0)
        self.passphrase = QLineEdit(self.recovery)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Recovery passphrase"))
        self.passphrase.setAccessibleName(self.tr("Recovery passphrase"))
        self.passphrase.setMinimumHeight(56)
        self.passphrase.returnPressed.connect(self.submit)
        rp.addWidget(self.passphrase, 1)
        self.unlock_button = big_button(
            self.tr("Unlock"), self.tr("Unlock with the recovery passphrase"), self.recovery
        )
        self.unlock_button.clicked.connect(self.submit)
        rp.addWidget(self.unlock_button)
        self.recovery.hide()
        outer.addWidget(self.recovery)

        # No journal on this machine: a restore from the backup (or commissioning).
        self.restore_note = body(
            self.tr(
                "This terminal holds no journal: a new or repaired machine. Restore it from "
                "its newest backup (two custodians, the backup stick and the newest record "
                "from the safe), or commission a new terminal (sealroom commission)."
            ),
            self,
        )
        outer.addWidget(self.restore_note)
        self.restore_button = big_button(
            self.tr("Restore this terminal from a backup"),
            self.tr("Restore this terminal from a backup"),
            self,
            True,
        )
        self.restore_button.clicked.connect(self.restore_requested.emit)
        outer.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.show_restore()

        if ctx.demo is not None:
            demo = body(
                self.tr(
                    "Demo terminal: plug in a simulated key on the right, unlock, and touch it "
                    "there. Key PIN {pin}. Recovery passphrase: {p}"
                ).format(pin=ctx.demo.pin, p=ctx.demo.recovery_passphrase)
            )
            demo.setObjectName("demo")
            demo.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            outer.addWidget(demo)
        outer.addStretch(1)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()

    # ------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def _set_busy(self, busy: bool) -> None:
        self.key_button.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)

    # ---------------------------------------------------------- air gap
    def refused_by_air_gap(self) -> bool:
        """Refuse the unlock, naming the interface, while the network is up (by policy).

        Looked at now, before any key or passphrase is used; what was seen is
        recorded as an alert at the next unlock (:class:`kiosk.terminal.airgap.AirGapWatch`).
        """
        look = self.ctx.network
        if look is None:
            return False
        refusal: SealroomError | None
        try:
            up = look()
        except SealroomError as exc:  # the interfaces cannot be read: the air gap is not shown
            refusal = exc if self.ctx.policy.airgap_on_network == "refuse" else None
        else:
            self.ctx.airgap.observe(up, format_ts(self.ctx.clock.now()))
            refusal = unlock_refusal(up, self.ctx.policy)
        if refusal is None:
            return False
        event(
            log,
            "unlock.refused",
            f"unlock refused: {refusal.user_message()}",
            level=logging.WARNING,
            code=refusal.code,
        )
        self.status.show_message(refusal.user_message(), "error")
        return True

    # --------------------------------------------------------- key path
    def unlock_with_key(self) -> None:
        if self.busy or self.refused_by_air_gap():
            return
        self.status.show_message(self.tr("Looking for your security key…"))
        self._set_busy(True)
        prompts = QtPrompts()
        prompts.pin_requested.connect(self._ask_pin)
        prompts.touch_requested.connect(self._ask_touch)
        prompts.blocked.connect(self._blocked)
        prompts.notice.connect(self._notice)
        self._prompts = prompts
        self.last_way = "security key"
        keys, data_dir, clock = self.ctx.keys, self.ctx.data_dir, self.ctx.clock
        witness = self.ctx.witness
        margin = self.ctx.policy.counter_margin

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Journal:
            prompts.cancel = cancel
            return unlock_with_key(
                data_dir,
                keys.security_keys(prompts),
                clock,
                cancel,
                witness=witness,
                counter_margin=margin,
            )

        self._handle = self.ctx.runner.submit(job, self._done, self._failed)

    def _ask_pin(self, attempts_left: object) -> None:
        self.key_panel.show()
        self.pin.show()
        self.pin_ok.show()
        if isinstance(attempts_left, int):
            self.key_prompt.setText(
                self.tr("Enter your key's PIN ({n} attempts left)").format(n=attempts_left)
            )
        else:
            self.key_prompt.setText(self.tr("Enter your key's PIN"))
        if self._pin_sent:  # asked again after a PIN: that PIN was wrong (issue 22)
            self.status.show_message(wrong_pin(attempts_left), "error")
        else:
            self.status.clear_message()
        self._pin_sent = False
        self.pin.setFocus()

    def _ask_touch(self) -> None:
        # The PIN was right: "Type the key's PIN first" or a wrong-PIN message is stale now.
        self._pin_sent = False
        self.status.clear_message()
        self.key_panel.show()
        self.pin.hide()
        self.pin_ok.hide()
        self.key_prompt.setText(self.tr("Touch your security key now — it is blinking."))

    def _blocked(self) -> None:
        self.status.show_message(words("fido.pin_blocked", {}), "error")

    def _notice(self, code: str, params: object) -> None:
        self.status.show_message(words(code, params if isinstance(params, dict) else {}), "info")

    def submit_pin(self) -> None:
        pin = self.pin.text()
        self.pin.clear()  # never leave a secret in a widget
        if self._prompts is None:
            return
        if not pin:
            self.status.show_message(self.tr("Type the key's PIN first."), "error")
            return
        self.key_prompt.setText(self.tr("Checking the PIN…"))
        self._pin_sent = True
        self._prompts.answer(pin)
        del pin

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        if self._prompts is not None:
            self._prompts.answer(None)

    # ------------------------------------------------- passphrase path
    def show_recovery(self) -> None:
        self.recovery.show()
        self.recovery_link.hide()
        self.passphrase.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        phrase = self.passphrase.text()
        self.passphrase.clear()  # never leave a secret in a widget
        if not phrase.strip():
            self.status.show_message(self.tr("Type the recovery passphrase first."), "error")
            return
        if self.refused_by_air_gap():
            del phrase
            return
        self._set_busy(True)
        self.last_way = "recovery passphrase"
        self.status.show_message(self.tr("Checking the passphrase and verifying the journal…"))
        data_dir, clock, witness = self.ctx.data_dir, self.ctx.clock, self.ctx.witness
        held = [phrase]  # the worker takes it and drops it; the GUI keeps no copy
        del phrase

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Journal:
            secret = held.pop()
            try:
                return unlock_with_passphrase(data_dir, secret, clock, witness=witness)
            finally:
                del secret

        self._handle = self.ctx.runner.submit(job, self._done, self._failed)

    # ---------------------------------------------------------- results
    def _finish(self) -> None:
        self._set_busy(False)
        self.key_panel.hide()
        self._prompts = None

    def _done(self, journal: object) -> None:
        self._finish()
        self.status.clear_message()
        self.unlocked.emit(journal)

    def _failed(self, error: SealroomError) -> None:
        self._finish()
        tone = "info" if isinstance(error, CancelledError) else "error"
        self.status.show_message(error.user_message(), tone)
        if isinstance(error, JournalIntegrityError):
            self._print_refusal(error)

    def _print_refusal(self, error: JournalIntegrityError) -> None:
        """The chain is broken: nothing can be appended, so the slip is printed from here.

        The terminal's alarm is paper; a refused unlock must not pass unnoticed.
        """
        ctx = self.ctx
        slip = refusal_slip(error.params, ctx.policy.kiosk_id, ctx.policy.timezone, ctx.clock.now())

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            if ctx.printer is None:
                ctx.printer = CupsPrinter.from_policy(ctx.policy)
            return ctx.printer.print_pdf(render(slip), f"{slip.title} refused", False)

        def failed(err: SealroomError) -> None:
            self.status.show_message(
                error.user_message()
                + "\n"
                + self.tr("The alarm slip did not print ({why}): tell security in person.").format(
                    why=err.user_message()
                ),
                "error",
            )

        self.ctx.runner.submit(job, lambda _r: None, failed)

    def show_restore(self) -> None:
        """Offer the restore only where there is no journal (a stat of two files)."""
        empty = needs_restore(self.ctx.data_dir)
        self.restore_note.setVisible(empty)
        self.restore_button.setVisible(empty)
        # nothing to unlock here: the restore is the way on, not a key that cannot work
        self.key_button.setVisible(not empty)
        self.recovery_link.setVisible(not empty)
        self.intro.setVisible(not empty)

    def reset(self) -> None:
        self.passphrase.clear()
        self.pin.clear()
        self.status.clear_message()
        self.recovery.hide()
        self.recovery_link.show()
        self.show_restore()
        self.key_button.setFocus()
