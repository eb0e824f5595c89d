"""``sealroom check-policy``: what security staff run on a policy file before installing it.

``sealroom run`` makes the same check, in full, before any window opens.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import ui.app
from kiosk.policy import DEFAULT_POLICY_PATH
from ui.cli import main


def test_a_valid_policy_is_named_with_its_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DEFAULT_POLICY_PATH.read_bytes().replace(
        b"documentation_minutes = 120", b"documentation_minutes = 90"
    )
    path = tmp_path / "policy.toml"
    path.write_bytes(text)
    assert main(["check-policy", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and hashlib.sha256(text).hexdigest() in out


def test_a_policy_loosening_the_procedure_is_refused_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
        "review_business_days = 5", "review_business_days = 10"
    )
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("review_business_days = 10") + 1
    assert main(["check-policy", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"line {line}" in captured.err
    assert "the post-incident review within 5 business days" in captured.err
    # What to do next fits both places the message appears: here and at start.
    assert f"Correct line {line} of the policy file, check it with 'sealroom check-policy'" in (
        captured.err
    )


def test_a_missing_policy_file_is_said_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-policy", str(tmp_path / "nope.toml")]) == 2
    err = capsys.readouterr().err
    assert "nope.toml" in err and "Traceback" not in err


def test_sealroom_run_stops_on_an_unknown_calendar_naming_its_line_before_any_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
        'country = "GB"', 'country = "XX"'
    )
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('country = "XX"') + 1
    windows: list[object] = []
    monkeypatch.setattr(ui.app, "run", lambda ctx: windows.append(ctx) or 0)
    code = main(["run", "--data", str(tmp_path / "data"), "--policy", str(path), "--windowed"])
    err = capsys.readouterr().err
    assert code == 2
    assert windows == []  # the window was never built
    assert str(path) in err and f"line {line}" in err and "holidays calendar" in err


def test_check_policy_says_deep_nesting_plainly_and_accepts_a_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No traceback for a deeply nested file; an editor's byte-order mark is no error."""
    text = DEFAULT_POLICY_PATH.read_bytes()
    deep = tmp_path / "deep.toml"
    deep.write_bytes(text + b"\n[extras]\nx = " + b"[" * 5000 + b"]" * 5000 + b"\n")
    assert main(["check-policy", str(deep)]) == 2
    err = capsys.readouterr().err
    assert "nested more than 32 deep" in err and "Traceback" not in err
    line = text.count(b"\n") + 3
    assert f"line {line}" in err
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + text)
    assert main(["check-policy", str(bom)]) == 0
    assert hashlib.sha256(b"\xef\xbb\xbf" + text).hexdigest() in capsys.readouterr().out
