"""Messages about the journal: its database, its payloads and its key slots."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "journal.error": Message("The journal reported a problem: {reason}.", "Call security."),
    "journal.exists": Message(
        "A journal already exists in {path}.",
        "Choose an empty directory; an existing journal is never overwritten.",
    ),
    "journal.missing": Message(
        "There is no journal in {path}.",
        "Check the data directory, or commission the terminal with 'sealroom init'.",
    ),
    "journal.cipher": Message(
        "The journal database is not protected as expected: {reason}.",
        "Do not use this terminal. Call security: the database or its library was changed.",
    ),
    "journal.wrong_key": Message(
        "The journal could not be decrypted with the unlocked key.",
        "The key-slot file does not belong to this journal. Call security; nothing was changed.",
    ),
    "journal.corrupt": Message(
        "The journal database file is damaged ({reason}).",
        "Do not use this terminal. Call security: two custodians restore it from its newest "
        "sealed backup with the newest record in the safe ('sealroom restore'; README, "
        "'When a terminal fails').",
    ),
    "journal.integrity": Message(
        "The journal does not verify: entry {seq} {reason}.",
        "Do not use this terminal. Call security: the record may have been altered.",
    ),
    "journal.locked": Message(
        "The journal in {path} is already open in another Sealroom program.",
        "Close the other program (or wait for it to finish), then try again.",
        True,
    ),
    "journal.undecryptable": Message(
        "The journal could not be decrypted: {reason}.",
        "Nothing was changed. Check the key-slot file belongs to this terminal; call security.",
    ),
    "journal.busy": Message(
        "Entry {seq} is still waiting for signatures.",
        "Finish or cancel the approval in progress first.",
        True,
    ),
    "journal.pending_gone": Message(
        "This approval was already finished or cancelled.", "Start the step again."
    ),
    "journal.write_failed": Message(
        "The journal could not be written ({reason}). Nothing was recorded.",
        "Check the terminal's disk, then try again. If it repeats, call security.",
        True,
    ),
    "payload.invalid": Message(
        "The record for '{kind}' is not complete: {reason}.",
        "Correct the highlighted field and try again.",
    ),
    "payload.secret": Message(
        "The record for '{kind}' tried to store a field named '{field}', "
        "which looks like a secret.",
        "Secrets are never written to the journal. This is a defect: call security.",
    ),
    "payload.unknown_kind": Message(
        "The terminal does not know how to record '{kind}'.", "This is a defect: call security."
    ),
    "keyslot.missing": Message(
        "The key-slot file {path} is missing.",
        "Call security: the journal cannot be opened without it, and an older copy of it is "
        "refused (it could bring back a revoked key). Two custodians restore the terminal from "
        "its newest sealed backup, which holds the key-slot file with the journal "
        "('sealroom restore').",
    ),
    "keyslot.damaged": Message(
        "The key-slot file is damaged ({reason}).",
        "Nothing was changed. Call security: an older copy of the key-slot file is refused; "
        "two custodians restore the terminal from its newest sealed backup ('sealroom "
        "restore').",
    ),
    "keyslot.wrong_passphrase": Message(
        "That recovery passphrase is not correct.",
        "Check the recovery sheet from the safe and type it again; spaces and case do not matter.",
        True,
    ),
    "keyslot.fido2_mismatch": Message(
        "That security key answered, but its secret does not open the journal.",
        "Use another custodian's key or the recovery passphrase, and tell security.",
    ),
    "keyslot.last_slot": Message(
        "Removing this key would leave no way to unlock the terminal.",
        "Keep the recovery slot; enrol a replacement key first.",
    ),
    "keyslot.weak_passphrase": Message(
        "That recovery passphrase is too short (at least {minimum} letters and digits).",
        "Let the terminal generate one, or choose a longer one.",
    ),
    "keyslot.no_slot": Message(
        "No key slot of kind '{kind}' can open this journal.",
        "Use another custodian's key or the recovery passphrase.",
    ),
}
