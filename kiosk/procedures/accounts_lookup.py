"""The inventory lookups of an invocation: which account a system names, the new incident's id.

Split from :mod:`kiosk.procedures.invocation` (which re-exports them) to
keep that module readable.
"""

from __future__ import annotations

import datetime as dt

from kiosk.state import Account, State


def match_accounts(state: State, system: str) -> list[Account]:
    """Inventory lookup: accounts whose system names ``system`` (troubleshooting row)."""
    words = system.casefold().strip()
    exact = [a for a in state.accounts.values() if a.system.casefold() == words]
    if exact:
        return exact
    return [
        a
        for a in state.accounts.values()
        if words and (words in a.system.casefold() or a.system.casefold() in words)
    ]


def new_incident_id(state: State, when_: dt.datetime, test: bool) -> str:
    prefix = ("DRILL-" if test else "BG-") + when_.strftime("%Y%m%d")
    n = 1 + sum(1 for i in state.incidents.by_id if i.startswith(prefix))
    return f"{prefix}-{n:02d}"
