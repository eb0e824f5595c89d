"""A theme file the terminal cannot use never stops it: plain style, a log line, no error."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

import ui.app
from ui.app import ASSETS, load_theme, make_app


@pytest.fixture
def app_style(qapp: QApplication) -> Iterator[QApplication]:
    """The shared application, its style sheet put back afterwards."""
    app = qapp
    before = app.styleSheet()
    yield app
    app.setStyleSheet(before)


@pytest.fixture
def assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the assets folder that ``make_app`` reads its theme from."""
    copy = tmp_path / "assets"
    shutil.copytree(ASSETS, copy)
    monkeypatch.setattr(ui.app, "ASSETS", copy)
    return copy


def test_a_theme_that_is_not_utf8_starts_the_terminal_plain_and_logs_why(
    assets: Path, app_style: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    (assets / "theme.qss").write_bytes(b'QWidget { font-family: "Caf\xe9"; }\n')
    with caplog.at_level(logging.WARNING, logger="sealroom.ui.start"):
        app = make_app()
    assert app is app_style
    assert app.styleSheet() == ""
    assert any(
        "theme" in r.getMessage() and "utf-8" in r.getMessage().lower() for r in caplog.records
    )


def test_a_missing_theme_starts_plain_and_a_good_one_is_applied(
    assets: Path, app_style: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    (assets / "theme.qss").unlink()
    with caplog.at_level(logging.WARNING, logger="sealroom.ui.start"):
        assert make_app().styleSheet() == ""
    assert any("no theme" in r.getMessage() for r in caplog.records)
    (assets / "theme.qss").write_text("QLabel { color: #0b1f33; }\n", encoding="utf-8")
    assert make_app().styleSheet() == "QLabel { color: #0b1f33; }\n"


def test_the_shipped_theme_loads() -> None:
    assert "QWidget" in load_theme(ASSETS / "theme.qss")
