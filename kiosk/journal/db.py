"""Opening the SQLCipher database, and refusing anything unexpected.

Why so strict: the journal is the single source of truth. A database opened
with the wrong cipher settings, a downgraded library, or without full
synchronous writes could silently lose or expose entries. So at every open
the terminal reads back the settings and refuses to start, saying which one
is wrong, instead of carrying on with weaker guarantees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3

from kiosk.errors import JournalError

# What this terminal expects of SQLCipher 4 (its defaults, pinned here so a
# library with other defaults is caught rather than trusted).
EXPECTED_CIPHER = {
    "cipher_page_size": "4096",
    "cipher_use_hmac": "1",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
    "cipher_plaintext_header_size": "0",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq  INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
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
    """Give the connection its raw key, then refuse unexpected cipher settings."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    version = _one(conn, "cipher_version")
    if not re.match(r"^4\.\d+\.\d+", version):
        raise JournalError(
            "journal.cipher", reason=f"SQLCipher 4 is required, this is {version or 'none'}"
        )
    for pragma, expected in EXPECTED_CIPHER.items():
        got = _one(conn, pragma)
        if got != expected:
            raise JournalError(
                "journal.cipher", reason=f"{pragma} is {got or 'unset'}, expected {expected}"
            )


def open_reader(path: Path, key: bytes) -> Connection:
    """A second, read-only connection to an open journal (a verify worker's).

    The writer's connection already checked the file at open (quick_check,
    tables, WAL); this one only checks the cipher settings, as every
    connection must, and is made ``query_only`` so it can never write. WAL
    lets it read while the writer's connection stays open.
    """
    _check_key(key)
    if not path.exists():
        raise JournalError("journal.missing", path=str(path.parent))
    return _connect(path, key, lambda conn: conn.execute("PRAGMA query_only = ON"))


def _check_key(key: bytes) -> None:
    if len(key) != 32:
        raise JournalError("journal.cipher", reason="the database key is not 256 bits")


def _connect(path: Path, key: bytes, setup: Callable[[Connection], object]) -> Connection:
    """A connection given its key, its cipher settings checked, then ``setup`` run on it.

    Closed again if anything fails; every failure is a :class:`JournalError`
    (an error from SQLCipher itself means a damaged file).
    """
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        _key_and_check_cipher(conn, key)
        setup(conn)
    except JournalError:
        conn.close()
        raise
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise JournalError("journal.corrupt", reason=type(exc).__name__) from exc
    return conn


def open_database(path: Path, key: bytes, create: bool) -> Connection:
    """Open (or create) the encrypted database and check its settings."""
    _check_key(key)
    if not create and not path.exists():
        raise JournalError("journal.missing", path=str(path.parent))
    if create and path.exists():
        raise JournalError("journal.exists", path=str(path.parent))
    if not create:
        with path.open("rb") as fh:
            header = fh.read(16)
        if header.startswith(b"SQLite format 3"):
            raise JournalError("journal.cipher", reason="the database file is not encrypted")

    def prepare(conn: Connection) -> None:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
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
        if create:
            conn.executescript(SCHEMA)
        else:
            check = _one(conn, "quick_check")
            if check != "ok":
                raise JournalError("journal.corrupt", reason=check[:200])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if not {"entries", "meta"} <= tables:
                raise JournalError("journal.corrupt", reason="its tables are missing")

    return _connect(path, key, prepare)
