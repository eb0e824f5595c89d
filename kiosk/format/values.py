"""The checks of one payload value, and the shapes several kinds share.

Why hand-written checks instead of JSON Schema: the rules are few and each
refusal must read as a sentence a custodian understands ("'serial' must be 1
to 64 characters"). A check takes a value and returns ``None`` when it is
acceptable, or the end of that sentence; :func:`check_fields` puts the
field's name in front. The table of kinds (:mod:`kiosk.format.kinds`) is
built from these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.format.clock import is_ts
from kiosk.format.entry import is_hex64

#: Checks one value: ``None`` if it is acceptable, else what is wrong with it.
Check = Callable[[Any], str | None]
#: A field of an object: its check, and whether it is required.
Field = tuple[Check, bool]

#: Control characters other than newline (one C-level search instead of a Python loop).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


def text(max_len: int = 500, min_len: int = 1) -> Check:
    """Text of ``min_len`` to ``max_len`` characters (not counting outer spaces), no control
    characters but newlines."""

    def check(v: Any) -> str | None:
        if not isinstance(v, str):
            return "must be text"
        if not min_len <= len(v.strip()) <= max_len:
            return f"must be {min_len} to {max_len} characters"
        if _CONTROL.search(v):
            return "must not contain control characters"
        return None

    return check


def whole_number(lo: int = 0, hi: int = 2**53 - 1) -> Check:
    """An integer from ``lo`` to ``hi`` (true and false are not numbers here)."""
    return lambda v: (
        None
        if isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi
        else f"must be a whole number from {lo} to {hi}"
    )


def boolean(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


def timestamp(v: Any) -> str | None:
    return None if is_ts(v) else "must be a time YYYY-MM-DDTHH:MM:SS.mmmZ"


def hex64(v: Any) -> str | None:
    return None if is_hex64(v) else "must be a SHA-256 hex digest"


def one_of(*options: str) -> Check:
    return lambda v: None if v in options else f"must be one of {', '.join(options)}"


def one_of_numbers(*options: int) -> Check:
    return lambda v: (
        None
        if isinstance(v, int) and not isinstance(v, bool) and v in options
        else f"must be one of {', '.join(map(str, options))}"
    )


def list_of(item: Check, min_items: int = 0, max_items: int = 200) -> Check:
    """A list of ``min_items`` to ``max_items`` items, each passing ``item``."""

    def check(v: Any) -> str | None:
        if not isinstance(v, list):
            return "must be a list"
        if not min_items <= len(v) <= max_items:
            return f"must list {min_items} to {max_items} items"
        for i, x in enumerate(v):
            problem = item(x)
            if problem:
                return f"item {i + 1} {problem}"
        return None

    return check


def object_with(fields: Mapping[str, Field]) -> Check:
    """An object holding exactly ``fields`` (the optional ones may be absent)."""

    def check(v: Any) -> str | None:
        if not isinstance(v, dict):
            return "must be an object"
        return check_fields(v, fields)

    return check


def any_object(v: Any) -> str | None:
    return None if isinstance(v, dict) else "must be an object"


def check_fields(data: Mapping[str, Any], fields: Mapping[str, Field]) -> str | None:
    """The first problem of ``data`` against ``fields``: a required field missing, a value
    refused, or a field that is not in ``fields``."""
    for name, (check, required) in fields.items():
        if name not in data:
            if required:
                return f"'{name}' is missing"
            continue
        problem = check(data[name])
        if problem:
            return f"'{name}' {problem}"
    extra = sorted(set(data) - set(fields))
    if extra:
        return f"unexpected field '{extra[0]}'"
    return None


def R(check: Check) -> Field:
    """A required field."""
    return (check, True)


def O(check: Check) -> Field:  # noqa: E743
    """An optional field."""
    return (check, False)


ID = text(64)
TEXT = text(500)
LONG = text(4000)
NAME = text(120)
SERIAL = text(64)

CREDENTIAL = object_with(
    {
        "id": R(text(1400)),
        "public_key": R(text(4000)),
        "alg": R(one_of_numbers(-7, -8)),
        "rp_id": R(text(253)),
        "aaguid": O(text(64)),
        "label": O(NAME),
    }
)
PERSON = object_with({"name": R(NAME), "role": R(NAME)})
#: The business-day calendar of the policy (``[calendar]``): a country, and a
#: subdivision, of the ``holidays`` package, and the terminal's time zone (an
#: IANA name: where the organisation's days begin and end). Journalled so that
#: an auditor's verifier counts business days on the terminal's calendar.
CALENDAR = object_with({"country": R(text(3)), "subdivision": O(text(10)), "timezone": O(text(64))})
#: The four points of an envelope's integrity inspection.
CHECKLIST = object_with(
    {
        "seal_unbroken": R(boolean),
        "signatures_undisturbed": R(boolean),
        "no_tears_or_holes": R(boolean),
        "no_steaming": R(boolean),
    }
)
#: Why an envelope leaves the safe: an incident, the test retrieval after a reset, a drill.
PURPOSES = ("incident", "verification", "drill")
#: How an approver or executive was reached.
CHANNELS = ("phone", "messaging", "email", "in-person", "video")
