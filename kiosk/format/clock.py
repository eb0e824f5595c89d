"""Time, as the core sees it.

The terminal has no time server; its wall clock can be wrong or be moved.
The core therefore reads time only through a :class:`Clock`, so tests and
``sealroom simulate`` can drive time explicitly, and the journal can detect
a clock that moved backwards (it records an alert and keeps ``ts`` monotonic).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Protocol

UTC = dt.UTC

# fullmatch, not match with "$": "$" also matches before a final newline.
_TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The terminal's wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to (tests, simulation)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> dt.datetime:
        with self._lock:
            self._now = self._now + dt.timedelta(**delta)
            return self._now

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)


def format_ts(when: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC (spec section 3)."""
    u = when.astimezone(UTC)
    return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}Z"


def parse_ts(text: str) -> dt.datetime:
    """Inverse of :func:`format_ts`; raises ``ValueError`` on any other shape."""
    if not isinstance(text, str) or not _TS_RE.fullmatch(text):
        raise ValueError(f"timestamp {text!r} is not YYYY-MM-DDTHH:MM:SS.mmmZ")
    return dt.datetime.strptime(text[:-1] + "000", "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


def is_ts(text: object) -> bool:
    return isinstance(text, str) and bool(_TS_RE.fullmatch(text))
