"""What an auditor must see about credentials that could go stale (issue 18), from the entries.

The terminal's state refuses most of these (a superseded envelope at
check-out, a reset signed only by the incident's people); an auditor checks
any terminal's journal, so the verifier derives them from the entries alone
and reports each as a finding (``level`` "review"), never an error (spec
section 7). They appear in ``sealroom verify`` and in the bundle's
report.pdf, which lists the verifier's findings.

=========================================  ====================================================
code                                       finding
=========================================  ====================================================
``credential.superseded_opened``           an envelope was checked out or opened after a newer
                                           credential of its account superseded it
``credential.tampered_not_rotated``        a tampered envelope with no ``credential.rotated``
                                           of its account after it
``credential.rotation_by_incident_people`` a ``credential.rotated`` after an incident signed
                                           by no custodian with the ``security`` duty from
                                           outside that incident's people
``credential.verification_failed``         a ``verification.failed`` with no rotation after it
``credential.superseded_not_destroyed``    an envelope superseded and never destroyed
=========================================  ====================================================

The superseding rule is the terminal's (:mod:`kiosk.state.credentials`): the
first ``envelope.registered`` of a new credential supersedes every envelope of
its account still sealed; an envelope out of the safe then is superseded when
it is returned. Invariant: a walk holds its own :class:`CredentialAudit` (no
module state); :meth:`CredentialAudit.observe` is called once per entry that
passed the checks, in seq order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: (code, message, seq, level)
Found = tuple[str, str, int | None, str]


@dataclass
class _Env:
    account: str
    credential: str
    state: str = "sealed"
    superseded_seq: int | None = None


@dataclass
class CredentialAudit:
    """Folds entries; :meth:`findings` says what a reviewer must look at."""

    envelopes: dict[str, _Env] = field(default_factory=dict)
    live: dict[str, str] = field(default_factory=dict)
    duties: dict[str, set[str]] = field(default_factory=dict)
    people: dict[str, set[str]] = field(default_factory=dict)
    #: account -> the incident of its last opening, tamper or failed verification
    due_incident: dict[str, str] = field(default_factory=dict)
    tampered: list[tuple[int, str, str]] = field(default_factory=list)  # seq, account, serial
    failed: list[tuple[int, str]] = field(default_factory=list)  # seq, account
    rotations: dict[str, list[int]] = field(default_factory=dict)
    found: list[Found] = field(default_factory=list)

    def observe(
        self, seq: int, kind: str, data: dict[str, Any], signers: Sequence[str] = ()
    ) -> None:
        handler = getattr(self, "_" + kind.replace(".", "_"), None)
        if handler is not None:
            handler(seq, data, list(signers))

    # -- people -----------------------------------------------------------------
    def _custodian_enrolled(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        duties = d.get("duties")
        if isinstance(d.get("custodian"), str) and isinstance(duties, list):
            self.duties.setdefault(d["custodian"], set()).update(map(str, duties))

    def _invocation_declared(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        record = d.get("record")
        incident = d.get("incident")
        if not isinstance(record, dict) or not isinstance(incident, str):
            return
        who = self.people.setdefault(incident, set())
        for key in ("declared_by", "second_person"):
            person = record.get(key)
            if isinstance(person, dict) and isinstance(person.get("custodian"), str):
                who.add(person["custodian"])

    # -- envelopes --------------------------------------------------------------
    def _envelope_registered(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        serial, account = d.get("serial"), d.get("account")
        if not isinstance(serial, str) or not isinstance(account, str):
            return
        resealed = self.envelopes.get(str(d.get("resealed_from")))
        if isinstance(d.get("credential"), str):
            credential = d["credential"]
        elif resealed is not None:
            credential = resealed.credential
        elif isinstance(d.get("sheet"), str):
            credential = "sheet:" + d["sheet"]
        else:
            credential = "envelope:" + serial
        env = self.envelopes[serial] = _Env(account, credential)
        if self.live.get(account) == credential:
            return
        self.live[account] = credential
        for other in self.envelopes.values():
            if other is not env and other.account == account and other.state == "sealed":
                other.state, other.superseded_seq = "superseded", seq

    def _account_retired(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        account = d.get("account")
        self.live.pop(str(account), None)
        for env in self.envelopes.values():
            if env.account == account and env.state == "sealed":
                env.state, env.superseded_seq = "superseded", seq

    def _envelope_checked_out(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        self._use(seq, d, "checked out")

    def _envelope_opened(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        self._use(seq, d, "opened")
        env = self.envelopes.get(str(d.get("serial")))
        if env is None:
            return
        env.state = "opened"
        if d.get("purpose") != "verification" and isinstance(d.get("incident"), str):
            self.due_incident[env.account] = d["incident"]

    def _use(self, seq: int, d: dict[str, Any], what: str) -> None:
        env = self.envelopes.get(str(d.get("serial")))
        if env is None or env.state != "superseded":
            return
        self.found.append(
            (
                "credential.superseded_opened",
                f"entry {seq}: envelope {d.get('serial')} ({env.account}) was {what} although "
                f"a newer credential had superseded it at entry {env.superseded_seq}: its "
                "password no longer worked",
                seq,
                "review",
            )
        )

    def _envelope_returned(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        env = self.envelopes.get(str(d.get("serial")))
        if env is None or env.state == "superseded":
            return
        if self.live.get(env.account) != env.credential:
            env.state, env.superseded_seq = "superseded", seq
        else:
            env.state = "sealed"

    def _envelope_inspected(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        env = self.envelopes.get(str(d.get("serial")))
        if env is None or d.get("result") != "tampered":
            return
        env.state = "quarantined"
        self.tampered.append((seq, env.account, str(d.get("serial"))))
        if isinstance(d.get("incident"), str):
            self.due_incident[env.account] = d["incident"]

    def _envelope_destroyed(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        env = self.envelopes.get(str(d.get("serial")))
        if env is not None:
            env.state = "destroyed"

    # -- rotation and verification ----------------------------------------------
    def _verification_failed(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        account = d.get("account")
        if isinstance(account, str):
            self.failed.append((seq, account))
            if isinstance(d.get("incident"), str):
                self.due_incident[account] = d["incident"]

    def _credential_rotated(self, seq: int, d: dict[str, Any], s: list[str]) -> None:
        account = d.get("account")
        if not isinstance(account, str):
            return
        self.rotations.setdefault(account, []).append(seq)
        incident = d.get("incident") or self.due_incident.get(account)
        self.due_incident.pop(account, None)
        if not isinstance(incident, str) or incident not in self.people:
            return
        people = self.people[incident]
        if any("security" in self.duties.get(w, set()) and w not in people for w in s):
            return
        self.found.append(
            (
                "credential.rotation_by_incident_people",
                f"entry {seq}: the credential of {account} was rotated after incident "
                f"{incident} with no signer from security staff outside that incident "
                f"(signed by {', '.join(sorted(s)) or 'nobody'})",
                seq,
                "review",
            )
        )

    # -- the walk's end ---------------------------------------------------------
    def findings(self) -> list[Found]:
        """Everything found while folding, then what the journal's end leaves open."""
        out = list(self.found)

        def rotated_after(account: str, seq: int) -> bool:
            return any(r > seq for r in self.rotations.get(account, []))

        for seq, account, serial in self.tampered:
            if not rotated_after(account, seq):
                out.append(
                    (
                        "credential.tampered_not_rotated",
                        f"entry {seq}: envelope {serial} ({account}) was found tampered and "
                        f"the credential of {account} was not rotated after it",
                        seq,
                        "review",
                    )
                )
        for seq, account in self.failed:
            if not rotated_after(account, seq):
                out.append(
                    (
                        "credential.verification_failed",
                        f"entry {seq}: the verification of {account}'s reset credential "
                        "failed and no rotation followed",
                        seq,
                        "review",
                    )
                )
        for serial, env in sorted(self.envelopes.items()):
            if env.state == "superseded":
                out.append(
                    (
                        "credential.superseded_not_destroyed",
                        f"envelope {serial} ({env.account}) was superseded at entry "
                        f"{env.superseded_seq} and never destroyed",
                        env.superseded_seq,
                        "review",
                    )
                )
        return out
