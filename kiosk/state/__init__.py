"""Projections: what the journal says is true now (see ``README.md`` beside this file).

Everything the screens show — custodians and their keys, accounts, envelopes
and their states, incidents, alerts — is computed here by folding journal
entries in order. Nothing is stored beside the journal, so the two can never
disagree: reopening the terminal replays the journal and arrives at the same
state.
"""

from __future__ import annotations

from kiosk.state.alerts import Alert
from kiosk.state.custodians import Credential, Custodian
from kiosk.state.envelopes import (
    ENVELOPE_STATES,
    ENVELOPE_TRANSITIONS,
    STATE_WORDS,
    Account,
    Envelope,
)
from kiosk.state.incidents import Incident, IncidentBook
from kiosk.state.projection import State, replay
from kiosk.state.sheets import PrintedSheet

__all__ = [
    "ENVELOPE_STATES",
    "ENVELOPE_TRANSITIONS",
    "STATE_WORDS",
    "Account",
    "Alert",
    "Credential",
    "Custodian",
    "Envelope",
    "Incident",
    "IncidentBook",
    "PrintedSheet",
    "State",
    "replay",
]
