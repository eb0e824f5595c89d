"""The terminal's :class:`kiosk.terminal.approvals.SecurityKeys`, over python-fido2.

:class:`FidoSecurityKeys` is what the core's approval, enrolment and unlock
flows call. At every operation it discovers the plugged-in keys (USB HID,
then the simulated keys it was given), so a key plugged in between two
steps is found, and closes them afterwards.

Invariants:

* The core decides *which* credentials may act (``allow``); this adapter only
  finds the key holding one of them (silently, up=false, no PIN; :mod:`hardware.fido.keys`)
  and runs the operation through :mod:`hardware.fido.client` (python-fido2's client).
* PINs and touches go through the injected :class:`~hardware.fido.prompts.Prompts`;
  nothing here stores a PIN or an hmac-secret output beyond the return value.
* With several keys holding allowed credentials the operation is refused
  (``fido.several_keys``) instead of guessing whose touch counts.
* Every call is recorded in :attr:`FidoSecurityKeys.calls` as
  ``(operation, detail)`` without secrets, for tests and diagnostics.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from hardware.fido.client import (
    DEFAULT_ALGORITHMS,
    approve,
    approve_and_derive,
    derive_secret,
    enroll,
)
from hardware.fido.keys import KeySource, SecurityKey, discover_keys, held_credentials
from hardware.fido.prompts import Prompts
from kiosk.errors import ApprovalError, DeviceError
from kiosk.format.canonical import b64u


class FidoSecurityKeys:
    """Security keys (USB and/or simulated) behind the core's ``SecurityKeys`` protocol.

    ``simulated`` is a list of key sources (e.g. ``SoftAuthenticator``), read
    at each operation, so a test or the demo "plugs in" a key by changing it.
    ``usb=False`` ignores USB HID (tests, and the demo on a laptop with a
    real key that must not be touched). ``allowed(vendor, product)`` is the
    policy's allow-list for security keys: a key it refuses is never used
    (``fido.key_not_allowed`` when no other key is there).
    """

    def __init__(
        self,
        prompts: Prompts,
        *,
        simulated: Sequence[KeySource] = (),
        usb: bool = True,
        algorithms: Sequence[int] = DEFAULT_ALGORITHMS,
        allowed: Callable[[int, int], bool] | None = None,
    ) -> None:
        self.prompts = prompts
        self.allowed = allowed
        self.refused: list[str] = []
        self.simulated: list[KeySource] = list(simulated)
        self.usb = usb
        self.algorithms = tuple(algorithms)
        self.calls: list[tuple[str, Any]] = []

    # -- discovery -----------------------------------------------------------------
    @contextmanager
    def _keys(self) -> Iterator[list[SecurityKey]]:
        if self.usb:
            keys = discover_keys(self.simulated)
        else:
            keys = []
            for source in self.simulated:
                dev = source.open_device()
                keys.append(SecurityKey(dev, source.label, str(dev.descriptor.path), True))
        if self.allowed is not None:
            keys, refused = self._screen(keys)
            if not keys and refused:
                for k in refused:
                    k.close()
                raise DeviceError("fido.key_not_allowed", label=refused[0].label)
            for k in refused:
                k.close()
        try:
            if not keys:
                raise DeviceError("fido.no_key")
            yield keys
        finally:
            for k in keys:
                k.close()

    def _screen(self, keys: list[SecurityKey]) -> tuple[list[SecurityKey], list[SecurityKey]]:
        """Split keys into allowed ones and ones the policy's allow-list refuses."""
        ok, refused = [], []
        for k in keys:
            desc = getattr(k.device, "descriptor", None)
            vid, pid = getattr(desc, "vid", None), getattr(desc, "pid", None)
            if self.allowed is not None and (
                vid is None or pid is None or not self.allowed(int(vid), int(pid))
            ):
                refused.append(k)
                self.refused.append(k.label)
            else:
                ok.append(k)
        return ok, refused

    def _holders(
        self, keys: Sequence[SecurityKey], rp_id: str, ids: Sequence[bytes]
    ) -> list[tuple[SecurityKey, list[bytes]]]:
        out = []
        for k in keys:
            held = held_credentials(k, rp_id, ids)
            if held:
                out.append((k, held))
        return out

    def _one_holder(
        self, keys: Sequence[SecurityKey], rp_id: str, ids: Sequence[bytes]
    ) -> tuple[SecurityKey, list[bytes]]:
        holders = self._holders(keys, rp_id, ids)
        if not holders:
            raise ApprovalError("fido.no_credential")
        if len(holders) > 1:
            raise ApprovalError("fido.several_keys")
        return holders[0]

    # -- the SecurityKeys protocol -----------------------------------------------
    def present(self, rp_id: str, candidates: Sequence[bytes]) -> list[bytes]:
        self.calls.append(("present", {"rp_id": rp_id, "candidates": len(candidates)}))
        if not candidates:
            return []
        with self._keys() as keys:
            found: list[bytes] = []
            for _, held in self._holders(keys, rp_id, candidates):
                found.extend(h for h in held if h not in found)
            return found

    def approve(
        self,
        digest: bytes,
        allow: Sequence[bytes],
        rp_id: str,
        uv_required: bool,
        cancel: threading.Event,
    ) -> dict[str, str]:
        self.calls.append(("approve", {"rp_id": rp_id, "allow": [b64u(a) for a in allow]}))
        with self._keys() as keys:
            key, _ = self._one_holder(keys, rp_id, allow)
            assertion = approve(key, digest, rp_id, allow, uv_required, self.prompts, cancel)
        return _fields(assertion.to_attest("", ""))

    def approve_and_derive(
        self,
        digest: bytes,
        credential_id: bytes,
        rp_id: str,
        salt: bytes,
        cancel: threading.Event,
    ) -> tuple[dict[str, str], bytes]:
        self.calls.append(("approve_and_derive", {"rp_id": rp_id, "id": b64u(credential_id)}))
        with self._keys() as keys:
            key, _ = self._one_holder(keys, rp_id, [credential_id])
            assertion, secret = approve_and_derive(
                key, digest, rp_id, [credential_id], salt, self.prompts, cancel
            )
        return _fields(assertion.to_attest("", "")), secret

    def enroll(
        self,
        rp_id: str,
        user_id: bytes,
        user_name: str,
        display_name: str,
        exclude: Sequence[bytes],
        cancel: threading.Event,
    ) -> dict[str, Any]:
        """Enrol on the one plugged-in key that holds none of ``exclude``."""
        self.calls.append(("enroll", {"rp_id": rp_id, "user": user_name}))
        with self._keys() as keys:
            fresh = (
                [k for k in keys if not held_credentials(k, rp_id, exclude)] if exclude else keys
            )
            if not fresh:
                raise ApprovalError("fido.already_enrolled")
            if len(fresh) > 1:
                raise ApprovalError("fido.several_keys")
            result = enroll(
                fresh[0],
                rp_id,
                user_id,
                user_name,
                display_name,
                self.prompts,
                cancel,
                algorithms=self.algorithms,
                exclude_credential_ids=exclude,
            )
        data = result.to_data()
        data["aaguid"] = result.aaguid
        return data

    def derive_secret(
        self, rp_id: str, salts: Mapping[bytes, bytes], cancel: threading.Event
    ) -> tuple[bytes, bytes]:
        self.calls.append(("derive_secret", {"rp_id": rp_id, "slots": len(salts)}))
        with self._keys() as keys:
            key, held = self._one_holder(keys, rp_id, list(salts))
            cid = held[0]
            return derive_secret(key, rp_id, [cid], salts[cid], self.prompts, cancel)

    def unlock(
        self,
        rp_id: str,
        salts: Mapping[bytes, bytes],
        challenge: bytes,
        cancel: threading.Event,
    ) -> tuple[dict[str, str], bytes]:
        """The unlock's assertion over ``challenge`` and the slot secret, in one touch."""
        self.calls.append(("unlock", {"rp_id": rp_id, "slots": len(salts)}))
        with self._keys() as keys:
            key, held = self._one_holder(keys, rp_id, list(salts))
            cid = held[0]
            assertion, secret = approve_and_derive(
                key, challenge, rp_id, [cid], salts[cid], self.prompts, cancel
            )
        return _fields(assertion.to_attest("", "")), secret


def _fields(attest: Mapping[str, str]) -> dict[str, str]:
    """The four assertion fields of spec section 4 (role/custodian are the core's)."""
    return {
        k: attest[k]
        for k in ("credential_id", "authenticator_data", "client_data_json", "signature")
    }


__all__ = ["FidoSecurityKeys"]
