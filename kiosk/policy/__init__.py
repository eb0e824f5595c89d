"""The policy file: the rules the terminal runs on, validated and hashed.

:mod:`kiosk.policy.model` is what a validated policy holds (:class:`Policy`);
:mod:`kiosk.policy.load` reads the TOML file and refuses an invalid one,
naming its line. The names below are the package's API: import them from
``kiosk.policy``.
"""

from kiosk.policy.load import DEFAULT_POLICY_PATH, load_policy, parse_policy
from kiosk.policy.model import (
    CHECK_DIGITS,
    DEFAULT_COUNTER_MARGIN,
    LOOKALIKES,
    TERMINATORS,
    DeviceRule,
    Policy,
    missing_password_kinds,
)

__all__ = [
    "CHECK_DIGITS",
    "DEFAULT_COUNTER_MARGIN",
    "DEFAULT_POLICY_PATH",
    "LOOKALIKES",
    "TERMINATORS",
    "DeviceRule",
    "Policy",
    "load_policy",
    "missing_password_kinds",
    "parse_policy",
]
