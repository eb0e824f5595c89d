"""Parallel full-chain verification gives exactly the sequential verdict.

Each case writes rows straight into an encrypted database (INSERT is allowed;
the triggers only refuse UPDATE and DELETE), then compares
``verify_database`` split over real child processes with ``check_chain``
over the same rows in one pass: same entries, head, ts, and the same first
bad entry, line and reason. Corruptions are placed at the range boundaries,
where the parent joins the children's results, as well as inside ranges.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from kiosk.clock import FakeClock
from kiosk.journal import parallel
from kiosk.journal.db import Connection, open_database
from kiosk.journal.entry import GENESIS_PREV, ChainResult, Entry, check_chain
from kiosk.journal.parallel import RangeReport, Standby, check_range, read_lines, verify_database
from kiosk.journal.store import Journal
from kiosk.terminal import Commissioned

KEY = bytes(range(32))
N = 90
#: Small chunks, so a 90-line journal has many joins between chunks.
CHUNK = 10
#: Where the parent waits for the first child in the tests that place the
#: join (``parent_rows``); a chunk multiple, like every join.
PARENT_ROWS = 40
# Every test here fails if it leaves a child process behind.
pytestmark = pytest.mark.usefixtures("no_child_left")


def _ts(i: int) -> str:
    return f"2026-03-01T10:{i // 60 % 60:02d}:{i % 60:02d}.000Z"


def make_lines(n: int = N) -> list[bytes]:
    lines, prev = [], GENESIS_PREV
    for seq in range(1, n + 1):
        attest = ({"role": "custodian_a", "signature": "s" * 40},) if seq % 3 == 0 else ()
        data: dict[str, Any] = {"n": seq, "note": f"entry {seq}", "flags": {"ok": True}}
        e = Entry(seq, _ts(seq), "test.kind", data, prev, attest).sealed()
        lines.append(e.line())
        prev = e.hash
    return lines


@pytest.fixture(scope="module")
def good_lines() -> list[bytes]:
    return make_lines()


def write_db(directory: Path, rows: list[tuple[int, Any]]) -> tuple[Connection, Path]:
    path = directory / "journal.db"
    conn = open_database(path, KEY, create=True)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO entries (seq, line) VALUES (?, ?)", rows)
    conn.execute("COMMIT")
    return conn, path


def numbered(lines: list[bytes]) -> list[tuple[int, bytes]]:
    return [(i + 1, raw) for i, raw in enumerate(lines)]


def sequential(conn: Connection) -> ChainResult:
    return check_chain(list(read_lines(conn)))


def child_pids() -> set[int]:
    """This process's live children (other tests' pools may have some too)."""
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


@pytest.fixture
def no_child_left() -> Iterator[None]:
    """Fails the test if it leaves a child process behind."""
    before = child_pids()
    yield
    assert not child_pids() - before


def joins(processes: int) -> list[int]:
    """The seqs after which a split check of ``processes`` joins two parts.

    Between the parent and the first child at :data:`PARENT_ROWS`, and where
    each further child's range starts (chunk joins fall at every multiple of
    :data:`CHUNK`, these included).
    """
    starts = {lo for lo, _ in parallel.child_ranges(N, processes, CHUNK)[1:]}
    return sorted({PARENT_ROWS} | starts)


def split(conn: Connection, path: Path, processes: int, **kwargs: Any) -> ChainResult:
    """The split check with small chunks and the parent/child join placed at PARENT_ROWS."""
    kwargs.setdefault("parent_rows", PARENT_ROWS)
    kwargs.setdefault("chunk", CHUNK)
    return verify_database(conn, path, KEY, processes=processes, threshold=0, **kwargs)


def with_line(lines: list[bytes], i: int, fn: Callable[[dict[str, Any]], None]) -> list[bytes]:
    """Line ``i`` (0-based) re-encoded canonically after ``fn`` changed it (hash kept)."""
    obj = json.loads(lines[i])
    fn(obj)
    out = list(lines)
    out[i] = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
    return out


def resealed(lines: list[bytes], i: int, **changes: Any) -> list[bytes]:
    """Line ``i`` changed and given a correct hash of its own (so only the chain breaks)."""
    obj = json.loads(lines[i])
    obj.update(changes)
    e = Entry(
        obj["seq"], obj["ts"], obj["kind"], obj["data"], obj["prev"], tuple(obj["attest"])
    ).sealed()
    out = list(lines)
    out[i] = e.line()
    return out


def flip(lines: list[bytes], i: int, pos: int) -> list[bytes]:
    out = list(lines)
    raw = bytearray(out[i])
    raw[pos % len(raw)] ^= 0x01
    out[i] = bytes(raw)
    return out


def stored_as(lines: list[bytes], i: int, value: object) -> list[tuple[int, Any]]:
    """Rows with line ``i`` (0-based) stored as ``value``: SQLite keeps its type."""
    return [(seq, value if seq == i + 1 else raw) for seq, raw in numbered(lines)]


def corruptions(
    lines: list[bytes], everywhere: bool
) -> Iterator[tuple[str, list[tuple[int, Any]]]]:
    """(name, rows) for many corrupted journals, focused on the range joins.

    Without ``everywhere`` only the lines around the two-process join.
    """
    cut2 = joins(2)[0]
    cut3 = joins(3)
    spots = {cut2 - 1, cut2, cut2 + 1}
    if everywhere:
        # Joins between two chunks of one child too (child 1 below the
        # parent's, child 2 at the top).
        chunk_joins = {2 * CHUNK, 8 * CHUNK}
        every = {*cut3, *chunk_joins}
        spots |= {0, 1, *every, *(c - 1 for c in every), N - 1}
    for i in sorted(spots):
        yield f"byte flipped in line {i + 1}", numbered(flip(lines, i, 40 + i))
        yield (
            f"hash flipped in line {i + 1}",
            numbered(flip(lines, i, lines[i].find(b'"hash"') + 9)),
        )
        if i < N - 1:  # removing the last line is a truncation the chain cannot show
            yield f"line {i + 1} removed", numbered(lines[:i] + lines[i + 1 :])
            yield f"row {i + 1} missing (seq gap)", [r for r in numbered(lines) if r[0] != i + 1]
        yield f"prev of line {i + 1} wrong", numbered(resealed(lines, i, prev="ab" * 32))
        # Valid on its own (hash, prev, ts): only the next line's prev shows
        # it, so at a join only the parent's check of the claimed prev does.
        if i < N - 1:  # the last line has no next line to show it
            yield (
                f"line {i + 1} rewritten and resealed",
                numbered(resealed(lines, i, data={"n": -1, "rewritten": True})),
            )
        yield (
            f"ts of line {i + 1} too early",
            numbered(resealed(lines, i, ts="2026-01-01T00:00:00.000Z")),
        )
        yield (
            f"line {i + 1} not canonical",
            numbered([*lines[:i], lines[i].replace(b'"kind":', b'"kind": '), *lines[i + 1 :]]),
        )
        yield (
            f"line {i + 1} seq changed",
            numbered(with_line(lines, i, lambda o: o.update(seq=999))),
        )
    yield (
        "two lines swapped at the join",
        numbered([*lines[: cut2 - 1], lines[cut2], lines[cut2 - 1], *lines[cut2 + 1 :]]),
    )
    yield "line repeated at the join", numbered([*lines[:cut2], lines[cut2 - 1], *lines[cut2:]])
    yield "extra row beyond the end", [*numbered(lines), (N + 5, lines[-1])]
    yield "row with seq 0 before the start", [(0, lines[0]), *numbered(lines)]
    yield "not JSON at the join", numbered([*lines[:cut2], b"{not json", *lines[cut2 + 1 :]])
    # A row rewritten with another type than BLOB (text of the very same
    # line, or a number) is named, not a crash of the check.
    yield "line stored as text at the join", stored_as(lines, cut2, lines[cut2].decode())
    yield "line stored as text at the top", stored_as(lines, N - 1, lines[N - 1].decode())
    yield "line stored as a number", stored_as(lines, cut2 + 3, 12345)
    yield "float in data", numbered(with_line(lines, cut2, lambda o: o["data"].update(x=1.5)))
    yield (
        "non-ASCII escaped at the join",
        numbered(
            [*lines[:cut2], lines[cut2].replace(b"entry", b"\\u0065ntry"), *lines[cut2 + 1 :]]
        ),
    )


def test_intact_journal_same_result_every_split(tmp_path: Path, good_lines: list[bytes]) -> None:
    conn, path = write_db(tmp_path, numbered(good_lines))
    expected = sequential(conn)
    assert expected.ok and expected.entries == N and expected.head_ts == _ts(N)
    for processes in (1, 2, 3, 4):
        assert split(conn, path, processes) == expected, processes
        assert split(conn, path, processes, parent_rows=None) == expected, processes
    conn.close()


def check_cases(
    tmp_path: Path, cases: list[tuple[str, list[tuple[int, Any]]]], processes: int
) -> None:
    for n, (name, rows) in enumerate(cases):
        directory = tmp_path / str(n)
        directory.mkdir()
        conn, path = write_db(directory, rows)
        try:
            expected = sequential(conn)
            assert not expected.ok, name  # every case really is corrupted
            assert split(conn, path, processes) == expected, name
        finally:
            conn.close()


def test_corruptions_at_the_join_named_as_sequential(
    tmp_path: Path, good_lines: list[bytes]
) -> None:
    cases = list(corruptions(good_lines, everywhere=False))
    assert len(cases) > 25
    check_cases(tmp_path, cases, 2)


@pytest.mark.slow
def test_every_corruption_named_as_sequential(tmp_path: Path, good_lines: list[bytes]) -> None:
    """Corruptions at the first, last and every join line, split three ways."""
    cases = list(corruptions(good_lines, everywhere=True))
    assert len(cases) > 80
    check_cases(tmp_path, cases, 3)


def test_row_stored_as_text_is_named(tmp_path: Path, good_lines: list[bytes]) -> None:
    conn, path = write_db(tmp_path, stored_as(good_lines, 44, good_lines[44].decode()))
    result = split(conn, path, 2)
    conn.close()
    assert result.problem is not None
    assert (result.problem.seq, result.problem.line) == (45, 45)
    assert result.problem.reason == "is stored as str, not as the bytes of a line"
    assert result.entries == 44


def test_range_check_reports_its_joins(good_lines: list[bytes]) -> None:
    report = check_range(good_lines[40:60], 41)
    first = json.loads(good_lines[40])
    last = json.loads(good_lines[59])
    assert report == RangeReport(
        ok=True,
        lines=20,
        first_prev=first["prev"],
        first_ts=first["ts"],
        entries=60,
        head_hash=last["hash"],
        head_ts=last["ts"],
    )
    assert not check_range(flip(good_lines, 50, 60)[40:60], 41).ok
    assert not check_range(good_lines[40:60], 40).ok  # the seq it expected is not there
    assert check_range([], 7) == RangeReport(ok=True, lines=0, entries=6)


def test_one_line_chunks_check_every_join(tmp_path: Path, good_lines: list[bytes]) -> None:
    """With one line per chunk every line starts a chunk, so the joins' prev and
    ts checks are the only ones that see a line's place in the chain."""
    cases = [
        ("ts too early", numbered(resealed(good_lines, 55, ts="2026-01-01T00:00:00.000Z"))),
        ("rewritten", numbered(resealed(good_lines, 60, data={"rewritten": True}))),
        ("prev wrong", numbered(resealed(good_lines, 70, prev="cd" * 32))),
    ]
    for n, (name, rows) in enumerate(cases):
        directory = tmp_path / str(n)
        directory.mkdir()
        conn, path = write_db(directory, rows)
        expected = sequential(conn)
        assert not expected.ok, name
        assert split(conn, path, 2, chunk=1) == expected, name
        conn.close()


