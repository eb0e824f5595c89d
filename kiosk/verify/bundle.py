"""The auditors' verifier: every check of spec section 7 on one export bundle.

A bundle is given as its files (name -> bytes), so the same code checks a
directory on a USB stick and, in the mutation suite, thousands of bundles
changed in memory.

Invariants:

* **Errors** are exactly the spec's: bad or missing signature (including an
  unfinished export, i.e. no ``manifest.json.sig``), a file hash that differs,
  a line that is not canonical, a gap or repeat in ``seq``, a ``prev`` or
  ``hash`` that does not match, a ``ts`` that goes backwards, an invalid
  attestation, a dual entry without two distinct valid custodians and without
  an exception, a manifest head or count that differs from the journal, and
  an ``--anchor`` that does not match. Anything else (unknown kinds and
  ``data`` fields, a malformed payload of a kind the spec does not
  constrain) is at most a finding: the verifier judges the contract, not one
  terminal's habits.
* The chain is checked by :func:`kiosk.journal.entry.check_chain`, the same
  function the terminal runs on every unlock; the first bad entry is named
  (seq and line) with what is wrong, and checking stops there.
* The trusted key is the one given (the commissioning sheet's); without one
  the journal's own key (genesis ``data.kiosk_key``) is used and a note says
  so. Either way the manifest must name, and be signed by, the key the
  journal's genesis names: a journal re-signed by another key is refused.
* Findings never make a bundle fail; errors always do.

Project extensions that only make the verifier stricter, never looser:
``custodian.revoked`` with ``data.whole_custodian`` revokes all of that
custodian's credentials, and ``custodian.enrolled`` with ``data.replaces``
revokes the replaced credential (both documented in kiosk/journal/README.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.canonical import b64u_decode, canon, canon_unchecked
from kiosk.clock import is_ts, parse_ts
from kiosk.errors import ApprovalError
from kiosk.journal.entry import Entry, check_chain, iter_jsonl
from kiosk.journal.schema import KINDS
from kiosk.verify import sshsig
from kiosk.verify.deadlines import Facts, check_deadlines
from kiosk.verify.parallel import Pool, default_workers, outcome_error
from kiosk.webauthn import counter_increased, verify_assertion

FORMAT = "sealroom-export/1"
NAMESPACE = "sealroom-export"
JOURNAL = "journal.jsonl"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
LISTED_FILES = ("journal.jsonl", "report.pdf", "events.csv", "README.txt")
MANIFEST_FIELDS = frozenset(
    {"format", "kiosk_id", "kiosk_key", "created_at", "entries", "genesis", "head", "files"}
)

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
#: Kinds this project also puts under dual control; a shortfall there is a finding.
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


@dataclass(frozen=True)
class Problem:
    """An error: the bundle must not be trusted."""

    code: str
    message: str
    seq: int | None = None
    file: str | None = None


@dataclass(frozen=True)
class Finding:
    """Trusted, but a reviewer must look (``level`` "review") or may want to (``"note"``)."""

    code: str
    message: str
    seq: int | None = None
    level: str = "review"


@dataclass
class VerifyResult:
    bundle: str
    errors: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    kiosk_id: str | None = None
    entries: int = 0
    head: dict[str, Any] | None = None
    genesis: str | None = None
    created_at: str | None = None
    key_fingerprint: str | None = None
    key_source: str | None = None  # "trusted" (given) or "journal" (the bundle's own)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def first_error(self) -> Problem | None:
        return self.errors[0] if self.errors else None

    def error(
        self, code: str, message: str, seq: int | None = None, file: str | None = None
    ) -> None:
        self.errors.append(Problem(code, message, seq, file))

    def find(self, code: str, message: str, seq: int | None = None, level: str = "review") -> None:
        self.findings.append(Finding(code, message, seq, level))

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "verified": self.ok,
            "kiosk_id": self.kiosk_id,
            "entries": self.entries,
            "head": self.head,
            "genesis": self.genesis,
            "created_at": self.created_at,
            "key_fingerprint": self.key_fingerprint,
            "key_source": self.key_source,
            "errors": [asdict(p) for p in self.errors],
            "findings": [asdict(f) for f in self.findings],
        }


def fingerprint(raw_key: bytes) -> str:
    """``SHA256:…`` as ``ssh-keygen -l`` prints it."""
    import base64

    blob = sshsig.public_key_blob(raw_key)
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


# ---------------------------------------------------------------- assertions

_CACHE: dict[tuple[Any, ...], int | ApprovalError] = {}
_CACHE_MAX = 200_000

#: From this many attestations on, signatures are checked in worker processes
#: (below it, starting a worker costs more than it saves).
PARALLEL_MIN = 1500


def _remember(key: tuple[Any, ...], result: int | ApprovalError) -> None:
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = result


_DIGESTS: dict[str, bytes] = {}


def _digest(e: Entry) -> bytes:
    """The entry's digest, memoised on its ``hash``.

    Sound because :func:`check_chain` has already checked that ``hash`` is the
    SHA-256 of the entry's whole content, so equal hashes mean equal entries;
    the line was canonical, so its values need no re-checking either.
    """
    d = _DIGESTS.get(e.hash)
    if d is None:
        d = hashlib.sha256(canon_unchecked(e.body)).digest()
        if len(_DIGESTS) >= _CACHE_MAX:
            _DIGESTS.clear()
        _DIGESTS[e.hash] = d
    return d


def _assertion_key(
    e: Entry, i: int, key_der: bytes, alg: int, rp_id: str, uv: bool
) -> tuple[Any, ...]:
    """The cache key of ``e.attest[i]`` checked with this key and policy.

    One function for the sequential and the deferred path: outcomes the
    worker pool stores must be found again by the sequential re-walk.
    """
    return (e.hash, i, key_der, alg, rp_id, uv)


def _recall(key: tuple[Any, ...]) -> int | None:
    """The cached counter, None if not checked yet; a cached refusal is raised again."""
    hit = _CACHE.get(key)
    if isinstance(hit, ApprovalError):
        raise hit
    return hit


def _assertion(
    e: Entry, i: int, digest: bytes, key_der: bytes, alg: int, rp_id: str, uv: bool
) -> int:
    """:func:`verify_assertion` of ``e.attest[i]``, memoised on its exact inputs.

    The result is a pure function of the entry (identified by its verified
    ``hash``, which covers the attestation and the digest), the key and the
    policy, so remembering it changes nothing but speed; it lets the mutation
    suite and multi-bundle runs skip re-verifying signatures already seen.
    """
    key = _assertion_key(e, i, key_der, alg, rp_id, uv)
    hit = _recall(key)
    if hit is None:
        try:
            hit = verify_assertion(e.attest[i], digest, key_der, alg, rp_id, uv)
        except ApprovalError as exc:
            _remember(key, exc)
            raise
        _remember(key, hit)
    return hit


@dataclass
class _Cred:
    custodian: str
    key_der: bytes
    alg: int
    rp_id: str
    seq: int
    revoked_at: int | None = None


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
    return cid, _Cred(custodian, der, alg, rp_id, 0)


def _counter(attest: Mapping[str, Any]) -> int:
    """The signature counter (bytes 33..36 of authenticator data), without verifying."""
    try:
        raw = b64u_decode(str(attest.get("authenticator_data")))
    except ValueError:
        raise ApprovalError("webauthn.malformed", field="authenticator_data") from None
    if len(raw) < 37:
        raise ApprovalError("webauthn.malformed", field="authenticator_data")
    return int.from_bytes(raw[33:37], "big")


class _Auditor:
    """Judges each entry as :func:`check_chain` hands it over (spec sections 4-5)."""

    def __init__(
        self,
        result: VerifyResult,
        anchors: Sequence[tuple[int, str]],
        check_signatures: bool = True,
        pool: Pool | None = None,
    ) -> None:
        self.r = result
        self.check_signatures = check_signatures
        # Deferred mode (``pool`` given): signatures not yet in the cache are
        # queued to the pool and the walk goes on as if they were valid;
        # ``deferred`` remembers (cache key, counter read) of each queued one,
        # and ``recheck`` is set when the walk itself may differ from the
        # sequential one (see verify_files).
        self.pool = pool
        self.deferred: list[tuple[tuple[Any, ...], int]] = []
        self.recheck = False
        self.creds: dict[tuple[str, str], _Cred] = {}
        self.by_custodian: dict[str, list[tuple[str, str]]] = {}
        self.counters: dict[str, int] = {}
        self.uv_required = True
        self.genesis: dict[str, Any] | None = None
        self.enrolments = 0
        self.bootstrap_open = True  # nothing but genesis and enrolments so far
        self.facts = Facts()
        self.anchors = {seq: h for seq, h in anchors}
        self.first_hash: str | None = None
        self.unknown_kinds: dict[str, int] = {}
        self.unknown_fields: set[tuple[str, str]] = set()

    # check_chain calls this for every entry that chains; a string stops it.
    def __call__(self, e: Entry) -> str | None:
        if e.seq == 1:
            self.first_hash = e.hash
            problem = self._genesis(e)
            if problem:
                return problem
        elif e.kind == "journal.genesis":
            self.r.find(
                "genesis.repeated",
                f"entry {e.seq} is a second journal.genesis; its data was ignored",
                e.seq,
            )
        if e.seq in self.anchors and self.anchors[e.seq] != e.hash:
            return (
                f"does not match the anchor: its hash is {e.hash}, the anchor says "
                f"{self.anchors[e.seq]} (rolled back or rewritten journal)"
            )
        problem = self._attestations(e)
        if problem:
            return problem
        self._apply(e)
        self._note_unknown(e)
        self.facts.observe(e.seq, e.ts, e.kind, e.data)
        return None

    def _genesis(self, e: Entry) -> str | None:
        if e.kind != "journal.genesis":
            return f"is {e.kind!r}, but a journal starts with journal.genesis"
        d = e.data
        if not isinstance(d.get("kiosk_id"), str) or not isinstance(d.get("kiosk_key"), str):
            return "is a genesis entry without kiosk_id and kiosk_key"
        if not isinstance(d.get("uv_required"), bool):
            return "is a genesis entry whose uv_required is not true or false"
        try:
            sshsig.parse_public_key(d["kiosk_key"])
        except sshsig.SshSigError as exc:
            return f"is a genesis entry whose kiosk_key cannot be read ({exc})"
        self.genesis = d
        self.uv_required = d["uv_required"]
        return None

    def _self_enrolment(self, e: Entry) -> bool:
        return e.kind == "custodian.enrolled" and self.enrolments < 2 and self.bootstrap_open

    def _attestations(self, e: Entry) -> str | None:
        digest = _digest(e) if e.attest and self.check_signatures else b""
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
                found = self.creds.get((cid, custodian))
                if found is None:
                    if any(k[0] == cid for k in self.creds):
                        return f"{who} uses a credential enrolled for another custodian"
                    return f"{who} uses a credential no earlier custodian.enrolled enrolled"
                if found.revoked_at is not None:
                    return f"{who} uses a credential revoked at entry {found.revoked_at}"
                cred = found
            try:
                if not self.check_signatures:
                    count = _counter(a)
                else:
                    count = self._assertion(e, i - 1, a, digest, cred)
            except ApprovalError as exc:
                if self.pool is not None:
                    self.recheck = True
                text = _WEBAUTHN_REASONS.get(exc.code, "is not valid").format_map(
                    {"field": exc.params.get("field", "?"), "alg": exc.params.get("alg", "?")}
                )
                return f"{who}: invalid attestation, it {text}"
            previous = self.counters.get(cid)
            if not counter_increased(previous, count):
                self.r.find(
                    "counter",
                    f"entry {e.seq}: the signature counter of {custodian}'s credential did not "
                    f"increase ({previous} then {count}): possible cloned key",
                    e.seq,
                )
            self.counters[cid] = count
            signers.append((custodian, cid))
        if self_enrol:
            if not own_signed:
                return "is a first enrolment without the new custodian's own assertion"
            self._exception(e)
            return None
        exception = self._exception(e)
        dual = e.kind in DUAL_KINDS or e.kind in PROJECT_DUAL_KINDS
        if dual and not exception and not _two_people(signers):
            if e.kind in DUAL_KINDS:
                return (
                    f"is {e.kind}, a dual entry, without valid attestations from two distinct "
                    "custodians with two distinct credentials, and without data.exception"
                )
            self.r.find(
                "dual.project",
                f"entry {e.seq} ({e.kind}) has fewer than two custodians; this project "
                "puts it under dual control (the spec does not)",
                e.seq,
            )
        return None

    def _assertion(self, e: Entry, i: int, a: Mapping[str, Any], digest: bytes, cred: _Cred) -> int:
        """The assertion's counter: checked now, from the cache, or queued (deferred mode)."""
        uv = self.uv_required
        if self.pool is None:
            return _assertion(e, i, digest, cred.key_der, cred.alg, cred.rp_id, uv)
        key = _assertion_key(e, i, cred.key_der, cred.alg, cred.rp_id, uv)
        hit = _recall(key)
        if hit is not None:
            return hit
        # _counter reads the same bytes verify_assertion returns when it succeeds.
        count = _counter(a)
        self.pool.add((a, digest, cred.key_der, cred.alg, cred.rp_id, uv))
        self.deferred.append((key, count))
        return count

    def settle(self) -> bool:
        """Wait for the queued signatures; True if the deferred walk stands as it is.

        Every outcome goes into the cache. The walk stands only if every
        queued assertion verified and returned the counter the walk used;
        otherwise the caller walks again sequentially (cheaply: every
        signature is now cached), so the first problem reported is exactly
        the sequential one.
        """
        if self.pool is None:
            return True
        outcomes = self.pool.results()
        stands = not self.recheck
        for (key, count), outcome in zip(self.deferred, outcomes, strict=True):
            if isinstance(outcome, int):
                _remember(key, outcome)
                stands = stands and outcome == count
            else:
                _remember(key, outcome_error(outcome))
                stands = False
        return stands

    def _exception(self, e: Entry) -> bool:
        """Report a policy exception as a finding; True if the entry names one."""
        exc = e.data.get("exception")
        if exc is None or exc == "" or exc is False:
            return False
        self.r.find(
            "policy_exception",
            f"entry {e.seq} ({e.kind}) was made under policy exception {exc!r} "
            f"with {len(e.attest)} attestation(s)",
            e.seq,
        )
        return True

    def _apply(self, e: Entry) -> None:
        d = e.data
        if e.kind not in ("journal.genesis", "custodian.enrolled"):
            self.bootstrap_open = False
        if e.kind == "policy.changed":
            uv = d.get("uv_required")
            if isinstance(uv, bool):
                self.uv_required = uv
            elif uv is not None:
                self.r.find(
                    "policy.uv", f"entry {e.seq}: uv_required is not true/false; ignored", e.seq
                )
        elif e.kind == "custodian.enrolled":
            self.enrolments += 1
            got = _read_credential(d)
            if isinstance(got, str):
                self.r.find(
                    "enrolment.unusable",
                    f"entry {e.seq}: the enrolment {got}; its key can approve nothing",
                    e.seq,
                )
                return
            cid, cred = got
            cred.seq = e.seq
            self.creds[(cid, cred.custodian)] = cred
            self.by_custodian.setdefault(cred.custodian, []).append((cid, cred.custodian))
            replaced = d.get("replaces")
            if isinstance(replaced, str):
                self._revoke(replaced, None, e.seq)
        elif e.kind == "custodian.revoked":
            revoked = d.get("credential_id")
            if isinstance(revoked, str):
                self._revoke(revoked, None, e.seq)
            if d.get("whole_custodian") is True and isinstance(d.get("custodian"), str):
                for key in self.by_custodian.get(d["custodian"], []):
                    self._revoke(key[0], key[1], e.seq)
        elif e.kind == "envelope.inspected" and d.get("result") == "tampered":
            self.r.find(
                "tampered",
                f"entry {e.seq}: envelope {d.get('serial')} was found tampered at {e.ts}",
                e.seq,
            )

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
                self.r.find(
                    "unknown.field",
                    f"entry {e.seq} ({e.kind}) has data field {name!r}, unknown to this "
                    "verifier (allowed by the spec)",
                    e.seq,
                    "note",
                )

    def finish(self, now: dt.datetime | None) -> None:
        for kind, n in sorted(self.unknown_kinds.items()):
            self.r.find(
                "unknown.kind",
                f"{n} entr{'y' if n == 1 else 'ies'} of kind {kind!r}, unknown to this verifier "
                "(allowed by the spec)",
                None,
                "note",
            )
        if now is not None:
            for f in check_deadlines(self.facts, now):
                self.r.find(f.code, f.message, f.seq, f.level)


