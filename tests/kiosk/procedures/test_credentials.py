"""Issue 18 in the procedure flows: one credential, many copies, and nothing that goes stale.

Each test drives the real flows on a simulated terminal (real FIDO2 approvals
by simulated keys) and fails if its rule is removed.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from hardware.sim.export import export_simulation
from hardware.sim.people import WITNESS, People, answer
from hardware.sim.scenarios import emergency, history, simulate
from hardware.sim.simulation import Simulation
from kiosk.errors import SealroomError
from kiosk.procedures import (
    FORM,
    AccountUpdateFlow,
    DestroyFlow,
    RetireAccountFlow,
    RetrievalFlow,
    SealNewEnvelopeFlow,
    credential_inventory,
)
from kiosk.procedures.navigation import next_flow
from kiosk.procedures.reset import ResetFlow
from kiosk.verify import verify_bundle
from tests.kiosk.procedures.test_proc_rules import CHECK, acknowledged, ok, sealed

NEW_FINDINGS = {
    "credential.superseded_opened",
    "credential.tampered_not_rotated",
    "credential.rotation_by_incident_people",
    "credential.verification_failed",
    "credential.superseded_not_destroyed",
}


def entries(sim: Simulation, kind: str) -> list[dict[str, object]]:
    return [e.data for e in sim.journal.entries() if e.kind == kind]


def test_each_account_starts_with_one_credential_in_the_policy_s_copies(sim: Simulation) -> None:
    state = sim.journal.state
    approvals = entries(sim, "credential.approved")
    assert len(approvals) == len(state.accounts)
    for account in state.accounts.values():
        copies = state.envelopes_for(account.id, "sealed")
        assert len(copies) == sim.ctx.policy.envelope_copies == 2
        assert {e.credential for e in copies} == {account.live_credential}


def seal_new(sim: Simulation, account: str) -> list[str]:
    """A new credential for ``account`` by the simulated people: returns its bags."""
    before = set(sealed(sim, account))
    sim.seal_new(account)
    return sorted(set(sealed(sim, account)) - before)


def test_a_new_sealing_supersedes_the_old_copies_refused_at_checkout(sim: Simulation) -> None:
    old = sealed(sim, "entra-01")
    new = seal_new(sim, "entra-01")
    state = sim.journal.state
    assert [state.envelope_state(s) for s in old] == ["superseded", "superseded"]
    assert len(new) == 2 and sealed(sim, "entra-01") == new
    incident = acknowledged(sim)
    flow = RetrievalFlow(sim.ctx, incident)
    refused = flow.submit({"serial": sim.scan(old[0])})
    assert refused.codes["serial"] == "envelope.superseded"
    assert "no longer works" in refused.errors["serial"]
    # the inventory shows them, with their destruction deadline
    row = next(
        r
        for r in credential_inventory(state, sim.ctx.policy.superseded_destroy_days)
        if r.account == "entra-01"
    )
    assert row.live == tuple(new) and row.superseded == tuple(old)
    assert row.destroy_by is not None
    # destroyed under dual control, by a method of the policy's list, with a witness
    destroy = DestroyFlow(sim.ctx, "entra-01", ["dana", "sam"])
    bad = destroy.submit({"serial": old[0], "method": "scissors", "witness": dict(WITNESS)})
    assert "method" in bad.codes
    assert destroy.submit({"serial": new[0], "method": "pulping", "witness": dict(WITNESS)}).codes[
        "serial"
    ] == ("procedure.not_to_destroy")
    for serial in old:
        ok(destroy.submit({"serial": serial, "method": "pulping", "witness": dict(WITNESS)}))
    assert [state.envelope_state(s) for s in old] == ["destroyed", "destroyed"]
    last = entries(sim, "envelope.destroyed")[-1]
    assert last["method"] == "pulping" and last["witness"] == WITNESS
    with pytest.raises(SealroomError) as exc:
        DestroyFlow(sim.ctx, "entra-01", ["dana", "sam"])
    assert exc.value.code == "procedure.nothing_to_destroy"


def test_tampering_makes_rotation_due_now_and_offers_the_live_copy_then_other_accounts(
    sim: Simulation,
) -> None:
    incident = acknowledged(sim)
    first, second = sealed(sim, "entra-01")
    flow = RetrievalFlow(sim.ctx, incident)
    ok(flow.submit({"serial": sim.scan(first)}))
    tampered = ok(flow.submit({**CHECK, "no_steaming": False, "photo_ref": "PHOTO-1"}))
    alert = next(e for e in tampered.entries if e.kind == "alert.raised")
    assert "rotated now" in alert.data["summary"] and alert.data["detail"]["rotation_due"]
    account = sim.journal.state.accounts["entra-01"]
    assert account.rotation_due_since is not None and account.rotation_reason == "tampered"
    assert flow.info["alternatives"] == [second]
    # the other break-glass accounts of the same identity provider come next
    assert flow.info["alternative_accounts"] and flow.info["alternative_accounts"][0].startswith(
        "entra-02 ("
    )
    ok(flow.submit({"serial": sim.scan(second)}))
    tampered_too = ok(flow.submit({**CHECK, "no_steaming": False, "photo_ref": "PHOTO-2"}))
    assert tampered_too.done and flow.info["outcome"] == "no-alternative"


def test_tampered_then_reset_destroys_the_quarantined_copy(sim: Simulation) -> None:
    incident = emergency(sim, "entra-01", scenario="tampered", tamper=True)
    state = sim.journal.state
    inc = state.incidents.get(incident)
    assert inc is not None and inc.rotated_at is not None
    tampered = state.envelopes[inc.tampered[0]]
    assert tampered.state == "destroyed"
    live = state.envelopes_for("entra-01", "sealed")
    assert {e.credential for e in live} == {state.accounts["entra-01"].live_credential}
    rotated = next(e for e in sim.journal.entries() if e.kind == "credential.rotated")
    signers = {a["custodian"] for a in rotated.attest}
    assert "lee" in signers and not signers <= set(inc.people)


def test_a_failed_verification_makes_rotation_due_again_and_the_reset_is_done_again(
    sim: Simulation,
) -> None:
    incident = emergency(sim, "entra-02", verification_fails=True, resets=1)
    state = sim.journal.state
    failed = entries(sim, "verification.failed")
    assert len(failed) == 1 and failed[0]["account"] == "entra-02"
    assert any(a["alert"] == "verification.failed" for a in entries(sim, "alert.raised"))
    assert state.accounts["entra-02"].rotation_due_since is not None
    inc = state.incidents.get(incident)
    assert inc is not None and inc.rotated_at is None and inc.verified_at is None
    nxt = next_flow(state, inc)
    assert nxt is not None and isinstance(nxt.start(sim.ctx), ResetFlow)
    # the people do the reset again and verify it: the incident's verification is done
    people = People("entra-02", "dana", "sam")
    while (step := next_flow(state, inc)) is not None:
        answer(sim, step.start(sim.ctx), people)
    assert inc.verified_at is not None and state.accounts["entra-02"].rotation_due_since is None
    assert len(entries(sim, "credential.rotated")) == 2


def test_verification_has_a_deadline_and_drills_include_it(sim: Simulation) -> None:
    from kiosk.state import due

    incident = emergency(sim, "entra-01", scenario="drill", test=True)
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.test and inc.verified_at is not None
    deadlines = [
        d
        for d in due.compute(sim.journal.state, sim.ctx.policy)
        if d.kind == "verification" and d.subject == incident
    ]
    assert len(deadlines) == 1 and deadlines[0].met_at == inc.verified_at
    hours = sim.ctx.policy.verification_hours
    assert deadlines[0].due == deadlines[0].starts + dt.timedelta(hours=hours)


def test_accounts_are_updated_and_retired_under_dual_control(sim: Simulation) -> None:
    flow = AccountUpdateFlow(sim.ctx, "entra-02", ["dana", "sam"])
    ok(flow.submit({"reason": "moved", "storage_location": "Safe B", "authorised": "dana, lee"}))
    updated = entries(sim, "account.updated")[-1]
    assert updated == {
        "account": "entra-02",
        "reason": "moved",
        "storage_location": "Safe B",
        "authorised": ["dana", "lee"],
    }
    acc = sim.journal.state.accounts["entra-02"]
    assert acc.storage_location == "Safe B" and acc.authorised == ["dana", "lee"]
    copies = sealed(sim, "entra-02")
    retire = RetireAccountFlow(sim.ctx, "entra-02", ["dana", "lee"])
    ok(retire.submit({"reason": "tenant merged"}))
    assert acc.retired
    assert [sim.journal.state.envelope_state(s) for s in copies] == ["superseded"] * 2
    again = SealNewEnvelopeFlow(sim.ctx, "entra-02", ["dana", "lee"])
    ok(again.submit({"serial": sim.blank()}))
    ok(again.submit({"serial": sim.blank(exclude=again.serials)}))
    assert again.submit({"confirm": True}).codes[FORM] == "credential.account_retired"


def test_the_stale_scenario_leaves_each_finding_for_the_verifier(tmp_path: Path) -> None:
    sim = simulate(tmp_path / "sim", "stale")
    try:
        notes = list(sim.notes)
        bundle = export_simulation(sim, tmp_path / "stick").path
    finally:
        sim.terminal.close()
    assert any("envelope.superseded" in n for n in notes)
    assert any("credential.separation" in n for n in notes)
    kiosk_pub = (tmp_path / "sim" / "kiosk.pub").read_text().strip()
    result = verify_bundle(bundle, trusted_keys=[kiosk_pub])
    assert result.ok, [e.message for e in result.errors]
    codes = {f.code for f in result.findings}
    assert {
        "credential.tampered_not_rotated",
        "credential.verification_failed",
        "credential.superseded_not_destroyed",
    } <= codes
    # report.pdf reports them too, and its credential table
    out = subprocess.run(
        ["pdftotext", "-layout", str(bundle / "report.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    flat = " ".join(out.split())
    assert "was not rotated after it" in flat
    assert "failed and no rotation followed" in flat
    assert "never destroyed" in flat
    assert "Credentials" in flat and "LIVE COPIES" in flat.upper()


def test_years_of_history_leave_nothing_stale(sim: Simulation) -> None:
    """The simulator's history: no opened envelope superseded, every tamper rotated, no finding."""
    emergency(sim, "entra-01", scenario="tampered", tamper=True)
    history(sim, 1)
    journal = list(sim.journal.entries())
    from kiosk.rules.credential_findings import CredentialAudit

    audit = CredentialAudit()
    for e in journal:
        audit.observe(e.seq, e.kind, e.data, [a.get("custodian") for a in e.attest])
    assert [f[0] for f in audit.findings()] == []
    assert audit.tampered, "the history has tampered envelopes"
    for seq, account, _serial in audit.tampered:
        assert any(r > seq for r in audit.rotations.get(account, []))


def test_a_print_is_approved_by_both_keys_before_the_sheet_prints(sim: Simulation) -> None:
    """Issue 22's dual act: the sheets print only after both custodians approved with keys."""
    flow = SealNewEnvelopeFlow(sim.ctx, "entra-01", ["dana", "sam"])
    for _ in range(2):
        ok(flow.submit({"serial": sim.blank(exclude=flow.serials)}))
    jobs = len(sim.printer.jobs)
    printed = ok(flow.submit({"confirm": True}))
    approval, *sheets = printed.entries
    assert approval.kind == "credential.approved"
    assert {a["custodian"] for a in approval.attest} == {"dana", "sam"}
    assert [e.kind for e in sheets] == ["sheet.printed", "sheet.printed"]
    assert all(e.data["approved_seq"] == approval.seq for e in sheets)
    assert len(sim.printer.jobs) == jobs + 2
