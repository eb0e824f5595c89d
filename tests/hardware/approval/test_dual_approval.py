"""Dual control end to end: approvals -> FidoSecurityKeys -> python-fido2 -> simulated keys.

Every refusal is produced by a real key answering through python-fido2's
client (the simulated key is told to misbehave at the device), and checked
for its own message code.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from hardware.sim.authenticator import SoftAuthenticator
from hardware.sim.terminal import SimulatedTerminal, make_terminal
from hardware.sim.touch import TouchButton, always_touch
from kiosk.errors import ApprovalError, CancelledError, JournalBusyError
from kiosk.errors.messages import MESSAGES, render
from kiosk.format.canonical import b64u_decode
from kiosk.terminal.approvals import COUNTER_ALERT, SoloApproval
from kiosk.terminal.enrolment import KeyEnrolment, Person, start_revocation
from kiosk.terminal.signers import check_entry

SERIAL = "SR00000018"


def register_data(serial: str = SERIAL, account: str = "root-db") -> dict[str, object]:
    return {"serial": serial, "account": account, "signed_across_seal": True}


def stock(t: SimulatedTerminal, serial: str = SERIAL) -> None:
    t.journal.append("envelope.stock_received", {"serials": [serial]})


def refused(code: str, fn: Any, *args: Any, **kw: Any) -> ApprovalError:
    with pytest.raises(ApprovalError) as info:
        fn(*args, **kw)
    assert info.value.code == code, info.value.user_message()
    assert code in MESSAGES
    return info.value


def cred_of(t: SimulatedTerminal, who: str) -> str:
    return t.journal.state.custodians[who].credentials[-1]


def touches(key: SoftAuthenticator) -> int:
    """User-present getAssertion calls the key answered (silent probes excluded)."""
    return sum(
        1
        for c in key.calls
        if c.command == "get_assertion" and (c.params.get(5) or {}).get("up", True) is not False
    )


# -- the happy path ----------------------------------------------------------------------


def test_dual_entry_two_custodians_then_commit(term: SimulatedTerminal) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    assert approval.next_role == "custodian_a"
    a = term.sign(approval, "dana")
    assert (a.role, a.name) == ("custodian_a", "Dana Whitfield")
    assert approval.next_role == "custodian_b" and not approval.complete
    with pytest.raises(JournalBusyError):  # nothing else while signatures are collected
        term.journal.append("envelope.stock_received", {"serials": ["SR00000026"]})
    b = term.sign(approval, "sam")
    assert b.name == "Sam Okafor" and approval.complete
    assert [s.custodian for s in approval.signers] == ["dana", "sam"]
    entry = approval.commit()
    assert term.journal.state.envelope_state(SERIAL) == "sealed"
    assert [a["role"] for a in entry.attest] == ["custodian_a", "custodian_b"]
    assert [a["custodian"] for a in entry.attest] == ["dana", "sam"]
    assert term.journal.verify().ok


def test_commit_before_both_signed_is_refused(term: SimulatedTerminal) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    term.sign(approval, "dana")
    e = refused("approval.incomplete", approval.commit)
    assert "custodian_b" in e.user_message()
    approval.abandon()


def test_solo_needs_a_recorded_exception(term: SimulatedTerminal) -> None:
    refused(
        "approval.exception_required",
        SoloApproval,
        term.journal,
        term.policy,
        term.security_keys,
        "account.registered",
        {},
    )


# -- what the key says is wrong ------------------------------------------------------------


@pytest.mark.parametrize(
    ("switch", "code"),
    [
        ("wrong_rp_id_hash", "webauthn.rp_mismatch"),
        ("omit_up", "webauthn.no_up"),
        ("omit_uv", "webauthn.no_uv"),
        ("corrupt_signature", "webauthn.signature"),
    ],
)
def test_lying_key_is_refused_before_it_is_added(
    term: SimulatedTerminal, switch: str, code: str
) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    setattr(term.key("dana").misbehave, switch, True)
    refused(code, term.sign, approval, "dana")
    assert approval.pending.attestations == () and approval.signers == ()
    # The person can approve again once the key behaves.
    setattr(term.key("dana").misbehave, switch, False)
    term.sign(approval, "dana")
    term.sign(approval, "sam")
    approval.commit()


def test_corrupt_cbor_is_a_device_error_with_its_own_message(term: SimulatedTerminal) -> None:
    from kiosk.errors import DeviceError

    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    term.key("dana").misbehave.corrupt_cbor = True
    with pytest.raises(DeviceError) as info:
        term.sign(approval, "dana")
    assert info.value.code == "fido.bad_response"
    assert approval.pending.attestations == ()
    approval.abandon()


@pytest.mark.parametrize("switch", ["reuse_counter", "lower_counter"])
def test_counter_not_increasing_refused_and_alert_recorded(
    term: SimulatedTerminal, switch: str
) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    first_seq = approval.pending.seq
    setattr(term.key("sam").misbehave, switch, True)
    term.sign(approval, "dana")
    e = refused("approval.counter", term.sign, approval, "sam")
    assert "copied" in e.user_message() and "Sam Okafor" in e.user_message()
    # refuse -> abandon -> alert: the alert took the pending entry's place.
    assert approval.pending.closed and term.journal.pending is None
    alert = term.journal.entry(first_seq)
    assert alert is not None and alert.kind == "alert.raised"
    assert alert.data["alert"] == COUNTER_ALERT
    assert alert.data["detail"]["credential_id"] == cred_of(term, "sam")
    assert e.params["alert_seq"] == first_seq
    assert [a.alert for a in term.journal.state.open_alerts()] == [COUNTER_ALERT]
    # The step restarts with a new challenge; another custodian pair can finish it.
    approval.restart()
    assert approval.pending.seq == first_seq + 1 and approval.signers == ()
    setattr(term.key("sam").misbehave, switch, False)
    term.sign(approval, "dana")
    term.sign(approval, "sam")
    assert approval.commit().kind == "envelope.registered"


# -- one challenge, one use -----------------------------------------------------------------


def test_assertion_for_an_abandoned_step_is_refused(term: SimulatedTerminal) -> None:
    stock(term)
    first = term.dual_approval("envelope.registered", register_data())
    term.plug("dana")
    old = term.security_keys.approve(
        first.digest,
        [b64u_decode(cred_of(term, "dana"))],
        "sealroom.local",
        True,
        threading.Event(),
    )
    first.abandon()
    second = term.dual_approval("envelope.registered", register_data())
    assert second.digest != first.digest
    e = refused(
        "approval.replayed", second.add, {**old, "role": "custodian_a", "custodian": "dana"}
    )
    assert "another step" in e.user_message() and "cancelled" in e.user_message()
    assert second.pending.attestations == ()
    second.abandon()


def test_assertion_from_an_earlier_entry_is_refused(term: SimulatedTerminal) -> None:
    stock(term)
    entry = term.dual("envelope.registered", register_data())
    stock(term, "SR00000026")
    approval = term.dual_approval("envelope.registered", register_data("SR00000026"))
    e = refused("approval.replayed", approval.add, entry.attest[0])
    assert f"entry {entry.seq}" in e.user_message()
    approval.abandon()


# -- who may approve -----------------------------------------------------------------------


def test_same_key_twice_refused_before_touch(term: SimulatedTerminal) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    term.sign(approval, "dana")
    before = touches(term.key("dana"))
    e = refused("approval.same_key", term.sign, approval, "dana")
    assert "Dana Whitfield" in e.user_message()
    assert touches(term.key("dana")) == before  # refused without asking for a touch
    # And an assertion made anyway (over the right digest) is refused when added.
    again = term.security_keys.approve(
        approval.digest,
        [b64u_decode(cred_of(term, "dana"))],
        "sealroom.local",
        True,
        threading.Event(),
    )
    refused(
        "approval.same_key", approval.add, {**again, "role": "custodian_b", "custodian": "dana"}
    )
    assert len(approval.pending.attestations) == 1
    approval.abandon()


def test_a_key_other_than_the_named_custodians_is_refused_at_once_naming_both(
    term: SimulatedTerminal,
) -> None:
    """Issue 22: Sam's key is asked for; Dana's (already signed), Lee's or a blank key
    is plugged in. Each is refused before any touch (no wait for a touch that cannot
    count), naming whose key it is and whose is expected; then Sam's key approves."""
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    term.sign(approval, "dana")
    keys = [term.key(c) for c in ("dana", "sam", "lee")]
    blank = term.new_key("blank")
    before = [touches(k) for k in (*keys, blank)]

    term.plug("dana")
    e = refused("key_turn.already_approved", approval.sign, custodian="sam")
    assert e.user_message().startswith(
        "This is Dana Whitfield's key, which already approved this step: Sam Okafor must "
        "use their own key."
    ), e.user_message()
    term.plug("lee")
    e = refused("key_turn.someone_else", approval.sign, custodian="sam")
    lee = term.journal.state.custodians["lee"].name
    assert f"This is {lee}'s key, not Sam Okafor's" in e.user_message(), e.user_message()
    term.plug(extra=[blank])
    e = refused("key_turn.unknown_key", approval.sign, custodian="sam")
    assert "Sam Okafor" in e.user_message()
    assert [touches(k) for k in (*keys, blank)] == before  # no touch was asked for
    assert len(approval.pending.attestations) == 1

    term.plug("sam")
    assert approval.sign(custodian="sam").name == "Sam Okafor"
    approval.commit()


