"""Flow 8: check-in — an unopened envelope back into the safe, and new bags into stock.

Newly sealed envelopes are checked in by :class:`kiosk.procedures.reset.SealNewEnvelopeFlow`
(print, seal, register); this module has the other two ways into the safe.

Rules (each with a test):

* :class:`ReturnFlow`: only a checked-out, unopened envelope goes back; its
  integrity checklist is answered again; a tampered one is quarantined with
  a photo reference and an alert (never returned as if intact); the return
  is a dual entry with the reason (one signer under a recorded solo-access
  exception);
  the people say whether another envelope will be checked out for the
  invocation, or whether it ends here (``ends_invocation``);
* :class:`StandDownFlow`: an invocation with nothing opened and nothing out
  of the safe can end (normal access came back, or no usable envelope: every
  one tampered); the reason is recorded, and the approver notice (if no
  approver was reached) and the review follow;
* :class:`StockFlow`: each scanned bag serial passes pattern and check
  digit and is new to the inventory (a serial is used once); duplicates in
  one delivery are refused.
"""

from __future__ import annotations

from typing import Any

from kiosk.procedures.context import Context
from kiosk.procedures.fields import Field, FieldProblem, ProcedureError, boolean, on_field, text
from kiosk.procedures.framework import Flow, Step, dual_for, incident_of, tagged
from kiosk.procedures.retrieval import CHECK_LABELS, CHECKLIST, TAMPERED
from kiosk.scan import check_new_serial, validate_serial


class ReturnFlow(Flow):
    name = "return"
    title = "Return an unopened envelope"

    def __init__(self, ctx: Context, incident: str) -> None:
        super().__init__(ctx, "scan")
        self.incident = incident
        self.serial: str | None = None
        self.add(
            Step(
                "scan",
                "Scan the envelope",
                (Field("serial", "Envelope serial (scan)", text(64), kind="scan"),),
                self._scan,
                ("inspect",),
            )
        )
        self.add(
            Step(
                "inspect",
                "Check it is still intact, and return it",
                (
                    *tuple(Field(c, CHECK_LABELS[c], boolean()) for c in CHECKLIST),
                    Field("reason", "Why it goes back unopened", text(500)),
                    Field(
                        "photo_ref",
                        "Photograph of the damage (reference)",
                        text(500),
                        applies=TAMPERED,  # required once any check is answered No
                        missing="procedure.photo_required",
                    ),
                    Field(
                        "continue_retrieval",
                        "Another envelope will be checked out for this invocation",
                        boolean(),
                        False,
                    ),
                ),
                self._inspect,
                (),
                ("envelope.inspected", "envelope.returned", "alert.raised"),
            )
        )

    def _scan(self, v: dict[str, Any]) -> str:
        inc = incident_of(self.ctx, self.incident)
        serial = on_field("serial", self.ctx.serial, v["serial"], ("checked_out",), "return")
        if serial not in inc.envelopes_checked_out:
            raise FieldProblem(
                "serial", "procedure.not_this_incident", serial=serial, incident=inc.id
            )
        self.serial = serial
        return "inspect"

    def _inspect(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        checklist = {c: v[c] for c in CHECKLIST}
        serial = str(self.serial)
        if not all(checklist.values()):
            if "photo_ref" not in v:
                raise FieldProblem("photo_ref", "procedure.photo_required")
            data = {
                "serial": serial,
                "incident": inc.id,
                "result": "tampered",
                "checklist": checklist,
                "photo_ref": v["photo_ref"],
            }
            self.ctx.append("envelope.inspected", tagged(inc, data))
            self.ctx.append(
                "alert.raised",
                {
                    "alert": "envelope.tampered",
                    "summary": f"Envelope {serial} shows signs of tampering at check-in: "
                    "quarantined, escalate to security now.",
                    "incident": inc.id,
                },
            )
            self.info["outcome"] = "quarantined"
            return None
        if "continue_retrieval" not in v:
            raise FieldProblem("continue_retrieval", "procedure.field_missing", field="next")
        data2 = {
            "serial": serial,
            "incident": inc.id,
            "reason": v["reason"],
            "checklist": checklist,
            "ends_invocation": not v["continue_retrieval"],
        }
        dual_for(self.ctx, inc, "envelope.returned", data2)
        self.info["outcome"] = "returned"
        return None


class StandDownFlow(Flow):
    """End an invocation that opened nothing (normal access came back, or no usable envelope).

    Without it such an incident could never end: the next step stayed "check
    out and open the envelope", with no approver notice and no review.
    """

    name = "stand_down"
    title = "Stand down the invocation"

    def __init__(self, ctx: Context, incident: str) -> None:
        super().__init__(ctx, "stand_down")
        self.incident = incident
        self.add(
            Step(
                "stand_down",
                "End the invocation without opening an envelope",
                (
                    Field(
                        "reason",
                        "Why (normal access restored, no usable envelope, ...)",
                        text(500),
                    ),
                    Field("confirm", "End this invocation now", boolean(True)),
                ),
                self._stand_down,
                (),
                ("invocation.stood_down",),
            )
        )

    def _stand_down(self, v: dict[str, Any]) -> None:
        inc = incident_of(self.ctx, self.incident)
        if inc.envelope_opened is not None:
            raise ProcedureError("procedure.stand_down_opened", serial=inc.envelope_opened)
        data = {"incident": inc.id, "reason": v["reason"]}
        self.ctx.append("invocation.stood_down", tagged(inc, data))
        return None


class StockFlow(Flow):
    name = "stock"
    title = "Receive new tamper-evident bags"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx, "receive")
        self.add(
            Step(
                "receive",
                "Scan each new bag",
                (
                    Field("serials", "Bag serials (scan each)", _serial_list, kind="scanlist"),
                    Field("supplier", "Supplier", text(120), False),
                    Field("reference", "Delivery reference", text(300), False),
                ),
                self._receive,
                (),
                ("envelope.stock_received",),
            )
        )

    def _receive(self, v: dict[str, Any]) -> None:
        serials: list[str] = []
        for raw in v["serials"]:
            serial = on_field("serials", validate_serial, raw, self.ctx.policy)
            on_field("serials", check_new_serial, serial, self.ctx.journal.state.envelope_state)
            if serial in serials:
                raise FieldProblem("serials", "procedure.duplicate_serial", serial=serial)
            serials.append(serial)
        data: dict[str, Any] = {"serials": serials}
        for k in ("supplier", "reference"):
            if k in v:
                data[k] = v[k]
        self.ctx.append("envelope.stock_received", data)
        return None


def _serial_list(v: Any) -> list[str]:
    if not isinstance(v, list | tuple) or not v:
        raise ProcedureError("procedure.list", low=1)
    return [text(64)(x) for x in v]
