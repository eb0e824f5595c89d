"""Several bundles of one terminal must agree (spec section 7, Amendment 1).

An insider who can rewrite the terminal's files can roll its journal back
(restore an older copy) or fork it (rewrite history and go on from there),
and each bundle exported afterwards verifies on its own. Bundles exported at
different times are witnesses of each other: each acts as an anchor for the
others.

Invariants:

* Only *authentic* bundles testify: the manifest's signature verified with
  the key that must sign, and ``journal.jsonl`` hashed to what the manifest
  lists. A bundle anyone could have made proves nothing about the terminal,
  so it cannot condemn a genuine one (it is NOT VERIFIED itself).
* Bundles are grouped by the ``kiosk_id`` of their signed manifest; every
  pair in a group is compared:

  - **fork**: on every seq both hold (entries that passed the walk), the
    entry hashes must be equal; otherwise the journal forked, an error for
    both, naming the first seq that differs (every later one differs too,
    since each hash covers the one before);
  - **rollback**: the bundle with the later ``created_at`` must not have a
    lower head seq than the earlier one; otherwise the journal was rolled
    back, an error for the later one.
* Hashes are kept as 32 bytes per entry, so comparing bundles costs memory
  in proportion to their entries, never to their files' sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from kiosk.verify.result import VerifyResult


@dataclass
class Witness:
    """What one bundle says about its terminal's journal, for comparing it with others."""

    result: VerifyResult
    authentic: bool = False
    kiosk_id: str | None = None
    created_at: str | None = None
    head_seq: int | None = None
    journal_hash: str | None = None  # SHA-256 of journal.jsonl as the walk read it, if whole
    hashes: bytearray = field(default_factory=bytearray, repr=False)

    def add(self, entry_hash: str) -> None:
        """Keep the hash of the next entry that passed the walk (64 hex digits)."""
        self.hashes += bytes.fromhex(entry_hash)

    @property
    def held(self) -> int:
        """How many entries (from seq 1) this bundle holds that passed the walk."""
        return len(self.hashes) // 32

    def hash_at(self, seq: int) -> str:
        return self.hashes[32 * (seq - 1) : 32 * seq].hex()

    @property
    def label(self) -> str:
        return Path(self.result.bundle).name or self.result.bundle


def check_agreement(witnesses: Sequence[Witness]) -> None:
    """Compare every pair of authentic bundles of one terminal; record forks and rollbacks."""
    groups: dict[str, list[Witness]] = {}
    for w in witnesses:
        if w.authentic and w.kiosk_id is not None:
            groups.setdefault(w.kiosk_id, []).append(w)
    for group in groups.values():
        for a, b in combinations(group, 2):
            a.result.checked.compared_with.append(b.label)
            b.result.checked.compared_with.append(a.label)
            _fork(a, b)
            _rollback(a, b)


def first_difference(a: Witness, b: Witness) -> int | None:
    """The first seq both hold where the entry hashes differ, or None."""
    n = min(a.held, b.held)
    if a.hashes[: 32 * n] == b.hashes[: 32 * n]:
        return None
    return next(seq for seq in range(1, n + 1) if a.hash_at(seq) != b.hash_at(seq))


def _fork(a: Witness, b: Witness) -> None:
    seq = first_difference(a, b)
    if seq is None:
        return
    for this, other in ((a, b), (b, a)):
        this.result.error(
            "fork",
            f"the journal forked: entry {seq} has hash {this.hash_at(seq)} in this bundle and "
            f"{other.hash_at(seq)} in {other.label} (also of terminal {this.kiosk_id}); "
            "one of them was rewritten",
            seq=seq,
        )


def _rollback(a: Witness, b: Witness) -> None:
    if a.created_at is None or b.created_at is None or a.created_at == b.created_at:
        return
    # Times are YYYY-MM-DDTHH:MM:SS.mmmZ (checked with the manifest): text order is time order.
    earlier, later = (a, b) if a.created_at < b.created_at else (b, a)
    if earlier.head_seq is None or later.head_seq is None:
        return
    if later.head_seq < earlier.head_seq:
        later.result.error(
            "rollback",
            f"the journal was rolled back: this bundle was created at {later.created_at}, "
            f"after {earlier.label} ({earlier.created_at}), but its head is entry "
            f"{later.head_seq} where that bundle's was entry {earlier.head_seq}",
            seq=later.head_seq,
        )
