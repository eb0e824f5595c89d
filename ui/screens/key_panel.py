"""The key (approval) panel: whose key is needed now, who has approved, the PIN, try again.

Shown by every screen whose step is approved with security keys (the flow
screen, the export and custodians screens). The panel only displays: the
screen that holds it connects the session's key conversation
(:class:`ui.procedure_devices.QtSignatures`, :class:`ui.prompts.QtPrompts`)
to these methods and sends the PIN on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.errors.messages import render
from ui.widgets import Banner, big_button


def wrong_pin(attempts_left: object) -> str:
    """That the PIN was wrong, the tries left and what happens at zero (the message table's)."""
    if attempts_left == 1:
        return render("feedback.pin_wrong_last", {})
    if not isinstance(attempts_left, int):
        return render("feedback.pin_wrong_unknown", {})
    return render("feedback.pin_wrong", {"left": attempts_left})


class KeyPanel(QFrame):
    """Whose key is needed now, who has approved, the PIN, try again, cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyPanel")
        v = QVBoxLayout(self)
        v.setContentsMargins(20, 16, 20, 16)
        self.signed = QLabel("", self)
        self.signed.setObjectName("signed")
        self.signed.setWordWrap(True)
        self.signed.setAccessibleName(self.tr("Approvals so far"))
        self.signed.hide()  # shown with the first approval: empty, it was a blank line
        v.addWidget(self.signed)
        self.prompt = QLabel("", self)
        self.prompt.setObjectName("h2")
        self.prompt.setWordWrap(True)
        self.prompt.setAccessibleName(self.tr("What the key needs now"))
        v.addWidget(self.prompt)
        # Beside the PIN field, in red: that the PIN was wrong, the tries left, what
        # happens at zero (a wrong PIN used to change only a counter: issue 22).
        self.pin_error = Banner(self)
        self.pin_error.setAccessibleName(self.tr("What went wrong with the PIN"))
        v.addWidget(self.pin_error)
        #: a PIN was sent to the key and not yet answered by a touch request
        self.pin_sent = False
        row = QHBoxLayout()
        self.pin = QLineEdit(self)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("Security key PIN"))
        self.pin.setAccessibleName(self.tr("Security key PIN"))
        self.pin.setMinimumHeight(56)
        row.addWidget(self.pin, 1)
        self.pin_ok = big_button(self.tr("OK"), self.tr("Send the PIN to the key"), self)
        row.addWidget(self.pin_ok)
        v.addLayout(row)
        actions = QHBoxLayout()
        self.again = big_button(self.tr("Try again"), self.tr("Try the key again"), self, True)
        actions.addWidget(self.again)
        actions.addStretch(1)
        v.addLayout(actions)
        self.lines: list[str] = []

    def reset(self) -> None:
        self.pin_sent = False
        self.pin_error.clear_message()
        self.lines = []
        self.signed.clear()
        self.signed.hide()
        self.prompt.clear()
        self.pin.clear()
        self.show_pin(False)
        self.again.hide()
        self.hide()

    def ask(self, role: str, name: str) -> None:
        """Name whose key is needed now (dual control is visible: role and person)."""
        self.show()
        self.again.hide()
        self.pin_sent = False
        self.pin_error.clear_message()
        self.prompt.setText(
            self.tr(
                "{role} — {name}: plug in your security key and touch it when it blinks."
            ).format(role=role, name=name)
        )

    def approved(self, role: str, name: str) -> str:
        """Add ``name``'s approval to the list shown; returns the line."""
        line = self.tr("✓ {role} — {name} approved").format(role=role, name=name)
        self.lines.append(line)
        self.signed.setText("\n".join(self.lines))
        self.signed.show()
        return line

    def show_pin(self, shown: bool) -> None:
        """The PIN field and its OK button, with the focus when they appear.

        Each custodian's turn (A's first, then B's) starts with the PIN
        typed straight in: the window is made the active one too, since the
        last thing pressed may have been elsewhere (issue 22: B reached for
        the mouse to find the field).
        """
        self.pin.setVisible(shown)
        self.pin_ok.setVisible(shown)
        if shown:
            window = self.window()
            if window.isVisible() and not window.isActiveWindow():
                window.activateWindow()
            self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def take_pin(self) -> str:
        """The typed PIN, cleared from the field at once (no secret stays in a widget)."""
        pin = self.pin.text()
        self.pin.clear()
        self.pin_sent = bool(pin)
        return pin

    def pin_asked(self, attempts_left: object) -> None:
        """The key asks for a PIN: after one was sent, that PIN was wrong — say so in red."""
        if self.pin_sent:
            self.pin_error.show_message(wrong_pin(attempts_left), "error")
        self.pin_sent = False

    def pin_accepted(self) -> None:
        """The key asks for a touch: the PIN was right; a wrong-PIN message is no longer true."""
        self.pin_sent = False
        self.pin_error.clear_message()

    def who(self) -> str:
        """The person the prompt names ("Custodian A — Dana Whitfield"), for the next prompt."""
        return self.prompt.text().split(":")[0]
