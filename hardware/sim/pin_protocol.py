"""The simulated key's PIN: authenticatorClientPIN with PIN/UV auth protocol 2 (CTAP 2.1 §6.5).

Implements getPINRetries, getKeyAgreement, setPIN, changePIN, getPinToken and
getPinUvAuthTokenUsingPinWithPermissions; the pinUvAuthParam check that
makeCredential and getAssertion make with the token; and the protocol's
crypto (ECDH key agreement, HKDF, AES-256-CBC, HMAC-SHA-256), which the
``hmac-secret`` extension uses too.

Invariants:

* State that a real key keeps in flash (PIN verifier, retries) lives in the
  :class:`~hardware.sim.fido_store.FidoStore`; volatile state (key-agreement
  key, PIN token, consecutive-failure count) is lost on :meth:`PinProtocol.power_cycle`.
* 8 retries then blocked; 3 wrong in a row then "power cycle required"; a
  wrong PIN also regenerates the key-agreement key, as the spec asks.
* A token carries mc/ga permissions, is bound to the first RP it is used
  for, and a user-present operation spends its mc/ga permissions.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fido2 import cbor

from hardware.sim.ctap_command import ERR, CtapFailure
from hardware.sim.fido_store import MAX_PIN_RETRIES, FidoStore, PinVerifier

#: Token permissions (CTAP 2.1 section 6.5.5.7): makeCredential, getAssertion.
PERM_MC: Final = 0x01
PERM_GA: Final = 0x02

MIN_PIN_LENGTH: Final = 4
MAX_PIN_BYTES: Final = 63
MAX_CONSECUTIVE_PIN_FAILURES: Final = 3


class PinSub(IntEnum):
    """clientPIN sub-commands handled here."""

    GET_PIN_RETRIES = 0x01
    GET_KEY_AGREEMENT = 0x02
    SET_PIN = 0x03
    CHANGE_PIN = 0x04
    GET_PIN_TOKEN = 0x05
    GET_TOKEN_USING_PIN = 0x09


@dataclass
class _Token:
    value: bytes
    permissions: int
    rp_id: str | None


@dataclass
class _Volatile:
    """RAM of the key: gone at power cycle."""

    key_agreement: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    token: _Token | None = None
    consecutive_pin_failures: int = 0


class PinProtocol:
    """One key's clientPIN state machine: its flash (``store``) and its RAM."""

    def __init__(self, store: FidoStore) -> None:
        self.store = store
        self._ram = _Volatile()

    def power_cycle(self) -> None:
        """RAM is lost: key agreement, token, the 3-in-a-row count."""
        self._ram = _Volatile()

    def command(self, p: Mapping[Any, Any]) -> bytes:
        """One authenticatorClientPIN request (protocol 2 only); the CBOR answer."""
        protocol, sub = p.get(1), p.get(2)
        if sub is None:
            raise CtapFailure(ERR.MISSING_PARAMETER)
        if protocol != 2:
            raise CtapFailure(ERR.INVALID_PARAMETER)
        state = self.store.state
        if sub == PinSub.GET_PIN_RETRIES:
            return cbor.encode(
                {
                    3: state.pin_retries,
                    4: self._ram.consecutive_pin_failures >= MAX_CONSECUTIVE_PIN_FAILURES,
                }
            )
        if sub == PinSub.GET_KEY_AGREEMENT:
            pub = self._ram.key_agreement.public_key().public_numbers()
            return cbor.encode(
                {
                    1: {
                        1: 2,
                        3: -25,
                        -1: 1,
                        -2: pub.x.to_bytes(32, "big"),
                        -3: pub.y.to_bytes(32, "big"),
                    }
                }
            )
        if sub == PinSub.SET_PIN:
            if state.pin is not None:
                raise CtapFailure(ERR.NOT_ALLOWED)
            shared = self.shared_secret(p.get(3))
            new_pin_enc, puap = p.get(5), p.get(4)
            if not isinstance(new_pin_enc, bytes) or not isinstance(puap, bytes):
                raise CtapFailure(ERR.MISSING_PARAMETER)
            if not hmac.compare_digest(authenticate(shared, new_pin_enc), puap):
                raise CtapFailure(ERR.PIN_AUTH_INVALID)
            self._store_new_pin(decrypt(shared, new_pin_enc))
            return b""
        if sub == PinSub.CHANGE_PIN:
            if state.pin is None:
                raise CtapFailure(ERR.PIN_NOT_SET)
            shared = self.shared_secret(p.get(3))
            puap, new_pin_enc, pin_hash_enc = p.get(4), p.get(5), p.get(6)
            if not (
                isinstance(puap, bytes)
                and isinstance(new_pin_enc, bytes)
                and isinstance(pin_hash_enc, bytes)
            ):
                raise CtapFailure(ERR.MISSING_PARAMETER)
            if not hmac.compare_digest(authenticate(shared, new_pin_enc + pin_hash_enc), puap):
                raise CtapFailure(ERR.PIN_AUTH_INVALID)
            self._check_pin_hash(shared, pin_hash_enc)
            self._store_new_pin(decrypt(shared, new_pin_enc))
            return b""
        if sub in (PinSub.GET_PIN_TOKEN, PinSub.GET_TOKEN_USING_PIN):
            if state.pin is None:
                raise CtapFailure(ERR.PIN_NOT_SET)
            if sub == PinSub.GET_PIN_TOKEN:
                if p.get(9) is not None or p.get(10) is not None:
                    raise CtapFailure(ERR.INVALID_PARAMETER)
                permissions: int = PERM_MC | PERM_GA
                perm_rp: str | None = None
            else:
                requested, rp_param = p.get(9), p.get(10)
                if not isinstance(requested, int) or requested == 0:
                    raise CtapFailure(ERR.INVALID_PARAMETER)
                if rp_param is not None and not isinstance(rp_param, str):
                    raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
                permissions, perm_rp = requested, rp_param
                if permissions & ~(PERM_MC | PERM_GA):
                    raise CtapFailure(ERR.UNAUTHORIZED_PERMISSION)
            shared = self.shared_secret(p.get(3))
            pin_hash_enc = p.get(6)
            if not isinstance(pin_hash_enc, bytes):
                raise CtapFailure(ERR.MISSING_PARAMETER)
            self._check_pin_hash(shared, pin_hash_enc)
            token = os.urandom(32)
            self._ram.token = _Token(token, permissions, perm_rp)
            return cbor.encode({2: encrypt(shared, token)})
        raise CtapFailure(ERR.INVALID_SUBCOMMAND)

    def _check_pin_hash(self, shared: bytes, pin_hash_enc: bytes) -> None:
        state = self.store.state
        if state.pin is None:
            raise CtapFailure(ERR.PIN_NOT_SET)
        if state.pin_retries <= 0:
            raise CtapFailure(ERR.PIN_BLOCKED)
        if self._ram.consecutive_pin_failures >= MAX_CONSECUTIVE_PIN_FAILURES:
            raise CtapFailure(ERR.PIN_AUTH_BLOCKED)
        state.pin_retries -= 1
        self.store.save()
        pin_hash = decrypt(shared, pin_hash_enc)
        if len(pin_hash) != 16 or not state.pin.matches(pin_hash):
            self._ram.key_agreement = ec.generate_private_key(ec.SECP256R1())
            self._ram.consecutive_pin_failures += 1
            if state.pin_retries <= 0:
                raise CtapFailure(ERR.PIN_BLOCKED)
            if self._ram.consecutive_pin_failures >= MAX_CONSECUTIVE_PIN_FAILURES:
                raise CtapFailure(ERR.PIN_AUTH_BLOCKED)
            raise CtapFailure(ERR.PIN_INVALID)
        state.pin_retries = MAX_PIN_RETRIES
        self._ram.consecutive_pin_failures = 0
        self.store.save()

    def _store_new_pin(self, padded: bytes) -> None:
        if len(padded) != 64:
            raise CtapFailure(ERR.INVALID_PARAMETER)
        new_pin = padded.rstrip(b"\0")
        try:
            length = len(new_pin.decode("utf-8"))
        except UnicodeDecodeError:
            raise CtapFailure(ERR.PIN_POLICY_VIOLATION) from None
        if length < MIN_PIN_LENGTH or len(new_pin) > MAX_PIN_BYTES:
            raise CtapFailure(ERR.PIN_POLICY_VIOLATION)
        state = self.store.state
        state.pin = PinVerifier.create(hashlib.sha256(new_pin).digest()[:16])
        del new_pin
        state.pin_retries = MAX_PIN_RETRIES
        self._ram.token = None
        self.store.save()

    def check_token(
        self,
        p: Mapping[Any, Any],
        protocol_key: int,
        puap: Any,
        cdh: bytes,
        permission: int,
        rp_id: str,
    ) -> None:
        """makeCredential/getAssertion's pinUvAuthParam ``puap``: the token's MAC of ``cdh``.

        ``protocol_key`` is where the request names its PIN protocol; the
        token must hold ``permission`` and, once bound, be for ``rp_id``.
        """
        protocol = p.get(protocol_key)
        if protocol is None:
            raise CtapFailure(ERR.MISSING_PARAMETER)
        if protocol != 2:
            raise CtapFailure(ERR.INVALID_PARAMETER)
        token = self._ram.token
        if not isinstance(puap, bytes) or token is None:
            raise CtapFailure(ERR.PIN_AUTH_INVALID)
        if not hmac.compare_digest(authenticate(token.value, cdh), puap):
            raise CtapFailure(ERR.PIN_AUTH_INVALID)
        if not token.permissions & permission:
            raise CtapFailure(ERR.PIN_AUTH_INVALID)
        if token.rp_id is not None and token.rp_id != rp_id:
            raise CtapFailure(ERR.PIN_AUTH_INVALID)
        if token.rp_id is None:
            token.rp_id = rp_id

    def spend_token(self, puap: Any) -> None:
        """A user-present operation consumes the token's mc/ga permissions (CTAP 2.1)."""
        if puap is not None and self._ram.token is not None:
            self._ram.token.permissions &= ~(PERM_MC | PERM_GA)

    def shared_secret(self, peer: Any) -> bytes:
        """ECDH with the platform's COSE key ``peer``: HMAC key + AES key (64 bytes)."""
        if not isinstance(peer, Mapping):
            raise CtapFailure(ERR.MISSING_PARAMETER)
        try:
            x = int.from_bytes(peer[-2], "big")
            y = int.from_bytes(peer[-3], "big")
            public = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        except (KeyError, TypeError, ValueError):
            raise CtapFailure(ERR.INVALID_PARAMETER) from None
        z = self._ram.key_agreement.exchange(ec.ECDH(), public)
        return _hkdf(z, b"CTAP2 HMAC key") + _hkdf(z, b"CTAP2 AES key")


# -- crypto (PIN/UV auth protocol 2, CTAP 2.1 section 6.5.7) ---------------------------


def _hkdf(z: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"\0" * 32, info=info).derive(z)


def authenticate(key: bytes, message: bytes) -> bytes:
    """The protocol's MAC: HMAC-SHA-256 under the first 32 bytes of ``key``."""
    return hmac.new(key[:32], message, hashlib.sha256).digest()


def encrypt(shared: bytes, plaintext: bytes) -> bytes:
    """AES-256-CBC under the shared secret's AES key, with a fresh IV in front."""
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(shared[32:]), modes.CBC(iv)).encryptor()
    return iv + enc.update(plaintext) + enc.finalize()


def decrypt(shared: bytes, data: bytes) -> bytes:
    """The inverse of :func:`encrypt`; a malformed ciphertext is INVALID_PARAMETER."""
    if len(data) < 32 or len(data) % 16:
        raise CtapFailure(ERR.INVALID_PARAMETER)
    dec = Cipher(algorithms.AES(shared[32:]), modes.CBC(data[:16])).decryptor()
    return dec.update(data[16:]) + dec.finalize()
