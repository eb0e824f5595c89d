"""The real printer: a CUPS queue, driven with CUPS's own command-line tools.

Why the command-line tools and not a Python binding: ``lp``, ``lpstat`` and
``ipptool`` ship with every CUPS install (Debian ``cups-client``,
``cups-ipp-utils``), are maintained with CUPS itself, and speak IPP for us;
``pycups`` needs a C build against libcups and lags behind. Every call uses a
full argument list (never a shell), ``LC_ALL=C`` so messages can be parsed,
and a timeout.

Invariants (on top of :mod:`kiosk.paper.printer`'s):

* Before submitting, the scheduler is checked (``lpstat -r``) and the queue
  queried over IPP (``Get-Printer-Attributes``): a stopped queue, a queue
  out of paper (``media-empty``/``media-needed``), a queue rejecting jobs,
  a missing queue or a scheduler that is down each raise their own retryable
  code *before* any document leaves the process.
* The PDF goes to ``lp`` on **stdin**: no temporary file is ever written.
* A job counts as printed only when IPP ``job-state`` says ``completed``.
  Progress callbacks receive CUPS's own job and printer states.
* Any failure after submission (stopped printer, paper out, timeout,
  cancel, job aborted) cancels **and purges** the job (IPP ``Cancel-Job``
  with ``purge-job``), so a retry never prints the sheet twice and no
  document file stays behind.
* Sensitive jobs are purged after completion too, and the spool directory
  is checked for the job's ``d<job>-NNN`` document files; if one is left,
  ``print.spool_left`` is raised. CUPS itself must run with
  ``PreserveJobFiles No`` (``.ci/cups-setup.sh`` and the appliance
  packaging set it); purging covers a server that does not.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import CancelledError, DeviceError
from kiosk.paper import printer as codes
from kiosk.paper.printer import PrintResult, Progress
from kiosk.policy import Policy

_JOB_ID_RE = re.compile(r"request id is (?P<name>\S+?)-(?P<num>\d+) ")
_PAPER_REASONS = ("media-empty", "media-needed", "media-jam", "input-tray-missing")

_PRINTER_TEST = """{
 NAME "sealroom printer state"
 OPERATION Get-Printer-Attributes
 GROUP operation-attributes-tag
 ATTR charset attributes-charset utf-8
 ATTR naturalLanguage attributes-natural-language en
 ATTR uri printer-uri $uri
 ATTR name requesting-user-name $user
 ATTR keyword requested-attributes printer-state,printer-state-reasons,\
printer-is-accepting-jobs,printer-state-message
 STATUS successful-ok
 DISPLAY printer-state
 DISPLAY printer-state-reasons
 DISPLAY printer-is-accepting-jobs
 DISPLAY printer-state-message
}
"""

_JOB_TEST = """{
 NAME "sealroom job state"
 OPERATION Get-Job-Attributes
 GROUP operation-attributes-tag
 ATTR charset attributes-charset utf-8
 ATTR naturalLanguage attributes-natural-language en
 ATTR uri printer-uri $uri
 ATTR integer job-id $job_id
 ATTR name requesting-user-name $user
 ATTR keyword requested-attributes job-state,job-state-reasons,job-printer-state-message
 STATUS successful-ok
 DISPLAY job-state
 DISPLAY job-state-reasons
 DISPLAY job-printer-state-message
}
"""

_PURGE_TEST = """{
 NAME "sealroom purge job"
 OPERATION Cancel-Job
 GROUP operation-attributes-tag
 ATTR charset attributes-charset utf-8
 ATTR naturalLanguage attributes-natural-language en
 ATTR uri printer-uri $uri
 ATTR integer job-id $job_id
 ATTR name requesting-user-name $user
 ATTR boolean purge-job true
 STATUS successful-ok
}
"""


@dataclass(frozen=True)
class PrinterStatus:
    """What IPP says about the queue."""

    state: str
    reasons: tuple[str, ...]
    accepting: bool
    message: str


@dataclass(frozen=True)
class JobStatus:
    state: str
    reasons: tuple[str, ...]
    message: str


def parse_ipptool_csv(text: str) -> list[dict[str, str]]:
    """Rows of ``ipptool -c`` output (header line, then one line per response)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if r]


def _reasons(value: str) -> tuple[str, ...]:
    return tuple(r.strip() for r in value.split(",") if r.strip() and r.strip() != "none")


