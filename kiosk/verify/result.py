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
        shown_file = None if file is None else shown(file)
        self.errors.append(Problem(code, shown(message), seq, shown_file))

    def find(self, code: str, message: str, seq: int | None = None, level: str = "review") -> None:
        self.findings.append(Finding(code, shown(message), seq, level))

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
