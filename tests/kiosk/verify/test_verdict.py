"""The verdict says what it checked (issue 22): authenticated or not, which key, what was checked.

* Without ``--kiosk-key`` a bundle is checked only with the key it carries:
  anyone could have made it, so it is NOT AUTHENTICATED (exit 3) unless the
  auditor says ``--trust-bundle-key``.
* With a wrong ``--kiosk-key`` the trusted key, the bundle's key and the
  signer are each named for what they are.
* A verified bundle's report lists what was checked (signature and key,
  every file and its hash, the chain, attestations, dual control, anchors,
  other bundles), and ``--json`` holds the same with the anchors.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from kiosk.terminal.lifecycle import ssh_fingerprint
from kiosk.verify.cli import main as verify


def _bundle(tools: Any, tmp_path: Path, kiosk_id: str = "kiosk-a", extra: int = 2) -> Any:
    tmp_path.mkdir(parents=True, exist_ok=True)
    key = tools.make_ssh_key(tmp_path / f"{kiosk_id}_key", kiosk_id)
    b = tools.HandBuilder(key, kiosk_id=kiosk_id)
    b.genesis()
    b.enrol_first_two()
    for i in range(extra):
        b.add("account.registered", {"account": f"acc-{i}"}, ["alice", "bob"])
    return b


def _json(capsys: Any, *args: str) -> tuple[int, dict[str, Any]]:
    code = verify([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _line(out: str, label: str) -> list[str]:
    return [x.strip() for x in out.splitlines() if x.strip().startswith(label)]


def test_without_a_trusted_key_it_is_not_authenticated(
    tools: Any, tmp_path: Path, capsys: Any
) -> None:
    b = _bundle(tools, tmp_path)
    d = b.write(tmp_path / "stick")
    own = ssh_fingerprint(b.public_line())
    assert verify([str(d)]) == 3
    out = capsys.readouterr().out
    assert f"{d}: NOT AUTHENTICATED" in out and ": VERIFIED" not in out
    flat = " ".join(out.split())
    assert "no trusted key was given" in flat and "--trust-bundle-key" in flat
    assert f"Compare {own} with the fingerprint on the terminal identity sheet" in flat
    assert _line(out, "trusted key") == ["trusted key   none given (--kiosk-key)"]

    code, doc = _json(capsys, str(d))
    assert code == 3 and doc["verified"] is False and doc["exit_code"] == 3
    (x,) = doc["bundles"]
    assert x["verified"] is False and x["verdict"] == "not_authenticated"
    assert x["intact"] is True and x["authenticated"] is False and x["key_source"] == "journal"

    # Asked for by name, the bundle's own key is accepted, and the verdict says so.
    assert verify([str(d), "--trust-bundle-key"]) == 0
    out = capsys.readouterr().out
    assert f"{d}: VERIFIED WITH ITS OWN KEY (--trust-bundle-key)" in out
    code, doc = _json(capsys, str(d), "--trust-bundle-key")
    assert code == 0 and doc["bundles"][0]["verdict"] == "verified_own_key"
    assert doc["bundles"][0]["authenticated"] is False

    # With the key from the sheet: authenticated.
    pub = str(b.ssh_key.with_suffix(".pub"))
    code, doc = _json(capsys, str(d), "--kiosk-key", pub)
    assert code == 0 and doc["bundles"][0]["verdict"] == "verified"
    assert doc["bundles"][0]["authenticated"] is True
    # Not both at once.
    assert verify([str(d), "--kiosk-key", pub, "--trust-bundle-key"]) == 2
    assert "not both" in capsys.readouterr().err

    # A damaged bundle is NOT VERIFIED (1), key or no key.
    (d / "events.csv").write_bytes(b"changed\n")
    assert verify([str(d)]) == 1
    assert verify([str(d), "--trust-bundle-key"]) == 1


def test_python_m_kiosk_verify_says_the_same(tools: Any, tmp_path: Path, capsys: Any) -> None:
    """``python -m kiosk.verify`` is the same command line (no Qt needed)."""
    import subprocess
    import sys

    d = _bundle(tools, tmp_path, extra=0).write(tmp_path / "stick")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.verify", str(d)], capture_output=True, text=True
    )
    assert done.returncode == 3 and "NOT AUTHENTICATED" in done.stdout, done.stdout


def test_a_wrong_key_is_shown_as_what_it_is(tools: Any, tmp_path: Path, capsys: Any) -> None:
    b = _bundle(tools, tmp_path)
    d = b.write(tmp_path / "stick")
    own = ssh_fingerprint(b.public_line())
    other = tools.make_ssh_key(tmp_path / "other", "other").with_suffix(".pub")
    theirs = ssh_fingerprint(other.read_text())
    assert verify([str(d), "--kiosk-key", str(other)]) == 1
    out = capsys.readouterr().out
    assert _line(out, "trusted key") == [f"trusted key   {theirs} (given with --kiosk-key)"]
    assert _line(out, "bundle's key") == [
        f"bundle's key  {own} (named by the journal's genesis entry): NOT a trusted key"
    ]
    assert _line(out, "signed by") == [f"signed by     {own}, the bundle's own key"]
    # The bundle's key is never labelled as the trusted one.
    assert f"{own} (the trusted key given)" not in out
    assert not [x for x in out.splitlines() if own in x and "(given with --kiosk-key)" in x]
    flat = " ".join(out.split())
    assert f"the trusted key given (--kiosk-key) is {theirs}" in flat
    assert f"This bundle's key {own} is not the trusted key given ({theirs})" in flat

    code, doc = _json(capsys, str(d), "--kiosk-key", str(other))
    (x,) = doc["bundles"]
    assert code == 1 and x["verdict"] == "not_verified" and x["key_source"] == "untrusted"
    assert x["trusted_keys"] == [theirs] and x["key_fingerprint"] == own
    assert x["signed_by"] == own

    # The right journal, re-signed by someone else (whose key the manifest names).
    mallory = tools.make_ssh_key(tmp_path / "mallory", "mallory")
    resigned = tools.HandBuilder(mallory, kiosk_id=b.kiosk_id, now=b.now)
    resigned.lines, resigned.hashes = b.lines, b.hashes
    r_dir = resigned.write(tmp_path / "resigned")
    theirs = ssh_fingerprint(resigned.public_line())
    pub = str(b.ssh_key.with_suffix(".pub"))
    code, doc = _json(capsys, str(r_dir), "--kiosk-key", pub)
    (x,) = doc["bundles"]
    assert code == 1 and x["signed_by"] == theirs and x["key_fingerprint"] == own
    assert x["key_source"] == "trusted" and x["authenticated"] is False
    assert verify([str(r_dir), "--kiosk-key", pub]) == 1
    out = capsys.readouterr().out
    assert _line(out, "signed by") == [
        f"signed by     {theirs}, neither the trusted key nor the journal's key"
    ]
    # A signature no key known here made.
    (r_dir / "manifest.json.sig").write_bytes((d / "manifest.json.sig").read_bytes())
    code, doc = _json(capsys, str(r_dir), "--kiosk-key", pub)
    assert code == 1 and doc["bundles"][0]["signed_by"] is None
    verify([str(r_dir), "--kiosk-key", pub])
    assert _line(capsys.readouterr().out, "signed by") == [
        "signed by     neither key (the signature is missing or does not verify)"
    ]


def test_a_verified_bundle_lists_what_was_checked(tools: Any, tmp_path: Path, capsys: Any) -> None:
    b = _bundle(tools, tmp_path)
    early = b.write(tmp_path / "early")
    b.now = b.now.replace(day=b.now.day + 1)
    b.add("account.registered", {"account": "acc-late"}, ["alice", "bob"])
    d = b.write(tmp_path / "stick")
    own = ssh_fingerprint(b.public_line())
    pub = str(b.ssh_key.with_suffix(".pub"))
    n = len(b.lines)
    anchor = f"3:{b.hashes[2]}"
    manifest = json.loads((d / "manifest.json").read_bytes())
    attest = sum(len(json.loads(x)["attest"]) for x in b.lines)

    args = [str(d), str(early), "--kiosk-key", pub, "--anchor", anchor]
    assert verify(args) == 0
    out = capsys.readouterr().out
    report = out[: out.index(f"{early}:")]
    flat = " ".join(report.split())
    assert f"{d}: VERIFIED" in report
    assert (
        "signature manifest.json.sig is a valid OpenSSH signature (namespace sealroom-export) "
        f"of manifest.json by the trusted key {own}" in flat
    )
    assert "files each has the SHA-256 that manifest.json lists (4):" in flat
    for name, digest in manifest["files"].items():
        assert digest == hashlib.sha256((d / name).read_bytes()).hexdigest()
        assert f"{name} {digest}" in flat
    assert f"chain {n} entries, seq 1 to {n}:" in flat
    assert f"head {n}:{b.hashes[-1]}, as manifest.json says" in flat
    assert f"genesis {b.hashes[0]}" in flat
    assert f"attestations {attest} security-key signatures checked" in flat
    assert "(by alice, bob)" in flat  # the hand-built journal enrols no names
    assert (
        f"dual control {n - 1} entries under dual control: {n - 3} by two different "
        "custodians with two different keys; 2 first enrolments" in flat
    )
    assert f"anchor entry 3 = {b.hashes[2]}: matched (--anchor)" in flat
    assert f"other bundles compared with {early.name} (same terminal)" in flat

    code, doc = _json(capsys, *args)
    x = doc["bundles"][0]
    assert code == 0 and x["verdict"] == "verified"
    assert x["anchors"] == [{"seq": 3, "hash": b.hashes[2], "status": "matched"}]
    assert x["checked"]["files"] == manifest["files"] and x["checked"]["signature"] is True
    assert x["checked"]["attestations"] == attest
    assert x["checked"]["compared_with"] == [early.name]
    assert x["signed_by"] == own and x["trusted_keys"] == [own]
    assert doc["anchors"] == [
        {
            "anchor": anchor,
            "kiosk_id": None,
            "seq": 3,
            "hash": b.hashes[2],
            "bundles": [
                {"bundle": str(d), "status": "matched"},
                {"bundle": str(early), "status": "matched"},
            ],
        }
    ]


def test_anchors_that_differ_lie_beyond_or_apply_to_no_bundle(
    tools: Any, tmp_path: Path, capsys: Any
) -> None:
    b = _bundle(tools, tmp_path)
    d = b.write(tmp_path / "stick")
    pub = str(b.ssh_key.with_suffix(".pub"))
    n = len(b.lines)
    code, doc = _json(capsys, str(d), "--kiosk-key", pub, "--anchor", f"2:{'0' * 64}")
    assert code == 1 and doc["bundles"][0]["anchors"][0]["status"] == "differs"
    code, doc = _json(capsys, str(d), "--kiosk-key", pub, "--anchor", f"{n + 3}:{'1' * 64}")
    assert code == 1 and doc["bundles"][0]["anchors"][0]["status"] == "beyond"
    other = f"kiosk-z:2:{b.hashes[1]}"
    assert verify([str(d), "--kiosk-key", pub, "--anchor", other]) == 0
    out = capsys.readouterr().out
    assert f"anchor {other} applied to no bundle given" in out
    assert "anchor        none given" in out  # this bundle had no anchor of its own
    code, doc = _json(capsys, str(d), "--kiosk-key", pub, "--anchor", other)
    assert doc["anchors"][0]["bundles"] == [] and doc["anchors"][0]["kiosk_id"] == "kiosk-z"
