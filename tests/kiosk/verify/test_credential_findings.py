"""The auditor sees stale credentials (issue 18): each finding of
:mod:`kiosk.rules.credential_findings`, from the entries alone, and none on a clean history."""

from __future__ import annotations

import itertools
from typing import Any

from kiosk.rules.credential_findings import CredentialAudit

SEQ = itertools.count(2)
REG = {"account": "acc1", "signed_across_seal": True}


def codes(audit: CredentialAudit) -> list[str]:
    return [f[0] for f in audit.findings()]


def feed(
    audit: CredentialAudit,
    *entries: tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], list[str]],
) -> None:
    for e in entries:
        seq = next(SEQ)
        kind, data = e[0], e[1]
        signers = e[2] if len(e) > 2 else ["alice", "bob"]  # type: ignore[misc]
        audit.observe(seq, kind, data, signers)


def people() -> CredentialAudit:
    audit = CredentialAudit()
    feed(
        audit,
        ("custodian.enrolled", {"custodian": "alice", "duties": ["custodian"]}),
        ("custodian.enrolled", {"custodian": "bob", "duties": ["custodian"]}),
        ("custodian.enrolled", {"custodian": "carol", "duties": ["custodian", "security"]}),
        (
            "invocation.declared",
            {
                "incident": "i1",
                "record": {
                    "declared_by": {"custodian": "alice"},
                    "second_person": {"custodian": "bob"},
                },
            },
        ),
    )
    return audit


def test_a_clean_rotation_finds_nothing() -> None:
    audit = people()
    feed(
        audit,
        ("envelope.registered", {**REG, "serial": "S1", "credential": "C1"}),
        ("envelope.registered", {**REG, "serial": "S2", "credential": "C1"}),
        ("envelope.checked_out", {"serial": "S1", "incident": "i1"}),
        ("envelope.opened", {"serial": "S1", "incident": "i1"}),
        ("envelope.registered", {**REG, "serial": "S3", "credential": "C2"}, ["alice", "carol"]),
        ("envelope.destroyed", {"serial": "S1"}),
        ("envelope.destroyed", {"serial": "S2"}),
        ("credential.rotated", {"account": "acc1", "incident": "i1"}, ["alice", "carol"]),
    )
    assert codes(audit) == []


def test_a_superseded_envelope_opened_and_never_destroyed() -> None:
    audit = people()
    feed(
        audit,
        ("envelope.registered", {**REG, "serial": "S1"}),
        ("envelope.registered", {**REG, "serial": "S2"}),
        ("envelope.checked_out", {"serial": "S1", "incident": "i2"}),
        ("envelope.opened", {"serial": "S1", "incident": "i2"}),
        ("envelope.registered", {**REG, "serial": "S3"}),
    )
    found = codes(audit)
    assert found.count("credential.superseded_opened") == 2  # checked out, then opened
    assert found.count("credential.superseded_not_destroyed") == 1  # S2, superseded by S3


def test_a_tampered_envelope_with_no_rotation_after_it() -> None:
    audit = people()
    feed(
        audit,
        ("envelope.registered", {**REG, "serial": "S1"}),
        ("envelope.inspected", {"serial": "S1", "result": "tampered", "incident": "i1"}),
    )
    assert codes(audit) == ["credential.tampered_not_rotated"]
    feed(audit, ("credential.rotated", {"account": "acc1"}, ["alice", "carol"]))
    assert "credential.tampered_not_rotated" not in codes(audit)


def test_a_rotation_signed_only_by_the_incident_people() -> None:
    audit = people()
    feed(
        audit,
        ("envelope.registered", {**REG, "serial": "S1"}),
        ("envelope.opened", {"serial": "S1", "incident": "i1"}),
        ("credential.rotated", {"account": "acc1", "incident": "i1"}, ["alice", "bob"]),
    )
    assert codes(audit) == ["credential.rotation_by_incident_people"]


def test_a_failed_verification_with_no_rotation_after_it() -> None:
    audit = people()
    feed(audit, ("verification.failed", {"account": "acc1", "incident": "i1", "serial": "S1"}))
    assert codes(audit) == ["credential.verification_failed"]
    feed(audit, ("credential.rotated", {"account": "acc1"}, ["alice", "carol"]))
    assert codes(audit) == []
