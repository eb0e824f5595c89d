"""Printing through the real CUPS with the cups-pdf queue (run .ci/cups-setup.sh first).

These tests talk to cupsd for real. Without the queue they skip, unless
SEALROOM_REQUIRE_CUPS=1 (CI), where a missing queue is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.printing.cups import CupsPrinter, PrinterStatus, printer_problem
from hardware.printing.render import render
from hardware.printing.samples import sample_documents
from kiosk.errors import CancelledError, DeviceError
from kiosk.paper import printer as codes
from kiosk.paper.documents import AlertSlip, CredentialSheet
from kiosk.paper.passwords import grouped
from kiosk.policy import load_policy

POLICY = load_policy()
QUEUE = POLICY.print_queue
LEAK_DIRS = [
    Path("/var/spool/cups"),
    Path("/var/spool/cups-pdf"),
    Path("/var/cache/cups"),
    Path("/tmp"),
    Path.cwd(),
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LC_ALL="C")
    return subprocess.run(list(args), capture_output=True, text=True, env=env, check=False)


@pytest.fixture(scope="module")
def cups_queue() -> str:
    sched = _run("lpstat", "-r").stdout
    queue = _run("lpstat", "-p", QUEUE)
    if "is running" in sched and queue.returncode == 0:
        return QUEUE
    why = f"CUPS scheduler: {sched.strip() or 'no answer'}; queue {QUEUE!r}: {queue.stderr.strip()}"
    if os.environ.get("SEALROOM_REQUIRE_CUPS") == "1":
        pytest.fail(f"CUPS is required but not ready ({why}). Run .ci/cups-setup.sh as root.")
    pytest.skip(f"CUPS not set up ({why}); run .ci/cups-setup.sh")


@pytest.fixture
def printer(cups_queue: str) -> CupsPrinter:
    return CupsPrinter.from_policy(POLICY, poll_interval=0.1)


@pytest.fixture
def queue_restored(cups_queue: str) -> Iterator[str]:
    yield cups_queue
    _run("cupsenable", cups_queue)
    _run("cupsaccept", cups_queue)


def _paper_tray() -> Path:
    """Where cups-pdf puts the 'paper' (its Out setting, for the job owner)."""
    out = "${HOME}/PDF"
    for line in Path("/etc/cups/cups-pdf.conf").read_text().splitlines():
        if line.startswith("Out "):
            out = line.split(None, 1)[1].strip()
    user = _run("id", "-un").stdout.strip()
    return Path(out.replace("${USER}", user).replace("${HOME}", str(Path.home())))


def _snapshot() -> dict[Path, tuple[int, int]]:
    seen: dict[Path, tuple[int, int]] = {}
    for top in LEAK_DIRS:
        for root, _dirs, files in os.walk(top):
            for name in files:
                p = Path(root) / name
                try:
                    st = p.stat()
                except OSError:
                    continue
                seen[p] = (st.st_mtime_ns, st.st_size)
    return seen


def _contains_secret(path: Path, secret: str) -> bool:
    """True if the file holds the secret: raw, grouped, or as the groups of a PDF's text."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if secret.encode() in data or grouped(secret).encode() in data:
        return True
    if data.startswith(b"%PDF"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=False
        ).stdout
        tokens = set(text.split())
        groups = [secret[i : i + 4] for i in range(0, len(secret), 4)]
        return secret in text or all(g in tokens for g in groups)
    return False


