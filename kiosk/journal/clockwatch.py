"""A wall clock that jumped forward is not used until two custodians confirm it.

Why: every entry is stamped with the terminal's wall clock, and ``ts`` never
goes backwards. One entry stamped 2099 — the clock set forward, by mistake or
by an insider with a root shell — would stamp every later entry 2099 too,
for ever, and make every deadline overdue. So before an entry is stamped
with a clock that moved forward by more than the policy's
``[terminal] clock_tolerance_minutes``, two custodians confirm the clock (a
dual ``clock.confirmed`` entry, :mod:`kiosk.procedures.clock`); until then
every append is refused (``clock.unconfirmed``) and nothing is recorded.

What the jump is measured against — something the insider cannot set:

* **while the terminal program runs** (locked or not, for months if need be):
  the *elapsed* time since a trusted reading, on the kernel's boot-time
  clock (:meth:`kiosk.format.clock.Clock.elapsed`), which root cannot set and
  which keeps counting through suspend. A terminal that sat locked for a year
  in the same program is a year on both clocks: no jump. A clock set forward
  by an hour is an hour ahead of the elapsed time: a jump. The reference
  is fixed (taken once, renewed only by a confirmation), so a clock pushed
  forward a few minutes at a time is caught as soon as the pushes add up to
  more than the tolerance;
* **when the program has just started** (power on, restart) there is no
  elapsed time to go by: the boot-time clock starts again at boot and
  nothing on disk is beyond the insider's reach. Then the clock is measured
  against the **last entry**: more than the tolerance after it, and two
  custodians confirm it once. The terminal normally runs for months at a
  time (it prints overdue alerts as they fall due), so this is asked after a
  restart that followed a quiet spell, a minute's work for two people; it is
  the price of never taking a date on trust.

The trusted reading is kept in memory with the program's clock object (one
per program: :func:`watch_for`), never on disk where the insider could edit
it: a restart of the program forgets it, which is the second case above.
A clock that went *back* is the journal's other rule (``clock.moved_back``:
recorded once, entries keep the last time).
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass

from kiosk.errors import JournalError
from kiosk.format.clock import Clock, format_ts, parse_ts
from kiosk.policy.model import DEFAULT_CLOCK_TOLERANCE_MINUTES

#: ``ClockJump.against``: what the clock was measured against
LAST_ENTRY = "last-entry"
ELAPSED_TIME = "elapsed-time"

#: the one kind appended while the clock is unconfirmed (it is the confirmation)
CONFIRMATION_KIND = "clock.confirmed"


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
    """The trusted reading of one clock, and the tolerance it is held to."""

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


_WATCHES: weakref.WeakKeyDictionary[Clock, ClockWatch] = weakref.WeakKeyDictionary()


def watch_for(clock: Clock) -> ClockWatch:
    """The watch of ``clock``: it lives as long as the clock object (the program)."""
    watch = _WATCHES.get(clock)
    if watch is None:
        watch = _WATCHES[clock] = ClockWatch()
    return watch


def refuse_unconfirmed_clock(clock: Clock, last_ts: str, kind: str) -> None:
    """Refuse to stamp a ``kind`` entry with a clock that jumped forward (the journal's gate).

    The confirmation itself is the one kind let through: it is stamped with
    the clock it confirms.
    """
    if kind == CONFIRMATION_KIND:
        return
    jump = watch_for(clock).check(clock, last_ts)
    if jump is not None:
        raise jump.error()


def set_tolerance(clock: Clock, minutes: int) -> None:
    """Hold ``clock`` to the policy's ``clock_tolerance_minutes`` (set where the policy is read)."""
    watch_for(clock).tolerance = dt.timedelta(minutes=minutes)
