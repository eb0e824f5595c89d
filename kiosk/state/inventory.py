"""The credential view of the inventory (issue 18), per account, from the projection.

Why in the state: the terminal's inventory (dashboard, flows) and the audit
report written at export both show it, from the same journal facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.format.clock import parse_ts
from kiosk.policy.model import DEFAULT_SUPERSEDED_DESTROY_DAYS
from kiosk.state.projection import State


@dataclass(frozen=True)
class CredentialRow:
    """One account in the inventory report's credential table."""

    account: str
    live: tuple[str, ...]
    superseded: tuple[str, ...]
    #: the earliest destruction deadline of the superseded copies
    destroy_by: dt.datetime | None
    last_rotation: dt.datetime | None
    last_verification: dt.datetime | None
    last_drill: dt.datetime | None
    #: custodians removed from the authorised list when revoked: "name (date)"
    removed: tuple[str, ...]
    retired: bool = False


def _at(text: str | None) -> dt.datetime | None:
    return parse_ts(text) if text else None


def credential_inventory(
    state: State, destroy_days: int = DEFAULT_SUPERSEDED_DESTROY_DAYS
) -> list[CredentialRow]:
    """The credential view of every account; superseded copies are due ``destroy_days``
    after they were superseded (the policy's ``superseded_destroy_days``)."""
    rows = []
    for a in sorted(state.accounts.values(), key=lambda a: a.id):
        mine = [e for e in state.envelopes.values() if e.account == a.id]
        superseded = sorted((e for e in mine if e.state == "superseded"), key=lambda e: e.serial)
        deadlines = [
            parse_ts(e.superseded_at) + dt.timedelta(days=destroy_days)
            for e in superseded
            if e.superseded_at
        ]
        removed = tuple(
            f"{state.custodians[c].name if c in state.custodians else c} ({at[:10]})"
            for c, at in a.removed
        )
        rows.append(
            CredentialRow(
                a.id,
                tuple(sorted(e.serial for e in mine if e.state == "sealed")),
                tuple(e.serial for e in superseded),
                min(deadlines) if deadlines else None,
                _at(a.rotations[-1] if a.rotations else None),
                _at(a.last_verified),
                _at(a.last_tested),
                removed,
                a.retired,
            )
        )
    return rows
