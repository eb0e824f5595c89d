"""Which flow comes next for an incident: the procedure's order, written once.

The terminal's screens ("Continue: …" on the dashboard and at the end of a
flow) and the simulator (:mod:`hardware.sim.scenarios`, whose simulated
people answer whatever flow comes next) both follow :func:`next_flow`, so
the order lives here and nowhere else. It reads only the journal's
projection (:class:`kiosk.state.State`): nothing a lock discards, so after
an unlock the procedure continues from the journal alone.

The order, with its branches:

1. **Invocation** — declared, then both parties acknowledge. A declaration
   whose acknowledgement was lost to a lock is resumed at the
   acknowledgement (:meth:`InvocationFlow.resume`).

   * *Solo access*: the retrieval proceeds while the executive's sign-off
     (within 1 hour) runs, as the procedure says; it is offered once the
     session is over (any time before from the troubleshooting screen). With
     the policy's ``solo_signoff_first`` it comes before the check-out.

2. **Retrieval** — check out, inspect and open the envelope, confirm its
   sheet.

   * *Left out*: an envelope checked out but not opened (the terminal
     locked during the retrieval) goes back to the safe first; the
     retrieval then checks one out again and inspects it afresh, as the
     procedure wants for an envelope that was out of the safe.
   * *Ended with nothing opened* (*stood down*, or the envelope returned to
     end the invocation): the approver notice if one is owed, then the
     review (none for a drill), and nothing else. Standing down is not a
     step of the order but a choice the people may make while
     :func:`can_stand_down` holds.

3. **Access session** — logged until logout.

   * *Approver unreachable*: the approver is notified as soon as the session
     is over.

4. **Documentation** — the session record, signed by both.
5. **Credential reset** — new credential and envelope, old one destroyed,
   signed by :func:`signers`. *A drill ends here.*
6. **Post-incident review**, then the *escalation* of its findings when the
   review escalated and the escalation is not recorded yet.
7. **Verification after reset** — then nothing is left (``None``).

Invariant: this module decides nothing the flows do not check again. A flow
refuses to start or to record (``ProcedureError``) when its phase is not
reached, so a wrong order here would show as a refusal on screen, never as a
skipped step in the journal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from kiosk.procedures.checkin import ReturnFlow
from kiosk.procedures.context import Context
from kiosk.procedures.documentation import DocumentationFlow
from kiosk.procedures.exceptions import ExecutiveSignOffFlow, NotifyApproverFlow
from kiosk.procedures.framework import Flow
from kiosk.procedures.invocation import InvocationFlow
from kiosk.procedures.reset import ResetFlow
from kiosk.procedures.retrieval import RetrievalFlow
from kiosk.procedures.review import ReviewFlow
from kiosk.procedures.session import SessionFlow
from kiosk.procedures.verification import VerificationFlow
from kiosk.state import State
from kiosk.state.incidents import EXCEPTION_APPROVER_UNREACHABLE, EXCEPTION_SOLO_ACCESS, Incident

FlowFactory = Callable[[Context], Flow]


class NextFlow(NamedTuple):
    """The flow an incident continues with: what a person reads, and how to start it."""

    label: str
    start: FlowFactory


def signers(state: State, inc: Incident) -> list[str]:
    """Who signs a rotation or verification: the incident's two people, else the account's."""
    if len(inc.people) >= 2:
        return list(inc.people[:2])
    account = state.accounts.get(str(inc.account))
    return list(account.authorised[:2]) if account is not None else list(inc.people)


def reset_signers(state: State, inc: Incident) -> list[str]:
    """Who signs a reset: one of the incident's people and security staff from outside it.

    Issue 18's separation of duties: the people who used the old password
    never seal the new one alone, so the second signer is an authorised
    custodian with the ``security`` duty who was not one of the incident's
    people (the state refuses the new sealing and ``credential.rotated``
    otherwise, :func:`kiosk.state.credentials.check_separation`). When there
    is none, the incident's own two are returned and the state's refusal
    says what is missing.
    """
    base = signers(state, inc)
    account = state.accounts.get(str(inc.account))
    if account is None:
        return base
    for who in account.authorised:
        c = state.custodians.get(who)
        if c is not None and not c.revoked and "security" in c.duties and who not in inc.people:
            return [base[0], who] if base else [who]
    return base


def left_out(state: State, inc: Incident) -> list[str]:
    """Envelopes this incident checked out that are still out and unopened."""
    if inc.envelope_opened is not None:
        return []
    return state.envelopes_out(inc)


def can_stand_down(state: State, inc: Incident) -> bool:
    """True while the invocation may end without an envelope opened (StandDownFlow)."""
    return (
        inc.open
        and inc.acknowledged_at is not None
        and inc.envelope_opened is None
        and inc.returned_at is None
        and not left_out(state, inc)
    )


def next_flow(state: State, inc: Incident, signoff_first: bool = False) -> NextFlow | None:
    """The next flow of ``inc``, or ``None`` when nothing is left (see the module's order).

    ``signoff_first``: the policy's ``solo_signoff_first`` (off by default).
    """
    iid = inc.id
    if inc.acknowledged_at is None:  # declared, then the terminal locked: acknowledge now
        return NextFlow(
            "Both parties acknowledge the declaration", lambda c: InvocationFlow.resume(c, iid)
        )
    sign_off = NextFlow("Executive sign-off (solo access)", lambda c: ExecutiveSignOffFlow(c, iid))
    owed = inc.solo and EXCEPTION_SOLO_ACCESS not in inc.signed_off
    if owed and signoff_first:
        return sign_off
    out = left_out(state, inc)
    if out:
        return NextFlow(
            f"Return envelope {out[0]}, left checked out, to the safe (then check out again)",
            lambda c: ReturnFlow(c, iid),
        )
    if inc.envelope_opened is None and inc.returned_at is not None:
        # Ended with nothing opened (stood down, or its envelope returned to end it).
        if EXCEPTION_APPROVER_UNREACHABLE in inc.exceptions and inc.approver_notified_at is None:
            return NextFlow("Notify the approver", lambda c: NotifyApproverFlow(c, iid))
        if owed:
            return sign_off
        if inc.test or inc.reviewed_at is not None:
            return None
        return NextFlow("Post-incident review", lambda c: ReviewFlow(c, iid))
    if inc.envelope_opened is None or not inc.sheet_confirmed:
        return NextFlow("Check out and open the envelope", lambda c: RetrievalFlow(c, iid))
    if inc.session_ended_at is None:
        return NextFlow("Access session log", lambda c: SessionFlow(c, iid))
    if owed:
        return sign_off
    if EXCEPTION_APPROVER_UNREACHABLE in inc.exceptions and inc.approver_notified_at is None:
        return NextFlow("Notify the approver", lambda c: NotifyApproverFlow(c, iid))
    if inc.signed_at is None:
        return NextFlow("Documentation and signing", lambda c: DocumentationFlow(c, iid))
    account = str(inc.account)
    if inc.rotated_at is None:
        by = reset_signers(state, inc)
        return NextFlow(
            "Credential reset and new envelope",
            lambda c: ResetFlow(c, account, by, incident=iid),
        )
    if inc.test:
        # A drill tests the reset too: its verification (issue 18), and no review.
        if inc.verified_at is None:
            by = signers(state, inc)
            return NextFlow("Verification after reset", lambda c: VerificationFlow(c, iid, by))
        return None
    if inc.reviewed_at is None:
        return NextFlow("Post-incident review", lambda c: ReviewFlow(c, iid))
    if inc.escalated and inc.escalation_recorded_at is None:
        return NextFlow("Escalate the review's findings", lambda c: ReviewFlow(c, iid))
    if inc.verified_at is None:
        by = signers(state, inc)
        return NextFlow("Verification after reset", lambda c: VerificationFlow(c, iid, by))
    return None
