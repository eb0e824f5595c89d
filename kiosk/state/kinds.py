"""Every kind the journal knows must have a rule: checked when a rule table is built.

A table keyed by kind (:data:`kiosk.state.rules.RULES`,
:data:`kiosk.state.incidents.STEPS`) that misses a kind would fold that kind
silently as "nothing happens"; one with a key the journal does not know holds
a rule that never runs (a typo). Both are defects, so both stop the import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kiosk.format.kinds import KINDS


class RuleTableError(RuntimeError):
    """A rule table does not cover exactly the journal's kinds (a defect, found at import)."""


def require_every_kind(
    table: Mapping[str, object], what: str, kinds: Iterable[str] = KINDS
) -> None:
    """Raise :class:`RuleTableError` naming the kinds ``table`` misses or does not know."""
    expected = set(kinds)
    missing = sorted(expected - set(table))
    unknown = sorted(set(table) - expected)
    if missing or unknown:
        raise RuleTableError(
            f"{what}: no rule for {', '.join(missing) or 'no kind'}; "
            f"rules for kinds the journal does not know: {', '.join(unknown) or 'none'}"
        )
