"""A child process that appends in a loop and reports each acknowledged entry.

Used by the crash test and ``benchmarks/journal.py``: the parent kills the
child with SIGKILL at a random moment, then checks that every entry the child
reported (after ``append`` returned) is in the journal and the chain
verifies. The report is written to a pipe only after the append returned, so
a reported entry is by definition an acknowledged one.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.approval import journal_check
from kiosk.clock import SystemClock
from kiosk.journal.store import Journal


def append_forever(data_dir: Path, db_key: bytes, report_fd: int) -> None:
    """Run in the child: open, then append until killed."""
    journal = Journal.open(data_dir, db_key, SystemClock(), approval_check=journal_check)
    os.write(report_fd, b"open\n")
    n = 0
    while True:
        n += 1
        entry = journal.append(
            "alert.raised", {"alert": "crash.probe", "summary": f"probe {os.getpid()} #{n}"}
        )
        os.write(report_fd, f"{entry.seq} {entry.hash}\n".encode())
