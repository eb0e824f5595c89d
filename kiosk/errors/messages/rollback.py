"""Messages about rollback and truncation: the key-slot file's head and MAC, the TPM counter."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

_STOP = "Do not use this terminal. Call security; nothing was changed."

MESSAGES: dict[str, Message] = {
    "rollback.journal_behind": Message(
        "The journal is older than its key-slot file: it was restored from an older copy, or "
        "entries were removed. The key-slot file records entry {seq} ({hash}…); the journal "
        "ends at entry {found}.",
        _STOP + " Compare the journal head printed on the latest documents in the safe.",
    ),
    "rollback.journal_forked": Message(
        "The journal is not the one its key-slot file records: entry {seq} should have hash "
        "{hash}…, the journal has {found}. It was replaced by another copy, or rewritten from "
        "that entry on.",
        _STOP + " Compare the journal head printed on the latest documents in the safe.",
    ),
    "rollback.slots_behind": Message(
        "The key-slot file is older than the journal: it records entry {seq}, the journal ends "
        "at entry {journal_seq}. It was restored from an older copy (which can bring back the "
        "slot of a revoked key).",
        _STOP,
    ),
    "rollback.tpm_ahead": Message(
        "The TPM counter ({counter}) is ahead of the value the key-slot file records "
        "({recorded}): the journal and its key-slot file were restored from an older copy.",
        _STOP + " Compare the journal head printed on the latest documents in the safe.",
    ),
    "rollback.recovery_removed": Message(
        "The key-slot file was edited: its recovery passphrase slot was removed.", _STOP
    ),
    "rollback.slot_removed": Message(
        "The key-slot file was edited: {slot} was removed from it.", _STOP
    ),
    "rollback.slot_added": Message("The key-slot file was edited: {slot} was added to it.", _STOP),
    "rollback.slots_edited": Message(
        "The key-slot file was edited: its authentication code does not match its content "
        "(or it belongs to another terminal).",
        _STOP,
    ),
    "rollback.old_format": Message(
        "The key-slot file is in a format from before the first release ({format}), which is "
        "not authenticated.",
        "Re-commission this terminal; nothing was changed.",
    ),
    "rollback.head_not_saved": Message(
        "The key-slot file could not be updated with the journal's head ({reason}). Nothing "
        "was recorded.",
        "Check the terminal's disk, then try again. If it repeats, call security.",
        True,
    ),
    "rollback.slots_not_saved": Message(
        "The key-slot file could not be written ({reason}); the key slots were not changed.",
        "Check the terminal's disk, then try again. If it repeats, call security.",
        True,
    ),
    "tpm.required": Message(
        'The policy requires a TPM ([tamper] tpm = "required"), and it cannot be used: {reason}.',
        "Enable the TPM in the machine's firmware, or have the policy changed; nothing was "
        "changed.",
    ),
    "tpm.not_bound": Message(
        "The policy requires a TPM counter, but this terminal's journal is not bound to one "
        "(it was commissioned without a TPM, or its key-slot file was rewritten).",
        _STOP,
    ),
    "tpm.missing": Message(
        "This terminal's journal is bound to the TPM counter {index}, which this machine "
        "cannot give.",
        "Check that the TPM is enabled and this is the terminal's own machine. If it is, call "
        "security; nothing was changed.",
    ),
    "tpm.behind": Message(
        "The TPM counter ({counter}) is behind the value the key-slot file records "
        "({recorded}): this is not the terminal's TPM, or the key-slot file was forged.",
        _STOP,
    ),
    "tpm.failed": Message(
        "The TPM did not answer as expected: {reason}.",
        "Try again. If it repeats, check the TPM in the machine's firmware and call security.",
        True,
    ),
}
