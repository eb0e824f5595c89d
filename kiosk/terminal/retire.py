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
certificate (``kiosk/paper/retirement.py``) is built from
:func:`retirement_facts`: the final export's head, the retirement entry and
who signed it; the same facts are kept in the ``RETIRED`` note, so the
certificate can be printed again after the key material is gone.
``sealroom retire`` runs the whole procedure (``kiosk/export/final.py``).

A crash in the middle still ends retired: from the moment
``terminal.retired`` is durable, every unlock refuses to run the terminal.
If the final export was written (an ``export.created`` after it), that
unlock also finishes the destruction (:func:`refuse_if_gone`); if it was
not, the key material is kept (the journal exists nowhere else) and the
unlock says to run ``sealroom retire`` again, which takes up where it
stopped (``terminal.retire_unfinished``).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from kiosk.errors import JournalError
from kiosk.format.entry import Entry
from kiosk.journal.durable import atomic_write, fsync_dir
from kiosk.journal.intents import DIR_NAME as INTENTS
from kiosk.journal.store import SLOTS_NAME, Journal
from kiosk.paper.documents import ssh_key_fingerprint
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


def refuse_if_gone(journal: Journal, *, retiring: bool = False) -> None:
    """Refuse to run a copy that moved away (no restore after its move) or was retired.

    A retirement whose final export was written but whose key material was
    not yet destroyed (a crash in between) is finished here: the key
    material is destroyed, then the unlock refused. ``retiring``: the
    ``sealroom retire`` command itself, which takes up an unfinished
    retirement (nothing refused or destroyed here).
    """
    seen = journal.state.kinds_seen
    if not seen.get("terminal.moved") and not seen.get("terminal.retired"):
        return  # the usual case: no walk over the journal at unlock
    moved: Entry | None = None
    retired: Entry | None = None
    for e in journal.entries():
        if e.kind == "terminal.moved":
            moved = e
        elif e.kind == "terminal.restored":
            moved = None
        elif e.kind == "terminal.retired":
            retired = e
            break
    if retired is not None:
        if retiring:
            return
        if final_export_after(journal, retired) is None:
            raise JournalError("terminal.retire_unfinished", seq=retired.seq)
        destroy_key_material(journal, retired)
        raise JournalError("terminal.is_retired", seq=retired.seq)
    if moved is not None:
        raise JournalError("terminal.has_moved", seq=moved.seq, to=str(moved.data["to"])[:120])


def find_retirement(journal: Journal) -> Entry | None:
    """The ``terminal.retired`` entry, if the journal holds one."""
    if not journal.state.kinds_seen.get("terminal.retired"):
        return None
    return next((e for e in journal.entries() if e.kind == "terminal.retired"), None)


def final_export_after(journal: Journal, retired: Entry) -> Entry | None:
    """The ``export.created`` of a bundle holding ``retired`` (the final export), if any."""
    found: Entry | None = None
    for e in journal.entries(retired.seq + 1):
        if e.kind == "export.created" and int(e.data.get("entries", 0)) >= retired.seq:
            found = e
    return found


def retirement_facts(journal: Journal, retired: Entry) -> dict[str, Any]:
    """What the retirement certificate says, as plain data (kept in the ``RETIRED`` note).

    Raises ``terminal.no_final_export`` if no export holds the retirement yet.
    """
    created = final_export_after(journal, retired)
    if created is None:
        raise JournalError("terminal.no_final_export", seq=retired.seq)
    final_seq = int(created.data["entries"])
    final = journal.entry(final_seq)
    state = journal.state
    people = []
    for a in retired.attest:
        c = state.custodians.get(str(a.get("custodian")))
        if c is not None:
            people.append([c.name, c.role])
    head = journal.head
    return {
        "kiosk_id": state.kiosk_id,
        "key_fingerprint": ssh_key_fingerprint(journal.kiosk_public_line()) or "unknown",
        "genesis_hash": state.genesis_hash,
        "retired": {
            "seq": retired.seq,
            "hash": retired.hash,
            "ts": retired.ts,
            "reason": str(retired.data.get("reason", "")),
            "by": people,
        },
        "final": {"seq": final_seq, "hash": final.hash if final else ""},
        "bundle": str(created.data["bundle"]),
        "volume": str(created.data.get("volume", "")),
        "manifest_hash": str(created.data["manifest_hash"]),
        "last": {"seq": head.seq, "hash": head.hash},
    }


def refuse_if_destroyed(data_dir: Path) -> None:
    """A retired terminal's data directory: say so rather than "key-slot file missing"."""
    if (data_dir / RETIRED_NOTE).exists():
        finish_destruction(data_dir)  # a crash after the note, before the key-slot file went
        note = read_note(data_dir)
        raise JournalError("terminal.is_retired", seq=int(note.get("seq", 0)))


def read_note(data_dir: Path) -> dict[str, Any]:
    """The ``RETIRED`` note: the retirement's seq and the certificate's facts ({}: unreadable)."""
    try:
        note = json.loads((data_dir / RETIRED_NOTE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return note if isinstance(note, dict) else {}


def destroy_key_material(journal: Journal, retired: Entry) -> dict[str, Any]:
    """After the final export: close the journal and make it unopenable, durably.

    Refused before the retirement is recorded, and before a final export
    holds it (the journal would be lost). The note is written first: a
    crash after it leaves a directory that says it is retired, and the next
    attempt to unlock it finishes the overwrite and removal of the key-slot
    file (:func:`finish_destruction`). Returns the certificate's facts (also
    in the note).
    """
    data_dir = journal.data_dir
    head = journal.head
    if retired.kind != "terminal.retired" or journal.entry(retired.seq) != retired:
        raise JournalError("terminal.not_retired")
    facts = retirement_facts(journal, retired)
    journal.close()
    note = {"seq": retired.seq, "head_seq": head.seq, "head_hash": head.hash, "facts": facts}
    atomic_write(data_dir / RETIRED_NOTE, json.dumps(note).encode("utf-8"))
    finish_destruction(data_dir)
    return facts


def finish_destruction(data_dir: Path) -> None:
    """Overwrite and remove the key-slot file and remove the intents (again: harmless).

    Run after the ``RETIRED`` note is durable, and again by every later
    unlock attempt and ``sealroom retire`` on that directory, so a crash
    between the note and the removal still ends with the key material gone.
    """
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


__all__ = [
    "destroy_key_material",
    "final_export_after",
    "find_retirement",
    "finish_destruction",
    "read_note",
    "refuse_if_destroyed",
    "refuse_if_gone",
    "retirement_facts",
    "start_move",
    "start_retirement",
]
