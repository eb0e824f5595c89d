"""The window: a stack of screens, the lock, and kiosk behaviour.

It only switches screens, owns the open journal (and the session over it)
between unlock and lock, and locks — on request or when idle. Procedures
live in ``kiosk`` and screens render them; the alerts the unlocked terminal
writes on its own are :mod:`ui.alerts`. As a kiosk (not ``--windowed``) it
is frameless, on top, and ignores Escape, F4 and closing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from hardware.printing.cups import CupsPrinter
from kiosk.errors import SealroomError, oplog
from kiosk.errors.messages import render
from kiosk.journal.store import Journal
from kiosk.paper.printer import Printer
from kiosk.procedures import Flow
from kiosk.state.envelopes import STATE_WORDS
from ui.alerts import Alerts
from ui.app_context import AppContext
from ui.demo_panel import DemoPanel
from ui.scanning import ScanFilter
from ui.screens.acknowledge import AcknowledgeScreen
from ui.screens.backup import BackupScreen
from ui.screens.custodians import CustodiansScreen
from ui.screens.dashboard import DashboardScreen
from ui.screens.export import ExportScreen
from ui.screens.flow import FlowScreen
from ui.screens.journal_browser import JournalScreen
from ui.screens.restore import RestoreScreen
from ui.screens.troubleshooting import TroubleshootingScreen
from ui.screens.unlock import UnlockScreen
from ui.terminal_session import Session
from ui.widgets import Banner

log = logging.getLogger("sealroom.lock")

#: The screens the dashboard opens by name.
SCREENS: dict[str, Callable[[AppContext, QWidget], QWidget]] = {
    "journal": JournalScreen,
    "export": ExportScreen,
    "custodians": CustodiansScreen,
    "troubleshooting": TroubleshootingScreen,
    "acknowledge": AcknowledgeScreen,
    "backup": BackupScreen,
}


class IdleWatch(QObject):
    """Locks the terminal after the policy's idle time without input, warning first.

    It is not an event filter of its own: the key filter on the windows
    (:class:`ui.scanning.ScanFilter`) already sees every input event (keys,
    clicks, touches) and calls :meth:`poke`, which starts the idle time
    again and takes the warning down.

    The lock used to come without warning while custodians were on the
    phone to an approver (issue 22): for the last :data:`WARN_SECONDS` (a
    third of a short idle time) ``on_warn`` is called every second with the
    seconds left, so the screen can count down.
    """

    #: how long before the lock the warning shows (at most a third of the idle time)
    WARN_SECONDS = 60

    def __init__(
        self,
        seconds: int,
        on_idle: Callable[[], None],
        parent: QObject | None = None,
        on_warn: Callable[[int], None] | None = None,
        on_clear: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(seconds * 1000)
        self.timer.timeout.connect(on_idle)
        self.timer.timeout.connect(self._stop_warning)
        self.on_warn = on_warn
        self.on_clear = on_clear
        self.warn_seconds = min(self.WARN_SECONDS, max(seconds // 3, 1))
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._tick)
        self.warning = False

    def start(self) -> None:
        """Unlocked: the idle time starts."""
        self.timer.start()
        self.countdown.start()

    def stop(self) -> None:
        """Locked: no idle time, no warning."""
        self.timer.stop()
        self._stop_warning()
        self.countdown.stop()

    def poke(self) -> None:
        """Input arrived: the idle time starts again (only while unlocked); the warning goes."""
        if self.timer.isActive():
            self.timer.start()
            self._stop_warning()

    def seconds_left(self) -> int:
        return max(0, (self.timer.remainingTime() + 999) // 1000)

    def _tick(self) -> None:
        if not self.timer.isActive():
            return
        left = self.seconds_left()
        if left <= self.warn_seconds:
            self.warning = True
            if self.on_warn is not None:
                self.on_warn(left)

    def _stop_warning(self) -> None:
        if self.warning and self.on_clear is not None:
            self.on_clear()
        self.warning = False


class MainWindow(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.journal: Journal | None = None
        self.setWindowTitle(self.tr("Sealroom — {kiosk}").format(kiosk=ctx.policy.kiosk_id))
        self.stack = QStackedWidget(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        # Above every screen: the idle lock's countdown (any input takes it down).
        self.idle_banner = Banner(self)
        self.idle_banner.setAccessibleName(self.tr("The terminal is about to lock"))
        column.addWidget(self.idle_banner)
        column.addWidget(self.stack, 1)
        row.addLayout(column, 1)
        self.demo_panel: DemoPanel | None = None
        if ctx.keys.simulated:
            self.demo_panel = DemoPanel(
                ctx.keys,
                self,
                policy=ctx.policy,
                demo_desk=ctx.demo.desk if ctx.demo is not None else None,
                runner=ctx.runner,
            )
            self.demo_panel.codes = self.demo_codes
            self.demo_panel.scanned.connect(lambda code: self.on_scan(code, True))
            row.addWidget(self.demo_panel)
        self.session: Session | None = None
        #: asked before the windowed terminal closes mid-procedure (tests replace it)
        self.confirm_close: Callable[[], bool] = self.ask_before_closing
        #: set once the process is stopping: nothing is unlocked any more
        self.stopping = False
        self.unlock_screen = UnlockScreen(ctx, self)
        self.stack.addWidget(self.unlock_screen)
        self.unlock_screen.unlocked.connect(self.on_unlocked)
        self.unlock_screen.restore_requested.connect(self.show_restore)
        # The flow screen and the dashboard share the flows left half-way (FlowScreen.paused).
        paused: dict[str, Flow] = {}
        self.flow_screen = FlowScreen(ctx, self)
        self.flow_screen.paused = paused
        self.stack.addWidget(self.flow_screen)
        self.flow_screen.closed.connect(self.show_dashboard)
        self.flow_screen.finished.connect(lambda _f: self._refresh_if_shown())
        self.dashboard = DashboardScreen(ctx, self)
        self.dashboard.paused = paused
        self.stack.addWidget(self.dashboard)
        self.dashboard.lock_requested.connect(lambda: self.lock("button"))
        self.dashboard.start_flow.connect(self.start_flow)
        self.dashboard.open_screen.connect(self.open_screen)
        self.dashboard.acknowledge.connect(self.acknowledge_alert)
        self.screens: dict[str, QWidget] = {}
        self.alerts = Alerts(ctx, self.dashboard, self)
        self.idle = IdleWatch(
            ctx.policy.idle_lock_seconds,
            lambda: self.lock("idle"),
            self,
            on_warn=self._idle_warning,
            on_clear=self.idle_banner.clear_message,
        )
        self._unlocked_at: float | None = None
        self._unlocked_with = ""
        # Scanners type like keyboards: one filter on the application's windows
        # (installed when this one shows), which also tells the idle watch about input.
        self.scans = ScanFilter(ctx.policy, clock_ms=ctx.scan_clock_ms, parent=self)
        self.scans.on_input = self.idle.poke
        self.scans.scanned.connect(self.on_scan)
        self.scans.overlong.connect(self.on_overlong_scan)
        if not ctx.windowed:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)

    def demo_codes(self) -> list[tuple[str, str]]:
        """The demo scanner's desk: envelopes not destroyed, blank bags, the sheet just printed.

        An opened, quarantined or superseded envelope is still on the desk until it is
        destroyed: the reset scans each one at its destruction (issue 22: the demo could
        not get past it). Printed papers are added by the panel itself.
        """
        if self.journal is None:
            return []
        state = self.journal.state
        out: list[tuple[str, str]] = []
        flow = self.flow_screen.flow
        qr = flow.info.get("qr") if flow is not None else None
        if isinstance(qr, str):
            out.append((self.tr("The sheet just printed (its QR code)"), qr))
        for env in sorted(state.envelopes.values(), key=lambda e: e.serial):
            if env.state == "blank_stock":
                out.append((self.tr("Blank bag {serial}").format(serial=env.serial), env.serial))
            elif env.state != "destroyed":
                out.append(
                    (
                        self.tr("Envelope {serial} ({account}, {state})").format(
                            serial=env.serial,
                            account=env.account,
                            state=STATE_WORDS.get(env.state, env.state),
                        ),
                        env.serial,
                    )
                )
        return out

    def _idle_warning(self, seconds: int) -> None:
        self.idle_banner.show_message(
            render("feedback.idle_warning", {"seconds": seconds}), "error"
        )

    def _refresh_if_shown(self) -> None:
        """A flow finished: the dashboard is rebuilt when it is next shown (show_dashboard).

        Rebuilding it behind the flow screen cost a long event-loop turn for nothing.
        """
        if self.stack.currentWidget() is self.dashboard:
            self.dashboard.refresh()

    @property
    def locked(self) -> bool:
        return self.journal is None

    def on_unlocked(self, journal: Journal) -> None:
        if self.stopping:  # an unlock that finished as the process was stopping
            journal.close()
            return
        self.journal = journal
        self._unlocked_at = time.monotonic()
        self._unlocked_with = self.unlock_screen.last_way
        self.session = Session.open(self.ctx, journal, self._printer())
        self.flow_screen.attach(self.session)
        journal.drafts.prune(journal.state, self.ctx.clock.now())  # ended: nothing kept
        for screen in self.screens.values():
            attach = getattr(screen, "attach", None)
            if attach is not None:
                attach(self.session)
        self.ctx.extras["procedures"] = self.session.ctx  # "deadlines last judged" (issue 19)
        self.dashboard.show_journal(journal)
        if self.flow_screen.lock_note:  # what the last lock cleared unrecorded: say so
            self.dashboard.banner.show_message(self.flow_screen.lock_note, "info")
            self.flow_screen.lock_note = None
        self.stack.setCurrentWidget(self.dashboard)
        if self.demo_panel is not None:
            self.demo_panel.refresh_codes()
        self.idle.start()
        self.alerts.start(self.session)
        if journal.state.halted:
            self.show_alarm()

    def show_alarm(self) -> None:
        """The journal holds entries that break the rules: the alarm screen, nothing else."""
        screen = self._acknowledge_screen()
        if screen is None:
            return
        screen.show_alarm()
        self.stack.setCurrentWidget(screen)

    def acknowledge_alert(self, seq: int, by: str) -> None:
        """The dashboard's *Acknowledge*: ``by`` signs with their key on the screen for it."""
        screen = self._acknowledge_screen()
        if screen is None:
            return
        screen.show_alert(seq, by)
        self.stack.setCurrentWidget(screen)

    def _acknowledge_screen(self) -> AcknowledgeScreen | None:
        if self.session is None:
            return None
        screen = self.screen_named("acknowledge")
        if not isinstance(screen, AcknowledgeScreen):
            return None
        screen.attach(self.session)
        return screen

    def _printer(self) -> Printer:
        if self.ctx.printer is None:
            self.ctx.printer = CupsPrinter.from_policy(self.ctx.policy)
        return self.ctx.printer

    def lock(self, how: str = "request") -> None:
        """Lock: close the journal and forget the session (``how``: button, idle, request …)."""
        if self.journal is not None and self._unlocked_at is not None:
            minutes = int((time.monotonic() - self._unlocked_at) // 60)
            oplog.event(
                log,
                "lock",
                f"locked ({how}) after {minutes} min, unlocked with the {self._unlocked_with}",
                how=how,
                minutes=minutes,
                unlocked_with=self._unlocked_with,
            )
            self._unlocked_at = None
        self.idle.stop()
        self.alerts.stop()
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
    def show_restore(self) -> None:
        """No journal here: the restore's steps (``ui/screens/restore.py``), then the dashboard."""
        if "restore" not in self.screens:
            screen = RestoreScreen(self.ctx, self)
            screen.printer = self._printer
            screen.closed.connect(lambda: self.stack.setCurrentWidget(self.unlock_screen))
            screen.closed.connect(self.unlock_screen.reset)
            screen.restored.connect(self.on_unlocked)
            screen.restored.connect(
                lambda _j: self.dashboard.banner.show_message(screen.outcome, "ok")
            )
            self.stack.addWidget(screen)
            self.screens["restore"] = screen
        self.stack.setCurrentWidget(self.screens["restore"])

    def show_dashboard(self) -> None:
        if self.journal is None:
            return
        if self.journal.state.halted:  # nothing but the alarm until it is acknowledged
            self.show_alarm()
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
            widget = SCREENS[name](self.ctx, self)
            closed = getattr(widget, "closed", None)
            if closed is not None:
                closed.connect(self.show_dashboard)
            lock_requested = getattr(widget, "lock_requested", None)
            if lock_requested is not None:
                lock_requested.connect(self.lock)
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
            banner.show_message(render("ui.scan_overlong", {}), "error")

    # ------------------------------------------------------- kiosk mode
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.ctx.windowed and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4):
            event.accept()
            return
        super().keyPressEvent(event)

    def in_procedure(self) -> bool:
        """Whether closing now would leave a procedure, or an approval, half-way."""
        flow = self.flow_screen.flow
        if flow is not None and not flow.done:
            return True
        if any(not f.done for f in self.flow_screen.paused.values()):
            return True
        return any(getattr(x, "busy", False) for x in self.screens.values())

    def ask_before_closing(self) -> bool:
        """Ask whoever closes the windowed terminal mid-procedure; True: close."""
        answer = QMessageBox.question(
            self,
            self.tr("Close Sealroom?"),
            self.tr(
                "A procedure is in progress. Closing locks the terminal: the steps "
                "already recorded are kept, the answers not yet recorded are lost. Close now?"
            ),
            QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Close

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.ctx.windowed:
            event.ignore()  # a kiosk is not closed from its keyboard
            return
        # The windowed demo closed at once mid-procedure (issue 22): ask first.
        if not self.stopping and self.in_procedure() and not self.confirm_close():
            event.ignore()
            return
        self.lock("window closed")
        self.release_filters()
        event.accept()

    def shut_down(self) -> None:
        """The process is stopping (SIGTERM, SIGINT, end of the event loop): lock for good.

        An unlock in progress is cancelled (and closed if it still finishes),
        the open journal is closed, workers are told to stop. Safe to call
        twice.
        """
        self.stopping = True
        self.unlock_screen.cancel()
        self.lock()
        self.release_filters()

    def showEvent(self, event: QShowEvent) -> None:
        """The key filter goes on the windows once this one exists on screen."""
        super().showEvent(event)
        self.scans.install()

    def release_filters(self) -> None:
        """Take the key filter off the application's windows (this window is going away)."""
        self.scans.uninstall()
