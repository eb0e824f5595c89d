"""Backups written by the terminal itself where the medium is always mounted (issue 21).

With the policy's ``[backup] path`` (a second disk), :class:`kiosk.terminal.backup_duty.BackupDuty`
writes the sealed backup right after the step that made it due: an incident's
review, an enrolment or a revocation, and when ``every_days`` passed. A write
that fails is journaled (``backup.failed``) and leaves the deadline due (the
overdue alert says the terminal could not write it), and is tried again an
hour later. With a stick kept in the safe the terminal writes nothing itself.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hardware.sim.scenarios import emergency
from hardware.sim.simulation import Simulation
from hardware.sim.terminal import TEST_PASSPHRASE
from kiosk.format.entry import Entry
from kiosk.journal.backup import newest_backup
from kiosk.terminal.backup_duty import BackupDuty
from tests.kiosk.continuity.test_backup_due import backup_alerts
from tests.kiosk.continuity.test_restore import MEDIUM, register


def on_disk(sim: Simulation, path: Path) -> None:
    """The terminal's policy names an always-mounted medium at ``path``."""
    policy = dataclasses.replace(sim.ctx.policy, backup_path=str(path))
    sim.ctx.policy = policy
    sim.ctx.backup_duty = BackupDuty(sim.journal, policy)


def kinds_after(sim: Simulation, seq: int, kind: str) -> list[Entry]:
    return [e for e in sim.journal.entries(seq + 1) if e.kind == kind]


def test_written_right_after_an_incident_closes(sim: Simulation, tmp_path: Path) -> None:
    disk = tmp_path / "backup-disk"
    disk.mkdir()
    on_disk(sim, disk)
    register(sim)
    assert sim.ctx.backup_if_due() is None  # registered just now: nothing due yet
    emergency(sim)
    reviewed = [e for e in sim.journal.entries() if e.kind == "review.completed"][-1]
    written = kinds_after(sim, reviewed.seq, "backup.written")
    assert written and written[0].data["reason"] == "incident"
    assert written[0].seq == reviewed.seq + 1  # right after the step, before anything else
    assert written[0].data["every_days"] == sim.ctx.policy.backup_every_days
    assert newest_backup(disk).seq == reviewed.seq
    assert not [
        e for e in sim.journal.entries() if e.data.get("detail", {}).get("kind") == "backup"
    ]


def test_written_after_an_enrolment_and_when_every_days_pass(
    sim: Simulation, tmp_path: Path
) -> None:
    disk = tmp_path / "backup-disk"
    disk.mkdir()
    on_disk(sim, disk)
    register(sim)
    sim.terminal.enrol("noor:Noor Haddad:custodian")
    enrolled = sim.journal.head.seq
    duty = sim.ctx.backup_duty
    assert duty is not None
    with duty._writing:  # another worker is writing it: this one gives way
        assert sim.ctx.backup_if_due() is None
    written = sim.ctx.backup_if_due()  # what the custodians screen's job calls after the commit
    assert written is not None and written.kind == "backup.written"
    assert written.data["reason"] == "enrolment" and written.data["seq"] == enrolled
    assert sim.ctx.backup_if_due() is None  # nothing due any more
    sim.later(days=sim.ctx.policy.backup_every_days, minutes=1)
    assert backup_alerts(sim) == []  # the minute's check wrote it before judging
    last = kinds_after(sim, written.seq, "backup.written")
    assert len(last) == 1 and last[0].data["reason"] == "schedule"


def test_a_failed_write_is_journaled_stays_due_and_is_tried_again(
    sim: Simulation, tmp_path: Path
) -> None:
    disk = tmp_path / "backup-disk"  # not mounted yet
    on_disk(sim, disk)
    register(sim)
    sim.later(days=sim.ctx.policy.backup_every_days, minutes=1)
    alerted = backup_alerts(sim)
    failed = kinds_after(sim, 1, "backup.failed")
    assert len(failed) == 1 and failed[0].data["error"] == "backup.path_missing"
    assert str(disk) in failed[0].data["words"] and failed[0].data["reason"] == "schedule"
    assert TEST_PASSPHRASE not in failed[0].data["words"]
    assert len(alerted) == 1 and "could not write it" in alerted[0].data["summary"]
    assert sim.journal.state.backup.failed is not None
    sim.later(minutes=30)
    assert sim.ctx.backup_if_due() is None  # not every minute: each try is an entry
    disk.mkdir()
    sim.later(minutes=31)
    written = sim.ctx.backup_if_due()
    assert written is not None and written.kind == "backup.written"
    assert sim.journal.state.backup.failed is None and sim.journal.state.backup.trigger is None


def test_a_stick_in_the_safe_is_never_written_by_the_terminal(
    sim: Simulation, tmp_path: Path
) -> None:
    register(sim)
    sim.later(days=sim.ctx.policy.backup_every_days + 1)
    assert sim.ctx.backup_duty is not None and sim.ctx.backup_duty.owed(sim.clock.now())
    assert sim.ctx.backup_if_due() is None
    alerted = backup_alerts(sim)
    assert len(alerted) == 1 and "from the safe" in alerted[0].data["summary"]
    assert MEDIUM in alerted[0].data["summary"]
    assert not kinds_after(sim, 1, "backup.written") and not kinds_after(sim, 1, "backup.failed")


def test_the_policy_names_the_always_mounted_path() -> None:
    import pytest

    from kiosk.errors import PolicyError
    from kiosk.policy import load_policy
    from kiosk.policy.load import parse_policy

    text = Path(str(load_policy().source)).read_text("utf-8")
    assert load_policy().backup_path is None  # the default: a stick in the safe
    policy = parse_policy((text + '\n[backup]\npath = "/srv/sealroom-backup"\n').encode(), "p")
    assert policy.backup_path == "/srv/sealroom-backup"
    for bad in ("backup", "/srv/../etc"):
        with pytest.raises(PolicyError) as exc:
            parse_policy((text + f'\n[backup]\npath = "{bad}"\n').encode(), "p")
        assert "path" in str(exc.value.params)