def _two_people(signers: Sequence[tuple[str, str]]) -> bool:
    return any(a[0] != b[0] and a[1] != b[1] for i, a in enumerate(signers) for b in signers[i:])


# ---------------------------------------------------------------- the bundle


def _manifest(raw: bytes, r: VerifyResult) -> dict[str, Any] | None:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        r.error("manifest", "manifest.json is not valid JSON", file=MANIFEST)
        return None
    if not isinstance(obj, dict):
        r.error("manifest", "manifest.json is not a JSON object", file=MANIFEST)
        return None
    try:
        canonical = canon(obj) == raw
    except ValueError:
        canonical = False
    if not canonical:
        r.error("canonical", "manifest.json is not in canonical form", file=MANIFEST)
    problems = []
    if obj.get("format") != FORMAT:
        problems.append(f"format is {obj.get('format')!r}, not {FORMAT!r}")
    missing = sorted(MANIFEST_FIELDS - obj.keys())
    if missing:
        problems.append(f"fields {', '.join(missing)} are missing")
    head = obj.get("head")
    if not isinstance(head, dict) or type(head.get("seq")) is not int:
        problems.append("head is not {seq, hash}")
    if type(obj.get("entries")) is not int:
        problems.append("entries is not an integer")
    if not isinstance(obj.get("files"), dict):
        problems.append("files is not an object")
    if not is_ts(obj.get("created_at")):
        problems.append("created_at is not a YYYY-MM-DDTHH:MM:SS.mmmZ time")
    if not isinstance(obj.get("kiosk_key"), str) or not isinstance(obj.get("kiosk_id"), str):
        problems.append("kiosk_id or kiosk_key is not text")
    if problems:
        r.error("manifest", "manifest.json: " + "; ".join(problems), file=MANIFEST)
        return None
    return obj


