"""Insider attacks on the journal's history: rollback and truncation (issue 17, design D5).

The insider is one custodian with their own (simulated) key and PIN and a root
shell: they unlock with their key through the real path, append through the
real API, and otherwise only copy, delete and edit files (with the database
key their key unwrapped, where a step needs it). Each attack is refused at the
next unlock, with a message naming it, and each test shows that nothing was
lost: the refused unlock changed no file, and the real files put back open
with every entry.

What this layer cannot refuse on its own: a copy of the *whole* data directory
put back is consistent with itself. A TPM counter refuses it (``test_e_*``);
without a TPM it falls to the security keys' signature counters and the heads
on paper in the safe (``docs/design.md``, threat model).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.sim.terminal import SimulatedTerminal, make_terminal
from hardware.tpm import TpmCounter
from kiosk.errors import ApprovalError, DeviceError, JournalError, KeySlotError, SealroomError
from kiosk.format.canonical import H, b64u, canon
from kiosk.format.clock import SystemClock
from kiosk.journal.db import open_database
from kiosk.journal.keyslots import KeySlots
from kiosk.journal.store import DB_NAME, SLOTS_NAME, Journal
from kiosk.journal.witness import Witness
from kiosk.terminal.enrolment import start_revocation
from kiosk.terminal.signers import journal_check
from tests.tpm_tools import software_tpm

CUSTODIANS = [
    "dana:Dana Whitfield:IT Director",
    "sam:Sam Okafor:Chief Operating Officer",
    "lee:Lee Park:Head of SRE",
]
JOURNAL_FILES = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")


@pytest.fixture
def term(tmp_path: Path) -> Iterator[SimulatedTerminal]:
    """Dana, Sam and Lee enrolled; the terminal locked (the insider starts from a locked one)."""
    t = make_terminal(tmp_path, custodians=CUSTODIANS)
    t.close()
    yield t
    t.close()


# ------------------------------------------------------------------ helpers
def files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def put(d: Path, saved: dict[str, bytes], names: tuple[str, ...]) -> None:
    """Make ``names`` in ``d`` exactly what ``saved`` holds (absent if it has none)."""
    for name in names:
        (d / name).unlink(missing_ok=True)
        if name in saved:
            (d / name).write_bytes(saved[name])


def work(t: SimulatedTerminal, who: str, n: int) -> list[tuple[int, str]]:
    """``who`` unlocks with their own key and records ``n`` entries (no second person needed)."""
    j = t.unlock_with_key(who)
    heads = []
    for i in range(n):
        e = j.append(
            "envelope.stock_received", {"serials": [f"SR{j.head.seq:05d}{i:03d}"], "supplier": who}
        )
        heads.append((e.seq, e.hash))
    j.close()
    return heads


def refused(t: SimulatedTerminal, who: str) -> SealroomError:
    """``who``'s unlock is refused; the data directory is left byte for byte as it was."""
    before = files(t.data_dir)
    with pytest.raises(SealroomError) as info:
        t.unlock_with_key(who)
    assert files(t.data_dir) == before
    return info.value


def nothing_lost(t: SimulatedTerminal, heads: list[tuple[int, str]]) -> None:
    """The terminal unlocks and every recorded entry is there, with its hash."""
    j = t.unlock_with_key("dana")
    try:
        assert j.verify().ok
        for seq, h in heads:
            entry = j.entry(seq)
            assert entry is not None and entry.hash == h
    finally:
        j.close()


def insider_database_key(t: SimulatedTerminal, who: str) -> bytes:
    """The database key, unwrapped with the insider's own key (touch + PIN), as root could."""
    slots = KeySlots.load(t.data_dir / SLOTS_NAME)
    t.plug(who)
    salts = dict(slots.fido2_credentials())
    cid, secret = t.security_keys.derive_secret(t.policy.rp_id, salts, threading.Event())
    return slots.open_with_fido2(cid, secret)


def edit_slots(d: Path, change: Any, fix_checksum: bool = True) -> None:
    """Edit ``keyslots.json`` as a text file, as the insider would (no MAC key needed)."""
    doc = json.loads((d / SLOTS_NAME).read_bytes())
    check = doc.pop("check")
    change(doc)
    doc["check"] = H(canon(doc)) if fix_checksum else check
    (d / SLOTS_NAME).write_bytes(canon(doc) + b"\n")


def slot_id(t: SimulatedTerminal, who: str) -> str:
    return "fido2:" + next(iter(t.journal.state.custodians[who].credentials))


# ------------------------------------------------------------- (a) rollback
def test_a_journal_restored_from_an_older_copy_is_refused(term: SimulatedTerminal) -> None:
    d = term.data_dir
    copy = files(d)  # the insider copies the data directory
    heads = work(term, "dana", 3)  # more entries are recorded
    current = files(d)
    put(d, copy, JOURNAL_FILES)  # the journal is put back as it was
    err = refused(term, "dana")
    assert err.code == "rollback.journal_behind"
    assert "The journal is older than its key-slot file" in err.user_message()
    assert f"records entry {heads[-1][0]}" in err.user_message()
    assert refused(term, "sam").code == "rollback.journal_behind"  # any key: same answer
    put(d, current, JOURNAL_FILES)
    nothing_lost(term, heads)


