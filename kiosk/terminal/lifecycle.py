"""Commissioning and unlocking the terminal (headless; the UI only calls these).

Commissioning creates, in an empty data directory: a random database key,
the key-slot file (recovery passphrase slot first), the encrypted journal
with the terminal's Ed25519 signing key inside it and the genesis entry, and
``kiosk.pub`` (the terminal's OpenSSH public key, for auditors) with
``identity.json`` (its public anchors, for the identity sheet:
:mod:`kiosk.terminal.identity`).

Unlocking opens the key-slot file, unwraps the database key (with the
recovery passphrase, or with one enrolled custodian's security key:
:func:`unlock_with_key`), opens the journal and re-verifies its whole chain
with the auditors' checks (:mod:`kiosk.journal.walk`), compares the journal
with the head the key-slot file records (and the TPM counter, when the
terminal is bound to one): a rollback or truncation is refused, naming it
(``kiosk/journal/head.py``), and journals the unlock
(:mod:`kiosk.terminal.witness`). A failure before the journal opens
changes nothing on disk.

Whoever commissions or unlocks hands in a :class:`~kiosk.journal.witness.Witness`:
the policy's ``[tamper] tpm`` setting and this machine's TPM counter, if any
(``hardware/tpm.py``). None means no TPM and none required.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import ApprovalError, JournalError, KeySlotError
from kiosk.errors.oplog import event
from kiosk.format.canonical import b64u, b64u_decode
from kiosk.format.clock import Clock
from kiosk.journal.keyslots import (
    Argon2Params,
    KeySlots,
    generate_passphrase,
    new_database_key,
    normalise_passphrase,
)
from kiosk.journal.store import DB_NAME, PUBKEY_NAME, SLOTS_NAME, Journal, write_public_key
from kiosk.journal.witness import Witness
from kiosk.policy import DEFAULT_COUNTER_MARGIN, Policy
from kiosk.rules.unlock import unlock_challenge
from kiosk.terminal.approvals import SecurityKeys
from kiosk.terminal.identity import IDENTITY_NAME, identity_of, write_identity
from kiosk.terminal.signers import journal_check
from kiosk.terminal.witness import (
    KeyUnlock,
    new_nonce,
    record_key_unlock,
    record_passphrase_unlock,
)

MIN_PASSPHRASE = 16
log = logging.getLogger("sealroom.unlock")


def ssh_fingerprint(public_line: str) -> str:
    """``SHA256:…`` exactly as ``ssh-keygen -l`` prints it."""
    blob = base64.b64decode(public_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


@dataclass
class Commissioned:
    journal: Journal
    recovery_passphrase: str
    fingerprint: str
    public_key_path: Path
    db_key: bytes

    @property
    def genesis_hash(self) -> str:
        return self.journal.state.genesis_hash


def commission(
    data_dir: Path,
    policy: Policy,
    clock: Clock,
    *,
    passphrase: str | None = None,
    argon: Argon2Params | None = None,
    witness: Witness | None = None,
) -> Commissioned:
    """Create a new terminal in ``data_dir`` (which must hold no journal)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if (data_dir / DB_NAME).exists() or (data_dir / SLOTS_NAME).exists():
        raise JournalError("journal.exists", path=str(data_dir))
    if passphrase is not None and len(normalise_passphrase(passphrase)) < MIN_PASSPHRASE:
        raise KeySlotError("keyslot.weak_passphrase", minimum=MIN_PASSPHRASE)
    db_key = new_database_key()
    journal_id = secrets.token_hex(16)
    phrase = passphrase or generate_passphrase()
    slots = KeySlots.create(data_dir / SLOTS_NAME, journal_id, db_key)
    slots.add_passphrase(db_key, phrase, argon)
    try:
        slots.save()
        journal = Journal.create(
            data_dir,
            db_key,
            clock,
            approval_check=journal_check,
            kiosk_id=policy.kiosk_id,
            policy_hash=policy.sha256,
            uv_required=policy.uv_required,
            journal_id=journal_id,
            calendar=policy.calendar,
            witness=witness,
        )
    except BaseException:
        undo_commission(data_dir)
        raise
    line = journal.kiosk_public_line()
    pub = write_public_key(data_dir, line)
    write_identity(data_dir, identity_of(journal))  # public anchors, for the identity sheet
    return Commissioned(journal, phrase, ssh_fingerprint(line), pub, db_key)


def undo_commission(data_dir: Path) -> None:
    """Leave no half-commissioned terminal behind (the journal must be closed first)."""
    names = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", SLOTS_NAME, PUBKEY_NAME, IDENTITY_NAME)
    for name in names:
        (data_dir / name).unlink(missing_ok=True)


def load_slots(data_dir: Path) -> KeySlots:
    return KeySlots.load(data_dir / SLOTS_NAME)


def unlock_with_passphrase(
    data_dir: Path, passphrase: str, clock: Clock, *, witness: Witness | None = None
) -> Journal:
    """Open the journal with the recovery passphrase (and verify it).

    Slots of keys the journal no longer lists as active are removed, as at a
    key unlock (:func:`kiosk.terminal.enrolment.reconcile_slots`). The unlock
    is journaled with an ``unlock.passphrase`` alert
    (:func:`kiosk.terminal.witness.record_passphrase_unlock`).
    """
    from kiosk.terminal.enrolment import reconcile_slots

    _not_retired(data_dir)
    slots = load_slots(data_dir)
    db_key = slots.open_with_passphrase(passphrase)
    journal = open_journal(data_dir, db_key, clock, slots.journal_id, witness)
    _recorded(journal, lambda: reconcile_slots(journal))
    _after_crash(journal)
    _recorded(journal, lambda: record_passphrase_unlock(journal))
    event(log, "unlock", "unlocked with the recovery passphrase", how="passphrase")
    return journal