def _files(files: Mapping[str, bytes], manifest: dict[str, Any], r: VerifyResult) -> None:
    listed: dict[str, Any] = manifest["files"]
    for name in LISTED_FILES:
        if name not in listed:
            r.error("file_hash", f"manifest.json does not list {name}", file=name)
    for name, expected in sorted(listed.items()):
        if "/" in name or "\\" in name or name in ("", ".", "..") or name.startswith("."):
            r.error("file_hash", f"manifest.json lists an unsafe file name {name!r}", file=name)
            continue
        if name not in files:
            r.error("file_hash", f"{name} is listed in manifest.json but missing", file=name)
            continue
        actual = hashlib.sha256(files[name]).hexdigest()
        if actual != expected:
            r.error(
                "file_hash",
                f"{name} has SHA-256 {actual}, but manifest.json says {expected}",
                file=name,
            )
    for name in sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE}):
        r.find(
            "extra_file", f"{name} is in the bundle but not covered by the signature", None, "note"
        )


def verify_files(
    files: Mapping[str, bytes],
    *,
    name: str = "bundle",
    trusted_keys: Sequence[str] = (),
    anchors: Sequence[tuple[int, str]] = (),
    workers: int | None = None,
) -> VerifyResult:
    """Verify a bundle given as ``{file name: bytes}``.

    ``trusted_keys`` are OpenSSH public key lines (the commissioning sheet's);
    empty means "use the journal's own key" (reported as a note).
    ``anchors`` are ``(seq, hash)`` pairs from paper or an earlier bundle.

    ``workers``: worker processes for the attestation signatures of a large
    journal (``PARALLEL_MIN`` attestations or more); ``None`` picks the cores
    other processes leave free (see :func:`kiosk.verify.parallel.default_workers`),
    ``0`` checks everything in this process. The result is
    the same either way: the parallel walk is kept only when every queued
    signature verified, otherwise the journal is walked again sequentially
    with the now cached signature results.
    """
    journal = files.get(JOURNAL, b"")
    large = workers != 0 and journal.count(b'"credential_id":') >= PARALLEL_MIN
    n = (default_workers() if workers is None else workers) if large else 0
    if n > 0:
        pool = Pool(n)
        try:
            result = _verify_files(files, name, trusted_keys, anchors, pool)
        finally:
            pool.close()
        if result is not None:
            return result
    result = _verify_files(files, name, trusted_keys, anchors, None)
    if result is None:  # only a deferred walk can be undecided
        raise RuntimeError("sequential verification returned no result")
    return result


