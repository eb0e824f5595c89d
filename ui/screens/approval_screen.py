"""The frame of a screen whose action is approved with security keys (export, custodians).

A title, the way back to the dashboard, a banner and the key panel
(:class:`ui.screens.key_panel.KeyPanel`) wired to the unlocked session's key
conversation. :meth:`ApprovalScreen.run_approved` runs the screen's action
in a worker with Cancel: while it runs, the key panel says whose key is
needed, and the way back is closed until it ends.

Only the screen on display answers the key conversation: the flow screen
shares the same session and shows its own panel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.errors import CancelledError, SealroomError
from ui.app_context import AppContext
from ui.screens.key_panel import KeyPanel
from ui.terminal_session import Session
from ui.widgets import Banner, big_button, heading
from ui.workers import Handle

Job = Callable[[threading.Event, Callable[[str], None]], Any]


class ApprovalScreen(QWidget):
    """A title, back button, banner, and a key panel wired to the session."""

    closed = Signal()

    def __init__(self, app: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.session: Session | None = None
        self._handle: Handle | None = None
        self._wired: set[int] = set()
        # The screen's content scrolls down inside the window, never sideways: laid
        # out straight on the screen, its height became the window's minimum and
        # the window grew past an 800-pixel screen, for good (issue 22).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setAccessibleName(title)
        page = QWidget(self.scroll_area)
        self.scroll_area.setWidget(page)
        outer.addWidget(self.scroll_area)
        self.v = QVBoxLayout(page)
        self.v.setContentsMargins(40, 24, 40, 24)
        self.v.setSpacing(14)
        top = QHBoxLayout()
        top.addWidget(heading(title, self), 1)
        self.back = big_button(self.tr("Back to the dashboard"), self.tr("Leave this screen"), self)
        self.back.clicked.connect(self.leave)
        top.addWidget(self.back)
        self.v.addLayout(top)
        self.banner = Banner(self)
        self.v.addWidget(self.banner)
        self.keys = KeyPanel(self)
        self.keys.pin.returnPressed.connect(self.send_pin)
        self.keys.pin_ok.clicked.connect(self.send_pin)
        self.keys.again.clicked.connect(self._again)
        self.stop_button = big_button(
            self.tr("Cancel"), self.tr("Cancel the approval in progress"), self.keys
        )
        self.stop_button.clicked.connect(self.cancel)
        keys_layout = self.keys.layout()
        if keys_layout is not None:
            keys_layout.addWidget(self.stop_button)
        self.keys.reset()

    @property
    def busy(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def attach(self, session: Session) -> None:
        self.session = session
        if id(session) in self._wired:
            return
        self._wired.add(id(session))
        s, p = session.signatures, session.prompts
        s.asking.connect(self._asking)
        s.signed.connect(self._signed)
        s.refused.connect(self._refused)
        p.pin_requested.connect(self._pin)
        p.new_pin_requested.connect(self._new_pin)
        p.touch_requested.connect(self._touch)

    def detach(self) -> None:
        self.cancel()
        self.keys.pin.clear()  # a PIN typed and not sent never outlives the lock
        self.session = None

    def leave(self) -> None:
        if not self.busy:
            self.closed.emit()

    def cancel(self) -> None:
        if self._handle is not None and not self._handle.finished:
            self._handle.cancel()
            if self.session is not None:
                self.session.prompts.answer(None)

    # ------------------------------------------- the key conversation (shown screen only)
    def _asking(self, role: str, name: str) -> None:
        if self.isVisible():
            self.keys.ask(role, name)

    def _signed(self, role: str, name: str) -> None:
        if self.isVisible():
            self.keys.approved(role, name)

    def _refused(self, message: str) -> None:
        if self.isVisible():
            self.keys.again.show()
            self.banner.show_message(message, "error")

    def _again(self) -> None:
        self.keys.again.hide()
        if self.session is not None:
            self.session.signatures.retry(True)

    def _pin(self, attempts_left: object) -> None:
        if self.isVisible():
            self.keys.pin_asked(attempts_left)
            self.keys.show_pin(True)

    def _new_pin(self) -> None:
        if self.isVisible():
            self.keys.show()
            self.keys.prompt.setText(
                self.tr("The new key has no PIN yet: its holder chooses one now and presses OK.")
            )
            self.keys.show_pin(True)

    def _touch(self) -> None:
        if self.isVisible():
            self.keys.pin_accepted()
            self.keys.show_pin(False)
            self.keys.prompt.setText(self.tr("Touch your security key now — it is blinking."))

    def send_pin(self) -> None:
        pin = self.keys.take_pin()
        if self.session is not None and pin:
            self.keys.show_pin(False)
            self.keys.prompt.setText(self.tr("Checking the PIN…"))
            self.session.prompts.answer(pin)
        del pin

    # ------------------------------------------------------------ the action
    def run_approved(
        self,
        job: Job,
        done: Callable[[Any], None],
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Run ``job`` in a worker; the session's key conversation can be cancelled with it."""
        session = self.session
        if session is None or self.busy:
            return

        def wrapped(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            session.signatures.cancel = cancel
            session.prompts.cancel = cancel
            return job(cancel, progress)

        def ok(result: Any) -> None:
            self.back.setEnabled(True)
            self.keys.reset()
            done(result)

        self.keys.reset()
        self.back.setEnabled(False)
        self._handle = self.app.runner.submit(wrapped, ok, self._failed, progress, owner=self)

    def _failed(self, error: SealroomError) -> None:
        self.back.setEnabled(True)
        self.keys.reset()
        tone = "info" if isinstance(error, CancelledError) else "error"
        self.banner.show_message(error.user_message(), tone)
