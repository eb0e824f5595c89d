"""FIDO2 security keys through python-fido2's client: enrol, approve, derive a secret.

The terminal never speaks CTAP itself: every operation goes through
python-fido2 (``Fido2Client`` with ``DefaultClientDataCollector`` for the
``https://<rp_id>`` origin, plus ``Ctap2``/``ClientPin`` for PIN set-up and
retry counts). This module adds the terminal's rules around it and turns
every failure into a :class:`kiosk.errors.SealroomError` with a message code.

Invariants:

* Enrolment always requires user verification (the key's PIN) and enables
  ``hmac-secret``; a key without a PIN is given one first (enrolment only).
* An approval's WebAuthn challenge is the 32-byte entry digest itself, so
  ``clientDataJSON.challenge == b64u(digest)`` (export spec section 4), and
  the assertion is restricted to the credentials the caller allows.
* Secrets come from the ``hmac-secret`` extension only (one extension, used
  consistently), always with UV: the key derives a different value without
  UV, so a secret from an unverified touch could not open a key slot anyway,
  and it is refused here.
* PINs pass from :class:`~hardware.fido.prompts.Prompts` straight into
  python-fido2 and are dropped; they never reach a log, an exception or a
  file. (Python strings cannot be wiped; we keep no reference longer than
  the call.) Wrong PINs are re-asked with the remaining attempts shown.
* Cancel: a ``threading.Event`` set from any thread stops the operation (the
  key is sent CTAPHID_CANCEL) and raises :class:`kiosk.errors.CancelledError`.
* python-fido2 and OS exceptions never leave this module raw: each is mapped
  to a ``fido.*`` code (unplugged, time-out, blocked PIN, bad answer...).
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NoReturn, Protocol, TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from fido2.client import (
    ClientError,
    DefaultClientDataCollector,
    Fido2Client,
    PinRequiredError,
    UserInteraction,
)
from fido2.ctap import CtapDevice, CtapError
from fido2.ctap2.base import Ctap2
from fido2.ctap2.extensions import HmacSecretExtension
from fido2.ctap2.pin import ClientPin
from fido2.hid import ConnectionFailure, CtapHidDevice
from fido2.webauthn import (
    AttestationConveyancePreference,
    AuthenticationResponse,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialCreationOptions,
    PublicKeyCredentialDescriptor,
    PublicKeyCredentialParameters,
    PublicKeyCredentialRequestOptions,
    PublicKeyCredentialRpEntity,
    PublicKeyCredentialType,
    PublicKeyCredentialUserEntity,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from hardware.fido.prompts import Prompts
from kiosk.canonical import b64u
from kiosk.errors import ApprovalError, CancelledError, DeviceError, SealroomError

logger = logging.getLogger(__name__)

ES256: Final = -7
EDDSA: Final = -8
DEFAULT_ALGORITHMS: Final = (ES256, EDDSA)
RP_NAME: Final = "Sealroom"
MAX_PIN_BYTES: Final = 63
_FLAG_UV: Final = 0x04

T = TypeVar("T")
ERR = CtapError.ERR


# -- devices -------------------------------------------------------------------------


@dataclass
class SecurityKey:
    """A plugged-in key, real (USB HID) or simulated; callers treat both alike."""

    device: CtapDevice
    label: str
    path: str
    simulated: bool = False

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.device.close()


class KeySource(Protocol):
    """Anything that can be "plugged in" as a key (e.g. ``SoftAuthenticator``)."""

    label: str

    def open_device(self) -> CtapHidDevice: ...


KeyLike = SecurityKey | CtapDevice


def discover_keys(simulated: Sequence[KeySource] = ()) -> list[SecurityKey]:
    """Every FIDO key on USB HID, then the given simulated keys.

    A USB device that cannot be opened (permissions, unplugged meanwhile) is
    skipped with a log line: one bad device must not hide the others.
    """
    keys: list[SecurityKey] = []
    try:
        for dev in CtapHidDevice.list_devices():
            label = dev.product_name or "Security key"
            keys.append(SecurityKey(dev, label, str(dev.descriptor.path)))
    except OSError as exc:
        logger.warning("USB HID enumeration failed: %s", type(exc).__name__)
    for source in simulated:
        dev = source.open_device()
        keys.append(SecurityKey(dev, source.label, str(dev.descriptor.path), simulated=True))
    return keys


# -- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    """A new credential: what the journal's ``custodian.enrolled`` entry records."""

    credential_id: bytes
    public_key_der: bytes
    alg: int
    rp_id: str
    aaguid: str

    def to_data(self) -> dict[str, Any]:
        """The ``data.credential`` object of export spec section 4 (b64u fields)."""
        return {
            "id": b64u(self.credential_id),
            "public_key": b64u(self.public_key_der),
            "alg": self.alg,
            "rp_id": self.rp_id,
        }


