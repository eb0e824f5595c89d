"""Spec section 5, Amendment 1: the attack bundles, each judged by ``sealroom verify``.

Built by hand from the spec alone (conftest's :class:`HandBuilder`): an
exception on an enrolment, an exception never declared, one declared only
after the entry it covers, one with no attestation — each NOT VERIFIED with
an error that says which rule; and a properly declared solo-access bundle
VERIFIED, with the exception as a finding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.verify.cli import main as sealroom_verify

INCIDENT = "BG-20260302-01"


def verdict(b: Any, root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    where = b.write(root / "stick")
    key = root / "kiosk.pub"
    key.write_text(b.public_line() + "\n")
    code = sealroom_verify([str(where), "--kiosk-key", str(key)])
    return code, capsys.readouterr().out


def account_and_envelope(b: Any) -> None:
    b.add("account.registered", {"account": "acc-1"}, ["alice", "bob"])
    b.add("envelope.registered", {"serial": "S-1", "account": "acc-1"}, ["alice", "bob"])


def declare(b: Any, exception: str | None = "solo-access") -> None:
    data: dict[str, Any] = {"incident": INCIDENT}
    if exception is not None:
        data["exception"] = exception
    b.add("invocation.declared", data)


def solo_open(b: Any, signers: tuple[str, ...] = ("alice",)) -> dict[str, Any]:
    b.add("envelope.inspected", {"serial": "S-1", "result": "intact"})
    return b.add(
        "envelope.opened",
        {"serial": "S-1", "incident": INCIDENT, "exception": "solo-access"},
        list(signers),
    )


def test_declared_solo_access_verifies_with_a_finding(
    builder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account_and_envelope(builder)
    declare(builder)
    opened = solo_open(builder)
    builder.add(
        "session.signed",
        {"incident": INCIDENT, "exception": "solo-access", "record_hash": "ab" * 32},
        ["alice"],
    )
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 0, out
    assert "VERIFIED" in out and "NOT VERIFIED" not in out
    assert f"entry {opened['seq']} (envelope.opened) was made under policy exception" in out


def test_exception_on_an_enrolment_is_not_verified(
    builder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declare(builder)  # even declared with an incident: never on an enrolment
    builder.key("mallory")
    entry = builder.add(
        "custodian.enrolled",
        {
            "custodian": "mallory",
            "credential": builder.keys["mallory"].credential(),
            "incident": INCIDENT,
            "exception": "solo-access",
        },
        ["alice"],
    )
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 1 and "NOT VERIFIED" in out
    assert f"entry {entry['seq']}" in out
    assert "an exception never covers custodian.enrolled" in out


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("account.registered", {"account": "acc-2"}),
        ("envelope.registered", {"serial": "S-2", "account": "acc-1"}),
        ("envelope.destroyed", {"serial": "S-1", "method": "shredder"}),
        ("credential.rotated", {"account": "acc-1"}),
        ("policy.changed", {"policy_hash": "ab" * 32}),
    ],
)
def test_exception_on_registration_destruction_rotation_or_policy_is_not_verified(
    builder: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    data: dict[str, Any],
) -> None:
    """Amendment 1 lists the incident kinds an exception may cover; these are not among them."""
    account_and_envelope(builder)
    declare(builder)
    entry = builder.add(kind, {**data, "incident": INCIDENT, "exception": "solo-access"}, ["alice"])
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 1 and "NOT VERIFIED" in out
    assert f"entry {entry['seq']}" in out
    assert f"an exception never covers {kind}" in out


def test_undeclared_exception_is_not_verified(
    builder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account_and_envelope(builder)
    declare(builder, exception=None)  # the incident, but no exception with it
    entry = solo_open(builder)
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 1 and "NOT VERIFIED" in out
    assert f"entry {entry['seq']}" in out
    assert f"exception 'solo-access' was not declared with incident {INCIDENT}" in out


def test_exception_declared_after_the_entry_is_not_verified(
    builder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account_and_envelope(builder)
    entry = solo_open(builder)
    declare(builder)  # too late: the exception must come before the entry it covers
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 1 and "NOT VERIFIED" in out
    assert f"entry {entry['seq']}" in out and "was not declared" in out


def test_exception_with_no_attestation_is_not_verified(
    builder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account_and_envelope(builder)
    declare(builder)
    entry = solo_open(builder, signers=())
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 1 and "NOT VERIFIED" in out
    assert f"entry {entry['seq']}" in out and "at least one valid attestation" in out


def test_exception_of_another_incident_is_not_verified(
    builder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account_and_envelope(builder)
    builder.add("invocation.declared", {"incident": "OTHER-1", "exception": "solo-access"})
    declare(builder, exception=None)
    entry = solo_open(builder)
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 1 and f"entry {entry['seq']}" in out and "was not declared" in out


def test_exception_on_an_entry_two_custodians_signed_is_harmless(
    builder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    builder.add(
        "credential.rotated", {"account": "acc-1", "exception": "solo-access"}, ["alice", "bob"]
    )
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 0, out


def test_exception_without_an_incident_is_not_verified(
    builder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty incident cannot carry an exception, even one "declared" with an empty one."""
    account_and_envelope(builder)
    builder.add("invocation.declared", {"incident": "", "exception": "solo-access"})
    builder.add("envelope.inspected", {"serial": "S-1", "result": "intact"})
    entry = builder.add(
        "envelope.opened", {"serial": "S-1", "incident": "", "exception": "solo-access"}, ["alice"]
    )
    code, out = verdict(builder, tmp_path, capsys)
    assert code == 1 and f"entry {entry['seq']}" in out and "names no incident" in out
