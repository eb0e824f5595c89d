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
from kiosk.export import DirectoryWriter, export_bundle, start_export_approval
from kiosk.format.entry import Entry
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


def export_simulation(sim: Simulation, out_dir: Path) -> Path:
    """Export the simulated journal into ``out_dir`` through the real export code.

    ``out_dir`` stands for the root of an auditor's stick. The export is
    approved as on the terminal (:func:`approve_export`); the bundle is
    written by :func:`kiosk.export.export_bundle`.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    entry = approve_export(sim, str(out_dir))
    result = export_bundle(
        sim.journal, DirectoryWriter(out_dir), entry, render, timezone=sim.terminal.policy.timezone
    )
    save(sim)
    return result.path