@dataclass(frozen=True)
class Assertion:
    """A WebAuthn assertion, byte for byte as the key and client produced it."""

    credential_id: bytes
    authenticator_data: bytes
    client_data_json: bytes
    signature: bytes

    @property
    def sign_count(self) -> int:
        return int(struct.unpack_from(">I", self.authenticator_data, 33)[0])

    def to_attest(self, role: str, custodian: str) -> dict[str, str]:
        """One element of an entry's ``attest`` array (export spec section 4)."""
        return {
            "role": role,
            "custodian": custodian,
            "credential_id": b64u(self.credential_id),
            "authenticator_data": b64u(self.authenticator_data),
            "client_data_json": b64u(self.client_data_json),
            "signature": b64u(self.signature),
        }


# -- public operations --------------------------------------------------------------


def enroll(
    device: KeyLike,
    rp_id: str,
    user_id: bytes,
    user_name: str,
    display_name: str,
    prompts: Prompts,
    cancel: threading.Event | None = None,
    *,
    algorithms: Sequence[int] = DEFAULT_ALGORITHMS,
    exclude_credential_ids: Sequence[bytes] = (),
) -> Enrolment:
    """Create a UV-protected, hmac-secret-enabled credential for ``rp_id`` on the key.

    ``algorithms`` is the order of preference (COSE ES256 -7, EdDSA -8).
    ``exclude_credential_ids`` (credentials already enrolled) make the key
    refuse to enrol twice (``fido.already_enrolled``). A key without a PIN is
    asked for a new one first.
    """
    cancel = cancel or threading.Event()
    dev = _device(device)
    with _translated(cancel, prompts):
        _raise_if_cancelled(cancel)
        ctap = _ctap2(dev)
        info = ctap.info
        if HmacSecretExtension.NAME not in info.extensions:
            raise ApprovalError("fido.unsupported", feature="hmac-secret")
        if "clientPin" not in info.options:
            raise ApprovalError("fido.unsupported", feature="PIN")
        bridge = _Bridge(prompts)
        if info.options["clientPin"]:
            _prepare_pin(ctap, bridge, prompts)
        else:
            _set_new_pin(ctap, prompts, cancel)
        client = _client(dev, rp_id, bridge)
        options = PublicKeyCredentialCreationOptions(
            rp=PublicKeyCredentialRpEntity(name=RP_NAME, id=rp_id),
            user=PublicKeyCredentialUserEntity(
                name=user_name, id=user_id, display_name=display_name
            ),
            challenge=os.urandom(32),
            pub_key_cred_params=[
                PublicKeyCredentialParameters(type=PublicKeyCredentialType.PUBLIC_KEY, alg=a)
                for a in algorithms
            ],
            exclude_credentials=_descriptors(exclude_credential_ids) or None,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.DISCOURAGED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            attestation=AttestationConveyancePreference.NONE,
            extensions={"hmacCreateSecret": True},
        )
        registration = _with_pin_retries(
            lambda: client.make_credential(options, event=cancel), ctap, bridge, prompts
        )
        auth_data = registration.response.attestation_object.auth_data
        cred = auth_data.credential_data
        if cred is None:
            raise DeviceError("fido.bad_response")
        if not auth_data.is_user_verified():
            raise ApprovalError("webauthn.no_uv")
        if registration.client_extension_results.hmac_create_secret is not True:
            raise ApprovalError("fido.unsupported", feature="hmac-secret")
        alg, der = _public_key_der(cred.public_key)
        return Enrolment(
            credential_id=bytes(cred.credential_id),
            public_key_der=der,
            alg=alg,
            rp_id=rp_id,
            aaguid=str(cred.aaguid),
        )


