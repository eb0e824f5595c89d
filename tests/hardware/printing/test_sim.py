"""The in-memory printer used by the demo keeps the Printer contract."""

from __future__ import annotations

import threading

import pytest

from hardware.printing.sim import SimulatedPrinter
from kiosk.errors import CancelledError, DeviceError
from kiosk.paper import printer as codes
from kiosk.paper.printer import Printer


def test_records_jobs_and_never_keeps_sensitive_bytes() -> None:
    p: Printer = SimulatedPrinter()
    seen: list[str] = []
    r1 = p.print_pdf(b"%PDF-1.4 public", "Alert", False, progress=seen.append)
    r2 = p.print_pdf(b"%PDF-1.4 secret", "Sheet", True)
    assert isinstance(p, SimulatedPrinter)
    assert [j.title for j in p.jobs] == ["Alert", "Sheet"]
    assert p.jobs[0].pdf == b"%PDF-1.4 public" and p.jobs[1].pdf is None
    assert r1.state == r2.state == "completed" and r2.purged
    assert seen[-1] == f"Job {r1.job_id}: completed"


def test_scripted_failure_and_cancel() -> None:
    p = SimulatedPrinter(fail_next=[codes.PAPER_OUT])
    with pytest.raises(DeviceError) as info:
        p.print_pdf(b"%PDF-1.4", "x", False)
    assert info.value.code == codes.PAPER_OUT and info.value.retryable
    assert p.print_pdf(b"%PDF-1.4", "x", False).state == "completed"
    ev = threading.Event()
    ev.set()
    with pytest.raises(CancelledError):
        SimulatedPrinter(delay_seconds=5).print_pdf(b"%PDF-1.4", "x", False, cancel=ev)
    with pytest.raises(DeviceError):
        p.print_pdf(b"not a pdf", "x", False)
