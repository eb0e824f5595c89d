"""Fixtures of the kiosk screen tests: one commissioned simulated terminal, copied per test."""

from __future__ import annotations

import gc
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


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """Collect each test's garbage here, on the GUI thread, before the next test starts.

    Why: a closed test window often sits in a reference cycle (slots bound
    to its widgets). Left to the garbage collector, the cycle is freed
    wherever the next allocation triggers a collection — in a later test's
    worker thread, say — and freeing Qt widgets off the GUI thread crashed
    the interpreter (seen once: a segfault under a key-unlock worker).
    """
    yield
    gc.collect()