def test_same_person_with_second_key_refused(term: SimulatedTerminal) -> None:
    # Dana gets a second key (dual: Sam and Lee approve).
    spare = term.new_key("dana-2")
    term.security_keys.simulated = [spare]
    flow = KeyEnrolment(
        term.journal,
        term.policy,
        term.security_keys,
        Person("dana", "Dana Whitfield", "IT Director"),
    )
    enrolment = flow.register_key()
    term.sign(enrolment, "sam")
    term.sign(enrolment, "lee")
    flow.commit()
    assert len(term.journal.state.custodians["dana"].credentials) == 2

    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    term.sign(approval, "dana")  # first key
    term.plug(extra=[spare])
    term.prompts.current_pin = term.custodians["dana"].pin
    e = refused("approval.same_person", approval.sign)
    assert "Dana Whitfield" in e.user_message() and "different custodian" in e.user_message()
    approval.abandon()


def test_custodian_not_authorised_for_the_account(term: SimulatedTerminal) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    e = refused("approval.not_authorised", term.sign, approval, "lee")
    assert "Lee Park" in e.user_message() and "root-db" in e.user_message()
    term.sign(approval, "dana")
    refused("approval.not_authorised", term.sign, approval, "lee")
    # Lee may approve entries that need any custodian (e.g. another enrolment).
    approval.abandon()
    reg = term.dual_approval(
        "account.registered",
        {
            "account": "fw",
            "username": "bg-fw",
            "system": "Firewall",
            "purpose": "Break-glass",
            "storage_location": "Safe 1",
            "authorised": ["lee", "sam"],
        },
    )
    term.sign(reg, "lee")
    term.sign(reg, "sam")
    reg.commit()