def approve(
    device_or_devices: KeyLike | Sequence[KeyLike],
    digest: bytes,
    rp_id: str,
    allow_credential_ids: Sequence[bytes],
    uv_required: bool,
    prompts: Prompts,
    cancel: threading.Event | None = None,
) -> Assertion:
    """One custodian's approval: an assertion whose challenge is the entry digest.

    With several keys plugged in, the one holding an allowed credential is
    used (found without a touch); none -> ``fido.no_credential``; more than
    one -> ``fido.several_keys``. The result is *not* verified here: the
    caller checks it with :func:`kiosk.webauthn.verify_assertion`.
    """
    assertion, _ = _assert(
        device_or_devices, digest, rp_id, allow_credential_ids, uv_required, prompts, cancel
    )
    return assertion


def derive_secret(
    device: KeyLike | Sequence[KeyLike],
    rp_id: str,
    allow_credential_ids: Sequence[bytes],
    salt: bytes,
    prompts: Prompts,
    cancel: threading.Event | None = None,
) -> tuple[bytes, bytes]:
    """``(credential_id, secret32)``: hmac-secret of ``salt`` under the credential, with UV.

    The same credential and salt always give the same 32 bytes; another
    credential gives another secret. The challenge is random (nothing is
    approved).
    """
    assertion, secret = _assert(
        device, os.urandom(32), rp_id, allow_credential_ids, True, prompts, cancel, salt=salt
    )
    if secret is None:
        raise ApprovalError("fido.unsupported", feature="hmac-secret")
    return assertion.credential_id, secret


def approve_and_derive(
    device_or_devices: KeyLike | Sequence[KeyLike],
    digest: bytes,
    rp_id: str,
    allow_credential_ids: Sequence[bytes],
    salt: bytes,
    prompts: Prompts,
    cancel: threading.Event | None = None,
) -> tuple[Assertion, bytes]:
    """An approval and the credential's hmac-secret of ``salt``, in one touch (UV required)."""
    assertion, secret = _assert(
        device_or_devices, digest, rp_id, allow_credential_ids, True, prompts, cancel, salt=salt
    )
    if secret is None:
        raise ApprovalError("fido.unsupported", feature="hmac-secret")
    return assertion, secret


# -- internals ------------------------------------------------------------------------


class _Bridge(UserInteraction):
    """python-fido2's UserInteraction, forwarding to our Prompts."""

    def __init__(self, prompts: Prompts) -> None:
        self.prompts = prompts
        self.attempts_left: int | None = None

    def prompt_up(self) -> None:
        self.prompts.prompt_touch()

    def request_pin(self, permissions: ClientPin.PERMISSION, rp_id: str | None) -> str | None:
        # An empty answer cancels too (python-fido2 treats it as "no PIN").
        return self.prompts.request_pin(self.attempts_left)

    def request_uv(self, permissions: ClientPin.PERMISSION, rp_id: str | None) -> bool:
        return True


