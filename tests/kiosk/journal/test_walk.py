"""The one walk of unlock and "Check the whole chain", the halt, and alerts raised unheard."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kiosk.errors import JournalError, JournalIntegrityError
from kiosk.format.clock import FakeClock
from kiosk.format.entry import Entry
from kiosk.journal.store import Journal
from kiosk.terminal.lifecycle import Commissioned
from kiosk.terminal.signers import journal_check


def unsigned_enrolment(who: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    credential = {"id": f"key-{who}", "public_key": "cGs", "alg": -7, "rp_id": "sealroom.local"}
    data = {
        "custodian": who,
        "name": who.title(),
        "role": "IT",
        "duties": ["custodian"],
        "credential": credential,
    }
    return data, [{"role": "enrollee", "custodian": who, "credential_id": credential["id"]}]


def reopen(terminal: Commissioned, clock: FakeClock) -> Journal:
    return Journal.open(
        terminal.journal.data_dir, terminal.db_key, clock, approval_check=journal_check
    )


@pytest.fixture
def forged(terminal: Commissioned, clock: FakeClock) -> Entry:
    """An enrolment written past the approval check (as a shell could), then more entries."""
    j = terminal.journal
    d, key = j.data_dir, terminal.db_key
    j.close()
    bare = Journal.open(d, key, clock, approval_check=None)
    data, attest = unsigned_enrolment("alice")
    entry = bare.append("custodian.enrolled", data, attest)
    bare.append("envelope.stock_received", {"serials": ["SR00000018"]})
    bare.close()
    return entry


def test_unlock_quarantines_a_rule_break_and_opens_halted(
    terminal: Commissioned, clock: FakeClock, forged: Entry
) -> None:
    j = reopen(terminal, clock)
    assert j.state.halted
    (q,) = j.state.quarantined.values()
    assert (q.seq, q.hash, q.kind) == (forged.seq, forged.hash, "custodian.enrolled")
    assert "attestation 1" in q.reason and "invalid attestation" in q.reason
    assert "alice" not in j.state.custodians
    # The entries after it are applied; the chain moved on past it.
    assert j.state.envelope_state("SR00000018") == "blank_stock"
    assert j.head.seq == forged.seq + 1
    # "Check the whole chain" is the same walk: it names the quarantined entry.
    result = j.verify()
    assert result.problem is None and not result.ok
    assert [x.seq for x in result.quarantined] == [forged.seq]
    with pytest.raises(JournalIntegrityError) as info:
        j.verify_or_raise()
    assert info.value.params["seq"] == forged.seq
    # Halted: nothing but alerts (and the unlock's record) until the alarm is acknowledged.
    for write in (
        lambda: j.append("envelope.stock_received", {"serials": ["SR00000026"]}),
        lambda: j.begin("account.registered", {"account": "a"}),
    ):
        with pytest.raises(JournalError) as refused:
            write()
        assert refused.value.code == "journal.halted"
        assert f"entry {forged.seq}" in refused.value.user_message()
    j.append("alert.raised", {"alert": "t", "summary": "still taken"})
    j.append("terminal.unlocked", {"method": "passphrase"})
    j.close()


def test_a_sound_journal_walks_ok(terminal: Commissioned) -> None:
    j = terminal.journal
    j.append("envelope.stock_received", {"serials": ["SR00000018"]})
    result = j.verify()
    assert result.ok and result.entries == j.head.seq and result.head_hash == j.head.hash
    assert not j.state.halted


def test_a_first_entry_that_is_no_genesis_is_refused_not_quarantined(
    terminal: Commissioned, clock: FakeClock
) -> None:
    j = terminal.journal
    j._conn.execute("DROP TRIGGER entries_no_update")
    line = j._conn.execute("SELECT line FROM entries WHERE seq = 1").fetchone()[0]
    entry = Entry.from_json(json.loads(bytes(line)))
    other = Entry(1, entry.ts, "alert.raised", {"alert": "x", "summary": "y"}, entry.prev).sealed()
    j._conn.execute("UPDATE entries SET line = ? WHERE seq = 1", (other.line(),))
    j.close()
    with pytest.raises(JournalIntegrityError) as info:
        reopen(terminal, clock)
    assert info.value.params["seq"] == 1


def test_alerts_raised_before_anyone_listens_reach_the_first_listener(
    terminal: Commissioned,
) -> None:
    j = terminal.journal
    early = j.append("alert.raised", {"alert": "unlock.passphrase", "summary": "s"})
    j.append("envelope.stock_received", {"serials": ["SR00000018"]})  # not an alert: not kept
    heard: list[int] = []
    j.add_listener(lambda e: heard.append(e.seq))
    assert heard == []  # nothing is delivered on the thread that attaches the listener
    later = j.append("alert.raised", {"alert": "t", "summary": "later"})
    assert heard == [early.seq, later.seq]  # in seq order, the early one first
    j.deliver()
    assert heard == [early.seq, later.seq]  # each once


def test_deliver_prints_waiting_alerts_without_a_new_append(terminal: Commissioned) -> None:
    j = terminal.journal
    early = j.append("alert.raised", {"alert": "unlock.passphrase", "summary": "s"})
    heard: list[int] = []
    j.add_listener(lambda e: heard.append(e.seq))
    j.deliver()
    assert heard == [early.seq]


def test_the_forged_rows_stay_as_evidence(
    terminal: Commissioned, clock: FakeClock, forged: Entry
) -> None:
    j = reopen(terminal, clock)
    stored = j.entry(forged.seq)
    assert stored is not None and stored.hash == forged.hash
    j.close()
