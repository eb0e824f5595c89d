"""Cipher profiles: what new journals are written with, and older journals still opening."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from kiosk.clock import FakeClock
from kiosk.errors import JournalError
from kiosk.journal.db import (
    CURRENT,
    SQLCIPHER4_DEFAULTS,
    CipherProfile,
    _connect,
    open_database,
    open_reader,
    profile_named,
    profile_of,
)
from kiosk.journal.entry import check_chain
from kiosk.journal.store import DB_NAME, Journal
from kiosk.terminal import Commissioned


def _pragma(conn: Any, name: str) -> str:
    return str(conn.execute(f"PRAGMA {name}").fetchone()[0])


def test_new_journal_authenticates_pages_with_hmac_sha256(terminal: Commissioned) -> None:
    path = terminal.journal.data_dir / DB_NAME
    key = terminal.db_key
    terminal.journal.close()
    conn = open_database(path, key, create=False)
    assert _pragma(conn, "cipher_hmac_algorithm") == "HMAC_SHA256"
    assert _pragma(conn, "cipher_page_size") == "4096"
    assert _pragma(conn, "cipher_kdf_algorithm") == "PBKDF2_HMAC_SHA512"
    assert profile_of(conn) is CURRENT
    conn.close()
    # The file really is written that way: SQLCipher's own defaults cannot read it.
    raw = sqlcipher3.connect(str(path))
    raw.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    with pytest.raises(sqlcipher3.DatabaseError):
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
    raw.close()


def _rewrite_with_sqlcipher4_defaults(path: Path, key: bytes) -> None:
    """Re-encrypt a journal database with SQLCipher 4's defaults (HMAC-SHA512), in place."""
    old = path.with_suffix(".old")
    path.rename(old)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = sqlcipher3.connect(str(old), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA256")
    conn.execute(f"ATTACH DATABASE '{path}' AS legacy KEY \"x'{key.hex()}'\"")
    conn.execute("PRAGMA legacy.cipher_hmac_algorithm = HMAC_SHA512")
    conn.execute("SELECT sqlcipher_export('legacy')")
    conn.execute("DETACH DATABASE legacy")
    conn.close()
    old.unlink()


def test_journal_written_with_sqlcipher4_defaults_opens_and_verifies_split(
    terminal: Commissioned, clock: FakeClock, split_requests: list[Any]
) -> None:
    j = terminal.journal
    for i in range(30):
        clock.advance(seconds=1)
        j.append("alert.raised", {"alert": "test", "summary": f"entry {i}"})
    head, data_dir, key = j.head, j.data_dir, terminal.db_key
    j.close()
    _rewrite_with_sqlcipher4_defaults(data_dir / DB_NAME, key)

    again = Journal.open(data_dir, key, clock)
    assert again.head == head
    assert profile_of(again._conn) is SQLCIPHER4_DEFAULTS
    result = again.verify_or_raise()
    # The child was told the journal's own profile, and opened it with that.
    assert [r.profile for r in split_requests] == [SQLCIPHER4_DEFAULTS.name]
    assert result == check_chain(list(again.lines()))
    # Appending keeps the profile the journal was written with.
    again.append("alert.raised", {"alert": "test", "summary": "after"})
    again.close()
    conn = open_database(data_dir / DB_NAME, key, create=False)
    assert profile_of(conn) is SQLCIPHER4_DEFAULTS
    conn.close()


def test_wrong_key_is_refused_whatever_the_profile(terminal: Commissioned) -> None:
    path = terminal.journal.data_dir / DB_NAME
    terminal.journal.close()
    with pytest.raises(JournalError) as exc:
        open_database(path, b"\x02" * 32, create=False)
    assert exc.value.code == "journal.undecryptable"


def test_reader_with_the_wrong_profile_cannot_read(terminal: Commissioned) -> None:
    """A verify worker told the wrong profile reads nothing (it fails, the parent checks)."""
    path = terminal.journal.data_dir / DB_NAME
    conn = open_reader(path, terminal.db_key, SQLCIPHER4_DEFAULTS)
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("SELECT count(*) FROM entries").fetchone()
    conn.close()
    conn = open_reader(path, terminal.db_key, CURRENT)
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 1
    conn.close()


def test_unknown_profile_name_is_refused() -> None:
    assert profile_named(CURRENT.name) is CURRENT
    with pytest.raises(JournalError) as exc:
        profile_named("sqlcipher3-sha1")
    assert exc.value.code == "journal.cipher"


def test_a_setting_the_library_did_not_take_is_refused(terminal: Commissioned) -> None:
    """A library that ignores a cipher pragma is refused, naming the setting."""

    @dataclasses.dataclass(frozen=True)
    class Expecting8k(CipherProfile):
        def settings(self) -> dict[str, str]:
            return {**super().settings(), "cipher_page_size": "8192"}

    path = terminal.journal.data_dir / DB_NAME
    with pytest.raises(JournalError) as exc:
        _connect(path, terminal.db_key, Expecting8k("x", "HMAC_SHA256"), lambda conn: None)
    assert exc.value.code == "journal.cipher"
    assert "cipher_page_size is 4096, expected 8192" in str(exc.value)
