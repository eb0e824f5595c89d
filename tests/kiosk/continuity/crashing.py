"""Run one step of the terminal in a child process and SIGKILL it at a chosen point.

The child resumes the simulated terminal (an unlock, as on the terminal),
performs one scenario and reports on a pipe what it *acknowledged* (a step
that returned) and what came out of the printer, the moment it came out.
It is killed by SIGKILL — a real crash, nothing runs after it — either by
itself at a kill point (before the n-th durable file write, ``fsync``; as
the printer takes the n-th job, or just after the paper came out) or by the
parent a random moment after it started (anywhere, SQLite's own writes
included).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kiosk.procedures.context as context_module
from hardware.process import harden_process
from hardware.sim.export import AUDITOR
from hardware.sim.simulation import Simulation, resume, save
from kiosk.export import DirectoryWriter, export_bundle, start_export_approval
from kiosk.procedures import SealNewEnvelopeFlow
from kiosk.terminal.enrolment import Person

Report = Callable[[str], None]


@dataclass(frozen=True)
class KillAt:
    """Where the child dies: ``fsync`` n, ``print`` n (``after`` the paper), or ``time``."""

    how: str
    n: int = 0
    after: bool = False
    delay: float = 0.0


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(sim: Simulation, kill: KillAt, report: Report) -> None:
    fsyncs = [0]
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        fsyncs[0] += 1
        if kill.how == "fsync" and fsyncs[0] == kill.n:
            _die()
        real_fsync(fd)

    os.fsync = fsync
    slip_of: dict[str, int] = {}
    real_slip = context_module.alert_slip

    def alert_slip(raised: Any, *args: Any, **kw: Any) -> Any:
        slip_of["seq"] = raised.seq
        return real_slip(raised, *args, **kw)

    context_module.alert_slip = alert_slip  # type: ignore[assignment]
    printer = sim.printer
    real_print = printer.print_pdf
    jobs = [0]

    def print_pdf(pdf: bytes, title: str, sensitive: bool, *a: Any, **kw: Any) -> Any:
        jobs[0] += 1
        pending = sim.journal.pending
        what = (
            f"sheet {pending.seq}"
            if pending is not None and pending.draft().kind == "sheet.printed"
            else f"slip {slip_of.get('seq', 0)}"
            if "lert" in title
            else "other 0"
        )
        if kill.how == "print" and jobs[0] == kill.n and not kill.after:
            _die()
        result = real_print(pdf, title, sensitive, *a, **kw)
        report(f"paper {what}")
        if kill.how == "print" and jobs[0] == kill.n and kill.after:
            _die()
        return result

    printer.print_pdf = print_pdf  # type: ignore[method-assign]


def enrol(sim: Simulation, report: Report, tag: str) -> None:
    person = Person(f"eve{tag}", f"Eve {tag}", "Operator")
    sim.terminal.enrol(person)
    report(f"enrolled {person.id}")


def sheet(sim: Simulation, report: Report, tag: str) -> None:
    account = sorted(sim.journal.state.accounts)[0]
    flow = SealNewEnvelopeFlow(sim.ctx, account, sim.signers(account))
    bag = sim.blank()
    sim.step(flow, {"serial": sim.scan(bag)})
    sim.step(flow, {"confirm": True})
    report(f"sheet {flow.info['sheet_seq']}")


def slips(sim: Simulation, report: Report, tag: str) -> None:
    for i in range(3):
        alert = sim.journal.append(
            "alert.raised", {"alert": "crash.probe", "summary": f"probe {tag} #{i}"}
        )
        report(f"alert {alert.seq}")


def export(sim: Simulation, report: Report, tag: str) -> None:
    stick = sim.data_dir.parent / "stick"
    stick.mkdir(exist_ok=True)
    t = sim.terminal
    approval = start_export_approval(sim.journal, t.policy, t.security_keys, str(stick))
    t.sign(approval, AUDITOR.id, "auditor")
    t.sign(approval, "dana", "custodian")
    entry = approval.commit()
    report(f"approved {entry.seq}")
    from hardware.printing.render import render

    result = export_bundle(sim.journal, DirectoryWriter(stick), entry, render)
    report(f"exported {result.bundle}")


SCENARIOS: dict[str, Callable[[Simulation, Report, str], None]] = {
    "enrol": enrol,
    "sheet": sheet,
    "slips": slips,
    "export": export,
}


def _child(sim_dir: Path, scenario: str, kill: KillAt, tag: str, fd: int) -> None:
    harden_process()

    def report(line: str) -> None:
        os.write(fd, (line + "\n").encode())

    sim = resume(sim_dir)
    _arm(sim, kill, report)
    report("ready")
    SCENARIOS[scenario](sim, report, tag)
    report("done")


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def run(sim_dir: Path, scenario: str, kill: KillAt, tag: str) -> tuple[list[str], float]:
    """Run ``scenario`` in a child killed at ``kill``: the lines it reported, and how long
    it ran after it was ready (``KillAt("none")`` is not killed: a calibration run)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            _child(sim_dir, scenario, kill, tag, w)
        finally:
            os._exit(0)
    os.close(w)
    buf = b""
    while b"ready\n" not in buf:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        buf += chunk
    ready = time.monotonic()
    if kill.how == "time":
        time.sleep(kill.delay)
        os.kill(pid, signal.SIGKILL)
    buf += _read_all(r)
    ran = time.monotonic() - ready
    os.waitpid(pid, 0)
    os.close(r)
    return buf.decode().splitlines(), ran


def step_clock(sim_dir: Path) -> None:
    """Move the saved simulation's clock on, beyond anything the child writes (it does not)."""
    sim = resume(sim_dir)
    try:
        sim.later(minutes=10)
        save(sim)
    finally:
        sim.terminal.close()
