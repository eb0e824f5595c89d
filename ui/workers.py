"""Background work for the GUI: nothing slow runs on the GUI thread.

A :class:`Runner` takes a function, runs it on a worker thread (QThreadPool),
and delivers its result or its error back on the GUI thread through Qt
signals. Each job gets a ``threading.Event`` it can poll to stop early when
the person presses Cancel.

Tests swap in :class:`InlineRunner` (like Picard's FakeThreadPool): same
interface, runs the job at once on the calling thread, so widget tests are
deterministic without sleeping.

:class:`Preloader` is the cold-start half of the same rule: the modules the
unlock screen does not need (python-fido2, reportlab, the procedures, the
holidays calendar) are imported on a background thread once that screen has
painted, one module at a time with a short pause between them, because an
import holds the GIL (and the module's import lock) while it runs. The GUI
thread never imports a module the preloader is still importing: it waits for
the preloader (:meth:`Preloader.wait`) first, so the two threads never
contend for the import locks of one package.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from kiosk.errors import SealroomError

Job = Callable[[threading.Event, Callable[[str], None]], Any]
Done = Callable[[Any], None]
Failed = Callable[[SealroomError], None]
Progress = Callable[[str], None]


log = logging.getLogger("sealroom.ui")


def as_user_error(exc: BaseException) -> SealroomError:
    """Every failure becomes a SealroomError with words from the one table.

    An unexpected exception is logged (type and traceback: code lines, never
    local values) so a technician can find the defect; the person sees the
    calm internal-error message, never ``repr(e)``.
    """
    if isinstance(exc, SealroomError):
        return exc
    log.error("unexpected failure in a background job", exc_info=exc)
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
        self, job: Job, on_done: Done, on_error: Failed, on_progress: Progress | None = None
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


class ThreadRunner:
    """Runs jobs on a QThreadPool; results arrive on the GUI thread."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self.pool = pool or QThreadPool.globalInstance()
        self._live: set[_Signals] = set()

    def submit(
        self, job: Job, on_done: Done, on_error: Failed, on_progress: Progress | None = None
    ) -> Handle:
        handle = Handle()
        signals = _Signals()
        self._live.add(signals)

        def finish() -> None:
            handle.finished = True
            self._live.discard(signals)

        def done(result: object) -> None:
            finish()
            on_done(result)

        def failed(error: SealroomError) -> None:
            finish()
            on_error(error)

        signals.done.connect(done)
        signals.failed.connect(failed)
        if on_progress is not None:
            signals.progress.connect(on_progress)
        self.pool.start(_Task(job, handle, signals))
        return handle

    def wait(self, msecs: int = 30000) -> bool:
        return bool(self.pool.waitForDone(msecs))


class InlineRunner:
    """Runs each job immediately on the caller's thread (tests only)."""

    def __init__(self) -> None:
        self.jobs = 0

    def submit(
        self, job: Job, on_done: Done, on_error: Failed, on_progress: Progress | None = None
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


def build_qt_namespace() -> None:
    """Build PySide6's ``Qt`` namespace now, on this thread: ~45 ms of Python.

    PySide6 builds a class's Python type, with every enum in it as a Python
    enum, the first time the class is used; ``Qt`` has a hundred enums
    (``Qt.Key`` alone has ~450 members). Nothing painted before the lock
    screen needs it (:mod:`ui.main_window`), so the preloader builds it
    first, behind the painted screen; the window installs its key filter,
    the first code on the GUI thread that needs it, once
    :attr:`Preloader.qt_ready` says it exists, so the two threads never
    build it at once.
    """
    from PySide6 import QtCore

    QtCore.Qt.Key.Key_Return  # noqa: B018 - builds the namespace and its enums


class Preloader(QObject):
    """Imports modules on a daemon thread; ``loaded`` arrives on the GUI thread when done.

    Its first step builds the ``Qt`` namespace (:func:`build_qt_namespace`)
    and says so with ``qt_ready``.

    Why a plain thread and not a :class:`Runner`: this is not work a person
    waits for or cancels, tests must not see it as a job, and imports are
    idempotent — a module that failed to preload is simply imported (and
    its error raised) by the code that needs it. Each module is followed by
    ``pause`` seconds of sleep so the GUI thread gets the GIL between
    imports; inside one import Python's switch interval still applies.
    """

    loaded = Signal()
    #: the ``Qt`` namespace exists (the first step): from here on the GUI thread may
    #: use ``Qt.…`` without building it (build_qt_namespace)
    qt_ready = Signal()

    def __init__(
        self,
        modules: Sequence[str],
        after: Callable[[], None] | None = None,
        pause: float = 0.003,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.modules = list(modules)
        self.after = after
        self.pause = pause
        self.failed: list[str] = []
        self.seconds = 0.0
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="sealroom-preload", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            build_qt_namespace()
            with contextlib.suppress(RuntimeError):  # the window went away meanwhile
                self.qt_ready.emit()
            for name in self.modules:
                try:
                    importlib.import_module(name)
                except Exception:  # the real import raises it where it matters
                    self.failed.append(name)
                time.sleep(self.pause)
            if self.after is not None:
                try:
                    self.after()
                except Exception:  # a warm cache is a nicety, never required
                    self.failed.append("after")
        finally:
            self.seconds = time.perf_counter() - started
            self._done.set()
            with contextlib.suppress(RuntimeError):  # the window went away meanwhile
                self.loaded.emit()

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until the preload finished (or was never started); the GUI thread's guard."""
        if self._thread is None:
            return True
        return self._done.wait(timeout)
