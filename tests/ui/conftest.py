"""Fixtures of the kiosk screen tests: one commissioned simulated terminal, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.kiosk_driver import build_template


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
