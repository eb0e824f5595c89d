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
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QMouseEvent
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
from kiosk.procedures.lists import registered
from kiosk.state import State
from ui.screens.field_inputs import (
    CONTEXT,
    TIME_FORMAT,
    RowsInput,
    TimeInput,
    parse_local,
    tr,
)

__all__ = ["CONTEXT", "TIME_FORMAT", "FieldEditor", "RowsInput", "TimeInput", "parse_local", "tr"]


class CheckWords(QLabel):
    """A confirmation's words beside its box, wrapped; touching them ticks the box.

    A QCheckBox never wraps its text: "Both approve: generate the new password
    and print its sheets now" was wider than the form beside the demo panel at
    1024x768 and grew the window (issue 22).
    """

    def __init__(self, text: str, box: QCheckBox, parent: QWidget) -> None:
        super().__init__(text, parent)
        self.box = box
        self.setWordWrap(True)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:
        if self.box.isEnabled():
            self.box.toggle()
        super().mouseReleaseEvent(ev)


class FieldEditor(QWidget):
    """Label, input and the field's error line; ``value()`` is what is submitted.

    A field chosen from a registered list (``spec.source``) is a drop-down
    of what the terminal knows; where typed text is legitimate too
    (``spec.free``) the drop-down can be typed in. Every change of the answer
    is told to ``listeners`` (plain callables, given the
    field's name: the screen shows or hides the fields that depend on it).
    """

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
        self.listeners: list[Callable[[str], None]] = []
        self.kind = field_kind(spec)
        if spec.source and not spec.free:
            self.kind = "choice"  # a closed list: chosen, never typed
        self.timezone = timezone
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.setObjectName("field")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 6, 0, 6)
        box.setSpacing(6)
        # A field with a condition is shown only when it applies (issue 22): it
        # needs no "(if it applies)"; shown, it is required unless it says "(if any)".
        suffix = ""
        if self.kind == "yesno" and spec.applies is not None:
            suffix = ""  # a question shown because it applies: answered yes or no
        elif not spec.required:
            suffix = (
                QCoreApplication.translate("FieldEditor", " (if any)")
                if spec.applies is not None
                else QCoreApplication.translate("FieldEditor", " (if it applies)")
            )
        label_text = spec.label + suffix
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

    def _registered(self, state: State) -> QWidget:
        """A drop-down of the registered list; typed text too where the list is open."""
        self.combo = QComboBox(self)
        self.combo.setMinimumHeight(52)
        self.combo.setAccessibleName(self.spec.label)
        items = registered(self.spec.source, state)
        if self.spec.free:
            # named before its line exists, so the line is styled as the box (theme.qss)
            self.combo.setObjectName("typedChoice")
            self.combo.setEditable(True)
            self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.combo.setCompleter(None)  # type: ignore[arg-type]  # no silent completion: what is typed is kept
            for value, words in items:
                self.combo.addItem(words, value)
            self.combo.setCurrentIndex(-1)
            edit = self.combo.lineEdit()
            if edit is None:  # an editable combo box always has one
                raise RuntimeError("an editable drop-down without its line")
            edit.setPlaceholderText(
                QCoreApplication.translate("FieldEditor", "Choose from the list — or type it")
            )
            edit.setAccessibleName(self.spec.label)
            # the line is the box (no frame of its own: assets/theme.qss), a finger high
            self.combo.setMinimumHeight(60)
            edit.setMinimumHeight(56)
            edit.setTextMargins(14, 0, 0, 0)  # the words where the other boxes have them
            self.edit = edit
        else:
            self.combo.addItem(QCoreApplication.translate("FieldEditor", "— choose —"), None)
            for value, words in items:
                self.combo.addItem(words, value)
        return self.combo

    def _build(self, state: State) -> QWidget:
        if self.spec.source:
            return self._registered(state)
        k = self.kind
        if k == "confirm":
            row = QWidget(self)
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            self.check = QCheckBox(row)
            self.check.setAccessibleName(self.spec.label)
            self.check.setMinimumHeight(48)
            h.addWidget(self.check)
            h.addWidget(CheckWords(self.spec.label, self.check, row), 1)
            return row
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

    def restore(self, value: Any) -> None:
        """Put back an answer kept across a lock (the same shape :meth:`value` gave)."""
        k = self.kind
        if isinstance(value, dt.datetime) and hasattr(self, "edit"):
            self.edit.setText(value.astimezone(ZoneInfo(self.timezone)).strftime(TIME_FORMAT))
        elif k == "confirm":
            self.check.setChecked(bool(value))
        elif hasattr(self, "option_buttons") and value in self.option_buttons:
            self.option_buttons[value].setChecked(True)
            self._answer_changed()
        elif k in ("choice", "custodian") and hasattr(self, "combo"):
            self.combo.setCurrentIndex(max(self.combo.findData(value), 0))
        elif k == "custodians":
            for cid, cb in self.checks.items():
                cb.setChecked(cid in value)
        elif k == "person" and isinstance(value, dict):
            self.name_edit.setText(str(value.get("name", "")))
            self.role_edit.setText(str(value.get("role", "")))
        elif k == "rows" and isinstance(value, list):
            self.table.restore(value)
        elif k in ("lines", "scanlist") and isinstance(value, list):
            self.box.setPlainText("\n".join(map(str, value)))
        elif hasattr(self, "box"):
            self.box.setPlainText(str(value))
        elif hasattr(self, "edit"):
            self.edit.setText(str(value))

    def is_empty(self) -> bool:
        return self.value() is None

    def _answer_changed(self, *_: object) -> None:
        if self.error.isVisible() or self.property("invalid"):
            self.set_error(None)
        for listener in list(self.listeners):
            listener(self.spec.name)

    def clear(self) -> None:
        """Drop the answer (a field that stopped applying keeps nothing hidden)."""
        for edit in self.findChildren(QLineEdit):
            if not (self.kind == "time" or isinstance(edit.parent(), QComboBox)):
                edit.clear()
        for box in self.findChildren(QPlainTextEdit):
            box.clear()
        for combo in self.findChildren(QComboBox):
            combo.setCurrentIndex(-1 if combo.isEditable() else 0)
            if combo.isEditable():
                combo.setEditText("")
        if hasattr(self, "group"):
            self.group.setExclusive(False)
            for b in self.option_buttons.values():
                b.setChecked(False)
            self.group.setExclusive(True)
        for check in self.findChildren(QCheckBox):
            check.setChecked(False)
        if self.kind == "time":
            self.edit.clear()

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
