"""The procedure's order (kiosk.procedures.navigation), without Qt: each branch names its flow.

Incidents are walked by asking :func:`next_flow` what comes next and letting
the simulated people (:func:`hardware.sim.people.answer`) answer that flow, so every
label below is one a person reads on the terminal's "Continue" button.
"""

from __future__ import annotations

from typing import Any

from hardware.sim.people import INTACT, People, answer
from hardware.sim.simulation import Simulation
from kiosk.procedures import InvocationFlow, RetrievalFlow, ReturnFlow, ReviewFlow, StandDownFlow
from kiosk.procedures.navigation import can_stand_down, left_out, next_flow, signers
from kiosk.state.incidents import Incident

#: A whole emergency after its declaration, as the navigation names it.
EMERGENCY = [
    "Check out and open the envelope",
    "Access session log",
    "Documentation and signing",
    "Credential reset and new envelope",
    "Post-incident review",
    "Verification after reset",
]


def incident(sim: Simulation, iid: str) -> Incident:
    inc = sim.journal.state.incidents.get(iid)
    assert inc is not None
    return inc


def follow(sim: Simulation, iid: str, people: People, until: str | None = None) -> list[str]:
    """Answer whatever the navigation names, until it names nothing (or ``until``)."""
    labels: list[str] = []
    while (nxt := next_flow(sim.journal.state, incident(sim, iid))) is not None:
        if nxt.label == until:
            break
        labels.append(nxt.label)
        assert len(labels) <= len(EMERGENCY) + 3, f"the navigation loops: {labels}"
        answer(sim, nxt.start(sim.ctx), people)
    return labels


def declared(sim: Simulation, people: People) -> str:
    """The people declare an invocation and both acknowledge it."""
    flow = InvocationFlow(sim.ctx, test=people.test)
    answer(sim, flow, people)
    return flow.incident


def test_following_the_navigation_alone_completes_an_emergency(sim: Simulation) -> None:
    people = People("entra-01", "dana", "sam")
    iid = declared(sim, people)
    assert follow(sim, iid, people) == EMERGENCY
    inc = incident(sim, iid)
    assert inc.reviewed_at is not None
    assert inc.rotated_at is not None
    assert inc.verified_at is not None
    assert inc.phase == "closed"
    assert sim.journal.state.accounts["entra-01"].rotation_due_since is None


def test_a_drill_ends_with_its_reset_verified(sim: Simulation) -> None:
    """A drill tests the reset too (issue 18): its verification follows, no review."""
    people = People("entra-01", "dana", "sam", test=True)
    iid = declared(sim, people)
    assert follow(sim, iid, people) == [*EMERGENCY[:4], "Verification after reset"]
    inc = incident(sim, iid)
    assert inc.test and inc.rotated_at is not None and inc.reviewed_at is None
    assert inc.verified_at is not None


def test_solo_access_proceeds_and_is_signed_off_after_the_session(
    sim: Simulation,
) -> None:
    """The procedure lets the retrieval proceed while the 1-hour sign-off runs (issue 19)."""
    people = People("dc-local", "dana", "kim", solo=True)
    iid = declared(sim, people)
    inc = incident(sim, iid)
    assert inc.people == ["dana"]  # one person declared: the account's two sign
    assert signers(sim.journal.state, inc) == ["dana", "kim"]
    assert follow(sim, iid, people) == [
        *EMERGENCY[:2],
        "Executive sign-off (solo access)",
        *EMERGENCY[2:],
    ]


def test_solo_access_signed_off_first_when_the_policy_says_so(sim: Simulation) -> None:
    people = People("dc-local", "dana", "kim", solo=True)
    iid = declared(sim, people)
    nxt = next_flow(sim.journal.state, incident(sim, iid), signoff_first=True)
    assert nxt is not None and nxt.label == "Executive sign-off (solo access)"


def test_an_unreachable_approver_is_notified_after_the_session(sim: Simulation) -> None:
    people = People("entra-01", "dana", "sam", unreachable=True)
    iid = declared(sim, people)
    assert follow(sim, iid, people) == [*EMERGENCY[:2], "Notify the approver", *EMERGENCY[2:]]
    assert incident(sim, iid).approver_notified_at is not None


