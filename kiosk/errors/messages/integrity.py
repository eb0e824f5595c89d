"""Messages about the journal's integrity against one insider (issue 17).

Entries that break a rule and halt the terminal, policy exceptions under the
spec's Amendment 1, unlocks and their witnesses, signed acknowledgements,
and the words of the alert slips these raise (``alert.<name>``).
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    # -- a halted journal ---------------------------------------------------------------
    "journal.halted": Message(
        "The terminal is halted: journal entry {seq} ({kind}) breaks the rules and its alarm "
        "has not been acknowledged by two custodians.",
        "Two custodians acknowledge the alarm on the alarm screen, each with their own key, "
        "then call security. Nothing else can be recorded until then.",
    ),
    "integrity.ack_unsigned": Message(
        "An alert is acknowledged by a custodian signing with their own key; {by} did not sign.",
        "The person who acknowledges the alert touches their own key and enters its PIN.",
    ),
    "integrity.ack_needs_two": Message(
        "Alarm {alert_seq} is about the journal itself: two custodians must acknowledge it, "
        "each with their own key.",
        "Ask a second custodian to come and approve with their key.",
    ),
    "integrity.not_an_alarm": Message(
        "Alert {alert_seq} is not an alarm about the journal itself.",
        "Acknowledge it from the dashboard.",
    ),
    "integrity.no_alarm_open": Message(
        "There is no journal alarm waiting to be acknowledged.",
        "Go back to the dashboard.",
    ),
    # -- policy exceptions (spec section 5, Amendment 1) ----------------------------------
    "exception.kind": Message(
        "A policy exception never replaces the second custodian on '{kind}'.",
        "Two custodians approve this step, each with their own key.",
    ),
    "exception.no_incident": Message(
        "A policy exception covers only a step of a declared incident.",
        "Record this step under its incident, approved by two custodians.",
    ),
    "exception.not_declared": Message(
        "The exception '{exception}' was not declared with incident {incident} when the "
        "invocation was declared.",
        "An exception is declared with the invocation, before the steps it covers; until then "
        "two custodians approve this step.",
    ),
    "exception.no_attestation": Message(
        "Even under a policy exception one custodian must approve.",
        "Touch your key and enter its PIN.",
    ),
    # -- unlocks and sign-offs --------------------------------------------------------
    "integrity.unlock_fields": Message(
        "The record of the unlock is not consistent ('{field}').",
        "Lock the terminal and unlock it again; if it repeats, call security.",
    ),
    "integrity.signoff_unsigned": Message(
        "The executive's sign-off is recorded by a custodian who is present, signing with "
        "their own key.",
        "Touch your key and enter its PIN to record the sign-off.",
    ),
    "integrity.not_an_approver": Message(
        "{name} is not one of the emergency approvers the policy names ({approvers}).",
        "The sign-off of solo access must come from one of the policy's named approvers.",
    ),
    # -- what the alert slips say ------------------------------------------------------
    "alert.journal.integrity": Message(
        "Journal entry {seq} ({kind}) breaks the rules: {reason}. The terminal is halted.",
        "Do not use the terminal. Two custodians acknowledge this alarm with their keys; call "
        "security now: the record may have been written by someone acting alone. Nothing was "
        "repaired or deleted.",
    ),
    "alert.unlock.passphrase": Message(
        "The terminal was unlocked with the recovery passphrase, not with a custodian's key.",
        "Check who unlocked it and why, and call security; the recovery sheet should be "
        "resealed in the safe.",
    ),
    "alert.key.counter_ahead": Message(
        "{name}'s security key signed at unlock with counter {current}, {ahead} ahead of its "
        "last use in this journal ({previous}): the journal may have been rolled back, or this "
        "key was used elsewhere.",
        "Call security now: compare the journal head with the last paper record and ask where "
        "the key was used.",
    ),
}
