"""QtPaper, the screens' printer: what a cancel (the terminal locking) does to a print."""

from __future__ import annotations

import pytest

from hardware.printing.samples import sample_documents
from hardware.printing.sim import SimulatedPrinter
from kiosk.errors import CancelledError, DeviceError
from kiosk.paper.documents import CredentialSheet
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


def test_a_copy_left_is_not_offered_again(qapp: object) -> None:
    """A non-retryable failure (``print.spool_left``) is raised at once: no "print again"."""
    sheet = next(d for d in sample_documents() if isinstance(d, CredentialSheet))
    printer = SimulatedPrinter(fail_next=["print.spool_left"])
    paper = QtPaper(printer)
    offered: list[str] = []

    def failed(message: str) -> None:  # the flow screen's prompt, answered "give up"
        offered.append(message)
        paper.retry(False)

    paper.failed.connect(failed)
    with pytest.raises(DeviceError) as info:
        paper.print_document(sheet, True, ask_again=True)
    assert info.value.code == "print.spool_left"
    assert offered == [] and len(printer.jobs) == 1
    sheet.password.wipe()
