"""Every unlock journaled, with the key's counter as a witness; the journal's alarms raised.

Why: one custodian with a root shell can open the journal alone (any one key
unwraps the database key), so the journal must at least say who did, and
how. Each unlock appends ``terminal.unlocked``: for a key, the custodian,
the credential and the unlock's own WebAuthn assertion (over
:func:`kiosk.rules.unlock.unlock_challenge`), whose signature the approval
check verifies at commit and the per-entry checks at every later unlock; for
the recovery passphrase, just that (and an ``unlock.passphrase`` alert,
since no custodian's key was touched).

The counter witness: a FIDO2 key counts its signatures in hardware, and
every assertion a key makes at this terminal is journaled (approvals and
unlocks). So at unlock a key whose counter is ahead of its last journaled
counter by more than the policy's ``counter_margin`` has signed somewhere
this journal does not show: the journal may have been rolled back to an
older copy, or the key was used elsewhere (``key.counter_ahead``). A counter
that did not increase at all is the cloned-key alert of the approvals
(``key.counter_not_increased``). The margin allows for the silent presence
probes the terminal makes before each touch (each advances a key's counter
without an assertion to journal; see ``docs/design.md``).

Then each quarantined entry without an alarm gets its ``journal.integrity``
alarm, once (:mod:`kiosk.state.integrity`); the terminal is halted until two
custodians acknowledge it (:mod:`kiosk.terminal.acknowledge`).

Alerts are printed by the terminal's slip printer: raised here, before it
listens, they are handed to it when it attaches (``Journal.add_listener``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any, Final

from kiosk.format.canonical import b64u
from kiosk.format.entry import Entry
from kiosk.journal.store import Journal
from kiosk.rules.unlock import ASSERTION_FIELDS
from kiosk.rules.webauthn import counter_increased
from kiosk.state.integrity import INTEGRITY_ALERT, alarm_detail, without_alarm
from kiosk.state.unlocks import unlock_counter
from kiosk.terminal.approvals import COUNTER_ALERT

RECOVERY_UNLOCK_ALERT: Final = "unlock.passphrase"
COUNTER_AHEAD_ALERT: Final = "key.counter_ahead"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SUMMARY_MAX = 480


@dataclass(frozen=True)
class KeyUnlock:
    """What a key unlock recorded: who, which credential, the nonce and the assertion."""

    custodian: str
    credential_id: str
    nonce: str
    assertion: dict[str, str]

    def data(self) -> dict[str, Any]:
        return {
            "method": "key",
            "custodian": self.custodian,
            "credential_id": self.credential_id,
            "nonce": self.nonce,
            "assertion": {k: self.assertion[k] for k in ASSERTION_FIELDS},
        }


def new_nonce() -> str:
    """A fresh nonce for one unlock's challenge (32 random bytes, base64url)."""
    return b64u(secrets.token_bytes(32))


def record_key_unlock(journal: Journal, unlock: KeyUnlock, counter_margin: int) -> list[Entry]:
    """Journal a key unlock, its counter witness, and the alarms of quarantined entries."""
    cred = journal.state.credentials[unlock.credential_id]
    previous, counted = cred.counter, cred.counted
    entry = journal.append("terminal.unlocked", unlock.data())
    written = [entry]
    count = unlock_counter(entry)
    if counted and count is not None:
        name = journal.state.custodians[unlock.custodian].name
        detail = {
            "credential_id": unlock.credential_id,
            "custodian": unlock.custodian,
            "previous": previous,
            "current": count,
            "unlock_seq": entry.seq,
        }
        if not counter_increased(previous, count):
            written.append(
                _alert(
                    journal,
                    COUNTER_ALERT,
                    f"The security key of {name} did not increase its signature counter at "
                    "unlock: it may have been cloned.",
                    {**detail, "kind": "terminal.unlocked"},
                )
            )
        elif count - previous > counter_margin:
            ahead = count - previous
            written.append(
                _alert(
                    journal,
                    COUNTER_AHEAD_ALERT,
                    f"{name}'s security key is {ahead} signatures ahead of its last use in this "
                    "journal: the journal may have been rolled back, or this key was used "
                    "elsewhere.",
                    {**detail, "name": name, "ahead": ahead, "margin": counter_margin},
                )
            )
    return written + raise_integrity_alarms(journal)


def record_passphrase_unlock(journal: Journal) -> list[Entry]:
    """Journal a recovery-passphrase unlock, its alert, and the alarms of quarantined entries."""
    entry = journal.append("terminal.unlocked", {"method": "passphrase"})
    alert = _alert(
        journal,
        RECOVERY_UNLOCK_ALERT,
        "The terminal was unlocked with the recovery passphrase, not with a custodian's key.",
        {"unlock_seq": entry.seq},
    )
    return [entry, alert, *raise_integrity_alarms(journal)]


def raise_integrity_alarms(journal: Journal) -> list[Entry]:
    """One ``journal.integrity`` alarm per quarantined entry that has none yet."""
    written = []
    for q in without_alarm(journal.state):
        detail = {k: _printable(v) if isinstance(v, str) else v for k, v in alarm_detail(q).items()}
        written.append(
            _alert(
                journal,
                INTEGRITY_ALERT,
                f"Journal entry {q.seq} ({detail['kind']}) breaks the rules: {detail['reason']}. "
                "The terminal is halted until two custodians acknowledge this alarm.",
                detail,
            )
        )
    return written


def _alert(journal: Journal, alert: str, summary: str, detail: dict[str, Any]) -> Entry:
    text = _printable(summary)
    if len(text) > _SUMMARY_MAX:
        text = text[: _SUMMARY_MAX - 1] + "…"
    return journal.append("alert.raised", {"alert": alert, "summary": text, "detail": detail})


def _printable(text: str) -> str:
    """``text`` with control characters escaped (an entry's kind is untrusted input)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
