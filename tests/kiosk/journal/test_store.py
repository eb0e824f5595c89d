"""The SQLCipher journal: durability, one writer, pending entries, clock, keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.errors import (
    ApprovalError,
    JournalBusyError,
    JournalError,
    JournalIntegrityError,
    KeySlotError,
)
from kiosk.format.canonical import H, canon
from kiosk.format.clock import FakeClock
from kiosk.format.entry import Entry
from kiosk.journal.db import open_database
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.journal.store import DB_NAME, SLOTS_NAME, Journal
from kiosk.policy import Policy
from kiosk.state import State
from kiosk.terminal.lifecycle import Commissioned, commission, unlock_with_passphrase
from kiosk.terminal.signers import journal_check

PASS = "TEST-PASS-PHRASE-0001"


def test_commissioning_writes_genesis_and_public_key(
    terminal: Commissioned, policy: Policy
) -> None:
    j = terminal.journal
    genesis = next(j.entries())
    assert genesis.kind == "journal.genesis" and genesis.seq == 1
    assert genesis.data["policy_hash"] == policy.sha256
    assert genesis.data["uv_required"] is True
    assert genesis.data["kiosk_key"].startswith("ssh-ed25519 ")
    # The business-day calendar, for the auditors' verifier to count review deadlines on.
    assert genesis.data["calendar"] == policy.calendar
    assert genesis.data["calendar"]["country"] == policy.calendar_country
    assert (j.data_dir / "kiosk.pub").read_text().strip() == genesis.data["kiosk_key"]
    assert terminal.fingerprint.startswith("SHA256:")


def test_database_is_encrypted_and_settings_checked(terminal: Commissioned) -> None:
    path = terminal.journal.data_dir / DB_NAME
    terminal.journal.close()
    assert not path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM entries").fetchall()
    conn = open_database(path, terminal.db_key, create=False)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    conn.close()


def test_unencrypted_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    sqlite3.connect(path).execute("CREATE TABLE entries(x)").connection.commit()
    with pytest.raises(JournalError) as exc:
        open_database(path, b"k" * 32, create=False)
    assert "not encrypted" in str(exc.value)


def test_reopen_with_passphrase_verifies(terminal: Commissioned, clock: FakeClock) -> None:
    j = terminal.journal
    j.append("envelope.stock_received", {"serials": ["SR00000018"]})
    head = j.head
    j.close()
    again = unlock_with_passphrase(j.data_dir, PASS.lower(), clock)
    # Everything up to the old head is there; the unlock itself is journaled after it.
    old_head = again.entry(head.seq)
    assert old_head is not None and old_head.hash == head.hash
    assert [e.kind for e in again.entries(head.seq + 1)] == ["terminal.unlocked", "alert.raised"]
    assert again.state.envelope_state("SR00000018") == "blank_stock"
    again.close()


def test_wrong_passphrase_changes_nothing(terminal: Commissioned, clock: FakeClock) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    before = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
    with pytest.raises(KeySlotError) as exc:
        unlock_with_passphrase(d, "WRONG-PASS", clock)
    assert exc.value.code == "keyslot.wrong_passphrase"
    assert "not correct" in exc.value.user_message()
    after = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
    assert before == after


def test_wrong_database_key_is_refused(terminal: Commissioned, clock: FakeClock) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    with pytest.raises(JournalError) as exc:
        Journal.open(d, b"\x01" * 32, clock, approval_check=journal_check)
    assert exc.value.code == "journal.undecryptable"


def test_damaged_slot_file_is_named(terminal: Commissioned, clock: FakeClock) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    raw = (d / SLOTS_NAME).read_bytes()
    (d / SLOTS_NAME).write_bytes(raw.replace(b"argon2id", b"argon2ix"))
    with pytest.raises(KeySlotError) as exc:
        unlock_with_passphrase(d, PASS, clock)
    assert exc.value.code == "keyslot.damaged" and "checksum" in str(exc.value)
    (d / SLOTS_NAME).write_bytes(b"{not json")
    with pytest.raises(KeySlotError, match="not valid JSON"):
        unlock_with_passphrase(d, PASS, clock)
    (d / SLOTS_NAME).unlink()
    with pytest.raises(KeySlotError) as exc:
        unlock_with_passphrase(d, PASS, clock)
    assert exc.value.code == "keyslot.missing"


def test_slot_moved_to_another_journal_fails_authentication(
    terminal: Commissioned, clock: FakeClock
) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    # Edited as someone without the database key would: a valid checksum, but the
    # AAD no longer matches (a file can no longer be saved without its MAC key).
    doc = json.loads((d / SLOTS_NAME).read_bytes())
    doc.pop("check")
    doc["journal_id"] = "another-journal"
    doc["check"] = H(canon(doc))
    (d / SLOTS_NAME).write_bytes(canon(doc))
    with pytest.raises(KeySlotError) as exc:
        unlock_with_passphrase(d, PASS, clock)
    assert exc.value.code == "keyslot.wrong_passphrase"


@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_corrupted_database_file_is_refused_clearly(
    terminal: Commissioned, clock: FakeClock, where: str
) -> None:
    j = terminal.journal
    for n in range(40):
        j.append("alert.raised", {"alert": "test", "summary": f"filler {n} " + "x" * 200})
    d, key = j.data_dir, terminal.db_key
    j.close()
    path = d / DB_NAME
    raw = bytearray(path.read_bytes())
    pos = {"header": 20, "middle": len(raw) // 2, "end": len(raw) - 100}[where]
    raw[pos] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(JournalError) as exc:
        Journal.open(d, key, clock, approval_check=journal_check)
    assert exc.value.code in {"journal.undecryptable", "journal.corrupt"}
    assert "call security" in exc.value.user_message().lower()


def test_second_writer_is_refused(terminal: Commissioned, clock: FakeClock) -> None:
    with pytest.raises(JournalError) as exc:
        Journal.open(
            terminal.journal.data_dir, terminal.db_key, clock, approval_check=journal_check
        )
    assert exc.value.code == "journal.locked"


def test_entries_cannot_be_updated_or_deleted_in_the_database(terminal: Commissioned) -> None:
    conn = terminal.journal._conn
    with pytest.raises(Exception, match="append-only"):
        conn.execute("UPDATE entries SET line = x'00' WHERE seq = 1")
    with pytest.raises(Exception, match="append-only"):
        conn.execute("DELETE FROM entries")


def test_clock_moving_back_is_recorded_and_ts_never_decreases(
    terminal: Commissioned, clock: FakeClock
) -> None:
    j = terminal.journal
    clock.advance(minutes=10)
    first = j.append("alert.raised", {"alert": "a", "summary": "before"})
    clock.advance(minutes=-30)
    second = j.append("alert.raised", {"alert": "b", "summary": "after the clock moved"})
    kinds = [(e.kind, e.data.get("alert"), e.ts) for e in j.entries(first.seq)]
    assert kinds[1] == ("alert.raised", "clock.moved_back", first.ts)
    assert second.ts == first.ts
    assert j.entry(first.seq + 1).data["detail"]["clock"] < first.ts  # type: ignore[union-attr]
    # Only one alert for the same episode, and none once the clock caught up.
    third = j.append("alert.raised", {"alert": "c", "summary": "still behind"})
    assert third.seq == second.seq + 1
    clock.advance(minutes=40)
    fourth = j.append("alert.raised", {"alert": "d", "summary": "caught up"})
    assert fourth.seq == third.seq + 1 and fourth.ts > first.ts
    assert j.verify().ok


def test_pending_entry_blocks_other_appends_and_abandon_leaves_no_trace(
    terminal: Commissioned,
) -> None:
    j = terminal.journal
    j.append("envelope.stock_received", {"serials": ["SR00000018"]})
    head = j.head
    p = j.begin("alert.acknowledged", {"alert_seq": 1, "by": "x"})
    assert p.seq == head.seq + 1 and len(p.digest) == 32
    with pytest.raises(JournalBusyError) as exc:
        j.append("alert.raised", {"alert": "a", "summary": "b"})
    assert "still waiting" in str(exc.value)
    with pytest.raises(JournalBusyError):
        j.begin("alert.raised", {"alert": "a", "summary": "b"})
    p.abandon()
    assert j.head == head
    assert [e.seq for e in j.entries()][-1] == head.seq
    with pytest.raises(JournalError):
        p.commit()


def test_an_abandoned_digest_is_never_offered_again(terminal: Commissioned) -> None:
    j = terminal.journal
    data = {"alert": "a", "summary": "same content"}
    p1 = j.begin("alert.raised", data)
    p1.abandon()
    p2 = j.begin("alert.raised", data)  # same seq, same clock, same data
    assert p2.digest != p1.digest
    assert j.was_offered(p1.digest)
    entry = p2.commit()
    assert entry.digest == p2.digest and entry.seq == p1.seq


def test_pending_commit_writes_attestations_into_the_hash(terminal: Commissioned) -> None:
    j = terminal.journal
    p = j.begin("alert.raised", {"alert": "a", "summary": "b"})
    digest = p.digest
    entry = p.commit()
    assert entry.digest == digest
    assert j.verify().ok and j.head.hash == entry.hash


def test_failed_write_leaves_database_and_state_unchanged(terminal: Commissioned) -> None:
    j = terminal.journal
    head, state_seq = j.head, j.state.seq

    class Boom(Exception):
        pass

    def listener_never_called(_e: object) -> None:  # pragma: no cover - must not run
        raise AssertionError("listener called for a failed write")

    j.add_listener(listener_never_called)
    real = j._conn
    j._conn = _FailingConnection(real)  # type: ignore[assignment]
    try:
        with pytest.raises(JournalError) as exc:
            j.append("alert.raised", {"alert": "a", "summary": "b"})
        assert exc.value.code == "journal.write_failed"
    finally:
        j._conn = real
    assert j.head == head and j.state.seq == state_seq
    assert j.verify().ok and j.verify().entries == head.seq


class _FailingConnection:
    """A connection whose INSERTs fail as a full disk would (device boundary)."""

    def __init__(self, real: object) -> None:
        self._real = real

    def cursor(self) -> object:
        return _FailingCursor(self._real.cursor())  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


class _FailingCursor:
    def __init__(self, real: object) -> None:
        self._real = real

    def execute(self, sql: str, *args: object) -> object:
        if sql.startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._real.execute(sql, *args)  # type: ignore[attr-defined]

    def close(self) -> None:
        self._real.close()  # type: ignore[attr-defined]


def test_tampered_row_is_named_at_unlock(terminal: Commissioned, clock: FakeClock) -> None:
    j = terminal.journal
    for n in range(5):
        j.append("alert.raised", {"alert": "t", "summary": f"n{n}"})
    # Someone with the key rewrites entry 3 (bypassing the trigger): the chain names it.
    j._conn.execute("DROP TRIGGER entries_no_update")
    line = j._conn.execute("SELECT line FROM entries WHERE seq = 3").fetchone()[0]
    j._conn.execute(
        "UPDATE entries SET line = ? WHERE seq = 3", (bytes(line).replace(b"n1", b"n9"),)
    )
    d, key = j.data_dir, terminal.db_key
    j.close()
    with pytest.raises(JournalIntegrityError) as exc:
        Journal.open(d, key, clock, approval_check=journal_check)
    assert exc.value.params["seq"] == 3
    assert "entry 3" in exc.value.user_message()


def test_commission_refuses_an_existing_journal(
    terminal: Commissioned, policy: Policy, clock: FakeClock
) -> None:
    with pytest.raises(JournalError) as exc:
        commission(terminal.journal.data_dir, policy, clock, argon=FAST_TEST_PARAMS)
    assert exc.value.code == "journal.exists"


def test_verify_names_a_row_stored_as_text(terminal: Commissioned) -> None:
    """Rows go to the chain check as SQLite returns them: a row rewritten as text is named."""
    j = terminal.journal
    for n in range(5):
        j.append("alert.raised", {"alert": "t", "summary": f"n{n}"})
    j._conn.execute("DROP TRIGGER entries_no_update")
    line = j._conn.execute("SELECT line FROM entries WHERE seq = 4").fetchone()[0]
    j._conn.execute("UPDATE entries SET line = ? WHERE seq = 4", (bytes(line).decode(),))
    result = j.verify()
    assert result.problem is not None
    assert (result.problem.seq, result.problem.line) == (4, 4)
    assert result.problem.reason == "is stored as str, not as the bytes of a line"
    assert result.entries == 3


def test_verify_reads_a_row_stored_before_seq_1(terminal: Commissioned) -> None:
    """Every row is read in seq order, so a copy of the genesis stored at seq 0 shows."""
    j = terminal.journal
    j.append("alert.raised", {"alert": "t", "summary": "one"})
    first = j._conn.execute("SELECT line FROM entries WHERE seq = 1").fetchone()[0]
    j._conn.execute("INSERT INTO entries (seq, line) VALUES (0, ?)", (first,))
    problem = j.verify().problem
    assert problem is not None and problem.seq == 2
    assert problem.reason == "has seq 1 where 2 was expected (gap or repeat)"


def _enrolment(who: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A first enrolment's data and the (unsigned) attestation of the key it enrols."""
    credential = {"id": f"key-{who}", "public_key": "pk", "alg": -7, "rp_id": "sealroom.local"}
    data = {
        "custodian": who,
        "name": who.title(),
        "role": "IT",
        "duties": ["custodian"],
        "credential": credential,
    }
    return data, [{"role": "custodian_a", "custodian": who, "credential_id": credential["id"]}]