def _verify_files(
    files: Mapping[str, bytes],
    name: str,
    trusted_keys: Sequence[str],
    anchors: Sequence[tuple[int, str]],
    pool: Pool | None,
) -> VerifyResult | None:
    """:func:`verify_files`; None when a deferred (``pool``) walk must be redone."""
    r = VerifyResult(bundle=name)
    if SIGNATURE not in files:
        r.error(
            "unfinished",
            "manifest.json.sig is missing: this is an unfinished export (or the signature "
            "was removed) and must not be trusted",
            file=SIGNATURE,
        )
    manifest: dict[str, Any] | None = None
    if MANIFEST not in files:
        r.error("manifest", "manifest.json is missing", file=MANIFEST)
    else:
        manifest = _manifest(files[MANIFEST], r)
    if manifest is not None:
        r.kiosk_id = manifest["kiosk_id"]
        r.created_at = manifest["created_at"]
        _files(files, manifest, r)

    # The journal: chain, attestations, dual control, findings.
    auditor = _Auditor(r, anchors, pool=pool)
    chain = None
    if JOURNAL not in files:
        r.error("file_hash", "journal.jsonl is missing", file=JOURNAL)
    else:
        blob = files[JOURNAL]
        try:
            lines = list(iter_jsonl(blob))
        except ValueError as exc:
            r.error("canonical", f"journal.jsonl: {exc}", file=JOURNAL)
            lines = None
        if lines is not None:
            chain = check_chain(lines, auditor)
            if not auditor.settle():
                return None
            if chain.problem is not None:
                p = chain.problem
                r.error(
                    "entry",
                    f"entry {p.seq} (line {p.line}) {p.reason}",
                    seq=p.seq,
                    file=JOURNAL,
                )
            elif chain.entries == 0:
                r.error("entry", "journal.jsonl holds no entries", file=JOURNAL)
            r.entries = chain.entries
            r.head = {"seq": chain.entries, "hash": chain.head_hash}
            r.genesis = auditor.first_hash
            for seq, _h in anchors:
                if seq > chain.entries and chain.problem is None:
                    r.error(
                        "anchor",
                        f"the anchor names entry {seq}, but the journal ends at entry "
                        f"{chain.entries} (truncated or rolled back)",
                        seq=seq,
                    )

    # The signature, with the trusted key (or the journal's own).
    genesis_key: bytes | None = None
    if auditor.genesis is not None:
        genesis_key = sshsig.parse_public_key(auditor.genesis["kiosk_key"])
    signer = _signing_key(r, trusted_keys, genesis_key, manifest)
    if signer is not None and SIGNATURE in files and MANIFEST in files:
        try:
            sshsig.verify(files[SIGNATURE], files[MANIFEST], NAMESPACE, signer)
        except sshsig.SshSigError as exc:
            r.error("signature", f"manifest.json.sig: {exc}", file=SIGNATURE)

    # The manifest must describe this journal.
    if manifest is not None and chain is not None and chain.problem is None and chain.entries:
        _describe(manifest, r, auditor, chain.entries, chain.head_hash, genesis_key)

    now = None
    if r.created_at is not None and _valid_time(r.created_at):
        now = parse_ts(r.created_at)
    auditor.finish(now)
    return r


