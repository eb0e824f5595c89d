"""Bundles of every named `sealroom simulate` scenario verify, with our verifier and ssh-keygen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hardware.sim.export import export_simulation
from hardware.sim.scenarios import SCENARIOS, simulate
from kiosk.verify import verify_bundle
from tests.bundle_tools import ssh_verify


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_simulated_scenario_exports_a_bundle_that_verifies(tmp_path: Path, scenario: str) -> None:
    sim = simulate(tmp_path / "sim", scenario)
    try:
        bundle = export_simulation(sim, tmp_path / "stick").path
        created = sim.journal.state.kinds_seen.get("export.created", 0)
    finally:
        sim.terminal.close()
    assert created == 1
    kiosk_pub = (tmp_path / "sim" / "kiosk.pub").read_text().strip()
    result = verify_bundle(bundle, trusted_keys=[kiosk_pub])
    assert result.ok, [e.message for e in result.errors]
    if scenario == "tampered":
        assert any("tamper" in f.message.lower() for f in result.findings)
    if scenario == "solo":
        assert any("exception" in f.code for f in result.findings)
    out = ssh_verify(bundle, kiosk_pub, "safe-room-1")
    assert out.returncode == 0, out.stderr
    assert b"Good" in out.stdout


def test_cli_simulate_with_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The head printed is the bundle's (an auditor's anchor), and the terminal's is told apart."""
    from ui.cli import main

    rc = main(
        [
            "simulate",
            "--data",
            str(tmp_path / "s"),
            "--scenario",
            "drill",
            "--export",
            str(tmp_path / "usb"),
        ]
    )
    assert rc == 0
    bundles = list((tmp_path / "usb").glob("sealroom-export-safe-room-1-*"))
    assert len(bundles) == 1 and (bundles[0] / "manifest.json.sig").exists()
    head = json.loads((bundles[0] / "manifest.json").read_bytes())["head"]
    out = capsys.readouterr().out
    assert f"It holds entries 1 to {head['seq']}, head {head['seq']}:{head['hash']}" in out
    assert "export recorded custodian.enrolled, export.approved before writing it" in out
    n = head["seq"] + 1
    assert f"The terminal's journal now ends at entry {n}, head {n}:" in out
    assert "export.created is recorded after the bundle is written" in out
    scenario = out.splitlines()[0]  # the scenario's own head, before the export's entries
    assert scenario.startswith(f"Simulated terminal in {tmp_path / 's'}: {head['seq'] - 2} entries")
    assert main(["verify", str(bundles[0]), "--kiosk-key", str(tmp_path / "s" / "kiosk.pub")]) == 0
