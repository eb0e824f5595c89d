"""One live credential per account (issue 18), at the state level: each rule fails if removed.

Structural attestations, as in ``test_state.py`` (whose builder this reuses).
"""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.errors import TransitionError
from kiosk.state.inventory import credential_inventory
from tests.kiosk.test_state import A, B, Builder, b, enrolment, payload_for, put_in_state

__all__ = ["b"]  # the fixture, imported for these tests

C = {"custodian": "carol", "credential_id": "KC", "role": "custodian_b"}
SEALED = {"signed_across_seal": True}


def register(b: Builder, serial: str, credential: str | None = None, attest: Any = (A, B)) -> None:
    b.add("envelope.stock_received", {"serials": [serial]}, ())
    data = {"serial": serial, "account": "acc1", **SEALED}
    if credential:
        data["credential"] = credential
    b.add("envelope.registered", data, attest)


def approve(b: Builder, credential: str, serials: list[str], attest: Any = (A, B)) -> None:
    b.add("envelope.stock_received", {"serials": serials}, ())
    b.add(
        "credential.approved",
        {"account": "acc1", "credential": credential, "serials": serials, "purpose": "provision"},
        attest,
    )


def test_a_new_sealing_supersedes_every_older_copy_in_the_safe(b: Builder) -> None:
    register(b, "SR00000018")
    register(b, "SR00000026")
    env = b.state.envelopes["SR00000018"]
    assert env.state == "superseded" and env.superseded_at == b.state.last_ts
    assert b.state.envelope_state("SR00000026") == "sealed"
    # refused at check-out with its own reason
    k, data = payload_for("envelope.checked_out", "SR00000018")
    with pytest.raises(TransitionError) as exc:
        b.state.check(b.entry(k, data))
    assert exc.value.code == "envelope.superseded"
    assert "no longer works" in exc.value.user_message()
    # destroyed under dual control
    b.add("envelope.destroyed", {"serial": "SR00000018", "method": "pulping"})
    assert b.state.envelope_state("SR00000018") == "destroyed"


def test_copies_of_one_credential_do_not_supersede_each_other(b: Builder) -> None:
    approve(b, "acc1/C1", ["SR00000018", "SR00000026"])
    for serial in ("SR00000018", "SR00000026"):
        b.add(
            "envelope.registered",
            {"serial": serial, "account": "acc1", "credential": "acc1/C1", **SEALED},
        )
    assert [b.state.envelope_state(s) for s in ("SR00000018", "SR00000026")] == ["sealed"] * 2
    assert b.state.accounts["acc1"].live_credential == "acc1/C1"


def test_a_sheet_prints_only_under_an_approval_naming_its_bag(b: Builder) -> None:
    sheet = {"account": "acc1", "serial": "SR00000018", "sheet_ref": "S1", "purpose": "provision"}
    with pytest.raises(TransitionError) as exc:
        b.state.check(b.entry("sheet.printed", {**sheet, "credential": "acc1/C1"}, ()))
    assert exc.value.code == "credential.sheet_not_approved"
    approve(b, "acc1/C1", ["SR00000018"])
    b.add("sheet.printed", {**sheet, "credential": "acc1/C1"}, ())
    other = {**sheet, "serial": "SR00000026", "credential": "acc1/C1"}
    with pytest.raises(TransitionError):
        b.state.check(b.entry("sheet.printed", other, ()))
    with pytest.raises(TransitionError) as again:
        b.state.check(
            b.entry(
                "credential.approved",
                {
                    "account": "acc1",
                    "credential": "acc1/C1",
                    "serials": ["SR00000026"],
                    "purpose": "provision",
                },
            )
        )
    assert again.value.code == "credential.id_used"


def test_an_envelope_returned_after_a_newer_sealing_is_superseded(b: Builder) -> None:
    put_in_state(b, "SR00000018", "checked_out")
    register(b, "SR00000026")
    assert b.state.envelope_state("SR00000018") == "checked_out"
    b.add("envelope.returned", {"serial": "SR00000018", "reason": "not needed"})
    assert b.state.envelope_state("SR00000018") == "superseded"


def test_tampering_makes_rotation_due_at_once(b: Builder) -> None:
    put_in_state(b, "SR00000018", "quarantined")
    account = b.state.accounts["acc1"]
    assert account.rotation_due_since == b.state.last_ts
    assert account.rotation_reason == "tampered"


def test_a_reset_ends_only_with_the_quarantined_envelope_destroyed(b: Builder) -> None:
    put_in_state(b, "SR00000018", "quarantined")
    register(b, "SR00000034")
    rotated = {"account": "acc1", "new_serial": "SR00000034", "test_login_ok": True}
    with pytest.raises(TransitionError, match="SR00000018"):
        b.state.check(b.entry("credential.rotated", rotated))
    b.add("envelope.destroyed", {"serial": "SR00000018", "method": "incineration"})
    b.add("credential.rotated", rotated)
    assert b.state.accounts["acc1"].rotation_due_since is None


