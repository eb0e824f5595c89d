"""Messages about the terminal identity sheet and the public files it is printed from."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

_SAFE = (
    "The key fingerprint and genesis hash are also on the commissioning sheet sealed in the "
    "safe; ask security to compare them."
)

MESSAGES: dict[str, Message] = {
    "identity.missing": Message(
        "This terminal has no {file} in {path}: it was commissioned before the terminal kept "
        "its public identity there, or the file was removed.",
        "No identity sheet can be printed from the files. " + _SAFE,
    ),
    "identity.damaged": Message(
        "The terminal's {file} in {path} cannot be used: {reason}.",
        "Do not hand out an identity sheet from these files; call security. " + _SAFE,
    ),
    "identity.mismatch": Message(
        "kiosk.pub and identity.json in {path} name different terminal keys: one of them was "
        "changed after commissioning.",
        "Do not hand out either file or an identity sheet; call security now. " + _SAFE,
    ),
}
