"""QtPaper, the screens' printer: what a cancel (the terminal locking) does to a print."""

from __future__ import annotations

import pytest

from hardware.printing.samples import sample_documents
from hardware.printing.sim import SimulatedPrinter
from kiosk.errors import CancelledError
from ui.procedure_devices import QtPaper


def test_a_cancelled_paper_renders_and_sends_nothing(qapp: object) -> None:
    printer = SimulatedPrinter()
    paper = QtPaper(printer)
    said: list[str] = []
    paper.progress.connect(said.append)
    doc = sample_documents()[0]
    paper.cancel.set()
    with pytest.raises(CancelledError):
        paper.print_document(doc, False, ask_again=False)
    assert printer.jobs == [] and said == []
    # Not cancelled, the same document prints.
    paper.cancel.clear()
    paper.print_document(doc, False, ask_again=False)
    assert [j.state for j in printer.jobs] == ["completed"] and said
