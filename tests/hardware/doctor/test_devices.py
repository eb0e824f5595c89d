"""The devices the doctor checks: the printer, security keys (simulated at CTAP HID), a scanner.

The CUPS tests talk to the real scheduler and the cups-pdf queue
(``.ci/cups-setup.sh``); without it they skip, unless
``SEALROOM_REQUIRE_CUPS=1`` (CI).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fido2.ctap2.base import Ctap2
from fido2.ctap2.pin import ClientPin

from hardware.doctor.devices import (
    check_cups_queue,
    check_fido2_keys,
    check_scan,
    check_test_page,
    make_test_page,
)
from hardware.printing.cups import CupsPrinter, PrinterStatus
from hardware.printing.sim import SimulatedPrinter
from hardware.sim.authenticator import SoftAuthenticator
from hardware.sim.scanner import PtyScannerSim
from kiosk.errors import DeviceError
from kiosk.policy import load_policy

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class FakeCups:
    def __init__(self, error: DeviceError | None = None) -> None:
        self.error = error

    def ready(self) -> PrinterStatus:
        if self.error is not None:
            raise self.error
        return PrinterStatus("idle", (), True, "")


def test_the_queue_is_ready_or_the_problem_is_said() -> None:
    assert check_cups_queue(FakeCups(), "sealroom").text == "CUPS queue sealroom is ready (idle)."
    f = check_cups_queue(FakeCups(DeviceError("print.queue_missing", queue="sealroom")), "sealroom")
    assert f.status == "fail" and f.text.startswith("CUPS queue sealroom: ")
    assert "sealroom doctor again" in f.text


def test_a_test_page_is_printed_and_says_what_it_is() -> None:
    printer = SimulatedPrinter()
    f = check_test_page(printer, "safe-room-1", "sealroom", NOW)
    assert f.status == "pass" and "job sealroom-1" in f.text
    [job] = printer.jobs
    assert job.title == "Sealroom test page" and not job.sensitive
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=job.pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Sealroom test page" in text and "safe-room-1" in text
    printer.fail_next.append("print.paper_out")
    f = check_test_page(printer, "safe-room-1", "sealroom", NOW)
    assert f.code == "doctor.test_page.failed"


@pytest.fixture(scope="module")
def cups_queue() -> str:
    queue = load_policy().print_queue
    ok = subprocess.run(["lpstat", "-p", queue], capture_output=True, check=False)
    if ok.returncode == 0:
        return queue
    if os.environ.get("SEALROOM_REQUIRE_CUPS") == "1":
        pytest.fail(f"CUPS queue {queue} is missing: run .ci/cups-setup.sh")
    pytest.skip(f"no CUPS queue {queue} (run .ci/cups-setup.sh)")


@pytest.mark.cups
def test_the_real_queue_and_a_real_test_page(cups_queue: str) -> None:
    printer = CupsPrinter(cups_queue, 60)
    assert check_cups_queue(printer, cups_queue).status == "pass"
    f = check_test_page(printer, "safe-room-1", cups_queue, NOW)
    assert f.status == "pass", f.text
    missing = CupsPrinter("no-such-queue-sr", 10)
    f = check_cups_queue(missing, "no-such-queue-sr")
    assert f.status == "fail" and "no-such-queue-sr" in f.text


@pytest.fixture
def key() -> Iterator[SoftAuthenticator]:
    k = SoftAuthenticator(None, label="doctor test key")
    yield k


def test_keys_need_a_pin_and_hmac_secret(key: SoftAuthenticator) -> None:
    assert check_fido2_keys([]).code == "doctor.fido2.none"
    f = check_fido2_keys([key.open_device()])
    assert f.status == "fail" and "no PIN set" in f.text
    ClientPin(Ctap2(key.open_device())).set_pin("4711-9876")
    f = check_fido2_keys([key.open_device()])
    assert f.status == "pass" and f.params["count"] == 1
    assert "4711-9876" not in f.text


def test_a_serial_scanner_scan_arrives() -> None:
    said: list[str] = []
    with PtyScannerSim() as sim:
        threading.Timer(0.3, sim.send_line, ("SR00000018",)).start()
        f = check_scan([sim.port], _Nowhere(), said.append, 5.0)
    assert f.status == "pass" and "SR00000018" in f.text and "10 characters" in f.text
    assert sim.port in said[0]


def test_a_keyboard_scan_arrives_or_the_wait_ends(tmp_path: Path) -> None:
    r, w = os.pipe()
    with os.fdopen(r, "r") as stream, os.fdopen(w, "w") as typed:
        f = check_scan([], stream, lambda _t: None, 0.2)
        assert f.code == "doctor.scan.nothing" and "the keyboard" in f.text
        typed.write("SR00000018\n")
        typed.flush()
        f = check_scan([], stream, lambda _t: None, 2.0)
        assert f.status == "pass" and "SR00000018" in f.text


def test_the_test_page_holds_no_secret() -> None:
    pdf = make_test_page("safe-room-1", "sealroom", NOW)
    assert pdf.startswith(b"%PDF-")


class _Nowhere:
    """A stdin that is never read (the serial scanner answers)."""

    def fileno(self) -> int:
        raise AssertionError("stdin read for a serial scan")
