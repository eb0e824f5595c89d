"""The auditor's stick and the auditor, on the demo's desk.

Why: a demo walked to the end exports the journal onto a stick and hands
it to an auditor, who runs ``sealroom verify`` on it with the terminal's
public key. The stick is :class:`hardware.sim.desk.DemoStick` (listed by the
export screen while plugged in); the auditor runs the real verifier in its
own process (:func:`hardware.sim.desk.audit`) and shows its verdict.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hardware.sim.desk import DemoDesk
from kiosk.errors.messages import render
from ui.widgets import Banner
from ui.workers import Runner


class AuditorBox(QWidget):
    """Plug the auditor's stick in or out; the auditor verifies the newest bundle on it."""

    def __init__(self, desk: DemoDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.runner = runner
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        stick = QLabel(self.tr("Auditor's USB stick (demo)"), self)
        stick.setObjectName("h2")
        stick.setWordWrap(True)
        v.addWidget(stick)
        self.stick_box = QCheckBox(self.tr("Stick plugged in"), self)
        self.stick_box.setAccessibleName(self.tr("Plug in the auditor's USB stick"))
        self.stick_box.toggled.connect(self._plug)
        v.addWidget(self.stick_box)
        auditor = QLabel(self.tr("Auditor (demo)"), self)
        auditor.setObjectName("h2")
        auditor.setWordWrap(True)
        v.addWidget(auditor)
        self.audit_button = QPushButton(self.tr("Verify the bundle"), self)
        self.audit_button.setObjectName("secondary")
        self.audit_button.setAccessibleName(
            self.tr("The auditor runs sealroom verify on the bundle on the stick")
        )
        self.audit_button.clicked.connect(self.audit)
        v.addWidget(self.audit_button)
        self.verdict = Banner(self)
        v.addWidget(self.verdict)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.setAccessibleName(self.tr("The verifier's report"))
        self.report.setMinimumHeight(160)
        self.report.hide()
        v.addWidget(self.report)
        #: (exit code, report) of the last verification (tests, diagnostics)
        self.last: tuple[int, str] | None = None
        self.busy = False

    def _plug(self, on: bool) -> None:
        self.desk.stick.plugged = on
        self.verdict.show_message(
            render("demo.stick_plugged" if on else "demo.stick_unplugged", {}), "info"
        )

    def audit(self) -> None:
        """Run ``sealroom verify`` on the newest bundle on the stick, with the kiosk key."""
        bundles = self.desk.stick.bundles()
        if not bundles:
            self.verdict.show_message(render("demo.no_bundle", {}), "error")
            return
        self.busy = True
        self.audit_button.setEnabled(False)
        self.verdict.show_message(render("demo.auditing", {"bundle": bundles[-1].name}), "info")
        desk = self.desk

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            return desk.audit_latest()

        self.runner.submit(job, self._done, self._failed)

    def _done(self, result: Any) -> None:
        code, report = result
        self.last = (code, report)
        self.busy = False
        self.audit_button.setEnabled(True)
        if code == 0:
            self.verdict.show_message(render("demo.verified", {}), "ok")
        else:
            self.verdict.show_message(render("demo.not_verified", {"code": code}), "error")
        self.report.setPlainText(report)
        self.report.show()
        self._into_view()

    def _into_view(self) -> None:
        """Scroll the panel to the verdict: it arrives below the panel's fold."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(self.verdict)

    def _failed(self, error: Any) -> None:
        self.busy = False
        self.audit_button.setEnabled(True)
        message = getattr(error, "user_message", None)
        self.verdict.show_message(message() if callable(message) else str(error), "error")
