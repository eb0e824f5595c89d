"""End to end: python-fido2 client -> CTAP HID framing -> simulated key -> kiosk.rules.webauthn."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from typing import Any

import pytest
from fido2.ctap2.base import Ctap2

from hardware.fido import (
    ScriptedPrompts,
    approve,
    approve_and_derive,
    derive_secret,
    discover_keys,
    enroll,
)
from hardware.sim.touch import TouchButton
from kiosk.errors import ApprovalError, CancelledError, DeviceError
from kiosk.errors.messages import MESSAGES
from kiosk.format.canonical import b64u
from kiosk.rules.webauthn import counter_increased, verify_assertion

RP_ID = "sealroom.local"
PIN = "4711-9876"


def _approve(key: Any, enrolment: Any, digest: bytes, prompts: Any = None, **kw: Any) -> Any:
    prompts = prompts or ScriptedPrompts(pins=[PIN])
    return approve(key.open_device(), digest, RP_ID, [enrolment.credential_id], True, prompts, **kw)


@pytest.mark.parametrize("alg", [-7, -8])
def test_enrol_sets_pin_then_approval_verifies(key: Any, digest: bytes, alg: int) -> None:
    assert not key.has_pin
    prompts = ScriptedPrompts(pins=[PIN], new_pins=[PIN])
    enrolment = enroll(
        key.open_device(), RP_ID, b"user-1", "dana", "Dana", prompts, algorithms=[alg]
    )
    assert key.has_pin
    assert ("request_new_pin", None) in prompts.events
    assert "fido.pin_set" in prompts.notices()
    assert enrolment.alg == alg and enrolment.rp_id == RP_ID
    assert enrolment.credential_id in key.credential_ids
    assert enrolment.to_data()["id"] == b64u(enrolment.credential_id)

    approval_prompts = ScriptedPrompts(pins=[PIN])
    assertion = _approve(key, enrolment, digest, approval_prompts)
    assert "prompt_touch" in approval_prompts.names()  # KEEPALIVE(UPNEEDED) reached the UI
    client_data = json.loads(assertion.client_data_json)
    assert client_data["type"] == "webauthn.get"
    assert client_data["challenge"] == b64u(digest)
    attest = assertion.to_attest("approver", "c-1")
    assert attest["role"] == "approver" and attest["custodian"] == "c-1"
    counter = verify_assertion(attest, digest, enrolment.public_key_der, alg, RP_ID, True)
    assert counter == key.sign_count == assertion.sign_count
    # The key really received the client-data hash of this client data, for this credential.
    last = key.calls[-1]
    assert last.command == "get_assertion" and last.status == 0
    assert last.params[2] == hashlib.sha256(assertion.client_data_json).digest()
    assert [d["id"] for d in last.params[3]] == [enrolment.credential_id]


def test_new_pin_too_short_is_asked_again(key: Any) -> None:
    prompts = ScriptedPrompts(pins=[PIN], new_pins=["12", PIN])
    enroll(key.open_device(), RP_ID, b"u", "dana", "Dana", prompts)
    assert prompts.names().count("request_new_pin") == 2
    assert "fido.pin_policy" in prompts.notices()


def test_enrol_on_key_with_pin_asks_it_with_attempts_left(key: Any, enrol: Any) -> None:
    enrol(key)
    prompts = ScriptedPrompts(pins=["0000", PIN])
    second = enroll(key.open_device(), RP_ID, b"u2", "sam", "Sam", prompts)
    assert "request_new_pin" not in prompts.names()
    assert prompts.attempts_shown() == [8, 7]
    assert second.credential_id in key.credential_ids


def test_enrol_cancelled_at_new_pin_leaves_key_untouched(key: Any) -> None:
    with pytest.raises(CancelledError):
        enroll(key.open_device(), RP_ID, b"u", "dana", "Dana", ScriptedPrompts())
    assert not key.has_pin and key.credential_ids == []


def test_same_key_cannot_enrol_twice(key: Any, enrol: Any) -> None:
    first = enrol(key)
    with pytest.raises(ApprovalError) as info:
        enroll(
            key.open_device(),
            RP_ID,
            b"u2",
            "sam",
            "Sam",
            ScriptedPrompts(pins=[PIN]),
            exclude_credential_ids=[first.credential_id],
        )
    assert info.value.code == "fido.already_enrolled"
    assert key.credential_ids == [first.credential_id]


def test_wrong_pin_shows_attempts_left_then_succeeds(key: Any, enrol: Any, digest: bytes) -> None:
    enrolment = enrol(key)
    prompts = ScriptedPrompts(pins=["0000", PIN])
    assertion = _approve(key, enrolment, digest, prompts)
    assert prompts.attempts_shown() == [8, 7]
    assert "fido.pin_wrong" in prompts.notices()
    assert key.pin_retries == 8
    verify_assertion(
        assertion.to_attest("a", "c"), digest, enrolment.public_key_der, -7, RP_ID, True
    )


def test_three_wrong_pins_need_a_power_cycle(key: Any, enrol: Any, digest: bytes) -> None:
    enrolment = enrol(key)
    with pytest.raises(ApprovalError) as info:
        _approve(key, enrolment, digest, ScriptedPrompts(pins=["0000", "1111", "2222"]))
    assert info.value.code == "fido.pin_power_cycle"
    assert key.pin_retries == 5
    key.power_cycle()
    _approve(key, enrolment, digest)
    assert key.pin_retries == 8


def test_wrong_pins_until_blocked(key: Any, enrol: Any, digest: bytes) -> None:
    enrolment = enrol(key)
    codes = []
    for _ in range(3):
        prompts = ScriptedPrompts(pins=["0000"] * 3)
        with pytest.raises(ApprovalError) as info:
            _approve(key, enrolment, digest, prompts)
        codes.append(info.value.code)
        key.power_cycle()
    assert codes == ["fido.pin_power_cycle", "fido.pin_power_cycle", "fido.pin_blocked"]
    assert key.pin_retries == 0
    assert "pin_blocked" in prompts.names()
    # Once blocked, the terminal says so at once, without asking for a PIN.
    prompts = ScriptedPrompts(pins=[PIN])
    with pytest.raises(ApprovalError) as info:
        _approve(key, enrolment, digest, prompts)
    assert info.value.code == "fido.pin_blocked"
    assert "request_pin" not in prompts.names()
    assert "locked" in info.value.user_message()
    assert MESSAGES["fido.pin_blocked"] != MESSAGES["fido.pin_wrong"]


def test_cancel_mid_touch_from_another_thread(make_key: Any, enrol: Any, digest: bytes) -> None:
    button = TouchButton()
    key = make_key(touch=button, touch_timeout=10.0)
    button.press()  # the enrolment touch
    enrolment = enrol(key)
    cancel = threading.Event()

    def person_walks_away() -> None:
        button.waiting.wait(5)
        cancel.set()

    threading.Thread(target=person_walks_away, daemon=True).start()
    dev = key.open_device()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        approve(
            dev, digest, RP_ID, [enrolment.credential_id], True, ScriptedPrompts(pins=[PIN]), cancel
        )
    assert time.monotonic() - started < 5
    assert dev._connection.cancels_received >= 1
    assert key.calls[-1].status == 0x2D  # CTAP2_ERR_KEEPALIVE_CANCEL


def test_cancel_before_start(key: Any, enrol: Any, digest: bytes) -> None:
    enrolment = enrol(key)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        _approve(key, enrolment, digest, cancel=cancel)


def test_never_touched_times_out(make_key: Any, enrol: Any, digest: bytes) -> None:
    key = make_key(touch_timeout=0.3)
    enrolment = enrol(key)
    key.misbehave.never_touched = True
    with pytest.raises(ApprovalError) as info:
        _approve(key, enrolment, digest)
    assert info.value.code == "fido.touch_timeout"
    assert info.value.retryable


def test_touch_refused(make_key: Any, enrol: Any, digest: bytes) -> None:
    key = make_key()
    enrolment = enrol(key)
    key.touch = lambda request: False
    with pytest.raises(ApprovalError) as info:
        _approve(key, enrolment, digest)
    assert info.value.code == "fido.denied"


@pytest.mark.parametrize("mode", ["error", "silent"])
def test_unplugged_key(key: Any, enrol: Any, digest: bytes, mode: str) -> None:
    enrolment = enrol(key)
    dev = key.open_device()
    key.unplug(mode)
    with pytest.raises(DeviceError) as info:
        approve(dev, digest, RP_ID, [enrolment.credential_id], True, ScriptedPrompts(pins=[PIN]))
    assert info.value.code == "fido.unplugged"


def test_unplugged_while_waiting_for_touch(make_key: Any, enrol: Any, digest: bytes) -> None:
    key = make_key()
    enrolment = enrol(key)

    def yank(request: Any) -> None:
        key.unplug("error")
        return None

    key.touch = yank
    with pytest.raises(DeviceError) as info:
        _approve(key, enrolment, digest)
    assert info.value.code == "fido.unplugged"


@pytest.mark.parametrize(
    ("switch", "code"),
    [
        ("wrong_rp_id_hash", "webauthn.rp_mismatch"),
        ("omit_up", "webauthn.no_up"),
        ("omit_uv", "webauthn.no_uv"),
        ("corrupt_signature", "webauthn.signature"),
    ],
)
def test_misbehaving_key_is_refused_by_verification(
    key: Any, enrol: Any, digest: bytes, switch: str, code: str
) -> None:
    enrolment = enrol(key)
    setattr(key.misbehave, switch, True)
    assertion = _approve(key, enrolment, digest)
    with pytest.raises(ApprovalError) as info:
        verify_assertion(
            assertion.to_attest("a", "c"), digest, enrolment.public_key_der, -7, RP_ID, True
        )
    assert info.value.code == code


def test_corrupt_cbor_is_refused_by_python_fido2(key: Any, enrol: Any, digest: bytes) -> None:
    enrolment = enrol(key)
    key.misbehave.corrupt_cbor = True
    with pytest.raises(DeviceError) as info:
        _approve(key, enrolment, digest)
    assert info.value.code == "fido.bad_response"


@pytest.mark.parametrize("switch", ["reuse_counter", "lower_counter"])
def test_counter_lies_are_caught_by_the_counter_rule(
    key: Any, enrol: Any, digest: bytes, switch: str
) -> None:
    enrolment = enrol(key)
    first = _approve(key, enrolment, digest)
    previous = verify_assertion(
        first.to_attest("a", "c"), digest, enrolment.public_key_der, -7, RP_ID, True
    )
    setattr(key.misbehave, switch, True)
    second = _approve(key, enrolment, digest)
    current = verify_assertion(
        second.to_attest("a", "c"), digest, enrolment.public_key_der, -7, RP_ID, True
    )
    assert previous > 0
    assert not counter_increased(previous, current)
    key.misbehave = type(key.misbehave)()
    third = _approve(key, enrolment, digest)
    assert counter_increased(previous, third.sign_count)


def test_uv_not_required_needs_no_pin(key: Any, enrol: Any, digest: bytes) -> None:
    enrolment = enrol(key)
    prompts = ScriptedPrompts()
    assertion = approve(key.open_device(), digest, RP_ID, [enrolment.credential_id], False, prompts)
    assert "request_pin" not in prompts.names()
    verify_assertion(
        assertion.to_attest("a", "c"), digest, enrolment.public_key_der, -7, RP_ID, False
    )
    with pytest.raises(ApprovalError) as info:
        verify_assertion(
            assertion.to_attest("a", "c"), digest, enrolment.public_key_der, -7, RP_ID, True
        )
    assert info.value.code == "webauthn.no_uv"


def test_unknown_credential_is_refused(key: Any, enrol: Any, digest: bytes) -> None:
    enrol(key)
    with pytest.raises(ApprovalError) as info:
        approve(
            key.open_device(), digest, RP_ID, [os.urandom(48)], True, ScriptedPrompts(pins=[PIN])
        )
    assert info.value.code == "fido.no_credential"


def test_approval_on_key_without_pin_is_refused(key: Any, digest: bytes) -> None:
    with pytest.raises(ApprovalError) as info:
        approve(key.open_device(), digest, RP_ID, [b"x" * 16], True, ScriptedPrompts())
    assert info.value.code == "fido.pin_not_set"


# -- hmac-secret ---------------------------------------------------------------------


def test_hmac_secret_is_stable_per_credential_and_salt(
    make_key: Any, enrol: Any, digest: bytes
) -> None:
    key_a, key_b = make_key(), make_key()
    cred_a, cred_b = enrol(key_a), enrol(key_b)
    cred_a2 = enrol(key_a, user=b"custodian-2")
    salt = os.urandom(32)

    def secret(key: Any, cred: Any, s: bytes = salt) -> bytes:
        cid, value = derive_secret(
            key.open_device(), RP_ID, [cred.credential_id], s, ScriptedPrompts(pins=[PIN])
        )
        assert cid == cred.credential_id
        return value

    first = secret(key_a, cred_a)
    assert len(first) == 32
    assert secret(key_a, cred_a) == first
    assert secret(key_a, cred_a, os.urandom(32)) != first
    assert secret(key_b, cred_b) != first
    assert secret(key_a, cred_a2) != first

    assertion, together = approve_and_derive(
        key_a.open_device(),
        digest,
        RP_ID,
        [cred_a.credential_id],
        salt,
        ScriptedPrompts(pins=[PIN]),
    )
    assert together == first
    verify_assertion(assertion.to_attest("a", "c"), digest, cred_a.public_key_der, -7, RP_ID, True)


def test_hmac_secret_depends_on_user_verification(key: Any, enrol: Any) -> None:
    """Without UV the key derives another value, so only a PIN-verified touch unlocks."""
    from fido2.client import DefaultClientDataCollector, Fido2Client
    from fido2.ctap2.extensions import HmacSecretExtension

    cred = enrol(key)
    salt = os.urandom(32)
    _, with_uv = derive_secret(
        key.open_device(), RP_ID, [cred.credential_id], salt, ScriptedPrompts(pins=[PIN])
    )
    client = Fido2Client(
        key.open_device(),
        DefaultClientDataCollector("https://" + RP_ID),
        extensions=[HmacSecretExtension(allow_hmac_secret=True)],
    )
    response = client.get_assertion(
        {
            "challenge": b64u(os.urandom(32)),
            "rpId": RP_ID,
            "allowCredentials": [{"type": "public-key", "id": b64u(cred.credential_id)}],
            "userVerification": "discouraged",
            "extensions": {"hmacGetSecret": {"salt1": b64u(salt)}},
        }
    ).get_response(0)
    assert not response.response.authenticator_data.is_user_verified()
    without_uv = response.client_extension_results.hmac_get_secret.output1
    assert without_uv != with_uv

    key.misbehave.omit_uv = True  # a key that claims no UV: its secret is refused
    with pytest.raises(ApprovalError) as info:
        derive_secret(
            key.open_device(), RP_ID, [cred.credential_id], salt, ScriptedPrompts(pins=[PIN])
        )
    assert info.value.code == "webauthn.no_uv"


# -- several keys, discovery ----------------------------------------------------------


def test_discover_and_choose_the_key_holding_the_credential(
    make_key: Any, enrol: Any, digest: bytes
) -> None:
    k1 = make_key(label="Key one")
    k2 = make_key(label="Key two")
    enrol(k1)
    cred2 = enrol(k2)
    keys = [k for k in discover_keys(simulated=[k1, k2]) if k.simulated]
    assert [k.label for k in keys] == ["Key one", "Key two"]
    assertion = approve(
        keys, digest, RP_ID, [cred2.credential_id], True, ScriptedPrompts(pins=[PIN])
    )
    assert assertion.credential_id == cred2.credential_id
    with pytest.raises(ApprovalError) as info:
        approve(keys, digest, RP_ID, [os.urandom(48)], True, ScriptedPrompts(pins=[PIN]))
    assert info.value.code == "fido.no_credential"


def test_two_plugged_keys_holding_allowed_credentials(
    make_key: Any, enrol: Any, digest: bytes
) -> None:
    k1, k2 = make_key(), make_key()
    c1, c2 = enrol(k1), enrol(k2)
    with pytest.raises(ApprovalError) as info:
        approve(
            [k1.open_device(), k2.open_device()],
            digest,
            RP_ID,
            [c1.credential_id, c2.credential_id],
            True,
            ScriptedPrompts(pins=[PIN]),
        )
    assert info.value.code == "fido.several_keys"


# -- persistence, secrets hygiene -------------------------------------------------------


def test_state_file_round_trip(make_key: Any, enrol: Any, digest: bytes, tmp_path: Any) -> None:
    path = tmp_path / "key-a.json"
    key = make_key(path=path)
    cred = enrol(key)
    before = _approve(key, cred, digest).sign_count
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert PIN not in path.read_text()

    restarted = make_key(path=path)
    assert restarted.has_pin and restarted.credential_ids == [cred.credential_id]
    assert restarted.sign_count == before
    after = _approve(restarted, cred, digest)
    assert after.sign_count > before
    verify_assertion(after.to_attest("a", "c"), digest, cred.public_key_der, -7, RP_ID, True)


def test_corrupt_state_file_is_refused(tmp_path: Any) -> None:
    from hardware.sim.authenticator import SoftAuthenticator
    from hardware.sim.fido_store import StoreCorrupt

    path = tmp_path / "key.json"
    path.write_text("{not json")
    with pytest.raises(StoreCorrupt):
        SoftAuthenticator(path)


def test_pin_never_reaches_logs_or_errors(
    key: Any, enrol: Any, digest: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    cred = enrol(key)
    messages = []
    for pins in (["9999-0000", PIN], ["9999-0000"] * 3):
        try:
            _approve(key, cred, digest, ScriptedPrompts(pins=pins))
        except ApprovalError as exc:
            messages.append(str(exc) + repr(exc.params))
    assert messages
    blob = caplog.text + "".join(messages) + repr(key.calls)
    assert PIN not in blob and "9999-0000" not in blob


# -- the proof that it is standard WebAuthn ---------------------------------------------


def test_assertion_verifies_with_cryptography_alone(key: Any, enrol: Any, digest: bytes) -> None:
    """Spec section 4 by hand: nothing from kiosk/ or hardware/ does the checking."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    cred = enrol(key)
    attest = _approve(key, cred, digest).to_attest("approver", "c-1")

    def unb64(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    auth_data = unb64(attest["authenticator_data"])
    client_json = unb64(attest["client_data_json"])
    client = json.loads(client_json)
    assert client["type"] == "webauthn.get"
    assert client["challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert auth_data[:32] == hashlib.sha256(RP_ID.encode()).digest()
    assert auth_data[32] & 0x01 and auth_data[32] & 0x04
    public = serialization.load_der_public_key(cred.public_key_der)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(
        unb64(attest["signature"]),
        auth_data + hashlib.sha256(client_json).digest(),
        ec.ECDSA(hashes.SHA256()),
    )
    assert int.from_bytes(auth_data[33:37], "big") == key.sign_count


def test_every_fido_code_has_words() -> None:
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[3]
    sources = [
        root / "kiosk" / "rules" / "webauthn.py",
        *sorted((root / "hardware" / "fido").glob("*.py")),
    ]
    codes = set()
    for source in sources:
        codes |= set(re.findall(r'"((?:fido|webauthn)\.[a-z_]+)"', source.read_text()))
    codes -= {"webauthn.get", "webauthn.create"}  # clientDataJSON types, not codes
    assert len(codes) > 15
    assert sorted(c for c in codes if c not in MESSAGES) == []


def test_ctap2_is_spoken_over_real_framing(key: Any) -> None:
    """Sanity of the transport itself: multi-packet PING, WINK, channels, keep-alives."""
    dev = key.open_device()
    payload = os.urandom(500)  # 1 init + 9 continuation packets each way
    assert dev.ping(payload) == payload
    dev.wink()
    assert key.winks == 1
    other = key.open_device()
    assert Ctap2(other).info.versions == ["FIDO_2_0", "FIDO_2_1"]
    assert dev._channel_id != 0xFFFFFFFF