def test_key_not_enrolled_here(term: SimulatedTerminal, tmp_path: Path) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    # A key with a credential for this rp id, enrolled on another terminal.
    other = make_terminal(tmp_path / "other", custodians=["zoe:Zoe:IT", "max:Max:IT"])
    stranger = other.key("zoe")
    other.close()
    term.plug(extra=[stranger])
    before = touches(stranger)
    refused("fido.no_credential", approval.sign)
    assert touches(stranger) == before  # found silently not to hold a credential: no touch
    # Its assertion, if handed in anyway, is refused as unknown.
    other.plug("zoe")
    zoe_cred = other.journal.state.custodians["zoe"].credentials[0]
    answer = other.security_keys.approve(
        approval.digest, [b64u_decode(zoe_cred)], "sealroom.local", True, threading.Event()
    )
    refused(
        "approval.unknown_credential",
        approval.add,
        {**answer, "role": "custodian_a", "custodian": "zoe"},
    )
    approval.abandon()


def _revoke(term: SimulatedTerminal, who: str, whole: bool = False) -> str:
    cred = cred_of(term, who)
    approval = start_revocation(
        term.journal,
        term.policy,
        term.security_keys,
        who,
        "key lost in the car park",
        credential_id=None if whole else cred,
        whole_custodian=whole,
    )
    term.sign(approval, "dana")
    term.sign(approval, "sam")
    approval.commit()
    return cred


