"""A socket standing in for systemd-journald's, and a parser of what arrives on it.

The operational log's handler (:mod:`hardware.journald`) speaks journald's
native protocol to a path; the tests bind that path themselves and decode
each datagram with :func:`decode`, written here independently of the handler.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from pathlib import Path


class FakeJournal:
    """A bound datagram socket standing in for ``/run/systemd/journal/socket``.

    A thread drains it as journald would, so a long run never fills the
    socket's queue (a full queue would send records to the stderr fallback).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.05)
        self.raw: list[bytes] = []
        self._read = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="fake journald", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(1 << 20)
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.raw.append(data)

    def records(self) -> list[dict[str, str]]:
        """Every datagram received since the last call, decoded."""
        time.sleep(0.1)  # what was sent has arrived (a local datagram takes microseconds)
        with self._lock:
            new, self._read = self.raw[self._read :], len(self.raw)
        return [decode(d) for d in new]

    def everything(self) -> bytes:
        """Every byte received so far."""
        time.sleep(0.1)
        with self._lock:
            return b"".join(self.raw)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def decode(data: bytes) -> dict[str, str]:
    """The native journal protocol, parsed independently of the handler."""
    fields: dict[str, str] = {}
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            name, _, value = line.partition(b"=")
            fields[name.decode()] = value.decode()
            i = nl + 1
        else:
            (size,) = struct.unpack("<Q", data[nl + 1 : nl + 9])
            fields[line.decode()] = data[nl + 9 : nl + 9 + size].decode()
            assert data[nl + 9 + size : nl + 10 + size] == b"\n"
            i = nl + 10 + size
    return fields
