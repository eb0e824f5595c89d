"""Disk loss after a year of real procedure (issue 21), from the scanned paper anchor.

A year of drills, emergencies and their alerts (``hardware/sim/scenarios.py``),
then a sealed backup, then two more incidents, then the data directory
deleted. The restore takes the newest backup and the head on the newest
record in the safe: the credential sheet sealed in the last incident, its
QR code read as a handheld scanner types it (``Simulation.scan``) and
checked with this terminal's QR key. The restored terminal verifies; its
``terminal.restored`` names exactly the entries from the backup's head to
the anchor as lost; its next export is VERIFIED by ``sealroom verify`` with
the ``journal.restored`` finding. The same medium holding only the older
backup, and no anchor, is refused.

Cost: about 15 s of CPU, 50 s on a loaded two-core machine (the year is simulated here).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from hardware.sim.export import export_simulation
from hardware.sim.scenarios import drill, emergency, simulate
from hardware.sim.simulation import resume, save
from kiosk.errors import JournalError
from kiosk.journal.backup import newest_backup
from kiosk.scan.qr import decode_qr
from kiosk.terminal.backups import make_backup
from kiosk.terminal.restore import Anchor, start_restored, unpack_backup
from kiosk.verify.bundle import verify_bundle
from tests.kiosk.continuity.test_restore import MEDIUM, passphrase, register
from ui.cli import main


def test_a_year_then_disk_loss_then_restore_from_the_scanned_anchor(
    tmp_path: Path, capsys: Any
) -> None:
    sim = simulate(tmp_path / "sim", years=1)
    year = sim.journal.head.seq
    assert year > 400  # a year of real procedure, not a handful of alerts
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    register(sim)
    sim.later(days=1)
    older = make_backup(sim.journal, medium, MEDIUM, "schedule")
    sim.later(days=6)
    backup = make_backup(sim.journal, medium, MEDIUM, "schedule")
    assert older is not None and backup is not None
    b = int(backup.data["seq"])

    # More real procedure after the backup: an emergency and a drill.
    sim.later(days=3)
    emergency(sim)
    sim.later(days=5)
    drill(sim, "dc-local")
    save(sim)
    mac_key = sim.journal.terminal_mac_key()
    sheets = [decode_qr(qr, mac_key, kinds=("sheet",)) for qr in sim.qr_of.values()]
    newest = max(sheets, key=lambda p: p.int_field("seq"))
    a = newest.int_field("seq")
    assert sim.journal.entry(a).kind == "sheet.printed"  # type: ignore[union-attr]
    assert b < a <= sim.journal.head.seq
    scanned_line = sim.scan(newest.text)  # as the scanner types it
    t = sim.terminal
    t.close()
    shutil.rmtree(sim.data_dir / "data")  # the disk is gone

    # An older backup alone on the medium, and no anchor: refused.
    only_older = tmp_path / "older-stick"
    only_older.mkdir()
    for p in medium.iterdir():
        if p != newest_backup(medium).path:
            shutil.copy(p, only_older / p.name)
    journal, header = unpack_backup(only_older, sim.data_dir / "data", passphrase, sim.clock)
    try:
        assert header.seq == older.data["seq"]
        with pytest.raises(JournalError) as exc:
            start_restored(journal, t.policy, t.security_keys, header, None)
        assert exc.value.code == "restore.anchor_required"
    finally:
        journal.close()
    shutil.rmtree(sim.data_dir / "data")

    # The restore: the newest backup, the scanned anchor, two custodians.
    journal, header = unpack_backup(medium, sim.data_dir / "data", passphrase, sim.clock)
    assert header.seq == b
    payload = decode_qr(scanned_line, journal.terminal_mac_key(), kinds=("sheet",))
    anchor = Anchor(payload.int_field("seq"), payload.str_field("hash"), "qr")
    approval = start_restored(journal, t.policy, t.security_keys, header, anchor)
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    restored = approval.commit()
    lost = list(range(restored.data["lost_from"], restored.data["lost_to"] + 1))
    assert lost == list(range(b + 1, a + 1))  # exactly the entries after the backup, to the anchor
    assert restored.data["lost_count"] == len(lost) and restored.data["anchor_source"] == "qr"
    journal.verify_or_raise()
    journal.close()

    again = resume(sim.data_dir)
    try:
        bundle = export_simulation(again, tmp_path / "stick").path
    finally:
        again.terminal.close()
    result = verify_bundle(bundle)
    assert result.ok, result.first_error
    found = [f for f in result.findings if f.code == "journal.restored"]
    assert len(found) == 1 and f"{len(lost)} entries known to be lost" in found[0].message
    status = main(["verify", str(bundle), "--kiosk-key", str(sim.data_dir / "data" / "kiosk.pub")])
    said = capsys.readouterr().out
    assert status == 0 and "VERIFIED" in said, said
    assert f"restored from a sealed backup holding entries up to {b}" in said
    assert f"{len(lost)} entries known to be lost (seq {b + 1} to {a}" in said
    assert year < restored.seq
