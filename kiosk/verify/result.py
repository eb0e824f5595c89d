"""What the verifier says about one bundle: its errors, its findings and what it describes.

Invariants:

* An error (:class:`Problem`) means the bundle must not be trusted; a
  finding (:class:`Finding`) never makes it fail. ``VerifyResult.ok`` is
  exactly "no errors".
* :class:`Problem` and :class:`Finding` are the per-entry checks' own types
  (:mod:`kiosk.rules.findings`, shared with the terminal), re-exported here.
* Errors and findings are kept in the order the checks made them, so the
  first error is the one an auditor reads first (spec section 7).
* :meth:`VerifyResult.to_json` is the ``--json`` contract of
  ``kiosk/verify/README.md``; its keys do not change.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.rules.findings import Finding, Problem
from kiosk.verify import sshsig

__all__ = ["Finding", "Problem", "VerifyResult", "fingerprint"]


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
    blob = sshsig.public_key_blob(raw_key)
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
