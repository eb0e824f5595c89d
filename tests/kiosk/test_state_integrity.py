"""The state's rules against one insider (issue 17), without crypto.

Amendment 1 in the state (the same function as the verifier's), signed
acknowledgements, quarantined entries and the halt, the record of each
unlock. Attestations are structural stand-ins (who signed with which key):
the signatures themselves are checked by the rules' per-entry checks, tested
with real keys in ``tests/insider`` and ``tests/kiosk/journal``.
"""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.errors import JournalError, TransitionError
from kiosk.format.canonical import b64u
from kiosk.format.entry import GENESIS_PREV, Entry
from kiosk.state import State
from kiosk.state.integrity import halt_refusal

A = {"custodian": "alice", "credential_id": "KA", "role": "custodian_a"}
B = {"custodian": "bob", "credential_id": "KB", "role": "custodian_b"}
TS = "2026-02-02T10:00:00.000Z"
SERIAL = "SR00000018"


class Builder:
    def __init__(self) -> None:
        self.state = State()
        self.prev = GENESIS_PREV

    def entry(self, kind: str, data: dict[str, Any], attest: tuple[Any, ...] = (A, B)) -> Entry:
        return Entry(self.state.seq + 1, TS, kind, data, self.prev, attest).sealed()

    def add(self, kind: str, data: dict[str, Any], attest: tuple[Any, ...] = (A, B)) -> Entry:
        e = self.entry(kind, data, attest)
        self.state.check(e)
        self.state.apply(e)
        self.prev = e.hash
        return e

    def refused(self, kind: str, data: dict[str, Any], attest: tuple[Any, ...]) -> str:
        with pytest.raises(TransitionError) as info:
            self.state.check(self.entry(kind, data, attest))
        return info.value.code

    def quarantine(self, kind: str, data: dict[str, Any], attest: tuple[Any, ...] = ()) -> Entry:
        e = self.entry(kind, data, attest)
        self.state.quarantine(e, "breaks a rule")
        self.prev = e.hash
        return e


def enrolment(who: str, key: str) -> dict[str, Any]:
    return {
        "custodian": who,
        "name": who.title(),
        "role": "IT",
        "duties": ["custodian"],
        "credential": {"id": key, "public_key": "pk", "alg": -7, "rp_id": "sealroom.local"},
    }


@pytest.fixture
def b() -> Builder:
    b = Builder()
    genesis = {
        "kiosk_id": "k",
        "kiosk_key": "ssh-ed25519 X",
        "policy_hash": "0" * 64,
        "uv_required": True,
        "journal_id": "j",
    }
    b.add("journal.genesis", genesis, ())
    b.add("custodian.enrolled", enrolment("alice", "KA"), (A,))
    b.add("custodian.enrolled", enrolment("bob", "KB"), (B,))
    b.add(
        "account.registered",
        {
            "account": "acc1",
            "username": "u",
            "system": "s",
            "purpose": "p",
            "storage_location": "Safe A",
            "authorised": ["alice", "bob"],
        },
    )
    b.add("envelope.stock_received", {"serials": [SERIAL]}, ())
    b.add("envelope.registered", {"serial": SERIAL, "account": "acc1", "signed_across_seal": True})
    return b


def declare(b: Builder, exception: str | None = "solo-access", incident: str = "i1") -> None:
    data: dict[str, Any] = {"incident": incident, "record": {}}
    if exception:
        data["exception"] = exception
    b.add("invocation.declared", data, ())


def checkout(exception: str | None = "solo-access") -> dict[str, Any]:
    data: dict[str, Any] = {"serial": SERIAL, "account": "acc1", "incident": "i1"}
    if exception:
        data["exception"] = exception
    return data


# -- Amendment 1 ------------------------------------------------------------------------------


def test_a_declared_exception_covers_a_listed_incident_kind(b: Builder) -> None:
    declare(b)
    b.add("envelope.checked_out", checkout(), (A,))
    assert b.state.envelope_state(SERIAL) == "checked_out"


def test_an_exception_never_covers_an_enrolment(b: Builder) -> None:
    declare(b)
    data = {**enrolment("mallory", "KM"), "incident": "i1", "exception": "solo-access"}
    # The schema refuses the field at write time; the state refuses the entry too (at unlock).
    assert b.refused("custodian.enrolled", data, (A,)) == "exception.kind"


@pytest.mark.parametrize(
    "kind",
    [
        "custodian.revoked",
        "policy.changed",
        "account.registered",
        "envelope.registered",
        "envelope.destroyed",
        "credential.rotated",
    ],
)
def test_an_exception_never_covers_administration(b: Builder, kind: str) -> None:
    declare(b)
    data = {"incident": "i1", "exception": "solo-access"}
    assert b.refused(kind, data, (A,)) == "exception.kind"


def test_an_undeclared_exception_covers_nothing(b: Builder) -> None:
    declare(b, exception=None)
    assert b.refused("envelope.checked_out", checkout(), (A,)) == "exception.not_declared"


def test_an_exception_opened_later_is_not_declared_with_the_incident(b: Builder) -> None:
    """Recorded for the incident (``exception.opened``), but not on its declaration."""
    declare(b, exception=None)
    b.add(
        "exception.opened",
        {"incident": "i1", "exception": "approver-unreachable", "reason": "r"},
        (),
    )
    data = checkout("approver-unreachable")
    assert b.refused("envelope.checked_out", data, (A,)) == "exception.not_declared"


def test_an_exception_before_its_declaration_covers_nothing(b: Builder) -> None:
    assert b.refused("envelope.checked_out", checkout(), (A,)) == "exception.not_declared"


