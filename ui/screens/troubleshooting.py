"""Troubleshooting: one entry per problem, in plain words, searchable, devices included.

The procedure's own table (:data:`kiosk.procedures.TROUBLESHOOTING`: each
problem, its cause, what to do) comes first, each row saying in words where
on the terminal it is handled — a step's title, never the flow's internal
id ("reset_failed"). Then the terminal's devices, which the README promises
and the table lacks: printer, security keys, scanner, USB stick, the lock.
The search box keeps the entries whose words contain every word typed and
says how many match, so a custodian in an incident finds "printer" or
"PIN" without reading the whole list.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.procedures import TROUBLESHOOTING
from ui.app_context import AppContext
from ui.widgets import Banner, big_button, body, heading


@dataclass(frozen=True)
class Help:
    """One problem as the screen shows it."""

    problem: str
    cause: str
    what_to_do: str
    where: str


class TroubleshootingScreen(QWidget):
    """Every problem the terminal knows of, its cause, what to do, and where; searchable."""

    closed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(40, 24, 40, 24)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("When something goes wrong")), 1)
        back = big_button(self.tr("Back to the dashboard"), self.tr("Leave troubleshooting"), self)
        back.clicked.connect(self.closed.emit)
        top.addWidget(back)
        v.addLayout(top)
        self.search = QLineEdit(self)
        self.search.setMinimumHeight(52)
        self.search.setPlaceholderText(self.tr("Search: printer, PIN, key, scanner, stick, login…"))
        self.search.setAccessibleName(self.tr("Search the problems"))
        self.search.textChanged.connect(self.apply_filter)
        v.addWidget(self.search)
        self.banner = Banner(self)
        v.addWidget(self.banner)
        self.entries = self.procedure_entries() + self.device_entries()
        # The list is longer than the screen: it scrolls down, never sideways.
        rows = QWidget()
        rv = QVBoxLayout(rows)
        rv.setContentsMargins(0, 0, 12, 0)
        rv.setSpacing(12)
        self.rows: list[QLabel] = []
        for h in self.entries:
            label = body(
                self.tr("<b>{problem}</b><br>Why: {cause}<br>What to do: {what}<br>Where: {where}")
                .format(problem=h.problem, cause=h.cause, what=h.what_to_do, where=h.where)
                .replace("\n", "<br>"),
                rows,
            )
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setObjectName("section")
            label.setAccessibleName(h.problem)
            label.setAccessibleDescription(f"{h.cause} {h.what_to_do} {h.where}")
            rv.addWidget(label)
            self.rows.append(label)
        rv.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(rows)
        scroll.setAccessibleName(self.tr("Troubleshooting table"))
        v.addWidget(scroll, 1)
        self.apply_filter()

    def procedure_entries(self) -> list[Help]:
        """The procedure's table, with where each problem is handled said as people see it."""
        where = {
            ("invocation", "approver"): self.tr(
                "Declare an emergency, at the step “Emergency approver”: record each attempt, "
                "then “no approver reached”."
            ),
            ("invocation", "details"): self.tr(
                "Declare an emergency, at the first step “Incident details”."
            ),
            ("retrieval", "inspect"): self.tr(
                "Continue: Check out and open the envelope, at the step “Inspect the envelope”: "
                "answer that it is damaged."
            ),
            ("session", "start"): self.tr(
                "Continue: Access session log, at its first step: record that the login failed "
                "or the MFA method is unavailable."
            ),
            ("documentation", "discrepancy"): self.tr(
                "Continue: Documentation and signing, at the step about actions not documented."
            ),
            ("reset", "reset_failed"): self.tr(
                "Continue: Credential reset: answer that the reset failed; the terminal asks why "
                "and keeps the incident open."
            ),
            ("review", "escalate"): self.tr(
                "Continue: Post-incident review, at the step “Escalate”."
            ),
            ("notify_approver", "notify"): self.tr(
                "Continue: Notify the approver (on the dashboard, beside the incident)."
            ),
            ("executive_signoff", "sign_off"): self.tr(
                "Continue: Executive sign-off (on the dashboard, beside the incident)."
            ),
        }
        return [
            Help(
                t.symptom,
                t.cause,
                t.resolution,
                where.get((t.flow, t.step), self.tr("On the dashboard, beside the incident.")),
            )
            for t in TROUBLESHOOTING
        ]

    def device_entries(self) -> list[Help]:
        """The terminal's devices: what people meet at the printer, the keys, scanner, stick."""
        return [
            Help(
                self.tr("The printer does not print"),
                self.tr("It is off, out of paper, jammed, or its queue is stopped."),
                self.tr(
                    "Check power, paper and cable; clear a jam. The screen says what the printer "
                    "reported. Press “Print again” on the step: nothing is recorded until the "
                    "paper is out."
                ),
                self.tr("Any step that prints; the message is above the step's questions."),
            ),
            Help(
                self.tr("A sheet printed wrongly or half a sheet came out"),
                self.tr("A paper jam or the printer stopped mid-page."),
                self.tr(
                    "Do not keep a half-printed credential sheet: shred it at once, then print "
                    "again — a new sheet gets a new password."
                ),
                self.tr("The step that printed it."),
            ),
            Help(
                self.tr("“No security key was found”"),
                self.tr("The key is not plugged in, or not fully in."),
                self.tr(
                    "Plug the key into the terminal's front port and wait two seconds, then "
                    "press “Try again”. Only the key asked for works."
                ),
                self.tr("The lock screen, or any step that asks for keys."),
            ),
            Help(
                self.tr("The PIN is refused"),
                self.tr(
                    "A wrong PIN. Each key allows 8 tries; at zero the key is blocked for good."
                ),
                self.tr(
                    "Type the PIN again slowly; the screen says how many tries are left. With "
                    "one or two left, stop and find the written PIN. A blocked key must be "
                    "replaced: another custodian approves, and a new key is enrolled under "
                    "Custodians and keys."
                ),
                self.tr("The PIN box under “Security key”."),
            ),
            Help(
                self.tr("The key is refused as “not the key asked for”"),
                self.tr(
                    "It is another custodian's key, or the key that already approved this step "
                    "(the same person twice)."
                ),
                self.tr(
                    "Each approval needs the named custodian's own key. Hand the terminal to "
                    "that person, or choose another custodian on the step."
                ),
                self.tr("Any step that asks for two keys."),
            ),
            Help(
                self.tr("Touching the key does nothing"),
                self.tr("The key was not asked for yet, or the time to touch it ran out."),
                self.tr(
                    "Touch it only when the screen says “Touch your key now” and its light "
                    "blinks. If the time ran out, press “Try again”."
                ),
                self.tr("Any step that asks for keys."),
            ),
            Help(
                self.tr("The scanner does nothing, or the code appears as typed text"),
                self.tr("The scanner is unplugged, set to another keyboard layout, or too slow."),
                self.tr(
                    "Plug the scanner in and scan again with the code flat under the light. "
                    "If the code lands in a field as text, check it and press Enter, or type "
                    "the serial printed under the barcode."
                ),
                self.tr("Steps that ask for an envelope, bag or sheet to be scanned."),
            ),
            Help(
                self.tr("The envelope serial is refused"),
                self.tr(
                    "The code read is not a Sealroom serial (SR and 8 digits), or a typing slip."
                ),
                self.tr(
                    "Read the serial under the barcode (SR then 8 digits, e.g. SR00012347) and "
                    "type it, or scan the barcode again."
                ),
                self.tr("Steps that ask for a serial."),
            ),
            Help(
                self.tr("The USB stick is not offered for the export"),
                self.tr(
                    "It is not plugged in, is read-only, is a fixed disk, or USBGuard has not "
                    "allowed it."
                ),
                self.tr(
                    "Plug the stick in, wait five seconds and press “Look for USB sticks "
                    "again”. Use a plain FAT or exFAT stick, write-enabled. A stick the "
                    "terminal refuses says why on the screen."
                ),
                self.tr("Audit export."),
            ),
            Help(
                self.tr("The terminal locked while we were working"),
                self.tr(
                    "Nobody touched it for the idle time; a warning with a countdown comes first."
                ),
                self.tr(
                    "Unlock again: the incident and the steps already recorded are kept, and the "
                    "dashboard's Continue button goes back to the step."
                ),
                self.tr("The lock screen, then the dashboard."),
            ),
        ]

    def apply_filter(self) -> None:
        """Show the entries that contain every word typed; say how many."""
        words = self.search.text().casefold().split()
        shown = 0
        for h, label in zip(self.entries, self.rows, strict=True):
            text = f"{h.problem} {h.cause} {h.what_to_do} {h.where}".casefold()
            match = all(w in text for w in words)
            label.setVisible(match)
            shown += match
        if not words:
            self.banner.show_message(
                self.tr("{n} problems, each with what to do. Type to search.").format(
                    n=len(self.rows)
                )
            )
        elif shown:
            self.banner.show_message(
                self.tr("{k} of {n} problems match.").format(k=shown, n=len(self.rows))
            )
        else:
            self.banner.show_message(
                self.tr("No problem matches “{words}”. Try one word, e.g. printer or key.").format(
                    words=self.search.text().strip()
                ),
                "info",
            )
