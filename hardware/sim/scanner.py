"""Simulated scanners and a simulated person at the keyboard.

Simulation stops at the device: these produce exactly what the real thing
would hand to the terminal, and nothing above that is faked.

- :class:`WedgeScannerSim` -- a keyboard-wedge scanner: key presses a few
  milliseconds apart (3-10 ms by default), Shift around upper-case letters
  when asked, then the configured terminator key. It keeps its own
  millisecond clock and records every scan it "typed" in :attr:`sent`.
- :func:`typing_events` -- a person typing: 60-300 ms between keys.
- :class:`PtyScannerSim` -- a serial-port scanner on a real pseudo-terminal
  (``os.openpty()``): the terminal opens :attr:`PtyScannerSim.port` with
  pyserial like a ``/dev/ttyACM0``, and the simulator writes bytes or lines
  to the master side, records them in :attr:`sent`, and can :meth:`unplug`
  (close the master, so the reader sees the device vanish).

Both draw timing from a ``random.Random`` the caller may seed, so tests are
repeatable. Nothing here holds a secret.
"""

from __future__ import annotations

import os
import random
import termios
import tty
from dataclasses import dataclass, field

from kiosk.scan.wedge import KeyEvent

_TERMINATOR_KEY = {"Return": "Return", "Enter": "Enter", "Tab": "Tab", "none": None}


def scan_events(
    text: str,
    start_ms: int,
    *,
    rng: random.Random | None = None,
    gap_ms: tuple[int, int] = (3, 10),
    terminator: str = "Return",
    shift: bool = False,
) -> list[KeyEvent]:
    """Key presses of a wedge scanner typing ``text`` from ``start_ms``.

    ``terminator`` is ``"Return"``, ``"Enter"`` (keypad), ``"Tab"`` or
    ``"none"``; ``shift`` sends a Shift press before each upper-case letter,
    as many scanners do.
    """
    r = rng or random.Random(0)  # noqa: S311 - timing jitter, not security
    if terminator not in _TERMINATOR_KEY:
        raise ValueError(f"terminator must be one of {sorted(_TERMINATOR_KEY)}")
    events: list[KeyEvent] = []
    t = start_ms
    for ch in text:
        if shift and ch.isupper():
            events.append(KeyEvent(t, "", "Shift"))
            t += r.randint(*gap_ms)
        events.append(KeyEvent(t, ch))
        t += r.randint(*gap_ms)
    key = _TERMINATOR_KEY[terminator]
    if key is not None:
        events.append(KeyEvent(t, "\t" if key == "Tab" else "\r", key))
    return events


def typing_events(
    text: str,
    start_ms: int,
    *,
    rng: random.Random | None = None,
    gap_ms: tuple[int, int] = (60, 300),
    enter: bool = False,
) -> list[KeyEvent]:
    """Key presses of a person typing ``text`` (and Return if ``enter``)."""
    r = rng or random.Random(0)  # noqa: S311 - timing jitter, not security
    events: list[KeyEvent] = []
    t = start_ms
    for ch in text:
        events.append(KeyEvent(t, ch))
        t += r.randint(*gap_ms)
    if enter:
        events.append(KeyEvent(t, "\r", "Return"))
    return events


@dataclass
class WedgeScannerSim:
    """A keyboard-wedge scanner with its own millisecond clock.

    ``scan(text)`` returns the key presses and advances :attr:`now_ms` past
    them; :attr:`sent` records each scanned text in order.
    """

    terminator: str = "Return"
    gap_ms: tuple[int, int] = (3, 10)
    shift: bool = False
    now_ms: int = 0
    seed: int = 0
    sent: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)  # noqa: S311 - timing jitter, not security

    def scan(self, text: str) -> list[KeyEvent]:
        events = scan_events(
            text,
            self.now_ms,
            rng=self._rng,
            gap_ms=self.gap_ms,
            terminator=self.terminator,
            shift=self.shift,
        )
        self.sent.append(text)
        self.now_ms = events[-1].t_ms + self.gap_ms[1] if events else self.now_ms
        return events

    def wait(self, ms: int) -> None:
        """Let time pass (the person moves to the next envelope)."""
        self.now_ms += ms


class PtyScannerSim:
    """A serial-port scanner on a pseudo-terminal pair.

    The slave side is put in raw mode (no echo, no CR/LF translation), like
    a CDC-ACM tty, and stays open here until :meth:`close` so writes never
    fail for lack of a reader. :attr:`sent` records every byte string written.
    """

    def __init__(self, line_ending: bytes = b"\r\n") -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave, termios.TCSANOW)
        self.port: str = os.ttyname(self._slave)
        self.line_ending = line_ending
        self.sent: list[bytes] = []
        self._master_open = True
        self._slave_open = True

    def send_bytes(self, data: bytes) -> None:
        """Write raw bytes, as a scanner would (garbage included)."""
        if not self._master_open:
            raise OSError("the simulated scanner is unplugged")
        self.sent.append(data)
        view = memoryview(data)
        while view:
            n = os.write(self._master, view)
            view = view[n:]

    def send_line(self, text: str) -> None:
        """One scan: ``text`` in UTF-8 followed by the line ending."""
        self.send_bytes(text.encode("utf-8") + self.line_ending)

    def unplug(self) -> None:
        """Pull the cable: the master closes and readers of the port get EIO."""
        if self._master_open:
            os.close(self._master)
            self._master_open = False
        if self._slave_open:
            os.close(self._slave)
            self._slave_open = False

    def close(self) -> None:
        self.unplug()

    def __enter__(self) -> PtyScannerSim:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
