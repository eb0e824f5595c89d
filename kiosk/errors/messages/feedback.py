"""Feedback on screen that explains (issue 22): a wrong PIN, the idle lock's warning.

A wrong PIN used to change only a counter ("8 attempts left" -> "7"): the
message says that the PIN was wrong, how many tries remain, and what
happens at zero. The idle lock used to come without warning: its warning
says when, and that any touch keeps the terminal open.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "feedback.pin_wrong": Message(
        "That PIN was wrong. {left} tries left on this key.",
        "At 0 the key locks itself for good and can never approve again: it must be revoked "
        "and replaced. Type the PIN slowly; if unsure, stop and find the written PIN.",
    ),
    "feedback.pin_wrong_last": Message(
        "That PIN was wrong. 1 try left on this key.",
        "One more wrong PIN locks the key for good: it can never approve again and must be "
        "replaced. Type it only if you are sure of it.",
    ),
    "feedback.pin_wrong_unknown": Message(
        "That PIN was wrong.",
        "After too many wrong PINs the key locks itself for good and can never approve "
        "again. Type the PIN slowly; if unsure, stop and find the written PIN.",
    ),
    "feedback.idle_warning": Message(
        "Nobody has touched the terminal for a while: it locks in {seconds} s.",
        "Touch the screen or press any key to keep working. Typed answers of an incident's "
        "step are kept across the lock.",
    ),
}
