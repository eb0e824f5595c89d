"""Alerts for security that the procedure raises itself (issue 19).

Why: the terminal has no network, so "security knows at once" means a printed
slip and an unacknowledged alert on the dashboard. An envelope opening is the
moment a break-glass credential comes into use; its alert is acknowledged only
by a custodian with the security duty who took no part in the incident
(:func:`kiosk.state.sessions.check_acknowledged`), within the policy's
``opening_ack_minutes`` — overdue is itself an alert (the ``opening_ack``
deadline of :mod:`kiosk.state.due`).
"""

from __future__ import annotations

from typing import Any

from kiosk.format.entry import Entry
from kiosk.procedures.context import Context
from kiosk.state.sessions import IDP_ALERT, OPENING_ALERT


def raise_opening_alert(ctx: Context, incident: str, serial: str, purpose: str) -> Entry:
    """The alert (and slip) of an opening: for security, at once."""
    what = {"incident": "an incident", "drill": "a drill", "verification": "a verification"}
    data: dict[str, Any] = {
        "alert": OPENING_ALERT,
        "summary": f"Envelope {serial} was opened for {what.get(purpose, purpose)} "
        f"({incident}): security must acknowledge within "
        f"{ctx.policy.opening_ack_minutes} minutes.",
        "detail": {
            "serial": serial,
            "incident": incident,
            "purpose": purpose,
            "ack_minutes": ctx.policy.opening_ack_minutes,
        },
        "incident": incident,
    }
    return ctx.append("alert.raised", data)


def raise_idp_alert_missing(ctx: Context, incident: str, account: str) -> Entry:
    """Security did not receive the provider's sign-in alert of a break-glass account."""
    return ctx.append(
        "alert.raised",
        {
            "alert": IDP_ALERT,
            "summary": f"The identity provider's sign-in alert for {account} did not reach "
            f"security ({incident}).",
            "detail": {"account": account, "incident": incident},
            "incident": incident,
        },
    )


def opening_alerts(ctx: Context, incident: str | None = None) -> list[int]:
    """Seqs of opening alerts not yet acknowledged (of ``incident``, or all)."""
    return [
        a.seq
        for a in ctx.journal.state.alerts.values()
        if a.alert == OPENING_ALERT
        and not a.acknowledged
        and (incident is None or a.incident == incident)
    ]
