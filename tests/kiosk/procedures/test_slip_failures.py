"""Alert slips that do not print are journaled, marked and printed again (the alarm is paper)."""

from __future__ import annotations

import threading
import time

import pytest

from hardware.sim.simulation import Simulation
from kiosk.errors import DeviceError, SealroomError, TransitionError

ALERT = {"alert": "drill.due", "summary": "Quarterly drill due"}


def kinds_after(sim: Simulation, seq: int) -> list[str]:
    return [e.kind for e in sim.journal.entries(seq + 1)]


def test_a_slip_that_does_not_print_is_journaled_at_once(sim: Simulation) -> None:
    sim.printer.fail_next.append("print.paper_out")
    alert = sim.journal.append("alert.raised", ALERT)
    failed = sim.journal.entry(alert.seq + 1)
    assert failed is not None and failed.kind == "alert.slip_failed"
    assert failed.data == {"alert_seq": alert.seq, "reason": "print.paper_out"}
    assert sim.journal.head.seq == alert.seq + 1
    marked = sim.journal.state.alerts[alert.seq]
    assert marked.slip_failed == "print.paper_out"
    assert [a.seq for a in sim.journal.state.slips_to_reprint()] == [alert.seq]
    # A slip that prints records nothing more.
    printed = sim.journal.append("alert.raised", ALERT)
    assert sim.journal.head.seq == printed.seq
    assert sim.journal.state.alerts[printed.seq].slip_failed is None
    assert sim.printer.jobs[-1].state == "completed"


def test_printing_again_is_recorded_and_clears_the_mark(sim: Simulation) -> None:
    sim.printer.fail_next.append("print.stopped")
    alert = sim.journal.append("alert.raised", ALERT)
    # Still failing: recorded again, and the person is told why.
    sim.printer.fail_next.append("print.paper_out")
    with pytest.raises(DeviceError) as exc:
        sim.ctx.reprint_slip(alert.seq)
    assert exc.value.code == "print.paper_out"
    assert kinds_after(sim, alert.seq) == ["alert.slip_failed", "alert.slip_failed"]
    assert sim.journal.state.alerts[alert.seq].slip_failed == "print.paper_out"
    # Printer fixed.
    jobs = len(sim.printer.jobs)
    done = sim.ctx.reprint_slip(alert.seq)
    assert done.kind == "alert.slip_printed" and done.data == {"alert_seq": alert.seq}
    assert sim.printer.jobs[jobs].state == "completed"
    assert f"{alert.seq}" in sim.printer.jobs[jobs].title
    assert sim.journal.state.alerts[alert.seq].slip_failed is None
    assert sim.journal.state.slips_to_reprint() == []
    # Nothing left to print: refused, nothing printed or recorded.
    head = sim.journal.head.seq
    with pytest.raises(SealroomError) as exc2:
        sim.ctx.reprint_slip(alert.seq)
    assert exc2.value.code == "procedure.no_slip_to_print"
    assert sim.journal.head.seq == head and len(sim.printer.jobs) == jobs + 1


def test_an_acknowledged_alert_no_longer_asks_for_its_slip(sim: Simulation) -> None:
    sim.printer.fail_next.append("print.paper_out")
    alert = sim.journal.append("alert.raised", ALERT)
    custodian = next(iter(sim.journal.state.custodians))
    # Acknowledged by a custodian who signs with their own key (issue 17).
    sim.ctx.acknowledge_alert(alert.seq, [custodian])
    assert sim.journal.state.slips_to_reprint() == []


def test_slip_entries_must_name_an_alert(sim: Simulation) -> None:
    head = sim.journal.head.seq
    with pytest.raises(TransitionError):
        sim.journal.append("alert.slip_failed", {"alert_seq": head, "reason": "print.stopped"})
    alert = sim.journal.append("alert.raised", ALERT)
    with pytest.raises(TransitionError):  # its slip printed: nothing to print again
        sim.journal.append("alert.slip_printed", {"alert_seq": alert.seq})


def alert_at_the_printer(sim: Simulation, raised: list[int]) -> threading.Thread:
    """Another thread raises an alert; returns once its slip is at the (slow) printer.

    The alert's seq is put in ``raised`` when that thread's append returns.
    """
    printing = threading.Thread(
        target=lambda: raised.append(sim.journal.append("alert.raised", ALERT).seq)
    )
    printing.start()
    deadline = time.monotonic() + 10
    while not sim.printer.jobs and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sim.printer.jobs, "the slip never reached the printer"
    return printing


def test_a_slow_slip_holds_up_no_other_append(sim: Simulation) -> None:
    """The slip prints outside the journal's lock; later entries' slips follow in order."""
    sim.printer.delay_seconds = 3.0
    raised: list[int] = []
    printing = alert_at_the_printer(sim, raised)
    assert sim.printer.jobs[0].state == "pending"
    # Another thread appends while the first slip is still at the printer.
    t0 = time.monotonic()
    second = sim.journal.append("alert.raised", ALERT)
    waited = time.monotonic() - t0
    assert waited < 2.0 and sim.printer.jobs[0].state == "pending"
    sim.printer.delay_seconds = 0.0  # the second slip, printed after the first, at once
    assert sim.journal.entry(second.seq) is not None  # reads are not held up either
    printing.join(timeout=10)
    # The printing thread printed the second slip too, after the first.
    assert [j.state for j in sim.printer.jobs] == ["completed", "completed"]
    first_job, second_job = sim.printer.jobs
    assert str(raised[0]) in first_job.title and str(second.seq) in second_job.title


def test_closing_waits_for_a_slip_at_the_printer_so_its_failure_is_journaled(
    sim: Simulation,
) -> None:
    """Locking the terminal while a slip prints: the slip's failure still reaches the journal."""
    sim.printer.delay_seconds = 1.0
    sim.printer.fail_next.append("print.paper_out")
    raised: list[int] = []
    printing = alert_at_the_printer(sim, raised)
    alert_seq = sim.journal.head.seq
    assert sim.journal.state.alerts[alert_seq].slip_failed is None  # still at the printer
    sim.terminal.close()  # as the idle lock does
    printing.join(timeout=10)
    reopened = sim.terminal.unlock_with_passphrase()
    # The slip's failure came before the lock; then the unlock's own record and its alert.
    kinds = [e.kind for e in reopened.entries(alert_seq + 1)]
    assert kinds == ["alert.slip_failed", "terminal.unlocked", "alert.raised"]
    assert reopened.state.alerts[alert_seq].slip_failed == "print.paper_out"
