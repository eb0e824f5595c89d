"""What the per-entry checks record: errors (:class:`Problem`) and findings (:class:`Finding`).

Why here, below the verifier and the journal: the terminal (at every unlock,
and the journal screen's "Check the whole chain") and the auditors' verifier
run the same per-entry checks (:mod:`kiosk.rules.entries`), so the little
types those checks record into live where both can use them. The
verifier's :class:`~kiosk.verify.result.VerifyResult` is one place findings
go; :class:`Findings` is the terminal's.

Invariants:

* A :class:`Problem` means "must not be trusted"; a :class:`Finding` never
  does (``level`` "review": a reviewer must look; "note": may want to).
* Findings are kept in the order the checks made them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Problem:
    """An error: the bundle (or entry) must not be trusted."""

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


class FindingSink(Protocol):
    """Where the per-entry checks put their findings (a verdict, or a plain list)."""

    def find(
        self, code: str, message: str, seq: int | None = None, level: str = "review"
    ) -> None: ...


@dataclass
class Findings:
    """A plain list of findings: what the terminal keeps of a walk besides its errors."""

    findings: list[Finding] = field(default_factory=list)

    def find(self, code: str, message: str, seq: int | None = None, level: str = "review") -> None:
        self.findings.append(Finding(code, message, seq, level))
