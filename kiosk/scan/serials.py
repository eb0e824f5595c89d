"""Envelope serials: format, check digit, and the inventory checks.

A serial is the number printed (as text and as a barcode) on a tamper-evident
bag. The policy fixes its shape (``[envelopes] serial_pattern``, a regular
expression matched against the *whole* serial by the linear-time RE2 engine:
:mod:`kiosk.policy.patterns`, so no pattern can make a scan take more than
time linear in its length) and its check-digit scheme
(``[envelopes] check_digit``). This module decides whether a scan is a
well-formed serial; whether that serial may be used for a step is decided
against the inventory (the journal projection) by :func:`check_envelope`.

Invariants of :func:`check_serial` / :func:`validate_serial`:

- the length cap (:data:`MAX_SERIAL_CHARS`) is applied before anything else,
  and control, invisible and non-ASCII characters are refused before the
  regular expression runs (see :mod:`kiosk.scan.text`);
- the pattern runs on RE2, never on Python's backtracking ``re``;
- a serial is returned only if it matches the pattern in full *and* its check
  characters are right; it is returned exactly as printed (no case folding),
  without surrounding spaces;
- each reason for refusal has its own message code.

What the check characters cover (this is the contract with the bag supplier
and with :func:`make_serial`):

``none``
    Nothing is checked beyond the pattern.
``luhn``
    The Luhn (mod 10) algorithm over the **ASCII digits of the serial, in
    order**; every other character (prefix letters, dashes) is ignored. The
    last digit is the check digit. For the default pattern ``^SR[0-9]{8}$``,
    the 8th digit is the Luhn check digit of the 7 digits before it:
    ``SR12345674`` is valid (``luhn.calc_check_digit("1234567") == "4"``).
``iso7064_mod97_10``
    ISO 7064 MOD 97-10 (the IBAN scheme) over the **alphanumeric characters
    of the whole serial** (prefix included; letters count A=10 ... Z=35,
    upper or lower case alike; dashes and other separators ignored). The last
    two alphanumeric characters are the check digits. With the default
    pattern this means 6 serial digits and 2 check digits: ``SR00000128``.

Both schemes come from python-stdnum (``stdnum.luhn``,
``stdnum.iso7064.mod_97_10``); this module only decides which characters
they see, and refuses non-ASCII before stdnum runs (``int(x, 36)`` inside
stdnum would otherwise accept Unicode digits such as '٣').
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from stdnum import luhn
from stdnum.iso7064 import mod_97_10

from kiosk.errors import ScanError
from kiosk.policy import CHECK_DIGITS, Policy
from kiosk.policy.patterns import full_match
from kiosk.scan.text import screen

#: Hard cap on a scanned serial, checked before any other work.
MAX_SERIAL_CHARS = 64

#: Envelope states of the journal projection, in life-cycle order.
STATES: tuple[str, ...] = (
    "blank_stock",
    "sealed",
    "checked_out",
    "opened",
    "quarantined",
    "destroyed",
)

#: The words a custodian reads for each state.
STATE_LABELS: dict[str, str] = {
    "blank_stock": "blank stock",
    "sealed": "sealed in the safe",
    "checked_out": "checked out",
    "opened": "opened",
    "quarantined": "quarantined",
    "destroyed": "destroyed",
}

#: States after which a bag can never hold credentials again: its serial is used.
CONSUMED_STATES = frozenset({"opened", "destroyed"})

_CHECK_CHARS = {"none": 0, "luhn": 1, "iso7064_mod97_10": 2}


def _require_scheme(scheme: str) -> None:
    if scheme not in CHECK_DIGITS:
        raise ValueError(f"unknown check-digit scheme {scheme!r}; one of {CHECK_DIGITS}")


def covered_chars(serial: str, scheme: str) -> str:
    """The characters of ``serial`` that ``scheme`` checks (see module docstring)."""
    _require_scheme(scheme)
    if scheme == "luhn":
        return "".join(c for c in serial if "0" <= c <= "9")
    if scheme == "iso7064_mod97_10":
        return "".join(c for c in serial if c.isascii() and c.isalnum()).upper()
    return ""


def check_digit_for(body: str, scheme: str) -> str:
    """The check character(s) to append to ``body`` (a serial without them).

    ``""`` for ``none``; one digit for ``luhn``; two for ``iso7064_mod97_10``.
    Raises ``ValueError`` if ``body`` has nothing for the scheme to cover.
    """
    _require_scheme(scheme)
    covered = covered_chars(body, scheme)
    if scheme == "none":
        return ""
    if not covered:
        raise ValueError(f"{body!r} has no characters for the {scheme} check to cover")
    if scheme == "luhn":
        return str(luhn.calc_check_digit(covered))
    return str(mod_97_10.calc_check_digits(covered))


def make_serial(number: int, *, prefix: str = "SR", digits: int = 8, scheme: str = "luhn") -> str:
    """Mint a valid serial: ``prefix`` + ``digits`` digits whose last ones are the check.

    ``make_serial(1234567)`` is ``"SR12345674"`` for the default policy
    (``^SR[0-9]{8}$`` with Luhn). Used by simulations, demos and tests; real
    serials come printed on the supplier's bags.
    """
    _require_scheme(scheme)
    width = digits - _CHECK_CHARS[scheme]
    if width < 1 or not 0 <= number < 10**width:
        raise ValueError(f"{number} does not fit in {width} digits")
    body = f"{prefix}{number:0{width}d}"
    return body + check_digit_for(body, scheme)


_SIMPLE = re.compile(r"\^?([A-Z]*)\[0-9\]\{(\d{1,2})\}\$?")


def looks_like(pattern: str) -> str:
    """What a serial of ``pattern`` looks like, in words: never the regular expression.

    People read the message (issue 22: a bad serial showed ``^SR[0-9]{8}$``);
    a pattern of letters then digits is said so, with an example, and any
    other pattern as the serial printed under the bag's barcode.
    """
    m = _SIMPLE.fullmatch(pattern)
    if m is None:
        return "the serial printed under the bag's barcode"
    prefix, digits = m.group(1), int(m.group(2))
    example = (
        make_serial(1234, prefix=prefix, digits=digits) if digits >= 5 else prefix + "1" * digits
    )
    if prefix:
        return f"{prefix} then {digits} digits, e.g. {example}"
    return f"{digits} digits, e.g. {example}"


def has_valid_check(serial: str, scheme: str) -> bool:
    """True when the check character(s) of ``serial`` are right for ``scheme``."""
    covered = covered_chars(serial, scheme)
    if scheme == "none":
        return True
    if scheme == "luhn":
        return len(covered) >= 2 and bool(luhn.is_valid(covered))
    return len(covered) >= 3 and bool(mod_97_10.is_valid(covered))


def check_serial(text: object, *, pattern: str, scheme: str) -> str:
    """Validate a scanned serial against ``pattern`` (whole match) and ``scheme``.

    Returns the serial. Raises :class:`ScanError` (``scan.not_text``,
    ``scan.too_long``, ``scan.empty``, ``scan.control_char``,
    ``scan.lookalike``, ``scan.non_ascii``, ``scan.wrong_pattern``,
    ``scan.bad_check_digit``) and nothing else for any input text.
    """
    _require_scheme(scheme)
    serial = screen(text, limit=MAX_SERIAL_CHARS)
    if not full_match(pattern, serial):
        raise ScanError(
            "scan.wrong_pattern", serial=serial, pattern=pattern, looks_like=looks_like(pattern)
        )
    if not has_valid_check(serial, scheme):
        raise ScanError("scan.bad_check_digit", serial=serial, scheme=_SCHEME_WORDS[scheme])
    return serial


_SCHEME_WORDS = {"none": "none", "luhn": "Luhn", "iso7064_mod97_10": "ISO 7064 MOD 97-10"}


def validate_serial(text: object, policy: Policy) -> str:
    """:func:`check_serial` with the pattern and scheme of ``policy``."""
    return check_serial(text, pattern=policy.serial_pattern, scheme=policy.check_digit)


def state_label(state: str) -> str:
    """Custodian words for a state name (the raw name if it is not one we know)."""
    return STATE_LABELS.get(state, state)


def check_envelope(
    serial: str,
    lookup: Callable[[str], str | None],
    expected_states: Collection[str],
    purpose: str,
) -> str:
    """Check a (validated) serial against the inventory; return its state.

    ``lookup(serial)`` returns the envelope's state name (one of
    :data:`STATES`) or None if the inventory does not know it.
    ``expected_states`` are the states the step accepts; ``purpose`` is a
    short verb phrase for the message ("check out", "open", "return",
    "destroy", "register").

    Raises :class:`ScanError`:

    - ``scan.unknown_serial`` -- the inventory does not know the serial;
    - ``scan.serial_used`` -- the step wants a fresh bag (``blank_stock`` is
      expected) but this one has left blank stock, or the bag is already
      opened or destroyed: a serial is used once;
    - ``scan.wrong_state`` -- otherwise, when the state is not expected.

    To receive *new* bags into stock (serials the inventory must not know),
    use :func:`check_new_serial` instead.
    """
    state = lookup(serial)
    if state is None:
        raise ScanError("scan.unknown_serial", serial=serial)
    if state in expected_states:
        return state
    if "blank_stock" in expected_states or state in CONSUMED_STATES:
        raise ScanError("scan.serial_used", serial=serial, state=state_label(state))
    expected = " or ".join(state_label(s) for s in STATES if s in expected_states)
    unknown = sorted(s for s in expected_states if s not in STATES)
    expected = " or ".join([e for e in [expected, *unknown] if e])
    raise ScanError(
        "scan.wrong_state",
        serial=serial,
        state=state_label(state),
        expected=expected or "(none)",
        purpose=purpose,
    )


def check_new_serial(serial: str, lookup: Callable[[str], str | None]) -> None:
    """Refuse a serial the inventory already knows (receiving new bags into stock)."""
    state = lookup(serial)
    if state is not None:
        raise ScanError("scan.serial_used", serial=serial, state=state_label(state))
