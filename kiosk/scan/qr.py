"""The terminal's own QR payloads: versioned, typed, MAC-bound to this terminal.

Paper and journal point at each other: a credential sheet's QR names the
envelope serial, the account and the journal entry that issued it; an
envelope label's QR names its serial and account; a printed record's QR names
its journal entry. When an envelope is opened, scanning the sheet inside
proves it is the sheet this terminal issued for that envelope.

Format (version 1), all upper-case so that QR *alphanumeric mode* carries it
(5.5 bits per character, the densest text mode; ``0-9 A-Z :`` are all in its
alphabet), and so that a keyboard-wedge scanner with Caps Lock on cannot
change its meaning::

    SRQ1:<KIND>:<field 1>:...:<field n>:<TAG>

- ``SRQ1`` -- "Sealroom QR", format version 1. Another version is refused
  with its own message (a code from newer or older software).
- ``KIND`` -- ``SHEET``, ``ENV`` or ``REC`` (see :data:`KINDS` for the fields
  of each, in order).
- fields by type: ``int`` -- decimal, no leading zeros, below 2**53;
  ``hex`` -- a journal hash prefix, 16 to 64 hex digits (upper case in the
  code, lower case in :class:`QrPayload`); ``text`` -- UTF-8, base32
  (RFC 4648, no padding) of 1 to 64 bytes of printable text.
- ``TAG`` -- the first 160 bits (20 bytes, >= 128 as required) of
  HMAC-SHA-256 under the terminal's 32-byte QR key over
  ``b"sealroom-qr\\x00" + <everything before ":TAG">``, in base32
  (exactly 32 characters). Compared in constant time.

Invariants of :func:`decode_qr`:

- the length cap (:data:`MAX_QR_CHARS`) and the character screen (no control,
  invisible or non-ASCII characters) run before anything else;
- the MAC is verified *before* the kind or any field is interpreted, so data
  from another terminal, or altered, is never parsed into a payload;
- it raises :class:`ScanError` and nothing else for any text.

No secret is ever inside a code: the field tables below are fixed and hold
only identifiers (account id, serial, journal seq and hash prefix, document
kind), and :func:`encode_qr` refuses any other field. The MAC key itself is a
secret kept in the encrypted journal; it never appears in a payload or error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from kiosk.errors import ScanError
from kiosk.errors.secret_names import looks_secret
from kiosk.scan.text import screen

PREFIX = "SRQ"
VERSION = 1
MAC_KEY_BYTES = 32
TAG_BYTES = 20
TAG_CHARS = 32
MAX_QR_CHARS = 512
MAX_TEXT_FIELD = 64
_MAC_DOMAIN = b"sealroom-qr\x00"

FieldValue = str | int

#: kind -> (code in the payload, ((field name, type), ...)) -- order is the wire order.
KINDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "sheet": ("SHEET", (("account", "text"), ("serial", "text"), ("seq", "int"), ("hash", "hex"))),
    "envelope": ("ENV", (("serial", "text"), ("account", "text"))),
    "record": ("REC", (("doc", "text"), ("seq", "int"), ("hash", "hex"))),
}
_BY_CODE = {code: kind for kind, (code, _) in KINDS.items()}

for _kind, (_code, _fields) in KINDS.items():  # the "no secret" rule, checked at import
    for _name, _ in _fields:
        if looks_secret(_name):  # pragma: no cover - a defect in the table above
            raise RuntimeError(f"QR field {_kind}.{_name} looks like a secret")

_HEX_RE = re.compile(r"[0-9A-F]{16,64}")
_INT_RE = re.compile(r"0|[1-9][0-9]{0,15}")
_B32_RE = re.compile(r"[A-Z2-7]{2,103}")
_TAG_RE = re.compile(r"[A-Z2-7]{32}")
_HEAD_RE = re.compile(r"SRQ([0-9]{1,6})")


@dataclass(frozen=True)
class QrPayload:
    """A decoded, authenticated payload: ``kind`` and its ``fields`` by name."""

    kind: str
    fields: Mapping[str, FieldValue]
    text: str

    def str_field(self, name: str) -> str:
        value = self.fields[name]
        if not isinstance(value, str):
            raise TypeError(f"field {name} is not text")
        return value

    def int_field(self, name: str) -> int:
        value = self.fields[name]
        if not isinstance(value, int):
            raise TypeError(f"field {name} is not a number")
        return value


def _check_key(mac_key: bytes) -> None:
    if not isinstance(mac_key, bytes) or len(mac_key) != MAC_KEY_BYTES:
        raise ValueError(f"the QR MAC key must be {MAC_KEY_BYTES} bytes")


def _tag(mac_key: bytes, signed: str) -> str:
    digest = hmac.new(mac_key, _MAC_DOMAIN + signed.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest[:TAG_BYTES]).decode("ascii")


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _unb32(text: str) -> bytes:
    """Strict base32 without padding: the canonical form only (one encoding per value)."""
    if not _B32_RE.fullmatch(text):
        raise ValueError("not base32")
    data = base64.b32decode(text + "=" * (-len(text) % 8))
    if _b32(data) != text:
        raise ValueError("base32 not canonical")
    return data


def _encode_field(name: str, ftype: str, value: object) -> str:
    if ftype == "int":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**53:
            raise ValueError(f"field {name} must be an integer from 0 to 2**53-1")
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"field {name} must be a string")
    if ftype == "hex":
        upper = value.upper()
        if not _HEX_RE.fullmatch(upper):
            raise ValueError(f"field {name} must be 16 to 64 hex digits")
        return upper
    data = value.encode("utf-8")
    if not 1 <= len(data) <= MAX_TEXT_FIELD or not value.isprintable():
        raise ValueError(f"field {name} must be 1 to {MAX_TEXT_FIELD} bytes of printable text")
    return _b32(data)


def _decode_field(name: str, ftype: str, raw: str) -> FieldValue:
    if ftype == "int":
        if not _INT_RE.fullmatch(raw) or int(raw) >= 2**53:
            raise ScanError("scan.qr_malformed", reason=f"field {name} is not a number")
        return int(raw)
    if ftype == "hex":
        if not _HEX_RE.fullmatch(raw):
            raise ScanError("scan.qr_malformed", reason=f"field {name} is not a hash prefix")
        return raw.lower()
    try:
        value = _unb32(raw).decode("utf-8")
    except (ValueError, binascii.Error):
        raise ScanError("scan.qr_malformed", reason=f"field {name} is not encoded text") from None
    if not value or not value.isprintable():
        raise ScanError("scan.qr_malformed", reason=f"field {name} has unprintable text")
    return value


def encode_qr(kind: str, fields: Mapping[str, FieldValue], mac_key: bytes) -> str:
    """The QR text for ``kind`` with exactly the fields of :data:`KINDS`.

    ``encode_qr("sheet", {"account": "db-prod-root", "serial": "SR12345674",
    "seq": 42, "hash": "3f9a1c0d5e6b7a89"}, key)``. Raises ``ValueError`` for
    an unknown kind, a missing or extra field, a value of the wrong type, or a
    key that is not 32 bytes: these are programming errors, not scans.
    """
    _check_key(mac_key)
    if kind not in KINDS:
        raise ValueError(f"unknown QR kind {kind!r}; one of {sorted(KINDS)}")
    code, schema = KINDS[kind]
    names = [n for n, _ in schema]
    if set(fields) != set(names):
        raise ValueError(f"QR kind {kind!r} takes exactly the fields {names}")
    parts = [f"{PREFIX}{VERSION}", code]
    parts += [_encode_field(n, t, fields[n]) for n, t in schema]
    signed = ":".join(parts)
    text = f"{signed}:{_tag(mac_key, signed)}"
    if len(text) > MAX_QR_CHARS:  # pragma: no cover - bounded by the field limits
        raise ValueError("QR payload too long")
    return text


def looks_like_qr(text: str) -> bool:
    """True when a scan claims to be one of our codes (starts with ``SRQ``, any case)."""
    return text.lstrip(" ")[:3].upper() == PREFIX


def decode_qr(text: object, mac_key: bytes, *, kinds: Collection[str] | None = None) -> QrPayload:
    """Authenticate and parse a scanned QR text made by :func:`encode_qr`.

    ``kinds`` optionally limits the accepted kinds (``scan.qr_wrong_kind``).
    Raises :class:`ScanError`: the screen's codes (``scan.too_long``,
    ``scan.control_char``, ...), ``scan.qr_not_ours``, ``scan.qr_version``,
    ``scan.qr_malformed``, ``scan.qr_bad_mac``, ``scan.qr_unknown_kind``,
    ``scan.qr_wrong_kind``.
    """
    _check_key(mac_key)
    clean = screen(text, limit=MAX_QR_CHARS).upper()
    parts = clean.split(":")
    head = _HEAD_RE.fullmatch(parts[0])
    if head is None:
        raise ScanError("scan.qr_not_ours")
    if int(head.group(1)) != VERSION:
        raise ScanError("scan.qr_version", version=head.group(1), supported=VERSION)
    if len(parts) < 3:
        raise ScanError("scan.qr_malformed", reason="parts are missing")
    signed, tag = clean.rsplit(":", 1)
    # Constant-time comparison of the tag text (both are ASCII here).
    if not _TAG_RE.fullmatch(tag) or not hmac.compare_digest(_tag(mac_key, signed), tag):
        raise ScanError("scan.qr_bad_mac")
    code, raw_fields = parts[1], parts[2:-1]
    kind = _BY_CODE.get(code)
    if kind is None:
        raise ScanError("scan.qr_unknown_kind", kind=code.lower())
    schema = KINDS[kind][1]
    if len(raw_fields) != len(schema):
        raise ScanError("scan.qr_malformed", reason=f"a {kind} code has {len(schema)} fields")
    values = {n: _decode_field(n, t, raw) for (n, t), raw in zip(schema, raw_fields, strict=True)}
    if kinds is not None and kind not in kinds:
        raise ScanError("scan.qr_wrong_kind", kind=_KIND_WORDS[kind], expected=_kind_list(kinds))
    return QrPayload(kind=kind, fields=values, text=clean)


_KIND_WORDS = {"sheet": "credential sheet", "envelope": "envelope label", "record": "record"}


def _kind_list(kinds: Collection[str]) -> str:
    return " or ".join(_KIND_WORDS.get(k, k) for k in sorted(kinds))
