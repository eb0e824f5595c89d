"""The key's PIN during an operation: set one, check it is not blocked, ask again when wrong.

Why here and not in the operations: enrolment and every approval ask for the
PIN the same way, through the person's :class:`~hardware.fido.prompts.Prompts`
bridged into python-fido2's ``UserInteraction``.

Invariants:

* PINs pass from :class:`~hardware.fido.prompts.Prompts` straight into
  python-fido2 and are dropped; they never reach a log, an exception or a
  file. (Python strings cannot be wiped; we keep no reference longer than
  the call.)
* Wrong PINs are re-asked with the remaining attempts shown; a blocked PIN
  or one that needs a power cycle is said before anyone types.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Final, TypeVar

from fido2.client import ClientError, UserInteraction
from fido2.ctap import CtapError
from fido2.ctap2.base import Ctap2
from fido2.ctap2.pin import ClientPin

from hardware.fido.prompts import Prompts
from kiosk.errors import ApprovalError, CancelledError

#: CTAP 2.1's PIN composition rules: at least 4 characters, at most 63 bytes of UTF-8.
MIN_PIN_LENGTH: Final = 4
MAX_PIN_BYTES: Final = 63

T = TypeVar("T")
ERR = CtapError.ERR


class PromptBridge(UserInteraction):
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


def set_new_pin(ctap: Ctap2, prompts: Prompts, cancel: threading.Event) -> None:
    """Enrolment on a key without PIN: ask for one (until valid or cancelled) and set it."""
    min_len = max(MIN_PIN_LENGTH, ctap.info.min_pin_length or MIN_PIN_LENGTH)
    while True:
        if cancel.is_set():
            raise CancelledError()
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


def prepare_pin(ctap: Ctap2, bridge: PromptBridge, prompts: Prompts) -> None:
    """Before asking for a PIN: is it blocked, and how many attempts are left?"""
    retries, power_cycle = ClientPin(ctap).get_pin_retries()
    if retries == 0:
        prompts.pin_blocked()
        raise ApprovalError("fido.pin_blocked")
    if power_cycle:
        raise ApprovalError("fido.pin_power_cycle")
    bridge.attempts_left = retries


def with_pin_retries(op: Callable[[], T], ctap: Ctap2, bridge: PromptBridge, prompts: Prompts) -> T:
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
