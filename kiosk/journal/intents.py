"""Intents: what the terminal is about to do outside the journal, kept until its outcome is.

Some steps touch the world before their journal entry can be written: a
credential sheet or an alert slip is printed, a bundle is written to a
stick. A crash (power cut, SIGKILL) in the middle leaves paper or files that
the journal knows nothing about. So, before such a step, the terminal writes
an *intent* beside the journal, durably; it removes the intent once the
step's outcome is a durable journal entry. An intent found at the next
unlock is a step the crash interrupted: :mod:`kiosk.terminal.repair` records
what it knows happened (a slip not printed, a sheet that may have come out,
an export left unfinished) and removes it. Never a silent gap.

Invariants:

* an intent is written atomically and durably (``durable.atomic_write``)
  before the step starts, and removed only after its outcome is durable, so
  after any crash either the outcome is in the journal or the intent is on
  disk (or both: the repair then checks the journal first and adds nothing
  twice);
* an intent holds identifiers only (seq, hash, account, serial, bundle
  name), never a password or key; it is still sealed (AES-256-GCM, with a
  key derived from the database key and bound to the journal id), because
  account names and serials are the journal's business, and so that a file
  dropped into the directory by someone without the key is refused;
* an intent that does not open (damaged, or from another journal) is kept
  and reported, never silently dropped.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.format.canonical import b64u, b64u_decode, canon
from kiosk.journal.durable import atomic_write, fsync_dir
from kiosk.journal.keyslots import derive_key

if TYPE_CHECKING:
    from kiosk.journal.store import Journal

DIR_NAME = "intents"
FORMAT = "sealroom-intent/1"


def intent_key(db_key: bytes, journal_id: str) -> bytes:
    """The key that seals intents: derived, never the database key itself."""
    return derive_key(db_key, "intents", journal_id)


@dataclass(frozen=True)
class Intent:
    """One step under way: ``name`` is unique per step (``slip-12``, ``sheet-40``)."""

    name: str
    what: str
    data: dict[str, Any]


class Intents:
    """The intents directory of one data directory, opened with the journal's key."""

    def __init__(self, data_dir: Path, db_key: bytes, journal_id: str) -> None:
        self.dir = data_dir / DIR_NAME
        self._key = intent_key(db_key, journal_id)
        self._journal_id = journal_id

    def _path(self, name: str) -> Path:
        if not name or not all(c.isalnum() or c in "-_." for c in name) or name[0] == ".":
            raise ValueError(f"not an intent name: {name!r}")
        return self.dir / f"{name}.intent"

    def write(self, name: str, what: str, data: dict[str, Any]) -> Intent:
        """Record (or replace) the intent ``name`` durably, before the step starts."""
        if not self.dir.exists():
            self.dir.mkdir(mode=0o700, exist_ok=True)
            fsync_dir(self.dir.parent)
        body = canon({"name": name, "what": what, "data": data})
        nonce = secrets.token_bytes(12)
        aad = canon({"format": FORMAT, "journal_id": self._journal_id, "name": name})
        sealed = AESGCM(self._key).encrypt(nonce, body, aad)
        doc = {"format": FORMAT, "name": name, "nonce": b64u(nonce), "sealed": b64u(sealed)}
        atomic_write(self._path(name), canon(doc) + b"\n", mode=0o600)
        return Intent(name, what, dict(data))

    def done(self, name: str) -> None:
        """The step's outcome is durable in the journal: forget the intent (durably)."""
        path = self._path(name)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            fsync_dir(self.dir)

    def read(self, path: Path) -> Intent:
        """Open one intent file; ``ValueError`` if it is damaged or from another journal."""
        doc = json.loads(path.read_bytes())
        name = str(doc.get("name", ""))
        if doc.get("format") != FORMAT or path.name != f"{name}.intent":
            raise ValueError("not an intent of this format")
        aad = canon({"format": FORMAT, "journal_id": self._journal_id, "name": name})
        try:
            body = AESGCM(self._key).decrypt(
                b64u_decode(doc["nonce"]), b64u_decode(doc["sealed"]), aad
            )
        except (InvalidTag, KeyError, TypeError) as exc:
            raise ValueError("the intent does not open with this journal's key") from exc
        obj = json.loads(body)
        return Intent(str(obj["name"]), str(obj["what"]), dict(obj["data"]))

    def pending(self, *, clean: bool = False) -> Iterator[Intent | Path]:
        """Every intent left on disk, in name order; a file that does not open is its path.

        With ``clean`` (at unlock, before anything else writes here),
        temporary files a writer killed mid-write left behind are removed
        first: the intent they were to become was never written, so its step
        never began. Never while the terminal runs: another thread's write
        may be between its temporary file and its rename.
        """
        if not self.dir.is_dir():
            return
        if clean:
            for stale in self.dir.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()
        for path in sorted(self.dir.glob("*.intent")):
            try:
                yield self.read(path)
            except (OSError, ValueError, KeyError, TypeError):
                yield path


def for_journal(journal: Journal) -> Intents:
    """The intents of an open :class:`~kiosk.journal.store.Journal`."""
    return Intents(journal.data_dir, journal.database_key(), journal.journal_id())


__all__ = ["DIR_NAME", "Intent", "Intents", "for_journal", "intent_key"]
