"""The demo's desk of simulated devices: plug keys in and out, touch them.

Only the demo shows it; on a real terminal keys are plugged and touched by
hand. Each row is one custodian's simulated key.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.devices import KeyDesk, SimKey


class DemoPanel(QFrame):
    #: the demo's scanner read this code (as a wedge scanner types it, then Enter)
    scanned = Signal(str)

    def __init__(self, desk: KeyDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("demoPanel")
        self.setMinimumWidth(300)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Simulated devices (demo)"))
        title.setObjectName("h2")
        layout.addWidget(title)
        self.touch_buttons: dict[str, QPushButton] = {}
        self.plug_boxes: dict[str, QCheckBox] = {}
        self.rows = layout
        for key in desk.simulated:
            layout.addWidget(self._row(key))
        # The demo's barcode scanner: what can be scanned now (envelopes in the safe,
        # blank bags, the sheet just printed), and a button that scans the one chosen.
        scanner = QLabel(self.tr("Scanner (demo)"), self)
        scanner.setObjectName("h2")
        layout.addWidget(scanner)
        #: (label, code) of what lies on the desk to scan; the window supplies it
        self.codes: Callable[[], list[tuple[str, str]]] = lambda: []
        self.to_scan = QComboBox(self)
        self.to_scan.setAccessibleName(self.tr("What to scan"))
        self.to_scan.setMinimumHeight(44)
        layout.addWidget(self.to_scan)
        line = QHBoxLayout()
        refresh = QPushButton(self.tr("Look again"), self)
        refresh.setObjectName("secondary")
        refresh.setAccessibleName(self.tr("Look again for what can be scanned"))
        refresh.clicked.connect(self.refresh_codes)
        self.scan_button = QPushButton(self.tr("Scan it"), self)
        self.scan_button.setObjectName("secondary")
        self.scan_button.setAccessibleName(self.tr("Scan the chosen code"))
        self.scan_button.clicked.connect(self._scan)
        line.addWidget(refresh)
        line.addWidget(self.scan_button)
        layout.addLayout(line)
        layout.addStretch(1)

    def _row(self, key: SimKey) -> QWidget:
        row = QWidget(self)
        h = QVBoxLayout(row)
        h.setContentsMargins(0, 8, 0, 8)
        plug = QCheckBox(self.tr("{name}'s key plugged in").format(name=key.label), row)
        plug.setAccessibleName(self.tr("Plug in {name}'s key").format(name=key.label))
        plug.setChecked(key.plugged)
        touch = QPushButton(self.tr("Touch {name}'s key").format(name=key.label), row)
        touch.setObjectName("secondary")
        touch.setAccessibleName(self.tr("Touch {name}'s key").format(name=key.label))
        # An unplugged key cannot be touched (issue 22): a press is never kept for a
        # key that is not in the terminal (the demo plugs the key asked for itself).
        touch.clicked.connect(lambda _=False, k=key: self.touch(k))
        plug.toggled.connect(lambda on, k=key: setattr(k, "plugged", on))
        line = QHBoxLayout()
        line.addWidget(touch)
        h.addWidget(plug)
        h.addLayout(line)
        self.touch_buttons[key.owner] = touch
        self.plug_boxes[key.owner] = plug
        return row

    def refresh_codes(self) -> None:
        """List what can be scanned now."""
        self.to_scan.clear()
        for label, code in self.codes():
            self.to_scan.addItem(label, code)

    def _scan(self) -> None:
        code = self.to_scan.currentData()
        if isinstance(code, str) and code:
            self.scanned.emit(code)

    @staticmethod
    def touch(key: SimKey) -> None:
        """Touch ``key``: only a key plugged into the terminal feels it."""
        if key.plugged:
            key.button.press()

    def sync(self) -> None:
        """Show the desk as it is: keys added since (a new key being enrolled), plugs."""
        for key in self.desk.simulated:
            if key.owner not in self.plug_boxes:
                self.rows.insertWidget(self.rows.count() - 1, self._row(key))
            self.plug_boxes[key.owner].setChecked(key.plugged)
