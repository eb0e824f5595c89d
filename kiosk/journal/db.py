"""Opening the SQLCipher database, and refusing anything unexpected.

Why so strict: the journal is the single source of truth. A database opened
with the wrong cipher settings, a downgraded library, or without full
synchronous writes could silently lose or expose entries. So at every open
the terminal reads back the settings and refuses to start, saying which one
is wrong, instead of carrying on with weaker guarantees.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlcipher3

from kiosk.errors import JournalError

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


def _prepare(conn: Connection, create: bool) -> None:
    """Refuse a wrong key, anything but WAL and full synchronous writes, a damaged file."""
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
        return
    check = _one(conn, "quick_check")
    if check != "ok":
        raise JournalError("journal.corrupt", reason=check[:200])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    if not {"entries", "meta"} <= tables:
        raise JournalError("journal.corrupt", reason="its tables are missing")


def open_database(path: Path, key: bytes, create: bool) -> Connection:
    """Open (or create) the encrypted database and check its settings.

    The connection is closed again if anything fails; every failure is a
    :class:`JournalError` (an error from SQLCipher itself means a damaged file).
    """
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
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        _key_and_check_cipher(conn, key)
        _prepare(conn, create)
    except JournalError:
        conn.close()
        raise
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise JournalError("journal.corrupt", reason=type(exc).__name__) from exc
    return conn
