"""Move to new hardware and retire a terminal, end to end, with ``sealroom verify`` (issue 21)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hardware.sim.export import export_simulation
from hardware.sim.simulation import Simulation, resume
from kiosk.errors import JournalError
from kiosk.terminal.backups import make_backup
from kiosk.terminal.restore import Anchor, start_restored, unpack_backup
from kiosk.terminal.retire import (
    destroy_key_material,
    start_move,
    start_retirement,
)
from kiosk.verify.bundle import verify_bundle
from tests.kiosk.continuity.test_restore import MEDIUM, passphrase, register


def _codes(bundle: Path) -> set[str]:
    result = verify_bundle(bundle)
    assert result.ok, result.first_error
    return {f.code for f in result.findings}


def test_move_to_new_hardware(sim: Simulation, tmp_path: Path) -> None:
    before = export_simulation(sim, tmp_path / "stick-before").path
    assert "journal.moved" not in _codes(before)
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    register(sim)
    t = sim.terminal
    approval = start_move(sim.journal, t.policy, t.security_keys, "T2, safe room B", "refresh")
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    moved = approval.commit()
    assert make_backup(sim.journal, medium, MEDIUM, "move") is None
    head = sim.journal.head
    t.close()
    # The new machine: an empty data directory, the backup, the head on paper.
    new = tmp_path / "new-machine"
    shutil.copytree(sim.data_dir, new, ignore=shutil.ignore_patterns("data"))
    journal, header = unpack_backup(medium, new / "data", passphrase, sim.clock)
    approval = start_restored(
        journal, t.policy, t.security_keys, header, Anchor(head.seq, head.hash[:12], "qr")
    )
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    assert approval.commit().data["lost_count"] == 0
    journal.close()
    # The old copy refuses to run; the new one runs and exports.
    with pytest.raises(JournalError) as exc:
        resume(sim.data_dir)
    assert exc.value.code == "terminal.has_moved" and exc.value.params["seq"] == moved.seq
    there = resume(new)
    try:
        after = export_simulation(there, tmp_path / "stick-after").path
    finally:
        there.terminal.close()
    assert {"journal.moved", "journal.restored"} <= _codes(after)


def test_retire(sim: Simulation, tmp_path: Path) -> None:
    t = sim.terminal
    approval = start_retirement(sim.journal, t.policy, t.security_keys, "safe room closed")
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    retired = approval.commit()
    with pytest.raises(JournalError):  # the key material goes only with the journal's word
        destroy_key_material(sim.journal, sim.journal.entry(retired.seq - 1))  # type: ignore[arg-type]
    final = export_simulation(sim, tmp_path / "final-stick").path
    assert "journal.retired" in _codes(final)
    destroy_key_material(sim.journal, retired)
    assert not (sim.data_dir / "data" / "keyslots.json").exists()
    with pytest.raises(JournalError) as exc:
        resume(sim.data_dir)
    assert exc.value.code == "terminal.is_retired"
