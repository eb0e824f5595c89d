"""A ticked box shows a tick, enabled or not (issue 22).

Ticked boxes were a plain blue square (no mark), and greyed out while keys
were asked for they looked empty. Each box is drawn with the terminal's
theme and its indicator's pixels inspected: a tick is white strokes on the
box's colour.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot


def white_pixels(box: QCheckBox) -> int:
    image = box.grab().toImage()
    side = min(image.height(), 40)
    count = 0
    for x in range(side):
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            if c.red() > 245 and c.green() > 245 and c.blue() > 245:
                count += 1
    return count


@pytest.mark.parametrize("enabled", [True, False], ids=["enabled", "disabled"])
def test_a_ticked_box_shows_a_tick(qtbot: QtBot, themed: None, enabled: bool) -> None:
    ticked, empty = QCheckBox("The record is complete and correct"), QCheckBox("Empty")
    for box in (ticked, empty):
        qtbot.addWidget(box)
        box.setStyleSheet("QCheckBox { background: #f3f3f1; }")  # the screens' page colour
        box.setEnabled(enabled)
        box.show()
    ticked.setChecked(True)
    assert white_pixels(ticked) > 20  # white strokes on the coloured box
    if not enabled:
        assert white_pixels(empty) == 0  # a greyed empty box has none: the two differ