# ------------------------------------------------------- (b) WAL truncation
def _writer(d: Path, key: bytes, report: int) -> None:
    """The terminal's writer in a child process: appends until it is killed."""
    clock = SystemClock()
    clock.watch.trust(clock)  # the test's terminal was made on a test clock
    j = Journal.open(d, key, clock, approval_check=journal_check)
    while True:
        e = j.append("alert.raised", {"alert": "test", "summary": f"entry from {os.getpid()}"})
        os.write(report, f"{e.seq} {e.hash}\n".encode())


def crash_the_writer(d: Path, key: bytes, acked: int = 3) -> list[tuple[int, str]]:
    """Run the writer, SIGKILL it once it acknowledged ``acked`` entries; what it acknowledged."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            _writer(d, key, w)
        finally:
            os._exit(1)
    os.close(w)
    buf = b""
    while buf.count(b"\n") < acked:
        chunk = os.read(r, 4096)
        assert chunk, "the writer stopped before it was killed"
        buf += chunk
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while chunk := os.read(r, 65536):
        buf += chunk
    os.close(r)
    return [(int(s), h) for s, h in (ln.split() for ln in buf.decode().splitlines())]


def test_b_wal_deleted_after_a_crash_is_refused(term: SimulatedTerminal) -> None:
    """The acknowledged entries were still only in the WAL: deleting it is refused."""
    d = term.data_dir
    key = insider_database_key(term, "dana")
    acked = crash_the_writer(d, key)
    assert (d / (DB_NAME + "-wal")).stat().st_size > 0  # not checkpointed: they are in the WAL
    forensic = files(d)  # what security can put back (the test's own copy)
    for name in JOURNAL_FILES[1:]:
        (d / name).unlink(missing_ok=True)  # the insider deletes the WAL (no -shm: exclusive mode)
    err = refused(term, "dana")
    assert err.code == "rollback.journal_behind"
    assert "entries were removed" in err.user_message()
    put(d, forensic, JOURNAL_FILES)
    nothing_lost(term, acked)


def test_b_wal_deleted_after_sqlite_checkpointed_loses_nothing(term: SimulatedTerminal) -> None:
    """Had SQLite checkpointed the WAL into the database, deleting it removes nothing."""
    d = term.data_dir
    key = insider_database_key(term, "dana")
    acked = crash_the_writer(d, key)
    conn = open_database(d / DB_NAME, key, create=False)  # recovers the WAL, as any open does
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for name in JOURNAL_FILES[1:]:
        (d / name).unlink(missing_ok=True)
    nothing_lost(term, acked)  # accepted: the journal is at (or one write past) the head


# --------------------------------------------------- (c) old key-slot file
def test_c_old_key_slot_file_restored_after_a_revocation_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = make_terminal(tmp_path, custodians=CUSTODIANS)
    d = t.data_dir
    lee_cred = next(iter(t.journal.state.custodians["lee"].credentials))
    old = (d / SLOTS_NAME).read_bytes()  # Lee keeps a copy of the key-slot file
    saved: list[bytes] = []
    real_save = KeySlots.save

    def keep_each_version(self: KeySlots) -> None:
        real_save(self)
        saved.append((d / SLOTS_NAME).read_bytes())

    monkeypatch.setattr(KeySlots, "save", keep_each_version)
    approval = start_revocation(
        t.journal, t.policy, t.security_keys, "lee", "key lost", credential_id=lee_cred
    )
    t.sign(approval, "dana")
    t.sign(approval, "sam")
    revocation = approval.commit()
    monkeypatch.undo()
    head = t.journal.head
    t.close()
    # The revocation was announced in the file before it was written, then recorded.
    announced = json.loads(saved[0])["head"]
    assert announced["pending"] == {"seq": revocation.seq, "hash": revocation.hash}

    (d / SLOTS_NAME).write_bytes(old)  # Lee puts the old file back
    err = refused(t, "lee")
    assert err.code == "rollback.slots_behind"
    assert "key-slot file is older than the journal" in err.user_message()
    assert "revoked key" in err.user_message()
    assert refused(t, "dana").code == "rollback.slots_behind"
    with pytest.raises(JournalError):
        t.unlock_with_passphrase()
    assert (d / SLOTS_NAME).read_bytes() == old

    # Where a crash between the revocation and the slot's removal leaves it (announced):
    # accepted, but the revoked key still does not unlock, and its slot goes at the next
    # unlock, by a key or by the recovery passphrase.
    (d / SLOTS_NAME).write_bytes(saved[0])
    with pytest.raises(ApprovalError) as info:
        t.unlock_with_key("lee")
    assert info.value.code == "approval.revoked_credential"
    j = t.unlock_with_passphrase()
    kept = j.entry(head.seq)
    assert kept is not None and kept.hash == head.hash  # nothing lost; the unlock was added
    assert lee_cred not in {b64u(c) for c, _ in j.key_slots().fido2_credentials()}
    j.close()

    # the file that unlock wrote (its head now covers the unlock's own record) has no slot
    # for lee: the revoked key cannot even unwrap the database key
    assert refused(t, "lee").code == "fido.no_credential"
    nothing_lost(t, [(revocation.seq, revocation.hash)])


# ------------------------------------------------------ (d) file edited
def test_d_recovery_slot_removed_is_refused_before_any_key_is_asked(
    term: SimulatedTerminal,
) -> None:
    d = term.data_dir
    good = files(d)
    edit_slots(d, lambda doc: doc.update(slots=[s for s in doc["slots"] if s["id"] != "recovery"]))
    term.prompts.events.clear()
    err = refused(term, "dana")
    assert err.code == "rollback.recovery_removed"
    assert "recovery passphrase slot was removed" in err.user_message()
    assert "request_pin" not in term.prompts.names()  # refused before the key was touched
    put(d, good, (SLOTS_NAME,))
    nothing_lost(term, [])


def test_d_another_custodians_slot_removed_is_refused_naming_it(term: SimulatedTerminal) -> None:
    d = term.data_dir
    good = files(d)
    term.unlock_with_key("dana")
    sam = slot_id(term, "sam")
    term.close()
    edit_slots(d, lambda doc: doc.update(slots=[s for s in doc["slots"] if s["id"] != sam]))
    err = refused(term, "dana")
    assert err.code == "rollback.slot_removed"
    assert f"security-key slot of credential {sam[6:22]}" in err.user_message()
    put(d, good, (SLOTS_NAME,))
    nothing_lost(term, [])


@pytest.mark.parametrize("fix_checksum", [True, False])
def test_d_one_byte_edited_is_refused(term: SimulatedTerminal, fix_checksum: bool) -> None:
    d = term.data_dir
    good = files(d)
    term.unlock_with_key("dana")
    sam = slot_id(term, "sam")
    term.close()

    def one_byte(doc: dict[str, Any]) -> None:
        slot = next(s for s in doc["slots"] if s["id"] == sam)
        salt = slot["salt"]
        slot["salt"] = salt[:5] + ("A" if salt[5] != "A" else "B") + salt[6:]

    edit_slots(d, one_byte, fix_checksum)
    err = refused(term, "dana")  # Dana's own slot is intact: the whole-file MAC catches it
    if fix_checksum:
        assert err.code == "rollback.slots_edited"
        assert "The key-slot file was edited" in err.user_message()
    else:
        assert isinstance(err, KeySlotError) and err.code == "keyslot.damaged"
        assert "checksum" in err.user_message()
    put(d, good, (SLOTS_NAME,))
    nothing_lost(term, [])


# --------------------------------------------------------- (e) with a TPM
@pytest.fixture
def bound(tmp_path: Path) -> Iterator[tuple[SimulatedTerminal, TpmCounter]]:
    """A terminal bound to a (software) TPM counter, locked."""
    with software_tpm(tmp_path / "swtpm") as counter:
        t = make_terminal(tmp_path, custodians=CUSTODIANS, witness=Witness("if-present", counter))
        t.close()
        yield t, counter
        t.close()


def test_e_whole_data_directory_restored_is_refused_by_the_tpm(
    bound: tuple[SimulatedTerminal, TpmCounter], tmp_path: Path
) -> None:
    t, counter = bound
    d = t.data_dir
    shutil.copytree(d, tmp_path / "copy")  # the insider copies the whole data directory
    heads = work(t, "dana", 3)
    current = files(d)
    shutil.rmtree(d)
    shutil.copytree(tmp_path / "copy", d)  # and puts it back: journal and key slots agree
    err = refused(t, "dana")
    assert err.code == "rollback.tpm_ahead"
    assert "restored from an older copy" in err.user_message()
    # The insider also sets the policy to "off": a bound journal is still checked.
    t.witness = Witness("off", counter)
    assert refused(t, "dana").code == "rollback.tpm_ahead"
    t.witness = Witness("if-present", counter)
    shutil.rmtree(d)
    d.mkdir()
    put(d, current, tuple(current))
    nothing_lost(t, heads)


def test_e_journal_restored_with_a_tpm_is_refused(
    bound: tuple[SimulatedTerminal, TpmCounter],
) -> None:
    t, _counter = bound
    d = t.data_dir
    copy = files(d)
    heads = work(t, "dana", 2)
    current = files(d)
    put(d, copy, JOURNAL_FILES)
    assert refused(t, "dana").code == "rollback.journal_behind"
    put(d, current, JOURNAL_FILES)
    nothing_lost(t, heads)


def test_e_tpm_taken_away_is_refused(bound: tuple[SimulatedTerminal, TpmCounter]) -> None:
    t, counter = bound
    t.witness = Witness("if-present", None)  # the TPM disabled in the firmware, say
    err = refused(t, "dana")
    assert isinstance(err, DeviceError) and err.code == "tpm.missing"
    t.witness = Witness("if-present", counter)
    nothing_lost(t, [])
