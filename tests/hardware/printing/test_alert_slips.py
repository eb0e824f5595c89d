"""Alert slips: what an alert entry puts on paper, rendered with reportlab.

How a slip is printed, and what happens when it does not print, is in
``tests/kiosk/procedures/test_slip_failures.py``.
"""

from __future__ import annotations

import subprocess

from hardware.printing.paper import RenderingPaper
from hardware.printing.render import render
from hardware.printing.sim import SimulatedPrinter
from kiosk.format.clock import FakeClock
from kiosk.paper.slips import alert_slip
from kiosk.terminal.lifecycle import Commissioned


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_alert_entries_print_a_slip_with_the_entry_and_what_to_do(
    terminal: Commissioned, clock: FakeClock
) -> None:
    j = terminal.journal
    j.append("envelope.stock_received", {"serials": ["SR00000018"]})
    clock.advance(minutes=5)
    j.append("alert.raised", {"alert": "x", "summary": "warm-up"})
    clock.advance(minutes=-30)
    j.append(
        "alert.raised",
        {
            "alert": "usb.refused",
            "summary": "Unknown USB device",
            "detail": {"description": "0bda:8153 Realtek LAN"},
        },
    )
    alerts = [e for e in j.entries() if e.kind == "alert.raised"]
    clock_alert = next(e for e in alerts if e.data.get("alert") == "clock.moved_back")
    assert [e.seq for e in alerts] == [3, clock_alert.seq, clock_alert.seq + 1]
    printer = SimulatedPrinter()
    paper = RenderingPaper(printer)
    for e in alerts:
        paper.print_document(alert_slip(e, "safe-room-1", "UTC"), sensitive=False)
    # The print queue shows which entry each slip is (never more than the title).
    assert [job.title for job in printer.jobs] == [f"Terminal alert {e.seq}" for e in alerts]
    text = pdf_text(printer.jobs[1].pdf or b"")
    assert "clock moved backwards" in text
    assert f"Journal head {clock_alert.seq}" in text
    usb = pdf_text(render(alert_slip(alerts[2], "safe-room-1", "UTC")))
    assert "not on the allow-list" in usb and "Realtek" in usb and "Remove the device" in usb
