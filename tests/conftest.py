"""Fixtures shared by every suite.

Nothing here is a global the tests monkeypatch: each test gets its own
clock, data directory and journal.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.format.clock import FakeClock
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.policy import Policy, load_policy
from kiosk.terminal.lifecycle import Commissioned, commission


@pytest.fixture(autouse=True)
def _no_log_handler_left() -> Iterator[None]:
    """A test that runs ``sealroom``'s ``main`` configures the operational log: undo it after."""
    yield
    from hardware.journald import unconfigure

    unconfigure()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def terminal(data_dir: Path, policy: Policy, clock: FakeClock) -> Iterator[Commissioned]:
    """A freshly commissioned terminal (fast Argon2 parameters for speed)."""
    c = commission(
        data_dir, policy, clock, passphrase="TEST-PASS-PHRASE-0001", argon=FAST_TEST_PARAMS
    )
    yield c
    c.journal.close()
