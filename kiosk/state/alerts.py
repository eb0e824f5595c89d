"""Alert entries: each raised alert, whether its slip printed, whether a person acknowledged it.

(Which deadlines are overdue and need an alert is :mod:`kiosk.terminal.overdue`; this
module only folds the alert entries the journal holds.)

Rules: an alert is acknowledged once, by a custodian whose key signs the
acknowledgement (``by`` is one of the signers: a person who saw it, not a
name typed in); the alarm of a quarantined entry (``journal.integrity``,
:mod:`kiosk.state.integrity`) needs two distinct custodians with two keys.
Only a raised alert's slip can fail, and only a slip that failed is printed
again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.errors import TransitionError
from kiosk.format.entry import Entry
from kiosk.state.integrity import INTEGRITY_ALERT, note_acknowledged, note_alarm

if TYPE_CHECKING:
    from kiosk.state.projection import State


@dataclass
class Alert:
    seq: int
    ts: str
    alert: str
    summary: str
    acknowledged: bool = False
    #: why its slip did not print (a print error's code), until a later try printed it
    slip_failed: str | None = None
    #: the incident the alert is about (``data.incident``), if any
    incident: str | None = None
    #: the alert's ``data.detail`` (an opening alert's serial, a deadline's key)
    detail: dict[str, object] | None = None
    #: when it was acknowledged (the acknowledgement's ts)
    acknowledged_at: str | None = None
    #: the custodian who acknowledged it (``data.by``, one of the signers)
    acknowledged_by: str | None = None


def apply_raised(state: State, entry: Entry) -> None:
    data = entry.data
    detail = data.get("detail")
    state.alerts[entry.seq] = Alert(
        entry.seq,
        entry.ts,
        data["alert"],
        data["summary"],
        incident=data.get("incident"),
        detail=dict(detail) if isinstance(detail, dict) else None,
    )
    if isinstance(detail, dict) and isinstance(detail.get("deadline"), str):
        state.alerted_deadlines.add(detail["deadline"])
    note_alarm(state, entry)


def check_acknowledged(state: State, entry: Entry) -> None:
    alert = state.alerts.get(entry.data["alert_seq"])
    if alert is None:
        raise TransitionError("transition.no_such_alert")
    if alert.acknowledged:
        raise TransitionError("transition.alert_acknowledged_twice")
    people = {a.get("custodian") for a in entry.attest}
    keys = {a.get("credential_id") for a in entry.attest}
    if entry.data["by"] not in people:
        raise TransitionError("integrity.ack_unsigned", by=entry.data["by"])
    if alert.alert == INTEGRITY_ALERT and (len(people) < 2 or len(keys) < 2):
        raise TransitionError("integrity.ack_needs_two", alert_seq=alert.seq)


def apply_acknowledged(state: State, entry: Entry) -> None:
    state.alerts[entry.data["alert_seq"]].acknowledged = True
    state.alerts[entry.data["alert_seq"]].acknowledged_at = entry.ts
    state.alerts[entry.data["alert_seq"]].acknowledged_by = str(entry.data["by"])
    note_acknowledged(state, entry.data["alert_seq"])


def check_slip_failed(state: State, entry: Entry) -> None:
    if entry.data["alert_seq"] not in state.alerts:
        raise TransitionError("transition.no_such_alert")


def apply_slip_failed(state: State, entry: Entry) -> None:
    state.alerts[entry.data["alert_seq"]].slip_failed = entry.data["reason"]


def check_slip_printed(state: State, entry: Entry) -> None:
    alert = state.alerts.get(entry.data["alert_seq"])
    if alert is None or alert.slip_failed is None:
        raise TransitionError("transition.no_slip_waiting")


def apply_slip_printed(state: State, entry: Entry) -> None:
    state.alerts[entry.data["alert_seq"]].slip_failed = None
