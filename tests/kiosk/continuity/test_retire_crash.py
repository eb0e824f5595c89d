"""A retirement stopped half-way still ends retired, and is taken up again (issue 21).

``Killed`` stands for a SIGKILL: a ``BaseException`` no step catches, so
nothing after it runs and nothing is cleaned up (the export's intent stays
on disk, as after a kill; the journal's entries are durable either way).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hardware.printing.render import render
from hardware.sim.export import AUDITOR
from hardware.sim.simulation import Simulation, resume
from kiosk.errors import ApprovalError, JournalError
from kiosk.export import DirectoryWriter
from kiosk.export.final import retire_terminal
from kiosk.format.entry import Entry
from kiosk.paper.retirement import RetirementCertificate
from kiosk.terminal.approvals import Approval
from kiosk.terminal.lifecycle import unlock_with_key
from kiosk.terminal.retire import read_note
from kiosk.verify.bundle import verify_bundle

PEOPLE = ["dana", "sam"]


class Killed(BaseException):
    """The process is gone at this point."""


class DyingStick(DirectoryWriter):
    """A stick whose write is where the process dies."""

    def write_file(self, bundle: str, name: str, data: bytes, progress: Any) -> None:
        raise Killed()


def signer(sim: Simulation, refuse: str | None = None) -> Any:
    """Each named person touches their key in turn (an auditor first for the export)."""

    def sign(approval: Approval, people: Sequence[str]) -> Entry:
        if approval.kind == refuse:
            approval.abandon()
            raise ApprovalError("approval.cancelled")
        roles = approval.roles if approval.kind == "export.approved" else (None, None)
        for who, role in zip(people[:2], roles, strict=False):
            sim.terminal.sign(approval, who, role)
        return approval.commit()

    return sign


def retire(sim: Simulation, stick: DirectoryWriter, emit: Any = lambda cert: None) -> Any:
    t = sim.terminal
    return retire_terminal(
        sim.journal,
        t.policy,
        t.security_keys,
        stick,
        PEOPLE,
        "safe room closed",
        signer(sim),
        render,
        emit,
        auditor=AUDITOR.id,
    )


def crashed(sim: Simulation) -> None:
    """The process died: its lock goes with it (the journal is not otherwise touched)."""
    sim.journal._close()


def take_up(sim: Simulation) -> None:
    """``sealroom retire`` run again: its unlock lets an unfinished retirement through."""
    t = sim.terminal
    t.plug("dana")
    t.journal = unlock_with_key(sim.data_dir / "data", t.security_keys, sim.clock, retiring=True)


def test_killed_during_the_final_export(sim: Simulation, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    with pytest.raises(Killed):
        retire(sim, DyingStick(stick))
    crashed(sim)
    slots = sim.data_dir / "data" / "keyslots.json"
    with pytest.raises(JournalError) as exc:  # retired: it must not run, keys kept
        resume(sim.data_dir)
    assert exc.value.code == "terminal.retire_unfinished" and slots.exists()

    sim.later(minutes=10)  # the custodians come back with the stick
    take_up(sim)
    done = retire(sim, DirectoryWriter(stick))
    assert done.export is not None and not slots.exists()
    result = verify_bundle(done.export.path)
    assert result.ok, result.first_error
    assert "journal.retired" in {f.code for f in result.findings}
    kinds = [e.kind for e in _bundle_entries(done.export.path)]
    # the first attempt is recorded as failed (at the unlock), then approved again
    assert kinds[kinds.index("terminal.retired") :] == [
        "terminal.retired",
        "export.failed",
        "terminal.unlocked",
        "export.approved",
    ]


def test_killed_after_the_export_ends_retired_at_the_next_start(
    sim: Simulation, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()

    def printer_dies(cert: RetirementCertificate) -> None:
        raise Killed()

    with pytest.raises(Killed):
        retire(sim, DirectoryWriter(stick), printer_dies)
    crashed(sim)
    slots = sim.data_dir / "data" / "keyslots.json"
    assert slots.exists()
    with pytest.raises(JournalError) as exc:  # the next start finishes the destruction
        resume(sim.data_dir)
    assert exc.value.code == "terminal.is_retired" and not slots.exists()
    facts = read_note(sim.data_dir / "data")["facts"]
    cert = RetirementCertificate.from_facts(facts, sim.clock.now())
    (bundle,) = stick.glob("sealroom-export-*")
    last = _bundle_entries(bundle)[-1]
    assert (cert.final_seq, cert.final_hash) == (last.seq, last.hash)
    assert last.kind == "terminal.retired"
    with pytest.raises(JournalError) as exc:
        resume(sim.data_dir)
    assert exc.value.code == "terminal.is_retired"


def test_killed_between_the_note_and_the_key_slot_removal(
    sim: Simulation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.terminal.retire as retire_module

    def killed(data_dir: Path) -> None:
        raise Killed()

    with monkeypatch.context() as m:
        m.setattr(retire_module, "finish_destruction", killed)
        with pytest.raises(Killed):
            retire(sim, DirectoryWriter(tmp_path))
    slots = sim.data_dir / "data" / "keyslots.json"
    assert slots.exists() and read_note(sim.data_dir / "data")["facts"]
    with pytest.raises(JournalError) as exc:  # the next attempt finishes it
        resume(sim.data_dir)
    assert exc.value.code == "terminal.is_retired" and not slots.exists()


def test_a_refused_retirement_changes_nothing(sim: Simulation, tmp_path: Path) -> None:
    t = sim.terminal
    with pytest.raises(ApprovalError):
        retire_terminal(
            sim.journal,
            t.policy,
            t.security_keys,
            DirectoryWriter(tmp_path),
            PEOPLE,
            "safe room closed",
            signer(sim, refuse="terminal.retired"),
            render,
            lambda cert: None,
            auditor=AUDITOR.id,
        )
    last = sim.journal.head
    assert sim.journal.entry(last.seq).kind == "export.failed"  # type: ignore[union-attr]
    assert not list(tmp_path.glob("sealroom-export-*"))
    t.close()
    again = resume(sim.data_dir)  # it runs as before
    again.terminal.close()


def test_no_auditor_no_retirement(sim: Simulation, tmp_path: Path) -> None:
    t = sim.terminal
    head = sim.journal.head
    with pytest.raises(ApprovalError) as exc:
        retire_terminal(
            sim.journal,
            t.policy,
            t.security_keys,
            DirectoryWriter(tmp_path),
            PEOPLE,
            "x",
            signer(sim),
            render,
            lambda cert: None,
        )
    assert exc.value.code == "retire.no_auditor" and sim.journal.head == head


def _bundle_entries(bundle: Path) -> list[SimpleNamespace]:
    lines = (bundle / "journal.jsonl").read_text("utf-8").splitlines()
    return [SimpleNamespace(**json.loads(line)) for line in lines]
