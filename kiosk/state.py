"""Projections: what the journal says is true now.

Everything the screens show — custodians and their keys, accounts, envelopes
and their states, incidents, alerts — is computed here by folding journal
entries in order. Nothing is stored beside the journal, so the two can never
disagree: reopening the terminal replays the journal and arrives at the same
state.

Invariants (checked by :meth:`State.check` *before* an entry is written, and
relied on by :meth:`State.apply` after):

* an envelope is opened only after an *intact* inspection recorded since
  its check-out (a tampered one is quarantined and can never be opened);
* envelope states follow DESIGN.md: ``blank_stock`` → ``sealed`` →
  ``checked_out`` → ``opened`` | ``sealed`` (returned) | ``quarantined`` →
  ``destroyed``; every other transition is refused with the reason;
* a serial is used once: it enters as blank stock once and never again;
* a custodian id and a credential id are enrolled once; a revoked
  credential stays revoked;
* an account's authorised persons are enrolled custodians;
* a *dual* entry carries attestations from two distinct custodians with two
  distinct credentials, each enrolled for that custodian and not revoked —
  unless ``data.exception`` names a policy exception, which needs one;
  the first two enrolments after genesis each carry their own assertion.

Cryptographic checking of the attestations is the approval layer's job
(:mod:`kiosk.approval`); this module checks who signed, not the signatures.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.clock import parse_ts
from kiosk.errors import TransitionError
from kiosk.incidents import Incident, IncidentBook
from kiosk.journal.entry import Entry
from kiosk.journal.schema import is_dual

#: Kinds that only make sense after their incident was declared.
NEEDS_DECLARED = frozenset(
    {
        "invocation.acknowledged",
        "invocation.stood_down",
        "session.started",
        "session.action",
        "session.ended",
        "session.signed",
        "exception.signed_off",
        "approver.notified",
        "review.completed",
        "review.escalated",
        "sheet.confirmed",
        "access.problem",
        "documentation.discrepancy",
        "verification.completed",
    }
)

ENVELOPE_STATES = ("blank_stock", "sealed", "checked_out", "opened", "quarantined", "destroyed")

STATE_WORDS = {
    "blank_stock": "blank stock (not yet sealed)",
    "sealed": "sealed in the safe",
    "checked_out": "checked out",
    "opened": "opened",
    "quarantined": "quarantined as tampered",
    "destroyed": "destroyed",
}

# kind -> (states it may start from, state it ends in); None = not yet known.
ENVELOPE_TRANSITIONS: dict[str, tuple[frozenset[str | None], str | None]] = {
    "envelope.stock_received": (frozenset({None}), "blank_stock"),
    "envelope.registered": (frozenset({"blank_stock"}), "sealed"),
    "envelope.checked_out": (frozenset({"sealed"}), "checked_out"),
    "envelope.returned": (frozenset({"checked_out"}), "sealed"),
    "envelope.opened": (frozenset({"checked_out"}), "opened"),
    # inspection keeps the state when intact; tampered -> quarantined (below)
    "envelope.inspected": (frozenset({"sealed", "checked_out"}), None),
    "envelope.destroyed": (frozenset({"opened", "quarantined", "blank_stock"}), "destroyed"),
}

ACTION_WORDS = {
    "envelope.stock_received": "received into stock",
    "envelope.registered": "registered in the safe",
    "envelope.checked_out": "checked out",
    "envelope.returned": "returned to the safe",
    "envelope.opened": "opened",
    "envelope.inspected": "inspected",
    "envelope.destroyed": "destroyed",
}

ADVICE = {
    "envelope.registered": "Only a new bag from registered stock can be sealed and registered.",
    "envelope.checked_out": "Only an envelope sealed in the safe can be checked out.",
    "envelope.returned": "Only a checked-out, unopened envelope can go back into the safe.",
    "envelope.opened": "Check the envelope out, and inspect it, before opening it.",
    "envelope.inspected": "Only envelopes in the safe or checked out can be inspected.",
    "envelope.destroyed": "Only opened, quarantined or spoiled envelopes are destroyed.",
}


@dataclass
class Credential:
    id: str
    custodian: str
    public_key: str
    alg: int
    rp_id: str
    enrolled_seq: int
    revoked: bool = False
    counter: int = 0


@dataclass
class Custodian:
    id: str
    name: str
    role: str
    duties: list[str]
    credentials: list[str] = field(default_factory=list)
    revoked: bool = False


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
    #: when an envelope of the account was opened and its credential not yet
    #: reset; only ``credential.rotated`` (the reset's last step, after the
    #: old envelope was destroyed) ends it, not a new envelope alone
    rotation_due_since: str | None = None
    #: ts of each ``credential.rotated`` (a finished reset), in order
    rotations: list[str] = field(default_factory=list)


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


@dataclass
class PrintedSheet:
    """A ``sheet.printed`` entry: the credential sheet its QR names."""

    seq: int
    hash: str
    account: str
    serial: str
    sheet_ref: str
    #: its printing failed (``sheet.print_failed``): it can never be sealed
    void: bool = False


@dataclass
class Alert:
    seq: int
    ts: str
    alert: str
    summary: str
    acknowledged: bool = False
    #: why its slip did not print (a print error's code), until a later try printed it
    slip_failed: str | None = None


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
    #: keys of deadlines that already have their ``deadline.overdue`` alert
    alerted_deadlines: set[str] = field(default_factory=set)

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

    def clone(self) -> State:
        return copy.deepcopy(self)

    # ------------------------------------------------------------- checks
    def check(self, entry: Entry) -> None:
        """Raise :class:`TransitionError` if ``entry`` may not follow this state."""
        kind, data = entry.kind, entry.data
        if self.seq == 0:
            if kind != "journal.genesis":
                raise TransitionError(
                    reason="The journal must start with its genesis entry",
                    advice="Commission the terminal with 'sealroom init'.",
                )
            return
        if kind == "journal.genesis":
            raise TransitionError(
                reason="The journal already has a genesis entry",
                advice="A journal is created once.",
            )
        self._check_signers(entry)
        self._check_incident(kind, data)
        handler = getattr(self, "_check_" + kind.replace(".", "_"), None)
        if handler is not None:
            handler(data)
        if kind in ENVELOPE_TRANSITIONS:
            self._check_envelope(kind, data)

    def _check_incident(self, kind: str, data: dict[str, Any]) -> None:
        """Entries that name an incident must fit it.

        An incident is declared once; the steps after the declaration need a
        declared incident; a test (drill) incident's entries are all marked
        ``test`` and a real one's never are; and ``data.exception`` must name
        an exception recorded for that incident (solo access cannot be
        claimed after the fact by writing the word into an entry).
        """
        iid = data.get("incident")
        if not isinstance(iid, str) or kind.startswith("alert."):
            return
        if kind == "invocation.declared":
            if iid in self.incidents.by_id:
                raise TransitionError(
                    reason=f"Incident {iid} was already declared",
                    advice="Each invocation gets a new incident reference.",
                )
            return
        inc = self.incidents.get(iid)
        if inc is None:
            if kind in NEEDS_DECLARED:
                raise TransitionError(
                    reason=f"Incident {iid} was never declared",
                    advice="Declare the invocation first (phase 1).",
                )
            return
        if bool(data.get("test")) != inc.test:
            raise TransitionError(
                reason=f"Incident {iid} is {'a test' if inc.test else 'a real invocation'}, "
                f"but this step is {'marked' if data.get('test') else 'not marked'} as a test",
                advice="Every entry of a drill is marked as a test, and only those.",
            )
        exception = data.get("exception") if kind != "exception.opened" else None
        if exception is not None and exception not in inc.exceptions:
            raise TransitionError(
                reason=f"No '{exception}' exception was recorded for incident {iid}",
                advice="Record the exception (troubleshooting) before relying on it.",
            )

    def _self_enrolment(self, entry: Entry) -> bool:
        """First two enrolments right after genesis sign themselves."""
        if entry.kind != "custodian.enrolled":
            return False
        enrolled = self.kinds_seen.get("custodian.enrolled", 0)
        return enrolled < 2 and self.seq == 1 + enrolled

    def _check_signers(self, entry: Entry) -> None:
        attest = entry.attest
        if self._self_enrolment(entry):
            cred = entry.data.get("credential", {})
            if (
                len(attest) != 1
                or attest[0].get("credential_id") != cred.get("id")
                or attest[0].get("custodian") != entry.data.get("custodian")
            ):
                raise TransitionError(
                    reason="A first enrolment must be signed by the key it enrols",
                    advice="Touch the new key when asked, and enter its PIN.",
                )
            return
        for a in attest:
            cid, who = a.get("credential_id"), a.get("custodian")
            cred = self.credentials.get(str(cid))
            if cred is None or cred.custodian != who:
                raise TransitionError(
                    reason="That security key is not enrolled for this person",
                    advice="Use your own enrolled key.",
                )
            if cred.revoked or self.custodians[cred.custodian].revoked:
                raise TransitionError(
                    reason=f"The key of {self.custodians[cred.custodian].name} was revoked",
                    advice="A revoked key cannot approve anything. Use another custodian.",
                )
        if not is_dual(entry.kind):
            return
        people = {a.get("custodian") for a in attest}
        keys = {a.get("credential_id") for a in attest}
        if entry.data.get("exception"):
            if len(attest) < 1:
                raise TransitionError(
                    reason="Even under a policy exception one custodian must approve",
                    advice="Touch your key and enter its PIN.",
                )
            return
        if len(people) < 2:
            raise TransitionError(
                reason="This step needs two different custodians",
                advice="The second custodian must approve with their own key.",
            )
        if len(keys) < 2:
            raise TransitionError(
                reason="The same security key was used twice",
                advice="Each custodian must use their own key.",
            )

    def _check_custodian_enrolled(self, data: dict[str, Any]) -> None:
        if data["custodian"] in self.custodians:
            c = self.custodians[data["custodian"]]
            if c.revoked:
                raise TransitionError(
                    reason=f"{c.name} was revoked", advice="Enrol the person under a new id."
                )
        if data["credential"]["id"] in self.credentials:
            raise TransitionError(
                reason="This security key is already enrolled",
                advice="Each key is enrolled once. Use a new key.",
            )

    def _check_custodian_revoked(self, data: dict[str, Any]) -> None:
        c = self.custodians.get(data["custodian"])
        if c is None:
            raise TransitionError(reason="That person is not enrolled", advice="Check the name.")
        cid = data.get("credential_id")
        if cid is not None:
            cred = self.credentials.get(cid)
            if cred is None or cred.custodian != c.id:
                raise TransitionError(
                    reason="That key is not enrolled for this person", advice="Check the key."
                )
            if cred.revoked:
                raise TransitionError(reason="That key is already revoked", advice="Nothing to do.")
        elif not data.get("whole_custodian"):
            raise TransitionError(
                reason="Say which key to revoke, or revoke the whole person",
                advice="Choose the key.",
            )

    def _check_account_registered(self, data: dict[str, Any]) -> None:
        if data["account"] in self.accounts:
            raise TransitionError(
                reason=f"Account {data['account']} is already in the inventory",
                advice="Use a new account id.",
            )
        for person in data["authorised"]:
            c = self.custodians.get(person)
            if c is None or c.revoked:
                raise TransitionError(
                    reason=f"{person} is not an enrolled custodian",
                    advice="Only enrolled custodians can be authorised for an account.",
                )
        if len(set(data["authorised"])) < 2:
            raise TransitionError(
                reason="An account needs at least two authorised persons for dual control",
                advice="Add a second authorised person.",
            )

    def _check_envelope(self, kind: str, data: dict[str, Any]) -> None:
        allowed, _ = ENVELOPE_TRANSITIONS[kind]
        serials = data["serials"] if kind == "envelope.stock_received" else [data["serial"]]
        if len(set(serials)) != len(serials):
            raise TransitionError(
                reason="The same serial appears twice", advice="Scan each bag once."
            )
        for serial in serials:
            state = self.envelope_state(serial)
            if state not in allowed:
                if kind == "envelope.stock_received":
                    raise TransitionError(
                        "envelope.reused", serial=serial, state=STATE_WORDS[str(state)]
                    )
                if state is None:
                    raise TransitionError("envelope.unknown", serial=serial)
                raise TransitionError(
                    "envelope.bad_state",
                    serial=serial,
                    state=STATE_WORDS[state],
                    action=ACTION_WORDS[kind],
                    advice=ADVICE.get(kind, ""),
                )
        if kind == "envelope.registered" and data["account"] not in self.accounts:
            raise TransitionError(
                reason=f"Account {data['account']} is not in the inventory",
                advice="Register the account first.",
            )
        if kind == "envelope.opened":
            env = self.envelopes[data["serial"]]
            since_checkout = [k for _s, _t, k in env.history]
            last_out = max(
                (i for i, k in enumerate(since_checkout) if k == "envelope.checked_out"), default=-1
            )
            if "envelope.inspected" not in since_checkout[last_out + 1 :]:
                raise TransitionError(
                    "envelope.bad_state",
                    serial=env.serial,
                    state="not yet inspected since it was checked out",
                    action="opened",
                    advice="Check the seal, the signatures across it and the bag for tears, "
                    "holes or steaming, and record the inspection first.",
                )
        if kind in ("envelope.checked_out", "envelope.opened", "envelope.returned"):
            env = self.envelopes[data["serial"]]
            account = data.get("account", env.account)
            if env.account != account:
                raise TransitionError(
                    reason=f"Envelope {env.serial} holds the credentials of {env.account}, "
                    f"not {account}",
                    advice="Take the envelope of the account you declared.",
                )

    # -------------------------------------------------------------- apply
    def apply(self, entry: Entry) -> None:
        """Fold an entry that has been checked and written."""
        kind, data = entry.kind, entry.data
        handler = getattr(self, "_apply_" + kind.replace(".", "_"), None)
        if handler is not None:
            handler(entry, data)
        if kind in ENVELOPE_TRANSITIONS:
            self._apply_envelope(entry, kind, data)
        self._apply_counters(entry)
        serial = data.get("serial")
        env = self.envelopes.get(serial) if isinstance(serial, str) else None
        self.incidents.apply(entry, env.account if env else None)
        if kind == "invocation.declared":
            declared = self.incidents.get(str(data.get("incident")))
            if declared is not None:
                declared.calendar = self.calendar
        if kind == "credential.rotated":
            self.incidents.note_rotation(data["account"], parse_ts(entry.ts))
        self.kinds_seen[kind] = self.kinds_seen.get(kind, 0) + 1
        self.seq, self.head, self.last_ts = entry.seq, entry.hash, entry.ts

    def _apply_counters(self, entry: Entry) -> None:
        from kiosk.canonical import b64u_decode

        for a in entry.attest:
            cred = self.credentials.get(str(a.get("credential_id")))
            if cred is None:
                continue
            try:
                ad = b64u_decode(str(a.get("authenticator_data", "")))
            except ValueError:
                continue
            if len(ad) >= 37:
                cred.counter = max(cred.counter, int.from_bytes(ad[33:37], "big"))

    def _apply_journal_genesis(self, entry: Entry, data: dict[str, Any]) -> None:
        self.kiosk_id = data["kiosk_id"]
        self.kiosk_key = data["kiosk_key"]
        self.journal_id = data.get("journal_id", "")
        self.policy_hash = data["policy_hash"]
        self.uv_required = bool(data["uv_required"])
        self.genesis_hash = entry.hash
        self.calendar = data.get("calendar")

    def _apply_policy_changed(self, entry: Entry, data: dict[str, Any]) -> None:
        self.policy_hash = data["policy_hash"]
        self.uv_required = bool(data["uv_required"])
        self.calendar = data.get("calendar") or self.calendar

    def _apply_custodian_enrolled(self, entry: Entry, data: dict[str, Any]) -> None:
        cid = data["custodian"]
        c = self.custodians.get(cid)
        if c is None:
            c = Custodian(cid, data["name"], data["role"], list(data["duties"]))
            self.custodians[cid] = c
        cred = data["credential"]
        self.credentials[cred["id"]] = Credential(
            cred["id"], cid, cred["public_key"], cred["alg"], cred["rp_id"], entry.seq
        )
        c.credentials.append(cred["id"])
        replaced = data.get("replaces")
        if replaced and replaced in self.credentials:
            self.credentials[replaced].revoked = True

    def _apply_custodian_revoked(self, entry: Entry, data: dict[str, Any]) -> None:
        c = self.custodians[data["custodian"]]
        cid = data.get("credential_id")
        if cid:
            self.credentials[cid].revoked = True
        if data.get("whole_custodian"):
            c.revoked = True
            for i in c.credentials:
                self.credentials[i].revoked = True

    def _apply_account_registered(self, entry: Entry, data: dict[str, Any]) -> None:
        self.accounts[data["account"]] = Account(
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
        )

    def _apply_envelope(self, entry: Entry, kind: str, data: dict[str, Any]) -> None:
        _, end = ENVELOPE_TRANSITIONS[kind]
        if kind == "envelope.stock_received":
            for serial in data["serials"]:
                self.envelopes[serial] = Envelope(serial, "blank_stock")
                self.envelopes[serial].history.append((entry.seq, entry.ts, kind))
            return
        env = self.envelopes[data["serial"]]
        if kind == "envelope.inspected":
            end = "quarantined" if data["result"] == "tampered" else env.state
        if kind == "envelope.registered":
            env.account = data["account"]
            env.test = bool(data.get("test"))
            env.sheet = data.get("sheet")
        if end is None:
            return
        env.state = end
        label = "envelope.quarantined" if end == "quarantined" and kind != end else kind
        env.history.append((entry.seq, entry.ts, label))
        if kind == "envelope.opened" and data.get("purpose") == "verification":
            env.opened_for_verification = True
        elif kind == "envelope.opened" and env.account:
            self.accounts[env.account].rotation_due_since = entry.ts

    def _apply_session_started(self, entry: Entry, data: dict[str, Any]) -> None:
        """A drill's successful login is the account's test: the credential worked.

        Not its opening: a drill whose login then fails has not shown that the
        credential works ("validates that credentials work"), so the quarterly
        test stays due (and is alerted when late).
        """
        account = self.accounts.get(str(data.get("account")))
        if account is not None and data.get("test"):
            account.last_tested = entry.ts

    def _apply_alert_raised(self, entry: Entry, data: dict[str, Any]) -> None:
        self.alerts[entry.seq] = Alert(entry.seq, entry.ts, data["alert"], data["summary"])
        detail = data.get("detail")
        if isinstance(detail, dict) and isinstance(detail.get("deadline"), str):
            self.alerted_deadlines.add(detail["deadline"])

    def _check_sheet_print_failed(self, data: dict[str, Any]) -> None:
        sheet = self.sheets.get(data["sheet_seq"])
        if sheet is None:
            raise TransitionError(
                reason=f"Entry {data['sheet_seq']} is not a printed credential sheet",
                advice="Only a sheet recorded as printed can fail to print.",
            )
        if (sheet.account, sheet.serial, sheet.sheet_ref) != (
            data["account"],
            data["serial"],
            data["sheet_ref"],
        ):
            raise TransitionError(
                reason=f"Sheet {sheet.sheet_ref} was printed for {sheet.account} and "
                f"envelope {sheet.serial}, not for what this entry names",
                advice="Record the failure of the sheet that was being printed.",
            )
        if sheet.void:
            raise TransitionError(
                reason=f"Sheet {sheet.sheet_ref} is already recorded as not printed",
                advice="Nothing more to record for it.",
            )

    def _check_invocation_stood_down(self, data: dict[str, Any]) -> None:
        """Only an invocation with nothing opened and nothing out of the safe stands down."""
        inc = self.incidents.get(str(data.get("incident")))
        if inc is None:
            return
        if inc.envelope_opened is not None:
            raise TransitionError(
                reason=f"Envelope {inc.envelope_opened} was opened for incident {inc.id}",
                advice="The procedure goes on: session, documentation, credential reset.",
            )
        out = self.envelopes_out(inc)
        if out:
            raise TransitionError(
                reason=f"Envelope {out[0]} of incident {inc.id} is still out of the safe",
                advice="Return it to the safe first.",
            )
        if inc.returned_at is not None:
            raise TransitionError(
                reason=f"Incident {inc.id} has already ended",
                advice="Nothing more to record for it here; the review follows.",
            )

    def _check_credential_rotated(self, data: dict[str, Any]) -> None:
        """A reset is finished only with its new envelope sealed and the old one destroyed.

        Its entry ends "rotation due" and meets the rotation deadline, so it
        must not be written while the opened envelope (with the old password
        inside) is still about, or before the new credential is in the safe.
        """
        account = str(data.get("account"))
        new = self.envelopes.get(str(data.get("new_serial")))
        if new is None or new.state != "sealed" or new.account != account:
            raise TransitionError(
                reason=f"Envelope {data.get('new_serial')} is not sealed in the safe "
                f"for account {account}",
                advice="Seal and register the new envelope before recording the reset.",
            )
        old_serial = data.get("old_serial")
        if old_serial is not None:
            old = self.envelopes.get(str(old_serial))
            if old is None or old.state != "destroyed":
                raise TransitionError(
                    reason=f"The old envelope {old_serial} has not been destroyed",
                    advice="Destroy the old credentials (under dual control) first.",
                )

    def _apply_credential_rotated(self, entry: Entry, data: dict[str, Any]) -> None:
        account = self.accounts.get(data["account"])
        if account is not None:
            account.rotation_due_since = None
            account.rotations.append(entry.ts)

    def _check_envelope_registered(self, data: dict[str, Any]) -> None:
        """A sheet whose printing failed is void: no envelope may be sealed with it."""
        sheet_hash = data.get("sheet")
        for sheet in self.sheets.values():
            if sheet.hash == sheet_hash and sheet.void:
                raise TransitionError(
                    reason=f"Sheet {sheet.sheet_ref} did not print, so it is void",
                    advice="Print a new sheet for this envelope and seal that one.",
                )

    def _apply_sheet_printed(self, entry: Entry, data: dict[str, Any]) -> None:
        self.sheets[entry.seq] = PrintedSheet(
            entry.seq, entry.hash, data["account"], data["serial"], data["sheet_ref"]
        )

    def _apply_sheet_print_failed(self, entry: Entry, data: dict[str, Any]) -> None:
        self.sheets[data["sheet_seq"]].void = True

    def _check_session_started(self, data: dict[str, Any]) -> None:
        """One access session per incident: a second login would restart its windows."""
        inc = self.incidents.get(str(data.get("incident")))
        if inc is not None and inc.session_started_at is not None:
            raise TransitionError(
                reason=f"The access session of incident {inc.id} was already started",
                advice="Record the actions in the session already open, then log out.",
            )

    def _check_session_ended(self, data: dict[str, Any]) -> None:
        """The session ends once, after it started: its end starts the 2-hour documentation
        window and the approver notice, so a second end must not move them."""
        inc = self.incidents.get(str(data.get("incident")))
        if inc is None:
            return
        if data.get("established") is False:
            # Access never obtained: the attempt is concluded, with its failures on record.
            if inc.session_started_at is not None:
                raise TransitionError(
                    reason=f"Access was obtained for incident {inc.id}",
                    advice="Log out of the session instead.",
                )
            if not inc.access_problems:
                raise TransitionError(
                    reason=f"Incident {inc.id} records no failed access attempt",
                    advice="Record the failed login or unavailable MFA method first.",
                )
        elif inc.session_started_at is None:
            raise TransitionError(
                reason=f"Incident {inc.id} has no access session to end",
                advice="Record the login (the session's start) first.",
            )
        if inc.session_ended_at is not None:
            raise TransitionError(
                reason=f"The access session of incident {inc.id} has already ended",
                advice="Actions found afterwards go into the session documentation.",
            )

    def _check_alert_acknowledged(self, data: dict[str, Any]) -> None:
        alert = self.alerts.get(data["alert_seq"])
        if alert is None:
            raise TransitionError(reason="There is no such alert", advice="Check the alert list.")
        if alert.acknowledged:
            raise TransitionError(reason="That alert was already acknowledged", advice="")

    def _apply_alert_acknowledged(self, entry: Entry, data: dict[str, Any]) -> None:
        self.alerts[data["alert_seq"]].acknowledged = True

    def _check_alert_slip_failed(self, data: dict[str, Any]) -> None:
        if data["alert_seq"] not in self.alerts:
            raise TransitionError(reason="There is no such alert", advice="Check the alert list.")

    def _apply_alert_slip_failed(self, entry: Entry, data: dict[str, Any]) -> None:
        self.alerts[data["alert_seq"]].slip_failed = data["reason"]

    def _check_alert_slip_printed(self, data: dict[str, Any]) -> None:
        alert = self.alerts.get(data["alert_seq"])
        if alert is None or alert.slip_failed is None:
            raise TransitionError(
                reason="That alert has no slip waiting to be printed again",
                advice="Check the alert list.",
            )

    def _apply_alert_slip_printed(self, entry: Entry, data: dict[str, Any]) -> None:
        self.alerts[data["alert_seq"]].slip_failed = None

    def slips_to_reprint(self) -> list[Alert]:
        """Alerts whose slip did not print and that no person acknowledged yet."""
        return [a for a in self.open_alerts() if a.slip_failed is not None]


def replay(entries: Iterable[Entry]) -> State:
    """The state after ``entries`` (checking each one as it goes)."""
    state = State()
    for e in entries:
        state.check(e)
        state.apply(e)
    return state
