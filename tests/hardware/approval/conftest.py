"""Fixtures: a terminal with simulated custodians (``hardware.sim.terminal``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.sim.terminal import SimulatedTerminal, make_terminal

CUSTODIANS = [
    "dana:Dana Whitfield:IT Director",
    "sam:Sam Okafor:Chief Operating Officer",
    "lee:Lee Park:Head of SRE",
]
ACCOUNTS = [{"account": "root-db", "authorised": ["dana", "sam"]}]


@pytest.fixture
def term(tmp_path: Path) -> Iterator[SimulatedTerminal]:
    """Dana and Sam (self-enrolled), Lee (enrolled by both), account root-db (Dana, Sam)."""
    t = make_terminal(tmp_path, custodians=CUSTODIANS, accounts=ACCOUNTS)
    yield t
    t.close()
