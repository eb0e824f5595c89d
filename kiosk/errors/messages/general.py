"""Messages of no single area: the unexpected, a cancellation, a device's generic failure."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "internal": Message(
        "Something unexpected went wrong inside the terminal.",
        "Nothing was recorded. Note the time, then try again; if it repeats, call security.",
    ),
    "cancelled": Message("The operation was cancelled.", "Nothing was recorded.", True),
    "device.error": Message("The device reported a problem: {reason}.", "{advice}", True),
}
