"""A changed policy file is approved under dual control before anything else is done."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.sim.simulation import Simulation
from kiosk.errors import SealroomError
from kiosk.policy import parse_policy
from kiosk.procedures import FORM, AccountFlow, PolicyChangeFlow, policy_unapproved
from kiosk.procedures.framework import Result

POLICY = Path(__file__).resolve().parents[3] / "assets" / "policy.toml"


def ok(result: Result) -> Result:
    assert result.ok, result.errors
    return result


def edited(sim: Simulation, old: bytes, new: bytes) -> None:
    """The terminal now runs with the policy file edited from ``old`` to ``new``."""
    raw = POLICY.read_bytes()
    assert raw.count(old) == 1
    sim.ctx.policy = parse_policy(raw.replace(old, new), "policy.toml")


def test_nothing_is_done_under_a_changed_policy_until_two_custodians_approve_it(
    sim: Simulation,
) -> None:
    assert not policy_unapproved(sim.ctx.policy, sim.journal.state)
    genesis_hash = sim.journal.state.policy_hash
    edited(sim, b"rotation_hours = 24", b"rotation_hours = 48")
    assert policy_unapproved(sim.ctx.policy, sim.journal.state)
    head = sim.journal.head.seq
    refused = AccountFlow(sim.ctx, ["dana", "sam"]).submit({})
    assert not refused.ok and refused.codes == {FORM: "procedure.policy_unapproved"}
    assert "Approve the changed policy" in refused.errors[FORM]
    assert sim.ctx.policy.sha256[:16] in refused.errors[FORM]
    assert sim.journal.head.seq == head  # nothing recorded

    flow = PolicyChangeFlow(sim.ctx, ["dana", "sam"])
    missing = flow.submit({"checked": True})
    assert not missing.ok and "reason" in missing.errors
    ok(flow.submit({"reason": "Rotation window widened to 48 h by the CISO", "checked": True}))
    changed = sim.journal.entry(sim.journal.head.seq)
    assert changed is not None and changed.kind == "policy.changed"
    assert changed.data == {
        "policy_hash": sim.ctx.policy.sha256,
        "uv_required": sim.ctx.policy.uv_required,
        "reason": "Rotation window widened to 48 h by the CISO",
        "calendar": sim.ctx.policy.calendar,
    }
    assert {a["custodian"] for a in changed.attest} == {"dana", "sam"}
    assert sim.journal.state.policy_hash == sim.ctx.policy.sha256 != genesis_hash
    assert not policy_unapproved(sim.ctx.policy, sim.journal.state)
    # Work goes on; and there is nothing more to approve.
    assert AccountFlow(sim.ctx, ["dana", "sam"]).submit({}).codes.get(FORM) is None
    again = PolicyChangeFlow(sim.ctx, ["dana", "sam"]).submit({"reason": "again", "checked": True})
    assert again.codes == {FORM: "procedure.policy_unchanged"}


def test_one_custodian_cannot_approve_a_policy_change(sim: Simulation) -> None:
    edited(sim, b"rotation_hours = 24", b"rotation_hours = 12")
    with pytest.raises(SealroomError):
        sim.ctx.dual(
            "policy.changed",
            {"policy_hash": sim.ctx.policy.sha256, "uv_required": True},
            ["dana"],
        )
    assert policy_unapproved(sim.ctx.policy, sim.journal.state)
