"""The rule table: for every kind the journal knows, its check and its apply.

:meth:`State.check <kiosk.state.projection.State.check>` runs, for every entry,
the checks all entries get (genesis first; who signed; the incident it names)
and then its kind's ``check``; :meth:`State.apply
<kiosk.state.projection.State.apply>` folds the incident it names and then its
kind's ``apply``. A kind that needs nothing of its own says so (:func:`no_check`,
:func:`no_change`): the table covers exactly :data:`kiosk.format.kinds.KINDS`,
and the import stops if it does not (:func:`kiosk.state.kinds.require_every_kind`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from kiosk.errors import TransitionError
from kiosk.format.entry import Entry
from kiosk.state import (
    alerts,
    backups,
    credentials,
    custodians,
    envelopes,
    incidents,
    sessions,
    sheets,
    unlocks,
)
from kiosk.state.kinds import require_every_kind

if TYPE_CHECKING:
    from kiosk.state.projection import State

Step = Callable[["State", Entry], None]


class Rule(NamedTuple):
    #: raises :class:`kiosk.errors.TransitionError` if the entry may not follow the state
    check: Step
    #: folds the entry into the state, once it has been checked and written
    apply: Step


def no_check(state: State, entry: Entry) -> None:
    """Nothing to check beyond what every entry gets (genesis, signers, incident)."""


def no_change(state: State, entry: Entry) -> None:
    """Nothing to fold beyond what every entry gets (its incident, key counters)."""


def then_trigger(apply: Step) -> Step:
    """``apply``, then the note that the entry makes a backup due at once (:mod:`.backups`)."""

    def both(state: State, entry: Entry) -> None:
        apply(state, entry)
        backups.note_trigger(state, entry)

    both.__doc__ = apply.__doc__
    return both


def apply_genesis(state: State, entry: Entry) -> None:
    data = entry.data
    state.kiosk_id = data["kiosk_id"]
    state.kiosk_key = data["kiosk_key"]
    state.journal_id = data.get("journal_id", "")
    state.policy_hash = data["policy_hash"]
    state.uv_required = bool(data["uv_required"])
    state.genesis_hash = entry.hash
    state.calendar = data.get("calendar")


def apply_policy_changed(state: State, entry: Entry) -> None:
    data = entry.data
    state.policy_hash = data["policy_hash"]
    state.uv_required = bool(data["uv_required"])
    state.calendar = data.get("calendar") or state.calendar


RULES: dict[str, Rule] = {
    # the terminal (genesis is checked first of all: State.check)
    "journal.genesis": Rule(no_check, apply_genesis),
    "policy.changed": Rule(no_check, apply_policy_changed),
    # the clock confirmed after a jump (the journal's clock watch acts on it)
    "clock.confirmed": Rule(no_check, no_change),
    # custodians and their keys
    "custodian.enrolled": Rule(custodians.check_enrolled, then_trigger(custodians.apply_enrolled)),
    "custodian.revoked": Rule(custodians.check_revoked, then_trigger(custodians.apply_revoked)),
    # accounts and envelopes
    "account.registered": Rule(
        envelopes.check_account_registered, envelopes.apply_account_registered
    ),
    "envelope.stock_received": Rule(envelopes.check_move, envelopes.apply_stock_received),
    "envelope.registered": Rule(envelopes.check_registered, envelopes.apply_registered),
    "envelope.checked_out": Rule(envelopes.check_checked_out, envelopes.apply_move),
    "envelope.inspected": Rule(envelopes.check_move, envelopes.apply_inspected),
    "envelope.opened": Rule(envelopes.check_opened, envelopes.apply_opened),
    "envelope.returned": Rule(envelopes.check_returned, envelopes.apply_returned),
    "envelope.destroyed": Rule(envelopes.check_move, envelopes.apply_move),
    "credential.rotated": Rule(sessions.check_rotated, envelopes.apply_credential_rotated),
    "credential.reset_failed": Rule(no_check, no_change),
    # credential sheets
    "sheet.printed": Rule(credentials.check_printed, sheets.apply_printed),
    "sheet.print_failed": Rule(sheets.check_print_failed, sheets.apply_print_failed),
    "sheet.confirmed": Rule(no_check, no_change),
    # incidents (their own fold: kiosk.state.incidents.STEPS)
    "invocation.declared": Rule(no_check, incidents.apply_declared),
    "approver.contacted": Rule(no_check, no_change),
    "exception.opened": Rule(no_check, no_change),
    "exception.signed_off": Rule(incidents.check_signed_off, no_change),
    "approver.notified": Rule(no_check, no_change),
    "invocation.acknowledged": Rule(no_check, no_change),
    "invocation.stood_down": Rule(incidents.check_stood_down, no_change),
    "session.started": Rule(incidents.check_session_started, envelopes.apply_session_started),
    "session.action": Rule(sessions.check_action, no_change),
    "access.problem": Rule(no_check, no_change),
    "session.ended": Rule(incidents.check_session_ended, no_change),
    "session.signed": Rule(no_check, no_change),
    "documentation.discrepancy": Rule(no_check, no_change),
    "verification.completed": Rule(no_check, credentials.apply_verification_completed),
    "review.completed": Rule(no_check, backups.note_trigger),
    "review.escalated": Rule(no_check, backups.note_trigger),
    # one credential, many copies; accounts change (kiosk.state.credentials)
    "credential.approved": Rule(credentials.check_approved, credentials.apply_approved),
    "verification.failed": Rule(
        credentials.check_verification_failed, credentials.apply_verification_failed
    ),
    "account.updated": Rule(credentials.check_account_updated, credentials.apply_account_updated),
    "account.retired": Rule(credentials.check_account_retired, credentials.apply_account_retired),
    # audit exports
    "export.approved": Rule(no_check, no_change),
    "export.created": Rule(no_check, no_change),
    "export.failed": Rule(no_check, no_change),
    # alerts
    "alert.raised": Rule(no_check, alerts.apply_raised),
    "alert.slip_failed": Rule(alerts.check_slip_failed, alerts.apply_slip_failed),
    "alert.slip_printed": Rule(alerts.check_slip_printed, alerts.apply_slip_printed),
    "alert.acknowledged": Rule(sessions.check_acknowledged, alerts.apply_acknowledged),
    # the terminal itself
    "terminal.unlocked": Rule(unlocks.check_unlocked, unlocks.apply_unlocked),
    # continuity (issue 21)
    "backup.medium_registered": Rule(no_check, backups.apply_registered),
    "backup.written": Rule(no_check, backups.apply_written),
    "backup.failed": Rule(no_check, backups.apply_failed),
    "terminal.restored": Rule(no_check, no_change),
    "terminal.moved": Rule(no_check, no_change),
    "terminal.retired": Rule(no_check, no_change),
}

require_every_kind(RULES, "the state's rules")


def rule_for(kind: str) -> Rule:
    """The rule of ``kind``; a kind the journal does not know is refused, never skipped."""
    rule = RULES.get(kind)
    if rule is None:
        raise TransitionError("payload.unknown_kind", kind=kind)
    return rule
