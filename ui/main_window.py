"""The window: a stack of screens, the lock, and kiosk behaviour.

It only switches screens and owns the open journal between unlock and lock;
procedures live in ``kiosk`` and screens render them.

Cold start invariants (measured by ``benchmarks/ui.py``, guarded by
``tests/ui/test_responsiveness.py``):

* importing this module and building the window imports only Qt, the unlock
  screen and the light ``kiosk`` basics — no python-fido2, reportlab,
  procedures, journal, holidays or ``hardware`` module (:data:`HEAVY`);
  ``sealroom run`` loads the policy without its calendar check, which
  :meth:`MainWindow._warm_caches` runs on the preloader's thread (a failure
  keeps the terminal locked, with the reason on screen);
* nor, in a window (``--windowed``, the demo), PySide6's ``Qt`` namespace:
  its hundred Python enums take ~45 ms to build, so code that runs before
  the first paint writes such values through Qt's property system or by
  layout, and the preloader builds the namespace first, on its thread
  (:func:`ui.workers.build_qt_namespace`). The key filter on the windows
  (:class:`ui.scanning.ScanFilter`) is installed when that is done, at the
  latest at unlock; on the lock screen it has nothing to do;
* the window is a plain top-level ``QWidget``: a ``QMainWindow`` (menus,
  docks, a status bar: none used here) also starts an animation timer of a
  class PySide6 does not wrap, and PySide6 builds the type of every
  ``QObject`` subclass (~170 enums, ~60 ms) the first time Python code is
  handed such an object;
* once the unlock screen has painted, :meth:`MainWindow.warm_up` imports
  those and the other screens' modules (:data:`SCREENS`) on a background
  thread (:class:`ui.workers.Preloader`, module by module), then builds and
  polishes the flow screen and the dashboard on the GUI thread, one piece
  per event-loop turn;
* :attr:`MainWindow.dashboard` and :attr:`MainWindow.flow_screen` are built
  on first use if someone gets there first (a fast unlock, a test): the GUI
  thread then waits for the preloader instead of importing beside it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QWidget

from kiosk.errors import JournalBusyError, SealroomError
from ui.context import AppContext
from ui.demo_panel import DemoPanel
from ui.scanning import ScanFilter
from ui.screens.unlock import UnlockScreen
from ui.workers import Preloader

if TYPE_CHECKING:
    from kiosk.journal.store import Journal
    from kiosk.printing import Printer
    from kiosk.procedures import Flow
    from ui.screens.dashboard import DashboardScreen
    from ui.screens.flow import FlowScreen
    from ui.session import Session

#: Modules the unlock screen does not need, imported after its first paint on the
#: preloader's thread (Qt-free).
HEAVY = (
    "kiosk.journal.store",
    "kiosk.terminal",
    "hardware.fido.authenticator",
    "kiosk.procedures",
    "kiosk.procedures.checkin",
    "kiosk.procedures.reset",
    "kiosk.deadlines",
    "kiosk.scan",
    "hardware.printing.render",
    "hardware.usb_devices",
    "hardware.printing.cups",
    "kiosk.devicewatch",
)
#: The remaining screens' modules: they define Qt classes but create no Qt object
#: when imported, so the preloader's thread may import them too (after HEAVY).
SCREENS = (
    "ui.procedure_devices",
    "ui.session",
    "ui.screens.fields",
    "ui.screens.flow",
    "ui.screens.dashboard",
)


class IdleWatch(QObject):
    """Locks the terminal after the policy's idle time without input.

    It is not an event filter of its own: the key filter on the windows
    (:class:`ui.scanning.ScanFilter`) already sees every input event and
    calls :meth:`poke`.
    """

    def __init__(
        self, seconds: int, on_idle: Callable[[], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(seconds * 1000)
        self.timer.timeout.connect(on_idle)

    def poke(self) -> None:
        """Input arrived: the idle time starts again (only while unlocked)."""
        if self.timer.isActive():
            self.timer.start()


#: How often overdue deadlines are checked (and alerted) while unlocked.
DEADLINE_CHECK_MS = 60_000


class MainWindow(QWidget):
    #: the warm-up is over (:attr:`warmed`)
    warm_done = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.journal: Journal | None = None
        self.setWindowTitle(self.tr("Sealroom — {kiosk}").format(kiosk=ctx.policy.kiosk_id))
        self.stack = QStackedWidget(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.stack, 1)
        self.demo_panel: DemoPanel | None = None
        if ctx.keys.simulated:
            self.demo_panel = DemoPanel(ctx.keys, self)
            row.addWidget(self.demo_panel)
        self.session: Session | None = None
        self.unlock_screen = UnlockScreen(ctx, self)
        self.stack.addWidget(self.unlock_screen)
        # The other screens are built after the unlock screen painted (warm_up), or on
        # first use; they share the flows left half-way (FlowScreen.paused).
        self._dashboard: DashboardScreen | None = None
        self._flow_screen: FlowScreen | None = None
        self._paused: dict[str, Any] = {}
        self._warm = False  # see warmed
        self._flow_rendered = False  # see _build_next
        self._dashboard_rendered = False
        self.preloader = Preloader(HEAVY + SCREENS, after=self._warm_caches, parent=self)
        self.preloader.loaded.connect(self._policy_ok)  # a failed check shows at once
        self.preloader.loaded.connect(self._build_next)
        self.screens: dict[str, QWidget] = {}
        self.unlock_screen.unlocked.connect(self.on_unlocked)
        self.unlock_screen.painted.connect(self.warm_up)
        self.device_watch: object | None = None
        self.idle = IdleWatch(ctx.policy.idle_lock_seconds, self.lock, self)
        self.deadline_timer = QTimer(self)
        self.deadline_timer.setInterval(DEADLINE_CHECK_MS)
        self.deadline_timer.timeout.connect(self.raise_overdue)
        # Scanners type like keyboards: one filter on the application's windows,
        # which also tells the idle watch about input.
        self.scans = ScanFilter(ctx.policy, clock_ms=ctx.scan_clock_ms, parent=self)
        self.scans.on_input = self.idle.poke
        self.scans.scanned.connect(self.on_scan)
        self.scans.overlong.connect(self.on_overlong_scan)
        # Installed once the preloader built the Qt namespace the filter's key
        # handling uses (module docstring); at the latest when someone unlocks.
        self.preloader.qt_ready.connect(self._qt_ready)
        self._released = False  # see release_filters
        if not ctx.windowed:
            from PySide6.QtCore import Qt  # a kiosk's window flags are set before it shows

            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)

    # ------------------------------------------------- building the rest
    def warm_up(self) -> None:
        """After the unlock screen's first paint: load the rest behind it (module docstring).

        The preloader starts at the next event-loop turn, once this paint has
        reached the screen, so its imports never compete with that first frame.
        """
        QTimer.singleShot(0, self, self.preloader.start)

    def _warm_caches(self) -> None:
        """On the preloader's thread: the policy's calendar check, then business days.

        ``sealroom run`` loads the policy without its calendar check (importing
        the holidays package would double the time to the first paint); it
        runs here, and :meth:`on_unlocked` refuses to unlock until it passed.
        """
        from kiosk.deadlines import is_business_day
        from kiosk.policy import check_calendar

        policy = self.ctx.policy
        try:
            check_calendar(policy)  # imports holidays here; the GUI thread reads the verdict
        except SealroomError:
            return  # nothing to warm: _policy_ok refuses to unlock
        today = self.ctx.clock.now().date()
        for day in (today, today.replace(month=12, day=31) + dt.timedelta(days=1)):
            is_business_day(day, policy.calendar_country, policy.calendar_subdivision)

    def _build_next(self) -> None:
        """One piece of the remaining window per event-loop turn, so no turn is long.

        Each screen is also polished here (style sheet applied to it and its
        children), which Qt would otherwise do when it is first shown — in
        the turn where the person pressed a button.
        """
        from PySide6.QtCore import Qt

        if self._flow_screen is None:
            self.flow_screen  # noqa: B018 - builds it
        elif not self._flow_screen.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            self._flow_screen.ensurePolished()
        elif not self._flow_rendered:
            # Render it once off screen at the stack's size: its layout, fonts and
            # glyph caches are then ready before the first "Declare" shows it.
            self._flow_rendered = True
            self._flow_screen.resize(self.stack.size())
            self._flow_screen.grab()
        elif self._dashboard is None:
            self.dashboard  # noqa: B018 - builds it
        elif not self._dashboard.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            self._dashboard.ensurePolished()
        elif not self._dashboard_rendered:
            # Likewise: its frame (tiles, action buttons, sections) is laid out
            # before the unlock shows it; only what the journal fills in is new then.
            self._dashboard_rendered = True
            self._dashboard.resize(self.stack.size())
            self._dashboard.grab()
        else:
            self._warm = True
            self.warm_done.emit()
            return
        QTimer.singleShot(0, self, self._build_next)  # dropped if the window goes away

    def _refresh_if_shown(self) -> None:
        """A flow finished: the dashboard is rebuilt when it is next shown (show_dashboard).

        Rebuilding it behind the flow screen cost a long event-loop turn for nothing.
        """
        if self._dashboard is not None and self.stack.currentWidget() is self._dashboard:
            self._dashboard.refresh()

    @property
    def warmed(self) -> bool:
        """The warm-up is over: modules preloaded, flow screen and dashboard built and polished."""
        return self._warm

    def _import_screens(self) -> None:
        self.preloader.start()
        self.preloader.wait()  # never import beside the preloader (ui.workers)
        import importlib

        for name in SCREENS:
            importlib.import_module(name)

    @property
    def flow_screen(self) -> FlowScreen:
        """The one screen of every procedure step (built on first use)."""
        if self._flow_screen is None:
            self._import_screens()
            from ui.screens.flow import FlowScreen

            screen = FlowScreen(self.ctx, self)
            screen.paused = self._paused
            self.stack.addWidget(screen)
            screen.closed.connect(self.show_dashboard)
            screen.finished.connect(lambda _f: self._refresh_if_shown())
            self._flow_screen = screen
        return self._flow_screen

    @property
    def dashboard(self) -> DashboardScreen:
        """The dashboard (built on first use)."""
        if self._dashboard is None:
            self._import_screens()
            from ui.screens.dashboard import DashboardScreen

            screen = DashboardScreen(self.ctx, self)
            screen.paused = self._paused
            self.stack.addWidget(screen)
            screen.lock_requested.connect(self.lock)
            screen.start_flow.connect(self.start_flow)
            screen.open_screen.connect(self.open_screen)
            screen.acknowledge.connect(self.acknowledge_alert)
            screen.reprint_slip.connect(self.reprint_slip)
            self._dashboard = screen
        return self._dashboard

    @property
    def locked(self) -> bool:
        return self.journal is None

    def _policy_ok(self) -> bool:
        """The policy's deferred calendar check; a failure locks the unlock screen for good.

        Cached by ``kiosk.policy``: after the preloader ran it, this costs nothing.
        """
        from kiosk.policy import check_calendar

        try:
            check_calendar(self.ctx.policy)
        except SealroomError as exc:
            self.unlock_screen.refuse(exc)
            return False
        return True

    def on_unlocked(self, journal: Journal) -> None:
        if not self._policy_ok():
            journal.close()
            return
        self.journal = journal
        flow_screen = self.flow_screen  # built now if the warm-up has not yet
        self.scans.install()  # the preloader is done (flow_screen waited for it)
        from ui.session import Session

        self.session = Session.open(self.ctx, journal, self._printer())
        flow_screen.attach(self.session)
        for screen in self.screens.values():
            attach = getattr(screen, "attach", None)
            if attach is not None:
                attach(self.session)
        self.dashboard.show_journal(journal)
        if self.flow_screen.lock_note:  # what the last lock cleared unrecorded: say so
            self.dashboard.banner.show_message(self.flow_screen.lock_note, "info")
            self.flow_screen.lock_note = None
        self.stack.setCurrentWidget(self.dashboard)
        self.idle.timer.start()
        self.check_devices()
        self.raise_overdue()
        self.deadline_timer.start()

    def _printer(self) -> Printer:
        if self.ctx.printer is None:
            from hardware.printing.cups import CupsPrinter

            self.ctx.printer = CupsPrinter.from_policy(self.ctx.policy)
        return self.ctx.printer

    def lock(self) -> None:
        self.idle.timer.stop()
        self.deadline_timer.stop()
        if self._flow_screen is not None:
            self._flow_screen.detach()
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
        if self._dashboard is not None:
            self._dashboard.forget()
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

    def raise_overdue(self) -> None:
        """Alert, in a worker, every deadline gone overdue and not alerted yet.

        Alerts need the journal's key, so they are written only while the
        terminal is unlocked: at each unlock, then every
        :data:`DEADLINE_CHECK_MS` while it stays so (each flow step checks
        too). Without this, a deadline passing while nobody submitted a step
        was only alerted at the next step. Each alert prints its slip. A
        check that finds a signature pending (the journal takes nothing else
        meanwhile) waits for the next round.
        """
        session = self.session
        if session is None:
            return
        ctx = session.ctx

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            try:
                return ctx.check_deadlines()
            except JournalBusyError:
                return []

        def done(raised: object) -> None:
            if raised and self.journal is not None:
                self.dashboard.refresh()

        def failed(err: SealroomError) -> None:
            self.dashboard.banner.show_message(err.user_message(), "error")

        self.ctx.runner.submit(job, done, failed)

    def reprint_slip(self, seq: int) -> None:
        """Print again, in a worker, the slip of an alert whose slip did not print."""
        session = self.session
        if session is None:
            return
        ctx = session.ctx

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            return ctx.reprint_slip(seq)

        def done(_entry: object) -> None:
            self.dashboard.refresh()
            self.dashboard.banner.show_message(
                self.tr("Alert slip {n} printed: take it to the security team.").format(n=seq)
            )

        def failed(err: SealroomError) -> None:
            self.dashboard.refresh()
            self.dashboard.banner.show_message(err.user_message(), "error")

        self.ctx.runner.submit(job, done, failed)

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
        if self.ctx.windowed:
            super().keyPressEvent(event)
            return
        from PySide6.QtCore import Qt  # built before the paint in kiosk mode (__init__)

        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4):
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

    def _qt_ready(self) -> None:
        """The preloader built the ``Qt`` namespace: key filter on, lock screen cursors set.

        Not once the window has gone away: a filter installed after that would
        watch the application's other windows and hold their keys.
        """
        if self._released:
            return
        self.scans.install()
        self.unlock_screen.point_at_buttons()

    def release_filters(self) -> None:
        """Take the key filter off the application's windows (this window is going away)."""
        self._released = True
        self.scans.uninstall()
