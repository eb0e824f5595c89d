"""Disk loss: a sealed backup, more entries, the data directory deleted, a restore (issue 21).

The restored terminal verifies, its ``terminal.restored`` says exactly which
entries are gone (those after the backup, up to the paper anchor), the next
unlock raises no counter alert, and its next export is VERIFIED and shows
the restore. A restore without the anchor, with an anchor of another
history, or from a medium that is not registered, is refused; a copy of the
data directory started elsewhere is alerted at its first unlock.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hardware.sim.export import export_simulation
from hardware.sim.simulation import Simulation, resume
from hardware.sim.terminal import TEST_PASSPHRASE
from kiosk.errors import JournalError
from kiosk.journal.backup import newest_backup
from kiosk.journal.keyslots import KeySlots
from kiosk.terminal.backups import backup_status, make_backup, start_medium_registration
from kiosk.terminal.restore import Anchor, start_restored, unpack_backup
from kiosk.verify.bundle import verify_bundle

MEDIUM = "SEALROOM-BACKUP"


def passphrase(slots: KeySlots) -> bytes:
    return slots.open_with_passphrase(TEST_PASSPHRASE)


def register(sim: Simulation) -> None:
    t = sim.terminal
    approval = start_medium_registration(sim.journal, t.policy, t.security_keys, MEDIUM, "Safe A")
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    approval.commit()


def alerts(sim: Simulation, n: int, what: str) -> None:
    for i in range(n):
        sim.later(days=30)
        sim.journal.append("alert.raised", {"alert": "drill.due", "summary": f"{what} #{i}"})


def test_disk_loss_restore_names_the_lost_entries(sim: Simulation, tmp_path: Path) -> None:
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    register(sim)
    alerts(sim, 6, "first half-year")
    backup = make_backup(sim.journal, medium, MEDIUM, "schedule")
    assert backup is not None
    status = backup_status(sim.journal)
    assert status.last_seq == backup.data["seq"] and status.reason == "schedule"
    alerts(sim, 5, "after the backup")
    head = sim.journal.head
    anchor = Anchor.parse(f"{head.seq} · {head.hash[:12]}")  # printed on the newest slip
    t = sim.terminal
    t.close()
    shutil.rmtree(sim.data_dir / "data")  # the disk is gone

    journal, header = unpack_backup(medium, sim.data_dir / "data", passphrase, sim.clock)
    assert header.seq == backup.data["seq"] and journal.head.seq == header.seq
    approval = start_restored(journal, t.policy, t.security_keys, header, anchor)
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    restored = approval.commit()
    assert restored.data["lost_from"] == header.seq + 1
    assert restored.data["lost_to"] == head.seq
    assert restored.data["lost_count"] == head.seq - header.seq
    journal.verify_or_raise()
    journal.close()

    again = resume(sim.data_dir)  # the next unlock, by key, as on the terminal
    try:
        later = [e for e in again.journal.entries(restored.seq + 1) if e.kind == "alert.raised"]
        assert not [e for e in later if e.data["alert"] == "key.counter_ahead"]
        bundle = export_simulation(again, tmp_path / "stick").path
    finally:
        again.terminal.close()
    result = verify_bundle(bundle)
    assert result.ok, result.first_error
    lines = (bundle / "journal.jsonl").read_text().splitlines()
    assert any('"kind":"terminal.restored"' in line for line in lines)
    found = [f for f in result.findings if f.code == "journal.restored"]
    assert (
        len(found) == 1 and f"{head.seq - header.seq} entries known to be lost" in found[0].message
    )


def test_a_restore_without_the_anchor_or_with_another_history_is_refused(
    sim: Simulation, tmp_path: Path
) -> None:
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    register(sim)
    make_backup(sim.journal, medium, MEDIUM, "manual")
    t = sim.terminal
    t.close()
    shutil.rmtree(sim.data_dir / "data")
    journal, header = unpack_backup(medium, sim.data_dir / "data", passphrase, sim.clock)
    try:
        with pytest.raises(JournalError) as exc:
            start_restored(journal, t.policy, t.security_keys, header, None)
        assert exc.value.code == "restore.anchor_required"
        wrong = Anchor(header.seq - 1, "0123456789ab", "typed")
        with pytest.raises(JournalError) as exc:
            start_restored(journal, t.policy, t.security_keys, header, wrong)
        assert exc.value.code == "restore.anchor_mismatch"
    finally:
        journal.close()


def test_a_backup_opens_only_with_the_terminals_secrets(sim: Simulation, tmp_path: Path) -> None:
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    with pytest.raises(JournalError) as exc:  # no medium registered yet
        make_backup(sim.journal, medium, MEDIUM)
    assert exc.value.code == "backup.unregistered_medium"
    register(sim)
    make_backup(sim.journal, medium, MEDIUM)
    raw = newest_backup(medium).path.read_bytes()
    assert b"drill" not in raw and b"entra-01" not in raw  # the journal is sealed
    sim.terminal.close()
    target = tmp_path / "elsewhere"
    with pytest.raises(Exception) as wrong:
        unpack_backup(medium, target, lambda s: s.open_with_passphrase("WRONG-" * 6), sim.clock)
    assert getattr(wrong.value, "code", "") == "keyslot.wrong_passphrase"
    assert not (target / "journal.db").exists()  # nothing half-restored is left


def test_a_copied_data_directory_started_elsewhere_is_alerted(
    sim: Simulation, tmp_path: Path
) -> None:
    """No restore, no ``terminal.restored``: the keys' counters give the copy away."""
    from kiosk.terminal.lifecycle import unlock_with_key

    t = sim.terminal
    t.close()
    copy = tmp_path / "second-machine"
    shutil.copytree(sim.data_dir / "data", copy)  # taken while the terminal is off
    t.unlock_with_key("dana")
    for n in range(3):  # the original goes on: dana signs, her key's counter moves on
        t.dual(
            "alert.raised",
            {"alert": "drill.due", "summary": f"after the copy #{n}"},
            ["dana", "sam"],
        )
    t.close()
    t.plug("dana")
    journal = unlock_with_key(copy, t.security_keys, sim.clock, counter_margin=2)
    try:
        raised = [
            e.data["alert"]
            for e in journal.entries(journal.head.seq - 2)
            if e.kind == "alert.raised"
        ]
        assert "key.counter_ahead" in raised
    finally:
        journal.close()
        t.journal = unlock_with_key(sim.data_dir / "data", t.security_keys, sim.clock)


