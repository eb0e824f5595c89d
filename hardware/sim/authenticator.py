"""A software FIDO2 authenticator (CTAP 2.1 subset) for tests and the demo.

:class:`SoftAuthenticator` is a documented fake *device*: python-fido2's own
client stack (``CtapHidDevice`` -> ``Ctap2`` -> ``ClientPin`` -> ``Fido2Client``)
talks to it through :mod:`hardware.sim.ctaphid`, which implements CTAP HID
framing behind python-fido2's ``CtapHidConnection`` interface. Nothing above
the USB packet is simulated, so every client-side code path (PIN protocol 2,
extensions, keep-alive, cancel) is the real one.

What it implements: ``authenticatorGetInfo``, ``authenticatorMakeCredential``
(ES256, EdDSA; "packed" self attestation; ``hmac-secret``),
``authenticatorGetAssertion`` (allowList, UP/UV flags, global signature
counter, ``hmac-secret`` with protocol-2 salt encryption),
``authenticatorClientPIN`` with PIN/UV auth protocol 2 (getPINRetries,
getKeyAgreement, setPIN, changePIN, getPinToken,
getPinUvAuthTokenUsingPinWithPermissions; 8 retries then blocked; 3 wrong in
a row then "power cycle required"; mc/ga token permissions enforced and spent
by a user-present operation), ``authenticatorSelection`` and
``authenticatorReset``. No resident keys, no built-in UV.

Invariants:

* Touch is the owner's :data:`TouchCallback`; while it is pending the key sends
  KEEPALIVE(UPNEEDED) every ``keepalive_interval`` seconds, honours
  CTAPHID_CANCEL (-> CTAP2_ERR_KEEPALIVE_CANCEL) and gives up after
  ``touch_timeout`` (-> CTAP2_ERR_USER_ACTION_TIMEOUT), as real keys do.
* State that a real key keeps in flash lives in :class:`FidoStore` (a JSON file
  when a path is given; see :mod:`hardware.sim.fido_store`). Volatile state
  (key-agreement key, PIN token, consecutive-failure count) is lost on
  :meth:`SoftAuthenticator.power_cycle`.
* :attr:`SoftAuthenticator.misbehave` switches make the key lie in specific
  ways so negative tests exercise the real verification path; they only affect
  user-present ``getAssertion`` answers (the ones a person approves).
* Every CTAP2 command is recorded in :attr:`SoftAuthenticator.calls`
  (python-tuf RepositorySimulator style) so tests can assert what the client sent.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fido2 import cbor
from fido2.ctap import CtapError

from hardware.sim.fido_store import MAX_PIN_RETRIES, FidoStore, PinVerifier, StoredCredential

if TYPE_CHECKING:
    from fido2.hid import CtapHidDevice

logger = logging.getLogger(__name__)

ERR = CtapError.ERR

STATUS_PROCESSING: Final = 1
STATUS_UPNEEDED: Final = 2

FLAG_UP: Final = 0x01
FLAG_UV: Final = 0x04
FLAG_AT: Final = 0x40
FLAG_ED: Final = 0x80

PERM_MC: Final = 0x01
PERM_GA: Final = 0x02

MIN_PIN_LENGTH: Final = 4
MAX_PIN_BYTES: Final = 63
MAX_CONSECUTIVE_PIN_FAILURES: Final = 3
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


class PinSub(IntEnum):
    """clientPIN sub-commands handled here."""

    GET_PIN_RETRIES = 0x01
    GET_KEY_AGREEMENT = 0x02
    SET_PIN = 0x03
    CHANGE_PIN = 0x04
    GET_PIN_TOKEN = 0x05
    GET_TOKEN_USING_PIN = 0x09


@dataclass(frozen=True)
class TouchRequest:
    """What the key is asking a person to confirm by touch.

    ``abandoned`` is set when the key stops waiting (cancel, time-out), so a
    callback blocked on a button can return.
    """

    command: str
    rp_id: str | None
    abandoned: threading.Event


#: Owner-supplied touch sensor: True = touched, False = refused (the key
#: answers OPERATION_DENIED), None = not touched (the key waits until time-out).
TouchCallback = Callable[[TouchRequest], bool | None]


def always_touch(request: TouchRequest) -> bool:
    """A person who touches the key at once (the default for tests)."""
    return True


class TouchButton:
    """A "touch key" button: :meth:`press` from any thread (the demo's UI button).

    A press before the key asks is kept for the next request, like a finger
    already resting on the key. Records how many touches were consumed.
    """

    def __init__(self) -> None:
        self._pressed = threading.Event()
        self.waiting = threading.Event()
        self.touches = 0

    def press(self) -> None:
        self._pressed.set()

    def __call__(self, request: TouchRequest) -> bool | None:
        self.waiting.set()
        try:
            while not request.abandoned.is_set():
                if self._pressed.wait(0.02):
                    self._pressed.clear()
                    self.touches += 1
                    return True
            return None
        finally:
            self.waiting.clear()


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


class CommandContext(Protocol):
    """What the transport gives a running command: keep-alives and cancel."""

    cancelled: threading.Event

    def keepalive(self, status: int) -> None: ...


class CtapFailure(Exception):
    """A CTAP2 status other than success, raised inside command handling."""

    def __init__(self, code: int) -> None:
        super().__init__(f"CTAP status 0x{code:02x}")
        self.code = code


UnplugMode = Literal["error", "silent"]


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
        self._ram = _Volatile()

    # -- owner controls ------------------------------------------------------

    def power_cycle(self) -> None:
        """Unplug and replug: RAM is lost (token, key agreement, 3-in-a-row count)."""
        self._ram = _Volatile()
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
            return self._client_pin(p)
        if cmd == Cmd.SELECTION:
            self._wait_for_touch(ctx, "selection", None)
            return b""
        if cmd == Cmd.RESET:
            self._wait_for_touch(ctx, "reset", None)
            self.store.wipe()
            self._ram = _Volatile()
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
            self._check_token(p, 9, puap, cdh, PERM_MC, rp_id)
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
        self._spend_token(puap)
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
            self._check_token(p, 7, puap, cdh, PERM_GA, rp_id)
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
            ext_out = cbor.encode({"hmac-secret": _encrypt(shared, output)})
            flags |= FLAG_ED
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        if lie.wrong_rp_id_hash:
            rp_hash = hashlib.sha256(b"evil." + rp_id.encode()).digest()
        auth_data = rp_hash + bytes([flags]) + struct.pack(">I", count) + ext_out
        sig = _sign(cred, auth_data + cdh)
        if lie.corrupt_signature:
            sig = sig[:-1] + bytes([sig[-1] ^ 0x01])
        if up:
            self._spend_token(puap)
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
        shared = self._shared_secret(key_agreement)
        if not hmac.compare_digest(_authenticate(shared, salt_enc), salt_auth):
            raise CtapFailure(ERR.EXTENSION_FIRST)
        salts = _decrypt(shared, salt_enc)
        if len(salts) not in (32, 64):
            raise CtapFailure(ERR.INVALID_LENGTH)
        return shared, salts

    # -- clientPIN (protocol 2 only) ----------------------------------------------

    def _client_pin(self, p: Mapping[Any, Any]) -> bytes:
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
            shared = self._shared_secret(p.get(3))
            new_pin_enc, puap = p.get(5), p.get(4)
            if not isinstance(new_pin_enc, bytes) or not isinstance(puap, bytes):
                raise CtapFailure(ERR.MISSING_PARAMETER)
            if not hmac.compare_digest(_authenticate(shared, new_pin_enc), puap):
                raise CtapFailure(ERR.PIN_AUTH_INVALID)
            self._store_new_pin(_decrypt(shared, new_pin_enc))
            return b""
        if sub == PinSub.CHANGE_PIN:
            if state.pin is None:
                raise CtapFailure(ERR.PIN_NOT_SET)
            shared = self._shared_secret(p.get(3))
            puap, new_pin_enc, pin_hash_enc = p.get(4), p.get(5), p.get(6)
            if not (
                isinstance(puap, bytes)
                and isinstance(new_pin_enc, bytes)
                and isinstance(pin_hash_enc, bytes)
            ):
                raise CtapFailure(ERR.MISSING_PARAMETER)
            if not hmac.compare_digest(_authenticate(shared, new_pin_enc + pin_hash_enc), puap):
                raise CtapFailure(ERR.PIN_AUTH_INVALID)
            self._check_pin_hash(shared, pin_hash_enc)
            self._store_new_pin(_decrypt(shared, new_pin_enc))
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
            shared = self._shared_secret(p.get(3))
            pin_hash_enc = p.get(6)
            if not isinstance(pin_hash_enc, bytes):
                raise CtapFailure(ERR.MISSING_PARAMETER)
            self._check_pin_hash(shared, pin_hash_enc)
            token = os.urandom(32)
            self._ram.token = _Token(token, permissions, perm_rp)
            return cbor.encode({2: _encrypt(shared, token)})
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
        pin_hash = _decrypt(shared, pin_hash_enc)
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

    def _check_token(
        self,
        p: Mapping[Any, Any],
        protocol_key: int,
        puap: Any,
        cdh: bytes,
        permission: int,
        rp_id: str,
    ) -> None:
        protocol = p.get(protocol_key)
        if protocol is None:
            raise CtapFailure(ERR.MISSING_PARAMETER)
        if protocol != 2:
            raise CtapFailure(ERR.INVALID_PARAMETER)
        token = self._ram.token
        if not isinstance(puap, bytes) or token is None:
            raise CtapFailure(ERR.PIN_AUTH_INVALID)
        if not hmac.compare_digest(_authenticate(token.value, cdh), puap):
            raise CtapFailure(ERR.PIN_AUTH_INVALID)
        if not token.permissions & permission:
            raise CtapFailure(ERR.PIN_AUTH_INVALID)
        if token.rp_id is not None and token.rp_id != rp_id:
            raise CtapFailure(ERR.PIN_AUTH_INVALID)
        if token.rp_id is None:
            token.rp_id = rp_id

    def _spend_token(self, puap: Any) -> None:
        """A user-present operation consumes the token's mc/ga permissions (CTAP 2.1)."""
        if puap is not None and self._ram.token is not None:
            self._ram.token.permissions &= ~(PERM_MC | PERM_GA)

    def _shared_secret(self, peer: Any) -> bytes:
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

    # -- touch -------------------------------------------------------------------

    def _wait_for_touch(self, ctx: CommandContext, command: str, rp_id: str | None) -> None:
        """Ask for a touch, sending KEEPALIVE(UPNEEDED) until touched, cancelled or timed out."""
        abandoned = threading.Event()
        done = threading.Event()
        result: list[bool | None] = [None]

        def sensor() -> None:
            try:
                result[0] = self.touch(TouchRequest(command, rp_id, abandoned))
            except Exception:
                logger.exception("simulated touch callback failed")
                result[0] = False
            finally:
                done.set()

        if not self.misbehave.never_touched:
            threading.Thread(target=sensor, name="sim-touch", daemon=True).start()
        deadline = time.monotonic() + self.touch_timeout
        try:
            while True:
                ctx.keepalive(STATUS_UPNEEDED)
                if ctx.cancelled.is_set():
                    raise CtapFailure(ERR.KEEPALIVE_CANCEL)
                if done.is_set() and result[0] is not None:
                    if result[0]:
                        return
                    raise CtapFailure(ERR.OPERATION_DENIED)
                if time.monotonic() >= deadline:
                    raise CtapFailure(ERR.USER_ACTION_TIMEOUT)
                waiter = ctx.cancelled if done.is_set() else done
                waiter.wait(self.keepalive_interval)
        finally:
            abandoned.set()


# -- crypto helpers (PIN/UV auth protocol 2, CTAP 2.1 section 6.5.7) ----------------


def _hkdf(z: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"\0" * 32, info=info).derive(z)


def _authenticate(key: bytes, message: bytes) -> bytes:
    return hmac.new(key[:32], message, hashlib.sha256).digest()


def _encrypt(shared: bytes, plaintext: bytes) -> bytes:
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(shared[32:]), modes.CBC(iv)).encryptor()
    return iv + enc.update(plaintext) + enc.finalize()


def _decrypt(shared: bytes, data: bytes) -> bytes:
    if len(data) < 32 or len(data) % 16:
        raise CtapFailure(ERR.INVALID_PARAMETER)
    dec = Cipher(algorithms.AES(shared[32:]), modes.CBC(data[:16])).decryptor()
    return dec.update(data[16:]) + dec.finalize()


def _sign(cred: StoredCredential, message: bytes) -> bytes:
    key = serialization.load_der_private_key(cred.private_key_pkcs8, password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    raise CtapFailure(ERR.OTHER)


def _require_bytes(p: Mapping[Any, Any], key: int, length: int) -> bytes:
    value = p.get(key)
    if value is None:
        raise CtapFailure(ERR.MISSING_PARAMETER)
    if not isinstance(value, bytes):
        raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
    if len(value) != length:
        raise CtapFailure(ERR.INVALID_LENGTH)
    return value


def _optional_map(p: Mapping[Any, Any], key: int) -> Mapping[Any, Any]:
    value = p.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise CtapFailure(ERR.CBOR_UNEXPECTED_TYPE)
    return value
