"""Acknowledging alerts with a key: one alert from the dashboard, or the journal's alarm.

Two uses of one screen (an :class:`~ui.screens.approval_screen.ApprovalScreen`:
the key panel says whose key is needed):

* **An alert** (the dashboard's *Acknowledge*): the custodian chosen there
  touches their key; the acknowledgement carries their signature
  (:mod:`kiosk.terminal.acknowledge`).
* **The journal's alarm** (:meth:`AcknowledgeScreen.show_alarm`), shown at
  unlock instead of the dashboard when the journal holds entries that break
  the rules (:mod:`kiosk.state.integrity`): it names each entry (seq, kind,
  what is wrong) and what to do, and offers only the acknowledgement by two
  custodians with two keys — or locking the terminal. The way to the
  dashboard opens only once every alarm is acknowledged. Nothing is repaired
  or deleted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.state.integrity import unacknowledged
from kiosk.terminal.acknowledge import integrity_alarms
from ui.app_context import AppContext
from ui.screens.approval_screen import ApprovalScreen
from ui.terminal_session import Session
from ui.widgets import big_button, body, heading


class AcknowledgeScreen(ApprovalScreen):
    """An alert acknowledged with a key; the journal's alarm with two."""

    lock_requested = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, self.tr("Acknowledge with your key"), parent)
        self.alarm_mode = False
        self.alert_seq: int | None = None
        self.by: str | None = None
        self.title = heading("", self, 2)
        self.v.addWidget(self.title)
        self.what = body("", self)
        self.what.setObjectName("alarm")
        self.what.setAccessibleName(self.tr("What happened"))
        self.v.addWidget(self.what)
        self.todo = body("", self)
        self.todo.setAccessibleName(self.tr("What to do"))
        self.v.addWidget(self.todo)
        self.v.addWidget(self.keys)
        self.pickers = QWidget(self)
        row = QHBoxLayout(self.pickers)
        row.setContentsMargins(0, 0, 0, 0)
        self.first = self._combo(row, self.tr("First custodian"))
        self.second = self._combo(row, self.tr("Second custodian"))
        self.v.addWidget(self.pickers)
        buttons = QHBoxLayout()
        self.ack_button = big_button(
            self.tr("Acknowledge"), self.tr("Acknowledge with the key"), self, True
        )
        self.ack_button.clicked.connect(self.acknowledge)
        buttons.addWidget(self.ack_button)
        self.lock_button = big_button(
            self.tr("Lock the terminal"), self.tr("Lock the terminal"), self
        )
        self.lock_button.clicked.connect(self.lock_requested.emit)
        buttons.addWidget(self.lock_button)
        buttons.addStretch(1)
        self.v.addLayout(buttons)
        self.v.addStretch(1)

    def _combo(self, layout: QHBoxLayout, label: str) -> QComboBox:
        box = QVBoxLayout()
        box.addWidget(QLabel(label, self))
        c = QComboBox(self)
        c.setMinimumHeight(52)
        c.setAccessibleName(label)
        box.addWidget(c)
        layout.addLayout(box, 1)
        return c

    # ------------------------------------------------------------------ showing
    def attach(self, session: Session) -> None:
        super().attach(session)
        self.refresh()

    def show_alert(self, seq: int, by: str) -> None:
        """The dashboard's *Acknowledge*: alert ``seq``, by custodian ``by`` with their key."""
        self.alarm_mode, self.alert_seq, self.by = False, seq, by
        self.refresh()

    def show_alarm(self) -> None:
        """The journal's alarm: entries that break the rules; two custodians acknowledge."""
        self.alarm_mode, self.alert_seq, self.by = True, None, None
        self.refresh()

    def refresh(self) -> None:
        if self.session is None:
            return
        state = self.session.journal.state
        self.banner.clear_message()
        self.pickers.setVisible(self.alarm_mode)
        self.lock_button.setVisible(self.alarm_mode)
        self.back.setVisible(not self.alarm_mode or not state.halted)
        if self.alarm_mode:
            self._show_alarm(state)
            return
        alert = state.alerts.get(self.alert_seq) if self.alert_seq is not None else None
        person = state.custodians.get(self.by) if self.by else None
        if alert is None or person is None:
            return
        self.title.setText(self.tr("Alert {n}").format(n=alert.seq))
        self.what.setText(alert.summary)
        self.todo.setText(
            self.tr(
                "{name}: plug in your key, press Acknowledge, enter its PIN and touch it. "
                "Your signature says you saw this alert."
            ).format(name=person.name)
        )
        self.ack_button.setText(self.tr("Acknowledge with {name}'s key").format(name=person.name))
        self.ack_button.setEnabled(not alert.acknowledged)

    def _show_alarm(self, state: Any) -> None:
        halted = unacknowledged(state)
        self.title.setText(self.tr("The journal holds entries that break the rules"))
        if not halted:
            self.what.setText(self.tr("Every alarm about the journal is acknowledged."))
            self.todo.setText(self.tr("The terminal can be used again; call security."))
            self.ack_button.setEnabled(False)
            return
        lines = [
            self.tr("Entry {seq} ({kind}): {reason}.").format(
                seq=q.seq, kind=q.kind, reason=q.reason
            )
            for q in halted
        ]
        self.what.setText("\n".join(lines))
        self.todo.setText(
            self.tr(
                "The terminal is halted: the journal may have been written by someone acting "
                "alone. Do not use the terminal. Nothing was repaired or deleted: the entries "
                "stay as evidence, and an alarm slip was printed for each. Two custodians "
                "acknowledge the alarm, each with their own key; then call security and hand "
                "them the slips."
            )
        )
        self.ack_button.setText(self.tr("Acknowledge with two keys"))
        self.ack_button.setEnabled(True)
        for combo in (self.first, self.second):
            keep = combo.currentData()
            combo.clear()
            combo.addItem(self.tr("— choose —"), None)
            for c in sorted(state.custodians.values(), key=lambda c: c.name):
                if not c.revoked and "custodian" in c.duties:
                    combo.addItem(c.name, c.id)
            if keep is not None and combo.findData(keep) >= 0:
                combo.setCurrentIndex(combo.findData(keep))

    # ------------------------------------------------------------------ acting
    def acknowledge(self) -> None:
        session = self.session
        if session is None or self.busy:
            return
        ctx = session.ctx
        if self.alarm_mode:
            people = [self.first.currentData(), self.second.currentData()]
            if None in people or people[0] == people[1]:
                self.banner.show_message(
                    self.tr("Choose two different custodians: each acknowledges with their key."),
                    "error",
                )
                return
            seqs = integrity_alarms(session.journal)
        else:
            if self.alert_seq is None or self.by is None:
                return
            people, seqs = [self.by], [self.alert_seq]
        who = [str(p) for p in people]

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            return [ctx.acknowledge_alert(seq, who) for seq in seqs]

        def done(_entries: Any) -> None:
            self.refresh()
            if not session.journal.state.halted:
                self.banner.show_message(self.tr("Acknowledged and recorded."), "ok")

        self.run_approved(job, done)
