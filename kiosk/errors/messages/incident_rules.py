"""Issue 19's words: openings known to security, sessions that end, independent approvers,
times that cannot be backdated, a review that means something, solo access as the
procedure says."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    # -- alert slips --------------------------------------------------------------------
    "alert.envelope.opened": Message(
        "Envelope {serial} was opened for incident {incident}: a break-glass credential is in use.",
        "Security: acknowledge this alert at the terminal with your key (you must not be one "
        "of the incident's people) within {ack_minutes} minutes.",
    ),
    "alert.session.over_limit": Message(
        "The access session of incident {incident} is still open past its limit of "
        "{max_minutes} minutes.",
        "Log out of the target system now and record the logout; the documentation and "
        "approver-notice deadlines are already running.",
    ),
    "alert.idp_alert.missing": Message(
        "Security did not receive the identity provider's sign-in alert for account "
        "{account} (incident {incident}).",
        "Check the provider's alerting on break-glass sign-ins; the review will see this.",
    ),
    # -- transitions the state refuses ---------------------------------------------------
    "transition.session_open": Message(
        "The credential of account {account} cannot be reset: the access session of incident "
        "{incident} is still open.",
        "Log out of the target system and record the logout first.",
    ),
    "transition.action_after_logout": Message(
        "Incident {incident}'s session has ended: an action cannot be recorded after the logout.",
        "Record actions found later from the system's audit log, in the documentation's "
        "discrepancy step.",
    ),
    "transition.action_before_login": Message(
        "Incident {incident} has no access session: an action cannot be recorded before the login.",
        "Record the login first.",
    ),
    "transition.opening_ack_not_security": Message(
        "{name} cannot acknowledge the opening alert: it needs a custodian with the security duty.",
        "Ask a member of the security team enrolled with the security duty.",
    ),
    "transition.opening_ack_party": Message(
        "{name} is one of incident {incident}'s people and cannot acknowledge its opening.",
        "Ask a member of the security team who took no part in the incident.",
    ),
    # -- the procedure's refusals ---------------------------------------------------------
    "procedure.approver_is_party": Message(
        "{name} is the incident's {capacity}: the emergency approver must be independent.",
        "Choose another designated approver.",
    ),
    "procedure.followup_required": Message(
        "An approval given by {channel} needs the reference of the written follow-up message.",
        "Ask the approver to confirm in writing and type that message's reference.",
    ),
    "procedure.before_flow_start": Message(
        "That time ({at}) is before this step was started ({started}).",
        "Type the time it really happened, or leave it blank for now.",
    ),
    "procedure.solo_reasons": Message(
        "Solo access needs both reasons: why the second person is unavailable and why access "
        "cannot wait.",
        "Fill in both reasons.",
    ),
    "procedure.signoff_first": Message(
        "The policy asks for the executive's sign-off of solo access before the check-out.",
        "Record the executive sign-off first.",
    ),
    "procedure.review_reset_first": Message(
        "The review cannot be recorded before the credential reset of account {account}.",
        "Finish the credential reset first.",
    ),
    "procedure.review_security": Message(
        "The review must be signed by a custodian with the security duty who was not one of "
        "the incident's people.",
        "Choose such a custodian as the security reviewer.",
    ),
    "procedure.participant_unmatched": Message(
        "Participant '{name}' ({capacity}) does not match this incident: {expected}.",
        "Name the incident's own people in their capacity.",
    ),
    "procedure.participants_repeat": Message(
        "The same person is named twice among the participants ({name}).",
        "Name each participant once, each in their own capacity.",
    ),
    "procedure.idp_alert_answer": Message(
        "Account {account}'s provider alerts security on sign-in: say whether that alert "
        "was received.",
        "Ask the security team, then answer yes or no.",
    ),
}
