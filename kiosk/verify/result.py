"""What the verifier says about one bundle: its errors, its findings and what it describes.

Invariants:

* An error (:class:`Problem`) means the bundle must not be trusted; a
  finding (:class:`Finding`) never makes it fail. ``VerifyResult.ok`` is
  exactly "no errors": the bundle is intact and consistent, which is not yet
  "authentic". It is authentic only when its signature verified with a key
  the auditor gave (``key_source == "trusted"``): a bundle checked with the
  key it carries itself could have been made by anyone, so its
  :attr:`VerifyResult.verdict` is "not authenticated" unless the auditor
  explicitly chose to trust that key (``trust_bundle_key``).
* :class:`Checked` records what was checked and found sound (the signature
  and by which key, each file's hash, the chain, the attestations, dual
  control, each anchor, the other bundles compared), so a verdict can say
  what it rests on, not only that nothing failed.
* :class:`Problem` and :class:`Finding` are the per-entry checks' own types
  (:mod:`kiosk.rules.findings`, shared with the terminal), re-exported here.
* Errors and findings are kept in the order the checks made them, so the
  first error is the one an auditor reads first (spec section 7).
* :meth:`VerifyResult.to_json` is the ``--json`` contract of
  ``kiosk/verify/README.md``; keys are only ever added. Its ``verified`` is
  the verdict an exit code of 0 means (:attr:`VerifyResult.accepted`), never
  merely "no errors" (that is ``intact``).
* Messages quote text from the bundle (file names, kinds, ``data`` values),
  which is untrusted: every message and file name is recorded through
  :func:`shown`, so no control character from a bundle reaches a terminal,
  a report or a screen (Amendment 1).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.rules.findings import Finding, Problem
from kiosk.verify import sshsig

__all__ = ["AnchorCheck", "Checked", "Finding", "Problem", "VerifyResult", "fingerprint"]

#: The verdicts, as ``--json`` names them; the text report says them in capitals.
VERIFIED = "verified"
VERIFIED_OWN_KEY = "verified_own_key"
NOT_AUTHENTICATED = "not_authenticated"
NOT_VERIFIED = "not_verified"


@dataclass(frozen=True)
class AnchorCheck:
    """One ``--anchor`` as this bundle met it.

    ``status``: ``matched`` (entry ``seq`` has that hash), ``differs`` (it
    has another: an error), ``beyond`` (the journal ends before ``seq``: an
    error) or ``not reached`` (the walk stopped at an earlier bad entry).
    """

    seq: int
    hash: str
    status: str


@dataclass
class Checked:
    """What was checked and found sound, so the verdict can list what it rests on.

    Counts are of entries that passed the walk (up to the first bad one).
    """

    #: manifest.json.sig verified with the key that must sign
    signature: bool = False
    #: every listed file whose SHA-256 matched manifest.json: name -> SHA-256
    files: dict[str, str] = field(default_factory=dict)
    #: security-key signatures (WebAuthn assertions) checked, and by how many people
    attestations: int = 0
    signers: set[str] = field(default_factory=set)
    #: custodian id -> name, as the journal enrolled them (to name the signers)
    names: dict[str, str] = field(default_factory=dict)
    #: entries under dual control: by two distinct custodians, under a policy exception,
    #: the first two enrolments (each signed by the key it enrols), or by one person
    #: where only this project (not the spec) asks for two (a finding)
    dual_two_people: int = 0
    dual_exception: int = 0
    dual_first_enrolments: int = 0
    dual_one_person: int = 0
    #: terminal.unlocked entries made with a key, whose own assertion was checked
    key_unlocks: int = 0
    anchors: list[AnchorCheck] = field(default_factory=list)
    #: the other bundles of the same terminal this one was compared with (forks, rollbacks)
    compared_with: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "files": dict(sorted(self.files.items())),
            "attestations": self.attestations,
            "signers": sorted(self.signers),
            "dual_entries": {
                "two_people": self.dual_two_people,
                "exception": self.dual_exception,
                "first_enrolments": self.dual_first_enrolments,
                "one_person": self.dual_one_person,
            },
            "key_unlocks": self.key_unlocks,
            "compared_with": list(self.compared_with),
        }


@dataclass
class VerifyResult:
    """The verdict on one bundle (or, for the export writer, on journal lines alone)."""

    bundle: str
    errors: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    kiosk_id: str | None = None
    entries: int = 0
    head: dict[str, Any] | None = None
    genesis: str | None = None
    created_at: str | None = None
    #: the bundle's own key: the one its journal's genesis (else its manifest) names
    key_fingerprint: str | None = None
    #: "trusted" (the bundle's key is a key the auditor gave), "journal" (no key
    #: given: checked with the bundle's own), "untrusted" (keys were given, and
    #: the bundle's key is none of them)
    key_source: str | None = None
    #: the fingerprints of the keys the auditor gave (--kiosk-key)
    trusted_keys: list[str] = field(default_factory=list)
    #: the fingerprint of the key that made manifest.json.sig, if one of those known made it
    signed_by: str | None = None
    #: the auditor chose to trust the bundle's own key (--trust-bundle-key)
    trust_bundle_key: bool = False
    checked: Checked = field(default_factory=Checked)

    @property
    def ok(self) -> bool:
        """No errors: intact and consistent (authentic only if also :attr:`authenticated`)."""
        return not self.errors

    @property
    def authenticated(self) -> bool:
        """The signature verified with a key the auditor gave, not one the bundle carries."""
        return self.key_source == "trusted" and self.checked.signature

    @property
    def verdict(self) -> str:
        """``verified``, ``verified_own_key``, ``not_authenticated`` or ``not_verified``."""
        if not self.ok:
            return NOT_VERIFIED
        if self.authenticated:
            return VERIFIED
        if self.trust_bundle_key:
            return VERIFIED_OWN_KEY
        return NOT_AUTHENTICATED

    @property
    def accepted(self) -> bool:
        """What exit code 0 means: verified, with a trusted key or an explicitly trusted own key."""
        return self.verdict in (VERIFIED, VERIFIED_OWN_KEY)

    @property
    def first_error(self) -> Problem | None:
        return self.errors[0] if self.errors else None

    def error(
        self, code: str, message: str, seq: int | None = None, file: str | None = None
    ) -> None:
        shown_file = None if file is None else shown(file)
        self.errors.append(Problem(code, shown(message), seq, shown_file))

    def find(self, code: str, message: str, seq: int | None = None, level: str = "review") -> None:
        self.findings.append(Finding(code, shown(message), seq, level))

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "verified": self.accepted,
            "verdict": self.verdict,
            "intact": self.ok,
            "authenticated": self.authenticated,
            "kiosk_id": self.kiosk_id,
            "entries": self.entries,
            "head": self.head,
            "genesis": self.genesis,
            "created_at": self.created_at,
            "key_fingerprint": self.key_fingerprint,
            "key_source": self.key_source,
            "trusted_keys": list(self.trusted_keys),
            "signed_by": self.signed_by,
            "trust_bundle_key": self.trust_bundle_key,
            "checked": self.checked.to_json(),
            "anchors": [asdict(a) for a in self.checked.anchors],
            "errors": [asdict(p) for p in self.errors],
            "findings": [asdict(f) for f in self.findings],
        }


def shown(text: str) -> str:
    """``text`` with every character that is not printable written as an escape (``\\x1b``).

    Control characters (an ANSI escape, a carriage return, a backspace), C1
    controls, bidirectional overrides, line separators and lone surrogates
    (a file name that is not UTF-8) could rewrite or hide what the verifier
    prints; escaped, they are only shown. Idempotent: backslashes are left
    as they are, so text already shown is unchanged.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(c: str) -> str:
    o = ord(c)
    if o < 0x100:
        return f"\\x{o:02x}"
    if o < 0x10000:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


def fingerprint(raw_key: bytes) -> str:
    """``SHA256:…`` as ``ssh-keygen -l`` prints it."""
    blob = sshsig.public_key_blob(raw_key)
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
