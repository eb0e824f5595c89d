"""A sensitive print that may have left a copy in the print system stops the step with an alert."""

from __future__ import annotations

import pytest

from hardware.printing.samples import sample_documents
from hardware.sim.simulation import Simulation
from kiosk.errors import DeviceError
from kiosk.paper.documents import AlertSlip, CredentialSheet


def test_a_copy_left_is_alerted_and_the_error_stops_the_step(sim: Simulation) -> None:
    sheet = next(d for d in sample_documents() if isinstance(d, CredentialSheet))
    head = sim.journal.head.seq
    sim.printer.fail_next.append("print.spool_left")
    with pytest.raises(DeviceError) as info:
        sim.ctx.print(sheet, sensitive=True)
    assert info.value.code == "print.spool_left" and not info.value.retryable
    alert = sim.journal.entry(head + 1)
    assert alert is not None and alert.kind == "alert.raised"
    assert alert.data["alert"] == "print.copy_left"
    assert alert.data["detail"]["document"] == sheet.title
    assert sheet.password.reveal() not in str(alert.data)  # the alert names, never shows
    # Its slip is printed at once (the alarm is paper), the sheet is not counted as printed.
    assert sim.printer.jobs[-1].state == "completed" and not sim.printer.jobs[-1].sensitive
    assert sheet.slug not in sim.ctx.printed
    sheet.password.wipe()


def test_the_same_error_on_a_document_that_holds_no_secret_is_no_alert(sim: Simulation) -> None:
    slip = next(d for d in sample_documents() if isinstance(d, AlertSlip))
    head = sim.journal.head.seq
    sim.printer.fail_next.append("print.spool_left")
    with pytest.raises(DeviceError):
        sim.ctx.print(slip, sensitive=False)
    assert sim.journal.head.seq == head
