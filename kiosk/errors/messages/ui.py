"""Messages that only the screens raise."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "ui.scan_overlong": Message(
        "That scan was longer than any serial or QR code this terminal expects.",
        "Scan only the envelope's serial barcode or the credential sheet's QR code.",
        True,
    ),
    "ui.no_scan_here": Message(
        "This step does not take a scan.",
        "Finish this step first; the screen asks for a scan when it needs one.",
        True,
    ),
}
