"""The journal's kinds: for each, the fields of its ``data`` and whether it is dual.

This table is the one place a kind exists in the code: the payload check
(:mod:`kiosk.format.schema`), the projection's rules (:mod:`kiosk.state.rules`
covers exactly these kinds), the auditors' verifier and the UI's phrases all
read it. The project's catalogue of kinds, for auditors and operators, is
``docs/events.md``; ``tests/test_docs.py`` checks that the two list the same
kinds, the same fields and the same dual flags. The spec's kinds (section 5)
all appear.

A *dual* kind needs the signatures of two distinct custodians with two
distinct keys; ``docs/events.md`` says which of them a recorded policy
exception lets one custodian sign.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.format.values import (
    CALENDAR,
    CHANNELS,
    CHECKLIST,
    CREDENTIAL,
    ID,
    LONG,
    NAME,
    PERSON,
    PURPOSES,
    SERIAL,
    TEXT,
    Field,
    O,
    R,
    any_object,
    boolean,
    hex64,
    list_of,
    object_with,
    one_of,
    text,
    timestamp,
    whole_number,
)


@dataclass(frozen=True)
class Kind:
    """A journal kind: its fields and whether two custodians must sign it."""

    fields: Mapping[str, Field]
    dual: bool = False
    doc: str = ""


KINDS: dict[str, Kind] = {
    "journal.genesis": Kind(
        {
            "kiosk_id": R(text(40)),
            "kiosk_key": R(text(200)),
            "policy_hash": R(hex64),
            "uv_required": R(boolean),
            "journal_id": R(ID),
            "software": O(NAME),
            "calendar": O(CALENDAR),
        },
        doc="The journal was created (``calendar``: the policy's business-day calendar).",
    ),
    "policy.changed": Kind(
        {
            "policy_hash": R(hex64),
            "uv_required": R(boolean),
            "reason": O(TEXT),
            "calendar": O(CALENDAR),
        },
        dual=True,
        doc="The policy file changed.",
    ),
    "clock.confirmed": Kind(
        {
            "previous": R(timestamp),
            "clock": R(timestamp),
            "against": R(one_of("elapsed-time", "last-entry")),
            "reason": O(TEXT),
        },
        dual=True,
        doc="Two custodians confirmed the clock after it moved forward beyond the tolerance.",
    ),
    "custodian.enrolled": Kind(
        {
            "custodian": R(ID),
            "name": R(NAME),
            "role": R(NAME),
            "duties": R(list_of(one_of("custodian", "security", "auditor"), 1, 3)),
            "credential": R(CREDENTIAL),
            "replaces": O(text(1400)),
        },
        dual=True,
        doc="A person's security key was enrolled (first two: self-signed).",
    ),
    "custodian.revoked": Kind(
        {
            "custodian": R(ID),
            "credential_id": O(text(1400)),
            "reason": R(TEXT),
            "whole_custodian": O(boolean),
        },
        dual=True,
        doc="A credential (or every credential of a person) was revoked.",
    ),
    "account.registered": Kind(
        {
            "account": R(ID),
            "username": R(text(200)),
            "system": R(NAME),
            "purpose": R(TEXT),
            "access_url": O(text(500)),
            "storage_location": R(NAME),
            "authorised": R(list_of(ID, 2, 50)),
            "privilege": O(TEXT),
            "idp": O(NAME),
            "idp_alerts": O(boolean),
        },
        dual=True,
        doc="A break-glass account entered the inventory.",
    ),
    "envelope.stock_received": Kind(
        {"serials": R(list_of(SERIAL, 1, 500)), "supplier": O(NAME), "reference": O(TEXT)},
        doc="Blank tamper-evident bags were received from the supplier.",
    ),
    "envelope.registered": Kind(
        {
            "serial": R(SERIAL),
            "account": R(ID),
            "sheet": O(hex64),
            "sealed_at": O(timestamp),
            "signed_across_seal": R(boolean),
            "test": O(boolean),
            "incident": O(ID),
            "resealed_from": O(SERIAL),
            "credential": O(ID),
            "copy": O(whole_number(1)),
            "copies": O(whole_number(1)),
        },
        dual=True,
        doc="A sealed envelope was checked in to the safe (``credential``: the sealing whose "
        "password its sheet holds, ``copy`` of ``copies``; every sealed envelope of the account "
        "holding another credential is superseded from this entry on).",
    ),
    "envelope.checked_out": Kind(
        {
            "serial": R(SERIAL),
            "account": R(ID),
            "incident": R(ID),
            "test": O(boolean),
            "exception": O(ID),
            "purpose": O(one_of(*PURPOSES)),
        },
        dual=True,
        doc="An envelope was taken out of the safe for an invocation.",
    ),
    "envelope.inspected": Kind(
        {
            "serial": R(SERIAL),
            "incident": O(ID),
            "result": R(one_of("intact", "tampered")),
            "checklist": R(CHECKLIST),
            "photo_ref": O(TEXT),
            "note": O(TEXT),
            "test": O(boolean),
        },
        doc="Integrity checked: intact or tampered (tampered quarantines it).",
    ),
    "envelope.opened": Kind(
        {
            "serial": R(SERIAL),
            "incident": R(ID),
            "exterior_signed": R(boolean),
            "exception": O(ID),
            "test": O(boolean),
            "purpose": O(one_of(*PURPOSES)),
        },
        dual=True,
        doc="An envelope was opened.",
    ),
    "envelope.returned": Kind(
        {
            "serial": R(SERIAL),
            "incident": O(ID),
            "reason": R(TEXT),
            "test": O(boolean),
            "exception": O(ID),
            "checklist": O(CHECKLIST),
            "ends_invocation": O(boolean),
        },
        dual=True,
        doc="An unopened envelope went back into the safe; ends_invocation=false: another "
        "will be checked out for the same invocation (absent: the invocation ends here).",
    ),
    "invocation.stood_down": Kind(
        {"incident": R(ID), "reason": R(TEXT), "test": O(boolean)},
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
            "test": O(boolean),
        },
        dual=True,
        doc="Old credentials (sheet and envelope) were destroyed.",
    ),
    "credential.rotated": Kind(
        {
            "account": R(ID),
            "new_serial": R(SERIAL),
            "old_serial": O(SERIAL),
            "test_login_ok": R(boolean),
            "incident": O(ID),
            "performed_by": O(list_of(NAME, 1, 10)),
            "test": O(boolean),
        },
        dual=True,
        doc="The account's credential was replaced.",
    ),
    "invocation.declared": Kind(
        {
            "incident": R(ID),
            "record": R(any_object),
            "account": O(ID),
            "test": O(boolean),
            "exception": O(ID),
        },
        doc="A break-glass invocation was declared.",
    ),
    "approver.contacted": Kind(
        {
            "incident": R(ID),
            "approver": R(NAME),
            "role": O(NAME),
            "channel": R(one_of(*CHANNELS)),
            "at": R(timestamp),
            "outcome": R(one_of("no-answer", "approved", "declined", "left-message")),
            "note": O(TEXT),
            "test": O(boolean),
            "contact": O(TEXT),
            "followup_ref": O(TEXT),
            "after_refusal": O(boolean),
            "entered_late_minutes": O(whole_number(0)),
        },
        doc="An attempt to reach an emergency approver (channel, time, outcome).",
    ),
    "exception.opened": Kind(
        {
            "incident": R(ID),
            "exception": R(one_of("approver-unreachable", "solo-access")),
            "reason": R(TEXT),
            "test": O(boolean),
        },
        doc="A policy exception of the procedure's troubleshooting table was invoked.",
    ),
    "exception.signed_off": Kind(
        {
            "incident": R(ID),
            "exception": R(one_of("approver-unreachable", "solo-access")),
            "by": R(PERSON),
            "method": R(one_of(*CHANNELS)),
            "at": R(timestamp),
            "test": O(boolean),
            "entered_late_minutes": O(whole_number(0)),
        },
        doc="An executive signed off a policy exception (solo access within 1 hour).",
    ),
    "approver.notified": Kind(
        {
            "incident": R(ID),
            "approver": R(NAME),
            "channel": R(one_of(*CHANNELS)),
            "at": R(timestamp),
            "test": O(boolean),
            "entered_late_minutes": O(whole_number(0)),
        },
        doc="The approver was notified after an emergency exception (within 1 hour).",
    ),
    "session.started": Kind(
        {
            "incident": R(ID),
            "account": R(ID),
            "system": R(NAME),
            "at": R(timestamp),
            "baseline_ref": O(TEXT),
            "provider_session_ref": O(TEXT),
            "test": O(boolean),
            "max_minutes": O(whole_number(1)),
            "idp_alert_received": O(boolean),
            "entered_late_minutes": O(whole_number(0)),
        },
        doc="System access established with the retrieved credentials.",
    ),
    "session.action": Kind(
        {
            "incident": R(ID),
            "at": R(timestamp),
            "action": R(TEXT),
            "outcome": R(TEXT),
            "outside_reason": R(boolean),
            "narrated": R(boolean),
            "justification": O(TEXT),
            "test": O(boolean),
            "source": O(one_of("live", "audit-log")),
            "entered_late_minutes": O(whole_number(0)),
        },
        doc="One significant action during the session, with its outcome.",
    ),
    "session.ended": Kind(
        {
            "incident": R(ID),
            "at": R(timestamp),
            "duration_minutes": R(whole_number(0)),
            "established": O(boolean),
            "post_change_ref": O(TEXT),
            "test": O(boolean),
            "over_limit": O(boolean),
            "entered_late_minutes": O(whole_number(0)),
        },
        doc="Logged out of the target system; established=false: access was never obtained "
        "and the attempt was concluded.",
    ),
    "review.completed": Kind(
        {
            "incident": R(ID),
            "participants": R(list_of(PERSON, 1, 20)),
            "checklist": R(any_object),
            "root_cause": R(TEXT),
            "corrective_actions": R(list_of(TEXT, 0, 20)),
            "findings": O(LONG),
            "audit_log": O(any_object),
            "witness_absence": O(LONG),
            "escalated": R(boolean),
            "test": O(boolean),
            "ticket_ref": O(TEXT),
            "flags": O(list_of(TEXT, 0, 50)),
            "security": O(ID),
        },
        doc="The post-incident review was held and recorded.",
    ),
    "session.signed": Kind(
        {
            "incident": R(ID),
            "record_hash": R(hex64),
            "summary": O(any_object),
            "exception": O(ID),
            "test": O(boolean),
        },
        dual=True,
        doc="The session record was reviewed and signed.",
    ),
    "invocation.acknowledged": Kind(
        {
            "incident": R(ID),
            "acknowledged_by": R(list_of(ID, 1, 2)),
            "witness_present": R(boolean),
            "exception": O(ID),
            "test": O(boolean),
        },
        dual=True,
        doc="Both parties acknowledged the invocation (procedure phase 1, step 4).",
    ),
    "sheet.printed": Kind(
        {
            "account": R(ID),
            "serial": R(SERIAL),
            "sheet_ref": R(ID),
            "purpose": R(one_of("rotation", "provision")),
            "incident": O(ID),
            "test": O(boolean),
            "credential": O(ID),
            "approved_seq": O(whole_number(1)),
            "copy": O(whole_number(1)),
            "copies": O(whole_number(1)),
        },
        doc="A new credential sheet was printed for the bag it will be sealed in (its QR "
        "names this entry).",
    ),
    "sheet.print_failed": Kind(
        {
            "account": R(ID),
            "serial": R(SERIAL),
            "sheet_ref": R(ID),
            "sheet_seq": R(whole_number(1)),
            "reason": R(ID),
            "incident": O(ID),
            "test": O(boolean),
        },
        doc="The sheet of the sheet.printed entry ``sheet_seq`` did not print (``reason``: "
        "the print error's code). That sheet is void: it can never be sealed, and any part of "
        "it that came out was to be shredded; a new sheet, with a new password, is printed.",
    ),
    "sheet.confirmed": Kind(
        {
            "incident": R(ID),
            "serial": R(SERIAL),
            "sheet_seq": R(whole_number(1)),
            "test": O(boolean),
        },
        doc="The sheet's QR, scanned after opening, matched the envelope.",
    ),
    "access.problem": Kind(
        {
            "incident": R(ID),
            "problem": R(one_of("login-failed", "mfa-unavailable")),
            "cause": R(TEXT),
            "resolution": R(TEXT),
            "account_status_checked": O(boolean),
            "provider_contacted": O(boolean),
            "reference": O(TEXT),
            "test": O(boolean),
        },
        doc="Break-glass login failed or its MFA method was unavailable (troubleshooting).",
    ),
    "documentation.discrepancy": Kind(
        {
            "incident": R(ID),
            "audit_log_ref": R(TEXT),
            "description": R(TEXT),
            "investigation": R(TEXT),
            "test": O(boolean),
        },
        doc="Actions performed exceeded what was documented; reconstructed from audit logs.",
    ),
    "credential.reset_failed": Kind(
        {
            "account": R(ID),
            "serial": R(SERIAL),
            "cause": R(one_of("complexity", "admin-rights", "account-policy", "other")),
            "resolution": R(TEXT),
            "sheet_destroyed": R(boolean),
            "incident": O(ID),
            "test": O(boolean),
        },
        doc="The new password could not be set; the printed sheet was destroyed.",
    ),
    "review.escalated": Kind(
        {
            "incident": R(ID),
            "to": R(list_of(NAME, 1, 10)),
            "reason": R(TEXT),
            "logs_preserved": R(boolean),
            "suspension_considered": R(boolean),
            "test": O(boolean),
        },
        doc="The review found violations or unexplained actions and escalated them.",
    ),
    "verification.completed": Kind(
        {
            "incident": R(ID),
            "account": R(ID),
            "serial": R(SERIAL),
            "test_login_ok": R(boolean),
            "audit_events": R(
                object_with(
                    {
                        "incident_login": R(boolean),
                        "test_login": R(boolean),
                        "credential_change": R(boolean),
                    }
                )
            ),
            "chain_complete": R(boolean),
            "storage_secured": R(boolean),
            "new_serial": R(SERIAL),
            "test": O(boolean),
        },
        doc="The reset credentials were retrieved under dual control and verified.",
    ),
    "credential.approved": Kind(
        {
            "account": R(ID),
            "credential": R(ID),
            "serials": R(list_of(SERIAL, 1, 10)),
            "purpose": R(one_of("rotation", "provision")),
            "incident": O(ID),
            "test": O(boolean),
        },
        dual=True,
        doc="Two custodians approved generating the account's new password and printing it on "
        "one sheet per bag in ``serials`` (one credential, many copies); its ``sheet.printed`` "
        "entries name this entry (``approved_seq``).",
    ),
    "verification.failed": Kind(
        {
            "incident": R(ID),
            "account": R(ID),
            "serial": R(SERIAL),
            "cause": R(TEXT),
            "test": O(boolean),
        },
        doc="The test login with the reset credential failed: rotation is due again.",
    ),
    "account.updated": Kind(
        {
            "account": R(ID),
            "reason": R(TEXT),
            "system": O(NAME),
            "storage_location": O(NAME),
            "authorised": O(list_of(ID, 2, 50)),
            "privilege": O(TEXT),
        },
        dual=True,
        doc="A break-glass account's system, storage, authorised people or privilege "
        "justification changed (only the fields given).",
    ),
    "account.retired": Kind(
        {"account": R(ID), "reason": R(TEXT)},
        dual=True,
        doc="A break-glass account left the inventory; its envelopes are to be destroyed.",
    ),
    "export.approved": Kind(
        {"volume": O(TEXT), "purpose": O(TEXT)},
        dual=True,
        doc="An enrolled auditor and a custodian approved an audit export (moving audit data "
        "needs two people).",
    ),
    "export.created": Kind(
        {
            "bundle": R(text(120)),
            "manifest_hash": R(hex64),
            "entries": R(whole_number(1)),
            "volume": O(TEXT),
            "approved_seq": O(whole_number(1)),
        },
        doc="An audit bundle was written.",
    ),
    "export.failed": Kind(
        {
            "bundle": R(text(120)),
            "reason": R(TEXT),
            "volume": O(TEXT),
            "approved_seq": O(whole_number(1)),
        },
        doc="An audit export failed; nothing valid was left on the medium.",
    ),
    "alert.raised": Kind(
        {
            "alert": R(ID),
            "summary": R(TEXT),
            "detail": O(any_object),
            "incident": O(ID),
        },
        doc="Something the security team must know about (printed as an alert slip).",
    ),
    "alert.slip_failed": Kind(
        {"alert_seq": R(whole_number(1)), "reason": R(ID)},
        doc="The alert slip of alert ``alert_seq`` did not print (``reason``: the print "
        "error's code). The terminal's alarm is paper: the dashboard marks the alert until "
        "its slip prints or a person acknowledges it.",
    ),
    "alert.slip_printed": Kind(
        {"alert_seq": R(whole_number(1))},
        doc="The slip of an alert whose slip had failed was printed on a later try.",
    ),
    "alert.acknowledged": Kind(
        {"alert_seq": R(whole_number(1)), "by": R(ID), "note": O(TEXT)},
        doc="A custodian acknowledged an alert, signed with their key (``by`` is one of the "
        "signers); a ``journal.integrity`` alarm needs two distinct custodians with two keys.",
    ),
    "terminal.unlocked": Kind(
        {
            "method": R(one_of("key", "passphrase")),
            "custodian": O(ID),
            "credential_id": O(text(1400)),
            "nonce": O(text(64)),
            "assertion": O(
                object_with(
                    {
                        "authenticator_data": R(text(4000)),
                        "client_data_json": R(text(4000)),
                        "signature": R(text(400)),
                    }
                )
            ),
        },
        doc="The terminal was unlocked: with a custodian's key (``custodian``, "
        "``credential_id`` and the unlock's own WebAuthn assertion over the journal id and "
        "``nonce``: its signature counter is the key's hardware witness) or with the recovery "
        "passphrase (``method`` passphrase, raising an ``unlock.passphrase`` alert).",
    ),
    # continuity (issue 21)
    "backup.medium_registered": Kind(
        {
            "medium": R(text(200)),
            "description": R(TEXT),
            "every_days": O(whole_number(1)),
            "path": O(text(400)),
        },
        dual=True,
        doc="A backup medium (a stick kept in the safe, or a second disk) was registered "
        "under dual control; sealed backups are written only to a registered medium.",
    ),
    "backup.written": Kind(
        {
            "medium": R(text(200)),
            "file": R(text(200)),
            "seq": R(whole_number(1)),
            "hash": R(hex64),
            "reason": R(one_of("incident", "enrolment", "revocation", "schedule", "manual")),
            "every_days": O(whole_number(1)),
        },
        doc="A sealed backup of the journal (up to entry ``seq`` with ``hash``) and its key "
        "slots was written to the registered medium ``medium``; the next is due at once after "
        "an incident closes, an enrolment or a revocation, else ``every_days`` after it.",
    ),
    "backup.failed": Kind(
        {
            "medium": R(text(200)),
            "reason": R(one_of("incident", "enrolment", "revocation", "schedule", "manual")),
            "error": R(text(80)),
            "words": R(TEXT),
        },
        doc="The terminal could not write an automatic backup to the registered medium "
        "(``error``: the failure's code, ``words``: what it means); the backup stays due.",
    ),
    "terminal.restored": Kind(
        {
            "backup_file": R(text(200)),
            "backup_seq": R(whole_number(1)),
            "backup_hash": R(hex64),
            "anchor_seq": O(whole_number(1)),
            "anchor_hash": O(text(64)),
            "anchor_source": O(one_of("qr", "typed", "none")),
            "export_seq": O(whole_number(1)),
            "lost_from": O(whole_number(1)),
            "lost_to": O(whole_number(1)),
            "lost_count": R(whole_number(0)),
            "reason": R(TEXT),
        },
        dual=True,
        doc="The journal was restored from a sealed backup under two custodians. Entries "
        "``lost_from`` to ``lost_to`` (``lost_count`` of them), recorded after the backup and "
        "known from the paper anchor or the newest export, are lost; the seqs after the "
        "backup's head are reused from here on.",
    ),
    "terminal.moved": Kind(
        {"to": R(TEXT), "reason": R(TEXT)},
        dual=True,
        doc="Two custodians moved the terminal to new hardware (``to``): a sealed backup "
        "follows, restored there; this copy refuses to run from here on.",
    ),
    "terminal.retired": Kind(
        {"reason": R(TEXT)},
        dual=True,
        doc="Two custodians retired the terminal (``sealroom retire``): the final export, "
        "approved just before, follows and ends with this entry; then the retirement "
        "certificate with that head is printed and the key material destroyed.",
    ),
}


def is_dual(kind: str) -> bool:
    """True if ``kind`` needs two custodians' signatures (False for an unknown kind)."""
    k = KINDS.get(kind)
    return bool(k and k.dual)
