"""Starting the Qt application (the real terminal and the demo).

Order matters: the translator is installed and the theme applied *before*
any window is built, because widgets translate and polish their text once,
when they are constructed. Nothing here does I/O beyond reading two small
asset files (theme, translation catalogue); everything slow happens after
the unlock screen is on screen, in workers.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.app_context import AppContext
from ui.i18n import install_translator
from ui.main_window import MainWindow

ASSETS = Path(__file__).resolve().parent.parent / "assets"
#: ``unlock screen painted ...`` at INFO once the lock screen is on screen; a theme
#: that cannot be used, at WARNING
log = logging.getLogger("sealroom.ui.start")
#: how long a stopping kiosk waits for its workers to see their cancel
WORKER_GRACE_MS = 5000


def make_app(argv: list[str] | None = None, locale_name: str | None = None) -> QApplication:
    """The application with its name, translation (system locale by default) and theme."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("Sealroom")
    install_translator(app, locale_name)
    app.setStyleSheet(load_theme(ASSETS / "theme.qss"))
    return app


def load_theme(path: Path) -> str:
    """The style sheet in ``path``, or ``""`` (Qt's plain style) if it cannot be used.

    The theme only makes the terminal look right; it must never stop it. A
    file that is missing, unreadable or not UTF-8 (a bad copy, an editor that
    saved it in another encoding) is logged for the technicians and the
    terminal starts with Qt's own style: a custodian sees a plainer screen,
    no error and no traceback.
    """
    try:
        # The sheet names its images relative to the project ("assets/tick.svg"); Qt
        # resolves a url() against the working directory, so they are made absolute.
        text = path.read_text(encoding="utf-8")
        return text.replace("url(assets/", f"url({path.parent.as_posix()}/")
    except FileNotFoundError:
        log.warning("no theme at %s: starting with the plain style", path)
    except (OSError, UnicodeError) as exc:
        log.warning("theme %s not used (%s): starting with the plain style", path, exc)
    return ""


def _log_first_paint() -> None:
    """The start's milestone, for technicians and ``benchmarks/ui.py``: the lock screen is up."""
    log.info("unlock screen painted")


def have_display() -> bool:
    """Whether Qt can open a window here (a display, or an explicit platform plugin)."""
    return bool(
        os.environ.get("QT_QPA_PLATFORM")
        or os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
    )


def stop_on_signals(stop: Callable[[], None]) -> QTimer:
    """SIGINT and SIGTERM call ``stop`` (lock the terminal, end the event loop).

    Python runs a signal handler only between bytecodes, on the main
    thread; a short idle timer gives it that chance while Qt's loop waits in
    C++, so ``stop`` runs on the GUI thread like any slot. (``app.quit()``
    is not enough: in Qt 6 it asks every window to close, and the kiosk
    window refuses — which is why only SIGKILL used to stop the kiosk.)
    """
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Deferred to the event loop: the handler may interrupt a slot half-way.
        signal.signal(sig, lambda *_: QTimer.singleShot(0, stop))
    timer = QTimer()
    timer.start(250)
    timer.timeout.connect(lambda: None)
    return timer


def run(ctx: AppContext) -> int:
    """The kiosk until it is stopped; 0 when stopped by SIGTERM/SIGINT, locked and closed.

    On the way out, whatever the reason, the window locks (the open journal
    is closed: SQLite checkpoints its WAL and the journal lock is released),
    workers get a few seconds to see their cancel, and a result they post
    after the loop ended (an unlock finishing late) is delivered and closed
    at once rather than left open.
    """
    app = make_app()
    window = MainWindow(ctx)

    def stop() -> None:
        window.shut_down()
        app.exit(0)

    heartbeat = stop_on_signals(stop)
    window.unlock_screen.painted.connect(_log_first_paint)
    if ctx.windowed:
        window.resize(1280, 800)
        window.show()
    else:
        window.showFullScreen()
    try:
        return int(app.exec())
    finally:
        heartbeat.stop()
        window.shut_down()
        wait = getattr(ctx.runner, "wait", None)
        if wait is not None:
            wait(WORKER_GRACE_MS)
        app.processEvents()
