"""What makes a post-incident review mean something (issue 19).

Why: a review that is one unsigned entry, whose participants can be four
people called "X", proves nothing. So:

* :func:`security_reviewer` — a custodian with the security duty who was not
  one of the incident's people (an invoker cannot review their own incident);
* :func:`match_participants` — each invoker named as themselves, the security
  participant is the security reviewer, the approver is the one the record
  names (or a designated approver when none was reached), nobody twice;
* :func:`review_flags` — what the journal shows the review must look at;
* :func:`sign_review` — the entry carries the security reviewer's and the
  invokers' signatures (WebAuthn assertions over its digest), so the auditors'
  verifier can tell a review security signed from one it did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.procedures.context import Context
from kiosk.procedures.fields import FieldProblem
from kiosk.state import State
from kiosk.state.incidents import Incident
from kiosk.state.sessions import IDP_ALERT, OPENING_ALERT, SECURITY_DUTY
from kiosk.terminal.approvals import Approval


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def security_reviewer(state: State, inc: Incident, cid: str) -> str:
    """``cid`` if it is an active security-duty custodian outside the incident."""
    c = state.custodians.get(cid)
    if c is None or c.revoked or SECURITY_DUTY not in c.duties or cid in inc.people:
        raise FieldProblem("security_reviewer", "procedure.review_security")
    return cid


def match_participants(
    state: State, inc: Incident, participants: Sequence[dict[str, str]], security: str
) -> None:
    """Refuse participants that do not match the incident's people (see the module)."""
    seen: set[str] = set()
    for p in participants:
        key = _fold(p["name"])
        if key in seen:
            raise FieldProblem("participants", "procedure.participants_repeat", name=p["name"])
        seen.add(key)
    named = {(_fold(p["name"]), p["capacity"]) for p in participants}

    def need(name: str, capacity: str, expected: str) -> None:
        if (_fold(name), capacity) not in named:
            wrong = next((p for p in participants if p["capacity"] == capacity), None)
            raise FieldProblem(
                "participants",
                "procedure.participant_unmatched",
                name=wrong["name"] if wrong else "(none)",
                capacity=capacity,
                expected=expected,
            )

    for cid in inc.people:
        c = state.custodians[cid]
        need(c.name, "invoker", f"the invokers are {_names(state, inc.people)}")
    need(
        state.custodians[security].name,
        "security",
        f"the security reviewer is {state.custodians[security].name}",
    )
    approver = inc.record.get("approver")
    if isinstance(approver, dict) and isinstance(approver.get("name"), str):
        need(approver["name"], "approver", f"the approver was {approver['name']}")
    for p in participants:
        if p["capacity"] == "invoker" and all(
            _fold(state.custodians[c].name) != _fold(p["name"]) for c in inc.people
        ):
            raise FieldProblem(
                "participants",
                "procedure.participant_unmatched",
                name=p["name"],
                capacity="invoker",
                expected=f"the invokers are {_names(state, inc.people)}",
            )


def _names(state: State, ids: Sequence[str]) -> str:
    return " and ".join(state.custodians[c].name for c in ids)


def review_flags(ctx: Context, inc: Incident) -> list[str]:
    """What the terminal flags for the review, from the journal's entries of the incident."""
    flags: list[str] = []
    for e in ctx.journal.entries():
        if e.data.get("incident") != inc.id:
            continue
        if e.data.get("after_refusal"):
            flags.append(
                f"entry {e.seq}: {e.data.get('approver')} approved after another approver refused"
            )
        late = e.data.get("entered_late_minutes")
        if isinstance(late, int):
            flags.append(f"entry {e.seq} ({e.kind}): time entered {late} minutes late")
        if e.kind == "session.action" and e.data.get("outside_reason"):
            flags.append(f"entry {e.seq}: action outside the declared reason")
        if e.kind == "session.ended" and e.data.get("over_limit"):
            flags.append(f"entry {e.seq}: the session lasted past its limit")
    for a in ctx.journal.state.alerts.values():
        if a.incident != inc.id:
            continue
        if a.alert == OPENING_ALERT and not a.acknowledged:
            flags.append(f"alert {a.seq}: the opening was not acknowledged by security")
        if a.alert == IDP_ALERT:
            flags.append(f"alert {a.seq}: the provider's sign-in alert did not reach security")
    return flags[:50]


def sign_review(ctx: Context, data: dict[str, Any], people: Sequence[str]) -> None:
    """Record ``review.completed`` signed by the security reviewer, then each invoker."""
    roles = ("security", *(f"invoker_{i + 1}" for i in range(len(people) - 1)))
    approval = Approval(ctx.journal, ctx.policy, ctx.security_keys, "review.completed", data, roles)
    try:
        ctx.signatures.collect(approval, list(people))
        approval.commit()
    except BaseException:
        if not approval.pending.closed:
            approval.abandon()
        raise
