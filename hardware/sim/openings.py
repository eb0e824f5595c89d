"""What ``sealroom simulate`` says about each opening: did security acknowledge it?

Why: the emergency scenario must show the security acknowledgement of the
opening (issue 19), and the careless one that nobody gave it.
"""

from __future__ import annotations

from kiosk.state import State
from kiosk.state.sessions import OPENING_ALERT


def opening_lines(state: State) -> list[str]:
    """One line per opening alert: acknowledged by whom and when, or not."""
    lines = []
    for alert in sorted(state.alerts.values(), key=lambda a: a.seq):
        if alert.alert != OPENING_ALERT:
            continue
        serial = (alert.detail or {}).get("serial", "?")
        if alert.acknowledged:
            c = state.custodians.get(str(alert.acknowledged_by))
            who = f"{c.name} ({c.role})" if c is not None else str(alert.acknowledged_by)
            lines.append(
                f"Opening of {serial} ({alert.incident}): acknowledged by security, {who}, "
                f"at {alert.acknowledged_at} (alert {alert.seq})"
            )
        else:
            lines.append(
                f"Opening of {serial} ({alert.incident}): NOT acknowledged by security "
                f"(alert {alert.seq})"
            )
    return lines
