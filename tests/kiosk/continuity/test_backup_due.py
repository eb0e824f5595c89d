"""An overdue backup is a deadline: alerted by the terminal, a finding for the auditors (issue 21).

The backup facts are folded into the journal's state (``kiosk/state/backups.py``);
the ``backup`` deadline (``kiosk/state/due.py``) is raised as an overdue alert
like every other, and ``sealroom verify`` reports the same backup as
``deadline.backup`` (``kiosk/rules/backup_findings.py``). Each rule has a test
that fails without it: nothing before a medium is registered, ``every_days``
after the last backup, cleared by a backup, due at once after an incident closes.
"""

from __future__ import annotations

from pathlib import Path

from hardware.sim.export import export_simulation
from hardware.sim.scenarios import emergency
from hardware.sim.simulation import Simulation
from kiosk.format.entry import Entry
from kiosk.rules.backup_findings import BackupWatch
from kiosk.state import due
from kiosk.terminal.backups import backup_status, make_backup
from kiosk.verify.bundle import verify_bundle
from tests.kiosk.continuity.test_restore import MEDIUM, register


def backup_alerts(sim: Simulation) -> list[Entry]:
    """Check the deadlines as the terminal does each minute; the backup alerts it raised."""
    raised = sim.ctx.check_deadlines()
    return [e for e in raised if e.data.get("detail", {}).get("kind") == "backup"]


def backup_findings(sim: Simulation, out: Path) -> list[str]:
    result = verify_bundle(export_simulation(sim, out).path)
    assert result.ok, result.first_error
    return [f.message for f in result.findings if f.code == "deadline.backup"]


def test_no_medium_registered_no_backup_deadline(sim: Simulation, tmp_path: Path) -> None:
    sim.later(days=60)
    assert due.backup_deadline(sim.journal.state, sim.ctx.policy) is None
    assert backup_alerts(sim) == []
    assert backup_findings(sim, tmp_path / "stick") == []


def test_a_registered_medium_and_no_backup_for_every_days_is_alerted_and_a_finding(
    sim: Simulation, tmp_path: Path
) -> None:
    register(sim)
    registered = sim.journal.head
    every = sim.ctx.policy.backup_every_days
    assert sim.journal.entry(registered.seq).data["every_days"] == every  # type: ignore[union-attr]
    sim.later(days=every - 1)
    assert backup_alerts(sim) == []  # not due yet
    sim.later(days=2)  # every_days + 1 since the registration
    alerted = backup_alerts(sim)
    assert len(alerted) == 1 and MEDIUM in alerted[0].data["summary"]
    assert "safe" in alerted[0].data["summary"]  # a stick: people must bring it
    assert backup_alerts(sim) == []  # once
    found = backup_findings(sim, tmp_path / "stick")
    assert len(found) == 1 and "overdue" in found[0] and "never written" in found[0]


def test_a_backup_written_clears_the_deadline(sim: Simulation, tmp_path: Path) -> None:
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    register(sim)
    every = sim.ctx.policy.backup_every_days
    sim.later(days=every + 1)
    assert len(backup_alerts(sim)) == 1
    written = make_backup(sim.journal, medium, MEDIUM, "schedule", every)
    assert written is not None
    deadline = due.backup_deadline(sim.journal.state, sim.ctx.policy)
    assert deadline is not None and deadline.starts.isoformat()[:19] == written.ts[:19]
    assert deadline.status(sim.clock.now()) == "open"
    sim.later(days=every - 1)
    assert backup_alerts(sim) == []
    status = backup_status(sim.journal, every)
    assert status.last_seq == written.data["seq"] and status.reason == "schedule"
    # the late one is on record for the auditors; nothing is missing now
    found = backup_findings(sim, tmp_path / "stick")
    assert len(found) == 1 and "written late" in found[0]


def test_an_incident_closed_makes_a_backup_due_at_once(sim: Simulation, tmp_path: Path) -> None:
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    register(sim)
    make_backup(sim.journal, medium, MEDIUM, "manual", sim.ctx.policy.backup_every_days)
    incident = emergency(sim)
    reviewed = [e for e in sim.journal.entries() if e.kind == "review.completed"][-1]
    assert reviewed.data["incident"] == incident
    deadline = due.backup_deadline(sim.journal.state, sim.ctx.policy)
    assert deadline is not None and deadline.due == deadline.starts  # at once
    assert sim.journal.state.backup.trigger.seq == reviewed.seq  # type: ignore[union-attr]
    assert backup_status(sim.journal).reason == "incident"
    # the next step's deadline check (the verification after the review) alerted it already
    alerted = [
        e
        for e in sim.journal.entries(reviewed.seq + 1)
        if e.kind == "alert.raised" and e.data.get("detail", {}).get("kind") == "backup"
    ]
    assert len(alerted) == 1 and "an incident closed" in alerted[0].data["summary"]
    sim.later(minutes=1)
    assert backup_alerts(sim) == []  # once
    found = backup_findings(sim, tmp_path / "stick")
    assert len(found) == 1 and "an incident closed" in found[0]
    make_backup(sim.journal, medium, MEDIUM, "incident")
    assert backup_status(sim.journal).reason == "schedule"
    assert backup_findings(sim, tmp_path / "stick2") == []  # written: no finding left


def test_the_verifier_takes_the_recorded_interval_or_the_longest() -> None:
    w = BackupWatch()
    w.observe(2, "2026-01-01T00:00:00.000Z", "backup.medium_registered", {"medium": "M"})
    w.observe(3, "2026-02-15T00:00:00.000Z", "backup.written", {"medium": "M"})
    assert w.late == []  # nothing recorded: 90 days, the longest the policy allows
    w.observe(4, "2026-02-16T00:00:00.000Z", "backup.written", {"medium": "M", "every_days": 3})
    w.observe(5, "2026-02-20T00:00:00.000Z", "backup.written", {"medium": "M"})
    assert len(w.late) == 1 and "every 3 days" in w.late[0][1]
