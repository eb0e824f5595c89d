"""Pure WebAuthn assertion checks, exactly as the export spec (section 4) states them.

This module is the one place that decides whether a FIDO2 assertion stored in
the journal's ``attest`` array is valid. The terminal calls it when an approval
arrives and the auditors' verifier calls it again on an export bundle, so it
must accept *any* standard WebAuthn assertion, from any authenticator and any
client, and nothing else.

Invariants:

* No device I/O and no hardware imports: the inputs are the stored attestation
  object (base64url fields), the 32-byte entry digest, the credential's public
  key as DER SubjectPublicKeyInfo, its COSE algorithm number and the relying
  party id recorded at enrolment.
* Every check of spec section 4 that concerns one assertion is made, in a fixed
  order, and each failure raises :class:`kiosk.errors.ApprovalError` with its
  own code (``webauthn.*``), so a person is told *which* rule failed.
* The checks that need the journal (credential enrolled for that custodian and
  not revoked, distinct custodians, counter history, one-time challenges) are
  the caller's; :func:`counter_increased` gives the spec's counter rule as a
  pure function so the terminal and the verifier apply the same arithmetic.
* Nothing beyond the spec is required: ``origin``, ``crossOrigin``, extension
  data and the attested-credential flag are not judged, because the contract
  says that nothing else is an error.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from kiosk.errors import ApprovalError
from kiosk.format.canonical import b64u, b64u_decode

COSE_ES256: Final = -7
COSE_EDDSA: Final = -8
SUPPORTED_ALGS: Final = frozenset({COSE_ES256, COSE_EDDSA})

FLAG_UP: Final = 0x01
FLAG_UV: Final = 0x04

#: The attestation fields that carry bytes (spec section 4), in check order.
BYTES_FIELDS: Final = ("credential_id", "authenticator_data", "client_data_json", "signature")
#: The attestation fields that carry text.
TEXT_FIELDS: Final = ("role", "custodian")

_AUTH_DATA_MIN: Final = 37  # rpIdHash (32) + flags (1) + signCount (4)


@dataclass(frozen=True)
class ParsedAttestation:
    """One ``attest`` element with its base64url fields decoded.

    ``role`` and ``custodian`` are ``None`` when the object did not carry them
    (a bare assertion being checked before it is placed in an entry).
    """

    credential_id: bytes
    authenticator_data: bytes
    client_data_json: bytes
    signature: bytes
    role: str | None = None
    custodian: str | None = None


@dataclass(frozen=True)
class AuthenticatorDataView:
    """The fixed-size head of WebAuthn authenticator data."""

    rp_id_hash: bytes
    flags: int
    sign_count: int

    @property
    def user_present(self) -> bool:
        return bool(self.flags & FLAG_UP)

    @property
    def user_verified(self) -> bool:
        return bool(self.flags & FLAG_UV)


def parse_attest(attest: Mapping[str, Any], *, require_identity: bool = False) -> ParsedAttestation:
    """Decode an attestation object strictly.

    Each bytes field must be a non-empty string in canonical base64url (no
    padding, no stray characters); ``role`` and ``custodian``, when present (or
    when ``require_identity`` is true), must be non-empty strings. Unknown
    extra keys are ignored here: whether an entry may carry them is the
    journal's schema, not the assertion's.
    """
    if not isinstance(attest, Mapping):
        raise ApprovalError("webauthn.malformed", field="attest")
    decoded: dict[str, bytes] = {}
    for name in BYTES_FIELDS:
        value = attest.get(name)
        if not isinstance(value, str) or not value:
            raise ApprovalError("webauthn.malformed", field=name)
        try:
            raw = b64u_decode(value)
        except ValueError:
            raise ApprovalError("webauthn.malformed", field=name) from None
        if "=" in value or not raw:
            raise ApprovalError("webauthn.malformed", field=name)
        decoded[name] = raw
    texts: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        value = attest.get(name)
        if value is None and not require_identity:
            texts[name] = None
            continue
        if not isinstance(value, str) or not value:
            raise ApprovalError("webauthn.malformed", field=name)
        texts[name] = value
    return ParsedAttestation(
        credential_id=decoded["credential_id"],
        authenticator_data=decoded["authenticator_data"],
        client_data_json=decoded["client_data_json"],
        signature=decoded["signature"],
        role=texts["role"],
        custodian=texts["custodian"],
    )


def parse_authenticator_data(auth_data: bytes) -> AuthenticatorDataView:
    """Read rpIdHash, flags and the big-endian signature counter (bytes 33..36)."""
    if len(auth_data) < _AUTH_DATA_MIN:
        raise ApprovalError("webauthn.malformed", field="authenticator_data")
    flags = auth_data[32]
    (count,) = struct.unpack_from(">I", auth_data, 33)
    return AuthenticatorDataView(rp_id_hash=auth_data[:32], flags=flags, sign_count=count)


def load_public_key(
    public_key_der: bytes, alg: int
) -> ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey:
    """Load a DER SubjectPublicKeyInfo and check it fits the COSE algorithm.

    Not cached: loading a key costs about 5 µs, and a verifier that keeps
    no state between runs is easier to trust than one that saves that.
    """
    if alg not in SUPPORTED_ALGS:
        raise ApprovalError("webauthn.alg", alg=alg)
    try:
        key = serialization.load_der_public_key(public_key_der)
    except (ValueError, TypeError):
        raise ApprovalError("webauthn.key") from None
    if alg == COSE_ES256:
        if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
            return key
    elif isinstance(key, ed25519.Ed25519PublicKey):
        return key
    raise ApprovalError("webauthn.key")


def verify_assertion(
    attest: Mapping[str, Any],
    digest: bytes,
    public_key_der: bytes,
    alg: int,
    rp_id: str,
    uv_required: bool,
) -> int:
    """Check one assertion against spec section 4 and return its signature counter.

    ``digest`` is the entry digest, SHA-256(canon(body)), i.e. the WebAuthn
    challenge. The checks run in the spec's order: client data (type, then
    challenge), authenticator data (rp id hash, UP, UV when required), then the
    signature over ``authenticator_data || SHA-256(client_data_json)``. The
    first failure raises :class:`ApprovalError` with its own ``webauthn.*`` code.
    Whether the counter increased is *not* judged here (it needs the journal's
    history): pass the returned value to :func:`counter_increased`.
    """
    if not isinstance(digest, bytes) or len(digest) != 32:
        raise ApprovalError("webauthn.malformed", field="digest")
    parsed = parse_attest(attest)
    key = load_public_key(public_key_der, alg)

    client_data = _parse_client_data(parsed.client_data_json)
    if client_data.get("type") != "webauthn.get":
        raise ApprovalError("webauthn.type")
    challenge = client_data.get("challenge")
    if not isinstance(challenge, str) or not _challenge_matches(challenge, digest):
        raise ApprovalError("webauthn.challenge")

    view = parse_authenticator_data(parsed.authenticator_data)
    if view.rp_id_hash != hashlib.sha256(rp_id.encode("utf-8")).digest():
        raise ApprovalError("webauthn.rp_mismatch", rp_id=rp_id)
    if not view.user_present:
        raise ApprovalError("webauthn.no_up")
    if uv_required and not view.user_verified:
        raise ApprovalError("webauthn.no_uv")

    signed = parsed.authenticator_data + hashlib.sha256(parsed.client_data_json).digest()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(parsed.signature, signed, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(parsed.signature, signed)
    except InvalidSignature:
        raise ApprovalError("webauthn.signature") from None
    return view.sign_count


def counter_increased(previous: int | None, current: int) -> bool:
    """The spec's counter rule: greater than the previous one, unless both are 0.

    ``previous`` is ``None`` for a credential's first assertion in the journal
    (any value is then acceptable). A ``False`` result is a finding (possible
    cloned key), which the terminal refuses and records as an alert.
    """
    if previous is None:
        return True
    if previous == 0 and current == 0:
        return True
    return current > previous


def _parse_client_data(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # deep nesting: malformed, no crash
        raise ApprovalError("webauthn.malformed", field="client_data_json") from None
    if not isinstance(value, dict):
        raise ApprovalError("webauthn.malformed", field="client_data_json")
    return value


def _challenge_matches(challenge: str, digest: bytes) -> bool:
    """Compare as bytes so a client that pads its base64url is still accepted."""
    if challenge == b64u(digest):
        return True
    try:
        return b64u_decode(challenge) == digest
    except ValueError:
        return False
