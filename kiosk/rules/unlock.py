"""The unlock's own WebAuthn assertion, recorded in ``terminal.unlocked``.

Why: every unlock is journaled with the key that opened the terminal, and
the key's assertion is the hardware's witness — its signature counter says
how often the key signed, wherever it was used. The journal is still locked
when the key is touched, so that assertion cannot sign an entry's digest;
it signs :func:`unlock_challenge` instead (the journal's id and a fresh
nonce, both recorded), and goes in the entry's ``data``:

    {"method": "key", "custodian": ID, "credential_id": b64u, "nonce": b64u,
     "assertion": {"authenticator_data": b64u, "client_data_json": b64u,
                   "signature": b64u}}

The terminal (at commit and at every later unlock) and the auditors'
verifier check it with :func:`check_unlock_assertion`: client data of type
``webauthn.get`` whose challenge is :func:`unlock_challenge`, rp id hash,
User Present and User Verified (an unlock always asks for the PIN), and the
signature with the credential enrolled for that custodian. Whether the
counter increased is the caller's (it needs the journal's history).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from kiosk.errors import ApprovalError
from kiosk.format.canonical import canon
from kiosk.rules.webauthn import verify_assertion

PURPOSE: Final = "sealroom.unlock"
#: The assertion's fields kept in ``data.assertion``.
ASSERTION_FIELDS: Final = ("authenticator_data", "client_data_json", "signature")


def unlock_challenge(journal_id: str, nonce: str) -> bytes:
    """The 32 bytes an unlock's key signs: SHA-256 of ``canon({journal_id, nonce, purpose})``.

    Bound to the journal (an assertion made to unlock another terminal does
    not pass here) and to a nonce drawn for this unlock.
    """
    body = {"journal_id": journal_id, "nonce": nonce, "purpose": PURPOSE}
    return hashlib.sha256(canon(body)).digest()


def as_attestation(data: Mapping[str, Any]) -> dict[str, Any]:
    """The unlock's assertion in the shape of one ``attest`` element (for the checks)."""
    raw = data.get("assertion")
    assertion: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    out: dict[str, Any] = {name: assertion.get(name) for name in ASSERTION_FIELDS}
    out["credential_id"] = data.get("credential_id")
    return out


def check_unlock_assertion(
    data: Mapping[str, Any], journal_id: str, public_key_der: bytes, alg: int, rp_id: str
) -> int:
    """Check a key unlock's assertion (see the module docstring); return its counter.

    Raises :class:`ApprovalError` with the ``webauthn.*`` code of the first
    rule that fails.
    """
    nonce = data.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise ApprovalError("webauthn.malformed", field="nonce")
    challenge = unlock_challenge(journal_id, nonce)
    return verify_assertion(
        as_attestation(data), challenge, public_key_der, alg, rp_id, uv_required=True
    )
