"""Starting the Qt application (the real terminal and the demo)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ui.context import AppContext
from ui.main_window import MainWindow

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("Sealroom")
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
