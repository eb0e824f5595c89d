"""Envelope serials: screening, pattern, check digits, inventory checks."""

from __future__ import annotations

import pytest
from stdnum import luhn
from stdnum.iso7064 import mod_97_10

from kiosk.errors import ScanError
from kiosk.errors.messages import MESSAGES
from kiosk.policy import load_policy
from kiosk.scan.serials import (
    MAX_SERIAL_CHARS,
    STATES,
    check_digit_for,
    check_envelope,
    check_new_serial,
    check_serial,
    covered_chars,
    make_serial,
    validate_serial,
)
from kiosk.scan.text import screen

DEFAULT = "^SR[0-9]{8}$"


def code_of(text: object, pattern: str = DEFAULT, scheme: str = "luhn") -> str:
    with pytest.raises(ScanError) as info:
        check_serial(text, pattern=pattern, scheme=scheme)
    assert info.value.code in MESSAGES, info.value.code
    return info.value.code


# -- minting -----------------------------------------------------------------


def test_make_serial_default_policy_is_luhn_over_the_seven_digits() -> None:
    serial = make_serial(1234567)
    assert serial == "SR12345674"
    # independently: the 8th digit is the Luhn check digit of the 7 before it
    assert luhn.calc_check_digit("1234567") == serial[-1]
    assert validate_serial(serial, load_policy()) == serial


def test_make_serial_mod97_has_two_check_digits_over_whole_alphanumeric_serial() -> None:
    serial = make_serial(1, scheme="iso7064_mod97_10")
    assert serial == "SR00000128"
    # independently: the whole serial, letters as A=10..Z=35, is 1 mod 97
    assert int("".join(str(int(c, 36)) for c in serial)) % 97 == 1
    assert mod_97_10.is_valid(serial)
    assert check_serial(serial, pattern=DEFAULT, scheme="iso7064_mod97_10") == serial


def test_make_serial_refuses_a_number_that_does_not_fit() -> None:
    with pytest.raises(ValueError):
        make_serial(10_000_000)
    with pytest.raises(ValueError):
        make_serial(-1)
    with pytest.raises(ValueError):
        make_serial(1_000_000, scheme="iso7064_mod97_10")


def test_check_digit_for_each_scheme() -> None:
    assert check_digit_for("SR1234567", "none") == ""
    assert check_digit_for("SR1234567", "luhn") == "4"
    assert len(check_digit_for("SR123456", "iso7064_mod97_10")) == 2
    with pytest.raises(ValueError):
        check_digit_for("SR", "luhn")  # no digit to cover
    with pytest.raises(ValueError):
        check_digit_for("SR1", "crc32")


def test_luhn_covers_digits_only_so_separators_and_prefix_do_not_matter() -> None:
    pattern = "^SR-[0-9]{4}-[0-9]{4}$"
    assert covered_chars("SR-1234-5674", "luhn") == "12345674"
    assert check_serial("SR-1234-5674", pattern=pattern, scheme="luhn") == "SR-1234-5674"
    assert code_of("SR-1234-5675", pattern) == "scan.bad_check_digit"


def test_mod97_covers_the_prefix_letters() -> None:
    good = make_serial(4242, scheme="iso7064_mod97_10")
    other_prefix = "XR" + good[2:]
    assert code_of(other_prefix, "^[A-Z]{2}[0-9]{8}$", "iso7064_mod97_10") == (
        "scan.bad_check_digit"
    )


# -- accepting and refusing ---------------------------------------------------


def test_valid_serial_is_returned_without_surrounding_spaces() -> None:
    assert check_serial("  SR12345674 ", pattern=DEFAULT, scheme="luhn") == "SR12345674"


@pytest.mark.parametrize(
    "text",
    ["SR1234567", "SR123456740", "XX12345674", "sr12345674", "SR 12345674", "SR1234567A"],
)
def test_wrong_pattern(text: str) -> None:
    assert code_of(text) == "scan.wrong_pattern"


