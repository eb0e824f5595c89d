"""The policy file's text, before the TOML parser sees it.

Two things are settled here, each naming the line it concerns:

* **Encoding.** The file is UTF-8. A byte-order mark (``EF BB BF``) at the
  very start is accepted and ignored: editors on Windows write one when
  saving "UTF-8", it carries no meaning, and refusing it sent administrators
  hunting an invisible character on line 1. Only a mark at the start is
  skipped (anywhere else it is an ordinary character, which TOML refuses).
  The policy's hash is still of the file's exact bytes, mark included, so
  the journal records precisely the file that was in force.
* **Nesting.** Python's TOML parser recurses once per nested array or inline
  table and stops with ``RecursionError`` (a traceback, no line) on a file
  nested a few hundred deep. No setting of the policy nests more than three
  deep, so a file nested deeper than :data:`MAX_NESTING` is refused before
  parsing, naming the line where it went too deep.
"""

from __future__ import annotations

from kiosk.errors import PolicyError

#: Deepest nesting of arrays and inline tables a policy file may have.
MAX_NESTING = 32

BOM = b"\xef\xbb\xbf"


def policy_text(raw: bytes, path: str) -> str:
    """The file's text: UTF-8, without a leading byte-order mark."""
    body = raw[len(BOM) :] if raw.startswith(BOM) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise PolicyError(
            "policy.syntax", path=path, line=line, reason="the file is not UTF-8"
        ) from exc


def _skip_string(text: str, i: int, quote: str) -> tuple[int, int]:
    """Index after the string starting at ``text[i]`` and the newlines it spans.

    Multi-line strings (three quotes) may span lines; a one-line string ends
    at its closing quote or, unterminated, at the end of the line (the parser
    reports that). In basic strings (``"``) a backslash escapes the next character.
    """
    n = len(text)
    triple = text.startswith(quote * 3, i)
    j = i + (3 if triple else 1)
    newlines = 0
    while j < n:
        c = text[j]
        if c == "\\" and quote == '"':
            newlines += text[j + 1 : j + 2] == "\n"
            j += 2
            continue
        if c == "\n":
            if not triple:
                return j, newlines
            newlines += 1
        elif triple and text.startswith(quote * 3, j):
            return j + 3, newlines
        elif not triple and c == quote:
            return j + 1, newlines
        j += 1
    return n, newlines


def too_deep(text: str, limit: int = MAX_NESTING) -> int | None:
    """The line where arrays and inline tables first nest deeper than ``limit``, or None.

    Strings and comments are skipped, so a bracket inside them does not count.
    """
    depth = 0
    line = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            i, newlines = _skip_string(text, i, c)
            line += newlines
            continue
        elif c in "[{":
            depth += 1
            if depth > limit:
                return line
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def refuse_deep_nesting(text: str, path: str) -> None:
    """Raise ``policy.syntax`` naming the line where the file nests too deep."""
    line = too_deep(text)
    if line is not None:
        raise PolicyError(
            "policy.syntax",
            path=path,
            line=line,
            reason=f"arrays or inline tables are nested more than {MAX_NESTING} deep",
        )
