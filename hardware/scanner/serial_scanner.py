"""Scanners that send lines over a serial port (USB CDC-ACM, ``/dev/ttyACM*``).

Some handheld scanners are configured as a virtual serial port instead of a
keyboard: each scan arrives as one line ending in CR, LF or CR LF. This
adapter reads them with pyserial in a worker thread and hands each line, as
text, to a callback. It does not judge the text: the caller passes it to
:mod:`kiosk.scan` (serial or QR parsing), exactly as for keyboard scans.

Invariants:

- the worker never dies of an exception it did not report: every problem
  reaches ``on_error`` as a :class:`~kiosk.errors.SealroomError` with a code
  (never a raw pyserial message);
- bytes that are not UTF-8 give ``ScanError("scan.garbage")`` for that line
  only; a line longer than ``max_line`` bytes gives ``scan.too_long`` and is
  discarded up to its end; reading goes on in both cases;
- a port that vanishes (unplugged scanner, closed pty) gives
  ``DeviceError("device.scanner_gone")`` once, and the worker stops;
- :meth:`SerialScanner.stop` sets a ``threading.Event`` the worker checks
  at least every ``poll_seconds``, joins the thread and closes the port;
- empty lines (the LF of a CR LF, a blank scan) are dropped, and the line
  terminators are not part of the delivered text.

Callbacks run on the worker thread: a Qt caller must hop to the GUI thread
(a queued signal) before touching widgets.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import serial
import serial.tools.list_ports

from kiosk.errors import DeviceError, ScanError, SealroomError
from kiosk.policy import Policy

log = logging.getLogger(__name__)

DEFAULT_BAUDRATE = 9600
DEFAULT_MAX_LINE = 1024
_TERMINATORS = b"\r\n"


class SerialPort(Protocol):
    """The part of ``serial.Serial`` this adapter uses."""

    def read(self, size: int = 1) -> bytes: ...

    def close(self) -> None: ...

    @property
    def in_waiting(self) -> int: ...


def _reason(exc: BaseException) -> str:
    """Short words for why a port could not be opened (never the raw library text)."""
    code = getattr(exc, "errno", None)
    return {
        errno.ENOENT: "no such port",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EBUSY: "the port is in use",
        errno.ENODEV: "no such device",
        errno.ENXIO: "no such device",
        errno.EIO: "input/output error",
    }.get(code if isinstance(code, int) else -1, "the port did not open")


def open_port(port: str, baudrate: int = DEFAULT_BAUDRATE, timeout: float = 0.1) -> SerialPort:
    """Open ``port`` with pyserial, mapping failures to ``device.scanner_open``."""
    try:
        port_obj: SerialPort = serial.Serial(
            port, baudrate=baudrate, timeout=timeout, exclusive=True
        )
        return port_obj
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceError("device.scanner_open", port=port, reason=_reason(exc)) from None


class LineSplitter:
    """Cut a byte stream into lines at CR/LF, with a length cap; pure.

    ``feed(chunk)`` returns a list of items, each either the ``bytes`` of a
    complete line or the string ``"too_long"`` for a line that exceeded the
    cap (its bytes are discarded up to the next terminator).
    """

    def __init__(self, max_line: int = DEFAULT_MAX_LINE) -> None:
        self.max_line = max_line
        self._buf = bytearray()
        self._overflowed = False

    def feed(self, chunk: bytes) -> list[bytes | str]:
        out: list[bytes | str] = []
        for byte in chunk:
            if byte in _TERMINATORS:
                if self._overflowed:
                    out.append("too_long")
                elif self._buf:
                    out.append(bytes(self._buf))
                self._buf.clear()
                self._overflowed = False
            elif self._overflowed:
                continue
            elif len(self._buf) >= self.max_line:
                self._overflowed = True
                self._buf.clear()
            else:
                self._buf.append(byte)
        return out


class SerialScanner:
    """A line scanner on one serial port, read by a worker thread.

    ``on_line(text)`` gets each scan; ``on_error(err)`` gets each problem as a
    :class:`SealroomError`. ``port_factory`` opens the port (pyserial by
    default; tests pass the path of a real pty instead of faking it).
    """

    def __init__(
        self,
        port: str,
        on_line: Callable[[str], None],
        on_error: Callable[[SealroomError], None],
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        max_line: int = DEFAULT_MAX_LINE,
        poll_seconds: float = 0.1,
        port_factory: Callable[[str, int, float], SerialPort] = open_port,
    ) -> None:
        self.port = port
        self._on_line = on_line
        self._on_error = on_error
        self._baudrate = baudrate
        self._max_line = max_line
        self._poll = poll_seconds
        self._factory = port_factory
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial: SerialPort | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Open the port (raises ``device.scanner_open``) and start reading."""
        if self._thread is not None:
            raise RuntimeError("scanner already started")
        self._serial = self._factory(self.port, self._baudrate, self._poll)
        self._cancel.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner {self.port}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Cancel the worker, wait for it, close the port. Idempotent."""
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close()

    def __enter__(self) -> SerialScanner:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _close(self) -> None:
        with self._lock:
            ser, self._serial = self._serial, None
        if ser is not None:
            try:
                ser.close()
            except (serial.SerialException, OSError):  # closing a vanished port
                log.debug("closing %s failed", self.port)

    def _report(self, err: SealroomError) -> None:
        try:
            self._on_error(err)
        except Exception:  # a broken handler must not kill the reader
            log.exception("scanner error handler failed for %s", err.code)

    def _deliver(self, text: str) -> None:
        try:
            self._on_line(text)
        except SealroomError as err:
            self._report(err)
        except Exception:  # a consumer bug: log it, keep the scanner alive
            log.exception("scan handler failed on %s", self.port)

    def _run(self) -> None:
        splitter = LineSplitter(self._max_line)
        ser = self._serial
        if ser is None:
            return
        while not self._cancel.is_set():
            try:
                chunk = ser.read(max(1, ser.in_waiting))
            except (serial.SerialException, OSError, TypeError, AttributeError):
                # TypeError/AttributeError: pyserial's state after a concurrent close.
                if not self._cancel.is_set():
                    self._report(DeviceError("device.scanner_gone", port=self.port))
                break
            for item in splitter.feed(chunk):
                if self._cancel.is_set():
                    break
                if isinstance(item, str):
                    self._report(
                        ScanError(
                            "scan.too_long",
                            length=f"more than {self._max_line}",
                            limit=self._max_line,
                        )
                    )
                    continue
                try:
                    text = item.decode("utf-8")
                except UnicodeDecodeError:
                    self._report(ScanError("scan.garbage", port=self.port))
                    continue
                self._deliver(text)
        self._close()


@dataclass(frozen=True)
class PortInfo:
    """A serial port that looks like a USB scanner."""

    device: str
    vendor: int | None
    product: int | None
    description: str


def find_scanner_ports(policy: Policy) -> list[PortInfo]:
    """USB serial ports whose vendor/product the policy allows as ``scanner``.

    Uses pyserial's port listing (sysfs on Linux). A port without USB ids, or
    not matched by any ``kind = "scanner"`` rule, is left out.
    """
    rules = [r for r in policy.devices if r.kind == "scanner"]
    found: list[PortInfo] = []
    for p in serial.tools.list_ports.comports():
        if p.vid is None or p.pid is None:
            continue
        # CDC-ACM is USB class 2 (Communications); match vendor/product and class.
        if any(r.matches(2, p.vid, p.pid) for r in rules):
            found.append(PortInfo(p.device, p.vid, p.pid, p.description or p.device))
    return found
