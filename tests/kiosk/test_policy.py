"""The policy file: defaults valid, every problem named by its line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kiosk.errors import PolicyError
from kiosk.policy import DEFAULT_POLICY_PATH, load_policy, parse_policy

DEFAULT = DEFAULT_POLICY_PATH.read_text()


CLASSES = 'classes = ["abcdefghijkmnpqrstuvwxyz", "ACDEFGHJKLMNPQRTUVWXY", "34679", "!#%+=?@"]'


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


def test_default_policy_is_valid_and_hashed() -> None:
    p = load_policy()
    assert p.sha256 == hashlib.sha256(DEFAULT_POLICY_PATH.read_bytes()).hexdigest()
    assert p.uv_required is True
    assert p.password_length >= 20
    assert (p.approver_attempts_minutes, p.approver_notice_minutes, p.documentation_minutes) == (
        15,
        60,
        120,
    )
    assert p.review_business_days == 5
    assert len(p.approvers) >= 1


@pytest.mark.parametrize(
    ("needle", "replacement", "words"),
    [
        ('kiosk_id = "safe-room-1"', 'kiosk_id = "Safe Room"', "a-z, 0-9"),
        ("idle_lock_seconds = 180", "idle_lock_seconds = 5", "between 30 and 3600"),
        ("uv_required = true", 'uv_required = "yes"', "true or false"),
        ("length = 24", "length = 12", "between 20 and 128"),
        ('serial_pattern = "^SR[0-9]{8}$"', 'serial_pattern = "SR[0-9"', "regular expression"),
        ('check_digit = "luhn"', 'check_digit = "crc"', "must be one of"),
        ('timezone = "Europe/London"', 'timezone = "Mars/Olympus"', "time zone"),
        ('country = "GB"', 'country = "XX"', "holidays calendar"),
        ('queue = "sealroom"', 'queue = "a b"', "CUPS queue"),
        # The procedure's windows may be tightened, never loosened.
        ("approver_attempts_minutes = 15", "approver_attempts_minutes = 10", "at least 15"),
        ("approver_notice_minutes = 60", "approver_notice_minutes = 61", "within 1 hour"),
        ("solo_signoff_minutes = 60", "solo_signoff_minutes = 90", "executive sign-off"),
        ("documentation_minutes = 120", "documentation_minutes = 121", "within 2 hours"),
        ("review_business_days = 5", "review_business_days = 6", "within 5 business days"),
        ("drill_interval_days = 92", "drill_interval_days = 93", "every quarter"),
        # Passwords mix case, numbers and symbols: a class of each is required.
        (CLASSES, CLASSES.replace('"34679", ', ""), "no class of digits"),
        (CLASSES, CLASSES.replace(', "!#%+=?@"', ""), "no class of symbols"),
        (CLASSES, CLASSES.replace('"ACDEFGHJ', '"abcACDEFGHJ'), "no class of upper-case letters"),
    ],
)
def test_bad_values_are_named_with_their_line(needle: str, replacement: str, words: str) -> None:
    assert needle in DEFAULT
    text = DEFAULT.replace(needle, replacement)
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode(), "policy.toml")
    line = line_of(text, replacement)
    assert exc.value.params["line"] == line
    assert f"line {line}" in exc.value.user_message()
    assert words in exc.value.user_message()


def test_procedure_windows_may_be_tightened() -> None:
    text = (
        DEFAULT.replace("documentation_minutes = 120", "documentation_minutes = 90")
        .replace("review_business_days = 5", "review_business_days = 3")
        .replace("approver_attempts_minutes = 15", "approver_attempts_minutes = 30")
    )
    p = parse_policy(text.encode(), "policy.toml")
    assert (p.documentation_minutes, p.review_business_days) == (90, 3)
    assert p.approver_attempts_minutes == 30


def test_look_alike_password_alphabet_is_refused() -> None:
    text = DEFAULT.replace('alphabet = "abcdefghijk', 'alphabet = "0Oabcdefghijk')
    with pytest.raises(PolicyError, match="look-alike characters: 0 O"):
        parse_policy(text.encode())


def test_syntax_error_names_the_line() -> None:
    text = DEFAULT.replace("rp_id = ", "rp_id = = ")
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode())
    assert exc.value.code == "policy.syntax"
    assert exc.value.params["line"] == line_of(text, "rp_id")


def test_unknown_setting_and_section_are_refused() -> None:
    text = DEFAULT.replace("[calendar]", "[calendar]\ncolour = 3")
    with pytest.raises(PolicyError, match="'colour' is not a known setting"):
        parse_policy(text.encode())
    with pytest.raises(PolicyError, match=r"\[extras\] is not a known section"):
        parse_policy((DEFAULT + "\n[extras]\na = 1\n").encode())


def test_missing_section_and_file(tmp_path: Path) -> None:
    start = DEFAULT.index("[printing]")
    end = DEFAULT.index("[scanner]")
    with pytest.raises(PolicyError, match=r"section \[printing\] is missing"):
        parse_policy((DEFAULT[:start] + DEFAULT[end:]).encode())
    with pytest.raises(PolicyError) as exc:
        load_policy(tmp_path / "nope.toml")
    assert exc.value.code == "policy.missing"


def test_no_approvers_is_refused() -> None:
    start = DEFAULT.index("[[approval.approvers]]")
    end = DEFAULT.index("[deadlines]")
    with pytest.raises(PolicyError, match="at least one emergency approver"):
        parse_policy((DEFAULT[:start] + "approvers = []\n" + DEFAULT[end:]).encode())


def test_the_counter_witness_margin_is_optional_and_bounded() -> None:
    """``[approval] counter_margin``: the default when absent, refused out of range (issue 17)."""
    from kiosk.policy import DEFAULT_COUNTER_MARGIN

    assert load_policy().counter_margin == 256 == DEFAULT_COUNTER_MARGIN
    without = "\n".join(
        line for line in DEFAULT.splitlines() if not line.startswith("counter_margin")
    )
    assert parse_policy(without.encode()).counter_margin == DEFAULT_COUNTER_MARGIN
    eight = DEFAULT.replace("counter_margin = 256", "counter_margin = 8")
    assert parse_policy(eight.encode()).counter_margin == 8
    for bad, words in (("0", "between 1 and 1000000"), ('"many"', "a whole number")):
        with pytest.raises(PolicyError) as info:
            parse_policy(
                DEFAULT.replace("counter_margin = 256", f"counter_margin = {bad}").encode()
            )
        assert words in info.value.user_message()
        assert f"line {line_of(DEFAULT, 'counter_margin')}" in info.value.user_message()
