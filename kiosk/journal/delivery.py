"""Handing durable entries to the journal's listeners, outside the journal's lock.

Why outside: a listener may take long (an alert slip waits for the printer,
up to its job timeout) and, under the lock, every other thread's append or
read would wait with it: a custodian's next step would hang on a slow
printer.

Invariants:

* listeners see every durable entry once, in seq order: one thread delivers
  at a time; a thread that finds another delivering leaves its entries to
  that one and returns at once (the deliverer looks again after letting go,
  so none is left behind);
* a listener that appends (``alert.slip_failed``) delivers its own entry in
  turn, re-entrantly;
* alerts written while no one listened (those an unlock raises, before the
  terminal's slip printer is attached) are handed to the first listener,
  before anything newer; other entries written then are not kept;
* a listener's exception never reaches the writer (the entry is durable
  already; the slip printer journals its own failures).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from kiosk.format.entry import Entry

Listener = Callable[[Entry], None]


class Delivery:
    """The listeners of one journal and the entries they have not seen yet.

    ``lock`` is the journal's write lock: the queue is changed only under it.
    """

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._listeners: list[Listener] = []
        #: durable entries the listeners have not seen yet, in seq order
        self._undelivered: list[Entry] = []
        #: alerts appended while no listener was attached (for the first one)
        self._unheard: list[Entry] = []
        #: held by the one thread handing entries to the listeners
        self._delivering = threading.RLock()

    def add(self, listener: Listener) -> None:
        """Listen from now on; alerts nobody heard yet come first, at the next delivery."""
        with self._lock:
            self._listeners.append(listener)
            self._undelivered[:0] = self._unheard
            self._unheard.clear()

    def queue(self, entries: list[Entry]) -> None:
        """Entries just made durable (the caller holds the journal's lock)."""
        self._undelivered.extend(entries)

    def deliver(self) -> None:
        """Deliver what is queued unless another thread is delivering (it will)."""
        while True:
            if not self._delivering.acquire(blocking=False):
                return
            try:
                self._drain()
            finally:
                self._delivering.release()
            with self._lock:
                if not self._undelivered:
                    return

    def finish(self) -> None:
        """Wait for a delivery in progress and deliver what is left (before closing)."""
        with self._delivering:
            self._drain()

    def _drain(self) -> None:
        """Deliver until nothing is left (the caller holds ``self._delivering``)."""
        while True:
            with self._lock:
                if not self._undelivered:
                    return
                e = self._undelivered.pop(0)
                if not self._listeners:
                    if e.kind == "alert.raised":
                        self._unheard.append(e)
                    continue
            for listener in list(self._listeners):
                with contextlib.suppress(Exception):
                    listener(e)
