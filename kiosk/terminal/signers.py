"""Who may approve a journal entry, and whether their key really did.

The rules here judge one attestation against the journal's state; collecting
the custodians' touches is :mod:`kiosk.terminal.approvals`.

Invariants:

* Every attestation is checked twice with the same function,
  :func:`check_attestation`: when a custodian's key answers (so the person is
  told at once why it is refused, before the second custodian touches their
  key), and again at commit by :func:`journal_check`, which whoever opens
  the journal hands it (``approval_check``), so nothing reaches the journal
  unverified.
* An attestation is accepted only if: its credential is enrolled for the
  custodian it names (or, for the first two enrolments, is the credential
  being enrolled), neither the credential nor the custodian is revoked, the
  WebAuthn assertion verifies (:func:`kiosk.rules.webauthn.verify_assertion`, rp id
  recorded at enrolment, UV when the policy *in force in the journal*
  requires it), the custodian is eligible for the entry
  (:data:`ELIGIBILITY`), neither the person nor the key already approved the
  entry, and the key's signature counter increased.
* A challenge is used once: the journal offers each digest once
  (``Journal.begin``); an assertion for an abandoned or earlier entry fails
  the challenge check and is reported as ``approval.replayed``.
* Refusals carry their own ``approval.*`` / ``webauthn.*`` code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.errors import ApprovalError
from kiosk.format.canonical import b64u, b64u_decode
from kiosk.format.entry import Entry
from kiosk.rules.unlock import check_unlock_assertion
from kiosk.rules.webauthn import counter_increased, parse_attest
from kiosk.rules.webauthn import verify_assertion as _verify_assertion
from kiosk.state import State

if TYPE_CHECKING:
    from kiosk.journal.store import Journal


@dataclass(frozen=True)
class Eligibility:
    """Who may approve an entry: ``people`` (None = any active custodian with ``duty``)."""

    duty: str | None = "custodian"
    people: frozenset[str] | None = None
    account: str | None = None

    def allows(self, state: State, custodian: str) -> bool:
        c = state.custodians.get(custodian)
        if c is None or c.revoked:
            return False
        if self.people is not None:
            return custodian in self.people
        return self.duty is None or self.duty in c.duties

    def refusal(self, state: State, custodian: str) -> ApprovalError:
        c = state.custodians.get(custodian)
        name = c.name if c else custodian
        if self.people is not None:
            return ApprovalError("approval.not_authorised", name=name, account=self.account)
        return ApprovalError("approval.no_duty", name=name, duty=self.duty)


Rule = Callable[[State, str, Mapping[str, Any], str], Eligibility]


def _account_rule(state: State, account: str | None) -> Eligibility:
    if account is not None and account in state.accounts:
        return Eligibility(people=frozenset(state.accounts[account].authorised), account=account)
    return Eligibility(duty="custodian")


def _envelope_rule(state: State, kind: str, data: Mapping[str, Any], role: str) -> Eligibility:
    account = data.get("account")
    if account is None:
        env = state.envelopes.get(str(data.get("serial")))
        account = env.account if env else None
    return _account_rule(state, account)


def _data_account_rule(state: State, kind: str, data: Mapping[str, Any], role: str) -> Eligibility:
    return _account_rule(state, data.get("account"))


def _session_rule(state: State, kind: str, data: Mapping[str, Any], role: str) -> Eligibility:
    incident = state.incidents.get(str(data.get("incident")))
    return _account_rule(state, incident.account if incident is not None else None)


def _custodian_rule(state: State, kind: str, data: Mapping[str, Any], role: str) -> Eligibility:
    return Eligibility(duty="custodian")


def _export_rule(state: State, kind: str, data: Mapping[str, Any], role: str) -> Eligibility:
    """An export moves audit data: an enrolled auditor and a custodian approve it."""
    return Eligibility(duty="auditor" if role == "auditor" else "custodian")


def _ack_rule(state: State, kind: str, data: Mapping[str, Any], role: str) -> Eligibility:
    """An envelope opening's alert is acknowledged by security (issue 19); others by a
    custodian. Who exactly (not one of the incident's people) is the state's rule
    (:func:`kiosk.state.sessions.check_acknowledged`)."""
    alert = state.alerts.get(data.get("alert_seq"))  # type: ignore[arg-type]
    if alert is not None and alert.alert == "envelope.opened":
        return Eligibility(duty="security")
    return Eligibility(duty="custodian")


def _review_rule(state: State, kind: str, data: Mapping[str, Any], role: str) -> Eligibility:
    """A review is signed by security (role ``security``) and by the invokers."""
    if role == "security":
        return Eligibility(duty="security")
    return Eligibility(duty="custodian")


#: kind -> rule; kinds not listed need a custodian-duty approver.
ELIGIBILITY: dict[str, Rule] = {
    "export.approved": _export_rule,
    "envelope.registered": _envelope_rule,
    "envelope.checked_out": _envelope_rule,
    "envelope.opened": _envelope_rule,
    "envelope.returned": _envelope_rule,
    "envelope.destroyed": _envelope_rule,
    "envelope.inspected": _envelope_rule,
    "credential.rotated": _data_account_rule,
    "session.signed": _session_rule,
    "policy.changed": _custodian_rule,
    "clock.confirmed": _custodian_rule,
    "custodian.enrolled": _custodian_rule,
    "custodian.revoked": _custodian_rule,
    "backup.medium_registered": _custodian_rule,
    "terminal.restored": _custodian_rule,
    "terminal.moved": _custodian_rule,
    "terminal.retired": _custodian_rule,
    "account.registered": _custodian_rule,
    "alert.acknowledged": _ack_rule,
    "review.completed": _review_rule,
}


def eligibility(state: State, kind: str, data: Mapping[str, Any], role: str) -> Eligibility:
    """Who may approve ``kind``/``data`` in ``role`` given the journal ``state``."""
    rule = ELIGIBILITY.get(kind, _custodian_rule)
    return rule(state, kind, data, role)


# -- checking one attestation -----------------------------------------------------------


def is_self_enrolment(state: State, kind: str) -> bool:
    """The first two ``custodian.enrolled`` entries right after genesis sign themselves."""
    if kind != "custodian.enrolled":
        return False
    enrolled = state.kinds_seen.get("custodian.enrolled", 0)
    return enrolled < 2 and state.seq == 1 + enrolled


@dataclass(frozen=True)
class Checked:
    """An attestation that passed every check, and what it told us."""

    attest: dict[str, Any]
    custodian: str
    credential_id: str
    counter: int


DigestLookup = Callable[[bytes], str | None]


def check_attestation(
    state: State,
    kind: str,
    data: Mapping[str, Any],
    digest: bytes,
    attest: Mapping[str, Any],
    others: Sequence[Mapping[str, Any]] = (),
    *,
    describe_digest: DigestLookup | None = None,
) -> Checked:
    """Check one attestation for an entry about to follow ``state``.

    ``others`` are the attestations already on the entry (not re-checked
    here). ``describe_digest`` names the step a foreign challenge belongs to
    (for the "approval was for another step" message). Raises
    :class:`ApprovalError` with the first rule that fails.
    """
    parsed = parse_attest(attest, require_identity=True)
    cid = b64u(parsed.credential_id)
    who = str(parsed.custodian)
    self_enrol = is_self_enrolment(state, kind)
    if self_enrol:
        cred_data = data.get("credential", {})
        if cid != cred_data.get("id") or who != data.get("custodian"):
            raise ApprovalError("approval.self_enrolment")
        public_key, alg, rp_id = cred_data["public_key"], cred_data["alg"], cred_data["rp_id"]
        previous: int | None = None
    else:
        cred = state.credentials.get(cid)
        if cred is None:
            raise ApprovalError("approval.unknown_credential")
        public_key, alg, rp_id, previous = cred.public_key, cred.alg, cred.rp_id, cred.counter
    try:
        public_der = b64u_decode(public_key)
    except (ValueError, TypeError):
        raise ApprovalError("webauthn.key") from None
    try:
        counter = _verify_assertion(attest, digest, public_der, alg, rp_id, state.uv_required)
    except ApprovalError as exc:
        if exc.code == "webauthn.challenge":
            raise _foreign_challenge(parsed.client_data_json, describe_digest) from None
        raise
    if not self_enrol:
        cred = state.credentials[cid]
        owner = state.custodians[cred.custodian]
        if owner.revoked:
            raise ApprovalError("approval.revoked_custodian", name=owner.name)
        if cred.revoked:
            raise ApprovalError("approval.revoked_credential", name=owner.name)
        if cred.custodian != who:
            raise ApprovalError("approval.wrong_custodian", name=owner.name)
        for other in others:
            if other.get("credential_id") == cid:
                raise ApprovalError("approval.same_key", name=owner.name)
            if other.get("custodian") == who:
                raise ApprovalError("approval.same_person", name=owner.name)
        rule = eligibility(state, kind, data, str(parsed.role))
        if not rule.allows(state, who):
            raise rule.refusal(state, who)
    if not counter_increased(previous, counter):
        raise ApprovalError(
            "approval.counter",
            name=state.custodians[who].name if who in state.custodians else who,
            previous=previous,
            current=counter,
            credential=cid,
        )
    return Checked(dict(attest), who, cid, counter)


def _foreign_challenge(client_data_json: bytes, describe: DigestLookup | None) -> ApprovalError:
    """The key signed another digest: say which step, if the journal knows it."""
    step = None
    try:
        challenge = json.loads(client_data_json).get("challenge")
        signed = b64u_decode(str(challenge))
        if describe is not None and len(signed) == 32:
            step = describe(signed)
    except (ValueError, TypeError, AttributeError):
        step = None
    if step is None:
        return ApprovalError("webauthn.challenge")
    return ApprovalError("approval.replayed", step=step)


def check_entry(entry: Entry, state: State, *, describe_digest: DigestLookup | None = None) -> None:
    """Every attestation of a complete entry, in order (the commit-time check)."""
    seen: list[Mapping[str, Any]] = []
    for a in entry.attest:
        check_attestation(
            state, entry.kind, entry.data, entry.digest, a, seen, describe_digest=describe_digest
        )
        seen.append(a)


def journal_check(journal: Journal, entry: Entry, state: State) -> None:
    """The journal's approval check: :func:`check_entry`, naming what a replayed assertion signed.

    Passed to ``Journal.create`` and ``Journal.open`` as ``approval_check``:
    the journal runs it on every attested entry at commit, and on a key
    unlock's own assertion (:func:`check_unlock`).
    """
    check_entry(entry, state, describe_digest=lambda d: describe_digest(journal, d))
    if entry.kind == "terminal.unlocked" and entry.data.get("method") == "key":
        check_unlock(entry, state)


def check_unlock(entry: Entry, state: State) -> int:
    """A key unlock's assertion, with the credential enrolled for its custodian; its counter.

    The signature, rp id, flags and challenge (:func:`kiosk.rules.unlock.check_unlock_assertion`);
    whether the counter increased is the counter witness's
    (:mod:`kiosk.terminal.witness`), which records an alert rather than
    losing the record of who unlocked.
    """
    cred = state.credentials.get(str(entry.data.get("credential_id")))
    if cred is None or cred.custodian != entry.data.get("custodian"):
        raise ApprovalError("approval.unknown_credential")
    try:
        public_der = b64u_decode(cred.public_key)
    except (ValueError, TypeError):
        raise ApprovalError("webauthn.key") from None
    return check_unlock_assertion(entry.data, state.journal_id, public_der, cred.alg, cred.rp_id)


def describe_digest(journal: Journal, digest: bytes) -> str | None:
    """Words for a digest this journal produced: an earlier entry, or an abandoned step."""
    for e in journal.entries():
        if e.digest == digest:
            return f"entry {e.seq} ({e.kind})"
    if journal.was_offered(digest):
        return "a step that was cancelled"
    return None
