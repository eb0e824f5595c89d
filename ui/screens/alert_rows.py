"""The dashboard's "Alerts not yet acknowledged" rows.

Why a module of its own: the dashboard was past its size limit, and these
rows only render the journal's open alerts — who may acknowledge each is the
core's rule (:func:`kiosk.state.sessions.acknowledgers`: an opening's alert
needs security staff from outside the incident), offered first so the
person the alert needs is the one already chosen. The words are the
dashboard's (translated in its context, ``DashboardScreen``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout

from kiosk.state.sessions import acknowledgers
from ui.widgets import big_button, body, entry_row, heading

if TYPE_CHECKING:
    from ui.screens.dashboard import DashboardScreen


def _tr(text: str) -> str:
    return QCoreApplication.translate("DashboardScreen", text)


def fill_alerts(d: DashboardScreen) -> None:
    """Rebuild the alert rows: who acknowledges, then each alert with its buttons."""
    d.alerts_box.addWidget(heading(_tr("Alerts not yet acknowledged"), None, 2))
    d.alert_buttons = {}
    d.slip_buttons = {}
    if d.journal is None:
        return
    state = d.journal.state
    alerts = state.open_alerts()
    if not alerts:
        d.alerts_box.addWidget(body(_tr("None.")))
        return
    d.ack_by = QComboBox()
    d.ack_by.setMinimumHeight(48)
    d.ack_by.setAccessibleName(_tr("Who acknowledges alerts"))
    for c in sorted(state.custodians.values(), key=lambda c: c.name):
        if not c.revoked:
            d.ack_by.addItem(c.name, c.id)
    may = acknowledgers(state, alerts[0].seq)  # the oldest alert's: security, for an opening
    if may:
        d.ack_by.setCurrentIndex(d.ack_by.findData(may[0]))
    row = QHBoxLayout()
    row.addWidget(body(_tr("Acknowledged by:")))
    row.addWidget(d.ack_by, 1)
    d.alerts_box.addLayout(row)
    for a in alerts:
        words = f"#{a.seq} {a.ts[:16].replace('T', ' ')} — {a.summary}"
        if a.slip_failed is not None:
            # The terminal's alarm is paper: say plainly that this one is not on paper.
            words += _tr(
                " — ITS SLIP DID NOT PRINT: tell the security team in person, "
                "or print the slip again"
            )
        text_ = body(words)
        text_.setStyleSheet("color:#5c0b07" + (";font-weight:700" if a.slip_failed else ""))
        # words, then the buttons below them: side by side they made the row wider
        # than the dashboard beside the demo panel at 1024x768 (issue 22)
        line = entry_row(d.alerts_box, text_)
        if a.slip_failed is not None:
            again = big_button(
                _tr("Print slip again"), _tr("Print the slip of alert {n} again").format(n=a.seq)
            )
            again.clicked.connect(lambda _=False, n=a.seq: d.reprint_slip.emit(n))
            line.addWidget(again)
            d.slip_buttons[a.seq] = again
        b = big_button(_tr("Acknowledge"), _tr("Acknowledge alert {n}").format(n=a.seq))
        b.clicked.connect(lambda _=False, n=a.seq: d._ack(n))
        line.addWidget(b)
        line.addStretch(1)
        d.alert_buttons[a.seq] = b
