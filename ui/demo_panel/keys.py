"""The custodians' simulated keys on the demo's desk: plug them in and out, touch them.

On a real terminal keys are plugged and touched by hand. Each row is one
person's simulated key; a key enrolled during the demo gets its row on
:meth:`KeyRows.sync`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.devices import KeyDesk, SimKey


class KeyRows(QWidget):
    """One row per simulated key: "plugged in" and "Touch"."""

    def __init__(self, desk: KeyDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.v = QVBoxLayout(self)
        self.v.setContentsMargins(0, 0, 0, 0)
        self.touch_buttons: dict[str, QPushButton] = {}
        self.plug_boxes: dict[str, QCheckBox] = {}
        for key in desk.simulated:
            self.v.addWidget(self._row(key))

    def _row(self, key: SimKey) -> QWidget:
        """The key's owner, then "plugged in" and "Touch" on one line (the panel is narrow)."""
        row = QWidget(self)
        v = QVBoxLayout(row)
        v.setContentsMargins(0, 2, 0, 2)
        v.setSpacing(2)
        name = QLabel(self.tr("{name}'s key").format(name=key.label), row)
        name.setWordWrap(True)
        v.addWidget(name)
        line = QHBoxLayout()
        plug = QCheckBox(self.tr("plugged in"), row)
        plug.setAccessibleName(self.tr("Plug in {name}'s key").format(name=key.label))
        plug.setChecked(key.plugged)
        touch = QPushButton(self.tr("Touch"), row)
        touch.setObjectName("secondary")
        touch.setAccessibleName(self.tr("Touch {name}'s key").format(name=key.label))
        touch.setToolTip(touch.accessibleName())
        # An unplugged key cannot be touched (issue 22): a press is never kept for a
        # key that is not in the terminal (the demo plugs the key asked for itself).
        touch.clicked.connect(lambda _=False, k=key: self.touch(k))
        plug.toggled.connect(lambda on, k=key: setattr(k, "plugged", on))
        line.addWidget(plug)
        line.addWidget(touch, 1)
        v.addLayout(line)
        self.touch_buttons[key.owner] = touch
        self.plug_boxes[key.owner] = plug
        return row

    @staticmethod
    def touch(key: SimKey) -> None:
        """Touch ``key``: only a key plugged into the terminal feels it."""
        if key.plugged:
            key.button.press()

    def sync(self) -> None:
        """Show the desk as it is: keys added since (a new key being enrolled), plugs."""
        for key in self.desk.simulated:
            if key.owner not in self.plug_boxes:
                self.v.addWidget(self._row(key))
            self.plug_boxes[key.owner].setChecked(key.plugged)
