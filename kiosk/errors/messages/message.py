"""What one message is, and how the area tables become the one table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Message(NamedTuple):
    """What happened, what to do next, and whether trying again may help."""

    what: str
    next: str
    retryable: bool = False


def one_table(areas: Mapping[str, Mapping[str, Message]]) -> dict[str, Message]:
    """The area tables merged into one; a code defined in two areas is a defect.

    Raised at import, so a code copied into a second area can never silently
    replace the first one's words.
    """
    table: dict[str, Message] = {}
    home: dict[str, str] = {}
    for area, messages in areas.items():
        for code, message in messages.items():
            if code in table:
                raise ValueError(f"message code {code!r} is defined in {home[code]} and {area}")
            table[code] = message
            home[code] = area
    return table
