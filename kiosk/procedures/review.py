"""Flow 6: post-incident review, with "review finds unauthorised actions".

Steps: ``review`` → (``escalate`` when violations, unexplained actions or
audit-log discrepancies were found).

Rules (each with a test):

* due within the policy's 5 business days of the invocation (business
  calendar: the ``holidays`` package, country and subdivision from policy);
  the deadline is shown (:attr:`ReviewFlow.deadline`) and alerted when late;
* participants must include the persons who invoked break-glass, the
  emergency approver, a security team representative and the system owner
  (each participant names their capacity);
* the checklist: prerequisites met, dual control followed, only necessary
  actions, documentation complete and signed, credentials reset — the last
  two are checked against the journal: a "yes" the journal contradicts is
  refused;
* the system audit log comparison has a reference and an outcome
  (consistent or discrepancies);
* the root cause is one of the procedure's categories, and the corrective
  actions default to the procedure's table for it (more may be added);
* a witness the policy requires (or who was named) but who was not present
  at the acknowledgement is documented here, as the procedure's fallback
  says ("document in post-incident report"): the review asks why;
* (issue 19, :mod:`kiosk.procedures.review_rules`) the review requires the
  credential reset to be done; it is signed with their keys by a custodian
  with the security duty who was not an invoker, and by the invokers; the
  participants are matched to the incident's people (invokers by name, the
  security reviewer, the approver of the record), each named once; an
  external ticket reference is recorded; what the terminal flagged (approval
  after a refusal, late-entered times, actions outside the reason, an opening
  security did not acknowledge, a session over its limit) is listed with it;
* violations, unexplained actions, audit-log discrepancies, any "no" in the
  checklist or any action recorded outside the declared reason escalate: the
  alert (and its slip for security) is raised with the review itself, so it
  cannot be lost if the terminal locks before the next step; then
  ``review.escalated`` records to whom, logs preserved and suspension
  considered. A review escalated but not yet recorded so resumes at that
  step (and the incident screen offers it).
"""

from __future__ import annotations

from typing import Any

from kiosk.procedures.context import Context
from kiosk.procedures.fields import (
    Field,
    FieldProblem,
    ProcedureError,
    boolean,
    choice,
    text,
    text_list,
)
from kiosk.procedures.framework import Flow, Step, incident_of, tagged
from kiosk.procedures.review_rules import (
    match_participants,
    review_flags,
    security_reviewer,
    sign_review,
)
from kiosk.state import due as deadlines

#: The procedure's root-cause table: category -> corrective action.
ROOT_CAUSES: dict[str, str] = {
    "idp-outage": "Implement redundant IdP or offline access capability",
    "single-administrator": "Ensure at least 2 administrators for every critical system",
    "configuration-error": "Add pre-change validation and rollback capability",
    "security-incident": "Address through separate incident response process",
    "credential-loss": "Improve credential management and recovery procedures",
}
CAPACITIES = ("invoker", "approver", "security", "system-owner")
CHECKLIST = (
    "prerequisites_met",
    "dual_control_followed",
    "only_necessary_actions",
    "documentation_complete_and_signed",
    "credentials_reset",
)


def _participants(v: Any) -> list[dict[str, str]]:
    if not isinstance(v, list) or not v:
        raise ProcedureError("procedure.list", low=1)
    out = []
    for p in v:
        if not isinstance(p, dict) or p.get("capacity") not in CAPACITIES:
            raise ProcedureError("procedure.capacity", options=", ".join(CAPACITIES))
        out.append(
            {
                "name": text(120)(p.get("name")),
                "role": text(120)(p.get("role")),
                "capacity": p["capacity"],
            }
        )
    return out


# GUI-neutral hint for screens: the answers a column of the participants table takes.
setattr(_participants, "column_choices", {"capacity": CAPACITIES})  # noqa: B010


