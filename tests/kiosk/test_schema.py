"""Payload validation: every kind, required fields, unknown fields, secrets."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.errors import PayloadError
from kiosk.errors.secret_names import looks_secret
from kiosk.format.kinds import KINDS
from kiosk.format.schema import validate_payload

SPEC_KINDS = {
    "journal.genesis": False,
    "policy.changed": True,
    "custodian.enrolled": True,
    "custodian.revoked": True,
    "account.registered": True,
    "envelope.registered": True,
    "invocation.declared": False,
    "envelope.inspected": False,
    "envelope.opened": True,
    "envelope.returned": True,
    "envelope.destroyed": True,
    "credential.rotated": True,
    "session.signed": True,
    "export.created": False,
}


@pytest.mark.parametrize(("kind", "dual"), sorted(SPEC_KINDS.items()))
def test_spec_kinds_exist_with_their_dual_rule(kind: str, dual: bool) -> None:
    assert kind in KINDS
    assert KINDS[kind].dual is dual


CRED = {"id": "AAEC", "public_key": "MFkw", "alg": -7, "rp_id": "sealroom.local"}
CHECK = {
    "seal_unbroken": True,
    "signatures_undisturbed": True,
    "no_tears_or_holes": True,
    "no_steaming": True,
}
H64 = "a" * 64
TS = "2026-01-01T00:00:00.000Z"
SAMPLES: dict[str, dict[str, Any]] = {
    "journal.genesis": {
        "kiosk_id": "k",
        "kiosk_key": "ssh-ed25519 AAAA k",
        "policy_hash": H64,
        "uv_required": True,
        "journal_id": "j",
    },
    "policy.changed": {"policy_hash": H64, "uv_required": False},
    "clock.confirmed": {"previous": TS, "clock": TS, "against": "elapsed-time"},
    "custodian.enrolled": {
        "custodian": "c1",
        "name": "Ada",
        "role": "IT Director",
        "duties": ["custodian"],
        "credential": CRED,
    },
    "custodian.revoked": {"custodian": "c1", "credential_id": "AAEC", "reason": "lost"},
    "account.registered": {
        "account": "a1",
        "username": "emergency-admin-01",
        "system": "Entra ID",
        "purpose": "identity",
        "storage_location": "Safe A",
        "authorised": ["c1", "c2"],
    },
    "envelope.stock_received": {"serials": ["SR00000018"]},
    "envelope.registered": {"serial": "SR00000018", "account": "a1", "signed_across_seal": True},
    "envelope.checked_out": {"serial": "SR00000018", "account": "a1", "incident": "i1"},
    "envelope.inspected": {"serial": "SR00000018", "result": "intact", "checklist": CHECK},
    "envelope.opened": {"serial": "SR00000018", "incident": "i1", "exterior_signed": True},
    "envelope.returned": {"serial": "SR00000018", "reason": "not needed"},
    "envelope.destroyed": {"serial": "SR00000018", "method": "cross-cut shredder"},
    "credential.rotated": {"account": "a1", "new_serial": "SR00000026", "test_login_ok": True},
    "invocation.declared": {"incident": "i1", "record": {"reason": "IdP outage"}},
    "session.signed": {"incident": "i1", "record_hash": H64},
    "export.approved": {"volume": "AUDIT-2026", "purpose": "quarterly audit"},
    "export.created": {"bundle": "b", "manifest_hash": H64, "entries": 3},
    "export.failed": {"bundle": "b", "reason": "stick removed"},
    "alert.raised": {"alert": "x", "summary": "y"},
    "approver.contacted": {
        "incident": "i1",
        "approver": "Dana Whitfield",
        "channel": "phone",
        "at": TS,
        "outcome": "no-answer",
    },
    "exception.opened": {"incident": "i1", "exception": "solo-access", "reason": "alone"},
    "exception.signed_off": {
        "incident": "i1",
        "exception": "solo-access",
        "by": {"name": "Sam Okafor", "role": "COO"},
        "method": "phone",
        "at": TS,
    },
    "approver.notified": {"incident": "i1", "approver": "Dana", "channel": "email", "at": TS},
    "session.started": {"incident": "i1", "account": "a1", "system": "Entra ID", "at": TS},
    "session.action": {
        "incident": "i1",
        "at": TS,
        "action": "Reset password for jsmith",
        "outcome": "done",
        "outside_reason": False,
        "narrated": True,
    },
    "session.ended": {"incident": "i1", "at": TS, "duration_minutes": 11},
    "review.completed": {
        "incident": "i1",
        "participants": [{"name": "Dana", "role": "IT Director"}],
        "checklist": {"prerequisites_met": True},
        "root_cause": "IdP outage",
        "corrective_actions": ["Redundant IdP"],
        "escalated": False,
    },
    "alert.acknowledged": {"alert_seq": 3, "by": "c1"},
    "alert.slip_failed": {"alert_seq": 3, "reason": "print.paper_out"},
    "alert.slip_printed": {"alert_seq": 3},
    "terminal.unlocked": {"method": "passphrase"},
    "backup.medium_registered": {"medium": "SEALROOM-BACKUP", "description": "Safe A, shelf 2"},
    "backup.written": {
        "medium": "SEALROOM-BACKUP",
        "file": "kiosk-00000040.sealroom-backup",
        "seq": 40,
        "hash": "ab" * 32,
        "reason": "schedule",
    },
    "backup.failed": {
        "medium": "SEALROOM-BACKUP",
        "reason": "incident",
        "error": "backup.path_missing",
        "words": "The backup disk is not mounted at /srv/backup.",
    },
    "terminal.moved": {"to": "terminal T2, Safe room B", "reason": "hardware refresh"},
    "terminal.retired": {"reason": "the safe room is closed"},
    "terminal.restored": {
        "backup_file": "kiosk-00000040.sealroom-backup",
        "backup_seq": 40,
        "backup_hash": "ab" * 32,
        "lost_count": 0,
        "reason": "disk failure",
    },
    "invocation.acknowledged": {
        "incident": "i1",
        "acknowledged_by": ["c1", "c2"],
        "witness_present": False,
    },
    "invocation.stood_down": {"incident": "i1", "reason": "Normal access came back"},
    "sheet.printed": {
        "account": "acc1",
        "serial": "SR00000018",
        "sheet_ref": "SHEET-1",
        "purpose": "rotation",
    },
    "sheet.print_failed": {
        "account": "acc1",
        "serial": "SR00000018",
        "sheet_ref": "SHEET-1",
        "sheet_seq": 5,
        "reason": "print.paper_out",
    },
    "sheet.confirmed": {"incident": "i1", "serial": "SR00000018", "sheet_seq": 5},
    "access.problem": {
        "incident": "i1",
        "problem": "login-failed",
        "cause": "account disabled",
        "resolution": "re-enabled from another admin account",
    },
    "documentation.discrepancy": {
        "incident": "i1",
        "audit_log_ref": "Entra sign-in log export 2026-01-05",
        "description": "a group change is in the log but not in the record",
        "investigation": "confirmed with the custodians; documentation updated",
    },
    "credential.reset_failed": {
        "account": "acc1",
        "serial": "SR00000018",
        "cause": "complexity",
        "resolution": "identity team consulted",
        "sheet_destroyed": True,
    },
    "credential.approved": {
        "account": "acc1",
        "credential": "acc1/C0001",
        "serials": ["SR00000018", "SR00000026"],
        "purpose": "provision",
    },
    "verification.failed": {
        "incident": "i1",
        "account": "acc1",
        "serial": "SR00000018",
        "cause": "invalid password",
    },
    "account.updated": {"account": "acc1", "reason": "moved to Safe B"},
    "account.retired": {"account": "acc1", "reason": "system decommissioned"},
    "review.escalated": {
        "incident": "i1",
        "to": ["Security team"],
        "reason": "unexplained action",
        "logs_preserved": True,
        "suspension_considered": True,
    },
    "verification.completed": {
        "incident": "i1",
        "account": "acc1",
        "serial": "SR00000018",
        "test_login_ok": True,
        "audit_events": {"incident_login": True, "test_login": True, "credential_change": True},
        "chain_complete": True,
        "storage_secured": True,
        "new_serial": "SR00000026",
    },
}


def test_every_kind_has_a_valid_sample() -> None:
    assert set(SAMPLES) == set(KINDS)
    for kind, data in SAMPLES.items():
        validate_payload(kind, data)


REQUIRED = [
    (kind, name)
    for kind, spec in sorted(KINDS.items())
    for name, (_check, required) in spec.fields.items()
    if required
]


@pytest.mark.parametrize(("kind", "name"), REQUIRED)
def test_every_required_field_is_required(kind: str, name: str) -> None:
    data = {k: v for k, v in SAMPLES[kind].items() if k != name}
    with pytest.raises(PayloadError) as exc:
        validate_payload(kind, data)
    assert f"'{name}' is missing" in str(exc.value)


def test_unknown_fields_and_wrong_types_are_refused() -> None:
    good = {"alert": "x", "summary": "y"}
    validate_payload("alert.raised", good)
    with pytest.raises(PayloadError, match="unexpected field 'colour'"):
        validate_payload("alert.raised", dict(good, colour="red"))
    with pytest.raises(PayloadError, match="'summary' must be text"):
        validate_payload("alert.raised", dict(good, summary=3))
    with pytest.raises(PayloadError, match="floats"):
        validate_payload("alert.raised", dict(good, detail={"x": 0.5}))
    with pytest.raises(PayloadError, match="control characters"):
        validate_payload("alert.raised", dict(good, summary="a\x1b[2Jb"))
    with pytest.raises(PayloadError) as exc:
        validate_payload("no.such.kind", {})
    assert exc.value.code == "payload.unknown_kind"


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "new_password",
        "PIN",
        "pin_retries",
        "passphrase",
        "clientSecret",
        "private_key",
        "privateKey",
        "recovery-passphrase",
        "Passwd",
        "secret",
    ],
)
def test_secret_looking_fields_are_refused_at_any_depth(name: str) -> None:
    with pytest.raises(PayloadError) as exc:
        validate_payload("alert.raised", {"alert": "x", "summary": "y", name: "v"})
    assert exc.value.code == "payload.secret"
    with pytest.raises(PayloadError) as exc:
        validate_payload(
            "alert.raised", {"alert": "x", "summary": "y", "detail": {"list": [{name: 1}]}}
        )
    assert exc.value.code == "payload.secret"
    assert "v" not in exc.value.params.values()


@pytest.mark.parametrize(
    "name",
    ["shipping", "spinner", "pinned_at", "kiosk_key", "public_key", "credential_id", "opinion"],
)
def test_ordinary_names_are_not_mistaken_for_secrets(name: str) -> None:
    assert not looks_secret(name)


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=5))
def test_validation_never_crashes_on_arbitrary_payloads(data: dict[str, Any]) -> None:
    try:
        validate_payload("envelope.registered", data)
    except PayloadError as exc:
        assert exc.user_message()


@pytest.mark.parametrize("bad", ["\x00", "\t", "\r", "\x1f"])
def test_every_control_character_but_newline_is_refused(bad: str) -> None:
    validate_payload("alert.raised", {"alert": "x", "summary": "line one\nline two"})
    with pytest.raises(PayloadError, match="control characters"):
        validate_payload("alert.raised", {"alert": "x", "summary": f"a{bad}b"})
