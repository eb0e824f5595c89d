"""Several bundles of one terminal must agree (spec section 7, Amendment 1).

The attack bundles: two bundles that fork, a later bundle that rolled back
(and one that rolled back and went on past the old head). Each is genuine on
its own — signed by the terminal's key, every attestation valid — so only
comparing the bundles catches it; each must be NOT VERIFIED by ``sealroom
verify`` with an error naming what.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from kiosk.verify.agreement import Witness, check_agreement, first_difference
from kiosk.verify.result import VerifyResult
from ui.cli import main


def _history(tools: Any, tmp_path: Path, kiosk_id: str = "kiosk-a", n: int = 4) -> Any:
    tmp_path.mkdir(parents=True, exist_ok=True)
    key = tools.make_ssh_key(tmp_path / f"{kiosk_id}_key", kiosk_id)
    b = tools.HandBuilder(key, kiosk_id=kiosk_id)
    b.genesis()
    b.enrol_first_two()
    for i in range(n):
        b.add("account.registered", {"account": f"acc-{i}"}, ["alice", "bob"])
    return b


def _branch(tools: Any, b: Any, upto: int, later: dt.timedelta) -> Any:
    """A builder holding ``b``'s first ``upto`` entries, its clock moved on by ``later``."""
    return tools.HandBuilder(
        b.ssh_key,
        kiosk_id=b.kiosk_id,
        now=b.now + later,
        lines=list(b.lines[:upto]),
        hashes=list(b.hashes[:upto]),
        keys=b.keys,
    )


def _verify(*args: str, capsys: Any) -> tuple[int, dict[str, Any]]:
    code = main(["verify", *args, "--json"])
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return code, doc


def _codes(bundle: dict[str, Any]) -> list[str]:
    return [e["code"] for e in bundle["errors"]]


def test_bundles_that_agree_verify_together(tools: Any, tmp_path: Path, capsys: Any) -> None:
    """Control: an earlier bundle and a later one that extends it agree."""
    b = _history(tools, tmp_path)
    early = b.write(tmp_path / "s1")
    b.now += dt.timedelta(days=1)
    b.add("account.registered", {"account": "acc-late"}, ["alice", "bob"])
    late = b.write(tmp_path / "s2")
    pub = str(b.ssh_key.with_suffix(".pub"))
    code, doc = _verify(str(early), str(late), "--kiosk-key", pub, capsys=capsys)
    assert code == 0, doc
    assert [x["verified"] for x in doc["bundles"]] == [True, True]
    # Each says it was compared with the other.
    assert doc["bundles"][0]["checked"]["compared_with"] == [late.name]
    assert doc["bundles"][1]["checked"]["compared_with"] == [early.name]


def test_two_bundles_that_fork_are_both_not_verified(
    tools: Any, tmp_path: Path, capsys: Any
) -> None:
    b = _history(tools, tmp_path)  # 7 entries
    other = _branch(tools, b, 7, dt.timedelta(hours=1))
    b.add("account.registered", {"account": "acc-real"}, ["alice", "bob"])
    other.add("account.registered", {"account": "acc-forged"}, ["alice", "bob"])
    a_dir, o_dir = b.write(tmp_path / "a"), other.write(tmp_path / "o")
    pub = str(b.ssh_key.with_suffix(".pub"))
    # Each one alone verifies: only comparing them catches the fork.
    assert main(["verify", str(a_dir), "--kiosk-key", pub]) == 0
    assert main(["verify", str(o_dir), "--kiosk-key", pub]) == 0
    capsys.readouterr()
    code, doc = _verify(str(a_dir), str(o_dir), "--kiosk-key", pub, capsys=capsys)
    assert code == 1
    for mine, theirs in ((0, o_dir), (1, a_dir)):
        bundle = doc["bundles"][mine]
        assert not bundle["verified"] and _codes(bundle) == ["fork"]
        err = bundle["errors"][0]
        assert err["seq"] == 8
        assert "the journal forked: entry 8" in err["message"] and theirs.name in err["message"]
    # The text report names it too.
    assert main(["verify", str(a_dir), str(o_dir), "--kiosk-key", pub]) == 1
    out = capsys.readouterr().out
    assert out.count("NOT VERIFIED") >= 2 and "ERROR: the journal forked: entry 8" in out


