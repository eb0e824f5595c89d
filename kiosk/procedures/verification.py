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
* the new envelope is back in the safe with intact seals;
* a verification started again for an incident whose test retrieval is under
  way (the terminal locked or restarted in between) continues where the
  journal says it is, for the envelope the journal names: at ``inspect``
  after the check-out, at ``open`` after an intact inspection, at
  ``confirm_sheet`` after the opening, at ``check`` once the sheet is
  confirmed (``check`` records nothing, so it is asked again). Recorded steps
  are never asked again, and no second envelope can be checked out or opened
  for the test;
* a reseal interrupted half-way (fresh bag registered, or old bag destroyed,
  but no ``verification.completed``) is finished with the bag already
  registered — another bag is refused — and neither entry is written twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.format.entry import Entry
from kiosk.procedures.context import Context
from kiosk.procedures.fields import (
    Field,
    FieldProblem,
    ProcedureError,
    boolean,
    on_field,
    person,
    text,
)
from kiosk.procedures.framework import Step, dual_for, incident_of, tagged, ts
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
                    Field("login_ok", "Test login with the new credentials succeeded", boolean()),
                    Field(
                        "failure",
                        "If the login failed: what was seen (error, lock-out)",
                        text(500),
                        False,
                    ),
                    Field(
                        "incident_login_logged", "Audit log shows the incident's login", boolean()
                    ),
                    Field("test_login_logged", "Audit log shows this test login", boolean()),
                    Field("change_logged", "Audit log shows the credential change", boolean()),
                ),
                self._check,
                ("reseal",),
                ("verification.failed", "alert.raised"),
            )
        )
        self.add(
            Step(
                "reseal",
                "Back into the safe",
                (
                    Field("serial", "Fresh bag serial (scan)", text(64), kind="scan"),
                    Field("signed_across_seal", "Both signed across the seal", boolean(True)),
                    Field("witness", "Witness of the old bag's destruction", person),
                ),
                self._reseal,
                (),
                ("envelope.registered", "envelope.destroyed", "verification.completed"),
            )
        )
        #: what a reseal interrupted half-way already recorded (see :meth:`_resume`)
        self.resealed_in: str | None = None
        self.bag_destroyed = False
        self._resume()

    # -- resuming --------------------------------------------------------------------------
    def _resume(self) -> None:
        """Start at the step the journal says this incident's test retrieval is at.

        Why: the flow object is gone after a lock or restart, but the journal
        holds every recorded step. Starting again at ``checkout`` would ask the
        recorded steps again and — the verification envelope being out or
        opened already — let the account's *other* sealed envelope be checked
        out and opened for the same test.
        """
        inc = incident_of(self.ctx, self.incident)
        if inc.verified_at is not None:
            raise ProcedureError("procedure.flow_done", flow=self.title)
        opened = inc.verification_serial
        if opened is not None:
            self.serial = opened
            after = self._after_last(opened, "envelope.opened")
            if not any(e.kind == "sheet.confirmed" for e in after):
                self._at("confirm_sheet")
                return
            for e in after:
                if e.kind == "envelope.registered" and e.data.get("resealed_from") == opened:
                    self.resealed_in = str(e.data["serial"])
                elif e.kind == "envelope.destroyed" and e.data.get("serial") == opened:
                    self.bag_destroyed = True
            self._at("check")
            return
        out = self._checked_out()
        if out is not None:
            self.serial, inspected = out
            self._at("open" if inspected else "inspect")

    def _at(self, step: str) -> None:
        """Continue at ``step``; the steps before it (this flow's order) count as answered."""
        order = ["checkout", "inspect", "open", "confirm_sheet", "check", "reseal"]
        self.history = order[: order.index(step)]
        self.current = step

    def _after_last(self, serial: str, kind: str) -> list[Entry]:
        """This incident's entries after the last ``kind`` entry of envelope ``serial``.

        The start is found in the envelope's own history (no walk of the whole
        journal); only the entries since then are read.
        """
        env = self.ctx.journal.state.envelopes[serial]
        start = max(seq for seq, _ts, k in env.history if k == kind)
        return [
            e
            for e in self.ctx.journal.entries(start + 1)
            if e.data.get("incident") == self.incident
        ]

    def _checked_out(self) -> tuple[str, bool] | None:
        """The envelope checked out for this test and still out: (serial, inspected intact)."""
        state = self.ctx.journal.state
        for env in state.envelopes_for(str(self.account), "checked_out"):
            seq = max(s for s, _ts, k in env.history if k == "envelope.checked_out")
            entry = self.ctx.journal.entry(seq)
            if (
                entry is not None
                and entry.data.get("incident") == self.incident
                and entry.data.get("purpose") == "verification"
            ):
                # Still checked out, so an inspection since then found it intact
                # (a tampered one is quarantined, no longer checked out).
                inspected = any(k == "envelope.inspected" for s, _ts, k in env.history if s > seq)
                return env.serial, inspected
        return None

    def _confirm_then(self, v: dict[str, Any]) -> str:
        self._confirm(v)
        return "check"

    def _check(self, v: dict[str, Any]) -> str | None:
        if not v["login_ok"]:
            self._failed(v)
            return None
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

    def _failed(self, v: dict[str, Any]) -> None:
        """The reset credential does not work: recorded, alerted, and rotation is due again.

        The opened envelope stays opened (its sheet holds a dead password); the
        new reset destroys it with the account's other copies.
        """
        inc = incident_of(self.ctx, self.incident)
        cause = v.get("failure")
        if not cause:
            raise FieldProblem("failure", "procedure.field_missing", field="What was seen")
        data = {
            "incident": inc.id,
            "account": str(self.account),
            "serial": str(self.serial),
            "cause": cause,
        }
        self.ctx.append("verification.failed", tagged(inc, data))
        self.ctx.append(
            "alert.raised",
            {
                "alert": "verification.failed",
                "summary": f"The reset credential of {self.account} failed its test login: "
                "rotation is due again now.",
                "detail": {"serial": str(self.serial), "rotation_due": True},
                "incident": inc.id,
            },
        )
        self.info["outcome"] = "verification-failed"
        return None

    def _reseal(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        state = self.ctx.journal.state
        opened = str(self.serial)
        if self.resealed_in is not None:
            # Registered before an interruption: that bag holds the sheet now; it is
            # the one to scan, and it is not registered a second time.
            new = on_field("serial", self.ctx.serial, v["serial"], ("sealed",), "reseal")
            if new != self.resealed_in:
                raise FieldProblem(
                    "serial", "procedure.not_this_envelope", serial=new, expected=self.resealed_in
                )
        else:
            new = on_field("serial", self.ctx.serial, v["serial"], ("blank_stock",), "register")
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
            self.resealed_in = new
        if not self.bag_destroyed:
            dual_for(
                self.ctx,
                inc,
                "envelope.destroyed",
                {
                    "serial": opened,
                    "method": self.ctx.policy.destruction_methods[0],
                    "witness": v["witness"],
                    "reason": "verification retrieval: the bag only, its sheet moved to a "
                    "fresh bag",
                    "incident": inc.id,
                },
                self.by,
            )
            self.bag_destroyed = True
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
