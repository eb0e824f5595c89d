"""The demo's desk (issue 22): sheets printed by the procedure, the real time, stick, auditor."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from hardware.sim.desk import DemoStick, DeskPrinter, audit, build_desk
from kiosk.errors import DeviceError
from kiosk.format.clock import UTC, parse_ts
from kiosk.policy import load_policy


def test_every_demo_envelope_holds_a_sheet_printed_by_the_procedure_and_time_is_now(
    tmp_path: Path,
) -> None:
    """The demo stopped at "Scan the sheet's QR code": its envelopes had no sheets."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
    before = dt.datetime.now(UTC)
    desk = build_desk(tmp_path / "demo", load_policy())
    # its last entry is the real time: the first unlock asks for no clock confirmation
    tolerance = dt.timedelta(minutes=load_policy().clock_tolerance_minutes)
    assert before - tolerance <= parse_ts(desk.last_entry) <= dt.datetime.now(UTC)
    assert len(desk.sealed) == 6 and set(desk.sealed.values()) == {
        "entra-01",
        "entra-02",
        "dc-local",
    }
    sheets = {}
    for paper in desk.printer.papers:
        codes = dict((kind, text) for kind, text in paper.codes())
        assert paper.sensitive and codes["QRCode"].startswith("SRQ1:SHEET:")
        sheets[codes["Code128"]] = paper.qr()
    assert set(sheets) == set(desk.sealed)  # one sheet per envelope, read off the paper
    assert "audrey" in desk.owners  # an auditor is enrolled for the export
    assert not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.png"))


def test_the_desk_printer_keeps_only_papers_that_came_out() -> None:
    printer = DeskPrinter(fail_next=["print.paper_out"])
    with pytest.raises(DeviceError):
        printer.print_pdf(b"%PDF-1.4 x", "Sheet", True)
    printer.print_pdf(b"%PDF-1.4 y", "Label", False)
    assert [(p.number, p.title) for p in printer.papers] == [(1, "Label")]


def test_the_stick_is_listed_only_while_plugged_in(tmp_path: Path) -> None:
    stick = DemoStick(tmp_path / "stick")
    assert stick.volumes() == [] and stick.bundles() == []
    stick.plugged = True
    (volume,) = stick.volumes()
    assert volume.mount_point == tmp_path / "stick" and volume.removable


def test_the_auditor_refuses_what_is_not_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "kiosk.pub").write_text("ssh-ed25519 AAAA demo\n")
    code, report = audit(tmp_path / "b", tmp_path / "kiosk.pub")
    assert code != 0 and report.split(": ")[-1] != "VERIFIED"
