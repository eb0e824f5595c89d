"""Issue 18's flows and inventory: dead copies destroyed, accounts changed, the credential view.

* :class:`DestroyFlow` — destroy an account's superseded (or retired) envelopes under
  dual control, one scan each, with a method from the policy's list and a
  witness; a reset destroys its own (:mod:`kiosk.procedures.reset`), this is
  for copies superseded by a sealing without a reset, or by a retirement;
* :class:`AccountUpdateFlow` — change an account's system, storage,
  authorised people or privilege justification (dual, ``account.updated``);
* :class:`RetireAccountFlow` — take an account out of the inventory (dual,
  ``account.retired``); its sealed copies become superseded;
* :func:`credential_inventory` — per account: live copies, superseded copies
  awaiting destruction (and by when), last rotation, last verification,
  last drill, and custodians who left its authorised list when revoked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.procedures.context import Context
from kiosk.procedures.fields import Field, FieldProblem, ProcedureError, choice, person, text
from kiosk.procedures.framework import Flow, Step
from kiosk.state.inventory import CredentialRow, credential_inventory

__all__ = [
    "AccountUpdateFlow",
    "CredentialRow",
    "DestroyFlow",
    "RetireAccountFlow",
    "credential_inventory",
]


class DestroyFlow(Flow):
    """Destroy an account's superseded envelopes (dual, one scan each, with a witness)."""

    name = "destroy"
    title = "Destroy superseded envelopes"

    def __init__(self, ctx: Context, account: str, by: Sequence[str]) -> None:
        super().__init__(ctx, "destroy")
        if account not in ctx.journal.state.accounts:
            raise ProcedureError("procedure.no_account", account=account)
        self.account = account
        self.by = list(by)
        if not self.pending():
            raise ProcedureError("procedure.nothing_to_destroy", account=account)
        methods = tuple(ctx.policy.destruction_methods)
        self.add(
            Step(
                "destroy",
                "Destroy a superseded envelope",
                (
                    Field("serial", "Superseded envelope serial (scan)", text(64), kind="scan"),
                    Field("method", "Method", choice(*methods), choices=methods),
                    Field("witness", "Witness (name and role)", person),
                ),
                self._destroy,
                ("destroy",),
                ("envelope.destroyed",),
            )
        )
        self.info["to_destroy"] = self.pending()

    def pending(self) -> list[str]:
        state = self.ctx.journal.state
        return sorted(
            e.serial
            for e in state.envelopes.values()
            if e.account == self.account and e.state == "superseded"
        )

    def _destroy(self, v: dict[str, Any]) -> str | None:
        serial = str(v["serial"]).strip()
        pending = self.pending()
        if serial not in pending:
            state = self.ctx.journal.state.envelope_state(serial) or "unknown"
            raise FieldProblem(
                "serial",
                "procedure.not_to_destroy",
                serial=serial,
                state=state,
                serials=", ".join(pending),
            )
        data = {
            "serial": serial,
            "method": v["method"],
            "witness": v["witness"],
            "reason": "superseded by a newer credential",
        }
        self.ctx.dual("envelope.destroyed", data, self.by)
        left = self.pending()
        self.info["to_destroy"] = left
        return "destroy" if left else None


def _ids(v: Any) -> list[str]:
    if isinstance(v, str):
        v = [p.strip() for p in v.split(",") if p.strip()]
    if not isinstance(v, list | tuple) or not v:
        raise ProcedureError("procedure.list", low=2)
    return [text(64)(x) for x in v]


class AccountUpdateFlow(Flow):
    """Change an account (dual): only the fields filled in change."""

    name = "account_update"
    title = "Update a break-glass account"

    def __init__(self, ctx: Context, account: str, by: Sequence[str]) -> None:
        super().__init__(ctx, "details")
        if account not in ctx.journal.state.accounts:
            raise ProcedureError("procedure.no_account", account=account)
        self.account = account
        self.by = list(by)
        self.add(
            Step(
                "details",
                "What changes",
                (
                    Field("reason", "Why it changes", text(500)),
                    Field("system", "System", text(120), False, source="systems", free=True),
                    Field("storage_location", "Storage location", text(120), False),
                    Field(
                        "authorised",
                        "Authorised persons (custodian ids)",
                        _ids,
                        False,
                        kind="custodians",
                    ),
                    Field("privilege", "Privilege level and justification", text(500), False),
                ),
                self._update,
                (),
                ("account.updated",),
            )
        )

    def _update(self, v: dict[str, Any]) -> None:
        state = self.ctx.journal.state
        data = {k: val for k, val in v.items() if val not in (None, "", [])}
        data["account"] = self.account
        for p in data.get("authorised", ()):
            c = state.custodians.get(p)
            if c is None or c.revoked:
                raise FieldProblem("authorised", "procedure.not_custodian", custodian=p)
        if "authorised" in data and len(set(data["authorised"])) < 2:
            raise FieldProblem("authorised", "procedure.two_people")
        self.ctx.dual("account.updated", data, self.by)
        return None


class RetireAccountFlow(Flow):
    """Take an account out of the inventory (dual); its sealed copies become superseded."""

    name = "account_retire"
    title = "Retire a break-glass account"

    def __init__(self, ctx: Context, account: str, by: Sequence[str]) -> None:
        super().__init__(ctx, "retire")
        if account not in ctx.journal.state.accounts:
            raise ProcedureError("procedure.no_account", account=account)
        self.account = account
        self.by = list(by)
        self.add(
            Step(
                "retire",
                "Retire the account",
                (Field("reason", "Why it is retired", text(500)),),
                self._retire,
                (),
                ("account.retired",),
            )
        )

    def _retire(self, v: dict[str, Any]) -> None:
        self.ctx.dual("account.retired", {"account": self.account, "reason": v["reason"]}, self.by)
        return None
