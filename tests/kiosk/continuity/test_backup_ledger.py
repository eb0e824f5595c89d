"""The dashboard's backup line reads the journal once, then only what it adds (issue 21)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kiosk.format.entry import GENESIS_PREV, Entry
from kiosk.terminal.backups import BackupLedger, backup_status


@dataclass
class _State:
    last_ts: str = ""


@dataclass
class _Journal:
    """A journal as the ledger reads it: entries from a seq, and the state's last time."""

    rows: list[Entry] = field(default_factory=list)
    state: _State = field(default_factory=_State)
    reads: list[int] = field(default_factory=list)

    def add(self, kind: str, data: dict[str, Any], day: int) -> None:
        ts = f"2026-01-{day:02d}T09:00:00.000Z"
        self.rows.append(Entry(len(self.rows) + 1, ts, kind, data, GENESIS_PREV))
        self.state.last_ts = ts

    def entries(self, start: int = 1) -> Iterator[Entry]:
        for e in self.rows[start - 1 :]:
            self.reads.append(e.seq)
            yield e


def test_each_update_reads_only_the_new_entries_and_agrees_with_a_full_read() -> None:
    j = _Journal()
    j.add("backup.medium_registered", {"medium": "STICK-1"}, 1)
    j.add("backup.written", {"medium": "STICK-1", "seq": 1}, 2)
    ledger = BackupLedger()
    first = ledger.update(j).status(j, 7)  # type: ignore[arg-type]
    assert j.reads == [1, 2] and first.reason == "schedule"
    assert first.due_by.startswith("2026-01-09")
    assert ledger.medium == ledger.last_medium == "STICK-1"
    j.reads.clear()
    j.add("custodian.revoked", {"custodian": "sam"}, 3)
    then = ledger.update(j).status(j, 7)  # type: ignore[arg-type]
    assert j.reads == [3]  # only what was added
    assert then.reason == "revocation" and then.due_by.startswith("2026-01-03")
    assert then == backup_status(j, 7)  # type: ignore[arg-type]
