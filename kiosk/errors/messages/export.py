"""Messages about the audit export to a USB stick."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "export.failed": Message("The export failed: {reason}.", "{advice}", True),
    "export.not_approved": Message(
        "The export is not approved: {reason}.",
        "An enrolled auditor and a custodian must approve the export with their keys, "
        "then start it again.",
    ),
    "export.no_volume": Message(
        "No removable USB stick is mounted.",
        "Insert the auditors' USB stick, wait a few seconds, then choose it.",
        True,
    ),
    "export.not_removable": Message(
        "{path} is not a removable volume.",
        "Exports go only to a removable USB stick: choose the stick in the list.",
        True,
    ),
    "export.read_only": Message(
        "The USB stick at {path} is read-only.",
        "Slide the stick's write-protect switch off, or use another stick, then export again.",
        True,
    ),
    "export.medium_full": Message(
        "The USB stick is full: the export needs {needed} bytes and {free} are free.",
        "Nothing valid was left on the stick. Use a stick with more free space, then export again.",
        True,
    ),
    "export.medium_gone": Message(
        "The USB stick went away while the export was being written.",
        "Nothing valid was left on it and the failed attempt is in the journal. Plug the stick "
        "in again (or use another one), then export again.",
        True,
    ),
    "export.write_failed": Message(
        "The export could not be written to the USB stick ({reason}).",
        "Nothing valid was left on it and the failed attempt is in the journal. Try another stick.",
        True,
    ),
    "export.exists": Message(
        "A bundle named {bundle} is already on the stick.",
        "Wait a second, then export again: each bundle gets a new name.",
        True,
    ),
}
