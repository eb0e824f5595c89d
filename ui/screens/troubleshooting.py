"""The procedure's troubleshooting table: each problem, its cause, what to do, and where."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.procedures import TROUBLESHOOTING
from ui.app_context import AppContext
from ui.widgets import big_button, body, heading


class TroubleshootingScreen(QWidget):
    """The procedure's troubleshooting table: each problem, its cause, what to do, and where."""

    closed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(40, 24, 40, 24)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Troubleshooting")), 1)
        back = big_button(self.tr("Back to the dashboard"), self.tr("Leave troubleshooting"), self)
        back.clicked.connect(self.closed.emit)
        top.addWidget(back)
        v.addLayout(top)
        where = {
            "invocation": self.tr("Declare an emergency"),
            "retrieval": self.tr("Continue: Check out and open the envelope"),
            "session": self.tr("Continue: Access session log"),
            "documentation": self.tr("Continue: Documentation and signing"),
            "reset": self.tr("Continue: Credential reset"),
            "review": self.tr("Continue: Post-incident review"),
            "notify_approver": self.tr("Continue: Notify the approver"),
            "executive_signoff": self.tr("Continue: Executive sign-off"),
        }
        # The table is longer than the screen: it scrolls, the title and back button stay.
        rows = QWidget()
        rv = QVBoxLayout(rows)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(12)
        self.rows: list[QLabel] = []
        for t in TROUBLESHOOTING:
            text = self.tr(
                "{symptom}\nCause: {cause}\nWhat to do: {resolution}\nWhere: {where}"
            ).format(
                symptom=t.symptom,
                cause=t.cause,
                resolution=t.resolution,
                where=f"{where.get(t.flow, t.flow)} ({t.step})",
            )
            label = body(text, rows)
            label.setAccessibleName(t.symptom)
            rv.addWidget(label)
            self.rows.append(label)
        rv.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(rows)
        scroll.setAccessibleName(self.tr("Troubleshooting table"))
        v.addWidget(scroll, 1)
