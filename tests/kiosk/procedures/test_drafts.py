"""Typed answers kept across a lock, in the journal's encrypted store (issue 22).

A draft is saved, restored, cleared when its step is recorded and when its
incident ends; it survives a process restart; it holds no secret; and no
file of the data directory other than the encrypted database holds a word
of it (the data directory's files are searched for what was typed).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hardware.sim.simulation import Simulation, resume
from kiosk.journal.drafts import secret_free
from kiosk.procedures import StandDownFlow
from tests.kiosk.procedures.test_proc_rules import acknowledged

MARK = "Zebra-Quokka-7781"  # a word nobody else writes: searched for in the files


def test_a_draft_is_saved_and_restored_with_its_time(sim: Simulation) -> None:
    drafts = sim.ctx.journal.drafts
    at = dt.datetime(2026, 12, 7, 14, 2, tzinfo=dt.UTC)
    answers = {"reason": MARK, "at": at, "witness": {"name": "Robin", "role": "Facilities"}}
    drafts.save("invocation", "BG-20261207-01", "approver", answers, "2026-12-07T14:02:00Z")
    got = drafts.load("invocation", "BG-20261207-01", "approver")
    assert got is not None and got.answers == answers and got.saved == "2026-12-07T14:02:00Z"
    assert drafts.load("invocation", "BG-20261207-01", "details") is None
    assert drafts.load("invocation", "BG-20261207-02", "approver") is None


def test_a_draft_is_not_an_entry_and_not_in_the_backup(sim: Simulation) -> None:
    journal = sim.ctx.journal
    head = journal.head.seq
    journal.drafts.save("invocation", "BG-X", "details", {"reason": MARK}, "t")
    assert journal.head.seq == head
    meta, lines, _slots = journal.snapshot()
    assert MARK.encode() not in b"".join(lines) and all(
        MARK.encode() not in v for v in meta.values()
    )


def test_a_draft_survives_a_process_restart_and_nothing_plain_holds_it(
    sim: Simulation, tmp_path: Path
) -> None:
    sim.ctx.journal.drafts.save("invocation", "BG-X", "details", {"reason": MARK}, "t")
    data_dir = sim.ctx.journal.data_dir
    sim.terminal.close()
    for f in data_dir.rglob("*"):  # every file, the database and its log included
        if f.is_file():
            assert MARK.encode() not in f.read_bytes(), f"{f.name} holds the typed answer"
    again = resume(tmp_path / "sim")
    try:
        got = again.ctx.journal.drafts.load("invocation", "BG-X", "details")
        assert got is not None and got.answers == {"reason": MARK}
    finally:
        again.terminal.close()
        sim.terminal = again.terminal  # the fixture closes it again (harmless)


def test_clearing_one_step_or_a_whole_flow(sim: Simulation) -> None:
    drafts = sim.ctx.journal.drafts
    for step in ("details", "approver"):
        drafts.save("invocation", "BG-X", step, {"note": step}, "t")
    drafts.clear("invocation", "BG-X", "approver")
    assert drafts.load("invocation", "BG-X", "approver") is None
    assert drafts.load("invocation", "BG-X", "details") is not None
    drafts.clear("invocation", "BG-X")
    assert drafts.all() == []


def test_an_empty_form_keeps_nothing(sim: Simulation) -> None:
    drafts = sim.ctx.journal.drafts
    drafts.save("invocation", "BG-X", "details", {"note": "x"}, "t")
    drafts.save("invocation", "BG-X", "details", {}, "t")
    assert drafts.load("invocation", "BG-X", "details") is None


@pytest.mark.parametrize("name", ["pin", "new_pin", "key_pin", "passphrase", "password"])
def test_a_pin_or_passphrase_is_never_stored(sim: Simulation, name: str) -> None:
    drafts = sim.ctx.journal.drafts
    drafts.save("invocation", "BG-X", "details", {name: "246810", "note": MARK}, "t")
    got = drafts.load("invocation", "BG-X", "details")
    assert got is not None and got.answers == {"note": MARK}
    assert secret_free({"mapping_confirmed_by": "Ari"}) == {"mapping_confirmed_by": "Ari"}


def test_the_drafts_of_an_incident_that_ended_are_forgotten(sim: Simulation) -> None:
    incident = acknowledged(sim)
    drafts = sim.ctx.journal.drafts
    drafts.save("retrieval", incident, "checkout", {"note": MARK}, "t")
    drafts.save("invocation", "BG-NOT-YET-DECLARED", "details", {"note": MARK}, "t")
    assert drafts.prune(sim.ctx.journal.state) == 0
    result = StandDownFlow(sim.ctx, incident).submit(
        {"reason": "Normal access restored.", "confirm": True}
    )
    assert result.ok, result.errors
    assert drafts.prune(sim.ctx.journal.state) == 1
    assert drafts.load("retrieval", incident, "checkout") is None
    # a declaration not yet recorded keeps its draft: it has no incident to end
    assert drafts.load("invocation", "BG-NOT-YET-DECLARED", "details") is not None


def test_a_declaration_never_recorded_is_forgotten_a_day_later(sim: Simulation) -> None:
    drafts = sim.ctx.journal.drafts
    drafts.save(
        "invocation", "BG-20261207-09", "details", {"note": MARK}, "2026-12-07T14:02:00.000Z"
    )
    state = sim.ctx.journal.state
    assert drafts.prune(state, dt.datetime(2026, 12, 8, 13, 0, tzinfo=dt.UTC)) == 0
    assert drafts.prune(state, dt.datetime(2026, 12, 8, 14, 3, tzinfo=dt.UTC)) == 1
    assert drafts.all() == []


def test_looking_for_drafts_writes_nothing(sim: Simulation) -> None:
    """An unlock prunes drafts: with none ever kept that is a read, no write, no fsync."""
    drafts = sim.ctx.journal.drafts
    head = sim.ctx.journal.head.seq
    assert drafts.prune(sim.ctx.journal.state) == 0 and drafts.all() == []
    assert drafts.load("invocation", "BG-X", "details") is None
    assert not drafts._exists()  # the table is made by the first save only
    drafts.save("invocation", "BG-X", "details", {"note": "x"}, "t")
    assert drafts._exists() and sim.ctx.journal.head.seq == head
