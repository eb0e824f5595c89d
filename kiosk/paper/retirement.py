"""The retirement certificate: what a retired terminal leaves on paper (issue 21).

Why a document of its own: after the retirement the terminal can no longer
open its journal, so this sheet and the final audit export are all that
speak for it. The certificate names the final export and its head (the last
entry the auditors can check, with a QR code of ``SEQ:HASH`` that
``sealroom verify --anchor`` takes as it is), the retirement entry and who
signed it, and what was destroyed. Nothing on it is secret.

It is built from plain facts (:meth:`RetirementCertificate.from_facts`):
the same facts are kept in the retired data directory's ``RETIRED`` note
(``kiosk/terminal/retire.py``), so the certificate can be printed again, or
written to a PDF, after the key material is gone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from kiosk.paper.base import Document, DocumentMeta, JournalHead, Person
from kiosk.paper.base import check_aware as _aware
from kiosk.paper.base import check_hash as _hash
from kiosk.paper.base import check_text as _text
from kiosk.paper.base import invalid as _invalid

#: What the retirement destroys, as the certificate lists it.
DESTROYED: tuple[str, ...] = (
    "The key-slot file, overwritten then removed: the only copy of the journal's database "
    "key, wrapped for each custodian's key and for the recovery passphrase.",
    "So the terminal's signing key and QR key, kept only inside the encrypted database: "
    "the database file is left, and no longer opens.",
    "The records of steps in progress (intents).",
)


@dataclass(frozen=True)
class RetirementCertificate(Document):
    """The final head, the final export, who retired the terminal and what was destroyed."""

    title: ClassVar[str] = "Terminal retirement certificate"
    slug: ClassVar[str] = "retirement-certificate"

    meta: DocumentMeta
    kiosk_id: str
    key_fingerprint: str
    genesis_hash: str
    retired_seq: int
    retired_hash: str
    retired_at: dt.datetime
    retired_by: tuple[Person, ...]
    reason: str
    #: the final export's head: its last entry (an auditor's anchor)
    final_seq: int
    final_hash: str
    bundle: str
    volume: str
    manifest_hash: str
    #: the terminal's own last entry (``export.created`` for that bundle: not in it)
    last_seq: int
    last_hash: str
    destroyed: tuple[str, ...] = DESTROYED

    @property
    def qr_payload(self) -> str:
        """``SEQ:HASH`` of the final head: ``sealroom verify --anchor`` takes it as it is."""
        return f"{self.final_seq}:{self.final_hash}"

    def _check(self) -> None:
        d = self.title
        for name in ("kiosk_id", "key_fingerprint", "reason", "bundle", "volume"):
            _text(d, name, getattr(self, name))
        for name in ("genesis_hash", "retired_hash", "final_hash", "manifest_hash", "last_hash"):
            _hash(d, name, getattr(self, name))
        _aware(d, "retired_at", self.retired_at)
        if not 1 <= self.retired_seq <= self.final_seq < self.last_seq:
            raise _invalid(d, "final_seq", "must hold the retirement and precede the last entry")
        if len(self.retired_by) < 2:
            raise _invalid(d, "retired_by", "needs the two custodians who signed")
        if not self.destroyed:
            raise _invalid(d, "destroyed", "is empty")

    @classmethod
    def from_facts(
        cls, facts: dict[str, Any], printed_at: dt.datetime, timezone: str = "UTC"
    ) -> RetirementCertificate:
        """The certificate for the facts kept by ``kiosk.terminal.retire.retirement_facts``."""
        try:
            meta = DocumentMeta(
                terminal_id=str(facts["kiosk_id"]),
                head=JournalHead(int(facts["last"]["seq"]), str(facts["last"]["hash"])),
                printed_at=printed_at,
                timezone=timezone,
            )
            retired = facts["retired"]
            return cls(
                meta=meta,
                kiosk_id=str(facts["kiosk_id"]),
                key_fingerprint=str(facts["key_fingerprint"]),
                genesis_hash=str(facts["genesis_hash"]),
                retired_seq=int(retired["seq"]),
                retired_hash=str(retired["hash"]),
                retired_at=dt.datetime.fromisoformat(str(retired["ts"]).replace("Z", "+00:00")),
                retired_by=tuple(Person(str(n), str(r)) for n, r in retired["by"]),
                reason=str(retired["reason"]),
                final_seq=int(facts["final"]["seq"]),
                final_hash=str(facts["final"]["hash"]),
                bundle=str(facts["bundle"]),
                volume=str(facts["volume"]),
                manifest_hash=str(facts["manifest_hash"]),
                last_seq=int(facts["last"]["seq"]),
                last_hash=str(facts["last"]["hash"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _invalid(cls.title, "facts", f"are incomplete ({type(exc).__name__})") from None


__all__ = ["DESTROYED", "RetirementCertificate"]
