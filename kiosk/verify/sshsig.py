"""OpenSSH ``sshsig`` signatures (PROTOCOL.sshsig), Ed25519 only.

Why hand-written: the export spec (section 6) makes ``manifest.json.sig`` an
armored OpenSSH signature so auditors can check it with ``ssh-keygen -Y
verify``. No well-kept Python library implements sshsig (``cryptography``
reads and writes OpenSSH *keys* but not this signature format; the few PyPI
packages that do are unmaintained single-author projects), while the format
itself is small: a length-prefixed blob around one Ed25519 signature. The
cryptography (Ed25519, SHA-2) is ``cryptography``'s; only the framing is ours,
and the tests check it both ways against ``ssh-keygen -Y sign``/``-Y verify``.

The format, from OpenSSH's PROTOCOL.sshsig::

    blob   = "SSHSIG" || uint32 1 || string publickey || string namespace
             || string reserved || string hash_algorithm || string signature
    signed = "SSHSIG" || string namespace || string reserved
             || string hash_algorithm || string H(message)

and the armor is ``-----BEGIN SSH SIGNATURE-----``, the base64 of ``blob``
wrapped at 70 columns, ``-----END SSH SIGNATURE-----``.

Invariants:

* :func:`verify` accepts a signature only if *every* byte of the file is
  meaningful: strict armor (no stray characters, canonical base64), version 1,
  the expected namespace, a known hash algorithm, a signature whose key is the
  trusted key, and no trailing bytes. So any changed byte is refused, which
  is what the mutation suite relies on.
* Nothing here ever sees a private key except :func:`sign`, which takes a
  signing callable (the journal keeps the key; see
  ``Journal.sign_with_kiosk_key``), so the key never leaves its owner.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.rules.kiosk_key import read_kiosk_key

MAGIC = b"SSHSIG"
VERSION = 1
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
WRAP = 70
KEY_TYPE = b"ssh-ed25519"
HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}
_B64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")


class SshSigError(ValueError):
    """A signature or public key that cannot be read or does not verify (reason in args)."""


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


class _Reader:
    """Reads SSH wire-format fields; any overrun is an error, never a short read."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise SshSigError("the signature is truncated")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def uint32(self) -> int:
        (value,) = struct.unpack(">I", self.take(4))
        return int(value)

    def string(self) -> bytes:
        return self.take(self.uint32())

    def done(self) -> bool:
        return self.pos == len(self.data)


def parse_public_key(line: str) -> bytes:
    """The raw 32-byte Ed25519 key of an OpenSSH public key line (comment ignored).

    The one reader of such lines is :func:`kiosk.rules.kiosk_key.read_kiosk_key`
    (the per-entry checks judge the genesis key with it); here its refusal
    becomes an :class:`SshSigError`.
    """
    try:
        return read_kiosk_key(line)
    except ValueError as exc:
        raise SshSigError(str(exc)) from None


def public_key_blob(raw_key: bytes) -> bytes:
    """SSH wire form of an Ed25519 public key."""
    return _string(KEY_TYPE) + _string(raw_key)


def public_key_line(raw_key: bytes, comment: str = "") -> str:
    text = "ssh-ed25519 " + base64.b64encode(public_key_blob(raw_key)).decode("ascii")
    return f"{text} {comment}" if comment else text


def _signed_data(namespace: str, hash_alg: str, message: bytes) -> bytes:
    digest = HASHES[hash_alg](message).digest()
    return (
        MAGIC
        + _string(namespace.encode())
        + _string(b"")
        + _string(hash_alg.encode())
        + _string(digest)
    )


def armor(blob: bytes) -> bytes:
    """PEM-like armor exactly as ``ssh-keygen -Y sign`` writes it."""
    b64 = base64.b64encode(blob).decode("ascii")
    lines = [b64[i : i + WRAP] for i in range(0, len(b64), WRAP)]
    return ("\n".join([BEGIN, *lines, END]) + "\n").encode("ascii")