def printer_problem(queue: str, status: PrinterStatus) -> DeviceError | None:
    """The error a printer status means, or ``None`` if the queue can print.

    Kept separate from I/O so the mapping from IPP states to our codes can be
    tested for states a PDF queue cannot produce (paper out).
    """
    if any(r.startswith(_PAPER_REASONS) for r in status.reasons):
        return DeviceError(codes.PAPER_OUT, queue=queue)
    if status.state == "stopped":
        detail = f" ({status.message})" if status.message else ""
        return DeviceError(codes.STOPPED, queue=queue, detail=detail)
    if not status.accepting:
        return DeviceError(codes.REJECTING, queue=queue)
    return None


class CupsPrinter:
    """A :class:`kiosk.paper.printer.Printer` that prints through a CUPS queue.

    ``server`` is ``host[:port]`` of the scheduler (the terminal's own,
    ``localhost:631``). ``spool_dir`` is where cupsd keeps document files.
    """

    def __init__(
        self,
        queue: str,
        timeout_seconds: float,
        *,
        server: str = "localhost:631",
        poll_interval: float = 0.2,
        spool_dir: Path = Path("/var/spool/cups"),
        command_timeout: float = 15.0,
    ) -> None:
        self.queue = queue
        self.timeout_seconds = timeout_seconds
        self.server = server
        self.poll_interval = poll_interval
        self.spool_dir = spool_dir
        self.command_timeout = command_timeout

    @classmethod
    def from_policy(cls, policy: Policy, **kwargs: object) -> CupsPrinter:
        """The queue and job timeout named in the policy's ``[printing]`` section."""
        return cls(policy.print_queue, policy.print_timeout_seconds, **kwargs)  # type: ignore[arg-type]

    # -- plumbing -------------------------------------------------------------
    @property
    def _uri(self) -> str:
        return f"ipp://{self.server}/printers/{self.queue}"

    def _tool(self, name: str) -> str:
        path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
        if path is None:
            raise DeviceError(codes.TOOLS_MISSING, tool=name)
        return path

    def _run(
        self, args: list[str], stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        env = dict(os.environ, LC_ALL="C", LANG="C", LANGUAGE="C")
        try:
            return subprocess.run(  # noqa: S603 - fixed tool path and argument list
                args,
                input=stdin if stdin is not None else b"",
                capture_output=True,
                timeout=self.command_timeout,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise DeviceError(codes.CUPSD_DOWN) from exc
        except OSError as exc:
            raise DeviceError(codes.TOOLS_MISSING, tool=args[0]) from exc

    def _ipp(self, test: str, variables: Mapping[str, str] | None = None) -> tuple[int, str]:
        args = [self._tool("ipptool"), "-c", "-T", str(int(self.command_timeout))]
        for k, v in (variables or {}).items():
            args += ["-d", f"{k}={v}"]
        args += [self._uri, "/dev/stdin"]
        proc = self._run(args, stdin=test.encode())
        return proc.returncode, proc.stdout.decode("utf-8", "replace") + proc.stderr.decode(
            "utf-8", "replace"
        )

    # -- queries ----------------------------------------------------------------
    def check_scheduler(self) -> None:
        """Raise ``print.cupsd_down`` unless the scheduler answers."""
        proc = self._run([self._tool("lpstat"), "-h", self.server, "-r"])
        if b"is running" not in proc.stdout:
            raise DeviceError(codes.CUPSD_DOWN)

    def printer_status(self) -> PrinterStatus:
        """IPP state of the queue; ``print.queue_missing`` / ``print.cupsd_down`` if unreachable."""
        rc, out = self._ipp(_PRINTER_TEST)
        rows = parse_ipptool_csv(out) if rc == 0 else []
        if rc != 0 or not rows:
            if "does not exist" in out or "not-found" in out:
                raise DeviceError(codes.QUEUE_MISSING, queue=self.queue)
            raise DeviceError(codes.CUPSD_DOWN)
        row = rows[0]
        return PrinterStatus(
            state=row.get("printer-state", ""),
            reasons=_reasons(row.get("printer-state-reasons", "")),
            accepting=row.get("printer-is-accepting-jobs", "true") == "true",
            message=row.get("printer-state-message", ""),
        )

    def job_status(self, job_number: int) -> JobStatus:
        rc, out = self._ipp(_JOB_TEST, {"job_id": str(job_number)})
        rows = parse_ipptool_csv(out) if rc == 0 else []
        if rc != 0 or not rows:
            if "does not exist" in out or "not-found" in out:
                return JobStatus("gone", (), "")
            raise DeviceError(codes.CUPSD_DOWN)
        row = rows[0]
        return JobStatus(
            row.get("job-state", ""),
            _reasons(row.get("job-state-reasons", "")),
            row.get("job-printer-state-message", ""),
        )

    def ready(self) -> PrinterStatus:
        """Preflight: scheduler up, queue present, not stopped, paper in, accepting."""
        self.check_scheduler()
        status = self.printer_status()
        problem = printer_problem(self.queue, status)
        if problem is not None:
            raise problem
        return status

    # -- clean-up -----------------------------------------------------------------
    def purge(self, job_number: int) -> bool:
        """Cancel (if still active) and purge the job from CUPS's history and spool."""
        rc, _out = self._ipp(_PURGE_TEST, {"job_id": str(job_number)})
        return rc == 0

    def spool_files(self, job_number: int) -> list[Path] | None:
        """Document files of the job still in the spool, or ``None`` if the spool is unreadable."""
        prefix = f"d{job_number:05d}-"
        try:
            names = os.listdir(self.spool_dir)  # glob() would hide a permission error
        except OSError:
            return None
        return sorted(self.spool_dir / n for n in names if n.startswith(prefix))

    def _abandon(self, job_number: int) -> None:
        """Best effort removal of a job that will not complete.

        CUPS cancels an active job on the first ``Cancel-Job`` but keeps it in
        its history until the filters have stopped; only a job in a final
        state can be purged. So: cancel, wait (briefly) for a final state,
        purge again.
        """
        with contextlib.suppress(DeviceError):
            self.purge(job_number)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                state = self.job_status(job_number).state
                if state == "gone":
                    return
                if state in ("canceled", "aborted", "completed"):
                    self.purge(job_number)
                    if self.job_status(job_number).state == "gone":
                        return
                time.sleep(0.1)

    # -- the Printer interface ------------------------------------------------------
    def print_pdf(
        self,
        pdf: bytes,
        title: str,
        sensitive: bool,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> PrintResult:
        """Print and wait until CUPS says the job completed (see module invariants)."""
        say: Callable[[str], None] = progress or (lambda _m: None)
        if cancel is not None and cancel.is_set():
            raise CancelledError("cancelled")
        status = self.ready()
        say(f"Printer {self.queue} is {status.state}; sending the document")
        args = [
            self._tool("lp"),
            "-h",
            self.server,
            "-d",
            self.queue,
            "-t",
            title,
            "-o",
            "job-sheets=none",
            "-",
        ]
        proc = self._run(args, stdin=pdf)
        out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        m = _JOB_ID_RE.search(out)
        if proc.returncode != 0 or m is None:
            if "does not exist" in out:
                raise DeviceError(codes.QUEUE_MISSING, queue=self.queue)
            if "not accepting" in out:
                raise DeviceError(codes.REJECTING, queue=self.queue)
            reason = (
                out.strip().splitlines()[-1][:120] if out.strip() else f"exit {proc.returncode}"
            )
            raise DeviceError(codes.SUBMIT_FAILED, reason=reason)
        job = f"{m.group('name')}-{m.group('num')}"
        number = int(m.group("num"))
        say(f"CUPS accepted job {job}")
        try:
            self._wait(job, number, say, cancel)
        except BaseException:
            self._abandon(number)
            raise
        purged = False
        checked = False
        if sensitive:
            purged = self.purge(number)
            left = self.spool_files(number)
            checked = left is not None
            if left:
                raise DeviceError(codes.SPOOL_LEFT, job=job, where=str(self.spool_dir))
            if not purged:
                raise DeviceError(codes.SPOOL_LEFT, job=job, where="job history")
            say(f"Job {job}: spool copy removed")
        return PrintResult(job_id=job, state="completed", purged=purged, spool_checked=checked)

    def _wait(
        self,
        job: str,
        number: int,
        say: Callable[[str], None],
        cancel: threading.Event | None,
    ) -> None:
        deadline = time.monotonic() + self.timeout_seconds
        last = ""
        while True:
            if cancel is not None and cancel.is_set():
                raise CancelledError("cancelled")
            js = self.job_status(number)
            shown = js.state + (f" — {js.message}" if js.message else "")
            if shown != last:
                say(f"Job {job}: {shown}")
                last = shown
            if js.state == "completed":
                return
            if js.state in ("canceled", "aborted", "gone"):
                raise DeviceError(codes.JOB_FAILED, job=job, state=js.state)
            problem = printer_problem(self.queue, self.printer_status())
            if problem is None and any(r.startswith(_PAPER_REASONS) for r in js.reasons):
                problem = DeviceError(codes.PAPER_OUT, queue=self.queue)
            if problem is not None and problem.code != codes.REJECTING:
                raise problem
            if time.monotonic() >= deadline:
                raise DeviceError(codes.TIMEOUT, job=job, seconds=int(self.timeout_seconds))
            if cancel is not None:
                cancel.wait(self.poll_interval)
            else:
                time.sleep(self.poll_interval)
