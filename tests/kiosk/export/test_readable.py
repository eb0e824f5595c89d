"""report.pdf and events.csv read by an auditor who never saw the terminal (issue 22).

* The report's incident block names the account and its system, the
  custodians by name and id, the witness, the approver (or the attempts),
  the reason and the envelopes, and lists the credential reset with the
  policy's 24-hour window beside the spec's deadlines (rendered PDF, read
  back with pdftotext).
* No section heading is the last thing on a page (pdftotext, page by page,
  over reports whose sections fall at every height of a page).
* events.csv says each kind in plain words, names people ("Name (id)") and
  accounts with their system, and keeps JSON out of every column but the
  last, which holds the exact payload.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.printing.render import render
from hardware.sim.export import export_simulation
from hardware.sim.scenarios import simulate
from kiosk.export.content import CSV_COLUMNS
from kiosk.format.kinds import KINDS
from kiosk.paper.documents import AuditFinding
from tests.kiosk.export.test_report_layout import _report

HEADINGS = ("Findings", "Custodians", "Accounts", "Incidents", "Envelopes")


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Real bundles of three simulated emergencies, exported as the terminal does."""
    out = {}
    for scenario in ("emergency", "unreachable-approver", "solo"):
        tmp = tmp_path_factory.mktemp(scenario)
        sim = simulate(tmp / "sim", scenario)
        try:
            out[scenario] = export_simulation(sim, tmp / "stick").path
        finally:
            sim.terminal.close()
    yield out


def _pdftotext(pdf: Path, *pages: int) -> str:
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    done = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True, text=True)
    return done.stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_incident_block_says_who_what_why_and_the_reset_window(
    bundles: dict[str, Path],
) -> None:
    text = _flat(_pdftotext(bundles["emergency"] / "report.pdf"))
    assert "Account entra-01 (Microsoft Entra ID)" in text
    assert "Declared by Dana Whitfield (dana), IT Director" in text
    assert "Second person Sam Okafor (sam), Chief Operating Officer" in text
    assert "Witness Robin Hale, Facilities Manager (present)" in text
    assert (
        "Priya Raman, Deputy IT Director: approved by phone at 2026-01-08 10:22:00 UTC; "
        "conditions: Revert the policy only; no other changes." in text
    )
    assert "Reason Conditional access change locked every administrator out" in text
    assert "Envelopes SR00010025 opened" in text
    # The policy's 24-hour reset deadline, with its window and when it was met.
    assert re.search(
        r"MET credential reset within 24 hours of opening the envelope "
        r"done 2026-01-08 13:37 · due 2026-01-09 10:32",
        text,
    ), text
    assert "credential reset within 24 hours of opening the envelope (the terminal's policy" in text

    unreachable = _flat(_pdftotext(bundles["unreachable-approver"] / "report.pdf"))
    assert (
        "not reached after 3 attempts (phone, messaging, email): emergency exception; "
        "notified afterwards 2026-01-08 11:11 UTC" in unreachable
    )
    assert "Exceptions approver-unreachable" in unreachable
    solo = _flat(_pdftotext(bundles["solo"] / "report.pdf"))
    assert "Second person none: solo access (policy exception)" in solo
    assert "Account dc-local (Domain Controller)" in solo
    # The accounts table names the authorised people (its cells wrap: read in stream order).
    raw = subprocess.run(
        ["pdftotext", "-raw", str(bundles["emergency"] / "report.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Dana Whitfield (dana), Sam Okafor (sam), Lee Park (lee)" in _flat(raw)


def test_no_heading_is_the_last_line_of_a_page(tmp_path: Path) -> None:
    """Sections fall at every height of a page as the findings grow; none is stranded."""
    pdf = tmp_path / "report.pdf"
    base = _report(incidents=3, envelopes=30)
    checked_breaks = 0
    for n in range(0, 44, 1):
        findings = tuple(AuditFinding("review", f"finding number {i}") for i in range(n))
        pdf.write_bytes(render(dataclasses.replace(base, findings=findings)))
        pages = _pdftotext(pdf).split("\f")
        for page in pages:
            lines = [x.strip() for x in page.splitlines() if x.strip()]
            footer = next(
                (i for i, x in enumerate(lines) if re.search(r"Page \d+ of \d+$", x)), None
            )
            if footer is None or footer == 0:
                continue
            checked_breaks += 1
            assert lines[footer - 1] not in HEADINGS, (n, lines[footer - 3 : footer])
    assert checked_breaks > 60


def _csv(bundle: Path) -> list[dict[str, str]]:
    text = (bundle / "events.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_events_csv_is_in_plain_words_with_names(bundles: dict[str, Path]) -> None:
    for bundle in bundles.values():
        rows = _csv(bundle)
        assert tuple(rows[0].keys()) == CSV_COLUMNS
        journal = [json.loads(x) for x in (bundle / "journal.jsonl").read_bytes().splitlines()]
        assert [int(r["seq"]) for r in rows] == [e["seq"] for e in journal]
        names = {
            e["data"]["custodian"]: e["data"]["name"]
            for e in journal
            if e["kind"] == "custodian.enrolled"
        }
        plain = [c for c in CSV_COLUMNS if c != "data (JSON, exact)"]
        for row, entry in zip(rows, journal, strict=True):
            for column in plain:
                assert not set(row[column]) & set("{}[]"), (column, row[column])
            # The exact payload is still there, in the last column.
            assert json.loads(row["data (JSON, exact)"]) == entry["data"]
            assert row["kind"] == entry["kind"] and row["kind"] in KINDS
            assert row["what"] and row["what"] != row["kind"] and "." not in row["what"]
            signers = [a["custodian"] for a in entry["attest"]]
            assert row["approved with keys by"] == ", ".join(f"{names[s]} ({s})" for s in signers)
            # A person's id never stands alone where the journal names them.
            for cid, name in names.items():
                for column in plain:
                    bare = re.sub(rf"\({re.escape(cid)}\)", "", row[column])
                    if column not in ("seq", "entry hash"):
                        assert not re.search(rf"(?<![\w@.-]){re.escape(cid)}(?![\w@.-])", bare), (
                            column,
                            row[column],
                        )
                    assert f"{name} ({cid})" in row[column] or cid not in bare
        declared = next(r for r in rows if r["kind"] == "invocation.declared")
        assert declared["what"].startswith("The emergency declaration")
        assert declared["system"] and declared["account"]
        assert "declared by: Dana Whitfield (dana), IT Director" in declared["details"]
        assert "reason: Conditional access change" in declared["details"]
        opened = next(r for r in rows if r["kind"] == "envelope.opened")
        assert opened["account"] and opened["system"]  # from the envelope's registration
        assert opened["time (UTC)"] == next(
            f"{e['ts'][:10]} {e['ts'][11:23]}" for e in journal if e["kind"] == "envelope.opened"
        )
