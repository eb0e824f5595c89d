"""Restoring a TPM-bound terminal: the dual ``terminal.restored`` re-binds it (issue 21).

Against software TPMs (swtpm) the tests start, as ``test_tpm_witness.py``
does. A restore from a sealed backup onto a new machine (a fresh TPM) or
onto the same machine after its disk was replaced (its counter ahead of the
backup's head) is accepted once two custodians sign ``terminal.restored``,
which binds the key-slot file to this machine's counter
(``kiosk/journal/head.py``). A data directory copied back without a restore,
or a restore abandoned before that entry, is still refused by the TPM check.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.sim.terminal import TEST_PASSPHRASE, SimulatedTerminal, make_terminal
from hardware.tpm import TpmCounter
from kiosk.errors import DeviceError, JournalError
from kiosk.journal.keyslots import KeySlots
from kiosk.journal.store import SLOTS_NAME, Journal
from kiosk.journal.witness import Witness
from kiosk.terminal.backups import make_backup, start_medium_registration
from kiosk.terminal.lifecycle import unlock_with_passphrase
from kiosk.terminal.restore import Anchor, start_restored, unpack_backup
from tests.tpm_tools import software_tpm

MEDIUM = "SEALROOM-BACKUP"


@pytest.fixture
def tpm(tmp_path: Path) -> Iterator[TpmCounter]:
    with software_tpm(tmp_path / "swtpm-old") as counter:
        yield counter


def passphrase(slots: KeySlots) -> bytes:
    return slots.open_with_passphrase(TEST_PASSPHRASE)


def after_backup(t: SimulatedTerminal, n: int) -> None:
    for i in range(n):
        t.journal.append("alert.raised", {"alert": "test", "summary": f"after the backup #{i}"})


def bound_terminal_with_backup(root: Path, tpm: TpmCounter, medium: Path) -> SimulatedTerminal:
    """A terminal bound to ``tpm``, a registered medium, one sealed backup on it."""
    t = make_terminal(root, witness=Witness("required", tpm))
    approval = start_medium_registration(t.journal, t.policy, t.security_keys, MEDIUM, "Safe A")
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    approval.commit()
    medium.mkdir()
    assert make_backup(t.journal, medium, MEDIUM, "manual") is not None
    return t


def _head_then_close(t: SimulatedTerminal) -> Anchor:
    head = t.journal.head
    t.close()
    return Anchor.parse(f"{head.seq} · {head.hash[:12]}")


def _restore(
    t: SimulatedTerminal, medium: Path, target: Path, witness: Witness, anchor: Anchor
) -> Journal:
    journal, header = unpack_backup(medium, target, passphrase, t.clock, witness=witness)
    approval = start_restored(journal, t.policy, t.security_keys, header, anchor)
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    approval.commit()
    return journal


def test_restore_onto_a_new_machine_binds_its_fresh_tpm(tpm: TpmCounter, tmp_path: Path) -> None:
    medium = tmp_path / "backup-stick"
    t = bound_terminal_with_backup(tmp_path / "old", tpm, medium)
    after_backup(t, 3)
    anchor = _head_then_close(t)
    with software_tpm(tmp_path / "swtpm-new") as fresh:
        witness = Witness("required", fresh)
        target = tmp_path / "new" / "data"
        journal = _restore(t, medium, target, witness, anchor)
        journal.append("alert.raised", {"alert": "test", "summary": "the first entry after"})
        journal.close()
        slots = KeySlots.load(target / SLOTS_NAME)
        assert slots.tpm_index == fresh.index and slots.head.counter == fresh.read()
        again = unlock_with_passphrase(target, TEST_PASSPHRASE, t.clock, witness=witness)
        try:  # it unlocks, the ordinary way, on the new machine's counter
            assert again.state.kinds_seen.get("terminal.restored") == 1
        finally:
            again.close()


def test_restore_onto_the_same_tpm_with_its_counter_ahead(tpm: TpmCounter, tmp_path: Path) -> None:
    medium = tmp_path / "backup-stick"
    t = bound_terminal_with_backup(tmp_path / "old", tpm, medium)
    backed_up = tpm.read()
    after_backup(t, 4)  # each write moves the counter on past the backup's head
    assert tpm.read() > backed_up + 1
    anchor = _head_then_close(t)
    shutil.rmtree(t.data_dir)  # the disk was replaced
    witness = Witness("required", tpm)
    journal = _restore(t, medium, t.data_dir, witness, anchor)
    journal.close()
    again = unlock_with_passphrase(t.data_dir, TEST_PASSPHRASE, t.clock, witness=witness)
    try:
        restored = [e for e in again.entries() if e.kind == "terminal.restored"]
        assert len(restored) == 1 and restored[0].data["lost_count"] == 5  # backup.written too
    finally:
        again.close()


def test_a_copy_put_back_without_a_restore_is_refused(tpm: TpmCounter, tmp_path: Path) -> None:
    medium = tmp_path / "backup-stick"
    t = bound_terminal_with_backup(tmp_path / "old", tpm, medium)
    t.close()
    copy = tmp_path / "copy"
    shutil.copytree(t.data_dir, copy)  # an older copy of the whole data directory
    t.unlock_with_passphrase()
    after_backup(t, 3)
    t.close()
    shutil.rmtree(t.data_dir)
    shutil.copytree(copy, t.data_dir)  # put back by hand: no terminal.restored
    with pytest.raises(JournalError) as exc:
        unlock_with_passphrase(
            t.data_dir, TEST_PASSPHRASE, t.clock, witness=Witness("required", tpm)
        )
    assert exc.value.code == "rollback.tpm_ahead"


def test_a_restore_abandoned_before_its_entry_does_not_open(
    tpm: TpmCounter, tmp_path: Path
) -> None:
    """Unpacked but never signed: the backup's binding stands, and the TPM check refuses it."""
    medium = tmp_path / "backup-stick"
    t = bound_terminal_with_backup(tmp_path / "old", tpm, medium)
    after_backup(t, 3)
    t.close()
    shutil.rmtree(t.data_dir)
    witness = Witness("required", tpm)
    journal, _header = unpack_backup(medium, t.data_dir, passphrase, t.clock, witness=witness)
    journal.append("alert.raised", {"alert": "test", "summary": "written while restoring"})
    journal.close()  # the custodians walked away
    with pytest.raises((JournalError, DeviceError)) as exc:
        unlock_with_passphrase(t.data_dir, TEST_PASSPHRASE, t.clock, witness=witness)
    assert exc.value.code in ("rollback.tpm_ahead", "rollback.journal_behind")