def test_a_declaration_left_unacknowledged_is_acknowledged_first(sim: Simulation) -> None:
    people = People("entra-01", "dana", "sam")
    flow = InvocationFlow(sim.ctx)
    answers: list[dict[str, Any]] = [
        {
            "declared_by": "dana",
            "declared_by_role": "IT Director",
            "second_person": "sam",
            "second_person_role": "COO",
            "system": "Microsoft Entra ID",
            "system_purpose": "Identity provider",
            "account": "entra-01",
            "reason": "The tenant locked everyone out. Nobody can sign in to fix it.",
            "evidence": "Screenshots EV-1",
            "witness": {"name": "Robin Hale", "role": "Facilities Manager"},
        },
        {
            "outcome": "approved",
            "approver": "Priya Raman",
            "channel": "phone",
            "followup_ref": "MAIL-1",
        },
        {"confirm": True},
    ]
    for values in answers:
        assert flow.submit(values).ok
    nxt = next_flow(sim.journal.state, incident(sim, flow.incident))  # the terminal locked
    assert nxt is not None and nxt.label == "Both parties acknowledge the declaration"
    resumed = nxt.start(sim.ctx)
    assert isinstance(resumed, InvocationFlow) and resumed.current == "acknowledge"
    answer(sim, resumed, people)
    assert follow(sim, flow.incident, people, until=EMERGENCY[1]) == EMERGENCY[:1]


def test_an_envelope_left_out_goes_back_before_another_check_out(sim: Simulation) -> None:
    people = People("entra-01", "dana", "sam")
    iid = declared(sim, people)
    assert can_stand_down(sim.journal.state, incident(sim, iid))
    serial = sorted(e.serial for e in sim.journal.state.envelopes_for("entra-01", "sealed"))[0]
    assert RetrievalFlow(sim.ctx, iid).submit({"serial": sim.scan(serial)}).ok  # then a lock
    state, inc = sim.journal.state, incident(sim, iid)
    assert left_out(state, inc) == [serial]
    assert not can_stand_down(state, inc)  # not while an envelope is out of the safe
    nxt = next_flow(state, inc)
    assert nxt is not None
    assert nxt.label == (
        f"Return envelope {serial}, left checked out, to the safe (then check out again)"
    )
    back = nxt.start(sim.ctx)
    assert isinstance(back, ReturnFlow)
    assert back.submit({"serial": sim.scan(serial)}).ok
    again = {**INTACT, "reason": "The terminal locked", "continue_retrieval": True}
    assert back.submit(again).ok
    assert left_out(sim.journal.state, incident(sim, iid)) == []
    assert follow(sim, iid, people) == EMERGENCY  # checked out again, and on to the end
    assert incident(sim, iid).verified_at is not None


def test_a_stood_down_invocation_owes_the_approver_notice_then_the_review(
    sim: Simulation,
) -> None:
    people = People("entra-01", "dana", "sam", unreachable=True)
    iid = declared(sim, people)
    assert can_stand_down(sim.journal.state, incident(sim, iid))
    down = StandDownFlow(sim.ctx, iid)
    assert down.submit({"reason": "Normal access came back", "confirm": True}).ok
    assert not can_stand_down(sim.journal.state, incident(sim, iid))
    assert follow(sim, iid, people, until="Post-incident review") == ["Notify the approver"]
    nxt = next_flow(sim.journal.state, incident(sim, iid))
    assert nxt is not None and isinstance(nxt.start(sim.ctx), ReviewFlow)


def test_an_escalated_review_names_its_escalation_before_the_verification(
    sim: Simulation,
) -> None:
    people = People("entra-01", "dana", "sam")
    iid = declared(sim, people)
    assert follow(sim, iid, people, until="Post-incident review") == EMERGENCY[:4]
    review = ReviewFlow(sim.ctx, iid)
    findings = {
        "participants": [
            {"name": "Dana Whitfield", "role": "IT Director", "capacity": "invoker"},
            {"name": "Sam Okafor", "role": "COO", "capacity": "invoker"},
            {"name": "Priya Raman", "role": "Deputy IT Director", "capacity": "approver"},
            {"name": "Lee Park", "role": "Security Lead", "capacity": "security"},
            {"name": "Ari Novak", "role": "Owner", "capacity": "system-owner"},
        ],
        "prerequisites_met": True,
        "dual_control_followed": True,
        "only_necessary_actions": True,
        "documentation_complete_and_signed": True,
        "credentials_reset": True,
        "audit_log_ref": "logs",
        "audit_log_outcome": "consistent",
        "root_cause": "idp-outage",
        "violations": False,
        "unexplained_actions": True,
        "security_reviewer": "lee",
        "ticket_ref": "SNOW INC0012345",
    }
    assert review.submit(findings).ok  # recorded; then the terminal locked
    inc = incident(sim, iid)
    assert inc.escalated and inc.escalation_recorded_at is None
    assert follow(sim, iid, people) == ["Escalate the review's findings", EMERGENCY[-1]]
    inc = incident(sim, iid)
    assert inc.escalation_recorded_at is not None and inc.verified_at is not None
