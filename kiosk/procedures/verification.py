"""Flow 7: verification after the reset.

Steps: the retrieval steps of flow 2 for the *new* envelope, under dual
control (``purpose: verification``) → ``check`` → ``reseal``.

The test retrieval opens the new envelope, so its sheet must go back into
the safe: ``reseal`` puts the same sheet into a fresh bag from stock
(``envelope.registered`` with ``resealed_from`` and the same ``sheet``) and
destroys the opened bag. The credential is not rotated again: it was seen
only by the two custodians, under dual control, for this test — otherwise
every verification would require another verification. This is a project
decision, recorded in the journal so auditors can see it.

Rules (each with a test):

* the reset is done (``credential.rotated``) before verification starts;
* the test login with the new credentials is confirmed;
* the audit events are confirmed: the incident's authentication, the test
  authentication and the credential change;
* the documentation chain is complete, from the journal: invocation record,
  session record with both signatures, credential reset, review findings;
  a missing link is refused and named;
* the new envelope is back in the safe with intact seals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.procedures.framework import (
    Context,
    Field,
    FieldProblem,
    ProcedureError,
    Step,
    boolean,
    dual_for,
    incident_of,
    on_field,
    tagged,
    text,
    ts,
)
from kiosk.procedures.retrieval import RetrievalFlow


def chain_gaps(ctx: Context, incident: str) -> list[str]:
    """What is missing from the incident's documentation chain (empty when complete)."""
    inc = incident_of(ctx, incident)
    gaps = []
    if inc.signed_at is None:
        gaps.append("session record signed by both persons")
    if inc.envelope_opened is not None and inc.rotated_at is None:
        gaps.append("credential reset")
    if inc.reviewed_at is None and not inc.test:
        gaps.append("post-incident review findings")
    return gaps


class VerificationFlow(RetrievalFlow):
    name = "verification"
    title = "Verification after reset"

    def __init__(self, ctx: Context, incident: str, by: Sequence[str]) -> None:
        inc = incident_of(ctx, incident)
        if inc.rotated_at is None:
            raise ProcedureError("procedure.phase_incomplete", phase="credential reset")
        super().__init__(ctx, incident, purpose="verification", by=by)
        confirm = self.steps["confirm_sheet"]
        self.steps["confirm_sheet"] = type(confirm)(
            confirm.name,
            confirm.title,
            confirm.fields,
            self._confirm_then,
            ("check",),
            confirm.records,
        )
        self.add(
            Step(
                "check",
                "Verify",
                (
                    Field(
                        "login_ok", "Test login with the new credentials succeeded", boolean(True)
                    ),
                    Field(
                        "incident_login_logged", "Audit log shows the incident's login", boolean()
                    ),
                    Field("test_login_logged", "Audit log shows this test login", boolean()),
                    Field("change_logged", "Audit log shows the credential change", boolean()),
                ),
                self._check,
                ("reseal",),
            )
        )
        self.add(
            Step(
                "reseal",
                "Back into the safe",
                (
                    Field("serial", "Fresh bag serial (scan)", text(64), kind="scan"),
                    Field("signed_across_seal", "Both signed across the seal", boolean(True)),
                    Field(
                        "witness", "Witness of the old bag's destruction", _witness, kind="person"
                    ),
                ),
                self._reseal,
                (),
                ("envelope.registered", "envelope.destroyed", "verification.completed"),
            )
        )

    def _confirm_then(self, v: dict[str, Any]) -> str:
        self._confirm(v)
        return "check"

    def _check(self, v: dict[str, Any]) -> str:
        events = {
            "incident_login": v["incident_login_logged"],
            "test_login": v["test_login_logged"],
            "credential_change": v["change_logged"],
        }
        missing = [k for k, ok in events.items() if not ok]
        if missing:
            raise FieldProblem(
                "incident_login_logged", "procedure.audit_events", missing=", ".join(missing)
            )
        gaps = chain_gaps(self.ctx, self.incident)
        if gaps:
            raise ProcedureError("procedure.chain_incomplete", missing="; ".join(gaps))
        self.info["audit_events"] = events
        return "reseal"

    def _reseal(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        state = self.ctx.journal.state
        new = on_field("serial", self.ctx.serial, v["serial"], ("blank_stock",), "register")
        opened = str(self.serial)
        sheet = state.envelopes[opened].sheet
        data: dict[str, Any] = {
            "serial": new,
            "account": str(self.account),
            "sealed_at": ts(self.ctx.now()),
            "signed_across_seal": True,
            "incident": inc.id,
            "resealed_from": opened,
        }
        if sheet:
            data["sheet"] = sheet
        dual_for(self.ctx, inc, "envelope.registered", data, self.by)
        dual_for(
            self.ctx,
            inc,
            "envelope.destroyed",
            {
                "serial": opened,
                "method": "cross-cut shredder (bag only; sheet resealed)",
                "witness": v["witness"],
                "reason": "verification retrieval: sheet moved to a fresh bag",
                "incident": inc.id,
            },
            self.by,
        )
        done = {
            "incident": inc.id,
            "account": str(self.account),
            "serial": opened,
            "test_login_ok": True,
            "audit_events": self.info["audit_events"],
            "chain_complete": True,
            "storage_secured": state.envelope_state(new) == "sealed",
            "new_serial": new,
        }
        self.ctx.append("verification.completed", tagged(inc, done))
        return None


def _witness(v: Any) -> dict[str, str]:
    from kiosk.procedures.framework import person

    return person(v)
