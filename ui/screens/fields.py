"""One input per ``kiosk.procedures.Field``, chosen by the field's kind hint.

Each editor turns what the person entered into the plain value the flow's
parser expects (text, ``True``/``False``, a choice, a ``{name, role}``
mapping, a list, rows of mappings) — or ``None`` when nothing was entered,
which the flow treats as "not given". Editors never validate: the flow's
parser does, and its sentence is shown under the field (:meth:`set_error`).

``rows`` fields are a small table (:class:`RowsInput`): one line of inputs
per row, "Add row" and "Remove"; a column named ``at`` is a
:class:`TimeInput`, ``outside_reason`` a tick box, and a column the parser
lists in its ``column_choices`` hint a drop-down. ``time`` fields left empty
mean "now, when this step is recorded" (the flow's own default) — the
placeholder says so and shows the time; "Now" writes the current time in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.procedures.fields import Field, field_kind, field_options
from kiosk.state import State

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


class FieldEditor(QWidget):
    """Label, input and the field's error line; ``value()`` is what is submitted."""

    def __init__(
        self,
        spec: Field,
        state: State,
        timezone: str,
        parent: QWidget | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.kind = field_kind(spec)
        self.timezone = timezone
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.setObjectName("field")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 6, 0, 6)
        box.setSpacing(6)
        label_text = spec.label + (
            "" if spec.required else QCoreApplication.translate("FieldEditor", " (if it applies)")
        )
        self.label = QLabel(label_text, self)
        self.label.setObjectName("fieldLabel")
        self.label.setWordWrap(True)
        if self.kind != "confirm":
            box.addWidget(self.label)
        else:  # the tick box carries the words; a stray label would paint over it
            self.label.hide()
        self.input: QWidget = self._build(state)
        box.addWidget(self.input)
        if spec.help:
            hint = QLabel(spec.help, self)
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            box.addWidget(hint)
        self.error = QLabel("", self)
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(
            QCoreApplication.translate("FieldEditor", "Problem with {field}").format(
                field=spec.label
            )
        )
        self.error.hide()
        box.addWidget(self.error)
        # "… is required" stayed under a field after it was filled (issue 22): any
        # change to the answer takes the field's message down; submitting checks again.
        for edit in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            edit.textChanged.connect(self._answer_changed)
        for combo in self.findChildren(QComboBox):
            combo.currentIndexChanged.connect(self._answer_changed)
        for button in self.findChildren(QAbstractButton):
            button.toggled.connect(self._answer_changed)

    # ------------------------------------------------------------ widgets
    def _line(self, placeholder: str = "", name: str | None = None) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setMinimumHeight(52)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(name or self.spec.label)
        return edit

    def _text_box(self, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setTabChangesFocus(True)  # keyboard-only use: Tab leaves the box
        edit.setMinimumHeight(110)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(self.spec.label)
        return edit

    def _buttons(self, options: tuple[tuple[str, Any], ...]) -> QWidget:
        row = QWidget(self)
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(row)
        self.group.setExclusive(True)
        self.option_buttons: dict[Any, QPushButton] = {}
        for text_, value in options:
            b = QPushButton(text_, row)
            b.setCheckable(True)
            b.setObjectName("option")
            b.setMinimumHeight(56)
            b.setMinimumWidth(120)
            b.setAccessibleName(f"{self.spec.label}: {text_}")
            self.group.addButton(b)
            self.option_buttons[value] = b
            h.addWidget(b)
        h.addStretch(1)
        return row

    def _build(self, state: State) -> QWidget:
        k = self.kind
        if k == "confirm":
            self.check = QCheckBox(self.spec.label, self)
            self.check.setAccessibleName(self.spec.label)
            self.check.setMinimumHeight(48)
            return self.check
        if k == "yesno":
            return self._buttons(
                (
                    (QCoreApplication.translate("FieldEditor", "Yes"), True),
                    (QCoreApplication.translate("FieldEditor", "No"), False),
                )
            )
        if k == "choice":
            opts = field_options(self.spec)
            if len(opts) <= 4:
                return self._buttons(tuple((o, o) for o in opts))
            self.combo = QComboBox(self)
            self.combo.setMinimumHeight(52)
            self.combo.setAccessibleName(self.spec.label)
            self.combo.addItem(QCoreApplication.translate("FieldEditor", "— choose —"), None)
            for o in opts:
                self.combo.addItem(o, o)
            return self.combo
        if k == "custodian":
            self.combo = QComboBox(self)
            self.combo.setMinimumHeight(52)
            self.combo.setAccessibleName(self.spec.label)
            self.combo.addItem(QCoreApplication.translate("FieldEditor", "— choose —"), None)
            for c in sorted(state.custodians.values(), key=lambda c: c.name):
                if not c.revoked:
                    self.combo.addItem(f"{c.name} — {c.role}", c.id)
            return self.combo
        if k == "custodians":
            box = QWidget(self)
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 0, 0, 0)
            self.checks: dict[str, QCheckBox] = {}
            for c in sorted(state.custodians.values(), key=lambda c: c.name):
                if c.revoked:
                    continue
                cb = QCheckBox(f"{c.name} — {c.role}", box)
                cb.setAccessibleName(f"{self.spec.label}: {c.name}")
                v.addWidget(cb)
                self.checks[c.id] = cb
            return box
        if k == "person":
            box = QWidget(self)
            h = QHBoxLayout(box)
            h.setContentsMargins(0, 0, 0, 0)
            self.name_edit = self._line(
                QCoreApplication.translate("FieldEditor", "Name"),
                QCoreApplication.translate("FieldEditor", "{field}: name").format(
                    field=self.spec.label
                ),
            )
            self.role_edit = self._line(
                QCoreApplication.translate("FieldEditor", "Role"),
                QCoreApplication.translate("FieldEditor", "{field}: role").format(
                    field=self.spec.label
                ),
            )
            h.addWidget(self.name_edit, 1)
            h.addWidget(self.role_edit, 1)
            return box
        if k == "time":
            self.time_input = TimeInput(self.spec.label, self.timezone, self.now, self, empty=True)
            self.edit = self.time_input.edit
            return self.time_input
        if k == "rows":
            choices = dict(getattr(self.spec.parse, "column_choices", {}) or {})
            self.table = RowsInput(
                self.spec.label, self.spec.columns, choices, self.timezone, self.now, self
            )
            return self.table
        if k == "scan":
            self.edit = self._line(
                QCoreApplication.translate("FieldEditor", "Scan it — or type it")
            )
            self.edit.setObjectName("scanField")
            return self.edit
        if k in ("longtext", "lines", "scanlist"):
            placeholder = {
                "lines": QCoreApplication.translate("FieldEditor", "One per line"),
                "scanlist": QCoreApplication.translate(
                    "FieldEditor", "Scan each bag; one serial per line"
                ),
            }.get(k, "")
            self.box = self._text_box(placeholder)
            return self.box
        self.edit = self._line()
        return self.edit

    # -------------------------------------------------------------- values
    def focus_target(self) -> QWidget:
        if self.kind in ("yesno",) or (self.kind == "choice" and hasattr(self, "group")):
            return next(iter(self.option_buttons.values()))
        if self.kind == "person":
            return self.name_edit
        if self.kind == "custodians":
            return next(iter(self.checks.values()), self.input)
        if self.kind == "time":
            return self.edit
        if self.kind == "rows":
            return self.table.focus_target()
        return self.input

    def value(self) -> Any:
        k = self.kind
        if k == "confirm":
            return True if self.check.isChecked() else None
        if k in ("yesno", "choice") and hasattr(self, "group"):
            for value, b in self.option_buttons.items():
                if b.isChecked():
                    return value
            return None
        if k in ("choice", "custodian"):
            return self.combo.currentData()
        if k == "custodians":
            ids = [cid for cid, cb in self.checks.items() if cb.isChecked()]
            return ids or None
        if k == "person":
            name, role = self.name_edit.text().strip(), self.role_edit.text().strip()
            return {"name": name, "role": role} if (name or role) else None
        if k == "time":
            return self.time_input.value()
        if k in ("lines", "scanlist"):
            items = [x.strip() for x in self.box.toPlainText().splitlines() if x.strip()]
            return items or None
        if k == "rows":
            return self.table.value()
        if k == "longtext":
            return self.box.toPlainText() or None
        return self.edit.text() or None

    def set_value(self, value: Any) -> None:
        """Fill the field (a scan, or a value carried from an earlier step)."""
        k = self.kind
        if k in ("scan", "text", "time") and hasattr(self, "edit"):
            self.edit.setText(str(value))
        elif k == "scanlist":
            current = self.box.toPlainText().rstrip("\n")
            self.box.setPlainText((current + "\n" if current else "") + str(value))
        elif hasattr(self, "box"):
            self.box.setPlainText(str(value))

    def is_empty(self) -> bool:
        return self.value() is None

    def _answer_changed(self, *_: object) -> None:
        if self.error.isVisible() or self.property("invalid"):
            self.set_error(None)

    def set_error(self, message: str | None) -> None:
        if message:
            self.error.setText(message)
            self.error.show()
            self.setProperty("invalid", True)
        else:
            self.error.clear()
            self.error.hide()
            self.setProperty("invalid", False)
        self.style().unpolish(self)
        self.style().polish(self)

    def press(self, value: Any) -> None:
        """Choose ``value`` of a yes/no or choice field (tests and keyboard shortcuts)."""
        self.option_buttons[value].click()
