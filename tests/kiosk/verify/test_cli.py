"""``sealroom verify`` / ``python -m kiosk.verify``: exit codes, table, JSON, anchors, keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ui.cli import main


def _bundle(tools: Any, tmp_path: Path, kiosk_id: str, extra: int = 0) -> tuple[Path, Path, Any]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    key = tools.make_ssh_key(tmp_path / f"{kiosk_id}_key", kiosk_id)
    b = tools.HandBuilder(key, kiosk_id=kiosk_id)
    b.genesis()
    b.enrol_first_two()
    for i in range(extra):
        b.add("account.registered", {"account": f"acc-{i}"}, ["alice", "bob"])
    return b.write(tmp_path / "stick"), key.with_suffix(".pub"), b


def test_exit_codes_and_text_report(tools: Any, tmp_path: Path, capsys: Any) -> None:
    d, pub, _b = _bundle(tools, tmp_path, "kiosk-a", extra=2)
    assert main(["verify", str(d), "--kiosk-key", str(pub)]) == 0
    out = capsys.readouterr().out
    assert ": VERIFIED\n" in out and "(given with --kiosk-key)" in out and "5 entries" in out
    # Tampered: exit 1 and the first bad thing is named.
    (d / "events.csv").write_bytes(b"seq\n")
    assert main(["verify", str(d), "--kiosk-key", str(pub)]) == 1
    assert "ERROR: events.csv has SHA-256" in capsys.readouterr().out


def test_usage_errors_exit_2(tools: Any, tmp_path: Path, capsys: Any) -> None:
    d, _pub, _b = _bundle(tools, tmp_path, "kiosk-a")
    assert main(["verify", str(d), "--anchor", "3:xyz"]) == 2
    assert "--anchor" in capsys.readouterr().err
    assert main(["verify", str(d), "--kiosk-key", str(tmp_path / "missing.pub")]) == 2
    (tmp_path / "junk.pub").write_text("not a key\n")
    assert main(["verify", str(d), "--kiosk-key", str(tmp_path / "junk.pub")]) == 2
    assert main(["verify", str(tmp_path / "no-such-bundle")]) == 2
    with pytest.raises(SystemExit) as e:
        main(["verify"])
    assert e.value.code == 2


def test_anchor_catches_rollback_and_other_key_is_refused(
    tools: Any, tmp_path: Path, capsys: Any
) -> None:
    d, _pub, b = _bundle(tools, tmp_path, "kiosk-a", extra=3)
    head = f"{len(b.lines)}:{b.hashes[-1]}"
    key = ["--trust-bundle-key"]
    assert main(["verify", str(d), *key, "--anchor", head, "--anchor", f"2:{b.hashes[1]}"]) == 0
    # An older, shorter bundle (genuine, consistent) is caught by the later anchor.
    older = tools.HandBuilder(b.ssh_key, kiosk_id="kiosk-a")
    older.lines, older.hashes, older.now = b.lines[:4], b.hashes[:4], b.now
    older_dir = older.write(tmp_path / "older")
    assert main(["verify", str(older_dir), *key]) == 0
    assert main(["verify", str(older_dir), *key, "--anchor", head]) == 1
    assert "journal ends at entry 4" in capsys.readouterr().out
    assert main(["verify", str(d), "--anchor", f"3:{'0' * 64}"]) == 1
    # A key that is not the commissioning sheet's.
    _d2, other_pub, _b2 = _bundle(tools, tmp_path / "x", "kiosk-b")
    assert main(["verify", str(d), "--kiosk-key", str(other_pub)]) == 1


def test_several_bundles_side_by_side_and_json(tools: Any, tmp_path: Path, capsys: Any) -> None:
    a, pub_a, ba = _bundle(tools, tmp_path / "a", "kiosk-a", extra=1)
    c, pub_c, bc = _bundle(tools, tmp_path / "c", "kiosk-c", extra=2)
    anchors = ["--anchor", f"kiosk-a:4:{ba.hashes[3]}", "--anchor", f"kiosk-c:5:{bc.hashes[4]}"]
    keys = ["--kiosk-key", str(pub_a), "--kiosk-key", str(pub_c)]
    assert main(["verify", str(a), str(c), *keys, *anchors]) == 0
    out = capsys.readouterr().out
    table = out[out.index("bundle  ") :]
    rows = table.splitlines()
    assert len(rows) == 4 and "kiosk-a" in rows[2] and "kiosk-c" in rows[3]
    assert all("VERIFIED" in r for r in rows[2:])
    # One bad bundle makes the run fail; JSON says which.
    (c / "README.txt").write_text("changed")
    assert main(["verify", str(a), str(c), *keys, "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["verified"] is False
    assert [x["verified"] for x in doc["bundles"]] == [True, False]
    err = doc["bundles"][1]["errors"][0]
    assert err["code"] == "file_hash" and err["file"] == "README.txt"
    assert doc["bundles"][0]["head"] == {"seq": 4, "hash": ba.hashes[3]}
    assert doc["bundles"][0]["key_source"] == "trusted"
