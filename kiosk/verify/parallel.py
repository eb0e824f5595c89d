"""Checking many WebAuthn assertions in worker processes (large bundles only).

A ten-year journal holds thousands of attestations and each ECDSA/Ed25519
verification costs about 0.1 ms of CPU, so the signatures dominate
``sealroom verify``. This module spreads exactly those checks over worker
processes; everything that needs the journal's history (which key, revoked
or not, counters, dual control) stays in :mod:`kiosk.verify.bundle`, which
decides what each job is and what its result means.

Invariants:

* A job is the complete input of :func:`kiosk.webauthn.verify_assertion`
  (attestation, digest, key DER, COSE alg, rp id, uv rule) and its outcome
  is that function's result: the signature counter, or the ``webauthn.*``
  error code and params. Workers run the same function, so an outcome does
  not depend on where it was computed.
* A worker is a fresh interpreter (:func:`_start_worker`: this Python, fixed
  arguments, no shell, stderr discarded), never a ``fork`` of the caller,
  which may be threaded (the kiosk UI, pytest plugins). Unlike
  ``multiprocessing``'s spawn it re-imports neither the caller's
  ``__main__`` nor starts a resource-tracker process that would outlive the
  verification: when :meth:`Pool.close` returns, every worker has exited
  and been reaped.
* Jobs and outcomes cross the pipe as length-prefixed JSON frames (bytes as
  hex), never pickle.
* Chunks are handed out on demand: one feeder thread per worker takes the
  next chunk, sends it and waits for the outcomes, while the caller, once it
  has queued the last chunk, takes chunks from the other end of the queue
  and checks them itself, so a slow worker start never leaves a core idle.
* A worker that cannot be started, dies or answers nonsense only costs
  speed: its chunk goes back to the queue and is checked in-process.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from kiosk.errors import ApprovalError
from kiosk.webauthn import verify_assertion

#: (attestation, digest, public key DER, COSE alg, rp_id, uv_required)
Job = tuple[Mapping[str, Any], bytes, bytes, int, str, bool]
#: The counter, or (error code, params) of the ApprovalError it raised.
Outcome = int | tuple[str, dict[str, Any]]

CHUNK = 256
STOP_GRACE_S = 5.0


def check_chunk(jobs: Sequence[Job]) -> list[Outcome]:
    """:func:`verify_assertion` of each job, errors returned as ``(code, params)``.

    Errors are returned as plain values rather than raised, so one bad
    assertion does not hide the others and the outcome crosses a pipe as JSON.
    """
    out: list[Outcome] = []
    for attest, digest, key_der, alg, rp_id, uv in jobs:
        try:
            out.append(verify_assertion(attest, digest, key_der, alg, rp_id, uv))
        except ApprovalError as exc:
            out.append((exc.code, dict(exc.params)))
    return out


def outcome_error(outcome: tuple[str, dict[str, Any]]) -> ApprovalError:
    """The :class:`ApprovalError` an error outcome stands for."""
    code, params = outcome
    return ApprovalError(code, **params)


def default_workers() -> int:
    """Worker processes besides the caller: the spare cores but the caller's own, at most 7.

    A worker only helps if a core is free for it; on a machine already busy
    (load average at or above the core count, the caller included) none are
    started and everything is checked in-process: a worker would only add
    its start-up and pipe traffic without finishing sooner.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        load = 1.0
    # The caller itself counts for about one in the load average.
    spare = max(1, min(cores, int(cores - max(load, 1.0) + 1.5)))
    return max(0, min(7, spare - 1))


# ---------------------------------------------------------------- the pipe


def _write_frame(pipe: IO[bytes], body: bytes) -> None:
    pipe.write(len(body).to_bytes(4, "big") + body)
    pipe.flush()


def _read_frame(pipe: IO[bytes]) -> bytes | None:
    """One frame's body, or None at end of input or on a cut-off frame."""
    head = pipe.read(4)
    if len(head) != 4:
        return None
    size = int.from_bytes(head, "big")
    body = pipe.read(size)
    return body if len(body) == size else None


def _encode_jobs(jobs: Sequence[Job]) -> bytes:
    return json.dumps(
        [(dict(a), d.hex(), k.hex(), alg, rp, uv) for a, d, k, alg, rp, uv in jobs]
    ).encode()


def _decode_jobs(body: bytes) -> list[Job]:
    raw = json.loads(body)
    return [(a, bytes.fromhex(d), bytes.fromhex(k), alg, rp, uv) for a, d, k, alg, rp, uv in raw]


def _decode_outcomes(body: bytes, expected: int) -> list[Outcome] | None:
    """Outcomes from a worker, or None if the answer is not what was asked for."""
    try:
        raw = json.loads(body)
    except ValueError:
        return None
    if not isinstance(raw, list) or len(raw) != expected:
        return None
    out: list[Outcome] = []
    for item in raw:
        if type(item) is int:
            out.append(item)
        elif (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], dict)
        ):
            out.append((item[0], item[1]))
        else:
            return None
    return out


