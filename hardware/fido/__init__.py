"""FIDO2 security keys: discovery, enrolment, approvals and hmac-secret, via python-fido2.

Import from here; :mod:`hardware.fido.client` documents the invariants and
:mod:`hardware.fido.prompts` the UI-neutral prompt interface.
"""

from hardware.fido.client import (
    DEFAULT_ALGORITHMS,
    EDDSA,
    ES256,
    Assertion,
    Enrolment,
    KeySource,
    SecurityKey,
    approve,
    approve_and_derive,
    derive_secret,
    discover_keys,
    enroll,
    held_credentials,
)
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
