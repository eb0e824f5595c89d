"""Full-chain verification of a large journal, shared with worker processes.

On a long journal most of a chain check is decrypting pages, parsing and
hashing: work that splits cleanly by seq range. :func:`verify_database`
checks the journal from its start in the calling process while child
processes, each reading straight from the database (WAL lets several
connections read at once), check it from the other end with the same
:func:`~kiosk.journal.entry.check_chain`.

How the work is shared: seqs are cut into chunks of :data:`CHUNK_ROWS`
(boundaries at its multiples). The first child checks its range chunk by
chunk from the top down and reports each chunk as soon as it is checked;
the parent checks chunk by chunk from the bottom up, reads the reports
between two chunks, and stops where the first child's good chunks begin.
The two meet wherever the work is half done, whatever the child's start-up
cost (0.1 s or more, and more on a busy machine), so no fixed share can be
wrong. With more processes, further children take fixed ranges at the top
and the parent joins their chunks at the end.

Invariants:

* The verdict is exactly the sequential one. A child checks each chunk with
  the prev hash and ts its first line claims; the parent accepts a chunk
  only if that claimed prev is the hash the accepted lines before it ended
  on, its first ts is not earlier than theirs, and the child expected the
  seq that follows them. Those are the only checks that depend on earlier
  lines, so an accepted prefix is exactly what a single pass accepts. As
  soon as a chunk is missing or not accepted (a problem, a broken join, a
  child that failed or timed out), the parent checks everything from there
  on itself, resuming ``check_chain`` where the accepted prefix ended, so
  the entry it names and the reason are the sequential checker's.
* The parent always checks the first chunk itself, from the lowest seq
  stored (rows with a seq of 0 or less included).
* A child is a fresh interpreter (:func:`kiosk.workerproc.start_worker`),
  never a fork of the caller, which may have threads (the kiosk calls
  verify from a worker thread).
* The database key reaches a child only through its stdin pipe: never argv,
  the environment or a file. A child's stderr is discarded (it is never
  shown to a user); a child that fails only costs speed.
* No child given work outlives the call: every child is killed and reaped
  in a ``finally`` whatever happens (an exception, a problem found early,
  the parent reaching the child's chunks, a timeout), and on Linux a child
  with work also asks the kernel to kill it if its parent dies. A child
  waiting on :class:`Standby` has no work and no key (see there).
* Small journals, a single usable core, a frozen executable or a call
  with an ``on_entry`` callback (which must see every entry in order, in
  this process) stay sequential. A machine busy with other work does not:
  since the parent never waits for the first child, a child that gets no
  core costs only its start-up (measured with one and with two busy-loop
  processes on two cores: the split still took 0.96 s and 1.47 s where one
  process took 1.22 s and 2.20 s).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import operator
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec

from kiosk.journal.db import Connection, open_reader, profile_named, profile_of
from kiosk.journal.entry import ChainResult, check_chain
from kiosk.workerproc import read_frame, start_worker, take_frames, usable_cores, write_frame

#: Below this many entries a single process is faster than starting another
#: interpreter (about 0.1 s); measured with ``benchmarks/journal.py``.
PARALLEL_THRESHOLD = 20_000
#: Seqs per chunk: small enough that the parent and the first child meet
#: close to the middle (a chunk is about 15 ms of work), large enough that
#: a chunk's report and read round trip cost nothing measurable.
CHUNK_ROWS = 2048
#: Most processes used (parent included), whatever the core count.
MAX_PROCESSES = 4
#: A child gets at least this long after the parent finished its own part,
#: or three times what the parent's part took, before it is given up.
CHILD_GRACE_S = 10.0
#: Rows fetched per round trip; fewer, larger fetches cost less Python.
FETCH_ROWS = 2048

_KEY_BYTES = 32
_MODULE = "kiosk.journal.parallel"
_MIN_SEQ = -(2**63)
_PR_SET_PDEATHSIG = 1


class _Request(msgspec.Struct, forbid_unknown_fields=True):
    """What a child checks: rows with ``lo < seq <= hi``, chunk by chunk from the top."""

    path: str
    profile: str
    lo: int
    hi: int
    chunk: int


class RangeReport(msgspec.Struct, forbid_unknown_fields=True):
    """One range's verdict, as a child sends it back.

    ``first_prev``/``first_ts`` are what the range's first line claims about
    the entry before it; the parent checks them at the join. ``ok`` is False
    if anything in the range is wrong (the parent then names it itself).
    ``lo``/``hi`` are the range's seq bounds (``lo < seq <= hi``).
    """

    ok: bool
    lines: int
    first_prev: str = ""
    first_ts: str = ""
    entries: int = 0
    head_hash: str = ""
    head_ts: str = ""
    lo: int = 0
    hi: int = 0


def read_lines(conn: Connection, lo: int | None = None, hi: int | None = None) -> Iterator[bytes]:
    """The stored values with ``lo < seq <= hi`` in seq order, fetched in large chunks.

    Each value is handed on exactly as SQLite returns it: ``bytes`` for a
    BLOB, as every line is written, but a row rewritten with another type
    (text, a number) is handed on as that, and the chain check names it.
    The rows of a fetch are unpacked by C iterators (``map`` over
    ``itemgetter``, chained), not a Python loop: about a tenth of the time
    spent reading the rows (measured on 100,000 rows).
    """
    cur = conn.execute(
        "SELECT line FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq",
        (_MIN_SEQ if lo is None else lo, 2**63 - 1 if hi is None else hi),
    )
    return itertools.chain.from_iterable(_fetches(cur))


_FIRST_COLUMN = operator.itemgetter(0)


def _fetches(cur: Any) -> Iterator[Iterator[bytes]]:
    """The first column of each fetch of rows; the cursor is closed when done or dropped."""
    try:
        while rows := cur.fetchmany(FETCH_ROWS):
            yield map(_FIRST_COLUMN, rows)
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


def chunks_downward(lo: int, hi: int, chunk: int) -> list[tuple[int, int]]:
    """``(a, b)`` ranges covering ``lo < seq <= hi``, cut at multiples of ``chunk``, top first."""
    out = []
    b = hi
    while b > lo:
        a = max(lo, (b - 1) // chunk * chunk)
        out.append((a, b))
        b = a
    return out


def child_ranges(top: int, processes: int, chunk: int) -> list[tuple[int, int]]:
    """Each child's ``(lo, hi)``, the first child's first; empty ones left out.

    The further children (if any) get equal fixed ranges at the top, cut at
    chunk multiples; the first child shares the rest with the parent, which
    always keeps the first chunk (``seq <= chunk``) for itself.
    """
    extra = max(0, processes - 2)
    share = top // processes
    bounds = [chunk]
    for k in range(extra, 0, -1):  # where each further child's range starts
        bounds.append(max(chunk, (top - k * share) // chunk * chunk))
    bounds.append(top)
    return [(lo, hi) for lo, hi in itertools.pairwise(bounds) if hi > lo]


def _start_child(
    key: bytes, request: _Request, proc: subprocess.Popen[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Hand ``request`` to ``proc`` (a child already started), or to a new child."""
    if proc is None:
        proc = start_worker(_MODULE)
    try:
        stdin = proc.stdin
        if stdin is None:  # pragma: no cover - stdin=PIPE always gives one
            raise OSError("no pipe to the verify worker")
        # The key (raw, fixed length), then the request as one frame. The
        # pipe stays open until the child is stopped, so the child reads
        # exact lengths rather than waiting for the end of its input.
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


