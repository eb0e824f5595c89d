"""How the simulated people answer each flow of the procedure (:func:`answer`).

The simulator plays the people, not the procedure: which flow comes next is
the core's navigation (:func:`kiosk.procedures.navigation.next_flow`),
followed by :func:`hardware.sim.scenarios.emergency`; here is only what the
people put into each step of a flow, and how much time passes while they do
it. :class:`People` holds a scenario's branches (a tampered envelope, an
unreachable approver, solo access, late documents...) and what the people
remember between flows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from kiosk.policy.model import Approver
from kiosk.procedures import (
    DocumentationFlow,
    ExecutiveSignOffFlow,
    Flow,
    InvocationFlow,
    NotifyApproverFlow,
    ResetFlow,
    RetrievalFlow,
    ReviewFlow,
    SealNewEnvelopeFlow,
    SessionFlow,
    VerificationFlow,
)
from kiosk.procedures.security_alerts import opening_alerts

if TYPE_CHECKING:
    from hardware.sim.simulation import Simulation

WITNESS: Final = {"name": "Robin Hale", "role": "Facilities Manager"}
REASON: Final = (
    "Conditional access change locked every administrator out of the tenant. "
    "Users cannot sign in to mail or SharePoint. We need to revert the policy."
)


#: An envelope's integrity checklist, every answer "intact".
INTACT: Final = {
    "seal_unbroken": True,
    "signatures_undisturbed": True,
    "no_tears_or_holes": True,
    "no_steaming": True,
}


@dataclass
class People:
    """The custodians of one invocation: how they answer its flows (a scenario's branches).

    Which flow comes next is not theirs to say: :func:`~hardware.sim.scenarios.emergency`
    follows the core's navigation. They remember, as people do, the
    envelope they opened and the one the reset sealed ("" until then).
    """

    account: str
    declarer: str
    second: str
    test: bool = False
    unreachable: bool = False
    solo: bool = False
    tamper: bool = False
    late_documentation: bool = False
    late_review: bool = False
    exceed: bool = False
    login_fails: bool = False
    mfa_unavailable: bool = False
    reset_fails: bool = False
    unauthorised: bool = False
    #: the verification's test login fails (issue 18's ``--scenario stale``)
    verification_fails: bool = False
    opened: str = ""
    sealed: str = ""


def answer(sim: Simulation, flow: Flow, people: People) -> None:
    """Answer every step ``flow`` puts, as ``people`` would, time passing as it does."""
    match flow:
        case InvocationFlow():
            _invocation(sim, flow, people)
        case ExecutiveSignOffFlow():
            sim.later(minutes=25)
            sim.step(
                flow,
                {"by": _executive(sim), "method": "phone"},
            )
        case VerificationFlow():  # before RetrievalFlow, its base class
            _verification(sim, flow, people)
        case RetrievalFlow():
            _retrieval(sim, flow, people)
        case SessionFlow():
            _session(sim, flow, people)
        case NotifyApproverFlow():  # as soon as the session is over
            sim.step(flow, {"approver": independent(sim, people).name, "channel": "phone"})
        case DocumentationFlow():
            _documentation(sim, flow, people)
        case ResetFlow():
            sim.later(hours=2)
            credential(sim, flow, fail=people.reset_fails)
            destroy_old(sim, flow)
            sim.step(flow, {"confirm": True})
            people.sealed = str(flow.serial)
        case ReviewFlow():
            _review(sim, flow, people)
        case _:
            raise NotImplementedError(f"the simulated people have no answers for {flow.title}")


def credential(sim: Simulation, flow: ResetFlow | SealNewEnvelopeFlow, fail: bool = False) -> str:
    """Answer the credential steps of a reset or a new sealing; returns the first bag sealed.

    One new bag per copy is scanned, the sheets approved and printed (one
    password), the account updated and the test login made (with ``fail``
    the first test fails, the sheets are shredded and others printed), then
    each sheet sealed in its bag. The people keep each envelope's QR code
    (``sim.qr_of``) to scan it later.
    """
    bags: list[str] = []
    while flow.current == "bag":
        bag = sim.blank(exclude=bags)
        bags.append(bag)
        sim.step(flow, {"serial": sim.scan(bag)})
    sim.step(flow, {"confirm": True})
    if fail:
        sim.step(flow, {"account_updated": False, "login_ok": False})
        sim.step(
            flow,
            {
                "cause": "complexity",
                "resolution": "Password complexity rules checked with the identity team; "
                "a longer password was printed",
                "sheet_destroyed": True,
            },
        )
        sim.step(flow, {"confirm": True})
    sim.step(flow, {"account_updated": True, "login_ok": True})
    qrs = dict(flow.info.get("qr_by_serial") or {})
    for bag in bags:
        sim.later(minutes=3)
        sim.step(flow, {"sealed": True, "signed_across_seal": True, "serial": sim.scan(bag)})
        sim.qr_of[bag] = str(qrs.get(bag, flow.info["qr"]))
    return bags[0]


def destroy_old(sim: Simulation, flow: ResetFlow) -> None:
    """Destroy every dead envelope of the reset's account (opened, quarantined, superseded)."""
    while flow.current == "destroy":
        serial = flow.to_destroy()[0]
        sim.step(
            flow,
            {
                "serial": sim.scan(serial),
                "method": sim.journal_policy_method(),
                "witness": dict(WITNESS),
            },
        )


def _invocation(sim: Simulation, inv: InvocationFlow, people: People) -> None:
    state = sim.journal.state
    account = state.accounts[people.account]
    if inv.current == "details":  # a new declaration (else resumed at the acknowledgement)
        details: dict[str, Any] = {
            "declared_by": people.declarer,
            "declared_by_role": state.custodians[people.declarer].role,
            "system": account.system,
            "system_purpose": account.purpose,
            "account": account.id,
            "reason": REASON
            if not people.test
            else "Quarterly test of the break-glass procedure. "
            "The emergency is simulated and documented as a test.",
            "evidence": "Screenshot set INC-EVID-" + sim.clock.now().strftime("%Y%m%d%H%M"),
            "witness": dict(WITNESS),
        }
        if people.solo:
            details["solo_urgent"] = True
            details["solo_unavailable_reason"] = "The second custodian is abroad, not reachable."
            details["solo_urgency_reason"] = "Every user is locked out; it cannot wait."
        else:
            details["second_person"] = people.second
            details["second_person_role"] = state.custodians[people.second].role
        sim.step(inv, details)
        if people.unreachable:
            # Every designated approver is tried, each channel once between them.
            names = [a.name for a in sim.ctx.policy.approvers]
            for i, channel in enumerate(("phone", "messaging", "email")):
                sim.step(
                    inv,
                    {
                        "outcome": "attempt",
                        "approver": names[i % len(names)],
                        "channel": channel,
                        "attempt_outcome": "no-answer",
                    },
                )
                sim.later(minutes=8)
            sim.step(inv, {"outcome": "unreachable"})
        else:
            sim.later(minutes=4)
            sim.step(
                inv,
                {
                    "outcome": "approved",
                    "approver": independent(sim, people).name,
                    "channel": "phone",
                    "conditions": "Revert the policy only; no other changes.",
                    "followup_ref": "E-mail from the approver, " + sim.clock.now().strftime("%F"),
                },
            )
        sim.step(inv, {"confirm": True})
    ack: dict[str, Any] = {"declared_by_ack": True, "witness_present": True}
    if not people.solo:
        ack["second_person_ack"] = True
    sim.step(inv, ack)


def _retrieval(sim: Simulation, ret: RetrievalFlow, people: People) -> None:
    sim.later(minutes=10)
    sealed = sorted(e.serial for e in sim.journal.state.envelopes_for(people.account, "sealed"))
    first = sealed[0]
    sim.step(ret, {"serial": sim.scan(first)})
    opened = first
    if people.tamper:
        sim.step(ret, {**INTACT, "no_steaming": False, "photo_ref": f"PHOTO-{first}-1..4"})
        opened = str(ret.info["alternatives"][0])
        sim.step(ret, {"serial": sim.scan(opened)})
    sim.step(ret, INTACT)
    sim.step(ret, {"exterior_signed": True, "serial": sim.scan(opened)})
    sim.step(ret, {"qr": sim.scan(sim.qr_of[opened])})
    people.opened = opened
    acknowledge_openings(sim, people)


def acknowledge_openings(sim: Simulation, people: People) -> None:
    """Security (Lee, outside the incident) acknowledges the opening's alert with a key."""
    sim.later(minutes=5)
    for seq in opening_alerts(sim.ctx):
        sim.ctx.acknowledge_alert(seq, [security_of(sim, people)])


def security_of(sim: Simulation, people: People) -> str:
    """A custodian with the security duty who is not one of the incident's people."""
    state = sim.journal.state
    return next(
        c.id
        for c in state.custodians.values()
        if "security" in c.duties and not c.revoked and c.id not in (people.declarer, people.second)
    )


def independent(sim: Simulation, people: People) -> Approver:
    """The first designated approver who is not one of the incident's people."""
    state = sim.journal.state
    parties = {state.custodians[c].name for c in (people.declarer, people.second)}
    return next(a for a in sim.ctx.policy.approvers if a.name not in parties)


def _session(sim: Simulation, ses: SessionFlow, people: People) -> None:
    sim.later(minutes=6)
    if people.login_fails:
        sim.step(
            ses,
            {
                "outcome": "login-failed",
                "cause": "account-locked",
                "account_status_checked": True,
                "provider_contacted": True,
                "reference": "Provider case 4471-22",
            },
        )
        sim.later(minutes=12)
    if people.mfa_unavailable:
        sim.step(
            ses,
            {
                "outcome": "mfa-unavailable",
                "cause": "token-lost",
                "resolution": "backup-method",
                "reference": "Backup FIDO2 key from the envelope",
            },
        )
    sim.step(
        ses,
        {
            "outcome": "established",
            "baseline_ref": "Export of conditional access policies, baseline.json",
            "provider_session_ref": "Entra sign-in log: session 6f1c2e9a-4b7d",
            **(
                {"idp_alert_received": True}
                if sim.journal.state.accounts[people.account].idp_alerts
                else {}
            ),
        },
    )
    actions = [
        ("Reverted conditional access policy CA-014", "Policy back to its previous version"),
        ("Verified an administrator can sign in", "Sign-in succeeded"),
    ]
    if people.unauthorised:
        actions.append(("Reviewed mailbox permissions of the CFO", "Permissions listed"))
    for i, (what, outcome) in enumerate(actions):
        sim.later(minutes=3)
        outside = people.unauthorised and i == len(actions) - 1
        values: dict[str, Any] = {
            "action": what,
            "outcome": outcome,
            "narrated": True,
            "outside_reason": outside,
            "then": "another" if i < len(actions) - 1 else "logout",
        }
        if outside:
            values["justification"] = "Suspected the CFO account was involved"
        sim.step(ses, values)
    sim.later(minutes=2)
    sim.step(ses, {"post_change_ref": "Export of conditional access policies, after.json"})


def _documentation(sim: Simulation, doc: DocumentationFlow, people: People) -> None:
    sim.later(minutes=150 if people.late_documentation else 40)
    if people.exceed:
        sim.step(doc, {"exceeds": True})
        sim.step(
            doc,
            {
                "audit_log_ref": "Entra audit log export " + sim.clock.now().strftime("%F"),
                "description": "A group membership change is in the log but not the record",
                "investigation": "Both custodians confirmed it was part of the revert",
                "actions": [
                    {
                        "at": sim.clock.now() - dt.timedelta(minutes=45),
                        "action": "Removed the lockout group from policy CA-014",
                        "outcome": "Group removed",
                        "outside_reason": False,
                    }
                ],
            },
        )
    sim.step(doc, {"exceeds": False, "both_reviewed": True})
    sim.step(doc, {"confirm": True})


def _review(sim: Simulation, rev: ReviewFlow, people: People) -> None:
    state = sim.journal.state
    if rev.current == "review":
        sim.later(days=9 if people.late_review else 2)
        approver = independent(sim, people)
        system = state.accounts[people.account].system
        participants = [
            {
                "name": state.custodians[people.declarer].name,
                "role": "Custodian",
                "capacity": "invoker",
            },
            {"name": approver.name, "role": approver.role, "capacity": "approver"},
            {
                "name": state.custodians[security_of(sim, people)].name,
                "role": "Security Lead",
                "capacity": "security",
            },
            {"name": "Ari Novak", "role": f"Owner of {system}", "capacity": "system-owner"},
        ]
        if not people.solo:
            participants.insert(
                1,
                {
                    "name": state.custodians[people.second].name,
                    "role": "Custodian",
                    "capacity": "invoker",
                },
            )
        sim.step(
            rev,
            {
                "participants": participants,
                "prerequisites_met": True,
                "dual_control_followed": not people.solo,
                "only_necessary_actions": not people.unauthorised,
                "documentation_complete_and_signed": True,
                "credentials_reset": True,
                "audit_log_ref": "Entra sign-in and audit logs, incident window",
                "audit_log_outcome": "discrepancies" if people.unauthorised else "consistent",
                "root_cause": "configuration-error"
                if not people.unauthorised
                else "security-incident",
                "violations": people.unauthorised,
                "unexplained_actions": people.unauthorised,
                "findings": "Reviewed against the break-glass policy.",
                "security_reviewer": security_of(sim, people),
                "ticket_ref": "INC-" + sim.clock.now().strftime("%Y%m%d") + "-BG",
            },
        )
    if rev.current == "escalate":
        sim.step(
            rev,
            {
                "to": ["Security team", "Governance board"],
                "logs_preserved": True,
                "suspension_considered": True,
            },
        )


def _verification(sim: Simulation, ver: VerificationFlow, people: People) -> None:
    sim.later(hours=1)
    sim.step(ver, {"serial": sim.scan(people.sealed)})
    sim.step(ver, INTACT)
    sim.step(ver, {"exterior_signed": True, "serial": sim.scan(people.sealed)})
    sim.step(ver, {"qr": sim.scan(sim.qr_of[people.sealed])})
    acknowledge_openings(sim, people)
    if people.verification_fails:
        sim.step(
            ver,
            {
                "login_ok": False,
                "failure": "The identity provider refused the password on the sheet",
                "incident_login_logged": True,
                "test_login_logged": True,
                "change_logged": True,
            },
        )
        return
    sim.step(
        ver,
        {
            "login_ok": True,
            "incident_login_logged": True,
            "test_login_logged": True,
            "change_logged": True,
        },
    )
    fresh = sim.blank()
    sim.step(
        ver,
        {"serial": sim.scan(fresh), "signed_across_seal": True, "witness": dict(WITNESS)},
    )
    sim.qr_of[fresh] = sim.qr_of[people.sealed]


def _executive(sim: Simulation) -> dict[str, str]:
    """The executive who signs off solo access: the policy's last named approver."""
    return {"name": sim.ctx.policy.approvers[-1].name}
