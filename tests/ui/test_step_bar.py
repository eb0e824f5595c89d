"""The step bar lists the steps to expect; a branch (a failed reset) only once it is taken.

Seen in the demo (issue 22): the reset's bar read "… 3. Set the new credential
and test it › 4. Credential reset failed › 5. Seal each copy …", as if a failure
were a step of the procedure.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from pytestqt.qtbot import QtBot

from kiosk.procedures.framework import Step
from ui.screens.step_bar import StepBar


def _flow(current: str, history: list[str]) -> Any:
    def run(_v: dict[str, Any]) -> None:
        return None

    steps = {
        "test_login": Step("test_login", "Test the new credential", (), run, ("seal", "failed")),
        "failed": Step("failed", "Credential reset failed", (), run, ("test_login",), branch=True),
        "seal": Step("seal", "Seal each copy", (), run),
    }
    return SimpleNamespace(steps=steps, current=current, history=history)


def test_a_branch_is_not_a_step_to_expect(qtbot: QtBot) -> None:
    bar = StepBar()
    qtbot.addWidget(bar)
    bar.show_steps(_flow("test_login", []))
    said = bar.steps.accessibleDescription()
    assert "failed" not in said and "2. Seal each copy" in said, said


def test_a_branch_taken_is_listed_where_it_was_taken(qtbot: QtBot) -> None:
    bar = StepBar()
    qtbot.addWidget(bar)
    bar.show_steps(_flow("failed", ["test_login"]))
    said = bar.steps.accessibleDescription()
    assert "now: 2. Credential reset failed" in said and "3. Seal each copy" in said, said