def spy_on_parent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int | None, int | None]]:
    """The seq ranges the parent checks itself, recorded as it checks them."""
    checked: list[tuple[int | None, int | None]] = []
    real = parallel._continue

    def spying(conn: Connection, lo: int | None, hi: int | None, done: ChainResult) -> Any:
        checked.append((lo, hi))
        return real(conn, lo, hi, done)

    monkeypatch.setattr(parallel, "_continue", spying)
    return checked


def test_placed_join_takes_the_childs_chunks(
    tmp_path: Path, good_lines: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent checks up to PARENT_ROWS only: the rest is the child's, joined."""
    checked = spy_on_parent(monkeypatch)
    conn, path = write_db(tmp_path, numbered(good_lines))
    assert split(conn, path, 2) == sequential(conn)
    highest = max(hi for _, hi in checked if hi is not None)
    assert highest == PARENT_ROWS
    assert checked[-1] == (N, None)  # the (empty) rest above the top
    conn.close()


def test_parent_and_child_meet_where_the_work_is_shared(
    tmp_path: Path, good_lines: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a placed join, a parent slowed down leaves the child the top chunks."""
    checked: list[int] = []
    real = parallel._continue

    def slow(conn: Connection, lo: int | None, hi: int | None, done: ChainResult) -> Any:
        if hi is not None:
            checked.append(hi)
            time.sleep(0.25)  # a chunk that takes a while, like 2,048 real entries
        return real(conn, lo, hi, done)

    monkeypatch.setattr(parallel, "_continue", slow)
    conn, path = write_db(tmp_path, numbered(good_lines))
    assert split(conn, path, 2, parent_rows=None) == sequential(conn)
    assert checked and max(checked) < N, checked  # the child's chunks were joined
    bad = flip(good_lines, N - 3, 40)  # a problem in the child's part
    (tmp_path / "bad").mkdir()
    conn2, path2 = write_db(tmp_path / "bad", numbered(bad))
    checked.clear()
    assert split(conn2, path2, 2, parent_rows=None) == sequential(conn2)
    conn.close()
    conn2.close()


@pytest.mark.parametrize("answer", ["not a report", "cut off", "outside its range"])
def test_child_answering_nonsense_is_replaced_by_the_parent(
    tmp_path: Path, good_lines: list[bytes], monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    def start_talking(key: bytes, request: Any, ready: object = None) -> subprocess.Popen[bytes]:
        wrong = msgspec.json.encode(RangeReport(ok=True, lines=1, lo=0, hi=request.hi + 10))
        frames = {
            "not a report": b"\x00\x00\x00\x05{not}",
            "cut off": b"\x00\x00\x00\x40" + b"x" * 10,  # the child exits mid-frame
            "outside its range": len(wrong).to_bytes(4, "big") + wrong,
        }[answer]
        code = f"import sys; sys.stdout.buffer.write({frames!r})"
        return subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    monkeypatch.setattr(parallel, "_start_child", start_talking)
    conn, path = write_db(tmp_path, numbered(good_lines))
    assert split(conn, path, 3) == sequential(conn)
    bad = flip(good_lines, N - 2, 30)
    (tmp_path / "bad").mkdir()
    conn2, path2 = write_db(tmp_path / "bad", numbered(bad))
    got = split(conn2, path2, 3)
    assert got == sequential(conn2) and got.problem is not None and got.problem.seq == N - 1
    conn.close()
    conn2.close()


def test_problem_in_parent_range_stops_children(tmp_path: Path, good_lines: list[bytes]) -> None:
    conn, path = write_db(tmp_path, numbered(flip(good_lines, 3, 50)))
    got = split(conn, path, 3)
    assert got == sequential(conn) and got.problem is not None and got.problem.seq == 4
    conn.close()


def test_small_journal_stays_in_process(
    tmp_path: Path, good_lines: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(parallel, "_start_child", lambda *a: started.append(a))
    conn, path = write_db(tmp_path, numbered(good_lines))
    assert verify_database(conn, path, KEY, processes=2, threshold=N + 1).ok
    assert verify_database(conn, path, KEY, processes=1, threshold=0).ok
    assert started == []
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", N)
    monkeypatch.setattr(parallel, "CHUNK_ROWS", CHUNK)
    with pytest.raises(AttributeError):  # the stand-in returned None: a child was asked for
        verify_database(conn, path, KEY, processes=2)
    assert len(started) == 1
    conn.close()


def test_key_goes_through_the_pipe_only(
    tmp_path: Path, good_lines: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Any, Any]] = []
    real = subprocess.Popen

    def recording(args: Any, **kwargs: Any) -> Any:
        seen.append((args, kwargs.get("env")))
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recording)
    conn, path = write_db(tmp_path, numbered(good_lines))
    assert split(conn, path, 2) == sequential(conn)
    assert len(seen) == 1
    args, env = seen[0]
    assert args[0] == sys.executable
    assert not any(KEY.hex() in str(a) or KEY.hex().upper() in str(a) for a in args)
    assert env is None and KEY.hex() not in "".join(os.environ.values())
    conn.close()


def test_failed_child_is_replaced_by_the_parent(tmp_path: Path, good_lines: list[bytes]) -> None:
    conn, _ = write_db(tmp_path, numbered(good_lines))
    expected = sequential(conn)
    # The child cannot open this path: it exits with an error and the parent
    # checks that range itself.
    got = split(conn, tmp_path / "nowhere.db", 2)
    assert got == expected
    bad = flip(good_lines, N - 2, 30)
    (tmp_path / "bad").mkdir()
    conn2, _ = write_db(tmp_path / "bad", numbered(bad))
    got = split(conn2, tmp_path / "nowhere.db", 2)
    assert got == sequential(conn2) and got.problem is not None and got.problem.seq == N - 1
    conn.close()
    conn2.close()


def test_hung_child_is_killed_and_its_range_checked_here(
    tmp_path: Path, good_lines: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    hung: list[subprocess.Popen[bytes]] = []

    def start_hanging(key: bytes, request: object, ready: object = None) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(60)"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        hung.append(proc)
        return proc

    monkeypatch.setattr(parallel, "_start_child", start_hanging)
    monkeypatch.setattr(parallel, "CHILD_GRACE_S", 0.5)
    conn, path = write_db(tmp_path, numbered(good_lines))
    t0 = time.monotonic()
    # The parent waits for the first child at PARENT_ROWS and for the second
    # at the end, half a second each, then checks their ranges itself.
    assert split(conn, path, 3) == sequential(conn)
    assert time.monotonic() - t0 < 10
    assert len(hung) == 2 and all(p.returncode is not None for p in hung)  # killed and reaped
    conn.close()


def test_journal_verify_uses_the_split_and_agrees(
    terminal: Commissioned, clock: FakeClock, split_requests: list[Any]
) -> None:
    j: Journal = terminal.journal
    for i in range(40):
        clock.advance(seconds=1)
        j.append("alert.raised", {"alert": "test", "summary": f"entry {i}"})
    result = j.verify_or_raise()
    assert split_requests, "the journal was not split"
    assert result.entries == j.head.seq and result.head_hash == j.head.hash
    assert result == check_chain(list(j.lines()))


def count_started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules of the child processes started from now on, as they start."""
    started: list[str] = []
    real = parallel.start_worker

    def counting(module: str) -> subprocess.Popen[bytes]:
        started.append(module)
        return real(module)

    monkeypatch.setattr(parallel, "start_worker", counting)
    return started


@pytest.fixture
def standby(monkeypatch: pytest.MonkeyPatch) -> Iterator[Standby]:
    """A Standby that keeps a child for journals of 10 entries or more, closed after the test."""
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    s = Standby()
    yield s
    s.close()


def test_child_on_standby_does_the_childs_part(
    tmp_path: Path, good_lines: list[bytes], monkeypatch: pytest.MonkeyPatch, standby: Standby
) -> None:
    """A child started ahead of time takes the first range; no other is started.

    Its "ready" frame is still in the pipe when the check begins: the parent
    must skip it, not take it for a bad report and check the child's part
    itself (which ``checked`` would show).
    """
    standby.prepare(N)
    assert standby.wait_ready(30.0)

    def no_new_child(module: str) -> Any:
        raise AssertionError("a child was started although one was on standby")

    monkeypatch.setattr(parallel, "start_worker", no_new_child)
    checked = spy_on_parent(monkeypatch)
    conn, path = write_db(tmp_path, numbered(good_lines))
    assert split(conn, path, 2, standby=standby) == sequential(conn)
    assert max(hi for _, hi in checked if hi is not None) == PARENT_ROWS
    assert standby.take() is None  # handed over, and not replaced by the check
    conn.close()


def test_child_on_standby_finds_a_problem_as_sequential(
    tmp_path: Path, good_lines: list[bytes], standby: Standby
) -> None:
    standby.prepare(N)
    conn, path = write_db(tmp_path, numbered(flip(good_lines, N - 5, 30)))
    got = split(conn, path, 2, standby=standby)
    assert got == sequential(conn) and got.problem is not None and got.problem.seq == N - 4
    conn.close()


def test_dead_child_on_standby_is_replaced(
    tmp_path: Path, good_lines: list[bytes], monkeypatch: pytest.MonkeyPatch, standby: Standby
) -> None:
    standby.prepare(N)
    assert standby.wait_ready(30.0)
    proc = standby._proc
    assert proc is not None
    proc.kill()
    proc.wait()
    started = count_started(monkeypatch)
    checked = spy_on_parent(monkeypatch)
    conn, path = write_db(tmp_path, numbered(good_lines))
    assert split(conn, path, 2, standby=standby) == sequential(conn)
    assert started == ["kiosk.journal.parallel"]  # a fresh child did the child's part
    assert max(hi for _, hi in checked if hi is not None) == PARENT_ROWS
    conn.close()


def test_standby_kept_only_for_journals_that_are_split(
    standby: Standby, monkeypatch: pytest.MonkeyPatch
) -> None:
    standby.prepare(9)  # below the threshold: checked in one process
    assert standby.take() is None
    standby.prepare(10)
    proc = standby._proc
    assert proc is not None
    standby.prepare(10)  # already waiting: the same child
    assert standby._proc is proc
    standby.prepare(5)  # the journal is short again (another journal): let it go
    assert standby._proc is None and proc.poll() is not None
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    standby.prepare(10_000)  # one core: never split, no child
    assert standby.take() is None


def test_child_let_go_from_standby_exits_by_itself(standby: Standby) -> None:
    """A waiting child holds nothing and needs no kill: the end of its input ends it."""
    standby.prepare(N)
    proc = standby.take()
    assert proc is not None and proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
    assert proc.stdout.read() == b"\x00\x00\x00\x00"  # only its "ready" frame
    proc.stdout.close()


def test_journal_keeps_a_child_on_standby_while_long(
    terminal: Commissioned,
    clock: FakeClock,
    split_requests: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a split check the journal starts the next one's child; closing stops it."""
    j: Journal = terminal.journal
    for i in range(40):
        clock.advance(seconds=1)
        j.append("alert.raised", {"alert": "test", "summary": f"entry {i}"})
    j.verify_or_raise()
    waiting = j._standby._proc
    assert waiting is not None and waiting.poll() is None
    assert j._standby.wait_ready(30.0)
    started = count_started(monkeypatch)
    j.verify_or_raise()
    # One child started: the next check's, after this one used the waiting child.
    assert len(started) == 1 and len(split_requests) == 2
    assert j._standby._proc is not waiting and waiting.poll() is not None  # used, then stopped
    j.close()
    assert j._standby._proc is None
