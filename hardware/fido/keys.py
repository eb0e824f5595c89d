"""Which security keys are plugged in, and which of them holds a credential.

Why a module of its own: before any operation the terminal must find the
keys (USB HID, then the simulated ones of tests and the demo) and, with
several plugged in, the one that holds an allowed credential, without asking
anyone to touch anything: a silent probe (getAssertion with up=false, no PIN)
tells whether a key knows a credential.

Invariants:

* A USB device that cannot be opened is skipped with a log line: one bad
  device must not hide the others.
* A probe never asks for a touch or a PIN, and a key that cannot be asked
  counts as holding nothing.
* With several keys holding an allowed credential, nothing is guessed:
  ``fido.several_keys``.
"""

from __future__ import annotations

import contextlib
import logging
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from fido2.ctap import CtapDevice, CtapError
from fido2.ctap2.base import AssertionResponse, Ctap2
from fido2.hid import CtapHidDevice

from kiosk.errors import ApprovalError, DeviceError

logger = logging.getLogger(__name__)

ERR = CtapError.ERR


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


def device_of(device: KeyLike) -> CtapDevice:
    """The python-fido2 device behind a discovered key (or the device itself)."""
    return device.device if isinstance(device, SecurityKey) else device


def choose_device(
    device_or_devices: KeyLike | Sequence[KeyLike], rp_id: str, allow: Sequence[bytes]
) -> CtapDevice:
    """The one key to run an operation on: the only one, or the only one holding ``allow``."""
    if isinstance(device_or_devices, (SecurityKey, CtapDevice)):
        return device_of(device_or_devices)
    devices = [device_of(d) for d in device_or_devices]
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
    dev = device_of(device)
    remaining = [bytes(c) for c in candidates]
    found: list[bytes] = []
    try:
        ctap = Ctap2(dev)
        while remaining:
            hit: bytes | None = None
            for ids in _allow_lists(ctap, remaining):
                result = _silent_probe(ctap, rp_id, ids)
                if result is None:
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
        return any(_silent_probe(ctap, rp_id, ids) is not None for ids in _allow_lists(ctap, allow))
    except (CtapError, OSError, ValueError, struct.error) as exc:
        logger.info("key skipped while looking for a credential: %s", type(exc).__name__)
    return False


def _allow_lists(ctap: Ctap2, ids: Sequence[bytes]) -> list[Sequence[bytes]]:
    """``ids`` cut into allow-lists no longer than the key accepts."""
    chunk = max(1, ctap.info.max_creds_in_list or 1)
    return [ids[start : start + chunk] for start in range(0, len(ids), chunk)]


def _silent_probe(ctap: Ctap2, rp_id: str, ids: Sequence[bytes]) -> AssertionResponse | None:
    """getAssertion with up=false, no PIN: the answer, or None if the key holds none of ``ids``."""
    try:
        return ctap.get_assertion(
            rp_id,
            b"\0" * 32,
            [{"type": "public-key", "id": i} for i in ids],
            options={"up": False},
        )
    except CtapError as exc:
        if exc.code != ERR.NO_CREDENTIALS:
            raise
        return None