def _is_document(path: Path) -> bool:
    """A PDF or PostScript file: any copy of a sheet, even with its text outlined."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return False
    return head.startswith((b"%PDF", b"%!PS", b"\x04%!PS"))


def _job_known(job: str) -> bool:
    return job in _run("lpstat", "-W", "all", "-o", QUEUE).stdout


@pytest.mark.cups
def test_prints_and_reports_cups_states(printer: CupsPrinter) -> None:
    alert = next(d for d in sample_documents() if isinstance(d, AlertSlip))
    states: list[str] = []
    result = printer.print_pdf(render(alert), "Sealroom alert 1234", False, progress=states.append)
    assert result.state == "completed" and result.job_id.startswith(QUEUE + "-")
    assert f"Job {result.job_id}: completed" in states
    assert any(s.startswith(f"Job {result.job_id}: ") and "completed" not in s for s in states)
    # CUPS keeps a non-sensitive job in its history as completed.
    assert result.job_id in _run("lpstat", "-W", "completed", "-o", QUEUE).stdout
    tray = _paper_tray()
    out = [p for p in tray.glob(f"*job_{result.job_id.split('-')[-1]}.pdf")]
    assert out, f"cups-pdf produced no output in {tray}"
    for p in out:
        p.unlink()


@pytest.mark.cups
def test_credential_sheet_leaves_no_copy_in_spool_or_temp(
    printer: CupsPrinter, pdftools: Any, tmp_path: Path
) -> None:
    sheet = next(d for d in sample_documents() if isinstance(d, CredentialSheet))
    secret = sheet.password.reveal()
    pdf = render(sheet)
    # Positive control: the detector finds the password in the document as submitted
    # (what a CUPS d-file copy would hold).
    control = tmp_path / "control.pdf"
    control.write_bytes(pdf)
    assert _contains_secret(control, secret)
    control.unlink()

    before = _snapshot()
    result = printer.print_pdf(pdf, "Credential sheet CS-2026-0042", True)
    del pdf
    assert result.purged and result.spool_checked
    num = result.job_id.split("-")[-1]
    tray = _paper_tray()
    paper = sorted(tray.glob(f"*job_{num}.pdf"))
    assert len(paper) == 1, f"no printed output in {tray}"
    # The 'paper' is this sheet: its QR code and envelope barcode decode from the print.
    printed = pdftools.decode(paper[0], dpi=150)
    assert ("QRCode", sheet.qr_payload) in printed
    assert ("Code128", sheet.envelope_serial) in printed
    paper[0].unlink()  # the paper tray is emptied, as paper would be taken away

    changed = [p for p, sig in _snapshot().items() if before.get(p) != sig]
    leaks = [p for p in changed if _contains_secret(p, secret)]
    assert not leaks, f"password found in {leaks}"
    spool_docs = [
        p for p in changed if str(p).startswith("/var/") and p.exists() and _is_document(p)
    ]
    assert not spool_docs, f"document copies left in the spool: {spool_docs}"
    assert not list(Path("/var/spool/cups").glob(f"d{int(num):05d}-*"))
    assert not _job_known(result.job_id), "sensitive job still in CUPS history"
    sheet.password.wipe()


@pytest.mark.cups
def test_stopped_queue_is_a_clear_retryable_error(
    printer: CupsPrinter, queue_restored: str
) -> None:
    _run("cupsdisable", "-r", "paper jam in tray 2", queue_restored)
    with pytest.raises(DeviceError) as info:
        printer.print_pdf(b"%PDF-1.4\n", "t", False)
    err = info.value
    assert err.code == codes.STOPPED and err.retryable
    assert f"'{QUEUE}' is stopped" in err.user_message()


@pytest.mark.cups
def test_rejecting_queue(printer: CupsPrinter, queue_restored: str) -> None:
    _run("cupsreject", queue_restored)
    with pytest.raises(DeviceError) as info:
        printer.print_pdf(b"%PDF-1.4\n", "t", False)
    assert info.value.code == codes.REJECTING and info.value.retryable


@pytest.mark.cups
def test_missing_queue(cups_queue: str) -> None:
    p = CupsPrinter("sealroom-no-such-queue", 10)
    with pytest.raises(DeviceError) as info:
        p.print_pdf(b"%PDF-1.4\n", "t", False)
    assert info.value.code == codes.QUEUE_MISSING and info.value.retryable
    assert "sealroom-no-such-queue" in info.value.user_message()


def test_scheduler_not_running() -> None:
    """A scheduler that does not answer (nothing listens on port 9) is 'cupsd not running'."""
    p = CupsPrinter(QUEUE, 10, server="localhost:9", command_timeout=5)
    with pytest.raises(DeviceError) as info:
        p.print_pdf(b"%PDF-1.4\n", "t", False)
    assert info.value.code == codes.CUPSD_DOWN and info.value.retryable


@pytest.mark.cups
def test_timeout_removes_the_job(cups_queue: str) -> None:
    sheet = next(d for d in sample_documents() if isinstance(d, CredentialSheet))
    p = CupsPrinter(QUEUE, 0, poll_interval=0.05)
    with pytest.raises(DeviceError) as info:
        p.print_pdf(render(sheet), "Credential sheet timeout", True)
    err = info.value
    assert err.code == codes.TIMEOUT and err.retryable
    job = err.params["job"]
    assert not _job_known(job)
    num = int(job.split("-")[-1])
    assert not list(Path("/var/spool/cups").glob(f"d{num:05d}-*"))
    time.sleep(2)  # whatever cups-pdf already started must not leave a spool copy either
    assert not list(Path("/var/spool/cups").glob(f"d{num:05d}-*"))
    for f in _paper_tray().glob(f"*job_{num}.pdf"):
        f.unlink()


@pytest.mark.cups
def test_cancel_removes_the_job(cups_queue: str) -> None:
    alert = next(d for d in sample_documents() if isinstance(d, AlertSlip))
    cancel = threading.Event()
    seen: list[str] = []

    def progress(msg: str) -> None:
        seen.append(msg)
        if "accepted job" in msg:
            cancel.set()

    p = CupsPrinter(QUEUE, 30, poll_interval=0.05)
    with pytest.raises(CancelledError):
        p.print_pdf(render(alert), "Cancelled alert", False, progress=progress, cancel=cancel)
    job = re.search(r"accepted job (\S+)", " ".join(seen))
    assert job is not None and not _job_known(job.group(1))


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (PrinterStatus("idle", ("media-empty-error",), True, ""), codes.PAPER_OUT),
        (PrinterStatus("processing", ("media-needed",), True, ""), codes.PAPER_OUT),
        (PrinterStatus("stopped", ("paused",), True, "jam"), codes.STOPPED),
        (PrinterStatus("idle", (), False, ""), codes.REJECTING),
        (PrinterStatus("idle", (), True, ""), None),
    ],
)
def test_ipp_printer_states_map_to_codes(status: PrinterStatus, code: Any) -> None:
    """IPP states a PDF queue cannot produce (paper out) map to their own codes."""
    problem = printer_problem("q", status)
    assert (problem.code if problem else None) == code
