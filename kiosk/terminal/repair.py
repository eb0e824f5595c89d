"""At unlock: record what a crash interrupted, so that no half-done step stays silent.

A crash (power cut, SIGKILL, a kernel panic) can stop the terminal between
doing something in the world and recording it. Each such step leaves an
intent on disk from before it starts until its outcome is durable
(:mod:`kiosk.journal.intents`); at the next unlock, :func:`repair_after_crash`
turns every intent left behind into the journal entry that says what is
known, then removes the intent:

* an alert whose slip's outcome is unknown (after the slips watermark,
  :func:`settle_slip`: the crash came while it printed, or between the
  alert's entry and its slip) → ``alert.slip_failed`` with reason
  :data:`INTERRUPTED`; the context then prints it again once
  (``Context.print_waiting_slips``). The first unlock creates the watermark
  at the head (what came before is taken as settled); each repair sets it to
  the head before the repair, so the repair's own alerts print as usual;
* a credential sheet being printed, whose ``sheet.printed`` entry was not
  written → an ``alert.raised`` ``sheet.print_interrupted`` naming account,
  bag and sheet reference: a sheet may have come out that no entry
  accounts for, to be shredded (its QR names an entry that does not exist,
  so it can never be sealed or confirmed);
* a sheet whose print failed and whose ``sheet.printed`` was written but
  not yet its ``sheet.print_failed`` → that ``sheet.print_failed``;
* an export under way → ``export.failed`` ("the terminal stopped during the
  export"), unless its outcome was written.

Then every ``export.approved`` without an ``export.created`` or
``export.failed`` gets an ``export.failed`` saying it was not finished
(:func:`close_open_exports`): every approval has an outcome.

Each repair looks at the journal first, so a crash during the repair itself
(entry written, intent not yet removed) adds nothing twice. A repair the
journal refuses (a halted terminal, a clock waiting for confirmation) keeps
its intent for the next unlock and never stops this one: the unlock is how
people get to fix what stops it. Enrolments need no intent: their key slot
is written before their entry (:mod:`kiosk.terminal.enrolment`) and a slot
without an entry is removed by ``reconcile_slots`` at every unlock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import SealroomError
from kiosk.errors.oplog import event
from kiosk.format.entry import Entry
from kiosk.journal.intents import Intent, Intents, for_journal

if TYPE_CHECKING:
    from kiosk.journal.store import Journal

#: ``alert.slip_failed``'s reason for a slip a crash interrupted (words in
#: ``kiosk/errors/messages/continuity.py``).
INTERRUPTED = "print.interrupted"
#: the intent that holds the slips watermark (:func:`settle_slip`)
SLIPS = "slips"
#: ``export.failed``'s bundle name when the export never started.
NOT_STARTED = "not-started"
EXPORT_INTERRUPTED = (
    "the terminal stopped during the export (recorded at the next start); the unfinished "
    "bundle on the stick has no valid signature and must be deleted"
)
EXPORT_NOT_FINISHED = (
    "the approved export was not carried out before the terminal stopped or locked "
    "(recorded at the next start); the approval can still be used"
)

log = logging.getLogger("sealroom.repair")


def sheet_intent(printed: Entry, phase: str, reason: str = "") -> dict[str, Any]:
    """What a sheet's intent holds: its reserved entry and where printing got to."""
    data = printed.data
    out: dict[str, Any] = {
        "seq": printed.seq,
        "hash": printed.hash,
        "account": data["account"],
        "serial": data["serial"],
        "sheet_ref": data["sheet_ref"],
        "phase": phase,
    }
    for tag in ("incident", "test"):
        if tag in data:
            out[tag] = data[tag]
    if reason:
        out["reason"] = reason
    return out


def repair_after_crash(journal: Journal) -> list[Entry]:
    """Record every step a crash interrupted; return the entries written.

    Never raises for a repair that cannot be written now: its intent stays.
    """
    written: list[Entry] = []
    intents = for_journal(journal)
    start = journal.state.seq  # the repair's own alerts print as usual
    for item in list(intents.pending(clean=True)):
        try:
            if isinstance(item, Path):
                written += _unreadable(journal, item)
                continue
            if item.what == SLIPS:  # kept: the watermark moves on, it is never done
                written += _repair_slips(journal, item, start)
                intents.write(SLIPS, SLIPS, {"settled": max(start, _settled(item))})
                continue
            written += _REPAIRS.get(item.what, _unknown)(journal, item)
            intents.done(item.name)
        except (SealroomError, OSError) as exc:
            _not_now(item if isinstance(item, Path) else item.name, exc)
    if not any(isinstance(i, Intent) and i.name == SLIPS for i in intents.pending()):
        _start_watermark(intents, start)
    try:
        written += close_open_exports(journal)
    except (SealroomError, OSError) as exc:
        _not_now("export approvals", exc)
    for entry in written:
        event(log, "repair", f"recorded after a crash: {entry.kind} #{entry.seq}", seq=entry.seq)
    return written


def _start_watermark(intents: Intents, start: int) -> None:
    """First unlock with this code: earlier slips are taken as settled (nothing says otherwise)."""
    try:
        intents.write(SLIPS, SLIPS, {"settled": start})
    except OSError as exc:
        _not_now("the slips watermark", exc)


def _settled(intent: Intent) -> int:
    return int(intent.data["settled"])


def _not_now(what: object, exc: BaseException) -> None:
    code = exc.code if isinstance(exc, SealroomError) else type(exc).__name__
    event(
        log,
        "repair",
        f"could not record what a crash interrupted ({what}): {code}; tried again at the "
        "next unlock",
        level=logging.WARNING,
        code=code,
    )


