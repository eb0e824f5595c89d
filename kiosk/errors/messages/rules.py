"""Messages of the projection's rules (:mod:`kiosk.state`): steps the recorded state forbids.

Each is raised as a :class:`kiosk.errors.TransitionError`. Codes about an
envelope's state start with ``envelope.``; every other rule's with ``transition.``.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "transition.illegal": Message(
        "This step does not fit what the journal records.",
        "Nothing was recorded. Call security.",
    ),
    # --- the journal's first entry ----------------------------------------
    "transition.genesis_first": Message(
        "The journal must start with its genesis entry.",
        "Commission the terminal with 'sealroom init'.",
    ),
    "transition.genesis_twice": Message(
        "The journal already has a genesis entry.", "A journal is created once."
    ),
    # --- who signed -------------------------------------------------------
    "transition.self_enrolment": Message(
        "A first enrolment must be signed by the key it enrols.",
        "Touch the new key when asked, and enter its PIN.",
    ),
    "transition.key_not_theirs": Message(
        "That security key is not enrolled for this person.", "Use your own enrolled key."
    ),
    "transition.key_revoked": Message(
        "The key of {name} was revoked.",
        "A revoked key cannot approve anything. Use another custodian.",
    ),
    "transition.two_people": Message(
        "This step needs two different custodians.",
        "The second custodian must approve with their own key.",
    ),
    "transition.same_key_twice": Message(
        "The same security key was used twice.", "Each custodian must use their own key."
    ),
    # --- custodians and their keys ------------------------------------------
    "transition.custodian_revoked": Message(
        "{name} was revoked.", "Enrol the person under a new id."
    ),
    "transition.key_enrolled_twice": Message(
        "This security key is already enrolled.", "Each key is enrolled once. Use a new key."
    ),
    "transition.custodian_unknown": Message("That person is not enrolled.", "Check the name."),
    "transition.revoke_key_not_theirs": Message(
        "That key is not enrolled for this person.", "Check the key."
    ),
    "transition.key_revoked_twice": Message("That key is already revoked.", "Nothing to do."),
    "transition.revoke_what": Message(
        "Say which key to revoke, or revoke the whole person.", "Choose the key."
    ),
    # --- accounts -----------------------------------------------------------
    "transition.account_exists": Message(
        "Account {account} is already in the inventory.", "Use a new account id."
    ),
    "transition.authorised_not_custodian": Message(
        "{person} is not an enrolled custodian.",
        "Only enrolled custodians can be authorised for an account.",
    ),
    "transition.account_dual_control": Message(
        "An account needs at least two authorised persons for dual control.",
        "Add a second authorised person.",
    ),
    "transition.account_unknown": Message(
        "Account {account} is not in the inventory.", "Register the account first."
    ),
    # --- envelopes (DESIGN.md's state machine) ------------------------------
    "envelope.unknown": Message(
        "Envelope {serial} is not in the inventory.",
        "Check you scanned the right envelope. New bags must be received into stock first.",
    ),
    "envelope.reused": Message(
        "Serial {serial} was already used (it is {state}).",
        "A serial is used once. Take a new bag from stock and scan its serial.",
    ),
    "envelope.serial_twice": Message("The same serial appears twice.", "Scan each bag once."),
    "envelope.cannot_register": Message(
        "Envelope {serial} is {state}; it cannot be registered in the safe.",
        "Only a new bag from registered stock can be sealed and registered.",
    ),
    "envelope.cannot_check_out": Message(
        "Envelope {serial} is {state}; it cannot be checked out.",
        "Only an envelope sealed in the safe can be checked out.",
    ),
    "envelope.cannot_return": Message(
        "Envelope {serial} is {state}; it cannot be returned to the safe.",
        "Only a checked-out, unopened envelope can go back into the safe.",
    ),
    "envelope.cannot_open": Message(
        "Envelope {serial} is {state}; it cannot be opened.",
        "Check the envelope out, and inspect it, before opening it.",
    ),
    "envelope.not_inspected": Message(
        "Envelope {serial} is not yet inspected since it was checked out; it cannot be opened.",
        "Check the seal, the signatures across it and the bag for tears, holes or steaming, "
        "and record the inspection first.",
    ),
    "envelope.cannot_inspect": Message(
        "Envelope {serial} is {state}; it cannot be inspected.",
        "Only envelopes in the safe or checked out can be inspected.",
    ),
    "envelope.cannot_destroy": Message(
        "Envelope {serial} is {state}; it cannot be destroyed.",
        "Only opened, quarantined or spoiled envelopes are destroyed.",
    ),
    "envelope.wrong_account": Message(
        "Envelope {serial} holds the credentials of {holds}, not {account}.",
        "Take the envelope of the account you declared.",
    ),
    # --- credential sheets --------------------------------------------------
    "transition.sheet_void": Message(
        "Sheet {sheet_ref} did not print, so it is void.",
        "Print a new sheet for this envelope and seal that one.",
    ),
    "transition.not_a_sheet": Message(
        "Entry {seq} is not a printed credential sheet.",
        "Only a sheet recorded as printed can fail to print.",
    ),
    "transition.other_sheet": Message(
        "Sheet {sheet_ref} was printed for {account} and envelope {serial}, "
        "not for what this entry names.",
        "Record the failure of the sheet that was being printed.",
    ),
    "transition.sheet_void_twice": Message(
        "Sheet {sheet_ref} is already recorded as not printed.", "Nothing more to record for it."
    ),
    # --- the credential reset -----------------------------------------------
    "transition.new_envelope_not_sealed": Message(
        "Envelope {serial} is not sealed in the safe for account {account}.",
        "Seal and register the new envelope before recording the reset.",
    ),
    "transition.old_envelope_not_destroyed": Message(
        "The old envelope {serial} has not been destroyed.",
        "Destroy the old credentials (under dual control) first.",
    ),
    # --- incidents ----------------------------------------------------------
    "transition.declared_twice": Message(
        "Incident {incident} was already declared.",
        "Each invocation gets a new incident reference.",
    ),
    "transition.not_declared": Message(
        "Incident {incident} was never declared.", "Declare the invocation first (phase 1)."
    ),
    "transition.drill_step_unmarked": Message(
        "Incident {incident} is a test, but this step is not marked as a test.",
        "Every entry of a drill is marked as a test, and only those.",
    ),
    "transition.real_step_marked": Message(
        "Incident {incident} is a real invocation, but this step is marked as a test.",
        "Every entry of a drill is marked as a test, and only those.",
    ),
    "transition.exception_not_recorded": Message(
        "No '{exception}' exception was recorded for incident {incident}.",
        "Record the exception (troubleshooting) before relying on it.",
    ),
    "transition.stand_down_opened": Message(
        "Envelope {serial} was opened for incident {incident}.",
        "The procedure goes on: session, documentation, credential reset.",
    ),
    "transition.stand_down_out": Message(
        "Envelope {serial} of incident {incident} is still out of the safe.",
        "Return it to the safe first.",
    ),
    "transition.incident_ended": Message(
        "Incident {incident} has already ended.",
        "Nothing more to record for it here; the review follows.",
    ),
    "transition.session_started_twice": Message(
        "The access session of incident {incident} was already started.",
        "Record the actions in the session already open, then log out.",
    ),
    "transition.access_obtained": Message(
        "Access was obtained for incident {incident}.", "Log out of the session instead."
    ),
    "transition.no_failed_access": Message(
        "Incident {incident} records no failed access attempt.",
        "Record the failed login or unavailable MFA method first.",
    ),
    "transition.no_session": Message(
        "Incident {incident} has no access session to end.",
        "Record the login (the session's start) first.",
    ),
    "transition.session_ended_twice": Message(
        "The access session of incident {incident} has already ended.",
        "Actions found afterwards go into the session documentation.",
    ),
    # --- alerts -------------------------------------------------------------
    "transition.no_such_alert": Message("There is no such alert.", "Check the alert list."),
    "transition.alert_acknowledged_twice": Message("That alert was already acknowledged.", ""),
    "transition.no_slip_waiting": Message(
        "That alert has no slip waiting to be printed again.", "Check the alert list."
    ),
}
