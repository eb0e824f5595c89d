"""Crash test: a writer SIGKILLed at random moments loses nothing it acknowledged.

Pass rule: after each kill, every (seq, hash) the child reported after
``append`` returned is in the journal with that hash, and the whole chain
verifies from seq 1. Run at least 200 times (SEALROOM_CRASH_KILLS raises it).
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from hardware.process import harden_process
from kiosk.format.clock import FakeClock, SystemClock
from kiosk.journal.store import Journal
from kiosk.terminal.lifecycle import Commissioned
from kiosk.terminal.signers import journal_check

KILLS = int(os.environ.get("SEALROOM_CRASH_KILLS", "200"))


def append_forever(data_dir: Path, db_key: bytes, report_fd: int) -> None:
    """Run in the child: open, then append until killed, reporting each acknowledged entry.

    The report is written to the pipe only after ``append`` returned, so a
    reported entry is by definition an acknowledged one. Like every Sealroom
    process that holds the database key, it first switches core dumps off.
    """
    harden_process()
    clock = SystemClock()
    # The journal was commissioned on a test clock, months before the real one: this
    # child's clock is taken as confirmed (kiosk.journal.clockwatch would otherwise
    # refuse to stamp entries so far past the last one until two custodians confirm it).
    clock.watch.trust(clock)
    journal = Journal.open(data_dir, db_key, clock, approval_check=journal_check)
    os.write(report_fd, b"open\n")
    n = 0
    while True:
        n += 1
        entry = journal.append(
            "alert.raised", {"alert": "crash.probe", "summary": f"probe {os.getpid()} #{n}"}
        )
        os.write(report_fd, f"{entry.seq} {entry.hash}\n".encode())


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_and_kill(data_dir: Path, key: bytes, rng: random.Random) -> list[tuple[int, str]]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            append_forever(data_dir, key, w)
        finally:
            os._exit(1)
    os.close(w)
    # Let the child open the journal and acknowledge a random number of entries
    # (counted, not timed, so a busy machine changes nothing), then kill it a
    # random moment later: the kill lands anywhere inside the appends that follow.
    target = rng.randint(1, 20)
    buf = b""
    while buf.count(b"\n") < 1 + target:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        buf += chunk
    time.sleep(rng.uniform(0.0, 0.002))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    buf += _read_all(r)
    os.close(r)
    acked = []
    for line in buf.decode().splitlines():
        if line and line != "open":
            seq, h = line.split()
            acked.append((int(seq), h))
    return acked


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_entry(terminal: Commissioned) -> None:
    d, key = terminal.journal.data_dir, terminal.db_key
    terminal.journal.close()
    rng = random.Random(20261127)
    total_acked = 0
    for kill in range(KILLS):
        acked = run_and_kill(d, key, rng)
        total_acked += len(acked)
        # Opening checks the whole chain from seq 1 and raises at its first problem.
        j = Journal.open(d, key, FakeClock(), approval_check=journal_check)
        try:
            for seq, h in acked:
                entry = j.entry(seq)
                assert entry is not None, f"kill {kill}: acknowledged entry {seq} is missing"
                assert entry.hash == h, f"kill {kill}: entry {seq} changed"
            if acked:
                assert j.head.seq >= acked[-1][0]
        finally:
            j.close()
    assert total_acked > KILLS  # the child really was appending when killed
