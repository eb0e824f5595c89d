"""Screening of scanned text before any parser looks at it.

Everything a scanner delivers -- an envelope serial, one of the terminal's own
QR payloads -- passes through :func:`screen` first. Invariants after a
successful :func:`screen`:

- the input was a ``str`` of at most ``limit`` characters (the cap is checked
  *first*, before stripping, before any regular expression, so a hostile scan
  cannot make a parser do unbounded work);
- surrounding ASCII spaces are removed (a person who types a serial by hand
  may add one; nothing else is ever changed);
- the result is non-empty, and every character is printable ASCII
  (U+0020..U+007E): no control characters, no invisible formatting
  characters (zero-width space, bidi overrides), and no non-ASCII letters.

Why refuse all non-ASCII rather than normalise it (NFKC): an envelope serial
printed on a tamper-evident bag is ASCII. A Cyrillic 'С' or a fullwidth '１'
in a scan means a forged or re-typed label, or a scanner set to the wrong
keyboard layout; silently folding it to ASCII would let a look-alike serial
pass as the real one. So the scan is refused and the message *names* the
character (its Unicode name, and the ASCII character it imitates when known),
so security staff can see what happened.

The look-alike hint comes from Unicode compatibility decomposition (NFKC,
which covers fullwidth forms, mathematical alphanumerics, superscripts) plus
the small hand-written table :data:`HOMOGLYPHS` of Cyrillic and Greek capitals
and lower-case letters that render like Latin ones. The table is hand-written
rather than taken from a confusables library because it only chooses the
words of a message: the refusal itself never depends on it.
"""

from __future__ import annotations

import unicodedata

from kiosk.errors import ScanError

#: Cyrillic and Greek letters (and a few punctuation marks) that render like
#: an ASCII character in the fonts scanners' labels and screens use.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "З": "3", "К": "K", "М": "M", "Н": "H",
    "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S",
    "І": "I", "Ј": "J", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W",
    # Cyrillic lower case
    "а": "a", "б": "6", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y",
    "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "һ": "h", "ԛ": "q",
    "ԝ": "w",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Greek lower case
    "ο": "o", "ν": "v", "ι": "i", "α": "a", "κ": "k",
    # dashes and minus signs that look like '-'
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
}  # fmt: skip

#: Unicode categories refused as "control characters": C0/C1 controls,
#: invisible format characters, surrogates, private use, unassigned, and
#: line/paragraph separators.
_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def describe_char(ch: str) -> str:
    """``U+0421 CYRILLIC CAPITAL LETTER ES``: a character named without showing it.

    The raw character is never put in a message: it may be invisible or
    reorder the text around it (bidi controls).
    """
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".rstrip()


def lookalike_of(ch: str) -> str | None:
    """The printable ASCII character ``ch`` imitates, or None if none is known."""
    if ch in HOMOGLYPHS:
        return HOMOGLYPHS[ch]
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and " " <= folded <= "~":
        return folded
    return None


def screen(text: object, *, limit: int) -> str:
    """Check ``text`` is short, non-empty printable ASCII; return it without outer spaces.

    Raises :class:`ScanError` with one of ``scan.not_text``, ``scan.too_long``,
    ``scan.empty``, ``scan.control_char``, ``scan.lookalike``,
    ``scan.non_ascii``. Never raises anything else.
    """
    if not isinstance(text, str):
        raise ScanError("scan.not_text")
    if len(text) > limit:
        raise ScanError("scan.too_long", length=len(text), limit=limit)
    stripped = text.strip(" ")
    if not stripped:
        raise ScanError("scan.empty")
    for position, ch in enumerate(stripped, start=1):
        if " " <= ch <= "~":
            continue
        if ch == "\x7f" or unicodedata.category(ch) in _CONTROL_CATEGORIES:
            raise ScanError("scan.control_char", char=describe_char(ch), position=position)
        like = lookalike_of(ch)
        if like is not None:
            raise ScanError(
                "scan.lookalike", char=describe_char(ch), looks_like=like, position=position
            )
        raise ScanError("scan.non_ascii", char=describe_char(ch), position=position)
    return stripped
