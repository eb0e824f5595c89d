"""Payload validation: what an entry's ``data`` must hold before it is written.

The kinds and their fields are in :mod:`kiosk.format.kinds`; this module
applies them, and refuses what no kind may hold.

Invariants:

* a payload with a field whose name looks like a secret (password, pin,
  passphrase, secret, private…) is refused outright, at any depth;
* unknown fields are refused at write time (the auditors' verifier, in
  contrast, tolerates them: it judges the contract, not this terminal);
* every value is canonical JSON (no floats, integers below 2**53).
"""

from __future__ import annotations

from typing import Any

from kiosk.errors import PayloadError
from kiosk.errors.secret_names import looks_secret
from kiosk.format.canonical import NotCanonicalError, check_value
from kiosk.format.kinds import KINDS
from kiosk.format.values import check_fields


def find_secret_field(data: Any, path: str = "") -> str | None:
    """The first field, at any depth, whose name looks like a secret."""
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if looks_secret(str(key)):
                return here
            found = find_secret_field(value, here)
            if found:
                return found
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found = find_secret_field(value, f"{path}[{i}]")
            if found:
                return found
    return None


def validate_payload(kind: str, data: Any) -> None:
    """Raise :class:`PayloadError` unless ``data`` is a valid payload for ``kind``."""
    if not isinstance(data, dict):
        raise PayloadError("payload.invalid", kind=kind, reason="the data must be an object")
    secret = find_secret_field(data)
    if secret:
        raise PayloadError("payload.secret", kind=kind, field=secret)
    spec = KINDS.get(kind)
    if spec is None:
        raise PayloadError("payload.unknown_kind", kind=kind)
    try:
        check_value(data)
    except NotCanonicalError as exc:
        raise PayloadError("payload.invalid", kind=kind, reason=str(exc)) from exc
    problem = check_fields(data, spec.fields)
    if problem:
        raise PayloadError("payload.invalid", kind=kind, reason=problem)
