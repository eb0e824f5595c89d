"""Canonical JSON, hashes and base64url, exactly as the export spec defines.

``canon(x)`` is the byte form that is hashed, signed and written to
``journal.jsonl`` (spec section 2)::

    json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

Numbers must be integers with absolute value below 2**53; floats (and
booleans disguised as numbers are fine — they are JSON literals) are refused
so that every verifier, in any language, reads the same value.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

MAX_SAFE_INT = 2**53

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class NotCanonicalError(ValueError):
    """A value that canonical JSON cannot carry (float, huge int, bad key)."""


def check_value(obj: Any, path: str = "$") -> None:
    """Raise :class:`NotCanonicalError` if ``obj`` is outside the spec's JSON subset."""
    if obj is None or isinstance(obj, (bool, str)):
        if isinstance(obj, str):
            _check_str(obj, path)
        return
    if isinstance(obj, int):
        if not -MAX_SAFE_INT < obj < MAX_SAFE_INT:
            raise NotCanonicalError(f"{path}: integer {obj} is too large for JSON")
        return
    if isinstance(obj, float):
        raise NotCanonicalError(f"{path}: floats are not allowed")
    if isinstance(obj, dict):
        for k, v in obj.items():
            if not isinstance(k, str):
                raise NotCanonicalError(f"{path}: object keys must be strings")
            _check_str(k, path)
            check_value(v, f"{path}.{k}")
        return
    if isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            check_value(v, f"{path}[{i}]")
        return
    raise NotCanonicalError(f"{path}: {type(obj).__name__} is not a JSON value")


def _check_str(s: str, path: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotCanonicalError(f"{path}: string holds a lone surrogate") from exc


def canon(obj: Any) -> bytes:
    """Canonical bytes of ``obj`` (checked: no floats, no huge integers)."""
    check_value(obj)
    return _ENCODER.encode(obj).encode("utf-8")


def canon_unchecked(obj: Any) -> bytes:
    """Canonical bytes of a value already known to be in the subset (hot paths)."""
    return _ENCODER.encode(obj).encode("utf-8")


def H(data: bytes) -> str:
    """SHA-256 as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def b64u(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Strict base64url decoding (no padding expected, padding tolerated)."""
    if not isinstance(text, str):
        raise ValueError("base64url value must be a string")
    pad = "=" * (-len(text) % 4)
    raw = base64.urlsafe_b64decode(text + pad)
    if b64u(raw) != text.rstrip("="):
        raise ValueError("base64url value is not in canonical form")
    return raw
