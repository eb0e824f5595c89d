"""The journal: one writer, durable appends, signatures collected in place.

Invariants (kept by every public method):

* there is one writer: every write holds ``self._lock``; a second
  :class:`Journal` on the same directory is refused by an exclusive lock file
  and, should that file be deleted, by the database's own exclusive lock
  (``db.py``), held from open to close;
* an append is acknowledged (the method returns) only after SQLite committed
  it with ``synchronous=FULL`` in WAL mode, i.e. after the WAL was fsynced;
* nothing is half-written: an entry is validated (schema, secrets, state
  transition, signers, approval check) before its transaction starts, and a
  failed transaction leaves neither the database nor the in-memory state
  changed;
* every attestation is verified at commit by the approval check that whoever
  opened or created the journal handed in (:data:`ApprovalCheck`; the
  terminal hands in :func:`kiosk.terminal.signers.journal_check`). It is a required
  argument, so it cannot be forgotten; only tests of the bare store pass
  ``None``. The journal never imports the approval layer, which imports it;
* ``ts`` never goes backwards: if the wall clock is earlier than the last
  entry, an ``alert.raised`` entry records it and both take the previous ts;
* no entry is stamped with a clock that jumped forward beyond the policy's
  tolerance: until two custodians confirm the clock (dual
  ``clock.confirmed``), the unlock record, alarms and their acknowledgement
  take the last entry's time and every other append is refused
  (``clockwatch.py``);
* while a :class:`~kiosk.journal.pending.Pending` entry (``pending.py``:
  an entry collecting signatures) is open nothing else is appended, and its
  digest is never offered again once abandoned (so an assertion for an
  abandoned entry can never be used for another);
* the key-slot file records the head after every write, is checked at every
  open (``head.py``: rollback and truncation refused), and is written only
  through the open journal (:meth:`update_slots`);
* listeners (:meth:`add_listener`, e.g. the alert slip printer) see every
  durable entry once, in seq order, outside ``self._lock`` (``delivery.py``):
  a slow printer never holds up another thread's append or read. The
  appending thread delivers its entries before its append returns, unless
  another thread is delivering at that moment, which then delivers them too;
  :meth:`close` delivers whatever is left first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.errors import JournalBusyError, JournalError, JournalIntegrityError, SealroomError
from kiosk.format.canonical import canon_unchecked
from kiosk.format.clock import Clock, ClockJump, format_ts, parse_ts
from kiosk.format.entry import GENESIS_PREV, Entry
from kiosk.format.schema import validate_payload
from kiosk.journal.clockwatch import CONFIRMATION_KIND, held_stamp
from kiosk.journal.db import Connection, open_database
from kiosk.journal.delivery import Delivery, Listener
from kiosk.journal.diskspace import write_failure
from kiosk.journal.drafts import Drafts
from kiosk.journal.head import HeadKeeper
from kiosk.journal.integrity import carries_assertion, refuse_if_halted
from kiosk.journal.keyslots import KeySlots
from kiosk.journal.pending import Pending
from kiosk.journal.walk import WalkResult, walk
from kiosk.journal.witness import NO_TPM, Witness
from kiosk.state import State

DB_NAME = "journal.db"
SLOTS_NAME = "keyslots.json"
LOCK_NAME = "journal.lock"
PUBKEY_NAME = "kiosk.pub"

#: Checks an entry's attestations against the state before it, raising
#: :class:`~kiosk.errors.ApprovalError`; given the journal too, so that it can
#: name the earlier entry or cancelled step an assertion was made for.
ApprovalCheck = Callable[["Journal", Entry, State], None]


@dataclass(frozen=True)
class Head:
    """Where the chain ends: the last entry's seq and hash."""

    seq: int
    hash: str

    @property
    def short(self) -> str:
        return f"{self.seq} · {self.hash[:12]}"


