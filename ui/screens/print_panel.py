"""The print panel of the flow screen: the printer's state in CUPS's words, retry or stop.

A step that prints waits until CUPS reports the job completed
(:class:`ui.procedure_devices.QtPaper`); while it waits, this panel says
what the printer is doing, and after a failure it offers to print the same
document again or to stop (``decided``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.widgets import big_button


class PrintPanel(QFrame):
    """The printer's state in CUPS's words; retry or give up after a failure."""

    decided = Signal(bool)  # after a failure: True print again, False stop

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printPanel")
        v = QVBoxLayout(self)
        v.setContentsMargins(20, 12, 20, 12)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Printer status"))
        v.addWidget(self.status)
        row = QHBoxLayout()
        self.retry = big_button(
            self.tr("Print again"), self.tr("Print the document again"), self, True
        )
        self.give_up = big_button(self.tr("Stop"), self.tr("Stop printing"), self)
        self.retry.clicked.connect(lambda: self._decide(True))
        self.give_up.clicked.connect(lambda: self._decide(False))
        row.addWidget(self.retry)
        row.addWidget(self.give_up)
        row.addStretch(1)
        v.addLayout(row)

    def reset(self) -> None:
        self.status.clear()
        self._show_choice(False)
        self.hide()

    def progress(self, message: str) -> None:
        self.show()
        self._show_choice(False)
        self.status.setText(self.tr("Printer: {state}").format(state=message))

    def failed(self, message: str) -> None:
        self.show()
        self.status.setText(self.tr("Printing failed: {why}").format(why=message))
        self._show_choice(True)
        self.retry.setFocus()

    def printed(self, title: str) -> None:
        self.show()
        self.status.setText(
            self.tr("Printed: {title}. Take it from the printer.").format(title=title)
        )

    def _show_choice(self, shown: bool) -> None:
        self.retry.setVisible(shown)
        self.give_up.setVisible(shown)

    def _decide(self, again: bool) -> None:
        self._show_choice(False)
        self.decided.emit(again)
