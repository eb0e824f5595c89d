"""Sealed backups: the journal, its key slots and its head, in one file on a registered medium.

A terminal's disk fails within the ten years its journal must be kept, and
until now the journal existed in one place. A sealed backup is one file,
``<kiosk_id>-<seq>.sealroom-backup``, written durably (temporary name,
fsync, rename, fsync of the directory) to the backup medium:

* a header in the clear: format, kiosk id, journal id, the head it holds
  (seq and hash), when it was written, and a verbatim copy of the key-slot
  file — the database key wrapped once per enrolled security key and once
  for the recovery passphrase. So a backup opens exactly like the terminal:
  with one enrolled custodian's key (PIN and touch) or the recovery
  passphrase from the safe, and with nothing else;
* the journal itself — every meta row (the terminal's signing key, its QR
  key, the journal id) and every entry's exact canonical line — sealed with
  AES-256-GCM under a key derived (HKDF) from the database key and bound to
  the journal id; the header is the associated data, so a header edited
  (another head, another key-slot file) does not open.

Invariants:

* a backup is read at one head under the journal's write lock
  (:meth:`kiosk.journal.store.Journal.snapshot`): lines, meta and key slots
  agree;
* nothing secret is in the clear: the key-slot file holds only wrapped keys
  (as on the terminal's disk), the rest is sealed;
* opening checks the seal before anything is used; the restore then checks
  the whole chain and every signature (``kiosk/terminal/restore.py``).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.errors import JournalError
from kiosk.format.canonical import b64u, b64u_decode, canon
from kiosk.journal.durable import atomic_write
from kiosk.journal.keyslots import derive_key

if TYPE_CHECKING:
    from kiosk.journal.store import Journal

FORMAT = "sealroom-backup/1"
SUFFIX = ".sealroom-backup"


def backup_key(db_key: bytes, journal_id: str) -> bytes:
    """The key that seals a backup's journal: derived, never the database key itself."""
    return derive_key(db_key, "backup", journal_id)


@dataclass(frozen=True)
class BackupHeader:
    """What a backup says about itself before it is opened."""

    path: Path
    kiosk_id: str
    journal_id: str
    seq: int
    hash: str
    created_at: str
    keyslots: bytes
    _doc: dict[str, Any]

    def aad(self) -> bytes:
        return canon({k: v for k, v in self._doc.items() if k not in ("nonce", "sealed")})


@dataclass(frozen=True)
class BackupContent:
    meta: dict[str, bytes]
    lines: list[bytes]


def file_name(kiosk_id: str, seq: int) -> str:
    return f"{kiosk_id}-{seq:08d}{SUFFIX}"


def write_backup(journal: Journal, directory: Path, created_at: str) -> BackupHeader:
    """Write a sealed backup of ``journal`` into ``directory`` (the mounted medium)."""
    meta, lines, slots = journal.snapshot()
    journal_id = meta["journal_id"].decode()
    last_obj = json.loads(lines[-1]) if lines else {}
    seq, head_hash = int(last_obj.get("seq", 0)), str(last_obj.get("hash", ""))
    header: dict[str, Any] = {
        "format": FORMAT,
        "kiosk_id": journal.state.kiosk_id,
        "journal_id": journal_id,
        "head": {"seq": seq, "hash": head_hash},
        "created_at": created_at,
        "keyslots": slots.to_bytes().decode("utf-8"),
    }
    body = canon(
        {
            "meta": {k: b64u(v) for k, v in sorted(meta.items())},
            "lines": [line.decode("utf-8") for line in lines],
        }
    )
    nonce = secrets.token_bytes(12)
    key = backup_key(journal.database_key(), journal_id)
    sealed = AESGCM(key).encrypt(nonce, body, canon(header))
    doc = dict(header, nonce=b64u(nonce), sealed=b64u(sealed))
    path = directory / file_name(journal.state.kiosk_id, seq)
    atomic_write(path, canon(doc) + b"\n", mode=0o600)
    return read_header(path)


def read_header(path: Path) -> BackupHeader:
    """The header of a backup file; ``backup.unreadable`` if it is not one."""
    try:
        doc = json.loads(path.read_bytes())
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("not a Sealroom backup")
        head = doc["head"]
        return BackupHeader(
            path,
            str(doc["kiosk_id"]),
            str(doc["journal_id"]),
            int(head["seq"]),
            str(head["hash"]),
            str(doc["created_at"]),
            str(doc["keyslots"]).encode("utf-8"),
            doc,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JournalError("backup.unreadable", path=path.name) from exc


def open_backup(header: BackupHeader, db_key: bytes) -> BackupContent:
    """Unseal a backup with the database key its key slots gave."""
    doc = header._doc
    try:
        body = AESGCM(backup_key(db_key, header.journal_id)).decrypt(
            b64u_decode(doc["nonce"]), b64u_decode(doc["sealed"]), header.aad()
        )
        obj = json.loads(body)
        meta = {str(k): b64u_decode(v) for k, v in obj["meta"].items()}
        lines = [str(line).encode("utf-8") for line in obj["lines"]]
    except (InvalidTag, KeyError, TypeError, ValueError) as exc:
        raise JournalError("backup.damaged", path=header.path.name) from exc
    return BackupContent(meta, lines)


def newest_backup(directory: Path, kiosk_id: str | None = None) -> BackupHeader:
    """The backup with the highest head in ``directory`` (of ``kiosk_id``, if given)."""
    found = []
    for path in directory.glob(f"*{SUFFIX}"):
        try:
            header = read_header(path)
        except JournalError:
            continue
        if kiosk_id is None or header.kiosk_id == kiosk_id:
            found.append(header)
    if not found:
        raise JournalError("backup.none", path=str(directory))
    return max(found, key=lambda h: (h.seq, h.created_at))


__all__ = [
    "BackupContent",
    "BackupHeader",
    "newest_backup",
    "open_backup",
    "read_header",
    "write_backup",
]
