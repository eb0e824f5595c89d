"""The invocation record in words, shown above "The record is complete and correct".

Issue 22: the box was ticked without the record ever being shown. The
record is the one :meth:`kiosk.procedures.InvocationFlow.record_preview`
computes — the one the step will write and print.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("RecordPreview", text)


def record_box(record: dict[str, Any], parent: QWidget) -> QLabel:
    """The invocation record in words, as it will be recorded and printed."""

    def person(p: object) -> str:
        if not isinstance(p, dict):
            return _tr("none")
        role = p.get("role")
        return f"{p.get('name', '')}, {role}" if role else str(p.get("name", ""))

    approver = record.get("approver")
    if isinstance(approver, dict):
        reached = _tr("{name} ({role}), by {channel} at {at}").format(
            name=approver.get("name", ""),
            role=approver.get("role", ""),
            channel=approver.get("channel", ""),
            at=str(approver.get("at", ""))[11:16],
        )
    else:
        reached = _tr("not reached: {n} attempts; emergency exception").format(
            n=len(record.get("approver_attempts", []))
        )
    rows = [
        (_tr("Declared by"), person(record.get("declared_by"))),
        (_tr("Second person"), person(record.get("second_person"))),
        (_tr("Witness"), person(record.get("witness"))),
        (_tr("System"), str(record.get("system", ""))),
        (_tr("Account"), str(record.get("account", ""))),
        (_tr("Reason"), str(record.get("reason", ""))),
        (_tr("Evidence"), str(record.get("evidence", ""))),
        (_tr("Emergency approver"), reached),
    ]
    text = "<br>".join(f"<b>{html.escape(k)}:</b> {html.escape(v)}" for k, v in rows)
    box = QLabel(_tr("<b>The record to be confirmed</b>") + "<br>" + text, parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setWordWrap(True)
    box.setObjectName("section")
    box.setAccessibleName(_tr("The record to be confirmed"))
    box.setAccessibleDescription("; ".join(f"{k}: {v}" for k, v in rows))
    return box
