"""Every ending of a credential-sheet print leaves no copy of the sheet (real CUPS).

Endings: completed, cancelled (on the CI queue, and mid-print), timed out,
printer stopped, paper out, cupsd restarted — and cupsd gone for good, where
the printer must fail closed. After each, the whole spool tree, CUPS's
temporary folder, cups-pdf's folders and ``/tmp`` are searched for the
sheet's password (raw, and in the text of every PDF/PostScript file:
``pdftotext``, ghostscript), and CUPS's temporary folders must hold no new
file at all (a fragment of a sheet can be unreadable and still a copy).

Which printer: completed and one cancel on the CI queue (cups-pdf). A
cups-pdf job is over in well under a second, too fast to stop mid-print on
purpose, so the other endings use ``<queue>-test-hang`` and
``<queue>-test-paper-out`` (``.ci/cups-setup.sh``): the same cupsd, PPD and
filters, in front of the ``sealroom-test`` backend, which takes the first
64 KiB and then stalls — a real printer out of paper or offline, with the
filters' temporary copies open. Paper out is that backend reporting
``media-empty-error`` (a PDF queue has no paper to run out of). cupsd
restarted uses a private cupsd (``private_cupsd.py``) so that stopping it
disturbs no other test.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hardware.printing.cups import CupsPrinter
from hardware.printing.cups_leftovers import CupsFolders
from hardware.printing.render import render
from hardware.printing.samples import sample_documents
from kiosk.errors import CancelledError, DeviceError, SealroomError
from kiosk.paper import printer as codes
from kiosk.paper.documents import CredentialSheet
from kiosk.policy import load_policy
from tests.hardware.printing.private_cupsd import PrivateCupsd
from tests.leaks import CUPS_PDF, Snapshot, holds_secret, search_roots

POLICY = load_policy()
QUEUE = POLICY.print_queue
HANG = f"{QUEUE}-test-hang"
PAPER_OUT = f"{QUEUE}-test-paper-out"
MID_PRINT = "print data received"  # the stalled backend has the job's first bytes


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LC_ALL="C")
    return subprocess.run(list(args), capture_output=True, text=True, env=env, check=False)


@pytest.fixture(scope="module")
def cups_ready() -> None:
    sched = _run("lpstat", "-r").stdout
    missing = [q for q in (QUEUE, HANG, PAPER_OUT) if _run("lpstat", "-p", q).returncode != 0]
    if "is running" in sched and not missing:
        return
    why = f"scheduler: {sched.strip() or 'no answer'}; missing queues: {missing}"
    if os.environ.get("SEALROOM_REQUIRE_CUPS") == "1":
        pytest.fail(f"CUPS is required but not ready ({why}). Run .ci/cups-setup.sh as root.")
    pytest.skip(f"CUPS not set up ({why}); run .ci/cups-setup.sh")


@dataclass
class Sheet:
    pdf: bytes
    password: str


@pytest.fixture(scope="module")
def sheet() -> Iterator[Sheet]:
    """A credential sheet with a password of its own (never printed by any other run)."""
    doc = next(d for d in sample_documents() if isinstance(d, CredentialSheet))
    yield Sheet(render(doc), doc.password.reveal())
    doc.password.wipe()


def _scratch() -> list[Path]:
    """CUPS's temporary folder and cups-pdf's spool: no job may leave any file there."""
    system = CupsFolders.of_this_machine(device_uri="cups-pdf:/")
    return list(system.scratch)


@dataclass
class LeakCheck:
    """Snapshot before the print; after it, no password anywhere and nothing in the scratch."""

    before: Snapshot
    #: another scheduler's temporary folder (the private cupsd's)
    extra_scratch: list[Path] = field(default_factory=list)

    def assert_clean(self, password: str, paper_jobs: tuple[int, ...] = ()) -> None:
        for num in paper_jobs:  # the paper that came out is taken away, as a person would
            for out in CUPS_PDF.glob(f"*/*job_{num}.pdf"):
                out.unlink()
        after = Snapshot.take(search_roots())
        new = after.new_since(self.before)
        leaks = [p for p in new if holds_secret(p, password)]
        assert leaks == [], f"the password is in {leaks}"
        scratch = _scratch() + self.extra_scratch
        left = [
            p
            for p in new
            if any(s in p.parents for s in scratch) and p.exists() and p.stat().st_size > 0
        ]
        assert left == [], f"copies left in CUPS's temporary folders: {left}"


@pytest.fixture
def leak_check(cups_ready: None) -> LeakCheck:
    return LeakCheck(Snapshot.take(search_roots()))


@pytest.fixture
def stalled_queues(cups_ready: None) -> Iterator[None]:
    """Whatever a test does to the stalling queues, they end empty, enabled and accepting."""
    yield
    for q in (HANG, PAPER_OUT):
        _run("cancel", "-a", "-x", q)
        _run("cupsenable", q)
        _run("cupsaccept", q)
        # CUPS keeps a backend's printer state after the job (paper put back in, a
        # real printer would say so at its next job; this one is told).
        _run("lpadmin", "-p", q, "-o", "printer-state-reasons=none")


class Printing:
    """``print_pdf`` of a sensitive sheet on a thread, with its progress to wait on."""

    def __init__(self, printer: CupsPrinter, pdf: bytes, cancel: threading.Event) -> None:
        self.said: list[str] = []
        self.error: BaseException | None = None
        self.job = ""
        self._thread = threading.Thread(target=self._print, args=(printer, pdf, cancel))
        self._thread.start()

    def _print(self, printer: CupsPrinter, pdf: bytes, cancel: threading.Event) -> None:
        try:
            printer.print_pdf(pdf, "Credential sheet test", True, self.said.append, cancel)
        except BaseException as exc:  # handed to the test thread
            self.error = exc

    def wait_for(self, words: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(words in s for s in self.said):
            assert self._thread.is_alive(), f"print ended early: {self.error!r} {self.said}"
            assert time.monotonic() < deadline, f"never saw {words!r}: {self.said}"
            time.sleep(0.02)
        self.job = next(s for s in self.said if "accepted job" in s).split()[-1]

    def result(self, timeout: float = 90.0) -> BaseException | None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"print_pdf did not return: {self.said}"
        return self.error

    @property
    def number(self) -> int:
        return int(self.job.rsplit("-", 1)[-1])


def _gone(job: str, server: str = "localhost:631") -> bool:
    q = job.rsplit("-", 1)[0]
    return job not in _run("lpstat", "-h", server, "-W", "all", "-o", q).stdout


def _printer(queue: str, **kw: object) -> CupsPrinter:
    return CupsPrinter(queue, kw.pop("timeout", 60), poll_interval=0.1, **kw)  # type: ignore[arg-type]


@pytest.mark.cups
def test_completed(sheet: Sheet, leak_check: LeakCheck) -> None:
    result = _printer(QUEUE).print_pdf(sheet.pdf, "Credential sheet test", True)
    assert result.purged and result.spool_checked and _gone(result.job_id)
    leak_check.assert_clean(sheet.password, paper_jobs=(int(result.job_id.rsplit("-")[-1]),))


@pytest.mark.cups
def test_cancelled_on_the_ci_queue(sheet: Sheet, leak_check: LeakCheck) -> None:
    cancel = threading.Event()
    p = Printing(_printer(QUEUE), sheet.pdf, cancel)
    p.wait_for("accepted job")
    cancel.set()
    err = p.result()
    # A cups-pdf job may finish before the cancel lands: either ending is clean.
    assert err is None or isinstance(err, CancelledError), repr(err)
    assert _gone(p.job)
    leak_check.assert_clean(sheet.password, paper_jobs=(p.number,))


def _mid_print_ending(
    queue: str, sheet: Sheet, end: Callable[[Printing, threading.Event], None], **kw: object
) -> tuple[BaseException | None, Printing]:
    cancel = threading.Event()
    p = Printing(_printer(queue, **kw), sheet.pdf, cancel)
    p.wait_for(MID_PRINT)
    end(p, cancel)
    return p.result(), p


@pytest.mark.cups
def test_cancelled_mid_print(sheet: Sheet, leak_check: LeakCheck, stalled_queues: None) -> None:
    err, p = _mid_print_ending(HANG, sheet, lambda _p, cancel: cancel.set())
    assert isinstance(err, CancelledError)
    assert _gone(p.job)
    leak_check.assert_clean(sheet.password)


@pytest.mark.cups
def test_timed_out(sheet: Sheet, leak_check: LeakCheck, stalled_queues: None) -> None:
    err, p = _mid_print_ending(HANG, sheet, lambda _p, _c: None, timeout=2)
    assert isinstance(err, DeviceError) and err.code == codes.TIMEOUT, repr(err)
    assert _gone(p.job)
    leak_check.assert_clean(sheet.password)


@pytest.mark.cups
def test_printer_stopped(sheet: Sheet, leak_check: LeakCheck, stalled_queues: None) -> None:
    err, p = _mid_print_ending(
        HANG, sheet, lambda _p, _c: _run("cupsdisable", "-r", "jam in tray 2", HANG)
    )
    assert isinstance(err, DeviceError) and err.code == codes.STOPPED, repr(err)
    assert _gone(p.job)
    leak_check.assert_clean(sheet.password)


@pytest.mark.cups
def test_paper_out(sheet: Sheet, leak_check: LeakCheck, stalled_queues: None) -> None:
    _run("lpadmin", "-p", PAPER_OUT, "-o", "printer-state-reasons=none")  # a crashed run's
    cancel = threading.Event()
    p = Printing(_printer(PAPER_OUT), sheet.pdf, cancel)
    err = p.result()
    assert isinstance(err, DeviceError) and err.code == codes.PAPER_OUT, repr(err)
    p.job = next(s for s in p.said if "accepted job" in s).split()[-1]
    assert _gone(p.job)
    leak_check.assert_clean(sheet.password)


@pytest.fixture
def private_cupsd(cups_ready: None) -> Iterator[PrivateCupsd]:
    cupsd = PrivateCupsd("stall", "sealroom-test:/hang")
    cupsd.start()
    yield cupsd
    cupsd.remove()


@pytest.mark.cups
def test_cupsd_restarted(sheet: Sheet, leak_check: LeakCheck, private_cupsd: PrivateCupsd) -> None:
    leak_check.extra_scratch.append(private_cupsd.folders.temp)

    def restart(p: Printing, _c: threading.Event) -> None:
        private_cupsd.stop()
        p.wait_for("stopped answering")  # the printer noticed, and waits to purge
        private_cupsd.start()

    err, p = _mid_print_ending(
        "stall",
        sheet,
        restart,
        server=private_cupsd.server,
        folders=private_cupsd.folders,
        restart_grace_seconds=20,
    )
    # The print failed as "print service not running" (retryable): nothing is left, so
    # printing again is safe — and cupsd did not keep the job to print it a second time.
    assert isinstance(err, DeviceError) and err.code == codes.CUPSD_DOWN, repr(err)
    assert _gone(p.job, private_cupsd.server)
    leak_check.assert_clean(sheet.password)


@pytest.mark.cups
def test_cupsd_gone_fails_closed_and_the_job_is_purged_when_it_is_back(
    sheet: Sheet, leak_check: LeakCheck, private_cupsd: PrivateCupsd
) -> None:
    leak_check.extra_scratch.append(private_cupsd.folders.temp)
    printer = _printer(
        "stall",
        server=private_cupsd.server,
        folders=private_cupsd.folders,
        restart_grace_seconds=1,
        settle_seconds=1,
    )
    cancel = threading.Event()
    p = Printing(printer, sheet.pdf, cancel)
    p.wait_for(MID_PRINT)
    private_cupsd.stop()
    err = p.result()
    # The job's document is still in the stopped scheduler's spool: say so, not "try again".
    assert isinstance(err, DeviceError) and err.code == codes.SPOOL_LEFT, repr(err)
    assert not err.retryable and str(private_cupsd.folders.spool) in err.user_message()
    assert printer.unpurged == {p.number}
    # cupsd comes back (and starts the job again); the next sensitive print first purges it.
    private_cupsd.start()
    printer.timeout_seconds = 2
    with pytest.raises(SealroomError):  # the stalled printer times the new job out
        printer.print_pdf(sheet.pdf, "Credential sheet test", True)
    assert printer.unpurged == set() and _gone(p.job, private_cupsd.server)
    leak_check.assert_clean(sheet.password)
