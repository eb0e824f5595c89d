"""Enrolling, replacing and revoking custodians' security keys, with their key slots.

Invariants:

* The first two enrolments after genesis (at commissioning) are each signed
  by the key being enrolled (one touch gives the assertion *and* the
  hmac-secret for the key slot); every later enrolment, replacement
  (``data.replaces``) and revocation is a dual entry approved by two other
  custodians through :class:`kiosk.terminal.approvals.DualApproval`.
* Every enrolled credential gets exactly one ``fido2-hmac-secret`` key slot
  wrapping the database key (UV is required for the secret), so one
  custodian's touch + PIN unlocks and losing a key loses nothing. The slot
  is added once every approval is collected, just *before* the enrolment
  entry is written, and a revoked or replaced credential's slot is removed
  after the revocation is durable. A crash between the slot and the entry
  leaves a slot for a credential the journal does not list: that key cannot
  unlock (the journal refuses an unknown credential) and
  :func:`reconcile_slots` (run at every unlock) removes its slot. The other
  order lost a key: an enrolment durable in the journal whose slot was never
  written, its hmac-secret gone with the process (issue 21). A failed write
  removes the slot at once. So the journal stays the truth, and an enrolled
  key can always unlock.
* Nothing secret is written to the journal: the credential's public key,
  algorithm, rp id and AAGUID only.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.errors import ApprovalError, SealroomError
from kiosk.format.canonical import b64u, b64u_decode
from kiosk.format.entry import Entry
from kiosk.journal.keyslots import KeySlots
from kiosk.terminal.approvals import SELF_ROLE, Approval, DualApproval, SecurityKeys
from kiosk.terminal.signers import is_self_enrolment

if TYPE_CHECKING:
    from kiosk.journal.store import Journal
    from kiosk.policy import Policy

DUTIES = ("custodian", "security", "auditor")


@dataclass(frozen=True)
class Person:
    """Who is being enrolled (ids are short, stable and not secret)."""

    id: str
    name: str
    role: str
    duties: tuple[str, ...] = ("custodian",)

    @staticmethod
    def parse(text: str) -> Person:
        """``id:Full Name:Role`` (the CLI's ``--custodian``); the role may contain ':'."""
        parts = text.split(":", 2)
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise ApprovalError("enrol.bad_custodian", value=text)
        cid, name, role = (p.strip() for p in parts)
        if len(cid) > 64 or not all(c.isalnum() or c in "-_." for c in cid):
            raise ApprovalError("enrol.bad_custodian", value=text)
        return Person(cid, name, role)

    def data(self, credential: dict[str, Any], replaces: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "custodian": self.id,
            "name": self.name,
            "role": self.role,
            "duties": list(self.duties),
            "credential": credential,
        }
        if replaces:
            out["replaces"] = replaces
        return out


def _known_ids(journal: Journal) -> list[bytes]:
    return [b64u_decode(c) for c in journal.state.credentials]


def _credential_data(raw: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "public_key", "alg", "rp_id", "aaguid", "label")
    return {k: raw[k] for k in keep if k in raw}


def enrol_first_custodian(
    journal: Journal,
    policy: Policy,
    person: Person,
    security_keys: SecurityKeys,
    cancel: threading.Event | None = None,
) -> Entry:
    """Commissioning: ``person`` enrols their key and signs their own enrolment.

    Two touches: make the credential, then one assertion over the entry
    digest that also yields the key slot's hmac-secret.
    """
    cancel = cancel or threading.Event()
    if not is_self_enrolment(journal.state, "custodian.enrolled"):
        raise ApprovalError("approval.exception_required", kind="custodian.enrolled")
    if person.id in journal.state.custodians:
        raise ApprovalError("enrol.custodian_exists", name=person.name, custodian=person.id)
    cred = _credential_data(
        security_keys.enroll(
            policy.rp_id, person.id.encode(), person.id, person.name, _known_ids(journal), cancel
        )
    )
    cid = b64u_decode(cred["id"])
    approval = Approval(
        journal, policy, security_keys, "custodian.enrolled", person.data(cred), (SELF_ROLE,)
    )
    try:
        salt = KeySlots.new_fido2_salt()
        answer, secret = security_keys.approve_and_derive(
            approval.digest, cid, cred["rp_id"], salt, cancel
        )
        approval.add({**answer, "role": SELF_ROLE, "custodian": person.id})
        _add_slot(journal, (cid, cred["rp_id"], salt, secret))
        entry = _commit_with_slot(journal, approval.commit)
    except BaseException:
        if not approval.pending.closed:
            approval.abandon()
        raise
    return entry


Slot = tuple[bytes, str, bytes, bytes]


def _add_slot(journal: Journal, slot: Slot) -> None:
    """Add a credential's key slot, before its enrolment entry is written."""
    cid, rp_id, salt, secret = slot
    db_key = journal.database_key()
    journal.update_slots(lambda slots: slots.add_fido2(db_key, cid, rp_id, salt, secret))


def _commit_with_slot(journal: Journal, commit: Callable[[], Entry]) -> Entry:
    """Write the enrolment whose slot is already added; if it is not written, drop the slot."""
    try:
        return commit()
    except BaseException:
        with contextlib.suppress(SealroomError, OSError):  # else the next unlock removes it
            reconcile_slots(journal)
        raise


class KeyEnrolment:
    """A later enrolment (new custodian, extra key, or replacement of a lost key).

    1. :meth:`register_key` — the new key makes its credential and derives its
       slot secret (two touches + PIN by the person being enrolled);
    2. :attr:`approval` — two other custodians approve (``sign`` twice);
    3. :meth:`commit` — the slot is added, then the entry is written (and a
       replaced key's slot removed); see the module's invariants for why in
       this order.
    """

    def __init__(
        self,
        journal: Journal,
        policy: Policy,
        security_keys: SecurityKeys,
        person: Person,
        *,
        replaces: str | None = None,
    ) -> None:
        state = journal.state
        existing = state.custodians.get(person.id)
        if existing is not None and existing.revoked:
            raise ApprovalError("approval.revoked_custodian", name=existing.name)
        if replaces is not None:
            old = state.credentials.get(replaces)
            if old is None or old.custodian != person.id:
                raise ApprovalError("approval.unknown_credential")
        self.journal = journal
        self.policy = policy
        self.security_keys = security_keys
        self.person = person
        self.replaces = replaces
        self.approval: DualApproval | None = None
        self._slot: tuple[bytes, str, bytes, bytes] | None = None

    def register_key(self, cancel: threading.Event | None = None) -> DualApproval:
        cancel = cancel or threading.Event()
        cred = _credential_data(
            self.security_keys.enroll(
                self.policy.rp_id,
                self.person.id.encode(),
                self.person.id,
                self.person.name,
                _known_ids(self.journal),
                cancel,
            )
        )
        cid = b64u_decode(cred["id"])
        salt = KeySlots.new_fido2_salt()
        got, secret = self.security_keys.derive_secret(cred["rp_id"], {cid: salt}, cancel)
        if got != cid:
            raise ApprovalError("fido.no_credential")
        self._slot = (cid, cred["rp_id"], salt, secret)
        self.approval = DualApproval(
            self.journal,
            self.policy,
            self.security_keys,
            "custodian.enrolled",
            self.person.data(cred, self.replaces),
            on_commit=self._install,
        )
        return self.approval

    def commit(self) -> Entry:
        approval = self.approval
        if approval is None or self._slot is None:
            raise ApprovalError("approval.incomplete", missing="the new key")
        missing = approval.next_role
        if missing is not None:  # no slot for an enrolment that cannot be written yet
            raise ApprovalError("approval.incomplete", missing=missing)
        slot, self._slot = self._slot, None  # added here, not again by _install
        _add_slot(self.journal, slot)
        return _commit_with_slot(self.journal, approval.commit)

    def abandon(self) -> None:
        if self.approval is not None and not self.approval.pending.closed:
            self.approval.abandon()
        self._slot = None

    def _install(self, entry: Entry) -> None:
        """After the entry: a replaced key's slot goes (the entry revoked it).

        A caller that committed :attr:`approval` itself, not through
        :meth:`commit`, gets its slot here, after the entry (the older order).
        """
        if self._slot is not None:
            _add_slot(self.journal, self._slot)
            self._slot = None
        if self.replaces:
            reconcile_slots(self.journal)


def start_revocation(
    journal: Journal,
    policy: Policy,
    security_keys: SecurityKeys,
    custodian: str,
    reason: str,
    *,
    credential_id: str | None = None,
    whole_custodian: bool = False,
) -> DualApproval:
    """A dual ``custodian.revoked`` entry; on commit the revoked keys' slots go."""
    data: dict[str, Any] = {"custodian": custodian, "reason": reason}
    if credential_id is not None:
        data["credential_id"] = credential_id
    if whole_custodian:
        data["whole_custodian"] = True

    def remove_slots(entry: Entry) -> None:
        reconcile_slots(journal)

    return DualApproval(
        journal, policy, security_keys, "custodian.revoked", data, on_commit=remove_slots
    )


def reconcile_slots(journal: Journal) -> list[str]:
    """Remove key slots of credentials the journal does not list as active.

    Returns the removed credential ids (b64u). The recovery slot is never touched.
    The file is rewritten through the journal, which keeps its head and MAC.
    """
    state = journal.state
    stale = []
    for cid, _salt in journal.key_slots().fido2_credentials():
        cred = state.credentials.get(b64u(cid))
        owner = state.custodians.get(cred.custodian) if cred else None
        if cred is None or cred.revoked or owner is None or owner.revoked:
            stale.append(cid)

    def remove(slots: KeySlots) -> None:
        for cid in stale:
            slots.remove_fido2(cid)

    if stale:
        journal.update_slots(remove)
    return [b64u(cid) for cid in stale]


def commission_custodians(
    journal: Journal,
    policy: Policy,
    first: Sequence[tuple[Person, SecurityKeys]],
    cancel: threading.Event | None = None,
) -> list[Entry]:
    """Enrol the two first custodians, each with their own key, in order."""
    if len(first) != 2 or first[0][0].id == first[1][0].id:
        raise ApprovalError("enrol.need_two", count=len({p.id for p, _ in first}))
    return [enrol_first_custodian(journal, policy, p, a, cancel) for p, a in first]
