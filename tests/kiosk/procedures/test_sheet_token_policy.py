"""The credential sheet a reset prints follows the policy's ``[envelopes] token_in_envelope``.

The flow hands the setting to the sheet; the rendered sheet's contents line
and sealing steps then say the same thing (tests/hardware/printing/
test_paper_in_hand.py). Read here from the PDF the flow actually printed,
through the same renderer as the terminal, kept in memory only.
"""

from __future__ import annotations

import dataclasses
import subprocess
from typing import Any

import pytest

from hardware.printing.render import render
from hardware.sim.simulation import Simulation
from kiosk.paper.documents import CredentialSheet, Document
from kiosk.paper.printer import PrintResult
from kiosk.procedures import SealNewEnvelopeFlow


class ReadingPaper:
    """Prints through the simulation's paper, and reads each credential sheet's text first."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sheets: list[tuple[bool, str]] = []

    def print_document(
        self, doc: Document, sensitive: bool, *, ask_again: bool = True
    ) -> PrintResult:
        if isinstance(doc, CredentialSheet):
            text = subprocess.run(
                ["pdftotext", "-", "-"], input=render(doc), capture_output=True, check=True
            ).stdout.decode()
            self.sheets.append((doc.token_in_envelope, " ".join(text.split())))
        return self.inner.print_document(doc, sensitive, ask_again=ask_again)


@pytest.mark.parametrize("inside", [True, False])
def test_the_printed_sheet_follows_the_policy(sim: Simulation, inside: bool) -> None:
    sim.ctx.policy = dataclasses.replace(sim.ctx.policy, token_in_envelope=inside)
    paper = ReadingPaper(sim.ctx.paper)
    sim.ctx.paper = paper
    flow = SealNewEnvelopeFlow(sim.ctx, "entra-01", ["dana", "sam"])
    copies = sim.ctx.policy.envelope_copies
    bags: list[str] = []
    for _ in range(copies):  # one bag per copy of the one password
        bags.append(sim.blank(exclude=bags))
        assert flow.submit({"serial": bags[-1]}).ok
    result = flow.submit({"confirm": True})
    assert result.ok, result.errors
    assert [token for token, _text in paper.sheets] == [inside] * copies
    text = paper.sheets[0][1]
    assert ("together with the security key" in text) is inside
    assert ("This sheet only." in text) is not inside
