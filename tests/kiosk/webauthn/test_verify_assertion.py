"""kiosk.rules.webauthn against assertions built here with cryptography (no devices involved)."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from kiosk.errors import ApprovalError
from kiosk.format.canonical import b64u
from kiosk.rules.webauthn import counter_increased, parse_attest, verify_assertion

RP_ID = "sealroom.local"


def _der(public: Any) -> bytes:
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def make_assertion(
    digest: bytes,
    alg: int = -7,
    *,
    rp_id: str = RP_ID,
    flags: int = 0x05,
    counter: int = 7,
    client: dict[str, Any] | None = None,
    key: Any = None,
) -> tuple[dict[str, str], bytes]:
    """A standard WebAuthn assertion, signed the way any authenticator signs it."""
    if key is None:
        key = (
            ec.generate_private_key(ec.SECP256R1())
            if alg == -7
            else ed25519.Ed25519PrivateKey.generate()
        )
    client = client or {
        "type": "webauthn.get",
        "challenge": b64u(digest),
        "origin": "https://" + rp_id,
        "crossOrigin": False,
    }
    client_json = json.dumps(client, separators=(",", ":")).encode()
    auth_data = (
        hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", counter)
    )
    signed = auth_data + hashlib.sha256(client_json).digest()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        sig = key.sign(signed, ec.ECDSA(hashes.SHA256()))
    else:
        sig = key.sign(signed)
    attest = {
        "role": "approver",
        "custodian": "c-1",
        "credential_id": b64u(os.urandom(16)),
        "authenticator_data": b64u(auth_data),
        "client_data_json": b64u(client_json),
        "signature": b64u(sig),
    }
    return attest, _der(key.public_key())


@pytest.fixture
def digest() -> bytes:
    return os.urandom(32)


def _code(fn: Any, *args: Any) -> str:
    with pytest.raises(ApprovalError) as info:
        fn(*args)
    return info.value.code


@pytest.mark.parametrize("alg", [-7, -8])
def test_valid_assertion_returns_counter(digest: bytes, alg: int) -> None:
    attest, der = make_assertion(digest, alg, counter=41)
    assert verify_assertion(attest, digest, der, alg, RP_ID, True) == 41


def test_each_rule_has_its_own_code(digest: bytes) -> None:
    attest, der = make_assertion(digest)
    other = os.urandom(32)
    assert _code(verify_assertion, attest, other, der, -7, RP_ID, True) == "webauthn.challenge"
    assert (
        _code(verify_assertion, attest, digest, der, -7, "evil.example", True)
        == "webauthn.rp_mismatch"
    )

    a, d = make_assertion(digest, flags=0x04)
    assert _code(verify_assertion, a, digest, d, -7, RP_ID, False) == "webauthn.no_up"
    a, d = make_assertion(digest, flags=0x01)
    assert _code(verify_assertion, a, digest, d, -7, RP_ID, True) == "webauthn.no_uv"
    assert verify_assertion(a, digest, d, -7, RP_ID, False) == 7

    create = {"type": "webauthn.create", "challenge": b64u(digest), "origin": "https://x"}
    a, d = make_assertion(digest, client=create)
    assert _code(verify_assertion, a, digest, d, -7, RP_ID, True) == "webauthn.type"

    _, stranger = make_assertion(digest)
    assert (
        _code(verify_assertion, attest, digest, stranger, -7, RP_ID, True) == "webauthn.signature"
    )
    tampered = dict(attest)  # counter changed after signing
    tampered["authenticator_data"] = b64u(
        hashlib.sha256(RP_ID.encode()).digest() + b"\x05" + struct.pack(">I", 8)
    )
    assert _code(verify_assertion, tampered, digest, der, -7, RP_ID, True) == "webauthn.signature"


def test_key_and_algorithm_must_agree(digest: bytes) -> None:
    attest, der = make_assertion(digest, -7)
    assert _code(verify_assertion, attest, digest, der, -8, RP_ID, True) == "webauthn.key"
    assert _code(verify_assertion, attest, digest, der, -257, RP_ID, True) == "webauthn.alg"
    assert _code(verify_assertion, attest, digest, b"not a key", -7, RP_ID, True) == "webauthn.key"
    p384 = _der(ec.generate_private_key(ec.SECP384R1()).public_key())
    assert _code(verify_assertion, attest, digest, p384, -7, RP_ID, True) == "webauthn.key"
    rsa_der = _der(rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key())
    assert _code(verify_assertion, attest, digest, rsa_der, -7, RP_ID, True) == "webauthn.key"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signature", None),
        ("signature", 5),
        ("signature", ""),
        ("authenticator_data", "!!!"),
        ("client_data_json", "YWJj="),  # padded
        ("credential_id", "YWJj+/"),  # standard, not url-safe, alphabet
        ("authenticator_data", b64u(b"short")),
        ("client_data_json", b64u(b"\xff\xfe not utf-8")),
        ("client_data_json", b64u(b"[1, 2]")),
    ],
)
def test_malformed_fields(digest: bytes, field: str, value: Any) -> None:
    attest, der = make_assertion(digest)
    attest[field] = value
    with pytest.raises(ApprovalError) as info:
        verify_assertion(attest, digest, der, -7, RP_ID, True)
    assert info.value.code == "webauthn.malformed"
    assert info.value.params["field"] == field


def test_digest_must_be_32_bytes(digest: bytes) -> None:
    attest, der = make_assertion(digest)
    assert (
        _code(verify_assertion, attest, digest[:31], der, -7, RP_ID, True) == "webauthn.malformed"
    )


def test_any_standard_assertion_is_accepted(digest: bytes) -> None:
    """Extra client-data members, extension data, a padded challenge: still valid."""
    client = {
        "type": "webauthn.get",
        "challenge": b64u(digest) + "=" * (-len(b64u(digest)) % 4),
        "origin": "https://another-client.example",
        "tokenBinding": {"status": "supported"},
        "other_keys_can_be_added_here": "do not compare clientDataJSON against a template",
    }
    attest, der = make_assertion(digest, client=client, flags=0x85)
    attest["future_field"] = "ignored"
    assert verify_assertion(attest, digest, der, -7, RP_ID, True) == 7


def test_parse_attest_identity() -> None:
    attest, _ = make_assertion(os.urandom(32))
    parsed = parse_attest(attest, require_identity=True)
    assert parsed.role == "approver" and parsed.custodian == "c-1"
    del attest["custodian"]
    assert parse_attest(attest).custodian is None
    with pytest.raises(ApprovalError):
        parse_attest(attest, require_identity=True)


def test_counter_rule() -> None:
    assert counter_increased(None, 0)
    assert counter_increased(0, 0)
    assert counter_increased(4, 5)
    assert not counter_increased(5, 5)
    assert not counter_increased(5, 4)
    assert not counter_increased(3, 0)
    assert counter_increased(0, 1)


def test_messages_exist_and_are_not_generic(digest: bytes) -> None:
    from kiosk.errors.messages import MESSAGES

    for code in (
        "webauthn.malformed",
        "webauthn.type",
        "webauthn.challenge",
        "webauthn.rp_mismatch",
        "webauthn.no_up",
        "webauthn.no_uv",
        "webauthn.signature",
        "webauthn.alg",
        "webauthn.key",
        "webauthn.counter",
    ):
        assert code in MESSAGES
    attest, der = make_assertion(digest)
    with pytest.raises(ApprovalError) as info:
        verify_assertion(attest, digest, der, -7, "evil.example", True)
    assert "evil.example" in info.value.user_message()


def test_webauthn_module_imports_no_hardware() -> None:
    import ast
    import pathlib

    import kiosk.rules.webauthn as mod

    tree = ast.parse(pathlib.Path(mod.__file__).read_text())
    imported = {
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in (n.names if isinstance(n, ast.Import) else [n])  # type: ignore[attr-defined]
    }
    assert not any(str(m).split(".")[0] in {"hardware", "ui", "fido2", "PySide6"} for m in imported)
