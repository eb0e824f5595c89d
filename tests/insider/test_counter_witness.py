"""The counter witness: a key's hardware signature counter against its last journaled use.

Every assertion a key makes at the terminal is journaled (approvals and
unlocks), so at unlock a key whose counter is further ahead than the
policy's ``counter_margin`` signed somewhere this journal does not show: an
older copy of the journal was put back, or the key was used elsewhere.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from pathlib import Path

from hardware.sim.authenticator import Misbehaviour
from hardware.sim.terminal import SimulatedTerminal, make_terminal
from kiosk.format.canonical import b64u_decode
from kiosk.journal.store import Journal
from tests.insider.tools import ACCOUNT, PEOPLE

MARGIN = 20


def counter_alerts(journal: Journal, since: int) -> list[dict]:  # type: ignore[type-arg]
    return [
        e.data
        for e in journal.entries(since)
        if e.kind == "alert.raised" and e.data["alert"].startswith("key.counter")
    ]


def busy_day(t: SimulatedTerminal, n: int) -> None:
    """``n`` dual entries by Dana and Sam, every key plugged in meanwhile (silent probes)."""
    for i in range(n):
        data = {
            "account": f"day-{t.journal.head.seq}-{i}",
            "username": "u",
            "system": "s",
            "purpose": "p",
            "storage_location": "Safe A",
            "authorised": ["dana", "sam"],
        }
        approval = t.dual_approval("account.registered", data)
        for who in ("dana", "sam"):
            t.security_keys.simulated = [t.key(c) for c in t.custodians]
            t.prompts.current_pin = t.custodians[who].pin
            approval.sign(None, custodian=who)
        approval.commit()


def with_margin(t: SimulatedTerminal, margin: int) -> SimulatedTerminal:
    t.policy = dataclasses.replace(t.policy, counter_margin=margin)
    return t


def test_normal_use_never_alarms(terminal: SimulatedTerminal) -> None:
    """Approvals with every key plugged in, locks and unlocks: the default margin holds."""
    for round_ in range(3):
        journal = terminal.unlock_with_key(("dana", "sam", "lee")[round_])
        start = journal.head.seq
        busy_day(terminal, 8)
        assert counter_alerts(journal, start) == []
        journal.close()
    journal = terminal.unlock_with_key("lee")
    assert counter_alerts(journal, 1) == []
    journal.close()


def test_a_key_used_elsewhere_is_ahead_of_the_journal(terminal: SimulatedTerminal) -> None:
    dana = terminal.custodians["dana"]
    journal = terminal.unlock_with_key("dana")
    cid = journal.state.custodians["dana"].credentials[0]
    last = journal.state.credentials[cid].counter
    journal.close()
    # Dana signs ten times somewhere else (another application, a copy of the journal...).
    terminal.plug("dana")
    for _ in range(10):
        terminal.security_keys.approve(
            b"\x01" * 32, [b64u_decode(cid)], "sealroom.local", True, threading.Event()
        )
    journal = with_margin(terminal, MARGIN).unlock_with_key("dana")
    (alert,) = counter_alerts(journal, 1)
    detail = alert["detail"]
    assert alert["alert"] == "key.counter_ahead"
    assert detail["custodian"] == "dana" and detail["credential_id"] == cid
    assert detail["previous"] == last and detail["current"] == dana.key.sign_count
    assert detail["ahead"] == detail["current"] - last > MARGIN
    assert "rolled back, or this key was used elsewhere" in alert["summary"]
    journal.close()


def test_an_older_copy_of_the_journal_is_caught_by_the_keys(
    terminal: SimulatedTerminal, tmp_path: Path
) -> None:
    """The data directory put back as it was: the keys remember the signatures since."""
    copy = tmp_path / "copy"
    shutil.copytree(terminal.data_dir, copy)
    journal = terminal.unlock_with_key("dana")
    busy_day(terminal, 6)
    journal.close()
    shutil.rmtree(terminal.data_dir)
    shutil.copytree(copy, terminal.data_dir)
    journal = with_margin(terminal, MARGIN).unlock_with_key("dana")
    (alert,) = counter_alerts(journal, 1)
    assert alert["alert"] == "key.counter_ahead" and alert["detail"]["ahead"] > MARGIN
    journal.close()


def test_a_wide_margin_lets_the_same_use_pass(terminal: SimulatedTerminal) -> None:
    journal = terminal.unlock_with_key("dana")
    busy_day(terminal, 2)
    cid = b64u_decode(journal.state.custodians["dana"].credentials[0])
    journal.close()
    terminal.plug("dana")
    for _ in range(10):
        terminal.security_keys.approve(
            b"\x02" * 32, [cid], "sealroom.local", True, threading.Event()
        )
    journal = with_margin(terminal, 1000).unlock_with_key("dana")
    assert counter_alerts(journal, 1) == []
    journal.close()


def test_a_counter_that_did_not_increase_at_unlock_is_the_cloned_key_alert(
    terminal: SimulatedTerminal,
) -> None:
    journal = terminal.unlock_with_key("sam")
    journal.close()
    terminal.key("sam").misbehave = Misbehaviour(reuse_counter=True)
    journal = terminal.unlock_with_key("sam")
    (alert,) = counter_alerts(journal, 1)
    assert alert["alert"] == "key.counter_not_increased"
    assert alert["detail"]["current"] <= alert["detail"]["previous"]
    # The unlock itself is still on record: who opened the terminal is never lost.
    unlocks = [e for e in journal.entries(1) if e.kind == "terminal.unlocked"]
    assert unlocks[-1].data["custodian"] == "sam"
    journal.close()


def test_a_fresh_terminal_has_no_witness_yet(tmp_path: Path) -> None:
    """A key enrolled by others has no journaled counter: its first use sets it, no alert."""
    t = make_terminal(tmp_path, PEOPLE, [ACCOUNT])
    t.close()
    journal = with_margin(t, 1).unlock_with_key("lee")
    assert counter_alerts(journal, 1) == []
    journal.close()
