"""The policy file before and around the TOML parser: encoding, nesting, patterns, the clock.

Each of these stopped ``sealroom check-policy`` (and the start) with a
traceback or a misleading error, or let one policy line hang the terminal.
"""

from __future__ import annotations

import hashlib
import re
import time

import pytest

from kiosk.errors import PolicyError, ScanError
from kiosk.policy import DEFAULT_POLICY_PATH, parse_policy
from kiosk.policy.patterns import full_match, pattern_problem
from kiosk.policy.source import MAX_NESTING, too_deep
from kiosk.scan.serials import MAX_SERIAL_CHARS, check_serial

DEFAULT = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
HOSTILE = r"^([A-Z0-9]+)+$"


def test_a_byte_order_mark_is_ignored_and_the_hash_still_covers_it() -> None:
    raw = b"\xef\xbb\xbf" + DEFAULT.encode()
    policy = parse_policy(raw, "policy.toml")
    assert policy.kiosk_id == "safe-room-1"
    # The journal records the exact file in force: the mark is part of its hash.
    assert policy.sha256 == hashlib.sha256(raw).hexdigest()
    assert policy.sha256 != parse_policy(DEFAULT.encode()).sha256


def test_a_byte_order_mark_elsewhere_is_still_refused_naming_its_line() -> None:
    text = DEFAULT.replace("[calendar]", "\ufeff[calendar]")
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode(), "policy.toml")
    assert exc.value.code == "policy.syntax"
    assert exc.value.params["line"] == text.splitlines().index("\ufeff[calendar]") + 1


def test_a_file_that_is_not_utf8_names_the_line_even_after_a_mark() -> None:
    raw = b"\xef\xbb\xbf" + DEFAULT.encode().replace(b'country = "GB"', b'country = "G\xff"')
    with pytest.raises(PolicyError) as exc:
        parse_policy(raw, "policy.toml")
    assert "not UTF-8" in exc.value.user_message()
    assert exc.value.params["line"] == DEFAULT.splitlines().index('country = "GB"') + 1


@pytest.mark.parametrize(
    "value",
    [
        "[" * 5000 + "]" * 5000,
        "{a=" * 3000 + "1" + "}" * 3000,
        "[" * 2000 + "{a=" * 2000 + "1" + "}" * 2000 + "]" * 2000,
    ],
    ids=["arrays", "inline tables", "both"],
)
def test_deep_nesting_is_a_clear_error_naming_the_line_not_a_recursion_error(value: str) -> None:
    text = DEFAULT.replace("[scanner]\n", f"[scanner]\ndeep = {value}\n")
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode(), "policy.toml")
    assert exc.value.code == "policy.syntax"
    assert exc.value.params["line"] == text.splitlines().index("[scanner]") + 2
    assert f"nested more than {MAX_NESTING} deep" in exc.value.user_message()


def test_nesting_in_strings_and_comments_does_not_count() -> None:
    brackets = "[" * (MAX_NESTING + 5)
    text = (
        f'a = "{brackets}"\n'
        f"b = '{brackets}'\n"
        f'c = """\n{brackets}\n"""\n'
        f"d = '''{brackets}'''\n"
        f'e = "\\"{brackets}"\n'
        f"# {brackets}\n"
        "f = [[1, 2], {x = [3]}]\n"
    )
    assert too_deep(text) is None
    assert too_deep(text + "g = " + brackets) == text.count("\n") + 1
    # the settings of a real policy nest well within the limit
    assert too_deep(DEFAULT) is None


def test_a_backtracking_serial_pattern_scans_in_linear_time() -> None:
    """``^([A-Z0-9]+)+$`` takes seconds per scan on Python's ``re``; RE2 takes microseconds.

    Python's ``re`` on 25 characters of this input already takes about a
    second (and doubles with each character: a 64-character scan would take
    thousands of years); the terminal's scan of the longest scan it accepts
    must stay fast.
    """
    policy = parse_policy(DEFAULT.replace("^SR[0-9]{8}$", HOSTILE).encode())
    hostile = "A" * (MAX_SERIAL_CHARS - 1) + "!"
    start = time.perf_counter()
    with pytest.raises(ScanError) as exc:
        check_serial(hostile, pattern=policy.serial_pattern, scheme="none")
    took = time.perf_counter() - start
    assert exc.value.code == "scan.wrong_pattern"
    assert took < 0.5, f"one scan took {took:.3f} s"  # microseconds, unless the machine is busy
    assert check_serial("ABC123", pattern=policy.serial_pattern, scheme="none") == "ABC123"
    # What the same scan costs on the backtracking engine, at a length it can still finish.
    start = time.perf_counter()
    assert re.fullmatch(HOSTILE, "A" * 18 + "!") is None
    backtracking = time.perf_counter() - start
    start = time.perf_counter()
    assert not full_match(HOSTILE, "A" * 18 + "!")
    assert time.perf_counter() - start < backtracking


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"^(SR)[0-9]{6}\1$", "backreferences and look-around are not allowed"),
        (r"^(?=SR)[A-Z0-9]{10}$", "backreferences and look-around are not allowed"),
        (r"^SR[0-9$", "not a valid regular expression"),
        (r"SR[0-9]{8}", "anchored with ^ and $"),
    ],
)
def test_a_serial_pattern_the_linear_engine_cannot_run_is_refused_naming_its_line(
    pattern: str, words: str, capfd: pytest.CaptureFixture[str]
) -> None:
    line = 'serial_pattern = "^SR[0-9]{8}$"'
    toml_pattern = pattern.replace("\\", "\\\\")
    text = DEFAULT.replace(line, f'serial_pattern = "{toml_pattern}"')
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode(), "policy.toml")
    assert words in exc.value.user_message()
    assert exc.value.params["line"] == DEFAULT.splitlines().index(line) + 1
    assert pattern_problem(pattern) is not None
    # The refusal is the policy's own message; the engine prints nothing of its own.
    assert capfd.readouterr().err == ""


def test_the_clock_tolerance_is_optional_ranged_and_named_by_its_line() -> None:
    assert parse_policy(DEFAULT.encode()).clock_tolerance_minutes == 10
    without = DEFAULT.replace("clock_tolerance_minutes = 10\n", "")
    assert parse_policy(without.encode()).clock_tolerance_minutes == 10
    wider = DEFAULT.replace("clock_tolerance_minutes = 10", "clock_tolerance_minutes = 60")
    assert parse_policy(wider.encode()).clock_tolerance_minutes == 60
    for bad in ("0", "1441", '"10"'):
        text = DEFAULT.replace("clock_tolerance_minutes = 10", f"clock_tolerance_minutes = {bad}")
        with pytest.raises(PolicyError) as exc:
            parse_policy(text.encode(), "policy.toml")
        assert (
            exc.value.params["line"]
            == text.splitlines().index(f"clock_tolerance_minutes = {bad}") + 1
        )


def test_any_recursion_the_nesting_check_misses_is_still_a_refused_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kiosk.policy.source as source

    monkeypatch.setattr(source, "too_deep", lambda text, limit=MAX_NESTING: None)
    text = DEFAULT.replace("[scanner]\n", "[scanner]\ndeep = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode(), "policy.toml")
    assert exc.value.code == "policy.syntax"
    assert "nested too deeply" in exc.value.user_message()
