"""Two custodians confirm the terminal's clock after it jumped forward.

The journal refuses every append while the clock is ahead of what it expects
by more than the policy's tolerance (:mod:`kiosk.journal.clockwatch`: measured
against the time that really passed while the program runs, against the last
entry after it starts). This flow is the way out when the clock is right
(after a long rest, or a correction an administrator made): two custodians
check the date and time against a watch or phone and sign ``clock.confirmed``
(dual), which records what the terminal expected and what the clock said.
When the clock is wrong the way out is to correct it, not this flow.

Rules (each with a test):

* it is refused when the clock needs no confirmation
  (``clock.nothing_to_confirm``), so no confirmation is recorded for nothing;
* it is the one flow that runs while the clock is unconfirmed (the journal
  lets only ``clock.confirmed`` through) and also while a changed policy
  waits for approval (confirming the time does not depend on the rules, and
  the policy's own approval could not be stamped before it);
* the entry is stamped with the clock it confirms; once it is durable the
  journal measures from that reading, and every step works again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.procedures.context import Context
from kiosk.procedures.fields import Field, ProcedureError, boolean, text
from kiosk.procedures.framework import Flow, Step


class ClockConfirmFlow(Flow):
    """Confirm the terminal's clock after it jumped forward (dual)."""

    name = "clock_confirm"
    title = "Confirm the clock"
    runs_under_changed_policy = True

    def __init__(self, ctx: Context, by: Sequence[str]) -> None:
        super().__init__(ctx, "confirm")
        self.by = list(by)
        jump = ctx.journal.clock_jump()
        self.info["clock"] = jump.clock if jump else ""
        self.info["expected"] = jump.expected if jump else ""
        self.add(
            Step(
                "confirm",
                "Confirm the clock",
                (
                    Field(
                        "checked",
                        "We both checked the terminal's date and time against a watch or phone, "
                        "and it is right",
                        boolean(True),
                    ),
                    Field("reason", "Why the clock moved, if you know", text(500), False),
                ),
                self._confirm,
                (),
                ("clock.confirmed",),
                help="The terminal's clock moved forward more than the policy allows. If the "
                "date and time shown are wrong, do not confirm them: have security correct "
                "the clock instead.",
            )
        )

    def _confirm(self, v: dict[str, Any]) -> None:
        jump = self.ctx.journal.clock_jump()
        if jump is None:
            raise ProcedureError("clock.nothing_to_confirm")
        data: dict[str, Any] = {
            "previous": jump.expected,
            "clock": jump.clock,
            "against": jump.against,
        }
        if v.get("reason"):
            data["reason"] = v["reason"]
        self.ctx.dual("clock.confirmed", data, self.by)
        return None
