"""The inventory: accounts, and their sealed envelopes through DESIGN.md's state machine.

Rules (checked before an entry is written):

* envelope states follow DESIGN.md: ``blank_stock`` → ``sealed`` →
  ``checked_out`` → ``opened`` | ``sealed`` (returned) | ``quarantined`` →
  ``destroyed`` (:data:`ENVELOPE_TRANSITIONS`); every other move is refused,
  with the kind's own message (:data:`REFUSED`);
* a serial is used once: it enters as blank stock once and never again;
* an envelope is opened only after an *intact* inspection recorded since
  its check-out (a tampered one is quarantined and can never be opened);
* an envelope is checked out, opened or returned for the account it holds;
* an account is registered once, with at least two enrolled custodians
  authorised for it;
* a credential reset is recorded only once its new envelope is sealed in the
  safe and the opened one destroyed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.errors import TransitionError
from kiosk.format.clock import parse_ts
from kiosk.format.entry import Entry
from kiosk.state import credentials
from kiosk.state.sheets import check_sheet_not_void

if TYPE_CHECKING:
    from kiosk.state.projection import State

ENVELOPE_STATES = (
    "blank_stock",
    "sealed",
    "checked_out",
    "opened",
    "quarantined",
    "superseded",
    "destroyed",
)

STATE_WORDS = {
    "blank_stock": "blank stock (not yet sealed)",
    "sealed": "sealed in the safe",
    "checked_out": "checked out",
    "opened": "opened",
    "quarantined": "quarantined as tampered",
    "superseded": "superseded by a newer credential (to be destroyed)",
    "destroyed": "destroyed",
}

# kind -> (states it may start from, state it ends in); None = not yet known.
ENVELOPE_TRANSITIONS: dict[str, tuple[frozenset[str | None], str | None]] = {
    "envelope.stock_received": (frozenset({None}), "blank_stock"),
    "envelope.registered": (frozenset({"blank_stock"}), "sealed"),
    "envelope.checked_out": (frozenset({"sealed"}), "checked_out"),
    "envelope.returned": (frozenset({"checked_out"}), "sealed"),
    "envelope.opened": (frozenset({"checked_out"}), "opened"),
    # inspection keeps the state when intact; tampered -> quarantined (apply_inspected)
    "envelope.inspected": (frozenset({"sealed", "checked_out"}), None),
    "envelope.destroyed": (
        frozenset({"opened", "quarantined", "superseded", "blank_stock"}),
        "destroyed",
    ),
}

#: kind -> the message code refusing it from any other state (kiosk/errors/messages/rules.py)
REFUSED = {
    "envelope.stock_received": "envelope.reused",
    "envelope.registered": "envelope.cannot_register",
    "envelope.checked_out": "envelope.cannot_check_out",
    "envelope.returned": "envelope.cannot_return",
    "envelope.opened": "envelope.cannot_open",
    "envelope.inspected": "envelope.cannot_inspect",
    "envelope.destroyed": "envelope.cannot_destroy",
}


@dataclass
class Account:
    id: str
    username: str
    system: str
    purpose: str
    storage_location: str
    authorised: list[str]
    access_url: str | None = None
    idp: str | None = None
    registered_seq: int = 0
    registered_ts: str | None = None
    last_tested: str | None = None
    #: the identity provider alerts security on this account's sign-in (issue 19)
    idp_alerts: bool = False
    #: when an envelope of the account was opened and its credential not yet
    #: reset; only ``credential.rotated`` (the reset's last step, after the
    #: old envelope was destroyed) ends it, not a new envelope alone
    rotation_due_since: str | None = None
    #: ts of each ``credential.rotated`` (a finished reset), in order
    rotations: list[str] = field(default_factory=list)
    #: why rotation is due: "opened", "tampered", "verification-failed"
    rotation_reason: str | None = None
    #: the incident whose people may not seal the new credential alone
    rotation_incident: str | None = None
    #: the credential (sealing) whose copies are the live ones (kiosk.state.credentials)
    live_credential: str | None = None
    retired: bool = False
    last_verified: str | None = None
    verification_failed_at: str | None = None
    #: ts of each ``account.updated``
    updated: list[str] = field(default_factory=list)
    #: (custodian, ts): people removed from ``authorised`` when revoked
    removed: list[tuple[str, str]] = field(default_factory=list)
    privilege: str | None = None


@dataclass
class Envelope:
    serial: str
    state: str
    account: str | None = None
    history: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, ts, kind)
    test: bool = False
    #: hash of the ``sheet.printed`` entry of the sheet sealed inside (if recorded)
    sheet: str | None = None
    #: opened for the test retrieval after a reset: its credential is not rotated
    #: again (see kiosk.procedures.verification), so no rotation falls due
    opened_for_verification: bool = False
    #: the credential (sealing) whose password the sheet inside holds
    credential: str | None = None
    #: when a newer credential superseded it, and which
    superseded_at: str | None = None
    superseded_by: str | None = None


# ------------------------------------------------------------------ accounts
def check_account_registered(state: State, entry: Entry) -> None:
    data = entry.data
    if data["account"] in state.accounts:
        raise TransitionError("transition.account_exists", account=data["account"])
    for person in data["authorised"]:
        c = state.custodians.get(person)
        if c is None or c.revoked:
            raise TransitionError("transition.authorised_not_custodian", person=person)
    if len(set(data["authorised"])) < 2:
        raise TransitionError("transition.account_dual_control")


def apply_account_registered(state: State, entry: Entry) -> None:
    data = entry.data
    state.accounts[data["account"]] = Account(
        data["account"],
        data["username"],
        data["system"],
        data["purpose"],
        data["storage_location"],
        list(data["authorised"]),
        data.get("access_url"),
        data.get("idp"),
        entry.seq,
        entry.ts,
        privilege=data.get("privilege"),
        idp_alerts=bool(data.get("idp_alerts")),
    )


def apply_session_started(state: State, entry: Entry) -> None:
    """A drill's successful login is the account's test: the credential worked.

    Not its opening: a drill whose login then fails has not shown that the
    credential works ("validates that credentials work"), so the quarterly
    test stays due (and is alerted when late).
    """
    account = state.accounts.get(str(entry.data.get("account")))
    if account is not None and entry.data.get("test"):
        account.last_tested = entry.ts


def check_credential_rotated(state: State, entry: Entry) -> None:
    """A reset is finished only with its new envelope sealed and the old one destroyed.

    Its entry ends "rotation due" and meets the rotation deadline, so it
    must not be written while the opened envelope (with the old password
    inside) is still about, or before the new credential is in the safe.
    """
    data = entry.data
    account = str(data.get("account"))
    new = state.envelopes.get(str(data.get("new_serial")))
    if new is None or new.state != "sealed" or new.account != account:
        raise TransitionError(
            "transition.new_envelope_not_sealed", serial=data.get("new_serial"), account=account
        )
    old_serial = data.get("old_serial")
    if old_serial is not None:
        old = state.envelopes.get(str(old_serial))
        if old is None or old.state != "destroyed":
            raise TransitionError("transition.old_envelope_not_destroyed", serial=old_serial)
    credentials.check_rotated_cleanup(state, entry)


def apply_credential_rotated(state: State, entry: Entry) -> None:
    """The account's rotation is done, and so is the reset of its incidents."""
    account = state.accounts.get(entry.data["account"])
    if account is not None:
        account.rotation_due_since = None
        account.rotation_reason = None
        account.rotation_incident = None
        account.rotations.append(entry.ts)
    state.incidents.note_rotation(entry.data["account"], parse_ts(entry.ts))


