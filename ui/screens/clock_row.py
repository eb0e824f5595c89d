"""The dashboard's clock row: shown only while the terminal's clock needs two custodians.

The journal records nothing while the clock is ahead of what it expects by
more than the policy's tolerance (:mod:`kiosk.journal.clockwatch`). This
row says so in red, with what the clock says, what was expected and what to
do, and offers **Confirm the clock**, which starts
:class:`kiosk.procedures.ClockConfirmFlow` with two custodians. When the
clock is corrected instead, the row goes at the next refresh, with nothing
recorded. What the terminal expected is in UTC, as every journal time.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.format.clock import LAST_ENTRY
from kiosk.journal.store import Journal
from ui.widgets import big_button, body


class ClockRow(QWidget):
    #: the custodians asked to confirm the clock
    confirm = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = body("", self)
        self.text.setStyleSheet("color:#b3261e;font-weight:700")
        row.addWidget(self.text, 1)
        self.button = big_button(
            self.tr("Confirm the clock"),
            self.tr("Confirm the terminal's clock, with two custodians"),
            self,
        )
        self.button.clicked.connect(self.confirm.emit)
        row.addWidget(self.button)
        self.hide()

    def show_for(self, journal: Journal) -> None:
        """Shown, with what the clock says and what was expected, only while it needs confirming."""
        jump = journal.clock_jump()
        self.setVisible(jump is not None)
        if jump is None:
            return
        if jump.against == LAST_ENTRY:
            words = self.tr(
                "The clock says {clock} UTC, well after the last entry ({expected} UTC), and "
                "the terminal cannot tell how long it was off. Nothing can be recorded until "
                "two custodians check the date and time against a watch or phone and confirm "
                "it. If it is wrong, have security correct the clock."
            )
        else:
            words = self.tr(
                "The clock was moved forward: it says {clock} UTC, but only the time up to "
                "{expected} UTC has passed. Nothing can be recorded until two custodians "
                "check the date and time against a watch or phone and confirm it. If it is "
                "wrong, have security correct the clock."
            )
        self.text.setText(
            words.format(
                clock=jump.clock[:16].replace("T", " "),
                expected=jump.expected[:16].replace("T", " "),
            )
        )
