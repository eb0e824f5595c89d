"""Messages of the break-glass procedure engine (:mod:`kiosk.procedures`) and the simulator."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "procedure.refused": Message("This step was refused: {reason}.", "Correct it and try again."),
    "procedure.step_failed": Message(
        "The step '{step}' could not be completed: {reason}", "Correct it and submit it again."
    ),
    "procedure.flow_done": Message(
        "The {flow} is already complete.", "Go on with the next phase from the dashboard."
    ),
    "procedure.unknown_field": Message(
        "'{field}' is not asked for by the step '{step}'.", "Fill in only the fields shown."
    ),
    "procedure.field_missing": Message("{field} is required.", "Fill it in.", True),
    "procedure.not_text": Message("This must be text.", "Type it in words.", True),
    "procedure.length": Message(
        "This must be {low} to {high} characters long.", "Shorten or complete it.", True
    ),
    "procedure.control_char": Message(
        "This contains an invisible control character.", "Type it again.", True
    ),
    "procedure.sentences": Message(
        "The reason has {count} sentences; the procedure asks for {low} to {high}.",
        "Summarise the incident in two to three sentences, each ending with a full stop.",
        True,
    ),
    "procedure.not_bool": Message("Answer yes or no.", "Choose one.", True),
    "procedure.must_confirm": Message(
        "This must be confirmed before going on.",
        "Do what it says, then confirm it. If it cannot be done, stop and call security.",
        True,
    ),
    "procedure.choice": Message("Choose one of: {options}.", "Pick one from the list.", True),
    "procedure.naive_time": Message(
        "The time has no time zone.", "Give the time with its zone.", True
    ),
    "procedure.not_time": Message("This is not a time.", "Give a date and time.", True),
    "procedure.future_time": Message(
        "That time is in the future.", "Give the time it actually happened.", True
    ),
    "procedure.not_person": Message(
        "A person needs a name and a role.", "Give both the name and the role.", True
    ),
    "procedure.list": Message("At least {low} item(s) are needed.", "Add them.", True),
    "procedure.not_custodian": Message(
        "{custodian} is not an enrolled custodian.",
        "Choose a person on the approved break-glass access list.",
        True,
    ),
    "procedure.second_person_missing": Message(
        "No second authorised person was named.",
        "Name the second person. If none is available and it is truly urgent, choose solo "
        "access: an executive must then sign off within 1 hour.",
        True,
    ),
    "procedure.same_person": Message(
        "The second authorised person must be someone else.",
        "Dual control needs two different people.",
        True,
    ),
    "procedure.two_people": Message(
        "This step needs two different custodians.",
        "Name a second authorised person with their own key.",
    ),
    "procedure.account_unclear": Message(
        "The inventory does not give one break-glass account for '{system}' (candidates: "
        "{candidates}).",
        "Choose the account from the inventory. If still unclear, consult the system owner and "
        "name them.",
        True,
    ),
    "procedure.mapping_unconfirmed": Message(
        "Account {account} is registered for {system}, not for the system named.",
        "Consult the system owner and name them, or choose the matching account.",
        True,
    ),
    "procedure.no_account": Message(
        "Account {account} is not in the inventory.",
        "Check the inventory, or register the account under dual control first.",
    ),
    "procedure.account_exists": Message(
        "Account {account} is already in the inventory.", "Use another account id.", True
    ),
    "procedure.not_authorised": Message(
        "{name} is not authorised for account {account}.",
        "Only persons on the account's authorised list may retrieve its credentials.",
        True,
    ),
    "procedure.attempts_channels": Message(
        "The approver has not yet been tried by {missing}.",
        "Try phone, messaging and email and record each attempt before proceeding under the "
        "emergency exception.",
        True,
    ),
    "procedure.attempts_approvers": Message(
        "Not every designated approver has been tried: {missing}.",
        "The emergency exception is for when no approver can be reached. Try each of them "
        "and record the attempt before proceeding under it.",
        True,
    ),
    "procedure.approver_declined": Message(
        "{approver} was reached and declined break-glass access ({at}).",
        "The emergency exception is only for approvers who cannot be reached, not for a "
        "refusal: do not proceed. Give the approver the missing information and ask again, "
        "or stop here (nothing has been declared).",
    ),
    "procedure.attempts_too_short": Message(
        "Approvers have been tried for less than {minutes} minutes.",
        "Keep trying and recording attempts; the emergency exception opens in about {left} "
        "minute(s).",
        True,
    ),
    "procedure.no_approval": Message(
        "Neither an approval nor the emergency exception is recorded.",
        "Record the approver's answer, or the attempts to reach one.",
    ),
    "procedure.no_incident": Message(
        "Incident {incident} is not in the journal.", "Choose an incident from the dashboard."
    ),
    "procedure.not_acknowledged": Message(
        "Incident {incident} has not been acknowledged by both parties.",
        "Both parties acknowledge the invocation before anything else.",
    ),
    "procedure.wrong_envelope": Message(
        "Envelope {serial} holds the credentials of {holds}, not of {account}.",
        "Put it back and take the envelope of {account} (sealed: {options}).",
        True,
    ),
    "procedure.not_this_envelope": Message(
        "{serial} is not the envelope of this step ({expected}).",
        "Scan the serial of the envelope in front of you; if they differ, stop and call security.",
        True,
    ),
    "procedure.not_this_incident": Message(
        "Envelope {serial} was not checked out for incident {incident}.",
        "Scan the envelope that was taken out for this incident.",
        True,
    ),
    "procedure.photo_required": Message(
        "A tampered envelope needs a photograph reference.",
        "Photograph the condition and enter the photograph's reference. Do not open it.",
        True,
    ),
    "procedure.sheet_mismatch": Message(
        "The sheet's QR code does not belong to envelope {serial} (it names {scanned}).",
        "Do not use these credentials. Put the sheet back in the envelope and call security.",
    ),
    "procedure.policy_unapproved": Message(
        "The policy file in use (sha256 {policy_hash}…) is not the one the journal recorded.",
        "Nothing else can be done until two custodians approve the change: on the dashboard, "
        "choose 'Approve the changed policy'. If nobody meant to change it, call security.",
    ),
    "procedure.policy_unchanged": Message(
        "The policy file is the one the journal already recorded.", "Nothing to approve."
    ),
    "procedure.no_slip_to_print": Message(
        "Alert {seq} has no slip waiting to be printed again.",
        "Nothing to print: check the alert list.",
    ),
    "procedure.sheet_not_printed": Message(
        "Credential sheet {sheet_ref} did not print: {problem}",
        "That sheet is void, and this was recorded. If any part of it came out of the "
        "printer, shred it now. Then print again: the new sheet gets a new password.",
        True,
    ),
    "procedure.phase_incomplete": Message(
        "The {phase} phase is not complete.",
        "Each phase is completed before the next one starts: finish it first.",
    ),
    "procedure.baseline_required": Message(
        "The baseline reference is missing.",
        "Before changing anything, capture the current state (screenshots, exports) and give "
        "its reference.",
        True,
    ),
    "procedure.status_check_required": Message(
        "The account status has not been verified.",
        "Verify the break-glass account's status in the admin portal with another admin "
        "account, then record it.",
        True,
    ),
    "procedure.before_access": Message(
        "That time is before access was established.", "Give the right time.", True
    ),
    "procedure.justification_required": Message(
        "An action outside the declared reason needs a justification.",
        "Say why it was necessary, or do not perform it: break-glass is for the declared "
        "emergency only.",
        True,
    ),
    "procedure.already_signed": Message(
        "The session record of {incident} is already signed.", "Nothing more to do here."
    ),
    "procedure.record_changed": Message(
        "The session record changed after it was reviewed.",
        "Review the updated record, then sign it.",
        True,
    ),
    "procedure.rotation_not_due": Message(
        "No rotation is due for account {account}: none of its envelopes was opened.",
        "To add an envelope for it, use 'Seal a new envelope'.",
    ),
    "procedure.provider_session_required": Message(
        "Account {account} signs in through {idp}: the sign-in session ID is needed.",
        "Note the sign-in time and session ID from the {idp} sign-in (audit) log and enter "
        "the session ID.",
        True,
    ),
    "procedure.witness_absence": Message(
        "The witness named for this invocation was not present when it was acknowledged.",
        "Record in the review why, and how the invocation was observed instead: the procedure "
        "documents a missing witness in the post-incident report.",
        True,
    ),
    "procedure.invocation_ended": Message(
        "Invocation {incident} has ended: it was stood down, or its envelope went back to end it.",
        "If break-glass access is needed again, declare a new invocation.",
    ),
    "procedure.stand_down_opened": Message(
        "Envelope {serial} was opened for this invocation: it cannot simply end.",
        "Go on with the procedure: log the session (or conclude it as not obtained), "
        "document and sign it; the credential reset follows.",
    ),
    "procedure.no_access_problem": Message(
        "No failed login or unavailable MFA method is recorded for this incident.",
        "Record what went wrong first (Result: login failed, or MFA unavailable, with the "
        "cause and what was checked); then conclude the attempt.",
        True,
    ),
    "procedure.rotation_due": Message(
        "An envelope of account {account} was opened and its credential has not been reset.",
        "Use 'Credential reset' for it: the reset seals the new envelope, destroys the opened "
        "one and records the reset. A new envelope sealed on its own would leave the old "
        "password about.",
    ),
    "procedure.no_old_envelope": Message(
        "No opened envelope of {account} is waiting to be destroyed.", "Call security."
    ),
    "procedure.capacity": Message(
        "Each participant needs a capacity: one of {options}.", "Choose each one's capacity.", True
    ),
    "procedure.participants": Message(
        "The review is missing: {missing}.",
        "Include the invokers, the emergency approver, a security representative and the "
        "system owner.",
        True,
    ),
    "procedure.journal_disagrees": Message(
        "The journal shows {what}.", "Answer 'no' and record it as a finding.", True
    ),
    "procedure.audit_events": Message(
        "Audit events not confirmed: {missing}.",
        "Check the system's audit logs; if an event is missing, investigate before going on.",
        True,
    ),
    "procedure.chain_incomplete": Message(
        "The documentation chain is incomplete: {missing}.",
        "Complete the missing records, then verify again.",
    ),
    "procedure.no_exception": Message(
        "No '{exception}' exception was recorded for this incident.",
        "This step belongs to that troubleshooting path only.",
    ),
    "procedure.duplicate_serial": Message(
        "Serial {serial} was scanned twice.", "Scan each bag once.", True
    ),
    "simulate.what": Message(
        "Say what to simulate: a scenario or a number of years, not both.",
        "Use --scenario NAME (one of {known}) or --years N.",
    ),
    "simulate.unknown_scenario": Message(
        "There is no scenario named '{scenario}'.", "Choose one of: {known}."
    ),
    "simulate.years": Message("{years} years cannot be simulated.", "Choose 1 to 50 years."),
    "simulate.not_empty": Message(
        "{path} already holds a simulated terminal.", "Give an empty or new directory."
    ),
}