# ----------------------------------------------------------------- envelopes
def check_move(state: State, entry: Entry) -> None:
    """Each envelope the entry names may make the move its kind stands for."""
    kind, data = entry.kind, entry.data
    allowed, _ = ENVELOPE_TRANSITIONS[kind]
    serials = data["serials"] if kind == "envelope.stock_received" else [data["serial"]]
    if len(set(serials)) != len(serials):
        raise TransitionError("envelope.serial_twice")
    for serial in serials:
        current = state.envelope_state(serial)
        if current in allowed:
            continue
        if current is None:
            raise TransitionError("envelope.unknown", serial=serial)
        raise TransitionError(REFUSED[kind], serial=serial, state=STATE_WORDS[current])


def _check_account_held(state: State, entry: Entry) -> None:
    """The envelope holds the credentials of the account the entry names."""
    env = state.envelopes[entry.data["serial"]]
    account = entry.data.get("account", env.account)
    if env.account != account:
        raise TransitionError(
            "envelope.wrong_account", serial=env.serial, holds=env.account, account=account
        )


def check_registered(state: State, entry: Entry) -> None:
    check_sheet_not_void(state, entry)
    check_move(state, entry)
    if entry.data["account"] not in state.accounts:
        raise TransitionError("transition.account_unknown", account=entry.data["account"])
    credentials.check_registered_credential(state, entry)


