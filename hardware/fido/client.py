"""FIDO2 operations through python-fido2's client: enrol, approve, derive a secret.

The terminal never speaks CTAP itself: every operation goes through
python-fido2 (``Fido2Client`` with ``DefaultClientDataCollector`` for the
``https://<rp_id>`` origin, plus ``Ctap2``/``ClientPin`` for PIN set-up and
retry counts). This module adds the terminal's rules around it. Its helpers
each have a module: finding the key in :mod:`hardware.fido.keys`, the PIN in
:mod:`hardware.fido.pin`, turning failures into Sealroom error codes (and
cancel) in :mod:`hardware.fido.errors`.

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
* Every operation runs inside :func:`hardware.fido.errors.translated`: what
  leaves it is a :class:`kiosk.errors.SealroomError` with a message code.
"""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from fido2.client import DefaultClientDataCollector, Fido2Client
from fido2.ctap import CtapDevice
from fido2.ctap2.base import Ctap2
from fido2.ctap2.extensions import HmacSecretExtension
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

from hardware.fido.errors import translated
from hardware.fido.keys import KeyLike, choose_device, device_of
from hardware.fido.pin import PromptBridge, prepare_pin, set_new_pin, with_pin_retries
from hardware.fido.prompts import Prompts
from kiosk.errors import ApprovalError, CancelledError, DeviceError
from kiosk.format.canonical import b64u

ES256: Final = -7
EDDSA: Final = -8
DEFAULT_ALGORITHMS: Final = (ES256, EDDSA)
RP_NAME: Final = "Sealroom"
_FLAG_UV: Final = 0x04


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
    dev = device_of(device)
    with translated(cancel, prompts):
        if cancel.is_set():
            raise CancelledError()
        ctap = _ctap2(dev)
        info = ctap.info
        if HmacSecretExtension.NAME not in info.extensions:
            raise ApprovalError("fido.unsupported", feature="hmac-secret")
        if "clientPin" not in info.options:
            raise ApprovalError("fido.unsupported", feature="PIN")
        bridge = PromptBridge(prompts)
        if info.options["clientPin"]:
            prepare_pin(ctap, bridge, prompts)
        else:
            set_new_pin(ctap, prompts, cancel)
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
        registration = with_pin_retries(
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
    caller checks it with :func:`kiosk.rules.webauthn.verify_assertion`.
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
    with translated(cancel, prompts):
        if cancel.is_set():
            raise CancelledError()
        dev = choose_device(device_or_devices, rp_id, allow_credential_ids)
        ctap = _ctap2(dev)
        need_uv = uv_required or salt is not None
        if need_uv and not ctap.info.options.get("clientPin"):
            raise ApprovalError("fido.pin_not_set")
        bridge = PromptBridge(prompts)
        if need_uv:
            prepare_pin(ctap, bridge, prompts)
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
        selection = with_pin_retries(
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


def _ctap2(dev: CtapDevice) -> Ctap2:
    try:
        return Ctap2(dev)
    except ValueError:
        raise ApprovalError("fido.unsupported", feature="FIDO2 (CTAP2)") from None


def _client(dev: CtapDevice, rp_id: str, bridge: PromptBridge) -> Fido2Client:
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
