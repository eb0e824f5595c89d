"""Messages of the projection's rules (:mod:`kiosk.state`): steps the recorded state forbids.

Each is raised as a :class:`kiosk.errors.TransitionError`. Codes about an
envelope's state start with ``envelope.``; every other rule's with ``transition.``.
"""

from __future__ import annotations

from kiosk.messages.message import Message

MESSAGES: dict[str, Message] = {
    "transition.illegal": Message("{reason}.", "{advice}"),
    "envelope.unknown": Message(
        "Envelope {serial} is not in the inventory.",
        "Check you scanned the right envelope. New bags must be received into stock first.",
    ),
    "envelope.reused": Message(
        "Serial {serial} was already used (it is {state}).",
        "A serial is used once. Take a new bag from stock and scan its serial.",
    ),
    "envelope.bad_state": Message(
        "Envelope {serial} is {state}; it cannot be {action}.",
        "{advice}",
    ),
}
