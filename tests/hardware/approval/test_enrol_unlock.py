"""Enrolment, key slots and unlocking with a security key, through python-fido2 and the sim."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from hardware.sim.authenticator import SoftAuthenticator
from hardware.sim.terminal import DEFAULT_PIN, TEST_PASSPHRASE, SimulatedTerminal, make_terminal
from hardware.sim.touch import TouchButton
from kiosk.errors import ApprovalError, CancelledError, KeySlotError, SealroomError
from kiosk.format.canonical import b64u, b64u_decode
from kiosk.format.clock import FakeClock
from kiosk.journal.keyslots import KIND_FIDO2, KeySlots
from kiosk.journal.store import SLOTS_NAME
from kiosk.rules.unlock import unlock_challenge
from kiosk.terminal.enrolment import Person, reconcile_slots, start_revocation
from kiosk.terminal.lifecycle import unlock_with_key, unlock_with_passphrase
from kiosk.terminal.witness import KeyUnlock, new_nonce


def snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def fido_slots(t: SimulatedTerminal) -> set[str]:
    slots = KeySlots.load(t.data_dir / SLOTS_NAME)
    return {b64u(cid) for cid, _ in slots.fido2_credentials()}


def creds(t: SimulatedTerminal, who: str) -> list[str]:
    return list(t.journal.state.custodians[who].credentials)


def test_commissioning_self_enrolment_and_one_slot_per_key(term: SimulatedTerminal) -> None:
    entries = list(term.journal.entries())
    assert [e.kind for e in entries[:4]] == [
        "journal.genesis",
        "custodian.enrolled",
        "custodian.enrolled",
        "custodian.enrolled",
    ]
    for e in entries[1:3]:  # each first custodian signed their own enrolment
        assert len(e.attest) == 1
        assert e.attest[0]["credential_id"] == e.data["credential"]["id"]
        assert e.attest[0]["custodian"] == e.data["custodian"]
        assert e.attest[0]["role"] == "enrollee"
    lee = entries[3]  # later enrolments are dual, by two other custodians
    assert {a["custodian"] for a in lee.attest} == {"dana", "sam"}
    assert fido_slots(term) == set(term.journal.state.credentials)
    slots = KeySlots.load(term.data_dir / SLOTS_NAME)
    assert {s["kind"] for s in slots.slots} == {"passphrase", KIND_FIDO2}
    # The journal holds no secret: no PIN anywhere in the data directory.
    term.close()
    for content in snapshot(term.data_dir).values():
        assert DEFAULT_PIN.encode() not in content


@pytest.mark.parametrize("who", ["dana", "sam", "lee"])
def test_each_custodian_unlocks_with_touch_and_pin(term: SimulatedTerminal, who: str) -> None:
    head = term.journal.head
    term.close()
    journal = term.unlock_with_key(who)
    assert journal.verify().ok
    # The unlock is journaled: who, with which key (issue 17), and nothing else.
    (unlocked,) = journal.entries(head.seq + 1)
    assert unlocked.kind == "terminal.unlocked" and unlocked.data["method"] == "key"
    assert unlocked.data["custodian"] == who
    assert unlocked.data["credential_id"] in journal.state.custodians[who].credentials
    assert ("request_pin", 8) in term.prompts.events


def test_recovery_passphrase_still_unlocks(term: SimulatedTerminal) -> None:
    head = term.journal.head
    term.close()
    journal = term.unlock_with_passphrase()
    # Journaled, and alerted: nobody's key was touched (issue 17).
    unlocked, alert = journal.entries(head.seq + 1)
    assert unlocked.kind == "terminal.unlocked" and unlocked.data == {"method": "passphrase"}
    assert alert.kind == "alert.raised" and alert.data["alert"] == "unlock.passphrase"


def _failed_unlock_changes_nothing(term: SimulatedTerminal, code: str, who: str = "dana") -> None:
    before = snapshot(term.data_dir)
    with pytest.raises(SealroomError) as info:
        term.unlock_with_key(who)
    assert info.value.code == code, info.value.user_message()
    assert snapshot(term.data_dir) == before


def test_unlock_failures_leave_the_data_untouched(term: SimulatedTerminal) -> None:
    term.close()
    key = term.key("dana")
    # Wrong PIN three times in a row: the key wants a power cycle.
    term.prompts.queue = ["0000", "1111", "2222"]
    _failed_unlock_changes_nothing(term, "fido.pin_power_cycle")
    key.power_cycle()
    # Until blocked.
    for _ in range(2):
        term.prompts.queue = ["0000", "1111", "2222"]
        with pytest.raises(ApprovalError):
            term.unlock_with_key("dana")
        key.power_cycle()
    assert key.pin_retries == 0
    _failed_unlock_changes_nothing(term, "fido.pin_blocked")
    # A key that holds no enrolled credential.
    stranger = SoftAuthenticator(label="stranger")
    before = snapshot(term.data_dir)
    term.security_keys.simulated = [stranger]
    with pytest.raises(ApprovalError) as info:
        unlock_with_key(term.data_dir, term.security_keys, term.clock)
    assert info.value.code == "fido.no_credential"
    # No key at all.
    term.security_keys.simulated = []
    with pytest.raises(SealroomError) as info:
        unlock_with_key(term.data_dir, term.security_keys, term.clock)
    assert info.value.code == "fido.no_key"
    assert snapshot(term.data_dir) == before
    # Sam still unlocks: losing (or blocking) one key loses nothing.
    assert term.unlock_with_key("sam").verify().ok


def test_unlock_cancelled_mid_touch_changes_nothing(term: SimulatedTerminal) -> None:
    term.close()
    button = TouchButton()
    term.key("sam").touch = button
    cancel = threading.Event()
    threading.Thread(target=lambda: (button.waiting.wait(5), cancel.set()), daemon=True).start()
    before = snapshot(term.data_dir)
    with pytest.raises(CancelledError):
        term.unlock_with_key("sam", cancel)
    assert snapshot(term.data_dir) == before


def test_damaged_slot_does_not_open_and_changes_nothing(term: SimulatedTerminal) -> None:
    term.close()
    path = term.data_dir / SLOTS_NAME
    doc = json.loads(path.read_bytes())
    slot = next(s for s in doc["slots"] if s["kind"] == KIND_FIDO2)
    slot["salt"] = b64u(b"\x01" * 32)  # another salt -> another secret (and a bad checksum)
    path.write_bytes(json.dumps(doc).encode())
    _failed_unlock_changes_nothing(term, "keyslot.damaged")


def test_revoked_key_loses_its_slot_and_cannot_unlock_or_approve(
    term: SimulatedTerminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    lee_cred = creds(term, "lee")[0]
    # The key-slot file as it is when the revocation is durable and its slot not yet
    # removed (where a terminal stopped between the two leaves it). Issue 17: an older
    # copy (from before the revocation) is refused at unlock (tests/insider/).
    import kiosk.terminal.enrolment as enrolment

    real_reconcile = enrolment.reconcile_slots
    crash_slots: list[bytes] = []

    def snapshot_then_reconcile(journal: Any) -> list[str]:
        crash_slots.append((term.data_dir / SLOTS_NAME).read_bytes())
        return real_reconcile(journal)

    monkeypatch.setattr(enrolment, "reconcile_slots", snapshot_then_reconcile)
    approval = start_revocation(
        term.journal,
        term.policy,
        term.security_keys,
        "lee",
        "left the company",
        whole_custodian=True,
    )
    term.sign(approval, "dana")
    term.sign(approval, "sam")
    approval.commit()
    assert lee_cred not in fido_slots(term)
    assert fido_slots(term) == {c for c in term.journal.state.credentials if c != lee_cred}
    term.close()
    # The key still holds its credential, but no slot names it any more.
    _failed_unlock_changes_nothing(term, "fido.no_credential", "lee")
    # A slot left behind (terminal stopped between the entry and the slot removal):
    # the journal says revoked, so the unlock is refused and the slot goes at the next unlock.
    monkeypatch.undo()
    (term.data_dir / SLOTS_NAME).write_bytes(crash_slots[0])
    assert lee_cred in fido_slots(term)
    with pytest.raises(ApprovalError) as info:
        term.unlock_with_key("lee")
    assert info.value.code == "approval.revoked_custodian"
    journal = term.unlock_with_key("dana")
    assert lee_cred not in fido_slots(term)
    assert reconcile_slots(journal) == []


def test_lost_key_replacement_is_dual_and_moves_the_slot(term: SimulatedTerminal) -> None:
    old = creds(term, "lee")[0]
    lee = term.custodians["lee"].person
    new = term.enrol(Person(lee.id, lee.name, lee.role), by=("dana", "sam"), replaces=old)
    entry = list(term.journal.entries())[-1]
    assert entry.data["replaces"] == old and len(entry.attest) == 2
    state = term.journal.state
    assert state.credentials[old].revoked
    new_cred = creds(term, "lee")[-1]
    assert not state.credentials[new_cred].revoked
    assert old not in fido_slots(term) and new_cred in fido_slots(term)
    term.close()
    term.custodians["lee"] = new
    assert term.unlock_with_key("lee").verify().ok


def test_enrolment_needs_two_other_custodians(term: SimulatedTerminal) -> None:
    from kiosk.terminal.enrolment import KeyEnrolment

    key = term.new_key("kim")
    term.security_keys.simulated = [key]
    term.prompts.current_pin = DEFAULT_PIN
    flow = KeyEnrolment(
        term.journal, term.policy, term.security_keys, Person("kim", "Kim Lo", "Ops")
    )
    approval = flow.register_key()
    term.sign(approval, "dana")
    with pytest.raises(ApprovalError) as info:
        term.sign(approval, "dana")
    assert info.value.code == "approval.same_key"
    with pytest.raises(ApprovalError) as info:
        flow.commit()
    assert info.value.code == "approval.incomplete"
    flow.abandon()
    assert "kim" not in term.journal.state.custodians
    assert len(fido_slots(term)) == 3  # no slot for an enrolment that was not recorded


def test_keys_in_state_files_survive_a_restart(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    t = make_terminal(tmp_path, keys_dir=keys)
    t.close()
    # New processes: fresh SoftAuthenticator objects over the same state files.
    for who in ("dana", "sam"):
        t.custodians[who].key = SoftAuthenticator(keys / f"{who}.json", label=who)
    assert t.unlock_with_key("sam").verify().ok


# -- the CLI ----------------------------------------------------------------------------------


def _run_init(tmp_path: Path, *extra: str, pins: bytes) -> subprocess.CompletedProcess[str]:
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    os.write(w1, TEST_PASSPHRASE.encode() + b"\n")
    os.close(w1)
    os.write(w2, pins)
    os.close(w2)
    try:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "ui.cli",
                "init",
                "--data",
                str(tmp_path / "data"),
                "--simulated-keys",
                str(tmp_path / "keys"),
                "--passphrase-fd",
                str(r1),
                "--pin-fd",
                str(r2),
                *extra,
            ],
            pass_fds=(r1, r2),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).resolve().parents[3],
        )
    finally:
        os.close(r1)
        os.close(r2)


def test_cli_init_with_two_simulated_custodians(tmp_path: Path) -> None:
    pins = b"1234-5678\n8765-4321\n"
    done = _run_init(
        tmp_path,
        "--custodian",
        "dana:Dana Whitfield:IT Director",
        "--custodian",
        "sam:Sam Okafor:COO",
        pins=pins,
    )
    assert done.returncode == 0, done.stderr
    assert "Custodian enrolled: Dana Whitfield (dana), entry 2" in done.stdout
    assert "Custodian enrolled: Sam Okafor (sam), entry 3" in done.stdout
    for text in (done.stdout, done.stderr):
        assert "1234-5678" not in text and "8765-4321" not in text
    for path in [*(tmp_path / "data").iterdir(), *(tmp_path / "keys").iterdir()]:
        assert b"1234-5678" not in path.read_bytes()
    # The key files are the keys: Sam's key, with Sam's PIN, unlocks the new terminal.
    from hardware.fido.prompts import ScriptedPrompts
    from hardware.fido.security_keys import FidoSecurityKeys

    sam = SoftAuthenticator(tmp_path / "keys" / "sam.json")
    auth = FidoSecurityKeys(ScriptedPrompts(pins=["8765-4321"]), simulated=[sam], usb=False)
    journal = unlock_with_key(tmp_path / "data", auth, FakeClock())
    enrolled = [e.data["custodian"] for e in journal.entries() if e.kind == "custodian.enrolled"]
    assert enrolled == ["dana", "sam"]
    journal.close()
    # The passphrase from --passphrase-fd still works.
    unlock_with_passphrase(tmp_path / "data", TEST_PASSPHRASE, FakeClock()).close()


def test_cli_init_refuses_one_custodian_and_leaves_nothing(tmp_path: Path) -> None:
    done = _run_init(tmp_path, "--custodian", "dana:Dana:IT", pins=b"1234-5678\n")
    assert done.returncode == 1
    assert "exactly two" in done.stderr
    assert not (tmp_path / "data" / "journal.db").exists()


def test_cli_init_missing_pin_undoes_commissioning(tmp_path: Path) -> None:
    done = _run_init(
        tmp_path,
        "--custodian",
        "dana:Dana:IT",
        "--custodian",
        "sam:Sam:COO",
        pins=b"1234-5678\n",
    )
    assert done.returncode == 1
    assert "No PIN was given" in done.stderr
    assert not (tmp_path / "data" / "journal.db").exists()
    assert not (tmp_path / "data" / SLOTS_NAME).exists()


def test_bad_custodian_spec_is_explained() -> None:
    with pytest.raises(ApprovalError) as info:
        Person.parse("dana-without-name")
    assert info.value.code == "enrol.bad_custodian"
    assert "id:Full Name:Role" in info.value.user_message()


def test_unlock_without_key_slots_says_use_the_passphrase(tmp_path: Path) -> None:
    from kiosk.journal.keyslots import FAST_TEST_PARAMS
    from kiosk.policy import load_policy
    from kiosk.terminal.lifecycle import commission

    done = commission(
        tmp_path / "d",
        load_policy(),
        FakeClock(),
        passphrase=TEST_PASSPHRASE,
        argon=FAST_TEST_PARAMS,
    )
    done.journal.close()
    from hardware.fido.prompts import ScriptedPrompts
    from hardware.fido.security_keys import FidoSecurityKeys

    with pytest.raises(KeySlotError) as info:
        unlock_with_key(tmp_path / "d", FidoSecurityKeys(ScriptedPrompts(), usb=False), FakeClock())
    assert info.value.code == "unlock.no_key_slot"


def test_a_key_not_on_the_allow_list_is_never_used(tmp_path: Path) -> None:
    """The policy's allow-list of security keys is enforced at every key operation."""
    from hardware.fido.security_keys import FidoSecurityKeys
    from hardware.sim.ctaphid import SIM_VID
    from hardware.sim.terminal import make_terminal
    from kiosk.errors import DeviceError
    from kiosk.terminal.lifecycle import unlock_with_key

    t = make_terminal(tmp_path)
    t.close()
    t.plug("dana")
    strict = FidoSecurityKeys(
        t.prompts, simulated=t.security_keys.simulated, usb=False, allowed=lambda v, p: v == 0x1050
    )
    with pytest.raises(DeviceError) as exc:
        unlock_with_key(t.data_dir, strict, t.clock)
    assert exc.value.code == "fido.key_not_allowed"
    assert "allow-list" in exc.value.user_message()
    assert strict.refused
    trusting = FidoSecurityKeys(
        t.prompts, simulated=t.security_keys.simulated, usb=False, allowed=lambda v, p: v == SIM_VID
    )
    unlock_with_key(t.data_dir, trusting, t.clock).close()


