"""Fixtures of the kiosk screen tests: one commissioned simulated terminal, copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.kiosk_driver import build_template
from ui.app import ASSETS, load_theme


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kiosk-template") / "t"
    build_template(root)
    return root


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "terminal"
    shutil.copytree(template, dest)
    return dest


@pytest.fixture
def themed() -> Iterator[None]:
    """The terminal's style sheet (big type, big buttons), taken off again afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    app.setStyleSheet(load_theme(ASSETS / "theme.qss"))
    yield
    app.setStyleSheet(before)
