"""A simulated terminal with an enrolled auditor, copied per test from one session template."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.sim.export import AUDITOR
from hardware.sim.simulation import Simulation, resume, save, setup


@pytest.fixture(scope="session")
def continuity_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("continuity-template") / "sim"
    sim = setup(root)
    sim.later(minutes=5)
    sim.terminal.enrol(AUDITOR)
    save(sim)
    sim.terminal.close()
    return root


@pytest.fixture
def sim_dir(continuity_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "sim"
    shutil.copytree(continuity_template, target)
    return target


@pytest.fixture
def sim(sim_dir: Path) -> Iterator[Simulation]:
    s = resume(sim_dir)
    yield s
    s.terminal.close()
