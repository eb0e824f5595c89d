"""Dual control: collecting the custodians' approvals of one journal entry.

The core talks to security keys only through the :class:`SecurityKeys`
protocol defined here (``hardware.fido.security_keys`` implements it for USB
and simulated keys); this module never imports device code. Who may approve
what, and the check of each attestation, are :mod:`kiosk.terminal.signers`.

Invariants:

* Nothing is added to a pending entry unless every check of
  :func:`~kiosk.terminal.signers.check_attestation` passed; the journal runs
  the same check again at commit.
* A key that cannot approve (already approved, revoked, not authorised,
  unknown) is refused with its reason before any touch is asked for; when a
  named custodian's key is asked for, the refusal names whose key was found.
* A counter that did not increase is a possible cloned key: the pending entry
  is abandoned, an ``alert.raised`` entry (``key.counter_not_increased``) is
  written, and the approval must start again (:meth:`Approval.restart`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

from kiosk.errors import ApprovalError, JournalError
from kiosk.format.canonical import b64u, b64u_decode
from kiosk.format.entry import Entry
from kiosk.format.kinds import is_dual
from kiosk.terminal.signers import (
    check_attestation,
    describe_digest,
    eligibility,
    is_self_enrolment,
)

if TYPE_CHECKING:
    from kiosk.journal.pending import Pending
    from kiosk.journal.store import Journal
    from kiosk.policy import Policy

#: The role recorded on the self-signed first two enrolments.
SELF_ROLE: Final = "enrollee"
DUAL_ROLES: Final = ("custodian_a", "custodian_b")
COUNTER_ALERT: Final = "key.counter_not_increased"


# -- the device interface ----------------------------------------------------------


class SecurityKeys(Protocol):
    """What the core needs from security keys (implemented in ``hardware.fido``).

    Every method blocks until the person has acted (PIN, touch) or ``cancel``
    is set (then :class:`kiosk.errors.CancelledError`); device failures are
    :class:`kiosk.errors.SealroomError` with a ``fido.*`` code. PIN and touch
    prompts are the implementation's business (it is built with a prompt
    provider). Assertions are returned as the four base64url fields of export
    spec section 4 (``credential_id``, ``authenticator_data``,
    ``client_data_json``, ``signature``); the core adds ``role``/``custodian``.
    """

    def present(self, rp_id: str, candidates: Sequence[bytes]) -> list[bytes]:
        """Which of ``candidates`` the plugged-in keys hold (silent: no touch, no PIN)."""
        ...

    def approve(
        self,
        digest: bytes,
        allow: Sequence[bytes],
        rp_id: str,
        uv_required: bool,
        cancel: threading.Event,
    ) -> dict[str, str]:
        """An assertion over ``digest`` (the challenge) by one of ``allow``."""
        ...

    def approve_and_derive(
        self,
        digest: bytes,
        credential_id: bytes,
        rp_id: str,
        salt: bytes,
        cancel: threading.Event,
    ) -> tuple[dict[str, str], bytes]:
        """An assertion (with UV) and the credential's hmac-secret of ``salt``, one touch."""
        ...

    def enroll(
        self,
        rp_id: str,
        user_id: bytes,
        user_name: str,
        display_name: str,
        exclude: Sequence[bytes],
        cancel: threading.Event,
    ) -> dict[str, Any]:
        """A new UV + hmac-secret credential: ``data.credential`` of spec section 4."""
        ...

    def derive_secret(
        self, rp_id: str, salts: Mapping[bytes, bytes], cancel: threading.Event
    ) -> tuple[bytes, bytes]:
        """``(credential_id, secret)``: hmac-secret (UV) of the salt of whichever
        credential of ``salts`` a plugged-in key holds."""
        ...

    def unlock(
        self,
        rp_id: str,
        salts: Mapping[bytes, bytes],
        challenge: bytes,
        cancel: threading.Event,
    ) -> tuple[dict[str, str], bytes]:
        """An assertion over ``challenge`` (UV) by whichever credential of ``salts`` a
        plugged-in key holds, and its hmac-secret of that salt, in one touch: the
        assertion is the unlock's record (``terminal.unlocked``), the secret opens
        its key slot."""
        ...


# -- collecting approvals -----------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    role: str
    custodian: str
    name: str
    credential_id: str


