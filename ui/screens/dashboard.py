"""Dashboard: what is in the safe, what is due, what needs attention.

Every figure is read from the journal's projection (``journal.state``); the
screen holds no state of its own.
"""

from __future__ import annotations

import html
from collections import Counter

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.journal.store import Journal
from kiosk.state import STATE_WORDS
from ui.context import AppContext
from ui.widgets import big_button, body, heading


class Tile(QLabel):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setObjectName("tile")
        self.setWordWrap(True)
        self.setAccessibleName(title)
        self.setMinimumSize(240, 120)

    def set_value(self, value: str, detail: str = "") -> None:
        self.setText(
            f"<div style='font-size:17px;color:#3b4652'>{html.escape(self.title)}</div>"
            f"<div style='font-size:40px;font-weight:700;color:#0b1f33'>{html.escape(value)}</div>"
            f"<div style='font-size:16px;color:#3b4652'>{html.escape(detail)}</div>"
        )
        self.setAccessibleDescription(f"{value} {detail}".strip())


class DashboardScreen(QWidget):
    lock_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.journal: Journal | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 36, 48, 36)
        outer.setSpacing(20)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Safe room — {kiosk}").format(kiosk=ctx.policy.kiosk_id)), 1)
        self.lock_button = big_button(self.tr("Lock"), self.tr("Lock the terminal"), self)
        self.lock_button.clicked.connect(self.lock_requested.emit)
        top.addWidget(self.lock_button)
        outer.addLayout(top)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.tiles = {
            "sealed": Tile(self.tr("Envelopes in the safe")),
            "rotation": Tile(self.tr("Rotation due")),
            "alerts": Tile(self.tr("Alerts to acknowledge")),
            "custodians": Tile(self.tr("Custodians")),
            "accounts": Tile(self.tr("Break-glass accounts")),
            "head": Tile(self.tr("Journal head")),
        }
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, i // 3, i % 3)
        outer.addLayout(grid)
        self.envelopes = body("")
        self.envelopes.setAccessibleName(self.tr("Envelopes by state"))
        outer.addWidget(self.envelopes)
        outer.addStretch(1)

    def show_journal(self, journal: Journal) -> None:
        self.journal = journal
        self.refresh()

    def refresh(self) -> None:
        if self.journal is None:
            return
        s = self.journal.state
        states = Counter(e.state for e in s.envelopes.values())
        due = [a for a in s.accounts.values() if a.rotation_due_since]
        self.tiles["sealed"].set_value(str(states.get("sealed", 0)))
        self.tiles["rotation"].set_value(
            str(len(due)), ", ".join(a.id for a in due) or self.tr("none")
        )
        self.tiles["alerts"].set_value(str(len(s.open_alerts())))
        self.tiles["custodians"].set_value(
            str(sum(1 for c in s.custodians.values() if not c.revoked))
        )
        self.tiles["accounts"].set_value(str(len(s.accounts)))
        self.tiles["head"].set_value(str(self.journal.head.seq), self.journal.head.hash[:16] + "…")
        lines = [f"{STATE_WORDS[k]}: {v}" for k, v in sorted(states.items())]
        self.envelopes.setText(
            self.tr("Envelopes — ")
            + ("; ".join(lines) if lines else self.tr("none registered yet"))
        )

    def forget(self) -> None:
        self.journal = None