def _assert(
    device_or_devices: KeyLike | Sequence[KeyLike],
    digest: bytes,
    rp_id: str,
    allow_credential_ids: Sequence[bytes],
    uv_required: bool,
    prompts: Prompts,
    cancel: threading.Event | None,
    *,
    salt: bytes | None = None,
) -> tuple[Assertion, bytes | None]:
    if len(digest) != 32:
        raise ValueError("the digest must be 32 bytes")
    if salt is not None and len(salt) != 32:
        raise ValueError("the salt must be 32 bytes")
    if not allow_credential_ids:
        raise ApprovalError("fido.no_credential")
    cancel = cancel or threading.Event()
    with _translated(cancel, prompts):
        _raise_if_cancelled(cancel)
        dev = _choose_device(device_or_devices, rp_id, allow_credential_ids)
        ctap = _ctap2(dev)
        need_uv = uv_required or salt is not None
        if need_uv and not ctap.info.options.get("clientPin"):
            raise ApprovalError("fido.pin_not_set")
        bridge = _Bridge(prompts)
        if need_uv:
            _prepare_pin(ctap, bridge, prompts)
        client = _client(dev, rp_id, bridge)
        options = PublicKeyCredentialRequestOptions(
            challenge=digest,
            rp_id=rp_id,
            allow_credentials=_descriptors(allow_credential_ids),
            user_verification=(
                UserVerificationRequirement.REQUIRED
                if need_uv
                else UserVerificationRequirement.DISCOURAGED
            ),
            extensions={"hmacGetSecret": {"salt1": salt}} if salt is not None else None,
        )
        selection = _with_pin_retries(
            lambda: client.get_assertion(options, event=cancel), ctap, bridge, prompts
        )
        response: AuthenticationResponse = selection.get_response(0)
        inner = response.response
        assertion = Assertion(
            credential_id=bytes(response.raw_id),
            authenticator_data=bytes(inner.authenticator_data),
            client_data_json=bytes(inner.client_data),
            signature=bytes(inner.signature),
        )
        secret: bytes | None = None
        if salt is not None:
            if not assertion.authenticator_data[32] & _FLAG_UV:
                raise ApprovalError("webauthn.no_uv")
            output = response.client_extension_results.hmac_get_secret
            if output is not None:
                secret = bytes(output.output1)
        return assertion, secret


def _choose_device(
    device_or_devices: KeyLike | Sequence[KeyLike], rp_id: str, allow: Sequence[bytes]
) -> CtapDevice:
    if isinstance(device_or_devices, (SecurityKey, CtapDevice)):
        return _device(device_or_devices)
    devices = [_device(d) for d in device_or_devices]
    if not devices:
        raise DeviceError("fido.no_key")
    if len(devices) == 1:
        return devices[0]
    holders = [d for d in devices if _holds_credential(d, rp_id, allow)]
    if not holders:
        raise ApprovalError("fido.no_credential")
    if len(holders) > 1:
        raise ApprovalError("fido.several_keys")
    return holders[0]


def held_credentials(device: KeyLike, rp_id: str, candidates: Sequence[bytes]) -> list[bytes]:
    """Which of ``candidates`` this key holds, asked silently (up=false, no PIN, no touch).

    Lets the terminal say *before* any touch why a plugged-in key cannot
    approve (already approved, revoked, not authorised). A key that cannot be
    asked counts as holding none.
    """
    dev = _device(device)
    remaining = [bytes(c) for c in candidates]
    found: list[bytes] = []
    try:
        ctap = Ctap2(dev)
        chunk = max(1, ctap.info.max_creds_in_list or 1)
        while remaining:
            hit: bytes | None = None
            for start in range(0, len(remaining), chunk):
                ids = remaining[start : start + chunk]
                try:
                    result = ctap.get_assertion(
                        rp_id,
                        b"\0" * 32,
                        [{"type": "public-key", "id": i} for i in ids],
                        options={"up": False},
                    )
                except CtapError as exc:
                    if exc.code != ERR.NO_CREDENTIALS:
                        raise
                    continue
                cred = result.credential
                hit = bytes(cred["id"]) if cred is not None else (ids[0] if len(ids) == 1 else None)
                break
            if hit is None or hit not in remaining:
                break
            found.append(hit)
            remaining.remove(hit)
    except (CtapError, OSError, ValueError, struct.error) as exc:
        logger.info("key skipped while looking for credentials: %s", type(exc).__name__)
    return found


