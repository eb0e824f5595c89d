"""The operational log: what a support person reads, in one vocabulary, and never a secret.

Sealroom logs through Python :mod:`logging`, each module through a logger
named ``sealroom.<area>``; one place decides where records go
(:func:`hardware.journald.configure`, called at the start of ``ui.cli.main``):
the systemd journal with structured fields, or stderr when there is none.

A record a support person looks for is an *event*: :func:`event` puts its
name and a few fields on the record (``sealroom_event``, ``sealroom_fields``)
and the journal handler writes them as ``SEALROOM_EVENT=unlock``,
``SEALROOM_CODE=…``, ``SEALROOM_SEQ=…``, so ``journalctl SEALROOM_EVENT=unlock``
lists every unlock. :data:`EVENTS` names them all.

**The redaction guard** (:class:`RedactionGuard`, installed on every
handler): a record whose fields or extra attributes have a secret-looking
name, or whose message names one as ``pin=…`` or ``password: …`` (the word
list of the journal and the errors, :mod:`kiosk.errors.secret_names`), is
not written as it is. A notice naming the logger and the code line replaces
it, so the slip is seen and fixed, and the value never leaves the process.
A value cannot be recognised, a name can: code logs identifiers, codes and
counts, never what a person typed. (Values held in
:class:`kiosk.paper.passwords.SecretText` print as ``<secret: N characters>``
whatever the format.)
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.errors.secret_names import looks_secret

#: The attribute names :func:`event` sets on a record.
EVENT_ATTR = "sealroom_event"
FIELDS_ATTR = "sealroom_fields"

#: Every event the product logs, and what it means (docs/guide/administrators.md lists them).
EVENTS: dict[str, str] = {
    "start": "a sealroom command started (command, version)",
    "stop": "the command ended (status)",
    "kiosk.start": "the kiosk started on its data directory (kiosk id, policy hash)",
    "unlock": "the terminal was unlocked (how: key or passphrase; custodian)",
    "unlock.refused": "an unlock was refused before any key was asked (reason)",
    "lock": "the terminal was locked (how: button, idle, shutdown; unlocked by)",
    "device.attached": "a USB device on the policy's allow-list is attached",
    "device.refused": "a USB device not on the allow-list is attached and refused",
    "print": "a document was printed, or did not print (document, job, outcome, code)",
    "export": "an audit export completed or failed (bundle, outcome)",
    "stick": "the export stick was mounted, refused or unmounted (device, outcome)",
    "alert": "an alert was recorded (alert, seq); its slip is printed",
    "entry": "any other journal entry (kind, seq)",
    "airgap.up": "a network interface other than loopback came up (interface)",
    "airgap.down": "that interface went down again",
    "error": "an error reached a person or ended a command (code, type, where)",
    "doctor": "one check of sealroom doctor (check, status, code)",
    "log.refused": "a log record was refused by the redaction guard (logger, where)",
}

_OUR_PACKAGES = ("kiosk", "hardware", "ui")
#: ``name=`` / ``name:`` / ``"name":`` in a message: a field being written out. A name
#: starts a word (so the search stays linear) and is not ``<secret: …>``, the way
#: :class:`~kiosk.paper.passwords.SecretText` shows itself.
_NAMED_VALUE = re.compile(r"(?<![<A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,63})[\"']?\s*[=:]")
#: The folder holding the ``kiosk``, ``hardware`` and ``ui`` packages.
_ROOT = Path(__file__).resolve().parents[2]
#: Attributes every LogRecord has; anything else came in through ``extra=``.
_STANDARD_ATTRS = frozenset(logging.LogRecord("x", logging.INFO, "x", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    EVENT_ATTR,
    FIELDS_ATTR,
}


def event(
    log: logging.Logger,
    name: str,
    message: str,
    *,
    level: int = logging.INFO,
    exc_info: BaseException | None = None,
    **fields: Any,
) -> None:
    """Log event ``name`` (one of :data:`EVENTS`) with its non-secret ``fields``.

    ``message`` is the sentence a person reads in ``journalctl``; the fields
    are for searching. ``None`` fields are left out.
    """
    kept = {k: v for k, v in fields.items() if v is not None}
    log.log(
        level,
        message,
        exc_info=exc_info,
        extra={EVENT_ATTR: name, FIELDS_ATTR: kept},
        stacklevel=2,
    )


def _relative(filename: str) -> str | None:
    """``kiosk/journal/store.py`` for a file of Sealroom's own packages, else ``None``."""
    try:
        rel = Path(filename).resolve().relative_to(_ROOT)
    except (ValueError, OSError):
        return None
    return rel.as_posix() if rel.parts and rel.parts[0] in _OUR_PACKAGES else None


def _short_path(filename: str) -> str:
    """A frame's file as a support person reads it: in the package, or just its name."""
    return _relative(filename) or Path(filename).name


def _ours(filename: str) -> bool:
    return _relative(filename) is not None


def error_fields(exc: BaseException) -> dict[str, Any]:
    """An error's cause for the log: its code, type, and where it was raised.

    ``where`` is the innermost frame in Sealroom's own code (``file:line in
    function``); ``raised_in`` the innermost frame when that is in a library.
    Only code locations: a traceback's frames hold no values.
    """
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    ours = [f for f in frames if _ours(f.filename)]
    fields: dict[str, Any] = {
        "code": getattr(exc, "code", None),
        "type": type(exc).__name__,
    }
    if ours:
        f = ours[-1]
        fields["where"] = f"{_short_path(f.filename)}:{f.lineno} in {f.name}"
    if frames and (not ours or frames[-1] is not ours[-1]):
        f = frames[-1]
        fields["raised_in"] = f"{_short_path(f.filename)}:{f.lineno} in {f.name}"
    return fields


def _secret_keys(value: object, depth: int = 0) -> list[str]:
    """Secret-looking key names in a field value (nested mappings included)."""
    if not isinstance(value, Mapping) or depth > 8:
        return []
    found = []
    for k, v in value.items():
        if looks_secret(str(k)):
            found.append(str(k))
        found += _secret_keys(v, depth + 1)
    return found


def refusal(record: logging.LogRecord) -> str | None:
    """Why ``record`` must not be written (a secret-looking name in it), or ``None``."""
    fields = getattr(record, FIELDS_ATTR, None)
    named = [k for k in record.__dict__ if k not in _STANDARD_ATTRS and looks_secret(k)]
    named += _secret_keys(fields)
    if named:
        return f"a field named {named[0]!r}"
    try:
        message = record.getMessage()
    except Exception:  # a record that cannot be formatted is not written either
        return "a message that does not format"
    for m in _NAMED_VALUE.finditer(message):
        if looks_secret(m.group(1)):
            return f"a message that writes out {m.group(1)!r}"
    return None


class RedactionGuard(logging.Filter):
    """On every handler: a record naming a secret is replaced by a notice (see the module)."""

    def filter(self, record: logging.LogRecord) -> bool:
        reason = refusal(record)
        if reason is None:
            return True
        where = f"{_short_path(record.pathname)}:{record.lineno}"
        for key in [k for k in record.__dict__ if k not in _STANDARD_ATTRS]:
            delattr(record, key)
        record.msg = "log record refused by the redaction guard: %s (logger %s, %s)"
        record.args = (reason, record.name, where)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.levelno = max(record.levelno, logging.WARNING)
        record.levelname = logging.getLevelName(record.levelno)
        setattr(record, EVENT_ATTR, "log.refused")
        setattr(record, FIELDS_ATTR, {"logger": record.name, "where": where})
        return True
