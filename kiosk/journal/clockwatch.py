"""A wall clock that jumped forward is not used until two custodians confirm it.

Why: every entry is stamped with the terminal's wall clock, and ``ts`` never
goes backwards. One entry stamped 2099 — the clock set forward, by mistake or
by an insider with a root shell — would stamp every later entry 2099 too,
for ever, and make every deadline overdue. So before an entry is stamped
with a clock that moved forward by more than the policy's
``[terminal] clock_tolerance_minutes``, two custodians confirm the clock (a
dual ``clock.confirmed`` entry, :mod:`kiosk.procedures.clock`); until then
every append is refused (``clock.unconfirmed``) and nothing is recorded —
except the evidence that must never wait (:func:`kiosk.state.integrity.is_evidence`:
the unlock record, alarms and their slips, an integrity alarm's
acknowledgement). Those are stamped with the **last entry's time**, the last
time the journal trusts, as entries are when the clock went back: a
terminal restarted after a quiet spell journals its unlock at once, and the
dual ``clock.confirmed`` that follows records the clock it confirms.

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

The trusted reading is kept in memory on the program's clock object
(:class:`kiosk.format.clock.ClockWatch`, ``clock.watch``: one clock per
program, handed to every journal it opens), never on disk where the insider
could edit it: a restart of the program forgets it, which is the second case
above.
A clock that went *back* is the journal's other rule (``clock.moved_back``:
recorded once, entries keep the last time).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.format.clock import Clock
from kiosk.state import State
from kiosk.state.integrity import is_evidence

#: the one kind stamped with a clock that awaits confirmation (it is the confirmation)
CONFIRMATION_KIND = "clock.confirmed"

#: alerts that are judgements of the clock itself, never evidence: an overdue
#: deadline judged on a clock nobody confirmed would be wrong
CLOCK_JUDGED_ALERTS = frozenset({"deadline.overdue"})


def held_stamp(clock: Clock, state: State, kind: str, data: Mapping[str, Any]) -> str | None:
    """The journal's gate: how the next ``kind`` entry may be stamped.

    None: with the clock, as usual. A ts (the last entry's): the clock
    jumped and awaits confirmation, and this is evidence that cannot wait.
    Anything else while the clock jumped raises ``clock.unconfirmed``
    (nothing is recorded).
    """
    if kind == CONFIRMATION_KIND:
        return None
    jump = clock.watch.check(clock, state.last_ts)
    if jump is None:
        return None
    if is_evidence(state, kind, data) and data.get("alert") not in CLOCK_JUDGED_ALERTS:
        return state.last_ts
    raise jump.error()
