"""The operational log's destination: the systemd journal, with structured fields.

:func:`configure` is called once, at the start of every ``sealroom`` command
(``ui.cli.main``). Records go to systemd-journald's native socket when there
is one, else to stderr; either way through the redaction guard
(:class:`kiosk.errors.oplog.RedactionGuard`).

Why the native protocol written here rather than ``systemd-python``: that
package is a C extension that needs ``libsystemd-dev`` and a compiler to
build, and the appliance installs its virtual environment from an offline
wheelhouse; Debian's ``python3-systemd`` lives outside that environment. The
protocol is small and documented (systemd's "Native Journal Protocol"): one
datagram per record on ``/run/systemd/journal/socket``, each field
``NAME=value\\n``, or ``NAME\\n`` + little-endian 64-bit length + value +
``\\n`` when the value holds a newline. The socket path is a parameter, so a
test reads exactly the bytes journald would get.

Fields written: ``MESSAGE`` (with the traceback, if any: code lines, no
values), ``PRIORITY`` (syslog level), ``SYSLOG_IDENTIFIER=sealroom``,
``LOGGER``, ``CODE_FILE``/``CODE_LINE``/``CODE_FUNC``, ``THREAD_NAME``, and
for an event (:func:`kiosk.errors.oplog.event`) ``SEALROOM_EVENT`` plus one
``SEALROOM_<NAME>`` per field (``SEALROOM_CODE``, ``SEALROOM_SEQ`` …).

Limits: a message longer than :data:`MAX_MESSAGE` bytes is cut (journald
would need a sealed memfd for datagrams beyond the socket's buffer; a
support log never needs that much). A record that cannot be sent (journald
restarting) is written to stderr instead, which systemd also collects; a
log call never raises into the product.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import struct
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from hardware.appliance_paths import JOURNAL_SOCKET
from kiosk.errors.oplog import EVENT_ATTR, FIELDS_ATTR, RedactionGuard

#: Where a test (or an unusual system) points the log instead of journald's socket.
SOCKET_ENV = "SEALROOM_JOURNAL_SOCKET"
#: The level of the stderr log when there is no journal (``INFO``, ``WARNING`` …).
LEVEL_ENV = "SEALROOM_LOG_LEVEL"
IDENTIFIER = "sealroom"
MAX_MESSAGE = 32 * 1024
_MAX_VALUE = 4096
_LOGGERS = ("sealroom", "kiosk", "hardware", "ui")
#: on the handler configure() installed, so a second call (or unconfigure) takes it off
_MARK = "_sealroom_handler"
#: the levels configure() raised to INFO, restored by unconfigure()
_levels_before: dict[str, int] = {}

_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}
_FIELD_NAME = re.compile(r"[^A-Z0-9_]")


def priority(levelno: int) -> int:
    """The syslog priority of a logging level (the nearest level at or above it)."""
    for level in sorted(_PRIORITY, reverse=True):
        if levelno >= level:
            return _PRIORITY[level]
    return 7


def field_name(name: str) -> str:
    """A journal field name: upper case, digits and ``_``, not starting with ``_``, ≤ 64."""
    cleaned = _FIELD_NAME.sub("_", name.upper()).lstrip("_") or "FIELD"
    if cleaned[0].isdigit():
        cleaned = "F" + cleaned
    return cleaned[:64]


def encode(fields: list[tuple[str, str]]) -> bytes:
    """One datagram of the native journal protocol."""
    out = bytearray()
    for name, value in fields:
        data = value.encode("utf-8", "replace")
        key = name.encode("ascii")
        if b"\n" in data:
            out += key + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
        else:
            out += key + b"=" + data + b"\n"
    return bytes(out)


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return text[:_MAX_VALUE]


def record_fields(record: logging.LogRecord, message: str) -> list[tuple[str, str]]:
    """The journal fields of one (already guarded and formatted) record."""
    if len(message.encode("utf-8", "replace")) > MAX_MESSAGE:
        message = message.encode("utf-8", "replace")[:MAX_MESSAGE].decode("utf-8", "ignore")
        message += "\n[cut: longer than the journal record limit]"
    fields = [
        ("MESSAGE", message),
        ("PRIORITY", str(priority(record.levelno))),
        ("SYSLOG_IDENTIFIER", IDENTIFIER),
        ("LOGGER", record.name),
        ("CODE_FILE", record.pathname),
        ("CODE_LINE", str(record.lineno)),
        ("CODE_FUNC", record.funcName),
        ("THREAD_NAME", str(record.threadName)),
    ]
    name = getattr(record, EVENT_ATTR, None)
    if name:
        fields.append(("SEALROOM_EVENT", str(name)))
    extra = getattr(record, FIELDS_ATTR, None)
    if isinstance(extra, dict):
        for key, value in extra.items():
            fields.append(("SEALROOM_" + field_name(str(key)), _value(value)))
    return fields


def describe(record: logging.LogRecord) -> str:
    """`` [event=… code=… seq=…]``: an event's fields on a stderr line."""
    name = getattr(record, EVENT_ATTR, None)
    extra = getattr(record, FIELDS_ATTR, None)
    if not name:
        return ""
    items = [f"event={name}"]
    if isinstance(extra, dict):
        items += [f"{k}={_value(v)}" for k, v in extra.items()]
    return " [" + " ".join(items) + "]"


