"""Flows resumed after an interruption: nothing recorded twice, nothing skipped.

A print that fails after its step was recorded (the person chose to stop
retrying) leaves the flow on that step; submitting it again prints the same
document and records nothing new. A retrieval started again after the
envelope was opened (the terminal locked in between) continues at the
sheet's QR and cannot check out a second envelope; a verification started
again continues at the step the journal says it is at, for the same
envelope, and finishes a half-done reseal with the bag already registered.
"""

from __future__ import annotations

from hardware.sim.people import WITNESS
from hardware.sim.scenarios import emergency
from hardware.sim.simulation import Simulation
from hardware.sim.terminal import DEFAULT_PIN
from kiosk.errors import SealroomError
from kiosk.format.entry import Entry
from kiosk.procedures import (
    FORM,
    DocumentationFlow,
    InvocationFlow,
    RetrievalFlow,
    VerificationFlow,
)
from tests.kiosk.procedures.test_proc_rules import (
    CHECK,
    acknowledged,
    details,
    logged_out,
    ok,
    retrieved,
    sealed,
)


def count(sim: Simulation, kind: str) -> int:
    return sum(1 for e in sim.journal.entries(1) if e.kind == kind)


def test_a_stopped_print_of_the_invocation_record_is_printed_again_not_recorded_again(
    sim: Simulation,
) -> None:
    flow = InvocationFlow(sim.ctx)
    ok(flow.submit(details(sim)))
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
    sim.printer.fail_next = ["print.paper_out"]
    result = flow.submit({"confirm": True})
    assert not result.ok and result.codes[FORM] == "print.paper_out"
    assert flow.current == "declare"
    assert count(sim, "invocation.declared") == 1
    assert sim.printer.jobs[-1].state == "aborted"
    ok(flow.submit({"confirm": True}))
    assert flow.current == "acknowledge"
    assert count(sim, "invocation.declared") == 1
    assert sim.printer.jobs[-1].state == "completed"


def test_a_stopped_print_of_the_signed_session_record_does_not_sign_twice(
    sim: Simulation,
) -> None:
    incident = acknowledged(sim)
    retrieved(sim, incident)
    logged_out(sim, incident)
    flow = DocumentationFlow(sim.ctx, incident)
    ok(flow.submit({"exceeds": False, "both_reviewed": True}))
    sim.printer.fail_next = ["print.stopped"]
    result = flow.submit({"confirm": True})
    assert not result.ok and result.codes[FORM] == "print.stopped"
    assert flow.current == "sign" and count(sim, "session.signed") == 1
    ok(flow.submit({"confirm": True}))
    assert flow.done and count(sim, "session.signed") == 1
    assert sim.printer.jobs[-1].state == "completed"


def test_a_retrieval_started_again_after_opening_continues_at_the_sheet(
    sim: Simulation,
) -> None:
    incident = acknowledged(sim)
    first = RetrievalFlow(sim.ctx, incident)
    serial, other = sealed(sim, "entra-01")[:2]
    ok(first.submit({"serial": sim.scan(serial)}))
    ok(first.submit(CHECK))
    ok(first.submit({"exterior_signed": True, "serial": serial}))
    again = RetrievalFlow(sim.ctx, incident)  # e.g. after the terminal locked
    assert again.current == "confirm_sheet" and again.serial == serial
    assert again.history == ["checkout", "inspect", "open"]
    refused = again.submit({"serial": other})  # no second check-out: only the QR is asked
    assert not refused.ok and count(sim, "envelope.checked_out") == 1
    ok(again.submit({"qr": sim.scan(sim.qr_of[serial])}))
    assert again.done
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.sheet_confirmed and inc.envelope_opened == serial


def test_a_retrieval_of_an_incident_not_yet_opened_starts_at_the_check_out(
    sim: Simulation,
) -> None:
    incident = acknowledged(sim)
    assert RetrievalFlow(sim.ctx, incident).current == "checkout"


def test_a_declaration_left_unacknowledged_is_acknowledged_by_a_resumed_flow(
    sim: Simulation,
) -> None:
    from tests.kiosk.procedures.test_proc_rules import declared

    incident = declared(sim).incident
    again = InvocationFlow.resume(sim.ctx, incident)
    assert again.current == "acknowledge" and again.incident == incident
    ok(again.submit({"declared_by_ack": True, "second_person_ack": True}))
    inc = sim.journal.state.incidents.get(incident)
    assert inc is not None and inc.acknowledged_at is not None
    assert count(sim, "invocation.declared") == 1
    refused = None
    try:
        InvocationFlow.resume(sim.ctx, incident)
    except SealroomError as exc:
        refused = exc.code
    assert refused == "procedure.flow_done"


# -- verification after the reset: resumed from the journal ----------------------------------

CHECKED = {
    "login_ok": True,
    "incident_login_logged": True,
    "test_login_logged": True,
    "change_logged": True,
}


def ready_to_verify(sim: Simulation) -> tuple[str, str, str]:
    """A whole emergency up to its review; returns (incident, new envelope, other sealed one)."""
    incident = emergency(sim, verify=False)
    rotated = [e for e in sim.journal.entries(1) if e.kind == "credential.rotated"][-1]
    new = str(rotated.data["new_serial"])
    others = [s for s in sealed(sim, "entra-01") if s != new]
    assert others, "the account must have another sealed envelope for these tests"
    assert VerificationFlow(sim.ctx, incident, sim.signers("entra-01")).current == "checkout"
    return incident, new, others[0]