def test_the_policy_names_the_medium_and_the_interval(sim: Simulation) -> None:
    import dataclasses

    from kiosk.policy import load_policy
    from kiosk.policy.load import parse_policy

    text = Path(str(load_policy().source)).read_text("utf-8")
    policy = parse_policy(
        (text + '\n[backup]\nmedium = "SEALROOM-BACKUP"\nevery_days = 3\n').encode(), "p.toml"
    )
    assert policy.backup_medium == MEDIUM and policy.backup_every_days == 3
    with pytest.raises(Exception) as bad:
        parse_policy((text + "\n[backup]\nevery_days = 0\n").encode(), "p.toml")
    assert "every_days" in str(bad.value.params)  # type: ignore[attr-defined]
    t = sim.terminal
    other = dataclasses.replace(t.policy, backup_medium="ANOTHER-STICK")
    with pytest.raises(JournalError) as exc:
        start_medium_registration(sim.journal, other, t.security_keys, MEDIUM, "Safe A")
    assert exc.value.code == "backup.not_in_policy"
    register(sim)  # the default policy names no medium: any registered one
    sim.later(days=4)
    make_backup(sim.journal, sim.data_dir.parent, MEDIUM, "manual")
    status = backup_status(sim.journal, policy.backup_every_days)
    assert status.due_by > status.last_ts  # type: ignore[operator]
    assert not status.overdue(sim.clock.now())
    sim.later(days=3, minutes=1)
    assert status.overdue(sim.clock.now())