def _holds_credential(dev: CtapDevice, rp_id: str, allow: Sequence[bytes]) -> bool:
    """Silent probe (up=false, no PIN): does this key know one of the credentials?"""
    try:
        ctap = Ctap2(dev)
        chunk = max(1, ctap.info.max_creds_in_list or 1)
        for start in range(0, len(allow), chunk):
            ids = allow[start : start + chunk]
            try:
                ctap.get_assertion(
                    rp_id,
                    b"\0" * 32,
                    [{"type": "public-key", "id": i} for i in ids],
                    options={"up": False},
                )
                return True
            except CtapError as exc:
                if exc.code != ERR.NO_CREDENTIALS:
                    raise
    except (CtapError, OSError, ValueError, struct.error) as exc:
        logger.info("key skipped while looking for a credential: %s", type(exc).__name__)
    return False


def _device(device: KeyLike) -> CtapDevice:
    return device.device if isinstance(device, SecurityKey) else device


def _ctap2(dev: CtapDevice) -> Ctap2:
    try:
        return Ctap2(dev)
    except ValueError:
        raise ApprovalError("fido.unsupported", feature="FIDO2 (CTAP2)") from None


def _client(dev: CtapDevice, rp_id: str, bridge: _Bridge) -> Fido2Client:
    return Fido2Client(
        dev,
        DefaultClientDataCollector("https://" + rp_id),
        bridge,
        # python-fido2 leaves this constructor unannotated.
        extensions=[HmacSecretExtension(allow_hmac_secret=True)],  # type: ignore[no-untyped-call]
    )


def _descriptors(ids: Sequence[bytes]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(type=PublicKeyCredentialType.PUBLIC_KEY, id=bytes(i))
        for i in ids
    ]


def _set_new_pin(ctap: Ctap2, prompts: Prompts, cancel: threading.Event) -> None:
    """Enrolment on a key without PIN: ask for one (until valid or cancelled) and set it."""
    min_len = max(4, ctap.info.min_pin_length or 4)
    while True:
        _raise_if_cancelled(cancel)
        new_pin = prompts.request_new_pin()
        if new_pin is None:
            raise CancelledError()
        if min_len <= len(new_pin) and len(new_pin.encode("utf-8")) <= MAX_PIN_BYTES:
            break
        prompts.notify("fido.pin_policy", {"min_len": min_len, "max_len": MAX_PIN_BYTES})
    try:
        ClientPin(ctap).set_pin(new_pin)
    except CtapError as exc:
        if exc.code == ERR.PIN_POLICY_VIOLATION:
            raise ApprovalError("fido.pin_policy", min_len=min_len, max_len=MAX_PIN_BYTES) from None
        raise
    finally:
        del new_pin
    prompts.notify("fido.pin_set", {})


def _prepare_pin(ctap: Ctap2, bridge: _Bridge, prompts: Prompts) -> None:
    """Before asking for a PIN: is it blocked, and how many attempts are left?"""
    retries, power_cycle = ClientPin(ctap).get_pin_retries()
    if retries == 0:
        prompts.pin_blocked()
        raise ApprovalError("fido.pin_blocked")
    if power_cycle:
        raise ApprovalError("fido.pin_power_cycle")
    bridge.attempts_left = retries


def _with_pin_retries(op: Callable[[], T], ctap: Ctap2, bridge: _Bridge, prompts: Prompts) -> T:
    """Run a client operation, asking again after each wrong PIN with attempts left."""
    while True:
        try:
            return op()
        except ClientError as exc:
            cause = exc.cause
            if not (isinstance(cause, CtapError) and cause.code == ERR.PIN_INVALID):
                raise
        retries, _ = ClientPin(ctap).get_pin_retries()
        bridge.attempts_left = retries
        prompts.notify("fido.pin_wrong", {"attempts_left": retries})


