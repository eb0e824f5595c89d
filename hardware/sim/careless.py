"""``sealroom simulate --scenario careless``: an incident done quietly wrong (issue 19).

Why: every rule of issue 19 must be visible to an auditor, not only refused
on screen. The custodians here do what the terminal lets them do but should
not — nobody from security acknowledges the opening, the session stays open
for five hours, an action is typed in with a time half an hour old, the
provider's sign-in alert never reached security, the approval came after
another approver's refusal — and, as an insider with a root shell would,
write straight into the journal what the screens refuse: an approval by the
declarer herself, an emergency exception two minutes after the first attempt,
and a review nobody from security signed. ``sealroom verify`` reports each
as a finding (:mod:`kiosk.rules.incident_findings`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from hardware.sim.people import INTACT, REASON, WITNESS, People, answer
from kiosk.format.clock import format_ts
from kiosk.procedures import (
    DocumentationFlow,
    InvocationFlow,
    ResetFlow,
    RetrievalFlow,
    SessionFlow,
)
from kiosk.procedures.navigation import reset_signers

if TYPE_CHECKING:
    from hardware.sim.simulation import Simulation


def careless(sim: Simulation, account: str = "entra-01") -> str:
    """Run the careless incident (and an insider's entries); returns its incident id."""
    state = sim.journal.state
    acc = state.accounts[account]
    people = People(account, "dana", "sam")
    inv = InvocationFlow(sim.ctx)
    sim.step(
        inv,
        {
            "declared_by": "dana",
            "declared_by_role": "IT Director",
            "second_person": "sam",
            "second_person_role": "COO",
            "system": acc.system,
            "system_purpose": acc.purpose,
            "account": account,
            "reason": REASON,
            "evidence": "Screenshot set CARELESS-1",
            "witness": dict(WITNESS),
        },
    )
    approvers = [a.name for a in sim.ctx.policy.approvers]
    sim.step(
        inv,
        {
            "outcome": "attempt",
            "approver": approvers[1],
            "channel": "phone",
            "attempt_outcome": "declined",
        },
    )
    sim.later(minutes=3)
    sim.step(inv, {"outcome": "approved", "approver": approvers[2], "channel": "email"})
    sim.step(inv, {"confirm": True})
    sim.step(inv, {"declared_by_ack": True, "second_person_ack": True, "witness_present": True})
    incident = inv.incident
    # Retrieval, and nobody from security acknowledges the opening's alert.
    ret = RetrievalFlow(sim.ctx, incident)
    serial = sorted(e.serial for e in state.envelopes_for(account, "sealed"))[0]
    sim.step(ret, {"serial": sim.scan(serial)})
    sim.step(ret, INTACT)
    sim.step(ret, {"exterior_signed": True, "serial": sim.scan(serial)})
    sim.step(ret, {"qr": sim.scan(sim.qr_of[serial])})
    people.opened = serial
    # A session left open for five hours, an action typed in half an hour late.
    ses = SessionFlow(sim.ctx, incident)
    values: dict[str, Any] = {
        "outcome": "established",
        "baseline_ref": "baseline.json",
        "provider_session_ref": "Entra sign-in log: session 0c1d",
    }
    if acc.idp_alerts:
        values["idp_alert_received"] = False
    sim.step(ses, values)
    sim.later(hours=5)
    sim.step(
        ses,
        {
            "at": sim.clock.now() - dt.timedelta(minutes=30),
            "action": "Reverted conditional access policy CA-014",
            "outcome": "Policy back to its previous version",
            "narrated": True,
            "outside_reason": False,
            "then": "logout",
        },
    )
    sim.step(ses, {"post_change_ref": "after.json"})
    answer(sim, DocumentationFlow(sim.ctx, incident), people)
    # the reset as the screens start it: one of the incident's people and security staff
    # from outside it (issue 18's separation of duties)
    inc = sim.journal.state.incidents.get(incident)
    by = ["dana", "sam"] if inc is None else reset_signers(sim.journal.state, inc)
    answer(sim, ResetFlow(sim.ctx, account, by, incident=incident), people)
    _insider(sim, incident)
    sim.incidents.append(("careless", incident))
    return incident


def _insider(sim: Simulation, incident: str) -> None:
    """What the screens refuse, written straight into the journal (a root shell's work)."""
    j = sim.journal
    now = sim.clock.now()
    # A review recorded without anyone's signature (security did not sign it).
    j.append(
        "review.completed",
        {
            "incident": incident,
            "participants": [{"name": "X", "role": "X"}],
            "checklist": {},
            "root_cause": "configuration-error",
            "corrective_actions": [],
            "escalated": False,
        },
    )
    # A second invocation: exception after two minutes, approved by the declarer herself.
    other = incident + "-X"
    j.append(
        "approver.contacted",
        {
            "incident": other,
            "approver": sim.ctx.policy.approvers[1].name,
            "channel": "phone",
            "at": format_ts(now),
            "outcome": "no-answer",
        },
    )
    sim.later(minutes=2)
    j.append(
        "exception.opened",
        {"incident": other, "exception": "approver-unreachable", "reason": "Nobody answered."},
    )
    dana = j.state.custodians["dana"]
    j.append(
        "invocation.declared",
        {
            "incident": other,
            "account": "entra-02",
            "record": {
                "declared_by": {"custodian": "dana", "name": dana.name, "role": dana.role},
                "second_person": None,
                "approver": {"name": dana.name, "role": dana.role, "method": "in-person"},
            },
        },
    )
