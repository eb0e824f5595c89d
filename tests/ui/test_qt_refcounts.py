"""The Qt binding gives back every reference it takes when it calls a Python slot.

PySide6 6.12.0 took one reference from ``None`` at every slot call and never
gave it back: after enough signals (a whole test run, or a terminal left
running for days) ``None``'s count reached zero and the interpreter aborted
("Fatal Python error: none_dealloc" / "bool_dealloc", often at exit). The
project pins a release without it (pyproject.toml); this test fails on one
that has it, before a kiosk does.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QLineEdit
from pytestqt.qtbot import QtBot

CALLS = 2000


class _Emitter(QObject):
    changed = Signal(bool)
    said = Signal(str)


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_slot_calls_leave_none_true_and_false_as_they_were(qtbot: QtBot) -> None:
    box, line, emitter = QCheckBox(), QLineEdit(), _Emitter()
    qtbot.addWidget(box)
    qtbot.addWidget(line)
    seen: list[object] = []

    def slot(*args: object) -> None:
        seen.append(args[0] if args else None)
        seen.clear()

    box.toggled.connect(slot)
    line.textChanged.connect(slot)
    emitter.changed.connect(slot)
    emitter.said.connect(slot)
    before = _counts()
    for i in range(CALLS):
        box.setChecked(not box.isChecked())  # a widget's own signal, a bool
        line.setText(str(i))  # a widget's own signal, a str
        emitter.changed.emit(i % 2 == 0)  # the project's own signals
        emitter.said.emit("x")
    after = _counts()
    lost = [b - a for a, b in zip(after, before, strict=True)]
    # 4 x 2000 calls: a leak of one reference per call loses thousands; noise is a few
    assert all(n < 100 for n in lost), f"references lost (None, True, False): {lost}"
