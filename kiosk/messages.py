"""Every message a person can be shown, in one place.

Each entry is ``code -> (what happened, what to do next, retryable)``. The
texts use ``str.format`` fields filled from an error's parameters. They are
written in the words of the break-glass procedure, for people in an incident:
short, calm, and always ending with the next thing to do.

The UI passes these strings through Qt's translation system; the keys stay
stable so translations survive rewording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class Message(NamedTuple):
    what: str
    next: str
    retryable: bool = False


MESSAGES: dict[str, Message] = {
    "internal": Message(
        "Something unexpected went wrong inside the terminal.",
        "Nothing was recorded. Note the time, then try again; if it repeats, call security.",
    ),
    "cancelled": Message("The operation was cancelled.", "Nothing was recorded.", True),
    # --- policy ---------------------------------------------------------
    "policy.missing": Message(
        "The policy file {path} cannot be read ({reason}).",
        "Restore the policy file from the commissioning copy, then start the terminal again.",
    ),
    "policy.syntax": Message(
        "The policy file {path} is not valid TOML at line {line}: {reason}.",
        "Correct line {line} of the policy file, then start the terminal again.",
    ),
    "policy.invalid": Message(
        "The policy file {path}, line {line}: {reason}.",
        "Correct line {line} of the policy file, then start the terminal again.",
    ),
    # --- journal ---------------------------------------------------------
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
        "Do not use this terminal. Call security and restore from the last audit export.",
    ),
    "journal.integrity": Message(
        "The journal does not verify: entry {seq} {reason}.",
        "Do not use this terminal. Call security: the record may have been altered.",
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
        "The record for '{kind}' tried to store a field named '{field}', which looks like a secret.",
        "Secrets are never written to the journal. This is a defect: call security.",
    ),
    "payload.unknown_kind": Message(
        "The terminal does not know how to record '{kind}'.", "This is a defect: call security."
    ),
    # --- state -----------------------------------------------------------
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
    # --- key slots -------------------------------------------------------
    "keyslot.missing": Message(
        "The key-slot file {path} is missing.",
        "Restore it from the commissioning backup; the journal cannot be opened without it.",
    ),
    "keyslot.damaged": Message(
        "The key-slot file is damaged ({reason}).",
        "Nothing was changed. Restore the key-slot file from the commissioning backup.",
    ),
    "keyslot.wrong_passphrase": Message(
        "That recovery passphrase is not correct.",
        "Check the recovery sheet from the safe and type it again; spaces and case do not matter.",
        True,
    ),
    "keyslot.no_slot": Message(
        "No key slot of kind '{kind}' can open this journal.",
        "Use another custodian's key or the recovery passphrase.",
    ),
    # --- devices, approvals, scans, export: filled in by later layers ----
    # == fido2 messages (security keys, approvals) ==
    # == end fido2 messages ==
    # == scan messages (scanners, serials, QR, USB allow-list) ==
    # == end scan messages ==
    # == print messages (documents, passwords, CUPS) ==
    # == end print messages ==
    "device.error": Message("The device reported a problem: {reason}.", "{advice}", True),
    "approval.refused": Message("The approval was refused: {reason}.", "{advice}"),
    "scan.invalid": Message("That scan was refused: {reason}.", "{advice}"),
    "export.failed": Message("The export failed: {reason}.", "{advice}", True),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "(" + key + ")"


def lookup(code: str) -> Message:
    """The message for ``code``, or the internal-error message if unknown."""
    return MESSAGES.get(code, MESSAGES["internal"])


def render(code: str, params: Mapping[str, Any]) -> str:
    """Fill a message's fields; a missing field shows as ``(name)``, never raises."""
    msg = lookup(code)
    values = _Blank(params)
    what = msg.what.format_map(values)
    nxt = msg.next.format_map(values)
    return f"{what} {nxt}".strip()


def is_retryable(code: str) -> bool:
    return lookup(code).retryable
