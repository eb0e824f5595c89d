"""Bundles built by hand from the spec (see conftest) verify, findings only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.verify import verify_bundle


def codes(result: Any) -> set[str]:
    return {f.code for f in result.findings}


def test_minimal_handbuilt_bundle_verifies_and_ssh_keygen_agrees(
    builder: Any, tmp_path: Path, tools: Any
) -> None:
    b = builder
    b.key("carol", -7)
    b.add(
        "custodian.enrolled",
        {"custodian": "carol", "credential": b.keys["carol"].credential()},
        ["alice", "bob"],
    )
    d = b.write(tmp_path / "stick")
    assert tools.ssh_verify(d, b.public_line(), b.kiosk_id).returncode == 0
    r = verify_bundle(d, trusted_keys=[b.public_line()])
    assert r.ok, r.errors
    assert r.entries == 4
    assert r.key_source == "trusted" and r.authenticated and r.verdict == "verified"
    # Without the trusted key: intact, but not authenticated, and it says whose key was used.
    r2 = verify_bundle(d)
    assert r2.ok and "key.untrusted" in codes(r2)
    assert not r2.authenticated and not r2.accepted and r2.verdict == "not_authenticated"


def _rich(b: Any) -> None:
    """A journal exercising many spec rules, from another terminal's point of view."""
    b.key("carol", -8)
    b.add(
        "custodian.enrolled",
        {"custodian": "carol", "credential": b.keys["carol"].credential(), "shoe_size": 44},
        ["alice", "bob"],
    )
    b.add("account.registered", {"account": "acc-1", "colour": "blue"}, ["alice", "carol"])
    b.add("envelope.registered", {"serial": "S-1", "account": "acc-1"}, ["alice", "bob"])
    b.add("widget.frobbed", {"anything": [1, 2, {"x": None}], "é": "ünïcödé ✓"})
    # Solo access declared with the incident (Amendment 1), before the entry it covers.
    b.add("invocation.declared", {"incident": "INC-1", "exception": "solo-access"})
    b.add("envelope.inspected", {"serial": "S-1", "result": "tampered"})
    # Solo opening under the declared exception: one custodian only.
    b.add(
        "envelope.opened",
        {"serial": "S-1", "incident": "INC-1", "exception": "solo-access"},
        ["alice"],
    )
    # bob's key reports a counter that does not increase (bump 0): a finding.
    b.add("envelope.returned", {"serial": "S-1"}, ["bob", "carol"], bump=0)
    b.add("session.signed", {"incident": "INC-1"}, ["alice", "bob"], minutes=60 * 24 * 10)


def test_rich_handbuilt_bundle_verifies_with_findings(builder: Any, tmp_path: Path) -> None:
    _rich(builder)
    d = builder.write(tmp_path / "stick")
    r = verify_bundle(d, trusted_keys=[builder.public_line()])
    assert r.ok, r.errors
    c = codes(r)
    assert {"unknown.kind", "unknown.field", "policy_exception", "counter", "tampered"} <= c
    assert "deadline.review" in c  # declared, never reviewed, 10 days later
    assert "deadline.rotation" in c  # opened, never rotated
    notes = [f for f in r.findings if f.code == "unknown.kind"]
    assert notes and notes[0].level == "note"


def test_uv_policy_follows_genesis_then_policy_changed(
    ssh_key: Path, tmp_path: Path, tools: Any
) -> None:
    b = tools.HandBuilder(ssh_key, uv_required=False)
    b.genesis()
    b.enrol_first_two()
    b.add(
        "account.registered", {"account": "a"}, ["alice", "bob"], uv=False
    )  # fine: UV not required
    b.add(
        "policy.changed",
        {"policy_hash": "cd" * 32, "uv_required": True},
        ["alice", "bob"],
        uv=False,
    )
    b.add("account.registered", {"account": "b"}, ["alice", "bob"], uv=False)  # now UV is required
    r = verify_bundle(b.write(tmp_path / "s"))
    assert not r.ok
    assert r.first_error.seq == 6 and "User Verified" in r.first_error.message


def test_revoked_credential_cannot_sign(builder: Any, tmp_path: Path) -> None:
    b = builder
    b.key("carol", -7)
    b.add(
        "custodian.enrolled",
        {"custodian": "carol", "credential": b.keys["carol"].credential()},
        ["alice", "bob"],
    )
    b.add(
        "custodian.revoked", {"credential_id": b.keys["bob"].credential()["id"]}, ["alice", "carol"]
    )
    b.add("account.registered", {"account": "a"}, ["alice", "bob"])
    r = verify_bundle(b.write(tmp_path / "s"))
    assert not r.ok and r.first_error.seq == 6 and "revoked at entry 5" in r.first_error.message


def test_dual_entry_with_one_custodian_and_no_exception_is_an_error(
    builder: Any, tmp_path: Path
) -> None:
    builder.add("envelope.destroyed", {"serial": "X"}, ["alice"])
    r = verify_bundle(builder.write(tmp_path / "s"))
    assert (
        not r.ok and r.first_error.seq == 4 and "two distinct custodians" in r.first_error.message
    )


def test_same_custodian_twice_is_not_dual(builder: Any, tmp_path: Path) -> None:
    b = builder
    k2 = b.key("alice-2", -7)
    k2.custodian = "alice"  # a second key of alice, enrolled for alice
    b.add(
        "custodian.enrolled",
        {"custodian": "alice", "credential": k2.credential()},
        ["alice", "bob"],
    )
    b.add("credential.rotated", {"account": "a"}, signer_keys=[b.keys["alice"], k2])
    r = verify_bundle(b.write(tmp_path / "s"))
    assert not r.ok and r.first_error.seq == 5


def test_first_enrolments_must_be_self_signed(ssh_key: Path, tmp_path: Path, tools: Any) -> None:
    b = tools.HandBuilder(ssh_key)
    b.genesis()
    a = b.key("alice")
    other = tools.HandBuilder(ssh_key).key("mallory")
    b.add(
        "custodian.enrolled",
        {"custodian": "alice", "credential": a.credential()},
        signer_keys=[other],
    )
    r = verify_bundle(b.write(tmp_path / "s"))
    assert not r.ok and r.first_error.seq == 2


def test_wrong_rp_type_and_challenge_are_invalid(builder: Any, tmp_path: Path, tools: Any) -> None:
    import base64

    entry = builder.add("account.registered", {"account": "a"}, ["alice", "bob"])
    # Rewrite the last line with clientDataJSON of the wrong type (re-hash so the chain holds).
    att = entry["attest"][0]
    cd = json.loads(base64.urlsafe_b64decode(att["client_data_json"] + "=="))
    cd["type"] = "webauthn.create"
    att["client_data_json"] = tools.b64u(json.dumps(cd).encode())
    body = {k: entry[k] for k in ("seq", "ts", "kind", "data", "prev")}
    import hashlib

    entry["hash"] = hashlib.sha256(tools.canon(dict(body, attest=entry["attest"]))).hexdigest()
    builder.lines[-1] = tools.canon(entry)
    builder.hashes[-1] = entry["hash"]
    r = verify_bundle(builder.write(tmp_path / "s"))
    assert not r.ok and "webauthn.get" in r.first_error.message