def test_a_later_bundle_that_rolled_back_is_not_verified(
    tools: Any, tmp_path: Path, capsys: Any
) -> None:
    b = _history(tools, tmp_path, n=5)
    early = b.write(tmp_path / "s1")  # head 8
    restored = _branch(tools, b, 6, dt.timedelta(days=2))  # an older copy, exported later
    late = restored.write(tmp_path / "s2")
    pub = str(b.ssh_key.with_suffix(".pub"))
    assert main(["verify", str(late), "--kiosk-key", pub]) == 0  # alone, it looks fine
    capsys.readouterr()
    code, doc = _verify(str(early), str(late), "--kiosk-key", pub, capsys=capsys)
    assert code == 1
    first, second = doc["bundles"]
    assert first["verified"] is True  # the earlier one did nothing wrong
    assert not second["verified"] and _codes(second) == ["rollback"]
    msg = second["errors"][0]["message"]
    assert "rolled back" in msg and "head is entry 6" in msg and "was entry 8" in msg
    assert early.name in msg
    # Given in the other order, the same verdicts.
    code, doc = _verify(str(late), str(early), "--kiosk-key", pub, capsys=capsys)
    assert [x["verified"] for x in doc["bundles"]] == [False, True]


def test_a_rollback_that_went_on_past_the_old_head_is_a_fork(
    tools: Any, tmp_path: Path, capsys: Any
) -> None:
    b = _history(tools, tmp_path, n=3)
    early = b.write(tmp_path / "s1")  # head 6
    restored = _branch(tools, b, 4, dt.timedelta(days=2))
    for i in range(4):
        restored.add("account.registered", {"account": f"new-{i}"}, ["alice", "bob"])
    late = restored.write(tmp_path / "s2")  # head 8: longer, but rewritten from 5 on
    pub = str(b.ssh_key.with_suffix(".pub"))
    code, doc = _verify(str(early), str(late), "--kiosk-key", pub, capsys=capsys)
    assert code == 1
    assert [_codes(x) for x in doc["bundles"]] == [["fork"], ["fork"]]
    assert all(x["errors"][0]["seq"] == 5 for x in doc["bundles"])


def test_only_authentic_bundles_testify(tools: Any, tmp_path: Path, capsys: Any) -> None:
    """A bundle signed by another key cannot condemn the terminal's own bundle."""
    b = _history(tools, tmp_path)
    genuine = b.write(tmp_path / "g")
    mallory_key = tools.make_ssh_key(tmp_path / "mallory", "mallory")
    forged = tools.HandBuilder(mallory_key, kiosk_id=b.kiosk_id, now=b.now)
    forged.genesis()
    forged.enrol_first_two()
    forged_dir = forged.write(tmp_path / "f")
    pub = str(b.ssh_key.with_suffix(".pub"))
    code, doc = _verify(str(genuine), str(forged_dir), "--kiosk-key", pub, capsys=capsys)
    assert code == 1
    assert doc["bundles"][0]["verified"] is True
    assert "fork" not in _codes(doc["bundles"][1]) and "signature" in _codes(doc["bundles"][1])
    # Without --kiosk-key each is checked with its own key: two journals claim
    # one terminal, which is a fork the auditor must see (the forged one,
    # created later with fewer entries, also looks rolled back).
    code, doc = _verify(str(genuine), str(forged_dir), capsys=capsys)
    assert code == 1
    assert _codes(doc["bundles"][0]) == ["fork"] and "fork" in _codes(doc["bundles"][1])


def test_bundles_of_different_terminals_are_not_compared(
    tools: Any, tmp_path: Path, capsys: Any
) -> None:
    a = _history(tools, tmp_path / "a", "kiosk-a", n=4)
    c = _history(tools, tmp_path / "c", "kiosk-c", n=1)
    c.now = a.now + dt.timedelta(days=1)
    a_dir, c_dir = a.write(tmp_path / "sa"), c.write(tmp_path / "sc")
    code, doc = _verify(str(a_dir), str(c_dir), "--trust-bundle-key", capsys=capsys)
    assert code == 0
    assert [x["checked"]["compared_with"] for x in doc["bundles"]] == [[], []]


def _witness(name: str, hashes: list[str], created_at: str, head: int) -> Witness:
    w = Witness(VerifyResult(bundle=name), True, "k", created_at, head)
    for h in hashes:
        w.add(h)
    return w


def test_first_difference_and_equal_times() -> None:
    hs = [f"{i:064x}" for i in range(1, 6)]
    a = _witness("a", hs, "2026-01-01T00:00:00.000Z", 5)
    b = _witness("b", [*hs[:3], "f" * 64], "2026-01-01T00:00:00.000Z", 4)
    c = _witness("c", hs[:2], "2026-01-01T00:00:00.000Z", 2)
    assert first_difference(a, b) == 4
    assert first_difference(a, c) is None and first_difference(b, c) is None
    # Same created_at: which came later is unknown, so no rollback is claimed.
    check_agreement([a, c])
    assert a.result.ok and c.result.ok
