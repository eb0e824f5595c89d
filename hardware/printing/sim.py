"""An in-memory printer for ``sealroom demo`` and UI tests (no CUPS).

Like python-tuf's RepositorySimulator, it is a documented fake that records
what it was asked to do: every call appends a :class:`SimJob` to ``jobs``
(title, sensitivity, page count, and the PDF bytes only for non-sensitive
jobs: a sensitive document is never kept, exactly like the real printer).
Failures are scripted: put error codes from :mod:`kiosk.paper.printer` into
``fail_next`` and the next calls raise them, in order, after reporting the
same progress states CUPS would.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from kiosk.errors import CancelledError, DeviceError
from kiosk.paper.printer import PrintResult, Progress


@dataclass
class SimJob:
    job_id: str
    title: str
    sensitive: bool
    size: int
    pdf: bytes | None
    state: str


@dataclass
class SimulatedPrinter:
    """A :class:`kiosk.paper.printer.Printer` that prints to a list."""

    queue: str = "sealroom"
    delay_seconds: float = 0.0
    jobs: list[SimJob] = field(default_factory=list)
    fail_next: list[str] = field(default_factory=list)

    def print_pdf(
        self,
        pdf: bytes,
        title: str,
        sensitive: bool,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> PrintResult:
        say = progress or (lambda _m: None)
        job_id = f"{self.queue}-{len(self.jobs) + 1}"
        if not pdf.startswith(b"%PDF-"):
            raise DeviceError("print.submit_failed", reason="not a PDF document")
        say(f"Printer {self.queue} is idle; sending the document")
        job = SimJob(job_id, title, sensitive, len(pdf), None if sensitive else pdf, "pending")
        self.jobs.append(job)
        say(f"Job {job_id}: processing")
        waiter = cancel or threading.Event()
        if waiter.wait(self.delay_seconds) and cancel is not None:
            job.state = "canceled"
            raise CancelledError("cancelled")
        if self.fail_next:
            code = self.fail_next.pop(0)
            job.state = "aborted"
            raise DeviceError(code, queue=self.queue, job=job_id, seconds=0, state="aborted")
        job.state = "completed"
        say(f"Job {job_id}: completed")
        return PrintResult(job_id, "completed", purged=sensitive, spool_checked=sensitive)
