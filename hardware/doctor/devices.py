"""The doctor's checks of the devices: printer queue and test page, security keys, scanner.

These talk to devices (CUPS, USB HID, a serial port or the keyboard), so
``sealroom doctor --offline-checks`` leaves them out; the test page and the
test scan also need a person and run only when asked for
(``--print-test-page``, ``--scan-test``). The device objects are parameters:
the tests hand in the simulated printer, simulated security keys (CTAP HID)
and a scanner on a pseudo-terminal.
"""

from __future__ import annotations

import datetime as dt
import io
import select
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from hardware.doctor.finding import Finding, failed, passed
from kiosk.errors import SealroomError
from kiosk.paper.printer import Printer

if TYPE_CHECKING:  # python-fido2 is imported when the keys are checked, not before
    from fido2.ctap import CtapDevice


def check_cups_queue(printer: object, queue: str) -> Finding:
    """The policy's CUPS queue exists and can print (scheduler up, not stopped, paper in)."""
    ready = getattr(printer, "ready", None)
    if ready is None:
        return passed("doctor.cups.ok", queue=queue, state="simulated")
    try:
        status = ready()
    except SealroomError as exc:
        return failed("doctor.cups.problem", queue=queue, problem=exc.user_message())
    return passed("doctor.cups.ok", queue=queue, state=getattr(status, "state", "idle"))


def make_test_page(kiosk_id: str, queue: str, now: dt.datetime) -> bytes:
    """One A4 page saying what it is, for whom and when (no secret)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("Sealroom test page")
    c.setFont("Helvetica-Bold", 24)
    c.drawString(72, 760, "Sealroom test page")
    c.setFont("Helvetica", 12)
    lines = (
        f"Terminal: {kiosk_id}",
        f"Queue: {queue}",
        f"Printed: {now.strftime('%Y-%m-%d %H:%M UTC')} by sealroom doctor",
        "If you can read this page, the terminal's printer works.",
    )
    for i, line in enumerate(lines):
        c.drawString(72, 720 - 20 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def check_test_page(printer: Printer, kiosk_id: str, queue: str, now: dt.datetime) -> Finding:
    """A test page goes through the queue to completion."""
    try:
        result = printer.print_pdf(
            make_test_page(kiosk_id, queue, now), "Sealroom test page", sensitive=False
        )
    except SealroomError as exc:
        return failed("doctor.test_page.failed", queue=queue, problem=exc.user_message())
    return passed("doctor.test_page.ok", queue=queue, job=result.job_id)


def _list_hid_keys() -> list[CtapDevice]:
    from fido2.hid import CtapHidDevice

    return list(CtapHidDevice.list_devices())


def check_fido2_keys(devices: Sequence[CtapDevice] | None = None) -> Finding:
    """Every plugged-in security key has a PIN set and supports ``hmac-secret``.

    python-fido2's ``getInfo``: option ``clientPin`` true (a PIN is set;
    false: none yet; absent: the key cannot have one) and extension
    ``hmac-secret`` (the key slot that unlocks the terminal needs it).
    """
    from fido2.ctap import CtapError
    from fido2.ctap2.base import Ctap2

    try:
        devs = list(devices) if devices is not None else _list_hid_keys()
    except OSError as exc:
        return failed("doctor.fido2.unlisted", reason=exc.strerror or type(exc).__name__)
    if not devs:
        return failed("doctor.fido2.none")
    problems, good = [], []
    for n, dev in enumerate(devs, start=1):
        label = f"key {n} ({getattr(dev, 'product_name', None) or 'security key'})"
        try:
            info = Ctap2(dev).get_info()
        except (CtapError, OSError, ValueError) as exc:
            problems.append(f"{label}: does not answer as a FIDO2 key ({type(exc).__name__})")
            continue
        pin = info.options.get("clientPin")
        hmac = "hmac-secret" in info.extensions
        if pin is not True:
            problems.append(f"{label}: " + ("no PIN set" if pin is False else "cannot have a PIN"))
        if not hmac:
            problems.append(f"{label}: no hmac-secret support")
        if pin is True and hmac:
            good.append(label)
    if problems:
        return failed("doctor.fido2.problem", problems="; ".join(problems))
    return passed("doctor.fido2.ok", count=len(good), keys=", ".join(good))


def _clean(text: str) -> str:
    return "".join(c for c in text if " " <= c <= "~")[:40]


def wait_serial_scan(
    port: str,
    timeout: float,
    port_factory: Callable[[str, int, float], object] | None = None,
) -> str | None:
    """The first line a serial scanner on ``port`` sends within ``timeout`` s, or ``None``."""
    from hardware.scanner.serial_scanner import SerialScanner

    got: list[str] = []
    errors: list[SealroomError] = []
    arrived = threading.Event()

    def on_line(text: str) -> None:
        got.append(text)
        arrived.set()

    def on_error(err: SealroomError) -> None:
        errors.append(err)
        arrived.set()

    kwargs = {"port_factory": port_factory} if port_factory is not None else {}
    with SerialScanner(port, on_line, on_error, **kwargs):  # type: ignore[arg-type]
        arrived.wait(timeout)
    if errors and not got:
        raise errors[0]
    return got[0] if got else None


def wait_keyboard_scan(stream: TextIO, timeout: float) -> str | None:
    """A line typed by a keyboard-wedge scanner on ``stream`` within ``timeout`` s."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        return None
    line = stream.readline()
    return line.rstrip("\r\n") if line else None


def check_scan(
    ports: Sequence[str],
    stream: TextIO,
    say: Callable[[str], None],
    timeout: float,
    port_factory: Callable[[str, int, float], object] | None = None,
) -> Finding:
    """One test scan: from the first allowed serial scanner, else typed by a wedge scanner."""
    where = ports[0] if ports else "the keyboard"
    say(f"Scan any barcode now with the scanner on {where} (waiting {timeout:.0f} s)...")
    try:
        text = (
            wait_serial_scan(ports[0], timeout, port_factory)
            if ports
            else wait_keyboard_scan(stream, timeout)
        )
    except SealroomError as exc:
        return failed("doctor.scan.problem", where=where, problem=exc.user_message())
    if not text:
        return failed("doctor.scan.nothing", where=where, seconds=int(timeout))
    return passed("doctor.scan.ok", where=where, length=len(text), start=_clean(text))
