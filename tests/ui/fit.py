"""Whether a screen fits its window: the checks of issue 22's "Screens that fit and stay put".

A screen fits when, at the window's size, the window did not grow, nothing
scrolls sideways, and every visible control lies inside the window — or,
inside a scroll area, within the area's width (a long form may scroll down,
never sideways).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea, QScrollBar, QWidget

from tests.ui.kiosk_driver import controls

#: the two screens the terminal must fit (issue 22)
SIZES = ((1280, 800), (1024, 768))


def _scroll_parent(x: QWidget) -> QAbstractScrollArea | None:
    p = x.parentWidget()
    while p is not None:
        if isinstance(p, QAbstractScrollArea) and p.viewport().isAncestorOf(x):
            return p
        p = p.parentWidget()
    return None


def misfits(window: QWidget, size: tuple[int, int]) -> list[str]:
    """What does not fit ``window`` at ``size`` (empty: everything fits)."""
    for _ in range(3):  # widgets just rebuilt (a dashboard refresh) get their geometry
        for w in [window, *window.findChildren(QWidget)]:
            layout = w.layout()
            if layout is not None:
                layout.activate()
        QApplication.processEvents()
    width, height = size
    found: list[str] = []
    if (window.width(), window.height()) != size:
        found.append(f"the window is {window.width()}x{window.height()}, not {width}x{height}")
    hint = window.minimumSizeHint()
    if hint.width() > width or hint.height() > height:
        found.append(f"the window needs at least {hint.width()}x{hint.height()}")
    inside = QRect(0, 0, width, height)
    for bar in window.findChildren(QScrollBar):
        if bar.isVisible() and bar.orientation().name == "Horizontal" and bar.maximum() > 0:
            found.append(f"sideways scrolling in {type(bar.parentWidget()).__name__}")
    for area in window.findChildren(QScrollArea):
        inner = area.widget()
        if area.isVisible() and inner is not None and inner.width() > area.viewport().width():
            # wider than its column with no sideways scroll bar: the right edge is cut off
            found.append(
                f"the content of {area.accessibleName() or type(area.parentWidget()).__name__} "
                f"is {inner.width()} px wide in {area.viewport().width()} px"
            )
    for x in controls(window):
        name = x.accessibleName() or x.objectName() or type(x).__name__
        area = _scroll_parent(x)
        top_left = x.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, x.size())
        if area is None:
            if not inside.contains(rect):
                found.append(f"{name} at {rect.getRect()} is outside the window")
            continue
        view = area.viewport()
        left = view.mapTo(window, QPoint(0, 0)).x()
        if rect.left() < left or rect.right() > left + view.width():
            found.append(f"{name} at {rect.getRect()} is wider than its scroll area")
    return found