def _valid_time(text: str) -> bool:
    try:
        parse_ts(text)
    except ValueError:
        return False
    return True


def _signing_key(
    r: VerifyResult,
    trusted_keys: Sequence[str],
    genesis_key: bytes | None,
    manifest: dict[str, Any] | None,
) -> bytes | None:
    """The key the signature must be made with, or None (an error was recorded)."""
    if trusted_keys:
        trusted = []
        for line in trusted_keys:
            try:
                trusted.append(sshsig.parse_public_key(line))
            except sshsig.SshSigError:
                continue
        r.key_source = "trusted"
        if genesis_key is not None:
            if genesis_key not in trusted:
                r.key_fingerprint = fingerprint(genesis_key)
                r.error(
                    "signature",
                    f"the journal's genesis names kiosk key {fingerprint(genesis_key)}, which is "
                    "not the trusted key given: this is not the commissioned terminal's journal",
                    seq=1,
                )
                return None
            r.key_fingerprint = fingerprint(genesis_key)
            return genesis_key
        if len(trusted) == 1:
            r.key_fingerprint = fingerprint(trusted[0])
            return trusted[0]
        r.error("signature", "the journal's own key is unknown, so the signature cannot be checked")
        return None
    r.key_source = "journal"
    key = genesis_key
    if key is None and manifest is not None:
        try:
            key = sshsig.parse_public_key(manifest["kiosk_key"])
        except sshsig.SshSigError:
            key = None
    if key is None:
        r.error("signature", "no kiosk key to check the signature with")
        return None
    r.key_fingerprint = fingerprint(key)
    r.find(
        "key.untrusted",
        f"no --kiosk-key given: the signature was checked with the journal's own key "
        f"{r.key_fingerprint}. Compare it with the commissioning sheet.",
        None,
        "note",
    )
    return key


