"""What the one writer refuses beyond an entry's own checks: appends to a halted journal.

Why apart from ``store.py``: the halt is a rule about the journal as a whole
(an earlier entry breaks the rules and two custodians have not seen its
alarm yet, :mod:`kiosk.state.integrity`), checked before every append and
every reservation; the store only calls :func:`refuse_if_halted`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.format.entry import Entry
from kiosk.state import State
from kiosk.state.integrity import halt_refusal


def refuse_if_halted(state: State, kind: str, data: Mapping[str, Any]) -> None:
    """Raise ``journal.halted`` if ``state`` is halted and ``kind`` is not allowed then."""
    refusal = halt_refusal(state, kind, data)
    if refusal is not None:
        raise refusal


def carries_assertion(entry: Entry) -> bool:
    """True for an entry with a key assertion outside ``attest`` (a key unlock's own).

    The approval check handed to the journal checks it at commit, as it
    checks every attestation.
    """
    return entry.kind == "terminal.unlocked" and entry.data.get("method") == "key"
