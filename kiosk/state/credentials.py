"""The credential is the unit: one live password per account, in as many sealed copies as asked.

Why: every sealing generates a new password and has it set on the account,
so an envelope sealed before it holds a password that no longer works. If
such an envelope stayed "sealed" it would be offered at retrieval and as the
tamper alternative in the middle of an emergency. So the journal's state
knows which sealing holds the account's *live* credential and refuses every
other copy.

Rules (checked before an entry is written; each has a test in
``tests/kiosk/test_state_credentials.py``):

* a sealing is approved first, by two custodians with their keys
  (``credential.approved``: the account, a new credential id, the bags its
  copies go into); each ``sheet.printed`` names that approval and one of its
  bags, and an ``envelope.registered`` names the same credential;
* the first ``envelope.registered`` of a new credential makes it the
  account's live one: every envelope of the account still sealed in the
  safe with another credential becomes ``superseded`` at that entry (an
  envelope out of the safe at that moment becomes superseded when it comes
  back); no new sealing while an envelope of the account is out of the
  safe; a superseded envelope can never be checked out (its own message)
  and is destroyed under dual control;
* a tampered envelope makes rotation due at once (its password may be
  known), as an opening does; ``verification.failed`` makes it due again;
* while rotation is due after an incident, the new sealing
  (``credential.approved``, ``envelope.registered``) and
  ``credential.rotated`` need a signer who holds the ``security`` duty and
  was not one of the incident's people: those who used the old password
  never seal the new one alone;
* ``credential.rotated`` needs every opened and quarantined envelope of the
  account destroyed;
* an account is updated or retired under dual control; a retired account
  takes nothing new, and its sealed envelopes are superseded; a custodian
  revoked as a whole leaves every authorised list (the account remembers
  whom it lost, for the inventory).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.errors import TransitionError
from kiosk.format.entry import Entry

if TYPE_CHECKING:
    from kiosk.state.envelopes import Envelope
    from kiosk.state.projection import State


@dataclass
class Sealing:
    """A ``credential.approved`` entry: one new password for ``serials``' copies."""

    seq: int
    account: str
    credential: str
    serials: tuple[str, ...]
    purpose: str
    incident: str | None = None


#: states whose envelopes held a credential and must be destroyed once it is dead
TO_DESTROY = ("opened", "quarantined", "superseded")


def signers_of(entry: Entry) -> set[str]:
    return {str(a.get("custodian")) for a in entry.attest}


# ------------------------------------------------------------------ sealing
def check_approved(state: State, entry: Entry) -> None:
    data = entry.data
    account = state.accounts.get(data["account"])
    if account is None:
        raise TransitionError("transition.account_unknown", account=data["account"])
    if account.retired:
        raise TransitionError("credential.account_retired", account=account.id)
    out = [e.serial for e in state.envelopes_for(account.id, "checked_out")]
    if out:
        # Its password would be replaced while it is in someone's hands: it would be
        # opened dead (the verifier's credential.superseded_opened).
        raise TransitionError("credential.envelope_out", account=account.id, serial=out[0])
    if data["credential"] in state.sealings:
        raise TransitionError("credential.id_used", credential=data["credential"])
    serials = list(data["serials"])
    if len(set(serials)) != len(serials):
        raise TransitionError("envelope.serial_twice")
    for serial in serials:
        if state.envelope_state(serial) != "blank_stock":
            raise TransitionError("credential.bag_not_blank", serial=serial)
    check_separation(state, entry)


def apply_approved(state: State, entry: Entry) -> None:
    data = entry.data
    state.sealings[data["credential"]] = Sealing(
        entry.seq,
        data["account"],
        data["credential"],
        tuple(data["serials"]),
        data["purpose"],
        data.get("incident"),
    )


def check_printed(state: State, entry: Entry) -> None:
    """A sheet prints only under an approval of its account that names its bag."""
    data = entry.data
    sealing = state.sealings.get(str(data.get("credential")))
    if (
        sealing is None
        or sealing.account != data["account"]
        or data["serial"] not in sealing.serials
        or data.get("approved_seq", sealing.seq) != sealing.seq
    ):
        raise TransitionError(
            "credential.sheet_not_approved", account=data["account"], serial=data["serial"]
        )


def credential_of(state: State, entry: Entry) -> str:
    """The credential a registered envelope holds.

    Named by the entry; else the resealed envelope's (the verification after
    a reset reseals the same sheet); else the sheet's own entry; else the
    envelope is a credential of its own (a journal written before sealings
    were recorded: every sealing was a new password).
    """
    data = entry.data
    if data.get("credential"):
        return str(data["credential"])
    resealed = state.envelopes.get(str(data.get("resealed_from")))
    if resealed is not None and resealed.credential:
        return resealed.credential
    if data.get("sheet"):
        return f"sheet:{data['sheet']}"
    return f"envelope:{data['serial']}"


def check_registered_credential(state: State, entry: Entry) -> None:
    account = state.accounts.get(entry.data["account"])
    if account is not None and account.retired:
        raise TransitionError("credential.account_retired", account=account.id)
    named = entry.data.get("credential")
    if named is not None:
        sealing = state.sealings.get(str(named))
        if sealing is None or sealing.account != entry.data["account"]:
            raise TransitionError(
                "credential.sheet_not_approved",
                account=entry.data["account"],
                serial=entry.data["serial"],
            )
    if entry.data.get("resealed_from") is None:
        check_separation(state, entry)


