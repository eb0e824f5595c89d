"""Overdue deadlines become alerts — once each.

The terminal has no network, so its alarm is paper: every ``alert.raised``
entry is printed as an alert slip the moment it is written (a journal
listener in the application does the printing). This module decides which
overdue deadlines still need their alert: a deadline is alerted exactly once,
identified by ``data.detail.deadline`` (its key), however often the check
runs and across restarts (the journal remembers).
"""

from __future__ import annotations

import datetime as dt

from kiosk.errors.messages import render
from kiosk.format.entry import Entry
from kiosk.journal.store import Journal
from kiosk.policy import Policy
from kiosk.state import due as deadlines


def alerted_deadlines(journal: Journal) -> set[str]:
    """Keys of deadlines that already have an alert entry (folded by the projection)."""
    return set(journal.state.alerted_deadlines)


def raise_overdue(journal: Journal, policy: Policy, now: dt.datetime) -> list[Entry]:
    """Append one alert per overdue deadline not yet alerted; return them."""
    late = deadlines.overdue(deadlines.compute(journal.state, policy), now)
    if not late:
        return []
    done = alerted_deadlines(journal)
    written = []
    for d in late:
        if d.key in done:
            continue
        minutes = int((now - d.due).total_seconds() // 60)
        summary = f"Overdue: {d.label} ({d.subject}), {minutes} min past due."
        if d.kind == "backup":
            summary = backup_summary(journal, policy)
        written.append(
            journal.append(
                "alert.raised",
                {
                    "alert": "deadline.overdue",
                    "summary": summary,
                    "detail": {
                        "deadline": d.key,
                        "kind": d.kind,
                        "subject": d.subject,
                        "due": d.due.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    },
                },
            )
        )
    return written


def backup_summary(journal: Journal, policy: Policy) -> str:
    """What an overdue backup's slip says: bring the stick, or the disk could not be written.

    Where the medium is a stick kept in the safe the terminal cannot write
    by itself, so people must bring it; where it is a disk always mounted
    (``[backup] path``) the terminal writes by itself
    (:mod:`kiosk.terminal.backup_duty`), so an overdue backup means its
    writes failed.
    """
    b = journal.state.backup
    why = {
        "incident": "an incident closed",
        "enrolment": "a key was enrolled",
        "revocation": "a key was revoked",
    }.get(b.trigger.what if b.trigger else "", f"every {b.interval(policy.backup_every_days)} days")
    params = {"medium": b.medium or "?", "why": why, "path": policy.backup_path or "?"}
    if policy.backup_path is None:
        return render("backup.bring_stick", params)
    return render("backup.not_written", params)
