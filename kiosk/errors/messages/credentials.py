"""Messages of one live credential per account (issue 18): sealings, superseded copies,
separation of duties at reset, failed verification, account changes, destruction.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    # --- the journal's state (kiosk/state/credentials.py) --------------------
    "envelope.superseded": Message(
        "Envelope {serial} was superseded by a newer credential of {account} (since {since}): "
        "its password no longer works.",
        "Do not use it. Take one of the account's live envelopes; the superseded one is to be "
        "destroyed under dual control.",
    ),
    "credential.account_retired": Message(
        "The account {account} is retired.", "Nothing new can be sealed or changed for it."
    ),
    "credential.envelope_out": Message(
        "Envelope {serial} of {account} is out of the safe: a new credential now would make "
        "its password stale in someone's hands.",
        "Return or open it first, then seal the new credential.",
    ),
    "credential.id_used": Message(
        "The credential {credential} was already approved once.",
        "Start the sealing again: it gets a new credential.",
    ),
    "credential.bag_not_blank": Message(
        "Bag {serial} is not blank stock.", "Scan a new bag from the registered stock."
    ),
    "credential.sheet_not_approved": Message(
        "No approval of both custodians covers a sheet for {account} in bag {serial}.",
        "Both custodians approve the new password with their keys before the sheet prints.",
    ),
    "credential.separation": Message(
        "The new credential of {account} must be approved by security staff who were not part "
        "of incident {incident}.",
        "Ask a custodian with the security duty who did not use the old password to approve "
        "with their key.",
    ),
    # --- the procedures (kiosk/procedures/credentials.py) -------------------
    "procedure.bad_destruction_method": Message(
        "'{method}' is not a destruction method the policy allows.",
        "Choose one of: {methods}.",
    ),
    "procedure.nothing_to_destroy": Message(
        "The account {account} has no superseded, opened or quarantined envelope to destroy.",
        "Nothing to do here.",
    ),
    "procedure.not_to_destroy": Message(
        "Envelope {serial} is not one to destroy now ({state}).",
        "Scan one of: {serials}.",
    ),
    "procedure.no_security_signer": Message(
        "No custodian with the security duty outside incident {incident} is authorised for "
        "{account}.",
        "Enrol one, or add one to the account's authorised people, before the reset.",
    ),
}
