"""Payload schemas: what each kind's ``data`` must hold before it is written.

Why a hand-written table instead of JSON Schema: the rules are few, each
error must read as a sentence a custodian understands, and the same table
says which kinds are *dual* (need two custodians' signatures). The spec's
kinds (section 5) all appear; the project's own kinds are documented in
``kiosk/journal/README.md``.

Invariants:

* a payload with a field whose name looks like a secret (password, pin,
  passphrase, secret, private…) is refused outright, at any depth;
* unknown fields are refused at write time (the auditors' verifier, in
  contrast, tolerates them: it judges the contract, not this terminal);
* every value is canonical JSON (no floats, integers below 2**53).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.errors import PayloadError
from kiosk.errors.secret_names import looks_secret
from kiosk.journal.canonical import NotCanonicalError, check_value
from kiosk.journal.clock import is_ts
from kiosk.journal.entry import is_hex64

Check = Callable[[Any], str | None]


#: Control characters other than newline (one C-level search instead of a Python loop).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


def _str(max_len: int = 500, min_len: int = 1) -> Check:
    def check(v: Any) -> str | None:
        if not isinstance(v, str):
            return "must be text"
        if not min_len <= len(v.strip()) <= max_len:
            return f"must be {min_len} to {max_len} characters"
        if _CONTROL.search(v):
            return "must not contain control characters"
        return None

    return check


def _int(lo: int = 0, hi: int = 2**53 - 1) -> Check:
    return lambda v: (
        None
        if isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi
        else f"must be a whole number from {lo} to {hi}"
    )


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


def _ts(v: Any) -> str | None:
    return None if is_ts(v) else "must be a time YYYY-MM-DDTHH:MM:SS.mmmZ"


def _hex64(v: Any) -> str | None:
    return None if is_hex64(v) else "must be a SHA-256 hex digest"


def _one_of(*options: str) -> Check:
    return lambda v: None if v in options else f"must be one of {', '.join(options)}"


def _one_of_int(*options: int) -> Check:
    return lambda v: (
        None
        if isinstance(v, int) and not isinstance(v, bool) and v in options
        else f"must be one of {', '.join(map(str, options))}"
    )


def _list(item: Check, min_items: int = 0, max_items: int = 200) -> Check:
    def check(v: Any) -> str | None:
        if not isinstance(v, list):
            return "must be a list"
        if not min_items <= len(v) <= max_items:
            return f"must list {min_items} to {max_items} items"
        for i, x in enumerate(v):
            problem = item(x)
            if problem:
                return f"item {i + 1} {problem}"
        return None

    return check


def _obj(fields: Mapping[str, tuple[Check, bool]]) -> Check:
    def check(v: Any) -> str | None:
        if not isinstance(v, dict):
            return "must be an object"
        return _check_fields(v, fields)

    return check


def _any_obj(v: Any) -> str | None:
    return None if isinstance(v, dict) else "must be an object"


def _check_fields(data: Mapping[str, Any], fields: Mapping[str, tuple[Check, bool]]) -> str | None:
    for name, (check, required) in fields.items():
        if name not in data:
            if required:
                return f"'{name}' is missing"
            continue
        problem = check(data[name])
        if problem:
            return f"'{name}' {problem}"
    extra = sorted(set(data) - set(fields))
    if extra:
        return f"unexpected field '{extra[0]}'"
    return None


def R(check: Check) -> tuple[Check, bool]:
    return (check, True)


def O(check: Check) -> tuple[Check, bool]:  # noqa: E743
    return (check, False)


ID = _str(64)
TEXT = _str(500)
LONG = _str(4000)
NAME = _str(120)
SERIAL = _str(64)

CREDENTIAL = _obj(
    {
        "id": R(_str(1400)),
        "public_key": R(_str(4000)),
        "alg": R(_one_of_int(-7, -8)),
        "rp_id": R(_str(253)),
        "aaguid": O(_str(64)),
        "label": O(NAME),
    }
)
PERSON = _obj({"name": R(NAME), "role": R(NAME)})
#: The business-day calendar of the policy (``[calendar]``): a country, and a
#: subdivision, of the ``holidays`` package, and the terminal's time zone (an
#: IANA name: where the organisation's days begin and end). Journalled so that
#: an auditor's verifier counts business days on the terminal's calendar.
CALENDAR = _obj({"country": R(_str(3)), "subdivision": O(_str(10)), "timezone": O(_str(64))})
CHECKLIST = _obj(
    {
        "seal_unbroken": R(_bool),
        "signatures_undisturbed": R(_bool),
        "no_tears_or_holes": R(_bool),
        "no_steaming": R(_bool),
    }
)
#: Why an envelope leaves the safe: an incident, the test retrieval after a reset, a drill.
PURPOSES = ("incident", "verification", "drill")
CHANNELS = ("phone", "messaging", "email", "in-person", "video")


@dataclass(frozen=True)
class Kind:
    """A journal kind: its fields and whether two custodians must sign it."""

    fields: Mapping[str, tuple[Check, bool]]
    dual: bool = False
    doc: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


KINDS: dict[str, Kind] = {
    "journal.genesis": Kind(
        {
            "kiosk_id": R(_str(40)),
            "kiosk_key": R(_str(200)),
            "policy_hash": R(_hex64),
            "uv_required": R(_bool),
            "journal_id": R(ID),
            "software": O(NAME),
            "calendar": O(CALENDAR),
        },
        doc="The journal was created (``calendar``: the policy's business-day calendar).",
    ),
    "policy.changed": Kind(
        {
            "policy_hash": R(_hex64),
            "uv_required": R(_bool),
            "reason": O(TEXT),
            "calendar": O(CALENDAR),
        },
        dual=True,
        doc="The policy file changed.",
    ),
    "custodian.enrolled": Kind(
        {
            "custodian": R(ID),
            "name": R(NAME),
            "role": R(NAME),
            "duties": R(_list(_one_of("custodian", "security", "auditor"), 1, 3)),
            "credential": R(CREDENTIAL),
            "replaces": O(_str(1400)),
        },
        dual=True,
        doc="A person's security key was enrolled (first two: self-signed).",
    ),
    "custodian.revoked": Kind(
        {
            "custodian": R(ID),
            "credential_id": O(_str(1400)),
            "reason": R(TEXT),
            "whole_custodian": O(_bool),
        },
        dual=True,
        doc="A credential (or every credential of a person) was revoked.",
    ),
    "account.registered": Kind(
        {
            "account": R(ID),
            "username": R(_str(200)),
            "system": R(NAME),
            "purpose": R(TEXT),
            "access_url": O(_str(500)),
            "storage_location": R(NAME),
            "authorised": R(_list(ID, 2, 50)),
            "privilege": O(TEXT),
            "idp": O(NAME),
        },
        dual=True,
        doc="A break-glass account entered the inventory.",
    ),
    "envelope.stock_received": Kind(
        {"serials": R(_list(SERIAL, 1, 500)), "supplier": O(NAME), "reference": O(TEXT)},
        doc="Blank tamper-evident bags were received from the supplier.",
    ),
    "envelope.registered": Kind(
        {
            "serial": R(SERIAL),
            "account": R(ID),
            "sheet": O(_hex64),
            "sealed_at": O(_ts),
            "signed_across_seal": R(_bool),
            "test": O(_bool),
            "incident": O(ID),
            "resealed_from": O(SERIAL),
        },
        dual=True,
        doc="A sealed envelope was checked in to the safe.",
    ),
    "envelope.checked_out": Kind(
        {
            "serial": R(SERIAL),
            "account": R(ID),
            "incident": R(ID),
            "test": O(_bool),
            "exception": O(ID),
            "purpose": O(_one_of(*PURPOSES)),
        },
        dual=True,
        doc="An envelope was taken out of the safe for an invocation.",
    ),
    "envelope.inspected": Kind(
        {
            "serial": R(SERIAL),
            "incident": O(ID),
            "result": R(_one_of("intact", "tampered")),
            "checklist": R(
                _obj(
                    {
                        "seal_unbroken": R(_bool),
                        "signatures_undisturbed": R(_bool),
                        "no_tears_or_holes": R(_bool),
                        "no_steaming": R(_bool),
                    }
                )
            ),
            "photo_ref": O(TEXT),
            "note": O(TEXT),
            "test": O(_bool),
        },
        doc="Integrity checked: intact or tampered (tampered quarantines it).",
    ),
    "envelope.opened": Kind(
        {
            "serial": R(SERIAL),
            "incident": R(ID),
            "exterior_signed": R(_bool),
            "exception": O(ID),
            "test": O(_bool),
            "purpose": O(_one_of(*PURPOSES)),
        },
        dual=True,
        doc="An envelope was opened.",
    ),
    "envelope.returned": Kind(
        {
            "serial": R(SERIAL),
            "incident": O(ID),
            "reason": R(TEXT),
            "test": O(_bool),
            "exception": O(ID),
            "checklist": O(CHECKLIST),
            "ends_invocation": O(_bool),
        },
        dual=True,
        doc="An unopened envelope went back into the safe; ends_invocation=false: another "
        "will be checked out for the same invocation (absent: the invocation ends here).",
    ),
    "invocation.stood_down": Kind(
        {"incident": R(ID), "reason": R(TEXT), "test": O(_bool)},
        doc="The invocation ended with no envelope opened (normal access came back, or no "
        "usable envelope): the review follows.",
    ),
    "envelope.destroyed": Kind(
        {
            "serial": R(SERIAL),
            "method": R(TEXT),
            "witness": O(PERSON),
            "reason": O(TEXT),
            "incident": O(ID),
            "test": O(_bool),
        },
        dual=True,
        doc="Old credentials (sheet and envelope) were destroyed.",
    ),
    "credential.rotated": Kind(
        {
            "account": R(ID),
            "new_serial": R(SERIAL),
            "old_serial": O(SERIAL),
            "test_login_ok": R(_bool),
            "incident": O(ID),
            "performed_by": O(_list(NAME, 1, 10)),
            "test": O(_bool),
        },
        dual=True,
        doc="The account's credential was replaced.",
    ),
    "invocation.declared": Kind(
        {
            "incident": R(ID),
            "record": R(_any_obj),
            "account": O(ID),
            "test": O(_bool),
            "exception": O(ID),
        },
        doc="A break-glass invocation was declared.",
    ),
    "approver.contacted": Kind(
        {
            "incident": R(ID),
            "approver": R(NAME),
            "role": O(NAME),
            "channel": R(_one_of("phone", "messaging", "email", "in-person", "video")),
            "at": R(_ts),
            "outcome": R(_one_of("no-answer", "approved", "declined", "left-message")),
            "note": O(TEXT),
            "test": O(_bool),
        },
        doc="An attempt to reach an emergency approver (channel, time, outcome).",
    ),
    "exception.opened": Kind(
        {
            "incident": R(ID),
            "exception": R(_one_of("approver-unreachable", "solo-access")),
            "reason": R(TEXT),
            "test": O(_bool),
        },
        doc="A policy exception of the procedure's troubleshooting table was invoked.",
    ),
    "exception.signed_off": Kind(
        {
            "incident": R(ID),
            "exception": R(_one_of("approver-unreachable", "solo-access")),
            "by": R(PERSON),
            "method": R(_one_of("phone", "messaging", "email", "in-person", "video")),
            "at": R(_ts),
            "test": O(_bool),
        },
        doc="An executive signed off a policy exception (solo access within 1 hour).",
    ),
    "approver.notified": Kind(
        {
            "incident": R(ID),
            "approver": R(NAME),
            "channel": R(_one_of("phone", "messaging", "email", "in-person", "video")),
            "at": R(_ts),
            "test": O(_bool),
        },
        doc="The approver was notified after an emergency exception (within 1 hour).",
    ),
    "session.started": Kind(
        {
            "incident": R(ID),
            "account": R(ID),
            "system": R(NAME),
            "at": R(_ts),
            "baseline_ref": O(TEXT),
            "provider_session_ref": O(TEXT),
            "test": O(_bool),
        },
        doc="System access established with the retrieved credentials.",
    ),
    "session.action": Kind(
        {
            "incident": R(ID),
            "at": R(_ts),
            "action": R(TEXT),
            "outcome": R(TEXT),
            "outside_reason": R(_bool),
            "narrated": R(_bool),
            "justification": O(TEXT),
            "test": O(_bool),
            "source": O(_one_of("live", "audit-log")),
        },
        doc="One significant action during the session, with its outcome.",
    ),
    "session.ended": Kind(
        {
            "incident": R(ID),
            "at": R(_ts),
            "duration_minutes": R(_int(0)),
            "established": O(_bool),
            "post_change_ref": O(TEXT),
            "test": O(_bool),
        },
        doc="Logged out of the target system; established=false: access was never obtained "
        "and the attempt was concluded.",
    ),
    "review.completed": Kind(
        {
            "incident": R(ID),
            "participants": R(_list(PERSON, 1, 20)),
            "checklist": R(_any_obj),
            "root_cause": R(TEXT),
            "corrective_actions": R(_list(TEXT, 0, 20)),
            "findings": O(LONG),
            "audit_log": O(_any_obj),
            "witness_absence": O(LONG),
            "escalated": R(_bool),
            "test": O(_bool),
        },
        doc="The post-incident review was held and recorded.",
    ),
    "session.signed": Kind(
        {
            "incident": R(ID),
            "record_hash": R(_hex64),
            "summary": O(_any_obj),
            "exception": O(ID),
            "test": O(_bool),
        },
        dual=True,
        doc="The session record was reviewed and signed.",
    ),
    "invocation.acknowledged": Kind(
        {
            "incident": R(ID),
            "acknowledged_by": R(_list(ID, 1, 2)),
            "witness_present": R(_bool),
            "exception": O(ID),
            "test": O(_bool),
        },
        dual=True,
        doc="Both parties acknowledged the invocation (procedure phase 1, step 4).",
    ),
    "sheet.printed": Kind(
        {
            "account": R(ID),
            "serial": R(SERIAL),
            "sheet_ref": R(ID),
            "purpose": R(_one_of("rotation", "provision")),
            "incident": O(ID),
            "test": O(_bool),
        },
        doc="A new credential sheet was printed for the bag it will be sealed in (its QR "
        "names this entry).",
    ),
    "sheet.print_failed": Kind(
        {
            "account": R(ID),
            "serial": R(SERIAL),
            "sheet_ref": R(ID),
            "sheet_seq": R(_int(1)),
            "reason": R(ID),
            "incident": O(ID),
            "test": O(_bool),
        },
        doc="The sheet of the sheet.printed entry ``sheet_seq`` did not print (``reason``: "
        "the print error's code). That sheet is void: it can never be sealed, and any part of "
        "it that came out was to be shredded; a new sheet, with a new password, is printed.",
    ),
    "sheet.confirmed": Kind(
        {
            "incident": R(ID),
            "serial": R(SERIAL),
            "sheet_seq": R(_int(1)),
            "test": O(_bool),
        },
        doc="The sheet's QR, scanned after opening, matched the envelope.",
    ),
    "access.problem": Kind(
        {
            "incident": R(ID),
            "problem": R(_one_of("login-failed", "mfa-unavailable")),
            "cause": R(TEXT),
            "resolution": R(TEXT),
            "account_status_checked": O(_bool),
            "provider_contacted": O(_bool),
            "reference": O(TEXT),
            "test": O(_bool),
        },
        doc="Break-glass login failed or its MFA method was unavailable (troubleshooting).",
    ),
    "documentation.discrepancy": Kind(
        {
            "incident": R(ID),
            "audit_log_ref": R(TEXT),
            "description": R(TEXT),
            "investigation": R(TEXT),
            "test": O(_bool),
        },
        doc="Actions performed exceeded what was documented; reconstructed from audit logs.",
    ),
    "credential.reset_failed": Kind(
        {
            "account": R(ID),
            "serial": R(SERIAL),
            "cause": R(_one_of("complexity", "admin-rights", "account-policy", "other")),
            "resolution": R(TEXT),
            "sheet_destroyed": R(_bool),
            "incident": O(ID),
            "test": O(_bool),
        },
        doc="The new password could not be set; the printed sheet was destroyed.",
    ),
    "review.escalated": Kind(
        {
            "incident": R(ID),
            "to": R(_list(NAME, 1, 10)),
            "reason": R(TEXT),
            "logs_preserved": R(_bool),
            "suspension_considered": R(_bool),
            "test": O(_bool),
        },
        doc="The review found violations or unexplained actions and escalated them.",
    ),
    "verification.completed": Kind(
        {
            "incident": R(ID),
            "account": R(ID),
            "serial": R(SERIAL),
            "test_login_ok": R(_bool),
            "audit_events": R(
                _obj(
                    {
                        "incident_login": R(_bool),
                        "test_login": R(_bool),
                        "credential_change": R(_bool),
                    }
                )
            ),
            "chain_complete": R(_bool),
            "storage_secured": R(_bool),
            "new_serial": R(SERIAL),
            "test": O(_bool),
        },
        doc="The reset credentials were retrieved under dual control and verified.",
    ),
    "export.approved": Kind(
        {"volume": O(TEXT), "purpose": O(TEXT)},
        dual=True,
        doc="An enrolled auditor and a custodian approved an audit export (moving audit data "
        "needs two people).",
    ),
    "export.created": Kind(
        {
            "bundle": R(_str(120)),
            "manifest_hash": R(_hex64),
            "entries": R(_int(1)),
            "volume": O(TEXT),
            "approved_seq": O(_int(1)),
        },
        doc="An audit bundle was written.",
    ),
    "export.failed": Kind(
        {
            "bundle": R(_str(120)),
            "reason": R(TEXT),
            "volume": O(TEXT),
            "approved_seq": O(_int(1)),
        },
        doc="An audit export failed; nothing valid was left on the medium.",
    ),
    "alert.raised": Kind(
        {
            "alert": R(ID),
            "summary": R(TEXT),
            "detail": O(_any_obj),
            "incident": O(ID),
        },
        doc="Something the security team must know about (printed as an alert slip).",
    ),
    "alert.slip_failed": Kind(
        {"alert_seq": R(_int(1)), "reason": R(ID)},
        doc="The alert slip of alert ``alert_seq`` did not print (``reason``: the print "
        "error's code). The terminal's alarm is paper: the dashboard marks the alert until "
        "its slip prints or a person acknowledges it.",
    ),
    "alert.slip_printed": Kind(
        {"alert_seq": R(_int(1))},
        doc="The slip of an alert whose slip had failed was printed on a later try.",
    ),
    "alert.acknowledged": Kind(
        {"alert_seq": R(_int(1)), "by": R(ID), "note": O(TEXT)},
        doc="A person acknowledged an alert.",
    ),
}


def is_dual(kind: str) -> bool:
    k = KINDS.get(kind)
    return bool(k and k.dual)


def find_secret_field(data: Any, path: str = "") -> str | None:
    """The first field, at any depth, whose name looks like a secret."""
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if looks_secret(str(key)):
                return here
            found = find_secret_field(value, here)
            if found:
                return found
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found = find_secret_field(value, f"{path}[{i}]")
            if found:
                return found
    return None


def validate_payload(kind: str, data: Any) -> None:
    """Raise :class:`PayloadError` unless ``data`` is a valid payload for ``kind``."""
    if not isinstance(data, dict):
        raise PayloadError("payload.invalid", kind=kind, reason="the data must be an object")
    secret = find_secret_field(data)
    if secret:
        raise PayloadError("payload.secret", kind=kind, field=secret)
    spec = KINDS.get(kind)
    if spec is None:
        raise PayloadError("payload.unknown_kind", kind=kind)
    try:
        check_value(data)
    except NotCanonicalError as exc:
        raise PayloadError("payload.invalid", kind=kind, reason=str(exc)) from exc
    problem = _check_fields(data, spec.fields)
    if problem:
        raise PayloadError("payload.invalid", kind=kind, reason=problem)
