"""The unlocked terminal's procedure context, and which flow comes next for an incident.

:class:`Session` joins the open journal to the screens' device bridges: one
:class:`ui.prompts.QtPrompts`, one python-fido2 authenticator over the keys
the terminal sees, :class:`ui.procedure_devices.QtSignatures` and
:class:`ui.procedure_devices.QtPaper`, wrapped in the engine's
:class:`kiosk.procedures.Context`. It lives from unlock to lock.

:func:`next_step` reads an incident's projection (``journal.state``) and
names the flow the procedure continues with — the same order as
``hardware.sim.scenarios`` drives headless. It decides nothing the flows do
not check again: a flow refuses to start (``ProcedureError``) when its phase
is not reached, and the screen shows that refusal.

Flows are not resumable across a lock (a flow object lives in the unlocked
session; see ``FlowScreen.paused`` for resuming within one). The one
half-way state a fresh flow cannot pick up is an envelope checked out but
not opened (the terminal locked during the retrieval): :func:`next_step`
then names the return of that envelope, after which it is checked out again
and inspected afresh, as the procedure wants for an envelope out of the safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.journal.store import Journal
from kiosk.printing import Printer
from kiosk.procedures import (
    Context,
    DocumentationFlow,
    ExecutiveSignOffFlow,
    Flow,
    InvocationFlow,
    NotifyApproverFlow,
    ResetFlow,
    RetrievalFlow,
    ReviewFlow,
    SessionFlow,
    VerificationFlow,
)
from kiosk.procedures.checkin import ReturnFlow
from kiosk.state import State
from kiosk.state.incidents import EXCEPTION_APPROVER_UNREACHABLE, EXCEPTION_SOLO_ACCESS, Incident
from ui.context import AppContext
from ui.procedure_devices import QtPaper, QtSignatures
from ui.prompts import QtPrompts

FlowFactory = Callable[[Context], Flow]


@dataclass
class Session:
    """Everything a flow screen needs while the terminal is unlocked."""

    journal: Journal
    prompts: QtPrompts
    signatures: QtSignatures
    paper: QtPaper
    ctx: Context

    @staticmethod
    def open(app: AppContext, journal: Journal, printer: Printer) -> Session:
        prompts = QtPrompts()
        authenticator = app.keys.authenticator(prompts)
        signatures = QtSignatures(authenticator, app.keys)
        paper = QtPaper(printer)
        ctx = Context(journal, app.policy, authenticator, signatures, paper)
        return Session(journal, prompts, signatures, paper, ctx)


def signers(state: State, inc: Incident) -> list[str]:
    """Who signs a rotation or verification: the incident's two people, else the account's."""
    if len(inc.people) >= 2:
        return list(inc.people[:2])
    account = state.accounts.get(str(inc.account))
    return list(account.authorised[:2]) if account is not None else list(inc.people)


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


def next_step(state: State, inc: Incident) -> tuple[str, FlowFactory] | None:
    """The next flow of ``inc`` (label, factory), or ``None`` when nothing is left here."""
    iid = inc.id
    if inc.acknowledged_at is None:  # declared, then the terminal locked: acknowledge now
        return "Both parties acknowledge the declaration", lambda c: InvocationFlow.resume(c, iid)
    if inc.solo and EXCEPTION_SOLO_ACCESS not in inc.signed_off:
        return "Executive sign-off (solo access)", lambda c: ExecutiveSignOffFlow(c, iid)
    out = left_out(state, inc)
    if out:
        return (
            f"Return envelope {out[0]}, left checked out, to the safe (then check out again)",
            lambda c: ReturnFlow(c, iid),
        )
    if inc.envelope_opened is None and inc.returned_at is not None:
        # Ended with nothing opened (stood down, or its envelope returned to end it).
        if EXCEPTION_APPROVER_UNREACHABLE in inc.exceptions and inc.approver_notified_at is None:
            return "Notify the approver", lambda c: NotifyApproverFlow(c, iid)
        if inc.test or inc.reviewed_at is not None:
            return None
        return "Post-incident review", lambda c: ReviewFlow(c, iid)
    if inc.envelope_opened is None or not inc.sheet_confirmed:
        return "Check out and open the envelope", lambda c: RetrievalFlow(c, iid)
    if inc.session_ended_at is None:
        return "Access session log", lambda c: SessionFlow(c, iid)
    if EXCEPTION_APPROVER_UNREACHABLE in inc.exceptions and inc.approver_notified_at is None:
        return "Notify the approver", lambda c: NotifyApproverFlow(c, iid)
    if inc.signed_at is None:
        return "Documentation and signing", lambda c: DocumentationFlow(c, iid)
    account = str(inc.account)
    if inc.rotated_at is None:
        by = signers(state, inc)
        return "Credential reset and new envelope", lambda c: ResetFlow(
            c, account, by, incident=iid
        )
    if inc.test:
        return None
    if inc.reviewed_at is None:
        return "Post-incident review", lambda c: ReviewFlow(c, iid)
    if inc.escalated and inc.escalation_recorded_at is None:
        return "Escalate the review's findings", lambda c: ReviewFlow(c, iid)
    if inc.verified_at is None:
        by = signers(state, inc)
        return "Verification after reset", lambda c: VerificationFlow(c, iid, by)
    return None
