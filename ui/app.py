"""Starting the Qt application (the real terminal and the demo).

Order matters: the translator is installed and the theme applied *before*
any window is built, because widgets translate and polish their text once,
when they are constructed. Nothing here does I/O beyond reading two small
asset files (theme, translation catalogue); everything slow happens after
the unlock screen is on screen, in workers.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ui.context import AppContext
from ui.i18n import install_translator
from ui.main_window import MainWindow

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def make_app(argv: list[str] | None = None, locale_name: str | None = None) -> QApplication:
    """The application with its name, translation (system locale by default) and theme."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("Sealroom")
    install_translator(app, locale_name)
    theme = ASSETS / "theme.qss"
    if theme.exists():
        app.setStyleSheet(theme.read_text(encoding="utf-8"))
    return app


def run(ctx: AppContext) -> int:
    app = make_app()
    window = MainWindow(ctx)
    if ctx.windowed:
        window.resize(1280, 800)
        window.show()
    else:
        window.showFullScreen()
    return int(app.exec())
