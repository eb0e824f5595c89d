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
from dataclasses import dataclass
from typing import Protocol

from kiosk.errors import JournalError

UTC = dt.UTC

# fullmatch, not match with "$": "$" also matches before a final newline.
_TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


class Clock(Protocol):
    #: the trusted reading this clock is held to (one per clock object: per program)
    watch: ClockWatch

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

    def __init__(self) -> None:
        self.watch = ClockWatch()

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
        self.watch = ClockWatch()

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


#: ``[terminal] clock_tolerance_minutes`` when the policy does not say
DEFAULT_CLOCK_TOLERANCE_MINUTES = 10

#: ``ClockJump.against``: what the clock was measured against
LAST_ENTRY = "last-entry"
ELAPSED_TIME = "elapsed-time"


@dataclass(frozen=True)
class ClockJump:
    """The wall clock is ahead of what was expected by more than the tolerance."""

    clock: str  #: what the clock says (a ts)
    expected: str  #: what it was expected to say (a ts)
    against: str  #: :data:`LAST_ENTRY` or :data:`ELAPSED_TIME`

    @property
    def minutes(self) -> int:
        return int((parse_ts(self.clock) - parse_ts(self.expected)).total_seconds() // 60)

    def error(self) -> JournalError:
        """The refusal of an append, saying what to do."""
        code = "clock.unconfirmed" if self.against == ELAPSED_TIME else "clock.unconfirmed_start"
        return JournalError(code, clock=_words(self.clock), expected=_words(self.expected))


def _words(ts: str) -> str:
    return ts[:16].replace("T", " ")


class ClockWatch:
    """The trusted reading of one clock, and the tolerance it is held to.

    Why it lives on the clock object: the terminal program makes one clock
    and hands it to every journal it opens, lock after unlock, so the
    reading survives a lock (a terminal locked for a month in the same
    program is a month on both clocks, no jump) and is forgotten by a
    restart, never written where an insider could edit it. The rules are in
    :mod:`kiosk.journal.clockwatch`.
    """

    def __init__(self, tolerance_minutes: int = DEFAULT_CLOCK_TOLERANCE_MINUTES) -> None:
        self.tolerance = dt.timedelta(minutes=tolerance_minutes)
        #: (wall time, elapsed seconds) read together when the clock was trusted
        self.reference: tuple[dt.datetime, float] | None = None

    def check(self, clock: Clock, last_ts: str) -> ClockJump | None:
        """The jump the clock made, or None (and then, the first time, trust it).

        ``last_ts`` is the journal's last entry's ts (``""`` before genesis).
        """
        now, elapsed = clock.now(), clock.elapsed()
        if self.reference is None:
            if last_ts and now > parse_ts(last_ts) + self.tolerance:
                return ClockJump(format_ts(now), last_ts, LAST_ENTRY)
            self.reference = (now, elapsed)
            return None
        wall, at = self.reference
        expected = wall + dt.timedelta(seconds=elapsed - at)
        if now > expected + self.tolerance:
            return ClockJump(format_ts(now), format_ts(expected), ELAPSED_TIME)
        return None

    def trust(self, clock: Clock) -> None:
        """Two custodians confirmed the clock: measure from its reading now."""
        self.reference = (clock.now(), clock.elapsed())

    def set_tolerance(self, minutes: int) -> None:
        """Hold the clock to the policy's ``clock_tolerance_minutes``."""
        self.tolerance = dt.timedelta(minutes=minutes)


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
