"""The flow screen's step bar: every step in order, the current one marked; time left.

Split from :mod:`ui.screens.flow` (which re-exports it) to keep that module
readable; :func:`countdown` words a time left or late ("2 h 05 min left").
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from kiosk.procedures import Flow


def countdown(delta: dt.timedelta) -> str:
    """``2 h 05 min`` left, or ``late by 12 min``; whole minutes, calm words."""
    seconds = int(delta.total_seconds())
    late = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {minutes:02d} min"
    else:
        text = f"{minutes} min {secs:02d} s"
    return f"late by {text}" if late else f"{text} left"


class StepBar(QFrame):
    """Every step of the flow in order, the current one marked; time and deadline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepBar")
        v = QVBoxLayout(self)
        v.setContentsMargins(16, 10, 16, 10)
        self.steps = QLabel(self)
        self.steps.setObjectName("steps")
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.steps.setAccessibleName(self.tr("Steps of this procedure"))
        v.addWidget(self.steps)
        self.times = QLabel(self)
        self.times.setObjectName("times")
        # wrapped: a long "next deadline" on one line made the flow screen (and so the
        # window) wider than the screen after a retrieval (issue 22: never grow the window)
        self.times.setWordWrap(True)
        self.times.setAccessibleName(self.tr("Elapsed time and next deadline"))
        v.addWidget(self.times)

    def show_steps(self, flow: Flow) -> None:
        parts, plain = [], []
        # a branch (a failed reset, an escalation) is listed once taken, not as a step to expect
        names = [
            n
            for n, step in flow.steps.items()
            if not step.branch or n == flow.current or n in flow.history
        ]
        for i, name in enumerate(names, 1):
            title = flow.steps[name].title
            if name == flow.current:
                parts.append(
                    f"<span style='background:#0b5cad;color:#fff;padding:4px'>"
                    f"&nbsp;{i}. {title}&nbsp;</span>"
                )
                plain.append(self.tr("now: {n}. {t}").format(n=i, t=title))
            elif name in flow.history:
                parts.append(f"<span style='color:#1e7b34'>✓ {i}. {title}</span>")
                plain.append(self.tr("done: {n}. {t}").format(n=i, t=title))
            else:
                parts.append(f"<span style='color:#3b4652'>{i}. {title}</span>")
                plain.append(f"{i}. {title}")
        self.steps.setText("&nbsp;&nbsp;›&nbsp;&nbsp;".join(parts))
        self.steps.setAccessibleDescription("; ".join(plain))
