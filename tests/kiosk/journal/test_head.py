"""The key-slot file's MAC and recorded head (kiosk/journal/keyslots.py, head.py).

Each rule here has a test that fails without it: the whole file authenticated,
a slot removed or added named, the head recorded after every write, a journal
behind (or forked from) the head refused, a key-slot file behind the journal by
more than one write, or behind an unannounced enrolment or revocation, refused;
the one write a crash leaves unrecorded accepted and recorded; a head that could
not be saved recorded before the next write, or that write refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.errors import JournalError, KeySlotError
from kiosk.format.canonical import H, canon
from kiosk.format.clock import FakeClock
from kiosk.journal import keyslots as keyslots_module
from kiosk.journal.head import HeadKeeper
from kiosk.journal.keyslots import KeySlots, RecordedHead
from kiosk.journal.store import DB_NAME, SLOTS_NAME, Journal
from kiosk.journal.witness import NO_TPM
from kiosk.terminal.lifecycle import Commissioned, unlock_with_passphrase
from kiosk.terminal.signers import journal_check

PASS = "TEST-PASS-PHRASE-0001"


def _doc(d: Path) -> dict[str, Any]:
    return dict(json.loads((d / SLOTS_NAME).read_bytes()))


def _write_doc(d: Path, doc: dict[str, Any]) -> None:
    """Write the file as someone without the database key would: a fixed checksum, the old MAC."""
    doc = dict(doc)
    doc.pop("check", None)
    doc["check"] = H(canon(doc))
    (d / SLOTS_NAME).write_bytes(canon(doc) + b"\n")


def _forge(d: Path, key: bytes, change: Callable[[KeySlots], None]) -> None:
    """Rewrite the file with a valid MAC (as the terminal, or an insider with the key, can)."""
    slots = KeySlots.load(d / SLOTS_NAME)
    slots.authenticate(key)
    change(slots)
    slots.save()


def _open(d: Path, key: bytes) -> Journal:
    return Journal.open(d, key, FakeClock(), approval_check=journal_check)


def _append(j: Journal, n: int = 1) -> None:
    for i in range(n):
        j.append("envelope.stock_received", {"serials": [f"SR{j.head.seq:06d}{i:02d}"]})


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


# --------------------------------------------------------------- the file
def test_file_is_authenticated_and_records_the_head_after_every_write(
    terminal: Commissioned,
) -> None:
    j, d = terminal.journal, terminal.journal.data_dir
    doc = _doc(d)
    assert doc["format"] == "sealroom-keyslots/2"
    assert doc["head"] == {"seq": j.head.seq, "hash": j.head.hash}
    assert doc["slot_ids"] == ["recovery"]
    for _ in range(3):
        _append(j)
        assert _doc(d)["head"] == {"seq": j.head.seq, "hash": j.head.hash}
    # The MAC key is derived from the database key, never the key itself.
    raw = (d / SLOTS_NAME).read_bytes()
    assert terminal.db_key.hex().encode() not in raw
    slots = KeySlots.load(d / SLOTS_NAME)
    slots.authenticate(terminal.db_key)  # valid
    with pytest.raises(KeySlotError) as exc:
        KeySlots.load(d / SLOTS_NAME).authenticate(b"\x02" * 32)
    assert exc.value.code == "rollback.slots_edited"


@pytest.mark.parametrize(
    "edit",
    ["salt", "head", "journal_id", "kdf cost", "a field added", "a slot field added"],
)
def test_any_field_edited_is_refused_at_unlock(
    terminal: Commissioned, clock: FakeClock, edit: str
) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    before = _files(d)
    doc = _doc(d)
    recovery = doc["slots"][0]
    if edit == "salt":
        recovery["kdf"]["salt"] = recovery["kdf"]["salt"][:-2] + "AA"
    elif edit == "head":
        doc["head"]["seq"] -= 1
    elif edit == "journal_id":
        doc["journal_id"] = doc["journal_id"][:-1] + "0"
    elif edit == "a field added":
        doc["note"] = "restored by security"
    elif edit == "a slot field added":
        recovery["note"] = "x"
    else:
        recovery["kdf"]["iterations"] += 1
    _write_doc(d, doc)
    edited = _files(d)
    with pytest.raises(KeySlotError) as exc:
        unlock_with_passphrase(d, PASS, clock)
    # The slot's own AAD catches an edited slot header before the whole-file MAC does.
    expected = (
        "rollback.slots_edited" if edit in ("head", "a field added") else "keyslot.wrong_passphrase"
    )
    assert exc.value.code == expected
    assert _files(d) == edited
    (d / SLOTS_NAME).write_bytes(before[SLOTS_NAME])
    unlock_with_passphrase(d, PASS, clock).close()


def test_a_byte_edited_without_fixing_the_checksum_is_named_damaged(
    terminal: Commissioned, clock: FakeClock
) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    raw = bytearray((d / SLOTS_NAME).read_bytes())
    at = raw.index(b'"seq":') + 6
    raw[at : at + 1] = b"9" if raw[at : at + 1] != b"9" else b"8"
    (d / SLOTS_NAME).write_bytes(bytes(raw))
    with pytest.raises(KeySlotError) as exc:
        unlock_with_passphrase(d, PASS, clock)
    assert exc.value.code == "keyslot.damaged" and "checksum" in str(exc.value)


def test_recovery_slot_removed_is_named_even_with_a_valid_mac(
    terminal: Commissioned, clock: FakeClock
) -> None:
    d, key = terminal.journal.data_dir, terminal.db_key
    terminal.journal.close()
    doc = _doc(d)
    doc["slots"] = [s for s in doc["slots"] if s["id"] != "recovery"] or [
        dict(doc["slots"][0], id="other", kind="fido2-hmac-secret")
    ]
    _write_doc(d, doc)
    with pytest.raises(KeySlotError) as exc:
        unlock_with_passphrase(d, PASS, clock)
    assert exc.value.code == "rollback.recovery_removed"
    assert "recovery passphrase slot was removed" in exc.value.user_message()
    # Even written by the holder of the database key: a file without it is refused.
    (d / SLOTS_NAME).unlink()
    slots = KeySlots.create(d / SLOTS_NAME, doc["journal_id"], key)
    slots.slots = [dict(doc["slots"][0], id="fido2:AAAA", kind="fido2-hmac-secret")]
    slots.save()
    with pytest.raises(KeySlotError) as exc:
        KeySlots.load(d / SLOTS_NAME)
    assert exc.value.code == "rollback.recovery_removed"


def test_a_slot_removed_or_added_is_named(terminal: Commissioned) -> None:
    d, key = terminal.journal.data_dir, terminal.db_key
    terminal.journal.update_slots(
        lambda s: s.add_fido2(key, b"cred-one-0123456789", "sealroom.local", b"s" * 32, b"x" * 32)
    )
    terminal.journal.close()
    doc = _doc(d)
    assert doc["slot_ids"] == ["recovery", "fido2:Y3JlZC1vbmUtMDEyMzQ1Njc4OQ"]
    removed = dict(doc, slots=doc["slots"][:1])
    _write_doc(d, removed)
    with pytest.raises(KeySlotError) as exc:
        KeySlots.load(d / SLOTS_NAME)
    assert exc.value.code == "rollback.slot_removed"
    assert "security-key slot of credential Y3JlZC1vbmUtMDEy" in exc.value.user_message()
    added = dict(doc, slots=[*doc["slots"], dict(doc["slots"][1], id="fido2:ZXZpbA")])
    _write_doc(d, added)
    with pytest.raises(KeySlotError) as exc:
        KeySlots.load(d / SLOTS_NAME)
    assert exc.value.code == "rollback.slot_added"


def test_old_unauthenticated_format_is_refused(terminal: Commissioned, clock: FakeClock) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    doc = _doc(d)
    old = {"format": "sealroom-keyslots/1", "journal_id": doc["journal_id"], "slots": doc["slots"]}
    _write_doc(d, old)
    with pytest.raises(KeySlotError) as exc:
        unlock_with_passphrase(d, PASS, clock)
    assert exc.value.code == "rollback.old_format"


# ------------------------------------------------------ the head at open
def test_journal_behind_the_recorded_head_is_refused_and_nothing_changes(
    terminal: Commissioned,
) -> None:
    j, d, key = terminal.journal, terminal.journal.data_dir, terminal.db_key
    _append(j, 2)
    j.close()
    old_db = _files(d)
    j = _open(d, key)
    _append(j, 3)
    head = j.head
    j.close()
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
        (d / name).unlink(missing_ok=True)
        if name in old_db:
            (d / name).write_bytes(old_db[name])
    before = _files(d)
    with pytest.raises(JournalError) as exc:
        _open(d, key)
    assert exc.value.code == "rollback.journal_behind"
    message = exc.value.user_message()
    assert "The journal is older than its key-slot file" in message
    assert f"records entry {head.seq} ({head.hash[:12]}…)" in message
    assert _files(d) == before


def test_journal_whose_entry_at_the_head_differs_is_refused(terminal: Commissioned) -> None:
    j, d, key = terminal.journal, terminal.journal.data_dir, terminal.db_key
    _append(j, 2)
    seq = j.head.seq
    j.close()
    _forge(d, key, lambda s: setattr(s, "head", RecordedHead(seq, "ab" * 32)))
    with pytest.raises(JournalError) as exc:
        _open(d, key)
    assert exc.value.code == "rollback.journal_forked"
    assert f"entry {seq} should have hash abababababab" in exc.value.user_message()


def test_one_write_ahead_is_accepted_and_recorded_more_is_refused(terminal: Commissioned) -> None:
    j, d, key = terminal.journal, terminal.journal.data_dir, terminal.db_key
    _append(j, 1)
    behind_one = (d / SLOTS_NAME).read_bytes()
    _append(j, 1)
    head = j.head
    j.close()
    # A crash between the append and the key-slot write: the file is one write behind.
    current = (d / SLOTS_NAME).read_bytes()
    (d / SLOTS_NAME).write_bytes(behind_one)
    j = _open(d, key)
    assert j.head == head
    assert _doc(d)["head"] == {"seq": head.seq, "hash": head.hash}  # recorded again
    _append(j, 1)
    behind_two_later = _doc(d)
    j.close()
    assert current != (d / SLOTS_NAME).read_bytes()
    # Two writes behind is no crash: an older copy.
    (d / SLOTS_NAME).write_bytes(behind_one)
    with pytest.raises(JournalError) as exc:
        _open(d, key)
    assert exc.value.code == "rollback.slots_behind"
    assert "key-slot file is older than the journal" in exc.value.user_message()
    assert behind_two_later["head"]["seq"] == head.seq + 1


def test_clock_alert_and_entry_are_one_write(terminal: Commissioned, clock: FakeClock) -> None:
    j, d, key = terminal.journal, terminal.journal.data_dir, terminal.db_key
    clock.advance(hours=1)
    _append(j, 1)
    before = (d / SLOTS_NAME).read_bytes()
    clock.advance(hours=-2)  # the clock went back: an alert and the entry, in one write
    _append(j, 1)
    kinds = [e.kind for e in j.entries(j.head.seq - 1)]
    assert kinds == ["alert.raised", "envelope.stock_received"]
    j.close()
    (d / SLOTS_NAME).write_bytes(before)
    _open(d, key).close()


def test_head_not_saved_is_recorded_before_the_next_write_or_refuses_it(
    terminal: Commissioned, monkeypatch: pytest.MonkeyPatch
) -> None:
    j, d, key = terminal.journal, terminal.journal.data_dir, terminal.db_key
    real = keyslots_module.atomic_write
    failing = {"on": True}

    def flaky(path: Path, data: bytes, mode: int = 0o644, **kw: Any) -> None:
        if failing["on"]:
            raise OSError(28, "No space left on device")
        real(path, data, mode, **kw)

    monkeypatch.setattr(keyslots_module, "atomic_write", flaky)
    _append(j, 1)  # durable; the head could not be recorded
    written = j.head
    assert _doc(d)["head"]["seq"] == written.seq - 1
    with pytest.raises(JournalError) as exc:
        _append(j, 1)  # refused before anything is written
    assert exc.value.code == "rollback.head_not_saved"
    assert "No space left on device" in exc.value.user_message()
    assert j.head == written
    failing["on"] = False
    _append(j, 1)  # the old head is recorded first, then this write's
    assert _doc(d)["head"] == {"seq": j.head.seq, "hash": j.head.hash}
    j.close()
    _open(d, key).close()


def test_stale_temporary_copies_are_removed_at_open(terminal: Commissioned) -> None:
    d, key = terminal.journal.data_dir, terminal.db_key
    terminal.journal.close()
    stale = d / f".{SLOTS_NAME}.deadbeef.tmp"
    stale.write_bytes(b"half")
    _open(d, key).close()
    assert not stale.exists()


def test_keeper_refuses_a_file_that_is_not_authenticated(terminal: Commissioned) -> None:
    d = terminal.journal.data_dir
    terminal.journal.close()
    slots = KeySlots.load(d / SLOTS_NAME)
    with pytest.raises(KeySlotError):
        slots.save()  # a file read from disk is saved only once authenticated
    with pytest.raises(KeySlotError) as exc:
        HeadKeeper.load(d / SLOTS_NAME, b"\x03" * 32, NO_TPM)
    assert exc.value.code == "rollback.slots_edited"


def test_a_slot_change_that_cannot_be_saved_changes_nothing(
    terminal: Commissioned, monkeypatch: pytest.MonkeyPatch
) -> None:
    j, d, key = terminal.journal, terminal.journal.data_dir, terminal.db_key

    def disk_full(*a: Any, **kw: Any) -> None:
        raise OSError(28, "No space left on device")

    before = (d / SLOTS_NAME).read_bytes()
    monkeypatch.setattr(keyslots_module, "atomic_write", disk_full)
    with pytest.raises(JournalError) as exc:
        j.update_slots(lambda s: s.add_fido2(key, b"cred", "sealroom.local", b"s" * 32, b"x" * 32))
    assert exc.value.code == "rollback.slots_not_saved"
    assert "the key slots were not changed" in exc.value.user_message()
    assert [s["id"] for s in j.key_slots().slots] == ["recovery"]
    assert (d / SLOTS_NAME).read_bytes() == before


def test_a_field_the_terminal_never_writes_is_refused_even_with_a_valid_mac(
    terminal: Commissioned,
) -> None:
    d, key = terminal.journal.data_dir, terminal.db_key
    terminal.journal.close()
    doc = _doc(d)
    doc.pop("check")
    doc.pop("mac")
    doc["note"] = "written by the holder of the database key"
    doc["mac"] = keyslots_module._mac(keyslots_module.mac_key(key, doc["journal_id"]), doc)
    _write_doc(d, doc)
    with pytest.raises(KeySlotError) as exc:
        KeySlots.load(d / SLOTS_NAME).authenticate(key)
    assert exc.value.code == "rollback.slots_edited"
