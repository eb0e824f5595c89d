"""Flow 11 and flow 9's bookkeeping: the inventory, bag stock, and per-account tests.

Everything here is a projection of the journal (nothing stored beside it).

* :func:`inventory_rows` — the procedure's inventory table: account, system,
  storage location, authorised persons, last tested, and a status
  (rotation due, test overdue, no envelope in the safe, ready);
* :func:`idp_gaps` — cloud identity providers with fewer than two emergency
  access accounts ("create at least two ... in case one becomes
  compromised or locked") are flagged;
* :func:`bag_stock` — blank bags received and not yet used;
* :func:`drill_status` — per account: last tested, next test due, overdue
  (quarterly, from the deadline model);
* :class:`AccountFlow` — registering an account (dual), with privilege
  level and justification documented as the procedure asks.
Custodian enrolment and revocation are issue 3's flows (:mod:`kiosk.terminal.enrolment`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.format.clock import parse_ts
from kiosk.policy import Policy
from kiosk.procedures.context import Context
from kiosk.procedures.fields import Field, FieldProblem, ProcedureError, boolean, text
from kiosk.procedures.framework import Flow, Step
from kiosk.state import State
from kiosk.state import due as deadlines

MIN_IDP_ACCOUNTS = 2


@dataclass(frozen=True)
class InventoryRow:
    account: str
    system: str
    storage_location: str
    authorised: tuple[str, ...]
    last_tested: dt.datetime | None
    sealed: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class DrillStatus:
    account: str
    last_tested: dt.datetime | None
    due: dt.datetime
    overdue: bool


def drill_status(state: State, policy: Policy, now: dt.datetime) -> list[DrillStatus]:
    out = []
    for d in deadlines.compute(state, policy):
        if d.kind != "drill":
            continue
        last = state.accounts[d.subject].last_tested
        out.append(
            DrillStatus(
                d.subject, parse_ts(last) if last else None, d.due, d.status(now) == "overdue"
            )
        )
    return sorted(out, key=lambda s: s.account)


def inventory_rows(state: State, policy: Policy, now: dt.datetime) -> list[InventoryRow]:
    drills = {s.account: s for s in drill_status(state, policy, now)}
    rows = []
    for a in sorted(state.accounts.values(), key=lambda a: a.id):
        sealed = tuple(sorted(e.serial for e in state.envelopes_for(a.id, "sealed")))
        if a.rotation_due_since is not None:
            status = "rotation due"
        elif not sealed:
            status = "no envelope in the safe"
        elif a.id in drills and drills[a.id].overdue:
            status = "test overdue"
        else:
            status = "ready"
        names = tuple(
            state.custodians[p].name if p in state.custodians else p for p in a.authorised
        )
        rows.append(
            InventoryRow(
                a.id,
                a.system,
                a.storage_location,
                names,
                parse_ts(a.last_tested) if a.last_tested else None,
                sealed,
                status,
            )
        )
    return rows


def idp_gaps(state: State) -> dict[str, int]:
    """Identity providers with fewer than two emergency accounts: idp -> count."""
    counts: dict[str, int] = {}
    for a in state.accounts.values():
        if a.idp:
            counts[a.idp] = counts.get(a.idp, 0) + 1
    return {idp: n for idp, n in sorted(counts.items()) if n < MIN_IDP_ACCOUNTS}


def bag_stock(state: State) -> list[str]:
    return sorted(e.serial for e in state.envelopes.values() if e.state == "blank_stock")


class AccountFlow(Flow):
    """Register a break-glass account in the inventory (dual)."""

    name = "account"
    title = "Register a break-glass account"

    def __init__(self, ctx: Context, by: Sequence[str]) -> None:
        super().__init__(ctx, "details")
        self.by = list(by)
        self.add(
            Step(
                "details",
                "Account details",
                (
                    Field("account", "Account id", text(64)),
                    Field("username", "Username", text(200)),
                    Field("system", "System", text(120), source="systems", free=True),
                    Field("purpose", "Purpose", text(500)),
                    Field("storage_location", "Storage location", text(120)),
                    Field(
                        "authorised", "Authorised persons (custodian ids)", _ids, kind="custodians"
                    ),
                    Field("privilege", "Privilege level and justification", text(500)),
                    Field("access_url", "Access URL or connection details", text(500), False),
                    Field("idp", "Cloud identity provider (if any)", text(120), False),
                    Field(
                        "idp_alerts",
                        "The provider alerts security when this account signs in",
                        boolean(),
                        False,
                    ),
                ),
                self._register,
                (),
                ("account.registered",),
            )
        )

    def _register(self, v: dict[str, Any]) -> None:
        state = self.ctx.journal.state
        if v["account"] in state.accounts:
            raise FieldProblem("account", "procedure.account_exists", account=v["account"])
        for p in v["authorised"]:
            c = state.custodians.get(p)
            if c is None or c.revoked:
                raise FieldProblem("authorised", "procedure.not_custodian", custodian=p)
        if len(set(v["authorised"])) < 2:
            raise FieldProblem("authorised", "procedure.two_people")
        self.ctx.dual("account.registered", dict(v), self.by)
        return None


def _ids(v: Any) -> list[str]:
    if not isinstance(v, list | tuple) or not v:
        raise ProcedureError("procedure.list", low=2)
    return [text(64)(x) for x in v]
