"""Full-chain verification of a large journal, split over worker processes.

``Journal.verify`` runs at every unlock and re-checks the whole chain. On a
long journal most of that time is decrypting pages, parsing and hashing:
work that splits cleanly by seq range. :func:`verify_database` checks the
first range in the calling process and gives each further range to a child
process that reads it straight from the database (WAL lets several
connections read at once) and checks it with the same
:func:`~kiosk.journal.entry.check_chain`.

Invariants:

* The verdict is exactly the sequential one. A child checks its range with
  the prev hash and ts its first line claims; the parent accepts the range
  only if that claimed prev is the hash the accepted lines before it ended
  on, its first ts is not earlier than theirs, and the child expected the
  seq that follows them. Those are the only checks that depend on earlier
  lines, so an accepted prefix is exactly what a single pass accepts. As
  soon as a range is not accepted (a problem, a broken join, a child that
  failed or timed out), the parent checks everything from that range on
  itself, resuming ``check_chain`` where the accepted prefix ended, so the
  entry it names and the reason are the sequential checker's.
* A child is a fresh interpreter (:func:`kiosk.workerproc.start_worker`),
  never a fork of the caller, which may have threads (the kiosk calls
  verify from a worker thread).
* The database key reaches a child only through its stdin pipe: never argv,
  the environment or a file. A child's stderr is discarded (it is never
  shown to a user); a child that fails only costs speed.
* No child outlives the call: every child is killed and reaped in a
  ``finally`` whatever happens (an exception, a problem found early, a
  timeout), and on Linux a child also asks the kernel to kill it if its
  parent dies.
* Small journals, a single spare core (cores already busy with other
  work), a frozen executable or a call with an ``on_entry`` callback
  (which must see every entry in order, in this process) stay sequential.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec

from kiosk.journal.db import Connection, open_reader
from kiosk.journal.entry import ChainResult, check_chain
from kiosk.workerproc import read_frame, spare_cores, start_worker, write_frame

#: Below this many entries a single process is faster than starting another
#: interpreter (about 0.1 s); measured with ``benchmarks/journal.py``.
PARALLEL_THRESHOLD = 20_000
#: The parent takes this many more entries than each child: it starts at
#: once, while a child first spends about 0.1 s starting its interpreter.
PARENT_HEAD_START = 4_000
#: Most processes used (parent included), whatever the core count.
MAX_PROCESSES = 4
#: A child gets at least this long after the parent finished its own range,
#: or three times what the parent's range took, before it is given up.
CHILD_GRACE_S = 10.0
#: Rows fetched per round trip; fewer, larger fetches cost less Python.
FETCH_ROWS = 2048

_KEY_BYTES = 32
_MIN_SEQ = -(2**63)
_PR_SET_PDEATHSIG = 1


class _Request(msgspec.Struct, forbid_unknown_fields=True):
    """What a child checks: rows with ``lo < seq <= hi`` (no upper bound if None)."""

    path: str
    lo: int
    hi: int | None
    start_seq: int


class RangeReport(msgspec.Struct, forbid_unknown_fields=True):
    """One range's verdict, as a child sends it back.

    ``first_prev``/``first_ts`` are what the range's first line claims about
    the entry before it; the parent checks them at the join. ``ok`` is False
    if anything in the range is wrong (the parent then names it itself).
    """

    ok: bool
    lines: int
    first_prev: str = ""
    first_ts: str = ""
    entries: int = 0
    head_hash: str = ""
    head_ts: str = ""


def read_lines(conn: Connection, lo: int | None = None, hi: int | None = None) -> Iterator[bytes]:
    """The stored lines with ``lo < seq <= hi`` in seq order, fetched in large chunks."""
    cur = conn.execute(
        "SELECT line FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq",
        (_MIN_SEQ if lo is None else lo, 2**63 - 1 if hi is None else hi),
    )
    try:
        while rows := cur.fetchmany(FETCH_ROWS):
            for (line,) in rows:
                yield line if type(line) is bytes else bytes(line)
    finally:
        cur.close()


def _claims(first: bytes) -> tuple[str, str]:
    """The prev and ts a line claims, or empty strings (the check then fails it)."""
    try:
        obj = msgspec.json.decode(first)
    except msgspec.DecodeError:
        return "", ""
    if not isinstance(obj, dict):
        return "", ""
    prev, ts = obj.get("prev"), obj.get("ts")
    return (prev if isinstance(prev, str) else ""), (ts if isinstance(ts, str) else "")


def check_range(lines: Iterable[bytes], start_seq: int) -> RangeReport:
    """Check a range of a chain whose predecessor is not known here.

    The first line's own ``prev`` and ``ts`` stand in for the entry before
    it, so every check except "prev is the hash before" and "ts not earlier
    than before" is made; the report carries the claimed values for the
    caller to check at the join.
    """
    it = iter(lines)
    first = next(it, None)
    if first is None:
        return RangeReport(ok=True, lines=0, entries=start_seq - 1)
    prev, ts = _claims(first)
    result = check_chain(itertools.chain((first,), it), None, start_seq, prev_hash=prev, prev_ts=ts)
    if result.problem is not None:
        return RangeReport(ok=False, lines=0)
    return RangeReport(
        ok=True,
        lines=result.entries - start_seq + 1,
        first_prev=prev,
        first_ts=ts,
        entries=result.entries,
        head_hash=result.head_hash,
        head_ts=result.head_ts,
    )


def _bounds(top: int, processes: int) -> list[int]:
    """Upper seq bound of each range but the last (which has none).

    The parent's range (up to the first bound) is longer by a head start;
    the children share the rest evenly.
    """
    head = min(PARENT_HEAD_START, top // 10)
    share = max(1, (top - head) // processes)
    first = min(top, share + head)
    return [min(top, first + k * share) for k in range(processes - 1)]


def _start_child(key: bytes, request: _Request) -> subprocess.Popen[bytes]:
    proc = start_worker("kiosk.journal.parallel")
    try:
        stdin = proc.stdin
        if stdin is None:  # pragma: no cover - stdin=PIPE always gives one
            raise OSError("no pipe to the verify worker")
        # The key (raw, fixed length), then the request as one frame. The
        # pipe stays open until the report is collected (``communicate``
        # closes it), so the child reads exact lengths rather than waiting
        # for the end of its input.
        stdin.write(key)
        write_frame(stdin, msgspec.json.encode(request))
    except BaseException:
        _stop(proc)
        raise
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill and reap a child (a no-op for one that already exited)."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            proc.kill()
    with contextlib.suppress(Exception):
        proc.wait(timeout=CHILD_GRACE_S)
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def _collect(proc: subprocess.Popen[bytes], timeout: float) -> RangeReport | None:
    """The child's report, or None if it failed, timed out or answered nonsense."""
    try:
        out, _ = proc.communicate(timeout=timeout)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        return None
    if proc.returncode != 0:
        return None
    try:
        return msgspec.json.decode(out, type=RangeReport)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _joins(done: ChainResult, lo: int, report: RangeReport) -> bool:
    """True if a child's range continues exactly where the accepted lines end.

    The child expected seq ``lo + 1`` first, so the accepted lines must end
    at seq ``lo``; its first line's prev and ts, taken on trust inside the
    child, are checked here against the accepted head, as a single pass
    would have checked them.
    """
    if not report.ok or done.entries != lo:
        return False
    if report.lines == 0:
        return True
    return report.first_prev == done.head_hash and report.first_ts >= done.head_ts


