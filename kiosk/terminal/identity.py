"""The terminal's public identity on disk, and the identity sheet printed from it.

Why a file: auditors compare every bundle with two anchors, the terminal
key's fingerprint and the genesis hash. The key is in ``kiosk.pub``, but the
genesis hash lives only inside the encrypted journal, so printing the
terminal identity sheet again after commissioning would need a custodian to
unlock it. Nothing in the anchors is secret (they are what the identity sheet
prints), so commissioning writes them to ``identity.json`` beside
``kiosk.pub`` (:func:`write_identity`), and the sheet can be printed again
from these public files alone (``sealroom identity-sheet``), with the kiosk
running, without a key or the journal.

Trust: those files are only as trustworthy as the disk they are on. So
:func:`read_identity` refuses them when they disagree with each other, the
fingerprint is always computed from the key itself, and a sheet printed
again says so and asks the auditors to compare it with the one printed at
commissioning (the commissioning sheet in the safe holds the same anchors).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import JournalError, KeySlotError
from kiosk.format.clock import parse_ts
from kiosk.journal.durable import atomic_write
from kiosk.journal.keyslots import KeySlots
from kiosk.journal.store import PUBKEY_NAME, SLOTS_NAME, Journal
from kiosk.paper.documents import IdentitySheet, JournalHead, ssh_key_fingerprint
from kiosk.paper.slips import identity_sheet

IDENTITY_NAME = "identity.json"
FORMAT = "sealroom-identity/1"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class TerminalIdentity:
    """What identifies a terminal to its auditors; all public."""

    kiosk_id: str
    #: the line of ``kiosk.pub`` (OpenSSH public key and the terminal id as comment)
    public_key: str
    genesis_hash: str
    commissioned_at: dt.datetime

    @property
    def fingerprint(self) -> str:
        """``SHA256:…`` as ``ssh-keygen -l`` prints it, computed from the key."""
        return ssh_key_fingerprint(self.public_key) or ""


def identity_of(journal: Journal) -> TerminalIdentity:
    """The identity of the terminal whose journal is open (at commissioning)."""
    state = journal.state
    genesis = journal.entry(1)
    if genesis is None:
        raise JournalError("journal.corrupt", reason="the genesis entry is missing")
    return TerminalIdentity(
        state.kiosk_id, journal.kiosk_public_line(), state.genesis_hash, parse_ts(genesis.ts)
    )


def write_identity(data_dir: Path, identity: TerminalIdentity) -> Path:
    """Write ``identity.json`` (readable by all, like ``kiosk.pub``: it holds no secret)."""
    path = data_dir / IDENTITY_NAME
    doc = {
        "format": FORMAT,
        "kiosk_id": identity.kiosk_id,
        "public_key": identity.public_key,
        "fingerprint": identity.fingerprint,
        "genesis_hash": identity.genesis_hash,
        "commissioned_at": identity.commissioned_at.astimezone(dt.UTC).isoformat(),
    }
    atomic_write(path, (json.dumps(doc, indent=2) + "\n").encode("ascii"))
    return path


def read_identity(data_dir: Path) -> TerminalIdentity:
    """The identity from ``identity.json`` and ``kiosk.pub``, refused if they disagree.

    Raises ``identity.missing`` (no file), ``identity.damaged`` (unreadable,
    malformed) or ``identity.mismatch`` (the two files name different keys).
    """
    doc = _load(data_dir / IDENTITY_NAME)
    try:
        line = (data_dir / PUBKEY_NAME).read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise JournalError("identity.missing", file=PUBKEY_NAME, path=str(data_dir)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _damaged(data_dir, PUBKEY_NAME, "it cannot be read") from exc
    if ssh_key_fingerprint(line) is None:
        raise _damaged(data_dir, PUBKEY_NAME, "it is not an OpenSSH public key")
    if line.split()[:2] != str(doc.get("public_key", "")).split()[:2]:
        raise JournalError("identity.mismatch", path=str(data_dir))
    if doc.get("fingerprint") != ssh_key_fingerprint(line):
        raise JournalError("identity.mismatch", path=str(data_dir))
    genesis, kiosk_id = doc.get("genesis_hash"), doc.get("kiosk_id")
    if not isinstance(genesis, str) or not _HEX64.match(genesis):
        raise _damaged(data_dir, IDENTITY_NAME, "its genesis hash is not 64 hex digits")
    if not isinstance(kiosk_id, str) or not kiosk_id:
        raise _damaged(data_dir, IDENTITY_NAME, "it names no terminal")
    try:
        commissioned = dt.datetime.fromisoformat(str(doc.get("commissioned_at")))
    except ValueError as exc:
        raise _damaged(data_dir, IDENTITY_NAME, "its commissioning time is not a time") from exc
    if commissioned.tzinfo is None:
        raise _damaged(data_dir, IDENTITY_NAME, "its commissioning time has no time zone")
    return TerminalIdentity(kiosk_id, line, genesis, commissioned)


def _load(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise JournalError("identity.missing", file=path.name, path=str(path.parent)) from exc
    except OSError as exc:
        raise _damaged(path.parent, path.name, "it cannot be read") from exc
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _damaged(path.parent, path.name, "it is not valid JSON") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _damaged(path.parent, path.name, f"it is not a {FORMAT} file")
    return doc


def _damaged(data_dir: Path, name: str, reason: str) -> JournalError:
    return JournalError("identity.damaged", file=name, path=str(data_dir), reason=reason)


def recorded_head(data_dir: Path, identity: TerminalIdentity) -> JournalHead:
    """The journal head the key-slot file last recorded (public), else the genesis entry.

    A sheet printed from the files carries the head as of the journal's last
    write, like every paper; without a readable key-slot file it names entry 1.
    """
    try:
        head = KeySlots.load(data_dir / SLOTS_NAME).head
    except (KeySlotError, OSError):
        return JournalHead(1, identity.genesis_hash)
    if head.seq >= 1 and _HEX64.match(head.hash):
        return JournalHead(head.seq, head.hash)
    return JournalHead(1, identity.genesis_hash)


def identity_sheet_at_commissioning(journal: Journal, timezone: str) -> IdentitySheet:
    """The identity sheet printed with the commissioning sheet, from the open journal."""
    identity = identity_of(journal)
    state = journal.state
    return identity_sheet(
        kiosk_id=identity.kiosk_id,
        public_key=identity.public_key,
        genesis_hash=identity.genesis_hash,
        commissioned_at=identity.commissioned_at,
        head=JournalHead(state.seq, state.head),
        printed_at=parse_ts(state.last_ts),
        timezone=timezone,
    )


def identity_sheet_from_files(data_dir: Path, now: dt.datetime, timezone: str) -> IdentitySheet:
    """The identity sheet printed again on request, from ``kiosk.pub`` and ``identity.json``."""
    identity = read_identity(data_dir)
    return identity_sheet(
        kiosk_id=identity.kiosk_id,
        public_key=identity.public_key,
        genesis_hash=identity.genesis_hash,
        commissioned_at=identity.commissioned_at,
        head=recorded_head(data_dir, identity),
        printed_at=now,
        timezone=timezone,
        reprint=True,
    )
