"""Scanner input for every screen, without first clicking a field.

Handheld scanners type like a keyboard. :class:`ScanFilter` watches the
application's windows, holds back every key press for a few milliseconds,
and lets :class:`kiosk.scan.wedge.WedgeDetector` decide: a fast burst is a
*scan* — its keys are swallowed and one ``scanned`` signal carries the text
— while anything slower is *typing* and the held keys are replayed, in
order, to the window, which hands them to the widget with the focus.
Scanned text therefore never leaks into the field that had focus.

Why the windows and not the whole application: every key, click and touch
reaches a top-level window first, from the input system, before Qt hands it
to a widget; an application-wide filter would also be called, in Python,
for every paint, layout, polish and child event of every widget (about two
thousand when a step's form is built), which made the GUI thread's longest
turns a quarter longer (``benchmarks/ui.py``).

The detector is pure; this module is only the Qt glue. Time comes from the
key event's own timestamp (what the input system saw), or from an injected
clock when the platform gives none (offscreen tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QWindow

from kiosk.policy import Policy
from kiosk.scan.wedge import KeyEvent, Release, Scan, WedgeDetector

#: The names :class:`kiosk.scan.wedge.WedgeDetector` knows keys by, per Qt key code.
KEY_NAMES: dict[int, str] = {
    key.value: name
    for key, name in {
        Qt.Key.Key_Return: "Return",
        Qt.Key.Key_Enter: "Enter",
        Qt.Key.Key_Tab: "Tab",
        Qt.Key.Key_Backtab: "Tab",
        Qt.Key.Key_Backspace: "Backspace",
        Qt.Key.Key_Delete: "Delete",
        Qt.Key.Key_Escape: "Escape",
        Qt.Key.Key_Left: "Left",
        Qt.Key.Key_Right: "Right",
        Qt.Key.Key_Up: "Up",
        Qt.Key.Key_Down: "Down",
        Qt.Key.Key_Home: "Home",
        Qt.Key.Key_End: "End",
        Qt.Key.Key_Shift: "Shift",
        Qt.Key.Key_Control: "Control",
        Qt.Key.Key_Alt: "Alt",
        Qt.Key.Key_AltGr: "AltGr",
        Qt.Key.Key_Meta: "Meta",
        Qt.Key.Key_CapsLock: "CapsLock",
        Qt.Key.Key_NumLock: "NumLock",
        Qt.Key.Key_Space: "",
    }.items()
}


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class _Held:
    """A copy of a held key press and the window it arrived at."""

    def __init__(self, event: QKeyEvent, receiver: QObject) -> None:
        self.event = QKeyEvent(
            event.type(),
            event.key(),
            event.modifiers(),
            event.text(),
            event.isAutoRepeat(),
            event.count(),
        )
        self.receiver = receiver


class ScanFilter(QObject):
    """Key filter on every top-level window that turns scanner bursts into ``scanned``.

    :meth:`install` puts it on the application's windows and on each new
    one (a list that pops up, a dialog) as it takes the focus. It sees the
    events of those windows only, input first; the first test is the
    event's type against :attr:`INPUT`, and anything else returns at once.
    Input events are also reported to ``on_input`` (the idle lock).
    """

    scanned = Signal(str, bool)  # text, arrived as configured (terminator)
    overlong = Signal()

    #: the events that count as a person at the terminal (idle lock)
    INPUT: ClassVar[frozenset[QEvent.Type]] = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.TouchBegin,
            QEvent.Type.Wheel,
        }
    )

    def __init__(
        self,
        policy: Policy,
        clock_ms: Callable[[], int] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.detector = WedgeDetector.from_policy(policy)
        self._clock_ms = clock_ms
        self._replaying = False
        self._overflowing = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._poll)
        self.enabled = True
        self._app: QGuiApplication | None = None
        #: called on every input event (key, click, move, touch, wheel), replays included
        self.on_input: Callable[[], None] | None = None

    def install(self, app: QGuiApplication | None = None) -> None:
        """Watch the application's top-level windows, and each new one as it takes the focus."""
        target = app or QGuiApplication.instance()
        if not isinstance(target, QGuiApplication):
            return
        if self._app is None:
            self._app = target
            target.focusWindowChanged.connect(self.watch)
        for window in target.topLevelWindows():
            self.watch(window)

    def watch(self, window: QWindow | None) -> None:
        """Filter ``window``'s events (again is harmless: Qt keeps one entry per filter)."""
        if window is not None and self._app is not None:
            window.installEventFilter(self)

    def uninstall(self) -> None:
        """Stop watching (the window is going away)."""
        app, self._app = self._app, None
        if app is None:
            return
        app.focusWindowChanged.disconnect(self.watch)
        for window in app.topLevelWindows():
            window.removeEventFilter(self)

    def _now(self, event: QKeyEvent | None = None) -> int:
        if self._clock_ms is not None:
            return self._clock_ms()
        if event is not None and event.timestamp():
            return int(event.timestamp())
        return _monotonic_ms()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in self.INPUT:
            return False
        if self.on_input is not None:
            self.on_input()
        if self._replaying or not self.enabled or kind != QEvent.Type.KeyPress:
            return False
        if not isinstance(watched, QWindow) or not isinstance(event, QKeyEvent):
            return False
        held = _Held(event, watched)
        name = KEY_NAMES.get(event.key(), "")
        text = event.text() if name == "" else ""
        outputs = self.detector.feed(
            KeyEvent(self._now(event), text, name, event.isAutoRepeat(), ref=held)
        )
        self._obey(outputs)
        self._arm()
        return True

    def _poll(self) -> None:
        self._obey(self.detector.poll(self._now()))
        self._arm()

    def _arm(self) -> None:
        deadline = self.detector.deadline_ms()
        if deadline is None:
            self.timer.stop()
            return
        self.timer.start(max(1, deadline - self._now() + 1))

    def flush(self) -> None:
        """End any burst now (tests; also before the screen changes)."""
        self._obey(self.detector.flush())
        self.timer.stop()

    def _obey(self, outputs: list[Release | Scan]) -> None:
        for out in outputs:
            if isinstance(out, Release):
                self._replay(out)
            elif out.overflow:
                self._overflowing = True
            else:
                if self._overflowing:
                    self._overflowing = False
                    self.overlong.emit()
                    continue
                self.scanned.emit(out.text, out.as_configured)
        if self._overflowing and not self.detector.holding:
            self._overflowing = False
            self.overlong.emit()

    def _replay(self, release: Release) -> None:
        self._replaying = True
        try:
            for key in release.keys:
                held = key.ref
                if not isinstance(held, _Held):
                    continue
                if shiboken6.isValid(held.receiver):
                    QGuiApplication.sendEvent(held.receiver, held.event)
        finally:
            self._replaying = False