def check_checked_out(state: State, entry: Entry) -> None:
    credentials.check_not_superseded(state, entry)
    check_move(state, entry)
    _check_account_held(state, entry)


def check_opened(state: State, entry: Entry) -> None:
    """Opened only after an inspection recorded since its (last) check-out."""
    check_move(state, entry)
    env = state.envelopes[entry.data["serial"]]
    since_checkout = [k for _s, _t, k in env.history]
    last_out = max(
        (i for i, k in enumerate(since_checkout) if k == "envelope.checked_out"), default=-1
    )
    if "envelope.inspected" not in since_checkout[last_out + 1 :]:
        raise TransitionError("envelope.not_inspected", serial=env.serial)
    _check_account_held(state, entry)


def check_returned(state: State, entry: Entry) -> None:
    check_move(state, entry)
    _check_account_held(state, entry)


def apply_stock_received(state: State, entry: Entry) -> None:
    for serial in entry.data["serials"]:
        state.envelopes[serial] = Envelope(serial, "blank_stock")
        state.envelopes[serial].history.append((entry.seq, entry.ts, entry.kind))


def _move(state: State, entry: Entry) -> Envelope:
    env = state.envelopes[entry.data["serial"]]
    _, end = ENVELOPE_TRANSITIONS[entry.kind]
    if end is not None:
        env.state = end
    env.history.append((entry.seq, entry.ts, entry.kind))
    return env


def apply_move(state: State, entry: Entry) -> None:
    """The envelope ends in the state :data:`ENVELOPE_TRANSITIONS` gives its kind."""
    _move(state, entry)


def apply_registered(state: State, entry: Entry) -> None:
    env = _move(state, entry)
    env.account = entry.data["account"]
    env.test = bool(entry.data.get("test"))
    env.sheet = entry.data.get("sheet")
    credentials.apply_registered_credential(state, env, entry)


def apply_returned(state: State, entry: Entry) -> None:
    """Back in the safe; superseded at once if a newer credential was sealed meanwhile."""
    env = _move(state, entry)
    credentials.apply_returned_credential(state, env, entry)


def apply_inspected(state: State, entry: Entry) -> None:
    """Intact: the envelope stays where it is. Tampered: it is quarantined for good."""
    if entry.data["result"] != "tampered":
        _move(state, entry)
        return
    env = state.envelopes[entry.data["serial"]]
    env.state = "quarantined"
    env.history.append((entry.seq, entry.ts, "envelope.quarantined"))
    # Its password may be known: rotation is due at once (kiosk.state.credentials).
    credentials.make_due(state, env.account, entry, "tampered")


def apply_opened(state: State, entry: Entry) -> None:
    """Opened: its account's credential must now be reset (not after a test retrieval)."""
    env = _move(state, entry)
    if entry.data.get("purpose") == "verification":
        env.opened_for_verification = True
    elif env.account:
        # due from this opening, or from an earlier tamper or opening still not rotated
        credentials.make_due(state, env.account, entry, "opened")
