"""The per-entry checks of spec sections 4-5, for the terminal and the auditors alike.

:class:`EntryChecker` judges each entry of a chain, in seq order, against
what the journal said before it: the genesis (``kiosk_id``, ``kiosk_key``,
``uv_required``), the credentials enrolled and not revoked, the signature
counters, the ``uv_required`` policy in force, the exceptions declared with
each incident. It is the ``on_entry`` callback of
:func:`kiosk.format.entry.check_chain` in the auditors' verifier
(:mod:`kiosk.verify.bundle`), and the first check of the terminal's own walk
at every unlock and in "Check the whole chain" (:mod:`kiosk.journal.walk`):
the terminal accepts nothing the auditors would refuse, from the same code.

A string it returns is the entry's error; everything a reviewer should see
is a finding (into any :class:`~kiosk.rules.findings.FindingSink`).

Invariants:

* Every attestation is checked once, in this process, by
  :func:`kiosk.rules.webauthn.verify_assertion` (the terminal's own check) with
  the credential enrolled for that custodian, unless ``check_signatures`` is
  off (the export writer: every assertion was verified when its entry was
  appended and at every unlock); who signed, revocation, counters, dual
  control and exceptions are judged either way.
* :meth:`EntryChecker.check` changes nothing; :meth:`EntryChecker.apply` folds
  an entry that passed (its counters, credentials, declared exceptions,
  findings). So an entry refused later in the terminal's walk (payload,
  state) is *quarantined*: it leaves no trace in the checker.
* A checker holds the state of one walk only: a new walk needs a new
  checker (no module-level state).
* Errors are exactly the spec's (an invalid attestation; a dual entry
  without two distinct custodians and credentials that no exception covers,
  Amendment 1; a first entry that is not a usable genesis; an anchor that
  does not match). With ``strict`` (the terminal) the project's own rules are
  errors too: a kind this project puts under dual control short of two
  custodians, and a ``terminal.unlocked`` whose key assertion does not
  verify; for an auditor they are findings.

Project extensions that only make the checks stricter, never looser:
``custodian.revoked`` with ``data.whole_custodian`` revokes all of that
custodian's credentials, and ``custodian.enrolled`` with ``data.replaces``
revokes the replaced credential (both documented in kiosk/journal/README.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.errors import ApprovalError
from kiosk.format.canonical import b64u_decode
from kiosk.format.entry import Entry
from kiosk.format.kinds import KINDS
from kiosk.rules.credential_findings import CredentialAudit
from kiosk.rules.deadlines import Facts, check_deadlines
from kiosk.rules.exceptions import claims_exception, exception_refusal, words
from kiosk.rules.findings import FindingSink
from kiosk.rules.incident_findings import IncidentFacts, incident_findings
from kiosk.rules.kiosk_key import read_kiosk_key
from kiosk.rules.unlock import as_attestation, check_unlock_assertion
from kiosk.rules.webauthn import counter_increased, verify_assertion

#: Spec section 5: kinds that need two distinct custodians (or an exception).
DUAL_KINDS = frozenset(
    {
        "policy.changed",
        "custodian.enrolled",
        "custodian.revoked",
        "account.registered",
        "envelope.registered",
        "envelope.opened",
        "envelope.returned",
        "envelope.destroyed",
        "credential.rotated",
        "session.signed",
    }
)
#: Kinds this project also puts under dual control; a shortfall there is a finding
#: for an auditor and an error for the terminal (``strict``).
PROJECT_DUAL_KINDS = frozenset(k for k, spec in KINDS.items() if spec.dual) - DUAL_KINDS

_WEBAUTHN_REASONS = {
    "webauthn.malformed": "is malformed ({field})",
    "webauthn.type": "has clientDataJSON whose type is not webauthn.get",
    "webauthn.challenge": "has a challenge that is not this entry's digest",
    "webauthn.rp_mismatch": "has an rpIdHash that is not SHA-256 of the enrolled rp_id",
    "webauthn.no_up": "does not have User Present set",
    "webauthn.no_uv": "does not have User Verified set although the policy requires it",
    "webauthn.signature": "has a signature that does not verify with the enrolled key",
    "webauthn.alg": "uses an unsupported algorithm ({alg})",
    "webauthn.key": "names an enrolled public key that cannot be read",
}


def _reason(exc: ApprovalError) -> str:
    return _WEBAUTHN_REASONS.get(exc.code, "is not valid").format_map(
        {"field": exc.params.get("field", "?"), "alg": exc.params.get("alg", "?")}
    )


@dataclass
class _Cred:
    """An enrolled credential: whose it is, its key, and the entry that revoked it (if any)."""

    custodian: str
    key_der: bytes
    alg: int
    rp_id: str
    revoked_at: int | None = None


@dataclass
class _Judgement:
    """What :meth:`EntryChecker.check` found about one entry, kept until it is applied."""

    seq: int
    counters: list[tuple[str, int]] = field(default_factory=list)
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # code, message, level


def _read_credential(data: Mapping[str, Any]) -> tuple[str, _Cred] | str:
    """``(id, credential)`` from a ``custodian.enrolled`` payload, or what is wrong."""
    custodian, cred = data.get("custodian"), data.get("credential")
    if not isinstance(custodian, str) or not custodian:
        return "has no data.custodian"
    if not isinstance(cred, dict):
        return "has no data.credential object"
    cid, pub = cred.get("id"), cred.get("public_key")
    alg, rp_id = cred.get("alg"), cred.get("rp_id")
    if not isinstance(cid, str) or not cid:
        return "has a credential without an id"
    if not isinstance(pub, str) or not isinstance(rp_id, str) or type(alg) is not int:
        return "has a credential without public_key, alg or rp_id"
    try:
        der = b64u_decode(pub)
    except ValueError:
        return "has a credential public_key that is not base64url"
    return cid, _Cred(custodian, der, alg, rp_id)


def _counter(attest: Mapping[str, Any]) -> int:
    """The signature counter (bytes 33..36 of authenticator data), without verifying."""
    try:
        raw = b64u_decode(str(attest.get("authenticator_data")))
    except ValueError:
        raise ApprovalError("webauthn.malformed", field="authenticator_data") from None
    if len(raw) < 37:
        raise ApprovalError("webauthn.malformed", field="authenticator_data")
    return int.from_bytes(raw[33:37], "big")


class EntryChecker:
    """Judges each entry as the chain walk hands it over (spec sections 4-5).

    Findings go into ``result``; an error is returned. ``anchors`` are
    ``(seq, hash)`` pairs the journal must match. After the walk, ``genesis``
    holds entry 1's data, ``first_hash`` its hash and ``facts`` what the
    deadline rules need; :meth:`finish` adds the findings that need the whole
    journal. Called as a function, it checks and applies in one step (the
    verifier's walk); the terminal's walk calls :meth:`check`, then
    :meth:`apply` only once every other check of the entry passed.
    """

    def __init__(
        self,
        result: FindingSink,
        anchors: Sequence[tuple[int, str]] = (),
        check_signatures: bool = True,
        *,
        strict: bool = False,
    ) -> None:
        self.result = result
        self.check_signatures = check_signatures
        self.strict = strict
        self.creds: dict[tuple[str, str], _Cred] = {}
        self.by_custodian: dict[str, list[tuple[str, str]]] = {}
        self.counters: dict[str, int] = {}
        self.uv_required = True
        self.genesis: dict[str, Any] | None = None
        self.enrolments = 0
        self.bootstrap_open = True  # nothing but genesis and enrolments so far
        self.facts = Facts()
        self.credential_audit = CredentialAudit()
        #: issue 19's findings (openings, sessions, approvers, times, reviews)
        self.incident_facts = IncidentFacts()
        self.anchors = {seq: h for seq, h in anchors}
        self.first_hash: str | None = None
        self.unknown_kinds: dict[str, int] = {}
        self.unknown_fields: set[tuple[str, str]] = set()
        #: incident -> the exceptions its invocation.declared entries declared
        self.declared: dict[str, set[str]] = {}
        self._pending: _Judgement | None = None

    def __call__(self, e: Entry) -> str | None:
        """Judge ``e`` (an entry that chains) and fold it in; a string is what is wrong."""
        problem = self.check(e)
        if problem is None:
            self.apply(e)
        return problem

    # ------------------------------------------------------------------ check
    def check(self, e: Entry) -> str | None:
        """What is wrong with ``e`` given the entries before it, or None; changes nothing."""
        self._pending = None
        j = _Judgement(e.seq)
        if e.seq == 1:
            self.first_hash = e.hash  # named in the verdict even if the genesis is refused
            problem = self._genesis_problem(e)
            if problem:
                return problem
        if e.seq in self.anchors and self.anchors[e.seq] != e.hash:
            return (
                f"does not match the anchor: its hash is {e.hash}, the anchor says "
                f"{self.anchors[e.seq]} (rolled back or rewritten journal)"
            )
        problem = self._attestations(e, j)
        if problem is None and e.kind == "terminal.unlocked":
            problem = self._unlock(e, j)
        if problem is None and e.kind == "terminal.restored":
            j.findings.append(_restored(e))
        if problem is None and e.kind in ("terminal.moved", "terminal.retired"):
            what = "moved to new hardware" if e.kind == "terminal.moved" else "retired"
            j.findings.append(
                (
                    e.kind.replace("terminal.", "journal."),
                    f"entry {e.seq}: the terminal was {what} "
                    f"({str(e.data.get('reason', ''))[:200]})",
                    "note",
                )
            )
        if problem is None:
            self._pending = j
        return problem

    def _genesis_problem(self, e: Entry) -> str | None:
        if e.kind != "journal.genesis":
            return f"is {e.kind!r}, but a journal starts with journal.genesis"
        d = e.data
        if not isinstance(d.get("kiosk_id"), str) or not isinstance(d.get("kiosk_key"), str):
            return "is a genesis entry without kiosk_id and kiosk_key"
        if not isinstance(d.get("uv_required"), bool):
            return "is a genesis entry whose uv_required is not true or false"
        try:
            read_kiosk_key(d["kiosk_key"])
        except ValueError as exc:
            return f"is a genesis entry whose kiosk_key cannot be read ({exc})"
        return None

    def _self_enrolment(self, e: Entry) -> bool:
        return e.kind == "custodian.enrolled" and self.enrolments < 2 and self.bootstrap_open

    def _counted(self, j: _Judgement, seq: int, who: str, cid: str, count: int) -> None:
        """Note a counter; one that did not increase is a finding (possible cloned key)."""
        noted = [c for k, c in j.counters if k == cid]
        previous = noted[-1] if noted else self.counters.get(cid)
        if not counter_increased(previous, count):
            j.findings.append(
                (
                    "counter",
                    f"entry {seq}: the signature counter of {who}'s credential did not "
                    f"increase ({previous} then {count}): possible cloned key",
                    "review",
                )
            )
        j.counters.append((cid, count))

    def _attestations(self, e: Entry, j: _Judgement) -> str | None:
        digest = e.digest if e.attest and self.check_signatures else b""
        self_enrol = self._self_enrolment(e)
        own: tuple[str, _Cred] | str | None = None
        if self_enrol:
            own = _read_credential(e.data)
            if isinstance(own, str):
                return f"is a first enrolment that {own}, so its own assertion cannot be checked"
        signers: list[tuple[str, str]] = []
        own_signed = False
        for i, a in enumerate(e.attest, start=1):
            custodian, cid = a.get("custodian"), a.get("credential_id")
            where = f"has attestation {i}"
            if not isinstance(custodian, str) or not custodian:
                return f"{where} without a custodian: invalid attestation"
            if not isinstance(cid, str) or not cid:
                return f"{where} without a credential_id: invalid attestation"
            who = f"{where} (custodian {custodian})"
            if own is not None and not isinstance(own, str) and own[0] == cid:
                if own[1].custodian != custodian:
                    return f"{who} signs with the new credential of another custodian"
                cred = own[1]
                own_signed = True
            else:
                found = self._credential(cid, custodian)
                if isinstance(found, str):
                    return f"{who} {found}"
                cred = found
            try:
                if not self.check_signatures:
                    count = _counter(a)
                else:
                    count = verify_assertion(
                        a, digest, cred.key_der, cred.alg, cred.rp_id, self.uv_required
                    )
            except ApprovalError as exc:
                return f"{who}: invalid attestation, it {_reason(exc)}"
            self._counted(j, e.seq, custodian, cid, count)
            signers.append((custodian, cid))
        if self_enrol:
            if not own_signed:
                return "is a first enrolment without the new custodian's own assertion"
            self._exception_finding(e, j)
            return None
        return self._dual_control(e, j, signers)

    def _credential(self, cid: str, custodian: str) -> _Cred | str:
        """The credential ``cid`` enrolled for ``custodian`` and not revoked, or what is wrong."""
        found = self.creds.get((cid, custodian))
        if found is None:
            if any(k[0] == cid for k in self.creds):
                return "uses a credential enrolled for another custodian"
            return "uses a credential no earlier custodian.enrolled enrolled"
        if found.revoked_at is not None:
            return f"uses a credential revoked at entry {found.revoked_at}"
        return found

    def _dual_control(
        self, e: Entry, j: _Judgement, signers: Sequence[tuple[str, str]]
    ) -> str | None:
        """Two distinct custodians and credentials, or an exception Amendment 1 allows."""
        dual = e.kind in DUAL_KINDS or e.kind in PROJECT_DUAL_KINDS
        if not dual or _two_people(signers):
            self._exception_finding(e, j)  # harmless where it is not needed
            return None
        if claims_exception(e.data):
            refusal = exception_refusal(e.kind, e.data, self._declared, len(signers))
            if refusal is None:
                self._exception_finding(e, j)
                return None
            why = (
                f"is {e.kind}, a dual entry without valid attestations from two distinct "
                f"custodians, and its exception does not cover it: {words(refusal, e.kind, e.data)}"
            )
        else:
            why = (
                f"is {e.kind}, a dual entry, without valid attestations from two distinct "
                "custodians with two distinct credentials, and without data.exception"
            )
        if e.kind in DUAL_KINDS or self.strict:
            return why
        j.findings.append(
            (
                "dual.project",
                f"entry {e.seq} ({e.kind}) has fewer than two custodians; this project "
                "puts it under dual control (the spec does not)",
                "review",
            )
        )
        return None

    def _declared(self, incident: str) -> Collection[str]:
        return self.declared.get(incident, set())

    def _exception_finding(self, e: Entry, j: _Judgement) -> None:
        """Report a policy exception an entry names as a finding."""
        if not claims_exception(e.data):
            return
        j.findings.append(
            (
                "policy_exception",
                f"entry {e.seq} ({e.kind}) was made under policy exception "
                f"{e.data.get('exception')!r} with {len(e.attest)} attestation(s)",
                "review",
            )
        )

    def _unlock(self, e: Entry, j: _Judgement) -> str | None:
        """A key unlock's own assertion (:mod:`kiosk.rules.unlock`): a project rule."""
        if e.data.get("method") != "key":
            return None
        problem = self._unlock_problem(e, j)
        if problem is None:
            return None
        why = f"is a key unlock whose assertion {problem}"
        if self.strict:
            return why
        j.findings.append(("unlock.invalid", f"entry {e.seq} (terminal.unlocked) {why}", "review"))
        return None

    def _unlock_problem(self, e: Entry, j: _Judgement) -> str | None:
        custodian, cid = e.data.get("custodian"), e.data.get("credential_id")
        if not isinstance(custodian, str) or not isinstance(cid, str) or not cid:
            return "names no custodian or credential"
        cred = self._credential(cid, custodian)
        if isinstance(cred, str):
            return cred
        journal_id = self.genesis.get("journal_id", "") if self.genesis else ""
        try:
            if self.check_signatures:
                count = check_unlock_assertion(
                    e.data, str(journal_id), cred.key_der, cred.alg, cred.rp_id
                )
            else:
                count = _counter(as_attestation(e.data))
        except ApprovalError as exc:
            return _reason(exc).replace("this entry's digest", "the unlock challenge")
        self._counted(j, e.seq, custodian, cid, count)
        return None

    # ------------------------------------------------------------------ apply
    def apply(self, e: Entry) -> None:
        """Fold ``e``, which :meth:`check` passed and every later check of the walk too."""
        if self._pending is None or self._pending.seq != e.seq:
            self.check(e)  # not checked just before: check it now (nothing is folded unchecked)
        j, self._pending = self._pending, None
        if j is None:
            raise ValueError(f"entry {e.seq} does not pass the checks; it cannot be applied")
        if e.seq == 1:
            self.genesis = e.data
            self.uv_required = bool(e.data["uv_required"])
        elif e.kind == "journal.genesis":
            self.result.find(
                "genesis.repeated",
                f"entry {e.seq} is a second journal.genesis; its data was ignored",
                e.seq,
            )
        for cid, count in j.counters:
            self.counters[cid] = count
        for code, message, level in j.findings:
            self.result.find(code, message, e.seq, level)
        self._fold(e)
        self._note_unknown(e)
        self.facts.observe(e.seq, e.ts, e.kind, e.data)
        signers = [str(a.get("custodian")) for a in e.attest if isinstance(a, Mapping)]
        self.credential_audit.observe(e.seq, e.kind, e.data, signers)
        self.incident_facts.observe(e.seq, e.ts, e.kind, e.data, e.attest)
        if e.kind == "alert.acknowledged":
            self.incident_facts.acknowledged(e.data, e.attest)

    def _fold(self, e: Entry) -> None:
        d = e.data
        if e.kind not in ("journal.genesis", "custodian.enrolled"):
            self.bootstrap_open = False
        if e.kind == "policy.changed":
            uv = d.get("uv_required")
            if isinstance(uv, bool):
                self.uv_required = uv
            elif uv is not None:
                self.result.find(
                    "policy.uv", f"entry {e.seq}: uv_required is not true/false; ignored", e.seq
                )
        elif e.kind == "invocation.declared":
            incident, exception = d.get("incident"), d.get("exception")
            if isinstance(incident, str) and isinstance(exception, str) and exception:
                self.declared.setdefault(incident, set()).add(exception)
        elif e.kind == "custodian.enrolled":
            self._enrolled(e)
        elif e.kind == "custodian.revoked":
            revoked = d.get("credential_id")
            if isinstance(revoked, str):
                self._revoke(revoked, None, e.seq)
            if d.get("whole_custodian") is True and isinstance(d.get("custodian"), str):
                for key in self.by_custodian.get(d["custodian"], []):
                    self._revoke(key[0], key[1], e.seq)
        elif e.kind == "envelope.inspected" and d.get("result") == "tampered":
            self.result.find(
                "tampered",
                f"entry {e.seq}: envelope {d.get('serial')} was found tampered at {e.ts}",
                e.seq,
            )

    def _enrolled(self, e: Entry) -> None:
        self.enrolments += 1
        got = _read_credential(e.data)
        if isinstance(got, str):
            self.result.find(
                "enrolment.unusable",
                f"entry {e.seq}: the enrolment {got}; its key can approve nothing",
                e.seq,
            )
            return
        cid, cred = got
        self.creds[(cid, cred.custodian)] = cred
        self.by_custodian.setdefault(cred.custodian, []).append((cid, cred.custodian))
        replaced = e.data.get("replaces")
        if isinstance(replaced, str):
            self._revoke(replaced, None, e.seq)

    def _revoke(self, cid: str, custodian: str | None, seq: int) -> None:
        for key, cred in self.creds.items():
            mine = key[0] == cid and (custodian is None or key[1] == custodian)
            if mine and cred.revoked_at is None:
                cred.revoked_at = seq

    def _note_unknown(self, e: Entry) -> None:
        spec = KINDS.get(e.kind)
        if spec is None:
            self.unknown_kinds[e.kind] = self.unknown_kinds.get(e.kind, 0) + 1
            return
        for name in e.data:
            if name not in spec.fields and (e.kind, name) not in self.unknown_fields:
                self.unknown_fields.add((e.kind, name))
                self.result.find(
                    "unknown.field",
                    f"entry {e.seq} ({e.kind}) has data field {name!r}, unknown to this "
                    "verifier (allowed by the spec)",
                    e.seq,
                    "note",
                )

    def finish(self, now: dt.datetime | None) -> None:
        """Findings about the walk as a whole: unknown kinds, and deadlines as of ``now``."""
        for kind, n in sorted(self.unknown_kinds.items()):
            self.result.find(
                "unknown.kind",
                f"{n} entr{'y' if n == 1 else 'ies'} of kind {kind!r}, unknown to this verifier "
                "(allowed by the spec)",
                None,
                "note",
            )
        for code, message, seq, level in self.credential_audit.findings():
            self.result.find(code, message, seq, level)
        if now is not None:
            for f in check_deadlines(self.facts, now):
                self.result.find(f.code, f.message, f.seq, f.level)
        for g in incident_findings(self.incident_facts, now):
            self.result.find(g.code, g.message, g.seq, g.level)


def _restored(e: Entry) -> tuple[str, str, str]:
    """A restore from a backup is reported to auditors, with what it says was lost (issue 21)."""
    d = e.data
    lost = d.get("lost_count") or 0
    gone = (
        f"{lost} entr{'y' if lost == 1 else 'ies'} known to be lost (seq {d.get('lost_from')} "
        f"to {d.get('lost_to')}, those seqs reused from here on)"
        if lost
        else "nothing known to be lost"
    )
    return (
        "journal.restored",
        f"entry {e.seq}: the terminal was restored from a sealed backup holding entries up to "
        f"{d.get('backup_seq')}; {gone}",
        "review",
    )


def _two_people(signers: Sequence[tuple[str, str]]) -> bool:
    return any(a[0] != b[0] and a[1] != b[1] for i, a in enumerate(signers) for b in signers[i:])
