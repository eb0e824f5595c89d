"""Times people type in: never in the future, never before the flow began, late ones marked.

Why (issue 19): a time typed as "20 minutes ago" must not buy compliance.
The procedure's clocks are measured from the journal's own timestamps (when
an entry was recorded) wherever it matters — the 15 minutes of approver
attempts above all (:meth:`InvocationFlow._unreachable`) — and a typed time:

* may not be in the future (``procedure.future_time``);
* may not precede the start of the flow it belongs to
  (``procedure.before_flow_start``): what happened before the terminal was
  used for it cannot be entered as if it had been watched;
* typed more than the policy's ``backdate_tolerance_minutes`` before it is
  recorded is kept, but marked in the entry (``entered_late_minutes``), shown
  in the record and flagged for the review; the auditors' verifier finds it
  too (:mod:`kiosk.rules.incident_findings`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.format.clock import format_ts
from kiosk.procedures.context import Context
from kiosk.procedures.fields import FieldProblem


def entered(
    ctx: Context, v: dict[str, Any], started: dt.datetime, name: str = "at"
) -> tuple[dt.datetime, int | None]:
    """The time in field ``name`` (now if blank), and its lateness in minutes if flagged."""
    now = ctx.now()
    at: dt.datetime = v.get(name) or now
    if at > now:
        raise FieldProblem(name, "procedure.future_time")
    if at < started:
        raise FieldProblem(
            name, "procedure.before_flow_start", at=format_ts(at), started=format_ts(started)
        )
    late = int((now - at).total_seconds() // 60)
    return at, (late if late > ctx.policy.backdate_tolerance_minutes else None)


def mark_late(data: dict[str, Any], late: int | None) -> dict[str, Any]:
    """``data`` with ``entered_late_minutes`` when the typed time is flagged."""
    if late is not None:
        data["entered_late_minutes"] = late
    return data
