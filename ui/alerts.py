"""The alerts the unlocked terminal writes on its own, and the dashboard's answers to them.

* Overdue deadlines are alerted, each with its printed slip, at unlock and
  every :data:`DEADLINE_CHECK_MS` while the terminal stays unlocked (each
  flow step checks too). Without this, a deadline passing while nobody
  submitted a step was only alerted at the next step.
* The USB bus is listed at unlock: refused devices are recorded
  (:class:`kiosk.terminal.devicewatch.DeviceWatch`) and the dashboard lists them all.
* The network interfaces are looked at when the window is built, every
  :data:`NETWORK_CHECK_MS` whether locked or not, and at unlock (the air gap,
  :class:`kiosk.terminal.airgap.AirGapWatch`): an interface that came up is an
  alert, written at once while unlocked, or at the next unlock.
* The slips of the alerts the unlock raised (a passphrase unlock, a key
  ahead of the journal, the journal's own alarm) are printed first, once the
  session's slip printer listens.
* The dashboard's "Print slip again" is written here (its "Acknowledge" needs
  a key: :mod:`ui.screens.acknowledge`).

Alerts need the journal's key, so all of this runs between
:meth:`Alerts.start` (unlock) and :meth:`Alerts.stop` (lock), each job in a
worker; results and failures appear on the dashboard.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from hardware.usb_devices import enumerate_devices
from kiosk.errors import JournalBusyError, SealroomError
from kiosk.errors.messages import render
from kiosk.errors.oplog import event
from kiosk.format.clock import format_ts
from kiosk.terminal.devicewatch import DeviceWatch
from ui.app_context import AppContext
from ui.screens.dashboard import DashboardScreen
from ui.screens.judged import judged_text
from ui.terminal_session import Session

#: How often overdue deadlines are checked (and alerted) while unlocked.
DEADLINE_CHECK_MS = 60_000
#: How often the network interfaces are looked at (the air gap), locked or not.
NETWORK_CHECK_MS = 60_000

log = logging.getLogger("sealroom.devices")


class Alerts(QObject):
    def __init__(
        self, ctx: AppContext, dashboard: DashboardScreen, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dashboard = dashboard
        self.session: Session | None = None
        self.device_watch: DeviceWatch | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(DEADLINE_CHECK_MS)
        self.timer.timeout.connect(self.raise_overdue)
        dashboard.reprint_slip.connect(self.reprint_slip)
        self.network_timer = QTimer(self)
        self.network_timer.setInterval(NETWORK_CHECK_MS)
        self.network_timer.timeout.connect(self.check_network)
        if ctx.network is not None:  # at start, then every minute
            self.network_timer.start()
            QTimer.singleShot(0, self.check_network)

    def start(self, session: Session) -> None:
        """The terminal is unlocked: print the unlock's slips, check the devices and the
        deadlines now, then each minute."""
        self.session = session
        self.check_network()
        ctx = session.ctx

        def slips(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            ctx.print_waiting_slips()
            return None

        self.ctx.runner.submit(slips, lambda _r: self.dashboard.refresh(), self._failed)
        self.check_devices()
        self.raise_overdue()
        self.timer.start()

    def stop(self) -> None:
        """The terminal locks: nothing more is written."""
        self.timer.stop()
        self.session = None

    def _failed(self, err: SealroomError) -> None:
        self.dashboard.banner.show_message(err.user_message(), "error")

    def raise_overdue(self) -> None:
        """Alert every deadline gone overdue and not alerted yet; each alert prints its slip.

        A check that finds a signature pending (the journal takes nothing else
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
            if raised and self.session is not None:
                self.dashboard.refresh()
            label = getattr(self.dashboard, "judged_label", None)
            if label is not None:  # "Deadlines last judged" follows every check
                label.setText(judged_text(ctx))

        self.ctx.runner.submit(job, done, self._failed)

    def check_network(self) -> None:
        """Look at the network interfaces; alert each that came up (now, or at the next unlock)."""
        look = self.ctx.network
        if look is None:
            return
        watch, clock, session = self.ctx.airgap, self.ctx.clock, self.session

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            watch.observe(look(), format_ts(clock.now()))
            if session is None:
                return []
            try:
                return watch.record(session.journal)
            except JournalBusyError:
                return []  # a signature is pending: the next round records it

        def done(written: object) -> None:
            if self.session is None:
                return
            if written:
                self.dashboard.refresh()
            up = watch.up
            if up:
                names = ", ".join(str(f.get("description")) for f in up)
                message = render("airgap.network_up", {"interfaces": names, "count": len(up)})
                self.dashboard.banner.show_message(message, "error")

        self.ctx.runner.submit(job, done, self._failed)

    def check_devices(self) -> None:
        """List the USB bus; refused devices are recorded (DeviceWatch) and shown."""
        if self.session is None:
            return
        journal, policy, bus = self.session.journal, self.ctx.policy, self.ctx.usb_bus
        if self.device_watch is None or self.device_watch.journal is not journal:
            self.device_watch = DeviceWatch(journal)
        watch = self.device_watch

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            verdicts = enumerate_devices(policy, bus)
            for v in verdicts:
                if v.kind != "hub":
                    _log_device(v.description, v.allowed, v.kind)
            watch.record([v.alert_fields() for v in verdicts if not v.allowed])
            return [(v.description, v.allowed) for v in verdicts]

        def done(lines: object) -> None:
            if isinstance(lines, list):
                self.dashboard.show_devices(lines)
                self.dashboard.refresh()

        self.ctx.runner.submit(
            job, done, lambda err: self.dashboard.show_devices_error(err.user_message())
        )

    def reprint_slip(self, seq: int) -> None:
        """Print again the slip of an alert whose slip did not print."""
        if self.session is None:
            return
        ctx = self.session.ctx

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> object:
            return ctx.reprint_slip(seq)

        def done(_entry: object) -> None:
            self.dashboard.refresh()
            self.dashboard.banner.show_message(
                self.tr("Alert slip {n} printed: take it to the security team.").format(n=seq)
            )

        def failed(err: SealroomError) -> None:
            self.dashboard.refresh()
            self._failed(err)

        self.ctx.runner.submit(job, done, failed)


def _log_device(description: str, allowed: bool, kind: str | None) -> None:
    """The operational log's line for one USB device on the bus."""
    if allowed:
        event(log, "device.attached", f"USB device attached: {description}", kind=kind)
    else:
        event(
            log,
            "device.refused",
            f"USB device refused (not on the allow-list): {description}",
            level=logging.WARNING,
            device=description,
        )
