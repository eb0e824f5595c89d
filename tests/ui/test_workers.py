"""The thread runner drops a result whose screen was deleted while the job ran.

Seen as a crash: the terminal locked during an export's stick search, the
export screen was deleted, and the worker's result was then written into
its deleted list ("Internal C++ object already deleted").
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import delete

from kiosk.errors import SealroomError
from ui.workers import ThreadRunner


class _Screen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel(self)
        self.results: list[object] = []

    def show_result(self, result: object) -> None:
        self.results.append(result)
        self.label.setText(str(result))  # raises if the widget is gone

    def show_error(self, error: SealroomError) -> None:
        self.label.setText(error.user_message())

    def show_progress(self, message: str) -> None:
        self.label.setText(message)


def _run_past_deletion(
    qtbot: QtBot, job_fails: bool, closure: bool = False
) -> tuple[list[object], threading.Event]:
    pool = QThreadPool()
    runner = ThreadRunner(pool)
    screen = _Screen()
    release = threading.Event()
    seen_cancel = threading.Event()
    results = screen.results

    def job(cancel: threading.Event, progress: object) -> str:
        release.wait(10)
        progress("still going")  # type: ignore[operator]
        if cancel.is_set():
            seen_cancel.set()
        if job_fails:
            raise SealroomError("internal")
        return "sticks"

    if closure:  # a closure over the screen's widgets names its screen with owner=
        label = screen.label

        def done(result: object) -> None:
            results.append(result)
            label.setText(str(result))

        handle = runner.submit(job, done, lambda _e: None, owner=screen)
    else:
        handle = runner.submit(job, screen.show_result, screen.show_error, screen.show_progress)
    delete(screen)  # the terminal locked: the screen is gone before the job ends
    release.set()
    assert runner.wait(10000)
    qtbot.waitUntil(lambda: handle.finished, timeout=5000)
    QApplication.processEvents()
    return results, seen_cancel


def test_a_result_for_a_deleted_screen_is_dropped(qtbot: QtBot) -> None:
    results, _ = _run_past_deletion(qtbot, job_fails=False)
    assert results == []


def test_a_closures_result_for_a_deleted_owner_is_dropped(qtbot: QtBot) -> None:
    results, _ = _run_past_deletion(qtbot, job_fails=False, closure=True)
    assert results == []


def test_an_error_for_a_deleted_screen_is_dropped(qtbot: QtBot) -> None:
    results, _ = _run_past_deletion(qtbot, job_fails=True)
    assert results == []


def test_a_live_screen_gets_its_result(qtbot: QtBot) -> None:
    runner = ThreadRunner(QThreadPool())
    screen = _Screen()
    handle = runner.submit(
        lambda _c, _p: "sticks", screen.show_result, screen.show_error, screen.show_progress
    )
    qtbot.waitUntil(lambda: handle.finished, timeout=5000)
    assert screen.results == ["sticks"] and screen.label.text() == "sticks"
    screen.deleteLater()
