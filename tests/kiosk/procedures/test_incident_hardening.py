"""Issue 19: nothing used without trace, no deadline missed in silence.

One test per rule, each failing if the rule is removed, through the real flows
on a simulated terminal; then the careless scenario, whose every failure the
auditors' verifier reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hardware.sim.careless import careless
from hardware.sim.export import export_simulation
from hardware.sim.scenarios import emergency
from hardware.sim.simulation import Simulation
from kiosk.errors import SealroomError, TransitionError
from kiosk.format.clock import format_ts
from kiosk.procedures import (
    ExecutiveSignOffFlow,
    InvocationFlow,
    RetrievalFlow,
    ReviewFlow,
    SessionFlow,
)
from kiosk.procedures.framework import FORM
from kiosk.procedures.security_alerts import opening_alerts
from kiosk.state import due as deadlines
from kiosk.state.rules import rule_for
from kiosk.verify.bundle import verify_bundle
from tests.kiosk.procedures.test_proc_rules import (
    SIGNED_IN,
    acknowledged,
    details,
    logged_out,
    ok,
    reset_done,
    retrieved,
    reviewed_values,
    sealed,
    signed,
)

# -- every opening is known to security at once ----------------------------------------------


def test_an_opening_raises_an_alert_only_security_from_outside_can_acknowledge(
    sim: Simulation,
) -> None:
    incident = acknowledged(sim)
    jobs = len(sim.printer.jobs)
    retrieved(sim, incident)
    [seq] = opening_alerts(sim.ctx, incident)
    alert = sim.journal.state.alerts[seq]
    assert alert.alert == "envelope.opened" and not alert.acknowledged
    assert any(j.title.startswith("Terminal alert") for j in sim.printer.jobs[jobs:])
    # Not a custodian of the incident, and not one without the security duty.
    with pytest.raises(SealroomError) as party:
        sim.ctx.acknowledge_alert(seq, ["dana"])
    assert party.value.code in ("approval.no_duty", "transition.opening_ack_party")
    with pytest.raises(SealroomError):
        sim.ctx.acknowledge_alert(seq, ["kim"])  # no security duty
    sim.ctx.acknowledge_alert(seq, ["lee"])
    assert sim.journal.state.alerts[seq].acknowledged_by == "lee"


def test_an_opening_security_is_also_part_of_cannot_be_acknowledged_by_them(
    sim: Simulation,
) -> None:
    """Lee (security duty) declares: Lee cannot acknowledge their own opening."""
    incident = acknowledged(sim, declared_by="lee", declared_by_role="Security Lead")
    retrieved(sim, incident)
    [seq] = opening_alerts(sim.ctx, incident)
    with pytest.raises(SealroomError) as exc:
        sim.ctx.acknowledge_alert(seq, ["lee"])
    assert exc.value.code == "transition.opening_ack_party"


def test_an_unacknowledged_opening_is_overdue_after_the_policy_deadline(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    sim.later(minutes=sim.ctx.policy.opening_ack_minutes + 1)
    late = sim.ctx.check_deadlines()
    assert [e.data["detail"]["kind"] for e in late] == ["opening_ack"]


def test_a_provider_sign_in_alert_not_received_is_an_alert(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    flow = SessionFlow(sim.ctx, incident)
    values = {"outcome": "established", **SIGNED_IN}
    del values["idp_alert_received"]
    assert flow.submit(values).codes["idp_alert_received"] == "procedure.idp_alert_answer"
    res = ok(flow.submit({**values, "idp_alert_received": False}))
    assert [e.kind for e in res.entries] == ["session.started", "alert.raised"]
    assert res.entries[1].data["alert"] == "idp_alert.missing"


# -- sessions end ----------------------------------------------------------------------------


def test_a_session_past_its_limit_is_alerted_and_starts_the_clocks(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    ok(SessionFlow(sim.ctx, incident).submit({"outcome": "established", **SIGNED_IN}))
    started = sim.clock.now()
    limit = sim.ctx.policy.session_max_minutes
    sim.later(minutes=limit + 1)
    late = sim.ctx.check_deadlines()
    assert "session_limit" in [e.data["detail"]["kind"] for e in late]
    docs = [
        d for d in deadlines.compute(sim.journal.state, sim.ctx.policy) if d.kind == "documentation"
    ]
    assert docs and docs[0].starts == started + dt.timedelta(minutes=limit)


def test_no_reset_while_the_session_is_open(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    ok(SessionFlow(sim.ctx, incident).submit({"outcome": "established", **SIGNED_IN}))
    with pytest.raises(TransitionError) as exc:
        rule_for("credential.rotated").check(
            sim.journal.state,
            dataclasses.replace(
                sim.journal.entry(sim.journal.head.seq),  # type: ignore[arg-type]
                seq=sim.journal.head.seq + 1,
                kind="credential.rotated",
                data={"account": "entra-01", "new_serial": "SR00000000", "test_login_ok": True},
                attest=(),
            ),
        )
    assert exc.value.code == "transition.session_open"


def test_an_action_after_logout_is_refused(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    logged_out(sim, incident)
    with pytest.raises(TransitionError) as exc:
        sim.journal.append(
            "session.action",
            {
                "incident": incident,
                "at": format_ts(sim.clock.now()),
                "action": "one more thing",
                "outcome": "done",
                "outside_reason": False,
                "narrated": True,
            },
        )
    assert exc.value.code == "transition.action_after_logout"


# -- the approver is independent ---------------------------------------------------------------


def test_the_approver_cannot_be_one_of_the_incidents_people(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    party = flow.submit({"outcome": "approved", "approver": "Dana Whitfield", "channel": "email"})
    assert party.codes["approver"] == "procedure.approver_is_party"


def test_a_voice_approval_needs_its_written_follow_up(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    voice = flow.submit({"outcome": "approved", "approver": "Priya Raman", "channel": "phone"})
    assert voice.codes["followup_ref"] == "procedure.followup_required"
    res = ok(
        flow.submit(
            {
                "outcome": "approved",
                "approver": "Priya Raman",
                "channel": "phone",
                "followup_ref": "MAIL-7",
            }
        )
    )
    assert res.entries[0].data["contact"] == sim.ctx.policy.approvers[2].contact


def test_an_approval_after_another_approvers_refusal_is_flagged(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    ok(
        flow.submit(
            {
                "outcome": "attempt",
                "approver": "Sam Okafor",
                "channel": "email",
                "attempt_outcome": "declined",
            }
        )
    )
    res = ok(flow.submit({"outcome": "approved", "approver": "Priya Raman", "channel": "email"}))
    assert res.entries[0].data["after_refusal"] is True


# -- times cannot be backdated into compliance -------------------------------------------------


def _attempts(flow: InvocationFlow, at: dt.datetime | None) -> None:
    for name, channel in (
        ("Dana Whitfield", "phone"),
        ("Sam Okafor", "messaging"),
        ("Priya Raman", "email"),
    ):
        values: dict[str, Any] = {
            "outcome": "attempt",
            "approver": name,
            "channel": channel,
            "attempt_outcome": "no-answer",
        }
        if at is not None:
            values["at"] = at
        ok(flow.submit(values))


def test_the_fifteen_minutes_are_measured_by_the_journals_clock(sim: Simulation) -> None:
    sim.later(minutes=30)
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    sim.later(minutes=20)
    # Typed in as "20 minutes ago": allowed (after the flow began), marked, and no help.
    _attempts(flow, sim.clock.now() - dt.timedelta(minutes=20))
    attempt = sim.journal.entry(sim.journal.head.seq)
    assert attempt is not None and attempt.data["entered_late_minutes"] == 20
    assert flow.submit({"outcome": "unreachable"}).codes["outcome"] == (
        "procedure.attempts_too_short"
    )
    sim.later(minutes=15)
    ok(flow.submit({"outcome": "unreachable"}))


def test_a_typed_time_may_not_precede_the_flow(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    early = flow.submit(
        {
            "outcome": "attempt",
            "approver": "Sam Okafor",
            "channel": "phone",
            "attempt_outcome": "no-answer",
            "at": sim.clock.now() - dt.timedelta(minutes=1),
        }
    )
    assert early.codes["at"] == "procedure.before_flow_start"


# -- the review means something ---------------------------------------------------------------


@pytest.fixture
def ready(sim: Simulation) -> str:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    logged_out(sim, incident)
    signed(sim, incident)
    reset_done(sim, incident)
    return incident


def test_the_review_needs_security_from_outside_the_incident(sim: Simulation, ready: str) -> None:
    flow = ReviewFlow(sim.ctx, ready)
    for who in ("dana", "kim"):  # an invoker; no security duty
        res = flow.submit(reviewed_values(security_reviewer=who))
        assert res.codes["security_reviewer"] == "procedure.review_security"


def test_the_reviews_participants_are_the_incidents_people(sim: Simulation, ready: str) -> None:
    flow = ReviewFlow(sim.ctx, ready)
    xs = reviewed_values()
    xs["participants"] = [{**p, "name": "X"} for p in xs["participants"]]
    assert flow.submit(xs).codes["participants"] == "procedure.participants_repeat"
    wrong = reviewed_values()
    wrong["participants"][0]["name"] = "Somebody"
    assert flow.submit(wrong).codes["participants"] == "procedure.participant_unmatched"


def test_any_no_in_the_checklist_escalates(sim: Simulation, ready: str) -> None:
    res = ok(ReviewFlow(sim.ctx, ready).submit(reviewed_values(dual_control_followed=False)))
    assert res.entries[0].data["escalated"] is True
    assert res.entries[0].data["ticket_ref"] == "SNOW INC0012345"


def test_an_action_outside_the_reason_escalates(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    flow = SessionFlow(sim.ctx, incident)
    ok(flow.submit({"outcome": "established", **SIGNED_IN}))
    ok(
        flow.submit(
            {
                "action": "Looked at the CFO's mailbox",
                "outcome": "listed",
                "narrated": True,
                "outside_reason": True,
                "justification": "curious",
                "then": "logout",
            }
        )
    )
    ok(flow.submit({"post_change_ref": "no change made"}))
    signed(sim, incident)
    reset_done(sim, incident)
    res = ok(ReviewFlow(sim.ctx, incident).submit(reviewed_values()))
    assert res.entries[0].data["escalated"] is True
    assert any("outside the declared reason" in f for f in res.entries[0].data["flags"])


# -- solo access as the procedure says ---------------------------------------------------------


SOLO = {
    "second_person": None,
    "second_person_role": None,
    "solo_urgent": True,
    "account": "dc-local",
    "system": "Domain Controller",
    "declared_by": "kim",
    "declared_by_role": "Senior SysAdmin",
}


def test_solo_access_needs_both_reasons(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    res = flow.submit(details(sim, **SOLO))
    assert res.codes["solo_unavailable_reason"] == "procedure.solo_reasons"


def test_solo_access_proceeds_to_retrieval_and_the_executive_comes_from_the_list(
    sim: Simulation,
) -> None:
    incident = acknowledged(
        sim, **SOLO, solo_unavailable_reason="Away.", solo_urgency_reason="Down."
    )
    flow = RetrievalFlow(sim.ctx, incident)
    ok(flow.submit({"serial": sim.scan(sealed(sim, "dc-local")[0])}))  # no sign-off first
    sign = ExecutiveSignOffFlow(sim.ctx, incident)
    assert sign.step.field("by").choices == tuple(a.name for a in sim.ctx.policy.approvers)
    refused = sign.submit({"by": "The CEO", "method": "phone"})
    assert refused.codes["by"] == "integrity.not_an_approver"
    ok(sign.submit({"by": "Sam Okafor", "method": "phone"}))


def test_solo_signoff_first_is_a_policy_option(sim: Simulation) -> None:
    sim.ctx.policy = dataclasses.replace(sim.ctx.policy, solo_signoff_first=True)
    incident = acknowledged(
        sim, **SOLO, solo_unavailable_reason="Away.", solo_urgency_reason="Down."
    )
    res = RetrievalFlow(sim.ctx, incident).submit({"serial": sim.scan(sealed(sim, "dc-local")[0])})
    assert res.codes[FORM] == "procedure.signoff_first"


# -- the verifier reports each failure ----------------------------------------------------------


def test_the_careless_scenario_is_reported_finding_by_finding(
    sim: Simulation, tmp_path: Path
) -> None:
    careless(sim)
    bundle = export_simulation(sim, tmp_path / "stick").path
    result = verify_bundle(bundle)
    assert result.ok, result.errors
    codes = {f.code for f in result.findings}
    assert {
        "opening.unacknowledged",
        "session.too_long",
        "approver.party",
        "approver.attempts_short",
        "time.backdated",
        "review.not_security",
        "idp_alert.missing",
        "approver.after_refusal",
    } <= codes


def test_the_emergency_scenario_has_none_of_these_findings(sim: Simulation, tmp_path: Path) -> None:
    emergency(sim)
    opened = [a for a in sim.journal.state.alerts.values() if a.alert == "envelope.opened"]
    assert opened and all(a.acknowledged_by == "lee" for a in opened)
    result = verify_bundle(export_simulation(sim, tmp_path / "stick").path)
    mine = {
        "opening.unacknowledged",
        "session.too_long",
        "approver.party",
        "approver.attempts_short",
        "time.backdated",
        "review.not_security",
    }
    assert not mine & {f.code for f in result.findings}


# -- deadlines are judged whenever the terminal is used


def test_every_step_judges_the_deadlines_and_says_when(sim: Simulation) -> None:
    assert sim.ctx.last_judged is None or sim.ctx.last_judged <= sim.clock.now()
    sim.later(minutes=7)
    acknowledged(sim)
    assert sim.ctx.last_judged == sim.clock.now()