def _describe(
    manifest: dict[str, Any],
    r: VerifyResult,
    auditor: _Auditor,
    entries: int,
    head_hash: str,
    genesis_key: bytes | None,
) -> None:
    if manifest["entries"] != entries:
        r.error(
            "manifest_head",
            f"manifest.json says {manifest['entries']} entries, the journal holds {entries}",
            file=MANIFEST,
        )
    head = manifest["head"]
    if head.get("seq") != entries or head.get("hash") != head_hash:
        r.error(
            "manifest_head",
            f"manifest.json's head is {head.get('seq')}:{head.get('hash')}, the journal's is "
            f"{entries}:{head_hash}",
            file=MANIFEST,
        )
    if manifest["genesis"] != auditor.first_hash:
        r.error(
            "manifest_head",
            "manifest.json's genesis is not the hash of entry 1",
            file=MANIFEST,
        )
    g = auditor.genesis or {}
    if manifest["kiosk_id"] != g.get("kiosk_id"):
        r.error(
            "manifest_head",
            f"manifest.json is for terminal {manifest['kiosk_id']!r}, the journal for "
            f"{g.get('kiosk_id')!r}",
            file=MANIFEST,
        )
    try:
        named = sshsig.parse_public_key(manifest["kiosk_key"])
    except sshsig.SshSigError:
        named = None
    if named != genesis_key:
        r.error(
            "signature",
            "manifest.json names another kiosk key than the journal's genesis",
            file=MANIFEST,
        )


