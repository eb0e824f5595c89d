"""The window: a stack of screens, the lock, and kiosk behaviour.

It only switches screens and owns the open journal between unlock and lock;
procedures live in ``kiosk`` and screens render them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QMainWindow, QStackedWidget, QWidget

from kiosk.errors import SealroomError
from kiosk.journal.store import Journal
from kiosk.procedures import Flow
from ui.context import AppContext
from ui.demo_panel import DemoPanel
from ui.scanning import ScanFilter
from ui.screens.dashboard import DashboardScreen
from ui.screens.flow import FlowScreen
from ui.screens.unlock import UnlockScreen
from ui.session import Session

if TYPE_CHECKING:
    from kiosk.printing import Printer


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
        self.session: Session | None = None
        self.unlock_screen = UnlockScreen(ctx, self)
        self.dashboard = DashboardScreen(ctx, self)
        self.flow_screen = FlowScreen(ctx, self)
        self.dashboard.paused = self.flow_screen.paused
        self.stack.addWidget(self.unlock_screen)
        self.stack.addWidget(self.dashboard)
        self.stack.addWidget(self.flow_screen)
        self.screens: dict[str, QWidget] = {}
        self.unlock_screen.unlocked.connect(self.on_unlocked)
        self.dashboard.lock_requested.connect(self.lock)
        self.dashboard.start_flow.connect(self.start_flow)
        self.dashboard.open_screen.connect(self.open_screen)
        self.dashboard.acknowledge.connect(self.acknowledge_alert)
        self.flow_screen.closed.connect(self.show_dashboard)
        self.flow_screen.finished.connect(lambda _f: self.dashboard.refresh())
        # Scanners type like keyboards: one filter for the whole application.
        self.scans = ScanFilter(ctx.policy, clock_ms=ctx.scan_clock_ms, parent=self)
        self.scans.install()
        self.scans.scanned.connect(self.on_scan)
        self.scans.overlong.connect(self.on_overlong_scan)
        self.device_watch: object | None = None
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
        self.session = Session.open(self.ctx, journal, self._printer())
        self.flow_screen.attach(self.session)
        for screen in self.screens.values():
            attach = getattr(screen, "attach", None)
            if attach is not None:
                attach(self.session)
        self.dashboard.show_journal(journal)
        self.stack.setCurrentWidget(self.dashboard)
        self.idle.timer.start()
        self.check_devices()

    def _printer(self) -> Printer:
        if self.ctx.printer is None:
            from hardware.printing.cups import CupsPrinter

            self.ctx.printer = CupsPrinter.from_policy(self.ctx.policy)
        return self.ctx.printer

    def lock(self) -> None:
        self.idle.timer.stop()
        self.flow_screen.detach()
        for screen in self.screens.values():
            detach = getattr(screen, "detach", None)
            if detach is not None:
                detach()
        if self.session is not None:
            self.session.signatures.cancel.set()
            self.session.paper.cancel.set()
            self.session = None
        if self.journal is not None:
            self.journal.close()
            self.journal = None
        self.dashboard.forget()
        self.unlock_screen.reset()
        self.stack.setCurrentWidget(self.unlock_screen)

    # ------------------------------------------------------------ screens
    def show_dashboard(self) -> None:
        if self.journal is None:
            return
        self.dashboard.refresh()
        self.stack.setCurrentWidget(self.dashboard)

    def start_flow(self, factory: Callable[..., Flow]) -> None:
        """Start the flow ``factory`` builds; a flow that may not start says why."""
        if self.session is None:
            return
        try:
            flow = factory(self.session.ctx)
        except SealroomError as exc:
            self.dashboard.banner.show_message(exc.user_message(), "error")
            return
        self.dashboard.banner.clear_message()
        self.flow_screen.start(flow)
        self.stack.setCurrentWidget(self.flow_screen)

    def screen_named(self, name: str) -> QWidget:
        """The named secondary screen (built on first use, kept until the window closes)."""
        if name not in self.screens:
            from ui.screens import journal_browser, others

            builders: dict[str, Callable[[], QWidget]] = {
                "journal": lambda: journal_browser.JournalScreen(self.ctx, self),
                "export": lambda: others.ExportScreen(self.ctx, self),
                "custodians": lambda: others.CustodiansScreen(self.ctx, self),
                "troubleshooting": lambda: others.TroubleshootingScreen(self.ctx, self),
            }
            widget = builders[name]()
            closed = getattr(widget, "closed", None)
            if closed is not None:
                closed.connect(self.show_dashboard)
            self.stack.addWidget(widget)
            self.screens[name] = widget
        return self.screens[name]

    def open_screen(self, name: str) -> None:
        if self.session is None:
            return
        widget = self.screen_named(name)
        attach = getattr(widget, "attach", None)
        if attach is not None:
            attach(self.session)
        self.stack.setCurrentWidget(widget)

    def acknowledge_alert(self, seq: int, by: str) -> None:
        journal = self.journal
        if journal is None:
            return

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            return journal.append("alert.acknowledged", {"alert_seq": seq, "by": by})

        self.ctx.runner.submit(
            job,
            lambda _e: self.dashboard.refresh(),
            lambda err: self.dashboard.banner.show_message(err.user_message(), "error"),
        )

    def check_devices(self) -> None:
        """List the USB bus in a worker; refused devices are recorded (DeviceWatch)."""
        journal, policy, bus = self.journal, self.ctx.policy, self.ctx.usb_bus
        if journal is None:
            return
        from hardware.usb_devices import enumerate_devices
        from kiosk.devicewatch import DeviceWatch

        if self.device_watch is None or getattr(self.device_watch, "journal", None) is not journal:
            self.device_watch = DeviceWatch(journal)
        watch = self.device_watch

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            verdicts = enumerate_devices(policy, bus)
            refused = [v.alert_fields() for v in verdicts if not v.allowed]
            if isinstance(watch, DeviceWatch):
                watch.record(refused)
            return [(v.description, v.allowed) for v in verdicts]

        def done(lines: object) -> None:
            if isinstance(lines, list):
                self.dashboard.show_devices(lines)
                self.dashboard.refresh()

        self.ctx.runner.submit(
            job, done, lambda err: self.dashboard.show_devices_error(err.user_message())
        )

    # -------------------------------------------------------------- scans
    def on_scan(self, text: str, as_configured: bool) -> None:
        current = self.stack.currentWidget()
        handler = getattr(current, "on_scan", None)
        if handler is not None:
            handler(text, as_configured)

    def on_overlong_scan(self) -> None:
        current = self.stack.currentWidget()
        banner = getattr(current, "banner", None)
        if banner is not None:
            from kiosk.messages import render

            banner.show_message(render("ui.scan_overlong", {}), "error")

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
        self.release_filters()
        event.accept()

    def release_filters(self) -> None:
        """Take the window's application-wide filters off (the window is going away)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scans)
            app.removeEventFilter(self.idle)
