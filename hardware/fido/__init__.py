"""FIDO2 security keys: discovery, enrolment, approvals and hmac-secret, via python-fido2.

Import from here: :mod:`hardware.fido.keys` finds the keys, :mod:`hardware.fido.client`
runs the operations (and documents their invariants), :mod:`hardware.fido.pin` and
:mod:`hardware.fido.errors` are their PIN handling and error codes, and
:mod:`hardware.fido.prompts` is the UI-neutral prompt interface.
"""

from hardware.fido.client import (
    DEFAULT_ALGORITHMS,
    EDDSA,
    ES256,
    Assertion,
    Enrolment,
    approve,
    approve_and_derive,
    derive_secret,
    enroll,
)
from hardware.fido.keys import KeySource, SecurityKey, discover_keys, held_credentials
from hardware.fido.prompts import Prompts, ScriptedPrompts

__all__ = [
    "DEFAULT_ALGORITHMS",
    "EDDSA",
    "ES256",
    "Assertion",
    "Enrolment",
    "KeySource",
    "Prompts",
    "ScriptedPrompts",
    "SecurityKey",
    "approve",
    "approve_and_derive",
    "derive_secret",
    "discover_keys",
    "enroll",
    "held_credentials",
]
