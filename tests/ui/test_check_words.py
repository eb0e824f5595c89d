"""A confirmation's words wrap beside their box, and touching the words ticks it (issue 22)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QWidget
from pytestqt.qtbot import QtBot

from ui.screens.fields import CheckWords

LONG = "Both approve: generate the new password and print its sheets now"


def test_the_words_wrap_and_touching_them_ticks_the_box(qtbot: QtBot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    box = QCheckBox(page)
    words = CheckWords(LONG, box, page)
    words.setFixedWidth(220)  # narrower than the sentence on one line
    page.show()
    assert words.wordWrap() and words.heightForWidth(220) > words.fontMetrics().height()
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton)
    assert box.isChecked()
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton)
    assert not box.isChecked()
    box.setEnabled(False)
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton)
    assert not box.isChecked()  # a box the form disabled is not ticked through its words
