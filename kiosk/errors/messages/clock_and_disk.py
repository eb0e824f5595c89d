"""Messages about the terminal's clock and its disk (issue 17's other holes)."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

_CONFIRM = (
    "Check the date and time against a watch or phone. If the clock is right, two custodians "
    "confirm it on the dashboard ('Confirm the clock'); if it is wrong, have security correct "
    "the terminal's clock. Then try again."
)

MESSAGES: dict[str, Message] = {
    "journal.disk_full": Message(
        "The terminal's disk is full (only {free} left for {path}): the journal cannot be "
        "opened or written. Nothing was changed and nothing is lost; the key was right.",
        "Call the administrator to free space on the terminal's disk (old exports, logs, "
        "never the journal's own files), then unlock again.",
        True,
    ),
    "clock.unconfirmed": Message(
        "The terminal's clock was moved forward: it says {clock} UTC, but only the time up to "
        "{expected} UTC has passed since it was last trusted. Nothing was recorded.",
        _CONFIRM,
        True,
    ),
    "clock.unconfirmed_start": Message(
        "The terminal's clock says {clock} UTC, well after the last entry ({expected} UTC), "
        "and since the terminal started nothing tells how much time really passed. Nothing "
        "was recorded.",
        _CONFIRM,
        True,
    ),
    "clock.nothing_to_confirm": Message(
        "The terminal's clock needs no confirmation: it agrees with the time that passed.",
        "Carry on; nothing was recorded.",
    ),
}