def test_the_approval_check_handed_in_runs_on_every_attested_entry(
    terminal: Commissioned, clock: FakeClock, policy: Policy, tmp_path: Path
) -> None:
    d, key = terminal.journal.data_dir, terminal.db_key
    terminal.journal.close()
    calls: list[tuple[Journal, int, int]] = []

    def check(journal: Journal, entry: Entry, state: State) -> None:
        calls.append((journal, entry.seq, state.seq))

    j = Journal.open(d, key, clock, approval_check=check)
    data, attest = _enrolment("alice")
    entry = j.append("custodian.enrolled", data, attest)
    assert calls == [(j, entry.seq, entry.seq - 1)]  # the state before the entry
    j.close()
    # What a check handed in let through is caught at the next unlock anyway: the
    # unsigned enrolment is quarantined, and the journal opens halted.
    j = Journal.open(d, key, clock, approval_check=journal_check)
    assert j.state.halted and list(j.state.quarantined) == [entry.seq]
    j.close()
    # An entry without attestations has nothing to check (an alert is taken while halted).
    j = Journal.open(d, key, clock, approval_check=check)
    j.append("alert.raised", {"alert": "t", "summary": "unsigned"})
    assert len(calls) == 1
    j.close()

    # On a sound journal: the terminal's own check refuses the same unsigned attestation.
    other = commission(tmp_path / "other", policy, clock, passphrase=PASS, argon=FAST_TEST_PARAMS)
    d, key = other.journal.data_dir, other.db_key
    other.journal.close()
    j = Journal.open(d, key, clock, approval_check=journal_check)
    data, attest = _enrolment("bob")
    with pytest.raises(ApprovalError):
        j.append("custodian.enrolled", data, attest)
    j.close()
    # Only an explicit None leaves attestations unchecked: no default to forget.
    with pytest.raises(TypeError):
        Journal.open(d, key, clock)  # type: ignore[call-arg]
    j = Journal.open(d, key, clock, approval_check=None)
    data, attest = _enrolment("bob")
    assert j.append("custodian.enrolled", data, attest).attest == tuple(attest)
    j.close()
