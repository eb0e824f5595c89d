"""Acknowledging an alert: a custodian who saw it signs with their own key.

Why signed: an acknowledgement says a person saw the alarm. Typed in, it is
a name anyone with a shell could write; signed, it is that person's key.
An ordinary alert is acknowledged by one custodian (``by``, whose key
signs). The alarm of a quarantined entry (``journal.integrity``) halts the
terminal, so it is acknowledged under dual control: ``by`` and a second
custodian, two keys (:mod:`kiosk.state.alerts` refuses anything less, at
commit and at every unlock).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.errors import TransitionError
from kiosk.state.integrity import INTEGRITY_ALERT
from kiosk.terminal.approvals import Approval, DualApproval, SecurityKeys

if TYPE_CHECKING:
    from kiosk.journal.store import Journal
    from kiosk.policy import Policy

#: The one role of an ordinary acknowledgement.
ACK_ROLE = "custodian"


def start_acknowledgement(
    journal: Journal,
    policy: Policy | None,
    security_keys: SecurityKeys,
    alert_seq: int,
    by: str,
    note: str | None = None,
) -> Approval:
    """The approval of ``alert.acknowledged`` for alert ``alert_seq``, reserved in the journal.

    Sign it as ``by`` first (and, for an integrity alarm, a second custodian),
    then commit; abandon it on every other way out.
    """
    alert = journal.state.alerts.get(alert_seq)
    if alert is None:
        raise TransitionError("transition.no_such_alert")
    if alert.acknowledged:
        raise TransitionError("transition.alert_acknowledged_twice")
    data: dict[str, Any] = {"alert_seq": alert_seq, "by": by}
    if note:
        data["note"] = note
    if alert.alert == INTEGRITY_ALERT:
        return DualApproval(journal, policy, security_keys, "alert.acknowledged", data)
    return Approval(journal, policy, security_keys, "alert.acknowledged", data, (ACK_ROLE,))


def integrity_alarms(journal: Journal) -> list[int]:
    """Seqs of the ``journal.integrity`` alarms nobody acknowledged yet, oldest first."""
    return sorted(
        a.seq
        for a in journal.state.alerts.values()
        if a.alert == INTEGRITY_ALERT and not a.acknowledged
    )
