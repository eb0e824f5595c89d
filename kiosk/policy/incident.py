"""``[incident]``: the policy settings of issue 19 (sessions end, openings known to security).

Every key is optional, so a policy file written before the section existed
keeps its meaning and its hash; the defaults are in :mod:`kiosk.policy.model`.
The upper bounds are what the auditors' verifier judges by when the journal
records no value (:mod:`kiosk.rules.incident_findings`): the policy may make
them stricter, never looser, as with the procedure's windows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kiosk.policy.model import (
    DEFAULT_BACKDATE_TOLERANCE_MINUTES,
    DEFAULT_OPENING_ACK_MINUTES,
    DEFAULT_SESSION_MAX_MINUTES,
    MAX_BACKDATE_TOLERANCE_MINUTES,
    MAX_OPENING_ACK_MINUTES,
    MAX_SESSION_MAX_MINUTES,
)

SECTION = "incident"
KEYS = frozenset(
    {
        "session_max_minutes",
        "opening_ack_minutes",
        "backdate_tolerance_minutes",
        "solo_signoff_first",
    }
)


class Reader(Protocol):
    def get(
        self,
        section: str,
        key: str,
        kind: type,
        check: Callable[[Any], str | None] | None = None,
        optional: bool = False,
    ) -> Any: ...

    def unknown_keys(self, section: str, known: set[str]) -> None: ...


def _range(lo: int, hi: int, why: str) -> Callable[[Any], str | None]:
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi}: {why}"


def incident_settings(r: Reader, present: bool) -> dict[str, Any]:
    """The ``[incident]`` keyword arguments of :class:`~kiosk.policy.model.Policy`."""
    if not present:
        return {}
    r.unknown_keys(SECTION, set(KEYS))
    out: dict[str, Any] = {}
    session = r.get(
        SECTION,
        "session_max_minutes",
        int,
        _range(5, MAX_SESSION_MAX_MINUTES, "the auditors judge a session by at most 4 hours"),
        optional=True,
    )
    ack = r.get(
        SECTION,
        "opening_ack_minutes",
        int,
        _range(5, MAX_OPENING_ACK_MINUTES, "security must know of an opening the same shift"),
        optional=True,
    )
    tolerance = r.get(
        SECTION,
        "backdate_tolerance_minutes",
        int,
        _range(0, MAX_BACKDATE_TOLERANCE_MINUTES, "the auditors flag older typed-in times"),
        optional=True,
    )
    first = r.get(SECTION, "solo_signoff_first", bool, optional=True)
    out["session_max_minutes"] = DEFAULT_SESSION_MAX_MINUTES if session is None else session
    out["opening_ack_minutes"] = DEFAULT_OPENING_ACK_MINUTES if ack is None else ack
    out["backdate_tolerance_minutes"] = (
        DEFAULT_BACKDATE_TOLERANCE_MINUTES if tolerance is None else tolerance
    )
    out["solo_signoff_first"] = bool(first)
    return out