def resealed_from(sim: Simulation, serial: str) -> list[Entry]:
    """The ``envelope.registered`` entries of bags that took the sheet of ``serial``."""
    return [
        e
        for e in sim.journal.entries(1)
        if e.kind == "envelope.registered" and e.data.get("resealed_from") == serial
    ]


def test_a_verification_started_again_after_its_check_out_continues_at_the_inspection(
    sim: Simulation,
) -> None:
    incident, new, other = ready_to_verify(sim)
    first = VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))
    ok(first.submit({"serial": sim.scan(new)}))
    again = VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))  # after a lock
    assert again.current == "inspect" and again.serial == new
    assert again.history == ["checkout"]
    refused = again.submit({"serial": sim.scan(other)})  # the check-out is not asked again
    assert not refused.ok
    ok(again.submit(CHECK))
    third = VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))  # locked once more
    assert third.current == "open" and third.serial == new
    assert third.history == ["checkout", "inspect"]
    wrong = third.submit({"exterior_signed": True, "serial": sim.scan(other)})
    assert wrong.codes["serial"] == "procedure.not_this_envelope"
    ok(third.submit({"exterior_signed": True, "serial": sim.scan(new)}))
    assert third.current == "confirm_sheet"
    assert sim.journal.state.envelope_state(other) == "sealed"
    assert count(sim, "envelope.checked_out") == 2  # the incident's and the test's, no more


def test_a_verification_started_again_after_opening_continues_at_the_sheet_not_a_second_envelope(
    sim: Simulation,
) -> None:
    incident, new, other = ready_to_verify(sim)
    first = VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))
    ok(first.submit({"serial": sim.scan(new)}))
    ok(first.submit(CHECK))
    ok(first.submit({"exterior_signed": True, "serial": sim.scan(new)}))
    outs, opens = count(sim, "envelope.checked_out"), count(sim, "envelope.opened")
    again = VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))
    assert again.current == "confirm_sheet" and again.serial == new
    assert again.history == ["checkout", "inspect", "open"]
    assert not again.submit({"serial": sim.scan(other)}).ok  # no second check-out
    ok(again.submit({"qr": sim.scan(sim.qr_of[new])}))
    assert again.current == "check"
    later = VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))  # locked at "check"
    assert later.current == "check" and later.serial == new
    assert later.history == ["checkout", "inspect", "open", "confirm_sheet"]
    ok(later.submit(CHECKED))
    fresh = sim.blank()
    ok(later.submit({"serial": sim.scan(fresh), "signed_across_seal": True, "witness": WITNESS}))
    assert later.done
    state = sim.journal.state
    assert state.envelope_state(other) == "sealed" and state.envelope_state(fresh) == "sealed"
    assert state.envelope_state(new) == "destroyed"
    assert (count(sim, "envelope.checked_out"), count(sim, "envelope.opened")) == (outs, opens)
    assert count(sim, "sheet.confirmed") == 2 and count(sim, "verification.completed") == 1
    inc = state.incidents.get(incident)
    assert inc is not None and inc.verified_at is not None and inc.verification_serial == new
    refused = None
    try:
        VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))
    except SealroomError as exc:
        refused = exc.code
    assert refused == "procedure.flow_done"


def test_a_reseal_interrupted_half_way_is_finished_with_the_bag_already_registered(
    sim: Simulation,
) -> None:
    incident, new, _other = ready_to_verify(sim)
    first = VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))
    ok(first.submit({"serial": sim.scan(new)}))
    ok(first.submit(CHECK))
    ok(first.submit({"exterior_signed": True, "serial": sim.scan(new)}))
    ok(first.submit({"qr": sim.scan(sim.qr_of[new])}))
    ok(first.submit(CHECKED))
    fresh = sim.blank()
    reseal = {"serial": sim.scan(fresh), "signed_across_seal": True, "witness": WITNESS}
    # the fresh bag is registered (two PINs), then the destruction's approval is cancelled
    sim.terminal.prompts.queue = [DEFAULT_PIN, DEFAULT_PIN, None]
    result = first.submit(reseal)
    assert not result.ok and first.current == "reseal"
    assert [e.data["serial"] for e in resealed_from(sim, new)] == [fresh]
    assert sim.journal.state.envelope_state(new) == "opened"
    assert count(sim, "verification.completed") == 0
    again = VerificationFlow(sim.ctx, incident, sim.signers("entra-01"))  # after a lock
    assert again.current == "check" and again.resealed_in == fresh and not again.bag_destroyed
    ok(again.submit(CHECKED))
    other_bag = next(
        e.serial
        for e in sim.journal.state.envelopes.values()
        if e.state == "blank_stock" and e.serial != fresh
    )
    moved = again.submit({**reseal, "serial": sim.scan(other_bag)})
    assert not moved.ok and sim.journal.state.envelope_state(other_bag) == "blank_stock"
    ok(again.submit(reseal))
    assert again.done
    assert len(resealed_from(sim, new)) == 1 and count(sim, "verification.completed") == 1
    assert sim.journal.state.envelope_state(new) == "destroyed"
    assert sim.journal.state.envelope_state(fresh) == "sealed"
