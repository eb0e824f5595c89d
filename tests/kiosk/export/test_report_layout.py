"""report.pdf over many pages: the fixed-layout listings lose nothing at page breaks.

The audit report draws its long listings (every incident with every phase
and deadline, every envelope) as rows at fixed positions that platypus splits
between pages; these tests render a report far longer than a page and read
it back with pdftotext, so a row dropped or duplicated at a split, or a
status or detail not drawn, fails.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from hardware.printing.render import render
from kiosk.paper.documents import (
    AuditDeadline,
    AuditFinding,
    AuditIncident,
    AuditReport,
    DocumentMeta,
    InventoryAccount,
    InventoryEnvelope,
    JournalHead,
)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HEAD = "ab" * 32
STATUSES = ("met", "missed", "open", "not judged")


def _report(incidents: int, envelopes: int) -> AuditReport:
    incs = []
    for n in range(incidents):
        phases = tuple(
            (f"Phase {p}", f"2025-01-01 09:{p:02d} UTC · entry {n * 10 + p}") for p in range(7)
        )
        deadlines = (
            AuditDeadline(
                "session documentation (signed session record) within 2 hours",
                STATUSES[n % 4],
                f"detail-{n:04d}",
            ),
            AuditDeadline("post-incident review within 5 business days", "met", "done"),
        )
        incs.append(AuditIncident(f"INC-{n:04d}", n % 5 == 0, phases, deadlines))
    return AuditReport(
        meta=DocumentMeta("safe-room-1", JournalHead(9999, HEAD), NOW),
        bundle="sealroom-export-safe-room-1-20260302T090000Z",
        key_fingerprint="SHA256:" + "A" * 43,
        genesis_hash="cd" * 32,
        entries=9999,
        created_at=NOW,
        custodians=(("dana", "Dana (IT)", "active, custodian"),),
        accounts=(InventoryAccount("root-db", "DB", "Safe 1", ("dana", "sam"), None, "ready"),),
        envelopes=tuple(
            InventoryEnvelope(f"SR{n:08d}", "root-db", "sealed in the safe", NOW)
            for n in range(envelopes)
        ),
        incidents=tuple(incs),
        findings=(AuditFinding("review", "a finding to look at"),),
    )


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_every_incident_phase_deadline_and_envelope_survives_the_page_breaks(
    tmp_path: Path,
) -> None:
    incidents, envelopes = 150, 220
    text = _text(render(_report(incidents, envelopes)), tmp_path)
    pages = text.count("\f")
    assert pages > 10, pages
    assert re.search(rf"Page {pages} of {pages}", text)
    flat = " ".join(text.split())
    for n in range(incidents):
        # Each incident exactly once, with all its phases' entries and its deadline detail.
        assert flat.count(f"Incident INC-{n:04d} ") == 1, n
        for p in range(7):
            assert f"entry {n * 10 + p} " in flat + " ", (n, p)
        assert flat.count(f"detail-{n:04d}") == 1, n
        kind = "test drill" if n % 5 == 0 else "incident"
        assert f"Incident INC-{n:04d} {kind} 7 phases" in flat, n
    for status in ("MET", "MISSED", "OPEN", "NOT JUDGED"):
        assert f"{status} session documentation within 2 hours" in flat
    # Rows are whole: never more serials than envelopes, each exactly once.
    for n in range(envelopes):
        assert flat.count(f"SR{n:08d} ") == 1, n
    assert "30 incidents" not in flat and "120 incidents and 30 test drills" in flat
    assert "38 deadlines missed" in flat  # n % 4 == 1 for n < 150


def test_a_block_title_is_never_the_last_line_of_a_page(tmp_path: Path) -> None:
    """The split keeps an incident's title row with its first phase row."""
    text = _text(render(_report(120, 0)), tmp_path)
    for page in text.split("\f"):
        body = [line for line in page.splitlines() if line.strip()]
        titles = [i for i, line in enumerate(body) if line.lstrip().startswith("Incident INC-")]
        if not titles:
            continue
        # After the last title on a page comes at least one phase row before the footer.
        last = titles[-1]
        assert "entry" in body[last + 1], body[last : last + 2]