def _resume(conn: Connection, lo: int, done: ChainResult) -> ChainResult:
    """Check every row after ``lo`` in this process, continuing from ``done``."""
    rest = check_chain(
        read_lines(conn, lo),
        None,
        done.entries + 1,
        prev_hash=done.head_hash,
        prev_ts=done.head_ts,
    )
    if rest.problem is not None:
        # Lines are numbered from the first line of ``rest``: add the ones before.
        problem = replace(rest.problem, line=rest.problem.line + done.entries)
        return replace(rest, problem=problem)
    return rest


def verify_database(
    conn: Connection,
    path: Path,
    key: bytes,
    *,
    processes: int | None = None,
    threshold: int | None = None,
) -> ChainResult:
    """Check the whole chain in ``conn``'s database, as ``check_chain`` over all rows would.

    ``path`` and ``key`` let child processes open their own read connection.
    ``processes`` (default: :func:`spare_cores`, at most
    :data:`MAX_PROCESSES`) counts the caller; 1 means sequential. Journals whose last seq is below
    ``threshold`` (default :data:`PARALLEL_THRESHOLD`) are checked here
    only. The caller must keep writers out
    for the duration (``Journal`` holds its lock), so every process sees the
    same rows.
    """
    procs = min(processes or spare_cores(), MAX_PROCESSES)
    threshold = PARALLEL_THRESHOLD if threshold is None else threshold
    row = conn.execute("SELECT max(seq) FROM entries").fetchone()
    top = row[0] if row is not None and isinstance(row[0], int) else 0
    if procs < 2 or top < threshold or len(key) != _KEY_BYTES or getattr(sys, "frozen", False):
        return check_chain(read_lines(conn))
    bounds = _bounds(top, procs)
    children: list[tuple[int, subprocess.Popen[bytes]]] = []
    try:
        for k, lo in enumerate(bounds):
            hi = bounds[k + 1] if k + 1 < len(bounds) else None
            request = _Request(path=str(path), lo=lo, hi=hi, start_seq=lo + 1)
            try:
                children.append((lo, _start_child(key, request)))
            except OSError:
                break  # no more processes: the ranges not handed out are checked here
        t0 = time.monotonic()
        done = check_chain(read_lines(conn, None, bounds[0]))
        if done.problem is not None:
            return done
        timeout = max(CHILD_GRACE_S, 3 * (time.monotonic() - t0))
        for lo, proc in children:
            report = _collect(proc, timeout)
            if report is None or not _joins(done, lo, report):
                return _resume(conn, lo, done)
            if report.lines:
                done = ChainResult(report.entries, report.head_hash, None, report.head_ts)
        if len(children) < len(bounds):  # some ranges were never handed out
            return _resume(conn, bounds[len(children)], done)
        return done
    finally:
        for _, proc in children:
            _stop(proc)


def _die_with_parent() -> None:
    """Ask Linux to kill this process if its parent dies (best effort elsewhere)."""
    with contextlib.suppress(Exception):
        import ctypes  # only the worker needs it

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def worker_main() -> None:
    """A child's whole life: read key and request from stdin, check, print the report."""
    _die_with_parent()
    # This short-lived process only makes objects that die young; the
    # cyclic collector would spend its time scanning them for nothing.
    gc.disable()
    stdin = sys.stdin.buffer
    key = stdin.read(_KEY_BYTES)
    request = msgspec.json.decode(read_frame(stdin) or b"", type=_Request)
    conn: Any = open_reader(Path(request.path), key)
    try:
        report = check_range(read_lines(conn, request.lo, request.hi), request.start_seq)
    finally:
        conn.close()
    sys.stdout.buffer.write(msgspec.json.encode(report))
    sys.stdout.buffer.flush()
