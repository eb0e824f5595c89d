"""Two custodians confirm the clock after it jumped forward; until then nothing is recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hardware.sim.simulation import Simulation
from kiosk.errors import SealroomError
from kiosk.policy import parse_policy
from kiosk.procedures import FORM, ClockConfirmFlow, StockFlow
from kiosk.procedures.framework import Result
from kiosk.scan.serials import make_serial
from kiosk.state import due as deadlines

POLICY = Path(__file__).resolve().parents[3] / "assets" / "policy.toml"
FUTURE = dt.datetime(2099, 3, 1, 8, 30, tzinfo=dt.UTC)
BAGS = {"serials": [make_serial(9_000_001)], "supplier": "SecureBag Ltd"}


def ok(result: Result) -> Result:
    assert result.ok, result.errors
    return result


def test_nothing_is_recorded_after_a_jump_until_two_custodians_confirm_the_clock(
    sim: Simulation,
) -> None:
    before = sim.clock.now()
    head = sim.journal.head.seq
    sim.clock.set_system_time(FUTURE)
    refused = StockFlow(sim.ctx).submit(BAGS)
    assert not refused.ok and refused.codes == {FORM: "clock.unconfirmed"}
    assert "Confirm the clock" in refused.errors[FORM]
    # Every deadline looks overdue on a 2099 clock: none is alerted while it is unconfirmed.
    assert deadlines.overdue(deadlines.compute(sim.journal.state, sim.ctx.policy), FUTURE)
    assert sim.ctx.check_deadlines() == []
    assert sim.journal.head.seq == head

    flow = ClockConfirmFlow(sim.ctx, ["dana", "sam"])
    assert flow.info["clock"].startswith("2099-03-01T08:30")
    missing = flow.submit({})
    assert not missing.ok and "checked" in missing.errors
    ok(flow.submit({"checked": True, "reason": "Clock set after the RTC battery was replaced"}))
    confirmed = sim.journal.entry(sim.journal.head.seq)
    assert confirmed is not None and confirmed.kind == "clock.confirmed"
    assert confirmed.ts.startswith("2099-03-01T08:30")  # stamped with the clock it confirms
    assert confirmed.data["against"] == "elapsed-time"
    assert confirmed.data["clock"].startswith("2099-03-01T08:30")
    assert confirmed.data["previous"][:16] == before.isoformat()[:16]
    assert confirmed.data["reason"] == "Clock set after the RTC battery was replaced"
    assert {a["custodian"] for a in confirmed.attest} == {"dana", "sam"}
    assert sim.journal.head.seq == head + 1
    # Work goes on, measured from the confirmed clock; there is nothing more to confirm.
    assert sim.journal.clock_jump() is None
    received = ok(StockFlow(sim.ctx).submit(BAGS)).entries
    assert received[-1].kind == "envelope.stock_received"
    assert received[-1].ts.startswith("2099-03-01T08:3")
    sim.clock.advance(hours=1)
    assert sim.journal.clock_jump() is None
    again = ClockConfirmFlow(sim.ctx, ["dana", "sam"]).submit({"checked": True})
    assert again.codes == {FORM: "clock.nothing_to_confirm"}
    # The chain, with its confirmation, verifies at the next unlock.
    end = sim.journal.head
    sim.terminal.close()
    j = sim.terminal.unlock_with_passphrase()
    kept = j.entry(end.seq)
    assert kept is not None and kept.hash == end.hash  # nothing lost
    # only this unlock was added (and the alert a passphrase unlock raises)
    assert [e.kind for e in j.entries(end.seq + 1)] == ["terminal.unlocked", "alert.raised"]


def test_one_custodian_cannot_confirm_the_clock(sim: Simulation) -> None:
    sim.clock.set_system_time(FUTURE)
    jump = sim.journal.clock_jump()
    assert jump is not None
    data = {"previous": jump.expected, "clock": jump.clock, "against": jump.against}
    head = sim.journal.head.seq
    with pytest.raises(SealroomError):
        sim.ctx.dual("clock.confirmed", data, ["dana"])
    with pytest.raises(SealroomError):
        sim.ctx.dual("clock.confirmed", data, ["dana", "dana"])
    assert sim.journal.head.seq == head and sim.journal.clock_jump() is not None


def test_the_clock_is_confirmed_even_while_a_changed_policy_waits(sim: Simulation) -> None:
    """The policy's approval would be stamped with the clock: the clock comes first."""
    raw = POLICY.read_bytes()
    sim.ctx.policy = parse_policy(raw.replace(b"rotation_hours = 24", b"rotation_hours = 12"))
    sim.clock.set_system_time(FUTURE)
    ok(ClockConfirmFlow(sim.ctx, ["dana", "sam"]).submit({"checked": True}))
    assert sim.journal.clock_jump() is None
