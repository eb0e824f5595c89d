"""An auditor's export of a simulated journal, approved and written as on the terminal.

``sealroom simulate --export DIR`` and the export benchmark hook in here: the
bundle comes from the real export code (:func:`kiosk.export.export_bundle`),
approved by an enrolled auditor and a custodian touching their simulated keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from hardware.printing.render import render
from hardware.sim.simulation import Simulation, save
from kiosk.export import DirectoryWriter, ExportResult, export_bundle, start_export_approval
from kiosk.format.entry import Entry
from kiosk.journal.store import Head
from kiosk.terminal.enrolment import Person

AUDITOR: Final = Person("audrey", "Audrey Kim", "Internal Auditor", ("auditor",))


def approve_export(sim: Simulation, volume: str) -> Entry:
    """The ``export.approved`` entry for an export onto ``volume``, as on the terminal.

    An enrolled auditor (enrolled here, under dual control, if the
    simulation has none yet) and a custodian each touch their simulated key.
    """
    t = sim.terminal
    if AUDITOR.id not in t.custodians:
        sim.later(minutes=5)
        t.enrol(AUDITOR)
    sim.later(minutes=5)
    approval = start_export_approval(sim.journal, t.policy, t.security_keys, volume)
    try:
        t.sign(approval, AUDITOR.id, "auditor")
        t.sign(approval, "dana", "custodian")
        return approval.commit()
    except BaseException:
        approval.abandon()
        raise


def export_simulation(sim: Simulation, out_dir: Path) -> ExportResult:
    """Export the simulated journal into ``out_dir`` through the real export code.

    ``out_dir`` stands for the root of an auditor's stick. The export is
    approved as on the terminal (:func:`approve_export`); the bundle is
    written by :func:`kiosk.export.export_bundle`. The result says which
    head the bundle holds (``entries``, ``head_hash``): not the head the
    simulation ended at, since the approval is recorded first, nor the
    terminal's head afterwards, since ``export.created`` follows the bundle.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    entry = approve_export(sim, str(out_dir))
    result = export_bundle(
        sim.journal,
        DirectoryWriter(out_dir),
        entry,
        render,
        policy=sim.terminal.policy,
    )
    save(sim)
    return result


def export_lines(sim: Simulation, result: ExportResult, before: Head) -> list[str]:
    """What ``sealroom simulate --export`` says: the head the bundle holds, and why it differs.

    ``before`` is the head the simulated scenario ended at. The auditor
    compares the bundle's head (an anchor) with what the command printed, so
    it is the bundle's head that is printed in full; the terminal's own head
    is said too when it differs, with the reason.
    """
    added = [e.kind for e in sim.journal.entries(before.seq + 1) if e.seq <= result.entries]
    lines = [
        f"Audit bundle written: {result.path}",
        f"  It holds entries 1 to {result.entries}, head {result.entries}:{result.head_hash}",
    ]
    if added:
        lines.append(
            f"  (after the scenario's {before.seq} entries, the export recorded "
            f"{', '.join(added)} before writing it)."
        )
    now = sim.journal.head
    if now.seq != result.entries:
        lines.append(
            f"  The terminal's journal now ends at entry {now.seq}, head {now.seq}:{now.hash}: "
            f"{result.entry.kind} is recorded after the bundle is written, so it will be in "
            "the next bundle."
        )
    return lines
