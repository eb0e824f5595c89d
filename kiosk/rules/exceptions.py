"""Spec section 5, Amendment 1: when a policy exception covers a dual entry.

A dual entry with fewer than two distinct valid custodians is covered by an
exception only when all of these hold (otherwise it is an error):

* its ``data.exception`` and ``data.incident`` are non-empty strings;
* an **earlier** ``invocation.declared`` entry has the same ``incident`` and
  the same ``exception`` (declared with the incident, before the entry);
* its kind is one of :data:`EXCEPTION_KINDS`; never an enrolment,
  revocation, policy change, account or envelope registration,
  destruction, rotation or any other kind;
* it carries at least one valid attestation (a custodian was there).

Why one function for both: the auditors' verifier (through
:mod:`kiosk.rules.entries`) and the terminal's own state
(:func:`kiosk.state.custodians.check_signers`) must refuse exactly the same
entries, so each asks :func:`exception_refusal` and words the answer its own
way. ``data.exception`` on an entry two distinct custodians signed anyway is
harmless: the callers ask only about entries short of two.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Final

#: The incident kinds an exception may cover (Amendment 1's list, exactly).
EXCEPTION_KINDS: Final = frozenset(
    {
        "invocation.acknowledged",
        "envelope.checked_out",
        "envelope.opened",
        "envelope.returned",
        "session.signed",
    }
)

#: Why an exception does not cover an entry: refusal -> the verifier's words.
REASONS: Final[dict[str, str]] = {
    "exception.kind": "an exception never covers {kind} (Amendment 1 lists the incident kinds "
    "it may cover)",
    "exception.no_incident": "its exception names no incident (data.incident is empty)",
    "exception.not_declared": "its exception {exception!r} was not declared with incident "
    "{incident} on an earlier invocation.declared",
    "exception.no_attestation": "an exception needs at least one valid attestation, and it "
    "has none",
}


def claims_exception(data: Mapping[str, Any]) -> bool:
    """True if ``data`` names a policy exception (a non-empty ``exception``)."""
    exc = data.get("exception")
    return exc is not None and exc != "" and exc is not False


def exception_refusal(
    kind: str,
    data: Mapping[str, Any],
    declared: Callable[[str], Collection[str]],
    attestations: int,
) -> str | None:
    """Why ``data.exception`` does not cover this entry, or None if it does.

    ``declared(incident)`` gives the exceptions declared with ``incident`` on
    earlier ``invocation.declared`` entries; ``attestations`` counts the
    entry's valid attestations. The answer is a key of :data:`REASONS`.
    """
    if kind not in EXCEPTION_KINDS:
        return "exception.kind"
    exception, incident = data.get("exception"), data.get("incident")
    if not isinstance(incident, str) or not incident:
        return "exception.no_incident"
    if not isinstance(exception, str) or not exception or exception not in declared(incident):
        return "exception.not_declared"
    if attestations < 1:
        return "exception.no_attestation"
    return None


def words(refusal: str, kind: str, data: Mapping[str, Any]) -> str:
    """The verifier's sentence for a refusal of :func:`exception_refusal`."""
    return REASONS[refusal].format(
        kind=kind, exception=data.get("exception"), incident=data.get("incident")
    )