def _after_crash(journal: Journal, retiring: bool = False) -> None:
    """Refuse a copy that moved away or was retired (``kiosk/terminal/retire.py``), then
    record what a crash interrupted (``kiosk/terminal/repair.py``; never fails the unlock).
    ``retiring``: ``sealroom retire`` taking up an unfinished retirement."""
    from kiosk.terminal.repair import repair_after_crash
    from kiosk.terminal.retire import refuse_if_gone

    _recorded(journal, lambda: refuse_if_gone(journal, retiring=retiring))
    repair_after_crash(journal)


def _not_retired(data_dir: Path) -> None:
    """A retired terminal's directory says so (its key-slot file was destroyed)."""
    from kiosk.terminal.retire import refuse_if_destroyed

    refuse_if_destroyed(data_dir)


def _recorded(journal: Journal, record: Callable[[], object]) -> None:
    """Journal the unlock; if that fails, the terminal stays locked (nothing half-done)."""
    try:
        record()
    except BaseException:
        journal.close()
        raise


def unlock_with_key(
    data_dir: Path,
    security_keys: SecurityKeys,
    clock: Clock,
    cancel: threading.Event | None = None,
    *,
    witness: Witness | None = None,
    counter_margin: int = DEFAULT_COUNTER_MARGIN,
    retiring: bool = False,
) -> Journal:
    """Open the journal with one enrolled custodian's touch + PIN (and verify it).

    The key slots name the enrolled credentials and their hmac-secret salts;
    the security keys adapter finds which one the plugged-in key holds (silently),
    asks for its PIN and a touch, and returns the secret that unwraps the
    database key. Every failure before the journal opens (no key, wrong or
    blocked PIN, cancel, a key not enrolled, a slot that does not open)
    leaves the data directory byte for byte unchanged. After opening, the
    credential must still be active in the journal (a slot left behind by a
    revocation interrupted mid-way is refused and then removed at the next
    successful unlock by :func:`kiosk.terminal.enrolment.reconcile_slots`).

    The key's one touch also signs the unlock's challenge (the journal id and
    a fresh nonce): the unlock is journaled with that assertion, and a key
    whose counter is more than ``counter_margin`` ahead of its last journaled
    use raises an alert (:func:`kiosk.terminal.witness.record_key_unlock`).
    """
    from kiosk.terminal.enrolment import reconcile_slots

    cancel = cancel or threading.Event()
    _not_retired(data_dir)
    slots = load_slots(data_dir)
    by_rp: dict[str, dict[bytes, bytes]] = {}
    for cid, salt in slots.fido2_credentials():
        slot = slots.fido2_slot(cid) or {}
        by_rp.setdefault(str(slot.get("rp_id", "")), {})[cid] = salt
    if not by_rp:
        raise KeySlotError("unlock.no_key_slot")
    rp_id, salts = next(iter(by_rp.items()))
    for rp, group in by_rp.items():
        if security_keys.present(rp, list(group)):
            rp_id, salts = rp, group
            break
    nonce = new_nonce()
    answer, secret = security_keys.unlock(
        rp_id, salts, unlock_challenge(slots.journal_id, nonce), cancel
    )
    cid = b64u_decode(answer["credential_id"])
    db_key = slots.open_with_fido2(cid, secret)
    journal = open_journal(data_dir, db_key, clock, slots.journal_id, witness)
    cred = journal.state.credentials.get(b64u(cid))
    owner = journal.state.custodians.get(cred.custodian) if cred else None
    if cred is None or owner is None:
        journal.close()
        raise ApprovalError("approval.unknown_credential")
    if owner.revoked or cred.revoked:
        journal.close()
        code = "approval.revoked_custodian" if owner.revoked else "approval.revoked_credential"
        raise ApprovalError(code, name=owner.name)
    reconcile_slots(journal)
    _after_crash(journal, retiring)
    unlock = KeyUnlock(owner.id, cred.id, nonce, answer)
    _recorded(journal, lambda: record_key_unlock(journal, unlock, counter_margin))
    event(
        log,
        "unlock",
        f"unlocked with {owner.name}'s security key",
        how="key",
        custodian=owner.id,
        credential=cred.id[:16],
    )
    return journal


def open_journal(
    data_dir: Path,
    db_key: bytes,
    clock: Clock,
    journal_id: str,
    witness: Witness | None = None,
    *,
    restoring: bool = False,
) -> Journal:
    journal = Journal.open(
        data_dir,
        db_key,
        clock,
        approval_check=journal_check,
        witness=witness,
        restoring=restoring,
    )
    if journal.journal_id() != journal_id:
        journal.close()
        raise JournalError("journal.wrong_key")
    return journal


def has_journal(data_dir: Path) -> bool:
    return (data_dir / DB_NAME).exists()


def remove_terminal(data_dir: Path) -> None:
    """Delete a throw-away (demo/test) terminal directory."""
    shutil.rmtree(data_dir, ignore_errors=True)