class Journal:
    """An open, verified journal. Use :meth:`create` or :meth:`open`."""

    def __init__(
        self,
        data_dir: Path,
        conn: Connection,
        clock: Clock,
        lock_fd: int,
        approval_check: ApprovalCheck | None,
    ) -> None:
        self.data_dir = data_dir
        self._conn = conn
        self._clock = clock
        self._lock_fd = lock_fd
        self._lock = threading.RLock()
        self._pending: Pending | None = None
        self._used_digests: set[bytes] = set()
        self.state = State()
        self.approval_check = approval_check
        self._db_key = b""
        self._delivery = Delivery(self._lock)
        self._clock_behind = False
        #: the key-slot file's owner while open (set by create/open)
        self._keeper: HeadKeeper | None = None
        self._drafts: Drafts | None = None

    # ------------------------------------------------------------ opening
    @staticmethod
    def _take_lock(data_dir: Path) -> int:
        fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise JournalError("journal.locked", path=str(data_dir)) from exc
        return fd

    @classmethod
    def create(
        cls,
        data_dir: Path,
        db_key: bytes,
        clock: Clock,
        *,
        approval_check: ApprovalCheck | None,
        kiosk_id: str,
        policy_hash: str,
        uv_required: bool,
        journal_id: str,
        software: str = "sealroom",
        calendar: dict[str, str] | None = None,
        witness: Witness | None = None,
    ) -> Journal:
        """Create the database, the kiosk signing key and the genesis entry.

        ``calendar`` (the policy's business-day calendar) goes into the
        genesis entry, so that the auditors' verifier counts the review
        deadline's business days on the same calendar as the terminal.
        The key-slot file exists already; ``witness``: see ``head.py``.
        """
        data_dir.mkdir(parents=True, exist_ok=True)
        lock_fd = cls._take_lock(data_dir)
        try:
            conn = open_database(data_dir / DB_NAME, db_key, create=True)
        except BaseException:
            os.close(lock_fd)
            raise
        j = cls(data_dir, conn, clock, lock_fd, approval_check)
        j._db_key = bytes(db_key)
        try:
            j._keeper = HeadKeeper.create(data_dir / SLOTS_NAME, db_key, witness or NO_TPM)
        except BaseException:
            j._close()
            raise
        signing = Ed25519PrivateKey.generate()
        raw_private = signing.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        with j._transaction() as cur:
            cur.execute("INSERT INTO meta VALUES ('journal_id', ?)", (journal_id.encode(),))
            cur.execute("INSERT INTO meta VALUES ('kiosk_signing_key', ?)", (raw_private,))
            cur.execute(
                "INSERT INTO meta VALUES ('terminal_mac_key', ?)", (secrets.token_bytes(32),)
            )
        public_line = j.kiosk_public_line(kiosk_id)
        j.append(
            "journal.genesis",
            {
                "kiosk_id": kiosk_id,
                "kiosk_key": public_line,
                "policy_hash": policy_hash,
                "uv_required": uv_required,
                "journal_id": journal_id,
                "software": software,
                **({"calendar": calendar} if calendar else {}),
            },
        )
        return j

    @classmethod
    def open(
        cls,
        data_dir: Path,
        db_key: bytes,
        clock: Clock,
        *,
        approval_check: ApprovalCheck | None,
        witness: Witness | None = None,
        restoring: bool = False,
    ) -> Journal:
        """Open, verify the whole chain from seq 1 and replay the state (at every unlock).

        Then compare it with the key-slot file's head and the TPM (``head.py``).
        ``restoring`` (a backup just unpacked): the TPM check waits for ``terminal.restored``.
        """
        lock_fd = cls._take_lock(data_dir)
        try:
            conn = open_database(data_dir / DB_NAME, db_key, create=False)
        except BaseException:
            os.close(lock_fd)
            raise
        j = cls(data_dir, conn, clock, lock_fd, approval_check)
        j._db_key = bytes(db_key)
        try:
            keeper = HeadKeeper.load(
                data_dir / SLOTS_NAME, db_key, witness or NO_TPM, restoring=restoring
            )
            j.state = j._rebuild()
            keeper.check(*j._last_row(), j.entry)
            j._keeper = keeper
        except BaseException:
            j.close()
            raise
        return j

    def _last_row(self) -> tuple[int, str]:
        """Seq and hash of the last stored entry (once the chain was verified)."""
        last = self.entry(self._conn.execute("SELECT max(seq) FROM entries").fetchone()[0] or 0)
        return (last.seq, last.hash) if last else (0, "")

    def _rebuild(self) -> State:
        """The walk of :mod:`kiosk.journal.walk`: a structural break refuses to open.

        An entry that breaks a rule is quarantined instead, and the journal
        opens halted (``state.halted``) until its alarm is acknowledged.
        """
        result = self._walk()
        if result.problem is not None:
            raise JournalIntegrityError(
                seq=result.problem.seq,
                reason=result.problem.reason,
                last_seq=result.entries,
                last_hash=result.head_hash,
            )
        return result.state

    @property
    def drafts(self) -> Drafts:
        """Typed answers kept across a lock, beside the entries (never chained): issue 22."""
        with self._lock:
            if self._drafts is None:
                self._drafts = Drafts(self._conn, self._lock)
            return self._drafts

    def close(self) -> None:
        """Close the database, once every durable entry has reached the listeners.

        A delivery in progress is waited for, and what is left is delivered
        here, before the connection goes: an alert slip that is printing
        (or is cancelled because the terminal locks) must still be able to
        journal that it did not print. Never call this holding ``self._lock``.
        """
        self._delivery.finish()
        self._close()

    def _close(self) -> None:
        with self._lock:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._db_key = b""
            if self._lock_fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(self._lock_fd)
                self._lock_fd = -1

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- reads
    @property
    def head(self) -> Head:
        return Head(self.state.seq, self.state.head)

    @property
    def clock(self) -> Clock:
        return self._clock

    def clock_jump(self) -> ClockJump | None:
        """How far the clock jumped forward, if two custodians must confirm it before any append."""
        with self._lock:
            return self._clock.watch.check(self._clock, self.state.last_ts)

    def lines(self, start: int = 1) -> Iterator[bytes]:
        """The exact canonical lines, from ``start``."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT line FROM entries WHERE seq >= ? ORDER BY seq", (start,)
            ).fetchall()
        for (line,) in rows:
            yield bytes(line)

    def entries(self, start: int = 1) -> Iterator[Entry]:
        """Entries from ``start`` (the chain was verified when the journal opened)."""
        for raw in self.lines(start):
            yield Entry.from_json(json.loads(raw))

    def entry(self, seq: int) -> Entry | None:
        with self._lock:
            row = self._conn.execute("SELECT line FROM entries WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            return None
        return Entry.from_json(json.loads(bytes(row[0])))

    def snapshot(self) -> tuple[dict[str, bytes], list[bytes], KeySlots]:
        """Meta rows, every line and the key slots, read at one head (for a sealed backup).

        Read under the write lock with no entry reserved, so the three agree:
        the key-slot file records exactly the head of the lines
        (``kiosk/journal/backup.py``).
        """
        with self._lock:
            if self._pending is not None:
                raise JournalBusyError(seq=self._pending.seq)
            rows = self._conn.execute("SELECT name, value FROM meta ORDER BY name").fetchall()
            return (
                {str(n): bytes(v) for n, v in rows},
                list(self.lines()),
                self._head_keeper().slots.copy(),
            )

    def _walk(self) -> WalkResult:
        """:func:`kiosk.journal.walk.walk` over every row, the lock held (no append interleaves).

        Each row's line goes to the walk exactly as SQLite returns it: the
        bytes of a BLOB, as every line is written, or the text or number a
        row was rewritten with, which the chain check names. Rows are read in
        seq order whatever their seq, so a row stored with seq 0 or a gap shows.
        """
        with self._lock:
            rows = self._conn.execute("SELECT line FROM entries ORDER BY seq").fetchall()
            return walk([line for (line,) in rows])

    def verify(self) -> WalkResult:
        """Re-check the whole journal from seq 1 with every check of unlock.

        The journal screen's "Check the whole chain" runs it on request; unlock
        runs the same walk (:meth:`open`). The result names the structural
        break that stopped it (``problem``) and every quarantined entry.
        """
        return self._walk()

    def verify_or_raise(self) -> WalkResult:
        result = self.verify()
        if result.problem is not None:
            raise JournalIntegrityError(seq=result.problem.seq, reason=result.problem.reason)
        if result.quarantined:
            first = result.quarantined[0]
            raise JournalIntegrityError(seq=first.seq, reason=first.reason)
        if result.entries != self.state.seq or result.head_hash != self.state.head:
            raise JournalIntegrityError(
                seq=result.entries + 1, reason="is missing (the journal is shorter than expected)"
            )
        return result

    # ----------------------------------------------------- terminal keys
    def _meta(self, name: str) -> bytes:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise JournalError("journal.corrupt", reason=f"the terminal's {name} is missing")
        return bytes(row[0])

    def _signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self._meta("kiosk_signing_key"))

    def kiosk_public_line(self, comment: str | None = None) -> str:
        """The terminal's key as an OpenSSH public key line."""
        pub = self._signing_key().public_key()
        line = pub.public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        ).decode("ascii")
        name = comment if comment is not None else self.state.kiosk_id
        return f"{line} {name}" if name else line

    def sign_with_kiosk_key(self, message: bytes) -> bytes:
        """Raw Ed25519 signature by the terminal key (exports wrap it in sshsig)."""
        return self._signing_key().sign(message)

    def terminal_mac_key(self) -> bytes:
        """The 32-byte key that binds the terminal's own QR codes to it."""
        return self._meta("terminal_mac_key")

    def journal_id(self) -> str:
        return self._meta("journal_id").decode()

    def database_key(self) -> bytes:
        """The database key, held while the terminal is unlocked (to wrap new key slots)."""
        return self._db_key

    # ---------------------------------------------------------- key slots
    def _head_keeper(self) -> HeadKeeper:
        if self._keeper is None:
            raise JournalError("journal.error", reason="the journal is not open")
        return self._keeper

    def key_slots(self) -> KeySlots:
        """A copy of the key-slot file as the open journal keeps it (authenticated)."""
        with self._lock:
            return self._head_keeper().slots.copy()

    def update_slots(self, change: Callable[[KeySlots], None]) -> None:
        """Change the key slots and save the file, with its head and MAC, under the write lock."""
        with self._lock:
            self._head_keeper().update_slots(change)

    # ------------------------------------------------------------- writes
    def add_listener(self, listener: Listener) -> None:
        """Called after each durable append (e.g. to print an alert slip); see ``delivery.py``."""
        self._delivery.add(listener)

    def deliver(self) -> None:
        """Hand the listeners what they have not seen yet, now.

        The terminal calls it in a worker once its slip printer listens, so
        that the slips of the alerts raised at unlock print without waiting
        for the next append.
        """
        self._deliver()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            yield cur
            cur.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(Exception):
                cur.execute("ROLLBACK")
            if isinstance(exc, SealroomError):
                raise
            if isinstance(exc, Exception):
                raise write_failure(exc, self.data_dir) from exc
            raise
        finally:
            cur.close()

    def _next_ts(self, held: str | None) -> tuple[str, dict[str, Any] | None]:
        """The ts for the next entry, and an alert payload if the clock went back.

        ``held``: the ts the clock gate gave (:func:`held_stamp`), if any.
        """
        if held is not None:
            return held, None
        now = format_ts(self._clock.now())
        last = self.state.last_ts
        if last and now < last:
            if self._clock_behind:
                return last, None  # already recorded for this episode
            return last, {
                "alert": "clock.moved_back",
                "summary": "The terminal's clock moved backwards; entries keep the last time.",
                "detail": {"clock": now, "last_entry": last},
            }
        return now, None

    def _make(self, kind: str, data: dict[str, Any], ts: str, seq: int, prev: str) -> Entry:
        return Entry(seq, ts, kind, data, prev)

    def _validate(self, entry: Entry, state: State) -> None:
        refuse_if_halted(state, entry.kind, entry.data)
        validate_payload(entry.kind, entry.data)
        state.check(entry)
        if self.approval_check is not None and (entry.attest or carries_assertion(entry)):
            self.approval_check(self, entry, state)

    def _write(self, entries: list[Entry]) -> None:
        """Write already-validated, sealed entries in one transaction, then fold them.

        One entry is one INSERT in autocommit mode (SQLite wraps it in its own
        transaction and, with ``synchronous=FULL``, fsyncs the WAL before
        returning); several go in one explicit transaction. Values were
        checked by the schema, so the canonical bytes are made unchecked.
        """
        insert = "INSERT INTO entries (seq, line) VALUES (?, ?)"
        rows = [(e.seq, canon_unchecked(e.to_json())) for e in entries]
        keeper = self._head_keeper()
        keeper.before_write(entries, entries[0].seq - 1, entries[0].prev)
        if len(rows) == 1:
            cur = self._conn.cursor()
            try:
                cur.execute(insert, rows[0])
            except Exception as exc:
                raise write_failure(exc, self.data_dir) from exc
            finally:
                cur.close()
        else:
            with self._transaction() as cur:
                for row in rows:
                    cur.execute(insert, row)
        keeper.after_write(entries[-1].seq, entries[-1].hash)
        for e in entries:
            self.state.apply(e)
            if e.kind == "alert.raised" and e.data.get("alert") == "clock.moved_back":
                self._clock_behind = True
            if e.kind == CONFIRMATION_KIND:
                self._clock.watch.trust(self._clock)
        if entries and format_ts(self._clock.now()) >= self.state.last_ts:
            self._clock_behind = False
        self._delivery.queue(entries)

    def _deliver(self) -> None:
        """Hand the durable entries not yet seen to the listeners (``delivery.py``)."""
        self._delivery.deliver()

    def _prepare(self, kind: str, data: dict[str, Any]) -> tuple[list[Entry], State]:
        """Entries to write for one append (a clock alert first, if needed)."""
        ts, clock_alert = self._next_ts(held_stamp(self._clock, self.state, kind, data))
        state = self.state.clone() if clock_alert else self.state
        out: list[Entry] = []
        seq, prev = self.state.seq + 1, self.state.head or GENESIS_PREV
        if clock_alert is not None:
            alert = Entry(seq, ts, "alert.raised", clock_alert, prev).sealed()
            self._validate(alert, state)
            state.apply(alert)
            out.append(alert)
            seq, prev = seq + 1, alert.hash
        out.append(self._make(kind, data, ts, seq, prev))
        return out, state

    def append(
        self, kind: str, data: dict[str, Any], attest: list[dict[str, Any]] | None = None
    ) -> Entry:
        """Validate, write durably and return one entry (no signatures to collect)."""
        with self._lock:
            if self._pending is not None:
                raise JournalBusyError(seq=self._pending.seq)
            out, state = self._prepare(kind, data)
            last = out[-1]
            entry = Entry(last.seq, last.ts, kind, data, last.prev, tuple(attest or ())).sealed()
            self._validate(entry, state)
            out[-1] = entry
            self._write(out)
        self._deliver()
        return entry

    def begin(self, kind: str, data: dict[str, Any]) -> Pending:
        """Reserve the next seq for an entry that custodians will sign."""
        with self._lock:
            if self._pending is not None:
                raise JournalBusyError(seq=self._pending.seq)
            held = held_stamp(self._clock, self.state, kind, data)
            refuse_if_halted(self.state, kind, data)
            validate_payload(kind, data)
            ts, clock_alert = self._next_ts(held)
            if clock_alert is not None:
                # Record the clock alert now, on its own, so the digest the
                # custodians sign is already at its final position.
                alert = Entry(self.state.seq + 1, ts, "alert.raised", clock_alert, self.state.head)
                alert = alert.sealed()
                self._validate(alert, self.state)
                self._write([alert])
                # Delivered before the entry below is pending, still under
                # the lock (a rare path: the clock moved back): a slip that
                # did not print must be journaled, and nothing else can be
                # appended once an entry is pending.
                self._deliver()
            entry = Entry(self.state.seq + 1, ts, kind, data, self.state.head)
            while entry.digest in self._used_digests:
                # Same seq, same millisecond, same content as an abandoned
                # entry: move the time on by 1 ms so the challenge is new.
                later = format_ts(parse_ts(entry.ts) + dt.timedelta(milliseconds=1))
                entry = Entry(entry.seq, later, kind, data, entry.prev)
            self._used_digests.add(entry.digest)
            pending = Pending(entry, self._commit_pending, self._abandon_pending)
            self._pending = pending
            return pending

    def _commit_pending(self, pending: Pending) -> Entry:
        with self._lock:
            if pending is not self._pending or pending.closed:
                raise JournalError("journal.pending_gone")
            entry = pending.draft()
            self._validate(entry, self.state)
            self._write([entry])
            pending.closed = True
            self._pending = None
        self._deliver()
        return entry

    def _abandon_pending(self, pending: Pending) -> None:
        with self._lock:
            if pending is self._pending:
                self._pending = None
            pending.closed = True

    @property
    def pending(self) -> Pending | None:
        return self._pending

    def was_offered(self, digest: bytes) -> bool:
        """True if ``digest`` was ever offered for signing in this session."""
        return digest in self._used_digests


def write_public_key(data_dir: Path, line: str) -> Path:
    from kiosk.journal.durable import atomic_write

    path = data_dir / PUBKEY_NAME
    atomic_write(path, (line + "\n").encode("ascii"))
    return path