def worker_main() -> None:
    """A worker's loop: a frame of jobs in, a frame of outcomes out, until end of input."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while (body := _read_frame(inp)) is not None:
        outcomes = check_chunk(_decode_jobs(body))
        _write_frame(out, json.dumps(outcomes, default=str).encode())


_ROOT = str(Path(__file__).resolve().parent.parent.parent)


def _start_worker() -> subprocess.Popen[bytes]:
    """A fresh interpreter running :func:`worker_main`, with stdin/stdout as pipes.

    Its stderr is discarded: it is never shown to a user, and a worker that
    fails only costs speed.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from kiosk.verify.parallel import worker_main; worker_main()"
    )
    return subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code, _ROOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        close_fds=True,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Close the worker's input (it exits at end of input) and reap it; kill if it lingers."""
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    try:
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        with contextlib.suppress(OSError):
            proc.stdout.close()


# ---------------------------------------------------------------- the pool


class Pool:
    """Chunks of jobs, checked by worker processes and by the caller.

    ``add`` is called while the journal is still being walked, so the
    workers' start-up and checking overlap the walk; :meth:`results` then
    checks in this process every chunk no worker has taken and returns all
    outcomes in job order. :meth:`close` must be called (it stops and reaps
    the workers).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else workers
        self._cond = threading.Condition()
        self._chunks: list[Sequence[Job]] = []
        self._queue: deque[int] = deque()  # chunks no one has taken yet
        self._done: dict[int, list[Outcome]] = {}
        self._closed = False  # no more chunks will be queued
        self._pending: list[Job] = []
        self._threads: list[threading.Thread] = []
        self._procs: list[subprocess.Popen[bytes]] = []
        #: Chunks whose outcomes came from a worker (the rest were checked here).
        self.remote = 0

    def _start(self) -> None:
        for _ in range(self.workers):
            try:
                proc = _start_worker()
            except OSError:
                break
            self._procs.append(proc)
            thread = threading.Thread(target=self._feed, args=(proc,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _feed(self, proc: subprocess.Popen[bytes]) -> None:
        """One worker's feeder: take a chunk, send it, store the outcomes; repeat."""
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return
                n = self._queue.popleft()
            chunk = self._chunks[n]
            outcomes: list[Outcome] | None = None
            try:
                if proc.stdin is not None and proc.stdout is not None:
                    _write_frame(proc.stdin, _encode_jobs(chunk))
                    body = _read_frame(proc.stdout)
                    if body is not None:
                        outcomes = _decode_outcomes(body, len(chunk))
            except Exception:  # any failure of the pipe or the worker costs only speed
                outcomes = None
            with self._cond:
                if outcomes is None:  # this worker is no use: the chunk goes back
                    self._queue.appendleft(n)
                    self._cond.notify_all()
                    return
                self._done[n] = outcomes
                self.remote += 1
                self._cond.notify_all()

    def _queue_chunk(self, chunk: Sequence[Job]) -> None:
        with self._cond:
            self._chunks.append(chunk)
            self._queue.append(len(self._chunks) - 1)
            self._cond.notify()
        if not self._procs and not self._threads:
            self._start()

    def add(self, job: Job) -> None:
        self._pending.append(job)
        if len(self._pending) >= CHUNK:
            chunk, self._pending = self._pending, []
            self._queue_chunk(chunk)

    def results(self) -> list[Outcome]:
        """Every job's outcome, in the order the jobs were added."""
        with self._cond:
            if self._pending:
                self._chunks.append(self._pending)
                self._queue.append(len(self._chunks) - 1)
                self._pending = []
            self._closed = True
            self._cond.notify_all()
        while True:
            with self._cond:
                if len(self._done) == len(self._chunks):
                    break
                if not self._queue:
                    self._cond.wait(timeout=1.0)
                    lost = not self._queue and len(self._done) != len(self._chunks)
                    if lost and not any(t.is_alive() for t in self._threads):  # pragma: no cover
                        # Cannot happen: a feeder stores or re-queues every chunk it takes.
                        raise RuntimeError("a chunk was lost by the worker pool")
                    continue
                n = self._queue.pop()  # from the end: the workers take the front
            outcomes = check_chunk(self._chunks[n])
            with self._cond:
                self._done[n] = outcomes
        return [o for n in range(len(self._chunks)) for o in self._done[n]]

    def close(self) -> None:
        """Stop the feeders and the workers; every worker is reaped on return."""
        with self._cond:
            self._closed = True
            self._queue.clear()
            self._cond.notify_all()
        for thread in self._threads:
            thread.join()
        for proc in self._procs:
            _stop(proc)
        self._threads, self._procs = [], []
