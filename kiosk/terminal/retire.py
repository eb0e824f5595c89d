"""Moving a terminal to new hardware, and retiring it (issue 21).

**Move**: two custodians sign ``terminal.moved`` (:func:`start_move`); a
sealed backup is written right after (``kiosk/terminal/backups.py``) and
restored on the new machine (``kiosk/terminal/restore.py``, which records
``terminal.restored`` there); the journal's signing key moves inside it.
This copy refuses to run from then on (:func:`refuse_if_gone`, at every
unlock): the journal itself says it moved, and the journal is held to its
head by the key-slot file (and the TPM), so the entry cannot be dropped
quietly. The restored copy carries the same entry followed by
``terminal.restored``, so it runs.

**Retire**: two custodians sign ``terminal.retired``
(:func:`start_retirement`); a final export follows (it holds that entry;
``sealroom verify`` reports the retirement); then :func:`destroy_key_material`
overwrites and removes the key-slot file, the only place the database key
exists (wrapped), and the intents, and leaves a ``RETIRED`` note: the
database no longer opens, and the unlock says why. The retirement
certificate with the final head (:func:`certificate_lines`) is what is
printed and kept with the final export.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from kiosk.errors import JournalError
from kiosk.format.entry import Entry
from kiosk.journal.durable import atomic_write, fsync_dir
from kiosk.journal.intents import DIR_NAME as INTENTS
from kiosk.journal.store import SLOTS_NAME, Journal
from kiosk.policy import Policy
from kiosk.terminal.approvals import DualApproval, SecurityKeys

RETIRED_NOTE = "RETIRED"


def start_move(
    journal: Journal, policy: Policy, security_keys: SecurityKeys, to: str, reason: str
) -> DualApproval:
    """Reserve the dual ``terminal.moved`` entry."""
    data = {"to": to[:500], "reason": reason[:500]}
    return DualApproval(journal, policy, security_keys, "terminal.moved", data)


def start_retirement(
    journal: Journal, policy: Policy, security_keys: SecurityKeys, reason: str
) -> DualApproval:
    """Reserve the dual ``terminal.retired`` entry."""
    return DualApproval(
        journal, policy, security_keys, "terminal.retired", {"reason": reason[:500]}
    )


def refuse_if_gone(journal: Journal) -> None:
    """Refuse to run a copy that moved away (no restore after its move) or was retired."""
    seen = journal.state.kinds_seen
    if not seen.get("terminal.moved") and not seen.get("terminal.retired"):
        return  # the usual case: no walk over the journal at unlock
    moved: Entry | None = None
    for e in journal.entries():
        if e.kind == "terminal.moved":
            moved = e
        elif e.kind == "terminal.restored":
            moved = None
        elif e.kind == "terminal.retired":
            raise JournalError("terminal.is_retired", seq=e.seq)
    if moved is not None:
        raise JournalError("terminal.has_moved", seq=moved.seq, to=str(moved.data["to"])[:120])


def refuse_if_destroyed(data_dir: Path) -> None:
    """A retired terminal's data directory: say so rather than "key-slot file missing"."""
    note = data_dir / RETIRED_NOTE
    if note.exists():
        try:
            seq = int(json.loads(note.read_text("utf-8"))["seq"])
        except (OSError, ValueError, KeyError, TypeError):
            seq = 0
        raise JournalError("terminal.is_retired", seq=seq)


def destroy_key_material(journal: Journal, retired: Entry) -> None:
    """After the final export: close the journal and make it unopenable, durably."""
    data_dir = journal.data_dir
    head = journal.head
    if retired.kind != "terminal.retired" or journal.entry(retired.seq) != retired:
        raise JournalError("terminal.not_retired")
    journal.close()
    note = {"seq": retired.seq, "head_seq": head.seq, "head_hash": head.hash}
    atomic_write(data_dir / RETIRED_NOTE, json.dumps(note).encode("utf-8"))
    slots = data_dir / SLOTS_NAME
    if slots.exists():
        size = slots.stat().st_size
        fd = os.open(slots, os.O_WRONLY)
        try:
            os.write(fd, b"\0" * size)
            os.fsync(fd)
        finally:
            os.close(fd)
        slots.unlink()
    shutil.rmtree(data_dir / INTENTS, ignore_errors=True)
    fsync_dir(data_dir)


def certificate_lines(kiosk_id: str, retired: Entry, head_seq: int, head_hash: str) -> list[str]:
    """What the retirement certificate says (printed and kept with the final export)."""
    return [
        f"Sealroom terminal {kiosk_id} — retirement certificate",
        f"Retired by entry {retired.seq} at {retired.ts}: {retired.data['reason']}",
        f"Final journal head: {head_seq} · {head_hash}",
        "Its key material was destroyed; the journal survives in the final audit export, "
        "verified with 'sealroom verify' against this head.",
    ]


__all__ = [
    "certificate_lines",
    "destroy_key_material",
    "refuse_if_destroyed",
    "refuse_if_gone",
    "start_move",
    "start_retirement",
]
