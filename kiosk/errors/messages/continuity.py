"""Messages about continuity: steps a crash interrupted, recorded at the next unlock (issue 21)."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "print.interrupted": Message(
        "The terminal stopped while this alert slip was printing, so it may not have come out.",
        "The terminal prints it again after the unlock; if it still does not print, tell the "
        "security team in person and press Print slip again once the printer works.",
        True,
    ),
}