#: the watermark's read-compare-write is one step: a reprinted slip settling
#: on a worker while the delivery thread settles a newer one must not write
#: its older number last (the mark would move back; a duplicate slip after a
#: crash). One process holds the journal, so a lock in it is enough.
_SETTLING = threading.Lock()


def settle_slip(journal: Journal, alert_seq: int) -> None:
    """The slip of ``alert_seq`` printed, or its failure is durable: move the watermark.

    One small durable write per slip. Slips are printed in journal order (the
    journal delivers entries in order), so one number says which alerts
    have a known slip outcome; never moved back.
    """
    intents = for_journal(journal)
    with _SETTLING:
        known = _watermark(intents)
        if known is None or alert_seq > known:
            intents.write(SLIPS, SLIPS, {"settled": alert_seq})


def _watermark(intents: Intents) -> int | None:
    for item in intents.pending():
        if isinstance(item, Intent) and item.name == SLIPS:
            return int(item.data["settled"])
    return None


def _repair_slips(journal: Journal, intent: Intent, upto: int) -> list[Entry]:
    """Alerts after the watermark, their slip neither printed nor marked: mark them."""
    settled = _settled(intent)
    out = []
    for seq, alert in sorted(journal.state.alerts.items()):
        if settled < seq <= upto and not alert.acknowledged and alert.slip_failed is None:
            data = {"alert_seq": seq, "reason": INTERRUPTED}
            out.append(journal.append("alert.slip_failed", data))
    return out


def _repair_sheet(journal: Journal, intent: Intent) -> list[Entry]:
    d = intent.data
    seq = int(d["seq"])
    tags: dict[str, Any] = {k: d[k] for k in ("incident", "test") if k in d}
    entry = journal.entry(seq)
    if entry is not None and entry.hash == d["hash"]:
        if d.get("phase") != "failed" or _print_failed_recorded(journal, seq):
            return []  # it printed (or its failure is recorded)
        data: dict[str, Any] = {
            "account": d["account"],
            "serial": d["serial"],
            "sheet_ref": d["sheet_ref"],
            "sheet_seq": seq,
            "reason": str(d.get("reason") or INTERRUPTED),
            **tags,
        }
        return [journal.append("sheet.print_failed", data)]
    alert: dict[str, Any] = {
        "alert": "sheet.print_interrupted",
        "summary": (
            f"The terminal stopped while printing credential sheet {d['sheet_ref']} for "
            f"{d['account']} (bag {d['serial']}); it was never recorded. Shred any such sheet."
        )[:500],
        "detail": {
            "account": d["account"],
            "serial": d["serial"],
            "sheet_ref": d["sheet_ref"],
            "reserved_seq": seq,
        },
    }
    if "incident" in tags:
        alert["incident"] = tags["incident"]
    return [journal.append("alert.raised", alert)]


def _print_failed_recorded(journal: Journal, sheet_seq: int) -> bool:
    return any(
        e.kind == "sheet.print_failed" and e.data.get("sheet_seq") == sheet_seq
        for e in journal.entries(sheet_seq + 1)
    )


def _repair_export(journal: Journal, intent: Intent) -> list[Entry]:
    d = intent.data
    approved = int(d["approved_seq"])
    for e in journal.entries(approved + 1):
        if e.kind in ("export.created", "export.failed") and e.data.get("bundle") == d["bundle"]:
            return []
    data = {"bundle": d["bundle"], "reason": EXPORT_INTERRUPTED, "approved_seq": approved}
    if d.get("volume"):
        data["volume"] = d["volume"]
    return [journal.append("export.failed", data)]


def close_open_exports(journal: Journal) -> list[Entry]:
    """Give every ``export.approved`` that has no outcome an ``export.failed``."""
    if not journal.state.kinds_seen.get("export.approved"):
        return []
    open_: dict[int, Entry] = {}
    for line in journal.lines():
        if b'"kind":"export.' not in line:  # parse only the export entries (canonical JSON)
            continue
        e = Entry.from_json(json.loads(line))
        if e.kind == "export.approved":
            open_[e.seq] = e
        elif e.kind in ("export.created", "export.failed"):
            open_.pop(int(e.data.get("approved_seq") or 0), None)
    out = []
    for seq, approval in sorted(open_.items()):
        data: dict[str, Any] = {
            "bundle": NOT_STARTED,
            "reason": EXPORT_NOT_FINISHED,
            "approved_seq": seq,
        }
        volume = approval.data.get("volume")
        if volume:
            data["volume"] = volume
        out.append(journal.append("export.failed", data))
    return out


def _unreadable(journal: Journal, path: Path) -> list[Entry]:
    """An intent that does not open: alert once, and keep the file aside as evidence."""
    entry = journal.append(
        "alert.raised",
        {
            "alert": "repair.intent_unreadable",
            "summary": "A record of a step under way did not open: a step a crash "
            "interrupted may be unrecorded.",
            "detail": {"file": path.name[:200]},
        },
    )
    with contextlib.suppress(OSError):
        path.rename(path.with_suffix(".unreadable"))
    return [entry]


def _unknown(journal: Journal, intent: Intent) -> list[Entry]:
    return _unreadable(journal, journal.data_dir / "intents" / f"{intent.name}.intent")


_REPAIRS = {"sheet": _repair_sheet, "export": _repair_export}

__all__ = [
    "INTERRUPTED",
    "close_open_exports",
    "repair_after_crash",
    "settle_slip",
    "sheet_intent",
]
