"""The rules' per-entry checker as the terminal and the auditors share it.

Checked here beyond the spec's rules (``test_handbuilt``, ``test_amendment1``):
``check`` changes nothing until ``apply`` (so a quarantined entry leaves no
trace), the terminal's ``strict`` mode against the auditors' findings, and a
key unlock's own assertion (``terminal.unlocked``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.format.entry import Entry, check_chain, iter_jsonl
from kiosk.rules.entries import EntryChecker
from kiosk.rules.findings import Findings
from kiosk.rules.unlock import unlock_challenge
from kiosk.verify import verify_bundle


def entries(b: Any) -> list[Entry]:
    return [Entry.from_json(json.loads(line)) for line in b.lines]


def key_unlock(b: Any, who: str, *, nonce: str = "bm9uY2U", journal_id: str = "") -> dict:
    k = b.keys[who]
    a = k.assert_(unlock_challenge(journal_id, nonce))
    return {
        "method": "key",
        "custodian": who,
        "credential_id": a["credential_id"],
        "nonce": nonce,
        "assertion": {f: a[f] for f in ("authenticator_data", "client_data_json", "signature")},
    }


def test_check_changes_nothing_until_apply(builder: Any, tools: Any) -> None:
    carol = builder.key("carol")
    builder.add(
        "custodian.enrolled",
        {"custodian": "carol", "credential": carol.credential()},
        ["alice", "bob"],
    )
    builder.add("account.registered", {"account": "a"}, ["alice", "carol"])
    *before, enrol, signed = entries(builder)
    checker = EntryChecker(Findings(), strict=True)
    for e in before:
        assert checker(e) is None
    assert checker.check(enrol) is None  # checked, but not applied (say, quarantined later)
    problem = checker.check(signed)
    assert problem is not None and "no earlier custodian.enrolled" in problem
    checker.apply(enrol)  # now it counts
    assert checker.check(signed) is None


def test_project_dual_kinds_are_errors_for_the_terminal_findings_for_auditors(
    builder: Any,
) -> None:
    builder.add("invocation.declared", {"incident": "I-1"})
    builder.add(
        "invocation.acknowledged",
        {"incident": "I-1", "acknowledged_by": ["alice"], "witness_present": False},
        ["alice"],
    )
    lines = list(iter_jsonl(b"".join(line + b"\n" for line in builder.lines)))
    auditor = Findings()
    assert check_chain(lines, EntryChecker(auditor)).ok
    assert [f.code for f in auditor.findings] == ["dual.project"]
    terminal = check_chain(lines, EntryChecker(Findings(), strict=True))
    assert terminal.problem is not None and terminal.problem.seq == 5
    assert "a dual entry" in terminal.problem.reason


def test_a_key_unlock_is_checked_and_counted(builder: Any, tmp_path: Path) -> None:
    builder.add("terminal.unlocked", key_unlock(builder, "alice"))
    builder.add("account.registered", {"account": "a"}, ["alice", "bob"])
    r = verify_bundle(builder.write(tmp_path / "s"), trusted_keys=[builder.public_line()])
    assert r.ok, r.errors
    assert not [f for f in r.findings if f.code in ("unlock.invalid", "counter")]


def test_a_forged_key_unlock_is_a_finding_for_auditors_and_an_error_for_the_terminal(
    builder: Any, tmp_path: Path
) -> None:
    data = key_unlock(builder, "alice")
    data["custodian"] = "bob"  # alice's assertion passed off as bob's unlock
    data["credential_id"] = builder.keys["bob"].credential()["id"]
    builder.add("terminal.unlocked", data)
    r = verify_bundle(builder.write(tmp_path / "s"), trusted_keys=[builder.public_line()])
    assert r.ok  # the spec's errors only: a project kind's problem is a finding
    (finding,) = [f for f in r.findings if f.code == "unlock.invalid"]
    assert finding.seq == 4 and "signature that does not verify" in finding.message
    checker = EntryChecker(Findings(), strict=True)
    *before, unlock = entries(builder)
    for e in before:
        checker(e)
    problem = checker.check(unlock)
    assert problem is not None and "is a key unlock whose assertion" in problem


def test_an_unlock_for_another_journal_does_not_pass(builder: Any) -> None:
    builder.add("terminal.unlocked", key_unlock(builder, "alice", journal_id="another-terminal"))
    checker = EntryChecker(Findings(), strict=True)
    *before, unlock = entries(builder)
    for e in before:
        checker(e)
    problem = checker.check(unlock)
    assert problem is not None and "not the unlock challenge" in problem


def test_an_unlock_counter_that_did_not_increase_is_a_finding(builder: Any) -> None:
    builder.add("terminal.unlocked", key_unlock(builder, "alice"))
    builder.keys["alice"].counter -= 1  # the next assertion repeats the counter
    builder.add("terminal.unlocked", key_unlock(builder, "alice", nonce="YWdhaW4"))
    found = Findings()
    checker = EntryChecker(found, strict=True)
    for e in entries(builder):
        assert checker(e) is None
    assert [f.code for f in found.findings] == ["counter"]
