"""The key-slot file kept in step with the journal: the head after every write, checked at unlock.

What it catches, at the next unlock (:meth:`HeadKeeper.check`):

* a journal **behind** the head the key-slot file records, or whose entry at
  that seq has another hash: the database was restored from an older copy,
  or entries were removed (the WAL deleted after a crash, say);
* a key-slot file **behind** the journal by more than the one write a crash
  can leave unrecorded, or behind an enrolment or revocation it did not
  announce: the key-slot file was restored from an older copy (which would
  bring a revoked key's slot back);
* with a TPM, a counter **ahead** of the value recorded with the head by
  more than the one increment a crash can leave unrecorded: the data
  directory was restored as a whole.

Why the journal owns the file's writes (rather than being handed an
after-append hook): the head must be written in the journal's own order,
under its write lock (a hook run outside it could record heads out of
order between threads); an enrolment or revocation must be announced in
the file *before* its entry is written, inside the same critical section;
every other rewrite of the file (a slot added or removed) must carry the
current head and MAC, so one owner that knows both writes it; and both live
in ``kiosk/journal/``, below the terminal, so no layer is crossed. The
terminal changes slots through :meth:`kiosk.journal.store.Journal.update_slots`.

Order of one write (``store.py`` calls :meth:`before_write`, commits, then
:meth:`after_write`):

1. an entry that changes the key slots is announced (``head.pending``);
2. SQLite commits the entries (the WAL fsynced);
3. the TPM counter is incremented (journals bound to one);
4. the key-slot file is rewritten with the new head and counter.

A crash between any two steps leaves the journal at most one write ahead of
the recorded head and the counter at most one ahead of the recorded value,
which :meth:`check` accepts and records; anything further is refused. If
step 3 or 4 fails, the entry stays written (it is durable) and the next
write first records the head again, refusing to write if it still cannot:
the gap never grows beyond one write.

A restore (``kiosk/terminal/restore.py``) opens the backup's journal with
``restoring`` set: the TPM comparison is put off (a new machine's counter,
or this machine's counter ahead of the backup's head after a disk
replacement, would refuse it like any copy), while the head is still
checked. Writes meanwhile leave the binding as the backup recorded it.
The dual ``terminal.restored`` entry then re-binds the key-slot file to
this machine's counter (:meth:`HeadKeeper.before_write`, :meth:`_rebind`)
before it is written, so the restore's own write increments it and records
its value. A data directory put back any other way has no such entry and
is refused by the ordinary check (``rollback.tpm_ahead``, ``tpm.behind``,
``tpm.missing``). A crash after the re-binding and before the entry
commits leaves a journal bound to this machine at the backup's head: it
opens, and the custodians' keys' counters (ahead by what they signed
since) raise ``key.counter_ahead`` at its first unlock.

What it does not catch: the insider holds the database key, so they can
write a key-slot file with a valid MAC recording any head and any counter
value. The TPM counter stops a copy of the files from being put back; the
security keys' signature counters and the heads on paper in the safe stop a
deliberate rewrite (``docs/design.md``, threat model).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.errors import DeviceError, JournalError, KeySlotError, SealroomError
from kiosk.format.entry import Entry
from kiosk.journal.keyslots import KeySlots, RecordedHead
from kiosk.journal.witness import MonotonicCounter, Witness

#: The dual entry of a restore: it re-binds the key-slot file to this machine's TPM counter.
RESTORED_KIND = "terminal.restored"

#: Kinds whose entry changes the key slots (a slot added, or a slot removed by
#: a revocation or a replacement): announced in the file before they are written.
SLOT_KINDS = frozenset({"custodian.enrolled", "custodian.revoked"})

EntryAt = Callable[[int], Entry | None]


def _one_write(entries: Sequence[Entry]) -> bool:
    """True if ``entries`` can be what one write added (what a crash leaves unrecorded).

    One write is one entry, or an alert raised just before it in the same
    transaction with the same time (the clock alert of ``store.py``).
    """
    if len(entries) == 1:
        return True
    return (
        len(entries) == 2 and entries[0].kind == "alert.raised" and entries[0].ts == entries[1].ts
    )


def _remove_temporaries(path: Path) -> None:
    """Remove temporary copies a writer killed mid-write left (``durable.atomic_write``).

    Called with the journal's lock held, so no other writer is using one.
    """
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


class HeadKeeper:
    """Owns the key-slot file while the journal is open: its head, its TPM counter, its slots."""

    def __init__(self, slots: KeySlots, witness: Witness, *, restoring: bool = False) -> None:
        self.slots = slots
        self.witness = witness
        #: a restore is under way: the TPM binding waits for ``terminal.restored``
        self.restoring = restoring
        #: the TPM counter's last known value (``None``: not bound)
        self._value = slots.head.counter
        #: the last write's head is not recorded yet (step 3 or 4 failed)
        self._stale = False

    # ----------------------------------------------------------- opening
    @classmethod
    def load(
        cls, path: Path, db_key: bytes, witness: Witness, *, restoring: bool = False
    ) -> HeadKeeper:
        """Read and authenticate the key-slot file at unlock; check its TPM binding.

        ``restoring``: a backup was just unpacked (``kiosk/terminal/restore.py``);
        its binding is another machine's, or behind this one's counter, until
        ``terminal.restored`` re-binds it.
        """
        _remove_temporaries(path)
        slots = KeySlots.load(path)
        slots.authenticate(db_key)
        keeper = cls(slots, witness, restoring=restoring)
        if not restoring:
            keeper._check_binding()
        return keeper

    @classmethod
    def create(cls, path: Path, db_key: bytes, witness: Witness) -> HeadKeeper:
        """At commissioning: take the new key-slot file and bind it to the TPM counter if due."""
        slots = KeySlots.load(path)
        slots.authenticate(db_key)
        keeper = cls(slots, witness)
        counter = witness.counter
        if counter is None:
            if witness.mode == "required":
                raise DeviceError("tpm.required", reason="this machine has no TPM")
            return keeper
        if witness.mode == "off":
            return keeper
        value = counter.provision()
        bound = slots.copy()
        bound.tpm_index = counter.index
        bound.head = RecordedHead(slots.head.seq, slots.head.hash, value)
        keeper._save(bound)
        keeper._value = value
        return keeper

    def _counter(self) -> MonotonicCounter:
        """The counter the file is bound to; refused if this machine cannot give it."""
        counter = self.witness.counter
        index = self.slots.tpm_index
        if counter is None or counter.index != index:
            raise DeviceError("tpm.missing", index=f"0x{index or 0:08x}")
        return counter

    def _check_binding(self) -> None:
        if self.slots.tpm_index is None:
            if self.witness.mode == "required":
                raise JournalError("tpm.not_bound")
            return
        self._counter()
        if self.slots.head.counter is None:
            raise KeySlotError("keyslot.damaged", reason="its TPM counter value is missing")

    def check(self, seq: int, hash_: str, entry_at: EntryAt) -> None:
        """Compare the verified journal (head ``seq``/``hash_``) with the recorded head.

        Refuses a rollback or truncation, naming it; accepts the one write
        (and the one counter increment) a crash can leave unrecorded, and
        records the head then. A clean unlock writes nothing.
        """
        rec = self.slots.head
        if seq < rec.seq:
            raise JournalError(
                "rollback.journal_behind", seq=rec.seq, hash=rec.hash[:12], found=seq
            )
        if rec.seq:
            at = entry_at(rec.seq)
            if at is None or at.hash != rec.hash:
                found = at.hash[:12] if at is not None else "nothing"
                raise JournalError(
                    "rollback.journal_forked", seq=rec.seq, hash=rec.hash[:12], found=found
                )
        ahead: list[Entry] = []
        if seq > rec.seq:
            if seq - rec.seq <= 2:
                ahead = [e for e in map(entry_at, range(rec.seq + 1, seq + 1)) if e is not None]
            unannounced = [
                e for e in ahead if e.kind in SLOT_KINDS and rec.pending != (e.seq, e.hash)
            ]
            if not ahead or not _one_write(ahead) or unannounced:
                raise JournalError("rollback.slots_behind", seq=rec.seq, journal_seq=seq)
        changed = bool(ahead) or rec.pending is not None
        if self.slots.tpm_index is not None and not self.restoring:
            value = self._counter().read()
            recorded = rec.counter or 0
            if value < recorded:
                raise DeviceError("tpm.behind", counter=value, recorded=recorded)
            if value > recorded + 1 or (value == recorded + 1 and not ahead):
                raise JournalError("rollback.tpm_ahead", counter=value, recorded=recorded)
            self._value = value
            changed = changed or value != recorded
        if changed:
            self.record(seq, hash_)

    # ------------------------------------------------------------ writes
    def _save(self, new: KeySlots, code: str = "rollback.head_not_saved") -> None:
        """Write ``new`` durably and make it current; on failure nothing changes."""
        try:
            new.save()
        except OSError as exc:
            raise JournalError(code, reason=exc.strerror or type(exc).__name__) from exc
        self.slots = new

    def record(self, seq: int, hash_: str) -> None:
        """Record the head (incrementing the TPM counter first, once per write)."""
        value = None
        if self.restoring:  # the backup's binding is kept as it is until terminal.restored
            value = self.slots.head.counter
        elif self.slots.tpm_index is not None:
            if self._value == self.slots.head.counter:
                self._value = self._counter().increment()
            value = self._value
        new = self.slots.copy()
        new.head = RecordedHead(seq, hash_, value)
        self._save(new)
        self._stale = False

    def before_write(self, entries: Sequence[Entry], seq: int, hash_: str) -> None:
        """Before a write: record a head left unrecorded, announce a slot change.

        Raises (and so nothing is written) if either cannot be saved.
        """
        if self._stale:
            self.record(seq, hash_)
        if self.restoring and any(e.kind == RESTORED_KIND for e in entries):
            self._rebind()
        changes = [e for e in entries if e.kind in SLOT_KINDS]
        if changes:
            new = self.slots.copy()
            rec = self.slots.head
            new.head = RecordedHead(
                rec.seq, rec.hash, rec.counter, (changes[-1].seq, changes[-1].hash)
            )
            self._save(new)

    def _rebind(self) -> None:
        """Bind the key-slot file to this machine's TPM counter (a restore's dual entry).

        The counter is taken over at its current value, whatever the backup
        recorded (a new machine's fresh counter, or this machine's ahead of
        an older backup); the entry's own write then increments it. With no
        TPM here the file is unbound, unless the policy requires one
        (``tpm.required``: the entry is not written). Raises (and so nothing
        is written) if the file cannot be saved.
        """
        counter = self.witness.counter
        new = self.slots.copy()
        rec = self.slots.head
        if counter is None or self.witness.mode == "off":
            if self.witness.mode == "required":
                raise DeviceError("tpm.required", reason="this machine has no TPM")
            new.tpm_index = None
            new.head = RecordedHead(rec.seq, rec.hash, None, rec.pending)
            self._save(new)
            self._value = None
        else:
            value = counter.provision()
            new.tpm_index = counter.index
            new.head = RecordedHead(rec.seq, rec.hash, value, rec.pending)
            self._save(new)
            self._value = value
        self.restoring = False

    def after_write(self, seq: int, hash_: str) -> None:
        """After a write: record the new head. Never raises: the entries are durable.

        A failure leaves the head unrecorded; :meth:`before_write` records it
        before the next write, or refuses that write.
        """
        try:
            self.record(seq, hash_)
        except (SealroomError, OSError):
            self._stale = True

    def update_slots(self, change: Callable[[KeySlots], None]) -> None:
        """Change the slots (add, remove) and save, keeping the recorded head and the MAC."""
        new = self.slots.copy()
        change(new)
        self._save(new, "rollback.slots_not_saved")


__all__ = ["RESTORED_KIND", "SLOT_KINDS", "HeadKeeper"]
