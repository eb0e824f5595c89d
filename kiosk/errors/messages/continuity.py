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
    "backup.unreadable": Message(
        "{path} is not a Sealroom backup, or it is damaged.",
        "Use the backup stick registered for this terminal (kept in the safe), then try again.",
    ),
    "backup.damaged": Message(
        "The backup {path} does not open: it was changed or damaged after it was written.",
        "Do not use it. Try the backup before it, or call the security team.",
    ),
    "backup.none": Message(
        "No Sealroom backup was found on {path}.",
        "Insert the backup stick registered for this terminal (kept in the safe), then try again.",
        True,
    ),
    "backup.unregistered_medium": Message(
        "The medium {medium} is not the backup medium registered for this terminal.",
        "Use the registered backup stick, or register this one first with two custodians "
        "(sealroom backup --register).",
    ),
    "restore.anchor_required": Message(
        "A restore needs the head printed on the newest record in the safe.",
        "Take the newest printed record (slip, sheet or session record) out of the safe and "
        "scan its QR code or type the head printed on it (for example 40 · 3fa2b19c0d11).",
    ),
    "restore.bad_anchor": Message(
        "'{value}' is not a journal head as printed on a record.",
        "Type the entry number and at least the first 8 characters of its hash, as printed "
        "(for example 40 · 3fa2b19c0d11).",
        True,
    ),
    "restore.anchor_mismatch": Message(
        "The backup does not match the record from the safe: entry {seq} is {found} in the "
        "backup but {hash} on paper.",
        "Do not use this backup: it is not this terminal's history. Check that the record "
        "and the backup are of this terminal, then call the security team.",
    ),
    "terminal.has_moved": Message(
        "This terminal was moved to new hardware (entry {seq}: {to}); this copy must not run.",
        "Use the terminal on its new hardware. Keep this machine's disk for the security "
        "team; nothing was changed.",
    ),
    "terminal.is_retired": Message(
        "This terminal was retired (entry {seq}); its key material was destroyed.",
        "Its journal is in the final audit export, checked with 'sealroom verify' against the "
        "head on the retirement certificate. Nothing was changed.",
    ),
    "terminal.not_retired": Message(
        "The terminal's key material is destroyed only after its retirement is recorded.",
        "Record the retirement with two custodians and make the final export first.",
    ),
    "backup.not_in_policy": Message(
        "The medium {medium} is not the backup medium the policy names.",
        "Register the medium named in the policy's [backup] section, or change the policy "
        "first (with two custodians).",
    ),
}
