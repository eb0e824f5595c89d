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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from kiosk.errors import JournalError


@dataclass(frozen=True)
class CipherProfile:
    """The SQLCipher 4 settings a journal database is written with.

    SQLCipher keeps its settings nowhere in the file (the whole file, header
    included, is encrypted), so a connection must be given them before its
    first read; the terminal then reads every one back and refuses a library
    that did not take them. A profile only ever changes how fast pages are
    authenticated, never the cipher (AES-256-CBC) or the key.
    """

    name: str
    hmac_algorithm: str
    page_size: int = 4096

    def settings(self) -> dict[str, str]:
        """Every setting a connection must report, as SQLCipher prints it."""
        return {
            "cipher_page_size": str(self.page_size),
            "cipher_use_hmac": "1",
            "cipher_hmac_algorithm": self.hmac_algorithm,
            "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
            "cipher_plaintext_header_size": "0",
        }


#: New journals: SQLCipher 4's defaults except for two settings that only
#: change how fast pages are read, measured on 100,000 entries (67 MB) with
#: ``benchmarks/journal.py``, and reading the pages is the largest single
#: cost of the whole-chain check:
#:
#: * pages are authenticated with HMAC-SHA256 rather than HMAC-SHA512. Both
#:   are sound MACs; SHA-256 is the one CPUs accelerate (SHA-NI): the rows
#:   read in 0.30 s rather than 0.38-0.52 s;
#: * pages are 8 KB rather than 4 KB: half as many pages, each decrypted and
#:   authenticated with a fixed overhead (OpenSSL context set-up, one read
#:   call), and less space lost at page ends. Counting the rows (which
#:   decrypts every page) took 0.71x the time and reading them 0.78x, while
#:   an append, which writes whole pages, took 1.03x (p50 of 3,000 appends
#:   interleaved with a 4 KB journal's). 16 KB pages read faster still
#:   (0.59x, 0.68x) but made appends 1.14x slower, so 8 KB it is.
CURRENT = CipherProfile("sqlcipher4-hmac-sha256-8k", "HMAC_SHA256", 8192)
#: Journals created before the page size above was adopted (2026-11-28).
HMAC_SHA256_4K = CipherProfile("sqlcipher4-hmac-sha256", "HMAC_SHA256", 4096)
#: SQLCipher 4's own defaults, which journals created before either of the
#: profiles above was adopted use; they still open, read and verify.
SQLCIPHER4_DEFAULTS = CipherProfile("sqlcipher4-defaults", "HMAC_SHA512")
#: Tried in this order when an existing journal is opened.
PROFILES = (CURRENT, HMAC_SHA256_4K, SQLCIPHER4_DEFAULTS)


def profile_named(name: str) -> CipherProfile:
    """The known profile called ``name`` (a worker is told its parent's)."""
    for profile in PROFILES:
        if profile.name == name:
            return profile
    raise JournalError("journal.cipher", reason=f"unknown cipher profile {name!r}")


def profile_of(conn: Connection) -> CipherProfile:
    """The profile an open connection was opened with."""
    algorithm = _one(conn, "cipher_hmac_algorithm")
    page_size = _one(conn, "cipher_page_size")
    for profile in PROFILES:
        if (profile.hmac_algorithm, str(profile.page_size)) == (algorithm, page_size):
            return profile
    raise JournalError(
        "journal.cipher",
        reason=f"cipher_hmac_algorithm {algorithm or 'unset'} with cipher_page_size "
        f"{page_size or 'unset'} is no known profile",
    )


#: A line holds its own hash, so new journals store nothing else: the
#: ``hash`` column that journals created before 2026-11-28 also have (see
#: :data:`SCHEMA_WITH_HASH`) was never read, and was a tenth of every page
#: that the whole-chain check decrypts (reading the rows took 0.93x the
#: time without it, on 100,000 entries).
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

