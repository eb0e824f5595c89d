"""The operational log's journal handler, read back from a socket the test owns.

The handler speaks systemd-journald's native protocol to a path; here that
path is a datagram socket bound by the test, so the test reads exactly the
bytes journald would receive and decodes them with its own parser.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware import journald
from kiosk.errors import PolicyError
from kiosk.errors.oplog import error_fields, event
from kiosk.paper.passwords import SecretText
from kiosk.policy import parse_policy
from tests.journal_socket import FakeJournal


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[FakeJournal]:
    j = FakeJournal(tmp_path / "journal.socket")
    handler = journald.configure(path=j.path)
    assert isinstance(handler, journald.JournaldHandler)
    yield j
    j.close()
    journald.unconfigure()


log = logging.getLogger("sealroom.test")


def test_an_event_carries_its_fields(journal: FakeJournal) -> None:
    event(log, "unlock", "unlocked with Dana's security key", how="key", custodian="dana", seq=12)
    [rec] = journal.records()
    assert rec["MESSAGE"] == "unlocked with Dana's security key"
    assert rec["PRIORITY"] == "6" and rec["SYSLOG_IDENTIFIER"] == "sealroom"
    assert rec["SEALROOM_EVENT"] == "unlock"
    assert (rec["SEALROOM_HOW"], rec["SEALROOM_CUSTODIAN"], rec["SEALROOM_SEQ"]) == (
        "key",
        "dana",
        "12",
    )
    assert rec["LOGGER"] == "sealroom.test"
    assert rec["CODE_FILE"].endswith("test_journald.py")  # the caller, not oplog.py
    assert rec["CODE_FUNC"] == "test_an_event_carries_its_fields"


def test_an_error_with_its_traceback_uses_the_binary_form(journal: FakeJournal) -> None:
    try:
        parse_policy(b"[terminal]\nkiosk_id = = 1\n")
    except PolicyError as exc:
        event(log, "error", "failed", level=logging.WARNING, exc_info=exc, **error_fields(exc))
    [rec] = journal.records()
    assert rec["PRIORITY"] == "4"
    assert rec["SEALROOM_CODE"] == "policy.syntax" and rec["SEALROOM_TYPE"] == "PolicyError"
    # where it was raised: the file, the line and the function that raised it
    assert re.fullmatch(r"kiosk/policy/load\.py:\d+ in _parse", rec["SEALROOM_WHERE"])
    assert rec["MESSAGE"].startswith("failed\nTraceback")  # a newline: the length form
    assert b"MESSAGE\n" in journal.everything()


def test_where_an_error_outside_sealroom_was_raised() -> None:
    try:
        int("x")
    except ValueError as exc:
        fields = error_fields(exc)
    assert fields["type"] == "ValueError" and "where" not in fields
    assert fields["raised_in"].startswith("test_journald.py:")


def test_a_record_naming_a_secret_is_refused(journal: FakeJournal) -> None:
    event(log, "unlock", "unlocked", pin="4711-9876")
    log.info("checking password=%s", "hunter2-XYZ")
    log.info("shown", extra={"passphrase": "TEST-PASS-PHRASE-0001"})
    records = journal.records()
    assert [r["SEALROOM_EVENT"] for r in records] == ["log.refused"] * 3
    assert all(r["PRIORITY"] == "4" for r in records)
    assert "a field named 'pin'" in records[0]["MESSAGE"]
    assert "'password'" in records[1]["MESSAGE"]
    blob = journal.everything()
    for secret in (b"4711-9876", b"hunter2-XYZ", b"TEST-PASS-PHRASE-0001"):
        assert secret not in blob
    assert records[0]["SEALROOM_WHERE"].startswith("test_journald.py:")


def test_words_that_only_mention_a_pin_are_not_refused(journal: FakeJournal) -> None:
    log.info("the key asked for its PIN; passphrase unlock offered")
    [rec] = journal.records()
    assert "SEALROOM_EVENT" not in rec


def test_a_secret_text_never_formats_its_value(journal: FakeJournal) -> None:
    secret = SecretText("Zq4!Zq4!Zq4!Zq4!Zq4!Zq4!")
    log.info("sheet ready: %s %r", secret, secret)
    log.info(f"sheet ready: {secret} {secret:>40} {secret!s}")
    assert "Zq4!" not in "{}".format(secret)  # noqa: UP032
    records = journal.records()
    assert all("<secret: 24 characters>" in r["MESSAGE"] for r in records)
    assert b"Zq4!" not in journal.everything()


def test_a_long_message_is_cut_to_the_limit_and_guarded_in_linear_time(
    journal: FakeJournal,
) -> None:
    started = time.monotonic()
    log.info("x" * (journald.MAX_MESSAGE * 2))
    assert time.monotonic() - started < 1.0  # the guard's search does not backtrack
    [rec] = journal.records()
    assert len(rec["MESSAGE"]) < journald.MAX_MESSAGE + 100
    assert rec["MESSAGE"].endswith("[cut: longer than the journal record limit]")


def test_a_journal_gone_away_sends_records_to_stderr(tmp_path: Path) -> None:
    j = FakeJournal(tmp_path / "j.socket")
    stream = io.StringIO()
    journald.configure(path=j.path, stream=stream)
    try:
        j.close()
        (tmp_path / "j.socket").unlink()
        event(log, "lock", "locked (idle)", how="idle")
        assert "INFO sealroom.test: locked (idle) [event=lock how=idle]" in stream.getvalue()
    finally:
        journald.unconfigure()


def test_without_a_journal_stderr_gets_errors_or_with_verbose_everything(
    tmp_path: Path,
) -> None:
    quiet, loud = io.StringIO(), io.StringIO()
    for stream, verbose in ((quiet, False), (loud, True)):
        handler = journald.configure(path=tmp_path / "none", stream=stream, verbose=verbose)
        assert isinstance(handler, journald.StderrHandler)
        event(log, "start", "sealroom run started", command="run")
        log.error("broken")
        event(log, "unlock", "x", pin="1234")
        journald.unconfigure()
    assert "started" not in quiet.getvalue() and "ERROR sealroom.test: broken" in quiet.getvalue()
    assert "sealroom run started [event=start command=run]" in loud.getvalue()
    assert "1234" not in loud.getvalue() and "event=log.refused" in loud.getvalue()


def test_configuring_again_replaces_the_handler(tmp_path: Path) -> None:
    first = journald.configure(path=tmp_path / "none", stream=io.StringIO())
    second = journald.configure(path=tmp_path / "none", stream=io.StringIO())
    try:
        handlers = logging.getLogger("sealroom").handlers
        assert second in handlers and first not in handlers
    finally:
        journald.unconfigure()
    assert logging.getLogger("sealroom").handlers == []
