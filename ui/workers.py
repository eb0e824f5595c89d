"""Background work for the GUI: nothing slow runs on the GUI thread.

A :class:`Runner` takes a function, runs it on a worker thread (QThreadPool),
and delivers its result or its error back on the GUI thread through Qt
signals. Each job gets a ``threading.Event`` it can poll to stop early when
the person presses Cancel.

Tests swap in :class:`InlineRunner` (like Picard's FakeThreadPool): same
interface, runs the job at once on the calling thread, so widget tests are
deterministic without sleeping.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

from kiosk.errors import CancelledError, SealroomError
from kiosk.errors.oplog import error_fields, event

Job = Callable[[threading.Event, Callable[[str], None]], Any]
Done = Callable[[Any], None]
Failed = Callable[[SealroomError], None]
Progress = Callable[[str], None]


log = logging.getLogger("sealroom.ui")


def as_user_error(exc: BaseException) -> SealroomError:
    """Every failure becomes a SealroomError with words from the one table.

    Each is logged with its cause (``error`` event: code, type, where it was
    raised), since what the person reads is all support would otherwise
    know. An unexpected exception is logged with its traceback (code lines,
    never local values) so a technician can find the defect; the person sees
    the calm internal-error message, never ``repr(e)``.
    """
    if isinstance(exc, SealroomError):
        level = logging.INFO if isinstance(exc, CancelledError) else logging.WARNING
        event(log, "error", f"{exc.code}: {exc.user_message()}", level=level, **error_fields(exc))
        return exc
    event(
        log,
        "error",
        "unexpected failure in a background job",
        level=logging.ERROR,
        exc_info=exc,
        **error_fields(exc),
    )
    return SealroomError("internal")


class Handle:
    """A running job: cancel it, or ask whether it finished."""

    def __init__(self) -> None:
        self.cancel_event = threading.Event()
        self.finished = False

    def cancel(self) -> None:
        self.cancel_event.set()


class Runner(Protocol):
    def submit(
        self,
        job: Job,
        on_done: Done,
        on_error: Failed,
        on_progress: Progress | None = None,
        *,
        owner: QObject | None = None,
    ) -> Handle: ...


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(str)


class _Task(QRunnable):
    def __init__(self, job: Job, handle: Handle, signals: _Signals) -> None:
        super().__init__()
        self.job, self.handle, self.signals = job, handle, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.job(self.handle.cancel_event, self.signals.progress.emit)
        except BaseException as exc:
            self.signals.failed.emit(as_user_error(exc))
        else:
            self.signals.done.emit(result)


def _owner_gone(callback: Callable[..., Any], owner: QObject | None) -> bool:
    """True when the job's screen (``owner``, else the callback's object) was deleted.

    A job outlives its screen when the terminal locks (or the person goes
    back) while it runs; its result must then be dropped, not written into
    widgets Qt has already deleted ("Internal C++ object already deleted").
    A closure names its screen with ``owner=``; a bound method needs nothing.
    """
    for obj in (owner, getattr(callback, "__self__", None)):
        if isinstance(obj, QObject) and not isValid(obj):
            return True
    return False


class ThreadRunner:
    """Runs jobs on a QThreadPool; results arrive on the GUI thread.

    A result or error whose callback belongs to a deleted widget is dropped
    (and the job's cancel event set), so no screen needs its own guard.
    """

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self.pool = pool or QThreadPool.globalInstance()
        self._live: set[_Signals] = set()

    def submit(
        self,
        job: Job,
        on_done: Done,
        on_error: Failed,
        on_progress: Progress | None = None,
        *,
        owner: QObject | None = None,
    ) -> Handle:
        handle = Handle()
        signals = _Signals()
        self._live.add(signals)

        def finish() -> None:
            handle.finished = True
            self._live.discard(signals)

        def done(result: object) -> None:
            finish()
            if not _owner_gone(on_done, owner):
                on_done(result)

        def failed(error: SealroomError) -> None:
            finish()
            if not _owner_gone(on_error, owner):
                on_error(error)

        def progress(message: str) -> None:
            if on_progress is None:
                return
            if _owner_gone(on_progress, owner):
                handle.cancel()  # nobody is left to show it to
            else:
                on_progress(message)

        signals.done.connect(done)
        signals.failed.connect(failed)
        signals.progress.connect(progress)
        self.pool.start(_Task(job, handle, signals))
        return handle

    def wait(self, msecs: int = 30000) -> bool:
        return bool(self.pool.waitForDone(msecs))


class InlineRunner:
    """Runs each job immediately on the caller's thread (tests only)."""

    def __init__(self) -> None:
        self.jobs = 0

    def submit(
        self,
        job: Job,
        on_done: Done,
        on_error: Failed,
        on_progress: Progress | None = None,
        *,
        owner: QObject | None = None,
    ) -> Handle:
        self.jobs += 1
        handle = Handle()
        try:
            result = job(handle.cancel_event, on_progress or (lambda _m: None))
        except BaseException as exc:
            handle.finished = True
            on_error(as_user_error(exc))
        else:
            handle.finished = True
            on_done(result)
        return handle