def test_wrong_pattern_message_names_the_scan_and_says_the_pattern_in_words() -> None:
    """Issue 22: a bad serial showed the raw pattern ``^SR[0-9]{8}$``; people read words."""
    with pytest.raises(ScanError) as info:
        check_serial("SR1234", pattern=DEFAULT, scheme="luhn")
    msg = info.value.user_message()
    assert "SR1234" in msg and "SR then 8 digits, e.g. SR00012344" in msg
    assert DEFAULT not in msg and "[0-9]" not in msg and "^" not in msg
    with pytest.raises(ScanError) as info:
        check_serial("SR1234", pattern="^(AB|CD)-[0-9]{6}$", scheme="none")
    msg = info.value.user_message()
    assert "the serial printed under the bag's barcode" in msg and "[0-9]" not in msg


@pytest.mark.parametrize("digit", [d for d in "0123456789" if d != "4"])
def test_every_wrong_luhn_digit_is_refused(digit: str) -> None:
    assert code_of("SR1234567" + digit) == "scan.bad_check_digit"


def test_transposition_is_caught_by_luhn() -> None:
    assert code_of("SR21345674") == "scan.bad_check_digit"


def test_none_scheme_checks_only_the_pattern() -> None:
    assert check_serial("SR12345675", pattern=DEFAULT, scheme="none") == "SR12345675"


def test_mod97_bad_check() -> None:
    good = make_serial(123456, scheme="iso7064_mod97_10")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert code_of(bad, scheme="iso7064_mod97_10") == "scan.bad_check_digit"


def test_bad_check_digit_message_names_scheme() -> None:
    with pytest.raises(ScanError) as info:
        check_serial("SR12345675", pattern=DEFAULT, scheme="luhn")
    assert "Luhn" in info.value.user_message()
    assert "SR12345675" in info.value.user_message()


def test_empty_and_blank() -> None:
    assert code_of("") == "scan.empty"
    assert code_of("    ") == "scan.empty"


def test_not_text() -> None:
    assert code_of(b"SR12345674") == "scan.not_text"
    assert code_of(None) == "scan.not_text"


def test_over_long_input_is_capped_before_anything_else() -> None:
    # A control character at position 1 would be reported if the cap came later.
    hostile = "\x00" + "9" * MAX_SERIAL_CHARS
    assert code_of(hostile) == "scan.too_long"
    assert code_of("S" * (MAX_SERIAL_CHARS + 1)) == "scan.too_long"
    # a catastrophic-backtracking pattern never sees more than the cap
    assert code_of("a" * 100_000, pattern="^(a+)+$") == "scan.too_long"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("SR1234\x005674", "U+0000"),
        ("SR12345674\r", "U+000D"),
        ("SR12345674\n", "U+000A"),
        ("SR1234\x1b[2J5674", "U+001B"),
        ("SR1234\x7f5674", "U+007F"),
        ("SR1234\u200b5674", "ZERO WIDTH SPACE"),
        ("SR\u202e12345674", "RIGHT-TO-LEFT OVERRIDE"),
        ("SR1234\u20285674", "LINE SEPARATOR"),
    ],
)
def test_control_and_invisible_characters_are_named(text: str, named: str) -> None:
    with pytest.raises(ScanError) as info:
        check_serial(text, pattern=DEFAULT, scheme="luhn")
    assert info.value.code == "scan.control_char"
    assert named in info.value.user_message()


def test_cyrillic_es_is_named_as_a_lookalike_of_c() -> None:
    with pytest.raises(ScanError) as info:
        check_serial("\u0421R12345674", pattern="^[A-Z]R[0-9]{8}$", scheme="luhn")
    err = info.value
    assert err.code == "scan.lookalike"
    assert err.params["looks_like"] == "C"
    assert err.params["position"] == 1
    assert "CYRILLIC CAPITAL LETTER ES" in err.user_message()


def test_fullwidth_digit_is_a_lookalike() -> None:
    with pytest.raises(ScanError) as info:
        check_serial("SR1234567\uff14", pattern=DEFAULT, scheme="luhn")
    assert info.value.code == "scan.lookalike"
    assert info.value.params["looks_like"] == "4"
    assert "FULLWIDTH DIGIT FOUR" in info.value.user_message()


def test_greek_omicron_and_arabic_digit() -> None:
    with pytest.raises(ScanError) as info:
        check_serial("SR1234567\u039f", pattern=DEFAULT, scheme="luhn")
    assert info.value.params["looks_like"] == "O"
    # stdnum's int(x, 36) would read an Arabic-Indic digit as a digit: refused first
    with pytest.raises(ScanError) as info2:
        check_serial("SR1234567\u0664", pattern=r"^SR\d{8}$", scheme="luhn")
    assert info2.value.code in {"scan.non_ascii", "scan.lookalike"}
    assert "ARABIC-INDIC DIGIT FOUR" in info2.value.user_message()


