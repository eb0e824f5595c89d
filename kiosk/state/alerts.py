"""Alert entries: each raised alert, whether its slip printed, whether a person acknowledged it.

(Which deadlines are overdue and need an alert is :mod:`kiosk.terminal.overdue`; this
module only folds the alert entries the journal holds.)

Rules: an alert is acknowledged once; only a raised alert's slip can fail,
and only a slip that failed is printed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.errors import TransitionError
from kiosk.format.entry import Entry

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


def apply_raised(state: State, entry: Entry) -> None:
    data = entry.data
    state.alerts[entry.seq] = Alert(entry.seq, entry.ts, data["alert"], data["summary"])
    detail = data.get("detail")
    if isinstance(detail, dict) and isinstance(detail.get("deadline"), str):
        state.alerted_deadlines.add(detail["deadline"])


def check_acknowledged(state: State, entry: Entry) -> None:
    alert = state.alerts.get(entry.data["alert_seq"])
    if alert is None:
        raise TransitionError("transition.no_such_alert")
    if alert.acknowledged:
        raise TransitionError("transition.alert_acknowledged_twice")


def apply_acknowledged(state: State, entry: Entry) -> None:
    state.alerts[entry.data["alert_seq"]].acknowledged = True


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
