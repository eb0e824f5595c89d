"""The inputs of the flow screen: a table for rows, a time with "Now".

Built from the real procedure fields (``ReviewFlow``'s participants,
``DocumentationFlow``'s reconstructed actions, a session step's time), on
an empty journal projection; the value each editor hands to the flow is
what the flow's parser then accepts or refuses.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.format.clock import UTC, FakeClock
from kiosk.procedures.documentation import _actions
from kiosk.procedures.fields import Field, ProcedureError, when
from kiosk.procedures.review import CAPACITIES, _participants
from kiosk.state import State
from ui.screens.fields import FieldEditor, TimeInput

ZONE = "Europe/London"
NOW = dt.datetime(2026, 1, 5, 9, 30, tzinfo=UTC)  # 09:30 in London in January


def make(qtbot: QtBot, spec: Field) -> FieldEditor:
    clock = FakeClock(NOW)
    e = FieldEditor(spec, State(), ZONE, now=clock.now)
    qtbot.addWidget(e)
    e.show()
    return e


PARTICIPANTS = Field(
    "participants",
    "Participants",
    _participants,
    kind="rows",
    columns=("name", "role", "capacity"),
)
ACTIONS = Field(
    "actions",
    "Reconstructed actions",
    _actions,
    kind="rows",
    columns=("at", "action", "outcome", "outside_reason", "justification"),
)


def test_a_rows_field_is_a_table_with_add_and_remove(qtbot: QtBot) -> None:
    e = make(qtbot, PARTICIPANTS)
    table = e.table
    assert e.value() is None  # one empty row: nothing given
    cap = table.rows[0]["capacity"]
    assert isinstance(cap, QComboBox)  # the parser's column_choices hint
    assert [cap.itemData(i) for i in range(1, cap.count())] == list(CAPACITIES)
    for i, (name, capacity) in enumerate((("Dana", "invoker"), ("Lee", "security"))):
        if i:
            qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
        cells = table.rows[i]
        name_edit, role_edit = cells["name"], cells["role"]
        assert isinstance(name_edit, QLineEdit) and isinstance(role_edit, QLineEdit)
        qtbot.keyClicks(name_edit, name)
        qtbot.keyClicks(role_edit, "Staff")
        combo = cells["capacity"]
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(capacity))
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)  # a third row, left empty
    assert e.value() == [
        {"name": "Dana", "role": "Staff", "capacity": "invoker"},
        {"name": "Lee", "role": "Staff", "capacity": "security"},
    ]
    assert _participants(e.value())[1]["capacity"] == "security"  # the flow accepts it
    remove = table.removers[0]
    assert remove.text() == "Remove"
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert e.value() == [{"name": "Lee", "role": "Staff", "capacity": "security"}]


def test_a_row_time_starts_at_now_and_is_read_in_the_terminal_zone(qtbot: QtBot) -> None:
    e = make(qtbot, ACTIONS)
    cells = e.table.rows[0]
    at = cells["at"]
    assert isinstance(at, TimeInput)
    assert at.edit.text() == "2026-01-05 09:30"
    at.edit.clear()
    qtbot.keyClicks(at.edit, "2026-01-05 08:45")
    action, outcome = cells["action"], cells["outcome"]
    assert isinstance(action, QLineEdit) and isinstance(outcome, QLineEdit)
    qtbot.keyClicks(action, "Removed the lockout group")
    qtbot.keyClicks(outcome, "Group removed")
    outside = cells["outside_reason"]
    assert isinstance(outside, QCheckBox)
    rows = _actions(e.value())
    assert rows[0]["at"] == dt.datetime(2026, 1, 5, 8, 45, tzinfo=UTC)
    assert rows[0]["outside_reason"] is False
    qtbot.mouseClick(outside, Qt.MouseButton.LeftButton, pos=QPoint(8, outside.height() // 2))
    assert _actions(e.value())[0]["outside_reason"] is True


def test_an_optional_time_left_empty_means_now_and_now_fills_it(qtbot: QtBot) -> None:
    e = make(qtbot, Field("at", "Time", when, False))
    assert e.value() is None  # the flow records the time of the step
    assert "09:30" in e.edit.placeholderText()
    qtbot.mouseClick(e.time_input.now_button, Qt.MouseButton.LeftButton)
    assert e.edit.text() == "2026-01-05 09:30"
    assert when(e.value()) == NOW
    e.edit.clear()
    qtbot.keyClicks(e.edit, "yesterday")
    with pytest.raises(ProcedureError):
        when(e.value())  # passed on unchanged: the flow's parser says what is wrong