@pytest.mark.parametrize(
    ("whole", "code"),
    [(False, "approval.revoked_credential"), (True, "approval.revoked_custodian")],
)
def test_revoked_key_or_person_refused_saying_so(
    term: SimulatedTerminal, whole: bool, code: str
) -> None:
    # Lee's key has approved before (it is a real, known key), then is revoked.
    cred = _revoke(term, "lee", whole)
    approval = term.dual_approval("policy.changed", {"policy_hash": "0" * 64, "uv_required": True})
    e = refused(code, term.sign, approval, "lee")
    assert "Lee Park" in e.user_message() and "revoked" in e.user_message()
    answer = term.security_keys.approve(
        approval.digest, [b64u_decode(cred)], "sealroom.local", True, threading.Event()
    )
    refused(code, approval.add, {**answer, "role": "custodian_a", "custodian": "lee"})
    approval.abandon()


# -- PIN and cancel ------------------------------------------------------------------------------


def test_wrong_pin_then_right_then_blocked(term: SimulatedTerminal) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    term.prompts.queue = ["0000"]
    term.sign(approval, "dana")
    assert "fido.pin_wrong" in term.prompts.notices()
    key = term.key("sam")
    codes = []
    for _ in range(3):
        term.prompts.queue = ["0000", "1111", "2222"]
        with pytest.raises(ApprovalError) as info:
            term.sign(approval, "sam")
        codes.append(info.value.code)
        key.power_cycle()
    assert codes == ["fido.pin_power_cycle", "fido.pin_power_cycle", "fido.pin_blocked"]
    e = refused("fido.pin_blocked", term.sign, approval, "sam")
    assert "locked" in e.user_message()
    assert len(approval.pending.attestations) == 1  # Dana's approval is still there
    approval.abandon()


