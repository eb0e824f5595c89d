"""One input per ``kiosk.procedures.Field``, chosen by the field's kind hint.

Each editor turns what the person entered into the plain value the flow's
parser expects (text, ``True``/``False``, a choice, a ``{name, role}``
mapping, a list, rows of mappings) — or ``None`` when nothing was entered,
which the flow treats as "not given". Editors never validate: the flow's
parser does, and its sentence is shown under the field (:meth:`set_error`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
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

from kiosk.procedures.framework import Field, field_kind, field_options
from kiosk.state import State

TIME_FORMAT = "%Y-%m-%d %H:%M"
YES_WORDS = {"yes", "y", "true", "1"}


def tr(text: str) -> str:
    return QCoreApplication.translate("FieldEditor", text)


class FieldEditor(QWidget):
    """Label, input and the field's error line; ``value()`` is what is submitted."""

    def __init__(
        self, spec: Field, state: State, timezone: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.kind = field_kind(spec)
        self.timezone = timezone
        self.setObjectName("field")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 6, 0, 6)
        box.setSpacing(6)
        label_text = spec.label + ("" if spec.required else tr(" (if it applies)"))
        self.label = QLabel(label_text, self)
        self.label.setObjectName("fieldLabel")
        self.label.setWordWrap(True)
        if self.kind != "confirm":
            box.addWidget(self.label)
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
        self.error.setAccessibleName(tr("Problem with {field}").format(field=spec.label))
        self.error.hide()
        box.addWidget(self.error)

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
            return self._buttons(((tr("Yes"), True), (tr("No"), False)))
        if k == "choice":
            opts = field_options(self.spec)
            if len(opts) <= 4:
                return self._buttons(tuple((o, o) for o in opts))
            self.combo = QComboBox(self)
            self.combo.setMinimumHeight(52)
            self.combo.setAccessibleName(self.spec.label)
            self.combo.addItem(tr("— choose —"), None)
            for o in opts:
                self.combo.addItem(o, o)
            return self.combo
        if k == "custodian":
            self.combo = QComboBox(self)
            self.combo.setMinimumHeight(52)
            self.combo.setAccessibleName(self.spec.label)
            self.combo.addItem(tr("— choose —"), None)
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
            self.name_edit = self._line(tr("Name"), f"{self.spec.label}: {tr('name')}")
            self.role_edit = self._line(tr("Role"), f"{self.spec.label}: {tr('role')}")
            h.addWidget(self.name_edit, 1)
            h.addWidget(self.role_edit, 1)
            return box
        if k == "time":
            self.edit = self._line(tr("YYYY-MM-DD HH:MM — leave empty for now"))
            return self.edit
        if k == "scan":
            self.edit = self._line(tr("Scan it — or type it"))
            self.edit.setObjectName("scanField")
            return self.edit
        if k in ("longtext", "lines", "scanlist", "rows"):
            placeholder = {
                "lines": tr("One per line"),
                "scanlist": tr("Scan each bag; one serial per line"),
                "rows": tr("One per line: ") + " | ".join(self.spec.columns),
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
            return self._time(self.edit.text())
        if k in ("lines", "scanlist"):
            items = [x.strip() for x in self.box.toPlainText().splitlines() if x.strip()]
            return items or None
        if k == "rows":
            return self._rows()
        if k == "longtext":
            return self.box.toPlainText() or None
        return self.edit.text() or None

    def _time(self, raw: str) -> Any:
        raw = raw.strip()
        if not raw:
            return None
        try:
            local = dt.datetime.strptime(raw, TIME_FORMAT)
        except ValueError:
            return raw  # the flow's parser says what is wrong with it
        return local.replace(tzinfo=ZoneInfo(self.timezone))

    def _rows(self) -> Any:
        rows = []
        for line in self.box.toPlainText().splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            row: dict[str, Any] = {}
            for col, part in zip(self.spec.columns, parts, strict=False):
                if col == "at":
                    row[col] = self._time(part)
                elif col == "outside_reason":
                    row[col] = part.lower() in YES_WORDS
                elif part:
                    row[col] = part
            if "outside_reason" in self.spec.columns:
                row.setdefault("outside_reason", False)
            rows.append(row)
        return rows or None

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