class Approval:
    """Collect the approvals of one journal entry, one touch at a time.

    ``roles`` are the attestation roles to fill in order (two for a dual
    entry; one for a policy exception, whose ``data.exception`` must be set).
    The entry is reserved with ``journal.begin`` at construction; while it is
    open nothing else can be appended, so :meth:`abandon` it on every way out.
    ``on_commit`` runs after the entry is durable (e.g. to add a key slot).
    """

    def __init__(
        self,
        journal: Journal,
        policy: Policy | None,
        security_keys: SecurityKeys,
        kind: str,
        data: dict[str, Any],
        roles: Sequence[str] = DUAL_ROLES,
        *,
        on_commit: Callable[[Entry], None] | None = None,
    ) -> None:
        if not roles or len(set(roles)) != len(roles):
            raise ValueError("roles must be distinct and not empty")
        solo_ok = bool(data.get("exception")) or is_self_enrolment(journal.state, kind)
        if is_dual(kind) and len(roles) < 2 and not solo_ok:
            raise ApprovalError("approval.exception_required", kind=kind)
        self.journal = journal
        self.policy = policy
        self.security_keys = security_keys
        self.kind = kind
        self.data = data
        self.roles = tuple(roles)
        self.on_commit = on_commit
        self._signers: list[Signer] = []
        self._checked: list[dict[str, Any]] = []
        self.pending: Pending = journal.begin(kind, data)

    # ------------------------------------------------------------------ views
    @property
    def digest(self) -> bytes:
        return self.pending.digest

    @property
    def next_role(self) -> str | None:
        done = {s.role for s in self._signers}
        return next((r for r in self.roles if r not in done), None)

    @property
    def signers(self) -> tuple[Signer, ...]:
        """Who approved so far, for "Custodian A — Dana ✓"."""
        return tuple(self._signers)

    @property
    def complete(self) -> bool:
        return self.next_role is None

    def eligible_credentials(self, role: str, custodian: str | None = None) -> list[bytes]:
        """Active credentials of people who may still approve ``role``."""
        state = self.journal.state
        rule = eligibility(state, self.kind, self.data, role)
        signed_people = {s.custodian for s in self._signers}
        out = []
        for cred in state.credentials.values():
            if cred.revoked or cred.custodian in signed_people:
                continue
            if custodian is not None and cred.custodian != custodian:
                continue
            if rule.allows(state, cred.custodian):
                out.append(b64u_decode(cred.id))
        return out

    # ---------------------------------------------------------------- actions
    def sign(
        self,
        role: str | None = None,
        cancel: threading.Event | None = None,
        *,
        custodian: str | None = None,
    ) -> Signer:
        """One custodian's touch (+ PIN) for ``role`` (default: the next one).

        Before the touch, the plugged-in keys are identified silently so a key
        that cannot approve (already approved, revoked, not authorised,
        unknown) is refused with its reason and no touch is asked for. After
        the touch the assertion is fully checked; only then is it added.
        """
        role = role or self.next_role
        if role is None or role not in self.roles:
            raise ApprovalError("approval.no_role", role=str(role))
        if role in {s.role for s in self._signers}:
            raise ApprovalError("approval.role_done", role=role)
        cancel = cancel or threading.Event()
        state = self.journal.state
        rp_ids = sorted({c.rp_id for c in state.credentials.values()})
        allow = self.eligible_credentials(role, custodian)
        rp_id = self._rp_id(allow, rp_ids)
        known = [b64u_decode(c.id) for c in state.credentials.values() if c.rp_id == rp_id]
        present = self.security_keys.present(rp_id, known)
        usable = [c for c in present if c in allow]
        if not usable:
            if custodian is not None:
                raise self._not_theirs(custodian, present) or self._why_not(role, present)
            raise self._why_not(role, present)
        uv = state.uv_required or bool(self.policy and self.policy.uv_required)
        answer = self.security_keys.approve(self.digest, usable, rp_id, uv, cancel)
        cid = str(answer.get("credential_id"))
        cred = state.credentials.get(cid)
        who = cred.custodian if cred else ""
        return self.add({**answer, "role": role, "custodian": who})

    def add(self, attest: Mapping[str, Any]) -> Signer:
        """Check one attestation and add it to the pending entry (the UI's fallback path).

        A counter that did not increase abandons the entry and records an
        alert before the refusal is raised; call :meth:`restart` to begin again.
        """
        role = str(attest.get("role"))
        if role not in self.roles:
            raise ApprovalError("approval.no_role", role=role)
        if role in {s.role for s in self._signers}:
            raise ApprovalError("approval.role_done", role=role)
        if self.pending.closed:
            raise JournalError("journal.pending_gone")
        state = self.journal.state
        try:
            checked = check_attestation(
                state,
                self.kind,
                self.data,
                self.digest,
                attest,
                self._checked,
                describe_digest=lambda d: describe_digest(self.journal, d),
            )
        except ApprovalError as exc:
            if exc.code == "approval.counter":
                self._record_counter_alert(exc)
            raise
        name = (
            state.custodians[checked.custodian].name
            if not is_self_enrolment(state, self.kind)
            else str(self.data.get("name", checked.custodian))
        )
        self.pending.add(checked.attest)
        self._checked.append(checked.attest)
        signer = Signer(role, checked.custodian, name, checked.credential_id)
        self._signers.append(signer)
        return signer

    def commit(self) -> Entry:
        """Write the entry (every role signed); runs the commit-time check again."""
        missing = [r for r in self.roles if r not in {s.role for s in self._signers}]
        if missing:
            raise ApprovalError("approval.incomplete", missing=", ".join(missing))
        try:
            entry = self.pending.commit()
        except ApprovalError as exc:
            if exc.code == "approval.counter":
                self._record_counter_alert(exc)
            raise
        if self.on_commit is not None:
            self.on_commit(entry)
        return entry

    def abandon(self) -> None:
        """Give the entry up; its digest is never offered again."""
        self.pending.abandon()

    def restart(self) -> None:
        """Begin the same entry again (new seq/ts, so a new challenge); approvals start over."""
        if not self.pending.closed:
            self.pending.abandon()
        self._signers.clear()
        self._checked.clear()
        self.pending = self.journal.begin(self.kind, self.data)

    # --------------------------------------------------------------- helpers
    def _rp_id(self, allow: Sequence[bytes], rp_ids: Sequence[str]) -> str:
        state = self.journal.state
        for cid in allow:
            return state.credentials[b64u(cid)].rp_id
        if self.policy is not None:
            return self.policy.rp_id
        return rp_ids[0] if rp_ids else ""

    def _not_theirs(self, custodian: str, present: Sequence[bytes]) -> ApprovalError | None:
        """Whose key is plugged in when ``custodian``'s was asked for (before any touch).

        Names both people, so "the same key twice" or "another custodian's key"
        is refused at once with the real reason (issue 22). ``None`` when the
        plugged-in key is the asked custodian's own (then :meth:`_why_not` says why).
        """
        state = self.journal.state
        person = state.custodians.get(custodian)
        expected = person.name if person is not None else custodian
        if not present:
            return ApprovalError("key_turn.unknown_key", expected=expected)
        signed = {s.credential_id for s in self._signers} | {s.custodian for s in self._signers}
        for raw in present:
            cred = state.credentials[b64u(raw)]
            if cred.custodian == custodian:
                return None
            found = state.custodians[cred.custodian].name
            if cred.id in signed or cred.custodian in signed:
                return ApprovalError("key_turn.already_approved", found=found, expected=expected)
        owner = state.credentials[b64u(present[0])].custodian
        found = state.custodians[owner].name
        return ApprovalError("key_turn.someone_else", found=found, expected=expected)

    def _why_not(self, role: str, present: Sequence[bytes]) -> ApprovalError:
        """The reason none of the plugged-in keys may approve (before any touch)."""
        state = self.journal.state
        for raw in present:
            cred = state.credentials[b64u(raw)]
            owner = state.custodians[cred.custodian]
            if owner.revoked:
                return ApprovalError("approval.revoked_custodian", name=owner.name)
            if cred.revoked:
                return ApprovalError("approval.revoked_credential", name=owner.name)
            for s in self._signers:
                if s.credential_id == cred.id:
                    return ApprovalError("approval.same_key", name=owner.name)
                if s.custodian == owner.id:
                    return ApprovalError("approval.same_person", name=owner.name)
            rule = eligibility(state, self.kind, self.data, role)
            if not rule.allows(state, owner.id):
                return rule.refusal(state, owner.id)
        if present:
            return ApprovalError("approval.wrong_person")
        return ApprovalError("fido.no_credential")

    def _record_counter_alert(self, exc: ApprovalError) -> None:
        """Refuse -> abandon -> alert: the pending entry must go before anything is written."""
        if not self.pending.closed:
            self.pending.abandon()
        entry = self.journal.append(
            "alert.raised",
            {
                "alert": COUNTER_ALERT,
                "summary": (
                    f"The security key of {exc.params.get('name')} did not increase its "
                    "signature counter: it may have been cloned. The approval was refused."
                ),
                "detail": {
                    "credential_id": exc.params.get("credential"),
                    "previous": exc.params.get("previous"),
                    "current": exc.params.get("current"),
                    "kind": self.kind,
                },
            },
        )
        exc.params["alert_seq"] = entry.seq
        exc.args = (exc.user_message(),)


class DualApproval(Approval):
    """Two distinct custodians with two distinct keys (roles ``custodian_a``/``_b``)."""


class SoloApproval(Approval):
    """One custodian under a recorded policy exception (``data.exception`` required)."""

    def __init__(
        self,
        journal: Journal,
        policy: Policy | None,
        security_keys: SecurityKeys,
        kind: str,
        data: dict[str, Any],
        role: str = "custodian",
        *,
        on_commit: Callable[[Entry], None] | None = None,
    ) -> None:
        super().__init__(journal, policy, security_keys, kind, data, (role,), on_commit=on_commit)
