"""The restore as steps a screen can walk through, one at a time (issue 21, restore on screen).

``sealroom restore`` does everything in one command; the restore screen
(``ui/screens/restore.py``) asks for one thing at a time and shows each
answer before the next question. This object holds what the steps have
found so far and calls :mod:`kiosk.terminal.restore` for every decision, so
the screen only renders and forwards, and the order is tested without Qt:

1. :meth:`RestoreSteps.find` — the newest backup on the medium, described
   (head, when written) before anything is opened;
2. :meth:`RestoreSteps.open` — opened with one custodian's key or the
   recovery passphrase (an :data:`~kiosk.terminal.restore.Opener`); the
   database is rebuilt and opened the ordinary way, so the chain and every
   signature are checked here (``unpack_backup``);
3. :meth:`RestoreSteps.give_anchor` — the paper anchor: the QR of the
   newest record in the safe (authenticated with the restored terminal's own
   QR key, so a code from another terminal is refused) or the head typed as
   printed; compared at once, so a backup of another history is refused
   before anyone signs;
4. :meth:`RestoreSteps.give_export` — optionally, the newest audit export
   (:func:`newest_export` finds it on a stick);
5. :meth:`RestoreSteps.loss` — what is known to be lost, shown before both
   custodians sign :meth:`RestoreSteps.start_signing` (``terminal.restored``).

:meth:`RestoreSteps.abandon` closes the journal and removes every file the
restore wrote (``undo_commission``): a restore given up half-way leaves the
machine as empty as it found it, never a terminal that was not restored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import JournalError
from kiosk.format.clock import Clock
from kiosk.journal.backup import BackupHeader, newest_backup
from kiosk.journal.store import SLOTS_NAME, Journal
from kiosk.journal.witness import Witness
from kiosk.policy import Policy
from kiosk.scan.qr import decode_qr, looks_like_qr
from kiosk.terminal.approvals import DualApproval, SecurityKeys
from kiosk.terminal.lifecycle import has_journal, undo_commission
from kiosk.terminal.restore import (
    Anchor,
    Loss,
    Opener,
    compare_head,
    export_anchor,
    start_restored,
    unpack_backup,
)

#: the records whose QR carries a journal head (seq and hash prefix)
ANCHOR_QR_KINDS = ("record", "sheet")


def needs_restore(data_dir: Path) -> bool:
    """No journal here (a new or repaired machine): commissioning or a restore comes first."""
    return not has_journal(data_dir) and not (data_dir / SLOTS_NAME).exists()


def newest_export(directory: Path) -> Path | None:
    """The audit bundle with the highest head in ``directory`` (a stick's root), if any."""
    best: tuple[int, Path] | None = None
    for manifest in directory.glob("*/manifest.json"):
        try:
            seq = int(json.loads(manifest.read_bytes())["head"]["seq"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if best is None or seq > best[0]:
            best = (seq, manifest.parent)
    return best[1] if best is not None else None


@dataclass
class RestoreSteps:
    """What a restore has found so far; each step needs the one before."""

    data_dir: Path
    clock: Clock
    kiosk_id: str | None = None
    witness: Witness | None = None
    header: BackupHeader | None = None
    journal: Journal | None = None
    anchor: Anchor | None = None
    export: Anchor | None = None
    signed: bool = field(default=False)

    def find(self, medium: Path) -> BackupHeader:
        """Step 1: the newest backup of this terminal on the medium (``backup.none``)."""
        if not needs_restore(self.data_dir):
            raise JournalError("restore.not_empty")
        self.header = newest_backup(medium, self.kiosk_id)
        return self.header

    def open(self, opener: Opener, medium: Path | None = None) -> Journal:
        """Step 2: open the backup found (key or passphrase); the whole chain is checked.

        ``medium``: where the medium is mounted now (a stick is unmounted
        between the steps, and may come back elsewhere); by default where it
        was found.
        """
        if self.header is None:
            raise JournalError("backup.none", path="?")
        journal, header = unpack_backup(
            medium if medium is not None else self.header.path.parent,
            self.data_dir,
            opener,
            self.clock,
            kiosk_id=self.kiosk_id,
            witness=self.witness,
        )
        if header.path != self.header.path:  # a newer backup appeared meanwhile: say which
            self.header = header
        self.journal = journal
        return journal

    def give_anchor(self, text: str, scanned: bool = False) -> Anchor:
        """Step 3: the paper anchor, scanned (QR) or typed; compared with the backup at once."""
        journal, header = self._opened()
        if looks_like_qr(text):
            payload = decode_qr(text, journal.terminal_mac_key(), kinds=ANCHOR_QR_KINDS)
            anchor = Anchor(payload.int_field("seq"), payload.str_field("hash"), "qr")
        else:
            anchor = Anchor.parse(text, "qr" if scanned else "typed")
        compare_head(journal, header, anchor, self.export)
        self.anchor = anchor
        return anchor

    def give_export(self, bundle: Path | None) -> Anchor | None:
        """Step 4 (optional): the newest audit export's head, compared like the anchor."""
        journal, header = self._opened()
        export = export_anchor(bundle) if bundle is not None else None
        if self.anchor is not None:
            compare_head(journal, header, self.anchor, export)
        self.export = export
        return export

    def loss(self) -> Loss:
        """What is known to be lost between the backup and the anchor (or the export)."""
        journal, header = self._opened()
        return compare_head(journal, header, self.anchor, self.export)

    def start_signing(
        self,
        policy: Policy,
        security_keys: SecurityKeys,
        reason: str = "restored from the newest sealed backup",
    ) -> DualApproval:
        """Step 5: the dual ``terminal.restored`` entry, for two custodians to sign."""
        journal, header = self._opened()
        return start_restored(
            journal, policy, security_keys, header, self.anchor, self.export, reason
        )

    def abandon(self) -> None:
        """Give up before ``terminal.restored``: close, and leave the machine empty again."""
        if self.signed:
            return
        if self.journal is not None:
            self.journal.close()
            self.journal = None
            undo_commission(self.data_dir)
        self.anchor = self.export = None

    def _opened(self) -> tuple[Journal, BackupHeader]:
        if self.journal is None or self.header is None:
            raise JournalError("restore.not_opened")
        return self.journal, self.header


__all__ = ["ANCHOR_QR_KINDS", "RestoreSteps", "needs_restore", "newest_export"]
