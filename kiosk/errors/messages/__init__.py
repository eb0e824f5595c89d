"""Every message a person can be shown, in one table.

Each entry is ``code -> (what happened, what to do next, retryable)``. The
texts use ``str.format`` fields filled from an error's parameters. They are
written in the words of the break-glass procedure, for people in an incident:
short, calm, and always ending with the next thing to do.

The words are kept in one module per area (``journal``, ``keys``, ``rules``,
``procedure``, ``printing``, …) so each stays readable; at runtime they are one
table, :data:`MESSAGES`, and a code defined in two areas stops the import
(:func:`kiosk.errors.messages.message.one_table`).

The UI passes these strings through Qt's translation system; the keys stay
stable so translations survive rewording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.errors.messages import (
    alerts,
    appliance,
    backup_duty,
    backup_media,
    clock_and_disk,
    continuity,
    credentials,
    demo_desk,
    export,
    feedback,
    forms,
    general,
    incident_rules,
    integrity,
    journal,
    key_turn,
    keys,
    paper_hand,
    policy,
    printing,
    procedure,
    retirement,
    rollback,
    rules,
    scans,
    secrets_left,
    sticks,
    ui,
    usbguard,
    verdict,
)
from kiosk.errors.messages.message import Message, one_table

__all__ = ["AREAS", "MESSAGES", "Message", "is_retryable", "lookup", "render"]

#: area name -> its codes; every code is in exactly one area
AREAS: dict[str, Mapping[str, Message]] = {
    "general": general.MESSAGES,
    "policy": policy.MESSAGES,
    "journal": journal.MESSAGES,
    "integrity": integrity.MESSAGES,
    "rules": rules.MESSAGES,
    "alerts": alerts.MESSAGES,
    "keys": keys.MESSAGES,
    "rollback": rollback.MESSAGES,
    "scans": scans.MESSAGES,
    "printing": printing.MESSAGES,
    "procedure": procedure.MESSAGES,
    "export": export.MESSAGES,
    "secrets_left": secrets_left.MESSAGES,
    "ui": ui.MESSAGES,
    "appliance": appliance.MESSAGES,
    "clock_and_disk": clock_and_disk.MESSAGES,
    "usbguard": usbguard.MESSAGES,
    "sticks": sticks.MESSAGES,
    "credentials": credentials.MESSAGES,
    "incident_rules": incident_rules.MESSAGES,
    "continuity": continuity.MESSAGES,
    "backup_media": backup_media.MESSAGES,
    "backup_duty": backup_duty.MESSAGES,
    "paper_hand": paper_hand.MESSAGES,
    "verdict": verdict.MESSAGES,
    "feedback": feedback.MESSAGES,
    "key_turn": key_turn.MESSAGES,
    "retirement": retirement.MESSAGES,
    "demo_desk": demo_desk.MESSAGES,
    "forms": forms.MESSAGES,
}

MESSAGES: dict[str, Message] = one_table(AREAS)


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