def declare(b: Builder) -> None:
    """Incident i1 of alice and bob; carol (security) enrolled, authorised for acc1."""
    b.add("custodian.enrolled", dict(enrolment("carol", "KC"), duties=["custodian", "security"]))
    b.add(
        "invocation.declared",
        {
            "incident": "i1",
            "account": "acc1",
            "record": {
                "declared_by": {"custodian": "alice"},
                "second_person": {"custodian": "bob"},
            },
        },
        (),
    )


def test_the_incident_people_never_seal_the_new_credential_alone(b: Builder) -> None:
    declare(b)
    put_in_state(b, "SR00000018", "opened")
    with pytest.raises(TransitionError) as exc:
        approve(b, "acc1/C9", ["SR00000026"])
    assert exc.value.code == "credential.separation"
    b.add("envelope.stock_received", {"serials": ["SR00000042"]}, ())
    with pytest.raises(TransitionError):
        b.state.check(
            b.entry(
                "envelope.registered",
                {"serial": "SR00000042", "account": "acc1", **SEALED},
            )
        )
    # security staff alone is not enough either: carol must not be one of the incident
    b.add(
        "credential.approved",
        {
            "account": "acc1",
            "credential": "acc1/C9",
            "serials": ["SR00000042"],
            "purpose": "rotation",
        },
        (A, C),
    )
    b.add(
        "envelope.registered",
        {"serial": "SR00000042", "account": "acc1", "credential": "acc1/C9", **SEALED},
        (A, C),
    )
    b.add("envelope.destroyed", {"serial": "SR00000018", "method": "pulping"})
    rotated = {"account": "acc1", "new_serial": "SR00000042", "test_login_ok": True}
    with pytest.raises(TransitionError) as late:
        b.state.check(b.entry("credential.rotated", rotated, (A, B)))
    assert late.value.code == "credential.separation"
    b.add("credential.rotated", rotated, (B, C))


def test_a_failed_verification_makes_rotation_due_again(b: Builder) -> None:
    b.add(
        "verification.failed",
        {"incident": "i1", "account": "acc1", "serial": "SR00000018", "cause": "bad password"},
        (),
    )
    account = b.state.accounts["acc1"]
    assert account.rotation_due_since == b.state.last_ts
    assert account.rotation_reason == "verification-failed"


def test_accounts_are_updated_and_retired(b: Builder) -> None:
    b.add("custodian.enrolled", enrolment("carol", "KC"))
    with pytest.raises(TransitionError):
        b.state.check(
            b.entry("account.updated", {"account": "acc1", "reason": "r", "authorised": ["bob"]})
        )
    b.add(
        "account.updated",
        {
            "account": "acc1",
            "reason": "moved",
            "storage_location": "Safe B",
            "authorised": ["alice", "carol"],
            "privilege": "Global Administrator: tenant recovery",
        },
    )
    acc = b.state.accounts["acc1"]
    assert (acc.storage_location, acc.authorised) == ("Safe B", ["alice", "carol"])
    assert acc.privilege == "Global Administrator: tenant recovery"
    register(b, "SR00000018")
    b.add("account.retired", {"account": "acc1", "reason": "system gone"})
    assert acc.retired and b.state.envelope_state("SR00000018") == "superseded"
    with pytest.raises(TransitionError) as exc:
        register(b, "SR00000026")
    assert exc.value.code == "credential.account_retired"


def test_a_revoked_custodian_leaves_every_authorised_list(b: Builder) -> None:
    b.add("custodian.enrolled", enrolment("carol", "KC"))
    b.add(
        "account.updated",
        {"account": "acc1", "reason": "r", "authorised": ["alice", "bob", "carol"]},
    )
    b.add("custodian.revoked", {"custodian": "carol", "reason": "left", "whole_custodian": True})
    acc = b.state.accounts["acc1"]
    assert acc.authorised == ["alice", "bob"]
    assert acc.removed == [("carol", b.state.last_ts)]
    (row,) = credential_inventory(b.state)
    assert row.removed == ("Carol (2026-02-02)",)  # the inventory says so


def test_no_new_sealing_while_an_envelope_of_the_account_is_out(b: Builder) -> None:
    put_in_state(b, "SR00000018", "checked_out")
    with pytest.raises(TransitionError) as exc:
        approve(b, "acc1/C1", ["SR00000026"])
    assert exc.value.code == "credential.envelope_out" and "SR00000018" in exc.value.user_message()
