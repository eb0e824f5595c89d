"""Forms that know what the terminal knows (issue 22): registered lists, fields that apply.

* a field chosen from a registered list offers what the journal's state
  holds (accounts and their systems, custodians' roles), and a closed list
  refuses a value the terminal does not know before anything runs;
* a field that applies only after another answer (the approver's outcome,
  the solo-access question, "outside the declared reason") is dropped when
  it does not apply: its value is never recorded.
"""

from __future__ import annotations

from typing import Any

from hardware.sim.simulation import Simulation
from kiosk.procedures import InvocationFlow, SessionFlow
from kiosk.procedures.fields import Field, When, applicable, text
from kiosk.procedures.lists import registered
from tests.kiosk.procedures.test_proc_rules import declared, details, ok


def test_the_registered_lists_come_from_the_journal(sim: Simulation) -> None:
    state = sim.ctx.journal.state
    accounts = dict(registered("accounts", state))
    assert set(accounts) == {a.id for a in state.accounts.values() if not a.retired}
    assert accounts["entra-01"] == "entra-01 — Microsoft Entra ID"
    systems = [v for v, _ in registered("systems", state)]
    assert "Microsoft Entra ID" in systems and len(systems) == len(set(systems))
    roles = [v for v, _ in registered("roles", state)]
    assert {c.role for c in state.custodians.values() if not c.revoked} == set(roles)


def test_the_invocation_offers_accounts_systems_and_roles(sim: Simulation) -> None:
    step = InvocationFlow(sim.ctx).step
    assert step.field("account").source == "accounts" and not step.field("account").free
    assert step.field("system").source == "systems" and step.field("system").free
    assert step.field("declared_by_role").source == "roles"


def test_an_account_not_in_the_closed_list_is_refused_before_anything_runs(
    sim: Simulation,
) -> None:
    flow = InvocationFlow(sim.ctx)
    before = sim.ctx.journal.head.seq
    result = flow.submit(details(sim, account="entra-99"))
    assert not result.ok and result.codes["account"] == "forms.not_registered"
    assert "entra-99" in result.errors["account"]
    assert "break-glass accounts" in result.errors["account"]
    assert sim.ctx.journal.head.seq == before and flow.current == "details"


def test_free_text_is_accepted_where_the_list_is_open(sim: Simulation) -> None:
    """A system in other words (the mapping rule needs them) and an acting role."""
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim, declared_by_role="Acting IT Director")))
    assert flow.info["details"]["declared_by_role"] == "Acting IT Director"


def test_a_retired_account_is_no_longer_offered(sim: Simulation) -> None:
    state = sim.ctx.journal.state
    account = state.accounts["entra-01"]
    account.retired = True  # as the journal's state would say after a retirement
    try:
        assert "entra-01" not in dict(registered("accounts", state))
    finally:
        account.retired = False


def test_which_fields_apply_follows_the_answers() -> None:
    fields = (
        Field("second", "Second", text(), False),
        Field("solo", "Solo", text(), False, applies=When("second", given=False)),
        Field("why", "Why", text(), False, applies=When("solo", ("yes",))),
        Field("role", "Role", text(), False, applies=When("second")),
    )
    assert applicable(fields, {"second": "sam"}) == {"second", "role"}
    assert applicable(fields, {"solo": "yes"}) == {"second", "solo", "why"}
    # "why" depends on "solo", which no longer applies once a second person is named
    assert applicable(fields, {"second": "sam", "solo": "yes"}) == {"second", "role"}
    assert applicable(fields, {"second": "  "}) == {"second", "solo"}


def _approval(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "outcome": "attempt",
        "approver": "Priya Raman",
        "channel": "messaging",
        "attempt_outcome": "no-answer",
        "conditions": "Only the tenant policy",
        "followup_ref": "MSG-1",
    }
    values.update(over)
    return values


def test_an_answer_that_does_not_apply_is_dropped_never_recorded(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    # an attempt: the conditions and the written follow-up belong to an approval
    result = ok(flow.submit(_approval()))
    (entry,) = [e for e in result.entries if e.kind == "approver.contacted"]
    assert entry.data["outcome"] == "no-answer"
    assert "followup_ref" not in entry.data and "conditions" not in str(entry.data)
    # an approval: what happened on an attempt does not apply
    result = ok(flow.submit(_approval(outcome="approved", channel="phone")))
    (entry,) = [e for e in result.entries if e.kind == "approver.contacted"]
    assert entry.data["outcome"] == "approved" and entry.data["followup_ref"] == "MSG-1"
    assert flow.approval is not None and flow.approval["conditions"] == "Only the tenant policy"


def test_solo_reasons_do_not_apply_with_a_second_person(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    ok(
        flow.submit(
            details(
                sim,
                solo_urgent=True,
                solo_unavailable_reason="Typed before the second person came.",
                solo_urgency_reason="Typed before the second person came.",
            )
        )
    )
    kept = flow.info["details"]
    assert "solo_urgent" not in kept and "solo_unavailable_reason" not in kept
    assert flow.info["solo"] is False


def test_a_justification_applies_only_to_an_action_outside_the_reason(sim: Simulation) -> None:
    flow = declared(sim)
    action = SessionFlow(sim.ctx, flow.incident).steps["action"]
    just = action.field("justification")
    assert just.applies is not None
    assert "justification" not in applicable(action.fields, {"outside_reason": False})
    assert "justification" in applicable(action.fields, {"outside_reason": True})


def test_a_field_that_applies_is_required_only_when_it_applies(sim: Simulation) -> None:
    """The approver and channel are asked of an attempt or an approval, not of "unreachable"."""
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    missing = flow.submit({"outcome": "attempt", "attempt_outcome": "no-answer"})
    assert missing.codes["approver"] == "procedure.field_missing"
    assert missing.codes["channel"] == "procedure.field_missing"
    unreachable = flow.submit({"outcome": "unreachable"})
    assert "approver" not in unreachable.codes and "channel" not in unreachable.codes
