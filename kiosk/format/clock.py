"""Time, as the core sees it.

The terminal has no time server; its wall clock can be wrong or be moved.
The core therefore reads time only through a :class:`Clock`, so tests and
``sealroom simulate`` can drive time explicitly, and the journal can detect
a clock that moved backwards (it records an alert and keeps ``ts`` monotonic)
or jumped forward (:mod:`kiosk.journal.clockwatch`: nothing is recorded
until two custodians confirm it).

A clock gives two readings: :meth:`Clock.now`, the wall clock every entry is
stamped with, which root can set (``date --set``); and
:meth:`Clock.elapsed`, seconds on a clock *nobody* can set — Linux's
``CLOCK_BOOTTIME``, which counts from boot, never jumps and keeps counting
through suspend. The difference between how far the two moved is how far the
wall clock was set.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from typing import Protocol

UTC = dt.UTC

# fullmatch, not match with "$": "$" also matches before a final newline.
_TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def elapsed(self) -> float:
        """Seconds since an arbitrary origin, on a clock that cannot be set or go back."""
        ...


#: Counts suspend too; Linux only (elsewhere the monotonic clock, which may not).
_ELAPSED_ID = getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC)


class SystemClock:
    """The terminal's wall clock, and the kernel's boot-time clock beside it."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)

    def elapsed(self) -> float:
        return time.clock_gettime(_ELAPSED_ID)


class FakeClock:
    """A clock that only moves when told to (tests, simulation).

    :meth:`advance` and :meth:`set` are time passing: the wall clock and the
    elapsed time move together (a step back in :meth:`advance` moves only the
    wall clock: elapsed time never goes back). :meth:`set_system_time` is what
    ``date --set`` does on the terminal: the wall clock moves, no time passes.
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def elapsed(self) -> float:
        with self._lock:
            return self._elapsed

    def advance(self, **delta: float) -> dt.datetime:
        with self._lock:
            step = dt.timedelta(**delta)
            self._now = self._now + step
            self._elapsed += max(0.0, step.total_seconds())
            return self._now

    def set(self, when: dt.datetime) -> None:
        """Time passes until ``when`` (the wall clock only, if ``when`` is earlier)."""
        with self._lock:
            when = when.astimezone(UTC)
            self._elapsed += max(0.0, (when - self._now).total_seconds())
            self._now = when

    def set_system_time(self, when: dt.datetime) -> None:
        """Set the wall clock to ``when`` as root would, without any time passing."""
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
