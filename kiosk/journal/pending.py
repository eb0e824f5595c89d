"""An entry that custodians are signing: its seq is reserved, its attestations gather.

:meth:`kiosk.journal.store.Journal.begin` makes one. Until it is committed or
abandoned the journal appends nothing else, so the digest the custodians'
keys sign stays the digest of the entry that is written (the journal keeps
that rule, and never offers an abandoned digest again).

Invariants:

* the entry's seq, ts, kind, data and prev are fixed when it is made, so its
  :attr:`Pending.digest` (the WebAuthn challenge) never changes;
* attestations are only added while it is open: once committed or abandoned
  (``closed``), :meth:`Pending.add` refuses with ``journal.pending_gone``;
* committing is the journal's business: :meth:`Pending.commit` hands the
  entry back to the journal that made it, which checks it again before it
  writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.errors import JournalError
from kiosk.format.entry import Entry


class Pending:
    """An entry whose seq is reserved while custodians sign its digest.

    ``commit`` and ``abandon`` are the journal's own operations on it, handed
    in by the journal that reserved the seq.
    """

    def __init__(
        self,
        entry: Entry,
        commit: Callable[[Pending], Entry],
        abandon: Callable[[Pending], None],
    ) -> None:
        self._entry = entry
        self._commit = commit
        self._abandon = abandon
        self._attest: list[dict[str, Any]] = []
        self.closed = False

    @property
    def seq(self) -> int:
        return self._entry.seq

    @property
    def digest(self) -> bytes:
        """The challenge each approver's security key signs."""
        return self._entry.digest

    @property
    def attestations(self) -> tuple[dict[str, Any], ...]:
        return tuple(self._attest)

    def add(self, attestation: dict[str, Any]) -> None:
        if self.closed:
            raise JournalError("journal.pending_gone")
        self._attest.append(dict(attestation))

    def draft(self) -> Entry:
        """The entry with the attestations gathered so far, sealed (its hash set)."""
        return Entry(
            self._entry.seq,
            self._entry.ts,
            self._entry.kind,
            self._entry.data,
            self._entry.prev,
            tuple(self._attest),
        ).sealed()

    def commit(self) -> Entry:
        """Write the entry durably (the journal checks every attestation again)."""
        return self._commit(self)

    def abandon(self) -> None:
        """Give the entry up: its seq is free again, its digest never offered again."""
        self._abandon(self)