def test_an_exception_needs_one_attestation(b: Builder) -> None:
    declare(b)
    assert b.refused("envelope.checked_out", checkout(), ()) == "exception.no_attestation"


def test_an_exception_on_an_entry_two_signed_is_harmless(b: Builder) -> None:
    """Amendment 1 asks only about entries short of two custodians."""
    declare(b)
    data = {
        "account": "acc2",
        "username": "u",
        "system": "s",
        "purpose": "p",
        "storage_location": "Safe A",
        "authorised": ["alice", "bob"],
        "incident": "i1",
        "exception": "solo-access",
    }
    assert b.refused("account.registered", data, (A,)) == "exception.kind"
    b.add("account.registered", data, (A, B))
    assert "acc2" in b.state.accounts


# -- acknowledgements -------------------------------------------------------------------------


def raise_alert(
    b: Builder, alert: str = "usb.refused", detail: dict[str, Any] | None = None
) -> int:
    data: dict[str, Any] = {"alert": alert, "summary": "s"}
    if detail is not None:
        data["detail"] = detail
    return b.add("alert.raised", data, ()).seq


def test_an_acknowledgement_is_signed_by_the_custodian_named(b: Builder) -> None:
    seq = raise_alert(b)
    ack = {"alert_seq": seq, "by": "alice"}
    assert b.refused("alert.acknowledged", ack, ()) == "integrity.ack_unsigned"
    assert b.refused("alert.acknowledged", ack, (B,)) == "integrity.ack_unsigned"
    b.add("alert.acknowledged", ack, (A,))
    assert b.state.alerts[seq].acknowledged


def test_quarantine_halts_until_two_custodians_acknowledge_its_alarm(b: Builder) -> None:
    bad = b.quarantine("account.registered", {"account": "evil"}, (A,))
    assert b.state.seq == bad.seq and b.state.head == bad.hash  # the chain moves on
    assert "evil" not in b.state.accounts  # but nothing of it is applied
    assert b.state.halted
    refusal = halt_refusal(b.state, "envelope.stock_received", {})
    assert isinstance(refusal, JournalError) and refusal.code == "journal.halted"
    assert refusal.params == {"seq": bad.seq, "kind": "account.registered"}
    for allowed in ("alert.raised", "alert.slip_failed", "alert.slip_printed", "terminal.unlocked"):
        assert halt_refusal(b.state, allowed, {}) is None
    other = raise_alert(b)
    # An ordinary alert cannot be acknowledged while halted.
    assert halt_refusal(b.state, "alert.acknowledged", {"alert_seq": other}) is not None
    alarm = raise_alert(
        b, "journal.integrity", {"seq": bad.seq, "hash": bad.hash, "kind": bad.kind, "reason": "r"}
    )
    assert b.state.quarantined[bad.seq].alarm_seq == alarm
    assert halt_refusal(b.state, "alert.acknowledged", {"alert_seq": alarm}) is None
    ack = {"alert_seq": alarm, "by": "alice"}
    assert b.refused("alert.acknowledged", ack, (A,)) == "integrity.ack_needs_two"
    b.add("alert.acknowledged", ack, (A, B))
    assert not b.state.halted and b.state.quarantined[bad.seq].acknowledged
    assert halt_refusal(b.state, "envelope.stock_received", {}) is None


def test_an_alarm_for_another_entry_or_hash_does_not_count(b: Builder) -> None:
    bad = b.quarantine("account.registered", {"account": "evil"}, (A,))
    raise_alert(b, "journal.integrity", {"seq": bad.seq, "hash": "0" * 64})
    raise_alert(b, "usb.refused", {"seq": bad.seq, "hash": bad.hash})
    assert b.state.quarantined[bad.seq].alarm_seq is None


# -- unlocks and sign-offs --------------------------------------------------------------------


def key_unlock(**over: Any) -> dict[str, Any]:
    auth = b64u(bytes(32) + bytes([0x05]) + (10).to_bytes(4, "big"))  # counter 10
    data = {
        "method": "key",
        "custodian": "alice",
        "credential_id": "KA",
        "nonce": "n",
        "assertion": {"authenticator_data": auth, "client_data_json": "e30", "signature": "c2ln"},
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_a_key_unlock_names_the_custodian_and_their_key(b: Builder) -> None:
    assert b.refused("terminal.unlocked", key_unlock(custodian="bob"), ()) == (
        "transition.key_not_theirs"
    )
    assert b.refused("terminal.unlocked", key_unlock(nonce=None), ()) == "integrity.unlock_fields"
    assert b.refused("terminal.unlocked", {"method": "passphrase", "custodian": "alice"}, ()) == (
        "integrity.unlock_fields"
    )
    b.add("terminal.unlocked", key_unlock(), ())
    cred = b.state.credentials["KA"]
    assert cred.counted and cred.counter == 10  # the unlock's counter is the key's witness
    b.add("terminal.unlocked", {"method": "passphrase"}, ())


def test_a_revoked_key_unlock_is_refused(b: Builder) -> None:
    b.add("custodian.revoked", {"custodian": "alice", "reason": "r", "whole_custodian": True})
    assert b.refused("terminal.unlocked", key_unlock(), ()) == "transition.key_revoked"


def test_the_executive_sign_off_is_signed(b: Builder) -> None:
    declare(b)
    data = {
        "incident": "i1",
        "exception": "solo-access",
        "by": {"name": "Sam Okafor", "role": "COO"},
        "method": "phone",
        "at": TS,
    }
    assert b.refused("exception.signed_off", data, ()) == "integrity.signoff_unsigned"
    b.add("exception.signed_off", data, (A,))