def test_other_non_ascii_is_named() -> None:
    with pytest.raises(ScanError) as info:
        check_serial("SR1234567\u00e9", pattern=DEFAULT, scheme="luhn")
    assert info.value.code == "scan.non_ascii"
    assert "LATIN SMALL LETTER E WITH ACUTE" in info.value.user_message()


def test_messages_never_contain_the_raw_offending_character() -> None:
    for bad in ("\u202e", "\u0421", "\x1b", "\u00e9"):
        with pytest.raises(ScanError) as info:
            screen("SR" + bad, limit=64)
        assert bad not in info.value.user_message()


# -- inventory ----------------------------------------------------------------

INVENTORY = {
    "SR12345674": "sealed",
    "SR00000018": "blank_stock",
    "SR00000026": "opened",
    "SR00000034": "checked_out",
    "SR00000042": "destroyed",
    "SR00000059": "quarantined",
}


def lookup(serial: str) -> str | None:
    return INVENTORY.get(serial)


def test_inventory_fixture_serials_are_valid() -> None:
    for serial in INVENTORY:
        assert luhn.is_valid(serial[2:]), serial


def test_check_envelope_returns_the_state_when_expected() -> None:
    assert check_envelope("SR12345674", lookup, {"sealed"}, "check out") == "sealed"
    assert check_envelope("SR00000018", lookup, {"blank_stock"}, "register") == "blank_stock"


def test_unknown_serial() -> None:
    with pytest.raises(ScanError) as info:
        check_envelope("SR99999997", lookup, {"sealed"}, "check out")
    assert info.value.code == "scan.unknown_serial"
    assert "SR99999997" in info.value.user_message()


def test_serial_used_when_registering_a_bag_that_left_stock() -> None:
    for serial in ("SR12345674", "SR00000034", "SR00000059"):
        with pytest.raises(ScanError) as info:
            check_envelope(serial, lookup, {"blank_stock"}, "register")
        assert info.value.code == "scan.serial_used", serial


def test_serial_used_when_the_bag_was_opened_or_destroyed() -> None:
    for serial, words in (("SR00000026", "opened"), ("SR00000042", "destroyed")):
        with pytest.raises(ScanError) as info:
            check_envelope(serial, lookup, {"sealed"}, "check out")
        assert info.value.code == "scan.serial_used"
        assert words in info.value.user_message()


def test_wrong_state_names_state_expected_and_purpose() -> None:
    with pytest.raises(ScanError) as info:
        check_envelope("SR00000034", lookup, {"sealed"}, "check out")
    err = info.value
    assert err.code == "scan.wrong_state"
    msg = err.user_message()
    assert "checked out" in msg and "sealed in the safe" in msg and "(check out)" in msg


def test_wrong_state_lists_several_expected_states_in_life_cycle_order() -> None:
    with pytest.raises(ScanError) as info:
        check_envelope("SR00000059", lookup, {"opened", "checked_out"}, "return")
    assert info.value.params["expected"] == "checked out or opened"


def test_destroying_an_opened_envelope_is_allowed_when_expected() -> None:
    assert check_envelope("SR00000026", lookup, {"opened", "quarantined"}, "destroy") == "opened"


def test_check_new_serial() -> None:
    check_new_serial("SR99999997", lookup)
    with pytest.raises(ScanError) as info:
        check_new_serial("SR00000018", lookup)
    assert info.value.code == "scan.serial_used"
    assert "blank stock" in info.value.user_message()


def test_states_are_the_documented_names() -> None:
    assert set(STATES) == {
        "blank_stock",
        "sealed",
        "checked_out",
        "opened",
        "quarantined",
        "destroyed",
    }


def test_every_scan_and_scanner_code_has_a_message_with_a_next_step() -> None:
    codes = [c for c in MESSAGES if c.startswith(("scan.", "device.scanner", "device.usb"))]
    assert len(codes) >= 20
    for code in codes:
        assert MESSAGES[code].what and MESSAGES[code].next, code


def test_lone_surrogate_is_a_control_character_not_a_crash() -> None:
    assert code_of("SR1234567\ud800") == "scan.control_char"