def test_an_unlock_record_carries_the_keys_own_assertion(term: SimulatedTerminal) -> None:
    """The record of a key unlock is checked at commit like any signature (issue 17)."""
    journal = term.journal
    cid = journal.state.custodians["dana"].credentials[0]
    slots = KeySlots.load(term.data_dir / SLOTS_NAME)
    salt = slots.fido2_salt(b64u_decode(cid))
    assert salt is not None
    term.plug("dana")
    signed_nonce, other_nonce = new_nonce(), new_nonce()
    answer, _secret = term.security_keys.unlock(
        "sealroom.local",
        {b64u_decode(cid): salt},
        unlock_challenge(journal.journal_id(), signed_nonce),
        threading.Event(),
    )
    head = journal.head
    # The assertion of another unlock (another nonce), or passed off as another person's: refused.
    for record in (
        KeyUnlock("dana", cid, other_nonce, answer),
        KeyUnlock("sam", journal.state.custodians["sam"].credentials[0], signed_nonce, answer),
    ):
        with pytest.raises(ApprovalError):
            journal.append("terminal.unlocked", record.data())
    assert journal.head == head
    # Its own: taken, and its counter is the key's witness from now on.
    entry = journal.append("terminal.unlocked", KeyUnlock("dana", cid, signed_nonce, answer).data())
    assert journal.state.credentials[cid].counter == int.from_bytes(
        b64u_decode(entry.data["assertion"]["authenticator_data"])[33:37], "big"
    )
