"""The dashboard's "Backup" line (issue 21): last backup, deadline (red when overdue), what to do.

A simulated terminal with two custodians registers a medium (dual) and
writes a real sealed backup (``kiosk/terminal/backups.py``); the dashboard
is shown on it at 1280x800.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hardware.sim.terminal import SimulatedTerminal, make_terminal
from kiosk.format.clock import FakeClock
from kiosk.terminal.backups import make_backup, start_medium_registration
from tests.ui.kiosk_driver import ScanClock
from ui.app_context import AppContext
from ui.screens.dashboard import DashboardScreen
from ui.workers import InlineRunner

MEDIUM = "SEALROOM-BACKUP"


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimulatedTerminal]:
    t = make_terminal(tmp_path, clock=FakeClock())
    yield t
    t.close()


def _dashboard(qtbot: QtBot, t: SimulatedTerminal) -> DashboardScreen:
    ctx = AppContext(t.policy, t.data_dir, t.clock, InlineRunner(), scan_clock_ms=ScanClock())  # type: ignore[arg-type]
    d = DashboardScreen(ctx)
    qtbot.addWidget(d)
    d.resize(1280, 800)
    d.show()
    d.show_journal(t.journal)
    return d


def _register(t: SimulatedTerminal) -> None:
    approval = start_medium_registration(t.journal, t.policy, t.security_keys, MEDIUM, "Safe A")
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    approval.commit()


def test_no_backup_yet_is_said_in_red_with_what_to_do(qtbot: QtBot, sim: SimulatedTerminal) -> None:
    d = _dashboard(qtbot, sim)
    text = d.backup_label.text()
    assert "no backup yet" in text and "OVERDUE" in text
    assert "No backup medium is registered" in text and "press Backups and register" in text
    assert d.backup_label.property("overdue") is True
    assert "b3261e" in d.backup_label.styleSheet()
    assert d.backup_label.isVisible()


def test_last_backup_and_deadline_then_overdue_after_every_days(
    qtbot: QtBot, sim: SimulatedTerminal, tmp_path: Path
) -> None:
    medium = tmp_path / "stick"
    medium.mkdir()
    _register(sim)
    written = make_backup(sim.journal, medium, MEDIUM, "manual")
    assert written is not None
    d = _dashboard(qtbot, sim)
    text = d.backup_label.text()
    assert (
        "last written" in text
        and f"to {MEDIUM}, holding entries 1 to {written.data['seq']}." in text
    )
    every = sim.policy.backup_every_days
    assert "Next due by" in text and f"every {every} days" in text
    assert f"take the medium {MEDIUM} from the safe, plug it in and press Backups" in text
    assert d.backup_label.property("overdue") is False
    assert d.backup_label.styleSheet() == ""
    assert isinstance(sim.clock, FakeClock)
    sim.clock.advance(days=every, minutes=1)
    d.refresh()
    assert "OVERDUE since" in d.backup_label.text()
    assert d.backup_label.property("overdue") is True
    assert "b3261e" in d.backup_label.styleSheet()


def test_a_second_disk_is_written_by_the_terminal_and_its_failure_said(
    qtbot: QtBot, sim: SimulatedTerminal, tmp_path: Path
) -> None:
    """With ``[backup] path`` nobody fetches a stick: the line says the terminal writes it, and
    when its last try failed, when and why (the ``backup.failed`` entry's words)."""
    import dataclasses

    from kiosk.terminal.backup_duty import BackupDuty

    disk = tmp_path / "second-disk"  # not mounted: the automatic write fails
    sim.policy = dataclasses.replace(sim.policy, backup_path=str(disk))
    _register(sim)
    assert isinstance(sim.clock, FakeClock)
    sim.clock.advance(days=sim.policy.backup_every_days, minutes=1)  # the first one is due
    failed = BackupDuty(sim.journal, sim.policy).run_if_due()
    assert failed is not None and failed.kind == "backup.failed"
    d = _dashboard(qtbot, sim)
    text = d.backup_label.text()
    assert f"The terminal writes each backup itself to {disk}" in text, text
    assert "The last try failed at" in text and f"(entry {failed.seq})" in text, text
    assert str(failed.data["words"]) in text
    assert "from the safe" not in text
