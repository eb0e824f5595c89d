"""Flow 9: the quarterly test drill.

A drill is the whole procedure with a simulated emergency, every entry
marked as a test: :func:`start_drill` opens an :class:`InvocationFlow` with
``test=True`` and every later flow of that incident inherits it (the flows
mark their entries, and the journal refuses an unmarked entry for a test
incident — :func:`kiosk.state.incidents.check_incident_fit`). A drill runs
declaration → retrieval → access (test login, log out) → documentation →
reset (credentials are rotated after every use, tests included). It needs no
post-incident review; the account's "last tested" moves to its successful login
(:class:`kiosk.state.Account`), and :func:`kiosk.procedures.inventory.drill_status`
shows per account when the next test is due and whether it is overdue.
"""

from __future__ import annotations

from kiosk.procedures.context import Context
from kiosk.procedures.inventory import DrillStatus, drill_status
from kiosk.procedures.invocation import InvocationFlow

DRILL_FLOWS = ("invocation", "retrieval", "session", "documentation", "reset")


def start_drill(ctx: Context) -> InvocationFlow:
    """Phase 1 of a drill: an invocation declared as a test."""
    return InvocationFlow(ctx, test=True)


def due_drills(ctx: Context) -> list[DrillStatus]:
    """Accounts whose quarterly test is overdue now."""
    return [s for s in drill_status(ctx.journal.state, ctx.policy, ctx.now()) if s.overdue]