def sign(
    message: bytes,
    namespace: str,
    raw_public_key: bytes,
    sign_raw: Callable[[bytes], bytes],
    hash_alg: str = "sha512",
) -> bytes:
    """An armored sshsig of ``message``; ``sign_raw`` makes the Ed25519 signature."""
    if hash_alg not in HASHES:
        raise SshSigError(f"unknown hash algorithm {hash_alg}")
    signature = sign_raw(_signed_data(namespace, hash_alg, message))
    blob = (
        MAGIC
        + struct.pack(">I", VERSION)
        + _string(public_key_blob(raw_public_key))
        + _string(namespace.encode())
        + _string(b"")
        + _string(hash_alg.encode())
        + _string(_string(KEY_TYPE) + _string(signature))
    )
    return armor(blob)


def dearmor(text: bytes) -> bytes:
    """The signature blob inside the armor; strict (see module invariants)."""
    lines = text.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) < 3 or lines[0] != BEGIN.encode() or lines[-1] != END.encode():
        raise SshSigError("the file is not an armored SSH signature")
    body = lines[1:-1]
    if not all(_B64_LINE.fullmatch(line) for line in body):
        raise SshSigError("the signature's base64 holds stray characters")
    joined = b"".join(body)
    try:
        blob = base64.b64decode(joined, validate=True)
    except (binascii.Error, ValueError):
        raise SshSigError("the signature's base64 is damaged") from None
    if base64.b64encode(blob) != joined:
        raise SshSigError("the signature's base64 is not in canonical form")
    return blob


@dataclass(frozen=True)
class ParsedSignature:
    public_key: bytes  # raw Ed25519 key
    namespace: str
    hash_alg: str
    signature: bytes


def parse(text: bytes) -> ParsedSignature:
    """Read an armored sshsig; raise :class:`SshSigError` if anything is off."""
    r = _Reader(dearmor(text))
    if r.take(6) != MAGIC:
        raise SshSigError("the signature does not start with SSHSIG")
    if r.uint32() != VERSION:
        raise SshSigError("the signature has an unknown version")
    pub = _Reader(r.string())
    if pub.string() != KEY_TYPE:
        raise SshSigError("the signature was not made with an Ed25519 key")
    raw_key = pub.string()
    if len(raw_key) != 32 or not pub.done():
        raise SshSigError("the signature's public key is malformed")
    try:
        namespace = r.string().decode("utf-8")
    except UnicodeDecodeError:
        raise SshSigError("the signature's namespace is not text") from None
    if r.string() != b"":
        raise SshSigError("the signature's reserved field is not empty")
    try:
        hash_alg = r.string().decode("ascii")
    except UnicodeDecodeError:
        raise SshSigError("the signature's hash algorithm is not text") from None
    if hash_alg not in HASHES:
        raise SshSigError(f"the signature uses an unknown hash algorithm {hash_alg!r}")
    sig = _Reader(r.string())
    if sig.string() != KEY_TYPE:
        raise SshSigError("the signature is not an Ed25519 signature")
    raw_sig = sig.string()
    if len(raw_sig) != 64 or not sig.done() or not r.done():
        raise SshSigError("the signature has trailing or missing bytes")
    return ParsedSignature(raw_key, namespace, hash_alg, raw_sig)


def verify(text: bytes, message: bytes, namespace: str, trusted_key: bytes) -> None:
    """Raise :class:`SshSigError` unless ``text`` is a valid sshsig of ``message``.

    ``trusted_key`` is the raw Ed25519 key the signature must be made with
    (the commissioning sheet's key, or the journal's own key).
    """
    parsed = parse(text)
    if parsed.namespace != namespace:
        raise SshSigError(f"the signature is for namespace {parsed.namespace!r}, not {namespace!r}")
    if parsed.public_key != trusted_key:
        raise SshSigError("the signature was made with another key than the trusted kiosk key")
    try:
        Ed25519PublicKey.from_public_bytes(trusted_key).verify(
            parsed.signature, _signed_data(namespace, parsed.hash_alg, message)
        )
    except InvalidSignature:
        raise SshSigError("the signature does not verify") from None
