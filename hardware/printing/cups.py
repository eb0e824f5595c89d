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
* A scheduler that goes away mid-job (cupsd restarted) is waited for, up to
  ``restart_grace_seconds``, and the job purged when it answers again:
  otherwise cupsd would print the job again when it comes back.
* Sensitive jobs are purged after completion too. After **every** ending of
  a sensitive job — completed, cancelled, timed out, printer stopped, paper
  out, cupsd restarted — the spool is checked for the job's ``d<job>-NNN``
  document files and CUPS's temporary folder (and a cups-pdf queue's own
  spool) is swept of the copies filters and backends leave there
  (:mod:`hardware.printing.cups_leftovers` says which and why they are
  this job's). Whatever cannot be checked or removed raises
  ``print.spool_left`` (not retryable: the procedure raises an alert) in
  place of the job's own outcome. Any other job that does not complete is
  swept after too, without failing (it holds no secret, but its copies
  would pile up). CUPS itself must run with
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

from hardware.printing.cups_leftovers import CupsFolders, Sweep, job_documents, sweep
from kiosk.errors import CancelledError, DeviceError
from kiosk.paper import printer as codes
from kiosk.paper.printer import PrintResult, Progress
from kiosk.policy import Policy

#: how long a cancelled job's filters get to stop before it is given up as unpurgeable
STOP_SECONDS = 10.0
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

_PRINTERS_TEST = """{
 NAME "sealroom printers busy"
 OPERATION CUPS-Get-Printers
 GROUP operation-attributes-tag
 ATTR charset attributes-charset utf-8
 ATTR naturalLanguage attributes-natural-language en
 ATTR name requesting-user-name $user
 ATTR keyword requested-attributes printer-name,printer-state
 STATUS successful-ok
 DISPLAY printer-name
 DISPLAY printer-state
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
    ``localhost:631``). ``folders`` are where that scheduler keeps copies of
    documents (by default read from this machine's ``cups-files.conf``, plus
    cups-pdf's spool for a cups-pdf queue). ``settle_seconds`` bounds the
    wait for the printers to stop processing before a sweep;
    ``restart_grace_seconds`` the wait for a scheduler that went away.
    """

    def __init__(
        self,
        queue: str,
        timeout_seconds: float,
        *,
        server: str = "localhost:631",
        poll_interval: float = 0.2,
        folders: CupsFolders | None = None,
        command_timeout: float = 15.0,
        settle_seconds: float = 30.0,
        restart_grace_seconds: float = 30.0,
    ) -> None:
        self.queue = queue
        self.timeout_seconds = timeout_seconds
        self.server = server
        self.poll_interval = poll_interval
        self._folders = folders
        self.command_timeout = command_timeout
        self.settle_seconds = settle_seconds
        self.restart_grace_seconds = restart_grace_seconds
        #: sensitive jobs this printer could not purge (cupsd gone): purged before the next one
        self.unpurged: set[int] = set()

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

    def device_uri(self) -> str | None:
        """The queue's device URI (``lpstat -v``), or ``None`` if the scheduler will not say."""
        proc = self._run([self._tool("lpstat"), "-h", self.server, "-v", self.queue])
        out = proc.stdout.decode("utf-8", "replace")
        prefix = f"device for {self.queue}: "
        for line in out.splitlines():
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
        return None

    @property
    def folders(self) -> CupsFolders:
        """Where the scheduler keeps copies of documents (asked once, on first use)."""
        if self._folders is None:
            self._folders = CupsFolders.of_this_machine(device_uri=self.device_uri())
        return self._folders

    def busy(self) -> bool:
        """Whether any printer of the scheduler is processing a job (``print.cupsd_down``)."""
        args = [self._tool("ipptool"), "-c", "-T", str(int(self.command_timeout))]
        args += [f"ipp://{self.server}/", "/dev/stdin"]
        proc = self._run(args, stdin=_PRINTERS_TEST.encode())
        if proc.returncode != 0:
            raise DeviceError(codes.CUPSD_DOWN)
        rows = parse_ipptool_csv(proc.stdout.decode("utf-8", "replace"))
        return any(row.get("printer-state") == "processing" for row in rows)

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

    def _abandon(self, job_number: int) -> bool:
        """Cancel and purge a job that will not complete; True once CUPS no longer has it.

        CUPS cancels an active job on the first ``Cancel-Job`` but keeps it
        until its filters have stopped; only a job in a final state can be
        purged. So: cancel, and purge again until the job is gone (up to
        :data:`STOP_SECONDS`). A scheduler that does not answer (cupsd
        restarting) is waited for up to ``restart_grace_seconds``: left
        alone, it would print the job again when it is back. A job that could
        not be purged is remembered in :attr:`unpurged`.
        """
        deadline = time.monotonic() + STOP_SECONDS
        down_until: float | None = None
        while True:
            try:
                if self.job_status(job_number).state == "gone":
                    self.unpurged.discard(job_number)
                    return True
                self.purge(job_number)
                if self.job_status(job_number).state == "gone":
                    self.unpurged.discard(job_number)
                    return True
                if down_until is not None:  # back: the job gets its time to stop
                    down_until = None
                    deadline = time.monotonic() + STOP_SECONDS
                give_up = time.monotonic() >= deadline
            except DeviceError:  # no answer
                if down_until is None:
                    down_until = time.monotonic() + self.restart_grace_seconds
                give_up = time.monotonic() >= down_until
            if give_up:
                self.unpurged.add(job_number)
                return False
            time.sleep(0.1)

    def sweep(self, wait_seconds: float | None = None) -> Sweep:
        """Remove what ended jobs left in CUPS's temporary folders (see ``cups_leftovers``)."""
        return sweep(
            self.folders.scratch,
            self.busy,
            wait_seconds=self.settle_seconds if wait_seconds is None else wait_seconds,
            poll=min(self.poll_interval, 0.2),
        )

    def _tidy_before_sensitive(self) -> None:
        """Before a sensitive job: purge jobs left unpurged, sweep leftovers (best effort).

        A failure here was already reported when the earlier job ended; this
        only keeps an earlier crash's copies from waiting for the next sweep.
        """
        for number in sorted(self.unpurged):
            self._abandon(number)
        with contextlib.suppress(DeviceError):
            self.sweep(wait_seconds=0)

    def _make_sure_nothing_is_left(self, job: str, number: int) -> None:
        """After any ending of a sensitive job: no document file, no temporary copy, or raise."""
        spool = self.folders.spool
        docs = job_documents(spool, number)
        if docs is None:
            raise DeviceError(codes.SPOOL_LEFT, job=job, where=f"{spool} cannot be searched")
        if docs:
            raise DeviceError(codes.SPOOL_LEFT, job=job, where=str(spool))
        try:
            result = self.sweep()
        except DeviceError:  # the scheduler is gone: no one can say which copies are in use
            result = Sweep()
        if not result.idle:
            where = ", ".join(str(p) for p in self.folders.scratch)
            raise DeviceError(codes.SPOOL_LEFT, job=job, where=f"{where} (print service busy)")
        if not result.clean:
            raise DeviceError(codes.SPOOL_LEFT, job=job, where=result.where())

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
        if sensitive:
            self._tidy_before_sensitive()
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
        except BaseException as ended:
            if isinstance(ended, DeviceError) and ended.code == codes.CUPSD_DOWN:
                say(f"Job {job}: the print service stopped answering; waiting to remove the job")
            self._abandon(number)
            if sensitive:
                try:
                    self._make_sure_nothing_is_left(job, number)
                except DeviceError as left:
                    raise left from ended
            else:  # nothing secret in it, but its filters' copies are not left to pile up
                with contextlib.suppress(DeviceError):
                    self.sweep()
            raise
        purged = False
        if sensitive:
            purged = self._abandon(number)  # a completed job: purged from the history
            self._make_sure_nothing_is_left(job, number)
            if not purged:
                raise DeviceError(codes.SPOOL_LEFT, job=job, where="job history")
            say(f"Job {job}: spool and temporary copies removed")
        return PrintResult(job_id=job, state="completed", purged=purged, spool_checked=sensitive)

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
