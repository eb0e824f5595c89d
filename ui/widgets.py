"""Small widgets shared by screens: big buttons, headings, message banners."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def heading(text: str, parent: QWidget | None = None, level: int = 1) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("h1" if level == 1 else "h2")
    label.setWordWrap(True)
    label.setAccessibleName(text)
    return label


def body(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setObjectName("body")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def big_button(
    text: str, name: str, parent: QWidget | None = None, primary: bool = False
) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName("primary" if primary else "secondary")
    button.setAccessibleName(name)
    button.setMinimumHeight(64)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class Banner(QLabel):
    """A calm message strip: info, success or error, with the next step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("banner")
        self.setAccessibleName("Message")
        self.hide()

    def show_message(self, text: str, tone: str = "info") -> None:
        self.setProperty("tone", tone)
        self.setText(text)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


def entry_row(box: QVBoxLayout, label: QWidget) -> QHBoxLayout:
    """An entry of a section: its words on one line, its buttons on the line below.

    Words and buttons side by side made a row as wide as both, which pushed
    the dashboard sideways past the screen (issue 22).
    """
    entry = QVBoxLayout()
    entry.setSpacing(6)
    entry.addWidget(label)
    buttons = QHBoxLayout()
    buttons.setSpacing(8)
    entry.addLayout(buttons)
    box.addLayout(entry)
    return buttons
