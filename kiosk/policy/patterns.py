"""The policy's regular expressions, run by a linear-time engine (RE2).

The envelope serial pattern (``[envelopes] serial_pattern``) is written by an
administrator and matched against every scan. Python's own ``re`` engine
backtracks: a pattern such as ``^([A-Z0-9]+)+$`` takes exponential time on a
scan that almost matches (a 64-character scan would run for longer than the
universe has existed), so one careless or hostile policy line could hang the
terminal at the first scan. RE2 (``google-re2``) runs every pattern in time
linear in the scan's length, whatever the pattern; it refuses the features
that need backtracking (backreferences, look-around), and the policy check
refuses a pattern using them, naming its line.

Every place the policy's patterns are used — the policy check
(:mod:`kiosk.policy.load`) and the scan of a serial
(:mod:`kiosk.scan.serials`) — compiles them here, so both use the same
engine and no place can fall back to a backtracking one.
"""

from __future__ import annotations

import functools
from typing import Protocol

import re2


class CompiledPattern(Protocol):
    """What the terminal needs of a compiled pattern."""

    def fullmatch(self, text: str) -> object | None: ...


def _options() -> object:
    options = re2.Options()
    # A refused pattern is reported through the policy's own error, naming
    # the line; RE2 would otherwise also print its parse error on stderr.
    options.log_errors = False
    return options


_OPTIONS = _options()


def _reason(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else exc
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


@functools.lru_cache(maxsize=16)
def compile_pattern(pattern: str) -> CompiledPattern:
    """``pattern`` compiled by RE2; raises ``ValueError`` saying why RE2 refuses it."""
    try:
        compiled: CompiledPattern = re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        raise ValueError(_reason(exc)) from None
    return compiled


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a serial pattern, in the policy's words, or None."""
    try:
        compile_pattern(pattern)
    except ValueError as exc:
        return (
            f"is not a valid regular expression for the linear-time engine ({exc}); "
            "backreferences and look-around are not allowed"
        )
    if not pattern.startswith("^") or not pattern.endswith("$"):
        return "must be anchored with ^ and $ so the whole serial is matched"
    return None


def full_match(pattern: str, text: str) -> bool:
    """True when ``text`` matches ``pattern`` as a whole, in time linear in ``len(text)``."""
    return compile_pattern(pattern).fullmatch(text) is not None