#: The entries table of journals created before 2026-11-28; they still open,
#: and their appends still fill its ``hash`` column (:func:`entry_insert`).
SCHEMA_WITH_HASH = SCHEMA.replace(
    "    seq  INTEGER PRIMARY KEY,\n", "    seq  INTEGER PRIMARY KEY,\n    hash TEXT NOT NULL,\n"
)

Connection = Any  # sqlcipher3 ships no type information


def entry_insert(conn: Connection) -> str:
    """The INSERT of one entry for this database's entries table, named parameters.

    Takes ``seq``, ``hash`` and ``line``; ``hash`` is stored only where the
    table still has that column (:data:`SCHEMA_WITH_HASH`).
    """
    columns = {row[1] for row in conn.execute("PRAGMA table_info(entries)")}
    if "hash" in columns:
        return "INSERT INTO entries (seq, hash, line) VALUES (:seq, :hash, :line)"
    return "INSERT INTO entries (seq, line) VALUES (:seq, :line)"


def _one(conn: Connection, pragma: str) -> str:
    row = conn.execute(f"PRAGMA {pragma}").fetchone()
    return "" if row is None else str(row[0])


def _key_and_check_cipher(conn: Connection, key: bytes, profile: CipherProfile) -> None:
    """Give the connection its raw key and profile, then refuse unexpected settings."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    # Set before the first read; checked below with the rest (a library that
    # ignores a pragma is refused rather than trusted).
    conn.execute(f"PRAGMA cipher_page_size = {int(profile.page_size)}")
    conn.execute(f"PRAGMA cipher_hmac_algorithm = {profile.hmac_algorithm}")
    version = _one(conn, "cipher_version")
    if not re.match(r"^4\.\d+\.\d+", version):
        raise JournalError(
            "journal.cipher", reason=f"SQLCipher 4 is required, this is {version or 'none'}"
        )
    for pragma, expected in profile.settings().items():
        got = _one(conn, pragma)
        if got != expected:
            raise JournalError(
                "journal.cipher", reason=f"{pragma} is {got or 'unset'}, expected {expected}"
            )


def open_reader(path: Path, key: bytes, profile: CipherProfile) -> Connection:
    """A second, read-only connection to an open journal (a verify worker's).

    The writer's connection already checked the file at open (quick_check,
    tables, WAL); this one only checks the cipher settings, as every
    connection must, and is made ``query_only`` so it can never write. It is
    given the profile the writer's connection opened with (:func:`profile_of`).
    WAL lets it read while the writer's connection stays open.
    """
    _check_key(key)
    if not path.exists():
        raise JournalError("journal.missing", path=str(path.parent))
    return _connect(path, key, profile, lambda conn: conn.execute("PRAGMA query_only = ON"))


def _check_key(key: bytes) -> None:
    if len(key) != 32:
        raise JournalError("journal.cipher", reason="the database key is not 256 bits")


def _connect(
    path: Path, key: bytes, profile: CipherProfile, setup: Callable[[Connection], object]
) -> Connection:
    """A connection given its key, its cipher settings checked, then ``setup`` run on it.

    Closed again if anything fails; every failure is a :class:`JournalError`
    (an error from SQLCipher itself means a damaged file).
    """
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        _key_and_check_cipher(conn, key, profile)
        setup(conn)
    except JournalError:
        conn.close()
        raise
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise JournalError("journal.corrupt", reason=type(exc).__name__) from exc
    return conn


def open_database(path: Path, key: bytes, create: bool) -> Connection:
    """Open (or create) the encrypted database and check its settings.

    A new database gets the :data:`CURRENT` profile; an existing one opens
    with whichever known profile it was written with.
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

    if create:
        return _connect(path, key, CURRENT, prepare)
    # An existing journal was written with one of the known profiles; only
    # the right one authenticates its first page, so trying them in turn
    # reads nothing else and changes nothing.
    for profile in PROFILES[:-1]:
        try:
            return _connect(path, key, profile, prepare)
        except JournalError as exc:
            if exc.code != "journal.undecryptable":
                raise
    return _connect(path, key, PROFILES[-1], prepare)
