"""Security-key prompts from a worker thread, answered on the GUI thread.

In the style of Electrum's ``QtHandlerBase``: the device code runs in a
worker and calls :class:`QtPrompts` (``hardware.fido.Prompts``). Each call
emits a signal that the GUI thread receives (queued, because the emitter
lives on another thread), shows the question on the current screen, and the
worker waits on a ``threading.Event`` until the screen answers or the job is
cancelled. PINs pass straight from the field to the waiting worker and are
dropped from the GUI at once.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal


class QtPrompts(QObject):
    """``hardware.fido.Prompts`` for the Qt screens."""

    pin_requested = Signal(object)  # attempts left (int or None)
    new_pin_requested = Signal()
    touch_requested = Signal()
    blocked = Signal()
    notice = Signal(str, object)  # message code, params

    def __init__(self, cancel: threading.Event | None = None) -> None:
        super().__init__()
        self.cancel = cancel or threading.Event()
        self._answered = threading.Event()
        self._answer: str | None = None
        self._lock = threading.Lock()

    # --- called by the worker (device code) ---------------------------------
    def _wait(self) -> str | None:
        while not self._answered.wait(0.05):
            if self.cancel.is_set():
                return None
        with self._lock:
            answer, self._answer = self._answer, None
            self._answered.clear()
        return answer

    def request_pin(self, attempts_left: int | None) -> str | None:
        self.pin_requested.emit(attempts_left)
        return self._wait()

    def request_new_pin(self) -> str | None:
        self.new_pin_requested.emit()
        return self._wait()

    def prompt_touch(self) -> None:
        self.touch_requested.emit()

    def pin_blocked(self) -> None:
        self.blocked.emit()

    def notify(self, code: str, params: Mapping[str, Any]) -> None:
        self.notice.emit(code, dict(params))

    # --- called by the GUI --------------------------------------------------
    def answer(self, pin: str | None) -> None:
        """The screen's answer (``None`` cancels the operation)."""
        with self._lock:
            self._answer = pin
        if pin is None:
            self.cancel.set()
        self._answered.set()
