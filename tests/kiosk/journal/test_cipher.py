"""Cipher profiles: what new journals are written with, and older journals still opening."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from kiosk.clock import FakeClock
from kiosk.errors import JournalError
from kiosk.journal import db
from kiosk.journal.db import (
    CURRENT,
    HMAC_SHA256_4K,
    SQLCIPHER4_DEFAULTS,
    CipherProfile,
    _connect,
    open_database,
    open_reader,
    profile_named,
    profile_of,
)
from kiosk.journal.entry import check_chain
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.journal.store import DB_NAME, Journal
from kiosk.policy import load_policy
from kiosk.terminal import Commissioned, commission


def _pragma(conn: Any, name: str) -> str:
    return str(conn.execute(f"PRAGMA {name}").fetchone()[0])


OLDER_PROFILES = [HMAC_SHA256_4K, SQLCIPHER4_DEFAULTS]


def test_new_journal_has_8k_pages_authenticated_with_hmac_sha256(
    terminal: Commissioned,
) -> None:
    path = terminal.journal.data_dir / DB_NAME
    key = terminal.db_key
    terminal.journal.close()
    conn = open_database(path, key, create=False)
    assert _pragma(conn, "cipher_hmac_algorithm") == "HMAC_SHA256"
    assert _pragma(conn, "cipher_page_size") == "8192"
    assert _pragma(conn, "page_size") == "8192"
    assert _pragma(conn, "cipher_kdf_algorithm") == "PBKDF2_HMAC_SHA512"
    assert profile_of(conn) is CURRENT
    conn.close()
    # The file really is written that way: neither SQLCipher's own defaults
    # nor HMAC-SHA256 on 4 KB pages can read it, and 8 KB pages with
    # HMAC-SHA256 can.
    for pragmas, readable in (
        ([], False),
        (["PRAGMA cipher_hmac_algorithm = HMAC_SHA256"], False),
        (["PRAGMA cipher_hmac_algorithm = HMAC_SHA256", "PRAGMA cipher_page_size = 8192"], True),
    ):
        raw = sqlcipher3.connect(str(path))
        raw.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        for pragma in pragmas:
            raw.execute(pragma)
        if readable:
            assert raw.execute("SELECT count(*) FROM entries").fetchone()[0] == 1
        else:
            with pytest.raises(sqlcipher3.DatabaseError):
                raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
        raw.close()


def _rewrite_with(profile: CipherProfile, path: Path, key: bytes) -> None:
    """Re-encrypt a journal database with an older profile's settings, in place."""
    old = path.with_suffix(".old")
    path.rename(old)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = sqlcipher3.connect(str(old), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {CURRENT.page_size}")
    conn.execute(f"PRAGMA cipher_hmac_algorithm = {CURRENT.hmac_algorithm}")
    conn.execute(f"ATTACH DATABASE '{path}' AS legacy KEY \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA legacy.cipher_page_size = {profile.page_size}")
    conn.execute(f"PRAGMA legacy.cipher_hmac_algorithm = {profile.hmac_algorithm}")
    conn.execute("SELECT sqlcipher_export('legacy')")
    conn.execute("DETACH DATABASE legacy")
    conn.close()
    old.unlink()


@pytest.mark.parametrize("profile", OLDER_PROFILES, ids=lambda p: p.name)
def test_journal_written_with_an_older_profile_opens_and_verifies_split(
    profile: CipherProfile, terminal: Commissioned, clock: FakeClock, split_requests: list[Any]
) -> None:
    j = terminal.journal
    for i in range(30):
        clock.advance(seconds=1)
        j.append("alert.raised", {"alert": "test", "summary": f"entry {i}"})
    head, data_dir, key = j.head, j.data_dir, terminal.db_key
    j.close()
    _rewrite_with(profile, data_dir / DB_NAME, key)

    again = Journal.open(data_dir, key, clock)
    assert again.head == head
    assert profile_of(again._conn) is profile
    assert _pragma(again._conn, "page_size") == str(profile.page_size)
    result = again.verify_or_raise()
    # The child was told the journal's own profile, and opened it with that.
    assert [r.profile for r in split_requests] == [profile.name]
    assert result == check_chain(list(again.lines()))
    # Appending keeps the profile the journal was written with.
    again.append("alert.raised", {"alert": "test", "summary": "after"})
    again.close()
    conn = open_database(data_dir / DB_NAME, key, create=False)
    assert profile_of(conn) is profile
    conn.close()


def test_wrong_key_is_refused_whatever_the_profile(terminal: Commissioned) -> None:
    path = terminal.journal.data_dir / DB_NAME
    terminal.journal.close()
    with pytest.raises(JournalError) as exc:
        open_database(path, b"\x02" * 32, create=False)
    assert exc.value.code == "journal.undecryptable"


@pytest.mark.parametrize("wrong", OLDER_PROFILES, ids=lambda p: p.name)
def test_reader_with_the_wrong_profile_cannot_read(
    wrong: CipherProfile, terminal: Commissioned
) -> None:
    """A verify worker told the wrong profile reads nothing (it fails, the parent checks)."""
    path = terminal.journal.data_dir / DB_NAME
    conn = open_reader(path, terminal.db_key, wrong)
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
    class ExpectingPlaintextHeader(CipherProfile):
        def settings(self) -> dict[str, str]:
            return {**super().settings(), "cipher_plaintext_header_size": "32"}

    path = terminal.journal.data_dir / DB_NAME
    profile = ExpectingPlaintextHeader("x", CURRENT.hmac_algorithm, CURRENT.page_size)
    with pytest.raises(JournalError) as exc:
        _connect(path, terminal.db_key, profile, lambda conn: None)
    assert exc.value.code == "journal.cipher"
    assert "cipher_plaintext_header_size is 0, expected 32" in str(exc.value)


def test_a_connection_of_no_known_profile_is_named() -> None:
    """profile_of names both settings when a connection matches no profile."""
    conn = sqlcipher3.connect(":memory:")
    conn.execute("PRAGMA key = \"x'" + "01" * 32 + "'\"")
    conn.execute("PRAGMA cipher_page_size = 16384")
    conn.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA256")
    with pytest.raises(JournalError) as exc:
        profile_of(conn)
    conn.close()
    assert exc.value.code == "journal.cipher"
    assert "HMAC_SHA256 with cipher_page_size 16384" in str(exc.value)


def _columns(conn: Any) -> list[str]:
    return [row[1] for row in conn.execute("PRAGMA table_info(entries)")]


def test_new_journal_stores_each_line_alone(terminal: Commissioned, clock: FakeClock) -> None:
    """The line holds its hash; a second copy in a column would only slow every read."""
    j = terminal.journal
    clock.advance(seconds=1)
    j.append("alert.raised", {"alert": "test", "summary": "one"})
    assert _columns(j._conn) == ["seq", "line"]
    assert [bytes(r[0]) for r in j._conn.execute("SELECT line FROM entries ORDER BY seq")] == list(
        j.lines()
    )


def test_journal_with_the_older_hash_column_still_appends_and_verifies(
    data_dir: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    split_requests: list[Any],
) -> None:
    """A journal created before the hash column was dropped keeps filling it."""
    current = db.SCHEMA
    monkeypatch.setattr(db, "SCHEMA", db.SCHEMA_WITH_HASH)  # as the older terminal created it
    done = commission(data_dir, load_policy(), clock, argon=FAST_TEST_PARAMS)
    j, key = done.journal, done.db_key
    monkeypatch.setattr(db, "SCHEMA", current)
    j.close()
    again = Journal.open(data_dir, key, clock)
    assert _columns(again._conn) == ["seq", "hash", "line"]
    for i in range(30):
        clock.advance(seconds=1)
        again.append("alert.raised", {"alert": "test", "summary": f"entry {i}"})
    stored = again._conn.execute("SELECT hash, line FROM entries ORDER BY seq").fetchall()
    assert [h for h, _ in stored] == [e.hash for e in again.entries()]
    assert again.verify_or_raise() == check_chain([bytes(line) for _, line in stored])
    assert split_requests  # the split check read the older table too
    again.close()
