"""Quarantined entries, their alarms, and the halt until two custodians have seen them.

An entry whose chain links are intact but which breaks a rule (an invalid
attestation, a one-person dual entry, an exception Amendment 1 does not
allow, a payload or a transition the terminal refuses) is *quarantined* by
the walk at unlock (:mod:`kiosk.journal.walk`): it stays in the journal as
evidence — nothing is repaired or deleted — but it is not folded into the
state. Only its place in the chain counts (``seq``, ``head``, ``last_ts``),
so the next entry still follows it.

Rules:

* Each quarantined entry gets one ``alert.raised`` alarm (alert
  ``journal.integrity``, ``detail`` {seq, hash, reason}); the state knows
  which alarm belongs to which entry (:func:`note_alarm`).
* While a quarantined entry has no acknowledged alarm, the terminal is
  **halted**: the journal takes only what :func:`halt_refusal` allows — the
  alarms and the other alerts (and their slips), the record of the unlock
  itself, and the acknowledgement of an integrity alarm, which needs two
  distinct custodians with two keys (:mod:`kiosk.state.alerts`).
* Once every quarantined entry's alarm is acknowledged the terminal works
  again. Later unlocks quarantine the same entries again (the auditors'
  verifier reports them as errors too), but find their alarms acknowledged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from kiosk.errors import JournalError
from kiosk.format.entry import Entry

if TYPE_CHECKING:
    from kiosk.state.projection import State

#: The ``alert`` of the alarm raised for each quarantined entry.
INTEGRITY_ALERT: Final = "journal.integrity"

#: What a halted journal still takes: alerts and their slips, and the unlock's record.
ALLOWED_WHILE_HALTED: Final = frozenset(
    {"alert.raised", "alert.slip_failed", "alert.slip_printed", "terminal.unlocked"}
)


@dataclass
class Quarantined:
    """An entry kept as evidence but not applied: where it is, what it is, what is wrong."""

    seq: int
    hash: str
    kind: str
    reason: str
    #: the seq of its ``journal.integrity`` alarm, once raised
    alarm_seq: int | None = None
    acknowledged: bool = False


def quarantine(state: State, entry: Entry, reason: str) -> Quarantined:
    """Keep ``entry`` out of the state; only its place in the chain moves the state on."""
    q = Quarantined(entry.seq, entry.hash, entry.kind, reason)
    state.quarantined[entry.seq] = q
    state.seq, state.head, state.last_ts = entry.seq, entry.hash, entry.ts
    return q


def alarm_detail(q: Quarantined) -> dict[str, Any]:
    """The ``detail`` of the alarm for ``q`` (what the state matches the alarm by)."""
    return {"seq": q.seq, "hash": q.hash, "kind": q.kind, "reason": q.reason}


def note_alarm(state: State, entry: Entry) -> None:
    """An ``alert.raised`` entry: if it is the alarm of a quarantined entry, remember it."""
    if entry.data.get("alert") != INTEGRITY_ALERT:
        return
    detail = entry.data.get("detail")
    if not isinstance(detail, Mapping):
        return
    seq = detail.get("seq")
    q = state.quarantined.get(seq) if isinstance(seq, int) else None
    if q is not None and q.hash == detail.get("hash") and q.alarm_seq is None:
        q.alarm_seq = entry.seq


def is_integrity_alarm(state: State, alert_seq: object) -> bool:
    """True if alert ``alert_seq`` is a ``journal.integrity`` alarm."""
    alert = state.alerts.get(alert_seq) if isinstance(alert_seq, int) else None
    return alert is not None and alert.alert == INTEGRITY_ALERT


def note_acknowledged(state: State, alert_seq: int) -> None:
    """Alert ``alert_seq`` was acknowledged: so is the quarantined entry it is the alarm of."""
    for q in state.quarantined.values():
        if q.alarm_seq == alert_seq:
            q.acknowledged = True


def unacknowledged(state: State) -> list[Quarantined]:
    """Quarantined entries whose alarm nobody acknowledged yet: the terminal is halted."""
    return [q for q in state.quarantined.values() if not q.acknowledged]


def without_alarm(state: State) -> list[Quarantined]:
    """Quarantined entries that have no alarm in the journal yet."""
    return [q for q in state.quarantined.values() if q.alarm_seq is None]


def is_evidence(state: State, kind: str, data: Mapping[str, Any]) -> bool:
    """True for what is recorded even when the terminal cannot go on otherwise.

    The unlock record, alarms, their slips, and the acknowledgement of an
    integrity alarm: a halted journal takes them (they are how it is
    un-halted), and so does a journal whose clock awaits confirmation
    (:mod:`kiosk.journal.clockwatch`), so that neither waits for the other.
    """
    if kind in ALLOWED_WHILE_HALTED:
        return True
    return kind == "alert.acknowledged" and is_integrity_alarm(state, data.get("alert_seq"))


def halt_refusal(state: State, kind: str, data: Mapping[str, Any]) -> JournalError | None:
    """Why a halted journal may not take this entry now, or None (also when not halted)."""
    halted = unacknowledged(state)
    if not halted or is_evidence(state, kind, data):
        return None
    first = halted[0]
    return JournalError("journal.halted", seq=first.seq, kind=first.kind)
