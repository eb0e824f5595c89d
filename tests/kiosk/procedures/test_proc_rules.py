"""Every rule of the procedure engine, each with a test that fails if the rule goes.

The flows run against a real journal with simulated keys (real FIDO2
assertions), simulated scans and the simulated printer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from hardware.sim.people import WITNESS, People, answer
from hardware.sim.scenarios import drill, emergency
from hardware.sim.simulation import Simulation
from kiosk.errors import SealroomError, TransitionError
from kiosk.procedures import (
    FORM,
    Context,
    DocumentationFlow,
    ExecutiveSignOffFlow,
    InvocationFlow,
    ResetFlow,
    RetrievalFlow,
    ReturnFlow,
    ReviewFlow,
    SealNewEnvelopeFlow,
    SessionFlow,
    StandDownFlow,
    StockFlow,
    VerificationFlow,
    idp_gaps,
    inventory_rows,
)
from kiosk.procedures.framework import Result
from kiosk.procedures.navigation import reset_signers
from kiosk.state import due as deadlines
from kiosk.terminal.approvals import Approval

CHECK = {
    "seal_unbroken": True,
    "signatures_undisturbed": True,
    "no_tears_or_holes": True,
    "no_steaming": True,
}
REASON = "The tenant locked everyone out. Nobody can sign in to fix it."


def details(sim: Simulation, **over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "declared_by": "dana",
        "declared_by_role": "IT Director",
        "second_person": "sam",
        "second_person_role": "COO",
        "system": "Microsoft Entra ID",
        "system_purpose": "Identity provider",
        "account": "entra-01",
        "reason": REASON,
        "evidence": "Screenshots EV-1",
    }
    values.update(over)
    return {k: v for k, v in values.items() if v is not None}


def ok(result: Result) -> Result:
    assert result.ok, result.errors
    return result


def declared(sim: Simulation, **over: Any) -> InvocationFlow:
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim, **over)))
    ok(
        flow.submit(
            {
                "outcome": "approved",
                "approver": "Priya Raman",
                "channel": "phone",
                "followup_ref": "MAIL-1",
            }
        )
    )
    ok(flow.submit({"confirm": True}))
    return flow


def acknowledged(sim: Simulation, **over: Any) -> str:
    flow = declared(sim, **over)
    ack = {"declared_by_ack": True}
    if "second_person" not in over:
        ack["second_person_ack"] = True
    ok(flow.submit(ack))
    return flow.incident


def sealed(sim: Simulation, account: str) -> list[str]:
    return sorted(e.serial for e in sim.journal.state.envelopes_for(account, "sealed"))


def retrieved(sim: Simulation, incident: str, account: str = "entra-01") -> str:
    flow = RetrievalFlow(sim.ctx, incident)
    serial = sealed(sim, account)[0]
    ok(flow.submit({"serial": sim.scan(serial)}))
    ok(flow.submit(CHECK))
    ok(flow.submit({"exterior_signed": True, "serial": serial}))
    ok(flow.submit({"qr": sim.scan(sim.qr_of[serial])}))
    return serial


#: What a login to an account behind Entra ID records: the baseline and the
#: provider's sign-in session ID.
SIGNED_IN = {
    "baseline_ref": "baseline.json",
    "provider_session_ref": "3f2a9c1e-sign-in",
    "idp_alert_received": True,
}


#: A failed login to a locked account, its status checked and the provider called.
LOCKED_OUT = {
    "outcome": "login-failed",
    "cause": "account-locked",
    "account_status_checked": True,
    "provider_contacted": True,
}


def logged_out(sim: Simulation, incident: str) -> None:
    flow = SessionFlow(sim.ctx, incident)
    ok(flow.submit({"outcome": "established", **SIGNED_IN}))
    sim.later(minutes=5)
    ok(
        flow.submit(
            {
                "action": "Reverted CA-014",
                "outcome": "done",
                "narrated": True,
                "outside_reason": False,
                "then": "logout",
            }
        )
    )
    sim.later(minutes=6)
    ok(flow.submit({"post_change_ref": "after.json"}))


def signed(sim: Simulation, incident: str) -> None:
    flow = DocumentationFlow(sim.ctx, incident)
    ok(flow.submit({"exceeds": False, "both_reviewed": True}))
    ok(flow.submit({"confirm": True}))


def kinds(sim: Simulation, start: int = 1) -> list[str]:
    return [e.kind for e in sim.journal.entries(start)]


# -- flow framework ---------------------------------------------------------------------


def test_a_missing_required_field_records_nothing(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    before = sim.journal.head.seq
    result = flow.submit(details(sim, evidence=None))
    assert not result.ok and "evidence" in result.errors
    assert result.codes["evidence"] == "procedure.field_missing"
    assert sim.journal.head.seq == before and flow.current == "details"


def test_unknown_fields_and_finished_flows_are_refused(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    result = flow.submit({**details(sim), "shortcut": "skip"})
    assert result.codes["shortcut"] == "procedure.unknown_field"
    ok(flow.submit(details(sim)))
    assert flow.current == "approver"  # the only way on is through the approver step


def test_reason_must_be_two_to_three_sentences(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    result = flow.submit(details(sim, reason="Everything is broken."))
    assert result.codes["reason"] == "procedure.sentences"


def test_witness_is_required_when_policy_says_so(sim: Simulation) -> None:
    ctx = Context(
        sim.journal,
        dataclasses.replace(sim.ctx.policy, witness_required=True),
        sim.ctx.security_keys,
        sim.ctx.signatures,
        sim.ctx.paper,
    )
    result = InvocationFlow(ctx).submit(details(sim))
    assert result.codes["witness"] == "procedure.field_missing"
    assert InvocationFlow(ctx).submit(details(sim, witness=dict(WITNESS))).ok


# -- 1 invocation ----------------------------------------------------------------------------


def test_invocation_records_every_field_and_needs_both_acknowledgements(sim: Simulation) -> None:
    flow = declared(sim, witness=dict(WITNESS))
    decl = [e for e in sim.journal.entries() if e.kind == "invocation.declared"][-1]
    record = decl.data["record"]
    for key in (
        "declared_at",
        "timezone",
        "declared_by",
        "second_person",
        "witness",
        "system",
        "system_purpose",
        "reason",
        "evidence",
        "approver",
    ):
        assert record[key], key
    assert set(record["approver"]) == {
        "name",
        "role",
        "contact",
        "approved_at",
        "method",
        "conditions",
        "followup_ref",
    }
    # nothing else before both acknowledge: the retrieval flow refuses
    early = RetrievalFlow(sim.ctx, flow.incident).submit({"serial": sealed(sim, "entra-01")[0]})
    assert early.codes[FORM] == "procedure.not_acknowledged"
    assert flow.submit({"declared_by_ack": True}).codes["second_person_ack"]
    ok(flow.submit({"declared_by_ack": True, "second_person_ack": True, "witness_present": True}))
    ack = sim.journal.entry(sim.journal.head.seq)
    assert ack is not None and ack.kind == "invocation.acknowledged" and len(ack.attest) == 2


def test_approver_must_be_designated_and_exception_needs_15_minutes_of_attempts(
    sim: Simulation,
) -> None:
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    bad = flow.submit({"outcome": "approved", "approver": "Somebody Else", "channel": "phone"})
    assert bad.codes["approver"] == "procedure.choice"
    attempt = {"outcome": "attempt", "approver": "Dana Whitfield", "attempt_outcome": "no-answer"}
    ok(flow.submit({**attempt, "channel": "phone"}))
    assert flow.submit({"outcome": "unreachable"}).codes["outcome"] == "procedure.attempts_channels"
    sim.later(minutes=5)
    ok(flow.submit({**attempt, "channel": "messaging"}))
    ok(flow.submit({**attempt, "channel": "email"}))
    # "No approver is reachable": the second designated approver was not tried yet.
    untried = flow.submit({"outcome": "unreachable"})
    assert untried.codes["outcome"] == "procedure.attempts_approvers"
    assert "Sam Okafor" in untried.errors["outcome"]
    ok(flow.submit({**attempt, "approver": "Sam Okafor", "channel": "phone"}))
    ok(flow.submit({**attempt, "approver": "Priya Raman", "channel": "email"}))
    too_soon = flow.submit({"outcome": "unreachable"})
    assert too_soon.codes["outcome"] == "procedure.attempts_too_short"
    sim.later(minutes=11)
    ok(flow.submit({"outcome": "unreachable"}))
    ok(flow.submit({"confirm": True}))
    inc = sim.journal.state.incidents.get(flow.incident)
    assert inc is not None and len(inc.approver_attempts) == 5
    assert "approver-unreachable" in inc.exceptions
    # The approver is to be notified within 1 hour of completing the procedure:
    # nothing is due while the custodians are still at work.
    notice = {d.kind for d in deadlines.compute(sim.journal.state, sim.ctx.policy)}
    assert "approver_notice" not in notice


def test_an_approver_who_declined_is_no_emergency_exception(sim: Simulation) -> None:
    """A refusal is not "unreachable": the exception cannot be opened over it."""
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
    attempt = {"outcome": "attempt", "attempt_outcome": "no-answer"}
    for i, channel in enumerate(("phone", "messaging", "email")):
        name = ("Dana Whitfield", "Sam Okafor")[i % 2]
        ok(flow.submit({**attempt, "approver": name, "channel": channel}))
    ok(
        flow.submit(
            {**attempt, "approver": "Sam Okafor", "channel": "phone", "attempt_outcome": "declined"}
        )
    )
    sim.later(minutes=20)
    refused = flow.submit({"outcome": "unreachable"})
    assert refused.codes["outcome"] == "procedure.approver_declined"
    assert (
        "Sam Okafor" in refused.errors["outcome"] and "do not proceed" in refused.errors["outcome"]
    )
    assert flow.current == "approver"
    assert not any(e.kind == "exception.opened" for e in sim.journal.entries())


def test_unclear_account_mapping_uses_the_inventory(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    two = flow.submit(details(sim, account=None))  # two Entra accounts: unclear
    assert two.codes["account"] == "procedure.account_unclear"
    assert "entra-01" in two.errors["account"] and "entra-02" in two.errors["account"]
    wrong = flow.submit(details(sim, account="dc-local", second_person="kim"))
    assert wrong.codes["mapping_confirmed_by"] == "procedure.mapping_unconfirmed"
    one = InvocationFlow(sim.ctx).submit(
        details(sim, account=None, system="Domain Controller", second_person="kim")
    )
    assert one.ok


def test_both_persons_must_be_authorised_and_distinct(sim: Simulation) -> None:
    flow = InvocationFlow(sim.ctx)
    assert flow.submit(details(sim, second_person="kim")).codes["second_person"] == (
        "procedure.not_authorised"
    )
    assert flow.submit(details(sim, second_person="dana")).codes["second_person"] == (
        "procedure.same_person"
    )
    none = flow.submit(details(sim, second_person=None, second_person_role=None))
    assert none.codes["second_person"] == "procedure.second_person_missing"


# -- 2 retrieval -------------------------------------------------------------------------------


def test_wrong_envelope_is_refused(sim: Simulation) -> None:
    incident = acknowledged(sim)
    flow = RetrievalFlow(sim.ctx, incident)
    other = sealed(sim, "entra-02")[0]
    result = flow.submit({"serial": sim.scan(other)})
    assert result.codes["serial"] == "procedure.wrong_envelope"
    assert sim.journal.state.envelope_state(other) == "sealed"
    bad_digit = other[:-1] + str((int(other[-1]) + 1) % 10)
    assert flow.submit({"serial": bad_digit}).codes["serial"] == "scan.bad_check_digit"


def test_a_single_custodian_cannot_do_a_dual_step(sim: Simulation) -> None:
    incident = acknowledged(sim)
    serial = sealed(sim, "entra-01")[0]
    data = {"serial": serial, "account": "entra-01", "incident": incident}
    with pytest.raises(SealroomError) as exc:
        sim.ctx.dual("envelope.checked_out", data, ["dana", "dana"])
    assert exc.value.code == "procedure.two_people"

    class SameKeyTwice:
        def collect(self, approval: Approval, custodians: list[str]) -> None:
            for role in approval.roles:
                sim.terminal.sign(approval, "dana", role)

    lone = dataclasses.replace(sim.ctx, signatures=SameKeyTwice(), _listening=True)
    with pytest.raises(SealroomError) as exc2:
        lone.dual("envelope.checked_out", data, ["dana", "sam"])
    assert exc2.value.code in ("approval.same_person", "approval.same_key")
    assert sim.journal.state.envelope_state(serial) == "sealed"
    assert sim.journal.pending is None


def test_tampered_envelope_is_quarantined_alerted_and_never_opened(sim: Simulation) -> None:
    incident = acknowledged(sim)
    flow = RetrievalFlow(sim.ctx, incident)
    first, alternative = sealed(sim, "entra-01")
    ok(flow.submit({"serial": sim.scan(first)}))
    no_photo = flow.submit({**CHECK, "no_steaming": False})
    assert no_photo.codes["photo_ref"] == "procedure.photo_required"
    jobs = len(sim.printer.jobs)
    res = ok(flow.submit({**CHECK, "no_steaming": False, "photo_ref": "PH-1"}))
    assert [e.kind for e in res.entries][:2] == ["envelope.inspected", "alert.raised"]
    assert sim.journal.state.envelope_state(first) == "quarantined"
    assert any(j.title.startswith("Terminal alert") for j in sim.printer.jobs[jobs:])
    assert flow.current == "checkout" and flow.info["alternatives"] == [alternative]
    with pytest.raises(TransitionError):  # the journal itself refuses to open it
        sim.ctx.dual(
            "envelope.opened",
            {"serial": first, "incident": incident, "exterior_signed": True},
            ["dana", "sam"],
        )
    ok(flow.submit({"serial": sim.scan(alternative)}))
    ok(flow.submit(CHECK))
    assert flow.submit({"exterior_signed": False, "serial": alternative}).codes[
        "exterior_signed"
    ] == ("procedure.must_confirm")
    res = ok(flow.submit({"exterior_signed": True, "serial": alternative}))
    opened = next(e for e in res.entries if e.kind == "envelope.opened")
    assert opened is not None and opened.kind == "envelope.opened" and len(opened.attest) == 2


def test_no_alternative_envelope_ends_the_retrieval(sim: Simulation) -> None:
    incident = acknowledged(sim)
    flow = RetrievalFlow(sim.ctx, incident)
    for serial in sealed(sim, "entra-01"):
        ok(flow.submit({"serial": sim.scan(serial)}))
        ok(flow.submit({**CHECK, "seal_unbroken": False, "photo_ref": "PH"}))
    assert flow.done and flow.info["outcome"] == "no-alternative"


def test_sheet_qr_must_belong_to_the_envelope(sim: Simulation) -> None:
    incident = acknowledged(sim)
    flow = RetrievalFlow(sim.ctx, incident)
    serial = sealed(sim, "entra-01")[0]
    ok(flow.submit({"serial": serial}))
    ok(flow.submit(CHECK))
    ok(flow.submit({"exterior_signed": True, "serial": serial}))
    other = sealed(sim, "entra-02")[0]
    assert flow.submit({"qr": sim.qr_of[other]}).codes["qr"] == "procedure.sheet_mismatch"
    forged = sim.qr_of[serial][:-4] + "AAAA"
    assert flow.submit({"qr": forged}).codes["qr"] == "scan.qr_bad_mac"
    ok(flow.submit({"qr": sim.qr_of[serial]}))


# -- 3 session ---------------------------------------------------------------------------------


def test_session_rules(sim: Simulation) -> None:
    incident = acknowledged(sim)
    early = SessionFlow(sim.ctx, incident).submit({"outcome": "established", "baseline_ref": "b"})
    assert early.codes[FORM] == "procedure.phase_incomplete"
    retrieved(sim, incident)
    flow = SessionFlow(sim.ctx, incident)
    assert flow.submit({"outcome": "established"}).codes["baseline_ref"] == (
        "procedure.baseline_required"
    )
    no_session = flow.submit({"outcome": "established", "baseline_ref": "baseline.json"})
    assert no_session.codes["provider_session_ref"] == "procedure.provider_session_required"
    assert "Microsoft Entra ID" in no_session.errors["provider_session_ref"]
    ok(flow.submit({"outcome": "established", **SIGNED_IN}))
    started = sim.journal.entry(sim.journal.head.seq)
    assert started is not None and started.data["provider_session_ref"] == "3f2a9c1e-sign-in"
    sim.later(minutes=4)
    action = {"action": "Looked around", "outcome": "nothing", "narrated": True, "then": "logout"}
    assert flow.submit(action).codes["outside_reason"] == "procedure.field_missing"
    outside = flow.submit({**action, "outside_reason": True})
    assert outside.codes["justification"] == "procedure.justification_required"
    ok(flow.submit({**action, "outside_reason": True, "justification": "needed to check"}))
    sim.later(minutes=7)
    assert flow.submit({}).codes["post_change_ref"] == "procedure.field_missing"
    ok(flow.submit({"post_change_ref": "CA policies export after the change, after.json"}))
    ended = sim.journal.entry(sim.journal.head.seq)
    assert ended is not None and ended.data["duration_minutes"] == 11
    assert ended.data["post_change_ref"].startswith("CA policies export")
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.actions_outside_reason == 1


def test_login_fails_and_mfa_unavailable_paths(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    flow = SessionFlow(sim.ctx, incident)
    unchecked = flow.submit(
        {"outcome": "login-failed", "cause": "account-locked", "provider_contacted": True}
    )
    assert unchecked.codes["account_status_checked"] == "procedure.status_check_required"
    ok(flow.submit({**LOCKED_OUT, "reference": "case 1"}))
    bad = flow.submit({"outcome": "mfa-unavailable", "cause": "token-lost", "resolution": "pray"})
    assert bad.codes["resolution"] == "procedure.choice"
    ok(
        flow.submit(
            {"outcome": "mfa-unavailable", "cause": "token-lost", "resolution": "backup-method"}
        )
    )
    assert flow.current == "start"
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.access_problems == ["login-failed", "mfa-unavailable"]


# -- 4 documentation ----------------------------------------------------------------------------


def test_documentation_signs_the_record_hash_and_flags_lateness(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    early = DocumentationFlow(sim.ctx, incident).submit({"exceeds": False, "both_reviewed": True})
    assert early.codes[FORM] == "procedure.phase_incomplete"
    logged_out(sim, incident)
    flow = DocumentationFlow(sim.ctx, incident)
    assert flow.deadline is not None and flow.deadline.status(sim.clock.now()) == "open"
    sim.later(hours=3)  # past the 2 hours
    first = sim.journal.head.seq + 1
    ok(flow.submit({"exceeds": False, "both_reviewed": True}))
    res = ok(flow.submit({"confirm": True}))
    late = [
        e
        for e in sim.journal.entries(first)
        if e.kind == "session.signed"
        or (e.kind == "alert.raised" and e.data["detail"].get("kind") == "documentation")
    ]
    # the overdue deadline is alerted (and its slip printed) before the late signature
    assert [e.kind for e in late] == ["alert.raised", "session.signed"]
    assert late[0].data["detail"]["deadline"] == f"documentation:{incident}"
    assert sim.ctx.check_deadlines() == []
    signed_entry = next(e for e in res.entries if e.kind == "session.signed")
    assert signed_entry.data["record_hash"] == flow.info["record_hash"]
    assert signed_entry.data["summary"]["late_minutes"] >= 59
    assert len(signed_entry.attest) == 2
    assert any(j.title.startswith("Break-glass session record") for j in sim.printer.jobs)


def test_actions_exceeding_documentation_are_reconstructed(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    logged_out(sim, incident)
    flow = DocumentationFlow(sim.ctx, incident)
    ok(flow.submit({"exceeds": True}))
    ok(
        flow.submit(
            {
                "audit_log_ref": "audit export",
                "description": "a group change",
                "investigation": "confirmed",
                "actions": [
                    {
                        "at": sim.clock.now() - dt.timedelta(minutes=8),
                        "action": "Removed group",
                        "outcome": "removed",
                        "outside_reason": False,
                    }
                ],
            }
        )
    )
    ok(flow.submit({"exceeds": False, "both_reviewed": True}))
    record = flow.info["record"]
    assert len(record["discrepancies"]) == 1
    assert [a.get("source") for a in record["actions"]].count("audit-log") == 1


def test_access_never_obtained_is_concluded_documented_and_reset(sim: Simulation) -> None:
    """Login keeps failing: the attempt ends on record, and the incident goes on from there."""
    incident = acknowledged(sim)
    retrieved(sim, incident)
    flow = SessionFlow(sim.ctx, incident)
    before = sim.journal.head.seq
    early = flow.submit({"outcome": "not-obtained"})
    assert early.codes["outcome"] == "procedure.no_access_problem"
    assert sim.journal.head.seq == before  # nothing recorded
    ok(flow.submit({**LOCKED_OUT, "reference": "CASE-4411"}))
    assert flow.current == "start"
    sim.later(minutes=10)
    ok(flow.submit({"outcome": "not-obtained"}))
    assert flow.done
    ended = sim.journal.entry(sim.journal.head.seq)
    assert ended is not None and ended.kind == "session.ended"
    assert ended.data["established"] is False and ended.data["duration_minutes"] == 0
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.session_ended_at is not None
    windows = {
        d.kind
        for d in deadlines.compute(sim.journal.state, sim.ctx.policy)
        if d.subject == incident
    }
    assert "documentation" in windows  # 2 hours from concluding the attempt
    doc = DocumentationFlow(sim.ctx, incident)
    ok(doc.submit({"exceeds": False, "both_reviewed": True}))
    record = doc.info["record"]
    assert record["logout"]["established"] is False and record["access"] == {}
    assert [p["cause"] for p in record["access_problems"]] == ["account-locked"]
    ok(doc.submit({"confirm": True}))  # signed and printed
    assert inc.signed_at is not None
    # The envelope was opened: its password is spent, and the reset is next.
    ResetFlow(sim.ctx, "entra-01", ["dana", "sam"], incident=incident)


# -- 5 reset -------------------------------------------------------------------------------------


def test_rotation_that_never_happens_is_flagged_once(sim: Simulation) -> None:
    incident = acknowledged(sim)
    serial = retrieved(sim, incident)
    rot = [
        d
        for d in deadlines.compute(sim.journal.state, sim.ctx.policy)
        if d.kind == "rotation" and d.subject == serial
    ]
    assert rot and rot[0].met_at is None
    sim.later(hours=sim.ctx.policy.rotation_hours + 1)
    first = sim.ctx.check_deadlines()
    assert f"rotation:{serial}" in [e.data["detail"]["deadline"] for e in first]
    assert sim.ctx.check_deadlines() == []  # once
    rows = {
        r.account: r for r in inventory_rows(sim.journal.state, sim.ctx.policy, sim.clock.now())
    }
    assert rows["entra-01"].status == "rotation due"


#: the reset after an incident of dana and sam: one of them and security staff from outside
RESET_BY = ["dana", "lee"]
SHREDDER = {"method": "cross-cut shredder", "witness": dict(WITNESS)}


def test_reset_rules(sim: Simulation) -> None:
    with pytest.raises(SealroomError) as exc:
        ResetFlow(sim.ctx, "entra-01", RESET_BY)
    assert exc.value.code == "procedure.rotation_not_due"
    incident = acknowledged(sim)
    old = retrieved(sim, incident)
    sibling = next(
        e.serial for e in sim.journal.state.envelopes_for("entra-01", "sealed") if e.serial != old
    )
    logged_out(sim, incident)
    signed(sim, incident)
    flow = ResetFlow(sim.ctx, "entra-01", RESET_BY, incident=incident)
    used = flow.submit({"serial": old})
    assert used.codes["serial"] == "scan.serial_used"
    # One credential, many copies: a bag per copy (the policy's two), then one approval.
    bag = sim.blank()
    ok(flow.submit({"serial": bag}))
    assert flow.current == "bag"
    assert flow.submit({"serial": bag}).codes["serial"] == "envelope.serial_twice"
    bag2 = sim.blank(exclude=[bag])
    ok(flow.submit({"serial": bag2}))
    assert flow.current == "print_sheet"
    jobs = len(sim.printer.jobs)
    printed = ok(flow.submit({"confirm": True}))
    approval = printed.entries[0]
    assert approval.kind == "credential.approved" and len(approval.attest) == 2
    assert approval.data["serials"] == [bag, bag2]
    assert {a["custodian"] for a in approval.attest} == {"dana", "lee"}
    sheets = [e for e in printed.entries if e.kind == "sheet.printed"]
    assert [e.data["serial"] for e in sheets] == [bag, bag2]
    assert {e.data["credential"] for e in sheets} == {approval.data["credential"]}
    assert all(e.data["approved_seq"] == approval.seq for e in sheets)
    new_jobs = sim.printer.jobs[jobs:]
    assert len(new_jobs) == 2
    assert all(j.sensitive and j.pdf is None for j in new_jobs)  # print-only: nothing kept
    ok(flow.submit({"account_updated": True, "login_ok": False}))
    assert flow.current == "reset_failed"
    ok(flow.submit({"cause": "complexity", "resolution": "identity team", "sheet_destroyed": True}))
    assert flow.current == "print_sheet"
    again = ok(flow.submit({"confirm": True}))
    assert again.entries[0].data["credential"] != approval.data["credential"]  # a new password
    ok(flow.submit({"account_updated": True, "login_ok": True}))
    other = sim.blank(exclude=[bag, bag2])
    assert flow.submit({"sealed": True, "signed_across_seal": True, "serial": other}).codes[
        "serial"
    ] == ("procedure.not_this_envelope")
    ok(flow.submit({"sealed": True, "signed_across_seal": True, "serial": bag}))
    assert flow.current == "seal"
    state = sim.journal.state
    # The first copy of the new credential supersedes the old one still in the safe.
    assert state.envelope_state(sibling) == "superseded"
    ok(flow.submit({"sealed": True, "signed_across_seal": True, "serial": bag2}))
    assert state.envelope_state(bag) == state.envelope_state(bag2) == "sealed"
    assert state.envelopes[bag].credential == state.envelopes[bag2].credential
    assert flow.current == "destroy" and flow.to_destroy() == sorted([old, sibling])
    assert flow.submit({"serial": old}).codes["witness"] == "procedure.field_missing"
    bad = flow.submit({"serial": old, "method": "scissors", "witness": dict(WITNESS)})
    assert "method" in bad.codes
    ok(flow.submit({"serial": old, **SHREDDER}))
    assert flow.current == "destroy"
    ok(flow.submit({"serial": sibling, **SHREDDER}))
    assert flow.current == "inventory"
    ok(flow.submit({"confirm": True}))
    rotated = sim.journal.entry(sim.journal.head.seq)
    assert rotated is not None and rotated.kind == "credential.rotated"
    assert rotated.data["new_serial"] == bag and rotated.data["old_serial"] == old
    assert rotated.data["performed_by"] == ["Dana Whitfield", "Lee Park"]
    assert state.envelope_state(old) == state.envelope_state(sibling) == "destroyed"
    assert "password" not in str([e.data for e in sim.journal.entries()]).lower().replace(
        "print-only password", ""
    )


def test_the_incident_people_never_seal_the_new_credential_alone(sim: Simulation) -> None:
    """Separation of duties: the sealing and the rotation need security staff from outside."""
    incident = acknowledged(sim)
    retrieved(sim, incident)
    logged_out(sim, incident)
    signed(sim, incident)
    flow = ResetFlow(sim.ctx, "entra-01", ["dana", "sam"], incident=incident)
    ok(flow.submit({"serial": sim.blank()}))
    ok(flow.submit({"serial": sim.blank(exclude=flow.serials)}))
    jobs = len(sim.printer.jobs)
    refused = flow.submit({"confirm": True})
    assert refused.codes[FORM] == "credential.separation"
    assert "security" in refused.errors[FORM]
    assert len(sim.printer.jobs) == jobs  # nothing printed without the approval
    # Security staff who took part in the incident is no better: Lee was not; Sam was.
    state = sim.journal.state
    inc = state.incidents.get(incident)
    assert inc is not None and set(inc.people) == {"dana", "sam"}
    assert navigation_reset_signers(sim, incident) == ["dana", "lee"]


def navigation_reset_signers(sim: Simulation, incident: str) -> list[str]:
    from kiosk.procedures.navigation import reset_signers

    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None
    return reset_signers(sim.journal.state, inc)


def _sealed_new_envelope(sim: Simulation, incident: str) -> tuple[ResetFlow, str]:
    flow = ResetFlow(sim.ctx, "entra-01", RESET_BY, incident=incident)
    bags = [sim.blank()]
    bags.append(sim.blank(exclude=bags))
    for bag in bags:
        ok(flow.submit({"serial": bag}))
    ok(flow.submit({"confirm": True}))
    ok(flow.submit({"account_updated": True, "login_ok": True}))
    for bag in bags:
        ok(flow.submit({"sealed": True, "signed_across_seal": True, "serial": bag}))
    return flow, bags[0]


def test_reset_interrupted_after_its_seal_is_finished_later(sim: Simulation) -> None:
    """The new envelope alone does not finish the reset: it resumes where it stopped."""
    incident = acknowledged(sim)
    old = retrieved(sim, incident)
    sibling = next(
        e.serial for e in sim.journal.state.envelopes_for("entra-01", "sealed") if e.serial != old
    )
    logged_out(sim, incident)
    signed(sim, incident)
    first, bag = _sealed_new_envelope(sim, incident)
    assert first.current == "destroy"
    # The terminal locks here (the flow object is lost). Nothing is finished:
    state = sim.journal.state
    assert state.accounts["entra-01"].rotation_due_since is not None
    assert state.incidents.get(incident).rotated_at is None  # type: ignore[union-attr]
    rotation = [
        d
        for d in deadlines.compute(state, sim.ctx.policy)
        if d.kind == "rotation" and d.subject == old
    ]
    assert rotation[0].met_at is None
    # Starting the reset again goes on at destroying the old envelopes.
    again = ResetFlow(sim.ctx, "entra-01", RESET_BY, incident=incident)
    assert again.current == "destroy" and again.serial == bag
    ok(again.submit({"serial": old, **SHREDDER}))
    ok(again.submit({"serial": sibling, **SHREDDER}))
    # Interrupted once more, after the destruction: it goes on at the inventory.
    last = ResetFlow(sim.ctx, "entra-01", RESET_BY, incident=incident)
    assert last.current == "inventory" and last.serial == bag
    ok(last.submit({"confirm": True}))
    rotated = sim.journal.entry(sim.journal.head.seq)
    assert rotated is not None and rotated.kind == "credential.rotated"
    assert (rotated.data["new_serial"], rotated.data["old_serial"]) == (bag, old)
    assert state.accounts["entra-01"].rotation_due_since is None
    assert state.incidents.get(incident).rotated_at is not None  # type: ignore[union-attr]
    with pytest.raises(SealroomError) as exc:
        ResetFlow(sim.ctx, "entra-01", RESET_BY, incident=incident)
    assert exc.value.code == "procedure.rotation_not_due"


def test_a_new_envelope_on_its_own_is_refused_while_a_reset_is_due(sim: Simulation) -> None:
    """Sealing an extra envelope is no way round the reset: the old password is still about."""
    SealNewEnvelopeFlow(sim.ctx, "entra-01", ["dana", "sam"])  # nothing opened: allowed
    incident = acknowledged(sim)
    retrieved(sim, incident)
    with pytest.raises(SealroomError) as exc:
        SealNewEnvelopeFlow(sim.ctx, "entra-01", ["dana", "sam"])
    assert exc.value.code == "procedure.rotation_due"
    assert "Credential reset" in exc.value.user_message()


def test_a_sheet_that_does_not_print_is_void_and_recorded(sim: Simulation) -> None:
    """A print failure after ``sheet.printed`` is journaled, and that sheet can never be sealed."""
    incident = acknowledged(sim)
    retrieved(sim, incident)
    logged_out(sim, incident)
    signed(sim, incident)
    flow = ResetFlow(sim.ctx, "entra-01", RESET_BY, incident=incident)
    bag = sim.blank()
    ok(flow.submit({"serial": bag}))
    bag2 = sim.blank(exclude=[bag])
    ok(flow.submit({"serial": bag2}))
    sim.printer.fail_next.append("print.paper_out")
    failed = flow.submit({"confirm": True})
    assert not failed.ok and failed.codes[FORM] == "procedure.sheet_not_printed"
    message = failed.errors[FORM]
    assert "SHEET-" in message and "out of paper" in message and "shred" in message
    assert flow.current == "print_sheet"  # printing again is the way on
    approval, printed, void = failed.entries
    assert approval.kind == "credential.approved"
    assert (printed.kind, void.kind) == ("sheet.printed", "sheet.print_failed")
    assert void.data["sheet_seq"] == printed.seq
    assert void.data["reason"] == "print.paper_out"
    assert void.data["sheet_ref"] == printed.data["sheet_ref"]
    assert void.data["incident"] == incident
    assert sim.journal.state.sheets[printed.seq].void
    # Sealing the void sheet is refused by the state, whoever asks.
    sealed = {"serial": bag, "account": "entra-01", "sheet": printed.hash}
    with pytest.raises(TransitionError, match="did not print"):
        sim.ctx.dual("envelope.registered", {**sealed, "signed_across_seal": True}, RESET_BY)
    # Its failure is recorded once, and only against a printed sheet.
    for bad in ({"sheet_seq": printed.seq}, {"sheet_seq": void.seq}, {"sheet_ref": "SHEET-9"}):
        with pytest.raises(TransitionError):
            sim.journal.append("sheet.print_failed", {**void.data, **bad})
    # Printing again gives a new sheet, which is the one sealed.
    ok(flow.submit({"confirm": True}))
    again = sim.journal.entry(flow.info["sheet_seq"])
    assert again is not None and again.data["sheet_ref"] != printed.data["sheet_ref"]
    ok(flow.submit({"account_updated": True, "login_ok": True}))
    ok(flow.submit({"sealed": True, "signed_across_seal": True, "serial": bag}))
    assert sim.journal.state.envelopes[bag].sheet == flow.sheets[bag]
    assert again.data["serial"] == bag2 and flow.sheets[bag2] == again.hash


# -- 6 review, 7 verification ---------------------------------------------------------------------


def reviewed_values(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
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
        "unexplained_actions": False,
        "security_reviewer": "lee",
        "ticket_ref": "SNOW INC0012345",
    }
    values.update(over)
    return values


def reset_done(sim: Simulation, incident: str) -> None:
    """The incident's credential reset, answered as the simulated people do."""
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.envelope_opened is not None
    people = People(str(inc.account), "dana", "sam")
    people.opened = inc.envelope_opened
    by = reset_signers(sim.journal.state, inc)  # with security staff from outside it
    answer(sim, ResetFlow(sim.ctx, str(inc.account), by, incident=incident), people)


