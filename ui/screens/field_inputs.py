"""The inputs a field editor is built from: a local time with "Now", a small table of rows.

Split from :mod:`ui.screens.fields` (which re-exports them) to keep each
module readable. ``time`` fields left empty mean "now, when this step is
recorded" (the flow's own default) — the placeholder says so and shows the
time; "Now" writes the current time in. ``rows`` fields are a small table
(:class:`RowsInput`): one line of inputs per row, "Add row" and "Remove"; a
column named ``at`` is a :class:`TimeInput`, ``outside_reason`` a tick box,
and a column the parser lists in its ``column_choices`` hint a drop-down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

TIME_FORMAT = "%Y-%m-%d %H:%M"


#: the one translation context of this module's strings. pyside6-lupdate only
#: extracts literal ``QCoreApplication.translate("FieldEditor", "...")`` calls
#: (a helper ``tr(text)`` outside a class is extracted under an empty context
#: that never matches at run time), so every string below is written that way,
#: and words chosen at run time are marked with ``QT_TRANSLATE_NOOP``.
CONTEXT = "FieldEditor"


def tr(text: str) -> str:
    """Translate ``text`` already extracted under :data:`CONTEXT` (run-time choices only)."""
    return QCoreApplication.translate(CONTEXT, text)


def parse_local(raw: str, timezone: str) -> Any:
    """``YYYY-MM-DD HH:MM`` in the terminal's zone as an aware time; else the raw text.

    Anything unreadable is passed on unchanged so the flow's parser says
    what is wrong with it (editors never validate).
    """
    raw = raw.strip()
    if not raw:
        return None
    try:
        local = dt.datetime.strptime(raw, TIME_FORMAT)
    except ValueError:
        return raw
    return local.replace(tzinfo=ZoneInfo(timezone))


class TimeInput(QWidget):
    """A local time typed as ``YYYY-MM-DD HH:MM`` with a "Now" button.

    ``empty=True`` (an optional time field): left empty it means "now, when
    the step is recorded", and the placeholder shows that time, refreshed
    every few seconds. Otherwise (a row's time) it starts filled with now.
    """

    def __init__(
        self,
        label: str,
        timezone: str,
        now: Callable[[], dt.datetime],
        parent: QWidget | None = None,
        empty: bool = False,
    ) -> None:
        super().__init__(parent)
        self.timezone, self.now = timezone, now
        h = QHBoxLayout(self)
        h.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setMinimumHeight(52)
        self.edit.setMinimumWidth(
            self.edit.fontMetrics().horizontalAdvance("2026-12-31 23:59") + 24
        )
        self.edit.setAccessibleName(label)
        h.addWidget(self.edit, 1)
        self.now_button = QPushButton(QCoreApplication.translate("FieldEditor", "Now"), self)
        self.now_button.setObjectName("option")
        self.now_button.setMinimumHeight(52)
        self.now_button.setAccessibleName(
            QCoreApplication.translate("FieldEditor", "{field}: set to now").format(field=label)
        )
        self.now_button.clicked.connect(self.set_now)
        h.addWidget(self.now_button)
        if empty:
            self._hint()
            self.timer = QTimer(self)
            self.timer.setInterval(5000)
            self.timer.timeout.connect(self._hint)
            self.timer.start()
        else:
            self.set_now()

    def local_now(self) -> str:
        return self.now().astimezone(ZoneInfo(self.timezone)).strftime(TIME_FORMAT)

    def _hint(self) -> None:
        self.edit.setPlaceholderText(
            QCoreApplication.translate(
                "FieldEditor", "Now ({time}) if left empty — or type YYYY-MM-DD HH:MM"
            ).format(time=self.local_now())
        )

    def set_now(self) -> None:
        self.edit.setText(self.local_now())

    def value(self) -> Any:
        return parse_local(self.edit.text(), self.timezone)


class RowsInput(QWidget):
    """A small table for a ``rows`` field: one line of inputs per row, Add and Remove.

    Rows left entirely empty are ignored; ``value()`` is a list of mappings
    keyed by the field's columns (``None`` when there is no row at all).
    """

    WORDS: ClassVar[dict[str, str]] = {
        "at": str(QT_TRANSLATE_NOOP("FieldEditor", "Time")),
        "action": str(QT_TRANSLATE_NOOP("FieldEditor", "Action")),
        "outcome": str(QT_TRANSLATE_NOOP("FieldEditor", "Outcome")),
        "outside_reason": str(QT_TRANSLATE_NOOP("FieldEditor", "Outside the stated reason")),
        "justification": str(QT_TRANSLATE_NOOP("FieldEditor", "Justification")),
        "name": str(QT_TRANSLATE_NOOP("FieldEditor", "Name")),
        "role": str(QT_TRANSLATE_NOOP("FieldEditor", "Role")),
        "capacity": str(QT_TRANSLATE_NOOP("FieldEditor", "Capacity")),
    }

    def __init__(
        self,
        label: str,
        columns: tuple[str, ...],
        choices: dict[str, tuple[str, ...]],
        timezone: str,
        now: Callable[[], dt.datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.label, self.columns, self.choices = label, columns, choices
        self.timezone, self.now = timezone, now
        self.v = QVBoxLayout(self)
        self.v.setContentsMargins(0, 0, 0, 0)
        self.rows: list[dict[str, QWidget]] = []
        self._lines: list[QWidget] = []
        self.removers: list[QPushButton] = []  # each row's Remove button, in row order
        self.add_button = QPushButton(QCoreApplication.translate("FieldEditor", "Add row"), self)
        self.add_button.setObjectName("option")
        self.add_button.setMinimumHeight(52)
        self.add_button.setAccessibleName(
            QCoreApplication.translate("FieldEditor", "{field}: add a row").format(field=label)
        )
        self.add_button.clicked.connect(self.add_row)
        self.v.addWidget(self.add_button)
        self.add_row()

    def word(self, column: str) -> str:
        return tr(self.WORDS.get(column, column.replace("_", " ").capitalize()))

    def add_row(self) -> dict[str, QWidget]:
        line = QWidget(self)
        h = QHBoxLayout(line)
        h.setContentsMargins(0, 0, 0, 0)
        n = len(self.rows) + 1
        cells: dict[str, QWidget] = {}
        for col in self.columns:
            name = f"{self.label}, row {n}: {self.word(col)}"
            cell: QWidget
            if col == "at":
                cell = TimeInput(name, self.timezone, self.now, line)
            elif col == "outside_reason":
                cell = QCheckBox(self.word(col), line)
                cell.setAccessibleName(name)
            elif col in self.choices:
                combo = QComboBox(line)
                combo.setMinimumHeight(52)
                combo.addItem(
                    QCoreApplication.translate("FieldEditor", "— {what} —").format(
                        what=self.word(col)
                    ),
                    None,
                )
                for o in self.choices[col]:
                    combo.addItem(o, o)
                combo.setAccessibleName(name)
                cell = combo
            else:
                edit = QLineEdit(line)
                edit.setMinimumHeight(52)
                edit.setPlaceholderText(self.word(col))
                edit.setAccessibleName(name)
                cell = edit
            h.addWidget(cell, 2 if col in ("action", "outcome", "justification") else 1)
            cells[col] = cell
        remove = QPushButton(QCoreApplication.translate("FieldEditor", "Remove"), line)
        remove.setMinimumHeight(52)
        remove.setAccessibleName(
            QCoreApplication.translate("FieldEditor", "{field}: remove row {n}").format(
                field=self.label, n=n
            )
        )
        remove.clicked.connect(lambda _=False, w=line: self.remove_row(w))
        h.addWidget(remove)
        self.v.insertWidget(self.v.count() - 1, line)
        self.rows.append(cells)
        self._lines.append(line)
        self.removers.append(remove)
        typed = [c for k, c in cells.items() if k != "at"]
        if len(self.rows) > 1 and typed:
            self.cell_focus(typed[0]).setFocus()  # the time is prefilled: start with the words
        return cells

    def remove_row(self, line: QWidget) -> None:
        i = self._lines.index(line)
        del self._lines[i], self.rows[i], self.removers[i]
        line.deleteLater()
        if not self.rows:
            self.add_row()

    @staticmethod
    def cell_focus(cell: QWidget) -> QWidget:
        return cell.edit if isinstance(cell, TimeInput) else cell

    def focus_target(self) -> QWidget:
        cells = self.rows[0] if self.rows else {}
        skip = [c for k, c in cells.items() if k != "at"]
        return self.cell_focus(skip[0]) if skip else self.add_button

    def restore(self, rows: list[Any]) -> None:
        """Put back rows kept across a lock (the shape :meth:`value` gave)."""
        for i, row in enumerate(r for r in rows if isinstance(r, dict)):
            cells = self.rows[i] if i < len(self.rows) else self.add_row()
            for col, v in row.items():
                cell = cells.get(col)
                if isinstance(cell, TimeInput) and isinstance(v, dt.datetime):
                    cell.edit.setText(v.astimezone(ZoneInfo(self.timezone)).strftime(TIME_FORMAT))
                elif isinstance(cell, QCheckBox):
                    cell.setChecked(bool(v))
                elif isinstance(cell, QComboBox):
                    cell.setCurrentIndex(max(cell.findData(v), 0))
                elif isinstance(cell, QLineEdit):
                    cell.setText(str(v))

    def value(self) -> Any:
        out = []
        for cells in self.rows:
            row: dict[str, Any] = {}
            for col, cell in cells.items():
                if isinstance(cell, TimeInput):
                    v = cell.value()
                elif isinstance(cell, QCheckBox):
                    v = cell.isChecked()
                elif isinstance(cell, QComboBox):
                    v = cell.currentData()
                elif isinstance(cell, QLineEdit):
                    v = cell.text().strip() or None
                else:
                    v = None
                if v is not None:
                    row[col] = v
            typed = {k: x for k, x in row.items() if k != "at" and x is not False}
            if typed:
                out.append(row)
        return out or None
