"""What a printed alert slip says, and what to do: ``alert.<name of the alert>``."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "alert.clock.moved_back": Message(
        "The terminal's clock moved backwards (clock {clock}, last entry {last_entry}).",
        "Check the clock against a trusted time source and call security; entries keep the "
        "last recorded time until the clock is right.",
    ),
    "alert.key.counter_not_increased": Message(
        "A security key's signature counter did not increase: the key may have been cloned.",
        "Take that key out of service, keep it for investigation and call security now.",
    ),
    "alert.deadline.overdue": Message(
        "A deadline of the break-glass procedure is overdue ({kind}, {subject}, due {due}).",
        "Complete the overdue step now and record why it was late.",
    ),
    "alert.usb.refused": Message(
        "A USB device that is not on the allow-list was connected ({description}).",
        "Remove the device and call security; the terminal will not use it.",
    ),
    "alert.envelope.tampered": Message(
        "Envelope {serial} shows signs of tampering and was quarantined ({failed}).",
        "Escalate to the security team immediately with this slip and the photographs "
        "({photo_ref}).",
    ),
    "alert.review.escalated": Message(
        "The post-incident review found policy violations or unexplained actions.",
        "Escalate to security and governance now and preserve all logs.",
    ),
}