def apply_registered_credential(state: State, env: Envelope, entry: Entry) -> None:
    """``env`` holds its credential; a new one supersedes every other sealed copy."""
    env.credential = credential_of(state, entry)
    account = state.accounts.get(str(env.account))
    if account is None or account.live_credential == env.credential:
        return
    account.live_credential = env.credential
    for other in state.envelopes.values():
        if other is env or other.account != account.id or other.state != "sealed":
            continue
        supersede(other, entry, env.credential)


def supersede(env: Envelope, entry: Entry, by: str | None) -> None:
    env.state = "superseded"
    env.superseded_at = entry.ts
    env.superseded_by = by
    env.history.append((entry.seq, entry.ts, "envelope.superseded"))


def apply_returned_credential(state: State, env: Envelope, entry: Entry) -> None:
    """An envelope back in the safe whose credential is no longer live is superseded."""
    account = state.accounts.get(str(env.account))
    if account is None:
        return
    if account.retired or (env.credential and env.credential != account.live_credential):
        supersede(env, entry, account.live_credential)


def check_not_superseded(state: State, entry: Entry) -> None:
    env = state.envelopes.get(entry.data["serial"])
    if env is not None and env.state == "superseded":
        raise TransitionError(
            "envelope.superseded",
            serial=env.serial,
            account=env.account,
            since=env.superseded_at,
        )


# ----------------------------------------------------------- rotation due
def make_due(state: State, account_id: str | None, entry: Entry, reason: str) -> None:
    """Rotation is due from ``entry`` for ``reason`` (both kept if it was already due)."""
    account = state.accounts.get(str(account_id))
    if account is None:
        return
    if account.rotation_due_since is None:
        account.rotation_due_since = entry.ts
        account.rotation_reason = reason  # the first reason stays: "tampered" says most
    incident = entry.data.get("incident")
    if isinstance(incident, str):
        account.rotation_incident = incident


def check_separation(state: State, entry: Entry) -> None:
    """During a reset after an incident, one signer is security staff from outside it."""
    account = state.accounts.get(str(entry.data.get("account")))
    if account is None or account.rotation_due_since is None:
        return
    if account.rotation_incident is None:
        return
    inc = state.incidents.get(account.rotation_incident)
    if inc is None:
        return  # never declared (hand-built journals): no incident's people to keep apart
    people = set(inc.people)
    for who in signers_of(entry):
        c = state.custodians.get(who)
        if c is not None and "security" in c.duties and who not in people:
            return
    raise TransitionError(
        "credential.separation", account=account.id, incident=account.rotation_incident
    )


def check_rotated_cleanup(state: State, entry: Entry) -> None:
    """Every opened or quarantined envelope of the account is destroyed before the reset ends."""
    account = entry.data["account"]
    for env in state.envelopes.values():
        if env.account != account:
            continue
        if env.state == "quarantined" or (
            env.state == "opened" and not env.opened_for_verification
        ):
            raise TransitionError("transition.old_envelope_not_destroyed", serial=env.serial)
    check_separation(state, entry)


def check_verification_failed(state: State, entry: Entry) -> None:
    if entry.data["account"] not in state.accounts:
        raise TransitionError("transition.account_unknown", account=entry.data["account"])


def apply_verification_failed(state: State, entry: Entry) -> None:
    """A failed test login: the reset credential does not work, rotation is due again."""
    account = state.accounts[entry.data["account"]]
    account.verification_failed_at = entry.ts
    account.rotation_due_since = None
    make_due(state, account.id, entry, "verification-failed")


def apply_verification_completed(state: State, entry: Entry) -> None:
    account = state.accounts.get(str(entry.data.get("account")))
    if account is not None and entry.data.get("test_login_ok"):
        account.last_verified = entry.ts


# ----------------------------------------------------------------- accounts
def check_account_updated(state: State, entry: Entry) -> None:
    data = entry.data
    account = state.accounts.get(data["account"])
    if account is None:
        raise TransitionError("transition.account_unknown", account=data["account"])
    if account.retired:
        raise TransitionError("credential.account_retired", account=account.id)
    authorised = data.get("authorised")
    if authorised is not None:
        for person in authorised:
            c = state.custodians.get(person)
            if c is None or c.revoked:
                raise TransitionError("transition.authorised_not_custodian", person=person)
        if len(set(authorised)) < 2:
            raise TransitionError("transition.account_dual_control")


def apply_account_updated(state: State, entry: Entry) -> None:
    data = entry.data
    account = state.accounts[data["account"]]
    for name in ("system", "storage_location", "privilege"):
        if name in data:
            setattr(account, name, data[name])
    if "authorised" in data:
        account.authorised = list(data["authorised"])
    account.updated.append(entry.ts)


def check_account_retired(state: State, entry: Entry) -> None:
    account = state.accounts.get(entry.data["account"])
    if account is None:
        raise TransitionError("transition.account_unknown", account=entry.data["account"])
    if account.retired:
        raise TransitionError("credential.account_retired", account=account.id)


def apply_account_retired(state: State, entry: Entry) -> None:
    account = state.accounts[entry.data["account"]]
    account.retired = True
    account.live_credential = None
    for env in state.envelopes.values():
        if env.account == account.id and env.state == "sealed":
            supersede(env, entry, None)


def forget_revoked(state: State, custodian: str, ts: str) -> None:
    """A custodian revoked as a whole leaves every authorised list (the account notes it)."""
    for account in state.accounts.values():
        if custodian in account.authorised:
            account.authorised = [p for p in account.authorised if p != custodian]
            account.removed.append((custodian, ts))
