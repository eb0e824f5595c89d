"""The window: a stack of screens, the lock, and kiosk behaviour.

It only switches screens and owns the open journal between unlock and lock;
procedures live in ``kiosk`` and screens render them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QMainWindow, QStackedWidget, QWidget

from kiosk.journal.store import Journal
from ui.context import AppContext
from ui.demo_panel import DemoPanel
from ui.screens.dashboard import DashboardScreen
from ui.screens.unlock import UnlockScreen


class IdleWatch(QObject):
    """Locks the terminal after the policy's idle time without input."""

    INPUT: ClassVar[set[QEvent.Type]] = {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.TouchBegin,
        QEvent.Type.Wheel,
    }

    def __init__(
        self, seconds: int, on_idle: Callable[[], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(seconds * 1000)
        self.timer.timeout.connect(on_idle)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.INPUT and self.timer.isActive():
            self.timer.start()
        return False


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.journal: Journal | None = None
        self.setWindowTitle(self.tr("Sealroom — {kiosk}").format(kiosk=ctx.policy.kiosk_id))
        self.stack = QStackedWidget(self)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.stack, 1)
        self.demo_panel: DemoPanel | None = None
        if ctx.keys.simulated:
            self.demo_panel = DemoPanel(ctx.keys, central)
            row.addWidget(self.demo_panel)
        self.setCentralWidget(central)
        self.unlock_screen = UnlockScreen(ctx, self)
        self.dashboard = DashboardScreen(ctx, self)
        self.stack.addWidget(self.unlock_screen)
        self.stack.addWidget(self.dashboard)
        self.unlock_screen.unlocked.connect(self.on_unlocked)
        self.dashboard.lock_requested.connect(self.lock)
        self.idle = IdleWatch(ctx.policy.idle_lock_seconds, self.lock, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        if not ctx.windowed:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)

    @property
    def locked(self) -> bool:
        return self.journal is None

    def on_unlocked(self, journal: Journal) -> None:
        self.journal = journal
        self.dashboard.show_journal(journal)
        self.stack.setCurrentWidget(self.dashboard)
        self.idle.timer.start()

    def lock(self) -> None:
        self.idle.timer.stop()
        if self.journal is not None:
            self.journal.close()
            self.journal = None
        self.dashboard.forget()
        self.unlock_screen.reset()
        self.stack.setCurrentWidget(self.unlock_screen)

    # ------------------------------------------------------- kiosk mode
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.ctx.windowed and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4):
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.ctx.windowed:
            event.ignore()  # a kiosk is not closed from its keyboard
            return
        self.lock()
        event.accept()
