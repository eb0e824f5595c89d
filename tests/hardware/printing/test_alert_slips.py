"""Alert slips: every alert entry is printed at once, off the writer's thread."""

from __future__ import annotations

import subprocess

from hardware.printing.render import render
from hardware.printing.sim import SimulatedPrinter
from kiosk.clock import FakeClock
from kiosk.errors import SealroomError
from kiosk.paper import AlertSlips
from kiosk.terminal import Commissioned


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_alert_entries_print_a_slip_with_the_entry_and_what_to_do(
    terminal: Commissioned, clock: FakeClock
) -> None:
    printer = SimulatedPrinter()
    slips = AlertSlips(printer, render, "safe-room-1")
    j = terminal.journal
    j.add_listener(slips)
    j.append("envelope.stock_received", {"serials": ["SR00000018"]})  # not an alert: no slip
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
    slips.wait_idle()
    slips.close()
    titles = [job.title for job in printer.jobs]
    clock_alert = next(e for e in j.entries() if e.data.get("alert") == "clock.moved_back")
    assert titles == [f"Alert slip {n}" for n in (3, clock_alert.seq, clock_alert.seq + 1)]
    text = pdf_text(printer.jobs[1].pdf or b"")
    assert "clock moved backwards" in text
    assert f"Journal head {clock_alert.seq}" in text
    usb = pdf_text(printer.jobs[2].pdf or b"")
    assert "not on the allow-list" in usb and "Realtek" in usb and "Remove the device" in usb


def test_a_failed_slip_is_reported_and_the_next_one_prints(terminal: Commissioned) -> None:
    printer = SimulatedPrinter(fail_next=["print.paper_out"])
    errors: list[SealroomError] = []
    slips = AlertSlips(printer, render, "safe-room-1", on_error=errors.append)
    terminal.journal.add_listener(slips)
    terminal.journal.append("alert.raised", {"alert": "a", "summary": "first"})
    terminal.journal.append("alert.raised", {"alert": "b", "summary": "second"})
    slips.wait_idle()
    slips.close()
    assert [e.code for e in errors] == ["print.paper_out"]
    assert [job.state for job in printer.jobs] == ["aborted", "completed"]
    assert terminal.journal.head.seq == 3  # the journal never waited for, nor lost, anything