class StderrFormatter(logging.Formatter):
    """``sealroom[pid]: LEVEL logger: message [event=… field=…]`` for a log without journald."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        head, sep, tail = text.partition("\n")
        return f"{IDENTIFIER}[{os.getpid()}]: {head}{describe(record)}{sep}{tail}"


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``stream``, or to whatever ``sys.stderr`` is at the moment of writing."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream or sys.stderr)
        self._fixed = stream is not None
        self.addFilter(RedactionGuard())
        self.setFormatter(StderrFormatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if not self._fixed:
            self.stream = sys.stderr
        super().emit(record)


class JournaldHandler(logging.Handler):
    """Sends each record as one native-protocol datagram to journald's socket."""

    def __init__(self, path: Path = JOURNAL_SOCKET, fallback: TextIO | None = None) -> None:
        super().__init__()
        self.path = str(path)
        self.fallback = fallback
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.settimeout(1.0)
        self._send_lock = threading.Lock()
        self.addFilter(RedactionGuard())
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
            payload = encode(record_fields(record, message))
            with self._send_lock:
                self._sock.sendto(payload, self.path)
        except OSError:
            self._to_fallback(record)
        except Exception:
            self.handleError(record)

    def _to_fallback(self, record: logging.LogRecord) -> None:
        stream = self.fallback or sys.stderr
        try:
            stream.write(StderrFormatter("%(levelname)s %(name)s: %(message)s").format(record))
            stream.write("\n")
            stream.flush()
        except (OSError, ValueError):
            pass  # nowhere left to write; a log call never raises

    def close(self) -> None:
        try:
            self._sock.close()
        finally:
            super().close()


def journal_available(path: Path) -> bool:
    """Whether journald's native socket exists at ``path``."""
    try:
        return path.is_socket()
    except OSError:
        return False


def _stderr_level(verbose: bool) -> int:
    named = os.environ.get(LEVEL_ENV, "").upper()
    level = logging.getLevelName(named) if named else None
    if isinstance(level, int):
        return level
    return logging.INFO if verbose else logging.ERROR


def configure(
    *,
    verbose: bool = False,
    path: Path | None = None,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send Sealroom's log records to the journal (or stderr); returns the handler.

    Called once per process, by ``ui.cli.main``. Records of loggers under
    ``sealroom``, ``kiosk``, ``hardware`` and ``ui`` at INFO and above go to
    the journal when its socket exists (``$SEALROOM_JOURNAL_SOCKET``, else
    :data:`~hardware.appliance_paths.JOURNAL_SOCKET`); without a journal they go to
    stderr, at INFO with ``verbose`` (the kiosk, whose stderr a service
    manager collects) and otherwise at ERROR only, since an administrator's
    command already prints what it did and why it failed
    (``$SEALROOM_LOG_LEVEL``, e.g. ``INFO``, overrides both). Calling it again replaces the
    previous handler. Records still propagate to the root logger, which has
    no handler in the product (and pytest's capture in the tests).
    """
    target = path or Path(os.environ.get(SOCKET_ENV) or JOURNAL_SOCKET)
    handler: logging.Handler
    if journal_available(target):
        handler = JournaldHandler(target, fallback=stream)
        handler.setLevel(logging.INFO)
    else:
        handler = StderrHandler(stream)
        handler.setLevel(_stderr_level(verbose))
    unconfigure()
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            _levels_before[name] = logger.level
            logger.setLevel(logging.INFO)
        logger.addHandler(handler)
    setattr(handler, _MARK, True)
    return handler


def unconfigure() -> None:
    """Undo :func:`configure`: its handler off, the loggers' levels back (tests use it)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, _MARK, False)]:
            logger.removeHandler(old)
            old.close()
        if name in _levels_before:
            logger.setLevel(_levels_before.pop(name))
