"""The projection: one :class:`State`, folded from the journal entry by entry.

:meth:`State.check` refuses an entry that may not follow the state (before it
is written); :meth:`State.apply` folds one that was checked and written. What
each kind checks and changes is in the rule table, :data:`kiosk.state.rules.RULES`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.errors import TransitionError
from kiosk.format.entry import Entry
from kiosk.state.alerts import Alert
from kiosk.state.backups import BackupFacts
from kiosk.state.credentials import Sealing
from kiosk.state.custodians import Credential, Custodian, check_signers, note_counters
from kiosk.state.envelopes import Account, Envelope
from kiosk.state.incidents import Incident, IncidentBook, check_incident_fit
from kiosk.state.integrity import Quarantined, quarantine, unacknowledged
from kiosk.state.rules import rule_for
from kiosk.state.sheets import PrintedSheet


@dataclass
class State:
    """The projection of a journal up to ``seq``."""

    seq: int = 0
    head: str = "0" * 64
    last_ts: str = ""
    kiosk_id: str = ""
    kiosk_key: str = ""
    journal_id: str = ""
    genesis_hash: str = ""
    policy_hash: str = ""
    uv_required: bool = True
    #: the business-day calendar last recorded (genesis or ``policy.changed``
    #: ``calendar``); each incident keeps the one in force when it was declared
    calendar: dict[str, Any] | None = None
    custodians: dict[str, Custodian] = field(default_factory=dict)
    credentials: dict[str, Credential] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    envelopes: dict[str, Envelope] = field(default_factory=dict)
    alerts: dict[int, Alert] = field(default_factory=dict)
    incidents: IncidentBook = field(default_factory=IncidentBook)
    kinds_seen: dict[str, int] = field(default_factory=dict)
    #: every ``sheet.printed`` entry, by seq
    sheets: dict[int, PrintedSheet] = field(default_factory=dict)
    #: every ``credential.approved`` sealing, by credential id
    sealings: dict[str, Sealing] = field(default_factory=dict)
    #: keys of deadlines that already have their ``deadline.overdue`` alert
    alerted_deadlines: set[str] = field(default_factory=set)
    #: the backup medium, the last backup, what made the next due (:mod:`kiosk.state.backups`)
    backup: BackupFacts = field(default_factory=BackupFacts)
    #: entries kept as evidence but not applied (they break a rule), by seq
    #: (:mod:`kiosk.state.integrity`)
    quarantined: dict[int, Quarantined] = field(default_factory=dict)

    # ------------------------------------------------------------ queries
    def envelope_state(self, serial: str) -> str | None:
        env = self.envelopes.get(serial)
        return env.state if env else None

    def active_credentials(self, custodian: str) -> list[Credential]:
        c = self.custodians.get(custodian)
        if c is None or c.revoked:
            return []
        return [self.credentials[i] for i in c.credentials if not self.credentials[i].revoked]

    def envelopes_for(self, account: str, state: str | None = None) -> list[Envelope]:
        return [
            e
            for e in self.envelopes.values()
            if e.account == account and (state is None or e.state == state)
        ]

    def envelopes_out(self, inc: Incident) -> list[str]:
        """Serials of the envelopes ``inc`` checked out that are still out of the safe."""
        return [
            s
            for s in inc.envelopes_checked_out
            if (env := self.envelopes.get(s)) is not None and env.state == "checked_out"
        ]

    def open_alerts(self) -> list[Alert]:
        return [a for a in self.alerts.values() if not a.acknowledged]

    def slips_to_reprint(self) -> list[Alert]:
        """Alerts whose slip did not print and that no person acknowledged yet."""
        return [a for a in self.open_alerts() if a.slip_failed is not None]

    @property
    def halted(self) -> bool:
        """A quarantined entry's alarm is not acknowledged yet: the terminal takes only alerts."""
        return bool(unacknowledged(self))

    def clone(self) -> State:
        return copy.deepcopy(self)

    # ------------------------------------------------------ check and apply
    def check(self, entry: Entry) -> None:
        """Raise :class:`TransitionError` if ``entry`` may not follow this state."""
        if self.seq == 0:
            if entry.kind != "journal.genesis":
                raise TransitionError("transition.genesis_first")
            return
        if entry.kind == "journal.genesis":
            raise TransitionError("transition.genesis_twice")
        check_signers(self, entry)
        check_incident_fit(self, entry)
        rule_for(entry.kind).check(self, entry)

    def apply(self, entry: Entry) -> None:
        """Fold an entry that has been checked and written."""
        self.incidents.apply(entry)
        rule_for(entry.kind).apply(self, entry)
        note_counters(self, entry)
        self.kinds_seen[entry.kind] = self.kinds_seen.get(entry.kind, 0) + 1
        self.seq, self.head, self.last_ts = entry.seq, entry.hash, entry.ts

    def quarantine(self, entry: Entry, reason: str) -> Quarantined:
        """Keep ``entry`` (which breaks a rule) out of the projection; the chain moves on."""
        return quarantine(self, entry, reason)


def replay(entries: Iterable[Entry]) -> State:
    """The state after ``entries`` (checking each one as it goes)."""
    state = State()
    for e in entries:
        state.check(e)
        state.apply(e)
    return state
