"""Flow 2: envelope check-out and retrieval (procedure phase 2, physical envelopes).

Steps: ``checkout`` → ``inspect`` → ``open`` → ``confirm_sheet``; a tampered
envelope goes from ``inspect`` back to ``checkout`` (the account's
alternative envelope) or ends the flow when there is none.

Rules (each with a test):

* the incident must be declared and acknowledged by both parties first;
* both custodians approve the check-out with their keys (dual entry; one
  under a recorded solo-access exception);
* the scanned serial passes its pattern and check digit, is sealed in the
  safe, and belongs to the incident's account (wrong envelope refused);
* the integrity checklist has four explicit answers (seal unbroken,
  signatures undisturbed, no tears or holes, no steaming); any "no" is
  tampering: the envelope is not opened (the journal quarantines it), a
  photo reference is required, an ``alert.raised`` (``envelope.tampered``)
  is written — and its slip printed — and the account's alternative sealed
  envelopes are offered;
* both confirm they signed the exterior; the opening is a dual entry with
  serial and time, for the envelope that was inspected intact (re-scanned);
  every opening raises an alert for security at once (slip printed; an
  unacknowledged alert on the dashboard until a security-duty custodian from
  outside the incident acknowledges it, :mod:`kiosk.procedures.security_alerts`);
* solo access proceeds to the check-out while the executive's sign-off runs
  (1 hour), unless the policy's ``solo_signoff_first`` asks for it first;
* the sheet's QR must be this terminal's, name the opened envelope and
  account, and point at the ``sheet.printed`` entry of that envelope;
* a retrieval started for an incident whose envelope is already opened but
  whose sheet is not yet confirmed (the terminal locked in between) starts at
  ``confirm_sheet`` for that envelope: the recorded steps are not asked again
  and no other envelope can be checked out for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.procedures.context import Context
from kiosk.procedures.fields import (
    Field,
    FieldProblem,
    ProcedureError,
    When,
    boolean,
    on_field,
    text,
)
from kiosk.procedures.framework import Flow, Step, dual_for, incident_of, tagged
from kiosk.procedures.security_alerts import raise_opening_alert
from kiosk.state.incidents import EXCEPTION_SOLO_ACCESS

CHECKLIST = ("seal_unbroken", "signatures_undisturbed", "no_tears_or_holes", "no_steaming")
CHECK_LABELS = {
    "seal_unbroken": "The seal is unbroken",
    "signatures_undisturbed": "The signatures across the seal are undisturbed",
    "no_tears_or_holes": "No tears or holes",
    "no_steaming": "No evidence of steaming",
}
#: the photograph of the damage applies once any check of the list is answered No
TAMPERED = When(CHECKLIST[0], (False,), or_fields=CHECKLIST[1:])


def alternatives(ctx: Context, account: str, exclude: Sequence[str] = ()) -> list[str]:
    """Serials of the account's other live copies sealed in the safe.

    Superseded copies are not "sealed" (their state says so), so they are
    never offered: their password no longer works.
    """
    return sorted(
        e.serial
        for e in ctx.journal.state.envelopes_for(account, "sealed")
        if e.serial not in exclude
    )


def alternative_accounts(ctx: Context, account: str) -> list[str]:
    """The procedure's "alternative break-glass credentials": other accounts of the same
    system or identity provider that have a live copy in the safe, each as ``id (serial)``.
    """
    state = ctx.journal.state
    mine = state.accounts.get(account)
    if mine is None:
        return []
    out = []
    for other in sorted(state.accounts.values(), key=lambda a: a.id):
        if other.id == account or other.retired:
            continue
        same = other.system == mine.system or (mine.idp is not None and other.idp == mine.idp)
        live = sorted(e.serial for e in state.envelopes_for(other.id, "sealed"))
        if same and live:
            out.append(f"{other.id} ({live[0]})")
    return out


class RetrievalFlow(Flow):
    name = "retrieval"
    title = "Credential retrieval"

    def __init__(
        self,
        ctx: Context,
        incident: str,
        *,
        purpose: str | None = None,
        by: Sequence[str] | None = None,
        account: str | None = None,
    ) -> None:
        super().__init__(ctx, "checkout")
        self.incident = incident
        inc = incident_of(ctx, incident)
        self.purpose = purpose or ("drill" if inc.test else "incident")
        self.by = list(by) if by is not None else None
        self.account = account or inc.account
        self.serial: str | None = None
        self.add(
            Step(
                "checkout",
                "Take the envelope out of the safe",
                (Field("serial", "Envelope serial (scan)", text(64), kind="scan"),),
                self._checkout,
                ("inspect",),
                ("envelope.checked_out",),
            )
        )
        self.add(
            Step(
                "inspect",
                "Check the envelope's integrity",
                (
                    *tuple(Field(c, CHECK_LABELS[c], boolean()) for c in CHECKLIST),
                    Field(
                        "photo_ref",
                        "Photograph of the damage (reference)",
                        text(500),
                        applies=TAMPERED,  # required once any check is answered No
                        missing="procedure.photo_required",
                    ),
                    Field("note", "Note", text(500), False),
                ),
                self._inspect,
                ("open", "checkout"),
                ("envelope.inspected", "alert.raised"),
            )
        )
        self.add(
            Step(
                "open",
                "Sign the exterior and open",
                (
                    Field(
                        "exterior_signed",
                        "Both signed the envelope exterior with date and time",
                        boolean(True),
                    ),
                    Field("serial", "Envelope serial (scan again)", text(64), kind="scan"),
                ),
                self._open,
                ("confirm_sheet",),
                ("envelope.opened",),
            )
        )
        self.add(
            Step(
                "confirm_sheet",
                "Scan the sheet's QR code",
                (Field("qr", "Credential sheet QR (scan)", text(512), kind="scan"),),
                self._confirm,
                (),
                ("sheet.confirmed",),
            )
        )
        opened = inc.envelope_opened
        if purpose is None and opened is not None and not inc.sheet_confirmed:
            # Resumed (e.g. after a lock): the envelope is already opened and that is
            # recorded, so only its sheet's QR is left — never a second check-out.
            self.serial = opened
            self.history = ["checkout", "inspect", "open"]
            self.current = "confirm_sheet"

    def _extra(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.purpose != "incident":
            data["purpose"] = self.purpose
        return data

    def _checkout(self, v: dict[str, Any]) -> str:
        inc = incident_of(self.ctx, self.incident)
        if inc.acknowledged_at is None:
            raise ProcedureError("procedure.not_acknowledged", incident=inc.id)
        if self.purpose != "verification" and inc.returned_at and inc.envelope_opened is None:
            # Stood down, or its envelope went back to end it: a new need is a new invocation.
            raise ProcedureError("procedure.invocation_ended", incident=inc.id)
        if self.account is None:
            raise ProcedureError("procedure.no_account", account="(none)")
        if (
            self.purpose == "incident"
            and self.ctx.policy.solo_signoff_first
            and inc.solo
            and EXCEPTION_SOLO_ACCESS not in inc.signed_off
        ):
            raise ProcedureError("procedure.signoff_first")
        known = self.ctx.journal.state.envelopes.get(str(v["serial"]).strip())
        if known is not None and known.state == "superseded":
            raise FieldProblem(
                "serial",
                "envelope.superseded",
                serial=known.serial,
                account=str(known.account),
                since=str(known.superseded_at),
            )
        serial = on_field("serial", self.ctx.serial, v["serial"], ("sealed",), "check out")
        env = self.ctx.journal.state.envelopes[serial]
        if env.account != self.account:
            raise FieldProblem(
                "serial",
                "procedure.wrong_envelope",
                serial=serial,
                holds=str(env.account),
                account=self.account,
                options=", ".join(alternatives(self.ctx, self.account)) or "none",
            )
        data = {"serial": serial, "account": self.account, "incident": inc.id}
        dual_for(self.ctx, inc, "envelope.checked_out", self._extra(data), self.by)
        self.serial = serial
        return "inspect"

    def _inspect(self, v: dict[str, Any]) -> str | None:
        inc = incident_of(self.ctx, self.incident)
        serial = str(self.serial)
        checklist = {c: v[c] for c in CHECKLIST}
        intact = all(checklist.values())
        data: dict[str, Any] = {
            "serial": serial,
            "incident": inc.id,
            "result": "intact" if intact else "tampered",
            "checklist": checklist,
        }
        if "note" in v:
            data["note"] = v["note"]
        if intact:
            self.ctx.append("envelope.inspected", tagged(inc, data))
            return "open"
        if "photo_ref" not in v:
            raise FieldProblem("photo_ref", "procedure.photo_required")
        data["photo_ref"] = v["photo_ref"]
        self.ctx.append("envelope.inspected", tagged(inc, data))
        failed = ", ".join(CHECK_LABELS[c].lower() for c, ok in checklist.items() if not ok)
        alert = {
            "alert": "envelope.tampered",
            "summary": f"Envelope {serial} ({self.account}) shows signs of tampering: not "
            f"opened, quarantined, escalate to security now. Its password may be known: the "
            f"credential of {self.account} must be rotated now.",
            "detail": {
                "serial": serial,
                "failed": failed,
                "photo_ref": v["photo_ref"],
                "rotation_due": True,
            },
            "incident": inc.id,
        }
        self.ctx.append("alert.raised", alert)
        options = alternatives(self.ctx, str(self.account))
        self.info.setdefault("tampered", []).append(serial)
        self.info["alternatives"] = options
        self.info["alternative_accounts"] = alternative_accounts(self.ctx, str(self.account))
        self.serial = None
        if options:
            return "checkout"
        self.info["outcome"] = "no-alternative"
        return None

    def _open(self, v: dict[str, Any]) -> str:
        inc = incident_of(self.ctx, self.incident)
        if v["serial"] != self.serial:
            raise FieldProblem(
                "serial", "procedure.not_this_envelope", serial=v["serial"], expected=self.serial
            )
        data = {"serial": str(self.serial), "incident": inc.id, "exterior_signed": True}
        dual_for(self.ctx, inc, "envelope.opened", self._extra(data), self.by)
        raise_opening_alert(self.ctx, inc.id, str(self.serial), self.purpose)
        return "confirm_sheet"

    def _confirm(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        payload = on_field("qr", self.ctx.qr, v["qr"], ("sheet",))
        serial, account = payload.str_field("serial"), payload.str_field("account")
        seq, prefix = payload.int_field("seq"), payload.str_field("hash")
        printed = self.ctx.journal.entry(seq)
        env = self.ctx.journal.state.envelopes[str(self.serial)]
        # The sheet belongs to this envelope when the envelope was registered
        # with this sheet (``envelope.registered.sheet`` = the hash of the
        # ``sheet.printed`` entry the QR names). A sheet resealed after a
        # verification keeps its QR, which names the bag it was printed for.
        if (
            account != self.account
            or printed is None
            or printed.kind != "sheet.printed"
            or printed.data.get("serial") != serial
            or not printed.hash.startswith(prefix)
            or env.sheet != printed.hash
        ):
            raise FieldProblem(
                "qr", "procedure.sheet_mismatch", serial=str(self.serial), scanned=serial
            )
        data = {"incident": inc.id, "serial": serial, "sheet_seq": seq}
        self.ctx.append("sheet.confirmed", tagged(inc, data))
        self.info["sheet_seq"] = seq
        return None
