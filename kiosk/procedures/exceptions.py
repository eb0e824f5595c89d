"""Flow 10: the procedure's troubleshooting table, each row as a guided path.

Where each row is handled (the UI offers the path from the step where the
symptom shows; :data:`TROUBLESHOOTING` lists them for the help screen):

=====================================  ===================================================
symptom                                path
=====================================  ===================================================
no approver within 15 minutes          ``InvocationFlow`` step ``approver`` (outcome
                                       ``unreachable``) then :class:`NotifyApproverFlow`
second authorised person unavailable   ``InvocationFlow`` ``solo_urgent`` then
                                       :class:`ExecutiveSignOffFlow` (within 1 hour)
envelope shows signs of tampering      ``RetrievalFlow`` step ``inspect`` (alternative)
break-glass account login fails        ``SessionFlow`` step ``start``, ``login-failed``
MFA method unavailable                 ``SessionFlow`` step ``start``, ``mfa-unavailable``
cannot determine which account         ``InvocationFlow`` step ``details`` (inventory
                                       lookup, system owner consulted)
actions exceed what was documented     ``DocumentationFlow`` step ``discrepancy``
credential reset fails                 ``ResetFlow`` step ``reset_failed``
review identifies unauthorised actions ``ReviewFlow`` step ``escalate``
=====================================  ===================================================

The vault row ("vault retrieval fails after both approvals") does not apply:
this terminal keeps physical sealed envelopes only.

Rules of the two flows here (each with a test): the approver is notified
only for an incident whose no-approver exception was opened, by a
designated approver's name, channel and time (not in the future); the
executive sign-off is recorded only for a solo-access incident, with the
executive's name and role, method and time; the executive is one of the
policy's named approvers, and the custodian present signs the record with
their key. Both deadlines (1 hour) come
from :mod:`kiosk.state.due`; a late one is alerted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.format.values import CHANNELS
from kiosk.procedures.context import Context
from kiosk.procedures.fields import Field, FieldProblem, ProcedureError, choice, person, when
from kiosk.procedures.framework import Flow, Step, incident_of, tagged, ts
from kiosk.procedures.times import entered, mark_late
from kiosk.state.incidents import EXCEPTION_APPROVER_UNREACHABLE, EXCEPTION_SOLO_ACCESS


@dataclass(frozen=True)
class Trouble:
    """One troubleshooting row: the procedure's symptom, cause and resolution, and where
    the terminal handles it (flow name and step)."""

    symptom: str
    cause: str
    resolution: str
    flow: str
    step: str


#: The procedure's troubleshooting table (its words), rows that apply to sealed envelopes
#: (the vault row does not), then the terminal's own follow-ups of two of them.
TROUBLESHOOTING: tuple[Trouble, ...] = (
    Trouble(
        "Cannot reach any emergency approver within 15 minutes",
        "All approvers unavailable simultaneously",
        "Proceed under emergency exception; document all contact attempts; notify approver "
        "within 1 hour of completion",
        "invocation",
        "approver",
    ),
    Trouble(
        "Second authorised person unavailable",
        "Staffing constraint or timing",
        "If truly urgent, proceed with solo access but require executive sign-off within "
        "1 hour; document the exception",
        "invocation",
        "details",
    ),
    Trouble(
        "Physical envelope shows signs of tampering",
        "Possible unauthorised access attempt",
        "Do not open; photograph the condition; escalate to security immediately; use "
        "alternative break-glass credentials if available",
        "retrieval",
        "inspect",
    ),
    Trouble(
        "Break-glass account login fails",
        "Password incorrect, account disabled, or expired",
        "Verify account status in admin portal using another admin account; contact cloud "
        "provider support if account is locked",
        "session",
        "start",
    ),
    Trouble(
        "MFA method for break-glass account unavailable",
        "Hardware token lost, phone number disconnected",
        "Use backup MFA method if configured; contact cloud provider for account recovery "
        "procedures",
        "session",
        "start",
    ),
    Trouble(
        "Cannot determine which break-glass account to use",
        "Unclear system mapping",
        "Review break-glass account inventory; match system name to account; consult system "
        "owner if unclear",
        "invocation",
        "details",
    ),
    Trouble(
        "Actions performed exceed what was documented",
        "Incomplete logging or documentation error",
        "Review system audit logs to reconstruct actual actions; investigate discrepancy; "
        "update documentation",
        "documentation",
        "discrepancy",
    ),
    Trouble(
        "Credential reset fails",
        "Account policy prevents password change",
        "Check password complexity requirements; verify admin rights on the account; consult "
        "identity team",
        "reset",
        "reset_failed",
    ),
    Trouble(
        "Post-incident review identifies unauthorised actions",
        "Possible abuse of break-glass access",
        "Escalate to security and governance; preserve all logs; consider suspending "
        "individuals pending investigation",
        "review",
        "escalate",
    ),
    Trouble(
        "Approver must be notified after the emergency exception",
        "No approver was reached before access",
        "Notify the approver within 1 hour of completing the procedure, and record it",
        "notify_approver",
        "notify",
    ),
    Trouble(
        "Solo access needs executive sign-off",
        "The second authorised person was unavailable",
        "Obtain and record the executive sign-off within 1 hour",
        "executive_signoff",
        "sign_off",
    ),
)


class NotifyApproverFlow(Flow):
    name = "notify_approver"
    title = "Notify the emergency approver"

    def __init__(self, ctx: Context, incident: str) -> None:
        super().__init__(ctx, "notify")
        self.incident = incident
        names = tuple(a.name for a in ctx.policy.approvers)
        self.add(
            Step(
                "notify",
                "Notify the approver",
                (
                    Field("approver", "Approver", choice(*names), choices=names),
                    Field("channel", "Channel", choice(*CHANNELS), choices=CHANNELS),
                    Field("at", "Time", when, False),
                ),
                self._notify,
                (),
                ("approver.notified",),
            )
        )

    def _notify(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        if EXCEPTION_APPROVER_UNREACHABLE not in inc.exceptions:
            raise ProcedureError("procedure.no_exception", exception="no approver reachable")
        at = v.get("at") or self.ctx.now()
        if at > self.ctx.now():
            raise FieldProblem("at", "procedure.future_time")
        data = {
            "incident": inc.id,
            "approver": v["approver"],
            "channel": v["channel"],
            "at": ts(at),
        }
        self.ctx.append("approver.notified", tagged(inc, data))
        return None


class ExecutiveSignOffFlow(Flow):
    name = "executive_signoff"
    title = "Executive sign-off for solo access"

    def __init__(self, ctx: Context, incident: str) -> None:
        super().__init__(ctx, "sign_off")
        self.incident = incident
        names = tuple(a.name for a in ctx.policy.approvers)
        self.add(
            Step(
                "sign_off",
                "Record the executive's sign-off",
                (
                    Field(
                        "by",
                        "Executive (from the policy's list)",
                        _executive(ctx),
                        kind="choice",
                        choices=names,
                    ),
                    Field("method", "Method", choice(*CHANNELS), choices=CHANNELS),
                    Field("at", "Time of sign-off", when, False),
                ),
                self._sign_off,
                (),
                ("exception.signed_off",),
            )
        )

    def _sign_off(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        if EXCEPTION_SOLO_ACCESS not in inc.exceptions:
            raise ProcedureError("procedure.no_exception", exception="solo access")
        at, late = entered(self.ctx, v, inc.declared_at)
        approvers = self.ctx.policy.approvers
        if not any(_same_name(v["by"]["name"], a.name) for a in approvers):
            raise FieldProblem(
                "by",
                "integrity.not_an_approver",
                name=v["by"]["name"],
                approvers=", ".join(a.name for a in approvers),
            )
        data = {
            "incident": inc.id,
            "exception": EXCEPTION_SOLO_ACCESS,
            "by": v["by"],
            "method": v["method"],
            "at": ts(at),
        }
        mark_late(data, late)
        # Recorded by the custodian present (the one of the solo access), with their key.
        self.ctx.dual("exception.signed_off", tagged(inc, data), inc.people[:1], solo=True)
        return None


def _executive(ctx: Context) -> Any:
    """The executive as the policy names them: a name from its list (or the older
    ``{name, role}`` object, whose name must still be on the list)."""
    by_name = {" ".join(a.name.split()).casefold(): a for a in ctx.policy.approvers}

    def parse(v: Any) -> dict[str, str]:
        name = v.get("name") if isinstance(v, dict) else v
        a = by_name.get(" ".join(str(name).split()).casefold())
        if a is None:
            return person(v) if isinstance(v, dict) else {"name": str(name), "role": ""}
        return {"name": a.name, "role": a.role}

    return parse


def _same_name(a: str, b: str) -> bool:
    """Names compared as people write them: case and spacing aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
