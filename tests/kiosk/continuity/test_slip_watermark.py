"""The slips watermark never moves back, even when two slips settle at once.

A reprinted slip settles on a worker while the delivery thread settles a
newer alert's slip; if the older number were written last, a crash would
make the next unlock print the newer slip again (and, worse, think the
older outcome unknown).
"""

from __future__ import annotations

import threading

import pytest

from hardware.sim.simulation import Simulation
from kiosk.journal.intents import for_journal
from kiosk.terminal import repair


def _mark(sim: Simulation) -> int | None:
    return repair._watermark(for_journal(sim.terminal.journal))


def test_two_slips_settling_together_leave_the_newer_mark(
    sim: Simulation, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = sim.terminal.journal
    base = (_mark(sim) or 0) + 100  # beyond what the simulation's unlocks settled
    repair.settle_slip(journal, base)
    real = repair._watermark
    older_has_read = threading.Event()
    newer_done = threading.Event()

    def slow_read(intents: object) -> int | None:
        value = real(intents)  # type: ignore[arg-type]
        if threading.current_thread().name == "older":
            older_has_read.set()
            newer_done.wait(0.5)  # without the lock the newer one writes meanwhile
        return value

    monkeypatch.setattr(repair, "_watermark", slow_read)
    older = threading.Thread(target=repair.settle_slip, args=(journal, base + 1), name="older")
    older.start()
    assert older_has_read.wait(5)
    newer = threading.Thread(target=repair.settle_slip, args=(journal, base + 2), name="newer")
    newer.start()
    newer.join(0.2)  # with the lock it waits for the older one
    newer_done.set()
    older.join(5)
    newer.join(5)
    monkeypatch.setattr(repair, "_watermark", real)
    assert _mark(sim) == base + 2


def test_an_older_slip_never_moves_the_mark_back(sim: Simulation) -> None:
    journal = sim.terminal.journal
    base = (_mark(sim) or 0) + 100
    repair.settle_slip(journal, base)
    repair.settle_slip(journal, base - 5)
    assert _mark(sim) == base
