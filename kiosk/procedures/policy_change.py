"""A changed policy file is approved under dual control before anything else is done.

The policy file (``assets/policy.toml`` or the terminal's own) sets the
deadlines, the serial pattern, the printer, the USB allow-list, the
business-day calendar and whether security keys must verify their user.
The journal records the hash of the one it was commissioned with
(``journal.genesis``) and of every approved change (``policy.changed``,
dual). One person with access to the terminal's files must not be able to
change the rules alone, so:

Rules (each with a test):

* while the policy file's hash differs from the journal's, every procedure
  step is refused (``procedure.policy_unapproved``, which says what to do),
  except this flow's;
* this flow records ``policy.changed`` (dual, two custodians) with the new
  hash, ``uv_required``, the calendar and the reason given;
* it is refused when the policy did not change;
* approving a change that stops requiring user verification is possible
  only through this dual entry (approvals use the stricter of the journal's
  and the file's ``uv_required`` until then).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.procedures.context import Context
from kiosk.procedures.fields import Field, ProcedureError, boolean, text
from kiosk.procedures.framework import Flow, Step, policy_unapproved


class PolicyChangeFlow(Flow):
    """Approve the changed policy file (dual)."""

    name = "policy_change"
    title = "Approve the changed policy file"
    runs_under_changed_policy = True

    def __init__(self, ctx: Context, by: Sequence[str]) -> None:
        super().__init__(ctx, "approve")
        self.by = list(by)
        self.add(
            Step(
                "approve",
                "Approve the changed policy file",
                (
                    Field("reason", "What changed in the policy, and why", text(500)),
                    Field("checked", "We both read the new policy file and agree", boolean(True)),
                ),
                self._approve,
                (),
                ("policy.changed",),
            )
        )

    def _approve(self, v: dict[str, Any]) -> None:
        if not policy_unapproved(self.ctx.policy, self.ctx.journal.state):
            raise ProcedureError("procedure.policy_unchanged")
        policy = self.ctx.policy
        data = {
            "policy_hash": policy.sha256,
            "uv_required": policy.uv_required,
            "reason": v["reason"],
            "calendar": policy.calendar,
        }
        self.ctx.dual("policy.changed", data, self.by)
        return None