def _public_key_der(cose: Mapping[int, Any]) -> tuple[int, bytes]:
    alg = cose.get(3)
    public: ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey
    try:
        if alg == ES256 and cose.get(-1) == 1:
            public = ec.EllipticCurvePublicNumbers(
                int.from_bytes(cose[-2], "big"), int.from_bytes(cose[-3], "big"), ec.SECP256R1()
            ).public_key()
        elif alg == EDDSA and cose.get(-1) == 6:
            public = ed25519.Ed25519PublicKey.from_public_bytes(cose[-2])
        else:
            raise ApprovalError("fido.unsupported", feature=f"COSE algorithm {alg}")
    except (KeyError, TypeError, ValueError):
        raise DeviceError("fido.bad_response") from None
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return int(alg), der


def _raise_if_cancelled(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise CancelledError()


_CTAP_CODES: Final[Mapping[int, tuple[type[SealroomError], str]]] = {
    ERR.USER_ACTION_TIMEOUT: (ApprovalError, "fido.touch_timeout"),
    ERR.ACTION_TIMEOUT: (ApprovalError, "fido.touch_timeout"),
    ERR.PIN_BLOCKED: (ApprovalError, "fido.pin_blocked"),
    ERR.PIN_AUTH_BLOCKED: (ApprovalError, "fido.pin_power_cycle"),
    ERR.PIN_NOT_SET: (ApprovalError, "fido.pin_not_set"),
    ERR.PUAT_REQUIRED: (ApprovalError, "fido.pin_not_set"),
    ERR.NO_CREDENTIALS: (ApprovalError, "fido.no_credential"),
    ERR.CREDENTIAL_EXCLUDED: (ApprovalError, "fido.already_enrolled"),
    ERR.OPERATION_DENIED: (ApprovalError, "fido.denied"),
    ERR.PIN_POLICY_VIOLATION: (ApprovalError, "fido.pin_policy"),
}


def _from_ctap(code: int, cancel: threading.Event, prompts: Prompts) -> NoReturn:
    if code == ERR.KEEPALIVE_CANCEL or cancel.is_set():
        raise CancelledError()
    if code == ERR.PIN_BLOCKED:
        prompts.pin_blocked()
    if code == ERR.UNSUPPORTED_ALGORITHM:
        raise ApprovalError("fido.unsupported", feature="ES256 or EdDSA")
    if code == ERR.PIN_POLICY_VIOLATION:
        raise ApprovalError("fido.pin_policy", min_len=4, max_len=MAX_PIN_BYTES)
    known = _CTAP_CODES.get(code)
    if known is not None:
        raise known[0](known[1])
    raise DeviceError("fido.error", ctap_code=f"0x{code:02X}")


@contextlib.contextmanager
def _translated(cancel: threading.Event, prompts: Prompts) -> Iterator[None]:
    """Map python-fido2 / OS failures to Sealroom error codes (never raw text)."""
    try:
        yield
    except SealroomError:
        raise
    except PinRequiredError:
        raise CancelledError() from None
    except ClientError as exc:
        cause = exc.cause
        if isinstance(cause, CtapError):
            _from_ctap(cause.code, cancel, prompts)
        if cancel.is_set():
            raise CancelledError() from None
        if exc.code == ClientError.ERR.TIMEOUT:
            raise ApprovalError("fido.touch_timeout") from None
        if exc.code == ClientError.ERR.DEVICE_INELIGIBLE:
            raise ApprovalError("fido.no_credential") from None
        if exc.code == ClientError.ERR.CONFIGURATION_UNSUPPORTED:
            raise ApprovalError("fido.unsupported", feature="user verification") from None
        raise DeviceError("fido.error", ctap_code=exc.code.name) from None
    except CtapError as exc:
        _from_ctap(exc.code, cancel, prompts)
    except (OSError, struct.error, ConnectionFailure) as exc:
        logger.info("security key link failed: %s", type(exc).__name__)
        raise DeviceError("fido.unplugged") from None
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        # Raised by python-fido2 while decoding what the key sent (CBOR,
        # authenticator data, extension outputs): the answer is unreadable.
        logger.info("unreadable security-key answer: %s", type(exc).__name__)
        raise DeviceError("fido.bad_response") from None
