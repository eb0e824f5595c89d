"""Issue 19's rules of the state: sessions end, and security acknowledges every opening.

Checked before an entry is written (and at every unlock's walk), each wraps
the kind's existing check so that the rule table (:mod:`kiosk.state.rules`)
changes by one name per kind:

* an action recorded live (``session.action`` without ``source: audit-log``)
  needs an open session: none before the login, none after the logout —
  actions found later come from the system's audit log, in the
  documentation's discrepancy step;
* the credential of an account is not reset (``credential.rotated``) while an
  access session with it is open: the old password would still be in use;
* the alert of an opening (``envelope.opened``) is acknowledged only by a
  custodian with the security duty who is not one of the incident's people:
  "security knows" means someone outside the incident saw it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.errors import TransitionError
from kiosk.format.entry import Entry
from kiosk.state import alerts, envelopes

if TYPE_CHECKING:
    from kiosk.state.incidents import Incident
    from kiosk.state.projection import State

#: ``alert.raised`` ``alert`` of an envelope opening (raised by the retrieval flow)
OPENING_ALERT = "envelope.opened"
#: ``alert.raised`` ``alert`` of a session open past the policy's limit
SESSION_ALERT = "session.over_limit"
#: ``alert.raised`` ``alert`` of a provider's sign-in alert that security did not receive
IDP_ALERT = "idp_alert.missing"
SECURITY_DUTY = "security"


def open_session(state: State, account: str) -> Incident | None:
    """The incident whose access session with ``account`` is open (logged in, not out)."""
    for inc in state.incidents.by_id.values():
        if (
            inc.account == account
            and inc.session_started_at is not None
            and inc.session_ended_at is None
        ):
            return inc
    return None


def check_action(state: State, entry: Entry) -> None:
    """A live action needs a session that started and has not ended."""
    if entry.data.get("source") == "audit-log":
        return  # reconstructed afterwards from the system's audit log
    inc = state.incidents.get(str(entry.data.get("incident")))
    if inc is None:
        return  # check_incident_fit refuses it
    if inc.session_started_at is None:
        raise TransitionError("transition.action_before_login", incident=inc.id)
    if inc.session_ended_at is not None:
        raise TransitionError("transition.action_after_logout", incident=inc.id)


def check_rotated(state: State, entry: Entry) -> None:
    """No credential reset while a session with the account is still open."""
    account = str(entry.data.get("account"))
    inc = open_session(state, account)
    if inc is not None:
        raise TransitionError("transition.session_open", account=account, incident=inc.id)
    envelopes.check_credential_rotated(state, entry)


def check_acknowledged(state: State, entry: Entry) -> None:
    """An opening's alert is acknowledged by security, from outside the incident."""
    alerts.check_acknowledged(state, entry)
    refusal = ack_refusal(state, int(entry.data["alert_seq"]), str(entry.data["by"]))
    if refusal is not None:
        raise refusal


def ack_refusal(state: State, alert_seq: int, by: str) -> TransitionError | None:
    """Why ``by`` may not acknowledge this alert (an opening's: security, not a party), or None."""
    alert = state.alerts[alert_seq]
    if alert.alert != OPENING_ALERT:
        return None
    who = state.custodians.get(by)
    name = who.name if who is not None else by
    if who is None or SECURITY_DUTY not in who.duties:
        return TransitionError("transition.opening_ack_not_security", name=name)
    inc = state.incidents.get(str(alert.incident))
    if inc is not None and by in inc.people:
        return TransitionError("transition.opening_ack_party", name=name, incident=inc.id)
    return None


def acknowledgers(state: State, alert_seq: int) -> list[str]:
    """Who may acknowledge this alert: enrolled, not revoked, and not refused by the rule above.

    The dashboard offers these first, so the person an incident needs (security,
    for an opening) is the one already chosen rather than whoever sorts first.
    """
    return [
        cid
        for cid, c in sorted(state.custodians.items(), key=lambda kv: kv[1].name)
        if not c.revoked and ack_refusal(state, alert_seq, cid) is None
    ]
