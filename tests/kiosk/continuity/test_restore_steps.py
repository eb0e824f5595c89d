"""The restore as steps (``kiosk/terminal/restore_steps.py``), walked without Qt as the screen does.

Find the newest backup, open it (the chain and every signature checked),
give the paper anchor (a record's QR, authenticated with the restored
terminal's own key, or the head typed), optionally the newest export, see
the loss, then two custodians sign ``terminal.restored``. Each refusal comes
before anyone signs, and a restore given up leaves the machine empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hardware.sim.export import export_simulation
from hardware.sim.simulation import Simulation
from kiosk.errors import JournalError, ScanError
from kiosk.scan.qr import encode_qr
from kiosk.terminal.backups import make_backup
from kiosk.terminal.restore_steps import RestoreSteps, needs_restore, newest_export
from tests.kiosk.continuity.test_restore import alerts, passphrase, register

MEDIUM = "SEALROOM-BACKUP"


def _lose_the_disk(sim: Simulation, tmp_path: Path, after: int = 3) -> tuple[Path, str]:
    """A backup, ``after`` entries more, the record QR of the head, then the disk gone."""
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    register(sim)
    make_backup(sim.journal, medium, MEDIUM, "manual")
    alerts(sim, after, "after the backup")
    head = sim.journal.head
    qr = encode_qr(
        "record",
        {"doc": "slip", "seq": head.seq, "hash": head.hash[:16]},
        sim.journal.terminal_mac_key(),
    )
    sim.terminal.close()
    shutil.rmtree(sim.data_dir / "data")
    return medium, qr


def test_the_steps_in_order_with_a_scanned_record_name_the_loss(
    sim: Simulation, tmp_path: Path
) -> None:
    medium, qr = _lose_the_disk(sim, tmp_path)
    data = sim.data_dir / "data"
    assert needs_restore(data)
    steps = RestoreSteps(data, sim.clock)
    with pytest.raises(JournalError) as e:
        steps.give_anchor(qr)
    assert e.value.code == "restore.not_opened"
    header = steps.find(medium)
    journal = steps.open(passphrase)
    assert journal.head.seq == header.seq
    anchor = steps.give_anchor(qr, scanned=True)
    # lost: the backup's own backup.written entry and the three alerts after it
    assert anchor.source == "qr" and anchor.seq == header.seq + 4
    loss = steps.loss()
    assert (loss.first, loss.last, loss.count) == (header.seq + 1, header.seq + 4, 4)
    t = sim.terminal
    approval = steps.start_signing(t.policy, t.security_keys)
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    entry = approval.commit()
    steps.signed = True
    assert entry.kind == "terminal.restored" and entry.data["anchor_source"] == "qr"
    assert entry.data["lost_count"] == 4
    steps.abandon()  # after the signature: nothing is undone
    assert not needs_restore(data)
    journal.close()


def test_another_history_or_another_terminal_is_refused_before_anyone_signs(
    sim: Simulation, tmp_path: Path
) -> None:
    medium, _qr = _lose_the_disk(sim, tmp_path)
    data = sim.data_dir / "data"
    steps = RestoreSteps(data, sim.clock)
    header = steps.find(medium)
    steps.open(passphrase)
    with pytest.raises(JournalError) as e:
        steps.give_anchor(f"{header.seq - 1} · 0123456789ab")
    assert e.value.code == "restore.anchor_mismatch"
    foreign = encode_qr("record", {"doc": "slip", "seq": 3, "hash": "ab" * 8}, b"k" * 32)
    with pytest.raises(ScanError):
        steps.give_anchor(foreign)
    assert steps.anchor is None
    with pytest.raises(JournalError) as e:
        steps.loss()
    assert e.value.code == "restore.anchor_required"
    steps.abandon()  # given up: the machine is as empty as it was
    assert needs_restore(data)
    assert [p.name for p in data.iterdir()] == ["journal.lock"]  # the empty lock file only


def test_a_restore_onto_a_terminal_that_has_a_journal_is_refused(
    sim: Simulation, tmp_path: Path
) -> None:
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    register(sim)
    make_backup(sim.journal, medium, MEDIUM, "manual")
    with pytest.raises(JournalError) as e:
        RestoreSteps(sim.data_dir / "data", sim.clock).find(medium)
    assert e.value.code == "restore.not_empty"


def test_the_newest_export_on_a_stick_is_found_and_compared(
    sim: Simulation, tmp_path: Path
) -> None:
    stick = tmp_path / "audit-stick"
    first = export_simulation(sim, stick).path
    alerts(sim, 1, "between exports")
    second = export_simulation(sim, stick).path
    assert newest_export(stick) == second != first
    assert newest_export(tmp_path / "nothing-here") is None
    medium, qr = _lose_the_disk(sim, tmp_path, after=1)
    steps = RestoreSteps(sim.data_dir / "data", sim.clock)
    header = steps.find(medium)
    steps.open(passphrase)
    steps.give_anchor(qr)
    export = steps.give_export(second)
    assert export is not None and export.seq < header.seq  # the export is older than the backup
    assert steps.loss().count == 2
    steps.abandon()
