"""A software FIDO2 authenticator (CTAP 2.1 subset) for tests and the demo: the device.

:class:`SoftAuthenticator` is a documented fake *device*: python-fido2's own
client stack (``CtapHidDevice`` -> ``Ctap2`` -> ``ClientPin`` -> ``Fido2Client``)
talks to it through :mod:`hardware.sim.ctaphid`, which implements CTAP HID
framing behind python-fido2's ``CtapHidConnection`` interface. Nothing above
the USB packet is simulated, so every client-side code path (PIN protocol 2,
extensions, keep-alive, cancel) is the real one.

This module is the key's command processor and its credential commands:
``authenticatorGetInfo``, ``authenticatorMakeCredential`` (ES256, EdDSA;
"packed" self attestation; ``hmac-secret``), ``authenticatorGetAssertion``
(allowList, UP/UV flags, global signature counter, ``hmac-secret`` with
protocol-2 salt encryption), ``authenticatorSelection`` and
``authenticatorReset``. No resident keys, no built-in UV. The key's other
parts each have their own module: ``authenticatorClientPIN`` and the PIN token
in :mod:`hardware.sim.pin_protocol`, the touch sensor in
:mod:`hardware.sim.touch`, its flash in :mod:`hardware.sim.fido_store`.

Invariants:

* State that a real key keeps in flash lives in :class:`FidoStore` (a JSON file
  when a path is given). Volatile state (the PIN protocol's key agreement,
  token and failure count) is lost on :meth:`SoftAuthenticator.power_cycle`.
* :attr:`SoftAuthenticator.misbehave` switches make the key lie in specific
  ways so negative tests exercise the real verification path; they only affect
  user-present ``getAssertion`` answers (the ones a person approves).
* Every CTAP2 command is recorded in :attr:`SoftAuthenticator.calls`
  (python-tuf RepositorySimulator style) so tests can assert what the client sent.
* One command at a time: commands are processed under a lock.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Final, Literal

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from fido2 import cbor

from hardware.sim.ctap_command import (
    ERR,
    STATUS_PROCESSING,
    CommandContext,
    CtapFailure,
)
from hardware.sim.fido_store import FidoStore, StoredCredential
from hardware.sim.pin_protocol import (
    MIN_PIN_LENGTH,
    PERM_GA,
    PERM_MC,
    PinProtocol,
    authenticate,
    decrypt,
    encrypt,
)
from hardware.sim.touch import TouchCallback, always_touch, wait_for_touch

if TYPE_CHECKING:
    from fido2.hid import CtapHidDevice

#: authenticatorData flags (WebAuthn section 6.1): user present, user
#: verified, attested credential data, extension data.
FLAG_UP: Final = 0x01
FLAG_UV: Final = 0x04
FLAG_AT: Final = 0x40
FLAG_ED: Final = 0x80

ALGORITHMS: Final = (-7, -8)


class Cmd(IntEnum):
    """CTAP2 command bytes handled here."""

    MAKE_CREDENTIAL = 0x01
    GET_ASSERTION = 0x02
    GET_INFO = 0x04
    CLIENT_PIN = 0x06
    RESET = 0x07
    GET_NEXT_ASSERTION = 0x08
    SELECTION = 0x0B


@dataclass
class Misbehaviour:
    """Switches that make the key lie, for negative tests (all off by default)."""

    wrong_rp_id_hash: bool = False
    omit_up: bool = False
    omit_uv: bool = False
    reuse_counter: bool = False
    lower_counter: bool = False
    corrupt_cbor: bool = False
    corrupt_signature: bool = False
    never_touched: bool = False


@dataclass(frozen=True)
class RecordedCall:
    """One CTAP2 command as the key received it, and the status it answered."""

    command: str
    params: Mapping[Any, Any]
    status: int


UnplugMode = Literal["error", "silent"]


class SoftAuthenticator:
    """A simulated FIDO2 security key; see the module docstring.

    ``path`` is the simulated flash file (``None`` = in memory). ``touch`` is
    the touch sensor. ``touch_timeout`` is how long the key waits for a touch.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        touch: TouchCallback = always_touch,
        touch_timeout: float = 30.0,
        keepalive_interval: float = 0.1,
        label: str = "Sealroom simulated key",
        max_msg_size: int = 1200,
    ) -> None:
        self.store = FidoStore(path)
        self.touch = touch
        self.touch_timeout = touch_timeout
        self.keepalive_interval = keepalive_interval
        self.label = label
        self.max_msg_size = max_msg_size
        self.misbehave = Misbehaviour()
        self.calls: list[RecordedCall] = []
        self.winks = 0
        self.last_approval_count = self.store.state.sign_count
        self.power_cycles = 0
        self.unplugged: UnplugMode | None = None
        self._lock = threading.Lock()
        self._pin = PinProtocol(self.store)

    # -- owner controls ------------------------------------------------------

    def power_cycle(self) -> None:
        """Unplug and replug: RAM is lost (token, key agreement, 3-in-a-row count)."""
        self._pin.power_cycle()
        self.power_cycles += 1

    def unplug(self, mode: UnplugMode = "error") -> None:
        """Pull the key: connections raise OSError ("error") or read nothing ("silent")."""
        self.unplugged = mode

    def plug_in(self) -> None:
        """Plug the key back in (with the power cycle that implies)."""
        self.unplugged = None
        self.power_cycle()

    def open_device(self) -> CtapHidDevice:
        """A python-fido2 ``CtapHidDevice`` connected to this key over simulated HID."""
        from hardware.sim.ctaphid import open_sim_device

        return open_sim_device(self)

    @property
    def credential_ids(self) -> list[bytes]:
        return [c.credential_id for c in self.store.state.credentials]

    @property
    def sign_count(self) -> int:
        return self.store.state.sign_count

    @property
    def pin_retries(self) -> int:
        return self.store.state.pin_retries

    @property
    def has_pin(self) -> bool:
        return self.store.state.pin is not None

    def wink(self) -> None:
        self.winks += 1

    # -- CTAP2 entry point --------------------------------------------------------

    def process_cbor(self, request: bytes, ctx: CommandContext) -> bytes:
        """Handle one CTAPHID_CBOR message; return status byte + CBOR response."""
        if not request:
            return bytes([ERR.INVALID_LENGTH])
        cmd = request[0]
        name = Cmd(cmd).name.lower() if cmd in Cmd._value2member_map_ else f"0x{cmd:02x}"
        params: Mapping[Any, Any] = {}
        with self._lock:
            try:
                params = self._decode_params(request[1:])
                body = self._dispatch(cmd, params, ctx)
                status = 0
                response = bytes([0]) + body
            except CtapFailure as failure:
                status = failure.code
                response = bytes([failure.code])
            self.calls.append(RecordedCall(name, params, status))
            return response

    def _decode_params(self, data: bytes) -> Mapping[Any, Any]:
        if not data:
            return {}
        try:
            value = cbor.decode(data)
        except (ValueError, IndexError, TypeError, KeyError, struct.error):
            raise CtapFailure(ERR.INVALID_CBOR) from None
        if not isinstance(value, Mapping):
            raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
        return value

    def _dispatch(self, cmd: int, p: Mapping[Any, Any], ctx: CommandContext) -> bytes:
        if cmd == Cmd.GET_INFO:
            return cbor.encode(self._get_info())
        if cmd == Cmd.MAKE_CREDENTIAL:
            return self._make_credential(p, ctx)
        if cmd == Cmd.GET_ASSERTION:
            return self._get_assertion(p, ctx)
        if cmd == Cmd.CLIENT_PIN:
            return self._pin.command(p)
        if cmd == Cmd.SELECTION:
            self._wait_for_touch(ctx, "selection", None)
            return b""
        if cmd == Cmd.RESET:
            self._wait_for_touch(ctx, "reset", None)
            self.store.wipe()
            self._pin.power_cycle()
            return b""
        if cmd == Cmd.GET_NEXT_ASSERTION:
            raise CtapFailure(ERR.NOT_ALLOWED)
        raise CtapFailure(ERR.INVALID_COMMAND)

    # -- getInfo ---------------------------------------------------------------------

    def _get_info(self) -> dict[int, Any]:
        return {
            1: ["FIDO_2_0", "FIDO_2_1"],
            2: ["hmac-secret"],
            3: self.store.state.aaguid,
            4: {
                "rk": False,
                "up": True,
                "plat": False,
                "clientPin": self.store.state.pin is not None,
                "pinUvAuthToken": True,
            },
            5: self.max_msg_size,
            6: [2],
            7: 8,
            8: 128,
            9: ["usb"],
            10: [{"alg": a, "type": "public-key"} for a in ALGORITHMS],
            13: MIN_PIN_LENGTH,
        }

    # -- makeCredential ------------------------------------------------------------

    def _make_credential(self, p: Mapping[Any, Any], ctx: CommandContext) -> bytes:
        cdh = _require_bytes(p, 1, 32)
        rp = p.get(2)
        user = p.get(3)
        key_params = p.get(4)
        if rp is None or user is None or key_params is None:
            raise CtapFailure(ERR.MISSING_PARAMETER)
        if not isinstance(rp, Mapping) or not isinstance(rp.get("id"), str):
            raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
        if not isinstance(user, Mapping) or not isinstance(user.get("id"), bytes):
            raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
        if not isinstance(key_params, list):
            raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
        rp_id: str = rp["id"]
        extensions = _optional_map(p, 6)
        options = _optional_map(p, 7)
        ctx.keepalive(STATUS_PROCESSING)

        puap = p.get(8)
        if isinstance(puap, bytes) and len(puap) == 0:
            self._wait_for_touch(ctx, "makeCredential", rp_id)
            raise CtapFailure(ERR.PIN_INVALID if self.has_pin else ERR.PIN_NOT_SET)

        alg = next(
            (
                kp.get("alg")
                for kp in key_params
                if isinstance(kp, Mapping)
                and kp.get("type") == "public-key"
                and kp.get("alg") in ALGORITHMS
            ),
            None,
        )
        if alg is None:
            raise CtapFailure(ERR.UNSUPPORTED_ALGORITHM)
        if options.get("rk"):
            raise CtapFailure(ERR.UNSUPPORTED_OPTION)
        if options.get("uv") or options.get("up") is False:
            raise CtapFailure(ERR.INVALID_OPTION)

        uv = False
        if puap is not None:
            self._pin.check_token(p, 9, puap, cdh, PERM_MC, rp_id)
            uv = True
        elif self.has_pin:
            raise CtapFailure(ERR.PUAT_REQUIRED)

        exclude = p.get(5) or []
        known = {c.credential_id for c in self.store.state.credentials if c.rp_id == rp_id}
        if any(isinstance(d, Mapping) and d.get("id") in known for d in exclude):
            self._wait_for_touch(ctx, "makeCredential", rp_id)
            raise CtapFailure(ERR.CREDENTIAL_EXCLUDED)

        self._wait_for_touch(ctx, "makeCredential", rp_id)

        private: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
        if alg == -7:
            private = ec.generate_private_key(ec.SECP256R1())
            numbers = private.public_key().public_numbers()
            cose: dict[int, Any] = {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        else:
            private = ed25519.Ed25519PrivateKey.generate()
            raw = private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
            cose = {1: 1, 3: -8, -1: 6, -2: raw}
        want_hmac = extensions.get("hmac-secret") is True
        cred = StoredCredential(
            credential_id=os.urandom(48),
            rp_id=rp_id,
            alg=int(alg),
            private_key_pkcs8=private.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            user_id=bytes(user["id"]),
            hmac_secret=want_hmac,
            cred_random_uv=os.urandom(32) if want_hmac else b"",
            cred_random_no_uv=os.urandom(32) if want_hmac else b"",
        )
        state = self.store.state
        state.credentials.append(cred)
        state.sign_count += 1
        self._pin.spend_token(puap)
        self.store.save()

        flags = FLAG_UP | FLAG_AT | (FLAG_UV if uv else 0)
        ext_out = b""
        if want_hmac:
            flags |= FLAG_ED
            ext_out = cbor.encode({"hmac-secret": True})
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([flags])
            + struct.pack(">I", state.sign_count)
            + state.aaguid
            + struct.pack(">H", len(cred.credential_id))
            + cred.credential_id
            + cbor.encode(cose)
            + ext_out
        )
        sig = _sign(cred, auth_data + cdh)
        return cbor.encode({1: "packed", 2: auth_data, 3: {"alg": alg, "sig": sig}})

    # -- getAssertion -------------------------------------------------------------------

    def _get_assertion(self, p: Mapping[Any, Any], ctx: CommandContext) -> bytes:
        rp_id = p.get(1)
        if rp_id is None:
            raise CtapFailure(ERR.MISSING_PARAMETER)
        if not isinstance(rp_id, str):
            raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
        cdh = _require_bytes(p, 2, 32)
        allow = p.get(3) or []
        extensions = _optional_map(p, 4)
        options = _optional_map(p, 5)
        if options.get("uv"):
            raise CtapFailure(ERR.INVALID_OPTION)
        up = options.get("up", True) is not False
        puap = p.get(6)
        if isinstance(puap, bytes) and len(puap) == 0:
            self._wait_for_touch(ctx, "getAssertion", rp_id)
            raise CtapFailure(ERR.PIN_INVALID if self.has_pin else ERR.PIN_NOT_SET)

        uv = False
        if puap is not None:
            self._pin.check_token(p, 7, puap, cdh, PERM_GA, rp_id)
            uv = True

        wanted = {d.get("id") for d in allow if isinstance(d, Mapping)}
        matches = [
            c
            for c in self.store.state.credentials
            if c.rp_id == rp_id and c.credential_id in wanted
        ]
        if not matches:
            raise CtapFailure(ERR.NO_CREDENTIALS)
        cred = matches[0]

        hmac_input = extensions.get("hmac-secret")
        salts = b""
        shared = b""
        if hmac_input is not None and cred.hmac_secret:
            shared, salts = self._hmac_secret_salts(hmac_input)

        ctx.keepalive(STATUS_PROCESSING)
        if up:
            self._wait_for_touch(ctx, "getAssertion", rp_id)

        state = self.store.state
        lie = self.misbehave if up else Misbehaviour()
        # The lies repeat (or undercut) the counter of the last approval the
        # person made; silent probes in between do not count as "seen".
        if lie.reuse_counter:
            count = self.last_approval_count
        elif lie.lower_counter:
            count = max(0, self.last_approval_count - 1)
        else:
            state.sign_count += 1
            count = state.sign_count
        if up:
            self.last_approval_count = count

        flags = (FLAG_UP if up and not lie.omit_up else 0) | (
            FLAG_UV if uv and not lie.omit_uv else 0
        )
        ext_out = b""
        if salts:
            seed = cred.cred_random_uv if uv else cred.cred_random_no_uv
            output = b"".join(
                hmac.new(seed, salts[i : i + 32], hashlib.sha256).digest()
                for i in range(0, len(salts), 32)
            )
            ext_out = cbor.encode({"hmac-secret": encrypt(shared, output)})
            flags |= FLAG_ED
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        if lie.wrong_rp_id_hash:
            rp_hash = hashlib.sha256(b"evil." + rp_id.encode()).digest()
        auth_data = rp_hash + bytes([flags]) + struct.pack(">I", count) + ext_out
        sig = _sign(cred, auth_data + cdh)
        if lie.corrupt_signature:
            sig = sig[:-1] + bytes([sig[-1] ^ 0x01])
        if up:
            self._pin.spend_token(puap)
        self.store.save()
        response = cbor.encode(
            {1: {"type": "public-key", "id": cred.credential_id}, 2: auth_data, 3: sig}
        )
        if lie.corrupt_cbor:
            # Announce one more map entry than follows: undecodable CBOR.
            response = bytes([response[0] + 1]) + response[1:]
        return response

    def _hmac_secret_salts(self, ext: Any) -> tuple[bytes, bytes]:
        if not isinstance(ext, Mapping):
            raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
        key_agreement, salt_enc, salt_auth = ext.get(1), ext.get(2), ext.get(3)
        if ext.get(4, 1) != 2:
            raise CtapFailure(ERR.INVALID_PARAMETER)
        if not isinstance(salt_enc, bytes) or not isinstance(salt_auth, bytes):
            raise CtapFailure(ERR.MISSING_PARAMETER)
        shared = self._pin.shared_secret(key_agreement)
        if not hmac.compare_digest(authenticate(shared, salt_enc), salt_auth):
            raise CtapFailure(ERR.EXTENSION_FIRST)
        salts = decrypt(shared, salt_enc)
        if len(salts) not in (32, 64):
            raise CtapFailure(ERR.INVALID_LENGTH)
        return shared, salts

    # -- touch -------------------------------------------------------------------

    def _wait_for_touch(self, ctx: CommandContext, command: str, rp_id: str | None) -> None:
        """The owner's sensor, unless the key misbehaves by never seeing a touch."""
        wait_for_touch(
            ctx,
            None if self.misbehave.never_touched else self.touch,
            command,
            rp_id,
            timeout=self.touch_timeout,
            keepalive_interval=self.keepalive_interval,
        )


def _sign(cred: StoredCredential, message: bytes) -> bytes:
    key = serialization.load_der_private_key(cred.private_key_pkcs8, password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    raise CtapFailure(ERR.OTHER)


def _require_bytes(p: Mapping[Any, Any], key: int, length: int) -> bytes:
    """Parameter ``key``: a byte string of exactly ``length`` bytes."""
    value = p.get(key)
    if value is None:
        raise CtapFailure(ERR.MISSING_PARAMETER)
    if not isinstance(value, bytes):
        raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
    if len(value) != length:
        raise CtapFailure(ERR.INVALID_LENGTH)
    return value


def _optional_map(p: Mapping[Any, Any], key: int) -> Mapping[Any, Any]:
    """Parameter ``key``: a map, empty when absent (options, extensions)."""
    value = p.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
    return value
