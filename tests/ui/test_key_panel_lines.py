"""The key panel shows no empty line where the approvals will be listed (issue 22: a blank
line above "Custodian — Lee Park: plug in your security key")."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.screens.key_panel import KeyPanel


def test_the_approvals_line_appears_with_the_first_approval(qtbot: QtBot) -> None:
    panel = KeyPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.ask("Custodian", "Lee Park")
    assert panel.isVisible() and not panel.signed.isVisible()
    panel.approved("Custodian", "Lee Park")
    assert panel.signed.isVisible() and "Lee Park approved" in panel.signed.text()
    panel.reset()
    panel.show()
    assert not panel.signed.isVisible()
