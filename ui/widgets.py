"""Small widgets shared by screens: big buttons, headings, message banners.

The lock screen is built from these before its first paint, when PySide6's
``Qt`` namespace does not exist yet (building its hundred Python enums is
left to the preloader, see :mod:`ui.main_window`); so the helpers here name
no ``Qt.…`` value on that path: flags go through Qt's property system by
value, and a button's pointing-hand cursor can be set later
(:func:`point_at`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QWidget

#: ``Qt::NoTextInteraction`` and ``Qt::TextSelectableByMouse``, for the
#: ``textInteractionFlags`` property (values from qnamespace.h; tests compare
#: them with the enum)
NO_TEXT_INTERACTION = 0
TEXT_SELECTABLE_BY_MOUSE = 1


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
    label.setProperty("textInteractionFlags", NO_TEXT_INTERACTION)
    return label


def big_button(
    text: str,
    name: str,
    parent: QWidget | None = None,
    primary: bool = False,
    pointer: bool = True,
) -> QPushButton:
    """A large touch target; ``pointer=False`` leaves its cursor to :func:`point_at` later."""
    button = QPushButton(text, parent)
    button.setObjectName("primary" if primary else "secondary")
    button.setAccessibleName(name)
    button.setMinimumHeight(64)
    if pointer:
        point_at(button)
    return button


def point_at(*buttons: QAbstractButton) -> None:
    """The pointing-hand cursor over these buttons (uses the ``Qt`` namespace)."""
    from PySide6.QtCore import Qt

    for button in buttons:
        button.setCursor(Qt.CursorShape.PointingHandCursor)


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
