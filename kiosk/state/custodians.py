"""Custodians and their security keys: who is enrolled, who signed, which key is revoked.

Rules (checked before an entry is written):

* a custodian id and a credential id are enrolled once; a revoked custodian
  stays revoked (a new id is enrolled instead);
* every attestation names a key enrolled for that person, neither revoked;
* a *dual* entry carries attestations from two distinct custodians with two
  distinct credentials — unless a policy exception covers it as the spec's
  Amendment 1 allows (declared with the incident before the entry, on one of
  the listed incident kinds, with one attestation at least; the same rule as
  the auditors' verifier, :mod:`kiosk.rules.exceptions`); the first two
  enrolments after genesis each carry their own assertion.

Cryptographic checking of the attestations is the approval layer's job
(:mod:`kiosk.terminal.signers`); this module checks who signed, not the signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.errors import TransitionError
from kiosk.format.canonical import b64u_decode
from kiosk.format.entry import Entry
from kiosk.format.kinds import is_dual
from kiosk.rules.exceptions import claims_exception, exception_refusal
from kiosk.state.credentials import forget_revoked

if TYPE_CHECKING:
    from kiosk.state.projection import State


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
    #: True once an assertion of this key is in the journal (``counter`` is then
    #: its last journaled counter, the counter witness's reference)
    counted: bool = False


@dataclass
class Custodian:
    id: str
    name: str
    role: str
    duties: list[str]
    credentials: list[str] = field(default_factory=list)
    revoked: bool = False


def _self_enrolment(state: State, entry: Entry) -> bool:
    """First two enrolments right after genesis sign themselves."""
    if entry.kind != "custodian.enrolled":
        return False
    enrolled = state.kinds_seen.get("custodian.enrolled", 0)
    return enrolled < 2 and state.seq == 1 + enrolled


def check_signers(state: State, entry: Entry) -> None:
    """Every entry: its attestations name enrolled, unrevoked keys of their owners."""
    attest = entry.attest
    if _self_enrolment(state, entry):
        cred = entry.data.get("credential", {})
        if (
            len(attest) != 1
            or attest[0].get("credential_id") != cred.get("id")
            or attest[0].get("custodian") != entry.data.get("custodian")
        ):
            raise TransitionError("transition.self_enrolment")
        return
    for a in attest:
        cid, who = a.get("credential_id"), a.get("custodian")
        known = state.credentials.get(str(cid))
        if known is None or known.custodian != who:
            raise TransitionError("transition.key_not_theirs")
        owner = state.custodians[known.custodian]
        if known.revoked or owner.revoked:
            raise TransitionError("transition.key_revoked", name=owner.name)
    if not is_dual(entry.kind):
        return
    people = {a.get("custodian") for a in attest}
    keys = {a.get("credential_id") for a in attest}
    if len(people) >= 2 and len(keys) >= 2:
        return  # an exception named as well is harmless (Amendment 1)
    if claims_exception(entry.data):
        check_exception(state, entry)
        return
    if len(people) < 2:
        raise TransitionError("transition.two_people")
    raise TransitionError("transition.same_key_twice")


def check_exception(state: State, entry: Entry) -> None:
    """A dual entry short of two custodians: Amendment 1, from the rules the verifier uses.

    Only on the incident kinds the spec lists, only as declared with the
    incident on its ``invocation.declared`` entry (before this entry), and
    with at least one attestation (:func:`kiosk.rules.exceptions.exception_refusal`).
    """

    def declared(incident: str) -> set[str]:
        inc = state.incidents.get(incident)
        return {inc.declared_exception} if inc and inc.declared_exception else set()

    refusal = exception_refusal(entry.kind, entry.data, declared, len(entry.attest))
    if refusal is not None:
        raise TransitionError(
            refusal,
            kind=entry.kind,
            exception=entry.data.get("exception"),
            incident=entry.data.get("incident"),
        )


def note_counters(state: State, entry: Entry) -> None:
    """Every entry: each signing key's highest signature counter seen so far."""
    for a in entry.attest:
        cred = state.credentials.get(str(a.get("credential_id")))
        if cred is None:
            continue
        try:
            ad = b64u_decode(str(a.get("authenticator_data", "")))
        except ValueError:
            continue
        if len(ad) >= 37:
            cred.counter = max(cred.counter, int.from_bytes(ad[33:37], "big"))
            cred.counted = True


def check_enrolled(state: State, entry: Entry) -> None:
    data = entry.data
    custodian = state.custodians.get(data["custodian"])
    if custodian is not None and custodian.revoked:
        raise TransitionError("transition.custodian_revoked", name=custodian.name)
    if data["credential"]["id"] in state.credentials:
        raise TransitionError("transition.key_enrolled_twice")


def apply_enrolled(state: State, entry: Entry) -> None:
    data = entry.data
    cid = data["custodian"]
    c = state.custodians.get(cid)
    if c is None:
        c = Custodian(cid, data["name"], data["role"], list(data["duties"]))
        state.custodians[cid] = c
    cred = data["credential"]
    state.credentials[cred["id"]] = Credential(
        cred["id"], cid, cred["public_key"], cred["alg"], cred["rp_id"], entry.seq
    )
    c.credentials.append(cred["id"])
    replaced = data.get("replaces")
    if replaced and replaced in state.credentials:
        state.credentials[replaced].revoked = True


def check_revoked(state: State, entry: Entry) -> None:
    data = entry.data
    c = state.custodians.get(data["custodian"])
    if c is None:
        raise TransitionError("transition.custodian_unknown")
    cid = data.get("credential_id")
    if cid is not None:
        cred = state.credentials.get(cid)
        if cred is None or cred.custodian != c.id:
            raise TransitionError("transition.revoke_key_not_theirs")
        if cred.revoked:
            raise TransitionError("transition.key_revoked_twice")
    elif not data.get("whole_custodian"):
        raise TransitionError("transition.revoke_what")


def apply_revoked(state: State, entry: Entry) -> None:
    data = entry.data
    c = state.custodians[data["custodian"]]
    cid = data.get("credential_id")
    if cid:
        state.credentials[cid].revoked = True
    if data.get("whole_custodian"):
        c.revoked = True
        for i in c.credentials:
            state.credentials[i].revoked = True
        forget_revoked(state, c.id, entry.ts)