class _Child:
    """One child's process and the chunk reports it has sent so far.

    Reports are read from the raw pipe without blocking (``select``), so the
    parent can look between two of its own chunks. A child that exits, or
    sends something that is not a report of one of its own chunks, is
    *finished*: what it reported before stands, nothing more is awaited.
    """

    def __init__(self, proc: subprocess.Popen[bytes], lo: int, hi: int) -> None:
        self.proc, self.lo, self.hi = proc, lo, hi
        self.by_lo: dict[int, RangeReport] = {}
        self.by_hi: dict[int, RangeReport] = {}
        self.finished = proc.stdout is None
        self._fd = -1 if proc.stdout is None else proc.stdout.fileno()
        self._buf = bytearray()

    def poll(self, timeout: float = 0.0) -> None:
        """Take in what the child has sent, waiting at most ``timeout`` for the first of it."""
        while not self.finished:
            try:
                ready, _, _ = select.select([self._fd], [], [], timeout)
                data = os.read(self._fd, 65536) if ready else None
            except (OSError, ValueError):
                data = b""
            if data is None:
                return
            if not data:
                self.finished = True
                return
            self._buf += data
            self._take_frames()
            timeout = 0.0

    def _take_frames(self) -> None:
        for body in take_frames(self._buf):
            if not body:
                continue  # the child's "ready" (see worker_main): not a report
            try:
                report = msgspec.json.decode(body, type=RangeReport)
            except (msgspec.DecodeError, msgspec.ValidationError):
                self.finished = True
                return
            if not self.lo <= report.lo < report.hi <= self.hi:
                self.finished = True
                return
            self.by_lo[report.lo] = report
            self.by_hi[report.hi] = report

    def low(self) -> int:
        """How far down the child's good chunks reach, contiguous from its top.

        ``(low, hi]`` is covered by chunks that checked out; ``hi`` when
        there is none yet.
        """
        low = self.hi
        while (report := self.by_hi.get(low)) is not None and report.ok:
            low = report.lo
        return low

    def wait_down_to(self, bound: int, deadline: float) -> None:
        """Wait until the good chunks reach ``bound``, the child finishes, or ``deadline``."""
        while not self.finished and self.low() > bound:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.poll(left)


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


