"""A key that is not the one asked for (issue 22, "Feedback that explains").

When the screen asks a named custodian's key and the plugged-in key holds
none of that person's credentials, the terminal refuses before any touch and
says whose key it is and whose is expected. It used to wait for a touch the
key could never give and end with "not touched in time", or with a refusal
that named nobody.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "key_turn.already_approved": Message(
        "This is {found}'s key, which already approved this step: {expected} must use "
        "their own key.",
        "Unplug {found}'s key, plug in {expected}'s key and choose Try again.",
        True,
    ),
    "key_turn.someone_else": Message(
        "This is {found}'s key, not {expected}'s: {expected} must approve now, with their own key.",
        "Unplug {found}'s key, plug in {expected}'s key and choose Try again.",
        True,
    ),
    "key_turn.unknown_key": Message(
        "This key is not enrolled on this terminal: it holds none of {expected}'s keys.",
        "Unplug it, plug in {expected}'s enrolled key and choose Try again.",
        True,
    ),
}