def test_review_rules_and_escalation(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    logged_out(sim, incident)
    signed(sim, incident)
    flow = ReviewFlow(sim.ctx, incident)
    assert flow.deadline is not None
    # The review requires the credential reset to be done (issue 19).
    early = flow.submit(reviewed_values())
    assert early.codes[FORM] == "procedure.review_reset_first"
    reset_done(sim, incident)
    no_owner = reviewed_values()
    no_owner["participants"] = no_owner["participants"][:-1]
    assert flow.submit(no_owner).codes["participants"] == "procedure.participants"
    res = ok(flow.submit(reviewed_values(unexplained_actions=True)))
    review = res.entries[0]
    assert review.data["corrective_actions"] == [
        "Implement redundant IdP or offline access capability"
    ]
    assert review.data["escalated"] is True and flow.current == "escalate"
    # The alert (and its slip) goes out with the review: a lock now loses nothing.
    assert [e.kind for e in res.entries] == ["review.completed", "alert.raised"]
    # Signed by the security reviewer and both invokers, with their keys.
    assert [a["custodian"] for a in review.attest] == ["lee", "dana", "sam"]
    resumed = ReviewFlow(sim.ctx, incident)  # the terminal locked: started again
    assert resumed.current == "escalate"
    ok(
        resumed.submit(
            {
                "to": ["Security", "Governance"],
                "logs_preserved": True,
                "suspension_considered": True,
            }
        )
    )
    assert kinds(sim, sim.journal.head.seq) == ["review.escalated"]
    assert ReviewFlow(sim.ctx, incident).current == "review"  # nothing left to resume


def test_verification_needs_a_complete_chain(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    with pytest.raises(SealroomError) as exc:
        VerificationFlow(sim.ctx, incident, ["dana", "sam"])
    assert exc.value.code == "procedure.phase_incomplete"


# -- 8 check-in ------------------------------------------------------------------------------------


def test_return_an_unopened_envelope_and_receive_stock(sim: Simulation) -> None:
    incident = acknowledged(sim)
    flow = RetrievalFlow(sim.ctx, incident)
    serial = sealed(sim, "entra-01")[0]
    ok(flow.submit({"serial": serial}))
    back = ReturnFlow(sim.ctx, incident)
    assert back.submit({"serial": sealed(sim, "entra-01")[0]}).codes["serial"] == (
        "scan.wrong_state"
    )
    ok(back.submit({"serial": serial}))
    values = {**CHECK, "reason": "Normal access came back"}
    assert back.submit(values).codes["continue_retrieval"] == "procedure.field_missing"
    ok(back.submit({**values, "continue_retrieval": False}))
    assert sim.journal.state.envelope_state(serial) == "sealed"
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.returned_at is not None  # the invocation ended here
    stock = StockFlow(sim.ctx)
    dup = stock.submit({"serials": ["SR00004440", "SR00004440"]})
    assert dup.codes["serials"] == "procedure.duplicate_serial"
    assert stock.submit({"serials": [serial]}).codes["serials"] == "scan.serial_used"


# -- 9 drill, 10 solo ------------------------------------------------------------------------------


def test_drill_entries_are_all_marked_test(sim: Simulation) -> None:
    incident = drill(sim, "dc-local")
    marked = [
        e
        for e in sim.journal.entries()
        if e.data.get("incident") == incident and not e.kind.startswith("alert.")
    ]
    assert marked and all(e.data.get("test") is True for e in marked)
    assert sim.journal.state.accounts["dc-local"].last_tested is not None
    with pytest.raises(TransitionError):  # an unmarked entry for a drill is refused
        sim.journal.append(
            "session.action",
            {
                "incident": incident,
                "at": "2026-01-01T00:00:00.000Z",
                "action": "x",
                "outcome": "y",
                "outside_reason": False,
                "narrated": True,
            },
        )


def test_solo_access_needs_executive_signoff_within_an_hour(sim: Simulation) -> None:
    incident = acknowledged(
        sim,
        second_person=None,
        second_person_role=None,
        solo_urgent=True,
        solo_unavailable_reason="Dana is on a flight.",
        solo_urgency_reason="The domain is down for everyone.",
        account="dc-local",
        system="Domain Controller",
        declared_by="kim",
        declared_by_role="Senior SysAdmin",
    )
    ack = sim.journal.entry(sim.journal.head.seq)
    assert ack is not None and len(ack.attest) == 1 and ack.data["exception"] == "solo-access"
    sim.later(minutes=61)
    late = sim.ctx.check_deadlines()
    assert [e.data["detail"]["deadline"] for e in late] == [f"solo_signoff:{incident}"]
    flow = ExecutiveSignOffFlow(sim.ctx, incident)
    # The executive must be one of the policy's named approvers (issue 17): refused, with why.
    refused = flow.submit({"by": {"name": "Morgan", "role": "CEO"}, "method": "phone"})
    assert refused.codes == {"by": "integrity.not_an_approver"}
    assert "Sam Okafor" in refused.errors["by"]
    done = ok(flow.submit({"by": {"name": "sam  okafor", "role": "COO"}, "method": "phone"}))
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and "solo-access" in inc.signed_off
    # Recorded by the custodian present, signed with their key.
    assert [a["custodian"] for a in done.entries[-1].attest] == ["kim"]
    with pytest.raises(SealroomError):  # the exception cannot be claimed by another incident
        sim.journal.append(
            "exception.signed_off",
            {
                "incident": acknowledged(sim),
                "exception": "solo-access",
                "by": {"name": "M", "role": "CEO"},
                "method": "phone",
                "at": "2026-01-01T00:00:00.000Z",
            },
        )


# -- 11 inventory ----------------------------------------------------------------------------------


def test_inventory_flags_identity_providers_with_fewer_than_two_accounts(sim: Simulation) -> None:
    assert idp_gaps(sim.journal.state) == {}
    rows = inventory_rows(sim.journal.state, sim.ctx.policy, sim.clock.now())
    assert [r.account for r in rows] == ["dc-local", "entra-01", "entra-02"]
    assert all(r.status == "ready" and len(r.sealed) == 2 for r in rows)
    sim.terminal.register_account(
        {"account": "okta-01", "authorised": ["dana", "sam"], "idp": "Okta", "system": "Okta"}
    )
    assert idp_gaps(sim.journal.state) == {"Okta": 1}
    rows = inventory_rows(sim.journal.state, sim.ctx.policy, sim.clock.now())
    assert {r.account: r.status for r in rows}["okta-01"] == "no envelope in the safe"


def test_a_whole_incident_leaves_no_rotation_due(sim: Simulation) -> None:
    """The reset ends the rotation; the verification's test opening starts none."""
    incident = emergency(sim)
    state = sim.journal.state
    inc = state.incidents.get(incident)
    assert inc is not None and inc.verified_at is not None and inc.rotated_at is not None
    assert all(a.rotation_due_since is None for a in state.accounts.values())
    sim.later(hours=sim.ctx.policy.rotation_hours + 1)
    late = deadlines.overdue(deadlines.compute(state, sim.ctx.policy), sim.clock.now())
    assert [d.key for d in late if d.kind == "rotation"] == []
    assert not [e for e in sim.ctx.check_deadlines() if "rotation" in e.data["detail"]["deadline"]]


def test_a_witness_absent_at_the_acknowledgement_is_documented_in_the_review(
    sim: Simulation,
) -> None:
    """The procedure's fallback for a missing witness: 'document in post-incident report'."""
    flow = declared(sim, witness=dict(WITNESS))
    ok(flow.submit({"declared_by_ack": True, "second_person_ack": True, "witness_present": False}))
    incident = flow.incident
    retrieved(sim, incident)
    logged_out(sim, incident)
    signed(sim, incident)
    reset_done(sim, incident)
    review = ReviewFlow(sim.ctx, incident)
    values = reviewed_values()
    missing = review.submit(values)
    assert missing.codes["witness_absence"] == "procedure.witness_absence"
    why = "Witness called away to the data centre; the COO observed by video call"
    ok(review.submit({**values, "witness_absence": why}))
    recorded = next(e for e in sim.journal.entries() if e.kind == "review.completed")
    assert recorded.data["witness_absence"] == why


def test_an_invocation_that_opened_nothing_stands_down_and_is_reviewed(
    sim: Simulation,
) -> None:
    """Normal access came back (or every envelope was tampered): the invocation can end."""
    incident = acknowledged(sim)
    out = RetrievalFlow(sim.ctx, incident)
    serial = sealed(sim, "entra-01")[0]
    ok(out.submit({"serial": serial}))
    down = StandDownFlow(sim.ctx, incident)
    refused = down.submit({"reason": "Normal access came back", "confirm": True})
    assert not refused.ok and "still out of the safe" in refused.errors[FORM]
    back = ReturnFlow(sim.ctx, incident)
    ok(back.submit({"serial": serial}))
    ok(back.submit({**CHECK, "reason": "Check out another", "continue_retrieval": True}))
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.returned_at is None  # going on: not ended
    ok(down.submit({"reason": "Normal access came back", "confirm": True}))
    assert inc.returned_at is not None and inc.phase == "documentation"
    later = RetrievalFlow(sim.ctx, incident).submit({"serial": serial})
    assert later.codes[FORM] == "procedure.invocation_ended"  # a new need: a new invocation
    again = StandDownFlow(sim.ctx, incident).submit({"reason": "twice", "confirm": True})
    assert not again.ok and "already ended" in again.errors[FORM]
    review = ReviewFlow(sim.ctx, incident)
    # No session, so no signed session record: the review says so.
    unsigned = reviewed_values(credentials_reset=False, documentation_complete_and_signed=False)
    ok(review.submit(unsigned))
    assert not inc.open  # closed: nothing was opened, so nothing to reset


def test_an_invocation_with_an_opened_envelope_cannot_stand_down(sim: Simulation) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    refused = StandDownFlow(sim.ctx, incident).submit({"reason": "done", "confirm": True})
    assert refused.codes[FORM] == "procedure.stand_down_opened"


def test_the_photograph_applies_once_any_check_is_answered_no(sim: Simulation) -> None:
    """The photograph of the damage is asked only of a tampered envelope (issue 22: fields
    shown only when they apply), and one typed for an intact envelope is never recorded."""
    from kiosk.procedures.fields import applicable

    incident = acknowledged(sim)
    flow = RetrievalFlow(sim.ctx, incident)
    first, _alternative = sealed(sim, "entra-01")
    ok(flow.submit({"serial": sim.scan(first)}))
    fields = flow.step.fields
    assert "photo_ref" not in applicable(fields, CHECK)
    for check in CHECK:  # any one of the four answered No
        assert "photo_ref" in applicable(fields, {**CHECK, check: False}), check
    res = ok(flow.submit({**CHECK, "photo_ref": "PH-typed-by-mistake"}))
    (inspected,) = [e for e in res.entries if e.kind == "envelope.inspected"]
    assert inspected.data["result"] == "intact" and "photo_ref" not in inspected.data