def _continue(conn: Connection, lo: int | None, hi: int | None, done: ChainResult) -> ChainResult:
    """Check rows ``lo < seq <= hi`` here, continuing the chain ``done`` ended."""
    rest = check_chain(
        read_lines(conn, lo, hi),
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


def _accept(done: ChainResult, pos: int, child: _Child) -> tuple[ChainResult, int]:
    """Join the child's chunks from ``pos`` up while they join; the chain and where it stopped."""
    while (report := child.by_lo.get(pos)) is not None and _joins(done, pos, report):
        if report.lines:
            done = ChainResult(report.entries, report.head_hash, None, report.head_ts)
        pos = report.hi
    return done, pos


def verify_database(
    conn: Connection,
    path: Path,
    key: bytes,
    *,
    processes: int | None = None,
    threshold: int | None = None,
    chunk: int | None = None,
    parent_rows: int | None = None,
    standby: Standby | None = None,
) -> ChainResult:
    """Check the whole chain in ``conn``'s database, as ``check_chain`` over all rows would.

    ``path`` and ``key`` let child processes open their own read connection.
    ``processes`` (default: :func:`~kiosk.workerproc.usable_cores`, at most
    :data:`MAX_PROCESSES`) counts the caller; 1 means sequential. Journals
    whose last seq is below ``threshold`` (default
    :data:`PARALLEL_THRESHOLD`) are checked here only. ``chunk`` (default
    :data:`CHUNK_ROWS`) is the chunk size. ``parent_rows`` is for tests: the
    parent then waits for the first child once it has checked that many
    seqs, so the join falls where the test wants it rather than wherever
    the two meet. ``standby``, if given, supplies the first child ready
    started (its start-up already paid); it is left empty, for the caller to
    :meth:`~Standby.prepare` again once the check is done. The caller must
    keep writers out for the duration (``Journal`` holds its lock), so every
    process sees the same rows.
    """
    procs = min(processes or usable_cores(), MAX_PROCESSES)
    threshold = PARALLEL_THRESHOLD if threshold is None else threshold
    chunk = max(1, chunk or CHUNK_ROWS)
    row = conn.execute("SELECT max(seq) FROM entries").fetchone()
    top = row[0] if row is not None and isinstance(row[0], int) else 0
    ranges = child_ranges(top, procs, chunk) if procs >= 2 else []
    if not ranges or top < threshold or len(key) != _KEY_BYTES or getattr(sys, "frozen", False):
        return check_chain(read_lines(conn))
    profile = profile_of(conn).name
    children: list[_Child] = []
    try:
        for lo, hi in ranges:
            request = _Request(path=str(path), profile=profile, lo=lo, hi=hi, chunk=chunk)
            ready = standby.take() if standby is not None and not children else None
            try:
                children.append(_Child(_start_child(key, request, ready), lo, hi))
            except OSError:
                break  # no more processes: the ranges not handed out are checked here
        return _share(conn, children, top, chunk, parent_rows)
    finally:
        for child in children:
            _stop(child.proc)


def _share(
    conn: Connection, children: list[_Child], top: int, chunk: int, parent_rows: int | None
) -> ChainResult:
    """The parent's side: check upwards chunk by chunk, meet the first child, join the rest."""
    t0 = time.monotonic()
    first = children[0] if children else None
    # Where the parent stops going up on its own: the first child's range
    # top, or the journal's top if no child started.
    limit = first.hi if first is not None else top
    wait_until = time.monotonic() + CHILD_GRACE_S
    done = ChainResult()
    pos: int | None = None  # nothing checked yet: the first read has no lower bound
    while pos is None or pos < limit:
        at = 0 if pos is None else pos
        if first is not None:
            first.poll()
            if parent_rows is not None and at >= parent_rows:
                first.wait_down_to(at, wait_until)
            limit = first.low()
            if pos is not None and at >= limit:
                break
        end = min((at // chunk + 1) * chunk, limit)
        done = _continue(conn, pos, end, done)
        if done.problem is not None:
            return done
        pos = end
    timeout = max(CHILD_GRACE_S, 3 * (time.monotonic() - t0))
    for child in children:
        if child.hi <= pos:
            continue
        if child is not first:
            child.wait_down_to(child.lo, time.monotonic() + timeout)
        done, pos = _accept(done, pos, child)
        if pos < child.hi:  # a chunk missing or not joining: the rest is checked here
            return _continue(conn, pos, None, done)
    # Nothing is stored above ``top``; this only reads the empty rest.
    return _continue(conn, pos, None, done)


class Standby:
    """A verify child started ahead of the check that will use it.

    A child's start-up (a fresh interpreter, its imports) costs about 0.15 s,
    during which the parent checks alone: on a 100,000-entry journal, a
    fifth of the whole split check. A journal long enough to be split keeps
    one child started in advance (:class:`~kiosk.journal.store.Journal`
    starts it when it opens a long journal and after each check), so the
    check a custodian asks for later starts with its second core at work.

    Invariants:

    * at most one child on standby; :meth:`take` hands it over and leaves
      none, and only :meth:`prepare` starts another;
    * a child on standby has no key and no request: it only waits on its
      stdin, and exits when that closes (:meth:`close`, or its parent dying);
    * a child that died on standby is never handed over (the check then
      starts a fresh one, as without a standby);
    * nothing here raises for a child that cannot be started: the check
      then only goes slower.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None

    def prepare(self, entries: int) -> None:
        """Have a child waiting if a check of ``entries`` will be split; else none.

        Below :data:`PARALLEL_THRESHOLD` (most journals in tests) the check
        stays in one process and no child is kept; nor on a one-core machine
        or in a frozen executable, which never split.
        """
        if entries < PARALLEL_THRESHOLD or usable_cores() < 2 or getattr(sys, "frozen", False):
            self.close()
            return
        if self._proc is not None and self._proc.poll() is None:
            return
        self.close()
        with contextlib.suppress(OSError):
            self._proc = start_worker(_MODULE)

    def take(self) -> subprocess.Popen[bytes] | None:
        """The waiting child, now the caller's (None if there is none alive)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is not None:
            _stop(proc)
            return None
        return proc

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the waiting child has finished starting; False if there is none."""
        proc = self._proc
        if proc is None or proc.stdout is None:
            return False
        with contextlib.suppress(OSError, ValueError):
            # Readable means its "ready" frame arrived; it is left in the
            # pipe, where the check that takes the child skips it.
            ready, _, _ = select.select([proc.stdout.fileno()], [], [], timeout)
            return bool(ready) and proc.poll() is None
        return False

    def close(self) -> None:
        """Stop the waiting child, if any."""
        proc, self._proc = self._proc, None
        if proc is not None:
            _stop(proc)


def _die_with_parent() -> None:
    """Ask Linux to kill this process if its parent dies (best effort elsewhere)."""
    with contextlib.suppress(Exception):
        import ctypes  # only the worker needs it

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def worker_main() -> None:
    """A child's whole life: say ready, read key and request, check chunks, report each.

    The empty "ready" frame tells a :class:`Standby` that start-up is over.
    A child waiting on standby holds nothing: it exits at the end of its
    input, which is also what happens if its parent dies before using it.
    Only once it has work does it ask to die with its parent: the kernel
    ties that request to the thread that started the child, and a standby
    may outlive the thread that started it.
    """
    # This short-lived process only makes objects that die young; the
    # cyclic collector would spend its time scanning them for nothing.
    gc.disable()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    write_frame(stdout, b"")
    key = stdin.read(_KEY_BYTES)
    body = read_frame(stdin)
    if len(key) != _KEY_BYTES or body is None:
        return  # the parent went away (or let a standby go) before giving work
    _die_with_parent()
    request = msgspec.json.decode(body, type=_Request)
    conn: Any = open_reader(Path(request.path), key, profile_named(request.profile))
    try:
        for lo, hi in chunks_downward(request.lo, request.hi, request.chunk):
            report = check_range(read_lines(conn, lo, hi), lo + 1)
            report.lo, report.hi = lo, hi
            write_frame(stdout, msgspec.json.encode(report))
            if not report.ok:
                return  # the parent checks from here on itself and names the problem
    finally:
        conn.close()