def test_cancel_mid_touch(term: SimulatedTerminal) -> None:
    stock(term)
    approval = term.dual_approval("envelope.registered", register_data())
    button = TouchButton()
    term.key("dana").touch = button
    cancel = threading.Event()

    def walks_away() -> None:
        button.waiting.wait(5)
        cancel.set()

    threading.Thread(target=walks_away, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        term.sign(approval, "dana", cancel=cancel)
    assert time.monotonic() - started < 3
    assert approval.pending.attestations == () and not approval.pending.closed
    term.key("dana").touch = always_touch  # Dana comes back and touches at once
    term.sign(approval, "dana")
    term.sign(approval, "sam")
    approval.commit()


# -- the commit-time check ---------------------------------------------------------


def test_commit_rechecks_every_attestation(term: SimulatedTerminal) -> None:
    """Attestations put on a pending entry without the approval layer are checked at commit."""
    stock(term)
    pending = term.journal.begin("envelope.registered", register_data())
    rp = "sealroom.local"
    term.plug("dana")
    good = term.security_keys.approve(
        pending.digest, [b64u_decode(cred_of(term, "dana"))], rp, True, threading.Event()
    )
    term.key("sam").misbehave.corrupt_signature = True
    term.plug("sam")
    bad = term.security_keys.approve(
        pending.digest, [b64u_decode(cred_of(term, "sam"))], rp, True, threading.Event()
    )
    pending.add({**good, "role": "custodian_a", "custodian": "dana"})
    pending.add({**bad, "role": "custodian_b", "custodian": "sam"})
    head = term.journal.head
    refused("webauthn.signature", pending.commit)
    assert term.journal.head == head and term.journal.verify().entries == head.seq
    pending.abandon()


def test_every_refusal_has_its_own_message() -> None:
    codes = [
        "webauthn.rp_mismatch",
        "webauthn.no_up",
        "webauthn.no_uv",
        "webauthn.signature",
        "fido.bad_response",
        "approval.counter",
        "approval.replayed",
        "approval.same_key",
        "approval.same_person",
        "approval.not_authorised",
        "approval.unknown_credential",
        "fido.no_credential",
        "approval.revoked_credential",
        "approval.revoked_custodian",
        "fido.pin_wrong",
        "fido.pin_power_cycle",
        "fido.pin_blocked",
        "cancelled",
    ]
    texts = [render(c, {}) for c in codes]
    assert len(set(texts)) == len(codes)


# -- the journal holds standard WebAuthn assertions --------------------------------


def _b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _canon(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_attestations_verify_with_cryptography_and_the_spec_only(term: SimulatedTerminal) -> None:
    """Spec section 4, re-implemented from the page: hashlib, json, cryptography."""
    stock(term)
    term.dual("envelope.registered", register_data())
    lines = [json.loads(raw) for raw in term.journal.lines()]
    creds: dict[str, dict[str, Any]] = {}
    counters: dict[str, int] = {}
    uv_required = lines[0]["data"]["uv_required"]
    checked = 0
    for e in lines:
        body = {k: e[k] for k in ("seq", "ts", "kind", "data", "prev")}
        digest = hashlib.sha256(_canon(body)).digest()
        if e["kind"] == "custodian.enrolled":
            pending_cred = e["data"]["credential"]
            if e["seq"] in (2, 3):  # self-signed first enrolments
                creds[pending_cred["id"]] = dict(pending_cred, custodian=e["data"]["custodian"])
        for a in e["attest"]:
            cred = creds[a["credential_id"]]
            assert cred["custodian"] == a["custodian"]
            client = json.loads(_b64u(a["client_data_json"]))
            assert client["type"] == "webauthn.get"
            assert client["challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            auth = _b64u(a["authenticator_data"])
            assert auth[:32] == hashlib.sha256(cred["rp_id"].encode()).digest()
            assert auth[32] & 0x01 and (auth[32] & 0x04 or not uv_required)
            signed = auth + hashlib.sha256(_b64u(a["client_data_json"])).digest()
            key = serialization.load_der_public_key(_b64u(cred["public_key"]))
            if cred["alg"] == -7:
                assert isinstance(key, ec.EllipticCurvePublicKey)
                key.verify(_b64u(a["signature"]), signed, ec.ECDSA(hashes.SHA256()))
            else:
                assert isinstance(key, ed25519.Ed25519PublicKey)
                key.verify(_b64u(a["signature"]), signed)
            count = int.from_bytes(auth[33:37], "big")
            prev = counters.get(a["credential_id"])
            assert prev is None or count > prev or prev == count == 0
            counters[a["credential_id"]] = count
            checked += 1
        if e["kind"] == "custodian.enrolled" and e["seq"] not in (2, 3):
            creds[e["data"]["credential"]["id"]] = dict(
                e["data"]["credential"], custodian=e["data"]["custodian"]
            )
        if e["kind"] == "envelope.registered":
            assert len({a["custodian"] for a in e["attest"]}) == 2
            assert len({a["credential_id"] for a in e["attest"]}) == 2
    # 2 self-signed enrolments + Lee's dual enrolment + account + envelope = 8 assertions.
    assert checked == 8
    assert term.journal.verify().ok


def test_check_entry_rejects_a_tampered_journal_line(term: SimulatedTerminal) -> None:
    stock(term)
    entry = term.dual("envelope.registered", register_data())
    from kiosk.state import replay

    before = replay(e for e in term.journal.entries() if e.seq < entry.seq)
    check_entry(entry, before)  # the real entry passes
    forged = entry.__class__(
        entry.seq, entry.ts, entry.kind, dict(entry.data, account="other"), entry.prev, entry.attest
    )
    refused(
        "approval.replayed",
        check_entry,
        forged,
        before,
        describe_digest=lambda d: "the original entry" if d == entry.digest else None,
    )


def test_solo_approval_under_a_recorded_exception(term: SimulatedTerminal) -> None:
    term.journal.append(
        "invocation.declared",
        {"incident": "INC-1", "record": {"reason": "outage"}, "exception": "solo"},
    )
    data = {"incident": "INC-1", "record_hash": "0" * 64, "exception": "solo"}
    approval = SoloApproval(term.journal, term.policy, term.security_keys, "session.signed", data)
    assert approval.roles == ("custodian",)
    term.sign(approval, "dana")
    entry = approval.commit()
    assert [(a["role"], a["custodian"]) for a in entry.attest] == [("custodian", "dana")]
