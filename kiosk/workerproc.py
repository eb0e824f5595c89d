"""Worker processes for CPU-bound checks: how many, how started, how spoken to.

Used by the journal's split chain check (:mod:`kiosk.journal.parallel`) and
the auditors' signature checks (:mod:`kiosk.verify.parallel`).

Invariants:

* a worker is a fresh interpreter started by ``subprocess`` (this Python,
  fixed arguments, no shell), never a ``fork`` of the caller, which may have
  threads (the kiosk UI) whose locks a forked copy would inherit held;
* a worker's stderr is discarded: it is never shown to a user, and a worker
  that fails only costs speed (each caller checks its work in-process then);
* messages cross the pipes as length-prefixed frames, never pickle.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import IO

_ROOT = str(Path(__file__).resolve().parent.parent)


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def spare_cores() -> int:
    """Usable cores not already busy, counting the caller's own (at least 1).

    From the one-minute load average: when other work already fills the
    cores, a worker only adds its start-up and pipe traffic without finishing
    sooner (measured: slower than one process on a loaded machine). Where the
    load is unknown, every usable core.
    """
    cores = usable_cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        return cores
    # The caller itself counts for about one in the load average.
    return max(1, min(cores, int(cores - max(load, 1.0) + 1.5)))


def start_worker(module: str) -> subprocess.Popen[bytes]:
    """A fresh interpreter running ``module.worker_main()``, with stdin/stdout as pipes."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        f"from {module} import worker_main; worker_main()"
    )
    return subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code, _ROOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        close_fds=True,
    )


def write_frame(pipe: IO[bytes], body: bytes) -> None:
    pipe.write(len(body).to_bytes(4, "big") + body)
    pipe.flush()


def take_frames(buf: bytearray) -> list[bytes]:
    """The whole frames at the start of ``buf``, removed from it (a partial one stays).

    For a reader that takes bytes from a pipe as they come (``select`` +
    ``os.read``) rather than blocking in :func:`read_frame`.
    """
    frames = []
    while len(buf) >= 4:
        size = int.from_bytes(buf[:4], "big")
        if len(buf) < 4 + size:
            break
        frames.append(bytes(buf[4 : 4 + size]))
        del buf[: 4 + size]
    return frames


def read_frame(pipe: IO[bytes]) -> bytes | None:
    """One frame's body, or None at end of input or on a cut-off frame."""
    head = pipe.read(4)
    if len(head) != 4:
        return None
    size = int.from_bytes(head, "big")
    body = pipe.read(size)
    return body if len(body) == size else None