class ReviewFlow(Flow):
    name = "review"
    title = "Post-incident review"

    def __init__(self, ctx: Context, incident: str) -> None:
        super().__init__(ctx, "review")
        self.incident = incident
        inc = incident_of(ctx, incident)
        if inc.reviewed_at is not None and inc.escalated and inc.escalation_recorded_at is None:
            self.current = "escalate"  # the review is recorded; its escalation is not yet
        self.add(
            Step(
                "review",
                "Review the incident",
                (
                    Field(
                        "participants",
                        "Participants (name, role, capacity)",
                        _participants,
                        kind="rows",
                        columns=("name", "role", "capacity"),
                    ),
                    *(Field(c, c.replace("_", " ").capitalize(), boolean()) for c in CHECKLIST),
                    Field("audit_log_ref", "Target system audit log (reference)", text(500)),
                    Field(
                        "audit_log_outcome",
                        "Audit log compared with the session record",
                        choice("consistent", "discrepancies"),
                    ),
                    Field(
                        "root_cause", "Root cause", choice(*ROOT_CAUSES), choices=tuple(ROOT_CAUSES)
                    ),
                    Field("corrective_actions", "Corrective actions", text_list(), False),
                    Field("violations", "Policy violations found", boolean()),
                    Field("unexplained_actions", "Unexplained actions found", boolean()),
                    Field("findings", "Findings", text(4000), False),
                    Field(
                        "security_reviewer",
                        "Security reviewer (security duty; signs with their key)",
                        text(64),
                        kind="custodian",
                    ),
                    Field("ticket_ref", "Incident ticket (external reference)", text(300)),
                    Field(
                        "witness_absence",
                        "The witness was not present: why, and how the invocation was observed",
                        text(4000),
                        False,
                    ),
                ),
                self._review,
                ("escalate",),
                ("review.completed", "alert.raised"),
            )
        )
        self.add(
            Step(
                "escalate",
                "Escalate to security and governance",
                (
                    Field("to", "Escalated to", text_list(1)),
                    Field("logs_preserved", "All logs preserved", boolean(True)),
                    Field(
                        "suspension_considered",
                        "Suspension pending investigation considered",
                        boolean(),
                    ),
                ),
                self._escalate,
                (),
                ("review.escalated",),
                branch=True,
            )
        )

    @property
    def deadline(self) -> deadlines.Deadline | None:
        for d in deadlines.compute(self.ctx.journal.state, self.ctx.policy):
            if d.kind == "review" and d.subject == self.incident:
                return d
        return None

    def _review(self, v: dict[str, Any]) -> str | None:
        inc = incident_of(self.ctx, self.incident)
        if inc.signed_at is None and inc.envelope_opened is not None:
            raise ProcedureError("procedure.phase_incomplete", phase="session documentation")
        if inc.envelope_opened is not None and inc.rotated_at is None:
            raise ProcedureError("procedure.review_reset_first", account=str(inc.account))
        state = self.ctx.journal.state
        security = security_reviewer(state, inc, v["security_reviewer"])
        missing = [c for c in CAPACITIES if c not in {p["capacity"] for p in v["participants"]}]
        if missing:
            raise FieldProblem("participants", "procedure.participants", missing=", ".join(missing))
        match_participants(state, inc, v["participants"], security)
        if v["documentation_complete_and_signed"] and inc.signed_at is None:
            raise FieldProblem(
                "documentation_complete_and_signed",
                "procedure.journal_disagrees",
                what="no signed session record",
            )
        if v["credentials_reset"] and inc.envelope_opened and inc.rotated_at is None:
            raise FieldProblem(
                "credentials_reset",
                "procedure.journal_disagrees",
                what="no credential rotation after the opening",
            )
        witness_expected = self.ctx.policy.witness_required or inc.witness is not None
        if witness_expected and inc.witness_present is False and "witness_absence" not in v:
            raise FieldProblem("witness_absence", "procedure.witness_absence")
        actions = v.get("corrective_actions") or [ROOT_CAUSES[v["root_cause"]]]
        flags = review_flags(self.ctx, inc)
        # Any "no" in the checklist, or any action recorded outside the declared
        # reason, escalates: the review cannot wave it through (issue 19).
        escalate = (
            v["violations"]
            or v["unexplained_actions"]
            or v["audit_log_outcome"] == "discrepancies"
            or not all(v[c] for c in CHECKLIST)
            or inc.actions_outside_reason > 0
        )
        data: dict[str, Any] = {
            "incident": inc.id,
            "participants": [
                {"name": p["name"], "role": f"{p['role']} ({p['capacity']})"}
                for p in v["participants"]
            ],
            "checklist": {c: v[c] for c in CHECKLIST},
            "root_cause": v["root_cause"],
            "corrective_actions": actions,
            "audit_log": {"ref": v["audit_log_ref"], "outcome": v["audit_log_outcome"]},
            "escalated": bool(escalate),
            "ticket_ref": v["ticket_ref"],
            "security": security,
            "flags": flags,
        }
        if "findings" in v:
            data["findings"] = v["findings"]
        if "witness_absence" in v:
            data["witness_absence"] = v["witness_absence"]
        # Signed by the security reviewer and by the invokers, with their keys.
        sign_review(self.ctx, tagged(inc, data), [security, *inc.people])
        self.info["escalate"] = escalate
        if not escalate:
            return None
        self.ctx.append(
            "alert.raised",
            {
                "alert": "review.escalated",
                "summary": f"Review of {inc.id} found possible abuse of break-glass access: "
                "escalate to security and governance.",
                "incident": inc.id,
            },
        )
        return "escalate"

    def _escalate(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        data = {
            "incident": inc.id,
            "to": v["to"],
            "reason": "Post-incident review found policy violations or unexplained actions",
            "logs_preserved": True,
            "suspension_considered": v["suspension_considered"],
        }
        self.ctx.append("review.escalated", tagged(inc, data))
        return None
