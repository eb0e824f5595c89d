"""The printer as the core sees it: one call that returns only when paper came out.

The core never talks to CUPS; it calls a :class:`Printer` (``hardware.printing.cups.CupsPrinter``
on the terminal, ``hardware.printing.sim.SimulatedPrinter`` in demos and tests).

Invariants every implementation keeps:

* ``print_pdf`` returns a :class:`PrintResult` only when the print system
  reports the job **completed**; anything else is a :class:`~kiosk.errors.DeviceError`
  with one of the codes below (or :class:`~kiosk.errors.CancelledError`
  when ``cancel`` was set). A job that failed or was cancelled is removed
  from the queue so that a retry cannot print the sheet twice.
* When ``sensitive`` is true (credential and commissioning sheets), the
  document is handed over without a temporary file, and no copy of it
  remains in the print system after the call — neither in the spool nor in
  the temporary files of its filters and backends — whatever the outcome;
  an implementation that cannot make sure of that raises
  ``print.spool_left`` (instead of the outcome's own error), and the
  procedure raises the alert ``print.copy_left``.
* ``progress`` receives short human-readable states as the print system
  reports them (never the document content).
* ``title`` is shown in the print queue: it must never contain a secret.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

# Error codes (words in kiosk/errors/messages/printing.py).
CUPSD_DOWN = "print.cupsd_down"
QUEUE_MISSING = "print.queue_missing"
STOPPED = "print.stopped"
PAPER_OUT = "print.paper_out"
REJECTING = "print.rejecting"
TIMEOUT = "print.timeout"
JOB_FAILED = "print.job_failed"
SUBMIT_FAILED = "print.submit_failed"
TOOLS_MISSING = "print.tools_missing"
SPOOL_LEFT = "print.spool_left"

ERROR_CODES = (
    CUPSD_DOWN,
    QUEUE_MISSING,
    STOPPED,
    PAPER_OUT,
    REJECTING,
    TIMEOUT,
    JOB_FAILED,
    SUBMIT_FAILED,
    TOOLS_MISSING,
    SPOOL_LEFT,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class PrintResult:
    """A completed job.

    ``spool_checked`` says whether the implementation could look into the
    spool to confirm no document file of the job remains (only meaningful for
    sensitive jobs; ``purged`` says the job was purged from the job history).
    """

    job_id: str
    state: str
    purged: bool = False
    spool_checked: bool = False


class Printer(Protocol):
    """Something that can put a PDF on paper."""

    def print_pdf(
        self,
        pdf: bytes,
        title: str,
        sensitive: bool,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> PrintResult:
        """Print ``pdf`` and wait for completion; see the module invariants."""
        ...
