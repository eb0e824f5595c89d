"""A simulated terminal per test, copied from one template built per session.

The template (custodians, accounts, bag stock, two sealed envelopes per
account) costs a few seconds of real FIDO2 approvals; each test gets its own
copy (journal, key slots, simulated keys' flash) reopened with
:func:`hardware.sim.simulation.resume`, so tests stay independent and fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.sim.simulation import Simulation, resume, setup


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sim-template") / "sim"
    sim = setup(root)
    sim.terminal.close()
    return root


@pytest.fixture
def sim(template: Path, tmp_path: Path) -> Iterator[Simulation]:
    target = tmp_path / "sim"
    shutil.copytree(template, target)
    s = resume(target)
    yield s
    s.terminal.close()
