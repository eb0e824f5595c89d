"""The terminal's public key as the genesis entry names it (an OpenSSH ``ssh-ed25519`` line).

Why in the rules: the first entry of every journal must name a usable
terminal key (spec sections 5-6), and both the terminal's chain walk and the
auditors' verifier judge that entry with the same per-entry checks
(:mod:`kiosk.rules.entries`); the verifier's sshsig code
(:mod:`kiosk.verify.sshsig`) reads keys through this function too.
"""

from __future__ import annotations

import base64
import binascii
import struct

KEY_TYPE = b"ssh-ed25519"


def read_kiosk_key(line: str) -> bytes:
    """The raw 32-byte Ed25519 key of an OpenSSH public key line (comment ignored).

    Raises :class:`ValueError` saying what is wrong.
    """
    parts = line.strip().split()
    if len(parts) < 2 or parts[0] != KEY_TYPE.decode():
        raise ValueError("the key is not an ssh-ed25519 public key line")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the key's base64 is damaged") from None
    fields: list[bytes] = []
    at = 0
    while at < len(blob) and len(fields) < 3:
        if at + 4 > len(blob):
            raise ValueError("the key is not a valid Ed25519 key")
        (n,) = struct.unpack_from(">I", blob, at)
        at += 4
        if at + n > len(blob):
            raise ValueError("the key is not a valid Ed25519 key")
        fields.append(blob[at : at + n])
        at += n
    if not fields or fields[0] != KEY_TYPE:
        raise ValueError("the key is not an ssh-ed25519 public key line")
    if len(fields) != 2 or len(fields[1]) != 32 or at != len(blob):
        raise ValueError("the key is not a valid Ed25519 key")
    return fields[1]
