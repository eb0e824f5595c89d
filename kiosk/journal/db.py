"""Opening the SQLCipher database, and refusing anything unexpected.

Why so strict: the journal is the single source of truth. A database opened
with the wrong cipher settings, a downgraded library, or without full
synchronous writes could silently lose or expose entries. So at every open
the terminal reads back the settings and refuses to start, saying which one
is wrong, instead of carrying on with weaker guarantees.

The database itself is the single-writer lock: every connection runs in
SQLite's EXCLUSIVE locking mode and takes the file's exclusive lock as it
opens, holding it until it closes. A second program (or a second
connection) can then neither read nor write the file, even when the
friendly first refusal, the ``journal.lock`` file of
:class:`~kiosk.journal.store.Journal`, was deleted: the lock is the
kernel's lock on ``journal.db``, not a file anyone can remove. (In WAL mode
with exclusive locking SQLite keeps its index in memory: no ``-shm`` file.)

A failure to open is told apart (:mod:`kiosk.journal.diskspace`): a
journal held by another program is ``journal.locked``, a full disk is
``journal.disk_full``; only then is it a wrong key or a damaged file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlcipher3

from kiosk.errors import JournalError
from kiosk.journal.diskspace import classify, disk_full, disk_full_error

#: SQLCipher 4's defaults, as SQLCipher prints them. SQLCipher keeps its
#: settings nowhere in the file (the whole file, header included, is
#: encrypted), so every connection is given them before its first read (the
#: file's format is then fixed here, not by how the library was built) and
#: reads every one back: a library that did not take one is refused.
CIPHER_SETTINGS = {
    "cipher_page_size": "4096",
    "cipher_use_hmac": "1",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
    "cipher_plaintext_header_size": "0",
}

#: Each entry's exact canonical line, which carries its own hash.
SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq  INTEGER PRIMARY KEY,
    line BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS meta_no_update BEFORE UPDATE ON meta
BEGIN SELECT RAISE(ABORT, 'terminal keys are never changed'); END;
"""

Connection = Any  # sqlcipher3 ships no type information


def _one(conn: Connection, pragma: str) -> str:
    row = conn.execute(f"PRAGMA {pragma}").fetchone()
    return "" if row is None else str(row[0])


def _key_and_check_cipher(conn: Connection, key: bytes) -> None:
    """Give the connection its raw key and settings, then refuse unexpected ones."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for pragma, value in CIPHER_SETTINGS.items():
        conn.execute(f"PRAGMA {pragma} = {value}")
    version = _one(conn, "cipher_version")
    if not re.match(r"^4\.\d+\.\d+", version):
        raise JournalError(
            "journal.cipher", reason=f"SQLCipher 4 is required, this is {version or 'none'}"
        )
    for pragma, expected in CIPHER_SETTINGS.items():
        got = _one(conn, pragma)
        if got != expected:
            raise JournalError(
                "journal.cipher", reason=f"{pragma} is {got or 'unset'}, expected {expected}"
            )


def _check_key(key: bytes) -> None:
    if len(key) != 32:
        raise JournalError("journal.cipher", reason="the database key is not 256 bits")


#: How long a second opener waits for the lock before it is refused (seconds).
BUSY_TIMEOUT = 1.0


def _lock_exclusively(conn: Connection) -> None:
    """Hold the database file's exclusive lock from now until the connection closes.

    Set before the first read, so the write-ahead log's index is kept in
    this process's memory and never shared; the empty exclusive transaction
    takes the lock now rather than at the first append.
    """
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("COMMIT")
    mode = _one(conn, "locking_mode").lower()
    if mode != "exclusive":
        raise JournalError("journal.cipher", reason=f"locking_mode is {mode}, expected exclusive")


def _prepare(conn: Connection, path: Path, create: bool) -> None:
    """Refuse a wrong key, anything but WAL and full synchronous writes, a damaged file."""
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        known = classify(exc, path.parent)
        if known is not None:
            raise known from exc
        raise JournalError(
            "journal.undecryptable",
            reason="the key does not open it, or the file is damaged",
        ) from exc
    mode = _one(conn, "journal_mode = WAL").lower()
    if mode != "wal":
        raise JournalError("journal.cipher", reason=f"journal_mode is {mode}, expected wal")
    conn.execute("PRAGMA synchronous = FULL")
    if _one(conn, "synchronous") != "2":
        raise JournalError("journal.cipher", reason="synchronous is not FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    _lock_exclusively(conn)
    if create:
        conn.executescript(SCHEMA)
        return
    check = _one(conn, "quick_check")
    if check != "ok":
        raise JournalError("journal.corrupt", reason=check[:200])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    if not {"entries", "meta"} <= tables:
        raise JournalError("journal.corrupt", reason="its tables are missing")


def open_database(path: Path, key: bytes, create: bool) -> Connection:
    """Open (or create) the encrypted database, check its settings and lock it.

    The connection is closed again if anything fails; every failure is a
    :class:`JournalError`: another program holding the file is
    ``journal.locked``, a full disk ``journal.disk_full`` (checked first: a
    terminal that cannot record must say so at unlock, not at the first
    step), any other error from SQLCipher a damaged file.
    """
    _check_key(key)
    if disk_full(path.parent):
        raise disk_full_error(path.parent)
    if not create and not path.exists():
        raise JournalError("journal.missing", path=str(path.parent))
    if create and path.exists():
        raise JournalError("journal.exists", path=str(path.parent))
    if not create:
        with path.open("rb") as fh:
            header = fh.read(16)
        if header.startswith(b"SQLite format 3"):
            raise JournalError("journal.cipher", reason="the database file is not encrypted")
    conn = sqlcipher3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT
    )
    try:
        _key_and_check_cipher(conn, key)
        _prepare(conn, path, create)
    except JournalError:
        conn.close()
        raise
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise classify(exc, path.parent) or JournalError(
            "journal.corrupt", reason=type(exc).__name__
        ) from exc
    return conn
