"""The registered lists a field's answer is chosen from (issue 22).

People in an incident retyped what the terminal already knows: the
break-glass account, its system, the custodians' roles. A field names its
list (``Field.source``); :func:`registered` gives the list from the
journal's state, as ``(value, words shown)`` pairs — the same for the
screen that offers it and for the flow that checks the answer, so a value
offered is always accepted and a closed list refuses anything else.

Retired accounts and revoked custodians are left out: they cannot be used.
"""

from __future__ import annotations

from kiosk.procedures.fields import Field, ProcedureError
from kiosk.state import State

#: what each list is called in a refusal ("… is not one of the accounts this terminal knows")
WHAT = {
    "accounts": "break-glass accounts",
    "systems": "systems",
    "roles": "custodians' roles",
}


def registered(source: str, state: State) -> tuple[tuple[str, str], ...]:
    """The list ``source`` as the terminal knows it now: ``(value, words)`` pairs."""
    if source == "accounts":
        accounts = [a for a in state.accounts.values() if not a.retired]
        return tuple((a.id, f"{a.id} — {a.system}") for a in sorted(accounts, key=lambda a: a.id))
    if source == "systems":
        systems = sorted({a.system for a in state.accounts.values()}, key=str.casefold)
        return tuple((s, s) for s in systems)
    if source == "roles":
        roles = sorted(
            {c.role for c in state.custodians.values() if not c.revoked and c.role},
            key=str.casefold,
        )
        return tuple((r, r) for r in roles)
    raise KeyError(source)


def check_registered(f: Field, value: object, state: State) -> None:
    """Refuse ``value`` when ``f`` is chosen from a closed list that does not hold it."""
    if not f.source or f.free:
        return
    if value not in {v for v, _ in registered(f.source, state)}:
        raise ProcedureError("forms.not_registered", value=value, what=WHAT.get(f.source, f.source))
