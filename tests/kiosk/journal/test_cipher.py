"""Cipher settings: what journals are written with, and refusing anything else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from kiosk.errors import JournalError
from kiosk.format.clock import FakeClock
from kiosk.journal import db
from kiosk.journal.db import open_database
from kiosk.journal.store import DB_NAME
from kiosk.terminal.lifecycle import Commissioned


def _pragma(conn: Any, name: str) -> str:
    return str(conn.execute(f"PRAGMA {name}").fetchone()[0])


def _closed(terminal: Commissioned) -> tuple[Path, bytes]:
    path = terminal.journal.data_dir / DB_NAME
    terminal.journal.close()
    return path, terminal.db_key


def test_journal_is_written_with_sqlcipher4_defaults_and_a_raw_key(
    terminal: Commissioned,
) -> None:
    path, key = _closed(terminal)
    conn = open_database(path, key, create=False)
    assert _pragma(conn, "cipher_hmac_algorithm") == "HMAC_SHA512"
    assert _pragma(conn, "cipher_page_size") == "4096"
    assert _pragma(conn, "page_size") == "4096"
    assert _pragma(conn, "cipher_kdf_algorithm") == "PBKDF2_HMAC_SHA512"
    assert _pragma(conn, "cipher_plaintext_header_size") == "0"
    conn.close()
    # The file really is written that way: SQLCipher 4 given only the raw
    # key reads it, and other page sizes or HMAC algorithms cannot.
    for pragmas, readable in (
        ([], True),
        (["PRAGMA cipher_hmac_algorithm = HMAC_SHA256"], False),
        (["PRAGMA cipher_page_size = 8192"], False),
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


def test_wrong_key_is_refused(terminal: Commissioned) -> None:
    path, _ = _closed(terminal)
    with pytest.raises(JournalError) as exc:
        open_database(path, b"\x02" * 32, create=False)
    assert exc.value.code == "journal.undecryptable"


def test_a_key_that_is_not_256_bits_is_refused(terminal: Commissioned) -> None:
    path, key = _closed(terminal)
    with pytest.raises(JournalError) as exc:
        open_database(path, key[:16], create=False)
    assert exc.value.code == "journal.cipher" and "not 256 bits" in str(exc.value)


def test_a_setting_the_library_did_not_take_is_refused(
    terminal: Commissioned, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A setting SQLCipher does not take is refused, naming it (4095 is no page size)."""
    path, key = _closed(terminal)
    monkeypatch.setitem(db.CIPHER_SETTINGS, "cipher_page_size", "4095")
    with pytest.raises(JournalError) as exc:
        open_database(path, key, create=False)
    assert exc.value.code == "journal.cipher"
    assert "cipher_page_size is 4096, expected 4095" in str(exc.value)


@pytest.mark.parametrize(
    ("pragma", "reported", "reason"),
    [
        ("cipher_version", "3.4.2 community", "SQLCipher 4 is required, this is 3.4.2"),
        ("cipher_hmac_algorithm", "HMAC_SHA1", "cipher_hmac_algorithm is HMAC_SHA1"),
        ("cipher_use_hmac", "0", "cipher_use_hmac is 0, expected 1"),
        ("journal_mode = WAL", "delete", "journal_mode is delete, expected wal"),
        ("synchronous", "1", "synchronous is not FULL"),
    ],
)
def test_a_library_reporting_other_settings_is_refused(
    terminal: Commissioned,
    monkeypatch: pytest.MonkeyPatch,
    pragma: str,
    reported: str,
    reason: str,
) -> None:
    """Whatever the library reports is checked: a downgrade or a weaker mode refuses the start."""
    path, key = _closed(terminal)
    real = db._one
    monkeypatch.setattr(db, "_one", lambda conn, p: reported if p == pragma else real(conn, p))
    with pytest.raises(JournalError) as exc:
        open_database(path, key, create=False)
    assert exc.value.code == "journal.cipher"
    assert reason in str(exc.value)


def test_journal_stores_each_line_alone(terminal: Commissioned, clock: FakeClock) -> None:
    """The line holds its hash; a second copy in a column would only slow every read."""
    j = terminal.journal
    clock.advance(seconds=1)
    j.append("alert.raised", {"alert": "test", "summary": "one"})
    assert [row[1] for row in j._conn.execute("PRAGMA table_info(entries)")] == ["seq", "line"]
    assert [bytes(r[0]) for r in j._conn.execute("SELECT line FROM entries ORDER BY seq")] == list(
        j.lines()
    )