def audit_journal(
    lines: Sequence[bytes],
    now: dt.datetime | None,
    *,
    check_signatures: bool = True,
    keep: list[Entry] | None = None,
) -> tuple[VerifyResult, Facts]:
    """Chain, attestation and finding checks of journal lines alone (no manifest).

    ``check_signatures=False`` skips the public-key operations (everything
    else, including who signed and the counters, is still judged): the
    terminal's writer uses it because every assertion was verified when its
    entry was appended and the chain at every unlock, so repeating thousands
    of ECDSA checks would only slow the export; auditors always check them.

    The export writer uses it to put the same findings in ``report.pdf`` that
    an auditor's verifier will report, and the facts (incidents, accounts)
    that the report's deadline table is drawn from. ``keep``, when given,
    receives every entry that passed (in seq order), so the writer can build
    ``events.csv`` without parsing the lines a second time.
    """
    r = VerifyResult(bundle="journal")
    auditor = _Auditor(r, (), check_signatures)
    on_entry: Any = auditor
    if keep is not None:

        def on_entry(e: Entry) -> str | None:
            problem = auditor(e)
            if problem is None:
                keep.append(e)
            return problem

    chain = check_chain(lines, on_entry)
    if chain.problem is not None:
        p = chain.problem
        r.error("entry", f"entry {p.seq} (line {p.line}) {p.reason}", seq=p.seq, file=JOURNAL)
    r.entries = chain.entries
    r.head = {"seq": chain.entries, "hash": chain.head_hash}
    r.genesis = auditor.first_hash
    auditor.finish(now)
    return r, auditor.facts


def read_bundle(path: Path) -> dict[str, bytes]:
    """The regular files directly inside a bundle directory."""
    return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}


def verify_bundle(
    path: Path,
    *,
    trusted_keys: Sequence[str] = (),
    anchors: Sequence[tuple[int, str]] = (),
    workers: int | None = None,
) -> VerifyResult:
    """Verify the bundle directory at ``path`` (see :func:`verify_files`)."""
    return verify_files(
        read_bundle(path),
        name=str(path),
        trusted_keys=trusted_keys,
        anchors=anchors,
        workers=workers,
    )
