"""Restoring a terminal from its newest sealed backup, under two custodians (``sealroom restore``).

Onto a new or repaired machine whose data directory holds no journal:

1. :func:`unpack_backup` — the newest backup on the medium
   (``kiosk/journal/backup.py``) is opened like the terminal itself: its
   copy of the key-slot file gives the database key to one enrolled
   custodian's key or to the recovery passphrase, and nothing else. The
   database is rebuilt from the backup's lines and meta rows, then opened
   the ordinary way: the whole chain and every signature are checked
   (``kiosk/journal/walk.py``), and the key-slot file's head must be the
   backup's head (``kiosk/journal/head.py``).
2. :func:`compare_head` — the restored head is compared with the last paper
   anchor (the head printed on the newest record in the safe, scanned from
   its QR or typed) and, if given, with the newest audit export's head. An
   anchor *behind or at* the restored head must name an entry of it (else
   the backup is of another history: refused); an anchor *ahead* says which
   entries are lost. The anchor is required: a restore that skips it could
   hide any number of lost entries (refused, ``restore.anchor_required``).
3. :func:`start_restored` — a dual ``terminal.restored`` entry records the
   backup, the anchor, the export and what is known to be lost. Never a
   silent gap.

The rollback defences and a restore: the key-slot file records the
backup's head, so the ordinary unlock accepts the restored journal; the two
custodians' keys sign ``terminal.restored``, so their signature counters —
ahead by whatever they signed in the lost entries — are journaled again by
the restore itself, and the next unlock raises no ``key.counter_ahead``. A
data directory copied back any other way (an older backup unpacked by hand,
or a copy started on a second machine) has no such entry: its first unlock
finds the keys' counters ahead and raises ``key.counter_ahead``, and a TPM
bound journal refuses it (``rollback.tpm_ahead``, ``tpm.behind``).

A TPM-bound terminal: :func:`unpack_backup` opens the backup's journal with
the TPM comparison put off (``restoring``: the backup is bound to the old
machine's counter, or to this machine's at an older value), and the dual
``terminal.restored`` re-binds the key-slot file to this machine's counter
as it is written (``kiosk/journal/head.py``, ``HeadKeeper._rebind``): onto a
new machine (a fresh TPM) or onto the same one after its disk was replaced
(its counter ahead of the backup's head). Until that entry is written the
restored directory does not open the ordinary way (the TPM check refuses
it), so a restore abandoned half-way is started again from the backup.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import JournalError, KeySlotError
from kiosk.format.canonical import b64u_decode
from kiosk.format.clock import Clock
from kiosk.journal.backup import BackupHeader, newest_backup, open_backup
from kiosk.journal.db import open_database
from kiosk.journal.durable import atomic_write
from kiosk.journal.keyslots import KeySlots
from kiosk.journal.store import DB_NAME, SLOTS_NAME, Journal, write_public_key
from kiosk.journal.witness import Witness
from kiosk.policy import Policy
from kiosk.rules.unlock import unlock_challenge
from kiosk.terminal.approvals import DualApproval, SecurityKeys
from kiosk.terminal.lifecycle import has_journal, open_journal, undo_commission
from kiosk.terminal.witness import new_nonce

#: Opens a key-slot file: the recovery passphrase, or one custodian's key.
Opener = Callable[[KeySlots], bytes]
ANCHOR = re.compile(r"^\s*(\d+)\s*(?:[:·/ ]\s*)+([0-9a-fA-F]{8,64})\s*$")


@dataclass(frozen=True)
class Anchor:
    """A head known from outside the terminal: seq and (a prefix of) its hash."""

    seq: int
    hash: str
    source: str  # "qr", "typed" or "export"

    @staticmethod
    def parse(text: str, source: str = "typed") -> Anchor:
        """``40 · 3fa2b19c0d11`` as printed on a record, or ``40:3fa2…``."""
        m = ANCHOR.match(text)
        if m is None or int(m.group(1)) < 1:
            raise JournalError("restore.bad_anchor", value=text[:80])
        return Anchor(int(m.group(1)), m.group(2).lower(), source)


@dataclass(frozen=True)
class Loss:
    """What the comparison found: entries known to be lost (none: ``count`` 0)."""

    first: int | None
    last: int | None

    @property
    def count(self) -> int:
        if self.first is None or self.last is None:
            return 0
        return self.last - self.first + 1


def unpack_backup(
    medium: Path,
    data_dir: Path,
    opener: Opener,
    clock: Clock,
    *,
    kiosk_id: str | None = None,
    witness: Witness | None = None,
) -> tuple[Journal, BackupHeader]:
    """Rebuild the journal from the newest backup on ``medium`` and open it (checked)."""
    if has_journal(data_dir) or (data_dir / SLOTS_NAME).exists():
        raise JournalError("journal.exists", path=str(data_dir))
    header = newest_backup(medium, kiosk_id)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(data_dir / SLOTS_NAME, header.keyslots, mode=0o600)
        slots = KeySlots.load(data_dir / SLOTS_NAME)
        db_key = opener(slots)
        content = open_backup(header, db_key)
        conn = open_database(data_dir / DB_NAME, db_key, create=True)
        try:
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            for name, value in sorted(content.meta.items()):
                cur.execute("INSERT INTO meta VALUES (?, ?)", (name, value))
            for seq, line in enumerate(content.lines, start=1):
                cur.execute("INSERT INTO entries VALUES (?, ?)", (seq, line))
            cur.execute("COMMIT")
        finally:
            conn.close()
        journal = open_journal(data_dir, db_key, clock, slots.journal_id, witness, restoring=True)
    except BaseException:
        undo_commission(data_dir)
        raise
    if journal.head.seq != header.seq or journal.head.hash != header.hash:
        journal.close()
        undo_commission(data_dir)
        raise JournalError("backup.damaged", path=header.path.name)
    write_public_key(data_dir, journal.kiosk_public_line())
    return journal, header


def key_opener(security_keys: SecurityKeys, cancel: threading.Event | None = None) -> Opener:
    """Open a backup's key slots with one enrolled custodian's key (PIN and touch)."""

    def open_(slots: KeySlots) -> bytes:
        by_rp: dict[str, dict[bytes, bytes]] = {}
        for cid, salt in slots.fido2_credentials():
            slot = slots.fido2_slot(cid) or {}
            by_rp.setdefault(str(slot.get("rp_id", "")), {})[cid] = salt
        for rp_id, salts in by_rp.items():
            if security_keys.present(rp_id, list(salts)):
                challenge = unlock_challenge(slots.journal_id, new_nonce())
                answer, secret = security_keys.unlock(
                    rp_id, salts, challenge, cancel or threading.Event()
                )
                return slots.open_with_fido2(b64u_decode(answer["credential_id"]), secret)
        raise KeySlotError("unlock.no_key_slot")

    return open_


def export_anchor(bundle: Path) -> Anchor:
    """The head of an audit export bundle (its manifest), to compare with the backup."""
    try:
        manifest = json.loads((bundle / "manifest.json").read_bytes())
        head = manifest["head"]
        return Anchor(int(head["seq"]), str(head["hash"]).lower(), "export")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JournalError("backup.unreadable", path=bundle.name) from exc


def compare_head(
    journal: Journal, header: BackupHeader, anchor: Anchor | None, export: Anchor | None
) -> Loss:
    """Compare the backup's head with the paper anchor (required) and the newest export.

    Measured against the backup's head, not the journal's: entries written
    since the restore (an unlock) reuse the lost seqs.
    """
    if anchor is None:
        raise JournalError("restore.anchor_required")
    head = header.seq
    lost_to = head
    for ref in (anchor, export):
        if ref is None:
            continue
        if ref.seq <= head:
            entry = journal.entry(ref.seq)
            if entry is None or not entry.hash.startswith(ref.hash):
                raise JournalError(
                    "restore.anchor_mismatch",
                    seq=ref.seq,
                    hash=ref.hash[:12],
                    found=entry.hash[:12] if entry else "nothing",
                )
        lost_to = max(lost_to, ref.seq)
    if lost_to == head:
        return Loss(None, None)
    return Loss(head + 1, lost_to)


def restored_data(
    header: BackupHeader, anchor: Anchor, export: Anchor | None, loss: Loss, reason: str
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "backup_file": header.path.name[:200],
        "backup_seq": header.seq,
        "backup_hash": header.hash,
        "anchor_seq": anchor.seq,
        "anchor_hash": anchor.hash[:64],
        "anchor_source": anchor.source if anchor.source in ("qr", "typed") else "typed",
        "lost_count": loss.count,
        "reason": reason[:500],
    }
    if export is not None:
        data["export_seq"] = export.seq
    if loss.first is not None and loss.last is not None:
        data["lost_from"] = loss.first
        data["lost_to"] = loss.last
    return data


def start_restored(
    journal: Journal,
    policy: Policy,
    security_keys: SecurityKeys,
    header: BackupHeader,
    anchor: Anchor | None,
    export: Anchor | None = None,
    reason: str = "restored from the newest sealed backup",
) -> DualApproval:
    """Compare the head, then reserve the dual ``terminal.restored`` entry for two custodians."""
    loss = compare_head(journal, header, anchor, export)
    assert anchor is not None  # noqa: S101 - compare_head refused a missing anchor
    data = restored_data(header, anchor, export, loss, reason)
    return DualApproval(journal, policy, security_keys, "terminal.restored", data)


__all__ = [
    "Anchor",
    "Loss",
    "compare_head",
    "export_anchor",
    "key_opener",
    "start_restored",
    "unpack_backup",
]
